//! Interface objects configured through the JET Interfaces API (dcd): the device side of
//! `jnx.jet.interfaces.Interfaces`, free of protobuf so that every API generation (the
//! current one in jsd's `svc/interfaces`, the older `interface.*` services) drives the
//! same objects.
//!
//! ```text
//!  jsd adapter ─ IfApiOp ─► Device::interfaces_api(client, session, op)
//!                               ▼ IfdRequest::Api (ifd task, the only writer)
//!                           ApiState::apply  (checks, ownership, upsert/reset, delete)
//!                               ▼ merge(configured, api) ─► Model::set_config
//!                           snapshot + interface events: `show interfaces`, Direct/Local
//!                           routes, jet-events, the routing Interfaces service
//! ```
//!
//! Rules (`spec/jet-wire-contract.md` section 7, and what this device chose where the
//! contract is silent):
//! - **Objects.** Interface (`ge-0/0/N`, `fxp0`, `lo0` exist; `aeN` and `ftiN`, N ≤ 127,
//!   are created), unit, family (inet, inet6, mpls), address, static ARP/NDP entry. Each
//!   object's parents must exist (in the configuration or through the API) before it is
//!   added.
//! - **Ownership.** The first client to configure anything under an interface owns that
//!   interface's whole API tree; other clients get NOT_OWNER_OF_OBJECT until the owner has
//!   deleted everything it configured there (or was purged). Objects of the committed
//!   configuration belong to nobody: a unit created by configuration is *public*, clients
//!   may add families, addresses and ARP entries under it but cannot delete it
//!   (NOT_OWNER_OF_OBJECT).
//! - **Configuration wins.** API objects are never written into the configuration. Adding
//!   an object the configuration already has, or setting an attribute the configuration
//!   sets, is refused (OPERATION_FAILED); a later commit that configures the same object or
//!   attribute takes precedence over the API's value while it is committed.
//! - **Add** creates; an object that exists already is OPERATION_FAILED. **Update** is an
//!   upsert: only the attributes given change; a string attribute with an empty value, or
//!   an integer attribute with an invalid value, resets it. **Delete** removes the API
//!   objects at and below the key, never the parents; nothing there: OBJECT_NOT_FOUND.
//! - **Attributes.** Interface: string `mac`, integer `mtu` (256–9192; not on lo0/ftiN);
//!   unit: integer `vlan-id` (1–4094, needs `vlan-tagging` configured on the interface);
//!   address: string `mac`; ARP/NDP: string `mac` (mandatory), integer `receive` (0/1).
//!   A known attribute on an object it does not apply to is INTERFACE_PORT_MISMATCH; an
//!   unknown key OPERATION_FAILED.
//! - **Addresses** are given as `A` (host) or `A/L` in `addr_string`, or as 4/16 bytes (a
//!   host address); their family must be the family's (else INTERFACE_FAMILY_MISMATCH).
//! - **FTI** (this is a Junos OS, not an Evolved, platform of the MX class): VXLAN-GPE and
//!   IPIP are supported, UDP and GRE answer TUNNEL_ENCAP_TYPE_NOT_SUPPORTED_ON_PLATFORM;
//!   source and destination are IPv4 host addresses without prefix length and differ;
//!   EVO-only fields (ttl, tunnel_ri, payload_port_profile, GRE key) are refused with
//!   OPERATION_FAILED naming the field; the EVO-only sub-codes (26–37) are never produced;
//!   CLEAR_DF_BIT (42) has no field to set it and is never produced.
//! - **Purge.** When the last session of a client that owns objects ends, its objects are
//!   kept for the purge time (120 s by default, [`DEFAULT_PURGE_SECS`]) and then removed; a
//!   call from the client before that cancels the purge.

mod check;
mod merge;
mod state;
#[cfg(test)]
mod tests;
mod types;

pub use self::merge::merge;
pub use self::state::{ApiAddress, ApiClient, ApiFamily, ApiState, ApiTree, ApiUnit};
pub use self::types::{
    EncapRequest, IfApiCode, IfApiError, IfApiOp, IfApiReply, IfKey, IfObject, NetRequest,
    SourceRequest, TunnelRequest, UnitPermissions, DEFAULT_PURGE_SECS, NEVER_PURGE,
};
pub use crate::vocab::interfaces::{FamilyKind, StaticNeighbor, Tunnel, TunnelEncap};
