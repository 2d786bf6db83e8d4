//! Back-pressure toward network publishers: a full subscriber queue pauses the
//! publisher instead of losing its messages; a subscriber that holds a publisher longer
//! than `max_publisher_wait` is disconnected.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jet_notify::codec::{
    Connect, Disconnect, Packet, Properties, Property, ProtocolVersion, PubAck, QoS as Q,
    ReasonCode, SubOptions, Subscribe,
};
use rumqttc::{AsyncClient, Event, Outgoing, QoS};

use crate::common::*;

/// A v5 subscriber to `bp/#` at QoS 1 with a small Receive Maximum (so the queue,
/// not the in-flight window, holds what it has not read).
async fn slow_subscriber(addr: std::net::SocketAddr, id: &str) -> Raw {
    let mut c = Connect::new(ProtocolVersion::V5, id);
    c.props = Properties::new().with(Property::ReceiveMaximum(4));
    let (mut raw, _) = Raw::connect(addr, c).await;
    raw.send(Packet::Subscribe(Subscribe {
        pid: 1,
        filters: vec![("bp/#".into(), SubOptions::qos(Q::AtLeastOnce))],
        ..Default::default()
    }))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    raw
}

/// Publishes `n` QoS 1 messages (payload: the sequence number) as fast as the broker
/// takes them; returns the number of PUBACKs received.
fn publisher(addr: std::net::SocketAddr, n: usize) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let mut o = v4_opts("pub", addr);
        o.set_inflight(100);
        let (c, mut el) = AsyncClient::new(o, 100);
        tokio::spawn(async move {
            for i in 0..n {
                c.publish("bp/x", QoS::AtLeastOnce, false, i.to_string())
                    .await
                    .unwrap();
            }
        });
        let mut acked = 0;
        while acked < n {
            match tokio::time::timeout(Duration::from_secs(30), el.poll()).await {
                Ok(Ok(Event::Incoming(rumqttc::Packet::PubAck(_)))) => acked += 1,
                Ok(Ok(Event::Outgoing(Outgoing::Publish(_)) | _)) => {}
                Ok(Err(e)) => panic!("publisher connection failed: {e}"),
                Err(_) => break,
            }
        }
        acked
    })
}

