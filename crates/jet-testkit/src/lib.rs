//! Test harness for OpenJET: start a device on free loopback ports with a given
//! configuration, in-process ([`TestDevice`]) or as a child `jetd` ([`JetdProcess`]), and
//! get logged-in SDK clients for it. A development dependency only; panics on setup
//! failure (that is a broken test environment, not a test result).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead as _, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use jet_config::{Config, LoadMode};
use jet_device::{Device, DeviceOptions, Transport};
use jet_jsd::{Jsd, ListeningOn};
use jet_sdk::{ConnectOptions, JetClient, TlsOptions};
use rand::distributions::Alphanumeric;
use rand::Rng as _;

/// A free TCP port on 127.0.0.1 other than `taken` (bound and released; a tiny race is
/// accepted and retried by [`TestDevice`]).
pub fn free_port_other_than(taken: u16) -> u16 {
    // The kernel may hand back a port it just released: never the same one twice.
    loop {
        let p = free_port();
        if p != taken {
            return p;
        }
    }
}

/// A TCP port that was free on 127.0.0.1 a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// A random password for a test user.
pub fn random_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// A base configuration: host `testdev`, super-user `admin` with `password`, jsd clear text
/// on 127.0.0.1:`port`, notifications (MQTT) on a free loopback port allowing 127.0.0.1;
/// `extra` (curly-brace text) is merged on top.
pub fn config_text(password: &str, port: u16, extra: &str) -> String {
    let hash = jet_device::factory::hash_password(password);
    let base = format!(
        "system {{ host-name testdev; login {{ user admin {{ uid 2000; class super-user; \
         authentication {{ encrypted-password \"{hash}\"; }} }} }} services {{ extension-service {{ \
         request-response {{ grpc {{ clear-text {{ address 127.0.0.1; port {port}; }} }} }} \
         notification {{ address 127.0.0.1; port {mqtt}; allow-clients {{ address 127.0.0.1/32; }} }} \
         }} }} }}",
        mqtt = free_port_other_than(port)
    );
    let cfg = Config::parse_text(&base).expect("base test config parses");
    let cfg = if extra.trim().is_empty() {
        cfg
    } else {
        cfg.load(extra, LoadMode::Merge)
            .expect("extra test config merges")
    };
    cfg.to_text()
}

/// A device running in this process, with jsd, in a temporary data directory.
pub struct TestDevice {
    /// The data directory (deleted on drop).
    pub dir: tempfile::TempDir,
    /// Password of the super-user `admin`.
    pub admin_password: String,
    device: Device,
    jsd: Option<Jsd>,
    notify: Option<jet_notifyd::NotificationService>,
}

impl TestDevice {
    /// A device with the base configuration.
    pub async fn start() -> TestDevice {
        Self::with_config("").await
    }

    /// A device with the base configuration plus `extra` (curly braces).
    pub async fn with_config(extra: &str) -> TestDevice {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::in_dir(dir, extra, |_| {}).await
    }

    /// Like [`TestDevice::with_config`], after `prepare` has put files (certificates...)
    /// into the data directory.
    pub async fn in_dir(
        dir: tempfile::TempDir,
        extra: &str,
        prepare: impl FnOnce(&Path),
    ) -> TestDevice {
        prepare(dir.path());
        let admin_password = random_password();
        // Free ports are picked, released and bound again later; another test can take one
        // in between. Such an attempt is thrown away and retried with fresh ports.
        const ATTEMPTS: usize = 4;
        for attempt in 1..=ATTEMPTS {
            let last = attempt == ATTEMPTS;
            let text = config_text(&admin_password, free_port(), extra);
            let device = match Device::start(DeviceOptions {
                data_dir: dir.path().to_path_buf(),
                initial_config: Some(text),
            })
            .await
            {
                Ok((device, _)) => device,
                // A port another test took in between can make the seed conflict.
                Err(e) if !last => {
                    eprintln!("test device: {e}; retrying with other ports");
                    let _ = std::fs::remove_dir_all(dir.path().join("config"));
                    continue;
                }
                Err(e) => panic!("device starts: {e}"),
            };
            let jsd = Jsd::start(device.clone());
            let notify = match jet_notifyd::NotificationService::start(device.clone()) {
                Ok(n) => Some(n),
                Err(e) if !last => {
                    eprintln!("test device: {e}; retrying with other ports");
                    None
                }
                Err(e) => panic!("notification service does not start: {e}"),
            };
            let mut rx = jsd.watch_listening();
            let listening = tokio::time::timeout(Duration::from_secs(5), async {
                while rx.borrow_and_update().is_empty() {
                    if rx.changed().await.is_err() {
                        return false;
                    }
                }
                true
            })
            .await
            .unwrap_or(false);
            if let (Some(notify), true) = (notify, listening) {
                return TestDevice {
                    dir,
                    admin_password,
                    device,
                    jsd: Some(jsd),
                    notify: Some(notify),
                };
            }
            assert!(
                !last,
                "jsd never started listening after {ATTEMPTS} attempts"
            );
            jsd.shutdown().await;
            drop(device);
            // Seed again from scratch with the next ports.
            let _ = std::fs::remove_dir_all(dir.path().join("config"));
        }
        unreachable!("the last attempt returns or panics")
    }

