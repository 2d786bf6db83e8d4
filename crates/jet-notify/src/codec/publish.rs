//! PUBLISH and its acknowledgements (PUBACK, PUBREC, PUBREL, PUBCOMP).

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::header::{check_remaining, field_len, put_header, wire_size, PacketType};
use super::properties::Ctx;
use super::properties::{Properties, Property};
use super::types::{ProtocolVersion, QoS, ReasonCode};
use super::wire::ByteStr;
use super::wire::{put_varint, varint_len, Reader, VARINT_MAX};

/// An application message on the wire. `pid` is 0 for QoS 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Publish {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    /// Empty only in v5 when a topic alias stands for it.
    pub topic: ByteStr,
    pub pid: u16,
    pub props: Properties,
    pub payload: Bytes,
}

impl Publish {
    pub fn new(topic: impl Into<ByteStr>, qos: QoS, payload: impl Into<Bytes>) -> Self {
        Publish {
            topic: topic.into(),
            qos,
            payload: payload.into(),
            ..Default::default()
        }
    }
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP (the packet variant says which).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PubAck {
    pub pid: u16,
    pub reason: ReasonCode,
    pub props: Properties,
}

impl PubAck {
    pub fn new(pid: u16) -> Self {
        PubAck {
            pid,
            ..Default::default()
        }
    }

    pub fn with_reason(pid: u16, reason: ReasonCode) -> Self {
        PubAck {
            pid,
            reason,
            props: Properties::new(),
        }
    }
}

/// What a broker adds to a stored message when it sends it to one subscriber, without
/// copying the message's own properties.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublishExtras<'a> {
    /// Sent as a Topic Alias property.
    pub topic_alias: Option<u16>,
    /// Send an empty topic name (the alias is already known to the receiver).
    pub omit_topic: bool,
    /// Sent as a Message Expiry Interval property (the remaining lifetime).
    pub message_expiry: Option<u32>,
    /// Sent as Subscription Identifier properties.
    pub subscription_ids: &'a [u32],
    /// Replaces the packet's DUP, QoS, RETAIN and packet id (a stored message sent to
    /// one subscriber).
    pub header: Option<PublishHeader>,
}

/// The per-delivery part of a PUBLISH's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublishHeader {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    pub pid: u16,
}

impl PublishExtras<'_> {
    fn props_len(&self) -> usize {
        let mut n = 0;
        if self.topic_alias.is_some() {
            n += 3;
        }
        if self.message_expiry.is_some() {
            n += 5;
        }
        for id in self.subscription_ids {
            n += 1 + varint_len(*id);
        }
        n
    }
}

pub(crate) fn decode_publish(
    r: &mut Reader,
    flags: u8,
    version: ProtocolVersion,
) -> Result<Publish, DecodeError> {
    let dup = flags & 0x08 != 0;
    let bits = (flags >> 1) & 0x03;
    let qos = QoS::from_u8(bits).ok_or(DecodeError::InvalidQoS(bits))?;
    if dup && qos == QoS::AtMostOnce {
        return Err(DecodeError::DupWithQoS0);
    }
    let topic = r.byte_str()?;
    if topic.as_bytes().iter().any(|&b| b == b'+' || b == b'#')
        || (topic.is_empty() && !version.is_v5())
    {
        return Err(DecodeError::InvalidTopicName(topic.as_str().to_owned()));
    }
    let pid = if qos == QoS::AtMostOnce {
        0
    } else {
        let pid = r.u16()?;
        if pid == 0 {
            return Err(DecodeError::ZeroPacketId("PUBLISH"));
        }
        pid
    };
    let props = if version.is_v5() {
        Properties::read(r, Ctx::Publish)?
    } else {
        Properties::new()
    };
    Ok(Publish {
        dup,
        qos,
        retain: flags & 0x01 != 0,
        topic,
        pid,
        props,
        payload: r.rest(),
    })
}

