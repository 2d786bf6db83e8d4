//! The older generation's `interface.*` services over the same objects: a tree created
//! through `InterfacesService`, `setClientTimeout` shortening the purge (paused time), and
//! a client back before the purge keeping its objects.

use std::time::Duration;

use jet_sdk::proto::interface::{
    self as lg, interfaces_service_client::InterfacesServiceClient,
    timeout_service_client::TimeoutServiceClient, RetStatus,
};
use tonic::transport::Channel;

use crate::device;

fn unit(port: &str, n: i32) -> lg::InterfaceLogicalConfig {
    lg::InterfaceLogicalConfig {
        port_name: port.into(),
        ifl_unit: Some(lg::Value32 { unit: n }),
        ..Default::default()
    }
}

async fn session(
    dev: &jet_testkit::TestDevice,
    id: &str,
) -> (jet_sdk::JetClient, InterfacesServiceClient<Channel>) {
    let c = dev.admin(id).await;
    let i = InterfacesServiceClient::new(c.channel());
    (c, i)
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

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

async fn wait_armed(dev: &jet_testkit::TestDevice, client: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !purge_armed(dev, client).await {
        assert!(tokio::time::Instant::now() < deadline, "purge never armed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn set_client_timeout_shortens_the_purge_of_a_legacy_clients_objects() {
    let dev = device().await;
    let (c, mut i) = session(&dev, "legacy-gone").await;
    let r = TimeoutServiceClient::new(c.channel())
        .set_client_timeout(lg::TimeoutInfo { timeout: 30 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.status(), RetStatus::Success, "{}", r.error_message);
    let r = i
        .interface_logical_create(unit("ge-0/0/3", 0))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.status(), RetStatus::Success, "{}", r.error_message);
    assert!(dev.device().interfaces().ifl("ge-0/0/3.0").is_some());
    drop(i);
    drop(c);
    wait_armed(&dev, "legacy-gone").await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(29)).await;
    settle().await;
    assert!(
        dev.device().interfaces().ifl("ge-0/0/3.0").is_some(),
        "kept before 30 s"
    );
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    tokio::time::resume();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while dev.device().interfaces().ifl("ge-0/0/3.0").is_some() {
        assert!(tokio::time::Instant::now() < deadline, "unit never purged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_legacy_client_back_before_the_purge_keeps_its_objects() {
    let dev = device().await;
    let (c, mut i) = session(&dev, "legacy-back").await;
    let r = i
        .interface_logical_create(unit("ge-0/0/4", 2))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.status(), RetStatus::Success, "{}", r.error_message);
    drop(i);
    drop(c);
    wait_armed(&dev, "legacy-back").await;
    let (_c, mut i) = session(&dev, "legacy-back").await;
    // Any call of the client cancels its purge; deleting shows it still owns the unit.
    let again = i
        .interface_logical_create(unit("ge-0/0/4", 2))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        again.status(),
        RetStatus::Failure,
        "the unit is still there"
    );
    assert!(!purge_armed(&dev, "legacy-back").await);
    let del = i
        .interface_logical_delete(unit("ge-0/0/4", 2))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(del.status(), RetStatus::Success, "{}", del.error_message);
}
