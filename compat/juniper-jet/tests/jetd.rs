//! jetd against juniper-jet: a client generated from Juniper's own 23.1 IDL (tonic 0.9,
//! prost 0.11), sharing no code with the device. Needs `$JETD_BIN`.

use compat_juniper_jet::{Device, ADMIN_PASSWORD, HOST_NAME};
use jet::junos_23_1::jnx::jet::{
    authentication::{authentication_client::AuthenticationClient, LoginRequest},
    common::StatusCode,
    management::{
        config_set_request::Config, management_client::ManagementClient,
        op_command_get_request::Command, ConfigLoadType, ConfigSetRequest, OpCommandGetRequest,
        OpCommandOutputFormat,
    },
};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

async fn clear_channel(device: &Device) -> Channel {
    Endpoint::from_shared(device.clear_url())
        .expect("endpoint")
        .connect()
        .await
        .expect("connect (clear text)")
}

async fn tls_channel(device: &Device) -> Channel {
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(device.ca_pem()))
        .domain_name("localhost");
    Endpoint::from_shared(device.tls_url())
        .expect("endpoint")
        .tls_config(tls)
        .expect("tls config")
        .connect()
        .await
        .expect("connect (TLS)")
}

async fn login(channel: &Channel, password: &str) -> (StatusCode, String) {
    let response = AuthenticationClient::new(channel.clone())
        .login(LoginRequest {
            username: "admin".into(),
            password: password.into(),
            client_id: "compat-juniper-jet".into(),
            group_id: String::new(),
        })
        .await
        .expect("Login RPC")
        .into_inner();
    let status = response.status.expect("LoginResponse.status is set");
    (status.code(), status.message)
}

async fn op_command(
    channel: &Channel,
    command: Command,
    format: OpCommandOutputFormat,
) -> Result<String, tonic::Status> {
    let mut stream = ManagementClient::new(channel.clone())
        .op_command_get(OpCommandGetRequest {
            out_format: format.into(),
            command: Some(command),
        })
        .await?
        .into_inner();
    let mut out = String::new();
    while let Some(response) = stream.message().await? {
        let status = response.status.expect("OpCommandGetResponse.status is set");
        assert_eq!(
            status.code(),
            StatusCode::Success,
            "op command failed: {}",
            status.message
        );
        out.push_str(&response.data);
    }
    Ok(out)
}

fn show_version() -> Command {
    Command::CliCommand("show version".into())
}

#[tokio::test]
async fn login_and_show_version_cli_over_clear_text() {
    let device = Device::start();
    let channel = clear_channel(&device).await;
    let (code, message) = login(&channel, ADMIN_PASSWORD).await;
    assert_eq!(code, StatusCode::Success, "login failed: {message}");

    let out = op_command(
        &channel,
        show_version(),
        OpCommandOutputFormat::OpCommandOutputCli,
    )
    .await
    .expect("OpCommandGet");
    assert!(out.contains("Hostname:"), "no Hostname: in\n{out}");
    assert!(
        out.lines().any(|l| l == format!("Hostname: {HOST_NAME}")),
        "{out}"
    );
}

#[tokio::test]
async fn login_and_show_version_over_tls() {
    let device = Device::start();
    let channel = tls_channel(&device).await;
    let (code, message) = login(&channel, ADMIN_PASSWORD).await;
    assert_eq!(code, StatusCode::Success, "login failed: {message}");

    let cli = op_command(
        &channel,
        show_version(),
        OpCommandOutputFormat::OpCommandOutputCli,
    )
    .await
    .expect("OpCommandGet CLI");
    assert!(cli.contains("Hostname:"), "{cli}");
    let xml = op_command(
        &channel,
        Command::XmlCommand("<get-software-information/>".into()),
        OpCommandOutputFormat::OpCommandOutputXml,
    )
    .await
    .expect("OpCommandGet XML");
    assert!(
        xml.contains(&format!("<host-name>{HOST_NAME}</host-name>")),
        "{xml}"
    );
    let json = op_command(
        &channel,
        show_version(),
        OpCommandOutputFormat::OpCommandOutputJson,
    )
    .await
    .expect("OpCommandGet JSON");
    assert!(json.contains("\"software-information\""), "{json}");
}

