//! `openjet.appcommands.v1.AppCommands`: operational commands a connected app adds and
//! answers itself (the device's live commands, `jet_device::live_commands`).
//!
//! ```text
//!  Serve(stream AppMessage) ─► login class (read-only: PERMISSION_DENIED)
//!     ─► first message: RegisterRequest ─► op::app_commands::register_live ─► LiveLease
//!     ─► Registered ─► pump task (one per stream):
//!          lease.invocations ─► Invocation {id} to the app (pending: id → reply channel)
//!          app's InvocationReply {id} ─► the waiting op command
//!        ends when either side ends; dropping the lease removes the commands at once
//! ```
//!
//! The reply timeout, the bound on outstanding invocations and the reply size are the
//! device's (`live_commands`); this adapter converts messages and keeps the ids.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use jet_config::LoginClass;
use jet_device::live_commands::{
    Invocation, InvocationReply, LiveLease, LiveRegistration, LiveSpec, MAX_OUTSTANDING,
};
use jet_device::op::app_commands::register_live;
use jet_device::Format;
use jet_proto::openjet::appcommands::v1 as pb;
use pb::app_commands_server::AppCommands;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::caller;
use super::status::live_command_refusal;
use crate::Shared;

/// How long the app has to send its registration after opening the stream.
pub(crate) const REGISTER_DEADLINE: Duration = Duration::from_secs(10);
/// Messages to the app not yet taken by its connection: the registration answer, the
/// outstanding invocations, and a final error.
const OUT_QUEUE: usize = MAX_OUTSTANDING + 2;

type OutStream = Pin<Box<dyn Stream<Item = Result<pb::DeviceMessage, Status>> + Send>>;

pub(crate) struct AppCommandsSvc {
    shared: Arc<Shared>,
}

impl AppCommandsSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        AppCommandsSvc { shared }
    }
}

/// The registration message as the device's request; malformed fields name themselves.
fn registration(client: String, r: pb::RegisterRequest) -> LiveRegistration {
    LiveRegistration {
        client,
        commands: r
            .commands
            .into_iter()
            .map(|c| LiveSpec {
                cli: c.cli,
                help: c.help,
                options: c
                    .arguments
                    .into_iter()
                    .map(|a| jet_device::live_commands::CommandOption {
                        name: a.name,
                        help: a.help,
                        mandatory: a.mandatory,
                        flag: a.flag,
                    })
                    .collect(),
            })
            .collect(),
        timeout_secs: r.reply_timeout_seconds,
    }
}

fn wire_format(f: Format) -> pb::OutputFormat {
    match f {
        Format::Text => pb::OutputFormat::Text,
        Format::Xml => pb::OutputFormat::Xml,
        Format::Json => pb::OutputFormat::Json,
    }
}

/// The first message: the registration.
async fn first_message(
    inbound: &mut Streaming<pb::AppMessage>,
) -> Result<pb::RegisterRequest, Status> {
    match tokio::time::timeout(REGISTER_DEADLINE, inbound.message()).await {
        Err(_) => Err(Status::deadline_exceeded(format!(
            "register: no registration within {} s of opening the stream",
            REGISTER_DEADLINE.as_secs()
        ))),
        Ok(Err(s)) => Err(s),
        Ok(Ok(None)) => Err(Status::invalid_argument(
            "register: the stream ended before the registration",
        )),
        Ok(Ok(Some(pb::AppMessage {
            kind: Some(pb::app_message::Kind::Register(r)),
        }))) => Ok(r),
        Ok(Ok(Some(_))) => Err(Status::invalid_argument(
            "register: the first message must be the registration",
        )),
    }
}

#[tonic::async_trait]
impl AppCommands for AppCommandsSvc {
    type ServeStream = OutStream;

    async fn serve(
        &self,
        req: Request<Streaming<pb::AppMessage>>,
    ) -> Result<Response<OutStream>, Status> {
        let c = caller(&req)?;
        if c.login.class == LoginClass::ReadOnly {
            return Err(Status::permission_denied(format!(
                "/openjet.appcommands.v1.AppCommands/Serve: login class {} may not add \
                 commands to the device",
                c.login.class.as_str()
            )));
        }
        let mut inbound = req.into_inner();
        let reg = registration(c.client_key(), first_message(&mut inbound).await?);
        let lease = register_live(&self.shared.device, reg)
            .await
            .map_err(live_command_refusal)?;
        let (out, rx) = mpsc::channel(OUT_QUEUE);
        let registered = pb::DeviceMessage {
            kind: Some(pb::device_message::Kind::Registered(pb::Registered {
                commands: lease.commands.clone(),
                reply_timeout_seconds: u32::try_from(lease.timeout.as_secs()).unwrap_or(u32::MAX),
            })),
        };
        // A fresh channel with room: this cannot fail.
        let _ = out.try_send(Ok(registered));
        tokio::spawn(pump(inbound, lease, out));
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

/// Carries invocations to the app and its replies back until either side ends. The
/// lease is dropped on return, which removes the commands.
async fn pump(
    mut inbound: Streaming<pb::AppMessage>,
    mut lease: LiveLease,
    out: mpsc::Sender<Result<pb::DeviceMessage, Status>>,
) {
    let mut pending: HashMap<u64, oneshot::Sender<InvocationReply>> = HashMap::new();
    let mut last_id = 0u64;
    loop {
        tokio::select! {
            inv = lease.invocations.recv() => {
                let Some(Invocation { command, arguments, format, reply }) = inv else { break };
                last_id += 1;
                // Invocations whose caller gave up (timed out) are forgotten here; a late
                // reply to them is ignored.
                pending.retain(|_, r| !r.is_closed());
                pending.insert(last_id, reply);
                let msg = pb::DeviceMessage {
                    kind: Some(pb::device_message::Kind::Invocation(pb::Invocation {
                        id: last_id,
                        command,
                        arguments: arguments
                            .into_iter()
                            .map(|(name, value)| pb::Argument { name, value: value.unwrap_or_default() })
                            .collect(),
                        format: wire_format(format) as i32,
                    })),
                };
                if out.send(Ok(msg)).await.is_err() {
                    break;
                }
            }
            msg = inbound.message() => match msg {
                Ok(Some(pb::AppMessage { kind: Some(pb::app_message::Kind::Reply(r)) })) => {
                    if r.id == 0 || r.id > last_id {
                        let _ = out
                            .send(Err(Status::invalid_argument(format!(
                                "reply.id: {} is not the id of an invocation sent on this stream",
                                r.id
                            ))))
                            .await;
                        break;
                    }
                    if let Some(tx) = pending.remove(&r.id) {
                        let answer = if r.error.is_empty() {
                            InvocationReply::Output(r.output)
                        } else {
                            InvocationReply::Error(r.error)
                        };
                        let _ = tx.send(answer);
                    }
                }
                Ok(Some(pb::AppMessage { kind: Some(pb::app_message::Kind::Register(_)) })) => {
                    let _ = out
                        .send(Err(Status::invalid_argument(
                            "register: the commands of this stream are registered already; \
                             open another stream for more",
                        )))
                        .await;
                    break;
                }
                Ok(Some(pb::AppMessage { kind: None })) => {
                    let _ = out
                        .send(Err(Status::invalid_argument("kind: an empty message")))
                        .await;
                    break;
                }
                // The app closed its side, or the call or connection went away.
                Ok(None) | Err(_) => break,
            },
            () = out.closed() => break,
        }
    }
}
