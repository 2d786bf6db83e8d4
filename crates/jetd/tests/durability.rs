//! Durability: `jetd` killed with SIGKILL at random moments during a stream of commits,
//! again and again. After every restart the configuration is the last acknowledged
//! commit (or the one in flight at the kill), every rollback file parses, the history
//! holds every acknowledged commit it has room for, newest first, and no temporary file
//! is left behind.
//!
//! The seed of the random delays is printed; set `JETD_KILL_SEED` to replay a run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use jet_config::Config;
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::{ConnectOptions, JetClient};
use jet_testkit::{config_text, free_port, random_password, JetdProcess};

const JETD: &str = env!("CARGO_BIN_EXE_jetd");
const KILLS: usize = 100;

/// xorshift64*: enough randomness for kill delays, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// The counter in `host-name hN`.
fn counter(cfg: &Config) -> u64 {
    cfg.host_name()
        .and_then(|h| h.strip_prefix('h'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Checks the configuration directory as a restarted jetd left it; returns the counter
/// of the committed configuration.
fn check_store(dir: &Path, acked: &BTreeSet<u64>) -> u64 {
    let mut counters = Vec::new();
    for n in 0..=jet_config::MAX_ROLLBACK {
        let p = if n == 0 {
            dir.join("juniper.conf")
        } else {
            dir.join(format!("juniper.conf.{n}"))
        };
        let Ok(text) = std::fs::read_to_string(&p) else {
            break;
        };
        let cfg = Config::parse_text(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", p.display()));
        counters.push(counter(&cfg));
    }
    for w in counters.windows(2) {
        assert!(
            w[0] > w[1] || w[1] == 0,
            "history out of order: {counters:?}"
        );
    }
    let oldest = counters
        .iter()
        .copied()
        .filter(|&c| c > 0)
        .min()
        .unwrap_or(0);
    for a in acked.range(oldest..) {
        assert!(
            counters.contains(a),
            "acknowledged commit h{a} lost: {counters:?}"
        );
    }
    for sub in [dir.to_path_buf(), dir.join("ephemeral")] {
        if let Ok(entries) = std::fs::read_dir(&sub) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                assert!(
                    !name.ends_with(".tmp"),
                    "temp file left: {}",
                    sub.join(name).display()
                );
            }
        }
    }
    counters.first().copied().unwrap_or(0)
}

#[test]
fn kill_9_during_commits_never_loses_an_acknowledged_commit() {
    let seed = std::env::var("JETD_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("JETD_KILL_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    // No Login needed (skip-authentication): the test spends its time on commits.
    let seed_conf = dir.path().join("seed.conf");
    std::fs::write(
        &seed_conf,
        config_text(
            &random_password(),
            port,
            "system { services { extension-service { request-response { grpc { \
             skip-authentication; } } } } }",
        ),
    )
    .expect("seed");
    let data = dir.path().join("data");
    let config_dir = data.join("config");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let started = Instant::now();
    let mut acked: BTreeSet<u64> = BTreeSet::new();
    let mut in_flight: Option<u64> = None;
    let mut next = 1u64;
    let mut total_commits = 0usize;
    for round in 0..KILLS {
        let mut p = JetdProcess::spawn(
            Path::new(JETD),
            &data,
            &["--config", seed_conf.to_str().expect("utf8")],
        );
        let committed = check_store(&config_dir, &acked);
        let last = acked.last().copied().unwrap_or(0);
        assert!(
            committed == last || Some(committed) == in_flight,
            "round {round}: committed h{committed}, last acknowledged h{last}, in flight {in_flight:?}"
        );
        // What survived is now the truth the next commits build on.
        if Some(committed) == in_flight {
            acked.insert(committed);
        }
        in_flight = None;

        let delay = Duration::from_millis(5 + rng.next() % 120);
        let addr = p.grpc_addr().to_string();
        rt.block_on(async {
            let c = JetClient::connect(ConnectOptions::clear_text(addr))
                .await
                .expect("connect");
            let stream = async {
                loop {
                    in_flight = Some(next);
                    c.config_set_text(
                        &format!("system {{ host-name h{next}; }}"),
                        ConfigLoadType::ConfigLoadMerge,
                        "",
                    )
                    .await
                    .expect("commit");
                    acked.insert(next);
                    next += 1;
                    total_commits += 1;
                }
            };
            let _ = tokio::time::timeout(delay, stream).await;
        });
        // The commit being sent (if any) may or may not have reached the disk.
        if in_flight.is_some() {
            next += 1;
        }
        p.child.kill().expect("SIGKILL");
        p.child.wait().expect("reaped");
    }
    // A last restart: the final state passes the same checks.
    let p = JetdProcess::spawn(Path::new(JETD), &data, &[]);
    let committed = check_store(&config_dir, &acked);
    let last = acked.last().copied().unwrap_or(0);
    assert!(committed == last || Some(committed) == in_flight);
    drop(p);
    eprintln!(
        "{KILLS} kills, {total_commits} acknowledged commits in {:?}",
        started.elapsed()
    );
    assert!(total_commits > 0, "no commit ever completed");
}