    /// The device.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The sockets jsd serves now.
    pub fn listening(&self) -> Vec<ListeningOn> {
        self.jsd.as_ref().map(|j| j.listening()).unwrap_or_default()
    }

    /// Waits (up to 10 s) until the served sockets satisfy `pred`.
    pub async fn wait_listening(&self, pred: impl Fn(&[ListeningOn]) -> bool) -> Vec<ListeningOn> {
        let mut rx = self.jsd.as_ref().expect("jsd running").watch_listening();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let now = rx.borrow_and_update().clone();
            if pred(&now) {
                return now;
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => panic!("jsd listeners never became {now:?} -> expected state"),
            }
        }
    }

    /// jsd's local socket for on-box apps, when served (as jetd gives it to its apps in
    /// `JET_SOCKET`).
    pub fn local_socket(&self) -> Option<std::path::PathBuf> {
        self.jsd
            .as_ref()
            .and_then(|j| j.local_socket())
            .map(Path::to_path_buf)
    }

    /// The clear-text gRPC address.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.addr_of(Transport::ClearText)
            .expect("clear-text listener")
    }

    /// The address served with `transport`, if any.
    pub fn addr_of(&self, transport: Transport) -> Option<SocketAddr> {
        self.listening()
            .into_iter()
            .find(|l| l.transport == transport)
            .map(|l| l.addr)
    }

    /// A connected, not yet logged-in client on the clear-text listener.
    pub async fn client(&self) -> JetClient {
        JetClient::connect(ConnectOptions::clear_text(self.grpc_addr().to_string()))
            .await
            .expect("client connects")
    }

    /// A client logged in as `admin` with client id `client_id`.
    pub async fn admin(&self, client_id: &str) -> JetClient {
        let c = self.client().await;
        c.login("admin", &self.admin_password, client_id)
            .await
            .expect("admin logs in");
        c
    }

    /// TLS options trusting the CA made by `jetd certs generate` in this data directory.
    pub fn tls_options(&self, with_client_cert: bool) -> TlsOptions {
        tls_options(self.dir.path(), with_client_cert)
    }

    /// The MQTT address of the notification service, if it listens.
    pub fn mqtt_addr(&self) -> Option<SocketAddr> {
        self.notify
            .as_ref()
            .and_then(|n| n.local_addrs().into_iter().next())
    }

    /// The notification service (broker clients and statistics).
    pub fn notification(&self) -> Option<&jet_notifyd::NotificationService> {
        self.notify.as_ref()
    }

    /// Stops jsd (listeners closed, sessions ended) and the notification service.
    pub async fn stop(&mut self) {
        if let Some(n) = self.notify.take() {
            n.shutdown().await;
        }
        if let Some(j) = self.jsd.take() {
            j.shutdown().await;
        }
    }
}

/// TLS options trusting the CA that `jetd certs generate` wrote under `data_dir`.
pub fn tls_options(data_dir: &Path, with_client_cert: bool) -> TlsOptions {
    let certs = data_dir.join("certs");
    TlsOptions {
        ca_pem: Some(std::fs::read(certs.join("ca.crt")).expect("ca.crt")),
        server_name: Some("localhost".into()),
        client_identity: with_client_cert.then(|| {
            (
                std::fs::read(certs.join("client.crt")).expect("client.crt"),
                std::fs::read(certs.join("client.key")).expect("client.key"),
            )
        }),
    }
}

/// A `jetd` child process.
pub struct JetdProcess {
    /// The child.
    pub child: Child,
    /// Its data directory.
    pub data_dir: PathBuf,
    /// Lines it printed on stdout up to "listening".
    pub banner: Vec<String>,
}

impl JetdProcess {
    /// Starts `jetd` (`binary`) with `args` and waits until it prints that jsd listens
    /// (at most 30 s).
    pub fn spawn(binary: &Path, data_dir: &Path, args: &[&str]) -> JetdProcess {
        JetdProcess::spawn_in(binary, None, data_dir, args)
    }

    /// [`JetdProcess::spawn`] with the working directory `cwd` (for a relative
    /// `data_dir`, as an operator may type it).
    pub fn spawn_in(
        binary: &Path,
        cwd: Option<&Path>,
        data_dir: &Path,
        args: &[&str],
    ) -> JetdProcess {
        let mut cmd = Command::new(binary);
        if let Some(cwd) = cwd {
            cmd.current_dir(cwd);
        }
        let mut child = cmd
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("jetd starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Keep draining stdout after the banner, so jetd never writes into a closed pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut banner = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    let done = line.contains("jsd listening on");
                    banner.push(line);
                    if done {
                        break;
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("jetd did not start listening; it printed {banner:?}");
                }
            }
        }
        JetdProcess {
            child,
            data_dir: data_dir.to_path_buf(),
            banner,
        }
    }

    /// The address in the first "jsd listening on ADDR" line.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.banner
            .iter()
            .find_map(|l| l.split("jsd listening on ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|a| a.parse().ok())
            .expect("listening address in banner")
    }

    /// Sends SIGTERM and waits for the exit status (at most 10 s).
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("jetd did not exit after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for JetdProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
