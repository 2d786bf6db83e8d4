//! `jnx.jet.routing.interfaces.Interfaces` against the device's interfaces.

use std::time::Duration;

use futures::StreamExt as _;
use jet_sdk::proto::jnx::jet::routing::interfaces::{
    self as pb, interface_get_request::Key, interfaces_client::InterfacesClient,
};
use jet_testkit::TestDevice;
use tonic::transport::Channel;

async fn next(
    s: &mut tonic::Streaming<pb::InterfaceSubscribeResponse>,
) -> pb::InterfaceSubscribeResponse {
    tokio::time::timeout(Duration::from_secs(10), s.next())
        .await
        .expect("in time")
        .expect("message")
        .expect("ok")
}

const CONFIG: &str = "interfaces { ge-0/0/2 { unit 0 { family inet { address 192.0.2.1/24; } } } \
    ge-0/0/3 { unit 0 { family inet6 { address 2001:db8::1/64; } } } }";

async fn client(dev: &TestDevice, id: &str) -> InterfacesClient<Channel> {
    let jet = dev.admin(id).await;
    let mut c = InterfacesClient::new(jet.channel());
    let r = c
        .interface_initialize(pb::InterfaceInitializeRequest {})
        .await
        .expect("init")
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::interface_initialize_response::StatusCode::SuccessCompleted as i32
    );
    c
}

#[tokio::test]
async fn calls_before_initialize_answer_not_initialized() {
    let dev = TestDevice::with_config(CONFIG).await;
    let jet = dev.admin("early").await;
    let mut c = InterfacesClient::new(jet.channel());
    let r = c
        .interface_get(pb::InterfaceGetRequest {
            key: Some(Key::Name("ge-0/0/2.0".into())),
            address_format: 0,
        })
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::interface_get_response::StatusCode::NotInitialized as i32
    );
    assert!(r.entry.is_none());
}

#[tokio::test]
async fn get_by_name_and_index_returns_status_and_addresses() {
    let dev = TestDevice::with_config(CONFIG).await;
    let mut c = client(&dev, "getter").await;
    let by_name = c
        .interface_get(pb::InterfaceGetRequest {
            key: Some(Key::Name("ge-0/0/2.0".into())),
            address_format: 0,
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        by_name.sub_code,
        pb::interface_get_response::StatusCode::SuccessCompleted as i32
    );
    let e = by_name.entry.expect("entry");
    assert_eq!(e.status, pb::InterfaceStatus::RtIntfUp as i32);
    assert_eq!(e.addresses.len(), 1);
    assert_eq!(e.addresses[0].prefix_length, 24);
    assert_eq!(e.bandwidth, 1_000_000_000);
    let by_index = c
        .interface_get(pb::InterfaceGetRequest {
            key: Some(Key::Index(e.index)),
            address_format: 0,
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        by_index.entry.map(|x| x.name),
        Some("ge-0/0/2.0".to_owned())
    );
    let missing = c
        .interface_get(pb::InterfaceGetRequest {
            key: Some(Key::Name("ge-0/0/9.7".into())),
            address_format: 0,
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        missing.sub_code,
        pb::interface_get_response::StatusCode::NotFound as i32
    );
    let none = c
        .interface_get(pb::InterfaceGetRequest {
            key: None,
            address_format: 0,
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        none.sub_code,
        pb::interface_get_response::StatusCode::InvalidIndexAndName as i32
    );
}

#[tokio::test]
async fn subscribe_confirms_dumps_then_streams_down_and_up_and_refresh_redumps() {
    let dev = TestDevice::with_config(CONFIG).await;
    let mut c = client(&dev, "watcher").await;
    let mut s = c
        .interface_subscribe(pb::InterfaceSubscribeRequest { address_format: 0 })
        .await
        .expect("sub")
        .into_inner();
    let confirm = next(&mut s).await;
    assert!(confirm.entries.is_empty());
    let dump = next(&mut s).await;
    assert!(dump.entries.iter().any(|e| e.name == "ge-0/0/2.0"));
    // A second subscription of the same client is refused.
    let again = c
        .interface_subscribe(pb::InterfaceSubscribeRequest { address_format: 0 })
        .await
        .expect("sub")
        .into_inner();
    let first = again.collect::<Vec<_>>().await;
    assert_eq!(
        first[0].as_ref().expect("ok").sub_code,
        pb::interface_subscribe_response::StatusCode::AlreadySubscribed as i32
    );
    dev.device()
        .simulate_link("ge-0/0/2", false)
        .await
        .expect("down");
    let down = next(&mut s).await;
    let e = down
        .entries
        .iter()
        .find(|e| e.name == "ge-0/0/2.0")
        .expect("ge-0/0/2.0 notified");
    assert_eq!(e.status, pb::InterfaceStatus::RtIntfDown as i32);
    dev.device()
        .simulate_link("ge-0/0/2", true)
        .await
        .expect("up");
    let up = next(&mut s).await;
    let e = up
        .entries
        .iter()
        .find(|e| e.name == "ge-0/0/2.0")
        .expect("ge-0/0/2.0 notified");
    assert_eq!(e.status, pb::InterfaceStatus::RtIntfUp as i32);
    assert_eq!(e.addresses.len(), 1, "UP carries the full entry");
    let r = c
        .interface_refresh(pb::InterfaceRefreshRequest {})
        .await
        .expect("refresh")
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::interface_refresh_response::StatusCode::SuccessCompleted as i32
    );
    // The re-dump carries every routing interface again with its current status.
    let names: Vec<String> = dump.entries.iter().map(|e| e.name.clone()).collect();
    let mut redumped = false;
    for _ in 0..5 {
        let m = next(&mut s).await;
        let got: Vec<String> = m.entries.iter().map(|e| e.name.clone()).collect();
        if got == names
            && m.entries
                .iter()
                .all(|e| e.status == pb::InterfaceStatus::RtIntfUp as i32)
        {
            redumped = true;
            break;
        }
    }
    assert!(redumped, "no full re-dump after InterfaceRefresh");
    let u = c
        .interface_unsubscribe(pb::InterfaceUnsubscribeRequest {})
        .await
        .expect("unsub")
        .into_inner();
    assert_eq!(
        u.sub_code,
        pb::interface_unsubscribe_response::StatusCode::SuccessCompleted as i32
    );
    let u = c
        .interface_unsubscribe(pb::InterfaceUnsubscribeRequest {})
        .await
        .expect("unsub")
        .into_inner();
    assert_eq!(
        u.sub_code,
        pb::interface_unsubscribe_response::StatusCode::NotificationNotSubscribed as i32
    );
}

#[tokio::test]
async fn a_new_session_of_the_same_client_rebinds() {
    let dev = TestDevice::with_config(CONFIG).await;
    let first = client(&dev, "rebinder").await;
    drop(first);
    let jet = dev.admin("rebinder").await;
    let r = InterfacesClient::new(jet.channel())
        .interface_initialize(pb::InterfaceInitializeRequest {})
        .await
        .expect("init")
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::interface_initialize_response::StatusCode::SuccessRebound as i32
    );
    let again = InterfacesClient::new(jet.channel())
        .interface_initialize(pb::InterfaceInitializeRequest {})
        .await
        .expect("init")
        .into_inner();
    assert_eq!(
        again.sub_code,
        pb::interface_initialize_response::StatusCode::AlreadyInitialized as i32
    );
}
