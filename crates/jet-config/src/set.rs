//! Configuration-mode commands (`set`, `delete`, `deactivate`, `activate`, `annotate`,
//! `rename`, `copy`, `insert`, `edit`, `up`, `top`, `exit`) and the `display set`
//! printer (`display_set.rs`); the words of a command resolve in `set_args.rs`.
//!
//! A command names a path of statements from the current edit level; list names are
//! followed by their key (bare lists such as `interfaces ge-0/0/0` by the key alone),
//! leaves by their value, leaf-lists by one value or `[ a b ]`.

use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::lex::{tokenize, Tok, Token};
use crate::schema::{self, Kind, SchemaNode};
use crate::set_args::{group_args, resolve, split_siblings, syntax, Arg, Target};
use crate::tree::{self, Entry, Node, Step, Value};
use crate::value::quote;

/// Key indexes of lists, by the path of the list.
type Cache =
    std::collections::HashMap<String, tree::KeyIndex, std::hash::BuildHasherDefault<schema::Fnv>>;

/// Applies `set`/`delete`/`edit`/`up`/`top`/`exit` lines to `children` (the root).
/// Stops at the first error; the caller decides whether to keep partial changes.
pub(crate) fn apply(children: &mut Vec<Node>, text: &str) -> Result<(), ConfigError> {
    let mut edit: Vec<Step> = Vec::new();
    // Key indexes of the lists `set` has added to; only `set` keeps them valid.
    let mut cache = Cache::default();
    for (i, line) in text.lines().enumerate() {
        let mut toks = tokenize(line, i + 1)?;
        toks.retain(|t| !matches!(t.tok, Tok::Comment(_)));
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
        if !matches!(word.as_str(), "set" | "edit" | "top" | "up" | "exit") {
            cache.clear();
        }
        match word.as_str() {
            "set" => {
                // `... arp A mac M publish`: statements after a leaf's value (or after a
                // flag) are its siblings, set from the same level.
                let mut base = edit.clone();
                let mut args = args;
                loop {
                    let mut t = resolve(&base, &args, cmd)?;
                    let more = split_siblings(&mut t);
                    let parent = t.steps.split_last().map(|(_, p)| p.to_vec());
                    set_target(children, t, cmd, &mut cache)?;
                    match (more, parent) {
                        (Some(rest), Some(parent)) => {
                            base = parent;
                            args = rest;
                        }
                        _ => break,
                    }
                }
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
            "deactivate" | "activate" => {
                let t = resolve(&edit, &args, cmd)?;
                let on = word == "deactivate";
                let here_t = t.steps.clone();
                with_meta(children, &t, &edit, cmd, |m| m.inactive = on)
                    .ok_or_else(|| not_found(&here_t, cmd))?;
            }
            "annotate" => {
                let Some((Arg::Word(comment), path)) = args.split_last() else {
                    return Err(syntax(
                        &here,
                        line.trim(),
                        "syntax error: annotate takes a statement and a comment",
                        cmd,
                    ));
                };
                let raw = comment.text().unwrap_or_default();
                if raw.contains("*/") {
                    return Err(ConfigError::new(
                        ConfigErrorKind::InvalidValue,
                        here,
                        "annotate",
                        "invalid comment: '*/' is not allowed",
                    )
                    .at(comment.line, comment.col));
                }
                let t = resolve(&edit, path, cmd)?;
                if t.steps.len() == edit.len() {
                    return Err(syntax(
                        &here,
                        line.trim(),
                        "syntax error: annotate needs a statement",
                        cmd,
                    ));
                }
                let steps = t.steps.clone();
                let value = crate::value::annotation(raw);
                with_meta(children, &t, &edit, cmd, |m| m.annotation.clone_from(&value))
                    .ok_or_else(|| not_found(&steps, cmd))?;
            }
            "rename" | "copy" | "insert" => {
                entry_command(children, &edit, word, &args, cmd, line)?;
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
                        "unknown command '{other}' (expected set, delete, deactivate, activate, annotate, rename, copy, insert, edit, up, top or exit)"
                    ),
                )
                .at(cmd.line, cmd.col))
            }
        }
    }
    Ok(())
}

/// `statement not found` for the statement at `steps`.
fn not_found(steps: &[Step], at: &Token) -> ConfigError {
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
}

/// Applies `f` to the metadata of the statement at `t` (every entry for a whole
/// list). `None` when it is not configured.
fn with_meta(
    root: &mut Vec<Node>,
    t: &Target,
    edit: &[Step],
    cmd: &Token,
    f: impl Fn(&mut tree::Meta),
) -> Option<()> {
    let _ = cmd;
    let (last, prefix) = t.steps.split_last()?;
    if t.steps.len() == edit.len() && !t.values.is_empty() {
        return None;
    }
    let children = find_mut(root, prefix)?;
    let node = tree::child_mut(children, last.schema.name)?;
    match (&last.key, &mut node.value) {
        (Some(k), Value::List(entries)) => {
            let e = entries.iter_mut().find(|e| &e.key == k)?;
            f(&mut e.meta);
        }
        (None, Value::List(entries)) => entries.iter_mut().for_each(|e| f(&mut e.meta)),
        _ => f(&mut node.meta),
    }
    Some(())
}

/// The entries of the list at `steps` (whose last step names an entry) and the
/// position of that entry.
fn entry_pos<'a>(root: &'a mut Vec<Node>, steps: &[Step]) -> Option<(&'a mut Vec<Entry>, usize)> {
    let (last, prefix) = steps.split_last()?;
    let key = last.key.as_ref()?;
    let children = find_mut(root, prefix)?;
    match &mut tree::child_mut(children, last.schema.name)?.value {
        Value::List(entries) => {
            let pos = entries.iter().position(|e| &e.key == key)?;
            Some((entries, pos))
        }
        _ => None,
    }
}

