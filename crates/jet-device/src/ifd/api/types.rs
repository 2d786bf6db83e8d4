//! The request, reply and error types of the Interfaces API (a leaf: the checks, the
//! state and the merge import them; `api` re-exports them).

use std::net::IpAddr;

use crate::vocab::interfaces::{FamilyKind, TunnelEncap};

/// Default time a disconnected client's objects are kept, seconds.
pub const DEFAULT_PURGE_SECS: u32 = 120;
/// The purge time meaning "never purge".
pub const NEVER_PURGE: u32 = u32::MAX;

/// The key of one interface object; each level repeats its parents' keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfKey {
    /// A physical or aggregate interface (`ge-0/0/1`, `ae0`, `fti0`).
    Interface {
        /// Interface name.
        port: String,
    },
    /// A logical unit.
    Unit {
        /// Interface name.
        port: String,
        /// Unit number.
        unit: u32,
    },
    /// A protocol family of a unit.
    Family {
        /// Interface name.
        port: String,
        /// Unit number.
        unit: u32,
        /// Family.
        family: FamilyKind,
    },
    /// An address of a family.
    Address {
        /// Interface name.
        port: String,
        /// Unit number.
        unit: u32,
        /// Family.
        family: FamilyKind,
        /// The local address.
        address: IpAddr,
        /// Its prefix length (`None`: a host address).
        prefix_len: Option<u8>,
    },
    /// A static ARP (inet) or NDP (inet6) entry under an address.
    Arp {
        /// Interface name.
        port: String,
        /// Unit number.
        unit: u32,
        /// Family.
        family: FamilyKind,
        /// The interface address the entry hangs under.
        address: IpAddr,
        /// The neighbour's address.
        neighbor: IpAddr,
    },
}

impl IfKey {
    /// The interface the object belongs to.
    pub fn port(&self) -> &str {
        match self {
            IfKey::Interface { port }
            | IfKey::Unit { port, .. }
            | IfKey::Family { port, .. }
            | IfKey::Address { port, .. }
            | IfKey::Arp { port, .. } => port,
        }
    }

    /// The unit, for objects at or below a unit.
    pub fn unit(&self) -> Option<u32> {
        match self {
            IfKey::Interface { .. } => None,
            IfKey::Unit { unit, .. }
            | IfKey::Family { unit, .. }
            | IfKey::Address { unit, .. }
            | IfKey::Arp { unit, .. } => Some(*unit),
        }
    }
}

impl std::fmt::Display for IfKey {
    /// `interface ge-0/0/1`, `unit ge-0/0/1.0`, `family inet of ge-0/0/1.0`, ...
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IfKey::Interface { port } => write!(f, "interface {port}"),
            IfKey::Unit { port, unit } => write!(f, "unit {port}.{unit}"),
            IfKey::Family {
                port, unit, family, ..
            } => write!(f, "family {family} of {port}.{unit}"),
            IfKey::Address {
                port,
                unit,
                family,
                address,
                ..
            } => write!(f, "address {address} of {port}.{unit} family {family}"),
            IfKey::Arp {
                port,
                unit,
                address,
                neighbor,
                family,
            } => {
                let what = if *family == FamilyKind::Inet6 {
                    "NDP"
                } else {
                    "ARP"
                };
                write!(
                    f,
                    "{what} entry {neighbor} under address {address} of {port}.{unit}"
                )
            }
        }
    }
}

/// One interface object as given to Add/Update/Delete, or as Get returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfObject {
    /// Which object.
    pub key: IfKey,
    /// String attributes (`mac`), in request order.
    pub strings: Vec<(String, String)>,
    /// Integer attributes (`mtu`, `vlan-id`, `receive`), in request order.
    pub integers: Vec<(String, u32)>,
    /// Aggregate members (`Some`: the request carried aggregate options).
    pub members: Option<Vec<String>>,
    /// Tunnel settings of a unit, as received (checked by the device).
    pub tunnel: Option<Box<TunnelRequest>>,
}

impl IfObject {
    /// An object with its key only.
    pub fn new(key: IfKey) -> IfObject {
        IfObject {
            key,
            strings: Vec::new(),
            integers: Vec::new(),
            members: None,
            tunnel: None,
        }
    }

    /// The string attribute `key`, if given.
    pub fn string(&self, key: &str) -> Option<&str> {
        self.strings
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The integer attribute `key`, if given.
    pub fn integer(&self, key: &str) -> Option<u32> {
        self.integers
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
    }
}

/// Tunnel settings of a unit as the client sent them (presence kept, so that the device
/// can tell "not given" from "given empty" and answer the contract's sub-codes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TunnelRequest {
    /// The encapsulation (`None`: not given).
    pub encapsulation: Option<EncapRequest>,
    /// `fragmentation`: 1 = allow-fragmentation, 0 = not.
    pub fragmentation: u32,
}

