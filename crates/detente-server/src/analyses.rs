//! The analyses a run can perform, calling the model crates as libraries.
//!
//! Each takes the loaded scenario and the run's options (JSON) and returns a JSON result whose
//! shape is documented in `docs/serve.md` and the OpenAPI document.

use crate::jobs::Progress;
use detente_scenario::Scenario;
use serde_json::{json, Value};

/// An analysis a run can perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    Forecast,
    Deals,
    Simulate,
    Tournament,
    Report,
}

impl Analysis {
    pub const ALL: [(&'static str, Analysis); 5] = [
        ("forecast", Analysis::Forecast),
        ("deals", Analysis::Deals),
        ("simulate", Analysis::Simulate),
        ("tournament", Analysis::Tournament),
        ("report", Analysis::Report),
    ];

    pub fn parse(name: &str) -> Result<Analysis, String> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
                let hint = detente_scenario::did_you_mean(name, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!(
                    "unknown analysis `{name}`{hint}; choose one of {}",
                    names.join(", ")
                )
            })
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// Check a run's options before it is queued, so a bad request gets a 400 at once.
pub fn check_options(analysis: Analysis, options: &Value) -> Result<(), String> {
    if !(options.is_object() || options.is_null()) {
        return Err("`options` must be a JSON object".into());
    }
    let (_, rest) = split_as_of(options)?;
    let options = &rest;
    match analysis {
        Analysis::Forecast => ForecastOptions::from_json(options).map(|_| ()),
        Analysis::Deals => DealsOptions::from_json(options).map(|_| ()),
        Analysis::Simulate => SimulateOptions::from_json(options).map(|_| ()),
        Analysis::Tournament => TournamentOptions::from_json(options).map(|_| ()),
        Analysis::Report => report_options(options).map(|_| ()),
    }
}

/// Run an analysis. Long analyses call `progress.set` and stop early when
/// `progress.is_cancelled()`.
pub fn run(
    analysis: Analysis,
    scenario: &Scenario,
    options: &Value,
    progress: &Progress,
) -> Result<Value, String> {
    let (as_of, rest) = split_as_of(options)?;
    let dated;
    let scenario = match &as_of {
        Some(d) => {
            dated = scenario.at(d)?;
            &dated
        }
        None => scenario,
    };
    let mut out = run_at(analysis, scenario, &rest, progress)?;
    if let (Some(m), Some(d)) = (out.as_object_mut(), &scenario.meta.as_of) {
        m.insert("as_of".into(), json!(d));
    }
    Ok(out)
}

/// `as_of` (any analysis): run on the scenario as of that date (`Scenario::at`); the other
/// options are the analysis's own.
fn split_as_of(options: &Value) -> Result<(Option<String>, Value), String> {
    let mut rest = options.clone();
    let Some(m) = rest.as_object_mut() else {
        return Ok((None, rest));
    };
    match m.remove("as_of") {
        None | Some(Value::Null) => Ok((None, rest)),
        Some(Value::String(d)) if detente_scenario::history::is_date(&d) => Ok((Some(d), rest)),
        Some(v) => Err(format!("`as_of` is {v}; write a date as \"YYYY-MM-DD\"")),
    }
}

fn run_at(
    analysis: Analysis,
    scenario: &Scenario,
    options: &Value,
    progress: &Progress,
) -> Result<Value, String> {
    match analysis {
        Analysis::Forecast => forecast(scenario, &ForecastOptions::from_json(options)?, progress),
        Analysis::Deals => deals(scenario, &DealsOptions::from_json(options)?, progress),
        Analysis::Simulate => simulate(scenario, &SimulateOptions::from_json(options)?, progress),
        Analysis::Tournament => {
            tournament(scenario, &TournamentOptions::from_json(options)?, progress)
        }
        Analysis::Report => report(scenario, &report_options(options)?, progress),
    }
}

fn unknown_keys(options: &Value, known: &[&str]) -> Result<(), String> {
    if let Some(m) = options.as_object() {
        for k in m.keys() {
            if !known.contains(&k.as_str()) {
                let hint = detente_scenario::did_you_mean(k, known.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown option `{k}`{hint}; known: {}",
                    known.join(", ")
                ));
            }
        }
    }
    Ok(())
}

