//! MQTT 5 properties: one list type for every packet, validated against the packet it
//! appears in (allowed identifiers, duplicates, value ranges).

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::wire::{put_binary, put_varint, varint_len, Reader, VARINT_MAX};

/// One property. Order on the wire is kept, so a decode/encode round trip is exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    PayloadFormatIndicator(u8),
    MessageExpiryInterval(u32),
    ContentType(String),
    ResponseTopic(String),
    CorrelationData(Bytes),
    SubscriptionIdentifier(u32),
    SessionExpiryInterval(u32),
    AssignedClientIdentifier(String),
    ServerKeepAlive(u16),
    AuthenticationMethod(String),
    AuthenticationData(Bytes),
    RequestProblemInformation(u8),
    WillDelayInterval(u32),
    RequestResponseInformation(u8),
    ResponseInformation(String),
    ServerReference(String),
    ReasonString(String),
    ReceiveMaximum(u16),
    TopicAliasMaximum(u16),
    TopicAlias(u16),
    MaximumQoS(u8),
    RetainAvailable(u8),
    UserProperty(String, String),
    MaximumPacketSize(u32),
    WildcardSubscriptionAvailable(u8),
    SubscriptionIdentifierAvailable(u8),
    SharedSubscriptionAvailable(u8),
}

/// Where a property list appears; each property is allowed in some of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    Connect = 1 << 0,
    ConnAck = 1 << 1,
    Publish = 1 << 2,
    Will = 1 << 3,
    /// PUBACK, PUBREC, PUBREL and PUBCOMP.
    Ack = 1 << 4,
    Subscribe = 1 << 5,
    SubAck = 1 << 6,
    Unsubscribe = 1 << 7,
    UnsubAck = 1 << 8,
    Disconnect = 1 << 9,
    Auth = 1 << 10,
}

impl Ctx {
    fn name(self) -> &'static str {
        match self {
            Ctx::Connect => "CONNECT",
            Ctx::ConnAck => "CONNACK",
            Ctx::Publish => "PUBLISH",
            Ctx::Will => "will properties",
            Ctx::Ack => "PUBACK/PUBREC/PUBREL/PUBCOMP",
            Ctx::Subscribe => "SUBSCRIBE",
            Ctx::SubAck => "SUBACK",
            Ctx::Unsubscribe => "UNSUBSCRIBE",
            Ctx::UnsubAck => "UNSUBACK",
            Ctx::Disconnect => "DISCONNECT",
            Ctx::Auth => "AUTH",
        }
    }
}

const ALL: u16 = 0x7ff;
const MSG: u16 = Ctx::Publish as u16 | Ctx::Will as u16;
const REASON: u16 = Ctx::ConnAck as u16
    | Ctx::Ack as u16
    | Ctx::SubAck as u16
    | Ctx::UnsubAck as u16
    | Ctx::Disconnect as u16
    | Ctx::Auth as u16;

/// Where property `id` may appear.
fn allowed(id: u8) -> Option<u16> {
    use Ctx::*;
    Some(match id {
        0x01..=0x03 | 0x08 | 0x09 => MSG,
        0x0B => Publish as u16 | Subscribe as u16,
        0x11 => Connect as u16 | ConnAck as u16 | Disconnect as u16,
        0x12 | 0x13 | 0x1A | 0x24 | 0x25 | 0x28..=0x2A => ConnAck as u16,
        0x15 | 0x16 => Connect as u16 | ConnAck as u16 | Auth as u16,
        0x17 | 0x19 => Connect as u16,
        0x18 => Will as u16,
        0x1C => ConnAck as u16 | Disconnect as u16,
        0x1F => REASON,
        0x21 | 0x22 | 0x27 => Connect as u16 | ConnAck as u16,
        0x23 => Publish as u16,
        0x26 => ALL,
        _ => return None,
    })
}

impl Property {
    pub fn id(&self) -> u8 {
        use Property::*;
        match self {
            PayloadFormatIndicator(_) => 0x01,
            MessageExpiryInterval(_) => 0x02,
            ContentType(_) => 0x03,
            ResponseTopic(_) => 0x08,
            CorrelationData(_) => 0x09,
            SubscriptionIdentifier(_) => 0x0B,
            SessionExpiryInterval(_) => 0x11,
            AssignedClientIdentifier(_) => 0x12,
            ServerKeepAlive(_) => 0x13,
            AuthenticationMethod(_) => 0x15,
            AuthenticationData(_) => 0x16,
            RequestProblemInformation(_) => 0x17,
            WillDelayInterval(_) => 0x18,
            RequestResponseInformation(_) => 0x19,
            ResponseInformation(_) => 0x1A,
            ServerReference(_) => 0x1C,
            ReasonString(_) => 0x1F,
            ReceiveMaximum(_) => 0x21,
            TopicAliasMaximum(_) => 0x22,
            TopicAlias(_) => 0x23,
            MaximumQoS(_) => 0x24,
            RetainAvailable(_) => 0x25,
            UserProperty(..) => 0x26,
            MaximumPacketSize(_) => 0x27,
            WildcardSubscriptionAvailable(_) => 0x28,
            SubscriptionIdentifierAvailable(_) => 0x29,
            SharedSubscriptionAvailable(_) => 0x2A,
        }
    }