/// One FTI encapsulation as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncapRequest {
    /// Which encapsulation.
    pub kind: TunnelEncap,
    /// The source (`None`: not given).
    pub source: Option<SourceRequest>,
    /// The destination: `None` when the message is absent, `Some(None)` when it has no
    /// address.
    pub destination: Option<Option<NetRequest>>,
    /// VXLAN-GPE tunnel endpoint type.
    pub tunnel_endpoint: String,
    /// VXLAN-GPE destination UDP port (0: not given).
    pub udp_port: u32,
    /// VXLAN-GPE VNI (0: not given).
    pub vni: u32,
    /// Outer TTL (EVO only; 0: not given).
    pub ttl: u32,
    /// Tunnel-termination mode.
    pub terminate: bool,
    /// Bypass-loopback mode.
    pub bypass_loopback: bool,
    /// Tunnel routing instance (EVO only).
    pub tunnel_ri: String,
    /// UDP payload port profile (EVO only).
    pub payload_port_profile: String,
    /// GRE key (EVO only; 0: not given).
    pub gre_key: u32,
}

impl EncapRequest {
    /// An encapsulation of `kind` with nothing else given.
    pub fn new(kind: TunnelEncap) -> EncapRequest {
        EncapRequest {
            kind,
            source: None,
            destination: None,
            tunnel_endpoint: String::new(),
            udp_port: 0,
            vni: 0,
            ttl: 0,
            terminate: false,
            bypass_loopback: false,
            tunnel_ri: String::new(),
            payload_port_profile: String::new(),
            gre_key: 0,
        }
    }
}

/// A tunnel source as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRequest {
    /// An address with the prefix length given (0: none).
    Address(NetRequest),
    /// An interface name.
    Interface(String),
}

/// An address with an optional prefix length, as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetRequest {
    /// The address.
    pub addr: IpAddr,
    /// The prefix length given (0: none).
    pub prefix_len: u32,
}

/// A JET Interfaces API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfApiOp {
    /// InterfaceAdd.
    Add(IfObject),
    /// InterfaceUpdate (upsert).
    Update(IfObject),
    /// InterfaceDelete (ARP entries carry their `mac`).
    Delete(IfObject),
    /// InterfaceGet.
    Get(IfKey),
    /// InterfaceUnitPermissionsGet.
    UnitPermissions {
        /// Interface name.
        port: String,
        /// Unit number.
        unit: u32,
    },
    /// Sets the client's purge time in seconds (`None`: back to the default;
    /// [`NEVER_PURGE`]: never). For the older generation's `setClientTimeout`.
    SetPurgeTime(Option<u32>),
    /// The client's purge time in force.
    GetPurgeTime,
}

/// What an API request returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfApiReply {
    /// Done.
    Done,
    /// The object Get asked for (API and configured attributes the API can set).
    Object(Box<IfObject>),
    /// Who created a unit.
    Permissions(UnitPermissions),
    /// The purge time in force, seconds.
    PurgeTime(u32),
}

/// InterfaceUnitPermissionsGet's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPermissions {
    /// The caller created the unit.
    pub is_owner: bool,
    /// Some client created the unit (false: the configuration did — a public unit).
    pub client_created_unit: bool,
    /// The client that created it (empty for a public unit).
    pub client_name: String,
}

/// The contract's sub-codes (`InterfaceAddResponse.StatusCode` names; Delete, Get and
/// UnitPermissionsGet number the ones they share differently — jsd's `svc/status.rs`
/// maps them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum IfApiCode {
    NotOwnerOfObject,
    PortNameNotSpecified,
    UnitNotSpecified,
    FamilyNotSpecified,
    IpAddrNotSpecified,
    ArpAddrNotSpecified,
    ArpMacNotSpecified,
    InterfaceObjectMismatch,
    TunnelNotSpecified,
    TunnelNotSupported,
    TunnelEncapNotSupported,
    TunnelEncapNotSpecified,
    TunnelEncapSourceNotSpecified,
    TunnelEncapSrcIpv6AddrNotSupported,
    TunnelEncapSrcAddrSubnetMaskNotAllowed,
    TunnelEncapDestNotSpecified,
    TunnelEncapDestIpv6AddrNotSupported,
    TunnelEncapDestAddrSubnetMaskNotAllowed,
    TunnelEncapVniNotSpecified,
    TunnelEncapTunnelEndpointNotSpecified,
    TunnelEncapDestUdpPortNotSpecified,
    TunnelEncapTypeNotSupportedOnPlatform,
    TunnelEncapSrcDestAddrSame,
    /// A bad value or a state that fits no other code (Add/Update only; the other calls
    /// have no catch-all code).
    OperationFailed,
    TunnelEncapDestAddrNotSpecified,
    InterfacePortMismatch,
    InterfaceFamilyMismatch,
    TunnelFragmentationTunnelTerminateMismatch,
    TunnelFragmentationSrcDestTypeMismatch,
    /// Delete, Get, UnitPermissionsGet: the object is not configured.
    ObjectNotFound,
}

