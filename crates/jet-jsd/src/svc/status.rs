//! The one map from domain errors to what clients see, chosen by variant.
//!
//! Both generations split errors the same way: a request the client got wrong in form
//! is a gRPC error (`INVALID_ARGUMENT` naming the field, see [`super::wire_enum`]); a
//! well-formed request the device refuses is a normal reply that says so; a device or
//! subsystem that is going away is `UNAVAILABLE`. They differ in how a refusal is said:
//!
//! - new generation (`jnx.jet.*`): a JET `RpcStatus` FAILURE with the message, and for
//!   the routing services the JET sub-code ([`failure`], [`rib_refusal`],
//!   [`entry_refusal`], [`subscribe_refusal`]);
//! - legacy generation (`management.*`, `authentication.*`): a `JunosRpcResponseTypes`
//!   code with the message ([`legacy_refusal`]).
//!
//! A message that does not decode is `INTERNAL` in both ([`malformed`]). Messages are the
//! errors' `Display` texts; nothing here reads them.

use jet_config::ConfigErrorKind;
use jet_device::firewall::FirewallError;
use jet_device::live_commands::LiveCommandError;
use jet_device::rib::jet_rib::{EntryError, RibCode, RibError};
use jet_device::rib::{RibTaskError, SubscribeError};
use jet_device::DeviceError;
use jet_proto::jnx::jet::common::{RpcStatus, StatusCode};
use jet_proto::management::JunosRpcResponseTypes as Legacy;
use tonic::Status;

// --- JET `RpcStatus` (new generation) ---

/// JET status SUCCESS.
pub(crate) fn ok_status() -> Option<RpcStatus> {
    Some(RpcStatus {
        code: StatusCode::Success as i32,
        message: String::new(),
    })
}

/// JET status FAILURE with `message`.
pub(crate) fn failure(message: impl Into<String>) -> Option<RpcStatus> {
    Some(RpcStatus {
        code: StatusCode::Failure as i32,
        message: message.into(),
    })
}

// --- device errors, both generations ---

/// Whether a device error is the device's (a gRPC error) or a refusal of the request (a
/// reply). Every variant is listed, so a new one has to be placed here.
fn is_unavailable(e: &DeviceError) -> bool {
    match e {
        DeviceError::ShuttingDown => true,
        DeviceError::Config(_)
        | DeviceError::Syntax { .. }
        | DeviceError::NeedsText { .. }
        | DeviceError::UnsupportedEncoding { .. }
        | DeviceError::AuthenticationFailed
        | DeviceError::OpNotAllowed { .. }
        | DeviceError::ConfigNotAllowed { .. }
        | DeviceError::UnknownInterface { .. }
        | DeviceError::OpNotSupported { .. }
        | DeviceError::UnknownLogFile { .. }
        | DeviceError::UnknownInstance { .. }
        | DeviceError::InvalidEphemeralPath { .. }
        | DeviceError::MissingEphemeralPayload
        | DeviceError::UnknownConfigSession
        | DeviceError::AppRefused { .. }
        | DeviceError::DatabaseLocked { .. }
        | DeviceError::SharedDatabaseModified { .. }
        | DeviceError::PrivateEditInProgress { .. }
        | DeviceError::PrivateCommitRefused
        | DeviceError::CommitCheck { .. }
        | DeviceError::CommitFailed { .. }
        | DeviceError::PackageRefused { .. }
        | DeviceError::PackageInstalled { .. }
        | DeviceError::UnknownPackage { .. }
        | DeviceError::YangRefused { .. }
        | DeviceError::UnknownYangPackage { .. }
        | DeviceError::UploadTooLarge { .. }
        | DeviceError::UploadInvalid { .. }
        // The store and local I/O failing are reported in the reply, as Junos reports a
        // commit that could not be written.
        | DeviceError::Store(_)
        | DeviceError::RenderFailed { .. }
        | DeviceError::Io { .. } => false,
    }
}

/// A device error as both generations report it: `Err` with a gRPC status when the
/// device is going away, else `Ok` with the refusal's message for the reply.
pub(crate) fn classify(e: DeviceError) -> Result<String, Status> {
    if is_unavailable(&e) {
        Err(Status::unavailable(e.to_string()))
    } else {
        Ok(e.to_string())
    }
}

// --- new generation (`jnx.jet.*`) and OpenJET's own services ---

