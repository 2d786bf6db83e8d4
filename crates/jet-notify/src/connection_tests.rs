//! The protocol state machine driven with simulated time: no sockets, no clock.

use std::time::{Duration, Instant};

use bytes::BytesMut;

use super::*;
use crate::codec::{
    Connect, Disconnect, Packet, Properties, Property, ProtocolVersion, PubAck, Publish, QoS,
    SubOptions, Subscribe, Will,
};
use crate::config::BrokerConfig;
use crate::shared::Shared;

const V5: ProtocolVersion = ProtocolVersion::V5;

fn shared() -> Arc<Shared> {
    Shared::new(BrokerConfig::loopback("127.0.0.1:0".parse().unwrap()))
}

struct Client {
    conn: Connection,
    version: ProtocolVersion,
}

impl Client {
    fn connect(shared: &Arc<Shared>, c: Connect, now: Instant) -> Client {
        let (id, _rx) = shared.register("127.0.0.1:5000".parse().unwrap(), None);
        let conn = Connection::new(shared.clone(), id, "127.0.0.1:5000".parse().unwrap(), now);
        let mut client = Client {
            conn,
            version: c.version,
        };
        client
            .feed(Packet::Connect(Box::new(c)), now)
            .expect("connects");
        assert!(matches!(client.take().as_slice(), [Packet::ConnAck(a)] if !a.code.is_error()));
        client
    }

    fn feed(&mut self, p: Packet, now: Instant) -> Result<(), Close> {
        let mut b = BytesMut::new();
        codec::encode(&p, self.version, &mut b).unwrap();
        self.conn.feed(&mut b, now)
    }

    /// Everything written so far (after pulling queued messages at `now`).
    fn take_at(&mut self, now: Instant) -> Vec<Packet> {
        while self.conn.pull(now).unwrap() > 0 {}
        self.take()
    }

    fn take(&mut self) -> Vec<Packet> {
        let mut out = std::mem::take(&mut self.conn.out);
        let mut v = Vec::new();
        while let Some(p) = codec::decode_buf(&mut out, self.version, usize::MAX).unwrap() {
            v.push(p);
        }
        v
    }

