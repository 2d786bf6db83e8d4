//! Cross-checks of the login, interface, routing and firewall hierarchies (run by
//! `validate` on the effective configuration, after the generic checks).

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::error::{ConfigError, ConfigErrorKind};
use crate::schema::LOGIN_CLASSES;
use crate::value::quote;
use crate::views::{leaf, list_entries};
use crate::views_net::bandwidth;

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
/// and something to do with the packets (next hop, discard or reject).
pub(crate) fn static_routes_match_their_table(cfg: &Config, errs: &mut Vec<ConfigError>) {
    for r in cfg.static_routes() {
        let mut path = String::from("[edit");
        if let Some(i) = &r.instance {
            path.push_str(&format!(" routing-instances {} routing-options", quote(i)));
        } else {
            path.push_str(" routing-options");
        }
        let v6_table = r.table.ends_with("inet6.0");
        if !v6_table && !r.table.ends_with("inet.0") {
            errs.push(ConfigError::new(
                ConfigErrorKind::InvalidValue,
                format!("{path}]"),
                format!("rib {}", quote(&r.table)),
                format!("unsupported routing table '{}' (expected inet.0 or inet6.0)", r.table),
            ));
            continue;
        }
        if v6_table {
            path.push_str(&format!(" rib {}", quote(&r.table)));
        }
        path.push_str(&format!(" static route {}]", r.prefix));
        let stmt = format!("route {}", r.prefix);
        if r.prefix.addr.is_ipv6() != v6_table {
            errs.push(ConfigError::new(
                ConfigErrorKind::InvalidValue,
                path.clone(),
                stmt.clone(),
                format!(
                    "{} route {} does not belong in table {}",
                    if r.prefix.addr.is_ipv6() { "IPv6" } else { "IPv4" },
                    r.prefix,
                    r.table
                ),
            ));
        }
        let hops = r
            .next_hops
            .iter()
            .chain(r.qualified_next_hops.iter().map(|q| &q.address));
        for nh in hops {
            if nh.is_ipv6() != r.prefix.addr.is_ipv6() {
                errs.push(ConfigError::new(
                    ConfigErrorKind::InvalidValue,
                    path.clone(),
                    format!("next-hop {nh}"),
                    format!("next-hop {nh} is not of the family of route {}", r.prefix),
                ));
            }
        }
        if r.action == crate::StaticRouteAction::Forward
            && r.next_hops.is_empty()
            && r.qualified_next_hops.is_empty()
        {
            errs.push(ConfigError::new(
                ConfigErrorKind::MissingMandatory,
                path,
                "next-hop",
                "missing mandatory statement: 'next-hop' (or discard, reject, qualified-next-hop)",
            ));
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

/// `vlan-id` on a unit needs `vlan-tagging` on its interface.
pub(crate) fn vlan_id_needs_vlan_tagging(cfg: &Config, errs: &mut Vec<ConfigError>) {
    for d in cfg.interfaces() {
        if d.vlan_tagging {
            continue;
        }
        for u in d.units.iter().filter(|u| u.vlan_id.is_some()) {
            errs.push(ConfigError::new(
                ConfigErrorKind::MissingMandatory,
                format!("[edit interfaces {}]", d.name),
                "vlan-tagging",
                format!(
                    "missing mandatory statement: 'vlan-tagging' (unit {} has vlan-id {})",
                    u.unit,
                    u.vlan_id.unwrap_or_default()
                ),
            ));
        }
    }
}
