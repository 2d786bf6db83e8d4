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

#[tokio::test]
async fn legacy_dcd_builds_an_interface_tree_queries_it_and_deletes_it() {
    use compat_juniper_jet::legacy::interface::{
        attr_query_service_client::AttrQueryServiceClient,
        interfaces_service_client::InterfacesServiceClient, ip_address, AttributeRequestInfo,
        FamilyType, IntegerAttr, InterfaceAddressConfig, InterfaceConfig, InterfaceFamilyConfig,
        InterfaceLogicalConfig, IpAddress as DcdAddress, RetStatus, Value32,
    };
    let device = Device::start();
    let channel = legacy_session(&device, "compat-dcd").await;
    let mut dcd = InterfacesServiceClient::new(channel.clone());
    let mut attrs = AttrQueryServiceClient::new(channel);
    let unit = || Some(Value32 { unit: 0 });
    let r = dcd
        .interface_create(InterfaceConfig {
            port_name: "ge-0/0/3".into(),
            integer_attr_list: vec![IntegerAttr {
                attr_name: "mtu".into(),
                attr_value: 1500,
            }],
            client_ctx: 7,
            request_id: 9,
            ..Default::default()
        })
        .await
        .expect("InterfaceCreate")
        .into_inner();
    assert_eq!(
        (r.status, r.client_ctx, r.request_id),
        (RetStatus::Success as i32, 7, 9),
        "{}",
        r.error_message
    );
    let r = dcd
        .interface_logical_create(InterfaceLogicalConfig {
            port_name: "ge-0/0/3".into(),
            ifl_unit: unit(),
            ..Default::default()
        })
        .await
        .expect("InterfaceLogicalCreate")
        .into_inner();
    assert_eq!(r.status, RetStatus::Success as i32, "{}", r.error_message);
    let r = dcd
        .interface_family_create(InterfaceFamilyConfig {
            port_name: "ge-0/0/3".into(),
            ifl_unit: unit(),
            family: FamilyType::IntfAfInet as i32,
            ..Default::default()
        })
        .await
        .expect("InterfaceFamilyCreate")
        .into_inner();
    assert_eq!(r.status, RetStatus::Success as i32, "{}", r.error_message);
    let r = dcd
        .interface_address_create(InterfaceAddressConfig {
            port_name: "ge-0/0/3".into(),
            ifl_unit: unit(),
            family: FamilyType::IntfAfInet as i32,
            interface_address: Some(DcdAddress {
                addr_format: Some(ip_address::AddrFormat::AddrString("10.99.0.1/24".into())),
            }),
            ..Default::default()
        })
        .await
        .expect("InterfaceAddressCreate")
        .into_inner();
    assert_eq!(r.status, RetStatus::Success as i32, "{}", r.error_message);

    let q = attrs
        .interfaces_query_attribute(AttributeRequestInfo {
            port_name: "ge-0/0/3".into(),
            integer_attr_list: vec![IntegerAttr {
                attr_name: "mtu".into(),
                attr_value: 0,
            }],
            ..Default::default()
        })
        .await
        .expect("InterfacesQueryAttribute")
        .into_inner();
    assert_eq!(
        q.status,
        RetStatus::AttributeFound as i32,
        "{}",
        q.error_message
    );
    assert_eq!(
        q.integer_attr_list
            .iter()
            .map(|a| (a.attr_name.as_str(), a.attr_value))
            .collect::<Vec<_>>(),
        [("mtu", 1500)]
    );
    // A unit that does not exist.
    let q = attrs
        .interfaces_query_attribute(AttributeRequestInfo {
            port_name: "ge-0/0/3".into(),
            ifl_unit: Some(Value32 { unit: 5 }),
            ..Default::default()
        })
        .await
        .expect("InterfacesQueryAttribute")
        .into_inner();
    assert_eq!(
        q.status,
        RetStatus::ObjectNotFound as i32,
        "{}",
        q.error_message
    );

    let r = dcd
        .interface_logical_delete(InterfaceLogicalConfig {
            port_name: "ge-0/0/3".into(),
            ifl_unit: unit(),
            ..Default::default()
        })
        .await
        .expect("InterfaceLogicalDelete")
        .into_inner();
    assert_eq!(r.status, RetStatus::Success as i32, "{}", r.error_message);
    let q = attrs
        .interfaces_query_attribute(AttributeRequestInfo {
            port_name: "ge-0/0/3".into(),
            ifl_unit: unit(),
            ..Default::default()
        })
        .await
        .expect("InterfacesQueryAttribute")
        .into_inner();
    assert_eq!(
        q.status,
        RetStatus::ObjectNotFound as i32,
        "{}",
        q.error_message
    );
}

