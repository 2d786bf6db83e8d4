//! The BGP route service, Registration and FlexibleTunnel driven by juniper-jet (Juniper's
//! own 23.1 IDL, prost 0.11): Juniper's clients must work unchanged. Needs `$JETD_BIN`.

use compat_juniper_jet::Device;
use jet::junos_23_1::jnx::jet::{
    common::{ip_address::AddrFormat, IpAddress, NumericRange, StatusCode},
    management::{
        config_set_request::Config, management_client::ManagementClient, ConfigLoadType,
        ConfigSetRequest,
    },
    registration::{
        api_register_request::InputType, registration_client::RegistrationClient,
        ApiRegisterRequest,
    },
    routing::base::{
        network_address::Af, route_prefix::RoutePrefixAf, route_table::RouteTableFormat, AsPath,
        NetworkAddress, RoutePrefix, RouteTable, RouteTableName,
    },
    routing::bgp::{
        self, bgp_client::BgpClient, InitializeRequest, RouteDeleteRequest, RouteEntry,
        RouteGetRequest, RouteMatch, RouteUpdateRequest,
    },
    routing::rib::{
        flexible_tunnel_add_response, flexible_tunnel_client::FlexibleTunnelClient,
        flexible_tunnel_delete_response, tunnel_attributes::TunnelAttributesType,
        FlexibleTunnelAddRequest, FlexibleTunnelDeleteRequest, FlexibleTunnelGetRequest,
        FlexibleTunnelProfile, TunnelActionType, TunnelAttributes, VxlanTunnelAttributes,
    },
};

fn ip(text: &str) -> IpAddress {
    IpAddress {
        addr_format: Some(AddrFormat::AddrString(text.into())),
    }
}

fn bgp_route(prefix: &str) -> RouteEntry {
    let (addr, len) = prefix.split_once('/').expect("prefix/len");
    RouteEntry {
        key: Some(RouteMatch {
            dest_prefix: Some(RoutePrefix {
                route_prefix_af: Some(RoutePrefixAf::Inet(ip(addr))),
            }),
            dest_prefix_len: len.parse().expect("length"),
            table: Some(RouteTable {
                route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                    name: "inet.0".into(),
                })),
            }),
            ..Default::default()
        }),
        protocol_nexthops: vec![ip("192.0.2.1")],
        ..Default::default()
    }
}

#[tokio::test]
async fn bgp_static_routes_are_programmed_read_and_deleted() {
    let device = Device::start();
    let channel = device.session("compat-bgp").await;
    let mut bgp = BgpClient::new(channel.clone());
    let init = bgp
        .initialize(InitializeRequest::default())
        .await
        .expect("Initialize")
        .into_inner();
    assert_eq!(
        init.sub_code(),
        bgp::initialize_response::StatusCode::BgpNotReady
    );
    let set = ManagementClient::new(channel.clone())
        .config_set(ConfigSetRequest {
            load_type: ConfigLoadType::ConfigLoadMerge.into(),
            commit: None,
            config: Some(Config::TextConfig(
                "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } } } } \
                 routing-options { autonomous-system 65000; } \
                 protocols { bgp { group rr { type internal; neighbor 192.0.2.1; } } }"
                    .into(),
            )),
        })
        .await
        .expect("ConfigSet")
        .into_inner();
    assert_eq!(set.status.map(|s| s.code()), Some(StatusCode::Success));
    let init = bgp
        .initialize(InitializeRequest::default())
        .await
        .expect("Initialize")
        .into_inner();
    assert_eq!(
        init.sub_code(),
        bgp::initialize_response::StatusCode::Success
    );

    let mut first = bgp_route("10.0.0.0/24");
    first.local_preference = Some(300);
    first.aspath = Some(AsPath {
        aspath: "65001 65002".into(),
    });
    let routes = vec![first, bgp_route("10.0.1.0/24"), bgp_route("10.0.2.0/24")];
    let add = bgp
        .route_add(RouteUpdateRequest { routes })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(
        add.sub_code(),
        bgp::route_oper_response::StatusCode::Success
    );
    assert_eq!(add.operations_completed, 3);

    let mut stream = bgp
        .route_get(RouteGetRequest {
            route_count: 2,
            ..Default::default()
        })
        .await
        .expect("RouteGet")
        .into_inner();
    let mut sizes = Vec::new();
    let mut lp = None;
    while let Some(m) = stream.message().await.expect("RouteGet message") {
        if lp.is_none() {
            lp = m.routes.first().and_then(|r| r.local_preference);
        }
        sizes.push(m.routes.len());
    }
    assert_eq!(sizes, vec![2, 1, 0]);
    assert_eq!(lp, Some(300));

    let del = bgp
        .route_delete(RouteDeleteRequest {
            routes: vec![bgp_route("10.0.1.0/24").key.expect("key")],
            or_longer: false,
        })
        .await
        .expect("RouteDelete")
        .into_inner();
    assert_eq!(
        del.sub_code(),
        bgp::route_oper_response::StatusCode::Success
    );
    assert_eq!(del.operations_completed, 1);
}

