//! Every RPC: success and its documented refusals (sub-code + message naming the field).

use jet_sdk::firewall::{
    bind_interface, counter, delete_inet_term, inet_filter, inet_filter_delete, inet_filter_modify,
    two_color_policer, unbind_interface, Dir, InetTerm,
};
use jet_sdk::proto::jnx::jet::firewall::{self as pb, filter_add_response::StatusCode as Sub};

use crate::{device, firewall, ok, refused};

fn names(dev: &jet_testkit::TestDevice, f: &str) -> Vec<String> {
    dev.device().firewall().read(|p| {
        p.fw.api
            .get(f)
            .map(|f| f.terms.iter().map(|t| t.name.clone()).collect())
            .unwrap_or_default()
    })
}

#[tokio::test]
async fn filter_add_modify_delete_round_trip() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter(
        "f1",
        vec![
            InetTerm::new("a").protocol(6).count("ca").accept(),
            InetTerm::new("c").discard(),
        ],
    )));
    ok!(fw.filter_modify(inet_filter_modify(
        "f1",
        vec![
            InetTerm::new("b")
                .dst_port(22)
                .add_after(Some("a"))
                .accept(),
            delete_inet_term("c"),
        ],
    )));
    assert_eq!(names(&dev, "f1"), ["a", "b"]);
    ok!(fw.filter_delete(inet_filter_delete("f1")));
    assert!(names(&dev, "f1").is_empty());
    refused!(
        fw.filter_delete(inet_filter_delete("f1")),
        Sub::EinvalidMessage,
        "filter 'f1' does not exist"
    );
}

#[tokio::test]
async fn filter_add_refusals_name_filter_term_and_field_and_change_nothing() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    let bad = InetTerm::new("bad").dst_ports(90, 80).accept();
    refused!(
        fw.filter_add(inet_filter("f", vec![InetTerm::new("ok").accept(), bad])),
        Sub::EinvalidMessage,
        "filter 'f'",
        "term 'bad'",
        "destination-port"
    );
    assert!(dev.device().firewall().read(|p| p.fw.api.is_empty()));
    // A bad address string names the field.
    refused!(
        fw.filter_add(inet_filter(
            "f",
            vec![InetTerm::new("t").dst("10.0.0.300/8").accept()]
        )),
        Sub::EinvalidMessage,
        "term 't'",
        "ipv4_dst_addrs",
        "not an IP address"
    );
    // Families without bridging are not supported here.
    let mut es = inet_filter("f", vec![]);
    es.family = pb::FilterFamilies::FamilyEs as i32;
    refused!(
        fw.filter_add(es),
        Sub::EunsupportedOp,
        "family",
        "FAMILY_ES"
    );
    // Flexible matches are not supported either.
    let mut t = InetTerm::new("flex").accept();
    if let Some(pb::filter_term::FilterTerm::InetTerm(x)) = &mut t.filter_term {
        x.matches.as_mut().unwrap().flex_range = Some(pb::MatchFlexibleOffsetRange::default());
    }
    refused!(
        fw.filter_add(inet_filter("f", vec![t])),
        Sub::EunsupportedOp,
        "term 'flex'",
        "flex_range"
    );
    // A term of another family.
    let mut f6 = inet_filter("f", vec![InetTerm::new("t").accept()]);
    f6.family = pb::FilterFamilies::FamilyInet6 as i32;
    refused!(
        fw.filter_add(f6),
        Sub::EinvalidMessage,
        "family inet term in a family inet6 filter"
    );
    ok!(fw.filter_add(inet_filter("f", vec![])));
    refused!(
        fw.filter_add(inet_filter("f", vec![])),
        Sub::EinvalidMessage,
        "filter 'f' already exists"
    );
}

#[tokio::test]
async fn modify_with_one_bad_operation_changes_nothing() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter("f", vec![InetTerm::new("a").accept()])));
    refused!(
        fw.filter_modify(inet_filter_modify(
            "f",
            vec![
                InetTerm::new("b").add_after(None).accept(),
                InetTerm::new("c").add_after(Some("nope")).accept(),
            ],
        )),
        Sub::EinvalidMessage,
        "term 'c'",
        "adjacency term 'nope' does not exist"
    );
    assert_eq!(names(&dev, "f"), ["a"]);
    // term_op must be set in FilterModify.
    refused!(
        fw.filter_modify(inet_filter_modify("f", vec![InetTerm::new("x").accept()])),
        Sub::EinvalidMessage,
        "term 'x'",
        "term_op"
    );
}

