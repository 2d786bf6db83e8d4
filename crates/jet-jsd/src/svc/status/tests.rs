//! Unit tests of the error map (`status.rs`).

use super::*;
use jet_config::{ConfigError, LoginClass, StoreError};
use tonic::Code;

/// One of each device error variant.
fn every_device_error() -> Vec<DeviceError> {
    vec![
        DeviceError::Config(ConfigError::new(
            ConfigErrorKind::Syntax,
            "[edit]",
            "x",
            "syntax error",
        )),
        DeviceError::Syntax {
            reason: "'x'".into(),
        },
        DeviceError::NeedsText {
            mode: "set",
            encoding: "xml",
        },
        DeviceError::UnsupportedEncoding { encoding: "json" },
        DeviceError::AuthenticationFailed,
        DeviceError::OpNotAllowed {
            class: LoginClass::ReadOnly,
        },
        DeviceError::ConfigNotAllowed {
            user: "ro".into(),
            class: LoginClass::ReadOnly,
        },
        DeviceError::UnknownInterface {
            name: "ge-9/9/9".into(),
        },
        DeviceError::UnknownLogFile { name: "f".into() },
        DeviceError::UnknownInstance { name: "e".into() },
        DeviceError::InvalidEphemeralPath {
            path: "x".into(),
            reason: "paths start with '/'",
        },
        DeviceError::MissingEphemeralPayload,
        DeviceError::UnknownConfigSession,
        DeviceError::DatabaseLocked { by: "bob".into() },
        DeviceError::SharedDatabaseModified {
            editors: String::new(),
        },
        DeviceError::PrivateEditInProgress {
            editors: String::new(),
        },
        DeviceError::PrivateCommitRefused,
        DeviceError::CommitCheck { reason: "r".into() },
        DeviceError::CommitFailed { report: "r".into() },
        DeviceError::Store(StoreError::NoSuchRollback(3)),
        DeviceError::RenderFailed {
            command: "show route",
            reason: "panicked".into(),
        },
        DeviceError::Io {
            context: "reading x".into(),
            source: std::io::Error::other("disk"),
        },
    ]
}

fn dtd_error() -> DeviceError {
    DeviceError::Config(ConfigError::new(
        ConfigErrorKind::Unsupported,
        "[edit]",
        "",
        "syntax error: DTDs are not supported",
    ))
}

#[test]
fn only_a_device_going_away_is_a_grpc_error_every_refusal_is_a_failure_reply() {
    for e in every_device_error() {
        let message = e.to_string();
        let status = jet_failure(e)
            .expect("a refusal is a reply")
            .expect("status");
        assert_eq!(status.code, StatusCode::Failure as i32);
        assert_eq!(status.message, message);
    }
    let err = jet_failure(DeviceError::ShuttingDown).expect_err("grpc error");
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(err.message(), "device is shutting down");
}

#[test]
fn legacy_op_and_ephemeral_get_refusals_are_nok_and_invalid_path() {
    for e in every_device_error() {
        assert_eq!(legacy_code(LegacyRpc::OpCommand, &e), Legacy::Nok);
        assert_eq!(
            legacy_code(LegacyRpc::GetEphemeral, &e),
            Legacy::InvalidPath
        );
    }
}

#[test]
fn legacy_config_refusals_are_invalid_configuration_unless_the_encoding_is_unsupported() {
    for e in every_device_error() {
        let want = if matches!(e, DeviceError::UnsupportedEncoding { .. }) {
            Legacy::UnsupportedEncoding
        } else {
            Legacy::InvalidConfiguration
        };
        assert_eq!(legacy_code(LegacyRpc::CfgCommand, &e), want, "{e}");
        assert_eq!(legacy_code(LegacyRpc::EditEphemeral, &e), want, "{e}");
    }
}

#[test]
fn a_dtd_is_an_unsupported_encoding_for_cfg_command_and_invalid_for_ephemeral_edit() {
    assert_eq!(
        legacy_code(LegacyRpc::CfgCommand, &dtd_error()),
        Legacy::UnsupportedEncoding
    );
    assert_eq!(
        legacy_code(LegacyRpc::EditEphemeral, &dtd_error()),
        Legacy::InvalidConfiguration
    );
}

#[test]
fn legacy_refusal_carries_the_code_and_message_and_shutting_down_stays_a_grpc_error() {
    let (code, message) = legacy_refusal(
        LegacyRpc::CfgCommand,
        DeviceError::DatabaseLocked { by: "bob".into() },
    )
    .expect("reply");
    assert_eq!(code, Legacy::InvalidConfiguration as i32);
    assert_eq!(
        message,
        "configuration database locked by: bob (configure exclusive)"
    );
    for rpc in [
        LegacyRpc::OpCommand,
        LegacyRpc::CfgCommand,
        LegacyRpc::GetEphemeral,
        LegacyRpc::EditEphemeral,
    ] {
        let err = legacy_refusal(rpc, DeviceError::ShuttingDown).expect_err("grpc error");
        assert_eq!(err.code(), Code::Unavailable);
    }
}

#[test]
fn config_session_close_refusals_are_not_found_and_shutting_down_is_unavailable() {
    for e in every_device_error() {
        let message = e.to_string();
        let s = config_session_close(e);
        assert_eq!(s.code(), Code::NotFound);
        assert_eq!(s.message(), message);
    }
    assert_eq!(
        config_session_close(DeviceError::ShuttingDown).code(),
        Code::Unavailable
    );
}

