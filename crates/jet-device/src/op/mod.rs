//! Operational commands: parsing (CLI words or Junos XML RPCs), pipes, and rendering.
//!
//! Commands are parsed once, here, so the JET `OpCommandGet`, the legacy
//! `ExecuteOpCommand` and `jcli` all give the same answer. CLI words may be abbreviated to
//! any unique prefix, as on Junos (`sh ver`).

pub mod app_commands;
pub mod apps;
mod bgp;
mod clients;
mod commits;
mod configuration;
mod firewall;
mod interfaces;
mod neighbors;
pub mod notification;
pub mod pipes;
pub mod request_response;
mod route;
mod software;
mod tunnels;
pub use software::install_report;
mod storage;
mod traffic;
mod uptime;
mod users;
mod version;
mod yang;

use crate::error::DeviceError;
use crate::output::Format;
use jet_config::LoginClass;

use crate::device::Device;
use crate::mgd::{authorize_op, CfgReply};
use crate::sessions::SessionId;
pub use crate::vocab::op_input::OpInput;

pub use jet_config::optree::{self as tree, CommandNode, COMMANDS, PIPES};

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    Version,
    SystemUptime,
    Configuration {
        path: Vec<String>,
    },
    Clients {
        detail: bool,
    },
    NotificationClients,
    NotificationStatistics,
    RequestResponseStatistics,
    SystemCommit,
    SystemRollback {
        args: Vec<String>,
    },
    Interfaces(interfaces::InterfacesQuery),
    /// `show arp`, `show ipv6 neighbors`.
    Neighbors(neighbors::NeighborsQuery),
    SimulateLink {
        name: String,
        up: bool,
    },
    SystemUsers,
    SystemStorage,
    Log {
        file: String,
    },
    Route(route::RouteCmd),
    App(apps::AppCmd),
    Firewall(firewall::FirewallCmd),
    TestPacket(Box<crate::firewall::Packet>),
    Traffic(traffic::TrafficCmd),
    ShowTraffic,
    SoftwareAdd {
        path: String,
    },
    SoftwareDelete {
        name: String,
    },
    BgpSummary,
    /// `request system yang add package NAME module FILE... action-script FILE...`.
    YangAdd(yang::YangAdd),
    /// `request system yang delete NAME`.
    YangDelete {
        name: String,
    },
    /// `show system yang package [NAME]`.
    YangShow {
        name: Option<String>,
    },
    /// An operational command an app adds, with the words after it.
    FromApp {
        cmd: app_commands::AppCommand,
        args: Vec<String>,
    },
    /// A live app's command (`crate::live_commands`), with its options as typed.
    FromLiveApp {
        cmd: app_commands::AppCommand,
        args: Vec<(String, Option<String>)>,
    },
    /// `show extension-service commands`.
    AppCommands,
    FlexibleTunnels(tunnels::TunnelsQuery),
    /// `| display xml rpc`: the RPC of a command, not run.
    DisplayRpc {
        xml: String,
    },
}

/// How the output is post-processed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Pipes {
    display: Option<Display>,
    /// Text filters (`match`, `except`, `count`, `last`), applied in order.
    filters: Vec<pipes::Filter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Display {
    Inheritance,
    Xml,
    XmlRpc,
    Json,
    Set,
}

/// An operational command's output in pieces as it is produced: a bounded channel, so
/// the producer waits for the reader. Commands other than `show route` come as one piece;
/// `show route` streams (a million routes are never held as one string). Concatenated,
/// the pieces are the output.
pub type OpPieces = tokio::sync::mpsc::Receiver<String>;

/// A command's output pieces, concatenated.
async fn joined(mut pieces: OpPieces) -> String {
    let mut out = String::new();
    while let Some(p) = pieces.recv().await {
        out.push_str(&p);
    }
    out
}

/// The entry points of the operational commands (and of configuration mode, whose
/// `run` runs one). The rest of [`Device`] is in `device.rs`.
impl Device {
    /// Runs an operational command and renders its output in `format` (a `| display`
    /// pipe in the command wins over `format`, as on the CLI; text filters such as
    /// `| match` then apply to the rendered output). No login-class check: see
    /// `op_command_as`.
    pub async fn op_command(
        &self,
        input: OpInput<'_>,
        format: Format,
    ) -> Result<String, DeviceError> {
        Ok(joined(self.op_command_pieces(input, format).await?).await)
    }

