//! MQTT 5 features: topic aliases both ways, subscription identifiers and options,
//! shared subscriptions, properties passed through, message expiry, packet size limits,
//! assigned client id and server keep-alive, reason codes on bad input.

use std::time::Duration;

use bytes::Bytes;
use jet_notify::codec::{
    self, Connect, Disconnect, Packet, Properties, Property, ProtocolVersion, Publish, QoS as Q,
    ReasonCode, RetainHandling, SubOptions, Subscribe,
};
use tokio::io::AsyncWriteExt;

use crate::common::*;

const V5: ProtocolVersion = ProtocolVersion::V5;

async fn client(addr: std::net::SocketAddr, id: &str, props: Properties) -> Raw {
    let mut c = Connect::new(V5, id);
    c.props = props;
    let (raw, ack) = Raw::connect(addr, c).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    raw
}

async fn sub(raw: &mut Raw, filter: &str, opts: SubOptions, props: Properties) -> Vec<ReasonCode> {
    raw.send(Packet::Subscribe(Subscribe {
        pid: 7,
        props,
        filters: vec![(filter.into(), opts)],
    }))
    .await;
    match raw.recv().await {
        Some(Packet::SubAck(a)) => a.codes,
        other => panic!("{other:?}"),
    }
}

async fn next_publish(raw: &mut Raw) -> Publish {
    match raw.recv().await {
        Some(Packet::Publish(p)) => p,
        other => panic!("expected PUBLISH, got {other:?}"),
    }
}

#[tokio::test]
async fn a_clients_topic_alias_is_remembered_for_later_publishes() {
    let (_b, addr) = start(|_| {});
    let mut s = client(addr, "s", Properties::new()).await;
    sub(&mut s, "alias/#", SubOptions::default(), Properties::new()).await;
    let mut p = client(addr, "p", Properties::new()).await;
    let mut first = Publish::new("alias/long/topic", Q::AtMostOnce, "1");
    first.props.push(Property::TopicAlias(3));
    p.send(Packet::Publish(first)).await;
    let mut second = Publish::new("", Q::AtMostOnce, "2");
    second.props.push(Property::TopicAlias(3));
    p.send(Packet::Publish(second)).await;
    for body in ["1", "2"] {
        let got = next_publish(&mut s).await;
        assert_eq!(
            (got.topic.as_str(), &got.payload[..]),
            ("alias/long/topic", body.as_bytes())
        );
    }
    // An alias beyond our Topic Alias Maximum ends the connection with 0x94.
    let mut bad = Publish::new("alias/x", Q::AtMostOnce, "3");
    bad.props.push(Property::TopicAlias(1000));
    p.send(Packet::Publish(bad)).await;
    assert_eq!(
        p.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::TOPIC_ALIAS_INVALID
        )))
    );
}

#[tokio::test]
async fn the_broker_uses_topic_aliases_when_the_client_allows_them() {
    let (broker, addr) = start(|_| {});
    let mut s = client(
        addr,
        "s",
        Properties::new().with(Property::TopicAliasMaximum(4)),
    )
    .await;
    sub(&mut s, "t/#", SubOptions::default(), Properties::new()).await;
    for _ in 0..2 {
        broker
            .link()
            .publish("t/repeated", Bytes::from_static(b"x"), Q::AtMostOnce, false)
            .unwrap();
    }
    let a = next_publish(&mut s).await;
    assert_eq!(a.topic.as_str(), "t/repeated");
    let alias = a.props.topic_alias().expect("an alias is set up");
    let b = next_publish(&mut s).await;
    assert!(b.topic.is_empty(), "the alias stands for the topic");
    assert_eq!(b.props.topic_alias(), Some(alias));
}

#[tokio::test]
async fn subscription_identifiers_come_back_with_matching_messages() {
    let (broker, addr) = start(|_| {});
    let mut s = client(addr, "s", Properties::new()).await;
    sub(
        &mut s,
        "id/+",
        SubOptions::default(),
        Properties::new().with(Property::SubscriptionIdentifier(11)),
    )
    .await;
    sub(
        &mut s,
        "id/#",
        SubOptions::default(),
        Properties::new().with(Property::SubscriptionIdentifier(22)),
    )
    .await;
    broker
        .link()
        .publish("id/x", Bytes::from_static(b"x"), Q::AtMostOnce, false)
        .unwrap();
    let p = next_publish(&mut s).await;
    let mut ids: Vec<u32> = p.props.subscription_identifiers().collect();
    ids.sort_unstable();
    assert_eq!(ids, vec![11, 22], "one copy carrying both identifiers");
    s.expect_silence().await;
}

