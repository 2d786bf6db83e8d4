//! `show route [PREFIX [exact|longer|orlonger]] [table T] [protocol P]
//! [terse|detail|extensive]`, `show route summary`, `show route forwarding-table` and
//! `show route client-info`, in CLI text, XML and JSON as Junos prints them
//! (`spec/junos-output.md` sections 6 and 7). `client-info` is ours: Junos has no public
//! capture of a JET-client route listing, so its names follow the neighbouring commands.

use std::fmt::Write as _;
use std::net::IpAddr;

use jet_rib::{MatchType, NextHop, Prefix, Rib, RouteView, Table, TableId};

use super::RibHandle;
use crate::error::DeviceError;
use crate::output::{Element, Format};

/// Which `show route` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteCmd {
    /// `show route ...`.
    Routes(ShowRoute),
    /// `show route summary`.
    Summary,
    /// `show route forwarding-table`.
    Forwarding,
    /// `show route client-info`.
    Clients,
}

/// Arguments of `show route`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShowRoute {
    /// Destination and how to match it.
    pub prefix: Option<(Prefix, MatchType, bool)>,
    /// Table name (exact, or a prefix such as `inet`).
    pub table: Option<String>,
    /// Protocol name (`static`, `direct`, `local`, `bgp-static`).
    pub protocol: Option<String>,
    /// `brief` (default), `terse`, `detail`, `extensive`.
    pub style: Style,
}

/// Output style.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Style {
    /// The default.
    #[default]
    Brief,
    /// One line per route.
    Terse,
    /// Per-path blocks.
    Detail,
    /// Detail plus forwarding state.
    Extensive,
}

const WORDS: &[&str] = &[
    "summary",
    "forwarding-table",
    "client-info",
    "table",
    "protocol",
    "exact",
    "longer",
    "orlonger",
    "terse",
    "detail",
    "extensive",
];

fn word(w: &str) -> Result<Option<&'static str>, DeviceError> {
    let m: Vec<&'static str> = WORDS.iter().copied().filter(|k| k.starts_with(w)).collect();
    match m.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => match many.iter().find(|k| **k == w) {
            Some(k) => Ok(Some(k)),
            None => Err(DeviceError::Syntax(format!(
                "'{w}' is ambiguous (possible completions: {})",
                many.join(", ")
            ))),
        },
    }
}

fn parse_prefix(w: &str) -> Result<Prefix, DeviceError> {
    let bad = || DeviceError::Syntax(format!("invalid destination '{w}'"));
    let (a, len) = match w.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().map_err(|_| bad())?)),
        None => (w, None),
    };
    let addr: IpAddr = a.parse().map_err(|_| bad())?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    if len > max {
        return Err(bad());
    }
    Ok(Prefix::masked(addr, len))
}

/// Parses the words after `show route`.
pub fn parse_show_route(rest: &[&str]) -> Result<RouteCmd, DeviceError> {
    let mut args = ShowRoute::default();
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i];
        match word(w)? {
            Some("summary") if rest.len() == 1 => return Ok(RouteCmd::Summary),
            Some("forwarding-table") if rest.len() == 1 => return Ok(RouteCmd::Forwarding),
            Some("client-info") if rest.len() == 1 => return Ok(RouteCmd::Clients),
            Some(k @ ("table" | "protocol")) => {
                let v = rest
                    .get(i + 1)
                    .ok_or_else(|| DeviceError::Syntax(format!("'{k}' needs a value")))?;
                if k == "table" {
                    args.table = Some((*v).to_owned());
                } else {
                    args.protocol = Some(v.to_ascii_lowercase());
                }
                i += 1;
            }
            Some(k @ ("exact" | "longer" | "orlonger")) => {
                let Some((_, how, incl)) = args.prefix.as_mut() else {
                    return Err(DeviceError::Syntax(format!(
                        "'{k}' needs a destination before it"
                    )));
                };
                *how = if k == "exact" {
                    MatchType::Exact
                } else {
                    MatchType::ExactOrLonger
                };
                *incl = k != "longer";
            }
            Some("terse") => args.style = Style::Terse,
            Some("detail") => args.style = Style::Detail,
            Some("extensive") => args.style = Style::Extensive,
            Some(other) => {
                return Err(DeviceError::Syntax(format!("'{other}' must be used alone")))
            }
            None if args.prefix.is_none() => {
                args.prefix = Some((parse_prefix(w)?, MatchType::Best, true))
            }
            None => {
                return Err(DeviceError::Syntax(format!(
                    "unexpected argument '{w}' after 'show route'"
                )))
            }
        }
        i += 1;
    }
    Ok(RouteCmd::Routes(args))
}

