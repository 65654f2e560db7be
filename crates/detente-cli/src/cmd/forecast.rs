//! `detente forecast INPUT`: where each issue ends up under each model (compromise, weighted
//! median, expected utility, spatial, Nash), with round-by-round traces, Monte Carlo
//! uncertainty, a tornado sensitivity table, and an SVG chart of the trajectories.
//!
//! INPUT is a scenario (`.toml`/`.json`), a plain `Actor,Capability,Position,Salience` CSV, a
//! KTAB CSV or a DEU CSV. Also provides the input loading shared by `advise` and `backtest`.
#![allow(clippy::needless_range_loop)] // issue × model tables read better with indices

use crate::common::{load_scenario, print_json, table, write_stdout, CliError, CmdResult, Format};
use detente_forecast::eum::{self, EumOptions};
use detente_forecast::io::{from_scenario, read_table, StanceRanges};
use detente_forecast::montecarlo::{self, Distribution, NoiseSpec};
use detente_forecast::sensitivity::{self, TornadoBar};
use detente_forecast::{build_model, IssueForecast, ModelConfig, Problem, MODEL_NAMES};
use detente_scenario::{Position, Scenario};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Scenario (.toml/.json), plain CSV (Actor,Capability,Position,Salience), KTAB CSV or DEU CSV
    pub input: PathBuf,
    /// Models to run, comma-separated: mean, median, eum, smp, nash, or all; also smp-detente
    /// (detente's own spatial model, not in `all`)
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub model: Vec<String>,
    /// Rounds of the iterative models (EUM: exactly N rounds; SMP: at most N rounds)
    #[arg(long)]
    pub rounds: Option<usize>,
    /// EUM preset: textbook (default), scholz2011 (reproduces Scholz et al. 2011 Table 2), q05
    #[arg(long)]
    pub preset: Option<String>,
    /// Override one EUM option, e.g. `--eum-option probability=all-pairs` (repeatable; see docs/forecast.md)
    #[arg(long = "eum-option", value_name = "KEY=VALUE")]
    pub eum_option: Vec<String>,
    /// Set one parameter of the spatial model (KTAB's names), e.g. `--smp-option VotingRule=PropCbc`,
    /// `StateTransitions=Stochastic`, `seed=N`, `max-steps=N` (repeatable; see docs/forecast.md)
    #[arg(long = "smp-option", value_name = "KEY=VALUE")]
    pub smp_option: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write an SVG chart of the round-by-round trajectories to this file
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Monte Carlo: number of perturbed runs
    #[arg(long, value_name = "N")]
    pub monte_carlo: Option<usize>,
    /// Monte Carlo noise, e.g. `position=normal:5,salience=triangular:10,capability=normal:10%`;
    /// stance ranges in a scenario (position_range, salience_range) are always used (default: ranges only)
    #[arg(long, value_name = "SPEC")]
    pub noise: Option<String>,
    /// Seed of every random process (same seed, same result, whatever the thread count)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Probability that the outcome is at or above a threshold: `VALUE` (every issue) or `ISSUE=VALUE` (repeatable)
    #[arg(long, value_name = "[ISSUE=]VALUE")]
    pub threshold: Vec<String>,
    /// Tornado sensitivity table per issue for the first selected model
    #[arg(long)]
    pub tornado: bool,
    /// Table format: also print the EUM round by round (positions, median, mean, risk
    /// exponents, and how many pairs were in conflict / compromise / compel / status quo)
    #[arg(long)]
    pub trace: bool,
    /// Step of the sensitivity analysis: positions and saliences ± STEP points (0–100), capability ± STEP %
    #[arg(long, default_value_t = 10.0)]
    pub step: f64,
}

/// Largest number of forecasts (runs × models × issues) a Monte Carlo run keeps in memory.
const MAX_SAMPLES: usize = 200_000_000;

/// An input loaded for the models.
pub struct Input {
    pub problem: Problem,
    pub ranges: StanceRanges,
    /// The scenario when the input was one (for anchor labels).
    pub scenario: Option<Scenario>,
    /// For each problem issue, its index in the scenario.
    pub scenario_issue: Vec<usize>,
}