    /// [`Device::op_command`], its output handed on in pieces as it is produced.
    pub async fn op_command_pieces(
        &self,
        input: OpInput<'_>,
        format: Format,
    ) -> Result<OpPieces, DeviceError> {
        self.run_op(input, format, true).await
    }

    /// Runs a command; `secrets`: the caller may see secret configuration values
    /// (otherwise `show configuration` shows them as `/* SECRET-DATA */`).
    async fn run_op(
        &self,
        input: OpInput<'_>,
        format: Format,
        secrets: bool,
    ) -> Result<OpPieces, DeviceError> {
        let (cmd, pipes) = match input {
            OpInput::Cli(text) => match parse_cli(text) {
                Ok(c) => c,
                // Not a command of the device: perhaps one an app adds.
                Err(e) => parse_app_command(&app_commands::list(self), text).unwrap_or(Err(e))?,
            },
            OpInput::Xml(text) => match parse_xml_rpc(text) {
                Ok(c) => c,
                // Not an RPC of the device: perhaps one of a YANG package.
                Err(e) => yang::parse_rpc_xml(&app_commands::list(self), text).unwrap_or(Err(e))?,
            },
        };
        let format = match pipes.display {
            Some(Display::Xml) => Format::Xml,
            Some(Display::Json) => Format::Json,
            _ => format,
        };
        if let Command::Route(route::RouteCmd::Routes(a)) = cmd {
            // Rendered on a blocking thread, a chunk of the table at a time, through the
            // pipes as it goes.
            let (tx, rx) = tokio::sync::mpsc::channel(4);
            let rib = self.rib().clone();
            let mut pipe = pipes::Streamer::new(pipes.filters);
            tokio::task::spawn_blocking(move || {
                route::render_routes_pieces(&rib, &a, format, &mut |piece| {
                    let out = pipe.push(piece);
                    // Stop as soon as nobody reads, even while `count` sends nothing.
                    !tx.is_closed() && (out.is_empty() || tx.blocking_send(out).is_ok())
                });
                let rest = pipe.finish();
                if !rest.is_empty() {
                    let _ = tx.blocking_send(rest);
                }
            });
            return Ok(rx);
        }
        let out = match cmd {
            Command::Version => Ok(version::render(self, format)),
            Command::SystemUptime => Ok(uptime::render(self, format)),
            Command::Configuration { path } => {
                let set = pipes.display == Some(Display::Set);
                let inherit = pipes.display == Some(Display::Inheritance);
                configuration::render(self, &path, format, set, inherit, secrets)
            }
            Command::Clients { detail } => Ok(clients::render(self, format, detail)),
            Command::NotificationClients => Ok(notification::render_clients(self, format)),
            Command::NotificationStatistics => Ok(notification::render_statistics(self, format)),
            Command::RequestResponseStatistics => {
                Ok(request_response::render_statistics(self, format))
            }
            Command::SystemCommit => Ok(commits::render_history(&self.commit_history(), format)),
            Command::SystemRollback { args } => commits::render_rollback(self, &args, format),
            Command::Interfaces(q) => interfaces::show(self, &q, format).await,
            Command::Neighbors(q) => neighbors::show(self, &q, format).await,
            Command::SimulateLink { name, up } => {
                interfaces::simulate_link(self, &name, up, format).await
            }
            Command::Firewall(c) => firewall::run(self, &c, format).await,
            Command::TestPacket(p) => traffic::test_packet(self, *p, format).await,
            Command::Traffic(t) => traffic::traffic(self, t, format).await,
            Command::ShowTraffic => Ok(traffic::show_flows(self, format)),
            Command::SystemUsers => Ok(users::render(self, format)),
            Command::BgpSummary => Ok(bgp::render(self, format)),
            Command::FromApp { cmd, args } => app_commands::run(self, cmd, args, format).await,
            Command::FromLiveApp { cmd, args } => {
                crate::live_commands::invoke(&cmd, args, format).await
            }
            Command::AppCommands => Ok(app_commands::render_list(self, format)),
            Command::FlexibleTunnels(q) => {
                // Counting the routes per profile reads the RIB: off the async workers.
                let (set, rib) = (self.tunnels().current(), self.rib().clone());
                match tokio::task::spawn_blocking(move || tunnels::render(&set, &rib, &q, format))
                    .await
                {
                    Ok(r) => r,
                    Err(e) => Err(DeviceError::RenderFailed {
                        command: "show flexible-tunnels profiles",
                        reason: e.to_string(),
                    }),
                }
            }
            Command::SystemStorage => storage::render(self, format).await,
            Command::Log { file } => self.read_log(&file).await,
            Command::App(a) => apps::run(self, a, format).await,
            Command::SoftwareAdd { path } => software::add(self, &path, format).await,
            Command::SoftwareDelete { name } => software::delete(self, &name, format).await,
            Command::YangAdd(a) => yang::add(self, a, format).await,
            Command::YangDelete { name } => yang::delete(self, &name, format).await,
            Command::YangShow { name } => yang::show(self, name.as_deref(), format),
            Command::DisplayRpc { xml } => Ok(xml),
            Command::Route(r) => {
                // Summary, forwarding table, clients: small, but off the async workers.
                let rib = self.rib().clone();
                tokio::task::spawn_blocking(move || route::render_show(&rib, &r, format))
                    .await
                    .map_err(|e| DeviceError::RenderFailed {
                        command: "show route",
                        reason: e.to_string(),
                    })
            }
        }?;
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        // A fresh channel with room for one: this cannot fail.
        let _ = tx.try_send(pipes::apply(&pipes.filters, out));
        Ok(rx)
    }

