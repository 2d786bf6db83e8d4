//! Round trips for every packet type and property in both versions, the rejections the
//! specifications require, and a property-based round trip.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;

use super::error::DecodeError;
use super::*;

use ProtocolVersion::{V3_1, V3_1_1, V5};

fn enc(p: &Packet, v: ProtocolVersion) -> BytesMut {
    let mut out = BytesMut::new();
    let n = encode(p, v, &mut out).expect("encodes");
    assert_eq!(n, out.len());
    out
}

fn round_trip(p: Packet, v: ProtocolVersion) {
    let bytes = enc(&p, v);
    assert_eq!(frame_len(&bytes, usize::MAX).unwrap(), Some(bytes.len()));
    let back = decode(bytes.clone().freeze(), v).unwrap_or_else(|e| panic!("{p:?}: {e}"));
    assert_eq!(back, p, "v{v}");
    // And the bytes are stable.
    assert_eq!(enc(&back, v), bytes);
}

fn dec(bytes: &[u8], v: ProtocolVersion) -> Result<Packet, DecodeError> {
    decode(Bytes::copy_from_slice(bytes), v)
}

fn every_property() -> Vec<Property> {
    use Property::*;
    vec![
        PayloadFormatIndicator(1),
        MessageExpiryInterval(60),
        ContentType("application/json".into()),
        ResponseTopic("reply/to".into()),
        CorrelationData(Bytes::from_static(b"\x00\x01")),
        SubscriptionIdentifier(268_435_455),
        SessionExpiryInterval(0xffff_ffff),
        AssignedClientIdentifier("auto-1".into()),
        ServerKeepAlive(30),
        AuthenticationMethod("SCRAM".into()),
        AuthenticationData(Bytes::from_static(b"data")),
        RequestProblemInformation(0),
        WillDelayInterval(5),
        RequestResponseInformation(1),
        ResponseInformation("resp/".into()),
        ServerReference("other:1883".into()),
        ReasonString("because".into()),
        ReceiveMaximum(10),
        TopicAliasMaximum(8),
        TopicAlias(3),
        MaximumQoS(1),
        RetainAvailable(0),
        UserProperty("k".into(), "v".into()),
        MaximumPacketSize(1024),
        WildcardSubscriptionAvailable(1),
        SubscriptionIdentifierAvailable(1),
        SharedSubscriptionAvailable(1),
    ]
}

fn props(ids: &[u8]) -> Properties {
    let mut p = Properties(
        every_property()
            .into_iter()
            .filter(|p| ids.contains(&p.id()))
            .collect(),
    );
    p.push(Property::UserProperty("k2".into(), "v2".into()));
    p
}