impl Input {
    /// Words for a forecast on issue `d`: the nearest anchor label when the input is a scenario.
    pub fn describe(&self, d: usize, x: f64) -> String {
        let r = (x * 10.0).round() / 10.0;
        match &self.scenario {
            Some(s) => s.issues[self.scenario_issue[d]].describe(Position::Scale(r)),
            None => format!("{r}"),
        }
    }
}

/// Load any supported input; bad input is reported with its location (exit 2).
pub fn load_input(path: &Path) -> Result<Input, CliError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let input = if ext == "toml" || ext == "json" {
        let scenario = load_scenario(path)?;
        let conv = from_scenario(&scenario);
        Input {
            problem: conv.problem,
            ranges: conv.ranges,
            scenario: Some(scenario),
            scenario_issue: conv.scenario_issue,
        }
    } else {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::bad_input(format!("{}: cannot read: {e}", path.display())))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            CliError::bad_input(format!(
                "{}: not UTF-8 text (byte {}); save the file as UTF-8 CSV",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        let problem = read_table(&path.display().to_string(), &text).map_err(|e| {
            // Already in the located `file:line:col: error: …` form.
            eprintln!("{e}");
            CliError::silent(2)
        })?;
        let n = problem.issues.len();
        Input {
            problem,
            ranges: StanceRanges::default(),
            scenario: None,
            scenario_issue: (0..n).collect(),
        }
    };
    if input.problem.issues.is_empty() {
        return Err(CliError::bad_input(format!(
            "{}: no scale issue to forecast (the models need issues of type \"scale\")",
            path.display()
        )));
    }
    let errs = input.problem.validate();
    if let Some(e) = errs.first() {
        return Err(CliError::bad_input(format!("{}: {e}", path.display())));
    }
    Ok(input)
}

/// Resolve `--model` names (`all` expands to every model).
pub fn model_names(list: &[String]) -> Result<Vec<&'static str>, CliError> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in list {
        let m = m.trim();
        if m.eq_ignore_ascii_case("all") {
            for n in MODEL_NAMES {
                if !out.contains(n) {
                    out.push(n);
                }
            }
            continue;
        }
        let extra = detente_forecast::EXTRA_MODEL_NAMES.iter();
        match MODEL_NAMES
            .iter()
            .chain(extra)
            .find(|n| n.eq_ignore_ascii_case(m))
        {
            Some(n) if !out.contains(n) => out.push(n),
            Some(_) => {}
            None => {
                return Err(CliError::bad_input(format!(
                    "unknown model `{m}`; choose from {}, {}, or all",
                    MODEL_NAMES.join(", "),
                    detente_forecast::EXTRA_MODEL_NAMES.join(", ")
                )))
            }
        }
    }
    if out.is_empty() {
        return Err(CliError::bad_input(
            "no model selected; use e.g. --model eum,mean",
        ));
    }
    Ok(out)
}

/// Build the model options from `--preset`, `--eum-option` and `--rounds`.
pub fn model_config(
    preset: Option<&str>,
    eum_opts: &[String],
    rounds: Option<usize>,
) -> Result<ModelConfig, CliError> {
    let mut cfg = ModelConfig::default();
    if let Some(p) = preset {
        cfg.eum = EumOptions::preset(p).ok_or_else(|| {
            CliError::bad_input(format!(
                "unknown preset `{p}`; choose from {}",
                eum::PRESETS.join(", ")
            ))
        })?;
    }
    for kv in eum_opts {
        let (k, v) = kv.split_once('=').ok_or_else(|| {
            CliError::bad_input(format!(
                "--eum-option `{kv}` is not KEY=VALUE (e.g. probability=all-pairs)"
            ))
        })?;
        cfg.eum
            .set(k.trim(), v.trim())
            .map_err(CliError::bad_input)?;
    }
    if let Some(r) = rounds {
        if r == 0 || r > 10_000 {
            return Err(CliError::bad_input("--rounds must be between 1 and 10000"));
        }
        cfg.eum.stopping = match cfg.eum.stopping {
            eum::Stopping::Rounds(_) => eum::Stopping::Rounds(r),
            eum::Stopping::Tolerance { tol, .. } => eum::Stopping::Tolerance { tol, max_rounds: r },
        };
        cfg.smp.max_rounds = r;
        cfg.ktab.max_steps = Some(r);
    }
    Ok(cfg)
}

