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

use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::lex::{tokenize, Tok, Token};
use crate::schema::{self, Kind, SchemaNode};
use crate::tree::{self, Node, Step, Value};
use crate::value::{quote, quote_always, ValueType};

/// The result of parsing curly-brace text.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// Top-level statements.
    pub(crate) children: Vec<Node>,
    /// Paths of the statements tagged `replace:`, in input order.
    pub(crate) replaces: Vec<Vec<Step>>,
}

/// Parses curly-brace text against the schema.
pub(crate) fn parse(text: &str) -> Result<Parsed, ConfigError> {
    let toks = tokenize(text, 1)?;
    let mut p = Parser {
        toks,
        pos: 0,
        replaces: Vec::new(),
    };
    let mut children = Vec::new();
    p.block(schema::ROOT, &mut children, &mut Vec::new(), true)?;
    Ok(Parsed {
        children,
        replaces: p.replaces,
    })
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    replaces: Vec<Vec<Step>>,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// Where the input ends (after the last token), for "unexpected end" errors.
    fn end(&self) -> (usize, usize) {
        self.toks
            .last()
            .map_or((1, 1), |t| (t.line, t.col + t.shown().chars().count()))
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
                Tok::Word(w) => {
                    let w = w.clone();
                    self.statement(&tok, w, schema, children, steps)?;
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

    fn statement(
        &mut self,
        first: &Token,
        word: String,
        schema: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &mut Vec<Step>,
    ) -> Result<(), ConfigError> {
        let (mut name_tok, mut name, mut replace) = (first.clone(), word, false);
        if name == "replace:" {
            replace = true;
            match self.next() {
                Some(
                    t @ Token {
                        tok: Tok::Word(_), ..
                    },
                ) => {
                    name = t.text().unwrap_or_default().to_owned();
                    name_tok = t;
                }
                other => {
                    return Err(self.err_at(
                        other.as_ref(),
                        ConfigErrorKind::Syntax,
                        steps,
                        "replace:",
                        "syntax error: expected a statement after 'replace:'",
                    ))
                }
            }
        }
        let Some(sn) = schema::find(schema, &name) else {
            return Err(self.err_at(
                Some(&name_tok),
                ConfigErrorKind::UnknownStatement,
                steps,
                name.clone(),
                format!("unknown statement '{name}'"),
            ));
        };
        match sn.kind {
            Kind::Container {
                children: inner, ..
            } => {
                let node = tree::child_or_insert(children, schema, sn);
                steps.push(Step {
                    schema: sn,
                    key: None,
                });
                if replace {
                    self.replaces.push(steps.clone());
                }
                let res = match tree::container_children(node) {
                    Some(c) => self.body(sn.name, inner, c, steps),
                    None => Ok(()),
                };
                steps.pop();
                res
            }
            Kind::List {
                key,
                children: inner,
            } => {
                let raw = self.value(sn, steps)?;
                let canon = self.check(&raw, key, sn, steps)?;
                let node = tree::child_or_insert(children, schema, sn);
                steps.push(Step {
                    schema: sn,
                    key: Some(canon.clone()),
                });
                if replace {
                    self.replaces.push(steps.clone());
                }
                let res = match tree::entry_or_insert(node, &canon) {
                    Some(entry) => self.body(sn.name, inner, &mut entry.children, steps),
                    None => Ok(()),
                };
                steps.pop();
                res
            }
            Kind::Leaf(ty) => {
                let raw = self.value(sn, steps)?;
                let canon = self.check(&raw, ty, sn, steps)?;
                self.semi(sn.name, steps)?;
                tree::child_or_insert(children, schema, sn).value = Value::Leaf(canon);
                self.mark(replace, steps, sn);
                Ok(())
            }
            Kind::LeafList(ty) => {
                let mut values = Vec::new();
                if self.toks.get(self.pos).map(|t| &t.tok) == Some(&Tok::LBracket) {
                    self.pos += 1;
                    loop {
                        match self.next() {
                            Some(Token {
                                tok: Tok::RBracket, ..
                            }) => break,
                            Some(t) if t.text().is_some() => {
                                let raw = (t.line, t.col, t.text().unwrap_or_default().to_owned());
                                values.push(raw);
                            }
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
                    let raw = self.value(sn, steps)?;
                    let (l, c) = t.map_or((0, 0), |t| (t.line, t.col));
                    values.push((l, c, raw));
                }
                self.semi(sn.name, steps)?;
                let mut canon = Vec::new();
                for (l, c, raw) in values {
                    let v = ty.canonical(sn.name, &raw).map_err(|m| {
                        ConfigError::new(
                            ConfigErrorKind::InvalidValue,
                            edit_path(&tree::path_words(steps)),
                            format!("{} {}", sn.name, quote(&raw)),
                            m,
                        )
                        .at(l, c)
                    })?;
                    canon.push(v);
                }
                let node = tree::child_or_insert(children, schema, sn);
                if let Value::LeafList(vs) = &mut node.value {
                    for v in canon {
                        if !vs.contains(&v) {
                            vs.push(v);
                        }
                    }
                }
                self.mark(replace, steps, sn);
                Ok(())
            }
            Kind::Flag => {
                self.semi(sn.name, steps)?;
                tree::child_or_insert(children, schema, sn);
                self.mark(replace, steps, sn);
                Ok(())
            }
        }
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
            Some(t) if t.text().is_some() => Ok(t.text().unwrap_or_default().to_owned()),
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

    /// Checks the value just read (the previous token) against its type.
    fn check(
        &self,
        raw: &str,
        ty: ValueType,
        sn: &SchemaNode,
        steps: &[Step],
    ) -> Result<String, ConfigError> {
        ty.canonical(sn.name, raw).map_err(|m| {
            let tok = self.pos.checked_sub(1).and_then(|i| self.toks.get(i));
            self.err_at(
                tok,
                ConfigErrorKind::InvalidValue,
                steps,
                format!("{} {}", sn.name, quote(raw)),
                m,
            )
        })
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

/// The printed form of a leaf value.
pub(crate) fn shown_value(schema: &SchemaNode, v: &str) -> String {
    if schema.secret {
        quote_always(v)
    } else {
        quote(v)
    }
}

fn print_node(out: &mut String, n: &Node, indent: usize) {
    let pad = " ".repeat(indent);
    let name = n.schema.name;
    match &n.value {
        Value::Leaf(v) => {
            out.push_str(&format!("{pad}{name} {};", shown_value(n.schema, v)));
            if n.schema.secret {
                out.push_str(" ## SECRET-DATA");
            }
            out.push('\n');
        }
        Value::Flag => out.push_str(&format!("{pad}{name};\n")),
        Value::LeafList(vs) => match vs.as_slice() {
            [] => {}
            [one] => out.push_str(&format!("{pad}{name} {};\n", quote(one))),
            many => {
                let vals: Vec<String> = many.iter().map(|v| quote(v)).collect();
                out.push_str(&format!("{pad}{name} [ {} ];\n", vals.join(" ")));
            }
        },
        Value::Container(c) => print_block(out, &pad, name, c, indent),
        Value::List(entries) => {
            for e in entries {
                let head = format!("{name} {}", quote(&e.key));
                print_block(out, &pad, &head, &e.children, indent);
            }
        }
    }
}

fn print_block(out: &mut String, pad: &str, head: &str, children: &[Node], indent: usize) {
    if children.is_empty() {
        out.push_str(&format!("{pad}{head};\n"));
    } else {
        out.push_str(&format!("{pad}{head} {{\n"));
        print_children(out, children, indent + 4);
        out.push_str(&format!("{pad}}}\n"));
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
