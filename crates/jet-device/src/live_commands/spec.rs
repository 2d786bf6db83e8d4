//! The form of a live registration: pure checks of the words, help and options an app
//! sends, each refusal naming the field (`commands[1].cli`). Conflicts with other
//! commands are checked by the op layer (the device's own and the packages') and by the
//! task (other live registrations).

use std::time::Duration;

use super::error::LiveCommandError;
use crate::vocab::apps::CommandOption;

/// Most commands in one registration.
pub const MAX_COMMANDS_PER_REGISTRATION: usize = 16;
/// Fewest and most words of a command.
pub const MIN_WORDS: usize = 2;
/// See [`MIN_WORDS`].
pub const MAX_WORDS: usize = 8;
/// Longest word, argument name.
pub const MAX_WORD: usize = 64;
/// Longest help text.
pub const MAX_HELP: usize = 256;
/// Most arguments of one command.
pub const MAX_ARGUMENTS: usize = 32;
/// The reply timeout when the app asks for none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest reply timeout an app may ask for, in seconds.
pub const MAX_TIMEOUT_SECS: u32 = 60;

/// A command as the app asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveSpec {
    /// Its CLI words, separated by spaces.
    pub cli: String,
    /// Its help.
    pub help: String,
    /// Its options.
    pub options: Vec<CommandOption>,
}

/// What an app registers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveRegistration {
    /// Who answers: the session's client id (listed as the command's application).
    pub client: String,
    /// The commands.
    pub commands: Vec<LiveSpec>,
    /// Reply timeout in seconds, 0 for [`DEFAULT_TIMEOUT`].
    pub timeout_secs: u32,
}

/// A checked command: its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checked {
    pub(crate) words: Vec<String>,
    pub(crate) help: String,
    pub(crate) options: Vec<CommandOption>,
}

fn invalid(field: String, reason: impl Into<String>) -> LiveCommandError {
    LiveCommandError::Invalid {
        field,
        reason: reason.into(),
    }
}

fn word_ok(w: &str, first: fn(char) -> bool, rest: fn(char) -> bool) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(first) && cs.all(rest) && w.len() <= MAX_WORD
}

