//! Every RPC's success, and each documented failure with its sub-code and a message
//! naming the object and field.

use jet_sdk::interfaces::{address, aggregate, arp, family, interface, unit, Af};
use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use jet_sdk::proto::jnx::jet::interfaces::{
    self as pb, interface_add_response::StatusCode as Add,
    interface_delete_response::StatusCode as Del, interface_get_response::InterfaceObject as G,
    interface_get_response::StatusCode as Get,
    interface_unit_permissions_get_response::StatusCode as Perm,
    interface_update_response::StatusCode as Upd,
};

use crate::{dcd, device, ok, refused};

#[tokio::test]
async fn objects_are_added_read_back_and_deleted_children_first_never_parents() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "app").await;
    ok!(i.interface_add(interface("ge-0/0/1").integer("mtu", 4000).add_request()));
    ok!(i.interface_add(unit("ge-0/0/1", 0).add_request()));
    ok!(i.interface_add(family("ge-0/0/1", 0, Af::Inet).add_request()));
    ok!(i.interface_add(
        address("ge-0/0/1", 0, "192.0.2.1/24")
            .string("mac", "00:00:5e:00:53:01")
            .add_request()
    ));
    ok!(i.interface_add(
        arp("ge-0/0/1", 0, "192.0.2.1", "192.0.2.7", "00:11:22:33:44:55").add_request()
    ));
    ok!(i.interface_add(family("ge-0/0/1", 0, Af::Inet6).add_request()));
    ok!(i.interface_add(address("ge-0/0/1", 0, "2001:db8::1/64").add_request()));
    ok!(i.interface_add(
        arp(
            "ge-0/0/1",
            0,
            "2001:db8::1",
            "2001:db8::7",
            "00:11:22:33:44:66"
        )
        .integer("receive", 1)
        .add_request()
    ));

    // An ARP entry changes no interface event, yet the snapshot shows it at once.
    let snap = dev.device().interfaces_current().await.unwrap();
    let (_, l) = snap.ifl("ge-0/0/1.0").expect("unit");
    let entries: usize = l.families.iter().map(|f| f.neighbors.len()).sum();
    assert_eq!(entries, 2, "{l:?}");
    let g = ok!(i.interface_get(interface("ge-0/0/1").get_request()));
    let Some(G::Interfaces(c)) = g.interface_object else {
        panic!("{g:?}")
    };
    let attrs = c.attributes.expect("attributes");
    assert_eq!(attrs.integer_attributes[0].key, "mtu");
    assert_eq!(attrs.integer_attributes[0].value, 4000);
    let g = ok!(i.interface_get(address("ge-0/0/1", 0, "192.0.2.1").get_request()));
    let Some(G::Address(a)) = g.interface_object else {
        panic!("{g:?}")
    };
    assert_eq!(
        a.ip_address.and_then(|a| a.addr_format),
        Some(AddrFormat::AddrString("192.0.2.1/24".into()))
    );
    assert_eq!(
        a.attributes.expect("mac").string_attributes[0].value,
        "00:00:5e:00:53:01"
    );
    let g =
        ok!(i.interface_get(arp("ge-0/0/1", 0, "2001:db8::1", "2001:db8::7", "").get_request()));
    let Some(G::Arp(e)) = g.interface_object else {
        panic!("{g:?}")
    };
    let attrs = e.attributes.expect("attributes");
    assert_eq!(attrs.string_attributes[0].value, "00:11:22:33:44:66");
    assert_eq!(attrs.integer_attributes[0].value, 1);

    // Deleting the family takes its addresses and ARP entries, not the unit.
    ok!(i.interface_delete(family("ge-0/0/1", 0, Af::Inet).delete_request()));
    refused!(
        i.interface_get(address("ge-0/0/1", 0, "192.0.2.1").get_request()),
        Get::ObjectNotFound,
        "192.0.2.1"
    );
    refused!(
        i.interface_get(arp("ge-0/0/1", 0, "192.0.2.1", "192.0.2.7", "").get_request()),
        Get::ObjectNotFound,
        "ARP entry 192.0.2.7"
    );
    ok!(i.interface_get(unit("ge-0/0/1", 0).get_request()));
    ok!(i.interface_get(address("ge-0/0/1", 0, "2001:db8::1").get_request()));
    // Deleting the unit takes the rest; the interface object stays.
    ok!(i.interface_delete(unit("ge-0/0/1", 0).delete_request()));
    refused!(
        i.interface_get(family("ge-0/0/1", 0, Af::Inet6).get_request()),
        Get::ObjectNotFound,
        "family inet6"
    );
    ok!(i.interface_get(interface("ge-0/0/1").get_request()));
    refused!(
        i.interface_delete(unit("ge-0/0/1", 0).delete_request()),
        Del::ObjectNotFound,
        "unit ge-0/0/1.0 is not configured"
    );
    ok!(i.interface_delete(interface("ge-0/0/1").delete_request()));
    assert!(
        dev.device()
            .interfaces_api_state()
            .await
            .unwrap()
            .trees
            .is_empty(),
        "released"
    );
}

