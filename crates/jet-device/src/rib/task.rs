//! The RIB task: the only writer of the RIB.
//!
//! ```text
//!   RibRequest rx ───┐
//!   session ends rx ─┼─► select ─► write lock: apply ─► unlock ─► publish(changes)
//!   purge sleep ─────┘                                             ├─► EventBus (1 event)
//!                                                                └─► subscribers (await, bounded)
//! ```

use std::collections::HashMap;
use std::sync::{Arc, RwLockWriteGuard};
use std::time::Duration;

use jet_rib::{ChangeOp, EntryError, Rib, RibCode, RouteChange, TableId};
use tokio::sync::mpsc;

use super::{
    RibRequest, RibShared, RouteCause, RouteEvent, SubscribeError, Subscription, SUBSCRIBER_STALL,
    SUBSCRIPTION_QUEUE,
};
use crate::events::{DeviceEvent, EventBus};
use crate::sessions::{SessionEnd, SessionEnds};

struct Sub {
    id: u64,
    /// Routes per message, fixed for the life of the subscription.
    route_count: u32,
    tx: mpsc::Sender<Arc<[RouteChange]>>,
}

struct RibTask {
    shared: Arc<RibShared>,
    events: EventBus,
    subs: HashMap<(String, TableId), Sub>,
    next_sub: u64,
    /// Reused between batches (no per-batch allocation for the change list itself).
    changes: Vec<RouteChange>,
}

pub(super) fn spawn(
    shared: Arc<RibShared>,
    rx: mpsc::Receiver<RibRequest>,
    events: EventBus,
    ends: SessionEnds,
) -> tokio::task::JoinHandle<()> {
    let task = RibTask {
        shared,
        events,
        subs: HashMap::new(),
        next_sub: 1,
        changes: Vec::with_capacity(1024),
    };
    tokio::spawn(task.run(rx, ends))
}

