//! `jet-bench apps`: on-box app start latency and the cost of idle apps, against a
//! `jetd` on this host (its data directory is where the app files go).
//!
//! Start: `--runs` times per kind, a `ConfigSet` (load set) commits `application file
//! NAME daemonize`, and the clock stops when the app has done its first thing: the shell
//! app writes a marker file at once; the Python app first answers a JET call over the
//! local socket (`openjet.connect_local()`, `show version`), then writes it. Then the
//! app is de-configured and the next run waits until it is gone. Prints the median,
//! min and max of each kind.
//!
//! Idle cost (with `--pid`, jetd's process id): jetd's CPU time over `--window` seconds
//! with no app, then with `--idle` idle daemons (`sleep`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};

use crate::stats::{ms, pct};

const APP: &str = "system extensions extension-service application file";

/// What `jet-bench apps` was asked to do.
pub(crate) struct AppsArgs {
    pub(crate) target: String,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) data_dir: PathBuf,
    pub(crate) runs: usize,
    pub(crate) python: Option<PathBuf>,
    pub(crate) idle: usize,
    pub(crate) pid: Option<u32>,
    pub(crate) window: Duration,
}

const SHELL: &str =
    "#!/bin/sh\necho up > \"$JET_DATA_DIR/bench-up.$JET_APP_NAME\"\nexec sleep 300\n";
const IDLE: &str = "#!/bin/sh\nexec sleep 3600\n";

fn python_app(sdk: &Path) -> String {
    format!(
        "import os, sys, time\nsys.path.insert(0, {sdk:?})\nimport openjet\n\
         ch = openjet.connect_local()\nopenjet.op_command(ch, 'show version')\n\
         open(os.environ['JET_DATA_DIR'] + '/bench-up.' + os.environ['JET_APP_NAME'], 'w').close()\n\
         time.sleep(300)\n",
        sdk = sdk.display().to_string()
    )
}

fn write_app(dir: &Path, name: &str, body: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let scripts = dir.join("scripts/jet");
    std::fs::create_dir_all(&scripts).with_context(|| format!("{}", scripts.display()))?;
    let p = scripts.join(name);
    std::fs::write(&p, body).with_context(|| format!("{}", p.display()))?;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("{}", p.display()))
}

/// CPU time (user + system) of process `pid` in milliseconds.
fn cpu_ms(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("process {pid}"))?;
    let f: Vec<u64> = stat
        .rsplit_once(')')
        .map(|(_, r)| {
            r.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    // utime, stime: fields 14 and 15 (USER_HZ = 100), after two non-numeric fields.
    Ok(f.get(10).copied().unwrap_or(0) * 10 + f.get(11).copied().unwrap_or(0) * 10)
}

async fn set(c: &JetClient, commands: &str) -> anyhow::Result<()> {
    c.config_set_text(commands, ConfigLoadType::ConfigLoadSet, "jet-bench apps")
        .await
        .with_context(|| format!("commit of: {}", commands.lines().next().unwrap_or("")))
}

/// Waits until `show extension-service application` lists `running` apps as `want` says.
async fn wait_apps(c: &JetClient, what: &str, want: impl Fn(&str) -> bool) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = c
            .op_command("show extension-service application", OutputFormat::Text)
            .await?;
        if want(&out) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {what}:\n{out}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

pub(crate) async fn run(a: AppsArgs) -> anyhow::Result<()> {
    if a.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let c = JetClient::connect(ConnectOptions::clear_text(&a.target))
        .await
        .with_context(|| format!("connecting to {}", a.target))?;
    c.login(&a.user, &a.password, "jet-bench-apps").await?;
    write_app(&a.data_dir, "bench-sh.sh", SHELL)?;
    let mut kinds = vec![("bench-sh.sh", String::new())];
    if let Some(sdk) = &a.python {
        write_app(&a.data_dir, "bench-py.py", &python_app(sdk))?;
        kinds.push((
            "bench-py.py",
            format!("\nset {APP} bench-py.py interpreter python3"),
        ));
    }
    println!(
        "jet-bench apps: commit -> app up, {} runs each, against {}",
        a.runs, a.target
    );
    for (name, extra) in &kinds {
        let marker = a.data_dir.join(format!("bench-up.{name}"));
        let mut times = Vec::with_capacity(a.runs);
        for _ in 0..a.runs {
            let _ = std::fs::remove_file(&marker);
            let t0 = Instant::now();
            set(&c, &format!("set {APP} {name} daemonize{extra}")).await?;
            while !marker.exists() {
                if t0.elapsed() > Duration::from_secs(30) {
                    bail!("{name} never came up (see show log {name})");
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            times.push(t0.elapsed());
            set(&c, &format!("delete {APP} {name}")).await?;
            wait_apps(&c, &format!("{name} to stop"), |out| !out.contains(*name)).await?;
        }
        times.sort();
        println!(
            "  {name:<12} median {:>8.1} ms   min {:>8.1} ms   max {:>8.1} ms",
            ms(pct(&times, 50)),
            ms(pct(&times, 1)),
            ms(pct(&times, 100))
        );
    }
    let _ = std::fs::remove_file(a.data_dir.join("scripts/jet/bench-sh.sh"));
    let _ = std::fs::remove_file(a.data_dir.join("scripts/jet/bench-py.py"));

    let Some(pid) = a.pid else {
        return Ok(());
    };
    if a.idle == 0 {
        return Ok(());
    }
    let c0 = cpu_ms(pid)?;
    tokio::time::sleep(a.window).await;
    let none = cpu_ms(pid)? - c0;
    let names: Vec<String> = (0..a.idle).map(|i| format!("bench-idle{i}.sh")).collect();
    for n in &names {
        write_app(&a.data_dir, n, IDLE)?;
    }
    let add: Vec<String> = names
        .iter()
        .map(|n| format!("set {APP} {n} daemonize"))
        .collect();
    set(&c, &add.join("\n")).await?;
    let want = a.idle;
    wait_apps(&c, "the idle apps to run", |out| {
        out.lines().filter(|l| l.contains(" running ")).count() >= want
    })
    .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let c1 = cpu_ms(pid)?;
    tokio::time::sleep(a.window).await;
    let busy = cpu_ms(pid)? - c1;
    println!(
        "  jetd CPU over {} s: {none} ms with no app, {busy} ms with {} idle apps",
        a.window.as_secs(),
        a.idle
    );
    let del: Vec<String> = names.iter().map(|n| format!("delete {APP} {n}")).collect();
    set(&c, &del.join("\n")).await?;
    for n in &names {
        let _ = std::fs::remove_file(a.data_dir.join("scripts/jet").join(n));
    }
    Ok(())
}