fn connect(v: ProtocolVersion) -> Connect {
    Connect {
        version: v,
        clean_start: false,
        keep_alive: 30,
        props: if v.is_v5() {
            props(&[0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x27])
        } else {
            Properties::new()
        },
        client_id: "client-ü".into(),
        will: Some(Will {
            topic: "wills/c".into(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::ExactlyOnce,
            retain: true,
            props: if v.is_v5() {
                props(&[0x01, 0x02, 0x03, 0x08, 0x09, 0x18])
            } else {
                Properties::new()
            },
        }),
        username: Some("user".into()),
        password: Some(Bytes::from_static(b"pw\x00")),
    }
}

fn all_packets(v: ProtocolVersion) -> Vec<Packet> {
    let v5 = v.is_v5();
    let p = |ids: &[u8]| if v5 { props(ids) } else { Properties::new() };
    let ack = |code: u8| PubAck {
        pid: 7,
        reason: ReasonCode(if v5 { code } else { 0 }),
        props: p(&[0x1F]),
    };
    let mut c2 = connect(v);
    c2.will = None;
    c2.username = None;
    c2.password = None;
    c2.clean_start = true;
    vec![
        Packet::Connect(Box::new(connect(v))),
        Packet::Connect(Box::new(c2)),
        Packet::ConnAck(ConnAck {
            session_present: true,
            code: ReasonCode::SUCCESS,
            props: p(&[
                0x11, 0x12, 0x13, 0x15, 0x16, 0x1A, 0x1C, 0x1F, 0x21, 0x22, 0x24, 0x25, 0x27, 0x28,
                0x29, 0x2A,
            ]),
        }),
        Packet::ConnAck(ConnAck {
            session_present: false,
            code: ReasonCode::NOT_AUTHORIZED,
            props: Properties::new(),
        }),
        Packet::Publish(Publish {
            dup: true,
            qos: QoS::AtLeastOnce,
            retain: true,
            topic: "a/b/c".into(),
            pid: 65535,
            props: p(&[0x01, 0x02, 0x03, 0x08, 0x09, 0x0B, 0x23]),
            payload: Bytes::from_static(b"hello"),
        }),
        Packet::Publish(Publish::new(
            "/junos/events/x",
            QoS::AtMostOnce,
            Bytes::new(),
        )),
        Packet::PubAck(ack(0x10)),
        Packet::PubAck(PubAck::new(1)),
        Packet::PubRec(ack(0x87)),
        Packet::PubRel(ack(0x92)),
        Packet::PubComp(ack(0x00)),
        Packet::PubComp(PubAck {
            pid: 2,
            reason: ReasonCode(if v5 { 0x92 } else { 0 }),
            props: Properties::new(),
        }),
        Packet::Subscribe(Subscribe {
            pid: 9,
            props: p(&[0x0B]),
            filters: vec![
                ("a/+/c".into(), SubOptions::qos(QoS::ExactlyOnce)),
                (
                    "$share/g/#".into(),
                    if v5 {
                        SubOptions {
                            qos: QoS::AtLeastOnce,
                            no_local: true,
                            retain_as_published: true,
                            retain_handling: RetainHandling::DoNotSend,
                        }
                    } else {
                        SubOptions::qos(QoS::AtLeastOnce)
                    },
                ),
            ],
        }),
        Packet::SubAck(SubAck {
            pid: 9,
            props: p(&[0x1F]),
            codes: vec![
                ReasonCode(0),
                ReasonCode(1),
                ReasonCode(2),
                ReasonCode(0x80),
            ],
        }),
        Packet::Unsubscribe(Unsubscribe {
            pid: 3,
            props: Properties::new(),
            filters: vec!["a/#".into(), "b".into()],
        }),
        Packet::UnsubAck(UnsubAck {
            pid: 3,
            props: p(&[0x1F]),
            codes: if v5 {
                vec![ReasonCode(0), ReasonCode(0x11)]
            } else {
                vec![]
            },
        }),
        Packet::PingReq,
        Packet::PingResp,
        Packet::Disconnect(Disconnect {
            reason: if v5 {
                ReasonCode::QUOTA_EXCEEDED
            } else {
                ReasonCode::SUCCESS
            },
            props: p(&[0x11, 0x1C, 0x1F]),
        }),
        Packet::Disconnect(Disconnect::default()),
    ]
}

#[test]
fn every_packet_type_round_trips_in_v311() {
    for p in all_packets(V3_1_1) {
        round_trip(p, V3_1_1);
    }
}

#[test]
fn every_packet_type_round_trips_in_v31() {
    round_trip(Packet::Connect(Box::new(connect(V3_1))), V3_1);
}

#[test]
fn every_packet_type_and_property_round_trips_in_v5() {
    for p in all_packets(V5) {
        round_trip(p, V5);
    }
    for reason in [
        ReasonCode::SUCCESS,
        ReasonCode::CONTINUE_AUTHENTICATION,
        ReasonCode::REAUTHENTICATE,
    ] {
        round_trip(
            Packet::Auth(Auth {
                reason,
                props: props(&[0x15, 0x16, 0x1F]),
            }),
            V5,
        );
        round_trip(
            Packet::Auth(Auth {
                reason,
                props: Properties::new(),
            }),
            V5,
        );
    }
}

#[test]
fn every_property_is_covered_by_a_round_trip() {
    let mut seen = std::collections::BTreeSet::new();
    for p in all_packets(V5) {
        let props: Vec<&Properties> = match &p {
            Packet::Connect(c) => vec![
                &c.props,
                &c.will.as_ref().map(|w| &w.props).unwrap_or(&c.props),
            ],
            Packet::ConnAck(c) => vec![&c.props],
            Packet::Publish(x) => vec![&x.props],
            Packet::Subscribe(x) => vec![&x.props],
            _ => vec![],
        };
        for ps in props {
            seen.extend(ps.iter().map(Property::id));
        }
    }
    let all: std::collections::BTreeSet<u8> = every_property().iter().map(Property::id).collect();
    assert_eq!(seen, all);
}

#[test]
fn v311_connack_return_codes_map_to_reason_codes() {
    for (code, wire) in [
        (0x00, 0),
        (0x84, 1),
        (0x85, 2),
        (0x88, 3),
        (0x86, 4),
        (0x87, 5),
    ] {
        let p = Packet::ConnAck(ConnAck {
            code: ReasonCode(code),
            ..Default::default()
        });
        let b = enc(&p, V3_1_1);
        assert_eq!(&b[..], &[0x20, 2, 0, wire]);
        assert_eq!(dec(&b, V3_1_1).unwrap(), p);
    }
    // An error that 3.1.1 cannot name becomes "server unavailable".
    let b = enc(
        &Packet::ConnAck(ConnAck {
            code: ReasonCode::QUOTA_EXCEEDED,
            ..Default::default()
        }),
        V3_1_1,
    );
    assert_eq!(b[3], 3);
}

#[test]
fn v5_acks_use_the_short_forms() {
    assert_eq!(
        &enc(&Packet::PubAck(PubAck::new(5)), V5)[..],
        &[0x40, 2, 0, 5]
    );
    assert_eq!(
        &enc(
            &Packet::PubRec(PubAck::with_reason(5, ReasonCode::NOT_AUTHORIZED)),
            V5
        )[..],
        &[0x50, 3, 0, 5, 0x87]
    );
    assert_eq!(
        &enc(&Packet::PubRel(PubAck::new(5)), V5)[..],
        &[0x62, 2, 0, 5]
    );
    assert_eq!(
        &enc(&Packet::Disconnect(Disconnect::default()), V5)[..],
        &[0xe0, 0]
    );
}

#[test]
fn frame_len_waits_for_the_whole_packet_and_enforces_the_maximum_size() {
    let b = enc(
        &Packet::Publish(Publish::new("t", QoS::AtMostOnce, vec![0u8; 300])),
        V3_1_1,
    );
    assert_eq!(frame_len(&b[..1], 1000).unwrap(), None);
    assert_eq!(frame_len(&b[..2], 1000).unwrap(), None); // the length is two bytes long
    assert_eq!(frame_len(&b[..b.len() - 1], 1000).unwrap(), None);
    assert_eq!(frame_len(&b, 1000).unwrap(), Some(b.len()));
    // Refused from its header, before the body arrives.
    assert!(matches!(
        frame_len(&b[..3], 100),
        Err(DecodeError::PacketTooLarge { .. })
    ));
}

#[test]
fn decode_buf_splits_packets_off_a_stream() {
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&enc(&Packet::PingReq, V5));
    buf.extend_from_slice(&enc(
        &Packet::Publish(Publish::new("x", QoS::AtMostOnce, "p")),
        V5,
    ));
    buf.extend_from_slice(&[0x30]); // the start of a third
    assert_eq!(
        decode_buf(&mut buf, V5, 1 << 20).unwrap(),
        Some(Packet::PingReq)
    );
    assert!(matches!(
        decode_buf(&mut buf, V5, 1 << 20).unwrap(),
        Some(Packet::Publish(_))
    ));
    assert_eq!(decode_buf(&mut buf, V5, 1 << 20).unwrap(), None);
    assert_eq!(buf.len(), 1);
}

