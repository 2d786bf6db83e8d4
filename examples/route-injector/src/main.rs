//! `route-injector`: a JET app that programs routes into the device's RIB, written with the
//! Rust SDK. Start with `examples/op-command` (connect and log in); this one adds the RIB
//! service and the rules that come with it.
//!
//! ```text
//! route-injector add 10.1.0.0/24 10.2.0.0/24 --via 192.0.2.1 [--table inet.0] [--preference N] [--purge-time SECS]
//! route-injector get [10.0.0.0/8] [--table inet.0]
//! route-injector watch [--table inet.0] [--count N]
//! route-injector delete 10.1.0.0/24 [--table inet.0]
//! route-injector cleanup
//! ```
//!
//! Every run is one connection, and one connection is one JET session:
//! Login → RouteInitialize → the calls of the subcommand → exit (the connection closes).
//!
//! ## Who owns the routes: the client id
//! Routes belong to the `client_id` given at Login (`JET_CLIENT_ID`), not to the process
//! or the connection. So `add` can exit and a later `delete` with the same client id can
//! remove what it added; another client id cannot (`ROUTE_NOT_FOUND`). Run `watch` under its
//! own client id (`JET_CLIENT_ID=route-watcher`) if you want to keep it apart from the
//! routes: several sessions may share a client id, and the routes then live as long as
//! any of them is connected.
//!
//! ## Purge timer and rebind
//! When the last session of a client id closes, the device keeps its routes for the
//! *purge time* (120 s by default; `add --purge-time SECS` sets 1–1000 s with
//! RoutePurgeTimerAdd) and then removes them. A new session with the same client id that
//! calls RouteInitialize within that time gets them back: the device answers
//! `SUCCESS_REBOUND` and the number of routes, which this app prints as
//! `rebound N routes` (`initialized: fresh` otherwise). `cleanup` removes them at once.
//! Watch it happen with `show route` or `show route client-info` on the device.
//!
//! ## Settings
//! From the environment, so the password never appears in argv (where every user of the
//! machine could read it with `ps`):
//!
//! | variable          | meaning                                             | default           |
//! |-------------------|-----------------------------------------------------|-------------------|
//! | `JET_ADDRESS`     | `host:port` of the device's JET gRPC service        | `127.0.0.1:32767` |
//! | `JET_USER`        | user to log in as                                   | `admin`           |
//! | `JET_PASSWORD`    | that user's password                                | (required)        |
//! | `JET_CA`          | PEM file of the CA that signed the device's certificate; setting it switches to TLS | clear text |
//! | `JET_SERVER_NAME` | name in the device's certificate, if not the host in `JET_ADDRESS` | the host |
//! | `JET_CLIENT_ID`   | the JET client id, owner of the routes              | `route-injector`  |
//!
//! ```text
//! export JET_PASSWORD="$(cat jetd-data/initial-admin-password)"
//! cargo run -p route-injector -- add 10.1.0.0/24 --via 192.0.2.1 --purge-time 30
//! ```
//!
//! Exit status: 0 on success; 1 on any error, including a request the device refuses
//! (printed to stderr as `CALL failed: SUB_CODE: message`); 2 for bad command-line usage.

mod commands;
mod routes;

use std::net::IpAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jet_sdk::{ConnectOptions, JetClient};

use crate::commands::AddArgs;
use crate::routes::Prefix;

