//! `?` help and TAB completion in configuration mode, drawn from the configuration
//! schema (`jet_config::schema`), so jcli offers exactly the statements the device knows.
//! Pure functions of the edit level and the text before the cursor.

use jet_config::schema::{self, KeyForm, Kind, SchemaNode};

/// Configuration-mode commands with their help, in Junos order.
static COMMANDS: &[(&str, &str)] = &[
    ("activate", "Remove the inactive tag from a statement"),
    ("annotate", "Annotate the statement with a comment"),
    ("commit", "Commit current set of changes"),
    ("copy", "Copy a statement"),
    ("deactivate", "Add the inactive tag to a statement"),
    ("delete", "Delete a data element"),
    ("edit", "Edit a sub-element"),
    ("exit", "Exit from this level"),
    ("insert", "Insert a new ordered data element"),
    ("load", "Load configuration from ASCII file"),
    ("quit", "Quit from this level"),
    ("rename", "Rename a statement"),
    ("rollback", "Roll back to previous committed configuration"),
    ("run", "Run an operational-mode command"),
    ("set", "Set a parameter"),
    ("show", "Show a parameter"),
    ("status", "Show users currently editing configuration"),
    ("top", "Exit to top level of configuration"),
    ("up", "Exit one level of configuration"),
];

/// Commands followed by a statement path.
const PATH_COMMANDS: &[&str] = &[
    "activate",
    "annotate",
    "copy",
    "deactivate",
    "delete",
    "edit",
    "insert",
    "rename",
    "set",
    "show",
];

static COMMIT_OPTIONS: &[(&str, &str)] = &[
    ("and-quit", "Quit configuration mode if commit succeeds"),
    ("check", "Check correctness of syntax; do not apply changes"),
    ("comment", "Message to write to commit log"),
    ("confirmed", "Automatically rollback if not confirmed"),
];

static LOAD_MODES: &[(&str, &str)] = &[
    ("merge", "Merge contents with existing configuration"),
    ("override", "Override existing configuration"),
    ("patch", "Load patch file"),
    ("replace", "Replace configuration data"),
    ("set", "Execute set of commands on existing configuration"),
    ("update", "Update existing configuration"),
];

/// One possible completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    /// The word (or `<name>` for a free value).
    pub(crate) word: String,
    /// One-line help.
    pub(crate) help: String,
    /// False for placeholders (`<name>`) that TAB must not insert.
    pub(crate) literal: bool,
    /// Junos's mark in `?` lists: `>` a statement with statements under it, `+` one
    /// taking several values, blank otherwise.
    pub(crate) mark: char,
}

