use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use jet_device::Transport;
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
use jet_testkit::{free_port, TestDevice};

/// RSA key generation is slow: make one set of certificates per test binary, copy it.
fn cert_source() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("jsd-tls-test-certs-{}", std::process::id()));
        jet_jsd::certs::generate(&dir, &[]).expect("generate certificates");
        dir
    })
}

fn copy_certs(data_dir: &Path) {
    let from = cert_source().join("certs");
    let to = data_dir.join("certs");
    std::fs::create_dir_all(to.join("ca-profile")).expect("mkdir");
    for f in [
        "ca.crt",
        "server.pem",
        "server.crt",
        "client.crt",
        "client.key",
    ] {
        std::fs::copy(from.join(f), to.join(f)).expect("copy cert");
    }
    std::fs::copy(
        from.join("ca-profile/jet-ca.crt"),
        to.join("ca-profile/jet-ca.crt"),
    )
    .expect("copy ca");
}

pub(crate) async fn tls_device(mutual: Option<&str>) -> TestDevice {
    let port = free_port();
    let mutual = mutual
        .map(|m| {
            format!(
                "mutual-authentication {{ certificate-authority jet-ca; client-certificate-request {m}; }}"
            )
        })
        .unwrap_or_default();
    let extra = format!(
        "system {{ services {{ extension-service {{ request-response {{ grpc {{ ssl {{ address 127.0.0.1; \
         port {port}; local-certificate jsd; {mutual} }} }} }} }} }} }}
         security {{ certificates {{ local jsd {{ load-key-file certs/server.pem; }} }} \
         pki {{ ca-profile jet-ca {{ ca-identity jet-ca; }} }} }}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let dev = TestDevice::in_dir(dir, &extra, copy_certs).await;
    dev.wait_listening(|l| l.iter().any(|x| x.transport == Transport::Tls))
        .await;
    dev
}

pub(crate) async fn tls_client(
    dev: &TestDevice,
    with_cert: bool,
) -> Result<JetClient, jet_sdk::Error> {
    let addr = dev.addr_of(Transport::Tls).expect("tls listener");
    JetClient::connect(ConnectOptions::tls(
        addr.to_string(),
        dev.tls_options(with_cert),
    ))
    .await
}

#[tokio::test]
async fn login_and_op_command_over_tls() {
    let dev = tls_device(None).await;
    let c = tls_client(&dev, false).await.expect("TLS connect");
    c.login("admin", &dev.admin_password, "tls-app")
        .await
        .expect("login");
    let out = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("show version");
    assert!(out.contains("Hostname: testdev"), "{out}");
    let s = dev.device().sessions().list();
    assert!(s.iter().any(|s| s.transport == Transport::Tls));
}

fn s_client(port: u16, version_flag: &str) -> std::process::Output {
    Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            version_flag,
            "-cipher",
            "DEFAULT@SECLEVEL=0",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("openssl is installed (Debian package openssl)")
}

#[tokio::test]
async fn tls_1_1_handshakes_are_refused_and_tls_1_2_accepted() {
    let dev = tls_device(None).await;
    let port = dev.addr_of(Transport::Tls).expect("tls").port();
    let old = tokio::task::spawn_blocking(move || s_client(port, "-tls1_1"))
        .await
        .expect("join");
    assert!(
        !old.status.success(),
        "TLS 1.1 handshake succeeded: {}",
        String::from_utf8_lossy(&old.stdout)
    );
    let new = tokio::task::spawn_blocking(move || s_client(port, "-tls1_2"))
        .await
        .expect("join");
    let text = String::from_utf8_lossy(&new.stdout);
    assert!(new.status.success(), "TLS 1.2 handshake failed: {text}");
    assert!(text.contains("TLSv1.2"), "{text}");
}

#[tokio::test]
async fn mutual_tls_refuses_a_client_without_certificate_and_accepts_one_with() {
    let dev = tls_device(Some("require-certificate-and-verify")).await;
    let refused = match tls_client(&dev, false).await {
        Err(_) => true,
        Ok(c) => c
            .login("admin", &dev.admin_password, "no-cert")
            .await
            .is_err(),
    };
    assert!(refused, "a client without a certificate got through");
    let c = tls_client(&dev, true)
        .await
        .expect("connect with certificate");
    c.login("admin", &dev.admin_password, "with-cert")
        .await
        .expect("login with certificate");
}

#[tokio::test]
async fn request_certificate_mode_lets_clients_without_certificate_in() {
    let dev = tls_device(Some("request-certificate-and-verify")).await;
    let c = tls_client(&dev, false).await.expect("connect");
    c.login("admin", &dev.admin_password, "optional")
        .await
        .expect("login without certificate");
}

#[tokio::test]
async fn ssl_with_a_missing_certificate_file_is_refused_at_commit() {
    let dev = TestDevice::start().await;
    let c = dev.admin("x").await;
    let port = free_port();
    let err = c
        .config_set_text(
            &format!(
                "set security certificates local missing load-key-file certs/nothing.pem\n\
                 set system services extension-service request-response grpc ssl port {port}\n\
                 set system services extension-service request-response grpc ssl local-certificate missing\n"
            ),
            ConfigLoadType::ConfigLoadSet,
            "",
        )
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("cannot read certificate file"),
        "{err}"
    );
    assert!(dev.device().committed().config.jsd().ssl.is_none());
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_never_starts_its_tls_handshake_is_closed_at_the_setup_deadline() {
    use tokio::io::AsyncReadExt as _;
    let dev = tls_device(None).await;
    let addr = dev.addr_of(Transport::Tls).expect("tls listener");
    let mut silent = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(std::time::Duration::from_secs(1), silent.read(&mut buf))
        .await
        .expect("closed by the server, not still open");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    let out = dev
        .device()
        .op_command(
            jet_device::op::OpInput::Cli("show extension-service request-response statistics"),
            jet_device::Format::Text,
        )
        .await
        .expect("statistics");
    assert!(
        out.lines()
            .any(|l| l.contains("Closed: no handshake/preface in time:") && l.ends_with(" 1")),
        "{out}"
    );
}