#[tokio::test]
async fn binding_refusals_and_ownership() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "owner").await;
    let (_c2, mut other) = firewall(&dev, "other").await;
    ok!(fw.filter_add(inet_filter("f", vec![InetTerm::new("a").accept()])));
    refused!(
        fw.filter_bind_add(bind_interface("f", "ge-0/0/9.0", Dir::Input)),
        Sub::EinvalidMessage,
        "interface 'ge-0/0/9.0' does not exist"
    );
    let mut fam = bind_interface("f", "ge-0/0/0.0", Dir::Input);
    fam.bind_family = pb::FilterFamilies::FamilyMpls as i32;
    refused!(
        fw.filter_bind_add(fam),
        Sub::EinvalidMessage,
        "bind_family mpls differs"
    );
    let mut vlan = bind_interface("f", "ge-0/0/0.0", Dir::Input);
    vlan.obj_type = pb::FilterBindObjType::BindObjTypeVlan as i32;
    vlan.bind_object = Some(pb::FilterBindObjPoint {
        bind_point: Some(pb::filter_bind_obj_point::BindPoint::Vlan(
            pb::FilterBindObjVlan {
                vlan_name: "v10".into(),
                route_table: String::new(),
            },
        )),
    });
    refused!(fw.filter_bind_add(vlan), Sub::EunsupportedOp, "no bridging");
    refused!(
        other.filter_bind_add(bind_interface("f", "ge-0/0/0.0", Dir::Input)),
        Sub::EinvalidMessage,
        "belongs to client 'owner'"
    );
    ok!(fw.filter_bind_add(bind_interface("f", "ge-0/0/0.0", Dir::Input)));
    refused!(
        fw.filter_delete(inet_filter_delete("f")),
        Sub::EinvalidMessage,
        "delete the binding first"
    );
    refused!(
        other.filter_delete(inet_filter_delete("f")),
        Sub::EinvalidMessage,
        "belongs to client 'owner'"
    );
    ok!(fw.filter_bind_delete(unbind_interface("f", "ge-0/0/0.0", Dir::Input)));
    refused!(
        fw.filter_bind_delete(unbind_interface("f", "ge-0/0/0.0", Dir::Input)),
        Sub::EinvalidMessage,
        "is not bound"
    );
    // A forwarding table is a bind point too.
    let mut ft = bind_interface("f", "", Dir::Input);
    ft.obj_type = pb::FilterBindObjType::BindObjTypeFwdTable as i32;
    ft.bind_object = Some(pb::FilterBindObjPoint {
        bind_point: Some(pb::filter_bind_obj_point::BindPoint::ForwardingTable(
            "inet.0".into(),
        )),
    });
    ok!(fw.filter_bind_add(ft));
}

#[tokio::test]
async fn policers_add_modify_delete_and_refusals() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    refused!(
        fw.policer_add(two_color_policer("p", 10, 15_000, true)),
        Sub::EinvalidMessage,
        "policer 'p'",
        "bandwidth 10 is out of range"
    );
    let mut wrong = two_color_policer("p", 1_000_000, 15_000, true);
    wrong.r#type = pb::PolicerType::TwoRateThreeColorPolicer as i32;
    refused!(
        fw.policer_add(wrong),
        Sub::EinvalidMessage,
        "params do not hold"
    );
    ok!(fw.policer_add(two_color_policer("p", 1_000_000, 15_000, true)));
    refused!(
        fw.policer_add(two_color_policer("p", 1_000_000, 15_000, true)),
        Sub::EinvalidMessage,
        "already exists"
    );
    let m = two_color_policer("p", 2_000_000, 15_000, true);
    ok!(fw.policer_modify(pb::PolicerModifyRequest {
        name: m.name,
        r#type: m.r#type,
        flag: m.flag,
        params: m.params,
    }));
    // A term may refer only to an existing policer; one in use cannot go.
    refused!(
        fw.filter_add(inet_filter(
            "f",
            vec![InetTerm::new("t").policer("nope").accept()]
        )),
        Sub::EinvalidMessage,
        "policer 'nope' does not exist"
    );
    ok!(fw.filter_add(inet_filter(
        "f",
        vec![InetTerm::new("t").policer("p").accept()]
    )));
    refused!(
        fw.policer_delete(pb::PolicerDeleteRequest {
            name: "p".into(),
            ..Default::default()
        }),
        Sub::EinvalidMessage,
        "used by filter 'f'"
    );
    ok!(fw.filter_delete(inet_filter_delete("f")));
    ok!(fw.policer_delete(pb::PolicerDeleteRequest {
        name: "p".into(),
        ..Default::default()
    }));
}

