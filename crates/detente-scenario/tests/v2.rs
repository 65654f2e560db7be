//! Scenario v2 in the library: dated stances and `Scenario::at`, derived party stances,
//! evidence strength, linkages and their conditions, cycles.

use detente_scenario::*;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/valid")
}

fn v2_text() -> String {
    std::fs::read_to_string(dir().join("v2.toml")).unwrap()
}

fn load_text(text: &str) -> Loaded {
    load_str(text, &dir().join("v2-test.toml"), &dir())
}

#[test]
fn history_view_and_earlier_dates() {
    let l = load(&dir().join("v2.toml"));
    assert!(l.is_valid(), "{:#?}", l.diagnostics);
    let s = &l.scenario;
    assert_eq!(s.history.len(), 14);
    assert_eq!(s.dates(), vec!["2025-03-01", "2025-06-10"]);
    assert!(s.has_dated_history());
    let (north, south) = (
        s.actor_index("north").unwrap(),
        s.actor_index("south").unwrap(),
    );
    let valley = s.issue_index("valley").unwrap();
    let cf = s.issue_index("ceasefire").unwrap();
    // the view at the scenario date: June's stances
    assert_eq!(
        s.stance(south, valley).unwrap().position,
        Some(Position::Scale(70.0))
    );
    assert_eq!(
        s.stance(south, valley).unwrap().as_of.as_deref(),
        Some("2025-06-10")
    );
    assert_eq!(s.stance(north, cf).unwrap().derived_from, None);
    // March: Northland has no ceasefire stance of its own; its leading faction's is used
    let m = s.at("2025-03-01").unwrap();
    assert_eq!(m.meta.as_of.as_deref(), Some("2025-03-01"));
    assert_eq!(
        m.stance(south, valley).unwrap().position,
        Some(Position::Scale(100.0))
    );
    let derived = m.stance(north, cf).unwrap();
    assert_eq!(derived.derived_from, s.actor_index("north-army"));
    assert_eq!(derived.position, Some(Position::Option(0)));
    assert!(m
        .history
        .iter()
        .all(|h| h.as_of.as_deref() == Some("2025-03-01")));
    // before any stance: nobody has one
    assert!(s.at("2025-01-01").unwrap().stances.is_empty());
    assert!(s
        .at("2025-07-01")
        .unwrap_err()
        .contains("after the scenario's date"));
    assert!(s.at("2025-02-30x").is_err());
}

#[test]
fn strength_and_default_ranges() {
    let l = load(&dir().join("v2.toml"));
    let s = &l.scenario;
    let st = |a: &str, i: &str| {
        s.stance(s.actor_index(a).unwrap(), s.issue_index(i).unwrap())
            .unwrap()
    };
    assert_eq!(st("north", "valley").strength(), Strength::Strong);
    assert_eq!(st("south", "guarantees").strength(), Strength::Medium);
    assert_eq!(st("north", "valley").ranges(), (None, None));
    assert_eq!(
        st("south", "guarantees").ranges(),
        (Some((90.0, 100.0)), Some((60.0, 80.0)))
    );
    assert_eq!(Strength::of([EvidenceKind::Inferred]), Strength::Weak);
    assert_eq!(
        Strength::of([EvidenceKind::Inferred, EvidenceKind::Unspecified]),
        Strength::Unspecified
    );
    assert_eq!(Strength::of([]), Strength::None);
}

#[test]
fn linkages_are_plain_values_with_their_semantics() {
    let l = load(&dir().join("v2.toml"));
    let s = &l.scenario;
    assert_eq!(s.linkages.len(), 2);
    let c = &s.linkages[0];
    let (south, army, guar) = (
        s.actor_index("south").unwrap(),
        s.issue_index("army_limits").unwrap(),
        s.issue_index("guarantees").unwrap(),
    );
    let normal = s.stance(south, army).unwrap().red_line.clone();
    let mut outcome = vec![None; s.issues.len()];
    outcome[army] = Some(Position::Scale(30.0));
    outcome[guar] = Some(Position::Scale(100.0));
    assert_eq!(
        c.conditional_accepts(south, &outcome, normal.as_ref()),
        Some(true)
    );
    outcome[guar] = Some(Position::Scale(50.0));
    // condition fails: the normal red line (no limits) applies
    assert_eq!(
        c.conditional_accepts(south, &outcome, normal.as_ref()),
        Some(false)
    );
    outcome[army] = Some(Position::Scale(0.0));
    assert_eq!(
        c.conditional_accepts(south, &outcome, normal.as_ref()),
        Some(true)
    );
    // another actor: not concerned
    assert_eq!(c.conditional_accepts(0, &outcome, None), None);
    match &s.linkages[1].kind {
        LinkageKind::Trade {
            gives, for_, to, ..
        } => {
            assert_eq!(gives.toward, Position::Scale(40.0));
            assert_eq!(for_.toward, Position::Option(1));
            assert_eq!(*to, Some(south));
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn a_three_step_cycle_of_conditions_is_one_located_error() {
    let text = v2_text()
        + r#"
[[linkages]]
id = "guarantees-need-ceasefire"
kind = "conditional"
actor = "south"
issue = "guarantees"
accepts = [0, 100]
when = { issue = "ceasefire", options = ["front"] }
evidence = [{ source = "june", quote = "Both governments said they wanted foreign troops to guarantee any deal.", kind = "collective" }]

[[linkages]]
id = "ceasefire-needs-army-limits"
kind = "conditional"
actor = "south"
issue = "ceasefire"
accepts = ["front"]
when = { issue = "army_limits", at_most = 30 }
evidence = [{ source = "june", quote = "Both governments said they wanted foreign troops to guarantee any deal.", kind = "collective" }]
"#;
    let l = load_text(&text);
    let errors: Vec<&Diagnostic> = l.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let m = &errors[0].message;
    assert!(m.contains("form a cycle"), "{m}");
    for id in [
        "south-army-limits-need-guarantees",
        "guarantees-need-ceasefire",
        "ceasefire-needs-army-limits",
    ] {
        assert!(m.contains(id), "{m}");
    }
    assert!(errors[0].line.is_some());
}

#[test]
fn undated_v1_stances_stay_one_picture() {
    let l = load(&dir().join("minimal.toml"));
    let s = &l.scenario;
    assert_eq!(s.history, s.stances);
    assert!(!s.has_dated_history());
    // the default date is the cited source's
    assert!(s
        .stances
        .iter()
        .all(|st| st.as_of.as_deref() == Some("2025-03-01")));
}
