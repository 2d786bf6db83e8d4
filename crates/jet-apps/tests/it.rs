//! appd against a real device in this process and real child processes (shell and
//! Python apps in the data directory's `scripts/jet`).

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use jet_apps::{AppRow, AppService, AppServiceOptions, AppState};
use jet_config::{LoadMode, LoginClass};
use jet_device::op::OpInput;
use jet_device::{Device, DeviceError, Format, LoadRequest, Payload, Who};
use jet_testkit::TestDevice;

const APP: &str = "system extensions extension-service application";

fn write_script(dir: &Path, name: &str, body: &str) {
    let scripts = dir.join("scripts/jet");
    std::fs::create_dir_all(&scripts).expect("scripts dir");
    let p = scripts.join(name);
    std::fs::write(&p, body).expect("write script");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

async fn commit(dev: &Device, set: &str) -> Result<(), DeviceError> {
    dev.load_and_commit(LoadRequest {
        payload: Payload::Text(set.to_owned()),
        mode: LoadMode::Set,
        who: Who {
            user: "admin".into(),
            class: LoginClass::SuperUser,
            client: "other".into(),
        },
        comment: None,
    })
    .await
}

async fn start(extra: &str, scripts: &[(&str, &str)]) -> (TestDevice, AppService) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (n, b) in scripts {
        write_script(dir.path(), n, b);
    }
    let td = TestDevice::in_dir(dir, extra, |_| {}).await;
    let apps = AppService::start(td.device().clone(), AppServiceOptions::default())
        .await
        .expect("app service starts");
    (td, apps)
}