/// What the words so far expect next.
enum Expect {
    Statements(&'static [SchemaNode]),
    Key(&'static SchemaNode),
    /// A list with several keys: the index of the next key, and whether its name
    /// (`transit-area`) or choice word (`upto`) has just been typed.
    Keys(&'static SchemaNode, usize, bool),
    Value(&'static SchemaNode),
    Nothing,
}

fn step(at: Expect, word: &str) -> Result<Expect, String> {
    match at {
        Expect::Statements(level) => {
            let node = schema::find(level, word).or_else(|| {
                let mut m = level.iter().filter(|n| n.name.starts_with(word));
                match (m.next(), m.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            });
            match node {
                Some(n) => Ok(match n.kind {
                    Kind::Container { .. } => Expect::Statements(n.children()),
                    Kind::List { .. } if !n.keys.is_empty() => keys_from(n, 0),
                    Kind::List { .. } => Expect::Key(n),
                    Kind::Leaf(_) | Kind::LeafList(_) => Expect::Value(n),
                    Kind::Flag => Expect::Nothing,
                }),
                // A word that is no statement here names an entry of the bare list.
                None => match schema::bare_list(level) {
                    Some(b) if !b.keys.is_empty() => Ok(keys_from(b, 1)),
                    Some(b) => Ok(Expect::Statements(b.children())),
                    None => Err(word.to_owned()),
                },
            }
        }
        Expect::Key(n) => Ok(Expect::Statements(n.children())),
        Expect::Keys(n, k, typed) => {
            let Some(spec) = n.keys.get(k) else {
                return step(Expect::Statements(n.children()), word);
            };
            Ok(match (spec.form, typed) {
                (KeyForm::Keyword, false) if word == spec.name => Expect::Keys(n, k, true),
                (KeyForm::Keyword, false) => return Err(word.to_owned()),
                (KeyForm::ChoiceIdent, _) if schema::choice_takes_value(word) => {
                    Expect::Keys(n, k + 1, true)
                }
                (KeyForm::ChoiceValue, true) => keys_from(n, k + 1),
                _ => keys_from(n, k + 1),
            })
        }
        Expect::Value(_) => Ok(Expect::Nothing),
        Expect::Nothing => Err(word.to_owned()),
    }
}

/// Expecting key `k` of list `n` (a choice value is skipped unless its word was typed).
fn keys_from(n: &'static SchemaNode, k: usize) -> Expect {
    match n.keys.get(k) {
        None => Expect::Statements(n.children()),
        Some(spec) if spec.form == KeyForm::ChoiceValue => keys_from(n, k + 1),
        Some(_) => Expect::Keys(n, k, false),
    }
}

fn walk(edit: &[String], words: &[&str]) -> Result<Expect, String> {
    let mut at = Expect::Statements(schema::root());
    for w in edit.iter().map(String::as_str).chain(words.iter().copied()) {
        at = step(at, w)?;
    }
    Ok(at)
}

fn fixed(list: &[(&str, &str)], partial: &str) -> Vec<Choice> {
    list.iter()
        .filter(|(w, _)| w.starts_with(partial))
        .map(|(w, h)| Choice {
            word: (*w).to_owned(),
            help: (*h).to_owned(),
            literal: true,
            mark: ' ',
        })
        .collect()
}

/// Completions for the text before the cursor at edit level `edit`: the byte offset of
/// the partial word and the choices; `Err` names a word that does not fit.
pub(crate) fn complete(edit: &[String], before: &str) -> Result<(usize, Vec<Choice>), String> {
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let partial = &before[start..];
    let words: Vec<&str> = before[..start].split_whitespace().collect();
    let Some((cmd, rest)) = words.split_first() else {
        return Ok((start, fixed(COMMANDS, partial)));
    };
    let choices = match *cmd {
        "commit" => fixed(COMMIT_OPTIONS, partial),
        "load" if rest.is_empty() => fixed(LOAD_MODES, partial),
        "load" => fixed(&[("terminal", "Use login terminal")], partial),
        "rollback" => vec![Choice {
            word: "<number>".into(),
            help: "Numeric argument (0..49)".into(),
            literal: false,
            mark: ' ',
        }],
        c if PATH_COMMANDS.contains(&c) => match walk(edit, rest)? {
            Expect::Statements(level) => {
                let mut v: Vec<Choice> = level
                    .iter()
                    .filter(|n| n.name.starts_with(partial))
                    .map(|n| Choice {
                        word: n.name.to_owned(),
                        help: help_of(n),
                        literal: true,
                        mark: mark_of(n),
                    })
                    .collect();
                // Junos lists the statements of a level in alphabetical order.
                v.sort_by(|a, b| a.word.cmp(&b.word));
                v
            }
            Expect::Key(n) => vec![Choice {
                word: format!("<{}>", n.key_name_or_name()),
                help: help_of(n),
                literal: false,
                mark: ' ',
            }],
            Expect::Keys(n, k, typed) => match n.keys.get(k) {
                None => Vec::new(),
                Some(spec) => match (spec.form, typed) {
                    (KeyForm::Keyword, false) => vec![Choice {
                        word: spec.name.to_owned(),
                        help: spec.ty.describe(),
                        literal: true,
                        mark: ' ',
                    }],
                    (KeyForm::ChoiceIdent, _) => match spec.ty {
                        jet_config::value::ValueType::Gen(g) => g
                            .enums
                            .iter()
                            .filter(|w| w.starts_with(partial))
                            .map(|w| Choice {
                                word: (*w).to_owned(),
                                help: String::new(),
                                literal: true,
                                mark: ' ',
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                    _ => vec![Choice {
                        word: format!("<{}>", spec.name),
                        help: spec.ty.describe(),
                        literal: false,
                        mark: ' ',
                    }],
                },
            },
            Expect::Value(n) => vec![Choice {
                word: format!("<{}>", n.name),
                help: help_of(n),
                literal: false,
                mark: ' ',
            }],
            Expect::Nothing => Vec::new(),
        },
        _ => Vec::new(),
    };
    Ok((start, choices))
}

trait KeyName {
    fn key_name_or_name(&self) -> &'static str;
}

impl KeyName for SchemaNode {
    fn key_name_or_name(&self) -> &'static str {
        if self.key_name.is_empty() {
            "name"
        } else {
            self.key_name
        }
    }
}

/// The `?` answer, Junos style.
pub(crate) fn help_text(edit: &[String], before: &str) -> String {
    match complete(edit, before) {
        Err(word) => format!("syntax error: '{word}' is not valid here\n"),
        Ok((_, choices)) if choices.is_empty() => {
            "Possible completions:\n  <[Enter]>            Execute this command\n".into()
        }
        Ok((_, choices)) => {
            let mut out = String::from("Possible completions:\n");
            for c in choices {
                out.push_str(&format!("{} {:<20} {}\n", c.mark, c.word, c.help));
            }
            out
        }
    }
}

/// Junos's `?` mark of a statement (see [`Choice::mark`]).
fn mark_of(n: &SchemaNode) -> char {
    match n.kind {
        Kind::Container { .. } | Kind::List { .. } => '>',
        Kind::LeafList(_) => '+',
        Kind::Leaf(_) | Kind::Flag => ' ',
    }
}

/// A statement's help: the hand schema's text, or for statements from the Junos facts
/// (which carry no descriptions) what they hold: `<1..4>`, `exact|longer`, `{...}`.
fn help_of(n: &SchemaNode) -> String {
    if !n.help.is_empty() {
        return n.help.to_owned();
    }
    match n.kind {
        Kind::Container { .. } => "{...}".to_owned(),
        Kind::Flag => "(flag)".to_owned(),
        Kind::List { key, .. } => format!("{} {{...}}", key.describe()),
        Kind::Leaf(t) | Kind::LeafList(t) => t.describe(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(edit: &[&str], before: &str) -> Vec<String> {
        let edit: Vec<String> = edit.iter().map(|s| (*s).to_owned()).collect();
        complete(&edit, before)
            .expect("valid")
            .1
            .into_iter()
            .map(|c| c.word)
            .collect()
    }

    #[test]
    fn first_word_offers_configuration_commands() {
        let w = words(&[], "");
        assert!(w.contains(&"set".to_owned()) && w.contains(&"commit".to_owned()));
        assert_eq!(words(&[], "ro"), vec!["rollback"]);
    }

    #[test]
    fn help_lists_statements_alphabetically_with_junos_marks() {
        let text = help_text(&[], "set system ");
        let rows: Vec<&str> = text.lines().skip(1).collect();
        let names: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(2..).and_then(|r| r.split_whitespace().next()))
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted, "{text}");
        assert!(rows.iter().any(|r| r.starts_with("> login ")), "{text}");
        assert!(
            rows.iter()
                .any(|r| r.starts_with("+ authentication-order ")),
            "{text}"
        );
        assert!(rows.iter().any(|r| r.starts_with("  host-name ")), "{text}");
    }

    #[test]
    fn set_paths_come_from_the_schema() {
        assert!(words(&[], "set ").contains(&"system".to_owned()));
        assert_eq!(words(&[], "set system host"), vec!["host-name"]);
        assert_eq!(words(&[], "set system host-name "), vec!["<host-name>"]);
    }

    #[test]
    fn paths_are_relative_to_the_edit_level() {
        assert_eq!(words(&["system"], "set host"), vec!["host-name"]);
        let e: Vec<String> = vec!["system".into(), "login".into()];
        let (_, c) = complete(&e, "set user ").expect("valid");
        assert!(!c[0].literal, "a user name is free text: {c:?}");
    }

    #[test]
    fn completion_covers_the_generated_junos_schema_with_types() {
        assert!(words(&[], "set protocols ").contains(&"bgp".to_owned()));
        assert_eq!(
            words(&[], "set chassis aggregated-devices ethernet dev"),
            vec!["device-count"]
        );
        let (_, c) = complete(&[], "set system ntp server 192.0.2.1 version ").expect("valid");
        assert_eq!(c[0].help, "<1..4>", "{c:?}");
        let (_, c) = complete(&[], "set snmp community public auth").expect("valid");
        assert_eq!(c[0].word, "authorization");
        assert!(c[0].help.contains("read-only"), "{c:?}");
    }

    #[test]
    fn lists_with_several_keys_complete_each_key() {
        let base = "set protocols ospf area 0.0.0.0 virtual-link ";
        assert_eq!(words(&[], base), vec!["neighbor-id"]);
        assert_eq!(
            words(&[], &format!("{base}neighbor-id ")),
            vec!["<neighbor-id>"]
        );
        assert_eq!(
            words(&[], &format!("{base}neighbor-id 192.0.2.1 ")),
            vec!["transit-area"]
        );
        assert_eq!(
            words(&[], &format!("{base}neighbor-id 192.0.2.1 transit-area ")),
            vec!["<transit-area>"]
        );
        // After every key: the entry's statements.
        let after = words(
            &[],
            &format!("{base}neighbor-id 192.0.2.1 transit-area 0.0.0.1 "),
        );
        assert!(after.len() > 3, "{after:?}");
        // A keyword-less list with a choice: `route-filter-list R 10.0.0.0/8 upto /24`.
        let rfl = "set policy-options route-filter-list R 10.0.0.0/8 ";
        let w = words(&[], rfl);
        assert!(
            w.contains(&"exact".to_owned()) && w.contains(&"upto".to_owned()),
            "{w:?}"
        );
        assert_eq!(words(&[], &format!("{rfl}upto ")), vec!["<choice-value>"]);
        assert!(
            complete(&[], "set protocols ospf area 0 virtual-link bogus ").is_err(),
            "a wrong key name is reported"
        );
    }

    #[test]
    fn unknown_statements_are_reported() {
        assert_eq!(
            complete(&[], "set bogus ").map(|_| ()),
            Err("bogus".to_owned())
        );
        assert!(help_text(&[], "set bogus ").contains("'bogus'"));
    }
}