    /// Runs an operational command for a user of `class` (see [`crate::authorize_op`]).
    /// Only a super-user sees secret configuration values (Junos's `secret`
    /// permission, which the operator and read-only classes lack).
    pub async fn op_command_as(
        &self,
        class: LoginClass,
        input: OpInput<'_>,
        format: Format,
    ) -> Result<String, DeviceError> {
        Ok(joined(self.op_command_as_pieces(class, input, format).await?).await)
    }

    /// [`Device::op_command_as`], the output in pieces as it is produced.
    pub async fn op_command_as_pieces(
        &self,
        class: LoginClass,
        input: OpInput<'_>,
        format: Format,
    ) -> Result<OpPieces, DeviceError> {
        authorize_op(class, input)?;
        self.run_op(input, format, class == LoginClass::SuperUser)
            .await
    }

    /// Runs one configuration-mode command of the session `token` on connection `owner`.
    /// `payload` is the text of `load ... terminal|FILE`. A `run ...` command's
    /// operational command runs here, in the op layer.
    pub async fn config_command(
        &self,
        owner: Option<SessionId>,
        token: &str,
        line: &str,
        payload: Option<String>,
    ) -> Result<CfgReply, DeviceError> {
        let mut reply = self
            .mgd()
            .config_command(owner, token, line, payload)
            .await?;
        if let Some(op) = reply.run.take() {
            // Only super-users are in configuration mode, so every op command is allowed.
            reply.output = self.op_command(OpInput::Cli(&op), Format::Text).await?;
        }
        Ok(reply)
    }
}

/// An app-added command (`cmds`) with its pipes; `None` when no app command fits.
fn parse_app_command(
    cmds: &[app_commands::AppCommand],
    text: &str,
) -> Option<Result<(Command, Pipes), DeviceError>> {
    let parts = pipes::split_pipes(text).ok()?;
    let words: Vec<&str> = parts[0].split_whitespace().collect();
    let found = app_commands::find(cmds, &words)?;
    Some(found.and_then(|(cmd, args)| {
        let pipes = parse_pipes(&parts[1..])?;
        if matches!(
            pipes.display,
            Some(Display::Set | Display::Inheritance | Display::XmlRpc)
        ) {
            return Err(DeviceError::syntax(format!(
                "this display pipe does not apply to '{}'",
                cmd.line()
            )));
        }
        if let Some(live) = &cmd.live {
            let args = yang::parse_options(&live.options, &cmd.line(), &args)?;
            return Ok((Command::FromLiveApp { cmd, args }, pipes));
        }
        // A YANG command's options become the `--LEAF VALUE` arguments Junos gives.
        let args = match &cmd.yang {
            Some(y) => yang::script_args(y, &cmd.line(), &args)?,
            None => args,
        };
        Ok((Command::FromApp { cmd, args }, pipes))
    }))
}

