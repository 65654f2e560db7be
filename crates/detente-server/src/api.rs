//! The HTTP API and the web pages (axum).

use crate::analyses::{self, Analysis};
use crate::jobs::Jobs;
use crate::load::{self, Bundle, LoadedBundle, StanceEdit};
use crate::store::{NewRevision, RunStatus, Store, StoreError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Largest request body accepted (a scenario plus its source texts).
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Most runs queued or running at once; more are refused with 503 until some finish.
pub const MAX_LIVE_RUNS: usize = 64;

/// Everything a handler needs.
pub struct AppState {
    pub store: Arc<Store>,
    pub jobs: Arc<Jobs>,
    /// Bearer token required on /api when set.
    pub token: Option<String>,
    /// Host names (with port) accepted in the Host header; empty accepts any (non-loopback
    /// binds, where the token protects the API).
    pub allowed_hosts: Vec<String>,
    cache: Mutex<HashMap<(i64, i64), Arc<Cached>>>,
}

impl AppState {
    pub fn new(
        store: Arc<Store>,
        workers: usize,
        token: Option<String>,
        allowed_hosts: Vec<String>,
    ) -> Arc<Self> {
        Arc::new(AppState {
            store,
            jobs: Arc::new(Jobs::new(workers)),
            token,
            allowed_hosts,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// A stored revision, loaded (revisions never change, so the cache never goes stale).
    fn loaded(&self, id: i64, revision: Option<i64>) -> Result<Arc<Cached>, ApiError> {
        let number = match revision {
            Some(r) => r,
            None => self.store.latest_revision(id)?,
        };
        let key = (id, number);
        if let Some(c) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(c.clone());
        }
        let rev = self.store.revision(id, Some(number))?;
        let loaded = load::load_bundle(&Bundle {
            text: rev.text.clone(),
            file_name: rev.file_name.clone(),
            sources: rev.sources.clone(),
        });
        let c = Arc::new(Cached {
            loaded,
            rev,
            json: std::sync::OnceLock::new(),
        });
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.insert(key, c.clone());
        Ok(c)
    }
}

/// A loaded revision and its stored form.
pub struct Cached {
    pub loaded: LoadedBundle,
    pub rev: crate::store::Revision,
    /// The revision as `GET /api/scenarios/{id}` answers it (without `latest_revision`).
    json: std::sync::OnceLock<String>,
}

/// An error answer: status plus a JSON body `{"error": …, "diagnostics"?: […]}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Value,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: json!({ "error": message.into() }),
        }
    }
    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, m),
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, m),
            e @ (StoreError::Db(_) | StoreError::Commit(_)) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Run blocking store work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {e}"),
        ))
    })
}

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const OPENAPI: &str = include_str!("../assets/openapi.json");

/// The router: pages, assets, API.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/analyses", get(list_analyses))
        .route("/scenarios", get(list_scenarios).post(create_scenario))
        .route("/scenarios/{id}", get(get_scenario).put(put_scenario))
        .route("/scenarios/{id}/revisions", get(list_revisions))
        .route("/scenarios/{id}/compare", get(compare))
        .route("/scenarios/{id}/edits", axum::routing::post(edit_stance))
        .route("/scenarios/{id}/sources/{source}", get(get_source))
        .route("/scenarios/{id}/runs", get(list_runs).post(create_run))
        .route("/runs/{run}", get(get_run).delete(cancel_run))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route(
            "/",
            get(|| async { page("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { page("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/assets/app.css",
            get(|| async { page("text/css; charset=utf-8", APP_CSS) }),
        )
        .route(
            "/api/openapi.json",
            get(|| async { page("application/json", OPENAPI) }),
        )
        .nest("/api", api)
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no such page or endpoint; see /api/openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

fn page(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// Host check (against DNS rebinding), cross-origin refusal for state-changing requests
/// (against CSRF from other sites; CORS is off, so no cross-origin reads either), security
/// headers on every answer.
async fn guard(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !st.allowed_hosts.is_empty()
        && !st
            .allowed_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&host))
    {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!("unexpected Host `{host}`"),
        )
        .into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        if let Some(origin) = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
        {
            let same = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host.as_str());
            if !same {
                return ApiError::new(StatusCode::FORBIDDEN, "cross-origin requests are refused")
                    .into_response();
            }
        }
    }
    let mut r = json_errors(next.run(req).await).await;
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

/// Client errors produced by axum itself (a path that does not parse, a body over the limit, a
/// method the route does not have) come as plain text; answer them as `{"error": …}` like ours.
async fn json_errors(r: Response) -> Response {
    let is_json = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !r.status().is_client_error() || is_json {
        return r;
    }
    let (mut parts, body) = r.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let message = if text.is_empty() {
        parts
            .status
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase()
    } else {
        text
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(
        parts,
        axum::body::Body::from(json!({ "error": message }).to_string()),
    )
}

/// `Authorization: Bearer <token>` on every API call when a token is configured.
async fn require_token(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if let Some(token) = &st.token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
            let mut r = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing or wrong token: send `Authorization: Bearer <token>`",
            )
            .into_response();
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return r;
        }
    }
    next.run(req).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

