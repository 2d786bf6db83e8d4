//! Typed views of interfaces, routing, firewall, syslog, extensions and the ephemeral
//! database, read from the effective configuration (groups applied, inactive
//! statements left out). Like every view they never fail: values `validate` would
//! refuse are skipped.

use std::net::IpAddr;

use crate::config::Config;
use crate::tree::{self, Entry, Node, Value};
use crate::value::IpPrefix;
use crate::views::{leaf, list_entries, num};

/// The statements that let an interface's units carry a `vlan-id`: single, flexible
/// (single and dual tags per unit) and stacked tagging.
pub(crate) const VLAN_TAGGING_MODES: [&str; 3] = [
    "vlan-tagging",
    "flexible-vlan-tagging",
    "stacked-vlan-tagging",
];

/// `interfaces NAME` (an IFD).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfdCfg {
    /// Device name (`ge-0/0/0`).
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `disable`.
    pub disabled: bool,
    /// `mtu`.
    pub mtu: Option<u32>,
    /// `speed` keyword (`1g`, `10g`, `auto`...).
    pub speed: Option<String>,
    /// `vlan-tagging`, `flexible-vlan-tagging` or `stacked-vlan-tagging`: its units may
    /// carry a `vlan-id`.
    pub vlan_tagging: bool,
    /// The aggregate (`aeN`) this interface is a member link of: `gigether-options
    /// 802.3ad aeN` (or `ether-options`, as EX and QFX write it).
    pub bundle: Option<String>,
    /// `unit N` entries in configuration order.
    pub units: Vec<IflCfg>,
}

/// `interfaces NAME unit N` (an IFL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IflCfg {
    /// Unit number.
    pub unit: u32,
    /// `description`.
    pub description: Option<String>,
    /// `disable`.
    pub disabled: bool,
    /// `vlan-id`.
    pub vlan_id: Option<u16>,
    /// `family inet` is configured (with or without addresses).
    pub family_inet: bool,
    /// `family inet address` entries.
    pub inet: Vec<IpPrefix>,
    /// `family inet6` is configured.
    pub family_inet6: bool,
    /// `family inet6 address` entries.
    pub inet6: Vec<IpPrefix>,
    /// `family mpls`.
    pub mpls: bool,
    /// `family iso` is configured.
    pub family_iso: bool,
    /// `family iso address` entries: ISO network entity titles (`49.0001.1920.0000.2001.00`).
    pub iso: Vec<String>,
    /// Filters bound to the families.
    pub filters: IflFiltersCfg,
    /// `family inet address A arp N ...` and `family inet6 address A ndp N ...`, in
    /// configuration order (inet first).
    pub neighbors: Vec<StaticNeighborCfg>,
}

/// A static ARP (`family inet address A arp N mac M [publish]`) or NDP (`family inet6
/// address A ndp N mac M [publish]`) entry. Entries without a unicast `mac` (only
/// `multicast-mac`) are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticNeighborCfg {
    /// The interface address the entry is configured under (`A`, without the length).
    pub interface_address: IpAddr,
    /// The neighbour's address (`N`).
    pub neighbor: IpAddr,
    /// `mac`, as configured (validated by the schema's `mac-unicast` type).
    pub mac: String,
    /// `publish`: the router answers ARP/NS requests for the neighbour's address.
    pub publish: bool,
}

impl IflCfg {
    /// `ge-0/0/0.0`.
    pub fn name(&self, ifd: &str) -> String {
        format!("{ifd}.{}", self.unit)
    }
}

/// `family inet|inet6 filter input|output` of a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IflFiltersCfg {
    /// `family inet filter input`.
    pub inet_input: Option<String>,
    /// `family inet filter output`.
    pub inet_output: Option<String>,
    /// `family inet6 filter input`.
    pub inet6_input: Option<String>,
    /// `family inet6 filter output`.
    pub inet6_output: Option<String>,
}

/// What a static route does with packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaticRouteAction {
    /// Forward to the next hops.
    Forward,
    /// `discard`: drop silently.
    Discard,
    /// `reject`: drop and send ICMP unreachables.
    Reject,
}

