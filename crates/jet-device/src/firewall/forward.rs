//! The packet path through the simulated device, pure over the firewall state, the
//! interfaces and the RIB:
//!
//! ```text
//!  ingress unit ─► input filters (client, then configured) ─► forwarding-table input
//!   filter ─► route lookup (longest match, ECMP hash) ─► output filters (configured,
//!   then client) ─► egress unit
//! ```
//!
//! The same walk serves one packet (`test forwarding packet`, counting 1 packet) and a
//! sample of a simulated flow (counting the sample's share of a tick's packets): the
//! caller says how much traffic the walk stands for and how policers judge it.

use std::hash::{Hash, Hasher};

use jet_rib::{NextHop, Prefix, Rib};

use super::classify::{Packet, Verdict};
use super::model::{BindPoint, Count, Direction, FwFamily, PolicerKind, Terminating};
use super::state::{Filter, FirewallState, Origin};
use crate::vocab::interfaces::{FamilyKind, InterfacesSnapshot};

/// How much traffic one walk stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    /// Packets.
    pub packets: f64,
    /// Bytes.
    pub bytes: f64,
}

impl Load {
    /// `share` of the load in whole packets of the load's mean size (so that a counter's
    /// bytes stay a multiple of the packet size).
    pub fn share(self, share: f64) -> Count {
        let packets = (self.packets * share).round();
        let size = if self.packets > 0.0 {
            self.bytes / self.packets
        } else {
            0.0
        };
        Count {
            packets: packets as u64,
            bytes: (packets * size).round() as u64,
        }
    }
}

/// Decides the out-of-spec share of traffic a policer instance sees.
pub trait PolicerJudge {
    /// The share (0..=1) of `load` through policer instance `instance` of `filter` that
    /// is out of spec.
    fn out_of_spec(&mut self, filter: &str, instance: &str, kind: &PolicerKind, load: Load) -> f64;
}

/// One packet judged alone: out of spec only when it is larger than the burst.
#[derive(Debug, Default)]
pub struct SinglePacket;

impl PolicerJudge for SinglePacket {
    fn out_of_spec(&mut self, _: &str, _: &str, kind: &PolicerKind, load: Load) -> f64 {
        if load.bytes > kind.burst_bytes() as f64 {
            1.0
        } else {
            0.0
        }
    }
}

/// A term that matched, with what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRun {
    /// Term name.
    pub term: String,
    /// Actions taken, Junos words ("count web", "policer p out-of-spec", "accept").
    pub actions: Vec<String>,
}

/// One filter the packet went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterRun {
    /// Filter name.
    pub filter: String,
    /// Who programmed it.
    pub origin: Origin,
    /// Where it ran ("ge-0/0/0.0 input", "forwarding-table inet.0 input").
    pub at: String,
    /// Terms that matched.
    pub terms: Vec<TermRun>,
    /// What the filter decided: a terminating action word, "accept (implicit)" or
    /// "discard (end of filter)".
    pub result: String,
}

/// The route a packet took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteUsed {
    /// Table.
    pub table: String,
    /// Matching destination.
    pub prefix: String,
    /// Source of the active route.
    pub protocol: String,
    /// Next hop type word (Router, Interface, Local, Discard, Reject).
    pub next_hop_type: String,
    /// Gateway address chosen, if any.
    pub gateway: Option<String>,
    /// Gateways to choose from (more than one: ECMP).
    pub ecmp: usize,
}

/// Where the packet ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Sent out of the egress unit.
    Forwarded,
    /// Delivered to the device itself.
    Local,
    /// Dropped by a filter (name, term or "end of filter").
    Filtered {
        /// Filter.
        filter: String,
        /// Term, or `None` for the implicit discard.
        term: Option<String>,
    },
    /// Dropped by a policer.
    Policed {
        /// Filter.
        filter: String,
        /// Policer counter name.
        policer: String,
    },
    /// No route to the destination.
    NoRoute,
    /// Dropped by the route (discard / reject next hop).
    RouteDiscard,
    /// Delivered elsewhere by a terminating action (send-to-host, next-hop index, ...).
    Diverted(String),
}