#[tokio::test]
async fn update_is_an_upsert_and_resets_attributes() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "app").await;
    // Update creates what does not exist.
    ok!(i.interface_update(
        interface("ge-0/0/5")
            .integer("mtu", 2000)
            .string("mac", "02:00:00:00:00:05")
            .update_request()
    ));
    ok!(i.interface_update(
        unit("ge-0/0/5", 100)
            .integer("vlan-id", 100)
            .update_request()
    ));
    let g = ok!(i.interface_get(unit("ge-0/0/5", 100).get_request()));
    let Some(G::Unit(u)) = g.interface_object else {
        panic!()
    };
    assert_eq!(u.attributes.expect("vlan").integer_attributes[0].value, 100);
    // Only what is given changes; an empty string / invalid integer resets.
    ok!(i.interface_update(interface("ge-0/0/5").string("mac", "").update_request()));
    let g = ok!(i.interface_get(interface("ge-0/0/5").get_request()));
    let Some(G::Interfaces(c)) = g.interface_object else {
        panic!()
    };
    let a = c.attributes.expect("mtu kept");
    assert!(a.string_attributes.is_empty(), "mac reset: {a:?}");
    assert_eq!(a.integer_attributes[0].value, 2000);
    ok!(i.interface_update(interface("ge-0/0/5").integer("mtu", 0).update_request()));
    let g = ok!(i.interface_get(interface("ge-0/0/5").get_request()));
    let Some(G::Interfaces(c)) = g.interface_object else {
        panic!()
    };
    assert!(c.attributes.is_none(), "mtu reset too: {c:?}");
    ok!(i.interface_update(
        unit("ge-0/0/5", 100)
            .integer("vlan-id", 5000)
            .update_request()
    ));
    let g = ok!(i.interface_get(unit("ge-0/0/5", 100).get_request()));
    let Some(G::Unit(u)) = g.interface_object else {
        panic!()
    };
    assert!(u.attributes.is_none(), "vlan-id reset: {u:?}");
}

#[tokio::test]
async fn member_links_of_a_configured_aggregate_are_taken() {
    let dev = jet_testkit::TestDevice::with_config(
        "interfaces { ge-0/0/1 { gigether-options { 802.3ad ae0; } } ae0 { unit 0; } }",
    )
    .await;
    let (_c, mut i) = dcd(&dev, "lag").await;
    refused!(
        i.interface_add(aggregate("ae1", &["ge-0/0/1"]).add_request()),
        Add::OperationFailed,
        "ge-0/0/1 is a member of ae0"
    );
    refused!(
        i.interface_add(unit("ge-0/0/1", 0).add_request()),
        Add::OperationFailed,
        "member link of ae0"
    );
    // Ports the configuration leaves alone are free.
    ok!(i.interface_add(aggregate("ae1", &["ge-0/0/2"]).add_request()));
}

