//! The interfaces, routing, policy, firewall, syslog and extensions hierarchies:
//! parsing, printing, typed views and validation.

use std::net::IpAddr;

use jet_config::{
    Config, ConfigErrorKind, FilterAction, FilterFamily, LoginClass, StaticRouteAction,
};

use crate::parse;

/// A configuration using the network hierarchies, in canonical Junos text.
pub(crate) const NET: &str = r#"system {
    login {
        class noc {
            permissions [ view clear network ];
        }
        user ops {
            class noc;
        }
    }
    syslog {
        file messages {
            any notice;
            authorization info;
        }
        file interactive-commands {
            interactive-commands any;
        }
    }
    extensions {
        providers {
            acme {
                license-type customer deployment-scope private;
            }
        }
        extension-service {
            application {
                file hello.py {
                    arguments "-v --name x";
                    daemonize;
                    respawn-on-normal-exit;
                    username ops;
                    routing-instance CUST;
                }
            }
        }
    }
    configuration-database {
        ephemeral {
            instance eph1;
        }
    }
}
interfaces {
    ge-0/0/0 {
        description uplink;
        mtu 9000;
        speed 10g;
        vlan-tagging;
        unit 0 {
            vlan-id 100;
            family inet {
                filter {
                    input PROTECT;
                }
                address 192.0.2.1/24;
            }
            family inet6 {
                address 2001:db8::1/64;
            }
            family mpls;
        }
    }
    ge-0/0/1 {
        disable;
        unit 0 {
            family inet {
                address 198.51.100.1/30;
            }
        }
    }
    lo0 {
        unit 0 {
            family inet {
                address 10.255.0.1/32;
            }
        }
    }
}
routing-options {
    router-id 10.255.0.1;
    autonomous-system 65000;
    rib inet6.0 {
        static {
            route ::/0 next-hop 2001:db8::ffff;
        }
    }
    static {
        route 0.0.0.0/0 {
            next-hop [ 192.0.2.254 192.0.2.253 ];
            preference 10;
            tag 7;
        }
        route 10.9.0.0/16 discard;
        route 10.8.0.0/16 {
            qualified-next-hop 198.51.100.2 {
                preference 20;
            }
        }
    }
}
policy-options {
    prefix-list MGMT {
        10.0.0.0/8;
        192.168.0.0/16;
    }
    policy-statement EXPORT {
        term statics {
            from {
                protocol static;
                route-filter 10.0.0.0/8 orlonger;
                route-filter 172.16.0.0/12 upto /24;
                prefix-list MGMT;
            }
            then {
                local-preference 200;
                accept;
            }
        }
    }
}
firewall {
    family inet {
        filter PROTECT {
            term ssh {
                from {
                    source-address {
                        10.0.0.0/8;
                        10.1.0.0/16 except;
                    }
                    source-prefix-list {
                        MGMT;
                    }
                    protocol tcp;
                    destination-port [ ssh 830 ];
                }
                then {
                    count ssh-hits;
                    policer LIMIT;
                    log;
                    accept;
                }
            }
            term rest {
                then discard;
            }
        }
    }
    policer LIMIT {
        if-exceeding {
            bandwidth-limit 10m;
            burst-size-limit 15k;
        }
        then discard;
    }
}
routing-instances {
    CUST {
        instance-type virtual-router;
        interface ge-0/0/1.0;
        routing-options {
            static {
                route 0.0.0.0/0 next-hop 198.51.100.2;
            }
        }
    }
}
"#;

#[test]
fn network_hierarchies_print_exactly_as_parsed() {
    let c = parse(NET);
    assert_eq!(c.to_text(), NET);
    c.validate().expect("valid");
}

#[test]
fn bare_lists_print_without_their_name_in_set_form() {
    let set = parse(NET).to_set();
    for line in [
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24\n",
        "set policy-options prefix-list MGMT 10.0.0.0/8\n",
        "set routing-instances CUST interface ge-0/0/1.0\n",
        "set system syslog file messages any notice\n",
        "set policy-options policy-statement EXPORT term statics from route-filter 10.0.0.0/8 orlonger\n",
        "set firewall family inet filter PROTECT term ssh from source-address 10.1.0.0/16 except\n",
    ] {
        assert!(set.contains(line), "missing {line}in\n{set}");
    }
    assert_eq!(Config::parse_set(&set).expect("set parses"), parse(NET));
}

