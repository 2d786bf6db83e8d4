//! Next-hop resolution: a gateway with an interface is a router next hop; one without is
//! indirect and resolves through the longest active match of its address in the
//! instance's table of its family: a Direct route gives the interface, a resolved route
//! lends its own forwarding interface (recursion), a Local/discard/reject route or no
//! route leaves the gateway unusable, and a route never resolves through itself.
//!
//! Resolution is computed when a next hop is first interned, and again for every next
//! hop when a change covers a watched gateway address (cheap to detect: a range lookup
//! per changed destination) or a device source is replaced.

use std::ops::Bound;

use crate::nexthop::{GwState, NextHop, NhEntry, NhId};
use crate::prefix::Prefix;
use crate::rib::{addr_key, Rib, TableId};

/// Rounds of re-resolution before giving up on a chain that keeps changing.
const MAX_ROUNDS: usize = 4;

impl Rib {
    /// Table resolving `addr` for next hops of table `tid`.
    fn resolver(&self, tid: TableId, v6: bool) -> Option<TableId> {
        self.resolvers.get(tid.0 as usize)?[usize::from(v6)]
    }

    fn resolver_for_inst(&self, inst: u32, v6: bool) -> Option<TableId> {
        let t = self.inst_of.iter().position(|i| *i == inst)?;
        self.resolver(TableId(t as u32), v6)
    }

    pub(crate) fn watch(&mut self, tid: TableId, id: NhId) {
        let keys: Vec<(u32, u128)> = match &self.nhs.get(id).nh {
            NextHop::Gateways(g) => g
                .iter()
                .filter(|g| g.ifname.is_none())
                .filter_map(|g| g.addr)
                .filter_map(|a| self.resolver(tid, a.is_ipv6()).map(|r| (r.0, addr_key(a))))
                .collect(),
            _ => Vec::new(),
        };
        for k in keys {
            *self.watched.entry(k).or_default() += 1;
        }
    }

    pub(crate) fn unwatch(&mut self, gone: &NhEntry) {
        let NextHop::Gateways(g) = &gone.nh else {
            return;
        };
        for g in g.iter().filter(|g| g.ifname.is_none()) {
            let Some(a) = g.addr else { continue };
            let Some(r) = self.resolver_for_inst(gone.inst, a.is_ipv6()) else {
                continue;
            };
            let k = (r.0, addr_key(a));
            if let Some(n) = self.watched.get_mut(&k) {
                *n -= 1;
                if *n == 0 {
                    self.watched.remove(&k);
                }
            }
        }
    }

    /// True when a change at `p` in `tid` may change how a watched gateway resolves.
    pub(crate) fn covers_watched(&self, tid: TableId, p: &Prefix) -> bool {
        if self.watched.is_empty() {
            return false;
        }
        let (lo, hi) = match (*p, p.last_key()) {
            (Prefix::V4(a, _), Prefix::V4(b, _)) => (u128::from(a), u128::from(b)),
            (Prefix::V6(a, _), Prefix::V6(b, _)) => (a, b),
            _ => return false,
        };
        self.watched
            .range((Bound::Included((tid.0, lo)), Bound::Included((tid.0, hi))))
            .next()
            .is_some()
    }

    /// The resolution of one interned next hop against the current tables.
    pub(crate) fn resolve_one(&self, id: NhId) -> Box<[GwState]> {
        let e = self.nhs.get(id);
        let NextHop::Gateways(gws) = &e.nh else {
            return Box::default();
        };
        gws.iter()
            .map(|g| {
                if let Some(i) = g.ifname {
                    return GwState {
                        usable: true,
                        via: Some(i),
                    };
                }
                let Some(addr) = g.addr else {
                    return GwState::default();
                };
                let Some(tid) = self.resolver_for_inst(e.inst, addr.is_ipv6()) else {
                    return GwState::default();
                };
                let t = &self.tables[tid.0 as usize];
                let host = Prefix::host(addr);
                let Some((_, d)) = t.lpm(&host, |d| d.active(&self.nhs).is_some()) else {
                    return GwState::default();
                };
                let Some(a) = d.active(&self.nhs) else {
                    return GwState::default();
                };
                let via_nh = d.paths()[a].nh;
                if via_nh == id {
                    return GwState::default();
                }
                let via = self.nhs.get(via_nh);
                match &via.nh {
                    NextHop::Interface(i) => GwState {
                        usable: true,
                        via: Some(*i),
                    },
                    NextHop::Gateways(_) => {
                        let first = via.selected().next();
                        match first.and_then(|k| via.state.get(k)) {
                            Some(s) if s.usable => GwState {
                                usable: true,
                                via: s.via,
                            },
                            _ => GwState::default(),
                        }
                    }
                    _ => GwState::default(),
                }
            })
            .collect()
    }

    /// Re-resolves every next hop until nothing changes (bounded rounds).
    pub fn resolve_all(&mut self) {
        for _ in 0..MAX_ROUNDS {
            let updates: Vec<(NhId, Box<[GwState]>)> = self
                .nhs
                .iter()
                .filter(|(_, e)| matches!(e.nh, NextHop::Gateways(_)))
                .map(|(id, _)| (id, self.resolve_one(id)))
                .filter(|(id, s)| *s != self.nhs.get(*id).state)
                .collect();
            if updates.is_empty() {
                return;
            }
            for (id, s) in updates {
                self.nhs.set_state(id, s);
            }
        }
    }
}
