//! Configuration groups and inheritance.

use jet_config::{Config, ConfigErrorKind, LoginClass};

use crate::parse;

const GROUPED: &str = "groups {
    common {
        system {
            host-name from-group;
            login {
                user ops {
                    class operator;
                }
            }
        }
        interfaces {
            ge-0/0/0 {
                mtu 9000;
            }
        }
    }
    jumbo {
        interfaces {
            ge-0/0/1 {
                description jumbo;
                mtu 9192;
            }
        }
    }
}
apply-groups common;
system {
    login {
        user admin {
            class super-user;
        }
    }
}
interfaces {
    ge-0/0/0 {
        mtu 1500;
        unit 0;
    }
    ge-0/0/1 {
        apply-groups jumbo;
        description own;
    }
}
";

#[test]
fn groups_print_braced_and_round_trip() {
    let c = parse(GROUPED);
    assert_eq!(c.to_text(), GROUPED);
    assert!(c
        .to_set()
        .contains("set groups common system host-name from-group\n"));
    assert_eq!(Config::parse_set(&c.to_set()).expect("set"), c);
    assert_eq!(Config::parse_xml(&c.to_xml_document()).expect("xml"), c);
}

#[test]
fn apply_groups_inherits_what_is_not_configured() {
    let c = parse(GROUPED);
    let e = c.with_groups_applied();
    assert_eq!(
        e.to_text(),
        "system {
    host-name from-group;
    login {
        user admin {
            class super-user;
        }
        user ops {
            class operator;
        }
    }
}
interfaces {
    ge-0/0/0 {
        mtu 1500;
        unit 0;
    }
    ge-0/0/1 {
        description own;
        mtu 9192;
    }
}
"
    );
    assert_eq!(c.host_name(), Some("from-group"));
    let users: Vec<(String, LoginClass)> =
        c.users().into_iter().map(|u| (u.name, u.class)).collect();
    assert_eq!(users[1], ("ops".to_owned(), LoginClass::Operator));
    assert_eq!(c.interfaces()[1].mtu, Some(9192));
    c.validate().expect("valid once expanded");
}

#[test]
fn inactive_groups_and_undefined_groups() {
    let c = parse(&GROUPED.replace("    common {", "    inactive: common {"));
    assert_eq!(c.host_name(), None);
    let e = Config::parse_set("set interfaces ge-0/0/0 apply-groups nope")
        .expect("parses")
        .validate()
        .expect_err("undefined group");
    assert_eq!(e.kind, ConfigErrorKind::Reference);
    assert_eq!(e.path, "[edit interfaces ge-0/0/0]");
    assert_eq!(e.statement, "apply-groups nope");
}

#[test]
fn group_content_is_validated_where_it_lands() {
    let c = Config::parse_set("set groups g system login user x uid 2000\nset apply-groups g")
        .expect("parses");
    let e = c.validate().expect_err("class missing after inheritance");
    assert_eq!(e.path, "[edit system login user x]");
    let lonely = Config::parse_set("set groups g system login user x uid 2000").expect("parses");
    lonely.validate().expect("a group alone is not validated");
}

/// A group naming an interface the configuration does not have, with a wildcard below it
/// (real `show configuration` output of a vMX): the wildcard matches nothing, so the
/// interface is not created, and the configuration is valid. Where the interface exists,
/// the wildcard applies to its units.
#[test]
fn a_wildcard_below_an_entry_only_a_group_names_creates_nothing() {
    let text = "groups {
    G {
        interfaces {
            ge-0/0/2 {
                unit <*> {
                    family iso;
                }
            }
            ge-0/0/3 {
                description from-group;
                unit <*> {
                    family iso;
                }
            }
        }
    }
}
apply-groups G;
interfaces {
    ge-0/0/1 {
        unit 0 {
            family inet {
                address 192.0.2.1/24;
            }
        }
    }
}
";
    let c = parse(text);
    c.validate().expect("the wildcard matches nothing; valid");
    let eff = c.with_groups_applied();
    let shown = eff.to_text();
    assert!(!shown.contains("ge-0/0/2"), "{shown}");
    assert!(!shown.contains("<*>"), "{shown}");
    // An entry with something literal is inherited, without the wildcard.
    assert!(
        shown.contains("ge-0/0/3 {\n        description from-group;\n    }"),
        "{shown}"
    );
    // With ge-0/0/2 configured, its unit takes the group's family.
    let with = parse(&text.replace(
        "interfaces {\n    ge-0/0/1 {",
        "interfaces {\n    ge-0/0/2 {\n        unit 0;\n    }\n    ge-0/0/1 {",
    ));
    with.validate().expect("valid");
    let shown = with.with_groups_applied().to_text();
    assert!(
        shown.contains("ge-0/0/2 {\n        unit 0 {\n            family iso;"),
        "{shown}"
    );
}