#[tokio::test]
async fn wrong_password_is_refused_and_calls_stay_unauthenticated() {
    let device = Device::start();
    let channel = clear_channel(&device).await;
    let err = op_command(
        &channel,
        show_version(),
        OpCommandOutputFormat::OpCommandOutputCli,
    )
    .await
    .expect_err("OpCommandGet before Login must fail");
    assert_eq!(err.code(), tonic::Code::Unauthenticated, "{err:?}");

    let (code, message) = login(&channel, "wrong").await;
    assert_eq!(code, StatusCode::Failure);
    assert!(!message.is_empty());
    let err = op_command(
        &channel,
        show_version(),
        OpCommandOutputFormat::OpCommandOutputCli,
    )
    .await
    .expect_err("OpCommandGet after a failed Login must fail");
    assert_eq!(err.code(), tonic::Code::Unauthenticated, "{err:?}");
}

#[tokio::test]
async fn config_set_merge_then_show_version() {
    let device = Device::start();
    let channel = clear_channel(&device).await;
    assert_eq!(login(&channel, ADMIN_PASSWORD).await.0, StatusCode::Success);
    let response = ManagementClient::new(channel.clone())
        .config_set(ConfigSetRequest {
            load_type: ConfigLoadType::ConfigLoadMerge.into(),
            commit: None,
            config: Some(Config::TextConfig(
                "system { host-name compat-renamed; }".into(),
            )),
        })
        .await
        .expect("ConfigSet")
        .into_inner();
    let status = response.status.expect("ConfigSetResponse.status is set");
    assert_eq!(status.code(), StatusCode::Success, "{}", status.message);
    let out = op_command(
        &channel,
        show_version(),
        OpCommandOutputFormat::OpCommandOutputCli,
    )
    .await
    .expect("OpCommandGet");
    assert!(
        out.lines().any(|l| l == "Hostname: compat-renamed"),
        "{out}"
    );
}

/// The legacy `authentication.Login/LoginCheck`. juniper-jet compiles only the
/// new-generation (`2/`) IDL, so these two messages are transcribed from Juniper's 23.1
/// `1/authentication_service.proto` (shipped in the juniper-jet crate) and the call goes
/// through tonic's generic client.
mod legacy {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct LoginRequest {
        #[prost(string, tag = "1")]
        pub user_name: String,
        #[prost(string, tag = "2")]
        pub password: String,
        #[prost(string, tag = "3")]
        pub client_id: String,
        #[prost(string, tag = "4")]
        pub group_id: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct LoginReply {
        #[prost(bool, tag = "1")]
        pub result: bool,
    }

    pub async fn login_check(
        channel: &tonic::transport::Channel,
        password: &str,
    ) -> Result<bool, tonic::Status> {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready()
            .await
            .map_err(|e| tonic::Status::unknown(e.to_string()))?;
        let request = LoginRequest {
            user_name: "admin".into(),
            password: password.into(),
            client_id: "compat-legacy".into(),
            group_id: String::new(),
        };
        let reply: tonic::Response<LoginReply> = grpc
            .unary(
                tonic::Request::new(request),
                tonic::codegen::http::uri::PathAndQuery::from_static(
                    "/authentication.Login/LoginCheck",
                ),
                tonic::codec::ProstCodec::default(),
            )
            .await?;
        Ok(reply.into_inner().result)
    }
}

#[tokio::test]
async fn legacy_login_check() {
    let device = Device::start();
    let channel = clear_channel(&device).await;
    assert!(!legacy::login_check(&channel, "wrong")
        .await
        .expect("LoginCheck"));
    assert!(legacy::login_check(&channel, ADMIN_PASSWORD)
        .await
        .expect("LoginCheck"));
    // LoginCheck authenticates the connection, like Login.
    let out = op_command(
        &channel,
        show_version(),
        OpCommandOutputFormat::OpCommandOutputCli,
    )
    .await
    .expect("OpCommandGet after LoginCheck");
    assert!(out.contains("Hostname:"), "{out}");
}