/// `qualified-next-hop ADDRESS { preference N; }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualifiedNextHopCfg {
    /// Next-hop address.
    pub address: IpAddr,
    /// `preference` of this next hop.
    pub preference: Option<u32>,
}

/// One static route, in the table it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticRouteCfg {
    /// The routing instance, `None` for the master instance.
    pub instance: Option<String>,
    /// Table: `inet.0`, `inet6.0`, `R1.inet.0`, `R1.inet6.0`.
    pub table: String,
    /// Destination.
    pub prefix: IpPrefix,
    /// `next-hop` addresses.
    pub next_hops: Vec<IpAddr>,
    /// `qualified-next-hop` entries.
    pub qualified_next_hops: Vec<QualifiedNextHopCfg>,
    /// Forward, discard or reject.
    pub action: StaticRouteAction,
    /// `preference`.
    pub preference: Option<u32>,
    /// `tag`.
    pub tag: Option<u32>,
}

/// `system syslog file NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogFileCfg {
    /// File name (under the log directory).
    pub name: String,
    /// `FACILITY SEVERITY;` lines.
    pub contents: Vec<SyslogContentCfg>,
}

/// `FACILITY SEVERITY;` of a syslog file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogContentCfg {
    /// Facility (`any`, `daemon`, `interactive-commands`...).
    pub facility: String,
    /// Lowest severity logged (`notice`, `any`, `none`...); `None` when not given.
    pub severity: Option<String>,
}

/// IP family of a firewall filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterFamily {
    /// `family inet`.
    Inet,
    /// `family inet6`.
    Inet6,
}

/// Terminating action of a firewall term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterAction {
    /// `accept`.
    Accept,
    /// `discard`.
    Discard,
    /// `reject`.
    Reject,
}

/// An address match of a firewall term (`10.0.0.0/8 except;`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressMatchCfg {
    /// The prefix.
    pub prefix: IpPrefix,
    /// `except`: matching packets do not match the term.
    pub except: bool,
}

/// `firewall family F filter NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallFilterCfg {
    /// Family.
    pub family: FilterFamily,
    /// Filter name.
    pub name: String,
    /// Terms in order.
    pub terms: Vec<FilterTermCfg>,
}

/// `term NAME { from {...} then {...} }` of a firewall filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterTermCfg {
    /// Term name.
    pub name: String,
    /// `from source-address`.
    pub source_addresses: Vec<AddressMatchCfg>,
    /// `from destination-address`.
    pub destination_addresses: Vec<AddressMatchCfg>,
    /// `from source-prefix-list`.
    pub source_prefix_lists: Vec<String>,
    /// `from destination-prefix-list`.
    pub destination_prefix_lists: Vec<String>,
    /// `from protocol` (inet) or `next-header` (inet6): names or numbers.
    pub protocols: Vec<String>,
    /// `from port`.
    pub ports: Vec<String>,
    /// `from source-port`.
    pub source_ports: Vec<String>,
    /// `from destination-port`.
    pub destination_ports: Vec<String>,
    /// `then accept|discard|reject`; `None` when only modifiers are given.
    pub action: Option<FilterAction>,
    /// `then count`.
    pub count: Option<String>,
    /// `then policer`.
    pub policer: Option<String>,
    /// `then log`.
    pub log: bool,
}

/// `firewall policer NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicerCfg {
    /// Policer name.
    pub name: String,
    /// `if-exceeding bandwidth-limit` in bits per second.
    pub bandwidth_limit: Option<u64>,
    /// `if-exceeding burst-size-limit` in bytes.
    pub burst_size_limit: Option<u64>,
    /// `then discard`.
    pub discard: bool,
}

/// `policy-options prefix-list NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixListCfg {
    /// List name.
    pub name: String,
    /// Prefixes in order.
    pub prefixes: Vec<IpPrefix>,
}

/// `routing-instances NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingInstanceCfg {
    /// Instance name.
    pub name: String,
    /// `instance-type` (`virtual-router`, `vrf`).
    pub instance_type: Option<String>,
    /// `interface` names (`ge-0/0/1.0`).
    pub interfaces: Vec<String>,
}

