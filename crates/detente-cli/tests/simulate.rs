//! `detente simulate` and `detente tournament` end to end: JSON shape, party naming,
//! red lines and reservations in agreements, determinism (seed, thread count), bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn genius(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/reference/genius").join(name);
    p.exists().then_some(p)
}

fn minimal() -> PathBuf {
    root().join("tests/data/valid/minimal.toml")
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

fn json_of(args: &[&str], input: &Path) -> Value {
    let out = detente().args(args).arg(input).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scenario_json_has_the_documented_shape_and_respects_red_lines() {
    for negs in [
        "boulware,conceder",
        "conceder,conceder",
        "random,nash",
        "frequency,tit-for-tat",
    ] {
        let v = json_of(
            &["simulate", "--format", "json", "-n", negs, "--rounds", "40"],
            &minimal(),
        );
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "agreement",
                "nash_distance",
                "pareto_distance",
                "rounds",
                "trace",
                "utilities",
                "welfare"
            ]
        );
        // Parties are the veto players, named by actor id.
        let us = v["utilities"].as_object().unwrap();
        assert_eq!(us.keys().collect::<Vec<_>>(), ["north", "south"]);
        assert!(v["rounds"].as_u64().unwrap() <= 40);
        assert!(!v["trace"].as_array().unwrap().is_empty());
        let first = &v["trace"][0];
        assert_eq!(first["party"], "north");
        assert_eq!(first["action"], "offer");
        if let Some(a) = v["agreement"].as_object() {
            // North's red line: the valley no further than 50; South rejects "no ceasefire".
            let valley = a["valley"].as_str().unwrap();
            assert!(!valley.starts_with("100"), "{negs}: {valley}");
            assert!(
                !a["ceasefire"].as_str().unwrap().contains("no ceasefire"),
                "{negs}"
            );
            // North's reservation is 0.2.
            assert!(us["north"].as_f64().unwrap() >= 0.2 - 1e-12);
            let sum: f64 = us.values().map(|u| u.as_f64().unwrap()).sum();
            assert!((sum - v["welfare"].as_f64().unwrap()).abs() < 1e-9);
        } else {
            assert_eq!(v["agreement"], Value::Null);
        }
    }
}

#[test]
fn same_seed_same_output_and_table_and_csv_render() {
    let args = [
        "simulate",
        "-n",
        "random:p=0.3,hardheaded:level=0.5",
        "--seed",
        "11",
        "--format",
        "json",
    ];
    let a = detente().args(args).arg(minimal()).output().unwrap();
    let b = detente().args(args).arg(minimal()).output().unwrap();
    assert_eq!(a.stdout, b.stdout);
    detente()
        .args(["simulate", "-n", "boulware"])
        .arg(minimal())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("welfare").and(predicate::str::contains("north (boulware)")),
        );
    detente()
        .args(["simulate", "-n", "linear", "--format", "csv"])
        .arg(minimal())
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "round,party,action,valley,ceasefire,u_north,u_south",
        ));
}

#[test]
fn genius_parties_are_the_sorted_profile_names() {
    let Some(dir) = genius("ItexvsCypress") else {
        return;
    };
    let v = json_of(
        &[
            "simulate",
            "--format",
            "json",
            "-n",
            "boulware,linear",
            "--genius",
        ],
        &dir,
    );
    let us = v["utilities"].as_object().unwrap();
    assert_eq!(
        us.keys().collect::<Vec<_>>(),
        ["ItexvsCypress_Cypress", "ItexvsCypress_Itex"]
    );
    assert_eq!(v["trace"][0]["party"], "ItexvsCypress_Cypress");
    assert!(v["agreement"].is_object());
    assert!(v["pareto_distance"].as_f64().unwrap() >= 0.0);
    assert!(v["nash_distance"].as_f64().unwrap() >= 0.0);
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["-n", "bouldware"], "unknown negotiator `bouldware`"),
        (&["-n", "boulware:e=0"], "must be greater than 0"),
        (
            &["-n", "linear,linear,linear"],
            "3 negotiators for 2 parties (north, south)",
        ),
        (
            &["-n", "linear", "--rounds", "0"],
            "--rounds must be at least 1",
        ),
        (&["-n", "linear", "--discount", "1.5"], "(0, 1]"),
        (&["-n", "linear", "--time-limit=-1"], "--time-limit"),
        (&["-n", "linear", "--time-limit", "0"], "--time-limit 0"),
    ];
    for (args, message) in cases {
        detente()
            .arg("simulate")
            .args(*args)
            .arg(minimal())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    detente()
        .args(["simulate", "-n", "linear", "/no/such/scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/scenario.toml"));
    detente()
        .args(["simulate", "-n", "linear", "--genius", "/no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/folder"));
    detente()
        .args(["simulate", "-n", "linear"])
        .assert()
        .code(2);
    detente()
        .args(["tournament", "--reps", "0"])
        .arg(minimal())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--reps"));
}

