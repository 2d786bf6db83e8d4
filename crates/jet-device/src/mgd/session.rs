//! Configuration sessions (`configure`, `configure private`, `configure exclusive`) and
//! the interpretation of their commands, inside the mgd task. Any client (jcli over the
//! `openjet.config.v1.ConfigSession` service, tests) gets the same behaviour.
//!
//! - **shared**: every shared session edits the one shared candidate; its uncommitted
//!   changes stay when the session ends.
//! - **private**: a private candidate; at commit its changes are replayed onto the
//!   configuration committed by then. Refused while the shared candidate has uncommitted
//!   changes; its own uncommitted changes are discarded when it ends.
//! - **exclusive**: the shared candidate, locked: nobody else may commit or edit it.
//!   The lock ends with the session (also when its connection dies), and the session's
//!   uncommitted changes are discarded.

use jet_config::{Config, LoadMode};
use rand::distributions::Alphanumeric;
use rand::Rng as _;

use super::command::{self, CfgCommand, CommitOptions};
use super::compare;
use super::payload::{self, Payload};
use super::pipeline::Outcome;
use super::{CfgSessionId, Mgd, Who};
use crate::error::DeviceError;
use crate::sessions::SessionId;

/// Which candidate a configuration session edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CfgMode {
    /// `configure`.
    Shared,
    /// `configure private`.
    Private,
    /// `configure exclusive`.
    Exclusive,
}

impl CfgMode {
    /// The word after `configure` (empty for shared).
    pub fn as_str(self) -> &'static str {
        match self {
            CfgMode::Shared => "",
            CfgMode::Private => "private",
            CfgMode::Exclusive => "exclusive",
        }
    }
}

/// What a configuration-mode command produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CfgReply {
    /// Text to print.
    pub output: String,
    /// The edit level after the command, as words (`["system", "login"]`).
    pub edit_path: Vec<String>,
    /// The session has ended.
    pub exited: bool,
    /// `exit` refused because of uncommitted changes; `exit configuration-mode` forces.
    pub confirm_exit: bool,
    /// An operational command for the device to run (`run ...`), filled in by the API.
    pub(crate) run: Option<String>,
}

/// One configuration session, for `status` and `show system users`-like listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfgSessionInfo {
    /// User.
    pub user: String,
    /// Client interface.
    pub client: String,
    /// Mode.
    pub mode: CfgMode,
    /// Current edit level.
    pub edit_path: Vec<String>,
}

/// One step of a private session, replayed at commit onto a newer committed config.
#[derive(Debug, Clone)]
enum Op {
    Change(String),
    Load(Payload, LoadMode),
    Replace(Config),
}

#[derive(Debug, Clone)]
struct PrivateDb {
    base_generation: u64,
    candidate: Config,
    ops: Vec<Op>,
}

#[derive(Debug)]
pub(crate) struct CfgSession {
    token: String,
    pub(crate) owner: Option<SessionId>,
    pub(crate) who: Who,
    mode: CfgMode,
    edit: Vec<String>,
    private: Option<PrivateDb>,
}

/// `edit W1 W2 ...\n` so that a line applies at the session's level.
fn at_level(edit: &[String], line: &str) -> String {
    if edit.is_empty() {
        return line.to_owned();
    }
    let words: Vec<String> = edit.iter().map(|w| jet_config::value::quote(w)).collect();
    format!("edit {}\n{line}", words.join(" "))
}

fn replay(base: &Config, ops: &[Op]) -> Result<Config, DeviceError> {
    let mut c = base.clone();
    for op in ops {
        c = match op {
            Op::Change(text) => {
                c.apply_set(text)?;
                c
            }
            Op::Load(p, mode) => payload::load(&c, p, *mode)?,
            Op::Replace(cfg) => cfg.clone(),
        };
    }
    Ok(c)
}

impl Mgd {
    fn shared_dirty(&self) -> bool {
        let current = self.current();
        self.candidate
            .as_ref()
            .is_some_and(|c| *c != *current.config)
    }

    fn editors(&self) -> String {
        let mut s = String::from("Users currently editing the configuration:\n");
        for info in self.session_list() {
            let mode = match info.mode {
                CfgMode::Shared => String::new(),
                m => format!(" ({})", m.as_str()),
            };
            s.push_str(&format!(
                "  {} via {}{mode}\n      [edit{}]\n",
                info.user,
                info.client,
                info.edit_path
                    .iter()
                    .map(|w| format!(" {w}"))
                    .collect::<String>()
            ));
        }
        s
    }

    pub(super) fn session_list(&self) -> Vec<CfgSessionInfo> {
        self.sessions
            .values()
            .map(|s| CfgSessionInfo {
                user: s.who.user.clone(),
                client: s.who.client.clone(),
                mode: s.mode,
                edit_path: s.edit.clone(),
            })
            .collect()
    }

