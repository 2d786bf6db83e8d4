//! `jet-bench rpc`: unary JET calls from S sessions (each its own connection and login).
//!
//! Two modes, as BENCH.md asks:
//! - throughput (`--rate 0`): every session keeps `--inflight` calls outstanding for
//!   `--seconds`; reports calls/s;
//! - latency (`--rate N`): N calls per second in total, spread over the sessions on a
//!   fixed schedule (open loop: a late reply does not delay the next call); reports the
//!   latency percentiles of the calls.
//!
//! The call is `jnx.jet.routing.interfaces.Interfaces/InterfaceGet` of one interface by
//! name (`--interface`): a read of device state through the same gate, session and
//! authorisation path as every JET API, with a reply that must say SUCCESS.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use futures::StreamExt as _;
use jet_sdk::proto::jnx::jet::routing::interfaces::{
    interface_get_request::Key, interface_get_response, interface_initialize_response,
    interfaces_client::InterfacesClient, InterfaceGetRequest, InterfaceInitializeRequest,
};
use jet_sdk::{ConnectOptions, JetClient};

use crate::stats::{ms, pct};
use tonic::transport::Channel;

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct RpcArgs {
    pub(crate) target: String,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) sessions: usize,
    pub(crate) inflight: usize,
    pub(crate) seconds: f64,
    pub(crate) rate: u32,
    pub(crate) interface: String,
}

async fn session(
    args: &RpcArgs,
    n: usize,
) -> anyhow::Result<(JetClient, InterfacesClient<Channel>)> {
    let c = JetClient::connect(ConnectOptions::clear_text(args.target.clone())).await?;
    c.login(&args.user, &args.password, &format!("jet-bench-rpc-{n}"))
        .await?;
    let mut ifs = InterfacesClient::new(c.channel());
    let r = ifs
        .interface_initialize(InterfaceInitializeRequest {})
        .await?
        .into_inner();
    let ok = [
        interface_initialize_response::StatusCode::SuccessCompleted as i32,
        interface_initialize_response::StatusCode::SuccessRebound as i32,
    ];
    if !ok.contains(&r.sub_code) {
        bail!(
            "InterfaceInitialize failed on session {n}: sub_code {}",
            r.sub_code
        );
    }
    Ok((c, ifs))
}

/// One call; its latency, or an error.
async fn call(mut ifs: InterfacesClient<Channel>, name: Arc<str>) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let r = ifs
        .interface_get(InterfaceGetRequest {
            key: Some(Key::Name(name.to_string())),
            address_format: 0,
        })
        .await?
        .into_inner();
    let d = t.elapsed();
    if r.sub_code != interface_get_response::StatusCode::SuccessCompleted as i32
        || r.entry.is_none()
    {
        bail!("InterfaceGet {name}: sub_code {}", r.sub_code);
    }
    Ok(d)
}

pub(crate) async fn run(args: RpcArgs) -> anyhow::Result<()> {
    if args.sessions == 0 || args.inflight == 0 || args.seconds <= 0.0 {
        bail!("--sessions, --inflight and --seconds must be positive");
    }
    let mut sessions = Vec::new();
    for n in 0..args.sessions {
        sessions.push(
            session(&args, n)
                .await
                .with_context(|| format!("session {n}"))?,
        );
    }
    let name: Arc<str> = Arc::from(args.interface.as_str());
    // Warm-up: one call per session (connection windows, caches).
    for (_, ifs) in &sessions {
        call(ifs.clone(), name.clone()).await?;
    }
    let run_for = Duration::from_secs_f64(args.seconds);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    if args.rate == 0 {
        for (_, ifs) in &sessions {
            let (ifs, name, inflight) = (ifs.clone(), name.clone(), args.inflight);
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0u64;
                let calls = futures::stream::repeat(())
                    .take_while(|_| futures::future::ready(t0.elapsed() < run_for))
                    .map(|_| call(ifs.clone(), name.clone()))
                    .buffer_unordered(inflight);
                futures::pin_mut!(calls);
                while let Some(r) = calls.next().await {
                    match r {
                        Ok(d) => lat.push(d),
                        Err(_) => errors += 1,
                    }
                }
                (lat, errors)
            }));
        }
    } else {
        // Open loop: session k sends at t0 + (i * S + k) / rate.
        let s = args.sessions as u64;
        let total = (args.seconds * f64::from(args.rate)) as u64;
        for (k, (_, ifs)) in sessions.iter().enumerate() {
            let (ifs, name, rate) = (ifs.clone(), name.clone(), u64::from(args.rate));
            tasks.push(tokio::spawn(async move {
                let mut pending = Vec::new();
                let mut i = k as u64;
                while i < total {
                    let at = t0 + Duration::from_nanos(i * 1_000_000_000 / rate);
                    tokio::time::sleep_until(at.into()).await;
                    pending.push(tokio::spawn(call(ifs.clone(), name.clone())));
                    i += s;
                }
                let mut lat = Vec::new();
                let mut errors = 0u64;
                for p in pending {
                    match p.await {
                        Ok(Ok(d)) => lat.push(d),
                        _ => errors += 1,
                    }
                }
                (lat, errors)
            }));
        }
    }
    let mut lat = Vec::new();
    let mut errors = 0u64;
    for t in tasks {
        let (l, e) = t.await?;
        lat.extend(l);
        errors += e;
    }
    let wall = t0.elapsed();
    lat.sort();
    let rate = lat.len() as f64 / wall.as_secs_f64();
    let p = |q| ms(pct(&lat, q));
    let mode = if args.rate == 0 {
        format!("{} in flight per session", args.inflight)
    } else {
        format!("paced at {} calls/s", args.rate)
    };
    println!(
        "jet-bench rpc: InterfaceGet {} from {} sessions, {mode}, {:.1} s",
        args.interface,
        args.sessions,
        wall.as_secs_f64()
    );
    println!(
        "jet-bench rpc sessions={} mode={} calls={} calls_per_s={rate:.0} p50_ms={:.3} p99_ms={:.3} max_ms={:.3} errors={errors}",
        args.sessions,
        if args.rate == 0 { "throughput".to_string() } else { format!("rate{}", args.rate) },
        lat.len(),
        p(50),
        p(99),
        p(100),
    );
    drop(sessions);
    if errors > 0 {
        bail!("{errors} calls failed");
    }
    Ok(())
}
