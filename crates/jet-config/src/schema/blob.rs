//! Reading the generated schema `junos.bin` in place (written by
//! `tools/gen_schema.py` from Juniper's schema facts; layout documented there).
//!
//! Nothing is parsed at start: the bytes are part of the binary and every accessor reads
//! the few words it needs. A malformed blob (only possible through a bad generator run,
//! which a test catches) reads as an empty schema, never a panic.

/// The generated schema, as checked in.
static BYTES: &[u8] = include_bytes!("junos.bin");

const MAGIC: &[u8; 8] = b"JETSCH03";
/// Absent string, type or extra record.
pub(crate) const NONE: u32 = u32::MAX;

/// Node kinds as stored.
pub(crate) const K_CONTAINER: u8 = 0;
pub(crate) const K_PRESENCE: u8 = 1;
pub(crate) const K_LIST: u8 = 2;
pub(crate) const K_LEAF: u8 = 3;
pub(crate) const K_LEAF_LIST: u8 = 4;
pub(crate) const K_FLAG: u8 = 5;

/// Node flags as stored (bits 3.. of the bits word, shifted down).
pub(crate) const F_MANDATORY: u16 = 1 << 0;
pub(crate) const F_NOKEYWORD: u16 = 1 << 1;
pub(crate) const F_ONELINER: u16 = 1 << 3;
pub(crate) const F_ONELINER_PLUS: u16 = 1 << 6;
pub(crate) const F_HOMOGENEOUS: u16 = 1 << 7;

const X_XML: u32 = 1 << 0;
const X_KEYS: u32 = 1 << 1;
const X_MIN: u32 = 1 << 2;
const X_MAX: u32 = 1 << 3;
const X_DEFAULT: u32 = 1 << 4;
const X_UNITS: u32 = 1 << 5;
const X_MUST: u32 = 1 << 6;
const X_UNIQUE: u32 = 1 << 7;

/// How a key of a list with several keys is typed (see `KeyForm`).
pub(crate) const KEY_KEYWORD: u32 = 1;
pub(crate) const KEY_CHOICE_IDENT: u32 = 2;
pub(crate) const KEY_CHOICE_VALUE: u32 = 3;

const T_RANGE: u32 = 1 << 0;
const T_LENGTH: u32 = 1 << 1;
const T_PATTERN: u32 = 1 << 2;
const T_POSIX: u32 = 1 << 3;
const T_ENUM: u32 = 1 << 4;
const T_FRACTION: u32 = 1 << 5;
const T_MEMBERS: u32 = 1 << 6;

/// Section offsets and counts from the header.
#[derive(Clone, Copy)]
pub(crate) struct Blob {
    bytes: &'static [u8],
    root: u32,
    strings: u32,
    nodes: u32,
    n_nodes: u32,
    kids: u32,
    n_kids: u32,
    pool: u32,
    n_pool: u32,
    types: u32,
    n_types: u32,
    rpcs: u32,
    n_rpcs: u32,
}

/// One stored node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rec {
    pub(crate) name: &'static str,
    pub(crate) kind: u8,
    pub(crate) flags: u16,
    pub(crate) choice: u8,
    pub(crate) case: u8,
    kids_off: u32,
    kids_len: u32,
    pub(crate) ty: u32,
    extra: u32,
}

/// A node's rarely present facts.
#[derive(Default, Debug)]
pub(crate) struct Extra {
    pub(crate) xml: Option<&'static str>,
    /// Keys: name, type index, how it is typed (`KEY_*`).
    pub(crate) keys: Vec<(&'static str, u32, u32)>,
    pub(crate) min_elements: Option<u32>,
    pub(crate) max_elements: Option<u32>,
    pub(crate) default: Option<&'static str>,
    pub(crate) units: Option<&'static str>,
    pub(crate) must: Vec<&'static str>,
    pub(crate) unique: Vec<&'static str>,
}

/// One stored type.
#[derive(Default, Debug)]
pub(crate) struct TypeRec {
    pub(crate) base: u8,
    pub(crate) placeholder_ok: bool,
    pub(crate) typedef: Option<&'static str>,
    pub(crate) range: Option<&'static str>,
    pub(crate) length: Option<&'static str>,
    pub(crate) patterns: Vec<&'static str>,
    pub(crate) posix: Vec<&'static str>,
    pub(crate) enums: Vec<&'static str>,
    pub(crate) fraction_digits: Option<u32>,
    pub(crate) members: Vec<u32>,
}

/// One operational RPC.
#[derive(Debug)]
pub(crate) struct RpcRec {
    pub(crate) name: &'static str,
    pub(crate) command: Option<&'static str>,
    pub(crate) inputs: Vec<RpcInput>,
}

/// One input of an RPC.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RpcInput {
    pub(crate) name: &'static str,
    pub(crate) flag: bool,
    pub(crate) nokeyword: bool,
    pub(crate) mandatory: bool,
    pub(crate) ty: u32,
}

