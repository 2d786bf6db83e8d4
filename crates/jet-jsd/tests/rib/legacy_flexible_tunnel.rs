//! The older generation's `routing.FlexibleTunnel` over a real jsd: the same profiles as
//! `jnx.jet.routing.rib.FlexibleTunnel` (added through one generation, seen, updated and
//! deleted through the other), `jnxBase` codes, each response's legacy sub-codes, the
//! refusal's text in `message` naming profile and field, and the legacy-only action
//! TRANSLATE and `gre` / `translate` attributes refused.

use jet_sdk::proto::jnx::jet::routing::rib::{
    self as cur, tunnel_attributes::TunnelAttributesType as CurAttrs,
};
use jet_sdk::proto::jnx_base::{self as base, ip_address::AddrFormat, IpAddress};
use jet_sdk::proto::routing::{
    self as lg, flexible_tunnel_add_response::StatusCode as Add,
    flexible_tunnel_client::FlexibleTunnelClient,
    flexible_tunnel_delete_response::StatusCode as Del,
    flexible_tunnel_get_response::StatusCode as Get,
    flexible_tunnel_update_response::StatusCode as Upd, network_address::Af,
    tunnel_attributes::TunnelAttributesType,
};
use jet_sdk::tunnels::vxlan_encap;
use jet_testkit::TestDevice;
use tonic::transport::Channel;

const OK: i32 = base::StatusCode::Success as i32;
const FAIL: i32 = base::StatusCode::Failure as i32;

fn net(a: &str) -> lg::NetworkAddress {
    let ip = IpAddress {
        addr_format: Some(AddrFormat::AddrString(a.into())),
    };
    lg::NetworkAddress {
        af: Some(if a.contains(':') {
            Af::Inet6(ip)
        } else {
            Af::Inet(ip)
        }),
    }
}

fn vxlan(vni: u32, source: &str, len: u32, destination: Option<&str>) -> lg::VxlanTunnelAttributes {
    lg::VxlanTunnelAttributes {
        vni,
        source_prefix: Some(net(source)),
        source_prefix_len: len,
        source_udp_port_range: destination.map(|_| base::NumericRange {
            min: 49152,
            max: 65535,
        }),
        destination_address: destination.map(net),
        destination_udp_port: 4789,
        ..Default::default()
    }
}

fn profile(
    name: &str,
    action: lg::TunnelActionType,
    v: lg::VxlanTunnelAttributes,
) -> lg::FlexibleTunnelProfile {
    lg::FlexibleTunnelProfile {
        name: name.into(),
        action: action as i32,
        interface_name: "fti0.1".into(),
        attributes: Some(lg::TunnelAttributes {
            tunnel_attributes_type: Some(TunnelAttributesType::Vxlan(v)),
        }),
    }
}

fn encap(name: &str, vni: u32) -> lg::FlexibleTunnelProfile {
    profile(
        name,
        lg::TunnelActionType::Encapsulate,
        vxlan(vni, "192.0.2.1", 32, Some("198.51.100.7")),
    )
}

fn decap(name: &str, vni: u32) -> lg::FlexibleTunnelProfile {
    profile(
        name,
        lg::TunnelActionType::Decapsulate,
        vxlan(vni, "198.51.100.0", 24, None),
    )
}

async fn add(
    ft: &mut FlexibleTunnelClient<Channel>,
    p: Vec<lg::FlexibleTunnelProfile>,
) -> lg::FlexibleTunnelAddResponse {
    ft.flexible_tunnel_add(lg::FlexibleTunnelAddRequest { tunnel_profiles: p })
        .await
        .expect("FlexibleTunnelAdd answers")
        .into_inner()
}

async fn update(
    ft: &mut FlexibleTunnelClient<Channel>,
    p: Vec<lg::FlexibleTunnelProfile>,
) -> lg::FlexibleTunnelUpdateResponse {
    ft.flexible_tunnel_update(lg::FlexibleTunnelUpdateRequest { tunnel_profiles: p })
        .await
        .expect("FlexibleTunnelUpdate answers")
        .into_inner()
}

async fn get(ft: &mut FlexibleTunnelClient<Channel>, name: &str) -> lg::FlexibleTunnelGetResponse {
    ft.flexible_tunnel_get(lg::FlexibleTunnelGetRequest {
        tunnel_profile_name: name.into(),
    })
    .await
    .expect("FlexibleTunnelGet answers")
    .into_inner()
}

async fn delete(
    ft: &mut FlexibleTunnelClient<Channel>,
    names: &[&str],
) -> lg::FlexibleTunnelDeleteResponse {
    ft.flexible_tunnel_delete(lg::FlexibleTunnelDeleteRequest {
        tunnel_profile_names: names.iter().map(|n| n.to_string()).collect(),
    })
    .await
    .expect("FlexibleTunnelDelete answers")
    .into_inner()
}

