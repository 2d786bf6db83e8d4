//! The MQTT codec: MQTT 3.1, 3.1.1 and 5 packets, both directions, as pure functions
//! over bytes. One codec serves the broker, the tests and the fuzz target.
//!
//! - [`frame_len`] finds where the first packet in a buffer ends (and enforces the
//!   maximum packet size before the body arrives);
//! - [`decode`] turns exactly one packet's bytes into a [`Packet`], validating everything
//!   the specifications call malformed or a protocol error;
//! - [`encode`] writes a [`Packet`] for a protocol version.
//!
//! The model is MQTT 5's (a superset): reason codes and properties are simply absent on
//! the wire in 3.1.1. Decoding never panics and never allocates for a PUBLISH without
//! properties: topic and payload share the frame's [`Bytes`].
//!
//! Files are split by packet family (`connect`, `publish`, `subscribe`, `control`) rather
//! than by version, since each family's v3.1.1 and v5 forms differ by a few fields.

mod connect;
mod control;
mod error;
mod properties;
mod publish;
mod subscribe;
mod wire;

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

pub use properties::{Properties, Property};
pub use publish::encode_publish_with;
pub(crate) use publish::is_forwarded;
pub use publish::{PublishExtras, PublishHeader};

pub use error::{DecodeError, EncodeError};
use wire::{put_varint, read_varint, varint_len, VARINT_MAX};

/// The protocol spoken on a connection, fixed by its CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// MQTT 3.1 (`MQIsdp`, level 3): handled as 3.1.1.
    V3_1,
    /// MQTT 3.1.1 (level 4).
    V3_1_1,
    /// MQTT 5 (level 5).
    V5,
}

impl ProtocolVersion {
    pub fn is_v5(self) -> bool {
        self == ProtocolVersion::V5
    }

