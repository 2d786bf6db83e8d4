//! Device route sources: Direct and Local routes from interface addresses, Static routes
//! from `routing-options`. Each source hands over its complete set of routes whenever it
//! changes; the RIB diffs it against what the source had and reports the differences.

use std::net::IpAddr;

use crate::error::RibError;
use crate::nexthop::{Gateway, NextHop};
use crate::prefix::Prefix;
use crate::rib::{ChangeOp, FoldMap, FoldSet, Rib, RouteChange, TableId};
use crate::table::{Path, PathKey, Proto};

/// A device route source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Interface subnets.
    Direct,
    /// Interface addresses.
    Local,
    /// `routing-options static` (and instance static routes).
    Static,
}

impl Source {
    fn proto(self) -> Proto {
        match self {
            Source::Direct => Proto::Direct,
            Source::Local => Proto::Local,
            Source::Static => Proto::Static,
        }
    }
}

/// Next hop of a source route, with interface names as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceNh {
    /// Out of this interface (Direct).
    Interface(String),
    /// Delivered locally on this interface (Local).
    Receive(String),
    /// Through gateways, each optionally with an interface.
    Gateways(Vec<(IpAddr, Option<String>)>),
    /// Drop silently.
    Discard,
    /// Drop with ICMP unreachable.
    Reject,
}

/// One route of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRoute {
    /// Table name (`inet.0`, `vpn1.inet.0`, ...).
    pub table: String,
    /// Destination.
    pub prefix: Prefix,
    /// Next hop.
    pub nh: SourceNh,
    /// Preference (default: the source's Junos default).
    pub pref: Option<u32>,
    /// Tells several paths of one source for one destination apart: 0 for a route's
    /// own next hops, 1, 2, ... for static `qualified-next-hop`s with a preference of
    /// their own (Junos shows them as further Static paths of the destination).
    pub cookie: u64,
}

/// A change of a source's routes: the routes that go (table, destination, cookie) and
/// the routes added or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceDelta {
    /// Routes removed, by table name, destination and cookie.
    pub gone: Vec<(String, Prefix, u64)>,
    /// Routes added or changed (the last one wins when a key repeats).
    pub put: Vec<SourceRoute>,
}

impl SourceDelta {
    /// Nothing changes.
    pub fn is_empty(&self) -> bool {
        self.gone.is_empty() && self.put.is_empty()
    }

    /// What turns a source's routes `old` into `new` (as [`Rib::replace_source`] reads
    /// them: the last route wins when a key repeats). A source that changes a few
    /// routes of many (a commit adding 10,000 static routes to 100,000) costs a
    /// comparison of the two lists and hashing of the keys near the change, not a
    /// new route per route.
    pub fn between(old: &[SourceRoute], new: &[SourceRoute]) -> SourceDelta {
        let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let tail = old[head..]
            .iter()
            .rev()
            .zip(new[head..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let (old_mid, new_mid) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
        // Keys of the changed stretch; each may also occur in the common parts, where
        // a later occurrence wins: find their last occurrence over the whole lists
        // (a cheap filter on the destination first: most routes are not touched).
        let touched: FoldSet<(&str, Prefix, u64)> =
            old_mid.iter().chain(new_mid).map(key_of).collect();
        if touched.is_empty() {
            return SourceDelta::default();
        }
        let prefixes: FoldSet<Prefix> = touched.iter().map(|k| k.1).collect();
        fn last<'a>(
            routes: &'a [SourceRoute],
            prefixes: &FoldSet<Prefix>,
            touched: &FoldSet<(&str, Prefix, u64)>,
        ) -> FoldMap<(&'a str, Prefix, u64), usize> {
            let mut m = FoldMap::default();
            for (i, r) in routes.iter().enumerate() {
                if prefixes.contains(&r.prefix) && touched.contains(&key_of(r)) {
                    m.insert(key_of(r), i);
                }
            }
            m
        }
        let (was, will) = (
            last(old, &prefixes, &touched),
            last(new, &prefixes, &touched),
        );
        let mut put: Vec<usize> = will
            .iter()
            .filter(|(k, &i)| was.get(*k).is_none_or(|&j| old[j] != new[i]))
            .map(|(_, &i)| i)
            .collect();
        put.sort_unstable();
        let mut gone: Vec<usize> = was
            .iter()
            .filter(|(k, _)| !will.contains_key(*k))
            .map(|(_, &j)| j)
            .collect();
        gone.sort_unstable();
        SourceDelta {
            gone: gone
                .into_iter()
                .map(|j| (old[j].table.clone(), old[j].prefix, old[j].cookie))
                .collect(),
            put: put.into_iter().map(|i| new[i].clone()).collect(),
        }
    }
}

fn key_of(r: &SourceRoute) -> (&str, Prefix, u64) {
    (r.table.as_str(), r.prefix, r.cookie)
}

impl Rib {
    /// Checks every route's table and family before anything changes (all or nothing).
    fn resolve_source_tables<'r>(
        &self,
        proto: Proto,
        routes: &'r [SourceRoute],
    ) -> Result<Vec<(TableId, &'r SourceRoute)>, RibError> {
        let mut resolved = Vec::with_capacity(routes.len());
        for r in routes {
            let tid = self
                .table_id(&r.table)
                .ok_or_else(|| RibError::UnknownTable {
                    table: r.table.clone(),
                })?;
            let fam = self.tables[tid.0 as usize].family;
            if r.prefix.family() != fam {
                return Err(RibError::WrongFamily {
                    proto,
                    prefix: r.prefix,
                    table: r.table.clone(),
                });
            }
            resolved.push((tid, r));
        }
        Ok(resolved)
    }

