//! One test per normative statement that `docs/mqtt-conformance.md` listed as "holds, no
//! dedicated test": each names its statements, and fails if the broker breaks them.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use jet_notify::codec::{
    Connect, Disconnect, Packet, Properties, Property, ProtocolVersion, PubAck, Publish, QoS as Q,
    ReasonCode, SubOptions, Subscribe, Unsubscribe, Will,
};
use tokio::io::AsyncWriteExt;

use crate::common::*;

const V5: ProtocolVersion = ProtocolVersion::V5;
const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

async fn connect(addr: SocketAddr, c: Connect) -> Raw {
    let (raw, ack) = Raw::connect(addr, c).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    raw
}

async fn plain(addr: SocketAddr, version: ProtocolVersion, id: &str) -> Raw {
    connect(addr, Connect::new(version, id)).await
}

/// A session that outlives its connection (v5: an hour's expiry; 3.1.1: Clean Session 0).
fn persistent(version: ProtocolVersion, id: &str) -> Connect {
    let mut c = Connect::new(version, id);
    c.clean_start = false;
    if version.is_v5() {
        c.props.push(Property::SessionExpiryInterval(3600));
    }
    c
}

async fn subscribe_with(raw: &mut Raw, filter: &str, opts: SubOptions) -> Vec<ReasonCode> {
    raw.send(Packet::Subscribe(Subscribe {
        pid: 1,
        props: Properties::new(),
        filters: vec![(filter.into(), opts)],
    }))
    .await;
    match raw.recv().await {
        Some(Packet::SubAck(a)) => a.codes,
        other => panic!("expected SUBACK, got {other:?}"),
    }
}

async fn subscribe(raw: &mut Raw, filter: &str, qos: Q) {
    let codes = subscribe_with(raw, filter, SubOptions::qos(qos)).await;
    assert!(!codes[0].is_error(), "{filter}: {codes:?}");
}

async fn publish(raw: &mut Raw, p: Publish) {
    raw.send(Packet::Publish(p)).await;
}

fn qos_publish(topic: &str, qos: Q, pid: u16, body: &'static str) -> Publish {
    let mut p = Publish::new(topic, qos, body);
    p.pid = pid;
    p
}

async fn next_publish(raw: &mut Raw) -> Publish {
    match raw.recv().await {
        Some(Packet::Publish(p)) => p,
        other => panic!("expected PUBLISH, got {other:?}"),
    }
}

/// The next packet that is not a PUBLISH (publishes go to `stash`).
async fn next_control(raw: &mut Raw, stash: &mut Vec<Publish>) -> Option<Packet> {
    loop {
        match raw.recv().await {
            Some(Packet::Publish(p)) => stash.push(p),
            other => return other,
        }
    }
}

/// The properties the server may never add on its own initiative (3.1.2-29, and the
/// "too large" statements: we send none, so none can make a packet too large).
fn assert_no_reason_or_user_props(p: &Packet) {
    let props = match p {
        Packet::ConnAck(a) => &a.props,
        Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => &a.props,
        Packet::SubAck(a) => &a.props,
        Packet::UnsubAck(a) => &a.props,
        Packet::Disconnect(d) => &d.props,
        _ => return,
    };
    assert!(
        !props
            .iter()
            .any(|x| matches!(x, Property::ReasonString(_) | Property::UserProperty(..))),
        "{p:?}"
    );
}

/// MQTT-1.5.4-3 (5.0), MQTT-1.5.3-3 (3.1.1): a BOM (U+FEFF) in a topic is not stripped.
#[tokio::test]
async fn a_byte_order_mark_in_a_topic_is_kept() {
    let (_b, addr) = start(|_| {});
    for version in [V5, V4] {
        let topic = "\u{feff}bom/topic";
        let mut s = plain(addr, version, &format!("bom-s-{version:?}")).await;
        subscribe(&mut s, topic, Q::AtMostOnce).await;
        let mut p = plain(addr, version, &format!("bom-p-{version:?}")).await;
        publish(&mut p, Publish::new(topic, Q::AtMostOnce, "x")).await;
        assert_eq!(
            next_publish(&mut s).await.topic.as_bytes(),
            topic.as_bytes()
        );
        // "bom/topic" without the mark is another topic.
        publish(&mut p, Publish::new("bom/topic", Q::AtMostOnce, "y")).await;
        s.expect_silence().await;
    }
}