/// `10m` → 10,000,000; `1500` → 1,500.
pub(crate) fn bandwidth(s: &str) -> Option<u64> {
    let (digits, mult) = match s.as_bytes().last()? {
        b'k' => (&s[..s.len() - 1], 1_000u64),
        b'm' => (&s[..s.len() - 1], 1_000_000),
        b'g' => (&s[..s.len() - 1], 1_000_000_000),
        _ => (s, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

/// The keys of the list (or values of the leaf-list) `name` among `children`.
pub(crate) fn list_keys<'a>(children: &'a [Node], name: &str) -> Vec<&'a str> {
    match tree::child(children, name).map(|n| &n.value) {
        Some(Value::LeafList(vs)) => vs.iter().map(String::as_str).collect(),
        Some(Value::List(es)) => es.iter().map(|e| e.key.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// The entries of list `name` among `children` (empty when absent).
pub(crate) fn entries_of<'a>(children: &'a [Node], name: &str) -> &'a [Entry] {
    entries(children, name)
}

/// The children of container `name` among `children` (empty when absent).
pub(crate) fn sub_of<'a>(children: &'a [Node], name: &str) -> &'a [Node] {
    sub(children, name)
}

fn has(children: &[Node], name: &str) -> bool {
    tree::child(children, name).is_some()
}

fn strings(children: &[Node], name: &str) -> Vec<String> {
    match tree::child(children, name).map(|n| &n.value) {
        Some(Value::LeafList(vs)) => vs.clone(),
        Some(Value::List(es)) => es.iter().map(|e| e.key.clone()).collect(),
        _ => Vec::new(),
    }
}

fn keys<T: std::str::FromStr>(children: &[Node], name: &str) -> Vec<T> {
    strings(children, name)
        .iter()
        .filter_map(|k| k.parse().ok())
        .collect()
}

fn sub<'a>(children: &'a [Node], name: &str) -> &'a [Node] {
    tree::child(children, name)
        .map(Node::children)
        .unwrap_or(&[])
}

fn entries<'a>(children: &'a [Node], name: &str) -> &'a [Entry] {
    match tree::child(children, name).map(|n| &n.value) {
        Some(Value::List(es)) => es,
        _ => &[],
    }
}

fn ifl(e: &Entry) -> Option<IflCfg> {
    let c = &e.children;
    let family = sub(c, "family");
    let inet = tree::child(family, "inet");
    let inet6 = tree::child(family, "inet6");
    let filter = |fam: Option<&Node>, dir: &str| {
        fam.and_then(|f| leaf(sub(f.children(), "filter"), dir))
            .map(str::to_owned)
    };
    Some(IflCfg {
        unit: e.key.parse().ok()?,
        description: leaf(c, "description").map(str::to_owned),
        disabled: has(c, "disable"),
        vlan_id: num(c, "vlan-id"),
        family_inet: inet.is_some(),
        inet: inet
            .map(|n| keys(n.children(), "address"))
            .unwrap_or_default(),
        family_inet6: inet6.is_some(),
        inet6: inet6
            .map(|n| keys(n.children(), "address"))
            .unwrap_or_default(),
        mpls: has(family, "mpls"),
        family_iso: has(family, "iso"),
        iso: tree::child(family, "iso")
            .map(|n| strings(n.children(), "address"))
            .unwrap_or_default(),
        filters: IflFiltersCfg {
            inet_input: filter(inet, "input"),
            inet_output: filter(inet, "output"),
            inet6_input: filter(inet6, "input"),
            inet6_output: filter(inet6, "output"),
        },
        neighbors: [(inet, "arp"), (inet6, "ndp")]
            .into_iter()
            .flat_map(|(fam, word)| static_neighbors(fam, word))
            .collect(),
    })
}

