//! The older generation's `registration.Register/RegisterService` over a real jsd: the
//! same registrations as `jnx.jet.registration.Registration` (an API registered through
//! it is reached through jsd, and either generation replaces the other's by id), and
//! each refusal as `result` false with `error` naming the field by this generation's
//! names (`register_id`, `json_input`, `file_input`).

use jet_sdk::proto::registration::{
    register_client::RegisterClient, register_request::InputType, RegisterReply, RegisterRequest,
};
use jet_sdk::registration::{Api, Rpc};
use jet_sdk::JetClient;
use jet_testkit::TestDevice;

use super::echo_app::{App, EchoClient};

fn api() -> Api {
    Api::new().service("acme.v1.Echo", [Rpc::unary("Say")])
}

async fn register(c: &JetClient, req: RegisterRequest) -> RegisterReply {
    RegisterClient::new(c.channel())
        .register_service(req)
        .await
        .expect("RegisterService answers")
        .into_inner()
}

fn json(id: &str, target: &str, json: &str) -> RegisterRequest {
    RegisterRequest {
        input_type: Some(InputType::JsonInput(json.into())),
        target: target.into(),
        register_id: id.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_api_registered_through_the_older_generation_is_reached_and_shared_with_the_new_one() {
    let dev = TestDevice::start().await;
    let (app, port) = App::tcp(0).await;
    let owner = dev.admin("legacy-app").await;
    let r = register(
        &owner,
        RegisterRequest {
            routing_instance: "ri-1".into(),
            ..json(
                "legacy-echo",
                &format!("127.0.0.1:{port}"),
                &api().to_json(),
            )
        },
    )
    .await;
    assert_eq!((r.result, r.error.as_str()), (true, ""));
    let set = dev.device().registrations().current();
    let reg = &set.by_id["legacy-echo"];
    assert_eq!(reg.target_text, format!("127.0.0.1:{port}"));
    assert_eq!(reg.routing_instance, "ri-1");
    assert!(reg.by.contains("legacy-app"), "{}", reg.by);
    assert!(dev.dir.path().join("japi/legacy-echo.json").is_file());

    // Another client reaches the app through jsd.
    let user = dev.admin("caller").await;
    let r = EchoClient::new(user.channel())
        .say("hi", None)
        .await
        .expect("Say through jsd");
    assert_eq!(&r.get_ref()[..], b"echo:hi");
    assert_eq!(app.calls(), 1);

    // The new generation replaces it by the same id.
    owner
        .register_api("legacy-echo", "127.0.0.1:1", &api(), false)
        .await
        .expect("ApiRegister with the same id");
    assert_eq!(
        dev.device().registrations().current().by_id["legacy-echo"].target_text,
        "127.0.0.1:1"
    );

    // file_input: the JSON from a file on the device.
    let file = dev.dir.path().join("legacy-api.json");
    std::fs::write(&file, api().to_json()).unwrap();
    let r = register(
        &owner,
        RegisterRequest {
            input_type: Some(InputType::FileInput(file.display().to_string())),
            target: format!("127.0.0.1:{port}"),
            register_id: "legacy-echo".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(r.result, "{}", r.error);
    assert_eq!(
        dev.device().registrations().current().by_id["legacy-echo"].target_text,
        format!("127.0.0.1:{port}")
    );
}

#[tokio::test]
async fn refusals_name_the_field_in_the_older_generation_s_words_and_change_nothing() {
    let viewer_pw = "Viewer-pass-1";
    let hash = jet_device::factory::hash_password(viewer_pw);
    let dev = TestDevice::with_config(&format!(
        "system {{ login {{ user viewer {{ uid 2001; class read-only; \
         authentication {{ encrypted-password \"{hash}\"; }} }} }} }}"
    ))
    .await;
    let c = dev.admin("legacy-reg").await;
    let ok = r#"{"services":[{"name":"a.B","rpcs":["A"]}]}"#;
    let cases = [
        json("a", "127.0.0.1:1", "{\"services\": ["),
        json(
            "a",
            "127.0.0.1:1",
            r#"{"services":[{"name":"a.B","rpcs":[{"nam":"A"}]}]}"#,
        ),
        json("a", "somewhere", ok),
        json("../a", "127.0.0.1:1", ok),
        json("a", "127.0.0.1:1", ""),
        json(
            "a",
            "127.0.0.1:1",
            r#"{"services":[{"name":"routing.FlexibleTunnel","rpcs":["FlexibleTunnelGet"]}]}"#,
        ),
        json(
            "a",
            "127.0.0.1:1",
            r#"{"services":[{"name":"registration.Register","rpcs":["RegisterService"]}]}"#,
        ),
        RegisterRequest {
            input_type: Some(InputType::FileInput("relative.json".into())),
            target: "127.0.0.1:1".into(),
            register_id: "a".into(),
            ..Default::default()
        },
        RegisterRequest {
            input_type: Some(InputType::FileInput("/nonexistent/api.json".into())),
            target: "127.0.0.1:1".into(),
            register_id: "a".into(),
            ..Default::default()
        },
        RegisterRequest {
            target: "127.0.0.1:1".into(),
            register_id: "a".into(),
            ..Default::default()
        },
    ];
    let wants = [
        "json: is not JSON",
        "services[0].rpcs[0].nam",
        "target: 'somewhere'",
        "register_id: '../a' is not 1-64",
        "json_input: is empty",
        "'routing.FlexibleTunnel' is already served by jsd",
        "'registration.Register' is already served by jsd",
        "file_input: 'relative.json' is not an absolute path",
        "file_input: cannot read '/nonexistent/api.json'",
        "json_input / file_input: one of them must carry the API",
    ];
    for (req, want) in cases.into_iter().zip(wants) {
        let r = register(&c, req).await;
        assert!(!r.result, "{want}");
        assert!(r.error.contains(want), "{want}: {}", r.error);
    }

    // read-only may not register.
    let viewer = dev.client().await;
    viewer.login("viewer", viewer_pw, "v").await.unwrap();
    let r = register(&viewer, json("v", "127.0.0.1:1", ok)).await;
    assert!(!r.result);
    assert_eq!(
        r.error,
        "permission denied: login class read-only may not register APIs"
    );

    assert!(dev.device().registrations().current().by_id.is_empty());
    assert!(!dev.dir.path().join("japi").exists());

    // A service registered under one id (through the new generation) cannot be taken by
    // another id through this one.
    c.register_api(
        "first",
        "127.0.0.1:1",
        &Api::new().service("a.B", [Rpc::unary("A")]),
        false,
    )
    .await
    .unwrap();
    let r = register(&c, json("second", "127.0.0.1:2", ok)).await;
    assert!(!r.result);
    assert!(
        r.error.contains("already served by registration 'first'"),
        "{}",
        r.error
    );
}
