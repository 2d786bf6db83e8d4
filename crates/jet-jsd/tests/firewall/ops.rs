//! The operational view: `test forwarding packet`, `show firewall ...`, `show policer`,
//! `clear firewall`, `request interface simulate-traffic`, in text, XML and JSON, through
//! the JET OpCommandGet a client uses.

use jet_sdk::firewall::{bind_interface, inet_filter, two_color_policer, Dir, InetTerm};
use jet_sdk::OutputFormat;

use crate::{device, firewall, ok};

async fn text(c: &jet_sdk::JetClient, cmd: &str) -> String {
    c.op_command(cmd, OutputFormat::Text).await.expect(cmd)
}

#[tokio::test]
async fn test_forwarding_packet_shows_terms_route_and_counts() {
    let dev = device().await;
    let (c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter(
        "api-in",
        vec![InetTerm::new("dns")
            .protocol(17)
            .dst_port(53)
            .count("dns")
            .log()
            .accept()],
    )));
    ok!(fw.filter_bind_add(bind_interface("api-in", "ge-0/0/0.0", Dir::Input)));
    let out = text(
        &c,
        "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.7 protocol udp destination-port 53 length 120",
    )
    .await;
    for want in [
        "Filter: api-in (client app) at ge-0/0/0.0 input",
        "  Term dns: count dns, log, accept",
        "Filter: cfg-in (configuration) at ge-0/0/0.0 input",
        "Route: inet.0 192.0.2.0/24 [Static] Indirect via 10.1.0.2\nFilter: cfg-out (configuration) at ge-0/0/1.0 output",
        "Egress: ge-0/0/1.0",
        "Disposition: forwarded",
    ] {
        assert!(out.contains(want), "{want:?} missing in:\n{out}");
    }
    let xml = c
        .op_command(
            "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.7 protocol tcp destination-port 80",
            OutputFormat::Xml,
        )
        .await
        .unwrap();
    assert!(
        xml.contains("<disposition>discarded by filter api-in (end of filter)</disposition>"),
        "{xml}"
    );
    let show = text(&c, "show firewall").await;
    assert!(show.contains("\nFilter: api-in"), "{show}");
    assert!(show.contains("Client: app"), "{show}");
    let dns_row = show.lines().find(|l| l.starts_with("dns ")).expect(&show);
    assert_eq!(dns_row.len(), 78, "{dns_row:?}");
    assert!(dns_row.ends_with("                   1"), "{dns_row:?}");
    assert!(dns_row.contains(" 120 "), "{dns_row:?}");
    let one = text(&c, "show firewall filter cfg-in").await;
    assert!(one.contains("cfg-web") && !one.contains("api-in"), "{one}");
    let json = c
        .op_command(
            "show firewall counter filter api-in dns",
            OutputFormat::Json,
        )
        .await
        .unwrap();
    assert!(json.contains("\"packet-count\""), "{json}");
    let log = text(&c, "show firewall log").await;
    assert!(
        log.lines()
            .any(|l| l.contains("api-in") && l.contains("UDP") && l.contains("192.0.2.7")),
        "{log}"
    );
    text(&c, "clear firewall filter api-in").await;
    let after = text(&c, "show firewall filter api-in").await;
    let dns_row = after.lines().find(|l| l.starts_with("dns ")).expect(&after);
    assert!(dns_row.ends_with(" 0"), "{dns_row:?}");
    let err = c
        .op_command("show firewall filter nope", OutputFormat::Text)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("filter 'nope' does not exist"),
        "{err}"
    );
    let err = c
        .op_command(
            "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2",
            OutputFormat::Text,
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("usage: test forwarding packet"),
        "{err}"
    );
}

#[tokio::test]
async fn simulated_traffic_starts_shows_and_stops_and_policer_and_limits_show() {
    let dev = device().await;
    let (c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.policer_add(two_color_policer("lim", 1_000_000, 15_000, true)));
    ok!(fw.filter_add(inet_filter(
        "rl",
        vec![InetTerm::new("t").policer("lim").accept()]
    )));
    let out = text(
        &c,
        "request interface simulate-traffic ge-0/0/0.0 source 10.0.0.2/16 destination 192.0.2.1 rate 1000 size 500 protocol udp destination-port 53",
    )
    .await;
    assert_eq!(out, "Flow 1 started on ge-0/0/0.0: 1000 pps\n");
    let flows = text(&c, "show simulated-traffic").await;
    assert!(
        flows
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("1 ") && l.contains("ge-0/0/0.0")),
        "{flows}"
    );
    assert_eq!(
        text(&c, "request interface simulate-traffic stop").await,
        "1 flow(s) stopped\n"
    );
    let err = c
        .op_command("request interface simulate-traffic ge-0/0/9.0 source 10.0.0.2 destination 192.0.2.1 rate 10", OutputFormat::Text)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("interface 'ge-0/0/9.0' does not exist"),
        "{err}"
    );
    let pol = text(&c, "show policer").await;
    assert!(
        pol.starts_with("Policers:\n") && pol.contains("lim-rl"),
        "{pol}"
    );
    let lim = text(&c, "show firewall limits").await;
    assert!(
        lim.lines()
            .any(|l| l.starts_with("filters") && l.ends_with("4096")),
        "{lim}"
    );
}
