//! The scenario loader (TOML and JSON) with one in-memory source text, so evidence quotes are
//! searched and hints computed. Must never panic; loading must stay fast.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::path::Path;

const ARTICLE: &str = "The president of Northland said: \u{201c}We will never give up our land.\u{201d} \
Talks resume in Geneva on Monday; a ceasefire along the current front is possible.";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = BTreeMap::new();
    sources.insert("article.txt".to_string(), ARTICLE.to_string());
    let name = if data.first() == Some(&b'{') { "f.json" } else { "f.toml" };
    let loaded = detente_scenario::load_str_with_sources(text, Path::new(name), &sources);
    for d in &loaded.diagnostics {
        let _ = d.render(false);
    }
    if loaded.is_valid() {
        let opts = detente_space::DiscretiseOptions::default();
        let _ = detente_space::Domain::from_scenario(&loaded.scenario, &opts);
        let _ = detente_forecast::io::from_scenario(&loaded.scenario);
    }
});
