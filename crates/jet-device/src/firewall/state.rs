//! The firewall's state and its rules, with no I/O and no clock (time comes in as
//! milliseconds): API filters with their owners, bindings and counters, policers,
//! configured filters, clients' sessions and purge deadlines. The owner task
//! ([`super::task`]) is the only writer.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::classify::Classifier;
use super::counters::Counters;
use super::error::{invalid, FirewallError};
use super::model::Placement;
use super::model::{BindPoint, Binding, Count, Direction, FwFamily, Policer, Term, TermOp};
use super::validate;
use crate::sessions::SessionId;

/// Limits of the firewall, refused with NO_RESOURCE when reached (`show firewall
/// limits` shows them; `docs/firewall.md` documents them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// API filters on the device.
    pub filters: usize,
    /// Terms in one filter.
    pub terms_per_filter: usize,
    /// Terms in all API filters together.
    pub terms: usize,
    /// Policers on the device.
    pub policers: usize,
    /// API bindings on the device.
    pub bindings: usize,
    /// Simulated traffic flows at a time.
    pub flows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            filters: 4096,
            terms_per_filter: 65_536,
            terms: 1_000_000,
            policers: 4096,
            bindings: 16_384,
            flows: 1024,
        }
    }
}

/// Default purge time of a disconnected client's filters, seconds.
pub const DEFAULT_PURGE_SECS: u32 = 120;
/// Purge times a client may set (besides [`NEVER_PURGE`]).
pub const PURGE_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;
/// The purge time meaning "keep the filters forever".
pub const NEVER_PURGE: u32 = u32::MAX;

/// Who programmed a filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A JET client (its client id).
    Client(String),
    /// The configuration (`firewall family ... filter`).
    Config,
}

/// A filter with its compiled form and counters.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Name.
    pub name: String,
    /// Family.
    pub family: FwFamily,
    /// Who programmed it.
    pub origin: Origin,
    /// Terms in order.
    pub terms: Vec<Term>,
    /// Compiled terms.
    pub classifier: Classifier,
    /// Counters by name (from `count` actions).
    pub counters: Counters,
    /// Policer counters (out-of-spec packets) by resolved name: `<policer>` for a
    /// filter-specific policer, `<policer>-<term>` for a term-specific one.
    pub policer_counters: BTreeMap<String, Count>,
    /// Per term: the resolved policer counter name, if the term polices.
    pub term_policer: Vec<Option<String>>,
    /// Per term: the slot of its `count` counter in `counters`.
    pub term_counter: Vec<Option<usize>>,
    /// API bindings of the filter.
    pub bindings: BTreeSet<Binding>,
}

impl Filter {
    /// Compiles `terms`; counters keep the values they had in `old` when their name is
    /// still used.
    pub fn build(
        name: &str,
        family: FwFamily,
        origin: Origin,
        terms: Vec<Term>,
        policers: &BTreeMap<String, PolicerEntry>,
        old: Option<&Filter>,
    ) -> Filter {
        let mut counters = BTreeMap::new();
        let mut policer_counters = BTreeMap::new();
        let mut term_policer = Vec::with_capacity(terms.len());
        for t in &terms {
            if let Some(c) = &t.actions.count {
                let v = old
                    .and_then(|o| o.counters.get(c))
                    .copied()
                    .unwrap_or_default();
                counters.insert(c.clone(), v);
            }
            let resolved = t.actions.policer.as_ref().map(|p| {
                let term_specific = policers.get(p).is_some_and(|e| e.policer.term_specific);
                if term_specific {
                    format!("{p}-{}", t.name)
                } else {
                    p.clone()
                }
            });
            if let Some(r) = &resolved {
                let v = old
                    .and_then(|o| o.policer_counters.get(r))
                    .copied()
                    .unwrap_or_default();
                policer_counters.insert(r.clone(), v);
            }
            term_policer.push(resolved);
        }
        let counters = Counters::from(counters);
        let term_counter = terms
            .iter()
            .map(|t| t.actions.count.as_deref().and_then(|c| counters.slot(c)))
            .collect();
        Filter {
            name: name.to_owned(),
            family,
            origin,
            classifier: Classifier::new(&terms),
            terms,
            counters,
            term_counter,
            policer_counters,
            term_policer,
            bindings: old.map(|o| o.bindings.clone()).unwrap_or_default(),
        }
    }

