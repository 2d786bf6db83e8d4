//! gRPC service adapters: protobuf in, device request, device reply, protobuf out.
//!
//! Error mapping lives here, in one place: a request the client got wrong in form is a
//! gRPC error (`INVALID_ARGUMENT` naming the field); a well-formed request the device
//! refuses is a normal reply with the JET status FAILURE and a message (what JET apps
//! check); a device that is going away is `UNAVAILABLE`.

mod auth;
mod base;
mod config_session;
mod legacy;
mod mgmt;
mod rib;
pub(crate) mod rt_interfaces;

use std::sync::Arc;

use jet_device::{DeviceError, Login};
use jet_proto::jnx::jet::common::{RpcStatus, StatusCode};
use tonic::service::Routes;

use crate::conn::ConnInfo;
use crate::Shared;

/// All services of one listener, with reflection and health.
pub(crate) fn routes(shared: Arc<Shared>) -> Routes {
    let mut b = Routes::builder();
    b.add_service(
        jet_proto::jnx::jet::authentication::authentication_server::AuthenticationServer::new(
            auth::AuthenticationSvc::new(shared.clone()),
        ),
    );
    b.add_service(jet_proto::authentication::login_server::LoginServer::new(
        auth::LegacyLoginSvc::new(shared.clone()),
    ));
    b.add_service(
        jet_proto::jnx::jet::management::management_server::ManagementServer::new(
            mgmt::ManagementSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::management::management_rpc_api_server::ManagementRpcApiServer::new(
            legacy::LegacyManagementSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::openjet::config::v1::config_session_server::ConfigSessionServer::new(
            config_session::ConfigSessionSvc::new(shared.clone()),
        ),
    );
    b.add_service(rib::RibService::new(rib::RibSvc::new(shared.clone())));
    b.add_service(
        jet_proto::jnx::jet::routing::base::base_server::BaseServer::new(base::BaseSvc::new(
            shared.clone(),
        )),
    );
    b.add_service(
        jet_proto::jnx::jet::routing::interfaces::interfaces_server::InterfacesServer::new(
            rt_interfaces::RtInterfacesSvc::new(shared.clone()),
        ),
    );
    if let Ok(v1) = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(jet_proto::FILE_DESCRIPTOR_SET)
        .build_v1()
    {
        b.add_service(v1);
    }
    if let Ok(v1alpha) = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(jet_proto::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
    {
        b.add_service(v1alpha);
    }
    let (_reporter, health) = tonic_health::server::health_reporter();
    // The reporter's default is SERVING for the empty service name ("the server").
    b.add_service(health);
    b.routes()
}

/// The connection a request came in on.
pub(crate) fn conn<T>(req: &tonic::Request<T>) -> Result<ConnInfo, tonic::Status> {
    req.extensions()
        .get::<ConnInfo>()
        .cloned()
        .ok_or_else(|| tonic::Status::internal("jsd: request without a connection"))
}

/// Who is calling: the session's login, or the stand-in identity under
/// `skip-authentication` (treated as a super-user: the operator chose to trust every
/// client that can reach the port).
pub(crate) fn caller(shared: &Shared, info: &ConnInfo) -> Login {
    shared
        .device
        .sessions()
        .get(info.session)
        .and_then(|s| s.login)
        .unwrap_or_else(|| Login {
            user: "anonymous".into(),
            class: jet_config::LoginClass::SuperUser,
            client_id: String::new(),
            group_id: String::new(),
            at: chrono::Utc::now(),
        })
}

pub(crate) fn ok_status() -> Option<RpcStatus> {
    Some(RpcStatus {
        code: StatusCode::Success as i32,
        message: String::new(),
    })
}

pub(crate) fn failure(message: impl Into<String>) -> Option<RpcStatus> {
    Some(RpcStatus {
        code: StatusCode::Failure as i32,
        message: message.into(),
    })
}

/// Device errors that are not the client's fault become gRPC errors; the rest are JET
/// FAILURE replies (returned as `Ok(message)`).
pub(crate) fn classify(e: DeviceError) -> Result<String, tonic::Status> {
    match e {
        DeviceError::ShuttingDown => Err(tonic::Status::unavailable("device is shutting down")),
        other => Ok(other.to_string()),
    }
}

/// The op-command output format of a request. Both generations number it the same way
/// (JSON 0, XML 1, CLI 2), so one mapping serves `OpCommandGet` and `ExecuteOpCommand`.
pub(crate) fn op_format(value: i32, enum_name: &str) -> Result<jet_device::Format, tonic::Status> {
    match value {
        0 => Ok(jet_device::Format::Json),
        1 => Ok(jet_device::Format::Xml),
        2 => Ok(jet_device::Format::Text),
        other => Err(tonic::Status::invalid_argument(format!(
            "out_format: unknown {enum_name} value {other}"
        ))),
    }
}

/// Splits op output into stream chunks at character boundaries.
/// An operational command's output as the 16 KiB messages it is sent in, taken from the
/// device as the client reads (the device renders `show route` while it streams); at least
/// one message, empty for empty output.
pub(crate) fn op_messages(
    pieces: jet_device::op::OpPieces,
) -> impl futures::Stream<Item = String> + Send {
    use std::collections::VecDeque;
    struct St {
        rx: jet_device::op::OpPieces,
        pending: VecDeque<String>,
        sent: bool,
        done: bool,
    }
    let st = St {
        rx: pieces,
        pending: VecDeque::new(),
        sent: false,
        done: false,
    };
    futures::stream::unfold(st, |mut st| async move {
        loop {
            if let Some(m) = st.pending.pop_front() {
                st.sent = true;
                return Some((m, st));
            }
            if st.done {
                return None;
            }
            match st.rx.recv().await {
                Some(p) => st.pending.extend(chunks(p)),
                None => {
                    st.done = true;
                    if !st.sent {
                        st.sent = true;
                        return Some((String::new(), st));
                    }
                }
            }
        }
    })
}

/// `text` in 16 KiB pieces split on character boundaries, produced one at a time from
/// the owned text (none for empty text).
pub(crate) fn chunks(text: String) -> impl Iterator<Item = String> + Send {
    const CHUNK: usize = 16 * 1024;
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let mut end = (pos + CHUNK).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let piece = text[pos..end].to_owned();
        pos = end;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn op_messages_rechunk_pieces_and_send_one_empty_message_for_no_output() {
        use futures::StreamExt as _;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        drop(tx);
        let got: Vec<String> = op_messages(rx).collect().await;
        assert_eq!(got, vec![String::new()]);

        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let big = "x".repeat(40 * 1024);
        tokio::spawn(async move {
            for p in ["a\n".to_string(), String::new(), big, "z\n".to_string()] {
                tx.send(p).await.unwrap();
            }
        });
        let got: Vec<String> = op_messages(rx).collect().await;
        assert!(got.iter().all(|m| !m.is_empty() && m.len() <= 16 * 1024));
        assert_eq!(got.len(), 5, "a, three pieces of the big one, z");
        assert_eq!(got.concat(), format!("a\n{}z\n", "x".repeat(40 * 1024)));
    }

    #[test]
    fn chunks_split_on_char_boundaries_and_rejoin() {
        let text = "é".repeat(20_000);
        let parts: Vec<String> = chunks(text.clone()).collect();
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.len() <= 16 * 1024));
        assert_eq!(parts.concat(), text);
        assert_eq!(chunks(String::new()).count(), 0);
        assert_eq!(
            chunks("ab".into()).collect::<Vec<_>>(),
            vec!["ab".to_string()]
        );
    }
}
