//! `openjet.traffic.v1.Traffic` end to end: flows started, listed and stopped over gRPC
//! moving a Firewall API counter (and no longer once stopped), packet tests naming the
//! matched term, and every refusal as its gRPC code with a message naming the field, the
//! flow or the limit.

use std::time::Duration;

use jet_sdk::firewall::{bind_interface, counter, inet_filter, Dir, InetTerm};
use jet_sdk::proto::openjet::traffic::v1 as pb;
use jet_sdk::traffic::{flow_pps, packet};
use jet_testkit::TestDevice;
use pb::traffic_client::TrafficClient;
use tonic::transport::Channel;
use tonic::Code;

use crate::{device, firewall, ok, NET};

async fn traffic(dev: &TestDevice, id: &str) -> (jet_sdk::JetClient, TrafficClient<Channel>) {
    let c = dev.admin(id).await;
    let t = c.traffic();
    (c, t)
}

/// The gRPC error of a call that must fail with `code`, its message holding `words`.
fn refused<T: std::fmt::Debug>(r: Result<T, tonic::Status>, code: Code, words: &[&str]) {
    let e = r.expect_err("refused");
    assert_eq!(e.code(), code, "{}", e.message());
    for w in words {
        assert!(e.message().contains(w), "{:?} lacks {w:?}", e.message());
    }
}

/// Lets the firewall task run after a clock jump.
async fn settle() {
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
}

async fn advance(secs: u64) {
    for _ in 0..secs {
        tokio::time::advance(Duration::from_secs(1)).await;
        settle().await;
    }
}

#[tokio::test]
async fn flows_start_list_and_stop() {
    let dev = device().await;
    let (_c, mut t) = traffic(&dev, "tr").await;
    let started = t
        .flow_start(
            flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 0)
                .bps(8_000_000)
                .packet_size(1000)
                .sources(16)
                .protocol(6)
                .destination_ports(80, 81)
                .dscp(46)
                .build(),
        )
        .await
        .unwrap()
        .into_inner();
    assert!(started.flow_id > 0);
    assert_eq!(started.pps, 1000, "8 Mbit/s of 1000-byte packets");
    let second = t
        .flow_start(flow_pps("ge-0/0/0.0", "10.0.0.3", "192.0.2.2", 10).build())
        .await
        .unwrap()
        .into_inner();
    assert_ne!(second.flow_id, started.flow_id);

    let flows = t
        .flow_list(pb::FlowListRequest {})
        .await
        .unwrap()
        .into_inner()
        .flows;
    assert_eq!(flows.len(), 2);
    let f = flows
        .iter()
        .find(|f| f.flow_id == started.flow_id)
        .expect("listed");
    assert_eq!(f.interface, "ge-0/0/0.0");
    let src = f.source.as_ref().expect("source");
    assert_eq!((src.first.as_str(), src.count), ("10.0.0.2", 16));
    let dports = f.destination_ports.as_ref().expect("ports");
    assert_eq!((dports.low, dports.high), (80, 81));
    assert_eq!((f.protocol, f.dscp, f.packet_size), (6, 46, 1000));
    assert_eq!((f.pps, f.bps), (1000, 8_000_000));

    let stopped = t
        .flow_stop(pb::FlowStopRequest {
            flow_id: started.flow_id,
            all: false,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stopped.stopped, 1);
    let flows = t
        .flow_list(pb::FlowListRequest {})
        .await
        .unwrap()
        .into_inner()
        .flows;
    assert_eq!(
        flows.iter().map(|f| f.flow_id).collect::<Vec<_>>(),
        [second.flow_id]
    );
    let all = t
        .flow_stop(pb::FlowStopRequest {
            flow_id: 0,
            all: true,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.stopped, 1);
    // `show simulated-traffic` sees the same (empty) set.
    let show = dev
        .device()
        .op_command(
            jet_device::op::OpInput::Cli("show simulated-traffic"),
            jet_device::Format::Text,
        )
        .await
        .unwrap();
    assert_eq!(show.lines().count(), 1, "header only: {show}");
}

#[tokio::test]
async fn a_bad_field_is_invalid_argument_naming_the_field() {
    let dev = device().await;
    let (_c, mut t) = traffic(&dev, "tr").await;
    let base = || flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 100);
    refused(
        t.flow_start(base().packet_size(7).build()).await,
        Code::InvalidArgument,
        &["packet_size", "7"],
    );
    refused(
        t.flow_start(base().dscp(64).build()).await,
        Code::InvalidArgument,
        &["dscp", "64"],
    );
    refused(
        t.flow_start(base().destination_ports(90, 80).build()).await,
        Code::InvalidArgument,
        &["destination_ports.high"],
    );
    refused(
        t.flow_start(flow_pps("ge-0/0/0.0", "10.0.0.2", "2001:db8::1", 100).build())
            .await,
        Code::InvalidArgument,
        &["destination", "family"],
    );
    refused(
        t.flow_start(flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 0).build())
            .await,
        Code::InvalidArgument,
        &["pps"],
    );
    // A unit the device does not have: the device's refusal, naming it.
    refused(
        t.flow_start(flow_pps("ge-9/9/9.0", "10.0.0.2", "192.0.2.1", 100).build())
            .await,
        Code::InvalidArgument,
        &["interface", "ge-9/9/9.0"],
    );
    refused(
        t.packet_test(packet("ge-0/0/0.0", "10.0.0.x", "192.0.2.1", 6, 80))
            .await,
        Code::InvalidArgument,
        &["source", "10.0.0.x"],
    );
    refused(
        t.packet_test(packet("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 300, 80))
            .await,
        Code::InvalidArgument,
        &["protocol", "300"],
    );
    refused(
        t.packet_test(packet("ge-9/9/9.0", "10.0.0.2", "192.0.2.1", 6, 80))
            .await,
        Code::InvalidArgument,
        &["ge-9/9/9.0"],
    );
    refused(
        t.flow_stop(pb::FlowStopRequest {
            flow_id: 0,
            all: false,
        })
        .await,
        Code::InvalidArgument,
        &["flow_id"],
    );
    assert!(t
        .flow_list(pb::FlowListRequest {})
        .await
        .unwrap()
        .into_inner()
        .flows
        .is_empty());
}

#[tokio::test]
async fn an_unknown_flow_is_not_found() {
    let dev = device().await;
    let (_c, mut t) = traffic(&dev, "tr").await;
    refused(
        t.flow_stop(pb::FlowStopRequest {
            flow_id: 4242,
            all: false,
        })
        .await,
        Code::NotFound,
        &["flow 4242"],
    );
    // A flow that ended is unknown too.
    let id = t
        .flow_start(flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 1).build())
        .await
        .unwrap()
        .into_inner()
        .flow_id;
    let stop = pb::FlowStopRequest {
        flow_id: id,
        all: false,
    };
    t.flow_stop(stop).await.unwrap();
    refused(
        t.flow_stop(stop).await,
        Code::NotFound,
        &[&format!("flow {id}")],
    );
}

