//! Publish/subscribe with real 3.1.1 clients: wildcards, QoS 0/1/2, retained messages,
//! `$` topics, the link.

use bytes::Bytes;
use jet_notify::codec::{
    Connect, Packet, ProtocolVersion, PubAck, Publish, QoS as Q, SubOptions, Subscribe,
};
use rumqttc::{AsyncClient, QoS};

use crate::common::*;

#[tokio::test]
async fn wildcard_subscribers_receive_only_matching_topics() {
    let (broker, addr) = start(|_| {});
    let (sub, mut sel) = AsyncClient::new(v4_opts("sub", addr), 10);
    sub.subscribe("a/+/c", QoS::AtMostOnce).await.unwrap();
    sub.subscribe("x/#", QoS::AtMostOnce).await.unwrap();
    v4_until(&mut sel, v4_suback).await;
    v4_until(&mut sel, v4_suback).await;
    let (publ, mut pel) = AsyncClient::new(v4_opts("pub", addr), 10);
    tokio::spawn(async move { while pel.poll().await.is_ok() {} });
    for t in ["a/b/d", "a/b/c", "b/b/c", "x", "x/y/z"] {
        publ.publish(t, QoS::AtMostOnce, false, t.as_bytes().to_vec())
            .await
            .unwrap();
    }
    let mut got = Vec::new();
    for _ in 0..3 {
        let p = v4_until(&mut sel, v4_publish).await;
        got.push(String::from_utf8(p.topic.into_bytes()).unwrap());
    }
    assert_eq!(got, ["a/b/c", "x", "x/y/z"]);
    broker.shutdown().await;
}

#[tokio::test]
async fn qos1_messages_are_delivered_once_acknowledged_and_in_order() {
    let (broker, addr) = start(|_| {});
    let (sub, mut sel) = AsyncClient::new(v4_opts("sub1", addr), 10);
    sub.subscribe("q/1", QoS::AtLeastOnce).await.unwrap();
    v4_until(&mut sel, v4_suback).await;
    let (publ, mut pel) = AsyncClient::new(v4_opts("pub1", addr), 100);
    for i in 0..50u32 {
        publ.publish("q/1", QoS::AtLeastOnce, false, i.to_be_bytes().to_vec())
            .await
            .unwrap();
    }
    let mut acks = 0;
    let drive = async {
        while acks < 50 {
            if let rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_)) = pel.poll().await.unwrap()
            {
                acks += 1;
            }
        }
    };
    let recv = async {
        let mut seen = Vec::new();
        while seen.len() < 50 {
            let p = v4_until(&mut sel, v4_publish).await;
            assert_eq!(p.qos, QoS::AtLeastOnce);
            seen.push(u32::from_be_bytes(p.payload[..4].try_into().unwrap()));
        }
        seen
    };
    let ((), seen) = tokio::join!(drive, recv);
    assert_eq!(seen, (0..50).collect::<Vec<_>>());
    eventually(&broker, |s| s.messages_in == 50 && s.messages_out == 50).await;
}

#[tokio::test]
async fn retained_messages_reach_new_subscribers_until_cleared() {
    let (_broker, addr) = start(|_| {});
    let (publ, mut pel) = AsyncClient::new(v4_opts("rpub", addr), 10);
    tokio::spawn(async move { while pel.poll().await.is_ok() {} });
    publ.publish("r/state", QoS::AtLeastOnce, true, "on")
        .await
        .unwrap();
    tokio::time::sleep(QUIET).await;

    let (sub, mut sel) = AsyncClient::new(v4_opts("rsub", addr), 10);
    sub.subscribe("r/#", QoS::AtLeastOnce).await.unwrap();
    let p = v4_until(&mut sel, v4_publish).await;
    assert!(p.retain, "sent because retained");
    assert_eq!(&p.payload[..], b"on");

    // A live message is not flagged retained; an empty retained payload clears it.
    publ.publish("r/state", QoS::AtLeastOnce, true, "")
        .await
        .unwrap();
    let p = v4_until(&mut sel, v4_publish).await;
    assert!(!p.retain);
    let (mut late, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "late")).await;
    late.send(Packet::Subscribe(Subscribe {
        pid: 1,
        filters: vec![("r/#".into(), SubOptions::qos(Q::AtLeastOnce))],
        ..Default::default()
    }))
    .await;
    assert!(matches!(late.recv().await, Some(Packet::SubAck(_))));
    late.expect_silence().await;
}

