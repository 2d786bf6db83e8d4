//! The generic configuration tree: one node type for every statement of the schema.
//!
//! Children of a container or list entry are kept sorted in schema order, so two trees
//! with the same content are equal whatever order they were built in. Entries of a list
//! and values of a leaf-list keep insertion order (Junos prints them as entered).
//! Every node carries [`Meta`] (room for `inactive:` and annotations).

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;

use crate::schema::{self, Kind, SchemaNode};

/// Per-statement metadata: `inactive:` and `/* annotations */`. Every format reads and
/// writes both; views and validation ignore inactive statements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Deactivated statement (`inactive: ...`).
    pub inactive: bool,
    /// Annotation (`/* ... */` printed before the statement).
    pub annotation: Option<String>,
}

/// One statement of the configuration.
#[derive(Clone)]
pub struct Node {
    /// The schema node this statement instantiates.
    pub schema: &'static SchemaNode,
    /// Metadata.
    pub meta: Meta,
    /// The content, matching `schema.kind`.
    pub value: Value,
}

/// The content of a [`Node`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A leaf's canonical value.
    Leaf(String),
    /// A flag (present).
    Flag,
    /// A leaf-list's canonical values, in insertion order.
    LeafList(Vec<String>),
    /// A container's children, in schema order.
    Container(Vec<Node>),
    /// A list's entries, in insertion order.
    List(Vec<Entry>),
}

/// One entry of a list (`user bob { ... }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The canonical key.
    pub key: String,
    /// Metadata of the entry.
    pub meta: Meta,
    /// Children in schema order.
    pub children: Vec<Node>,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.schema.name == other.schema.name
            && self.meta == other.meta
            && self.value == other.value
    }
}

impl Eq for Node {}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct(self.schema.name);
        if self.meta != Meta::default() {
            d.field("meta", &self.meta);
        }
        d.field("value", &self.value).finish()
    }
}

impl Node {
    /// An empty node of the right shape for `schema`: empty container, list or
    /// leaf-list, flag set, or a leaf with an empty value (callers set it).
    pub fn empty(schema: &'static SchemaNode) -> Node {
        let value = match schema.kind {
            Kind::Container { .. } => Value::Container(Vec::new()),
            Kind::List { .. } => Value::List(Vec::new()),
            Kind::Leaf(_) => Value::Leaf(String::new()),
            Kind::LeafList(_) => Value::LeafList(Vec::new()),
            Kind::Flag => Value::Flag,
        };
        Node {
            schema,
            meta: Meta::default(),
            value,
        }
    }

    /// The statement name.
    pub fn name(&self) -> &'static str {
        self.schema.name
    }

    /// Children of a container (empty for other kinds).
    pub fn children(&self) -> &[Node] {
        match &self.value {
            Value::Container(c) => c,
            _ => &[],
        }
    }

    /// The entry with `key` of a list.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::List(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The value of a leaf.
    pub fn leaf(&self) -> Option<&str> {
        match &self.value {
            Value::Leaf(v) => Some(v),
            _ => None,
        }
    }
}

/// The child called `name` among `children`.
pub(crate) fn child<'a>(children: &'a [Node], name: &str) -> Option<&'a Node> {
    children.iter().find(|n| n.schema.name == name)
}

/// The child called `name`, mutable.
pub(crate) fn child_mut<'a>(children: &'a mut [Node], name: &str) -> Option<&'a mut Node> {
    children.iter_mut().find(|n| n.schema.name == name)
}

/// The child for `schema` among `children` (siblings described by `parent`), created
/// empty at its schema position when absent. An existing child of another shape (never
/// produced by this crate) is reset to the right one.
pub(crate) fn child_or_insert<'a>(
    children: &'a mut Vec<Node>,
    parent: &'static [SchemaNode],
    schema: &'static SchemaNode,
) -> &'a mut Node {
    let idx = match children.iter().position(|n| n.schema.name == schema.name) {
        Some(i) => i,
        None => {
            if schema.choice != 0 {
                // Members of a choice exclude each other (`accept` replaces `discard`).
                children.retain(|n| !schema.excludes(n.schema));
            }
            let rank = schema::rank(parent, schema);
            let at = children
                .iter()
                .position(|n| schema::rank(parent, n.schema) > rank)
                .unwrap_or(children.len());
            children.insert(at, Node::empty(schema));
            at
        }
    };
    let node = &mut children[idx];
    if std::mem::discriminant(&node.value) != std::mem::discriminant(&Node::empty(schema).value) {
        *node = Node::empty(schema);
    }
    node
}

