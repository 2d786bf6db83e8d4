//! What both generations' FlexibleTunnel adapters share: the form checks of a profile
//! (from [`ProfileIn`], the fields either generation's message decodes to, borrowed) and
//! the Add/Update/Delete/Get steps over the device's tunnels task. An adapter only moves
//! fields between its own messages and these, and says the outcome in its own numbering
//! (`status.rs`).

use std::net::IpAddr;
use std::sync::Arc;

use jet_device::tunnels::{
    batch_size, check_name, Action, BatchError, Profile, TunnelCode, TunnelError, Vxlan,
};
use tonic::Status;

use crate::svc::status::{tunnel_task, TunnelRpc};
use crate::Shared;

/// An address or MAC as both generations carry it: text or raw bytes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Octets<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// A `NetworkAddress` field.
#[derive(Debug, Clone, Copy)]
pub(super) enum AddrIn<'a> {
    /// Not set (or set without a family).
    Missing,
    /// `inet` / `inet6`, with its format if one is set.
    Ip(Option<Octets<'a>>),
    /// `mpls`: not an address a tunnel can use.
    Mpls,
}

/// The action field.
#[derive(Debug, Clone, Copy)]
pub(super) enum ActionIn {
    Known(Action),
    /// Any other number, with its name when the generation has one (TRANSLATE).
    Other(i32, Option<&'static str>),
}

/// The attributes oneof.
#[derive(Debug)]
pub(super) enum AttrsIn<'a> {
    Missing,
    Vxlan(VxlanIn<'a>),
    /// A tunnel type OpenJET does not program (the older generation's `gre`, `translate`).
    Other(&'static str),
}

/// VXLAN attributes as decoded from either generation.
#[derive(Debug)]
pub(super) struct VxlanIn<'a> {
    pub vni: u32,
    pub source_prefix: AddrIn<'a>,
    pub source_prefix_len: u32,
    pub source_udp_port_range: Option<(u32, u32)>,
    pub destination_address: AddrIn<'a>,
    pub destination_udp_port: u32,
    pub destination_mac: Option<Octets<'a>>,
    /// `None`: the RFC 7348 default 0x08.
    pub flags: Option<u32>,
    /// Reserved bits 8–31 and 55–63, when given.
    pub reserved: Option<(u32, u32)>,
}

/// A profile as decoded from either generation.
#[derive(Debug)]
pub(super) struct ProfileIn<'a> {
    pub name: &'a str,
    pub action: ActionIn,
    pub interface: &'a str,
    pub attributes: AttrsIn<'a>,
}

fn invalid(name: &str, field: &str, why: &str) -> TunnelError {
    TunnelError::new(
        TunnelCode::InvalidProfile,
        format!("profile '{name}': {field} {why}"),
    )
}

/// An IP address given as text or as 4/16 bytes; `None` when it is neither.
fn ip(o: Octets<'_>) -> Option<IpAddr> {
    match o {
        Octets::Text(s) => s.parse().ok(),
        Octets::Bytes(b) => match b.len() {
            4 => <[u8; 4]>::try_from(b).ok().map(IpAddr::from),
            16 => <[u8; 16]>::try_from(b).ok().map(IpAddr::from),
            _ => None,
        },
    }
}