#[test]
fn reserved_flags_and_types_are_malformed() {
    assert!(matches!(
        dec(&[0x00, 0], V5),
        Err(DecodeError::InvalidPacketType(0))
    ));
    assert!(matches!(
        dec(&[0xc1, 0], V5),
        Err(DecodeError::InvalidFlags { .. })
    )); // PINGREQ
    assert!(matches!(
        dec(&[0x80, 5, 0, 1, 0, 1, b'a'], V3_1_1),
        Err(DecodeError::InvalidFlags { .. })
    )); // SUBSCRIBE
    assert!(matches!(
        dec(&[0x60, 2, 0, 1], V3_1_1),
        Err(DecodeError::InvalidFlags { .. })
    )); // PUBREL
    assert!(matches!(
        dec(&[0x36, 5, 0, 1, b'a', 0, 1], V3_1_1),
        Err(DecodeError::InvalidQoS(3))
    ));
    assert!(matches!(
        dec(&[0x38, 3, 0, 1, b'a'], V3_1_1),
        Err(DecodeError::DupWithQoS0)
    ));
    assert!(matches!(
        dec(&[0xf0, 0], V3_1_1),
        Err(DecodeError::NotInVersion { .. })
    ));
}

#[test]
fn connect_flag_rules_are_enforced() {
    let mut c = connect(V3_1_1);
    c.username = None; // a password without a user name: forbidden in 3.1.1
    let mut b = BytesMut::new();
    encode(&Packet::Connect(Box::new(c.clone())), V3_1_1, &mut b).unwrap();
    assert!(matches!(
        dec(&b, V3_1_1),
        Err(DecodeError::InvalidConnectFlags(_))
    ));
    // ... allowed in v5.
    c.version = V5;
    c.props = Properties::new();
    c.will = None;
    round_trip(Packet::Connect(Box::new(c)), V5);
    // The reserved bit.
    let mut raw = enc(
        &Packet::Connect(Box::new(Connect::new(V3_1_1, "x"))),
        V3_1_1,
    )
    .to_vec();
    raw[9] |= 1;
    assert!(matches!(
        dec(&raw, V3_1_1),
        Err(DecodeError::InvalidConnectFlags(_))
    ));
    // Will QoS without a will.
    raw[9] = 0x08;
    assert!(matches!(
        dec(&raw, V3_1_1),
        Err(DecodeError::InvalidConnectFlags(_))
    ));
}

