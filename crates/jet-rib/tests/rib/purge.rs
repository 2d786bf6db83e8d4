use jet_rib::{Batch, Defaults, InitOutcome, SetOp};

use crate::{push, rib_with_client};

#[test]
fn routes_are_purged_after_the_purge_time_once_the_last_session_closes() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &[]);
    push(&mut b, "inet.0", "10.0.1.0/24", &[]);
    rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!(rib.clients.session_closed("app", 1, 10_000), Some(130_000));
    let mut changes = Vec::new();
    assert!(rib.purge_due(129_999, &mut changes).is_empty());
    assert_eq!(
        rib.purge_due(130_000, &mut changes),
        vec![("app".to_owned(), 2)]
    );
    assert_eq!(changes.len(), 2);
    assert_eq!(
        rib.table(rib.table_id("inet.0").unwrap()).unwrap().routes(),
        0
    );
    assert_eq!(rib.clients.get(c).unwrap().routes, 0);
}

#[test]
fn reinitializing_within_the_purge_time_rebinds_the_routes() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &[]);
    rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    rib.clients.session_closed("app", 1, 0);
    let (_, outcome) = rib.clients.initialize("app", 7, Defaults::default());
    assert_eq!(outcome, InitOutcome::Rebound(1));
    assert!(rib.purge_due(1_000_000, &mut Vec::new()).is_empty());
    assert_eq!(rib.clients.get(c).unwrap().routes, 1);
}

#[test]
fn cleanup_removes_only_the_callers_routes() {
    let (mut rib, a) = rib_with_client();
    let (b_client, _) = rib.clients.initialize("other", 2, Defaults::default());
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &[]);
    rib.apply(a, SetOp::Add, &mut b.clone(), 0, &mut Vec::new());
    rib.apply(b_client, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!(rib.cleanup(a, &mut Vec::new()), 1);
    let t = rib.table(rib.table_id("inet.0").unwrap()).unwrap();
    assert_eq!(t.routes(), 1);
    assert_eq!(rib.clients.get(b_client).unwrap().routes, 1);
}
