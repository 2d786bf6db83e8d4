//! Cross-checks of the login, interface, routing and firewall hierarchies (run by
//! `validate` on the effective configuration, after the generic checks).

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::error::{ConfigError, ConfigErrorKind};
use crate::schema::LOGIN_CLASSES;
use crate::value::quote;
use crate::views::{leaf, list_entries};
use crate::views_net::{bandwidth, VLAN_TAGGING_MODES};

/// A user's class is built in or defined under `system login class`, and no defined
/// class takes a built-in name.
pub(crate) fn user_classes_exist(cfg: &Config, errs: &mut Vec<ConfigError>) {
    let classes = list_entries(cfg, &["system", "login", "class"]);
    for c in classes {
        if LOGIN_CLASSES.contains(&c.key.as_str()) {
            errs.push(ConfigError::new(
                ConfigErrorKind::Conflict,
                "[edit system login]",
                format!("class {}", quote(&c.key)),
                format!("'{}' is a predefined class and cannot be redefined", c.key),
            ));
        }
    }
    for u in list_entries(cfg, &["system", "login", "user"]) {
        let Some(class) = leaf(&u.children, "class") else {
            continue;
        };
        if !LOGIN_CLASSES.contains(&class) && !classes.iter().any(|c| c.key == class) {
            errs.push(ConfigError::new(
                ConfigErrorKind::Reference,
                format!("[edit system login user {}]", quote(&u.key)),
                format!("class {}", quote(class)),
                format!(
                    "login class '{class}' is not defined: use {} or a class under [edit system login class]",
                    LOGIN_CLASSES.join(", ")
                ),
            ));
        }
    }
}

/// A routing instance's interfaces are configured units, each in one instance only.
pub(crate) fn instance_interfaces_exist(cfg: &Config, errs: &mut Vec<ConfigError>) {
    let instances = list_entries(cfg, &["routing-instances", "instance"]);
    if instances.is_empty() {
        return;
    }
    let units: HashSet<String> = cfg
        .interfaces()
        .iter()
        .flat_map(|d| d.units.iter().map(|u| u.name(&d.name)).collect::<Vec<_>>())
        .collect();
    let mut owner: HashMap<String, &str> = HashMap::new();
    for ri in instances {
        let path = format!("[edit routing-instances {}]", quote(&ri.key));
        for ifl in crate::views_net::list_keys(&ri.children, "interface") {
            if !units.contains(ifl) {
                errs.push(ConfigError::new(
                    ConfigErrorKind::Reference,
                    path.clone(),
                    format!("interface {ifl}"),
                    format!("interface '{ifl}' is not configured (no such unit under [edit interfaces])"),
                ));
            }
            if let Some(first) = owner.insert(ifl.to_owned(), &ri.key) {
                errs.push(ConfigError::new(
                    ConfigErrorKind::Conflict,
                    path.clone(),
                    format!("interface {ifl}"),
                    format!("interface '{ifl}' is already in routing instance '{first}'"),
                ));
            }
        }
    }
}

