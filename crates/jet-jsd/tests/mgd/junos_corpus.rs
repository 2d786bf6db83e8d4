//! The Junos configuration corpus of jet-config (`crates/jet-config/tests/corpus`), one
//! hierarchy per file, loaded through `ConfigSet`, committed, shown and compared as a
//! JET app would push it; plus a Junos command this device does not implement.

use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

use crate::{set_text, show};

fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../jet-config/tests/corpus");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "conf"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("read");
            (e.file_name().to_string_lossy().into_owned(), text)
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn junos_corpus_loads_commits_shows_and_compares_through_config_set() {
    let dev = TestDevice::start().await;
    let c = dev.admin("corpus").await;
    for (name, text) in corpus() {
        let (ok, m) = set_text(&c, &text, ConfigLoadType::ConfigLoadMerge).await;
        assert!(ok, "{name}: {m}");
        let committed = dev.device().committed().config.to_text();
        // The first top-level statement of the file, as committed.
        let top = text.lines().next().expect("non-empty corpus file");
        assert!(committed.contains(top), "{name}: {top} not committed");
        let shown = show(
            &c,
            &format!("show configuration {}", top.trim_end_matches(" {")),
        )
        .await;
        assert!(!shown.trim().is_empty(), "{name}: nothing shown");
        let compare = show(&c, "show system rollback 0 compare 1").await;
        assert!(
            compare.contains('+'),
            "{name}: compare shows no change:\n{compare}"
        );
    }
}

#[tokio::test]
async fn junos_commands_this_device_lacks_are_not_supported() {
    let dev = TestDevice::start().await;
    let c = dev.admin("ops").await;
    let e = c
        .op_command("show isis adjacency", OutputFormat::Text)
        .await
        .expect_err("not implemented here");
    assert!(
        e.to_string()
            .contains("'show isis adjacency' is not supported on this device"),
        "{e}"
    );
    let out = show(&c, "show version | display xml rpc").await;
    assert!(out.contains("<get-software-information>"), "{out}");
}
