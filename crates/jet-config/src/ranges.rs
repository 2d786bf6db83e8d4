//! `interfaces interface-range NAME`: the range's statements apply to each of its member
//! interfaces, as Junos applies them; what an interface configures itself wins (the
//! range is inherited like a group). Members are `member NAME` (a name, or a name whose
//! last number is a range: `ge-0/0/[1-3]`) and `member-range FIRST to LAST` (ports of
//! one media, FPC and PIC). A member that has no statements of its own gets them all
//! from the range.
//!
//! Part of [`Config::effective`](crate::Config::effective): the views and the device see
//! the members configured; `show configuration` keeps the range as written.

use crate::schema;
use crate::tree::{self, Entry, Node, Value};
use crate::views::leaf;

/// Statements of a range that say which interfaces it covers, not what they get.
const MEMBERSHIP: [&str; 2] = ["member", "member-range"];

/// True when `interfaces interface-range` has an entry.
pub(crate) fn present(top: &[Node]) -> bool {
    tree::child(top, "interfaces")
        .and_then(|i| tree::child(i.children(), "interface-range"))
        .is_some_and(|r| matches!(&r.value, Value::List(e) if !e.is_empty()))
}

/// Applies every range to its members (on a configuration already without inactive
/// statements and groups).
pub(crate) fn apply(top: &mut [Node]) {
    let Some(interfaces) = tree::child_mut(top, "interfaces") else {
        return;
    };
    let level = interfaces.schema.children();
    let Value::Container(children) = &mut interfaces.value else {
        return;
    };
    let ranges: Vec<Entry> = match tree::child(children, "interface-range").map(|n| &n.value) {
        Some(Value::List(entries)) => entries.clone(),
        _ => return,
    };
    let Some(list_schema) = schema::find(level, "interface") else {
        return;
    };
    for range in &ranges {
        let body: Vec<Node> = range
            .children
            .iter()
            .filter(|n| !MEMBERSHIP.contains(&n.schema.name))
            .cloned()
            .collect();
        if body.is_empty() {
            continue;
        }
        for name in members(range) {
            let list = tree::child_or_insert(children, level, list_schema);
            let Value::List(entries) = &mut list.value else {
                continue;
            };
            let i = match entries.iter().position(|e| e.key == name) {
                Some(i) => i,
                None => {
                    entries.push(Entry {
                        key: name,
                        meta: Default::default(),
                        children: Vec::new(),
                    });
                    entries.len() - 1
                }
            };
            crate::groups::inherit(&mut entries[i].children, list_schema.children(), &[&body]);
        }
    }
}

/// The interfaces a range covers, in the order it names them, each once.
fn members(range: &Entry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |n: String| {
        if !out.contains(&n) {
            out.push(n);
        }
    };
    for n in &range.children {
        let Value::List(entries) = &n.value else {
            continue;
        };
        match n.schema.name {
            "member" => {
                for e in entries {
                    expand_member(&e.key).into_iter().for_each(&mut add);
                }
            }
            "member-range" => {
                for e in entries {
                    let Some(last) = leaf(&e.children, "to") else {
                        continue;
                    };
                    port_range(&e.key, last).into_iter().for_each(&mut add);
                }
            }
            _ => {}
        }
    }
    out
}

/// `ge-0/0/4` as is; `ge-0/0/[1-3]` as its three ports. Other wildcards are left out.
fn expand_member(name: &str) -> Vec<String> {
    let Some((prefix, rest)) = name.split_once('[') else {
        return if name.contains('*') {
            Vec::new()
        } else {
            vec![name.to_owned()]
        };
    };
    let Some((span, "")) = rest.split_once(']') else {
        return Vec::new();
    };
    let Some((a, b)) = span.split_once('-') else {
        return Vec::new();
    };
    match (a.parse::<u32>(), b.parse::<u32>()) {
        (Ok(a), Ok(b)) if a <= b && b - a < 1024 => {
            (a..=b).map(|n| format!("{prefix}{n}")).collect()
        }
        _ => Vec::new(),
    }
}

/// `member-range ge-0/0/1 to ge-0/0/3`: the ports between, when both ends share media,
/// FPC and PIC.
fn port_range(first: &str, last: &str) -> Vec<String> {
    let split = |n: &str| -> Option<(String, u32)> {
        let (head, port) = n.rsplit_once('/')?;
        Some((head.to_owned(), port.parse().ok()?))
    };
    match (split(first), split(last)) {
        (Some((h1, a)), Some((h2, b))) if h1 == h2 && a <= b && b - a < 1024 => {
            (a..=b).map(|n| format!("{h1}/{n}")).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_expand_brackets_and_ranges() {
        assert_eq!(expand_member("ge-0/0/4"), ["ge-0/0/4"]);
        assert_eq!(
            expand_member("xe-1/0/[2-4]"),
            ["xe-1/0/2", "xe-1/0/3", "xe-1/0/4"]
        );
        assert!(expand_member("ge-0/0/*").is_empty());
        assert!(expand_member("ge-0/0/[4-2]").is_empty());
        assert_eq!(
            port_range("ge-0/0/1", "ge-0/0/3"),
            ["ge-0/0/1", "ge-0/0/2", "ge-0/0/3"]
        );
        assert!(port_range("ge-0/0/1", "ge-0/1/3").is_empty());
        assert!(port_range("ge-0/0/5", "ge-0/0/3").is_empty());
    }
}
