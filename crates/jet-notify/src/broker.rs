//! The embedding API: start a broker, reconfigure it, look at it, stop it.
//!
//! ```text
//!  BrokerHandle ──reconfigure──► listeners (bind new, drop removed), Shared.cfg,
//!                               kick (ACL, moved listener), drop denied subscriptions
//!  housekeeping task ──every 250 ms──► Router::tick (session expiry, will delay)
//!  listener tasks ──► connection tasks (see listener.rs, io.rs)
//! ```

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::acl;
use crate::codec::ReasonCode;
use crate::config::BrokerConfig;
use crate::error::NotifyError;
use crate::link::Link;
use crate::listener::{self, ListenerTask, REFUSALS};
use crate::shared::Shared;
use crate::stats::{ClientInfo, Stats};
use tokio_util::task::AbortOnDropHandle;

const TICK: Duration = Duration::from_millis(250);
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Starts brokers.
pub struct Broker;

impl Broker {
    /// Binds every listener and starts serving. Must be called inside a tokio runtime:
    /// the broker's tasks run on that runtime for its whole life (listeners bound by a
    /// later [`BrokerHandle::reconfigure`] too, wherever that is called from).
    pub fn start(cfg: BrokerConfig) -> Result<BrokerHandle, NotifyError> {
        let rt = tokio::runtime::Handle::try_current().map_err(|_| NotifyError::NoRuntime)?;
        let shared = Shared::new(cfg.clone());
        let refusals = Arc::new(Semaphore::new(REFUSALS));
        let mut tasks = Vec::new();
        for l in &cfg.listeners {
            let sock = listener::bind(l)?;
            tasks.push(listener::spawn(
                shared.clone(),
                sock,
                l.clone(),
                refusals.clone(),
            )?);
        }
        let housekeeping = AbortOnDropHandle::new(tokio::spawn({
            let shared = shared.clone();
            async move {
                let mut every = tokio::time::interval(TICK);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    every.tick().await;
                    shared.router().tick(tokio::time::Instant::now().into_std());
                }
            }
        }));
        Ok(BrokerHandle {
            inner: Arc::new(Inner {
                shared,
                rt,
                listeners: Mutex::new(tasks),
                refusals,
                housekeeping,
                closed: AtomicBool::new(false),
            }),
        })
    }
}

struct Inner {
    shared: Arc<Shared>,
    /// The runtime the broker was started on.
    rt: tokio::runtime::Handle,
    listeners: Mutex<Vec<ListenerTask>>,
    refusals: Arc<Semaphore>,
    housekeeping: AbortOnDropHandle<()>,
    closed: AtomicBool,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shared
            .kick_where(ReasonCode::SERVER_SHUTTING_DOWN, |_| true);
    }
}

/// A running broker. Clones share it; when the last one is dropped the broker stops
/// (listeners closed, clients told "server shutting down").
#[derive(Clone)]
pub struct BrokerHandle {
    inner: Arc<Inner>,
}

