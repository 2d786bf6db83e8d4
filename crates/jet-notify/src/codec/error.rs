//! Errors of the codec, grouped by direction: bytes that are not MQTT ([`DecodeError`]) and
//! packets that cannot be written ([`EncodeError`]).

use super::types::ReasonCode;

/// Bytes that are not a valid MQTT packet. Every variant maps to the v5 reason code a
/// broker sends before closing (see [`DecodeError::reason_code`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    // framing
    #[error("malformed variable byte integer")]
    MalformedVarint,
    #[error("packet of {size} bytes exceeds the maximum packet size {max}")]
    PacketTooLarge { size: usize, max: usize },
    #[error("packet ends before its content does")]
    Truncated,
    #[error("{0} unexpected bytes after the packet's content")]
    TrailingBytes(usize),
    // fixed header
    #[error("reserved packet type {0}")]
    InvalidPacketType(u8),
    #[error("invalid fixed-header flags {flags:#06b} for {packet}")]
    InvalidFlags { packet: &'static str, flags: u8 },
    #[error("{packet} does not exist in MQTT {version}")]
    NotInVersion {
        packet: &'static str,
        version: &'static str,
    },
    // field content
    #[error("string is not well-formed UTF-8")]
    InvalidUtf8,
    #[error("string contains U+0000")]
    NullCharacter,
    #[error("unsupported protocol {name:?} level {level}")]
    UnsupportedProtocol { name: String, level: u8 },
    #[error("invalid QoS {0}")]
    InvalidQoS(u8),
    #[error("invalid CONNECT flags {0:#010b}")]
    InvalidConnectFlags(u8),
    #[error("invalid CONNACK flags {0:#010b}")]
    InvalidConnAckFlags(u8),
    #[error("reason code {code:#04x} is not valid in {packet}")]
    InvalidReasonCode { packet: &'static str, code: u8 },
    #[error("packet identifier 0 in {0}")]
    ZeroPacketId(&'static str),
    #[error("{0} carries no topic filter")]
    NoTopicFilter(&'static str),
    #[error("invalid subscription options {0:#010b}")]
    InvalidSubscriptionOptions(u8),
    #[error("invalid topic name {0:?}")]
    InvalidTopicName(String),
    #[error("QoS 0 PUBLISH with DUP set")]
    DupWithQoS0,
    // properties
    #[error("unknown property identifier {0:#04x}")]
    UnknownProperty(u8),
    #[error("property {id:#04x} is not allowed in {packet}")]
    PropertyNotAllowed { id: u8, packet: &'static str },
    #[error("property {0:#04x} appears more than once")]
    DuplicateProperty(u8),
    #[error("property {id:#04x} has invalid value {value}")]
    InvalidPropertyValue { id: u8, value: u32 },
}

impl DecodeError {
    /// The v5 reason code to close with: 0x95 for size, 0x82 for protocol errors,
    /// 0x81 (malformed) otherwise.
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            DecodeError::PacketTooLarge { .. } => ReasonCode::PACKET_TOO_LARGE,
            DecodeError::UnsupportedProtocol { .. } => ReasonCode::UNSUPPORTED_PROTOCOL_VERSION,
            DecodeError::PropertyNotAllowed { .. }
            | DecodeError::DuplicateProperty(_)
            | DecodeError::InvalidPropertyValue { .. }
            | DecodeError::NotInVersion { .. }
            | DecodeError::DupWithQoS0 => ReasonCode::PROTOCOL_ERROR,
            _ => ReasonCode::MALFORMED_PACKET,
        }
    }
}

/// A packet that cannot be put on the wire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("string or binary field of {0} bytes exceeds 65535")]
    FieldTooLong(usize),
    #[error("packet body of {0} bytes exceeds the 268435455-byte limit")]
    PacketTooLarge(usize),
    #[error("{packet} does not exist in MQTT {version}")]
    NotInVersion {
        packet: &'static str,
        version: &'static str,
    },
    #[error("packet identifier 0 in {0}")]
    ZeroPacketId(&'static str),
    #[error("{0} needs at least one topic filter")]
    NoTopicFilter(&'static str),
    #[error("variable byte integer {0} exceeds 268435455")]
    VarintTooLarge(u32),
}
