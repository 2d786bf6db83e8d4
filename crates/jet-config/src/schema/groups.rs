//! `groups NAME { ... }`: configuration groups, inherited where `apply-groups` names
//! them. A group holds any part of the hierarchy (but no other groups).

use super::{container, firewall, interfaces, leaf_list, list, policy, routing, system};
use super::{SchemaNode, ValueType};

pub(super) const GROUPS_NODE: SchemaNode = list(
    "groups",
    ValueType::Name,
    "Configuration groups",
    GROUP_BODY,
)
.braced();

static GROUP_BODY: &[SchemaNode] = &[
    leaf_list(
        "apply-groups",
        ValueType::Name,
        "Groups from which to inherit configuration data",
    ),
    container("system", "System parameters", system::SYSTEM),
    container("security", "Security parameters", system::SECURITY),
    container(
        "interfaces",
        "Interface configuration",
        interfaces::INTERFACES,
    ),
    container(
        "routing-options",
        "Protocol-independent routing option configuration",
        routing::ROUTING_OPTIONS,
    ),
    container(
        "policy-options",
        "Policy option configuration",
        policy::POLICY_OPTIONS,
    ),
    container(
        "firewall",
        "Define a firewall configuration",
        firewall::FIREWALL,
    ),
    container(
        "routing-instances",
        "Routing instance configuration",
        routing::ROUTING_INSTANCES,
    ),
];
