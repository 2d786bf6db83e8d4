//! The Rust SDK for JET applications.
//!
//! Connect to a JET device (OpenJET's `jetd` or a Junos router) over clear text or TLS,
//! log in, and use the typed clients generated from the JET IDL. A JET session is one
//! connection: [`JetClient`] holds exactly one HTTP/2 connection, and `Login` authorises
//! the calls made on it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), jet_sdk::Error> {
//! use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
//! let jet = JetClient::connect(ConnectOptions::clear_text("127.0.0.1:32767")).await?;
//! jet.login("admin", "secret", "my-app").await?;
//! println!("{}", jet.op_command("show version", OutputFormat::Text).await?);
//! # Ok(()) }
//! ```
//!
//! Owns: connection setup and the convenience calls above. It must not hide JET
//! semantics: every generated client stays reachable through [`JetClient::channel`] and the
//! re-exported [`proto`] modules.

pub mod app_commands;
pub mod firewall;
pub mod interfaces;
pub mod raw;
pub mod registration;
pub mod traffic;
pub mod tunnels;

use std::time::Duration;

use futures::StreamExt as _;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

/// The generated JET protobuf types and clients (new `jnx.jet.*` generation and the
/// legacy `authentication` / `management` services).
pub use jet_proto as proto;

use proto::jnx::jet::authentication::authentication_client::AuthenticationClient;
use proto::jnx::jet::authentication::LoginRequest;
use proto::jnx::jet::common::StatusCode;
use proto::jnx::jet::firewall::firewall_client::FirewallClient;
use proto::jnx::jet::interfaces::interfaces_client::InterfacesClient;
use proto::jnx::jet::management::management_client::ManagementClient;
use proto::jnx::jet::management::{
    config_set_request, op_command_get_request, ConfigCommit, ConfigLoadType, ConfigSetRequest,
    OpCommandGetRequest, OpCommandOutputFormat,
};
use proto::jnx::jet::registration::{
    api_register_request, registration_client::RegistrationClient, ApiRegisterRequest,
};
use proto::jnx::jet::routing::base::base_client::BaseClient;
use proto::jnx::jet::routing::rib::flexible_tunnel_client::FlexibleTunnelClient;
use proto::jnx::jet::routing::rib::rib_client::RibClient;
use proto::openjet::traffic::v1::traffic_client::TrafficClient;

/// What can go wrong talking to a JET device.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address or TLS options are unusable.
    #[error("invalid connection options: {0}")]
    Options(String),
    /// The connection could not be set up.
    #[error("cannot connect to {address}: {source}")]
    Connect {
        /// Where we tried.
        address: String,
        /// Why it failed.
        source: tonic::transport::Error,
    },
    /// The device answered the call with a gRPC error.
    #[error("{}: {}", .0.code(), .0.message())]
    Rpc(#[from] tonic::Status),
    /// The device refused the request (JET status FAILURE).
    #[error("{0}")]
    Failed(String),
}

/// TLS settings.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// PEM CA certificate(s) that signed the device's certificate.
    pub ca_pem: Option<Vec<u8>>,
    /// Name to verify the device certificate against, when it differs from the host in
    /// the address (`grpc.ssl_target_name_override` in gRPC terms).
    pub server_name: Option<String>,
    /// Client certificate and key (PEM) for mutual TLS.
    pub client_identity: Option<(Vec<u8>, Vec<u8>)>,
}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `host:port` of the device's JET service.
    pub address: String,
    /// `None` for clear text.
    pub tls: Option<TlsOptions>,
    /// Connection set-up timeout.
    pub connect_timeout: Duration,
}