/// Parses CLI words and pipes.
fn parse_cli(text: &str) -> Result<(Command, Pipes), DeviceError> {
    let parts = pipes::split_pipes(text)?;
    let words: Vec<&str> = parts[0].split_whitespace().collect();
    let pipes = parse_pipes(&parts[1..])?;
    if pipes.display == Some(Display::XmlRpc) {
        return Ok((display_rpc(&words)?, Pipes::default()));
    }
    parse_command(&words, pipes)
}

/// The pipes after a command (`| display xml`, `| match X`, ...).
fn parse_pipes<S: AsRef<str>>(parts: &[S]) -> Result<Pipes, DeviceError> {
    let mut pipes = Pipes::default();
    for pipe in parts {
        let pipe = pipe.as_ref();
        let w: Vec<&str> = pipe.split_whitespace().collect();
        let (path, _) = tree::resolve_in(tree::PIPES, &w)
            .map_err(syntax)
            .map_err(|e| DeviceError::syntax(format!("in '| {}': {e}", pipe.trim())))?;
        match path.as_slice() {
            ["display", "xml"] => pipes.display = Some(Display::Xml),
            ["display", "xml", "rpc"] => pipes.display = Some(Display::XmlRpc),
            ["display", "json"] => pipes.display = Some(Display::Json),
            ["display", "set"] => pipes.display = Some(Display::Set),
            ["display", "inheritance"] => pipes.display = Some(Display::Inheritance),
            ["no-more"] => {}
            ["match"] => pipes
                .filters
                .push(pipes::Filter::matching(pipes::argument(pipe))?),
            ["except"] => pipes
                .filters
                .push(pipes::Filter::except(pipes::argument(pipe))?),
            ["count"] => pipes.filters.push(pipes::Filter::Count),
            ["last"] => pipes
                .filters
                .push(pipes::Filter::last(pipes::argument(pipe))?),
            _ => {
                return Err(DeviceError::syntax(format!(
                    "incomplete pipe '| {}'",
                    pipe.trim()
                )))
            }
        }
    }
    Ok(pipes)
}

