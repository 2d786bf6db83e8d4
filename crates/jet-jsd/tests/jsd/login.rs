use jet_sdk::proto::authentication::login_client::LoginClient;
use jet_sdk::proto::authentication::LoginRequest as LegacyLoginRequest;
use jet_sdk::proto::jnx::jet::authentication::authentication_client::AuthenticationClient;
use jet_sdk::proto::jnx::jet::authentication::LoginRequest;
use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::{Error, OutputFormat};
use jet_testkit::TestDevice;

#[tokio::test]
async fn login_succeeds_and_binds_user_and_client_id_to_the_connection() {
    let dev = TestDevice::start().await;
    let c = dev.client().await;
    c.login("admin", &dev.admin_password, "app-1")
        .await
        .expect("login");
    let sessions = dev.device().sessions().list();
    assert_eq!(sessions.len(), 1);
    let login = sessions[0].login.clone().expect("session is logged in");
    assert_eq!(login.user, "admin");
    assert_eq!(login.client_id, "app-1");
    assert_eq!(login.class, jet_config::LoginClass::SuperUser);
    let out = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("op command");
    assert!(out.contains("Hostname: testdev"), "{out}");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_fail_with_a_status_message() {
    let dev = TestDevice::start().await;
    let c = dev.client().await;
    let mut auth = AuthenticationClient::new(c.channel());
    for (user, pw) in [("admin", "wrong"), ("nobody", "x"), ("admin", "")] {
        let reply = auth
            .login(LoginRequest {
                username: user.into(),
                password: pw.into(),
                client_id: "c".into(),
                group_id: String::new(),
            })
            .await
            .expect("login answers")
            .into_inner();
        let status = reply.status.expect("status");
        assert_eq!(status.code, StatusCode::Failure as i32, "{user}/{pw}");
        assert!(
            status.message.contains("login failed"),
            "{}",
            status.message
        );
    }
    // Still not logged in.
    let err = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect_err("refused");
    match err {
        Error::Rpc(s) => assert_eq!(s.code(), tonic::Code::Unauthenticated),
        other => panic!("expected UNAUTHENTICATED, got {other}"),
    }
}

#[tokio::test]
async fn calls_before_login_are_unauthenticated_and_name_login() {
    let dev = TestDevice::start().await;
    let c = dev.client().await;
    match c.op_command("show version", OutputFormat::Text).await {
        Err(Error::Rpc(s)) => {
            assert_eq!(s.code(), tonic::Code::Unauthenticated);
            assert!(s.message().contains("Login"), "{}", s.message());
        }
        other => panic!("expected UNAUTHENTICATED, got {other:?}"),
    }
}

#[tokio::test]
async fn login_on_one_connection_does_not_authenticate_another() {
    let dev = TestDevice::start().await;
    let _a = dev.admin("a").await;
    let b = dev.client().await;
    assert!(matches!(
        b.op_command("show version", OutputFormat::Text).await,
        Err(Error::Rpc(s)) if s.code() == tonic::Code::Unauthenticated
    ));
}

#[tokio::test]
async fn legacy_login_check_answers_true_or_false() {
    let dev = TestDevice::start().await;
    let c = dev.client().await;
    let mut login = LoginClient::new(c.channel());
    let bad = login
        .login_check(LegacyLoginRequest {
            user_name: "admin".into(),
            password: "nope".into(),
            client_id: "legacy".into(),
            group_id: String::new(),
        })
        .await
        .expect("answers")
        .into_inner();
    assert!(!bad.result);
    let good = login
        .login_check(LegacyLoginRequest {
            user_name: "admin".into(),
            password: dev.admin_password.clone(),
            client_id: "legacy".into(),
            group_id: "g1".into(),
        })
        .await
        .expect("answers")
        .into_inner();
    assert!(good.result);
    let s = &dev.device().sessions().list()[0];
    assert_eq!(s.login.as_ref().map(|l| l.group_id.as_str()), Some("g1"));
    // And the legacy login authorises calls on that connection.
    let out = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("authorised");
    assert!(out.contains("Hostname:"));
}

#[tokio::test]
async fn skip_authentication_allows_calls_without_login() {
    let dev = TestDevice::with_config(
        "system { services { extension-service { request-response { grpc { skip-authentication; } } } } }",
    )
    .await;
    let c = dev.client().await;
    let out = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("no login needed");
    assert!(out.contains("Hostname: testdev"));
}

#[tokio::test]
async fn oversized_credentials_are_invalid_arguments() {
    let dev = TestDevice::start().await;
    let c = dev.client().await;
    let err = AuthenticationClient::new(c.channel())
        .login(LoginRequest {
            username: "a".repeat(10_000),
            password: String::new(),
            client_id: String::new(),
            group_id: String::new(),
        })
        .await
        .expect_err("refused");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(err.message().contains("username"), "{}", err.message());
}

#[tokio::test]
async fn local_socket_callers_that_are_not_apps_must_log_in_while_another_is_being_identified() {
    let dev = TestDevice::start().await;
    let sock = dev.device().data_dir().join(jet_jsd::local::LOCAL_SOCKET);
    // A child of this process (the device runs in it) connects and says nothing: as a
    // child of jetd not recorded by appd it is asked about again for a while, in its own
    // admission task.
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            "import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\nprint('connected', flush=True)\ntime.sleep(30)",
        ])
        .arg(&sock)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("child output");
    assert_eq!(line.trim(), "connected");

    let c = jet_sdk::JetClient::connect_local(&sock)
        .await
        .expect("local socket connects");
    match c.op_command("show version", OutputFormat::Text).await {
        Err(Error::Rpc(s)) => assert_eq!(s.code(), tonic::Code::Unauthenticated),
        other => panic!("expected UNAUTHENTICATED, got {other:?}"),
    }
    c.login("admin", &dev.admin_password, "local-1")
        .await
        .expect("login over the local socket");
    let out = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("op command");
    assert!(out.contains("Hostname: testdev"), "{out}");
    let _ = child.kill();
    let _ = child.wait();
}