/// `rename A to [LIST] KEY`, `copy A to [LIST] KEY`, `insert A before|after [LIST] KEY`:
/// operations on list entries.
fn entry_command(
    root: &mut Vec<Node>,
    edit: &[Step],
    word: &str,
    args: &[Arg],
    cmd: &Token,
    line: &str,
) -> Result<(), ConfigError> {
    let here = edit_path(&tree::path_words(edit));
    let keywords: &[&str] = if word == "insert" {
        &["before", "after"]
    } else {
        &["to"]
    };
    let split = args.iter().position(|a| {
        matches!(a, Arg::Word(t) if matches!(&t.tok, Tok::Word(w) if keywords.contains(&w.as_str())))
    });
    let usage = || {
        syntax(
            &here,
            line.trim(),
            &format!(
                "syntax error: expected '{word} STATEMENT {} [STATEMENT] NAME'",
                keywords.join("|")
            ),
            cmd,
        )
    };
    let Some(split) = split else {
        return Err(usage());
    };
    let t = resolve(edit, &args[..split], cmd)?;
    let Some(last) = t
        .steps
        .last()
        .filter(|s| s.key.is_some() && t.values.is_empty())
    else {
        return Err(syntax(
            &here,
            line.trim(),
            &format!("syntax error: {word} works on list entries (such as 'user bob')"),
            cmd,
        ));
    };
    let sn = last.schema;
    let rest = &args[split + 1..];
    let key_arg = match rest {
        [Arg::Word(k)] => k,
        [Arg::Word(n), Arg::Word(k)] if n.text() == Some(sn.name) => k,
        _ => return Err(usage()),
    };
    let raw = key_arg.text().unwrap_or_default();
    let prefix = edit_path(&tree::path_words(&t.steps[..t.steps.len() - 1]));
    let other = sn
        .value_type()
        .map(|ty| ty.canonical(sn.name, raw))
        .unwrap_or_else(|| Ok(raw.to_owned()))
        .map_err(|m| {
            ConfigError::new(
                ConfigErrorKind::InvalidValue,
                prefix.clone(),
                format!("{} {}", sn.name, quote(raw)),
                m,
            )
            .at(key_arg.line, key_arg.col)
        })?;
    let Some((entries, pos)) = entry_pos(root, &t.steps) else {
        return Err(not_found(&t.steps, cmd));
    };
    let exists = entries.iter().position(|e| e.key == other);
    let in_use = || {
        ConfigError::new(
            ConfigErrorKind::Conflict,
            prefix.clone(),
            format!("{} {}", sn.name, quote(&other)),
            format!("{} {} already exists", sn.name, quote(&other)),
        )
        .at(key_arg.line, key_arg.col)
    };
    match (word, exists) {
        ("rename", None) => entries[pos].key.clone_from(&other),
        ("copy", None) => {
            let mut e = entries[pos].clone();
            e.key.clone_from(&other);
            entries.push(e);
        }
        ("rename" | "copy", Some(_)) => return Err(in_use()),
        (_, Some(anchor)) if anchor == pos => {}
        (_, Some(anchor)) => {
            let e = entries.remove(pos);
            let anchor = if anchor > pos { anchor - 1 } else { anchor };
            let before = args[split].first().and_then(Token::text) == Some("before");
            entries.insert(if before { anchor } else { anchor + 1 }, e);
        }
        (_, None) => {
            let mut steps = t.steps.clone();
            if let Some(l) = steps.last_mut() {
                l.key = Some(other);
            }
            return Err(not_found(&steps, key_arg));
        }
    }
    Ok(())
}

/// The children of the node at `steps`, creating containers and entries on the way.
fn ensure<'a>(
    mut children: &'a mut Vec<Node>,
    steps: &[Step],
    cache: &mut Cache,
) -> Option<&'a mut Vec<Node>> {
    let mut parent: &'static [SchemaNode] = schema::root();
    let mut path = String::new();
    for s in steps {
        let node = tree::child_or_insert(children, parent, s.schema);
        path.push_str(s.schema.name);
        path.push('\0');
        children = match (&s.key, &mut node.value) {
            (None, Value::Container(c)) => c,
            (Some(k), Value::List(entries)) => {
                if !cache.contains_key(path.as_str()) {
                    cache.insert(path.clone(), tree::KeyIndex::default());
                }
                let index = cache.get_mut(path.as_str())?;
                path.push_str(k);
                path.push('\0');
                &mut index.entry_or_insert(entries, k).children
            }
            _ => return None,
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

fn set_target(
    root: &mut Vec<Node>,
    t: Target,
    cmd: &Token,
    cache: &mut Cache,
) -> Result<(), ConfigError> {
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
    let Some(children) = ensure(root, prefix, cache) else {
        return Ok(());
    };
    let parent = prefix
        .last()
        .map_or(schema::root(), |s| s.schema.children());
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
        Value::List(entries) => {
            if let Some(k) = &last.key {
                let mut path = String::new();
                for s in prefix {
                    path.push_str(s.schema.name);
                    path.push('\0');
                    if let Some(k) = &s.key {
                        path.push_str(k);
                        path.push('\0');
                    }
                }
                path.push_str(sn.name);
                path.push('\0');
                cache.entry(path).or_default().entry_or_insert(entries, k);
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
