//! Connections that never log in cannot lock anyone out: they hold no session slot, are
//! bounded per source, and are closed when they miss the setup or the login deadline.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

const IDLE: usize = 1_000;
const HALF_OPEN: usize = 1_000;
/// Connections per source address (under the per-source cap of 256).
const PER_SOURCE: usize = 200;
/// Descriptors the process needs besides the held connections (the device, the other
/// tests of this binary running alongside).
const SPARE_FDS: u64 = 512;

/// Raises this process's soft descriptor limit to its hard limit; returns the soft
/// limit in force afterwards.
fn raise_descriptor_limit() -> u64 {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
    // An unlimited hard limit is still capped by the kernel's per-process maximum.
    let target = hard.min(1 << 20);
    if soft < target && setrlimit(Resource::RLIMIT_NOFILE, target, hard).is_ok() {
        return target;
    }
    soft
}

/// How many idle and half-open connections to hold: [`IDLE`] and [`HALF_OPEN`] when the
/// descriptor limit allows (each connection takes two descriptors here, the client's and
/// the server's), otherwise both scaled down in proportion.
fn connection_counts() -> (usize, usize) {
    let limit = raise_descriptor_limit();
    let wanted = 2 * (IDLE + HALF_OPEN) as u64 + SPARE_FDS;
    if limit >= wanted {
        return (IDLE, HALF_OPEN);
    }
    let room = usize::try_from(limit.saturating_sub(SPARE_FDS) / 2).unwrap_or(usize::MAX);
    let idle = (IDLE * room / (IDLE + HALF_OPEN)).max(1);
    let half_open = (HALF_OPEN * room / (IDLE + HALF_OPEN)).max(1);
    println!(
        "descriptor limit {limit} is below the {wanted} this test needs: holding {idle} idle \
         and {half_open} half-open connections instead of {IDLE} and {HALF_OPEN}"
    );
    (idle, half_open)
}

/// A TCP connection to `to` from the loopback address `from`.
async fn connect_from(from: Ipv4Addr, to: SocketAddr) -> TcpStream {
    let s = TcpSocket::new_v4().expect("socket");
    s.bind(SocketAddr::new(IpAddr::V4(from), 0)).expect("bind");
    s.connect(to).await.expect("connect")
}

/// True when the server closed `s`: a read sees end-of-file (or a reset) at once.
async fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(1), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// The ids of the live sessions.
fn session_ids(dev: &TestDevice) -> Vec<u64> {
    dev.device()
        .sessions()
        .list()
        .iter()
        .map(|s| s.id)
        .collect()
}

