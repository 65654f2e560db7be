//! `detente advise INPUT --actor A`: the changes (A's own position or salience, or persuading
//! one other actor) that move the forecast most toward A's position, ranked by their mean
//! effect over Monte Carlo draws, each with the contest or bargain it works through. Never past
//! anyone's red line, never two contradictory changes (see `detente_forecast::advice`).

use super::forecast::{load_input, model_config, model_label, model_names};
use crate::common::{print_json, table, write_stdout, CliError, CmdResult, Format};
use detente_forecast::advice::{advise, AdviceOptions};
use detente_forecast::build_model;
use detente_forecast::montecarlo::NoiseSpec;
use detente_forecast::sensitivity::Change;
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario (.toml/.json), plain CSV, KTAB CSV or DEU CSV
    pub input: PathBuf,
    /// The actor to advise (id or name)
    #[arg(long)]
    pub actor: String,
    /// The model whose forecast is moved: mean, median, eum, smp or nash
    #[arg(long, default_value = "eum")]
    pub model: String,
    /// Only this issue (id)
    #[arg(long)]
    pub issue: Option<String>,
    /// Size of a change: positions and saliences in points, the own-position grid spacing
    #[arg(long, default_value_t = 10.0)]
    pub step: f64,
    /// How many pieces of advice to show
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// EUM preset (textbook, scholz2011, q05)
    #[arg(long)]
    pub preset: Option<String>,
    /// Rounds of the iterative models
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Monte Carlo draws each change is ranked on (stance ranges and --noise)
    #[arg(long, default_value_t = 100)]
    pub draws: usize,
    /// Seed of the draws
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Extra Monte Carlo noise, as for `forecast --noise`
    #[arg(long, value_name = "SPEC")]
    pub noise: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Most draws `advise` accepts (each change is evaluated on every draw).
const MAX_DRAWS: usize = 10_000;