/// Route age as Junos prints it: `00:01:29`, `1d 06:42:42`, `3w3d 03:12:45`.
pub(crate) fn age(secs: u64) -> String {
    let (w, d) = (secs / 604_800, (secs % 604_800) / 86_400);
    let hms = format!(
        "{:02}:{:02}:{:02}",
        (secs % 86_400) / 3600,
        (secs % 3600) / 60,
        secs % 60
    );
    match (w, d) {
        (0, 0) => hms,
        (0, d) => format!("{d}d {hms}"),
        (w, d) => format!("{w}w{d}d {hms}"),
    }
}

/// One next-hop line of a path.
struct NhLine {
    selected: bool,
    to: Option<String>,
    via: Option<String>,
    local: bool,
    labels: String,
}

fn nh_lines(rib: &Rib, v: &RouteView<'_>) -> (Option<&'static str>, Vec<NhLine>) {
    let name = |i| rib.ifnames.name(i).to_owned();
    match &v.nh.nh {
        NextHop::Blackhole | NextHop::Discard => (Some("Discard"), Vec::new()),
        NextHop::Reject => (Some("Reject"), Vec::new()),
        NextHop::Receive(i) => (
            Some("Local"),
            vec![NhLine {
                selected: false,
                to: None,
                via: Some(name(*i)),
                local: true,
                labels: String::new(),
            }],
        ),
        NextHop::Interface(i) => (
            None,
            vec![NhLine {
                selected: v.active,
                to: None,
                via: Some(name(*i)),
                local: false,
                labels: String::new(),
            }],
        ),
        NextHop::Gateways(gws) => {
            let sel: Vec<usize> = v.nh.selected().collect();
            let lines = gws
                .iter()
                .enumerate()
                .map(|(k, g)| {
                    let mut labels = String::new();
                    for l in g.labels.iter() {
                        match l.action {
                            jet_rib::LabelAction::Pop => labels.push_str(", Pop"),
                            a => {
                                let _ = write!(labels, ", {} {}", a.as_str(), l.label);
                            }
                        }
                    }
                    NhLine {
                        selected: v.active && sel.contains(&k),
                        to: g.addr.map(|a| a.to_string()),
                        via: v.nh.state.get(k).and_then(|s| s.via).or(g.ifname).map(name),
                        local: false,
                        labels,
                    }
                })
                .collect();
            (None, lines)
        }
    }
}

fn table_matches(t: &Table, want: &Option<String>) -> bool {
    match want {
        None => true,
        Some(w) => {
            t.name == *w || t.name.starts_with(&format!("{w}.")) || t.name.starts_with(w.as_str())
        }
    }
}

/// Collected paths of one table for rendering.
struct TableOut {
    header: Element,
    text: String,
}

impl RibHandle {
    /// Renders a `show route` command.
    pub fn render_show(&self, cmd: &RouteCmd, format: Format) -> String {
        let now = u64::from(self.now_secs());
        let now_ms = self.now_ms();
        self.read(|rib| match cmd {
            RouteCmd::Routes(a) => render_routes(rib, a, format, now),
            RouteCmd::Summary => super::show_more::summary(rib, format),
            RouteCmd::Forwarding => super::show_more::forwarding(rib, format),
            RouteCmd::Clients => super::show_more::clients(rib, format, now_ms),
        })
    }
}

fn render_routes(rib: &Rib, a: &ShowRoute, format: Format, now: u64) -> String {
    let mut root = Element::container("route-information").xmlns("junos-routing");
    let mut text = String::new();
    for (tid, t) in rib.tables() {
        if !table_matches(t, &a.table) {
            continue;
        }
        if let Some((p, _, _)) = &a.prefix {
            if p.family() != t.family {
                continue;
            }
        }
        let out = render_table(rib, tid, t, a, now);
        if a.prefix.is_some() && out.text.is_empty() {
            continue;
        }
        text.push_str(&out.text);
        root.push(out.header);
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => text,
    }
}

fn header_line(rib: &Rib, tid: TableId, t: &Table) -> (String, [u64; 4]) {
    let s = rib.summary(tid);
    let line = format!(
        "{}: {} destinations, {} routes ({} active, 0 holddown, {} hidden)",
        t.name, s.destinations, s.routes, s.active, s.hidden
    );
    (line, [s.destinations, s.routes, s.active, s.hidden])
}