/// Raw v5 PUBLISH (QoS 0, topic "t") carrying one property whose string is `value`.
fn publish_with_string_property(id: u8, value: &[u8], pair: bool) -> Vec<u8> {
    let mut prop = vec![id];
    if pair {
        prop.extend_from_slice(&[0, 1, b'k']);
    }
    prop.extend_from_slice(&(value.len() as u16).to_be_bytes());
    prop.extend_from_slice(value);
    let mut body = vec![0, 1, b't', prop.len() as u8];
    body.extend_from_slice(&prop);
    body.push(b'x');
    let mut frame = vec![0x30, body.len() as u8];
    frame.extend_from_slice(&body);
    frame
}

/// MQTT-1.5.7-1 (both strings of a User Property pair), MQTT-3.3.2-13 (Response Topic)
/// and MQTT-3.3.2-19 (Content Type) are UTF-8 strings: bad UTF-8 is a malformed packet.
#[tokio::test]
async fn property_strings_with_bad_utf8_are_malformed() {
    let (_b, addr) = start(|_| {});
    let cases: [(&str, u8, bool); 3] = [
        ("user property", 0x26, true),
        ("response topic", 0x08, false),
        ("content type", 0x03, false),
    ];
    for (what, id, pair) in cases {
        let mut raw = plain(addr, V5, "utf8").await;
        let frame = publish_with_string_property(id, &[0xC3, 0x28], pair);
        raw.stream.write_all(&frame).await.unwrap();
        assert_eq!(
            raw.recv().await,
            Some(Packet::Disconnect(Disconnect::new(
                ReasonCode::MALFORMED_PACKET
            ))),
            "{what}"
        );
        assert_eq!(
            raw.recv().await,
            None,
            "{what}: closed after the DISCONNECT"
        );
        // The same packet with good UTF-8 is accepted.
        let mut raw = plain(addr, V5, "utf8").await;
        let frame = publish_with_string_property(id, "ok/é".as_bytes(), pair);
        raw.stream.write_all(&frame).await.unwrap();
        raw.send(Packet::PingReq).await;
        assert_eq!(raw.recv().await, Some(Packet::PingResp), "{what}");
    }
}

/// MQTT-3.1.2-6 (5.0): Clean Start 0 with no session creates one (Session Present 0,
/// then 1 with its subscriptions on return).
#[tokio::test]
async fn clean_start_0_without_a_session_creates_one() {
    let (_b, addr) = start(|_| {});
    let (mut c, ack) = Raw::connect(addr, persistent(V5, "fresh")).await;
    assert!(!ack.session_present);
    subscribe(&mut c, "kept/#", Q::AtLeastOnce).await;
    c.send(Packet::Disconnect(Disconnect::default())).await;
    drop(c);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (mut c, ack) = Raw::connect(addr, persistent(V5, "fresh")).await;
    assert!(ack.session_present);
    let mut p = plain(addr, V5, "pub").await;
    publish(&mut p, Publish::new("kept/a", Q::AtMostOnce, "x")).await;
    assert_eq!(next_publish(&mut c).await.topic.as_str(), "kept/a");
}

fn with_will(version: ProtocolVersion, id: &str, topic: &str, retain: bool) -> Connect {
    let mut c = Connect::new(version, id);
    c.will = Some(Will {
        topic: topic.into(),
        payload: Bytes::from_static(b"gone"),
        qos: Q::AtMostOnce,
        retain,
        props: Properties::new(),
    });
    c
}

