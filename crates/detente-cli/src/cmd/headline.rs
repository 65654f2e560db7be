//! The headline of `detente forecast` on a scenario: running [`detente_forecast::headline`]
//! with the command's options, refusing drafts with nothing to forecast, and formatting the
//! headline as a table (≤ 100 columns) and as JSON. The analysis itself is the library's.

use super::forecast::Args;
use crate::common::{table, CliError};
use detente_forecast::headline::{self, Analysis, HeadlineOptions, IssueHeadline, Stability};
use detente_forecast::montecarlo::{self, Distribution, McResult, NoiseSpec};
use detente_forecast::ModelConfig;
use detente_scenario::Scenario;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Refuse (exit 2) a scenario where no issue has two actors with a position and a salience,
/// naming the stances that lack them.
pub fn refuse_if_nothing_to_forecast(s: &Scenario, file: &str) -> Result<(), CliError> {
    let ok = (0..s.issues.len()).any(|ii| {
        s.stances_on(ii)
            .filter(|st| st.position.is_some() && st.salience.is_some())
            .count()
            >= 2
    });
    if ok {
        return Ok(());
    }
    let all: Vec<String> = s
        .stances
        .iter()
        .filter(|st| st.position.is_none() || st.salience.is_none())
        .map(|st| format!("{} on {}", s.actors[st.actor].id, s.issues[st.issue].id))
        .collect();
    let mut drafts: Vec<String> = all.iter().take(20).cloned().collect();
    if all.len() > 20 {
        drafts.push(format!("and {} more", all.len() - 20));
    }
    Err(CliError::bad_input(format!(
        "{file}: nothing to analyse: no issue has two actors with both a position and a salience{}; \
         set `position` and `salience` on these stances by hand (an extracted draft leaves them empty)",
        if drafts.is_empty() {
            String::new()
        } else {
            format!(" (stances without them: {})", drafts.join(", "))
        }
    )))
}

/// For the analyses of a scenario (deals, simulate): refuse one with nothing positioned (see
/// [`refuse_if_nothing_to_forecast`]) and warn on stderr about stances without a position.
pub fn check_drafts(s: &Scenario, path: &std::path::Path) -> Result<(), CliError> {
    let file = path.display().to_string();
    refuse_if_nothing_to_forecast(s, &file)?;
    let drafts: Vec<String> = s
        .stances
        .iter()
        .filter(|st| st.position.is_none() || st.salience.is_none())
        .map(|st| format!("{} on {}", s.actors[st.actor].id, s.issues[st.issue].id))
        .collect();
    if !drafts.is_empty() {
        eprintln!(
            "{file}: warning: {} stance(s) without a position or salience count as indifferent: {}",
            drafts.len(),
            drafts.join(", ")
        );
    }
    Ok(())
}

