//! Purge after the client's last session ends (paused time), and rebind on reconnect.

use std::time::Duration;

use jet_sdk::firewall::{bind_interface, inet_filter, Dir, InetTerm};
use jet_sdk::proto::jnx::jet::firewall as pb;

use crate::{device, firewall, ok};

fn filters_of(dev: &jet_testkit::TestDevice, client: &str) -> usize {
    dev.device().firewall().read(|p| {
        p.fw.api
            .values()
            .filter(|f| f.owner() == Some(client))
            .count()
    })
}

fn purge_pending(dev: &jet_testkit::TestDevice, client: &str) -> bool {
    dev.device().firewall().read(|p| {
        p.fw.clients
            .get(client)
            .is_some_and(|c| c.purge_at.is_some())
    })
}

async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn filters_and_bindings_survive_the_purge_time_then_go() {
    let dev = device().await;
    let (c, mut fw) = firewall(&dev, "gone").await;
    ok!(fw.filters_purge_timer_add(pb::FiltersPurgeTimerAddRequest { time: 30 }));
    ok!(fw.filter_add(inet_filter("f", vec![InetTerm::new("a").accept()])));
    ok!(fw.filter_bind_add(bind_interface("f", "ge-0/0/0.0", Dir::Input)));
    drop(fw);
    drop(c);
    eventually("purge armed", || purge_pending(&dev, "gone")).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(29)).await;
    settle().await;
    assert_eq!(filters_of(&dev, "gone"), 1, "kept before 30 s");
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    assert_eq!(filters_of(&dev, "gone"), 0, "purged after 30 s");
    assert!(
        dev.device().firewall().read(|p| p.fw.bound.is_empty()),
        "bindings went too"
    );
    tokio::time::resume();
}

#[tokio::test]
async fn reconnecting_before_the_purge_keeps_the_filters() {
    let dev = device().await;
    let (c, mut fw) = firewall(&dev, "back").await;
    ok!(fw.filter_add(inet_filter("f", vec![InetTerm::new("a").accept()])));
    drop(fw);
    drop(c);
    eventually("purge armed", || purge_pending(&dev, "back")).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(60)).await;
    settle().await;
    tokio::time::resume();
    let (_c, mut fw) = firewall(&dev, "back").await;
    // Any call rebinds: the client owns its filter again and the purge is off.
    ok!(fw.filters_purge_timer_get(pb::FiltersPurgeTimerGetRequest {}));
    assert!(!purge_pending(&dev, "back"));
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(200)).await;
    settle().await;
    tokio::time::resume();
    assert_eq!(filters_of(&dev, "back"), 1);
    ok!(fw.filter_delete(jet_sdk::firewall::inet_filter_delete("f")));
}