fn opt_u64(options: &Value, key: &str, default: u64, max: u64) -> Result<u64, String> {
    match options.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_u64() {
            Some(n) if n <= max => Ok(n),
            _ => Err(format!("`{key}` must be a whole number from 0 to {max}")),
        },
    }
}

fn opt_str<'a>(
    options: &'a Value,
    key: &str,
    default: &'a str,
    allowed: &[&str],
) -> Result<&'a str, String> {
    match options.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(s),
        Some(v) => Err(format!(
            "`{key}` is {v}; choose one of {}",
            allowed.join(", ")
        )),
    }
}

/// The name of the EUM preset `EumOptions::default()` is, so the server and `detente forecast`
/// agree by default.
fn default_preset() -> &'static str {
    use detente_forecast::eum::{EumOptions, PRESETS};
    PRESETS
        .iter()
        .copied()
        .find(|p| EumOptions::preset(p) == Some(EumOptions::default()))
        .unwrap_or(PRESETS[0])
}

/// Options of the `forecast` analysis.
#[derive(Debug, Clone)]
pub struct ForecastOptions {
    /// The model the charts and the "change" column follow (`eum`, `median`, `mean`, `smp`, `nash`).
    pub primary: String,
    /// EUM preset (one of `detente_forecast::eum::PRESETS`; default: the library's default).
    pub preset: String,
    /// Monte Carlo draws over the stances' uncertainty ranges (0 = none).
    pub draws: u64,
    pub seed: u64,
}

impl ForecastOptions {
    pub fn from_json(o: &Value) -> Result<Self, String> {
        unknown_keys(o, &["model", "preset", "draws", "seed"])?;
        Ok(ForecastOptions {
            primary: opt_str(o, "model", "eum", detente_forecast::MODEL_NAMES)?.to_string(),
            preset: opt_str(
                o,
                "preset",
                default_preset(),
                detente_forecast::eum::PRESETS,
            )?
            .to_string(),
            draws: opt_u64(o, "draws", 200, 5000)?,
            seed: opt_u64(o, "seed", 1, u64::MAX)?,
        })
    }
}

