//! Test harness for the juniper-jet compatibility tests: start a real `jetd`.
//!
//! The binary comes from `$JETD_BIN` (e.g. `target/debug/jetd` of the main workspace).
//! Each [`Device`] gets a temporary data directory, `jetd certs generate`, and a seeded
//! configuration with user `admin` (password [`ADMIN_PASSWORD`]), a clear-text and a TLS
//! listener on free loopback ports. Dropping it stops the device (SIGTERM, then kill).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Password of `admin` on every test device.
pub const ADMIN_PASSWORD: &str = "Compat-jet-1";
/// SHA-512 crypt (5000 rounds) of [`ADMIN_PASSWORD`]; a fixed test fixture, made with
/// `passlib.hash.sha512_crypt.using(rounds=5000, salt="OpenJETcompat").hash("Compat-jet-1")`.
pub const ADMIN_PASSWORD_HASH: &str = "$6$OpenJETcompat$DxNr5Shbc1G53jcwX1JfFSRdJyt4MgbBK8ewS9qW79E3QuuodZge6DB.PaE5SyOQlOYkALqe9thr6tNmyBw75.";
/// Host name of every test device.
pub const HOST_NAME: &str = "compat-dev";

const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `jetd`.
pub struct Device {
    child: Child,
    dir: tempfile::TempDir,
    /// Clear-text gRPC port on 127.0.0.1.
    pub clear_port: u16,
    /// TLS gRPC port on 127.0.0.1.
    pub ssl_port: u16,
    output: mpsc::Receiver<String>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("data_dir", &self.data_dir())
            .field("clear_port", &self.clear_port)
            .field("ssl_port", &self.ssl_port)
            .finish()
    }
}

fn jetd_bin() -> PathBuf {
    let path = PathBuf::from(
        std::env::var_os("JETD_BIN")
            .expect("set JETD_BIN to the jetd binary (e.g. <repo>/target/debug/jetd)"),
    );
    assert!(path.is_file(), "JETD_BIN={} is not a file", path.display());
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free loopback port")
        .port()
}

fn seed_config(clear_port: u16, ssl_port: u16) -> String {
    format!(
        r#"system {{
    host-name {HOST_NAME};
    login {{
        user admin {{
            uid 2000;
            class super-user;
            authentication {{
                encrypted-password "{ADMIN_PASSWORD_HASH}";
            }}
        }}
    }}
    services {{
        extension-service {{
            request-response {{
                grpc {{
                    clear-text {{
                        address 127.0.0.1;
                        port {clear_port};
                    }}
                    ssl {{
                        address 127.0.0.1;
                        port {ssl_port};
                        local-certificate jsd;
                    }}
                    max-connections 8;
                }}
            }}
        }}
    }}
}}
security {{
    certificates {{
        local jsd {{
            load-key-file certs/server.pem;
        }}
    }}
    pki {{
        ca-profile jet-ca {{
            ca-identity jet-ca;
        }}
    }}
}}
"#
    )
}

impl Device {
    /// Generate certificates, seed the configuration and start `jetd`; returns once it
    /// reports listening on both ports.
    pub fn start() -> Self {
        let bin = jetd_bin();
        let dir = tempfile::tempdir().expect("temporary directory");
        let data_dir = dir.path().join("data");
        let status = Command::new(&bin)
            .args(["certs", "generate", "--data-dir"])
            .arg(&data_dir)
            .stdout(Stdio::null())
            .status()
            .expect("run jetd certs generate");
        assert!(status.success(), "jetd certs generate failed: {status}");

        let clear_port = free_port();
        let mut ssl_port = free_port();
        while ssl_port == clear_port {
            ssl_port = free_port();
        }
        let config = dir.path().join("seed.conf");
        std::fs::write(&config, seed_config(clear_port, ssl_port)).expect("write seed config");

        let log = std::fs::File::create(dir.path().join("jetd.stderr")).expect("create log file");
        let mut child = Command::new(&bin)
            .arg("--data-dir")
            .arg(&data_dir)
            .arg("--config")
            .arg(&config)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start jetd");

        // Read stdout on a thread for the whole life of the device (never block jetd).
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });

        let mut device = Device {
            child,
            dir,
            clear_port,
            ssl_port,
            output: rx,
        };
        device.wait_listening();
        device
    }

    fn wait_listening(&mut self) {
        let mut want = vec![
            format!("127.0.0.1:{} (gRPC, clear-text)", self.clear_port),
            format!("127.0.0.1:{} (gRPC, ssl)", self.ssl_port),
        ];
        let mut seen = Vec::new();
        let deadline = Instant::now() + START_TIMEOUT;
        while !want.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(line) => {
                    if line.contains("listening on") {
                        want.retain(|w| !line.contains(w.as_str()));
                    }
                    seen.push(line);
                }
                Err(_) => panic!(
                    "jetd did not report listening on {want:?} (exit status {:?}); \
                     stdout:\n{}\nstderr:\n{}",
                    self.child.try_wait().ok().flatten(),
                    seen.join("\n"),
                    self.log()
                ),
            }
        }
    }

    /// What jetd wrote on stderr so far (its log).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("jetd.stderr")).unwrap_or_default()
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The CA certificate that signed the device's TLS certificate.
    pub fn ca_pem(&self) -> String {
        std::fs::read_to_string(self.data_dir().join("certs/ca.crt")).expect("read ca.crt")
    }

    /// `http://127.0.0.1:PORT` of the clear-text listener.
    pub fn clear_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.clear_port)
    }

    /// `https://127.0.0.1:PORT` of the TLS listener; check its certificate against the
    /// name `localhost` (which it carries, like 127.0.0.1 and ::1).
    pub fn tls_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.ssl_port)
    }

    /// A clear-text connection logged in as `admin` with `client_id` (one JET session),
    /// through juniper-jet's Authentication client. Panics when any step fails.
    pub async fn session(&self, client_id: &str) -> tonic::transport::Channel {
        use jet::junos_23_1::jnx::jet::authentication::{
            authentication_client::AuthenticationClient, LoginRequest,
        };
        use jet::junos_23_1::jnx::jet::common::StatusCode;
        let channel = tonic::transport::Endpoint::from_shared(self.clear_url())
            .expect("endpoint")
            .connect()
            .await
            .expect("connect (clear text)");
        let login = AuthenticationClient::new(channel.clone())
            .login(LoginRequest {
                username: "admin".into(),
                password: ADMIN_PASSWORD.into(),
                client_id: client_id.into(),
                group_id: String::new(),
            })
            .await
            .expect("Login RPC")
            .into_inner();
        assert_eq!(
            login.status.map(|s| s.code()),
            Some(StatusCode::Success),
            "login as admin"
        );
        channel
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
