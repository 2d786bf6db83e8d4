//! The older generation's `routing.FlexibleTunnel` and `registration.Register` driven by
//! clients generated from juniper-jet's own `1/` folder. Needs `$JETD_BIN`.

use compat_juniper_jet::legacy::authentication::{login_client::LoginClient, LoginRequest};
use compat_juniper_jet::legacy::jnx_base::{ip_address::AddrFormat, IpAddress, NumericRange};
use compat_juniper_jet::legacy::registration::{
    register_client::RegisterClient, register_request::InputType, RegisterRequest,
};
use compat_juniper_jet::legacy::routing::{
    flexible_tunnel_add_response, flexible_tunnel_client::FlexibleTunnelClient,
    flexible_tunnel_delete_response, flexible_tunnel_get_response, network_address::Af,
    tunnel_attributes::TunnelAttributesType, FlexibleTunnelAddRequest, FlexibleTunnelDeleteRequest,
    FlexibleTunnelGetRequest, FlexibleTunnelProfile, FlexibleTunnelUpdateRequest, NetworkAddress,
    TunnelActionType, TunnelAttributes, VxlanTunnelAttributes,
};
use compat_juniper_jet::{Device, ADMIN_PASSWORD};
use tonic::transport::Channel;

async fn legacy_session(device: &Device, client_id: &str) -> Channel {
    let channel = tonic::transport::Endpoint::from_shared(device.clear_url())
        .expect("endpoint")
        .connect()
        .await
        .expect("connect");
    let reply = LoginClient::new(channel.clone())
        .login_check(LoginRequest {
            user_name: "admin".into(),
            password: ADMIN_PASSWORD.into(),
            client_id: client_id.into(),
            group_id: String::new(),
        })
        .await
        .expect("LoginCheck")
        .into_inner();
    assert!(reply.result, "legacy login as admin");
    channel
}

fn net(addr: &str) -> Option<NetworkAddress> {
    Some(NetworkAddress {
        af: Some(Af::Inet(IpAddress {
            addr_format: Some(AddrFormat::AddrString(addr.into())),
        })),
    })
}

fn encap(name: &str, vni: u32) -> FlexibleTunnelProfile {
    FlexibleTunnelProfile {
        name: name.into(),
        action: TunnelActionType::Encapsulate as i32,
        interface_name: "fti0.1".into(),
        attributes: Some(TunnelAttributes {
            tunnel_attributes_type: Some(TunnelAttributesType::Vxlan(VxlanTunnelAttributes {
                vni,
                source_prefix: net("192.0.2.1"),
                source_prefix_len: 32,
                source_udp_port_range: Some(NumericRange {
                    min: 49152,
                    max: 65535,
                }),
                destination_address: net("198.51.100.7"),
                destination_udp_port: 4789,
                ..Default::default()
            })),
        }),
    }
}

fn vni_of(p: &FlexibleTunnelProfile) -> Option<u32> {
    match p.attributes.as_ref()?.tunnel_attributes_type.as_ref()? {
        TunnelAttributesType::Vxlan(v) => Some(v.vni),
        _ => None,
    }
}

#[tokio::test]
async fn legacy_flexible_tunnel_adds_reads_updates_and_deletes_profiles() {
    let device = Device::start();
    let mut ft = FlexibleTunnelClient::new(legacy_session(&device, "compat-ft").await);
    let r = ft
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![encap("enc", 100)],
        })
        .await
        .expect("FlexibleTunnelAdd")
        .into_inner();
    assert_eq!(
        (r.sub_code, r.operations_completed, r.message.as_str()),
        (
            flexible_tunnel_add_response::StatusCode::Success as i32,
            1,
            ""
        )
    );
    // The same name again: ALREADY_EXISTS, the message naming the profile.
    let r = ft
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![encap("enc", 100)],
        })
        .await
        .expect("FlexibleTunnelAdd")
        .into_inner();
    assert_eq!(
        r.sub_code,
        flexible_tunnel_add_response::StatusCode::AlreadyExists as i32
    );
    assert!(r.message.contains("enc"), "{}", r.message);

    let g = ft
        .flexible_tunnel_get(FlexibleTunnelGetRequest {
            tunnel_profile_name: "enc".into(),
        })
        .await
        .expect("FlexibleTunnelGet")
        .into_inner();
    assert_eq!(
        g.sub_code,
        flexible_tunnel_get_response::StatusCode::Success as i32
    );
    let p = g.tunnel_profile.expect("profile");
    assert_eq!(
        (p.name.as_str(), p.interface_name.as_str()),
        ("enc", "fti0.1")
    );
    assert_eq!(vni_of(&p), Some(100));

    let r = ft
        .flexible_tunnel_update(FlexibleTunnelUpdateRequest {
            tunnel_profiles: vec![encap("enc", 200)],
        })
        .await
        .expect("FlexibleTunnelUpdate")
        .into_inner();
    assert_eq!(
        (r.sub_code, r.operations_completed),
        (0, 1),
        "{}",
        r.message
    );
    let g = ft
        .flexible_tunnel_get(FlexibleTunnelGetRequest {
            tunnel_profile_name: "enc".into(),
        })
        .await
        .expect("FlexibleTunnelGet")
        .into_inner();
    assert_eq!(g.tunnel_profile.as_ref().and_then(vni_of), Some(200));

    let r = ft
        .flexible_tunnel_delete(FlexibleTunnelDeleteRequest {
            tunnel_profile_names: vec!["enc".into(), "nope".into()],
        })
        .await
        .expect("FlexibleTunnelDelete")
        .into_inner();
    // In order, stopping at the first refusal: "enc" went, "nope" does not exist.
    assert_eq!(
        (r.sub_code, r.operations_completed),
        (
            flexible_tunnel_delete_response::StatusCode::NotFound as i32,
            1
        )
    );
    assert!(r.message.contains("nope"), "{}", r.message);
    let g = ft
        .flexible_tunnel_get(FlexibleTunnelGetRequest {
            tunnel_profile_name: "enc".into(),
        })
        .await
        .expect("FlexibleTunnelGet")
        .into_inner();
    assert_eq!(
        g.sub_code,
        flexible_tunnel_get_response::StatusCode::NotFound as i32
    );
}

#[tokio::test]
async fn legacy_register_service_stores_a_registration_and_names_a_bad_field() {
    let device = Device::start();
    let mut reg = RegisterClient::new(legacy_session(&device, "compat-reg").await);
    let api = r#"{"services":[{"name":"acme.v1.Echo","rpcs":[{"name":"Say","client_streaming":false,"server_streaming":false}]}]}"#;
    let r = reg
        .register_service(RegisterRequest {
            input_type: Some(InputType::JsonInput(api.into())),
            target: "127.0.0.1:50051".into(),
            register_id: "compat-echo".into(),
            ..Default::default()
        })
        .await
        .expect("RegisterService")
        .into_inner();
    assert!(r.result, "{}", r.error);
    assert!(device.data_dir().join("japi/compat-echo.json").is_file());

    let r = reg
        .register_service(RegisterRequest {
            input_type: Some(InputType::JsonInput(api.into())),
            target: "127.0.0.1:50051".into(),
            register_id: "../escape".into(),
            ..Default::default()
        })
        .await
        .expect("RegisterService")
        .into_inner();
    assert!(!r.result);
    assert!(r.error.starts_with("register_id:"), "{}", r.error);
}