async fn list_analyses() -> Json<Value> {
    Json(json!({ "analyses": Analysis::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>() }))
}

async fn list_scenarios(State(st): State<Arc<AppState>>) -> ApiResult<Json<Value>> {
    let v = blocking(move || Ok(st.store.scenarios()?)).await?;
    Ok(Json(json!({ "scenarios": v })))
}

/// The body of POST/PUT: a scenario (TOML or JSON text) or a bundle
/// `{"scenario": "<text>", "file_name": "x.toml", "sources": {"<path>": "<text>"}}`.
fn parse_upload(body: &[u8], name: Option<&str>) -> ApiResult<Bundle> {
    let text = std::str::from_utf8(body).map_err(|e| {
        ApiError::bad(format!(
            "the body is not UTF-8 (bad byte at {}); send the scenario as UTF-8 text",
            e.valid_up_to()
        ))
    })?;
    if text.trim().is_empty() {
        return Err(ApiError::bad(
            "empty body: send a scenario (TOML or JSON) or a bundle",
        ));
    }
    if text.trim_start().starts_with('{') {
        if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) {
            if let Some(Value::String(s)) = m.get("scenario") {
                let file_name = m
                    .get("file_name")
                    .and_then(Value::as_str)
                    .or(name)
                    .unwrap_or("scenario.toml");
                let mut sources = BTreeMap::new();
                match m.get("sources") {
                    None | Some(Value::Null) => {}
                    Some(Value::Object(src)) => {
                        for (k, v) in src {
                            let t = v.as_str().ok_or_else(|| {
                                ApiError::bad(format!("bundle source `{k}` must be a string"))
                            })?;
                            sources.insert(k.clone(), t.to_string());
                        }
                    }
                    Some(_) => {
                        return Err(ApiError::bad(
                            "bundle `sources` must be an object {path: text}",
                        ))
                    }
                }
                return Ok(Bundle {
                    text: s.clone(),
                    file_name: file_name.to_string(),
                    sources,
                });
            }
        }
    }
    let default = if text.trim_start().starts_with('{') {
        "scenario.json"
    } else {
        "scenario.toml"
    };
    Ok(Bundle {
        text: text.to_string(),
        file_name: name.unwrap_or(default).to_string(),
        sources: BTreeMap::new(),
    })
}

fn invalid(l: &LoadedBundle) -> ApiError {
    let diags: Vec<Value> = l
        .loaded
        .diagnostics
        .iter()
        .map(load::diagnostic_json)
        .collect();
    let n = l.loaded.errors().count();
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "error": format!("the scenario has {n} error(s)"), "diagnostics": diags }),
    }
}

fn warnings(l: &LoadedBundle) -> Vec<Value> {
    l.loaded
        .diagnostics
        .iter()
        .map(load::diagnostic_json)
        .collect()
}

#[derive(Deserialize)]
struct UploadQuery {
    name: Option<String>,
    base_revision: Option<i64>,
    message: Option<String>,
}

async fn create_scenario(
    State(st): State<Arc<AppState>>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let bundle = parse_upload(&body, q.name.as_deref())?;
    blocking(move || {
        let l = load::load_bundle(&bundle);
        if !l.is_valid() {
            return Err(invalid(&l));
        }
        let title = l.loaded.scenario.meta.title.clone();
        let (id, revision) = st.store.create_scenario(NewRevision {
            syntax: l.syntax_name(),
            file_name: &l.file_name,
            title: &title,
            message: q.message.as_deref().or(Some("created")),
            text: &bundle.text,
            sources: &l.sources,
        })?;
        let body = json!({ "id": id, "revision": revision, "warnings": warnings(&l) });
        Ok((
            StatusCode::CREATED,
            [(header::LOCATION, format!("/api/scenarios/{id}"))],
            Json(body),
        )
            .into_response())
    })
    .await
}

async fn put_scenario(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut bundle = parse_upload(&body, q.name.as_deref())?;
    blocking(move || {
        // Sources not uploaded again are carried over from the latest revision.
        let prev = st.store.revision(id, None)?;
        for (k, v) in prev.sources {
            bundle.sources.entry(k).or_insert(v);
        }
        if q.name.is_none() && bundle.file_name.starts_with("scenario.") {
            bundle.file_name = prev.file_name;
        }
        save_revision(
            &st,
            id,
            q.base_revision,
            &bundle,
            q.message.as_deref().unwrap_or("uploaded"),
        )
    })
    .await
}

