//! `junos:must` expressions of the facts beyond references, and `unique`, checked at
//! commit on real statements, with Junos-style messages naming the statement.

use jet_config::{Config, ConfigErrorKind};

fn errors(lines: &str) -> Vec<jet_config::ConfigError> {
    match Config::parse_set(lines) {
        Ok(c) => c.validation_errors(),
        Err(e) => panic!("{lines}: {e}"),
    }
}

#[test]
fn negated_paths_refuse_statements_configured_together() {
    // `prefix-limit hide-excess` has (!(".. drop-excess")).
    let base = "set protocols bgp group g family inet unicast prefix-limit maximum 10\n";
    let errs = errors(&format!(
        "{base}set protocols bgp group g family inet unicast prefix-limit hide-excess\n\
         set protocols bgp group g family inet unicast prefix-limit drop-excess"
    ));
    let e = errs
        .iter()
        .find(|e| e.kind == ConfigErrorKind::Conflict && e.statement == "hide-excess")
        .unwrap_or_else(|| panic!("no conflict in {errs:?}"));
    let shown = e.to_string();
    assert!(
        shown.contains("[edit protocols bgp group g family inet unicast prefix-limit]"),
        "{shown}"
    );
    assert!(
        shown.contains("cannot be configured with 'drop-excess'"),
        "{shown}"
    );
    let ok = errors(&format!(
        "{base}set protocols bgp group g family inet unicast prefix-limit hide-excess"
    ));
    assert!(ok.is_empty(), "{ok:?}");
}

#[test]
fn positive_paths_require_their_statement() {
    // `protocols mpls label-switched-path NAME associate-lsp` has
    // ((".. oam mpls-tp-mode" || ".. .. oam mpls-tp-mode")).
    let errs = errors("set protocols mpls label-switched-path l1 associate-lsp l2");
    assert!(
        errs.iter().any(|e| e.to_string().contains("associate-lsp")
            && e.to_string().contains("oam mpls-tp-mode")),
        "{errs:?}"
    );
    let ok = errors(
        "set protocols mpls label-switched-path l1 associate-lsp l2\n\
         set protocols mpls label-switched-path l1 oam mpls-tp-mode",
    );
    assert!(
        !ok.iter().any(|e| e.to_string().contains("associate-lsp")),
        "{ok:?}"
    );
}

#[test]
fn unique_values_are_enforced() {
    // `protocols pcep pce NAME delegation-priority` has
    // (unique ".. .. pce <*> delegation-priority $$").
    let errs = errors(
        "set protocols pcep pce a delegation-priority 5\n\
         set protocols pcep pce b delegation-priority 5",
    );
    let hits: Vec<String> = errs
        .iter()
        .map(ToString::to_string)
        .filter(|e| e.contains("must be unique"))
        .collect();
    assert_eq!(hits.len(), 2, "{errs:?}");
    assert!(hits[0].contains("'delegation-priority 5'"), "{}", hits[0]);
    assert!(
        hits[0].contains("[edit protocols pcep pce a]"),
        "{}",
        hits[0]
    );
    let ok = errors(
        "set protocols pcep pce a delegation-priority 5\n\
         set protocols pcep pce b delegation-priority 6",
    );
    assert!(
        !ok.iter().any(|e| e.to_string().contains("unique")),
        "{ok:?}"
    );
}

#[test]
fn compound_expressions_are_evaluated() {
    // `interfaces NAME ppp-options` has
    // ((".. encapsulation ppp" || (".. encapsulation ether-vpls-ppp" || !(".. encapsulation")))).
    let errs = errors(
        "set interfaces ge-0/0/1 encapsulation ethernet-ccc\n\
         set interfaces ge-0/0/1 ppp-options chap",
    );
    assert!(
        errs.iter().any(|e| e.to_string().contains("'ppp-options'")),
        "{errs:?}"
    );
    for ok in [
        "set interfaces ge-0/0/1 encapsulation ppp\nset interfaces ge-0/0/1 ppp-options chap",
        "set interfaces ge-0/0/1 ppp-options chap",
    ] {
        let errs = errors(ok);
        assert!(
            !errs.iter().any(|e| e.to_string().contains("ppp-options")),
            "{ok}: {errs:?}"
        );
    }
}

#[test]
fn commit_refuses_and_changes_nothing() {
    let cfg = Config::parse_set(
        "set protocols pcep pce a delegation-priority 5\nset protocols pcep pce b delegation-priority 5",
    )
    .expect("parses");
    let err = cfg.validate().expect_err("refused");
    assert!(err.to_string().contains("must be unique"), "{err}");
}