#[tokio::test]
async fn top_level_wildcards_do_not_match_dollar_topics() {
    let (broker, addr) = start(|_| {});
    let (mut all, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "all")).await;
    all.send(Packet::Subscribe(Subscribe {
        pid: 1,
        filters: vec![("#".into(), SubOptions::default())],
        ..Default::default()
    }))
    .await;
    all.recv().await;
    let link = broker.link();
    link.publish("$SYS/load", Bytes::from_static(b"1"), Q::AtMostOnce, false)
        .unwrap();
    all.expect_silence().await;
    link.publish("plain", Bytes::from_static(b"1"), Q::AtMostOnce, false)
        .unwrap();
    assert!(matches!(all.recv().await, Some(Packet::Publish(p)) if p.topic.as_str() == "plain"));
}

#[tokio::test]
async fn link_publishes_reach_wildcard_subscribers_on_the_junos_tree() {
    let (broker, addr) = start(|_| {});
    let (sub, mut sel) = AsyncClient::new(v4_opts("app", addr), 10);
    sub.subscribe(
        "/junos/events/kernel/interfaces/+/+/ge-0/0/+",
        QoS::AtMostOnce,
    )
    .await
    .unwrap();
    v4_until(&mut sel, v4_suback).await;
    let n = broker
        .link()
        .publish(
            "/junos/events/kernel/interfaces/ifd/add/ge-0/0/0",
            Bytes::from_static(br#"{"jet-event":{"event-id":"KERNEL_EVENT_IFD_ADD"}}"#),
            Q::AtMostOnce,
            false,
        )
        .unwrap();
    assert_eq!(n, 1);
    let p = v4_until(&mut sel, v4_publish).await;
    assert!(p.payload.starts_with(b"{\"jet-event\""));
    assert_eq!(broker.stats().link_messages, 1);
}

#[tokio::test]
async fn qos2_is_delivered_exactly_once_through_the_four_way_handshake() {
    let (_broker, addr) = start(|_| {});
    let (mut sub, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "s2")).await;
    sub.send(Packet::Subscribe(Subscribe {
        pid: 1,
        filters: vec![("q2".into(), SubOptions::qos(Q::ExactlyOnce))],
        ..Default::default()
    }))
    .await;
    sub.recv().await;
    let (mut publ, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "p2")).await;
    let mut p = Publish::new("q2", Q::ExactlyOnce, "once");
    p.pid = 9;
    publ.send(Packet::Publish(p.clone())).await;
    assert_eq!(publ.recv().await, Some(Packet::PubRec(PubAck::new(9))));
    // A retransmission before PUBREL is not routed twice.
    p.dup = true;
    publ.send(Packet::Publish(p)).await;
    assert_eq!(publ.recv().await, Some(Packet::PubRec(PubAck::new(9))));
    publ.send(Packet::PubRel(PubAck::new(9))).await;
    assert_eq!(publ.recv().await, Some(Packet::PubComp(PubAck::new(9))));

    let Some(Packet::Publish(d)) = sub.recv().await else {
        panic!()
    };
    assert_eq!((d.qos, &d.payload[..]), (Q::ExactlyOnce, &b"once"[..]));
    sub.send(Packet::PubRec(PubAck::new(d.pid))).await;
    assert_eq!(sub.recv().await, Some(Packet::PubRel(PubAck::new(d.pid))));
    sub.send(Packet::PubComp(PubAck::new(d.pid))).await;
    sub.expect_silence().await;
}

#[tokio::test]
async fn mqtt_3_1_clients_are_served() {
    let (_broker, addr) = start(|_| {});
    let (mut c, ack) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1, "old-client")).await;
    assert!(!ack.code.is_error());
    c.send(Packet::PingReq).await;
    assert_eq!(c.recv().await, Some(Packet::PingResp));
}

#[tokio::test]
async fn overlapping_subscriptions_deliver_one_copy_at_the_highest_qos() {
    let (broker, addr) = start(|_| {});
    let (mut c, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "ov")).await;
    c.send(Packet::Subscribe(Subscribe {
        pid: 1,
        filters: vec![
            ("o/#".into(), SubOptions::qos(Q::AtMostOnce)),
            ("o/+".into(), SubOptions::qos(Q::AtLeastOnce)),
        ],
        ..Default::default()
    }))
    .await;
    c.recv().await;
    broker
        .link()
        .publish("o/x", Bytes::from_static(b"1"), Q::AtLeastOnce, false)
        .unwrap();
    let Some(Packet::Publish(p)) = c.recv().await else {
        panic!()
    };
    assert_eq!(p.qos, Q::AtLeastOnce);
    c.send(Packet::PubAck(PubAck::new(p.pid))).await;
    c.expect_silence().await;
}
