//! `detente extract` end to end: the draft from the seeds passes `detente check`, the JSON has
//! the documented shape with exact byte offsets, and malformed input gives a clear error.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn seeds() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("data/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

#[test]
fn draft_from_the_seeds_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub").join("draft.toml");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    detente()
        .arg("extract")
        .args(seeds())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let toml = std::fs::read_to_string(&out).unwrap();
    assert!(toml.contains("[[stances]]") && toml.contains("evidence = ["));
    assert!(toml.contains("id = \"zelensky\"") && toml.contains("speaks_for = \"ukraine\""));
    // paths are relative to the draft's directory
    assert!(toml.contains("path = \"../../"), "{toml}");
    // The draft (in a temporary folder) quotes the repository's articles: outside its folder.
    let check = detente()
        .args(["--allow-outside-sources", "check", "--format", "json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let report = &v[0];
    assert_eq!(report["valid"], true);
    assert_eq!(report["errors"], 0);
    // every evidence quote of the draft was found verbatim in its source
    let evidence = toml.matches("{ source = ").count();
    assert!(evidence >= 20, "{evidence} evidence quotes");
    assert_eq!(
        report["evidence_verified"].as_u64().unwrap() as usize,
        evidence
    );
    // the only warnings are the analyst's to-do list: capabilities, positions and salience
    for d in report["diagnostics"].as_array().unwrap() {
        let m = d["message"].as_str().unwrap();
        assert!(
            m.contains("capability") || m.contains("no position or salience"),
            "unexpected warning: {m}"
        );
    }
}

#[test]
fn draft_on_stdout_uses_paths_relative_to_cwd() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("articles")).unwrap();
    std::fs::copy(
        repo().join("data/articles/000_bea07fb56e1b2be5.txt"),
        dir.path().join("articles/a.txt"),
    )
    .unwrap();
    let out = detente()
        .current_dir(dir.path())
        .args(["extract", "articles/a.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let toml = String::from_utf8(out.stdout).unwrap();
    assert!(toml.contains("path = \"articles/a.txt\""), "{toml}");
    // saved in the directory it was run from, it checks
    std::fs::write(dir.path().join("draft.toml"), &toml).unwrap();
    detente()
        .current_dir(dir.path())
        .args(["check", "draft.toml"])
        .assert()
        .success();
}

#[test]
fn json_has_the_documented_shape_and_exact_offsets() {
    let path = repo().join("data/articles/001_3fd721a859565654.txt");
    let out = detente()
        .args(["extract", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read(&path).unwrap();
    let doc = &v["documents"][0];
    assert_eq!(doc["path"], path.display().to_string());
    let quotes = doc["quotes"].as_array().unwrap();
    assert!(quotes.len() >= 10);
    for q in quotes {
        let (s, e) = (
            q["start"].as_u64().unwrap() as usize,
            q["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], q["text"].as_str().unwrap().as_bytes());
        assert!(q["speaker"].is_null() || q["speaker"].is_string());
        assert!(q["speaker_mention"].is_null() || q["speaker_mention"].is_string());
        assert!(q["scare_quote"].is_boolean() && q["issues"].is_array());
    }
    let witkoff = quotes
        .iter()
        .find(|q| q["text"].as_str().unwrap().starts_with("It was agreed"))
        .unwrap();
    assert_eq!(witkoff["speaker"], "Steve Witkoff");
    assert!(doc["claims"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["text"] == "1994" && c["kind"] == "date"));
    assert!(doc["actors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "witkoff" && a["speaks_for"] == "usa"));
}

#[test]
fn malformed_input_is_a_clear_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("photo.jpg");
    std::fs::write(&bin, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01").unwrap();
    detente()
        .arg("extract")
        .arg(&bin)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("photo.jpg").and(predicate::str::contains("binary")));

    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"Kyiv said:\n\"Caf\xe9 talks\" ended.").unwrap();
    detente()
        .arg("extract")
        .arg(&latin1)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("latin1.txt:2:5: invalid UTF-8"));

    let huge = dir.path().join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    detente()
        .arg("extract")
        .arg(&huge)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("huge.txt").and(predicate::str::contains("limit")));

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let out = detente()
        .args(["extract", "--format", "json"])
        .arg(&empty)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["documents"][0]["quotes"].as_array().unwrap().len(), 0);

    detente()
        .args(["extract", "no-such-article.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-article.txt"));
}

#[test]
fn unbalanced_quotes_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.txt");
    std::fs::write(
        &f,
        "“We will never agree, Putin said.\nThe talks ” ended. \"\"\"\n“",
    )
    .unwrap();
    let out = detente()
        .args(["extract", "--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["documents"][0]["problems"].as_array().unwrap().is_empty());
}

#[test]
fn gazetteer_file_adds_and_overrides_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("g.toml");
    std::fs::write(
        &g,
        "[[actors]]\nid = \"alaska\"\nname = \"Alaska\"\nkind = \"other\"\n\n[[actors]]\nid = \"dunleavy\"\nname = \"Governor Mike Dunleavy\"\nkind = \"person\"\nspeaks_for = \"alaska\"\naliases = [\"Dunleavy\", \"Mike Dunleavy\"]\n",
    )
    .unwrap();
    let out = detente()
        .args(["extract", "--format", "json", "--gazetteer"])
        .arg(&g)
        .arg(repo().join("data/articles/002_17d7a9dee19683d2.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let doc = &v["documents"][0];
    assert!(doc["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["speaker"] == "Governor Mike Dunleavy"));
    assert!(doc["actors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "dunleavy" && a["speaks_for"] == "alaska"));

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[actors]]\nid = \"x\"\nkind = \"emperor\"\n").unwrap();
    detente()
        .args(["extract", "--gazetteer"])
        .arg(&bad)
        .arg(repo().join("data/articles/000_bea07fb56e1b2be5.txt"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad.toml:3:8").and(predicate::str::contains("unknown kind")),
        );
}

#[test]
fn issues_come_from_a_given_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("mini.toml");
    std::fs::write(
        &sc,
        r#"[scenario]
title = "Mini"

[[actors]]
id = "ukraine"
name = "Ukraine"
kind = "state"
capability = 1

[[actors]]
id = "russia"
name = "Russia"
kind = "state"
capability = 1

[[issues]]
id = "land"
title = "Territory in Donbas"
type = "scale"
anchors = [{ at = 0, label = "all returned" }, { at = 100, label = "all ceded" }]
"#,
    )
    .unwrap();
    let out = dir.path().join("draft.toml");
    detente()
        .arg("extract")
        .arg("--scenario")
        .arg(&sc)
        .args(seeds())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let toml = std::fs::read_to_string(&out).unwrap();
    assert!(toml.contains("id = \"land\""));
    assert!(
        !toml.contains("id = \"nato\"\ntitle"),
        "only the scenario's issues"
    );
    assert!(toml.contains("issue = \"land\""));
    detente()
        .args(["--allow-outside-sources", "check"])
        .arg(&out)
        .assert()
        .success();
    // Without the flag, check refuses to read the articles outside the draft's folder.
    detente()
        .arg("check")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("outside the scenario's folder"));
}

#[test]
fn same_output_whatever_the_number_of_threads() {
    let run = |jobs: &str| {
        let out = detente()
            .args(["extract", "--format", "json", "--jobs", jobs])
            .args(seeds())
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("0"));
}
