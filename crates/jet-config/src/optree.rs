//! The operational command tree: the words of the Junos CLI grammar that exist, with
//! their help text.
//!
//! Data and lookup only (no device): the device resolves abbreviated words of an
//! operational command with it, and `jcli` uses it for `?` help and tab completion, so
//! the CLI only offers commands the device really has.

/// Why words do not resolve to a command. The message is what the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The first word matches no command.
    #[error("unknown command '{word}'")]
    UnknownCommand {
        /// The word as typed.
        word: String,
    },
    /// A word follows a command that takes no further words.
    #[error("unexpected argument '{word}' after '{after}'")]
    UnexpectedArgument {
        /// The word as typed.
        word: String,
        /// The resolved words before it.
        after: String,
    },
    /// A word matches none of the words that may follow.
    #[error("'{word}' is not valid after '{after}' (expecting one of: {expecting})")]
    NotValidAfter {
        /// The word as typed.
        word: String,
        /// The resolved words before it.
        after: String,
        /// The words that may follow, comma-separated.
        expecting: String,
    },
    /// An abbreviation matches several words and none exactly.
    #[error("'{word}' is ambiguous (possible completions: {candidates})")]
    Ambiguous {
        /// The word as typed.
        word: String,
        /// The words it abbreviates, comma-separated.
        candidates: String,
    },
    /// The words stop before a command that can run.
    #[error("incomplete command '{line}'")]
    Incomplete {
        /// The words as typed, space-separated.
        line: String,
    },
}

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

/// Words after `show route` (offered by completion; parsed by the device's op layer).
const ROUTE: &[CommandNode] = &[
    leaf(
        "client-info",
        "Show JET clients of the routing table, route counts and purge state",
    ),
    leaf("detail", "Display detailed output"),
    leaf("exact", "Show only the given destination"),
    leaf("extensive", "Display extensive output"),
    leaf("forwarding-table", "Show forwarding table information"),
    leaf("longer", "Show more specific destinations"),
    leaf("orlonger", "Show the destination and more specific ones"),
    leaf(
        "protocol",
        "Show routes of one protocol (direct, local, static, bgp-static)",
    ),
    leaf("summary", "Show routing table summary"),
    leaf("table", "Show routes of one table"),
    leaf("terse", "Display terse output"),
];

/// Words after `show interfaces` (offered by completion; an interface name may come
/// before or after them).
const INTERFACES: &[CommandNode] = &[
    leaf("brief", "Display brief output"),
    leaf("descriptions", "Display interface description strings"),
    leaf("detail", "Display detailed output"),
    leaf("extensive", "Display extensive output"),
    leaf("terse", "Display terse output"),
];

/// Words after `show arp` (offered by completion; parsed by the device's op layer).
const ARP: &[CommandNode] = &[
    args(
        "hostname",
        "Show the entry of one neighbor (ADDRESS)",
        false,
    ),
    args(
        "interface",
        "Show the entries of one interface (NAME)",
        false,
    ),
    leaf("no-resolve", "Don't attempt to print host names"),
];

/// Words after `show ipv6 neighbors`.
const IPV6_NEIGHBORS: &[CommandNode] = &[
    args("host", "Show the entry of one neighbor (ADDRESS)", false),
    args(
        "interface",
        "Show the entries of one interface (NAME)",
        false,
    ),
];

/// A word that takes free arguments after it (and runs with none when `runnable`).
const fn args(word: &'static str, help: &'static str, runnable: bool) -> CommandNode {
    CommandNode {
        word,
        help,
        children: &[],
        runnable,
        takes_args: true,
    }
}

