//! Legacy `management.ManagementRpcApi` (used by Juniper's Python sample apps).
//!
//! Beware the legacy enum numbering: ConfigLoadType REPLACE is 0 (unset means replace),
//! and results are `JunosRpcResponseTypes`, not RpcStatus.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt as _};
use jet_config::LoadMode;
use jet_device::op::OpInput;
use jet_device::{EphemeralOp, EphemeralOpKind, Format, Payload};
use jet_proto::management as lm;
use lm::management_rpc_api_server::ManagementRpcApi;
use tonic::{Request, Response, Status};

use super::mgmt::{load_commit, run_op};
use super::{caller, classify, op_messages};
use crate::Shared;

pub(crate) struct LegacyManagementSvc {
    shared: Arc<Shared>,
}

impl LegacyManagementSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyManagementSvc { shared }
    }
}

type OpStream = Pin<Box<dyn Stream<Item = Result<lm::ExecuteOpCommandResponse, Status>> + Send>>;

const SUCCESS: i32 = lm::JunosRpcResponseTypes::Success as i32;
const NOK: i32 = lm::JunosRpcResponseTypes::Nok as i32;
const INVALID_CONFIGURATION: i32 = lm::JunosRpcResponseTypes::InvalidConfiguration as i32;
const UNSUPPORTED_ENCODING: i32 = lm::JunosRpcResponseTypes::UnsupportedEncoding as i32;
const INVALID_PATH: i32 = lm::JunosRpcResponseTypes::InvalidPath as i32;

#[tonic::async_trait]
impl ManagementRpcApi for LegacyManagementSvc {
    type ExecuteOpCommandStream = OpStream;