#[tokio::test]
async fn no_local_keeps_a_clients_own_messages_from_it() {
    let (_b, addr) = start(|_| {});
    let mut c = client(addr, "me", Properties::new()).await;
    sub(
        &mut c,
        "chat",
        SubOptions {
            no_local: true,
            ..Default::default()
        },
        Properties::new(),
    )
    .await;
    let mut other = client(addr, "other", Properties::new()).await;
    sub(&mut other, "chat", SubOptions::default(), Properties::new()).await;
    c.send(Packet::Publish(Publish::new("chat", Q::AtMostOnce, "hi")))
        .await;
    assert_eq!(&next_publish(&mut other).await.payload[..], b"hi");
    c.expect_silence().await;
}

#[tokio::test]
async fn retain_as_published_and_retain_handling_options_are_honoured() {
    let (broker, addr) = start(|_| {});
    let link = broker.link();
    link.publish("rh/a", Bytes::from_static(b"old"), Q::AtMostOnce, true)
        .unwrap();
    let mut c = client(addr, "c", Properties::new()).await;
    let dont = SubOptions {
        retain_handling: RetainHandling::DoNotSend,
        ..Default::default()
    };
    sub(&mut c, "rh/#", dont, Properties::new()).await;
    c.expect_silence().await;
    let if_new = SubOptions {
        retain_handling: RetainHandling::SendIfNewSubscription,
        retain_as_published: true,
        ..Default::default()
    };
    sub(&mut c, "rh/+", if_new, Properties::new()).await;
    assert!(next_publish(&mut c).await.retain);
    sub(&mut c, "rh/+", if_new, Properties::new()).await;
    c.expect_silence().await;
    // Live retained message: flag kept for "rh/+" (retain as published).
    link.publish("rh/a", Bytes::from_static(b"new"), Q::AtMostOnce, true)
        .unwrap();
    assert!(next_publish(&mut c).await.retain);
}

#[tokio::test]
async fn a_shared_subscription_gives_each_message_to_one_member_in_turn() {
    let (broker, addr) = start(|_| {});
    let mut m1 = client(addr, "m1", Properties::new()).await;
    let mut m2 = client(addr, "m2", Properties::new()).await;
    for m in [&mut m1, &mut m2] {
        assert_eq!(
            sub(
                m,
                "$share/workers/jobs/#",
                SubOptions::default(),
                Properties::new()
            )
            .await,
            vec![ReasonCode::SUCCESS]
        );
    }
    for i in 0..4u8 {
        broker
            .link()
            .publish("jobs/x", Bytes::from(vec![i]), Q::AtMostOnce, false)
            .unwrap();
    }
    let a: Vec<u8> = vec![
        next_publish(&mut m1).await.payload[0],
        next_publish(&mut m1).await.payload[0],
    ];
    let b: Vec<u8> = vec![
        next_publish(&mut m2).await.payload[0],
        next_publish(&mut m2).await.payload[0],
    ];
    let mut all = [a, b].concat();
    all.sort_unstable();
    assert_eq!(all, vec![0, 1, 2, 3]);
    m1.expect_silence().await;
}

#[tokio::test]
async fn user_properties_and_request_response_properties_pass_through() {
    let (_b, addr) = start(|_| {});
    let mut s = client(addr, "responder", Properties::new()).await;
    sub(&mut s, "req", SubOptions::default(), Properties::new()).await;
    let mut p = client(addr, "requester", Properties::new()).await;
    let mut req = Publish::new("req", Q::AtMostOnce, "?");
    req.props = Properties::new()
        .with(Property::UserProperty("trace".into(), "abc".into()))
        .with(Property::ResponseTopic("resp/requester".into()))
        .with(Property::CorrelationData(Bytes::from_static(b"42")))
        .with(Property::ContentType("text/plain".into()))
        .with(Property::PayloadFormatIndicator(1));
    p.send(Packet::Publish(req.clone())).await;
    let got = next_publish(&mut s).await;
    assert_eq!(got.props, req.props);
}

