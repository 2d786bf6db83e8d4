//! Declared permissions: a session identified as an app's may call only the RPCs its
//! package manifest lists (the app supervisor's local channel sets the identity; here
//! the test sets it on the session of a client it logged in).

use jet_sdk::proto::jnx::jet::management::ConfigLoadType;

use crate::{add, op, Dev};

#[tokio::test]
async fn undeclared_rpc_of_an_app_session_is_permission_denied() {
    let dev = Dev::new();
    let d = dev.device().await;
    let admin = d.admin("pkg-admin").await;
    op(&admin, &add(&dev.package("hello", "1.0.0", "sleep 30\n")))
        .await
        .expect("installs");

    let app = d.admin("hello-app").await;
    let sessions = d.device().sessions();
    let id = sessions
        .list()
        .into_iter()
        .find(|s| s.login.as_ref().is_some_and(|l| l.client_id == "hello-app"))
        .expect("app's session")
        .id;
    assert!(sessions.get(id).expect("session").set_app("hello"));

    // Declared: jnx.jet.management.Management/OpCommandGet.
    let v = op(&app, "show version")
        .await
        .expect("declared RPC answers");
    assert!(v.contains("JET app hello [1.0.0]"), "{v}");
    // Not declared: ConfigSet.
    let e = app
        .config_set_text(
            "system { host-name nope; }",
            ConfigLoadType::ConfigLoadMerge,
            "x",
        )
        .await
        .expect_err("undeclared RPC refused");
    let msg = e.to_string();
    assert!(
        msg.contains("PermissionDenied") || msg.contains("permission"),
        "{msg}"
    );
    assert!(
        msg.contains("/jnx.jet.management.Management/ConfigSet")
            && msg.contains("app 'hello' did not declare"),
        "{msg}"
    );
    // Sessions that are not an app's are unaffected.
    admin
        .config_set_text(
            "system { host-name yes; }",
            ConfigLoadType::ConfigLoadMerge,
            "x",
        )
        .await
        .expect("admin may");
}
