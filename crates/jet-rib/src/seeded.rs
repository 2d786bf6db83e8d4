//! A fast seeded hasher for the RIB's hash indexes (a table's destinations, tables by
//! name). The standard SipHash costs ~100 instructions per small key, a tenth of a
//! packet's route lookup; keys here are a few words, so each word is mixed with one
//! 64×64→128-bit multiply whose halves are folded together. The seed comes from the
//! standard library's random keys, per map, so that clients cannot choose prefixes that
//! collide.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// An odd constant with well-spread bits (2^64 / φ).
const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

fn fold(a: u64, b: u64) -> u64 {
    let m = u128::from(a) * u128::from(b);
    (m as u64) ^ ((m >> 64) as u64)
}

/// Builds [`FoldHasher`]s with one random seed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seeded(u64);

impl Seeded {
    /// A new random seed.
    pub(crate) fn new() -> Seeded {
        Seeded(RandomState::new().hash_one(0x5eed_u64))
    }
}

impl Default for Seeded {
    fn default() -> Self {
        Seeded::new()
    }
}

impl BuildHasher for Seeded {
    type Hasher = FoldHasher;

    fn build_hasher(&self) -> FoldHasher {
        FoldHasher(self.0)
    }
}

/// Folded-multiply hasher state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FoldHasher(u64);

impl Hasher for FoldHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // The length tells "ab" from "ab\0".
            self.write_u64(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = fold(self.0 ^ i, MUL);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn finish(&self) -> u64 {
        // One more round: the bucket index comes from the low bits, the tag from the
        // high ones; both must depend on every key bit.
        fold(self.0, MUL.rotate_left(29) | 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn nearby_keys_spread_over_low_and_high_bits() {
        let s = Seeded::new();
        // A million /24 keys as the table makes them: (address << 8) | 24.
        let n = 1u64 << 16;
        let mut low = HashSet::new();
        let mut high = HashSet::new();
        for i in 0..n {
            let h = s.hash_one(((0x1000_0000 + (i << 8)) << 8) | 24);
            low.insert(h & 0xffff);
            high.insert(h >> 48);
        }
        // Random values would fill ~63% of the 65,536 slots.
        assert!(low.len() > 40_000, "low bits: {}", low.len());
        assert!(high.len() > 40_000, "high bits: {}", high.len());
    }

    #[test]
    fn strings_differing_in_length_or_one_byte_hash_apart() {
        let s = Seeded::new();
        let names = ["inet.0", "inet.0\0", "inet6.0", "inet.1", "a.inet.0", ""];
        let hashes: HashSet<u64> = names.iter().map(|n| s.hash_one(n)).collect();
        assert_eq!(hashes.len(), names.len());
    }
}
