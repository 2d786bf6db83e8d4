//! One JET session for the CLI: connect, log in, run operational commands.
//!
//! Failures are sorted by what the user must do about them: a device that refused a
//! command ([`Failure::Device`], exit 1) versus a session that could not be set up or was
//! lost ([`Failure::Session`], exit 2).

use std::fmt;
use std::io::IsTerminal as _;
use std::process::ExitCode;

use jet_config::optree::AppCommandWords;
use jet_sdk::proto::openjet::config::v1::config_session_client::ConfigSessionClient;
use jet_sdk::proto::openjet::config::v1::{
    CloseRequest, CommandRequest, CommandResponse, ConfigMode, OpenRequest,
};
use jet_sdk::{ConnectOptions, Error, JetClient, OutputFormat, TlsOptions};
use tokio::runtime::Runtime;

use crate::args::Args;

/// Why jcli stops or a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The device refused the command (syntax error, permission...).
    Device(String),
    /// No usable session: options, connection, password or login.
    Session(String),
}

impl Failure {
    /// The process exit code for this failure.
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Device(_) => ExitCode::from(1),
            Failure::Session(_) => ExitCode::from(2),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The device's own messages often carry Junos's `error: ` already.
            Failure::Device(m) | Failure::Session(m) if m.starts_with("error:") => {
                write!(f, "{m}")
            }
            Failure::Device(m) | Failure::Session(m) => write!(f, "error: {m}"),
        }
    }
}

/// A logged-in session. The runtime drives the connection in the background (one worker
/// thread) while the CLI blocks on the terminal, so HTTP/2 keeps answering the device.
pub(crate) struct Session {
    rt: Runtime,
    client: JetClient,
    /// The user logged in.
    pub(crate) user: String,
    format: OutputFormat,
}

impl Session {
    /// Connects and logs in as `args` say; the password comes from `JCLI_PASSWORD` or a
    /// prompt on the terminal.
    pub(crate) fn open(args: &Args) -> Result<Session, Failure> {
        let opts = connect_options(args)?;
        let password = password(&args.user, &args.host)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| Failure::Session(format!("cannot start the I/O runtime: {e}")))?;
        let client_id = args
            .client_id
            .clone()
            .unwrap_or_else(|| format!("jcli-{}", std::process::id()));
        let client = rt.block_on(async {
            let client = JetClient::connect(opts)
                .await
                .map_err(|e| Failure::Session(chain(&e)))?;
            client
                .login(&args.user, &password, &client_id)
                .await
                .map_err(|e| {
                    Failure::Session(format!("login as '{}' failed: {}", args.user, chain(&e)))
                })?;
            Ok::<_, Failure>(client)
        })?;
        Ok(Session {
            rt,
            client,
            user: args.user.clone(),
            format: args.format.into(),
        })
    }

    /// Runs one operational command and returns its output as the device rendered it.
    pub(crate) fn run(&self, command: &str) -> Result<String, Failure> {
        self.rt
            .block_on(self.client.op_command(command, self.format))
            .map_err(classify)
    }

    /// Enters configuration mode on this connection: the session token and what the
    /// device printed, or the device's refusal.
    pub(crate) fn config_open(&self, mode: ConfigMode) -> Result<(String, String), Failure> {
        let reply = self
            .rt
            .block_on(
                ConfigSessionClient::new(self.client.channel())
                    .open(OpenRequest { mode: mode as i32 }),
            )
            .map_err(|s| classify(Error::Rpc(s)))?
            .into_inner();
        if reply.ok {
            Ok((reply.session_token, reply.output))
        } else {
            Err(Failure::Device(reply.error))
        }
    }

    /// Runs one configuration-mode command; `Ok` also for commands the device refused
    /// (`ok == false`, with the error text), `Err` when the session itself failed.
    pub(crate) fn config_command(
        &self,
        token: &str,
        command: &str,
        payload: Option<String>,
    ) -> Result<CommandResponse, Failure> {
        self.rt
            .block_on(
                ConfigSessionClient::new(self.client.channel()).command(CommandRequest {
                    session_token: token.to_owned(),
                    command: command.to_owned(),
                    payload: payload.unwrap_or_default(),
                }),
            )
            .map(tonic::Response::into_inner)
            .map_err(|s| classify(Error::Rpc(s)))
    }

    /// Leaves configuration mode without committing.
    pub(crate) fn config_close(&self, token: &str) {
        // Best effort: the device also ends the session when the connection closes.
        let _ =
            self.rt.block_on(
                ConfigSessionClient::new(self.client.channel()).close(CloseRequest {
                    session_token: token.to_owned(),
                }),
            );
    }

    /// The operational commands apps added on the device (words and help), from `show
    /// extension-service commands` in XML; empty when the device has none or cannot
    /// tell.
    pub(crate) fn app_commands(&self) -> Vec<AppCommandWords> {
        let xml = self.rt.block_on(
            self.client
                .op_command("show extension-service commands", OutputFormat::Xml),
        );
        xml.map(|x| app_commands_of(&x)).unwrap_or_default()
    }

    /// The device's host name, from the `Hostname:` line of `show version`.
    pub(crate) fn host_name(&self) -> Result<String, Failure> {
        let text = self
            .rt
            .block_on(self.client.op_command("show version", OutputFormat::Text));
        let text = text.map_err(classify)?;
        Ok(host_name_of(&text).unwrap_or("device").to_owned())
    }
}

