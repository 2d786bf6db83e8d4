//! Session end reaches the owners of per-client state losslessly, whatever the event bus
//! does: the RIB purges the routes of every closed session even when the bus is flooded
//! far past its capacity (so every broadcast receiver lags and loses the `Closed` events).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use jet_device::events::EVENT_QUEUE;
use jet_device::rib::jet_rib::{
    Batch, Defaults, Prefix, RouteSpec, SetOp, TableRef, DEFAULT_PURGE_SECS,
};
use jet_device::rib::{RibHandle, RouteTableEvent};
use jet_device::{Device, DeviceEvent, DeviceOptions, Login, Session, Transport};

const SESSIONS: u64 = 1_000;

fn client(i: u64) -> String {
    format!("app-{i}")
}

/// One blackhole route of its own per client.
fn one_route(i: u64) -> Batch {
    let mut b = Batch::with_capacity(1);
    let table = b.table_index(TableRef::Name("inet.0".into()));
    let addr = Ipv4Addr::from(0x0a00_0000 + i as u32);
    b.routes.push(RouteSpec::new(
        table,
        Prefix::v4(addr, 32).expect("prefix"),
        0,
        0,
    ));
    b
}

fn routes_of(rib: &RibHandle, i: u64) -> u64 {
    rib.read(|r| {
        r.clients
            .find(&client(i))
            .and_then(|c| r.clients.get(c))
            .map_or(0, |c| c.routes)
    })
}

#[tokio::test(start_paused = true)]
async fn closed_sessions_routes_are_purged_on_time_while_the_event_bus_overflows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (dev, _) = Device::start(DeviceOptions {
        data_dir: dir.path().to_path_buf(),
        initial_config: None,
    })
    .await
    .expect("device");
    let rib = dev.rib();
    let peer = SocketAddr::from(([192, 0, 2, 1], 40000));
    for i in 1..=SESSIONS {
        let s = Session::new(i, peer, Transport::ClearText);
        dev.sessions().open(s.clone());
        dev.sessions().login(
            &s,
            Login {
                user: "admin".into(),
                class: jet_config::LoginClass::SuperUser,
                client_id: client(i),
                group_id: String::new(),
                at: chrono::Utc::now(),
            },
        );
        rib.initialize(&client(i), i, Defaults::default())
            .await
            .expect("initialize");
        let out = rib
            .apply(&client(i), i, SetOp::Add, one_route(i))
            .await
            .expect("apply");
        assert_eq!((out.completed, out.error), (1, None));
    }
    assert!((1..=SESSIONS).all(|i| routes_of(rib, i) == 1));

    // Close every session and, without yielding to any other task, flood the bus past
    // its capacity: every broadcast receiver has lost every `Closed` event.
    let mut watcher = dev.events().subscribe();
    for i in 1..=SESSIONS {
        dev.sessions().close(i);
    }
    for n in 0..EVENT_QUEUE + 10 {
        dev.events().emit(DeviceEvent::RouteTable(RouteTableEvent {
            table: format!("flood-{n}.inet.0"),
            added: false,
        }));
    }
    assert!(matches!(
        watcher.try_recv(),
        Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_))
    ));
    assert!(dev.sessions().is_empty());

    // The purge timers started at the close: the routes stay for the purge time ...
    let purge = Duration::from_secs(u64::from(DEFAULT_PURGE_SECS));
    tokio::time::sleep(purge - Duration::from_secs(1)).await;
    assert!(
        (1..=SESSIONS).all(|i| routes_of(rib, i) == 1),
        "routes purged before their purge time"
    );
    // ... and every one of them is gone when it expires.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let left: Vec<u64> = (1..=SESSIONS).filter(|&i| routes_of(rib, i) != 0).collect();
    assert!(left.is_empty(), "routes never purged for sessions {left:?}");
}