impl BrokerHandle {
    fn listeners(&self) -> MutexGuard<'_, Vec<ListenerTask>> {
        self.inner
            .listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Applies `cfg` at once. Listeners whose address and TLS configuration are
    /// unchanged keep running with their clients; removed or changed ones close (their
    /// clients are disconnected, v5 reason 0x98 Administrative action) and new ones are
    /// bound. Clients outside the new allow-clients are disconnected (0x87 Not
    /// authorized); subscriptions the new deny-subscribe refuses are removed. Lowering
    /// max-connections disconnects nobody. When a new address cannot be bound, an error
    /// is returned and nothing else changes (except that a listener replaced on the same
    /// address has already been closed).
    pub fn reconfigure(&self, cfg: BrokerConfig) -> Result<(), NotifyError> {
        if self.inner.closed.load(Ordering::Relaxed) {
            return Err(NotifyError::Closed);
        }
        let shared = &self.inner.shared;
        // New listeners register with, and run on, the broker's runtime.
        let _rt = self.inner.rt.enter();
        let mut current = self.listeners();
        let (keep, removed): (Vec<ListenerTask>, Vec<ListenerTask>) = std::mem::take(&mut *current)
            .into_iter()
            .partition(|t| cfg.listeners.iter().any(|l| t.serves(l)));
        // A changed listener on the same address must let go of it before the new bind.
        let (clash, mut removed): (Vec<_>, Vec<_>) = removed.into_iter().partition(|t| {
            cfg.listeners
                .iter()
                .any(|l| l.addr == t.cfg.addr || l.addr == t.local)
        });
        let clash_addrs: Vec<SocketAddr> = clash.iter().map(|t| t.local).collect();
        drop(clash);
        let mut bound = Vec::new();
        for l in cfg
            .listeners
            .iter()
            .filter(|l| !keep.iter().any(|t| t.serves(l)))
        {
            match listener::bind(l) {
                Ok(sock) => bound.push((sock, l.clone())),
                Err(e) => {
                    *current = keep;
                    current.append(&mut removed);
                    return Err(e);
                }
            }
        }
        let mut next = keep;
        for (sock, l) in bound {
            next.push(listener::spawn(
                shared.clone(),
                sock,
                l,
                self.inner.refusals.clone(),
            )?);
        }
        let gone: Vec<SocketAddr> = removed.iter().map(|t| t.local).chain(clash_addrs).collect();
        drop(removed);
        *current = next;
        drop(current);

        shared.set_cfg(cfg.clone());
        let moved = shared.kick_where(ReasonCode::ADMINISTRATIVE_ACTION, |c| {
            c.listener.is_some_and(|l| gone.contains(&l))
        });
        let refused = shared.kick_where(ReasonCode::NOT_AUTHORIZED, |c| {
            !acl::allowed(&cfg.allow_clients, c.addr.ip())
        });
        if !cfg.deny_subscribe.is_empty() {
            shared
                .router()
                .drop_subscriptions(|f| acl::subscribe_denied(&cfg.deny_subscribe, f));
        }
        tracing::info!(
            listeners = ?self.local_addrs(), moved, refused, "notification service reconfigured"
        );
        Ok(())
    }

    /// An in-process publisher for the device's daemons.
    pub fn link(&self) -> Link {
        Link::new(self.inner.shared.clone())
    }

    /// Every session (connected, or kept for an offline client), sorted by client id.
    pub fn clients(&self) -> Vec<ClientInfo> {
        self.inner.shared.router().clients()
    }

    /// True when some client subscription could receive a topic that `filter` matches
    /// (lets publishers skip rendering messages nobody can receive).
    pub fn has_interest(&self, filter: &str) -> bool {
        self.inner.shared.router().has_interest(filter)
    }

    pub fn stats(&self) -> Stats {
        let shared = &self.inner.shared;
        let mut s = shared.counters.snapshot();
        s.connections = shared.connection_count();
        let router = shared.router();
        s.sessions = router.session_count();
        s.subscriptions = router.subscription_count();
        s.retained = router.retained_count();
        s
    }

    /// The per-client limits in force.
    pub fn limits(&self) -> crate::config::Limits {
        self.inner.shared.cfg().limits.clone()
    }

    /// The addresses actually bound (useful with port 0).
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners().iter().map(|t| t.local).collect()
    }

    /// Stops at once, without waiting: listeners closed (their ports stop accepting),
    /// housekeeping ended, every client told "server shutting down" (v5). For owners
    /// that stop the broker from `Drop`; [`BrokerHandle::shutdown`] also waits.
    pub fn stop(&self) {
        self.listeners().clear();
        self.inner.housekeeping.abort();
        self.inner
            .shared
            .kick_where(ReasonCode::SERVER_SHUTTING_DOWN, |_| true);
    }

    /// Stops accepting, tells every client "server shutting down" (v5), and waits up
    /// to two seconds for connections to close. Wills are not published.
    pub async fn shutdown(&self) {
        if self.inner.closed.swap(true, Ordering::Relaxed) {
            return;
        }
        self.stop();
        let shared = &self.inner.shared;
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        while shared.connection_count() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tracing::info!("notification service stopped");
    }
}
