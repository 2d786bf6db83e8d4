//! Junos curly-brace text: schema-driven parser and printer.
//!
//! ```text
//! system {
//!     host-name r1;
//!     login {
//!         user admin {
//!             class super-user;
//!             authentication {
//!                 encrypted-password "$6$..."; ## SECRET-DATA
//!             }
//!         }
//!     }
//! }
//! ```
//!
//! The parser accepts the `replace:` tag before any statement and reports where it was
//! (for `load replace`); other modes ignore it. Repeated statements merge, as in Junos.

use std::collections::HashMap;

use crate::common::{absorb, pad, shown_value, Parsed};
use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::keys;
use crate::lex::{tokenize, Tok, Token};
use crate::schema::{self, Kind, SchemaNode};
use crate::tree::{self, Entry, KeyIndex, Meta, Node, Step, Value};
use crate::value::{quote, ValueType};

/// Parses curly-brace text against the schema.
pub(crate) fn parse(text: &str) -> Result<Parsed, ConfigError> {
    let toks = tokenize(text, 1)?;
    let end = toks
        .last()
        .map_or((1, 1), |t| (t.line, t.col + t.shown().chars().count()));
    let mut p = Parser {
        toks,
        pos: 0,
        end,
        replaces: Vec::new(),
        deletes: Vec::new(),
        activates: Vec::new(),
        on_line: false,
        line_open: false,
    };
    let mut children = Vec::new();
    p.block(schema::root(), &mut children, &mut Vec::new(), true)?;
    Ok(Parsed {
        children,
        replaces: p.replaces,
        deletes: p.deletes,
        activates: p.activates,
    })
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Where the input ends (after the last token), for "unexpected end" errors.
    end: (usize, usize),
    replaces: Vec<Vec<Step>>,
    /// Statements tagged `delete:` (a leaf-list's value with it).
    deletes: Vec<(Vec<Step>, Option<String>)>,
    /// Statements tagged `active:`.
    activates: Vec<Vec<Step>>,
    /// Inside the one-line form of a container (`archive size 1m files 3;`): simple
    /// statements follow each other until `;`.
    on_line: bool,
    /// The last simple statement stopped before the next one of its line (no `;`).
    line_open: bool,
}

/// Tags written before a statement.
#[derive(Default)]
struct Tags {
    replace: bool,
    /// `delete:` the statement (merge and replace loads).
    delete: bool,
    /// `active:` the statement (clears `inactive`).
    active: bool,
    meta: Meta,
}

/// Key indexes of the lists of one block, by list name.
type Indexes = HashMap<&'static str, KeyIndex>;