/// `request ...`: operational commands that change state (operator class or above).
const REQUEST: CommandNode = branch(
    "request",
    "Make system-level requests",
    &[
        branch(
            "extension-service",
            "Start or stop on-box extension applications",
            &[
                with_arg("start", "Start an application (FILE [ARGUMENTS])").needs_args(),
                with_arg("stop", "Stop an application (FILE)").needs_args(),
            ],
        ),
        branch(
            "firewall",
            "Perform firewall operations",
            &[args(
                "simulate-statistics-delay",
                "Make firewall counter gets wait SECONDS for statistics (0 turns it off; over 10 s they answer TIMEOUT)",
                false,
            )],
        ),
        branch(
            "interface",
            "Perform interface operations",
            &[
                args(
                    "simulate-link",
                    "Take the simulated link of an interface down or up (INTERFACE down|up)",
                    false,
                ),
                args(
                    "simulate-traffic",
                    "Start simulated traffic into a unit (UNIT source A destination B rate PPS size BYTES ...), or stop [ID]",
                    false,
                ),
            ],
        ),
        branch(
            "system",
            "Perform system-level operations",
            &[branch(
                "software",
                "Perform software package operations",
                &[
                    CommandNode {
                        word: "add",
                        help: "Verify and install a signed app package (PATH)",
                        children: &[],
                        runnable: false,
                        takes_args: true,
                    },
                    CommandNode {
                        word: "delete",
                        help: "Remove an installed app package (NAME)",
                        children: &[],
                        runnable: false,
                        takes_args: true,
                    },
                ],
            ), branch(
                "yang",
                "Perform YANG package operations",
                &[
                    args(
                        "add",
                        "Add YANG modules with CLI commands (package NAME module [FILE...] action-script [FILE...])",
                        false,
                    ),
                    args("delete", "Remove a YANG package (NAME)", false),
                ],
            )],
        ),
    ],
);

/// `clear ...`: counters.
const CLEAR: CommandNode = branch(
    "clear",
    "Clear information in the system",
    &[branch(
        "firewall",
        "Clear firewall counters",
        &[
            leaf("all", "Clear the counters of every filter"),
            args("filter", "Clear the counters of one filter (NAME)", false),
        ],
    )],
);

/// `test ...`: one packet through the simulated forwarding plane.
const TEST: CommandNode = branch(
    "test",
    "Diagnostic debugging commands",
    &[branch(
        "forwarding",
        "Test the forwarding plane",
        &[args(
            "packet",
            "Send one described packet through filters and route lookup (interface U source A destination B [protocol P] [source-port N] [destination-port N] [dscp N] [length N] [ttl N])",
            false,
        )],
    )],
);

/// Words after `show firewall`.
const FIREWALL: &[CommandNode] = &[
    args("counter", "Show one counter (filter FILTER COUNTER)", false),
    args("filter", "Show the counters of one filter (NAME)", false),
    leaf("limits", "Show firewall limits and usage"),
    leaf("log", "Show the packets logged by filter terms"),
];

