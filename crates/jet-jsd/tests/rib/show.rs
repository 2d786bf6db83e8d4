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

/// A table larger than one rendering chunk (2048 destinations) shows every route once,
/// in order, in all three formats and with a prefix filter that spans chunks; the XML
/// stays well formed around the chunk seams.
#[tokio::test]
async fn show_route_of_a_table_larger_than_a_chunk_shows_every_route_once() {
    let dev = TestDevice::start().await;
    with_direct(&dev).await;
    let (c, mut rib) = initialized(&dev, "big").await;
    const N: u32 = 5000;
    let all: Vec<_> = (0..N)
        .map(|i| {
            let a = std::net::Ipv4Addr::from(0x0a00_0000 + (i << 8));
            route(&format!("{a}/24"), &["192.0.2.1"])
        })
        .collect();
    for chunk in all.chunks(1000) {
        add(&mut rib, chunk.to_vec()).await;
    }
    let text = c
        .op_command("show route table inet.0", OutputFormat::Text)
        .await
        .unwrap();
    let dests: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("*[Static/5]"))
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(dests.len(), N as usize, "every route once");
    let want: Vec<String> = (0..N)
        .map(|i| format!("{}/24", std::net::Ipv4Addr::from(0x0a00_0000 + (i << 8))))
        .collect();
    assert_eq!(dests, want, "in table order");
    assert_eq!(text.matches("inet.0: ").count(), 1);
    assert_eq!(text.matches("+ = Active Route").count(), 1);

    // A filter spanning several chunks: 10.0.0.0/12 holds 4096 of the /24s.
    let count = c
        .op_command("show route 10.0.0.0/12 | count", OutputFormat::Text)
        .await
        .unwrap();
    // Two lines per route, plus the blank line, header, legend and blank line.
    assert!(
        count.contains(&format!("Count: {} lines", 4096 * 2 + 4)),
        "{count}"
    );

    let xml = c
        .op_command("show route table inet.0", OutputFormat::Xml)
        .await
        .unwrap();
    assert_eq!(
        xml.matches("<rt junos:style=\"brief\">").count(),
        N as usize + 1
    );
    assert_eq!(xml.matches("</rt>").count(), N as usize + 1);
    assert_eq!(xml.matches("<route-table>").count(), 1);
    assert!(
        xml.contains("</route-table>\n    </route-information>\n    <cli>"),
        "{}",
        &xml[xml.len().saturating_sub(300)..]
    );

    let json = c
        .op_command("show route table inet.0", OutputFormat::Json)
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rt = &v["route-information"][0]["route-table"][0]["rt"];
    assert_eq!(rt.as_array().map(|a| a.len()), Some(N as usize + 1));
}

/// `show route P` lists the route P falls under (when less specific than P) and every
/// route within P; `exact`, `longer` and `orlonger` narrow that down.
#[tokio::test]
async fn show_route_prefix_lists_the_covering_route_and_the_routes_within() {
    let dev = TestDevice::start().await;
    with_direct(&dev).await;
    let (c, mut rib) = initialized(&dev, "within").await;
    add(
        &mut rib,
        ["10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24", "11.0.0.0/8"]
            .iter()
            .map(|p| route(p, &["192.0.2.1"]))
            .collect(),
    )
    .await;
    let shown = |cmd: &'static str| {
        let c = &c;
        async move {
            let text = c.op_command(cmd, OutputFormat::Text).await.unwrap();
            text.lines()
                .filter(|l| l.contains("[Static/5]"))
                .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        shown("show route 10.1.0.0/16").await,
        ["10.1.0.0/16", "10.1.1.0/24"]
    );
    assert_eq!(shown("show route 10.1.2.0/24").await, ["10.1.0.0/16"]);
    assert_eq!(shown("show route 10.2.0.0/16").await, ["10.0.0.0/8"]);
    assert_eq!(shown("show route 10.1.0.0/16 exact").await, ["10.1.0.0/16"]);
    assert_eq!(
        shown("show route 10.1.0.0/16 longer").await,
        ["10.1.1.0/24"]
    );
    assert_eq!(
        shown("show route 10.0.0.0/8 orlonger").await,
        ["10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24"]
    );
    assert_eq!(shown("show route 10.1.1.7").await, ["10.1.1.0/24"]);
}
