//! Configuration-mode command lines, parsed (pure functions, no state).
//!
//! Statement edits (`set`, `delete`, `deactivate`, `annotate`, ...) are passed whole to
//! jet-config, which owns their grammar; this module parses the words that drive the
//! session itself: `edit`, `up`, `top`, `exit`, `show`, `commit`, `rollback`, `load`,
//! `run`, `status`.

use jet_config::LoadMode;

use crate::error::DeviceError;

/// Highest `commit confirmed` timeout, in minutes (as Junos).
pub const MAX_CONFIRM_MINUTES: u32 = 65535;
/// `commit confirmed` without a number: 10 minutes, as Junos.
pub const DEFAULT_CONFIRM_MINUTES: u32 = 10;

/// Options of `commit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitOptions {
    /// `commit check`: validate and prepare only.
    pub check: bool,
    /// `commit confirmed N`: minutes before the automatic rollback.
    pub confirmed: Option<u32>,
    /// `commit comment "..."`.
    pub comment: Option<String>,
    /// `commit and-quit`: leave configuration mode after a successful commit.
    pub and_quit: bool,
}

/// One parsed configuration-mode command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CfgCommand {
    /// A statement edit, passed to jet-config as typed (`set system host-name r1`).
    Change(String),
    /// `edit PATH`: the words after `edit`, as typed.
    Edit(String),
    /// `up [N]`.
    Up(usize),
    /// `top`.
    Top,
    /// `exit` / `quit` (`exit configuration-mode` forces leaving with uncommitted changes).
    Exit { force: bool },
    /// `show [PATH] [| compare [rollback N]] [| display set]`.
    Show {
        path: Vec<String>,
        compare: Option<usize>,
        display_set: bool,
    },
    /// `commit ...`.
    Commit(CommitOptions),
    /// `rollback [N]`.
    Rollback(usize),
    /// `load MODE terminal|FILE` (the text comes with the request).
    Load(LoadMode),
    /// `run OP-COMMAND`.
    Run(String),
    /// `status`: who is editing the configuration.
    Status,
}

/// Words that edit statements; jet-config parses the rest of the line.
const CHANGES: &[&str] = &[
    "set",
    "delete",
    "deactivate",
    "activate",
    "annotate",
    "rename",
    "copy",
    "insert",
    "protect",
    "unprotect",
];

fn syntax(msg: impl Into<String>) -> DeviceError {
    DeviceError::syntax(msg.into())
}

/// Splits a line into words; `"..."` groups words (quotes removed, `\"` kept as `"`).
pub(crate) fn words(line: &str) -> Result<Vec<String>, DeviceError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            if let Some(n) = chars.next() {
                                cur.push(n);
                            }
                        }
                        Some(ch) => cur.push(ch),
                        None => return Err(syntax("missing closing quote")),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// Parses one command line.
pub(crate) fn parse(line: &str) -> Result<CfgCommand, DeviceError> {
    let line = line.trim();
    let first = line.split_whitespace().next().unwrap_or("");
    let rest = line[first.len()..].trim();
    if CHANGES.contains(&first) {
        return Ok(CfgCommand::Change(line.to_owned()));
    }
    match first {
        "edit" if rest.is_empty() => Err(syntax("'edit' needs a statement path")),
        "edit" => Ok(CfgCommand::Edit(rest.to_owned())),
        "up" => match rest {
            "" => Ok(CfgCommand::Up(1)),
            n => n
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .map(CfgCommand::Up)
                .ok_or_else(|| syntax(format!("'up' takes a count, not '{n}'"))),
        },
        "top" if rest.is_empty() => Ok(CfgCommand::Top),
        "exit" | "quit" => match rest {
            "" => Ok(CfgCommand::Exit { force: false }),
            "configuration-mode" => Ok(CfgCommand::Exit { force: true }),
            other => Err(syntax(format!("unexpected '{other}' after '{first}'"))),
        },
        "show" => parse_show(rest),
        "commit" => parse_commit(rest).map(CfgCommand::Commit),
        "rollback" => match rest {
            "" => Ok(CfgCommand::Rollback(0)),
            n => n
                .parse::<usize>()
                .ok()
                .filter(|&n| n <= jet_config::MAX_ROLLBACK)
                .map(CfgCommand::Rollback)
                .ok_or_else(|| {
                    syntax(format!(
                        "rollback number '{n}' is not valid (0..{})",
                        jet_config::MAX_ROLLBACK
                    ))
                }),
        },
        "load" => parse_load(rest),
        "run" if rest.is_empty() => Err(syntax("'run' needs an operational command")),
        "run" => Ok(CfgCommand::Run(rest.to_owned())),
        "status" if rest.is_empty() => Ok(CfgCommand::Status),
        "" => Err(syntax("empty command")),
        other => Err(syntax(format!("unknown command '{other}'"))),
    }
}

