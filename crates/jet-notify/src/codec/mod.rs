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
mod header;
mod properties;
mod publish;
mod subscribe;
mod types;
mod wire;

use bytes::{Bytes, BytesMut};

pub use properties::{Properties, Property};
pub use publish::encode_publish_with;
pub(crate) use publish::is_forwarded;
pub use publish::{PublishExtras, PublishHeader};

pub use error::{DecodeError, EncodeError};
use header::put_header;
use header::PacketType;
pub use types::{ProtocolVersion, QoS, ReasonCode};
use wire::read_varint;
pub use wire::ByteStr;
use wire::Reader;

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
    pub(crate) fn ty(&self) -> PacketType {
        match self {
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

    pub fn name(&self) -> &'static str {
        self.ty().name()
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
        PacketType::PingReq => decode_empty(&r, Packet::PingReq)?,
        PacketType::PingResp => decode_empty(&r, Packet::PingResp)?,
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

/// A packet with no body (PINGREQ, PINGRESP): any byte after the header is malformed.
fn decode_empty(r: &Reader, p: Packet) -> Result<Packet, DecodeError> {
    if !r.is_empty() {
        return Err(DecodeError::TrailingBytes(r.remaining()));
    }
    Ok(p)
}

#[cfg(test)]
mod tests;
