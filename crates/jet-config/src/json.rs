//! Junos JSON configuration (junos-output.md 1.3): printer and parser.
//!
//! Containers are objects, lists arrays of objects with the key (`"name"`) first,
//! integers unquoted, flags and empty containers `[null]`, leaf-lists arrays. Metadata
//! goes in `"@"` inside an object (containers, list entries) or in `"@NAME"` beside a
//! leaf, leaf-list or flag: `{"inactive": true, "comment": "/* text */"}`, and in loads
//! `{"operation": "replace" | "delete"}`. Member order follows the configuration
//! (serde_json's `preserve_order`).

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use crate::common::{absorb, comment_text, Parsed};
use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::keys;
use crate::schema::{self, Kind, SchemaNode};
use crate::tree::{self, KeyIndex, Meta, Node, Step, Value};
use crate::value::{quote, ValueType};

/// The JSON object for `children`.
pub(crate) fn object(children: &[Node]) -> Json {
    let mut map = Map::new();
    members(&mut map, children);
    Json::Object(map)
}

fn meta_json(meta: &Meta) -> Option<Json> {
    if *meta == Meta::default() {
        return None;
    }
    let mut m = Map::new();
    if meta.inactive {
        m.insert("inactive".into(), Json::Bool(true));
    }
    if let Some(a) = &meta.annotation {
        m.insert("comment".into(), Json::String(format!("/* {a} */")));
    }
    Some(Json::Object(m))
}

fn members(map: &mut Map<String, Json>, children: &[Node]) {
    for n in children {
        let ty = n.schema.value_type();
        let mut own_meta = true;
        let v = match &n.value {
            Value::Leaf(v) => scalar(ty, v),
            Value::Flag => null_marker(),
            Value::LeafList(vs) => Json::Array(vs.iter().map(|v| scalar(ty, v)).collect()),
            Value::Container(c) if c.is_empty() => null_marker(),
            Value::Container(c) => {
                own_meta = false;
                let mut m = Map::new();
                if let Some(meta) = meta_json(&n.meta) {
                    m.insert("@".into(), meta);
                }
                members(&mut m, c);
                Json::Object(m)
            }
            Value::List(entries) => {
                own_meta = false;
                Json::Array(
                    entries
                        .iter()
                        .map(|e| {
                            let mut m = Map::new();
                            if keys::is_multi(n.schema) {
                                for (name, text) in keys::elements(n.schema, &e.key) {
                                    let v = match text {
                                        Some(t) => Json::String(t),
                                        None => null_marker(),
                                    };
                                    m.insert(name, v);
                                }
                            } else {
                                m.insert(n.schema.key_name.to_owned(), scalar(ty, &e.key));
                            }
                            if let Some(meta) = meta_json(&e.meta) {
                                m.insert("@".into(), meta);
                            }
                            members(&mut m, &e.children);
                            Json::Object(m)
                        })
                        .collect(),
                )
            }
        };
        map.insert(n.schema.xml_name.to_owned(), v);
        if own_meta {
            if let Some(meta) = meta_json(&n.meta) {
                map.insert(format!("@{}", n.schema.xml_name), meta);
            }
        }
    }
}

/// `[null]`: how Junos JSON shows a statement without value.
fn null_marker() -> Json {
    Json::Array(vec![Json::Null])
}

fn scalar(ty: Option<ValueType>, v: &str) -> Json {
    match ty {
        Some(t) if t.is_integer() => match v.parse::<u64>() {
            Ok(n) => Json::from(n),
            Err(_) => Json::String(v.to_owned()),
        },
        _ => Json::String(v.to_owned()),
    }
}

// ---------------------------------------------------------------------------
// Reading.

/// Parses `{"configuration": {...}}` (or the inner object alone) into a patch.
pub(crate) fn parse(src: &str) -> Result<Parsed, ConfigError> {
    let v: Json = serde_json::from_str(src).map_err(|e| {
        ConfigError::new(
            ConfigErrorKind::Syntax,
            "[edit]",
            "",
            format!("syntax error: {e}"),
        )
        .at(e.line().max(1), e.column().max(1))
    })?;
    parse_value(&v)
}

