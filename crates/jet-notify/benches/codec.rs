//! The codec's hot path: encoding and decoding a 100-byte PUBLISH (the benchmark
//! scenario's payload), as the broker does once per delivery and per message received.

use bytes::{Bytes, BytesMut};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use jet_notify::codec::{
    self, encode_publish_with, Packet, ProtocolVersion, Publish, PublishExtras, PublishHeader, QoS,
};

fn publish() -> Publish {
    let mut p = Publish::new(
        "/junos/events/kernel/interfaces/ifd/change/ge-0/0/0",
        QoS::AtLeastOnce,
        Bytes::from(vec![b'x'; 100]),
    );
    p.pid = 42;
    p
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("publish");
    g.throughput(Throughput::Elements(1));
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let p = publish();
        let mut out = BytesMut::with_capacity(1 << 16);
        g.bench_function(format!("encode v{version}"), |b| {
            b.iter(|| {
                out.clear();
                codec::encode(black_box(&Packet::Publish(p.clone())), version, &mut out).unwrap()
            })
        });
        let extras = PublishExtras {
            header: Some(PublishHeader {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                pid: 7,
            }),
            subscription_ids: &[3],
            ..Default::default()
        };
        g.bench_function(format!("encode delivery v{version}"), |b| {
            b.iter(|| {
                out.clear();
                encode_publish_with(black_box(&p), &extras, version, &mut out).unwrap()
            })
        });
        let mut wire = BytesMut::new();
        codec::encode(&Packet::Publish(p.clone()), version, &mut wire).unwrap();
        let wire = wire.freeze();
        g.bench_function(format!("decode v{version}"), |b| {
            b.iter(|| codec::decode(black_box(wire.clone()), version).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
