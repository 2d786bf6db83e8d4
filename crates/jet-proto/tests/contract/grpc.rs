//! A generated server and a generated client talk over loopback TCP: a new-generation
//! service and a legacy one side by side on one port, as jsd serves them.

use jet_proto::authentication::login_server::{Login, LoginServer};
use jet_proto::authentication::{login_client::LoginClient, LoginReply, LoginRequest};
use jet_proto::jnx::jet::common::{RpcStatus, StatusCode};
use jet_proto::jnx::jet::management::management_client::ManagementClient;
use jet_proto::jnx::jet::management::management_server::{Management, ManagementServer};
use jet_proto::jnx::jet::management::{self as mgmt, op_command_get_request::Command};
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::StreamExt;
use tonic::{Request, Response, Status};

struct EchoManagement;

#[tonic::async_trait]
impl Management for EchoManagement {
    type OpCommandGetStream =
        tokio_stream::Iter<std::vec::IntoIter<Result<mgmt::OpCommandGetResponse, Status>>>;

    async fn op_command_get(
        &self,
        request: Request<mgmt::OpCommandGetRequest>,
    ) -> Result<Response<Self::OpCommandGetStream>, Status> {
        let Some(Command::CliCommand(cli)) = request.into_inner().command else {
            return Err(Status::invalid_argument("cli_command required"));
        };
        let chunk = |data: String| {
            Ok(mgmt::OpCommandGetResponse {
                status: Some(RpcStatus {
                    code: StatusCode::Success as i32,
                    message: String::new(),
                }),
                data,
            })
        };
        let chunks = vec![chunk(format!("output of {cli}")), chunk(" (end)".into())];
        Ok(Response::new(tokio_stream::iter(chunks)))
    }

    async fn config_set(
        &self,
        _: Request<mgmt::ConfigSetRequest>,
    ) -> Result<Response<mgmt::ConfigSetResponse>, Status> {
        Err(Status::unimplemented("not in this test"))
    }

    async fn ephemeral_config_get(
        &self,
        _: Request<mgmt::EphemeralConfigGetRequest>,
    ) -> Result<Response<mgmt::EphemeralConfigGetResponse>, Status> {
        Err(Status::unimplemented("not in this test"))
    }

    async fn ephemeral_config_set(
        &self,
        _: Request<mgmt::EphemeralConfigSetRequest>,
    ) -> Result<Response<mgmt::EphemeralConfigSetResponse>, Status> {
        Err(Status::unimplemented("not in this test"))
    }
}

struct AcceptAdmin;

#[tonic::async_trait]
impl Login for AcceptAdmin {
    async fn login_check(
        &self,
        request: Request<LoginRequest>,
    ) -> Result<Response<LoginReply>, Status> {
        let result = request.into_inner().user_name == "admin";
        Ok(Response::new(LoginReply { result }))
    }
}

#[tokio::test]
async fn generated_server_and_client_interoperate_incl_server_streaming() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ManagementServer::new(EchoManagement))
            .add_service(LoginServer::new(AcceptAdmin))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let url = format!("http://{addr}");

    let mut login = LoginClient::connect(url.clone()).await.unwrap();
    let reply = login
        .login_check(LoginRequest {
            user_name: "admin".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(reply.into_inner().result);

    let mut client = ManagementClient::connect(url).await.unwrap();
    let mut stream = client
        .op_command_get(mgmt::OpCommandGetRequest {
            command: Some(Command::CliCommand("show version".into())),
            out_format: mgmt::OpCommandOutputFormat::OpCommandOutputCli as i32,
        })
        .await
        .unwrap()
        .into_inner();
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        text.push_str(&chunk.unwrap().data);
    }
    assert_eq!(text, "output of show version (end)");

    let err = client
        .config_set(mgmt::ConfigSetRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unimplemented);
    server.abort();
}
