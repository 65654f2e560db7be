//! The HTTP API, in process (no sockets): shapes, status codes, revisions, runs, cancellation,
//! security checks.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use detente_server::api::{router, AppState};
use detente_server::store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn minimal() -> (String, String) {
    let dir = root().join("tests/data/valid");
    (
        std::fs::read_to_string(dir.join("minimal.toml")).unwrap(),
        std::fs::read_to_string(dir.join("article.txt")).unwrap(),
    )
}

fn bundle() -> Value {
    let (text, article) = minimal();
    json!({"scenario": text, "file_name": "minimal.toml", "sources": {"article.txt": article}})
}

fn state_with(workers: usize, token: Option<&str>, hosts: Vec<String>) -> Arc<AppState> {
    let (store, _) = Store::open_in_memory().unwrap();
    AppState::new(Arc::new(store), workers, token.map(str::to_string), hosts)
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<String>,
) -> (StatusCode, Value) {
    call_with(app, method, uri, body, &[]).await
}

async fn call_with(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:7878");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(body.map(Body::from).unwrap_or_else(Body::empty))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, v)
}

async fn wait_run(app: &axum::Router, run: i64) -> Value {
    for _ in 0..600 {
        let (s, v) = call(app, "GET", &format!("/api/runs/{run}"), None).await;
        assert_eq!(s, StatusCode::OK);
        if !matches!(v["status"].as_str(), Some("queued") | Some("running")) {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("run {run} did not finish");
}

#[tokio::test]
async fn scenarios_revisions_edits_and_sources() {
    let app = router(state_with(2, None, vec![]));
    let (s, v) = call(&app, "POST", "/api/scenarios", Some(bundle().to_string())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["id"], 1);
    assert_eq!(v["revision"], 1);

    let (s, v) = call(&app, "GET", "/api/scenarios/1", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["scenario"]["meta"]["title"], "Valley dispute");
    assert_eq!(v["file_name"], "minimal.toml");
    assert_eq!(v["sources"][0]["available"], true);

    // PUT a new revision as plain text: the source texts carry over from revision 1.
    let (text, _) = minimal();
    let changed = text.replace(
        "title = \"Valley dispute\"",
        "title = \"Valley dispute (v2)\"",
    );
    let (s, v) = call(
        &app,
        "PUT",
        "/api/scenarios/1?message=retitled",
        Some(changed.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["revision"], 2);
    // Optimistic concurrency: an editor working from revision 1 is told it is stale.
    let (s, v) = call(
        &app,
        "PUT",
        "/api/scenarios/1?base_revision=1",
        Some(changed),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // Both revisions are kept.
    let (_, v) = call(&app, "GET", "/api/scenarios/1?revision=1", None).await;
    assert_eq!(v["scenario"]["meta"]["title"], "Valley dispute");
    assert_eq!(v["latest_revision"], 2);
    let (_, v) = call(&app, "GET", "/api/scenarios/1/revisions", None).await;
    let revs = v["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[1]["message"], "retitled");

    // Edit a stance's salience: a new revision whose text keeps the rest byte for byte.
    let edit = json!({"actor": "north", "issue": "valley", "salience": 40, "base_revision": 2});
    let (s, v) = call(
        &app,
        "POST",
        "/api/scenarios/1/edits",
        Some(edit.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["revision"], 3);
    assert_eq!(v["message"], "north/valley: salience 90 → 40");
    let (_, v) = call(&app, "GET", "/api/scenarios/1/compare?from=2&to=3", None).await;
    assert_eq!(
        v["changes"],
        json!([{"actor": "north", "issue": "valley", "change": "salience", "from": 90.0, "to": 40.0}])
    );
    let (_, v) = call(&app, "GET", "/api/scenarios/1", None).await;
    assert!(v["text"].as_str().unwrap().contains("salience = 40\n"));
    assert!(v["text"]
        .as_str()
        .unwrap()
        .contains("# A small, valid scenario used by the tests."));

    // A position change is compared in words.
    let edit = json!({"actor": "north", "issue": "valley", "position": 10});
    let (s, v) = call(
        &app,
        "POST",
        "/api/scenarios/1/edits",
        Some(edit.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = call(&app, "GET", "/api/scenarios/1/compare?from=3", None).await;
    assert_eq!(v["to"], 4);
    assert_eq!(
        v["changes"][0]["from"],
        "0 (all of the valley to Northland)"
    );
    assert_eq!(
        v["changes"][0]["to"],
        "10 (near 0: all of the valley to Northland)"
    );

    // Edits that make no sense are 400s; a stale base revision is a 409.
    let bad = json!({"actor": "nobody", "issue": "valley", "salience": 10});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/scenarios/1/edits",
            Some(bad.to_string())
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    let bad = json!({"actor": "north", "issue": "valley", "salience": 140});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/scenarios/1/edits",
            Some(bad.to_string())
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    let stale = json!({"actor": "north", "issue": "valley", "salience": 10, "base_revision": 1});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/scenarios/1/edits",
            Some(stale.to_string())
        )
        .await
        .0,
        StatusCode::CONFLICT
    );

    // The evidence view: the article text and every located quote with its stance.
    let (s, v) = call(&app, "GET", "/api/scenarios/1/sources/wire", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let text = v["text"].as_str().unwrap();
    let q = &v["quotes"][0];
    let (a, b) = (
        q["location"][0].as_u64().unwrap() as usize,
        q["location"][1].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[a..b], q["quote"].as_str().unwrap());
    assert_eq!(q["actor"], "north");
    assert_eq!(
        call(&app, "GET", "/api/scenarios/1/sources/nope", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let (_, v) = call(&app, "GET", "/api/scenarios", None).await;
    assert_eq!(v["scenarios"][0]["latest_revision"], 4);
    assert_eq!(
        call(&app, "GET", "/api/scenarios/9", None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, "GET", "/api/scenarios/1?revision=9", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Errors axum produces itself are JSON too.
    let (s, v) = call(&app, "GET", "/api/scenarios/abc", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("abc"), "{v}");
    let (s, v) = call(&app, "PATCH", "/api/scenarios/1", None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(v["error"], "method not allowed");
}

#[tokio::test]
async fn bad_scenarios_get_located_diagnostics() {
    let app = router(state_with(1, None, vec![]));
    // An unknown actor in a stance: 422 with file:line:column, like `detente check`.
    let (text, article) = minimal();
    let broken = text.replacen("actor = \"north\"", "actor = \"nort\"", 1);
    let b = json!({"scenario": broken, "file_name": "minimal.toml", "sources": {"article.txt": article}});
    let (s, v) = call(&app, "POST", "/api/scenarios", Some(b.to_string())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert!(d["line"].as_u64().unwrap() > 1);
    assert!(
        d["rendered"].as_str().unwrap().starts_with("minimal.toml:"),
        "{d}"
    );
    assert!(d["hint"].as_str().unwrap_or("").contains("north"), "{d}");

    // Without the article, the evidence cannot be verified: the server does not read paths.
    let (s, v) = call(
        &app,
        "POST",
        "/api/scenarios?name=minimal.toml",
        Some(text.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let d = &v["diagnostics"][0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("`article.txt` was not provided"),
        "{v}"
    );
    assert!(
        !d.to_string().contains("os error") && !d.to_string().contains("detente-load"),
        "{v}"
    );

    // An absolute source path names an existing file, but paths are only keys into the
    // upload: nothing is read from disk.
    let abs = text.replace("path = \"article.txt\"", "path = \"/etc/passwd\"");
    let (s, v) = call(&app, "POST", "/api/scenarios", Some(abs)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`/etc/passwd` was not provided"),
        "{v}"
    );

    // A relative path climbing out of the scenario's folder is not read either.
    let climb = text.replace(
        "path = \"article.txt\"",
        "path = \"../../../../../../../../etc/hostname\"",
    );
    let (s, v) = call(&app, "POST", "/api/scenarios", Some(climb)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // Syntax errors, binary junk, empty bodies.
    let (s, v) = call(
        &app,
        "POST",
        "/api/scenarios",
        Some("[scenario\ntitle = 1".into()),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["diagnostics"][0]["line"].is_u64(), "{v}");
    let req = Request::builder()
        .method("POST")
        .uri("/api/scenarios")
        .header("host", "x")
        .body(Body::from(vec![0xff, 0xfe, 0x00, 0x41]))
        .unwrap();
    assert_eq!(
        app.clone().oneshot(req).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&app, "POST", "/api/scenarios", Some("  ".into()))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let (s, _) = call(
        &app,
        "POST",
        "/api/scenarios",
        Some(json!({"scenario": 5}).to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Nothing was stored by any of these.
    let (_, v) = call(&app, "GET", "/api/scenarios", None).await;
    assert_eq!(v["scenarios"], json!([]));
}

#[tokio::test]
async fn runs_forecast_deals_simulate_tournament() {
    let app = router(state_with(2, None, vec![]));
    let (s, _) = call(&app, "POST", "/api/scenarios", Some(bundle().to_string())).await;
    assert_eq!(s, StatusCode::CREATED);
    let mut runs = Vec::new();
    for (analysis, options) in [
        ("forecast", json!({"draws": 50, "seed": 7})),
        ("deals", json!({"top": 3})),
        ("simulate", json!({"rounds": 50})),
        (
            "tournament",
            json!({"negotiators": ["boulware", "conceder"], "rounds": 30}),
        ),
        ("report", json!({"monte_carlo": 50})),
    ] {
        let body = json!({"analysis": analysis, "options": options});
        let (s, v) = call(
            &app,
            "POST",
            "/api/scenarios/1/runs",
            Some(body.to_string()),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        assert_eq!(v["status"], "queued");
        runs.push((analysis, v["run"].as_i64().unwrap()));
    }
    for (analysis, run) in runs {
        let v = wait_run(&app, run).await;
        assert_eq!(v["status"], "done", "{analysis}: {v}");
        assert_eq!(v["progress"], 1.0);
        let r = &v["result"];
        match analysis {
            "forecast" => {
                let valley = &r["issues"][0];
                assert_eq!(valley["issue"], "valley");
                let f = valley["forecasts"]["median"].as_f64().unwrap();
                assert!((0.0..=100.0).contains(&f));
                assert!(
                    valley["band"]["p05"].as_f64().unwrap()
                        <= valley["band"]["p95"].as_f64().unwrap()
                );
                assert_eq!(valley["band"]["draws"], 50);
                // The band is the command line's Monte Carlo: same draws for the same seed.
                let dir = root().join("tests/data/valid");
                let sc = detente_scenario::load(&dir.join("minimal.toml")).scenario;
                let conv = detente_forecast::io::from_scenario(&sc);
                let eum = detente_forecast::build_model("eum", &Default::default()).unwrap();
                let mc = detente_forecast::montecarlo::run(
                    &conv.problem,
                    &conv.ranges,
                    &Default::default(),
                    &[eum],
                    50,
                    7,
                    &[],
                    &|_| {},
                );
                for m in detente_forecast::MODEL_NAMES {
                    let model = detente_forecast::build_model(m, &Default::default()).unwrap();
                    // Through JSON text: serde_json's default float parsing can be one ulp off.
                    let (got, want) = (
                        valley["forecasts"][m].as_f64(),
                        model.forecast(&conv.problem)[0].forecast,
                    );
                    assert!(
                        match (got, want) {
                            (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
                            (a, b) => a == b,
                        },
                        "{m}: {got:?} vs {want:?}"
                    );
                }
                let d = &mc.distributions[0][0];
                assert_eq!(valley["band"]["p05"].as_f64(), d.p5);
                assert_eq!(valley["band"]["p95"].as_f64(), d.p95);
            }
            "deals" => {
                assert!(r["outcomes"].as_u64().unwrap() > 0);
                assert!(!r["packages"].as_array().unwrap().is_empty());
                assert!(r["top"].as_array().unwrap().len() <= 3);
            }
            "simulate" => {
                assert!(!r["steps"].as_array().unwrap().is_empty(), "{r}");
                assert!(r["summary"].is_string());
            }
            "report" => {
                let html = r["html"].as_str().unwrap();
                assert!(
                    html.to_lowercase().starts_with("<!doctype html>"),
                    "{}",
                    &html[..40]
                );
                assert!(html.contains("Valley dispute") && html.contains("<svg"));
                // The evidence is quoted in the report.
                assert!(html.contains("We will never give up our land"));
            }
            _ => assert_eq!(r["negotiators"].as_array().unwrap().len(), 2),
        }
    }
    // Same seed, same forecast.
    let body = json!({"analysis": "forecast", "options": {"draws": 50, "seed": 7}});
    let (_, v) = call(
        &app,
        "POST",
        "/api/scenarios/1/runs",
        Some(body.to_string()),
    )
    .await;
    let again = wait_run(&app, v["run"].as_i64().unwrap()).await;
    let (_, first) = call(&app, "GET", "/api/runs/1", None).await;
    assert_eq!(again["result"], first["result"]);

    // Bad requests.
    let (s, v) = call(
        &app,
        "POST",
        "/api/scenarios/1/runs",
        Some(json!({"analysis": "forcast"}).to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("did you mean `forecast`"),
        "{v}"
    );
    let body = json!({"analysis": "forecast", "options": {"drawz": 1}});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/scenarios/1/runs",
            Some(body.to_string())
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&app, "POST", "/api/scenarios/1/runs", Some("{".into()))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let body = json!({"analysis": "forecast"});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/scenarios/5/runs",
            Some(body.to_string())
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, "GET", "/api/runs/999", None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, v) = call(&app, "GET", "/api/scenarios/1/runs", None).await;
    assert_eq!(v["runs"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn cancelling_a_queued_run_and_a_finished_one() {
    // One worker: the second run waits in the queue behind the first.
    let app = router(state_with(1, None, vec![]));
    call(&app, "POST", "/api/scenarios", Some(bundle().to_string())).await;
    let body = json!({"analysis": "forecast", "options": {"draws": 3000}}).to_string();
    let (_, a) = call(&app, "POST", "/api/scenarios/1/runs", Some(body.clone())).await;
    let (_, b) = call(&app, "POST", "/api/scenarios/1/runs", Some(body)).await;
    let (a, b) = (a["run"].as_i64().unwrap(), b["run"].as_i64().unwrap());
    let (s, v) = call(&app, "DELETE", &format!("/api/runs/{b}"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "cancelled");
    let va = wait_run(&app, a).await;
    assert_eq!(va["status"], "done");
    let vb = wait_run(&app, b).await;
    assert_eq!(vb["status"], "cancelled");
    assert!(vb["result"].is_null());
    // Cancelling a finished run is a conflict and changes nothing.
    let (s, v) = call(&app, "DELETE", &format!("/api/runs/{a}"), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(wait_run(&app, a).await["status"], "done");
}

#[tokio::test]
async fn cancelling_a_running_forecast_stops_it() {
    let app = router(state_with(1, None, vec![]));
    call(&app, "POST", "/api/scenarios", Some(bundle().to_string())).await;
    let body = json!({"analysis": "forecast", "options": {"draws": 5000}}).to_string();
    let (_, v) = call(&app, "POST", "/api/scenarios/1/runs", Some(body)).await;
    let run = v["run"].as_i64().unwrap();
    // Wait until it runs, then cancel.
    for _ in 0..200 {
        let (_, v) = call(&app, "GET", &format!("/api/runs/{run}"), None).await;
        if v["status"] != "queued" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let (s, v) = call(&app, "DELETE", &format!("/api/runs/{run}"), None).await;
    if s == StatusCode::OK {
        assert_eq!(v["status"], "cancelled");
        let v = wait_run(&app, run).await;
        assert_eq!(v["status"], "cancelled");
        assert!(v["result"].is_null());
    } else {
        // The machine was fast enough to finish 5000 draws first.
        assert_eq!(s, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn security_token_host_origin_and_size() {
    let token = "0123456789abcdef-secret";
    let app = router(state_with(1, Some(token), vec![]));
    let (s, _) = call(&app, "GET", "/api/scenarios", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = call_with(
        &app,
        "GET",
        "/api/scenarios",
        None,
        &[("authorization", "Bearer wrong")],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let auth = format!("Bearer {token}");
    let (s, _) = call_with(
        &app,
        "GET",
        "/api/scenarios",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // The page and the OpenAPI document need no token (they hold no data).
    assert_eq!(call(&app, "GET", "/", None).await.0, StatusCode::OK);

    // Loopback: only the expected Host names (DNS rebinding).
    let app = router(state_with(1, None, vec!["127.0.0.1:7878".into()]));
    assert_eq!(
        call(&app, "GET", "/api/scenarios", None).await.0,
        StatusCode::OK
    );
    let req = Request::builder()
        .uri("/api/scenarios")
        .header("host", "evil.example:7878")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.clone().oneshot(req).await.unwrap().status(),
        StatusCode::MISDIRECTED_REQUEST
    );
    // Cross-origin writes are refused (CSRF); same-origin ones pass.
    let (s, _) = call_with(
        &app,
        "POST",
        "/api/scenarios",
        Some(bundle().to_string()),
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call_with(
        &app,
        "POST",
        "/api/scenarios",
        Some(bundle().to_string()),
        &[("origin", "http://127.0.0.1:7878")],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // No CORS headers are ever sent.
    let req = Request::builder()
        .method("OPTIONS")
        .uri("/api/scenarios")
        .header("host", "127.0.0.1:7878")
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());

    // Body limit.
    let big = "#".repeat(detente_server::api::MAX_BODY_BYTES + 10);
    let (s, v) = call(&app, "POST", "/api/scenarios", Some(big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(v["error"].is_string(), "{v}");
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let app = router(state_with(1, None, vec![]));
    let (s, v) = call(&app, "GET", "/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    let paths = v["paths"].as_object().unwrap();
    for (p, methods) in [
        ("/api/health", &["get"][..]),
        ("/api/analyses", &["get"]),
        ("/api/scenarios", &["get", "post"]),
        ("/api/scenarios/{id}", &["get", "put"]),
        ("/api/scenarios/{id}/revisions", &["get"]),
        ("/api/scenarios/{id}/compare", &["get"]),
        ("/api/scenarios/{id}/edits", &["post"]),
        ("/api/scenarios/{id}/sources/{source}", &["get"]),
        ("/api/scenarios/{id}/runs", &["get", "post"]),
        ("/api/runs/{run}", &["get", "delete"]),
    ] {
        let entry = paths
            .get(p)
            .unwrap_or_else(|| panic!("{p} missing from the OpenAPI document"));
        for m in methods {
            assert!(
                entry.get(*m).is_some(),
                "{m} {p} missing from the OpenAPI document"
            );
        }
    }
    assert_eq!(
        paths.len(),
        10,
        "the OpenAPI document lists a route the server does not have"
    );
    // Every page asset is served with its type.
    let req = Request::builder()
        .uri("/assets/app.js")
        .header("host", "x")
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
}

#[tokio::test]
async fn too_many_live_runs_are_refused_with_503() {
    let app = router(state_with(1, None, vec![]));
    call(&app, "POST", "/api/scenarios", Some(bundle().to_string())).await;
    let body = json!({"analysis": "forecast", "options": {"draws": 5000}}).to_string();
    let mut runs = Vec::new();
    for _ in 0..detente_server::api::MAX_LIVE_RUNS {
        let (s, v) = call(&app, "POST", "/api/scenarios/1/runs", Some(body.clone())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        runs.push(v["run"].as_i64().unwrap());
    }
    let (s, v) = call(&app, "POST", "/api/scenarios/1/runs", Some(body)).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    for r in &runs {
        let (s, _) = call(&app, "DELETE", &format!("/api/runs/{r}"), None).await;
        assert!(s == StatusCode::OK || s == StatusCode::CONFLICT);
    }
    for r in runs {
        let v = wait_run(&app, r).await;
        assert!(v["status"] == "cancelled" || v["status"] == "done", "{v}");
    }
}

#[tokio::test]
async fn v2_scenario_timeline_as_of_runs_and_dated_edits() {
    let dir = root().join("tests/data/valid");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let b = json!({"scenario": read("v2.toml"), "file_name": "v2.toml",
                   "sources": {"article-march.txt": read("article-march.txt"),
                               "article-june.txt": read("article-june.txt")}});
    let app = router(state_with(2, None, vec![]));
    let (s, v) = call(&app, "POST", "/api/scenarios", Some(b.to_string())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = call(&app, "GET", "/api/scenarios/1", None).await;
    assert_eq!(v["timeline"]["changes"].as_array().unwrap().len(), 3);
    assert_eq!(v["scenario"]["history"].as_array().unwrap().len(), 14);
    assert_eq!(
        v["strengths"].as_array().unwrap().len(),
        v["scenario"]["stances"].as_array().unwrap().len()
    );
    assert_eq!(v["strengths"][0], "strong");
    // the same forecast at both dates: the weighted median moved from 0 to 20
    let mut medians = Vec::new();
    for opts in [json!({"as_of": "2025-03-01"}), json!({})] {
        let body = json!({"analysis": "forecast", "options": opts});
        let (s, r) = call(
            &app,
            "POST",
            "/api/scenarios/1/runs",
            Some(body.to_string()),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{r}");
        let done = wait_run(&app, r["run"].as_i64().unwrap()).await;
        assert_eq!(done["status"], "done", "{done}");
        medians.push((
            done["result"]["as_of"].clone(),
            done["result"]["issues"][0]["forecasts"]["median"]
                .as_f64()
                .unwrap(),
        ));
    }
    assert_eq!(medians[0], (json!("2025-03-01"), 0.0));
    assert_eq!(medians[1], (json!("2025-06-10"), 20.0));
    let body = json!({"analysis": "forecast", "options": {"as_of": "March"}});
    let (s, _) = call(
        &app,
        "POST",
        "/api/scenarios/1/runs",
        Some(body.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // edit the June stance of south on the valley (its second), not the March one
    let edit = json!({"actor": "south", "issue": "valley", "occurrence": 1, "salience": 55, "base_revision": 1});
    let (s, v) = call(
        &app,
        "POST",
        "/api/scenarios/1/edits",
        Some(edit.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = call(&app, "GET", "/api/scenarios/1", None).await;
    let hist = v["scenario"]["history"].as_array().unwrap();
    let south_valley: Vec<f64> = hist
        .iter()
        .filter(|h| h["actor"] == 1 && h["issue"] == 0)
        .map(|h| h["salience"].as_f64().unwrap())
        .collect();
    assert_eq!(south_valley, vec![80.0, 55.0]);
}