/// Type bases as stored (index into the generator's `BASES`).
pub(crate) const BASES: &[&str] = &[
    "string",
    "boolean",
    "empty",
    "enumeration",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "decimal64",
    "union",
    "binary",
    "bits",
    "identityref",
    "leafref",
    "instance-identifier",
];

impl Blob {
    /// The checked-in schema, or `None` if it is malformed.
    pub(crate) fn get() -> Option<Blob> {
        Blob::parse(BYTES)
    }

    fn parse(bytes: &'static [u8]) -> Option<Blob> {
        if bytes.get(..8)? != MAGIC {
            return None;
        }
        let w = |i: usize| word(bytes, 8 + 4 * i);
        let b = Blob {
            bytes,
            root: w(0)?,
            strings: w(1)?,
            nodes: w(3)?,
            n_nodes: w(4)?,
            kids: w(5)?,
            n_kids: w(6)?,
            pool: w(7)?,
            n_pool: w(8)?,
            types: w(9)?,
            n_types: w(10)?,
            rpcs: w(11)?,
            n_rpcs: w(12)?,
        };
        (b.root < b.n_nodes).then_some(b)
    }

    /// The index of the root node (its children are the top-level statements).
    pub(crate) fn root(&self) -> u32 {
        self.root
    }

    /// Number of stored (deduplicated) nodes.
    pub(crate) fn node_count(&self) -> u32 {
        self.n_nodes
    }

    /// Number of RPCs.
    pub(crate) fn rpc_count(&self) -> u32 {
        self.n_rpcs
    }

