//! `?` help and TAB completion over the device's operational command tree.
//!
//! Pure functions of the text before the cursor, so they are tested without a terminal.
//! The words come from `jet_config::optree::junos_commands()`: the tree the device
//! itself resolves commands with, plus every other Junos command word from the RPC
//! facts, marked as not supported on this device. Words may be
//! abbreviated to a unique prefix, as on the device.

use std::sync::Mutex;

use jet_config::optree::{
    junos_commands, with_app_commands, AppCommandWords, CommandNode, NOT_SUPPORTED_HELP, PIPES,
};

/// The commands apps added on the device (from `show extension-service commands`) and
/// the tree with them.
type AppTree = (Vec<AppCommandWords>, &'static [CommandNode]);
static APP_COMMANDS: Mutex<Option<AppTree>> = Mutex::new(None);

/// Sets the commands apps added on the device; `?` and TAB offer them from now on.
pub(crate) fn set_app_commands(commands: Vec<AppCommandWords>) {
    let mut cur = APP_COMMANDS.lock().unwrap_or_else(|p| p.into_inner());
    if cur.as_ref().is_some_and(|(c, _)| *c == commands) {
        return;
    }
    let tree = with_app_commands(junos_commands(), &commands);
    *cur = Some((commands, tree));
}

/// The command tree: the device's commands, Junos's, and the apps'.
fn commands() -> &'static [CommandNode] {
    APP_COMMANDS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map_or_else(junos_commands, |(_, t)| *t)
}

/// jcli's own words at the start of a line.
static LOCAL: &[CommandNode] = &[
    CommandNode {
        word: "configure",
        help: "Manipulate software configuration information",
        children: &[
            local(
                "exclusive",
                "Obtain exclusive lock (other users cannot make changes)",
            ),
            local(
                "private",
                "Work in private database (other users' changes not seen)",
            ),
        ],
        runnable: true,
        takes_args: false,
    },
    local("exit", "Exit the management session"),
    local("quit", "Exit the management session"),
];

const fn local(word: &'static str, help: &'static str) -> CommandNode {
    CommandNode {
        word,
        help,
        children: &[],
        runnable: true,
        takes_args: false,
    }
}

/// What fits at the cursor.
#[derive(Debug)]
pub(crate) struct Completion {
    /// Byte offset of the word being completed (the text after it is the partial word).
    pub(crate) start: usize,
    /// Words that fit, in order.
    pub(crate) choices: Vec<&'static CommandNode>,
    /// The text before the partial word is a whole command: Enter runs it, a pipe may follow.
    pub(crate) runnable: bool,
    /// The command takes a free path here (`show configuration system`): any word goes.
    pub(crate) free: bool,
}

/// Where the words before the cursor lead.
struct Walk {
    node: Option<&'static CommandNode>,
    path: Vec<&'static str>,
    free: bool,
}

