//! The forecast CSV readers (plain, KTAB, DEU), detected from the content.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(p) = detente_forecast::io::read_table("f.csv", text) {
            let _ = p.actors.len();
        }
    }
});
