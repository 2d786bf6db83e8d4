//! Builders for flexible tunnel profiles (`jnx.jet.routing.rib.FlexibleTunnel`): VXLAN
//! encapsulation and decapsulation profiles from text addresses.
//!
//! ```
//! use jet_sdk::tunnels::{vxlan_decap, vxlan_encap};
//! let enc = vxlan_encap("to-dc2", "fti0.1", 100, "192.0.2.1", "198.51.100.7", 4789);
//! let dec = vxlan_decap("from-dc2", "fti0.1", 100, "198.51.100.0/24", 4789);
//! assert_eq!(enc.interface_name, "fti0.1");
//! # let _ = dec;
//! ```

use crate::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress, NumericRange};
use crate::proto::jnx::jet::routing::base::{network_address::Af, NetworkAddress};
use crate::proto::jnx::jet::routing::rib::{
    tunnel_attributes::TunnelAttributesType, FlexibleTunnelProfile, TunnelActionType,
    TunnelAttributes, VxlanTunnelAttributes,
};

fn net(addr: &str) -> NetworkAddress {
    let ip = IpAddress {
        addr_format: Some(AddrFormat::AddrString(addr.into())),
    };
    NetworkAddress {
        af: Some(if addr.contains(':') {
            Af::Inet6(ip)
        } else {
            Af::Inet(ip)
        }),
    }
}

fn profile(
    name: &str,
    action: TunnelActionType,
    fti: &str,
    vxlan: VxlanTunnelAttributes,
) -> FlexibleTunnelProfile {
    FlexibleTunnelProfile {
        name: name.into(),
        action: action as i32,
        interface_name: fti.into(),
        attributes: Some(TunnelAttributes {
            tunnel_attributes_type: Some(TunnelAttributesType::Vxlan(vxlan)),
        }),
    }
}

/// An encapsulation profile: outer source `source` (a host address), destination
/// `destination`, UDP destination port `port`, source ports 49152–65535.
pub fn vxlan_encap(
    name: &str,
    fti: &str,
    vni: u32,
    source: &str,
    destination: &str,
    port: u32,
) -> FlexibleTunnelProfile {
    let host = if source.contains(':') { 128 } else { 32 };
    profile(
        name,
        TunnelActionType::Encapsulate,
        fti,
        VxlanTunnelAttributes {
            vni,
            source_prefix: Some(net(source)),
            source_prefix_len: host,
            source_udp_port_range: Some(NumericRange {
                min: 49152,
                max: 65535,
            }),
            destination_address: Some(net(destination)),
            destination_udp_port: port,
            ..Default::default()
        },
    )
}

/// A decapsulation profile for VXLAN `vni` from `source` (`addr/len`) to UDP `port`.
pub fn vxlan_decap(
    name: &str,
    fti: &str,
    vni: u32,
    source: &str,
    port: u32,
) -> FlexibleTunnelProfile {
    let (addr, len) = source.split_once('/').unwrap_or((source, ""));
    let len = len
        .parse()
        .unwrap_or(if addr.contains(':') { 128 } else { 32 });
    profile(
        name,
        TunnelActionType::Decapsulate,
        fti,
        VxlanTunnelAttributes {
            vni,
            source_prefix: Some(net(addr)),
            source_prefix_len: len,
            destination_udp_port: port,
            ..Default::default()
        },
    )
}