fn save_revision(
    st: &AppState,
    id: i64,
    base: Option<i64>,
    bundle: &Bundle,
    message: &str,
) -> ApiResult<Response> {
    let l = load::load_bundle(bundle);
    if !l.is_valid() {
        return Err(invalid(&l));
    }
    let title = l.loaded.scenario.meta.title.clone();
    let revision = st.store.add_revision(
        id,
        base,
        NewRevision {
            syntax: l.syntax_name(),
            file_name: &l.file_name,
            title: &title,
            message: Some(message),
            text: &bundle.text,
            sources: &l.sources,
        },
    )?;
    let body =
        json!({ "id": id, "revision": revision, "message": message, "warnings": warnings(&l) });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
struct RevQuery {
    revision: Option<i64>,
}

async fn get_scenario(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Query(q): Query<RevQuery>,
) -> ApiResult<Response> {
    blocking(move || {
        let c = st.loaded(id, q.revision)?;
        let (l, rev) = (&c.loaded, &c.rev);
        let latest = if q.revision.is_none() {
            rev.revision
        } else {
            st.store.latest_revision(id)?
        };
        // The revision never changes, so its JSON is built once; only `latest_revision` is
        // spliced in per request.
        let body = c.json.get_or_init(|| {
            let sources: Vec<Value> = l
                .loaded
                .scenario
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    json!({"id": s.id, "title": s.title, "date": s.date, "path": s.path,
                           "available": l.source_text(i).is_some()})
                })
                .collect();
            json!({
                "id": id,
                "revision": rev.revision,
                "created_at": rev.created_at,
                "message": rev.message,
                "file_name": rev.file_name,
                "syntax": rev.syntax,
                "text": rev.text,
                "scenario": l.loaded.scenario,
                "timeline": detente_scenario::timeline::timeline(&l.loaded.scenario, None, None),
                // evidence strength of each stance in `scenario.stances`, in order
                "strengths": l.loaded.scenario.stances.iter().map(|s| s.strength()).collect::<Vec<_>>(),
                "sources": sources,
                "diagnostics": warnings(l),
            })
            .to_string()
        });
        let full = format!("{{\"latest_revision\":{latest},{}", &body[1..]);
        Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            full,
        )
            .into_response())
    })
    .await
}

async fn list_revisions(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let v = blocking(move || Ok(st.store.revisions(id)?)).await?;
    Ok(Json(json!({ "id": id, "revisions": v })))
}

#[derive(Deserialize)]
struct CompareQuery {
    from: i64,
    to: Option<i64>,
}

/// Stance-level differences between two revisions.
async fn compare(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Json<Value>> {
    blocking(move || {
        let a = st.loaded(id, Some(q.from))?;
        let b = st.loaded(id, q.to)?;
        let rb = &b.rev;
        let (sa, sb) = (&a.loaded.loaded.scenario, &b.loaded.loaded.scenario);
        let key = |s: &detente_scenario::Scenario, st: &detente_scenario::Stance| {
            (s.actors[st.actor].id.clone(), s.issues[st.issue].id.clone())
        };
        let ma: BTreeMap<_, _> = sa.stances.iter().map(|s| (key(sa, s), s)).collect();
        let mb: BTreeMap<_, _> = sb.stances.iter().map(|s| (key(sb, s), s)).collect();
        let mut changes = Vec::new();
        for (k, x) in &ma {
            match mb.get(k) {
                None => changes.push(json!({"actor": k.0, "issue": k.1, "change": "removed"})),
                Some(y) => {
                    // Positions in words (option labels, nearest anchors), as the pages show them.
                    let words = |sc: &detente_scenario::Scenario, st: &detente_scenario::Stance| {
                        st.position.map(|p| sc.issues[st.issue].describe(p))
                    };
                    for (field, old, new) in [
                        ("position", json!(words(sa, x)), json!(words(sb, y))),
                        ("salience", json!(x.salience), json!(y.salience)),
                        ("red_line", json!(x.red_line), json!(y.red_line)),
                    ] {
                        if old != new {
                            changes.push(json!({"actor": k.0, "issue": k.1, "change": field, "from": old, "to": new}));
                        }
                    }
                }
            }
        }
        for k in mb.keys().filter(|k| !ma.contains_key(*k)) {
            changes.push(json!({"actor": k.0, "issue": k.1, "change": "added"}));
        }
        Ok(Json(json!({"id": id, "from": q.from, "to": rb.revision, "changes": changes})))
    })
    .await
}

#[derive(Deserialize)]
struct EditBody {
    #[serde(flatten)]
    edit: StanceEdit,
    base_revision: Option<i64>,
}

/// Change one stance (salience and/or position) and save the result as a new revision.
async fn edit_stance(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let e: EditBody =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad(format!("bad edit: {e}")))?;
    blocking(move || {
        let prev = st.store.revision(id, e.base_revision)?;
        let syntax = if prev.syntax == "json" {
            detente_scenario::Syntax::Json
        } else {
            detente_scenario::Syntax::Toml
        };
        let (text, what) = load::apply_edit(&prev.text, syntax, &e.edit).map_err(ApiError::bad)?;
        let bundle = Bundle {
            text,
            file_name: prev.file_name.clone(),
            sources: prev.sources.clone(),
        };
        save_revision(&st, id, Some(prev.revision), &bundle, &what)
    })
    .await
}