impl Parser {
    /// Takes the next token (tokens are read once; a consumed slot keeps only its
    /// position).
    fn next(&mut self) -> Option<Token> {
        let slot = self.toks.get_mut(self.pos)?;
        let placeholder = Token {
            tok: Tok::Semi,
            line: slot.line,
            col: slot.col,
        };
        self.pos += 1;
        Some(std::mem::replace(slot, placeholder))
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn end(&self) -> (usize, usize) {
        self.end
    }

    fn err_at(
        &self,
        tok: Option<&Token>,
        kind: ConfigErrorKind,
        steps: &[Step],
        statement: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        let (l, c) = tok.map_or_else(|| self.end(), |t| (t.line, t.col));
        ConfigError::new(
            kind,
            edit_path(&tree::path_words(steps)),
            statement,
            message,
        )
        .at(l, c)
    }

    fn block(
        &mut self,
        schema: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &mut Vec<Step>,
        top: bool,
    ) -> Result<(), ConfigError> {
        let on_line = std::mem::replace(&mut self.on_line, false);
        let res = self.block_body(schema, children, steps, top);
        self.on_line = on_line;
        res
    }

    fn block_body(
        &mut self,
        schema: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &mut Vec<Step>,
        top: bool,
    ) -> Result<(), ConfigError> {
        let mut indexes = Indexes::new();
        let mut annotation = None;
        loop {
            let Some(tok) = self.next() else {
                if top {
                    return Ok(());
                }
                return Err(self.err_at(
                    None,
                    ConfigErrorKind::Syntax,
                    steps,
                    "",
                    "syntax error: missing '}' at end of input",
                ));
            };
            match &tok.tok {
                Tok::RBrace if !top => return Ok(()),
                Tok::Comment(c) => annotation = crate::value::annotation(c),
                Tok::Word(_) | Tok::Quoted(_) => {
                    let tags = Tags {
                        replace: false,
                        delete: false,
                        active: false,
                        meta: Meta {
                            inactive: false,
                            annotation: annotation.take(),
                        },
                    };
                    self.statement(tok, tags, schema, children, steps, &mut indexes)?;
                }
                _ => {
                    return Err(self.err_at(
                        Some(&tok),
                        ConfigErrorKind::Syntax,
                        steps,
                        tok.shown(),
                        format!("syntax error: unexpected '{}'", tok.shown()),
                    ))
                }
            }
        }
    }

    /// Reads `replace:` / `inactive:` / `active:` / `delete:` tags; returns the token
    /// after them.
    fn tags(
        &mut self,
        mut tok: Token,
        tags: &mut Tags,
        steps: &[Step],
    ) -> Result<Token, ConfigError> {
        let mut after = None;
        loop {
            match &tok.tok {
                Tok::Word(w) if w == "replace:" => tags.replace = true,
                Tok::Word(w) if w == "inactive:" => tags.meta.inactive = true,
                Tok::Word(w) if w == "delete:" => tags.delete = true,
                Tok::Word(w) if w == "active:" => tags.active = true,
                // Junos's protection tags: say so, rather than read them as a name.
                Tok::Word(w) if w == "protect:" || w == "unprotect:" => {
                    return Err(self.err_at(
                        Some(&tok),
                        ConfigErrorKind::Syntax,
                        steps,
                        w.clone(),
                        format!(
                            "syntax error: '{w}' (protected configuration) is not supported by \
                             this OpenJET release; remove the tag"
                        ),
                    ))
                }
                Tok::Word(_) | Tok::Quoted(_) => return Ok(tok),
                _ => {
                    return Err(self.err_at(
                        Some(&tok),
                        ConfigErrorKind::Syntax,
                        steps,
                        after.clone().unwrap_or_else(|| tok.shown()),
                        match after {
                            Some(t) => format!("syntax error: expected a statement after '{t}'"),
                            None => format!(
                                "syntax error: expected a statement, found '{}'",
                                tok.shown()
                            ),
                        },
                    ))
                }
            }
            after = Some(tok.shown());
            match self.next() {
                Some(t) => tok = t,
                None => {
                    return Err(self.err_at(
                        None,
                        ConfigErrorKind::Syntax,
                        steps,
                        "",
                        format!(
                            "syntax error: expected a statement after '{}'",
                            after.unwrap_or_default()
                        ),
                    ))
                }
            }
        }
    }

    fn statement(
        &mut self,
        first: Token,
        mut tags: Tags,
        schema: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &mut Vec<Step>,
        indexes: &mut Indexes,
    ) -> Result<(), ConfigError> {
        let name_tok = self.tags(first, &mut tags, steps)?;
        if tags.delete || tags.active {
            return self.tagged(name_tok, tags, schema, children, steps);
        }
        let found = match &name_tok.tok {
            Tok::Word(w) => schema::find(schema, w),
            _ => None,
        };
        let Some(sn) = found else {
            let name = name_tok.text().unwrap_or_default().to_owned();
            if let Some(bare) = schema::bare_list(schema) {
                let canon = if keys::is_multi(bare) {
                    self.multi_key(bare, Some(name_tok), steps)?
                } else {
                    self.check_at(&name, &name_tok, bare, steps)?
                };
                return self.entry(bare, canon, tags, schema, children, steps, indexes);
            }
            if let Some(leaf) = schema::bare_leaf(schema, &name) {
                let canon = self.check_at(&name, &name_tok, leaf, steps)?;
                let node = tree::child_or_insert(children, schema, leaf);
                match &mut node.value {
                    Value::Leaf(v) => *v = canon,
                    Value::LeafList(vs) if !vs.contains(&canon) => vs.push(canon),
                    _ => {}
                }
                absorb(&mut node.meta, tags.meta);
                self.end_simple(leaf.name, steps)?;
                self.mark(tags.replace, steps, leaf);
                return Ok(());
            }
            return Err(self.err_at(
                Some(&name_tok),
                ConfigErrorKind::UnknownStatement,
                steps,
                name.clone(),
                format!("unknown statement '{name}'"),
            ));
        };
        match sn.kind {
            Kind::Container { .. } => {
                let inner = sn.children();
                let node = tree::child_or_insert(children, schema, sn);
                absorb(&mut node.meta, tags.meta);
                steps.push(Step {
                    schema: sn,
                    key: None,
                });
                if tags.replace {
                    self.replaces.push(steps.clone());
                }
                let res = match tree::container_children(node) {
                    Some(c) => self.body(sn.name, inner, c, steps),
                    None => Ok(()),
                };
                steps.pop();
                res
            }
            Kind::List { .. } if sn.braced && self.peek() == Some(&Tok::LBrace) => {
                self.pos += 1;
                if tags.meta.inactive {
                    return Err(self.err_at(
                        Some(&name_tok),
                        ConfigErrorKind::Syntax,
                        steps,
                        sn.name,
                        format!(
                            "syntax error: tag the entries of '{}', not the list",
                            sn.name
                        ),
                    ));
                }
                // A comment before the list (`/* ... */ groups {`) annotates its first
                // entry: entries carry tags, the list has none of its own.
                let mut annotation = tags.meta.annotation;
                loop {
                    let Some(tok) = self.next() else {
                        return Err(self.err_at(
                            None,
                            ConfigErrorKind::Syntax,
                            steps,
                            sn.name,
                            "syntax error: missing '}' at end of input",
                        ));
                    };
                    match &tok.tok {
                        Tok::RBrace => break,
                        Tok::Comment(c) => annotation = crate::value::annotation(c),
                        _ => {
                            let mut t = Tags {
                                replace: tags.replace,
                                delete: false,
                                active: false,
                                meta: Meta {
                                    inactive: false,
                                    annotation: annotation.take(),
                                },
                            };
                            let key_tok = self.tags(tok, &mut t, steps)?;
                            let canon = if keys::is_multi(sn) {
                                self.multi_key(sn, Some(key_tok), steps)?
                            } else {
                                let raw = key_tok.text().unwrap_or_default().to_owned();
                                self.check_at(&raw, &key_tok, sn, steps)?
                            };
                            if t.delete {
                                // `delete: 192.0.2.53;` inside `name-server { ... }`.
                                self.semi(sn.name, steps)?;
                                let mut path = steps.clone();
                                path.push(Step {
                                    schema: sn,
                                    key: Some(canon),
                                });
                                self.deletes.push((path, None));
                                continue;
                            }
                            self.entry(sn, canon, t, schema, children, steps, indexes)?;
                        }
                    }
                }
                if tree::child(children, sn.name)
                    .is_some_and(|n| matches!(&n.value, Value::List(e) if e.is_empty()))
                {
                    children.retain(|n| n.schema.name != sn.name);
                }
                Ok(())
            }
            Kind::List { .. } if keys::is_multi(sn) => {
                let canon = self.multi_key(sn, None, steps)?;
                self.entry(sn, canon, tags, schema, children, steps, indexes)
            }
            Kind::List { .. } => {
                let at = self.pos;
                let raw = self.value(sn, steps)?;
                // The consumed slot keeps the token's position.
                let canon = match self.toks.get(at) {
                    Some(t) => self.check_at(&raw, t, sn, steps)?,
                    None => raw,
                };
                self.entry(sn, canon, tags, schema, children, steps, indexes)
            }
            Kind::Leaf(_) | Kind::LeafList(_) | Kind::Flag => {
                let node = self.simple(sn, schema, children, steps)?;
                absorb(&mut node.meta, tags.meta);
                self.end_simple(sn.name, steps)?;
                self.mark(tags.replace, steps, sn);
                Ok(())
            }
        }
    }

    /// A statement tagged `delete:` (recorded, not stored; `delete: host-name;` needs
    /// no value) or `active:` (stored, and recorded to clear its `inactive` tag).
    fn tagged(
        &mut self,
        name_tok: Token,
        tags: Tags,
        schema: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &mut Vec<Step>,
    ) -> Result<(), ConfigError> {
        if tags.delete {
            let leaf = match &name_tok.tok {
                Tok::Word(w) => schema::find(schema, w)
                    .filter(|sn| matches!(sn.kind, Kind::Leaf(_) | Kind::LeafList(_))),
                _ => None,
            };
            if let Some(sn) = leaf.filter(|_| self.peek() == Some(&Tok::Semi)) {
                self.pos += 1;
                let mut path = steps.clone();
                path.push(Step {
                    schema: sn,
                    key: None,
                });
                self.deletes.push((path, None));
                return Ok(());
            }
        }
        let mut scratch = Vec::new();
        let inner = Tags {
            replace: tags.replace,
            delete: false,
            active: false,
            meta: tags.meta,
        };
        self.statement(
            name_tok,
            inner,
            schema,
            &mut scratch,
            steps,
            &mut Indexes::new(),
        )?;
        for n in &scratch {
            let mut at = |key: Option<String>, value: Option<String>| {
                let mut path = steps.clone();
                path.push(Step {
                    schema: n.schema,
                    key,
                });
                if tags.delete {
                    self.deletes.push((path, value));
                } else {
                    self.activates.push(path);
                }
            };
            match &n.value {
                Value::List(entries) => entries.iter().for_each(|e| at(Some(e.key.clone()), None)),
                Value::LeafList(vs) if tags.delete => {
                    vs.iter().for_each(|v| at(None, Some(v.clone())))
                }
                _ => at(None, None),
            }
        }
        if !tags.delete {
            tree::merge_children(children, scratch, schema);
        }
        Ok(())
    }

    /// The value(s) of a leaf, leaf-list or flag (after its name, before `;`), stored.
    fn simple<'c>(
        &mut self,
        sn: &'static SchemaNode,
        schema: &'static [SchemaNode],
        children: &'c mut Vec<Node>,
        steps: &[Step],
    ) -> Result<&'c mut Node, ConfigError> {
        match sn.kind {
            Kind::Leaf(_) => {
                let at = self.pos;
                let raw = self.value(sn, steps)?;
                let canon = match self.toks.get(at) {
                    Some(t) => self.check_at(&raw, t, sn, steps)?,
                    None => raw,
                };
                let node = tree::child_or_insert(children, schema, sn);
                node.value = Value::Leaf(canon);
                Ok(node)
            }
            Kind::LeafList(_) => {
                let mut values = Vec::new();
                if self.peek() == Some(&Tok::LBracket) {
                    self.pos += 1;
                    loop {
                        match self.next() {
                            Some(Token {
                                tok: Tok::RBracket, ..
                            }) => break,
                            Some(t) if t.text().is_some() => values.push(t),
                            other => {
                                return Err(self.err_at(
                                    other.as_ref(),
                                    ConfigErrorKind::Syntax,
                                    steps,
                                    sn.name,
                                    "syntax error: missing ']'",
                                ))
                            }
                        }
                    }
                } else {
                    let t = self.toks.get(self.pos).cloned();
                    self.value(sn, steps)?;
                    values.extend(t);
                }
                let mut canon = Vec::with_capacity(values.len());
                for t in &values {
                    canon.push(self.check_at(t.text().unwrap_or_default(), t, sn, steps)?);
                }
                let node = tree::child_or_insert(children, schema, sn);
                if let Value::LeafList(vs) = &mut node.value {
                    for v in canon {
                        if !vs.contains(&v) {
                            vs.push(v);
                        }
                    }
                }
                Ok(node)
            }
            _ => Ok(tree::child_or_insert(children, schema, sn)),
        }
    }

    /// A list entry whose key has been read: inline statements, then `{ ... }` or `;`.
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        sn: &'static SchemaNode,
        key: String,
        tags: Tags,
        schema: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &mut Vec<Step>,
        indexes: &mut Indexes,
    ) -> Result<(), ConfigError> {
        let node = tree::child_or_insert(children, schema, sn);
        let Value::List(entries) = &mut node.value else {
            return Ok(());
        };
        let entry: &mut Entry = indexes
            .entry(sn.name)
            .or_default()
            .entry_or_insert(entries, &key);
        absorb(&mut entry.meta, tags.meta);
        steps.push(Step {
            schema: sn,
            key: Some(key),
        });
        if tags.replace {
            self.replaces.push(steps.clone());
        }
        let inner = sn.children();
        let res = (|| {
            while let Some(Tok::Word(w)) = self.peek() {
                let Some(c) = schema::find(inner, w).filter(|c| c.inline) else {
                    break;
                };
                self.pos += 1;
                self.simple(c, inner, &mut entry.children, steps)?;
            }
            self.body(sn.name, inner, &mut entry.children, steps)
        })();
        steps.pop();
        res
    }

    fn mark(&mut self, replace: bool, steps: &[Step], sn: &'static SchemaNode) {
        if replace {
            let mut p = steps.to_vec();
            p.push(Step {
                schema: sn,
                key: None,
            });
            self.replaces.push(p);
        }
    }

    /// After a container or list key: `{ ... }` or `;`.
    fn body(
        &mut self,
        name: &str,
        inner: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &mut Vec<Step>,
    ) -> Result<(), ConfigError> {
        match self.next() {
            Some(Token {
                tok: Tok::LBrace, ..
            }) => self.block(inner, children, steps, false),
            Some(Token { tok: Tok::Semi, .. }) => Ok(()),
            // One statement on the same line: `family inet {`, `then accept;`.
            Some(
                t @ Token {
                    tok: Tok::Word(_) | Tok::Quoted(_),
                    ..
                },
            ) if !inner.is_empty() => {
                let mut indexes = Indexes::new();
                let outer = std::mem::replace(&mut self.on_line, true);
                let mut t = t;
                let res = loop {
                    self.line_open = false;
                    if let Err(e) =
                        self.statement(t, Tags::default(), inner, children, steps, &mut indexes)
                    {
                        break Err(e);
                    }
                    if !std::mem::take(&mut self.line_open) {
                        break Ok(());
                    }
                    match self.next() {
                        Some(n) => t = n,
                        None => break Ok(()),
                    }
                };
                self.on_line = outer;
                res
            }
            other => Err(self.err_at(
                other.as_ref(),
                ConfigErrorKind::Syntax,
                steps,
                name,
                "syntax error: expected '{' or ';'",
            )),
        }
    }

    /// A value token (word or quoted string).
    fn value(&mut self, sn: &SchemaNode, steps: &[Step]) -> Result<String, ConfigError> {
        match self.next() {
            Some(Token {
                tok: Tok::Word(s) | Tok::Quoted(s),
                ..
            }) => Ok(s),
            other => {
                let what = if matches!(sn.kind, Kind::List { .. }) {
                    "name"
                } else {
                    "value"
                };
                Err(self.err_at(
                    other.as_ref(),
                    ConfigErrorKind::Syntax,
                    steps,
                    sn.name,
                    format!("syntax error: missing {what} for '{}'", sn.name),
                ))
            }
        }
    }

    /// The keys of an entry of a list with several keys (`neighbor-id 192.0.2.1
    /// transit-area 0.0.0.1`), from `first` (already taken) and the tokens after it.
    fn multi_key(
        &mut self,
        sn: &'static SchemaNode,
        first: Option<Token>,
        steps: &[Step],
    ) -> Result<String, ConfigError> {
        let max = keys::max_words(sn);
        let taken = usize::from(first.is_some());
        let mut toks: Vec<Token> = first.into_iter().collect();
        let mut j = self.pos;
        while toks.len() < max {
            match self.toks.get(j) {
                Some(t) if t.text().is_some() => toks.push(t.clone()),
                _ => break,
            }
            j += 1;
        }
        let words: Vec<&str> = toks.iter().map(|t| t.text().unwrap_or_default()).collect();
        match keys::read(sn, &words) {
            Ok((key, used)) => {
                self.pos += used.saturating_sub(taken);
                Ok(key)
            }
            Err(e) => {
                let at = toks.get(e.at).or(toks.last());
                let kind = if e.invalid_value {
                    ConfigErrorKind::InvalidValue
                } else {
                    ConfigErrorKind::Syntax
                };
                Err(self.err_at(at, kind, steps, e.statement, e.message))
            }
        }
    }

    /// Checks a value read from `tok` against the type of `sn`.
    fn check_at(
        &self,
        raw: &str,
        tok: &Token,
        sn: &SchemaNode,
        steps: &[Step],
    ) -> Result<String, ConfigError> {
        let ty = sn.value_type().unwrap_or(ValueType::Text { max_len: 0 });
        ty.canonical(sn.name, raw).map_err(|m| {
            self.err_at(
                Some(tok),
                ConfigErrorKind::InvalidValue,
                steps,
                format!("{} {}", sn.name, quote(raw)),
                m,
            )
        })
    }

    /// After a simple statement: `;`, or on a one-line form, the next statement.
    fn end_simple(&mut self, name: &str, steps: &[Step]) -> Result<(), ConfigError> {
        if self.on_line && matches!(self.peek(), Some(Tok::Word(_) | Tok::Quoted(_))) {
            self.line_open = true;
            return Ok(());
        }
        self.semi(name, steps)
    }

    fn semi(&mut self, name: &str, steps: &[Step]) -> Result<(), ConfigError> {
        match self.next() {
            Some(Token { tok: Tok::Semi, .. }) => Ok(()),
            other => Err(self.err_at(
                other.as_ref(),
                ConfigErrorKind::Syntax,
                steps,
                name,
                format!(
                    "syntax error: expected ';' after '{name}'{}",
                    other
                        .as_ref()
                        .map(|t| format!(", found '{}'", t.shown()))
                        .unwrap_or_default()
                ),
            )),
        }
    }
}

