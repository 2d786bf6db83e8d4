//! Rules of the firewall state: atomic changes, ownership, limits, purge.

use super::error::FirewallError;
use super::model::*;
use super::state::{FirewallState, Limits};

fn term(name: &str, count: Option<&str>, t: Option<Terminating>) -> Term {
    Term {
        name: name.into(),
        matches: Matches::default(),
        actions: Actions {
            count: count.map(str::to_owned),
            terminating: t,
            ..Actions::default()
        },
    }
}

fn port_term(name: &str, lo: u32, hi: u32) -> Term {
    let mut t = term(name, None, Some(Terminating::Accept));
    t.matches.ranges.push((
        Field::DstPort,
        vec![Range {
            lo,
            hi,
            except: false,
        }],
    ));
    t
}

fn names(st: &FirewallState, f: &str) -> Vec<String> {
    st.api[f].terms.iter().map(|t| t.name.clone()).collect()
}

#[test]
fn filter_add_with_a_bad_term_adds_nothing_and_names_filter_term_and_field() {
    let mut st = FirewallState::new(Limits::default());
    let terms = vec![port_term("ok", 1, 2), port_term("bad", 90, 80)];
    let e = st
        .filter_add("app", "f1", FwFamily::Inet, terms)
        .unwrap_err();
    let FirewallError::Invalid(m) = e else {
        panic!("{e:?}")
    };
    assert!(
        m.contains("filter 'f1'") && m.contains("term 'bad'") && m.contains("destination-port"),
        "{m}"
    );
    assert!(st.api.is_empty());
    assert_eq!(st.api_terms, 0);
}

#[test]
fn filter_add_refuses_duplicate_terms_and_missing_policers() {
    let mut st = FirewallState::new(Limits::default());
    let e = st
        .filter_add(
            "app",
            "f",
            FwFamily::Inet,
            vec![term("a", None, None), term("a", None, None)],
        )
        .unwrap_err();
    assert!(e.to_string().contains("term 'a' appears twice"), "{e}");
    let mut t = term("p", None, None);
    t.actions.policer = Some("nope".into());
    let e = st
        .filter_add("app", "f", FwFamily::Inet, vec![t])
        .unwrap_err();
    assert!(
        e.to_string().contains("policer 'nope' does not exist"),
        "{e}"
    );
}

#[test]
fn inet_filter_refuses_an_ipv6_prefix_and_mpls_refuses_ports() {
    let mut st = FirewallState::new(Limits::default());
    let mut t = term("t", None, None);
    t.matches.addrs.push((
        AddrField::Dst,
        vec![PrefixMatch {
            addr: "2001:db8::".parse().unwrap(),
            len: 32,
            except: false,
        }],
    ));
    let e = st
        .filter_add("app", "f", FwFamily::Inet, vec![t])
        .unwrap_err();
    assert!(
        e.to_string().contains("not an address of family inet"),
        "{e}"
    );
    let e = st
        .filter_add("app", "m", FwFamily::Mpls, vec![port_term("t", 1, 1)])
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("destination-port is not a match condition of family mpls"),
        "{e}"
    );
}

#[test]
fn filter_modify_adds_before_and_after_replaces_and_deletes_in_order() {
    let mut st = FirewallState::new(Limits::default());
    st.filter_add(
        "app",
        "f",
        FwFamily::Inet,
        vec![port_term("a", 1, 1), port_term("c", 3, 3)],
    )
    .unwrap();
    st.filter_modify(
        "app",
        "f",
        FwFamily::Inet,
        vec![
            TermOp::Add(port_term("b", 2, 2), Placement::After("a".into())),
            TermOp::Add(port_term("z", 9, 9), Placement::Before("a".into())),
            TermOp::Replace(port_term("c", 33, 33), Placement::End),
            TermOp::Delete("z".into()),
        ],
    )
    .unwrap();
    assert_eq!(names(&st, "f"), ["a", "b", "c"]);
    assert_eq!(st.api_terms, 3);
    // One bad operation in a batch: nothing changes.
    let e = st
        .filter_modify(
            "app",
            "f",
            FwFamily::Inet,
            vec![
                TermOp::Delete("a".into()),
                TermOp::Add(port_term("x", 1, 1), Placement::After("missing".into())),
            ],
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("term 'x': adjacency term 'missing' does not exist"),
        "{e}"
    );
    assert_eq!(names(&st, "f"), ["a", "b", "c"]);
}