    /// The client that owns the filter, if an API filter.
    pub fn owner(&self) -> Option<&str> {
        match &self.origin {
            Origin::Client(c) => Some(c),
            Origin::Config => None,
        }
    }
}

/// A policer and its owner.
#[derive(Debug, Clone)]
pub struct PolicerEntry {
    /// The policer.
    pub policer: Policer,
    /// Owning client (`None` for a configured policer).
    pub owner: Option<String>,
}

/// What the firewall knows of a client.
#[derive(Debug, Clone, Default)]
pub struct ClientState {
    /// Its live sessions that used the firewall.
    pub sessions: BTreeSet<SessionId>,
    /// The purge time it set (`None` = default).
    pub purge_secs: Option<u32>,
    /// When its filters are purged (ms on the firewall clock), while disconnected.
    pub purge_at: Option<u64>,
}

impl ClientState {
    /// The purge time in force.
    pub fn purge_time(&self) -> u32 {
        self.purge_secs.unwrap_or(DEFAULT_PURGE_SECS)
    }
}

/// The whole firewall.
#[derive(Debug, Clone, Default)]
pub struct FirewallState {
    /// Limits.
    pub limits: Limits,
    /// API filters by name.
    pub api: BTreeMap<String, Filter>,
    /// Configured filters by family and name.
    pub config: BTreeMap<(FwFamily, String), Filter>,
    /// Policers by name (API and configured).
    pub policers: BTreeMap<String, PolicerEntry>,
    /// API filter bound at each point, direction and family.
    pub bound: BTreeMap<Binding, String>,
    /// Clients.
    pub clients: HashMap<String, ClientState>,
    /// Terms in all API filters.
    pub api_terms: usize,
}

impl FirewallState {
    /// An empty firewall with `limits`.
    pub fn new(limits: Limits) -> FirewallState {
        FirewallState {
            limits,
            ..FirewallState::default()
        }
    }

    /// `client` calls on `session`: the session is live, and a pending purge of the
    /// client's filters is cancelled (the client is back: its filters are rebound).
    pub fn seen(&mut self, client: &str, session: SessionId) {
        let c = self.clients.entry(client.to_owned()).or_default();
        c.sessions.insert(session);
        c.purge_at = None;
    }

    /// `session` of `client` ended at `now_ms`: when it was the client's last session
    /// and the client owns filters or policers, its purge deadline starts. Returns it.
    pub fn session_ended(&mut self, client: &str, session: SessionId, now_ms: u64) -> Option<u64> {
        let owns = self.owns_anything(client);
        let c = self.clients.get_mut(client)?;
        c.sessions.remove(&session);
        if !c.sessions.is_empty() || !owns {
            return None;
        }
        let secs = c.purge_time();
        if secs == NEVER_PURGE {
            return None;
        }
        let at = now_ms.saturating_add(u64::from(secs) * 1000);
        c.purge_at = Some(at);
        Some(at)
    }

    fn owns_anything(&self, client: &str) -> bool {
        self.api.values().any(|f| f.owner() == Some(client))
            || self
                .policers
                .values()
                .any(|p| p.owner.as_deref() == Some(client))
    }

    /// The earliest purge deadline.
    pub fn next_purge(&self) -> Option<u64> {
        self.clients.values().filter_map(|c| c.purge_at).min()
    }

