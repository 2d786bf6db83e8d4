//! `jnx.jet.management.Management`: OpCommandGet, ConfigSet, EphemeralConfigGet and
//! EphemeralConfigSet. Adapters only: login-class checks, loading and committing all
//! happen in the device.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt as _};
use jet_config::LoadMode;
use jet_device::op::OpInput;
use jet_device::{DeviceError, EphemeralOp, EphemeralOpKind, Format, LoadRequest, Login, Payload};
use jet_proto::jnx::jet::management as mgmt;
use mgmt::management_server::Management;
use tonic::{Request, Response, Status};

use super::status::jet_failure;
use super::wire_enum::{self, CONFIG_GET_FORMATS, LOAD_MODES, OP_FORMATS};
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

/// Runs an op command for a JET adapter as `login` (each generation reports a refusal
/// its own way, see [`super::status`]).
pub(crate) async fn run_op(
    shared: &Shared,
    login: &Login,
    input: OpInput<'_>,
    format: Format,
) -> Result<jet_device::op::OpPieces, DeviceError> {
    shared
        .device
        .op_command_as_pieces(login.class, input, format)
        .await
}

/// Loads and commits configuration for a JET adapter (the device checks the class).
pub(crate) async fn load_commit(
    shared: &Shared,
    caller: &Caller,
    payload: Payload,
    mode: LoadMode,
    comment: Option<String>,
) -> Result<(), DeviceError> {
    let req = LoadRequest {
        payload,
        mode,
        who: caller.who(),
        comment,
    };
    shared.device.load_and_commit(req).await
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
        let format = wire_enum::decode(
            r.out_format,
            &OP_FORMATS,
            "out_format",
            "OpCommandOutputFormat",
        )?;
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
        let result = run_op(&self.shared, &c.login, input, format).await;
        // The output is sent as the client reads, rendered as it goes.
        let replies: OpStream = match result {
            Ok(pieces) => Box::pin(op_messages(pieces).map(|data| {
                Ok(mgmt::OpCommandGetResponse {
                    status: ok_status(),
                    data,
                })
            })),
            Err(e) => Box::pin(futures::stream::iter([Ok(mgmt::OpCommandGetResponse {
                status: jet_failure(e)?,
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
        let mode: LoadMode =
            wire_enum::decode(r.load_type, &LOAD_MODES, "load_type", "ConfigLoadType")?;
        if let Some(c) = &r.commit {
            wire_enum::check::<mgmt::ConfigCommitType>(
                c.r#type,
                "commit.type",
                "ConfigCommitType",
            )?;
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
        let status = match load_commit(&self.shared, &c, payload, mode, comment).await {
            Ok(()) => ok_status(),
            Err(e) => jet_failure(e)?,
        };
        Ok(Response::new(mgmt::ConfigSetResponse { status }))
    }

    async fn ephemeral_config_get(
        &self,
        req: Request<mgmt::EphemeralConfigGetRequest>,
    ) -> Result<Response<mgmt::EphemeralConfigGetResponse>, Status> {
        let r = req.into_inner();
        let format = wire_enum::decode(
            r.encoding,
            &CONFIG_GET_FORMATS,
            "encoding",
            "ConfigGetOutputFormat",
        )?;
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
                    (jet_failure(e)?, String::new())
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
            wire_enum::check::<mgmt::ConfigOperationType>(
                op.operation,
                &format!("config_operations[{i}].operation"),
                "ConfigOperationType",
            )?;
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
                    classify(DeviceError::ephemeral_path_not_root(op.path.as_str()))?,
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
