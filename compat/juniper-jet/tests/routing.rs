//! The routing Base and Interfaces services driven by juniper-jet (Juniper's own 23.1
//! IDL): purge timer, route summary per client, and rpd's view of an interface the
//! configuration gives an address. Needs `$JETD_BIN`.

use compat_juniper_jet::Device;
use jet::junos_23_1::jnx::jet::{
    common::{ip_address::AddrFormat, IpAddress, StatusCode},
    management::{
        config_set_request::Config, management_client::ManagementClient, ConfigLoadType,
        ConfigSetRequest,
    },
    routing::base::{
        base_client::BaseClient, network_address::Af, route_table::RouteTableFormat,
        NetworkAddress, RoutePurgeTimerAddRequest, RoutePurgeTimerGetRequest, RouteTable,
        RouteTableName, RtSummaryGetRequest,
    },
    routing::interfaces::{
        interface_get_request::Key, interface_get_response, interface_initialize_response,
        interfaces_client::InterfacesClient, InterfaceGetRequest, InterfaceInitializeRequest,
        InterfaceStatus,
    },
    routing::rib::{
        rib_client::RibClient, RouteEntry, RouteInitializeRequest, RouteMatch, RouteUpdateRequest,
    },
};

fn v4(text: &str) -> NetworkAddress {
    NetworkAddress {
        af: Some(Af::Inet(IpAddress {
            addr_format: Some(AddrFormat::AddrString(text.into())),
        })),
    }
}

fn blackhole(prefix: &str) -> RouteEntry {
    let (addr, len) = prefix.split_once('/').expect("prefix/len");
    RouteEntry {
        key: Some(RouteMatch {
            dest_prefix: Some(v4(addr)),
            dest_prefix_len: len.parse().expect("length"),
            table: Some(RouteTable {
                route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                    name: "inet.0".into(),
                })),
            }),
            cookie: 0,
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn purge_timer_and_route_summary() {
    let device = Device::start();
    let channel = device.session("compat-base").await;
    let mut base = BaseClient::new(channel.clone());
    let added = base
        .route_purge_timer_add(RoutePurgeTimerAddRequest { time: 30 })
        .await
        .expect("RoutePurgeTimerAdd")
        .into_inner();
    assert_eq!(added.status.map(|s| s.code()), Some(StatusCode::Success));
    let got = base
        .route_purge_timer_get(RoutePurgeTimerGetRequest {})
        .await
        .expect("RoutePurgeTimerGet")
        .into_inner();
    assert_eq!(got.time, 30);

    let mut rib = RibClient::new(channel);
    rib.route_initialize(RouteInitializeRequest::default())
        .await
        .expect("RouteInitialize");
    let reply = rib
        .route_add(RouteUpdateRequest {
            routes: vec![blackhole("10.0.0.0/8"), blackhole("10.1.0.0/16")],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(reply.operations_completed, 2);
    let summary = base
        .route_summary_get(RtSummaryGetRequest::default())
        .await
        .expect("RouteSummaryGet")
        .into_inner();
    let mine = summary
        .client_rt_summary
        .get("compat-base")
        .unwrap_or_else(|| panic!("no summary for the caller: {summary:?}"));
    let entries = &mine
        .protocol_rt_summary
        .get("Static")
        .expect("programmed routes count as Static")
        .rt_summary;
    let inet0 = entries
        .iter()
        .find(|e| e.rt_tbl_name.as_ref().map(|t| t.name.as_str()) == Some("inet.0"))
        .expect("an inet.0 entry");
    assert_eq!(inet0.primary_rt_count, 2);
}

#[tokio::test]
async fn an_addressed_interface_reads_back_by_name_and_index() {
    let device = Device::start();
    let channel = device.session("compat-ifl").await;
    let set = ManagementClient::new(channel.clone())
        .config_set(ConfigSetRequest {
            load_type: ConfigLoadType::ConfigLoadMerge.into(),
            commit: None,
            config: Some(Config::TextConfig(
                "interfaces { ge-0/0/2 { unit 0 { family inet { address 192.0.2.1/24; } } } }"
                    .into(),
            )),
        })
        .await
        .expect("ConfigSet")
        .into_inner();
    assert_eq!(set.status.map(|s| s.code()), Some(StatusCode::Success));
    let mut ifs = InterfacesClient::new(channel);
    let init = ifs
        .interface_initialize(InterfaceInitializeRequest {})
        .await
        .expect("InterfaceInitialize")
        .into_inner();
    assert_eq!(
        init.sub_code(),
        interface_initialize_response::StatusCode::SuccessCompleted
    );
    let by_name = ifs
        .interface_get(InterfaceGetRequest {
            key: Some(Key::Name("ge-0/0/2.0".into())),
            address_format: 0,
        })
        .await
        .expect("InterfaceGet")
        .into_inner();
    assert_eq!(
        by_name.sub_code(),
        interface_get_response::StatusCode::SuccessCompleted
    );
    let entry = by_name.entry.expect("an entry");
    assert_eq!(entry.name, "ge-0/0/2.0");
    assert_eq!(entry.status(), InterfaceStatus::RtIntfUp);
    let addresses: Vec<(String, u32)> = entry
        .addresses
        .iter()
        .map(|a| {
            let text = match a.address.as_ref().and_then(|n| n.af.as_ref()) {
                Some(Af::Inet(ip)) => match &ip.addr_format {
                    Some(AddrFormat::AddrString(s)) => s.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            };
            (text, a.prefix_length)
        })
        .collect();
    assert_eq!(addresses, vec![("192.0.2.1".to_string(), 24)]);
    let by_index = ifs
        .interface_get(InterfaceGetRequest {
            key: Some(Key::Index(entry.index)),
            address_format: 0,
        })
        .await
        .expect("InterfaceGet by index")
        .into_inner();
    assert_eq!(by_index.entry.map(|e| e.name), Some("ge-0/0/2.0".into()));
}
