//! Wire primitives shared by every packet: variable byte integers, two-byte lengths,
//! UTF-8 strings with MQTT's rules, binary data. Reading is zero-copy over [`Bytes`].

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use super::error::DecodeError;

/// Largest value a variable byte integer can carry (four bytes).
pub(crate) const VARINT_MAX: u32 = 268_435_455;

/// A cursor over one packet's bytes. Slices it hands out share the frame's allocation.
pub(crate) struct Reader {
    buf: Bytes,
    pos: usize,
}

impl Reader {
    pub(crate) fn new(buf: Bytes) -> Self {
        Self { buf, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    fn need(&self, n: usize) -> Result<(), DecodeError> {
        if self.remaining() < n {
            Err(DecodeError::Truncated)
        } else {
            Ok(())
        }
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        self.need(1)?;
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn u16(&mut self) -> Result<u16, DecodeError> {
        self.need(2)?;
        let v = u16::from_be_bytes([self.buf[self.pos], self.buf[self.pos + 1]]);
        self.pos += 2;
        Ok(v)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        self.need(4)?;
        let b = &self.buf[self.pos..self.pos + 4];
        let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        self.pos += 4;
        Ok(v)
    }

    pub(crate) fn varint(&mut self) -> Result<u32, DecodeError> {
        let (v, n) = read_varint(&self.buf[self.pos..])?.ok_or(DecodeError::Truncated)?;
        self.pos += n;
        Ok(v)
    }

    /// `n` raw bytes, sharing the frame.
    pub(crate) fn take(&mut self, n: usize) -> Result<Bytes, DecodeError> {
        self.need(n)?;
        let b = self.buf.slice(self.pos..self.pos + n);
        self.pos += n;
        Ok(b)
    }

    /// Two-byte length then binary data.
    pub(crate) fn binary(&mut self) -> Result<Bytes, DecodeError> {
        let n = self.u16()? as usize;
        self.take(n)
    }

    /// Two-byte length then a UTF-8 string, validated, sharing the frame.
    pub(crate) fn byte_str(&mut self) -> Result<ByteStr, DecodeError> {
        let b = self.binary()?;
        ByteStr::try_from(b)
    }

    pub(crate) fn string(&mut self) -> Result<String, DecodeError> {
        let b = self.binary()?;
        check_utf8(&b).map(str::to_owned)
    }

    /// The rest of the packet (a PUBLISH payload).
    pub(crate) fn rest(&mut self) -> Bytes {
        let b = self.buf.slice(self.pos..);
        self.pos = self.buf.len();
        b
    }

    /// A sub-reader over the next `n` bytes (a property block).
    pub(crate) fn sub(&mut self, n: usize) -> Result<Reader, DecodeError> {
        Ok(Reader::new(self.take(n)?))
    }
}

/// MQTT's string rules: well-formed UTF-8 (Rust's check also excludes surrogates) and
/// no U+0000.
pub(crate) fn check_utf8(b: &[u8]) -> Result<&str, DecodeError> {
    let s = std::str::from_utf8(b).map_err(|_| DecodeError::InvalidUtf8)?;
    if b.contains(&0) {
        return Err(DecodeError::NullCharacter);
    }
    Ok(s)
}

/// Reads a variable byte integer: `Ok(None)` when more bytes are needed, an error when
/// it runs past four bytes or is not minimally encoded.
pub(crate) fn read_varint(b: &[u8]) -> Result<Option<(u32, usize)>, DecodeError> {
    let mut value: u32 = 0;
    for i in 0..4 {
        let Some(&byte) = b.get(i) else {
            return Ok(None);
        };
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            // Minimal encoding: a multi-byte integer never ends with a zero byte.
            if i > 0 && byte == 0 {
                return Err(DecodeError::MalformedVarint);
            }
            return Ok(Some((value, i + 1)));
        }
    }
    Err(DecodeError::MalformedVarint)
}

pub(crate) fn varint_len(v: u32) -> usize {
    match v {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

pub(crate) fn put_varint(out: &mut BytesMut, mut v: u32) {
    loop {
        let mut byte = (v & 0x7f) as u8;
        v >>= 7;
        if v > 0 {
            byte |= 0x80;
        }
        out.put_u8(byte);
        if v == 0 {
            break;
        }
    }
}

/// Two-byte length prefixed bytes; the caller has checked the length fits.
pub(crate) fn put_binary(out: &mut BytesMut, b: &[u8]) {
    out.put_u16(b.len() as u16);
    out.put_slice(b);
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
        check_utf8(&b)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trips_at_every_length_boundary() {
        for v in [
            0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, VARINT_MAX,
        ] {
            let mut out = BytesMut::new();
            put_varint(&mut out, v);
            assert_eq!(out.len(), varint_len(v));
            assert_eq!(read_varint(&out).unwrap(), Some((v, out.len())));
        }
    }

    #[test]
    fn varint_rejects_a_fifth_byte_and_non_minimal_encodings() {
        assert!(read_varint(&[0xff, 0xff, 0xff, 0xff, 0x01]).is_err());
        assert!(read_varint(&[0x80, 0x00]).is_err());
        assert_eq!(read_varint(&[0x80]).unwrap(), None);
    }

    #[test]
    fn strings_reject_nul_and_invalid_utf8() {
        assert!(check_utf8(b"a\0b").is_err());
        assert!(check_utf8(&[0xc3, 0x28]).is_err());
        assert!(check_utf8(&[0xed, 0xa0, 0x80]).is_err()); // an encoded surrogate
        assert_eq!(check_utf8("ünï".as_bytes()).unwrap(), "ünï");
    }
}