impl ConnectOptions {
    /// Clear-text gRPC to `host:port`.
    pub fn clear_text(address: impl Into<String>) -> Self {
        ConnectOptions {
            address: address.into(),
            tls: None,
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// gRPC over TLS to `host:port`.
    pub fn tls(address: impl Into<String>, tls: TlsOptions) -> Self {
        ConnectOptions {
            address: address.into(),
            tls: Some(tls),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// The connection the usual environment variables describe, as the example apps
    /// take it: `JET_ADDRESS` (`host:port`, default `127.0.0.1:32767`); `JET_CA`, a PEM
    /// file of the CA that signed the device's certificate, switches to TLS;
    /// `JET_SERVER_NAME` is the name in that certificate when it is not the host in
    /// `JET_ADDRESS`. Unset and empty variables count as absent.
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let address = var("JET_ADDRESS").unwrap_or_else(|| "127.0.0.1:32767".to_owned());
        let Some(ca_path) = var("JET_CA") else {
            // No CA: clear-text gRPC, as jetd's factory configuration serves on loopback.
            return Ok(ConnectOptions::clear_text(address));
        };
        let ca_pem = std::fs::read(&ca_path)
            .map_err(|e| Error::Options(format!("cannot read JET_CA '{ca_path}': {e}")))?;
        let tls = TlsOptions {
            ca_pem: Some(ca_pem),
            server_name: var("JET_SERVER_NAME"),
            // Set this to (certificate PEM, key PEM) when the device asks for mutual TLS.
            client_identity: None,
        };
        Ok(ConnectOptions::tls(address, tls))
    }
}

/// Output format of operational commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// CLI text.
    Text,
    /// Junos XML.
    Xml,
    /// Junos JSON.
    Json,
}

impl From<OutputFormat> for OpCommandOutputFormat {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Text => OpCommandOutputFormat::OpCommandOutputCli,
            OutputFormat::Xml => OpCommandOutputFormat::OpCommandOutputXml,
            OutputFormat::Json => OpCommandOutputFormat::OpCommandOutputJson,
        }
    }
}

/// One JET session: a single connection to the device.
#[derive(Debug, Clone)]
pub struct JetClient {
    channel: Channel,
}

impl JetClient {
    /// Opens the connection (the JET session).
    pub async fn connect(opts: ConnectOptions) -> Result<JetClient, Error> {
        let scheme = if opts.tls.is_some() { "https" } else { "http" };
        let uri = format!("{scheme}://{}", opts.address);
        let mut ep = Endpoint::from_shared(uri.clone())
            .map_err(|e| Error::Options(format!("address '{}': {e}", opts.address)))?
            .connect_timeout(opts.connect_timeout)
            .tcp_nodelay(true);
        if let Some(tls) = &opts.tls {
            let mut cfg = ClientTlsConfig::new();
            if let Some(ca) = &tls.ca_pem {
                cfg = cfg.ca_certificate(Certificate::from_pem(ca));
            }
            let host = opts
                .address
                .rsplit_once(':')
                .map_or(opts.address.as_str(), |(h, _)| h);
            let name = tls
                .server_name
                .clone()
                .unwrap_or_else(|| host.trim_matches(['[', ']']).to_owned());
            cfg = cfg.domain_name(name);
            if let Some((cert, key)) = &tls.client_identity {
                cfg = cfg.identity(Identity::from_pem(cert, key));
            }
            ep = ep
                .tls_config(cfg)
                .map_err(|e| Error::Options(format!("TLS: {e}")))?;
        }
        let channel = ep.connect().await.map_err(|source| Error::Connect {
            address: opts.address,
            source,
        })?;
        Ok(JetClient { channel })
    }