/// Prints statements as Junos text at `indent` spaces.
pub(crate) fn print_children(out: &mut String, children: &[Node], indent: usize) {
    for n in children {
        print_node(out, n, indent);
    }
}

/// True when a child of a list entry is written on the entry's line.
pub(crate) fn is_inline(n: &Node) -> bool {
    n.schema.inline && n.meta == Meta::default()
}

/// The annotation line and `inactive: ` tag of a statement.
fn start(out: &mut String, meta: &Meta, indent: usize) {
    if let Some(a) = &meta.annotation {
        pad(out, indent);
        out.push_str("/* ");
        out.push_str(a);
        out.push_str(" */\n");
    }
    pad(out, indent);
    if meta.inactive {
        out.push_str("inactive: ");
    }
}

/// The text of a leaf, leaf-list or flag after its name (` value`, ` [ a b ]`, ``).
fn simple_tail(out: &mut String, n: &Node) {
    match &n.value {
        Value::Leaf(v) => {
            out.push(' ');
            out.push_str(&shown_value(n.schema, v));
        }
        Value::LeafList(vs) => match vs.as_slice() {
            [one] => {
                out.push(' ');
                out.push_str(&quote(one));
            }
            many => {
                out.push_str(" [");
                for v in many {
                    out.push(' ');
                    out.push_str(&quote(v));
                }
                out.push_str(" ]");
            }
        },
        _ => {}
    }
}

