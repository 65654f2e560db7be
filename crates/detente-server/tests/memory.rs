//! The server's memory stays under a documented bound whatever the requests (issue #15,
//! docs/limits.md): eight concurrent 8 MiB uploads, then reading every revision and its
//! article, must not raise the process's peak resident memory (VmHWM) by more than
//! [`BOUND_MIB`]. Alone in its own test binary so that nothing else moves the peak.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use detente_server::api::{router, AppState, CACHE_BYTES};
use detente_server::store::Store;
use http_body_util::BodyExt;
use serde_json::json;
use std::sync::Arc;
use tower::ServiceExt;

/// The documented bound on the peak growth (docs/limits.md): 2 bodies at a time × ~6 copies
/// of 8 MiB, plus the cache (up to 256 MiB), plus allocator slack.
const BOUND_MIB: u64 = 400;

fn vm_hwm_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<String>,
) -> (StatusCode, usize) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:7878")
        .body(body.map(Body::from).unwrap_or_else(Body::empty))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let n = resp.into_body().collect().await.unwrap().to_bytes().len();
    (status, n)
}

fn bundle(k: usize, article: &str) -> String {
    let text = format!(
        "[scenario]\ntitle = \"Big {k}\"\n\n[[sources]]\nid = \"s\"\npath = \"a.txt\"\n\n\
         [[actors]]\nid = \"a\"\ncapability = 1\n\n[[issues]]\nid = \"i\"\ntitle = \"I\"\n\
         type = \"scale\"\nanchors = [{{ at = 0, label = \"no\" }}, {{ at = 100, label = \"yes\" }}]\n\n\
         [[stances]]\nactor = \"a\"\nissue = \"i\"\nposition = 10\nsalience = 50\n\
         evidence = [{{ source = \"s\", quote = \"the end.\" }}]\n"
    );
    json!({"scenario": text, "file_name": format!("big{k}.toml"), "sources": {"a.txt": article}})
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn peak_memory_stays_under_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("m.db")).unwrap();
    let st = AppState::new(Arc::new(store), 1, None, vec![]);
    let app = router(st.clone());
    let mut article = "Talks went on for hours. ".repeat(8 * 1024 * 1024 / 25);
    article.push_str("the end.");
    let bodies: Vec<String> = (0..8).map(|k| bundle(k, &article)).collect();
    drop(article);
    let before = vm_hwm_kib();
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|b| {
            let app = app.clone();
            tokio::spawn(async move { send(&app, "POST", "/api/scenarios", Some(b)).await.0 })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    for id in 1..=8 {
        let (s, _) = send(&app, "GET", &format!("/api/scenarios/{id}"), None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, n) = send(&app, "GET", &format!("/api/scenarios/{id}/sources/s"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(n > 8_000_000);
    }
    assert!(st.cache_bytes() <= CACHE_BYTES);
    let grew_mib = (vm_hwm_kib() - before) / 1024;
    eprintln!("peak resident memory grew by {grew_mib} MiB (bound {BOUND_MIB} MiB)");
    assert!(grew_mib < BOUND_MIB, "peak grew by {grew_mib} MiB");
}