fn legacy_vxlan(g: &lg::FlexibleTunnelGetResponse) -> lg::VxlanTunnelAttributes {
    match g
        .tunnel_profile
        .as_ref()
        .and_then(|p| p.attributes.as_ref())
        .and_then(|a| a.tunnel_attributes_type.clone())
    {
        Some(TunnelAttributesType::Vxlan(v)) => v,
        other => panic!("not a VXLAN profile: {other:?}"),
    }
}

#[tokio::test]
async fn a_profile_added_through_either_generation_is_seen_changed_and_deleted_through_the_other() {
    let dev = TestDevice::start().await;
    let c = dev.admin("legacy-ft").await;
    let mut ft = FlexibleTunnelClient::new(c.channel());
    let mut cur_ft = c.flexible_tunnel();

    // Legacy Add, new-generation Get.
    let mut p = encap("old-enc", 100);
    if let Some(TunnelAttributesType::Vxlan(v)) = p
        .attributes
        .as_mut()
        .and_then(|a| a.tunnel_attributes_type.as_mut())
    {
        v.destination_mac = Some(base::MacAddress {
            addr_format: Some(base::mac_address::AddrFormat::AddrString(
                "00:11:22:33:44:55".into(),
            )),
        });
    }
    let a = add(&mut ft, vec![p, decap("old-dec", 100)]).await;
    assert_eq!(
        (a.code, a.sub_code, a.operations_completed),
        (OK, 0, 2),
        "{}",
        a.message
    );
    assert!(a.message.is_empty());
    let g = cur_ft
        .flexible_tunnel_get(cur::FlexibleTunnelGetRequest {
            tunnel_profile_name: "old-enc".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let Some(CurAttrs::Vxlan(v)) = g
        .tunnel_profile
        .and_then(|p| p.attributes)
        .and_then(|a| a.tunnel_attributes_type)
    else {
        panic!("new generation sees the legacy profile");
    };
    assert_eq!(
        (v.vni, v.destination_udp_port, v.flags),
        (100, 4789, Some(8)),
        "flags 0 is the default 0x08"
    );
    assert!(v.destination_mac.is_some());

    // New-generation Add, legacy Get: every field in the legacy message.
    let r = cur_ft
        .flexible_tunnel_add(cur::FlexibleTunnelAddRequest {
            tunnel_profiles: vec![vxlan_encap(
                "new-enc",
                "fti0.2",
                7,
                "2001:db8::1",
                "2001:db8::7",
                4790,
            )],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.operations_completed, 1);
    let g = get(&mut ft, "new-enc").await;
    assert_eq!((g.code, g.sub_code), (OK, Get::Success as i32));
    let p = g.tunnel_profile.clone().unwrap();
    assert_eq!(p.action, lg::TunnelActionType::Encapsulate as i32);
    assert_eq!(p.interface_name, "fti0.2");
    let v = legacy_vxlan(&g);
    assert_eq!(
        (v.vni, v.source_prefix_len, v.destination_udp_port, v.flags),
        (7, 128, 4790, 8)
    );
    assert_eq!(v.destination_address, Some(net("2001:db8::7")));
    assert_eq!(
        v.source_udp_port_range,
        Some(base::NumericRange {
            min: 49152,
            max: 65535
        })
    );

    // Legacy Update of the new generation's profile, new-generation Get sees it.
    let mut changed = encap("new-enc", 8);
    changed.interface_name = "fti0.2".into();
    let u = update(&mut ft, vec![changed]).await;
    assert_eq!((u.code, u.operations_completed), (OK, 1), "{}", u.message);
    let g = cur_ft
        .flexible_tunnel_get(cur::FlexibleTunnelGetRequest {
            tunnel_profile_name: "new-enc".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let Some(CurAttrs::Vxlan(v)) = g
        .tunnel_profile
        .and_then(|p| p.attributes)
        .and_then(|a| a.tunnel_attributes_type)
    else {
        panic!("vxlan");
    };
    assert_eq!(v.vni, 8);

    // Legacy Delete; then neither generation finds it.
    let d = delete(&mut ft, &["new-enc", "old-enc"]).await;
    assert_eq!((d.code, d.operations_completed), (OK, 2));
    assert_eq!(get(&mut ft, "old-enc").await.sub_code, Get::NotFound as i32);
    let g = cur_ft
        .flexible_tunnel_get(cur::FlexibleTunnelGetRequest {
            tunnel_profile_name: "new-enc".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        g.sub_code,
        cur::flexible_tunnel_get_response::StatusCode::NotFound as i32
    );
}

#[tokio::test]
async fn each_refusal_has_its_legacy_sub_code_and_a_message_naming_profile_and_field() {
    let dev = TestDevice::start().await;
    let c = dev.admin("legacy-ft-bad").await;
    let mut ft = FlexibleTunnelClient::new(c.channel());
    assert_eq!(
        add(&mut ft, vec![encap("e", 1), decap("d", 5)]).await.code,
        OK
    );

    // Add: stops at the first refusal, the items before it stay.
    let a = add(
        &mut ft,
        vec![encap("e2", 2), encap("e", 1), encap("never", 3)],
    )
    .await;
    assert_eq!(
        (a.code, a.sub_code, a.operations_completed),
        (FAIL, Add::AlreadyExists as i32, 1)
    );
    assert_eq!(a.message, "profile 'e' already exists");
    let a = add(&mut ft, vec![]).await;
    assert_eq!((a.code, a.sub_code), (FAIL, Add::TooManyOps as i32));
    assert!(a.message.contains("1-1000 profiles"), "{}", a.message);
    let a = add(&mut ft, vec![encap("vni0", 0)]).await;
    assert_eq!(a.sub_code, Add::InvalidTunnelProfile as i32);
    assert!(
        a.message.contains("profile 'vni0': vxlan.vni 0"),
        "{}",
        a.message
    );
    let mut t = encap("xlate", 9);
    t.action = lg::TunnelActionType::Translate as i32;
    let a = add(&mut ft, vec![t]).await;
    assert_eq!(a.sub_code, Add::InvalidTunnelAction as i32);
    assert!(
        a.message.contains("profile 'xlate': action 2 (TRANSLATE)"),
        "{}",
        a.message
    );
    let mut g = encap("gre", 9);
    g.attributes = Some(lg::TunnelAttributes {
        tunnel_attributes_type: Some(TunnelAttributesType::Gre(lg::GreTunnelAttributes::default())),
    });
    let a = add(&mut ft, vec![g]).await;
    assert_eq!(a.sub_code, Add::InvalidTunnelProfile as i32);
    assert!(
        a.message
            .contains("profile 'gre': attributes.gre is not supported"),
        "{}",
        a.message
    );
    let mut m = encap("mpls", 9);
    if let Some(TunnelAttributesType::Vxlan(v)) = m
        .attributes
        .as_mut()
        .and_then(|a| a.tunnel_attributes_type.as_mut())
    {
        v.source_prefix = Some(lg::NetworkAddress {
            af: Some(Af::Mpls(lg::MplsAddress { label: 16 })),
        });
    }
    let a = add(&mut ft, vec![m]).await;
    assert_eq!(a.sub_code, Add::InvalidTunnelProfile as i32);
    assert!(
        a.message.contains("vxlan.source_prefix is an MPLS label"),
        "{}",
        a.message
    );
    let a = add(&mut ft, vec![encap("", 9)]).await;
    assert_eq!(a.sub_code, Add::InvalidProfileName as i32);

    // Update: its own numbering (ALREADY_EXISTS is 6 here, TOO_MANY_OPS 2).
    let u = update(&mut ft, vec![decap("d2", 5)]).await;
    assert_eq!((u.code, u.sub_code), (FAIL, Upd::AlreadyExists as i32));
    assert_eq!(Upd::AlreadyExists as i32, 6);
    assert!(
        u.message.contains("'d' already decapsulates VNI 5"),
        "{}",
        u.message
    );
    let u = update(&mut ft, vec![]).await;
    assert_eq!(u.sub_code, Upd::TooManyOps as i32);
    assert_eq!(Upd::TooManyOps as i32, 2);
    let mut t = encap("e", 1);
    t.action = 9;
    let u = update(&mut ft, vec![t]).await;
    assert_eq!(u.sub_code, Upd::InvalidTunnelAction as i32);
    assert!(u.message.contains("action 9 is not"), "{}", u.message);
    let mut nf = encap("e", 1);
    nf.attributes = None;
    let u = update(&mut ft, vec![nf]).await;
    assert_eq!(u.sub_code, Upd::InvalidTunnelProfile as i32);
    assert!(
        u.message
            .contains("profile 'e': attributes.vxlan is missing"),
        "{}",
        u.message
    );
    let u = update(&mut ft, vec![encap("has space", 1)]).await;
    assert_eq!(u.sub_code, Upd::InvalidProfileName as i32);

    // Delete and Get.
    let d = delete(&mut ft, &["e2", "e2"]).await;
    assert_eq!(
        (d.code, d.sub_code, d.operations_completed),
        (FAIL, Del::NotFound as i32, 1)
    );
    assert_eq!(d.message, "profile 'e2' not found");
    assert_eq!(delete(&mut ft, &[]).await.sub_code, Del::TooManyOps as i32);
    assert_eq!(
        delete(&mut ft, &[""]).await.sub_code,
        Del::InvalidProfileName as i32
    );
    let g = get(&mut ft, "nope").await;
    assert_eq!((g.code, g.sub_code), (FAIL, Get::NotFound as i32));
    assert!(g.tunnel_profile.is_none());
    assert_eq!(g.message, "profile 'nope' not found");
    assert_eq!(
        get(&mut ft, "").await.sub_code,
        Get::InvalidProfileName as i32
    );

    // Nothing refused was stored.
    let names: Vec<String> = dev
        .device()
        .tunnels()
        .current()
        .profiles
        .keys()
        .cloned()
        .collect();
    assert_eq!(names, vec!["d".to_string(), "e".to_string()]);
}

/// A legacy route to `p` whose one gateway names the profile `name` (name only).
fn legacy_through(p: &str, name: &str) -> lg::RouteEntry {
    let (a, l) = p.split_once('/').expect("prefix/len");
    lg::RouteEntry {
        key: Some(lg::RouteMatchFields {
            dest_prefix: Some(net(a)),
            dest_prefix_len: l.parse().expect("length"),
            table: Some(lg::RouteTable {
                rt_table_format: Some(lg::route_table::RtTableFormat::RttName(
                    lg::RouteTableName {
                        name: "inet.0".into(),
                    },
                )),
            }),
            ..Default::default()
        }),
        nexthop: Some(lg::RouteNexthop {
            gateways: vec![lg::RouteGateway {
                flexible_tunnel_profile: Some(lg::FlexibleTunnelProfile {
                    name: name.into(),
                    ..Default::default()
                }),
                ..Default::default()
            }],
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn legacy_routes_name_a_profile_and_an_inline_one_is_refused() {
    use jet_sdk::proto::routing::rib_client::RibClient;
    let dev = TestDevice::start().await;
    let c = dev.admin("legacy-ft-routes").await;
    let mut ft = FlexibleTunnelClient::new(c.channel());
    assert_eq!(add(&mut ft, vec![encap("to-dc2", 100)]).await.code, OK);
    let mut rib = RibClient::new(c.channel());
    let route_add = |routes| lg::RouteUpdateRequest { routes };

    let r = rib
        .route_add(route_add(vec![legacy_through("10.9.0.0/16", "to-dc2")]))
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(
        (r.status(), r.operations_completed),
        (lg::RouteOperStatus::Success, 1)
    );
    let out = c
        .op_command("show route 10.9.0.0/16", jet_sdk::OutputFormat::Text)
        .await
        .expect("show route");
    assert!(out.contains("fti0.1"), "{out}");
    assert!(out.contains("to-dc2"), "{out}");

    // RouteGet in the older generation echoes the profile's name.
    let mut s = rib
        .route_get(lg::RouteGetRequest {
            key: legacy_through("10.9.0.0/16", "x").key,
            match_type: lg::RouteMatchType::Exact as i32,
            route_count: 10,
            ..Default::default()
        })
        .await
        .expect("RouteGet")
        .into_inner();
    let mut names = Vec::new();
    while let Some(m) = s.message().await.expect("stream") {
        for r in m.routes {
            for g in r.nexthop.map(|n| n.gateways).unwrap_or_default() {
                names.extend(g.flexible_tunnel_profile.map(|p| p.name));
            }
        }
    }
    assert_eq!(names, ["to-dc2"]);

    // An unknown name is refused (and nothing is added).
    let r = rib
        .route_add(route_add(vec![legacy_through("10.10.0.0/16", "p9")]))
        .await
        .expect("RouteAdd");
    let message = r
        .metadata()
        .get("openjet-message")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let r = r.into_inner();
    assert_eq!(
        (r.status(), r.operations_completed),
        (lg::RouteOperStatus::FlexibleTunnelInvalid, 0)
    );
    assert!(message.contains("'p9'"), "{message}");

    // An inline profile is refused naming the gateway.
    let mut inline = legacy_through("10.11.0.0/16", "inline");
    if let Some(g) = inline.nexthop.as_mut().and_then(|n| n.gateways.first_mut()) {
        g.flexible_tunnel_profile = Some(encap("inline", 7));
    }
    let r = rib
        .route_add(route_add(vec![inline]))
        .await
        .expect("RouteAdd");
    let message = r
        .metadata()
        .get("openjet-message")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(r.into_inner().operations_completed, 0);
    assert!(
        message.contains("gateway 0: an inline flexible_tunnel_profile"),
        "{message}"
    );
}
