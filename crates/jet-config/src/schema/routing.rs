//! `routing-options` (router id, AS, static routes, `rib inet6.0`) and
//! `routing-instances`.

use super::node::{container, flag, leaf, leaf_list, list, SchemaNode, U32};
use crate::value::ValueType;

const PREFERENCE: ValueType = ValueType::Uint {
    min: 0,
    max: 4_294_967_295,
};

pub(super) static ROUTING_OPTIONS: &[SchemaNode] = &[
    leaf("router-id", ValueType::Ipv4Addr, "Router identifier"),
    leaf(
        "autonomous-system",
        ValueType::Uint {
            min: 1,
            max: 4_294_967_295,
        },
        "Autonomous system number",
    ),
    list(
        "rib",
        ValueType::Name,
        "Routing table options (inet6.0, NAME.inet6.0)",
        RIB,
    ),
    container("static", "Static routes", STATIC),
];

static RIB: &[SchemaNode] = &[container("static", "Static routes", STATIC)];

static STATIC: &[SchemaNode] =
    &[list("route", ValueType::IpPrefix, "Destination prefix", ROUTE).oneliner_plus()];

static ROUTE: &[SchemaNode] = &[
    leaf_list("next-hop", ValueType::IpAddr, "Next hop to destination").choice(1),
    list(
        "qualified-next-hop",
        ValueType::IpAddr,
        "Next hop with qualifiers",
        QUALIFIED,
    ),
    flag(
        "discard",
        "Drop packets to destination; send no ICMP unreachables",
    )
    .choice(1),
    flag(
        "reject",
        "Drop packets to destination; send ICMP unreachables",
    )
    .choice(1),
    leaf("preference", PREFERENCE, "Preference value"),
    leaf("tag", U32, "Tag string"),
];

static QUALIFIED: &[SchemaNode] = &[leaf("preference", PREFERENCE, "Preference value")];

pub(super) static ROUTING_INSTANCES: &[SchemaNode] =
    &[list("instance", ValueType::Name, "Routing instance", INSTANCE).bare()];

static INSTANCE: &[SchemaNode] = &[
    leaf(
        "instance-type",
        // Every Junos instance type is accepted and stored; the device acts on
        // virtual-router and vrf.
        ValueType::Enum(&[
            "virtual-switch",
            "layer2-control",
            "mac-vrf",
            "forwarding",
            "no-forwarding",
            "l2vpn",
            "vpls",
            "virtual-router",
            "l2backhaul-vpn",
            "mpls-internet-multicast",
            "evpn",
            "mpls-forwarding",
            "evpn-vpws",
            "vrf",
        ]),
        "Type of routing instance",
    ),
    // A configured `interfaces NAME unit N` (checked by `validate`).
    list(
        "interface",
        ValueType::IflName,
        "Interface name for this routing instance",
        &[],
    ),
    container(
        "routing-options",
        "Protocol-independent routing option configuration",
        ROUTING_OPTIONS,
    ),
];
