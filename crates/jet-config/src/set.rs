//! `set` / `delete` commands (and `edit`, `up`, `top`, `exit`) and the `display set`
//! printer.
//!
//! A command names a path of statements from the current edit level; list names are
//! followed by their key, leaves by their value, leaf-lists by one value or `[ a b ]`.

use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::lex::{tokenize, Tok, Token};
use crate::schema::{self, Kind, SchemaNode};
use crate::text::shown_value;
use crate::tree::{self, Node, Step, Value};
use crate::value::quote;

/// One argument of a command: a word, or a `[ ... ]` group (values of a leaf-list).
#[derive(Debug, Clone)]
enum Arg {
    Word(Token),
    Group(Vec<Token>),
}

impl Arg {
    fn first(&self) -> Option<&Token> {
        match self {
            Arg::Word(t) => Some(t),
            Arg::Group(ts) => ts.first(),
        }
    }
}

/// Where a command's path leads.
struct Target {
    steps: Vec<Step>,
    /// Values after a leaf or leaf-list (with their tokens, for error positions).
    values: Vec<Token>,
}

/// Applies `set`/`delete`/`edit`/`up`/`top`/`exit` lines to `children` (the root).
/// Stops at the first error; the caller decides whether to keep partial changes.
pub(crate) fn apply(children: &mut Vec<Node>, text: &str) -> Result<(), ConfigError> {
    let mut edit: Vec<Step> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let toks = tokenize(line, i + 1)?;
        let Some((cmd, rest)) = toks.split_first() else {
            continue;
        };
        let here = edit_path(&tree::path_words(&edit));
        let Tok::Word(word) = &cmd.tok else {
            return Err(syntax(
                &here,
                &cmd.shown(),
                "syntax error: expected a command",
                cmd,
            ));
        };
        let args = group_args(rest, &here)?;
        match word.as_str() {
            "set" => {
                let t = resolve(&edit, &args, cmd)?;
                set_target(children, t, cmd)?;
            }
            "delete" => {
                let t = resolve(&edit, &args, cmd)?;
                delete_target(children, t, &edit, cmd)?;
            }
            "edit" => {
                let t = resolve(&edit, &args, cmd)?;
                let ends_in_container = t.values.is_empty()
                    && t.steps.last().is_none_or(|s| match s.schema.kind {
                        Kind::Container { .. } => true,
                        Kind::List { .. } => s.key.is_some(),
                        _ => false,
                    });
                if !ends_in_container {
                    return Err(syntax(
                        &here,
                        line.trim(),
                        "syntax error: cannot edit a leaf",
                        cmd,
                    ));
                }
                edit = t.steps;
            }
            "top" if args.is_empty() => edit.clear(),
            "exit" if args.is_empty() => {
                edit.pop();
            }
            "up" => {
                let n = match args.first().and_then(Arg::first).and_then(Token::text) {
                    None => 1,
                    Some(n) => n.parse::<usize>().map_err(|_| {
                        syntax(&here, line.trim(), "syntax error: 'up' takes a count", cmd)
                    })?,
                };
                edit.truncate(edit.len().saturating_sub(n));
            }
            other => {
                return Err(ConfigError::new(
                    ConfigErrorKind::Syntax,
                    here,
                    other,
                    format!(
                        "unknown command '{other}' (expected set, delete, edit, up, top or exit)"
                    ),
                )
                .at(cmd.line, cmd.col))
            }
        }
    }
    Ok(())
}

fn syntax(path: &str, statement: &str, msg: &str, at: &Token) -> ConfigError {
    ConfigError::new(ConfigErrorKind::Syntax, path, statement, msg).at(at.line, at.col)
}

fn group_args(toks: &[Token], here: &str) -> Result<Vec<Arg>, ConfigError> {
    let mut out = Vec::new();
    let mut it = toks.iter();
    while let Some(t) = it.next() {
        match &t.tok {
            Tok::Word(_) | Tok::Quoted(_) => out.push(Arg::Word(t.clone())),
            Tok::LBracket => {
                let mut group = Vec::new();
                loop {
                    match it.next() {
                        Some(Token {
                            tok: Tok::RBracket, ..
                        }) => break,
                        Some(v) if v.text().is_some() => group.push(v.clone()),
                        Some(v) => {
                            return Err(syntax(here, &v.shown(), "syntax error: missing ']'", v))
                        }
                        None => return Err(syntax(here, "[", "syntax error: missing ']'", t)),
                    }
                }
                out.push(Arg::Group(group));
            }
            _ => {
                return Err(syntax(
                    here,
                    &t.shown(),
                    &format!("syntax error: unexpected '{}'", t.shown()),
                    t,
                ))
            }
        }
    }
    Ok(out)
}