    /// Opens a session over the device's local socket (an on-box application: the
    /// device knows the caller from its process and logs it in as its configured
    /// `username`, with its application name as client id; no Login call is needed).
    pub async fn connect_local(path: impl AsRef<std::path::Path>) -> Result<JetClient, Error> {
        let path = path.as_ref().to_owned();
        let shown = path.display().to_string();
        // The URI is required by the endpoint but unused: the connector dials the socket.
        let ep = Endpoint::from_static("http://localhost");
        let channel = ep
            .connect_with_connector(tower::service_fn(move |_: tonic::transport::Uri| {
                let path = path.clone();
                async move {
                    let s = tokio::net::UnixStream::connect(path).await?;
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(s))
                }
            }))
            .await
            .map_err(|source| Error::Connect {
                address: shown,
                source,
            })?;
        Ok(JetClient { channel })
    }

    /// An on-box application's session, from the environment the device starts it
    /// with: the local socket in `JET_SOCKET`.
    pub async fn connect_on_box() -> Result<JetClient, Error> {
        let path = std::env::var_os("JET_SOCKET")
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                Error::Options("JET_SOCKET is not set (not started by the device)".into())
            })?;
        JetClient::connect_local(path).await
    }

    /// The underlying channel, for any generated client:
    /// `proto::jnx::jet::routing::rib::rib_client::RibClient::new(jet.channel())`.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// `jnx.jet.authentication.Authentication/Login`: authenticates this session.
    pub async fn login(&self, user: &str, password: &str, client_id: &str) -> Result<(), Error> {
        let reply = AuthenticationClient::new(self.channel())
            .login(LoginRequest {
                username: user.into(),
                password: password.into(),
                client_id: client_id.into(),
                group_id: String::new(),
            })
            .await?
            .into_inner();
        match reply.status {
            Some(s) if s.code == StatusCode::Success as i32 => Ok(()),
            Some(s) => Err(Error::Failed(s.message)),
            None => Err(Error::Failed("login reply without a status".into())),
        }
    }

    /// A Management client on this session.
    pub fn management(&self) -> ManagementClient<Channel> {
        ManagementClient::new(self.channel())
    }

    /// A `jnx.jet.routing.rib.Rib` client (programmable RIB) on this session.
    ///
    /// The generated client, untouched: every JET rule still applies. In particular
    /// `RouteInitialize` must be the first RIB call on each connection (others answer
    /// NOT_INITIALIZED), and routes belong to the `client_id` given at [`JetClient::login`]:
    /// after a disconnect they stay for the purge time, and a new session with the same
    /// client id that calls `RouteInitialize` gets them back (`SUCCESS_REBOUND`).
    /// Failures come back as a JET `status` plus a `sub_code`
    /// (`proto::jnx::jet::routing::rib::StatusCode`), not as a gRPC error.
    ///
    /// ```no_run
    /// # async fn demo(jet: &jet_sdk::JetClient) -> Result<(), jet_sdk::Error> {
    /// use jet_sdk::proto::jnx::jet::routing::rib::RouteInitializeRequest;
    /// let init = jet.rib().route_initialize(RouteInitializeRequest::default()).await?;
    /// println!("{} routes still owned", init.into_inner().num_client_routes);
    /// # Ok(()) }
    /// ```
    pub fn rib(&self) -> RibClient<Channel> {
        RibClient::new(self.channel())
    }

    /// A `jnx.jet.routing.base.Base` client on this session: the purge timer of this
    /// client id (`RoutePurgeTimerAdd/Get/Delete`, 1–1000 s, default 120 s) and
    /// `RouteSummaryGet`.
    pub fn routing_base(&self) -> BaseClient<Channel> {
        BaseClient::new(self.channel())
    }

    /// A `jnx.jet.firewall.Firewall` client on this session: filters, policers,
    /// bindings and counters owned by this client id (see [`firewall`] for builders).
    pub fn firewall(&self) -> FirewallClient<Channel> {
        FirewallClient::new(self.channel())
    }

    /// A `jnx.jet.interfaces.Interfaces` (dcd) client on this session: interfaces,
    /// units, families, addresses and ARP/NDP entries owned by this client id (see
    /// [`interfaces`] for builders).
    pub fn interfaces(&self) -> InterfacesClient<Channel> {
        InterfacesClient::new(self.channel())
    }

    /// A `jnx.jet.routing.rib.FlexibleTunnel` client on this session (see [`tunnels`]
    /// for profile builders).
    pub fn flexible_tunnel(&self) -> FlexibleTunnelClient<Channel> {
        FlexibleTunnelClient::new(self.channel())
    }

    /// An `openjet.traffic.v1.Traffic` client on this session: simulated flows through
    /// the device's filters and routes, and single-packet tests (OpenJET only; see
    /// [`traffic`] for builders).
    pub fn traffic(&self) -> TrafficClient<Channel> {
        TrafficClient::new(self.channel())
    }

    /// A `jnx.jet.registration.Registration` client on this session.
    pub fn registration(&self) -> RegistrationClient<Channel> {
        RegistrationClient::new(self.channel())
    }

    /// Registers `api` (served by the app at `target`: `127.0.0.1:50051`, `[::1]:50051`
    /// or `unix:/path`) under `id`; registering the same `id` again replaces it. After
    /// this, calls of the API's RPCs on the device's JET port reach `target`.
    /// `skip_authentication`: TLS clients may call them without Login.
    pub async fn register_api(
        &self,
        id: &str,
        target: &str,
        api: &registration::Api,
        skip_authentication: bool,
    ) -> Result<(), Error> {
        let req = ApiRegisterRequest {
            input_type: Some(api_register_request::InputType::JsonString(api.to_json())),
            target: target.into(),
            id: id.into(),
            skip_authentication,
            ..Default::default()
        };
        let reply = self.registration().api_register(req).await?.into_inner();
        match reply.status {
            Some(s) if s.code == StatusCode::Success as i32 => Ok(()),
            Some(s) => Err(Error::Failed(s.message)),
            None => Err(Error::Failed("ApiRegister reply without a status".into())),
        }
    }

    /// Runs an operational command (`show version`) and returns its whole output.
    pub async fn op_command(&self, command: &str, format: OutputFormat) -> Result<String, Error> {
        self.op_request(
            op_command_get_request::Command::CliCommand(command.into()),
            format,
        )
        .await
    }

    /// Runs a Junos XML RPC (`<get-software-information/>`) and returns its whole output.
    pub async fn op_xml_rpc(&self, rpc: &str, format: OutputFormat) -> Result<String, Error> {
        self.op_request(
            op_command_get_request::Command::XmlCommand(rpc.into()),
            format,
        )
        .await
    }

    async fn op_request(
        &self,
        command: op_command_get_request::Command,
        format: OutputFormat,
    ) -> Result<String, Error> {
        let req = OpCommandGetRequest {
            command: Some(command),
            out_format: OpCommandOutputFormat::from(format) as i32,
        };
        let mut stream = self.management().op_command_get(req).await?.into_inner();
        let mut out = String::new();
        while let Some(msg) = stream.next().await {
            let msg = msg?;
            if let Some(s) = &msg.status {
                if s.code != StatusCode::Success as i32 {
                    return Err(Error::Failed(s.message.clone()));
                }
            }
            out.push_str(&msg.data);
        }
        Ok(out)
    }

    /// Loads text configuration (curly braces, or `set` commands with
    /// [`ConfigLoadType::ConfigLoadSet`]) and commits it.
    pub async fn config_set_text(
        &self,
        text: &str,
        load_type: ConfigLoadType,
        comment: &str,
    ) -> Result<(), Error> {
        let req = ConfigSetRequest {
            config: Some(config_set_request::Config::TextConfig(text.into())),
            load_type: load_type as i32,
            commit: Some(ConfigCommit {
                r#type: 0,
                comment: comment.into(),
            }),
        };
        let reply = self.management().config_set(req).await?.into_inner();
        match reply.status {
            Some(s) if s.code == StatusCode::Success as i32 => Ok(()),
            Some(s) => Err(Error::Failed(s.message)),
            None => Err(Error::Failed("ConfigSet reply without a status".into())),
        }
    }
}