impl RibTask {
    fn write(&self) -> RwLockWriteGuard<'_, Rib> {
        // See RibShared::read: a poisoned lock still guards a consistent RIB.
        self.shared.rib.write().unwrap_or_else(|p| p.into_inner())
    }

    fn now_ms(&self) -> u64 {
        self.shared.start.elapsed().as_millis() as u64
    }

    fn now_secs(&self) -> u32 {
        self.shared.start.elapsed().as_secs() as u32
    }

    async fn run(mut self, mut rx: mpsc::Receiver<RibRequest>, mut ends: SessionEnds) {
        let mut ends_open = true;
        loop {
            let next_purge = self.shared.read().clients.next_purge();
            let sleep = async {
                match next_purge {
                    Some(ms) => {
                        tokio::time::sleep_until(self.shared.start + Duration::from_millis(ms))
                            .await
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                req = rx.recv() => match req {
                    Some(r) => self.handle(r).await,
                    None => return,
                },
                end = ends.recv(), if ends_open => match end {
                    Some(end) => self.session_ended(&end),
                    None => ends_open = false,
                },
                () = sleep => self.purge().await,
            }
        }
    }

    /// A session ended (delivered losslessly by the session table): its client's purge
    /// timer starts when it was the client's last session, and its subscriptions end.
    fn session_ended(&mut self, info: &SessionEnd) {
        let Some(login) = &info.login else { return };
        let now = self.now_ms();
        // The app's RIB-service client and its BGP route-service client.
        for name in [login.client_id.clone(), super::bgp_client(&login.client_id)] {
            let started = self.write().clients.session_closed(&name, info.id, now);
            if let Some(at) = started {
                tracing::info!(client = %name, purge_in_ms = at.saturating_sub(now), "client disconnected; routes kept until purge");
            }
        }
        // Its subscriptions end with the session.
        self.subs.retain(|(c, _), _| c != &login.client_id);
    }

    async fn purge(&mut self) {
        let now = self.now_ms();
        let mut changes = std::mem::take(&mut self.changes);
        changes.clear();
        let purged = self.write().purge_due(now, &mut changes);
        for (client, n) in &purged {
            tracing::info!(%client, routes = n, "purge timer fired; client routes removed");
        }
        let cause = RouteCause::Purge(
            purged
                .into_iter()
                .map(|(c, _)| c)
                .collect::<Vec<_>>()
                .join(","),
        );
        self.publish(cause, &changes).await;
        self.changes = changes;
    }

    async fn handle(&mut self, req: RibRequest) {
        let mut changes = std::mem::take(&mut self.changes);
        changes.clear();
        let mut cause = None;
        match req {
            RibRequest::Initialize {
                client,
                session,
                defaults,
                reply,
            } => {
                let (_, outcome) = self.write().clients.initialize(&client, session, defaults);
                let _ = reply.send(outcome);
            }
            RibRequest::Cleanup {
                client,
                session,
                reply,
            } => {
                let res = {
                    let mut rib = self.write();
                    match rib.clients.is_initialized(&client, session) {
                        Some(c) => Ok(rib.cleanup(c, &mut changes)),
                        None => Err(jet_rib::RibError::NotInitialized {
                            client: client.clone(),
                        }),
                    }
                };
                let _ = reply.send(res);
                cause = Some(RouteCause::Cleanup(client));
            }
            RibRequest::Set {
                client,
                session,
                op,
                mut batch,
                init,
                reply,
            } => {
                let now = self.now_secs();
                let out = {
                    let mut rib = self.write();
                    let c = match (rib.clients.is_initialized(&client, session), init) {
                        (Some(c), _) => Some(c),
                        (None, Some(d)) => Some(rib.clients.initialize(&client, session, d).0),
                        (None, None) => None,
                    };
                    match c {
                        Some(c) => rib.apply(c, op, &mut batch, now, &mut changes),
                        None => not_initialized(&client),
                    }
                };
                let _ = reply.send(out);
                cause = Some(RouteCause::Batch(client));
            }
            RibRequest::Delete {
                client,
                session,
                batch,
                reply,
            } => {
                let out = {
                    let mut rib = self.write();
                    match rib.clients.is_initialized(&client, session) {
                        Some(c) => rib.delete(c, &batch, &mut changes),
                        None => not_initialized(&client),
                    }
                };
                let _ = reply.send(out);
                cause = Some(RouteCause::Batch(client));
            }
            RibRequest::BgpDelete {
                client,
                session,
                batch,
                or_longer,
                reply,
            } => {
                let out = {
                    let mut rib = self.write();
                    match rib.clients.is_initialized(&client, session) {
                        Some(c) => rib.delete_bgp(c, &batch, or_longer, &mut changes),
                        None => not_initialized(&client),
                    }
                };
                let _ = reply.send(out);
                cause = Some(RouteCause::Batch(client));
            }
            RibRequest::Source {
                source,
                routes,
                reply,
            } => {
                let now = self.now_secs();
                let res = self
                    .write()
                    .replace_source(source, &routes, now, &mut changes);
                let _ = reply.send(res);
                cause = Some(RouteCause::Source(source));
            }
            RibRequest::SourceChange {
                source,
                delta,
                reply,
            } => {
                let now = self.now_secs();
                let res = self
                    .write()
                    .change_source(source, &delta, now, &mut changes);
                let _ = reply.send(res);
                cause = Some(RouteCause::Source(source));
            }
            RibRequest::Instance { name, reply } => {
                let res = {
                    let mut rib = self.write();
                    let existed = rib.instances().iter().any(|i| i == &name);
                    rib.add_instance(&name).map(|()| !existed)
                };
                if let Ok(true) = res {
                    for fam in ["inet", "inet6"] {
                        self.events
                            .emit(DeviceEvent::RouteTable(super::RouteTableEvent {
                                table: format!("{name}.{fam}.0"),
                                added: true,
                            }));
                    }
                }
                let _ = reply.send(res.map(|_| ()));
            }
            RibRequest::PurgeTimer {
                client,
                secs,
                reply,
            } => {
                {
                    let mut rib = self.write();
                    let i = rib.clients.find_or_add(&client);
                    rib.clients.set_purge_secs(i, secs);
                }
                let _ = reply.send(());
            }
            RibRequest::Subscribe {
                client,
                table,
                route_count,
                reply,
            } => {
                let _ = reply.send(self.subscribe(client, table, route_count));
            }
            RibRequest::Unsubscribe {
                client,
                table,
                reply,
            } => {
                let _ = reply.send(self.subs.remove(&(client, table)).is_some());
            }
        }
        if let Some(cause) = cause {
            self.publish(cause, &changes).await;
        }
        self.changes = changes;
    }

    /// A new subscription of `client` to `table`. A live one (its reader still holds the
    /// receiver) with another `route_count` refuses it and keeps streaming; otherwise
    /// the new one replaces it, which ends the old stream (its sender is dropped).
    fn subscribe(
        &mut self,
        client: String,
        table: TableId,
        route_count: u32,
    ) -> Result<Subscription, SubscribeError> {
        let key = (client, table);
        if let Some(live) = self.subs.get(&key).filter(|s| !s.tx.is_closed()) {
            if live.route_count != route_count {
                return Err(SubscribeError::RouteCountChanged {
                    live: live.route_count,
                    asked: route_count,
                });
            }
        }
        let (tx, rx) = mpsc::channel(SUBSCRIPTION_QUEUE);
        let id = self.next_sub;
        self.next_sub += 1;
        self.subs.insert(
            key,
            Sub {
                id,
                route_count,
                tx,
            },
        );
        Ok(Subscription { table, rx, id })
    }

    /// One event for the whole operation, and the same change list to subscribers of
    /// the tables it touched. Subscribers get back-pressure: the RIB waits for room in
    /// their queue, up to [`SUBSCRIBER_STALL`], then drops the subscription.
    async fn publish(&mut self, cause: RouteCause, changes: &[RouteChange]) {
        if changes.is_empty() {
            return;
        }
        let (mut added, mut modified, mut deleted) = (0, 0, 0);
        for c in changes {
            match c.op {
                ChangeOp::Add => added += 1,
                ChangeOp::Modify => modified += 1,
                ChangeOp::Delete => deleted += 1,
            }
        }
        let shared: Arc<[RouteChange]> = Arc::from(changes);
        self.events.emit(DeviceEvent::Route(RouteEvent {
            cause,
            added,
            modified,
            deleted,
            changes: shared.clone(),
        }));
        if self.subs.is_empty() {
            return;
        }
        let mut dead = Vec::new();
        for (key, sub) in &self.subs {
            if !changes.iter().any(|c| c.table == key.1) {
                continue;
            }
            match sub.tx.send_timeout(shared.clone(), SUBSCRIBER_STALL).await {
                Ok(()) => {}
                Err(_) => {
                    tracing::warn!(client = %key.0, sub = sub.id, "route subscriber gone or stalled; subscription dropped");
                    dead.push(key.clone());
                }
            }
        }
        for k in dead {
            self.subs.remove(&k);
        }
    }
}

fn not_initialized(client: &str) -> jet_rib::BatchOutcome {
    jet_rib::BatchOutcome {
        completed: 0,
        error: Some(EntryError::new(
            0,
            RibCode::NotInitialized,
            format!("client '{client}' must call RouteInitialize on this connection first"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RibHandle, SubscribeError};
    use crate::events::EventBus;
    use crate::sessions::SessionTable;

    fn rib() -> RibHandle {
        let sessions = SessionTable::new(EventBus::new());
        RibHandle::start(EventBus::new(), sessions.watch_ends("rib"))
    }

    #[tokio::test]
    async fn a_live_subscription_refuses_another_route_count_and_keeps_streaming() {
        let rib = rib();
        let table = rib.read(|r| r.table_id("inet.0")).expect("inet.0");
        let mut first = rib.subscribe("app", table, 10).await.expect("first");
        let refused = rib.subscribe("app", table, 20).await;
        assert_eq!(
            refused.err(),
            Some(SubscribeError::RouteCountChanged {
                live: 10,
                asked: 20
            })
        );
        // Still the live one: its sender was not replaced.
        assert!(first
            .rx
            .try_recv()
            .is_err_and(|e| e == tokio::sync::mpsc::error::TryRecvError::Empty));
        // Another client, or the same count, is fine; the same count moves the stream.
        rib.subscribe("other", table, 20)
            .await
            .expect("other client");
        let second = rib.subscribe("app", table, 10).await.expect("same count");
        assert!(second.id > first.id);
        assert_eq!(first.rx.recv().await, None, "moved: the old stream ends");
    }

    #[tokio::test]
    async fn a_subscription_whose_reader_is_gone_does_not_fix_the_route_count() {
        let rib = rib();
        let table = rib.read(|r| r.table_id("inet.0")).expect("inet.0");
        let first = rib.subscribe("app", table, 10).await.expect("first");
        drop(first);
        rib.subscribe("app", table, 20)
            .await
            .expect("the old reader is gone");
    }
}
