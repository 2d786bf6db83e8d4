//! `jet-bench bare-relay`: the least a gRPC relay can do with the HTTP/2 crate jsd is
//! built on, as a yardstick for jsd's registration proxy (`jet-bench proxy --target`
//! pointed at it).
//!
//! It serves HTTP/2 with `h2` directly (no hyper, no tonic, no task per call: a
//! connection's calls are driven by the connection's own task) and relays each call
//! unchanged: calls of the bench API (`/openjet.bench.v1.Echo/...`) to the app over one
//! shared connection, as jsd does; every other call (Login, ApiRegister) to the device
//! over a connection of its own per client connection, so that the device still sees one
//! session per client. No login check, no class check, no routing table, no limits: it
//! measures what the relaying itself costs, not a device. Never a product path.

use anyhow::Context as _;
use bytes::Bytes;
use futures::stream::{FuturesUnordered, StreamExt as _};
use h2::client::SendRequest;
use h2::server::SendResponse;
use h2::RecvStream;
use tokio::net::{TcpListener, TcpStream};

/// Calls whose path starts with this go to the app.
const BENCH_PREFIX: &str = "/openjet.bench.v1.Echo/";

/// Listens on `listen`; relays bench calls to `app`, the rest to `device`.
pub(crate) async fn run(listen: &str, app: &str, device: &str) -> anyhow::Result<()> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let to_app = client(app)
        .await
        .with_context(|| format!("the app at {app}"))?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (sock, peer) = listener.accept().await.context("accepting")?;
        let to_app = to_app.clone();
        let device = device.to_owned();
        tokio::spawn(async move {
            let result = async {
                let to_device = client(&device)
                    .await
                    .with_context(|| format!("the device at {device}"))?;
                serve(sock, to_device, to_app).await
            }
            .await;
            if let Err(e) = result {
                eprintln!("bare-relay: connection from {peer}: {e:#}");
            }
        });
    }
}

/// An HTTP/2 connection to `addr`, driven by a task of its own.
async fn client(addr: &str) -> anyhow::Result<SendRequest<Bytes>> {
    let sock = TcpStream::connect(addr).await?;
    sock.set_nodelay(true)?;
    // The windows jsd's proxy uses towards apps.
    let (send, conn) = h2::client::Builder::new()
        .initial_window_size(2 * 1024 * 1024)
        .initial_connection_window_size(5 * 1024 * 1024)
        .handshake::<_, Bytes>(sock)
        .await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(send)
}

/// One client connection: its calls are polled by this task, none gets a task.
async fn serve(
    sock: TcpStream,
    to_device: SendRequest<Bytes>,
    to_app: SendRequest<Bytes>,
) -> anyhow::Result<()> {
    sock.set_nodelay(true)?;
    let mut conn = h2::server::handshake(sock).await?;
    let mut calls = FuturesUnordered::new();
    loop {
        tokio::select! {
            next = conn.accept() => match next {
                Some(Ok((req, respond))) => {
                    let upstream = if req.uri().path().starts_with(BENCH_PREFIX) {
                        to_app.clone()
                    } else {
                        to_device.clone()
                    };
                    calls.push(relay(req, respond, upstream));
                }
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(()) = calls.next(), if !calls.is_empty() => {}
        }
    }
}

/// Relays one call: request head and body, then the answer's head, body and trailers.
async fn relay(
    req: http::Request<RecvStream>,
    mut respond: SendResponse<Bytes>,
    upstream: SendRequest<Bytes>,
) {
    let result: Result<(), h2::Error> = async {
        let (head, mut body) = req.into_parts();
        let mut send = upstream.ready().await?;
        let eos = body.is_end_stream();
        let (answer, mut tx) = send.send_request(http::Request::from_parts(head, ()), eos)?;
        if !eos {
            while let Some(data) = body.data().await {
                let data = data?;
                let _ = body.flow_control().release_capacity(data.len());
                tx.send_data(data, body.is_end_stream())?;
            }
            if let Some(trailers) = body.trailers().await? {
                tx.send_trailers(trailers)?;
            }
        }
        let (head, mut body) = answer.await?.into_parts();
        let eos = body.is_end_stream();
        let mut out = respond.send_response(http::Response::from_parts(head, ()), eos)?;
        if eos {
            return Ok(());
        }
        while let Some(data) = body.data().await {
            let data = data?;
            let _ = body.flow_control().release_capacity(data.len());
            out.send_data(data, false)?;
        }
        match body.trailers().await? {
            Some(trailers) => out.send_trailers(trailers),
            None => out.send_data(Bytes::new(), true),
        }
    }
    .await;
    if let Err(e) = result {
        respond.send_reset(e.reason().unwrap_or(h2::Reason::INTERNAL_ERROR));
    }
}
