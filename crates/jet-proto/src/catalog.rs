//! The catalogue of JET services and methods (the spec's Appendix B), for code that needs
//! names rather than types: the health service, reflection, per-method authorisation and
//! logging. `tests/descriptor.rs` checks it against [`crate::FILE_DESCRIPTOR_SET`].

use crate::jnx::jet;

/// How a method streams. JET itself only has unary and server-streaming methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Streaming {
    /// One request, one response.
    Unary,
    /// One request, a stream of responses.
    ServerStreaming,
    /// A stream of requests, one response.
    ClientStreaming,
    /// Streams both ways.
    BidiStreaming,
}

impl Streaming {
    /// Whether the client sends a stream of requests.
    pub const fn client_streaming(self) -> bool {
        matches!(self, Self::ClientStreaming | Self::BidiStreaming)
    }

    /// Whether the server sends a stream of responses.
    pub const fn server_streaming(self) -> bool {
        matches!(self, Self::ServerStreaming | Self::BidiStreaming)
    }
}

/// One gRPC method of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RpcMethod {
    /// HTTP/2 path, `/<package>.<Service>/<Rpc>`.
    pub path: &'static str,
    /// Fully-qualified request message name (no leading dot).
    pub request: &'static str,
    /// Fully-qualified response message name (no leading dot).
    pub response: &'static str,
    /// Streaming mode.
    pub streaming: Streaming,
}

impl RpcMethod {
    /// Fully-qualified service name, e.g. `jnx.jet.management.Management`.
    pub fn service(&self) -> &'static str {
        let path: &'static str = self.path;
        path[1..].split_once('/').map_or("", |(service, _)| service)
    }

    /// Bare method name, e.g. `OpCommandGet`.
    pub fn name(&self) -> &'static str {
        let path: &'static str = self.path;
        path.rsplit_once('/').map_or("", |(_, name)| name)
    }
}

/// Fully-qualified names of every service we define, new generation first, then legacy.
pub const SERVICE_NAMES: &[&str] = &[
    jet::authentication::authentication_server::SERVICE_NAME,
    jet::management::management_server::SERVICE_NAME,
    jet::routing::rib::rib_server::SERVICE_NAME,
    jet::routing::base::base_server::SERVICE_NAME,
    jet::routing::interfaces::interfaces_server::SERVICE_NAME,
    jet::interfaces::interfaces_server::SERVICE_NAME,
    jet::firewall::firewall_server::SERVICE_NAME,
    jet::routing::bgp::bgp_server::SERVICE_NAME,
    jet::registration::registration_server::SERVICE_NAME,
    jet::routing::rib::flexible_tunnel_server::SERVICE_NAME,
    jet::version::version_discovery_server::SERVICE_NAME,
    crate::authentication::login_server::SERVICE_NAME,
    crate::management::management_rpc_api_server::SERVICE_NAME,
];

const fn rpc(
    path: &'static str,
    request: &'static str,
    response: &'static str,
    streaming: Streaming,
) -> RpcMethod {
    RpcMethod {
        path,
        request,
        response,
        streaming,
    }
}

use Streaming::{ServerStreaming, Unary};

