//! The words of a configuration-mode command resolved against the schema: `[ ... ]`
//! groups, list keys (several words for lists with several keys), the path a command
//! names and the values after it.

use crate::error::{edit_path, ConfigError, ConfigErrorKind};
use crate::keys;
use crate::lex::{Tok, Token};
use crate::schema::{self, Kind, SchemaNode};
use crate::tree::{self, Step};
use crate::value::quote;

/// One argument of a command: a word, or a `[ ... ]` group (values of a leaf-list).
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Word(Token),
    Group(Vec<Token>),
}

impl Arg {
    pub(crate) fn first(&self) -> Option<&Token> {
        match self {
            Arg::Word(t) => Some(t),
            Arg::Group(ts) => ts.first(),
        }
    }
}

/// Where a command's path leads.
pub(crate) struct Target {
    pub(crate) steps: Vec<Step>,
    /// Values after a leaf or leaf-list (with their tokens, for error positions).
    pub(crate) values: Vec<Token>,
}

/// Splits the words after a leaf's one value (or after a flag) off `t` when the first of
/// them names a statement of the leaf's own level (`mac M publish`, `metric 10 passive`):
/// Junos reads them as sibling statements on the same line. Returns those words; `None`
/// (and `t` unchanged) otherwise, so that a stray extra value is still refused.
pub(crate) fn split_siblings(t: &mut Target) -> Option<Vec<Arg>> {
    let (last, prefix) = t.steps.split_last()?;
    let at = match last.schema.kind {
        Kind::Leaf(_) => 1,
        Kind::Flag => 0,
        _ => return None,
    };
    let next = t.values.get(at)?;
    let Tok::Word(word) = &next.tok else {
        return None;
    };
    let level = prefix
        .last()
        .map_or(schema::root(), |s| s.schema.children());
    schema::find(level, word)?;
    let rest = t.values.split_off(at);
    Some(rest.into_iter().map(Arg::Word).collect())
}

pub(crate) fn syntax(path: &str, statement: &str, msg: &str, at: &Token) -> ConfigError {
    ConfigError::new(ConfigErrorKind::Syntax, path, statement, msg).at(at.line, at.col)
}

pub(crate) fn group_args(toks: &[Token], here: &str) -> Result<Vec<Arg>, ConfigError> {
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

pub(crate) fn resolve(base: &[Step], args: &[Arg], cmd: &Token) -> Result<Target, ConfigError> {
    let mut steps = base.to_vec();
    let mut level: &'static [SchemaNode] =
        steps.last().map_or(schema::root(), |s| s.schema.children());
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let path = || edit_path(&tree::path_words(&steps));
        let Arg::Word(tok) = arg else {
            let at = arg.first().unwrap_or(cmd);
            return Err(syntax(&path(), "[", "syntax error: unexpected '['", at));
        };
        let word = tok.text().unwrap_or_default();
        let found = match tok.tok {
            Tok::Word(_) => schema::find(level, word),
            _ => None,
        };
        let Some(sn) = found else {
            if let Some(bare) = schema::bare_list(level).filter(|b| keys::is_multi(b)) {
                let (key, used) = multi_key(bare, &args[i..], &path(), tok)?;
                steps.push(Step {
                    schema: bare,
                    key: Some(key),
                });
                level = bare.children();
                i += used;
                continue;
            }
            if let Some(bare) = schema::bare_list(level) {
                let canon = bare
                    .value_type()
                    .map(|t| t.canonical(bare.name, word))
                    .unwrap_or_else(|| Ok(word.to_owned()))
                    .map_err(|m| {
                        ConfigError::new(ConfigErrorKind::InvalidValue, path(), quote(word), m)
                            .at(tok.line, tok.col)
                    })?;
                steps.push(Step {
                    schema: bare,
                    key: Some(canon),
                });
                level = bare.children();
                i += 1;
                continue;
            }
            if let Some(leaf) = schema::bare_leaf(level, word) {
                steps.push(Step {
                    schema: leaf,
                    key: None,
                });
                let mut values = Vec::new();
                for a in &args[i..] {
                    match a {
                        Arg::Word(t) => values.push(t.clone()),
                        Arg::Group(ts) => values.extend(ts.iter().cloned()),
                    }
                }
                return Ok(Target { steps, values });
            }
            return Err(ConfigError::new(
                ConfigErrorKind::UnknownStatement,
                path(),
                word,
                format!("unknown statement '{word}'"),
            )
            .at(tok.line, tok.col));
        };
        match sn.kind {
            Kind::Container { .. } => {
                steps.push(Step {
                    schema: sn,
                    key: None,
                });
                level = sn.children();
                i += 1;
            }
            Kind::List { .. } if keys::is_multi(sn) && args.get(i + 1).is_some() => {
                let (key, used) = multi_key(sn, &args[i + 1..], &path(), tok)?;
                steps.push(Step {
                    schema: sn,
                    key: Some(key),
                });
                level = sn.children();
                i += 1 + used;
            }
            Kind::List { key, .. } => match args.get(i + 1) {
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
                    level = sn.children();
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

/// The keys of an entry of a list with several keys from the words of `args`; the key
/// and how many words it took.
pub(crate) fn multi_key(
    sn: &SchemaNode,
    args: &[Arg],
    path: &str,
    list_tok: &Token,
) -> Result<(String, usize), ConfigError> {
    let toks: Vec<&Token> = args
        .iter()
        .take(keys::max_words(sn))
        .map_while(|a| match a {
            Arg::Word(t) => Some(t),
            Arg::Group(_) => None,
        })
        .collect();
    let words: Vec<&str> = toks.iter().map(|t| t.text().unwrap_or_default()).collect();
    keys::read(sn, &words).map_err(|e| {
        let at = toks.get(e.at).or(toks.last()).copied().unwrap_or(list_tok);
        let kind = if e.invalid_value {
            ConfigErrorKind::InvalidValue
        } else {
            ConfigErrorKind::Syntax
        };
        ConfigError::new(kind, path, e.statement, e.message).at(at.line, at.col)
    })
}
