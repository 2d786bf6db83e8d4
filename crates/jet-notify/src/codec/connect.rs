//! CONNECT and CONNACK.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::header::{check_remaining, field_len, put_header, PacketType};
use super::properties::Ctx;
use super::properties::Properties;
use super::types::{ProtocolVersion, QoS, ReasonCode};
use super::wire::{put_binary, Reader};

/// A client's CONNECT. `version` comes from the packet itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub version: ProtocolVersion,
    /// Clean Session in 3.1.1, Clean Start in v5.
    pub clean_start: bool,
    pub keep_alive: u16,
    pub props: Properties,
    pub client_id: String,
    pub will: Option<Will>,
    pub username: Option<String>,
    pub password: Option<Bytes>,
}

impl Connect {
    /// A CONNECT with the given id and defaults elsewhere (clean start, 60 s keepalive).
    pub fn new(version: ProtocolVersion, client_id: impl Into<String>) -> Self {
        Connect {
            version,
            clean_start: true,
            keep_alive: 60,
            props: Properties::new(),
            client_id: client_id.into(),
            will: None,
            username: None,
            password: None,
        }
    }
}

/// A will message, published when the connection ends without a normal DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub props: Properties,
}

/// The server's answer to CONNECT. In 3.1.1 `code` is mapped to a return code
/// (0x84→1, 0x85→2, 0x86→4, 0x87→5, any other error→3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAck {
    pub session_present: bool,
    pub code: ReasonCode,
    pub props: Properties,
}

const CONNACK_V5: &[u8] = &[
    0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
    0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
];

pub(crate) fn decode_connect(r: &mut Reader) -> Result<Connect, DecodeError> {
    let name = r.binary()?;
    let level = r.u8()?;
    let version = match (&name[..], level) {
        (b"MQTT", 4) => ProtocolVersion::V3_1_1,
        (b"MQTT", 5) => ProtocolVersion::V5,
        (b"MQIsdp", 3) => ProtocolVersion::V3_1,
        _ => {
            return Err(DecodeError::UnsupportedProtocol {
                name: String::from_utf8_lossy(&name).into_owned(),
                level,
            })
        }
    };
    let flags = r.u8()?;
    let has_will = flags & 0x04 != 0;
    let will_qos = (flags >> 3) & 0x03;
    let will_retain = flags & 0x20 != 0;
    let has_password = flags & 0x40 != 0;
    let has_username = flags & 0x80 != 0;
    let bad = flags & 0x01 != 0
        || will_qos == 3
        || (!has_will && (will_qos != 0 || will_retain))
        || (!version.is_v5() && has_password && !has_username);
    if bad {
        return Err(DecodeError::InvalidConnectFlags(flags));
    }
    let keep_alive = r.u16()?;
    let props = if version.is_v5() {
        Properties::read(r, Ctx::Connect)?
    } else {
        Properties::new()
    };
    let client_id = r.string()?;
    let will = if has_will {
        let props = if version.is_v5() {
            Properties::read(r, Ctx::Will)?
        } else {
            Properties::new()
        };
        let topic = r.string()?;
        let payload = r.binary()?;
        Some(Will {
            topic,
            payload,
            qos: QoS::from_u8(will_qos).ok_or(DecodeError::InvalidQoS(will_qos))?,
            retain: will_retain,
            props,
        })
    } else {
        None
    };
    let username = if has_username {
        Some(r.string()?)
    } else {
        None
    };
    let password = if has_password {
        Some(r.binary()?)
    } else {
        None
    };
    Ok(Connect {
        version,
        clean_start: flags & 0x02 != 0,
        keep_alive,
        props,
        client_id,
        will,
        username,
        password,
    })
}