    /// Purges every client whose deadline has passed at `now_ms`: its filters (and their
    /// bindings) and policers. Returns the clients purged with the filters removed.
    pub fn purge_due(&mut self, now_ms: u64) -> Vec<(String, Vec<String>)> {
        let due: Vec<String> = self
            .clients
            .iter()
            .filter(|(_, c)| c.purge_at.is_some_and(|at| at <= now_ms))
            .map(|(n, _)| n.clone())
            .collect();
        let mut out = Vec::new();
        for client in due {
            let names: Vec<String> = self
                .api
                .values()
                .filter(|f| f.owner() == Some(client.as_str()))
                .map(|f| f.name.clone())
                .collect();
            for n in &names {
                if let Some(f) = self.api.remove(n) {
                    self.api_terms -= f.terms.len();
                    for b in &f.bindings {
                        self.bound.remove(b);
                    }
                }
            }
            self.policers
                .retain(|_, p| p.owner.as_deref() != Some(client.as_str()));
            if let Some(c) = self.clients.get_mut(&client) {
                c.purge_at = None;
            }
            out.push((client, names));
        }
        out
    }

    fn owned_filter(
        &mut self,
        client: &str,
        name: &str,
        family: Option<FwFamily>,
    ) -> Result<&mut Filter, FirewallError> {
        let f = self
            .api
            .get_mut(name)
            .ok_or_else(|| invalid!("filter '{name}' does not exist"))?;
        if f.owner() != Some(client) {
            return Err(invalid!(
                "filter '{name}' belongs to client '{}', not to '{client}'",
                f.owner().unwrap_or("")
            ));
        }
        if let Some(fam) = family {
            if fam != f.family {
                return Err(invalid!(
                    "filter '{name}' is a family {} filter, not {}",
                    f.family.as_str(),
                    fam.as_str()
                ));
            }
        }
        Ok(f)
    }

