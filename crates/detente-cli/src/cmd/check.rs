//! `detente check FILE…`: validate scenarios and list every problem, located.

use crate::common::{print_diagnostics, print_json, CliError, CmdResult};
use detente_scenario::Severity;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario files (TOML or JSON)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Treat warnings (drafts, stances without evidence) as errors
    #[arg(long)]
    pub strict: bool,
    /// `table` prints located messages on stderr; `json` prints the diagnostics on stdout
    #[arg(long, value_enum, default_value = "table")]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
}

#[derive(serde::Serialize)]
struct FileReport {
    file: PathBuf,
    valid: bool,
    errors: usize,
    warnings: usize,
    actors: usize,
    issues: usize,
    stances: usize,
    evidence_verified: usize,
    diagnostics: Vec<detente_scenario::Diagnostic>,
}

pub fn run(args: Args) -> CmdResult {
    let mut reports = Vec::new();
    let mut failed = false;
    for file in &args.files {
        let loaded = detente_scenario::load(file);
        let errors = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = loaded.diagnostics.len() - errors;
        let valid = errors == 0 && !(args.strict && warnings > 0);
        failed |= !valid;
        let sc = &loaded.scenario;
        let evidence_verified = sc
            .history
            .iter()
            .flat_map(|s| &s.evidence)
            .filter(|e| e.location.is_some())
            .count();
        if args.format == CheckFormat::Table {
            print_diagnostics(&loaded.diagnostics);
            if valid {
                eprintln!(
                    "{}: ok — {} actors, {} issues, {} stances, {} evidence quotes found verbatim{}",
                    file.display(),
                    sc.actors.len(),
                    sc.issues.len(),
                    sc.history.len(),
                    evidence_verified,
                    if warnings > 0 { format!(", {warnings} warning(s)") } else { String::new() }
                );
            } else {
                eprintln!(
                    "{}: {errors} error(s), {warnings} warning(s)",
                    file.display()
                );
            }
        }
        reports.push(FileReport {
            file: file.clone(),
            valid,
            errors,
            warnings,
            actors: sc.actors.len(),
            issues: sc.issues.len(),
            stances: sc.history.len(),
            evidence_verified,
            diagnostics: loaded.diagnostics,
        });
    }
    if args.format == CheckFormat::Json {
        print_json(&reports)?;
    }
    if failed {
        Err(CliError::silent(2))
    } else {
        Ok(())
    }
}