pub(crate) fn encode_connect(c: &Connect, out: &mut BytesMut) -> Result<(), EncodeError> {
    let v5 = c.version.is_v5();
    let name: &[u8] = if c.version == ProtocolVersion::V3_1 {
        b"MQIsdp"
    } else {
        b"MQTT"
    };
    let props = if v5 {
        Some(c.props.content_len()?)
    } else {
        None
    };
    let will_props = match (&c.will, v5) {
        (Some(w), true) => Some(w.props.content_len()?),
        _ => None,
    };
    let mut len = field_len(name)? + 1 + 1 + 2;
    len += props.map_or(Ok(0), |_| c.props.block_len())?;
    len += field_len(c.client_id.as_bytes())?;
    if let Some(w) = &c.will {
        if will_props.is_some() {
            len += w.props.block_len()?;
        }
        len += field_len(w.topic.as_bytes())? + field_len(&w.payload)?;
    }
    if let Some(u) = &c.username {
        len += field_len(u.as_bytes())?;
    }
    if let Some(p) = &c.password {
        len += field_len(p)?;
    }
    let len = check_remaining(len)?;

    let mut flags = 0u8;
    if c.clean_start {
        flags |= 0x02;
    }
    if let Some(w) = &c.will {
        flags |= 0x04 | ((w.qos as u8) << 3);
        if w.retain {
            flags |= 0x20;
        }
    }
    if c.password.is_some() {
        flags |= 0x40;
    }
    if c.username.is_some() {
        flags |= 0x80;
    }
    put_header(out, PacketType::Connect, 0, len);
    put_binary(out, name);
    out.put_u8(c.version.level());
    out.put_u8(flags);
    out.put_u16(c.keep_alive);
    if let Some(n) = props {
        c.props.put_block(out, n);
    }
    put_binary(out, c.client_id.as_bytes());
    if let Some(w) = &c.will {
        if let Some(n) = will_props {
            w.props.put_block(out, n);
        }
        put_binary(out, w.topic.as_bytes());
        put_binary(out, &w.payload);
    }
    if let Some(u) = &c.username {
        put_binary(out, u.as_bytes());
    }
    if let Some(p) = &c.password {
        put_binary(out, p);
    }
    Ok(())
}

fn v4_return_code(code: ReasonCode) -> u8 {
    match code.0 {
        0x00 => 0,
        0x84 => 1,
        0x85 => 2,
        0x86 => 4,
        0x87 => 5,
        _ => 3,
    }
}

pub(crate) fn decode_connack(
    r: &mut Reader,
    version: ProtocolVersion,
) -> Result<ConnAck, DecodeError> {
    let flags = r.u8()?;
    if flags & 0xfe != 0 {
        return Err(DecodeError::InvalidConnAckFlags(flags));
    }
    let raw = r.u8()?;
    let code = if version.is_v5() {
        if !CONNACK_V5.contains(&raw) {
            return Err(DecodeError::InvalidReasonCode {
                packet: "CONNACK",
                code: raw,
            });
        }
        ReasonCode(raw)
    } else {
        ReasonCode(match raw {
            0 => 0x00,
            1 => 0x84,
            2 => 0x85,
            3 => 0x88,
            4 => 0x86,
            5 => 0x87,
            _ => {
                return Err(DecodeError::InvalidReasonCode {
                    packet: "CONNACK",
                    code: raw,
                })
            }
        })
    };
    let props = if version.is_v5() {
        Properties::read(r, Ctx::ConnAck)?
    } else {
        Properties::new()
    };
    Ok(ConnAck {
        session_present: flags & 1 != 0,
        code,
        props,
    })
}

pub(crate) fn encode_connack(
    c: &ConnAck,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if version.is_v5() {
        let n = c.props.content_len()?;
        let len = check_remaining(2 + c.props.block_len()?)?;
        put_header(out, PacketType::ConnAck, 0, len);
        out.put_u8(u8::from(c.session_present));
        out.put_u8(c.code.0);
        c.props.put_block(out, n);
    } else {
        put_header(out, PacketType::ConnAck, 0, 2);
        out.put_u8(u8::from(c.session_present));
        out.put_u8(v4_return_code(c.code));
    }
    Ok(())
}