/// The admission figures of `show extension-service request-response statistics`.
async fn stat(c: &jet_sdk::JetClient, name: &str) -> u64 {
    let json = c
        .op_command(
            "show extension-service request-response statistics",
            OutputFormat::Json,
        )
        .await
        .expect("statistics");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    v["request-response-statistics"][0][name][0]["data"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{name} missing in {json}"))
}

#[tokio::test(start_paused = true)]
async fn a_client_logs_in_and_works_while_thousands_of_idle_and_half_open_connections_are_held_then_closed(
) {
    let (idle_n, half_open_n) = connection_counts();
    let dev = TestDevice::start().await; // max-connections 8
    let addr = dev.grpc_addr();

    // 1,000 connections that send nothing at all (fewer under a low descriptor limit).
    let mut idle = Vec::with_capacity(idle_n);
    for i in 0..idle_n {
        let from = Ipv4Addr::new(127, 0, 2, 1 + (i / PER_SOURCE) as u8);
        idle.push(connect_from(from, addr).await);
    }
    // 1,000 HTTP/2 connections (preface, settings, pings answered) that never log in
    // (fewer under a low descriptor limit).
    let mut half_open = Vec::with_capacity(half_open_n);
    for i in 0..half_open_n {
        let from = IpAddr::V4(Ipv4Addr::new(127, 0, 3, 1 + (i / PER_SOURCE) as u8));
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .expect("endpoint")
            .local_address(Some(from))
            .connect()
            .await
            .expect("HTTP/2 connection");
        half_open.push(channel);
    }

    // A legitimate client gets a session and works.
    let app = dev.admin("legit").await;
    let out = app
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("works");
    assert!(out.contains("Hostname: testdev"), "{out}");
    assert_eq!(
        dev.device().sessions().len(),
        1,
        "only the login is a session"
    );
    assert_eq!(
        stat(&app, "unauthenticated-connections").await,
        (idle_n + half_open_n) as u64
    );
    assert_eq!(stat(&app, "sessions").await, 1);

    // Past the setup deadline: every idle connection is closed, the HTTP/2 ones are not.
    tokio::time::sleep(Duration::from_secs(11)).await;
    for (i, s) in idle.iter_mut().enumerate() {
        assert!(closed_by_server(s).await, "idle connection {i} still open");
    }
    assert_eq!(stat(&app, "closed-setup-deadline").await, idle_n as u64);
    assert_eq!(
        stat(&app, "unauthenticated-connections").await,
        half_open_n as u64
    );

    // Past the login deadline: the ones that never logged in are closed too.
    tokio::time::sleep(Duration::from_secs(50)).await;
    assert_eq!(stat(&app, "unauthenticated-connections").await, 0);
    assert_eq!(
        stat(&app, "closed-login-deadline").await,
        half_open_n as u64
    );

    // And the logged-in client never noticed.
    let out = app
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("still works");
    assert!(out.contains("Hostname: testdev"), "{out}");
    assert_eq!(dev.device().sessions().len(), 1);
    drop(half_open);
}

#[tokio::test]
async fn connections_over_the_per_source_cap_are_closed_at_once_and_others_still_get_in() {
    let dev = TestDevice::start().await;
    let addr = dev.grpc_addr();
    let from = Ipv4Addr::new(127, 0, 4, 1);
    let mut held = Vec::new();
    for _ in 0..256 {
        held.push(connect_from(from, addr).await);
    }
    let mut over = connect_from(from, addr).await;
    let _ = over.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
    assert!(
        closed_by_server(&mut over).await,
        "over the cap, still open"
    );
    // Another source, and a login, are not affected.
    let app = dev.admin("other-source").await;
    assert!(app
        .op_command("show version", OutputFormat::Text)
        .await
        .is_ok());
    assert_eq!(stat(&app, "refused-source-limit").await, 1);
}

#[tokio::test(start_paused = true)]
async fn under_skip_authentication_a_connection_is_a_session_from_the_start_with_no_login_deadline()
{
    let dev = TestDevice::with_config(
        "system { services { extension-service { request-response { grpc { skip-authentication; } } } } }",
    )
    .await;
    let c = dev.client().await;
    let out = c
        .op_command(
            "show extension-service request-response statistics",
            OutputFormat::Text,
        )
        .await
        .expect("no login needed");
    assert!(
        out.contains("Login deadline:") && out.contains("60 seconds"),
        "{out}"
    );
    assert!(out.contains("Sessions (max-connections):"), "{out}");
    let before = session_ids(&dev);
    assert_eq!(before.len(), 1, "a session at once");
    tokio::time::sleep(Duration::from_secs(120)).await;
    c.op_command("show version", OutputFormat::Text)
        .await
        .expect("still served after the login deadline");
    assert_eq!(stat(&c, "closed-login-deadline").await, 0);
    let after = session_ids(&dev);
    assert_eq!(before, after, "the same session");
}

#[tokio::test(start_paused = true)]
async fn a_connection_waiting_for_login_becomes_a_session_when_skip_authentication_is_committed() {
    let dev = TestDevice::start().await;
    let waiting = dev.client().await;
    let admin = dev.admin("admin-app").await;
    admin
        .config_set_text(
            "system { services { extension-service { request-response { grpc { skip-authentication; } } } } }",
            jet_sdk::proto::jnx::jet::management::ConfigLoadType::ConfigLoadMerge,
            "trust everyone",
        )
        .await
        .expect("commit");
    assert_eq!(dev.device().sessions().len(), 1);
    waiting
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("served without login now");
    let ids = session_ids(&dev);
    assert_eq!(ids.len(), 2, "it took a session slot");
    // Past the login deadline it is still the same session.
    tokio::time::sleep(Duration::from_secs(120)).await;
    waiting
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("still served");
    assert_eq!(session_ids(&dev), ids);
}
