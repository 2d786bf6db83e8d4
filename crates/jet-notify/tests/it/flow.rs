//! Flow control: bounded queues, the slow-subscriber policy, in-flight windows,
//! keep-alive.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use jet_notify::codec::{
    Connect, Disconnect, Packet, Properties, Property, ProtocolVersion, PubAck, QoS as Q,
    ReasonCode, SubOptions, Subscribe,
};

use crate::common::*;

async fn subscriber(addr: std::net::SocketAddr, id: &str, qos: Q, props: Properties) -> Raw {
    let mut c = Connect::new(ProtocolVersion::V5, id);
    c.props = props;
    let (mut raw, _) = Raw::connect(addr, c).await;
    raw.send(Packet::Subscribe(Subscribe {
        pid: 1,
        filters: vec![("f/#".into(), SubOptions::qos(qos))],
        ..Default::default()
    }))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    raw
}

#[tokio::test]
async fn a_slow_subscriber_loses_counted_device_events_without_slowing_the_device() {
    let (broker, addr) = start(|c| c.limits.max_queued_messages = 100);
    let _slow = subscriber(addr, "slow", Q::AtMostOnce, Properties::new()).await; // never reads
    let mut fast = subscriber(addr, "fast", Q::AtMostOnce, Properties::new()).await;
    let link = broker.link();
    let payload = Bytes::from(vec![b'x'; 4096]);
    const N: usize = 3000; // 12 MB: far beyond the slow client's socket buffers
    let received = Arc::new(AtomicUsize::new(0));
    let reader = tokio::spawn({
        let received = received.clone();
        async move {
            while received.load(Ordering::Relaxed) < N {
                match fast.recv().await {
                    Some(Packet::Publish(_)) => received.fetch_add(1, Ordering::Relaxed),
                    other => panic!("{other:?}"),
                };
            }
        }
    });
    let mut slowest = Duration::ZERO;
    for i in 0..N {
        let t0 = Instant::now();
        link.publish("f/x", payload.clone(), Q::AtMostOnce, false)
            .unwrap();
        slowest = slowest.max(t0.elapsed());
        // Paced by the fast subscriber only: the slow one cannot hold anyone back.
        while i >= 50 && received.load(Ordering::Relaxed) < i - 50 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    tokio::time::timeout(WAIT, reader)
        .await
        .expect("fast subscriber got everything")
        .unwrap();
    let s = broker.stats();
    assert!(s.dropped_qos0 > 0, "{s:?}");
    let slow = broker
        .clients()
        .into_iter()
        .find(|c| c.client_id == "slow")
        .unwrap();
    assert_eq!(slow.dropped, s.dropped_qos0);
    assert!(slow.queued <= 100, "bounded queue: {}", slow.queued);
    assert!(
        slowest < Duration::from_millis(200),
        "the link never waited: {slowest:?}"
    );
}

#[tokio::test]
async fn device_qos1_events_beyond_a_full_queue_are_dropped_and_counted_not_disconnected() {
    let (broker, addr) = start(|c| c.limits.max_queued_messages = 50);
    let mut slow = subscriber(addr, "slow1", Q::AtLeastOnce, Properties::new()).await;
    let link = broker.link();
    let payload = Bytes::from(vec![b'y'; 8192]);
    for _ in 0..2000 {
        link.publish("f/y", payload.clone(), Q::AtLeastOnce, false)
            .unwrap();
    }
    let s = broker.stats();
    assert!(s.dropped_queue_full > 0, "{s:?}");
    assert_eq!(s.dropped_device_events, s.dropped_queue_full);
    assert_eq!(s.quota_disconnects, 0);
    // Still connected: what was queued arrives, in order.
    let Some(Packet::Publish(p)) = slow.recv().await else {
        panic!("the first queued event")
    };
    assert_eq!(p.topic.as_str(), "f/y");
    assert_eq!(broker.clients()[0].dropped, s.dropped_queue_full);
}

#[tokio::test]
async fn the_clients_receive_maximum_bounds_messages_in_flight() {
    let (broker, addr) = start(|_| {});
    let props = Properties::new().with(Property::ReceiveMaximum(2));
    let mut c = subscriber(addr, "rm", Q::AtLeastOnce, props).await;
    for i in 0..5u8 {
        broker
            .link()
            .publish("f/rm", Bytes::from(vec![i]), Q::AtLeastOnce, false)
            .unwrap();
    }
    let mut pids = Vec::new();
    for _ in 0..2 {
        let Some(Packet::Publish(p)) = c.recv().await else {
            panic!()
        };
        pids.push(p.pid);
    }
    c.expect_silence().await;
    c.send(Packet::PubAck(PubAck::new(pids[0]))).await;
    let Some(Packet::Publish(p)) = c.recv().await else {
        panic!()
    };
    assert_eq!(p.payload[0], 2, "next in order once a slot frees");
    c.expect_silence().await;
    assert_eq!(broker.clients()[0].queued, 2);
    assert_eq!(broker.clients()[0].inflight, 2);
}

#[tokio::test]
async fn a_silent_client_is_disconnected_after_one_and_a_half_keep_alives() {
    let (broker, addr) = start(|_| {});
    let mut c = Connect::new(ProtocolVersion::V5, "sleepy");
    c.keep_alive = 1;
    let (mut raw, _) = Raw::connect(addr, c).await;
    let t0 = Instant::now();
    assert_eq!(
        raw.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::KEEP_ALIVE_TIMEOUT
        )))
    );
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(1400) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    assert_eq!(broker.stats().keepalive_disconnects, 1);
}

#[tokio::test]
async fn a_client_that_never_sends_connect_is_closed_after_the_connect_timeout() {
    let (broker, addr) = start(|c| c.limits.connect_timeout = Duration::from_millis(300));
    let mut raw = Raw::open(addr, ProtocolVersion::V5).await;
    assert_eq!(raw.recv().await, None);
    assert_eq!(broker.stats().refused_protocol, 1);
}