/// Static routes: IPv4 in `inet.0`, IPv6 in `inet6.0`, next hops of the route's family,
/// and something to do with the packets (next hop, discard or reject). Walks the tree
/// directly (values are canonical: an IPv6 address is one with a `:`).
pub(crate) fn static_routes_match_their_table(cfg: &Config, errs: &mut Vec<ConfigError>) {
    use crate::tree::child;
    let mut places: Vec<(String, &[crate::tree::Node])> = Vec::new();
    if let Some(ro) = cfg.node_at(&["routing-options"]) {
        places.push(("[edit routing-options".to_owned(), ro.children()));
    }
    for ri in list_entries(cfg, &["routing-instances", "instance"]) {
        if let Some(ro) = child(&ri.children, "routing-options") {
            places.push((
                format!("[edit routing-instances {} routing-options", quote(&ri.key)),
                ro.children(),
            ));
        }
    }
    for (at, ro) in places {
        let mut tables: Vec<(String, Option<&str>, &[crate::tree::Node])> = Vec::new();
        if let Some(st) = child(ro, "static") {
            tables.push((at.clone(), Some("inet.0"), st.children()));
        }
        for rib in crate::views_net::entries_of(ro, "rib") {
            let fam = if rib.key.ends_with("inet6.0") {
                Some("inet6.0")
            } else if rib.key.ends_with("inet.0") {
                Some("inet.0")
            } else {
                None
            };
            let path = format!("{at} rib {}", quote(&rib.key));
            if fam.is_none() {
                errs.push(ConfigError::new(
                    ConfigErrorKind::InvalidValue,
                    format!("{at}]"),
                    format!("rib {}", quote(&rib.key)),
                    format!(
                        "unsupported routing table '{}' (expected inet.0 or inet6.0)",
                        rib.key
                    ),
                ));
            }
            if let Some(st) = child(&rib.children, "static") {
                tables.push((path, fam, st.children()));
            }
        }
        for (path, fam, st) in tables {
            let Some(fam) = fam else { continue };
            let v6_table = fam == "inet6.0";
            for r in crate::views_net::entries_of(st, "route") {
                let v6 = r.key.contains(':');
                let c = &r.children;
                let hops = crate::views_net::list_keys(c, "next-hop");
                let qualified = crate::views_net::list_keys(c, "qualified-next-hop");
                let ok = v6 == v6_table
                    && hops.iter().chain(&qualified).all(|h| h.contains(':') == v6)
                    && (!hops.is_empty()
                        || !qualified.is_empty()
                        || child(c, "discard").is_some()
                        || child(c, "reject").is_some());
                if ok {
                    continue;
                }
                let here = format!("{path} static route {}]", r.key);
                if v6 != v6_table {
                    errs.push(ConfigError::new(
                        ConfigErrorKind::InvalidValue,
                        here.clone(),
                        format!("route {}", r.key),
                        format!(
                            "{} route {} does not belong in table {fam}",
                            if v6 { "IPv6" } else { "IPv4" },
                            r.key
                        ),
                    ));
                }
                for nh in hops
                    .iter()
                    .chain(&qualified)
                    .filter(|h| h.contains(':') != v6)
                {
                    errs.push(ConfigError::new(
                        ConfigErrorKind::InvalidValue,
                        here.clone(),
                        format!("next-hop {nh}"),
                        format!("next-hop {nh} is not of the family of route {}", r.key),
                    ));
                }
                if hops.is_empty()
                    && qualified.is_empty()
                    && child(c, "discard").is_none()
                    && child(c, "reject").is_none()
                {
                    errs.push(ConfigError::new(
                        ConfigErrorKind::MissingMandatory,
                        here,
                        "next-hop",
                        "missing mandatory statement: 'next-hop' (or discard, reject, qualified-next-hop)",
                    ));
                }
            }
        }
    }
}

/// Policer limits: bandwidth 8 kbps..100 Gbps, burst 1,500 bytes..100 GB.
pub(crate) fn policer_limits_in_range(cfg: &Config, errs: &mut Vec<ConfigError>) {
    for p in list_entries(cfg, &["firewall", "policer"]) {
        let ie = crate::views_net::sub_of(&p.children, "if-exceeding");
        let path = format!("[edit firewall policer {} if-exceeding]", quote(&p.key));
        for (name, min) in [("bandwidth-limit", 8_000u64), ("burst-size-limit", 1_500)] {
            let Some(raw) = leaf(ie, name) else { continue };
            let ok = bandwidth(raw).is_some_and(|v| (min..=100_000_000_000).contains(&v));
            if !ok {
                errs.push(ConfigError::new(
                    ConfigErrorKind::InvalidValue,
                    path.clone(),
                    format!("{name} {raw}"),
                    format!("value out of range {raw} for {name} ({min}..100g)"),
                ));
            }
        }
    }
}

/// `vlan-id` on a unit needs one of [`VLAN_TAGGING_MODES`] on its interface.
pub(crate) fn vlan_id_needs_vlan_tagging(cfg: &Config, errs: &mut Vec<ConfigError>) {
    use crate::tree::{child, Value};
    for d in list_entries(cfg, &["interfaces", "interface"]) {
        if VLAN_TAGGING_MODES
            .iter()
            .any(|m| child(&d.children, m).is_some())
        {
            continue;
        }
        let Some(Value::List(units)) = child(&d.children, "unit").map(|n| &n.value) else {
            continue;
        };
        for u in units {
            if let Some(vlan) = leaf(&u.children, "vlan-id") {
                errs.push(ConfigError::new(
                    ConfigErrorKind::MissingMandatory,
                    format!("[edit interfaces {}]", d.key),
                    "vlan-tagging",
                    format!(
                        "missing mandatory statement: 'vlan-tagging' (unit {} has vlan-id {vlan}; \
                         flexible-vlan-tagging or stacked-vlan-tagging also allow it)",
                        u.key
                    ),
                ));
            }
        }
    }
}
