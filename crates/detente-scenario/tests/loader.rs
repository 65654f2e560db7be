//! The loader against real files: the valid example, one broken file per kind of mistake,
//! hostile bytes, and a JSON round trip.

use detente_scenario::{doc::ScenarioDoc, load, load_bytes, Position, RedLine, Severity};
use std::path::{Path, PathBuf};

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(p)
}

#[test]
fn minimal_scenario_is_valid_and_resolved() {
    let l = load(&data("valid/minimal.toml"));
    let errors: Vec<String> = l.errors().map(|d| d.render(false)).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let s = &l.scenario;
    assert_eq!(s.actors.len(), 3);
    assert_eq!(s.issues.len(), 2);
    assert_eq!(s.stances.len(), 5);
    // red line 50 with position 0 → acceptable 0..=50
    let north = s.stance(0, 0).unwrap();
    assert_eq!(north.red_line, Some(RedLine::Range { lo: 0.0, hi: 50.0 }));
    assert_eq!(north.position_range, Some((0.0, 10.0)));
    let south_cf = s.stance(1, 1).unwrap();
    assert_eq!(south_cf.position, Some(Position::Option(2)));
    assert_eq!(
        south_cf.red_line,
        Some(RedLine::Rejects { options: vec![0] })
    );
    // every quote was found, and its location points at the quote
    let text = s.sources[0].text.as_deref().unwrap();
    for st in &s.stances {
        for e in &st.evidence {
            let loc = e.location.clone().expect("quote located");
            assert_eq!(&text[loc], e.quote);
        }
    }
    assert_eq!(s.veto_players(), vec![0, 1]);
}

#[test]
fn every_broken_file_reports_its_located_error() {
    let dir = data("broken");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        n += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let header = text
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# expect: ")
            .expect("expect header");
        let mut parts = header.split('|');
        let (loc, msg, hint) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap_or(""),
        );
        let l = load(&path);
        assert!(!l.is_valid(), "{} should be invalid", path.display());
        let found = l
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error && d.message.contains(msg));
        let d = found.unwrap_or_else(|| {
            panic!(
                "{}: no error containing {msg:?}; got {:#?}",
                path.display(),
                l.diagnostics
                    .iter()
                    .map(|d| d.render(false))
                    .collect::<Vec<_>>()
            )
        });
        if !loc.is_empty() {
            assert_eq!(
                format!("{}:{}", d.line.unwrap_or(0), d.column.unwrap_or(0)),
                loc,
                "{}: {}",
                path.display(),
                d.render(false)
            );
        } else {
            assert!(
                d.line.is_some(),
                "{}: error has no location",
                path.display()
            );
        }
        if !hint.is_empty() {
            assert!(
                d.hint.as_deref().unwrap_or("").contains(hint),
                "{}: hint {:?}",
                path.display(),
                d.hint
            );
        }
    }
    assert!(n >= 20, "only {n} broken files");
}

#[test]
fn json_syntax_error_is_located() {
    let l = load(&data("broken/json-syntax.json"));
    let d = l.errors().next().expect("an error");
    assert!(d.message.contains("JSON syntax error"), "{}", d.message);
    assert_eq!(d.line, Some(3));
}

#[test]
fn every_error_is_listed_not_just_the_first() {
    let text = std::fs::read_to_string(data("valid/minimal.toml")).unwrap();
    let text = text
        .replace("salience = 70", "salience = 170")
        .replace("capability = 10", "capability = -1")
        .replace("position = \"river\"", "position = \"sea\"");
    let l = detente_scenario::load_str(&text, &data("valid/x.toml"), &data("valid"));
    assert_eq!(l.errors().count(), 3, "{:#?}", l.diagnostics);
}

#[test]
fn hostile_bytes_give_diagnostics_not_panics() {
    let p = Path::new("junk.toml");
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        vec![0, 159, 146, 150, 0xff, 0xfe],
        b"\xff\xfet\x00i\x00t\x00".to_vec(), // UTF-16 LE
        "title = \"caf\u{e9}\""
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect(),
        b"[scenario]\ntitle = \"Ol\xe9\"\n".to_vec(), // Latin-1
        vec![b'['; 100_000],
        b"{\"scenario\": ".to_vec(),
    ];
    for bytes in cases {
        let l = load_bytes(&bytes, p, Path::new("."));
        assert!(
            !l.is_valid(),
            "{:?} accepted",
            String::from_utf8_lossy(&bytes[..bytes.len().min(20)])
        );
    }
    let l = load_bytes(b"[scenario]\ntitle = \"Ol\xe9\"\n", p, Path::new("."));
    let d = l.errors().next().unwrap();
    assert_eq!((d.line, d.column), (Some(2), Some(12)));
    assert!(d.hint.as_deref().unwrap().contains("UTF-8"));
}