#[test]
fn interfaces_view_reads_units_families_and_filters() {
    let ifds = parse(NET).interfaces();
    assert_eq!(ifds.len(), 3);
    let ge0 = &ifds[0];
    assert_eq!(ge0.name, "ge-0/0/0");
    assert_eq!(ge0.mtu, Some(9000));
    assert_eq!(ge0.speed.as_deref(), Some("10g"));
    assert_eq!(ge0.description.as_deref(), Some("uplink"));
    let u = &ge0.units[0];
    assert_eq!((u.unit, u.vlan_id, u.mpls), (0, Some(100), true));
    assert_eq!(u.inet[0].to_string(), "192.0.2.1/24");
    assert_eq!(u.inet6[0].to_string(), "2001:db8::1/64");
    assert_eq!(u.filters.inet_input.as_deref(), Some("PROTECT"));
    assert!(ifds[1].disabled);
    assert_eq!(u.name(&ge0.name), "ge-0/0/0.0");
}

#[test]
fn static_routes_view_lists_every_table() {
    let routes = parse(NET).static_routes();
    let tables: Vec<(&str, String)> = routes
        .iter()
        .map(|r| (r.table.as_str(), r.prefix.to_string()))
        .collect();
    assert_eq!(
        tables,
        [
            ("inet.0", "0.0.0.0/0".to_owned()),
            ("inet.0", "10.9.0.0/16".to_owned()),
            ("inet.0", "10.8.0.0/16".to_owned()),
            ("inet6.0", "::/0".to_owned()),
            ("CUST.inet.0", "0.0.0.0/0".to_owned()),
        ]
    );
    let default = &routes[0];
    assert_eq!(default.next_hops.len(), 2);
    assert_eq!((default.preference, default.tag), (Some(10), Some(7)));
    assert_eq!(routes[1].action, StaticRouteAction::Discard);
    assert_eq!(routes[2].qualified_next_hops[0].preference, Some(20));
    assert_eq!(routes[4].instance.as_deref(), Some("CUST"));
}

#[test]
fn firewall_syslog_class_and_app_views() {
    let c = parse(NET);
    let f = &c.firewall_filters()[0];
    assert_eq!((f.family, f.name.as_str()), (FilterFamily::Inet, "PROTECT"));
    let ssh = &f.terms[0];
    assert_eq!(ssh.action, Some(FilterAction::Accept));
    assert!(ssh.source_addresses[1].except);
    assert_eq!(ssh.destination_ports, ["ssh", "830"]);
    assert_eq!(ssh.policer.as_deref(), Some("LIMIT"));
    assert_eq!(f.terms[1].action, Some(FilterAction::Discard));
    let p = &c.policers()[0];
    assert_eq!(
        (p.bandwidth_limit, p.burst_size_limit),
        (Some(10_000_000), Some(15_000))
    );
    let logs = c.syslog_files();
    assert_eq!(logs[0].contents[1].facility, "authorization");
    assert_eq!(logs[0].contents[1].severity.as_deref(), Some("info"));
    assert_eq!(c.login_classes()[0].level, LoginClass::Operator);
    let ops = &c.users()[0];
    assert_eq!(
        (ops.class, ops.class_name.as_str()),
        (LoginClass::Operator, "noc")
    );
    assert_eq!(c.ephemeral_instances(), ["eph1"]);
    let app = &c.extension_apps()[0];
    assert_eq!(app.arguments.as_deref(), Some("-v --name x"));
    assert!(app.daemonize && app.respawn_on_normal_exit);
    assert_eq!(c.prefix_lists()[0].prefixes.len(), 2);
    assert_eq!(c.routing_instances()[0].interfaces, ["ge-0/0/1.0"]);
}

