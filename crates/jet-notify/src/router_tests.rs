//! The router alone: routing, retained messages, shared groups, takeover.

use std::time::Instant;

use bytes::Bytes;

use super::*;
use crate::codec::Publish;

fn router() -> Router {
    Router::new(Limits::default(), Arc::new(Counters::default()))
}

fn msg(topic: &str, retain: bool, payload: &'static [u8]) -> Arc<Message> {
    let mut publish = Publish::new(topic, QoS::AtLeastOnce, Bytes::from_static(payload));
    publish.retain = retain;
    Arc::new(Message {
        publish,
        expires_at: None,
        origin: 0,
    })
}

fn open(r: &mut Router, id: &str, conn: u64) -> Arc<Session> {
    let addr = "127.0.0.1:1".parse().unwrap();
    r.open_session(id, true, conn, ProtocolVersion::V5, addr, 0, Instant::now())
        .session
}

#[test]
fn routing_reaches_each_matching_session_once() {
    let mut r = router();
    let a = open(&mut r, "a", 1);
    let b = open(&mut r, "b", 2);
    let now = Instant::now();
    r.subscribe(&a, "x/#", SubOptions::qos(QoS::AtLeastOnce), None, now);
    r.subscribe(&a, "x/+", SubOptions::qos(QoS::AtMostOnce), Some(4), now);
    r.subscribe(&b, "y", SubOptions::default(), None, now);
    assert_eq!(r.route(msg("x/1", false, b"m")), 1);
    let st = a.lock();
    assert_eq!(st.queue.len(), 1);
    assert_eq!(st.queue[0].qos, QoS::AtLeastOnce);
    assert_eq!(st.queue[0].sub_ids.as_slice(), &[4]);
    assert!(b.lock().queue.is_empty());
}

#[test]
fn retained_messages_are_stored_replaced_and_cleared() {
    let mut r = router();
    r.route(msg("r", true, b"1"));
    r.route(msg("r", true, b"2"));
    assert_eq!(r.retained_count(), 1);
    let s = open(&mut r, "s", 1);
    r.subscribe(
        &s,
        "r",
        SubOptions::qos(QoS::AtLeastOnce),
        None,
        Instant::now(),
    );
    assert_eq!(&s.lock().queue[0].msg.publish.payload[..], b"2");
    assert!(s.lock().queue[0].retain);
    r.route(msg("r", true, b""));
    assert_eq!(r.retained_count(), 0);
}

#[test]
fn shared_groups_prefer_online_members() {
    let mut r = router();
    let a = open(&mut r, "a", 1);
    let b = open(&mut r, "b", 2);
    let now = Instant::now();
    r.subscribe(
        &a,
        "$share/g/t",
        SubOptions::qos(QoS::AtLeastOnce),
        None,
        now,
    );
    r.subscribe(
        &b,
        "$share/g/t",
        SubOptions::qos(QoS::AtLeastOnce),
        None,
        now,
    );
    r.detach(&a, 1, 3600, now); // a goes offline, its session stays
    for _ in 0..4 {
        r.route(msg("t", false, b"m"));
    }
    assert_eq!(a.lock().queue.len(), 0);
    assert_eq!(b.lock().queue.len(), 4);
}

#[test]
fn reopening_a_connected_client_id_reports_the_previous_owner() {
    let mut r = router();
    let addr = "127.0.0.1:1".parse().unwrap();
    let now = Instant::now();
    let first = r.open_session("dup", false, 1, ProtocolVersion::V5, addr, 60, now);
    assert!(!first.present);
    let second = r.open_session("dup", false, 2, ProtocolVersion::V5, addr, 60, now);
    assert!(second.present);
    assert_eq!(second.previous_owner, Some(1));
    // The old connection's detach no longer touches the session.
    r.detach(&first.session, 1, 0, now);
    assert_eq!(r.session_count(), 1);
    assert_eq!(second.session.lock().owner, Some(2));
}

#[test]
fn subscriptions_per_client_are_bounded() {
    let mut r = router();
    r.limits.max_subscriptions = 1;
    let s = open(&mut r, "s", 1);
    let now = Instant::now();
    assert_eq!(
        r.subscribe(&s, "a", SubOptions::default(), None, now),
        ReasonCode::SUCCESS
    );
    assert_eq!(
        r.subscribe(&s, "a", SubOptions::default(), None, now),
        ReasonCode::SUCCESS,
        "replacing is fine"
    );
    assert_eq!(
        r.subscribe(&s, "b", SubOptions::default(), None, now),
        ReasonCode::QUOTA_EXCEEDED
    );
}

#[test]
fn drop_subscriptions_removes_what_a_new_deny_list_refuses() {
    let mut r = router();
    let s = open(&mut r, "s", 1);
    let now = Instant::now();
    r.subscribe(&s, "/junos/events/#", SubOptions::default(), None, now);
    r.subscribe(&s, "/app/x", SubOptions::default(), None, now);
    r.drop_subscriptions(|f| f.starts_with("/junos"));
    assert_eq!(
        s.lock().subscriptions.keys().collect::<Vec<_>>(),
        vec!["/app/x"]
    );
    assert_eq!(r.subscription_count(), 1);
}