fn parse_show(rest: &str) -> Result<CfgCommand, DeviceError> {
    let mut parts = rest.split('|');
    let path = words(parts.next().unwrap_or(""))?;
    let mut compare = None;
    let mut display_set = false;
    for pipe in parts {
        let w: Vec<&str> = pipe.split_whitespace().collect();
        match w.as_slice() {
            ["compare"] => compare = Some(0),
            ["compare", "rollback", n] => {
                let n = n
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n <= jet_config::MAX_ROLLBACK)
                    .ok_or_else(|| syntax(format!("rollback number '{n}' is not valid")))?;
                compare = Some(n);
            }
            ["display", "set"] => display_set = true,
            ["no-more"] => {}
            _ => return Err(syntax(format!("unknown pipe '| {}'", pipe.trim()))),
        }
    }
    Ok(CfgCommand::Show {
        path,
        compare,
        display_set,
    })
}

/// Parses the words after `commit`.
pub(crate) fn parse_commit(rest: &str) -> Result<CommitOptions, DeviceError> {
    let w = words(rest)?;
    let mut o = CommitOptions::default();
    let mut i = 0;
    while let Some(word) = w.get(i) {
        match word.as_str() {
            "check" => o.check = true,
            "and-quit" => o.and_quit = true,
            "synchronize" => {}
            "comment" => {
                let c = w
                    .get(i + 1)
                    .ok_or_else(|| syntax("'comment' needs a text"))?;
                o.comment = Some(c.clone());
                i += 1;
            }
            "confirmed" => {
                let n = match w.get(i + 1).map(|n| n.parse::<u32>()) {
                    Some(Ok(n)) => {
                        i += 1;
                        n
                    }
                    _ => DEFAULT_CONFIRM_MINUTES,
                };
                if !(1..=MAX_CONFIRM_MINUTES).contains(&n) {
                    return Err(syntax(format!(
                        "value {n} is not within range (1..{MAX_CONFIRM_MINUTES})"
                    )));
                }
                o.confirmed = Some(n);
            }
            other => return Err(syntax(format!("unknown commit option '{other}'"))),
        }
        i += 1;
    }
    if o.check && (o.confirmed.is_some() || o.and_quit) {
        return Err(syntax("'commit check' takes no other option"));
    }
    Ok(o)
}

fn parse_load(rest: &str) -> Result<CfgCommand, DeviceError> {
    let w: Vec<&str> = rest.split_whitespace().collect();
    let mode = match w.first() {
        Some(m) => m.parse::<LoadMode>().map_err(|_| {
            syntax(format!(
                "unknown load mode '{m}' (merge, override, patch, replace, set, update)"
            ))
        })?,
        None => {
            return Err(syntax(
                "'load' needs a mode: merge, override, patch, replace, set or update",
            ))
        }
    };
    match w.len() {
        2 => Ok(CfgCommand::Load(mode)),
        1 => Err(syntax(format!(
            "'load {}' needs 'terminal' or a file name",
            mode.as_str()
        ))),
        _ => Err(syntax(format!(
            "unexpected '{}' after the file name",
            w[2..].join(" ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_words_keep_their_spaces() {
        assert_eq!(
            words(r#"commit comment "two words" and-quit"#).expect("ok"),
            vec!["commit", "comment", "two words", "and-quit"]
        );
        assert!(words(r#"commit comment "open"#).is_err());
    }

    #[test]
    fn commit_options_parse_like_junos() {
        let o = parse_commit(r#"confirmed 5 comment "x y""#).expect("ok");
        assert_eq!(o.confirmed, Some(5));
        assert_eq!(o.comment.as_deref(), Some("x y"));
        assert_eq!(parse_commit("confirmed").expect("ok").confirmed, Some(10));
        assert!(parse_commit("confirmed 0").is_err());
        assert!(parse_commit("confirmed 65536").is_err());
        assert!(parse_commit("check and-quit").is_err());
        assert!(parse_commit("bogus").is_err());
    }

    #[test]
    fn session_words_and_statement_edits_are_told_apart() {
        assert_eq!(
            parse("set system host-name r1").expect("ok"),
            CfgCommand::Change("set system host-name r1".into())
        );
        assert_eq!(parse("up 2").expect("ok"), CfgCommand::Up(2));
        assert_eq!(
            parse("exit configuration-mode").expect("ok"),
            CfgCommand::Exit { force: true }
        );
        assert_eq!(parse("rollback").expect("ok"), CfgCommand::Rollback(0));
        assert!(parse("rollback 50").is_err());
        assert_eq!(
            parse("show system | compare").expect("ok"),
            CfgCommand::Show {
                path: vec!["system".into()],
                compare: Some(0),
                display_set: false
            }
        );
        assert_eq!(
            parse("load merge terminal").expect("ok"),
            CfgCommand::Load(LoadMode::Merge)
        );
        assert!(parse("load merge").is_err());
        assert!(parse("frobnicate").is_err());
    }
}
