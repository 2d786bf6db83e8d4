//! The operational command tree: the words that exist, with their help text.
//!
//! Used to resolve abbreviated words here and by `jcli` for `?` help and tab completion,
//! so the CLI only offers commands the device really has.

use crate::error::DeviceError;

/// One word of the command tree.
#[derive(Debug)]
pub struct CommandNode {
    /// The word.
    pub word: &'static str,
    /// One-line help shown by `?`.
    pub help: &'static str,
    /// Words that may follow.
    pub children: &'static [CommandNode],
    /// True when the words so far form a command that can run.
    pub runnable: bool,
    /// True when the command takes free arguments after this word (a configuration path).
    pub takes_args: bool,
}

const fn leaf(word: &'static str, help: &'static str) -> CommandNode {
    CommandNode {
        word,
        help,
        children: &[],
        runnable: true,
        takes_args: false,
    }
}

const fn branch(
    word: &'static str,
    help: &'static str,
    children: &'static [CommandNode],
) -> CommandNode {
    CommandNode {
        word,
        help,
        children,
        runnable: false,
        takes_args: false,
    }
}

const DETAIL: &[CommandNode] = &[leaf("detail", "Display detailed output")];

/// The root words of operational mode.
pub static COMMANDS: &[CommandNode] = &[branch(
    "show",
    "Show system information",
    &[
        CommandNode {
            word: "configuration",
            help: "Show current configuration",
            children: &[],
            runnable: true,
            takes_args: true,
        },
        branch(
            "extension-service",
            "Show extension-service information",
            &[
                branch(
                    "client",
                    "Show extension-service client information",
                    &[CommandNode {
                        word: "information",
                        help: "Show JET clients connected to jsd",
                        children: DETAIL,
                        runnable: true,
                        takes_args: false,
                    }],
                ),
                branch(
                    "request-response",
                    "Show request-response service information",
                    &[CommandNode {
                        word: "clients",
                        help: "Show JET clients connected to jsd",
                        children: DETAIL,
                        runnable: true,
                        takes_args: false,
                    }],
                ),
            ],
        ),
        branch(
            "system",
            "Show system information",
            &[leaf(
                "uptime",
                "Show time since system and processes started",
            )],
        ),
        leaf("version", "Show software process revision levels"),
    ],
)];

/// What may follow `|`. `display set` applies to `show configuration` only.
pub static PIPES: &[CommandNode] = &[
    branch(
        "display",
        "Show additional kinds of information",
        &[
            leaf("json", "Show JSON text"),
            leaf("set", "Show 'set' commands that create configuration"),
            leaf("xml", "Show XML text"),
        ],
    ),
    leaf("no-more", "Don't paginate output"),
];

/// Resolves (possibly abbreviated) words to the full command path; returns the path and
/// the remaining words (free arguments of a command that takes them).
pub(crate) fn resolve<'w>(
    words: &'w [&'w str],
) -> Result<(Vec<&'static str>, &'w [&'w str]), DeviceError> {
    resolve_in(COMMANDS, words)
}

/// [`resolve`] from any root (commands, or the words after a `|`).
pub(crate) fn resolve_in<'w>(
    root: &'static [CommandNode],
    words: &'w [&'w str],
) -> Result<(Vec<&'static str>, &'w [&'w str]), DeviceError> {
    let mut level: &'static [CommandNode] = root;
    let mut path: Vec<&'static str> = Vec::new();
    let mut current: Option<&'static CommandNode> = None;
    for (i, w) in words.iter().enumerate() {
        if current.is_some_and(|n| n.takes_args) {
            return Ok((path, &words[i..]));
        }
        let matches: Vec<&'static CommandNode> =
            level.iter().filter(|n| n.word.starts_with(w)).collect();
        let node = match matches.as_slice() {
            [] => {
                let expecting = level.iter().map(|n| n.word).collect::<Vec<_>>().join(", ");
                return Err(DeviceError::Syntax(if path.is_empty() {
                    format!("unknown command '{w}'")
                } else if expecting.is_empty() {
                    format!("unexpected argument '{w}' after '{}'", path.join(" "))
                } else {
                    format!(
                        "'{w}' is not valid after '{}' (expecting one of: {expecting})",
                        path.join(" ")
                    )
                }));
            }
            [one] => *one,
            many => match many.iter().find(|n| n.word == *w) {
                Some(exact) => *exact,
                None => {
                    return Err(DeviceError::Syntax(format!(
                        "'{w}' is ambiguous (possible completions: {})",
                        many.iter().map(|n| n.word).collect::<Vec<_>>().join(", ")
                    )))
                }
            },
        };
        path.push(node.word);
        level = node.children;
        current = Some(node);
    }
    match current {
        Some(n) if n.runnable => Ok((path, &[])),
        _ => Err(DeviceError::Syntax(format!(
            "incomplete command '{}'",
            words.join(" ")
        ))),
    }
}

/// Completions for a partial command line (for `?` and tab in `jcli`): the nodes that can
/// follow the complete words, filtered by the partial last word.
pub fn completions(complete_words: &[&str], partial: &str) -> Vec<&'static CommandNode> {
    let mut level: &'static [CommandNode] = COMMANDS;
    for w in complete_words {
        let matches: Vec<&'static CommandNode> =
            level.iter().filter(|n| n.word.starts_with(w)).collect();
        match matches.as_slice() {
            [one] => level = one.children,
            many => match many.iter().find(|n| n.word == *w) {
                Some(exact) => level = exact.children,
                None => return Vec::new(),
            },
        }
    }
    level
        .iter()
        .filter(|n| n.word.starts_with(partial))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_follow_the_tree() {
        let words: Vec<&str> = completions(&["show"], "").iter().map(|n| n.word).collect();
        assert_eq!(
            words,
            vec!["configuration", "extension-service", "system", "version"]
        );
        let words: Vec<&str> = completions(&["sh"], "ve").iter().map(|n| n.word).collect();
        assert_eq!(words, vec!["version"]);
        assert!(completions(&["show", "nothing"], "").is_empty());
    }

    #[test]
    fn configuration_takes_a_path() {
        let words = ["show", "conf", "system", "services"];
        let (path, rest) = resolve(&words).expect("resolves");
        assert_eq!(path, vec!["show", "configuration"]);
        assert_eq!(rest, &["system", "services"]);
    }

    #[test]
    fn option_words_are_part_of_the_path() {
        let words = ["show", "ext", "client", "info", "det"];
        let (path, rest) = resolve(&words).expect("resolves");
        assert_eq!(
            path,
            vec![
                "show",
                "extension-service",
                "client",
                "information",
                "detail"
            ]
        );
        assert!(rest.is_empty());
    }

    #[test]
    fn words_after_a_complete_command_without_arguments_are_refused() {
        let e = resolve(&["show", "version", "extra"]).expect_err("extra word");
        assert!(e.to_string().contains("extra"), "{e}");
    }
}