    async fn execute_op_command(
        &self,
        req: Request<lm::ExecuteOpCommandRequest>,
    ) -> Result<Response<OpStream>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        let request_id = r.request_id;
        let format = super::op_format(r.out_format, "OperationFormatType")?;
        use lm::execute_op_command_request::Command;
        let result = match &r.command {
            Some(Command::CliCommand(cli)) => {
                run_op(&self.shared, &c.login, OpInput::Cli(cli), format).await?
            }
            Some(Command::XmlCommand(x)) => {
                run_op(&self.shared, &c.login, OpInput::Xml(x), format).await?
            }
            Some(Command::JsonCommand(_)) => Err(
                "json_command is not supported by this OpenJET release; use cli_command or xml_command"
                    .to_owned(),
            ),
            None => {
                return Err(Status::invalid_argument(
                    "command: exactly one of cli_command, xml_command or json_command must be set",
                ))
            }
        };
        // The output is sent as the client reads, rendered as it goes.
        let replies: OpStream = match result {
            Ok(pieces) => Box::pin(op_messages(pieces).map(move |data| {
                Ok(lm::ExecuteOpCommandResponse {
                    request_id,
                    data,
                    status: SUCCESS,
                    message: String::new(),
                })
            })),
            Err(message) => Box::pin(futures::stream::iter([Ok(lm::ExecuteOpCommandResponse {
                request_id,
                data: String::new(),
                status: NOK,
                message,
            })])),
        };
        Ok(Response::new(replies))
    }

    async fn execute_cfg_command(
        &self,
        req: Request<lm::ExecuteCfgCommandRequest>,
    ) -> Result<Response<lm::ExecuteCfgCommandResponse>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        let request_id = r.request_id;
        let reply = |status: i32, message: String| {
            Ok(Response::new(lm::ExecuteCfgCommandResponse {
                request_id,
                status,
                message,
            }))
        };
        let mode = match lm::ConfigLoadType::try_from(r.load_type) {
            Ok(lm::ConfigLoadType::ConfigLoadReplace) => LoadMode::Replace,
            Ok(lm::ConfigLoadType::ConfigLoadMerge) => LoadMode::Merge,
            Ok(lm::ConfigLoadType::ConfigLoadOverride) => LoadMode::Override,
            Ok(lm::ConfigLoadType::ConfigLoadUpdate) => LoadMode::Update,
            Ok(lm::ConfigLoadType::ConfigLoadSet) => LoadMode::Set,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "load_type: unknown ConfigLoadType value {}",
                    r.load_type
                )))
            }
        };
        use lm::execute_cfg_command_request::Config;
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
        let unsupported = matches!(payload, Payload::Xml(_) | Payload::Json(_));
        let comment = r.commit.map(|c| c.comment).filter(|c| !c.is_empty());
        match load_commit(&self.shared, &c, payload, mode, comment).await? {
            Ok(()) => reply(SUCCESS, String::new()),
            Err(message) if unsupported && message.contains("not supported") => {
                reply(UNSUPPORTED_ENCODING, message)
            }
            Err(message) => reply(INVALID_CONFIGURATION, message),
        }
    }

    async fn get_ephemeral_config(
        &self,
        req: Request<lm::GetEphemeralConfigRequest>,
    ) -> Result<Response<lm::GetEphemeralConfigResponse>, Status> {
        let r = req.into_inner();
        // Legacy numbering: XML is the zero value here (JSON is in the new generation).
        let format = match lm::JunosDataEncodingTypes::try_from(r.encoding) {
            Ok(lm::JunosDataEncodingTypes::EncodingXml) => Format::Xml,
            Ok(lm::JunosDataEncodingTypes::EncodingJson) => Format::Json,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "encoding: unknown JunosDataEncodingTypes value {}",
                    r.encoding
                )))
            }
        };
        let mut response = Vec::new();
        for p in r.eph_config_requests {
            let res = self.shared.device.ephemeral_get(
                &r.eph_instance_name,
                &p.path,
                r.merge_view,
                format,
            );
            let (status, value, message) = match res {
                Ok(v) => (SUCCESS, v, String::new()),
                Err(e) => (INVALID_PATH, String::new(), classify(e)?),
            };
            response.push(lm::get_ephemeral_config_response::ResponseList {
                operation_id: p.operation_id,
                path: p.path,
                value,
                status,
                message,
            });
        }
        Ok(Response::new(lm::GetEphemeralConfigResponse {
            request_id: r.request_id,
            response,
        }))
    }

    async fn edit_ephemeral_config(
        &self,
        req: Request<lm::EditEphemeralConfigRequest>,
    ) -> Result<Response<lm::EditEphemeralConfigResponse>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        use lm::edit_ephemeral_config_request::config_operation_list::Value;
        let mut ops = Vec::new();
        for (i, op) in r.eph_config_operations.iter().enumerate() {
            let kind = match lm::ConfigCommands::try_from(op.operation) {
                Ok(lm::ConfigCommands::UpdateConfig) => EphemeralOpKind::Update,
                Ok(lm::ConfigCommands::ReplaceConfig) => EphemeralOpKind::Replace,
                Ok(lm::ConfigCommands::DeleteConfig) => EphemeralOpKind::Delete,
                Err(_) => {
                    return Err(Status::invalid_argument(format!(
                        "eph_config_operations[{i}].operation: unknown ConfigCommands value {}",
                        op.operation
                    )))
                }
            };
            let payload = match &op.value {
                Some(Value::XmlConfig(x)) => Some(Payload::Xml(x.clone())),
                Some(Value::JsonConfig(j)) => Some(Payload::Json(j.clone())),
                None => None,
            };
            ops.push(EphemeralOp {
                kind,
                path: if op.path.is_empty() {
                    "/".into()
                } else {
                    op.path.clone()
                },
                payload,
            });
        }
        let result = self
            .shared
            .device
            .ephemeral_set(
                &c.who(),
                &r.eph_instance_name,
                ops,
                r.enable_config_validation,
                r.load_only,
            )
            .await;
        let (status, message) = match result {
            Ok(()) => (SUCCESS, String::new()),
            Err(e) => {
                let unsupported = matches!(e, jet_device::DeviceError::Unsupported(_));
                let m = classify(e)?;
                (
                    if unsupported {
                        UNSUPPORTED_ENCODING
                    } else {
                        INVALID_CONFIGURATION
                    },
                    m,
                )
            }
        };
        let response = r
            .eph_config_operations
            .iter()
            .map(|op| lm::edit_ephemeral_config_response::ResponseList {
                operation_id: op.operation_id.clone(),
                status,
                message: message.clone(),
            })
            .collect();
        Ok(Response::new(lm::EditEphemeralConfigResponse {
            request_id: r.request_id,
            response,
        }))
    }
}
