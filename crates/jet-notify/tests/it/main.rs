//! Integration tests: a broker on an ephemeral loopback port, real clients (rumqttc in
//! 3.1.1 and 5) and a raw client built on the crate's own codec for exact reason codes.

mod backpressure;
mod bridge;
mod common;
mod conformance;
mod flow;
mod pubsub;
mod refusals;
mod sessions;
mod tls;
mod v5;
