//! The notification service against a real device: password checks off the runtime,
//! and everything it started ends when it is dropped.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use jet_config::{LoadMode, LoginClass};
use jet_device::{Device, DeviceOptions, LoadRequest, Payload, Who};
use jet_notify::client::Client;
use jet_notify::codec::{self, Connect, Packet, ProtocolVersion, SubOptions, Subscribe};
use jet_notify::QoS;
use jet_notifyd::NotificationService;
use jet_testkit::{config_text, free_port, random_password};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::task::AbortOnDropHandle;

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

/// A CONNECT with credentials, written on a raw socket (`sent` says when), then its
/// CONNACK's reason code.
async fn raw_login(
    addr: SocketAddr,
    c: Connect,
    sent: tokio::sync::mpsc::UnboundedSender<()>,
) -> u8 {
    let mut sock = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut buf = BytesMut::new();
    codec::encode(
        &Packet::Connect(Box::new(c)),
        ProtocolVersion::V3_1_1,
        &mut buf,
    )
    .expect("encode");
    sock.write_all(&buf).await.expect("write CONNECT");
    let _ = sent.send(());
    buf.clear();
    loop {
        if let Some(p) =
            codec::decode_buf(&mut buf, ProtocolVersion::V3_1_1, 1 << 20).expect("MQTT")
        {
            match p {
                Packet::ConnAck(a) => return a.code.0,
                other => panic!("expected CONNACK, got {other:?}"),
            }
        }
        assert!(
            sock.read_buf(&mut buf).await.expect("read") > 0,
            "closed before CONNACK"
        );
    }
}

/// 200 logins are checked while a subscriber keeps receiving a stream of QoS 0
/// messages. The runtime has one blocking thread, which the test holds: a login whose
/// check runs on the blocking pool cannot be answered until the test lets go, while one
/// checked on a runtime thread would be answered (and stall the runtime) meanwhile. So:
/// after every CONNECT is written, the subscriber still gets messages and no CONNACK
/// comes; once the blocking thread is released, every login succeeds.
#[test]
fn a_subscriber_keeps_receiving_while_200_logins_are_checked() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(logins_while_streaming());
}

async fn logins_while_streaming() {
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

    // Hold the only blocking thread until `release` is dropped.
    let (release, gate) = std::sync::mpsc::channel::<()>();
    let (held_tx, held) = tokio::sync::oneshot::channel();
    let blocker = tokio::task::spawn_blocking(move || {
        let _ = held_tx.send(());
        let _ = gate.recv();
    });
    held.await.expect("the blocking thread is held");

    // A stream of QoS 0 messages from inside the device, for as long as the test runs,
    // about one a millisecond: paced, so that it does not take the CPU the password
    // checks need on a loaded machine.
    let link = service.broker().link();
    let _publisher = AbortOnDropHandle::new(tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let _ = link.publish(
                "/app/stream",
                Bytes::from_static(b"x"),
                QoS::AtMostOnce,
                false,
            );
        }
    }));
    let (delivered_tx, mut delivered) = tokio::sync::mpsc::unbounded_channel();
    let _reader = AbortOnDropHandle::new(tokio::spawn(async move {
        while let Ok(p) = sub.recv().await {
            if matches!(p, Packet::Publish(_)) && delivered_tx.send(()).is_err() {
                return;
            }
        }
    }));

    const LOGINS: usize = 200;
    let (sent_tx, mut sent) = tokio::sync::mpsc::unbounded_channel();
    let mut logins = tokio::task::JoinSet::new();
    for i in 0..LOGINS {
        logins.spawn(raw_login(
            addr,
            login(&format!("login-{i}"), &password),
            sent_tx.clone(),
        ));
    }
    tokio::time::timeout(WAIT, async {
        for _ in 0..LOGINS {
            sent.recv().await.expect("a login task");
        }
    })
    .await
    .expect("every CONNECT written");
    // Drain what was delivered so far, then count deliveries from now on.
    while delivered.try_recv().is_ok() {}
    const STREAM: usize = 200;
    tokio::time::timeout(WAIT, async {
        for _ in 0..STREAM {
            delivered.recv().await.expect("the reader runs");
        }
    })
    .await
    .expect("the subscriber keeps receiving while the logins wait");
    assert!(
        logins.try_join_next().is_none(),
        "a login was answered while the blocking pool was held: its password was checked on a runtime thread"
    );

    drop(release);
    blocker.await.expect("blocker ends");
    // The checks now run one after another on the single blocking thread: the wait
    // guards against a hang (no answer for WAIT), not against a slow, loaded machine.
    let mut accepted = 0;
    loop {
        let next = tokio::time::timeout(WAIT, logins.join_next())
            .await
            .unwrap_or_else(|_| panic!("no login answered for {WAIT:?} ({accepted} were)"));
        let Some(code) = next else { break };
        assert_eq!(code.expect("login task"), 0, "login refused");
        accepted += 1;
    }
    assert_eq!(accepted, LOGINS);
    // Messages kept flowing up to the last CONNACK and still do.
    tokio::time::timeout(WAIT, delivered.recv())
        .await
        .expect("still delivering")
        .expect("the reader runs");
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

