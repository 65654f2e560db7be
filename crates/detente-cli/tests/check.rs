//! `detente check` and `detente show` end to end: exit codes, located messages on stderr,
//! the flagship scenario, and hostile input.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

#[test]
fn flagship_scenario_is_valid_with_all_evidence_verbatim() {
    let out = detente()
        .args(["check", "--format", "json"])
        .arg(root().join("scenarios/ukraine-2025.toml"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v[0];
    assert_eq!(r["errors"], 0);
    assert!(r["actors"].as_u64().unwrap() >= 12);
    assert!(r["issues"].as_u64().unwrap() >= 10);
    // every evidence entry of every stance was found verbatim
    let show = detente()
        .args(["show", "--format", "json"])
        .arg(root().join("scenarios/ukraine-2025.toml"))
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    let quotes: usize = doc["stances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["evidence"].as_array().unwrap().len())
        .sum();
    assert!(quotes > 0);
    assert_eq!(r["evidence_verified"].as_u64().unwrap() as usize, quotes);
    for s in doc["stances"].as_array().unwrap() {
        assert!(
            !s["evidence"].as_array().unwrap().is_empty(),
            "stance without evidence: {s}"
        );
    }
}

#[test]
fn broken_scenarios_exit_2_with_located_messages() {
    let dir = root().join("tests/data/broken");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "toml" && ext != "json" {
            continue;
        }
        n += 1;
        let out = detente().arg("check").arg(&p).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", p.display());
        let err = String::from_utf8_lossy(&out.stderr);
        let fname = p.file_name().unwrap().to_str().unwrap();
        // file:line:col: error: …
        let re = format!("{fname}:");
        let line = err
            .lines()
            .find(|l| l.contains(&re) && l.contains(": error: "))
            .unwrap_or_else(|| panic!("{}: no located error in\n{err}", p.display()));
        let after = &line[line.find(&re).unwrap() + re.len()..];
        let mut parts = after.split(':');
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
        if ext == "toml" {
            let text = std::fs::read_to_string(&p).unwrap();
            let msg = text
                .lines()
                .next()
                .unwrap()
                .split('|')
                .nth(1)
                .unwrap()
                .to_string();
            assert!(
                err.contains(&msg),
                "{}: expected {msg:?} in\n{err}",
                p.display()
            );
        }
    }
    assert!(n >= 20);
}

#[test]
fn check_lists_all_files_and_fails_if_any_is_bad() {
    detente()
        .arg("check")
        .arg(root().join("tests/data/valid/minimal.toml"))
        .arg(root().join("tests/data/broken/unknown-actor.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("minimal.toml: ok"))
        .stderr(predicate::str::contains("did you mean `south`?"));
}

#[test]
fn hostile_files_exit_2_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.toml", vec![]),
        ("binary.toml", (0..=255u8).cycle().take(5000).collect()),
        (
            "utf16.toml",
            "[scenario]\ntitle = \"x\""
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes())
                .collect(),
        ),
        ("latin1.toml", b"[scenario]\ntitle = \"Caf\xe9\"\n".to_vec()),
        ("deep.json", "[".repeat(50_000).into_bytes()),
    ];
    for (name, bytes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let out = detente().arg("check").arg(&p).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains("error"), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    // a huge (sparse) file is refused by size, not read
    let p = dir.path().join("huge.toml");
    std::fs::File::create(&p).unwrap().set_len(1 << 30).unwrap();
    detente()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than"));
    // a missing file and a directory
    detente()
        .arg("check")
        .arg(dir.path().join("nope.toml"))
        .assert()
        .code(2);
    detente()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("directory"));
}

#[test]
fn show_prints_the_matrix_and_round_trips_as_json() {
    let min = root().join("tests/data/valid/minimal.toml");
    detente()
        .arg("show")
        .arg(&min)
        .assert()
        .success()
        .stdout(predicate::str::contains("Valley dispute"))
        .stdout(predicate::str::contains("0 (90) ≤50"))
        .stdout(predicate::str::contains("river (60) ✗1"));
    let out = detente()
        .args(["show", "--format", "json"])
        .arg(&min)
        .output()
        .unwrap();
    assert!(out.status.success());
    // the normalised JSON is itself a valid scenario
    let p = root().join("tests/data/valid/roundtrip.tmp.json");
    std::fs::write(&p, &out.stdout).unwrap();
    let res = detente().arg("check").arg(&p).output().unwrap();
    std::fs::remove_file(&p).unwrap();
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    detente()
        .args(["show", "--format", "csv"])
        .arg(&min)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "actor,issue,position,salience,red_line,evidence,as_of,strength,derived_from\n",
        ))
        .stdout(predicate::str::contains(
            "south,ceasefire,river,60,none,1,2025-03-01,unspecified,",
        ));
}

#[test]
fn bad_arguments_exit_2() {
    detente().arg("check").assert().code(2);
    detente()
        .args(["show", "--format", "yaml", "x.toml"])
        .assert()
        .code(2);
}

#[test]
fn a_closed_stdout_pipe_ends_output_without_a_panic() {
    use std::process::{Command as Std, Stdio};
    let flagship = root().join("scenarios/ukraine-2025.toml");
    let flagship = flagship.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["show", flagship],
        vec!["show", "--format", "json", flagship],
        vec!["forecast", "--trace", "--tornado", flagship],
        vec!["advise", "--actor", "ukraine", flagship],
    ];
    for args in cases {
        let mut child = Std::new(assert_cmd::cargo::cargo_bin("detente"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away, like `| head -0`
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}