#[test]
fn choices_replace_each_other() {
    let c = Config::parse_set(
        "set firewall family inet filter F term t then accept\nset firewall family inet filter F term t then discard\nset system syslog file m any notice\nset system syslog file m any info",
    )
    .expect("parses");
    let t = c.to_text();
    assert!(t.contains("then discard;") && !t.contains("accept"), "{t}");
    assert!(t.contains("any info;") && !t.contains("notice"), "{t}");
}

fn check_err(set: &str) -> jet_config::ConfigError {
    let c = Config::parse_set(set).expect("parses");
    c.validate().expect_err("must be refused")
}

#[test]
fn references_to_filters_policers_prefix_lists_and_units_are_checked() {
    let e = check_err("set interfaces ge-0/0/0 unit 0 family inet filter input NOPE");
    assert_eq!(e.kind, ConfigErrorKind::Reference);
    assert_eq!(
        e.path,
        "[edit interfaces ge-0/0/0 unit 0 family inet filter]"
    );
    assert_eq!(e.statement, "input NOPE");
    let e = check_err("set firewall family inet filter F term t then policer P");
    assert!(e.message.contains("[edit firewall policer]"), "{e}");
    let e = check_err("set firewall family inet filter F term t from source-prefix-list PL");
    assert_eq!(e.statement, "source-prefix-list PL");
    let e = check_err("set policy-options policy-statement P term t from prefix-list PL");
    assert_eq!(e.kind, ConfigErrorKind::Reference);
    let e = check_err("set routing-instances R interface ge-0/0/5.0");
    assert_eq!(e.path, "[edit routing-instances R]");
    assert!(e.message.contains("ge-0/0/5.0"), "{e}");
}

#[test]
fn static_route_families_and_next_hops_are_checked() {
    let e = check_err("set routing-options static route 10.0.0.0/8 next-hop 2001:db8::1");
    assert_eq!(e.path, "[edit routing-options static route 10.0.0.0/8]");
    assert!(e.message.contains("not of the family"), "{e}");
    let e = check_err("set routing-options static route 2001:db8::/32 discard");
    assert!(e.message.contains("does not belong in table inet.0"), "{e}");
    let e = check_err("set routing-options static route 10.0.0.0/8 preference 5");
    assert_eq!(e.kind, ConfigErrorKind::MissingMandatory);
    let e = check_err("set routing-options rib inet6.0 static route 10.0.0.0/8 discard");
    assert_eq!(
        e.path,
        "[edit routing-options rib inet6.0 static route 10.0.0.0/8]"
    );
}

#[test]
fn values_are_range_and_type_checked_with_their_path() {
    for (bad, msg) in [
        (
            "set interfaces ge-0/0/0 mtu 100",
            "value out of range 100 for mtu (256..9216)",
        ),
        (
            "set interfaces ge-0/0/0 unit 16386",
            "value out of range 16386 for unit (0..16385)",
        ),
        (
            "set interfaces ge-0/0/0 unit 0 vlan-id 4095",
            "value out of range 4095 for vlan-id (1..4094)",
        ),
        (
            "set interfaces ge-0/0/0 unit 0 family inet address 2001:db8::1/64",
            "invalid IPv4 prefix",
        ),
        ("set interfaces bogus/1 mtu 1500", "invalid interface name"),
        (
            "set system syslog file m any loud",
            "unknown statement 'loud'",
        ),
        (
            "set system syslog file m nosuch notice",
            "invalid value 'nosuch' for contents",
        ),
        (
            "set firewall family inet filter F term t from protocol 300",
            "invalid value '300' for protocol",
        ),
        (
            "set policy-options policy-statement P term t from route-filter 10.0.0.0/8 upto 24",
            "invalid prefix length",
        ),
    ] {
        let e = Config::parse_set(bad).expect_err(bad);
        assert!(e.message.contains(msg), "{bad}: {e}");
        assert!(e.line.is_some(), "{bad}: no position");
    }
    let e = check_err("set interfaces ge-0/0/0 unit 1 vlan-id 5");
    assert_eq!(e.statement, "vlan-tagging");
    // Flexible and stacked tagging carry VLAN ids too (service-provider ae bundles).
    for mode in ["flexible-vlan-tagging", "stacked-vlan-tagging"] {
        let c = Config::parse_set(&format!(
            "set interfaces ae0 {mode}\nset interfaces ae0 unit 100 vlan-id 100"
        ))
        .expect("parses");
        c.validate().unwrap_or_else(|e| panic!("{mode}: {e}"));
        let ae0 = c.interfaces().into_iter().find(|d| d.name == "ae0");
        assert!(ae0.is_some_and(|d| d.vlan_tagging), "{mode}");
    }
    let e = check_err("set firewall policer P if-exceeding bandwidth-limit 1k\nset firewall policer P if-exceeding burst-size-limit 2k");
    assert!(e.message.contains("bandwidth-limit"), "{e}");
    let e = check_err("set firewall policer P then discard");
    assert_eq!(e.kind, ConfigErrorKind::MissingMandatory);
}

