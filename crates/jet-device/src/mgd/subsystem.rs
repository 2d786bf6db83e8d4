//! The subsystems a commit drives, holo style: every registered [`Subsystem`] is asked to
//! *prepare* the new configuration (refuse what it could not apply, reserve what it
//! needs), then either all of them *apply* it or all of them *abort*.
//!
//! ```text
//!  mgd commit ──prepare(txn)──► subsystem 1 … n   (any Err: abort(txn) on the prepared ones)
//!             ──(persist)──────────────────────── (Err: abort(txn) on all)
//!             ──apply(txn)────► subsystem 1 … n   (must not fail)
//! ```
//!
//! Subsystems that are tasks answer through their own request channel inside the returned
//! future; plain checks (jsd's listener check) are synchronous closures wrapped by
//! [`CheckSubsystem`].

use std::sync::{Arc, Mutex};

use jet_config::Config;

pub use crate::vocab::BoxFuture;

/// One commit as the subsystems see it: the effective configuration (committed plus
/// ephemeral overlays) before and after.
#[derive(Debug, Clone)]
pub struct Transaction {
    /// Increases by one per commit attempt (committed, checked or refused).
    pub id: u64,
    /// The effective configuration in force now.
    pub old: Arc<Config>,
    /// The effective configuration the commit would put in force.
    pub new: Arc<Config>,
    /// True for `commit check`: prepare is always followed by abort.
    pub check_only: bool,
}

/// A part of the device driven by the configuration.
pub trait Subsystem: Send + Sync + 'static {
    /// Name used in commit errors (`error: <name>: <reason>`).
    fn name(&self) -> &str;

    /// Checks that `txn.new` can be applied and gets ready to; `Err` (a Junos-style
    /// reason) refuses the whole commit.
    fn prepare<'a>(&'a self, txn: &'a Transaction) -> BoxFuture<'a, Result<(), String>>;

    /// Puts `txn.new` in force. Only called after every subsystem prepared it and the
    /// commit is durable; must not fail.
    fn apply<'a>(&'a self, txn: &'a Transaction) -> BoxFuture<'a, ()>;

    /// Forgets a prepared transaction (another subsystem refused, the write failed, or it
    /// was a `commit check`).
    fn abort<'a>(&'a self, txn: &'a Transaction) -> BoxFuture<'a, ()>;
}

/// A check a subsystem runs on a new configuration before it is committed (a
/// prepare-only subsystem). Kept for subsystems that apply by watching the committed
/// configuration.
pub type CommitCheck = Arc<dyn Fn(&Config) -> Result<(), String> + Send + Sync>;

/// A [`CommitCheck`] as a [`Subsystem`]: prepare runs the check, apply and abort do nothing.
pub struct CheckSubsystem {
    name: String,
    check: CommitCheck,
}

impl CheckSubsystem {
    /// Wraps `check` under `name`.
    pub fn new(name: impl Into<String>, check: CommitCheck) -> Self {
        CheckSubsystem {
            name: name.into(),
            check,
        }
    }
}

impl Subsystem for CheckSubsystem {
    fn name(&self) -> &str {
        &self.name
    }

    fn prepare<'a>(&'a self, txn: &'a Transaction) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move { (self.check)(&txn.new) })
    }

    fn apply<'a>(&'a self, _txn: &'a Transaction) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }

    fn abort<'a>(&'a self, _txn: &'a Transaction) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

/// The registered subsystems, in registration order. A plain mutex: registration happens
/// at start-up and the commit takes a snapshot (a clone of the `Arc`s) without awaiting.
#[derive(Clone, Default)]
pub(crate) struct Subsystems(Arc<Mutex<Vec<Arc<dyn Subsystem>>>>);

impl Subsystems {
    pub(crate) fn add(&self, s: Arc<dyn Subsystem>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(s);
    }

    pub(crate) fn snapshot(&self) -> Vec<Arc<dyn Subsystem>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Prepares `txn` on every subsystem; on the first refusal aborts the ones already
/// prepared (and the refusing one) and returns `name: reason`.
pub(crate) async fn prepare_all(
    subs: &[Arc<dyn Subsystem>],
    txn: &Transaction,
) -> Result<(), String> {
    for (i, s) in subs.iter().enumerate() {
        if let Err(reason) = s.prepare(txn).await {
            for p in &subs[..=i] {
                p.abort(txn).await;
            }
            return Err(format!("{}: {reason}", s.name()));
        }
    }
    Ok(())
}

/// Aborts `txn` on every subsystem.
pub(crate) async fn abort_all(subs: &[Arc<dyn Subsystem>], txn: &Transaction) {
    for s in subs {
        s.abort(txn).await;
    }
}

/// Applies `txn` on every subsystem.
pub(crate) async fn apply_all(subs: &[Arc<dyn Subsystem>], txn: &Transaction) {
    for s in subs {
        s.apply(txn).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Records calls; refuses when `refuse` is set.
    struct Probe {
        refuse: bool,
        prepared: AtomicUsize,
        applied: AtomicUsize,
        aborted: AtomicUsize,
    }

    impl Probe {
        fn new(refuse: bool) -> Arc<Probe> {
            Arc::new(Probe {
                refuse,
                prepared: AtomicUsize::new(0),
                applied: AtomicUsize::new(0),
                aborted: AtomicUsize::new(0),
            })
        }
    }

    impl Subsystem for Probe {
        fn name(&self) -> &str {
            "probe"
        }
        fn prepare<'a>(&'a self, _t: &'a Transaction) -> BoxFuture<'a, Result<(), String>> {
            self.prepared.fetch_add(1, Ordering::SeqCst);
            let refuse = self.refuse;
            Box::pin(async move {
                if refuse {
                    Err("no".into())
                } else {
                    Ok(())
                }
            })
        }
        fn apply<'a>(&'a self, _t: &'a Transaction) -> BoxFuture<'a, ()> {
            self.applied.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {})
        }
        fn abort<'a>(&'a self, _t: &'a Transaction) -> BoxFuture<'a, ()> {
            self.aborted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {})
        }
    }

    fn txn() -> Transaction {
        Transaction {
            id: 1,
            old: Arc::default(),
            new: Arc::default(),
            check_only: false,
        }
    }

    #[tokio::test]
    async fn one_refusal_aborts_every_prepared_subsystem_and_skips_the_rest() {
        let (a, b, c) = (Probe::new(false), Probe::new(true), Probe::new(false));
        let subs: Vec<Arc<dyn Subsystem>> = vec![a.clone(), b.clone(), c.clone()];
        let e = prepare_all(&subs, &txn()).await.expect_err("b refuses");
        assert_eq!(e, "probe: no");
        assert_eq!(a.aborted.load(Ordering::SeqCst), 1);
        assert_eq!(b.aborted.load(Ordering::SeqCst), 1);
        assert_eq!(c.prepared.load(Ordering::SeqCst), 0, "never asked");
        assert_eq!(a.applied.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn commit_checks_refuse_through_prepare() {
        let check: CommitCheck = Arc::new(|_c: &Config| Err("port in use".to_owned()));
        let s: Vec<Arc<dyn Subsystem>> = vec![Arc::new(CheckSubsystem::new("jsd", check))];
        assert_eq!(
            prepare_all(&s, &txn()).await.expect_err("refused"),
            "jsd: port in use"
        );
    }
}
