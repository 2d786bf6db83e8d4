//! Builders for `jnx.jet.interfaces` (dcd) requests: one [`Obj`] names an interface
//! object with its keys and attributes, and becomes the Add, Update, Get or Delete request
//! for it (the `type` field always matches the object). Every builder ends in the
//! generated types, so anything they do not cover can still be set.
//!
//! ```
//! use jet_sdk::interfaces::{address, aggregate, arp, family, ipip_tunnel, unit, Af};
//! let bundle = aggregate("ae0", &["ge-0/0/1", "ge-0/0/2"]).integer("mtu", 9000);
//! let u = unit("ae0", 0);
//! let fam = family("ae0", 0, Af::Inet);
//! let addr = address("ae0", 0, "192.0.2.1/24");
//! let entry = arp("ae0", 0, "192.0.2.1", "192.0.2.9", "00:11:22:33:44:55");
//! let fti = unit("fti0", 0).tunnel(ipip_tunnel("198.51.100.1", "198.51.100.2"));
//! let add = bundle.add_request();
//! assert_eq!(add.r#type, 0);
//! # let _ = (u.update_request(), fam.get_request(), addr.delete_request(), entry, fti);
//! ```

use crate::proto::jnx::jet::common::{
    ip_address::AddrFormat, ip_network, AfType, IpAddress, IpNetwork,
};
use crate::proto::jnx::jet::interfaces::{
    self as pb, fti_encap_options::Options as Encap, network_address::Af as NetAf, source_options,
    source_options_vxlangpe, InterfaceType,
};

/// Address family of a family object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Af {
    /// IPv4.
    Inet,
    /// IPv6.
    Inet6,
    /// MPLS.
    Mpls,
}

impl Af {
    fn wire(self) -> i32 {
        (match self {
            Af::Inet => AfType::AfInet,
            Af::Inet6 => AfType::AfInet6,
            Af::Mpls => AfType::AfMpls,
        }) as i32
    }
}

fn ip(text: &str) -> Option<IpAddress> {
    Some(IpAddress {
        addr_format: Some(AddrFormat::AddrString(text.to_owned())),
    })
}

fn af_of(addr: &str) -> Af {
    if addr.contains(':') {
        Af::Inet6
    } else {
        Af::Inet
    }
}

fn unit_no(n: u32) -> Option<pb::InterfaceUnit> {
    Some(pb::InterfaceUnit { number: n })
}

#[derive(Debug, Clone)]
enum Kind {
    Interface(pb::InterfaceConfig),
    Unit(pb::InterfaceUnitConfig),
    Family(pb::InterfaceFamilyConfig),
    Address(pb::InterfaceAddressConfig),
    Arp(pb::InterfaceArpConfig),
}

/// One interface object: keys, attributes, options.
#[derive(Debug, Clone)]
pub struct Obj {
    kind: Kind,
}

/// A physical interface (`ge-0/0/1`), or a flexible tunnel interface (`fti0`).
pub fn interface(port: &str) -> Obj {
    Obj {
        kind: Kind::Interface(pb::InterfaceConfig {
            port_name: port.to_owned(),
            ..Default::default()
        }),
    }
}

/// An aggregate interface (`ae0`) with its member links.
pub fn aggregate(port: &str, members: &[&str]) -> Obj {
    Obj {
        kind: Kind::Interface(pb::InterfaceConfig {
            port_name: port.to_owned(),
            interface_options: Some(pb::InterfaceSpecificOptions {
                interface_options: Some(
                    pb::interface_specific_options::InterfaceOptions::AggregateOptions(
                        pb::AggregateOptions {
                            aggregate_members: members.iter().map(|m| (*m).to_owned()).collect(),
                        },
                    ),
                ),
            }),
            attributes: None,
        }),
    }
}

/// Unit `n` of `port`.
pub fn unit(port: &str, n: u32) -> Obj {
    Obj {
        kind: Kind::Unit(pb::InterfaceUnitConfig {
            port_name: port.to_owned(),
            unit: unit_no(n),
            ..Default::default()
        }),
    }
}

/// Family `af` of unit `n` of `port`.
pub fn family(port: &str, n: u32, af: Af) -> Obj {
    Obj {
        kind: Kind::Family(pb::InterfaceFamilyConfig {
            port_name: port.to_owned(),
            unit: unit_no(n),
            family: af.wire(),
            attributes: None,
        }),
    }
}

