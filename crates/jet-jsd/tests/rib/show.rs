use jet_device::rib::jet_rib::{Prefix, Source, SourceNh, SourceRoute};
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

use crate::{add, initialized, route};

async fn with_direct(dev: &TestDevice) {
    let p = Prefix::ip("192.0.2.0".parse().unwrap(), 24).unwrap();
    let routes = vec![SourceRoute {
        table: "inet.0".into(),
        prefix: p,
        nh: SourceNh::Interface("ge-0/0/0.0".into()),
        pref: None,
        cookie: 0,
    }];
    dev.device()
        .rib()
        .replace_source(Source::Direct, routes)
        .await
        .unwrap();
}

#[tokio::test]
async fn show_route_lists_programmed_and_direct_routes_in_all_formats() {
    let dev = TestDevice::start().await;
    with_direct(&dev).await;
    let (c, mut rib) = initialized(&dev, "show").await;
    add(&mut rib, vec![route("10.0.0.0/8", &["192.0.2.1"])]).await;
    let text = c
        .op_command("show route", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        text.contains("inet.0: 2 destinations, 2 routes (2 active, 0 holddown, 0 hidden)"),
        "{text}"
    );
    assert!(text.contains("10.0.0.0/8         *[Static/5] "), "{text}");
    assert!(
        text.contains("                    >  to 192.0.2.1 via ge-0/0/0.0\n"),
        "{text}"
    );
    assert!(text.contains("192.0.2.0/24       *[Direct/0] "), "{text}");
    let xml = c
        .op_command("show route 10.1.2.3", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(
        xml.contains("<rt-destination>10.0.0.0/8</rt-destination>"),
        "{xml}"
    );
    assert!(
        xml.contains("<protocol-name>Static</protocol-name>"),
        "{xml}"
    );
    let json = c
        .op_command(
            "show route table inet.0 protocol direct",
            OutputFormat::Json,
        )
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rt = &v["route-information"][0]["route-table"][0]["rt"];
    assert_eq!(rt.as_array().map(|a| a.len()), Some(1), "{json}");
    assert_eq!(rt[0]["rt-destination"][0]["data"], "192.0.2.0/24");
    let detail = c
        .op_command("show route 10.0.0.0/8 exact detail", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        detail.contains("10.0.0.0/8 (1 entry, 1 announced)"),
        "{detail}"
    );
    assert!(detail.contains("JET client: show, cookie 0"), "{detail}");
}

#[tokio::test]
async fn show_route_summary_forwarding_table_and_client_info() {
    let dev = TestDevice::start().await;
    with_direct(&dev).await;
    let (c, mut rib) = initialized(&dev, "sum").await;
    add(
        &mut rib,
        vec![
            route("10.0.0.0/8", &["192.0.2.1"]),
            route("10.1.0.0/16", &["192.0.2.9"]),
        ],
    )
    .await;
    let s = c
        .op_command("show route summary", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        s.contains("              Static:      2 routes,      2 active\n"),
        "{s}"
    );
    assert!(
        s.contains("              Direct:      1 routes,      1 active\n"),
        "{s}"
    );
    let f = c
        .op_command("show route forwarding-table", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        f.contains("10.0.0.0/8         user     0 192.0.2.1          ucst"),
        "{f}"
    );
    let ci = c
        .op_command("show route client-info", OutputFormat::Text)
        .await
        .unwrap();
    let line = ci.lines().find(|l| l.starts_with("sum ")).expect(&ci);
    assert!(line.contains("connected") && line.contains(" 2 "), "{line}");
}
