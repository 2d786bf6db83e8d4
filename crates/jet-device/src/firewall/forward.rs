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

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use jet_rib::{NextHop, Prefix, Rib};

use super::classify::{Packet, Verdict};
use super::keys::{bound_at, config_filter_mut, PointRef};
use super::model::{Count, Direction, FwFamily, PolicerKind, Terminating};
use super::state::{Filter, FirewallState};
pub use super::trace::{
    Detail, Disposition, FilterRun, RouteUsed, TermRun, Trace, WalkError, Walked,
};
use crate::vocab::interfaces::{FamilyKind, Ifl, InterfacesSnapshot};

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

fn configured_filter(ifl: &Ifl, family: FwFamily, dir: Direction) -> Option<&str> {
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

/// What one filter did to the packet.
struct Step {
    /// The filter's trace entry, with [`Detail::Trace`].
    run: Option<FilterRun>,
    /// What the filter decided (the trace's `result`).
    result: &'static str,
    /// A `log` or `syslog` term matched.
    logs: bool,
    /// Share of the load that goes on after the filter.
    pass: f64,
    stop: Option<Disposition>,
    redirect: Option<String>,
}

/// The action words of a matched term, as the trace prints them.
fn action_words(term: &super::model::Term, policer: Option<(&str, &'static str)>) -> Vec<String> {
    let mut actions = Vec::new();
    if let Some(c) = &term.actions.count {
        actions.push(format!("count {c}"));
    }
    if let Some((pname, word)) = policer {
        actions.push(format!("policer {pname} {word}"));
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
    actions
}

fn run_filter(
    f: &mut Filter,
    at: impl FnOnce() -> String,
    p: &Packet,
    load: Load,
    judge: &mut dyn PolicerJudge,
    policers: &std::collections::BTreeMap<String, super::state::PolicerEntry>,
    detail: Detail,
) -> Step {
    let Filter {
        name,
        origin,
        terms,
        classifier,
        counters,
        policer_counters,
        term_policer,
        term_counter,
        ..
    } = f;
    let tracing = detail == Detail::Trace;
    let mut runs = Vec::new();
    let mut pass = 1.0;
    let mut policed: Option<String> = None;
    let mut logs = false;
    // Terms are acted on as the classifier finds them, in filter order; after a policer
    // drops everything, later matches (before the terminating one) are ignored.
    let verdict = classifier.classify(p, |t| {
        if policed.is_some() {
            return;
        }
        let term = &terms[t];
        if let Some(cnt) = term_counter
            .get(t)
            .copied()
            .flatten()
            .and_then(|slot| counters.at_mut(slot))
        {
            add(cnt, load, pass);
        }
        let mut policer_word = None;
        if let (Some(pname), Some(Some(inst))) = (&term.actions.policer, term_policer.get(t)) {
            if let Some(entry) = policers.get(pname) {
                let offered = Load {
                    packets: load.packets * pass,
                    bytes: load.bytes * pass,
                };
                let out = judge
                    .out_of_spec(name, inst, &entry.policer.kind, offered)
                    .clamp(0.0, 1.0);
                if let Some(cnt) = policer_counters.get_mut(inst) {
                    add(cnt, load, pass * out);
                }
                let word = if out >= 1.0 {
                    "out-of-spec"
                } else if out > 0.0 {
                    "partly out-of-spec"
                } else {
                    "in-spec"
                };
                policer_word = Some((pname.as_str(), word));
                if entry.policer.kind.discards() && out > 0.0 {
                    pass *= 1.0 - out;
                    if pass <= 0.0 {
                        policed = Some(inst.clone());
                    }
                }
            }
        }
        logs |= term.actions.log || term.actions.syslog;
        if tracing {
            runs.push(TermRun {
                term: term.name.clone(),
                actions: action_words(term, policer_word),
            });
        }
    });
    let mut step = Step {
        run: None,
        result: "",
        logs,
        pass,
        stop: None,
        redirect: None,
    };
    if let Some(inst) = policed {
        step.result = "discard (policer)";
        step.stop = Some(Disposition::Policed {
            filter: name.clone(),
            policer: inst,
        });
        step.pass = 0.0;
    } else {
        match verdict {
            Verdict::EndOfFilter => {
                step.result = "discard (end of filter)";
                step.stop = Some(Disposition::Filtered {
                    filter: name.clone(),
                    term: None,
                });
                step.pass = 0.0;
            }
            Verdict::Term(t) => {
                let term = &terms[t];
                match &term.actions.terminating {
                    None => step.result = "accept (implicit)",
                    Some(a) => {
                        step.result = a.keyword();
                        match a {
                            Terminating::Accept => {}
                            Terminating::Discard | Terminating::Reject(_) => {
                                step.stop = Some(Disposition::Filtered {
                                    filter: name.clone(),
                                    term: Some(term.name.clone()),
                                });
                                step.pass = 0.0;
                            }
                            Terminating::RoutingInstance(i) => step.redirect = Some(i.clone()),
                            Terminating::TopologyRedirect { instance, .. } => {
                                step.redirect = Some(instance.clone())
                            }
                            Terminating::SendToClient(c) => {
                                step.stop =
                                    Some(Disposition::Diverted(format!("sent to client {c}")))
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
    }
    if tracing {
        step.run = Some(FilterRun {
            filter: name.clone(),
            origin: origin.clone(),
            at: at(),
            terms: runs,
            result: step.result.to_owned(),
        });
    }
    step
}

/// Counts `share` of `load` in whole packets, each of the load's mean size, so that
/// bytes stay a multiple of the packet size.
fn add(c: &mut Count, load: Load, share: f64) {
    let n = load.share(share);
    c.add(n.packets, n.bytes);
}

/// The state of one walk in progress.
struct Walk<'p> {
    p: &'p Packet,
    load: Load,
    share: f64,
    detail: Detail,
    /// Filter runs and route, with [`Detail::Trace`].
    filters: Vec<FilterRun>,
    route: Option<RouteUsed>,
    logged: Vec<(String, &'static str)>,
    /// Where the packet ended, so far.
    disposition: Disposition,
}

impl Walk<'_> {
    /// Runs the filters bound at `point`/`dir` (client and configured, in binding order,
    /// as [`FirewallState::chain`] lists them). `None` when a filter stopped the packet
    /// (`disposition` says why), else the routing instance a filter redirected to ("" for
    /// none).
    fn chain(
        &mut self,
        st: &mut FirewallState,
        point: PointRef<'_>,
        label: At<'_>,
        dir: Direction,
        configured: Option<&str>,
        judge: &mut dyn PolicerJudge,
    ) -> Option<String> {
        let family = self.p.family;
        // The filters are found by name before any runs (running one changes only its
        // counters, never the bindings); the keys are borrowed, not built.
        let FirewallState {
            api,
            config,
            policers,
            bound,
            ..
        } = st;
        // A name with no filter behind it is skipped below (one lookup per filter).
        let api_name = bound_at(bound, point, dir, family);
        let order = match dir {
            Direction::Input => [Some(true), Some(false)],
            Direction::Output => [Some(false), Some(true)],
        };
        let mut redirect = None;
        for is_api in order.into_iter().flatten() {
            let f = if is_api {
                api_name.and_then(|n| api.get_mut(n))
            } else {
                configured.and_then(|n| config_filter_mut(config, family, n))
            };
            let Some(f) = f else { continue };
            let step = run_filter(
                f,
                || format!("{label} {}", dir.as_str()),
                self.p,
                self.load,
                judge,
                policers,
                self.detail,
            );
            if let Some(run) = step.run {
                self.filters.push(run);
            }
            if step.logs {
                self.logged.push((f.name.clone(), step.result));
            }
            self.share *= step.pass;
            self.load.packets *= step.pass;
            self.load.bytes *= step.pass;
            if let Some(stop) = step.stop {
                self.disposition = stop;
                return None;
            }
            if step.redirect.is_some() {
                redirect = step.redirect;
            }
        }
        Some(redirect.unwrap_or_default())
    }

    /// A filter stopped the packet (after the route gave `egress`, for an output filter).
    fn stopped(self, egress: Option<String>) -> Walked {
        let disposition = self.disposition.clone();
        self.finish(disposition, egress, 0.0)
    }

    fn finish(
        self,
        disposition: Disposition,
        egress: Option<String>,
        delivered_share: f64,
    ) -> Walked {
        let trace = (self.detail == Detail::Trace).then(|| {
            Box::new(Trace {
                ingress: self.p.interface.clone(),
                filters: self.filters,
                route: self.route,
                egress: egress.clone(),
                disposition: disposition.clone(),
                delivered_share,
            })
        });
        Walked {
            disposition,
            egress,
            delivered_share,
            trace,
            logged: self.logged,
        }
    }
}

/// Where a filter runs, as the trace names it ("ge-0/0/0.0", "forwarding-table inet.0"):
/// formatted only when a trace is built.
#[derive(Clone, Copy)]
enum At<'a> {
    Unit(&'a str),
    Table(&'a str),
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Unit(u) => f.write_str(u),
            At::Table(t) => write!(f, "forwarding-table {t}"),
        }
    }
}

fn ecmp_pick(p: &Packet, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (p.src, p.dst, p.fields).hash(&mut h);
    (h.finish() % n as u64) as usize
}

/// The table a packet of `family` is looked up in after filters sent it to `instance`.
fn table_of(instance: &str, family: FwFamily) -> Cow<'static, str> {
    match (instance, family) {
        (_, FwFamily::Mpls) => Cow::Borrowed("mpls.0"),
        ("" | "master" | "default", FwFamily::Inet) => Cow::Borrowed("inet.0"),
        ("" | "master" | "default", FwFamily::Inet6) => Cow::Borrowed("inet6.0"),
        (i, _) if i.contains('.') => Cow::Owned(i.to_owned()),
        (i, FwFamily::Inet) => Cow::Owned(format!("{i}.inet.0")),
        (i, FwFamily::Inet6) => Cow::Owned(format!("{i}.inet6.0")),
    }
}

/// Walks `p` through the device carrying `load`, updating filter and policer counters,
/// and returns its trace (`test forwarding packet`, PacketTest).
pub fn walk(
    st: &mut FirewallState,
    ifs: &InterfacesSnapshot,
    rib: &Rib,
    p: &Packet,
    load: Load,
    judge: &mut dyn PolicerJudge,
) -> Result<Trace, WalkError> {
    let w = walk_with(st, ifs, rib, p, load, judge, Detail::Trace)?;
    Ok(w.into_trace(p.interface.clone()))
}

/// Walks `p` through the device carrying `load`, updating filter and policer counters
/// exactly as [`walk`] does; builds the trace only with [`Detail::Trace`].
pub fn walk_with(
    st: &mut FirewallState,
    ifs: &InterfacesSnapshot,
    rib: &Rib,
    p: &Packet,
    load: Load,
    judge: &mut dyn PolicerJudge,
    detail: Detail,
) -> Result<Walked, WalkError> {
    let Some((_, ingress)) = ifs.ifl(&p.interface) else {
        return Err(WalkError::UnknownInterface(p.interface.clone()));
    };
    let mut w = Walk {
        p,
        load,
        share: 1.0,
        detail,
        filters: Vec::new(),
        route: None,
        logged: Vec::new(),
        disposition: Disposition::Forwarded,
    };
    let cfg_in = configured_filter(ingress, p.family, Direction::Input);
    let unit = PointRef::Interface(&p.interface);
    let Some(mut instance) = w.chain(
        st,
        unit,
        At::Unit(&p.interface),
        Direction::Input,
        cfg_in,
        judge,
    ) else {
        return Ok(w.stopped(None));
    };
    let table = table_of(&instance, p.family);
    let ft = PointRef::ForwardingTable(&table);
    match w.chain(st, ft, At::Table(&table), Direction::Input, None, judge) {
        None => return Ok(w.stopped(None)),
        Some(i) if !i.is_empty() => instance = i,
        Some(_) => {}
    }
    let _ = instance;
    let no_route = |w: Walk<'_>| w.finish(Disposition::NoRoute, None, 0.0);
    let Some(t) = rib.table_id(&table).and_then(|tid| rib.table(tid)) else {
        return Ok(no_route(w));
    };
    let key = match p.family {
        FwFamily::Mpls => Prefix::mpls(p.get(super::model::Field::Label1), 52).ok(),
        _ => Some(Prefix::host(p.dst)),
    };
    let found = key.and_then(|k| t.lpm(&k, |d| d.active(&rib.nhs).is_some()));
    let Some((prefix, dest)) = found else {
        return Ok(no_route(w));
    };
    let Some(path) = dest.active(&rib.nhs).and_then(|i| dest.paths().get(i)) else {
        return Ok(no_route(w));
    };
    let nh = rib.nhs.get(path.nh);
    let mut route = (detail == Detail::Trace).then(|| RouteUsed {
        table: table.clone().into_owned(),
        prefix: prefix.to_string(),
        protocol: path.proto.name().to_owned(),
        next_hop_type: nh.nh.type_word().to_owned(),
        gateway: None,
        ecmp: 0,
    });
    let egress = match &nh.nh {
        NextHop::Blackhole | NextHop::Discard | NextHop::Reject => {
            w.route = route;
            return Ok(w.finish(Disposition::RouteDiscard, None, 0.0));
        }
        NextHop::Receive(_) => {
            w.route = route;
            let share = w.share;
            return Ok(w.finish(Disposition::Local, None, share));
        }
        NextHop::Interface(i) => Some(rib.ifnames.name(*i)),
        NextHop::Gateways(gws) => {
            let n = nh.selected().count();
            if let Some(r) = &mut route {
                r.ecmp = n;
            }
            let pick = nh.selected().nth(ecmp_pick(p, n));
            pick.and_then(|i| {
                let gw = gws.get(i)?;
                if let Some(r) = &mut route {
                    r.gateway = gw.addr.map(|a| a.to_string());
                }
                let via = gw.ifname.or(nh.state.get(i).and_then(|s| s.via))?;
                Some(rib.ifnames.name(via))
            })
        }
    };
    w.route = route;
    let egress = egress.map(str::to_owned);
    if let Some(out) = &egress {
        let cfg_out = ifs
            .ifl(out)
            .and_then(|(_, ifl)| configured_filter(ifl, p.family, Direction::Output));
        let unit = PointRef::Interface(out);
        if w.chain(st, unit, At::Unit(out), Direction::Output, cfg_out, judge)
            .is_none()
        {
            return Ok(w.stopped(egress));
        }
    }
    let share = w.share;
    let disposition = w.disposition.clone();
    Ok(w.finish(disposition, egress, share))
}
