//! `detente forecast`, `advise` and `backtest` end to end: JSON shape, the Table 2 preset,
//! located errors, Monte Carlo determinism across thread counts, SVG output.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bdm() -> PathBuf {
    root().join("crates/detente-forecast/data/bdm1994.csv")
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

fn json_of(args: &[&str], input: &Path) -> Value {
    let out = detente()
        .arg(args[0])
        .arg(input)
        .args(&args[1..])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const SCENARIO: &str = r#"
[scenario]
title = "Test talks"

[[actors]]
id = "north"
name = "North"
kind = "state"
capability = 60

[[actors]]
id = "south"
name = "South"
kind = "state"
capability = 40

[[actors]]
id = "broker"
name = "Broker"
kind = "organisation"
capability = 20

[[issues]]
id = "border"
title = "Where the border runs"
type = "scale"
anchors = [
  { at = 0, label = "old border restored" },
  { at = 50, label = "line of contact" },
  { at = 100, label = "all claims granted to North" },
]
status_quo = 50
outcome = 60

[[stances]]
actor = "north"
issue = "border"
position = 90
salience = 80
position_range = [70, 100]

[[stances]]
actor = "south"
issue = "border"
position = 10
salience = 90

[[stances]]
actor = "broker"
issue = "border"
position = 50
salience = 50
"#;

fn scenario(dir: &tempfile::TempDir) -> PathBuf {
    let p = dir.path().join("talks.toml");
    std::fs::write(&p, SCENARIO).unwrap();
    p
}

#[test]
fn json_has_the_documented_shape() {
    let v = json_of(&["forecast", "--format", "json"], &bdm());
    let issue = &v["issues"][0];
    assert_eq!(issue["id"], "issue");
    for m in ["mean", "median", "eum", "smp", "nash"] {
        assert!(issue["models"][m]["forecast"].is_number(), "{m}");
    }
    assert!((issue["models"]["mean"]["forecast"].as_f64().unwrap() - 7.39).abs() < 0.005);
    assert_eq!(issue["models"]["median"]["forecast"], 7.0);
    let r0 = &issue["models"]["eum"]["rounds"][0];
    assert_eq!(r0["round"], 0);
    assert_eq!(r0["positions"]["Netherlands"], 4.0);
    assert_eq!(r0["median"], 7.0);
    assert!(r0["risk"]["UK"].is_number());
    assert_eq!(r0["pairs"].as_array().unwrap().len(), 45);
    assert!(r0["pairs"][0]["kind"].is_string());
}

#[test]
fn scholz2011_preset_gives_the_published_trajectory() {
    let v = json_of(
        &[
            "forecast",
            "--format",
            "json",
            "--model",
            "eum",
            "--preset",
            "scholz2011",
        ],
        &bdm(),
    );
    let rounds = v["issues"][0]["models"]["eum"]["rounds"]
        .as_array()
        .unwrap();
    assert_eq!(rounds.len(), 9);
    let med: Vec<f64> = rounds
        .iter()
        .map(|r| r["median"].as_f64().unwrap())
        .collect();
    // Published: 8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6 (round 2 is the known difference).
    for (k, want) in [
        (1, 8.4),
        (3, 9.9),
        (4, 9.9),
        (5, 9.9),
        (6, 7.4),
        (7, 8.8),
        (8, 9.6),
    ] {
        assert!(
            (med[k] - want).abs() <= 0.1,
            "round {k}: {} vs {want}",
            med[k]
        );
    }
}

#[test]
fn table_names_the_issue_and_the_nearest_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir);
    detente()
        .args(["forecast", "--models"])
        .arg(&s)
        .assert()
        .success()
        .stdout(predicate::str::contains("Where the border runs"))
        .stdout(predicate::str::contains("Headline"))
        .stdout(predicate::str::contains("Expected utility (EUM)"))
        .stdout(predicate::str::contains("line of contact"));
    let v = json_of(&["forecast", "--format", "json", "--model", "mean"], &s);
    // (60·.8·90 + 40·.9·10 + 20·.5·50) / (48 + 36 + 10) = 5180 / 94
    let f = v["issues"][0]["models"]["mean"]["forecast"]
        .as_f64()
        .unwrap();
    assert!((f - 5180.0 / 94.0).abs() < 1e-9);
    assert!(v["issues"][0]["models"]["mean"]["label"]
        .as_str()
        .unwrap()
        .contains("line of contact"));
}

#[test]
fn csv_output_has_one_row_per_issue_and_model() {
    let out = detente()
        .args(["forecast", "--format", "csv", "--model", "mean,median"])
        .arg(bdm())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "issue,model,forecast,label");
    assert_eq!(lines.len(), 3);
    assert!(lines[2].starts_with("issue,median,7,"));
}