/// The root words of operational mode.
pub static COMMANDS: &[CommandNode] = &[CLEAR, REQUEST, TEST, branch(
    "show",
    "Show system information",
    &[
        CommandNode {
            word: "arp",
            help: "Show system Address Resolution Protocol table entries ([no-resolve] [interface NAME] [hostname ADDRESS])",
            children: ARP,
            runnable: true,
            takes_args: true,
        },
        branch(
            "bgp",
            "Show BGP information",
            &[leaf("summary", "Show overview of BGP information")],
        ),
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
                CommandNode {
                    word: "application",
                    help: "Show on-box applications ([FILE] [detail])",
                    children: DETAIL,
                    runnable: true,
                    takes_args: true,
                },
                leaf(
                    "commands",
                    "Show the operational commands that apps add",
                ),
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
                    "notification",
                    "Show notification service (MQTT) information",
                    &[
                        leaf("clients", "Show MQTT clients with subscriptions, queues and drops"),
                        leaf("statistics", "Show notification service counters and limits"),
                    ],
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
                    },
                    leaf(
                        "statistics",
                        "Show jsd connection deadlines, limits and counters",
                    )],
                ),
            ],
        ),
        CommandNode {
            word: "firewall",
            help: "Show firewall filters, counters and policers",
            children: FIREWALL,
            runnable: true,
            takes_args: false,
        },
        branch(
            "flexible-tunnels",
            "Show flexible tunnel information",
            &[CommandNode {
                word: "profiles",
                help: "Show flexible tunnel profiles ([NAME] [brief|detail])",
                children: &[leaf("brief", "Display brief output"), leaf("detail", "Display detailed output")],
                runnable: true,
                takes_args: true,
            }],
        ),
        CommandNode {
            word: "interfaces",
            help: "Show interface information ([NAME] [terse|extensive|descriptions])",
            children: INTERFACES,
            runnable: true,
            takes_args: true,
        },
        branch(
            "ipv6",
            "Show IP version 6 information",
            &[CommandNode {
                word: "neighbors",
                help: "Show IPv6 neighbor cache information ([ADDRESS] [interface NAME])",
                children: IPV6_NEIGHBORS,
                runnable: true,
                takes_args: true,
            }],
        ),
        CommandNode {
            word: "log",
            help: "Show contents of a log file (FILE: messages, an application's log)",
            children: &[leaf("messages", "Show the system log (messages)")],
            runnable: false,
            takes_args: true,
        },
        args("policer", "Show policers and their counters ([NAME])", true),
        CommandNode {
            word: "route",
            help: "Show routing table information (PREFIX [exact|longer|orlonger] [table T] [protocol P] [terse|detail|extensive])",
            children: ROUTE,
            runnable: true,
            takes_args: true,
        },
        leaf(
            "simulated-traffic",
            "Show the simulated traffic flows and what they delivered",
        ),
        branch(
            "system",
            "Show system information",
            &[
                leaf("commit", "Show pending commit and commit history"),
                CommandNode {
                    word: "rollback",
                    help: "Show rolled back configuration (NUMBER [compare NUMBER])",
                    children: &[],
                    runnable: true,
                    takes_args: true,
                },
                leaf("storage", "Show local storage data"),
                leaf("uptime", "Show time since system and processes started"),
                leaf("users", "Show users who are currently logged in"),
                branch(
                    "yang",
                    "Show YANG information",
                    &[CommandNode {
                        word: "package",
                        help: "Show YANG packages ([NAME])",
                        children: &[],
                        runnable: true,
                        takes_args: true,
                    }],
                ),
            ],
        ),
        leaf("version", "Show software process revision levels"),
    ],
)];

impl CommandNode {
    /// The same word, runnable only with arguments after it.
    const fn needs_args(mut self) -> Self {
        self.runnable = false;
        self
    }
}

/// A pipe that takes free text after its word (`match PATTERN`, `last N`).
const fn with_arg(word: &'static str, help: &'static str) -> CommandNode {
    CommandNode {
        word,
        help,
        children: &[],
        runnable: true,
        takes_args: true,
    }
}

/// What may follow `|`. `display set` applies to `show configuration` only; `match`,
/// `except`, `count` and `last` filter the rendered text (see `op::pipes`).
pub static PIPES: &[CommandNode] = &[
    leaf("count", "Count occurrences"),
    branch(
        "display",
        "Show additional kinds of information",
        &[
            leaf(
                "inheritance",
                "Show inherited configuration data (groups expanded)",
            ),
            leaf("json", "Show JSON text"),
            leaf("set", "Show 'set' commands that create configuration"),
            CommandNode {
                word: "xml",
                help: "Show XML text",
                children: &[leaf("rpc", "Show the XML RPC of the command")],
                runnable: true,
                takes_args: false,
            },
        ],
    ),
    with_arg("except", "Show only text that does not match a pattern"),
    with_arg("last", "Display end of output only"),
    with_arg("match", "Show only text that matches a pattern"),
    leaf("no-more", "Don't paginate output"),
];

