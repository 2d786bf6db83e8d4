//! `protocols bgp`: groups, neighbors, AS numbers, peer type and policy names.
//!
//! ==== OpenJET hand-written block (issue 12: BGP route service) ====
//! Only what the BGP route service and `show bgp summary` read. The generated schema
//! that replaces the hand-written one subsumes this hierarchy; until then it is kept
//! apart here so the replacement is one file.

use super::node::{container, leaf, leaf_list, list, SchemaNode, TEXT};
use crate::value::ValueType;

const AS_NUMBER: ValueType = ValueType::Uint {
    min: 1,
    max: 4_294_967_295,
};
/// Where `import` and `export` point.
const POLICIES: &[&str] = &["policy-options", "policy-statement"];

pub(super) static PROTOCOLS: &[SchemaNode] = &[container("bgp", "BGP options", BGP)];

static BGP: &[SchemaNode] = &[
    leaf("description", TEXT, "Text description"),
    leaf("local-as", AS_NUMBER, "Local autonomous system number"),
    leaf_list("import", ValueType::Name, "Import policy").refers_to(POLICIES),
    leaf_list("export", ValueType::Name, "Export policy").refers_to(POLICIES),
    list("group", ValueType::Name, "Define a peer group", GROUP),
];

static GROUP: &[SchemaNode] = &[
    leaf(
        "type",
        ValueType::Enum(&["internal", "external"]),
        "Type of peer group",
    ),
    leaf("description", TEXT, "Text description"),
    leaf(
        "local-address",
        ValueType::IpAddr,
        "Address of local end of BGP session",
    ),
    leaf("local-as", AS_NUMBER, "Local autonomous system number"),
    leaf(
        "peer-as",
        AS_NUMBER,
        "Autonomous system number of the peers",
    ),
    leaf("cluster", ValueType::Ipv4Addr, "Cluster identifier"),
    leaf_list("import", ValueType::Name, "Import policy").refers_to(POLICIES),
    leaf_list("export", ValueType::Name, "Export policy").refers_to(POLICIES),
    list(
        "neighbor",
        ValueType::IpAddr,
        "Configure a neighbor",
        NEIGHBOR,
    ),
];

static NEIGHBOR: &[SchemaNode] = &[
    leaf("description", TEXT, "Text description"),
    leaf(
        "local-address",
        ValueType::IpAddr,
        "Address of local end of BGP session",
    ),
    leaf("peer-as", AS_NUMBER, "Autonomous system number of the peer"),
    leaf_list("import", ValueType::Name, "Import policy").refers_to(POLICIES),
    leaf_list("export", ValueType::Name, "Export policy").refers_to(POLICIES),
];
// ==== end of the OpenJET hand-written block ====
