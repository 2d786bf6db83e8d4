//! State rules of the interface model: what exists, what is up, which events a change
//! produces.

use chrono::{TimeZone, Utc};

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 3, 30, 0)
        .single()
        .expect("time")
}

fn inet(addr: &str) -> FamilyConf {
    let (a, l) = addr.split_once('/').expect("prefix");
    FamilyConf {
        kind: FamilyKind::Inet,
        addresses: vec![AddressConf {
            local: a.parse().expect("ip"),
            prefix_len: l.parse().expect("len"),
            primary: false,
            api: false,
        }],
        input_filter: None,
        output_filter: None,
        neighbors: Vec::new(),
        nets: Vec::new(),
    }
}

fn unit0(families: Vec<FamilyConf>) -> IflConf {
    IflConf {
        unit: 0,
        families,
        ..IflConf::default()
    }
}

fn ge0_with(addr: &str) -> Vec<IfdConf> {
    vec![IfdConf {
        name: "ge-0/0/0".into(),
        units: vec![unit0(vec![inet(addr)])],
        ..IfdConf::default()
    }]
}

#[test]
fn every_device_has_ten_ge_ports_fxp0_and_lo0_with_junos_snmp_indexes() {
    let m = Model::new(0x1234, Vec::new(), t0());
    let s = m.snapshot();
    let names: Vec<&str> = s.ifds.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), 12);
    assert_eq!(names[0], "ge-0/0/0");
    assert_eq!(names[9], "ge-0/0/9");
    assert_eq!(&names[10..], &["fxp0", "lo0"]);
    assert_eq!(s.ifd("fxp0").map(|d| d.snmp_index), Some(SNMP_FXP0));
    assert_eq!(s.ifd("lo0").map(|d| d.snmp_index), Some(SNMP_LO0));
    assert_eq!(
        s.ifd("ge-0/0/3").map(|d| d.snmp_index),
        Some(SNMP_GE_BASE + 3)
    );
    let ge3 = s.ifd("ge-0/0/3").expect("ge-0/0/3");
    assert_eq!(
        ge3.mac.map(|m| m.to_string()).as_deref(),
        Some("02:05:86:12:34:04")
    );
    assert_eq!(ge3.speed.to_string(), "1000mbps");
    assert_eq!(s.ifd("lo0").map(|d| d.speed), Some(Speed::Unlimited));
    assert!(s.ifd("lo0").is_some_and(|d| d.mac.is_none()));
    assert!(s.ifds.iter().all(|d| d.admin_up && d.oper_up()));
}

#[test]
fn configured_units_families_and_addresses_appear() {
    let m = Model::new(0, ge0_with("192.0.2.1/24"), t0());
    let (d, l) = m.snapshot().ifl("ge-0/0/0.0").expect("unit 0");
    assert_eq!(d.name, "ge-0/0/0");
    assert_eq!(l.snmp_index, 540);
    assert!(l.is_up());
    let f = &l.families[0];
    assert_eq!(f.kind, FamilyKind::Inet);
    assert_eq!(f.mtu, Mtu::Bytes(1500));
    assert_eq!(f.addresses[0].local.to_string(), "192.0.2.1");
    assert!(f.addresses[0].primary);
}

#[test]
fn configuring_an_address_emits_ifl_iff_and_ifa_adds_in_order() {
    let mut m = Model::new(0, Vec::new(), t0());
    let ch = m.set_config(ge0_with("192.0.2.1/24"), t0());
    let topics: Vec<String> = ch.events.iter().map(InterfaceEvent::topic).collect();
    assert_eq!(
        topics,
        vec![
            "/junos/events/kernel/interfaces/ifl/add/ge-0/0/0.0",
            "/junos/events/kernel/interfaces/iff/add/ge-0/0/0.0/inet",
            "/junos/events/kernel/interfaces/ifa/add/ge-0/0/0.0/inet/192.0.2.1/24",
        ]
    );
    match &ch.events[2] {
        InterfaceEvent::Ifa(a) => {
            assert_eq!(
                a.destination_address,
                Some("192.0.2.0".parse().expect("ip"))
            );
            assert_eq!(
                a.broadcast_address,
                Some("192.0.2.255".parse().expect("ip"))
            );
        }
        other => panic!("expected an IFA event, got {other:?}"),
    }
    assert!(ch.syslog.is_empty());
    assert_eq!(m.snapshot().generation, 1);
}

