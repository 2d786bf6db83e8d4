//! `show bgp summary` / `<get-bgp-summary-information/>`.
//!
//! This device speaks no BGP to peers yet (advertising is a later issue): every
//! configured neighbor is shown `Idle` with no messages, rather than pretending a
//! session. The table lines count the BGP routes the RIB holds: the BGP-static routes
//! programmed through the BGP route service (all of them active or not).

use std::fmt::Write as _;

use chrono::Utc;

use crate::device::Device;
use crate::output::{Element, Format};

/// `5:03`, `1:05:03`, `2d 3:04:05`, as Junos prints "Last Up/Dwn".
fn elapsed(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d}d {h}:{m:02}:{sec:02}")
    } else if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

pub(super) fn render(dev: &Device, format: Format) -> String {
    let committed = dev.committed();
    let Some(bgp) = committed.effective.bgp() else {
        return match format {
            Format::Text => "BGP is not running\n".into(),
            _ => {
                let e = Element::container("bgp-information")
                    .xmlns("junos")
                    .child(Element::leaf("bgp-error", "BGP is not running"));
                if format == Format::Xml {
                    e.to_cli_xml()
                } else {
                    e.to_json()
                }
            }
        };
    };
    let since = (Utc::now() - committed.meta.time).num_seconds();
    let peers: Vec<(String, u32)> = bgp
        .groups
        .iter()
        .flat_map(|g| {
            let local = g.local_as.or(bgp.local_as).unwrap_or(0);
            g.neighbors.iter().map(move |n| {
                let asn = n.peer_as.or(if g.external { None } else { Some(local) });
                (n.address.to_string(), asn.unwrap_or(0))
            })
        })
        .collect();
    // (table, BGP paths, active BGP paths), for tables that hold any.
    let tables: Vec<(String, u64, u64)> = dev.rib().read(|r| {
        r.tables()
            .filter_map(|(id, t)| {
                let s = r.summary(id);
                let (n, a) = s.per_proto.get("Bgp-Static").copied()?;
                Some((t.name.clone(), n, a))
            })
            .collect()
    });
    let mut e = Element::container("bgp-information")
        .xmlns("junos")
        .child(Element::leaf("bgp-thread-mode", "BGP I/O"))
        .child(Element::leaf(
            "default-ebgp-advertise-mode",
            "advertise - accept",
        ))
        .child(Element::leaf(
            "default-ebgp-receive-mode",
            "receive - accept",
        ))
        .child(Element::leaf("group-count", bgp.groups.len().to_string()))
        .child(Element::leaf("peer-count", peers.len().to_string()))
        .child(Element::leaf("down-peer-count", peers.len().to_string()));
    for (name, n, a) in &tables {
        e.push(
            Element::container("bgp-rib")
                .child(Element::leaf("name", name))
                .child(Element::leaf("total-prefix-count", n.to_string()))
                .child(Element::leaf("active-prefix-count", a.to_string()))
                .child(Element::leaf("suppressed-prefix-count", "0"))
                .child(Element::leaf("history-prefix-count", "0"))
                .child(Element::leaf("damped-prefix-count", "0"))
                .child(Element::leaf("pending-prefix-count", "0")),
        );
    }
    for (addr, asn) in &peers {
        e.push(
            Element::container("bgp-peer")
                .child(Element::leaf("peer-address", addr))
                .child(Element::leaf("peer-as", asn.to_string()))
                .child(Element::leaf("input-messages", "0"))
                .child(Element::leaf("output-messages", "0"))
                .child(Element::leaf("route-queue-count", "0"))
                .child(Element::leaf("flap-count", "0"))
                .child(
                    Element::leaf("elapsed-time", elapsed(since))
                        .attr("junos:seconds", since.max(0).to_string()),
                )
                .child(Element::leaf("peer-state", "Idle")),
        );
    }
    match format {
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
        Format::Text => {
            let mut t = String::new();
            let _ = writeln!(t, "Threading mode: BGP I/O");
            let _ = writeln!(t, "Default eBGP mode: advertise - accept, receive - accept");
            let _ = writeln!(
                t,
                "Groups: {} Peers: {} Down peers: {}",
                bgp.groups.len(),
                peers.len(),
                peers.len()
            );
            let _ = writeln!(
                t,
                "Table          Tot Paths  Act Paths Suppressed    History Damp State    Pending"
            );
            for (name, n, a) in &tables {
                let _ = writeln!(t, "{name}");
                let _ = writeln!(t, "{n:>24}{a:>11}{:>11}{:>11}{:>11}{:>11}", 0, 0, 0, 0);
            }
            let _ = writeln!(
                t,
                "Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn State|#Active/Received/Accepted/Damped..."
            );
            for (addr, asn) in &peers {
                let _ = writeln!(
                    t,
                    "{addr:<18}{asn:>12}{:>11}{:>11}{:>8}{:>8}{:>12} Idle",
                    0,
                    0,
                    0,
                    0,
                    elapsed(since)
                );
            }
            t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::elapsed;

    #[test]
    fn elapsed_times_read_as_junos_prints_them() {
        assert_eq!(elapsed(303), "5:03");
        assert_eq!(elapsed(3_903), "1:05:03");
        assert_eq!(elapsed(2 * 86_400 + 3 * 3_600 + 245), "2d 3:04:05");
    }
}
