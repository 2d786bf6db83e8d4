//! RIB routes through a flexible tunnel profile of the FlexibleTunnel service named by
//! a gateway (`flexible_tunnel_profile` carrying only its name): anchored on the
//! profile's FTI interface, shown by `show route` and counted by `show flexible-tunnels
//! profiles`; an unknown name is FLEXIBLE_TUNNEL_INVALID naming route, gateway and
//! profile.

use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::routing::rib::{
    self as pb, FlexibleTunnelAddRequest, FlexibleTunnelDeleteRequest, FlexibleTunnelProfile,
    RouteEntry, RouteGateway, RouteMatchType, RouteNexthop,
};
use jet_sdk::tunnels::vxlan_encap;
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

use crate::{add, get, initialized, key};

/// A route in inet.0 whose gateways name the given profiles.
fn through(p: &str, profiles: &[&str]) -> RouteEntry {
    RouteEntry {
        key: Some(key(p)),
        nexthop: Some(RouteNexthop {
            gateways: profiles
                .iter()
                .map(|n| RouteGateway {
                    flexible_tunnel_profile: Some(FlexibleTunnelProfile {
                        name: (*n).into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .collect(),
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn routes_name_a_profile_and_are_anchored_on_its_interface() {
    let dev = TestDevice::start().await;
    let (c, mut rib) = initialized(&dev, "tunnel-routes").await;
    let a = c
        .flexible_tunnel()
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![
                vxlan_encap("to-dc2", "fti0.1", 100, "192.0.2.1", "198.51.100.7", 4789),
                vxlan_encap("unused", "fti0.2", 200, "192.0.2.1", "198.51.100.8", 4789),
            ],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(a.operations_completed, 2);

    let r = add(
        &mut rib,
        vec![
            through("10.9.0.0/16", &["to-dc2"]),
            through("10.10.0.0/16", &["to-dc2"]),
        ],
    )
    .await;
    assert_eq!(
        r.status.as_ref().map(|s| s.code),
        Some(StatusCode::Success as i32),
        "{r:?}"
    );
    assert_eq!(r.operations_completed, 2);

    // RouteGet: the profile's interface, and the profile by name.
    let (routes, _) = get(
        &mut rib,
        pb::RouteGetRequest {
            key: Some(key("10.9.0.0/16")),
            match_type: RouteMatchType::Exact as i32,
            route_count: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(routes.len(), 1);
    let gws = &routes[0].nexthop.as_ref().unwrap().gateways;
    assert_eq!(gws.len(), 1);
    assert_eq!(gws[0].interface_name, "fti0.1");
    assert_eq!(gws[0].gateway_address, None);
    assert_eq!(
        gws[0]
            .flexible_tunnel_profile
            .as_ref()
            .map(|p| p.name.as_str()),
        Some("to-dc2")
    );

    // show route: active, via the FTI interface, naming the profile.
    let text = c
        .op_command("show route 10.9.0.0/16", OutputFormat::Text)
        .await
        .unwrap();
    assert!(text.contains("10.9.0.0/16        *[Static/5] "), "{text}");
    assert!(
        text.contains(">  via fti0.1, flexible tunnel profile to-dc2\n"),
        "{text}"
    );
    let detail = c
        .op_command("show route 10.9.0.0/16 detail", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        detail.contains("flexible tunnel profile to-dc2"),
        "{detail}"
    );
    let xml = c
        .op_command("show route 10.9.0.0/16", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(
        xml.contains("<flexible-tunnel-profile>to-dc2</flexible-tunnel-profile>"),
        "{xml}"
    );

    // show flexible-tunnels profiles: the routes per profile.
    let text = c
        .op_command("show flexible-tunnels profiles", OutputFormat::Text)
        .await
        .unwrap();
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .map(|l| l.split_whitespace().last().unwrap_or("").to_owned())
    };
    assert_eq!(row("Name").as_deref(), Some("Routes"), "{text}");
    assert_eq!(row("to-dc2").as_deref(), Some("2"), "{text}");
    assert_eq!(row("unused").as_deref(), Some("0"), "{text}");
    let xml = c
        .op_xml_rpc(
            "<get-flexible-tunnels-profiles><tunnel-name>to-dc2</tunnel-name></get-flexible-tunnels-profiles>",
            OutputFormat::Xml,
        )
        .await
        .unwrap();
    assert!(xml.contains("<route-count>2</route-count>"), "{xml}");

    // An unknown name: FLEXIBLE_TUNNEL_INVALID naming gateway and profile; the route
    // before it applies.
    let r = add(
        &mut rib,
        vec![
            through("10.11.0.0/16", &["to-dc2"]),
            through("10.12.0.0/16", &["to-dc2", "p9"]),
            through("10.13.0.0/16", &["to-dc2"]),
        ],
    )
    .await;
    assert_eq!(r.sub_code, pb::StatusCode::FlexibleTunnelInvalid as i32);
    assert_eq!(pb::StatusCode::FlexibleTunnelInvalid as i32, 33);
    assert_eq!(r.operations_completed, 1);
    assert_eq!(
        r.status.map(|s| s.message).as_deref(),
        Some("route 1: gateway 1: flexible tunnel profile 'p9' does not exist")
    );

    // Deleting a profile in use is allowed: its routes keep the interface they
    // resolved to; changing them names a profile that no longer exists.
    let d = c
        .flexible_tunnel()
        .flexible_tunnel_delete(FlexibleTunnelDeleteRequest {
            tunnel_profile_names: vec!["to-dc2".into()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(d.operations_completed, 1);
    let text = c
        .op_command("show route 10.9.0.0/16", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        text.contains(">  via fti0.1, flexible tunnel profile to-dc2\n"),
        "{text}"
    );
    let m = rib
        .route_modify(pb::RouteUpdateRequest {
            routes: vec![through("10.9.0.0/16", &["to-dc2"])],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.sub_code, pb::StatusCode::FlexibleTunnelInvalid as i32);
    assert_eq!(
        m.status.map(|s| s.message).as_deref(),
        Some("route 0: gateway 0: flexible tunnel profile 'to-dc2' does not exist")
    );
}
