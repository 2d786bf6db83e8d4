//! Installed packages run under appd: real signed packages installed with `request
//! system software add` on a real device, real child processes. Install starts the
//! app, a crash-looping upgrade is rolled back and the previous version runs again, a
//! healthy upgrade is kept, delete stops the app.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jet_apps::{AppRow, AppService, AppServiceOptions, AppState};
use jet_device::op::OpInput;
use jet_device::packages::ProbationPolicy;
use jet_device::Format;
use jet_testkit::TestDevice;

/// Writes its version and pid to `DATA/NAME.running`, then waits (or, for a bad
/// version, exits with an error at once).
fn app_body(version: &str, crash: bool) -> String {
    if crash {
        format!("echo \"{version} crashing\"\nexit 3\n")
    } else {
        format!(
            "echo \"{version} $$\" > \"$JET_DATA_DIR/$JET_APP_NAME.running.tmp\"\n\
             mv \"$JET_DATA_DIR/$JET_APP_NAME.running.tmp\" \"$JET_DATA_DIR/$JET_APP_NAME.running\"\n\
             echo \"{version} up\"\nexec sleep 300\n"
        )
    }
}

/// Builds and signs `NAME-VERSION.tgz` in `work`.
fn package(
    work: &Path,
    key: &jet_pkg::SigningKey,
    name: &str,
    version: &str,
    crash: bool,
) -> PathBuf {
    let src = work.join(format!("{name}-{version}-src"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("main.sh"), app_body(version, crash)).unwrap();
    let spec: jet_pkg::AppSpec = serde_json::from_value(serde_json::json!({
        "name": name, "version": version, "provider": "acme",
        "entry": "main.sh", "interpreter": "sh",
        "limits": { "open-files": 64 },
    }))
    .unwrap();
    let out = work.join(format!("{name}-{version}.tgz"));
    jet_pkg::build(&src, &spec, key, &out, &mut |_| {}).expect("package builds");
    out
}

struct Rig {
    _work: tempfile::TempDir,
    work: PathBuf,
    key: jet_pkg::SigningKey,
    td: TestDevice,
    apps: AppService,
}

async fn rig() -> Rig {
    let work = tempfile::tempdir().unwrap();
    let key = jet_pkg::SigningKey::generate("acme").unwrap();
    let line = key.public().to_line();
    let td = TestDevice::in_dir(
        tempfile::tempdir().unwrap(),
        "system { extensions { providers acme; } }",
        move |data| {
            let d = data.join("certs/providers");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("acme.pub"), line).unwrap();
        },
    )
    .await;
    let apps = AppService::start(td.device().clone(), AppServiceOptions::default())
        .await
        .expect("app service starts");
    Rig {
        work: work.path().to_owned(),
        _work: work,
        key,
        td,
        apps,
    }
}

impl Rig {
    async fn op(&self, cmd: &str) -> String {
        self.td
            .device()
            .op_command(OpInput::Cli(cmd), Format::Text)
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    async fn install(&self, name: &str, version: &str, crash: bool) -> String {
        let pkg = package(&self.work, &self.key, name, version, crash);
        self.op(&format!("request system software add {}", pkg.display()))
            .await
    }

    /// The running version and pid the app wrote, once it is `version` and alive.
    async fn running(&self, name: &str, version: &str) -> u32 {
        let file = self.td.dir.path().join(format!("{name}.running"));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let mut w = text.split_whitespace();
            if let (Some(v), Some(pid)) = (w.next(), w.next().and_then(|p| p.parse().ok())) {
                if v == version && alive(pid) {
                    return pid;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{name} {version} never ran: {text:?} {:?}",
                self.apps.status().await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn row(&self, name: &str, pred: impl Fn(&AppRow) -> bool) -> AppRow {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let rows = self.apps.status().await;
            if let Some(r) = rows.iter().find(|r| r.spec.name == name) {
                if pred(r) {
                    return r.clone();
                }
            }
            assert!(Instant::now() < deadline, "{name}: {rows:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn alive(pid: u32) -> bool {
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
        assert!(Instant::now() < deadline, "pid {pid} still alive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn open_files_limit(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/limits"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installed_package_runs_and_a_crash_looping_upgrade_rolls_back_to_the_running_version() {
    let r = rig().await;
    let out = r.install("hello", "1.0.0", false).await;
    assert!(out.contains("Package hello 1.0.0 installed"), "{out}");
    let v1 = r.running("hello", "1.0.0").await;
    // The manifest's limits are the process's, its cwd the package directory.
    assert!(
        open_files_limit(v1).contains(" 64 "),
        "{}",
        open_files_limit(v1)
    );
    let cwd = std::fs::read_link(format!("/proc/{v1}/cwd")).unwrap();
    assert!(cwd.ends_with("packages/hello/1.0.0"), "{}", cwd.display());
    let row = r.row("hello", |r| r.state == AppState::Running).await;
    assert_eq!(row.spec.package, Some(("hello".into(), "1.0.0".into())));
    let show = r
        .op("show extension-service application hello detail")
        .await;
    assert!(show.contains("running"), "{show}");
    assert!(show.contains("1.0.0"), "{show}");

    // 2.0.0 crashes at once: it replaces 1.0.0 (stopped), crash-loops on probation, and
    // 1.0.0 is restored and started again.
    let out = r.install("hello", "2.0.0", true).await;
    assert!(out.contains("Package hello 2.0.0 installed"), "{out}");
    wait_dead(v1).await;
    let again = r.running("hello", "1.0.0").await;
    assert_ne!(again, v1, "a new process of the restored version");
    let row = r
        .row("hello", |r| {
            r.state == AppState::Running && r.spec.package == Some(("hello".into(), "1.0.0".into()))
        })
        .await;
    assert_eq!(row.pid, Some(again));
    let set = r.td.device().packages().current();
    assert_eq!(set.packages["hello"].manifest.version, "1.0.0");
    assert!(
        !r.td.dir.path().join("packages/hello/2.0.0").exists(),
        "the bad version is removed"
    );
    let log = r.op("show log hello").await;
    assert!(log.contains("2.0.0 crashing"), "{log}");
    let v = r.op("show version").await;
    assert!(v.contains("JET app hello [1.0.0]"), "{v}");

    // Deleting the package stops its app.
    let out = r.op("request system software delete hello").await;
    assert!(out.contains("removed"), "{out}");
    wait_dead(again).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while r.apps.status().await.iter().any(|a| a.spec.name == "hello") {
        assert!(Instant::now() < deadline, "hello still listed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_upgrade_is_kept_after_its_probation() {
    let r = rig().await;
    r.td.device()
        .packages()
        .set_policy(ProbationPolicy {
            window: Duration::from_millis(1500),
            max_crashes: 3,
        })
        .await
        .unwrap();
    r.install("keeper", "1.0.0", false).await;
    let v1 = r.running("keeper", "1.0.0").await;
    let out = r.install("keeper", "1.1.0", false).await;
    assert!(out.contains("1.1.0"), "{out}");
    wait_dead(v1).await;
    let v2 = r.running("keeper", "1.1.0").await;
    // After the window the previous version is dropped; the new one still runs.
    let old = r.td.dir.path().join("packages/keeper/1.0.0");
    let deadline = Instant::now() + Duration::from_secs(10);
    // (The files go first, then the package set is published without `previous`.)
    while old.exists()
        || r.td.device().packages().current().packages["keeper"]
            .previous
            .is_some()
    {
        assert!(Instant::now() < deadline, "1.0.0 never removed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(alive(v2));
    let set = r.td.device().packages().current();
    assert_eq!(set.packages["keeper"].manifest.version, "1.1.0");
}