/// New generation: a device error as a JET FAILURE status (or a gRPC error).
pub(crate) fn jet_failure(e: DeviceError) -> Result<Option<RpcStatus>, Status> {
    Ok(failure(classify(e)?))
}

/// `openjet.config.v1.ConfigSession/Close`: a token the device refuses is `NOT_FOUND`.
pub(crate) fn config_session_close(e: DeviceError) -> Status {
    if is_unavailable(&e) {
        Status::unavailable(e.to_string())
    } else {
        Status::not_found(e.to_string())
    }
}

/// A RIB task request that did not complete: `UNAVAILABLE` when the routing subsystem is
/// going away, `INTERNAL` for a RIB refusal the request could not have caused.
pub(crate) fn rib_task(e: RibTaskError) -> Status {
    match e {
        RibTaskError::ShuttingDown => Status::unavailable(e.to_string()),
        RibTaskError::Rib(e) => Status::internal(e.to_string()),
    }
}

/// A whole-request RIB refusal: FAILURE and its JET sub-code.
pub(crate) fn rib_refusal(e: &RibError) -> (Option<RpcStatus>, i32) {
    (failure(e.to_string()), e.code().jet())
}

/// The first refused entry of a batch: FAILURE naming the entry, and its sub-code.
pub(crate) fn entry_refusal(e: &EntryError) -> (Option<RpcStatus>, i32) {
    (failure(e.to_string()), e.code.jet())
}

// --- the older generation's routing.Rib (`routing.RouteOperStatus`) ---

/// The older generation's `RouteOperStatus` for a RIB sub-code. The numbers agree up to
/// MPLS_ACTION_INVALID (30); the two codes after it moved (33, 34 → 31, 32), and the
/// older generation has no ROUTE_API_VERSION_MISMATCH: a path of the other generation
/// is REQUEST_UNSUPPORTED there (with the reason in the `openjet-message` metadata).
pub(crate) fn legacy_rib_status(code: RibCode) -> jet_proto::routing::RouteOperStatus {
    use jet_proto::routing::RouteOperStatus as L;
    match code {
        RibCode::FlexibleTunnelInvalid => L::FlexibleTunnelInvalid,
        RibCode::BandwidthUsageInvalid => L::BandwidthUsageInvalid,
        RibCode::RouteApiVersionMismatch => L::RequestUnsupported,
        c => L::try_from(c.jet()).unwrap_or(L::InternalError),
    }
}

/// [`legacy_rib_status`] of the sub-code of a current-generation reply (SUCCESS stays
/// SUCCESS; ALREADY_INITIALIZED and SUCCESS_REBOUND cannot occur in the replies this
/// maps and become SUCCESS too).
pub(crate) fn legacy_rib_status_of(sub_code: i32) -> i32 {
    use jet_proto::jnx::jet::routing::rib::StatusCode as C;
    match C::try_from(sub_code) {
        Ok(C::Success | C::AlreadyInitialized | C::SuccessRebound) => 0,
        Ok(C::FlexibleTunnelInvalid) => legacy_rib_status(RibCode::FlexibleTunnelInvalid) as i32,
        Ok(C::BandwidthUsageInvalid) => legacy_rib_status(RibCode::BandwidthUsageInvalid) as i32,
        Ok(C::RouteApiVersionMismatch) => {
            legacy_rib_status(RibCode::RouteApiVersionMismatch) as i32
        }
        _ => sub_code,
    }
}

/// A refused entry of a BGP route-service batch: the RIB's reason renumbered as the BGP
/// service's `RouteOperResponse.StatusCode`.
pub(crate) fn bgp_entry_refusal(e: &EntryError) -> (Option<RpcStatus>, i32) {
    (
        failure(format!("routes[{}]: {}", e.index, e.message)),
        jet_rib_wire::bgp::oper_code(e.code) as i32,
    )
}

/// A BGP route-service sub-code (`RouteOperResponse.StatusCode`) as the older
/// generation's `BgpRouteOperReply.BgpRouteOperStatus`: the same names (the numbers
/// part from 42 on), TRY_AGAIN for REQUEST_NOT_DONE, INTERNAL_ERROR for codes the older
/// generation lacks.
pub(crate) fn legacy_bgp_oper_status(sub_code: i32) -> i32 {
    use jet_proto::jnx::jet::routing::bgp::route_oper_response::StatusCode as C;
    use jet_proto::routing::bgp_route_oper_reply::BgpRouteOperStatus as L;
    let l = match C::try_from(sub_code) {
        Ok(C::RequestNotDone) => Some(L::TryAgain),
        Ok(c) => L::from_str_name(c.as_str_name()),
        Err(_) => None,
    };
    l.unwrap_or(L::InternalError) as i32
}