/// Encodes `p` with `extras` added to its properties (v5 only; ignored in 3.1.1).
/// Returns the size written. Nothing is written on error.
pub fn encode_publish_with(
    p: &Publish,
    extras: &PublishExtras<'_>,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<usize, EncodeError> {
    let v5 = version.is_v5();
    let h = extras.header.unwrap_or(PublishHeader {
        dup: p.dup,
        qos: p.qos,
        retain: p.retain,
        pid: p.pid,
    });
    let topic: &[u8] = if extras.omit_topic && v5 {
        b""
    } else {
        p.topic.as_bytes()
    };
    let mut len = field_len(topic)? + p.payload.len();
    if h.qos != QoS::AtMostOnce {
        if h.pid == 0 {
            return Err(EncodeError::ZeroPacketId("PUBLISH"));
        }
        len += 2;
    }
    let props_len = if v5 {
        let n = p.props.content_len()? + extras.props_len();
        if n > VARINT_MAX as usize {
            return Err(EncodeError::PacketTooLarge(n));
        }
        len += varint_len(n as u32) + n;
        n
    } else {
        0
    };
    let len = check_remaining(len)?;
    let flags = (u8::from(h.dup) << 3) | ((h.qos as u8) << 1) | u8::from(h.retain);
    put_header(out, PacketType::Publish, flags, len);
    out.put_u16(topic.len() as u16);
    out.put_slice(topic);
    if h.qos != QoS::AtMostOnce {
        out.put_u16(h.pid);
    }
    if v5 {
        put_varint(out, props_len as u32);
        p.props.put_content(out);
        if let Some(a) = extras.topic_alias {
            out.put_u8(0x23);
            out.put_u16(a);
        }
        if let Some(e) = extras.message_expiry {
            out.put_u8(0x02);
            out.put_u32(e);
        }
        for id in extras.subscription_ids {
            out.put_u8(0x0B);
            put_varint(out, *id);
        }
    }
    out.put_slice(&p.payload);
    Ok(wire_size(len))
}

fn valid_ack_code(ty: PacketType, code: u8) -> bool {
    match ty {
        PacketType::PubAck | PacketType::PubRec => {
            matches!(
                code,
                0x00 | 0x10 | 0x80 | 0x83 | 0x87 | 0x90 | 0x91 | 0x97 | 0x99
            )
        }
        _ => matches!(code, 0x00 | 0x92),
    }
}

pub(crate) fn decode_ack(
    r: &mut Reader,
    ty: PacketType,
    version: ProtocolVersion,
) -> Result<PubAck, DecodeError> {
    let pid = r.u16()?;
    if pid == 0 {
        return Err(DecodeError::ZeroPacketId(ty.name()));
    }
    let mut ack = PubAck::new(pid);
    if version.is_v5() {
        if !r.is_empty() {
            let code = r.u8()?;
            if !valid_ack_code(ty, code) {
                return Err(DecodeError::InvalidReasonCode {
                    packet: ty.name(),
                    code,
                });
            }
            ack.reason = ReasonCode(code);
        }
        if !r.is_empty() {
            ack.props = Properties::read(r, Ctx::Ack)?;
        }
    }
    Ok(ack)
}

pub(crate) fn encode_ack(
    a: &PubAck,
    ty: PacketType,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if a.pid == 0 {
        return Err(EncodeError::ZeroPacketId(ty.name()));
    }
    let flags = if ty == PacketType::PubRel { 0b0010 } else { 0 };
    if !version.is_v5() || (a.reason == ReasonCode::SUCCESS && a.props.is_empty()) {
        put_header(out, ty, flags, 2);
        out.put_u16(a.pid);
    } else if a.props.is_empty() {
        put_header(out, ty, flags, 3);
        out.put_u16(a.pid);
        out.put_u8(a.reason.0);
    } else {
        let n = a.props.content_len()?;
        let len = check_remaining(3 + a.props.block_len()?)?;
        put_header(out, ty, flags, len);
        out.put_u16(a.pid);
        out.put_u8(a.reason.0);
        a.props.put_block(out, n);
    }
    Ok(())
}

/// Whether a property of a client's PUBLISH is forwarded to subscribers as is (Topic
/// Alias and Subscription Identifier are per connection; Message Expiry is rewritten).
pub(crate) fn is_forwarded(p: &Property) -> bool {
    !matches!(
        p,
        Property::TopicAlias(_)
            | Property::SubscriptionIdentifier(_)
            | Property::MessageExpiryInterval(_)
    )
}
