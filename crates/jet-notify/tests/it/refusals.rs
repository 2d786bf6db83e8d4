//! Who may connect, publish and subscribe: allow-clients, max-connections, credentials,
//! the `/junos/` tree, deny-subscribe, and reconfiguration applying at once.

use std::net::IpAddr;

use bytes::Bytes;
use jet_notify::codec::{
    Connect, Disconnect, Packet, ProtocolVersion, PubAck, Publish, QoS as Q, ReasonCode,
    SubOptions, Subscribe,
};
use jet_notify::BrokerConfig;
use rumqttc::{AsyncClient, ConnectReturnCode, ConnectionError, QoS};

use crate::common::*;

fn only(ip: &str) -> Vec<(IpAddr, u8)> {
    vec![(ip.parse().unwrap(), 32)]
}

#[tokio::test]
async fn clients_outside_allow_clients_get_connack_not_authorized() {
    let (broker, addr) = start(|c| c.allow_clients = only("127.0.0.1"));
    let stranger: IpAddr = "127.0.0.2".parse().unwrap();
    for version in [ProtocolVersion::V5, ProtocolVersion::V3_1_1] {
        let mut raw = Raw::open_from(addr, stranger, version).await;
        let ack = raw.handshake(Connect::new(version, "x")).await;
        assert_eq!(ack.code, ReasonCode::NOT_AUTHORIZED, "{version}");
        assert_eq!(raw.recv().await, None, "closed after the CONNACK");
    }
    assert_eq!(broker.stats().refused_not_allowed, 2);
    assert!(broker.clients().is_empty());
    // Allowed address still works.
    let (_ok, ack) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "ok")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
}

#[tokio::test]
async fn an_empty_allow_list_lets_nobody_in_and_rumqttc_sees_not_authorized() {
    let (_broker, addr) = start(|c| c.allow_clients.clear());
    let (_c, mut el) = AsyncClient::new(v4_opts("nobody", addr), 10);
    match el.poll().await {
        Err(ConnectionError::ConnectionRefused(code)) => {
            assert_eq!(code, ConnectReturnCode::NotAuthorized)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn connections_beyond_max_connections_get_server_unavailable() {
    let (broker, addr) = start(|c| c.max_connections = 1);
    let (_first, ack) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "one")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    let (_second, ack) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "two")).await;
    assert_eq!(
        ack.code,
        ReasonCode::SERVER_UNAVAILABLE,
        "3.1.1 return code 3"
    );
    assert_eq!(broker.stats().refused_max_connections, 1);
}

#[tokio::test]
async fn v5_publish_under_junos_is_refused_with_not_authorized() {
    let (broker, addr) = start(|_| {});
    let (mut watcher, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "w")).await;
    watcher
        .send(Packet::Subscribe(Subscribe {
            pid: 1,
            filters: vec![("/junos/#".into(), SubOptions::qos(Q::AtLeastOnce))],
            ..Default::default()
        }))
        .await;
    watcher.recv().await;

    let (c, mut el) = rumqttc::v5::AsyncClient::new(v5_opts("intruder", addr), 10);
    c.publish(
        "/junos/events/syslog/UI_COMMIT",
        rumqttc::v5::mqttbytes::QoS::AtLeastOnce,
        false,
        "fake",
    )
    .await
    .unwrap();
    let reason = v5_until(&mut el, |e| match e {
        rumqttc::v5::Event::Incoming(rumqttc::v5::mqttbytes::v5::Packet::PubAck(a)) => {
            Some(a.reason)
        }
        _ => None,
    })
    .await;
    assert_eq!(
        reason,
        rumqttc::v5::mqttbytes::v5::PubAckReason::NotAuthorized
    );

    let (mut raw, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "raw")).await;
    let mut p = Publish::new("/junos/x", Q::ExactlyOnce, "fake");
    p.pid = 3;
    raw.send(Packet::Publish(p)).await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::PubRec(PubAck::with_reason(
            3,
            ReasonCode::NOT_AUTHORIZED
        )))
    );
    raw.send(Packet::Publish(Publish::new(
        "/junos/x",
        Q::AtMostOnce,
        "fake",
    )))
    .await;
    raw.send(Packet::PingReq).await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::PingResp),
        "QoS 0 dropped, connection kept"
    );

    watcher.expect_silence().await;
    assert_eq!(broker.stats().refused_publishes, 3);
}

