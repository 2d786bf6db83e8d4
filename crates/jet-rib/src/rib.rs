//! The RIB: tables, clients, next hops, and the change operations (batches of
//! Add/Modify/Update/Delete, cleanup, purge, device route sources).
//!
//! Every change operation appends one [`RouteChange`] per path it touched to a caller's
//! vector, so the caller can announce a whole batch at once.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Sets and maps with a fast hash seeded per process (foldhash): device source keys,
/// and tables by name, looked up per simulated packet (SipHash cost a tenth of a route
/// lookup there).
pub(crate) type FoldSet<T> = HashSet<T, foldhash::fast::RandomState>;
/// See [`FoldSet`].
pub(crate) type FoldMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::net::IpAddr;

mod bgp_changes;

use crate::batch::{Attrs, Batch, BatchOutcome, DeleteBatch, SetOp, TableRef, MAX_BATCH};
use crate::bgp::{BgpAttrTable, BgpNhKind};
use crate::client::{ClientIdx, Clients};
use crate::error::{EntryError, RibCode, RibError};
use crate::nexthop::{Gateway, IfNames, LabelAction, NhId, NhTable};
use crate::prefix::{Family, Prefix};
use crate::table::{Path, PathKey, Proto, Put, Table, FLAG_LEGACY, FLAG_STATS};

/// Index of a table (creation order: `inet.0` = 0, `inet6.0` = 1, `mpls.0` = 2, then
/// routing-instance tables). Used as the numeric table id on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub u32);

/// What happened to a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeOp {
    /// A new path.
    Add,
    /// An existing path changed.
    Modify,
    /// A path went away.
    Delete,
}

/// One path changed by an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RouteChange {
    /// Table.
    pub table: TableId,
    /// Destination.
    pub prefix: Prefix,
    /// Owner (client number, 0 for device sources).
    pub owner: u32,
    /// Cookie.
    pub cookie: u64,
    /// Source.
    pub proto: Proto,
    /// What happened.
    pub op: ChangeOp,
}

/// The routing information base of one device.
#[derive(Debug)]
pub struct Rib {
    pub(crate) tables: Vec<Table>,
    /// Per table: the tables of the same instance that resolve inet / inet6 gateways.
    pub(crate) resolvers: Vec<[Option<TableId>; 2]>,
    /// Per table: routing-instance number (0 = master).
    pub(crate) inst_of: Vec<u32>,
    /// Tables by name (looked up per simulated packet: a fast hasher).
    by_name: FoldMap<String, TableId>,
    instances: Vec<String>,
    /// Interned next hops.
    pub nhs: NhTable,
    /// Interned interface names.
    pub ifnames: IfNames,
    /// JET clients.
    pub clients: Clients,
    attrs: Vec<Attrs>,
    attrs_free: Vec<u32>,
    /// Interned BGP attributes of BGP-static paths.
    pub bgp: BgpAttrTable,
    /// Indirect gateway addresses in use, by resolving table: a change covering one of
    /// them triggers re-resolution.
    pub(crate) watched: BTreeMap<(u32, u128), u32>,
    /// Destinations of each device source (Direct, Local, Static).
    pub(crate) source_keys: HashMap<Proto, FoldSet<(TableId, Prefix, u64)>>,
}