/// The `arp` (inet) or `ndp` (inet6) entries under the addresses of a family.
fn static_neighbors(family: Option<&Node>, word: &str) -> Vec<StaticNeighborCfg> {
    let Some(f) = family else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for a in entries(f.children(), "address") {
        let Ok(p) = a.key.parse::<IpPrefix>() else {
            continue;
        };
        for n in entries(&a.children, word) {
            let (Ok(neighbor), Some(mac)) = (n.key.parse(), leaf(&n.children, "mac")) else {
                continue;
            };
            out.push(StaticNeighborCfg {
                interface_address: p.addr,
                neighbor,
                mac: mac.to_owned(),
                publish: has(&n.children, "publish"),
            });
        }
    }
    out
}

fn static_routes_in(out: &mut Vec<StaticRouteCfg>, ro: &[Node], instance: Option<&str>) {
    let prefix = instance.map(|i| format!("{i}.")).unwrap_or_default();
    let mut tables: Vec<(String, &[Node])> = vec![(format!("{prefix}inet.0"), sub(ro, "static"))];
    for rib in entries(ro, "rib") {
        let table = if rib.key.starts_with(&prefix) {
            rib.key.clone()
        } else {
            format!("{prefix}{}", rib.key)
        };
        tables.push((table, sub(&rib.children, "static")));
    }
    for (table, st) in tables {
        for r in entries(st, "route") {
            let Ok(p) = r.key.parse::<IpPrefix>() else {
                continue;
            };
            let c = &r.children;
            let action = if has(c, "discard") {
                StaticRouteAction::Discard
            } else if has(c, "reject") {
                StaticRouteAction::Reject
            } else {
                StaticRouteAction::Forward
            };
            out.push(StaticRouteCfg {
                instance: instance.map(str::to_owned),
                table: table.clone(),
                prefix: p,
                next_hops: keys(c, "next-hop"),
                qualified_next_hops: entries(c, "qualified-next-hop")
                    .iter()
                    .filter_map(|q| {
                        Some(QualifiedNextHopCfg {
                            address: q.key.parse().ok()?,
                            preference: num(&q.children, "preference"),
                        })
                    })
                    .collect(),
                action,
                preference: num(c, "preference"),
                tag: num(c, "tag"),
            });
        }
    }
}

fn addresses(children: &[Node], name: &str) -> Vec<AddressMatchCfg> {
    entries(children, name)
        .iter()
        .filter_map(|e| {
            Some(AddressMatchCfg {
                prefix: e.key.parse().ok()?,
                except: has(&e.children, "except"),
            })
        })
        .collect()
}

fn term(e: &Entry) -> FilterTermCfg {
    let from = sub(&e.children, "from");
    let then = sub(&e.children, "then");
    let mut protocols = strings(from, "protocol");
    protocols.extend(strings(from, "next-header"));
    FilterTermCfg {
        name: e.key.clone(),
        source_addresses: addresses(from, "source-address"),
        destination_addresses: addresses(from, "destination-address"),
        source_prefix_lists: strings(from, "source-prefix-list"),
        destination_prefix_lists: strings(from, "destination-prefix-list"),
        protocols,
        ports: strings(from, "port"),
        source_ports: strings(from, "source-port"),
        destination_ports: strings(from, "destination-port"),
        action: if has(then, "accept") {
            Some(FilterAction::Accept)
        } else if has(then, "discard") {
            Some(FilterAction::Discard)
        } else if has(then, "reject") {
            Some(FilterAction::Reject)
        } else {
            None
        },
        count: leaf(then, "count").map(str::to_owned),
        policer: leaf(then, "policer").map(str::to_owned),
        log: has(then, "log"),
    }
}

impl Config {
    /// `interfaces` in configuration order.
    pub fn interfaces(&self) -> Vec<IfdCfg> {
        let cfg = self.effective();
        list_entries(&cfg, &["interfaces", "interface"])
            .iter()
            .map(|e| {
                let c = &e.children;
                IfdCfg {
                    name: e.key.clone(),
                    description: leaf(c, "description").map(str::to_owned),
                    disabled: has(c, "disable"),
                    mtu: num(c, "mtu"),
                    speed: leaf(c, "speed").map(str::to_owned),
                    vlan_tagging: VLAN_TAGGING_MODES.iter().any(|m| has(c, m)),
                    bundle: ["gigether-options", "ether-options"]
                        .iter()
                        .find_map(|options| {
                            let lag = tree::child(tree::child(c, options)?.children(), "802.3ad")?;
                            leaf(lag.children(), "bundle").map(str::to_owned)
                        }),
                    units: entries(c, "unit").iter().filter_map(ifl).collect(),
                }
            })
            .collect()
    }

