//! The firewall task: the only writer of the firewall state (filters, policers,
//! bindings, counters, flows, unit traffic).
//!
//! ```text
//!   FwRequest rx ──────┐
//!   session ends rx ───┤
//!   committed config ──┼─► select ─► write lock: apply ─► reply (oneshot)
//!   purge sleep ───────┤
//!   flow tick ─────────┘   (a tick walks each flow's samples: counters and rates grow)
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock, RwLockWriteGuard};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::classify::Packet;
use super::config::config_filters;
use super::error::{invalid, FirewallError};
use super::flows::{Flow, FlowSpec, RateJudge, UnitTraffic};
use super::forward::{Detail, WalkError, Walked};
use super::model::{BindPoint, Binding, Count, Direction, FwFamily, Policer, Term, TermOp};
use super::state::{FirewallState, NEVER_PURGE, PURGE_RANGE};
use crate::events::{DeviceEvent, EventBus};
use crate::mgd::Committed;
use crate::rib::RibHandle;
use crate::sessions::{SessionEnd, SessionEnds, SessionId};
use crate::vocab::firewall_events::{FilterEvent, FilterOp};
use crate::vocab::interfaces::InterfacesSnapshot;

/// How often flows are accounted.
pub const TICK: Duration = Duration::from_secs(1);

/// Everything the task owns, behind one lock (readers: `show` commands).
#[derive(Debug, Default)]
pub struct Plane {
    /// Filters, policers, bindings, counters, clients.
    pub fw: FirewallState,
    /// Running flows by id.
    pub flows: BTreeMap<u64, Flow>,
    /// Traffic per interface unit.
    pub units: BTreeMap<String, UnitTraffic>,
    /// Next flow id.
    pub next_flow: u64,
    /// Packets logged by `log`/`syslog` terms, newest last (at most [`MAX_LOG`]).
    pub log: std::collections::VecDeque<LogEntry>,
}

/// Most entries `show firewall log` keeps.
pub const MAX_LOG: usize = 1000;

/// One logged packet (`show firewall log`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// When.
    pub time: chrono::DateTime<chrono::Utc>,
    /// Filter.
    pub filter: String,
    /// A (accept), D (discard), R (reject), or the terminating action's word.
    pub action: String,
    /// Ingress unit.
    pub interface: String,
    /// Protocol name or number.
    pub protocol: String,
    /// Source address.
    pub src: String,
    /// Destination address.
    pub dst: String,
}

/// A client's firewall request (one JET RPC).
#[derive(Debug, Clone)]
pub enum FwOp {
    /// FilterAdd.
    FilterAdd {
        /// Filter.
        name: String,
        /// Family.
        family: FwFamily,
        /// Terms.
        terms: Vec<Term>,
    },
    /// FilterModify.
    FilterModify {
        /// Filter.
        name: String,
        /// Family.
        family: FwFamily,
        /// Operations in order.
        ops: Vec<TermOp>,
    },
    /// FilterDelete.
    FilterDelete {
        /// Filter.
        name: String,
        /// Family.
        family: FwFamily,
    },
    /// FilterBindAdd.
    BindAdd {
        /// Filter.
        name: String,
        /// Family of the filter.
        family: FwFamily,
        /// Binding.
        binding: Binding,
    },
    /// FilterBindDelete.
    BindDelete {
        /// Filter.
        name: String,
        /// Family of the filter.
        family: FwFamily,
        /// Binding.
        binding: Binding,
    },
    /// PolicerAdd.
    PolicerAdd(Policer),
    /// PolicerModify.
    PolicerModify(Policer),
    /// PolicerDelete.
    PolicerDelete(String),
    /// FilterCounterGet / PolicerCounterGet.
    CounterGet {
        /// Filter.
        filter: String,
        /// Resolved counter name.
        counter: String,
        /// A policer counter.
        policer: bool,
    },
    /// FilterCounterSet / PolicerCounterSet.
    CounterClear {
        /// Filter.
        filter: String,
        /// Resolved counter name.
        counter: String,
        /// A policer counter.
        policer: bool,
    },
    /// FiltersPurgeTimerAdd (`Some`) / Delete (`None`).
    PurgeTimerSet(Option<u32>),
    /// FiltersPurgeTimerGet.
    PurgeTimerGet,
}

/// What a client request returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FwReply {
    /// Done.
    Done,
    /// A counter.
    Count(Count),
    /// The purge time in force.
    PurgeTime(u32),
}

