//! `jet new`: app skeletons; and the build step a Rust app needs before packaging.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context as _};

use crate::Lang;

const PYTHON_MAIN: &str = r#"#!/usr/bin/env python3
"""{name}: an OpenJET app. Runs on-box (started by the device) or off-box.

The connection comes from the environment, as every OpenJET app takes it: on the box,
JET_SOCKET (the device's local socket: no password); off the box, JET_ADDRESS
(host:port, default 127.0.0.1:32767), JET_USER and JET_PASSWORD.
"""
import os
import sys
import time


def connect(openjet):
    """A logged-in JET channel: the local socket on-box, address + login off-box."""
    if os.environ.get("JET_SOCKET"):
        return openjet.connect_local()
    channel = openjet.connect(os.environ.get("JET_ADDRESS", "127.0.0.1:32767"))
    openjet.login(channel, os.environ.get("JET_USER", "admin"),
                  os.environ.get("JET_PASSWORD", ""), "{name}")
    return channel


def main():
    address = os.environ.get("JET_SOCKET") or os.environ.get("JET_ADDRESS", "127.0.0.1:32767")
    print(f"{name} starting, device at {{address}}", flush=True)
    try:
        import openjet  # the OpenJET Python SDK (python/ in the repository)
    except ImportError:
        print("{name}: OpenJET SDK not installed; running without a JET session", flush=True)
    else:
        try:
            channel = connect(openjet)
            version = openjet.op_command(channel, "show version")
            print(f"{name}: connected, {{version.splitlines()[0]}}", flush=True)
        except Exception as e:  # keep running: the device may come later
            print(f"{name}: no JET session: {{e}}", flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    sys.exit(main())
"#;

const PYTHON_STATUS: &str = r#"#!/usr/bin/env python3
"""Answers `show {name} status`."""
print("{name} status: running")
"#;

const RUST_MAIN: &str = r#"//! {name}: an OpenJET app. Runs on-box (started by the device) or off-box.
//!
//! The connection comes from the environment, as every OpenJET app takes it: on the box,
//! JET_SOCKET (the device's local socket: no password); off the box, JET_ADDRESS
//! (host:port, default 127.0.0.1:32767, TLS when JET_CA names the device's CA),
//! JET_USER and JET_PASSWORD.

use std::time::Duration;

use jet_sdk::{ConnectOptions, JetClient, OutputFormat};

/// A logged-in JET session: the local socket on-box, address + login off-box.
async fn connect() -> Result<JetClient, jet_sdk::Error> {
    if std::env::var_os("JET_SOCKET").is_some_and(|v| !v.is_empty()) {
        return JetClient::connect_on_box().await;
    }
    let jet = JetClient::connect(ConnectOptions::from_env()?).await?;
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    jet.login(&var("JET_USER"), &var("JET_PASSWORD"), "{name}").await?;
    Ok(jet)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let address = std::env::var("JET_SOCKET")
        .or_else(|_| std::env::var("JET_ADDRESS"))
        .unwrap_or_else(|_| "127.0.0.1:32767".into());
    println!("{name} starting, device at {address}");
    // Keep running without a session: the device may come later.
    match connect().await {
        Ok(jet) => match jet.op_command("show version", OutputFormat::Text).await {
            Ok(v) => println!("{name}: connected, {}", v.lines().next().unwrap_or_default()),
            Err(e) => println!("{name}: no JET session: {e}"),
        },
        Err(e) => println!("{name}: no JET session: {e}"),
    }
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}
"#;

const STATUS_SH: &str =
    "#!/bin/sh\n# Answers `show {name} status`.\necho \"{name} status: running\"\n";

/// What is scaffolded, with what it needs checked first.
enum Kind {
    Python,
    Rust { sdk: std::path::PathBuf },
}

/// Where the Rust SDK (`jet-sdk`) is for a Rust app's `Cargo.toml`: `--sdk`, else
/// `JET_SDK_PATH`, else the source tree this `jet` was built from. The SDK is not on
/// crates.io yet, so a path dependency is what an app can name.
fn sdk_path(given: Option<&Path>) -> anyhow::Result<std::path::PathBuf> {
    let from_env = std::env::var_os("JET_SDK_PATH").filter(|v| !v.is_empty());
    let (path, how) = match (given, from_env) {
        (Some(p), _) => (p.to_owned(), "--sdk"),
        (None, Some(p)) => (p.into(), "JET_SDK_PATH"),
        (None, None) => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../jet-sdk"),
            "the source tree jet was built from",
        ),
    };
    let path = path.canonicalize().map_err(|e| {
        anyhow::anyhow!(
            "the Rust SDK is not at {} ({how}): {e}; pass --sdk PATH/TO/openjet/crates/jet-sdk",
            path.display()
        )
    })?;
    // Written as a TOML literal string, which holds anything but a quote or a line end.
    if path.to_str().is_none_or(|p| p.contains(['\'', '\n', '\r'])) {
        bail!(
            "the Rust SDK's path {} cannot be written into Cargo.toml (not UTF-8, or a quote or line end in it)",
            path.display()
        );
    }
    if !path.join("Cargo.toml").is_file() {
        bail!(
            "{} ({how}) is not the jet-sdk crate (no Cargo.toml); pass --sdk PATH/TO/openjet/crates/jet-sdk",
            path.display()
        );
    }
    Ok(path)
}