/// The command of resolved CLI words.
fn parse_command(words: &[&str], pipes: Pipes) -> Result<(Command, Pipes), DeviceError> {
    let (path, rest) = match tree::resolve(words) {
        Ok(r) => r,
        Err(e) => return Err(not_supported(words).unwrap_or_else(|| syntax(e))),
    };
    let cmd = match path.as_slice() {
        ["show", "version"] => Command::Version,
        ["show", "route"] => Command::Route(route::parse_show_route(rest)?),
        ["show", "system", "uptime"] => Command::SystemUptime,
        ["show", "system", "commit"] => Command::SystemCommit,
        ["show", "system", "rollback"] => Command::SystemRollback {
            args: rest.iter().map(|s| s.to_string()).collect(),
        },
        ["show", "configuration"] => Command::Configuration {
            path: rest.iter().map(|s| s.to_string()).collect(),
        },
        ["show", "interfaces"] => Command::Interfaces(interfaces::parse_show(rest)?),
        ["show", "arp"] => Command::Neighbors(neighbors::parse_arp(rest)?),
        ["show", "ipv6", "neighbors"] => Command::Neighbors(neighbors::parse_nd(rest)?),
        ["request", "interface", "simulate-link"] => interfaces::parse_simulate_link(rest)?,
        ["show", "firewall"] => Command::Firewall(firewall::parse_show(rest)?),
        ["show", "firewall", w @ ("log" | "limits")] => {
            Command::Firewall(firewall::parse_show(&[w])?)
        }
        ["show", "firewall", w @ ("filter" | "counter")] => {
            let mut all = vec![*w];
            all.extend_from_slice(rest);
            Command::Firewall(firewall::parse_show(&all)?)
        }
        ["show", "policer"] => Command::Firewall(firewall::FirewallCmd::Policers(
            rest.first().map(|s| s.to_string()),
        )),
        ["clear", "firewall", "all"] => Command::Firewall(firewall::FirewallCmd::Clear(None)),
        ["clear", "firewall", "filter"] => match rest {
            [name] => Command::Firewall(firewall::FirewallCmd::Clear(Some(name.to_string()))),
            _ => {
                return Err(DeviceError::syntax(
                    "usage: clear firewall filter NAME".into(),
                ))
            }
        },
        ["test", "forwarding", "packet"] => {
            Command::TestPacket(Box::new(traffic::parse_packet(rest)?))
        }
        ["request", "interface", "simulate-traffic"] => {
            Command::Traffic(traffic::parse_traffic(rest)?)
        }
        ["show", "simulated-traffic"] => Command::ShowTraffic,
        ["request", "firewall", "simulate-statistics-delay"] => {
            Command::Firewall(firewall::parse_stats_delay(rest)?)
        }
        ["request", "system", "software", "add"] => Command::SoftwareAdd {
            path: software::parse_add(rest)?,
        },
        ["request", "system", "software", "delete"] => Command::SoftwareDelete {
            name: software::parse_delete(rest)?,
        },
        ["request", "system", "yang", "add"] => Command::YangAdd(yang::parse_add(rest)?),
        ["request", "system", "yang", "delete"] => Command::YangDelete {
            name: yang::parse_delete(rest)?,
        },
        ["show", "system", "yang", "package"] => Command::YangShow {
            name: yang::parse_show(rest)?,
        },
        ["show", "system", "users"] => Command::SystemUsers,
        ["show", "bgp", "summary"] => Command::BgpSummary,
        ["show", "flexible-tunnels", "profiles"] => Command::FlexibleTunnels(tunnels::parse(rest)?),
        ["show", "system", "storage"] => Command::SystemStorage,
        ["show", "log"] => Command::Log {
            file: log_file_name(rest)?,
        },
        ["show", "extension-service", "application"] => Command::App(apps::parse_show(rest)?),
        ["show", "extension-service", "commands"] => Command::AppCommands,
        ["request", "extension-service", verb @ ("start" | "stop")] => {
            Command::App(apps::parse_request(verb, rest)?)
        }
        ["show", "extension-service", "client", "information"]
        | ["show", "extension-service", "request-response", "clients"] => {
            Command::Clients { detail: false }
        }
        ["show", "extension-service", "notification", "clients"] => Command::NotificationClients,
        ["show", "extension-service", "notification", "statistics"] => {
            Command::NotificationStatistics
        }
        ["show", "extension-service", "request-response", "statistics"] => {
            Command::RequestResponseStatistics
        }
        ["show", "extension-service", "client", "information", "detail"]
        | ["show", "extension-service", "request-response", "clients", "detail"] => {
            Command::Clients { detail: true }
        }
        _ => {
            return Err(not_supported(words).unwrap_or_else(|| {
                DeviceError::syntax(format!("incomplete command '{}'", words.join(" ")))
            }))
        }
    };
    if matches!(pipes.display, Some(Display::Set | Display::Inheritance))
        && !matches!(cmd, Command::Configuration { .. })
    {
        return Err(DeviceError::syntax(
            "'display set' applies to configuration only".into(),
        ));
    }
    Ok((cmd, pipes))
}