    /// Replaces every route of `source` with `routes`. Unknown tables and family
    /// mismatches refuse the whole set (nothing changes). `now` stamps changed paths.
    pub fn replace_source(
        &mut self,
        source: Source,
        routes: &[SourceRoute],
        now: u32,
        changes: &mut Vec<RouteChange>,
    ) -> Result<(), RibError> {
        let proto = source.proto();
        let resolved = self.resolve_source_tables(proto, routes)?;
        let old_keys = self.source_keys.remove(&proto).unwrap_or_default();
        let new_keys: FoldSet<(TableId, Prefix, u64)> = resolved
            .iter()
            .map(|(tid, r)| (*tid, r.prefix, r.cookie))
            .collect();
        for &(tid, p, cookie) in old_keys.difference(&new_keys) {
            self.remove_source_path(proto, tid, p, cookie, changes);
        }
        for (tid, r) in resolved {
            self.put_source_path(proto, tid, r, now, changes);
        }
        self.source_keys.insert(proto, new_keys);
        self.resolve_all();
        Ok(())
    }

    /// Applies a change to the routes of `source`: what [`Rib::replace_source`] does
    /// with the source's whole new set, at the cost of the change only. Unknown tables
    /// and family mismatches among the routes put refuse the whole change; routes
    /// gone from unknown tables or that the source does not have are ignored.
    pub fn change_source(
        &mut self,
        source: Source,
        delta: &SourceDelta,
        now: u32,
        changes: &mut Vec<RouteChange>,
    ) -> Result<(), RibError> {
        let proto = source.proto();
        let resolved = self.resolve_source_tables(proto, &delta.put)?;
        let mut keys = self.source_keys.remove(&proto).unwrap_or_default();
        for (table, p, cookie) in &delta.gone {
            let Some(tid) = self.table_id(table) else {
                continue;
            };
            if keys.remove(&(tid, *p, *cookie)) {
                self.remove_source_path(proto, tid, *p, *cookie, changes);
            }
        }
        for (tid, r) in resolved {
            keys.insert((tid, r.prefix, r.cookie));
            self.put_source_path(proto, tid, r, now, changes);
        }
        self.source_keys.insert(proto, keys);
        self.resolve_all();
        Ok(())
    }

    fn remove_source_path(
        &mut self,
        proto: Proto,
        tid: TableId,
        p: Prefix,
        cookie: u64,
        changes: &mut Vec<RouteChange>,
    ) {
        let key = PathKey::Source(proto, cookie);
        if let Some(old) = self.tables[tid.0 as usize].remove(&p, key) {
            self.drop_path(&old);
            changes.push(change(tid, p, proto, cookie, ChangeOp::Delete));
        }
    }

    /// Adds or updates one source route (unchanged ones keep their age and report no
    /// change).
    fn put_source_path(
        &mut self,
        proto: Proto,
        tid: TableId,
        r: &SourceRoute,
        now: u32,
        changes: &mut Vec<RouteChange>,
    ) {
        let inst = self.inst_of[tid.0 as usize];
        let nh = self.source_nh(&r.nh);
        let (nh_id, new) = self.nhs.intern(inst, nh);
        if new {
            self.watch(tid, nh_id);
            let s = self.resolve_one(nh_id);
            self.nhs.set_state(nh_id, s);
        }
        let key = PathKey::Source(proto, r.cookie);
        let mut path = Path {
            cookie: r.cookie,
            owner: 0,
            pref: r.pref.unwrap_or(proto.default_preference()),
            // Device routes have no preference2: they lose ties to any route that
            // has one (so programmed routes, default 100, beat CLI statics).
            pref2: u32::MAX,
            nh: nh_id,
            since: now,
            proto,
            flags: 0,
            attrs: 0,
            bgp: 0,
        };
        let t = &mut self.tables[tid.0 as usize];
        if let Some(old) = t.get_path(&r.prefix, key) {
            if old.nh == path.nh && old.pref == path.pref {
                // Unchanged: keep its age, drop the extra reference.
                path.since = old.since;
            }
        }
        let op = match t.put(&r.prefix, key, path.clone()) {
            crate::table::Put::Added => Some(ChangeOp::Add),
            crate::table::Put::Replaced(old) => {
                let same = old.nh == path.nh && old.pref == path.pref;
                self.drop_path(&old);
                (!same).then_some(ChangeOp::Modify)
            }
        };
        if let Some(op) = op {
            changes.push(change(tid, r.prefix, proto, r.cookie, op));
        }
    }

    fn source_nh(&mut self, nh: &SourceNh) -> NextHop {
        match nh {
            SourceNh::Interface(i) => NextHop::Interface(self.ifnames.intern(i)),
            SourceNh::Receive(i) => NextHop::Receive(self.ifnames.intern(i)),
            SourceNh::Discard => NextHop::Discard,
            SourceNh::Reject => NextHop::Reject,
            SourceNh::Gateways(g) => NextHop::Gateways(
                g.iter()
                    .map(|(a, i)| Gateway {
                        ifname: i.as_deref().map(|n| self.ifnames.intern(n)),
                        ..Gateway::via(*a)
                    })
                    .collect(),
            ),
        }
    }
}

fn change(table: TableId, prefix: Prefix, proto: Proto, cookie: u64, op: ChangeOp) -> RouteChange {
    RouteChange {
        table,
        prefix,
        owner: 0,
        cookie,
        proto,
        op,
    }
}
