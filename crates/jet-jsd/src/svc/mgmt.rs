//! `jnx.jet.management.Management`: OpCommandGet, ConfigSet, EphemeralConfigGet and
//! EphemeralConfigSet. Adapters only: login-class checks, loading and committing all
//! happen in the device.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt as _};
use jet_config::LoadMode;
use jet_device::op::OpInput;
use jet_device::{EphemeralOp, EphemeralOpKind, Format, LoadRequest, Login, Payload};
use jet_proto::jnx::jet::management as mgmt;
use mgmt::management_server::Management;
use tonic::{Request, Response, Status};

use super::{caller, classify, failure, ok_status, op_messages};
use crate::conn::Caller;
use crate::Shared;

pub(crate) struct ManagementSvc {
    shared: Arc<Shared>,
}

impl ManagementSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        ManagementSvc { shared }
    }
}

type OpStream = Pin<Box<dyn Stream<Item = Result<mgmt::OpCommandGetResponse, Status>> + Send>>;

/// Runs an op command for a JET adapter as `login`: `Ok(Ok(text))`, or `Ok(Err(message))`
/// when the device refused it.
pub(crate) async fn run_op(
    shared: &Shared,
    login: &Login,
    input: OpInput<'_>,
    format: Format,
) -> Result<Result<jet_device::op::OpPieces, String>, Status> {
    match shared
        .device
        .op_command_as_pieces(login.class, input, format)
        .await
    {
        Ok(pieces) => Ok(Ok(pieces)),
        Err(e) => Ok(Err(classify(e)?)),
    }
}

/// Loads and commits configuration for a JET adapter (the device checks the class).
pub(crate) async fn load_commit(
    shared: &Shared,
    caller: &Caller,
    payload: Payload,
    mode: LoadMode,
    comment: Option<String>,
) -> Result<Result<(), String>, Status> {
    let req = LoadRequest {
        payload,
        mode,
        who: caller.who(),
        comment,
    };
    match shared.device.load_and_commit(req).await {
        Ok(()) => Ok(Ok(())),
        Err(e) => Ok(Err(classify(e)?)),
    }
}

#[tonic::async_trait]
impl Management for ManagementSvc {
    type OpCommandGetStream = OpStream;

