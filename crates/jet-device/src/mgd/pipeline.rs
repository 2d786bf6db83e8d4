//! The commit pipeline of the mgd task: validate → prepare all → persist → apply all →
//! announce, plus `commit confirmed` and ephemeral commits.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use jet_config::{CommitMeta, Config};

use super::ephemeral::{self, Instances};
use super::history::{join_client, History, PendingConfirm};
use super::payload;
use super::subsystem::{abort_all, apply_all, prepare_all, Transaction};
use super::{
    CfgSessionId, CommitOptions, Committed, EphemeralOp, EphemeralOpKind, LoadRequest, Mgd,
    Pending, Who,
};
use crate::error::DeviceError;
use crate::events::{CommitEvent, DeviceEvent};

/// System comment of the automatic rollback of an unconfirmed `commit confirmed`.
pub(crate) const CONFIRM_ROLLBACK_COMMENT: &str = "commit confirmed rollback";

/// Drops `what` on the blocking pool: the last reference to a replaced configuration
/// frees a tree as large as the configuration, which a commit's reply need not wait for.
fn retire<T: Send + 'static>(what: T) {
    drop(tokio::task::spawn_blocking(move || drop(what)));
}

/// Removes a staged file after a failed check (logged: the next commit overwrites it and
/// a restart removes it anyway).
async fn discard_staged(store: jet_config::Store, staged: jet_config::Staged) {
    match tokio::task::spawn_blocking(move || store.discard(staged)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "staged configuration not removed"),
        Err(_) => {}
    }
}

/// What a commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `commit check` passed; nothing changed.
    Checked,
    /// Committed.
    Committed,
}

impl Mgd {
    /// `ConfigSet`: the payload loaded onto the committed configuration, committed.
    pub(super) async fn load_commit(&mut self, req: LoadRequest) -> Result<(), DeviceError> {
        self.check_lock(None)?;
        let t = std::time::Instant::now();
        // The copy of the committed configuration (the whole tree) is made on the
        // blocking pool while this task parses the payload.
        let base = self.current().config.clone();
        let copy = tokio::task::spawn_blocking(move || Config::clone(&base));
        let parsed = payload::parse(&req.payload, req.mode)?;
        tracing::debug!(ms = t.elapsed().as_secs_f64() * 1e3, "commit: parsed");
        let mut new = copy.await.map_err(|_| DeviceError::ShuttingDown)?;
        tracing::debug!(ms = t.elapsed().as_secs_f64() * 1e3, "commit: copied");
        new.apply_load(parsed)?;
        tracing::debug!(ms = t.elapsed().as_secs_f64() * 1e3, "commit: load");
        let opts = CommitOptions {
            comment: req.comment,
            ..CommitOptions::default()
        };
        self.commit(new, &req.who, &opts, None).await.map(|_| ())
    }

    /// Refuses changes by anyone but the holder of `configure exclusive`.
    pub(super) fn check_lock(&self, by: Option<CfgSessionId>) -> Result<(), DeviceError> {
        match self.lock {
            Some(holder) if Some(holder) != by => {
                let who = self
                    .sessions
                    .get(&holder)
                    .map_or("another user", |s| s.who.user.as_str());
                Err(DeviceError::DatabaseLocked { by: who.to_owned() })
            }
            _ => Ok(()),
        }
    }

    fn next_txn(&mut self, old: Arc<Config>, new: Arc<Config>, check_only: bool) -> Transaction {
        self.txn_id += 1;
        Transaction {
            id: self.txn_id,
            old,
            new,
            check_only,
        }
    }