    fn subscribe(&mut self, filter: &str, qos: QoS, now: Instant) {
        let s = Subscribe {
            pid: 1,
            filters: vec![(filter.into(), SubOptions::qos(qos))],
            ..Default::default()
        };
        self.feed(Packet::Subscribe(s), now).unwrap();
        assert!(matches!(self.take().as_slice(), [Packet::SubAck(_)]));
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn keep_alive_closes_after_one_and_a_half_intervals_of_silence() {
    let shared = shared();
    let t0 = Instant::now();
    let mut c = Connect::new(V5, "ka");
    c.keep_alive = 10;
    let mut cl = Client::connect(&shared, c, t0);
    assert_eq!(cl.conn.deadline(), Some(t0 + secs(15)));
    assert!(cl.conn.on_timer(t0 + secs(14)).is_ok());
    cl.feed(Packet::PingReq, t0 + secs(10)).unwrap();
    assert_eq!(cl.take(), vec![Packet::PingResp]);
    assert!(
        cl.conn.on_timer(t0 + secs(24)).is_ok(),
        "a packet moves the deadline"
    );
    let close = cl.conn.on_timer(t0 + secs(25)).unwrap_err();
    assert_eq!(close.reason, ReasonCode::KEEP_ALIVE_TIMEOUT);
    cl.conn.write_close(&close);
    assert!(
        matches!(cl.take().as_slice(), [Packet::Disconnect(d)] if d.reason == ReasonCode::KEEP_ALIVE_TIMEOUT)
    );
}

#[test]
fn keep_alive_zero_never_times_out() {
    let shared = shared();
    let t0 = Instant::now();
    let mut c = Connect::new(ProtocolVersion::V3_1_1, "none");
    c.keep_alive = 0;
    let mut cl = Client::connect(&shared, c, t0);
    assert_eq!(cl.conn.deadline(), None);
    assert!(cl.conn.on_timer(t0 + secs(100_000)).is_ok());
}

#[test]
fn a_delayed_will_is_published_when_its_delay_runs_out() {
    let shared = shared();
    let t0 = Instant::now();
    let mut watcher = Client::connect(&shared, Connect::new(V5, "w"), t0);
    watcher.subscribe("will", QoS::AtMostOnce, t0);
    let mut c = Connect::new(V5, "dies");
    c.clean_start = false;
    c.props.push(Property::SessionExpiryInterval(60));
    c.will = Some(Will {
        topic: "will".into(),
        payload: "bye".into(),
        qos: QoS::AtMostOnce,
        retain: false,
        props: Properties::new().with(Property::WillDelayInterval(5)),
    });
    let mut dying = Client::connect(&shared, c, t0);
    dying.conn.finish(&Close::peer_gone(), t0);
    shared.router().tick(t0 + secs(4));
    assert!(watcher.take_at(t0 + secs(4)).is_empty());
    shared.router().tick(t0 + secs(5));
    let got = watcher.take_at(t0 + secs(5));
    assert!(matches!(got.as_slice(), [Packet::Publish(p)] if &p.payload[..] == b"bye"));
    // The will delay property is not forwarded.
    let Packet::Publish(p) = &got[0] else {
        unreachable!()
    };
    assert!(p.props.will_delay_interval().is_none());
}

#[test]
fn a_will_is_published_when_the_session_expires_before_its_delay() {
    let shared = shared();
    let t0 = Instant::now();
    let mut watcher = Client::connect(&shared, Connect::new(V5, "w"), t0);
    watcher.subscribe("will", QoS::AtMostOnce, t0);
    let mut c = Connect::new(V5, "short");
    c.clean_start = false;
    c.props.push(Property::SessionExpiryInterval(2));
    c.will = Some(Will {
        topic: "will".into(),
        payload: "x".into(),
        qos: QoS::AtMostOnce,
        retain: false,
        props: Properties::new().with(Property::WillDelayInterval(100)),
    });
    let mut cl = Client::connect(&shared, c, t0);
    cl.conn.finish(&Close::peer_gone(), t0);
    shared.router().tick(t0 + secs(2));
    assert_eq!(watcher.take_at(t0 + secs(2)).len(), 1);
    assert_eq!(
        shared.router().session_count(),
        1,
        "only the watcher's session is left"
    );
}

#[test]
fn an_offline_session_ends_after_its_expiry_interval() {
    let shared = shared();
    let t0 = Instant::now();
    let mut c = Connect::new(V5, "p");
    c.clean_start = false;
    c.props.push(Property::SessionExpiryInterval(30));
    let mut cl = Client::connect(&shared, c, t0);
    cl.subscribe("a/#", QoS::AtLeastOnce, t0);
    assert!(cl
        .feed(Packet::Disconnect(Disconnect::default()), t0)
        .is_err());
    cl.conn.finish(
        &Close {
            reason: ReasonCode::SUCCESS,
            notify_client: false,
            will: false,
        },
        t0,
    );
    shared.router().tick(t0 + secs(29));
    assert_eq!(shared.router().subscription_count(), 1);
    shared.router().tick(t0 + secs(30));
    assert_eq!(shared.router().session_count(), 0);
    assert_eq!(shared.router().subscription_count(), 0);
}

#[test]
fn disconnect_may_not_raise_a_zero_session_expiry() {
    let shared = shared();
    let t0 = Instant::now();
    let mut cl = Client::connect(&shared, Connect::new(V5, "z"), t0);
    let mut d = Disconnect::default();
    d.props.push(Property::SessionExpiryInterval(10));
    let close = cl.feed(Packet::Disconnect(d), t0).unwrap_err();
    assert_eq!(close.reason, ReasonCode::PROTOCOL_ERROR);
}

#[test]
fn a_message_expiring_in_the_queue_is_not_delivered_and_the_interval_counts_down() {
    let shared = shared();
    let t0 = Instant::now();
    let mut sub = Client::connect(&shared, Connect::new(V5, "s"), t0);
    sub.subscribe("e/#", QoS::AtMostOnce, t0);
    let mut publ = Client::connect(&shared, Connect::new(V5, "p"), t0);
    for (topic, exp) in [("e/short", 2), ("e/long", 10)] {
        let mut p = Publish::new(topic, QoS::AtMostOnce, "x");
        p.props.push(Property::MessageExpiryInterval(exp));
        publ.feed(Packet::Publish(p), t0).unwrap();
    }
    let got = sub.take_at(t0 + secs(3));
    let [Packet::Publish(p)] = got.as_slice() else {
        panic!("{got:?}")
    };
    assert_eq!(p.topic.as_str(), "e/long");
    assert_eq!(p.props.message_expiry_interval(), Some(7));
}

#[test]
fn connect_must_come_first_and_within_the_connect_timeout() {
    let shared = shared();
    let t0 = Instant::now();
    let (id, _rx) = shared.register("127.0.0.1:1".parse().unwrap(), None);
    let mut conn = Connection::new(shared.clone(), id, "127.0.0.1:1".parse().unwrap(), t0);
    assert!(conn.on_timer(t0 + secs(9)).is_ok());
    assert!(conn.on_timer(t0 + secs(10)).is_err());
    let mut b = BytesMut::new();
    codec::encode(&Packet::PingReq, V5, &mut b).unwrap();
    assert!(conn.feed(&mut b, t0).is_err());
}

#[test]
fn qos2_from_a_client_beyond_our_receive_maximum_is_a_disconnect() {
    let mut cfg = BrokerConfig::loopback("127.0.0.1:0".parse().unwrap());
    cfg.limits.receive_maximum = 2;
    let shared = Shared::new(cfg);
    let t0 = Instant::now();
    let mut cl = Client::connect(&shared, Connect::new(V5, "q2"), t0);
    for pid in 1..=2 {
        let mut p = Publish::new("t", QoS::ExactlyOnce, "x");
        p.pid = pid;
        cl.feed(Packet::Publish(p), t0).unwrap();
    }
    let mut p = Publish::new("t", QoS::ExactlyOnce, "x");
    p.pid = 3;
    assert_eq!(
        cl.feed(Packet::Publish(p), t0).unwrap_err().reason,
        ReasonCode::RECEIVE_MAXIMUM_EXCEEDED
    );
}

#[test]
fn pubrel_for_an_unknown_packet_id_gets_0x92_in_v5() {
    let shared = shared();
    let t0 = Instant::now();
    let mut cl = Client::connect(&shared, Connect::new(V5, "r"), t0);
    cl.feed(Packet::PubRel(PubAck::new(77)), t0).unwrap();
    assert_eq!(
        cl.take(),
        vec![Packet::PubComp(PubAck::with_reason(
            77,
            ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
        ))]
    );
}

/// A broker whose subscriber "s" (on `t`, QoS 1) never reads, with room for one queued
/// message, and a v5 publisher connected to it.
fn paused_publisher(receive_maximum: u16, t0: Instant) -> (Arc<Shared>, Client, Client) {
    let mut cfg = BrokerConfig::loopback("127.0.0.1:0".parse().unwrap());
    cfg.limits.receive_maximum = receive_maximum;
    cfg.limits.max_queued_messages = 1;
    let shared = Shared::new(cfg);
    let mut sub = Client::connect(&shared, Connect::new(V5, "s"), t0);
    sub.subscribe("t", QoS::AtLeastOnce, t0);
    let publisher = Client::connect(&shared, Connect::new(V5, "p"), t0);
    (shared, sub, publisher)
}

fn qos1(pid: u16) -> Packet {
    let mut p = Publish::new("t", QoS::AtLeastOnce, "x");
    p.pid = pid;
    Packet::Publish(p)
}

#[test]
fn a_paused_publisher_has_its_publishes_held_and_acknowledged_after_the_queue_drains() {
    let t0 = Instant::now();
    let (_shared, mut sub, mut p) = paused_publisher(100, t0);
    p.feed(qos1(1), t0).unwrap();
    assert!(p.conn.paused(), "the queue of one is full");
    p.feed(qos1(2), t0).unwrap();
    p.feed(Packet::PingReq, t0).unwrap();
    // PUBACK for the routed one and the ping answered; the second is held, unacknowledged.
    assert_eq!(
        p.take(),
        vec![Packet::PubAck(PubAck::new(1)), Packet::PingResp]
    );
    // The subscriber takes its message: the queue drains, the publisher is woken.
    assert_eq!(sub.take_at(t0).len(), 1);
    p.conn.resume_check(t0);
    assert!(!p.conn.paused());
    p.conn.feed(&mut BytesMut::new(), t0).unwrap();
    assert_eq!(p.take(), vec![Packet::PubAck(PubAck::new(2))]);
}

#[test]
fn held_qos1_publishes_beyond_our_receive_maximum_are_a_disconnect_0x93() {
    let t0 = Instant::now();
    let (_shared, _sub, mut p) = paused_publisher(3, t0);
    p.feed(qos1(1), t0).unwrap();
    for pid in 2..=4 {
        p.feed(qos1(pid), t0).unwrap();
    }
    assert_eq!(
        p.feed(qos1(5), t0).unwrap_err().reason,
        ReasonCode::RECEIVE_MAXIMUM_EXCEEDED
    );
}

#[test]
fn a_publisher_paused_past_max_publisher_wait_goes_on_and_the_subscriber_is_kicked() {
    let t0 = Instant::now();
    let (shared, _sub, mut p) = paused_publisher(100, t0);
    p.feed(qos1(1), t0).unwrap();
    assert_eq!(p.conn.deadline(), Some(t0 + secs(10)));
    p.conn.on_timer(t0 + secs(9)).unwrap();
    assert!(p.conn.paused());
    p.conn.on_timer(t0 + secs(10)).unwrap();
    assert!(!p.conn.paused());
    assert_eq!(shared.counters.snapshot().quota_disconnects, 1);
}
