//! The command loop's state machine, shared by the interactive mode and repeated `-c`:
//! operational mode (`user@host> `) and configuration mode (`[edit ...]` banner,
//! `user@host# `). Configuration commands are sent to the device's
//! `openjet.config.v1.ConfigSession` service, which interprets them; jcli only reads
//! files and terminal input for `load`, and asks before leaving with uncommitted changes.

use jet_sdk::proto::openjet::config::v1::{CommandResponse, ConfigMode};

use crate::complete::is_configure;
use crate::session::{Failure, Session};

/// What the loop needs from its terminal (or from a script).
pub(crate) trait Terminal {
    /// Normal output.
    fn out(&mut self, text: &str);
    /// Error output.
    fn err(&mut self, text: &str);
    /// Asks a question; `None` at end of input.
    fn ask(&mut self, question: &str) -> Option<String>;
    /// Reads `load ... terminal` input up to end of input (Ctrl-D) or a line `^D`.
    fn read_text(&mut self) -> String;
}

/// Operational or configuration mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `user@host> `.
    Operational,
    /// `user@host# ` after `[edit ...]`.
    Config {
        /// The device's configuration-session token.
        token: String,
        /// The edit level.
        edit: Vec<String>,
    },
}

/// What to do after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Read the next line.
    Continue,
    /// Leave jcli.
    Quit,
}

/// The loop state over one session.
pub(crate) struct Repl<'s> {
    session: &'s Session,
    host: String,
    pub(crate) mode: Mode,
    /// True once a command was refused (exit status of `-c` lists).
    pub(crate) failed: bool,
}

/// `[edit]`, `[edit system login]`.
pub(crate) fn banner(edit: &[String]) -> String {
    let mut s = String::from("[edit");
    for w in edit {
        s.push(' ');
        if w.contains(char::is_whitespace) {
            s.push_str(&format!("\"{w}\""));
        } else {
            s.push_str(w);
        }
    }
    s.push(']');
    s
}

impl<'s> Repl<'s> {
    pub(crate) fn new(session: &'s Session, host: String) -> Self {
        Repl {
            session,
            host,
            mode: Mode::Operational,
            failed: false,
        }
    }

    /// The prompt for the current mode.
    pub(crate) fn prompt(&self) -> String {
        let sign = match self.mode {
            Mode::Operational => '>',
            Mode::Config { .. } => '#',
        };
        format!("{}@{}{sign} ", self.session.user, self.host)
    }

    /// The edit level in configuration mode.
    pub(crate) fn edit_level(&self) -> Option<&[String]> {
        match &self.mode {
            Mode::Config { edit, .. } => Some(edit),
            Mode::Operational => None,
        }
    }

    /// Runs one line. `Err` only when the session is lost.
    pub(crate) fn execute(&mut self, line: &str, term: &mut dyn Terminal) -> Result<Flow, Failure> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(Flow::Continue);
        }
        match self.mode.clone() {
            Mode::Operational => self.operational(line, term),
            Mode::Config { token, .. } => self.config(&token, line, term),
        }
    }

    fn refused(&mut self, term: &mut dyn Terminal, f: &Failure) {
        self.failed = true;
        term.err(&format!("{f}\n"));
    }

    fn operational(&mut self, line: &str, term: &mut dyn Terminal) -> Result<Flow, Failure> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mode = match words.as_slice() {
            ["exit" | "quit"] => return Ok(Flow::Quit),
            [c] if is_configure(c) => Some(ConfigMode::Shared),
            [c, p] if is_configure(c) && !p.is_empty() && "private".starts_with(p) => {
                Some(ConfigMode::Private)
            }
            [c, e] if is_configure(c) && !e.is_empty() && "exclusive".starts_with(e) => {
                Some(ConfigMode::Exclusive)
            }
            [c, ..] if is_configure(c) => {
                self.refused(
                    term,
                    &Failure::Device("usage: configure [private | exclusive]".into()),
                );
                return Ok(Flow::Continue);
            }
            _ => None,
        };
        let result = match mode {
            Some(mode) => self.session.config_open(mode).map(|(token, out)| {
                self.mode = Mode::Config {
                    token,
                    edit: Vec::new(),
                };
                out
            }),
            None => self.session.run(line),
        };
        match result {
            Ok(out) => {
                term.out(&out);
                if !out.is_empty() && !out.ends_with('\n') {
                    term.out("\n");
                }
            }
            Err(f @ Failure::Device(_)) => self.refused(term, &f),
            Err(f) => return Err(f),
        }
        Ok(Flow::Continue)
    }

    fn config(
        &mut self,
        token: &str,
        line: &str,
        term: &mut dyn Terminal,
    ) -> Result<Flow, Failure> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let payload = match words.as_slice() {
            ["load", _mode, "terminal"] => {
                term.out("[Type ^D at a new line to end input]\n");
                Some(term.read_text())
            }
            ["load", _mode, file] => match std::fs::read_to_string(file) {
                Ok(text) => Some(text),
                Err(e) => {
                    let f = Failure::Device(format!("cannot read '{file}': {e}"));
                    self.refused(term, &f);
                    return Ok(Flow::Continue);
                }
            },
            _ => None,
        };
        let mut reply = self.session.config_command(token, line, payload)?;
        if reply.ok && reply.confirm_exit {
            term.out(&reply.output);
            let answer = term
                .ask("Exit with uncommitted changes? [yes,no] (yes) ")
                .unwrap_or_else(|| "yes".into());
            let answer = answer.trim();
            if !(answer.is_empty() || "yes".starts_with(answer)) {
                return Ok(Flow::Continue);
            }
            reply = self
                .session
                .config_command(token, "exit configuration-mode", None)?;
        }
        self.show_reply(&reply, term);
        Ok(Flow::Continue)
    }

    fn show_reply(&mut self, reply: &CommandResponse, term: &mut dyn Terminal) {
        if !reply.ok {
            self.failed = true;
            let e = reply.error.trim_end();
            if e.starts_with('[') || e.starts_with("error:") || e.contains('\n') {
                term.err(&format!("{e}\n"));
            } else {
                term.err(&format!("error: {e}\n"));
            }
            return;
        }
        term.out(&reply.output);
        if !reply.output.is_empty() && !reply.output.ends_with('\n') {
            term.out("\n");
        }
        if reply.exited {
            self.mode = Mode::Operational;
        } else if let Mode::Config { edit, .. } = &mut self.mode {
            edit.clone_from(&reply.edit_path);
        }
    }

    /// Leaves configuration mode on the device (end of input, jcli exiting).
    pub(crate) fn close(&mut self) {
        if let Mode::Config { token, .. } = &self.mode {
            self.session.config_close(token);
            self.mode = Mode::Operational;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_quotes_words_with_spaces() {
        assert_eq!(banner(&[]), "[edit]");
        assert_eq!(
            banner(&["system".into(), "login".into()]),
            "[edit system login]"
        );
        assert_eq!(banner(&["a b".into()]), "[edit \"a b\"]");
    }
}
