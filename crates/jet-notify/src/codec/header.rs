//! The fixed header and the small checks every packet family shares: packet types and
//! their required flags, header writing, and length limits.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::types::ProtocolVersion;
use super::wire::{put_varint, varint_len, VARINT_MAX};

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
    pub(super) fn from_u8(v: u8) -> Result<Self, DecodeError> {
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
    pub(super) fn required_flags(self) -> Option<u8> {
        match self {
            PacketType::Publish => None,
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }
}

/// Writes a fixed header; `remaining` has been checked against the limit.
pub(super) fn put_header(out: &mut BytesMut, ty: PacketType, flags: u8, remaining: usize) {
    out.reserve(5 + remaining);
    out.put_u8(((ty as u8) << 4) | flags);
    put_varint(out, remaining as u32);
}

pub(super) fn check_remaining(len: usize) -> Result<usize, EncodeError> {
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

pub(super) fn field_len(b: &[u8]) -> Result<usize, EncodeError> {
    if b.len() > u16::MAX as usize {
        Err(EncodeError::FieldTooLong(b.len()))
    } else {
        Ok(2 + b.len())
    }
}

pub(super) fn not_in_version(packet: &'static str, version: ProtocolVersion) -> DecodeError {
    DecodeError::NotInVersion {
        packet,
        version: version.name(),
    }
}