impl Disposition {
    /// As printed: "forwarded", "discarded by filter F term T", ...
    pub fn describe(&self) -> String {
        match self {
            Disposition::Forwarded => "forwarded".into(),
            Disposition::Local => "delivered to the device (local)".into(),
            Disposition::Filtered {
                filter,
                term: Some(t),
            } => {
                format!("discarded by filter {filter} term {t}")
            }
            Disposition::Filtered { filter, term: None } => {
                format!("discarded by filter {filter} (end of filter)")
            }
            Disposition::Policed { filter, policer } => {
                format!("discarded by policer {policer} of filter {filter}")
            }
            Disposition::NoRoute => "discarded: no route".into(),
            Disposition::RouteDiscard => "discarded by the route's next hop".into(),
            Disposition::Diverted(s) => s.clone(),
        }
    }

    /// True when the packet left through the egress unit or reached the device.
    pub fn delivered(&self) -> bool {
        matches!(self, Disposition::Forwarded | Disposition::Local)
    }
}

/// The whole walk of a packet.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Ingress unit.
    pub ingress: String,
    /// Filters in the order they ran.
    pub filters: Vec<FilterRun>,
    /// Route used, if the packet got that far.
    pub route: Option<RouteUsed>,
    /// Egress unit, if known.
    pub egress: Option<String>,
    /// Outcome.
    pub disposition: Disposition,
    /// Share of the load that was delivered (1 for a packet that got through; a policer
    /// that drops part of a flow lowers it).
    pub delivered_share: f64,
}

/// Why a packet cannot be walked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    /// The ingress unit does not exist.
    #[error("interface '{0}' does not exist")]
    UnknownInterface(String),
}

fn configured_filter<'a>(
    ifs: &'a InterfacesSnapshot,
    unit: &str,
    family: FwFamily,
    dir: Direction,
) -> Option<&'a str> {
    let (_, ifl) = ifs.ifl(unit)?;
    let kind = match family {
        FwFamily::Inet => FamilyKind::Inet,
        FwFamily::Inet6 => FamilyKind::Inet6,
        FwFamily::Mpls => FamilyKind::Mpls,
    };
    let fam = ifl.families.iter().find(|f| f.kind == kind)?;
    match dir {
        Direction::Input => fam.input_filter.as_deref(),
        Direction::Output => fam.output_filter.as_deref(),
    }
}

struct Step {
    run: FilterRun,
    /// Share of the load that goes on after the filter.
    pass: f64,
    stop: Option<Disposition>,
    redirect: Option<String>,
}

fn run_filter(
    f: &mut Filter,
    at: String,
    p: &Packet,
    load: Load,
    judge: &mut dyn PolicerJudge,
    policers: &std::collections::BTreeMap<String, super::state::PolicerEntry>,
) -> Step {
    let mut hits = Vec::new();
    let verdict = f.classifier.classify(p, |t| hits.push(t));
    let mut terms = Vec::with_capacity(hits.len());
    let mut pass = 1.0;
    let mut policed = None;
    for &t in &hits {
        let term = &f.terms[t];
        let mut actions = Vec::new();
        if let Some(c) = &term.actions.count {
            if let Some(cnt) = f.counters.get_mut(c) {
                add(cnt, load, pass);
            }
            actions.push(format!("count {c}"));
        }
        if let (Some(pname), Some(Some(inst))) = (&term.actions.policer, f.term_policer.get(t)) {
            if let Some(entry) = policers.get(pname) {
                let offered = Load {
                    packets: load.packets * pass,
                    bytes: load.bytes * pass,
                };
                let out = judge
                    .out_of_spec(&f.name, inst, &entry.policer.kind, offered)
                    .clamp(0.0, 1.0);
                if let Some(cnt) = f.policer_counters.get_mut(inst) {
                    add(cnt, load, pass * out);
                }
                let word = if out >= 1.0 {
                    "out-of-spec"
                } else if out > 0.0 {
                    "partly out-of-spec"
                } else {
                    "in-spec"
                };
                actions.push(format!("policer {pname} {word}"));
                if entry.policer.kind.discards() && out > 0.0 {
                    pass *= 1.0 - out;
                    if pass <= 0.0 {
                        policed = Some(inst.clone());
                    }
                }
            }
        }
        if term.actions.log {
            actions.push("log".into());
        }
        if term.actions.syslog {
            actions.push("syslog".into());
        }
        if term.actions.sample {
            actions.push("sample".into());
        }
        if let Some(d) = term.actions.dscp {
            actions.push(format!("dscp {d}"));
        }
        if term.actions.next_term {
            actions.push("next term".into());
        }
        if let Some(t) = &term.actions.terminating {
            actions.push(t.keyword().to_owned());
        }
        terms.push(TermRun {
            term: term.name.clone(),
            actions,
        });
        if policed.is_some() {
            break;
        }
    }
    let mut step = Step {
        run: FilterRun {
            filter: f.name.clone(),
            origin: f.origin.clone(),
            at,
            terms,
            result: String::new(),
        },
        pass,
        stop: None,
        redirect: None,
    };
    if let Some(inst) = policed {
        step.run.result = "discard (policer)".into();
        step.stop = Some(Disposition::Policed {
            filter: f.name.clone(),
            policer: inst,
        });
        step.pass = 0.0;
        return step;
    }
    match verdict {
        Verdict::EndOfFilter => {
            step.run.result = "discard (end of filter)".into();
            step.stop = Some(Disposition::Filtered {
                filter: f.name.clone(),
                term: None,
            });
            step.pass = 0.0;
        }
        Verdict::Term(t) => {
            let term = &f.terms[t];
            match &term.actions.terminating {
                None => step.run.result = "accept (implicit)".into(),
                Some(a) => {
                    step.run.result = a.keyword().to_owned();
                    match a {
                        Terminating::Accept => {}
                        Terminating::Discard | Terminating::Reject(_) => {
                            step.stop = Some(Disposition::Filtered {
                                filter: f.name.clone(),
                                term: Some(term.name.clone()),
                            });
                            step.pass = 0.0;
                        }
                        Terminating::RoutingInstance(i) => step.redirect = Some(i.clone()),
                        Terminating::TopologyRedirect { instance, .. } => {
                            step.redirect = Some(instance.clone())
                        }
                        Terminating::SendToClient(c) => {
                            step.stop = Some(Disposition::Diverted(format!("sent to client {c}")))
                        }
                        Terminating::SendToHost => {
                            step.stop = Some(Disposition::Diverted("sent to host".into()))
                        }
                        Terminating::NextHop(i) => {
                            step.stop = Some(Disposition::Diverted(format!(
                                "forwarded via next hop index {i}"
                            )))
                        }
                    }
                }
            }
        }
    }
    step
}