    /// Enters configuration mode; returns the session token and what Junos prints.
    pub(super) fn open(
        &mut self,
        owner: Option<SessionId>,
        who: Who,
        mode: CfgMode,
    ) -> Result<(String, String), DeviceError> {
        let mut output = String::new();
        match mode {
            CfgMode::Shared => {}
            CfgMode::Private | CfgMode::Exclusive => {
                self.check_lock(None)?;
                if self.shared_dirty() {
                    return Err(DeviceError::SharedDatabaseModified {
                        editors: self.editors(),
                    });
                }
                output.push_str("warning: uncommitted changes will be discarded on exit\n");
            }
        }
        if mode == CfgMode::Exclusive && self.sessions.values().any(|s| s.mode == CfgMode::Private)
        {
            return Err(DeviceError::PrivateEditInProgress {
                editors: self.editors(),
            });
        }
        if mode == CfgMode::Shared && (self.lock.is_some() || !self.sessions.is_empty()) {
            output.push_str(&self.editors());
        }
        output.push_str("Entering configuration mode\n");
        if mode == CfgMode::Shared && self.shared_dirty() {
            output.push_str("The configuration has been changed but not committed\n");
        }
        let id = self.next_session;
        self.next_session += 1;
        let token: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(32)
            .map(char::from)
            .collect();
        let private = (mode == CfgMode::Private).then(|| PrivateDb {
            base_generation: self.generation,
            candidate: Config::clone(&self.current().config),
            ops: Vec::new(),
        });
        if mode == CfgMode::Exclusive {
            self.lock = Some(id);
        }
        self.sessions.insert(
            id,
            CfgSession {
                token: token.clone(),
                owner,
                who,
                mode,
                edit: Vec::new(),
                private,
            },
        );
        Ok((token, output))
    }

    /// The session with `token`, if it belongs to the connection `owner`.
    pub(super) fn find(
        &self,
        owner: Option<SessionId>,
        token: &str,
    ) -> Result<CfgSessionId, DeviceError> {
        self.sessions
            .iter()
            .find(|(_, s)| s.token == token && s.owner == owner)
            .map(|(id, _)| *id)
            .ok_or(DeviceError::UnknownConfigSession)
    }

    /// Ends a session: releases its lock and discards what it must discard.
    pub(super) fn end_session(&mut self, id: CfgSessionId) {
        let Some(s) = self.sessions.remove(&id) else {
            return;
        };
        if self.lock == Some(id) {
            self.lock = None;
            // Leaving `configure exclusive` discards its uncommitted changes, as Junos.
            self.candidate = None;
        }
        tracing::debug!(user = %s.who.user, mode = ?s.mode, "configuration session ended");
    }

    fn candidate_of(&self, id: CfgSessionId) -> Config {
        match self.sessions.get(&id).and_then(|s| s.private.as_ref()) {
            Some(p) => p.candidate.clone(),
            None => self
                .candidate
                .clone()
                .unwrap_or_else(|| Config::clone(&self.current().config)),
        }
    }

    fn session_dirty(&self, id: CfgSessionId) -> bool {
        match self.sessions.get(&id).and_then(|s| s.private.as_ref()) {
            Some(p) => p.candidate != *self.current().config,
            None => self.shared_dirty(),
        }
    }

    /// Changes the session's candidate to `cfg`, recording `op` for a private replay.
    fn store_candidate(
        &mut self,
        id: CfgSessionId,
        cfg: Config,
        op: Op,
    ) -> Result<(), DeviceError> {
        let private = self.sessions.get(&id).is_some_and(|s| s.private.is_some());
        if !private {
            self.check_lock(Some(id))?;
            self.candidate = Some(cfg);
            return Ok(());
        }
        if let Some(p) = self.sessions.get_mut(&id).and_then(|s| s.private.as_mut()) {
            p.candidate = cfg;
            p.ops.push(op);
        }
        Ok(())
    }

