//! Topic names and filters: validation, matching (with the `$`-topic rule), overlap of
//! two filters (for deny-subscribe), shared-subscription parsing, and the subscription
//! trie the router matches every PUBLISH against.

use std::collections::HashMap;
use std::sync::Arc;

/// A topic filter is valid: non-empty, `#` only as the whole last level, `+` only as a
/// whole level.
pub fn valid_filter(f: &str) -> bool {
    if f.is_empty() {
        return false;
    }
    let mut levels = f.split('/').peekable();
    while let Some(l) = levels.next() {
        if l.contains('#') && (l != "#" || levels.peek().is_some()) {
            return false;
        }
        if l.contains('+') && l != "+" {
            return false;
        }
    }
    true
}

/// A topic name is valid for a PUBLISH or a will: non-empty, no wildcard.
pub fn valid_topic(t: &str) -> bool {
    !t.is_empty() && !t.contains(['+', '#'])
}

/// `$share/{group}/{filter}` → `(group, filter)`. `Ok(None)` for a plain filter,
/// `Err(())` for a malformed shared subscription.
#[allow(clippy::result_unit_err)]
pub fn parse_shared(f: &str) -> Result<Option<(&str, &str)>, ()> {
    let Some(rest) = f.strip_prefix("$share/") else {
        return if f == "$share" { Err(()) } else { Ok(None) };
    };
    let (group, filter) = rest.split_once('/').ok_or(())?;
    if group.is_empty() || group.contains(['+', '#']) || !valid_filter(filter) {
        return Err(());
    }
    Ok(Some((group, filter)))
}

/// Whether `filter` matches `topic` (both valid). Wildcards at the first level do not
/// match topics starting with `$`.
pub fn matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// Whether some topic matches both filters (both valid, not shared).
pub fn overlaps(a: &str, b: &str) -> bool {
    let dollar = |x: &str| x.starts_with('$');
    let wild = |x: &str| x.starts_with(['+', '#']);
    if (dollar(a) && wild(b)) || (dollar(b) && wild(a)) {
        return false;
    }
    let mut a = a.split('/');
    let mut b = b.split('/');
    loop {
        match (a.next(), b.next()) {
            (Some("#"), _) | (_, Some("#")) => return true,
            (None, None) => return true,
            (Some(x), Some(y)) if x == "+" || y == "+" || x == y => {}
            _ => return false,
        }
    }
}