/// Counts `share` of `load` in whole packets, each of the load's mean size, so that
/// bytes stay a multiple of the packet size.
fn add(c: &mut Count, load: Load, share: f64) {
    let n = load.share(share);
    c.add(n.packets, n.bytes);
}

/// Runs the filters bound at `point`/`dir` (client and configured, in binding order).
#[allow(clippy::too_many_arguments)]
fn run_chain(
    st: &mut FirewallState,
    point: BindPoint,
    label: &str,
    dir: Direction,
    configured: Option<&str>,
    p: &Packet,
    load: &mut Load,
    share: &mut f64,
    trace: &mut Trace,
    judge: &mut dyn PolicerJudge,
) -> Option<String> {
    let names: Vec<(bool, String)> = st
        .chain(&point, dir, p.family, configured)
        .into_iter()
        .map(|f| (f.owner().is_some(), f.name.clone()))
        .collect();
    let mut redirect = None;
    for (api, name) in names {
        let policers = &st.policers;
        let f = if api {
            st.api.get_mut(&name)
        } else {
            st.config.get_mut(&(p.family, name))
        };
        let Some(f) = f else { continue };
        let step = run_filter(
            f,
            format!("{label} {}", dir.as_str()),
            p,
            *load,
            judge,
            policers,
        );
        trace.filters.push(step.run);
        *share *= step.pass;
        load.packets *= step.pass;
        load.bytes *= step.pass;
        if let Some(stop) = step.stop {
            trace.disposition = stop;
            return None;
        }
        if step.redirect.is_some() {
            redirect = step.redirect;
        }
    }
    Some(redirect.unwrap_or_default())
}

fn ecmp_pick(p: &Packet, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (p.src, p.dst, p.fields).hash(&mut h);
    (h.finish() % n as u64) as usize
}

