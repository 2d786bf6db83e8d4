//! `jet`, the OpenJET developer tool: from nothing to a signed app running on a device.
//!
//! ```text
//! jet keygen acme                      # acme.key (private, 0600) + acme.pub (for the device)
//! jet new hello --lang python          # hello/: jet.json, main.py, status.py
//! jet new hello-rs --lang rust         # hello-rs/: jet.json, Cargo.toml (jet-sdk), src/main.rs
//! jet package hello --key acme.key     # hello-1.0.0.tgz, signed
//! jet deploy hello-1.0.0.tgz           # upload + install over openjet.software.v1.Software
//! jet logs hello / jet remove hello
//! ```
//!
//! Owns the command line and the developer's files; the package format is `jet_pkg`'s,
//! the device is reached only over gRPC (`jet_sdk`). Must not link the device.

mod deploy;
mod scaffold;

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "jet", about = "OpenJET developer tool", version)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

/// Where the device is and who logs in (for deploy, remove, logs).
#[derive(clap::Args, Clone)]
pub(crate) struct Target {
    /// The device's JET address (`host:port`).
    #[arg(long, env = "JET_ADDRESS", default_value = "127.0.0.1:32767")]
    pub(crate) target: String,
    /// User name.
    #[arg(long, env = "JET_USER", default_value = "admin")]
    pub(crate) user: String,
    /// Password.
    #[arg(long, env = "JET_PASSWORD", default_value = "", hide_env_values = true)]
    pub(crate) password: String,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Lang {
    Python,
    Rust,
}

#[derive(Subcommand)]
enum Cmd {
    /// Scaffolds an app that connects from the environment and adds one command.
    New {
        /// App name (`[a-z][a-z0-9_-]*`).
        name: String,
        #[arg(long, value_enum, default_value = "python")]
        lang: Lang,
        /// Provider (signer) name written into jet.json.
        #[arg(long, default_value = "dev")]
        provider: String,
        /// Parent directory.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Rust apps: the jet-sdk crate's directory (default `JET_SDK_PATH`, else the
        /// source tree this jet was built from).
        #[arg(long)]
        sdk: Option<PathBuf>,
    },
    /// Generates a provider signing key: PROVIDER.key (keep) and PROVIDER.pub (for the device).
    Keygen {
        /// Provider name.
        provider: String,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Builds and signs a package from an app directory (with jet.json).
    Package {
        /// The app directory.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The provider's private key file.
        #[arg(long, env = "JET_KEY")]
        key: PathBuf,
        /// Output file (default NAME-VERSION.tgz in the current directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Uploads a package and installs it on the device.
    Deploy {
        /// The package file.
        package: PathBuf,
        #[command(flatten)]
        target: Target,
    },
    /// Removes an installed package from the device.
    Remove {
        /// App name.
        name: String,
        #[command(flatten)]
        target: Target,
    },
    /// Shows an app's log on the device (`show log NAME`).
    Logs {
        /// App name.
        name: String,
        #[command(flatten)]
        target: Target,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::New {
            name,
            lang,
            provider,
            dir,
            sdk,
        } => scaffold::new_app(&dir, &name, lang, &provider, sdk.as_deref()),
        Cmd::Keygen { provider, dir } => keygen(&provider, &dir),
        Cmd::Package { dir, key, out } => package(&dir, &key, out),
        Cmd::Deploy { package, target } => runtime()?.block_on(deploy::deploy(&package, &target)),
        Cmd::Remove { name, target } => runtime()?.block_on(deploy::remove(&name, &target)),
        Cmd::Logs { name, target } => runtime()?.block_on(deploy::logs(&name, &target)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio runtime")
}

fn keygen(provider: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let key = jet_pkg::SigningKey::generate(provider)?;
    std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    let private = dir.join(format!("{provider}.key"));
    let public = dir.join(format!("{provider}.pub"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&private)
        .with_context(|| {
            format!(
                "{} (an existing key is never overwritten)",
                private.display()
            )
        })?;
    f.write_all(key.to_line().as_bytes())
        .with_context(|| format!("{}", private.display()))?;
    std::fs::write(&public, key.public().to_line())
        .with_context(|| format!("{}", public.display()))?;
    println!(
        "Key {} of provider {provider}\n  private: {}\n  public:  {}",
        key.public().key_id(),
        private.display(),
        public.display()
    );
    println!(
        "On the device: copy {provider}.pub to DATA/certs/providers/ and configure\n  \
         set system extensions providers {provider}"
    );
    Ok(())
}

fn package(
    dir: &std::path::Path,
    key: &std::path::Path,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let spec = jet_pkg::AppSpec::read(dir)?;
    let key = jet_pkg::SigningKey::read(key)?;
    scaffold::prebuild(dir, &spec)?;
    check_permissions(&spec.permissions)?;
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{}-{}.tgz", spec.name, spec.version)));
    let built = jet_pkg::build(dir, &spec, &key, &out, &mut |p| match p {
        jet_pkg::Progress::Hashed { path, size } => println!("  hashed   {path} ({size} bytes)"),
        jet_pkg::Progress::Signed { key_id } => {
            println!("  signed   manifest.json with key {key_id}")
        }
        jet_pkg::Progress::Archived { path } => println!("  packed   {path}"),
    })?;
    println!(
        "Built {} ({} files, {} bytes) for {} {} in {} ms",
        out.display(),
        built.manifest.files.len(),
        built.size,
        built.manifest.name,
        built.manifest.version,
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Every permission must name a service or method the device's API has.
fn check_permissions(perms: &[String]) -> anyhow::Result<()> {
    for (i, p) in perms.iter().enumerate() {
        let known = match p.strip_suffix("/*") {
            Some(svc) => jet_proto::SERVICE_NAMES.contains(&svc) || svc.starts_with("openjet."),
            None => jet_proto::method(&format!("/{p}")).is_some() || p.starts_with("openjet."),
        };
        anyhow::ensure!(
            known,
            "jet.json field 'permissions[{i}]': '{p}' is not a JET service or method"
        );
    }
    Ok(())
}