#[test]
fn the_same_configuration_twice_changes_nothing() {
    let mut m = Model::new(0, ge0_with("192.0.2.1/24"), t0());
    assert!(m.set_config(ge0_with("192.0.2.1/24"), t0()).is_empty());
    assert_eq!(m.snapshot().generation, 0);
}

#[test]
fn removing_a_unit_deletes_children_first() {
    let mut m = Model::new(0, ge0_with("192.0.2.1/24"), t0());
    let ch = m.set_config(Vec::new(), t0());
    let ops: Vec<String> = ch
        .events
        .iter()
        .map(|e| format!("{} {}", e.event_id(), e.op().as_str()))
        .collect();
    assert_eq!(
        ops,
        vec![
            "KERNEL_EVENT_IFA_DELETE delete",
            "KERNEL_EVENT_IFF_DELETE delete",
            "KERNEL_EVENT_IFL_DELETE delete",
        ]
    );
}

#[test]
fn changing_an_address_deletes_the_old_and_adds_the_new() {
    let mut m = Model::new(0, ge0_with("192.0.2.1/24"), t0());
    let ch = m.set_config(ge0_with("198.51.100.1/24"), t0());
    let topics: Vec<String> = ch.events.iter().map(InterfaceEvent::topic).collect();
    assert_eq!(
        topics,
        vec![
            "/junos/events/kernel/interfaces/ifa/delete/ge-0/0/0.0/inet/192.0.2.1/24",
            "/junos/events/kernel/interfaces/ifa/add/ge-0/0/0.0/inet/198.51.100.1/24",
        ]
    );
}

#[test]
fn link_down_takes_the_ifd_and_its_units_down_with_a_trap() {
    let mut m = Model::new(0, ge0_with("192.0.2.1/24"), t0());
    let later = t0() + chrono::Duration::seconds(90);
    let ch = m.set_link("ge-0/0/0", false, later).expect("known port");
    let d = m.snapshot().ifd("ge-0/0/0").expect("ge-0/0/0");
    assert!(d.admin_up && !d.oper_up());
    assert_eq!(d.last_flapped, Some(later));
    assert_eq!(d.carrier_transitions, 1);
    assert!(!d.units[0].oper_up && !d.units[0].is_up() && d.units[0].admin_up);
    let ids: Vec<String> = ch.events.iter().map(InterfaceEvent::event_id).collect();
    assert_eq!(
        ids,
        vec!["KERNEL_EVENT_IFD_CHANGE", "KERNEL_EVENT_IFL_CHANGE"]
    );
    match &ch.events[0] {
        InterfaceEvent::Ifd(e) => {
            assert_eq!(e.snmp_id, SNMP_GE_BASE);
            assert_eq!(e.flags.words(), "up");
        }
        other => panic!("expected IFD change, got {other:?}"),
    }
    assert_eq!(ch.syslog.len(), 1);
    assert_eq!(ch.syslog[0].event_id, "SNMP_TRAP_LINK_DOWN");
    assert_eq!(
        ch.syslog[0].message,
        "ifIndex 513, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/0"
    );
    let up = m.set_link("ge-0/0/0", true, later).expect("known port");
    assert_eq!(up.syslog[0].event_id, "SNMP_TRAP_LINK_UP");
    assert_eq!(
        m.snapshot().ifd("ge-0/0/0").map(|d| d.carrier_transitions),
        Some(2)
    );
}

