//! The flagship scenario (`scenarios/ukraine-2025.toml`) through the CLI: the February → August
//! moves the articles describe, evidence kinds on every quote, the linkages and factions the
//! articles state, and the capability rubric (docs/flagship.md).

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn flagship() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ukraine-2025.toml")
}

fn json(args: &[&str]) -> Value {
    let out = Command::cargo_bin("detente")
        .unwrap()
        .args(args)
        .arg(flagship())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn change<'a>(t: &'a Value, actor: &str, issue: &str) -> &'a Value {
    t["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["actor"] == actor && c["issue"] == issue)
        .unwrap_or_else(|| panic!("no change of {actor} on {issue} in the timeline"))
}

#[test]
fn timeline_shows_the_moves_the_articles_describe() {
    let t = json(&["timeline", "--format", "json"]);
    assert_eq!(t["dates"], serde_json::json!(["2025-02-27", "2025-08-18"]));

    // US on guarantees: Europe's job in February, Article-5-like in August, toward Ukraine.
    let c = change(&t, "usa", "security_guarantees");
    assert_eq!(c["from"]["position"], 50.0);
    assert_eq!(c["to"]["position"], 90.0);
    assert!(c["toward"]
        .as_array()
        .unwrap()
        .contains(&Value::from("ukraine")));
    assert!(c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["end"] == "to" && e["quote"].as_str().unwrap().contains("Article 5")));

    // Russia on guarantees rests on Witkoff's account in August: reported, by him.
    let c = change(&t, "russia", "security_guarantees");
    let to: Vec<&Value> = c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["end"] == "to")
        .collect();
    assert!(!to.is_empty());
    for e in to {
        assert_eq!(e["kind"], "reported");
        assert_eq!(e["reported_by"], "witkoff");
    }
    assert_eq!(c["to"]["strength"], "medium");

    // Minerals payback → partnership; sanctions relief hinted → new sanctions merely shelved.
    let c = change(&t, "usa", "minerals");
    assert_eq!(
        (&c["from"]["position"], &c["to"]["position"]),
        (&Value::from("payback"), &Value::from("partnership"))
    );
    let c = change(&t, "usa", "sanctions");
    assert!(c["from"]["position"].as_f64().unwrap() > c["to"]["position"].as_f64().unwrap());
    // Ukraine still wants NATO, but cares less once an Article-5-like guarantee is offered.
    let c = change(&t, "ukraine", "nato_membership");
    assert_eq!(c["from"]["position"], c["to"]["position"]);
    assert!(c["from"]["salience"].as_f64().unwrap() > c["to"]["salience"].as_f64().unwrap());
}

#[test]
fn forecasts_at_the_two_dates_differ_where_positions_moved() {
    let median = |date: &str, issue: &str| -> f64 {
        let f = json(&["forecast", "--format", "json", "--as-of", date]);
        let i = f["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == issue)
            .unwrap_or_else(|| panic!("no forecast for {issue}"));
        i["models"]["median"]["forecast"].as_f64().unwrap()
    };
    assert!(
        median("2025-02-27", "security_guarantees") < median("2025-08-18", "security_guarantees")
    );
    assert!(median("2025-02-27", "sanctions") > median("2025-08-18", "sanctions"));
    // Where nobody moved, nothing changes.
    assert_eq!(
        median("2025-02-27", "army_limits"),
        median("2025-02-28", "army_limits")
    );
}

#[test]
fn every_quote_is_graded_and_every_linkage_is_in_the_file() {
    let s = json(&["show", "--format", "json"]);
    let actors: Vec<&str> = s["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let kinds = ["stated", "reported", "collective", "inferred"];
    let mut dates = std::collections::BTreeSet::new();
    for st in s["stances"].as_array().unwrap() {
        dates.insert(st["as_of"].as_str().unwrap().to_string());
        for e in st["evidence"].as_array().unwrap() {
            let k = e["kind"].as_str().unwrap_or("unspecified");
            assert!(kinds.contains(&k), "evidence without a kind: {e}");
            if k == "inferred" {
                assert!(e["note"].is_string(), "inferred without a note: {e}");
            }
            if let Some(by) = e["reported_by"].as_str() {
                assert!(actors.contains(&by));
            }
        }
    }
    assert_eq!(dates.len(), 2, "two periods: {dates:?}");
    let ids: Vec<&str> = s["linkages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    for id in [
        "ua-army-limits-need-guarantees",
        "zelensky-steps-down-for-nato",
        "ua-minerals-for-guarantees",
        "ua-kursk-for-territory",
        "us-business-for-sanctions-relief",
    ] {
        assert!(ids.contains(&id), "linkage {id} missing: {ids:?}");
    }
    // Splits inside governments are factions with stances of their own.
    for (person, issue) in [
        ("vance", "nato_posture"),
        ("kellogg", "nato_posture"),
        ("trump", "elections"),
        ("kellogg", "elections"),
    ] {
        assert!(
            s["stances"]
                .as_array()
                .unwrap()
                .iter()
                .any(|st| st["actor"] == person && st["issue"] == issue),
            "no {person} stance on {issue}"
        );
    }
}

#[test]
fn european_capabilities_do_not_outweigh_the_us() {
    let s = json(&["show", "--format", "json"]);
    let cap = |id: &str| -> f64 {
        s["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()["capability"]
            .as_f64()
            .unwrap()
    };
    let europe: f64 = ["eu", "uk", "france", "germany", "italy", "finland"]
        .iter()
        .map(|a| cap(a))
        .sum();
    assert!(europe <= cap("usa"), "Europe {europe} > US {}", cap("usa"));
}
