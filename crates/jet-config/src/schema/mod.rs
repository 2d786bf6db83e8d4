//! The schema of the supported configuration hierarchy.
//!
//! One static tree of [`SchemaNode`]s describes every statement: its name, its kind
//! (container, list, leaf, leaf-list, flag), the type of its value or key, and rules
//! (mandatory, secret, references). Every parser, printer, merge and validation walks
//! this schema; supporting a new statement means adding a node here, nothing else.
//! Children are listed in the order Junos prints them.
//!
//! `node` defines [`SchemaNode`] and the builders; one module per hierarchy (`system`,
//! `interfaces`, `routing`, `policy`, `firewall`, `groups`) builds its part with them;
//! this module assembles [`HAND_ROOT`]. `blob` reads the generated Junos schema,
//! `join` joins it with the hand schema into [`root`] (what everything else walks),
//! `rpc` exposes the Junos operational RPCs.

/// A static slice of the given statements followed by the top-level hierarchies
/// (`system` … `routing-instances`) in print order: the one list of them, used by the
/// root and by a group's body (`groups NAME { ... }` holds any part of the hierarchy).
macro_rules! with_hierarchies {
    ($($first:expr),* $(,)?) => {
        &[
            $($first,)*
            $crate::schema::node::container("system", "System parameters", $crate::schema::system::SYSTEM),
            $crate::schema::node::container("security", "Security parameters", $crate::schema::system::SECURITY),
            $crate::schema::node::container(
                "interfaces",
                "Interface configuration",
                $crate::schema::interfaces::INTERFACES,
            ),
            $crate::schema::node::container(
                "routing-options",
                "Protocol-independent routing option configuration",
                $crate::schema::routing::ROUTING_OPTIONS,
            ),
            // OpenJET hand-written block (issue 12): `protocols bgp`, see protocols.rs.
            $crate::schema::node::container(
                "protocols",
                "Routing protocol configuration",
                $crate::schema::protocols::PROTOCOLS,
            ),
            $crate::schema::node::container(
                "policy-options",
                "Policy option configuration",
                $crate::schema::policy::POLICY_OPTIONS,
            ),
            $crate::schema::node::container(
                "firewall",
                "Define a firewall configuration",
                $crate::schema::firewall::FIREWALL,
            ),
            $crate::schema::node::container(
                "routing-instances",
                "Routing instance configuration",
                $crate::schema::routing::ROUTING_INSTANCES,
            ),
        ]
    };
}

mod blob;
mod firewall;
mod groups;
mod interfaces;
mod join;
pub use self::join::must_reference;
mod node;
mod policy;
mod protocols;
mod routing;
mod rpc;
mod system;

pub use self::firewall::{FIREWALL_PROTOCOLS, POLICERS};
pub use self::interfaces::SPEEDS;
pub(crate) use self::node::Fnv;
pub use self::node::{
    bare_leaf, bare_list, choice_takes_value, find, find_xml, KeyForm, KeySpec, Kind, SchemaNode,
    APPLY_GROUPS, GROUPS, KEY_SEP, NO_GEN,
};
pub(crate) use self::node::{order, rank};
pub use self::policy::{POLICY_PROTOCOLS, PREFIX_LISTS};
pub use self::rpc::{rpc, rpc_for_cli, rpc_for_command, rpc_xml, rpcs, Rpc, RpcArg};
pub use self::system::{
    CA_PROFILES, CLIENT_CERT_REQUESTS, LOCAL_CERTIFICATES, LOGIN_CLASSES, PERMISSIONS,
    SYSLOG_FACILITIES, SYSLOG_SEVERITIES,
};

use self::node::{leaf, leaf_list, TEXT};
use crate::value::ValueType;

/// The top of the whole schema: the hand schema ([`HAND_ROOT`]) joined with every
/// statement of Junos from the generated schema, in print order.
pub fn root() -> &'static [SchemaNode] {
    join::root(HAND_ROOT)
}

/// The schema node at an absolute path of statement names (no list keys).
pub fn lookup(path: &[&str]) -> Option<&'static SchemaNode> {
    let (first, rest) = path.split_first()?;
    let mut node = find(root(), first)?;
    for name in rest {
        node = node.child(name)?;
    }
    Some(node)
}

/// The top of the hand schema, in print order (`version` first, like Junos): the
/// statements we model by hand, with their semantics. Everything else reads [`root`].
pub static HAND_ROOT: &[SchemaNode] = with_hierarchies!(
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
        check_unique(HAND_ROOT, "");
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
        walk(HAND_ROOT);
    }
}
