//! Junos XML configuration: printer and parser.
//!
//! Leaves are elements with text, list entries repeat the list element with the key
//! element (`<name>`) first, leaf-list values repeat their element, flags self-close
//! (`<ssh/>`), empty containers open and close on two lines. Inactive statements carry
//! `inactive="inactive"`; an annotation is a `<junos:comment>/* text */</junos:comment>`
//! element before its statement.
//!
//! The parser reads a `<configuration>` document (an optional `<?xml?>` declaration,
//! comments and an enclosing `<rpc-reply>` are skipped) with the load attributes
//! `operation="replace|delete|merge|create"` (and the older `replace="replace"`,
//! `delete="delete"`). It is a small hand-written reader of the XML subset Junos uses:
//! elements, attributes, text, character references, comments, CDATA; no DTDs.

use crate::common::{absorb, comment_text, pad, Parsed};
use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::keys;
use crate::schema::{self, Kind, SchemaNode};
use crate::tree::{self, Entry, KeyIndex, Meta, Node, Step, Value};
use crate::value::quote;

/// Deepest element nesting accepted (the schema is far shallower).
const MAX_DEPTH: usize = 64;

/// Appends the XML of `children`, each line indented `indent` spaces (+4 per level).
pub(crate) fn print(out: &mut String, children: &[Node], indent: usize) {
    for n in children {
        let name = n.schema.xml_name;
        match &n.value {
            Value::Leaf(v) => {
                open(out, name, &n.meta, indent);
                out.push('>');
                out.push_str(&escape(v));
                close(out, name);
            }
            Value::Flag => {
                open(out, name, &n.meta, indent);
                out.push_str("/>\n");
            }
            Value::LeafList(vs) => {
                for (i, v) in vs.iter().enumerate() {
                    let meta = if i == 0 {
                        n.meta.clone()
                    } else {
                        Meta {
                            inactive: n.meta.inactive,
                            annotation: None,
                        }
                    };
                    open(out, name, &meta, indent);
                    out.push('>');
                    out.push_str(&escape(v));
                    close(out, name);
                }
            }
            Value::Container(c) => {
                open(out, name, &n.meta, indent);
                out.push_str(">\n");
                print(out, c, indent + 4);
                pad(out, indent);
                close(out, name);
            }
            Value::List(entries) => {
                for e in entries {
                    open(out, name, &e.meta, indent);
                    out.push_str(">\n");
                    if keys::is_multi(n.schema) {
                        for (k, text) in keys::elements(n.schema, &e.key) {
                            pad(out, indent + 4);
                            out.push('<');
                            out.push_str(&k);
                            match text {
                                Some(t) => {
                                    out.push('>');
                                    out.push_str(&escape(&t));
                                    close(out, &k);
                                }
                                None => out.push_str("/>\n"),
                            }
                        }
                    } else {
                        pad(out, indent + 4);
                        let k = n.schema.key_name;
                        out.push('<');
                        out.push_str(k);
                        out.push('>');
                        out.push_str(&escape(&e.key));
                        close(out, k);
                    }
                    print(out, &e.children, indent + 4);
                    pad(out, indent);
                    close(out, name);
                }
            }
        }
    }
}

