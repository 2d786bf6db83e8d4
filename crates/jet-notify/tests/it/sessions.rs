//! Sessions: persistence, offline queueing, retransmission, takeover, expiry, wills.

use std::time::Duration;

use bytes::Bytes;
use jet_notify::codec::{
    Connect, Disconnect, Packet, Properties, Property, ProtocolVersion, PubAck, QoS as Q,
    ReasonCode, SubOptions, Subscribe, Will,
};

use crate::common::*;

fn persistent(version: ProtocolVersion, id: &str) -> Connect {
    let mut c = Connect::new(version, id);
    c.clean_start = false;
    if version.is_v5() {
        c.props.push(Property::SessionExpiryInterval(3600));
    }
    c
}

async fn subscribe(raw: &mut Raw, filter: &str, qos: Q) {
    raw.send(Packet::Subscribe(Subscribe {
        pid: 1,
        filters: vec![(filter.into(), SubOptions::qos(qos))],
        ..Default::default()
    }))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
}

#[tokio::test]
async fn a_persistent_session_queues_qos1_while_offline_and_delivers_on_return() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let (broker, addr) = start(|_| {});
        let (mut c, ack) = Raw::connect(addr, persistent(version, "p")).await;
        assert!(!ack.session_present);
        subscribe(&mut c, "s/#", Q::AtLeastOnce).await;
        c.send(Packet::Disconnect(Disconnect::default())).await;
        assert_eq!(c.recv().await, None);

        let link = broker.link();
        link.publish("s/1", Bytes::from_static(b"kept"), Q::AtLeastOnce, false)
            .unwrap();
        link.publish(
            "s/2",
            Bytes::from_static(b"qos0 not kept"),
            Q::AtMostOnce,
            false,
        )
        .unwrap();
        let offline = broker.clients();
        assert_eq!((offline[0].addr, offline[0].queued), (None, 1));

        let (mut c, ack) = Raw::connect(addr, persistent(version, "p")).await;
        assert!(ack.session_present, "{version}");
        let Some(Packet::Publish(p)) = c.recv().await else {
            panic!()
        };
        assert_eq!(&p.payload[..], b"kept");
        c.send(Packet::PubAck(PubAck::new(p.pid))).await;
        c.expect_silence().await;
    }
}

#[tokio::test]
async fn unacknowledged_qos1_is_resent_with_dup_on_reconnect() {
    let (broker, addr) = start(|_| {});
    let (mut c, _) = Raw::connect(addr, persistent(ProtocolVersion::V3_1_1, "r")).await;
    subscribe(&mut c, "r", Q::AtLeastOnce).await;
    broker
        .link()
        .publish("r", Bytes::from_static(b"m"), Q::AtLeastOnce, false)
        .unwrap();
    let Some(Packet::Publish(first)) = c.recv().await else {
        panic!()
    };
    assert!(!first.dup);
    drop(c); // no PUBACK, no DISCONNECT
    tokio::time::sleep(QUIET).await;
    let (mut c, ack) = Raw::connect(addr, persistent(ProtocolVersion::V3_1_1, "r")).await;
    assert!(ack.session_present);
    let Some(Packet::Publish(again)) = c.recv().await else {
        panic!()
    };
    assert!(again.dup);
    assert_eq!(again.pid, first.pid);
    c.send(Packet::PubAck(PubAck::new(again.pid))).await;
    c.expect_silence().await;
}

#[tokio::test]
async fn clean_start_discards_the_previous_session() {
    let (broker, addr) = start(|_| {});
    let (mut c, _) = Raw::connect(addr, persistent(ProtocolVersion::V5, "cs")).await;
    subscribe(&mut c, "cs", Q::AtLeastOnce).await;
    drop(c);
    tokio::time::sleep(QUIET).await;
    let (mut c, ack) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "cs")).await;
    assert!(!ack.session_present);
    broker
        .link()
        .publish("cs", Bytes::from_static(b"m"), Q::AtLeastOnce, false)
        .unwrap();
    c.expect_silence().await;
}

#[tokio::test]
async fn a_second_connection_with_the_same_client_id_takes_the_session_over() {
    let (_broker, addr) = start(|_| {});
    let (mut old, _) = Raw::connect(addr, persistent(ProtocolVersion::V5, "dup")).await;
    let (_new, ack) = Raw::connect(addr, persistent(ProtocolVersion::V5, "dup")).await;
    assert!(ack.session_present);
    assert_eq!(
        old.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::SESSION_TAKEN_OVER
        )))
    );
    assert_eq!(old.recv().await, None);
}