/// A simple statement after its indent: its name and value (`mtu 9000`), or only the
/// value for a statement written without its name (`ae0`).
fn head_and_tail(out: &mut String, n: &Node) {
    if n.schema.bare {
        let mut tail = String::new();
        simple_tail(&mut tail, n);
        out.push_str(tail.strip_prefix(' ').unwrap_or(&tail));
    } else {
        out.push_str(n.schema.name);
        simple_tail(out, n);
    }
}

fn print_node(out: &mut String, n: &Node, indent: usize) {
    let name = n.schema.name;
    match &n.value {
        Value::LeafList(vs) if vs.is_empty() => {}
        Value::Leaf(_) | Value::LeafList(_) | Value::Flag => {
            start(out, &n.meta, indent);
            head_and_tail(out, n);
            out.push(';');
            if n.schema.secret {
                out.push_str(" ## SECRET-DATA");
            }
            out.push('\n');
        }
        Value::Container(c)
            if n.schema.flat
                && !c.is_empty()
                && n.meta == Meta::default()
                && c.iter().all(|x| x.meta == Meta::default()) =>
        {
            for x in c {
                let mut one = String::new();
                print_node(&mut one, x, indent);
                pad(out, indent);
                out.push_str(name);
                out.push(' ');
                out.push_str(&one[indent..]);
            }
        }
        Value::Container(c)
            if n.schema.oneliner_plus
                && matches!(n.schema.kind, Kind::Container { presence: true, .. })
                && c.len() > 1
                && c.iter().all(is_simple) =>
        {
            start(out, &n.meta, indent);
            out.push_str(name);
            for x in c {
                out.push(' ');
                head_and_tail(out, x);
            }
            out.push_str(";\n");
        }
        Value::Container(c) => {
            start(out, &n.meta, indent);
            out.push_str(name);
            block(out, c, indent, Line::of(n.schema), false);
        }
        Value::List(entries) if n.schema.braced => {
            if entries.is_empty() {
                return;
            }
            pad(out, indent);
            out.push_str(name);
            out.push_str(" {\n");
            for e in entries {
                print_entry(out, n.schema, e, indent + 4, true);
            }
            pad(out, indent);
            out.push_str("}\n");
        }
        Value::List(entries) => {
            for e in entries {
                print_entry(out, n.schema, e, indent, n.schema.bare);
            }
        }
    }
}