/// MQTT-3.1.2-14/15 (5.0), MQTT-3.1.2-16/17 (3.1.1): a will is published retained
/// exactly when Will Retain is 1 (a later subscriber sees only the retained one).
#[tokio::test]
async fn will_retain_decides_whether_the_will_is_retained() {
    let (_b, addr) = start(|_| {});
    for version in [V5, V4] {
        let base = if version.is_v5() { "w5" } else { "w4" };
        for retain in [false, true] {
            let topic = format!("{base}/{retain}");
            let id = format!("dies-{base}-{retain}");
            let c = connect(addr, with_will(version, &id, &topic, retain)).await;
            drop(c);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut late = plain(addr, version, "late").await;
        subscribe(&mut late, &format!("{base}/#"), Q::AtMostOnce).await;
        let p = next_publish(&mut late).await;
        assert_eq!(
            (p.topic.as_str(), p.retain),
            (&*format!("{base}/true"), true)
        );
        late.expect_silence().await;
    }
}

/// MQTT-3.1.2-28, MQTT-3.1.2-29, MQTT-3.2.2-19/20, MQTT-3.4.2-2/3, MQTT-3.5.2-2/3,
/// MQTT-3.6.2-2/3, MQTT-3.7.2-2/3, MQTT-3.9.2-1/2, MQTT-3.11.2-1/2, MQTT-3.14.2-2/3/4
/// and MQTT-4.12.0-6 (5.0): a client asking for no Response and no Problem Information
/// gets none on any packet, error answers included; the server adds no Reason String
/// or User Property at all (so none can push a packet past the client's Maximum Packet
/// Size), no Authentication Method, and no Session Expiry Interval on its DISCONNECT.
#[tokio::test]
async fn the_server_adds_no_reason_strings_user_properties_or_response_information() {
    let (_b, addr) = start(|_| {});
    let mut c = Connect::new(V5, "quiet");
    c.props.push(Property::RequestResponseInformation(0));
    c.props.push(Property::RequestProblemInformation(0));
    c.props.push(Property::MaximumPacketSize(64));
    let (mut raw, ack) = Raw::connect(addr, c).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    let ack = Packet::ConnAck(ack);
    assert_no_reason_or_user_props(&ack);
    let Packet::ConnAck(ack) = &ack else {
        unreachable!()
    };
    assert!(!ack.props.iter().any(|p| matches!(
        p,
        Property::ResponseInformation(_)
            | Property::AuthenticationMethod(_)
            | Property::AuthenticationData(_)
    )));

    let mut seen = Vec::new();
    let mut stash = Vec::new();
    // SUBACK, success and failure.
    raw.send(Packet::Subscribe(Subscribe {
        pid: 1,
        props: Properties::new(),
        filters: vec![
            ("q/#".into(), SubOptions::qos(Q::ExactlyOnce)),
            ("bad/#/x".into(), SubOptions::qos(Q::AtMostOnce)),
        ],
    }))
    .await;
    seen.push(next_control(&mut raw, &mut stash).await.expect("SUBACK"));
    // PUBACK (success, no subscriber, refused under /junos/), PUBREC, PUBCOMP.
    publish(&mut raw, qos_publish("q/a", Q::AtLeastOnce, 2, "x")).await;
    seen.push(next_control(&mut raw, &mut stash).await.expect("PUBACK"));
    publish(&mut raw, qos_publish("nobody", Q::AtLeastOnce, 3, "x")).await;
    seen.push(next_control(&mut raw, &mut stash).await.expect("PUBACK"));
    publish(&mut raw, qos_publish("/junos/x", Q::AtLeastOnce, 4, "x")).await;
    seen.push(
        next_control(&mut raw, &mut stash)
            .await
            .expect("PUBACK 0x87"),
    );
    publish(&mut raw, qos_publish("q/b", Q::ExactlyOnce, 5, "x")).await;
    seen.push(next_control(&mut raw, &mut stash).await.expect("PUBREC"));
    raw.send(Packet::PubRel(PubAck::new(5))).await;
    seen.push(next_control(&mut raw, &mut stash).await.expect("PUBCOMP"));
    // PUBREL toward us: the QoS 2 copy of q/b comes back to us (we subscribed q/#).
    let delivered = loop {
        if let Some(i) = stash.iter().position(|p| p.qos == Q::ExactlyOnce) {
            break stash.remove(i);
        }
        match raw.recv().await {
            Some(Packet::Publish(p)) => stash.push(p),
            other => panic!("expected the QoS 2 delivery, got {other:?}"),
        }
    };
    raw.send(Packet::PubRec(PubAck::new(delivered.pid))).await;
    seen.push(next_control(&mut raw, &mut stash).await.expect("PUBREL"));
    raw.send(Packet::PubComp(PubAck::new(delivered.pid))).await;
    // PUBREL and PUBCOMP for unknown ids (0x92).
    raw.send(Packet::PubRel(PubAck::new(999))).await;
    seen.push(
        next_control(&mut raw, &mut stash)
            .await
            .expect("PUBCOMP 0x92"),
    );
    raw.send(Packet::PubRec(PubAck::new(998))).await;
    seen.push(
        next_control(&mut raw, &mut stash)
            .await
            .expect("PUBREL 0x92"),
    );
    // UNSUBACK, success and "no subscription existed".
    raw.send(Packet::Unsubscribe(Unsubscribe {
        pid: 6,
        props: Properties::new(),
        filters: vec!["q/#".into(), "never".into()],
    }))
    .await;
    seen.push(next_control(&mut raw, &mut stash).await.expect("UNSUBACK"));
    // DISCONNECT: a client PUBLISH with a Subscription Identifier is a Protocol Error.
    let mut bad = Publish::new("q/c", Q::AtMostOnce, "x");
    bad.props.push(Property::SubscriptionIdentifier(1));
    publish(&mut raw, bad).await;
    let last = next_control(&mut raw, &mut stash)
        .await
        .expect("DISCONNECT");
    assert_eq!(
        last,
        Packet::Disconnect(Disconnect::new(ReasonCode::PROTOCOL_ERROR))
    );
    seen.push(last);
    let names: Vec<&str> = seen.iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        [
            "SUBACK",
            "PUBACK",
            "PUBACK",
            "PUBACK",
            "PUBREC",
            "PUBCOMP",
            "PUBREL",
            "PUBCOMP",
            "PUBREL",
            "UNSUBACK",
            "DISCONNECT"
        ]
    );
    for p in &seen {
        assert_no_reason_or_user_props(p);
        if let Packet::Disconnect(d) = p {
            assert!(d.props.session_expiry_interval().is_none());
        }
    }
}

