//! Test harness: start a broker, connect clients, wait for packets.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
use jet_notify::codec::{self, ConnAck, Connect, Packet, ProtocolVersion};
use jet_notify::{Broker, BrokerConfig, BrokerHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

pub(crate) const WAIT: Duration = Duration::from_secs(5);
pub(crate) const QUIET: Duration = Duration::from_millis(300);

/// A broker on 127.0.0.1:0 with loopback allowed; `f` adjusts the configuration.
pub(crate) fn start(f: impl FnOnce(&mut BrokerConfig)) -> (BrokerHandle, SocketAddr) {
    let mut cfg = BrokerConfig::loopback("127.0.0.1:0".parse().unwrap());
    f(&mut cfg);
    let broker = Broker::start(cfg).expect("broker starts");
    let addr = broker.local_addrs()[0];
    (broker, addr)
}

/// A client speaking raw packets through the crate's codec.
pub(crate) struct Raw {
    pub(crate) stream: TcpStream,
    pub(crate) version: ProtocolVersion,
    buf: BytesMut,
}

impl Raw {
    pub(crate) async fn open(addr: SocketAddr, version: ProtocolVersion) -> Raw {
        Raw::open_from(addr, "127.0.0.1".parse().unwrap(), version).await
    }

    /// Connects from a chosen loopback source address (127.0.0.0/8 all works on Linux).
    pub(crate) async fn open_from(
        addr: SocketAddr,
        src: std::net::IpAddr,
        version: ProtocolVersion,
    ) -> Raw {
        let sock = TcpSocket::new_v4().unwrap();
        sock.bind(SocketAddr::new(src, 0)).unwrap();
        let stream = sock.connect(addr).await.unwrap();
        Raw {
            stream,
            version,
            buf: BytesMut::new(),
        }
    }

    pub(crate) async fn connect(addr: SocketAddr, c: Connect) -> (Raw, ConnAck) {
        let mut raw = Raw::open(addr, c.version).await;
        let ack = raw.handshake(c).await;
        (raw, ack)
    }

    pub(crate) async fn handshake(&mut self, c: Connect) -> ConnAck {
        self.version = c.version;
        self.send(Packet::Connect(Box::new(c))).await;
        match self.recv().await {
            Some(Packet::ConnAck(a)) => a,
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    pub(crate) async fn send(&mut self, p: Packet) {
        let mut out = BytesMut::new();
        codec::encode(&p, self.version, &mut out).unwrap();
        self.stream.write_all(&out).await.unwrap();
    }

    /// The next packet within [`WAIT`]; `None` when the connection closed.
    pub(crate) async fn recv(&mut self) -> Option<Packet> {
        self.recv_within(WAIT).await.expect("a packet in time")
    }

    /// `Err(())` on timeout, `Ok(None)` on close.
    pub(crate) async fn recv_within(&mut self, d: Duration) -> Result<Option<Packet>, ()> {
        tokio::time::timeout(d, async {
            loop {
                if let Some(p) = codec::decode_buf(&mut self.buf, self.version, 1 << 24).unwrap() {
                    return Some(p);
                }
                match self.stream.read_buf(&mut self.buf).await {
                    Ok(0) | Err(_) => return None,
                    Ok(_) => {}
                }
            }
        })
        .await
        .map_err(|_| ())
    }

    /// Nothing arrives for a while.
    pub(crate) async fn expect_silence(&mut self) {
        if let Ok(p) = self.recv_within(QUIET).await {
            panic!("expected nothing, got {p:?}");
        }
    }
}

pub(crate) fn v4_opts(id: &str, addr: SocketAddr) -> rumqttc::MqttOptions {
    let mut o = rumqttc::MqttOptions::new(id, addr.ip().to_string(), addr.port());
    o.set_keep_alive(Duration::from_secs(30));
    o
}

pub(crate) fn v5_opts(id: &str, addr: SocketAddr) -> rumqttc::v5::MqttOptions {
    let mut o = rumqttc::v5::MqttOptions::new(id, addr.ip().to_string(), addr.port());
    o.set_keep_alive(Duration::from_secs(30));
    o
}

/// Polls a 3.1.1 event loop until `pick` returns something.
pub(crate) async fn v4_until<T>(
    el: &mut rumqttc::EventLoop,
    mut pick: impl FnMut(&rumqttc::Event) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let ev = el.poll().await.expect("connection stays up");
            if let Some(t) = pick(&ev) {
                return t;
            }
        }
    })
    .await
    .expect("event in time")
}

/// Polls a v5 event loop until `pick` returns something.
pub(crate) async fn v5_until<T>(
    el: &mut rumqttc::v5::EventLoop,
    mut pick: impl FnMut(&rumqttc::v5::Event) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let ev = el.poll().await.expect("connection stays up");
            if let Some(t) = pick(&ev) {
                return t;
            }
        }
    })
    .await
    .expect("event in time")
}

pub(crate) fn v4_publish(ev: &rumqttc::Event) -> Option<rumqttc::Publish> {
    match ev {
        rumqttc::Event::Incoming(rumqttc::Packet::Publish(p)) => Some(p.clone()),
        _ => None,
    }
}

pub(crate) fn v4_suback(ev: &rumqttc::Event) -> Option<rumqttc::SubAck> {
    match ev {
        rumqttc::Event::Incoming(rumqttc::Packet::SubAck(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Polls until the stats satisfy `f` (counters are updated by other tasks).
pub(crate) async fn eventually(broker: &BrokerHandle, f: impl Fn(&jet_notify::Stats) -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let s = broker.stats();
        if f(&s) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "stats never matched: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