fn open(out: &mut String, name: &str, meta: &Meta, indent: usize) {
    if let Some(a) = &meta.annotation {
        pad(out, indent);
        out.push_str("<junos:comment>/* ");
        out.push_str(&escape(a));
        out.push_str(" */</junos:comment>\n");
    }
    pad(out, indent);
    out.push('<');
    out.push_str(name);
    if meta.inactive {
        out.push_str(" inactive=\"inactive\"");
    }
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Escapes text content: `&`, `<`, `>`.
pub(crate) fn escape(s: &str) -> String {
    if !s.contains(['&', '<', '>']) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Reading.

/// One element of the document.
#[derive(Debug)]
struct Elem {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Elem>,
    /// Character data directly inside the element.
    text: String,
    /// Byte offset of `<`, for error positions.
    at: usize,
}

impl Elem {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Reader<'a> {
    src: &'a str,
    pos: usize,
}

/// 1-based line and column (in characters) of byte offset `at`.
fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let before = src.get(..at).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl<'a> Reader<'a> {
    fn err(&self, at: usize, msg: impl Into<String>) -> ConfigError {
        let (l, c) = line_col(self.src, at);
        ConfigError::new(ConfigErrorKind::Syntax, "[edit]", "", msg).at(l, c)
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    /// Skips `<?...?>`, `<!--...-->` and whitespace between elements.
    fn skip_misc(&mut self) -> Result<(), ConfigError> {
        loop {
            self.skip_ws();
            let r = self.rest();
            if r.starts_with("<?") {
                self.skip_past("?>")?;
            } else if r.starts_with("<!--") {
                self.skip_past("-->")?;
            } else if r.starts_with("<!") && !r.starts_with("<![CDATA[") {
                let (l, c) = line_col(self.src, self.pos);
                return Err(ConfigError::new(
                    ConfigErrorKind::Unsupported,
                    "[edit]",
                    "",
                    "syntax error: DTDs are not supported",
                )
                .at(l, c));
            } else {
                return Ok(());
            }
        }
    }

    fn skip_past(&mut self, end: &str) -> Result<(), ConfigError> {
        match self.rest().find(end) {
            Some(i) => {
                self.pos += i + end.len();
                Ok(())
            }
            None => Err(self.err(self.pos, format!("syntax error: missing '{end}'"))),
        }
    }

    fn name(&mut self) -> Result<String, ConfigError> {
        let r = self.rest();
        let len = r
            .find(|c: char| !(c.is_alphanumeric() || "-_.:".contains(c)))
            .unwrap_or(r.len());
        if len == 0 {
            return Err(self.err(
                self.pos,
                "syntax error: expected an element or attribute name",
            ));
        }
        self.pos += len;
        Ok(r[..len].to_owned())
    }

    fn element(&mut self, depth: usize) -> Result<Elem, ConfigError> {
        let at = self.pos;
        if depth > MAX_DEPTH {
            return Err(self.err(at, "syntax error: elements nested too deeply"));
        }
        if !self.rest().starts_with('<') {
            return Err(self.err(at, "syntax error: expected '<'"));
        }
        self.pos += 1;
        let name = self.name()?;
        let mut attrs = Vec::new();
        loop {
            self.skip_ws();
            let r = self.rest();
            if r.starts_with("/>") {
                self.pos += 2;
                return Ok(Elem {
                    name,
                    attrs,
                    children: Vec::new(),
                    text: String::new(),
                    at,
                });
            }
            if r.starts_with('>') {
                self.pos += 1;
                break;
            }
            let an = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(self.err(self.pos, format!("syntax error: expected '=' after '{an}'")));
            }
            self.pos += 1;
            self.skip_ws();
            let q = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => {
                    return Err(
                        self.err(self.pos, "syntax error: expected a quoted attribute value")
                    )
                }
            };
            self.pos += 1;
            let Some(end) = self.rest().find(q) else {
                return Err(self.err(self.pos, "syntax error: unterminated attribute value"));
            };
            let raw = &self.rest()[..end];
            let v = unescape(raw).map_err(|m| self.err(self.pos, m))?;
            self.pos += end + 1;
            attrs.push((an, v));
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            let r = self.rest();
            if r.is_empty() {
                return Err(self.err(at, format!("syntax error: missing '</{name}>'")));
            }
            if let Some(after) = r.strip_prefix("</") {
                let close_at = self.pos;
                self.pos += 2;
                let _ = after;
                let n = self.name()?;
                self.skip_ws();
                if n != name || !self.rest().starts_with('>') {
                    return Err(self.err(close_at, format!("syntax error: expected '</{name}>'")));
                }
                self.pos += 1;
                return Ok(Elem {
                    name,
                    attrs,
                    children,
                    text,
                    at,
                });
            } else if r.starts_with("<!--") {
                self.skip_past("-->")?;
            } else if let Some(cdata) = r.strip_prefix("<![CDATA[") {
                let Some(end) = cdata.find("]]>") else {
                    return Err(self.err(self.pos, "syntax error: missing ']]>'"));
                };
                text.push_str(&cdata[..end]);
                self.pos += 9 + end + 3;
            } else if r.starts_with("<?") {
                self.skip_past("?>")?;
            } else if r.starts_with('<') {
                children.push(self.element(depth + 1)?);
            } else {
                let end = r.find('<').unwrap_or(r.len());
                let chunk = unescape(&r[..end]).map_err(|m| self.err(self.pos, m))?;
                text.push_str(&chunk);
                self.pos += end;
            }
        }
    }
}

/// Resolves `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#N;` / `&#xN;`.
fn unescape(s: &str) -> Result<String, String> {
    if !s.contains('&') {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find(';').filter(|&e| e <= 10) else {
            return Err("syntax error: unterminated character reference".into());
        };
        let ent = &after[..end];
        let c = match ent {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let n = if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                    u32::from_str_radix(h, 16).ok()
                } else if let Some(d) = ent.strip_prefix('#') {
                    d.parse::<u32>().ok()
                } else {
                    None
                };
                n.and_then(char::from_u32)
            }
        };
        match c {
            Some(c) => out.push(c),
            None => {
                return Err(format!(
                    "syntax error: unknown character reference '&{ent};'"
                ))
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Reads a document down to its `<configuration>` element.
fn document(src: &str) -> Result<Elem, ConfigError> {
    let mut r = Reader { src, pos: 0 };
    r.skip_misc()?;
    let root = r.element(0)?;
    r.skip_misc()?;
    if !r.rest().is_empty() {
        return Err(r.err(r.pos, "syntax error: content after the root element"));
    }
    let mut root = root;
    // `<rpc-reply>` or `<rpc><load-configuration>` wrappers.
    while root.name != "configuration" {
        let at = root.at;
        match root.children.into_iter().find(|c| {
            c.name == "configuration" || c.name == "load-configuration" || c.name == "data"
        }) {
            Some(c) => root = c,
            None => return Err(r.err(at, "syntax error: expected a <configuration> element")),
        }
    }
    Ok(root)
}

/// Parses a Junos XML `<configuration>` document into a patch.
pub(crate) fn parse(src: &str) -> Result<Parsed, ConfigError> {
    let root = document(src)?;
    let mut conv = Conv {
        src,
        parsed: Parsed::default(),
    };
    let mut children = Vec::new();
    conv.children(&root, schema::root(), &mut children, &[])?;
    conv.parsed.children = children;
    Ok(conv.parsed)
}

struct Conv<'a> {
    src: &'a str,
    parsed: Parsed,
}

#[derive(PartialEq)]
enum Op {
    Merge,
    Replace,
    Delete,
}

fn op_of(e: &Elem) -> Result<Op, String> {
    if e.attr("delete") == Some("delete") {
        return Ok(Op::Delete);
    }
    if e.attr("replace") == Some("replace") {
        return Ok(Op::Replace);
    }
    match e.attr("operation") {
        None | Some("merge" | "create") => Ok(Op::Merge),
        Some("replace") => Ok(Op::Replace),
        Some("delete" | "remove") => Ok(Op::Delete),
        Some(other) => Err(format!(
            "invalid operation '{other}' (expected merge, replace, create or delete)"
        )),
    }
}

impl Conv<'_> {
    fn err(
        &self,
        e: &Elem,
        kind: ConfigErrorKind,
        steps: &[Step],
        stmt: impl Into<String>,
        msg: impl Into<String>,
    ) -> ConfigError {
        let (l, c) = line_col(self.src, e.at);
        ConfigError::new(kind, edit_path(&tree::path_words(steps)), stmt, msg).at(l, c)
    }

    fn no_text(&self, e: &Elem, steps: &[Step]) -> Result<(), ConfigError> {
        if e.text.trim().is_empty() {
            Ok(())
        } else {
            Err(self.err(
                e,
                ConfigErrorKind::Syntax,
                steps,
                e.name.clone(),
                format!("syntax error: unexpected text in <{}>", e.name),
            ))
        }
    }

    /// The statements inside `parent` (skipping `skip`, the key element of an entry).
    fn children(
        &mut self,
        parent: &Elem,
        level: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &[Step],
    ) -> Result<(), ConfigError> {
        self.no_text(parent, steps)?;
        let mut indexes: std::collections::HashMap<&'static str, KeyIndex> = Default::default();
        let mut annotation = None;
        for e in &parent.children {
            if e.name == "junos:comment" {
                annotation = comment_text(&e.text);
                continue;
            }
            let Some(sn) = schema::find_xml(level, &e.name) else {
                if e.name.contains(':') {
                    continue; // other junos: metadata elements
                }
                return Err(self.err(
                    e,
                    ConfigErrorKind::UnknownStatement,
                    steps,
                    e.name.clone(),
                    format!("unknown statement '{}'", e.name),
                ));
            };
            let op = op_of(e)
                .map_err(|m| self.err(e, ConfigErrorKind::Syntax, steps, e.name.clone(), m))?;
            let meta = Meta {
                inactive: e.attr("inactive") == Some("inactive"),
                annotation: annotation.take(),
            };
            self.statement(e, sn, op, meta, level, children, steps, &mut indexes)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn statement(
        &mut self,
        e: &Elem,
        sn: &'static SchemaNode,
        op: Op,
        meta: Meta,
        level: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &[Step],
        indexes: &mut std::collections::HashMap<&'static str, KeyIndex>,
    ) -> Result<(), ConfigError> {
        let value = |s: &Self, raw: &str, steps: &[Step]| -> Result<String, ConfigError> {
            let ty = sn
                .value_type()
                .unwrap_or(crate::value::ValueType::Text { max_len: 0 });
            let raw = match ty {
                crate::value::ValueType::Text { .. } => raw,
                _ => raw.trim(),
            };
            ty.canonical(sn.name, raw).map_err(|m| {
                s.err(
                    e,
                    ConfigErrorKind::InvalidValue,
                    steps,
                    format!("{} {}", sn.name, quote(raw)),
                    m,
                )
            })
        };
        match sn.kind {
            Kind::Container { .. } => {
                let inner = sn.children();
                let mut here = steps.to_vec();
                here.push(Step {
                    schema: sn,
                    key: None,
                });
                if op == Op::Delete {
                    self.parsed.deletes.push((here, None));
                    return Ok(());
                }
                if op == Op::Replace {
                    self.parsed.replaces.push(here.clone());
                }
                let node = tree::child_or_insert(children, level, sn);
                absorb(&mut node.meta, meta);
                if let Some(c) = tree::container_children(node) {
                    self.children(e, inner, c, &here)?;
                }
                let empty = matches!(&node.value, Value::Container(c) if c.is_empty());
                if empty && !e.children.is_empty() && node.meta == Meta::default() {
                    children.retain(|n| n.schema.name != sn.name);
                }
                Ok(())
            }
            Kind::List { .. } => {
                let (key, used): (String, Vec<&str>) = if keys::is_multi(sn) {
                    let get = |name: &str| {
                        e.children
                            .iter()
                            .find(|c| c.name == name)
                            .map(|c| c.text.trim().to_owned())
                    };
                    keys::from_elements(sn, &get).map_err(|m| {
                        let kind = if m.starts_with("syntax error") {
                            ConfigErrorKind::Syntax
                        } else {
                            ConfigErrorKind::InvalidValue
                        };
                        self.err(e, kind, steps, sn.name, m)
                    })?
                } else {
                    let Some(k) = e.children.iter().find(|c| c.name == sn.key_name) else {
                        return Err(self.err(
                            e,
                            ConfigErrorKind::Syntax,
                            steps,
                            sn.name,
                            format!("syntax error: <{}> without <{}>", sn.name, sn.key_name),
                        ));
                    };
                    (value(self, &k.text, steps)?, vec![sn.key_name])
                };
                let mut here = steps.to_vec();
                here.push(Step {
                    schema: sn,
                    key: Some(key.clone()),
                });
                if op == Op::Delete {
                    self.parsed.deletes.push((here, None));
                    return Ok(());
                }
                if op == Op::Replace {
                    self.parsed.replaces.push(here.clone());
                }
                let node = tree::child_or_insert(children, level, sn);
                let Value::List(entries) = &mut node.value else {
                    return Ok(());
                };
                let index = indexes.entry(sn.name).or_default();
                let entry: &mut Entry = index.entry_or_insert(entries, &key);
                absorb(&mut entry.meta, meta);
                let inner = sn.children();
                self.no_text(e, steps)?;
                let mut annotation = None;
                let mut child_idx: std::collections::HashMap<&'static str, KeyIndex> =
                    Default::default();
                for c in e
                    .children
                    .iter()
                    .filter(|c| !used.contains(&c.name.as_str()))
                {
                    if c.name == "junos:comment" {
                        annotation = comment_text(&c.text);
                        continue;
                    }
                    let Some(csn) = schema::find_xml(inner, &c.name) else {
                        if c.name.contains(':') {
                            continue;
                        }
                        return Err(self.err(
                            c,
                            ConfigErrorKind::UnknownStatement,
                            &here,
                            c.name.clone(),
                            format!("unknown statement '{}'", c.name),
                        ));
                    };
                    let op = op_of(c).map_err(|m| {
                        self.err(c, ConfigErrorKind::Syntax, &here, c.name.clone(), m)
                    })?;
                    let meta = Meta {
                        inactive: c.attr("inactive") == Some("inactive"),
                        annotation: annotation.take(),
                    };
                    self.statement(
                        c,
                        csn,
                        op,
                        meta,
                        inner,
                        &mut entry.children,
                        &here,
                        &mut child_idx,
                    )?;
                }
                Ok(())
            }
            Kind::Leaf(_) | Kind::LeafList(_) | Kind::Flag => {
                if !e.children.is_empty() {
                    return Err(self.err(
                        e,
                        ConfigErrorKind::Syntax,
                        steps,
                        sn.name,
                        format!("syntax error: <{}> takes no elements", sn.name),
                    ));
                }
                let v = match sn.kind {
                    Kind::Flag => {
                        self.no_text(e, steps)?;
                        None
                    }
                    // A delete marker needs no value (one value of a leaf-list if given).
                    _ if op == Op::Delete && e.text.trim().is_empty() => None,
                    _ => Some(value(self, &e.text, steps)?),
                };
                if op == Op::Delete {
                    let mut here = steps.to_vec();
                    here.push(Step {
                        schema: sn,
                        key: None,
                    });
                    let v = if matches!(sn.kind, Kind::LeafList(_)) {
                        v
                    } else {
                        None
                    };
                    self.parsed.deletes.push((here, v));
                    return Ok(());
                }
                if op == Op::Replace {
                    let mut here = steps.to_vec();
                    here.push(Step {
                        schema: sn,
                        key: None,
                    });
                    self.parsed.replaces.push(here);
                }
                let node = tree::child_or_insert(children, level, sn);
                absorb(&mut node.meta, meta);
                match (&mut node.value, v) {
                    (Value::Leaf(d), Some(v)) => *d = v,
                    (Value::LeafList(vs), Some(v)) if !vs.contains(&v) => vs.push(v),
                    _ => {}
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_content_is_escaped() {
        assert_eq!(escape("a<b>&c\"d"), "a&lt;b&gt;&amp;c\"d");
    }

    #[test]
    fn references_and_cdata_are_resolved() {
        assert_eq!(unescape("a&lt;&#65;&#x42;&amp;").as_deref(), Ok("a<AB&"));
        assert!(unescape("&bogus;").is_err());
        assert!(unescape("&#xD800;").is_err());
        let e = document("<?xml version=\"1.0\"?><!-- x --><configuration><a><![CDATA[<x>]]></a></configuration>").expect("parses");
        assert_eq!(e.children[0].text, "<x>");
    }

    #[test]
    fn a_dtd_is_refused_as_unsupported_not_as_a_syntax_error() {
        let e = document("<!DOCTYPE configuration>\n<configuration/>").expect_err("dtd");
        assert_eq!(e.kind, ConfigErrorKind::Unsupported);
        assert_eq!(e.message, "syntax error: DTDs are not supported");
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = document("<configuration>\n  <system>\n</configuration>").expect_err("mismatch");
        assert_eq!((e.line, e.column), (Some(3), Some(1)));
        let e = document("<configuration>\n  <a b=c/>").expect_err("unquoted");
        assert_eq!(e.line, Some(2));
    }
}