pub(super) enum FwRequest {
    Client {
        client: String,
        session: SessionId,
        op: FwOp,
        reply: oneshot::Sender<Result<FwReply, FirewallError>>,
    },
    Forward {
        packets: Vec<Packet>,
        detail: Detail,
        reply: oneshot::Sender<Vec<Result<Walked, FirewallError>>>,
    },
    FlowStart {
        spec: FlowSpec,
        reply: oneshot::Sender<Result<u64, FirewallError>>,
    },
    FlowStop {
        id: Option<u64>,
        reply: oneshot::Sender<Result<usize, FirewallError>>,
    },
    Clear {
        filter: Option<String>,
        reply: oneshot::Sender<Result<(), FirewallError>>,
    },
}

pub(super) struct Shared {
    pub(super) plane: RwLock<Plane>,
    pub(super) start: Instant,
    /// How long counter gets wait for the simulated PFE's statistics, in ms.
    pub(super) stats_delay_ms: std::sync::atomic::AtomicU64,
}

impl Shared {
    pub(super) fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }
}

pub(super) struct FwTask {
    pub(super) shared: Arc<Shared>,
    pub(super) rib: RibHandle,
    pub(super) ifs: watch::Receiver<Arc<InterfacesSnapshot>>,
    pub(super) config: watch::Receiver<Arc<Committed>>,
    pub(super) judge: RateJudge,
    pub(super) last_tick: Instant,
    /// Where filter events go (eventd publishes them as jet-events).
    pub(super) events: EventBus,
    /// The version of every filter that has had an event: (family, name) → last version.
    pub(super) versions: BTreeMap<(FwFamily, String), u64>,
}

