//! `show arp [no-resolve] [interface NAME] [hostname HOST]` (`<get-arp-table-information>`)
//! and `show ipv6 neighbors [ADDRESS | host ADDRESS] [interface NAME]`
//! (`<get-ipv6-nd-information>`): the static ARP and NDP entries of the interfaces in
//! force, configured (`family inet address A arp N mac M [publish]`, `family inet6
//! address A ndp N mac M`) or added through the JET Interfaces API.
//!
//! The device learns no neighbours dynamically, so every entry is a static one: Junos
//! flags them `permanent` (and `published` with `publish`) in the ARP table, and shows
//! them in state `permanent` in the NDP table. Host names are not resolved: the Name
//! column repeats the address, as Junos does when no name is found.

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::device::Device;
use crate::error::DeviceError;
use crate::output::{Element, Format};
use crate::vocab::interfaces::{FamilyKind, InterfacesSnapshot, StaticNeighbor};

/// `show arp` / `show ipv6 neighbors` and their options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NeighborsQuery {
    /// ARP (inet) or NDP (inet6).
    pub(crate) family: FamilyKind,
    /// `no-resolve`: no Name column (ARP only).
    pub(crate) no_resolve: bool,
    /// `interface NAME`: a unit (`ge-0/0/0.0`) or every unit of an interface.
    pub(crate) interface: Option<String>,
    /// `hostname HOST` (ARP) / `host ADDRESS` (NDP): one neighbour.
    pub(crate) host: Option<String>,
}

/// Parses the words after `show arp`.
pub(super) fn parse_arp(rest: &[&str]) -> Result<NeighborsQuery, DeviceError> {
    let mut q = NeighborsQuery {
        family: FamilyKind::Inet,
        ..NeighborsQuery::default()
    };
    let mut words = rest.iter();
    while let Some(w) = words.next() {
        match keyword(w, &["hostname", "interface", "no-resolve"], "show arp")? {
            "no-resolve" => q.no_resolve = true,
            k => {
                let v = value_after(words.next(), "show arp", k)?;
                if k == "interface" {
                    q.interface = Some(v);
                } else {
                    q.host = Some(v);
                }
            }
        }
    }
    Ok(q)
}

/// Parses the words after `show ipv6 neighbors`.
pub(super) fn parse_nd(rest: &[&str]) -> Result<NeighborsQuery, DeviceError> {
    let mut q = NeighborsQuery {
        family: FamilyKind::Inet6,
        ..NeighborsQuery::default()
    };
    let mut words = rest.iter();
    while let Some(w) = words.next() {
        if w.parse::<IpAddr>().is_ok() && q.host.is_none() {
            q.host = Some((*w).to_owned());
            continue;
        }
        let k = keyword(w, &["host", "interface"], "show ipv6 neighbors")?;
        let v = value_after(words.next(), "show ipv6 neighbors", k)?;
        if k == "interface" {
            q.interface = Some(v);
        } else {
            q.host = Some(v);
        }
    }
    Ok(q)
}

/// The option keyword `w` abbreviates (a unique prefix, as on the CLI).
fn keyword(w: &str, options: &[&'static str], command: &str) -> Result<&'static str, DeviceError> {
    let hits: Vec<&'static str> = options
        .iter()
        .copied()
        .filter(|o| o.starts_with(w))
        .collect();
    match hits.as_slice() {
        [one] => Ok(one),
        _ => match options.iter().find(|o| **o == w) {
            Some(exact) => Ok(exact),
            None => Err(DeviceError::syntax(format!(
                "'{command}': unexpected argument '{w}' (expecting one of: {})",
                options.join(", ")
            ))),
        },
    }
}

fn value_after(v: Option<&&str>, command: &str, option: &str) -> Result<String, DeviceError> {
    v.map(|s| (*s).to_owned())
        .ok_or_else(|| DeviceError::syntax(format!("'{command}': '{option}' needs a value")))
}

/// Parses `<get-arp-table-information>` (`<no-resolve/>`, `<interface>`, `<hostname>`).
pub(super) fn parse_arp_rpc(body: &str) -> NeighborsQuery {
    NeighborsQuery {
        family: FamilyKind::Inet,
        no_resolve: super::interfaces::rpc_flag(body, "no-resolve"),
        interface: super::interfaces::rpc_text(body, "interface"),
        host: super::interfaces::rpc_text(body, "hostname"),
    }
}

/// Parses `<get-ipv6-nd-information>` (`<interface>`, `<host>`).
pub(super) fn parse_nd_rpc(body: &str) -> NeighborsQuery {
    NeighborsQuery {
        family: FamilyKind::Inet6,
        no_resolve: false,
        interface: super::interfaces::rpc_text(body, "interface"),
        host: super::interfaces::rpc_text(body, "host"),
    }
}

/// The command, on the interfaces in force after every committed configuration.
pub(super) async fn show(
    dev: &Device,
    q: &NeighborsQuery,
    format: Format,
) -> Result<String, DeviceError> {
    let snap = dev.interfaces_current().await?;
    render(&snap, q, format)
}

/// One row: the unit's name and the entry.
type Row<'a> = (&'a str, &'a StaticNeighbor);

/// The entries `q` selects, by neighbour address then unit.
fn select<'a>(
    snap: &'a InterfacesSnapshot,
    q: &NeighborsQuery,
) -> Result<Vec<Row<'a>>, DeviceError> {
    if let Some(name) = &q.interface {
        if snap.ifd(name).is_none() && snap.ifl(name).is_none() {
            return Err(DeviceError::UnknownInterface { name: name.clone() });
        }
    }
    let host: Option<IpAddr> = match &q.host {
        Some(h) => Some(h.parse().map_err(|_| {
            DeviceError::syntax(format!(
                "host '{h}' is not an address (this device does not resolve host names)"
            ))
        })?),
        None => None,
    };
    let mut rows: Vec<Row<'a>> = Vec::new();
    for d in &snap.ifds {
        for l in &d.units {
            let wanted = match &q.interface {
                Some(n) => *n == d.name || *n == l.name,
                None => true,
            };
            if !wanted {
                continue;
            }
            for f in l.families.iter().filter(|f| f.kind == q.family) {
                rows.extend(
                    f.neighbors
                        .iter()
                        .filter(|n| host.is_none_or(|h| h == n.neighbor))
                        .map(|n| (l.name.as_str(), n)),
                );
            }
        }
    }
    rows.sort_by(|a, b| (a.1.neighbor, a.0).cmp(&(b.1.neighbor, b.0)));
    Ok(rows)
}