#[test]
fn unknown_protocols_are_reported_for_a_connack_refusal() {
    let mut raw = enc(
        &Packet::Connect(Box::new(Connect::new(V3_1_1, "x"))),
        V3_1_1,
    )
    .to_vec();
    raw[8] = 6;
    let e = dec(&raw, V3_1_1).unwrap_err();
    assert!(matches!(
        e,
        DecodeError::UnsupportedProtocol { level: 6, .. }
    ));
    assert_eq!(e.reason_code(), ReasonCode::UNSUPPORTED_PROTOCOL_VERSION);
}

#[test]
fn strings_with_nul_or_bad_utf8_are_malformed() {
    assert_eq!(
        dec(&[0x30, 4, 0, 2, b'a', 0], V3_1_1),
        Err(DecodeError::NullCharacter)
    );
    assert_eq!(
        dec(&[0x30, 4, 0, 2, 0xc3, 0x28], V3_1_1),
        Err(DecodeError::InvalidUtf8)
    );
}

#[test]
fn publish_topics_may_not_hold_wildcards_or_be_empty_in_v311() {
    assert!(matches!(
        dec(&[0x30, 3, 0, 1, b'+'], V5),
        Err(DecodeError::InvalidTopicName(_))
    ));
    assert!(matches!(
        dec(&[0x30, 4, 0, 2, b'a', b'#'], V3_1_1),
        Err(DecodeError::InvalidTopicName(_))
    ));
    assert!(matches!(
        dec(&[0x30, 2, 0, 0], V3_1_1),
        Err(DecodeError::InvalidTopicName(_))
    ));
    // v5: an empty topic with an alias is for the broker to resolve.
    assert!(dec(&[0x30, 6, 0, 0, 3, 0x23, 0, 1], V5).is_ok());
}

#[test]
fn packet_ids_of_zero_are_malformed() {
    assert_eq!(
        dec(&[0x32, 5, 0, 1, b'a', 0, 0], V3_1_1),
        Err(DecodeError::ZeroPacketId("PUBLISH"))
    );
    assert_eq!(
        dec(&[0x40, 2, 0, 0], V3_1_1),
        Err(DecodeError::ZeroPacketId("PUBACK"))
    );
    assert_eq!(
        dec(&[0x82, 6, 0, 0, 0, 1, b'a', 0], V3_1_1),
        Err(DecodeError::ZeroPacketId("SUBSCRIBE"))
    );
}

#[test]
fn subscribe_needs_a_filter_and_valid_options() {
    assert_eq!(
        dec(&[0x82, 2, 0, 1], V3_1_1),
        Err(DecodeError::NoTopicFilter("SUBSCRIBE"))
    );
    assert_eq!(
        dec(&[0xa2, 2, 0, 1], V3_1_1),
        Err(DecodeError::NoTopicFilter("UNSUBSCRIBE"))
    );
    // 3.1.1: the upper six bits are reserved; v5: retain handling 3 and bits 6-7.
    assert!(dec(&[0x82, 6, 0, 1, 0, 1, b'a', 0x04], V3_1_1).is_err());
    assert!(dec(&[0x82, 7, 0, 1, 0, 0, 1, b'a', 0x04], V5).is_ok());
    assert!(dec(&[0x82, 7, 0, 1, 0, 0, 1, b'a', 0x30], V5).is_err());
    assert!(dec(&[0x82, 7, 0, 1, 0, 0, 1, b'a', 0x40], V5).is_err());
}