/// Apply `--smp-option KEY=VALUE` (KTAB's parameter names, `seed`, `max-steps`).
pub fn smp_options(cfg: &mut ModelConfig, opts: &[String]) -> Result<(), CliError> {
    for kv in opts {
        let (k, v) = kv.split_once('=').ok_or_else(|| {
            CliError::bad_input(format!(
                "--smp-option `{kv}` is not KEY=VALUE (e.g. VotingRule=PropCbc)"
            ))
        })?;
        cfg.ktab
            .set(k, v)
            .map_err(|e| CliError::bad_input(format!("--smp-option: {e}")))?;
    }
    Ok(())
}

fn actor_map(p: &Problem, actors: &[usize], vals: &[f64]) -> Value {
    let mut m = Map::new();
    for (a, v) in actors.iter().zip(vals) {
        m.insert(p.actors[*a].id.clone(), json!(v));
    }
    Value::Object(m)
}

fn rounds_json(p: &Problem, f: &IssueForecast) -> Value {
    Value::Array(
        f.rounds
            .iter()
            .map(|r| {
                let mut o = Map::new();
                o.insert("round".into(), json!(r.round));
                o.insert("positions".into(), actor_map(p, &f.actors, &r.positions));
                o.insert("median".into(), json!(r.median));
                o.insert("mean".into(), json!(r.mean));
                if !r.risk.is_empty() {
                    o.insert("risk".into(), actor_map(p, &f.actors, &r.risk));
                }
                if !r.pairs.is_empty() {
                    let pairs: Vec<Value> = r
                        .pairs
                        .iter()
                        .map(|pr| {
                            json!({
                                "a": p.actors[pr.a].id, "b": p.actors[pr.b].id, "kind": pr.kind,
                                "winner": pr.winner.map(|w| p.actors[w].id.clone()),
                                "eu_ab": pr.eu_ab, "eu_ba": pr.eu_ba,
                            })
                        })
                        .collect();
                    o.insert("pairs".into(), Value::Array(pairs));
                }
                if let Some(d) = &r.smp {
                    o.insert("win_prob".into(), actor_map(p, &f.actors, &d.win_prob));
                    o.insert("challenges".into(), json!(d.challenges));
                }
                Value::Object(o)
            })
            .collect(),
    )
}

#[derive(Serialize)]
struct DistJson<'a> {
    #[serde(flatten)]
    dist: &'a Distribution,
}

