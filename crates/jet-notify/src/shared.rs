//! State shared by every task of one broker: the router, the current configuration,
//! the counters and the table of open connections (to kick them).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use tokio::sync::mpsc;

use crate::codec::ReasonCode;
use crate::config::BrokerConfig;
use crate::router::Router;
use crate::stats::Counters;

/// Why a connection task must close.
pub(crate) type KickTx = mpsc::Sender<ReasonCode>;
pub(crate) type KickRx = mpsc::Receiver<ReasonCode>;

#[derive(Debug)]
pub(crate) struct ConnEntry {
    pub(crate) addr: SocketAddr,
    /// The listener that accepted it (None: a test connection).
    pub(crate) listener: Option<SocketAddr>,
    kick: KickTx,
}

pub(crate) struct Shared {
    router: Mutex<Router>,
    cfg: RwLock<Arc<BrokerConfig>>,
    pub(crate) counters: Arc<Counters>,
    conns: Mutex<HashMap<u64, ConnEntry>>,
    next_conn: AtomicU64,
    /// Accepted connections not yet closed (checked against max-connections).
    pub(crate) open: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(crate) fn new(cfg: BrokerConfig) -> Arc<Self> {
        let counters = Arc::new(Counters::default());
        let mut router = Router::new(cfg.limits.clone(), counters.clone());
        router.deny = cfg.deny_subscribe.clone();
        Arc::new(Shared {
            router: Mutex::new(router),
            cfg: RwLock::new(Arc::new(cfg)),
            counters,
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(1),
            open: AtomicUsize::new(0),
        })
    }

    /// The router, locked. Held for one operation, never across an await.
    pub(crate) fn router(&self) -> MutexGuard<'_, Router> {
        lock(&self.router)
    }

    pub(crate) fn cfg(&self) -> Arc<BrokerConfig> {
        self.cfg.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn set_cfg(&self, cfg: BrokerConfig) {
        {
            let mut router = self.router();
            router.limits = cfg.limits.clone();
            router.deny = cfg.deny_subscribe.clone();
        }
        *self.cfg.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(cfg);
    }

    /// Registers a connection; its task listens on the returned receiver.
    pub(crate) fn register(&self, addr: SocketAddr, listener: Option<SocketAddr>) -> (u64, KickRx) {
        let id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let (kick, rx) = mpsc::channel(4);
        lock(&self.conns).insert(
            id,
            ConnEntry {
                addr,
                listener,
                kick,
            },
        );
        (id, rx)
    }

    pub(crate) fn unregister(&self, id: u64) {
        lock(&self.conns).remove(&id);
    }

    /// Asks connection `id` to close with `reason`; never waits.
    pub(crate) fn kick(&self, id: u64, reason: ReasonCode) {
        if let Some(c) = lock(&self.conns).get(&id) {
            let _ = c.kick.try_send(reason);
        }
    }

    /// Kicks every connection for which `pred` holds; returns how many.
    pub(crate) fn kick_where(
        &self,
        reason: ReasonCode,
        pred: impl Fn(&ConnEntry) -> bool,
    ) -> usize {
        let conns = lock(&self.conns);
        let mut n = 0;
        for c in conns.values().filter(|c| pred(c)) {
            let _ = c.kick.try_send(reason);
            n += 1;
        }
        n
    }

    pub(crate) fn connection_count(&self) -> usize {
        lock(&self.conns).len()
    }
}
