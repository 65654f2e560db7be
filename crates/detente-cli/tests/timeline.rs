//! Scenario v2 through the CLI: `detente timeline`, `--as-of`, evidence kinds and their
//! warnings, factions, and conditional linkages in `deals` (tests/data/valid/v2.toml).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

fn v2() -> PathBuf {
    root().join("tests/data/valid/v2.toml")
}

fn json(args: &[&str]) -> (Value, String) {
    let out = detente().args(args).arg(v2()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn change<'a>(v: &'a Value, actor: &str, issue: &str) -> &'a Value {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["actor"] == actor && c["issue"] == issue)
        .unwrap_or_else(|| panic!("no change of {actor} on {issue} in {v:#}"))
}

#[test]
fn timeline_json_lists_every_move_with_both_ends_and_their_evidence() {
    let (v, _) = json(&["timeline", "--format", "json"]);
    assert_eq!(v["dates"], serde_json::json!(["2025-03-01", "2025-06-10"]));
    // three moves: north and south on the valley, south on the ceasefire
    assert_eq!(v["changes"].as_array().unwrap().len(), 3, "{v:#}");
    let north = change(&v, "north", "valley");
    assert_eq!(north["from"]["as_of"], "2025-03-01");
    assert_eq!(north["from"]["position"], 0.0);
    assert_eq!(north["to"]["as_of"], "2025-06-10");
    assert_eq!(north["to"]["position"], 20.0);
    assert_eq!(north["to"]["salience"], 90.0);
    assert_eq!(north["toward"], serde_json::json!(["south", "mediator"]));
    let ev = north["evidence"].as_array().unwrap();
    assert!(ev.iter().any(|e| e["end"] == "from"
        && e["source"] == "march"
        && e["kind"] == "stated"
        && e["quote"].as_str().unwrap().contains("never cede an inch")));
    assert!(ev
        .iter()
        .any(|e| e["end"] == "to" && e["quote"].as_str().unwrap().contains("most of the valley")));
    // an options issue: river -> front, toward the actors holding the front
    let cf = change(&v, "south", "ceasefire");
    assert_eq!(cf["from"]["position"], "river");
    assert_eq!(cf["to"]["position"], "front");
    assert!(cf["toward"]
        .as_array()
        .unwrap()
        .contains(&Value::from("north")));
    let to_ev = cf["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["end"] == "to")
        .unwrap();
    assert_eq!(to_ev["kind"], "reported");
    assert_eq!(to_ev["reported_by"], "mediator");
    assert_eq!(cf["to"]["strength"], "medium");
}

#[test]
fn timeline_window_table_and_csv() {
    // nothing moves before June or after it
    let (v, _) = json(&["timeline", "--format", "json", "--to", "2025-05-01"]);
    assert!(v["changes"].as_array().unwrap().is_empty());
    assert_eq!(v["dates"], serde_json::json!(["2025-03-01"]));
    let (v, _) = json(&["timeline", "--format", "json", "--from", "2025-06-10"]);
    assert!(v["changes"].as_array().unwrap().is_empty());
    let (v, _) = json(&["timeline", "--format", "json", "--from", "2025-04-01"]);
    assert_eq!(v["changes"].as_array().unwrap().len(), 3);
    // the changes start from the stances in force at --from (dated March)
    assert_eq!(v["dates"], serde_json::json!(["2025-03-01", "2025-06-10"]));
    detente()
        .arg("timeline")
        .arg(v2())
        .assert()
        .success()
        .stdout(predicate::str::contains("Who moved"))
        .stdout(predicate::str::contains("0 (90) rl 50"))
        .stdout(predicate::str::contains("(june, reported by mediator)"));
    let out = detente()
        .args(["timeline", "--format", "csv"])
        .arg(v2())
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("actor,issue,from_as_of,from_position,from_salience,to_as_of,"));
    assert_eq!(csv.lines().count(), 4);
    assert!(
        csv.contains("south,valley,2025-03-01,100,80,2025-06-10,70,80,position,north mediator,")
    );
    // bad dates are bad input
    detente()
        .args(["timeline", "--from", "June"])
        .arg(v2())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a date"));
    detente()
        .args(["timeline", "--from", "2025-06-10", "--to", "2025-03-01"])
        .arg(v2())
        .assert()
        .code(2);
}