/// Program, read and watch routes of a JET device (settings: JET_* environment variables,
/// see the crate documentation).
#[derive(Debug, Parser)]
#[command(name = "route-injector", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Add routes (RouteAdd) through one or more gateways.
    Add {
        /// Destinations, ADDRESS/LENGTH.
        #[arg(value_name = "PREFIX/LEN", required = true)]
        prefixes: Vec<Prefix>,
        /// Gateway address; repeat for equal-cost multipath.
        #[arg(long, value_name = "GATEWAY", required = true)]
        via: Vec<IpAddr>,
        /// Routing table.
        #[arg(long, default_value = "inet.0")]
        table: String,
        /// Preference (admin distance; the device raises values below 5 to 5).
        #[arg(long, value_name = "N")]
        preference: Option<u32>,
        /// Seconds the device keeps this client's routes after it disconnects (1–1000).
        #[arg(long, value_name = "SECS")]
        purge_time: Option<u32>,
    },
    /// List routes (RouteGet): the given prefix and everything longer, the whole table by
    /// default.
    Get {
        /// Where to start, ADDRESS/LENGTH (default: the whole table).
        #[arg(value_name = "PREFIX/LEN")]
        prefix: Option<Prefix>,
        /// Routing table.
        #[arg(long, default_value = "inet.0")]
        table: String,
    },
    /// Print the table, END_OF_TABLE, then every change (RouteSubscribe).
    Watch {
        /// Routing table.
        #[arg(long, default_value = "inet.0")]
        table: String,
        /// Exit after this many changes (default: run until Ctrl-C).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        count: Option<u64>,
    },
    /// Delete routes this client id added (RouteDelete).
    Delete {
        /// Destinations, ADDRESS/LENGTH.
        #[arg(value_name = "PREFIX/LEN", required = true)]
        prefixes: Vec<Prefix>,
        /// Routing table.
        #[arg(long, default_value = "inet.0")]
        table: String,
    },
    /// Delete every route of this client id now (RouteCleanup).
    Cleanup,
}

/// Connection and login settings, from `JET_*` environment variables.
struct Settings {
    options: ConnectOptions,
    user: String,
    password: String,
    client_id: String,
}

// The SDK is async (gRPC over tokio). A small app can simply use `#[tokio::main]`.
#[tokio::main]
async fn main() -> ExitCode {
    // Bad usage exits 2 with clap's message, before anything touches the network.
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("route-injector: {message}");
            ExitCode::from(1)
        }
    }
}

/// One session: connect, log in, RouteInitialize, the subcommand.
async fn run(command: Command) -> Result<(), String> {
    let settings = Settings::from_env()?;

    // 1. Connect and log in, as in op-command. The client id given here owns every
    //    route this session adds.
    let jet = JetClient::connect(settings.options)
        .await
        .map_err(|e| e.to_string())?;
    jet.login(&settings.user, &settings.password, &settings.client_id)
        .await
        .map_err(|e| format!("login as '{}' failed: {e}", settings.user))?;

    // 2. RouteInitialize before any other RIB call on this connection (the device answers
    //    NOT_INITIALIZED otherwise). It also tells us whether routes from an earlier
    //    session of this client id were waiting for us (rebound).
    commands::initialize(&jet).await?;

    // 3. The subcommand.
    match command {
        Command::Add {
            prefixes,
            via,
            table,
            preference,
            purge_time,
        } => {
            let args = AddArgs {
                prefixes,
                via,
                table,
                preference,
                purge_time,
            };
            commands::add(&jet, args).await
        }
        Command::Get { prefix, table } => commands::get(&jet, prefix, &table).await,
        Command::Watch { table, count } => {
            // Ctrl-C drops the watch: the stream and then the connection close, which
            // ends the subscription on the device. Nothing else to undo.
            tokio::select! {
                r = commands::watch(&jet, &table, count) => r,
                // (If the handler cannot be installed, the pattern fails and only the watch runs.)
                Ok(()) = tokio::signal::ctrl_c() => Ok(()),
            }
        }
        Command::Delete { prefixes, table } => commands::delete(&jet, &prefixes, &table).await,
        Command::Cleanup => commands::cleanup(&jet, &settings.client_id).await,
    }
    // 4. Returning drops `jet`: the connection closes and the session ends. Our routes
    //    stay, for the purge time, unless a session of our client id is still open.
}

impl Settings {
    fn from_env() -> Result<Settings, String> {
        let user = env_or("JET_USER", "admin");
        let client_id = env_or("JET_CLIENT_ID", "route-injector");
        let password = std::env::var("JET_PASSWORD")
            .map_err(|_| "JET_PASSWORD is not set (the password of JET_USER)".to_string())?;

        // JET_ADDRESS, and JET_CA / JET_SERVER_NAME for TLS (see op-command for building
        // the options by hand).
        let options = ConnectOptions::from_env().map_err(|e| e.to_string())?;
        Ok(Settings {
            options,
            user,
            password,
            client_id,
        })
    }
}

/// An environment variable, or `default` when it is unset or empty.
fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}
