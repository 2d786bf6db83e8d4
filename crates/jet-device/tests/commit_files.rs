//! The durable side of commits on a running device: the new configuration's file is
//! written while the commit is checked, and only a commit that passes every check
//! replaces `juniper.conf`; a refused one leaves the files exactly as they were.

use jet_config::{LoadMode, LoginClass};
use jet_device::{Device, DeviceOptions, LoadRequest, Payload, Who};

fn load(text: &str) -> LoadRequest {
    LoadRequest {
        payload: Payload::Text(text.into()),
        mode: LoadMode::Merge,
        who: Who::new("admin", LoginClass::SuperUser, "grpc"),
        comment: None,
    }
}

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir.join("config"))
        .expect("config dir")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_refused_commit_leaves_no_staged_file_and_changes_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (dev, _) = Device::start(DeviceOptions {
        data_dir: dir.path().to_path_buf(),
        initial_config: Some("system { host-name r1; }".into()),
    })
    .await
    .expect("device");
    dev.load_and_commit(load(
        "routing-options { static { route 10.0.0.0/8 next-hop 192.0.2.1; } }",
    ))
    .await
    .expect("commits");
    let before = files(dir.path());
    assert!(
        before.iter().any(|(n, _)| n == "juniper.conf.1"),
        "{before:?}"
    );
    assert!(String::from_utf8_lossy(&before[0].1).contains("route 10.0.0.0/8"));

    // Parses, but refers to a filter that does not exist: refused by validation,
    // after the device started writing the file.
    let e = dev
        .load_and_commit(load(
            "interfaces { ge-0/0/0 { unit 0 { family inet { filter { input nosuch; } } } } }",
        ))
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("nosuch"), "{e}");
    assert_eq!(
        files(dir.path()),
        before,
        "files changed by a refused commit"
    );
    assert!(!dev.committed().config.to_text().contains("nosuch"));

    // The next good commit goes through and rotates as usual.
    dev.load_and_commit(load("system { host-name r2; }"))
        .await
        .expect("commits");
    let after = files(dir.path());
    assert!(!after.iter().any(|(n, _)| n.ends_with(".tmp")), "{after:?}");
    assert_eq!(after.len(), before.len() + 1);
    assert!(String::from_utf8_lossy(&after[0].1).contains("host-name r2"));
    assert_eq!(dev.committed().config.host_name(), Some("r2"));
}
