//! `jetd`: wiring, bootstrap flags, signals and shutdown. Everything else lives in the
//! libraries; command-line flags only bootstrap (data directory, first configuration).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use jet_device::{Device, DeviceOptions};
use jet_jsd::Jsd;

/// mimalloc instead of the system allocator: the configuration database is a tree of
/// many small strings and vectors, and a commit onto a large configuration copies,
/// builds and frees hundreds of thousands of them; measured on the 100,000-statement
/// configuration, mimalloc halves the time of each of those steps (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A simulated Junos device serving the Juniper Extension Toolkit (JET) APIs.
#[derive(Debug, Parser)]
#[command(name = "jetd", version, about)]
struct Cli {
    /// Data directory: committed configuration, rollbacks, certificates, logs.
    #[arg(
        long,
        global = true,
        default_value = "./jetd-data",
        env = "JETD_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// Junos configuration (curly braces) to seed an empty data directory with, instead
    /// of the factory configuration. Ignored when the data directory already has one.
    #[arg(long)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// TLS certificates for jsd.
    Certs {
        #[command(subcommand)]
        action: CertsAction,
    },
}

#[derive(Debug, Subcommand)]
enum CertsAction {
    /// Generate a CA, a server certificate and a client certificate (RSA 2048) under
    /// DATA/certs, and print the configuration that uses them.
    Generate {
        /// Extra DNS names or IP addresses for the server certificate (localhost,
        /// 127.0.0.1 and ::1 are always included).
        #[arg(long = "name")]
        names: Vec<String>,
        /// The ssl port to put in the printed configuration.
        #[arg(long, default_value_t = 32767)]
        port: u16,
    },
}

/// Prints a line on stdout, ignoring a closed or full stdout: jetd must never die because
/// whoever started it stopped reading its output.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Raises the soft limit on open descriptors to the hard limit: jsd admits thousands of
/// connections (4,096 not yet logged in, besides the sessions), each one a descriptor.
fn raise_descriptor_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok(limits) => limits,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the open-file limit");
            return;
        }
    };
    // An unlimited hard limit is still capped by the kernel's per-process maximum.
    let target = hard.min(1 << 20);
    if soft >= target {
        return;
    }
    if let Err(e) = setrlimit(Resource::RLIMIT_NOFILE, target, hard) {
        tracing::warn!(error = %e, soft, hard, "cannot raise the open-file limit; connections beyond it are refused");
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    raise_descriptor_limit();
    match cli.command {
        Some(Command::Certs {
            action: CertsAction::Generate { names, port },
        }) => certs_generate(&cli.data_dir, &names, port),
        None => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            rt.block_on(run(cli.data_dir, cli.config))
        }
    }
}

fn certs_generate(data_dir: &std::path::Path, names: &[String], port: u16) -> anyhow::Result<()> {
    let out = jet_jsd::certs::generate(data_dir, names).map_err(anyhow::Error::msg)?;
    say!(
        "Wrote RSA-2048 certificates under {}:",
        data_dir.join("certs").display()
    );
    say!(
        "  {}  the CA: give it to clients to verify jetd",
        out.ca_cert.display()
    );
    say!(
        "  {}  jetd's key and certificate (load-key-file)",
        out.server_pem.display()
    );
    say!(
        "  {}  a client certificate for mutual TLS",
        out.client_cert.display()
    );
    say!("  {}  its key", out.client_key.display());
    say!();
    say!("Commit this (jcli configure, or ConfigSet with CONFIG_LOAD_SET) to serve TLS:");
    say!("{}", jet_jsd::certs::config_snippet(port).trim_end());
    Ok(())
}

async fn run(data_dir: PathBuf, config: Option<PathBuf>) -> anyhow::Result<()> {
    // Catch SIGTERM/SIGINT from the start: a stop request that arrives while the services
    // come up must shut down cleanly, not kill the process with the default action.
    let stop = ShutdownSignal::install();
    // Absolute from here on: apps run in their own directories and are told where the
    // data directory is, so `--data-dir d` typed in some directory must not stay relative.
    let data_dir = std::path::absolute(&data_dir)
        .with_context(|| format!("data directory {}", data_dir.display()))?;
    let initial_config = match &config {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading configuration file {}", path.display()))?,
        ),
        None => None,
    };
    let (device, boot) = Device::start(DeviceOptions {
        data_dir: data_dir.clone(),
        initial_config,
    })
    .await
    .with_context(|| format!("starting the device in {}", data_dir.display()))?;
    say!("jetd: data directory {}", data_dir.display());
    if boot.seeded {
        match &config {
            Some(p) => say!("jetd: new data directory seeded from {}", p.display()),
            None => say!("jetd: new data directory seeded with the factory configuration"),
        }
    }
    if boot.initial_config_ignored {
        say!(
            "jetd: --config ignored: {} already holds a committed configuration",
            data_dir.display()
        );
    }
    if let Some(pw) = &boot.admin_password {
        say!(
            "jetd: user 'admin' (super-user), password: {pw}\n      (shown once; also saved in {})",
            data_dir
                .join(jet_device::factory::ADMIN_PASSWORD_FILE)
                .display()
        );
    }
    let jsd = Jsd::start(device.clone());
    let mut listening = jsd.watch_listening();
    // Report listeners as they come up (and whenever a commit moves them).
    let reporter = tokio::spawn(async move {
        loop {
            let now = listening.borrow_and_update().clone();
            for l in &now {
                say!(
                    "jetd: jsd listening on {} (gRPC, {})",
                    l.addr,
                    l.transport.as_str()
                );
            }
            if listening.changed().await.is_err() {
                break;
            }
        }
    });
    let notify = match jet_notifyd::NotificationService::start(device.clone()) {
        Ok(n) => n,
        Err(e) => {
            jsd.shutdown().await;
            anyhow::bail!("{e}");
        }
    };
    for addr in notify.local_addrs() {
        say!("jetd: notification service listening on {addr} (MQTT)");
    }
    // Apps reach jsd without a password over its local socket.
    let app_env = jsd
        .local_socket()
        .map(|p| vec![("JET_SOCKET".to_owned(), p.as_os_str().to_owned())])
        .unwrap_or_default();
    let apps = match jet_apps::AppService::start(
        device.clone(),
        jet_apps::AppServiceOptions {
            source: None,
            env: app_env,
        },
    )
    .await
    {
        Ok(a) => a,
        Err(e) => {
            notify.shutdown().await;
            jsd.shutdown().await;
            anyhow::bail!("on-box applications: {e}");
        }
    };
    stop.wait().await;
    say!("jetd: shutting down");
    reporter.abort();
    // Apps first: they may still be talking to jsd and the broker as they stop.
    apps.shutdown().await;
    notify.shutdown().await;
    jsd.shutdown().await;
    drop(device);
    Ok(())
}

/// SIGTERM and SIGINT (Ctrl-C), registered when created.
struct ShutdownSignal {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl ShutdownSignal {
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            ShutdownSignal {
                term: signal(SignalKind::terminate()).ok(),
                int: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            ShutdownSignal {}
        }
    }

    /// Waits for either signal.
    async fn wait(self) {
        #[cfg(unix)]
        {
            let (mut term, mut int) = (self.term, self.int);
            tokio::select! {
                _ = next(term.as_mut()) => {}
                _ = next(int.as_mut()) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The next delivery of `signal`; never, when it could not be registered.
#[cfg(unix)]
async fn next(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