/// Checks a registration's form; its commands' words and its timeout.
pub(crate) fn check(reg: &LiveRegistration) -> Result<(Vec<Checked>, Duration), LiveCommandError> {
    let n = reg.commands.len();
    if n == 0 {
        return Err(invalid("commands".into(), "at least one command is needed"));
    }
    if n > MAX_COMMANDS_PER_REGISTRATION {
        return Err(LiveCommandError::TooMany {
            count: n,
            max: MAX_COMMANDS_PER_REGISTRATION,
        });
    }
    let timeout = match reg.timeout_secs {
        0 => DEFAULT_TIMEOUT,
        s if s <= MAX_TIMEOUT_SECS => Duration::from_secs(u64::from(s)),
        s => {
            return Err(invalid(
                "reply_timeout_seconds".into(),
                format!("{s} is out of range (1 to {MAX_TIMEOUT_SECS}, 0 for 30)"),
            ))
        }
    };
    let mut out: Vec<Checked> = Vec::with_capacity(n);
    for (i, c) in reg.commands.iter().enumerate() {
        let field = format!("commands[{i}].cli");
        let words: Vec<String> = c.cli.split_whitespace().map(str::to_owned).collect();
        if words.len() < MIN_WORDS || words.len() > MAX_WORDS {
            return Err(invalid(
                field,
                format!(
                    "'{}' has {} words ({MIN_WORDS} to {MAX_WORDS})",
                    c.cli.trim(),
                    words.len()
                ),
            ));
        }
        if words[0] != "show" && words[0] != "request" {
            return Err(invalid(
                field,
                format!("'{}' must start with 'show' or 'request'", c.cli.trim()),
            ));
        }
        let word_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        if let Some(w) = words.iter().find(|w| {
            !word_ok(w, word_char, |c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
            })
        }) {
            return Err(invalid(
                field,
                format!(
                    "word '{w}' is not valid (1 to {MAX_WORD} lower-case letters, digits, \
                     '-', '_', '.', starting with a letter or digit)"
                ),
            ));
        }
        if let Some(prev) = out.iter().position(|o| o.words == words) {
            return Err(invalid(
                field,
                format!(
                    "'{}' is given twice (also commands[{prev}])",
                    words.join(" ")
                ),
            ));
        }
        if c.help.chars().count() > MAX_HELP || c.help.contains('\n') {
            return Err(invalid(
                format!("commands[{i}].help"),
                format!("at most {MAX_HELP} characters on one line"),
            ));
        }
        if c.options.len() > MAX_ARGUMENTS {
            return Err(invalid(
                format!("commands[{i}].arguments"),
                format!("{} arguments, at most {MAX_ARGUMENTS}", c.options.len()),
            ));
        }
        for (j, o) in c.options.iter().enumerate() {
            let field = format!("commands[{i}].arguments[{j}].name");
            if !word_ok(
                &o.name,
                |c| c.is_ascii_lowercase(),
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'),
            ) {
                return Err(invalid(
                    field,
                    format!(
                        "'{}' is not valid (1 to {MAX_WORD} lower-case letters, digits, '-', \
                         '_', starting with a letter)",
                        o.name
                    ),
                ));
            }
            if c.options[..j].iter().any(|p| p.name == o.name) {
                return Err(invalid(field, format!("'{}' is given twice", o.name)));
            }
            if o.help.chars().count() > MAX_HELP || o.help.contains('\n') {
                return Err(invalid(
                    format!("commands[{i}].arguments[{j}].help"),
                    format!("at most {MAX_HELP} characters on one line"),
                ));
            }
            if o.flag && o.mandatory {
                return Err(invalid(
                    format!("commands[{i}].arguments[{j}].mandatory"),
                    format!("flag '{}' cannot be mandatory", o.name),
                ));
            }
        }
        out.push(Checked {
            words,
            help: c.help.clone(),
            options: c.options.clone(),
        });
    }
    Ok((out, timeout))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(clis: &[&str]) -> LiveRegistration {
        LiveRegistration {
            client: "app".into(),
            commands: clis
                .iter()
                .map(|c| LiveSpec {
                    cli: (*c).into(),
                    ..Default::default()
                })
                .collect(),
            timeout_secs: 0,
        }
    }

    fn refusal(r: &LiveRegistration) -> String {
        check(r).expect_err("refused").to_string()
    }

    #[test]
    fn good_commands_pass_with_the_default_timeout() {
        let (c, t) = check(&reg(&["show acme peers", "request acme reset-all"])).expect("ok");
        assert_eq!(c[0].words, vec!["show", "acme", "peers"]);
        assert_eq!(t, DEFAULT_TIMEOUT);
    }

    #[test]
    fn bad_words_are_refused_naming_the_field() {
        assert!(refusal(&reg(&["show"])).starts_with("commands[0].cli:"));
        let e = refusal(&reg(&["show acme", "configure acme x"]));
        assert!(
            e.starts_with("commands[1].cli:") && e.contains("'show' or 'request'"),
            "{e}"
        );
        let e = refusal(&reg(&["show Acme"]));
        assert!(e.contains("word 'Acme'"), "{e}");
        let e = refusal(&reg(&["show a b", "show a  b"]));
        assert!(e.contains("given twice"), "{e}");
        let many: Vec<String> = (0..17).map(|i| format!("show acme c{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(matches!(
            check(&reg(&many)),
            Err(LiveCommandError::TooMany { count: 17, .. })
        ));
        let mut r = reg(&["show acme x"]);
        r.timeout_secs = 61;
        assert!(refusal(&r).starts_with("reply_timeout_seconds:"));
    }

    #[test]
    fn bad_arguments_are_refused_naming_the_field() {
        let mut r = reg(&["show acme x"]);
        r.commands[0].options = vec![
            CommandOption {
                name: "peer".into(),
                flag: false,
                help: String::new(),
                mandatory: true,
            },
            CommandOption {
                name: "9x".into(),
                flag: false,
                help: String::new(),
                mandatory: false,
            },
        ];
        let e = refusal(&r);
        assert!(e.starts_with("commands[0].arguments[1].name:"), "{e}");
    }
}
