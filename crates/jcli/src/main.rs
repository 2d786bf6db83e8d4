//! `jcli`: a Junos-style operational CLI for OpenJET devices.
//!
//! It reaches `jetd` (or any JET device) only over JET gRPC, through `jet-sdk`: the
//! device parses and renders every command (text, XML, JSON, `| display` pipes), jcli
//! just sends the words and prints what comes back. It uses the device's command tree
//! (`jet_config::optree`) only for `?` help and TAB completion.
//!
//! * `jcli -c "show version"`: one command; exit 0, 1 when the device refuses the
//!   command, 2 when no session could be set up.
//! * `jcli -c configure -c "set system host-name r2" -c commit`: several commands in
//!   order, operational or configuration mode, as typed at the prompt (no prompts or
//!   banners printed; `load ... terminal` reads standard input; leaving with uncommitted
//!   changes is confirmed); exit 1 when any command was refused.
//! * `jcli`: interactive mode (`admin@host> `, `configure` for `[edit]` / `admin@host# `).
//!   With standard input not a terminal, the commands are read from it line by line.
//!
//! Configuration mode talks to the device's `openjet.config.v1.ConfigSession` service;
//! `?` and TAB there draw on the configuration schema (`jet_config::schema`).
//!
//! The password comes from `JCLI_PASSWORD` or a prompt without echo, never from argv.

mod args;
mod cfgcomplete;
mod complete;
mod interactive;
mod repl;
mod session;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::args::Args;
use crate::repl::{Flow, Repl, Terminal};
use crate::session::{Failure, Session};

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("{f}");
            f.exit_code()
        }
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    let session = Session::open(args)?;
    match args.command.as_slice() {
        [] => interactive::run(&session),
        [command] => {
            let out = session.run(command)?;
            // Exactly as received; a reader that went away (`| head`) is not an error.
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(out.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }
        commands => script(&session, commands),
    }
}

/// Several `-c` commands, in order, through the same state machine as the prompt.
fn script(session: &Session, commands: &[String]) -> Result<(), Failure> {
    let mut repl = Repl::new(session, session.host_name()?);
    let mut term = StdTerm;
    for c in commands {
        if repl.execute(c, &mut term)? == Flow::Quit {
            break;
        }
    }
    repl.close();
    if repl.failed {
        return Err(Failure::Device("a command was refused".into()));
    }
    Ok(())
}

/// Standard output and error; questions are answered "yes", `load terminal` reads stdin.
struct StdTerm;

impl Terminal for StdTerm {
    fn out(&mut self, text: &str) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(text.as_bytes());
        let _ = o.flush();
    }

    fn err(&mut self, text: &str) {
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(text.as_bytes());
        let _ = e.flush();
    }

    fn ask(&mut self, _question: &str) -> Option<String> {
        Some("yes".into())
    }

    fn read_text(&mut self) -> String {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text);
        text
    }
}