fn resolve(base: &[Step], args: &[Arg], cmd: &Token) -> Result<Target, ConfigError> {
    let mut steps = base.to_vec();
    let mut level: &'static [SchemaNode] =
        steps.last().map_or(schema::ROOT, |s| s.schema.children());
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let path = || edit_path(&tree::path_words(&steps));
        let Arg::Word(tok) = arg else {
            let at = arg.first().unwrap_or(cmd);
            return Err(syntax(&path(), "[", "syntax error: unexpected '['", at));
        };
        let word = tok.text().unwrap_or_default();
        let Some(sn) = schema::find(level, word) else {
            return Err(ConfigError::new(
                ConfigErrorKind::UnknownStatement,
                path(),
                word,
                format!("unknown statement '{word}'"),
            )
            .at(tok.line, tok.col));
        };
        match sn.kind {
            Kind::Container { children, .. } => {
                steps.push(Step {
                    schema: sn,
                    key: None,
                });
                level = children;
                i += 1;
            }
            Kind::List { key, children } => match args.get(i + 1) {
                Some(Arg::Word(k)) => {
                    let raw = k.text().unwrap_or_default();
                    let canon = key.canonical(sn.name, raw).map_err(|m| {
                        ConfigError::new(
                            ConfigErrorKind::InvalidValue,
                            path(),
                            format!("{} {}", sn.name, quote(raw)),
                            m,
                        )
                        .at(k.line, k.col)
                    })?;
                    steps.push(Step {
                        schema: sn,
                        key: Some(canon),
                    });
                    level = children;
                    i += 2;
                }
                Some(other) => {
                    let at = other.first().unwrap_or(tok);
                    return Err(syntax(
                        &path(),
                        sn.name,
                        "syntax error: expected a name",
                        at,
                    ));
                }
                None => {
                    steps.push(Step {
                        schema: sn,
                        key: None,
                    });
                    return Ok(Target {
                        steps,
                        values: Vec::new(),
                    });
                }
            },
            Kind::Leaf(_) | Kind::LeafList(_) | Kind::Flag => {
                steps.push(Step {
                    schema: sn,
                    key: None,
                });
                let mut values = Vec::new();
                for a in &args[i + 1..] {
                    match a {
                        Arg::Word(t) => values.push(t.clone()),
                        Arg::Group(ts) => values.extend(ts.iter().cloned()),
                    }
                }
                return Ok(Target { steps, values });
            }
        }
    }
    Ok(Target {
        steps,
        values: Vec::new(),
    })
}

/// The children of the node at `steps`, creating containers and entries on the way.
fn ensure<'a>(mut children: &'a mut Vec<Node>, steps: &[Step]) -> Option<&'a mut Vec<Node>> {
    let mut parent: &'static [SchemaNode] = schema::ROOT;
    for s in steps {
        let node = tree::child_or_insert(children, parent, s.schema);
        children = match &s.key {
            None => tree::container_children(node)?,
            Some(k) => &mut tree::entry_or_insert(node, k)?.children,
        };
        parent = s.schema.children();
    }
    Some(children)
}

/// The children of the node at `steps`, without creating anything.
fn find_mut<'a>(mut children: &'a mut Vec<Node>, steps: &[Step]) -> Option<&'a mut Vec<Node>> {
    for s in steps {
        let node = tree::child_mut(children, s.schema.name)?;
        children = match (&s.key, &mut node.value) {
            (None, Value::Container(c)) => c,
            (Some(k), Value::List(entries)) => {
                &mut entries.iter_mut().find(|e| &e.key == k)?.children
            }
            _ => return None,
        };
    }
    Some(children)
}

fn check_values(
    sn: &SchemaNode,
    values: &[Token],
    parent_steps: &[Step],
) -> Result<Vec<String>, ConfigError> {
    let Some(ty) = sn.value_type() else {
        return Ok(Vec::new());
    };
    values
        .iter()
        .map(|t| {
            let raw = t.text().unwrap_or_default();
            ty.canonical(sn.name, raw).map_err(|m| {
                ConfigError::new(
                    ConfigErrorKind::InvalidValue,
                    edit_path(&tree::path_words(parent_steps)),
                    format!("{} {}", sn.name, quote(raw)),
                    m,
                )
                .at(t.line, t.col)
            })
        })
        .collect()
}

