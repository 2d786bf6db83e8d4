//! `registration.Register/RegisterService`, the older generation's application
//! registration, over the same registrations as `jnx.jet.registration.Registration`
//! (`registration.rs`, whose [`register`] does the class check and calls the device).
//!
//! Field by field: `json_input` / `file_input` are `json_string` / `json_file`,
//! `register_id` is `id`; `target`, `skip_authentication`, `logical_system` and
//! `routing_instance` are the same. The reply is `result` (true on success) and `error`
//! (the refusal's message, naming the field by this generation's name); the device
//! stopping is `UNAVAILABLE`.

use std::sync::Arc;

use jet_device::registrations::{ApiSource, RegisterRequest};
use jet_proto::registration::register_request::InputType;
use jet_proto::registration::register_server::Register;
use jet_proto::registration::{RegisterReply, RegisterRequest as LegacyRequest};
use tonic::{Request, Response, Status};

use super::caller;
use super::registration::register;
use super::status::legacy_registration_message;
use crate::Shared;

/// Neither `json_input` nor `file_input` is set.
const NO_INPUT: &str = "json_input / file_input: one of them must carry the API";
/// `json_input` is set but empty.
const EMPTY_INPUT: &str = "json_input: is empty (give json_input or file_input)";

pub(crate) struct LegacyRegisterSvc {
    shared: Arc<Shared>,
}

impl LegacyRegisterSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyRegisterSvc { shared }
    }
}

fn reply(r: Result<(), String>) -> Response<RegisterReply> {
    Response::new(match r {
        Ok(()) => RegisterReply {
            result: true,
            error: String::new(),
        },
        Err(error) => RegisterReply {
            result: false,
            error,
        },
    })
}

#[tonic::async_trait]
impl Register for LegacyRegisterSvc {
    async fn register_service(
        &self,
        req: Request<LegacyRequest>,
    ) -> Result<Response<RegisterReply>, Status> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let api = match r.input_type {
            Some(InputType::JsonInput(s)) if s.is_empty() => {
                return Ok(reply(Err(EMPTY_INPUT.to_owned())))
            }
            Some(InputType::JsonInput(s)) => ApiSource::Inline(s),
            Some(InputType::FileInput(p)) => ApiSource::File(p.into()),
            None => return Ok(reply(Err(NO_INPUT.to_owned()))),
        };
        let request = |by| RegisterRequest {
            api,
            target: r.target,
            id: r.register_id,
            skip_authentication: r.skip_authentication,
            logical_system: r.logical_system,
            routing_instance: r.routing_instance,
            by,
        };
        let r = register(&self.shared, &who, request, legacy_registration_message).await?;
        Ok(reply(r))
    }
}
