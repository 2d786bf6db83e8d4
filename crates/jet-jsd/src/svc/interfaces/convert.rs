//! `jnx.jet.interfaces` messages ⇄ the device's interface API types
//! (`jet_device::ifd::api`). Missing keys become the contract's *_NOT_SPECIFIED refusals,
//! a `type` that does not match the object INTERFACE_OBJECT_MISMATCH; enum numbers the
//! protocol does not define are `INVALID_ARGUMENT` naming the field.

use std::net::IpAddr;

use jet_device::ifd::api::{
    EncapRequest, FamilyKind, IfApiCode as C, IfApiError, IfKey, IfObject, NetRequest,
    SourceRequest, TunnelEncap, TunnelRequest,
};
use jet_proto::jnx::jet::common::{
    bypass_or_terminate::TunnelType, ip_address::AddrFormat, ip_network, AfType, IpAddress,
    IpNetwork,
};
use jet_proto::jnx::jet::interfaces as pb;
use pb::{
    fti_encap_options::Options as Encap, network_address::Af, source_options,
    source_options_vxlangpe, tunnel_options,
};
use tonic::Status;

use crate::svc::wire_enum;

/// A conversion outcome: a form error the client sees as a gRPC status, or a refusal
/// with a sub-code, or the device's request.
pub(crate) type Conv<T> = Result<Result<T, IfApiError>, Status>;

