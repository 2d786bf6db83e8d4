//! Legacy `management.ManagementRpcApi` (used by Juniper's Python sample apps).
//!
//! Beware the legacy enum numbering: ConfigLoadType REPLACE is 0 (unset means replace),
//! and results are `JunosRpcResponseTypes`, not RpcStatus.

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use jet_config::LoadMode;
use jet_device::op::OpInput;
use jet_device::Format;
use jet_proto::management as lm;
use lm::management_rpc_api_server::ManagementRpcApi;
use tonic::{Request, Response, Status};

use super::chunks;
use super::conn;
use super::mgmt::{load_commit, run_op};
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

#[tonic::async_trait]
impl ManagementRpcApi for LegacyManagementSvc {
    type ExecuteOpCommandStream = OpStream;

    async fn execute_op_command(
        &self,
        req: Request<lm::ExecuteOpCommandRequest>,
    ) -> Result<Response<OpStream>, Status> {
        let r = req.into_inner();
        let request_id = r.request_id;
        let format = match lm::OperationFormatType::try_from(r.out_format) {
            Ok(lm::OperationFormatType::OperationFormatJson) => Format::Json,
            Ok(lm::OperationFormatType::OperationFormatXml) => Format::Xml,
            Ok(lm::OperationFormatType::OperationFormatCli) => Format::Text,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "out_format: unknown OperationFormatType value {}",
                    r.out_format
                )))
            }
        };
        use lm::execute_op_command_request::Command;
        let result = match &r.command {
            Some(Command::CliCommand(c)) => run_op(&self.shared, OpInput::Cli(c), format).await?,
            Some(Command::XmlCommand(x)) => run_op(&self.shared, OpInput::Xml(x), format).await?,
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
        let replies: Vec<Result<lm::ExecuteOpCommandResponse, Status>> = match result {
            Ok(text) => chunks(&text)
                .into_iter()
                .map(|data| {
                    Ok(lm::ExecuteOpCommandResponse {
                        request_id,
                        data,
                        status: SUCCESS,
                        message: String::new(),
                    })
                })
                .collect(),
            Err(message) => vec![Ok(lm::ExecuteOpCommandResponse {
                request_id,
                data: String::new(),
                status: NOK,
                message,
            })],
        };
        Ok(Response::new(Box::pin(futures::stream::iter(replies))))
    }

    async fn execute_cfg_command(
        &self,
        req: Request<lm::ExecuteCfgCommandRequest>,
    ) -> Result<Response<lm::ExecuteCfgCommandResponse>, Status> {
        let info = conn(&req)?;
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
        let payload =
            match r.config {
                Some(Config::TextConfig(t)) => t,
                Some(Config::XmlConfig(_)) | Some(Config::JsonConfig(_)) => return reply(
                    UNSUPPORTED_ENCODING,
                    "xml_config and json_config are not supported by this OpenJET release yet; \
                     send text_config"
                        .into(),
                ),
                None => {
                    return Err(Status::invalid_argument(
                        "config: exactly one of xml_config, json_config or text_config must be set",
                    ))
                }
            };
        let comment = r.commit.map(|c| c.comment).filter(|c| !c.is_empty());
        match load_commit(&self.shared, &info, payload, mode, comment).await? {
            Ok(()) => reply(SUCCESS, String::new()),
            Err(message) => reply(INVALID_CONFIGURATION, message),
        }
    }

    async fn get_ephemeral_config(
        &self,
        _req: Request<lm::GetEphemeralConfigRequest>,
    ) -> Result<Response<lm::GetEphemeralConfigResponse>, Status> {
        Err(Status::unimplemented(
            "GetEphemeralConfig: the ephemeral database is not implemented by this OpenJET release yet",
        ))
    }

    async fn edit_ephemeral_config(
        &self,
        _req: Request<lm::EditEphemeralConfigRequest>,
    ) -> Result<Response<lm::EditEphemeralConfigResponse>, Status> {
        Err(Status::unimplemented(
            "EditEphemeralConfig: the ephemeral database is not implemented by this OpenJET release yet",
        ))
    }
}