/// Where the entries of one list are, by key: a hash index built on first use for
/// long lists (short ones are scanned), so that loading N entries into a list of M
/// costs O(N + M) instead of O(N * M). Valid while entries are only appended.
///
/// The index maps a 64-bit hash of the key to a position, without copying keys; a
/// lookup whose hash lands on another key (a collision) falls back to a scan.
#[derive(Default)]
pub(crate) struct KeyIndex {
    map: Option<HashMap<u64, usize, BuildHasherDefault<IdHasher>>>,
}

/// FNV-1a: fast for short keys such as names and prefixes.
fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hash map's own hasher for keys that are already hashes.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

impl KeyIndex {
    const SCAN_LIMIT: usize = 16;

    /// The position of `key` among `entries`.
    pub(crate) fn find(&mut self, entries: &[Entry], key: &str) -> Option<usize> {
        if self.map.is_none() {
            if entries.len() <= Self::SCAN_LIMIT {
                return entries.iter().position(|e| e.key == key);
            }
            let mut m = HashMap::with_capacity_and_hasher(entries.len() * 2, Default::default());
            for (i, e) in entries.iter().enumerate() {
                m.entry(key_hash(&e.key)).or_insert(i);
            }
            self.map = Some(m);
        }
        let m = self.map.as_ref()?;
        match m.get(&key_hash(key)) {
            None => None,
            Some(&i) if entries.get(i).is_some_and(|e| e.key == key) => Some(i),
            Some(_) => entries.iter().position(|e| e.key == key),
        }
    }

    /// Records that `key` was appended at `pos`.
    pub(crate) fn note(&mut self, key: &str, pos: usize) {
        if let Some(m) = &mut self.map {
            m.entry(key_hash(key)).or_insert(pos);
        }
    }

    /// The entry with `key`, appended empty when absent.
    pub(crate) fn entry_or_insert<'a>(
        &mut self,
        entries: &'a mut Vec<Entry>,
        key: &str,
    ) -> &'a mut Entry {
        let idx = match self.find(entries, key) {
            Some(i) => i,
            None => {
                self.note(key, entries.len());
                entries.push(Entry {
                    key: key.to_owned(),
                    meta: Meta::default(),
                    children: Vec::new(),
                });
                entries.len() - 1
            }
        };
        &mut entries[idx]
    }
}

/// Children of a container or list entry, as a mutable vector.
pub(crate) fn container_children(node: &mut Node) -> Option<&mut Vec<Node>> {
    match &mut node.value {
        Value::Container(c) => Some(c),
        _ => None,
    }
}

/// Merges `src` into `dst` (`load merge`): containers and list entries merge
/// recursively, leaves take the new value, leaf-lists gain the new values, new list
/// entries are appended. `src` is consumed: its nodes move into `dst`, nothing is
/// copied (a 10,000-route load moves its entries).
pub(crate) fn merge_children(dst: &mut Vec<Node>, src: Vec<Node>, parent: &'static [SchemaNode]) {
    for s in src {
        let d = child_or_insert(dst, parent, s.schema);
        merge_node(d, s);
    }
}

fn merge_node(dst: &mut Node, src: Node) {
    if src.meta.inactive {
        dst.meta.inactive = true;
    }
    if src.meta.annotation.is_some() {
        dst.meta.annotation = src.meta.annotation;
    }
    let children_schema = src.schema.children();
    match (&mut dst.value, src.value) {
        (Value::Leaf(d), Value::Leaf(s)) => *d = s,
        (Value::LeafList(d), Value::LeafList(s)) => {
            for v in s {
                if !d.contains(&v) {
                    d.push(v);
                }
            }
        }
        (Value::Container(d), Value::Container(s)) => merge_children(d, s, children_schema),
        (Value::List(d), Value::List(s)) => {
            let mut index = KeyIndex::default();
            for se in s {
                match index.find(d, &se.key) {
                    Some(i) => {
                        let de = &mut d[i];
                        if se.meta.inactive {
                            de.meta.inactive = true;
                        }
                        if se.meta.annotation.is_some() {
                            de.meta.annotation = se.meta.annotation;
                        }
                        merge_children(&mut de.children, se.children, children_schema);
                    }
                    None => {
                        index.note(&se.key, d.len());
                        d.push(se);
                    }
                }
            }
        }
        (Value::Flag, Value::Flag) => {}
        (d, s) => *d = s,
    }
}