/// The object a request carries, whichever request it is.
pub(crate) enum Obj<'a> {
    Interface(&'a pb::InterfaceConfig),
    Unit(&'a pb::InterfaceUnitConfig),
    Family(&'a pb::InterfaceFamilyConfig),
    Address(&'a pb::InterfaceAddressConfig),
    Arp(&'a pb::InterfaceArpConfig),
}

impl Obj<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Obj::Interface(_) => "TYPE_INTERFACE_OBJECT",
            Obj::Unit(_) => "TYPE_INTERFACE_UNIT_OBJECT",
            Obj::Family(_) => "TYPE_INTERFACE_FAMILY_OBJECT",
            Obj::Address(_) => "TYPE_INTERFACE_ADDRESS_OBJECT",
            Obj::Arp(_) => "TYPE_INTERFACE_ARP_OBJECT",
        }
    }
}

fn refused<T>(code: C, message: impl Into<String>) -> Conv<T> {
    Ok(Err(IfApiError::new(code, message)))
}

/// `type` must name the kind of object carried (INTERFACE_OBJECT_MISMATCH otherwise).
pub(crate) fn check_type(
    r#type: i32,
    carried: Option<&'static str>,
) -> Result<Result<(), IfApiError>, Status> {
    wire_enum::check::<pb::InterfaceType>(r#type, "type", "InterfaceType")?;
    let wanted = pb::InterfaceType::try_from(r#type)
        .map(|t| t.as_str_name())
        .unwrap_or("?");
    Ok(match carried {
        Some(c) if c == wanted => Ok(()),
        Some(c) => Err(IfApiError::new(
            C::InterfaceObjectMismatch,
            format!("type is {wanted} but the request carries a {c} object"),
        )),
        None => Err(IfApiError::new(
            C::InterfaceObjectMismatch,
            format!("type is {wanted} but the request carries no object"),
        )),
    })
}

/// Add/Update/Get: the object of `type`.
pub(crate) fn object(r#type: i32, obj: Option<Obj<'_>>) -> Conv<IfObject> {
    if let Err(e) = check_type(r#type, obj.as_ref().map(Obj::type_name))? {
        return Ok(Err(e));
    }
    let Some(obj) = obj else {
        return refused(C::InterfaceObjectMismatch, "the request carries no object");
    };
    Ok(match obj {
        Obj::Interface(c) => port(&c.port_name).map(|port| {
            let mut o = IfObject::new(IfKey::Interface { port });
            attrs(&mut o, c.attributes.as_ref());
            o.members = c.interface_options.as_ref().map(members);
            o
        }),
        Obj::Unit(c) => match (port(&c.port_name), unit(c.unit.as_ref())) {
            (Err(e), _) | (_, Err(e)) => Err(e),
            (Ok(port), Ok(unit)) => {
                let mut o = IfObject::new(IfKey::Unit { port, unit });
                attrs(&mut o, c.attributes.as_ref());
                match c.tunnel.as_ref().map(tunnel).transpose() {
                    Ok(t) => {
                        o.tunnel = t.map(Box::new);
                        Ok(o)
                    }
                    Err(e) => Err(e),
                }
            }
        },
        Obj::Family(c) => family_key(&c.port_name, c.unit.as_ref(), c.family)?.map(|key| {
            let mut o = IfObject::new(key);
            attrs(&mut o, c.attributes.as_ref());
            o
        }),
        Obj::Address(c) => address_key(
            &c.port_name,
            c.unit.as_ref(),
            c.family,
            c.ip_address.as_ref(),
        )?
        .map(|key| {
            let mut o = IfObject::new(key);
            attrs(&mut o, c.attributes.as_ref());
            o
        }),
        Obj::Arp(c) => arp_key(
            &c.port_name,
            c.unit.as_ref(),
            c.family,
            c.ip_address.as_ref(),
            c.neighbor_address.as_ref(),
        )?
        .map(|key| {
            let mut o = IfObject::new(key);
            attrs(&mut o, c.attributes.as_ref());
            o
        }),
    })
}

/// Delete: the key (and, for ARP entries, the attributes).
pub(crate) fn delete(r: &pb::InterfaceDeleteRequest) -> Conv<IfObject> {
    use pb::interface_delete_request::InterfaceObject as D;
    let carried = r.interface_object.as_ref().map(|o| match o {
        D::Interfaces(_) => "TYPE_INTERFACE_OBJECT",
        D::Unit(_) => "TYPE_INTERFACE_UNIT_OBJECT",
        D::Family(_) => "TYPE_INTERFACE_FAMILY_OBJECT",
        D::Address(_) => "TYPE_INTERFACE_ADDRESS_OBJECT",
        D::Arp(_) => "TYPE_INTERFACE_ARP_OBJECT",
    });
    if let Err(e) = check_type(r.r#type, carried)? {
        return Ok(Err(e));
    }
    let Some(o) = &r.interface_object else {
        return refused(C::InterfaceObjectMismatch, "the request carries no object");
    };
    Ok(match o {
        D::Interfaces(c) => port(&c.port_name).map(|port| IfObject::new(IfKey::Interface { port })),
        D::Unit(c) => match (port(&c.port_name), unit(c.unit.as_ref())) {
            (Err(e), _) | (_, Err(e)) => Err(e),
            (Ok(port), Ok(unit)) => Ok(IfObject::new(IfKey::Unit { port, unit })),
        },
        D::Family(c) => family_key(&c.port_name, c.unit.as_ref(), c.family)?.map(IfObject::new),
        D::Address(c) => address_key(
            &c.port_name,
            c.unit.as_ref(),
            c.family,
            c.ip_address.as_ref(),
        )?
        .map(IfObject::new),
        D::Arp(c) => arp_key(
            &c.port_name,
            c.unit.as_ref(),
            c.family,
            c.ip_address.as_ref(),
            c.neighbor_address.as_ref(),
        )?
        .map(|key| {
            let mut o = IfObject::new(key);
            attrs(&mut o, c.attributes.as_ref());
            o
        }),
    })
}

/// UnitPermissionsGet's key.
pub(crate) fn unit_key(
    r: &pb::InterfaceUnitPermissionsGetRequest,
) -> Result<(String, u32), IfApiError> {
    Ok((port(&r.port_name)?, unit(r.unit.as_ref())?))
}

fn port(name: &str) -> Result<String, IfApiError> {
    if name.trim().is_empty() {
        return Err(IfApiError::new(
            C::PortNameNotSpecified,
            "port_name is required",
        ));
    }
    Ok(name.to_owned())
}

fn unit(u: Option<&pb::InterfaceUnit>) -> Result<u32, IfApiError> {
    u.map(|u| u.number).ok_or_else(|| {
        IfApiError::new(
            C::UnitNotSpecified,
            "unit is required (InterfaceUnit.number)",
        )
    })
}

fn family(value: i32) -> Conv<FamilyKind> {
    wire_enum::check::<AfType>(value, "family", "AfType")?;
    Ok(match AfType::try_from(value) {
        Ok(AfType::AfInet) => Ok(FamilyKind::Inet),
        Ok(AfType::AfInet6) => Ok(FamilyKind::Inet6),
        Ok(AfType::AfMpls) => Ok(FamilyKind::Mpls),
        Ok(AfType::AfUnspecified) => Err(IfApiError::new(
            C::FamilyNotSpecified,
            "family is required (AF_INET, AF_INET6 or AF_MPLS)",
        )),
        Ok(other) => Err(IfApiError::new(
            C::OperationFailed,
            format!(
                "family {}: this device configures inet, inet6 and mpls only",
                other.as_str_name()
            ),
        )),
        Err(_) => Err(IfApiError::new(C::FamilyNotSpecified, "family is required")),
    })
}

fn family_key(p: &str, u: Option<&pb::InterfaceUnit>, f: i32) -> Conv<IfKey> {
    let fam = family(f)?;
    Ok((|| {
        let port = port(p)?;
        let unit = unit(u)?;
        Ok(IfKey::Family {
            port,
            unit,
            family: fam?,
        })
    })())
}

fn address_key(
    p: &str,
    u: Option<&pb::InterfaceUnit>,
    f: i32,
    a: Option<&IpAddress>,
) -> Conv<IfKey> {
    let fam = family(f)?;
    Ok((|| {
        let port = port(p)?;
        let unit = unit(u)?;
        let family = fam?;
        let (address, prefix_len) = ip(a, "ip_address", C::IpAddrNotSpecified, true)?;
        Ok(IfKey::Address {
            port,
            unit,
            family,
            address,
            prefix_len,
        })
    })())
}

fn arp_key(
    p: &str,
    u: Option<&pb::InterfaceUnit>,
    f: i32,
    a: Option<&IpAddress>,
    n: Option<&IpAddress>,
) -> Conv<IfKey> {
    let fam = family(f)?;
    Ok((|| {
        let port = port(p)?;
        let unit = unit(u)?;
        let family = fam?;
        let (address, _) = ip(a, "ip_address", C::IpAddrNotSpecified, true)?;
        let (neighbor, _) = ip(n, "neighbor_address", C::ArpAddrNotSpecified, false)?;
        Ok(IfKey::Arp {
            port,
            unit,
            family,
            address,
            neighbor,
        })
    })())
}

/// An `IpAddress`: text `A` or `A/L` (when `prefix` is allowed), or 4/16 bytes.
fn ip(
    a: Option<&IpAddress>,
    field: &str,
    missing: C,
    prefix: bool,
) -> Result<(IpAddr, Option<u8>), IfApiError> {
    let absent = || IfApiError::new(missing, format!("{field} is required"));
    let bad = |v: &str| {
        IfApiError::new(
            C::OperationFailed,
            format!("{field}: '{v}' is not an IPv4 or IPv6 address"),
        )
    };
    match a.and_then(|a| a.addr_format.as_ref()) {
        None => Err(absent()),
        Some(AddrFormat::AddrString(s)) if s.trim().is_empty() => Err(absent()),
        Some(AddrFormat::AddrString(s)) => {
            let (addr, len) = match s.split_once('/') {
                Some((a, l)) if prefix => (a, Some(l.parse::<u8>().map_err(|_| bad(s))?)),
                Some(_) => return Err(bad(s)),
                None => (s.as_str(), None),
            };
            Ok((addr.trim().parse().map_err(|_| bad(s))?, len))
        }
        Some(AddrFormat::AddrBytes(b)) => bytes_ip(b)
            .map(|a| (a, None))
            .ok_or_else(|| bad(&format!("{} bytes", b.len()))),
    }
}

fn bytes_ip(b: &[u8]) -> Option<IpAddr> {
    match b.len() {
        4 => <[u8; 4]>::try_from(b).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(b).ok().map(IpAddr::from),
        _ => None,
    }
}

fn attrs(o: &mut IfObject, a: Option<&pb::InterfaceAttributeList>) {
    if let Some(a) = a {
        o.strings = a
            .string_attributes
            .iter()
            .map(|s| (s.key.clone(), s.value.clone()))
            .collect();
        o.integers = a
            .integer_attributes
            .iter()
            .map(|i| (i.key.clone(), i.value))
            .collect();
    }
}

fn members(o: &pb::InterfaceSpecificOptions) -> Vec<String> {
    match &o.interface_options {
        Some(pb::interface_specific_options::InterfaceOptions::AggregateOptions(a)) => {
            a.aggregate_members.clone()
        }
        None => Vec::new(),
    }
}

fn network(n: &pb::NetworkAddress, field: &str) -> Result<Option<NetRequest>, IfApiError> {
    let net: &IpNetwork = match &n.af {
        Some(Af::Inet(x) | Af::Inet6(x)) => x,
        None => return Ok(None),
    };
    let bad = |v: &str| {
        IfApiError::new(
            C::OperationFailed,
            format!("{field}: '{v}' is not an IP address"),
        )
    };
    let addr = match &net.addr_format {
        None => return Ok(None),
        Some(ip_network::AddrFormat::HostAddrString(s)) if s.is_empty() => return Ok(None),
        Some(ip_network::AddrFormat::HostAddrString(s)) => {
            s.trim().parse::<IpAddr>().map_err(|_| bad(s))?
        }
        Some(ip_network::AddrFormat::HostAddrBytes(b)) => {
            bytes_ip(b).ok_or_else(|| bad(&format!("{} bytes", b.len())))?
        }
    };
    Ok(Some(NetRequest {
        addr,
        prefix_len: net.prefix_len,
    }))
}

fn source(
    s: Option<&source_options::SourceOptions>,
    field: &str,
) -> Result<Option<SourceRequest>, IfApiError> {
    Ok(match s {
        None => None,
        Some(source_options::SourceOptions::Interface(i)) => {
            Some(SourceRequest::Interface(i.clone()))
        }
        Some(source_options::SourceOptions::Address(n)) => {
            network(n, field)?.map(SourceRequest::Address)
        }
    })
}

fn destination(
    d: Option<&pb::NetworkAddress>,
    given: bool,
    field: &str,
) -> Result<Option<Option<NetRequest>>, IfApiError> {
    if !given {
        return Ok(None);
    }
    Ok(Some(match d {
        Some(n) => network(n, field)?,
        None => None,
    }))
}

fn mode(b: Option<&jet_proto::jnx::jet::common::BypassOrTerminate>) -> (bool, bool) {
    match b.and_then(|b| b.tunnel_type) {
        Some(TunnelType::TunnelTerminate(t)) => (t, false),
        Some(TunnelType::BypassLoopback(l)) => (false, l),
        None => (false, false),
    }
}

fn tunnel(t: &pb::TunnelOptions) -> Result<TunnelRequest, IfApiError> {
    let encapsulation = match &t.options {
        None => None,
        Some(tunnel_options::Options::Encapsulation(e)) => match &e.options {
            None => None,
            Some(Encap::VxlanGpe(v)) => {
                let mut r = EncapRequest::new(TunnelEncap::VxlanGpe);
                r.source = match v.source.as_ref().and_then(|s| s.source_options.as_ref()) {
                    None => None,
                    Some(source_options_vxlangpe::SourceOptions::Interface(i)) => {
                        Some(SourceRequest::Interface(i.clone()))
                    }
                    Some(source_options_vxlangpe::SourceOptions::Address(n)) => {
                        network(n, "vxlan_gpe.source.address")?.map(SourceRequest::Address)
                    }
                };
                r.destination = destination(
                    v.destination.as_ref().and_then(|d| d.address.as_ref()),
                    v.destination.is_some(),
                    "vxlan_gpe.destination.address",
                )?;
                r.tunnel_endpoint = v.tunnel_endpoint.clone();
                r.udp_port = v.destination_udp_port;
                r.vni = v.vni;
                Some(r)
            }
            Some(Encap::Ipip(v)) => {
                let mut r = EncapRequest::new(TunnelEncap::Ipip);
                r.source = source(
                    v.source.as_ref().and_then(|s| s.source_options.as_ref()),
                    "ipip.source.address",
                )?;
                r.destination = destination(
                    v.destination.as_ref().and_then(|d| d.address.as_ref()),
                    v.destination.is_some(),
                    "ipip.destination.address",
                )?;
                r.ttl = v.ttl;
                (r.terminate, r.bypass_loopback) = mode(v.bypass_or_terminate.as_ref());
                r.tunnel_ri = v.tunnel_ri.clone();
                Some(r)
            }
            Some(Encap::Udp(v)) => {
                let mut r = EncapRequest::new(TunnelEncap::Udp);
                r.source = source(
                    v.source.as_ref().and_then(|s| s.source_options.as_ref()),
                    "udp.source.address",
                )?;
                r.destination = destination(
                    v.destination.as_ref().and_then(|d| d.address.as_ref()),
                    v.destination.is_some(),
                    "udp.destination.address",
                )?;
                r.ttl = v.ttl;
                (r.terminate, r.bypass_loopback) = mode(v.bypass_or_terminate.as_ref());
                r.tunnel_ri = v.tunnel_ri.clone();
                r.payload_port_profile = v.payload_port_profile.clone();
                Some(r)
            }
            Some(Encap::Gre(v)) => {
                let mut r = EncapRequest::new(TunnelEncap::Gre);
                r.source = source(
                    v.source.as_ref().and_then(|s| s.source_options.as_ref()),
                    "gre.source.address",
                )?;
                r.destination = destination(
                    v.destination.as_ref().and_then(|d| d.address.as_ref()),
                    v.destination.is_some(),
                    "gre.destination.address",
                )?;
                r.ttl = v.ttl;
                r.gre_key = v.key;
                (r.terminate, r.bypass_loopback) = mode(v.bypass_or_terminate.as_ref());
                r.tunnel_ri = v.tunnel_ri.clone();
                Some(r)
            }
        },
    };
    Ok(TunnelRequest {
        encapsulation,
        fragmentation: t.fragmentation,
    })
}

// --- device → protobuf (InterfaceGet) ---

fn ip_out(a: IpAddr, len: Option<u8>) -> IpAddress {
    let text = match len {
        Some(l) => format!("{a}/{l}"),
        None => a.to_string(),
    };
    IpAddress {
        addr_format: Some(AddrFormat::AddrString(text)),
    }
}

fn af_out(f: FamilyKind) -> i32 {
    (match f {
        FamilyKind::Inet => AfType::AfInet,
        FamilyKind::Inet6 => AfType::AfInet6,
        FamilyKind::Mpls => AfType::AfMpls,
        FamilyKind::Iso => AfType::AfIso,
    }) as i32
}

fn attrs_out(o: &IfObject) -> Option<pb::InterfaceAttributeList> {
    if o.strings.is_empty() && o.integers.is_empty() {
        return None;
    }
    Some(pb::InterfaceAttributeList {
        string_attributes: o
            .strings
            .iter()
            .map(|(k, v)| pb::StringAttribute {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        integer_attributes: o
            .integers
            .iter()
            .map(|(k, v)| pb::IntegerAttribute {
                key: k.clone(),
                value: *v,
            })
            .collect(),
    })
}

fn net_out(n: &NetRequest) -> pb::NetworkAddress {
    let net = IpNetwork {
        prefix_len: n.prefix_len,
        addr_format: Some(ip_network::AddrFormat::HostAddrString(n.addr.to_string())),
    };
    pb::NetworkAddress {
        af: Some(if n.addr.is_ipv4() {
            Af::Inet(net)
        } else {
            Af::Inet6(net)
        }),
    }
}

fn tunnel_out(t: &TunnelRequest) -> pb::TunnelOptions {
    use jet_proto::jnx::jet::common::BypassOrTerminate;
    let encap = t.encapsulation.as_ref().map(|e| {
        let dest = e.destination.flatten().map(|n| net_out(&n));
        let mode = if e.terminate {
            Some(BypassOrTerminate {
                tunnel_type: Some(TunnelType::TunnelTerminate(true)),
            })
        } else if e.bypass_loopback {
            Some(BypassOrTerminate {
                tunnel_type: Some(TunnelType::BypassLoopback(true)),
            })
        } else {
            None
        };
        let src = e.source.as_ref().map(|s| match s {
            SourceRequest::Address(n) => source_options::SourceOptions::Address(net_out(n)),
            SourceRequest::Interface(i) => source_options::SourceOptions::Interface(i.clone()),
        });
        match e.kind {
            TunnelEncap::VxlanGpe => Encap::VxlanGpe(pb::FtiEncapVxlanGpeOptions {
                source: Some(pb::SourceOptionsVxlangpe {
                    mac_address: None,
                    source_options: e.source.as_ref().map(|s| match s {
                        SourceRequest::Address(n) => {
                            source_options_vxlangpe::SourceOptions::Address(net_out(n))
                        }
                        SourceRequest::Interface(i) => {
                            source_options_vxlangpe::SourceOptions::Interface(i.clone())
                        }
                    }),
                }),
                destination: Some(pb::DestinationOptionsVxlangpe {
                    address: dest,
                    mac_address: None,
                }),
                tunnel_endpoint: e.tunnel_endpoint.clone(),
                destination_udp_port: e.udp_port,
                vni: e.vni,
            }),
            TunnelEncap::Ipip => Encap::Ipip(pb::FtiEncapIpipOptions {
                source: Some(pb::SourceOptions {
                    source_options: src,
                }),
                destination: Some(pb::DestinationOptions { address: dest }),
                ttl: 0,
                bypass_or_terminate: mode,
                tunnel_ri: String::new(),
            }),
            TunnelEncap::Udp => Encap::Udp(pb::FtiEncapUdpOptions {
                source: Some(pb::SourceOptions {
                    source_options: src,
                }),
                destination: Some(pb::DestinationOptions { address: dest }),
                bypass_or_terminate: mode,
                ..Default::default()
            }),
            TunnelEncap::Gre => Encap::Gre(pb::FtiEncapGreOptions {
                source: Some(pb::SourceOptions {
                    source_options: src,
                }),
                destination: Some(pb::DestinationOptions { address: dest }),
                bypass_or_terminate: mode,
                ..Default::default()
            }),
        }
    });
    pb::TunnelOptions {
        fragmentation: t.fragmentation,
        options: Some(tunnel_options::Options::Encapsulation(
            pb::FtiEncapOptions { options: encap },
        )),
    }
}

/// InterfaceGet's answer for an object the device returned.
pub(crate) fn get_reply(
    o: &IfObject,
) -> (
    pb::InterfaceType,
    pb::interface_get_response::InterfaceObject,
) {
    use pb::interface_get_response::InterfaceObject as G;
    use pb::InterfaceType as T;
    let u = |n: u32| Some(pb::InterfaceUnit { number: n });
    match &o.key {
        IfKey::Interface { port } => (
            T::TypeInterfaceObject,
            G::Interfaces(pb::InterfaceConfig {
                port_name: port.clone(),
                interface_options: o.members.as_ref().map(|m| pb::InterfaceSpecificOptions {
                    interface_options: Some(
                        pb::interface_specific_options::InterfaceOptions::AggregateOptions(
                            pb::AggregateOptions {
                                aggregate_members: m.clone(),
                            },
                        ),
                    ),
                }),
                attributes: attrs_out(o),
            }),
        ),
        IfKey::Unit { port, unit } => (
            T::TypeInterfaceUnitObject,
            G::Unit(pb::InterfaceUnitConfig {
                port_name: port.clone(),
                unit: u(*unit),
                attributes: attrs_out(o),
                tunnel: o.tunnel.as_deref().map(tunnel_out),
            }),
        ),
        IfKey::Family { port, unit, family } => (
            T::TypeInterfaceFamilyObject,
            G::Family(pb::InterfaceFamilyConfig {
                port_name: port.clone(),
                unit: u(*unit),
                family: af_out(*family),
                attributes: attrs_out(o),
            }),
        ),
        IfKey::Address {
            port,
            unit,
            family,
            address,
            prefix_len,
        } => (
            T::TypeInterfaceAddressObject,
            G::Address(pb::InterfaceAddressConfig {
                port_name: port.clone(),
                unit: u(*unit),
                family: af_out(*family),
                ip_address: Some(ip_out(*address, *prefix_len)),
                attributes: attrs_out(o),
                destination_udp_port: 0,
            }),
        ),
        IfKey::Arp {
            port,
            unit,
            family,
            address,
            neighbor,
        } => (
            T::TypeInterfaceArpObject,
            G::Arp(pb::InterfaceArpConfig {
                port_name: port.clone(),
                unit: u(*unit),
                family: af_out(*family),
                ip_address: Some(ip_out(*address, None)),
                neighbor_address: Some(ip_out(*neighbor, None)),
                attributes: attrs_out(o),
            }),
        ),
    }
}