/// Every method path of the contract, in the order of the spec's Appendix B.
pub const METHODS: &[RpcMethod] = &[
    rpc(
        "/jnx.jet.authentication.Authentication/Login",
        "jnx.jet.authentication.LoginRequest",
        "jnx.jet.authentication.LoginResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.management.Management/OpCommandGet",
        "jnx.jet.management.OpCommandGetRequest",
        "jnx.jet.management.OpCommandGetResponse",
        ServerStreaming,
    ),
    rpc(
        "/jnx.jet.management.Management/ConfigSet",
        "jnx.jet.management.ConfigSetRequest",
        "jnx.jet.management.ConfigSetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.management.Management/EphemeralConfigGet",
        "jnx.jet.management.EphemeralConfigGetRequest",
        "jnx.jet.management.EphemeralConfigGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.management.Management/EphemeralConfigSet",
        "jnx.jet.management.EphemeralConfigSetRequest",
        "jnx.jet.management.EphemeralConfigSetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteInitialize",
        "jnx.jet.routing.rib.RouteInitializeRequest",
        "jnx.jet.routing.rib.RouteInitializeResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteCleanup",
        "jnx.jet.routing.rib.RouteCleanupRequest",
        "jnx.jet.routing.rib.RouteCleanupResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteAdd",
        "jnx.jet.routing.rib.RouteUpdateRequest",
        "jnx.jet.routing.rib.RouteSetOperResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteModify",
        "jnx.jet.routing.rib.RouteUpdateRequest",
        "jnx.jet.routing.rib.RouteSetOperResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteUpdate",
        "jnx.jet.routing.rib.RouteUpdateRequest",
        "jnx.jet.routing.rib.RouteSetOperResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteDelete",
        "jnx.jet.routing.rib.RouteDeleteRequest",
        "jnx.jet.routing.rib.RouteDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteGet",
        "jnx.jet.routing.rib.RouteGetRequest",
        "jnx.jet.routing.rib.RouteGetResponse",
        ServerStreaming,
    ),
    rpc(
        "/jnx.jet.routing.rib.Rib/RouteSubscribe",
        "jnx.jet.routing.rib.RouteSubscribeRequest",
        "jnx.jet.routing.rib.RouteSubscribeResponse",
        ServerStreaming,
    ),
    rpc(
        "/jnx.jet.routing.base.Base/RoutePurgeTimerAdd",
        "jnx.jet.routing.base.RoutePurgeTimerAddRequest",
        "jnx.jet.routing.base.RoutePurgeTimerAddResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.base.Base/RoutePurgeTimerDelete",
        "jnx.jet.routing.base.RoutePurgeTimerDeleteRequest",
        "jnx.jet.routing.base.RoutePurgeTimerDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.base.Base/RoutePurgeTimerGet",
        "jnx.jet.routing.base.RoutePurgeTimerGetRequest",
        "jnx.jet.routing.base.RoutePurgeTimerGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.base.Base/RouteSummaryGet",
        "jnx.jet.routing.base.RtSummaryGetRequest",
        "jnx.jet.routing.base.RtSummaryGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.interfaces.Interfaces/InterfaceInitialize",
        "jnx.jet.routing.interfaces.InterfaceInitializeRequest",
        "jnx.jet.routing.interfaces.InterfaceInitializeResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.interfaces.Interfaces/InterfaceGet",
        "jnx.jet.routing.interfaces.InterfaceGetRequest",
        "jnx.jet.routing.interfaces.InterfaceGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.interfaces.Interfaces/InterfaceSubscribe",
        "jnx.jet.routing.interfaces.InterfaceSubscribeRequest",
        "jnx.jet.routing.interfaces.InterfaceSubscribeResponse",
        ServerStreaming,
    ),
    rpc(
        "/jnx.jet.routing.interfaces.Interfaces/InterfaceUnsubscribe",
        "jnx.jet.routing.interfaces.InterfaceUnsubscribeRequest",
        "jnx.jet.routing.interfaces.InterfaceUnsubscribeResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.interfaces.Interfaces/InterfaceRefresh",
        "jnx.jet.routing.interfaces.InterfaceRefreshRequest",
        "jnx.jet.routing.interfaces.InterfaceRefreshResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.interfaces.Interfaces/InterfaceAdd",
        "jnx.jet.interfaces.InterfaceAddRequest",
        "jnx.jet.interfaces.InterfaceAddResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.interfaces.Interfaces/InterfaceUpdate",
        "jnx.jet.interfaces.InterfaceUpdateRequest",
        "jnx.jet.interfaces.InterfaceUpdateResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.interfaces.Interfaces/InterfaceDelete",
        "jnx.jet.interfaces.InterfaceDeleteRequest",
        "jnx.jet.interfaces.InterfaceDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.interfaces.Interfaces/InterfaceGet",
        "jnx.jet.interfaces.InterfaceGetRequest",
        "jnx.jet.interfaces.InterfaceGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.interfaces.Interfaces/InterfaceUnitPermissionsGet",
        "jnx.jet.interfaces.InterfaceUnitPermissionsGetRequest",
        "jnx.jet.interfaces.InterfaceUnitPermissionsGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FilterAdd",
        "jnx.jet.firewall.FilterAddRequest",
        "jnx.jet.firewall.FilterAddResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FilterDelete",
        "jnx.jet.firewall.FilterDeleteRequest",
        "jnx.jet.firewall.FilterDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FilterModify",
        "jnx.jet.firewall.FilterModifyRequest",
        "jnx.jet.firewall.FilterModifyResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FilterBindAdd",
        "jnx.jet.firewall.FilterObjBindAddRequest",
        "jnx.jet.firewall.FilterBindAddResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FilterBindDelete",
        "jnx.jet.firewall.FilterObjBindDeleteRequest",
        "jnx.jet.firewall.FilterBindDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/PolicerAdd",
        "jnx.jet.firewall.PolicerAddRequest",
        "jnx.jet.firewall.PolicerAddResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/PolicerModify",
        "jnx.jet.firewall.PolicerModifyRequest",
        "jnx.jet.firewall.PolicerModifyResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/PolicerDelete",
        "jnx.jet.firewall.PolicerDeleteRequest",
        "jnx.jet.firewall.PolicerDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FilterCounterGet",
        "jnx.jet.firewall.FilterCounterGetRequest",
        "jnx.jet.firewall.FilterCounterGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/PolicerCounterGet",
        "jnx.jet.firewall.PolicerCounterGetRequest",
        "jnx.jet.firewall.PolicerCounterGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FilterCounterSet",
        "jnx.jet.firewall.FilterCounterSetRequest",
        "jnx.jet.firewall.FilterCounterSetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/PolicerCounterSet",
        "jnx.jet.firewall.PolicerCounterSetRequest",
        "jnx.jet.firewall.PolicerCounterSetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FiltersPurgeTimerAdd",
        "jnx.jet.firewall.FiltersPurgeTimerAddRequest",
        "jnx.jet.firewall.FiltersPurgeTimerAddResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FiltersPurgeTimerDelete",
        "jnx.jet.firewall.FiltersPurgeTimerDeleteRequest",
        "jnx.jet.firewall.FiltersPurgeTimerDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.firewall.Firewall/FiltersPurgeTimerGet",
        "jnx.jet.firewall.FiltersPurgeTimerGetRequest",
        "jnx.jet.firewall.FiltersPurgeTimerGetResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/Initialize",
        "jnx.jet.routing.bgp.InitializeRequest",
        "jnx.jet.routing.bgp.InitializeResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/Cleanup",
        "jnx.jet.routing.bgp.CleanupRequest",
        "jnx.jet.routing.bgp.CleanupResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteAdd",
        "jnx.jet.routing.bgp.RouteUpdateRequest",
        "jnx.jet.routing.bgp.RouteOperResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteModify",
        "jnx.jet.routing.bgp.RouteUpdateRequest",
        "jnx.jet.routing.bgp.RouteOperResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteUpdate",
        "jnx.jet.routing.bgp.RouteUpdateRequest",
        "jnx.jet.routing.bgp.RouteOperResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteDelete",
        "jnx.jet.routing.bgp.RouteDeleteRequest",
        "jnx.jet.routing.bgp.RouteOperResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteGet",
        "jnx.jet.routing.bgp.RouteGetRequest",
        "jnx.jet.routing.bgp.RouteGetResponse",
        ServerStreaming,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteSubscribe",
        "jnx.jet.routing.bgp.RouteSubscribeRequest",
        "jnx.jet.routing.bgp.RouteSubscribeResponse",
        ServerStreaming,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteUnsubscribe",
        "jnx.jet.routing.bgp.RouteUnsubscribeRequest",
        "jnx.jet.routing.bgp.RouteUnsubscribeResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.bgp.Bgp/RouteRefresh",
        "jnx.jet.routing.bgp.RouteRefreshRequest",
        "jnx.jet.routing.bgp.RouteRefreshResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.registration.Registration/ApiRegister",
        "jnx.jet.registration.ApiRegisterRequest",
        "jnx.jet.registration.ApiRegisterResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelAdd",
        "jnx.jet.routing.rib.FlexibleTunnelAddRequest",
        "jnx.jet.routing.rib.FlexibleTunnelAddResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelUpdate",
        "jnx.jet.routing.rib.FlexibleTunnelUpdateRequest",
        "jnx.jet.routing.rib.FlexibleTunnelUpdateResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelDelete",
        "jnx.jet.routing.rib.FlexibleTunnelDeleteRequest",
        "jnx.jet.routing.rib.FlexibleTunnelDeleteResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.routing.rib.FlexibleTunnel/FlexibleTunnelGet",
        "jnx.jet.routing.rib.FlexibleTunnelGetRequest",
        "jnx.jet.routing.rib.FlexibleTunnelGetResponse",
        Unary,
    ),
    rpc(
        "/authentication.Login/LoginCheck",
        "authentication.LoginRequest",
        "authentication.LoginReply",
        Unary,
    ),
    rpc(
        "/management.ManagementRpcApi/ExecuteOpCommand",
        "management.ExecuteOpCommandRequest",
        "management.ExecuteOpCommandResponse",
        ServerStreaming,
    ),
    rpc(
        "/management.ManagementRpcApi/ExecuteCfgCommand",
        "management.ExecuteCfgCommandRequest",
        "management.ExecuteCfgCommandResponse",
        Unary,
    ),
    rpc(
        "/management.ManagementRpcApi/GetEphemeralConfig",
        "management.GetEphemeralConfigRequest",
        "management.GetEphemeralConfigResponse",
        Unary,
    ),
    rpc(
        "/management.ManagementRpcApi/EditEphemeralConfig",
        "management.EditEphemeralConfigRequest",
        "management.EditEphemeralConfigResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.version.VersionDiscovery/JunosVersionGet",
        "jnx.jet.version.JunosVersionRequest",
        "jnx.jet.version.JunosVersionResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.version.VersionDiscovery/ServiceListGet",
        "jnx.jet.version.ServiceListRequest",
        "jnx.jet.version.ServiceListResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.version.VersionDiscovery/RpcListGet",
        "jnx.jet.version.RpcListRequest",
        "jnx.jet.version.RpcListResponse",
        Unary,
    ),
    rpc(
        "/jnx.jet.version.VersionDiscovery/ServiceVersionGet",
        "jnx.jet.version.ServiceVersionRequest",
        "jnx.jet.version.ServiceVersionResponse",
        Unary,
    ),
];

/// Looks a method up by its HTTP/2 path, in [`METHODS`] and then in
/// [`crate::LEGACY_METHODS`].
pub fn method(path: &str) -> Option<&'static RpcMethod> {
    METHODS
        .iter()
        .chain(crate::LEGACY_METHODS)
        .find(|m| m.path == path)
}
