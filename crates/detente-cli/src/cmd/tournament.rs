//! `detente tournament`: every assignment of negotiator strategies to the parties (each
//! strategy also meets itself), repeated with seeds derived from `--seed`, run in parallel.
//! Per-negotiator results: mean utility, agreement rate, welfare, distance to the Nash point
//! and to the Pareto frontier, per domain and (for several domains) over all of them.
//! Identical results whatever the thread count.

use super::simulate::{csv_line, load, saop_config, DomainArgs, Loaded, ProtocolArgs};
use crate::common::{print_json, table, write_stdout, CliError, CmdResult, Format};
use detente_simulate::tournament::{run_count, summarise, MAX_RUNS};
use detente_simulate::{
    run_tournament, NegotiatorSpec, NegotiatorSummary, RunRecord, TournamentConfig,
    TournamentResult,
};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario files (TOML or JSON); the parties of each are its veto players
    pub scenarios: Vec<PathBuf>,
    /// GENIUS domain folders (repeat the flag for several); parties = profile files sorted
    #[arg(long, value_name = "FOLDER")]
    pub genius: Vec<PathBuf>,
    /// Scale issues of a scenario: a value every STEP points from 0 to 100 instead of the
    /// labelled anchors
    #[arg(long, value_name = "STEP")]
    pub step: Option<f64>,
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
    /// Print every negotiation (domain, assignment, repetition, seed, agreement, utilities)
    /// instead of the per-negotiator summary
    #[arg(long)]
    pub runs: bool,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v}"))
}

/// One domain's tournament.
struct Played {
    loaded: Loaded,
    result: TournamentResult,
}

pub fn run(args: Args) -> CmdResult {
    if args.reps == 0 {
        return Err(CliError::bad_input("--reps must be at least 1"));
    }
    if args.threads == Some(0) {
        return Err(CliError::bad_input("--threads must be at least 1"));
    }
    {
        use crate::common::within;
        use detente_scenario::limits::Limit;
        within(Limit::Rounds, args.protocol.rounds.into(), "--rounds")?;
        within(
            Limit::Threads,
            args.threads.unwrap_or(1) as u64,
            "--threads",
        )?;
    }
    if args.scenarios.is_empty() && args.genius.is_empty() {
        return Err(CliError::bad_input(
            "give one or more SCENARIO files and/or --genius FOLDER",
        ));
    }
    let specs = NegotiatorSpec::parse_list(&args.negotiators).map_err(CliError::bad_input)?;
    let mut sources: Vec<DomainArgs> = args
        .scenarios
        .iter()
        .map(|p| DomainArgs {
            scenario: Some(p.clone()),
            genius: None,
            step: args.step,
        })
        .collect();
    sources.extend(args.genius.iter().map(|g| DomainArgs {
        scenario: None,
        genius: Some(g.clone()),
        step: None,
    }));
    let mut prepared = Vec::with_capacity(sources.len());
    let mut total: u64 = 0;
    for source in &sources {
        let loaded = load(source)?;
        let mut saop = saop_config(&args.protocol, loaded.genius)?;
        saop.record_trace = false;
        let limit = detente_scenario::limits::Limit::Negotiations;
        let count = run_count(specs.len(), loaded.arena.parties.len(), args.reps)
            .filter(|&t| t <= MAX_RUNS.min(detente_scenario::limits::get(limit)))
            .ok_or_else(|| {
                CliError::bad_input(detente_scenario::limits::exceeded(
                    limit,
                    "the tournament's negotiations",
                    &format!(
                        "{}: {} negotiators over {} parties with {} repetitions (use fewer \
                         negotiators or --reps, or)",
                        loaded.domain.name,
                        specs.len(),
                        loaded.arena.parties.len(),
                        args.reps
                    ),
                ))
            })?;
        total += count;
        prepared.push((loaded, saop));
    }
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
    let pool = match args.threads {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| CliError::failure(format!("cannot start {n} threads: {e}")))?,
        ),
        None => None,
    };
    let mut played = Vec::with_capacity(prepared.len());
    for (loaded, saop) in prepared {
        let config = TournamentConfig {
            reps: args.reps,
            seed: args.protocol.seed,
            saop,
        };
        let work = || run_tournament(&loaded.arena, &specs, &config, &tick);
        let result = match &pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
        .map_err(CliError::bad_input)?;
        played.push(Played { loaded, result });
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let all_runs: Vec<RunRecord> = played
        .iter()
        .flat_map(|p| p.result.runs.iter().cloned())
        .collect();
    let overall = summarise(&specs, &all_runs);
    if args.runs {
        return print_runs(&args, &specs, &played);
    }
    match args.format {
        Format::Json => {
            let domains: Vec<Value> = played
                .iter()
                .map(|p| {
                    json!({
                        "domain": p.loaded.domain.name,
                        "parties": p.loaded.arena.parties.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
                        "negotiations": p.result.runs.len(),
                        "summary": p.result.summary,
                    })
                })
                .collect();
            print_json(&json!({
                "domains": domains,
                "negotiations": all_runs.len(),
                "reps": args.reps,
                "rounds": args.protocol.rounds,
                "seed": args.protocol.seed,
                "summary": overall,
            }))
        }
        Format::Csv => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "domain,negotiator,plays,mean_utility,agreement_rate,mean_welfare,mean_nash_distance,mean_pareto_distance,mean_rounds"
            );
            let mut blocks: Vec<(String, &[NegotiatorSummary])> = played
                .iter()
                .map(|p| (p.loaded.domain.name.clone(), p.result.summary.as_slice()))
                .collect();
            if played.len() > 1 {
                blocks.push(("all".to_string(), overall.as_slice()));
            }
            for (name, summary) in blocks {
                for s in summary {
                    let row = vec![
                        name.clone(),
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
            }
            write_stdout(&o)
        }
        Format::Table => {
            let mut o = String::new();
            for p in &played {
                let parties: Vec<&str> = p
                    .loaded
                    .arena
                    .parties
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect();
                let _ = writeln!(
                    o,
                    "{}: {} parties ({}), {} negotiators, {} negotiations ({} assignments × {} reps), {} rounds, seed {}",
                    p.loaded.domain.name,
                    parties.len(),
                    parties.join(", "),
                    specs.len(),
                    p.result.runs.len(),
                    p.result.runs.len() / args.reps as usize,
                    args.reps,
                    args.protocol.rounds,
                    args.protocol.seed
                );
                let _ = writeln!(o, "{}", summary_table(&p.result.summary));
            }
            if played.len() > 1 {
                let _ = writeln!(
                    o,
                    "All {} domains: {} negotiations",
                    played.len(),
                    all_runs.len()
                );
                let _ = writeln!(o, "{}", summary_table(&overall));
            }
            let _ = writeln!(
                o,
                "Utility is each negotiator's payoff averaged over every role it played (its reservation value when no agreement); welfare and distances are of the whole negotiation."
            );
            write_stdout(&o)
        }
    }
}