    /// Commits `new` (or only checks it). The caller resets the candidate it came from.
    ///
    /// A real commit writes the new configuration's file (print + fsync, on the blocking
    /// pool) while this task validates it and the subsystems prepare, so the durable
    /// write overlaps the checks; the file only becomes the committed one (rename) once
    /// every check passed, and is removed when one fails.
    pub(super) async fn commit(
        &mut self,
        new: Config,
        who: &Who,
        opts: &CommitOptions,
        system_comment: Option<String>,
    ) -> Result<Outcome, DeviceError> {
        let t = std::time::Instant::now();
        let lap = |what: &str| {
            tracing::debug!(ms = t.elapsed().as_secs_f64() * 1e3, "commit: {what}");
        };
        let new = Arc::new(new);
        let meta = (!opts.check).then(|| {
            let system_comment = system_comment.or_else(|| {
                opts.confirmed
                    .map(|m| format!("commit confirmed, rollback in {m}mins"))
            });
            CommitMeta {
                user: who.user.clone(),
                client: join_client(&who.client, system_comment.as_deref()),
                time: Utc::now(),
                comment: opts.comment.clone(),
            }
        });
        let staging = match (&meta, &self.store) {
            (Some(meta), Some(store)) => {
                let (store, to_write, meta) = (store.clone(), new.clone(), meta.clone());
                Some(tokio::task::spawn_blocking(move || {
                    store.stage(&to_write, &meta).map(|staged| (store, staged))
                }))
            }
            _ => None,
        };
        let checked = self.check_new(&new, opts.check, &lap).await;
        let staged = match staging {
            Some(h) => match h.await {
                Ok(res) => res.map_err(DeviceError::from),
                Err(_) => Err(DeviceError::ShuttingDown),
            },
            None => Err(DeviceError::ShuttingDown),
        };
        let (subs, txn, effective) = match checked {
            Ok(c) => c,
            Err(e) => {
                if let Ok((store, staged)) = staged {
                    discard_staged(store, staged).await;
                }
                return Err(e);
            }
        };
        let Some(meta) = meta else {
            abort_all(&subs, &txn).await;
            // As on Junos, `commit check` also confirms a pending `commit confirmed`.
            self.confirm = None;
            self.publish_history(None);
            return Ok(Outcome::Checked);
        };
        lap("staged");
        // The store is a handle on its directory; mgd commits one at a time.
        let written = match staged {
            Ok((store, staged)) => {
                match tokio::task::spawn_blocking(move || store.commit_staged(staged)).await {
                    Ok(res) => res.map_err(DeviceError::from),
                    Err(_) => Err(DeviceError::ShuttingDown),
                }
            }
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            abort_all(&subs, &txn).await;
            return Err(e);
        }
        lap("persisted");
        apply_all(&subs, &txn).await;
        let current = self.current();
        lap("applied");
        self.generation += 1;
        // A plain commit confirms a pending `commit confirmed`; a new `commit confirmed`
        // re-arms the timer but keeps rolling back to what was there before the first.
        self.confirm = opts.confirmed.map(|minutes| {
            let rollback_to = match self.confirm.take() {
                Some(p) => p.rollback_to,
                None => Config::clone(&current.config),
            };
            let wait = Duration::from_secs(u64::from(minutes) * 60);
            Pending {
                deadline: tokio::time::Instant::now() + wait,
                rollback_to,
                info: PendingConfirm {
                    deadline: Utc::now() + chrono::Duration::seconds(i64::from(minutes) * 60),
                    minutes,
                },
            }
        });
        let old = self.committed.send_replace(Arc::new(Committed {
            config: new,
            meta: meta.clone(),
            effective,
            ephemeral: current.ephemeral.clone(),
        }));
        // Freeing the previous configuration (a large tree) is not the caller's wait.
        retire((old, current, txn, subs));
        self.publish_history(Some(meta.clone()));
        self.events.emit(DeviceEvent::Commit(CommitEvent {
            user: meta.user,
            client: meta.client,
            comment: meta.comment,
            time: meta.time,
        }));
        Ok(Outcome::Committed)
    }

    /// The checks of a commit: validation, the effective configuration, every
    /// subsystem's prepare. On success the prepared transaction and the effective
    /// configuration.
    async fn check_new(
        &mut self,
        new: &Arc<Config>,
        check_only: bool,
        lap: &impl Fn(&str),
    ) -> Result<
        (
            Vec<Arc<dyn super::subsystem::Subsystem>>,
            Transaction,
            Arc<Config>,
        ),
        DeviceError,
    > {
        new.validate()?;
        lap("validated");
        let current = self.current();
        // Without ephemeral data the effective configuration is the new one, shared.
        let effective = if current.ephemeral.values().all(Config::is_empty) {
            new.clone()
        } else {
            let configured = ephemeral::configured_instances(new);
            Arc::new(ephemeral::overlay(new, &current.ephemeral, &configured))
        };
        lap("effective configuration");
        let subs = self.subsystems.snapshot();
        let txn = self.next_txn(current.effective.clone(), effective.clone(), check_only);
        prepare_all(&subs, &txn)
            .await
            .map_err(DeviceError::commit_check)?;
        lap("prepared");
        Ok((subs, txn, effective))
    }

    /// Updates the history watch: a new newest entry (if any) and the pending state.
    fn publish_history(&mut self, newest: Option<CommitMeta>) {
        let old = self.history.borrow().clone();
        let mut entries = old.entries.clone();
        if let Some(m) = newest {
            entries.insert(0, m);
            entries.truncate(jet_config::MAX_ROLLBACK + 1);
        }
        self.history.send_replace(Arc::new(History {
            entries,
            pending: self.confirm.as_ref().map(|p| p.info.clone()),
        }));
    }

