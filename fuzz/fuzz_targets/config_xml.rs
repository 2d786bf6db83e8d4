//! Junos XML: never panics; what parses prints to XML that parses back the same.
#![no_main]

use jet_config::{Config, LoadMode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Config::default().load_xml(s, LoadMode::Replace);
    if let Ok(c) = Config::parse_xml(s) {
        let xml = c.to_xml_document();
        let back = Config::parse_xml(&xml).expect("printed xml parses");
        assert_eq!(back.to_xml_document(), xml, "xml print is stable");
        let _ = c.validate();
    }
});
