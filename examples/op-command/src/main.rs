//! `op-command`: the smallest useful JET application, written with the Rust SDK.
//!
//! It connects to a JET device, logs in and prints the output of `show version`.
//! Read it top to bottom: it is meant as a starting point for your own app.
//!
//! Settings come from the environment, so the password never appears in argv (where
//! every user of the machine could read it with `ps`):
//!
//! | variable          | meaning                                             | default           |
//! |-------------------|-----------------------------------------------------|-------------------|
//! | `JET_ADDRESS`     | `host:port` of the device's JET gRPC service        | `127.0.0.1:32767` |
//! | `JET_USER`        | user to log in as                                   | `admin`           |
//! | `JET_PASSWORD`    | that user's password                                | (required)        |
//! | `JET_CA`          | PEM file of the CA that signed the device's certificate; setting it switches to TLS | clear text |
//! | `JET_SERVER_NAME` | name in the device's certificate, if not the host in `JET_ADDRESS` | the host |
//!
//! ```text
//! JET_PASSWORD=secret cargo run -p op-command
//! ```
//!
//! **On the device** (an on-box app): copy the binary to `DATA/scripts/jet/op-command`,
//! configure `system extensions extension-service application file op-command username
//! admin`, and run `request extension-service start op-command`. The device starts it with
//! `JET_SOCKET` set; it then connects over the device's local socket, where the device knows
//! it and logs it in as `admin` without a password. Its output is in `show log op-command`.
//!
//! Exit status: 0 on success, 1 on any error (printed to stderr).

use std::process::ExitCode;

use jet_sdk::{ConnectOptions, JetClient, OutputFormat};

/// The JET client id of this app. The device shows it in
/// `show extension-service client information`; objects an app creates (routes, filters)
/// belong to its client id.
const CLIENT_ID: &str = "op-command-example";

// The SDK is async (gRPC over tokio). A small app can simply use `#[tokio::main]`.
#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(output) => {
            // The device renders the command; we print its output untouched.
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("op-command: {message}");
            ExitCode::from(1)
        }
    }
}

/// Connects, logs in and runs the command; every error becomes a message for the user.
async fn run() -> Result<String, String> {
    // 0. Started by the device (an on-box app)? Then the local socket, no password.
    if std::env::var_os("JET_SOCKET").is_some() {
        let jet = JetClient::connect_on_box()
            .await
            .map_err(|e| e.to_string())?;
        return jet
            .op_command("show version", OutputFormat::Text)
            .await
            .map_err(|e| format!("show version failed: {e}"));
    }

    // 1. Where and how to connect.
    let user = env_or("JET_USER", "admin");
    let password = std::env::var("JET_PASSWORD")
        .map_err(|_| "JET_PASSWORD is not set (the password of JET_USER)".to_string())?;

    // JET_ADDRESS, and JET_CA / JET_SERVER_NAME for TLS. To build the options yourself:
    // `ConnectOptions::clear_text(address)`, or `ConnectOptions::tls(address, TlsOptions
    // { ca_pem, server_name, client_identity })` (a client certificate and key for mutual
    // TLS).
    let options = ConnectOptions::from_env().map_err(|e| e.to_string())?;

    // 2. Connect. One `JetClient` is one connection, and one connection is one JET
    //    session: the device forgets the login (and cleans up what the app owns) when
    //    the connection closes.
    let jet = JetClient::connect(options)
        .await
        .map_err(|e| e.to_string())?;

    // 3. Log in. Every other call on this connection is authorised by this login.
    jet.login(&user, &password, CLIENT_ID)
        .await
        .map_err(|e| format!("login as '{user}' failed: {e}"))?;

    // 4. Run an operational command. `OutputFormat::Xml` or `Json` give the structured
    //    renderings instead of CLI text; a `| display xml` pipe in the command works too.
    //    A command the device refuses comes back as `jet_sdk::Error::Failed(message)`.
    jet.op_command("show version", OutputFormat::Text)
        .await
        .map_err(|e| format!("show version failed: {e}"))
}

/// An environment variable, or `default` when it is unset or empty.
fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}