/// A BGP RouteGet sub-code as the older generation's `BgpRouteGetStatus` (same names).
pub(crate) fn legacy_bgp_get_status(sub_code: i32) -> i32 {
    use jet_proto::jnx::jet::routing::bgp::route_get_response::StatusCode as C;
    use jet_proto::routing::bgp_route_get_reply::BgpRouteGetStatus as L;
    C::try_from(sub_code)
        .ok()
        .and_then(|c| L::from_str_name(c.as_str_name()))
        .unwrap_or(L::InternalError) as i32
}

/// A BGP RouteSubscribe sub-code as the older generation's
/// `BgpRouteMonitorRegisterStatus` (ALREADY_SUBSCRIBED is ALREADY_REGISTERED).
pub(crate) fn legacy_bgp_monitor_status(sub_code: i32) -> i32 {
    use jet_proto::jnx::jet::routing::bgp::route_subscribe_response::StatusCode as C;
    use jet_proto::routing::bgp_route_monitor_register_reply::BgpRouteMonitorRegisterStatus as L;
    let l = match C::try_from(sub_code) {
        Ok(C::AlreadySubscribed) => Some(L::AlreadyRegistered),
        Ok(c) => L::from_str_name(c.as_str_name()),
        Err(_) => None,
    };
    l.unwrap_or(L::InternalError) as i32
}

/// A refused RouteSubscribe on `table`: the sub-code and message of the FAILURE reply,
/// or a gRPC error when the routing subsystem is going away.
pub(crate) fn subscribe_refusal(
    e: SubscribeError,
    table: &str,
) -> Result<(RibCode, String), Status> {
    match e {
        SubscribeError::RouteCountChanged { .. } => Ok((
            RibCode::RouteSubscribeResponseRouteCountInvalid,
            format!("table '{table}': {e}"),
        )),
        SubscribeError::Task(e) => Err(Status::unavailable(e.to_string())),
    }
}

// --- firewall (`jnx.jet.firewall.Firewall`) ---

/// A refused firewall request: FAILURE with the message naming filter, term and field,
/// and the contract's sub-code (the same numbers in every Firewall response's
/// `StatusCode`: EINVALID_MESSAGE 1, EUNSUPPORTED_OP 3, NO_RESOURCE 4, TIMEOUT 5 for the
/// counter gets); `UNAVAILABLE` when the firewall task is gone.
pub(crate) fn firewall_refusal(e: FirewallError) -> Result<(Option<RpcStatus>, i32), Status> {
    use jet_proto::jnx::jet::firewall::filter_counter_get_response::StatusCode as Sub;
    let code = match &e {
        FirewallError::Invalid(_) | FirewallError::NotFound(_) => Sub::EinvalidMessage,
        FirewallError::Unsupported(_) => Sub::EunsupportedOp,
        FirewallError::NoResource(_) => Sub::NoResource,
        FirewallError::Timeout(_) => Sub::Timeout,
        FirewallError::ShuttingDown => return Err(Status::unavailable(e.to_string())),
    };
    Ok((failure(e.to_string()), code as i32))
}

// --- simulated traffic (`openjet.traffic.v1.Traffic`, OpenJET's own) ---

/// A refused Traffic request, as a gRPC status (the service has no status field): a bad
/// or missing field is `INVALID_ARGUMENT` with a message naming the field, an unknown
/// flow id `NOT_FOUND`, the device's flow limit `RESOURCE_EXHAUSTED` naming the limit;
/// the firewall task gone `UNAVAILABLE`.
pub(crate) fn traffic_refusal(e: FirewallError) -> Status {
    match e {
        FirewallError::Invalid(m) | FirewallError::Unsupported(m) => Status::invalid_argument(m),
        FirewallError::NotFound(m) => Status::not_found(m),
        FirewallError::NoResource(m) => Status::resource_exhausted(m),
        FirewallError::Timeout(m) => Status::deadline_exceeded(m),
        FirewallError::ShuttingDown => Status::unavailable(e.to_string()),
    }
}

