//! `junos:must` expressions of the facts beyond plain references, evaluated at commit.
//!
//! The facts hold 29,568 expressions. Their forms, by count (`P` a quoted path):
//!
//! | form | count | here |
//! |---|---:|---|
//! | `(!("P"))` — P must not be configured | 15,288 | evaluated |
//! | `("P")` — P must be configured (`$$` absolute: a reference) | 7,618 | evaluated |
//! | `("P" \|\| "P" ...)`, `(!("P") && !("P") ...)`, nested | ~4,700 | evaluated |
//! | `(any "P")`, `(!(any "P"))` — some entry of `<*>` has P | ~900 | evaluated |
//! | `(unique "P")` — no other statement at P has this value | 221 | evaluated |
//! | `(all "P")` — every entry of `<*>` has P | ~160 | not evaluated |
//! | paths with `${var}`, `$$-IFL`, `$$={value}` | ~1,000 | not evaluated |
//!
//! A path starts at the statement's parent (`.. tls` is a sibling; each further `..`
//! goes up one statement, a list entry counting as one), at the statement itself (`.`),
//! or at the top. Words name statements, `<*>` any entry of a list, `$$` the statement's
//! value; a word after a leaf is compared with its value. An expression whose path
//! leaves the schema (the facts share objects between levels, so a path written for one
//! level can be meaningless at another), or uses a form marked "not evaluated", is not
//! checked at all: never a false refusal.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{LazyLock, RwLock};

use crate::schema::{self, Fnv, Kind, SchemaNode};
use crate::tree::{self, Node, Value};

