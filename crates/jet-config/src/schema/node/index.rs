//! Name indexes of long schema levels: statement name (and XML element name) to
//! position, so that parsers find a statement among the hundreds of a joined Junos
//! level without scanning it, and trees order their children by position in O(1).
//!
//! An index is built once per level and kept for the life of the process, like the
//! joined levels themselves (constant data derived from the constant schema, never
//! configuration). Each thread keeps its own map from level to index, so lookups take no
//! lock; the shared map behind it only ensures a level is indexed once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, RwLock};

use super::SchemaNode;

/// Levels shorter than this are scanned (as fast as hashing for a few names).
const MIN_INDEXED: usize = 24;

/// FNV-1a, fast for the short names of statements and for addresses.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Positions of the statements of one level.
pub(crate) struct LevelIndex {
    by_name: FnvMap<&'static str, u32>,
    by_xml: FnvMap<&'static str, u32>,
}

impl LevelIndex {
    fn build(nodes: &'static [SchemaNode]) -> LevelIndex {
        let mut by_name = FnvMap::default();
        let mut by_xml = FnvMap::default();
        for (i, n) in nodes.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            by_name.entry(n.name).or_insert(i);
            if n.xml_name != n.name {
                by_xml.entry(n.xml_name).or_insert(i);
            }
        }
        LevelIndex { by_name, by_xml }
    }
}

type Shared = FnvMap<(usize, usize), &'static LevelIndex>;
static SHARED: LazyLock<RwLock<Shared>> = LazyLock::new(|| RwLock::new(Shared::default()));

thread_local! {
    static LOCAL: RefCell<Shared> = RefCell::new(Shared::default());
}

/// The index of `nodes`, `None` for a short level.
fn index(nodes: &'static [SchemaNode]) -> Option<&'static LevelIndex> {
    if nodes.len() < MIN_INDEXED {
        return None;
    }
    let key = (nodes.as_ptr() as usize, nodes.len());
    if let Some(ix) = LOCAL.with(|l| l.borrow().get(&key).copied()) {
        return Some(ix);
    }
    let shared = SHARED.read().ok().and_then(|m| m.get(&key).copied());
    let ix = match shared {
        Some(ix) => ix,
        None => {
            let built: &'static LevelIndex = Box::leak(Box::new(LevelIndex::build(nodes)));
            match SHARED.write() {
                Ok(mut m) => *m.entry(key).or_insert(built),
                Err(_) => built,
            }
        }
    };
    LOCAL.with(|l| l.borrow_mut().insert(key, ix));
    Some(ix)
}

/// The statement called `name` among `nodes` (`None` if absent).
pub(crate) fn by_name(nodes: &'static [SchemaNode], name: &str) -> Option<&'static SchemaNode> {
    match index(nodes) {
        Some(ix) => ix.by_name.get(name).and_then(|&i| nodes.get(i as usize)),
        None => nodes.iter().find(|n| n.name == name),
    }
}

/// The statement whose XML element is `name` (when it differs from its CLI name).
pub(crate) fn by_xml(nodes: &'static [SchemaNode], name: &str) -> Option<&'static SchemaNode> {
    match index(nodes) {
        Some(ix) => ix.by_xml.get(name).and_then(|&i| nodes.get(i as usize)),
        None => nodes.iter().find(|n| n.xml_name == name),
    }
}

/// Position (1-based) of `sn` among `nodes`: from its address when it is one of them,
/// else by name; `None` if absent.
pub(crate) fn position(nodes: &'static [SchemaNode], sn: &SchemaNode) -> Option<usize> {
    let size = std::mem::size_of::<SchemaNode>();
    let base = nodes.as_ptr() as usize;
    let at = sn as *const SchemaNode as usize;
    if at >= base && at < base + std::mem::size_of_val(nodes) && (at - base) % size == 0 {
        return Some((at - base) / size + 1);
    }
    match index(nodes) {
        Some(ix) => ix.by_name.get(sn.name).map(|&i| i as usize + 1),
        None => nodes.iter().position(|n| n.name == sn.name).map(|p| p + 1),
    }
}