/// Follows (possibly abbreviated) `words` from `level`; `Err` names the first word that
/// does not fit.
fn walk<'w>(level: &'static [CommandNode], words: &[&'w str]) -> Result<Walk, &'w str> {
    let mut at = Walk {
        node: None,
        path: Vec::new(),
        free: false,
    };
    let mut level = level;
    for w in words {
        if at.node.is_some_and(|n| n.takes_args) {
            break;
        }
        let found: Vec<&'static CommandNode> =
            level.iter().filter(|n| n.word.starts_with(w)).collect();
        // An exact word wins; else the one word of ours among Junos-only ones, as the
        // device resolves abbreviations over its own commands.
        let ours: Vec<&'static CommandNode> = found
            .iter()
            .copied()
            .filter(|n| n.help != NOT_SUPPORTED_HELP)
            .collect();
        let node = match (found.as_slice(), ours.as_slice()) {
            ([one], _) => *one,
            (many, ours) => match many.iter().copied().find(|n| n.word == *w) {
                Some(n) => n,
                None => match ours {
                    [one] => *one,
                    _ => return Err(*w),
                },
            },
        };
        at.path.push(node.word);
        level = node.children;
        at.node = Some(node);
    }
    // After a word that takes a path, only the path may follow.
    at.free = at.node.is_some_and(|n| n.takes_args);
    Ok(at)
}

/// `configure`, abbreviated to at least `conf` as Junos users type it.
pub(crate) fn is_configure(word: &str) -> bool {
    word.len() >= 4 && "configure".starts_with(word)
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Completions for the text before the cursor; `Err` names a word before the cursor that
/// the device would refuse.
pub(crate) fn complete(before: &str) -> Result<Completion, String> {
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '|')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let partial = &before[start..];
    let segments: Vec<&str> = before[..start].split('|').collect();

    let cmd_words = words(segments[0]);
    if segments.len() == 1 && cmd_words.first().is_some_and(|w| is_configure(w)) {
        // jcli's own `configure [private|exclusive]`.
        let local = walk(LOCAL, &cmd_words).map_err(str::to_owned)?;
        let level = local.node.map_or(LOCAL, |n| n.children);
        return Ok(Completion {
            start,
            choices: level
                .iter()
                .filter(|n| n.word.starts_with(partial))
                .collect(),
            runnable: local.node.is_some_and(|n| n.runnable),
            free: false,
        });
    }
    let cmd = walk(commands(), &cmd_words).map_err(str::to_owned)?;
    let cmd_runnable = cmd.node.is_some_and(|n| n.runnable);

    if segments.len() == 1 {
        let mut choices = Vec::new();
        // A command with free arguments still offers its option words until the first
        // free word (`show interfaces ` offers `terse`, `extensive`, ...).
        if !cmd.free || cmd.path.len() == cmd_words.len() {
            let level = cmd.node.map_or(commands(), |n| n.children);
            choices.extend(level.iter().filter(|n| n.word.starts_with(partial)));
            if cmd_words.is_empty() {
                choices.retain(|n| !LOCAL.iter().any(|l| l.word == n.word));
                choices.extend(LOCAL.iter().filter(|n| n.word.starts_with(partial)));
                choices.sort_by_key(|n| n.word);
            }
        }
        return Ok(Completion {
            start,
            choices,
            runnable: cmd_runnable,
            free: cmd.free,
        });
    }

    // Inside a pipe: the command and every earlier pipe must be complete.
    if !cmd_runnable {
        return Err(format!(
            "'{}' is not a complete command",
            segments[0].trim()
        ));
    }
    let (current, earlier) = segments[1..].split_last().unwrap_or((&"", &[]));
    for p in earlier {
        let done = walk(PIPES, &words(p)).map_err(str::to_owned)?;
        if !done.node.is_some_and(|n| n.runnable) {
            return Err(format!("'| {}' is not a complete pipe", p.trim()));
        }
    }
    let pipe = walk(PIPES, &words(current)).map_err(str::to_owned)?;
    let config = cmd.path == ["show", "configuration"];
    let choices = pipe
        .node
        .map_or(PIPES, |n| n.children)
        .iter()
        .filter(|n| n.word.starts_with(partial))
        // The device refuses `display set|inheritance` for anything but configuration.
        .filter(|n| {
            config
                || !matches!(n.word, "set" | "inheritance")
                || pipe.node.is_none_or(|p| p.word != "display")
        })
        .collect();
    Ok(Completion {
        start,
        choices,
        runnable: pipe.node.is_some_and(|n| n.runnable),
        free: false,
    })
}

/// The `?` answer for the text before the cursor, Junos style.
pub(crate) fn help_text(before: &str) -> String {
    let c = match complete(before) {
        Ok(c) => c,
        Err(word) => return format!("syntax error: '{word}' is not valid here\n"),
    };
    let partial = &before[c.start..];
    let can_run = c.runnable && (partial.is_empty() || c.free);
    let mut lines: Vec<(&str, &str)> = Vec::new();
    if can_run {
        lines.push(("<[Enter]>", "Execute this command"));
    }
    lines.extend(c.choices.iter().map(|n| (n.word, n.help)));
    if can_run {
        lines.push(("|", "Pipe through a command"));
    }
    if lines.is_empty() {
        return "No valid completions\n".into();
    }
    let mut out = String::from("Possible completions:\n");
    for (word, help) in lines {
        out.push_str(&format!("  {word:<20} {help}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(before: &str) -> Vec<&'static str> {
        complete(before)
            .expect("valid")
            .choices
            .iter()
            .map(|n| n.word)
            .collect()
    }

    #[test]
    fn root_offers_device_commands_and_local_words() {
        let root = choices("");
        for w in [
            "configure",
            "exit",
            "quit",
            "request",
            "show",
            "ping",
            "clear",
        ] {
            assert!(root.contains(&w), "{w} missing from {root:?}");
        }
        assert_eq!(root.iter().filter(|w| **w == "quit").count(), 1);
        assert_eq!(choices("sh"), vec!["show"]);
        // Junos commands this device lacks are offered, marked as such.
        let ospf = complete("show osp").expect("valid").choices;
        assert!(ospf
            .iter()
            .any(|n| n.word == "ospf" && n.help == NOT_SUPPORTED_HELP));
        // `show bgp` is ours (the BGP route service), not marked.
        let bgp = complete("show bg").expect("valid").choices;
        assert!(bgp
            .iter()
            .any(|n| n.word == "bgp" && n.help != NOT_SUPPORTED_HELP));
    }

    #[test]
    fn abbreviated_words_complete_from_the_tree() {
        let c = complete("show ver").expect("valid");
        assert_eq!(c.start, 5);
        assert_eq!(choices("show ver"), vec!["version"]);
        assert_eq!(choices("sh ext cl"), vec!["client"]);
        let show = choices("show ");
        for w in [
            "configuration",
            "extension-service",
            "interfaces",
            "log",
            "route",
            "system",
            "version",
            "bgp",
        ] {
            assert!(show.contains(&w), "{w} missing from {show:?}");
        }
    }

    #[test]
    fn unknown_word_before_the_cursor_is_reported() {
        assert_eq!(
            complete("show bogus ").map(|c| c.start).unwrap_err(),
            "bogus"
        );
        assert!(help_text("show bogus ").contains("'bogus'"));
    }

    #[test]
    fn help_lists_words_with_help_in_junos_columns() {
        let h = help_text("show ");
        assert!(h.starts_with("Possible completions:\n"), "{h}");
        assert!(
            h.contains("\n  version              Show software process revision levels\n"),
            "{h}"
        );
        assert!(!h.contains("<[Enter]>"), "'show' alone does not run: {h}");
    }

    #[test]
    fn runnable_command_offers_enter_and_pipe() {
        let h = help_text("show version ");
        assert!(
            h.contains("  <[Enter]>            Execute this command\n"),
            "{h}"
        );
        assert!(
            h.contains("  |                    Pipe through a command\n"),
            "{h}"
        );
    }

    #[test]
    fn pipes_complete_after_a_whole_command() {
        assert_eq!(
            choices("show version | "),
            vec!["count", "display", "except", "last", "match", "no-more"]
        );
        assert_eq!(choices("show version | display "), vec!["json", "xml"]);
        assert_eq!(
            choices("show configuration | display "),
            vec!["inheritance", "json", "set", "xml"]
        );
        assert_eq!(choices("show version | d x"), vec!["xml"]);
        assert!(
            complete("show version | display xml")
                .expect("valid")
                .choices
                .len()
                == 1
        );
        assert!(
            complete("show | ").is_err(),
            "incomplete command before the pipe"
        );
    }

    #[test]
    fn free_argument_commands_offer_their_option_words() {
        assert_eq!(
            choices("show interfaces "),
            vec!["brief", "descriptions", "detail", "extensive", "terse"]
        );
        assert_eq!(choices("show interfaces te"), vec!["terse"]);
        assert!(choices("show interfaces ge-0/0/0 ").is_empty());
        let c = complete("show version | match ge").expect("valid");
        assert!(c.choices.is_empty());
        assert!(complete("show version | match ge | ").is_ok());
    }

    #[test]
    fn configuration_path_is_free_text() {
        let c = complete("show configuration sys").expect("valid");
        assert!(c.free && c.runnable && c.choices.is_empty());
        assert!(help_text("show configuration system ").contains("<[Enter]>"));
    }

    #[test]
    fn nothing_fits_says_so() {
        assert_eq!(help_text("show zz"), "No valid completions\n");
    }
}
