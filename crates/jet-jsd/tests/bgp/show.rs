//! BGP-static routes in `show route` (attributes in `detail`), `show route protocol
//! bgp`, `show route summary`, and `show bgp summary` (no session pretended).

use jet_sdk::OutputFormat;

use crate::{add, device, initialized, ok, rich, route};

#[tokio::test]
async fn bgp_routes_show_with_their_attributes_and_bgp_summary_shows_idle_peers() {
    let dev = device().await;
    let (c, mut bgp) = initialized(&dev, "shower").await;
    assert!(ok(&add(
        &mut bgp,
        vec![
            rich("10.1.0.0/16", "192.0.2.1"),
            route("10.2.0.0/16", "192.0.2.1")
        ]
    )
    .await));
    let text = c
        .op_command("show route protocol bgp", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        text.contains("10.1.0.0/16        *[Bgp-Static/5] "),
        "{text}"
    );
    assert!(
        text.contains("10.2.0.0/16        *[Bgp-Static/5] "),
        "{text}"
    );
    assert!(!text.contains("Direct"), "{text}");
    let detail = c
        .op_command("show route 10.1.0.0/16 exact detail", OutputFormat::Text)
        .await
        .unwrap();
    for want in [
        "Bgp-Static Preference: 5/-201",
        "AS path: 65001 65002 I",
        "Communities: 65000:100",
        "Localpref: 200",
        "Metric: 50",
        "Originator ID: 192.0.2.1",
        "Cluster list:  0.0.0.1 0.0.0.2",
        "Protocol next hop: 192.0.2.1",
        "JET client: bgp/shower, cookie 0",
    ] {
        assert!(detail.contains(want), "{want}:\n{detail}");
    }
    let xml = c
        .op_command("show route 10.1.0.0/16 exact detail", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(
        xml.contains("<local-preference>200</local-preference>"),
        "{xml}"
    );
    assert!(xml.contains("<as-path>65001 65002 I</as-path>"), "{xml}");
    let summary = c
        .op_command("show route summary", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        summary.contains("Bgp-Static:      2 routes,      2 active"),
        "{summary}"
    );
    let bgp_sum = c
        .op_command("show bgp summary", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        bgp_sum.contains("Groups: 2 Peers: 2 Down peers: 2"),
        "{bgp_sum}"
    );
    assert!(
        bgp_sum.contains("inet.0\n                       2          2          0"),
        "{bgp_sum}"
    );
    let peer = bgp_sum
        .lines()
        .find(|l| l.starts_with("198.51.100.1"))
        .expect("peer line");
    assert!(peer.contains("65001") && peer.ends_with(" Idle"), "{peer}");
    let rr = bgp_sum
        .lines()
        .find(|l| l.starts_with("192.0.2.1"))
        .expect("rr");
    assert!(rr.contains("65000"), "internal peer: local AS: {rr}");
    let xml = c
        .op_command("show bgp summary", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(xml.contains("<peer-state>Idle</peer-state>"), "{xml}");
}

#[tokio::test]
async fn bgp_summary_without_bgp_says_it_is_not_running() {
    let dev = jet_testkit::TestDevice::start().await;
    let c = dev.admin("x").await;
    let t = c
        .op_command("show bgp summary", OutputFormat::Text)
        .await
        .unwrap();
    assert_eq!(t, "BGP is not running\n");
}
