//! Staged upgrades with real processes: the test starts the active version's entry
//! point as the supervisor will, and reports its exits to the device.

use std::time::Duration;

use jet_device::packages::{ProbationPolicy, Verdict};
use jet_testkit::TestDevice;

use crate::{add, op, Dev};

/// Starts the active version of `name` (its interpreter and entry point from the
/// manifest) and waits up to `wait` for it to exit: `Some(crashed)` if it exited,
/// `None` (and the process killed) if it was still running.
async fn run_active(d: &TestDevice, name: &str, wait: Duration) -> (String, Option<bool>) {
    let set = d.device().packages().current();
    let p = set.packages.get(name).expect("installed");
    let m = &p.manifest;
    let mut child = tokio::process::Command::new(m.interpreter.as_deref().expect("interpreter"))
        .arg(p.dir.join(&m.entry))
        .kill_on_drop(true)
        .spawn()
        .expect("app starts");
    let exit = match tokio::time::timeout(wait, child.wait()).await {
        Ok(status) => Some(!status.expect("wait").success()),
        Err(_) => {
            let _ = child.kill().await;
            None
        }
    };
    (m.version.clone(), exit)
}

#[tokio::test]
async fn crash_looping_upgrade_is_rolled_back_and_the_old_version_runs() {
    let dev = Dev::new();
    let d = dev.device().await;
    let c = d.admin("pkg-test").await;
    op(&c, &add(&dev.package("hello", "1.0.0", "sleep 30\n")))
        .await
        .expect("v1 installs");
    let (v, exit) = run_active(&d, "hello", Duration::from_millis(300)).await;
    assert_eq!((v.as_str(), exit), ("1.0.0", None), "v1 runs");

    let out = op(&c, &add(&dev.package("hello", "2.0.0", "exit 3\n")))
        .await
        .expect("v2 installs");
    assert!(
        out.contains("Upgrading package hello from 1.0.0 to 2.0.0"),
        "{out}"
    );
    assert!(out.contains("on probation for 60 s"), "{out}");
    let data = d.dir.path();
    assert!(data.join("packages/hello/1.0.0").is_dir(), "previous kept");

    let mut verdicts = Vec::new();
    for _ in 0..3 {
        let (v, exit) = run_active(&d, "hello", Duration::from_secs(5)).await;
        assert_eq!((v.as_str(), exit), ("2.0.0", Some(true)), "v2 crashes");
        verdicts.push(
            d.device()
                .packages()
                .app_exited("hello", &v, true)
                .await
                .expect("reported"),
        );
    }
    assert_eq!(
        verdicts,
        [
            Verdict::Undecided,
            Verdict::Undecided,
            Verdict::RollBack { to: "1.0.0".into() }
        ]
    );
    let (v, exit) = run_active(&d, "hello", Duration::from_millis(300)).await;
    assert_eq!(
        (v.as_str(), exit),
        ("1.0.0", None),
        "v1 restored and running"
    );
    assert_eq!(
        std::fs::read_link(data.join("scripts/jet/hello")).expect("link"),
        std::path::Path::new("../../packages/hello/1.0.0")
    );
    assert!(
        !data.join("packages/hello/2.0.0").exists(),
        "bad version removed"
    );
    let ver = op(&c, "show version").await.expect("show version");
    assert!(ver.contains("JET app hello [1.0.0]"), "{ver}");
}

#[tokio::test]
async fn healthy_upgrade_is_kept_after_probation() {
    let dev = Dev::new();
    let d = dev.device().await;
    d.device()
        .packages()
        .set_policy(ProbationPolicy {
            window: Duration::from_millis(800),
            max_crashes: 3,
        })
        .await
        .expect("policy");
    let c = d.admin("pkg-test").await;
    op(&c, &add(&dev.package("hello", "1.0.0", "sleep 30\n")))
        .await
        .expect("v1 installs");
    op(&c, &add(&dev.package("hello", "1.1.0", "sleep 30\n")))
        .await
        .expect("v1.1 installs");
    let mut watch = d.device().packages().watch();
    let (v, exit) = run_active(&d, "hello", Duration::from_millis(300)).await;
    assert_eq!((v.as_str(), exit), ("1.1.0", None), "v1.1 runs");
    // One crash is not a loop.
    let verdict = d
        .device()
        .packages()
        .app_exited("hello", "1.1.0", true)
        .await
        .expect("reported");
    assert_eq!(verdict, Verdict::Undecided);
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if watch.borrow_and_update().packages["hello"]
                .previous
                .is_none()
            {
                break;
            }
            watch.changed().await.expect("packages task alive");
        }
    })
    .await
    .expect("probation ends");
    let data = d.dir.path();
    assert!(
        !data.join("packages/hello/1.0.0").exists(),
        "old version removed"
    );
    assert!(data.join("packages/hello/1.1.0/main.sh").is_file());
    let ver = op(&c, "show version").await.expect("show version");
    assert!(ver.contains("JET app hello [1.1.0]"), "{ver}");
}
