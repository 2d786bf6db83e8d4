//! Junos JSON: never panics; what parses prints to JSON that parses back the same.
#![no_main]

use jet_config::{Config, LoadMode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Config::default().load_json(s, LoadMode::Replace);
    if let Ok(c) = Config::parse_json(s) {
        let json = c.to_json();
        let back = Config::parse_json(&json).expect("printed json parses");
        assert_eq!(back.to_json(), json, "json print is stable");
        let _ = c.validate();
    }
});