#[tokio::test]
async fn message_expiry_drops_stale_queued_messages_and_counts_down() {
    let (broker, addr) = start(|_| {});
    let mut c = Connect::new(V5, "late");
    c.clean_start = false;
    c.props.push(Property::SessionExpiryInterval(60));
    let (mut raw, _) = Raw::connect(addr, c.clone()).await;
    sub(
        &mut raw,
        "exp/#",
        SubOptions::qos(Q::AtLeastOnce),
        Properties::new(),
    )
    .await;
    raw.send(Packet::Disconnect(Disconnect::default())).await;
    assert_eq!(raw.recv().await, None, "offline before publishing");
    let link = broker.link();
    let mut short = Publish::new("exp/short", Q::AtLeastOnce, "s");
    short.props.push(Property::MessageExpiryInterval(1));
    link.publish_packet(short).unwrap();
    let mut long = Publish::new("exp/long", Q::AtLeastOnce, "l");
    long.props.push(Property::MessageExpiryInterval(100));
    link.publish_packet(long).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (mut raw, _) = Raw::connect(addr, c).await;
    let p = next_publish(&mut raw).await;
    assert_eq!(p.topic.as_str(), "exp/long");
    let left = p.props.message_expiry_interval().unwrap();
    assert!((98..=100).contains(&left), "{left}");
    assert_eq!(broker.stats().dropped_expired, 1);
}

#[tokio::test]
async fn messages_larger_than_the_clients_maximum_packet_size_are_not_sent() {
    let (broker, addr) = start(|_| {});
    let mut c = client(
        addr,
        "small",
        Properties::new().with(Property::MaximumPacketSize(100)),
    )
    .await;
    sub(&mut c, "big/#", SubOptions::default(), Properties::new()).await;
    broker
        .link()
        .publish("big/1", Bytes::from(vec![0u8; 200]), Q::AtMostOnce, false)
        .unwrap();
    broker
        .link()
        .publish("big/2", Bytes::from_static(b"ok"), Q::AtMostOnce, false)
        .unwrap();
    assert_eq!(next_publish(&mut c).await.topic.as_str(), "big/2");
    assert_eq!(broker.stats().dropped_too_large, 1);
}

#[tokio::test]
async fn a_packet_above_our_maximum_size_closes_with_0x95() {
    let (_b, addr) = start(|c| c.limits.max_packet_size = 1024);
    let mut c = Connect::new(V5, "big");
    c.props = Properties::new();
    let (mut raw, ack) = Raw::connect(addr, c).await;
    assert_eq!(ack.props.maximum_packet_size(), Some(1024));
    raw.send(Packet::Publish(Publish::new(
        "t",
        Q::AtMostOnce,
        vec![0u8; 2000],
    )))
    .await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::PACKET_TOO_LARGE
        )))
    );
}

#[tokio::test]
async fn an_empty_client_id_gets_an_assigned_one_and_keep_alive_is_bounded() {
    let (broker, addr) = start(|c| c.limits.max_keep_alive = 60);
    let mut c = Connect::new(V5, "");
    c.keep_alive = 0;
    let (_raw, ack) = Raw::connect(addr, c).await;
    let id = ack.props.assigned_client_identifier().expect("assigned");
    assert_eq!(ack.props.server_keep_alive(), Some(60));
    assert_eq!(broker.clients()[0].client_id, id);
    // 3.1.1 without clean session cannot have an empty id.
    let mut c = Connect::new(ProtocolVersion::V3_1_1, "");
    c.clean_start = false;
    let (_raw, ack) = Raw::connect(addr, c).await;
    assert_eq!(ack.code, ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
}

#[tokio::test]
async fn a_malformed_packet_closes_with_0x81_and_a_protocol_error_with_0x82() {
    let (broker, addr) = start(|_| {});
    let mut raw = client(addr, "bad", Properties::new()).await;
    raw.stream.write_all(&[0x30, 3, 0, 1, b'+']).await.unwrap(); // wildcard in a topic name
    assert_eq!(
        raw.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::MALFORMED_PACKET
        )))
    );
    let mut raw = client(addr, "bad2", Properties::new()).await;
    raw.send(Packet::Connect(Box::new(Connect::new(V5, "again"))))
        .await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::PROTOCOL_ERROR
        )))
    );
    assert_eq!(broker.stats().protocol_errors, 2);
    let _ = codec::frame_len(&[], 0);
}