/// Converts a JSON value (as [`parse`]) into a patch.
pub(crate) fn parse_value(v: &Json) -> Result<Parsed, ConfigError> {
    let top = match v {
        Json::Object(m) => match m.get("configuration") {
            Some(inner) => inner,
            None => v,
        },
        _ => v,
    };
    let Json::Object(top) = top else {
        return Err(ConfigError::new(
            ConfigErrorKind::Syntax,
            "[edit]",
            "",
            "syntax error: expected an object {\"configuration\": {...}}",
        ));
    };
    let mut conv = Conv {
        parsed: Parsed::default(),
    };
    let mut children = Vec::new();
    conv.object(top, schema::root(), &mut children, &[], true)?;
    conv.parsed.children = children;
    Ok(conv.parsed)
}

struct Conv {
    parsed: Parsed,
}

#[derive(PartialEq, Clone, Copy)]
enum Op {
    Merge,
    Replace,
    Delete,
}

/// Metadata and load operation from an `"@"` object.
fn meta_of(v: Option<&Json>) -> Result<(Meta, Op), String> {
    let mut meta = Meta::default();
    let mut op = Op::Merge;
    let Some(v) = v else {
        return Ok((meta, op));
    };
    let Json::Object(m) = v else {
        return Err("metadata must be an object".into());
    };
    for (k, v) in m {
        match (k.as_str(), v) {
            ("inactive", Json::Bool(b)) => meta.inactive = *b,
            ("inactive", Json::String(s)) => meta.inactive = s == "inactive" || s == "true",
            ("active", Json::Bool(_) | Json::String(_)) => {}
            ("comment" | "junos:comment", Json::String(s)) => meta.annotation = comment_text(s),
            ("operation", Json::String(s)) => {
                op = match s.as_str() {
                    "merge" | "create" => Op::Merge,
                    "replace" => Op::Replace,
                    "delete" | "remove" => Op::Delete,
                    other => {
                        return Err(format!(
                        "invalid operation '{other}' (expected merge, replace, create or delete)"
                    ))
                    }
                }
            }
            _ => {}
        }
    }
    Ok((meta, op))
}

fn is_null_marker(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Array(a) => a.len() == 1 && a[0].is_null(),
        _ => false,
    }
}

impl Conv {
    fn err(
        &self,
        kind: ConfigErrorKind,
        steps: &[Step],
        stmt: impl Into<String>,
        msg: impl Into<String>,
    ) -> ConfigError {
        ConfigError::new(kind, edit_path(&tree::path_words(steps)), stmt, msg)
    }

    fn object(
        &mut self,
        obj: &Map<String, Json>,
        level: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &[Step],
        top: bool,
    ) -> Result<(), ConfigError> {
        let mut indexes: HashMap<&'static str, KeyIndex> = HashMap::new();
        for (name, v) in obj {
            if let Some(target) = name.strip_prefix('@') {
                if !target.is_empty() && !top && schema::find_xml(level, target).is_none() {
                    return Err(self.err(
                        ConfigErrorKind::UnknownStatement,
                        steps,
                        name.clone(),
                        format!("metadata for unknown statement '{}'", &name[1..]),
                    ));
                }
                continue;
            }
            let Some(sn) = schema::find_xml(level, name) else {
                return Err(self.err(
                    ConfigErrorKind::UnknownStatement,
                    steps,
                    name.clone(),
                    format!("unknown statement '{name}'"),
                ));
            };
            let (meta, op) = meta_of(obj.get(&format!("@{name}")))
                .map_err(|m| self.err(ConfigErrorKind::Syntax, steps, name.clone(), m))?;
            self.statement(v, sn, meta, op, level, children, steps, &mut indexes)?;
        }
        Ok(())
    }