/// The broker runs on a thread of its own: while the device's runtime is held up (here:
/// its only thread is blocked), a network client is still served, from CONNECT through
/// SUBSCRIBE to a QoS 1 message published to itself, acknowledged and delivered, on a
/// listener a commit moved the broker to. With the broker (or that listener) on the
/// device's runtime, nothing would answer until the runtime is free.
#[test]
fn the_broker_serves_clients_while_the_devices_runtime_is_held_up() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (service, addr, _dir) = rt.block_on(async {
        let (device, _, dir) = device("").await;
        let service = NotificationService::start(device.clone()).expect("service starts");
        let first = service.local_addrs()[0];
        // A listener bound by a later commit (reconfigured from the device's runtime)
        // runs on the broker's thread too.
        let port = free_port();
        device
            .load_and_commit(LoadRequest {
                payload: Payload::Text(format!(
                    "system {{ services {{ extension-service {{ notification {{ port {port}; }} }} }} }}"
                )),
                mode: LoadMode::Merge,
                who: Who::new("admin", LoginClass::SuperUser, "test"),
                comment: None,
            })
            .await
            .expect("commit moves the broker");
        let moved = tokio::time::timeout(WAIT, async {
            loop {
                match service.local_addrs().first() {
                    Some(a) if *a != first => return *a,
                    _ => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        })
        .await
        .expect("the broker moves to the committed port");
        assert_eq!(moved.port(), port);
        (service, moved, dir)
    });
    let (done_tx, done) = std::sync::mpsc::channel();
    let client = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime");
        let session = async move {
            let (mut c, _) = Client::connect(addr, Connect::new(ProtocolVersion::V5, "held"))
                .await
                .map_err(|e| format!("connect: {e}"))?;
            c.send(&Packet::Subscribe(Subscribe {
                pid: 1,
                props: Default::default(),
                filters: vec![("app/held".into(), SubOptions::qos(QoS::AtLeastOnce))],
            }))
            .await
            .map_err(|e| format!("subscribe: {e}"))?;
            let mut publish = codec::Publish::new("app/held", QoS::AtLeastOnce, &b"while held"[..]);
            publish.pid = 7;
            let (mut acked, mut delivered) = (false, None);
            while !(acked && delivered.is_some()) {
                match c.recv().await.map_err(|e| format!("recv: {e}"))? {
                    Packet::SubAck(_) => c
                        .send(&Packet::Publish(publish.clone()))
                        .await
                        .map_err(|e| format!("publish: {e}"))?,
                    Packet::PubAck(a) if a.pid == 7 => acked = true,
                    Packet::Publish(p) => {
                        if p.qos == QoS::AtLeastOnce {
                            c.send(&Packet::PubAck(codec::PubAck::new(p.pid)))
                                .await
                                .map_err(|e| format!("puback: {e}"))?;
                        }
                        delivered = Some(p.payload);
                    }
                    _ => {}
                }
            }
            Ok::<_, String>(delivered)
        };
        let outcome = rt.block_on(async { tokio::time::timeout(WAIT, session).await });
        let _ = done_tx.send(outcome);
    });
    rt.block_on(async {
        // Blocks the device runtime's only thread until the client is done.
        let outcome = done.recv_timeout(WAIT);
        assert!(
            matches!(&outcome, Ok(Ok(Ok(Some(p)))) if &p[..] == b"while held"),
            "the client was not served while the device's runtime was held: {outcome:?}"
        );
    });
    client.join().expect("client thread");
    drop(service);
}