/// Whether every topic `inner` can match is also matched by `outer` (both valid, not
/// shared): `inner` lies inside `outer`. Used by deny-subscribe: a filter inside a denied
/// one can only ever receive denied topics.
pub fn covers(outer: &str, inner: &str) -> bool {
    // `inner` reaching `$` topics that a top-level wildcard of `outer` cannot.
    if inner.starts_with('$') && outer.starts_with(['+', '#']) {
        return false;
    }
    let mut o = outer.split('/');
    let mut i = inner.split('/');
    loop {
        match (o.next(), i.next()) {
            (Some("#"), _) => return true,
            (_, Some("#")) => return false,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b && b != "+" => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// One subscription stored in the trie. `id` identifies the session; `data` is what
/// the router needs to deliver (options, identifiers, the session's queue).
#[derive(Debug, Clone)]
pub(crate) struct Sub<T> {
    pub(crate) id: u64,
    pub(crate) data: T,
}

/// Members of one shared-subscription group on one filter; each message goes to one.
#[derive(Debug)]
pub(crate) struct Group<T> {
    pub(crate) name: Arc<str>,
    pub(crate) members: Vec<Sub<T>>,
    /// Round-robin cursor.
    pub(crate) next: usize,
}

#[derive(Debug)]
struct Subs<T> {
    plain: Vec<Sub<T>>,
    groups: Vec<Group<T>>,
}

impl<T> Default for Subs<T> {
    fn default() -> Self {
        Subs {
            plain: Vec::new(),
            groups: Vec::new(),
        }
    }
}

impl<T> Subs<T> {
    fn is_empty(&self) -> bool {
        self.plain.is_empty() && self.groups.is_empty()
    }

    fn insert(&mut self, group: Option<&str>, sub: Sub<T>) -> bool {
        let list = match group {
            None => &mut self.plain,
            Some(g) => {
                let i = match self.groups.iter().position(|x| &*x.name == g) {
                    Some(i) => i,
                    None => {
                        self.groups.push(Group {
                            name: g.into(),
                            members: Vec::new(),
                            next: 0,
                        });
                        self.groups.len() - 1
                    }
                };
                &mut self.groups[i].members
            }
        };
        match list.iter_mut().find(|s| s.id == sub.id) {
            Some(s) => {
                *s = sub;
                false
            }
            None => {
                list.push(sub);
                true
            }
        }
    }

    fn remove(&mut self, group: Option<&str>, id: u64) -> bool {
        match group {
            None => {
                let n = self.plain.len();
                self.plain.retain(|s| s.id != id);
                n != self.plain.len()
            }
            Some(g) => {
                let Some(i) = self.groups.iter().position(|x| &*x.name == g) else {
                    return false;
                };
                let members = &mut self.groups[i].members;
                let n = members.len();
                members.retain(|s| s.id != id);
                let removed = n != members.len();
                if members.is_empty() {
                    self.groups.swap_remove(i);
                }
                removed
            }
        }
    }
}

#[derive(Debug)]
struct Node<T> {
    children: HashMap<Box<[u8]>, Node<T>>,
    plus: Option<Box<Node<T>>>,
    /// Subscriptions whose filter ends at this node.
    here: Subs<T>,
    /// Subscriptions whose filter ends with `#` after this node.
    hash: Subs<T>,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Node {
            children: HashMap::new(),
            plus: None,
            here: Subs::default(),
            hash: Subs::default(),
        }
    }
}

impl<T> Node<T> {
    fn is_empty(&self) -> bool {
        self.children.is_empty()
            && self.plus.is_none()
            && self.here.is_empty()
            && self.hash.is_empty()
    }
}

/// What matching found: plain subscribers, and shared groups (the visitor picks one
/// member of each).
pub(crate) enum Found<'a, T> {
    Plain(&'a Sub<T>),
    Group(&'a mut Group<T>),
}

/// Subscriptions indexed by filter level, so a PUBLISH is matched by walking its topic's
/// levels instead of testing every filter.
#[derive(Debug)]
pub(crate) struct SubscriptionTrie<T> {
    root: Node<T>,
    len: usize,
}

impl<T> Default for SubscriptionTrie<T> {
    fn default() -> Self {
        SubscriptionTrie {
            root: Node::default(),
            len: 0,
        }
    }
}

impl<T> SubscriptionTrie<T> {
    /// Number of stored subscriptions.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds or replaces (same `id` and group) a subscription; true when it is new.
    pub(crate) fn insert(&mut self, filter: &str, group: Option<&str>, sub: Sub<T>) -> bool {
        let mut node = &mut self.root;
        let mut levels = filter.split('/').peekable();
        while let Some(level) = levels.next() {
            if level == "#" && levels.peek().is_none() {
                let new = node.hash.insert(group, sub);
                self.len += usize::from(new);
                return new;
            }
            node = if level == "+" {
                node.plus.get_or_insert_with(Box::default)
            } else {
                node.children.entry(level.as_bytes().into()).or_default()
            };
        }
        let new = node.here.insert(group, sub);
        self.len += usize::from(new);
        new
    }

    /// Removes a subscription; true when it existed. Empty branches are pruned.
    pub(crate) fn remove(&mut self, filter: &str, group: Option<&str>, id: u64) -> bool {
        let levels: Vec<&str> = filter.split('/').collect();
        let removed = remove_in(&mut self.root, &levels, group, id);
        self.len -= usize::from(removed);
        removed
    }

    /// Calls `visit` for every subscription matching `topic` (a valid topic name).
    pub(crate) fn for_each_match(&mut self, topic: &[u8], mut visit: impl FnMut(Found<'_, T>)) {
        let dollar = topic.first() == Some(&b'$');
        walk(&mut self.root, Some(topic), !dollar, &mut visit);
    }
}

fn remove_in<T>(node: &mut Node<T>, levels: &[&str], group: Option<&str>, id: u64) -> bool {
    match levels {
        [] => node.here.remove(group, id),
        ["#"] => node.hash.remove(group, id),
        [level, rest @ ..] => {
            if *level == "+" {
                let Some(child) = node.plus.as_mut() else {
                    return false;
                };
                let removed = remove_in(child, rest, group, id);
                if child.is_empty() {
                    node.plus = None;
                }
                removed
            } else {
                let Some(child) = node.children.get_mut(level.as_bytes()) else {
                    return false;
                };
                let removed = remove_in(child, rest, group, id);
                if child.is_empty() {
                    node.children.remove(level.as_bytes());
                }
                removed
            }
        }
    }
}

fn visit_subs<T>(subs: &mut Subs<T>, visit: &mut impl FnMut(Found<'_, T>)) {
    for s in &subs.plain {
        visit(Found::Plain(s));
    }
    for g in &mut subs.groups {
        visit(Found::Group(g));
    }
}

/// `rest`: the topic's remaining levels (`None` once every level is consumed).
/// `wild`: whether wildcards may match here (not at the root of a `$` topic).
fn walk<T>(
    node: &mut Node<T>,
    rest: Option<&[u8]>,
    wild: bool,
    visit: &mut impl FnMut(Found<'_, T>),
) {
    match rest {
        None => {
            visit_subs(&mut node.here, visit);
            // `a/#` also matches `a`.
            visit_subs(&mut node.hash, visit);
        }
        Some(rest) => {
            let (level, next) = match rest.iter().position(|&b| b == b'/') {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            if wild {
                visit_subs(&mut node.hash, visit);
                if let Some(plus) = node.plus.as_mut() {
                    walk(plus, next, true, visit);
                }
            }
            if let Some(child) = node.children.get_mut(level) {
                walk(child, next, true, visit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_validated_level_by_level() {
        for ok in [
            "#",
            "+",
            "a/#",
            "a/+/b",
            "/junos/events/#",
            "+/+",
            "/",
            "a//b",
        ] {
            assert!(valid_filter(ok), "{ok}");
        }
        for bad in ["", "a#", "a/#/b", "a+", "a/b+/c", "##"] {
            assert!(!valid_filter(bad), "{bad}");
        }
    }

    #[test]
    fn shared_subscriptions_parse_group_and_filter() {
        assert_eq!(parse_shared("$share/g/a/+"), Ok(Some(("g", "a/+"))));
        assert_eq!(parse_shared("a/b"), Ok(None));
        assert!(parse_shared("$share/g").is_err());
        assert!(parse_shared("$share//a").is_err());
        assert!(parse_shared("$share/g+/a").is_err());
        assert!(parse_shared("$share/g/a#").is_err());
    }

    #[test]
    fn wildcards_match_levels_and_hash_matches_the_parent() {
        assert!(matches("a/+/c", "a/b/c"));
        assert!(!matches("a/+/c", "a/b/d"));
        assert!(matches("a/#", "a"));
        assert!(matches("a/#", "a/b/c"));
        assert!(matches("#", "a/b"));
        assert!(matches("+/+", "/finance"));
        assert!(!matches("+", "/finance"));
        assert!(matches(
            "/junos/events/#",
            "/junos/events/kernel/interfaces/ifd/add/ge-0/0/0"
        ));
    }

    #[test]
    fn top_level_wildcards_do_not_match_dollar_topics() {
        assert!(!matches("#", "$SYS/x"));
        assert!(!matches("+/x", "$SYS/x"));
        assert!(matches("$SYS/#", "$SYS/x"));
    }

    #[test]
    fn overlap_detects_filters_sharing_a_topic() {
        assert!(overlaps("/junos/#", "/junos/events/x"));
        assert!(overlaps("#", "/junos/events/#"));
        assert!(overlaps("a/+/c", "a/b/+"));
        assert!(overlaps("a/#", "a"));
        assert!(!overlaps("a/b", "a/c"));
        assert!(!overlaps("a/+", "a/b/c"));
        assert!(!overlaps("#", "$SYS/x"));
    }

    #[test]
    fn covers_holds_only_for_filters_inside_another() {
        assert!(covers("a/#", "a/#"));
        assert!(covers("a/#", "a"));
        assert!(covers("a/#", "a/+/c"));
        assert!(covers("a/+", "a/b"));
        assert!(covers("a/+", "a/+"));
        assert!(covers("#", "+/+"));
        assert!(!covers("a/b", "a/+"));
        assert!(!covers("a/+", "a/#"));
        assert!(!covers("a/+", "a/b/c"));
        assert!(!covers("a/b", "#"));
        assert!(!covers("a/#", "#"));
        assert!(!covers("#", "$SYS/x"));
        assert!(covers("$SYS/#", "$SYS/x"));
        // Every topic `inner` matches is matched by `outer`, checked on samples.
        for (o, i) in [("a/+/c", "a/+/c"), ("+/b/#", "x/b/c/d"), ("a/#", "a/b/#")] {
            assert!(covers(o, i));
            for topic in ["a/b/c", "x/b/c/d", "a/b/c/d", "a/b"] {
                assert!(!matches(i, topic) || matches(o, topic), "{o} {i} {topic}");
            }
        }
    }

    fn matched(t: &mut SubscriptionTrie<&'static str>, topic: &str) -> Vec<&'static str> {
        let mut v = Vec::new();
        t.for_each_match(topic.as_bytes(), |f| match f {
            Found::Plain(s) => v.push(s.data),
            Found::Group(g) => {
                let i = g.next % g.members.len();
                g.next += 1;
                v.push(g.members[i].data);
            }
        });
        v.sort_unstable();
        v
    }

    #[test]
    fn trie_matches_like_the_reference_matcher() {
        let filters = [
            "a/b", "a/+", "a/#", "#", "+/b", "+/+/+", "a/b/#", "$SYS/#", "+", "/+", "//#",
        ];
        let topics = [
            "a/b",
            "a",
            "a/b/c",
            "b/b",
            "$SYS/load",
            "x",
            "/x",
            "//",
            "/",
        ];
        let mut t = SubscriptionTrie::default();
        for (i, f) in filters.iter().enumerate() {
            assert!(t.insert(
                f,
                None,
                Sub {
                    id: i as u64,
                    data: *f
                }
            ));
        }
        assert_eq!(t.len(), filters.len());
        for topic in topics {
            let mut want: Vec<&str> = filters
                .iter()
                .copied()
                .filter(|f| matches(f, topic))
                .collect();
            want.sort_unstable();
            assert_eq!(matched(&mut t, topic), want, "{topic}");
        }
    }

    #[test]
    fn trie_replaces_same_subscriber_and_prunes_on_remove() {
        let mut t = SubscriptionTrie::default();
        assert!(t.insert("a/+/c", None, Sub { id: 1, data: "x" }));
        assert!(!t.insert("a/+/c", None, Sub { id: 1, data: "y" }));
        assert_eq!(matched(&mut t, "a/b/c"), vec!["y"]);
        assert!(t.remove("a/+/c", None, 1));
        assert!(!t.remove("a/+/c", None, 1));
        assert_eq!(t.len(), 0);
        assert!(t.root.is_empty());
    }

    #[test]
    fn shared_groups_deliver_to_one_member_in_turn() {
        let mut t = SubscriptionTrie::default();
        t.insert("s/#", Some("g"), Sub { id: 1, data: "m1" });
        t.insert("s/#", Some("g"), Sub { id: 2, data: "m2" });
        t.insert(
            "s/#",
            None,
            Sub {
                id: 3,
                data: "plain",
            },
        );
        assert_eq!(matched(&mut t, "s/x"), vec!["m1", "plain"]);
        assert_eq!(matched(&mut t, "s/x"), vec!["m2", "plain"]);
        assert!(t.remove("s/#", Some("g"), 1));
        assert_eq!(matched(&mut t, "s/x"), vec!["m2", "plain"]);
    }
}
