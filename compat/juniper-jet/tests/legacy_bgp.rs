//! The older generation's `routing.BgpRoute` and `routing.RoutingInterface`, driven by
//! clients generated from juniper-jet's own `1/` folder (see `build.rs`), and one client's
//! BGP routes shared with juniper-jet's `jnx.jet.routing.bgp` client. Needs `$JETD_BIN`.

use compat_juniper_jet::legacy::authentication::{login_client::LoginClient, LoginRequest};
use compat_juniper_jet::legacy::jnx_base::{ip_address::AddrFormat, IpAddress};
use compat_juniper_jet::legacy::routing::{
    bgp_route_cleanup_reply::BgpRouteCleanupStatus, bgp_route_client::BgpRouteClient,
    bgp_route_get_reply::BgpRouteGetStatus, bgp_route_initialize_reply::BgpRouteInitializeStatus,
    bgp_route_oper_reply::BgpRouteOperStatus, route_prefix::RoutePrefixAf,
    route_table::RtTableFormat, BgpAttrib32, BgpRouteCleanupRequest, BgpRouteEntry,
    BgpRouteGetRequest, BgpRouteInitializeRequest, BgpRouteMatch, BgpRouteRemoveRequest,
    BgpRouteUpdateRequest, Community, CommunityList, RoutePrefix, RouteTable, RouteTableName,
};
use compat_juniper_jet::{Device, ADMIN_PASSWORD};
use jet::junos_23_1::jnx::jet::management::{
    config_set_request::Config, management_client::ManagementClient, ConfigLoadType,
    ConfigSetRequest,
};
use tonic::transport::Channel;

const BGP_CONFIG: &str =
    "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } } } } \
    routing-options { autonomous-system 65000; } \
    protocols { bgp { group rr { type internal; neighbor 192.0.2.1; } } }";

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

async fn configure_bgp(device: &Device) {
    let channel = device.session("compat-bgp-config").await;
    let r = ManagementClient::new(channel)
        .config_set(ConfigSetRequest {
            load_type: ConfigLoadType::ConfigLoadMerge.into(),
            commit: None,
            config: Some(Config::TextConfig(BGP_CONFIG.into())),
        })
        .await
        .expect("ConfigSet")
        .into_inner();
    let status = r.status.expect("status");
    assert_eq!(status.code, 0, "{}", status.message);
}

fn ip(a: &str) -> IpAddress {
    IpAddress {
        addr_format: Some(AddrFormat::AddrString(a.into())),
    }
}

fn inet0() -> Option<RouteTable> {
    Some(RouteTable {
        rt_table_format: Some(RtTableFormat::RttName(RouteTableName {
            name: "inet.0".into(),
        })),
    })
}

fn prefix(p: &str) -> (Option<RoutePrefix>, u32) {
    let (a, l) = p.split_once('/').expect("prefix/len");
    (
        Some(RoutePrefix {
            route_prefix_af: Some(RoutePrefixAf::Inet(ip(a))),
        }),
        l.parse().expect("len"),
    )
}

fn entry(p: &str, local_pref: u32) -> BgpRouteEntry {
    let (dest_prefix, dest_prefix_len) = prefix(p);
    BgpRouteEntry {
        dest_prefix,
        dest_prefix_len,
        table: inet0(),
        local_preference: Some(BgpAttrib32 { value: local_pref }),
        communities: Some(CommunityList {
            com_list: vec![Community {
                community_string: "65000:7".into(),
            }],
        }),
        protocol_nexthops: vec![ip("192.0.2.1")],
        ..Default::default()
    }
}

fn key(p: &str) -> BgpRouteMatch {
    let (dest_prefix, dest_prefix_len) = prefix(p);
    BgpRouteMatch {
        dest_prefix,
        dest_prefix_len,
        table: inet0(),
        ..Default::default()
    }
}