#[tokio::test]
async fn ports_the_configuration_names_take_api_objects_and_others_do_not_exist() {
    let dev = jet_testkit::TestDevice::with_config(
        "interfaces { xe-1/0/0 { description spare; } xe-1/0/1 { vlan-tagging; } }",
    )
    .await;
    let (_c, mut i) = dcd(&dev, "ports").await;
    ok!(i.interface_add(aggregate("ae3", &["xe-1/0/0"]).add_request()));
    ok!(i.interface_add(unit("xe-1/0/1", 10).integer("vlan-id", 10).add_request()));
    refused!(
        i.interface_add(unit("xe-1/0/2", 0).add_request()),
        Add::OperationFailed,
        "'xe-1/0/2' does not exist"
    );
    refused!(
        i.interface_add(aggregate("ae4", &["xe-1/0/2"]).add_request()),
        Add::OperationFailed,
        "'xe-1/0/2' is not a physical Ethernet port"
    );
    let snap = dev.device().interfaces();
    assert_eq!(
        snap.ifd("ae3").map(|d| d.members.clone()),
        Some(vec!["xe-1/0/0".to_owned()])
    );
    assert!(snap.ifl("xe-1/0/1.10").is_some());
}

#[tokio::test]
async fn aggregates_take_members_and_only_aggregates_do() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "lag").await;
    ok!(i.interface_add(aggregate("ae0", &["ge-0/0/1", "ge-0/0/2"]).add_request()));
    let g = ok!(i.interface_get(interface("ae0").get_request()));
    let Some(G::Interfaces(c)) = g.interface_object else {
        panic!()
    };
    let Some(pb::interface_specific_options::InterfaceOptions::AggregateOptions(o)) =
        c.interface_options.and_then(|o| o.interface_options)
    else {
        panic!("members")
    };
    assert_eq!(o.aggregate_members, vec!["ge-0/0/1", "ge-0/0/2"]);
    refused!(
        i.interface_add(aggregate("ge-0/0/3", &["ge-0/0/4"]).add_request()),
        Add::InterfacePortMismatch,
        "aggregate_options",
        "ge-0/0/3"
    );
    refused!(
        i.interface_add(aggregate("ae1", &["ge-0/0/2"]).add_request()),
        Add::OperationFailed,
        "ge-0/0/2 is a member of ae0"
    );
    refused!(
        i.interface_add(aggregate("ae1", &["ge-0/0/0"]).add_request()),
        Add::OperationFailed,
        "ge-0/0/0 has units in the configuration"
    );
    refused!(
        i.interface_add(aggregate("ae1", &["xe-0/0/0"]).add_request()),
        Add::OperationFailed,
        "'xe-0/0/0' is not a physical Ethernet port"
    );
    refused!(
        i.interface_add(unit("ge-0/0/1", 0).add_request()),
        Add::OperationFailed,
        "member link of ae0"
    );
    refused!(
        i.interface_add(unit("ae7", 0).add_request()),
        Add::OperationFailed,
        "interface ae7 does not exist; add it first"
    );
    refused!(
        i.interface_add(interface("ae0").add_request()),
        Add::OperationFailed,
        "exists already",
        "InterfaceUpdate"
    );
}