    /// The `commit confirmed` timer fired: roll back, as a recorded commit.
    pub(super) async fn confirm_expired(&mut self) {
        let Some(p) = self.confirm.take() else {
            return;
        };
        let who = Who {
            user: "root".into(),
            class: jet_config::LoginClass::SuperUser,
            client: "other".into(),
        };
        let res = self
            .commit(
                p.rollback_to,
                &who,
                &CommitOptions::default(),
                Some(CONFIRM_ROLLBACK_COMMENT.into()),
            )
            .await;
        match res {
            Ok(_) => {
                // Sessions editing the shared candidate see the rolled-back configuration.
                if self.lock.is_none() {
                    self.candidate = None;
                }
                tracing::warn!("commit confirmed was not confirmed; configuration rolled back");
            }
            Err(e) => tracing::error!(error = %e, "automatic rollback of commit confirmed failed"),
        }
    }

    /// Rollback `n` (0 = committed) from the store.
    pub(super) async fn rollback_config(&mut self, n: usize) -> Result<Config, DeviceError> {
        if n == 0 {
            return Ok(Config::clone(&self.current().config));
        }
        let Some(store) = self.store.take() else {
            return Err(DeviceError::ShuttingDown);
        };
        let (store, res) = tokio::task::spawn_blocking(move || {
            let res = store.rollback(n);
            (store, res)
        })
        .await
        .map_err(|_| DeviceError::ShuttingDown)?;
        self.store = Some(store);
        res.map_err(DeviceError::from)
    }

    /// `EphemeralConfigSet` / `EditEphemeralConfig`: applies `ops` to one instance as a
    /// unit, then (unless `load_only`) commits the instance.
    pub(super) async fn ephemeral_set(
        &mut self,
        instance: &str,
        ops: Vec<EphemeralOp>,
        validate: bool,
        load_only: bool,
    ) -> Result<(), DeviceError> {
        let current = self.current();
        let configured = ephemeral::configured_instances(&current.config);
        let key = ephemeral::instance_key(instance, &configured)?;
        let base = match self.eph_loaded.get(&key) {
            Some(c) => c.clone(),
            None => current.ephemeral.get(&key).cloned().unwrap_or_default(),
        };
        let mut cfg = base;
        for op in &ops {
            cfg = apply_ephemeral_op(cfg, op)?;
        }
        if load_only {
            self.eph_loaded.insert(key, cfg);
            return Ok(());
        }
        let mut instances: Instances = (*current.ephemeral).clone();
        instances.insert(key.clone(), cfg.clone());
        let effective = Arc::new(ephemeral::overlay(&current.config, &instances, &configured));
        if validate {
            effective.validate()?;
        }
        let subs = self.subsystems.snapshot();
        let txn = self.next_txn(current.effective.clone(), effective.clone(), false);
        prepare_all(&subs, &txn)
            .await
            .map_err(DeviceError::commit_check)?;
        let files = self.eph_files.clone();
        let (name, body) = (key.clone(), cfg);
        let written = tokio::task::spawn_blocking(move || files.write(&name, &body))
            .await
            .map_err(|_| DeviceError::ShuttingDown)
            .and_then(|r| r);
        if let Err(e) = written {
            abort_all(&subs, &txn).await;
            return Err(e);
        }
        apply_all(&subs, &txn).await;
        self.eph_loaded.remove(&key);
        self.committed.send_replace(Arc::new(Committed {
            config: current.config.clone(),
            meta: current.meta.clone(),
            effective,
            ephemeral: Arc::new(instances),
        }));
        Ok(())
    }
}

/// One ephemeral operation on an instance's configuration.
fn apply_ephemeral_op(cfg: Config, op: &EphemeralOp) -> Result<Config, DeviceError> {
    let words = ephemeral::path_words(&op.path)?;
    match op.kind {
        EphemeralOpKind::Update | EphemeralOpKind::Replace => {
            if !words.is_empty() {
                return Err(DeviceError::ephemeral_path_not_root(op.path.clone()));
            }
            let Some(p) = &op.payload else {
                return Err(DeviceError::MissingEphemeralPayload);
            };
            let base = if op.kind == EphemeralOpKind::Replace {
                Config::default()
            } else {
                cfg
            };
            payload::load(&base, p, jet_config::LoadMode::Merge)
        }
        EphemeralOpKind::Delete => {
            if words.is_empty() {
                return Ok(Config::default());
            }
            let mut c = cfg;
            let line = format!(
                "delete {}",
                words
                    .iter()
                    .map(|w| jet_config::value::quote(w))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            c.apply_set(&line)?;
            Ok(c)
        }
    }
}
