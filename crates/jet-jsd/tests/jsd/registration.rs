//! Registration: an app registers its own gRPC API (`acme.v1.Echo`, a real tonic server,
//! see echo_app.rs) and other clients reach it through jsd's port: unary, server and
//! bidirectional streams, metadata both ways, the app's own errors, jsd's Login and
//! class checks in front, `skip_authentication` on TLS only, a target that is down.

use jet_device::Transport;
use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::registration::{api_register_request::InputType, ApiRegisterRequest};
use jet_sdk::proto::jnx::jet::version::{
    self as vpb, version_discovery_client::VersionDiscoveryClient,
};
use jet_sdk::registration::{Api, Rpc};
use jet_sdk::{ConnectOptions, JetClient};
use jet_testkit::{free_port, TestDevice};

use super::echo_app::{App, EchoClient};

fn echo_api() -> Api {
    Api::new()
        .service(
            "acme.v1.Echo",
            [
                Rpc::unary("Say").class("read-only"),
                Rpc::server_streaming("Watch"),
                Rpc::bidi("Chat"),
            ],
        )
        .version("acme.v1.Echo", 1, 2, 0)
}

async fn raw_register(c: &JetClient, id: &str, target: &str, json: &str) -> (i32, String) {
    let r = c
        .registration()
        .api_register(ApiRegisterRequest {
            input_type: Some(InputType::JsonString(json.into())),
            target: target.into(),
            id: id.into(),
            ..Default::default()
        })
        .await
        .expect("ApiRegister answers")
        .into_inner();
    let s = r.status.expect("status");
    (s.code, s.message)
}