#[test]
fn long_runs_of_modify_operations_keep_positions_right() {
    // Replacing and appending every term (the indexed, linear case), mixed with moves,
    // deletes of the last and of middle terms, and inserts before and after: the result
    // must be what the same operations give one by one.
    let mut st = FirewallState::new(Limits::default());
    let n = 2_000u32;
    let terms = (0..n).map(|i| port_term(&format!("t{i}"), i, i)).collect();
    st.filter_add("app", "f", FwFamily::Inet, terms).unwrap();
    let mut ops: Vec<TermOp> = (0..n)
        .map(|i| TermOp::Replace(port_term(&format!("t{i}"), i + 1, i + 1), Placement::End))
        .collect();
    ops.extend((0..10).map(|i| TermOp::Add(port_term(&format!("n{i}"), 1, 1), Placement::End)));
    ops.push(TermOp::Delete("n9".into()));
    ops.push(TermOp::Delete("t5".into()));
    ops.push(TermOp::Add(
        port_term("b", 1, 1),
        Placement::Before("t0".into()),
    ));
    ops.push(TermOp::Add(
        port_term("a", 1, 1),
        Placement::After("t7".into()),
    ));
    ops.push(TermOp::Replace(
        port_term("t1", 7, 7),
        Placement::After("n8".into()),
    ));
    ops.push(TermOp::Replace(port_term("t2", 7, 7), Placement::End));
    ops.push(TermOp::Delete("n8".into()));
    ops.push(TermOp::Add(
        port_term("c", 1, 1),
        Placement::After("t1".into()),
    ));
    st.filter_modify("app", "f", FwFamily::Inet, ops).unwrap();
    let mut want: Vec<String> = vec!["b".into(), "t0".into()];
    want.extend((2..n).filter(|&i| i != 5).map(|i| format!("t{i}")));
    let at = want.iter().position(|t| t == "t7").unwrap() + 1;
    want.insert(at, "a".into());
    want.extend((0..8).map(|i| format!("n{i}")));
    want.extend(["t1".to_owned(), "c".to_owned()]);
    assert_eq!(names(&st, "f"), want);
    let f = &st.api["f"];
    let t1 = f.terms.iter().find(|t| t.name == "t1").unwrap();
    assert_eq!(t1.matches.ranges[0].1[0].lo, 7, "t1 replaced and moved");
    let t3 = f.terms.iter().find(|t| t.name == "t3").unwrap();
    assert_eq!(t3.matches.ranges[0].1[0].lo, 4, "t3 replaced in place");
    assert_eq!(st.api_terms, f.terms.len());
}

#[test]
fn other_clients_cannot_touch_a_filter_or_policer() {
    let mut st = FirewallState::new(Limits::default());
    st.filter_add("app", "f", FwFamily::Inet, vec![term("a", None, None)])
        .unwrap();
    let e = st
        .filter_delete("intruder", "f", FwFamily::Inet)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("filter 'f' belongs to client 'app', not to 'intruder'"),
        "{e}"
    );
    st.policer_add("app", policer("p")).unwrap();
    assert!(st.policer_delete("intruder", "p").is_err());
    assert!(st.policers.contains_key("p"));
}

fn policer(name: &str) -> Policer {
    Policer {
        name: name.into(),
        kind: PolicerKind::TwoColor {
            bandwidth: 1_000_000,
            burst: 15_000,
            discard: true,
            loss_priority: 0,
            forwarding_class: String::new(),
        },
        term_specific: false,
    }
}