#[test]
fn properties_are_checked_against_their_packet() {
    // Topic Alias in a SUBSCRIBE.
    assert!(matches!(
        dec(&[0x82, 10, 0, 1, 3, 0x23, 0, 1, 0, 1, b'a', 0], V5),
        Err(DecodeError::PropertyNotAllowed { id: 0x23, .. })
    ));
    // Two Message Expiry Intervals.
    assert_eq!(
        dec(
            &[0x30, 14, 0, 1, b'a', 10, 2, 0, 0, 0, 1, 2, 0, 0, 0, 1],
            V5
        ),
        Err(DecodeError::DuplicateProperty(2))
    );
    // Receive Maximum 0, Topic Alias 0, unknown identifier.
    assert!(matches!(
        dec(&[0x20, 6, 0, 0, 3, 0x21, 0, 0], V5),
        Err(DecodeError::InvalidPropertyValue { id: 0x21, .. })
    ));
    assert!(matches!(
        dec(&[0x30, 7, 0, 1, b'a', 3, 0x23, 0, 0], V5),
        Err(DecodeError::InvalidPropertyValue { id: 0x23, .. })
    ));
    assert_eq!(
        dec(&[0x30, 6, 0, 1, b'a', 2, 0x7f, 0], V5),
        Err(DecodeError::UnknownProperty(0x7f))
    );
    // A property block longer than the packet.
    assert_eq!(
        dec(&[0x30, 5, 0, 1, b'a', 9, 1], V5),
        Err(DecodeError::Truncated)
    );
}

#[test]
fn reason_codes_are_checked_per_packet() {
    assert!(matches!(
        dec(&[0x40, 3, 0, 1, 0x92], V5),
        Err(DecodeError::InvalidReasonCode { .. })
    ));
    assert!(matches!(
        dec(&[0x70, 3, 0, 1, 0x87], V5),
        Err(DecodeError::InvalidReasonCode { .. })
    ));
    assert!(matches!(
        dec(&[0x90, 3, 0, 1, 0x03], V3_1_1),
        Err(DecodeError::InvalidReasonCode { .. })
    ));
    assert!(matches!(
        dec(&[0xe0, 1, 0x05], V5),
        Err(DecodeError::InvalidReasonCode { .. })
    ));
}

#[test]
fn trailing_and_missing_bytes_are_malformed() {
    assert_eq!(dec(&[0xc0, 1, 0], V5), Err(DecodeError::TrailingBytes(1)));
    assert_eq!(
        dec(&[0x40, 3, 0, 1, 0], V3_1_1),
        Err(DecodeError::TrailingBytes(1))
    );
    assert_eq!(dec(&[0x40, 1, 0], V3_1_1), Err(DecodeError::Truncated));
    assert_eq!(dec(&[0x40, 2, 0], V3_1_1), Err(DecodeError::Truncated));
    assert_eq!(
        dec(&[0xe0, 1, 0, 0], V5),
        Err(DecodeError::TrailingBytes(1))
    );
}

#[test]
fn publish_extras_add_alias_expiry_and_subscription_ids() {
    let mut p = Publish::new("long/topic/name", QoS::AtLeastOnce, "x");
    p.pid = 4;
    p.props.push(Property::UserProperty("a".into(), "b".into()));
    let extras = PublishExtras {
        topic_alias: Some(2),
        omit_topic: true,
        message_expiry: Some(9),
        subscription_ids: &[1, 300],
        header: None,
    };
    let mut out = BytesMut::new();
    let n = encode_publish_with(&p, &extras, V5, &mut out).unwrap();
    assert_eq!(n, out.len());
    let Packet::Publish(back) = decode(out.freeze(), V5).unwrap() else {
        panic!()
    };
    assert!(back.topic.is_empty());
    assert_eq!(back.props.topic_alias(), Some(2));
    assert_eq!(back.props.message_expiry_interval(), Some(9));
    assert_eq!(
        back.props.subscription_identifiers().collect::<Vec<_>>(),
        vec![1, 300]
    );
    assert_eq!(
        back.props.user_properties().collect::<Vec<_>>(),
        vec![("a", "b")]
    );
}

#[test]
fn encode_refuses_fields_over_64k_and_writes_nothing() {
    let mut out = BytesMut::from(&b"keep"[..]);
    let p = Packet::Publish(Publish::new("t".repeat(70_000), QoS::AtMostOnce, ""));
    assert!(encode(&p, V5, &mut out).is_err());
    assert_eq!(&out[..], b"keep");
}

