//! What the schema is made of: [`SchemaNode`], its kinds, the builders the hierarchy
//! modules write it with, and lookups among siblings.

use crate::value::ValueType;

mod index;
pub(crate) use self::index::Fnv;

/// One statement of the schema.
#[derive(Debug, Clone)]
pub struct SchemaNode {
    /// Statement name as typed (`host-name`).
    pub name: &'static str,
    /// What the statement holds.
    pub kind: Kind,
    /// Must be present whenever its parent is (checked by `validate`).
    pub mandatory: bool,
    /// Secret value: printed with a trailing ` ## SECRET-DATA` in text.
    pub secret: bool,
    /// The value must name an entry of the list at this absolute schema path.
    pub reference: Option<&'static [&'static str]>,
    /// One-line help (CLI completion).
    pub help: &'static str,
    /// Lists: the element (XML) or member (JSON) that holds the key (`name`).
    pub key_name: &'static str,
    /// Lists with several keys (Junos facts): every key in order, with how it is typed.
    /// Empty for a list of one key (its type is `Kind::List::key`). An entry's key is
    /// then the keys' values joined by [`KEY_SEP`](crate::schema::KEY_SEP).
    pub keys: &'static [KeySpec],
    /// Lists: entries are written without the statement name (`interfaces { ge-0/0/0
    /// {...} }`, `prefix-list p { 10.0.0.0/8; }`); a word that is no statement of the
    /// level is a key of this list. At most one per level. Leaves and leaf-lists: the
    /// value is written without the name (`802.3ad ae0;`).
    pub bare: bool,
    /// Lists: entries are written inside one block named after the list (`groups { g1
    /// {...} }`, `source-address { 10.0.0.0/8; }`).
    pub braced: bool,
    /// Flags and leaves of list entries: written on the entry's line after the key
    /// (`route-filter 10.0.0.0/8 orlonger;`, `any notice;`).
    pub inline: bool,
    /// Non-zero: siblings with the same group exclude each other; setting one removes
    /// the others (`accept` / `discard` / `reject`).
    pub choice: u8,
    /// Containers: each child is written on its own line after the container's name
    /// (`family inet { ... }`, `family mpls;`).
    pub flat: bool,
    /// Junos's `oneliner`: containers and list entries whose statements are all simple
    /// are written on one line (`hold-time up 2000 down 0;`, `file bgp.log size 10m
    /// files 10;`, `flag update detail;`).
    pub oneliner: bool,
    /// Junos's `oneliner-plus`: containers and list entries holding one simple
    /// statement are written on one line (`then accept;`, `route 0.0.0.0/0 next-hop
    /// 192.0.2.1;`, `level 1 disable;`), and presence containers whose statements are
    /// all simple (`archive size 1m files 3;`); several statements go in braces.
    pub oneliner_plus: bool,
    /// Within a choice: the case (YANG) this statement belongs to; statements of the
    /// same non-zero case do not exclude each other. 0: a case of its own.
    pub case: u8,
    /// The XML element (and JSON member) name, when it differs from `name`
    /// (`ieee-802.3ad` for `802.3ad`); `name` otherwise.
    pub xml_name: &'static str,
    /// Lists and leaf-lists: the most entries or values allowed (0: no limit).
    pub max_elements: u32,
    /// Lists and leaf-lists: the fewest entries or values allowed when present.
    pub min_elements: u32,
    /// `junos:must` expressions of the facts (evaluated where [`must_reference`] can).
    ///
    /// [`must_reference`]: crate::schema::must_reference
    pub must: &'static [&'static str],
    /// The generated (Junos facts) node this statement joins, or [`NO_GEN`]: the
    /// statements below it come from both the hand schema and the facts.
    pub gen: u32,
}

/// One key of a list with several keys.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// The key's name (its XML element and JSON member).
    pub name: &'static str,
    /// The key's type.
    pub ty: ValueType,
    /// How it is typed.
    pub form: KeyForm,
}

