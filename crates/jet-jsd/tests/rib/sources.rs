//! Direct, Local and Static routes come from interfaces and configuration.

use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

const CONFIG: &str = "interfaces { ge-0/0/1 { unit 0 { family inet { address 192.0.2.1/24; } } } \
    lo0 { unit 0 { family inet { address 10.255.0.1/32; } } } } \
    routing-options { static { route 198.51.100.0/24 next-hop 192.0.2.254; route 203.0.113.0/24 discard; } }";

async fn show_route(c: &jet_sdk::JetClient) -> String {
    c.op_command("show route table inet.0", OutputFormat::Text)
        .await
        .expect("show route")
}

async fn wait_for(c: &jet_sdk::JetClient, what: &str, cond: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let out = show_route(c).await;
        if cond(&out) {
            return out;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}:\n{out}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn interface_addresses_and_static_routes_appear_in_inet0() {
    let dev = TestDevice::with_config(CONFIG).await;
    let c = dev.admin("viewer").await;
    let out = wait_for(&c, "device routes", |o| o.contains("198.51.100.0/24")).await;
    assert!(
        out.contains("192.0.2.0/24") && out.contains("Direct"),
        "{out}"
    );
    assert!(
        out.contains("192.0.2.1/32") && out.contains("Local"),
        "{out}"
    );
    assert!(out.contains("10.255.0.1/32"), "{out}");
    assert!(
        out.contains("203.0.113.0/24") && out.contains("Static"),
        "{out}"
    );
}

#[tokio::test]
async fn a_link_going_down_withdraws_its_direct_and_local_routes() {
    let dev = TestDevice::with_config(CONFIG).await;
    let c = dev.admin("viewer").await;
    wait_for(&c, "direct route", |o| o.contains("192.0.2.0/24")).await;
    dev.device()
        .simulate_link("ge-0/0/1", false)
        .await
        .expect("link down");
    let out = wait_for(&c, "withdrawal", |o| !o.contains("192.0.2.0/24")).await;
    assert!(!out.contains("192.0.2.1/32"), "{out}");
    // The discard route does not depend on the link.
    assert!(out.contains("203.0.113.0/24"), "{out}");
    dev.device()
        .simulate_link("ge-0/0/1", true)
        .await
        .expect("link up");
    wait_for(&c, "direct route back", |o| o.contains("192.0.2.0/24")).await;
}

/// `qualified-next-hop ... preference N` makes a floating static path: listed after the
/// route's own path, used only when that one cannot be (here: its link is down), and
/// never load-balanced with it.
#[tokio::test]
async fn a_qualified_next_hop_with_its_own_preference_is_a_floating_path() {
    let dev = TestDevice::with_config(
        "interfaces { ge-0/0/1 { unit 0 { family inet { address 192.0.2.1/24; } } } \
         ge-0/0/2 { unit 0 { family inet { address 198.51.100.1/24; } } } } \
         routing-options { static { route 10.0.0.0/8 { next-hop 192.0.2.254; \
         qualified-next-hop 198.51.100.254 { preference 7; } } } }",
    )
    .await;
    let c = dev.admin("viewer").await;
    let show = || async {
        c.op_command("show route 10.0.0.0/8 exact", OutputFormat::Text)
            .await
            .expect("show route")
    };
    let mut out = String::new();
    for _ in 0..500 {
        out = show().await;
        if out.contains("[Static/7]") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let primary = out.find("*[Static/5]").unwrap_or_else(|| panic!("{out}"));
    let floating = out.find("[Static/7]").unwrap_or_else(|| panic!("{out}"));
    assert!(primary < floating, "the active path first:\n{out}");
    assert!(out.contains(" 6 routes (5 active"), "{out}");
    let (own, backup) = out.split_at(floating);
    assert!(
        own.contains("to 192.0.2.254") && !own.contains("198.51.100.254"),
        "{out}"
    );
    assert!(backup.contains("to 198.51.100.254"), "{out}");

    dev.device()
        .simulate_link("ge-0/0/1", false)
        .await
        .expect("link down");
    for _ in 0..500 {
        out = show().await;
        if out.contains("*[Static/7]") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        out.contains("*[Static/7]"),
        "the floating path took over:\n{out}"
    );
    assert!(out.contains("to 198.51.100.254"), "{out}");
}
