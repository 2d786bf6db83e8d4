//! Attribute and tunnel checks of the Interfaces API (pure: no state but what is passed).

use std::net::IpAddr;

use super::types::{
    refuse, EncapRequest, IfApiCode as C, IfApiError, IfObject, NetRequest, SourceRequest,
    TunnelRequest,
};
use crate::vocab::interfaces::{MacAddr, Tunnel, TunnelEncap, TunnelSource};

/// Media MTU range of Ethernet and aggregate interfaces.
pub(crate) const MTU_RANGE: std::ops::RangeInclusive<u32> = 256..=9192;
/// VLAN ids.
pub(crate) const VLAN_RANGE: std::ops::RangeInclusive<u32> = 1..=4094;
/// Largest VXLAN VNI the contract allows.
pub(crate) const MAX_VNI: u32 = 16_777_214;

/// What an attribute in a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change<T> {
    /// Not in the request.
    Keep,
    /// Set to this value.
    Set(T),
    /// Reset (Update with an empty string / an invalid integer).
    Reset,
}

impl<T: Copy> Change<T> {
    /// Applies the change to a stored value.
    pub(crate) fn apply(self, slot: &mut Option<T>) {
        match self {
            Change::Keep => {}
            Change::Set(v) => *slot = Some(v),
            Change::Reset => *slot = None,
        }
    }

    /// The value this change sets.
    pub(crate) fn set(self) -> Option<T> {
        match self {
            Change::Set(v) => Some(v),
            _ => None,
        }
    }
}

/// The attributes an object kind knows: (string keys, integer keys).
fn known(what: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match what {
        "interface" => (&["mac"], &["mtu"]),
        "unit" => (&[], &["vlan-id"]),
        "address" => (&["mac"], &[]),
        "arp" => (&["mac"], &["receive"]),
        _ => (&[], &[]),
    }
}

/// Refuses keys `what` does not know (OPERATION_FAILED, listing the known ones).
pub(crate) fn known_keys(obj: &IfObject, what: &str) -> Result<(), IfApiError> {
    let (strings, integers) = known(what);
    let list = || {
        let mut v: Vec<String> = strings.iter().map(|k| format!("string '{k}'")).collect();
        v.extend(integers.iter().map(|k| format!("integer '{k}'")));
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    for (k, _) in &obj.strings {
        if !strings.contains(&k.as_str()) {
            let hint = if integers.contains(&k.as_str()) {
                " (it is an integer attribute)"
            } else {
                ""
            };
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "{}: unknown string attribute '{k}'{hint}; known: {}",
                    obj.key,
                    list()
                ),
            ));
        }
    }
    for (k, _) in &obj.integers {
        if !integers.contains(&k.as_str()) {
            let hint = if strings.contains(&k.as_str()) {
                " (it is a string attribute)"
            } else {
                ""
            };
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "{}: unknown integer attribute '{k}'{hint}; known: {}",
                    obj.key,
                    list()
                ),
            ));
        }
    }
    Ok(())
}

/// A string attribute that is a MAC address. `update`: an empty value resets it.
pub(crate) fn mac_attr(
    obj: &IfObject,
    key: &str,
    update: bool,
) -> Result<Change<MacAddr>, IfApiError> {
    match obj.string(key) {
        None => Ok(Change::Keep),
        Some("") if update => Ok(Change::Reset),
        Some("") => Err(refuse(
            C::OperationFailed,
            format!("{}: attribute '{key}' has no value", obj.key),
        )),
        Some(v) => v
            .parse::<MacAddr>()
            .map(Change::Set)
            .map_err(|e| refuse(C::OperationFailed, format!("{}: {key}: {e}", obj.key))),
    }
}

/// An integer attribute in `range`. `update`: a value outside it resets the attribute.
pub(crate) fn int_attr(
    obj: &IfObject,
    key: &str,
    range: std::ops::RangeInclusive<u32>,
    update: bool,
) -> Result<Change<u32>, IfApiError> {
    match obj.integer(key) {
        None => Ok(Change::Keep),
        Some(v) if range.contains(&v) => Ok(Change::Set(v)),
        Some(_) if update => Ok(Change::Reset),
        Some(v) => Err(refuse(
            C::OperationFailed,
            format!(
                "{}: {key} {v} is out of range {}-{}",
                obj.key,
                range.start(),
                range.end()
            ),
        )),
    }
}