/// A Traffic call the caller's login class may not make (the same check as the op
/// command it stands for): `PERMISSION_DENIED` with the device's reason.
pub(crate) fn traffic_denied(e: DeviceError) -> Status {
    if is_unavailable(&e) {
        Status::unavailable(e.to_string())
    } else {
        Status::permission_denied(e.to_string())
    }
}

/// A refused live-command registration (`openjet.appcommands.v1.AppCommands/Serve`): a
/// malformed request or too many commands `INVALID_ARGUMENT`, a command that exists
/// already `ALREADY_EXISTS`, the device's limit `RESOURCE_EXHAUSTED`, the device going
/// away `UNAVAILABLE`; the message names the field or command.
pub(crate) fn live_command_refusal(e: LiveCommandError) -> Status {
    let m = e.to_string();
    match e {
        LiveCommandError::Invalid { .. } | LiveCommandError::TooMany { .. } => {
            Status::invalid_argument(m)
        }
        LiveCommandError::Conflict { .. } => Status::already_exists(m),
        LiveCommandError::Full { .. } => Status::resource_exhausted(m),
        LiveCommandError::ShuttingDown => Status::unavailable(m),
    }
}

/// A refused JET Interfaces API request: FAILURE with the sub-code of the contract's name
/// in the RPC's own numbering (`codes`); a code the RPC's enum lacks (a bad value in a
/// call without a catch-all code) is `INVALID_ARGUMENT` with the message; the device going
/// away `UNAVAILABLE`.
pub(crate) fn interfaces_refusal(
    e: jet_device::ifd::api::IfApiError,
    codes: fn(&str) -> Option<i32>,
) -> Result<(Option<RpcStatus>, i32), Status> {
    use jet_device::ifd::api::IfApiError;
    match &e {
        IfApiError::ShuttingDown => Err(Status::unavailable(e.to_string())),
        IfApiError::Refused { code, message } => match codes(code.name()) {
            Some(n) => Ok((failure(message.clone()), n)),
            None => Err(Status::invalid_argument(message.clone())),
        },
    }
}

/// A refused Interfaces API request as the older generation's `interface.ret_status`
/// and message; `UNAVAILABLE` when the interfaces task is gone.
pub(crate) fn legacy_interfaces_status(
    e: jet_device::ifd::api::IfApiError,
) -> Result<(jet_proto::interface::RetStatus, String), Status> {
    use jet_device::ifd::api::{IfApiCode as C, IfApiError};
    use jet_proto::interface::RetStatus as L;
    match e {
        IfApiError::ShuttingDown => Err(Status::unavailable(e.to_string())),
        IfApiError::Refused { code, message } => Ok((
            match code {
                C::NotOwnerOfObject => L::NotOwner,
                C::PortNameNotSpecified => L::NoPortName,
                C::UnitNotSpecified => L::NoIflUnit,
                C::FamilyNotSpecified => L::NoIffFamily,
                C::IpAddrNotSpecified => L::NoIpAddr,
                C::ArpAddrNotSpecified => L::NoArpAddr,
                C::ArpMacNotSpecified => L::NoArpMac,
                C::ObjectNotFound => L::ObjectNotFound,
                _ => L::Failure,
            },
            message,
        )),
    }
}

/// A refused package upload (`openjet.software.v1.Software/Add`): a size over the limit
/// is `RESOURCE_EXHAUSTED`, a stream that does not match its header `INVALID_ARGUMENT`
/// (both name the field); the device going away `UNAVAILABLE`; a package that fails
/// its checks is a refusal in the reply (`Ok` with the message).
pub(crate) fn upload_refusal(e: DeviceError) -> Result<String, Status> {
    match e {
        DeviceError::UploadTooLarge { .. } => Err(Status::resource_exhausted(e.to_string())),
        DeviceError::UploadInvalid { .. } => Err(Status::invalid_argument(e.to_string())),
        e => classify(e),
    }
}

// --- registered APIs (`jnx.jet.registration.Registration`) ---

/// A refused registration (`ApiRegister`): the message for the FAILURE status, naming
/// the field or JSON element (the reply has no sub-code); `UNAVAILABLE` when the device
/// is stopping.
pub(crate) fn registration_message(
    e: jet_device::registrations::RegistrationError,
) -> Result<String, Status> {
    registration_text(e, Generation::Current)
}