    pub fn level(self) -> u8 {
        match self {
            ProtocolVersion::V3_1 => 3,
            ProtocolVersion::V3_1_1 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ProtocolVersion::V3_1 => "3.1",
            ProtocolVersion::V3_1_1 => "3.1.1",
            ProtocolVersion::V5 => "5",
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Quality of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    pub fn from_u8(v: u8) -> Result<QoS, DecodeError> {
        match v {
            0 => Ok(QoS::AtMostOnce),
            1 => Ok(QoS::AtLeastOnce),
            2 => Ok(QoS::ExactlyOnce),
            other => Err(DecodeError::InvalidQoS(other)),
        }
    }
}

/// An MQTT 5 reason code (in 3.1.1, CONNACK return codes and SUBACK codes are mapped to
/// and from these by the codec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ReasonCode(pub u8);

impl ReasonCode {
    pub const SUCCESS: Self = Self(0x00);
    pub const GRANTED_QOS_1: Self = Self(0x01);
    pub const GRANTED_QOS_2: Self = Self(0x02);
    pub const DISCONNECT_WITH_WILL: Self = Self(0x04);
    pub const NO_MATCHING_SUBSCRIBERS: Self = Self(0x10);
    pub const NO_SUBSCRIPTION_EXISTED: Self = Self(0x11);
    pub const CONTINUE_AUTHENTICATION: Self = Self(0x18);
    pub const REAUTHENTICATE: Self = Self(0x19);
    pub const UNSPECIFIED_ERROR: Self = Self(0x80);
    pub const MALFORMED_PACKET: Self = Self(0x81);
    pub const PROTOCOL_ERROR: Self = Self(0x82);
    pub const IMPLEMENTATION_SPECIFIC_ERROR: Self = Self(0x83);
    pub const UNSUPPORTED_PROTOCOL_VERSION: Self = Self(0x84);
    pub const CLIENT_IDENTIFIER_NOT_VALID: Self = Self(0x85);
    pub const BAD_USER_NAME_OR_PASSWORD: Self = Self(0x86);
    pub const NOT_AUTHORIZED: Self = Self(0x87);
    pub const SERVER_UNAVAILABLE: Self = Self(0x88);
    pub const SERVER_BUSY: Self = Self(0x89);
    pub const BANNED: Self = Self(0x8A);
    pub const SERVER_SHUTTING_DOWN: Self = Self(0x8B);
    pub const BAD_AUTHENTICATION_METHOD: Self = Self(0x8C);
    pub const KEEP_ALIVE_TIMEOUT: Self = Self(0x8D);
    pub const SESSION_TAKEN_OVER: Self = Self(0x8E);
    pub const TOPIC_FILTER_INVALID: Self = Self(0x8F);
    pub const TOPIC_NAME_INVALID: Self = Self(0x90);
    pub const PACKET_IDENTIFIER_IN_USE: Self = Self(0x91);
    pub const PACKET_IDENTIFIER_NOT_FOUND: Self = Self(0x92);
    pub const RECEIVE_MAXIMUM_EXCEEDED: Self = Self(0x93);
    pub const TOPIC_ALIAS_INVALID: Self = Self(0x94);
    pub const PACKET_TOO_LARGE: Self = Self(0x95);
    pub const MESSAGE_RATE_TOO_HIGH: Self = Self(0x96);
    pub const QUOTA_EXCEEDED: Self = Self(0x97);
    pub const ADMINISTRATIVE_ACTION: Self = Self(0x98);
    pub const PAYLOAD_FORMAT_INVALID: Self = Self(0x99);
    pub const RETAIN_NOT_SUPPORTED: Self = Self(0x9A);
    pub const QOS_NOT_SUPPORTED: Self = Self(0x9B);
    pub const USE_ANOTHER_SERVER: Self = Self(0x9C);
    pub const SERVER_MOVED: Self = Self(0x9D);
    pub const SHARED_SUBSCRIPTIONS_NOT_SUPPORTED: Self = Self(0x9E);
    pub const CONNECTION_RATE_EXCEEDED: Self = Self(0x9F);
    pub const MAXIMUM_CONNECT_TIME: Self = Self(0xA0);
    pub const SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED: Self = Self(0xA1);
    pub const WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED: Self = Self(0xA2);

    pub fn is_error(self) -> bool {
        self.0 >= 0x80
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#04x}", self.0)
    }
}

/// A UTF-8 string held in [`Bytes`], so a decoded topic shares its frame (no copy).
/// Always valid UTF-8 without U+0000 when made by the codec or from a `&str`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ByteStr(Bytes);

impl ByteStr {
    pub const fn from_static(s: &'static str) -> Self {
        ByteStr(Bytes::from_static(s.as_bytes()))
    }

    pub fn as_str(&self) -> &str {
        // Validated at construction; the fallback is never taken.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<Bytes> for ByteStr {
    type Error = DecodeError;
    fn try_from(b: Bytes) -> Result<Self, DecodeError> {
        wire::check_utf8(&b)?;
        Ok(ByteStr(b))
    }
}

impl From<&str> for ByteStr {
    fn from(s: &str) -> Self {
        ByteStr(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<String> for ByteStr {
    fn from(s: String) -> Self {
        ByteStr(Bytes::from(s.into_bytes()))
    }
}

impl fmt::Debug for ByteStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ByteStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use connect::{ConnAck, Connect, Will};
pub use control::{Auth, Disconnect};
pub use publish::{PubAck, Publish};
pub use subscribe::{RetainHandling, SubAck, SubOptions, Subscribe, UnsubAck, Unsubscribe};

/// One MQTT control packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(Box<Connect>),
    ConnAck(ConnAck),
    Publish(Publish),
    PubAck(PubAck),
    PubRec(PubAck),
    PubRel(PubAck),
    PubComp(PubAck),
    Subscribe(Subscribe),
    SubAck(SubAck),
    Unsubscribe(Unsubscribe),
    UnsubAck(UnsubAck),
    PingReq,
    PingResp,
    Disconnect(Disconnect),
    Auth(Auth),
}

impl Packet {
    pub fn name(&self) -> &'static str {
        PacketType::of(self).name()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PacketType {
    Connect = 1,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    PingReq,
    PingResp,
    Disconnect,
    Auth,
}

impl PacketType {
    fn from_u8(v: u8) -> Result<Self, DecodeError> {
        use PacketType::*;
        Ok(match v {
            1 => Connect,
            2 => ConnAck,
            3 => Publish,
            4 => PubAck,
            5 => PubRec,
            6 => PubRel,
            7 => PubComp,
            8 => Subscribe,
            9 => SubAck,
            10 => Unsubscribe,
            11 => UnsubAck,
            12 => PingReq,
            13 => PingResp,
            14 => Disconnect,
            15 => Auth,
            other => return Err(DecodeError::InvalidPacketType(other)),
        })
    }

    fn of(p: &Packet) -> Self {
        match p {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        use PacketType::*;
        match self {
            Connect => "CONNECT",
            ConnAck => "CONNACK",
            Publish => "PUBLISH",
            PubAck => "PUBACK",
            PubRec => "PUBREC",
            PubRel => "PUBREL",
            PubComp => "PUBCOMP",
            Subscribe => "SUBSCRIBE",
            SubAck => "SUBACK",
            Unsubscribe => "UNSUBSCRIBE",
            UnsubAck => "UNSUBACK",
            PingReq => "PINGREQ",
            PingResp => "PINGRESP",
            Disconnect => "DISCONNECT",
            Auth => "AUTH",
        }
    }

    /// The fixed-header flags this type must carry (PUBLISH's are free).
    fn required_flags(self) -> Option<u8> {
        match self {
            PacketType::Publish => None,
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }
}

/// Finds the first packet in `buf`: `Ok(Some(total_len))` when it is complete, `Ok(None)`
/// when more bytes are needed. A packet announcing more than `max_packet_size` bytes
/// (fixed header included) is refused before its body arrives.
pub fn frame_len(buf: &[u8], max_packet_size: usize) -> Result<Option<usize>, DecodeError> {
    if buf.len() < 2 {
        return Ok(None);
    }
    let Some((remaining, n)) = read_varint(&buf[1..])? else {
        return Ok(None);
    };
    let total = 1 + n + remaining as usize;
    if total > max_packet_size {
        return Err(DecodeError::PacketTooLarge {
            size: total,
            max: max_packet_size,
        });
    }
    Ok((buf.len() >= total).then_some(total))
}

/// Decodes exactly one packet (`frame` as delimited by [`frame_len`]). `version` is the
/// connection's protocol; a CONNECT carries its own and ignores it.
pub fn decode(frame: Bytes, version: ProtocolVersion) -> Result<Packet, DecodeError> {
    let mut r = wire::Reader::new(frame);
    let first = r.u8()?;
    let remaining = r.varint()? as usize;
    if r.remaining() < remaining {
        return Err(DecodeError::Truncated);
    }
    if r.remaining() > remaining {
        return Err(DecodeError::TrailingBytes(r.remaining() - remaining));
    }
    let ty = PacketType::from_u8(first >> 4)?;
    let flags = first & 0x0f;
    if let Some(required) = ty.required_flags() {
        if flags != required {
            return Err(DecodeError::InvalidFlags {
                packet: ty.name(),
                flags,
            });
        }
    }
    let packet = match ty {
        PacketType::Connect => Packet::Connect(Box::new(connect::decode_connect(&mut r)?)),
        PacketType::ConnAck => Packet::ConnAck(connect::decode_connack(&mut r, version)?),
        PacketType::Publish => Packet::Publish(publish::decode_publish(&mut r, flags, version)?),
        PacketType::PubAck => Packet::PubAck(publish::decode_ack(&mut r, ty, version)?),
        PacketType::PubRec => Packet::PubRec(publish::decode_ack(&mut r, ty, version)?),
        PacketType::PubRel => Packet::PubRel(publish::decode_ack(&mut r, ty, version)?),
        PacketType::PubComp => Packet::PubComp(publish::decode_ack(&mut r, ty, version)?),
        PacketType::Subscribe => Packet::Subscribe(subscribe::decode_subscribe(&mut r, version)?),
        PacketType::SubAck => Packet::SubAck(subscribe::decode_suback(&mut r, version)?),
        PacketType::Unsubscribe => {
            Packet::Unsubscribe(subscribe::decode_unsubscribe(&mut r, version)?)
        }
        PacketType::UnsubAck => Packet::UnsubAck(subscribe::decode_unsuback(&mut r, version)?),
        PacketType::PingReq => control::decode_empty(&r, Packet::PingReq)?,
        PacketType::PingResp => control::decode_empty(&r, Packet::PingResp)?,
        PacketType::Disconnect => Packet::Disconnect(control::decode_disconnect(&mut r, version)?),
        PacketType::Auth => Packet::Auth(control::decode_auth(&mut r, version)?),
    };
    if !r.is_empty() {
        return Err(DecodeError::TrailingBytes(r.remaining()));
    }
    Ok(packet)
}

/// Splits the first complete packet off `buf` and decodes it; `Ok(None)` when the
/// packet is not complete yet.
pub fn decode_buf(
    buf: &mut BytesMut,
    version: ProtocolVersion,
    max_packet_size: usize,
) -> Result<Option<Packet>, DecodeError> {
    match frame_len(buf, max_packet_size)? {
        None => Ok(None),
        Some(n) => decode(buf.split_to(n).freeze(), version).map(Some),
    }
}

/// Appends `packet`, encoded for `version`, to `out`; returns the number of bytes written.
/// On error nothing is appended.
pub fn encode(
    packet: &Packet,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<usize, EncodeError> {
    let start = out.len();
    let r = encode_inner(packet, version, out);
    if r.is_err() {
        out.truncate(start);
    }
    r.map(|()| out.len() - start)
}

fn encode_inner(
    packet: &Packet,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    match packet {
        Packet::Connect(c) => connect::encode_connect(c, out),
        Packet::ConnAck(c) => connect::encode_connack(c, version, out),
        Packet::Publish(p) => {
            publish::encode_publish_with(p, &PublishExtras::default(), version, out).map(|_| ())
        }
        Packet::PubAck(a) => publish::encode_ack(a, PacketType::PubAck, version, out),
        Packet::PubRec(a) => publish::encode_ack(a, PacketType::PubRec, version, out),
        Packet::PubRel(a) => publish::encode_ack(a, PacketType::PubRel, version, out),
        Packet::PubComp(a) => publish::encode_ack(a, PacketType::PubComp, version, out),
        Packet::Subscribe(s) => subscribe::encode_subscribe(s, version, out),
        Packet::SubAck(s) => subscribe::encode_suback(s, version, out),
        Packet::Unsubscribe(u) => subscribe::encode_unsubscribe(u, version, out),
        Packet::UnsubAck(u) => subscribe::encode_unsuback(u, version, out),
        Packet::PingReq => {
            put_header(out, PacketType::PingReq, 0, 0);
            Ok(())
        }
        Packet::PingResp => {
            put_header(out, PacketType::PingResp, 0, 0);
            Ok(())
        }
        Packet::Disconnect(d) => control::encode_disconnect(d, version, out),
        Packet::Auth(a) => control::encode_auth(a, version, out),
    }
}

/// Writes a fixed header; `remaining` has been checked against the limit.
fn put_header(out: &mut BytesMut, ty: PacketType, flags: u8, remaining: usize) {
    out.reserve(5 + remaining);
    out.put_u8(((ty as u8) << 4) | flags);
    put_varint(out, remaining as u32);
}

fn check_remaining(len: usize) -> Result<usize, EncodeError> {
    if len > VARINT_MAX as usize {
        Err(EncodeError::PacketTooLarge(len))
    } else {
        Ok(len)
    }
}

/// Total size on the wire of a packet whose body is `remaining` bytes.
pub(crate) fn wire_size(remaining: usize) -> usize {
    1 + varint_len(remaining as u32) + remaining
}

fn field_len(b: &[u8]) -> Result<usize, EncodeError> {
    if b.len() > u16::MAX as usize {
        Err(EncodeError::FieldTooLong(b.len()))
    } else {
        Ok(2 + b.len())
    }
}

fn not_in_version(packet: &'static str, version: ProtocolVersion) -> DecodeError {
    DecodeError::NotInVersion {
        packet,
        version: version.name(),
    }
}

#[cfg(test)]
mod tests;
