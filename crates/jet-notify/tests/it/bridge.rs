//! The bridge client (`jet_notify::client`) against our own broker.

use bytes::Bytes;
use jet_notify::client::{run_bridge, BridgeOptions, Client};
use jet_notify::codec::{Connect, Packet, ProtocolVersion, Publish, SubOptions, Subscribe};
use jet_notify::{ClientError, QoS};
use std::time::Duration;
use tokio_util::task::AbortOnDropHandle;

use crate::common::*;

#[tokio::test]
async fn a_bridge_forwards_its_queue_in_order_at_qos_1() {
    let (_broker, addr) = start(|_| {});
    let (mut sub, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "sub")).await;
    sub.send(Packet::Subscribe(Subscribe {
        pid: 1,
        props: Default::default(),
        filters: vec![("bridged/#".into(), SubOptions::qos(QoS::AtLeastOnce))],
    }))
    .await;
    assert!(matches!(sub.recv().await, Some(Packet::SubAck(_))));

    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let _bridge = AbortOnDropHandle::new(tokio::spawn(run_bridge(
        BridgeOptions {
            name: "test".into(),
            broker: addr,
            client_id: "bridge-test".into(),
            keep_alive: Duration::from_secs(30),
        },
        rx,
    )));
    for i in 0..3 {
        let p = Publish::new(
            format!("bridged/{i}"),
            QoS::AtMostOnce,
            format!("event {i}"),
        );
        tx.send(p).await.expect("bridge runs");
    }
    for i in 0..3 {
        match sub.recv().await {
            Some(Packet::Publish(p)) => {
                assert_eq!(p.topic.as_str(), format!("bridged/{i}"));
                assert_eq!(p.payload, Bytes::from(format!("event {i}")));
                assert_eq!(p.qos, QoS::AtLeastOnce, "bridged messages go out at QoS 1");
            }
            other => panic!("expected message {i}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_client_reports_the_reason_a_broker_refuses_it() {
    let (_broker, addr) = start(|c| c.allow_clients.clear());
    match Client::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "nobody")).await {
        Err(ClientError::Refused(code)) => assert_eq!(code, 0x87, "not authorized"),
        Err(e) => panic!("expected a refusal, got {e}"),
        Ok(_) => panic!("a broker allowing nobody let the client in"),
    }
}