impl FwTask {
    pub(super) fn write(&self) -> RwLockWriteGuard<'_, Plane> {
        // A panic while writing cannot leave counters inconsistent in a way that matters
        // more than losing the whole firewall: keep serving.
        self.shared.plane.write().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) async fn run(mut self, mut rx: mpsc::Receiver<FwRequest>, mut ends: SessionEnds) {
        self.load_config();
        loop {
            let next_purge = self.write().fw.next_purge();
            let purge_at = next_purge.map(|ms| self.shared.start + Duration::from_millis(ms));
            let flowing = !self
                .shared
                .plane
                .read()
                .map(|p| p.flows.is_empty())
                .unwrap_or(true);
            let tick_at = self.last_tick + TICK;
            tokio::select! {
                req = rx.recv() => match req {
                    Some(r) => self.handle(r),
                    None => return,
                },
                Some(end) = ends.recv() => self.session_ended(&end),
                changed = self.config.changed() => {
                    if changed.is_err() { return; }
                    self.load_config();
                }
                () = sleep_until(purge_at) => self.purge(),
                () = tokio::time::sleep_until(tick_at), if flowing => self.tick(),
            }
            if !flowing {
                self.last_tick = Instant::now();
            }
        }
    }

    fn purge(&mut self) {
        let now = self.shared.now_ms();
        let mut plane = self.write();
        let families: BTreeMap<String, FwFamily> = plane
            .fw
            .api
            .values()
            .map(|f| (f.name.clone(), f.family))
            .collect();
        let purged = plane.fw.purge_due(now);
        drop(plane);
        for (client, filters) in purged {
            tracing::info!(%client, ?filters, "firewall purge timer fired; client filters removed");
            for name in filters {
                let family = families.get(&name).copied().unwrap_or(FwFamily::Inet);
                self.emit(FilterOp::Delete, family, &name, &client, "", "purge");
            }
        }
    }

    /// Emits a filter event (versions count per filter; an add starts again at 1).
    fn emit(
        &mut self,
        op: FilterOp,
        family: FwFamily,
        name: &str,
        client: &str,
        interface: &str,
        flags: &str,
    ) {
        let key = (family, name.to_owned());
        let version = match op {
            FilterOp::Add => 1,
            _ => self.versions.get(&key).map_or(1, |v| v + 1),
        };
        if op == FilterOp::Delete {
            self.versions.remove(&key);
        } else {
            self.versions.insert(key, version);
        }
        self.events.emit(DeviceEvent::Firewall(FilterEvent {
            op,
            name: name.to_owned(),
            family: family.as_str().to_owned(),
            version,
            client: client.to_owned(),
            interface: interface.to_owned(),
            flags: flags.to_owned(),
        }));
    }

    /// Emits the event of a client request that succeeded.
    fn emit_client(&mut self, client: &str, ev: ClientEvent) {
        self.emit(ev.op, ev.family, &ev.name, client, &ev.point, ev.flags);
    }

    fn load_config(&mut self) {
        let committed = self.config.borrow_and_update().clone();
        let (filters, policers) = config_filters(&committed.effective);
        let mut plane = self.write();
        let fw = &mut plane.fw;
        fw.policers.retain(|_, p| p.owner.is_some());
        for p in policers {
            fw.policers
                .entry(p.name.clone())
                .or_insert(super::state::PolicerEntry {
                    policer: p,
                    owner: None,
                });
        }
        let mut next = BTreeMap::new();
        for (family, name, terms) in filters {
            let old = fw.config.get(&(family, name.clone()));
            let f = super::state::Filter::build(
                &name,
                family,
                super::state::Origin::Config,
                terms,
                &fw.policers,
                old,
            );
            next.insert((family, name), f);
        }
        let mut changes = Vec::new();
        for (key, f) in &next {
            match fw.config.get(key) {
                None => changes.push((FilterOp::Add, key.clone())),
                Some(old) if old.terms != f.terms => changes.push((FilterOp::Change, key.clone())),
                Some(_) => {}
            }
        }
        for key in fw.config.keys() {
            if !next.contains_key(key) {
                changes.push((FilterOp::Delete, key.clone()));
            }
        }
        fw.config = next;
        drop(plane);
        for (op, (family, name)) in changes {
            self.emit(op, family, &name, "", "", "configuration");
        }
    }

    fn session_ended(&mut self, end: &SessionEnd) {
        // The key jsd gives the client's state: its client id, or `session-N` without one.
        let client = match &end.login {
            Some(l) if !l.client_id.is_empty() => l.client_id.clone(),
            _ => format!("session-{}", end.id),
        };
        let now = self.shared.now_ms();
        if let Some(at) = self.write().fw.session_ended(&client, end.id, now) {
            tracing::info!(%client, purge_in_ms = at.saturating_sub(now), "firewall client disconnected; filters kept until purge");
        }
    }

    fn handle(&mut self, r: FwRequest) {
        match r {
            FwRequest::Client {
                client,
                session,
                op,
                reply,
            } => {
                // The event's few fields, taken before the request (and its terms) is
                // consumed: cloning a 10,000-term request for them cost as much as
                // compiling it.
                let event = ClientEvent::of(&op);
                let out = self.client_op(&client, session, op);
                if let (Ok(_), Some(event)) = (&out, event) {
                    self.emit_client(&client, event);
                }
                let _ = reply.send(out);
            }
            FwRequest::Forward {
                packets,
                detail,
                reply,
            } => {
                let _ = reply.send(self.forward_many(&packets, detail));
            }
            FwRequest::FlowStart { spec, reply } => {
                let _ = reply.send(self.flow_start(spec));
            }
            FwRequest::FlowStop { id, reply } => {
                let mut plane = self.write();
                let out = match id {
                    None => {
                        let n = plane.flows.len();
                        plane.flows.clear();
                        Ok(n)
                    }
                    Some(id) => match plane.flows.remove(&id) {
                        Some(_) => Ok(1),
                        None => Err(FirewallError::NotFound(format!(
                            "flow {id} does not exist (it stopped or never ran)"
                        ))),
                    },
                };
                let _ = reply.send(out);
            }
            FwRequest::Clear { filter, reply } => {
                let out = self.write().fw.clear_all(filter.as_deref());
                let _ = reply.send(out);
            }
        }
    }

    fn point_exists(&self, b: &Binding) -> Result<(), FirewallError> {
        match &b.point {
            BindPoint::Interface(n) => {
                if self.ifs.borrow().ifl(n).is_none() {
                    return Err(invalid!(
                        "bind_object: interface '{n}' does not exist (give a unit, like ge-0/0/0.0)"
                    ));
                }
            }
            BindPoint::ForwardingTable(t) => {
                if self.rib.read(|rib| rib.table_id(t).is_none()) {
                    return Err(invalid!(
                        "bind_object: forwarding table '{t}' does not exist"
                    ));
                }
            }
            BindPoint::Vlan { .. } | BindPoint::BridgeDomain { .. } => {
                return Err(FirewallError::Unsupported(format!(
                    "bind_object: {} cannot be bound: this device has no bridging",
                    b.point
                )))
            }
        }
        Ok(())
    }

    fn client_op(
        &mut self,
        client: &str,
        session: SessionId,
        op: FwOp,
    ) -> Result<FwReply, FirewallError> {
        if let FwOp::BindAdd { binding, .. } = &op {
            self.point_exists(binding)?;
        }
        let mut plane = self.write();
        let fw = &mut plane.fw;
        fw.seen(client, session);
        match op {
            FwOp::FilterAdd {
                name,
                family,
                terms,
            } => fw.filter_add(client, &name, family, terms)?,
            FwOp::FilterModify { name, family, ops } => {
                fw.filter_modify(client, &name, family, ops)?
            }
            FwOp::FilterDelete { name, family } => fw.filter_delete(client, &name, family)?,
            FwOp::BindAdd {
                name,
                family,
                binding,
            } => fw.bind_add(client, &name, family, binding)?,
            FwOp::BindDelete {
                name,
                family,
                binding,
            } => fw.bind_delete(client, &name, family, &binding)?,
            FwOp::PolicerAdd(p) => fw.policer_add(client, p)?,
            FwOp::PolicerModify(p) => fw.policer_modify(client, p)?,
            FwOp::PolicerDelete(n) => fw.policer_delete(client, &n)?,
            FwOp::CounterGet {
                filter,
                counter,
                policer,
            } => return fw.counter(&filter, &counter, policer).map(FwReply::Count),
            FwOp::CounterClear {
                filter,
                counter,
                policer,
            } => fw.counter_clear(&filter, &counter, policer)?,
            FwOp::PurgeTimerSet(secs) => {
                if let Some(s) = secs {
                    if !PURGE_RANGE.contains(&s) && s != NEVER_PURGE {
                        return Err(invalid!(
                            "time: purge time {s} is out of range {}-{} seconds (or 4294967295 for never)",
                            PURGE_RANGE.start(),
                            PURGE_RANGE.end()
                        ));
                    }
                }
                fw.set_purge_time(client, secs);
            }
            FwOp::PurgeTimerGet => {
                let t = fw.clients.get(client).map(|c| c.purge_time());
                return Ok(FwReply::PurgeTime(
                    t.unwrap_or(super::state::DEFAULT_PURGE_SECS),
                ));
            }
        }
        Ok(FwReply::Done)
    }

    fn flow_start(&mut self, spec: FlowSpec) -> Result<u64, FirewallError> {
        if self.ifs.borrow().ifl(&spec.interface).is_none() {
            return Err(invalid!("interface '{}' does not exist", spec.interface));
        }
        let now = self.shared.now_ms();
        let mut plane = self.write();
        if plane.flows.len() >= plane.fw.limits.flows {
            return Err(FirewallError::NoResource(format!(
                "the device runs its limit of {} simulated flows",
                plane.fw.limits.flows
            )));
        }
        plane.next_flow += 1;
        let id = plane.next_flow;
        let samples = spec.samples();
        plane.flows.insert(
            id,
            Flow {
                id,
                spec,
                samples,
                started_ms: now,
                sent: Count::default(),
                delivered: Count::default(),
                carry: 0.0,
            },
        );
        Ok(id)
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// For [`WalkError`] messages (never shown otherwise).
impl From<WalkError> for FirewallError {
    fn from(e: WalkError) -> Self {
        FirewallError::Invalid(e.to_string())
    }
}

/// What a client request's jet-event says, taken from the request before it is consumed.
struct ClientEvent {
    op: FilterOp,
    family: FwFamily,
    name: String,
    point: String,
    flags: &'static str,
}

impl ClientEvent {
    fn of(op: &FwOp) -> Option<Self> {
        let bind_point = |b: &Binding| match &b.point {
            BindPoint::Interface(n) | BindPoint::ForwardingTable(n) => n.clone(),
            other => other.to_string(),
        };
        let plain = |op, family: &FwFamily, name: &String| ClientEvent {
            op,
            family: *family,
            name: name.clone(),
            point: String::new(),
            flags: "",
        };
        Some(match op {
            FwOp::FilterAdd { name, family, .. } => plain(FilterOp::Add, family, name),
            FwOp::FilterModify { name, family, .. } => plain(FilterOp::Change, family, name),
            FwOp::FilterDelete { name, family } => plain(FilterOp::Delete, family, name),
            FwOp::BindAdd {
                name,
                family,
                binding,
            } => ClientEvent {
                point: bind_point(binding),
                flags: match binding.direction {
                    Direction::Input => "bind-input",
                    Direction::Output => "bind-output",
                },
                ..plain(FilterOp::Change, family, name)
            },
            FwOp::BindDelete {
                name,
                family,
                binding,
            } => ClientEvent {
                point: bind_point(binding),
                flags: match binding.direction {
                    Direction::Input => "unbind-input",
                    Direction::Output => "unbind-output",
                },
                ..plain(FilterOp::Change, family, name)
            },
            _ => return None,
        })
    }
}