#[tokio::test]
async fn legacy_bgp_routes_are_added_read_and_removed() {
    let device = Device::start();
    configure_bgp(&device).await;
    let mut bgp = BgpRouteClient::new(legacy_session(&device, "compat-bgp").await);
    let early = bgp
        .bgp_route_add(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.80.0.0/16", 200)],
        })
        .await
        .expect("BgpRouteAdd")
        .into_inner();
    assert_eq!(early.status(), BgpRouteOperStatus::NotInitialized);
    let init = bgp
        .bgp_route_initialize(BgpRouteInitializeRequest {})
        .await
        .expect("BgpRouteInitialize")
        .into_inner();
    assert_eq!(init.status(), BgpRouteInitializeStatus::Success);

    let r = bgp
        .bgp_route_add(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.80.0.0/16", 200), entry("10.81.0.0/16", 300)],
        })
        .await
        .expect("BgpRouteAdd")
        .into_inner();
    assert_eq!(
        (r.status(), r.operations_completed),
        (BgpRouteOperStatus::Success, 2)
    );
    let mut s = bgp
        .bgp_route_get(BgpRouteGetRequest {
            route_count: 10,
            ..Default::default()
        })
        .await
        .expect("BgpRouteGet")
        .into_inner();
    let mut got = Vec::new();
    while let Some(m) = s.message().await.expect("stream") {
        assert_eq!(m.status(), BgpRouteGetStatus::Success);
        got.extend(m.bgp_routes);
    }
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].local_preference, Some(BgpAttrib32 { value: 300 }));
    assert_eq!(
        got[0].protocol, 2,
        "PROTO_BGP_STATIC in the legacy numbering"
    );
    assert_eq!(
        got[0].communities.as_ref().map(|c| c.com_list.len()),
        Some(1)
    );

    let dup = bgp
        .bgp_route_add(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.80.0.0/16", 200)],
        })
        .await
        .expect("BgpRouteAdd")
        .into_inner();
    assert_eq!(dup.status(), BgpRouteOperStatus::RouteExists);
    let r = bgp
        .bgp_route_remove(BgpRouteRemoveRequest {
            or_longer: true,
            bgp_routes: vec![key("10.80.0.0/15")],
        })
        .await
        .expect("BgpRouteRemove")
        .into_inner();
    assert_eq!(r.status(), BgpRouteOperStatus::Success);
    let mut s = bgp
        .bgp_route_get(BgpRouteGetRequest::default())
        .await
        .expect("BgpRouteGet")
        .into_inner();
    let last = s.message().await.expect("stream").expect("one reply");
    assert_eq!(last.status(), BgpRouteGetStatus::RouteNotFound);
    let c = bgp
        .bgp_route_cleanup(BgpRouteCleanupRequest {})
        .await
        .expect("BgpRouteCleanup")
        .into_inner();
    assert_eq!(c.status(), BgpRouteCleanupStatus::Success);
}

