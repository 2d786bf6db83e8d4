//! `jnx.jet.authentication.Authentication/Login` and legacy `authentication.Login/LoginCheck`.
//!
//! Login binds a user, its class, a `client_id` and a `group_id` to the connection it
//! arrives on. Failures are logged with the source address and slowed per source.

use std::sync::Arc;
use std::time::Instant;

use jet_device::Login;
use jet_proto::authentication as legacy;
use jet_proto::jnx::jet::authentication as auth;
use tonic::{Request, Response, Status};

use super::{classify, conn, failure, ok_status};
use crate::conn::ConnInfo;
use crate::Shared;

/// Longest accepted user name / client id, in bytes.
const MAX_NAME: usize = 256;
/// Longest accepted password, in bytes (crypt cost grows with length).
const MAX_PASSWORD: usize = 1024;

pub(crate) struct AuthenticationSvc {
    shared: Arc<Shared>,
}

impl AuthenticationSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        AuthenticationSvc { shared }
    }
}

pub(crate) struct LegacyLoginSvc {
    shared: Arc<Shared>,
}

impl LegacyLoginSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyLoginSvc { shared }
    }
}

/// Checks the credentials and binds the login to the connection. `Ok(Err(reason))` is a
/// refused login.
async fn login(
    shared: &Shared,
    info: &ConnInfo,
    user: &str,
    password: &str,
    client_id: &str,
    group_id: &str,
) -> Result<Result<(), String>, Status> {
    for (field, value, max) in [
        ("username", user, MAX_NAME),
        ("password", password, MAX_PASSWORD),
        ("client_id", client_id, MAX_NAME),
        ("group_id", group_id, MAX_NAME),
    ] {
        if value.len() > max {
            return Err(Status::invalid_argument(format!(
                "{field}: longer than {max} bytes"
            )));
        }
    }
    let ip = info.peer().ip();
    let delay = shared.throttle.delay(ip, Instant::now());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match shared.device.authenticate(user, password).await {
        Ok(who) => {
            shared.throttle.succeeded(ip);
            // The connection becomes a session now: a max-connections slot, or refused.
            crate::session::take(shared, info).map_err(Status::resource_exhausted)?;
            shared.device.sessions().login(
                &info.session,
                Login {
                    user: who.user.clone(),
                    class: who.class,
                    client_id: client_id.to_owned(),
                    group_id: group_id.to_owned(),
                    at: chrono::Utc::now(),
                },
            );
            tracing::info!(peer = %info.peer(), user = %who.user, client_id, "JET login succeeded");
            Ok(Ok(()))
        }
        Err(e) => {
            let reason = classify(e)?;
            let n = shared.throttle.failed(ip, Instant::now());
            tracing::warn!(peer = %info.peer(), user, failures = n, "JET login failed");
            Ok(Err(format!("login failed for user '{user}': {reason}")))
        }
    }
}

#[tonic::async_trait]
impl auth::authentication_server::Authentication for AuthenticationSvc {
    async fn login(
        &self,
        req: Request<auth::LoginRequest>,
    ) -> Result<Response<auth::LoginResponse>, Status> {
        let info = conn(&req)?;
        let r = req.into_inner();
        let status = match login(
            &self.shared,
            &info,
            &r.username,
            &r.password,
            &r.client_id,
            &r.group_id,
        )
        .await?
        {
            Ok(()) => ok_status(),
            Err(reason) => failure(reason),
        };
        Ok(Response::new(auth::LoginResponse { status }))
    }
}

#[tonic::async_trait]
impl legacy::login_server::Login for LegacyLoginSvc {
    async fn login_check(
        &self,
        req: Request<legacy::LoginRequest>,
    ) -> Result<Response<legacy::LoginReply>, Status> {
        let info = conn(&req)?;
        let r = req.into_inner();
        let result = login(
            &self.shared,
            &info,
            &r.user_name,
            &r.password,
            &r.client_id,
            &r.group_id,
        )
        .await?
        .is_ok();
        Ok(Response::new(legacy::LoginReply { result }))
    }
}
