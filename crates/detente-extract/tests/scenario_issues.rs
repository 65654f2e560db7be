//! Issues taken from a scenario (the flagship `scenarios/ukraine-2025.toml`): lexicons from
//! the scenario's own words tag the seed quotations without smearing every quotation over
//! every issue.

use detente_extract::{gazetteer::Gazetteer, Extractor};
use std::path::Path;

#[test]
fn flagship_issues_tag_seed_quotes_selectively() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sc_path = root.join("scenarios/ukraine-2025.toml");
    let loaded = detente_scenario::load(&sc_path);
    assert!(loaded.is_valid(), "flagship scenario must load");
    let ex = Extractor::for_scenario(Gazetteer::builtin(), &loaded.scenario);
    let ids: Vec<&str> = loaded
        .scenario
        .issues
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    let mut docs = Vec::new();
    for e in std::fs::read_dir(root.join("data/articles")).unwrap() {
        let p = e.unwrap().path();
        docs.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).unwrap(),
        ));
    }
    docs.sort();
    let out = ex.extract(&docs);
    let quotes: Vec<_> = out.documents.iter().flat_map(|d| &d.quotes).collect();
    let tagged: usize = quotes.iter().map(|q| q.issues.len()).sum();
    let mean = tagged as f64 / quotes.len() as f64;
    println!("{} quotes, {:.2} issues per quote", quotes.len(), mean);
    for q in &quotes {
        for i in &q.issues {
            assert!(ids.contains(&i.as_str()), "unknown issue {i}");
        }
        println!(
            "{:?} {}",
            q.issues,
            q.text.chars().take(70).collect::<String>()
        );
    }
    assert!(
        mean <= 2.5,
        "quotations smeared over too many issues: {mean:.2} per quote"
    );
    let has = |start: &str, issue: &str| {
        quotes
            .iter()
            .any(|q| q.text.starts_with(start) && q.issues.iter().any(|i| i == issue))
    };
    // the flagship's issue ids may change; find them by a word of their title
    let issue_with = |word: &str| -> String {
        loaded
            .scenario
            .issues
            .iter()
            .find(|i| i.title.to_lowercase().contains(word))
            .unwrap_or_else(|| panic!("no flagship issue titled with {word}"))
            .id
            .clone()
    };
    assert!(has(
        "No getting back Obama given Crimea",
        &issue_with("crimea")
    ));
    assert!(has(
        "No getting back Obama given Crimea",
        &issue_with("nato membership")
    ));
    assert!(has(
        "The United States is potentially prepared to give Article 5",
        &issue_with("security guarantees")
    ));
    assert!(has(
        "Ukrainian and US teams are in the final stages",
        &issue_with("minerals")
    ));
}