/// Resolves (possibly abbreviated) words to the full command path; returns the path and
/// the remaining words (free arguments of a command that takes them).
pub fn resolve<'w>(
    words: &'w [&'w str],
) -> Result<(Vec<&'static str>, &'w [&'w str]), ResolveError> {
    resolve_in(COMMANDS, words)
}

/// [`resolve`] from any root (commands, or the words after a `|`).
pub fn resolve_in<'w>(
    root: &'static [CommandNode],
    words: &'w [&'w str],
) -> Result<(Vec<&'static str>, &'w [&'w str]), ResolveError> {
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
                let word = (*w).to_owned();
                return Err(if path.is_empty() {
                    ResolveError::UnknownCommand { word }
                } else if expecting.is_empty() {
                    ResolveError::UnexpectedArgument {
                        word,
                        after: path.join(" "),
                    }
                } else {
                    ResolveError::NotValidAfter {
                        word,
                        after: path.join(" "),
                        expecting,
                    }
                });
            }
            [one] => *one,
            many => match many.iter().find(|n| n.word == *w) {
                Some(exact) => *exact,
                None => {
                    return Err(ResolveError::Ambiguous {
                        word: (*w).to_owned(),
                        candidates: many.iter().map(|n| n.word).collect::<Vec<_>>().join(", "),
                    })
                }
            },
        };
        path.push(node.word);
        level = node.children;
        current = Some(node);
    }
    match current {
        Some(n) if n.runnable => Ok((path, &[])),
        _ => Err(ResolveError::Incomplete {
            line: words.join(" "),
        }),
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
            vec![
                "arp",
                "bgp",
                "configuration",
                "extension-service",
                "firewall",
                "flexible-tunnels",
                "interfaces",
                "ipv6",
                "log",
                "policer",
                "route",
                "simulated-traffic",
                "system",
                "version"
            ]
        );
        let words: Vec<&str> = completions(&["sh"], "ve").iter().map(|n| n.word).collect();
        assert_eq!(words, vec!["version"]);
        assert!(completions(&["show", "nothing"], "").is_empty());
    }

    #[test]
    fn app_commands_offer_their_options() {
        let tree = with_app_commands(
            COMMANDS,
            &[AppCommandWords {
                words: vec!["show".into(), "my-app".into(), "status".into()],
                help: "Mine".into(),
                options: vec![("name".into(), "Peer".into()), ("detail".into(), "".into())],
            }],
        );
        let find = |l: &'static [CommandNode], w: &str| l.iter().find(|n| n.word == w);
        let status = find(tree, "show")
            .and_then(|n| find(n.children, "my-app"))
            .and_then(|n| find(n.children, "status"))
            .expect("added");
        assert!(status.runnable && status.takes_args);
        let words: Vec<&str> = status.children.iter().map(|n| n.word).collect();
        assert_eq!(words, ["detail", "name"]);
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

/// Help of a command word that only Junos has (from the RPC facts).
pub const NOT_SUPPORTED_HELP: &str = "(Junos command; not supported on this device)";

/// The operational command tree with every Junos command word from the RPC facts:
/// [`COMMANDS`] first (what this device runs, with its help), then the words only Junos
/// has, marked [`NOT_SUPPORTED_HELP`], so `?` and TAB list real Junos commands. Built
/// once, on first use.
pub fn junos_commands() -> &'static [CommandNode] {
    static TREE: std::sync::OnceLock<&'static [CommandNode]> = std::sync::OnceLock::new();
    TREE.get_or_init(|| {
        let mut trie = Trie::default();
        for r in crate::schema::rpcs() {
            if let Some(cmd) = r.command {
                let words: Vec<&'static str> = cmd.split_whitespace().collect();
                trie.insert(&words);
            }
        }
        merge(COMMANDS, &trie)
    })
}

/// Help of the intermediate words of app-added commands.
pub const APP_COMMAND_HELP: &str = "Commands added by apps";

/// An operational command an app adds, as the CLI offers it (see the device's `show
/// extension-service commands`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppCommandWords {
    /// The command's words.
    pub words: Vec<String>,
    /// Its help.
    pub help: String,
    /// The option words offered after it (a YANG command's input leaves), with help.
    pub options: Vec<(String, String)>,
}

/// `base` with the operational commands that apps add: each is runnable and takes free
/// arguments, its options offered after it. Built words are leaked: call it when the
/// list changes, not per key.
pub fn with_app_commands(
    base: &'static [CommandNode],
    commands: &[AppCommandWords],
) -> &'static [CommandNode] {
    let mut level: Vec<CommandNode> = base.iter().map(copy_node).collect();
    for c in commands {
        insert_app_command(&mut level, &c.words, &c.help, &c.options);
    }
    level.sort_by_key(|n| n.word);
    Box::leak(level.into_boxed_slice())
}

