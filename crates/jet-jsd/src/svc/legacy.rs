//! Legacy `management.ManagementRpcApi` (used by Juniper's Python sample apps).
//!
//! Beware the legacy enum numbering: ConfigLoadType REPLACE is 0 (unset means replace),
//! and results are `JunosRpcResponseTypes`, not RpcStatus.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt as _};
use jet_device::op::OpInput;
use jet_device::{EphemeralOp, Payload};
use jet_proto::management as lm;
use lm::management_rpc_api_server::ManagementRpcApi;
use tonic::{Request, Response, Status};

use super::mgmt::{load_commit, run_op};
use super::status::{legacy_refusal, LegacyRpc};
use super::wire_enum::{
    self, LEGACY_CONFIG_COMMANDS, LEGACY_ENCODINGS, LEGACY_LOAD_MODES, OP_FORMATS,
};
use super::{caller, op_messages};
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
/// ExecuteOpCommand without a command.
const NO_COMMAND: &str =
    "command: exactly one of cli_command, xml_command or json_command must be set";
/// ExecuteOpCommand with a JSON command, answered NOK.
const JSON_COMMAND_REFUSED: &str =
    "json_command is not supported by this OpenJET release; use cli_command or xml_command";

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
        let format = wire_enum::decode(
            r.out_format,
            &OP_FORMATS,
            "out_format",
            "OperationFormatType",
        )?;
        use lm::execute_op_command_request::Command;
        let input = match &r.command {
            Some(Command::CliCommand(c)) => Some(OpInput::Cli(c)),
            Some(Command::XmlCommand(x)) => Some(OpInput::Xml(x)),
            Some(Command::JsonCommand(_)) => None,
            None => return Err(Status::invalid_argument(NO_COMMAND)),
        };
        let result = match input {
            Some(input) => match run_op(&self.shared, &c.login, input, format).await {
                Ok(pieces) => Ok(pieces),
                Err(e) => Err(legacy_refusal(LegacyRpc::OpCommand, e)?),
            },
            None => Err((NOK, JSON_COMMAND_REFUSED.to_owned())),
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
            Err((status, message)) => {
                Box::pin(futures::stream::iter([Ok(lm::ExecuteOpCommandResponse {
                    request_id,
                    data: String::new(),
                    status,
                    message,
                })]))
            }
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
        let mode = wire_enum::decode(
            r.load_type,
            &LEGACY_LOAD_MODES,
            "load_type",
            "ConfigLoadType",
        )?;
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
        let comment = r.commit.map(|c| c.comment).filter(|c| !c.is_empty());
        match load_commit(&self.shared, &c, payload, mode, comment).await {
            Ok(()) => reply(SUCCESS, String::new()),
            Err(e) => {
                let (status, message) = legacy_refusal(LegacyRpc::CfgCommand, e)?;
                reply(status, message)
            }
        }
    }

    async fn get_ephemeral_config(
        &self,
        req: Request<lm::GetEphemeralConfigRequest>,
    ) -> Result<Response<lm::GetEphemeralConfigResponse>, Status> {
        let r = req.into_inner();
        // Legacy numbering: XML is the zero value here (JSON is in the new generation).
        let format = wire_enum::decode(
            r.encoding,
            &LEGACY_ENCODINGS,
            "encoding",
            "JunosDataEncodingTypes",
        )?;
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
                Err(e) => {
                    let (status, message) = legacy_refusal(LegacyRpc::GetEphemeral, e)?;
                    (status, String::new(), message)
                }
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
            let kind = wire_enum::decode(
                op.operation,
                &LEGACY_CONFIG_COMMANDS,
                &format!("eph_config_operations[{i}].operation"),
                "ConfigCommands",
            )?;
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
            Err(e) => legacy_refusal(LegacyRpc::EditEphemeral, e)?,
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
