//! RouteSubscribe / RouteUnsubscribe / RouteRefresh of the BGP route service.
//!
//! ```text
//!  RIB task ── Arc<[RouteChange]> per table (bounded) ──┐
//!  RouteRefresh ── Notify ─────────────────────────────┼─► producer task ─► mpsc(16) ─► gRPC stream
//!  RouteUnsubscribe / Cleanup ── drop the entry (stop) ┘    (dump, END_OF_RIBS, changes)
//! ```
//!
//! One subscription per JET client. The stream carries the device's BGP routes: this
//! device has no BGP peers (see `show bgp summary`), so those are the BGP-static routes
//! programmed by every client; a route reflector app sees what the other controllers
//! program. First message: the registration result (no entries); then a ROUTE_UPDATE
//! per route, END_OF_RIBS, and ROUTE_UPDATE / ROUTE_DELETE as routes change. The
//! producer keeps the subscription's entry in [`BgpSubscriptions`] while it runs.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use jet_device::rib::jet_rib::{ChangeOp, Proto, RouteChange};
use jet_device::rib::RibHandle;
use jet_proto::jnx::jet::routing::bgp as pb;
use pb::route_subscribe_entry::RouteSubscribeOper as Oper;
use pb::route_subscribe_response::StatusCode as Code;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::get::{walk, Cursor, Filter, DEFAULT_ROUTE_COUNT, MAX_ROUTE_COUNT};
use super::{not_initialized_msg, SubStream};
use crate::svc::{failure, ok_status};

/// Subscriptions served at once, over all clients (more get REGISTRATIONS_EXCEEDED).
pub(crate) const MAX_SUBSCRIPTIONS: usize = 64;
/// Messages queued toward one subscriber before the producer waits.
const STREAM_QUEUE: usize = 16;

struct Entry {
    id: u64,
    refresh: Arc<Notify>,
    /// Dropped to stop the producer.
    _stop: oneshot::Sender<()>,
}

/// The live BGP subscriptions, by JET client id.
#[derive(Default)]
pub(crate) struct BgpSubscriptions {
    subs: Mutex<HashMap<String, Entry>>,
    next: std::sync::atomic::AtomicU64,
}

fn single(code: Code, msg: String) -> SubStream {
    let r = pb::RouteSubscribeResponse {
        status: failure(msg),
        sub_code: code as i32,
        subscribe_entries: Vec::new(),
    };
    Box::pin(tokio_stream::iter([Ok(r)]))
}

