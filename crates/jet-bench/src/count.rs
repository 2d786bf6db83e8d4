//! A gRPC codec for RouteGet that reads replies without building route messages: it
//! checks each reply's framing, reads `status.code` (field 1.1) and `sub_code` (field 2)
//! and counts the `routes` (field 3). It measures how fast the device streams, apart
//! from how fast a client can turn routes into objects.

use std::marker::PhantomData;

use jet_sdk::proto::jnx::jet::routing::rib::RouteGetRequest;
use prost::bytes::{Buf, BufMut as _};
use prost::Message as _;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::Status;

/// What one RouteGet reply said.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counted {
    /// `status.code`, None when the reply has no status.
    pub(crate) status: Option<u64>,
    /// `sub_code`.
    pub(crate) sub_code: u64,
    /// Routes in the reply.
    pub(crate) routes: u64,
}

pub(crate) struct CountCodec;

impl Codec for CountCodec {
    type Encode = RouteGetRequest;
    type Decode = Counted;
    type Encoder = RequestEncoder;
    type Decoder = CountDecoder;

    fn encoder(&mut self) -> RequestEncoder {
        RequestEncoder(PhantomData)
    }

    fn decoder(&mut self) -> CountDecoder {
        CountDecoder
    }
}

pub(crate) struct RequestEncoder(PhantomData<RouteGetRequest>);

impl Encoder for RequestEncoder {
    type Item = RouteGetRequest;
    type Error = Status;

    fn encode(&mut self, item: RouteGetRequest, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item.encode_to_vec());
        Ok(())
    }
}

pub(crate) struct CountDecoder;

fn bad() -> Status {
    Status::internal("malformed RouteGetResponse")
}

fn varint(b: &[u8], at: &mut usize) -> Result<u64, Status> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at).ok_or_else(bad)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(v);
        }
    }
    Err(bad())
}

/// Calls `f(field, wire type, varint value or length-delimited bytes)` for each field.
fn fields(b: &[u8], mut f: impl FnMut(u64, u64, u64, &[u8])) -> Result<(), Status> {
    let mut at = 0;
    while at < b.len() {
        let key = varint(b, &mut at)?;
        match key & 7 {
            0 => {
                let v = varint(b, &mut at)?;
                f(key >> 3, 0, v, &[]);
            }
            2 => {
                let n = varint(b, &mut at)? as usize;
                let body = b.get(at..at + n).ok_or_else(bad)?;
                at += n;
                f(key >> 3, 2, 0, body);
            }
            1 => at += 8,
            5 => at += 4,
            _ => return Err(bad()),
        }
    }
    if at == b.len() {
        Ok(())
    } else {
        Err(bad())
    }
}

pub(crate) fn count(b: &[u8]) -> Result<Counted, Status> {
    let mut c = Counted::default();
    let mut inner = Ok(());
    fields(b, |n, wire, v, body| match (n, wire) {
        (1, 2) => {
            c.status = Some(0);
            inner = fields(body, |n, wire, v, _| {
                if n == 1 && wire == 0 {
                    c.status = Some(v);
                }
            });
        }
        (2, 0) => c.sub_code = v,
        (3, 2) => c.routes += 1,
        _ => {}
    })?;
    inner?;
    Ok(c)
}

impl Decoder for CountDecoder {
    type Item = Counted;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Counted>, Status> {
        let bytes = src.copy_to_bytes(src.remaining());
        count(&bytes).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jet_sdk::proto::jnx::jet::common::RpcStatus;
    use jet_sdk::proto::jnx::jet::routing::rib::{RouteEntry, RouteGetResponse};

    #[test]
    fn counts_what_prost_encodes() {
        for (code, sub, n) in [(0, 0, 0usize), (0, 0, 3), (1, 19, 0)] {
            let m = RouteGetResponse {
                status: Some(RpcStatus {
                    code,
                    message: "x".into(),
                }),
                sub_code: sub,
                routes: vec![RouteEntry::default(); n],
            };
            let c = count(&m.encode_to_vec()).unwrap();
            assert_eq!(c.status, Some(code as u64));
            assert_eq!(c.sub_code, sub as u64);
            assert_eq!(c.routes, n as u64);
        }
        assert!(count(&[0x1a, 0x05, 0x00]).is_err());
    }
}
