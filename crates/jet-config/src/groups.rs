//! Configuration groups: `groups NAME { ... }` and `apply-groups [ ... ]`.
//!
//! `apply-groups` at the top inherits everything a group holds; at a deeper level it
//! inherits what the group holds at that same path. What is configured wins over what
//! is inherited; groups named at a deeper level win over those named above them, and
//! within one `apply-groups` the first group wins. Inherited list entries are appended
//! after the configured ones. Inactive groups, inactive `apply-groups` and inactive
//! statements inside groups are not inherited.

use crate::config::Config;
use crate::schema::{self, SchemaNode};
use crate::tree::{self, Node, Value};
use crate::value::{is_wildcard, wildcard_matches};

/// A step of the path from the top: statement name and list key.
type PathStep<'a> = (&'a str, Option<&'a str>);

impl Config {
    /// The configuration with every `apply-groups` expanded and the `groups` and
    /// `apply-groups` statements removed (what `show configuration | display
    /// inheritance` shows). Inactive statements are kept.
    pub fn with_groups_applied(&self) -> Config {
        let Some(groups) = tree::child(&self.children, "groups") else {
            let mut c = self.clone();
            c.touch();
            strip_apply_groups(&mut c.children);
            return c;
        };
        let groups = groups.clone();
        let mut children: Vec<Node> = self
            .children
            .iter()
            .filter(|n| n.schema.name != "groups")
            .cloned()
            .collect();
        expand(
            &mut children,
            schema::root(),
            Some(&groups),
            &[],
            &mut Vec::new(),
        );
        Config::from_children(children)
    }

    /// The value of the leaf at a path of container names, as the device sees it:
    /// configured and active, else inherited from a group (borrowing this
    /// configuration, without expanding it).
    pub(crate) fn inherited_leaf(&self, names: &[&str]) -> Option<&str> {
        let (last, dirs) = names.split_last()?;
        let mut children: &[Node] = &self.children;
        let mut applied_here: Vec<&[String]> = vec![applied(children)];
        for name in dirs {
            match tree::child(children, name) {
                Some(n) if n.meta.inactive => return None,
                Some(n) => {
                    children = n.children();
                    applied_here.push(applied(children));
                }
                None => {
                    children = &[];
                    applied_here.push(&[]);
                }
            }
        }
        match tree::child(children, last) {
            Some(n) if n.meta.inactive => return None,
            Some(n) => return n.leaf(),
            None => {}
        }
        let groups = tree::child(&self.children, "groups")?;
        let path: Vec<PathStep<'_>> = dirs.iter().map(|d| (*d, None)).collect();
        for names in applied_here.iter().rev() {
            for g in names.iter() {
                if let Some(n) = group_at(groups, g, &path)
                    .and_then(|c| tree::child(c, last))
                    .filter(|n| !n.meta.inactive)
                {
                    return n.leaf();
                }
            }
        }
        None
    }

    /// True when some statement is inactive.
    pub fn has_inactive(&self) -> bool {
        any_inactive(&self.children)
    }
}

pub(crate) fn any_inactive(children: &[Node]) -> bool {
    children.iter().any(|n| {
        n.meta.inactive
            || match &n.value {
                Value::Container(c) => any_inactive(c),
                Value::List(entries) => entries
                    .iter()
                    .any(|e| e.meta.inactive || any_inactive(&e.children)),
                _ => false,
            }
    })
}

/// Removes inactive statements (and lists left without entries).
pub(crate) fn strip_inactive(children: &mut Vec<Node>) {
    children.retain_mut(|n| {
        if n.meta.inactive {
            return false;
        }
        match &mut n.value {
            Value::Container(c) => strip_inactive(c),
            Value::List(entries) => {
                entries.retain_mut(|e| {
                    strip_inactive(&mut e.children);
                    !e.meta.inactive
                });
                return !entries.is_empty();
            }
            _ => {}
        }
        true
    });
}

pub(crate) fn strip_apply_groups(children: &mut Vec<Node>) {
    children.retain_mut(|n| {
        match &mut n.value {
            Value::Container(c) => strip_apply_groups(c),
            Value::List(entries) => entries
                .iter_mut()
                .for_each(|e| strip_apply_groups(&mut e.children)),
            _ => {}
        }
        n.schema.name != "apply-groups"
    });
}

/// The active group names in an `apply-groups` among `children`.
fn applied(children: &[Node]) -> &[String] {
    match tree::child(children, "apply-groups") {
        Some(n) if !n.meta.inactive => match &n.value {
            Value::LeafList(vs) => vs,
            _ => &[],
        },
        _ => &[],
    }
}

