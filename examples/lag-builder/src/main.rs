//! lag-builder: a JET app that builds an aggregated Ethernet bundle through the dcd
//! Interfaces API (`jnx.jet.interfaces.Interfaces`) and prints the device's view of it.
//!
//! ```text
//! JET_ADDRESS=127.0.0.1:32767 JET_PASSWORD=... lag-builder ae0 192.0.2.1/24 ge-0/0/1 ge-0/0/2
//! ```
//!
//! The bundle, its unit 0, family and address belong to this app's client id
//! (`lag-builder`): the device keeps them while the app is connected and for the purge
//! time after (120 s), then removes them. Run it again to change the members (Update).

use std::process::ExitCode;

use jet_sdk::interfaces::{address, aggregate, family, unit, Af, Obj};
use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};

const CLIENT_ID: &str = "lag-builder";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("lag-builder: {message}");
            ExitCode::from(1)
        }
    }
}

async fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [bundle, addr, members @ ..] = args.as_slice() else {
        return Err("usage: lag-builder aeN ADDRESS/LEN MEMBER...".into());
    };
    let user = std::env::var("JET_USER").unwrap_or_else(|_| "admin".into());
    let password = std::env::var("JET_PASSWORD")
        .map_err(|_| "JET_PASSWORD is not set (the password of JET_USER)".to_string())?;
    let jet = JetClient::connect(ConnectOptions::from_env().map_err(|e| e.to_string())?)
        .await
        .map_err(|e| e.to_string())?;
    jet.login(&user, &password, CLIENT_ID)
        .await
        .map_err(|e| format!("login as '{user}' failed: {e}"))?;
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    let af = if addr.contains(':') {
        Af::Inet6
    } else {
        Af::Inet
    };
    let steps: [(&str, Obj); 4] = [
        ("bundle", aggregate(bundle, &members)),
        ("unit", unit(bundle, 0)),
        ("family", family(bundle, 0, af)),
        ("address", address(bundle, 0, addr)),
    ];
    let mut dcd = jet.interfaces();
    for (what, obj) in steps {
        // Update is an upsert: running the app twice changes what differs.
        let reply = dcd
            .interface_update(obj.update_request())
            .await
            .map_err(|e| format!("{what}: {e}"))?
            .into_inner();
        let status = reply.status.unwrap_or_default();
        if status.code != StatusCode::Success as i32 {
            return Err(format!(
                "{what}: sub-code {}: {}",
                reply.sub_code, status.message
            ));
        }
    }
    jet.op_command(
        &format!("show interfaces {bundle} terse"),
        OutputFormat::Text,
    )
    .await
    .map_err(|e| format!("show interfaces failed: {e}"))
}