/// How a key of a list with several keys is typed in text and `set` commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// The value alone (`route 10.0.0.0/8`, `mac 00:11:22:33:44:55`).
    Bare,
    /// After the key's name (`transit-area 0.0.0.1`).
    Keyword,
    /// A Junos choice: one word of the key's enumeration (`exact`, `upto`), which is
    /// also the XML element (`<exact/>`, `<upto>/24</upto>`).
    ChoiceIdent,
    /// The value of the choice before it, for the choices that take one (`upto /24`);
    /// empty otherwise.
    ChoiceValue,
}

/// Junos choice words of list keys that are followed by a value (`upto /24`, `through
/// 10.0.0.0/16`, `prefix-length-range /16-/24`, `address-mask 255.255.0.0`); every other
/// choice word (`exact`, `orlonger`, `add`, `set`...) stands alone.
pub fn choice_takes_value(word: &str) -> bool {
    matches!(
        word,
        "upto" | "through" | "prefix-length-range" | "address-mask"
    )
}

/// Separates the values of the keys of a list with several keys in an entry's key.
pub const KEY_SEP: char = '\u{1f}';

/// [`SchemaNode::gen`] of a statement the facts do not have.
pub const NO_GEN: u32 = u32::MAX;

/// The kind of a statement.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A container of statements. `presence`: the container alone means something
    /// (`clear-text;` turns the listener on with defaults).
    Container {
        /// True when an empty container is meaningful.
        presence: bool,
        /// Child statements, in print order.
        children: &'static [SchemaNode],
    },
    /// Entries keyed by a value (`user NAME { ... }`), kept in insertion order.
    List {
        /// Type of the key.
        key: ValueType,
        /// Child statements of each entry.
        children: &'static [SchemaNode],
    },
    /// One value (`port 32767;`).
    Leaf(ValueType),
    /// Several values (`address [ a b ];`), kept in insertion order without duplicates.
    LeafList(ValueType),
    /// A statement without value (`skip-authentication;`).
    Flag,
}

impl SchemaNode {
    /// True when setting `self` removes the sibling `other` (different cases of one
    /// choice).
    pub fn excludes(&self, other: &SchemaNode) -> bool {
        self.choice != 0
            && self.choice == other.choice
            && (self.case == 0 || self.case != other.case)
            && self.name != other.name
    }

    /// The child statement called `name`.
    pub fn child(&self, name: &str) -> Option<&'static SchemaNode> {
        find(self.children(), name)
    }

    /// The value type of a leaf, leaf-list, or list key.
    pub fn value_type(&self) -> Option<ValueType> {
        match self.kind {
            Kind::Leaf(t) | Kind::LeafList(t) => Some(t),
            Kind::List { key, .. } => Some(key),
            _ => None,
        }
    }

    /// True for a list.
    pub fn is_list(&self) -> bool {
        matches!(self.kind, Kind::List { .. })
    }

    pub(super) const fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }

    pub(super) const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    pub(super) const fn refers_to(mut self, list: &'static [&'static str]) -> Self {
        self.reference = Some(list);
        self
    }

    pub(super) const fn bare(mut self) -> Self {
        self.bare = true;
        self
    }

    pub(super) const fn braced(mut self) -> Self {
        self.braced = true;
        self
    }

    pub(super) const fn inline(mut self) -> Self {
        self.inline = true;
        self
    }

    pub(super) const fn choice(mut self, group: u8) -> Self {
        self.choice = group;
        self
    }

    pub(super) const fn flat(mut self) -> Self {
        self.flat = true;
        self
    }

    pub(super) const fn oneliner_plus(mut self) -> Self {
        self.oneliner_plus = true;
        self
    }

    pub(super) const fn key_name(mut self, name: &'static str) -> Self {
        self.key_name = name;
        self
    }
}

/// `apply-groups [ g1 g2 ]`: allowed at every level that has statements.
pub static APPLY_GROUPS: SchemaNode = leaf_list(
    "apply-groups",
    ValueType::Name,
    "Groups from which to inherit configuration data",
)
.refers_to(GROUPS);

/// Where `apply-groups` points.
pub const GROUPS: &[&str] = &["groups"];