fn addr(a: AddrIn<'_>) -> Result<Option<IpAddr>, &'static str> {
    match a {
        AddrIn::Missing => Ok(None),
        AddrIn::Ip(o) => o.and_then(ip).map(Some).ok_or("is not a valid IP address"),
        AddrIn::Mpls => Err("is an MPLS label, not an IP address"),
    }
}

fn mac(m: Option<Octets<'_>>) -> Result<Option<[u8; 6]>, &'static str> {
    let Some(m) = m else {
        return Ok(None);
    };
    let bytes: Option<Vec<u8>> = match m {
        Octets::Text(s) => s
            .split([':', '-'])
            .map(|p| u8::from_str_radix(p, 16).ok())
            .collect(),
        Octets::Bytes(b) => Some(b.to_vec()),
    };
    bytes
        .and_then(|b| <[u8; 6]>::try_from(b.as_slice()).ok())
        .map(Some)
        .ok_or("is not a MAC address (6 bytes, aa:bb:cc:dd:ee:ff)")
}

/// The device's profile from either generation's fields; `client` wrote it. The
/// device's own checks (`jet_device::tunnels::validate`) run in the tunnels task.
pub(super) fn profile(p: ProfileIn<'_>, client: &str) -> Result<Profile, TunnelError> {
    let n = p.name;
    check_name(n)?;
    let action = match p.action {
        ActionIn::Known(a) => a,
        ActionIn::Other(number, name) => {
            let name = name.map(|s| format!(" ({s})")).unwrap_or_default();
            return Err(TunnelError::new(
                TunnelCode::InvalidAction,
                format!(
                    "profile '{n}': action {number}{name} is not ENCAPSULATE (0) or \
                     DECAPSULATE (1)"
                ),
            ));
        }
    };
    let v = match p.attributes {
        AttrsIn::Vxlan(v) => v,
        AttrsIn::Missing => return Err(invalid(n, "attributes.vxlan", "is missing")),
        AttrsIn::Other(kind) => {
            return Err(invalid(
                n,
                &format!("attributes.{kind}"),
                "is not supported (OpenJET programs VXLAN profiles only)",
            ))
        }
    };
    let source = addr(v.source_prefix)
        .map_err(|w| invalid(n, "vxlan.source_prefix", w))?
        .ok_or_else(|| invalid(n, "vxlan.source_prefix", "is missing"))?;
    let destination =
        addr(v.destination_address).map_err(|w| invalid(n, "vxlan.destination_address", w))?;
    let source_ports = match v.source_udp_port_range {
        None => None,
        Some((min, max)) => {
            let (Ok(lo), Ok(hi)) = (u16::try_from(min), u16::try_from(max)) else {
                return Err(invalid(
                    n,
                    "vxlan.source_udp_port_range",
                    &format!("{min}-{max} is not within 0-65535"),
                ));
            };
            Some((lo, hi))
        }
    };
    let destination_port = u16::try_from(v.destination_udp_port).map_err(|_| {
        invalid(
            n,
            "vxlan.destination_udp_port",
            &format!("{} is not 0-65535", v.destination_udp_port),
        )
    })?;
    let source_len = u8::try_from(v.source_prefix_len).map_err(|_| {
        invalid(
            n,
            "vxlan.source_prefix_len",
            &format!("{} is too long", v.source_prefix_len),
        )
    })?;
    let flags = match v.flags {
        None => 0x08,
        Some(f) => u8::try_from(f)
            .map_err(|_| invalid(n, "vxlan.flags", &format!("{f} does not fit in 8 bits")))?,
    };
    let reserved = match v.reserved {
        None => (0, 0),
        Some((bits_8_31, bits_55_63)) => (
            bits_8_31,
            u8::try_from(bits_55_63).map_err(|_| {
                invalid(
                    n,
                    "vxlan.rfc7348_reserved.reserved_bits_55_63",
                    &format!("{bits_55_63} is not 0-255"),
                )
            })?,
        ),
    };
    Ok(Profile {
        name: n.to_string(),
        action,
        interface: p.interface.to_string(),
        vxlan: Vxlan {
            vni: v.vni,
            source,
            source_len,
            source_ports,
            destination,
            destination_port,
            destination_mac: mac(v.destination_mac)
                .map_err(|w| invalid(n, "vxlan.destination_mac", w))?,
            flags,
            reserved,
        },
        client: client.to_string(),
    })
}

/// How a batch ended: how many items were applied, and the refusal that stopped it.
#[derive(Debug)]
pub(super) struct Outcome {
    pub completed: u32,
    pub refusal: Option<TunnelError>,
}

/// The batch's result with the form error of the item after the converted ones; the
/// device stopping is a gRPC error.
fn outcome(r: Result<u32, BatchError>, form: Option<TunnelError>) -> Result<Outcome, Status> {
    match r {
        Ok(completed) => Ok(Outcome {
            completed,
            refusal: form,
        }),
        Err(BatchError::Refused { completed, error }) => Ok(Outcome {
            completed,
            refusal: Some(error),
        }),
        Err(e @ BatchError::ShuttingDown) => Err(tunnel_task(&e)),
    }
}

/// Add or Update (`rpc`) of `items`, each converted by `convert` up to the first one
/// that is malformed (that one is the refusal, the rest is not sent).
pub(super) async fn set<T>(
    shared: &Shared,
    rpc: TunnelRpc,
    items: &[T],
    convert: impl Fn(&T) -> Result<Profile, TunnelError>,
) -> Result<Outcome, Status> {
    // The batch size is checked before any item (the device's rule, same message).
    if let Err(e) = batch_size(items.len()) {
        return outcome(Err(e), None);
    }
    let mut profiles = Vec::with_capacity(items.len());
    let mut form = None;
    for item in items {
        match convert(item) {
            Ok(p) => profiles.push(p),
            Err(e) => {
                form = Some(e);
                break;
            }
        }
    }
    if profiles.is_empty() {
        return outcome(Ok(0), form);
    }
    let tunnels = shared.device.tunnels();
    let r = match rpc {
        TunnelRpc::Add => tunnels.add(profiles).await,
        _ => tunnels.update(profiles).await,
    };
    outcome(r, form)
}

/// Delete by name, in order.
pub(super) async fn delete(shared: &Shared, names: Vec<String>) -> Result<Outcome, Status> {
    outcome(shared.device.tunnels().delete(names).await, None)
}

/// The profile named `name` (Get).
pub(super) fn get(shared: &Shared, name: &str) -> Result<Arc<Profile>, TunnelError> {
    check_name(name)?;
    shared
        .device
        .tunnels()
        .current()
        .profiles
        .get(name)
        .cloned()
        .ok_or_else(|| {
            TunnelError::new(TunnelCode::NotFound, format!("profile '{name}' not found"))
        })
}

/// An address as text, and whether it is IPv4 (which family field it goes in).
pub(super) fn addr_text(a: IpAddr) -> (String, bool) {
    (a.to_string(), a.is_ipv4())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vxlan<'a>() -> VxlanIn<'a> {
        VxlanIn {
            vni: 10,
            source_prefix: AddrIn::Ip(Some(Octets::Text("192.0.2.1"))),
            source_prefix_len: 32,
            source_udp_port_range: Some((49152, 65535)),
            destination_address: AddrIn::Ip(Some(Octets::Bytes(&[198, 51, 100, 1]))),
            destination_udp_port: 4789,
            destination_mac: Some(Octets::Text("00:11:22:33:44:55")),
            flags: None,
            reserved: None,
        }
    }

    fn input(attributes: AttrsIn<'_>) -> ProfileIn<'_> {
        ProfileIn {
            name: "p",
            action: ActionIn::Known(Action::Encapsulate),
            interface: "fti0.1",
            attributes,
        }
    }

    #[test]
    fn a_vxlan_profile_converts_with_defaults() {
        let p = profile(input(AttrsIn::Vxlan(vxlan())), "c").expect("valid");
        assert_eq!(p.vxlan.flags, 0x08);
        assert_eq!(p.vxlan.destination, Some("198.51.100.1".parse().unwrap()));
        assert_eq!(
            p.vxlan.destination_mac,
            Some([0, 0x11, 0x22, 0x33, 0x44, 0x55])
        );
        assert_eq!(p.vxlan.source_ports, Some((49152, 65535)));
        assert_eq!(p.client, "c");
    }

    #[test]
    fn form_errors_name_the_profile_and_field_with_their_code() {
        let cases: Vec<(ProfileIn<'_>, TunnelCode, &str)> = vec![
            (
                input(AttrsIn::Missing),
                TunnelCode::InvalidProfile,
                "profile 'p': attributes.vxlan is missing",
            ),
            (
                input(AttrsIn::Other("gre")),
                TunnelCode::InvalidProfile,
                "profile 'p': attributes.gre is not supported",
            ),
            (
                ProfileIn {
                    action: ActionIn::Other(2, Some("TRANSLATE")),
                    ..input(AttrsIn::Vxlan(vxlan()))
                },
                TunnelCode::InvalidAction,
                "profile 'p': action 2 (TRANSLATE) is not ENCAPSULATE (0)",
            ),
            (
                input(AttrsIn::Vxlan(VxlanIn {
                    source_prefix: AddrIn::Mpls,
                    ..vxlan()
                })),
                TunnelCode::InvalidProfile,
                "vxlan.source_prefix is an MPLS label",
            ),
            (
                input(AttrsIn::Vxlan(VxlanIn {
                    source_prefix: AddrIn::Ip(None),
                    ..vxlan()
                })),
                TunnelCode::InvalidProfile,
                "vxlan.source_prefix is not a valid IP address",
            ),
            (
                input(AttrsIn::Vxlan(VxlanIn {
                    destination_udp_port: 70000,
                    ..vxlan()
                })),
                TunnelCode::InvalidProfile,
                "vxlan.destination_udp_port 70000 is not 0-65535",
            ),
            (
                input(AttrsIn::Vxlan(VxlanIn {
                    destination_mac: Some(Octets::Bytes(&[1, 2, 3])),
                    ..vxlan()
                })),
                TunnelCode::InvalidProfile,
                "vxlan.destination_mac is not a MAC address",
            ),
            (
                input(AttrsIn::Vxlan(VxlanIn {
                    reserved: Some((0, 256)),
                    ..vxlan()
                })),
                TunnelCode::InvalidProfile,
                "reserved_bits_55_63 256 is not 0-255",
            ),
            (
                ProfileIn {
                    name: "",
                    ..input(AttrsIn::Vxlan(vxlan()))
                },
                TunnelCode::InvalidName,
                "profile name is empty",
            ),
        ];
        for (p, code, want) in cases {
            let e = profile(p, "c").expect_err(want);
            assert_eq!(e.code, code, "{want}");
            assert!(e.message.contains(want), "{}: {want}", e.message);
        }
    }
}