#[test]
fn limits_answer_no_resource() {
    let mut st = FirewallState::new(Limits {
        filters: 1,
        terms_per_filter: 2,
        ..Limits::default()
    });
    let e = st
        .filter_add(
            "app",
            "big",
            FwFamily::Inet,
            vec![
                term("a", None, None),
                term("b", None, None),
                term("c", None, None),
            ],
        )
        .unwrap_err();
    assert!(matches!(e, FirewallError::NoResource(_)), "{e:?}");
    st.filter_add("app", "one", FwFamily::Inet, vec![]).unwrap();
    let e = st
        .filter_add("app", "two", FwFamily::Inet, vec![])
        .unwrap_err();
    assert!(
        matches!(&e, FirewallError::NoResource(m) if m.contains("limit of 1 filters")),
        "{e:?}"
    );
}

#[test]
fn counters_and_term_specific_policer_counters_are_named_as_the_contract_says() {
    let mut st = FirewallState::new(Limits::default());
    let mut p = policer("lim");
    p.term_specific = true;
    st.policer_add("app", p).unwrap();
    let mut t = term("web", Some("web-count"), Some(Terminating::Accept));
    t.actions.policer = Some("lim".into());
    st.filter_add("app", "f", FwFamily::Inet, vec![t]).unwrap();
    assert_eq!(
        st.counter("f", "web-count", false).unwrap(),
        Count::default()
    );
    assert_eq!(st.counter("f", "lim-web", true).unwrap(), Count::default());
    let e = st.counter("f", "lim", true).unwrap_err();
    assert!(e.to_string().contains("no policer counter 'lim'"), "{e}");
    // A policer in use cannot be deleted.
    let e = st.policer_delete("app", "lim").unwrap_err();
    assert!(e.to_string().contains("used by filter 'f'"), "{e}");
}

#[test]
fn bound_filter_cannot_be_deleted_and_family_must_match() {
    let mut st = FirewallState::new(Limits::default());
    st.filter_add("app", "f", FwFamily::Inet, vec![]).unwrap();
    let b = Binding {
        point: BindPoint::Interface("ge-0/0/0.0".into()),
        direction: Direction::Input,
        family: FwFamily::Inet6,
    };
    let e = st
        .bind_add("app", "f", FwFamily::Inet, b.clone())
        .unwrap_err();
    assert!(e.to_string().contains("bind_family inet6 differs"), "{e}");
    let b = Binding {
        family: FwFamily::Inet,
        ..b
    };
    st.bind_add("app", "f", FwFamily::Inet, b.clone()).unwrap();
    let e = st.filter_delete("app", "f", FwFamily::Inet).unwrap_err();
    assert!(e.to_string().contains("delete the binding first"), "{e}");
    st.bind_delete("app", "f", FwFamily::Inet, &b).unwrap();
    st.filter_delete("app", "f", FwFamily::Inet).unwrap();
}

#[test]
fn last_session_end_starts_the_purge_and_a_return_cancels_it() {
    let mut st = FirewallState::new(Limits::default());
    st.seen("app", 1);
    st.seen("app", 2);
    st.filter_add("app", "f", FwFamily::Inet, vec![]).unwrap();
    assert_eq!(st.session_ended("app", 1, 0), None, "a session is left");
    assert_eq!(st.session_ended("app", 2, 1000), Some(121_000));
    assert!(st.purge_due(120_999).is_empty());
    st.seen("app", 3);
    assert_eq!(st.next_purge(), None, "back before the deadline: rebound");
    st.set_purge_time("app", Some(5));
    assert_eq!(st.session_ended("app", 3, 10_000), Some(15_000));
    let purged = st.purge_due(15_000);
    assert_eq!(purged, vec![("app".to_owned(), vec!["f".to_owned()])]);
    assert!(st.api.is_empty());
}
