//! `jet-bench proxy`: the cost of jsd's registration proxy. The tool serves a small app
//! API of its own (`openjet.bench.v1.Echo/Say`, raw bytes in and out, so no `.proto` is
//! needed) on a loopback port, registers it with the device (`ApiRegister`), then runs
//! the same unary load twice, alternately, `--rounds` times:
//!
//! - **direct**: S connections straight to the app's server;
//! - **proxied**: S logged-in JET sessions calling the same method on the device's JET
//!   port, which jsd forwards to the app (gate, login and class check, then the proxy).
//!
//! Each round reports calls/s of both and their ratio (direct / proxied: the overhead
//! factor; the target is ≤ 1.5); the medians over the rounds come last.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use bytes::Bytes;
use futures::StreamExt as _;
use jet_sdk::raw::RawCodec;
use jet_sdk::registration::{Api, Rpc};
use jet_sdk::{ConnectOptions, JetClient};
use tonic::body::Body;
use tonic::server::{NamedService, UnaryService};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use crate::stats::{ms, pct};

const SERVICE: &str = "openjet.bench.v1.Echo";
const SAY: &str = "/openjet.bench.v1.Echo/Say";
const REGISTRATION_ID: &str = "jet-bench-proxy";

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct ProxyArgs {
    pub(crate) target: String,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) sessions: usize,
    pub(crate) inflight: usize,
    pub(crate) seconds: f64,
    pub(crate) rounds: usize,
    /// Slices per run, direct and proxied alternating (1: one run of each per round).
    pub(crate) slices: usize,
    pub(crate) payload: usize,
    /// An app server of the bench API to measure instead of the tool's own.
    pub(crate) app: Option<String>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The app's API: `Say` answers its request unchanged.
#[derive(Clone, Default)]
struct Echo;

impl NamedService for Echo {
    const NAME: &'static str = SERVICE;
}

struct Say;

impl UnaryService<Bytes> for Say {
    type Response = Bytes;
    type Future = BoxFuture<Result<Response<Bytes>, Status>>;
    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        Box::pin(async move { Ok(Response::new(req.into_inner())) })
    }
}

impl tower::Service<http::Request<Body>> for Echo {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        Box::pin(async move {
            let mut g = tonic::server::Grpc::new(RawCodec);
            Ok(if req.uri().path() == SAY {
                g.unary(Say, req).await
            } else {
                Status::unimplemented(format!("app: {}", req.uri().path())).into_http()
            })
        })
    }
}

/// One unary call of `Say` on `channel`; its latency.
async fn say(channel: Channel, body: Bytes) -> anyhow::Result<Duration> {
    let mut g = tonic::client::Grpc::new(channel);
    let t = Instant::now();
    g.ready().await.context("channel not ready")?;
    let sent = body.len();
    let r = g
        .unary(
            Request::new(body),
            http::uri::PathAndQuery::from_static(SAY),
            RawCodec,
        )
        .await?;
    let d = t.elapsed();
    if r.get_ref().len() != sent {
        bail!("Say answered {} bytes for {sent}", r.get_ref().len());
    }
    Ok(d)
}

