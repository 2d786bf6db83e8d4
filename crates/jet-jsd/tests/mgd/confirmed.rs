//! `commit confirmed N`: rolled back automatically after N minutes unless confirmed by
//! another commit; the rollback is itself a recorded commit. Paused tokio time, no
//! sleeping.

use std::time::Duration;

use jet_config::LoginClass;
use jet_device::{CfgMode, Device, DeviceOptions, Who};

async fn device() -> (tempfile::TempDir, Device) {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = jet_testkit::config_text("pw", jet_testkit::free_port(), "");
    let (dev, _) = Device::start(DeviceOptions {
        data_dir: dir.path().to_path_buf(),
        initial_config: Some(text),
    })
    .await
    .expect("device starts");
    (dir, dev)
}

fn admin() -> Who {
    Who::new("admin", LoginClass::SuperUser, "cli")
}

/// Runs one command in a fresh private session.
async fn private(dev: &Device, lines: &[&str]) -> Vec<String> {
    let (token, _) = dev
        .config_open(None, admin(), CfgMode::Private)
        .await
        .expect("opens");
    let mut out = Vec::new();
    for l in lines {
        let r = dev
            .config_command(None, &token, l, None)
            .await
            .unwrap_or_else(|e| panic!("{l}: {e}"));
        out.push(r.output);
    }
    out
}

/// Waits (without timers) until the committed host name is `name`.
async fn host_name_becomes(dev: &Device, name: &str) {
    let mut rx = dev.watch_config();
    while rx.borrow_and_update().config.host_name() != Some(name) {
        rx.changed().await.expect("device alive");
    }
}

#[tokio::test(start_paused = true)]
async fn unconfirmed_commit_is_rolled_back_after_its_timeout() {
    let (_dir, dev) = device().await;
    let out = private(&dev, &["set system host-name risky", "commit confirmed 5"]).await;
    assert_eq!(
        out[1],
        "commit confirmed will be automatically rolled back in 5 minutes unless confirmed\n\
         commit complete\n"
    );
    assert_eq!(dev.committed().config.host_name(), Some("risky"));
    let h = dev.commit_history();
    assert_eq!(h.pending.as_ref().map(|p| p.minutes), Some(5));
    assert_eq!(
        h.entries[0].client,
        "cli commit confirmed, rollback in 5mins"
    );

    tokio::time::sleep(Duration::from_secs(4 * 60 + 50)).await;
    assert_eq!(dev.committed().config.host_name(), Some("risky"), "not yet");

    host_name_becomes(&dev, "testdev").await;
    let h = dev.commit_history();
    assert!(h.pending.is_none());
    assert_eq!(h.entries[0].user, "root");
    assert_eq!(h.entries[0].client, "other commit confirmed rollback");
    assert_eq!(
        h.entries[1].client,
        "cli commit confirmed, rollback in 5mins"
    );
    let text = dev
        .op_command(
            jet_device::op::OpInput::Cli("show system commit"),
            jet_device::Format::Text,
        )
        .await
        .expect("history");
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.ends_with("by root via other commit confirmed rollback")),
        "{text}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_second_commit_within_the_timeout_confirms() {
    let (_dir, dev) = device().await;
    private(&dev, &["set system host-name keep", "commit confirmed 1"]).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    private(&dev, &["commit comment confirming"]).await;
    assert!(dev.commit_history().pending.is_none());
    tokio::time::sleep(Duration::from_secs(10 * 60)).await;
    assert_eq!(dev.committed().config.host_name(), Some("keep"));
    assert_eq!(
        dev.commit_history().entries[0].comment.as_deref(),
        Some("confirming")
    );
}

#[tokio::test(start_paused = true)]
async fn commit_check_also_confirms() {
    let (_dir, dev) = device().await;
    private(
        &dev,
        &[
            "set system host-name checked",
            "commit confirmed 2",
            "commit check",
        ],
    )
    .await;
    assert!(dev.commit_history().pending.is_none());
    tokio::time::sleep(Duration::from_secs(3 * 60)).await;
    assert_eq!(dev.committed().config.host_name(), Some("checked"));
}

#[tokio::test(start_paused = true)]
async fn renewed_commit_confirmed_rolls_back_to_before_the_first() {
    let (_dir, dev) = device().await;
    private(&dev, &["set system host-name one", "commit confirmed 2"]).await;
    private(&dev, &["set system host-name two", "commit confirmed 2"]).await;
    host_name_becomes(&dev, "testdev").await;
}

#[tokio::test]
async fn confirm_timeout_is_range_checked() {
    let (_dir, dev) = device().await;
    let (token, _) = dev
        .config_open(None, admin(), CfgMode::Private)
        .await
        .expect("opens");
    for bad in ["commit confirmed 0", "commit confirmed 65536"] {
        let e = dev
            .config_command(None, &token, bad, None)
            .await
            .expect_err("out of range");
        assert!(e.to_string().contains("1..65535"), "{e}");
    }
}