#[tokio::test]
async fn counters_get_and_clear_one_at_a_time() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.policer_add(two_color_policer("lim", 1_000_000, 15_000, true)));
    ok!(fw.filter_add(inet_filter(
        "f",
        vec![InetTerm::new("t").policer("lim").count("hits").accept()],
    )));
    ok!(fw.filter_bind_add(bind_interface("f", "ge-0/0/0.0", Dir::Input)));
    let mut p = jet_device::firewall::Packet::new(
        jet_device::firewall::FwFamily::Inet,
        "ge-0/0/0.0",
        "10.0.0.2".parse().unwrap(),
        "192.0.2.9".parse().unwrap(),
    );
    p.set(jet_device::firewall::Field::PacketLength, 100);
    for _ in 0..3 {
        dev.device().firewall().forward(p.clone()).await.unwrap();
    }
    let r = ok!(fw.filter_counter_get(counter("f", "hits")));
    assert_eq!(
        (r.counter_name.as_str(), r.packets, r.bytes),
        ("hits", 3, 300)
    );
    let r = ok!(fw.policer_counter_get(pb::PolicerCounterGetRequest {
        filter_name: "f".into(),
        counter_name: "lim".into(),
    }));
    assert_eq!(r.packets, 0, "single packets below the burst are in spec");
    refused!(
        fw.filter_counter_get(counter("f", "nope")),
        Sub::EinvalidMessage,
        "counter_name",
        "no counter 'nope'"
    );
    refused!(
        fw.filter_counter_get(counter("nofilter", "hits")),
        Sub::EinvalidMessage,
        "filter_name",
        "'nofilter' does not exist"
    );
    ok!(fw.filter_counter_set(pb::FilterCounterSetRequest {
        filter_name: "f".into(),
        counter_name: "hits".into(),
    }));
    let r = ok!(fw.filter_counter_get(counter("f", "hits")));
    assert_eq!((r.packets, r.bytes), (0, 0));
    ok!(fw.policer_counter_set(pb::PolicerCounterSetRequest {
        filter_name: "f".into(),
        counter_name: "lim".into(),
    }));
    refused!(
        fw.policer_counter_set(pb::PolicerCounterSetRequest {
            filter_name: "f".into(),
            counter_name: "hits".into(),
        }),
        Sub::EinvalidMessage,
        "no policer counter 'hits'"
    );
}

#[tokio::test]
async fn purge_timer_add_get_delete_and_range() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    let r = ok!(fw.filters_purge_timer_get(pb::FiltersPurgeTimerGetRequest {}));
    assert_eq!(r.time, 120);
    ok!(fw.filters_purge_timer_add(pb::FiltersPurgeTimerAddRequest { time: 30 }));
    assert_eq!(
        ok!(fw.filters_purge_timer_get(pb::FiltersPurgeTimerGetRequest {})).time,
        30
    );
    ok!(fw.filters_purge_timer_add(pb::FiltersPurgeTimerAddRequest { time: u32::MAX }));
    refused!(
        fw.filters_purge_timer_add(pb::FiltersPurgeTimerAddRequest { time: 1001 }),
        Sub::EinvalidMessage,
        "time",
        "1001 is out of range 1-1000"
    );
    ok!(fw.filters_purge_timer_delete(pb::FiltersPurgeTimerDeleteRequest {}));
    assert_eq!(
        ok!(fw.filters_purge_timer_get(pb::FiltersPurgeTimerGetRequest {})).time,
        120
    );
}

#[tokio::test]
async fn filter_limit_answers_no_resource_before_any_change() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    let terms: Vec<_> = (0..65_537)
        .map(|i| InetTerm::new(&format!("t{i}")).accept())
        .collect();
    refused!(
        fw.filter_add(inet_filter("huge", terms)),
        Sub::NoResource,
        "filter 'huge'",
        "limit of 65536 terms per filter"
    );
    assert!(dev.device().firewall().read(|p| p.fw.api.is_empty()));
}

#[tokio::test]
async fn a_counter_get_the_forwarding_plane_cannot_serve_in_10_s_answers_timeout() {
    let dev = device().await;
    let (_c, mut fw) = firewall(&dev, "app").await;
    ok!(fw.filter_add(inet_filter(
        "f",
        vec![InetTerm::new("t").count("hits").accept()]
    )));
    let fwh = dev.device().firewall().clone();
    fwh.set_stats_delay(std::time::Duration::from_secs(11));
    let start = tokio::time::Instant::now();
    let r = refused!(
        fw.filter_counter_get(counter("f", "hits")),
        pb::filter_counter_get_response::StatusCode::Timeout,
        "within 10 s"
    );
    assert_eq!(r.counter_name, "hits");
    let took = start.elapsed();
    assert!(
        (std::time::Duration::from_secs(10)..std::time::Duration::from_secs(12)).contains(&took),
        "answered after {took:?}"
    );
    // A delay under 10 s is waited for and served.
    fwh.set_stats_delay(std::time::Duration::from_millis(200));
    let r = ok!(fw.filter_counter_get(counter("f", "hits")));
    assert_eq!((r.packets, r.bytes), (0, 0));
    fwh.set_stats_delay(std::time::Duration::ZERO);
}
