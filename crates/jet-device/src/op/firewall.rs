//! `show firewall [filter NAME | counter filter F C | log | limits]`, `show policer
//! [NAME]`, `clear firewall all | filter NAME`: filters (configured and client ones,
//! the latter with their owner), their counters and policer counters.

use crate::device::Device;
use crate::error::DeviceError;
use crate::firewall::state::Filter;
use crate::firewall::{Count, Plane};
use crate::output::{Element, Format};

/// What `show firewall` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FirewallCmd {
    /// Every filter, or one.
    Filters(Option<String>),
    /// One counter of one filter.
    Counter { filter: String, counter: String },
    /// The packets logged by `log` terms.
    Log,
    /// Limits and usage.
    Limits,
    /// Policers (`show policer [NAME]`).
    Policers(Option<String>),
    /// `clear firewall all` / `clear firewall filter NAME`.
    Clear(Option<String>),
    /// `request firewall simulate-statistics-delay SECONDS` (OpenJET): counter gets wait
    /// that long for the simulated forwarding plane's statistics (0: no delay).
    StatsDelay(u64),
}

pub(super) fn parse_show(rest: &[&str]) -> Result<FirewallCmd, DeviceError> {
    match rest {
        [] => Ok(FirewallCmd::Filters(None)),
        ["filter", name] => Ok(FirewallCmd::Filters(Some((*name).to_owned()))),
        ["counter", "filter", f, c] => Ok(FirewallCmd::Counter {
            filter: (*f).to_owned(),
            counter: (*c).to_owned(),
        }),
        ["log"] => Ok(FirewallCmd::Log),
        ["limits"] => Ok(FirewallCmd::Limits),
        _ => Err(DeviceError::syntax(
            "usage: show firewall [filter NAME | counter filter FILTER COUNTER | log | limits]"
                .into(),
        )),
    }
}

fn filters<'a>(p: &'a Plane, only: Option<&str>) -> Vec<&'a Filter> {
    p.fw.config
        .values()
        .chain(p.fw.api.values())
        .filter(|f| only.is_none_or(|n| n == f.name))
        .collect()
}

fn counter_el(tag: &str, name_tag: &str, name: &str, c: &Count) -> Element {
    Element::container(tag)
        .child(Element::leaf(name_tag, name))
        .child(Element::leaf("packet-count", c.packets.to_string()))
        .child(Element::leaf("byte-count", c.bytes.to_string()))
}

fn filter_el(f: &Filter) -> Element {
    let mut e =
        Element::container("filter-information").child(Element::leaf("filter-name", &f.name));
    if let Some(o) = f.owner() {
        e.push(Element::leaf("client-name", o));
    }
    for (n, c) in &f.counters {
        e.push(counter_el("counter", "counter-name", n, c));
    }
    for (n, c) in &f.policer_counters {
        e.push(counter_el("policer", "policer-name", n, c));
    }
    e
}

const HEADER: &str =
    "Name                                                Bytes              Packets\n";

fn row(out: &mut String, name: &str, c: &Count) {
    let bytes = c.bytes.to_string();
    let w = 57usize
        .saturating_sub(name.chars().count())
        .max(bytes.len() + 1);
    out.push_str(&format!("{name}{bytes:>w$}{:>21}\n", c.packets));
}

fn filters_text(list: &[&Filter]) -> String {
    let mut out = String::new();
    for f in list {
        out.push('\n');
        out.push_str(&format!("Filter: {:<55}\n", f.name));
        if let Some(o) = f.owner() {
            out.push_str(&format!("Client: {o}\n"));
        }
        if !f.counters.is_empty() {
            out.push_str("Counters:\n");
            out.push_str(HEADER);
            for (n, c) in &f.counters {
                row(&mut out, n, c);
            }
        }
        if !f.policer_counters.is_empty() {
            out.push_str("Policers:\n");
            out.push_str(HEADER);
            for (n, c) in &f.policer_counters {
                row(&mut out, n, c);
            }
        }
    }
    out
}

fn render(root: Element, format: Format, text: impl FnOnce() -> String) -> String {
    let root = root.xmlns("junos-filter");
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => text(),
    }
}

/// `request firewall simulate-statistics-delay SECONDS`.
pub(super) fn parse_stats_delay(rest: &[&str]) -> Result<FirewallCmd, DeviceError> {
    const USAGE: &str =
        "usage: request firewall simulate-statistics-delay SECONDS (0-3600; 0 turns it off)";
    match rest {
        [n] => match n.parse::<u64>() {
            Ok(secs) if secs <= 3600 => Ok(FirewallCmd::StatsDelay(secs)),
            _ => Err(DeviceError::syntax(format!(
                "SECONDS: '{n}' is not 0-3600; {USAGE}"
            ))),
        },
        _ => Err(DeviceError::syntax(USAGE.into())),
    }
}

