//! detente-scenario: the scenario model, its TOML/JSON loader and validation.
//!
//! Loading never fails: [`load`] returns what it could read plus every diagnostic found.

pub mod diag;
pub mod doc;
pub mod history;
pub mod model;
mod node;
mod resolve;
pub mod timeline;

pub use diag::{did_you_mean, Diagnostic, LineIndex, Severity};
pub use model::*;

use std::path::Path;

/// Largest scenario file read (bytes); larger files are rejected with a diagnostic.
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
    match std::fs::metadata(path) {
        Err(e) => {
            return sink_file_diag(
                format!("cannot read file: {e}"),
                Some("check the path".into()),
            )
        }
        Ok(m) if m.is_dir() => {
            return sink_file_diag(
                "is a directory, not a scenario file".into(),
                Some("give the path of a .toml or .json scenario".into()),
            )
        }
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return sink_file_diag(
                format!(
                    "file is {} bytes; scenarios larger than {} bytes are not read",
                    m.len(),
                    MAX_FILE_BYTES
                ),
                Some("is this really a scenario file?".into()),
            )
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return sink_file_diag(format!("cannot read file: {e}"), None),
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
    let scenario = match node::parse(text, Syntax::guess(path, text), &mut sink) {
        Some(root) => resolve::resolve(&root, sources, &mut sink),
        None => Scenario::default(),
    };
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