/// Parse `--threshold` values into one optional threshold per issue.
pub fn thresholds(p: &Problem, specs: &[String]) -> Result<Vec<Option<f64>>, CliError> {
    let mut out = vec![None; p.issues.len()];
    for s in specs {
        let (issue, val) = match s.split_once('=') {
            Some((i, v)) => (Some(i.trim()), v.trim()),
            None => (None, s.trim()),
        };
        let v: f64 = val
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| {
                CliError::bad_input(format!("--threshold `{s}`: `{val}` is not a number"))
            })?;
        match issue {
            None => out.iter_mut().for_each(|o| *o = Some(v)),
            Some(id) => {
                let d = p.issues.iter().position(|i| i.id == id).ok_or_else(|| {
                    CliError::bad_input(format!(
                        "--threshold `{s}`: no scale issue `{id}`; issues: {}",
                        p.issues
                            .iter()
                            .map(|i| i.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
                out[d] = Some(v);
            }
        }
    }
    Ok(out)
}

pub fn run(args: Args) -> CmdResult {
    let input = load_input(&args.input)?;
    let names = model_names(&args.model)?;
    let mut cfg = model_config(args.preset.as_deref(), &args.eum_option, args.rounds)?;
    smp_options(&mut cfg, &args.smp_option)?;
    if !(args.step.is_finite() && args.step > 0.0) {
        return Err(CliError::bad_input("--step must be a positive number"));
    }
    let p = &input.problem;
    let models: Vec<_> = names
        .iter()
        .map(|n| build_model(n, &cfg).expect("known model"))
        .collect();
    let results: Vec<Vec<IssueForecast>> = models.iter().map(|m| m.forecast(p)).collect();

    // Monte Carlo.
    let thresholds = thresholds(p, &args.threshold)?;
    let mc = match args.monte_carlo {
        Some(0) => return Err(CliError::bad_input("--monte-carlo needs at least 1 run")),
        Some(n) if n.saturating_mul(names.len() * p.issues.len()) > MAX_SAMPLES => {
            return Err(CliError::bad_input(format!(
                "--monte-carlo {n}: too many runs for {} model(s) × {} issue(s) (at most {MAX_SAMPLES} forecasts are kept); \
                 use fewer runs or fewer models",
                names.len(),
                p.issues.len()
            )))
        }
        Some(n) => {
            let spec = match &args.noise {
                Some(s) => NoiseSpec::parse(s).map_err(|e| CliError::bad_input(format!("--noise: {e}")))?,
                None => NoiseSpec::default(),
            };
            if spec.is_empty() && input.ranges.is_empty() {
                return Err(CliError::bad_input(
                    "--monte-carlo needs uncertainty: give --noise (e.g. position=normal:5) or stance ranges in the scenario",
                ));
            }
            let bar = progress_bar(n as u64);
            let mc = montecarlo::run(p, &input.ranges, &spec, &models, n, args.seed, &thresholds, &|k| {
                if let Some(b) = &bar {
                    b.inc(k)
                }
            });
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            Some(mc)
        }
        None => {
            if args.noise.is_some() || !args.threshold.is_empty() {
                return Err(CliError::bad_input("--noise and --threshold need --monte-carlo N"));
            }
            None
        }
    };

    // Tornado (first selected model).
    let tornado = if args.tornado {
        Some(sensitivity::tornado(p, models[0].as_ref(), args.step))
    } else {
        None
    };

    if let Some(path) = &args.plot {
        let svg = svg_trajectories(&input, &names, &results);
        std::fs::write(path, svg)
            .map_err(|e| CliError::failure(format!("{}: cannot write: {e}", path.display())))?;
        eprintln!("wrote {}", path.display());
    }

    match args.format {
        Format::Json => {
            let issues: Vec<Value> = (0..p.issues.len())
                .map(|d| {
                    let info = &p.issues[d];
                    let mut ms = Map::new();
                    for (mi, name) in names.iter().enumerate() {
                        let f = &results[mi][d];
                        let mut o = Map::new();
                        o.insert("forecast".into(), json!(f.forecast));
                        o.insert(
                            "label".into(),
                            json!(f.forecast.map(|x| input.describe(d, x))),
                        );
                        if !f.rounds.is_empty() {
                            o.insert("rounds".into(), rounds_json(p, f));
                        }
                        if !f.notes.is_empty() {
                            o.insert("notes".into(), json!(f.notes));
                        }
                        if let Some(mc) = &mc {
                            o.insert(
                                "distribution".into(),
                                json!(DistJson {
                                    dist: &mc.distributions[mi][d]
                                }),
                            );
                        }
                        ms.insert((*name).to_string(), Value::Object(o));
                    }
                    let mut o = Map::new();
                    o.insert("id".into(), json!(info.id));
                    o.insert("title".into(), json!(info.title));
                    o.insert("scale".into(), json!([info.lo, info.hi]));
                    o.insert("status_quo".into(), json!(info.status_quo));
                    o.insert("outcome".into(), json!(info.outcome));
                    o.insert("models".into(), Value::Object(ms));
                    if let Some(t) = &tornado {
                        o.insert("tornado".into(), tornado_json(p, &t[d]));
                    }
                    Value::Object(o)
                })
                .collect();
            let mut top = Map::new();
            top.insert("title".into(), json!(p.title));
            top.insert("input".into(), json!(args.input.display().to_string()));
            top.insert("models".into(), json!(names));
            top.insert("options".into(), json!(cfg));
            if let Some(mc) = &mc {
                top.insert(
                    "monte_carlo".into(),
                    json!({"runs": mc.runs, "seed": args.seed, "noise": args.noise}),
                );
            }
            top.insert("issues".into(), Value::Array(issues));
            print_json(&Value::Object(top))
        }
        Format::Csv => {
            let mut out = String::from("issue,model,forecast,label");
            if mc.is_some() {
                out.push_str(",mc_mean,mc_median,p5,p25,p75,p95,threshold,p_at_or_above");
            }
            out.push('\n');
            for d in 0..p.issues.len() {
                for (mi, name) in names.iter().enumerate() {
                    let f = results[mi][d].forecast;
                    out.push_str(&format!(
                        "{},{},{},{}",
                        csv_field(&p.issues[d].id),
                        name,
                        f.map(|v| v.to_string()).unwrap_or_default(),
                        csv_field(&f.map(|x| input.describe(d, x)).unwrap_or_default())
                    ));
                    if let Some(mc) = &mc {
                        let ds = &mc.distributions[mi][d];
                        let o = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
                        out.push_str(&format!(
                            ",{},{},{},{},{},{},{},{}",
                            o(ds.mean),
                            o(ds.median),
                            o(ds.p5),
                            o(ds.p25),
                            o(ds.p75),
                            o(ds.p95),
                            o(ds.threshold),
                            o(ds.p_at_or_above)
                        ));
                    }
                    out.push('\n');
                }
            }
            write_stdout(&out)
        }
        Format::Table => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "{}",
                if p.title.is_empty() {
                    "Forecast"
                } else {
                    &p.title
                }
            );
            let mut t = table();
            let mut header = vec!["Issue", "Model", "Forecast", "Nearest anchor / meaning"];
            if mc.is_some() {
                header.extend(["MC median [5%–95%]", "P(≥ threshold)"]);
            }
            t.set_header(header);
            for d in 0..p.issues.len() {
                for (mi, name) in names.iter().enumerate() {
                    let f = &results[mi][d];
                    let mut row = vec![
                        if mi == 0 {
                            p.issues[d].title.clone()
                        } else {
                            String::new()
                        },
                        model_label(name).to_string(),
                        f.forecast
                            .map(|v| format!("{v:.1}"))
                            .unwrap_or_else(|| "—".into()),
                        f.forecast
                            .map(|x| input.describe(d, x))
                            .unwrap_or_else(|| "no participants".into()),
                    ];
                    if let Some(mc) = &mc {
                        let ds = &mc.distributions[mi][d];
                        row.push(match (ds.median, ds.p5, ds.p95) {
                            (Some(m), Some(a), Some(b)) => format!("{m:.1} [{a:.1}–{b:.1}]"),
                            _ => "—".into(),
                        });
                        row.push(match (ds.threshold, ds.p_at_or_above) {
                            (Some(t), Some(pr)) => format!("{:.0}% (≥ {t})", pr * 100.0),
                            _ => "—".into(),
                        });
                    }
                    t.add_row(row);
                }
            }
            let _ = writeln!(o, "{t}");
            // Round-by-round medians of the iterative models.
            for (mi, name) in names.iter().enumerate() {
                for d in 0..p.issues.len() {
                    let f = &results[mi][d];
                    if *name == "eum" && f.rounds.len() > 1 {
                        // Runs of the same (rounded) value are shown once with a count.
                        let mut traj: Vec<(String, usize)> = Vec::new();
                        for r in &f.rounds {
                            let v = format!("{:.1}", r.median);
                            match traj.last_mut() {
                                Some((last, k)) if *last == v => *k += 1,
                                _ => traj.push((v, 1)),
                            }
                        }
                        let items: Vec<String> = traj
                            .iter()
                            .map(|(v, k)| {
                                if *k > 1 {
                                    format!("{v} (×{k})")
                                } else {
                                    v.clone()
                                }
                            })
                            .collect();
                        let shown = if items.len() > 14 {
                            format!(
                                "{} → … → {}",
                                items[..8].join(" → "),
                                items[items.len() - 4..].join(" → ")
                            )
                        } else {
                            items.join(" → ")
                        };
                        let _ = writeln!(
                            o,
                            "EUM median by round (round 0 = stated positions), {}: {shown}",
                            p.issues[d].id
                        );
                    } else if name.starts_with("smp") && f.rounds.len() > 1 {
                        let _ = writeln!(
                            o,
                            "SMP on {}: {} rounds of bargaining",
                            p.issues[d].id,
                            f.rounds.len() - 1
                        );
                    }
                    for n in &f.notes {
                        let _ =
                            writeln!(o, "note ({}, {}): {n}", model_label(name), p.issues[d].id);
                    }
                }
            }
            if let Some(mc) = &mc {
                let _ = writeln!(o, "Monte Carlo: {} runs, seed {}", mc.runs, args.seed);
            }
            if args.trace {
                if let Some(mi) = names.iter().position(|n| *n == "eum") {
                    for d in 0..p.issues.len() {
                        print_trace(&mut o, p, d, &results[mi][d]);
                    }
                }
            }
            if let Some(tor) = &tornado {
                for (d, bars) in tor.iter().enumerate() {
                    print_tornado(&mut o, p, d, bars, names[0]);
                }
            }
            write_stdout(&o)
        }
    }
}

/// Display name of a model.
pub fn model_label(name: &str) -> &'static str {
    match name {
        "mean" => "Compromise (weighted mean)",
        "median" => "Weighted median",
        "eum" => "Expected utility (EUM)",
        "smp" => "Spatial model (SMP)",
        "smp-detente" => "Spatial model (detente)",
        "nash" => "Nash bargaining",
        _ => "?",
    }
}

/// The EUM round by round: each participant's position (up to 12 actors), the median and mean,
/// and the risk exponents and pairwise classification behind the next move.
fn print_trace(o: &mut String, p: &Problem, d: usize, f: &IssueForecast) {
    use detente_forecast::Interaction;
    if f.rounds.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nEUM round by round, {}:", p.issues[d].title);
    let show_actors = f.actors.len() <= 12;
    let mut t = table();
    let mut h = vec!["Round".to_string()];
    if show_actors {
        h.extend(f.actors.iter().map(|&a| p.actors[a].name.clone()));
    }
    h.extend(
        [
            "Median",
            "Mean",
            "Conflict / compromise / compel / status quo",
        ]
        .map(String::from),
    );
    t.set_header(h);
    for r in &f.rounds {
        let mut row = vec![r.round.to_string()];
        if show_actors {
            row.extend(r.positions.iter().map(|x| format!("{x:.2}")));
        }
        row.push(format!("{:.2}", r.median));
        row.push(format!("{:.2}", r.mean));
        let count = |k: Interaction| r.pairs.iter().filter(|pr| pr.kind == k).count();
        row.push(if r.pairs.is_empty() {
            String::new()
        } else {
            format!(
                "{} / {} / {} / {}",
                count(Interaction::Conflict),
                count(Interaction::Compromise),
                count(Interaction::Compel),
                count(Interaction::StatusQuo)
            )
        });
        t.add_row(row);
    }
    let _ = writeln!(o, "{t}");
    if let Some(r0) = f.rounds.first().filter(|r| !r.risk.is_empty()) {
        let risks: Vec<String> = f
            .actors
            .iter()
            .zip(&r0.risk)
            .map(|(&a, r)| format!("{} {r:.2}", p.actors[a].name))
            .collect();
        let _ = writeln!(
            o,
            "Risk exponents r_i behind the round-0 moves (0.5 to 2): {}",
            risks.join(", ")
        );
    }
}

fn tornado_json(p: &Problem, bars: &[TornadoBar]) -> Value {
    Value::Array(
        bars.iter()
            .map(|b| {
                json!({
                    "actor": p.actors[b.actor].id, "field": b.field, "low": b.low, "high": b.high,
                    "base": b.base, "swing": b.swing,
                })
            })
            .collect(),
    )
}

fn print_tornado(o: &mut String, p: &Problem, d: usize, bars: &[TornadoBar], model: &str) {
    if bars.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nSensitivity of {} on {} (base {:.1}):",
        model_label(model),
        p.issues[d].title,
        bars[0].base
    );
    let mut t = table();
    t.set_header(vec![
        "Actor",
        "Input",
        "Forecast at −step",
        "Forecast at +step",
        "Swing",
        "",
    ]);
    let max = bars.iter().map(|b| b.swing).fold(0.0, f64::max);
    for b in bars.iter().take(10) {
        let width = if max > 0.0 {
            (b.swing / max * 20.0).round() as usize
        } else {
            0
        };
        t.add_row(vec![
            p.actors[b.actor].name.clone(),
            b.field.to_string(),
            b.low
                .map(|v| format!("{v:.1}"))
                .unwrap_or_else(|| "—".into()),
            b.high
                .map(|v| format!("{v:.1}"))
                .unwrap_or_else(|| "—".into()),
            format!("{:.1}", b.swing),
            "█".repeat(width),
        ]);
    }
    let _ = writeln!(o, "{t}");
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn progress_bar(n: u64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(n);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs ({eta} left)")
    {
        b.set_style(style);
    }
    Some(b)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG chart: one panel per issue with every actor's position by round (grey), the median
/// (bold) and the mean (dashed) of the first iterative model selected (EUM, else SMP), and the
/// final forecast of each other model as a tick on the right.
pub fn svg_trajectories(input: &Input, names: &[&str], results: &[Vec<IssueForecast>]) -> String {
    let p = &input.problem;
    let (w, ph, ml, mr, mt) = (760.0, 220.0, 60.0, 190.0, 30.0);
    let nd = p.issues.len();
    let height = mt + nd as f64 * (ph + 40.0) + 10.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{ml}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        xml_escape(if p.title.is_empty() { "Forecast trajectories" } else { &p.title })
    );
    let iter_model = names
        .iter()
        .position(|n| *n == "eum")
        .or_else(|| names.iter().position(|n| *n == "smp"));
    let colours = ["#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"];
    for d in 0..nd {
        let top = mt + d as f64 * (ph + 40.0) + 20.0;
        let info = &p.issues[d];
        let (lo, hi) = if info.hi > info.lo {
            (info.lo, info.hi)
        } else {
            (info.lo - 1.0, info.lo + 1.0)
        };
        let rounds = iter_model.map(|m| &results[m][d].rounds);
        let nr = rounds.map(|r| r.len()).unwrap_or(1).max(2) - 1;
        let pw = w - ml - mr;
        let xr = |k: usize| ml + pw * k as f64 / nr as f64;
        let yv = |v: f64| top + ph - ph * (v - lo) / (hi - lo);
        s.push_str(&format!(
            "<text x=\"{ml}\" y=\"{}\" font-weight=\"bold\">{}</text>\n<rect x=\"{ml}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#999\"/>\n",
            top - 5.0,
            xml_escape(&info.title)
        ));
        for frac in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let v = lo + frac * (hi - lo);
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                ml - 5.0,
                yv(v) + 4.0,
                (v * 10.0).round() / 10.0
            ));
        }
        for k in 0..=nr {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{k}</text>\n",
                xr(k),
                top + ph + 14.0
            ));
        }
        if let Some(rounds) = rounds {
            let n_act = rounds.first().map(|r| r.positions.len()).unwrap_or(0);
            for a in 0..n_act {
                let pts: Vec<String> = rounds
                    .iter()
                    .enumerate()
                    .map(|(k, r)| format!("{:.2},{:.2}", xr(k), yv(r.positions[a])))
                    .collect();
                s.push_str(&format!(
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"#bbb\" stroke-width=\"1\"/>\n",
                    pts.join(" ")
                ));
            }
            let med: Vec<String> = rounds
                .iter()
                .enumerate()
                .map(|(k, r)| format!("{:.2},{:.2}", xr(k), yv(r.median)))
                .collect();
            let mean: Vec<String> = rounds
                .iter()
                .enumerate()
                .map(|(k, r)| format!("{:.2},{:.2}", xr(k), yv(r.mean)))
                .collect();
            s.push_str(&format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"3\"/>\n",
                med.join(" ")
            ));
            s.push_str(&format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n",
                mean.join(" ")
            ));
            let m = iter_model.unwrap();
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" fill=\"#1f77b4\">{} median</text>\n<text x=\"{}\" y=\"{}\" fill=\"#ff7f0e\">{} mean</text>\n",
                ml + pw + 10.0,
                top + 12.0,
                names[m],
                ml + pw + 10.0,
                top + 26.0,
                names[m]
            ));
        }
        let mut row = 0;
        for (mi, name) in names.iter().enumerate() {
            if Some(mi) == iter_model {
                continue;
            }
            if let Some(v) = results[mi][d].forecast {
                let c = colours[row % colours.len()];
                s.push_str(&format!(
                    "<line x1=\"{}\" x2=\"{}\" y1=\"{y:.2}\" y2=\"{y:.2}\" stroke=\"{c}\" stroke-width=\"3\"/>\n<text x=\"{}\" y=\"{}\" fill=\"{c}\">{name}: {:.1}</text>\n",
                    ml + pw - 12.0,
                    ml + pw,
                    ml + pw + 10.0,
                    top + 44.0 + 14.0 * row as f64,
                    v,
                    y = yv(v)
                ));
                row += 1;
            }
        }
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">round</text>\n",
            ml + pw / 2.0,
            top + ph + 28.0
        ));
    }
    s.push_str("</svg>\n");
    s
}
