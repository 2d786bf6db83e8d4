//! `show | compare`: the differences between two configurations, Junos style.
//!
//! ```text
//! [edit system]
//! -  host-name r1;
//! +  host-name r2;
//! [edit system login]
//! +  user bob {
//! +      class operator;
//! +  }
//! ```
//!
//! One `[edit PATH]` header before the changes at each level; each changed statement is
//! printed as in the configuration text, every line prefixed with `+` (added) or `-`
//! (removed) and two spaces. A statement that only changes state is shown with `!`
//! (`!  inactive: host-name r1;`, `!  active: host-name r1;`); annotation changes are
//! shown as `-`/`+` comment lines.

use std::collections::HashMap;

use crate::config::Config;
use crate::error::edit_path;
use crate::schema::{self, SchemaNode};
use crate::text;
use crate::tree::{self, Entry, Meta, Node, Value};

impl Config {
    /// The differences from this configuration to `newer`, as `show | compare` prints
    /// them (empty when equal).
    pub fn compare(&self, newer: &Config) -> String {
        let mut d = Diff::default();
        d.level(
            &mut Vec::new(),
            &self.children,
            &newer.children,
            schema::root(),
        );
        d.out
    }
}

#[derive(Default)]
struct Diff {
    out: String,
    header: Option<String>,
}

/// A lone statement as text: one node, or one entry of a list node.
fn statement_text(n: &Node, entry: Option<&Entry>) -> String {
    let mut s = String::new();
    match entry {
        Some(e) => {
            let one = Node {
                schema: n.schema,
                meta: Meta::default(),
                value: Value::List(vec![e.clone()]),
            };
            if n.schema.braced {
                // Inside its block, as a bare entry.
                let mut inner = String::new();
                text::print_children(&mut inner, std::slice::from_ref(&one), 0);
                let lines: Vec<&str> = inner.lines().collect();
                if lines.len() > 2 {
                    for l in &lines[1..lines.len() - 1] {
                        s.push_str(l.strip_prefix("    ").unwrap_or(l));
                        s.push('\n');
                    }
                }
                return s;
            }
            text::print_children(&mut s, std::slice::from_ref(&one), 0);
        }
        None => text::print_children(&mut s, std::slice::from_ref(n), 0),
    }
    s
}

/// The first line of a statement's text, without annotation, tag or `{`.
fn head_of(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim_start().starts_with("/*"))
        .unwrap_or_default();
    line.trim_start_matches("inactive: ")
        .trim_end_matches(" {")
        .to_owned()
}

impl Diff {
    fn head(&mut self, words: &[String]) {
        let h = edit_path(words);
        if self.header.as_deref() != Some(h.as_str()) {
            self.out.push_str(&h);
            self.out.push('\n');
            self.header = Some(h);
        }
    }

    fn lines(&mut self, words: &[String], mark: char, text: &str) {
        if text.is_empty() {
            return;
        }
        self.head(words);
        for l in text.lines() {
            self.out.push(mark);
            self.out.push_str("  ");
            self.out.push_str(l);
            self.out.push('\n');
        }
    }

    /// State and annotation changes of a statement present on both sides.
    fn meta(&mut self, words: &[String], old: &Meta, new: &Meta, head: &str) {
        if old.annotation != new.annotation {
            if let Some(a) = &old.annotation {
                self.lines(words, '-', &format!("/* {a} */"));
            }
            if let Some(a) = &new.annotation {
                self.lines(words, '+', &format!("/* {a} */"));
            }
        }
        if old.inactive != new.inactive {
            let state = if new.inactive { "inactive" } else { "active" };
            self.lines(words, '!', &format!("{state}: {head}"));
        }
    }

    fn level(
        &mut self,
        words: &mut Vec<String>,
        old: &[Node],
        new: &[Node],
        level: &'static [SchemaNode],
    ) {
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            let rank = |n: &Node| schema::order(level, n.schema.name);
            match (old.get(i), new.get(j)) {
                (Some(o), Some(n)) if o.schema.name == n.schema.name => {
                    self.node(words, o, n);
                    i += 1;
                    j += 1;
                }
                (Some(o), Some(n)) if rank(o) < rank(n) => {
                    self.lines(words, '-', &statement_text(o, None));
                    i += 1;
                }
                (Some(_), Some(n)) | (None, Some(n)) => {
                    self.lines(words, '+', &statement_text(n, None));
                    j += 1;
                }
                (Some(o), None) => {
                    self.lines(words, '-', &statement_text(o, None));
                    i += 1;
                }
                (None, None) => break,
            }
        }
    }

    fn node(&mut self, words: &mut Vec<String>, o: &Node, n: &Node) {
        let head = |x: &Node| head_of(&statement_text(x, None));
        match (&o.value, &n.value) {
            (Value::Container(oc), Value::Container(nc)) => {
                self.meta(words, &o.meta, &n.meta, &head(n));
                words.push(n.schema.name.to_owned());
                self.level(words, oc, nc, n.schema.children());
                words.pop();
            }
            (Value::List(oe), Value::List(ne)) => self.entries(words, o, oe, ne),
            (Value::LeafList(ov), Value::LeafList(nv)) if ov != nv => {
                let name = n.schema.name;
                for v in ov.iter().filter(|v| !nv.contains(v)) {
                    self.lines(words, '-', &format!("{name} {};", crate::value::quote(v)));
                }
                for v in nv.iter().filter(|v| !ov.contains(v)) {
                    self.lines(words, '+', &format!("{name} {};", crate::value::quote(v)));
                }
                self.meta(words, &o.meta, &n.meta, &head(n));
            }
            (a, b) if a != b => {
                self.lines(words, '-', &statement_text(o, None));
                self.lines(words, '+', &statement_text(n, None));
            }
            _ => self.meta(words, &o.meta, &n.meta, &head(n)),
        }
    }

    fn entries(&mut self, words: &[String], list: &Node, old: &[Entry], new: &[Entry]) {
        let sn = list.schema;
        let new_at: HashMap<&str, &Entry> = new.iter().map(|e| (e.key.as_str(), e)).collect();
        let old_at: HashMap<&str, &Entry> = old.iter().map(|e| (e.key.as_str(), e)).collect();
        let mut at = words.to_vec();
        if sn.braced {
            at.push(sn.name.to_owned());
        }
        for e in old.iter().filter(|e| !new_at.contains_key(e.key.as_str())) {
            self.lines(&at, '-', &statement_text(list, Some(e)));
        }
        for e in new {
            match old_at.get(e.key.as_str()) {
                None => self.lines(&at, '+', &statement_text(list, Some(e))),
                Some(oe) if *oe == e => {}
                Some(oe) => {
                    let h = head_of(&statement_text(list, Some(e)));
                    self.meta(&at, &oe.meta, &e.meta, &h);
                    at.push(if sn.braced {
                        crate::keys::shown(sn, &e.key)
                    } else {
                        tree::entry_words(sn, &e.key)
                    });
                    self.level(&mut at, &oe.children, &e.children, sn.children());
                    at.pop();
                }
            }
        }
    }
}