    /// Runs one configuration-mode command line.
    pub(super) async fn command(
        &mut self,
        owner: Option<SessionId>,
        token: &str,
        line: &str,
        payload: Option<String>,
    ) -> Result<CfgReply, DeviceError> {
        let id = self.find(owner, token)?;
        let cmd = command::parse(line)?;
        let edit = self
            .sessions
            .get(&id)
            .map(|s| s.edit.clone())
            .unwrap_or_default();
        let mut reply = CfgReply::default();
        match cmd {
            CfgCommand::Change(text) => {
                let mut cfg = self.candidate_of(id);
                let full = at_level(&edit, &text);
                cfg.apply_set(&full)?;
                self.store_candidate(id, cfg, Op::Change(full))?;
            }
            CfgCommand::Edit(rest) => {
                let full = at_level(&edit, &format!("edit {rest}"));
                Config::default().apply_set(&full)?;
                let added = command::words(&rest)?;
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.edit.extend(added);
                }
            }
            CfgCommand::Up(n) => self.set_edit(id, |e| e.truncate(e.len().saturating_sub(n))),
            CfgCommand::Top => self.set_edit(id, Vec::clear),
            CfgCommand::Exit { force } => {
                if !edit.is_empty() && !force {
                    self.set_edit(id, |e| {
                        e.pop();
                    });
                } else if self.session_dirty(id) && !force {
                    reply.output = "The configuration has been changed but not committed\n".into();
                    reply.confirm_exit = true;
                } else {
                    self.end_session(id);
                    reply.output = "Exiting configuration mode\n".into();
                    reply.exited = true;
                }
            }
            CfgCommand::Show {
                path,
                compare: against,
                display_set,
            } => {
                let mut words: Vec<String> = edit.clone();
                words.extend(path);
                let w: Vec<&str> = words.iter().map(String::as_str).collect();
                let cand = self.candidate_of(id);
                reply.output = match against {
                    Some(n) => {
                        let old = self.rollback_config(n).await?;
                        let pick = |c: &Config| {
                            if w.is_empty() {
                                c.clone()
                            } else {
                                c.subtree(&w).unwrap_or_default()
                            }
                        };
                        compare::compare(&pick(&old), &pick(&cand))
                    }
                    None if display_set => cand.subtree(&w).map(|c| c.to_set()).unwrap_or_default(),
                    None => cand.to_text_at(&w).unwrap_or_default(),
                };
            }
            CfgCommand::Commit(opts) => {
                self.session_commit(id, &opts, &mut reply).await?;
            }
            CfgCommand::Rollback(n) => {
                let cfg = self.rollback_config(n).await?;
                self.store_candidate(id, cfg.clone(), Op::Replace(cfg))?;
                reply.output = "load complete\n".into();
            }
            CfgCommand::Load(mode) => {
                let Some(text) = payload else {
                    return Err(DeviceError::syntax(
                        "'load' needs the configuration text with the command".into(),
                    ));
                };
                let p = Payload::Text(text);
                let cfg = payload::load(&self.candidate_of(id), &p, mode)?;
                self.store_candidate(id, cfg, Op::Load(p, mode))?;
                reply.output = "load complete\n".into();
            }
            CfgCommand::Run(op) => reply.run = Some(op),
            CfgCommand::Status => reply.output = self.editors(),
        }
        reply.edit_path = self
            .sessions
            .get(&id)
            .map(|s| s.edit.clone())
            .unwrap_or_default();
        Ok(reply)
    }

    fn set_edit(&mut self, id: CfgSessionId, f: impl FnOnce(&mut Vec<String>)) {
        if let Some(s) = self.sessions.get_mut(&id) {
            f(&mut s.edit);
        }
    }

    async fn session_commit(
        &mut self,
        id: CfgSessionId,
        opts: &CommitOptions,
        reply: &mut CfgReply,
    ) -> Result<(), DeviceError> {
        self.check_lock(Some(id))?;
        let Some(s) = self.sessions.get(&id) else {
            return Ok(());
        };
        let who = s.who.clone();
        let current = self.current();
        let new = match &s.private {
            Some(_) if self.shared_dirty() => return Err(DeviceError::PrivateCommitRefused),
            Some(p) if p.base_generation == self.generation => p.candidate.clone(),
            Some(p) => replay(&current.config, &p.ops)?,
            None => self
                .candidate
                .clone()
                .unwrap_or_else(|| Config::clone(&current.config)),
        };
        match self.commit(new, &who, opts, None).await {
            Err(e) => Err(commit_failed(e)),
            Ok(Outcome::Checked) => {
                reply.output = "configuration check succeeds\n".into();
                Ok(())
            }
            Ok(Outcome::Committed) => {
                let committed = Config::clone(&self.current().config);
                let generation = self.generation;
                match self.sessions.get_mut(&id).and_then(|s| s.private.as_mut()) {
                    Some(p) => {
                        *p = PrivateDb {
                            base_generation: generation,
                            candidate: committed,
                            ops: Vec::new(),
                        }
                    }
                    None => self.candidate = None,
                }
                if let Some(m) = opts.confirmed {
                    reply.output.push_str(&format!(
                        "commit confirmed will be automatically rolled back in {m} minutes \
                         unless confirmed\n"
                    ));
                }
                reply.output.push_str("commit complete\n");
                if opts.and_quit {
                    self.end_session(id);
                    reply.output.push_str("Exiting configuration mode\n");
                    reply.exited = true;
                }
                Ok(())
            }
        }
    }
}

/// A refused commit, with Junos's closing line.
fn commit_failed(e: DeviceError) -> DeviceError {
    match e {
        DeviceError::Config(c) => DeviceError::CommitFailed {
            report: c.to_string(),
        },
        DeviceError::CommitCheck { reason } => DeviceError::CommitFailed {
            report: format!("error: {reason}"),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_apply_at_the_edit_level_with_quoted_words() {
        assert_eq!(at_level(&[], "set a"), "set a");
        assert_eq!(
            at_level(
                &["system".into(), "login".into(), "user".into(), "a b".into()],
                "set class x"
            ),
            "edit system login user \"a b\"\nset class x"
        );
    }
}