fn arb_string() -> impl Strategy<Value = String> {
    "[a-z/ü$]{0,12}"
}

fn arb_filter() -> impl Strategy<Value = String> {
    "[a-z/+#]{1,12}"
}

fn arb_props() -> impl Strategy<Value = Properties> {
    (
        proptest::option::of(any::<u32>()),
        proptest::collection::vec((arb_string(), arb_string()), 0..3),
        proptest::option::of(arb_string()),
    )
        .prop_map(|(exp, users, rt)| {
            let mut p = Properties::new();
            if let Some(e) = exp {
                p.push(Property::MessageExpiryInterval(e));
            }
            if let Some(rt) = rt {
                p.push(Property::ResponseTopic(rt));
            }
            for (k, v) in users {
                p.push(Property::UserProperty(k, v));
            }
            p
        })
}

fn arb_user_props() -> impl Strategy<Value = Properties> {
    proptest::collection::vec((arb_string(), arb_string()), 0..3).prop_map(|users| {
        Properties(
            users
                .into_iter()
                .map(|(k, v)| Property::UserProperty(k, v))
                .collect(),
        )
    })
}

fn arb_qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn arb_packet(v5: bool) -> impl Strategy<Value = Packet> {
    let pr = move |p: Properties| if v5 { p } else { Properties::new() };
    prop_oneof![
        (
            arb_qos(),
            any::<bool>(),
            any::<bool>(),
            "[a-z/]{1,20}",
            1u16..,
            arb_props(),
            proptest::collection::vec(any::<u8>(), 0..64)
        )
            .prop_map(move |(qos, dup, retain, topic, pid, props, payload)| {
                Packet::Publish(Publish {
                    dup: dup && qos != QoS::AtMostOnce,
                    qos,
                    retain,
                    topic: topic.into(),
                    pid: if qos == QoS::AtMostOnce { 0 } else { pid },
                    props: pr(props),
                    payload: payload.into(),
                })
            }),
        (
            1u16..,
            proptest::collection::vec(
                (arb_filter(), arb_qos(), any::<bool>(), any::<bool>()),
                1..4
            )
        )
            .prop_map(move |(pid, fs)| {
                Packet::Subscribe(Subscribe {
                    pid,
                    props: Properties::new(),
                    filters: fs
                        .into_iter()
                        .map(|(f, qos, nl, rap)| {
                            (
                                f,
                                SubOptions {
                                    qos,
                                    no_local: nl && v5,
                                    retain_as_published: rap && v5,
                                    ..Default::default()
                                },
                            )
                        })
                        .collect(),
                })
            }),
        (1u16.., proptest::collection::vec(arb_filter(), 1..4)).prop_map(|(pid, filters)| {
            Packet::Unsubscribe(Unsubscribe {
                pid,
                props: Properties::new(),
                filters,
            })
        }),
        (
            arb_string(),
            any::<u16>(),
            any::<bool>(),
            proptest::option::of(arb_string()),
            arb_user_props(),
            arb_props()
        )
            .prop_map(move |(id, ka, clean, user, cprops, props)| {
                let mut c = Connect::new(if v5 { V5 } else { V3_1_1 }, id);
                c.keep_alive = ka;
                c.clean_start = clean;
                c.username = user;
                c.props = pr(cprops);
                c.will = Some(Will {
                    topic: "w".into(),
                    payload: Bytes::from_static(b"x"),
                    qos: QoS::AtLeastOnce,
                    retain: clean,
                    props: pr(props),
                });
                Packet::Connect(Box::new(c))
            }),
        (1u16.., arb_user_props()).prop_map(move |(pid, props)| Packet::PubAck(PubAck {
            pid,
            reason: ReasonCode::SUCCESS,
            props: pr(props)
        })),
    ]
}

proptest! {
    #[test]
    fn arbitrary_v5_packets_round_trip(p in arb_packet(true)) {
        let b = enc(&p, V5);
        prop_assert_eq!(decode(b.freeze(), V5).unwrap(), p);
    }

    #[test]
    fn arbitrary_v311_packets_round_trip(p in arb_packet(false)) {
        let b = enc(&p, V3_1_1);
        prop_assert_eq!(decode(b.freeze(), V3_1_1).unwrap(), p);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        for v in [V3_1_1, V5] {
            let mut buf = BytesMut::from(&bytes[..]);
            while let Ok(Some(_)) = decode_buf(&mut buf, v, 1 << 16) {}
        }
    }
}