/// The statements of group `name` at `path`, if any.
fn group_at<'g>(groups: &'g Node, name: &str, path: &[PathStep<'_>]) -> Option<&'g [Node]> {
    let entry = groups.entry(name).filter(|e| !e.meta.inactive)?;
    let mut children: &[Node] = &entry.children;
    for (stmt, key) in path {
        let n = tree::child(children, stmt).filter(|n| !n.meta.inactive)?;
        children = match (key, &n.value) {
            (None, Value::Container(c)) => c,
            (Some(k), Value::List(_)) => &n.entry(k).filter(|e| !e.meta.inactive)?.children,
            _ => return None,
        };
    }
    Some(children)
}

/// Inherits into `children` (at `path`, statements of `level`) from `inherited` (the
/// group contents that apply here, highest priority first) and from this level's own
/// `apply-groups`, then recurses.
fn expand<'g>(
    children: &mut Vec<Node>,
    level: &'static [SchemaNode],
    groups: Option<&'g Node>,
    inherited: &[&'g [Node]],
    path: &mut Vec<(&'static str, Option<String>)>,
) {
    let steps: Vec<PathStep<'_>> = path.iter().map(|(n, k)| (*n, k.as_deref())).collect();
    let mut sources: Vec<&'g [Node]> = applied(children)
        .iter()
        .filter_map(|g| group_at(groups?, g, &steps))
        .collect();
    sources.extend_from_slice(inherited);
    children.retain(|n| n.schema.name != "apply-groups");
    for src in &sources {
        for s in src.iter() {
            if s.meta.inactive || s.schema.name == "apply-groups" {
                continue;
            }
            match tree::child_mut(children, s.schema.name) {
                None => {
                    let mut copy = s.clone();
                    strip_inactive_node(&mut copy);
                    // Wildcard entries apply to existing entries; they create none.
                    if strip_wildcards(&mut copy) {
                        continue;
                    }
                    let at = children
                        .iter()
                        .position(|n| {
                            schema::order(level, n.schema.name)
                                > schema::order(level, s.schema.name)
                        })
                        .unwrap_or(children.len());
                    children.insert(at, copy);
                }
                Some(d) => {
                    if let (Value::List(de), Value::List(se)) = (&mut d.value, &s.value) {
                        let mut index = tree::KeyIndex::default();
                        for e in se {
                            if !e.meta.inactive
                                && !is_wildcard(&e.key)
                                && index.find(de, &e.key).is_none()
                            {
                                let mut copy = e.clone();
                                strip_inactive(&mut copy.children);
                                // A new entry from a group (`ge-0/0/2` named there, not
                                // here) takes no wildcard below it: those apply to what
                                // exists, and nothing below a new entry does yet.
                                if strip_wildcards_below(&mut copy.children) {
                                    continue;
                                }
                                index.note(&e.key, de.len());
                                de.push(copy);
                            }
                        }
                    }
                }
            }
        }
    }
    for n in children.iter_mut() {
        let name = n.schema.name;
        let inner = n.schema.children();
        match &mut n.value {
            Value::Container(c) => {
                let sub: Vec<&'g [Node]> = sources
                    .iter()
                    .filter_map(|src| match tree::child(src, name).map(|x| &x.value) {
                        Some(Value::Container(sc)) => Some(sc.as_slice()),
                        _ => None,
                    })
                    .collect();
                path.push((name, None));
                expand(c, inner, groups, &sub, path);
                path.pop();
            }
            Value::List(entries) => {
                let lists: Vec<&'g Node> = sources
                    .iter()
                    .filter_map(|src| tree::child(src, name))
                    .collect();
                for e in entries.iter_mut() {
                    // Per source: the entry of the same name, then matching wildcards.
                    let mut sub: Vec<&'g [Node]> = Vec::new();
                    for l in &lists {
                        if let Some(x) = l.entry(&e.key).filter(|x| !x.meta.inactive) {
                            sub.push(x.children.as_slice());
                        }
                        if let Value::List(les) = &l.value {
                            sub.extend(
                                les.iter()
                                    .filter(|x| {
                                        !x.meta.inactive && wildcard_matches(&x.key, &e.key)
                                    })
                                    .map(|x| x.children.as_slice()),
                            );
                        }
                    }
                    path.push((name, Some(e.key.clone())));
                    expand(&mut e.children, inner, groups, &sub, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}

/// Inherits `sources` (highest priority first) into `children`, statements of `level`,
/// as a group would: what `children` has wins, list entries are appended after its own.
pub(crate) fn inherit(children: &mut Vec<Node>, level: &'static [SchemaNode], sources: &[&[Node]]) {
    expand(children, level, None, sources, &mut Vec::new());
}

/// Removes wildcard list entries below `n`; true when that emptied a container or list
/// that had content (nothing is left to inherit).
fn strip_wildcards(n: &mut Node) -> bool {
    match &mut n.value {
        Value::Container(c) => strip_wildcards_below(c),
        Value::List(entries) if !entries.is_empty() => {
            entries.retain_mut(|e| {
                if is_wildcard(&e.key) {
                    return false;
                }
                e.children.retain_mut(|x| !strip_wildcards(x));
                true
            });
            entries.is_empty()
        }
        _ => false,
    }
}

/// [`strip_wildcards`] for each of `children`; true when that emptied them (they had
/// content).
fn strip_wildcards_below(children: &mut Vec<Node>) -> bool {
    if children.is_empty() {
        return false;
    }
    children.retain_mut(|x| !strip_wildcards(x));
    children.is_empty()
}

fn strip_inactive_node(n: &mut Node) {
    match &mut n.value {
        Value::Container(c) => strip_inactive(c),
        Value::List(entries) => {
            entries.retain_mut(|e| {
                strip_inactive(&mut e.children);
                !e.meta.inactive
            });
        }
        _ => {}
    }
}
