//! MQTT codec: arbitrary bytes through the broker's framing and decoder, in both
//! protocol versions. Must never panic; whatever decodes must re-encode and decode to the
//! same packet.
#![no_main]

use bytes::{Bytes, BytesMut};
use jet_notify::codec::{self, ProtocolVersion};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut buf = BytesMut::from(data);
        while let Ok(Some(n)) = codec::frame_len(&buf, 1 << 20) {
            let frame: Bytes = buf.split_to(n).freeze();
            if let Ok(packet) = codec::decode(frame, version) {
                let v = match &packet {
                    codec::Packet::Connect(c) => c.version,
                    _ => version,
                };
                let mut out = BytesMut::new();
                codec::encode(&packet, v, &mut out).expect("a decoded packet encodes");
                let again = codec::decode(out.freeze(), v).expect("re-encoded bytes decode");
                assert_eq!(again, packet, "round trip");
            }
        }
    }
});
