//! The older JET generation (`routing.Rib`, `routing.Base`, legacy Login) driven by
//! clients generated from juniper-jet's own `1/` folder (see `build.rs`), and one route
//! shared with juniper-jet's `jnx.jet.routing.rib` client. Needs `$JETD_BIN`.

use compat_juniper_jet::legacy::authentication::{login_client::LoginClient, LoginRequest};
use compat_juniper_jet::legacy::jnx_base::{ip_address::AddrFormat, IpAddress};
use compat_juniper_jet::legacy::routing::{
    base_client::BaseClient, network_address::Af, rib_client::RibClient,
    route_table::RtTableFormat, NetworkAddress, RouteEntry, RouteGateway, RouteGetRequest,
    RouteMatchFields, RouteMatchType, RouteNexthop, RouteOperStatus, RouteRemoveMatchingRequest,
    RouteRemoveRequest, RouteTable, RouteTableName, RouteUpdateRequest, RtEmptyRequest,
    RtPurgeConfigRequest,
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

fn key(prefix: &str) -> RouteMatchFields {
    let (addr, len) = prefix.split_once('/').expect("prefix/len");
    RouteMatchFields {
        dest_prefix: Some(NetworkAddress {
            af: Some(Af::Inet(IpAddress {
                addr_format: Some(AddrFormat::AddrString(addr.into())),
            })),
        }),
        dest_prefix_len: len.parse().expect("len"),
        table: Some(RouteTable {
            rt_table_format: Some(RtTableFormat::RttName(RouteTableName {
                name: "inet.0".into(),
            })),
        }),
        cookie: 0,
    }
}

fn route(prefix: &str, gw: &str) -> RouteEntry {
    RouteEntry {
        key: Some(key(prefix)),
        nexthop: Some(RouteNexthop {
            gateways: vec![RouteGateway {
                gateway_address: Some(NetworkAddress {
                    af: Some(Af::Inet(IpAddress {
                        addr_format: Some(AddrFormat::AddrString(gw.into())),
                    })),
                }),
                weight: 2,
                ..Default::default()
            }],
        }),
        ..Default::default()
    }
}

async fn get(rib: &mut RibClient<Channel>, prefix: &str) -> Vec<(String, u32)> {
    let mut s = rib
        .route_get(RouteGetRequest {
            key: Some(key(prefix)),
            match_type: RouteMatchType::ExactOrLonger as i32,
            route_count: 10,
            ..Default::default()
        })
        .await
        .expect("RouteGet")
        .into_inner();
    let mut out = Vec::new();
    while let Some(m) = s.message().await.expect("RouteGet stream") {
        assert_eq!(m.status(), RouteOperStatus::Success);
        for r in m.routes {
            let k = r.key.expect("key");
            let Some(Af::Inet(ip)) = k.dest_prefix.and_then(|d| d.af) else {
                panic!("inet destination expected");
            };
            let Some(AddrFormat::AddrString(a)) = ip.addr_format else {
                panic!("text address expected");
            };
            let weight = r.nexthop.expect("nexthop").gateways[0].weight;
            out.push((format!("{a}/{}", k.dest_prefix_len), weight));
        }
    }
    out
}

#[tokio::test]
async fn legacy_rib_adds_reads_and_removes_routes() {
    let device = Device::start();
    let mut rib = RibClient::new(legacy_session(&device, "compat-legacy").await);
    let r = rib
        .route_add(RouteUpdateRequest {
            routes: vec![
                route("10.70.1.0/24", "192.0.2.1"),
                route("10.70.2.0/24", "192.0.2.1"),
            ],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(
        (r.status(), r.operations_completed),
        (RouteOperStatus::Success, 2)
    );
    assert_eq!(
        get(&mut rib, "10.70.0.0/16").await,
        [
            ("10.70.1.0/24".to_owned(), 2),
            ("10.70.2.0/24".to_owned(), 2)
        ],
        "weight (legacy field 7) comes back as sent"
    );

    let again = rib
        .route_add(RouteUpdateRequest {
            routes: vec![route("10.70.1.0/24", "192.0.2.1")],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(again.status(), RouteOperStatus::RouteExists);

    let r = rib
        .route_remove(RouteRemoveRequest {
            keys: vec![key("10.70.1.0/24"), key("10.70.2.0/24")],
        })
        .await
        .expect("RouteRemove")
        .into_inner();
    assert_eq!(
        (r.status(), r.operations_completed),
        (RouteOperStatus::Success, 2)
    );
    assert!(get(&mut rib, "10.70.0.0/16").await.is_empty());
    let r = rib
        .route_remove(RouteRemoveRequest {
            keys: vec![key("10.70.1.0/24")],
        })
        .await
        .expect("RouteRemove")
        .into_inner();
    assert_eq!(r.status(), RouteOperStatus::RouteNotFound);
}

#[tokio::test]
async fn a_legacy_route_is_read_by_the_new_generation_which_may_not_change_it() {
    use jet::junos_23_1::jnx::jet::routing::rib as cur;
    let device = Device::start();
    let mut legacy = RibClient::new(legacy_session(&device, "compat-mixed").await);
    let r = legacy
        .route_add(RouteUpdateRequest {
            routes: vec![route("10.71.0.0/24", "192.0.2.1")],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(r.status(), RouteOperStatus::Success);

    let mut current = cur::rib_client::RibClient::new(device.session("compat-mixed").await);
    current
        .route_initialize(cur::RouteInitializeRequest::default())
        .await
        .expect("RouteInitialize");
    let mut s = current
        .route_get(cur::RouteGetRequest {
            key: Some(s_key()),
            match_type: cur::RouteMatchType::Exact as i32,
            ..Default::default()
        })
        .await
        .expect("RouteGet")
        .into_inner();
    let mut seen = 0;
    while let Some(m) = s.message().await.expect("stream") {
        seen += m.routes.len();
    }
    assert_eq!(seen, 1, "the new generation sees the legacy route");

    let del = current
        .route_delete(cur::RouteDeleteRequest {
            keys: vec![s_key()],
        })
        .await
        .expect("RouteDelete")
        .into_inner();
    assert_eq!(del.sub_code, 35, "ROUTE_API_VERSION_MISMATCH");
}

/// The key of 10.71.0.0/24 in inet.0 in the new generation's messages.
fn s_key() -> jet::junos_23_1::jnx::jet::routing::rib::RouteMatch {
    use jet::junos_23_1::jnx::jet::common::{ip_address::AddrFormat as CA, IpAddress as CIp};
    use jet::junos_23_1::jnx::jet::routing::base as b;
    jet::junos_23_1::jnx::jet::routing::rib::RouteMatch {
        dest_prefix: Some(b::NetworkAddress {
            af: Some(b::network_address::Af::Inet(CIp {
                addr_format: Some(CA::AddrString("10.71.0.0".into())),
            })),
        }),
        dest_prefix_len: 24,
        table: Some(b::RouteTable {
            route_table_format: Some(b::route_table::RouteTableFormat::Name(b::RouteTableName {
                name: "inet.0".into(),
            })),
        }),
        cookie: 0,
    }
}

#[tokio::test]
async fn legacy_base_sets_and_reads_the_purge_time() {
    let device = Device::start();
    let mut base = BaseClient::new(legacy_session(&device, "compat-base").await);
    let r = base
        .route_purge_time_config(RtPurgeConfigRequest { time: 40 })
        .await
        .expect("RoutePurgeTimeConfig")
        .into_inner();
    assert_eq!(r.ret_code, 0, "RET_SUCCESS");
    let got = base
        .route_purge_time_get(RtEmptyRequest {})
        .await
        .expect("RoutePurgeTimeGet")
        .into_inner();
    assert_eq!((got.ret_code, got.time), (0, 40));
    let bad = base
        .route_purge_time_config(RtPurgeConfigRequest { time: 0 })
        .await
        .expect("RoutePurgeTimeConfig")
        .into_inner();
    assert_eq!(bad.ret_code, 3, "RET_INVALID_PARAMS");
    let r = base
        .route_purge_time_unconfig(RtEmptyRequest {})
        .await
        .expect("RoutePurgeTimeUnconfig")
        .into_inner();
    assert_eq!(r.ret_code, 0, "RET_SUCCESS");
    let got = base
        .route_purge_time_get(RtEmptyRequest {})
        .await
        .expect("RoutePurgeTimeGet")
        .into_inner();
    assert_eq!((got.ret_code, got.time), (0, 120), "back to the default");
}

#[tokio::test]
async fn legacy_remove_matching_removes_the_callers_routes_under_a_prefix() {
    let device = Device::start();
    let mut rib = RibClient::new(legacy_session(&device, "compat-matching").await);
    let r = rib
        .route_add(RouteUpdateRequest {
            routes: vec![
                route("10.72.1.0/24", "192.0.2.1"),
                route("10.72.2.0/24", "192.0.2.1"),
                route("10.73.0.0/24", "192.0.2.1"),
            ],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(r.status(), RouteOperStatus::Success);
    let r = rib
        .route_remove_matching(RouteRemoveMatchingRequest {
            key: Some(key("10.72.0.0/16")),
            extended_match: None,
            match_type: RouteMatchType::ExactOrLonger as i32,
        })
        .await
        .expect("RouteRemoveMatching")
        .into_inner();
    assert_eq!(
        (r.status(), r.operations_completed),
        (RouteOperStatus::Success, 2)
    );
    assert!(get(&mut rib, "10.72.0.0/16").await.is_empty());
    assert_eq!(get(&mut rib, "10.73.0.0/16").await.len(), 1);
    let mut no_table = key("10.72.0.0/16");
    no_table.table = None;
    let r = rib
        .route_remove_matching(RouteRemoveMatchingRequest {
            key: Some(no_table),
            extended_match: None,
            match_type: RouteMatchType::Exact as i32,
        })
        .await
        .expect("RouteRemoveMatching")
        .into_inner();
    assert_eq!(r.status(), RouteOperStatus::TableInvalid);
}

#[tokio::test]
async fn legacy_modify_update_and_monitor_follow_the_route() {
    use compat_juniper_jet::legacy::routing::{
        RouteMonitorOp, RouteMonitorRegRequest, RouteMonitorRouteOp,
    };
    let device = Device::start();
    let mut rib = RibClient::new(legacy_session(&device, "compat-legacy-mod").await);
    let mut watcher = RibClient::new(legacy_session(&device, "compat-legacy-watch").await);
    let mut monitor = watcher
        .route_monitor_register(RouteMonitorRegRequest {
            rt_tbl_name: Some(RouteTableName {
                name: "inet.0".into(),
            }),
            monitor_op: RouteMonitorOp::RegisterAdd as i32,
            monitor_ctx: 42,
            monitor_reply_route_count: 100,
            ..Default::default()
        })
        .await
        .expect("RouteMonitorRegister")
        .into_inner();
    // The table as it is first, up to the end-of-table marker.
    loop {
        let m = monitor.message().await.expect("monitor").expect("a reply");
        assert_eq!(m.monitor_ctx, 42);
        if m.monitor_routes
            .iter()
            .any(|e| e.monitor_rt_op == RouteMonitorRouteOp::EndOfTable as i32)
        {
            break;
        }
    }

    let mut r = route("10.71.0.0/24", "192.0.2.1");
    let missing = rib
        .route_modify(RouteUpdateRequest {
            routes: vec![r.clone()],
        })
        .await
        .expect("RouteModify")
        .into_inner();
    assert_eq!(missing.status(), RouteOperStatus::RouteNotFound);
    // RouteUpdate adds a route that is not there (as Juniper's samples use it).
    let up = rib
        .route_update(RouteUpdateRequest {
            routes: vec![r.clone()],
        })
        .await
        .expect("RouteUpdate")
        .into_inner();
    assert_eq!(
        (up.status(), up.operations_completed),
        (RouteOperStatus::Success, 1)
    );
    let seen = monitor.message().await.expect("monitor").expect("a reply");
    let e = &seen.monitor_routes[0];
    assert_eq!(e.monitor_rt_op, RouteMonitorRouteOp::Add as i32);

    if let Some(g) = r.nexthop.as_mut().and_then(|n| n.gateways.first_mut()) {
        g.weight = 9;
    }
    let m = rib
        .route_modify(RouteUpdateRequest {
            routes: vec![r.clone()],
        })
        .await
        .expect("RouteModify")
        .into_inner();
    assert_eq!(
        (m.status(), m.operations_completed),
        (RouteOperStatus::Success, 1)
    );
    assert_eq!(
        get(&mut rib, "10.71.0.0/24").await,
        [("10.71.0.0/24".to_owned(), 9)]
    );
    let seen = monitor.message().await.expect("monitor").expect("a reply");
    assert_eq!(
        seen.monitor_routes[0].monitor_rt_op,
        RouteMonitorRouteOp::Modify as i32
    );
}
