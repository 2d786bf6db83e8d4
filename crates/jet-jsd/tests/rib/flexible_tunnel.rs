//! FlexibleTunnel: Add/Update/Delete/Get over a real jsd, batches in order with
//! `operations_completed`, each response's own sub-code numbering, messages naming the
//! profile and field, and `show flexible-tunnels profiles`.

use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::routing::rib::{
    flexible_tunnel_add_response::StatusCode as AddCode,
    flexible_tunnel_delete_response::StatusCode as DelCode,
    flexible_tunnel_get_response::StatusCode as GetCode,
    flexible_tunnel_update_response::StatusCode as UpdCode,
    tunnel_attributes::TunnelAttributesType, FlexibleTunnelAddRequest, FlexibleTunnelDeleteRequest,
    FlexibleTunnelGetRequest, FlexibleTunnelUpdateRequest,
};
use jet_sdk::tunnels::{vxlan_decap, vxlan_encap};
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

#[tokio::test]
async fn profiles_are_added_updated_read_and_deleted_in_ordered_batches() {
    let dev = TestDevice::start().await;
    let c = dev.admin("tunnels").await;
    let mut ft = c.flexible_tunnel();
    let a = ft
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![
                vxlan_encap("to-dc2", "fti0.1", 100, "192.0.2.1", "198.51.100.7", 4789),
                vxlan_decap("from-dc2", "fti0.1", 100, "198.51.100.0/24", 4789),
            ],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(a.status.unwrap().code, StatusCode::Success as i32);
    assert_eq!(a.operations_completed, 2);

    // Stops at the first refusal: the duplicate name; the item before it stays.
    let a = ft
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![
                vxlan_encap("third", "fti0.2", 7, "192.0.2.1", "198.51.100.8", 4789),
                vxlan_encap("to-dc2", "fti0.1", 100, "192.0.2.1", "198.51.100.7", 4789),
                vxlan_encap("never", "fti0.1", 9, "192.0.2.1", "198.51.100.9", 4789),
            ],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(a.sub_code, AddCode::AlreadyExists as i32);
    assert_eq!(a.operations_completed, 1);
    assert_eq!(a.status.unwrap().message, "profile 'to-dc2' already exists");

    // A bad parameter names the profile and the field; a bad action its own code.
    let mut bad = vxlan_encap("bad", "fti0.1", 0, "192.0.2.1", "198.51.100.7", 4789);
    let r = ft
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![bad.clone()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, AddCode::InvalidTunnelProfile as i32);
    assert!(r
        .status
        .unwrap()
        .message
        .contains("profile 'bad': vxlan.vni 0"));
    bad.action = 7;
    let r = ft
        .flexible_tunnel_update(FlexibleTunnelUpdateRequest {
            tunnel_profiles: vec![bad],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, UpdCode::InvalidTunnelAction as i32);
    let r = ft
        .flexible_tunnel_add(FlexibleTunnelAddRequest {
            tunnel_profiles: vec![],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, AddCode::TooManyOps as i32);
    let r = ft
        .flexible_tunnel_update(FlexibleTunnelUpdateRequest {
            tunnel_profiles: vec![vxlan_encap("", "fti0.1", 1, "192.0.2.1", "198.51.100.7", 1)],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, UpdCode::InvalidProfileName as i32);

    // Update: replaces by name; a different decap profile on the same tuple conflicts
    // (ALREADY_EXISTS in Update's numbering, 6).
    let r = ft
        .flexible_tunnel_update(FlexibleTunnelUpdateRequest {
            tunnel_profiles: vec![
                vxlan_encap("to-dc2", "fti0.1", 200, "192.0.2.1", "198.51.100.7", 4789),
                vxlan_decap("dup", "fti0.1", 100, "198.51.100.0/24", 4789),
            ],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.operations_completed, 1);
    assert_eq!(r.sub_code, UpdCode::AlreadyExists as i32);
    assert_eq!(UpdCode::AlreadyExists as i32, 6);
    assert!(r
        .status
        .unwrap()
        .message
        .contains("'from-dc2' already decapsulates VNI 100"));

    let g = ft
        .flexible_tunnel_get(FlexibleTunnelGetRequest {
            tunnel_profile_name: "to-dc2".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g.sub_code, GetCode::Success as i32);
    let p = g.tunnel_profile.unwrap();
    let Some(TunnelAttributesType::Vxlan(v)) = p.attributes.unwrap().tunnel_attributes_type else {
        panic!("vxlan")
    };
    assert_eq!(
        (v.vni, v.destination_udp_port, v.flags),
        (200, 4789, Some(8))
    );
    let g = ft
        .flexible_tunnel_get(FlexibleTunnelGetRequest {
            tunnel_profile_name: "nope".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g.sub_code, GetCode::NotFound as i32);
    let g = ft
        .flexible_tunnel_get(FlexibleTunnelGetRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g.sub_code, GetCode::InvalidProfileName as i32);

    let text = c
        .op_command("show flexible-tunnels profiles", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        text.starts_with("Flexible tunnel profiles: 3 (limit 100000, 1000 per request)"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("to-dc2") && l.contains("encapsulate") && l.contains("200")),
        "{text}"
    );
    let detail = c
        .op_command(
            "show flexible-tunnels profiles from-dc2 detail",
            OutputFormat::Text,
        )
        .await
        .unwrap();
    assert!(
        detail.contains("Action: decapsulate, Interface: fti0.1"),
        "{detail}"
    );
    assert!(detail.contains("Source: 198.51.100.0/24"), "{detail}");
    let xml = c
        .op_xml_rpc("<get-flexible-tunnels-profiles/>", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(xml.contains("<profile-name>third</profile-name>"), "{xml}");

    // Delete: exact names, in order, stops at the first missing one.
    let d = ft
        .flexible_tunnel_delete(FlexibleTunnelDeleteRequest {
            tunnel_profile_names: vec!["third".into(), "missing".into(), "to-dc2".into()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (d.sub_code, d.operations_completed),
        (DelCode::NotFound as i32, 1)
    );
    assert!(d.status.unwrap().message.contains("'missing'"));
    let names: Vec<String> = dev
        .device()
        .tunnels()
        .current()
        .profiles
        .keys()
        .cloned()
        .collect();
    assert_eq!(names, vec!["from-dc2", "to-dc2"]);
}