pub(super) async fn run(
    dev: &Device,
    cmd: &FirewallCmd,
    format: Format,
) -> Result<String, DeviceError> {
    let fw = dev.firewall();
    if let FirewallCmd::Clear(filter) = cmd {
        fw.clear(filter.clone())
            .await
            .map_err(|e| DeviceError::syntax(e.to_string()))?;
        return Ok(match format {
            Format::Text => String::new(),
            Format::Xml => Element::container("clear-firewall-results").to_cli_xml(),
            Format::Json => Element::container("clear-firewall-results").to_json(),
        });
    }
    if let FirewallCmd::StatsDelay(secs) = cmd {
        fw.set_stats_delay(std::time::Duration::from_secs(*secs));
        let text = format!(
            "Firewall counter gets wait {secs} s for statistics (TIMEOUT after {} s)\n",
            crate::firewall::COUNTER_TIMEOUT.as_secs()
        );
        let el = Element::container("simulate-statistics-delay-results")
            .child(Element::leaf("delay-seconds", secs.to_string()));
        return Ok(render(el, format, || text));
    }
    fw.read(|p| match cmd {
        FirewallCmd::Filters(only) => {
            let list = filters(p, only.as_deref());
            if let (Some(n), true) = (only, list.is_empty()) {
                return Err(DeviceError::syntax(format!("filter '{n}' does not exist")));
            }
            let mut root = Element::container("firewall-information");
            for f in &list {
                root.push(filter_el(f));
            }
            Ok(render(root, format, || filters_text(&list)))
        }
        FirewallCmd::Counter { filter, counter } => {
            let f = filters(p, Some(filter))
                .into_iter()
                .next()
                .ok_or_else(|| DeviceError::syntax(format!("filter '{filter}' does not exist")))?;
            let (tag, c) = match (f.counters.get(counter), f.policer_counters.get(counter)) {
                (Some(c), _) => ("counter", c),
                (None, Some(c)) => ("policer", c),
                _ => {
                    return Err(DeviceError::syntax(format!(
                        "filter '{filter}' has no counter '{counter}'"
                    )))
                }
            };
            let name_tag = format!("{tag}-name");
            let root = Element::container("firewall-information").child(
                Element::container("filter-information")
                    .child(Element::leaf("filter-name", filter))
                    .child(counter_el(tag, &name_tag, counter, c)),
            );
            Ok(render(root, format, || {
                let mut out = format!("\nFilter: {filter:<55}\nCounters:\n{HEADER}");
                row(&mut out, counter, c);
                out
            }))
        }
        FirewallCmd::Policers(only) => {
            let mut root = Element::container("firewall-information");
            let mut rows: Vec<(String, Count)> = Vec::new();
            for f in filters(p, None) {
                for (n, c) in &f.policer_counters {
                    let base = f.terms.iter().zip(&f.term_policer).find_map(|(t, r)| {
                        (r.as_deref() == Some(n.as_str())).then(|| t.actions.policer.clone())
                    });
                    let policer = base.flatten().unwrap_or_else(|| n.clone());
                    if only.as_ref().is_some_and(|o| *o != policer) {
                        continue;
                    }
                    rows.push((format!("{n}-{}", f.name), *c));
                }
            }
            for (n, e) in &p.fw.policers {
                if only.as_ref().is_some_and(|o| o != n) {
                    continue;
                }
                let used = rows.iter().any(|(r, _)| r.starts_with(n.as_str()));
                if !used {
                    rows.push((n.clone(), Count::default()));
                }
                let _ = e;
            }
            let mut fi = Element::container("filter-information").child(Element::leaf("filter-name", "__policers__"));
            for (n, c) in &rows {
                fi.push(counter_el("policer", "policer-name", n, c));
            }
            root.push(fi);
            Ok(render(root, format, || {
                let mut out = format!("Policers:\n{HEADER}");
                for (n, c) in &rows {
                    row(&mut out, n, c);
                }
                out
            }))
        }
        FirewallCmd::Log => {
            let mut root = Element::container("firewall-log-information");
            for l in &p.log {
                root.push(
                    Element::container("log-information")
                        .child(Element::leaf("time", l.time.format("%H:%M:%S").to_string()))
                        .child(Element::leaf("filter-name", &l.filter))
                        .child(Element::leaf("action-name", &l.action))
                        .child(Element::leaf("interface-name", &l.interface))
                        .child(Element::leaf("protocol-name", &l.protocol))
                        .child(Element::leaf("source-address", &l.src))
                        .child(Element::leaf("destination-address", &l.dst)),
                );
            }
            Ok(render(root, format, || {
                let mut out = String::from("Log :\nTime      Filter    Action Interface           Protocol        Src Addr                         Dest Addr\n");
                for l in p.log.iter().rev() {
                    out.push_str(&format!(
                        "{:<10}{:<10}{:<7}{:<20}{:<16}{:<33}{}\n",
                        l.time.format("%H:%M:%S"),
                        l.filter,
                        l.action,
                        l.interface,
                        l.protocol,
                        l.src,
                        l.dst
                    ));
                }
                out
            }))
        }
        FirewallCmd::Limits => {
            let l = p.fw.limits;
            let rows = [
                ("filters", p.fw.api.len(), l.filters),
                ("terms", p.fw.api_terms, l.terms),
                ("terms-per-filter", p.fw.api.values().map(|f| f.terms.len()).max().unwrap_or(0), l.terms_per_filter),
                ("policers", p.fw.policers.len(), l.policers),
                ("bindings", p.fw.bound.len(), l.bindings),
                ("flows", p.flows.len(), l.flows),
            ];
            let mut root = Element::container("firewall-limits");
            for (n, used, max) in rows {
                root.push(
                    Element::container("limit")
                        .child(Element::leaf("name", n))
                        .child(Element::leaf("used", used.to_string()))
                        .child(Element::leaf("maximum", max.to_string())),
                );
            }
            Ok(render(root, format, || {
                let mut out = format!("{:<20}{:>10}{:>12}\n", "Resource", "Used", "Maximum");
                for (n, used, max) in rows {
                    out.push_str(&format!("{n:<20}{used:>10}{max:>12}\n"));
                }
                out
            }))
        }
        FirewallCmd::Clear(_) | FirewallCmd::StatsDelay(_) => Ok(String::new()),
    })
}