#[tokio::test]
async fn a_subscriber_reading_at_a_tenth_of_the_rate_gets_every_qos1_message_in_order() {
    const N: usize = 1500;
    const BOUND: usize = 50;
    let (broker, addr) = start(|c| c.limits.max_queued_messages = BOUND);
    let mut sub = slow_subscriber(addr, "slow").await;
    let pubs = publisher(addr, N);
    let most_queued = Arc::new(AtomicUsize::new(0));
    let sampler = tokio::spawn({
        let (broker, most) = (broker.clone(), most_queued.clone());
        async move {
            loop {
                for c in broker.clients() {
                    most.fetch_max(c.queued, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    });
    // The subscriber reads one message per millisecond at most; the publisher, left
    // alone, goes more than ten times faster.
    for i in 0..N {
        let Some(Packet::Publish(p)) = sub.recv().await else {
            panic!("message {i}")
        };
        assert_eq!(p.payload, i.to_string().as_bytes(), "in order");
        sub.send(Packet::PubAck(PubAck::new(p.pid))).await;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(pubs.await.unwrap(), N, "every message acknowledged");
    sampler.abort();
    let s = broker.stats();
    assert!(s.publisher_pauses > 0, "{s:?}");
    assert_eq!((s.dropped_queue_full, s.dropped_qos0), (0, 0), "{s:?}");
    assert_eq!(s.quota_disconnects, 0);
    // Bounded: the bound plus the one message that reached it.
    let most = most_queued.load(Ordering::Relaxed);
    assert!(most <= BOUND + 1, "queue reached {most}");
}

#[tokio::test]
async fn the_bound_in_bytes_pauses_a_publisher_too() {
    let (broker, addr) = start(|c| {
        c.limits.max_queued_messages = 100_000;
        c.limits.max_queued_bytes = 1000;
    });
    let mut sub = slow_subscriber(addr, "bytes").await;
    let pubs = publisher(addr, 400);
    eventually(&broker, |s| s.publisher_pauses > 0).await;
    let queued = broker.clients().iter().map(|c| c.queued).max().unwrap();
    // Messages cost 4-7 bytes (topic "bp/x" and payload): 1000 bytes is < 250.
    assert!(queued < 250, "{queued}");
    for _ in 0..400 {
        let Some(Packet::Publish(p)) = sub.recv().await else {
            panic!()
        };
        sub.send(Packet::PubAck(PubAck::new(p.pid))).await;
    }
    assert_eq!(pubs.await.unwrap(), 400);
}

#[tokio::test]
async fn a_subscriber_holding_a_publisher_too_long_is_disconnected_with_quota_exceeded() {
    let (broker, addr) = start(|c| {
        c.limits.max_queued_messages = 20;
        c.limits.max_publisher_wait = Duration::from_millis(500);
    });
    let mut stuck = slow_subscriber(addr, "stuck").await; // never acknowledges
    let pubs = publisher(addr, 300);
    eventually(&broker, |s| s.quota_disconnects == 1).await;
    let mut last = None;
    while let Some(p) = stuck.recv().await {
        last = Some(p);
    }
    assert_eq!(
        last,
        Some(Packet::Disconnect(Disconnect::new(
            ReasonCode::QUOTA_EXCEEDED
        )))
    );
    // The publisher goes on: every message acknowledged (no one left to deliver to).
    assert_eq!(pubs.await.unwrap(), 300);
}

#[tokio::test]
async fn a_paused_publisher_still_gets_its_own_acknowledgements_read() {
    // One client publishing to its own subscription: while paused, its PUBACKs for the
    // messages delivered to it must still be read, or it would wait for itself.
    let (broker, addr) = start(|c| c.limits.max_queued_messages = 10);
    let mut o = v4_opts("self", addr);
    o.set_inflight(50);
    let (c, mut el) = AsyncClient::new(o, 100);
    c.subscribe("bp/self", QoS::AtLeastOnce).await.unwrap();
    v4_until(&mut el, v4_suback).await;
    tokio::spawn(async move {
        for i in 0..500 {
            c.publish("bp/self", QoS::AtLeastOnce, false, format!("{i}"))
                .await
                .unwrap();
        }
    });
    let mut got = 0;
    while got < 500 {
        if v4_until(&mut el, v4_publish).await.payload == got.to_string().as_bytes() {
            got += 1;
        } else {
            panic!("out of order at {got}");
        }
    }
    let s = broker.stats();
    assert!(s.publisher_pauses > 0, "{s:?}");
    assert_eq!((s.quota_disconnects, s.dropped_queue_full), (0, 0), "{s:?}");
}

#[tokio::test]
async fn what_a_paused_publisher_sent_before_closing_is_still_delivered() {
    let (broker, addr) = start(|c| c.limits.max_queued_messages = 10);
    let mut sub = slow_subscriber(addr, "late-reader").await;
    // A raw 3.1.1 publisher writes 200 QoS 0 messages and closes at once.
    let (mut raw, _) = Raw::connect(addr, Connect::new(ProtocolVersion::V3_1_1, "closer")).await;
    for i in 0..200u32 {
        let p = jet_notify::codec::Publish::new("bp/x", Q::AtMostOnce, i.to_string());
        raw.send(Packet::Publish(p)).await;
    }
    drop(raw);
    eventually(&broker, |s| s.publisher_pauses > 0).await;
    for i in 0..200u32 {
        let Some(Packet::Publish(p)) = sub.recv().await else {
            panic!("message {i}")
        };
        assert_eq!(p.payload, i.to_string().as_bytes());
        if p.pid != 0 {
            sub.send(Packet::PubAck(PubAck::new(p.pid))).await;
        }
    }
    assert_eq!(broker.stats().dropped_qos0, 0);
}