impl Default for Rib {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) fn addr_key(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

impl Rib {
    /// A RIB with the master tables `inet.0`, `inet6.0` and `mpls.0`.
    pub fn new() -> Rib {
        let mut rib = Rib {
            tables: Vec::new(),
            resolvers: Vec::new(),
            inst_of: Vec::new(),
            by_name: FoldMap::default(),
            instances: vec![String::new()],
            nhs: NhTable::default(),
            ifnames: IfNames::default(),
            clients: Clients::default(),
            attrs: Vec::new(),
            attrs_free: Vec::new(),
            bgp: BgpAttrTable::default(),
            watched: BTreeMap::new(),
            source_keys: HashMap::new(),
        };
        let v4 = rib.push_table("inet.0", Family::Inet, None, 0);
        let v6 = rib.push_table("inet6.0", Family::Inet6, None, 0);
        let mpls = rib.push_table("mpls.0", Family::Mpls, None, 0);
        for t in [v4, v6, mpls] {
            rib.resolvers[t.0 as usize] = [Some(v4), Some(v6)];
        }
        rib
    }

    fn push_table(&mut self, name: &str, family: Family, inst: Option<String>, n: u32) -> TableId {
        let id = TableId(self.tables.len() as u32);
        self.tables.push(Table::new(name, family, inst));
        self.resolvers.push([None, None]);
        self.inst_of.push(n);
        self.by_name.insert(name.to_owned(), id);
        id
    }

    /// Creates the tables `<name>.inet.0` and `<name>.inet6.0` of a routing instance
    /// (nothing when they exist).
    pub fn add_instance(&mut self, name: &str) -> Result<(), RibError> {
        if name.is_empty() || name == "master" || name.contains(char::is_whitespace) {
            return Err(RibError::InvalidInstanceName {
                name: name.to_owned(),
            });
        }
        if self.instances.iter().any(|i| i == name) {
            return Ok(());
        }
        self.instances.push(name.to_owned());
        let n = (self.instances.len() - 1) as u32;
        let v4 = self.push_table(
            &format!("{name}.inet.0"),
            Family::Inet,
            Some(name.into()),
            n,
        );
        let v6 = self.push_table(
            &format!("{name}.inet6.0"),
            Family::Inet6,
            Some(name.into()),
            n,
        );
        for t in [v4, v6] {
            self.resolvers[t.0 as usize] = [Some(v4), Some(v6)];
        }
        Ok(())
    }

    /// Routing-instance names (without the master instance).
    pub fn instances(&self) -> &[String] {
        &self.instances[1..]
    }

    /// A table by name.
    pub fn table_id(&self, name: &str) -> Option<TableId> {
        self.by_name.get(name).copied()
    }

    /// A table as a request names it.
    pub fn resolve_table(&self, t: &TableRef) -> Option<TableId> {
        match t {
            TableRef::Name(n) => self.table_id(n),
            TableRef::Id(i) => ((*i as usize) < self.tables.len()).then_some(TableId(*i)),
        }
    }

    /// The table behind an id.
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.get(id.0 as usize)
    }

    /// All tables in id order.
    pub fn tables(&self) -> impl Iterator<Item = (TableId, &Table)> {
        self.tables
            .iter()
            .enumerate()
            .map(|(i, t)| (TableId(i as u32), t))
    }

    /// The name of the client that owns a path (None for device sources).
    pub fn owner_name(&self, owner: u32) -> Option<&str> {
        self.clients.get(ClientIdx(owner)).map(|c| c.name.as_str())
    }

    /// Tags and colors of a path.
    pub fn attrs_of(&self, p: &Path) -> Attrs {
        match p.attrs {
            0 => Attrs::default(),
            i => self.attrs.get(i as usize - 1).copied().unwrap_or_default(),
        }
    }

    fn store_attrs(&mut self, a: Attrs) -> u32 {
        if a.is_empty() {
            return 0;
        }
        match self.attrs_free.pop() {
            Some(i) => {
                self.attrs[i as usize] = a;
                i + 1
            }
            None => {
                self.attrs.push(a);
                self.attrs.len() as u32
            }
        }
    }

    /// Releases what a removed or replaced path held.
    pub(crate) fn drop_path(&mut self, p: &Path) {
        if p.attrs != 0 {
            self.attrs_free.push(p.attrs - 1);
        }
        if p.bgp != 0 {
            self.bgp.release(p.bgp);
        }
        if let Some(gone) = self.nhs.release(p.nh) {
            self.unwatch(&gone);
        }
    }

    /// Applies a batch of Add/Modify/Update entries for `client` in order, stopping at
    /// the first failure. `now` (seconds) stamps changed paths.
    pub fn apply(
        &mut self,
        client: ClientIdx,
        op: SetOp,
        batch: &mut Batch,
        now: u32,
        changes: &mut Vec<RouteChange>,
    ) -> BatchOutcome {
        if let Some(e) = precheck(batch.routes.len(), batch.invalid.as_ref()) {
            return e;
        }
        // Bind batch-local interface names to the RIB's interned ids.
        let ids: Vec<_> = batch.names.iter().map(|n| self.ifnames.intern(n)).collect();
        for g in &mut batch.gateways {
            if let Some(i) = g.ifname {
                g.ifname = ids.get(i.0 as usize).copied();
            }
            if let Some(i) = g.tunnel {
                g.tunnel = ids.get(i.0 as usize).copied();
            }
        }
        let tables: Vec<Option<TableId>> =
            batch.tables.iter().map(|t| self.resolve_table(t)).collect();
        let mut dirty = false;
        let res = self.apply_entries(client, op, batch, &tables, now, changes, &mut dirty);
        if dirty {
            self.resolve_all();
        }
        finish(res, batch.routes.len(), batch.invalid.clone())
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_entries(
        &mut self,
        client: ClientIdx,
        op: SetOp,
        batch: &Batch,
        tables: &[Option<TableId>],
        now: u32,
        changes: &mut Vec<RouteChange>,
        dirty: &mut bool,
    ) -> Result<(), EntryError> {
        let defaults = self
            .clients
            .get(client)
            .map(|c| c.defaults)
            .unwrap_or_default();
        // Consecutive routes usually share their next hop: reuse the last one when the
        // gateways are the same (same count, same values) in the same instance.
        let mut last: Option<(u32, &[Gateway], NhId)> = None;
        let mut last_bgp: Option<(u32, u32)> = None;
        for (i, r) in batch.routes.iter().enumerate() {
            let tref = batch.tables.get(r.table as usize);
            let Some(tid) = tables.get(r.table as usize).copied().flatten() else {
                return Err(EntryError::new(
                    i,
                    RibCode::TableInvalid,
                    format!(
                        "table '{}' does not exist",
                        tref.map_or(String::new(), |t| t.to_string())
                    ),
                ));
            };
            let t = &self.tables[tid.0 as usize];
            let gws = batch.gateways_of(r);
            check_route(i, t, &r.prefix, gws)?;
            let key = PathKey::Client {
                owner: client.0,
                cookie: r.cookie,
            };
            let existing = t.get_path(&r.prefix, key);
            if let Some(old) = existing {
                generation_check(i, old, batch.legacy, &r.prefix, r.cookie, &t.name)?;
            }
            let exists = existing.is_some();
            match (op, exists) {
                (SetOp::Add, true) => {
                    return Err(EntryError::new(
                        i,
                        RibCode::RouteExists,
                        format!(
                            "route {} cookie {} already exists in {}",
                            r.prefix, r.cookie, t.name
                        ),
                    ))
                }
                (SetOp::Modify, false) => {
                    return Err(self.not_found(i, client, tid, &r.prefix, r.cookie))
                }
                _ => {}
            }
            let inst = self.inst_of[tid.0 as usize];
            let bgp = (r.bgp != 0)
                .then(|| batch.bgp.get(r.bgp as usize - 1))
                .flatten();
            let nh = match bgp.map(|b| b.nh_kind) {
                Some(BgpNhKind::Reject) => self.fixed_nh(inst, tid, crate::NextHop::Reject),
                Some(BgpNhKind::Fictitious) => self.fixed_nh(inst, tid, crate::NextHop::Discard),
                _ => {
                    let nh = match last {
                        Some((li, prev, id)) if li == inst && prev == gws => {
                            self.nhs.add_ref(id);
                            id
                        }
                        _ => self.nh_for(inst, tid, gws),
                    };
                    last = Some((inst, gws, nh));
                    nh
                }
            };
            let attrs = self.store_attrs(r.attrs);
            // Consecutive routes of a batch usually carry the same attributes: one
            // lookup per distinct set, then a reference per route.
            let bgp_id = match (bgp, last_bgp) {
                (None, _) => 0,
                (Some(_), Some((bi, id))) if bi == r.bgp => {
                    self.bgp.add_ref(id);
                    id
                }
                (Some(b), _) => {
                    let id = self.bgp.intern(b);
                    last_bgp = Some((r.bgp, id));
                    id
                }
            };
            let path = Path {
                cookie: r.cookie,
                owner: client.0,
                pref: r.pref.unwrap_or(defaults.pref).max(crate::MIN_PREFERENCE),
                pref2: match bgp {
                    Some(b) => r.pref2.unwrap_or(b.pref2()),
                    None => r.pref2.unwrap_or(defaults.pref2),
                },
                bgp: bgp_id,
                nh,
                since: now,
                proto: if r.bgp_static {
                    Proto::BgpStatic
                } else {
                    Proto::Jet
                },
                flags: if r.stats { FLAG_STATS } else { 0 }
                    | if batch.legacy { FLAG_LEGACY } else { 0 },
                attrs,
            };
            let proto = path.proto;
            let change_op = match self.tables[tid.0 as usize].put(&r.prefix, key, path) {
                Put::Added => {
                    if let Some(c) = self.clients.get_mut(client) {
                        c.count(tid.0, 1);
                    }
                    ChangeOp::Add
                }
                Put::Replaced(old) => {
                    self.drop_path(&old);
                    ChangeOp::Modify
                }
            };
            *dirty |= self.covers_watched(tid, &r.prefix);
            changes.push(RouteChange {
                table: tid,
                prefix: r.prefix,
                owner: client.0,
                cookie: r.cookie,
                proto,
                op: change_op,
            });
        }
        Ok(())
    }

    fn not_found(
        &self,
        i: usize,
        client: ClientIdx,
        tid: TableId,
        p: &Prefix,
        cookie: u64,
    ) -> EntryError {
        let t = &self.tables[tid.0 as usize];
        let other = t.get(p).and_then(|d| {
            d.paths()
                .iter()
                .find(|x| x.proto.is_programmed() && x.cookie == cookie && x.owner != client.0)
                .and_then(|x| self.owner_name(x.owner))
        });
        let msg = match other {
            Some(o) => format!(
                "route {p} cookie {cookie} in {} belongs to client '{o}'; only its owner may change it",
                t.name
            ),
            None => format!("route {p} cookie {cookie} not found in {}", t.name),
        };
        EntryError::new(i, RibCode::RouteNotFound, msg)
    }

    /// A next hop without gateways (reject, discard), interned.
    fn fixed_nh(&mut self, inst: u32, tid: TableId, nh: crate::NextHop) -> NhId {
        let (id, new) = self.nhs.intern(inst, nh);
        if new {
            self.watch(tid, id);
            let state = self.resolve_one(id);
            self.nhs.set_state(id, state);
        }
        id
    }

    fn nh_for(&mut self, inst: u32, tid: TableId, gws: &[Gateway]) -> NhId {
        if let Some(id) = self.nhs.find_gateways(inst, gws) {
            self.nhs.add_ref(id);
            return id;
        }
        let nh = if gws.is_empty() {
            crate::NextHop::Blackhole
        } else {
            crate::NextHop::Gateways(gws.to_vec().into_boxed_slice())
        };
        let (id, new) = self.nhs.intern(inst, nh);
        if new {
            self.watch(tid, id);
            let state = self.resolve_one(id);
            self.nhs.set_state(id, state);
        }
        id
    }

    /// Deletes the keys of a batch for `client` in order, stopping at the first failure.
    pub fn delete(
        &mut self,
        client: ClientIdx,
        batch: &DeleteBatch,
        changes: &mut Vec<RouteChange>,
    ) -> BatchOutcome {
        if let Some(e) = precheck(batch.keys.len(), batch.invalid.as_ref()) {
            return e;
        }
        let mut dirty = false;
        let mut res = Ok(());
        for (i, k) in batch.keys.iter().enumerate() {
            let Some(tid) = batch
                .tables
                .get(k.table as usize)
                .and_then(|t| self.resolve_table(t))
            else {
                let name = batch
                    .tables
                    .get(k.table as usize)
                    .map_or(String::new(), |t| t.to_string());
                res = Err(EntryError::new(
                    i,
                    RibCode::TableInvalid,
                    format!("table '{name}' does not exist"),
                ));
                break;
            };
            let t = &self.tables[tid.0 as usize];
            if k.prefix.family() != t.family {
                res = Err(family_mismatch(i, &k.prefix, t));
                break;
            }
            let key = PathKey::Client {
                owner: client.0,
                cookie: k.cookie,
            };
            if let Some(old) = t.get_path(&k.prefix, key) {
                if let Err(e) = generation_check(i, old, batch.legacy, &k.prefix, k.cookie, &t.name)
                {
                    res = Err(e);
                    break;
                }
            }
            let Some(old) = self.tables[tid.0 as usize].remove(&k.prefix, key) else {
                res = Err(self.not_found(i, client, tid, &k.prefix, k.cookie));
                break;
            };
            self.drop_path(&old);
            if let Some(c) = self.clients.get_mut(client) {
                c.count(tid.0, -1);
            }
            dirty |= self.covers_watched(tid, &k.prefix);
            changes.push(RouteChange {
                table: tid,
                prefix: k.prefix,
                owner: client.0,
                cookie: k.cookie,
                proto: old.proto,
                op: ChangeOp::Delete,
            });
        }
        if dirty {
            self.resolve_all();
        }
        finish(res, batch.keys.len(), batch.invalid.clone())
    }

    /// Removes every path `client` owns; returns how many.
    pub fn cleanup(&mut self, client: ClientIdx, changes: &mut Vec<RouteChange>) -> u64 {
        let owned = self.clients.get(client).map_or(0, |c| c.routes);
        if owned == 0 {
            return 0;
        }
        let mut removed: Vec<(TableId, Prefix, Path)> = Vec::new();
        for (i, t) in self.tables.iter_mut().enumerate() {
            let has = self
                .clients
                .get(client)
                .and_then(|c| c.per_table.get(i))
                .is_some_and(|n| *n > 0);
            if !has {
                continue;
            }
            t.remove_where(
                |p| p.proto.is_programmed() && p.owner == client.0,
                |prefix, path| removed.push((TableId(i as u32), prefix, path)),
            );
        }
        let mut dirty = false;
        for (tid, prefix, path) in &removed {
            self.drop_path(path);
            if let Some(c) = self.clients.get_mut(client) {
                c.count(tid.0, -1);
            }
            dirty |= self.covers_watched(*tid, prefix);
            changes.push(RouteChange {
                table: *tid,
                prefix: *prefix,
                owner: client.0,
                cookie: path.cookie,
                proto: path.proto,
                op: ChangeOp::Delete,
            });
        }
        if dirty {
            self.resolve_all();
        }
        removed.len() as u64
    }

    /// Purges the routes of every client whose purge deadline passed at `now_ms`.
    /// Returns (client name, routes removed) per purged client.
    pub fn purge_due(&mut self, now_ms: u64, changes: &mut Vec<RouteChange>) -> Vec<(String, u64)> {
        let due = self.clients.take_due(now_ms);
        let mut out = Vec::new();
        for c in due {
            let n = self.cleanup(c, changes);
            let name = self
                .clients
                .get(c)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            out.push((name, n));
        }
        out
    }
}

/// Batch-level checks: empty (NO_OP), too large (TOO_MANY_OPS).
/// A path may only be changed or removed through the JET generation that programmed it.
fn generation_check(
    i: usize,
    old: &Path,
    legacy: bool,
    p: &Prefix,
    cookie: u64,
    table: &str,
) -> Result<(), EntryError> {
    let old_legacy = old.flags & FLAG_LEGACY != 0;
    if old_legacy == legacy {
        return Ok(());
    }
    let (older, current) = if old.proto == Proto::BgpStatic && old.bgp != 0 {
        ("the older routing.BgpRoute API", "jnx.jet.routing.bgp.Bgp")
    } else {
        ("the older routing.Rib API", "jnx.jet.routing.rib.Rib")
    };
    let (was, now) = if old_legacy {
        (older, current)
    } else {
        (current, older)
    };
    Err(EntryError::new(
        i,
        RibCode::RouteApiVersionMismatch,
        format!("route {p} cookie {cookie} in {table} was programmed through {was}; it cannot be changed through {now}"),
    ))
}

pub(crate) fn precheck(valid: usize, invalid: Option<&EntryError>) -> Option<BatchOutcome> {
    let total = valid + usize::from(invalid.is_some());
    if total == 0 {
        return Some(BatchOutcome {
            completed: 0,
            error: Some(EntryError::new(
                0,
                RibCode::NoOp,
                "the request carries no routes",
            )),
        });
    }
    if total > MAX_BATCH {
        return Some(BatchOutcome {
            completed: 0,
            error: Some(EntryError::new(
                MAX_BATCH,
                RibCode::TooManyOps,
                format!("more than {MAX_BATCH} entries in one request"),
            )),
        });
    }
    None
}

pub(crate) fn finish(
    res: Result<(), EntryError>,
    valid: usize,
    invalid: Option<EntryError>,
) -> BatchOutcome {
    match res {
        Err(e) => BatchOutcome {
            completed: e.index,
            error: Some(e),
        },
        Ok(()) => BatchOutcome {
            completed: valid as u32,
            error: invalid,
        },
    }
}

pub(crate) fn family_mismatch(i: usize, p: &Prefix, t: &Table) -> EntryError {
    EntryError::new(
        i,
        RibCode::PrefixInvalid,
        format!(
            "destination {p} is {} but table {} is {}",
            p.family().as_str(),
            t.name,
            t.family.as_str()
        ),
    )
}

/// Checks that depend on the table: families of the destination and gateways, label
/// operations allowed for the table's family.
fn check_route(i: usize, t: &Table, p: &Prefix, gws: &[Gateway]) -> Result<(), EntryError> {
    if p.family() != t.family {
        return Err(family_mismatch(i, p, t));
    }
    for (n, g) in gws.iter().enumerate() {
        if g.addr.is_none() && g.ifname.is_none() {
            // A profile named but never resolved to its FTI interface (the adapter
            // resolves names before the batch comes here).
            return Err(EntryError::new(
                i,
                RibCode::FlexibleTunnelInvalid,
                format!("gateway {n}: flexible tunnel profile not resolved to an interface"),
            ));
        }
        if let Some(a) = g.addr {
            let ok = match t.family {
                Family::Inet => a.is_ipv4(),
                Family::Inet6 => a.is_ipv6(),
                Family::Mpls => true,
            };
            if !ok {
                return Err(EntryError::new(
                    i,
                    RibCode::NexthopAddressInvalid,
                    format!(
                        "gateway {n} address {a} is not of the family of table {}",
                        t.name
                    ),
                ));
            }
        }
        let bad = match t.family {
            Family::Inet | Family::Inet6 => g.labels.iter().any(|l| l.action != LabelAction::Push),
            Family::Mpls => g.labels.iter().enumerate().any(|(k, l)| {
                (k > 0 && l.action != LabelAction::Push)
                    || (l.action == LabelAction::Pop && g.labels.len() > 1)
            }),
        };
        if bad {
            return Err(EntryError::new(
                i,
                RibCode::MplsActionInvalid,
                format!(
                    "gateway {n}: label operations not allowed in {} (IP routes may only push; MPLS routes pop, or swap then push)",
                    t.name
                ),
            ));
        }
    }
    Ok(())
}
