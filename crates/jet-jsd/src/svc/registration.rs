//! `jnx.jet.registration.Registration/ApiRegister`: thin adapter over the device's
//! registrations task (`jet_device::registrations`). The calls of registered services
//! are forwarded by [`super::proxy`]. [`register`] (class check, then the device) is
//! shared with the older generation's `registration.Register` (`legacy_registration.rs`).

use std::sync::Arc;

use jet_device::registrations::{class_allows, ApiSource, RegisterRequest, RegistrationError};
use jet_proto::jnx::jet::registration::api_register_request::InputType;
use jet_proto::jnx::jet::registration::registration_server::Registration;
use jet_proto::jnx::jet::registration::{ApiRegisterRequest, ApiRegisterResponse};
use tonic::{Request, Response, Status};

use super::status::registration_message;
use super::{caller, failure, ok_status};
use crate::conn::Caller;
use crate::Shared;

pub(crate) struct RegistrationSvc {
    shared: Arc<Shared>,
}

impl RegistrationSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        RegistrationSvc { shared }
    }
}

/// The services jsd serves itself (they cannot be registered), fully qualified.
pub(crate) fn own_services() -> Vec<String> {
    jet_proto::METHODS
        .iter()
        .chain(jet_proto::LEGACY_METHODS.iter())
        .filter(|m| super::served::IMPLEMENTED.contains(&m.path))
        .map(|m| m.service().to_string())
        .chain(
            [
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection",
                "grpc.health.v1.Health",
            ]
            .map(String::from),
        )
        .collect()
}

/// Registers for `who`: the login-class check, then the device's checks. `Ok(Err(m))`
/// is a refusal with its message (`refusal` words a device refusal for the caller's
/// generation); `Err` a gRPC error (the device is stopping). `request` builds the
/// device's request from `by` (who registered, for `show`).
pub(crate) async fn register(
    shared: &Shared,
    who: &Caller,
    request: impl FnOnce(String) -> RegisterRequest,
    refusal: fn(RegistrationError) -> Result<String, Status>,
) -> Result<Result<(), String>, Status> {
    // Registering exposes an API on the device: not for read-only users.
    if !class_allows(who.login.class, jet_config::LoginClass::Operator) {
        return Ok(Err(format!(
            "permission denied: login class {} may not register APIs",
            who.login.class.as_str()
        )));
    }
    let by = if who.login.client_id.is_empty() {
        who.login.user.clone()
    } else {
        format!("{} ({})", who.login.user, who.login.client_id)
    };
    match shared
        .device
        .registrations()
        .register(request(by), own_services())
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(e) => refusal(e).map(Err),
    }
}

#[tonic::async_trait]
impl Registration for RegistrationSvc {
    async fn api_register(
        &self,
        req: Request<ApiRegisterRequest>,
    ) -> Result<Response<ApiRegisterResponse>, Status> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let api = match r.input_type {
            Some(InputType::JsonString(s)) => ApiSource::Inline(s),
            Some(InputType::JsonFile(p)) => ApiSource::File(p.into()),
            None => {
                return Ok(Response::new(ApiRegisterResponse {
                    status: failure("json_string / json_file: one of them must carry the API"),
                }))
            }
        };
        let request = |by| RegisterRequest {
            api,
            target: r.target,
            id: r.id,
            skip_authentication: r.skip_authentication,
            logical_system: r.logical_system,
            routing_instance: r.routing_instance,
            by,
        };
        let status = match register(&self.shared, &who, request, registration_message).await? {
            Ok(()) => ok_status(),
            Err(message) => failure(message),
        };
        Ok(Response::new(ApiRegisterResponse { status }))
    }
}
