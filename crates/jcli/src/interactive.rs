//! The interactive loop: a rustyline editor over one [`Session`], in operational or
//! configuration mode ([`Repl`]). The same loop serves piped input (stdin not a
//! terminal): one command per line, `?` at the end of a line for help.
//!
//! ```text
//!  keys ──► rustyline ──(TAB)──► CliHelper::complete ──► complete (op) | cfgcomplete (config)
//!              │ `?` key: HelpKey records the cursor and accepts the line
//!              ▼
//!           line ──► help?  ──► help text, line shown again
//!                ──► Repl::execute ──► op command | configure | ConfigSession command
//!                          output (or `error: ...`); `[edit ...]` banner in config mode
//! ```

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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

use crate::repl::{banner, Flow, Repl, Terminal};
use crate::session::{Failure, Session};
use crate::{cfgcomplete, complete};

/// No `?` pending.
const NO_HELP: usize = usize::MAX;

/// The edit level the completer works at (`None` in operational mode).
type Level = Arc<Mutex<Option<Vec<String>>>>;

/// Runs the read-run-print loop until `exit`, `quit` or end of input.
pub(crate) fn run(session: &Session) -> Result<(), Failure> {
    let mut repl = Repl::new(session, session.host_name()?);
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
    let level: Level = Arc::default();
    rl.set_helper(Some(CliHelper(level.clone())));
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
        let edit = repl.edit_level().map(<[String]>::to_vec);
        if let Some(e) = &edit {
            if again.0.is_empty() && again.1.is_empty() {
                emit(&format!("\n{}\n", banner(e)));
            }
        }
        if edit.is_none() {
            // Apps add and remove commands while the session lasts.
            complete::set_app_commands(session.app_commands());
        }
        *level.lock().unwrap_or_else(|p| p.into_inner()) = edit.clone();
        let read = rl.readline_with_initial(&repl.prompt(), (&again.0, &again.1));
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
            emit(&match &edit {
                Some(e) => cfgcomplete::help_text(e, before),
                None => complete::help_text(before),
            });
            again = (before.to_owned(), after.to_owned());
            continue;
        }

        let command = line.trim();
        if command.is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(command);
        let mut term = RlTerm { rl: &mut rl };
        match repl.execute(command, &mut term) {
            Ok(Flow::Quit) => break Ok(()),
            Ok(Flow::Continue) => {
                if repl.edit_level().is_none() {
                    emit("\n");
                }
            }
            // The session is gone (device stopped, login lost): nothing more can work.
            Err(f) => break Err(f),
        }
    };
    repl.close();
    if let Some(path) = &history {
        let _ = rl.save_history(path);
    }
    result
}

/// The terminal as the loop's [`Terminal`]: questions and `load terminal` input are read
/// with the same editor.
struct RlTerm<'a> {
    rl: &'a mut Editor<CliHelper, DefaultHistory>,
}

impl Terminal for RlTerm<'_> {
    fn out(&mut self, text: &str) {
        emit(text);
    }

    fn err(&mut self, text: &str) {
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(text.as_bytes());
        let _ = e.flush();
    }

    fn ask(&mut self, question: &str) -> Option<String> {
        self.rl.readline(question).ok()
    }

    fn read_text(&mut self) -> String {
        let mut text = String::new();
        while let Ok(line) = self.rl.readline("") {
            if line.trim() == "^D" {
                break;
            }
            text.push_str(&line);
            text.push('\n');
        }
        text
    }
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

/// TAB completion over the command tree (operational mode) or the configuration schema
/// (configuration mode, at the edit level in the shared [`Level`]); no hints,
/// highlighting or validation.
struct CliHelper(Level);

impl Completer for CliHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        let level = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(edit) = level {
            return Ok(match cfgcomplete::complete(&edit, before) {
                Ok((start, choices)) => (
                    start,
                    choices
                        .into_iter()
                        .filter(|c| c.literal)
                        .map(|c| Pair {
                            replacement: format!("{} ", c.word),
                            display: c.word,
                        })
                        .collect(),
                ),
                Err(_) => (pos, Vec::new()),
            });
        }
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
