//! The packet path: binding order with configured filters, counters moved by packets
//! and by flows, policer drops under a flow above its rate.

use std::time::Duration;

use jet_device::firewall::{Disposition, Field, FlowSpec, FwFamily, Origin, Packet};
use jet_sdk::firewall::{bind_interface, counter, inet_filter, two_color_policer, Dir, InetTerm};

use crate::{device, firewall, ok};

fn packet(dst: &str, proto: u32, dport: u32) -> Packet {
    let mut p = Packet::new(
        FwFamily::Inet,
        "ge-0/0/0.0",
        "10.0.0.2".parse().unwrap(),
        dst.parse().unwrap(),
    );
    p.set(Field::Protocol, proto)
        .set(Field::DstPort, dport)
        .set(Field::PacketLength, 100);
    p
}

fn cfg_counter(dev: &jet_testkit::TestDevice, filter: &str, c: &str) -> u64 {
    dev.device().firewall().read(|p| {
        p.fw.config
            .get(&(FwFamily::Inet, filter.to_owned()))
            .and_then(|f| f.counters.get(c))
            .map_or(0, |c| c.packets)
    })
}

#[tokio::test]
async fn input_runs_client_filter_before_configured_and_output_after() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter(
        "api-in",
        vec![InetTerm::new("all").count("api-in-all").accept()]
    )));
    ok!(fw.filter_add(inet_filter(
        "api-out",
        vec![InetTerm::new("all").count("api-out-all").accept()]
    )));
    ok!(fw.filter_bind_add(bind_interface("api-in", "ge-0/0/0.0", Dir::Input)));
    ok!(fw.filter_bind_add(bind_interface("api-out", "ge-0/0/1.0", Dir::Output)));
    let t = dev
        .device()
        .firewall()
        .forward(packet("192.0.2.9", 17, 53))
        .await
        .unwrap();
    let order: Vec<(&str, bool)> = t
        .filters
        .iter()
        .map(|f| (f.filter.as_str(), f.origin == Origin::Config))
        .collect();
    assert_eq!(
        order,
        [
            ("api-in", false),
            ("cfg-in", true),
            ("cfg-out", true),
            ("api-out", false)
        ],
        "{t:#?}"
    );
    assert_eq!(t.disposition, Disposition::Forwarded);
    assert_eq!(t.egress.as_deref(), Some("ge-0/0/1.0"));
    let route = t.route.unwrap();
    assert_eq!(
        (route.prefix.as_str(), route.protocol.as_str()),
        ("192.0.2.0/24", "Static")
    );
    assert_eq!(cfg_counter(&dev, "cfg-in", "cfg-rest"), 1);
    assert_eq!(cfg_counter(&dev, "cfg-out", "cfg-out-all"), 1);
    let r = ok!(fw.filter_counter_get(counter("api-out", "api-out-all")));
    assert_eq!((r.packets, r.bytes), (1, 100));
}

#[tokio::test]
async fn a_client_discard_stops_the_packet_before_the_configured_filter() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter(
        "block",
        vec![
            InetTerm::new("dns")
                .protocol(17)
                .dst_port(53)
                .count("dns-drop")
                .discard(),
            InetTerm::new("rest").accept(),
        ],
    )));
    ok!(fw.filter_bind_add(bind_interface("block", "ge-0/0/0.0", Dir::Input)));
    let t = dev
        .device()
        .firewall()
        .forward(packet("192.0.2.9", 17, 53))
        .await
        .unwrap();
    assert_eq!(
        t.disposition,
        Disposition::Filtered {
            filter: "block".into(),
            term: Some("dns".into())
        }
    );
    assert_eq!(t.filters.len(), 1, "cfg-in never saw it");
    assert_eq!(cfg_counter(&dev, "cfg-in", "cfg-rest"), 0);
    // TCP/80 passes the client filter and is discarded by the configured one.
    let t = dev
        .device()
        .firewall()
        .forward(packet("192.0.2.9", 6, 80))
        .await
        .unwrap();
    assert_eq!(
        t.disposition,
        Disposition::Filtered {
            filter: "cfg-in".into(),
            term: Some("web".into())
        }
    );
    let r = ok!(fw.filter_counter_get(counter("block", "dns-drop")));
    assert_eq!(r.packets, 1);
}

