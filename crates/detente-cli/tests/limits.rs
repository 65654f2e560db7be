//! Hostile input and resource limits through the binary (issue #15): huge steps and flags,
//! devices, FIFOs and sparse files, source paths leaving the scenario's folder, terminal
//! escape sequences. Every case must end in a message and exit 2 — never an abort or a hang.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn detente() -> Command {
    let mut c = Command::cargo_bin("detente").unwrap();
    c.timeout(Duration::from_secs(60));
    c
}

/// Run and return (exit code, stderr, stdout).
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let out = detente().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// The small test scenario copied into a fresh folder, with `edit` applied to its text.
fn scenario_in_tmp(edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let valid = root().join("tests/data/valid");
    std::fs::copy(valid.join("article.txt"), dir.path().join("article.txt")).unwrap();
    let text = std::fs::read_to_string(valid.join("minimal.toml")).unwrap();
    let p = dir.path().join("s.toml");
    std::fs::write(&p, edit(text)).unwrap();
    (dir, p)
}

fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo failed");
}

#[test]
fn tiny_steps_are_refused_before_allocating() {
    let minimal = root().join("tests/data/valid/minimal.toml");
    for (cmd, step) in [
        ("deals", "1e-9"),
        ("simulate", "1e-308"),
        ("deals", "0.0001"),
    ] {
        let mut args = vec![os(cmd), minimal.as_os_str(), os("--step"), os(step)];
        if cmd == "simulate" {
            args.extend([os("--negotiators"), os("boulware,conceder")]);
        }
        let (code, err, _) = run(&args);
        assert_eq!(code, Some(2), "{cmd} --step {step}: {err}");
        assert!(
            err.contains("limit `points-per-issue`") && err.contains("--limit points-per-issue=N"),
            "{cmd} --step {step}: {err}"
        );
    }
    // The limit is the one in force: --limit moves it both ways (step 25 gives 5 points).
    for (limit, want) in [("points-per-issue=4", 2), ("points-per-issue=5", 0)] {
        let (code, err, _) = run(&[
            os("--limit"),
            os(limit),
            os("deals"),
            minimal.as_os_str(),
            os("--step"),
            os("25"),
        ]);
        assert_eq!(code, Some(want), "{limit}: {err}");
    }
    let (code, err, _) = run(&[
        os("--limit"),
        os("pointz=3"),
        os("check"),
        minimal.as_os_str(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no limit `pointz`"), "{err}");
}

#[test]
fn huge_flags_are_refused_with_the_limit_named() {
    let minimal = root().join("tests/data/valid/minimal.toml");
    let m = minimal.as_os_str();
    for args in [
        vec![
            os("simulate"),
            m,
            os("--rounds"),
            os("4294967295"),
            os("--negotiators"),
            os("boulware,conceder"),
        ],
        vec![os("tournament"), m, os("--threads"), os("100000")],
        vec![
            os("deals"),
            os("--genius"),
            os("/nonexistent"),
            os("--real-points"),
            os("4000000000"),
        ],
    ] {
        let (code, err, _) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let (_, err, _) = run(&[
        os("simulate"),
        m,
        os("--rounds"),
        os("4294967295"),
        os("--negotiators"),
        os("boulware,conceder"),
    ]);
    assert!(err.contains("limit `rounds`"), "{err}");
    let (_, err, _) = run(&[os("tournament"), m, os("--threads"), os("100000")]);
    assert!(err.contains("limit `threads`"), "{err}");
    let (code, err, _) = run(&[
        os("--limit"),
        os("negotiations=1000"),
        os("tournament"),
        m,
        os("--reps"),
        os("100"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("limit `negotiations`"), "{err}");
}

#[test]
fn devices_fifos_and_sparse_files_are_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    mkfifo(&fifo);
    let fifo_csv = dir.path().join("pipe.csv");
    mkfifo(&fifo_csv);
    let sparse = dir.path().join("sparse.csv");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    let cases: Vec<(Vec<&std::ffi::OsStr>, &str)> = vec![
        (vec![os("check"), os("/dev/zero")], "a device"),
        (vec![os("show"), os("/dev/zero")], "a device"),
        (vec![os("forecast"), os("/dev/zero")], "a device"),
        (vec![os("check"), fifo.as_os_str()], "FIFO"),
        (vec![os("show"), fifo.as_os_str()], "FIFO"),
        (vec![os("forecast"), fifo.as_os_str()], "FIFO"),
        (vec![os("forecast"), fifo_csv.as_os_str()], "FIFO"),
        (vec![os("extract"), fifo.as_os_str()], "FIFO"),
        (
            vec![os("forecast"), sparse.as_os_str()],
            "limit `csv-bytes`",
        ),
    ];
    for (args, want) in cases {
        let (code, err, _) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: want {want:?} in {err}");
    }
}

#[test]
fn source_paths_stay_in_the_scenario_folder() {
    let (_dir, p) = scenario_in_tmp(|t| {
        t.replace(
            "path = \"article.txt\"",
            "path = \"../../../../../../../../etc/passwd\"",
        )
    });
    let (code, err, _) = run(&[os("check"), p.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("outside the scenario's folder"), "{err}");
    assert!(err.contains("--allow-outside-sources"), "{err}");
    assert!(
        !err.contains("root:") && !err.contains("bytes match"),
        "{err}"
    );
    // A source that is a device is refused by type even when outside sources are allowed.
    let (_dir2, p2) =
        scenario_in_tmp(|t| t.replace("path = \"article.txt\"", "path = \"/dev/zero\""));
    let (code, err, _) = run(&[os("--allow-outside-sources"), os("check"), p2.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("a device"), "{err}");
    // The flagship quotes ../data/articles from inside its git work tree: still valid.
    let (code, err, _) = run(&[
        os("check"),
        root().join("scenarios/ukraine-2025.toml").as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn control_characters_in_names_are_escaped_on_the_terminal() {
    let (_dir, p) = scenario_in_tmp(|t| {
        t.replace(
            "name = \"Northland\"",
            "name = \"North\\u001b[2J\\u001b]0;pwned\\u0007land\"",
        )
    });
    let (code, err, out) = run(&[os("show"), p.as_os_str()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("\\u{1b}[2J"), "{out}");
    // Diagnostics quoting a hostile id are escaped too.
    let (_dir, p) =
        scenario_in_tmp(|t| t.replace("actor = \"north\"", "actor = \"no\\u001b[31mrth\""));
    let (code, err, _) = run(&[os("check"), p.as_os_str()]);
    assert_eq!(code, Some(2));
    assert!(
        !err.contains('\u{1b}') || err.contains("\u{1b}[1m"),
        "{err:?}"
    );
    assert!(err.contains("\\u{1b}[31m"), "{err}");
}

#[test]
fn too_many_actors_are_refused_at_load() {
    let (_dir, p) = scenario_in_tmp(|t| {
        let mut t = t;
        for k in 0..501 {
            t.push_str(&format!("\n[[actors]]\nid = \"x{k}\"\n"));
        }
        t
    });
    let (code, err, _) = run(&[os("check"), p.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("limit `actors`") && err.contains("--limit actors=N"),
        "{err}"
    );
    let (code, err, _) = run(&[os("--limit"), os("actors=1000"), os("check"), p.as_os_str()]);
    assert_ne!(code, Some(2), "{err}");
}

#[test]
fn absurd_capabilities_and_impossible_dates_are_errors() {
    let (_dir, p) = scenario_in_tmp(|t| t.replace("capability = 60", "capability = 1e308"));
    let (code, err, _) = run(&[os("check"), p.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("capability 1e308") && err.contains("too large"),
        "{err}"
    );
    let (_dir, p) =
        scenario_in_tmp(|t| t.replace("as_of = \"2025-03-01\"", "as_of = \"2025-02-30\""));
    let (code, err, _) = run(&[os("check"), p.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is not a date"), "{err}");
    let (_dir, p) =
        scenario_in_tmp(|t| t.replace("as_of = \"2025-03-01\"", "as_of = \"2024-02-29\""));
    let (code, err, _) = run(&[os("check"), p.as_os_str()]);
    assert_eq!(code, Some(0), "{err}");
}
