//! `interfaces`: physical devices (IFD), logical units (IFL), families and addresses.

use super::node::{container, flag, leaf, list, presence, SchemaNode, TEXT};
use crate::value::ValueType;

/// Values of `interfaces NAME speed`.
pub const SPEEDS: &[&str] = &[
    "10m", "100m", "1g", "2.5g", "5g", "10g", "25g", "40g", "50g", "100g", "400g", "auto",
];

/// Where an inet filter name points.
pub(super) const INET_FILTERS: &[&str] = &["firewall", "family", "inet", "filter"];
/// Where an inet6 filter name points.
pub(super) const INET6_FILTERS: &[&str] = &["firewall", "family", "inet6", "filter"];

pub(super) static INTERFACES: &[SchemaNode] =
    &[list("interface", ValueType::IfName, "Physical interface", IFD).bare()];

static IFD: &[SchemaNode] = &[
    leaf("description", TEXT, "Text description of interface"),
    flag("disable", "Disable this interface"),
    leaf(
        "mtu",
        ValueType::Uint {
            min: 256,
            max: 9216,
        },
        "Maximum transmission unit packet size",
    ),
    leaf("speed", ValueType::Enum(SPEEDS), "Link speed"),
    flag("vlan-tagging", "802.1q VLAN tagging support"),
    list(
        "unit",
        ValueType::Uint { min: 0, max: 16385 },
        "Logical interface",
        IFL,
    ),
];

static IFL: &[SchemaNode] = &[
    leaf("description", TEXT, "Text description of interface"),
    flag("disable", "Disable this logical interface"),
    leaf(
        "vlan-id",
        ValueType::Uint { min: 1, max: 4094 },
        "Virtual LAN identifier value for 802.1q VLAN tags",
    ),
    container("family", "Protocol family", FAMILY).flat(),
];

static FAMILY: &[SchemaNode] = &[
    container("inet", "IPv4 parameters", INET),
    container("inet6", "IPv6 protocol parameters", INET6),
    presence("mpls", "MPLS parameters", &[]),
];

static INET: &[SchemaNode] = &[
    container("filter", "Filter to be applied", INET_FILTER),
    list(
        "address",
        ValueType::Ipv4Prefix,
        "Interface address/destination prefix",
        ADDRESS,
    ),
];

static INET6: &[SchemaNode] = &[
    container("filter", "Filter to be applied", INET6_FILTER),
    list(
        "address",
        ValueType::Ipv6Prefix,
        "Interface address/destination prefix",
        ADDRESS,
    ),
];

static ADDRESS: &[SchemaNode] = &[flag("primary", "Candidate for primary address in system")];

static INET_FILTER: &[SchemaNode] = &[
    leaf(
        "input",
        ValueType::Name,
        "Name of filter applied to received packets",
    )
    .refers_to(INET_FILTERS),
    leaf(
        "output",
        ValueType::Name,
        "Name of filter applied to transmitted packets",
    )
    .refers_to(INET_FILTERS),
];

static INET6_FILTER: &[SchemaNode] = &[
    leaf(
        "input",
        ValueType::Name,
        "Name of filter applied to received packets",
    )
    .refers_to(INET6_FILTERS),
    leaf(
        "output",
        ValueType::Name,
        "Name of filter applied to transmitted packets",
    )
    .refers_to(INET6_FILTERS),
];