async fn get_source(
    State(st): State<Arc<AppState>>,
    Path((id, source)): Path<(i64, String)>,
    Query(q): Query<RevQuery>,
) -> ApiResult<Json<Value>> {
    blocking(move || {
        let c = st.loaded(id, q.revision)?;
        let (l, rev) = (&c.loaded, &c.rev);
        let sc = &l.loaded.scenario;
        let i = sc
            .sources
            .iter()
            .position(|s| s.id == source)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("revision {} has no source `{source}`", rev.revision),
                )
            })?;
        let s = &sc.sources[i];
        let text = l.source_text(i);
        // Every evidence quote drawn from this source, with the stance it supports.
        let mut quotes = Vec::new();
        for st in &sc.stances {
            for ev in st.evidence.iter().filter(|e| e.source == i) {
                quotes.push(json!({
                    "actor": sc.actors[st.actor].id, "issue": sc.issues[st.issue].id,
                    "quote": ev.quote, "location": ev.location.as_ref().map(|r| [r.start, r.end]),
                    "note": ev.note,
                }));
            }
        }
        Ok(Json(json!({
            "id": s.id, "title": s.title, "date": s.date, "path": s.path,
            "text": text, "quotes": quotes, "revision": rev.revision,
        })))
    })
    .await
}

#[derive(Deserialize)]
struct RunBody {
    analysis: String,
    revision: Option<i64>,
    #[serde(default)]
    options: Value,
}

async fn create_run(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: RunBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad(format!(
            "bad run request: {e}; send {{\"analysis\": \"forecast\", \"options\": {{}}}}"
        ))
    })?;
    let analysis = Analysis::parse(&b.analysis).map_err(ApiError::bad)?;
    if st.jobs.live_count() >= MAX_LIVE_RUNS {
        let mut r = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{MAX_LIVE_RUNS} analyses are already queued or running; retry when some have finished"),
        )
        .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return Ok(r);
    }
    let options = if b.options.is_null() {
        json!({})
    } else {
        b.options
    };
    analyses::check_options(analysis, &options).map_err(ApiError::bad)?;
    let st2 = st.clone();
    let (run, revision, scenario) = blocking(move || {
        let c = st2.loaded(id, b.revision)?;
        let (l, rev) = (&c.loaded, &c.rev);
        let run = st2
            .store
            .create_run(id, rev.revision, analysis.name(), &options)?;
        Ok((
            run,
            rev.revision,
            (Arc::new(l.loaded.scenario.clone()), options),
        ))
    })
    .await?;
    st.jobs
        .spawn(st.store.clone(), run, analysis, scenario.0, scenario.1);
    let body = json!({ "run": run, "status": "queued", "scenario": id, "revision": revision });
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, format!("/api/runs/{run}"))],
        Json(body),
    )
        .into_response())
}

async fn list_runs(State(st): State<Arc<AppState>>, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    blocking(move || {
        st.store.revisions(id)?;
        let mut runs = st.store.runs(id, 200)?;
        for r in &mut runs {
            if r.status == RunStatus::Running {
                r.progress = st.jobs.progress(r.run).unwrap_or(r.progress);
            }
        }
        Ok(Json(json!({ "id": id, "runs": runs })))
    })
    .await
}

async fn get_run(State(st): State<Arc<AppState>>, Path(run): Path<i64>) -> ApiResult<Json<Value>> {
    blocking(move || {
        let mut r = st.store.run(run, true)?;
        if r.status == RunStatus::Running {
            r.progress = st.jobs.progress(run).unwrap_or(r.progress);
        }
        Ok(Json(serde_json::to_value(r).unwrap_or(Value::Null)))
    })
    .await
}

async fn cancel_run(State(st): State<Arc<AppState>>, Path(run): Path<i64>) -> ApiResult<Response> {
    blocking(move || {
        let cancelled = st.store.cancel_run(run)?;
        let r = st.store.run(run, false)?;
        if cancelled {
            st.jobs.cancel(run);
            Ok(Json(json!(r)).into_response())
        } else {
            Err(ApiError {
                status: StatusCode::CONFLICT,
                body: json!({"error": format!("run {run} has already finished ({})", r.status.as_str()), "run": r}),
            })
        }
    })
    .await
}
