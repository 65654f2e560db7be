//! `detente tournament`: every assignment of negotiator strategies to the parties (each
//! strategy also meets itself), repeated with seeds derived from `--seed`, run in parallel.
//! Per-negotiator results: mean utility, agreement rate, welfare, distance to the Nash point
//! and to the Pareto frontier. Identical results whatever the thread count.

use super::simulate::{csv_line, emit, emit_json, load, saop_config, DomainArgs, ProtocolArgs};
use crate::common::{table, CliError, CmdResult, Format};
use detente_simulate::tournament::{run_count, MAX_RUNS};
use detente_simulate::{run_tournament, NegotiatorSpec, TournamentConfig};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::IsTerminal;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub domain: DomainArgs,
    /// Negotiators taking part: `all` or a comma-separated list (boulware, linear, conceder,
    /// tit-for-tat, relative-tit-for-tat, hardheaded, random, nash, frequency; parameters as
    /// `boulware:e=0.2`)
    #[arg(long, short = 'n', default_value = "all", value_name = "LIST")]
    pub negotiators: String,
    /// Repetitions of every assignment (each with its own derived seed)
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub reps: u32,
    #[command(flatten)]
    pub protocol: ProtocolArgs,
    /// Worker threads (default: all cores); results do not depend on it
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print every negotiation (assignment, repetition, seed, agreement, utilities) instead of
    /// the per-negotiator summary
    #[arg(long)]
    pub runs: bool,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v}"))
}