fn print_entry(out: &mut String, sn: &SchemaNode, e: &Entry, indent: usize, bare: bool) {
    start(out, &e.meta, indent);
    if !bare {
        out.push_str(sn.name);
        out.push(' ');
    }
    out.push_str(&keys::shown(sn, &e.key));
    let mut rest = Vec::new();
    for c in &e.children {
        if is_inline(c) {
            out.push(' ');
            head_and_tail(out, c);
        } else {
            rest.push(c);
        }
    }
    if rest.len() == e.children.len() {
        block(out, &e.children, indent, Line::of(sn), sn.secret);
    } else {
        let rest: Vec<Node> = rest.into_iter().cloned().collect();
        block(out, &rest, indent, Line::of(sn), sn.secret);
    }
}

/// True for a statement that fits after its parent on one line.
fn is_simple(n: &Node) -> bool {
    matches!(n.value, Value::Leaf(_) | Value::Flag | Value::LeafList(_))
        && n.meta == Meta::default()
        && !n.schema.secret
}

/// Which of a statement's children may follow it on its line (Junos's display hints).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    /// Braces for any child.
    Own,
    /// One simple child (`oneliner-plus`).
    One,
    /// Every child, when all are simple (`oneliner`).
    All,
}

impl Line {
    fn of(sn: &SchemaNode) -> Line {
        if sn.oneliner {
            Line::All
        } else if sn.oneliner_plus {
            Line::One
        } else {
            Line::Own
        }
    }
}