#[tokio::test]
async fn no_route_and_unknown_ingress_are_reported() {
    let dev = device().await;
    let t = dev
        .device()
        .firewall()
        .forward(packet("203.0.113.1", 6, 1))
        .await
        .unwrap();
    assert_eq!(t.disposition, Disposition::NoRoute);
    let mut p = packet("192.0.2.1", 6, 1);
    p.interface = "ge-0/0/7.0".into();
    let e = dev.device().firewall().forward(p).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("interface 'ge-0/0/7.0' does not exist"),
        "{e}"
    );
}

fn flow(pps: u64, size: u32) -> FlowSpec {
    FlowSpec {
        interface: "ge-0/0/0.0".into(),
        family: FwFamily::Inet,
        src: ("10.0.0.2".parse().unwrap(), 100),
        dst: ("192.0.2.1".parse().unwrap(), 10),
        protocol: 17,
        src_ports: (1024, 2047),
        dst_ports: (53, 53),
        dscp: 0,
        size,
        pps,
        duration: None,
    }
}

/// Lets the firewall task run after a clock jump.
async fn settle() {
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_flow_above_the_policer_rate_is_policed_and_counted_in_time() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    // 1 Mbit/s policer; the flow offers 1000 pps * 500 B = 4 Mbit/s.
    ok!(fw.policer_add(two_color_policer("lim", 1_000_000, 15_000, true)));
    ok!(fw.filter_add(inet_filter(
        "rl",
        vec![InetTerm::new("udp")
            .protocol(17)
            .count("udp")
            .policer("lim")
            .accept()],
    )));
    ok!(fw.filter_bind_add(bind_interface("rl", "ge-0/0/0.0", Dir::Input)));
    tokio::time::pause();
    let fwh = dev.device().firewall().clone();
    fwh.flow_start(flow(1000, 500)).await.unwrap();
    for _ in 0..10 {
        tokio::time::advance(Duration::from_secs(1)).await;
        settle().await;
    }
    let r = ok!(fw.filter_counter_get(counter("rl", "udp")));
    assert!(
        (9_000..=11_000).contains(&r.packets),
        "udp counted {} packets in 10 s",
        r.packets
    );
    let r = ok!(fw.policer_counter_get(
        jet_sdk::proto::jnx::jet::firewall::PolicerCounterGetRequest {
            filter_name: "rl".into(),
            counter_name: "lim".into(),
        }
    ));
    // Three quarters out of spec once the policer has seen a tick of the rate.
    assert!(
        (6_000..=8_000).contains(&r.packets),
        "policer dropped {} packets",
        r.packets
    );
    let (inp, out) = fwh.read(|p| {
        (
            p.units.get("ge-0/0/0.0").copied().unwrap_or_default(),
            p.units.get("ge-0/0/1.0").copied().unwrap_or_default(),
        )
    });
    assert!(
        (900.0..=1100.0).contains(&inp.input_pps),
        "input pps {}",
        inp.input_pps
    );
    assert!(
        (200.0..=300.0).contains(&out.output_pps),
        "output pps {} (policed to 1 Mbit/s)",
        out.output_pps
    );
    assert!(
        (0.9e6..=1.1e6).contains(&out.output_bps),
        "output bps {}",
        out.output_bps
    );
    // The unit's counters and rates are what `show interfaces ... extensive` prints.
    let ext = dev
        .device()
        .op_command(
            jet_device::op::OpInput::Cli("show interfaces ge-0/0/1 extensive"),
            jet_device::Format::Text,
        )
        .await
        .unwrap();
    let out_pps = ext
        .lines()
        .find(|l| l.trim_start().starts_with("Output packets:"))
        .expect(&ext);
    let rate: u64 = out_pps
        .split_whitespace()
        .rev()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect(out_pps);
    assert!((200..=300).contains(&rate), "{out_pps}");
    assert_eq!(fwh.flow_stop(None).await.unwrap(), 1);
    tokio::time::resume();
}