#[tokio::test]
async fn a_legacy_bgp_route_is_read_by_the_new_generation_which_may_not_remove_it() {
    use jet::junos_23_1::jnx::jet::common::{ip_address::AddrFormat as CA, IpAddress as CIp};
    use jet::junos_23_1::jnx::jet::routing::base as b;
    use jet::junos_23_1::jnx::jet::routing::bgp as cur;
    let device = Device::start();
    configure_bgp(&device).await;
    let mut legacy = BgpRouteClient::new(legacy_session(&device, "compat-bgp-mixed").await);
    legacy
        .bgp_route_initialize(BgpRouteInitializeRequest {})
        .await
        .expect("BgpRouteInitialize");
    let r = legacy
        .bgp_route_add(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.82.0.0/16", 150)],
        })
        .await
        .expect("BgpRouteAdd")
        .into_inner();
    assert_eq!(r.status(), BgpRouteOperStatus::Success);

    let mut current = cur::bgp_client::BgpClient::new(device.session("compat-bgp-mixed").await);
    current
        .initialize(cur::InitializeRequest::default())
        .await
        .expect("Initialize");
    let k = cur::RouteMatch {
        dest_prefix: Some(b::RoutePrefix {
            route_prefix_af: Some(b::route_prefix::RoutePrefixAf::Inet(CIp {
                addr_format: Some(CA::AddrString("10.82.0.0".into())),
            })),
        }),
        dest_prefix_len: 16,
        table: Some(b::RouteTable {
            route_table_format: Some(b::route_table::RouteTableFormat::Name(b::RouteTableName {
                name: "inet.0".into(),
            })),
        }),
        ..Default::default()
    };
    let mut s = current
        .route_get(cur::RouteGetRequest {
            route: Some(k.clone()),
            ..Default::default()
        })
        .await
        .expect("RouteGet")
        .into_inner();
    let mut seen = Vec::new();
    while let Some(m) = s.message().await.expect("stream") {
        seen.extend(m.routes);
    }
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].local_preference, Some(150));
    let del = current
        .route_delete(cur::RouteDeleteRequest {
            or_longer: false,
            routes: vec![k],
        })
        .await
        .expect("RouteDelete")
        .into_inner();
    assert_eq!(
        del.sub_code, 24,
        "REQUEST_UNSUPPORTED: programmed through routing.BgpRoute"
    );
}

#[tokio::test]
async fn legacy_routing_interface_initializes_and_gets_an_interface() {
    use compat_juniper_jet::legacy::routing::{
        routing_interface_client::RoutingInterfaceClient, routing_interface_get_request::Key,
        routing_interface_get_response::RoutingInterfaceGetStatusCode as Get,
        routing_interface_initialize_response::RoutingInterfaceInitializeStatusCode as Init,
        RoutingInterfaceGetRequest, RoutingInterfaceInitializeRequest, RoutingInterfaceStatus,
    };
    let device = Device::start();
    configure_bgp(&device).await; // also configures ge-0/0/0.0 with 192.0.2.2/24
    let mut rtif = RoutingInterfaceClient::new(legacy_session(&device, "compat-rtif").await);
    let get = RoutingInterfaceGetRequest {
        address_format: 0,
        key: Some(Key::Name("ge-0/0/0.0".into())),
    };
    let early = rtif
        .routing_interface_get(get.clone())
        .await
        .expect("RoutingInterfaceGet")
        .into_inner();
    assert_eq!((early.code, early.sub_code()), (1, Get::NotInitialized));
    let init = rtif
        .routing_interface_initialize(RoutingInterfaceInitializeRequest {})
        .await
        .expect("RoutingInterfaceInitialize")
        .into_inner();
    assert_eq!((init.code, init.sub_code()), (0, Init::SuccessCompleted));
    let got = rtif
        .routing_interface_get(get)
        .await
        .expect("RoutingInterfaceGet")
        .into_inner();
    assert_eq!(got.sub_code(), Get::SuccessCompleted);
    let e = got.entry.expect("entry");
    assert_eq!(e.status(), RoutingInterfaceStatus::RtIntfUp);
    assert_eq!(e.addresses.len(), 1);
    assert_eq!(e.addresses[0].prefix_length, 24);
}