#[test]
fn traffic_refusals_are_grpc_codes_by_kind_with_the_device_message() {
    let cases = [
        (
            FirewallError::Invalid("packet_size: 7 is not 20-65535".into()),
            Code::InvalidArgument,
        ),
        (
            FirewallError::NotFound("flow 9 does not exist".into()),
            Code::NotFound,
        ),
        (
            FirewallError::NoResource("limit of 1024 simulated flows".into()),
            Code::ResourceExhausted,
        ),
        (FirewallError::ShuttingDown, Code::Unavailable),
    ];
    for (e, code) in cases {
        let message = e.to_string();
        let s = traffic_refusal(e);
        assert_eq!((s.code(), s.message()), (code, message.as_str()));
    }
    let s = traffic_denied(DeviceError::OpNotAllowed {
        class: LoginClass::ReadOnly,
    });
    assert_eq!(s.code(), Code::PermissionDenied);
    assert_eq!(
        traffic_denied(DeviceError::ShuttingDown).code(),
        Code::Unavailable
    );
}

#[test]
fn rib_task_gone_is_unavailable_and_a_rib_refusal_there_is_internal() {
    let s = rib_task(RibTaskError::ShuttingDown);
    assert_eq!(s.code(), Code::Unavailable);
    assert_eq!(s.message(), "routing subsystem is shutting down");
    let s = rib_task(RibTaskError::Rib(RibError::UnknownTable {
        table: "t".into(),
    }));
    assert_eq!(s.code(), Code::Internal);
    assert_eq!(s.message(), "unknown routing table 't'");
}

#[test]
fn rib_refusals_are_failures_with_the_rib_sub_code() {
    let cases = [
        (
            RibError::NotInitialized { client: "c".into() },
            RibCode::NotInitialized,
        ),
        (
            RibError::UnknownTable { table: "t".into() },
            RibCode::TableInvalid,
        ),
        (
            RibError::InvalidInstanceName { name: "a b".into() },
            RibCode::RequestInvalid,
        ),
    ];
    for (e, code) in cases {
        let (status, sub) = rib_refusal(&e);
        let status = status.expect("status");
        assert_eq!(status.code, StatusCode::Failure as i32);
        assert_eq!(status.message, e.to_string());
        assert_eq!(sub, code as i32);
    }
    let e = EntryError::new(3, RibCode::RouteExists, "route exists");
    let (status, sub) = entry_refusal(&e);
    assert_eq!(status.expect("status").message, "route 3: route exists");
    assert_eq!(sub, RibCode::RouteExists as i32);
}

#[test]
fn a_message_that_does_not_decode_is_internal_with_the_decoder_reason() {
    let s = malformed(&"invalid wire type value: 7");
    assert_eq!(s.code(), Code::Internal);
    assert_eq!(s.message(), "invalid wire type value: 7");
}

#[test]
fn subscribe_route_count_change_is_a_refusal_and_a_gone_task_unavailable() {
    let (code, message) = subscribe_refusal(
        SubscribeError::RouteCountChanged {
            live: 10,
            asked: 20,
        },
        "inet.0",
    )
    .expect("refusal");
    assert_eq!(code, RibCode::RouteSubscribeResponseRouteCountInvalid);
    assert!(message.starts_with("table 'inet.0': "), "{message}");
    assert!(message.contains("route_count 20"), "{message}");
    let err = subscribe_refusal(SubscribeError::Task(RibTaskError::ShuttingDown), "inet.0")
        .expect_err("grpc error");
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(err.message(), "routing subsystem is shutting down");
}

#[test]
fn legacy_tunnel_sub_codes_keep_their_names_and_an_impossible_one_is_internal_error() {
    use jet_device::tunnels::{TunnelCode, TunnelError};
    use jet_proto::routing::{
        flexible_tunnel_get_response::StatusCode as G,
        flexible_tunnel_update_response::StatusCode as U,
    };
    let e = TunnelError::new(TunnelCode::AlreadyExists, "profile 'x' already exists");
    let (code, sub, message) = legacy_tunnel_refusal(TunnelRpc::Update, &e);
    assert_eq!(code, jet_proto::jnx_base::StatusCode::Failure as i32);
    assert_eq!(sub, U::AlreadyExists as i32);
    assert_eq!(message, "profile 'x' already exists");
    // Get cannot be refused with ALREADY_EXISTS.
    let (_, sub, _) = legacy_tunnel_refusal(TunnelRpc::Get, &e);
    assert_eq!(sub, G::InternalError as i32);
}

#[test]
fn legacy_registration_refusals_use_that_generation_s_field_names() {
    use jet_device::registrations::RegistrationError as E;
    let too_many = || E::TooMany {
        id: "z".into(),
        max: 64,
    };
    assert_eq!(
        legacy_registration_message(too_many()).expect("refusal"),
        "register_id: 'z' would be registration 65 of at most 64"
    );
    assert_eq!(
        registration_message(too_many()).expect("refusal"),
        too_many().to_string()
    );
    let bad_json = E::Invalid {
        field: "services[0].name".into(),
        reason: "is empty".into(),
    };
    assert_eq!(
        legacy_registration_message(bad_json).expect("refusal"),
        "services[0].name: is empty"
    );
    let err = legacy_registration_message(E::ShuttingDown).expect_err("grpc error");
    assert_eq!(err.code(), Code::Unavailable);
}
