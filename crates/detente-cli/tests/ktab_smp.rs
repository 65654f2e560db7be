//! Conformance of `detente forecast --model smp` with KTAB's own reference runs
//! (`../shared/reference/ktab/ref-runs/`), checked through the CLI's JSON: the number of states,
//! every actor's position on every dimension in every state (the log's one decimal), and the
//! intermediate quantities the log prints (inferred risk attitudes, each challenger's most
//! advantageous target and its worth, the four "Est by" estimates, the bargains from both views
//! and their compromise, the winning probabilities), each to the log's precision.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/ktab")
}

fn run_json(input: &Path, extra: &[&str]) -> Value {
    let out = Command::cargo_bin("detente")
        .unwrap()
        .arg("forecast")
        .arg(input)
        .args(["--model", "smp", "--format", "json"])
        .args(extra)
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

/// What the KTAB log says, parsed.
#[derive(Default, Debug)]
struct Log {
    states: usize,
    /// (actor, dim) -> position per state.
    history: HashMap<(String, String), Vec<f64>>,
    /// actor -> winning probability per state.
    win: HashMap<String, Vec<f64>>,
    /// Inferred risk attitudes, per printed block (one per state, in order).
    risk: Vec<Vec<f64>>,
    /// (turn, initiator index, target index, worth).
    targets: Vec<(usize, usize, usize, f64)>,
    /// (turn, actor) for "has no advantageous targets".
    no_target: Vec<(usize, usize)>,
    /// (turn, i, j) -> the four "Est by" lines: (prob, gain).
    est: HashMap<(usize, usize, usize), Vec<(f64, f64)>>,
    /// (turn, i, j) -> six proposal lines (IIJ: i, j; JIJ: i, j; compromise: i, j).
    bargains: HashMap<(usize, usize, usize), Vec<Vec<f64>>>,
}

fn nums(s: &str) -> Vec<f64> {
    s.split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect()
}

fn parse_log(text: &str) -> Log {
    let mut log = Log::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut section = "";
    let mut cur: Option<(usize, usize, usize)> = None;
    let mut k = 0;
    while k < lines.len() {
        let l = lines[k].trim_end();
        if let Some(rest) = l.strip_prefix("There were ") {
            log.states = rest.split_whitespace().next().unwrap().parse().unwrap();
        } else if l.starts_with("History of actor positions") {
            section = "pos";
        } else if l.starts_with("History of actors' winning") {
            section = "win";
        } else if l.starts_with("Inferred risk attitudes") {
            let mut block = Vec::new();
            while let Some(v) = lines.get(k + 1).and_then(|x| x.trim().parse::<f64>().ok()) {
                block.push(v);
                k += 1;
            }
            log.risk.push(block);
        } else if l.starts_with("In turn ") && l.contains("no advantageous") {
            let w: Vec<&str> = l.split_whitespace().collect();
            log.no_target
                .push((w[2].parse().unwrap(), w[4].parse().unwrap()));
        } else if l.starts_with("In turn ") {
            let w: Vec<&str> = l.split_whitespace().collect();
            let turn = w[2].parse().unwrap();
            let (i, j) = (w[4].parse().unwrap(), w[9].parse().unwrap());
            log.targets.push((turn, i, j, w[11].parse().unwrap()));
            cur = Some((turn, i, j));
        } else if l.starts_with("Est by") {
            let w: Vec<&str> = l.split_whitespace().collect();
            let p: f64 = w[5].parse().unwrap();
            let g: f64 = w.last().unwrap().parse().unwrap();
            log.est.entry(cur.unwrap()).or_default().push((p, g));
        } else if l.contains(" adopt: ") {
            let v = nums(l.split(" adopt: ").nth(1).unwrap());
            log.bargains.entry(cur.unwrap()).or_default().push(v);
        } else if section == "pos" && l.contains(", ") && l.contains(':') {
            let (head, vals) = l.split_once(':').unwrap();
            let (a, d) = head.split_once(", ").unwrap();
            log.history
                .insert((a.trim().to_string(), d.trim().to_string()), nums(vals));
        } else if section == "win" && l.contains(", prob :") {
            let (a, vals) = l.split_once(", prob :").unwrap();
            log.win.insert(a.trim().to_string(), nums(vals));
        }
        k += 1;
    }
    log
}

fn close(a: f64, b: f64, decimals: i32, what: &str) {
    let tol = 0.5 * 10f64.powi(-decimals) + 1e-9;
    assert!((a - b).abs() <= tol, "{what}: detente {a} vs KTAB {b}");
}

fn check_against_log(json: &Value, log: &Log) {
    let issues = json["issues"].as_array().unwrap();
    let ids: Vec<String> = {
        let r0 = &issues[0]["models"]["smp"]["rounds"][0]["positions"];
        // Actor order as in the log (SActor-00, …): the JSON map is keyed by id.
        let mut v: Vec<String> = log.win.keys().cloned().collect();
        v.sort();
        for a in &v {
            assert!(r0.get(a).is_some(), "actor {a} missing from the JSON");
        }
        v
    };
    for issue in issues {
        let dim = issue["id"].as_str().unwrap();
        let rounds = issue["models"]["smp"]["rounds"].as_array().unwrap();
        assert_eq!(rounds.len(), log.states, "{dim}: number of states");
        for a in &ids {
            let want = &log.history[&(a.clone(), dim.to_string())];
            for (t, r) in rounds.iter().enumerate() {
                let got = r["positions"][a].as_f64().unwrap();
                close(got, want[t], 1, &format!("{a} on {dim} in state {t}"));
                let w = r["win_prob"][a].as_f64().unwrap();
                close(
                    w,
                    log.win[a][t],
                    4,
                    &format!("{a}'s winning probability in state {t}"),
                );
            }
        }
        // Risk attitudes: the log prints one block per state (in state order).
        for (t, r) in rounds.iter().enumerate() {
            for (i, a) in ids.iter().enumerate() {
                let got = r["risk"][a].as_f64().unwrap();
                close(
                    got,
                    log.risk[t][i],
                    3,
                    &format!("risk attitude of {a} in state {t}"),
                );
            }
        }
    }
    // Challenges: targets, worth, estimates, bargains (dimension d from issue d).
    let mut seen = 0;
    for &(t, i, j, worth) in &log.targets {
        let key = (t, i, j);
        for (d, issue) in issues.iter().enumerate() {
            let chs = issue["models"]["smp"]["rounds"][t]["challenges"]
                .as_array()
                .unwrap();
            let c = chs
                .iter()
                .find(|c| c["initiator"] == ids[i].as_str())
                .unwrap_or_else(|| panic!("turn {t}: no challenge by {}", ids[i]));
            assert_eq!(
                c["target"],
                ids[j].as_str(),
                "turn {t}: target of {}",
                ids[i]
            );
            close(c["worth"].as_f64().unwrap(), worth, 3, "worth");
            let est = &log.est[&key];
            let f = |k: &str| c[k].as_f64().unwrap();
            close(f("prob_by_initiator"), est[0].0, 4, "Est by i of prob");
            close(f("worth"), est[0].1, 4, "Est by i of gain to i");
            close(
                f("gain_to_target_by_initiator"),
                est[1].1,
                4,
                "Est by i of gain to j",
            );
            close(f("prob_by_target"), est[2].0, 4, "Est by j of prob");
            close(
                f("gain_to_initiator_by_target"),
                est[2].1,
                4,
                "Est by j, gain to i",
            );
            close(
                f("gain_to_target_by_target"),
                est[3].1,
                4,
                "Est by j, gain to j",
            );
            let b = &log.bargains[&key];
            let pair = |k: &str, n: usize| c[k][n].as_f64().unwrap();
            let what = format!("turn {t} bargain {i}:{j} on dim {d}");
            close(pair("initiator_view", 0), b[0][d], 3, &what);
            close(pair("initiator_view", 1), b[1][d], 3, &what);
            close(pair("target_view", 0), b[2][d], 3, &what);
            close(pair("target_view", 1), b[3][d], 3, &what);
            close(pair("compromise", 0), b[4][d], 3, &what);
            close(pair("compromise", 1), b[5][d], 3, &what);
            seen += 1;
        }
    }
    assert!(seen > 0, "no challenge compared");
    for &(t, i) in &log.no_target {
        for issue in issues {
            let chs = issue["models"]["smp"]["rounds"][t]["challenges"]
                .as_array()
                .unwrap();
            assert!(
                chs.iter().all(|c| c["initiator"] != ids[i].as_str()),
                "turn {t}: {} has no advantageous target in KTAB",
                ids[i]
            );
        }
    }
}

#[test]
fn dummy_data_3dim_matches_ktabs_reference_log() {
    let dir = shared();
    let text = std::fs::read_to_string(dir.join("ref-runs/20170530_ref-dummyData_3Dim.txt"))
        .expect("KTAB reference log (../shared/reference/ktab/ref-runs)");
    let log = parse_log(&text);
    assert_eq!(log.states, 11);
    assert_eq!(log.history.len(), 21);
    assert_eq!(log.risk.len(), 11, "one risk block per state");
    assert!(log.targets.len() > 30, "{}", log.targets.len());
    let json = run_json(&dir.join("dummyData_3Dim.csv"), &[]);
    check_against_log(&json, &log);
    // SActor-02 stays put at (82.5, 90.9, 0.1), as in KTAB.
    let last = |d: usize| {
        json["issues"][d]["models"]["smp"]["rounds"][10]["positions"]["SActor-02"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(
        [last(0), last(1), last(2)].map(|x| (x * 10.0).round() / 10.0),
        [82.5, 90.9, 0.1]
    );
}

#[test]
fn the_xml_and_the_no_final_comma_csv_give_the_same_run() {
    let dir = shared();
    let log = parse_log(
        &std::fs::read_to_string(dir.join("ref-runs/20170530_ref-dummyData_3Dim.txt")).unwrap(),
    );
    for f in ["dummyData_3Dim.xml", "dummyData_3Dim-no-final-comma.csv"] {
        check_against_log(&run_json(&dir.join(f), &[]), &log);
    }
}

#[test]
fn soe_pol_comp_runs_ktabs_28_states() {
    let json = run_json(&shared().join("SOE-Pol-Comp.csv"), &[]);
    let rounds = json["issues"][0]["models"]["smp"]["rounds"]
        .as_array()
        .unwrap();
    assert_eq!(rounds.len(), 28);
}

#[test]
fn the_shipped_smp_example_xml_is_a_located_error_and_options_are_checked() {
    let out = Command::cargo_bin("detente")
        .unwrap()
        .arg("forecast")
        .arg(shared().join("smpExample.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("smpExample.xml:32:9: error: <dCoord> is empty"),
        "{err}"
    );
    let bad = Command::cargo_bin("detente")
        .unwrap()
        .arg("forecast")
        .arg(shared().join("dummyData_3Dim.csv"))
        .args(["--smp-option", "VotingRule=Nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("PropCbc"));
    // Another parameter value changes the run; smp-detente is detente's own model.
    let half = run_json(
        &shared().join("dummyData_3Dim.csv"),
        &["--smp-option", "BigRAdjust=Half"],
    );
    let notes = half["issues"][0]["models"]["smp"]["notes"][0]
        .as_str()
        .unwrap();
    assert!(notes.contains("BigRAdjust Half"), "{notes}");
    let out = Command::cargo_bin("detente")
        .unwrap()
        .arg("forecast")
        .arg(shared().join("dummyData_3Dim.csv"))
        .args(["--model", "smp-detente", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["issues"][0]["models"]["smp-detente"]["forecast"].is_number());
}