#[tokio::test]
async fn legacy_bgp_modify_update_and_the_monitor_stream() {
    use compat_juniper_jet::legacy::routing::{
        bgp_route_monitor_entry::BgpRouteMonitorOper,
        bgp_route_monitor_refresh_reply::BgpRouteMonitorRefreshStatus,
        bgp_route_monitor_register_reply::BgpRouteMonitorRegisterStatus,
        bgp_route_monitor_unregister_reply::BgpRouteMonitorUnregisterStatus,
        BgpRouteMonitorRefreshRequest, BgpRouteMonitorRegisterRequest,
        BgpRouteMonitorUnregisterRequest,
    };
    let device = Device::start();
    configure_bgp(&device).await;
    let mut bgp = BgpRouteClient::new(legacy_session(&device, "compat-bgp-mod").await);
    let mut watch = BgpRouteClient::new(legacy_session(&device, "compat-bgp-watch").await);
    for c in [&mut bgp, &mut watch] {
        let init = c
            .bgp_route_initialize(BgpRouteInitializeRequest {})
            .await
            .expect("BgpRouteInitialize")
            .into_inner();
        assert_eq!(init.status(), BgpRouteInitializeStatus::Success);
    }
    let r = bgp
        .bgp_route_add(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.82.0.0/16", 200)],
        })
        .await
        .expect("BgpRouteAdd")
        .into_inner();
    assert_eq!(r.status(), BgpRouteOperStatus::Success);

    let mut stream = watch
        .bgp_route_monitor_register(BgpRouteMonitorRegisterRequest {
            route_count: 10,
            ..Default::default()
        })
        .await
        .expect("BgpRouteMonitorRegister")
        .into_inner();
    // The registration's reply, then the table up to END_OF_RIBS.
    let mut ops = Vec::new();
    while !ops.contains(&(BgpRouteMonitorOper::EndOfRibs as i32)) {
        let m = stream.message().await.expect("stream").expect("a reply");
        assert_eq!(m.status(), BgpRouteMonitorRegisterStatus::Success);
        ops.extend(m.monitor_entries.iter().map(|e| e.operation));
    }
    assert_eq!(
        ops,
        [
            BgpRouteMonitorOper::RouteUpdate as i32,
            BgpRouteMonitorOper::EndOfRibs as i32
        ]
    );

    // Modify needs the route; Update adds or changes it.
    let missing = bgp
        .bgp_route_modify(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.83.0.0/16", 100)],
        })
        .await
        .expect("BgpRouteModify")
        .into_inner();
    assert_eq!(missing.status(), BgpRouteOperStatus::RouteNotFound);
    let m = bgp
        .bgp_route_modify(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.82.0.0/16", 250)],
        })
        .await
        .expect("BgpRouteModify")
        .into_inner();
    assert_eq!(
        (m.status(), m.operations_completed),
        (BgpRouteOperStatus::Success, 1)
    );
    let seen = loop {
        let m = stream.message().await.expect("stream").expect("a reply");
        if let Some(e) = m.monitor_entries.into_iter().next() {
            break e;
        }
    };
    assert_eq!(seen.operation, BgpRouteMonitorOper::RouteUpdate as i32);
    assert_eq!(
        seen.bgp_route.and_then(|r| r.local_preference),
        Some(BgpAttrib32 { value: 250 })
    );
    let u = bgp
        .bgp_route_update(BgpRouteUpdateRequest {
            bgp_routes: vec![entry("10.83.0.0/16", 100)],
        })
        .await
        .expect("BgpRouteUpdate")
        .into_inner();
    assert_eq!(
        (u.status(), u.operations_completed),
        (BgpRouteOperStatus::Success, 1)
    );

    // The added route reaches the stream before the refresh is asked for.
    let added = loop {
        let m = stream.message().await.expect("stream").expect("a reply");
        if let Some(e) = m.monitor_entries.into_iter().next() {
            break e;
        }
    };
    assert_eq!(added.operation, BgpRouteMonitorOper::RouteUpdate as i32);
    // Refresh sends the table again, up to END_OF_RIBS.
    let r = watch
        .bgp_route_monitor_refresh(BgpRouteMonitorRefreshRequest {})
        .await
        .expect("BgpRouteMonitorRefresh")
        .into_inner();
    assert_eq!(r.status(), BgpRouteMonitorRefreshStatus::Success);
    let mut again = Vec::new();
    while !again.contains(&(BgpRouteMonitorOper::EndOfRibs as i32)) {
        let m = stream.message().await.expect("stream").expect("a reply");
        again.extend(m.monitor_entries.iter().map(|e| e.operation));
    }
    assert_eq!(
        again
            .iter()
            .filter(|&&o| o == BgpRouteMonitorOper::RouteUpdate as i32)
            .count(),
        2,
        "both routes, then END_OF_RIBS"
    );
    let un = watch
        .bgp_route_monitor_unregister(BgpRouteMonitorUnregisterRequest {})
        .await
        .expect("BgpRouteMonitorUnregister")
        .into_inner();
    assert_eq!(un.status(), BgpRouteMonitorUnregisterStatus::Success);
    let again = watch
        .bgp_route_monitor_unregister(BgpRouteMonitorUnregisterRequest {})
        .await
        .expect("BgpRouteMonitorUnregister")
        .into_inner();
    assert_eq!(
        again.status(),
        BgpRouteMonitorUnregisterStatus::NotRegistered
    );
}

