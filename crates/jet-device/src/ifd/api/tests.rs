//! The API state's rules without a device: merge precedence, release, purge deadlines.

use super::*;
use crate::ifd::model::{IfdConf, IflConf};

fn obj(key: IfKey) -> IfObject {
    IfObject::new(key)
}

fn unit_key(port: &str, unit: u32) -> IfKey {
    IfKey::Unit {
        port: port.into(),
        unit,
    }
}

fn configured() -> Vec<IfdConf> {
    vec![IfdConf {
        name: "ge-0/0/0".into(),
        mtu: Some(9000),
        units: vec![IflConf {
            unit: 0,
            ..IflConf::default()
        }],
        ..IfdConf::default()
    }]
}

#[test]
fn merge_keeps_configured_values_and_marks_api_objects() {
    let cfg = configured();
    let mut s = ApiState::default();
    let mut mtu = obj(IfKey::Interface {
        port: "ge-0/0/1".into(),
    });
    mtu.integers.push(("mtu".into(), 4000));
    s.apply("a", IfApiOp::Add(mtu), &cfg).expect("mtu");
    s.apply("a", IfApiOp::Add(obj(unit_key("ge-0/0/1", 7))), &cfg)
        .expect("unit");
    // The configuration later sets the same mtu: it wins in the merge.
    let mut later = cfg.clone();
    later.push(IfdConf {
        name: "ge-0/0/1".into(),
        mtu: Some(1600),
        ..IfdConf::default()
    });
    let m = merge(&later, &s);
    let ge1 = m.iter().find(|d| d.name == "ge-0/0/1").expect("ge-0/0/1");
    assert_eq!(ge1.mtu, Some(1600));
    assert_eq!(ge1.api_owner.as_deref(), Some("a"));
    assert_eq!(ge1.units[0].api_owner.as_deref(), Some("a"));
    // Without it, the API value is in force.
    let m = merge(&cfg, &s);
    let ge1 = m.iter().find(|d| d.name == "ge-0/0/1").expect("ge-0/0/1");
    assert_eq!(ge1.mtu, Some(4000));
    // The configured interface is untouched.
    assert_eq!(m[0], cfg[0]);
}

#[test]
fn a_refused_request_changes_nothing_and_deleting_the_last_object_releases_the_tree() {
    let cfg = configured();
    let mut s = ApiState::default();
    s.apply("a", IfApiOp::Add(obj(unit_key("ge-0/0/2", 0))), &cfg)
        .expect("unit");
    let before = s.clone();
    let mut bad = obj(unit_key("ge-0/0/2", 1));
    bad.integers.push(("vlan-id".into(), 5));
    let e = s
        .apply("a", IfApiOp::Add(bad), &cfg)
        .expect_err("no vlan-tagging");
    assert_eq!(e.code(), Some(IfApiCode::InterfacePortMismatch));
    assert_eq!(s, before);
    let e = s
        .apply("b", IfApiOp::Add(obj(unit_key("ge-0/0/2", 1))), &cfg)
        .expect_err("owned by a");
    assert_eq!(e.code(), Some(IfApiCode::NotOwnerOfObject));
    s.apply("a", IfApiOp::Delete(obj(unit_key("ge-0/0/2", 0))), &cfg)
        .expect("delete");
    assert!(s.trees.is_empty());
    s.apply("b", IfApiOp::Add(obj(unit_key("ge-0/0/2", 1))), &cfg)
        .expect("free now");
}

#[test]
fn the_purge_starts_with_the_last_session_and_honours_the_client_setting() {
    let cfg = configured();
    let mut s = ApiState::default();
    s.seen("a", 1);
    s.seen("a", 2);
    s.apply("a", IfApiOp::Add(obj(unit_key("ge-0/0/3", 0))), &cfg)
        .expect("unit");
    assert_eq!(s.session_ended("a", 1, 0), None, "another session is live");
    assert_eq!(s.session_ended("a", 2, 1000), Some(121_000));
    assert!(s.purge_due(120_999).is_empty());
    s.seen("a", 3);
    assert_eq!(s.next_purge(), None, "back in time: no purge");
    s.apply("a", IfApiOp::SetPurgeTime(Some(5)), &cfg)
        .expect("purge time");
    assert_eq!(
        s.apply("a", IfApiOp::GetPurgeTime, &cfg),
        Ok(IfApiReply::PurgeTime(5))
    );
    assert_eq!(s.session_ended("a", 3, 0), Some(5000));
    let purged = s.purge_due(5000);
    assert_eq!(purged, vec![("a".to_owned(), vec!["ge-0/0/3".to_owned()])]);
    assert!(s.trees.is_empty());
    // A client without objects starts no purge.
    s.seen("c", 9);
    assert_eq!(s.session_ended("c", 9, 0), None);
}

#[test]
fn contract_names_are_the_wire_names() {
    assert_eq!(IfApiCode::NotOwnerOfObject.name(), "NOT_OWNER_OF_OBJECT");
    assert_eq!(
        IfApiCode::TunnelFragmentationSrcDestTypeMismatch.name(),
        "TUNNEL_FRAGMENTATION_SRC_DEST_TYPE_MISMATCH"
    );
    assert_eq!(IfApiCode::ObjectNotFound.name(), "OBJECT_NOT_FOUND");
}