#[tokio::test]
async fn qos1_publish_without_subscribers_is_acknowledged_with_no_matching_subscribers() {
    let (_b, addr) = start(|_| {});
    let mut c = client(addr, "lonely", Properties::new()).await;
    let mut p = Publish::new("nobody/listens", Q::AtLeastOnce, "x");
    p.pid = 1;
    c.send(Packet::Publish(p)).await;
    let Some(Packet::PubAck(a)) = c.recv().await else {
        panic!()
    };
    assert_eq!(a.reason, ReasonCode::NO_MATCHING_SUBSCRIBERS);
}

#[tokio::test]
async fn rumqttc_v5_client_publishes_and_receives() {
    use rumqttc::v5::mqttbytes::QoS;
    let (_b, addr) = start(|_| {});
    let (c, mut el) = rumqttc::v5::AsyncClient::new(v5_opts("rv5", addr), 10);
    c.subscribe("v5/#", QoS::AtLeastOnce).await.unwrap();
    c.publish("v5/echo", QoS::AtLeastOnce, false, "hello")
        .await
        .unwrap();
    let p = v5_until(&mut el, |e| match e {
        rumqttc::v5::Event::Incoming(rumqttc::v5::mqttbytes::v5::Packet::Publish(p)) => {
            Some(p.clone())
        }
        _ => None,
    })
    .await;
    assert_eq!(&p.payload[..], b"hello");
}

#[tokio::test]
async fn unsubscribe_removes_exact_filters_only_and_answers_one_unsuback_per_packet() {
    let (broker, addr) = start(|_| {});
    let mut raw = client(addr, "unsub", Properties::new()).await;
    sub(&mut raw, "u/#", SubOptions::default(), Properties::new()).await;
    sub(&mut raw, "u/+", SubOptions::default(), Properties::new()).await;
    // "u/x" is not compared by matching: only an identical filter goes.
    raw.send(Packet::Unsubscribe(jet_notify::codec::Unsubscribe {
        pid: 9,
        props: Properties::new(),
        filters: vec!["u/#".into(), "u/x".into()],
    }))
    .await;
    let Some(Packet::UnsubAck(ack)) = raw.recv().await else {
        panic!("UNSUBACK expected")
    };
    assert_eq!(ack.pid, 9);
    assert_eq!(
        ack.codes,
        vec![ReasonCode::SUCCESS, ReasonCode::NO_SUBSCRIPTION_EXISTED]
    );
    assert_eq!(broker.clients()[0].subscriptions, vec!["u/+".to_string()]);
    // The remaining subscription still delivers; the removed one no longer does.
    broker
        .link()
        .publish("u/a/b", Bytes::from_static(b"deep"), Q::AtMostOnce, false)
        .unwrap();
    broker
        .link()
        .publish("u/a", Bytes::from_static(b"one"), Q::AtMostOnce, false)
        .unwrap();
    let Some(Packet::Publish(p)) = raw.recv().await else {
        panic!("PUBLISH expected")
    };
    assert_eq!(p.topic.as_str(), "u/a");
    raw.expect_silence().await;
}

#[tokio::test]
async fn connect_with_an_authentication_method_is_refused_0x8c_and_a_second_connect_is_0x82() {
    let (_broker, addr) = start(|_| {});
    let mut c = Connect::new(V5, "enhanced");
    c.props = Properties::new().with(Property::AuthenticationMethod("SCRAM-SHA-1".into()));
    let (mut raw, ack) = Raw::connect(addr, c).await;
    assert_eq!(ack.code, ReasonCode::BAD_AUTHENTICATION_METHOD);
    assert_eq!(raw.recv().await, None, "closed after the refusal");

    let mut raw = client(addr, "twice", Properties::new()).await;
    raw.send(Packet::Connect(Box::new(Connect::new(V5, "twice"))))
        .await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::PROTOCOL_ERROR
        )))
    );
    assert_eq!(raw.recv().await, None);
}

#[tokio::test]
async fn a_response_topic_with_a_wildcard_is_a_protocol_error() {
    let (_broker, addr) = start(|_| {});
    let mut raw = client(addr, "resp", Properties::new()).await;
    let mut p = Publish::new("req/x", Q::AtMostOnce, "ask");
    p.props = Properties::new().with(Property::ResponseTopic("resp/+".into()));
    raw.send(Packet::Publish(p)).await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::PROTOCOL_ERROR
        )))
    );
}
