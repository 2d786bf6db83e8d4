//! Rendering pieces of the `show route` family: one destination in each style, the
//! summary, the forwarding table and the JET client listing.

use std::fmt::Write as _;

use jet_rib::{NextHop, Prefix, Rib, RouteView, Table};

use super::common::{age, nh_elements, Style};
use crate::output::{Element, Format};

/// Renders one destination's shown paths into `text` and as an `rt` element.
#[allow(clippy::too_many_arguments)]
pub(super) fn dest(
    rib: &Rib,
    t: &Table,
    p: Prefix,
    views: &[RouteView<'_>],
    style: Style,
    now: u64,
    text: &mut String,
    header: Option<&mut Element>,
) {
    let detail = matches!(style, Style::Detail | Style::Extensive);
    let mut rt =
        Element::container("rt").attr("junos:style", if detail { "detail" } else { "brief" });
    let dest_s = p.to_string();
    if !detail {
        rt.push(Element::leaf("rt-destination", &dest_s));
    }
    if detail {
        match p.addr() {
            Some(a) => {
                rt.push(Element::leaf("rt-destination", a.to_string()));
                rt.push(Element::leaf("rt-prefix-length", p.len().to_string()));
            }
            None => rt.push(Element::leaf("rt-destination", &dest_s)),
        }
        let n = views.len();
        let entries = if n == 1 {
            "1 entry".to_owned()
        } else {
            format!("{n} entries")
        };
        rt.push(Element::leaf("rt-entry-count", n.to_string()).attr("junos:format", &entries));
        let _ = writeln!(
            text,
            "{dest_s} ({entries}, {} announced)",
            views.iter().filter(|v| v.active).count()
        );
    }
    for (i, v) in views.iter().enumerate() {
        let tag = if v.active { "*" } else { " " };
        let secs = now.saturating_sub(u64::from(v.path.since));
        let mut e = Element::container("rt-entry").child(Element::leaf("active-tag", tag));
        if v.active {
            e.push(Element::flag("current-active"));
            e.push(Element::flag("last-active"));
        }
        e.push(Element::leaf("protocol-name", v.path.proto.name()));
        e.push(Element::leaf("preference", v.path.pref.to_string()));
        if v.path.pref2 != u32::MAX {
            e.push(Element::leaf("preference2", pref2_text(rib, v)));
        }
        let (nhs, nh_text) = nh_elements(rib, v);
        if detail {
            e.push(Element::leaf("nh-type", v.nh.nh.type_word()));
            e.push(Element::leaf("nh-index", (v.path.nh.0 + 1000).to_string()));
            e.push(Element::leaf("nh-reference-count", v.nh.refs.to_string()));
        }
        let age_s = age(secs);
        let age_el = Element::leaf("age", &age_s).attr("junos:seconds", secs.to_string());
        let attrs = rib.attrs_of(v.path);
        if !detail {
            e.push(age_el.clone());
            if let Some(tag) = attrs.tags[0] {
                e.push(Element::leaf("rt-tag", tag.to_string()));
            }
        }
        for n in nhs {
            e.push(n);
        }
        if detail {
            e.push(Element::leaf(
                "rt-entry-state",
                if v.active {
                    "Active Int Ext"
                } else {
                    "NotBest Int Ext"
                },
            ));
            e.push(age_el);
        }
        let owner = rib.owner_name(v.path.owner);
        if detail {
            e.push(Element::leaf(
                "task-name",
                if v.path.proto.is_programmed() {
                    "prpd"
                } else {
                    "RT"
                },
            ));
            if let Some(o) = owner {
                e.push(Element::leaf("jet-client-id", o));
                e.push(Element::leaf("jet-cookie", v.path.cookie.to_string()));
            }
            if let Some(b) = rib.bgp.get(v.path.bgp) {
                bgp_elements(&mut e, b);
            }
        }
        rt.push(e);
        // Text.
        let pref = if detail && v.path.pref2 != u32::MAX {
            format!("{}/{}", v.path.pref, pref2_text(rib, v))
        } else {
            v.path.pref.to_string()
        };
        match style {
            Style::Brief => {
                let lead = if i == 0 {
                    if dest_s.len() >= 19 {
                        let _ = writeln!(text, "{dest_s}");
                        format!("{:19}{tag}", "")
                    } else {
                        format!("{dest_s:<18} {tag}")
                    }
                } else {
                    format!("{:19}{tag}", "")
                };
                let _ = write!(
                    text,
                    "{lead}[{}/{}] {age_s}",
                    v.path.proto.name(),
                    v.path.pref
                );
                if let Some(tag) = attrs.tags[0] {
                    let _ = write!(text, ", tag {tag}");
                }
                text.push('\n');
                for l in &nh_text {
                    let _ = writeln!(text, "{l}");
                }
            }
            Style::Terse => {
                let letter = &v.path.proto.name()[..1];
                let first_nh = nh_text
                    .first()
                    .map(|s| s.trim().replace(">  to ", ">").replace("to ", ""))
                    .unwrap_or_default();
                let d = if i == 0 { dest_s.as_str() } else { "" };
                let _ = writeln!(
                    text,
                    "{tag} ? {d:<18} {letter} {pref:>3}{:>22}  {first_nh}",
                    ""
                );
            }
            Style::Detail | Style::Extensive => {
                let _ = writeln!(
                    text,
                    "        {tag}{:<6} Preference: {pref}",
                    v.path.proto.name()
                );
                let _ = writeln!(
                    text,
                    "                Next hop type: {}, Next hop index: {}",
                    v.nh.nh.type_word(),
                    v.path.nh.0 + 1000
                );
                let _ = writeln!(
                    text,
                    "                Next-hop reference count: {}",
                    v.nh.refs
                );
                for l in &nh_text {
                    let l = l.trim().trim_start_matches(">  ");
                    let sel = if l.is_empty() {
                        String::new()
                    } else {
                        format!("                Next hop: {l}")
                    };
                    if !sel.is_empty() {
                        let _ = writeln!(text, "{sel}{}", if v.active { ", selected" } else { "" });
                    }
                }
                let _ = writeln!(
                    text,
                    "                State: <{}>",
                    if v.active {
                        "Active Int Ext"
                    } else {
                        "NotBest Int Ext"
                    }
                );
                let _ = writeln!(text, "                Age: {age_s}");
                let task = if v.path.proto.is_programmed() {
                    "prpd"
                } else {
                    "RT"
                };
                let _ = writeln!(text, "                Task: {task}");
                if let Some(o) = owner {
                    let _ = writeln!(
                        text,
                        "                JET client: {o}, cookie {}",
                        v.path.cookie
                    );
                }
                if let Some(b) = rib.bgp.get(v.path.bgp) {
                    bgp_text(text, b);
                }
                if style == Style::Extensive && v.active {
                    let tos: Vec<String> = nh_text
                        .iter()
                        .map(|l| l.trim().trim_start_matches(">  ").to_owned())
                        .collect();
                    let _ = writeln!(
                        text,
                        "                KRT in-kernel {p} -> {{{}}}",
                        tos.join(", ")
                    );
                }
            }
        }
    }
    if detail {
        text.push('\n');
    }
    let _ = t;
    if let Some(h) = header {
        h.push(rt);
    }
}

/// preference2 as Junos prints it: for BGP paths the negated LOCAL_PREF minus one
/// (`170/-101`), which is how a higher LOCAL_PREF ranks first.
fn pref2_text(rib: &Rib, v: &RouteView<'_>) -> String {
    if rib.bgp.get(v.path.bgp).is_some() {
        (v.path.pref2 as i32).to_string()
    } else {
        v.path.pref2.to_string()
    }
}

fn dotted(id: u32) -> String {
    std::net::Ipv4Addr::from(id).to_string()
}

/// The BGP attributes of a path (`detail` and `extensive`), XML/JSON.
fn bgp_elements(e: &mut Element, b: &jet_rib::BgpAttrs) {
    e.push(Element::leaf(
        "as-path",
        format!("{} I", b.as_path).trim_start().to_owned(),
    ));
    let comms = b.all_communities();
    if !comms.is_empty() {
        let mut c = Element::container("communities");
        for x in comms {
            c.push(Element::leaf("community", x));
        }
        e.push(c);
    }
    e.push(Element::leaf("local-preference", b.local_pref.to_string()));
    if let Some(m) = b.med {
        e.push(Element::leaf("med", m.to_string()));
    }
    if let Some(o) = b.originator_id {
        e.push(Element::leaf("originator-id", dotted(o)));
    }
    if !b.cluster_list.is_empty() {
        let l: Vec<String> = b.cluster_list.iter().map(|c| dotted(*c)).collect();
        e.push(Element::leaf("cluster-list", l.join(" ")));
    }
    if let Some(a) = b.protocol_nexthop {
        e.push(Element::leaf("protocol-nh", a.to_string()));
    }
    e.push(Element::leaf(
        "peer-type",
        if b.external { "External" } else { "Internal" },
    ));
}

/// The BGP attributes of a path (`detail` and `extensive`), text.
fn bgp_text(text: &mut String, b: &jet_rib::BgpAttrs) {
    let pad = "                ";
    let _ = writeln!(
        text,
        "{pad}AS path: {}",
        format!("{} I", b.as_path).trim_start()
    );
    let comms = b.all_communities();
    if !comms.is_empty() {
        let _ = writeln!(text, "{pad}Communities: {}", comms.join(" "));
    }
    let _ = writeln!(text, "{pad}Localpref: {}", b.local_pref);
    if let Some(m) = b.med {
        let _ = writeln!(text, "{pad}Metric: {m}");
    }
    if let Some(a) = b.aigp {
        let _ = writeln!(text, "{pad}AIGP: {a}");
    }
    if let Some(o) = b.originator_id {
        let _ = writeln!(text, "{pad}Originator ID: {}", dotted(o));
    }
    if !b.cluster_list.is_empty() {
        let l: Vec<String> = b.cluster_list.iter().map(|c| dotted(*c)).collect();
        let _ = writeln!(text, "{pad}Cluster list:  {}", l.join(" "));
    }
    if let Some(a) = b.protocol_nexthop {
        let _ = writeln!(text, "{pad}Protocol next hop: {a}");
    }
    let _ = writeln!(
        text,
        "{pad}Route type: {}",
        if b.external { "External" } else { "Internal" }
    );
}

/// `show route summary`.
pub(super) fn summary(rib: &Rib, format: Format) -> String {
    let mut root = Element::container("route-summary-information").xmlns("junos-routing");
    let mut text = String::new();
    for (tid, t) in rib.tables() {
        let s = rib.summary(tid);
        let mut e = Element::container("route-table")
            .child(Element::leaf("table-name", &t.name))
            .child(Element::leaf(
                "destination-count",
                s.destinations.to_string(),
            ))
            .child(Element::leaf("total-route-count", s.routes.to_string()))
            .child(Element::leaf("active-route-count", s.active.to_string()))
            .child(Element::leaf("holddown-route-count", "0"))
            .child(Element::leaf("hidden-route-count", s.hidden.to_string()));
        let _ = writeln!(
            text,
            "\n{}: {} destinations, {} routes ({} active, 0 holddown, {} hidden)",
            t.name, s.destinations, s.routes, s.active, s.hidden
        );
        for (proto, (n, act)) in &s.per_proto {
            e.push(
                Element::container("protocols")
                    .child(Element::leaf("protocol-name", *proto))
                    .child(Element::leaf("protocol-route-count", n.to_string()))
                    .child(Element::leaf("active-route-count", act.to_string())),
            );
            let _ = writeln!(text, "{proto:>20}: {n:>6} routes, {act:>6} active");
        }
        root.push(e);
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => text,
    }
}

/// `show route forwarding-table`: the winning next hop of every active route.
pub(super) fn forwarding(rib: &Rib, format: Format) -> String {
    let mut root = Element::container("forwarding-table-information").xmlns("junos-routing");
    let mut text = String::new();
    for (tid, t) in rib.tables() {
        let (fam, family_word) = match t.family {
            jet_rib::Family::Inet => ("inet", "Internet"),
            jet_rib::Family::Inet6 => ("inet6", "Internet6"),
            jet_rib::Family::Mpls => ("mpls", "MPLS"),
        };
        let name = format!("{}.{fam}", t.instance.as_deref().unwrap_or("default"));
        let mut e = Element::container("route-table")
            .child(Element::leaf("table-name", &name))
            .child(Element::leaf("address-family", family_word));
        let _ = writeln!(text, "Routing table: {name}\n{family_word}:");
        text.push_str(
            "Destination        Type RtRef Next hop           Type Index    NhRef Netif\n",
        );
        fwd_row(&mut text, &mut e, "default", "perm", "", "rjct", 36, 1, "");
        for (p, d) in t.iter() {
            let Some(a) = d.active(&rib.nhs) else {
                continue;
            };
            let path = &d.paths()[a];
            let nh = rib.nhs.get(path.nh);
            let idx = path.nh.0 + 1000;
            let dest = p.to_string();
            let dtype = match path.proto {
                jet_rib::Proto::Direct | jet_rib::Proto::Local => "intf",
                _ => "user",
            };
            match &nh.nh {
                NextHop::Blackhole | NextHop::Discard => fwd_row(
                    &mut text, &mut e, &dest, dtype, "", "dscd", idx, nh.refs, "",
                ),
                NextHop::Reject => fwd_row(
                    &mut text, &mut e, &dest, dtype, "", "rjct", idx, nh.refs, "",
                ),
                NextHop::Receive(i) => fwd_row(
                    &mut text,
                    &mut e,
                    &dest,
                    dtype,
                    "",
                    "locl",
                    idx,
                    nh.refs,
                    rib.ifnames.name(*i),
                ),
                NextHop::Interface(i) => fwd_row(
                    &mut text,
                    &mut e,
                    &dest,
                    dtype,
                    "",
                    "rslv",
                    idx,
                    nh.refs,
                    rib.ifnames.name(*i),
                ),
                NextHop::Gateways(gws) => {
                    let sel: Vec<usize> = nh.selected().collect();
                    let via = |k: usize| {
                        nh.state
                            .get(k)
                            .and_then(|s| s.via)
                            .or(gws[k].ifname)
                            .map_or("", |i| rib.ifnames.name(i))
                    };
                    let to = |k: usize| gws[k].addr.map(|a| a.to_string()).unwrap_or_default();
                    if sel.len() == 1 {
                        fwd_row(
                            &mut text,
                            &mut e,
                            &dest,
                            dtype,
                            &to(sel[0]),
                            "ucst",
                            idx,
                            nh.refs,
                            via(sel[0]),
                        );
                    } else {
                        fwd_row(
                            &mut text, &mut e, &dest, dtype, "", "ulst", idx, nh.refs, "",
                        );
                        for k in sel {
                            let _ = writeln!(
                                text,
                                "{:30}{:<18} {:<4} {:>8} {:>6} {}",
                                "",
                                to(k),
                                "ucst",
                                idx,
                                nh.refs,
                                via(k)
                            );
                        }
                    }
                }
            }
        }
        let _ = tid;
        text.push('\n');
        root.push(e);
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => text,
    }
}

/// `show route client-info`: JET clients of the RIB, their routes and purge state.
pub(super) fn clients(rib: &Rib, format: Format, now_ms: u64) -> String {
    let mut root = Element::container("rib-client-information");
    let mut text = format!(
        "{:<24} {:<13} {:>9} {:>10} {:>9}\n",
        "Client ID", "Status", "Routes", "Purge time", "Purge in"
    );
    for (_, c) in rib.clients.iter() {
        let status = if !c.sessions.is_empty() {
            "connected"
        } else if c.purge_at.is_some() {
            "purge-pending"
        } else {
            "disconnected"
        };
        let remaining = c
            .purge_at
            .map(|at| at.saturating_sub(now_ms).div_ceil(1000));
        let mut e = Element::container("rib-client")
            .child(Element::leaf("client-id", &c.name))
            .child(Element::leaf("client-status", status))
            .child(Element::leaf("route-count", c.routes.to_string()))
            .child(Element::leaf("purge-time", c.purge_time().to_string()))
            .child(Element::leaf("preference", c.defaults.pref.to_string()))
            .child(Element::leaf("preference2", c.defaults.pref2.to_string()));
        if let Some(r) = remaining {
            e.push(
                Element::leaf("purge-remaining", r.to_string())
                    .attr("junos:seconds", r.to_string()),
            );
        }
        root.push(e);
        let _ = writeln!(
            text,
            "{:<24} {:<13} {:>9} {:>9}s {:>9}",
            c.name,
            status,
            c.routes,
            c.purge_time(),
            remaining.map_or("-".to_owned(), |r| format!("{r}s"))
        );
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => text,
    }
}

#[allow(clippy::too_many_arguments)]
fn fwd_row(
    text: &mut String,
    e: &mut Element,
    dest: &str,
    dtype: &str,
    to: &str,
    nhtype: &str,
    idx: u32,
    refs: u32,
    netif: &str,
) {
    let _ = writeln!(
        text,
        "{dest:<18} {dtype:<4} {:>5} {to:<18} {nhtype:<4} {idx:>8} {refs:>6} {netif}",
        0
    );
    e.push(
        Element::container("rt-entry")
            .child(Element::leaf("rt-destination", dest))
            .child(Element::leaf("destination-type", dtype))
            .child(Element::leaf("route-reference-count", "0"))
            .child(
                Element::container("nh")
                    .child(Element::leaf("to", to))
                    .child(Element::leaf("nh-type", nhtype))
                    .child(Element::leaf("nh-index", idx.to_string()))
                    .child(Element::leaf("nh-reference-count", refs.to_string()))
                    .child(Element::leaf("via", netif)),
            ),
    );
}