#[tokio::test]
async fn legacy_routing_interface_notifications_dump_refresh_and_unregister() {
    use compat_juniper_jet::legacy::routing::{
        routing_interface_client::RoutingInterfaceClient,
        routing_interface_notification_refresh_response::RoutingInterfaceNotificationRefreshStatusCode as Refresh,
        routing_interface_notification_response::RoutingInterfaceNotificationStatusCode as Note,
        routing_interface_notification_unregister_response::RoutingInterfaceNotificationUnregisterStatusCode as Unreg,
        RoutingInterfaceInitializeRequest, RoutingInterfaceNotificationRefreshRequest,
        RoutingInterfaceNotificationRegisterRequest, RoutingInterfaceNotificationUnregisterRequest,
    };
    let device = Device::start();
    configure_bgp(&device).await; // ge-0/0/0.0 with 192.0.2.2/24
    let mut rtif = RoutingInterfaceClient::new(legacy_session(&device, "compat-rtif-n").await);
    let r = rtif
        .routing_interface_notification_unregister(RoutingInterfaceNotificationUnregisterRequest {})
        .await
        .expect("NotificationUnregister")
        .into_inner();
    assert_eq!(r.sub_code(), Unreg::NotInitialized);
    rtif.routing_interface_initialize(RoutingInterfaceInitializeRequest {})
        .await
        .expect("RoutingInterfaceInitialize");
    let r = rtif
        .routing_interface_notification_unregister(RoutingInterfaceNotificationUnregisterRequest {})
        .await
        .expect("NotificationUnregister")
        .into_inner();
    assert_eq!(
        (r.code, r.sub_code()),
        (1, Unreg::NotificationNotRegistered)
    );

    let mut stream = rtif
        .routing_interface_notification_register(RoutingInterfaceNotificationRegisterRequest {
            address_format: 0,
        })
        .await
        .expect("NotificationRegister")
        .into_inner();
    // The registration's reply, then the routing interfaces as they are.
    let mut names = Vec::new();
    while !names.iter().any(|n: &String| n == "ge-0/0/0.0") {
        let m = stream.message().await.expect("stream").expect("a reply");
        assert_eq!(m.sub_code(), Note::SuccessCompleted);
        names.extend(m.entries.into_iter().map(|e| e.name));
    }
    let r = rtif
        .routing_interface_notification_refresh(RoutingInterfaceNotificationRefreshRequest {})
        .await
        .expect("NotificationRefresh")
        .into_inner();
    assert_eq!(r.sub_code(), Refresh::SuccessCompleted);
    let again = stream
        .message()
        .await
        .expect("stream")
        .expect("the dump again");
    assert!(
        again.entries.iter().any(|e| e.name == "ge-0/0/0.0"),
        "{:?}",
        again.entries.iter().map(|e| &e.name).collect::<Vec<_>>()
    );
    let r = rtif
        .routing_interface_notification_unregister(RoutingInterfaceNotificationUnregisterRequest {})
        .await
        .expect("NotificationUnregister")
        .into_inner();
    assert_eq!((r.code, r.sub_code()), (0, Unreg::SuccessCompleted));
    let r = rtif
        .routing_interface_notification_refresh(RoutingInterfaceNotificationRefreshRequest {})
        .await
        .expect("NotificationRefresh")
        .into_inner();
    assert_eq!(r.sub_code(), Refresh::NotificationNotRegistered);
}
