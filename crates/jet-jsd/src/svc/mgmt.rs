//! `jnx.jet.management.Management`: OpCommandGet and ConfigSet.

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use jet_config::{LoadMode, LoginClass};
use jet_device::op::OpInput;
use jet_device::{Format, LoadRequest};
use jet_proto::jnx::jet::management as mgmt;
use mgmt::management_server::Management;
use tonic::{Request, Response, Status};

use super::{caller, chunks, classify, conn, failure, ok_status};
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

/// Runs an op command for a JET adapter: `Ok(Ok(text))`, or `Ok(Err(message))` when the
/// device refused it.
pub(crate) async fn run_op(
    shared: &Shared,
    input: OpInput<'_>,
    format: Format,
) -> Result<Result<String, String>, Status> {
    match shared.device.op_command(input, format) {
        Ok(text) => Ok(Ok(text)),
        Err(e) => Ok(Err(classify(e)?)),
    }
}

/// Loads and commits configuration for a JET adapter, after the login-class check.
pub(crate) async fn load_commit(
    shared: &Shared,
    info: &crate::conn::ConnInfo,
    payload: String,
    mode: LoadMode,
    comment: Option<String>,
) -> Result<Result<(), String>, Status> {
    let who = caller(shared, info);
    if who.class != LoginClass::SuperUser {
        return Ok(Err(format!(
            "permission denied: user '{}' (class {}) may not change the configuration",
            who.user,
            who.class.as_str()
        )));
    }
    let req = LoadRequest {
        payload,
        mode,
        user: who.user,
        client: "grpc".into(),
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
        let r = req.into_inner();
        let format = match mgmt::OpCommandOutputFormat::try_from(r.out_format) {
            Ok(mgmt::OpCommandOutputFormat::OpCommandOutputJson) => Format::Json,
            Ok(mgmt::OpCommandOutputFormat::OpCommandOutputXml) => Format::Xml,
            Ok(mgmt::OpCommandOutputFormat::OpCommandOutputCli) => Format::Text,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "out_format: unknown OpCommandOutputFormat value {}",
                    r.out_format
                )))
            }
        };
        use mgmt::op_command_get_request::Command;
        let result = match &r.command {
            Some(Command::CliCommand(c)) => run_op(&self.shared, OpInput::Cli(c), format).await?,
            Some(Command::XmlCommand(x)) => run_op(&self.shared, OpInput::Xml(x), format).await?,
            None => {
                return Err(Status::invalid_argument(
                    "command: exactly one of cli_command or xml_command must be set",
                ))
            }
        };
        let replies: Vec<Result<mgmt::OpCommandGetResponse, Status>> = match result {
            Ok(text) => chunks(&text)
                .into_iter()
                .map(|data| {
                    Ok(mgmt::OpCommandGetResponse {
                        status: ok_status(),
                        data,
                    })
                })
                .collect(),
            Err(message) => {
                vec![Ok(mgmt::OpCommandGetResponse {
                    status: failure(message),
                    data: String::new(),
                })]
            }
        };
        Ok(Response::new(Box::pin(futures::stream::iter(replies))))
    }

    async fn config_set(
        &self,
        req: Request<mgmt::ConfigSetRequest>,
    ) -> Result<Response<mgmt::ConfigSetResponse>, Status> {
        let info = conn(&req)?;
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
        use mgmt::config_set_request::Config;
        let payload = match r.config {
            Some(Config::TextConfig(t)) => t,
            Some(Config::XmlConfig(_)) | Some(Config::JsonConfig(_)) => {
                return Ok(Response::new(mgmt::ConfigSetResponse {
                    status: failure(
                        "xml_config and json_config are not supported by this OpenJET release yet; \
                         send the configuration as text_config (curly braces, or set commands with \
                         CONFIG_LOAD_SET)",
                    ),
                }))
            }
            None => {
                return Err(Status::invalid_argument(
                    "config: exactly one of xml_config, json_config or text_config must be set",
                ))
            }
        };
        let comment = r.commit.map(|c| c.comment).filter(|c| !c.is_empty());
        let status = match load_commit(&self.shared, &info, payload, mode, comment).await? {
            Ok(()) => ok_status(),
            Err(message) => failure(message),
        };
        Ok(Response::new(mgmt::ConfigSetResponse { status }))
    }

    async fn ephemeral_config_get(
        &self,
        _req: Request<mgmt::EphemeralConfigGetRequest>,
    ) -> Result<Response<mgmt::EphemeralConfigGetResponse>, Status> {
        Err(Status::unimplemented(
            "EphemeralConfigGet: the ephemeral database is not implemented by this OpenJET release yet",
        ))
    }

    async fn ephemeral_config_set(
        &self,
        _req: Request<mgmt::EphemeralConfigSetRequest>,
    ) -> Result<Response<mgmt::EphemeralConfigSetResponse>, Status> {
        Err(Status::unimplemented(
            "EphemeralConfigSet: the ephemeral database is not implemented by this OpenJET release yet",
        ))
    }
}
