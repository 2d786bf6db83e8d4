//! `jet-bench proxy` against a real device: the tool's app API is registered and called
//! both ways, so the measurement keeps working (the figures are for
//! `docs/benchmarks.md`, measured by hand on a release build).

use std::process::Stdio;

use jet_testkit::TestDevice;

/// Runs `jet-bench proxy --target DEVICE ARGS...` to success; its standard output.
async fn run_proxy(dev: &TestDevice, args: &[&str]) -> String {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_jet-bench"))
        .args(["proxy", "--target", &dev.grpc_addr().to_string()])
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

/// The Python app of `scripts/bench-echo-app.py`, serving on a free port until dropped.
struct PythonApp {
    child: tokio::process::Child,
    addr: String,
}

impl PythonApp {
    async fn start() -> PythonApp {
        use tokio::io::AsyncBufReadExt as _;
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/bench-echo-app.py"
        );
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = tokio::process::Command::new(python)
            .args([script, "--port", "0", "--workers", "4"])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs the bench's echo app");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(20),
            tokio::io::BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the echo app says where it listens within 20 s")
        .expect("reading the echo app's output");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line of the echo app: {line:?}"))
            .to_owned();
        PythonApp { child, addr }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_measures_an_app_of_its_own_choosing_a_python_grpcio_server() {
    let dev = TestDevice::start().await;
    let mut app = PythonApp::start().await;
    let stdout = run_proxy(
        &dev,
        &[
            "--app",
            &app.addr,
            "--sessions",
            "2",
            "--inflight",
            "2",
            "--seconds",
            "0.2",
            "--rounds",
            "1",
        ],
    )
    .await;
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