/// MQTT-3.1.3-5 (5.0 and 3.1.1): 1-23 alphanumeric characters are accepted (so is longer).
#[tokio::test]
async fn alphanumeric_client_ids_of_1_to_23_characters_are_accepted() {
    let (_b, addr) = start(|_| {});
    let ids = [
        "a",
        "Z9",
        "0123456789abcdefghijklm",
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ];
    for version in [V5, V4] {
        for id in ids {
            let (_c, ack) = Raw::connect(addr, Connect::new(version, id)).await;
            assert_eq!(ack.code, ReasonCode::SUCCESS, "{id}");
        }
    }
}

/// MQTT-3.2.0-1 (5.0 and 3.1.1): the CONNACK comes first, even when a resumed session
/// has messages waiting.
#[tokio::test]
async fn connack_comes_before_the_queued_messages_of_a_resumed_session() {
    let (_b, addr) = start(|_| {});
    for version in [V5, V4] {
        let id = format!("back-{version:?}");
        let mut c = connect(addr, persistent(version, &id)).await;
        subscribe(&mut c, "queued/#", Q::AtLeastOnce).await;
        c.send(Packet::Disconnect(Disconnect::default())).await;
        drop(c);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut p = plain(addr, version, "pub").await;
        for pid in 1..=3 {
            publish(&mut p, qos_publish("queued/a", Q::AtLeastOnce, pid, "x")).await;
            assert!(matches!(p.recv().await, Some(Packet::PubAck(_))));
        }
        let mut raw = Raw::open(addr, version).await;
        raw.send(Packet::Connect(Box::new(persistent(version, &id))))
            .await;
        match raw.recv().await {
            Some(Packet::ConnAck(a)) => assert!(a.session_present),
            other => panic!("first packet {other:?}"),
        }
        for _ in 0..3 {
            next_publish(&mut raw).await;
        }
        raw.send(Packet::Disconnect(Disconnect::default())).await;
    }
}

/// MQTT-3.2.0-2 (5.0): one CONNACK per connection — a second CONNECT gets none.
#[tokio::test]
async fn a_second_connect_gets_no_second_connack() {
    let (_b, addr) = start(|_| {});
    for version in [V5, V4] {
        let mut c = plain(addr, version, "twice").await;
        c.send(Packet::Connect(Box::new(Connect::new(version, "twice"))))
            .await;
        loop {
            match c.recv().await {
                None => break,
                Some(Packet::Disconnect(d)) => assert_eq!(d.reason, ReasonCode::PROTOCOL_ERROR),
                Some(other) => panic!("{other:?}"),
            }
        }
    }
}

/// MQTT-3.2.2-6 (5.0), MQTT-3.2.2-4 (3.1.1): a refused CONNECT has Session Present 0,
/// even when the client has a session.
#[tokio::test]
async fn a_refused_connect_has_session_present_0() {
    let (_b, addr) = start(|cfg| {
        cfg.authenticator = Some(jet_notify::blocking_authenticator(|_u, p| p == b"good"));
    });
    for version in [V5, V4] {
        let mut c = persistent(version, "owner");
        c.username = Some("u".into());
        c.password = Some(Bytes::from_static(b"good"));
        let mut raw = connect(addr, c.clone()).await;
        subscribe(&mut raw, "x", Q::AtLeastOnce).await;
        raw.send(Packet::Disconnect(Disconnect::default())).await;
        drop(raw);
        tokio::time::sleep(Duration::from_millis(100)).await;
        c.password = Some(Bytes::from_static(b"bad"));
        let (mut raw, ack) = Raw::connect(addr, c.clone()).await;
        assert!(ack.code.is_error(), "{ack:?}");
        assert!(!ack.session_present);
        assert_eq!(raw.recv().await, None);
        // The session is still there for the right password.
        c.password = Some(Bytes::from_static(b"good"));
        let (_raw, ack) = Raw::connect(addr, c).await;
        assert!(ack.session_present);
    }
}

