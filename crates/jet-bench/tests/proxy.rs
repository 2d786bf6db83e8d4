//! `jet-bench proxy` against a real device: the tool's app API is registered and called
//! both ways, so the measurement keeps working (the figures are for
//! `docs/benchmarks.md`, measured by hand on a release build).

use std::process::Stdio;

use jet_testkit::TestDevice;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_calls_an_app_api_directly_and_through_jsd_and_reports_the_overhead() {
    let dev = TestDevice::start().await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_jet-bench"))
        .args([
            "proxy",
            "--target",
            &dev.grpc_addr().to_string(),
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
        ])
        .env("JET_PASSWORD", &dev.admin_password)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .await
        .expect("jet-bench runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
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
