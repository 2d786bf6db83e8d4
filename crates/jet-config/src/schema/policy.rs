//! `policy-options`: prefix lists, communities, policy statements.

use super::node::{container, flag, leaf, leaf_list, list, SchemaNode, U32};
use crate::value::ValueType;

/// Route sources a policy term can match.
pub const POLICY_PROTOCOLS: &[&str] = &[
    "access-internal",
    "aggregate",
    "bgp",
    "direct",
    "isis",
    "local",
    "ospf",
    "ospf3",
    "static",
];

/// Where a prefix-list name points.
pub const PREFIX_LISTS: &[&str] = &["policy-options", "prefix-list"];
const COMMUNITIES: &[&str] = &["policy-options", "community"];

pub(super) static POLICY_OPTIONS: &[SchemaNode] = &[
    list(
        "prefix-list",
        ValueType::Name,
        "Define a list of prefixes",
        PREFIX_LIST,
    ),
    list(
        "policy-statement",
        ValueType::Name,
        "Routing policy",
        POLICY_STATEMENT,
    ),
    list(
        "community",
        ValueType::Name,
        "BGP community information",
        COMMUNITY,
    ),
];

static PREFIX_LIST: &[SchemaNode] =
    &[list("prefix-list-item", ValueType::IpPrefix, "Prefix", &[]).bare()];

static COMMUNITY: &[SchemaNode] = &[leaf_list(
    "members",
    ValueType::Text { max_len: 256 },
    "Community members",
)];

static POLICY_STATEMENT: &[SchemaNode] = &[list("term", ValueType::Name, "Policy term", TERM)];

static TERM: &[SchemaNode] = &[
    container("from", "Conditions to match the source of a route", FROM),
    container(
        "then",
        "Actions to take if 'from' and 'to' conditions match",
        THEN,
    )
    .oneliner_plus(),
];

static FROM: &[SchemaNode] = &[
    leaf_list(
        "protocol",
        ValueType::Enum(POLICY_PROTOCOLS),
        "Protocol from which route was learned",
    ),
    list(
        "route-filter",
        ValueType::IpPrefix,
        "Routes to match",
        ROUTE_FILTER,
    )
    .key_name("address"),
    leaf_list(
        "prefix-list",
        ValueType::Name,
        "Prefix-lists of routes to match",
    )
    .refers_to(PREFIX_LISTS),
];

static ROUTE_FILTER: &[SchemaNode] = &[
    flag("exact", "Exactly match the prefix length")
        .inline()
        .choice(1),
    flag("longer", "Mask is greater than the prefix length")
        .inline()
        .choice(1),
    flag(
        "orlonger",
        "Mask is greater than or equal to the prefix length",
    )
    .inline()
    .choice(1),
    leaf(
        "upto",
        ValueType::PrefixLen,
        "Mask falls between two prefix lengths",
    )
    .inline()
    .choice(1),
    leaf(
        "through",
        ValueType::IpPrefix,
        "Route falls between two prefixes",
    )
    .inline()
    .choice(1),
    leaf(
        "prefix-length-range",
        ValueType::PrefixLenRange,
        "Mask falls between two prefix lengths",
    )
    .inline()
    .choice(1),
    leaf(
        "address-mask",
        ValueType::IpAddr,
        "Mask applied to prefix address",
    )
    .inline()
    .choice(1),
];

static THEN: &[SchemaNode] = &[
    leaf(
        "local-preference",
        U32,
        "Local preference associated with a route",
    ),
    container("community", "BGP community properties", THEN_COMMUNITY),
    // `next-hop` (self, peer-address, an address, reject, discard, next-table) comes
    // from the facts.
    flag("accept", "Accept a route").choice(1),
    flag("reject", "Reject a route").choice(1),
    // OpenJET hand-written block (issue 12): the BGP import action that selects routes
    // for the BGP route service's RouteSubscribe stream.
    flag("analyze", "Send the route to BGP route-service subscribers"),
];

static THEN_COMMUNITY: &[SchemaNode] = &[
    leaf_list("add", ValueType::Name, "Add BGP communities to set").refers_to(COMMUNITIES),
    leaf_list("delete", ValueType::Name, "Delete BGP communities from set").refers_to(COMMUNITIES),
    leaf_list(
        "set",
        ValueType::Name,
        "Set the BGP communities in the route",
    )
    .refers_to(COMMUNITIES),
];