#[tokio::test]
async fn a_v5_session_expires_after_its_interval() {
    let (broker, addr) = start(|_| {});
    let mut c = Connect::new(ProtocolVersion::V5, "exp");
    c.clean_start = false;
    c.props.push(Property::SessionExpiryInterval(1));
    let (mut raw, _) = Raw::connect(addr, c.clone()).await;
    raw.send(Packet::Disconnect(Disconnect::default())).await;
    assert_eq!(broker.clients().len(), 1, "kept while the interval runs");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert!(broker.clients().is_empty());
    let (_raw, ack) = Raw::connect(addr, c).await;
    assert!(!ack.session_present);
}

fn with_will(id: &str, delay: Option<u32>) -> Connect {
    let mut c = Connect::new(ProtocolVersion::V5, id);
    let mut props = Properties::new();
    if let Some(d) = delay {
        props.push(Property::WillDelayInterval(d));
        c.clean_start = false;
        c.props.push(Property::SessionExpiryInterval(60));
    }
    c.will = Some(Will {
        topic: "wills/x".into(),
        payload: Bytes::from_static(b"gone"),
        qos: Q::AtLeastOnce,
        retain: false,
        props,
    });
    c
}

#[tokio::test]
async fn the_will_is_published_on_abnormal_close_but_not_after_disconnect() {
    let (_broker, addr) = start(|_| {});
    let (mut watcher, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "w")).await;
    subscribe(&mut watcher, "wills/#", Q::AtLeastOnce).await;

    let (mut polite, _) = Raw::connect(addr, with_will("polite", None)).await;
    polite.send(Packet::Disconnect(Disconnect::default())).await;
    watcher.expect_silence().await;

    let (rude, _) = Raw::connect(addr, with_will("rude", None)).await;
    drop(rude);
    let Some(Packet::Publish(p)) = watcher.recv().await else {
        panic!()
    };
    assert_eq!(
        (p.topic.as_str(), &p.payload[..]),
        ("wills/x", &b"gone"[..])
    );

    // v5: DISCONNECT 0x04 asks for the will.
    let (mut asks, _) = Raw::connect(addr, with_will("asks", None)).await;
    asks.send(Packet::Disconnect(Disconnect::new(
        ReasonCode::DISCONNECT_WITH_WILL,
    )))
    .await;
    assert!(matches!(watcher.recv().await, Some(Packet::Publish(_))));
}

#[tokio::test]
async fn a_delayed_will_is_cancelled_by_a_reconnect_and_published_otherwise() {
    let (_broker, addr) = start(|_| {});
    let (mut watcher, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "w")).await;
    subscribe(&mut watcher, "wills/#", Q::AtLeastOnce).await;

    let (c, _) = Raw::connect(addr, with_will("back", Some(1))).await;
    drop(c);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_c, ack) = Raw::connect(addr, with_will("back", Some(1))).await;
    assert!(ack.session_present);
    assert!(
        watcher
            .recv_within(Duration::from_millis(1600))
            .await
            .is_err(),
        "cancelled"
    );

    let (gone, _) = Raw::connect(addr, with_will("gone", Some(1))).await;
    drop(gone);
    assert!(
        watcher
            .recv_within(Duration::from_millis(500))
            .await
            .is_err(),
        "not before the delay"
    );
    assert!(matches!(watcher.recv().await, Some(Packet::Publish(_))));
}

#[tokio::test]
async fn a_released_qos2_message_gets_its_pubrel_again_on_reconnect() {
    let (broker, addr) = start(|_| {});
    let (mut c, _) = Raw::connect(addr, persistent(ProtocolVersion::V5, "q2r")).await;
    subscribe(&mut c, "q2", Q::ExactlyOnce).await;
    broker
        .link()
        .publish("q2", Bytes::from_static(b"m"), Q::ExactlyOnce, false)
        .unwrap();
    let Some(Packet::Publish(p)) = c.recv().await else {
        panic!()
    };
    c.send(Packet::PubRec(PubAck::new(p.pid))).await;
    assert_eq!(c.recv().await, Some(Packet::PubRel(PubAck::new(p.pid))));
    drop(c); // no PUBCOMP
    tokio::time::sleep(QUIET).await;
    let (mut c, ack) = Raw::connect(addr, persistent(ProtocolVersion::V5, "q2r")).await;
    assert!(ack.session_present);
    assert_eq!(c.recv().await, Some(Packet::PubRel(PubAck::new(p.pid))));
    c.send(Packet::PubComp(PubAck::new(p.pid))).await;
    c.expect_silence().await;
    assert_eq!(broker.clients()[0].inflight, 0);
}

#[tokio::test]
async fn shutdown_tells_clients_and_stops_listening() {
    let (broker, addr) = start(|_| {});
    let (mut c, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "bye")).await;
    broker.shutdown().await;
    assert_eq!(
        c.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::SERVER_SHUTTING_DOWN
        )))
    );
    assert_eq!(c.recv().await, None);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    assert!(broker
        .reconfigure(jet_notify::BrokerConfig::loopback(addr))
        .is_err());
}
