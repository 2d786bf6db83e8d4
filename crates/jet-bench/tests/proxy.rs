//! `jet-bench proxy` against a real device: the tool's app API is registered and called
//! both ways, so the measurement keeps working (the figures are for
//! `docs/benchmarks.md`, measured by hand on a release build).

use std::process::Stdio;

use jet_testkit::TestDevice;

/// A short, light load: two sessions, two calls in flight each, one 0.2 s round.
const SMALL_LOAD: [&str; 8] = [
    "--sessions",
    "2",
    "--inflight",
    "2",
    "--seconds",
    "0.2",
    "--rounds",
    "1",
];

/// Runs `jet-bench proxy --target DEVICE ARGS...` to success; its standard output.
async fn run_proxy(dev: &TestDevice, args: &[&str]) -> String {
    run_proxy_to(dev, &dev.grpc_addr().to_string(), args).await
}

/// Runs `jet-bench proxy --target TARGET ARGS...` (logging in as `dev`'s admin) to
/// success; its standard output.
async fn run_proxy_to(dev: &TestDevice, target: &str, args: &[&str]) -> String {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_jet-bench"))
        .args(["proxy", "--target", target])
        .args(args)
        .env("JET_PASSWORD", &dev.admin_password)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .await
        .expect("jet-bench runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_calls_an_app_api_directly_and_through_jsd_and_reports_the_overhead() {
    let dev = TestDevice::start().await;
    let stdout = run_proxy(
        &dev,
        &[
            // The device's default session limit (8), the registering session included.
            "--sessions",
            "8",
            "--inflight",
            "2",
            "--seconds",
            "0.3",
            "--rounds",
            "1",
            // Direct and proxied alternate in three slices of 0.1 s.
            "--slices",
            "3",
        ],
    )
    .await;
    assert!(stdout.contains("in 3 slices"), "{stdout}");
    let median = stdout
        .lines()
        .find(|l| l.starts_with("jet-bench proxy median:"))
        .unwrap_or_else(|| panic!("no median line: {stdout}"));
    let field = |name: &str| -> f64 {
        median
            .split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing in {median}"))
    };
    assert!(field("direct_calls_per_s=") > 0.0, "{median}");
    assert!(field("proxied_calls_per_s=") > 0.0, "{median}");
    assert!(field("overhead=") > 0.0, "{median}");
    // The calls really went through jsd: the app's API is registered on the device.
    let regs = dev.device().registrations().current();
    let reg = regs
        .service("openjet.bench.v1.Echo")
        .expect("the bench app's service is registered");
    assert_eq!(reg.id, "jet-bench-proxy");
}

/// A child process that serves on a free port (it prints `listening on ADDR` first),
/// killed when dropped.
struct Server {
    child: tokio::process::Child,
    addr: String,
}

impl Server {
    async fn start(mut cmd: tokio::process::Command, what: &str) -> Server {
        use tokio::io::AsyncBufReadExt as _;
        let mut child = cmd
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{what} starts: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(20),
            tokio::io::BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .unwrap_or_else(|_| panic!("{what} says where it listens within 20 s"))
        .unwrap_or_else(|e| panic!("reading the output of {what}: {e}"));
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line of {what}: {line:?}"))
            .to_owned();
        Server { child, addr }
    }

    /// The Python app of `scripts/bench-echo-app.py`.
    async fn python_app() -> Server {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/bench-echo-app.py"
        );
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let mut cmd = tokio::process::Command::new(python);
        cmd.args([script, "--port", "0", "--workers", "4"]);
        Server::start(cmd, "the Python echo app").await
    }

    /// `jet-bench ARGS...`.
    async fn jet_bench(args: &[&str]) -> Server {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_jet-bench"));
        cmd.args(args);
        Server::start(cmd, &format!("jet-bench {}", args[0])).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_measures_an_app_of_its_own_choosing_a_python_grpcio_server() {
    let dev = TestDevice::start().await;
    let mut app = Server::python_app().await;
    let stdout = run_proxy(&dev, &[&["--app", &app.addr][..], &SMALL_LOAD].concat()).await;
    assert!(stdout.contains(&format!("app {}", app.addr)), "{stdout}");
    assert!(stdout.contains("proxied calls_per_s="), "{stdout}");
    // Registered with the Python app's address as its target, and that app answered
    // (the tool checks every answer's length): nothing of the tool's own served it.
    let regs = dev.device().registrations().current();
    let reg = regs
        .service("openjet.bench.v1.Echo")
        .expect("the bench API is registered");
    assert_eq!(reg.target_text, app.addr);
    assert!(
        app.child.try_wait().expect("the app's status").is_none(),
        "the echo app still serves"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bare_relay_yardstick_carries_the_bench_calls_to_a_rust_app_of_its_own_process() {
    let dev = TestDevice::start().await;
    let mut app = Server::jet_bench(&["echo-app"]).await;
    let device = dev.grpc_addr().to_string();
    let mut relay =
        Server::jet_bench(&["bare-relay", "--app", &app.addr, "--device", &device]).await;
    let args = [&["--app", &app.addr][..], &SMALL_LOAD].concat();
    let stdout = run_proxy_to(&dev, &relay.addr, &args).await;
    let calls: f64 = stdout
        .split_whitespace()
        .find_map(|w| w.strip_prefix("proxied_calls_per_s="))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no proxied figure: {stdout}"));
    assert!(calls > 0.0, "{stdout}");
    // Login and ApiRegister went through the relay to the device, on one session: the
    // registration is there and points at the standalone app.
    let regs = dev.device().registrations().current();
    let reg = regs
        .service("openjet.bench.v1.Echo")
        .expect("the bench API is registered through the relay");
    assert_eq!(reg.target_text, app.addr);
    for (what, server) in [("the app", &mut app), ("the relay", &mut relay)] {
        assert!(
            server.child.try_wait().expect("its status").is_none(),
            "{what} still serves"
        );
    }
}

#[test]
fn zero_slices_are_refused_naming_the_option() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jet-bench"))
        .args(["proxy", "--slices", "0"])
        .env("JET_PASSWORD", "unused")
        .output()
        .expect("jet-bench runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("--slices"), "{stderr}");
}