fn set_target(root: &mut Vec<Node>, t: Target, cmd: &Token) -> Result<(), ConfigError> {
    let Some((last, prefix)) = t.steps.split_last() else {
        return Err(syntax(
            "[edit]",
            "set",
            "syntax error: missing statement after 'set'",
            cmd,
        ));
    };
    let sn = last.schema;
    let here = edit_path(&tree::path_words(prefix));
    let values = check_values(sn, &t.values, prefix)?;
    let at = t.values.first().unwrap_or(cmd);
    match (&sn.kind, values.len()) {
        (Kind::List { .. }, _) if last.key.is_none() => {
            return Err(syntax(
                &here,
                sn.name,
                &format!("syntax error: missing name for '{}'", sn.name),
                cmd,
            ))
        }
        (Kind::Leaf(_), 0) | (Kind::LeafList(_), 0) => {
            return Err(syntax(
                &here,
                sn.name,
                &format!("syntax error: missing value for '{}'", sn.name),
                cmd,
            ))
        }
        (Kind::Leaf(_), n) if n > 1 => {
            let extra = t.values.get(1).unwrap_or(at);
            return Err(syntax(
                &here,
                sn.name,
                &format!("syntax error: '{}' takes one value", sn.name),
                extra,
            ));
        }
        (Kind::Flag, _) if !t.values.is_empty() => {
            return Err(syntax(
                &here,
                sn.name,
                &format!("syntax error: '{}' takes no value", sn.name),
                at,
            ))
        }
        _ => {}
    }
    let Some(children) = ensure(root, prefix) else {
        return Ok(());
    };
    let parent = prefix.last().map_or(schema::ROOT, |s| s.schema.children());
    let node = tree::child_or_insert(children, parent, sn);
    match &mut node.value {
        Value::Leaf(v) => {
            if let Some(new) = values.into_iter().next() {
                *v = new;
            }
        }
        Value::LeafList(vs) => {
            for v in values {
                if !vs.contains(&v) {
                    vs.push(v);
                }
            }
        }
        Value::List(_) => {
            if let Some(k) = &last.key {
                tree::entry_or_insert(node, k);
            }
        }
        Value::Container(_) | Value::Flag => {}
    }
    Ok(())
}

fn delete_target(
    root: &mut Vec<Node>,
    t: Target,
    edit: &[Step],
    cmd: &Token,
) -> Result<(), ConfigError> {
    let not_found = |steps: &[Step], at: &Token| {
        let words = tree::path_words(steps);
        let (stmt, parent) = words
            .split_last()
            .map_or((String::new(), &[][..]), |(l, p)| (l.clone(), p));
        ConfigError::new(
            ConfigErrorKind::NotFound,
            edit_path(parent),
            stmt,
            "statement not found",
        )
        .at(at.line, at.col)
    };
    if t.steps.len() == edit.len() {
        // `delete` alone: everything at the current level.
        if let Some(children) = find_mut(root, edit) {
            children.clear();
        }
        return Ok(());
    }
    let Some((last, prefix)) = t.steps.split_last() else {
        return Ok(());
    };
    let values = check_values(last.schema, &t.values, prefix)?;
    let at = t.values.first().unwrap_or(cmd);
    if matches!(
        last.schema.kind,
        Kind::Container { .. } | Kind::List { .. } | Kind::Flag
    ) && !values.is_empty()
    {
        return Err(syntax(
            &edit_path(&tree::path_words(prefix)),
            last.schema.name,
            "syntax error: unexpected value",
            at,
        ));
    }
    let Some(children) = find_mut(root, prefix) else {
        return Err(not_found(&t.steps, cmd));
    };
    let Some(pos) = children
        .iter()
        .position(|n| n.schema.name == last.schema.name)
    else {
        return Err(not_found(&t.steps, cmd));
    };
    let remove_node = match &mut children[pos].value {
        Value::Leaf(v) => match values.first() {
            Some(want) if want != v => return Err(not_found(&t.steps, at)),
            _ => true,
        },
        Value::LeafList(vs) if !values.is_empty() => {
            for (want, tok) in values.iter().zip(&t.values) {
                let Some(i) = vs.iter().position(|v| v == want) else {
                    return Err(not_found(&t.steps, tok));
                };
                vs.remove(i);
            }
            vs.is_empty()
        }
        Value::List(entries) => match &last.key {
            None => true,
            Some(k) => {
                let Some(i) = entries.iter().position(|e| &e.key == k) else {
                    return Err(not_found(&t.steps, cmd));
                };
                entries.remove(i);
                entries.is_empty()
            }
        },
        _ => true,
    };
    if remove_node {
        children.remove(pos);
    }
    Ok(())
}

/// Prints `set` lines for `children` below `prefix` (`set system ...`).
pub(crate) fn print(out: &mut String, children: &[Node], prefix: &str) {
    for n in children {
        let path = format!("{prefix} {}", n.schema.name);
        match &n.value {
            Value::Leaf(v) => out.push_str(&format!("{path} {}\n", shown_value(n.schema, v))),
            Value::Flag => out.push_str(&format!("{path}\n")),
            Value::LeafList(vs) => {
                for v in vs {
                    out.push_str(&format!("{path} {}\n", quote(v)));
                }
            }
            Value::Container(c) if c.is_empty() => out.push_str(&format!("{path}\n")),
            Value::Container(c) => print(out, c, &path),
            Value::List(entries) => {
                for e in entries {
                    let p = format!("{path} {}", quote(&e.key));
                    if e.children.is_empty() {
                        out.push_str(&format!("{p}\n"));
                    } else {
                        print(out, &e.children, &p);
                    }
                }
            }
        }
    }
}