#[tokio::test]
async fn api_register_succeeds_refuses_bad_json_and_routes_calls_to_the_target() {
    let device = Device::start();
    let channel = device.session("compat-reg").await;
    let mut reg = RegistrationClient::new(channel.clone());
    let bad = reg
        .api_register(ApiRegisterRequest {
            input_type: Some(InputType::JsonString("{\"services\": 1}".into())),
            target: "127.0.0.1:1".into(),
            id: "compat".into(),
            ..Default::default()
        })
        .await
        .expect("ApiRegister")
        .into_inner()
        .status
        .expect("status");
    assert_eq!(bad.code(), StatusCode::Failure);
    assert!(
        bad.message.contains("services: is not an array"),
        "{}",
        bad.message
    );

    // A JSON file on the device, as Juniper's json_file carries it.
    let file = device.data_dir().join("compat-api.json");
    std::fs::write(
        &file,
        r#"{"services":[{"name":"acme.v1.Echo","rpcs":["Say"]}]}"#,
    )
    .expect("write api file");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let ok = reg
        .api_register(ApiRegisterRequest {
            input_type: Some(InputType::JsonFile(file.display().to_string())),
            target: format!("127.0.0.1:{port}"),
            id: "compat".into(),
            ..Default::default()
        })
        .await
        .expect("ApiRegister")
        .into_inner()
        .status
        .expect("status");
    assert_eq!(ok.code(), StatusCode::Success, "{}", ok.message);
    assert!(device.data_dir().join("japi/compat.json").is_file());

    // jsd now routes the registered method to the target (down here: UNAVAILABLE
    // naming it), where an unregistered one is UNIMPLEMENTED.
    let mut raw = tonic::client::Grpc::new(channel);
    raw.ready().await.expect("ready");
    let e = raw
        .unary::<_, IpAddress, _>(
            tonic::Request::new(ip("0.0.0.0")),
            tonic::codegen::http::uri::PathAndQuery::from_static("/acme.v1.Echo/Say"),
            tonic::codec::ProstCodec::default(),
        )
        .await
        .expect_err("target is down");
    assert_eq!(e.code(), tonic::Code::Unavailable, "{}", e.message());
    assert!(
        e.message().contains(&format!("127.0.0.1:{port}")),
        "{}",
        e.message()
    );
}

#[tokio::test]
async fn flexible_tunnel_profiles_are_added_read_and_deleted() {
    let device = Device::start();
    let channel = device.session("compat-ft").await;
    let mut ft = FlexibleTunnelClient::new(channel);
    let net = |a: &str| NetworkAddress {
        af: Some(Af::Inet(ip(a))),
    };
    let profile = FlexibleTunnelProfile {
        name: "vx1".into(),
        action: TunnelActionType::Encapsulate.into(),
        interface_name: "fti0.1".into(),
        attributes: Some(TunnelAttributes {
            tunnel_attributes_type: Some(TunnelAttributesType::Vxlan(VxlanTunnelAttributes {
                vni: 5000,
                source_prefix: Some(net("192.0.2.1")),
                source_prefix_len: 32,
                source_udp_port_range: Some(NumericRange {
                    min: 49152,
                    max: 65535,
                }),
                destination_address: Some(net("198.51.100.1")),
                destination_udp_port: 4789,
                ..Default::default()
            })),
        }),
    };
    let add = ft
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![profile.clone(), profile],
        })
        .await
        .expect("FlexibleTunnelAdd")
        .into_inner();
    assert_eq!(
        add.sub_code(),
        flexible_tunnel_add_response::StatusCode::AlreadyExists
    );
    assert_eq!(add.operations_completed, 1);
    let got = ft
        .flexible_tunnel_get(FlexibleTunnelGetRequest {
            tunnel_profile_name: "vx1".into(),
        })
        .await
        .expect("FlexibleTunnelGet")
        .into_inner();
    let Some(TunnelAttributesType::Vxlan(v)) = got
        .tunnel_profile
        .and_then(|p| p.attributes)
        .and_then(|a| a.tunnel_attributes_type)
    else {
        panic!("a VXLAN profile")
    };
    assert_eq!((v.vni, v.destination_udp_port), (5000, 4789));
    let del = ft
        .flexible_tunnel_delete(FlexibleTunnelDeleteRequest {
            tunnel_profile_names: vec!["vx1".into(), "vx1".into()],
        })
        .await
        .expect("FlexibleTunnelDelete")
        .into_inner();
    assert_eq!(
        del.sub_code(),
        flexible_tunnel_delete_response::StatusCode::NotFound
    );
    assert_eq!(del.operations_completed, 1);
}
