//! [`Config`]: one configuration database (candidate or committed) and its renderings.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::ConfigError;
use crate::schema::{self, SchemaNode};
use crate::tree::{self, Entry, Node, Value};
use crate::{display_set, json, set, text, xml};

/// A configuration: the statements present, as a generic tree checked against the
/// schema. Cheap enough to clone for every candidate.
#[derive(Default)]
pub struct Config {
    pub(crate) children: Vec<Node>,
    /// Known to hold no `groups` and no inactive statement, so that [`Config::effective`]
    /// is itself (a cache: every view asks). Cleared by every change.
    pub(crate) plain: AtomicBool,
}

impl Clone for Config {
    fn clone(&self) -> Self {
        Config {
            children: self.children.clone(),
            plain: AtomicBool::new(self.plain.load(Ordering::Relaxed)),
        }
    }
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        self.children == other.children
    }
}

impl Eq for Config {}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.children).finish()
    }
}

/// How `load` combines a payload with the configuration (Junos `load` variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadMode {
    /// Merge curly-brace text into the configuration.
    Merge,
    /// Like merge, but statements tagged `replace:` replace the whole subtree.
    Replace,
    /// The payload becomes the whole configuration.
    Override,
    /// Like override (only real differences count as changes).
    Update,
    /// The payload is `set`/`delete` (and `edit`/`up`/`top`/`exit`) lines.
    Set,
    /// The payload is the output of `show | compare` (Junos `load patch`); text only.
    Patch,
}

impl LoadMode {
    /// The Junos keyword: `merge`, `replace`, `override`, `update`, `set`, `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadMode::Merge => "merge",
            LoadMode::Replace => "replace",
            LoadMode::Override => "override",
            LoadMode::Update => "update",
            LoadMode::Set => "set",
            LoadMode::Patch => "patch",
        }
    }
}

impl FromStr for LoadMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "merge" => LoadMode::Merge,
            "replace" => LoadMode::Replace,
            "override" => LoadMode::Override,
            "update" => LoadMode::Update,
            "set" => LoadMode::Set,
            "patch" => LoadMode::Patch,
            other => return Err(format!("unknown load mode '{other}'")),
        })
    }
}

impl Config {
    /// Parses Junos curly-brace text. Comments (`# ...`, `/* ... */`), `## SECRET-DATA`
    /// trailers and `## Last commit:` headers are ignored, and so are `replace:` tags.
    pub fn parse_text(text: &str) -> Result<Config, ConfigError> {
        Ok(Config::from_children(text::parse(text)?.children))
    }

    /// Applies `set`/`delete` lines to an empty configuration.
    pub fn parse_set(text: &str) -> Result<Config, ConfigError> {
        let mut c = Config::default();
        c.apply_set(text)?;
        Ok(c)
    }

    /// Applies `set`, `delete`, `edit`, `up`, `top` and `exit` lines (blank lines and
    /// `#` comments allowed). All or nothing: on error the configuration is unchanged.
    /// Deleting an absent statement is an error (`statement not found`).
    pub fn apply_set(&mut self, text: &str) -> Result<(), ConfigError> {
        let mut children = self.children.clone();
        set::apply(&mut children, text)?;
        self.children = children;
        self.touch();
        Ok(())
    }

