//! gRPC service adapters: protobuf in, device request, device reply, protobuf out.
//!
//! Errors are mapped to what clients see in one place, [`status`] (by variant, for each
//! generation); protobuf enum fields are decoded in one place, [`wire_enum`].

mod app_commands;
mod auth;
mod base;
mod bgp;
mod config_session;
mod firewall;
mod flexible_tunnel;
mod interfaces;
mod legacy;
mod legacy_base;
mod legacy_interfaces;
mod legacy_registration;
mod legacy_rib;
mod legacy_rt_interfaces;
mod mgmt;
pub(crate) mod proxy;
mod reflection;
mod registration;
mod rib;
pub(crate) mod rt_interfaces;
pub(crate) mod served;
mod software;
pub(crate) mod status;
mod traffic;
mod version;
mod wire_codec;
mod wire_enum;

use std::sync::Arc;

use tonic::service::Routes;

use crate::conn::{Caller, ConnInfo};
use crate::Shared;

pub(crate) use bgp::BgpSubscriptions;
pub(crate) use status::{classify, failure, ok_status};

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
    b.add_service(
        jet_proto::openjet::software::v1::software_server::SoftwareServer::new(
            software::SoftwareSvc::new(shared.clone()),
        )
        // A chunk is at most 1 MiB; the whole upload is bounded by the device.
        .max_decoding_message_size(2 << 20),
    );
    b.add_service(
        jet_proto::openjet::appcommands::v1::app_commands_server::AppCommandsServer::new(
            app_commands::AppCommandsSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::openjet::traffic::v1::traffic_server::TrafficServer::new(
            traffic::TrafficSvc::new(shared.clone()),
        ),
    );
    b.add_service(rib::RibService::new(rib::RibSvc::new(shared.clone())));
    b.add_service(legacy_rib::LegacyRibService::new(
        legacy_rib::LegacyRibSvc::new(shared.clone()),
    ));
    b.add_service(jet_proto::routing::base_server::BaseServer::new(
        legacy_base::LegacyBaseSvc::new(shared.clone()),
    ));
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
    b.add_service(
        jet_proto::routing::routing_interface_server::RoutingInterfaceServer::new(
            legacy_rt_interfaces::LegacyRtInterfacesSvc::new(shared.clone()),
        ),
    );
    legacy_interfaces::add_services(&mut b, &shared);
    b.add_service(
        jet_proto::jnx::jet::firewall::firewall_server::FirewallServer::new(
            firewall::FirewallSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::jnx::jet::interfaces::interfaces_server::InterfacesServer::new(
            interfaces::InterfacesSvc::new(shared.clone()),
        ),
    );
    b.add_service(bgp::BgpService::new(bgp::BgpSvc::new(shared.clone())));
    b.add_service(jet_proto::routing::bgp_route_server::BgpRouteServer::new(
        bgp::legacy::LegacyBgpSvc::new(shared.clone()),
    ));
    b.add_service(
        jet_proto::jnx::jet::version::version_discovery_server::VersionDiscoveryServer::new(
            version::VersionSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::jnx::jet::routing::rib::flexible_tunnel_server::FlexibleTunnelServer::new(
            flexible_tunnel::FlexibleTunnelSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::routing::flexible_tunnel_server::FlexibleTunnelServer::new(
            flexible_tunnel::legacy::LegacyFlexibleTunnelSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::jnx::jet::registration::registration_server::RegistrationServer::new(
            registration::RegistrationSvc::new(shared.clone()),
        ),
    );
    b.add_service(
        jet_proto::registration::register_server::RegisterServer::new(
            legacy_registration::LegacyRegisterSvc::new(shared.clone()),
        ),
    );
    // Reflection describes jsd's services and the APIs registered at the time of the call.
    b.add_service(reflection::DynReflection::<true>::new(shared.clone()));
    b.add_service(reflection::DynReflection::<false>::new(shared.clone()));
    let (_reporter, health) = tonic_health::server::health_reporter();
    // The reporter's default is SERVING for the empty service name ("the server").
    b.add_service(health);
    // Calls no service above serves go to the registered APIs (or UNIMPLEMENTED).
    Routes::from(
        b.routes()
            .into_axum_router()
            .fallback_service(proxy::Proxy::new(shared)),
    )
}

/// The connection a request came in on.
pub(crate) fn conn<T>(req: &tonic::Request<T>) -> Result<ConnInfo, tonic::Status> {
    req.extensions()
        .get::<ConnInfo>()
        .cloned()
        .ok_or_else(|| tonic::Status::internal("jsd: request without a connection"))
}

/// Who is calling ([`ConnInfo::caller`]): the one accessor every handler uses.
pub(crate) fn caller<T>(req: &tonic::Request<T>) -> Result<Caller, tonic::Status> {
    Ok(conn(req)?.caller())
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