    fn value(&self, sn: &SchemaNode, v: &Json, steps: &[Step]) -> Result<String, ConfigError> {
        let raw = match v {
            Json::String(s) => s.clone(),
            Json::Number(n) => n.to_string(),
            Json::Array(a) if a.len() == 1 && (a[0].is_string() || a[0].is_number()) => {
                return self.value(sn, &a[0], steps)
            }
            other => {
                return Err(self.err(
                    ConfigErrorKind::Syntax,
                    steps,
                    sn.name,
                    format!(
                        "syntax error: expected a string or number for '{}', found {}",
                        sn.name,
                        kind_of(other)
                    ),
                ))
            }
        };
        let ty = sn.value_type().unwrap_or(ValueType::Text { max_len: 0 });
        ty.canonical(sn.name, &raw).map_err(|m| {
            self.err(
                ConfigErrorKind::InvalidValue,
                steps,
                format!("{} {}", sn.name, quote(&raw)),
                m,
            )
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn statement(
        &mut self,
        v: &Json,
        sn: &'static SchemaNode,
        meta: Meta,
        op: Op,
        level: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &[Step],
        indexes: &mut HashMap<&'static str, KeyIndex>,
    ) -> Result<(), ConfigError> {
        let here = |key: Option<String>| {
            let mut h = steps.to_vec();
            h.push(Step { schema: sn, key });
            h
        };
        match sn.kind {
            Kind::Container { .. } => {
                let inner = sn.children();
                let empty = Map::new();
                let obj = match v {
                    Json::Object(m) => m,
                    v if is_null_marker(v) => &empty,
                    other => {
                        return Err(self.err(
                            ConfigErrorKind::Syntax,
                            steps,
                            sn.name,
                            format!(
                                "syntax error: expected an object for '{}', found {}",
                                sn.name,
                                kind_of(other)
                            ),
                        ))
                    }
                };
                let (inner_meta, inner_op) = meta_of(obj.get("@"))
                    .map_err(|m| self.err(ConfigErrorKind::Syntax, steps, sn.name, m))?;
                let op = if inner_op == Op::Merge { op } else { inner_op };
                let path = here(None);
                match op {
                    Op::Delete => {
                        self.parsed.deletes.push((path, None));
                        return Ok(());
                    }
                    Op::Replace => self.parsed.replaces.push(path.clone()),
                    Op::Merge => {}
                }
                let node = tree::child_or_insert(children, level, sn);
                absorb(&mut node.meta, meta);
                absorb(&mut node.meta, inner_meta);
                if let Some(c) = tree::container_children(node) {
                    self.object(obj, inner, c, &path, false)?;
                }
                let had = obj.keys().any(|k| k != "@");
                if had
                    && matches!(&node.value, Value::Container(c) if c.is_empty())
                    && node.meta == Meta::default()
                {
                    children.retain(|n| n.schema.name != sn.name);
                }
                Ok(())
            }
            Kind::List { .. } => {
                let one;
                let items: &[Json] = match v {
                    Json::Array(a) => a,
                    Json::Object(_) => {
                        one = [v.clone()];
                        &one
                    }
                    other => {
                        return Err(self.err(
                            ConfigErrorKind::Syntax,
                            steps,
                            sn.name,
                            format!(
                                "syntax error: expected an array of objects for '{}', found {}",
                                sn.name,
                                kind_of(other)
                            ),
                        ))
                    }
                };
                for item in items {
                    let Json::Object(obj) = item else {
                        return Err(self.err(
                            ConfigErrorKind::Syntax,
                            steps,
                            sn.name,
                            format!(
                                "syntax error: expected an object in '{}', found {}",
                                sn.name,
                                kind_of(item)
                            ),
                        ));
                    };
                    let (key, used): (String, Vec<&str>) = if keys::is_multi(sn) {
                        let get = |name: &str| match obj.get(name)? {
                            Json::String(t) => Some(t.clone()),
                            Json::Number(n) => Some(n.to_string()),
                            _ => Some(String::new()),
                        };
                        keys::from_elements(sn, &get).map_err(|m| {
                            let kind = if m.starts_with("syntax error") {
                                ConfigErrorKind::Syntax
                            } else {
                                ConfigErrorKind::InvalidValue
                            };
                            self.err(kind, steps, sn.name, m)
                        })?
                    } else {
                        let Some(k) = obj.get(sn.key_name) else {
                            return Err(self.err(
                                ConfigErrorKind::Syntax,
                                steps,
                                sn.name,
                                format!(
                                    "syntax error: entry of '{}' without \"{}\"",
                                    sn.name, sn.key_name
                                ),
                            ));
                        };
                        (self.value(sn, k, steps)?, vec![sn.key_name])
                    };
                    let (emeta, eop) = meta_of(obj.get("@"))
                        .map_err(|m| self.err(ConfigErrorKind::Syntax, steps, sn.name, m))?;
                    let eop = if eop == Op::Merge { op } else { eop };
                    let path = here(Some(key.clone()));
                    match eop {
                        Op::Delete => {
                            self.parsed.deletes.push((path, None));
                            continue;
                        }
                        Op::Replace => self.parsed.replaces.push(path.clone()),
                        Op::Merge => {}
                    }
                    let node = tree::child_or_insert(children, level, sn);
                    let Value::List(entries) = &mut node.value else {
                        continue;
                    };
                    let entry = indexes
                        .entry(sn.name)
                        .or_default()
                        .entry_or_insert(entries, &key);
                    absorb(&mut entry.meta, meta.clone());
                    absorb(&mut entry.meta, emeta);
                    let mut rest = obj.clone();
                    for u in used {
                        rest.remove(u);
                    }
                    self.object(&rest, sn.children(), &mut entry.children, &path, false)?;
                }
                Ok(())
            }
            Kind::Flag => {
                if !is_null_marker(v) && v != &Json::Bool(true) {
                    return Err(self.err(
                        ConfigErrorKind::Syntax,
                        steps,
                        sn.name,
                        format!("syntax error: '{}' takes no value (use [null])", sn.name),
                    ));
                }
                self.simple(sn, None, meta, op, level, children, steps);
                Ok(())
            }
            Kind::Leaf(_) => {
                let value = self.value(sn, v, steps)?;
                self.simple(sn, Some(vec![value]), meta, op, level, children, steps);
                Ok(())
            }
            Kind::LeafList(_) => {
                let values = match v {
                    Json::Array(a) => a
                        .iter()
                        .map(|x| self.value(sn, x, steps))
                        .collect::<Result<Vec<_>, _>>()?,
                    one => vec![self.value(sn, one, steps)?],
                };
                self.simple(sn, Some(values), meta, op, level, children, steps);
                Ok(())
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn simple(
        &mut self,
        sn: &'static SchemaNode,
        values: Option<Vec<String>>,
        meta: Meta,
        op: Op,
        level: &'static [SchemaNode],
        children: &mut Vec<Node>,
        steps: &[Step],
    ) {
        let mut path = steps.to_vec();
        path.push(Step {
            schema: sn,
            key: None,
        });
        match op {
            Op::Delete => {
                match (&sn.kind, values) {
                    (Kind::LeafList(_), Some(vs)) if !vs.is_empty() => {
                        for v in vs {
                            self.parsed.deletes.push((path.clone(), Some(v)));
                        }
                    }
                    _ => self.parsed.deletes.push((path, None)),
                }
                return;
            }
            Op::Replace => self.parsed.replaces.push(path),
            Op::Merge => {}
        }
        let node = tree::child_or_insert(children, level, sn);
        absorb(&mut node.meta, meta);
        match (&mut node.value, values) {
            (Value::Leaf(d), Some(mut v)) => {
                if let Some(v) = v.pop() {
                    *d = v;
                }
            }
            (Value::LeafList(d), Some(vs)) => {
                for v in vs {
                    if !d.contains(&v) {
                        d.push(v);
                    }
                }
            }
            _ => {}
        }
    }
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}