#[test]
fn custom_login_classes_resolve_and_cannot_shadow_built_ins() {
    let c = Config::parse_set(
        "set system login class admins permissions all\nset system login user a class admins",
    )
    .expect("parses");
    assert_eq!(c.users()[0].class, LoginClass::SuperUser);
    assert_eq!(c.class_level("read-only"), Some(LoginClass::ReadOnly));
    let e = check_err("set system login class operator permissions view");
    assert_eq!(e.kind, ConfigErrorKind::Conflict);
    assert_eq!(
        LoginClass::from_permissions(&["view"]),
        LoginClass::ReadOnly
    );
    let _: IpAddr = "10.0.0.1".parse().expect("ip");
}

#[test]
fn an_interface_range_configures_its_members_and_their_own_statements_win() {
    let text = "interfaces {\n    interface-range CORE {\n        member ge-0/0/4;\n        member-range ge-0/0/1 to ge-0/0/2;\n        description core;\n        mtu 9000;\n        unit 0 {\n            family inet;\n        }\n    }\n    ge-0/0/2 {\n        mtu 1600;\n    }\n}\n";
    let c = Config::parse_text(text).expect("parses");
    c.validate().expect("valid");
    // Shown as written.
    assert_eq!(c.to_text(), text);
    let ifds = c.interfaces();
    let get = |n: &str| {
        ifds.iter()
            .find(|d| d.name == n)
            .unwrap_or_else(|| panic!("{n} missing: {ifds:?}"))
    };
    for n in ["ge-0/0/1", "ge-0/0/4"] {
        assert_eq!(get(n).mtu, Some(9000), "{n}");
    }
    assert_eq!(
        get("ge-0/0/2").mtu,
        Some(1600),
        "the interface's own mtu wins"
    );
    for n in ["ge-0/0/1", "ge-0/0/2", "ge-0/0/4"] {
        assert_eq!(get(n).description.as_deref(), Some("core"), "{n}");
        assert!(
            get(n).units.iter().any(|u| u.unit == 0 && u.family_inet),
            "{n}"
        );
    }
    assert!(ifds.iter().all(|d| d.name != "ge-0/0/3"), "not a member");
    // `member ge-0/0/[5-6]` (set form: the brackets are part of the name).
    let c = Config::parse_set(
        "set interfaces interface-range RR member \"ge-0/0/[5-6]\"\nset interfaces interface-range RR disable",
    )
    .expect("parses");
    let names: Vec<String> = c
        .interfaces()
        .into_iter()
        .filter(|d| d.disabled)
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["ge-0/0/5", "ge-0/0/6"]);
}

#[test]
fn a_bracketed_member_is_quoted_in_text_and_reads_back() {
    let c = Config::parse_set("set interfaces interface-range RR member \"ge-0/0/[5-6]\"")
        .expect("parses");
    let text = c.to_text();
    assert!(text.contains("member \"ge-0/0/[5-6]\";"), "{text}");
    assert_eq!(Config::parse_text(&text).expect("text"), c);
}
