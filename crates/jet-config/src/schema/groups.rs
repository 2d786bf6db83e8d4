//! `groups NAME { ... }`: configuration groups, inherited where `apply-groups` names
//! them. A group holds any part of the hierarchy (but no other groups).

use super::node::{leaf_list, list, SchemaNode};
use crate::value::ValueType;

pub(super) const GROUPS_NODE: SchemaNode = list(
    "groups",
    ValueType::Name,
    "Configuration groups",
    GROUP_BODY,
)
.braced();

static GROUP_BODY: &[SchemaNode] = with_hierarchies!(leaf_list(
    "apply-groups",
    ValueType::Name,
    "Groups from which to inherit configuration data",
));