#[tokio::test]
async fn the_flow_limit_is_resource_exhausted_naming_the_limit() {
    let dev = device().await;
    let (_c, mut t) = traffic(&dev, "tr").await;
    let limit = jet_device::firewall::Limits::default().flows;
    for i in 0..limit {
        t.flow_start(flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 1).build())
            .await
            .unwrap_or_else(|e| panic!("flow {i}: {e}"));
    }
    refused(
        t.flow_start(flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 1).build())
            .await,
        Code::ResourceExhausted,
        &[&format!("limit of {limit} simulated flows")],
    );
    let all = t
        .flow_stop(pb::FlowStopRequest {
            flow_id: 0,
            all: true,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.stopped as usize, limit);
    // Room again.
    t.flow_start(flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 1).build())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_bound_counting_filter_counts_a_flow_until_it_stops() {
    let dev = device().await;
    let (_fc, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter(
        "watch",
        vec![InetTerm::new("udp").protocol(17).count("udp-in").accept()],
    )));
    ok!(fw.filter_bind_add(bind_interface("watch", "ge-0/0/0.0", Dir::Input)));
    let (_tc, mut t) = traffic(&dev, "tr").await;
    tokio::time::pause();
    let started = t
        .flow_start(
            flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 100)
                .packet_size(200)
                .build(),
        )
        .await
        .unwrap()
        .into_inner();
    advance(5).await;
    let r = ok!(fw.filter_counter_get(counter("watch", "udp-in")));
    // Five ticks of 100 packets; the clock may run on by a tick during the calls.
    assert!((400..=700).contains(&r.packets), "{} packets", r.packets);
    assert_eq!(r.bytes, r.packets * 200);
    let flows = t
        .flow_list(pb::FlowListRequest {})
        .await
        .unwrap()
        .into_inner()
        .flows;
    let f = &flows[0];
    assert!(f.sent_packets >= r.packets, "{f:?}");
    assert_eq!(f.delivered_packets, f.sent_packets, "nothing drops it");

    t.flow_stop(pb::FlowStopRequest {
        flow_id: started.flow_id,
        all: false,
    })
    .await
    .unwrap();
    let at_stop = ok!(fw.filter_counter_get(counter("watch", "udp-in"))).packets;
    assert!(at_stop >= r.packets);
    advance(5).await;
    let later = ok!(fw.filter_counter_get(counter("watch", "udp-in"))).packets;
    assert_eq!(later, at_stop, "the counter stops with the flow");
    tokio::time::resume();
}