    async fn op_command_get(
        &self,
        req: Request<mgmt::OpCommandGetRequest>,
    ) -> Result<Response<OpStream>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        let format = super::op_format(r.out_format, "OpCommandOutputFormat")?;
        use mgmt::op_command_get_request::Command;
        let input = match &r.command {
            Some(Command::CliCommand(c)) => OpInput::Cli(c),
            Some(Command::XmlCommand(x)) => OpInput::Xml(x),
            None => {
                return Err(Status::invalid_argument(
                    "command: exactly one of cli_command or xml_command must be set",
                ))
            }
        };
        let result = run_op(&self.shared, &c.login, input, format).await?;
        // The output is sent as the client reads, rendered as it goes.
        let replies: OpStream = match result {
            Ok(pieces) => Box::pin(op_messages(pieces).map(|data| {
                Ok(mgmt::OpCommandGetResponse {
                    status: ok_status(),
                    data,
                })
            })),
            Err(message) => Box::pin(futures::stream::iter([Ok(mgmt::OpCommandGetResponse {
                status: failure(message),
                data: String::new(),
            })])),
        };
        Ok(Response::new(replies))
    }

    async fn config_set(
        &self,
        req: Request<mgmt::ConfigSetRequest>,
    ) -> Result<Response<mgmt::ConfigSetResponse>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        let mode = match mgmt::ConfigLoadType::try_from(r.load_type) {
            Ok(mgmt::ConfigLoadType::ConfigLoadMerge) => LoadMode::Merge,
            Ok(mgmt::ConfigLoadType::ConfigLoadReplace) => LoadMode::Replace,
            Ok(mgmt::ConfigLoadType::ConfigLoadOverride) => LoadMode::Override,
            Ok(mgmt::ConfigLoadType::ConfigLoadUpdate) => LoadMode::Update,
            Ok(mgmt::ConfigLoadType::ConfigLoadSet) => LoadMode::Set,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "load_type: unknown ConfigLoadType value {}",
                    r.load_type
                )))
            }
        };
        if let Some(c) = &r.commit {
            if mgmt::ConfigCommitType::try_from(c.r#type).is_err() {
                return Err(Status::invalid_argument(format!(
                    "commit.type: unknown ConfigCommitType value {}",
                    c.r#type
                )));
            }
        }
        use mgmt::config_set_request::Config;
        let payload = match r.config {
            Some(Config::TextConfig(t)) => Payload::Text(t),
            Some(Config::XmlConfig(x)) => Payload::Xml(x),
            Some(Config::JsonConfig(j)) => Payload::Json(j),
            None => {
                return Err(Status::invalid_argument(
                    "config: exactly one of xml_config, json_config or text_config must be set",
                ))
            }
        };
        // COMMIT_SYNCHRONIZE on a single routing engine is a plain commit, as on Junos.
        let comment = r.commit.map(|c| c.comment).filter(|c| !c.is_empty());
        let status = match load_commit(&self.shared, &c, payload, mode, comment).await? {
            Ok(()) => ok_status(),
            Err(message) => failure(message),
        };
        Ok(Response::new(mgmt::ConfigSetResponse { status }))
    }

    async fn ephemeral_config_get(
        &self,
        req: Request<mgmt::EphemeralConfigGetRequest>,
    ) -> Result<Response<mgmt::EphemeralConfigGetResponse>, Status> {
        let r = req.into_inner();
        let format = match mgmt::ConfigGetOutputFormat::try_from(r.encoding) {
            Ok(mgmt::ConfigGetOutputFormat::ConfigGetOutputJson) => Format::Json,
            Ok(mgmt::ConfigGetOutputFormat::ConfigGetOutputXml) => Format::Xml,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "encoding: unknown ConfigGetOutputFormat value {}",
                    r.encoding
                )))
            }
        };
        let mut all_ok = true;
        let mut config_responses = Vec::new();
        for p in r.config_requests {
            let res = self
                .shared
                .device
                .ephemeral_get(&r.instance_name, &p.path, false, format);
            let (status, value) = match res {
                Ok(v) => (ok_status(), v),
                Err(e) => {
                    all_ok = false;
                    (failure(classify(e)?), String::new())
                }
            };
            config_responses.push(mgmt::ephemeral_config_get_response::ConfigPathResponse {
                status,
                id: p.id,
                path: p.path,
                value,
            });
        }
        let status = if all_ok {
            ok_status()
        } else {
            failure("one or more paths could not be read; see each response")
        };
        Ok(Response::new(mgmt::EphemeralConfigGetResponse {
            status,
            config_responses,
        }))
    }

    async fn ephemeral_config_set(
        &self,
        req: Request<mgmt::EphemeralConfigSetRequest>,
    ) -> Result<Response<mgmt::EphemeralConfigSetResponse>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        use mgmt::ephemeral_config_set_request::config_operation::Value;
        let mut ops = Vec::new();
        let mut refused: Option<(usize, String)> = None;
        for (i, op) in r.config_operations.iter().enumerate() {
            if mgmt::ConfigOperationType::try_from(op.operation).is_err() {
                return Err(Status::invalid_argument(format!(
                    "config_operations[{i}].operation: unknown ConfigOperationType value {}",
                    op.operation
                )));
            }
            let payload = match &op.value {
                Some(Value::XmlConfig(x)) => Payload::Xml(x.clone()),
                Some(Value::JsonConfig(j)) => Payload::Json(j.clone()),
                None => {
                    return Err(Status::invalid_argument(format!(
                        "config_operations[{i}].value: one of xml_config or json_config must be set"
                    )))
                }
            };
            if op.path.trim() != "/" && refused.is_none() {
                refused = Some((
                    i,
                    format!(
                        "invalid path '{}': only \"/\" is accepted; send the configuration \
                         from the root",
                        op.path
                    ),
                ));
            }
            ops.push(EphemeralOp {
                kind: EphemeralOpKind::Update,
                path: "/".into(),
                payload: Some(payload),
            });
        }
        let result = match refused {
            Some(r) => Err(r),
            None => {
                match self
                    .shared
                    .device
                    .ephemeral_set(
                        &c.who(),
                        &r.instance_name,
                        ops,
                        r.validate_config,
                        r.load_only,
                    )
                    .await
                {
                    Ok(()) => Ok(()),
                    Err(e) => Err((usize::MAX, classify(e)?)),
                }
            }
        };
        let operation_responses = r
            .config_operations
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let status = match &result {
                    Ok(()) => ok_status(),
                    Err((bad, m)) if *bad == i || *bad == usize::MAX => failure(m.clone()),
                    Err(_) => failure("not applied: another operation of the request failed"),
                };
                mgmt::ephemeral_config_set_response::ConfigOperationResponse {
                    status,
                    id: op.id.clone(),
                }
            })
            .collect();
        let status = match &result {
            Ok(()) => ok_status(),
            Err((_, m)) => failure(m.clone()),
        };
        Ok(Response::new(mgmt::EphemeralConfigSetResponse {
            status,
            operation_responses,
        }))
    }
}