pub fn run(args: Args) -> CmdResult {
    let input = load_input(&args.input)?;
    let p = &input.problem;
    let names = model_names(std::slice::from_ref(&args.model))?;
    if names.len() != 1 {
        return Err(CliError::bad_input(
            "advise works with one model; choose e.g. --model eum",
        ));
    }
    if !(args.step.is_finite() && args.step > 0.0) {
        return Err(CliError::bad_input("--step must be a positive number"));
    }
    let cfg = model_config(args.preset.as_deref(), &[], args.rounds)?;
    let model = build_model(names[0], &cfg).expect("known model");
    let a = p
        .actors
        .iter()
        .position(|x| x.id == args.actor)
        .or_else(|| {
            p.actors.iter().position(|x| {
                x.name.eq_ignore_ascii_case(&args.actor) || x.id.eq_ignore_ascii_case(&args.actor)
            })
        })
        .ok_or_else(|| {
            let ids: Vec<&str> = p.actors.iter().map(|x| x.id.as_str()).collect();
            let hint = detente_scenario::did_you_mean(&args.actor, ids.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            CliError::bad_input(format!(
                "{}: no actor `{}`{hint}; actors: {}",
                args.input.display(),
                args.actor,
                ids.join(", ")
            ))
        })?;
    let issue_filter = match &args.issue {
        Some(id) => Some(p.issues.iter().position(|i| &i.id == id).ok_or_else(|| {
            CliError::bad_input(format!(
                "no scale issue `{id}`; issues: {}",
                p.issues
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?),
        None => None,
    };
    if !(0..p.issues.len())
        .any(|d| p.stances[d][a].is_some() && issue_filter.map(|f| f == d).unwrap_or(true))
    {
        return Err(CliError::bad_input(format!(
            "actor `{}` takes no position on any {}scale issue, so there is nothing to advise",
            p.actors[a].id,
            if issue_filter.is_some() {
                "selected "
            } else {
                ""
            }
        )));
    }
    if args.draws > MAX_DRAWS {
        return Err(CliError::bad_input(format!(
            "--draws {}: at most {MAX_DRAWS} (every change is evaluated on every draw)",
            args.draws
        )));
    }
    let noise = match &args.noise {
        Some(n) => NoiseSpec::parse(n).map_err(|e| CliError::bad_input(format!("--noise: {e}")))?,
        None => NoiseSpec::default(),
    };
    let opts = AdviceOptions {
        step: args.step,
        draws: args.draws,
        seed: args.seed,
        noise,
    };
    // Ordered options issues: only their options' points can be announced or asked for.
    let points = match &input.scenario {
        Some(sc) => detente_forecast::headline::line_points(sc, &input.scenario_issue),
        None => Vec::new(),
    };
    let mut advice = advise(
        p,
        &input.ranges,
        model.as_ref(),
        names[0] == "smp",
        a,
        &opts,
        &points,
    );
    if let Some(f) = issue_filter {
        advice.retain(|x| x.issue == f);
    }
    advice.truncate(args.top);
    // A position in few words: the option id on an options line, else the number.
    let short = |d: usize, x: f64| -> String {
        let opts = input
            .scenario
            .as_ref()
            .map(|sc| sc.issues[input.scenario_issue[d]].options())
            .unwrap_or(&[]);
        if opts.is_empty() {
            format!("{x:.1}")
        } else {
            let k = detente_forecast::headline::nearest_option(x, opts.len());
            format!("`{}`", opts[k].id)
        }
    };
    let describe = |d: usize, c: &Change| -> String {
        match c {
            Change::OwnPosition { to } => {
                format!("announce position {}", short(d, *to))
            }
            Change::OwnSalience { to } => format!("set own salience to {to:.0}"),
            Change::PersuadePosition { actor, to } => {
                format!(
                    "persuade {} to move to {}",
                    p.actors[*actor].name,
                    short(d, *to)
                )
            }
            Change::PersuadeSalience { actor, to } => {
                format!("persuade {} to set salience {to:.0}", p.actors[*actor].name)
            }
        }
    };
    match args.format {
        Format::Json => {
            let items: Vec<_> = advice
                .iter()
                .map(|x| {
                    json!({
                        "issue": p.issues[x.issue].id, "change": x.change, "description": describe(x.issue, &x.change),
                        "forecast_before": x.forecast_before, "forecast_after": x.forecast_after,
                        "target": x.target, "gain": x.gain, "mean_gain": x.mean_gain,
                        "p_helps": x.p_helps, "through": x.through,
                    })
                })
                .collect();
            print_json(
                &json!({"actor": p.actors[a].id, "model": names[0], "step": args.step,
                        "draws": args.draws, "seed": args.seed, "advice": items}),
            )
        }
        Format::Csv => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "issue,change,forecast_before,forecast_after,target,gain,mean_gain,p_helps,through"
            );
            for x in &advice {
                let _ = writeln!(
                    o,
                    "{},\"{}\",{},{},{},{},{},{},\"{}\"",
                    p.issues[x.issue].id,
                    describe(x.issue, &x.change).replace('"', "\"\""),
                    x.forecast_before,
                    x.forecast_after,
                    x.target,
                    x.gain,
                    x.mean_gain,
                    x.p_helps,
                    x.through.replace('"', "\"\"")
                );
            }
            write_stdout(&o)
        }
        Format::Table => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "Advice for {} ({}): changes that bring the forecast closer to its position,\n\
                 ranked by the mean gain over {} Monte Carlo draws (seed {})",
                p.actors[a].name,
                model_label(names[0]),
                args.draws,
                args.seed
            );
            if advice.is_empty() {
                let _ = writeln!(
                    o,
                    "No change of size {} moves the forecast closer to {}'s position.",
                    args.step, p.actors[a].name
                );
                return write_stdout(&o);
            }
            let mut t = table();
            t.set_width(100);
            t.set_header(vec![
                "#",
                "Issue",
                "Change",
                "Forecast now → after (own)",
                "Closer by (mean over draws)",
                "Helps in",
            ]);
            for (k, x) in advice.iter().enumerate() {
                t.add_row(vec![
                    (k + 1).to_string(),
                    p.issues[x.issue].id.clone(),
                    describe(x.issue, &x.change),
                    format!(
                        "{:.1} → {:.1} ({:.0})",
                        x.forecast_before, x.forecast_after, x.target
                    ),
                    format!("{:.1} ({:.1})", x.gain, x.mean_gain),
                    format!("{:.0}% of draws", x.p_helps * 100.0),
                ]);
            }
            let _ = writeln!(o, "{t}");
            let mut how = String::new();
            for (k, x) in advice.iter().enumerate() {
                let _ = writeln!(how, "{}. works through {}", k + 1, x.through);
            }
            o.push_str(&super::headline::wrap(&how, 100));
            write_stdout(&o)
        }
    }
}
