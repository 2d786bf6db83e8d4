//! mgd's request API ([`MgdHandle`]), which the device's configuration methods call:
//! thin wrappers that check the login class, send a request to the mgd task and wait
//! for its reply. Reads of the committed configuration and of the history come from
//! watch channels and never wait for a commit.

use std::sync::Arc;

use jet_config::{Config, LoginClass};
use tokio::sync::{oneshot, watch};

use super::authz::authorize_config;
use super::ephemeral::{self, DEFAULT_INSTANCE};
use super::history::History;
use super::subsystem::{CheckSubsystem, CommitCheck, Subsystem};
use super::{
    compare, CfgMode, CfgReply, CfgSessionInfo, Committed, LoadRequest, MgdHandle, MgdRequest,
    Payload, Who,
};
use crate::error::DeviceError;
use crate::output::Format;
use crate::sessions::SessionId;

/// Kind of an ephemeral operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EphemeralOpKind {
    /// Merge the payload into the instance.
    Update,
    /// Replace the instance's contents with the payload.
    Replace,
    /// Delete the statement at the path (the whole instance for `/`).
    Delete,
}

/// One operation on an ephemeral instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EphemeralOp {
    /// What to do.
    pub kind: EphemeralOpKind,
    /// Where (`/` for the root).
    pub path: String,
    /// The configuration (not for delete).
    pub payload: Option<Payload>,
}

impl MgdHandle {
    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> MgdRequest,
    ) -> Result<T, DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| DeviceError::ShuttingDown)?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)
    }

    /// The configuration in force now.
    pub(crate) fn committed(&self) -> Arc<Committed> {
        self.committed.borrow().clone()
    }

    /// A receiver that sees every new committed configuration (subsystems react to it;
    /// they read `effective`, which includes the ephemeral instances).
    pub(crate) fn watch_config(&self) -> watch::Receiver<Arc<Committed>> {
        self.committed.clone()
    }

    /// The commit history (`show system commit`).
    pub(crate) fn commit_history(&self) -> Arc<History> {
        self.history.borrow().clone()
    }

    /// Registers a check run on every new configuration before it is committed.
    pub(crate) fn add_commit_check(&self, check: CommitCheck) {
        self.add_subsystem(Arc::new(CheckSubsystem::new("commit check", check)));
    }

    /// Registers a subsystem in the commit pipeline (prepare / apply / abort).
    pub(crate) fn add_subsystem(&self, subsystem: Arc<dyn Subsystem>) {
        self.subsystems.add(subsystem);
    }

    /// Loads a payload onto the committed configuration and commits it, all or nothing
    /// (`ConfigSet`). Only `super-user` may.
    pub(crate) async fn load_and_commit(&self, req: LoadRequest) -> Result<(), DeviceError> {
        authorize_config(&req.who)?;
        self.ask(|reply| MgdRequest::Load { req, reply }).await?
    }

    /// Enters configuration mode. `owner` is the connection the session is bound to: it
    /// ends when the connection does. Returns the session token and what to print.
    pub(crate) async fn config_open(
        &self,
        owner: Option<SessionId>,
        who: Who,
        mode: CfgMode,
    ) -> Result<(String, String), DeviceError> {
        authorize_config(&who)?;
        self.ask(|reply| MgdRequest::Open {
            owner,
            who,
            mode,
            reply,
        })
        .await?
    }

    /// Runs one configuration-mode command of the session `token` on connection `owner`.
    /// `payload` is the text of `load ... terminal|FILE`.
    pub(crate) async fn config_command(
        &self,
        owner: Option<SessionId>,
        token: &str,
        line: &str,
        payload: Option<String>,
    ) -> Result<CfgReply, DeviceError> {
        self.ask(|reply| MgdRequest::Command {
            owner,
            token: token.to_owned(),
            line: line.to_owned(),
            payload,
            reply,
        })
        .await?
    }

    /// Leaves configuration mode without committing.
    pub(crate) async fn config_close(
        &self,
        owner: Option<SessionId>,
        token: &str,
    ) -> Result<(), DeviceError> {
        self.ask(|reply| MgdRequest::Close {
            owner,
            token: token.to_owned(),
            reply,
        })
        .await?
    }

    /// The configuration sessions now.
    pub(crate) async fn config_sessions(&self) -> Result<Vec<CfgSessionInfo>, DeviceError> {
        self.ask(|reply| MgdRequest::Sessions { reply }).await
    }

    /// Reads an ephemeral instance (or, with `merged`, the effective configuration) at
    /// `path`, rendered as `{"configuration": ...}` JSON or `<configuration>` XML.
    pub(crate) fn ephemeral_get(
        &self,
        instance: &str,
        path: &str,
        merged: bool,
        format: Format,
    ) -> Result<String, DeviceError> {
        let c = self.committed();
        let key = ephemeral::instance_key(instance, &ephemeral::configured_instances(&c.config))?;
        let words = ephemeral::path_words(path)?;
        let source: &Config = if merged {
            &c.effective
        } else {
            match c.ephemeral.get(&key) {
                Some(cfg) => cfg,
                None => &Config::default(),
            }
        };
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let sub = if w.is_empty() {
            source.clone()
        } else {
            source.subtree(&w).unwrap_or_default()
        };
        Ok(match format {
            Format::Xml => sub.to_xml_document(),
            _ => {
                let v = serde_json::json!({ "configuration": sub.to_json_value() });
                serde_json::to_string_pretty(&v).unwrap_or_default()
            }
        })
    }

    /// Applies `ops` to an ephemeral instance as one unit and (unless `load_only`)
    /// commits it. `validate` runs the full commit validation on the effective result.
    pub(crate) async fn ephemeral_set(
        &self,
        who: &Who,
        instance: &str,
        ops: Vec<EphemeralOp>,
        validate: bool,
        load_only: bool,
    ) -> Result<(), DeviceError> {
        authorize_config(who)?;
        let instance = if instance.is_empty() {
            DEFAULT_INSTANCE.to_owned()
        } else {
            instance.to_owned()
        };
        self.ask(|reply| MgdRequest::EphemeralSet {
            instance,
            ops,
            validate,
            load_only,
            reply,
        })
        .await?
    }

    /// Rollback `n` as text, or the difference from rollback `m` to rollback `n` (`show
    /// system rollback N [compare M]`). Reads the files directly (no wait for mgd).
    pub(crate) fn rollback_text(
        &self,
        n: usize,
        against: Option<usize>,
    ) -> Result<String, DeviceError> {
        let read = |k: usize| -> Result<Config, DeviceError> {
            if k > jet_config::MAX_ROLLBACK {
                return Err(jet_config::StoreError::RollbackOutOfRange(k).into());
            }
            if k == 0 {
                return Ok(Config::clone(&self.committed().config));
            }
            let p = self.config_dir.join(format!("juniper.conf.{k}"));
            match std::fs::read_to_string(&p) {
                Ok(t) => Ok(Config::parse_text(&t)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(jet_config::StoreError::NoSuchRollback(k).into())
                }
                Err(e) => Err(DeviceError::io(format!("reading {}", p.display()), e)),
            }
        };
        let cfg = read(n)?;
        match against {
            None => Ok(cfg.to_text()),
            Some(m) => Ok(compare::compare(&read(m)?, &cfg)),
        }
    }
}

impl Who {
    /// A user of `class` on `client`.
    pub fn new(user: impl Into<String>, class: LoginClass, client: impl Into<String>) -> Who {
        Who {
            user: user.into(),
            class,
            client: client.into(),
        }
    }
}
