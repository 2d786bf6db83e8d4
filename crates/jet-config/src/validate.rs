//! Commit-time checks: mandatory statements and references (generic, from the schema),
//! then cross-checks that need several statements (a list of functions below and in
//! `checks.rs`). They run on the effective configuration (groups applied, inactive
//! statements ignored, as on Junos); `apply-groups` names are checked on the
//! configuration as written.
//!
//! Value syntax and ranges are checked earlier, when values enter the tree.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use crate::config::Config;
use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::must;
use crate::schema::{self, SchemaNode};
use crate::tree::{self, Node, Value};
use crate::value::{is_wildcard, quote};
use crate::views::ListenerCfg;

/// A check across statements; pushes one error per problem.
type CrossCheck = fn(&Config, &mut Vec<ConfigError>);

/// Cross-checks, run after the generic ones. Add new ones here.
const CROSS_CHECKS: &[CrossCheck] = &[
    listeners_do_not_collide,
    verify_needs_ca,
    uids_are_unique,
    crate::checks::user_classes_exist,
    crate::checks::instance_interfaces_exist,
    crate::checks::static_routes_match_their_table,
    crate::checks::policer_limits_in_range,
    crate::checks::vlan_id_needs_vlan_tagging,
];

/// The keys of referenced lists, built once per validation (references into long lists
/// would otherwise cost a scan each).
#[derive(Default)]
struct RefIndex<'a> {
    lists: HashMap<&'static [&'static str], HashSet<&'a str>>,
}