/// MQTT-3.2.2-6 (3.1.1): a CONNECT no return code applies to (malformed) closes the
/// connection without a CONNACK; MQTT-3.14.0-1 (5.0): no DISCONNECT before a CONNACK.
#[tokio::test]
async fn a_malformed_connect_is_closed_without_connack_or_disconnect() {
    let (_b, addr) = start(|_| {});
    // CONNECT, protocol "MQTT" level 4, reserved flag bit 0 set (malformed).
    let bad_v4 = [
        0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x03, 0, 60, 0, 1, b'c',
    ];
    // The same at level 5 with a property length that runs past the packet.
    let bad_v5 = [
        0x10, 14, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 60, 9, 0, 1, b'c',
    ];
    for (version, bytes) in [(V4, &bad_v4[..]), (V5, &bad_v5[..])] {
        let mut raw = Raw::open(addr, version).await;
        raw.stream.write_all(bytes).await.unwrap();
        assert_eq!(raw.recv().await, None, "{version:?}");
    }
    // A first packet that is not CONNECT: closed, nothing sent.
    let mut raw = Raw::open(addr, V5).await;
    raw.send(Packet::PingReq).await;
    assert_eq!(raw.recv().await, None);
}

/// MQTT-3.3.2-4 and MQTT-3.3.2-20 (5.0): Payload Format Indicator and Content Type
/// reach the subscriber unaltered.
#[tokio::test]
async fn payload_format_indicator_and_content_type_are_forwarded_unaltered() {
    let (_b, addr) = start(|_| {});
    let mut s = plain(addr, V5, "s").await;
    subscribe(&mut s, "fmt/#", Q::AtMostOnce).await;
    let mut p = plain(addr, V5, "p").await;
    for (pfi, ct) in [(1u8, "text/plain; charset=utf-8"), (0, "application/x-jet")] {
        let mut m = Publish::new("fmt/a", Q::AtMostOnce, "hello");
        m.props.push(Property::PayloadFormatIndicator(pfi));
        m.props.push(Property::ContentType(ct.into()));
        publish(&mut p, m).await;
        let got = next_publish(&mut s).await;
        assert_eq!(got.props.payload_format_indicator(), Some(pfi));
        let content_type = got.props.iter().find_map(|x| match x {
            Property::ContentType(t) => Some(t.as_str()),
            _ => None,
        });
        assert_eq!(content_type, Some(ct));
    }
}

/// MQTT-3.3.2-7 (5.0): topic aliases do not outlive the network connection, either way.
#[tokio::test]
async fn topic_aliases_end_with_the_network_connection() {
    let (_b, addr) = start(|_| {});
    let mut sc = persistent(V5, "s");
    sc.props.push(Property::TopicAliasMaximum(5));
    let mut s = connect(addr, sc.clone()).await;
    subscribe(&mut s, "alias/#", Q::AtMostOnce).await;
    let mut p = plain(addr, V5, "p").await;
    let mut first = Publish::new("alias/long", Q::AtMostOnce, "1");
    first.props.push(Property::TopicAlias(2));
    publish(&mut p, first).await;
    let got = next_publish(&mut s).await;
    assert_eq!(got.topic.as_str(), "alias/long");
    let server_alias = got.props.topic_alias().expect("the server set an alias");
    let mut again = Publish::new("", Q::AtMostOnce, "2");
    again.props.push(Property::TopicAlias(2));
    publish(&mut p, again).await;
    let got = next_publish(&mut s).await;
    assert!(got.topic.is_empty(), "second use goes by alias only");

    // Server → client: the new connection of the same session starts with no alias.
    s.send(Packet::Disconnect(Disconnect::default())).await;
    drop(s);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut s = connect(addr, sc).await;
    publish(&mut p, Publish::new("alias/long", Q::AtMostOnce, "3")).await;
    let got = next_publish(&mut s).await;
    assert_eq!(
        got.topic.as_str(),
        "alias/long",
        "alias {server_alias} forgotten"
    );

    // Client → server: alias 2 of the old connection is unknown on a new one.
    drop(p);
    let mut p = plain(addr, V5, "p").await;
    let mut stale = Publish::new("", Q::AtMostOnce, "4");
    stale.props.push(Property::TopicAlias(2));
    publish(&mut p, stale).await;
    assert_eq!(
        p.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::PROTOCOL_ERROR
        )))
    );
    s.expect_silence().await;
}

