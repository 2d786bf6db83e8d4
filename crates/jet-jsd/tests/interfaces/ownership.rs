//! Ownership between clients, public (configured) units, purge after the client's last
//! session (paused time) and rebind on reconnect.

use std::time::Duration;

use jet_sdk::interfaces::{address, family, interface, unit, Af};
use jet_sdk::proto::jnx::jet::interfaces::{
    interface_add_response::StatusCode as Add, interface_delete_response::StatusCode as Del,
    interface_update_response::StatusCode as Upd,
};

use crate::{dcd, device, eventually, ok, refused};

#[tokio::test]
async fn the_first_client_owns_the_interface_tree_until_it_releases_it() {
    let dev = device().await;
    let (_a, mut a) = dcd(&dev, "alice").await;
    let (_b, mut b) = dcd(&dev, "bob").await;
    ok!(a.interface_add(unit("ge-0/0/2", 0).add_request()));
    refused!(
        b.interface_add(unit("ge-0/0/2", 1).add_request()),
        Add::NotOwnerOfObject,
        "ge-0/0/2",
        "'alice'"
    );
    refused!(
        b.interface_update(interface("ge-0/0/2").integer("mtu", 2000).update_request()),
        Upd::NotOwnerOfObject,
        "'alice'"
    );
    refused!(
        b.interface_delete(unit("ge-0/0/2", 0).delete_request()),
        Del::NotOwnerOfObject,
        "'alice'"
    );
    // Permissions: owner, other client, public (configured) unit.
    let p =
        ok!(a.interface_unit_permissions_get(unit("ge-0/0/2", 0).permissions_request().unwrap()));
    assert!(
        p.is_owner && p.client_created_unit && p.client_name == "alice",
        "{p:?}"
    );
    let p =
        ok!(b.interface_unit_permissions_get(unit("ge-0/0/2", 0).permissions_request().unwrap()));
    assert!(
        !p.is_owner && p.client_created_unit && p.client_name == "alice",
        "{p:?}"
    );
    let p =
        ok!(b.interface_unit_permissions_get(unit("ge-0/0/0", 0).permissions_request().unwrap()));
    assert!(
        !p.is_owner && !p.client_created_unit && p.client_name.is_empty(),
        "{p:?}"
    );
    // Bob may add to the public unit; then ge-0/0/0's API objects are his.
    ok!(b.interface_add(family("ge-0/0/0", 0, Af::Inet6).add_request()));
    refused!(
        a.interface_add(family("ge-0/0/0", 0, Af::Mpls).add_request()),
        Add::NotOwnerOfObject,
        "'bob'"
    );
    // Once alice deletes all she configured there, the tree is free.
    ok!(a.interface_delete(unit("ge-0/0/2", 0).delete_request()));
    ok!(b.interface_add(unit("ge-0/0/2", 1).add_request()));
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

async fn purge_armed(dev: &jet_testkit::TestDevice, client: &str) -> bool {
    dev.device()
        .interfaces_api_state()
        .await
        .unwrap()
        .clients
        .get(client)
        .is_some_and(|c| c.purge_at.is_some())
}

#[tokio::test]
async fn objects_survive_the_purge_time_then_go_with_their_routes() {
    let dev = device().await;
    let (c, mut i) = dcd(&dev, "gone").await;
    ok!(i.interface_add(unit("ge-0/0/3", 0).add_request()));
    ok!(i.interface_add(family("ge-0/0/3", 0, Af::Inet).add_request()));
    ok!(i.interface_add(address("ge-0/0/3", 0, "192.0.2.1/24").add_request()));
    assert!(dev.device().interfaces().ifl("ge-0/0/3.0").is_some());
    drop(i);
    drop(c);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !purge_armed(&dev, "gone").await {
        assert!(tokio::time::Instant::now() < deadline, "purge never armed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(119)).await;
    settle().await;
    assert!(
        dev.device().interfaces().ifl("ge-0/0/3.0").is_some(),
        "kept before 120 s"
    );
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    tokio::time::resume();
    eventually("unit purged", || {
        dev.device().interfaces().ifl("ge-0/0/3.0").is_none()
    })
    .await;
    let viewer = dev.admin("viewer").await;
    let routes = viewer
        .op_command("show route table inet.0", jet_sdk::OutputFormat::Text)
        .await
        .expect("show route");
    assert!(
        !routes.contains("192.0.2.0/24"),
        "direct route withdrawn: {routes}"
    );
}

#[tokio::test]
async fn a_client_back_before_the_purge_keeps_its_objects() {
    let dev = device().await;
    let (c, mut i) = dcd(&dev, "back").await;
    ok!(i.interface_add(unit("ge-0/0/4", 0).add_request()));
    drop(i);
    drop(c);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !purge_armed(&dev, "back").await {
        assert!(tokio::time::Instant::now() < deadline, "purge never armed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(60)).await;
    settle().await;
    tokio::time::resume();
    let (_c, mut i) = dcd(&dev, "back").await;
    // Rebound: its first call cancels the purge, and it still owns the unit.
    let p =
        ok!(i.interface_unit_permissions_get(unit("ge-0/0/4", 0).permissions_request().unwrap()));
    assert!(p.is_owner, "{p:?}");
    assert!(!purge_armed(&dev, "back").await);
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(200)).await;
    settle().await;
    tokio::time::resume();
    assert!(dev.device().interfaces().ifl("ge-0/0/4.0").is_some());
}
