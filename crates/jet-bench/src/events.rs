//! `jet-bench events`: event latency, from a device change being acknowledged to its
//! `jet-event` reaching an MQTT subscriber.
//!
//! The change is a link flap through `request interface simulate-link IF down|up`
//! (OpCommandGet), paced at `--rate` per second; each one publishes the IFD change on
//! `/junos/events/kernel/interfaces/ifd/change/IF`. Latency = arrival of that event
//! minus the moment the OpCommandGet reply arrived (clamped at zero: the event may even
//! arrive first).

use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};

use crate::stats::{ms, pct};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use tokio::sync::mpsc;

/// What to measure.
pub(crate) struct EventArgs {
    pub(crate) target: String,
    pub(crate) mqtt: String,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) interface: String,
    pub(crate) count: usize,
    pub(crate) rate: u32,
}

pub(crate) async fn run(a: EventArgs) -> anyhow::Result<()> {
    if a.count == 0 || a.rate == 0 {
        bail!("--count and --rate must be at least 1");
    }
    let jet = JetClient::connect(ConnectOptions::clear_text(&a.target)).await?;
    jet.login(&a.user, &a.password, "jet-bench-events").await?;
    let (host, port) = a.mqtt.rsplit_once(':').context("--mqtt HOST:PORT")?;
    let mut opts = MqttOptions::new("jet-bench-events", host, port.parse::<u16>()?);
    opts.set_keep_alive(Duration::from_secs(30));
    let (mqtt, mut ev) = AsyncClient::new(opts, 1024);
    let topic = format!("/junos/events/kernel/interfaces/ifd/change/{}", a.interface);
    mqtt.subscribe(&topic, QoS::AtMostOnce).await?;
    // Arrival times of the events, from the MQTT event loop.
    let (arrivals_tx, mut arrivals) = mpsc::unbounded_channel::<Instant>();
    let mut subscribed = false;
    while !subscribed {
        match tokio::time::timeout(Duration::from_secs(10), ev.poll()).await {
            Ok(Ok(Event::Incoming(Packet::SubAck(ack)))) => {
                if ack
                    .return_codes
                    .iter()
                    .any(|c| matches!(c, rumqttc::SubscribeReasonCode::Failure))
                {
                    bail!("the notification service refused the subscription to {topic} (SUBACK 0x80)");
                }
                subscribed = true;
            }
            Ok(Ok(Event::Incoming(Packet::ConnAck(ack))))
                if ack.code != rumqttc::ConnectReturnCode::Success =>
            {
                bail!("{}", refusal(ack.code));
            }
            Ok(Ok(_)) => {}
            Ok(Err(rumqttc::ConnectionError::ConnectionRefused(code))) => {
                bail!("{}", refusal(code))
            }
            Ok(Err(e)) => {
                bail!("the notification service refused or closed the MQTT connection: {e}")
            }
            Err(_) => bail!("no SUBACK from the notification service within 10 s"),
        }
    }
    let poller = tokio::spawn(async move {
        while let Ok(e) = ev.poll().await {
            if let Event::Incoming(Packet::Publish(p)) = e {
                if !p.retain {
                    let _ = arrivals_tx.send(Instant::now());
                }
            }
        }
    });
    let period = Duration::from_secs_f64(1.0 / f64::from(a.rate));
    let mut next = tokio::time::Instant::now();
    let mut latencies = Vec::with_capacity(a.count);
    let mut from_request = Vec::with_capacity(a.count);
    for i in 0..a.count {
        tokio::time::sleep_until(next).await;
        next += period;
        let state = if i % 2 == 0 { "down" } else { "up" };
        let sent = Instant::now();
        jet.op_command(
            &format!("request interface simulate-link {} {state}", a.interface),
            OutputFormat::Text,
        )
        .await?;
        let acked = Instant::now();
        let arrived = tokio::time::timeout(Duration::from_secs(5), arrivals.recv())
            .await
            .context("event not received within 5 s")?
            .context("MQTT connection closed")?;
        latencies.push(arrived.saturating_duration_since(acked));
        from_request.push(arrived.saturating_duration_since(sent));
    }
    poller.abort();
    latencies.sort();
    from_request.sort();
    println!(
        "jet-bench events: {} link changes at {}/s on {}",
        a.count, a.rate, a.interface
    );
    for (name, v) in [
        ("ack -> jet-event", &latencies),
        ("request -> jet-event", &from_request),
    ] {
        println!(
            "  {name:<21} median {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            ms(pct(v, 50)),
            ms(pct(v, 90)),
            ms(pct(v, 99)),
            ms(pct(v, 100))
        );
    }
    Ok(())
}

/// Why the broker refused the tool's CONNECT, in the device's terms.
fn refusal(code: rumqttc::ConnectReturnCode) -> String {
    use rumqttc::ConnectReturnCode as C;
    let why = match code {
        C::ServiceUnavailable => "server unavailable: its max-connections is reached",
        C::NotAuthorized => {
            "not authorized: this address is outside allow-clients, or the service requires \
             a user name and password (authentication required)"
        }
        C::BadUserNamePassword => "bad user name or password",
        C::RefusedProtocolVersion => "protocol version refused",
        C::BadClientId => "client identifier refused",
        C::Success => "success",
    };
    format!("the notification service refused the MQTT connection ({code:?}): {why}")
}
