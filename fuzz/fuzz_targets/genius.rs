//! The GENIUS reader: the input is split at NUL bytes into a domain file and profiles.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fuzz_target!(|data: &[u8]| {
    let files: Vec<(PathBuf, String)> = data
        .split(|&b| b == 0)
        .take(8)
        .enumerate()
        .map(|(k, part)| {
            (
                PathBuf::from(format!("f{k}.xml")),
                String::from_utf8_lossy(part).into_owned(),
            )
        })
        .collect();
    let opts = detente_space::DiscretiseOptions::default();
    if let Ok(d) = detente_space::Domain::from_genius_texts(Path::new("fuzz"), files, &opts) {
        let _ = d.validate();
    }
});