    fn policer_exists(&self) -> impl Fn(&str) -> bool + '_ {
        |p| self.policers.contains_key(p)
    }

    /// FilterAdd: a complete new filter, all or nothing.
    pub fn filter_add(
        &mut self,
        client: &str,
        name: &str,
        family: FwFamily,
        terms: Vec<Term>,
    ) -> Result<(), FirewallError> {
        validate::name("name", name)?;
        if self.api.contains_key(name) {
            return Err(invalid!("filter '{name}' already exists"));
        }
        if self.api.len() >= self.limits.filters {
            return Err(FirewallError::NoResource(format!(
                "filter '{name}': the device holds its limit of {} filters",
                self.limits.filters
            )));
        }
        self.check_term_limits(name, terms.len(), 0)?;
        validate::terms(name, family, &terms, self.policer_exists())?;
        let f = Filter::build(
            name,
            family,
            Origin::Client(client.to_owned()),
            terms,
            &self.policers,
            None,
        );
        self.api_terms += f.terms.len();
        self.api.insert(name.to_owned(), f);
        Ok(())
    }

    fn check_term_limits(&self, name: &str, new: usize, old: usize) -> Result<(), FirewallError> {
        if new > self.limits.terms_per_filter {
            return Err(FirewallError::NoResource(format!(
                "filter '{name}': {new} terms exceed the limit of {} terms per filter",
                self.limits.terms_per_filter
            )));
        }
        if self.api_terms - old + new > self.limits.terms {
            return Err(FirewallError::NoResource(format!(
                "filter '{name}': the device holds its limit of {} terms in all filters",
                self.limits.terms
            )));
        }
        Ok(())
    }

    /// FilterModify: applies `ops` in order to a copy of the filter's terms; the result
    /// replaces the filter only if every operation and the whole result are valid.
    pub fn filter_modify(
        &mut self,
        client: &str,
        name: &str,
        family: FwFamily,
        ops: Vec<TermOp>,
    ) -> Result<(), FirewallError> {
        let f = self.owned_filter(client, name, Some(family))?;
        let mut terms = f.terms.clone();
        let old_len = terms.len();
        let mut index = TermIndex::new();
        for op in ops {
            apply_op(name, &mut terms, &mut index, op)?;
        }
        self.check_term_limits(name, terms.len(), old_len)?;
        validate::terms(name, family, &terms, self.policer_exists())?;
        let old = self.api.get(name);
        let f = Filter::build(
            name,
            family,
            Origin::Client(client.to_owned()),
            terms,
            &self.policers,
            old,
        );
        self.api_terms = self.api_terms - old_len + f.terms.len();
        self.api.insert(name.to_owned(), f);
        Ok(())
    }

    /// FilterDelete: a filter still bound is refused (unbind it first).
    pub fn filter_delete(
        &mut self,
        client: &str,
        name: &str,
        family: FwFamily,
    ) -> Result<(), FirewallError> {
        let f = self.owned_filter(client, name, Some(family))?;
        if let Some(b) = f.bindings.iter().next() {
            return Err(invalid!(
                "filter '{name}' is bound to {} {} (family {}); delete the binding first",
                b.point,
                b.direction.as_str(),
                b.family.as_str()
            ));
        }
        if let Some(f) = self.api.remove(name) {
            self.api_terms -= f.terms.len();
        }
        Ok(())
    }

    /// FilterBindAdd. `point_exists` says whether the bind point exists on the device.
    pub fn bind_add(
        &mut self,
        client: &str,
        name: &str,
        family: FwFamily,
        b: Binding,
    ) -> Result<(), FirewallError> {
        if b.family != family {
            return Err(invalid!(
                "filter '{name}': bind_family {} differs from the filter's family {}",
                b.family.as_str(),
                family.as_str()
            ));
        }
        self.owned_filter(client, name, Some(family))?;
        if let Some(other) = self.bound.get(&b) {
            return Err(invalid!(
                "{} already has client filter '{other}' bound {} for family {}",
                b.point,
                b.direction.as_str(),
                b.family.as_str()
            ));
        }
        if self.bound.len() >= self.limits.bindings {
            return Err(FirewallError::NoResource(format!(
                "filter '{name}': the device holds its limit of {} bindings",
                self.limits.bindings
            )));
        }
        self.bound.insert(b.clone(), name.to_owned());
        if let Some(f) = self.api.get_mut(name) {
            f.bindings.insert(b);
        }
        Ok(())
    }

    /// FilterBindDelete.
    pub fn bind_delete(
        &mut self,
        client: &str,
        name: &str,
        family: FwFamily,
        b: &Binding,
    ) -> Result<(), FirewallError> {
        let f = self.owned_filter(client, name, Some(family))?;
        if !f.bindings.remove(b) {
            return Err(invalid!(
                "filter '{name}' is not bound to {} {} for family {}",
                b.point,
                b.direction.as_str(),
                b.family.as_str()
            ));
        }
        self.bound.remove(b);
        Ok(())
    }

    /// PolicerAdd.
    pub fn policer_add(&mut self, client: &str, p: Policer) -> Result<(), FirewallError> {
        validate::name("name", &p.name)?;
        if self.policers.contains_key(&p.name) {
            return Err(invalid!("policer '{}' already exists", p.name));
        }
        if self.policers.len() >= self.limits.policers {
            return Err(FirewallError::NoResource(format!(
                "policer '{}': the device holds its limit of {} policers",
                p.name, self.limits.policers
            )));
        }
        self.policers.insert(
            p.name.clone(),
            PolicerEntry {
                policer: p,
                owner: Some(client.to_owned()),
            },
        );
        Ok(())
    }

    fn owned_policer(
        &mut self,
        client: &str,
        name: &str,
    ) -> Result<&mut PolicerEntry, FirewallError> {
        let e = self
            .policers
            .get_mut(name)
            .ok_or_else(|| invalid!("policer '{name}' does not exist"))?;
        if e.owner.as_deref() != Some(client) {
            return Err(invalid!(
                "policer '{name}' belongs to {}, not to client '{client}'",
                match &e.owner {
                    Some(o) => format!("client '{o}'"),
                    None => "the configuration".to_owned(),
                }
            ));
        }
        Ok(e)
    }

    /// PolicerModify: new parameters (the scope flag cannot change while filters use it).
    pub fn policer_modify(&mut self, client: &str, p: Policer) -> Result<(), FirewallError> {
        let used = self.policer_users(&p.name);
        let e = self.owned_policer(client, &p.name)?;
        if e.policer.term_specific != p.term_specific {
            if let Some(f) = used.first() {
                return Err(invalid!(
                    "policer '{}': flag cannot change while filter '{f}' uses it",
                    p.name
                ));
            }
        }
        e.policer = p;
        Ok(())
    }

    fn policer_users(&self, name: &str) -> Vec<String> {
        self.api
            .values()
            .chain(self.config.values())
            .filter(|f| {
                f.terms
                    .iter()
                    .any(|t| t.actions.policer.as_deref() == Some(name))
            })
            .map(|f| f.name.clone())
            .collect()
    }

    /// PolicerDelete: refused while a filter uses the policer.
    pub fn policer_delete(&mut self, client: &str, name: &str) -> Result<(), FirewallError> {
        self.owned_policer(client, name)?;
        if let Some(f) = self.policer_users(name).first() {
            return Err(invalid!(
                "policer '{name}' is used by filter '{f}'; remove it from the filter first"
            ));
        }
        self.policers.remove(name);
        Ok(())
    }

    fn any_filter_mut(&mut self, name: &str) -> Result<&mut Filter, FirewallError> {
        if self.api.contains_key(name) {
            return self
                .api
                .get_mut(name)
                .ok_or_else(|| invalid!("filter '{name}' does not exist"));
        }
        self.config
            .iter_mut()
            .find(|((_, n), _)| n == name)
            .map(|(_, f)| f)
            .ok_or_else(|| invalid!("filter_name: filter '{name}' does not exist"))
    }

    /// FilterCounterGet / PolicerCounterGet: one counter of a filter (API or configured).
    pub fn counter(
        &mut self,
        filter: &str,
        counter: &str,
        policer: bool,
    ) -> Result<Count, FirewallError> {
        validate::name("counter_name", counter)?;
        let f = self.any_filter_mut(filter)?;
        let found = if policer {
            f.policer_counters.get(counter)
        } else {
            f.counters.get(counter)
        };
        found.copied().ok_or_else(|| {
            invalid!(
                "counter_name: filter '{filter}' has no {}counter '{counter}'",
                if policer { "policer " } else { "" }
            )
        })
    }

    /// FilterCounterSet / PolicerCounterSet: clears one counter. FilterCounterSet also
    /// clears a policer counter of that name (the contract: "filter (or policer)").
    pub fn counter_clear(
        &mut self,
        filter: &str,
        counter: &str,
        policer: bool,
    ) -> Result<(), FirewallError> {
        validate::name("counter_name", counter)?;
        let f = self.any_filter_mut(filter)?;
        if !policer {
            if let Some(c) = f.counters.get_mut(counter) {
                *c = Count::default();
                return Ok(());
            }
        }
        match f.policer_counters.get_mut(counter) {
            Some(c) => {
                *c = Count::default();
                Ok(())
            }
            None => Err(invalid!(
                "counter_name: filter '{filter}' has no {}counter '{counter}'",
                if policer { "policer " } else { "" }
            )),
        }
    }

    /// Clears every counter of every filter (`clear firewall all`), or of one filter.
    pub fn clear_all(&mut self, filter: Option<&str>) -> Result<(), FirewallError> {
        let mut hit = false;
        for f in self.api.values_mut().chain(self.config.values_mut()) {
            if filter.is_some_and(|n| n != f.name) {
                continue;
            }
            hit = true;
            f.counters.values_mut().for_each(|c| *c = Count::default());
            f.policer_counters
                .values_mut()
                .for_each(|c| *c = Count::default());
        }
        match (hit, filter) {
            (false, Some(n)) => Err(invalid!("filter '{n}' does not exist")),
            _ => Ok(()),
        }
    }

    /// The client's purge time setting.
    pub fn set_purge_time(&mut self, client: &str, secs: Option<u32>) {
        self.clients
            .entry(client.to_owned())
            .or_default()
            .purge_secs = secs;
    }

    /// Filters in the order they run at `point` in `direction` for `family`: ingress runs
    /// the client filter, then the configured one; egress the configured one, then the
    /// client's (the contract's binding order). `configured` names the filter the
    /// configuration binds there.
    pub fn chain(
        &self,
        point: &BindPoint,
        direction: Direction,
        family: FwFamily,
        configured: Option<&str>,
    ) -> Vec<&Filter> {
        let b = Binding {
            point: point.clone(),
            direction,
            family,
        };
        let api = self.bound.get(&b).and_then(|n| self.api.get(n));
        let cfg = configured.and_then(|n| self.config.get(&(family, n.to_owned())));
        match direction {
            Direction::Input => api.into_iter().chain(cfg).collect(),
            Direction::Output => cfg.into_iter().chain(api).collect(),
        }
    }
}