/// MQTT-3.3.4-10 (5.0): the client's Receive Maximum holds back PUBLISH packets only,
/// never SUBACK, PINGRESP or the acknowledgements of its own publishes.
#[tokio::test]
async fn receive_maximum_delays_no_other_packet() {
    let (_b, addr) = start(|_| {});
    let mut c = Connect::new(V5, "slow");
    c.props.push(Property::ReceiveMaximum(1));
    let mut s = connect(addr, c).await;
    subscribe(&mut s, "rm/#", Q::AtLeastOnce).await;
    let mut p = plain(addr, V5, "p").await;
    for pid in 1..=2 {
        publish(&mut p, qos_publish("rm/a", Q::AtLeastOnce, pid, "x")).await;
        assert!(matches!(p.recv().await, Some(Packet::PubAck(_))));
    }
    let first = next_publish(&mut s).await;
    // The second waits for our PUBACK; everything else does not.
    s.send(Packet::PingReq).await;
    assert_eq!(s.recv().await, Some(Packet::PingResp));
    subscribe(&mut s, "other", Q::AtMostOnce).await;
    publish(&mut s, qos_publish("elsewhere", Q::AtLeastOnce, 9, "y")).await;
    assert!(matches!(s.recv().await, Some(Packet::PubAck(a)) if a.pid == 9));
    s.expect_silence().await;
    s.send(Packet::PubAck(PubAck::new(first.pid))).await;
    assert_eq!(next_publish(&mut s).await.qos, Q::AtLeastOnce);
}

/// MQTT-3.8.3-4 (5.0): No Local on a shared subscription is a Protocol Error.
#[tokio::test]
async fn no_local_on_a_shared_subscription_is_a_protocol_error() {
    let (_b, addr) = start(|_| {});
    let mut c = plain(addr, V5, "nl").await;
    let mut opts = SubOptions::qos(Q::AtMostOnce);
    opts.no_local = true;
    // Allowed on an ordinary subscription...
    let codes = subscribe_with(&mut c, "plain/#", opts).await;
    assert!(!codes[0].is_error());
    // ...not on a shared one.
    c.send(Packet::Subscribe(Subscribe {
        pid: 2,
        props: Properties::new(),
        filters: vec![("$share/g/plain/#".into(), opts)],
    }))
    .await;
    assert_eq!(
        c.recv().await,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::PROTOCOL_ERROR
        )))
    );
}

/// MQTT-3.10.4-3 (5.0 and 3.1.1): QoS 1 deliveries already started are completed after
/// an UNSUBSCRIBE.
#[tokio::test]
async fn deliveries_started_before_unsubscribe_are_completed() {
    let (_b, addr) = start(|_| {});
    for version in [V5, V4] {
        let mut c = Connect::new(version, "unsub");
        if version.is_v5() {
            c.props.push(Property::ReceiveMaximum(1));
        }
        let mut s = connect(addr, c).await;
        subscribe(&mut s, "u/#", Q::AtLeastOnce).await;
        let mut p = plain(addr, version, "p").await;
        for pid in 1..=3 {
            publish(&mut p, qos_publish("u/a", Q::AtLeastOnce, pid, "x")).await;
            assert!(matches!(p.recv().await, Some(Packet::PubAck(_))));
        }
        let first = next_publish(&mut s).await;
        s.send(Packet::Unsubscribe(Unsubscribe {
            pid: 5,
            props: Properties::new(),
            filters: vec!["u/#".into()],
        }))
        .await;
        // 3.1.1 has no Receive Maximum: the other two may already be on their way.
        let mut got = vec![first.pid];
        loop {
            match s.recv().await {
                Some(Packet::UnsubAck(_)) => break,
                Some(Packet::Publish(m)) => got.push(m.pid),
                other => panic!("{other:?}"),
            }
        }
        for pid in got.clone() {
            s.send(Packet::PubAck(PubAck::new(pid))).await;
        }
        while got.len() < 3 {
            let m = next_publish(&mut s).await;
            s.send(Packet::PubAck(PubAck::new(m.pid))).await;
            got.push(m.pid);
        }
        // Nothing new arrives through the removed subscription.
        publish(&mut p, Publish::new("u/a", Q::AtMostOnce, "late")).await;
        s.expect_silence().await;
    }
}