/// The `<cli>`, `<help>` and `<option>`s of each `<command>` of `show extension-service
/// commands`.
fn app_commands_of(xml: &str) -> Vec<AppCommandWords> {
    let text = |block: &str, tag: &str| -> String {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        block
            .split_once(&open)
            .and_then(|(_, r)| r.split_once(&close))
            .map(|(v, _)| {
                v.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&")
            })
            .unwrap_or_default()
    };
    xml.split("<command>")
        .skip(1)
        .map(|block| {
            let (own, options) = block.split_once("<option>").unwrap_or((block, ""));
            AppCommandWords {
                words: text(own, "cli")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                help: text(own, "help"),
                options: format!("<option>{options}")
                    .split("<option>")
                    .skip(1)
                    .map(|o| (text(o, "name"), text(o, "help")))
                    .filter(|(n, _)| !n.is_empty())
                    .collect(),
            }
        })
        .filter(|c| !c.words.is_empty())
        .collect()
}

/// Takes the host name out of `show version` text.
fn host_name_of(show_version: &str) -> Option<&str> {
    show_version
        .lines()
        .find_map(|l| l.strip_prefix("Hostname:"))
        .map(str::trim)
        .filter(|h| !h.is_empty())
}

/// Device refusals are command errors; a lost or refused transport is a session error.
fn classify(e: Error) -> Failure {
    match e {
        Error::Failed(m) => Failure::Device(m),
        Error::Rpc(s)
            if matches!(
                s.code(),
                tonic::Code::Unavailable | tonic::Code::Unauthenticated | tonic::Code::Cancelled
            ) =>
        {
            Failure::Session(chain(&Error::Rpc(s)))
        }
        other => Failure::Device(chain(&other)),
    }
}

/// An error with its causes, `a: b: c` (tonic's own message is often just "transport error").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let msg = s.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        cur = s.source();
    }
    out
}

fn connect_options(args: &Args) -> Result<ConnectOptions, Failure> {
    if !args.wants_tls() {
        return Ok(ConnectOptions::clear_text(&args.host));
    }
    let read = |p: &std::path::Path, what: &str| {
        std::fs::read(p)
            .map_err(|e| Failure::Session(format!("cannot read {what} '{}': {e}", p.display())))
    };
    let ca_pem = args
        .ca
        .as_deref()
        .map(|p| read(p, "CA certificate"))
        .transpose()?;
    let client_identity = match (&args.cert, &args.key) {
        (Some(c), Some(k)) => Some((read(c, "client certificate")?, read(k, "client key")?)),
        _ => None,
    };
    Ok(ConnectOptions::tls(
        &args.host,
        TlsOptions {
            ca_pem,
            server_name: args.server_name.clone(),
            client_identity,
        },
    ))
}

/// `JCLI_PASSWORD`, else a prompt without echo when stdin is a terminal. Never argv.
fn password(user: &str, host: &str) -> Result<String, Failure> {
    if let Ok(p) = std::env::var("JCLI_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Session(
            "no password: set JCLI_PASSWORD, or run jcli on a terminal to be prompted".into(),
        ));
    }
    rpassword::prompt_password(format!("{user}@{host}'s password: "))
        .map_err(|e| Failure::Session(format!("cannot read the password: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn app_commands_and_their_options_come_from_the_xml_list() {
        let xml = "<extension-service-command-information>\
            <command><cli>show hello status</cli><help>Hello &amp; more</help></command>\
            <command><cli>show my-app status</cli><help>Mine</help>\
            <option><name>detail</name><help>More</help></option>\
            <option><name>name</name><help>One peer</help></option></command>\
            </extension-service-command-information>";
        let cmds = app_commands_of(xml);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].words, ["show", "hello", "status"]);
        assert_eq!(cmds[0].help, "Hello & more");
        assert!(cmds[0].options.is_empty());
        assert_eq!(cmds[1].help, "Mine");
        assert_eq!(
            cmds[1].options,
            [
                ("detail".to_owned(), "More".to_owned()),
                ("name".to_owned(), "One peer".to_owned())
            ]
        );
    }

    use super::*;

    #[test]
    fn failures_say_error_once() {
        let refused =
            Failure::Device("error: 'show lacp interfaces' is not supported on this device".into());
        assert_eq!(
            refused.to_string(),
            "error: 'show lacp interfaces' is not supported on this device"
        );
        assert_eq!(
            Failure::Session("connection refused".into()).to_string(),
            "error: connection refused"
        );
    }

    #[test]
    fn host_name_comes_from_the_hostname_line() {
        let text = "Hostname: r1\nModel: vjet\nJunos: 24.4R1\n";
        assert_eq!(host_name_of(text), Some("r1"));
        assert_eq!(host_name_of("Model: vjet\n"), None);
        assert_eq!(host_name_of("Hostname:   \n"), None);
    }

    #[test]
    fn device_refusal_exits_1_and_lost_session_exits_2() {
        let f = classify(Error::Failed("syntax error".into()));
        assert!(matches!(f, Failure::Device(_)));
        assert_eq!(f.to_string(), "error: syntax error");
        assert_eq!(f.exit_code(), ExitCode::from(1));
        assert_eq!(Failure::Session("x".into()).exit_code(), ExitCode::from(2));
    }
}
