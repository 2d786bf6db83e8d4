//! Interactive operational mode: a rustyline editor over one [`Session`].
//!
//! ```text
//!  keys ──► rustyline ──(TAB)──► CliHelper::complete ──► complete::complete
//!              │ `?` key: HelpKey records the cursor and accepts the line
//!              ▼
//!           line ──► help?  ──► complete::help_text, line shown again
//!                ──► exit/quit/EOF ──► leave
//!                ──► Session::run ──► output (or `error: ...`) + blank line
//! ```

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{
    Cmd, CompletionType, ConditionalEventHandler, Config, Context, Editor, Event, EventContext,
    EventHandler, Helper, KeyEvent, RepeatCount,
};

use crate::complete;
use crate::session::{Failure, Session};

/// No `?` pending.
const NO_HELP: usize = usize::MAX;

/// Runs the read-run-print loop until `exit`, `quit` or end of input.
pub(crate) fn run(session: &Session) -> Result<(), Failure> {
    let prompt = format!("{}@{}> ", session.user, session.host_name()?);
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_dups(true)
        .map_err(terminal_error)?
        .max_history_size(1000)
        .map_err(terminal_error)?
        .build();
    let mut rl: Editor<CliHelper, DefaultHistory> =
        Editor::with_config(config).map_err(terminal_error)?;
    rl.set_helper(Some(CliHelper));
    let help_at = Arc::new(AtomicUsize::new(NO_HELP));
    rl.bind_sequence(
        KeyEvent::from('?'),
        EventHandler::Conditional(Box::new(HelpKey(help_at.clone()))),
    );
    let history = history_path();
    if let Some(path) = &history {
        // A missing or unreadable history file only means no old history.
        let _ = rl.load_history(path);
    }

    // Text to show again on the next line (after `?`), split at the cursor.
    let mut again = (String::new(), String::new());
    let result = loop {
        let read = rl.readline_with_initial(&prompt, (&again.0, &again.1));
        again = (String::new(), String::new());
        let line = match read {
            Ok(line) => line,
            // Ctrl-C abandons the line, as on Junos.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break Ok(()),
            Err(e) => break Err(terminal_error(e)),
        };

        let at = help_at.swap(NO_HELP, Ordering::SeqCst);
        let help_split = if at != NO_HELP {
            Some(at.min(line.len()))
        } else {
            // Without a terminal (input piped), `?` arrives as text at the end of the line.
            line.trim_end().strip_suffix('?').map(str::len)
        };
        if let Some(cut) = help_split.filter(|&c| line.is_char_boundary(c)) {
            let (before, after) = line.split_at(cut);
            let after = if at == NO_HELP { "" } else { after };
            emit(&complete::help_text(before));
            again = (before.to_owned(), after.to_owned());
            continue;
        }

        let command = line.trim();
        if command.is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(command);
        if command == "exit" || command == "quit" {
            break Ok(());
        }
        match session.run(command) {
            Ok(out) => {
                let newline = if out.is_empty() || out.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                emit(&format!("{out}{newline}\n"));
            }
            Err(f @ Failure::Device(_)) => {
                eprintln!("{f}");
                emit("\n");
            }
            // The session is gone (device stopped, login lost): nothing more can work.
            Err(f) => break Err(f),
        }
    };
    if let Some(path) = &history {
        let _ = rl.save_history(path);
    }
    result
}

/// Writes to stdout; a closed stdout is not worth a panic.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn terminal_error(e: ReadlineError) -> Failure {
    Failure::Session(format!("terminal: {e}"))
}

/// `~/.jcli_history`, when there is a home directory.
fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".jcli_history"))
}

/// The `?` key: help at once, without Enter, as on Junos. It records the cursor position
/// and accepts the line; the loop prints the help and shows the line again.
struct HelpKey(Arc<AtomicUsize>);

impl ConditionalEventHandler for HelpKey {
    fn handle(
        &self,
        _evt: &Event,
        _n: RepeatCount,
        _positive: bool,
        ctx: &EventContext<'_>,
    ) -> Option<Cmd> {
        self.0.store(ctx.pos(), Ordering::SeqCst);
        if ctx.pos() == ctx.line().len() {
            // Echo the `?` after the text, as Junos does. The cursor is at the end of the
            // line and accepting it does not redraw (no hints, no highlighting), so the
            // mark stays on screen; the accepted line itself does not contain it.
            emit("?");
        }
        Some(Cmd::AcceptLine)
    }
}

/// TAB completion over the command tree; no hints, highlighting or validation.
struct CliHelper;

impl Completer for CliHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        Ok(match complete::complete(before) {
            Ok(c) => (
                c.start,
                c.choices
                    .iter()
                    .map(|n| Pair {
                        display: n.word.to_owned(),
                        replacement: format!("{} ", n.word),
                    })
                    .collect(),
            ),
            Err(_) => (pos, Vec::new()),
        })
    }
}

impl Hinter for CliHelper {
    type Hint = String;
}

impl Highlighter for CliHelper {}

impl Validator for CliHelper {}

impl Helper for CliHelper {}
