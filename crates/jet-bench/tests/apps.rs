//! `jet-bench apps` against a real `jetd`: a few starts of a shell app and the idle-CPU
//! comparison with a few idle apps, so the measurement keeps working (the figures
//! themselves are for `docs/benchmarks.md`, measured by hand on a release build).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use jet_testkit::{config_text, free_port, random_password, JetdProcess};

const BENCH: &str = env!("CARGO_BIN_EXE_jet-bench");

/// `jetd` next to `jet-bench`: `cargo test --workspace` builds it; built here when it is
/// missing or older than a source file of the workspace's crates.
fn jetd() -> PathBuf {
    let path = Path::new(BENCH).with_file_name("jetd");
    let built = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if built.is_none_or(|b| newest_source(&crates).is_some_and(|s| s > b)) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = Command::new(cargo)
            .args(["build", "-p", "jetd", "--bin", "jetd"])
            .status()
            .expect("cargo runs");
        assert!(ok.success(), "building jetd failed");
    }
    path
}

fn newest_source(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        let name = e.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let t = if p.is_dir() {
            newest_source(&p)
        } else if p
            .extension()
            .is_some_and(|x| x == "rs" || x == "toml" || x == "proto")
        {
            e.metadata().and_then(|m| m.modified()).ok()
        } else {
            None
        };
        newest = newest.max(t);
    }
    newest
}

#[test]
fn apps_measures_start_latency_and_idle_cpu_against_jetd() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let password = random_password();
    let seed = dir.path().join("seed.conf");
    std::fs::write(&seed, config_text(&password, free_port(), "")).unwrap();
    let p = JetdProcess::spawn(&jetd(), &data, &["--config", seed.to_str().unwrap()]);
    let pid = p.child.id().to_string();
    let out = Command::new(BENCH)
        .args([
            "apps",
            "--target",
            &p.grpc_addr().to_string(),
            "--data-dir",
            data.to_str().unwrap(),
            "--runs",
            "3",
            "--idle",
            "3",
            "--window",
            "1",
            "--pid",
            &pid,
        ])
        .env("JET_PASSWORD", &password)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("bench-sh.sh  median"), "{text}");
    assert!(text.contains("with 3 idle apps"), "{text}");
    // Everything it configured is gone again.
    assert!(!data.join("scripts/jet/bench-sh.sh").exists());
    assert!(p.terminate().success());
}
