//! The notification service against a real device: password checks off the runtime,
//! and everything it started ends when it is dropped.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use jet_device::{Device, DeviceOptions};
use jet_notify::client::Client;
use jet_notify::codec::{self, Connect, Packet, ProtocolVersion, SubOptions, Subscribe};
use jet_notify::QoS;
use jet_notifyd::NotificationService;
use jet_testkit::{config_text, free_port, random_password};
use tokio::io::AsyncReadExt;

/// Generous bound on waits that only guard against a hang.
const WAIT: Duration = Duration::from_secs(30);

async fn device(extra: &str) -> (Device, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let password = random_password();
    let (device, _) = Device::start(DeviceOptions {
        data_dir: dir.path().to_path_buf(),
        initial_config: Some(config_text(&password, free_port(), extra)),
    })
    .await
    .expect("device starts");
    (device, password, dir)
}

fn login(id: &str, password: &str) -> Connect {
    let mut c = Connect::new(ProtocolVersion::V3_1_1, id);
    c.username = Some("admin".into());
    c.password = Some(Bytes::from(password.to_owned()));
    c
}

enum Seen {
    Delivery,
    ConnAck,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_keeps_receiving_while_200_logins_are_checked() {
    let (device, password, _dir) = device(
        "system { services { extension-service { notification { \
         max-connections 1000; authentication { required; } } } } }",
    )
    .await;
    let service = NotificationService::start(device).expect("service starts");
    let addr = service.local_addrs()[0];

    let (mut sub, _) = Client::connect(addr, login("subscriber", &password))
        .await
        .expect("subscriber logs in");
    sub.send(&Packet::Subscribe(Subscribe {
        pid: 1,
        props: Default::default(),
        filters: vec![("/app/stream".into(), SubOptions::qos(QoS::AtMostOnce))],
    }))
    .await
    .expect("subscribe");
    assert!(matches!(sub.recv().await, Ok(Packet::SubAck(_))));

    // A stream of QoS 0 messages from inside the device, for as long as the test runs.
    let link = service.broker().link();
    let publisher = jet_notify::AbortOnDrop::spawn(async move {
        loop {
            let _ = link.publish(
                "/app/stream",
                Bytes::from_static(b"x"),
                QoS::AtMostOnce,
                false,
            );
            tokio::task::yield_now().await;
        }
    });

    // What the test sees, in the order it sees it.
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel();
    let reader = {
        let seen_tx = seen_tx.clone();
        jet_notify::AbortOnDrop::spawn(async move {
            while let Ok(p) = sub.recv().await {
                if matches!(p, Packet::Publish(_)) && seen_tx.send(Seen::Delivery).is_err() {
                    return;
                }
            }
        })
    };
    const LOGINS: usize = 200;
    let mut logins = Vec::new();
    for i in 0..LOGINS {
        let seen_tx = seen_tx.clone();
        let c = login(&format!("login-{i}"), &password);
        logins.push(tokio::spawn(async move {
            let (client, _) = Client::connect(addr, c).await.expect("login accepted");
            let _ = seen_tx.send(Seen::ConnAck);
            // Stay connected until the end: the count of logins is the point.
            client
        }));
    }
    let mut connacks = 0;
    let mut delivered_before_last_connack = 0;
    tokio::time::timeout(WAIT, async {
        while connacks < LOGINS {
            match seen.recv().await.expect("the test holds a sender") {
                Seen::ConnAck => connacks += 1,
                Seen::Delivery => delivered_before_last_connack += 1,
            }
        }
    })
    .await
    .expect("all logins answered");
    assert!(
        delivered_before_last_connack > 0,
        "no message reached the subscriber while {LOGINS} logins were checked"
    );
    drop((publisher, reader));
    for l in logins {
        l.await.expect("login task");
    }
}

#[tokio::test]
async fn dropping_the_service_closes_its_port_its_clients_and_its_bridges() {
    // An "external broker" that only accepts the bridge's connection.
    let remote = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let remote_port = remote.local_addr().expect("addr").port();
    let (device, _, _dir) = device(&format!(
        "system {{ services {{ extension-service {{ notification {{ \
         bridge lab {{ address 127.0.0.1; port {remote_port}; }} }} }} }} }}"
    ))
    .await;
    let service = NotificationService::start(device).expect("service starts");
    let addr: SocketAddr = service.local_addrs()[0];
    let (mut client, _) = Client::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "c"))
        .await
        .expect("client connects");
    let (mut bridge, _) = tokio::time::timeout(WAIT, remote.accept())
        .await
        .expect("the bridge connects")
        .expect("accept");
    let mut buf = BytesMut::new();
    let connect = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(p) = codec::decode_buf(&mut buf, ProtocolVersion::V3_1_1, 1 << 20)
                .expect("MQTT from the bridge")
            {
                return p;
            }
            assert!(
                bridge.read_buf(&mut buf).await.expect("read") > 0,
                "bridge hung up"
            );
        }
    })
    .await
    .expect("CONNECT from the bridge");
    assert!(matches!(connect, Packet::Connect(_)), "{connect:?}");

    drop(service);

    // The connected client is disconnected...
    let end = tokio::time::timeout(WAIT, async {
        loop {
            match client.recv().await {
                Ok(Packet::Disconnect(_)) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(end.is_ok(), "the client is still connected");
    // ...the bridge's connection ends (its task was aborted)...
    let eof = tokio::time::timeout(WAIT, async {
        let mut rest = Vec::new();
        bridge.read_to_end(&mut rest).await
    })
    .await;
    assert!(eof.is_ok(), "the bridge is still connected");
    // ...and the MQTT port no longer accepts.
    let refused = tokio::time::timeout(WAIT, async {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(refused.is_ok(), "{addr} still accepts connections");
}
