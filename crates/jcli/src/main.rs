//! `jcli`: a Junos-style operational CLI for OpenJET devices.
//!
//! It reaches `jetd` (or any JET device) only over JET gRPC, through `jet-sdk`: the
//! device parses and renders every command (text, XML, JSON, `| display` pipes), jcli
//! just sends the words and prints what comes back. It uses the device's command tree
//! (`jet_device::op::tree`) only for `?` help and TAB completion.
//!
//! * `jcli -c "show version"`: one command; exit 0, 1 when the device refuses the
//!   command, 2 when no session could be set up.
//! * `jcli`: interactive operational mode (`admin@host> `).
//!
//! The password comes from `JCLI_PASSWORD` or a prompt without echo, never from argv.

mod args;
mod complete;
mod interactive;
mod session;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::args::Args;
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
    match &args.command {
        Some(command) => {
            let out = session.run(command)?;
            // Exactly as received; a reader that went away (`| head`) is not an error.
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(out.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }
        None => interactive::run(&session),
    }
}