/// Run the headline analysis with the options of `detente forecast`.
pub fn analyse_for_cli(
    s: &Scenario,
    args: &Args,
    names: &[&'static str],
    cfg: ModelConfig,
    max_samples: usize,
) -> Result<Analysis, CliError> {
    refuse_if_nothing_to_forecast(s, &args.input.display().to_string())?;
    let draws = args.monte_carlo.unwrap_or(headline::DEFAULT_DRAWS);
    let nd = s.issues.len().max(1);
    if draws == 0 {
        return Err(CliError::bad_input("--monte-carlo needs at least 1 run"));
    }
    if draws > headline::MAX_DRAWS || draws.saturating_mul(names.len() * nd) > max_samples {
        return Err(CliError::bad_input(format!(
            "--monte-carlo {draws}: too many runs for {} model(s) × {nd} issue(s) (at most {} runs and \
             {max_samples} forecasts are kept); use fewer runs or fewer models",
            names.len(),
            headline::MAX_DRAWS
        )));
    }
    let noise = match &args.noise {
        Some(n) => NoiseSpec::parse(n).map_err(|e| CliError::bad_input(format!("--noise: {e}")))?,
        None => NoiseSpec::default(),
    };
    Ok(headline::analyse(
        s,
        &HeadlineOptions {
            config: cfg,
            models: names.to_vec(),
            draws,
            seed: args.seed,
            noise,
            constrained: !args.unconstrained,
        },
    ))
}

/// The distributions of a Monte Carlo result again, with thresholds.
pub fn resummarise(mc: &McResult, thresholds: &[Option<f64>]) -> Vec<Vec<Distribution>> {
    mc.samples
        .iter()
        .map(|per| {
            per.iter()
                .enumerate()
                .map(|(d, v)| montecarlo::summarise(v, thresholds.get(d).copied().flatten()))
                .collect()
        })
        .collect()
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The probabilities of the regions or options, most likely first (at most 3, ≥ 1%).
fn top_probabilities(h: &IssueHeadline) -> String {
    let mut v: Vec<(&str, f64)> = h
        .headline
        .regions
        .iter()
        .map(|r| {
            (
                r.key.as_str(),
                h.headline.probabilities.get(&r.key).copied().unwrap_or(0.0),
            )
        })
        .filter(|(_, p)| *p >= 0.005)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v.iter()
        .take(3)
        .map(|(k, p)| format!("{}: {:.0}%", cut(k, 14), p * 100.0))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The headline table (fits 100 columns) and, below it, each fragile issue's reasons and every
/// warning.
pub fn headline_table(a: &Analysis, title: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{title}");
    let mut lines = String::new();
    let _ = writeln!(
        lines,
        "Headline: median of the models ({}), {}{}",
        a.models.join(", "),
        if a.mc.is_some() {
            format!(
                "80% band from {} Monte Carlo draws (seed {})",
                a.draws, a.seed
            )
        } else {
            "no band (the scenario gives no stance ranges; add --noise for one)".into()
        },
        if a.constrained {
            "; red lines respected"
        } else {
            "; UNCONSTRAINED: actors may move past their red lines"
        }
    );
    o.push_str(&wrap(&lines, 100));
    let mut t = table();
    t.set_width(100);
    t.set_header(vec![
        "Issue",
        "Forecast",
        "80% band",
        "Probabilities",
        "Grade",
    ]);
    for h in &a.issues {
        let hl = &h.headline;
        let fc = match (hl.forecast, &hl.option) {
            (Some(x), Some(opt)) => format!("{x:.0} {}", cut(opt, 16)),
            (Some(x), None) => format!("{x:.1}"),
            (None, Some(opt)) => cut(opt, 18),
            (None, None) => "—".into(),
        };
        let band = hl
            .band
            .map(|[lo, hi]| format!("{lo:.0}–{hi:.0}"))
            .unwrap_or_else(|| "—".into());
        let grade = match (hl.stability, hl.vetoed_by.is_empty()) {
            (Stability::Stable, _) => "stable".to_string(),
            (Stability::Fragile, true) => "fragile".to_string(),
            (Stability::Fragile, false) => "fragile, veto".to_string(),
        };
        t.add_row(vec![
            cut(&h.title, 30),
            fc,
            band,
            top_probabilities(h),
            grade,
        ]);
    }
    let _ = writeln!(o, "{t}");
    let mut notes = String::new();
    for h in &a.issues {
        let o = &mut notes;
        let hl = &h.headline;
        if !hl.vetoed_by.is_empty() {
            let _ = writeln!(
                o,
                "{}: would be vetoed by {}{}",
                h.id,
                hl.vetoed_by.join(", "),
                hl.p_no_agreement
                    .map(|p| format!(" (probability of no agreement {:.0}%)", p * 100.0))
                    .unwrap_or_default()
            );
        }
        if hl.stability == Stability::Fragile {
            let _ = writeln!(o, "{}: fragile: {}", h.id, hl.reasons.join("; "));
        }
        for w in &h.warnings {
            let _ = writeln!(o, "{}: warning: {w}", h.id);
        }
    }
    o.push_str(&wrap(&notes, 100));
    o
}

/// Wrap every line at `width` characters (on spaces), continuation lines indented by 2.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut cur = String::new();
        for word in line.split(' ') {
            let (n, w) = (cur.chars().count(), word.chars().count());
            if n > 0 && n + 1 + w > width {
                out.push_str(&cur);
                out.push('\n');
                cur = format!("  {word}");
            } else {
                if n > 0 {
                    cur.push(' ');
                }
                cur.push_str(word);
            }
        }
        out.push_str(&cur);
        out.push('\n');
    }
    out
}

/// The JSON of one issue's headline fields: `kind`, `headline`, `warnings`, and at the top
/// level `forecast` (line issues) or `option` and `probabilities` (options issues).
pub fn issue_fields(h: &IssueHeadline, o: &mut serde_json::Map<String, Value>) {
    o.insert("kind".into(), json!(h.kind));
    if h.kind != "options" {
        if let Some(x) = h.headline.forecast {
            o.insert("forecast".into(), json!(x));
        }
    }
    if h.kind != "scale" {
        o.insert("option".into(), json!(h.headline.option));
        o.insert("probabilities".into(), json!(h.headline.probabilities));
    }
    o.insert("headline".into(), json!(h.headline));
    o.insert("warnings".into(), json!(h.warnings));
}

/// The JSON object of an issue the line models do not forecast (unordered options).
pub fn options_issue_json(h: &IssueHeadline) -> Value {
    let mut o = serde_json::Map::new();
    o.insert("id".into(), json!(h.id));
    o.insert("title".into(), json!(h.title));
    o.insert("models".into(), json!({}));
    issue_fields(h, &mut o);
    Value::Object(o)
}

/// The forecast of one issue in a few words (the central value and option, or the option).
fn short(h: &IssueHeadline) -> String {
    match (h.headline.forecast, &h.headline.option) {
        (Some(x), Some(o)) => format!("{x:.0} {}", cut(o, 16)),
        (Some(x), None) => format!("{x:.1}"),
        (None, Some(o)) => cut(o, 18),
        (None, None) => "—".into(),
    }
}

fn grade(h: &IssueHeadline) -> &'static str {
    match h.headline.stability {
        Stability::Stable => "stable",
        Stability::Fragile => "fragile",
    }
}