#[tokio::test]
async fn missing_keys_and_mismatched_types_answer_their_sub_codes() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "keys").await;
    refused!(
        i.interface_add(interface("").add_request()),
        Add::PortNameNotSpecified,
        "port_name"
    );
    let mut no_unit = unit("ge-0/0/1", 0).add_request();
    if let Some(pb::interface_add_request::InterfaceObject::Unit(u)) = &mut no_unit.interface_object
    {
        u.unit = None;
    }
    refused!(i.interface_add(no_unit), Add::UnitNotSpecified, "unit");
    let mut no_family = family("ge-0/0/1", 0, Af::Inet).add_request();
    if let Some(pb::interface_add_request::InterfaceObject::Family(f)) =
        &mut no_family.interface_object
    {
        f.family = 0;
    }
    refused!(
        i.interface_add(no_family),
        Add::FamilyNotSpecified,
        "family"
    );
    let mut no_ip = address("ge-0/0/0", 0, "10.0.0.9/24").add_request();
    if let Some(pb::interface_add_request::InterfaceObject::Address(a)) =
        &mut no_ip.interface_object
    {
        a.ip_address = None;
    }
    refused!(
        i.interface_add(no_ip),
        Add::IpAddrNotSpecified,
        "ip_address"
    );
    let mut no_nb = arp("ge-0/0/0", 0, "10.0.0.1", "10.0.0.2", "00:11:22:33:44:55").add_request();
    if let Some(pb::interface_add_request::InterfaceObject::Arp(a)) = &mut no_nb.interface_object {
        a.neighbor_address = Some(IpAddress { addr_format: None });
    }
    refused!(
        i.interface_add(no_nb),
        Add::ArpAddrNotSpecified,
        "neighbor_address"
    );
    refused!(
        i.interface_add(arp("ge-0/0/0", 0, "10.0.0.1", "10.0.0.2", "").add_request()),
        Add::ArpMacNotSpecified,
        "mac"
    );
    let mut mismatch = unit("ge-0/0/1", 0).add_request();
    mismatch.r#type = pb::InterfaceType::TypeInterfaceAddressObject as i32;
    refused!(
        i.interface_add(mismatch),
        Add::InterfaceObjectMismatch,
        "TYPE_INTERFACE_ADDRESS_OBJECT",
        "TYPE_INTERFACE_UNIT_OBJECT"
    );
    let empty = pb::InterfaceAddRequest {
        r#type: 1,
        interface_object: None,
    };
    refused!(
        i.interface_add(empty),
        Add::InterfaceObjectMismatch,
        "no object"
    );
    // The same codes in the other calls' numbering.
    let mut upd = unit("ge-0/0/1", 0).update_request();
    upd.r#type = 0;
    refused!(
        i.interface_update(upd),
        Upd::InterfaceObjectMismatch,
        "TYPE_INTERFACE_OBJECT"
    );
    refused!(
        i.interface_delete(interface("").delete_request()),
        Del::PortNameNotSpecified,
        "port_name"
    );
    refused!(
        i.interface_delete(arp("ge-0/0/0", 0, "10.0.0.1", "10.0.0.2", "").delete_request()),
        Del::ArpMacNotSpecified,
        "mac"
    );
    refused!(
        i.interface_get(interface("").get_request()),
        Get::PortNameNotSpecified,
        "port_name"
    );
    let mut get = family("ge-0/0/0", 0, Af::Inet).get_request();
    get.r#type = 4;
    refused!(
        i.interface_get(get),
        Get::InterfaceObjectMismatch,
        "TYPE_INTERFACE_ARP_OBJECT"
    );
    refused!(
        i.interface_unit_permissions_get(pb::InterfaceUnitPermissionsGetRequest {
            port_name: "ge-0/0/0".into(),
            unit: None
        }),
        Perm::UnitNotSpecified,
        "unit"
    );
    refused!(
        i.interface_unit_permissions_get(pb::InterfaceUnitPermissionsGetRequest {
            port_name: String::new(),
            unit: Some(pb::InterfaceUnit { number: 0 })
        }),
        Perm::PortNameNotSpecified,
        "port_name"
    );
    refused!(
        i.interface_unit_permissions_get(unit("ge-0/0/3", 9).permissions_request().unwrap()),
        Perm::ObjectNotFound,
        "ge-0/0/3.9"
    );
    // An enum number the protocol lacks is a form error.
    let mut bad = family("ge-0/0/0", 0, Af::Inet).add_request();
    bad.r#type = 17;
    let e = i.interface_add(bad).await.expect_err("unknown type");
    assert_eq!(e.code(), tonic::Code::InvalidArgument);
    assert!(e.message().contains("type"), "{}", e.message());
}