#[test]
fn as_of_picks_the_stances_of_that_date_and_says_so() {
    let run = |extra: &[&str]| {
        let out = detente()
            .args(["show", "--format", "csv"])
            .args(extra)
            .arg(v2())
            .output()
            .unwrap();
        assert!(out.status.success());
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (june, err) = run(&[]);
    assert!(err.contains("as of 2025-06-10"), "{err}");
    assert!(
        june.contains("south,valley,70,80,,1,2025-06-10,strong,"),
        "{june}"
    );
    assert!(june.contains("north,ceasefire,front,60,,1,2025-06-10,medium,"));
    let (march, err) = run(&["--as-of", "2025-03-01"]);
    assert!(err.contains("as of 2025-03-01"), "{err}");
    assert!(march.contains("south,valley,100,80,,1,2025-03-01,strong,"));
    // Northland has no ceasefire stance of its own in March: its leading faction's is used
    assert!(march.contains("north,ceasefire,none,70,,1,2025-03-01,strong,north-army"));
    assert!(!march.contains("army_limits,100"));
    // the forecast differs between the dates where positions moved
    let forecast = |d: &str| {
        let out = detente()
            .args([
                "forecast", "--format", "json", "--model", "median", "--as-of", d,
            ])
            .arg(v2())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["issues"][0]["models"]["median"]["forecast"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(forecast("2025-03-01"), 0.0);
    assert_eq!(forecast("2025-06-10"), 20.0);
    // dates the scenario does not cover are bad input
    for bad in ["2025-07-01", "2025-3-1"] {
        detente()
            .args(["forecast", "--as-of", bad])
            .arg(v2())
            .assert()
            .code(2);
    }
    // show --format json at a date keeps every stance up to it, with its as_of and kinds
    let (v, _) = json(&["show", "--format", "json", "--as-of", "2025-03-01"]);
    let st = v["stances"].as_array().unwrap();
    assert_eq!(st.len(), 7);
    assert!(st.iter().all(|s| s["as_of"] == "2025-03-01"));
    assert!(st.iter().all(|s| s["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"].is_string())));
}

#[test]
fn show_lists_strength_splits_and_linkages() {
    detente()
        .arg("show")
        .arg(v2())
        .assert()
        .success()
        .stdout(predicate::str::contains("strength"))
        .stdout(predicate::str::contains("Splits"))
        .stdout(predicate::str::contains("north-army: none"))
        .stdout(predicate::str::contains(
            "south accepts army_limits 0–30 when guarantees ≥ 75",
        ))
        .stdout(predicate::str::contains(
            "north offers valley → 40 for ceasefire = front (to south)",
        ));
}

#[test]
fn check_warns_about_inferred_only_and_shared_sentences() {
    let out = detente()
        .args(["check", "--format", "json"])
        .arg(root().join("tests/data/valid/weak-evidence.toml"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let msgs: Vec<String> = v[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}:{} {}", d["line"], d["severity"], d["message"]))
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(
        msgs[0].contains("warning")
            && msgs[0].contains("`mediator` on `valley` rests only on inferred evidence")
    );
    assert!(msgs[1].contains("one sentence supports 3 stances") && msgs[1].contains("collective"));
    // marked collective, the same sentence is fine; v2.toml has no warning at all
    detente()
        .args(["check", "--strict"])
        .arg(v2())
        .assert()
        .success();
}

#[test]
fn deals_honour_conditional_red_lines_and_name_them() {
    let (v, _) = json(&["deals", "--format", "json"]);
    // Southland accepts a cap on its army (30) only with foreign troops (100): every package in
    // the zone has both; without the linkage its red line (no limits) and Northland's (a cap
    // at least) would leave no zone at all
    assert_eq!(v["acceptable"], 4);
    for p in v["top"].as_array().unwrap() {
        assert!(p["package"]["army_limits"]
            .as_str()
            .unwrap()
            .starts_with("30"));
        assert!(p["package"]["guarantees"]
            .as_str()
            .unwrap()
            .starts_with("100"));
    }
    let south = v["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["party"] == "south")
        .unwrap();
    let c = &south["conditional_red_lines"][0];
    assert_eq!(c["linkage"], "south-army-limits-need-guarantees");
    assert_eq!(c["issue"], "army_limits");
    // army_limits 30 with guarantees below 75: 1 × 3 × 3 × 2 packages
    assert_eq!(c["packages"], 18);
    assert!(south["summary"]
        .as_str()
        .unwrap()
        .contains("conditional red line `south-army-limits-need-guarantees`"));
    // one package explained: the guarantees decide whether the cap is acceptable
    for (g, ok) in [("100", true), ("50", false)] {
        let pkg = format!("valley=50; ceasefire=front; guarantees={g}; army_limits=30");
        let (e, _) = json(&["deals", "--format", "json", "--explain", &pkg]);
        assert_eq!(e["explain"]["acceptable"], ok, "{e:#}");
        assert_eq!(
            e["explain"]["summary"]
                .as_str()
                .unwrap()
                .contains("conditional red line `south-army-limits-need-guarantees`"),
            !ok
        );
    }
    assert!(v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["conditional_red_lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["linkage"] == "south-army-limits-need-guarantees")));
}

#[test]
fn report_shows_who_moved_evidence_kinds_and_linkages_at_either_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.md");
    detente()
        .args(["report", "--monte-carlo", "0", "-o"])
        .arg(&out)
        .arg(v2())
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("## Who moved"));
    assert!(md.contains(
        "| north | valley | 2025-03-01: 0 (90) | 2025-06-10: 20 (90) | position | south, mediator | strong → strong |"
    ));
    assert!(dir.path().join("r_files/02-who-moved.svg").exists());
    assert!(md.contains("## Splits within parties"));
    assert!(md.contains("## Linkages across issues"));
    assert!(md.contains("— Second round ends, 2025-06-10 — reported, by The mediator"));
    assert!(md.contains("Evidence strength"));
    // at the earlier date: the picture is March's, nobody has moved yet
    let early = dir.path().join("march.md");
    detente()
        .args([
            "report",
            "--monte-carlo",
            "0",
            "--as-of",
            "2025-03-01",
            "-o",
        ])
        .arg(&early)
        .arg(v2())
        .assert()
        .success()
        .stderr(predicate::str::contains("as of 2025-03-01"));
    let md = std::fs::read_to_string(&early).unwrap();
    assert!(md.contains("Picture as of 2025-03-01"));
    assert!(!md.contains("## Who moved"));
}
