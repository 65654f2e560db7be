//! `detente serve` end to end: start-up rules, import, and durability under kill -9.

#[path = "serve_http.rs"]
mod http;

use assert_cmd::Command;
use http::{minimal_bundle, repo, Server};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn non_loopback_needs_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["serve", "--addr", "0.0.0.0:0", "--db"])
        .arg(dir.path().join("x.db"))
        .env_remove("DETENTE_TOKEN")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("token is required"), "{err}");
    // A short token is refused too.
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["serve", "--addr", "0.0.0.0:0", "--token", "abc", "--db"])
        .arg(dir.path().join("x.db"))
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !dir.path().join("x.db").exists(),
        "nothing is created when the start-up is refused"
    );
}

#[test]
fn bad_scenario_to_import_is_exit_2_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let broken = repo().join("tests/data/broken/unknown-actor.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .arg("serve")
        .arg(&broken)
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .args(["--addr", "127.0.0.1:0"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown-actor.toml:"), "{err}");
}

#[test]
fn import_is_idempotent_and_serves_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let scn = repo().join("tests/data/valid/minimal.toml");
    let s = Server::start(&db, &[scn.to_str().unwrap()]);
    let (st, v) = s.request("GET", "/api/scenarios", None).unwrap();
    assert_eq!(st, 200);
    assert_eq!(v["scenarios"][0]["latest_revision"], 1);
    let (st, v) = s
        .request("GET", "/api/scenarios/1/sources/wire", None)
        .unwrap();
    assert_eq!(st, 200);
    assert!(v["text"].as_str().unwrap().contains("Northland"));
    let (st, _) = s.request("GET", "/", None).unwrap();
    assert_eq!(st, 200);
    drop(s);
    // The same file again: no new revision.
    let s = Server::start(&db, &[scn.to_str().unwrap()]);
    let (_, v) = s.request("GET", "/api/scenarios", None).unwrap();
    assert_eq!(v["scenarios"].as_array().unwrap().len(), 1);
    assert_eq!(v["scenarios"][0]["latest_revision"], 1);
}

/// What the writers were told was saved.
#[derive(Default)]
struct Acked {
    /// (scenario, revision) → the change message the server answered with.
    revisions: BTreeMap<(i64, i64), String>,
    /// run → its result, as read back once it was done.
    results: BTreeMap<i64, serde_json::Value>,
    /// runs accepted (202).
    runs: Vec<i64>,
}

/// Write from `writers` threads for `for_ms`, then kill -9 the server mid-traffic.
fn write_until_killed(s: Server, writers: usize, for_ms: u64) -> Acked {
    let acked = Arc::new(Mutex::new(Acked::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let addr = s.addr;
    let mut handles = Vec::new();
    for w in 0..writers {
        let acked = acked.clone();
        let stop = stop.clone();
        handles.push(std::thread::spawn(move || {
            let Ok((201, v)) = http::request(
                addr,
                "POST",
                "/api/scenarios",
                Some(&minimal_bundle(&format!("writer {w}"))),
            ) else {
                return;
            };
            let id = v["id"].as_i64().unwrap();
            acked
                .lock()
                .unwrap()
                .revisions
                .insert((id, 1), "created".into());
            let mut pending: Vec<i64> = Vec::new();
            let mut k = 0u64;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                let sal = 10 + (k * 7 + w as u64) % 80;
                let edit =
                    json!({"actor": "south", "issue": "valley", "salience": sal}).to_string();
                match http::request(
                    addr,
                    "POST",
                    &format!("/api/scenarios/{id}/edits"),
                    Some(&edit),
                ) {
                    Ok((201, v)) => {
                        let rev = v["revision"].as_i64().unwrap();
                        acked
                            .lock()
                            .unwrap()
                            .revisions
                            .insert((id, rev), v["message"].as_str().unwrap().to_string());
                    }
                    Ok((st, v)) => panic!("edit answered {st}: {v}"),
                    Err(_) => break, // the server is gone
                }
                if k.is_multiple_of(3) {
                    let body = json!({"analysis": "forecast", "options": {"draws": 20, "seed": k}})
                        .to_string();
                    match http::request(
                        addr,
                        "POST",
                        &format!("/api/scenarios/{id}/runs"),
                        Some(&body),
                    ) {
                        Ok((202, v)) => {
                            let run = v["run"].as_i64().unwrap();
                            acked.lock().unwrap().runs.push(run);
                            pending.push(run);
                        }
                        Ok((st, v)) => panic!("run answered {st}: {v}"),
                        Err(_) => break,
                    }
                }
                pending.retain(|&run| {
                    match http::request(addr, "GET", &format!("/api/runs/{run}"), None) {
                        Ok((200, v)) if v["status"] == "done" => {
                            acked
                                .lock()
                                .unwrap()
                                .results
                                .insert(run, v["result"].clone());
                            false
                        }
                        _ => true,
                    }
                });
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(for_ms));
    // Kill while the writers are mid-request; only then tell them to stop.
    s.kill9();
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("writer thread");
    }
    Arc::try_unwrap(acked).ok().unwrap().into_inner().unwrap()
}

#[test]
fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("durable.db");
    let mut all = Acked::default();
    for cycle in 0..2 {
        let s = Server::start(&db, &["--workers", "2"]);
        let acked = write_until_killed(s, 6, 1500);
        assert!(
            acked.revisions.len() > 12,
            "cycle {cycle}: too few writes to mean anything ({})",
            acked.revisions.len()
        );

        // Before any restart: the file as the killed process left it is a sound database.
        {
            let (store, _) = detente_server::store::Store::open(&db).unwrap();
            assert_eq!(store.integrity_check().unwrap(), "ok");
        }
        eprintln!(
            "cycle {cycle}: {} revisions, {} runs accepted, {} results read back before kill -9",
            acked.revisions.len(),
            acked.runs.len(),
            acked.results.len()
        );
        all.revisions.extend(acked.revisions);
        all.results.extend(acked.results);
        all.runs.extend(acked.runs);
    }
    // Restart and read everything back through the API.
    let s = Server::start(&db, &[]);
    let start = Instant::now();
    for ((id, rev), message) in &all.revisions {
        let (st, v) = s
            .request("GET", &format!("/api/scenarios/{id}?revision={rev}"), None)
            .unwrap();
        assert_eq!(st, 200, "acknowledged revision {id}/{rev} is missing: {v}");
        assert_eq!(
            v["message"].as_str().unwrap(),
            message,
            "revision {id}/{rev}"
        );
    }
    for (run, result) in &all.results {
        let (st, v) = s.request("GET", &format!("/api/runs/{run}"), None).unwrap();
        assert_eq!(st, 200);
        assert_eq!(v["status"], "done", "run {run} was done before the kill");
        assert_eq!(&v["result"], result, "run {run} result changed");
    }
    for run in &all.runs {
        let (st, v) = s.request("GET", &format!("/api/runs/{run}"), None).unwrap();
        assert_eq!(st, 200, "accepted run {run} is missing");
        let status = v["status"].as_str().unwrap();
        assert!(
            matches!(status, "done" | "failed" | "interrupted"),
            "run {run} is {status} after a restart"
        );
    }
    let (_, v) = s.request("GET", "/api/health", None).unwrap();
    assert_eq!(v["status"], "ok");
    assert!(start.elapsed() < Duration::from_secs(60));
    drop(s);
    let (store, _) = detente_server::store::Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