impl BgpSubscriptions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // Every critical section is a map insert/remove: a panic cannot leave it
        // half-done, so a poisoned lock still guards a consistent map.
        self.subs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends the subscription of `id`; false when there was none.
    pub(crate) fn end(&self, id: &str) -> bool {
        self.lock().remove(id).is_some()
    }

    /// Asks the subscription of `id` for a fresh dump; false when there is none.
    pub(crate) fn refresh(&self, id: &str) -> bool {
        match self.lock().get(id) {
            Some(e) => {
                e.refresh.notify_one();
                true
            }
            None => false,
        }
    }

    /// Starts the subscription of client `id` (RIB client `client`, on `session`).
    /// `formats`: the reply formats (addresses as bytes, tables by id) when the request
    /// gives them (the older generation); None takes the client's Initialize defaults.
    pub(super) async fn subscribe(
        self: &Arc<Self>,
        rib: RibHandle,
        id: &str,
        client: &str,
        session: u64,
        route_count: u32,
        formats: Option<(bool, bool)>,
    ) -> Result<SubStream, Status> {
        if !rib.is_initialized(client, session) {
            return Ok(single(Code::NotInitialized, not_initialized_msg(id)));
        }
        if route_count > MAX_ROUTE_COUNT {
            return Ok(single(
                Code::RouteCountInvalid,
                format!("route_count {route_count} is above {MAX_ROUTE_COUNT}"),
            ));
        }
        let count = match route_count {
            0 => DEFAULT_ROUTE_COUNT,
            n => n,
        } as usize;
        let (stop_tx, stop_rx) = oneshot::channel();
        let refresh = Arc::new(Notify::new());
        let sub_id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        {
            let mut subs = self.lock();
            if subs.contains_key(id) {
                return Ok(single(
                    Code::AlreadySubscribed,
                    format!("client '{id}' already has a RouteSubscribe stream"),
                ));
            }
            if subs.len() >= MAX_SUBSCRIPTIONS {
                return Ok(single(
                    Code::RegistrationsExceeded,
                    format!("{MAX_SUBSCRIPTIONS} BGP route subscriptions are already open"),
                ));
            }
            subs.insert(
                id.to_owned(),
                Entry {
                    id: sub_id,
                    refresh: refresh.clone(),
                    _stop: stop_tx,
                },
            );
        }
        // One RIB subscription per table, under a name of its own so the app's RIB
        // service subscriptions are not replaced.
        let key = format!("bgp-subscribe/{id}");
        let tables: Vec<_> = rib.read(|r| r.tables().map(|(t, _)| t).collect());
        let mut feeds = Vec::with_capacity(tables.len());
        for t in tables {
            match rib.subscribe(&key, t, count as u32).await {
                Ok(s) => feeds.push(ReceiverStream::new(s.rx)),
                Err(e) => {
                    self.end_if(id, sub_id);
                    return Err(Status::unavailable(e.to_string()));
                }
            }
        }
        let (bytes, ids) = formats.unwrap_or_else(|| {
            rib.read(|r| {
                let d = r
                    .clients
                    .find(client)
                    .and_then(|i| r.clients.get(i))
                    .map(|c| c.defaults)
                    .unwrap_or_default();
                (d.address_bytes, d.table_ids)
            })
        });
        let (tx, rx) = mpsc::channel(STREAM_QUEUE);
        let this = self.clone();
        let id = id.to_owned();
        tokio::spawn(async move {
            let p = Producer {
                rib,
                tx,
                count,
                bytes,
                ids,
            };
            p.run(futures::stream::select_all(feeds), refresh, stop_rx)
                .await;
            this.end_if(&id, sub_id);
        });
        Ok(Box::pin(ReceiverStream::new(rx)))
    }

    /// Removes the entry of `id` when it is still subscription `sub_id`.
    fn end_if(&self, id: &str, sub_id: u64) {
        let mut subs = self.lock();
        if subs.get(id).is_some_and(|e| e.id == sub_id) {
            subs.remove(id);
        }
    }
}

struct Producer {
    rib: RibHandle,
    tx: mpsc::Sender<Result<pb::RouteSubscribeResponse, Status>>,
    count: usize,
    bytes: bool,
    ids: bool,
}

impl Producer {
    async fn send(&self, entries: Vec<pb::RouteSubscribeEntry>) -> bool {
        let msg = pb::RouteSubscribeResponse {
            status: ok_status(),
            sub_code: Code::Success as i32,
            subscribe_entries: entries,
        };
        self.tx.send(Ok(msg)).await.is_ok()
    }

    async fn run(
        self,
        mut feed: impl futures::Stream<Item = Arc<[RouteChange]>> + Unpin,
        refresh: Arc<Notify>,
        mut stop: oneshot::Receiver<()>,
    ) {
        // The registration result, at once.
        if !self.send(Vec::new()).await || !self.dump().await {
            return;
        }
        loop {
            tokio::select! {
                _ = &mut stop => return,
                // The subscriber went away (its connection ended).
                () = self.tx.closed() => return,
                () = refresh.notified() => {
                    if !self.dump().await {
                        return;
                    }
                }
                batch = feed.next() => match batch {
                    Some(changes) => {
                        if !self.changes(&changes).await {
                            return;
                        }
                    }
                    None => return,
                },
            }
        }
    }