#[test]
fn bad_inputs_exit_2_with_a_location() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Actor,Capability,Position,Salience\nA,1,5,0.5\nB,1,five,0.5\n",
    )
    .unwrap();
    detente()
        .arg("forecast")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.csv:3:5: error: position `five` is not a number",
        ));
    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, [0xffu8, 0xfe, 0x00, 0x41]).unwrap();
    detente()
        .arg("forecast")
        .arg(&junk)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("UTF-8"));
    detente()
        .args(["forecast", "--model", "oracle"])
        .arg(bdm())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown model"));
    detente()
        .args(["forecast", "--preset", "nope"])
        .arg(bdm())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scholz2011"));
    detente()
        .args(["forecast", "--eum-option", "probability=sometimes"])
        .arg(bdm())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("per-pair | all-pairs"));
    detente()
        .args([
            "forecast",
            "--monte-carlo",
            "10",
            "--noise",
            "position=uniform:3",
        ])
        .arg(bdm())
        .assert()
        .code(2);
    detente()
        .arg("forecast")
        .arg(dir.path().join("missing.csv"))
        .assert()
        .code(2);
}

#[test]
fn monte_carlo_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir);
    let run = |threads: &str| {
        let out = detente()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "forecast",
                "--format",
                "json",
                "--monte-carlo",
                "400",
                "--seed",
                "9",
            ])
            .args([
                "--noise",
                "salience=normal:5,capability=triangular:20%",
                "--threshold",
                "border=55",
            ])
            .arg(&s)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let v: Value = serde_json::from_slice(&one).unwrap();
    let d = &v["issues"][0]["models"]["eum"]["distribution"];
    assert_eq!(d["runs"], 400);
    assert!(d["p5"].as_f64().unwrap() <= d["p95"].as_f64().unwrap());
    let p = d["p_at_or_above"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    // North's position range is used: positions in 70–100 move the mean.
    let m = &v["issues"][0]["models"]["mean"]["distribution"];
    assert!(m["p95"].as_f64().unwrap() > m["p5"].as_f64().unwrap());
}

#[test]
fn plot_writes_an_svg() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("t.svg");
    detente()
        .args(["forecast", "--preset", "scholz2011", "--plot"])
        .arg(&svg)
        .arg(bdm())
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    assert!(text.contains("<polyline"));
}

#[test]
fn tornado_lists_the_inputs_that_matter() {
    let dir = tempfile::tempdir().unwrap();
    let v = json_of(
        &[
            "forecast",
            "--format",
            "json",
            "--model",
            "mean",
            "--tornado",
        ],
        &scenario(&dir),
    );
    let bars = v["issues"][0]["tornado"].as_array().unwrap();
    assert!(!bars.is_empty());
    let swings: Vec<f64> = bars.iter().map(|b| b["swing"].as_f64().unwrap()).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn ktab_multi_dimensional_input() {
    let k = root().join("../shared/reference/ktab/dummyData_6Dim.csv");
    if !k.exists() {
        return;
    }
    let v = json_of(&["forecast", "--format", "json", "--model", "smp,mean"], &k);
    assert_eq!(v["issues"].as_array().unwrap().len(), 6);
}

#[test]
fn advise_ranks_changes_for_an_actor() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(&dir);
    let v = json_of(
        &[
            "advise", "--actor", "south", "--model", "mean", "--format", "json",
        ],
        &s,
    );
    let adv = v["advice"].as_array().unwrap();
    assert!(!adv.is_empty());
    assert!(adv.iter().all(|a| a["gain"].as_f64().unwrap() > 0.0));
    detente()
        .args(["advise", "--actor", "sout"])
        .arg(&s)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `south`"));
}

#[test]
fn backtest_scores_deu_and_scenario_cases() {
    let dir = tempfile::tempdir().unwrap();
    let deu = dir.path().join("deu.csv");
    std::fs::write(&deu, "id;pA;sA;pB;sB;rp;out\ni1;0;50;100;50;0;50\ni2;20;80;60;20;999;30\ni3;999;50;40;50;0;999\n").unwrap();
    let v = json_of(
        &[
            "backtest",
            "--format",
            "json",
            "--model",
            "mean",
            "--bootstrap",
            "200",
        ],
        &deu,
    );
    // i1: mean 50, error 0; i2: (20·.8 + 60·.2) / 1 = 28, error 2; i3 has no outcome.
    assert_eq!(v["cases"], 2);
    let s = &v["scores"][0];
    assert!((s["mae"]["value"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert_eq!(s["hit5"]["value"], 1.0);
    let out = detente()
        .args(["backtest", "--model", "mean,eum"])
        .arg(&deu)
        .arg(scenario(&dir))
        .arg(bdm())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 case(s)"));
    let none = dir.path().join("none.csv");
    std::fs::write(&none, "Actor,Capability,Position,Salience\nA,1,5,0.5\n").unwrap();
    detente()
        .arg("backtest")
        .arg(&none)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no case has a known outcome"));
}

#[test]
fn trace_prints_the_eum_round_by_round() {
    detente()
        .args([
            "forecast",
            "--preset",
            "scholz2011",
            "--model",
            "eum",
            "--trace",
        ])
        .arg(bdm())
        .assert()
        .success()
        .stdout(predicate::str::contains("EUM round by round"))
        .stdout(predicate::str::contains("Belgium"))
        .stdout(predicate::str::contains("8.42"));
}
