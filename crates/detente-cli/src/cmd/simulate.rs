//! `detente simulate`: one negotiation under the stacked alternating offers protocol (SAOP)
//! between named negotiator strategies, on a scenario's deal space (its veto players) or a
//! GENIUS domain folder. Prints the offer trace, the agreement (or none), each party's
//! utility, the distances to the Pareto frontier and the Nash point, welfare and rounds.

use crate::common::{load_scenario, print_json, table, write_stdout, CliError, CmdResult, Format};
use detente_simulate::{
    arena_from_domain, negotiate, ActionKind, Arena, DiscountClock, NegotiatorSpec, SaopConfig,
};
use detente_space::{DiscretiseOptions, Domain};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

/// Where the negotiation domain comes from (shared with `detente tournament`).
#[derive(clap::Args, Debug, Clone)]
pub struct DomainArgs {
    /// Scenario file (TOML or JSON); the parties are its veto players, in scenario order
    #[arg(required_unless_present = "genius", conflicts_with = "genius")]
    pub scenario: Option<PathBuf>,
    /// A GENIUS domain folder (one domain XML, one profile XML per party) instead of a
    /// scenario; the parties are the profile files, sorted by name
    #[arg(long, value_name = "FOLDER")]
    pub genius: Option<PathBuf>,
    /// Scale issues of a scenario: a value every STEP points from 0 to 100 instead of the
    /// labelled anchors
    #[arg(long, value_name = "STEP")]
    pub step: Option<f64>,
}