    /// Every BGP route as ROUTE_UPDATE, then END_OF_RIBS.
    async fn dump(&self) -> bool {
        let filter = self.rib.read(|r| Filter::all(r, self.bytes, self.ids));
        let mut at = Some(Cursor::default());
        let mut buf = VecDeque::new();
        while let Some(c) = at {
            at = self.rib.read(|r| walk(r, &filter, c, &mut buf));
            while buf.len() >= self.count || (at.is_none() && !buf.is_empty()) {
                let n = self.count.min(buf.len());
                let entries = buf
                    .drain(..n)
                    .map(|r| pb::RouteSubscribeEntry {
                        operation: Oper::RouteUpdate as i32,
                        route: Some(r),
                    })
                    .collect();
                if !self.send(entries).await {
                    return false;
                }
            }
        }
        self.send(vec![pb::RouteSubscribeEntry {
            operation: Oper::EndOfRibs as i32,
            route: None,
        }])
        .await
    }

    /// The BGP paths of a change batch: updates with the path as it is now, deletes
    /// with the key.
    async fn changes(&self, changes: &[RouteChange]) -> bool {
        let entries: Vec<pb::RouteSubscribeEntry> = self.rib.read(|r| {
            changes
                .iter()
                .filter(|c| c.proto == Proto::BgpStatic)
                .map(|c| {
                    let table = jet_rib_wire::convert::table_pb(r, c.table, self.ids);
                    let now = r
                        .table(c.table)
                        .and_then(|t| t.get(&c.prefix))
                        .and_then(|d| {
                            d.paths()
                                .iter()
                                .position(|p| {
                                    p.owner == c.owner && p.cookie == c.cookie && p.proto == c.proto
                                })
                                .map(|i| (d, i))
                        });
                    match (c.op, now) {
                        (ChangeOp::Delete, _) | (_, None) => pb::RouteSubscribeEntry {
                            operation: Oper::RouteDelete as i32,
                            route: Some(deleted(c, &table, self.bytes)),
                        },
                        (_, Some((d, i))) => {
                            let active = d.active(&r.nhs) == Some(i);
                            let path = &d.paths()[i];
                            let v = jet_device::rib::jet_rib::RouteView {
                                table: c.table,
                                prefix: c.prefix,
                                path,
                                active,
                                nh: r.nhs.get(path.nh),
                            };
                            pb::RouteSubscribeEntry {
                                operation: Oper::RouteUpdate as i32,
                                route: Some(jet_rib_wire::bgp::entry(r, &v, &table, self.bytes)),
                            }
                        }
                    }
                })
                .collect()
        });
        for chunk in entries.chunks(self.count) {
            if !self.send(chunk.to_vec()).await {
                return false;
            }
        }
        true
    }
}

/// A withdrawn route: its key only.
fn deleted(
    c: &RouteChange,
    table: &jet_proto::jnx::jet::routing::base::RouteTable,
    bytes: bool,
) -> pb::RouteEntry {
    use jet_proto::jnx::jet::routing::base::{route_prefix::RoutePrefixAf, RoutePrefix};
    let dest = c.prefix.addr().map(|a| {
        let ipa = jet_rib_wire::convert::ip_pb(a, bytes);
        RoutePrefix {
            route_prefix_af: Some(if a.is_ipv4() {
                RoutePrefixAf::Inet(ipa)
            } else {
                RoutePrefixAf::Inet6(ipa)
            }),
        }
    });
    pb::RouteEntry {
        key: Some(pb::RouteMatch {
            dest_prefix: dest,
            dest_prefix_len: u32::from(c.prefix.len()),
            table: Some(table.clone()),
            protocol: jet_proto::jnx::jet::routing::base::RouteProtoType::ProtoBgpStatic as i32,
            cookie: c.cookie,
            communities: None,
        }),
        ..Default::default()
    }
}
