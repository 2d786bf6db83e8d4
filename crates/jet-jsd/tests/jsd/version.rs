//! VersionDiscovery: its lists are the served part of what reflection describes, in the
//! contract's `::` naming, with versions from the proto file options.

use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::version::{
    self as pb, version_discovery_client::VersionDiscoveryClient,
};
use jet_testkit::TestDevice;
use tonic_reflection::pb::v1::{
    server_reflection_client::ServerReflectionClient, server_reflection_request::MessageRequest,
    server_reflection_response::MessageResponse, ServerReflectionRequest,
};

/// Service names as reflection lists them.
pub(crate) async fn reflected(c: &jet_sdk::JetClient) -> Vec<String> {
    let mut r = ServerReflectionClient::new(c.channel());
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut s = r
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    let m = s.message().await.unwrap().expect("a reply");
    match m.message_response {
        Some(MessageResponse::ListServicesResponse(l)) => {
            l.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection reply {other:?}"),
    }
}

/// The contract's `::` naming, with OpenJET's rule for the older generation
/// (`legacy::<package>::<Service>`) and its own services (`openjet::<Service>`).
fn short(full: &str) -> String {
    let service = full.rsplit('.').next().unwrap();
    if let Some(rest) = full.strip_prefix("jnx.jet.") {
        format!("{}::{service}", rest.split('.').next().unwrap())
    } else if full.starts_with("openjet.") {
        format!("openjet::{service}")
    } else {
        format!("legacy::{}", full.replace('.', "::"))
    }
}

#[tokio::test]
async fn version_discovery_lists_served_services_that_reflection_describes() {
    let dev = TestDevice::start().await;
    let c = dev.admin("vd").await;
    let mut vd = VersionDiscoveryClient::new(c.channel());
    let v = vd
        .junos_version_get(pb::JunosVersionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(v.junos_version, "Junos: 24.4R1");
    let list = vd
        .service_list_get(pb::ServiceListRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(list.status.unwrap().code, StatusCode::Success as i32);
    let reflection: Vec<String> = reflected(&c).await.iter().map(|s| short(s)).collect();
    for s in &list.service_name {
        assert!(
            reflection.contains(s),
            "{s} not in reflection {reflection:?}"
        );
    }
    for want in [
        "routing::Rib",
        "routing::Bgp",
        "management::Management",
        "version::VersionDiscovery",
        "registration::Registration",
        // The older generation and OpenJET's own services are served too.
        "legacy::authentication::Login",
        "legacy::management::ManagementRpcApi",
        "legacy::routing::Rib",
        "legacy::routing::Base",
        "openjet::ConfigSession",
        "openjet::Software",
        "openjet::Traffic",
        "openjet::AppCommands",
    ] {
        assert!(
            list.service_name.iter().any(|s| s == want),
            "{want}: {:?}",
            list.service_name
        );
    }
    // Served since issue 12: listed.
    assert!(list
        .service_name
        .iter()
        .any(|s| s == "routing::FlexibleTunnel"));
    // Described by reflection but not served: not listed.
    assert!(reflection.contains(&"legacy::routing::MplsApi".to_string()));
    assert!(!list
        .service_name
        .iter()
        .any(|s| s == "legacy::routing::MplsApi"));

    let rpcs = vd
        .rpc_list_get(pb::RpcListRequest {
            service_name: "routing::Bgp".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rpc_name;
    assert_eq!(rpcs.len(), 10);
    assert!(rpcs.contains(&"RouteGet".to_string()));
    let legacy = vd
        .rpc_list_get(pb::RpcListRequest {
            service_name: "legacy::routing::Rib".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rpc_name;
    assert!(legacy.contains(&"RouteAdd".to_string()), "{legacy:?}");
    // The dotted full name is accepted too.
    let same = vd
        .rpc_list_get(pb::RpcListRequest {
            service_name: "routing.Rib".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rpc_name;
    assert_eq!(same, legacy);
    let bad = vd
        .rpc_list_get(pb::RpcListRequest {
            service_name: "routing::Nope".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let st = bad.status.unwrap();
    assert_eq!(st.code, StatusCode::Failure as i32);
    assert!(st.message.contains("routing::Nope"));

    let ver = vd
        .service_version_get(pb::ServiceVersionRequest {
            rpc_name: "routing::Bgp::RouteAdd".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((ver.major, ver.minor, ver.patch), (0, 3, 0));
    assert_eq!(ver.tag, "20.4");
    let rib = vd
        .service_version_get(pb::ServiceVersionRequest {
            rpc_name: "routing::Rib::RouteGet".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((rib.major, rib.minor, rib.patch), (0, 2, 1));
    let bad = vd
        .service_version_get(pb::ServiceVersionRequest {
            rpc_name: "routing::Rib::Nope".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(bad.status.unwrap().message.contains("routing::Rib::Nope"));
}
