//! `detente backtest CASES…`: score the models against issues with known outcomes (a
//! scenario's `outcome` field, the `# outcome = X` line of a plain CSV, or the `out` column of
//! a DEU CSV): mean absolute error and hit rates with bootstrap confidence intervals.

use super::forecast::{load_input, model_config, model_label, model_names};
use crate::common::{print_json, table, write_stdout, CliError, CmdResult, Format};
use detente_forecast::backtest::{score, Case};
use detente_forecast::build_model;
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Inputs with known outcomes: scenarios, plain CSVs with `# outcome = X`, DEU CSVs
    #[arg(required = true)]
    pub cases: Vec<PathBuf>,
    /// Models to score, comma-separated, or all
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub model: Vec<String>,
    /// EUM preset (textbook, scholz2011, q05)
    #[arg(long)]
    pub preset: Option<String>,
    /// Rounds of the iterative models
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Bootstrap resamples for the confidence intervals
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: usize,
    /// Seed of the bootstrap
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also list every case with each model's forecast
    #[arg(long)]
    pub cases_table: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: Args) -> CmdResult {
    let names = model_names(&args.model)?;
    let cfg = model_config(args.preset.as_deref(), &[], args.rounds)?;
    let models: Vec<_> = names
        .iter()
        .map(|n| build_model(n, &cfg).expect("known model"))
        .collect();
    let mut cases = Vec::new();
    for path in &args.cases {
        let input = load_input(path)?;
        let p = &input.problem;
        let forecasts: Vec<Vec<Option<f64>>> = models.iter().map(|m| m.point(p)).collect();
        for (d, info) in p.issues.iter().enumerate() {
            if let Some(out) = info.outcome {
                cases.push(Case {
                    source: path.display().to_string(),
                    issue: info.id.clone(),
                    outcome: out,
                    range: (info.hi - info.lo).abs(),
                    forecasts: forecasts.iter().map(|f| f[d]).collect(),
                });
            }
        }
    }
    if cases.is_empty() {
        return Err(CliError::bad_input(
            "no case has a known outcome; give scenarios with `outcome` on scale issues, plain CSVs with \
             a `# outcome = X` line, or DEU CSVs with an `out` column",
        ));
    }
    let scores = score(&cases, &names, args.bootstrap, args.seed);
    match args.format {
        Format::Json => print_json(&json!({
            "cases": cases.len(), "bootstrap": args.bootstrap, "seed": args.seed,
            "models": names, "scores": scores, "case_forecasts": cases,
        })),
        Format::Csv => {
            let mut o = String::new();
            let _ = writeln!(o, "model,cases,mae,mae_ci_low,mae_ci_high,hit5,hit5_ci_low,hit5_ci_high,hit10,hit10_ci_low,hit10_ci_high");
            for s in &scores {
                let _ = writeln!(
                    o,
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    s.model,
                    s.cases,
                    s.mae.value,
                    s.mae.ci_low,
                    s.mae.ci_high,
                    s.hit5.value,
                    s.hit5.ci_low,
                    s.hit5.ci_high,
                    s.hit10.value,
                    s.hit10.ci_low,
                    s.hit10.ci_high
                );
            }
            write_stdout(&o)
        }
        Format::Table => {
            let mut o = String::new();
            let _ = writeln!(o, "Backtest on {} case(s) with known outcomes (95% bootstrap intervals, {} resamples)", cases.len(), args.bootstrap);
            let mut t = table();
            t.set_header(vec![
                "Model",
                "Cases",
                "Mean abs. error",
                "|error| ≤ 5% of range",
                "|error| ≤ 10% of range",
            ]);
            let pct = |e: &detente_forecast::backtest::Estimate| {
                format!(
                    "{:.0}% [{:.0}–{:.0}]",
                    e.value * 100.0,
                    e.ci_low * 100.0,
                    e.ci_high * 100.0
                )
            };
            for s in &scores {
                t.add_row(vec![
                    model_label(&s.model).to_string(),
                    s.cases.to_string(),
                    format!(
                        "{:.2} [{:.2}–{:.2}]",
                        s.mae.value, s.mae.ci_low, s.mae.ci_high
                    ),
                    pct(&s.hit5),
                    pct(&s.hit10),
                ]);
            }
            let _ = writeln!(o, "{t}");
            if args.cases_table {
                let mut t = table();
                let mut h = vec!["Source".to_string(), "Issue".into(), "Outcome".into()];
                h.extend(names.iter().map(|n| n.to_string()));
                t.set_header(h);
                for c in &cases {
                    let mut row = vec![
                        c.source.clone(),
                        c.issue.clone(),
                        format!("{:.2}", c.outcome),
                    ];
                    row.extend(
                        c.forecasts
                            .iter()
                            .map(|f| f.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into())),
                    );
                    t.add_row(row);
                }
                let _ = writeln!(o, "{t}");
            }
            write_stdout(&o)
        }
    }
}
