//! PINGREQ, PINGRESP, DISCONNECT and AUTH.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::header::{check_remaining, not_in_version, put_header, PacketType};
use super::properties::Ctx;
use super::properties::Properties;
use super::types::{ProtocolVersion, ReasonCode};
use super::wire::Reader;

/// DISCONNECT. In 3.1.1 it carries nothing: `reason` and `props` are v5 only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disconnect {
    pub reason: ReasonCode,
    pub props: Properties,
}

impl Disconnect {
    pub fn new(reason: ReasonCode) -> Self {
        Disconnect {
            reason,
            props: Properties::new(),
        }
    }
}

/// AUTH (v5 only): extended authentication exchange.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth {
    pub reason: ReasonCode,
    pub props: Properties,
}

const DISCONNECT_CODES: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95,
    0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];

/// Reason code then properties, each optional at the end of the packet (v5 §3.14.2.1).
fn decode_reason_props(
    r: &mut Reader,
    packet: &'static str,
    valid: &[u8],
    ctx: Ctx,
) -> Result<(ReasonCode, Properties), DecodeError> {
    let mut reason = ReasonCode::SUCCESS;
    let mut props = Properties::new();
    if !r.is_empty() {
        let code = r.u8()?;
        if !valid.contains(&code) {
            return Err(DecodeError::InvalidReasonCode { packet, code });
        }
        reason = ReasonCode(code);
    }
    if !r.is_empty() {
        props = Properties::read(r, ctx)?;
    }
    Ok((reason, props))
}

fn encode_reason_props(
    ty: PacketType,
    reason: ReasonCode,
    props: &Properties,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if props.is_empty() {
        if reason == ReasonCode::SUCCESS {
            put_header(out, ty, 0, 0);
        } else {
            put_header(out, ty, 0, 1);
            out.put_u8(reason.0);
        }
        return Ok(());
    }
    let n = props.content_len()?;
    put_header(out, ty, 0, check_remaining(1 + props.block_len()?)?);
    out.put_u8(reason.0);
    props.put_block(out, n);
    Ok(())
}

pub(crate) fn decode_disconnect(
    r: &mut Reader,
    version: ProtocolVersion,
) -> Result<Disconnect, DecodeError> {
    if !version.is_v5() {
        return Ok(Disconnect::default());
    }
    let (reason, props) = decode_reason_props(r, "DISCONNECT", DISCONNECT_CODES, Ctx::Disconnect)?;
    Ok(Disconnect { reason, props })
}

pub(crate) fn encode_disconnect(
    d: &Disconnect,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if !version.is_v5() {
        put_header(out, PacketType::Disconnect, 0, 0);
        return Ok(());
    }
    encode_reason_props(PacketType::Disconnect, d.reason, &d.props, out)
}

pub(crate) fn decode_auth(r: &mut Reader, version: ProtocolVersion) -> Result<Auth, DecodeError> {
    if !version.is_v5() {
        return Err(not_in_version("AUTH", version));
    }
    let (reason, props) = decode_reason_props(r, "AUTH", &[0x00, 0x18, 0x19], Ctx::Auth)?;
    Ok(Auth { reason, props })
}

pub(crate) fn encode_auth(
    a: &Auth,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if !version.is_v5() {
        return Err(EncodeError::NotInVersion {
            packet: "AUTH",
            version: version.name(),
        });
    }
    encode_reason_props(PacketType::Auth, a.reason, &a.props, out)
}
