//! The gate in front of every gRPC call: session limit, authentication, and an honest
//! `UNIMPLEMENTED` for the parts of the JET contract this release does not serve yet.
//!
//! ```text
//!  request ─► refused connection? ─► RESOURCE_EXHAUSTED
//!          ─► open method (Login, reflection, health)? ─► service
//!          ─► not logged in and no skip-authentication? ─► UNAUTHENTICATED
//!          ─► skip-authentication, no session slot yet? ─► take one, or RESOURCE_EXHAUSTED
//!          ─► an app's session, method not in its package's permissions? ─► PERMISSION_DENIED
//!          ─► a registered API's method? ─► login class check ─► forwarded from here
//!             (svc/proxy.rs; its skip_authentication lets TLS connections in without Login)
//!          ─► method not served yet? ─► UNIMPLEMENTED (with the method's name)
//!          ─► service
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::body::Body;
use tower::{Layer, Service};

use crate::conn::ConnInfo;
use crate::svc::served::IMPLEMENTED;
use crate::Shared;

/// Methods anyone may call before Login.
fn is_open(path: &str) -> bool {
    path == "/jnx.jet.authentication.Authentication/Login"
        || path == "/authentication.Login/LoginCheck"
        || path.starts_with("/grpc.reflection.")
        || path.starts_with("/grpc.health.")
}

/// Layer that puts a [`Gate`] in front of the routes.
#[derive(Clone)]
pub(crate) struct GateLayer {
    shared: Arc<Shared>,
}

impl GateLayer {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        GateLayer { shared }
    }
}

impl<S> Layer<S> for GateLayer {
    type Service = Gate<S>;

    fn layer(&self, inner: S) -> Gate<S> {
        Gate {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// See the module documentation.
#[derive(Clone)]
pub(crate) struct Gate<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// What the gate lets through: to jsd's routes, or straight to a registered API's target.
enum Pass {
    Routes,
    Forward(Arc<jet_device::registrations::Registration>),
}

impl<S> Gate<S> {
    fn check(&self, path: &str, info: Option<&ConnInfo>) -> Result<Pass, tonic::Status> {
        let Some(info) = info else {
            return Err(tonic::Status::internal("jsd: request without a connection"));
        };
        if let Some(why) = &info.refused {
            return Err(tonic::Status::resource_exhausted(why.to_string()));
        }
        if is_open(path) {
            return Ok(Pass::Routes);
        }
        let implemented = IMPLEMENTED.contains(&path);
        // A method jsd does not serve itself may belong to a registered API (svc/proxy.rs).
        let registered = if implemented {
            None
        } else {
            self.shared
                .device
                .registrations()
                .current()
                .route(path)
                .cloned()
        };
        if !info.session.logged_in() {
            let skip_all = self
                .shared
                .device
                .committed()
                .config
                .jsd()
                .skip_authentication;
            // A registration's skip_authentication holds on secure channels only.
            let skip_registered = registered
                .as_ref()
                .is_some_and(|r| r.registration.skip_authentication)
                && info.session.transport == jet_device::Transport::Tls;
            if !skip_all && !skip_registered {
                let hint = match &registered {
                    Some(r) if r.registration.skip_authentication => {
                        " (its registration skips Login on TLS connections only)"
                    }
                    _ => "",
                };
                return Err(tonic::Status::unauthenticated(format!(
                    "{path}: this connection is not authenticated; call \
                     jnx.jet.authentication.Authentication/Login first{hint}"
                )));
            }
            // Normally a session since it was accepted; one accepted before
            // skip-authentication was committed becomes a session now.
            crate::session::take(&self.shared, info).map_err(tonic::Status::resource_exhausted)?;
        }
        app_permission(
            &self.shared.device.packages().current(),
            &info.session,
            path,
        )?;
        if let Some(r) = &registered {
            let need = r.rpc().class;
            if let Some(login) = info.session.login() {
                if !jet_device::registrations::class_allows(login.class, need) {
                    return Err(tonic::Status::permission_denied(format!(
                        "{path}: login class {} may not call this registered RPC \
                         (registration '{}' requires {})",
                        login.class.as_str(),
                        r.registration.id,
                        need.as_str()
                    )));
                }
            }
            return Ok(Pass::Forward(r.registration.clone()));
        }
        if !implemented {
            let known = jet_proto::method(path).is_some();
            return Err(tonic::Status::unimplemented(if known {
                format!(
                    "{path} is part of the JET API but not implemented by this OpenJET release yet"
                )
            } else {
                format!("{path}: no such gRPC method on this device")
            }));
        }
        Ok(Pass::Routes)
    }
}

/// An app's session (see `Session::set_app`) may call only the methods its installed
/// package declares in `permissions`. A session of an app that is not from a package (a
/// plain script) is bound by its login class only.
fn app_permission(
    packages: &jet_device::packages::PackageSet,
    session: &jet_device::Session,
    path: &str,
) -> Result<(), tonic::Status> {
    let Some(app) = session.app() else {
        return Ok(());
    };
    match packages.permits(app, path) {
        Some(false) => Err(tonic::Status::permission_denied(format!(
            "{path}: app '{app}' did not declare this RPC in its package manifest (permissions)"
        ))),
        Some(true) | None => Ok(()),
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for Gate<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        match self.check(req.uri().path(), req.extensions().get::<ConnInfo>()) {
            Err(status) => {
                tracing::debug!(path = req.uri().path(), code = ?status.code(), "call refused");
                Box::pin(async move { Ok(status.into_http()) })
            }
            // A registered API's call goes to its target from here: the routes would only
            // look the path up again to reach the same forwarding (their fallback).
            Ok(Pass::Forward(reg)) => {
                let shared = self.shared.clone();
                Box::pin(async move {
                    Ok(crate::svc::proxy::forward(&shared, &reg, req.map(Body::new)).await)
                })
            }
            Ok(Pass::Routes) => {
                // The usual tower dance: call the clone that was made ready.
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                Box::pin(inner.call(req))
            }
        }
    }
}
