//! mgd end to end: the configuration database (transactions, commit confirmed,
//! rollbacks, history), the Management API and its authorization, the ephemeral
//! database and configuration sessions, against a real device with jsd on loopback and
//! real gRPC clients.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod authz;
mod confirmed;
mod ephemeral;
mod junos_corpus;
mod management;
mod sessions;

use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::management::{
    config_set_request, ConfigCommit, ConfigLoadType, ConfigSetRequest,
};
use jet_sdk::proto::openjet::config::v1::config_session_client::ConfigSessionClient;
use jet_sdk::proto::openjet::config::v1::{
    CommandRequest, CommandResponse, ConfigMode, OpenRequest,
};
use jet_sdk::{JetClient, OutputFormat};
use jet_testkit::TestDevice;
use tonic::transport::Channel;

/// Passwords of the extra users of [`with_users`].
pub struct Users {
    /// The device.
    pub dev: TestDevice,
    /// `noc`, class operator.
    pub operator: String,
    /// `viewer`, class read-only.
    pub viewer: String,
}

/// A device with a user of each login class: `admin` (super-user), `noc` (operator),
/// `viewer` (read-only).
pub async fn with_users() -> Users {
    let operator = jet_testkit::random_password();
    let viewer = jet_testkit::random_password();
    let hash = jet_device::factory::hash_password;
    let extra = format!(
        "system {{ login {{ user noc {{ uid 2001; class operator; authentication {{ \
         encrypted-password \"{}\"; }} }} user viewer {{ uid 2002; class read-only; \
         authentication {{ encrypted-password \"{}\"; }} }} }} }}",
        hash(&operator),
        hash(&viewer)
    );
    Users {
        dev: TestDevice::with_config(&extra).await,
        operator,
        viewer,
    }
}

/// A client logged in as `user`.
pub async fn login(dev: &TestDevice, user: &str, password: &str) -> JetClient {
    let c = dev.client().await;
    c.login(user, password, &format!("{user}-app"))
        .await
        .expect("login");
    c
}

/// `ConfigSet` with any payload; returns (success, message).
pub async fn config_set(
    c: &JetClient,
    config: config_set_request::Config,
    load_type: ConfigLoadType,
    comment: &str,
) -> (bool, String) {
    let reply = c
        .management()
        .config_set(ConfigSetRequest {
            config: Some(config),
            load_type: load_type as i32,
            commit: Some(ConfigCommit {
                r#type: 0,
                comment: comment.into(),
            }),
        })
        .await
        .expect("ConfigSet answers")
        .into_inner();
    let s = reply.status.expect("status");
    (s.code == StatusCode::Success as i32, s.message)
}

/// `ConfigSet` of text.
pub async fn set_text(c: &JetClient, text: &str, load_type: ConfigLoadType) -> (bool, String) {
    config_set(
        c,
        config_set_request::Config::TextConfig(text.into()),
        load_type,
        "",
    )
    .await
}

/// An op command's text output (panics on refusal).
pub async fn show(c: &JetClient, command: &str) -> String {
    c.op_command(command, OutputFormat::Text)
        .await
        .unwrap_or_else(|e| panic!("{command}: {e}"))
}

/// A configuration session on one client's connection.
pub struct CfgSession {
    client: ConfigSessionClient<Channel>,
    /// The session token.
    pub token: String,
    /// What `Open` printed.
    pub banner: String,
}

impl CfgSession {
    /// Opens a session in `mode`; panics when refused.
    pub async fn open(c: &JetClient, mode: ConfigMode) -> CfgSession {
        Self::try_open(c, mode).await.expect("session opens")
    }

    /// Opens a session in `mode`; the device's refusal as `Err`.
    pub async fn try_open(c: &JetClient, mode: ConfigMode) -> Result<CfgSession, String> {
        let mut client = ConfigSessionClient::new(c.channel());
        let r = client
            .open(OpenRequest { mode: mode as i32 })
            .await
            .expect("Open answers")
            .into_inner();
        if !r.ok {
            return Err(r.error);
        }
        Ok(CfgSession {
            client,
            token: r.session_token,
            banner: r.output,
        })
    }

    /// Runs a command; the reply as is.
    pub async fn run(&mut self, command: &str) -> CommandResponse {
        self.run_with(command, "").await
    }

    /// Runs a command with a payload (`load ... terminal`).
    pub async fn run_with(&mut self, command: &str, payload: &str) -> CommandResponse {
        self.client
            .command(CommandRequest {
                session_token: self.token.clone(),
                command: command.into(),
                payload: payload.into(),
            })
            .await
            .expect("Command answers")
            .into_inner()
    }

    /// Runs a command that must succeed; its output.
    pub async fn ok(&mut self, command: &str) -> String {
        let r = self.run(command).await;
        assert!(r.ok, "{command}: {}", r.error);
        r.output
    }

    /// Runs a command that must be refused; the error.
    pub async fn refused(&mut self, command: &str) -> String {
        let r = self.run(command).await;
        assert!(!r.ok, "{command} should be refused, printed {}", r.output);
        r.error
    }
}
