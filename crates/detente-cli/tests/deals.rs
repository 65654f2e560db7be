//! End-to-end tests of `detente deals`.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

fn genius(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/genius")
        .join(name)
}

const SMALL: &str = r#"
[scenario]
title = "Two-issue test"

[[actors]]
id = "north"
name = "North"
kind = "state"
capability = 10
reservation = 0.2

[[actors]]
id = "south"
name = "South"
kind = "state"
capability = 10

[[issues]]
id = "border"
title = "Border line"
type = "scale"
anchors = [
  { at = 0, label = "north keeps all" },
  { at = 50, label = "split" },
  { at = 100, label = "south gets all" },
]

[[issues]]
id = "alliance"
title = "Alliance"
type = "options"
ordered = true
options = [
  { id = "join", label = "joins" },
  { id = "open", label = "left open" },
  { id = "never", label = "never joins" },
]

[[stances]]
actor = "north"
issue = "border"
position = 0
salience = 80
red_line = NORTH_RED_LINE

[[stances]]
actor = "north"
issue = "alliance"
position = "join"
salience = 20

[[stances]]
actor = "south"
issue = "border"
position = 100
salience = 50
red_line = 50

[[stances]]
actor = "south"
issue = "alliance"
position = "never"
salience = 50
rejects = ["join"]

[decision]
veto_players = ["north", "south"]
"#;

fn scenario(dir: &tempfile::TempDir, north_red_line: u32) -> PathBuf {
    let p = dir.path().join("small.toml");
    std::fs::write(
        &p,
        SMALL.replace("NORTH_RED_LINE", &north_red_line.to_string()),
    )
    .unwrap();
    p
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("detente")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn genius_json_has_the_documented_shape_and_figures() {
    let g = genius("EnglandZimbabwe");
    let v = json(&["deals", "--genius", g.to_str().unwrap(), "--format", "json"]);
    assert_eq!(v["outcomes"], 576);
    assert_eq!(v["acceptable"], 576);
    assert_eq!(v["pareto_size"], 25);
    assert_eq!(v["pareto"].as_array().unwrap().len(), 25);
    for key in ["nash", "egalitarian", "kalai_smorodinsky", "max_welfare"] {
        assert!(v[key]["package"].is_object(), "{key}");
        assert!(v[key]["utilities"]["England"].is_f64(), "{key}");
    }
    assert!((v["nash"]["utilities"]["England"].as_f64().unwrap() - 0.910916).abs() < 1e-6);
    assert!((v["nash"]["utilities"]["Zimbabwe"].as_f64().unwrap() - 0.733218).abs() < 1e-6);
    assert!(
        (v["kalai_smorodinsky"]["utilities"]["Zimbabwe"]
            .as_f64()
            .unwrap()
            - 0.786570)
            .abs()
            < 1e-6
    );
    assert!(v["blockers"].as_array().unwrap().is_empty());
    assert_eq!(v["nash"]["package"]["Size of Fund"], "$10 billion");
}

#[test]
fn scenario_table_names_the_zone_and_the_solutions() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir, 50);
    Command::cargo_bin("detente")
        .unwrap()
        .args(["deals", s.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("Packages: 9"))
        .stdout(
            predicate::str::contains("Zone of possible agreement")
                .and(predicate::str::contains("2 package(s)")),
        )
        .stdout(predicate::str::contains("Nash"))
        .stdout(predicate::str::contains("border: 50 (split)"))
        .stdout(predicate::str::contains(
            "south's red lines reject 5 of 9 packages",
        ));
}

#[test]
fn empty_zone_gives_blockers_and_minimal_relaxations() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir, 30);
    let v = json(&["deals", s.to_str().unwrap(), "--format", "json"]);
    assert_eq!(v["acceptable"], 0);
    assert_eq!(v["pareto_size"], 0);
    assert!(v["nash"].is_null());
    let relax = v["relaxations"].as_array().unwrap();
    assert_eq!(relax.len(), 2, "{relax:?}");
    assert_eq!(relax[0]["actors"], serde_json::json!(["north"]));
    assert_eq!(relax[0]["moves"][0]["to"], "50 (split)");
    assert_eq!(relax[0]["opens"], 2);
    assert_eq!(relax[1]["actors"], serde_json::json!(["south"]));
    let blockers = v["blockers"].as_array().unwrap();
    assert_eq!(blockers.len(), 2);
    Command::cargo_bin("detente")
        .unwrap()
        .args(["deals", s.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "No package is acceptable to all of north and south",
        ))
        .stdout(predicate::str::contains(
            "north moves its red line on border from \"0 (north keeps all)\" to \"50 (split)\"",
        ));
}

#[test]
fn step_changes_the_discretisation() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir, 50);
    let v = json(&[
        "deals",
        s.to_str().unwrap(),
        "--step",
        "25",
        "--format",
        "json",
    ]);
    assert_eq!(v["outcomes"], 15);
}

#[test]
fn write_genius_round_trips_through_the_genius_reader() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir, 50);
    let out = dir.path().join("genius-out");
    let a = json(&[
        "deals",
        s.to_str().unwrap(),
        "--write-genius",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.join("domain.xml").exists()
            && out.join("north.xml").exists()
            && out.join("south.xml").exists()
    );
    let b = json(&[
        "deals",
        "--genius",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(b["outcomes"], a["outcomes"]);
    // GENIUS has no red lines: every package meeting both reservation values is acceptable
    assert!(b["acceptable"].as_u64().unwrap() >= a["acceptable"].as_u64().unwrap());
    assert_eq!(b["parties"], serde_json::json!(["north", "south"]));
}

#[test]
fn csv_lists_solutions_and_frontier() {
    let g = genius("LaptopC");
    Command::cargo_bin("detente")
        .unwrap()
        .args(["deals", "--genius", g.to_str().unwrap(), "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "kind,rank,u_Laptop-C-prof1,u_Laptop-C-prof2,Laptop,Harddisk,External Monitor",
        ))
        .stdout(predicate::str::contains("\npareto,4,"));
}

#[test]
fn bad_input_exits_2_with_a_located_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.xml"),
        "<negotiation_template>\n<utility_space>\n<issue name=\"x\"",
    )
    .unwrap();
    Command::cargo_bin("detente")
        .unwrap()
        .args(["deals", "--genius", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("d.xml:"));
    Command::cargo_bin("detente")
        .unwrap()
        .args(["deals"])
        .assert()
        .code(2);
    let s = scenario(&dir, 50);
    Command::cargo_bin("detente")
        .unwrap()
        .args(["deals", s.to_str().unwrap(), "--step=-3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("step"));
    Command::cargo_bin("detente")
        .unwrap()
        .args([
            "deals",
            "--genius",
            dir.path().join("missing").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn explain_says_why_a_package_fails() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir, 30);
    // by number of a scale point and by option id
    let v = json(&[
        "deals",
        s.to_str().unwrap(),
        "--explain",
        "border=50; alliance=join",
        "--format",
        "json",
    ]);
    let e = &v["explain"];
    assert_eq!(e["acceptable"], false);
    assert_eq!(e["package"]["alliance"], "joins");
    let parties: Vec<&str> = e["red_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["north", "south"]);
    // a package missing an issue is bad input
    Command::cargo_bin("detente")
        .unwrap()
        .args(["deals", s.to_str().unwrap(), "--explain", "border=50"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing: alliance"));
    // acceptable package in the table
    let s = scenario(&dir, 50);
    Command::cargo_bin("detente")
        .unwrap()
        .args([
            "deals",
            s.to_str().unwrap(),
            "--explain",
            "border=split; alliance=left open",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Acceptable to every party"));
}
