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
use crate::Shared;

/// Methods anyone may call before Login.
fn is_open(path: &str) -> bool {
    path == "/jnx.jet.authentication.Authentication/Login"
        || path == "/authentication.Login/LoginCheck"
        || path.starts_with("/grpc.reflection.")
        || path.starts_with("/grpc.health.")
}

/// Methods served by this release.
pub(crate) const IMPLEMENTED: &[&str] = &[
    "/jnx.jet.routing.interfaces.Interfaces/InterfaceInitialize",
    "/jnx.jet.routing.interfaces.Interfaces/InterfaceGet",
    "/jnx.jet.routing.interfaces.Interfaces/InterfaceSubscribe",
    "/jnx.jet.routing.interfaces.Interfaces/InterfaceUnsubscribe",
    "/jnx.jet.routing.interfaces.Interfaces/InterfaceRefresh",
    // The older generation's view of the same routing interfaces (svc/legacy_rt_interfaces.rs).
    "/routing.RoutingInterface/RoutingInterfaceInitialize",
    "/routing.RoutingInterface/RoutingInterfaceGet",
    "/routing.RoutingInterface/RoutingInterfaceNotificationRegister",
    "/routing.RoutingInterface/RoutingInterfaceNotificationUnregister",
    "/routing.RoutingInterface/RoutingInterfaceNotificationRefresh",
    // The older generation's dcd services, over the same objects (svc/legacy_interfaces.rs).
    "/interface.InterfacesService/InterfaceCreate",
    "/interface.InterfacesService/InterfaceDelete",
    "/interface.InterfacesService/InterfaceLogicalCreate",
    "/interface.InterfacesService/InterfaceLogicalDelete",
    "/interface.InterfacesService/InterfaceFamilyCreate",
    "/interface.InterfacesService/InterfaceFamilyDelete",
    "/interface.InterfacesService/InterfaceAddressCreate",
    "/interface.InterfacesService/InterfaceAddressDelete",
    "/interface.InterfacesService/InterfaceRTAddressCreate",
    "/interface.InterfacesService/InterfaceRTAddressDelete",
    "/interface.AttrQueryService/InterfacesQueryAttribute",
    "/interface.ObjectQueryService/isObjectOwner",
    "/interface.TimeoutService/setClientTimeout",
    "/interface.PublicIflService/isPublicIfl",
    "/jnx.jet.authentication.Authentication/Login",
    "/authentication.Login/LoginCheck",
    "/jnx.jet.management.Management/OpCommandGet",
    "/jnx.jet.management.Management/ConfigSet",
    "/management.ManagementRpcApi/ExecuteOpCommand",
    "/management.ManagementRpcApi/ExecuteCfgCommand",
    "/jnx.jet.management.Management/EphemeralConfigGet",
    "/jnx.jet.management.Management/EphemeralConfigSet",
    "/management.ManagementRpcApi/GetEphemeralConfig",
    "/management.ManagementRpcApi/EditEphemeralConfig",
    // OpenJET's own configuration-mode sessions (jcli).
    "/openjet.config.v1.ConfigSession/Open",
    "/openjet.config.v1.ConfigSession/Command",
    "/openjet.config.v1.ConfigSession/Close",
    // OpenJET's app packages over the API (`jet deploy`).
    "/openjet.software.v1.Software/Add",
    "/openjet.software.v1.Software/Delete",
    "/openjet.software.v1.Software/List",
    // OpenJET's live commands: an app adds commands and answers them (svc/app_commands.rs).
    "/openjet.appcommands.v1.AppCommands/Serve",
    // OpenJET's simulated traffic (svc/traffic.rs).
    "/openjet.traffic.v1.Traffic/FlowStart",
    "/openjet.traffic.v1.Traffic/FlowStop",
    "/openjet.traffic.v1.Traffic/FlowList",
    "/openjet.traffic.v1.Traffic/PacketTest",
    // Routing: the programmable RIB and its base service.
    "/jnx.jet.routing.rib.Rib/RouteInitialize",
    "/jnx.jet.routing.rib.Rib/RouteCleanup",
    "/jnx.jet.routing.rib.Rib/RouteAdd",
    "/jnx.jet.routing.rib.Rib/RouteModify",
    "/jnx.jet.routing.rib.Rib/RouteUpdate",
    "/jnx.jet.routing.rib.Rib/RouteDelete",
    "/jnx.jet.routing.rib.Rib/RouteGet",
    "/jnx.jet.routing.rib.Rib/RouteSubscribe",
    // The older generation's RIB, over the same RIB (svc/legacy_rib.rs).
    "/routing.Rib/RouteAdd",
    "/routing.Rib/RouteModify",
    "/routing.Rib/RouteUpdate",
    "/routing.Rib/RouteRemove",
    "/routing.Rib/RouteRemoveMatching",
    "/routing.Rib/RouteGet",
    "/routing.Rib/RouteMonitorRegister",
    "/routing.Base/RoutePurgeTimeConfig",
    "/routing.Base/RoutePurgeTimeUnconfig",
    "/routing.Base/RoutePurgeTimeGet",
    "/routing.Base/RouteSummaryGet",
    "/jnx.jet.routing.base.Base/RoutePurgeTimerAdd",
    "/jnx.jet.routing.base.Base/RoutePurgeTimerDelete",
    "/jnx.jet.routing.base.Base/RoutePurgeTimerGet",
    "/jnx.jet.routing.base.Base/RouteSummaryGet",
    // Firewall: filters, policers, bindings, counters, purge timer.
    "/jnx.jet.firewall.Firewall/FilterAdd",
    "/jnx.jet.firewall.Firewall/FilterDelete",
    "/jnx.jet.firewall.Firewall/FilterModify",
    "/jnx.jet.firewall.Firewall/FilterBindAdd",
    "/jnx.jet.firewall.Firewall/FilterBindDelete",
    "/jnx.jet.firewall.Firewall/PolicerAdd",
    "/jnx.jet.firewall.Firewall/PolicerModify",
    "/jnx.jet.firewall.Firewall/PolicerDelete",
    "/jnx.jet.firewall.Firewall/FilterCounterGet",
    "/jnx.jet.firewall.Firewall/PolicerCounterGet",
    "/jnx.jet.firewall.Firewall/FilterCounterSet",
    "/jnx.jet.firewall.Firewall/PolicerCounterSet",
    "/jnx.jet.firewall.Firewall/FiltersPurgeTimerAdd",
    "/jnx.jet.firewall.Firewall/FiltersPurgeTimerDelete",
    "/jnx.jet.firewall.Firewall/FiltersPurgeTimerGet",
    // The dcd Interfaces service (issue 12; svc/interfaces.rs).
    "/jnx.jet.interfaces.Interfaces/InterfaceAdd",
    "/jnx.jet.interfaces.Interfaces/InterfaceUpdate",
    "/jnx.jet.interfaces.Interfaces/InterfaceDelete",
    "/jnx.jet.interfaces.Interfaces/InterfaceGet",
    "/jnx.jet.interfaces.Interfaces/InterfaceUnitPermissionsGet",
    // The BGP route service (issue 12).
    "/jnx.jet.routing.bgp.Bgp/Initialize",
    "/jnx.jet.routing.bgp.Bgp/Cleanup",
    "/jnx.jet.routing.bgp.Bgp/RouteAdd",
    "/jnx.jet.routing.bgp.Bgp/RouteModify",
    "/jnx.jet.routing.bgp.Bgp/RouteUpdate",
    "/jnx.jet.routing.bgp.Bgp/RouteDelete",
    "/jnx.jet.routing.bgp.Bgp/RouteGet",
    "/jnx.jet.routing.bgp.Bgp/RouteSubscribe",
    "/jnx.jet.routing.bgp.Bgp/RouteUnsubscribe",
    "/jnx.jet.routing.bgp.Bgp/RouteRefresh",
    // The older generation's BGP route service, over the same BGP state (svc/bgp/legacy.rs).
    "/routing.BgpRoute/BgpRouteInitialize",
    "/routing.BgpRoute/BgpRouteCleanup",
    "/routing.BgpRoute/BgpRouteAdd",
    "/routing.BgpRoute/BgpRouteModify",
    "/routing.BgpRoute/BgpRouteUpdate",
    "/routing.BgpRoute/BgpRouteRemove",
    "/routing.BgpRoute/BgpRouteGet",
    "/routing.BgpRoute/BgpRouteMonitorRegister",
    "/routing.BgpRoute/BgpRouteMonitorUnregister",
    "/routing.BgpRoute/BgpRouteMonitorRefresh",
    // VersionDiscovery answers from this list (svc/version.rs).
    "/jnx.jet.version.VersionDiscovery/JunosVersionGet",
    "/jnx.jet.version.VersionDiscovery/ServiceListGet",
    "/jnx.jet.version.VersionDiscovery/RpcListGet",
    "/jnx.jet.version.VersionDiscovery/ServiceVersionGet",
    // Flexible tunnel profiles (svc/flexible_tunnel.rs).
    "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelAdd",
    "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelUpdate",
    "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelDelete",
    "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelGet",
    // The older generation's view of the same profiles (svc/flexible_tunnel/legacy.rs).
    "/routing.FlexibleTunnel/FlexibleTunnelAdd",
    "/routing.FlexibleTunnel/FlexibleTunnelUpdate",
    "/routing.FlexibleTunnel/FlexibleTunnelDelete",
    "/routing.FlexibleTunnel/FlexibleTunnelGet",
    // Registration: apps expose their own gRPC API through jsd (svc/proxy.rs).
    "/jnx.jet.registration.Registration/ApiRegister",
    // The older generation's registration, same registrations (svc/legacy_registration.rs).
    "/registration.Register/RegisterService",
];

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
