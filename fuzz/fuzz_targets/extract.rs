//! Extraction from an article: any text (after the reader's UTF-8/NUL checks) must extract
//! without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static EXTRACTOR: OnceLock<detente_extract::Extractor> = OnceLock::new();
    let ex = EXTRACTOR
        .get_or_init(|| detente_extract::Extractor::new(detente_extract::gazetteer::Gazetteer::builtin()));
    if let Ok(text) = detente_extract::input::decode(Path::new("a.txt"), data.to_vec()) {
        let _ = ex.extract(&[("a.txt", text)]);
    }
});
