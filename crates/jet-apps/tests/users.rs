//! `username U` as an operating-system account: when jetd runs as root, an app with a
//! configured `username` that names an account of the host runs as that account (real
//! process, uid/gid read back from /proc); without `username` it runs as jetd's user;
//! an account of the host that is not a Junos user is accepted, a name that is neither
//! is refused by the commit check. The part that switches users needs root (CI runs as
//! root); as another user the test says so and checks only the commit check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt as _;
use std::time::{Duration, Instant};

use jet_apps::{AppService, AppServiceOptions, AppState};
use jet_config::{LoadMode, LoginClass};
use jet_device::{LoadRequest, Payload, Who};
use jet_testkit::TestDevice;

const APP: &str = "system extensions extension-service application";

fn status_field(pid: u32, field: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)
                .map(|v| v.split_whitespace().next().unwrap_or("").to_owned())
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_username_runs_the_app_as_that_host_account() {
    let dir = tempfile::tempdir().unwrap();
    // The account must reach its script: the data directory is 0700 by default.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let scripts = dir.path().join("scripts/jet");
    std::fs::create_dir_all(&scripts).unwrap();
    for n in ["as-nobody.sh", "as-jetd.sh", "as-daemon.sh"] {
        let p = scripts.join(n);
        std::fs::write(&p, "#!/bin/sh\nexec sleep 300\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let td = TestDevice::in_dir(dir, "", |_| {}).await;
    let apps = AppService::start(td.device().clone(), AppServiceOptions::default())
        .await
        .unwrap();
    let commit = |set: String| {
        let dev = td.device().clone();
        async move {
            dev.load_and_commit(LoadRequest {
                payload: Payload::Text(set),
                mode: LoadMode::Set,
                who: Who {
                    user: "admin".into(),
                    class: LoginClass::SuperUser,
                    client: "t".into(),
                },
                comment: None,
            })
            .await
        }
    };
    // Neither a Junos user nor a host account: refused, naming it.
    let e = commit(format!(
        "set {APP} file as-nobody.sh username no-such-account-x"
    ))
    .await
    .expect_err("unknown user");
    assert!(
        e.to_string().contains("username 'no-such-account-x'"),
        "{e}"
    );
    assert!(e.to_string().contains("account of this host"), "{e}");

    let root = nix::unistd::geteuid().is_root();
    if !root {
        eprintln!("not root: jetd cannot switch users here; only the commit check was tested");
        return;
    }
    commit(format!(
        "set {APP} file as-nobody.sh daemonize\nset {APP} file as-nobody.sh username nobody\n\
         set {APP} file as-jetd.sh daemonize\n\
         set {APP} file as-daemon.sh daemonize\nset {APP} file as-daemon.sh username daemon"
    ))
    .await
    .expect("host accounts are accepted");
    let nobody = nix::unistd::User::from_name("nobody").unwrap().unwrap();
    let daemon = nix::unistd::User::from_name("daemon").unwrap().unwrap();
    for (name, uid, gid) in [
        ("as-nobody.sh", nobody.uid.as_raw(), nobody.gid.as_raw()),
        ("as-daemon.sh", daemon.uid.as_raw(), daemon.gid.as_raw()),
        ("as-jetd.sh", 0, 0),
    ] {
        let deadline = Instant::now() + Duration::from_secs(10);
        let pid = loop {
            let rows = apps.status().await;
            if let Some(p) = rows
                .iter()
                .find(|r| r.spec.name == name && r.state == AppState::Running)
                .and_then(|r| r.pid)
            {
                break p;
            }
            assert!(Instant::now() < deadline, "{name} never ran: {rows:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        // The pid is known once exec succeeded: the process has its final ids.
        let uids = status_field(pid, "Uid:");
        assert_eq!(uids, uid.to_string(), "{name} uid");
        assert_eq!(status_field(pid, "Gid:"), gid.to_string(), "{name} gid");
        let groups = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("Groups:").map(str::trim).map(str::to_owned))
            .unwrap();
        if uid != 0 {
            assert!(
                groups.is_empty() || !groups.split_whitespace().any(|g| g == "0"),
                "{name} keeps root's groups: {groups}"
            );
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
            let want = format!(
                "USER={}",
                if uid == nobody.uid.as_raw() {
                    "nobody"
                } else {
                    "daemon"
                }
            );
            assert!(
                env.split(|b| *b == 0).any(|v| v == want.as_bytes()),
                "{name}: no {want}"
            );
        }
    }
    apps.shutdown().await;
}
