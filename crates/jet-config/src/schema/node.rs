//! The schema of the supported configuration hierarchy.
//!
//! One static tree of [`SchemaNode`]s describes every statement: its name, its kind
//! (container, list, leaf, leaf-list, flag), the type of its value or key, and rules
//! (mandatory, secret, references). Every parser, printer, merge and validation walks
//! this schema; supporting a new statement means adding a node here, nothing else.
//! Children are listed in the order Junos prints them.

use crate::value::ValueType;

/// A static slice of the given statements followed by the top-level hierarchies
/// (`system` … `routing-instances`) in print order: the one list of them, used by the
/// root and by a group's body (`groups NAME { ... }` holds any part of the hierarchy).
macro_rules! with_hierarchies {
    ($($first:expr),* $(,)?) => {
        &[
            $($first,)*
            $crate::schema::container("system", "System parameters", $crate::schema::system::SYSTEM),
            $crate::schema::container("security", "Security parameters", $crate::schema::system::SECURITY),
            $crate::schema::container(
                "interfaces",
                "Interface configuration",
                $crate::schema::interfaces::INTERFACES,
            ),
            $crate::schema::container(
                "routing-options",
                "Protocol-independent routing option configuration",
                $crate::schema::routing::ROUTING_OPTIONS,
            ),
            $crate::schema::container(
                "policy-options",
                "Policy option configuration",
                $crate::schema::policy::POLICY_OPTIONS,
            ),
            $crate::schema::container(
                "firewall",
                "Define a firewall configuration",
                $crate::schema::firewall::FIREWALL,
            ),
            $crate::schema::container(
                "routing-instances",
                "Routing instance configuration",
                $crate::schema::routing::ROUTING_INSTANCES,
            ),
        ]
    };
}

mod firewall;
mod groups;
mod interfaces;
mod policy;
mod routing;
mod system;

pub use self::firewall::{FIREWALL_PROTOCOLS, POLICERS};
pub use self::interfaces::SPEEDS;
pub use self::policy::{POLICY_PROTOCOLS, PREFIX_LISTS};
pub use self::system::{
    CA_PROFILES, CLIENT_CERT_REQUESTS, LOCAL_CERTIFICATES, LOGIN_CLASSES, PERMISSIONS,
    SYSLOG_FACILITIES, SYSLOG_SEVERITIES,
};

/// One statement of the schema.
#[derive(Debug)]
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
    /// Lists: entries are written without the statement name (`interfaces { ge-0/0/0
    /// {...} }`, `prefix-list p { 10.0.0.0/8; }`); a word that is no statement of the
    /// level is a key of this list. At most one per level.
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
    /// Containers and list entries holding one simple statement are written on one
    /// line (`then accept;`, `route 0.0.0.0/0 next-hop 192.0.2.1;`).
    pub oneliner: bool,
}

/// The kind of a statement.
#[derive(Debug)]
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
    /// The child statements of a container or list entry (empty for other kinds).
    /// `apply-groups`, allowed everywhere, is not listed (see [`find`]).
    pub fn children(&self) -> &'static [SchemaNode] {
        match self.kind {
            Kind::Container { children, .. } | Kind::List { children, .. } => children,
            _ => &[],
        }
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

    const fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }

    const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    const fn refers_to(mut self, list: &'static [&'static str]) -> Self {
        self.reference = Some(list);
        self
    }

    const fn bare(mut self) -> Self {
        self.bare = true;
        self
    }

    const fn braced(mut self) -> Self {
        self.braced = true;
        self
    }

    const fn inline(mut self) -> Self {
        self.inline = true;
        self
    }

    const fn choice(mut self, group: u8) -> Self {
        self.choice = group;
        self
    }

    const fn flat(mut self) -> Self {
        self.flat = true;
        self
    }

    const fn oneliner(mut self) -> Self {
        self.oneliner = true;
        self
    }

    const fn key_name(mut self, name: &'static str) -> Self {
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
    match nodes.iter().find(|n| n.name == name) {
        Some(n) => Some(n),
        None if name == "apply-groups" && !nodes.is_empty() => Some(&APPLY_GROUPS),
        None => None,
    }
}