/// Address `addr` (`192.0.2.1/24`, `2001:db8::1/64`, or a host address) on unit `n` of
/// `port`, in the family the address belongs to.
pub fn address(port: &str, n: u32, addr: &str) -> Obj {
    Obj {
        kind: Kind::Address(pb::InterfaceAddressConfig {
            port_name: port.to_owned(),
            unit: unit_no(n),
            family: af_of(addr).wire(),
            ip_address: ip(addr),
            ..Default::default()
        }),
    }
}

/// A static ARP (IPv4) or NDP (IPv6) entry: `neighbor` at `mac`, under interface address
/// `addr` of unit `n` of `port`.
pub fn arp(port: &str, n: u32, addr: &str, neighbor: &str, mac: &str) -> Obj {
    Obj {
        kind: Kind::Arp(pb::InterfaceArpConfig {
            port_name: port.to_owned(),
            unit: unit_no(n),
            family: af_of(neighbor).wire(),
            ip_address: ip(addr),
            neighbor_address: ip(neighbor),
            attributes: None,
        }),
    }
    .string("mac", mac)
}

fn net(addr: &str) -> pb::NetworkAddress {
    let n = IpNetwork {
        prefix_len: 0,
        addr_format: Some(ip_network::AddrFormat::HostAddrString(addr.to_owned())),
    };
    pb::NetworkAddress {
        af: Some(if addr.contains(':') {
            NetAf::Inet6(n)
        } else {
            NetAf::Inet(n)
        }),
    }
}

fn tunnel(e: Encap) -> pb::TunnelOptions {
    pb::TunnelOptions {
        fragmentation: 0,
        options: Some(pb::tunnel_options::Options::Encapsulation(
            pb::FtiEncapOptions { options: Some(e) },
        )),
    }
}

/// IP-in-IP tunnel settings for an FTI unit: IPv4 host addresses `src` and `dst`.
pub fn ipip_tunnel(src: &str, dst: &str) -> pb::TunnelOptions {
    tunnel(Encap::Ipip(pb::FtiEncapIpipOptions {
        source: Some(pb::SourceOptions {
            source_options: Some(source_options::SourceOptions::Address(net(src))),
        }),
        destination: Some(pb::DestinationOptions {
            address: Some(net(dst)),
        }),
        ..Default::default()
    }))
}

/// VXLAN-GPE tunnel settings for an FTI unit (`tunnel_endpoint` "vxlan").
pub fn vxlan_gpe_tunnel(src: &str, dst: &str, vni: u32, udp_port: u32) -> pb::TunnelOptions {
    tunnel(Encap::VxlanGpe(pb::FtiEncapVxlanGpeOptions {
        source: Some(pb::SourceOptionsVxlangpe {
            mac_address: None,
            source_options: Some(source_options_vxlangpe::SourceOptions::Address(net(src))),
        }),
        destination: Some(pb::DestinationOptionsVxlangpe {
            address: Some(net(dst)),
            mac_address: None,
        }),
        tunnel_endpoint: "vxlan".to_owned(),
        destination_udp_port: udp_port,
        vni,
    }))
}

impl Obj {
    fn attrs(&mut self) -> &mut pb::InterfaceAttributeList {
        let slot = match &mut self.kind {
            Kind::Interface(c) => &mut c.attributes,
            Kind::Unit(c) => &mut c.attributes,
            Kind::Family(c) => &mut c.attributes,
            Kind::Address(c) => &mut c.attributes,
            Kind::Arp(c) => &mut c.attributes,
        };
        slot.get_or_insert_with(Default::default)
    }

    /// Adds string attribute `key` (`mac`); an empty value resets it in an Update.
    pub fn string(mut self, key: &str, value: &str) -> Obj {
        self.attrs().string_attributes.push(pb::StringAttribute {
            key: key.to_owned(),
            value: value.to_owned(),
        });
        self
    }

    /// Adds integer attribute `key` (`mtu`, `vlan-id`, `receive`); an invalid value
    /// resets it in an Update.
    pub fn integer(mut self, key: &str, value: u32) -> Obj {
        self.attrs().integer_attributes.push(pb::IntegerAttribute {
            key: key.to_owned(),
            value,
        });
        self
    }