/// A refused `registration.Register/RegisterService` (the older generation): the text
/// for the reply's `error` (with `result` false), naming the field by that generation's
/// name (`register_id`, `json_input`, `file_input`); `UNAVAILABLE` when the device is
/// stopping.
pub(crate) fn legacy_registration_message(
    e: jet_device::registrations::RegistrationError,
) -> Result<String, Status> {
    registration_text(e, Generation::Legacy)
}

/// Which generation's field names a registration refusal uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generation {
    Current,
    Legacy,
}

/// `ApiRegisterRequest`'s field names as `RegisterRequest` (older generation) calls them;
/// JSON elements and `target` are named alike.
fn legacy_field(field: &str) -> &str {
    match field {
        "id" => "register_id",
        "json_string" => "json_input",
        "json_file" => "file_input",
        f => f,
    }
}

fn registration_text(
    e: jet_device::registrations::RegistrationError,
    generation: Generation,
) -> Result<String, Status> {
    use jet_device::registrations::RegistrationError as E;
    match (e, generation) {
        (e @ E::ShuttingDown, _) => Err(Status::unavailable(e.to_string())),
        // The variants whose text names a request field, in the older generation's names.
        (E::Invalid { field, reason }, Generation::Legacy) => {
            Ok(format!("{}: {reason}", legacy_field(&field)))
        }
        (E::TooMany { id, max }, Generation::Legacy) => Ok(format!(
            "{}: '{id}' would be registration {} of at most {max}",
            legacy_field("id"),
            max + 1
        )),
        (E::File { path, source }, Generation::Legacy) => Ok(format!(
            "{}: cannot read '{}': {source}",
            legacy_field("json_file"),
            path.display()
        )),
        (
            e @ (E::Invalid { .. }
            | E::Conflict { .. }
            | E::TooMany { .. }
            | E::File { .. }
            | E::Store { .. }),
            _,
        ) => Ok(e.to_string()),
    }
}

/// A call of a registered RPC that jsd could not deliver: `UNAVAILABLE` naming the
/// target and the registration (the app's own statuses pass through unchanged).
pub(crate) fn proxy_unreachable(
    path: &str,
    id: &str,
    target: &str,
    why: &dyn std::fmt::Display,
) -> Status {
    Status::unavailable(format!(
        "{path}: registered target {target} (registration '{id}') is not reachable: {why}"
    ))
}

// --- flexible tunnel profiles (`jnx.jet.routing.rib.FlexibleTunnel`) ---

/// Which FlexibleTunnel response a refusal goes into (each numbers its sub-codes
/// differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TunnelRpc {
    Add,
    Update,
    Delete,
    Get,
}

/// A refused FlexibleTunnel item: FAILURE with the message naming profile and field,
/// the sub-code in the numbering of `rpc`'s response; `UNAVAILABLE` when the task is gone.
pub(crate) fn tunnel_refusal(
    rpc: TunnelRpc,
    e: &jet_device::tunnels::TunnelError,
) -> (Option<RpcStatus>, i32) {
    use jet_device::tunnels::TunnelCode as C;
    use jet_proto::jnx::jet::routing::rib::{
        flexible_tunnel_add_response::StatusCode as A,
        flexible_tunnel_delete_response::StatusCode as D,
        flexible_tunnel_get_response::StatusCode as G,
        flexible_tunnel_update_response::StatusCode as U,
    };
    let code = match (rpc, e.code) {
        (TunnelRpc::Add, C::AlreadyExists) => A::AlreadyExists as i32,
        (TunnelRpc::Add, C::TooManyOps) => A::TooManyOps as i32,
        (TunnelRpc::Add, C::InvalidProfile) => A::InvalidTunnelProfile as i32,
        (TunnelRpc::Add, C::InvalidAction) => A::InvalidTunnelAction as i32,
        (TunnelRpc::Add, C::InvalidName) => A::InvalidProfileName as i32,
        (TunnelRpc::Update, C::AlreadyExists) => U::AlreadyExists as i32,
        (TunnelRpc::Update, C::TooManyOps) => U::TooManyOps as i32,
        (TunnelRpc::Update, C::InvalidProfile) => U::InvalidTunnelProfile as i32,
        (TunnelRpc::Update, C::InvalidAction) => U::InvalidTunnelAction as i32,
        (TunnelRpc::Update, C::InvalidName) => U::InvalidProfileName as i32,
        (TunnelRpc::Delete, C::NotFound) => D::NotFound as i32,
        (TunnelRpc::Delete, C::TooManyOps) => D::TooManyOps as i32,
        (TunnelRpc::Delete, C::InvalidName) => D::InvalidProfileName as i32,
        (TunnelRpc::Get, C::NotFound) => G::NotFound as i32,
        (TunnelRpc::Get, C::InvalidName) => G::InvalidProfileName as i32,
        // A code the request could not cause for this RPC.
        (
            _,
            C::NotFound | C::AlreadyExists | C::TooManyOps | C::InvalidProfile | C::InvalidAction,
        ) => A::InternalError as i32,
    };
    (failure(e.message.clone()), code)
}