    fn encoded_len(&self) -> Result<usize, EncodeError> {
        use Property::*;
        Ok(1 + match self {
            PayloadFormatIndicator(_)
            | RequestProblemInformation(_)
            | RequestResponseInformation(_)
            | MaximumQoS(_)
            | RetainAvailable(_)
            | WildcardSubscriptionAvailable(_)
            | SubscriptionIdentifierAvailable(_)
            | SharedSubscriptionAvailable(_) => 1,
            ServerKeepAlive(_) | ReceiveMaximum(_) | TopicAliasMaximum(_) | TopicAlias(_) => 2,
            MessageExpiryInterval(_)
            | SessionExpiryInterval(_)
            | WillDelayInterval(_)
            | MaximumPacketSize(_) => 4,
            SubscriptionIdentifier(v) => {
                if *v > VARINT_MAX {
                    return Err(EncodeError::VarintTooLarge(*v));
                }
                varint_len(*v)
            }
            ContentType(s)
            | ResponseTopic(s)
            | AssignedClientIdentifier(s)
            | AuthenticationMethod(s)
            | ResponseInformation(s)
            | ServerReference(s)
            | ReasonString(s) => super::header::field_len(s.as_bytes())?,
            CorrelationData(b) | AuthenticationData(b) => super::header::field_len(b)?,
            UserProperty(k, v) => {
                super::header::field_len(k.as_bytes())? + super::header::field_len(v.as_bytes())?
            }
        })
    }

    fn put(&self, out: &mut BytesMut) {
        use Property::*;
        out.put_u8(self.id());
        match self {
            PayloadFormatIndicator(v)
            | RequestProblemInformation(v)
            | RequestResponseInformation(v)
            | MaximumQoS(v)
            | RetainAvailable(v)
            | WildcardSubscriptionAvailable(v)
            | SubscriptionIdentifierAvailable(v)
            | SharedSubscriptionAvailable(v) => out.put_u8(*v),
            ServerKeepAlive(v) | ReceiveMaximum(v) | TopicAliasMaximum(v) | TopicAlias(v) => {
                out.put_u16(*v)
            }
            MessageExpiryInterval(v)
            | SessionExpiryInterval(v)
            | WillDelayInterval(v)
            | MaximumPacketSize(v) => out.put_u32(*v),
            SubscriptionIdentifier(v) => put_varint(out, *v),
            ContentType(s)
            | ResponseTopic(s)
            | AssignedClientIdentifier(s)
            | AuthenticationMethod(s)
            | ResponseInformation(s)
            | ServerReference(s)
            | ReasonString(s) => put_binary(out, s.as_bytes()),
            CorrelationData(b) | AuthenticationData(b) => put_binary(out, b),
            UserProperty(k, v) => {
                put_binary(out, k.as_bytes());
                put_binary(out, v.as_bytes());
            }
        }
    }

    fn read(id: u8, r: &mut Reader) -> Result<Property, DecodeError> {
        use Property::*;
        let flag = |r: &mut Reader| -> Result<u8, DecodeError> {
            let v = r.u8()?;
            if v > 1 {
                return Err(DecodeError::InvalidPropertyValue {
                    id,
                    value: v.into(),
                });
            }
            Ok(v)
        };
        let nonzero16 = |r: &mut Reader| -> Result<u16, DecodeError> {
            let v = r.u16()?;
            if v == 0 {
                return Err(DecodeError::InvalidPropertyValue { id, value: 0 });
            }
            Ok(v)
        };
        Ok(match id {
            0x01 => PayloadFormatIndicator(flag(r)?),
            0x02 => MessageExpiryInterval(r.u32()?),
            0x03 => ContentType(r.string()?),
            0x08 => ResponseTopic(r.string()?),
            0x09 => CorrelationData(r.binary()?),
            0x0B => {
                let v = r.varint()?;
                if v == 0 {
                    return Err(DecodeError::InvalidPropertyValue { id, value: 0 });
                }
                SubscriptionIdentifier(v)
            }
            0x11 => SessionExpiryInterval(r.u32()?),
            0x12 => AssignedClientIdentifier(r.string()?),
            0x13 => ServerKeepAlive(r.u16()?),
            0x15 => AuthenticationMethod(r.string()?),
            0x16 => AuthenticationData(r.binary()?),
            0x17 => RequestProblemInformation(flag(r)?),
            0x18 => WillDelayInterval(r.u32()?),
            0x19 => RequestResponseInformation(flag(r)?),
            0x1A => ResponseInformation(r.string()?),
            0x1C => ServerReference(r.string()?),
            0x1F => ReasonString(r.string()?),
            0x21 => ReceiveMaximum(nonzero16(r)?),
            0x22 => TopicAliasMaximum(r.u16()?),
            0x23 => TopicAlias(nonzero16(r)?),
            0x24 => MaximumQoS(flag(r)?),
            0x25 => RetainAvailable(flag(r)?),
            0x26 => UserProperty(r.string()?, r.string()?),
            0x27 => {
                let v = r.u32()?;
                if v == 0 {
                    return Err(DecodeError::InvalidPropertyValue { id, value: 0 });
                }
                MaximumPacketSize(v)
            }
            0x28 => WildcardSubscriptionAvailable(flag(r)?),
            0x29 => SubscriptionIdentifierAvailable(flag(r)?),
            0x2A => SharedSubscriptionAvailable(flag(r)?),
            other => return Err(DecodeError::UnknownProperty(other)),
        })
    }
}

