//! An MQTT 3.1.1 client on our own [`codec`](crate::codec), for bridges that forward
//! messages to a remote broker (a Mosquitto or EMQX cluster collecting many devices'
//! events).
//!
//! ```text
//!  mpsc::Receiver<Publish> ──► run_bridge ──► QoS 1 PUBLISH ──► remote broker
//!                              (window of unacknowledged messages, resent with DUP
//!                               after a reconnect; reconnects with doubling back-off)
//! ```
//!
//! [`Client`] is one connection (CONNECT/CONNACK, then packets both ways);
//! [`run_bridge`] keeps one alive and forwards a queue into it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::codec::{self, Connect, Packet, ProtocolVersion, Publish, QoS};
use crate::error::ClientError;

const VERSION: ProtocolVersion = ProtocolVersion::V3_1_1;
/// Largest packet accepted from the remote broker.
const MAX_PACKET: usize = 1 << 20;
/// How long the remote broker has to accept the TCP connection and answer CONNECT.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// QoS 1 messages sent and not yet acknowledged, at most.
const WINDOW: usize = 64;
/// First and longest pause between reconnection attempts.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// One connection to a remote broker, after a successful CONNECT.
pub struct Client {
    stream: TcpStream,
    rbuf: BytesMut,
    wbuf: BytesMut,
}

impl Client {
    /// Connects to `addr` and sends `connect` (spoken as MQTT 3.1.1); returns once the
    /// broker accepted it (CONNACK success) and whether it kept a session for us.
    pub async fn connect(
        addr: SocketAddr,
        connect: Connect,
    ) -> Result<(Client, bool), ClientError> {
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
            .await
            .map_err(|_| ClientError::Timeout(CONNECT_TIMEOUT))?
            .map_err(|source| ClientError::Connect { addr, source })?;
        let _ = stream.set_nodelay(true);
        let mut c = Client {
            stream,
            rbuf: BytesMut::with_capacity(4096),
            wbuf: BytesMut::with_capacity(4096),
        };
        c.send(&Packet::Connect(Box::new(Connect {
            version: VERSION,
            ..connect
        })))
        .await?;
        let ack = tokio::time::timeout(CONNECT_TIMEOUT, c.recv())
            .await
            .map_err(|_| ClientError::Timeout(CONNECT_TIMEOUT))??;
        match ack {
            Packet::ConnAck(a) if a.code.is_error() => Err(ClientError::Refused(a.code.0)),
            Packet::ConnAck(a) => Ok((c, a.session_present)),
            other => Err(ClientError::Unexpected(other.name())),
        }
    }

    /// Writes one packet.
    pub async fn send(&mut self, p: &Packet) -> Result<(), ClientError> {
        self.wbuf.clear();
        codec::encode(p, VERSION, &mut self.wbuf)?;
        self.stream.write_all(&self.wbuf).await?;
        Ok(())
    }

    /// Reads the next packet. Cancel-safe: bytes read so far stay buffered.
    pub async fn recv(&mut self) -> Result<Packet, ClientError> {
        loop {
            if let Some(p) = codec::decode_buf(&mut self.rbuf, VERSION, MAX_PACKET)? {
                return Ok(p);
            }
            if self.stream.read_buf(&mut self.rbuf).await? == 0 {
                return Err(ClientError::Closed);
            }
        }
    }
}

/// Where and as whom a bridge connects.
#[derive(Debug, Clone)]
pub struct BridgeOptions {
    /// The bridge's name, for logs.
    pub name: String,
    /// The remote broker.
    pub broker: SocketAddr,
    /// Our client identifier there (the session is kept across reconnects).
    pub client_id: String,
    /// PINGREQ interval while nothing else is sent.
    pub keep_alive: Duration,
}

/// Forwards every message of `rx` to the remote broker at QoS 1 until `rx` closes.
///
/// While the broker is unreachable nothing is taken from `rx` beyond the window, so the
/// sender's bounded queue fills and the sender decides what to drop. Messages sent and
/// not acknowledged when a connection breaks are sent again, marked DUP, on the next.
pub async fn run_bridge(opts: BridgeOptions, mut rx: mpsc::Receiver<Publish>) {
    let mut unacked: VecDeque<Publish> = VecDeque::new();
    let mut next_pid: u16 = 0;
    let mut backoff = MIN_BACKOFF;
    loop {
        let mut connect = Connect::new(VERSION, opts.client_id.clone());
        connect.clean_start = false;
        connect.keep_alive = u16::try_from(opts.keep_alive.as_secs()).unwrap_or(u16::MAX);
        let error = match Client::connect(opts.broker, connect).await {
            Ok((client, _)) => {
                tracing::info!(bridge = %opts.name, broker = %opts.broker, "notification bridge connected");
                backoff = MIN_BACKOFF;
                match forward(client, &opts, &mut rx, &mut unacked, &mut next_pid).await {
                    Ok(()) => return,
                    Err(e) => e,
                }
            }
            Err(e) => e,
        };
        tracing::warn!(bridge = %opts.name, broker = %opts.broker, %error, retry_in = ?backoff, "notification bridge disconnected");
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One connection's life: resend what is unacknowledged, then forward until `rx`
/// closes (`Ok`) or the connection fails.
async fn forward(
    mut client: Client,
    opts: &BridgeOptions,
    rx: &mut mpsc::Receiver<Publish>,
    unacked: &mut VecDeque<Publish>,
    next_pid: &mut u16,
) -> Result<(), ClientError> {
    for p in unacked.iter_mut() {
        p.dup = true;
        client.send(&Packet::Publish(p.clone())).await?;
    }
    let mut ping = tokio::time::interval(opts.keep_alive.max(Duration::from_secs(1)));
    ping.tick().await;
    let mut ping_outstanding = false;
    loop {
        tokio::select! {
            m = rx.recv(), if unacked.len() < WINDOW => {
                let Some(mut p) = m else { return Ok(()) };
                *next_pid = next_free_pid(*next_pid, unacked);
                p.qos = QoS::AtLeastOnce;
                p.pid = *next_pid;
                p.dup = false;
                client.send(&Packet::Publish(p.clone())).await?;
                unacked.push_back(p);
            }
            r = client.recv() => match r? {
                Packet::PubAck(a) => unacked.retain(|p| p.pid != a.pid),
                Packet::PingResp => ping_outstanding = false,
                _ => {}
            },
            _ = ping.tick() => {
                if ping_outstanding {
                    return Err(ClientError::Timeout(opts.keep_alive));
                }
                client.send(&Packet::PingReq).await?;
                ping_outstanding = true;
            }
        }
    }
}

/// The packet identifier after `last` that no unacknowledged message uses (never 0).
fn next_free_pid(last: u16, unacked: &VecDeque<Publish>) -> u16 {
    let mut pid = last;
    loop {
        pid = pid.wrapping_add(1).max(1);
        if !unacked.iter().any(|p| p.pid == pid) {
            return pid;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_ids_skip_zero_and_ids_in_flight() {
        let mut unacked = VecDeque::new();
        let mut p = Publish::new("t", QoS::AtLeastOnce, "x");
        p.pid = 1;
        unacked.push_back(p);
        assert_eq!(next_free_pid(u16::MAX, &unacked), 2);
        assert_eq!(next_free_pid(5, &unacked), 6);
    }
}