#[test]
fn huge_file_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.toml");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(detente_scenario::MAX_FILE_BYTES + 1).unwrap();
    let l = load(&p);
    assert!(l.errors().next().unwrap().message.contains("larger than"));
}

#[test]
fn normalised_json_round_trips() {
    round_trip("valid/minimal.toml");
    round_trip("valid/v2.toml");
}

fn round_trip(file: &str) {
    let l = load(&data(file));
    assert!(l.is_valid(), "{:#?}", l.diagnostics);
    let json = serde_json::to_string_pretty(&ScenarioDoc::from_scenario(&l.scenario)).unwrap();
    let back = detente_scenario::load_str(&json, &data("valid/rt.json"), &data("valid"));
    assert!(back.is_valid(), "{:#?}", back.diagnostics);
    let strip = |mut s: detente_scenario::Scenario| {
        for x in &mut s.actors {
            x.span = 0..0;
        }
        for x in &mut s.issues {
            x.span = 0..0;
        }
        for x in &mut s.sources {
            x.span = 0..0;
        }
        for x in s.stances.iter_mut().chain(&mut s.history) {
            x.span = 0..0;
            for e in &mut x.evidence {
                e.span = 0..0;
            }
        }
        for x in &mut s.linkages {
            x.span = 0..0;
            for e in &mut x.evidence {
                e.span = 0..0;
            }
        }
        s
    };
    assert_eq!(strip(back.scenario), strip(l.scenario));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = load_bytes(&bytes, Path::new("fuzz.toml"), Path::new("."));
            let _ = load_bytes(&bytes, Path::new("fuzz.json"), Path::new("."));
        }

        #[test]
        fn mutated_scenarios_never_panic(cut in 0usize..3000, insert in "[\\[\\]{}=\",.a-z0-9 \n-]{0,12}") {
            let text = std::fs::read_to_string(data("valid/minimal.toml")).unwrap();
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) { cut -= 1; }
            let mutated = format!("{}{}{}", &text[..cut], insert, &text[cut..]);
            let l = detente_scenario::load_str(&mutated, &data("valid/m.toml"), &data("valid"));
            for d in &l.diagnostics { prop_assert!(d.line.is_some() || d.span.is_none()); }
        }
    }
}

#[test]
fn sources_given_in_memory_are_verified_without_reading_files() {
    let text = std::fs::read_to_string(data("valid/minimal.toml")).unwrap();
    let article = std::fs::read_to_string(data("valid/article.txt")).unwrap();
    let mut sources = std::collections::BTreeMap::new();
    sources.insert("article.txt".to_string(), article);
    // a path that does not exist on disk: only the given texts are used
    let l = detente_scenario::load_str_with_sources(&text, Path::new("/nowhere/x.toml"), &sources);
    assert!(l.is_valid(), "{:#?}", l.diagnostics);
    assert!(l
        .scenario
        .stances
        .iter()
        .all(|s| s.evidence.iter().all(|e| e.location.is_some())));
    let l =
        detente_scenario::load_str_with_sources(&text, Path::new("x.toml"), &Default::default());
    let d = l.errors().next().unwrap();
    assert!(d.message.contains("was not provided"), "{}", d.message);
    assert_eq!(d.line, Some(10)); // the `path = …` line
}

#[test]
fn a_red_line_at_the_position_itself_accepts_only_the_position() {
    let text = std::fs::read_to_string(data("valid/minimal.toml")).unwrap();
    // scale: north at 0 with its red line at 0 accepts only 0
    let t = text.replace("red_line = 50\nposition_range = [0, 10]", "red_line = 0");
    let l = detente_scenario::load_str(&t, &data("valid/x.toml"), &data("valid"));
    assert!(l.is_valid(), "{:#?}", l.diagnostics);
    let rl = l.scenario.stance(0, 0).unwrap().red_line.clone().unwrap();
    assert_eq!(rl, RedLine::Range { lo: 0.0, hi: 0.0 });
    assert!(rl.accepts(Position::Scale(0.0)) && !rl.accepts(Position::Scale(10.0)));
    // ordered options: south at "river" (the last option) with its red line there rejects the rest
    let t = text.replace("rejects = [\"none\"]", "red_line = \"river\"");
    let l = detente_scenario::load_str(&t, &data("valid/x.toml"), &data("valid"));
    assert!(l.is_valid(), "{:#?}", l.diagnostics);
    assert_eq!(
        l.scenario.stance(1, 1).unwrap().red_line,
        Some(RedLine::Rejects {
            options: vec![0, 1]
        })
    );
    // and a red line at the first option, position there too
    let t = text
        .replace("position = \"river\"", "position = \"none\"")
        .replace("rejects = [\"none\"]", "red_line = \"none\"");
    let l = detente_scenario::load_str(&t, &data("valid/x.toml"), &data("valid"));
    assert_eq!(
        l.scenario.stance(1, 1).unwrap().red_line,
        Some(RedLine::Rejects {
            options: vec![1, 2]
        })
    );
}