/// MQTT-3.14.4-1 (5.0): nothing is sent after the server's DISCONNECT.
#[tokio::test]
async fn nothing_follows_the_servers_disconnect() {
    let (_b, addr) = start(|_| {});
    let mut s = plain(addr, V5, "s").await;
    subscribe(&mut s, "after/#", Q::AtMostOnce).await;
    let mut p = plain(addr, V5, "p").await;
    // The subscriber's own protocol error, with messages being published to it.
    let mut bad = Publish::new("after/b", Q::AtMostOnce, "x");
    bad.props.push(Property::SubscriptionIdentifier(1));
    publish(&mut s, bad).await;
    for _ in 0..50 {
        publish(&mut p, Publish::new("after/a", Q::AtMostOnce, "x")).await;
    }
    loop {
        match s.recv().await {
            Some(Packet::Disconnect(_)) => break,
            Some(Packet::Publish(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(s.recv().await, None);
}

/// MQTT-4.3.2-5 (5.0; 4.3.2-3 in 3.1.1's wording): once PUBACK is sent, the same
/// Packet Identifier is a new message.
#[tokio::test]
async fn a_qos1_packet_id_is_reusable_after_puback() {
    let (_b, addr) = start(|_| {});
    for version in [V5, V4] {
        let mut s = plain(addr, version, "s").await;
        subscribe(&mut s, "reuse", Q::AtMostOnce).await;
        let mut p = plain(addr, version, "p").await;
        for body in ["one", "two"] {
            publish(&mut p, qos_publish("reuse", Q::AtLeastOnce, 7, body)).await;
            assert!(matches!(p.recv().await, Some(Packet::PubAck(a)) if a.pid == 7));
            assert_eq!(&next_publish(&mut s).await.payload[..], body.as_bytes());
        }
    }
}

/// MQTT-4.3.3-10 (5.0; 4.3.3-2 in 3.1.1): until PUBREL, a duplicate QoS 2 PUBLISH is
/// acknowledged again and not delivered again; MQTT-4.3.3-12: after PUBCOMP the same
/// identifier is a new message.
#[tokio::test]
async fn qos2_duplicates_before_pubrel_are_not_delivered_again() {
    let (_b, addr) = start(|_| {});
    for version in [V5, V4] {
        let mut s = plain(addr, version, "s").await;
        subscribe(&mut s, "once", Q::AtMostOnce).await;
        let mut p = plain(addr, version, "p").await;
        for body in ["first", "second"] {
            for dup in [false, true, true] {
                let mut m = qos_publish("once", Q::ExactlyOnce, 9, body);
                m.dup = dup;
                publish(&mut p, m).await;
                assert!(matches!(p.recv().await, Some(Packet::PubRec(a)) if a.pid == 9));
            }
            p.send(Packet::PubRel(PubAck::new(9))).await;
            assert!(matches!(p.recv().await, Some(Packet::PubComp(a)) if a.pid == 9));
            assert_eq!(&next_publish(&mut s).await.payload[..], body.as_bytes());
            s.expect_silence().await;
        }
    }
}

/// MQTT-4.3.3-9 (5.0): after a PUBREC with an error code, the same identifier is a new
/// message.
#[tokio::test]
async fn a_qos2_id_refused_with_pubrec_0x87_is_a_new_message_next_time() {
    let (_b, addr) = start(|_| {});
    let mut s = plain(addr, V5, "s").await;
    subscribe(&mut s, "ok", Q::AtMostOnce).await;
    let mut p = plain(addr, V5, "p").await;
    publish(&mut p, qos_publish("/junos/no", Q::ExactlyOnce, 4, "x")).await;
    assert_eq!(
        p.recv().await,
        Some(Packet::PubRec(PubAck::with_reason(
            4,
            ReasonCode::NOT_AUTHORIZED
        )))
    );
    publish(&mut p, qos_publish("ok", Q::ExactlyOnce, 4, "y")).await;
    assert!(matches!(p.recv().await, Some(Packet::PubRec(a)) if a.reason == ReasonCode::SUCCESS));
    p.send(Packet::PubRel(PubAck::new(4))).await;
    assert!(matches!(p.recv().await, Some(Packet::PubComp(a)) if a.reason == ReasonCode::SUCCESS));
    assert_eq!(&next_publish(&mut s).await.payload[..], b"y");
}

/// MQTT-4.3.3-7 (no expiry once sent) and MQTT-4.3.3-13 (the QoS 2 exchange goes on
/// after the message has expired) (5.0).
#[tokio::test]
async fn a_message_sent_before_it_expires_is_completed_after() {
    let (_b, addr) = start(|_| {});
    let mut s = connect(addr, persistent(V5, "late-acker")).await;
    subscribe(&mut s, "exp/#", Q::ExactlyOnce).await;
    let mut p = plain(addr, V5, "p").await;
    for (pid, qos) in [(1, Q::AtLeastOnce), (2, Q::ExactlyOnce)] {
        let mut m = qos_publish("exp/a", qos, pid, "x");
        m.props.push(Property::MessageExpiryInterval(1));
        publish(&mut p, m).await;
        p.recv().await.expect("acknowledged");
        if qos == Q::ExactlyOnce {
            p.send(Packet::PubRel(PubAck::new(pid))).await;
            p.recv().await.expect("PUBCOMP");
        }
    }
    let q1 = next_publish(&mut s).await;
    let q2 = next_publish(&mut s).await;
    assert_eq!((q1.qos, q2.qos), (Q::AtLeastOnce, Q::ExactlyOnce));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // Expired now, but already sent: the QoS 2 exchange goes on...
    s.send(Packet::PubRec(PubAck::new(q2.pid))).await;
    assert_eq!(s.recv().await, Some(Packet::PubRel(PubAck::new(q2.pid))));
    // ...and the unacknowledged QoS 1 message is sent again on return.
    s.send(Packet::Disconnect(Disconnect::default())).await;
    drop(s);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut s = connect(addr, persistent(V5, "late-acker")).await;
    let again = next_publish(&mut s).await;
    assert_eq!((again.pid, again.dup), (q1.pid, true));
    assert_eq!(s.recv().await, Some(Packet::PubRel(PubAck::new(q2.pid))));
}

/// MQTT-4.4.0-2 and MQTT-4.8.2-6 (5.0): a PUBACK or PUBREC with an error code from a
/// subscriber (a shared one too) ends that delivery: never sent again, no PUBREL.
#[tokio::test]
async fn an_error_puback_or_pubrec_from_a_subscriber_ends_the_delivery() {
    let (_b, addr) = start(|_| {});
    for filter in ["err/#", "$share/g/err/#"] {
        let mut s = connect(addr, persistent(V5, "refuser")).await;
        subscribe(&mut s, filter, Q::ExactlyOnce).await;
        let mut p = plain(addr, V5, "p").await;
        for (pid, qos) in [(1, Q::AtLeastOnce), (2, Q::ExactlyOnce)] {
            publish(&mut p, qos_publish("err/a", qos, pid, "x")).await;
            p.recv().await.expect("acknowledged");
            if qos == Q::ExactlyOnce {
                p.send(Packet::PubRel(PubAck::new(pid))).await;
                p.recv().await.expect("PUBCOMP");
            }
        }
        let q1 = next_publish(&mut s).await;
        let q2 = next_publish(&mut s).await;
        s.send(Packet::PubAck(PubAck::with_reason(
            q1.pid,
            ReasonCode::UNSPECIFIED_ERROR,
        )))
        .await;
        s.send(Packet::PubRec(PubAck::with_reason(
            q2.pid,
            ReasonCode::UNSPECIFIED_ERROR,
        )))
        .await;
        s.expect_silence().await;
        s.send(Packet::Disconnect(Disconnect::default())).await;
        drop(s);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut s = connect(addr, persistent(V5, "refuser")).await;
        s.expect_silence().await;
        // Clean up for the next round.
        s.send(Packet::Unsubscribe(Unsubscribe {
            pid: 3,
            props: Properties::new(),
            filters: vec![filter.into()],
        }))
        .await;
        assert!(matches!(s.recv().await, Some(Packet::UnsubAck(_))));
    }
}

/// MQTT-4.8.2-4 (5.0): a QoS 2 message to a shared subscriber is completed with that
/// subscriber when it reconnects.
#[tokio::test]
async fn a_shared_members_qos2_delivery_is_completed_on_its_return() {
    let (_b, addr) = start(|_| {});
    let mut m = connect(addr, persistent(V5, "member")).await;
    subscribe(&mut m, "$share/g/sh/#", Q::ExactlyOnce).await;
    let mut p = plain(addr, V5, "p").await;
    publish(&mut p, qos_publish("sh/a", Q::ExactlyOnce, 1, "x")).await;
    p.recv().await.expect("PUBREC");
    p.send(Packet::PubRel(PubAck::new(1))).await;
    p.recv().await.expect("PUBCOMP");
    let first = next_publish(&mut m).await;
    drop(m); // gone before PUBREC
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut m = connect(addr, persistent(V5, "member")).await;
    let again = next_publish(&mut m).await;
    assert_eq!(
        (again.pid, again.dup, &again.payload[..]),
        (first.pid, true, &b"x"[..])
    );
    m.send(Packet::PubRec(PubAck::new(again.pid))).await;
    assert_eq!(m.recv().await, Some(Packet::PubRel(PubAck::new(again.pid))));
    m.send(Packet::PubComp(PubAck::new(again.pid))).await;
    m.expect_silence().await;
}

/// MQTT-3.1.2-7 (3.1.1): retained messages are not part of a session: they outlive the
/// clean session that published them.
#[tokio::test]
async fn retained_messages_outlive_the_session_that_published_them() {
    let (_b, addr) = start(|_| {});
    let mut p = plain(addr, V4, "ephemeral").await;
    let mut m = Publish::new("ret/a", Q::AtLeastOnce, "kept");
    m.retain = true;
    m.pid = 1;
    publish(&mut p, m).await;
    assert!(matches!(p.recv().await, Some(Packet::PubAck(_))));
    p.send(Packet::Disconnect(Disconnect::default())).await;
    drop(p);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut s = plain(addr, V4, "ephemeral").await;
    subscribe(&mut s, "ret/#", Q::AtMostOnce).await;
    let got = next_publish(&mut s).await;
    assert_eq!((&got.payload[..], got.retain), (&b"kept"[..], true));
}