#[tokio::test]
async fn bad_values_name_the_object_and_field() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "values").await;
    refused!(
        i.interface_add(interface("xe-0/0/0").add_request()),
        Add::OperationFailed,
        "'xe-0/0/0' does not exist"
    );
    refused!(
        i.interface_add(interface("ge-0/0/1").integer("mtu", 100).add_request()),
        Add::OperationFailed,
        "interface ge-0/0/1",
        "mtu 100",
        "256-9192"
    );
    refused!(
        i.interface_add(interface("ge-0/0/1").string("mac", "zz").add_request()),
        Add::OperationFailed,
        "mac",
        "'zz'"
    );
    refused!(
        i.interface_add(interface("ge-0/0/1").string("colour", "red").add_request()),
        Add::OperationFailed,
        "unknown string attribute 'colour'"
    );
    refused!(
        i.interface_add(interface("lo0").integer("mtu", 1500).add_request()),
        Add::InterfacePortMismatch,
        "'mtu'",
        "lo0"
    );
    refused!(
        i.interface_add(unit("ge-0/0/1", 7).integer("vlan-id", 7).add_request()),
        Add::InterfacePortMismatch,
        "vlan-id needs vlan-tagging",
        "ge-0/0/1"
    );
    refused!(
        i.interface_add(interface("ge-0/0/0").integer("mtu", 1600).add_request()),
        Add::OperationFailed,
        "mtu is set by the configuration"
    );
    ok!(i.interface_add(unit("ge-0/0/1", 0).add_request()));
    refused!(
        i.interface_add(address("ge-0/0/1", 0, "192.0.2.1/24").add_request()),
        Add::OperationFailed,
        "family inet of ge-0/0/1.0 does not exist"
    );
    ok!(i.interface_add(family("ge-0/0/1", 0, Af::Mpls).add_request()));
    let mut mpls_addr = address("ge-0/0/1", 0, "192.0.2.1/24").add_request();
    if let Some(pb::interface_add_request::InterfaceObject::Address(a)) =
        &mut mpls_addr.interface_object
    {
        a.family = 4;
    }
    refused!(
        i.interface_add(mpls_addr),
        Add::InterfaceFamilyMismatch,
        "family mpls"
    );
    ok!(i.interface_add(family("ge-0/0/1", 0, Af::Inet).add_request()));
    let mut v6_in_inet = address("ge-0/0/1", 0, "2001:db8::5/64").add_request();
    if let Some(pb::interface_add_request::InterfaceObject::Address(a)) =
        &mut v6_in_inet.interface_object
    {
        a.family = 1;
    }
    refused!(
        i.interface_add(v6_in_inet),
        Add::InterfaceFamilyMismatch,
        "2001:db8::5",
        "family inet"
    );
    refused!(
        i.interface_add(address("ge-0/0/1", 0, "10.0.0.1/24").add_request()),
        Add::OperationFailed,
        "already configured on ge-0/0/0.0"
    );
    refused!(
        i.interface_add(address("ge-0/0/1", 0, "192.0.2.300/24").add_request()),
        Add::OperationFailed,
        "ip_address",
        "192.0.2.300"
    );
    ok!(i.interface_add(address("ge-0/0/1", 0, "192.0.2.1/24").add_request()));
    refused!(
        i.interface_add(address("ge-0/0/1", 0, "192.0.2.1/24").add_request()),
        Add::OperationFailed,
        "exists already"
    );
    refused!(
        i.interface_add(
            arp(
                "ge-0/0/1",
                0,
                "192.0.2.1",
                "198.51.100.1",
                "00:11:22:33:44:55"
            )
            .add_request()
        ),
        Add::OperationFailed,
        "not another host of subnet 192.0.2.1/24"
    );
    refused!(
        i.interface_add(
            arp("ge-0/0/1", 0, "192.0.2.1", "192.0.2.9", "00:11:22:33:44:55")
                .integer("receive", 2)
                .add_request()
        ),
        Add::OperationFailed,
        "receive 2"
    );
    refused!(
        i.interface_add(family("ge-0/0/0", 0, Af::Inet).add_request()),
        Add::OperationFailed,
        "is configured by the CLI"
    );
    // Nothing half-applied: the refused requests left no object behind.
    refused!(
        i.interface_get(arp("ge-0/0/1", 0, "192.0.2.1", "192.0.2.9", "").get_request()),
        Get::ObjectNotFound,
        "192.0.2.9"
    );
    // Deleting what is not there, or what the configuration has.
    refused!(
        i.interface_delete(address("ge-0/0/1", 0, "192.0.2.99").delete_request()),
        Del::ObjectNotFound,
        "192.0.2.99"
    );
    refused!(
        i.interface_delete(unit("ge-0/0/0", 0).delete_request()),
        Del::NotOwnerOfObject,
        "configured by the CLI"
    );
    refused!(
        i.interface_delete(
            arp("ge-0/0/1", 0, "192.0.2.1", "192.0.2.9", "00:11:22:33:44:55").delete_request()
        ),
        Del::ObjectNotFound,
        "192.0.2.9"
    );
}
