//! Live commands (`openjet.appcommands.v1.AppCommands`): an app adds operational commands
//! to the device's CLI and answers them with a handler while it stays connected. The
//! commands disappear when the [`LiveCommands`] handle is dropped (or the connection
//! goes).
//!
//! ```no_run
//! # async fn demo(jet: jet_sdk::JetClient) -> Result<(), jet_sdk::Error> {
//! use jet_sdk::app_commands::{CommandSpec, Reply};
//! let served = jet
//!     .serve_commands(
//!         vec![CommandSpec::new("show acme peers", "Show the peers of acme")
//!             .argument("peer", "One peer", false)
//!             .flag("detail", "More detail")],
//!         |inv| async move {
//!             let who = inv.argument("peer").unwrap_or("all").to_owned();
//!             Reply::Output(format!("peers: {who}\n"))
//!         },
//!     )
//!     .await?;
//! println!("serving {:?}", served.commands());
//! served.closed().await?; // until the stream ends
//! # Ok(()) }
//! ```
//!
//! Each invocation runs the handler in a task of its own, so a slow answer does not hold
//! up the others; the device bounds how many wait (16) and how long (the registration's
//! `reply_timeout_seconds`, 30 s unless set).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::proto::openjet::appcommands::v1 as pb;
use crate::{Error, JetClient, OutputFormat};
use pb::app_commands_client::AppCommandsClient;

/// A command to add.
#[derive(Debug, Clone, Default)]
pub struct CommandSpec {
    spec: pb::CommandSpec,
}

impl CommandSpec {
    /// The command `cli` (`show acme peers`) with its `?` help.
    pub fn new(cli: &str, help: &str) -> Self {
        CommandSpec {
            spec: pb::CommandSpec {
                cli: cli.into(),
                help: help.into(),
                arguments: Vec::new(),
            },
        }
    }

    /// An option typed as `NAME VALUE`; `mandatory` ones must be given.
    pub fn argument(mut self, name: &str, help: &str, mandatory: bool) -> Self {
        self.spec.arguments.push(pb::ArgumentSpec {
            name: name.into(),
            help: help.into(),
            mandatory,
            flag: false,
        });
        self
    }

    /// A flag: an option typed as `NAME` alone.
    pub fn flag(mut self, name: &str, help: &str) -> Self {
        self.spec.arguments.push(pb::ArgumentSpec {
            name: name.into(),
            help: help.into(),
            mandatory: false,
            flag: true,
        });
        self
    }
}

/// One run of a command.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The command's words as registered.
    pub command: String,
    /// The options given: name and value (empty for a flag), in the order typed.
    pub arguments: Vec<(String, String)>,
    /// The format asked for: answer text for `Text`, XML for `Xml` and `Json`.
    pub format: OutputFormat,
}

impl Invocation {
    /// The value of option `name`, if given (`Some("")` for a flag).
    pub fn argument(&self, name: &str) -> Option<&str> {
        self.arguments
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The answer to an invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The output (text, or XML for the XML and JSON formats).
    Output(String),
    /// The command fails with this message.
    Error(String),
}

/// Registered commands being served. Dropping it ends the stream, and the device
/// removes the commands.
#[derive(Debug)]
pub struct LiveCommands {
    commands: Vec<String>,
    reply_timeout: Duration,
    task: tokio::task::JoinHandle<Result<(), Error>>,
}

impl LiveCommands {
    /// The commands as the device registered them.
    pub fn commands(&self) -> &[String] {
        &self.commands
    }

    /// The device's reply timeout for them.
    pub fn reply_timeout(&self) -> Duration {
        self.reply_timeout
    }

    /// Waits until the stream ends: `Ok` when the device closed it, `Err` with its status.
    pub async fn closed(mut self) -> Result<(), Error> {
        match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => Err(Error::Failed(format!("the serving task ended: {e}"))),
        }
    }
}

impl Drop for LiveCommands {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What to register: commands and the reply timeout (`None`: the device's 30 s).
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// The commands.
    pub commands: Vec<CommandSpec>,
    /// How long the device waits for each answer (1 to 60 s).
    pub reply_timeout: Option<Duration>,
}

fn format_of(f: i32) -> OutputFormat {
    match pb::OutputFormat::try_from(f) {
        Ok(pb::OutputFormat::Xml) => OutputFormat::Xml,
        Ok(pb::OutputFormat::Json) => OutputFormat::Json,
        _ => OutputFormat::Text,
    }
}

/// Registers `reg` on `jet`'s session and answers every invocation with `handler`.
pub async fn serve<F, Fut>(
    jet: &JetClient,
    reg: Registration,
    handler: F,
) -> Result<LiveCommands, Error>
where
    F: Fn(Invocation) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    // Replies wait here for the connection; the device has at most 16 outstanding.
    let (tx, rx) = mpsc::channel::<pb::AppMessage>(32);
    let register = pb::AppMessage {
        kind: Some(pb::app_message::Kind::Register(pb::RegisterRequest {
            commands: reg.commands.into_iter().map(|c| c.spec).collect(),
            reply_timeout_seconds: reg
                .reply_timeout
                .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
                .unwrap_or(0),
        })),
    };
    tx.send(register)
        .await
        .map_err(|_| Error::Failed("the request stream closed".into()))?;
    let outbound =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|m| (m, rx)) });
    let mut inbound = AppCommandsClient::new(jet.channel())
        .serve(outbound)
        .await?
        .into_inner();
    let registered = match inbound.message().await? {
        Some(pb::DeviceMessage {
            kind: Some(pb::device_message::Kind::Registered(r)),
        }) => r,
        _ => {
            return Err(Error::Failed(
                "the device did not answer the registration".into(),
            ))
        }
    };
    let handler = Arc::new(handler);
    let task = tokio::spawn(async move {
        // The handlers' tasks end with this one (a JoinSet aborts them when dropped).
        let mut running = JoinSet::new();
        loop {
            tokio::select! {
                msg = inbound.message() => match msg? {
                    None => return Ok(()),
                    Some(pb::DeviceMessage { kind: Some(pb::device_message::Kind::Invocation(i)) }) => {
                        let inv = Invocation {
                            command: i.command,
                            arguments: i.arguments.into_iter().map(|a| (a.name, a.value)).collect(),
                            format: format_of(i.format),
                        };
                        let (h, tx, id) = (handler.clone(), tx.clone(), i.id);
                        running.spawn(async move {
                            let (output, error) = match h(inv).await {
                                Reply::Output(o) => (o, String::new()),
                                Reply::Error(e) => (String::new(), e),
                            };
                            let reply = pb::InvocationReply { id, output, error };
                            let _ = tx
                                .send(pb::AppMessage { kind: Some(pb::app_message::Kind::Reply(reply)) })
                                .await;
                        });
                    }
                    Some(_) => {}
                },
                Some(_) = running.join_next() => {}
            }
        }
    });
    Ok(LiveCommands {
        commands: registered.commands,
        reply_timeout: Duration::from_secs(u64::from(registered.reply_timeout_seconds)),
        task,
    })
}

impl JetClient {
    /// Adds `commands` to the device's CLI and answers them with `handler` (device's
    /// default reply timeout); see [`crate::app_commands`].
    pub async fn serve_commands<F, Fut>(
        &self,
        commands: Vec<CommandSpec>,
        handler: F,
    ) -> Result<LiveCommands, Error>
    where
        F: Fn(Invocation) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        serve(
            self,
            Registration {
                commands,
                reply_timeout: None,
            },
            handler,
        )
        .await
    }
}