    /// Sets the tunnel of a unit object (FTI units; see [`ipip_tunnel`]).
    pub fn tunnel(mut self, t: pb::TunnelOptions) -> Obj {
        if let Kind::Unit(c) = &mut self.kind {
            c.tunnel = Some(t);
        }
        self
    }

    /// The object's `InterfaceType`.
    pub fn r#type(&self) -> InterfaceType {
        match self.kind {
            Kind::Interface(_) => InterfaceType::TypeInterfaceObject,
            Kind::Unit(_) => InterfaceType::TypeInterfaceUnitObject,
            Kind::Family(_) => InterfaceType::TypeInterfaceFamilyObject,
            Kind::Address(_) => InterfaceType::TypeInterfaceAddressObject,
            Kind::Arp(_) => InterfaceType::TypeInterfaceArpObject,
        }
    }

    /// `InterfaceAddRequest` for this object.
    pub fn add_request(&self) -> pb::InterfaceAddRequest {
        use pb::interface_add_request::InterfaceObject as O;
        pb::InterfaceAddRequest {
            r#type: self.r#type() as i32,
            interface_object: Some(match self.kind.clone() {
                Kind::Interface(c) => O::Interfaces(c),
                Kind::Unit(c) => O::Unit(c),
                Kind::Family(c) => O::Family(c),
                Kind::Address(c) => O::Address(c),
                Kind::Arp(c) => O::Arp(c),
            }),
        }
    }

    /// `InterfaceUpdateRequest` for this object.
    pub fn update_request(&self) -> pb::InterfaceUpdateRequest {
        use pb::interface_update_request::InterfaceObject as O;
        pb::InterfaceUpdateRequest {
            r#type: self.r#type() as i32,
            interface_object: Some(match self.kind.clone() {
                Kind::Interface(c) => O::Interfaces(c),
                Kind::Unit(c) => O::Unit(c),
                Kind::Family(c) => O::Family(c),
                Kind::Address(c) => O::Address(c),
                Kind::Arp(c) => O::Arp(c),
            }),
        }
    }

    /// `InterfaceGetRequest` for this object (its keys).
    pub fn get_request(&self) -> pb::InterfaceGetRequest {
        use pb::interface_get_request::InterfaceObject as O;
        pb::InterfaceGetRequest {
            r#type: self.r#type() as i32,
            interface_object: Some(match self.kind.clone() {
                Kind::Interface(c) => O::Interfaces(c),
                Kind::Unit(c) => O::Unit(c),
                Kind::Family(c) => O::Family(c),
                Kind::Address(c) => O::Address(c),
                Kind::Arp(c) => O::Arp(c),
            }),
        }
    }

    /// `InterfaceDeleteRequest` for this object (ARP entries keep their `mac`).
    pub fn delete_request(&self) -> pb::InterfaceDeleteRequest {
        use pb::interface_delete_request::InterfaceObject as O;
        pb::InterfaceDeleteRequest {
            r#type: self.r#type() as i32,
            interface_object: Some(match self.kind.clone() {
                Kind::Interface(c) => O::Interfaces(pb::InterfaceDelete {
                    port_name: c.port_name,
                    interface_options: None,
                }),
                Kind::Unit(c) => O::Unit(pb::InterfaceUnitDelete {
                    port_name: c.port_name,
                    unit: c.unit,
                }),
                Kind::Family(c) => O::Family(pb::InterfaceFamilyDelete {
                    port_name: c.port_name,
                    unit: c.unit,
                    family: c.family,
                }),
                Kind::Address(c) => O::Address(pb::InterfaceAddressDelete {
                    port_name: c.port_name,
                    unit: c.unit,
                    family: c.family,
                    ip_address: c.ip_address,
                }),
                Kind::Arp(c) => O::Arp(pb::InterfaceArpDelete {
                    port_name: c.port_name,
                    unit: c.unit,
                    family: c.family,
                    ip_address: c.ip_address,
                    neighbor_address: c.neighbor_address,
                    attributes: c.attributes,
                }),
            }),
        }
    }

    /// `InterfaceUnitPermissionsGetRequest` for a unit object (`None` for other kinds).
    pub fn permissions_request(&self) -> Option<pb::InterfaceUnitPermissionsGetRequest> {
        match &self.kind {
            Kind::Unit(c) => Some(pb::InterfaceUnitPermissionsGetRequest {
                port_name: c.port_name.clone(),
                unit: c.unit,
            }),
            _ => None,
        }
    }
}
