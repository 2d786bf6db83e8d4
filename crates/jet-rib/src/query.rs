//! Reading the RIB: RouteGet-style matches (best, exact, exact-or-longer) walked in
//! resumable chunks, longest-prefix-match forwarding lookups and table summaries.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::nexthop::NhEntry;
use crate::prefix::Prefix;
use crate::rib::{Rib, TableId};
use crate::table::{Dest, Path, Proto};

/// How a lookup key matches destinations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchType {
    /// Longest-prefix match of the key's address (no longer than the key's length).
    Best,
    /// Only the key itself.
    Exact,
    /// The key and every more specific destination.
    ExactOrLonger,
}

/// One path as readers see it.
#[derive(Debug, Clone, Copy)]
pub struct RouteView<'a> {
    /// Table.
    pub table: TableId,
    /// Destination.
    pub prefix: Prefix,
    /// The path.
    pub path: &'a Path,
    /// True for the destination's active path.
    pub active: bool,
    /// Its next hop.
    pub nh: &'a NhEntry,
}

/// Per-table counts for `show route summary` and RouteSummaryGet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableSummary {
    /// Destinations.
    pub destinations: u64,
    /// Paths.
    pub routes: u64,
    /// Active paths.
    pub active: u64,
    /// Paths that cannot be used (unresolved next hop).
    pub hidden: u64,
    /// Per source: (paths, active paths).
    pub per_proto: BTreeMap<&'static str, (u64, u64)>,
}

impl Rib {
    /// Calls `f` for the paths of destination `d` (only the active one when
    /// `active_only`); returns how many.
    pub fn visit_dest<'a>(
        &'a self,
        table: TableId,
        prefix: Prefix,
        d: &'a Dest,
        active_only: bool,
        f: &mut impl FnMut(RouteView<'a>),
    ) -> usize {
        let active = d.active(&self.nhs);
        let paths = d.paths();
        let mut n = 0;
        let mut visit = |i: usize| {
            let is_active = active == Some(i);
            if active_only && !is_active {
                return;
            }
            n += 1;
            f(RouteView {
                table,
                prefix,
                path: &paths[i],
                active: is_active,
                nh: self.nhs.get(paths[i].nh),
            });
        };
        if paths.len() == 1 {
            visit(0);
        } else {
            // As Junos lists them: the active path first, then the others in selection
            // order (usable before unusable). Several paths per destination are rare,
            // so the order is worked out here rather than kept in the table.
            let mut order: Vec<usize> = (0..paths.len()).collect();
            order.sort_by_key(|&i| {
                let usable = self.nhs.get(paths[i].nh).usable();
                (active != Some(i), !usable, paths[i].rank())
            });
            order.into_iter().for_each(&mut visit);
        }
        n
    }

    /// A RouteGet walk: calls `f` for matching paths, whole destinations at a time, until
    /// at least `max` paths were emitted. Returns the destination to resume after when
    /// the walk stopped early (the walk is not atomic: changes between chunks show).
    #[allow(clippy::too_many_arguments)]
    pub fn get_routes<'a>(
        &'a self,
        table: TableId,
        key: &Prefix,
        how: MatchType,
        active_only: bool,
        after: Option<Prefix>,
        max: usize,
        mut f: impl FnMut(RouteView<'a>),
    ) -> Option<Prefix> {
        let t = self.table(table)?;
        match how {
            MatchType::Exact | MatchType::Best if after.is_some() => None,
            MatchType::Exact => {
                if let Some(d) = t.get(key) {
                    self.visit_dest(table, *key, d, active_only, &mut f);
                }
                None
            }
            MatchType::Best => {
                let found = t.lpm(key, |d| !active_only || d.active(&self.nhs).is_some());
                if let Some((p, d)) = found {
                    self.visit_dest(table, p, d, active_only, &mut f);
                }
                None
            }
            MatchType::ExactOrLonger => {
                let mut n = 0;
                for (p, d) in t.longer(key, after) {
                    n += self.visit_dest(table, p, d, active_only, &mut f);
                    if n >= max {
                        return Some(p);
                    }
                }
                None
            }
        }
    }

    /// Every path of a table in order, starting after `after`, at least `max` of them
    /// (whole destinations). Returns where to resume.
    pub fn walk<'a>(
        &'a self,
        table: TableId,
        after: Option<Prefix>,
        max: usize,
        mut f: impl FnMut(RouteView<'a>),
    ) -> Option<Prefix> {
        let t = self.table(table)?;
        let from = match after {
            Some(p) => std::ops::Bound::Excluded(p),
            None => std::ops::Bound::Unbounded,
        };
        let mut n = 0;
        for (p, d) in t.range(from, std::ops::Bound::Unbounded) {
            n += self.visit_dest(table, p, d, false, &mut f);
            if n >= max {
                return Some(p);
            }
        }
        None
    }

    /// The path a packet to `addr` would follow in `table` (longest active match).
    pub fn lookup(&self, table: TableId, addr: IpAddr) -> Option<RouteView<'_>> {
        let t = self.table(table)?;
        let (p, d) = t.lpm(&Prefix::host(addr), |d| d.active(&self.nhs).is_some())?;
        let a = d.active(&self.nhs)?;
        let path = &d.paths()[a];
        Some(RouteView {
            table,
            prefix: p,
            path,
            active: true,
            nh: self.nhs.get(path.nh),
        })
    }

    /// Counts of one table (walks it).
    pub fn summary(&self, table: TableId) -> TableSummary {
        let mut s = TableSummary::default();
        let Some(t) = self.table(table) else {
            return s;
        };
        s.destinations = t.destinations();
        s.routes = t.routes();
        for (_, d) in t.iter() {
            let active = d.active(&self.nhs);
            for (i, p) in d.paths().iter().enumerate() {
                let e = s.per_proto.entry(p.proto.name()).or_default();
                e.0 += 1;
                if active == Some(i) {
                    e.1 += 1;
                    s.active += 1;
                } else if !self.nhs.get(p.nh).usable() {
                    s.hidden += 1;
                }
            }
        }
        s
    }

    /// Paths per (table, protocol name) owned by `owner`: for RouteSummaryGet. Uses the
    /// per-client counters, no walk.
    pub fn client_counts(&self, owner: crate::ClientIdx) -> Vec<(TableId, Proto, u64)> {
        let Some(c) = self.clients.get(owner) else {
            return Vec::new();
        };
        c.per_table
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| (TableId(t as u32), Proto::Jet, *n))
            .collect()
    }
}