/// Calls/s and latencies of `inflight` calls kept outstanding on each channel.
async fn load(
    channels: &[Channel],
    inflight: usize,
    seconds: f64,
    body: Bytes,
) -> anyhow::Result<(f64, Vec<Duration>)> {
    let run_for = Duration::from_secs_f64(seconds);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for ch in channels {
        let (ch, body) = (ch.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let calls = futures::stream::repeat(())
                .take_while(|_| futures::future::ready(t0.elapsed() < run_for))
                .map(|_| say(ch.clone(), body.clone()))
                .buffer_unordered(inflight);
            futures::pin_mut!(calls);
            let mut lat = Vec::new();
            while let Some(r) = calls.next().await {
                lat.push(r?);
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let rate = lat.len() as f64 / t0.elapsed().as_secs_f64();
    lat.sort();
    Ok((rate, lat))
}

/// Binds `listen` and returns its address and the bench app's tonic server on it.
async fn serve_echo(
    listen: &str,
) -> anyhow::Result<(
    std::net::SocketAddr,
    impl Future<Output = Result<(), tonic::transport::Error>>,
)> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding the app's port {listen}"))?;
    let addr = listener.local_addr()?;
    // TCP_NODELAY, as tonic's `serve` and grpcio servers set it (`serve_with_incoming`
    // leaves a listener's sockets as they come: Nagle on, which holds small answers back
    // behind delayed ACKs).
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let server = tonic::transport::Server::builder()
        .add_service(Echo)
        .serve_with_incoming(incoming);
    Ok((addr, server))
}

/// `jet-bench echo-app`: the bench API served by a process of its own, as a Rust JET
/// app serves its API (`jet-bench proxy --app` measures it). Prints `listening on
/// ADDR` once it accepts calls.
pub(crate) async fn echo_app(listen: &str) -> anyhow::Result<()> {
    let (addr, server) = serve_echo(listen).await?;
    println!("listening on {addr}");
    server.await.context("serving the bench app")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub(crate) async fn run(args: ProxyArgs) -> anyhow::Result<()> {
    if args.sessions == 0 || args.inflight == 0 || args.seconds <= 0.0 || args.rounds == 0 {
        bail!("--sessions, --inflight, --seconds and --rounds must be positive");
    }
    // The app: one given, or a tonic server of the tool's own on a free loopback port.
    let (app_addr, server) = match &args.app {
        Some(app) => (app.clone(), None),
        None => {
            let (addr, server) = serve_echo("127.0.0.1:0").await?;
            (addr.to_string(), Some(tokio::spawn(server)))
        }
    };

    // The device: one session registers the API; S sessions call it.
    let admin = JetClient::connect(ConnectOptions::clear_text(args.target.clone())).await?;
    admin
        .login(&args.user, &args.password, "jet-bench-proxy")
        .await
        .context("login")?;
    let api = Api::new().service(SERVICE, [Rpc::unary("Say")]);
    admin
        .register_api(REGISTRATION_ID, &app_addr, &api, false)
        .await
        .context("ApiRegister of the bench app")?;
    // The registering session is the first caller: the device's default is 8 sessions.
    let mut proxied = vec![admin.channel()];
    let mut direct = Vec::new();
    let mut clients = Vec::new();
    for n in 1..args.sessions {
        let c = JetClient::connect(ConnectOptions::clear_text(args.target.clone())).await?;
        c.login(&args.user, &args.password, &format!("jet-bench-proxy-{n}"))
            .await
            .with_context(|| format!("login of session {n}"))?;
        proxied.push(c.channel());
        clients.push(c);
    }
    for _ in 0..args.sessions {
        direct.push(
            Channel::from_shared(format!("http://{app_addr}"))?
                .connect()
                .await
                .context("connecting to the app directly")?,
        );
    }
    let body = Bytes::from(vec![b'x'; args.payload]);
    // Warm-up: one call per channel, both ways.
    for ch in proxied.iter().chain(&direct) {
        say(ch.clone(), body.clone())
            .await
            .context("warm-up call")?;
    }
    let slices = args.slices;
    println!(
        "jet-bench proxy: unary {SAY} ({} B), {} sessions x {} in flight, {} s per run in {} slices, {} rounds, app {}",
        args.payload,
        args.sessions,
        args.inflight,
        args.seconds,
        slices,
        args.rounds,
        if args.app.is_some() { app_addr.as_str() } else { "the tool's own (tonic)" }
    );
    let slice = args.seconds / slices as f64;
    let (mut d_rates, mut p_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=args.rounds {
        // Slices of equal length: the run's rate is the mean of the slices' rates.
        let (mut d, mut dl, mut p, mut pl) = (0.0, Vec::new(), 0.0, Vec::new());
        for _ in 0..slices {
            let (r, mut l) = load(&direct, args.inflight, slice, body.clone()).await?;
            d += r / slices as f64;
            dl.append(&mut l);
            let (r, mut l) = load(&proxied, args.inflight, slice, body.clone()).await?;
            p += r / slices as f64;
            pl.append(&mut l);
        }
        dl.sort_unstable();
        pl.sort_unstable();
        println!(
            "round {round}: direct calls_per_s={d:.0} p50_ms={:.3} p99_ms={:.3} | proxied calls_per_s={p:.0} p50_ms={:.3} p99_ms={:.3} | overhead={:.2}",
            ms(pct(&dl, 50)),
            ms(pct(&dl, 99)),
            ms(pct(&pl, 50)),
            ms(pct(&pl, 99)),
            d / p
        );
        d_rates.push(d);
        p_rates.push(p);
        ratios.push(d / p);
    }
    println!(
        "jet-bench proxy median: direct_calls_per_s={:.0} proxied_calls_per_s={:.0} overhead={:.2}",
        median(d_rates),
        median(p_rates),
        median(ratios)
    );
    // The registration is durable (the contract has no unregister): it stays under
    // its id, and the next run replaces it.
    if let Some(server) = server {
        server.abort();
    }
    Ok(())
}