/// Protocol settings (shared with `detente tournament`).
#[derive(clap::Args, Debug, Clone)]
pub struct ProtocolArgs {
    /// Deadline in rounds (each negotiator acts once per round)
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub rounds: u32,
    /// Also end after this many seconds of wall-clock time (makes results machine-dependent)
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Discount factor per round for every party, in (0, 1] (overrides a GENIUS profile's own
    /// discount factor, which otherwise applies as d^t over relative time t)
    #[arg(long, value_name = "D")]
    pub discount: Option<f64>,
    /// Seed for the random negotiators (same seed, same result)
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub domain: DomainArgs,
    /// Negotiators, one per party in party order (comma-separated): boulware, linear, conceder,
    /// tit-for-tat, relative-tit-for-tat, hardheaded, random, nash, frequency; parameters as
    /// `boulware:e=0.2` (several as `frequency:e=0.5;window=8`). One name alone is used for
    /// every party.
    #[arg(long, short = 'n', value_name = "LIST")]
    pub negotiators: String,
    #[command(flatten)]
    pub protocol: ProtocolArgs,
    /// Output format (csv prints the offer trace)
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// A loaded domain and its prepared arena.
pub struct Loaded {
    pub domain: Domain,
    pub arena: Arena,
    pub genius: bool,
}

/// Load the scenario or GENIUS folder and prepare it for simulation.
pub fn load(args: &DomainArgs) -> Result<Loaded, CliError> {
    let opts = DiscretiseOptions {
        step: args.step,
        ..DiscretiseOptions::default()
    };
    let (domain, source, genius) = match (&args.scenario, &args.genius) {
        (_, Some(folder)) => {
            if args.step.is_some() {
                return Err(CliError::bad_input(
                    "--step applies to scenario scale issues; GENIUS folders are discrete already",
                ));
            }
            let d = Domain::from_genius(folder).map_err(|errs| space_errors(&errs))?;
            (d, folder.clone(), true)
        }
        (Some(path), None) => {
            let scenario = load_scenario(path)?;
            super::headline::check_drafts(&scenario, path)?;
            let d = Domain::from_scenario(&scenario, &opts).map_err(|errs| {
                space_errors(
                    &errs
                        .into_iter()
                        .map(|mut e| {
                            if e.file.as_os_str().is_empty() {
                                e.file = path.clone();
                            }
                            e
                        })
                        .collect::<Vec<_>>(),
                )
            })?;
            (d, path.clone(), false)
        }
        (None, None) => {
            return Err(CliError::bad_input(
                "give a SCENARIO file or --genius FOLDER",
            ));
        }
    };
    let arena = arena_from_domain(&domain)
        .map_err(|e| CliError::bad_input(format!("{}: {e}", source.display())))?;
    Ok(Loaded {
        domain,
        arena,
        genius,
    })
}

fn space_errors(errs: &[detente_space::SpaceError]) -> CliError {
    for e in errs.iter().skip(1) {
        eprintln!(
            "error: {}",
            detente_scenario::safe_io::escape_controls(&e.to_string())
        );
    }
    match errs.first() {
        Some(e) => CliError::bad_input(e.to_string()),
        None => CliError::bad_input("cannot read the domain"),
    }
}

/// Protocol settings from the flags; `genius` selects GENIUS's relative-time discounting for
/// the profiles' own discount factors.
pub fn saop_config(p: &ProtocolArgs, genius: bool) -> Result<SaopConfig, CliError> {
    if p.rounds == 0 {
        return Err(CliError::bad_input("--rounds must be at least 1"));
    }
    let time_limit = match p.time_limit {
        None => None,
        Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Some(Duration::from_secs_f64(s)),
        Some(s) => {
            return Err(CliError::bad_input(format!(
                "--time-limit {s}: give a positive number of seconds"
            )))
        }
    };
    if let Some(d) = p.discount {
        if !(d > 0.0 && d <= 1.0) {
            return Err(CliError::bad_input(format!(
                "--discount {d}: a discount factor is in (0, 1]; 1 means no discounting"
            )));
        }
    }
    let discount_clock = if genius && p.discount.is_none() {
        DiscountClock::RelativeTime
    } else {
        DiscountClock::Round
    };
    Ok(SaopConfig {
        rounds: Some(p.rounds),
        time_limit,
        discount: p.discount,
        discount_clock,
        record_trace: true,
    })
}

/// Parse the negotiator list and match it to the parties (one name alone fills every role).
pub fn negotiators_for(text: &str, arena: &Arena) -> Result<Vec<NegotiatorSpec>, CliError> {
    let specs = NegotiatorSpec::parse_list(text).map_err(CliError::bad_input)?;
    let parties: Vec<&str> = arena.parties.iter().map(|p| p.name.as_str()).collect();
    match specs.len() {
        1 => Ok(vec![specs[0].clone(); parties.len()]),
        n if n == parties.len() => Ok(specs),
        n => Err(CliError::bad_input(format!(
            "--negotiators gives {n} negotiators for {} parties ({}); give one per party in that order, or one for all",
            parties.len(),
            parties.join(", ")
        ))),
    }
}

fn outcome_json(domain: &Domain, arena: &Arena, o: u32) -> Value {
    let mut m = Map::new();
    for (issue, v) in domain.space.issues.iter().zip(arena.decode(o)) {
        m.insert(
            issue.name.clone(),
            json!(issue.values.get(v as usize).cloned().unwrap_or_default()),
        );
    }
    Value::Object(m)
}

fn utilities_json(arena: &Arena, us: &[f64]) -> Value {
    let mut m = Map::new();
    for (p, u) in arena.parties.iter().zip(us) {
        m.insert(p.name.clone(), json!(u));
    }
    Value::Object(m)
}

fn action_name(a: ActionKind) -> &'static str {
    match a {
        ActionKind::Offer => "offer",
        ActionKind::Accept => "accept",
        ActionKind::End => "end",
    }
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{v:.4}"))
}

pub fn run(args: Args) -> CmdResult {
    use detente_scenario::limits::Limit;
    crate::common::within(Limit::Rounds, args.protocol.rounds.into(), "--rounds")?;
    let loaded = load(&args.domain)?;
    let (domain, arena) = (&loaded.domain, &loaded.arena);
    let specs = negotiators_for(&args.negotiators, arena)?;
    let config = saop_config(&args.protocol, loaded.genius)?;
    let refs: Vec<&NegotiatorSpec> = specs.iter().collect();
    let r = negotiate(arena, &refs, &config, args.protocol.seed)
        .map_err(|e| CliError::bad_input(e.to_string()))?;
    if let Some(p) = r.violation {
        return Err(CliError::failure(format!(
            "negotiator `{}` of party `{}` broke the protocol rules (offered or accepted an outcome it may not); this is a bug",
            specs[p].label, arena.parties[p].name
        )));
    }
    match args.format {
        Format::Json => {
            let trace: Vec<Value> = r
                .trace
                .iter()
                .map(|s| {
                    json!({
                        "round": s.round,
                        "party": arena.parties[s.party].name,
                        "action": action_name(s.action),
                        "outcome": s.outcome.map(|o| outcome_json(domain, arena, o)),
                        "utilities": s.outcome.map(|o| utilities_json(arena, &arena.utilities(o))),
                    })
                })
                .collect();
            print_json(&json!({
                "agreement": r.agreement.map(|o| outcome_json(domain, arena, o)),
                "utilities": utilities_json(arena, &r.utilities),
                "rounds": r.rounds,
                "trace": trace,
                "pareto_distance": r.pareto_distance,
                "nash_distance": r.nash_distance,
                "welfare": r.welfare,
            }))
        }
        Format::Csv => {
            let mut o = String::new();
            let mut header = vec!["round".to_string(), "party".into(), "action".into()];
            header.extend(domain.space.issues.iter().map(|i| i.name.clone()));
            header.extend(arena.parties.iter().map(|p| format!("u_{}", p.name)));
            let _ = writeln!(o, "{}", csv_line(&header));
            for s in &r.trace {
                let mut row = vec![
                    s.round.to_string(),
                    arena.parties[s.party].name.clone(),
                    action_name(s.action).into(),
                ];
                match s.outcome {
                    Some(o) => {
                        for (issue, v) in domain.space.issues.iter().zip(arena.decode(o)) {
                            row.push(issue.values[v as usize].clone());
                        }
                        row.extend(arena.utilities(o).iter().map(|u| format!("{u}")));
                    }
                    None => row.extend(std::iter::repeat_n(
                        String::new(),
                        domain.space.issues.len() + arena.parties.len(),
                    )),
                }
                let _ = writeln!(o, "{}", csv_line(&row));
            }
            write_stdout(&o)
        }
        Format::Table => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "{}: {} outcomes, {} parties, deadline {} rounds, seed {}",
                domain.name,
                arena.len(),
                arena.parties.len(),
                args.protocol.rounds,
                args.protocol.seed
            );
            let mut t = table();
            let mut header = vec!["round".to_string(), "party".into(), "action".into()];
            header.extend(arena.parties.iter().map(|p| format!("u({})", p.name)));
            t.set_header(header);
            for s in &r.trace {
                let mut row = vec![
                    s.round.to_string(),
                    format!("{} ({})", arena.parties[s.party].name, specs[s.party].label),
                    action_name(s.action).to_string(),
                ];
                match s.outcome {
                    Some(x) => row.extend(arena.utilities(x).iter().map(|u| format!("{u:.3}"))),
                    None => row.extend(std::iter::repeat_n(String::new(), arena.parties.len())),
                }
                t.add_row(row);
            }
            let _ = writeln!(o, "{t}");
            match (r.agreement, r.ended_by) {
                (Some(a), _) => {
                    let _ = writeln!(
                        o,
                        "Agreement after {} of {} rounds:",
                        r.rounds, args.protocol.rounds
                    );
                    let mut t = table();
                    t.set_header(vec!["issue", "agreed"]);
                    for (issue, v) in domain.space.issues.iter().zip(arena.decode(a)) {
                        t.add_row(vec![issue.name.clone(), issue.values[v as usize].clone()]);
                    }
                    let _ = writeln!(o, "{t}");
                }
                (None, Some(p)) => {
                    let _ = writeln!(
                        o,
                        "No agreement: {} ended the negotiation after {} rounds (nothing it could offer); every party gets its reservation value.",
                        arena.parties[p].name, r.rounds
                    );
                }
                (None, None) => {
                    let _ = writeln!(
                        o,
                        "No agreement by the deadline ({} rounds); every party gets its reservation value.",
                        r.rounds
                    );
                }
            }
            let mut t = table();
            t.set_header(vec!["party", "negotiator", "utility", "reservation"]);
            for ((p, s), u) in arena.parties.iter().zip(&specs).zip(&r.utilities) {
                t.add_row(vec![
                    p.name.clone(),
                    s.label.clone(),
                    format!("{u:.4}"),
                    format!("{:.4}", p.reservation),
                ]);
            }
            let _ = writeln!(o, "{t}");
            let _ = writeln!(
                o,
                "welfare {:.4} · distance to Pareto frontier {} · distance to Nash point {}",
                r.welfare,
                fmt_opt(r.pareto_distance),
                fmt_opt(r.nash_distance)
            );
            write_stdout(&o)
        }
    }
}

/// One CSV line (RFC 4180 quoting).
pub fn csv_line(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
