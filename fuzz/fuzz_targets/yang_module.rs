//! YANG module text (`request system yang add`): the statement parser and the module
//! reader never panic, and an error always names a line inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let lines = s.lines().count().max(1);
    if let Err(e) = jet_device::yang::parse::parse(s) {
        assert!(e.line >= 1 && e.line <= lines + 1, "line {} of {lines}", e.line);
    }
    let _ = jet_device::yang::module::read(s);
});