#[test]
fn tournament_summary_csv_and_every_run() {
    let out = detente()
        .args([
            "tournament",
            "-n",
            "boulware,conceder,nash",
            "--reps",
            "2",
            "--rounds",
            "30",
            "--format",
            "csv",
        ])
        .arg(minimal())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "domain,negotiator,plays,mean_utility,agreement_rate,mean_welfare,mean_nash_distance,mean_pareto_distance,mean_rounds"
    );
    assert_eq!(lines.len(), 4);
    // 3 negotiators, 2 roles: 3^2 assignments × 2 reps; each negotiator plays 2·3·2 = 12 roles.
    for l in &lines[1..] {
        assert_eq!(l.split(',').nth(2), Some("12"), "{l}");
        assert!(l.starts_with("Valley dispute,"), "{l}");
    }
    let out = detente()
        .args([
            "tournament",
            "-n",
            "boulware,conceder,nash",
            "--reps",
            "2",
            "--runs",
            "--format",
            "csv",
        ])
        .arg(minimal())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        1 + 9 * 2
    );
    // No progress bar when stderr is not a terminal.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn tournament_is_identical_whatever_the_thread_count() {
    let input = genius("EnglandZimbabwe");
    let run = |threads: &str| {
        let mut cmd = detente();
        cmd.args([
            "tournament",
            "--reps",
            "3",
            "--seed",
            "5",
            "--format",
            "json",
            "--threads",
            threads,
        ]);
        match &input {
            Some(dir) => cmd.arg("--genius").arg(dir),
            None => cmd.arg(minimal()),
        };
        let out = cmd.output().unwrap();
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
    assert_eq!(one, run("4"));
    let v: Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["summary"].as_array().unwrap().len(), 9);
    assert_eq!(v["negotiations"], 9 * 9 * 3);
}

/// The flagship scenario (18.9 million packages): the veto players negotiate. Preparing the
/// space takes ~3 s in a release build but over 30 s in a debug build, so this runs only with
/// `cargo test --release`.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn flagship_veto_players_negotiate() {
    let v = json_of(
        &["simulate", "--format", "json", "-n", "nash"],
        &root().join("scenarios/ukraine-2025.toml"),
    );
    let us = v["utilities"].as_object().unwrap();
    assert_eq!(us.keys().collect::<Vec<_>>(), ["russia", "ukraine", "usa"]);
    // Three Nash seekers agree on the Nash point.
    assert!(v["agreement"].is_object());
    assert!(v["nash_distance"].as_f64().unwrap() < 1e-9);
}

#[test]
fn tournament_over_several_domains() {
    let Some(dir) = genius("LaptopC") else { return };
    let out = detente()
        .args([
            "tournament",
            "-n",
            "boulware,conceder",
            "--reps",
            "2",
            "--format",
            "json",
        ])
        .arg(minimal())
        .arg("--genius")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let domains = v["domains"].as_array().unwrap();
    assert_eq!(domains.len(), 2);
    assert_eq!(
        domains[1]["parties"],
        serde_json::json!(["Laptop-C-prof1", "Laptop-C-prof2"])
    );
    assert_eq!(v["negotiations"], 2 * 4 * 2);
    // The overall summary weighs every play of every domain.
    let all = &v["summary"][0];
    assert_eq!(all["plays"], 2 * (2 * 2 * 2));
    let per: f64 = domains
        .iter()
        .map(|d| d["summary"][0]["mean_utility"].as_f64().unwrap())
        .sum();
    assert!((all["mean_utility"].as_f64().unwrap() - per / 2.0).abs() < 1e-12);
}