/// The statement called `name` among `nodes`; `apply-groups` is found at any level
/// that has statements.
pub fn find(nodes: &'static [SchemaNode], name: &str) -> Option<&'static SchemaNode> {
    match index::by_name(nodes, name) {
        Some(n) => Some(n),
        None if name == "apply-groups" && !nodes.is_empty() => Some(&APPLY_GROUPS),
        None => None,
    }
}

/// The statement whose XML element (JSON member) is `name` among `nodes`.
pub fn find_xml(nodes: &'static [SchemaNode], name: &str) -> Option<&'static SchemaNode> {
    match index::by_xml(nodes, name) {
        Some(n) => Some(n),
        None => find(nodes, name),
    }
}

/// The list whose entries are written bare at this level, if any.
pub fn bare_list(nodes: &'static [SchemaNode]) -> Option<&'static SchemaNode> {
    nodes.iter().find(|n| n.bare && n.is_list())
}

/// The leaf or leaf-list written without its name (Junos `nokeyword`: `802.3ad ae0;`)
/// that takes `word` at this level: the first whose type accepts it, else the first.
pub fn bare_leaf(nodes: &'static [SchemaNode], word: &str) -> Option<&'static SchemaNode> {
    let mut first = None;
    for n in nodes
        .iter()
        .filter(|n| n.bare && matches!(n.kind, Kind::Leaf(_) | Kind::LeafList(_)))
    {
        if n.value_type()
            .is_none_or(|t| t.canonical(n.name, word).is_ok())
        {
            return Some(n);
        }
        first.get_or_insert(n);
    }
    first
}

/// Position of `name` among `nodes` (print order); `apply-groups` comes first where
/// it is not listed.
pub(crate) fn order(nodes: &'static [SchemaNode], name: &str) -> usize {
    match index::by_name(nodes, name).and_then(|n| index::position(nodes, n)) {
        Some(p) => p,
        None if name == "apply-groups" => 0,
        None => usize::MAX,
    }
}

/// [`order`] of a statement of `nodes` (found there by a parser): from its address,
/// without a name lookup.
pub(crate) fn rank(nodes: &'static [SchemaNode], sn: &'static SchemaNode) -> usize {
    match index::position(nodes, sn) {
        Some(p) => p,
        None => order(nodes, sn.name),
    }
}

pub(super) const fn node(name: &'static str, kind: Kind, help: &'static str) -> SchemaNode {
    SchemaNode {
        name,
        kind,
        mandatory: false,
        secret: false,
        reference: None,
        help,
        key_name: "name",
        keys: &[],
        bare: false,
        braced: false,
        inline: false,
        choice: 0,
        flat: false,
        oneliner: false,
        oneliner_plus: false,
        case: 0,
        xml_name: name,
        max_elements: 0,
        min_elements: 0,
        must: &[],
        gen: NO_GEN,
    }
}

pub(super) const fn container(
    name: &'static str,
    help: &'static str,
    children: &'static [SchemaNode],
) -> SchemaNode {
    node(
        name,
        Kind::Container {
            presence: false,
            children,
        },
        help,
    )
}

pub(super) const fn presence(
    name: &'static str,
    help: &'static str,
    children: &'static [SchemaNode],
) -> SchemaNode {
    node(
        name,
        Kind::Container {
            presence: true,
            children,
        },
        help,
    )
}

pub(super) const fn list(
    name: &'static str,
    key: ValueType,
    help: &'static str,
    children: &'static [SchemaNode],
) -> SchemaNode {
    node(name, Kind::List { key, children }, help)
}

pub(super) const fn leaf(name: &'static str, ty: ValueType, help: &'static str) -> SchemaNode {
    node(name, Kind::Leaf(ty), help)
}

pub(super) const fn leaf_list(name: &'static str, ty: ValueType, help: &'static str) -> SchemaNode {
    node(name, Kind::LeafList(ty), help)
}

pub(super) const fn flag(name: &'static str, help: &'static str) -> SchemaNode {
    node(name, Kind::Flag, help)
}

pub(super) const TEXT: ValueType = ValueType::Text { max_len: 1024 };
pub(super) const PORT: ValueType = ValueType::Uint { min: 1, max: 65535 };
pub(super) const U32: ValueType = ValueType::Uint {
    min: 0,
    max: 4_294_967_295,
};
