//! Live commands: operational commands that a connected app registers and answers
//! itself, over a stream it keeps open (jsd's `openjet.appcommands.v1.AppCommands`),
//! without an action script. They live exactly as long as the app's end of the
//! registration ([`LiveLease`]).
//!
//! ```text
//!  jsd svc/app_commands.rs ─► op::app_commands::register_live (form: spec.rs; not a
//!     command of the device or of a package) ─► LiveCommandsHandle::register ─► LIVE_QUEUE
//!     ─► live-commands task: the only writer; checks the device-wide limit and the other
//!        live registrations, publishes watch<Arc<Vec<AppCommand>>>, and drops a
//!        registration's commands as soon as its LiveLease (the app's end) is dropped
//!  op layer runs one ─► invoke(): a permit (MAX_OUTSTANDING per registration)
//!     ─► Invocation over the registration's channel ─► the app's stream
//!     ─► the app's reply within the registration's timeout, rendered like a script's
//! ```
//!
//! Readers filter out the commands whose channel is closed, so a command is gone the
//! moment its app is, even before the task has published the new set.

mod error;
pub mod spec;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch, Semaphore};
use tokio::task::JoinSet;
use tokio_util::task::AbortOnDropHandle;

pub use self::error::LiveCommandError;
pub use self::spec::{LiveRegistration, LiveSpec};
use crate::error::DeviceError;
use crate::output::Format;
pub use crate::vocab::apps::{AppCommand, CommandOption, Invocation, InvocationReply, LiveCommand};

/// Invocations of one registration waiting for the app's answer; one more is refused.
pub const MAX_OUTSTANDING: usize = 16;
/// Most live commands on the device.
pub const MAX_LIVE_COMMANDS: usize = 1024;
/// Largest reply (output or error message), in bytes.
pub const MAX_REPLY: usize = 1 << 20;
/// The `version` live commands list under (they have no package version).
pub const LIVE_VERSION: &str = "live";

const LIVE_QUEUE: usize = 64;

/// The app's end of a registration: the invocations of its commands arrive here.
/// Dropping it removes the commands.
#[derive(Debug)]
pub struct LiveLease {
    /// Invocations to answer (each carries its reply channel).
    pub invocations: mpsc::Receiver<Invocation>,
    /// The commands' words, as registered.
    pub commands: Vec<String>,
    /// The reply timeout in effect.
    pub timeout: Duration,
}

struct Register {
    client: String,
    commands: Vec<spec::Checked>,
    timeout: Duration,
    reply: oneshot::Sender<Result<LiveLease, LiveCommandError>>,
}

/// The live commands (cheap to clone).
#[derive(Clone)]
pub struct LiveCommandsHandle {
    tx: mpsc::Sender<Register>,
    set: watch::Receiver<Arc<Vec<AppCommand>>>,
    _task: Arc<AbortOnDropHandle<()>>,
}

impl LiveCommandsHandle {
    /// Starts the task. Must be called inside a tokio runtime.
    pub(crate) fn start() -> LiveCommandsHandle {
        let (tx, rx) = mpsc::channel(LIVE_QUEUE);
        let (publish, set) = watch::channel(Arc::new(Vec::new()));
        let task = AbortOnDropHandle::new(tokio::spawn(run(rx, publish)));
        LiveCommandsHandle {
            tx,
            set,
            _task: Arc::new(task),
        }
    }

    /// The live commands whose app is still there, in CLI order.
    pub fn current(&self) -> Vec<AppCommand> {
        self.set
            .borrow()
            .iter()
            .filter(|c| c.live.as_ref().is_some_and(|l| !l.invocations.is_closed()))
            .cloned()
            .collect()
    }

    /// Registers checked commands; conflicts with the device's own commands and with the
    /// packages' are the caller's to check (`op::app_commands::register_live`).
    pub(crate) async fn register(
        &self,
        client: String,
        commands: Vec<spec::Checked>,
        timeout: Duration,
    ) -> Result<LiveLease, LiveCommandError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Register {
                client,
                commands,
                timeout,
                reply,
            })
            .await
            .map_err(|_| LiveCommandError::ShuttingDown)?;
        rx.await.map_err(|_| LiveCommandError::ShuttingDown)?
    }
}