/// True for a statement that fits on its parent's line (secret values included: the
/// line then ends in `## SECRET-DATA`).
fn fits_on_line(n: &Node) -> bool {
    matches!(n.value, Value::Leaf(_) | Value::Flag | Value::LeafList(_))
        && n.meta == Meta::default()
}

/// ` {` children `}` or `;`, after a statement head: the children on the same line as
/// `line` allows. `secret`: the head is secret data (an `ssh-rsa` key), so a line that
/// ends here is marked.
fn block(out: &mut String, children: &[Node], indent: usize, line: Line, secret: bool) {
    let inline = match (line, children) {
        (_, []) => true,
        (Line::One | Line::All, [only]) => fits_on_line(only),
        (Line::All, many) => many.iter().all(fits_on_line),
        _ => false,
    };
    if inline {
        let mut secret = secret;
        for c in children {
            out.push(' ');
            head_and_tail(out, c);
            secret |= c.schema.secret;
        }
        out.push(';');
        if secret {
            out.push_str(" ## SECRET-DATA");
        }
        out.push('\n');
    } else {
        out.push_str(" {\n");
        print_children(out, children, indent + 4);
        pad(out, indent);
        out.push_str("}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(children: &[Node]) -> String {
        let mut s = String::new();
        print_children(&mut s, children, 0);
        s
    }

    #[test]
    fn parse_then_print_is_canonical() {
        let p = parse("system { services { extension-service { notification { allow-clients { address [ 10.0.0.0/8 127.0.0.1 ]; } } } } host-name r1; }")
            .expect("parses");
        assert_eq!(
            text_of(&p.children),
            "system {\n    host-name r1;\n    services {\n        extension-service {\n            notification {\n                allow-clients {\n                    address [ 10.0.0.0/8 127.0.0.1/32 ];\n                }\n            }\n        }\n    }\n}\n"
        );
    }

    #[test]
    fn replace_tags_are_recorded_with_their_path() {
        let p = parse("system { replace: login { user a { class operator; } } }").expect("parses");
        assert_eq!(p.replaces.len(), 1);
        let words = tree::path_words(&p.replaces[0]);
        assert_eq!(words, ["system", "login"]);
    }

    #[test]
    fn missing_brace_is_reported_at_end_of_input() {
        let e = parse("system {\n    host-name r1;\n").expect_err("error");
        assert_eq!(e.kind, ConfigErrorKind::Syntax);
        assert!(e.message.contains("missing '}'"), "{e}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn stray_tokens_are_syntax_errors() {
        for bad in [
            "}",
            "system { ; }",
            "system { host-name; }",
            "version 1 2;",
            "[",
            "system { host-name r1 }",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.kind, ConfigErrorKind::Syntax, "{bad}: {e}");
        }
    }
}
