//! The example as its real binary against a real in-process device with `protocols bgp`:
//! each run is its own JET session; routes programmed by one run are read and deleted by
//! the next (Initialize rebinds them), and `show route` shows their attributes.

use std::process::Output;

use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;
use tokio::process::Command;

const CONFIG: &str =
    "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } } } } \
     routing-options { autonomous-system 65000; } \
     protocols { bgp { group rr { type internal; neighbor 192.0.2.1; } } }";

async fn run(dev: &TestDevice, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_bgp-routes"))
        .env_remove("JET_CA")
        .env("JET_ADDRESS", dev.grpc_addr().to_string())
        .env("JET_PASSWORD", &dev.admin_password)
        .env("JET_CLIENT_ID", "bgp-example")
        .args(args)
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(std::time::Duration::from_secs(30), out)
        .await
        .expect("bgp-routes finishes in time")
        .expect("bgp-routes runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test]
async fn routes_are_added_listed_shown_and_deleted_across_runs() {
    let dev = TestDevice::with_config(CONFIG).await;
    let out = run(
        &dev,
        &[
            "add",
            "10.1.0.0/24",
            "10.1.1.0/24",
            "--nexthop",
            "192.0.2.1",
            "--local-pref",
            "250",
            "--as-path",
            "65001 65002",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), "added 2 routes\n");

    let admin = dev.admin("viewer").await;
    let detail = admin
        .op_command("show route 10.1.0.0/24 exact detail", OutputFormat::Text)
        .await
        .unwrap();
    assert!(detail.contains("Localpref: 250"), "{detail}");
    assert!(detail.contains("AS path: 65001 65002 I"), "{detail}");

    let out = run(&dev, &["list"]).await;
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "10.1.0.0/24 next-hop 192.0.2.1 local-pref 250 as-path 65001 65002\n\
         10.1.1.0/24 next-hop 192.0.2.1 local-pref 250 as-path 65001 65002\n"
    );

    let out = run(&dev, &["delete", "10.1.0.0/24"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), "deleted 1 routes\n");
    let out = run(&dev, &["add", "10.2.0.0/24"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--nexthop"));
    let text = admin
        .op_command("show route protocol bgp", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        text.contains("10.1.1.0/24") && !text.contains("10.1.0.0/24"),
        "{text}"
    );
}
