//! The dcd Interfaces service (`jnx.jet.interfaces.Interfaces`) driven by juniper-jet
//! (Juniper's own 23.1 IDL, prost 0.11): objects added, read back, refused for another
//! client (NOT_OWNER_OF_OBJECT), a key missing, and deleted. Needs `$JETD_BIN`.

use compat_juniper_jet::Device;
use jet::junos_23_1::jnx::jet::{
    common::{ip_address::AddrFormat, AfType, IpAddress, StatusCode},
    interfaces::{
        interface_add_request, interface_add_response, interface_delete_request,
        interface_get_request, interface_get_response, interfaces_client::InterfacesClient,
        InterfaceAddRequest, InterfaceAddressConfig, InterfaceAddressDelete,
        InterfaceDeleteRequest, InterfaceFamilyConfig, InterfaceGetRequest, InterfaceType,
        InterfaceUnit, InterfaceUnitConfig, InterfaceUnitPermissionsGetRequest,
    },
};

fn unit(port: &str, n: u32) -> InterfaceUnitConfig {
    InterfaceUnitConfig {
        port_name: port.into(),
        unit: Some(InterfaceUnit { number: n }),
        ..Default::default()
    }
}

fn addr(text: &str) -> Option<IpAddress> {
    Some(IpAddress {
        addr_format: Some(AddrFormat::AddrString(text.into())),
    })
}

#[tokio::test]
async fn objects_added_read_back_owned_and_deleted() {
    use interface_add_request::InterfaceObject as A;
    let device = Device::start();
    let mut a = InterfacesClient::new(device.session("compat-dcd-a").await);
    let mut b = InterfacesClient::new(device.session("compat-dcd-b").await);
    let add = |t: InterfaceType, o: A| InterfaceAddRequest {
        r#type: t as i32,
        interface_object: Some(o),
    };
    for req in [
        add(InterfaceType::TypeInterfaceUnitObject, A::Unit(unit("ge-0/0/1", 0))),
        add(
            InterfaceType::TypeInterfaceFamilyObject,
            A::Family(InterfaceFamilyConfig {
                port_name: "ge-0/0/1".into(),
                unit: Some(InterfaceUnit { number: 0 }),
                family: AfType::AfInet as i32,
                attributes: None,
            }),
        ),
        add(
            InterfaceType::TypeInterfaceAddressObject,
            A::Address(InterfaceAddressConfig {
                port_name: "ge-0/0/1".into(),
                unit: Some(InterfaceUnit { number: 0 }),
                family: AfType::AfInet as i32,
                ip_address: addr("192.0.2.1/24"),
                ..Default::default()
            }),
        ),
    ] {
        let r = a.interface_add(req).await.expect("InterfaceAdd").into_inner();
        let st = r.status.expect("status");
        assert_eq!(st.code(), StatusCode::Success, "{}", st.message);
    }

    let g = a
        .interface_get(InterfaceGetRequest {
            r#type: InterfaceType::TypeInterfaceAddressObject as i32,
            interface_object: Some(interface_get_request::InterfaceObject::Address(
                InterfaceAddressConfig {
                    port_name: "ge-0/0/1".into(),
                    unit: Some(InterfaceUnit { number: 0 }),
                    family: AfType::AfInet as i32,
                    ip_address: addr("192.0.2.1"),
                    ..Default::default()
                },
            )),
        })
        .await
        .expect("InterfaceGet")
        .into_inner();
    assert_eq!(g.status.expect("status").code(), StatusCode::Success);
    let Some(interface_get_response::InterfaceObject::Address(got)) = g.interface_object else {
        panic!("address object expected");
    };
    assert_eq!(got.ip_address, addr("192.0.2.1/24"));

    let r = b
        .interface_add(add(InterfaceType::TypeInterfaceUnitObject, A::Unit(unit("ge-0/0/1", 1))))
        .await
        .expect("InterfaceAdd")
        .into_inner();
    assert_eq!(r.sub_code(), interface_add_response::StatusCode::NotOwnerOfObject);
    assert!(r.status.expect("status").message.contains("compat-dcd-a"));
    let r = b
        .interface_add(add(InterfaceType::TypeInterfaceUnitObject, A::Unit(unit("", 1))))
        .await
        .expect("InterfaceAdd")
        .into_inner();
    assert_eq!(r.sub_code(), interface_add_response::StatusCode::PortNameNotSpecified);

    let p = b
        .interface_unit_permissions_get(InterfaceUnitPermissionsGetRequest {
            port_name: "ge-0/0/1".into(),
            unit: Some(InterfaceUnit { number: 0 }),
        })
        .await
        .expect("InterfaceUnitPermissionsGet")
        .into_inner();
    assert!(!p.is_owner && p.client_created_unit && p.client_name == "compat-dcd-a");

    let d = a
        .interface_delete(InterfaceDeleteRequest {
            r#type: InterfaceType::TypeInterfaceAddressObject as i32,
            interface_object: Some(interface_delete_request::InterfaceObject::Address(
                InterfaceAddressDelete {
                    port_name: "ge-0/0/1".into(),
                    unit: Some(InterfaceUnit { number: 0 }),
                    family: AfType::AfInet as i32,
                    ip_address: addr("192.0.2.1"),
                },
            )),
        })
        .await
        .expect("InterfaceDelete")
        .into_inner();
    assert_eq!(d.status.expect("status").code(), StatusCode::Success);
}