#[tokio::test]
async fn packet_test_reports_the_matched_term_route_and_counters() {
    let dev = device().await;
    let (_fc, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter(
        "guard",
        vec![
            InetTerm::new("ssh")
                .protocol(6)
                .dst_port(22)
                .count("ssh-drop")
                .discard(),
            InetTerm::new("rest").count("rest").accept(),
        ],
    )));
    ok!(fw.filter_bind_add(bind_interface("guard", "ge-0/0/0.0", Dir::Input)));
    let (_tc, mut t) = traffic(&dev, "tr").await;

    let r = t
        .packet_test(packet("ge-0/0/0.0", "10.0.0.2", "192.0.2.9", 6, 22))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.ingress_interface, "ge-0/0/0.0");
    assert_eq!(r.disposition, pb::Disposition::Filtered as i32);
    assert_eq!(r.disposition_text, "discarded by filter guard term ssh");
    assert_eq!(r.filters.len(), 1, "{r:?}");
    let f = &r.filters[0];
    assert_eq!(
        (f.filter.as_str(), f.owner.as_str(), f.bind_point.as_str()),
        ("guard", "client app", "ge-0/0/0.0 input")
    );
    assert_eq!(f.terms.len(), 1);
    assert_eq!(f.terms[0].term, "ssh");
    assert!(
        f.terms[0].actions.iter().any(|a| a == "count ssh-drop"),
        "{f:?}"
    );
    assert_eq!(
        r.counters,
        [pb::CounterRef {
            filter: "guard".into(),
            counter: "ssh-drop".into()
        }]
    );
    assert!(r.route.is_none() && r.egress_interface.is_empty());
    // Counted like a real packet.
    assert_eq!(
        ok!(fw.filter_counter_get(counter("guard", "ssh-drop"))).packets,
        1
    );

    // UDP passes guard and the configured cfg-in, takes the static route out ge-0/0/1.0.
    let mut p = packet("ge-0/0/0.0", "10.0.0.2", "192.0.2.9", 17, 53);
    p.length = Some(300);
    let r = t.packet_test(p).await.unwrap().into_inner();
    assert_eq!(r.disposition, pb::Disposition::Forwarded as i32);
    assert_eq!(
        r.filters
            .iter()
            .map(|f| f.filter.as_str())
            .collect::<Vec<_>>(),
        ["guard", "cfg-in", "cfg-out"]
    );
    let route = r.route.expect("route");
    assert_eq!(
        (
            route.destination.as_str(),
            route.protocol.as_str(),
            route.gateway.as_str()
        ),
        ("192.0.2.0/24", "Static", "10.1.0.2")
    );
    assert_eq!(r.egress_interface, "ge-0/0/1.0");
    let touched: Vec<_> = r
        .counters
        .iter()
        .map(|c| format!("{}/{}", c.filter, c.counter))
        .collect();
    assert_eq!(
        touched,
        ["guard/rest", "cfg-in/cfg-rest", "cfg-out/cfg-out-all"]
    );
    let c = ok!(fw.filter_counter_get(counter("guard", "rest")));
    assert_eq!((c.packets, c.bytes), (1, 300));
}

#[tokio::test]
async fn a_read_only_login_may_list_flows_only() {
    let pw = "Viewer-pass-1";
    let hash = jet_device::factory::hash_password(pw);
    let dev = TestDevice::with_config(&format!(
        "{NET} system {{ login {{ user viewer {{ uid 2001; class read-only; \
         authentication {{ encrypted-password \"{hash}\"; }} }} }} }}"
    ))
    .await;
    let viewer = dev.client().await;
    viewer.login("viewer", pw, "v").await.unwrap();
    let mut t = viewer.traffic();
    refused(
        t.flow_start(flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 1).build())
            .await,
        Code::PermissionDenied,
        &["read-only"],
    );
    refused(
        t.packet_test(packet("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 6, 80))
            .await,
        Code::PermissionDenied,
        &["read-only"],
    );
    refused(
        t.flow_stop(pb::FlowStopRequest {
            flow_id: 0,
            all: true,
        })
        .await,
        Code::PermissionDenied,
        &["read-only"],
    );
    t.flow_list(pb::FlowListRequest {}).await.unwrap();
    // Not logged in at all: the gate refuses before the service.
    let mut anon = dev.client().await.traffic();
    refused(
        anon.flow_list(pb::FlowListRequest {}).await,
        Code::Unauthenticated,
        &["Login"],
    );
}