/// The tunnels task is gone (the device is stopping): `UNAVAILABLE`.
pub(crate) fn tunnel_task(e: &jet_device::tunnels::BatchError) -> Status {
    Status::unavailable(e.to_string())
}

/// The older generation's `routing.FlexibleTunnel*Response`: top-level `jnxBase`
/// FAILURE, the sub-code of [`tunnel_refusal`] renamed into `rpc`'s legacy enum (the
/// same names and, today, the same numbers; INTERNAL_ERROR for a name it lacks), and
/// the message for the reply's `message` field.
pub(crate) fn legacy_tunnel_refusal(
    rpc: TunnelRpc,
    e: &jet_device::tunnels::TunnelError,
) -> (i32, i32, String) {
    use jet_proto::jnx::jet::routing::rib as cur;
    use jet_proto::routing as old;
    let (_, code) = tunnel_refusal(rpc, e);
    // The same enum name in the other generation's response.
    macro_rules! rename {
        ($response:ident) => {
            cur::$response::StatusCode::try_from(code)
                .ok()
                .and_then(|c| old::$response::StatusCode::from_str_name(c.as_str_name()))
                .map(|c| c as i32)
        };
    }
    let sub = match rpc {
        TunnelRpc::Add => rename!(flexible_tunnel_add_response),
        TunnelRpc::Update => rename!(flexible_tunnel_update_response),
        TunnelRpc::Delete => rename!(flexible_tunnel_delete_response),
        TunnelRpc::Get => rename!(flexible_tunnel_get_response),
    };
    (
        jet_proto::jnx_base::StatusCode::Failure as i32,
        sub.unwrap_or(old::flexible_tunnel_add_response::StatusCode::InternalError as i32),
        e.message.clone(),
    )
}

// --- malformed messages (both generations) ---

/// A protobuf message that does not decode: `INTERNAL`, the status tonic's prost codec
/// gives, so our own RIB codec answers malformed requests the same way.
pub(crate) fn malformed(e: &dyn std::fmt::Display) -> Status {
    Status::internal(e.to_string())
}

// --- legacy generation (`management.*`) ---

/// The legacy `management.ManagementRpcApi` calls, whose replies carry a
/// `JunosRpcResponseTypes` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LegacyRpc {
    /// ExecuteOpCommand.
    OpCommand,
    /// ExecuteCfgCommand.
    CfgCommand,
    /// GetEphemeralConfig.
    GetEphemeral,
    /// EditEphemeralConfig.
    EditEphemeral,
}

/// Legacy generation: the reply code for a device error refusing `rpc`.
pub(crate) fn legacy_code(rpc: LegacyRpc, e: &DeviceError) -> Legacy {
    match (rpc, e) {
        (LegacyRpc::OpCommand, _) => Legacy::Nok,
        (LegacyRpc::GetEphemeral, _) => Legacy::InvalidPath,
        (
            LegacyRpc::CfgCommand | LegacyRpc::EditEphemeral,
            DeviceError::UnsupportedEncoding { .. },
        ) => Legacy::UnsupportedEncoding,
        // A construct of the payload's encoding this release does not load (an XML DTD).
        // EditEphemeralConfig has always answered it as an invalid configuration.
        (LegacyRpc::CfgCommand, DeviceError::Config(c))
            if c.kind == ConfigErrorKind::Unsupported =>
        {
            Legacy::UnsupportedEncoding
        }
        (LegacyRpc::CfgCommand | LegacyRpc::EditEphemeral, _) => Legacy::InvalidConfiguration,
    }
}

/// Legacy generation: a device error refusing `rpc` as its reply code and message (or a
/// gRPC error when the device is going away).
pub(crate) fn legacy_refusal(rpc: LegacyRpc, e: DeviceError) -> Result<(i32, String), Status> {
    let code = legacy_code(rpc, &e) as i32;
    Ok((code, classify(e)?))
}

#[cfg(test)]
mod tests;
