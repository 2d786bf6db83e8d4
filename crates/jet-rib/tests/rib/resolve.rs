use jet_rib::{Batch, MatchType, SetOp, Source, SourceNh, SourceRoute};

use crate::{pfx, push, rib_with_client};

fn direct(rib: &mut jet_rib::Rib, subnet: &str, ifname: &str) {
    rib.replace_source(
        Source::Direct,
        &[SourceRoute {
            table: "inet.0".into(),
            prefix: pfx(subnet),
            nh: SourceNh::Interface(ifname.into()),
            pref: None,
            cookie: 0,
        }],
        0,
        &mut Vec::new(),
    )
    .unwrap();
}

fn active_of(rib: &jet_rib::Rib, p: &str) -> Option<bool> {
    let t = rib.table_id("inet.0").unwrap();
    let mut a = None;
    rib.get_routes(t, &pfx(p), MatchType::Exact, false, None, 10, |v| {
        a = Some(v.active)
    });
    a
}

#[test]
fn an_indirect_gateway_resolves_through_a_direct_route_and_follows_it() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/8", &["192.0.2.1"]);
    rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!(
        active_of(&rib, "10.0.0.0/8"),
        Some(false),
        "unresolved: hidden"
    );
    direct(&mut rib, "192.0.2.0/24", "ge-0/0/0.0");
    assert_eq!(active_of(&rib, "10.0.0.0/8"), Some(true));
    let t = rib.table_id("inet.0").unwrap();
    let v = rib.lookup(t, "10.9.9.9".parse().unwrap()).unwrap();
    let via = v.nh.state[0].via.map(|i| rib.ifnames.name(i).to_owned());
    assert_eq!(via.as_deref(), Some("ge-0/0/0.0"));
    rib.replace_source(Source::Direct, &[], 0, &mut Vec::new())
        .unwrap();
    assert_eq!(active_of(&rib, "10.0.0.0/8"), Some(false));
}

#[test]
fn recursive_resolution_lends_the_interface_of_the_resolving_route() {
    let (mut rib, c) = rib_with_client();
    direct(&mut rib, "192.0.2.0/24", "ge-0/0/1.0");
    let mut b = Batch::default();
    push(&mut b, "inet.0", "198.51.100.0/24", &["192.0.2.9"]);
    push(&mut b, "inet.0", "10.0.0.0/8", &["198.51.100.7"]);
    rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!(active_of(&rib, "10.0.0.0/8"), Some(true));
    // Deleting the middle route makes the outer one unresolvable.
    let mut d = jet_rib::DeleteBatch::default();
    let t = d.table_name_index("inet.0");
    d.keys.push(jet_rib::KeySpec {
        table: t,
        prefix: pfx("198.51.100.0/24"),
        cookie: 0,
    });
    assert_eq!(rib.delete(c, &d, &mut Vec::new()).error, None);
    assert_eq!(active_of(&rib, "10.0.0.0/8"), Some(false));
}

#[test]
fn a_static_route_loses_to_a_direct_route_and_programmed_beats_static_on_preference2() {
    let (mut rib, c) = rib_with_client();
    rib.replace_source(
        Source::Static,
        &[SourceRoute {
            table: "inet.0".into(),
            prefix: pfx("10.0.0.0/8"),
            nh: SourceNh::Discard,
            pref: None,
            cookie: 0,
        }],
        0,
        &mut Vec::new(),
    )
    .unwrap();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/8", &[]);
    rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    let t = rib.table_id("inet.0").unwrap();
    let mut act = Vec::new();
    rib.get_routes(
        t,
        &pfx("10.0.0.0/8"),
        MatchType::Exact,
        true,
        None,
        10,
        |v| act.push(v.path.proto),
    );
    assert_eq!(
        act,
        vec![jet_rib::Proto::Jet],
        "same preference 5; the programmed route has preference2 100, the static none"
    );
}
