//! SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::header::{check_remaining, field_len, put_header, PacketType};
use super::properties::Ctx;
use super::properties::Properties;
use super::types::{ProtocolVersion, QoS, ReasonCode};
use super::wire::{put_binary, Reader};

/// When retained messages are sent for a new subscription (v5; 3.1.1 always sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    #[default]
    SendAtSubscribe = 0,
    SendIfNewSubscription = 1,
    DoNotSend = 2,
}

/// Per-filter subscription options. In 3.1.1 only `qos` travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubOptions {
    pub qos: QoS,
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: RetainHandling,
}

impl SubOptions {
    pub fn qos(qos: QoS) -> Self {
        SubOptions {
            qos,
            ..Default::default()
        }
    }

    fn to_byte(self, version: ProtocolVersion) -> u8 {
        let mut b = self.qos as u8;
        if version.is_v5() {
            b |= u8::from(self.no_local) << 2;
            b |= u8::from(self.retain_as_published) << 3;
            b |= (self.retain_handling as u8) << 4;
        }
        b
    }

    fn from_byte(b: u8, version: ProtocolVersion) -> Result<Self, DecodeError> {
        let reserved = if version.is_v5() { 0xc0 } else { 0xfc };
        if b & reserved != 0 {
            return Err(DecodeError::InvalidSubscriptionOptions(b));
        }
        let retain_handling = match (b >> 4) & 0x03 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendIfNewSubscription,
            2 => RetainHandling::DoNotSend,
            _ => return Err(DecodeError::InvalidSubscriptionOptions(b)),
        };
        Ok(SubOptions {
            qos: QoS::from_u8(b & 0x03).ok_or(DecodeError::InvalidSubscriptionOptions(b))?,
            no_local: b & 0x04 != 0,
            retain_as_published: b & 0x08 != 0,
            retain_handling,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subscribe {
    pub pid: u16,
    pub props: Properties,
    pub filters: Vec<(String, SubOptions)>,
}

/// One code per filter: the granted QoS (0, 1, 2) or an error (0x80 and above; 3.1.1
/// knows only 0x80).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubAck {
    pub pid: u16,
    pub props: Properties,
    pub codes: Vec<ReasonCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unsubscribe {
    pub pid: u16,
    pub props: Properties,
    pub filters: Vec<String>,
}

/// `codes` (one per filter) and `props` exist only in v5.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsubAck {
    pub pid: u16,
    pub props: Properties,
    pub codes: Vec<ReasonCode>,
}

fn read_pid(r: &mut Reader, packet: &'static str) -> Result<u16, DecodeError> {
    let pid = r.u16()?;
    if pid == 0 {
        return Err(DecodeError::ZeroPacketId(packet));
    }
    Ok(pid)
}

fn props_if_v5(
    r: &mut Reader,
    version: ProtocolVersion,
    ctx: Ctx,
) -> Result<Properties, DecodeError> {
    if version.is_v5() {
        Properties::read(r, ctx)
    } else {
        Ok(Properties::new())
    }
}

/// The properties block's size in `version` (nothing in 3.1.1) and its content length.
fn props_size(p: &Properties, version: ProtocolVersion) -> Result<(usize, usize), EncodeError> {
    if version.is_v5() {
        Ok((p.block_len()?, p.content_len()?))
    } else {
        Ok((0, 0))
    }
}

pub(crate) fn decode_subscribe(
    r: &mut Reader,
    version: ProtocolVersion,
) -> Result<Subscribe, DecodeError> {
    let pid = read_pid(r, "SUBSCRIBE")?;
    let props = props_if_v5(r, version, Ctx::Subscribe)?;
    let mut filters = Vec::new();
    while !r.is_empty() {
        let f = r.string()?;
        let opts = SubOptions::from_byte(r.u8()?, version)?;
        filters.push((f, opts));
    }
    if filters.is_empty() {
        return Err(DecodeError::NoTopicFilter("SUBSCRIBE"));
    }
    Ok(Subscribe {
        pid,
        props,
        filters,
    })
}

pub(crate) fn encode_subscribe(
    s: &Subscribe,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if s.pid == 0 {
        return Err(EncodeError::ZeroPacketId("SUBSCRIBE"));
    }
    if s.filters.is_empty() {
        return Err(EncodeError::NoTopicFilter("SUBSCRIBE"));
    }
    let (block, content) = props_size(&s.props, version)?;
    let mut len = 2 + block;
    for (f, _) in &s.filters {
        len += field_len(f.as_bytes())? + 1;
    }
    put_header(out, PacketType::Subscribe, 0b0010, check_remaining(len)?);
    out.put_u16(s.pid);
    if version.is_v5() {
        s.props.put_block(out, content);
    }
    for (f, o) in &s.filters {
        put_binary(out, f.as_bytes());
        out.put_u8(o.to_byte(version));
    }
    Ok(())
}

fn valid_suback(code: u8, version: ProtocolVersion) -> bool {
    if version.is_v5() {
        matches!(
            code,
            0x00 | 0x01 | 0x02 | 0x80 | 0x83 | 0x87 | 0x8F | 0x91 | 0x97 | 0x9E | 0xA1 | 0xA2
        )
    } else {
        matches!(code, 0x00 | 0x01 | 0x02 | 0x80)
    }
}

pub(crate) fn decode_suback(
    r: &mut Reader,
    version: ProtocolVersion,
) -> Result<SubAck, DecodeError> {
    let pid = read_pid(r, "SUBACK")?;
    let props = props_if_v5(r, version, Ctx::SubAck)?;
    let mut codes = Vec::with_capacity(r.remaining());
    while !r.is_empty() {
        let c = r.u8()?;
        if !valid_suback(c, version) {
            return Err(DecodeError::InvalidReasonCode {
                packet: "SUBACK",
                code: c,
            });
        }
        codes.push(ReasonCode(c));
    }
    Ok(SubAck { pid, props, codes })
}

pub(crate) fn encode_suback(
    s: &SubAck,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if s.pid == 0 {
        return Err(EncodeError::ZeroPacketId("SUBACK"));
    }
    let (block, content) = props_size(&s.props, version)?;
    let len = check_remaining(2 + block + s.codes.len())?;
    put_header(out, PacketType::SubAck, 0, len);
    out.put_u16(s.pid);
    if version.is_v5() {
        s.props.put_block(out, content);
    }
    for c in &s.codes {
        let c = if !version.is_v5() && c.is_error() {
            0x80
        } else {
            c.0
        };
        out.put_u8(c);
    }
    Ok(())
}

pub(crate) fn decode_unsubscribe(
    r: &mut Reader,
    version: ProtocolVersion,
) -> Result<Unsubscribe, DecodeError> {
    let pid = read_pid(r, "UNSUBSCRIBE")?;
    let props = props_if_v5(r, version, Ctx::Unsubscribe)?;
    let mut filters = Vec::new();
    while !r.is_empty() {
        filters.push(r.string()?);
    }
    if filters.is_empty() {
        return Err(DecodeError::NoTopicFilter("UNSUBSCRIBE"));
    }
    Ok(Unsubscribe {
        pid,
        props,
        filters,
    })
}

pub(crate) fn encode_unsubscribe(
    u: &Unsubscribe,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if u.pid == 0 {
        return Err(EncodeError::ZeroPacketId("UNSUBSCRIBE"));
    }
    if u.filters.is_empty() {
        return Err(EncodeError::NoTopicFilter("UNSUBSCRIBE"));
    }
    let (block, content) = props_size(&u.props, version)?;
    let mut len = 2 + block;
    for f in &u.filters {
        len += field_len(f.as_bytes())?;
    }
    put_header(out, PacketType::Unsubscribe, 0b0010, check_remaining(len)?);
    out.put_u16(u.pid);
    if version.is_v5() {
        u.props.put_block(out, content);
    }
    for f in &u.filters {
        put_binary(out, f.as_bytes());
    }
    Ok(())
}

pub(crate) fn decode_unsuback(
    r: &mut Reader,
    version: ProtocolVersion,
) -> Result<UnsubAck, DecodeError> {
    let pid = read_pid(r, "UNSUBACK")?;
    if !version.is_v5() {
        return Ok(UnsubAck {
            pid,
            ..Default::default()
        });
    }
    let props = Properties::read(r, Ctx::UnsubAck)?;
    let mut codes = Vec::new();
    while !r.is_empty() {
        let c = r.u8()?;
        if !matches!(c, 0x00 | 0x11 | 0x80 | 0x83 | 0x87 | 0x8F | 0x91) {
            return Err(DecodeError::InvalidReasonCode {
                packet: "UNSUBACK",
                code: c,
            });
        }
        codes.push(ReasonCode(c));
    }
    Ok(UnsubAck { pid, props, codes })
}

pub(crate) fn encode_unsuback(
    u: &UnsubAck,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if u.pid == 0 {
        return Err(EncodeError::ZeroPacketId("UNSUBACK"));
    }
    if !version.is_v5() {
        put_header(out, PacketType::UnsubAck, 0, 2);
        out.put_u16(u.pid);
        return Ok(());
    }
    let (block, content) = props_size(&u.props, version)?;
    put_header(
        out,
        PacketType::UnsubAck,
        0,
        check_remaining(2 + block + u.codes.len())?,
    );
    out.put_u16(u.pid);
    u.props.put_block(out, content);
    for c in &u.codes {
        out.put_u8(c.0);
    }
    Ok(())
}
