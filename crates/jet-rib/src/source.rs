//! Device route sources: Direct and Local routes from interface addresses, Static routes
//! from `routing-options`. Each source hands over its complete set of routes whenever it
//! changes; the RIB diffs it against what the source had and reports the differences.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::error::RibError;
use crate::nexthop::{Gateway, NextHop};
use crate::prefix::Prefix;
use crate::rib::{ChangeOp, Rib, RouteChange, TableId};
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

impl Rib {
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
        let mut resolved: Vec<(TableId, &SourceRoute)> = Vec::with_capacity(routes.len());
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
        let old_keys = self.source_keys.remove(&proto).unwrap_or_default();
        let mut new_keys: HashMap<(TableId, Prefix, u64), usize> = HashMap::new();
        for (i, (tid, r)) in resolved.iter().enumerate() {
            new_keys.insert((*tid, r.prefix, r.cookie), i);
        }
        // Gone paths.
        for &(tid, p, cookie) in &old_keys {
            if new_keys.contains_key(&(tid, p, cookie)) {
                continue;
            }
            let key = PathKey::Source(proto, cookie);
            if let Some(old) = self.tables[tid.0 as usize].remove(&p, key) {
                self.drop_path(&old);
                changes.push(change(tid, p, proto, cookie, ChangeOp::Delete));
            }
        }
        // New and changed ones.
        let mut keys = Vec::with_capacity(resolved.len());
        for (tid, r) in resolved {
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
            keys.push((tid, r.prefix, r.cookie));
        }
        self.source_keys.insert(proto, keys);
        self.resolve_all();
        Ok(())
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