/// Parses a Junos XML RPC: `<get-software-information/>`, optionally inside `<rpc>`, or
/// `<command>show version</command>`.
fn parse_xml_rpc(text: &str) -> Result<(Command, Pipes), DeviceError> {
    let mut body = text.trim();
    if let Some(inner) = body
        .strip_prefix("<rpc>")
        .and_then(|b| b.strip_suffix("</rpc>"))
    {
        body = inner.trim();
    }
    let Some(after) = body.strip_prefix('<') else {
        return Err(DeviceError::syntax(format!(
            "not an XML RPC: '{}'",
            short(text)
        )));
    };
    let name_end = after
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .ok_or_else(|| DeviceError::syntax(format!("malformed XML RPC: '{}'", short(text))))?;
    let name = &after[..name_end];
    if !body.ends_with("/>") && !body.ends_with(&format!("</{name}>")) {
        return Err(DeviceError::syntax(format!(
            "malformed XML RPC: '{}'",
            short(text)
        )));
    }
    let cmd = match name {
        "get-software-information" => Command::Version,
        "get-system-uptime-information" => Command::SystemUptime,
        "get-commit-information" => Command::SystemCommit,
        "get-interface-information" => Command::Interfaces(interfaces::parse_rpc(body)?),
        "get-arp-table-information" => Command::Neighbors(neighbors::parse_arp_rpc(body)),
        "get-ipv6-nd-information" => Command::Neighbors(neighbors::parse_nd_rpc(body)),
        "get-system-users-information" => Command::SystemUsers,
        "get-firewall-information" => Command::Firewall(firewall::FirewallCmd::Filters(None)),
        "get-firewall-filter-information" => Command::Firewall(firewall::FirewallCmd::Filters(
            interfaces::rpc_text(body, "filtername"),
        )),
        "get-firewall-log-information" => Command::Firewall(firewall::FirewallCmd::Log),
        "get-policer-information" => Command::Firewall(firewall::FirewallCmd::Policers(None)),
        "get-bgp-summary-information" => Command::BgpSummary,
        "get-flexible-tunnels-profiles" => Command::FlexibleTunnels(tunnels::parse_rpc(body)),
        "get-system-storage" => Command::SystemStorage,
        "get-log" => Command::Log {
            file: interfaces::rpc_text(body, "filename").unwrap_or_else(|| "messages".into()),
        },
        "get-configuration" => Command::Configuration { path: Vec::new() },
        "get-extension-service-client-information" => Command::Clients { detail: false },
        "get-route-information" => Command::Route(route::RouteCmd::Routes(Default::default())),
        "get-route-summary-information" => Command::Route(route::RouteCmd::Summary),
        "get-forwarding-table-information" => Command::Route(route::RouteCmd::Forwarding),
        "command" => {
            let inner = after[name_end..]
                .strip_prefix('>')
                .and_then(|s| s.strip_suffix("</command>"))
                .ok_or_else(|| DeviceError::syntax("malformed <command> RPC".into()))?;
            return parse_cli(inner.trim());
        }
        other => {
            return Err(match jet_config::schema::rpc(other) {
                Some(r) => DeviceError::OpNotSupported {
                    command: r.command.unwrap_or(r.name).to_owned(),
                    rpc: r.name.to_owned(),
                },
                None => DeviceError::syntax(format!("unknown RPC <{other}>")),
            })
        }
    };
    Ok((cmd, Pipes::default()))
}

/// The one word after `show log`: a file name in the log directory (no path).
fn log_file_name(rest: &[&str]) -> Result<String, DeviceError> {
    match rest {
        [] => Err(DeviceError::syntax(
            "missing log file name after 'show log'".into(),
        )),
        [name] if !name.contains('/') && !name.starts_with('.') => Ok((*name).to_owned()),
        [name] => Err(DeviceError::UnknownLogFile {
            name: (*name).to_owned(),
        }),
        [_, extra, ..] => Err(DeviceError::syntax(format!(
            "unexpected argument '{extra}' after 'show log {}'",
            rest[0]
        ))),
    }
}

/// A command this device does not implement that Junos has (from the RPC facts): not
/// supported here rather than a syntax error. `None` when Junos has no such command or
/// the command is one of ours (then the words are wrong, a syntax error).
fn not_supported(words: &[&str]) -> Option<DeviceError> {
    let (rpc, _) = jet_config::schema::rpc_for_cli(words)?;
    let command = rpc.command?;
    let full: Vec<&str> = command.split_whitespace().collect();
    if matches!(tree::resolve(&full), Ok((_, rest)) if rest.is_empty()) {
        return None;
    }
    Some(DeviceError::OpNotSupported {
        command: command.to_owned(),
        rpc: rpc.name.to_owned(),
    })
}

/// `COMMAND | display xml rpc`: the RPC Junos sends for the command, from the facts.
fn display_rpc(words: &[&str]) -> Result<Command, DeviceError> {
    match jet_config::schema::rpc_for_cli(words) {
        Some((rpc, n)) => Ok(Command::DisplayRpc {
            xml: jet_config::schema::rpc_xml(&rpc, &words[n..]),
        }),
        None => Err(DeviceError::syntax(format!(
            "no RPC for '{}'",
            words.join(" ")
        ))),
    }
}

