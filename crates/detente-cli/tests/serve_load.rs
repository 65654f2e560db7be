//! Load test of `detente serve` on loopback (ignored by default; `bench/serve/run.sh` runs it
//! in release mode and prints the numbers recorded in BENCHMARKS.md).
//!
//! C concurrent clients (default 32) each send R requests (default 200) on fresh connections:
//! 3 reads for every write. Reads: the flagship scenario (a large JSON document), a revision
//! list, a source with its quotes, the scenario list. Writes: a stance edit on the client's own
//! scenario (validated, saved as a new revision, fsynced before the answer). Checks: no error
//! of any kind, and afterwards every client's scenario has exactly the revisions it was told
//! were saved. Bounded: at most C × R requests and two minutes.
//!
//!   cargo test --release -p detente-cli --test serve_load -- --ignored --nocapture

#[path = "serve_http.rs"]
mod http;

use http::{minimal_bundle, repo, Server};
use serde_json::json;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn summary(name: &str, v: &mut [f64]) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    format!(
        "{name:<7} n={:<6} p50={:>7.2} ms  p90={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms",
        v.len(),
        pct(v, 0.5),
        pct(v, 0.9),
        pct(v, 0.99),
        v.last().copied().unwrap_or(f64::NAN)
    )
}

#[test]
#[ignore = "load test: run by bench/serve/run.sh"]
fn many_clients_read_and_write_without_errors_or_lost_writes() {
    let clients = env_or("DETENTE_LOAD_CLIENTS", 32);
    let per_client = env_or("DETENTE_LOAD_REQUESTS", 200);
    let dir = tempfile::tempdir().unwrap();
    let flagship = repo().join("scenarios/ukraine-2025.toml");
    let s = Server::start(&dir.path().join("load.db"), &[flagship.to_str().unwrap()]);
    let addr = s.addr;
    let (st, v) = s.request("GET", "/api/scenarios", None).unwrap();
    assert_eq!(st, 200);
    let flagship_id = v["scenarios"][0]["id"].as_i64().unwrap();
    let (_, v) = s
        .request("GET", &format!("/api/scenarios/{flagship_id}"), None)
        .unwrap();
    let source = v["sources"][0]["id"].as_str().unwrap().to_string();

    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let source = source.clone();
            std::thread::spawn(move || {
                let (st, v) = http::request(addr, "POST", "/api/scenarios", Some(&minimal_bundle(&format!("client {c}")))).unwrap();
                assert_eq!(st, 201, "{v}");
                let id = v["id"].as_i64().unwrap();
                let mut reads = Vec::new();
                let mut writes = Vec::new();
                let mut acked = vec![1i64];
                for k in 0..per_client {
                    let t = Instant::now();
                    let (path, body, is_write) = match k % 4 {
                        0 => (format!("/api/scenarios/{id}/edits"), Some(json!({"actor": "south", "issue": "valley", "salience": 10 + (k % 80)}).to_string()), true),
                        1 => (format!("/api/scenarios/{flagship_id}"), None, false),
                        2 => (format!("/api/scenarios/{flagship_id}/sources/{source}"), None, false),
                        _ => (if k % 8 == 3 { "/api/scenarios".to_string() } else { format!("/api/scenarios/{id}/revisions") }, None, false),
                    };
                    let method = if is_write { "POST" } else { "GET" };
                    let (st, v) = http::request(addr, method, &path, body.as_deref()).unwrap_or_else(|e| panic!("client {c}: {method} {path}: {e}"));
                    let ms = t.elapsed().as_secs_f64() * 1e3;
                    if is_write {
                        assert_eq!(st, 201, "client {c}: edit answered {st}: {v}");
                        acked.push(v["revision"].as_i64().unwrap());
                        writes.push(ms);
                    } else {
                        assert_eq!(st, 200, "client {c}: GET {path} answered {st}: {v}");
                        reads.push(ms);
                    }
                }
                (id, acked, reads, writes)
            })
        })
        .collect();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut owned = Vec::new();
    for h in handles {
        let (id, acked, r, w) = h.join().expect("client thread");
        reads.extend(r);
        writes.extend(w);
        owned.push((id, acked));
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(120),
        "load test took {elapsed:?}"
    );
    // No lost write: each client's scenario has exactly the revisions it was told were saved.
    for (id, acked) in &owned {
        let (st, v) = s
            .request("GET", &format!("/api/scenarios/{id}/revisions"), None)
            .unwrap();
        assert_eq!(st, 200);
        let got: Vec<i64> = v["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["revision"].as_i64().unwrap())
            .collect();
        assert_eq!(&got, acked, "scenario {id}");
    }
    let total = reads.len() + writes.len();
    let mut all: Vec<f64> = reads.iter().chain(&writes).copied().collect();
    println!("detente serve load test: {clients} clients × {per_client} requests = {total} requests in {:.2} s ({:.0} req/s), 0 errors, 0 lost writes", elapsed.as_secs_f64(), total as f64 / elapsed.as_secs_f64());
    println!("{}", summary("reads", &mut reads));
    println!("{}", summary("writes", &mut writes));
    println!("{}", summary("all", &mut all));
}
