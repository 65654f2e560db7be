//! `detente`: the command-line face of the detente workspace.
//!
//! This crate is deliberately thin: it parses arguments, calls the library crates, and turns
//! their plain Rust results into tables, JSON, CSV or SVG. Exit codes: 0 success, 2 bad input,
//! 1 any other failure.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;
mod common;

#[derive(Parser)]
#[command(
    name = "detente",
    version,
    about = "Analyse multi-party, multi-issue negotiations, with every number tied to its evidence",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Commands that read a scenario: use each actor's latest stance up to DATE (YYYY-MM-DD)
    /// instead of up to the scenario's own date
    #[arg(long, global = true, value_name = "DATE")]
    as_of: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario and list every problem with file:line:column
    Check(cmd::check::Args),
    /// Summarise a scenario: actors, issues and the actor × issue matrix
    Show(cmd::show::Args),
    /// Forecast where each issue ends up (compromise, median, EUM, spatial, Nash …)
    Forecast(cmd::forecast::Args),
    /// The changes that move the forecast most toward one actor's position
    Advise(cmd::advise::Args),
    /// Score the forecast models against cases with known outcomes
    Backtest(cmd::backtest::Args),
    /// The deal space: packages, zone of agreement, Pareto frontier, bargaining solutions, blockers
    Deals(cmd::deals::Args),
    /// Simulate a negotiation between strategies under the alternating offers protocol
    Simulate(cmd::simulate::Args),
    /// Run every assignment of negotiator strategies to parties, with repetitions
    Tournament(cmd::tournament::Args),
    /// Read news articles and draft a scenario whose every quote points back to the text
    Extract(cmd::extract::Args),
    /// Serve the web workbench and HTTP API
    Serve(cmd::serve::Args),
    /// Write a self-contained HTML or Markdown report of a scenario's analysis
    Report(cmd::report::Args),
    /// Who moved between dates, toward whom, with the evidence of both ends
    Timeline(cmd::timeline::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    common::set_as_of(cli.as_of.clone());
    let result = match cli.command {
        Command::Check(a) => cmd::check::run(a),
        Command::Show(a) => cmd::show::run(a),
        Command::Forecast(a) => cmd::forecast::run(a),
        Command::Advise(a) => cmd::advise::run(a),
        Command::Backtest(a) => cmd::backtest::run(a),
        Command::Deals(a) => cmd::deals::run(a),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Tournament(a) => cmd::tournament::run(a),
        Command::Extract(a) => cmd::extract::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Timeline(a) => cmd::timeline::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("error: {}", e.message);
            }
            ExitCode::from(e.code)
        }
    }
}
