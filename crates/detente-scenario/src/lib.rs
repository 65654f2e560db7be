//! detente-scenario: the scenario model, its TOML/JSON loader and validation.
//!
//! Loading never fails: [`load`] returns what it could read plus every diagnostic found.

pub mod diag;
pub mod doc;
pub mod history;
pub mod limits;
pub mod model;
mod node;
mod quote_search;
pub use quote_search::{cancelled, with_cancel};
mod resolve;
pub mod safe_io;
pub mod timeline;

pub use diag::{did_you_mean, Diagnostic, LineIndex, Severity};
pub use model::*;

use std::path::Path;

/// Default largest scenario file read (bytes); larger files are rejected with a diagnostic.
/// The limit in force is [`limits::Limit::ScenarioBytes`].
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The outcome of loading: the scenario as far as it could be read, and every problem found.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }
}

/// Which syntax a scenario text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Json,
}

impl Syntax {
    /// `.json` files are JSON; everything else is TOML unless the text starts with `{`.
    pub fn guess(path: &Path, text: &str) -> Syntax {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Syntax::Json,
            Some(e) if e.eq_ignore_ascii_case("toml") => Syntax::Toml,
            _ if text.trim_start().starts_with('{') => Syntax::Json,
            _ => Syntax::Toml,
        }
    }
}

/// Read and validate a scenario file. Source documents are read relative to its directory.
pub fn load(path: &Path) -> Loaded {
    let sink_file_diag = |message: String, hint: Option<String>| Loaded {
        scenario: Scenario::default(),
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            file: path.to_path_buf(),
            line: None,
            column: None,
            span: None,
            message,
            hint,
        }],
    };
    let bytes = match safe_io::read_bounded(path, limits::Limit::ScenarioBytes) {
        Ok(b) => b,
        // The diagnostic names the file already.
        Err(e) => {
            let message = match e.message.strip_prefix(&format!("{} ", path.display())) {
                Some(rest) => rest.to_string(),
                None => e.message,
            };
            return sink_file_diag(message, e.hint);
        }
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    load_bytes(&bytes, path, &base)
}

/// Validate scenario bytes as if read from `path`; sources are resolved against `base_dir`.
pub fn load_bytes(bytes: &[u8], path: &Path, base_dir: &Path) -> Loaded {
    match std::str::from_utf8(bytes) {
        Ok(text) => load_str(text, path, base_dir),
        Err(e) => {
            let text = String::from_utf8_lossy(bytes);
            let mut sink = diag::Sink::new(path, &text);
            let at = e.valid_up_to();
            let hint = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                "the file looks like UTF-16; save it as UTF-8".to_string()
            } else if bytes.iter().take(8192).filter(|b| **b == 0).count() > 0 {
                "the file contains NUL bytes; it looks binary, not a scenario".to_string()
            } else {
                "save the file as UTF-8 (it may be Latin-1 or Windows-1252)".to_string()
            };
            // Offset in the lossy text equals the byte offset up to the first bad byte.
            sink.error(
                Some(at..at + 1),
                format!("invalid UTF-8 at byte {at}"),
                Some(hint),
            );
            Loaded {
                scenario: Scenario::default(),
                diagnostics: sink.diagnostics,
            }
        }
    }
}

/// Validate scenario text as if read from `path`; sources are resolved against `base_dir`.
pub fn load_str(text: &str, path: &Path, base_dir: &Path) -> Loaded {
    load_with(text, path, &resolve::SourceTexts::Dir(base_dir))
}

/// Validate scenario text as if read from `path`, taking the source documents' texts from
/// `sources` (keyed by the path as written in the scenario) instead of the file system. For
/// servers: nothing outside the given texts is ever read.
pub fn load_str_with_sources(
    text: &str,
    path: &Path,
    sources: &std::collections::BTreeMap<String, String>,
) -> Loaded {
    load_with(text, path, &resolve::SourceTexts::Memory(sources))
}

fn load_with(text: &str, path: &Path, sources: &resolve::SourceTexts) -> Loaded {
    let mut sink = diag::Sink::new(path, text);
    quote_search::reset();
    let scenario = match node::parse(text, Syntax::guess(path, text), &mut sink) {
        Some(root) => resolve::resolve(&root, sources, &mut sink),
        None => Scenario::default(),
    };
    check_counts(&scenario, &mut sink);
    let mut diagnostics = sink.diagnostics;
    diagnostics.sort_by_key(|d| {
        (
            d.span.as_ref().map(|s| s.start).unwrap_or(usize::MAX),
            d.severity,
        )
    });
    Loaded {
        scenario,
        diagnostics,
    }
}

/// Actor and issue counts multiply the work of every model: refuse scenarios over the limits.
fn check_counts(sc: &Scenario, sink: &mut diag::Sink) {
    use limits::Limit;
    let actors = sc.actors.len() as u64;
    if actors > limits::get(Limit::Actors) {
        let span = sc
            .actors
            .get(limits::get_usize(Limit::Actors))
            .map(|a| a.span.clone());
        sink.error(
            span,
            limits::exceeded(Limit::Actors, actors, "the scenario's actors"),
            None,
        );
    }
    let issues = sc.issues.len() as u64;
    if issues > limits::get(Limit::Issues) {
        let span = sc
            .issues
            .get(limits::get_usize(Limit::Issues))
            .map(|i| i.span.clone());
        sink.error(
            span,
            limits::exceeded(Limit::Issues, issues, "the scenario's issues"),
            None,
        );
    }
}
