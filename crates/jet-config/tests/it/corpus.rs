//! A corpus of Junos configurations per hierarchy (`tests/corpus/*.conf`, written as
//! operators write them): each parses, prints back exactly as written, reads back the
//! same from set, XML and JSON, and compares against nothing as all additions.

use jet_config::Config;

fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
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

#[test]
fn corpus_configurations_parse_print_exactly_and_round_trip_in_all_formats() {
    let files = corpus();
    assert!(files.len() >= 7, "corpus has {} files", files.len());
    for (name, text) in files {
        let cfg = Config::parse_text(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cfg.to_text(), text, "{name} does not print as written");
        let set = Config::parse_set(&cfg.to_set()).unwrap_or_else(|e| panic!("{name} set: {e}"));
        assert_eq!(set.to_text(), text, "{name} via set");
        let xml =
            Config::parse_xml(&cfg.to_xml_document()).unwrap_or_else(|e| panic!("{name} xml: {e}"));
        assert_eq!(xml.to_text(), text, "{name} via XML");
        let json =
            Config::parse_json(&cfg.to_json()).unwrap_or_else(|e| panic!("{name} json: {e}"));
        assert_eq!(json.to_text(), text, "{name} via JSON");
        let diff = Config::default().compare(&cfg);
        assert!(
            diff.lines().all(|l| !l.starts_with('-')),
            "{name}: compare against empty removes something:\n{diff}"
        );
        assert!(diff.contains('+'), "{name}: compare shows no additions");
    }
}

#[test]
fn group_wildcards_apply_to_matching_entries_only_and_are_refused_outside_groups() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/groups.conf"
    ))
    .expect("groups corpus");
    let cfg = Config::parse_text(&format!(
        "{text}interfaces {{ ge-0/0/0 {{ unit 0; }} xe-0/0/0 {{ mtu 1500; }} }}"
    ))
    .expect("parses");
    let eff = cfg.effective().to_text();
    assert!(
        eff.contains("ge-0/0/0 {\n        mtu 9192;\n        unit 0 {\n            family inet {\n                mtu 1500;"),
        "{eff}"
    );
    assert!(
        eff.contains("xe-0/0/0 {\n        mtu 1500;\n    }"),
        "{eff}"
    );
    assert!(!eff.contains("<ge-*>"), "{eff}");
    assert!(cfg.validate().is_ok(), "{:?}", cfg.validation_errors());
    // With no interfaces of its own, the wildcard group adds none.
    let alone = Config::parse_text(&text).expect("parses");
    assert!(!alone.effective().to_text().contains("<ge-*>"));
    assert!(alone.validate().is_ok(), "{:?}", alone.validation_errors());
    let bad = Config::parse_text("interfaces { <ge-*> { mtu 1500; } }").expect("parses");
    let errs = bad.validation_errors();
    assert!(
        errs.iter()
            .any(|e| e.message.contains("only allowed in configuration groups")),
        "{errs:?}"
    );
}