/// The forecast: each scale issue under every model of `detente-forecast` (EUM, weighted
/// median, compromise, SMP, Nash), the primary model's round-by-round trace, and Monte Carlo
/// bands from the stances' `position_range` / `salience_range`, drawn exactly as
/// `detente forecast` draws them (`montecarlo::perturb`: triangular on the range with the
/// stated value as mode, draw `t` on ChaCha8 stream `t` of `seed`), so the same seed gives the
/// same numbers as the command line. The band per round follows the primary model's median.
pub fn forecast(
    scenario: &Scenario,
    o: &ForecastOptions,
    progress: &Progress,
) -> Result<Value, String> {
    use detente_forecast::montecarlo::{self, NoiseSpec};
    use detente_forecast::{build_model, ModelConfig, MODEL_NAMES};

    let conv = detente_forecast::io::from_scenario(scenario);
    let problem = &conv.problem;
    if problem.issues.is_empty() {
        return Err(
            "the scenario has no scale issue with positions and saliences to forecast".into(),
        );
    }
    let eum = detente_forecast::eum::EumOptions::preset(&o.preset).ok_or("unknown EUM preset")?;
    let cfg = ModelConfig {
        eum,
        ..Default::default()
    };
    let models: Vec<(&str, Box<dyn detente_forecast::Model>)> = MODEL_NAMES
        .iter()
        .filter_map(|n| build_model(n, &cfg).map(|m| (*n, m)))
        .collect();
    let primary = models
        .iter()
        .position(|(n, _)| *n == o.primary)
        .ok_or("unknown model")?;
    let n_issues = problem.issues.len();
    let total_steps = (models.len() as u64 + o.draws).max(1) as f64;
    let mut full = Vec::new();
    for (k, (_, m)) in models.iter().enumerate() {
        if progress.is_cancelled() {
            return Err("cancelled".into());
        }
        full.push(m.forecast(problem));
        progress.set((k + 1) as f64 / total_steps);
    }
    let mut issues_out = Vec::new();
    for d in 0..n_issues {
        let info = &problem.issues[d];
        let mut forecasts = serde_json::Map::new();
        for (k, (name, _)) in models.iter().enumerate() {
            forecasts.insert(
                (*name).into(),
                json!(full[k].get(d).and_then(|f| f.forecast)),
            );
        }
        let main = &full[primary][d];
        let issue = &scenario.issues[conv.scenario_issue[d]];
        let words = main
            .forecast
            .map(|x| issue.describe(detente_scenario::Position::Scale((x * 10.0).round() / 10.0)));
        issues_out.push(json!({
            "issue": info.id,
            "title": info.title,
            "status_quo": info.status_quo,
            "outcome": info.outcome,
            "forecasts": forecasts,
            "words": words,
            "actors": main.actors.iter().map(|&a| problem.actors[a].id.clone()).collect::<Vec<_>>(),
            "rounds": main.rounds.iter().map(|r| json!({"round": r.round, "positions": r.positions, "median": r.median, "mean": r.mean})).collect::<Vec<_>>(),
            "notes": main.notes,
        }));
    }
    // Monte Carlo over the stated uncertainty ranges.
    let has_ranges = !conv.ranges.is_empty();
    if o.draws > 0 && has_ranges {
        let spec = NoiseSpec::default();
        let model = &models[primary].1;
        let mut finals: Vec<Vec<f64>> = vec![Vec::new(); n_issues];
        let mut per_round: Vec<Vec<Vec<f64>>> = vec![Vec::new(); n_issues];
        for t in 0..o.draws {
            if progress.is_cancelled() {
                return Err("cancelled".into());
            }
            let q = montecarlo::perturb(problem, &conv.ranges, &spec, o.seed, t);
            for (d, f) in model.forecast(&q).into_iter().enumerate().take(n_issues) {
                finals[d].push(f.forecast.unwrap_or(f64::NAN));
                for (r, round) in f.rounds.iter().enumerate() {
                    if per_round[d].len() <= r {
                        per_round[d].push(Vec::new());
                    }
                    per_round[d][r].push(round.median);
                }
            }
            progress.set((models.len() as u64 + t + 1) as f64 / total_steps);
        }
        for d in 0..n_issues {
            let dist = montecarlo::summarise(&finals[d], None);
            if dist.runs > 0 {
                issues_out[d]["band"] = json!({"p05": dist.p5, "p25": dist.p25, "p50": dist.median, "p75": dist.p75, "p95": dist.p95, "draws": dist.runs});
            }
            let rounds: Vec<Value> = per_round[d]
                .iter()
                .enumerate()
                .map(|(r, v)| {
                    let s = montecarlo::summarise(v, None);
                    json!({"round": r, "p05": s.p5, "p50": s.median, "p95": s.p95, "draws": s.runs})
                })
                .collect();
            if !rounds.is_empty() {
                issues_out[d]["band_rounds"] = json!(rounds);
            }
        }
    }
    let skipped: Vec<&str> = scenario
        .issues
        .iter()
        .filter(|i| !i.is_scale())
        .map(|i| i.id.as_str())
        .collect();
    let mut note = format!(
        "Models: {} (EUM preset {}); weights are capability × salience. ",
        models
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", "),
        o.preset
    );
    if o.draws > 0 && has_ranges {
        note.push_str(&format!(
            "Monte Carlo: {} draws of positions and saliences within the stated ranges (triangular, mode at the stated value), seed {}. ",
            o.draws, o.seed
        ));
    } else if o.draws > 0 {
        note.push_str("No stance states an uncertainty range, so there is no Monte Carlo band. ");
    }
    if !skipped.is_empty() {
        note.push_str(&format!(
            "Options issues are not forecast by these models: {}.",
            skipped.join(", ")
        ));
    }
    Ok(json!({
        "primary": o.primary,
        "models": models.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "preset": o.preset,
        "draws": o.draws,
        "seed": o.seed,
        "issues": issues_out,
        "note": note.trim(),
    }))
}

