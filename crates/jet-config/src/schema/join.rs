//! The schema as the rest of the crate sees it: the hand schema (typed, with the
//! semantics the device acts on) joined with the generated Junos schema (every other
//! statement, typed by the facts), built lazily one level at a time.
//!
//! At each level the hand statements keep their order and each statement only the
//! facts have follows the one the facts (Junos print order) put before it. A statement
//! the hand schema also has is taken from the hand schema (its type, flags and hand
//! children win) and keeps the link to its generated node, so the statements below it
//! are joined the same way. Hand statements the facts lack are listed in
//! `schema/overlay.txt`.
//!
//! A level is built on first use and kept for the life of the process (the schema is
//! immutable, like the static hand schema): the memo below is the only process-wide
//! state of the crate, a cache of constant data, never configuration.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock, RwLock};

use super::blob::{self, Blob, Rec};
use super::node::{KeyForm, KeySpec, Kind, SchemaNode, NO_GEN};
use crate::value::generated::{bounds_of, parse_ranges, GenType, Pattern};
use crate::value::ValueType;

/// Joined levels by (generated node, hand children address).
type Memo = HashMap<(u32, usize), &'static [SchemaNode]>;
static LEVELS: LazyLock<RwLock<Memo>> = LazyLock::new(|| RwLock::new(HashMap::new()));
/// Generated types, by type index.
static TYPES: OnceLock<Box<[OnceLock<Option<&'static GenType>>]>> = OnceLock::new();
static ROOT: OnceLock<&'static [SchemaNode]> = OnceLock::new();
/// The first joined level of each generated node, with its hand level's address.
type Fast = Box<[OnceLock<(usize, &'static [SchemaNode])>]>;
static FAST: OnceLock<Fast> = OnceLock::new();

/// The top of the joined hierarchy.
pub(crate) fn root(hand: &'static [SchemaNode]) -> &'static [SchemaNode] {
    ROOT.get_or_init(|| match Blob::get() {
        Some(b) => children(hand, b.root()),
        None => hand,
    })
}

/// The statements below a joined node: its hand children joined with the children of
/// generated node `gen`.
pub(crate) fn children(hand: &'static [SchemaNode], gen: u32) -> &'static [SchemaNode] {
    let key = (gen, hand.as_ptr() as usize);
    // Fast path: the first level built for a generated node, without a lock (almost
    // every node is only ever joined with one hand level).
    let slot = FAST
        .get_or_init(|| {
            let n = Blob::get().map_or(0, |b| b.node_count());
            (0..n).map(|_| OnceLock::new()).collect()
        })
        .get(gen as usize);
    if let Some(&(ptr, level)) = slot.and_then(|s| s.get()) {
        if ptr == key.1 {
            return level;
        }
    }
    let level = children_slow(hand, gen, key);
    if let Some(s) = slot {
        let _ = s.set((key.1, level));
    }
    level
}

fn children_slow(
    hand: &'static [SchemaNode],
    gen: u32,
    key: (u32, usize),
) -> &'static [SchemaNode] {
    if let Ok(m) = LEVELS.read() {
        if let Some(level) = m.get(&key) {
            return level;
        }
    }
    let Some(b) = Blob::get() else {
        return hand;
    };
    let level: &'static [SchemaNode] = Box::leak(build(&b, hand, gen).into_boxed_slice());
    match LEVELS.write() {
        Ok(mut m) => m.entry(key).or_insert(level),
        Err(_) => level,
    }
}

fn build(b: &Blob, hand: &'static [SchemaNode], gen: u32) -> Vec<SchemaNode> {
    let Some(parent) = b.node(gen) else {
        return hand.to_vec();
    };
    let kids: Vec<(u32, Rec)> = b
        .kids(&parent)
        .filter_map(|k| Some((k, b.node(k)?)))
        .collect();
    // The hand statements keep their order; each statement only the facts have follows
    // the statement the facts put before it.
    let mut out: Vec<SchemaNode> = hand
        .iter()
        .map(|h| match kids.iter().find(|(_, r)| r.name == h.name) {
            Some((k, rec)) => joined(b, h, *k, rec),
            None => h.clone(),
        })
        .collect();
    let mut prev: Option<usize> = None;
    for (k, rec) in &kids {
        if let Some(p) = out.iter().position(|n| n.name == rec.name) {
            prev = Some(p);
            continue;
        }
        let at = prev.map_or(0, |p| p + 1);
        out.insert(at, generated(b, *k, rec));
        prev = Some(at);
    }
    out
}

/// A hand statement linked to its generated counterpart.
fn joined(b: &Blob, h: &SchemaNode, k: u32, rec: &Rec) -> SchemaNode {
    let mut n = h.clone();
    n.gen = if matches!(h.kind, Kind::Container { .. } | Kind::List { .. })
        && matches!(
            rec.kind,
            blob::K_CONTAINER | blob::K_PRESENCE | blob::K_LIST
        ) {
        k
    } else {
        NO_GEN
    };
    if let Some(x) = b.extra(rec).xml {
        n.xml_name = x;
    }
    if n.choice == 0 && rec.choice != 0 {
        n.choice = rec.choice;
        n.case = rec.case;
    }
    // Junos's display hints come from the facts too (`from protocol static;`).
    n.oneliner |= rec.flags & blob::F_ONELINER != 0;
    n.oneliner_plus |= rec.flags & blob::F_ONELINER_PLUS != 0;
    n
}

/// A statement only the facts have.
fn generated(b: &Blob, k: u32, rec: &Rec) -> SchemaNode {
    let x = b.extra(rec);
    let ty = gen_type(b, rec.ty);
    let value = ty.map_or(ValueType::Text { max_len: 1024 }, ValueType::Gen);
    let kind = match rec.kind {
        blob::K_CONTAINER | blob::K_PRESENCE => Kind::Container {
            presence: rec.kind == blob::K_PRESENCE,
            children: &[],
        },
        blob::K_LIST => Kind::List {
            key: value,
            children: &[],
        },
        blob::K_LEAF => Kind::Leaf(value),
        blob::K_LEAF_LIST => Kind::LeafList(value),
        blob::K_FLAG => Kind::Flag,
        _ => Kind::Flag,
    };
    SchemaNode {
        name: rec.name,
        kind,
        mandatory: rec.flags & blob::F_MANDATORY != 0,
        // Junos marks these `## SECRET-DATA` although the facts type them as plain
        // strings: password hashes, protocol authentication keys, users' public keys.
        secret: ty.is_some_and(|t| t.typedef == Some("unreadable"))
            || (rec.kind == blob::K_LEAF
                && matches!(rec.name, "encrypted-password" | "authentication-key"))
            || (rec.kind == blob::K_LIST
                && matches!(
                    rec.name,
                    "ssh-rsa" | "ssh-dsa" | "ssh-ecdsa" | "ssh-ed25519"
                )),
        reference: None,
        help: "",
        key_name: x.keys.first().map_or("name", |(n, _, _)| n),
        keys: if x.keys.len() > 1 {
            Box::leak(
                x.keys
                    .iter()
                    .map(|&(name, t, form)| KeySpec {
                        name,
                        ty: gen_type(b, t)
                            .map_or(ValueType::Text { max_len: 1024 }, ValueType::Gen),
                        form: match form {
                            blob::KEY_KEYWORD => KeyForm::Keyword,
                            blob::KEY_CHOICE_IDENT => KeyForm::ChoiceIdent,
                            blob::KEY_CHOICE_VALUE => KeyForm::ChoiceValue,
                            _ => KeyForm::Bare,
                        },
                    })
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            )
        } else {
            &[]
        },
        bare: rec.flags & blob::F_NOKEYWORD != 0
            && matches!(rec.kind, blob::K_LIST | blob::K_LEAF | blob::K_LEAF_LIST),
        // Homogeneous keyword lists are written in one block named after the list
        // (`name-server { 192.0.2.53; }`, `sampling { instance { s1 { ... } } }`).
        braced: rec.kind == blob::K_LIST
            && rec.flags & blob::F_HOMOGENEOUS != 0
            && rec.flags & blob::F_NOKEYWORD == 0,
        inline: false,
        choice: rec.choice,
        // Junos writes `family inet { ... }` under any `family` (the facts have no
        // display hint for it).
        flat: rec.name == "family" && matches!(rec.kind, blob::K_CONTAINER),
        oneliner: rec.flags & blob::F_ONELINER != 0,
        oneliner_plus: rec.flags & blob::F_ONELINER_PLUS != 0,
        case: rec.case,
        xml_name: x.xml.unwrap_or(rec.name),
        max_elements: x.max_elements.unwrap_or(0),
        min_elements: x.min_elements.unwrap_or(0),
        must: if x.must.is_empty() {
            &[]
        } else {
            Box::leak(x.must.into_boxed_slice())
        },
        gen: if matches!(
            rec.kind,
            blob::K_CONTAINER | blob::K_PRESENCE | blob::K_LIST
        ) {
            k
        } else {
            NO_GEN
        },
    }
}

/// The list a `junos:must` expression of the form `("PATH $$")` requires the value to
/// name an entry of (`("routing-instances $$")`, `("firewall policer $$")`), as an
/// absolute schema path; `None` for every other form (relative paths, negations, `any`,
/// expressions over several statements), which are not evaluated. Memoised per
/// expression (the facts hold a fixed set).
pub fn must_reference(must: &'static str) -> Option<&'static [&'static str]> {
    type Paths = HashMap<
        (usize, usize),
        Option<&'static [&'static str]>,
        std::hash::BuildHasherDefault<super::node::Fnv>,
    >;
    // Per thread, by address (the expressions are static strings of the schema): a
    // commit's validation looks these up for every statement that has some.
    thread_local! {
        static PATHS: std::cell::RefCell<Paths> = std::cell::RefCell::new(Paths::default());
    }
    let id = (must.as_ptr() as usize, must.len());
    if let Some(p) = PATHS.with(|m| m.borrow().get(&id).copied()) {
        return p;
    }
    // Resolved once for the process (the shared map owns the paths), cached per thread.
    static SHARED: LazyLock<RwLock<Paths>> = LazyLock::new(|| RwLock::new(Paths::default()));
    let known = SHARED.read().ok().and_then(|m| m.get(&id).copied());
    let resolved = match known {
        Some(p) => p,
        None => {
            let p = resolve_must(must);
            match SHARED.write() {
                Ok(mut m) => *m.entry(id).or_insert(p),
                Err(_) => p,
            }
        }
    };
    PATHS.with(|m| m.borrow_mut().insert(id, resolved));
    resolved
}

fn resolve_must(must: &str) -> Option<&'static [&'static str]> {
    let inner = must.strip_prefix("(\"")?.strip_suffix(" $$\")")?;
    let words: Vec<&str> = inner.split(' ').collect();
    if words
        .iter()
        .any(|w| w.is_empty() || !w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return None;
    }
    let mut path: Vec<&'static str> = Vec::new();
    let mut level = super::root();
    let mut last: Option<&'static SchemaNode> = None;
    for w in &words {
        let n = super::find(level, w)?;
        path.push(n.name);
        level = n.children();
        last = Some(n);
    }
    match last?.kind {
        Kind::List { .. } => {}
        // `("interfaces $$")`: the keyword-less list inside the container.
        Kind::Container { .. } => path.push(super::bare_list(level)?.name),
        _ => return None,
    }
    Some(Box::leak(path.into_boxed_slice()))
}

/// Generated type `i`, built once.
pub(crate) fn gen_type(b: &Blob, i: u32) -> Option<&'static GenType> {
    let slots = TYPES.get_or_init(|| (0..b.type_count()).map(|_| OnceLock::new()).collect());
    let slot = slots.get(i as usize)?;
    *slot.get_or_init(|| {
        let t = b.ty(i)?;
        let base = blob::BASES
            .get(t.base as usize)
            .copied()
            .unwrap_or("string");
        let (lo, hi) = bounds_of(base);
        let mut patterns: Vec<Pattern> = t.posix.iter().map(|p| Pattern::new(p, false)).collect();
        patterns.extend(t.patterns.iter().map(|p| Pattern::new(p, true)));
        let g = GenType {
            base,
            typedef: t.typedef,
            placeholder_ok: t.placeholder_ok,
            ranges: t.range.map_or(Vec::new(), |r| parse_ranges(r, lo, hi)),
            range_text: t.range,
            lengths: t.length.map_or(Vec::new(), |r| {
                parse_ranges(r, 0, u32::MAX.into())
                    .into_iter()
                    .map(|(a, b)| (a.max(0) as usize, b.max(0) as usize))
                    .collect()
            }),
            enums: Box::leak(t.enums.into_boxed_slice()),
            patterns,
            members: t.members.iter().filter_map(|&m| gen_type(b, m)).collect(),
        };
        Some(&*Box::leak(Box::new(g)))
    })
}

impl SchemaNode {
    /// The child statements of a container or list entry (empty for other kinds), the
    /// hand statements joined with the generated ones. `apply-groups`, allowed
    /// everywhere, is not listed (see `SchemaNode::find`).
    pub fn children(&self) -> &'static [SchemaNode] {
        let hand = match self.kind {
            Kind::Container { children, .. } | Kind::List { children, .. } => children,
            _ => return &[],
        };
        if self.gen == NO_GEN {
            hand
        } else {
            children(hand, self.gen)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::HAND_ROOT;

    /// Hand statements the facts lack, as `hand PATH` lines of the overlay.
    fn hand_only(hand: &'static [SchemaNode], gen: Option<(Blob, u32)>, path: &str) -> Vec<String> {
        let mut out = Vec::new();
        let kids: Vec<(u32, Rec)> = gen.map_or(Vec::new(), |(b, g)| {
            b.node(g)
                .map(|p| b.kids(&p).filter_map(|k| Some((k, b.node(k)?))).collect())
                .unwrap_or_default()
        });
        for h in hand {
            // `groups NAME` mirrors the root; apply-groups is allowed at every level.
            if (path.is_empty() && h.name == "groups") || h.name == "apply-groups" {
                continue;
            }
            let here = format!("{path}{}{}", if path.is_empty() { "" } else { " " }, h.name);
            match kids.iter().find(|(_, r)| r.name == h.name) {
                Some((k, _)) => {
                    let inner = match h.kind {
                        Kind::Container { children, .. } | Kind::List { children, .. } => children,
                        _ => &[],
                    };
                    out.extend(hand_only(inner, gen.map(|(b, _)| (b, *k)), &here));
                }
                None => out.push(here),
            }
        }
        out
    }

    #[test]
    fn overlay_lists_every_hand_statement_the_facts_lack() {
        let b = Blob::get().expect("schema");
        let overlay = include_str!("../../schema/overlay.txt");
        let listed: Vec<&str> = overlay
            .lines()
            .filter_map(|l| l.strip_prefix("hand "))
            .map(|l| l.split(" -- ").next().unwrap_or("").trim())
            .collect();
        for l in overlay.lines().filter(|l| l.starts_with("hand ")) {
            assert!(l.contains(" -- "), "overlay entry without a reason: {l}");
        }
        let missing: Vec<String> = hand_only(HAND_ROOT, Some((b, b.root())), "")
            .into_iter()
            .filter(|p| !listed.contains(&p.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "hand statements missing from the facts and from schema/overlay.txt \
             (add `hand PATH -- reason`):\n{}",
            missing.join("\n")
        );
    }
}