    /// Junos curly-brace text: 4-space indent, statements in schema order, list entries
    /// in insertion order, secrets followed by ` ## SECRET-DATA`.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        text::print_children(&mut s, &self.children, 0);
        s
    }

    /// `display set`: one `set` line per leaf, flag, leaf-list value, empty container or
    /// empty list entry, full path from the top, in configuration order.
    pub fn to_set(&self) -> String {
        let mut s = String::new();
        display_set::print(&mut s, &self.children);
        s
    }

    /// The children of `<configuration>` as Junos prints them, each line indented
    /// `base_indent + 4 * depth` spaces.
    pub fn to_xml(&self, base_indent: usize) -> String {
        let mut s = String::new();
        xml::print(&mut s, &self.children, base_indent);
        s
    }

    /// The object inside `{"configuration": ...}` (junos-output.md 1.3).
    pub fn to_json_value(&self) -> serde_json::Value {
        json::object(&self.children)
    }

    /// True when nothing is configured.
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// The top-level statements (generic tree, for tools such as diff or completion).
    pub fn statements(&self) -> &[Node] {
        &self.children
    }

    /// A configuration holding only the branch at `path` (statement names and list
    /// keys as typed on the CLI: `["system", "login", "user", "admin"]`), with its
    /// ancestors. `None` when nothing is configured there. An empty path gives a copy.
    pub fn subtree(&self, path: &[&str]) -> Option<Config> {
        extract(&self.children, schema::root(), path).map(Config::from_children)
    }

    /// The text of the contents of the statement at `path`, unindented: what
    /// `show configuration system services` prints. For a leaf, its own line. `None`
    /// when nothing is configured there.
    pub fn to_text_at(&self, path: &[&str]) -> Option<String> {
        let mut s = String::new();
        match locate(&self.children, schema::root(), path)? {
            At::Children(c) => text::print_children(&mut s, c, 0),
            At::Node(n) => text::print_children(&mut s, std::slice::from_ref(n), 0),
        }
        Some(s)
    }

    /// This configuration with every secret value (`## SECRET-DATA`: password hashes,
    /// keys, RADIUS secrets) replaced by [`crate::SECRET_MASK`]: what a user without the
    /// `secret` permission sees.
    pub fn with_secrets_masked(&self) -> Config {
        fn mask(children: &mut [Node]) {
            for n in children {
                let secret = n.schema.secret;
                match &mut n.value {
                    Value::Leaf(v) if secret => *v = crate::common::SECRET_MASK.to_owned(),
                    Value::Container(c) => mask(c),
                    Value::List(entries) => entries.iter_mut().for_each(|e| mask(&mut e.children)),
                    _ => {}
                }
            }
        }
        let mut c = Config::from_children(self.children.clone());
        mask(&mut c.children);
        c
    }

    /// Merges `other` into this configuration (`load merge`).
    pub fn merge(&mut self, other: &Config) {
        tree::merge_children(&mut self.children, other.children.clone(), schema::root());
        self.touch();
    }

    /// A configuration of these statements.
    pub(crate) fn from_children(children: Vec<Node>) -> Config {
        Config {
            children,
            plain: AtomicBool::new(false),
        }
    }

    /// Forgets what is cached about the content (after a change).
    pub(crate) fn touch(&mut self) {
        *self.plain.get_mut() = false;
    }

    /// The node at a path of statement names (containers only, no list keys).
    pub(crate) fn node_at(&self, names: &[&str]) -> Option<&Node> {
        let (first, rest) = names.split_first()?;
        let mut node = tree::child(&self.children, first)?;
        for name in rest {
            node = tree::child(node.children(), name)?;
        }
        Some(node)
    }
}

/// A list key as stored (canonical when it parses, else as typed).
fn canon_key(sn: &SchemaNode, raw: &str) -> String {
    sn.value_type()
        .and_then(|t| t.canonical(sn.name, raw).ok())
        .unwrap_or_else(|| raw.to_owned())
}

/// The statement a (non-empty) path's first word names at this level, and the rest of
/// the path after it. A word that names no statement is a key of the level's bare list
/// (`interfaces ge-0/0/0`, `routing-instances R1`, whose list keyword Junos leaves out):
/// the path then goes on with that key.
fn step<'p>(
    level: &'static [SchemaNode],
    path: &'p [&'p str],
) -> Option<(&'static SchemaNode, &'p [&'p str])> {
    let (word, rest) = path.split_first()?;
    match schema::find(level, word) {
        Some(sn) => Some((sn, rest)),
        None => Some((schema::bare_list(level)?, path)),
    }
}

fn extract(children: &[Node], level: &'static [SchemaNode], path: &[&str]) -> Option<Vec<Node>> {
    if path.is_empty() {
        return Some(children.to_vec());
    }
    let (sn, rest) = step(level, path)?;
    let node = tree::child(children, sn.name)?;
    if rest.is_empty() {
        return Some(vec![node.clone()]);
    }
    let value = match &node.value {
        Value::Container(c) => Value::Container(extract(c, sn.children(), rest)?),
        Value::List(_) => {
            let (key, rest) = rest.split_first()?;
            let e = node.entry(&canon_key(sn, key))?;
            let inner = extract(&e.children, sn.children(), rest)?;
            Value::List(vec![Entry {
                key: e.key.clone(),
                meta: e.meta.clone(),
                children: inner,
            }])
        }
        _ => return None,
    };
    Some(vec![Node {
        schema: node.schema,
        meta: node.meta.clone(),
        value,
    }])
}

enum At<'a> {
    Children(&'a [Node]),
    Node(&'a Node),
}

fn locate<'a>(children: &'a [Node], level: &'static [SchemaNode], path: &[&str]) -> Option<At<'a>> {
    if path.is_empty() {
        return Some(At::Children(children));
    }
    let (sn, rest) = step(level, path)?;
    let node = tree::child(children, sn.name)?;
    match &node.value {
        Value::Container(c) => locate(c, sn.children(), rest),
        Value::List(_) => match rest.split_first() {
            None => Some(At::Node(node)),
            Some((key, rest)) => locate(
                &node.entry(&canon_key(sn, key))?.children,
                sn.children(),
                rest,
            ),
        },
        _ if rest.is_empty() => Some(At::Node(node)),
        _ => None,
    }
}