/// An aggregate's member list: distinct physical Ethernet ports (`is_port`: whether a
/// name is one on this device).
pub(crate) fn members_form(
    port: &str,
    members: &[String],
    is_port: impl Fn(&str) -> bool,
) -> Result<(), IfApiError> {
    for (i, m) in members.iter().enumerate() {
        if !is_port(m) {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "interface {port}: aggregate_members: '{m}' is not a physical Ethernet port of this device (ge-0/0/0 to ge-0/0/9 and the ports its configuration names)"
                ),
            ));
        }
        if members[..i].contains(m) {
            return Err(refuse(
                C::OperationFailed,
                format!("interface {port}: aggregate_members: '{m}' is given twice"),
            ));
        }
    }
    Ok(())
}

/// The tunnel settings of unit `unit` of `port` (`fti`: the interface is an FTI).
/// Checks are those of a Junos OS (non-Evolved) platform of the MX class.
pub(crate) fn tunnel(
    unit: &str,
    fti: bool,
    t: &TunnelRequest,
    interface_exists: impl Fn(&str) -> bool,
) -> Result<Tunnel, IfApiError> {
    if !fti {
        return Err(match t.encapsulation {
            Some(_) => refuse(
                C::TunnelEncapNotSupported,
                format!("unit {unit}: tunnel.encapsulation is supported only on flexible tunnel interfaces (ftiN)"),
            ),
            None => refuse(
                C::TunnelNotSupported,
                format!("unit {unit}: tunnel options are supported only on flexible tunnel interfaces (ftiN)"),
            ),
        });
    }
    let Some(e) = &t.encapsulation else {
        return Err(refuse(
            C::TunnelEncapNotSpecified,
            format!("unit {unit}: tunnel.encapsulation is required on a flexible tunnel interface"),
        ));
    };
    let kind = e.kind.as_str();
    if matches!(e.kind, TunnelEncap::Udp | TunnelEncap::Gre) {
        return Err(refuse(
            C::TunnelEncapTypeNotSupportedOnPlatform,
            format!(
                "unit {unit}: tunnel.encapsulation {kind} is not supported on this platform (vjet, Junos OS: vxlan-gpe and ipip only)"
            ),
        ));
    }
    evo_only(unit, e)?;
    let source = match &e.source {
        None => {
            return Err(refuse(
                C::TunnelEncapSourceNotSpecified,
                format!("unit {unit}: {kind}.source is required"),
            ))
        }
        Some(SourceRequest::Interface(name)) if name.is_empty() => {
            return Err(refuse(
                C::TunnelEncapSourceNotSpecified,
                format!("unit {unit}: {kind}.source.interface is empty"),
            ))
        }
        Some(SourceRequest::Interface(name)) => {
            if !interface_exists(name) {
                return Err(refuse(
                    C::OperationFailed,
                    format!("unit {unit}: {kind}.source.interface '{name}' does not exist"),
                ));
            }
            TunnelSource::Interface(name.clone())
        }
        Some(SourceRequest::Address(n)) => {
            host_v4(
                unit,
                kind,
                "source",
                n,
                C::TunnelEncapSrcIpv6AddrNotSupported,
                C::TunnelEncapSrcAddrSubnetMaskNotAllowed,
            )?;
            TunnelSource::Address(n.addr)
        }
    };
    let destination = match &e.destination {
        _ if e.terminate => e.destination.flatten().map(|n| n.addr),
        None => {
            return Err(refuse(
                C::TunnelEncapDestNotSpecified,
                format!("unit {unit}: {kind}.destination is required"),
            ))
        }
        Some(None) => {
            return Err(refuse(
                C::TunnelEncapDestAddrNotSpecified,
                format!(
                    "unit {unit}: {kind}.destination.address is required (tunnel termination is not set)"
                ),
            ))
        }
        Some(Some(n)) => {
            host_v4(unit, kind, "destination", n, C::TunnelEncapDestIpv6AddrNotSupported, C::TunnelEncapDestAddrSubnetMaskNotAllowed)?;
            Some(n.addr)
        }
    };
    if let (TunnelSource::Address(s), Some(d)) = (&source, destination) {
        if *s == d {
            return Err(refuse(
                C::TunnelEncapSrcDestAddrSame,
                format!("unit {unit}: {kind} source and destination are both {d}"),
            ));
        }
    }
    let mut out = Tunnel {
        encapsulation: e.kind,
        source,
        destination,
        vni: None,
        udp_port: None,
        tunnel_endpoint: None,
        terminate: e.terminate,
        bypass_loopback: e.bypass_loopback,
        allow_fragmentation: false,
    };
    if e.kind == TunnelEncap::VxlanGpe {
        vxlan(unit, e, &mut out)?;
    }
    match t.fragmentation {
        0 => {}
        1 => {
            if e.terminate {
                return Err(refuse(
                    C::TunnelFragmentationTunnelTerminateMismatch,
                    format!("unit {unit}: tunnel.fragmentation cannot be combined with tunnel termination"),
                ));
            }
            let v4 = |a: Option<IpAddr>| a.is_some_and(|a| a.is_ipv4());
            let src = match &out.source {
                TunnelSource::Address(a) => Some(*a),
                TunnelSource::Interface(_) => None,
            };
            if !v4(src) || !v4(out.destination) {
                return Err(refuse(
                    C::TunnelFragmentationSrcDestTypeMismatch,
                    format!("unit {unit}: tunnel.fragmentation needs an IPv4 source address and an IPv4 destination address"),
                ));
            }
            out.allow_fragmentation = true;
        }
        v => {
            return Err(refuse(
                C::OperationFailed,
                format!("unit {unit}: tunnel.fragmentation {v} is neither 0 (off) nor 1 (allow-fragmentation)"),
            ))
        }
    }
    Ok(out)
}