/// The task: the only writer of the set.
async fn run(mut rx: mpsc::Receiver<Register>, publish: watch::Sender<Arc<Vec<AppCommand>>>) {
    let mut regs: BTreeMap<u64, Vec<AppCommand>> = BTreeMap::new();
    // One waiter per registration: it ends (with the id) when the app's lease is dropped.
    let mut ends: JoinSet<u64> = JoinSet::new();
    let mut next_id = 1u64;
    let publish_all = |regs: &BTreeMap<u64, Vec<AppCommand>>| {
        let mut all: Vec<AppCommand> = regs.values().flatten().cloned().collect();
        all.sort_by(|a, b| a.words.cmp(&b.words));
        publish.send_replace(Arc::new(all));
    };
    loop {
        tokio::select! {
            req = rx.recv() => {
                let Some(req) = req else { break };
                let id = next_id;
                next_id += 1;
                match admit(&regs, id, req.client, req.commands, req.timeout) {
                    Ok((cmds, lease, sender)) => {
                        if req.reply.send(Ok(lease)).is_ok() {
                            regs.insert(id, cmds);
                            ends.spawn(async move {
                                sender.closed().await;
                                id
                            });
                            publish_all(&regs);
                        }
                    }
                    Err(e) => {
                        let _ = req.reply.send(Err(e));
                    }
                }
            }
            Some(Ok(id)) = ends.join_next() => {
                regs.remove(&id);
                publish_all(&regs);
            }
        }
    }
}

/// Checks a registration against the others and builds its commands and lease.
fn admit(
    regs: &BTreeMap<u64, Vec<AppCommand>>,
    id: u64,
    client: String,
    commands: Vec<spec::Checked>,
    timeout: Duration,
) -> Result<(Vec<AppCommand>, LiveLease, mpsc::Sender<Invocation>), LiveCommandError> {
    let held: usize = regs.values().map(Vec::len).sum();
    if held + commands.len() > MAX_LIVE_COMMANDS {
        return Err(LiveCommandError::Full {
            held,
            asked: commands.len(),
            max: MAX_LIVE_COMMANDS,
        });
    }
    for (index, c) in commands.iter().enumerate() {
        let other = regs.values().flatten().find(|o| {
            o.words == c.words && o.live.as_ref().is_some_and(|l| !l.invocations.is_closed())
        });
        if let Some(o) = other {
            return Err(LiveCommandError::Conflict {
                index,
                command: c.words.join(" "),
                owner: format!("registered by the live app {}", o.app),
            });
        }
    }
    let (tx, rx) = mpsc::channel(MAX_OUTSTANDING);
    let outstanding = Arc::new(Semaphore::new(MAX_OUTSTANDING));
    let cmds: Vec<AppCommand> = commands
        .into_iter()
        .map(|c| AppCommand {
            words: c.words,
            help: c.help,
            app: client.clone(),
            version: LIVE_VERSION.into(),
            script: PathBuf::new(),
            interpreter: None,
            dir: PathBuf::new(),
            yang: None,
            live: Some(LiveCommand {
                registration: id,
                options: c.options,
                invocations: tx.clone(),
                outstanding: outstanding.clone(),
                timeout,
            }),
        })
        .collect();
    let lease = LiveLease {
        invocations: rx,
        commands: cmds.iter().map(AppCommand::line).collect(),
        timeout,
    };
    Ok((cmds, lease, tx))
}

/// Runs a live command: sends the invocation to its app and waits (at most the
/// registration's timeout) for the answer, rendered in `format` as a script's output is.
pub(crate) async fn invoke(
    cmd: &AppCommand,
    arguments: Vec<(String, Option<String>)>,
    format: Format,
) -> Result<String, DeviceError> {
    let refuse = |why: String| DeviceError::AppRefused {
        reason: format!("command '{}' of live app {}: {why}", cmd.line(), cmd.app),
    };
    let Some(live) = &cmd.live else {
        return Err(refuse("not a live command".into()));
    };
    let Ok(_permit) = live.outstanding.clone().try_acquire_owned() else {
        return Err(refuse(format!(
            "{MAX_OUTSTANDING} invocations are waiting for its answer already"
        )));
    };
    let (reply, answer) = oneshot::channel();
    let invocation = Invocation {
        command: cmd.line(),
        arguments,
        format,
        reply,
    };
    let work = async {
        live.invocations
            .send(invocation)
            .await
            .map_err(|_| "the app has disconnected".to_owned())?;
        answer
            .await
            .map_err(|_| "the app disconnected before answering".to_owned())
    };
    let answer = match tokio::time::timeout(live.timeout, work).await {
        Err(_) => {
            return Err(refuse(format!(
                "no answer within {} s",
                live.timeout.as_secs()
            )))
        }
        Ok(Err(why)) => return Err(refuse(why)),
        Ok(Ok(a)) => a,
    };
    match answer {
        InvocationReply::Output(out) if out.len() > MAX_REPLY => Err(refuse(format!(
            "its reply of {} bytes is over the limit of {MAX_REPLY} bytes",
            out.len()
        ))),
        InvocationReply::Output(out) => crate::output::render_app_output(&out, format)
            .map_err(|e| refuse(format!("the app answered malformed XML: {e}"))),
        InvocationReply::Error(e) if e.len() > MAX_REPLY => Err(refuse(format!(
            "its error message of {} bytes is over the limit of {MAX_REPLY} bytes",
            e.len()
        ))),
        InvocationReply::Error(e) => Err(refuse(format!("failed: {e}"))),
    }
}

#[cfg(test)]
mod tests;
