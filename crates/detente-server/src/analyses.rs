//! The analyses a run can perform, calling the model crates as libraries.
//!
//! Each takes the loaded scenario and the run's options (JSON) and returns a JSON result whose
//! shape is documented in `docs/serve.md` and the OpenAPI document.

use crate::jobs::Progress;
use detente_scenario::Scenario;
use serde_json::Value;

/// An analysis a run can perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    Forecast,
    Deals,
    Simulate,
    Tournament,
}

impl Analysis {
    pub const ALL: [(&'static str, Analysis); 4] = [
        ("forecast", Analysis::Forecast),
        ("deals", Analysis::Deals),
        ("simulate", Analysis::Simulate),
        ("tournament", Analysis::Tournament),
    ];

    pub fn parse(name: &str) -> Result<Analysis, String> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, a)| *a).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
            let hint = detente_scenario::did_you_mean(name, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            format!("unknown analysis `{name}`{hint}; choose one of {}", names.join(", "))
        })
    }

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, a)| *a == self).map(|(n, _)| *n).unwrap_or("?")
    }
}

/// Check a run's options before it is queued, so a bad request gets a 400 at once.
pub fn check_options(_analysis: Analysis, options: &Value) -> Result<(), String> {
    if !(options.is_object() || options.is_null()) {
        return Err("`options` must be a JSON object".into());
    }
    Ok(())
}

/// Run an analysis. Long analyses call `progress.set` and stop early when
/// `progress.is_cancelled()`.
pub fn run(analysis: Analysis, _scenario: &Scenario, _options: &Value, _progress: &Progress) -> Result<Value, String> {
    Err(format!("the `{}` analysis is not available in this build", analysis.name()))
}
