//! A gRPC codec over messages that read and write their own protobuf bytes, for the hot
//! methods whose requests are read straight into a RIB batch (RIB service, its older
//! generation, BGP service) or whose replies are written straight from the RIB.
//!
//! Decode errors become INTERNAL with the decoder's reason, as tonic's prost codec
//! answers them.

use std::marker::PhantomData;

use prost::bytes::Buf;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::Status;

use crate::svc::status::malformed;

/// A message the codec can read from its bytes.
pub(crate) trait FromWire: Sized + Send + 'static {
    fn from_wire(bytes: &[u8]) -> Result<Self, prost::DecodeError>;
}

/// A message the codec can write.
pub(crate) trait ToWire: Send + 'static {
    fn to_wire(&self, dst: &mut EncodeBuf<'_>);
}

/// A gRPC codec over [`FromWire`]/[`ToWire`] messages.
pub(crate) struct WireCodec<E, D>(PhantomData<fn() -> (E, D)>);

impl<E, D> WireCodec<E, D> {
    pub(crate) fn new() -> Self {
        WireCodec(PhantomData)
    }
}

impl<E: ToWire, D: FromWire> Codec for WireCodec<E, D> {
    type Encode = E;
    type Decode = D;
    type Encoder = WireEncoder<E>;
    type Decoder = WireDecoder<D>;

    fn encoder(&mut self) -> Self::Encoder {
        WireEncoder(PhantomData)
    }

    fn decoder(&mut self) -> Self::Decoder {
        WireDecoder(PhantomData)
    }
}

pub(crate) struct WireEncoder<E>(PhantomData<fn() -> E>);

impl<E: ToWire> Encoder for WireEncoder<E> {
    type Item = E;
    type Error = Status;

    fn encode(&mut self, item: E, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.to_wire(dst);
        Ok(())
    }
}

pub(crate) struct WireDecoder<D>(PhantomData<fn() -> D>);

impl<D: FromWire> Decoder for WireDecoder<D> {
    type Item = D;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<D>, Status> {
        let n = src.remaining();
        // The buffer holds exactly one message, normally in one contiguous chunk.
        let item = if src.chunk().len() == n {
            D::from_wire(src.chunk())
        } else {
            D::from_wire(&src.copy_to_bytes(n))
        };
        src.advance(src.remaining());
        item.map(Some).map_err(|e| malformed(&e))
    }
}
