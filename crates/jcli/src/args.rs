//! Command-line flags. There is deliberately no password flag: argv is visible to every
//! user of the machine (`ps`), so the password comes from `JCLI_PASSWORD` or a prompt.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use jet_sdk::OutputFormat;

/// A Junos-style operational CLI for OpenJET devices, over JET gRPC.
///
/// The password is read from the environment variable JCLI_PASSWORD, or prompted for
/// (without echo) when standard input is a terminal.
#[derive(Debug, Parser)]
#[command(name = "jcli", version)]
pub(crate) struct Args {
    /// `host:port` of the device's JET gRPC service.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:32767")]
    pub(crate) host: String,

    /// User to log in as.
    #[arg(long, env = "JCLI_USER", default_value = "admin")]
    pub(crate) user: String,

    /// Connect with TLS (implied by --ca, --cert and --server-name).
    #[arg(long)]
    pub(crate) tls: bool,

    /// PEM file with the CA certificate(s) that signed the device's certificate.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca: Option<PathBuf>,

    /// Name to check the device certificate against, when it differs from HOST.
    #[arg(long, value_name = "NAME")]
    pub(crate) server_name: Option<String>,

    /// PEM client certificate for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub(crate) cert: Option<PathBuf>,

    /// PEM private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub(crate) key: Option<PathBuf>,

    /// JET client id of this session (default `jcli-PID`).
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: Option<String>,

    /// Output format asked of the device (a `| display xml` pipe in the command wins).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// Run a command, print its output and exit. Repeat to run several in order
    /// (operational and configuration mode: `-c configure -c "set ..." -c commit`).
    #[arg(short = 'c', long = "command", value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

impl Args {
    /// True when any flag asks for TLS.
    pub(crate) fn wants_tls(&self) -> bool {
        self.tls || self.ca.is_some() || self.cert.is_some() || self.server_name.is_some()
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// CLI text.
    Text,
    /// Junos XML.
    Xml,
    /// Junos JSON.
    Json,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Text => OutputFormat::Text,
            Format::Xml => OutputFormat::Xml,
            Format::Json => OutputFormat::Json,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cert_without_key_is_refused() {
        let r = Args::try_parse_from(["jcli", "--cert", "c.pem"]);
        assert!(r.is_err(), "--cert alone must be refused");
    }

    #[test]
    fn ca_implies_tls() {
        let a =
            Args::try_parse_from(["jcli", "--ca", "ca.pem", "-c", "show version"]).expect("parses");
        assert!(a.wants_tls());
        assert_eq!(a.command, vec!["show version".to_owned()]);
        let a = Args::try_parse_from(["jcli"]).expect("parses");
        assert!(!a.wants_tls());
    }

    #[test]
    fn there_is_no_password_flag() {
        assert!(Args::try_parse_from(["jcli", "--password", "x"]).is_err());
    }
}