fn copy_node(n: &'static CommandNode) -> CommandNode {
    CommandNode {
        word: n.word,
        help: n.help,
        children: n.children,
        runnable: n.runnable,
        takes_args: n.takes_args,
    }
}

fn insert_app_command(
    level: &mut Vec<CommandNode>,
    words: &[String],
    help: &str,
    options: &[(String, String)],
) {
    let Some((first, rest)) = words.split_first() else {
        return;
    };
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let i = match level.iter().position(|n| n.word == first.as_str()) {
        Some(i) => i,
        None => {
            level.push(CommandNode {
                word: leak(first),
                help: APP_COMMAND_HELP,
                children: &[],
                runnable: false,
                takes_args: false,
            });
            level.len() - 1
        }
    };
    let node = &mut level[i];
    if rest.is_empty() {
        if !node.runnable {
            node.runnable = true;
            node.takes_args = true;
            node.help = leak(help);
            if !options.is_empty() {
                let mut opts: Vec<CommandNode> = options
                    .iter()
                    .map(|(w, h)| CommandNode {
                        word: leak(w),
                        help: leak(h),
                        children: &[],
                        runnable: true,
                        takes_args: true,
                    })
                    .collect();
                opts.sort_by_key(|n| n.word);
                node.children = Box::leak(opts.into_boxed_slice());
            }
        }
        return;
    }
    let mut children: Vec<CommandNode> = node.children.iter().map(copy_node).collect();
    insert_app_command(&mut children, rest, help, options);
    children.sort_by_key(|n| n.word);
    node.children = Box::leak(children.into_boxed_slice());
}

#[derive(Default)]
struct Trie {
    words: Vec<(&'static str, Trie, bool)>,
}

impl Trie {
    fn insert(&mut self, words: &[&'static str]) {
        let Some((&w, rest)) = words.split_first() else {
            return;
        };
        let i = match self.words.iter().position(|(x, _, _)| *x == w) {
            Some(i) => i,
            None => {
                self.words.push((w, Trie::default(), false));
                self.words.len() - 1
            }
        };
        if rest.is_empty() {
            self.words[i].2 = true;
        } else {
            self.words[i].1.insert(rest);
        }
    }
}

fn merge(ours: &'static [CommandNode], facts: &Trie) -> &'static [CommandNode] {
    let mut out: Vec<CommandNode> = Vec::new();
    for n in ours {
        let sub = facts.words.iter().find(|(w, _, _)| *w == n.word);
        let children = match sub {
            Some((_, t, _)) if !n.takes_args => merge(n.children, t),
            _ => n.children,
        };
        out.push(CommandNode {
            word: n.word,
            help: n.help,
            children,
            runnable: n.runnable,
            takes_args: n.takes_args,
        });
    }
    let mut extra: Vec<CommandNode> = facts
        .words
        .iter()
        .filter(|(w, _, _)| !ours.iter().any(|n| n.word == *w))
        .map(|(w, t, end)| CommandNode {
            word: w,
            help: NOT_SUPPORTED_HELP,
            children: merge(&[], t),
            runnable: *end,
            takes_args: false,
        })
        .collect();
    extra.sort_by_key(|n| n.word);
    out.extend(extra);
    out.sort_by_key(|n| n.word);
    Box::leak(out.into_boxed_slice())
}

#[cfg(test)]
mod junos_tests {
    use super::*;

    #[test]
    fn junos_commands_add_the_rpc_words_and_keep_ours() {
        let tree = junos_commands();
        let show = tree.iter().find(|n| n.word == "show").expect("show");
        let ospf = show
            .children
            .iter()
            .find(|n| n.word == "ospf")
            .expect("show ospf");
        assert_eq!(ospf.help, NOT_SUPPORTED_HELP);
        assert!(ospf
            .children
            .iter()
            .any(|n| n.word == "neighbor" && n.runnable));
        let version = show
            .children
            .iter()
            .find(|n| n.word == "version")
            .expect("ours");
        assert_ne!(version.help, NOT_SUPPORTED_HELP);
    }
}