fn summary_table(summary: &[NegotiatorSummary]) -> comfy_table::Table {
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
    for s in summary {
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
    t
}

fn print_runs(args: &Args, specs: &[NegotiatorSpec], played: &[Played]) -> CmdResult {
    if args.format == Format::Json {
        let mut runs: Vec<Value> = Vec::new();
        for p in played {
            let (domain, arena) = (&p.loaded.domain, &p.loaded.arena);
            for r in &p.result.runs {
                let mut negs = serde_json::Map::new();
                let mut us = serde_json::Map::new();
                for (k, party) in arena.parties.iter().enumerate() {
                    negs.insert(party.name.clone(), json!(specs[r.assignment[k]].label));
                    us.insert(party.name.clone(), json!(r.utilities[k]));
                }
                runs.push(json!({
                    "domain": domain.name, "negotiators": negs, "rep": r.rep, "seed": r.seed,
                    "agreement": r.agreement.map(|o| domain.space.describe(&arena.decode(o))),
                    "rounds": r.rounds, "utilities": us, "welfare": r.welfare,
                    "pareto_distance": r.pareto_distance, "nash_distance": r.nash_distance,
                }));
            }
        }
        return print_json(&Value::Array(runs));
    }
    let mut o = String::new();
    for (i, p) in played.iter().enumerate() {
        let (domain, arena) = (&p.loaded.domain, &p.loaded.arena);
        let parties: Vec<&str> = arena.parties.iter().map(|x| x.name.as_str()).collect();
        let mut header = vec!["domain".to_string()];
        header.extend(parties.iter().map(|p| format!("negotiator_{p}")));
        header.extend(["rep", "seed", "agreement", "rounds"].map(String::from));
        header.extend(parties.iter().map(|p| format!("u_{p}")));
        header.extend(["welfare", "pareto_distance", "nash_distance"].map(String::from));
        let rows = p.result.runs.iter().map(|r| {
            let mut row = vec![domain.name.clone()];
            row.extend(r.assignment.iter().map(|&s| specs[s].label.clone()));
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
        if args.format == Format::Csv {
            // One header per domain (party columns differ between domains).
            if i > 0 {
                let _ = writeln!(o);
            }
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
    }
    write_stdout(&o)
}
