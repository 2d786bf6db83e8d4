//! `openjet.config.v1.ConfigSession`: configuration-mode sessions for `jcli` (OpenJET's
//! own API, not part of JET). Each session is bound to the connection that opened it:
//! the device refuses its token on any other connection and ends it when the connection
//! closes. The device interprets every command.

use std::sync::Arc;

use cs::config_session_server::ConfigSession;
use jet_proto::openjet::config::v1 as cs;
use tonic::{Request, Response, Status};

use super::status::config_session_close;
use super::wire_enum::{self, CONFIG_MODES};
use super::{caller, classify};
use crate::Shared;

pub(crate) struct ConfigSessionSvc {
    shared: Arc<Shared>,
}

impl ConfigSessionSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        ConfigSessionSvc { shared }
    }
}

#[tonic::async_trait]
impl ConfigSession for ConfigSessionSvc {
    async fn open(
        &self,
        req: Request<cs::OpenRequest>,
    ) -> Result<Response<cs::OpenResponse>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        let mode = wire_enum::decode(r.mode, &CONFIG_MODES, "mode", "ConfigMode")?;
        let mut w = c.who();
        w.client = "cli".into();
        let reply = match self
            .shared
            .device
            .config_open(Some(c.session), w, mode)
            .await
        {
            Ok((session_token, output)) => cs::OpenResponse {
                ok: true,
                session_token,
                output,
                error: String::new(),
            },
            Err(e) => cs::OpenResponse {
                ok: false,
                session_token: String::new(),
                output: String::new(),
                error: classify(e)?,
            },
        };
        Ok(Response::new(reply))
    }

    async fn command(
        &self,
        req: Request<cs::CommandRequest>,
    ) -> Result<Response<cs::CommandResponse>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        let payload = (!r.payload.is_empty()).then_some(r.payload);
        let res = self
            .shared
            .device
            .config_command(Some(c.session), &r.session_token, &r.command, payload)
            .await;
        let reply = match res {
            Ok(rep) => cs::CommandResponse {
                ok: true,
                output: rep.output,
                error: String::new(),
                edit_path: rep.edit_path,
                exited: rep.exited,
                confirm_exit: rep.confirm_exit,
            },
            Err(e) => cs::CommandResponse {
                ok: false,
                output: String::new(),
                error: classify(e)?,
                edit_path: Vec::new(),
                exited: false,
                confirm_exit: false,
            },
        };
        Ok(Response::new(reply))
    }

    async fn close(
        &self,
        req: Request<cs::CloseRequest>,
    ) -> Result<Response<cs::CloseResponse>, Status> {
        let c = caller(&req)?;
        let r = req.into_inner();
        match self
            .shared
            .device
            .config_close(Some(c.session), &r.session_token)
            .await
        {
            Ok(()) => Ok(Response::new(cs::CloseResponse {})),
            Err(e) => Err(config_session_close(e)),
        }
    }
}