/// How each issue's headline moved from `then` (as of `date`) to `now` (≤ 100 columns).
pub fn compare_table(then: &Analysis, now: &Analysis, date: &str, s: Option<&Scenario>) -> String {
    let now_date = s
        .and_then(|s| s.meta.as_of.clone())
        .unwrap_or_else(|| "now".into());
    let mut t = table();
    t.set_width(100);
    t.set_header(vec![
        "Issue".to_string(),
        format!("As of {date}"),
        format!("As of {now_date}"),
        "Moved".to_string(),
        "Grade then → now".to_string(),
    ]);
    for h in &now.issues {
        let Some(b) = then.issues.iter().find(|x| x.id == h.id) else {
            continue;
        };
        let moved = match (b.headline.forecast, h.headline.forecast) {
            (Some(x), Some(y)) if (y - x).abs() >= 0.05 => format!("{:+.1}", y - x),
            (Some(_), Some(_)) => "—".into(),
            _ if b.headline.option != h.headline.option => "option changed".into(),
            _ => "—".into(),
        };
        t.add_row(vec![
            cut(&h.title, 30),
            short(b),
            short(h),
            moved,
            format!("{} → {}", grade(b), grade(h)),
        ]);
    }
    format!("\nHow the headline moved from {date} to {now_date}:\n{t}\n")
}

/// The JSON of `--compare-as-of`: the date and, per issue, the headline then and the move.
pub fn compare_json(then: &Analysis, now: &Analysis, date: &str, s: Option<&Scenario>) -> Value {
    let issues: Vec<Value> = now
        .issues
        .iter()
        .filter_map(|h| {
            let b = then.issues.iter().find(|x| x.id == h.id)?;
            let moved = match (b.headline.forecast, h.headline.forecast) {
                (Some(x), Some(y)) => Some(y - x),
                _ => None,
            };
            Some(json!({"id": h.id, "then": b.headline, "moved": moved,
                        "option_changed": b.headline.option != h.headline.option}))
        })
        .collect();
    json!({"as_of": date, "now": s.and_then(|s| s.meta.as_of.clone()), "issues": issues})
}