    /// The string at `off` (empty if out of bounds).
    fn string(&self, off: u32) -> Option<&'static str> {
        if off == NONE {
            return None;
        }
        let at = self.strings as usize + off as usize;
        let len = u16::from_le_bytes([*self.bytes.get(at)?, *self.bytes.get(at + 1)?]) as usize;
        std::str::from_utf8(self.bytes.get(at + 2..at + 2 + len)?).ok()
    }

    fn pool_word(&self, i: u32) -> u32 {
        if i >= self.n_pool {
            return NONE;
        }
        word(self.bytes, self.pool as usize + 4 * i as usize).unwrap_or(NONE)
    }

    /// Node `i`.
    pub(crate) fn node(&self, i: u32) -> Option<Rec> {
        if i >= self.n_nodes {
            return None;
        }
        let base = self.nodes as usize + 24 * i as usize;
        let w = |k: usize| word(self.bytes, base + 4 * k);
        let bits = w(1)?;
        Some(Rec {
            name: self.string(w(0)?).unwrap_or(""),
            kind: (bits & 7) as u8,
            flags: ((bits >> 3) & 0x1fff) as u16,
            choice: (bits >> 16) as u8,
            case: (bits >> 24) as u8,
            kids_off: w(2)?,
            kids_len: w(3)?,
            ty: w(4)?,
            extra: w(5)?,
        })
    }

    /// The children of `rec`, as node indexes in print order.
    pub(crate) fn kids(&self, rec: &Rec) -> impl Iterator<Item = u32> + 'static {
        let blob = *self;
        let (off, len) = (rec.kids_off, rec.kids_len);
        let len = if off.saturating_add(len) <= self.n_kids {
            len
        } else {
            0
        };
        (off..off + len).filter_map(move |k| word(blob.bytes, blob.kids as usize + 4 * k as usize))
    }

    fn strs(&self, at: &mut u32) -> Vec<&'static str> {
        let n = self.pool_word(*at);
        *at += 1;
        let mut out = Vec::new();
        for _ in 0..n.min(4096) {
            out.extend(self.string(self.pool_word(*at)));
            *at += 1;
        }
        out
    }

    /// The extra facts of `rec`.
    pub(crate) fn extra(&self, rec: &Rec) -> Extra {
        let mut x = Extra::default();
        if rec.extra == NONE {
            return x;
        }
        let mask = self.pool_word(rec.extra);
        let mut at = rec.extra + 1;
        let next = |at: &mut u32| {
            let v = self.pool_word(*at);
            *at += 1;
            v
        };
        if mask & X_XML != 0 {
            x.xml = self.string(next(&mut at));
        }
        if mask & X_KEYS != 0 {
            let n = next(&mut at);
            for _ in 0..n.min(16) {
                let name = self.string(next(&mut at)).unwrap_or("name");
                let ty = next(&mut at);
                let form = next(&mut at);
                x.keys.push((name, ty, form));
            }
        }
        if mask & X_MIN != 0 {
            x.min_elements = Some(next(&mut at));
        }
        if mask & X_MAX != 0 {
            x.max_elements = Some(next(&mut at));
        }
        if mask & X_DEFAULT != 0 {
            x.default = self.string(next(&mut at));
        }
        if mask & X_UNITS != 0 {
            x.units = self.string(next(&mut at));
        }
        if mask & X_MUST != 0 {
            x.must = self.strs(&mut at);
        }
        if mask & X_UNIQUE != 0 {
            x.unique = self.strs(&mut at);
        }
        x
    }

    /// Number of stored types.
    pub(crate) fn type_count(&self) -> u32 {
        self.n_types
    }

    /// Type `i`.
    pub(crate) fn ty(&self, i: u32) -> Option<TypeRec> {
        if i >= self.n_types {
            return None;
        }
        let mut at = word(self.bytes, self.types as usize + 4 * i as usize)?;
        let head = self.pool_word(at);
        let mut t = TypeRec {
            base: (head & 0xff) as u8,
            placeholder_ok: head & 0x100 != 0,
            typedef: self.string(self.pool_word(at + 1)),
            ..TypeRec::default()
        };
        let mask = self.pool_word(at + 2);
        at += 3;
        if mask & T_RANGE != 0 {
            t.range = self.string(self.pool_word(at));
            at += 1;
        }
        if mask & T_LENGTH != 0 {
            t.length = self.string(self.pool_word(at));
            at += 1;
        }
        if mask & T_PATTERN != 0 {
            t.patterns = self.strs(&mut at);
        }
        if mask & T_POSIX != 0 {
            t.posix = self.strs(&mut at);
        }
        if mask & T_ENUM != 0 {
            t.enums = self.strs(&mut at);
        }
        if mask & T_FRACTION != 0 {
            t.fraction_digits = Some(self.pool_word(at));
            at += 1;
        }
        if mask & T_MEMBERS != 0 {
            let n = self.pool_word(at);
            at += 1;
            for _ in 0..n.min(64) {
                t.members.push(self.pool_word(at));
                at += 1;
            }
        }
        Some(t)
    }

    /// The CLI command of RPC `i`, without decoding its inputs.
    pub(crate) fn rpc_command(&self, i: u32) -> Option<&'static str> {
        if i >= self.n_rpcs {
            return None;
        }
        let at = word(self.bytes, self.rpcs as usize + 4 * i as usize)?;
        self.string(self.pool_word(at + 1))
    }

    /// RPC `i` (sorted by name).
    pub(crate) fn rpc(&self, i: u32) -> Option<RpcRec> {
        if i >= self.n_rpcs {
            return None;
        }
        let mut at = word(self.bytes, self.rpcs as usize + 4 * i as usize)?;
        let name = self.string(self.pool_word(at))?;
        let command = self.string(self.pool_word(at + 1));
        let n = self.pool_word(at + 3);
        at += 4;
        let mut inputs = Vec::new();
        for _ in 0..n.min(1024) {
            let bits = self.pool_word(at + 1);
            inputs.push(RpcInput {
                name: self.string(self.pool_word(at)).unwrap_or(""),
                flag: bits & 1 != 0,
                nokeyword: bits & 2 != 0,
                mandatory: bits & 4 != 0,
                ty: self.pool_word(at + 2),
            });
            at += 3;
        }
        Some(RpcRec {
            name,
            command,
            inputs,
        })
    }
}

fn word(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_in_schema_reads() {
        let b = Blob::get().expect("junos.bin has a valid header");
        let root = b.node(b.root()).expect("root node");
        let top: Vec<&str> = b
            .kids(&root)
            .filter_map(|k| b.node(k))
            .map(|r| r.name)
            .collect();
        for h in [
            "system",
            "interfaces",
            "protocols",
            "snmp",
            "chassis",
            "groups",
        ] {
            assert!(top.contains(&h), "{h} missing from {top:?}");
        }
        assert!(b.rpc_count() > 6000);
        assert!(b.type_count() > 100);
    }

    #[test]
    fn malformed_blob_reads_as_none() {
        assert!(Blob::parse(b"JETSCH03").is_none());
        assert!(Blob::parse(b"nonsense").is_none());
    }
}