fn render_table(rib: &Rib, tid: TableId, t: &Table, a: &ShowRoute, now: u64) -> TableOut {
    let (line, counts) = header_line(rib, tid, t);
    let mut header = Element::container("route-table")
        .child(Element::leaf("table-name", &t.name))
        .child(Element::leaf("destination-count", counts[0].to_string()))
        .child(Element::leaf("total-route-count", counts[1].to_string()))
        .child(Element::leaf("active-route-count", counts[2].to_string()))
        .child(Element::leaf("holddown-route-count", "0"))
        .child(Element::leaf("hidden-route-count", counts[3].to_string()));
    let mut body = String::new();
    let mut any = false;
    let mut emit_dest =
        |p: Prefix, views: Vec<RouteView<'_>>, body: &mut String, header: &mut Element| {
            // Hidden paths (unusable next hop) are not shown, as on Junos.
            let views: Vec<RouteView<'_>> = views
                .into_iter()
                .filter(|v| v.active || v.nh.usable())
                .filter(|v| {
                    a.protocol
                        .as_deref()
                        .is_none_or(|want| v.path.proto.name().eq_ignore_ascii_case(want))
                })
                .collect();
            if views.is_empty() {
                return;
            }
            any = true;
            super::show_more::dest(rib, t, p, &views, a.style, now, body, header);
        };
    fn collect<'a>(
        rib: &'a Rib,
        tid: TableId,
        d: &'a jet_rib::Dest,
        p: Prefix,
    ) -> Vec<RouteView<'a>> {
        let mut v = Vec::new();
        rib.visit_dest(tid, p, d, false, &mut |x| v.push(x));
        v
    }
    match &a.prefix {
        None => {
            for (p, d) in t.iter() {
                emit_dest(p, collect(rib, tid, d, p), &mut body, &mut header);
            }
        }
        Some((p, MatchType::Best, _)) => {
            if let Some((q, d)) = t.lpm(p, |d| d.active(&rib.nhs).is_some()) {
                emit_dest(q, collect(rib, tid, d, q), &mut body, &mut header);
            }
        }
        Some((p, MatchType::Exact, _)) => {
            if let Some(d) = t.get(p) {
                emit_dest(*p, collect(rib, tid, d, *p), &mut body, &mut header);
            }
        }
        Some((p, MatchType::ExactOrLonger, incl)) => {
            for (q, d) in t.longer(p, None) {
                if !incl && q == *p {
                    continue;
                }
                emit_dest(q, collect(rib, tid, d, q), &mut body, &mut header);
            }
        }
    }
    let mut text = String::new();
    if any || a.prefix.is_none() {
        let _ = write!(text, "\n{line}\n");
        if any && a.style != Style::Detail && a.style != Style::Extensive {
            text.push_str("+ = Active Route, - = Last Active, * = Both\n\n");
        }
        if any && a.style == Style::Terse {
            text.push_str(
                "A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path\n",
            );
        }
        text.push_str(&body);
    }
    TableOut { header, text }
}

pub(super) fn nh_elements(rib: &Rib, v: &RouteView<'_>) -> (Vec<Element>, Vec<String>) {
    let (kind, lines) = nh_lines(rib, v);
    let mut els = Vec::new();
    let mut text = Vec::new();
    if let Some(k) = kind {
        els.push(Element::leaf("nh-type", k));
        if lines.is_empty() {
            text.push(format!("{:23}{k}", ""));
        }
    }
    for l in &lines {
        let mut nh = Element::container("nh");
        if l.selected {
            nh.push(Element::flag("selected-next-hop"));
        }
        if l.local {
            nh.push(Element::leaf(
                "nh-local-interface",
                l.via.clone().unwrap_or_default(),
            ));
            text.push(format!(
                "{:23}Local via {}",
                "",
                l.via.as_deref().unwrap_or("")
            ));
        } else {
            if let Some(to) = &l.to {
                nh.push(Element::leaf("to", to));
            }
            if let Some(via) = &l.via {
                nh.push(Element::leaf("via", via));
            }
            if !l.labels.is_empty() {
                nh.push(Element::leaf(
                    "mpls-label",
                    l.labels.trim_start_matches(", "),
                ));
            }
            let what = match (&l.to, &l.via) {
                (Some(t), Some(v)) => format!("to {t} via {v}"),
                (Some(t), None) => format!("to {t}"),
                (None, Some(v)) => format!("via {v}"),
                (None, None) => String::new(),
            };
            text.push(if l.selected {
                format!("{:20}>  {what}{}", "", l.labels)
            } else {
                format!("{:23}{what}{}", "", l.labels)
            });
        }
        els.push(nh);
    }
    (els, text)
}