/// Polls the status table until `pred` holds for the row of `name` (10 s at most).
async fn wait_row(apps: &AppService, name: &str, pred: impl Fn(&AppRow) -> bool) -> AppRow {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = apps.status().await;
        if let Some(r) = rows.iter().find(|r| r.spec.name == name) {
            if pred(r) {
                return r.clone();
            }
        }
        assert!(
            Instant::now() < deadline,
            "{name} never got there: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn alive(pid: u32) -> bool {
    // A zombie still has /proc/PID; its state letter is Z.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit_once(')')
                .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

async fn wait_dead(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(Instant::now() < deadline, "process {pid} still alive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn op(dev: &Device, cmd: &str, format: Format) -> Result<String, DeviceError> {
    dev.op_command(OpInput::Cli(cmd), format).await
}

/// Polls `show log FILE` until it contains every one of `needles` (10 s at most): the
/// syslog writer follows the event bus on its own task.
async fn wait_log(dev: &Device, file: &str, needles: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = op(dev, &format!("show log {file}"), Format::Text)
            .await
            .unwrap_or_default();
        if needles.iter().all(|n| log.contains(n)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{file} lacks {needles:?}:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const SLEEPER: &str = "#!/bin/sh\necho started $$ \"$@\"\nsleep 300 &\nwait\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daemon_starts_on_commit_and_stops_when_removed() {
    let (td, apps) = start("", &[("sleeper.sh", SLEEPER)]).await;
    let dev = td.device();
    commit(
        dev,
        &format!(
            "set {APP} file sleeper.sh daemonize\nset {APP} file sleeper.sh arguments \"a b\""
        ),
    )
    .await
    .expect("commit");
    let row = wait_row(&apps, "sleeper.sh", |r| r.state == AppState::Running).await;
    let pid = row.pid.expect("pid");
    assert!(alive(pid));
    // Its log holds its output, and `show log NAME` reads it.
    wait_log(dev, "sleeper.sh", &[&format!("started {pid} a b")]).await;
    let text = op(dev, "show extension-service application", Format::Text)
        .await
        .expect("show");
    assert!(
        text.contains("sleeper.sh") && text.contains("running"),
        "{text}"
    );
    assert!(text.contains(&pid.to_string()), "{text}");
    let xml = op(
        dev,
        "show extension-service application sleeper.sh | display xml",
        Format::Text,
    )
    .await
    .expect("xml");
    assert!(xml.contains("<state>running</state>"), "{xml}");
    assert!(xml.contains(&format!("<pid>{pid}</pid>")), "{xml}");
    let json = op(dev, "show extension-service application", Format::Json)
        .await
        .expect("json");
    assert!(json.contains("\"running\""), "{json}");

    commit(dev, &format!("delete {APP} file sleeper.sh"))
        .await
        .expect("commit delete");
    wait_dead(pid).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !apps.status().await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "row stays after de-configuration"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    wait_log(dev, "messages", &["JET_APP_STARTED", "JET_APP_EXITED"]).await;
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_check_names_missing_file_bad_checksum_and_unknown_user() {
    let (td, apps) = start("", &[("ok.sh", SLEEPER)]).await;
    let dev = td.device();
    let e = commit(dev, &format!("set {APP} file missing.sh daemonize"))
        .await
        .expect_err("missing file");
    assert!(
        e.to_string().contains("missing.sh") && e.to_string().contains("not found"),
        "{e}"
    );
    // `optional` lets it through.
    commit(dev, &format!("set {APP} file missing.sh optional"))
        .await
        .expect("optional missing file commits");
    let e = commit(dev, &format!("set {APP} file ok.sh checksum sha-256 00ff"))
        .await
        .expect_err("bad checksum");
    assert!(e.to_string().contains("checksum sha-256 mismatch"), "{e}");
    let good = jet_apps::sha256_file(&dev.data_dir().join("scripts/jet/ok.sh")).expect("hash");
    commit(
        dev,
        &format!("set {APP} file ok.sh checksum sha-256 {good}"),
    )
    .await
    .expect("right checksum commits");
    let e = commit(dev, &format!("set {APP} file ok.sh username ghost"))
        .await
        .expect_err("unknown user");
    assert!(e.to_string().contains("username 'ghost'"), "{e}");
    let e = commit(dev, &format!("set {APP} file ok.sh interpreter fortran"))
        .await
        .expect_err("unknown interpreter");
    assert!(e.to_string().contains("fortran"), "{e}");
    assert!(apps.status().await.iter().all(|r| r.pid.is_none()));
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_daemon_is_respawned_and_a_crash_loop_ends_failed() {
    let (td, apps) = start(
        "",
        &[
            ("sleeper.sh", SLEEPER),
            ("crash.sh", "#!/bin/sh\necho boom\nexit 3\n"),
        ],
    )
    .await;
    let dev = td.device();
    commit(
        dev,
        &format!("set {APP} file sleeper.sh daemonize\nset {APP} file crash.sh daemonize"),
    )
    .await
    .expect("commit");
    let first = wait_row(&apps, "sleeper.sh", |r| r.state == AppState::Running)
        .await
        .pid
        .expect("pid");
    let killed_at = Instant::now();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill");
    let again = wait_row(&apps, "sleeper.sh", |r| {
        r.state == AppState::Running && r.pid != Some(first)
    })
    .await;
    // The first respawn waits 0.2 s.
    assert!(killed_at.elapsed() >= Duration::from_millis(200));
    assert_eq!(again.restarts, 1);
    assert_eq!(
        again.last_exit.as_ref().map(|e| e.how.as_str()),
        Some("signal SIGKILL")
    );
    // crash.sh exits at once every time: 0.2 + 0.4 + 0.8 + 1.6 s later it is failed.
    let failed = wait_row(&apps, "crash.sh", |r| r.state == AppState::Failed).await;
    assert_eq!(failed.restarts, 4);
    assert_eq!(
        failed.last_exit.as_ref().map(|e| e.how.as_str()),
        Some("exit code 3")
    );
    wait_log(dev, "messages", &["JET_APP_FAILED", "JET_APP_RESTARTED"]).await;
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_start_and_stop_run_an_app_and_kill_its_whole_group() {
    let (td, apps) = start("", &[("job.sh", SLEEPER)]).await;
    let dev = td.device();
    commit(dev, &format!("set {APP} file job.sh"))
        .await
        .expect("commit");
    // Not daemonized: nothing runs until requested.
    let row = wait_row(&apps, "job.sh", |_| true).await;
    assert_eq!(row.state, AppState::Stopped);
    let e = op(
        dev,
        "request extension-service start nothere.sh",
        Format::Text,
    )
    .await
    .expect_err("unknown app");
    assert!(e.to_string().contains("nothere.sh"), "{e}");
    let out = op(
        dev,
        "request extension-service start job.sh x y",
        Format::Text,
    )
    .await
    .expect("start");
    assert!(
        out.contains("Extension-service application 'job.sh' with pid:"),
        "{out}"
    );
    let pid = wait_row(&apps, "job.sh", |r| r.state == AppState::Running)
        .await
        .pid
        .expect("pid");
    // Its `sleep` child shares its process group.
    let deadline = Instant::now() + Duration::from_secs(5);
    let child = loop {
        let kids =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        if let Some(k) = kids
            .split_whitespace()
            .next()
            .and_then(|k| k.parse::<u32>().ok())
        {
            break k;
        }
        assert!(Instant::now() < deadline, "no child");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let out = op(dev, "request extension-service stop job.sh", Format::Text)
        .await
        .expect("stop");
    assert!(out.contains("stopped"), "{out}");
    wait_dead(pid).await;
    wait_dead(child).await;
    let row = wait_row(&apps, "job.sh", |r| r.state == AppState::Stopped).await;
    assert_eq!(
        row.last_exit.and_then(|e| e.reason).as_deref(),
        Some("stopped")
    );
    let e = op(dev, "request extension-service stop job.sh", Format::Text)
        .await
        .expect_err("not running");
    assert!(e.to_string().contains("not running"), "{e}");
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_over_its_memory_limit_is_stopped_and_the_reason_shown() {
    let hog = "import time\nx = bytearray(300 * 1024 * 1024)\ntime.sleep(300)\n";
    let (td, apps) = start("", &[("hog.py", hog)]).await;
    let dev = td.device();
    commit(
        dev,
        &format!(
            "set {APP} max-datasize 200m\nset {APP} file hog.py interpreter python3\n\
             set {APP} file hog.py start start-options mem-factor 50"
        ),
    )
    .await
    .expect("commit");
    op(dev, "request extension-service start hog.py", Format::Text)
        .await
        .expect("start");
    let row = wait_row(&apps, "hog.py", |r| r.state == AppState::Exited).await;
    assert_eq!(row.spec.limits.data, Some(100_000_000));
    assert_eq!(
        row.last_exit.and_then(|e| e.reason).as_deref(),
        Some("memory limit exceeded (max-datasize)")
    );
    let detail = op(
        dev,
        "show extension-service application hog.py detail",
        Format::Text,
    )
    .await
    .expect("detail");
    assert!(detail.contains("memory limit exceeded"), "{detail}");
    wait_log(dev, "messages", &["JET_APP_LIMIT_EXCEEDED"]).await;
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normal_exit_restarts_only_with_respawn_on_normal_exit() {
    let once = "#!/bin/sh\nsleep 0.3\nexit 0\n";
    let (td, apps) = start("", &[("once.sh", once), ("again.sh", once)]).await;
    let dev = td.device();
    commit(
        dev,
        &format!(
            "set {APP} file once.sh daemonize\nset {APP} file again.sh daemonize\n\
             set {APP} file again.sh respawn-on-normal-exit"
        ),
    )
    .await
    .expect("commit");
    let once_row = wait_row(&apps, "once.sh", |r| r.state == AppState::Exited).await;
    assert_eq!(once_row.restarts, 0);
    let again = wait_row(&apps, "again.sh", |r| r.restarts >= 1).await;
    assert!(again.last_exit.is_some_and(|e| e.how == "exit code 0"));
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_service_leaves_no_process_and_leftovers_are_killed_at_start() {
    let (td, apps) = start("", &[("sleeper.sh", SLEEPER)]).await;
    let dev = td.device().clone();
    commit(&dev, &format!("set {APP} file sleeper.sh daemonize"))
        .await
        .expect("commit");
    let pid = wait_row(&apps, "sleeper.sh", |r| r.state == AppState::Running)
        .await
        .pid
        .expect("pid");
    drop(apps);
    wait_dead(pid).await;

    // A process marked with this device's data directory (what a killed jetd leaves) is
    // killed when the service starts; the daemon then runs again.
    let mut stray = std::process::Command::new("sleep")
        .arg("30")
        .env(jet_apps::DEVICE_ENV, dev.data_dir())
        .spawn()
        .expect("stray");
    // Until the child has exec'd, /proc shows the test's own environment, without the
    // marker: wait for the exec so the scan sees what a real leftover shows.
    let environ = format!("/proc/{}/environ", stray.id());
    let marker = format!("{}=", jet_apps::DEVICE_ENV);
    for _ in 0..500 {
        let env = std::fs::read(&environ).unwrap_or_default();
        if env
            .split(|b| *b == 0)
            .any(|kv| kv.starts_with(marker.as_bytes()))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let apps = AppService::start(dev.clone(), AppServiceOptions::default())
        .await
        .expect("restart");
    let status = tokio::task::spawn_blocking(move || stray.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(!status.success());
    wait_row(&apps, "sleeper.sh", |r| r.state == AppState::Running).await;
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_processes_and_their_children_are_identified_as_the_apps_user() {
    let (td, apps) = start("", &[("admin.sh", SLEEPER), ("anon.sh", SLEEPER)]).await;
    let dev = td.device();
    commit(
        dev,
        &format!(
            "set {APP} file admin.sh daemonize\nset {APP} file admin.sh username admin\n\
             set {APP} file anon.sh daemonize"
        ),
    )
    .await
    .expect("commit");
    let pid = wait_row(&apps, "admin.sh", |r| r.state == AppState::Running)
        .await
        .pid
        .expect("pid");
    let login = dev.identify_app(pid).expect("the app is identified");
    assert_eq!(login.user, "admin");
    assert_eq!(login.class, LoginClass::SuperUser);
    assert_eq!(login.client_id, "admin.sh");
    // Its `sleep` child is in its process group: the same identity.
    let deadline = Instant::now() + Duration::from_secs(5);
    let child = loop {
        let kids =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        if let Some(k) = kids
            .split_whitespace()
            .next()
            .and_then(|k| k.parse::<u32>().ok())
        {
            break k;
        }
        assert!(Instant::now() < deadline, "no child");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        dev.identify_app(child).map(|l| l.client_id).as_deref(),
        Some("admin.sh")
    );
    // Without `username`: nobody, read-only.
    let anon = wait_row(&apps, "anon.sh", |r| r.state == AppState::Running)
        .await
        .pid
        .expect("pid");
    let login = dev.identify_app(anon).expect("identified");
    assert_eq!(
        (login.user.as_str(), login.class),
        ("nobody", LoginClass::ReadOnly)
    );
    // This test process is no app.
    assert!(dev.identify_app(std::process::id()).is_none());
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apps_token_is_its_users_password_while_it_runs() {
    let envdump = "#!/bin/sh\nenv > \"$JET_DATA_DIR/env.$JET_APP_NAME\"\nexec sleep 300\n";
    let (td, apps) = start("", &[("tok.sh", envdump)]).await;
    let dev = td.device();
    commit(
        dev,
        &format!("set {APP} file tok.sh daemonize\nset {APP} file tok.sh username admin"),
    )
    .await
    .expect("commit");
    let file = dev.data_dir().join("env.tok.sh");
    let deadline = Instant::now() + Duration::from_secs(10);
    let token = loop {
        let env = std::fs::read_to_string(&file).unwrap_or_default();
        if let Some(t) = env.lines().find_map(|l| l.strip_prefix("JET_APP_TOKEN=")) {
            break t.to_owned();
        }
        assert!(Instant::now() < deadline, "no token in {env}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let who = dev
        .authenticate("admin", &token)
        .await
        .expect("token accepted");
    assert_eq!(who.class, LoginClass::SuperUser);
    assert!(dev.authenticate("nobody", &token).await.is_err());
    assert!(dev.authenticate("admin", "not-the-token").await.is_err());
    commit(dev, &format!("delete {APP} file tok.sh"))
        .await
        .expect("delete");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !apps.status().await.is_empty() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        dev.authenticate("admin", &token).await.is_err(),
        "a token outlived its app"
    );
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_stanza_restarts_the_daemon_and_an_operator_revives_a_failed_one() {
    let (td, apps) = start(
        "",
        &[("sleeper.sh", SLEEPER), ("crash.sh", "#!/bin/sh\nexit 7\n")],
    )
    .await;
    let dev = td.device();
    commit(
        dev,
        &format!("set {APP} file sleeper.sh daemonize\nset {APP} file crash.sh daemonize"),
    )
    .await
    .expect("commit");
    let first = wait_row(&apps, "sleeper.sh", |r| r.state == AppState::Running)
        .await
        .pid
        .expect("pid");
    commit(dev, &format!("set {APP} file sleeper.sh arguments again"))
        .await
        .expect("change");
    let second = wait_row(&apps, "sleeper.sh", |r| {
        r.state == AppState::Running && r.pid != Some(first)
    })
    .await;
    assert_eq!(second.spec.args, vec!["again".to_owned()]);
    wait_dead(first).await;
    wait_log(
        dev,
        "sleeper.sh",
        &[&format!("started {} again", second.pid.unwrap_or(0))],
    )
    .await;

    wait_row(&apps, "crash.sh", |r| r.state == AppState::Failed).await;
    // An operator start gives it a fresh back-off; it crashes again at once.
    op(
        dev,
        "request extension-service start crash.sh",
        Format::Text,
    )
    .await
    .expect("start a failed app");
    let row = wait_row(&apps, "crash.sh", |r| {
        r.state == AppState::Waiting || r.state == AppState::Running
    })
    .await;
    assert!(row.restarts >= 4, "{row:?}");
    apps.shutdown().await;
}
