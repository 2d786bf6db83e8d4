//! Curly-brace text (and `load patch` input): never panics; what parses prints to text that parses back to the
//! same configuration, and every other format round-trips it too.
#![no_main]

use jet_config::{Config, LoadMode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Config::default().load(s, LoadMode::Replace);
    // `load patch` reads the same text as `show | compare` output.
    let _ = Config::default().load_patch(s);
    if let Ok(c) = Config::parse_text(s) {
        let text = c.to_text();
        let back = Config::parse_text(&text).expect("printed text parses");
        assert_eq!(back.to_text(), text, "text print is stable");
        let _ = (c.validate(), c.to_xml(0), c.to_json_value(), c.compare(&back));
        let set = c.to_set();
        assert_eq!(Config::parse_set(&set).expect("set parses").to_set(), set);
    }
});