/// One step of a resolved path: a statement, with the key when it selects a list entry.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) schema: &'static SchemaNode,
    pub(crate) key: Option<String>,
}

/// The words of an edit path for error messages: `["system", "login", "user bob"]`
/// (`["interfaces", "ge-0/0/0"]` for bare lists).
pub(crate) fn path_words(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .map(|s| match &s.key {
            Some(k) => entry_words(s.schema, k),
            None => s.schema.name.to_owned(),
        })
        .collect()
}

/// How an entry is named in an edit path: `user bob`, or `ge-0/0/0` for bare lists.
pub(crate) fn entry_words(schema: &SchemaNode, key: &str) -> String {
    if schema.bare {
        crate::keys::shown(schema, key)
    } else {
        format!("{} {}", schema.name, crate::keys::shown(schema, key))
    }
}

/// Empties the statement at `steps` for `load replace`: a container or list entry keeps
/// its place but loses its children; a leaf, leaf-list or flag is removed. Absent
/// statements are ignored (replace of something new is a plain add).
pub(crate) fn clear_at(children: &mut Vec<Node>, steps: &[Step]) {
    let Some((first, rest)) = steps.split_first() else {
        return;
    };
    let Some(pos) = children
        .iter()
        .position(|n| n.schema.name == first.schema.name)
    else {
        return;
    };
    let last = rest.is_empty();
    match (&first.key, &mut children[pos].value) {
        (None, Value::Container(c)) if last => c.clear(),
        (None, Value::Container(c)) => clear_at(c, rest),
        (None, _) if last => {
            children.remove(pos);
        }
        (Some(k), Value::List(entries)) => {
            if let Some(e) = entries.iter_mut().find(|e| &e.key == k) {
                if last {
                    e.children.clear();
                } else {
                    clear_at(&mut e.children, rest);
                }
            }
        }
        _ => {}
    }
}

/// Clears the `inactive` tag of the statement at `steps` (`active:` in loads). Absent
/// statements are ignored.
pub(crate) fn activate_at(children: &mut [Node], steps: &[Step]) {
    let Some((first, rest)) = steps.split_first() else {
        return;
    };
    let Some(n) = children
        .iter_mut()
        .find(|n| n.schema.name == first.schema.name)
    else {
        return;
    };
    match (&first.key, &mut n.value) {
        (None, _) if rest.is_empty() => n.meta.inactive = false,
        (None, Value::Container(c)) => activate_at(c, rest),
        (Some(k), Value::List(entries)) => {
            if let Some(e) = entries.iter_mut().find(|e| &e.key == k) {
                if rest.is_empty() {
                    e.meta.inactive = false;
                } else {
                    activate_at(&mut e.children, rest);
                }
            }
        }
        _ => {}
    }
}

/// Removes the statement at `steps` (one value of a leaf-list when `value` is given),
/// for delete markers in loads. Absent statements are ignored.
pub(crate) fn delete_at(children: &mut Vec<Node>, steps: &[Step], value: Option<&str>) {
    let Some((first, rest)) = steps.split_first() else {
        return;
    };
    let Some(pos) = children
        .iter()
        .position(|n| n.schema.name == first.schema.name)
    else {
        return;
    };
    let remove = match (&first.key, &mut children[pos].value) {
        (None, Value::Container(c)) if !rest.is_empty() => {
            delete_at(c, rest, value);
            false
        }
        (None, Value::LeafList(vs)) if rest.is_empty() => match value {
            Some(v) => {
                vs.retain(|x| x != v);
                vs.is_empty()
            }
            None => true,
        },
        (None, _) => rest.is_empty(),
        (Some(k), Value::List(entries)) => {
            if let Some(i) = entries.iter().position(|e| &e.key == k) {
                if rest.is_empty() {
                    entries.remove(i);
                } else {
                    delete_at(&mut entries[i].children, rest, value);
                }
            }
            entries.is_empty()
        }
        _ => false,
    };
    if remove {
        children.remove(pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::HAND_ROOT as ROOT;

    #[test]
    fn children_are_inserted_in_schema_order() {
        let mut top = Vec::new();
        let security = schema::find(ROOT, "security").expect("security");
        let version = schema::find(ROOT, "version").expect("version");
        let system = schema::find(ROOT, "system").expect("system");
        child_or_insert(&mut top, ROOT, security);
        child_or_insert(&mut top, ROOT, version);
        child_or_insert(&mut top, ROOT, system);
        let names: Vec<_> = top.iter().map(Node::name).collect();
        assert_eq!(names, ["version", "system", "security"]);
    }
}
