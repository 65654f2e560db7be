//! detente-server: the workbench — a durable store, a JSON HTTP API and web pages.
//!
//! `detente serve` starts [`serve`]. The pieces:
//! - [`store`]: SQLite (WAL, `synchronous=FULL`): scenarios with every revision kept, analysis
//!   runs with their status, progress and result;
//! - [`load`]: loading uploaded scenarios with their source texts, never reading a path a
//!   request names, and editing a stance in the scenario text;
//! - [`jobs`] and [`analyses`]: analyses as background jobs with progress and cancellation,
//!   calling the model crates as libraries;
//! - [`api`]: the axum router (API under `/api`, OpenAPI at `/api/openapi.json`, the pages
//!   at `/`, assets built into the binary).
//!
//! Security model (see `docs/serve.md`): loopback by default; a bearer token is required when
//! listening elsewhere; Host header checked on loopback (DNS rebinding); cross-origin writes
//! refused and CORS off; request bodies limited to [`api::MAX_BODY_BYTES`]; no request reads or
//! writes a file outside the store.

pub mod analyses;
pub mod api;
pub mod jobs;
pub mod load;
pub mod store;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub addr: SocketAddr,
    pub token: Option<String>,
    /// Scenario files to import (from disk, by the operator) before serving.
    pub imports: Vec<PathBuf>,
    /// Analyses run at once.
    pub workers: usize,
}

/// Why the server could not start or stopped.
#[derive(Debug)]
pub enum ServeError {
    /// The operator's input is wrong (exit 2): bad address/token combination, bad import.
    BadInput(String),
    /// Anything else (exit 1).
    Failure(String),
}

/// What was imported from a file.
#[derive(Debug, Clone)]
pub struct Imported {
    pub path: PathBuf,
    pub id: i64,
    pub revision: i64,
    /// False when the latest revision of a scenario already had exactly this content.
    pub new_revision: bool,
}

/// Import a scenario file (read from disk by the operator, with its sources) into the store:
/// a new scenario, or a new revision of the scenario with the same file name and title when
/// the content changed, or nothing when the latest revision is identical.
pub fn import_file(store: &store::Store, path: &Path) -> Result<Imported, ServeError> {
    let loaded = detente_scenario::load(path);
    if !loaded.is_valid() {
        let msgs: Vec<String> = loaded.errors().map(|d| d.render(false)).collect();
        return Err(ServeError::BadInput(msgs.join("\n")));
    }
    let text = detente_scenario::safe_io::read_text_bounded(
        path,
        detente_scenario::limits::Limit::ScenarioBytes,
    )
    .map_err(|e| ServeError::BadInput(e.to_string()))?;
    let mut sources = std::collections::BTreeMap::new();
    for s in &loaded.scenario.sources {
        if let Some(t) = &s.text {
            sources.insert(s.path.clone(), t.clone());
        }
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bundle = load::Bundle {
        text: text.clone(),
        file_name: name,
        sources,
    };
    let lb = load::load_bundle(&bundle);
    if !lb.is_valid() {
        let msgs: Vec<String> = lb.loaded.errors().map(|d| d.render(false)).collect();
        return Err(ServeError::BadInput(format!(
            "{}: {}",
            path.display(),
            msgs.join("\n")
        )));
    }
    let title = lb.loaded.scenario.meta.title.clone();
    let db = |e: store::StoreError| ServeError::Failure(e.to_string());
    let existing = store
        .scenarios()
        .map_err(db)?
        .into_iter()
        .filter(|s| s.title == title)
        .find_map(|s| {
            store
                .revision(s.id, None)
                .ok()
                .filter(|r| r.file_name == lb.file_name)
        });
    let rev = store::NewRevision {
        syntax: lb.syntax_name(),
        file_name: &lb.file_name,
        title: &title,
        message: Some("imported from file"),
        text: &text,
        sources: &lb.sources,
    };
    match existing {
        Some(r) if r.text == text && r.sources == lb.sources => Ok(Imported {
            path: path.into(),
            id: r.scenario_id,
            revision: r.revision,
            new_revision: false,
        }),
        Some(r) => {
            let revision = store.add_revision(r.scenario_id, None, rev).map_err(db)?;
            Ok(Imported {
                path: path.into(),
                id: r.scenario_id,
                revision,
                new_revision: true,
            })
        }
        None => {
            let (id, revision) = store.create_scenario(rev).map_err(db)?;
            Ok(Imported {
                path: path.into(),
                id,
                revision,
                new_revision: true,
            })
        }
    }
}

/// Open the store, import files, bind, and serve until Ctrl-C. `on_ready` is called with the
/// bound address (the port may have been 0) and the imports, before requests are served.
pub fn serve(
    config: Config,
    on_ready: impl FnOnce(SocketAddr, &[Imported], usize),
) -> Result<(), ServeError> {
    let loopback = config.addr.ip().is_loopback();
    if !loopback && config.token.as_deref().is_none_or(str::is_empty) {
        return Err(ServeError::BadInput(format!(
            "{} is not a loopback address, so a token is required: pass --token T (or set DETENTE_TOKEN) \
             and send `Authorization: Bearer T`",
            config.addr
        )));
    }
    if let Some(t) = &config.token {
        if t.chars().any(char::is_whitespace) {
            return Err(ServeError::BadInput(
                "the token contains spaces: use at least 16 characters without whitespace".into(),
            ));
        }
        if t.len() < 16 {
            return Err(ServeError::BadInput(
                "the token is too short: use at least 16 characters".into(),
            ));
        }
    }
    let (store, interrupted) = store::Store::open(&config.db).map_err(|e| {
        ServeError::Failure(format!(
            "{}: cannot open the database: {e}",
            config.db.display()
        ))
    })?;
    let store = Arc::new(store);
    let mut imported = Vec::new();
    for p in &config.imports {
        imported.push(import_file(&store, p)?);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Failure(format!("cannot start the runtime: {e}")))?;
    let result = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| ServeError::Failure(format!("cannot listen on {}: {e}", config.addr)))?;
        let local = listener
            .local_addr()
            .map_err(|e| ServeError::Failure(e.to_string()))?;
        let hosts = if loopback {
            let p = local.port();
            vec![
                local.to_string(),
                format!("127.0.0.1:{p}"),
                format!("localhost:{p}"),
                format!("[::1]:{p}"),
            ]
        } else {
            Vec::new()
        };
        let state = api::AppState::new(store, config.workers, config.token.clone(), hosts);
        let app = api::router(state);
        on_ready(local, &imported, interrupted);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| ServeError::Failure(format!("server error: {e}")))
    });
    // Analyses still running are abandoned (their runs stay `running` in the store and are
    // marked `interrupted` on the next start) rather than delaying the stop.
    rt.shutdown_timeout(std::time::Duration::from_millis(500));
    result
}