#[tokio::test]
async fn v311_publish_under_junos_is_acknowledged_dropped_and_counted() {
    let (broker, addr) = start(|_| {});
    let (mut watcher, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "w")).await;
    watcher
        .send(Packet::Subscribe(Subscribe {
            pid: 1,
            filters: vec![("#".into(), SubOptions::default())],
            ..Default::default()
        }))
        .await;
    watcher.recv().await;
    let (c, mut el) = AsyncClient::new(v4_opts("app", addr), 10);
    c.publish("/junos/events/fake", QoS::AtLeastOnce, false, "x")
        .await
        .unwrap();
    v4_until(&mut el, |e| {
        matches!(e, rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_))).then_some(())
    })
    .await;
    tokio::spawn(async move { while el.poll().await.is_ok() {} });
    // Its own tree is fine.
    c.publish("/app/demo/status", QoS::AtMostOnce, false, "up")
        .await
        .unwrap();
    let Some(Packet::Publish(p)) = watcher.recv().await else {
        panic!()
    };
    assert_eq!(p.topic.as_str(), "/app/demo/status");
    assert_eq!(broker.stats().refused_publishes, 1);
}

#[tokio::test]
async fn deny_subscribe_refuses_only_filters_inside_a_denied_one() {
    let (broker, addr) = start(|c| c.deny_subscribe = vec!["/junos/events/syslog/#".into()]);
    let (c, mut el) = AsyncClient::new(v4_opts("s", addr), 10);
    c.subscribe_many([
        rumqttc::SubscribeFilter::new(
            "/junos/events/syslog/UI_LOGIN_EVENT".into(),
            QoS::AtMostOnce,
        ),
        rumqttc::SubscribeFilter::new("/junos/events/syslog/+".into(), QoS::AtMostOnce),
        rumqttc::SubscribeFilter::new("/junos/events/kernel/#".into(), QoS::AtLeastOnce),
        rumqttc::SubscribeFilter::new("#".into(), QoS::AtMostOnce),
    ])
    .await
    .unwrap();
    let ack = v4_until(&mut el, v4_suback).await;
    use rumqttc::SubscribeReasonCode as R;
    assert_eq!(
        ack.return_codes,
        vec![
            R::Failure,
            R::Failure,
            R::Success(QoS::AtLeastOnce),
            R::Success(QoS::AtMostOnce)
        ]
    );
    let s = broker.stats();
    assert_eq!((s.refused_subscriptions, s.denied_subscriptions), (2, 2));
    assert_eq!(
        broker.clients()[0].subscriptions,
        vec!["#".to_string(), "/junos/events/kernel/#".to_string()]
    );
}

#[tokio::test]
async fn v5_deny_subscribe_refusal_is_not_authorized() {
    let (_broker, addr) = start(|c| c.deny_subscribe = vec!["a/+/secret".into()]);
    let (mut raw, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "v5")).await;
    raw.send(Packet::Subscribe(Subscribe {
        pid: 1,
        props: Default::default(),
        filters: vec![
            ("a/b/secret".into(), SubOptions::default()),
            ("a/+/+".into(), SubOptions::default()),
        ],
    }))
    .await;
    let Some(Packet::SubAck(ack)) = raw.recv().await else {
        panic!("SUBACK expected")
    };
    assert_eq!(ack.codes, vec![ReasonCode::NOT_AUTHORIZED, ReasonCode(0)]);
}