impl IfApiCode {
    /// The contract's name of the sub-code (`NOT_OWNER_OF_OBJECT`): each RPC's
    /// `StatusCode` enum numbers the names it has.
    pub fn name(self) -> &'static str {
        match self {
            IfApiCode::NotOwnerOfObject => "NOT_OWNER_OF_OBJECT",
            IfApiCode::PortNameNotSpecified => "PORT_NAME_NOT_SPECIFIED",
            IfApiCode::UnitNotSpecified => "UNIT_NOT_SPECIFIED",
            IfApiCode::FamilyNotSpecified => "FAMILY_NOT_SPECIFIED",
            IfApiCode::IpAddrNotSpecified => "IP_ADDR_NOT_SPECIFIED",
            IfApiCode::ArpAddrNotSpecified => "ARP_ADDR_NOT_SPECIFIED",
            IfApiCode::ArpMacNotSpecified => "ARP_MAC_NOT_SPECIFIED",
            IfApiCode::InterfaceObjectMismatch => "INTERFACE_OBJECT_MISMATCH",
            IfApiCode::TunnelNotSpecified => "TUNNEL_NOT_SPECIFIED",
            IfApiCode::TunnelNotSupported => "TUNNEL_NOT_SUPPORTED",
            IfApiCode::TunnelEncapNotSupported => "TUNNEL_ENCAP_NOT_SUPPORTED",
            IfApiCode::TunnelEncapNotSpecified => "TUNNEL_ENCAP_NOT_SPECIFIED",
            IfApiCode::TunnelEncapSourceNotSpecified => "TUNNEL_ENCAP_SOURCE_NOT_SPECIFIED",
            IfApiCode::TunnelEncapSrcIpv6AddrNotSupported => {
                "TUNNEL_ENCAP_SRC_IPV6_ADDR_NOT_SUPPORTED"
            }
            IfApiCode::TunnelEncapSrcAddrSubnetMaskNotAllowed => {
                "TUNNEL_ENCAP_SRC_ADDR_SUBNET_MASK_NOT_ALLOWED"
            }
            IfApiCode::TunnelEncapDestNotSpecified => "TUNNEL_ENCAP_DEST_NOT_SPECIFIED",
            IfApiCode::TunnelEncapDestIpv6AddrNotSupported => {
                "TUNNEL_ENCAP_DEST_IPV6_ADDR_NOT_SUPPORTED"
            }
            IfApiCode::TunnelEncapDestAddrSubnetMaskNotAllowed => {
                "TUNNEL_ENCAP_DEST_ADDR_SUBNET_MASK_NOT_ALLOWED"
            }
            IfApiCode::TunnelEncapVniNotSpecified => "TUNNEL_ENCAP_VNI_NOT_SPECIFIED",
            IfApiCode::TunnelEncapTunnelEndpointNotSpecified => {
                "TUNNEL_ENCAP_TUNNEL_ENDPOINT_NOT_SPECIFIED"
            }
            IfApiCode::TunnelEncapDestUdpPortNotSpecified => {
                "TUNNEL_ENCAP_DEST_UDP_PORT_NOT_SPECIFIED"
            }
            IfApiCode::TunnelEncapTypeNotSupportedOnPlatform => {
                "TUNNEL_ENCAP_TYPE_NOT_SUPPORTED_ON_PLATFORM"
            }
            IfApiCode::TunnelEncapSrcDestAddrSame => "TUNNEL_ENCAP_SRC_DEST_ADDR_SAME",
            IfApiCode::OperationFailed => "OPERATION_FAILED",
            IfApiCode::TunnelEncapDestAddrNotSpecified => "TUNNEL_ENCAP_DEST_ADDR_NOT_SPECIFIED",
            IfApiCode::InterfacePortMismatch => "INTERFACE_PORT_MISMATCH",
            IfApiCode::InterfaceFamilyMismatch => "INTERFACE_FAMILY_MISMATCH",
            IfApiCode::TunnelFragmentationTunnelTerminateMismatch => {
                "TUNNEL_FRAGMENTATION_TUNNEL_TERMINATE_MISMATCH"
            }
            IfApiCode::TunnelFragmentationSrcDestTypeMismatch => {
                "TUNNEL_FRAGMENTATION_SRC_DEST_TYPE_MISMATCH"
            }
            IfApiCode::ObjectNotFound => "OBJECT_NOT_FOUND",
        }
    }
}

/// A refused Interfaces API request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IfApiError {
    /// Refused with a contract sub-code; the message names the object and field.
    #[error("{message}")]
    Refused {
        /// Sub-code.
        code: IfApiCode,
        /// Why.
        message: String,
    },
    /// The interfaces task is gone (the device is shutting down).
    #[error("interfaces subsystem is shutting down")]
    ShuttingDown,
}

impl IfApiError {
    /// A refusal with `code`.
    pub fn new(code: IfApiCode, message: impl Into<String>) -> IfApiError {
        IfApiError::Refused {
            code,
            message: message.into(),
        }
    }

    /// The sub-code (`None` for [`IfApiError::ShuttingDown`]).
    pub fn code(&self) -> Option<IfApiCode> {
        match self {
            IfApiError::Refused { code, .. } => Some(*code),
            IfApiError::ShuttingDown => None,
        }
    }
}

/// Shorthand: `Err(refuse(Code, format!(...)))`.
pub(crate) fn refuse(code: IfApiCode, message: String) -> IfApiError {
    IfApiError::new(code, message)
}
