//! `firewall`: family inet/inet6 filters with terms, and policers.

use super::node::{container, flag, leaf, list, SchemaNode};
use super::policy::PREFIX_LISTS;
use crate::value::ValueType;

/// IP protocols a firewall term can match by name (numbers 0..255 too).
pub const FIREWALL_PROTOCOLS: &[&str] = &[
    "ah", "egp", "esp", "gre", "icmp", "icmp6", "igmp", "ipip", "ospf", "pim", "rsvp", "sctp",
    "tcp", "udp", "vrrp",
];

/// Where a policer name points.
pub const POLICERS: &[&str] = &["firewall", "policer"];

const PROTOCOL: ValueType = ValueType::KeywordOrNumber {
    choices: FIREWALL_PROTOCOLS,
    max: 255,
};

pub(super) static FIREWALL: &[SchemaNode] = &[
    container("family", "Protocol family", FAMILY).flat(),
    list(
        "policer",
        ValueType::Name,
        "Policer template definition",
        POLICER,
    ),
];

static FAMILY: &[SchemaNode] = &[
    container("inet", "Protocol family IPv4 for firewall filter", INET),
    container("inet6", "Protocol family IPv6 for firewall filter", INET6),
];

static INET: &[SchemaNode] = &[list(
    "filter",
    ValueType::Name,
    "Define an IPv4 firewall filter",
    FILTER_V4,
)];
static INET6: &[SchemaNode] = &[list(
    "filter",
    ValueType::Name,
    "Define an IPv6 firewall filter",
    FILTER_V6,
)];

static FILTER_V4: &[SchemaNode] = &[list(
    "term",
    ValueType::Name,
    "Define a firewall term",
    TERM_V4,
)];
static FILTER_V6: &[SchemaNode] = &[list(
    "term",
    ValueType::Name,
    "Define a firewall term",
    TERM_V6,
)];

static TERM_V4: &[SchemaNode] = &[
    container("from", "Define match criteria", FROM_V4),
    container(
        "then",
        "Action to take if the 'from' condition is matched",
        THEN,
    )
    .oneliner_plus(),
];

static TERM_V6: &[SchemaNode] = &[
    container("from", "Define match criteria", FROM_V6),
    container(
        "then",
        "Action to take if the 'from' condition is matched",
        THEN,
    )
    .oneliner_plus(),
];

const fn addresses(name: &'static str, ty: ValueType, help: &'static str) -> SchemaNode {
    list(name, ty, help, ADDRESS).braced()
}

static ADDRESS: &[SchemaNode] = &[flag("except", "Match addresses not in this prefix").inline()];

const fn prefix_lists(name: &'static str, help: &'static str) -> SchemaNode {
    list(name, ValueType::Name, help, &[])
        .braced()
        .refers_to(PREFIX_LISTS)
}

const fn ports(name: &'static str, help: &'static str) -> SchemaNode {
    super::node::leaf_list(name, ValueType::Port, help)
}

static FROM_V4: &[SchemaNode] = &[
    addresses(
        "source-address",
        ValueType::Ipv4Prefix,
        "Match IP source address",
    ),
    addresses(
        "destination-address",
        ValueType::Ipv4Prefix,
        "Match IP destination address",
    ),
    prefix_lists(
        "source-prefix-list",
        "Match IP source prefixes in named list",
    ),
    prefix_lists(
        "destination-prefix-list",
        "Match IP destination prefixes in named list",
    ),
    super::node::leaf_list("protocol", PROTOCOL, "Match IP protocol type"),
    ports("port", "Match TCP/UDP source or destination port"),
    ports("source-port", "Match TCP/UDP source port"),
    ports("destination-port", "Match TCP/UDP destination port"),
];

static FROM_V6: &[SchemaNode] = &[
    addresses(
        "source-address",
        ValueType::Ipv6Prefix,
        "Match IP source address",
    ),
    addresses(
        "destination-address",
        ValueType::Ipv6Prefix,
        "Match IP destination address",
    ),
    prefix_lists(
        "source-prefix-list",
        "Match IP source prefixes in named list",
    ),
    prefix_lists(
        "destination-prefix-list",
        "Match IP destination prefixes in named list",
    ),
    super::node::leaf_list("next-header", PROTOCOL, "Match next header protocol type"),
    ports("port", "Match TCP/UDP source or destination port"),
    ports("source-port", "Match TCP/UDP source port"),
    ports("destination-port", "Match TCP/UDP destination port"),
];

static THEN: &[SchemaNode] = &[
    leaf(
        "count",
        ValueType::Name,
        "Count the packet in the named counter",
    ),
    leaf(
        "policer",
        ValueType::Name,
        "Name of policer to use to rate-limit traffic",
    )
    .refers_to(POLICERS),
    flag("log", "Log the packet"),
    flag("accept", "Accept the packet").choice(1),
    flag("discard", "Discard the packet").choice(1),
    flag("reject", "Reject the packet").choice(1),
];

static POLICER: &[SchemaNode] = &[
    container("if-exceeding", "Define rate limits", IF_EXCEEDING).mandatory(),
    container(
        "then",
        "Action to take if the rate limits are exceeded",
        POLICER_THEN,
    )
    .oneliner_plus(),
];

static IF_EXCEEDING: &[SchemaNode] = &[
    leaf(
        "bandwidth-limit",
        ValueType::Bandwidth,
        "Bandwidth limit (8000..100000000000 bits per second)",
    )
    .mandatory(),
    leaf(
        "burst-size-limit",
        ValueType::Bandwidth,
        "Burst size limit (1500..100000000000 bytes)",
    )
    .mandatory(),
];

static POLICER_THEN: &[SchemaNode] = &[flag("discard", "Discard the packet")];