    /// Every static route: `routing-options static` (`inet.0`), `rib NAME static`, and
    /// the same in each routing instance (`R1.inet.0`, `R1.inet6.0`).
    pub fn static_routes(&self) -> Vec<StaticRouteCfg> {
        let cfg = self.effective();
        let mut out = Vec::new();
        if let Some(ro) = cfg.node_at(&["routing-options"]) {
            static_routes_in(&mut out, ro.children(), None);
        }
        for ri in list_entries(&cfg, &["routing-instances", "instance"]) {
            static_routes_in(
                &mut out,
                sub(&ri.children, "routing-options"),
                Some(&ri.key),
            );
        }
        out
    }

    /// `routing-instances` in configuration order.
    pub fn routing_instances(&self) -> Vec<RoutingInstanceCfg> {
        let cfg = self.effective();
        list_entries(&cfg, &["routing-instances", "instance"])
            .iter()
            .map(|e| RoutingInstanceCfg {
                name: e.key.clone(),
                instance_type: leaf(&e.children, "instance-type").map(str::to_owned),
                interfaces: strings(&e.children, "interface"),
            })
            .collect()
    }

    /// `system syslog file` entries.
    pub fn syslog_files(&self) -> Vec<SyslogFileCfg> {
        let cfg = self.effective();
        list_entries(&cfg, &["system", "syslog", "file"])
            .iter()
            .map(|f| SyslogFileCfg {
                name: f.key.clone(),
                contents: entries(&f.children, "contents")
                    .iter()
                    .map(|c| SyslogContentCfg {
                        facility: c.key.clone(),
                        severity: c.children.first().map(|n| n.schema.name.to_owned()),
                    })
                    .collect(),
            })
            .collect()
    }

    /// `system configuration-database ephemeral instance` names.
    pub fn ephemeral_instances(&self) -> Vec<String> {
        let cfg = self.effective();
        list_entries(
            &cfg,
            &["system", "configuration-database", "ephemeral", "instance"],
        )
        .iter()
        .map(|e| e.key.clone())
        .collect()
    }

    /// Firewall filters, `family inet` then `family inet6`, in configuration order.
    pub fn firewall_filters(&self) -> Vec<FirewallFilterCfg> {
        let cfg = self.effective();
        let mut out = Vec::new();
        for (fam, family) in [("inet", FilterFamily::Inet), ("inet6", FilterFamily::Inet6)] {
            for f in list_entries(&cfg, &["firewall", "family", fam, "filter"]) {
                out.push(FirewallFilterCfg {
                    family,
                    name: f.key.clone(),
                    terms: entries(&f.children, "term").iter().map(term).collect(),
                });
            }
        }
        out
    }

    /// `firewall policer` entries.
    pub fn policers(&self) -> Vec<PolicerCfg> {
        let cfg = self.effective();
        list_entries(&cfg, &["firewall", "policer"])
            .iter()
            .map(|p| {
                let ie = sub(&p.children, "if-exceeding");
                PolicerCfg {
                    name: p.key.clone(),
                    bandwidth_limit: leaf(ie, "bandwidth-limit").and_then(bandwidth),
                    burst_size_limit: leaf(ie, "burst-size-limit").and_then(bandwidth),
                    discard: has(sub(&p.children, "then"), "discard"),
                }
            })
            .collect()
    }

    /// `policy-options prefix-list` entries.
    pub fn prefix_lists(&self) -> Vec<PrefixListCfg> {
        let cfg = self.effective();
        list_entries(&cfg, &["policy-options", "prefix-list"])
            .iter()
            .map(|p| PrefixListCfg {
                name: p.key.clone(),
                prefixes: keys(&p.children, "prefix-list-item"),
            })
            .collect()
    }
}