pub(crate) fn new_app(
    parent: &Path,
    name: &str,
    lang: Lang,
    provider: &str,
    sdk: Option<&Path>,
) -> anyhow::Result<()> {
    jet_pkg::check_name("name", name)?;
    jet_pkg::check_name("provider", provider)?;
    // Checked before anything is written, so a refusal leaves no half-made app.
    let kind = match lang {
        Lang::Python => Kind::Python,
        Lang::Rust => Kind::Rust {
            sdk: sdk_path(sdk)?,
        },
    };
    let dir = parent.join(name);
    if dir.exists() {
        bail!("{} already exists", dir.display());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
    let fill = |t: &str| {
        t.replace("{name}", name)
            .replace("{{", "{")
            .replace("}}", "}")
    };
    let spec = match &kind {
        Kind::Python => {
            write(&dir.join("main.py"), &fill(PYTHON_MAIN), false)?;
            write(&dir.join("status.py"), &fill(PYTHON_STATUS), true)?;
            serde_json::json!({
                "name": name, "version": "1.0.0", "provider": provider,
                "description": format!("{name}, an OpenJET app"),
                "entry": "main.py", "interpreter": "python3",
                "commands": [{"cli": format!("show {name} status"), "script": "status.py",
                              "help": format!("Show {name} status")}],
                "permissions": ["jnx.jet.management.Management/OpCommandGet"],
            })
        }
        Kind::Rust { sdk } => {
            std::fs::create_dir_all(dir.join("src"))?;
            write(
                &dir.join("Cargo.toml"),
                &format!(
                    "[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n\
                     [dependencies]\njet-sdk = {{ path = '{sdk}' }}\n\
                     tokio = {{ version = \"1\", features = [\"macros\", \"rt\", \"time\"] }}\n\n\
                     [workspace]\n",
                    sdk = sdk.display()
                ),
                false,
            )?;
            // Only {name} is substituted: the Rust braces stay as written.
            write(
                &dir.join("src/main.rs"),
                &RUST_MAIN.replace("{name}", name),
                false,
            )?;
            write(&dir.join("status.sh"), &fill(STATUS_SH), true)?;
            serde_json::json!({
                "name": name, "version": "1.0.0", "provider": provider,
                "description": format!("{name}, an OpenJET app"),
                "entry": format!("bin/{name}"),
                "commands": [{"cli": format!("show {name} status"), "script": "status.sh",
                              "help": format!("Show {name} status")}],
                "permissions": ["jnx.jet.management.Management/OpCommandGet"],
                "include": [format!("bin/{name}"), "status.sh"],
            })
        }
    };
    let text = serde_json::to_string_pretty(&spec)? + "\n";
    write(&dir.join(jet_pkg::SPEC_FILE), &text, false)?;
    println!(
        "Created {} ({})",
        dir.display(),
        match lang {
            Lang::Python => "python",
            Lang::Rust => "rust",
        }
    );
    println!("Next: jet package {} --key PROVIDER.key", dir.display());
    Ok(())
}

fn write(path: &Path, text: &str, executable: bool) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::write(path, text).with_context(|| format!("{}", path.display()))?;
    if executable {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("{}", path.display()))?;
    }
    Ok(())
}

/// A Rust app (a `Cargo.toml` beside `jet.json`) is built in release mode first and its
/// binary copied to `bin/NAME`, the entry point the scaffold's jet.json names.
pub(crate) fn prebuild(dir: &Path, spec: &jet_pkg::AppSpec) -> anyhow::Result<()> {
    if !dir.join("Cargo.toml").is_file() {
        return Ok(());
    }
    println!("  building {} (cargo build --release)", spec.name);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--quiet"])
        .current_dir(dir)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo build failed ({status})");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    let built = target.join("release").join(&spec.name);
    std::fs::create_dir_all(dir.join("bin"))?;
    let dest = dir.join("bin").join(&spec.name);
    std::fs::copy(&built, &dest)
        .with_context(|| format!("copying {} to {}", built.display(), dest.display()))?;
    Ok(())
}
