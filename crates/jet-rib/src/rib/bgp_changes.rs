//! The BGP-only change rules the RIB service does not have: delete with cookie 0
//! ("any cookie") and `or_longer`, over the RIB's tables.

use crate::batch::{BatchOutcome, DeleteBatch};
use crate::client::ClientIdx;
use crate::error::{EntryError, RibCode};
use crate::prefix::Prefix;
use crate::rib::{ChangeOp, Rib, RouteChange, TableId};
use crate::table::{PathKey, Proto, FLAG_LEGACY};

impl Rib {
    /// BGP route-service delete: each key removes the client's BGP-static paths of the
    /// destination with that cookie (cookie 0: every cookie), and with `or_longer` those
    /// of more-specific destinations too. A key that removes nothing stops the batch
    /// with ROUTE_NOT_FOUND. `completed` counts keys, not paths.
    pub fn delete_bgp(
        &mut self,
        client: ClientIdx,
        batch: &DeleteBatch,
        or_longer: bool,
        changes: &mut Vec<RouteChange>,
    ) -> BatchOutcome {
        if let Some(e) = crate::rib::precheck(batch.keys.len(), batch.invalid.as_ref()) {
            return e;
        }
        let mut res = Ok(());
        let mut dirty = false;
        for (i, k) in batch.keys.iter().enumerate() {
            let tref = batch.tables.get(k.table as usize);
            let Some(tid) = tref.and_then(|t| self.resolve_table(t)) else {
                let name = tref.map_or(String::new(), |t| t.to_string());
                res = Err(EntryError::new(
                    i,
                    RibCode::TableInvalid,
                    format!("table '{name}' does not exist"),
                ));
                break;
            };
            let t = &self.tables[tid.0 as usize];
            if k.prefix.family() != t.family {
                res = Err(crate::rib::family_mismatch(i, &k.prefix, t));
                break;
            }
            let cookie = k.cookie;
            let mut hits: Vec<(Prefix, u64)> = Vec::new();
            // A path of the other JET generation among the hits refuses the whole key.
            let mut other_generation = None;
            let mut collect = |p: Prefix, d: &crate::table::Dest| {
                for x in d.paths() {
                    if x.proto == Proto::BgpStatic
                        && x.owner == client.0
                        && (cookie == 0 || x.cookie == cookie)
                    {
                        if (x.flags & FLAG_LEGACY != 0) != batch.legacy {
                            other_generation.get_or_insert((p, x.cookie));
                        }
                        hits.push((p, x.cookie));
                    }
                }
            };
            if or_longer {
                for (p, d) in t.longer(&k.prefix, None) {
                    collect(p, d);
                }
            } else if let Some(d) = t.get(&k.prefix) {
                collect(k.prefix, d);
            }
            if let Some((p, c)) = other_generation {
                let (was, now) = if batch.legacy {
                    ("jnx.jet.routing.bgp.Bgp", "the older routing.BgpRoute API")
                } else {
                    ("the older routing.BgpRoute API", "jnx.jet.routing.bgp.Bgp")
                };
                res = Err(EntryError::new(
                    i,
                    RibCode::RouteApiVersionMismatch,
                    format!(
                        "BGP-static route {p} cookie {c} in {} was programmed through {was}; it cannot be removed through {now}",
                        t.name
                    ),
                ));
                break;
            }
            if hits.is_empty() {
                res = Err(EntryError::new(
                    i,
                    RibCode::RouteNotFound,
                    format!(
                        "no BGP-static route {}{} of this client in {}",
                        k.prefix,
                        if cookie == 0 {
                            String::new()
                        } else {
                            format!(" cookie {cookie}")
                        },
                        t.name
                    ),
                ));
                break;
            }
            for (p, c) in hits {
                dirty |= self.remove_client_path(client, tid, p, c, changes);
            }
        }
        if dirty {
            self.resolve_all();
        }
        crate::rib::finish(res, batch.keys.len(), batch.invalid.clone())
    }

    /// Removes one path of `client`; true when it covered a watched gateway.
    fn remove_client_path(
        &mut self,
        client: ClientIdx,
        tid: TableId,
        p: Prefix,
        cookie: u64,
        changes: &mut Vec<RouteChange>,
    ) -> bool {
        let key = PathKey::Client {
            owner: client.0,
            cookie,
        };
        let Some(old) = self.tables[tid.0 as usize].remove(&p, key) else {
            return false;
        };
        self.drop_path(&old);
        if let Some(c) = self.clients.get_mut(client) {
            c.count(tid.0, -1);
        }
        changes.push(RouteChange {
            table: tid,
            prefix: p,
            owner: client.0,
            cookie,
            proto: old.proto,
            op: ChangeOp::Delete,
        });
        self.covers_watched(tid, &p)
    }
}