/// A parsed expression.
#[derive(Debug)]
pub(crate) enum Expr {
    /// A path, with how its matches count.
    Path(Quant, &'static str),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// How a path's matches are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quant {
    /// Configured at least once (plain paths and `any`).
    Exists,
    /// `unique`: at most one match (this statement).
    Unique,
    /// `all`: not evaluated.
    All,
}

/// The parsed form of `must` (memoised per expression of the facts, which are a fixed
/// set: each thread keeps its own map, so commits take no lock), `None` when it does not
/// parse.
pub(crate) fn parse(must: &'static str) -> Option<&'static Expr> {
    type Memo = HashMap<(usize, usize), Option<&'static Expr>, BuildHasherDefault<Fnv>>;
    thread_local! {
        static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
    }
    let id = (must.as_ptr() as usize, must.len());
    if let Some(e) = MEMO.with(|m| m.borrow().get(&id).copied()) {
        return e;
    }
    // Built once for the process (the shared map owns it), cached per thread.
    static SHARED: LazyLock<RwLock<Memo>> = LazyLock::new(|| RwLock::new(Memo::default()));
    let known = SHARED.read().ok().and_then(|m| m.get(&id).copied());
    let e = match known {
        Some(e) => e,
        None => {
            let e = parse_new(must).map(|e| &*Box::leak(Box::new(e)));
            match SHARED.write() {
                Ok(mut m) => *m.entry(id).or_insert(e),
                Err(_) => e,
            }
        }
    };
    MEMO.with(|m| m.borrow_mut().insert(id, e));
    e
}

fn parse_new(must: &'static str) -> Option<Expr> {
    let toks = lex(must)?;
    let mut p = Parser { toks, pos: 0 };
    p.or().filter(|_| p.pos == p.toks.len())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Not,
    And,
    Or,
    Word(&'static str),
    Str(&'static str),
}

fn lex(s: &'static str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'!' => {
                out.push(Tok::Not);
                i += 1;
            }
            b'&' if b.get(i + 1) == Some(&b'&') => {
                out.push(Tok::And);
                i += 2;
            }
            b'|' if b.get(i + 1) == Some(&b'|') => {
                out.push(Tok::Or);
                i += 2;
            }
            b'"' => {
                let end = s[i + 1..].find('"')? + i + 1;
                out.push(Tok::Str(&s[i + 1..end]));
                i = end + 1;
            }
            c if c.is_ascii_alphabetic() => {
                let end = s[i..]
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                    .map_or(s.len(), |e| e + i);
                out.push(Tok::Word(&s[i..end]));
                i = end;
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).copied()
    }

    fn or(&mut self) -> Option<Expr> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(Tok::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Some(if items.len() == 1 {
            items.pop()?
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Option<Expr> {
        let mut items = vec![self.unary()?];
        while self.peek() == Some(Tok::And) {
            self.pos += 1;
            items.push(self.unary()?);
        }
        Some(if items.len() == 1 {
            items.pop()?
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Option<Expr> {
        let t = self.peek()?;
        self.pos += 1;
        match t {
            Tok::Not => Some(Expr::Not(Box::new(self.unary()?))),
            Tok::Open => {
                let e = self.or()?;
                (self.peek() == Some(Tok::Close)).then_some(())?;
                self.pos += 1;
                Some(e)
            }
            Tok::Str(p) => Some(Expr::Path(Quant::Exists, p)),
            Tok::Word(w) => {
                let q = match w {
                    "any" => Quant::Exists,
                    "unique" => Quant::Unique,
                    "all" => Quant::All,
                    _ => return None,
                };
                match self.peek()? {
                    Tok::Str(p) => {
                        self.pos += 1;
                        Some(Expr::Path(q, p))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Where an expression is evaluated: the levels from the top down to the one holding
/// the statement (schema and configured statements of each), the statement and its
/// value (`$$`).
pub(crate) struct Ctx<'n> {
    pub(crate) levels: &'n [(&'static [SchemaNode], &'n [Node])],
    pub(crate) node: &'n Node,
    pub(crate) value: Option<&'n str>,
}

/// The value of `e` in `ctx`: `None` when it cannot be evaluated.
pub(crate) fn eval(e: &Expr, ctx: &Ctx<'_>) -> Option<bool> {
    match e {
        Expr::Path(Quant::All, _) => None,
        Expr::Path(Quant::Exists, p) => Some(count(p, ctx)? > 0),
        Expr::Path(Quant::Unique, p) => {
            if !p.contains("$$") {
                return None;
            }
            Some(count(p, ctx)? <= 1)
        }
        Expr::Not(inner) => eval(inner, ctx).map(|b| !b),
        Expr::And(items) => {
            let vals: Vec<Option<bool>> = items.iter().map(|i| eval(i, ctx)).collect();
            if vals.contains(&Some(false)) {
                Some(false)
            } else if vals.iter().all(|v| *v == Some(true)) {
                Some(true)
            } else {
                None
            }
        }
        Expr::Or(items) => {
            let vals: Vec<Option<bool>> = items.iter().map(|i| eval(i, ctx)).collect();
            if vals.contains(&Some(true)) {
                Some(true)
            } else if vals.iter().all(|v| *v == Some(false)) {
                Some(false)
            } else {
                None
            }
        }
    }
}

/// How many configured statements the path names, `None` when it cannot be resolved.
fn count(path: &str, ctx: &Ctx<'_>) -> Option<usize> {
    let words: Vec<&str> = path.split_whitespace().collect();
    if words
        .iter()
        .any(|w| w.contains("${") || w.contains('=') || (w.contains("$$") && *w != "$$"))
    {
        return None;
    }
    let ups = words.iter().take_while(|w| **w == "..").count();
    let (level, nodes): (&'static [SchemaNode], &[Node]) = if ups > 0 {
        *ctx.levels.get(ctx.levels.len().checked_sub(ups)?)?
    } else if words.first() == Some(&".") {
        let own: &[Node] = match &ctx.node.value {
            Value::Container(c) => c,
            _ => &[],
        };
        return walk(ctx.node.schema.children(), own, &words[1..], ctx.value);
    } else {
        *ctx.levels.first()?
    };
    walk(level, nodes, &words[ups..], ctx.value)
}

fn walk(
    level: &'static [SchemaNode],
    nodes: &[Node],
    words: &[&str],
    value: Option<&str>,
) -> Option<usize> {
    let Some((w, rest)) = words.split_first() else {
        return Some(1);
    };
    let key_word = |k: &str| -> Option<Option<String>> {
        match k {
            "<*>" => Some(None),
            "$$" => Some(Some(value?.to_owned())),
            lit => Some(Some(lit.to_owned())),
        }
    };
    let Some(sn) = schema::find(level, w) else {
        // A keyword-less list: the word is an entry's key (`interfaces ge-0/0/0 ...`).
        let bare = schema::bare_list(level)?;
        return entries(bare, nodes, key_word(w)?, rest, value);
    };
    let Some(node) = tree::child(nodes, sn.name) else {
        // Not configured; the rest must still be in the schema to count as 0.
        return in_schema(sn, rest).then_some(0);
    };
    match (&sn.kind, &node.value) {
        (Kind::Container { .. }, Value::Container(c)) => walk(sn.children(), c, rest, value),
        (Kind::Flag, _) => rest.is_empty().then_some(1),
        (Kind::Leaf(_), Value::Leaf(v)) => match rest {
            [] => Some(1),
            [want] => Some(usize::from(match key_word(want)? {
                None => true,
                Some(w) => &w == v,
            })),
            _ => None,
        },
        (Kind::LeafList(_), Value::LeafList(vs)) => match rest {
            [] => Some(usize::from(!vs.is_empty())),
            [want] => Some(match key_word(want)? {
                None => vs.len(),
                Some(w) => vs.iter().filter(|v| **v == w).count(),
            }),
            _ => None,
        },
        (Kind::List { .. }, _) => match rest.split_first() {
            None => Some(usize::from(
                !matches!(&node.value, Value::List(e) if e.is_empty()),
            )),
            Some((k, more)) => entries(sn, std::slice::from_ref(node), key_word(k)?, more, value),
        },
        _ => None,
    }
}

/// Matches below the entries of list `sn` (among `nodes`) selected by `key` (`None`:
/// every entry).
fn entries(
    sn: &'static SchemaNode,
    nodes: &[Node],
    key: Option<String>,
    rest: &[&str],
    value: Option<&str>,
) -> Option<usize> {
    if !in_level(sn.children(), rest) {
        return None;
    }
    let Some(Value::List(list)) = tree::child(nodes, sn.name).map(|n| &n.value) else {
        return Some(0);
    };
    let mut total = 0;
    for e in list
        .iter()
        .filter(|e| key.as_ref().is_none_or(|k| *k == e.key))
    {
        total += walk(sn.children(), &e.children, rest, value)?;
    }
    Some(total)
}

/// True when the words after statement `sn` name statements of the schema.
fn in_schema(sn: &'static SchemaNode, rest: &[&str]) -> bool {
    match sn.kind {
        Kind::Leaf(_) | Kind::LeafList(_) => rest.len() <= 1,
        Kind::Flag => rest.is_empty(),
        Kind::List { .. } => rest
            .split_first()
            .is_none_or(|(_, more)| in_level(sn.children(), more)),
        Kind::Container { .. } => in_level(sn.children(), rest),
    }
}

/// True when `rest` names statements from `level` down.
fn in_level(level: &'static [SchemaNode], rest: &[&str]) -> bool {
    let Some((w, more)) = rest.split_first() else {
        return true;
    };
    match schema::find(level, w) {
        Some(sn) => in_schema(sn, more),
        None => schema::bare_list(level).is_some_and(|b| in_level(b.children(), more)),
    }
}

/// The words of a path as shown in a message: without the leading `..`, `$$` replaced by
/// the value.
pub(crate) fn shown_path(path: &str, value: Option<&str>) -> String {
    path.split_whitespace()
        .filter(|w| *w != ".." && *w != ".")
        .map(|w| match (w, value) {
            ("$$", Some(v)) => crate::value::quote(v),
            (w, _) => w.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn all_musts() -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![schema::root()];
        while let Some(level) = stack.pop() {
            for sn in level {
                out.extend(sn.must.iter().copied());
                let kids = sn.children();
                if !kids.is_empty() && seen.insert(kids.as_ptr() as usize) {
                    stack.push(kids);
                }
            }
        }
        out
    }

    #[test]
    fn almost_every_expression_of_the_facts_parses() {
        let musts = all_musts();
        assert!(musts.len() > 5_000, "{}", musts.len());
        let bad: Vec<&str> = musts
            .iter()
            .copied()
            .filter(|m| parse(m).is_none())
            .collect();
        assert!(
            bad.len() * 100 < musts.len(),
            "{} of {} do not parse, e.g. {:?}",
            bad.len(),
            musts.len(),
            &bad[..bad.len().min(10)]
        );
    }

    #[test]
    fn forms_parse_as_written() {
        let e = parse("((!(\".. a\") && (\"b $$\" || any \".. c <*> d\")))").expect("parses");
        assert!(matches!(e, Expr::And(v) if v.len() == 2), "{e:?}");
        assert!(matches!(
            parse("(unique \".. x <*> y $$\")").expect("u"),
            Expr::Path(Quant::Unique, _)
        ));
        assert!(parse("(\"unterminated)").is_none());
        assert_eq!(
            shown_path(".. .. pce <*> delegation-priority $$", Some("5")),
            "pce <*> delegation-priority 5"
        );
    }
}