/// Fields this (non-Evolved) platform does not support.
fn evo_only(unit: &str, e: &EncapRequest) -> Result<(), IfApiError> {
    let kind = e.kind.as_str();
    let field = if e.ttl != 0 {
        "ttl"
    } else if !e.tunnel_ri.is_empty() {
        "tunnel_ri"
    } else if !e.payload_port_profile.is_empty() {
        "payload_port_profile"
    } else if e.gre_key != 0 {
        "key"
    } else {
        return Ok(());
    };
    Err(refuse(
        C::OperationFailed,
        format!("unit {unit}: {kind}.{field} is supported on Junos OS Evolved platforms only"),
    ))
}

/// A tunnel end must be an IPv4 host address given without prefix length.
fn host_v4(
    unit: &str,
    kind: &str,
    which: &str,
    n: &NetRequest,
    v6: C,
    mask: C,
) -> Result<(), IfApiError> {
    if n.addr.is_ipv6() {
        return Err(refuse(
            v6,
            format!(
                "unit {unit}: {kind}.{which} {}: IPv6 is not supported (IPv4 only)",
                n.addr
            ),
        ));
    }
    if n.prefix_len != 0 {
        return Err(refuse(
            mask,
            format!(
                "unit {unit}: {kind}.{which} {}/{}: give a host address without prefix length",
                n.addr, n.prefix_len
            ),
        ));
    }
    Ok(())
}

fn vxlan(unit: &str, e: &EncapRequest, out: &mut Tunnel) -> Result<(), IfApiError> {
    if e.vni == 0 {
        return Err(refuse(
            C::TunnelEncapVniNotSpecified,
            format!("unit {unit}: vxlan-gpe.vni is required (1-{MAX_VNI})"),
        ));
    }
    if e.vni > MAX_VNI {
        return Err(refuse(
            C::OperationFailed,
            format!(
                "unit {unit}: vxlan-gpe.vni {} is out of range 1-{MAX_VNI}",
                e.vni
            ),
        ));
    }
    if e.tunnel_endpoint.is_empty() {
        return Err(refuse(
            C::TunnelEncapTunnelEndpointNotSpecified,
            format!("unit {unit}: vxlan-gpe.tunnel_endpoint is required (\"vxlan\")"),
        ));
    }
    if e.tunnel_endpoint != "vxlan" {
        return Err(refuse(
            C::OperationFailed,
            format!(
                "unit {unit}: vxlan-gpe.tunnel_endpoint '{}' is not supported (only \"vxlan\")",
                e.tunnel_endpoint
            ),
        ));
    }
    if e.udp_port == 0 {
        return Err(refuse(
            C::TunnelEncapDestUdpPortNotSpecified,
            format!("unit {unit}: vxlan-gpe.destination_udp_port is required (1-65535)"),
        ));
    }
    let port = u16::try_from(e.udp_port).map_err(|_| {
        refuse(
            C::OperationFailed,
            format!(
                "unit {unit}: vxlan-gpe.destination_udp_port {} is out of range 1-65535",
                e.udp_port
            ),
        )
    })?;
    out.vni = Some(e.vni);
    out.udp_port = Some(port);
    out.tunnel_endpoint = Some(e.tunnel_endpoint.clone());
    Ok(())
}