/// A command line that does not resolve in the command tree is a syntax error.
fn syntax(e: tree::ResolveError) -> DeviceError {
    DeviceError::syntax(e.to_string())
}

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviated_words_resolve_to_unique_commands() {
        assert_eq!(
            parse_cli("sh ver").map(|c| c.0).ok(),
            Some(Command::Version)
        );
        assert_eq!(
            parse_cli("show sys up").map(|c| c.0).ok(),
            Some(Command::SystemUptime)
        );
    }

    #[test]
    fn ambiguous_or_unknown_words_are_syntax_errors() {
        // "s" is ambiguous only if two commands start with it at the same level; "show x" is unknown.
        let e = parse_cli("show bogus").expect_err("unknown word");
        assert!(e.to_string().contains("bogus"), "{e}");
        let e = parse_cli("show").expect_err("incomplete");
        assert!(e.to_string().contains("incomplete"), "{e}");
        let e = parse_cli("show version extra").expect_err("extra argument");
        assert!(e.to_string().contains("extra"), "{e}");
    }

    #[test]
    fn junos_commands_this_device_lacks_are_not_supported_not_syntax_errors() {
        let e = parse_cli("show isis adjacency").expect_err("not implemented");
        assert!(matches!(e, DeviceError::OpNotSupported { .. }), "{e:?}");
        assert!(e
            .to_string()
            .contains("'show isis adjacency' is not supported on this device"));
        let e = parse_cli("sh ospf nei").expect_err("abbreviated");
        assert!(e.to_string().contains("show ospf neighbor"), "{e}");
        // Ours with a bad argument, or no Junos command at all: syntax errors.
        assert!(matches!(
            parse_cli("show version extra"),
            Err(DeviceError::Syntax { .. })
        ));
        assert!(matches!(
            parse_cli("show bogus"),
            Err(DeviceError::Syntax { .. })
        ));
    }

    #[test]
    fn display_xml_rpc_shows_the_rpc_of_any_command() {
        let (c, _) = parse_cli("show version | display xml rpc").expect("parses");
        let Command::DisplayRpc { xml } = c else {
            panic!("not a display rpc: {c:?}")
        };
        assert!(xml.contains("<get-software-information>"), "{xml}");
        let (c, _) = parse_cli("show bgp neighbor 192.0.2.1 | display xml rpc").expect("parses");
        let Command::DisplayRpc { xml } = c else {
            panic!("not a display rpc: {c:?}")
        };
        assert!(xml.contains("<get-bgp-neighbor-information>"), "{xml}");
        assert!(xml.contains("192.0.2.1"), "{xml}");
    }

    #[test]
    fn display_pipe_is_parsed() {
        let (c, p) = parse_cli("show configuration system | display set").expect("parses");
        assert_eq!(
            c,
            Command::Configuration {
                path: vec!["system".into()]
            }
        );
        assert_eq!(p.display, Some(Display::Set));
        assert!(parse_cli("show version | display set").is_err());
        assert!(parse_cli("show version | frobnicate").is_err());
    }

    #[test]
    fn xml_rpcs_map_to_commands() {
        assert_eq!(
            parse_xml_rpc("<get-software-information/>")
                .map(|c| c.0)
                .ok(),
            Some(Command::Version)
        );
        assert_eq!(
            parse_xml_rpc(
                "<rpc><get-system-uptime-information></get-system-uptime-information></rpc>"
            )
            .map(|c| c.0)
            .ok(),
            Some(Command::SystemUptime)
        );
        assert_eq!(
            parse_xml_rpc("<command>show version</command>")
                .map(|c| c.0)
                .ok(),
            Some(Command::Version)
        );
        assert!(matches!(
            parse_xml_rpc("<get-nothing/>"),
            Err(DeviceError::Syntax { .. })
        ));
        assert!(matches!(
            parse_xml_rpc("<get-ospf-neighbor-information/>"),
            Err(DeviceError::OpNotSupported { .. })
        ));
        assert!(parse_xml_rpc("get-software-information").is_err());
        assert!(parse_xml_rpc("<get-software-information>").is_err());
    }
}