/// Applies one FilterModify operation to `terms`.
/// Term positions by name for a run of FilterModify operations: kept up to date by
/// the operations that do not shift terms (replace in place, add at or delete from the
/// end), rebuilt on the next lookup after one that does. Replacing or appending every
/// term of a large filter is then linear, not quadratic.
struct TermIndex {
    map: std::collections::HashMap<String, usize>,
    dirty: bool,
}

impl TermIndex {
    fn new() -> TermIndex {
        TermIndex {
            map: std::collections::HashMap::new(),
            dirty: true,
        }
    }

    fn pos(&mut self, terms: &[Term], name: &str) -> Option<usize> {
        if self.dirty {
            self.map.clear();
            self.map
                .extend(terms.iter().enumerate().map(|(i, t)| (t.name.clone(), i)));
            self.dirty = false;
        }
        self.map.get(name).copied()
    }
}

fn apply_op(
    filter: &str,
    terms: &mut Vec<Term>,
    index: &mut TermIndex,
    op: TermOp,
) -> Result<(), FirewallError> {
    let place = |terms: &[Term],
                 index: &mut TermIndex,
                 p: &Placement,
                 term: &str|
     -> Result<usize, FirewallError> {
        match p {
            Placement::End => Ok(terms.len()),
            Placement::Before(r) | Placement::After(r) => {
                let i = index.pos(terms, r).ok_or_else(|| {
                    invalid!("filter '{filter}' term '{term}': adjacency term '{r}' does not exist")
                })?;
                Ok(if matches!(p, Placement::After(_)) {
                    i + 1
                } else {
                    i
                })
            }
        }
    };
    match op {
        TermOp::Add(t, p) => {
            if index.pos(terms, &t.name).is_some() {
                return Err(invalid!(
                    "filter '{filter}' term '{}': term already exists (use TERM_OPERATION_REPLACE)",
                    t.name
                ));
            }
            let at = place(terms, index, &p, &t.name)?;
            if at == terms.len() {
                if !index.dirty {
                    index.map.insert(t.name.clone(), at);
                }
            } else {
                index.dirty = true;
            }
            terms.insert(at, t);
        }
        TermOp::Delete(n) => {
            let i = index
                .pos(terms, &n)
                .ok_or_else(|| invalid!("filter '{filter}' term '{n}': term does not exist"))?;
            terms.remove(i);
            if i == terms.len() {
                index.map.remove(&n);
            } else {
                index.dirty = true;
            }
        }
        TermOp::Replace(t, p) => {
            let i = index.pos(terms, &t.name).ok_or_else(|| {
                invalid!("filter '{filter}' term '{}': term does not exist", t.name)
            })?;
            if p == Placement::End {
                terms[i] = t;
            } else {
                terms.remove(i);
                index.dirty = true;
                let at = place(terms, index, &p, &t.name)?;
                terms.insert(at, t);
                index.dirty = true;
            }
        }
    }
    Ok(())
}
