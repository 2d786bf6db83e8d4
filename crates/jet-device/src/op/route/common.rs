//! What the route listing (`show route`, in the parent module) and the other route
//! renderings (`more`) share: the output style, route age, next-hop lines.

use std::fmt::Write as _;

use jet_rib::{NextHop, Rib, RouteView};

use crate::output::Element;

/// Output style.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Style {
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

/// Route age as Junos prints it: `00:01:29`, `1d 06:42:42`, `3w3d 03:12:45`.
pub(super) fn age(secs: u64) -> String {
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
    /// The flexible tunnel profile the gateway names.
    tunnel: Option<String>,
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
                tunnel: None,
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
                tunnel: None,
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
                        tunnel: g.tunnel.map(name),
                    }
                })
                .collect();
            (None, lines)
        }
    }
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
            if let Some(t) = &l.tunnel {
                nh.push(Element::leaf("flexible-tunnel-profile", t));
            }
            let mut what = match (&l.to, &l.via) {
                (Some(t), Some(v)) => format!("to {t} via {v}"),
                (Some(t), None) => format!("to {t}"),
                (None, Some(v)) => format!("via {v}"),
                (None, None) => String::new(),
            };
            if let Some(t) = &l.tunnel {
                let _ = write!(what, ", flexible tunnel profile {t}");
            }
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