/// The list whose entries are written bare at this level, if any.
pub fn bare_list(nodes: &'static [SchemaNode]) -> Option<&'static SchemaNode> {
    nodes.iter().find(|n| n.bare)
}

/// Position of `name` among `nodes` (print order); `apply-groups` comes first where
/// it is not listed.
pub(crate) fn order(nodes: &'static [SchemaNode], name: &str) -> usize {
    match nodes.iter().position(|n| n.name == name) {
        Some(p) => p + 1,
        None if name == "apply-groups" => 0,
        None => usize::MAX,
    }
}

/// The schema node at an absolute path of statement names (no list keys).
pub fn lookup(path: &[&str]) -> Option<&'static SchemaNode> {
    let (first, rest) = path.split_first()?;
    let mut node = find(ROOT, first)?;
    for name in rest {
        node = node.child(name)?;
    }
    Some(node)
}

const fn node(name: &'static str, kind: Kind, help: &'static str) -> SchemaNode {
    SchemaNode {
        name,
        kind,
        mandatory: false,
        secret: false,
        reference: None,
        help,
        key_name: "name",
        bare: false,
        braced: false,
        inline: false,
        choice: 0,
        flat: false,
        oneliner: false,
    }
}

const fn container(
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

const fn presence(
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

const fn list(
    name: &'static str,
    key: ValueType,
    help: &'static str,
    children: &'static [SchemaNode],
) -> SchemaNode {
    node(name, Kind::List { key, children }, help)
}

const fn leaf(name: &'static str, ty: ValueType, help: &'static str) -> SchemaNode {
    node(name, Kind::Leaf(ty), help)
}

const fn leaf_list(name: &'static str, ty: ValueType, help: &'static str) -> SchemaNode {
    node(name, Kind::LeafList(ty), help)
}

const fn flag(name: &'static str, help: &'static str) -> SchemaNode {
    node(name, Kind::Flag, help)
}

const TEXT: ValueType = ValueType::Text { max_len: 1024 };
const PORT: ValueType = ValueType::Uint { min: 1, max: 65535 };
const U32: ValueType = ValueType::Uint {
    min: 0,
    max: 4_294_967_295,
};

/// The top of the hierarchy, in print order (`version` first, like Junos).
pub static ROOT: &[SchemaNode] = with_hierarchies!(
    leaf("version", TEXT, "Software version information"),
    groups::GROUPS_NODE,
    APPLY_GROUPS_AT_ROOT,
);

const APPLY_GROUPS_AT_ROOT: SchemaNode = leaf_list(
    "apply-groups",
    ValueType::Name,
    "Groups from which to inherit configuration data",
)
.refers_to(GROUPS);

#[cfg(test)]
mod tests {
    use super::*;

    fn check_unique(nodes: &'static [SchemaNode], path: &str) {
        for (i, n) in nodes.iter().enumerate() {
            assert!(
                !nodes[..i].iter().any(|m| m.name == n.name),
                "duplicate statement {} under {path}",
                n.name
            );
            check_unique(n.children(), &format!("{path} {}", n.name));
        }
    }

    #[test]
    fn schema_has_unique_names_per_level() {
        check_unique(ROOT, "");
    }

    #[test]
    fn references_point_at_lists() {
        fn walk(nodes: &'static [SchemaNode]) {
            for n in nodes {
                if let Some(target) = n.reference {
                    let t = lookup(target).expect("reference target exists");
                    assert!(
                        matches!(t.kind, Kind::List { .. }),
                        "{} -> not a list",
                        n.name
                    );
                }
                walk(n.children());
            }
        }
        walk(ROOT);
    }
}