/// Walks `p` through the device carrying `load`, updating filter and policer counters.
pub fn walk(
    st: &mut FirewallState,
    ifs: &InterfacesSnapshot,
    rib: &Rib,
    p: &Packet,
    load: Load,
    judge: &mut dyn PolicerJudge,
) -> Result<Trace, WalkError> {
    if ifs.ifl(&p.interface).is_none() {
        return Err(WalkError::UnknownInterface(p.interface.clone()));
    }
    let mut trace = Trace {
        ingress: p.interface.clone(),
        filters: Vec::new(),
        route: None,
        egress: None,
        disposition: Disposition::Forwarded,
        delivered_share: 1.0,
    };
    let mut load = load;
    let mut share = 1.0;
    let cfg_in =
        configured_filter(ifs, &p.interface, p.family, Direction::Input).map(str::to_owned);
    let unit = BindPoint::Interface(p.interface.clone());
    let Some(mut instance) = run_chain(
        st,
        unit,
        &p.interface,
        Direction::Input,
        cfg_in.as_deref(),
        p,
        &mut load,
        &mut share,
        &mut trace,
        judge,
    ) else {
        trace.delivered_share = 0.0;
        return Ok(trace);
    };
    let table = match (instance.as_str(), p.family) {
        (_, FwFamily::Mpls) => "mpls.0".to_owned(),
        ("" | "master" | "default", FwFamily::Inet) => "inet.0".to_owned(),
        ("" | "master" | "default", FwFamily::Inet6) => "inet6.0".to_owned(),
        (i, _) if i.contains('.') => i.to_owned(),
        (i, FwFamily::Inet) => format!("{i}.inet.0"),
        (i, FwFamily::Inet6) => format!("{i}.inet6.0"),
    };
    let ft = BindPoint::ForwardingTable(table.clone());
    match run_chain(
        st,
        ft,
        &format!("forwarding-table {table}"),
        Direction::Input,
        None,
        p,
        &mut load,
        &mut share,
        &mut trace,
        judge,
    ) {
        None => {
            trace.delivered_share = 0.0;
            return Ok(trace);
        }
        Some(i) if !i.is_empty() => instance = i,
        Some(_) => {}
    }
    let _ = instance;
    let Some(tid) = rib.table_id(&table) else {
        trace.disposition = Disposition::NoRoute;
        trace.delivered_share = 0.0;
        return Ok(trace);
    };
    let Some(t) = rib.table(tid) else {
        trace.disposition = Disposition::NoRoute;
        trace.delivered_share = 0.0;
        return Ok(trace);
    };
    let key = match p.family {
        FwFamily::Mpls => Prefix::mpls(p.get(super::model::Field::Label1), 52).ok(),
        _ => Some(Prefix::host(p.dst)),
    };
    let found = key.and_then(|k| t.lpm(&k, |d| d.active(&rib.nhs).is_some()));
    let Some((prefix, dest)) = found else {
        trace.disposition = Disposition::NoRoute;
        trace.delivered_share = 0.0;
        return Ok(trace);
    };
    let Some(path) = dest.active(&rib.nhs).and_then(|i| dest.paths().get(i)) else {
        trace.disposition = Disposition::NoRoute;
        trace.delivered_share = 0.0;
        return Ok(trace);
    };
    let nh = rib.nhs.get(path.nh);
    let mut route = RouteUsed {
        table: table.clone(),
        prefix: prefix.to_string(),
        protocol: path.proto.name().to_owned(),
        next_hop_type: nh.nh.type_word().to_owned(),
        gateway: None,
        ecmp: 0,
    };
    let egress = match &nh.nh {
        NextHop::Blackhole | NextHop::Discard | NextHop::Reject => {
            trace.route = Some(route);
            trace.disposition = Disposition::RouteDiscard;
            trace.delivered_share = 0.0;
            return Ok(trace);
        }
        NextHop::Receive(_) => {
            trace.route = Some(route);
            trace.disposition = Disposition::Local;
            trace.delivered_share = share;
            return Ok(trace);
        }
        NextHop::Interface(i) => Some(rib.ifnames.name(*i).to_owned()),
        NextHop::Gateways(gws) => {
            let sel: Vec<usize> = nh.selected().collect();
            route.ecmp = sel.len();
            let pick = sel.get(ecmp_pick(p, sel.len())).copied();
            pick.and_then(|i| {
                let gw = gws.get(i)?;
                route.gateway = gw.addr.map(|a| a.to_string());
                let via = gw.ifname.or(nh.state.get(i).and_then(|s| s.via))?;
                Some(rib.ifnames.name(via).to_owned())
            })
        }
    };
    trace.route = Some(route);
    trace.egress = egress.clone();
    if let Some(out) = egress {
        let cfg_out = configured_filter(ifs, &out, p.family, Direction::Output).map(str::to_owned);
        let unit = BindPoint::Interface(out.clone());
        if run_chain(
            st,
            unit,
            &out,
            Direction::Output,
            cfg_out.as_deref(),
            p,
            &mut load,
            &mut share,
            &mut trace,
            judge,
        )
        .is_none()
        {
            trace.delivered_share = 0.0;
            return Ok(trace);
        }
    }
    trace.delivered_share = share;
    Ok(trace)
}