#[test]
fn setting_the_link_state_it_already_has_is_silent() {
    let mut m = Model::new(0, Vec::new(), t0());
    assert!(m
        .set_link("ge-0/0/1", true, t0())
        .expect("known")
        .is_empty());
}

#[test]
fn an_unknown_interface_is_refused_like_junos() {
    let mut m = Model::new(0, Vec::new(), t0());
    let e = m.set_link("ge-0/0/99", false, t0()).expect_err("unknown");
    assert_eq!(e.to_string(), "error: device ge-0/0/99 not found");
}

#[test]
fn disable_is_admin_down_and_oper_down() {
    let conf = vec![IfdConf {
        name: "ge-0/0/2".into(),
        disabled: true,
        units: vec![unit0(Vec::new())],
        ..IfdConf::default()
    }];
    let mut m = Model::new(0, Vec::new(), t0());
    let ch = m.set_config(conf, t0());
    let d = m.snapshot().ifd("ge-0/0/2").expect("ge-0/0/2");
    assert!(!d.admin_up && !d.oper_up() && d.carrier);
    assert!(d.units[0].admin_up && !d.units[0].oper_up);
    assert_eq!(ch.syslog[0].event_id, "SNMP_TRAP_LINK_DOWN");
    assert!(ch.syslog[0].message.contains("ifAdminStatus down(2)"));
}

#[test]
fn a_deleted_unit_gets_its_snmp_index_back() {
    let mut m = Model::new(0, ge0_with("192.0.2.1/24"), t0());
    let mut two = ge0_with("192.0.2.1/24");
    two[0].units.push(IflConf {
        unit: 5,
        ..IflConf::default()
    });
    m.set_config(two.clone(), t0());
    assert_eq!(
        m.snapshot().ifl("ge-0/0/0.5").map(|(_, l)| l.snmp_index),
        Some(541)
    );
    m.set_config(Vec::new(), t0());
    m.set_config(two, t0());
    assert_eq!(
        m.snapshot().ifl("ge-0/0/0.0").map(|(_, l)| l.snmp_index),
        Some(540)
    );
    assert_eq!(
        m.snapshot().ifl("ge-0/0/0.5").map(|(_, l)| l.snmp_index),
        Some(541)
    );
}

#[test]
fn mtu_and_speed_follow_configuration_and_families_derive_their_mtu() {
    let conf = vec![IfdConf {
        name: "ge-0/0/1".into(),
        mtu: Some(9192),
        speed: Some("100m".into()),
        units: vec![unit0(vec![
            inet("10.0.0.1/31"),
            FamilyConf {
                kind: FamilyKind::Mpls,
                addresses: Vec::new(),
                input_filter: None,
                output_filter: None,
                neighbors: Vec::new(),
                nets: Vec::new(),
            },
        ])],
        ..IfdConf::default()
    }];
    let m = Model::new(0, conf, t0());
    let d = m.snapshot().ifd("ge-0/0/1").expect("ge-0/0/1");
    assert_eq!(d.mtu, Mtu::Bytes(9192));
    assert_eq!(d.speed.to_string(), "100mbps");
    let fams = &d.units[0].families;
    assert_eq!(fams[0].mtu, Mtu::Bytes(9178));
    assert_eq!(fams[1].mtu, Mtu::Bytes(9166));
}

#[test]
fn the_primary_address_is_the_marked_one_else_the_lowest() {
    let mk = |primary: bool| AddressConf {
        local: "10.0.0.9".parse().expect("ip"),
        prefix_len: 24,
        primary,
        api: false,
    };
    let low = AddressConf {
        local: "10.0.0.2".parse().expect("ip"),
        prefix_len: 24,
        primary: false,
        api: false,
    };
    let a = addresses(FamilyKind::Inet, &[mk(false), low]);
    assert!(!a[0].primary && a[1].primary);
    let a = addresses(FamilyKind::Inet, &[mk(true), low]);
    assert!(a[0].primary && !a[1].primary);
}
