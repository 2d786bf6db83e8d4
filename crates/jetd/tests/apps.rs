//! On-box applications across `jetd` restarts: a daemonized app runs when jetd starts,
//! dies with jetd when jetd is killed (no orphan), and runs again when jetd comes back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use jet_testkit::{config_text, free_port, random_password, JetdProcess};

const JETD: &str = env!("CARGO_BIN_EXE_jetd");

/// Writes its pid, its child's pid and its environment next to the data directory's
/// scripts, then waits.
const APP: &str = "#!/bin/sh\nenv > \"$JET_DATA_DIR/app.env\"\nsleep 300 &\necho $$ $! > \"$JET_DATA_DIR/app.pids.tmp\"\nmv \"$JET_DATA_DIR/app.pids.tmp\" \"$JET_DATA_DIR/app.pids\"\nwait\n";

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit_once(')')
                .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The app's pid and its child's, once it wrote them (a new file than `old`).
fn pids(dir: &Path, old: Option<(u32, u32)>) -> (u32, u32) {
    let mut got = None;
    wait_until("the app's pid file", || {
        let text = std::fs::read_to_string(dir.join("app.pids")).unwrap_or_default();
        let v: Vec<u32> = text
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        if let [a, b] = v[..] {
            if Some((a, b)) != old && alive(a) {
                got = Some((a, b));
                return true;
            }
        }
        false
    });
    got.expect("pids")
}

#[test]
fn a_daemonized_app_dies_with_a_killed_jetd_and_runs_again_when_it_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("scripts/jet");
    std::fs::create_dir_all(&scripts).unwrap();
    std::fs::write(scripts.join("keeper.sh"), APP).unwrap();
    std::fs::set_permissions(
        scripts.join("keeper.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let port = free_port();
    let cfg = config_text(
        &random_password(),
        port,
        "system { extensions { extension-service { application { file keeper.sh { daemonize; } } } } }",
    );
    let cfg_file = dir.path().join("seed.conf");
    std::fs::write(&cfg_file, cfg).unwrap();
    let cfg_arg = cfg_file.to_str().unwrap();

    let mut jetd = JetdProcess::spawn(Path::new(JETD), dir.path(), &["--config", cfg_arg]);
    let (app, child) = pids(dir.path(), None);
    let env = std::fs::read_to_string(dir.path().join("app.env")).unwrap();
    assert!(env.contains("JET_APP_NAME=keeper.sh"), "{env}");
    assert!(
        env.contains(&format!("JET_GRPC_ADDRESS=127.0.0.1:{port}")),
        "{env}"
    );
    assert!(env.contains("JET_MQTT_ADDRESS=127.0.0.1:"), "{env}");

    // SIGKILL: the app goes with jetd (parent-death signal).
    jetd.child.kill().unwrap();
    let _ = jetd.child.wait();
    wait_until("the app to die with jetd", || !alive(app));

    // The next jetd kills what is left of the old app's group and starts it again.
    let jetd = JetdProcess::spawn(Path::new(JETD), dir.path(), &[]);
    let (app2, child2) = pids(dir.path(), Some((app, child)));
    assert_ne!(app2, app);
    wait_until("the old app's child to be killed", || !alive(child));

    // A clean stop stops the app and its child.
    assert!(jetd.terminate().success());
    wait_until("the app and its child to stop with jetd", || {
        !alive(app2) && !alive(child2)
    });
}

#[test]
fn apps_run_when_the_data_directory_is_given_relative() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let scripts = data.join("scripts/jet");
    std::fs::create_dir_all(&scripts).unwrap();
    std::fs::write(scripts.join("keeper.sh"), APP).unwrap();
    std::fs::set_permissions(
        scripts.join("keeper.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let cfg = config_text(
        &random_password(),
        free_port(),
        "system { extensions { extension-service { application { file keeper.sh { daemonize; } } } } }",
    );
    std::fs::write(dir.path().join("seed.conf"), cfg).unwrap();
    // `jetd --data-dir d --config seed.conf`, typed in the directory holding both.
    let jetd = JetdProcess::spawn_in(
        Path::new(JETD),
        Some(dir.path()),
        Path::new("d"),
        &["--config", "seed.conf"],
    );
    let (app, _) = pids(&data, None);
    let env = std::fs::read_to_string(data.join("app.env")).unwrap();
    let abs = data.canonicalize().unwrap();
    assert!(
        env.lines()
            .any(|l| l.strip_prefix("JET_DATA_DIR=").map(Path::new) == Some(abs.as_path())),
        "the app is told the data directory as an absolute path: {env}"
    );
    assert!(jetd.terminate().success());
    wait_until("the app to stop with jetd", || !alive(app));
}