impl<'a> RefIndex<'a> {
    fn contains(&mut self, cfg: &'a Config, target: &'static [&'static str], key: &str) -> bool {
        self.lists
            .entry(target)
            .or_insert_with(|| match cfg.node_at(target).map(|n| &n.value) {
                Some(Value::List(entries)) => entries.iter().map(|e| e.key.as_str()).collect(),
                _ => HashSet::new(),
            })
            .contains(key)
    }
}

impl Config {
    /// Checks the configuration as `commit` would; the first problem found, if any.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.validation_errors().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every problem `validate` would report, in configuration order.
    pub fn validation_errors(&self) -> Vec<ConfigError> {
        let mut errs = Vec::new();
        let mut groups = RefIndex::default();
        apply_groups_exist(
            self,
            &self.children,
            &mut Vec::new(),
            &mut groups,
            &mut errs,
        );
        // Group contents are checked where they land, not in the groups themselves.
        let cfg = self.effective();
        let mut refs = RefIndex::default();
        walk(
            &cfg,
            &cfg.children,
            schema::root(),
            &mut Vec::new(),
            &mut Vec::new(),
            &mut refs,
            &mut errs,
        );
        for check in CROSS_CHECKS {
            check(&cfg, &mut errs);
        }
        errs
    }
}

/// Every `apply-groups` (outside and inside groups) names a configured group.
/// Where the walk is: statements and list keys, formatted only for errors.
type Stack<'n> = Vec<(&'static SchemaNode, Option<&'n str>)>;

fn path_of(stack: &Stack<'_>) -> String {
    let words: Vec<String> = stack
        .iter()
        .map(|(sn, key)| match key {
            Some(k) => tree::entry_words(sn, k),
            None => sn.name.to_owned(),
        })
        .collect();
    edit_path(&words)
}

fn apply_groups_exist<'a, 'n>(
    cfg: &'a Config,
    children: &'n [Node],
    words: &mut Stack<'n>,
    refs: &mut RefIndex<'a>,
    errs: &mut Vec<ConfigError>,
) {
    for n in children {
        match &n.value {
            Value::LeafList(vs) if n.schema.name == "apply-groups" => {
                for v in vs {
                    if !refs.contains(cfg, schema::GROUPS, v) {
                        errs.push(ConfigError::new(
                            ConfigErrorKind::Reference,
                            path_of(words),
                            format!("apply-groups {}", quote(v)),
                            format!("group '{v}' is not defined under [edit groups]"),
                        ));
                    }
                }
            }
            Value::Container(c) => {
                words.push((n.schema, None));
                apply_groups_exist(cfg, c, words, refs, errs);
                words.pop();
            }
            Value::List(entries) => {
                for e in entries {
                    words.push((n.schema, Some(&e.key)));
                    apply_groups_exist(cfg, &e.children, words, refs, errs);
                    words.pop();
                }
            }
            _ => {}
        }
    }
}

/// The levels from the top to the one being checked, for `junos:must` paths.
type Levels<'n> = Vec<(&'static [SchemaNode], &'n [Node])>;

fn walk<'a, 'n>(
    cfg: &'a Config,
    children: &'n [Node],
    level: &'static [SchemaNode],
    words: &mut Stack<'n>,
    levels: &mut Levels<'n>,
    refs: &mut RefIndex<'a>,
    errs: &mut Vec<ConfigError>,
) {
    levels.push((level, children));
    walk_level(cfg, children, level, words, levels, refs, errs);
    levels.pop();
}

/// Checks the `junos:must` expressions of `n` that are not plain references
/// (`must.rs`), once per value (`$$`) of a leaf, leaf-list or list.
fn musts_hold(n: &Node, levels: &Levels<'_>, words: &Stack<'_>, errs: &mut Vec<ConfigError>) {
    for m in n.schema.must {
        if schema::must_reference(m).is_some() {
            continue;
        }
        let Some(expr) = must::parse(m) else {
            continue;
        };
        let values: Vec<Option<&str>> = match &n.value {
            Value::Leaf(v) => vec![Some(v.as_str())],
            Value::LeafList(vs) => vs.iter().map(|v| Some(v.as_str())).collect(),
            Value::List(es) => es.iter().map(|e| Some(e.key.as_str())).collect(),
            _ => vec![None],
        };
        for value in values {
            let ctx = must::Ctx {
                levels,
                node: n,
                value,
            };
            if must::eval(expr, &ctx) != Some(false) {
                continue;
            }
            let stmt = match value {
                Some(v) if n.schema.is_list() => tree::entry_words(n.schema, v),
                Some(v) => format!("{} {}", n.schema.name, quote(v)),
                None => n.schema.name.to_owned(),
            };
            let (kind, message) = match expr {
                must::Expr::Not(inner) => match &**inner {
                    must::Expr::Path(_, p) => (
                        ConfigErrorKind::Conflict,
                        format!(
                            "'{}' cannot be configured with '{}'",
                            n.schema.name,
                            must::shown_path(p, value)
                        ),
                    ),
                    _ => (
                        ConfigErrorKind::Conflict,
                        format!("'{}' is not allowed here: {m} does not hold", n.schema.name),
                    ),
                },
                must::Expr::Path(must::Quant::Unique, p) => (
                    ConfigErrorKind::Conflict,
                    format!(
                        "'{stmt}' must be unique: '{}' is configured more than once",
                        must::shown_path(p, value)
                    ),
                ),
                must::Expr::Path(_, p) => (
                    ConfigErrorKind::MissingMandatory,
                    format!(
                        "'{}' requires '{}'",
                        n.schema.name,
                        must::shown_path(p, value)
                    ),
                ),
                _ => (
                    ConfigErrorKind::Conflict,
                    format!("'{}' is not allowed here: {m} does not hold", n.schema.name),
                ),
            };
            errs.push(ConfigError::new(kind, path_of(words), stmt, message));
        }
    }
}

fn walk_level<'a, 'n>(
    cfg: &'a Config,
    children: &'n [Node],
    level: &'static [SchemaNode],
    words: &mut Stack<'n>,
    levels: &mut Levels<'n>,
    refs: &mut RefIndex<'a>,
    errs: &mut Vec<ConfigError>,
) {
    for sn in level.iter().filter(|s| s.mandatory) {
        if tree::child(children, sn.name).is_none() {
            errs.push(ConfigError::new(
                ConfigErrorKind::MissingMandatory,
                path_of(words),
                sn.name,
                format!("missing mandatory statement: '{}'", sn.name),
            ));
        }
    }
    for n in children {
        let count = match &n.value {
            Value::List(entries) => Some(entries.len()),
            Value::LeafList(vs) => Some(vs.len()),
            _ => None,
        };
        if let Some(count) = count {
            let (min, max) = (
                n.schema.min_elements as usize,
                n.schema.max_elements as usize,
            );
            if (max > 0 && count > max) || count < min {
                let message = if count < min {
                    format!(
                        "'{}' needs at least {min} entries ({count} configured)",
                        n.schema.name
                    )
                } else {
                    format!(
                        "'{}' takes at most {max} entries ({count} configured)",
                        n.schema.name
                    )
                };
                errs.push(ConfigError::new(
                    ConfigErrorKind::InvalidValue,
                    path_of(words),
                    n.schema.name,
                    message,
                ));
            }
        }
        for target in n
            .schema
            .must
            .iter()
            .filter_map(|m| schema::must_reference(m))
        {
            let values: &[String] = match &n.value {
                Value::Leaf(v) => std::slice::from_ref(v),
                Value::LeafList(vs) => vs,
                _ => &[],
            };
            for v in values
                .iter()
                .filter(|v| !v.starts_with('$') && !is_wildcard(v))
            {
                if !refs.contains(cfg, target, v) {
                    errs.push(ConfigError::new(
                        ConfigErrorKind::Reference,
                        path_of(words),
                        format!("{} {}", n.schema.name, quote(v)),
                        format!(
                            "referenced {} '{v}' is not defined under {}",
                            n.schema.name,
                            edit_path(&target[..target.len() - 1])
                        ),
                    ));
                }
            }
        }
        if !n.schema.must.is_empty() {
            musts_hold(n, levels, words, errs);
        }
        if let Some(target) = n.schema.reference {
            let values: &[String] = match &n.value {
                Value::Leaf(v) => std::slice::from_ref(v),
                Value::LeafList(vs) => vs,
                _ => &[],
            };
            for v in values {
                if !refs.contains(cfg, target, v) {
                    errs.push(ConfigError::new(
                        ConfigErrorKind::Reference,
                        path_of(words),
                        format!("{} {}", n.schema.name, quote(v)),
                        format!(
                            "referenced {} '{v}' is not defined under {}",
                            n.schema.name,
                            edit_path(target)
                        ),
                    ));
                }
            }
        }
        match &n.value {
            Value::Container(c) => {
                words.push((n.schema, None));
                walk(cfg, c, n.schema.children(), words, levels, refs, errs);
                words.pop();
            }
            Value::List(entries) => {
                for e in entries {
                    if is_wildcard(&e.key) {
                        errs.push(ConfigError::new(
                            ConfigErrorKind::InvalidValue,
                            path_of(words),
                            tree::entry_words(n.schema, &e.key),
                            format!(
                                "wildcard '{}' is only allowed in configuration groups",
                                e.key
                            ),
                        ));
                    }
                    if let Some(target) = n.schema.reference {
                        if !refs.contains(cfg, target, &e.key) {
                            errs.push(ConfigError::new(
                                ConfigErrorKind::Reference,
                                path_of(words),
                                format!("{} {}", n.schema.name, quote(&e.key)),
                                format!(
                                    "referenced {} '{}' is not defined under {}",
                                    n.schema.name,
                                    e.key,
                                    edit_path(target)
                                ),
                            ));
                        }
                    }
                    words.push((n.schema, Some(&e.key)));
                    walk(
                        cfg,
                        &e.children,
                        n.schema.children(),
                        words,
                        levels,
                        refs,
                        errs,
                    );
                    words.pop();
                }
            }
            _ => {}
        }
    }
}

const GRPC_PATH: &str = "[edit system services extension-service request-response grpc]";

fn overlaps(a: &ListenerCfg, b: &ListenerCfg) -> bool {
    let same_family = a.address.is_ipv4() == b.address.is_ipv4();
    a.port == b.port
        && (a.address == b.address
            || (same_family && (a.address.is_unspecified() || b.address.is_unspecified())))
}

fn show(l: &ListenerCfg) -> String {
    match l.address {
        IpAddr::V4(a) => format!("{a}:{}", l.port),
        IpAddr::V6(a) => format!("[{a}]:{}", l.port),
    }
}

/// No two listeners (gRPC clear text, gRPC TLS, MQTT) on the same address and port.
fn listeners_do_not_collide(cfg: &Config, errs: &mut Vec<ConfigError>) {
    let jsd = cfg.jsd();
    let ssl = jsd.ssl.as_ref().map(|s| ListenerCfg {
        address: s.address,
        port: s.port,
    });
    if let (Some(ct), Some(ssl)) = (&jsd.clear_text, &ssl) {
        if overlaps(ct, ssl) {
            errs.push(ConfigError::new(
                ConfigErrorKind::Conflict,
                GRPC_PATH,
                "ssl",
                format!(
                    "ssl listener {} conflicts with the clear-text listener {}",
                    show(ssl),
                    show(ct)
                ),
            ));
        }
    }
    if let Some(n) = cfg.notification() {
        for (name, l) in [("clear-text", jsd.clear_text), ("ssl", ssl)] {
            if let Some(l) = l {
                if overlaps(&n.listener, &l) {
                    errs.push(ConfigError::new(
                        ConfigErrorKind::Conflict,
                        "[edit system services extension-service notification]",
                        format!("port {}", n.listener.port),
                        format!(
                            "notification listener {} conflicts with the gRPC {name} listener {}",
                            show(&n.listener),
                            show(&l)
                        ),
                    ));
                }
            }
        }
    }
}

/// Verifying client certificates needs a CA to verify them with.
fn verify_needs_ca(cfg: &Config, errs: &mut Vec<ConfigError>) {
    let Some(mutual) = cfg.jsd().ssl.and_then(|s| s.mutual) else {
        return;
    };
    if mutual.request.verifies() && mutual.certificate_authority.is_none() {
        errs.push(ConfigError::new(
            ConfigErrorKind::MissingMandatory,
            format!("{} ssl mutual-authentication]", GRPC_PATH.trim_end_matches(']')),
            "certificate-authority",
            format!(
                "missing mandatory statement: 'certificate-authority' (required by client-certificate-request {})",
                mutual.request.as_str()
            ),
        ));
    }
}

/// Two users cannot share a uid.
fn uids_are_unique(cfg: &Config, errs: &mut Vec<ConfigError>) {
    let users = cfg.users();
    for (i, u) in users.iter().enumerate() {
        let Some(uid) = u.uid else { continue };
        if let Some(first) = users[..i].iter().find(|o| o.uid == Some(uid)) {
            errs.push(ConfigError::new(
                ConfigErrorKind::Conflict,
                format!("[edit system login user {}]", u.name),
                format!("uid {uid}"),
                format!("uid {uid} is already used by user '{}'", first.name),
            ));
        }
    }
}