pub fn run(args: Args) -> CmdResult {
    if args.reps == 0 {
        return Err(CliError::bad_input("--reps must be at least 1"));
    }
    if args.threads == Some(0) {
        return Err(CliError::bad_input("--threads must be at least 1"));
    }
    let loaded = load(&args.domain)?;
    let (domain, arena) = (&loaded.domain, &loaded.arena);
    let specs = NegotiatorSpec::parse_list(&args.negotiators).map_err(CliError::bad_input)?;
    let mut saop = saop_config(&args.protocol, loaded.genius)?;
    saop.record_trace = false;
    let total = run_count(specs.len(), arena.parties.len(), args.reps)
        .filter(|&t| t <= MAX_RUNS)
        .ok_or_else(|| {
            CliError::bad_input(format!(
                "{} negotiators over {} parties with {} repetitions is more than {MAX_RUNS} negotiations; use fewer negotiators or --reps",
                specs.len(),
                arena.parties.len(),
                args.reps
            ))
        })?;
    let config = TournamentConfig {
        reps: args.reps,
        seed: args.protocol.seed,
        saop,
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} negotiations {pos}/{len} {bar:40} {per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        Some(bar)
    } else {
        None
    };
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let work = || run_tournament(arena, &specs, &config, &tick);
    let result = match args.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| CliError::failure(format!("cannot start {n} threads: {e}")))?
            .install(work),
        None => work(),
    }
    .map_err(CliError::bad_input)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let parties: Vec<&str> = arena.parties.iter().map(|p| p.name.as_str()).collect();

    if args.runs {
        return match args.format {
            Format::Json => {
                let runs: Vec<Value> = result
                    .runs
                    .iter()
                    .map(|r| {
                        let mut negs = serde_json::Map::new();
                        let mut us = serde_json::Map::new();
                        for (k, p) in parties.iter().enumerate() {
                            negs.insert(p.to_string(), json!(specs[r.assignment[k]].label));
                            us.insert(p.to_string(), json!(r.utilities[k]));
                        }
                        json!({
                            "negotiators": negs, "rep": r.rep, "seed": r.seed,
                            "agreement": r.agreement.map(|o| domain.space.describe(&arena.decode(o))),
                            "rounds": r.rounds, "utilities": us, "welfare": r.welfare,
                            "pareto_distance": r.pareto_distance, "nash_distance": r.nash_distance,
                        })
                    })
                    .collect();
                emit_json(&Value::Array(runs))
            }
            Format::Csv | Format::Table => {
                let mut header: Vec<String> =
                    parties.iter().map(|p| format!("negotiator_{p}")).collect();
                header.extend(["rep", "seed", "agreement", "rounds"].map(String::from));
                header.extend(parties.iter().map(|p| format!("u_{p}")));
                header.extend(["welfare", "pareto_distance", "nash_distance"].map(String::from));
                let rows = result.runs.iter().map(|r| {
                    let mut row: Vec<String> = r
                        .assignment
                        .iter()
                        .map(|&s| specs[s].label.clone())
                        .collect();
                    row.push(r.rep.to_string());
                    row.push(r.seed.to_string());
                    row.push(
                        r.agreement
                            .map_or_else(String::new, |o| domain.space.describe(&arena.decode(o))),
                    );
                    row.push(r.rounds.to_string());
                    row.extend(r.utilities.iter().map(|u| format!("{u}")));
                    row.push(format!("{}", r.welfare));
                    row.push(opt(r.pareto_distance));
                    row.push(opt(r.nash_distance));
                    row
                });
                let mut o = String::new();
                if args.format == Format::Csv {
                    let _ = writeln!(o, "{}", csv_line(&header));
                    for row in rows {
                        let _ = writeln!(o, "{}", csv_line(&row));
                    }
                } else {
                    let mut t = table();
                    t.set_header(header);
                    for row in rows {
                        t.add_row(row);
                    }
                    let _ = writeln!(o, "{t}");
                }
                emit(&o)
            }
        };
    }

    match args.format {
        Format::Json => emit_json(&json!({
            "domain": domain.name,
            "parties": parties,
            "negotiations": result.runs.len(),
            "reps": args.reps,
            "rounds": args.protocol.rounds,
            "seed": args.protocol.seed,
            "summary": result.summary,
        })),
        Format::Csv => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "negotiator,plays,mean_utility,agreement_rate,mean_welfare,mean_nash_distance,mean_pareto_distance,mean_rounds"
            );
            for s in &result.summary {
                let row = vec![
                    s.negotiator.clone(),
                    s.plays.to_string(),
                    format!("{}", s.mean_utility),
                    format!("{}", s.agreement_rate),
                    format!("{}", s.mean_welfare),
                    opt(s.mean_nash_distance),
                    opt(s.mean_pareto_distance),
                    format!("{}", s.mean_rounds),
                ];
                let _ = writeln!(o, "{}", csv_line(&row));
            }
            emit(&o)
        }
        Format::Table => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "{}: {} parties ({}), {} negotiators, {} negotiations ({} assignments × {} reps), {} rounds, seed {}",
                domain.name,
                parties.len(),
                parties.join(", "),
                specs.len(),
                result.runs.len(),
                result.runs.len() / args.reps as usize,
                args.reps,
                args.protocol.rounds,
                args.protocol.seed
            );
            let mut t = table();
            t.set_header(vec![
                "negotiator",
                "plays",
                "mean utility",
                "agreement rate",
                "mean welfare",
                "dist. to Nash",
                "dist. to Pareto",
                "mean rounds",
            ]);
            let f = |x: Option<f64>| x.map_or_else(|| "–".into(), |v| format!("{v:.3}"));
            for s in &result.summary {
                t.add_row(vec![
                    s.negotiator.clone(),
                    s.plays.to_string(),
                    format!("{:.3}", s.mean_utility),
                    format!("{:.1}%", 100.0 * s.agreement_rate),
                    format!("{:.3}", s.mean_welfare),
                    f(s.mean_nash_distance),
                    f(s.mean_pareto_distance),
                    format!("{:.1}", s.mean_rounds),
                ]);
            }
            let _ = writeln!(o, "{t}");
            let _ = writeln!(
                o,
                "Utility is each negotiator's payoff averaged over every role it played (its reservation value when no agreement); welfare and distances are of the whole negotiation."
            );
            emit(&o)
        }
    }
}