#[tokio::test]
async fn legacy_dcd_ownership_public_units_timeout_deletes_and_refusals() {
    use compat_juniper_jet::legacy::interface::{
        interfaces_service_client::InterfacesServiceClient, ip_address,
        object_query_service_client::ObjectQueryServiceClient,
        public_ifl_service_client::PublicIflServiceClient,
        timeout_service_client::TimeoutServiceClient, FamilyType, InterfaceAddressConfig,
        InterfaceConfig, InterfaceFamilyConfig, InterfaceLogicalConfig, IpAddress as DcdAddress,
        ObjectOwnershipQuery, RetStatus, RtConfig, StringAttr, TimeoutInfo, Value32,
    };
    let device = Device::start();
    let mine = legacy_session(&device, "compat-dcd-a").await;
    let theirs = legacy_session(&device, "compat-dcd-b").await;
    let mut dcd = InterfacesServiceClient::new(mine.clone());
    let addr = |a: &str| {
        Some(DcdAddress {
            addr_format: Some(ip_address::AddrFormat::AddrString(a.into())),
        })
    };
    let unit = || Some(Value32 { unit: 0 });
    let inet = FamilyType::IntfAfInet as i32;

    // Refusals name the missing field.
    let r = dcd
        .interface_create(InterfaceConfig::default())
        .await
        .expect("InterfaceCreate")
        .into_inner();
    assert_eq!(r.status, RetStatus::NoPortName as i32);
    assert!(r.error_message.contains("port_name"), "{}", r.error_message);
    let r = dcd
        .interface_logical_create(InterfaceLogicalConfig {
            port_name: "ge-0/0/4".into(),
            ..Default::default()
        })
        .await
        .expect("InterfaceLogicalCreate")
        .into_inner();
    assert_eq!(r.status, RetStatus::NoIflUnit as i32);
    assert!(r.error_message.contains("ifl_unit"), "{}", r.error_message);

    // A tree with a static ARP entry.
    let ok = |r: compat_juniper_jet::legacy::interface::ConfigResp, what: &str| {
        assert_eq!(
            r.status,
            RetStatus::Success as i32,
            "{what}: {}",
            r.error_message
        );
    };
    ok(
        dcd.interface_create(InterfaceConfig {
            port_name: "ge-0/0/4".into(),
            ..Default::default()
        })
        .await
        .expect("InterfaceCreate")
        .into_inner(),
        "ifd",
    );
    ok(
        dcd.interface_logical_create(InterfaceLogicalConfig {
            port_name: "ge-0/0/4".into(),
            ifl_unit: unit(),
            ..Default::default()
        })
        .await
        .expect("InterfaceLogicalCreate")
        .into_inner(),
        "ifl",
    );
    ok(
        dcd.interface_family_create(InterfaceFamilyConfig {
            port_name: "ge-0/0/4".into(),
            ifl_unit: unit(),
            family: inet,
            ..Default::default()
        })
        .await
        .expect("InterfaceFamilyCreate")
        .into_inner(),
        "family",
    );
    let address = InterfaceAddressConfig {
        port_name: "ge-0/0/4".into(),
        ifl_unit: unit(),
        family: inet,
        interface_address: addr("10.98.0.1/24"),
        ..Default::default()
    };
    ok(
        dcd.interface_address_create(address.clone())
            .await
            .expect("InterfaceAddressCreate")
            .into_inner(),
        "address",
    );
    let arp = RtConfig {
        port_name: "ge-0/0/4".into(),
        ifl_unit: unit(),
        family: inet,
        interface_address: addr("10.98.0.1/24"),
        arp_address: addr("10.98.0.2"),
        string_attr_list: vec![StringAttr {
            attr_name: "mac".into(),
            attr_value: "00:11:22:33:44:55".into(),
        }],
        ..Default::default()
    };
    ok(
        dcd.interface_rt_address_create(arp.clone())
            .await
            .expect("InterfaceRTAddressCreate")
            .into_inner(),
        "arp",
    );

    // Ownership and public units.
    let q = ObjectOwnershipQuery {
        port_name: "ge-0/0/4".into(),
        ifl_unit: unit(),
        ..Default::default()
    };
    let r = ObjectQueryServiceClient::new(mine.clone())
        .is_object_owner(q.clone())
        .await
        .expect("isObjectOwner")
        .into_inner();
    assert_eq!(r.status, RetStatus::Owner as i32, "{}", r.error_message);
    let r = ObjectQueryServiceClient::new(theirs.clone())
        .is_object_owner(q)
        .await
        .expect("isObjectOwner")
        .into_inner();
    assert_eq!(r.status, RetStatus::NotOwner as i32);
    assert!(
        r.error_message.contains("compat-dcd-a"),
        "{}",
        r.error_message
    );
    let r = PublicIflServiceClient::new(mine.clone())
        .is_public_ifl(InterfaceLogicalConfig {
            port_name: "ge-0/0/4".into(),
            ifl_unit: unit(),
            ..Default::default()
        })
        .await
        .expect("isPublicIfl")
        .into_inner();
    assert_eq!(
        r.status,
        RetStatus::Failure as i32,
        "an API unit is not public"
    );
    let r = InterfacesServiceClient::new(theirs)
        .interface_logical_create(InterfaceLogicalConfig {
            port_name: "ge-0/0/4".into(),
            ifl_unit: Some(Value32 { unit: 1 }),
            ..Default::default()
        })
        .await
        .expect("InterfaceLogicalCreate")
        .into_inner();
    assert_eq!(r.status, RetStatus::NotOwner as i32, "{}", r.error_message);

    // The client timeout.
    let mut timeout = TimeoutServiceClient::new(mine);
    let t = timeout
        .set_client_timeout(TimeoutInfo { timeout: 30 })
        .await
        .expect("setClientTimeout")
        .into_inner();
    assert_eq!(t.status, RetStatus::Success as i32, "{}", t.error_message);
    let t = timeout
        .set_client_timeout(TimeoutInfo { timeout: -1 })
        .await
        .expect("setClientTimeout")
        .into_inner();
    assert_eq!(t.status, RetStatus::Failure as i32);
    assert!(t.error_message.contains("-1"), "{}", t.error_message);

    // Deleted level by level, then gone.
    ok(
        dcd.interface_rt_address_delete(arp)
            .await
            .expect("InterfaceRTAddressDelete")
            .into_inner(),
        "arp delete",
    );
    ok(
        dcd.interface_address_delete(address)
            .await
            .expect("InterfaceAddressDelete")
            .into_inner(),
        "address delete",
    );
    ok(
        dcd.interface_family_delete(InterfaceFamilyConfig {
            port_name: "ge-0/0/4".into(),
            ifl_unit: unit(),
            family: inet,
            ..Default::default()
        })
        .await
        .expect("InterfaceFamilyDelete")
        .into_inner(),
        "family delete",
    );
    ok(
        dcd.interface_logical_delete(InterfaceLogicalConfig {
            port_name: "ge-0/0/4".into(),
            ifl_unit: unit(),
            ..Default::default()
        })
        .await
        .expect("InterfaceLogicalDelete")
        .into_inner(),
        "ifl delete",
    );
    ok(
        dcd.interface_delete(InterfaceConfig {
            port_name: "ge-0/0/4".into(),
            ..Default::default()
        })
        .await
        .expect("InterfaceDelete")
        .into_inner(),
        "ifd delete",
    );
    let r = dcd
        .interface_delete(InterfaceConfig {
            port_name: "ge-0/0/4".into(),
            ..Default::default()
        })
        .await
        .expect("InterfaceDelete")
        .into_inner();
    assert_eq!(
        r.status,
        RetStatus::ObjectNotFound as i32,
        "{}",
        r.error_message
    );
}
