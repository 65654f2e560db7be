//! Helpers shared by the subcommands: errors and exit codes, output formats, and loading a
//! scenario with its diagnostics printed the same way everywhere.

use detente_scenario::{Diagnostic, Loaded, Severity};
use std::io::IsTerminal;
use std::path::Path;

/// A failed command: the message for stderr and the exit code (2 bad input, 1 other failure).
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// Bad input (exit code 2).
    pub fn bad_input(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
    /// Any other failure (exit code 1).
    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
    /// Exit with `code` after messages were already printed.
    pub fn silent(code: u8) -> Self {
        CliError {
            code,
            message: String::new(),
        }
    }
}

pub type CmdResult = Result<(), CliError>;

/// Output format for commands whose output is data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Print diagnostics to stderr in the `file:line:col: severity: message` form, with hints.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal();
    for d in diags {
        eprintln!("{}", d.render(color));
    }
}

static AS_OF: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The `--as-of DATE` given on the command line (set once by `main`).
pub fn set_as_of(date: Option<String>) {
    let _ = AS_OF.set(date);
}

/// The `--as-of DATE` given on the command line, if any.
pub fn as_of() -> Option<&'static str> {
    AS_OF.get().and_then(|d| d.as_deref())
}

/// Load a scenario (at `--as-of DATE` when given); print every diagnostic; fail with exit 2
/// when there are errors or the date is not one the scenario covers. When a date was given or
/// some actor has stances at more than one date, the date used is printed on stderr.
pub fn load_scenario(path: &Path) -> Result<detente_scenario::Scenario, CliError> {
    let sc = load_scenario_latest(path)?;
    match as_of() {
        Some(d) => {
            let at = sc.at(d).map_err(|e| {
                CliError::bad_input(format!(
                    "{}: --as-of {e}{}",
                    path.display(),
                    match sc.dates().first() {
                        Some(first) => format!(
                            " (its stances are dated {first} to {})",
                            sc.dates().last().map(String::as_str).unwrap_or(first)
                        ),
                        None => String::new(),
                    }
                ))
            })?;
            eprintln!("{}: as of {d}", path.display());
            Ok(at)
        }
        None => {
            if sc.has_dated_history() {
                eprintln!(
                    "{}: as of {} (the scenario date; --as-of DATE for an earlier one)",
                    path.display(),
                    sc.meta.as_of.as_deref().unwrap_or("the latest stances")
                );
            }
            Ok(sc)
        }
    }
}

/// Load a scenario at its own date (ignoring `--as-of`); print every diagnostic; fail with
/// exit 2 when there are errors.
pub fn load_scenario_latest(path: &Path) -> Result<detente_scenario::Scenario, CliError> {
    let Loaded {
        scenario,
        diagnostics,
    } = detente_scenario::load(path);
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        print_diagnostics(&diagnostics);
        return Err(CliError::bad_input(format!(
            "{}: {errors} error(s); run `detente check {}` for details",
            path.display(),
            path.display()
        )));
    }
    Ok(scenario)
}

/// Print a JSON value to stdout (pretty), mapping a broken pipe to success.
pub fn print_json<T: serde::Serialize>(value: &T) -> CmdResult {
    let s = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failure(format!("cannot serialise output: {e}")))?;
    write_stdout(&format!("{s}\n"))
}

/// Write to stdout; a closed pipe (`detente … | head`) ends the output quietly, not in a panic.
pub fn write_stdout(text: &str) -> CmdResult {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!("cannot write output: {e}"))),
    }
}

/// A table in the house style (UTF-8 borders, dynamic width).
pub fn table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t
}