fn opt_step(o: &Value) -> Result<Option<f64>, String> {
    match o.get("step") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(x) if x > 0.0 && x <= 100.0 => Ok(Some(x)),
            _ => Err("`step` must be a number in (0, 100]".into()),
        },
    }
}

fn domain_of(scenario: &Scenario, step: Option<f64>) -> Result<detente_space::Domain, String> {
    let opts = detente_space::DiscretiseOptions {
        step,
        ..Default::default()
    };
    detente_space::Domain::from_scenario(scenario, &opts).map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn actor_name(scenario: &Scenario, id: &str) -> String {
    scenario
        .actors
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// Options of the `deals` analysis.
#[derive(Debug, Clone)]
pub struct DealsOptions {
    pub top: usize,
    pub by: detente_deals::Criterion,
    /// Scale issues: a point every `step` instead of the anchors.
    pub step: Option<f64>,
    /// Packages drawn at random (seeded) for the scatter, besides the frontier and the top.
    pub sample: u64,
    pub seed: u64,
}

impl DealsOptions {
    pub fn from_json(o: &Value) -> Result<Self, String> {
        unknown_keys(o, &["top", "by", "step", "sample", "seed"])?;
        let by = opt_str(o, "by", "nash", &["nash", "welfare", "egalitarian"])?;
        let by = detente_deals::Criterion::ALL
            .iter()
            .find(|(n, _)| *n == by)
            .map(|(_, c)| *c)
            .ok_or("bad criterion")?;
        Ok(DealsOptions {
            top: opt_u64(o, "top", 10, 100)? as usize,
            by,
            step: opt_step(o)?,
            sample: opt_u64(o, "sample", 1500, 20000)?,
            seed: opt_u64(o, "seed", 1, u64::MAX)?,
        })
    }
}

/// The deal space: packages (Pareto frontier, top packages, bargaining solutions, and a seeded
/// random sample of the whole space for the scatter), the zone of agreement and the blockers.
pub fn deals(scenario: &Scenario, o: &DealsOptions, progress: &Progress) -> Result<Value, String> {
    use rand::{RngExt, SeedableRng};
    let domain = domain_of(scenario, o.step)?;
    progress.set(0.05);
    let opts = detente_deals::DealOptions {
        top: o.top,
        by: o.by,
        conditionals: domain.conditional_red_lines(scenario),
        ..Default::default()
    };
    let a = detente_deals::analyse(&domain, &opts).map_err(|e| e.to_string())?;
    if progress.is_cancelled() {
        return Err("cancelled".into());
    }
    progress.set(0.8);
    let space = &domain.space;
    let acceptable = |out: &[u32]| {
        domain
            .parties
            .iter()
            .all(|p| p.utility.acceptable(out) && p.utility.utility(out) >= p.utility.reservation)
    };
    let mut index_of: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut packages: Vec<Value> = Vec::new();
    let mut add = |index: u64, outcome: &[u32], utilities: &[f64], pareto: bool| -> usize {
        if let Some(&i) = index_of.get(&index) {
            if pareto {
                packages[i]["pareto"] = json!(true);
            }
            return i;
        }
        let i = packages.len();
        packages.push(
            json!({"index": index, "label": space.describe(outcome), "utilities": utilities,
                             "acceptable": acceptable(outcome), "pareto": pareto}),
        );
        index_of.insert(index, i);
        i
    };
    for p in &a.pareto {
        add(p.index, &p.outcome, &p.utilities, true);
    }
    let top: Vec<usize> = a
        .top
        .iter()
        .map(|s| {
            add(
                s.package.index,
                &s.package.outcome,
                &s.package.utilities,
                false,
            )
        })
        .collect();
    let mut solutions = serde_json::Map::new();
    for (name, p) in [
        ("nash", &a.nash),
        ("egalitarian", &a.egalitarian),
        ("kalai-smorodinsky", &a.kalai_smorodinsky),
        ("max welfare", &a.max_welfare),
    ] {
        if let Some(p) = p {
            solutions.insert(
                name.into(),
                json!(add(p.index, &p.outcome, &p.utilities, false)),
            );
        }
    }
    let n = space.cardinality();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(o.seed);
    if n > 0 {
        for _ in 0..o.sample.min(n) {
            let idx = rng.random_range(0..n);
            let out = space.outcome_at(idx);
            let u = domain.utilities(&out);
            add(idx, &out, &u, false);
        }
    }
    let issue_name = |i: usize| {
        space
            .issues
            .get(i)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let blockers: Vec<Value> = a
        .blockers
        .iter()
        .filter(|b| b.rejects > 0 || b.below_reservation > 0)
        .map(|b| {
            let who = actor_name(scenario, &a.parties[b.party]);
            let why: Vec<String> = b
                .red_lines
                .iter()
                .map(|r| {
                    let vals: Vec<String> = r.rejected_values.iter().map(|&v| space.issues[r.issue].values.get(v as usize).cloned().unwrap_or_default()).collect();
                    format!("red line on {}: rejects {} ({} packages)", issue_name(r.issue), vals.join(" / "), r.packages)
                })
                .collect();
            json!({"actor": who, "blocks": format!("{} of {} packages ({} by it alone); {} below its reservation value", b.rejects, a.outcomes, b.sole, b.below_reservation), "why": why.join("; ")})
        })
        .collect();
    let relaxations: Vec<Value> = a
        .relaxations
        .iter()
        .map(|r| json!({"actors": r.actors.iter().map(|&i| actor_name(scenario, &a.parties[i])).collect::<Vec<_>>(), "opens": r.opens, "moves": r.moves.iter().map(|m| format!("{} moves its red line on {}", actor_name(scenario, &a.parties[m.party]), issue_name(m.issue))).collect::<Vec<_>>()}))
        .collect();
    let actors: Vec<Value> = a
        .parties
        .iter()
        .map(|id| json!({"id": id, "name": actor_name(scenario, id)}))
        .collect();
    let note = format!(
        "{} packages in the space, {} acceptable to every veto player (no red line crossed, every reservation value met); Pareto frontier of the zone: {} points; top packages by {}. The scatter shows the frontier, the top packages, the solutions and {} packages drawn at random (seed {}).",
        a.outcomes, a.acceptable, a.pareto.len(), o.by.as_str(), o.sample.min(n), o.seed
    );
    Ok(json!({
        "actors": actors, "outcomes": a.outcomes, "acceptable": a.acceptable, "disagreement": a.disagreement,
        "packages": packages, "top": top, "solutions": solutions, "blockers": blockers,
        "relaxations": relaxations, "by": o.by.as_str(), "note": note,
        "issues": space.issues.iter().map(|i| i.name.clone()).collect::<Vec<_>>(),
    }))
}

/// Options of the `report` analysis: `monte_carlo` (runs, default 1000, at most 5000), `deals`
/// (include the deal space, default true), `seed` (default 0, as `detente report`).
pub fn report_options(o: &Value) -> Result<detente_report::ReportOptions, String> {
    unknown_keys(o, &["monte_carlo", "deals", "seed"])?;
    let deals = match o.get("deals") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("`deals` must be true or false".into()),
    };
    let d = detente_report::ReportOptions::default();
    Ok(detente_report::ReportOptions {
        monte_carlo: opt_u64(o, "monte_carlo", d.monte_carlo as u64, 5000)? as usize,
        seed: opt_u64(o, "seed", d.seed, u64::MAX)?,
        deals,
        generator: format!("detente serve {}", env!("CARGO_PKG_VERSION")),
        ..d
    })
}

/// The self-contained HTML report of `detente report` (detente-report), as a string.
pub fn report(
    scenario: &Scenario,
    o: &detente_report::ReportOptions,
    progress: &Progress,
) -> Result<Value, String> {
    progress.set(0.05);
    let doc = detente_report::build(scenario, o);
    if progress.is_cancelled() {
        return Err("cancelled".into());
    }
    let html = detente_report::render::html(&doc);
    Ok(
        json!({"html": html, "bytes": html.len(), "monte_carlo": o.monte_carlo, "deals": o.deals, "seed": o.seed}),
    )
}

fn negotiator_list(
    o: &Value,
    key: &str,
    default: &[&str],
) -> Result<Vec<detente_simulate::NegotiatorSpec>, String> {
    let names: Vec<String> = match o.get(key) {
        None | Some(Value::Null) => default.iter().map(|s| s.to_string()).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}` must be a list of negotiator names"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(format!(
                "`{key}` must be a list of negotiator names, e.g. [\"boulware\", \"nash\"]"
            ))
        }
    };
    names
        .iter()
        .map(|n| detente_simulate::NegotiatorSpec::parse(n))
        .collect()
}

fn opt_rounds(o: &Value) -> Result<u32, String> {
    let r = opt_u64(o, "rounds", 100, 10_000)?;
    if r == 0 {
        return Err("`rounds` must be at least 1".into());
    }
    Ok(r as u32)
}

/// Options of the `simulate` analysis.
#[derive(Debug, Clone)]
pub struct SimulateOptions {
    /// One per party (veto player, in scenario order); empty = `boulware` for every party.
    pub negotiators: Vec<detente_simulate::NegotiatorSpec>,
    pub rounds: u32,
    pub seed: u64,
    pub step: Option<f64>,
}

impl SimulateOptions {
    pub fn from_json(o: &Value) -> Result<Self, String> {
        unknown_keys(o, &["negotiators", "rounds", "seed", "step"])?;
        Ok(SimulateOptions {
            negotiators: negotiator_list(o, "negotiators", &[])?,
            rounds: opt_rounds(o)?,
            seed: opt_u64(o, "seed", 1, u64::MAX)?,
            step: opt_step(o)?,
        })
    }
}

/// One negotiation under the stacked alternating offers protocol, with its full trace.
pub fn simulate(
    scenario: &Scenario,
    o: &SimulateOptions,
    progress: &Progress,
) -> Result<Value, String> {
    let domain = domain_of(scenario, o.step)?;
    let arena = detente_simulate::arena_from_domain(&domain).map_err(|e| format!("{e:?}"))?;
    progress.set(0.2);
    let n = domain.parties.len();
    let specs = if o.negotiators.is_empty() {
        vec![detente_simulate::NegotiatorSpec::parse("boulware")?; n]
    } else {
        o.negotiators.clone()
    };
    if specs.len() != n {
        return Err(format!(
            "{} negotiator(s) given for {n} parties ({}); give one per party, in this order",
            specs.len(),
            domain
                .parties
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let refs: Vec<&detente_simulate::NegotiatorSpec> = specs.iter().collect();
    let config = detente_simulate::SaopConfig {
        rounds: Some(o.rounds),
        ..Default::default()
    };
    let r =
        detente_simulate::negotiate(&arena, &refs, &config, o.seed).map_err(|e| e.to_string())?;
    progress.set(0.9);
    let space = &domain.space;
    let describe = |out: u32| -> serde_json::Map<String, Value> {
        let vals = arena.decode(out);
        space
            .issues
            .iter()
            .zip(&vals)
            .map(|(i, &v)| {
                (
                    i.name.clone(),
                    json!(i.values.get(v as usize).cloned().unwrap_or_default()),
                )
            })
            .collect()
    };
    let parties: Vec<String> = domain
        .parties
        .iter()
        .map(|p| actor_name(scenario, &p.name))
        .collect();
    const MAX_STEPS: usize = 5000;
    let steps: Vec<Value> = r
        .trace
        .iter()
        .filter_map(|t| {
            let out = t.outcome?;
            Some(json!({"round": t.round, "proposer": parties[t.party], "response": format!("{:?}", t.action).to_lowercase(),
                        "offer": describe(out), "utilities": arena.utilities(out)}))
        })
        .take(MAX_STEPS)
        .collect();
    let summary = match r.agreement {
        Some(a) => format!(
            "Agreement in round {} of {}: {}",
            r.rounds,
            o.rounds,
            describe(a)
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        None => format!(
            "No agreement after {} rounds; every party gets its reservation value",
            r.rounds
        ),
    };
    Ok(json!({
        "parties": parties,
        "negotiators": specs.iter().map(|s| s.label.clone()).collect::<Vec<_>>(),
        "agreement": r.agreement.map(|a| json!({"offer": describe(a), "utilities": r.raw_utilities})),
        "utilities": r.utilities, "rounds": r.rounds, "turns": r.turns, "welfare": r.welfare,
        "pareto_distance": r.pareto_distance, "nash_distance": r.nash_distance,
        "steps": steps, "truncated": r.trace.len() > MAX_STEPS,
        "summary": summary,
        "note": format!("Stacked alternating offers, {} rounds at most, seed {}; negotiators: {}.", o.rounds, o.seed,
                        specs.iter().zip(&parties).map(|(s, p)| format!("{p} = {}", s.label)).collect::<Vec<_>>().join(", ")),
    }))
}

/// Options of the `tournament` analysis.
#[derive(Debug, Clone)]
pub struct TournamentOptions {
    pub negotiators: Vec<detente_simulate::NegotiatorSpec>,
    pub reps: u32,
    pub rounds: u32,
    pub seed: u64,
    pub step: Option<f64>,
}

impl TournamentOptions {
    pub fn from_json(o: &Value) -> Result<Self, String> {
        unknown_keys(o, &["negotiators", "reps", "rounds", "seed", "step"])?;
        let reps = opt_u64(o, "reps", 1, 1000)? as u32;
        if reps == 0 {
            return Err("`reps` must be at least 1".into());
        }
        Ok(TournamentOptions {
            negotiators: negotiator_list(
                o,
                "negotiators",
                &["boulware", "linear", "conceder", "nash"],
            )?,
            reps,
            rounds: opt_rounds(o)?,
            seed: opt_u64(o, "seed", 1, u64::MAX)?,
            step: opt_step(o)?,
        })
    }
}

/// Every assignment of the negotiators to the parties, `reps` times; per-negotiator summary.
pub fn tournament(
    scenario: &Scenario,
    o: &TournamentOptions,
    progress: &Progress,
) -> Result<Value, String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let domain = domain_of(scenario, o.step)?;
    let arena = detente_simulate::arena_from_domain(&domain).map_err(|e| format!("{e:?}"))?;
    let total =
        detente_simulate::tournament::run_count(o.negotiators.len(), domain.parties.len(), o.reps)
            .unwrap_or(u64::MAX);
    if total > 200_000 {
        return Err(format!("{total} negotiations is more than the server runs in one job (200000); use fewer negotiators or repetitions"));
    }
    let config = detente_simulate::TournamentConfig {
        reps: o.reps,
        seed: o.seed,
        saop: detente_simulate::SaopConfig {
            rounds: Some(o.rounds),
            ..Default::default()
        },
    };
    let done = AtomicU64::new(0);
    let tick = || {
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress.set(d as f64 / total.max(1) as f64);
    };
    let r = detente_simulate::run_tournament(&arena, &o.negotiators, &config, &tick)?;
    let agreements = r.runs.iter().filter(|x| x.agreement.is_some()).count();
    Ok(json!({
        "parties": domain.parties.iter().map(|p| actor_name(scenario, &p.name)).collect::<Vec<_>>(),
        "negotiators": o.negotiators.iter().map(|s| s.label.clone()).collect::<Vec<_>>(),
        "runs": r.runs.len(), "agreements": agreements, "summary": r.summary,
        "note": format!("{} negotiations ({} negotiators over {} parties, {} repetition(s)), {} rounds at most, seed {}.",
                        r.runs.len(), o.negotiators.len(), domain.parties.len(), o.reps, o.rounds, o.seed),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forecast_options_are_checked() {
        assert!(ForecastOptions::from_json(&json!({})).is_ok());
        assert!(ForecastOptions::from_json(&json!({"model": "nash?"})).is_err());
        let e = ForecastOptions::from_json(&json!({"drawz": 3})).unwrap_err();
        assert!(e.contains("did you mean `draws`"), "{e}");
        assert!(ForecastOptions::from_json(&json!({"draws": 100000})).is_err());
    }
}