/// A property list, in wire order. Empty (no allocation) in 3.1.1 and usually in v5.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Properties(pub Vec<Property>);

macro_rules! getter {
    ($(#[$m:meta])* $name:ident, $variant:ident, $ty:ty) => {
        $(#[$m])*
        pub fn $name(&self) -> Option<$ty> {
            self.0.iter().find_map(|p| match p {
                Property::$variant(v) => Some(v.clone()),
                _ => None,
            })
        }
    };
}

impl Properties {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, p: Property) -> &mut Self {
        self.0.push(p);
        self
    }

    pub fn with(mut self, p: Property) -> Self {
        self.0.push(p);
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Property> {
        self.0.iter()
    }

    getter!(payload_format_indicator, PayloadFormatIndicator, u8);
    getter!(message_expiry_interval, MessageExpiryInterval, u32);
    getter!(session_expiry_interval, SessionExpiryInterval, u32);
    getter!(assigned_client_identifier, AssignedClientIdentifier, String);
    getter!(server_keep_alive, ServerKeepAlive, u16);
    getter!(authentication_method, AuthenticationMethod, String);
    getter!(will_delay_interval, WillDelayInterval, u32);
    getter!(reason_string, ReasonString, String);
    getter!(receive_maximum, ReceiveMaximum, u16);
    getter!(topic_alias_maximum, TopicAliasMaximum, u16);
    getter!(topic_alias, TopicAlias, u16);
    getter!(maximum_qos, MaximumQoS, u8);
    getter!(retain_available, RetainAvailable, u8);
    getter!(maximum_packet_size, MaximumPacketSize, u32);
    getter!(response_topic, ResponseTopic, String);
    getter!(correlation_data, CorrelationData, Bytes);
    getter!(request_problem_information, RequestProblemInformation, u8);

    /// Every subscription identifier (a forwarded PUBLISH may carry several).
    pub fn subscription_identifiers(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().filter_map(|p| match p {
            Property::SubscriptionIdentifier(v) => Some(*v),
            _ => None,
        })
    }

    pub fn user_properties(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().filter_map(|p| match p {
            Property::UserProperty(k, v) => Some((k.as_str(), v.as_str())),
            _ => None,
        })
    }

    /// Length of the property block's content (without its own length prefix).
    pub(crate) fn content_len(&self) -> Result<usize, EncodeError> {
        self.0
            .iter()
            .try_fold(0usize, |acc, p| Ok(acc + p.encoded_len()?))
    }

    /// Length prefix plus content.
    pub(crate) fn block_len(&self) -> Result<usize, EncodeError> {
        let n = self.content_len()?;
        if n > VARINT_MAX as usize {
            return Err(EncodeError::PacketTooLarge(n));
        }
        Ok(varint_len(n as u32) + n)
    }

    /// Writes the block; `content_len` is the value [`Self::content_len`] returned.
    pub(crate) fn put_block(&self, out: &mut BytesMut, content_len: usize) {
        put_varint(out, content_len as u32);
        for p in &self.0 {
            p.put(out);
        }
    }

    /// Writes the content only (the caller writes a combined length prefix).
    pub(crate) fn put_content(&self, out: &mut BytesMut) {
        for p in &self.0 {
            p.put(out);
        }
    }

    /// Reads a property block (length prefix included) and validates it for `ctx`.
    pub(crate) fn read(r: &mut Reader, ctx: Ctx) -> Result<Properties, DecodeError> {
        let len = r.varint()? as usize;
        if len == 0 {
            return Ok(Properties::new());
        }
        let mut block = r.sub(len)?;
        let mut props = Vec::new();
        let mut seen: u64 = 0;
        while !block.is_empty() {
            let id = block.varint()?;
            let id = u8::try_from(id).map_err(|_| DecodeError::UnknownProperty(0xff))?;
            let mask = allowed(id).ok_or(DecodeError::UnknownProperty(id))?;
            if mask & ctx as u16 == 0 {
                return Err(DecodeError::PropertyNotAllowed {
                    id,
                    packet: ctx.name(),
                });
            }
            // User properties repeat freely; subscription identifiers repeat only in a
            // PUBLISH (server to client).
            let repeatable = id == 0x26 || (id == 0x0B && ctx == Ctx::Publish);
            if !repeatable {
                if seen & (1 << id) != 0 {
                    return Err(DecodeError::DuplicateProperty(id));
                }
                seen |= 1 << id;
            }
            props.push(Property::read(id, &mut block)?);
        }
        Ok(Properties(props))
    }
}