#[tokio::test]
async fn a_filter_overlapping_a_denied_one_never_receives_denied_topics() {
    let (broker, addr) = start(|c| c.deny_subscribe = vec!["/junos/events/syslog/#".into()]);
    let link = broker.link();
    // Retained on a denied and on an allowed topic, before anyone subscribes.
    link.publish("/junos/events/syslog/X", "r1".into(), Q::AtLeastOnce, true)
        .unwrap();
    link.publish("/junos/events/kernel/Y", "r2".into(), Q::AtLeastOnce, true)
        .unwrap();
    let (mut raw, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "all")).await;
    raw.send(Packet::Subscribe(Subscribe {
        pid: 1,
        props: Default::default(),
        filters: vec![("#".into(), SubOptions::default())],
    }))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    let Some(Packet::Publish(p)) = raw.recv().await else {
        panic!("the allowed retained message")
    };
    assert_eq!(p.topic.as_str(), "/junos/events/kernel/Y");
    link.publish(
        "/junos/events/syslog/X",
        "live".into(),
        Q::AtMostOnce,
        false,
    )
    .unwrap();
    link.publish("/junos/events/kernel/Z", "ok".into(), Q::AtMostOnce, false)
        .unwrap();
    let Some(Packet::Publish(p)) = raw.recv().await else {
        panic!("the allowed live message")
    };
    assert_eq!(p.topic.as_str(), "/junos/events/kernel/Z");
    raw.expect_silence().await;
    // The retained one at publication and at SUBSCRIBE, the live one.
    assert_eq!(broker.stats().denied_messages, 3);
}

#[tokio::test]
async fn credentials_are_required_when_an_authenticator_is_set() {
    let (broker, addr) = start(|c| {
        c.authenticator = Some(jet_notify::blocking_authenticator(|u: &str, p: &[u8]| {
            u == "app" && p == b"secret"
        }))
    });
    let mut c = Connect::new(ProtocolVersion::V5, "a");
    let (_, ack) = Raw::connect(addr, c.clone()).await;
    assert_eq!(ack.code, ReasonCode::NOT_AUTHORIZED);
    c.username = Some("app".into());
    c.password = Some(Bytes::from_static(b"wrong"));
    let (_, ack) = Raw::connect(addr, c.clone()).await;
    assert_eq!(ack.code, ReasonCode::BAD_USER_NAME_OR_PASSWORD);
    c.password = Some(Bytes::from_static(b"secret"));
    let (_, ack) = Raw::connect(addr, c).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    assert_eq!(broker.stats().refused_bad_credentials, 2);
}

#[tokio::test]
async fn reconfigure_disconnects_clients_no_longer_allowed_and_moves_listeners() {
    let (broker, addr) = start(|c| c.allow_clients = vec![("127.0.0.0".parse().unwrap(), 8)]);
    let (mut a, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "a")).await;
    let mut b = Raw::open_from(addr, "127.0.0.3".parse().unwrap(), ProtocolVersion::V5).await;
    b.handshake(Connect::new(ProtocolVersion::V5, "b")).await;

    // Same listener, narrower allow list: "b" goes, "a" stays.
    let mut cfg = BrokerConfig::loopback(addr);
    cfg.allow_clients = only("127.0.0.1");
    broker.reconfigure(cfg.clone()).unwrap();
    assert_eq!(
        b.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::NOT_AUTHORIZED
        )))
    );
    a.send(Packet::PingReq).await;
    assert_eq!(a.recv().await, Some(Packet::PingResp));
    assert_eq!(broker.local_addrs(), vec![addr]);

    // A new port: the old listener and its clients go, the new one serves.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    cfg.listeners[0].addr = free;
    broker.reconfigure(cfg).unwrap();
    assert_eq!(
        a.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::ADMINISTRATIVE_ACTION
        )))
    );
    let moved = broker.local_addrs()[0];
    assert_eq!(moved, free);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "old port closed"
    );
    let (_c, ack) = Raw::connect(moved, Connect::new(ProtocolVersion::V5, "c")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
}

#[tokio::test]
async fn reconfigure_reports_a_listener_that_cannot_bind_and_keeps_serving() {
    let (broker, addr) = start(|_| {});
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cfg = BrokerConfig::loopback(addr);
    cfg.listeners
        .push(jet_notify::ListenerConfig::tcp(taken.local_addr().unwrap()));
    assert!(broker.reconfigure(cfg).is_err());
    assert_eq!(broker.local_addrs(), vec![addr]);
    let (_c, ack) = Raw::connect(addr, Connect::new(ProtocolVersion::V5, "still")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
}
