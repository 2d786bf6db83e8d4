//! `set` commands: never panic; what applies prints to `set` lines that apply back to
//! the same configuration.
#![no_main]

use jet_config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = Config::parse_set(s) {
        let set = c.to_set();
        let back = Config::parse_set(&set).expect("printed set parses");
        assert_eq!(back.to_set(), set, "set print is stable");
        let text = c.to_text();
        assert_eq!(Config::parse_text(&text).expect("text parses").to_text(), text);
        let _ = (c.validate(), c.with_groups_applied(), c.interfaces(), c.static_routes());
    }
});
