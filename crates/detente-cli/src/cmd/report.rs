//! `detente report`: write one self-contained HTML (or Markdown) report of a scenario's
//! analysis — summary, actors, issues, heat map, forecast, deal space and evidence.

use crate::common::{load_scenario, write_stdout, CliError, CmdResult};
use detente_report::{render, report, ReportOptions};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file (inline CSS and SVG, no scripts, no network requests)
    Html,
    /// Markdown, with the charts as SVG files in `<name>_files/` beside it
    Md,
}

#[derive(clap::Args)]
pub struct Args {
    /// The scenario file (TOML or JSON)
    pub scenario: PathBuf,
    /// Write the report here (HTML may go to stdout when omitted; Markdown needs a file)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report format (default: from the output's extension, `.md` → md, otherwise html)
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Seed of every random process (Monte Carlo draws, the sampled packages of the Pareto chart)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Monte Carlo runs of the forecast, drawing from the stances' ranges (0 = none); the
    /// default is `detente forecast`'s, so both print the same headline
    #[arg(long, value_name = "N", default_value_t = detente_forecast::headline::DEFAULT_DRAWS)]
    pub monte_carlo: usize,
    /// Leave the forecast section out
    #[arg(long)]
    pub no_forecast: bool,
    /// Leave the deal-space section out (it enumerates every package, which can take a while)
    #[arg(long)]
    pub no_deals: bool,
}

/// Largest Monte Carlo run accepted (the report is meant to be written in seconds).
const MAX_RUNS: usize = 100_000;

pub fn run(args: Args) -> CmdResult {
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(p))
            if p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("md")) =>
        {
            ReportFormat::Md
        }
        _ => ReportFormat::Html,
    };
    if args.monte_carlo > MAX_RUNS {
        return Err(CliError::bad_input(format!(
            "--monte-carlo {}: at most {MAX_RUNS} runs (1000 already give stable 5–95% bands)",
            args.monte_carlo
        )));
    }
    if format == ReportFormat::Md && args.output.is_none() {
        return Err(CliError::bad_input(
            "--format md writes the charts as SVG files beside the report: give -o FILE.md",
        ));
    }
    if let Some(out) = &args.output {
        check_output(out)?;
    }
    let scenario = load_scenario(&args.scenario)?;
    let opts = ReportOptions {
        seed: args.seed,
        monte_carlo: args.monte_carlo,
        forecast: !args.no_forecast,
        deals: !args.no_deals,
        generator: format!("detente {}", env!("CARGO_PKG_VERSION")),
        ..ReportOptions::default()
    };
    let doc = report::build(&scenario, &opts);
    match (format, &args.output) {
        (ReportFormat::Html, None) => write_stdout(&render::html(&doc)),
        (ReportFormat::Html, Some(path)) => {
            write(path, render::html(&doc).as_bytes())?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        (ReportFormat::Md, Some(path)) => {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("report");
            let assets = format!("{stem}_files");
            let (md, files) = render::markdown(&doc, &assets);
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(&assets);
            std::fs::create_dir_all(&dir)
                .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
            for (name, svg) in &files {
                write(&dir.join(name), svg.as_bytes())?;
            }
            write(path, md.as_bytes())?;
            eprintln!(
                "wrote {} and {} chart(s) in {}",
                path.display(),
                files.len(),
                dir.display()
            );
            Ok(())
        }
        (ReportFormat::Md, None) => Err(CliError::bad_input("--format md needs -o FILE.md")),
    }
}

/// Refuse outputs that cannot work before spending time on the analysis.
fn check_output(out: &Path) -> CmdResult {
    if out.is_dir() {
        return Err(CliError::bad_input(format!(
            "{}: is a directory; give a file name such as {}",
            out.display(),
            out.join("report.html").display()
        )));
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(CliError::bad_input(format!(
                "{}: the directory {} does not exist; create it first",
                out.display(),
                parent.display()
            )));
        }
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> CmdResult {
    std::fs::write(path, bytes)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))
}