#[tokio::test]
async fn a_registered_api_is_reached_through_jsd_with_streams_metadata_and_app_errors() {
    let dev = TestDevice::start().await;
    let (app, port) = App::tcp(0).await;
    let owner = dev.admin("echo-app").await;
    owner
        .register_api("echo", &format!("0.0.0.0:{port}"), &echo_api(), false)
        .await
        .expect("registered");
    assert!(dev.dir.path().join("japi/echo.json").is_file());

    // Another client, its own session, calls through jsd's port.
    let user = dev.admin("caller").await;
    let mut echo = EchoClient::new(user.channel());
    let r = echo.say("hi", Some("t-42")).await.expect("Say through jsd");
    assert_eq!(&r.get_ref()[..], b"echo:hi");
    assert_eq!(
        r.metadata().get("x-seen").and_then(|v| v.to_str().ok()),
        Some("t-42"),
        "request metadata reached the app, response metadata came back"
    );
    assert_eq!(echo.watch("w").await.unwrap(), vec!["w-1", "w-2", "w-3"]);
    assert_eq!(
        echo.chat(&["a", "bc", "def"]).await.unwrap(),
        vec!["A", "BC", "DEF"]
    );
    // The app's own status passes through unchanged.
    let e = echo.say("fail", None).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::NotFound);
    assert_eq!(e.message(), "no such greeting");
    assert_eq!(app.calls(), 4);

    // A method of the service that was not registered is not forwarded.
    let mut g = tonic::client::Grpc::new(user.channel());
    g.ready().await.unwrap();
    let e = g
        .unary::<bytes::Bytes, bytes::Bytes, _>(
            tonic::Request::new(bytes::Bytes::new()),
            http::uri::PathAndQuery::from_static("/acme.v1.Echo/Other"),
            jet_sdk::raw::RawCodec,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), tonic::Code::Unimplemented);
    assert!(
        e.message().contains("/acme.v1.Echo/Other"),
        "{}",
        e.message()
    );
    assert_eq!(app.calls(), 4);

    // The registration is durable: the registering session may go away.
    drop(owner);
    let mut echo = EchoClient::new(dev.admin("caller-2").await.channel());
    assert_eq!(
        &echo.say("again", None).await.unwrap().get_ref()[..],
        b"echo:again"
    );

    // VersionDiscovery lists it, with its RPCs and version.
    let mut vd = VersionDiscoveryClient::new(user.channel());
    let list = vd
        .service_list_get(vpb::ServiceListRequest {})
        .await
        .unwrap()
        .into_inner()
        .service_name;
    assert!(list.contains(&"acme::v1::Echo".to_string()), "{list:?}");
    let rpcs = vd
        .rpc_list_get(vpb::RpcListRequest {
            service_name: "acme::v1::Echo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rpc_name;
    assert_eq!(rpcs, vec!["Say", "Watch", "Chat"]);
    let v = vd
        .service_version_get(vpb::ServiceVersionRequest {
            rpc_name: "acme::v1::Echo::Watch".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((v.major, v.minor, v.patch), (1, 2, 0));

    // Reflection lists it beside jsd's own services.
    let reflected = super::version::reflected(&user).await;
    assert!(
        reflected.contains(&"acme.v1.Echo".to_string()),
        "{reflected:?}"
    );
    assert!(reflected.contains(&"jnx.jet.routing.rib.Rib".to_string()));
}

#[tokio::test]
async fn login_and_login_class_are_checked_before_forwarding() {
    let viewer_pw = "Viewer-pass-1";
    let hash = jet_device::factory::hash_password(viewer_pw);
    let dev = TestDevice::with_config(&format!(
        "system {{ login {{ user viewer {{ uid 2001; class read-only; \
         authentication {{ encrypted-password \"{hash}\"; }} }} }} }}"
    ))
    .await;
    let (app, port) = App::tcp(0).await;
    let admin = dev.admin("reg").await;
    admin
        .register_api("echo", &format!("127.0.0.1:{port}"), &echo_api(), false)
        .await
        .unwrap();

    // Not logged in: refused by jsd, the app never sees the call.
    let anon = dev.client().await;
    let e = EchoClient::new(anon.channel())
        .say("x", None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), tonic::Code::Unauthenticated);
    assert!(e.message().contains("/acme.v1.Echo/Say"), "{}", e.message());

    // read-only may call Say (registered with class read-only), not Watch (operator).
    let viewer = dev.client().await;
    viewer.login("viewer", viewer_pw, "v").await.unwrap();
    let mut echo = EchoClient::new(viewer.channel());
    assert_eq!(
        &echo.say("ro", None).await.unwrap().get_ref()[..],
        b"echo:ro"
    );
    let e = echo.watch("w").await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::PermissionDenied);
    assert!(
        e.message().contains("read-only") && e.message().contains("operator"),
        "{}",
        e.message()
    );
    assert_eq!(app.calls(), 1, "only the permitted call reached the app");

    // read-only may not register.
    let r = viewer
        .register_api(
            "v",
            &format!("127.0.0.1:{port}"),
            &Api::new().service("v.V", [Rpc::unary("A")]),
            false,
        )
        .await
        .unwrap_err();
    assert!(r.to_string().contains("read-only may not register"), "{r}");
}

#[tokio::test]
async fn refusals_name_the_bad_element_and_change_nothing() {
    let dev = TestDevice::start().await;
    let c = dev.admin("reg").await;
    let fail = StatusCode::Failure as i32;
    let cases = [
        ("a", "127.0.0.1:1", "{\"services\": [", "json: is not JSON"),
        (
            "a",
            "127.0.0.1:1",
            r#"{"services":[{"name":"Echo","rpcs":["A"]}]}"#,
            "services[0].name: 'Echo'",
        ),
        (
            "a",
            "127.0.0.1:1",
            r#"{"services":[{"name":"a.B","rpcs":[{"nam":"A"}]}]}"#,
            "services[0].rpcs[0].nam",
        ),
        (
            "a",
            "somewhere",
            r#"{"services":[{"name":"a.B","rpcs":["A"]}]}"#,
            "target: 'somewhere'",
        ),
        (
            "../a",
            "127.0.0.1:1",
            r#"{"services":[{"name":"a.B","rpcs":["A"]}]}"#,
            "id: '../a'",
        ),
        (
            "a",
            "127.0.0.1:1",
            r#"{"services":[{"name":"jnx.jet.routing.rib.Rib","rpcs":["RouteAdd"]}]}"#,
            "'jnx.jet.routing.rib.Rib' is already served by jsd",
        ),
    ];
    for (id, target, json, want) in cases {
        let (code, msg) = raw_register(&c, id, target, json).await;
        assert_eq!(code, fail, "{json}");
        assert!(msg.contains(want), "{json}: {msg}");
    }
    // Neither json_string nor json_file.
    let r = c
        .registration()
        .api_register(ApiRegisterRequest {
            target: "127.0.0.1:1".into(),
            id: "a".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r
        .status
        .unwrap()
        .message
        .contains("json_string / json_file"));
    assert!(dev.device().registrations().current().by_id.is_empty());
    assert!(!dev.dir.path().join("japi").exists());

    // A service registered under one id cannot be taken by another.
    let ok = r#"{"services":[{"name":"a.B","rpcs":["A"]}]}"#;
    assert_eq!(
        raw_register(&c, "first", "127.0.0.1:1", ok).await.0,
        StatusCode::Success as i32
    );
    let (code, msg) = raw_register(&c, "second", "127.0.0.1:2", ok).await;
    assert_eq!(code, fail);
    assert!(
        msg.contains("already served by registration 'first'"),
        "{msg}"
    );
    // The same id replaces.
    assert_eq!(
        raw_register(&c, "first", "127.0.0.1:3", ok).await.0,
        StatusCode::Success as i32
    );
    assert_eq!(
        dev.device().registrations().current().by_id["first"].target_text,
        "127.0.0.1:3"
    );
}

#[tokio::test]
async fn messages_larger_than_the_flow_control_windows_cross_intact_both_ways() {
    let dev = TestDevice::start().await;
    let (_app, port) = App::tcp(0).await;
    let c = dev.admin("big").await;
    c.register_api("big", &format!("127.0.0.1:{port}"), &echo_api(), false)
        .await
        .unwrap();
    // One 3 MiB message: more than a stream's window and than what jsd sends before
    // the stream has capacity.
    let text: String = (0..3 << 20)
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    let mut echo = EchoClient::new(c.channel());
    let r = echo.say(&text, None).await.expect("large Say");
    assert_eq!(r.get_ref().len(), text.len() + 5);
    assert!(r.get_ref()[5..] == *text.as_bytes(), "payload changed");
    // Four streams at once, 6 MiB each way: more than the connection's window.
    let lines: Vec<String> = (0..6u8)
        .map(|n| ((b'a' + n) as char).to_string().repeat(1 << 20))
        .collect();
    let calls = (0..4).map(|_| {
        let mut echo = EchoClient::new(c.channel());
        let lines = lines.clone();
        async move {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            echo.chat(&refs).await
        }
    });
    for got in futures::future::join_all(calls).await {
        let got = got.expect("large Chat");
        let want: Vec<String> = lines.iter().map(|l| l.to_ascii_uppercase()).collect();
        assert!(got == want, "a stream came back changed or reordered");
    }
}

#[tokio::test]
async fn a_target_that_is_down_answers_unavailable_naming_it_until_the_app_is_back() {
    let dev = TestDevice::start().await;
    let port = free_port();
    let c = dev.admin("reg").await;
    c.register_api("late", &format!("127.0.0.1:{port}"), &echo_api(), false)
        .await
        .unwrap();
    let mut echo = EchoClient::new(c.channel());
    let e = echo.say("x", None).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::Unavailable);
    assert!(
        e.message().contains(&format!("127.0.0.1:{port}")) && e.message().contains("'late'"),
        "{}",
        e.message()
    );
    // The app starts: the same registration now works.
    let (_app, _) = App::tcp(port).await;
    let mut ok = None;
    for _ in 0..50 {
        match echo.say("x", None).await {
            Ok(r) => {
                ok = Some(r);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    assert_eq!(
        &ok.expect("reachable once the app runs").get_ref()[..],
        b"echo:x"
    );
}

#[tokio::test]
async fn a_unix_socket_target_is_reached() {
    let dev = TestDevice::start().await;
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("echo.sock");
    let app = App::unix(&sock).await;
    let c = dev.admin("reg").await;
    c.register_api(
        "unix-echo",
        &format!("unix:{}", sock.display()),
        &echo_api(),
        false,
    )
    .await
    .unwrap();
    let mut echo = EchoClient::new(c.channel());
    assert_eq!(&echo.say("u", None).await.unwrap().get_ref()[..], b"echo:u");
    assert_eq!(echo.watch("s").await.unwrap().len(), 3);
    assert_eq!(app.calls(), 2);
}

#[tokio::test]
async fn skip_authentication_holds_on_tls_only() {
    let dev = super::tls::tls_device(None).await;
    let (app, port) = App::tcp(0).await;
    let admin = dev.admin("reg").await;
    admin
        .register_api("open", &format!("127.0.0.1:{port}"), &echo_api(), true)
        .await
        .unwrap();
    // TLS, no Login: allowed.
    let tls = super::tls::tls_client(&dev, false)
        .await
        .expect("TLS connect");
    let mut echo = EchoClient::new(tls.channel());
    assert_eq!(&echo.say("t", None).await.unwrap().get_ref()[..], b"echo:t");
    // Only the registered API is open: jsd's own services still want Login.
    let e = tls
        .op_command("show version", jet_sdk::OutputFormat::Text)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not authenticated"), "{e}");
    // Clear text, no Login: refused, saying why.
    let clear = JetClient::connect(ConnectOptions::clear_text(
        dev.addr_of(Transport::ClearText).unwrap().to_string(),
    ))
    .await
    .unwrap();
    let e = EchoClient::new(clear.channel())
        .say("c", None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), tonic::Code::Unauthenticated);
    assert!(
        e.message().contains("TLS connections only"),
        "{}",
        e.message()
    );
    assert_eq!(app.calls(), 1);
}