/// Renders the ARP or NDP table for `q` in `format`.
pub(crate) fn render(
    snap: &InterfacesSnapshot,
    q: &NeighborsQuery,
    format: Format,
) -> Result<String, DeviceError> {
    let rows = select(snap, q)?;
    let (text, root) = if q.family == FamilyKind::Inet6 {
        nd(&rows)
    } else {
        arp(&rows, q.no_resolve)
    };
    Ok(match format {
        Format::Text => text,
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
    })
}

/// The ARP flags of a static entry.
fn arp_flags(n: &StaticNeighbor) -> Vec<&'static str> {
    let mut flags = vec!["permanent"];
    if n.publish {
        flags.push("published");
    }
    flags
}

fn arp(rows: &[Row<'_>], no_resolve: bool) -> (String, Element) {
    let style = if no_resolve { "no-resolve" } else { "normal" };
    let mut root = Element::container("arp-table-information")
        .xmlns("junos-arp")
        .attr("junos:style", style);
    let mut t = String::new();
    if no_resolve {
        t.push_str("MAC Address       Address         Interface                Flags\n");
    } else {
        t.push_str(
            "MAC Address       Address         Name                      Interface               Flags\n",
        );
    }
    for (ifl, n) in rows {
        let mac = n.mac.to_string();
        let addr = n.neighbor.to_string();
        let flags = arp_flags(n);
        if no_resolve {
            let _ = writeln!(t, "{mac:<17} {addr:<15} {ifl:<24} {}", flags.join(" "));
        } else {
            let _ = writeln!(
                t,
                "{mac:<17} {addr:<15} {addr:<25} {ifl:<23} {}",
                flags.join(" ")
            );
        }
        let mut e = Element::container("arp-table-entry")
            .child(Element::leaf("mac-address", &mac))
            .child(Element::leaf("ip-address", &addr));
        if !no_resolve {
            e.push(Element::leaf("hostname", &addr));
        }
        e.push(Element::leaf("interface-name", *ifl));
        let mut fl = Element::container("arp-table-entry-flags");
        for f in flags {
            fl.push(Element::flag(f));
        }
        e.push(fl);
        root.push(e);
    }
    let _ = writeln!(t, "Total entries: {}", rows.len());
    root.push(Element::leaf("arp-entry-count", rows.len().to_string()));
    (t, root)
}

fn nd(rows: &[Row<'_>]) -> (String, Element) {
    let mut root = Element::container("ipv6-nd-information");
    let mut t = String::from(
        "IPv6 Address                  Linklayer Address  State       Exp   Rtr  Secure  Interface\n",
    );
    for (ifl, n) in rows {
        let mac = n.mac.to_string();
        let addr = n.neighbor.to_string();
        let _ = writeln!(
            t,
            "{addr:<29} {mac:<18} {:<11} {:<5} {:<4} {:<7} {ifl}",
            "permanent", "0", "no", "no"
        );
        root.push(
            Element::container("ipv6-nd-entry")
                .child(Element::leaf("ipv6-nd-neighbor-address", &addr))
                .child(Element::leaf("ipv6-nd-neighbor-l2-address", &mac))
                .child(Element::leaf("ipv6-nd-state", "permanent"))
                .child(Element::leaf("ipv6-nd-expire", "0"))
                .child(Element::leaf("ipv6-nd-isrouter", "no"))
                .child(Element::leaf("ipv6-nd-issecure", "no"))
                .child(Element::leaf("ipv6-nd-interface-name", *ifl)),
        );
    }
    let _ = writeln!(t, "Total entries: {}", rows.len());
    root.push(Element::leaf("ipv6-nd-total", rows.len().to_string()));
    (t, root)
}

#[cfg(test)]
#[path = "neighbors_tests.rs"]
mod tests;
