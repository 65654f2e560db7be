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
}

impl Analysis {
    pub const ALL: [(&'static str, Analysis); 4] = [
        ("forecast", Analysis::Forecast),
        ("deals", Analysis::Deals),
        ("simulate", Analysis::Simulate),
        ("tournament", Analysis::Tournament),
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
    match analysis {
        Analysis::Forecast => ForecastOptions::from_json(options).map(|_| ()),
        _ => Ok(()),
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
    match analysis {
        Analysis::Forecast => forecast(scenario, &ForecastOptions::from_json(options)?, progress),
        other => Err(format!(
            "the `{}` analysis is not available in this build",
            other.name()
        )),
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

/// Options of the `forecast` analysis.
#[derive(Debug, Clone)]
pub struct ForecastOptions {
    /// The model the charts and the "change" column follow: `eum`, `median` or `mean`.
    pub primary: String,
    /// EUM preset (`scholz2011`, `bdm-q05`).
    pub preset: String,
    /// Monte Carlo draws over the stances' uncertainty ranges (0 = none).
    pub draws: u64,
    pub seed: u64,
}

impl ForecastOptions {
    pub fn from_json(o: &Value) -> Result<Self, String> {
        unknown_keys(o, &["model", "preset", "draws", "seed"])?;
        Ok(ForecastOptions {
            primary: opt_str(o, "model", "eum", &["eum", "median", "mean"])?.to_string(),
            preset: opt_str(o, "preset", "scholz2011", detente_forecast::eum::PRESETS)?.to_string(),
            draws: opt_u64(o, "draws", 200, 5000)?,
            seed: opt_u64(o, "seed", 1, u64::MAX)?,
        })
    }
}

/// The forecast: each scale issue under the EUM, the weighted median and the compromise
/// (weighted mean) models, the primary model's round-by-round trace, and Monte Carlo bands
/// from the stances' `position_range` / `salience_range` (uniform draws; draw `k` uses a
/// ChaCha8 stream seeded from (seed, k), so the result does not depend on threads).
pub fn forecast(
    scenario: &Scenario,
    o: &ForecastOptions,
    progress: &Progress,
) -> Result<Value, String> {
    use detente_forecast::eum::{Eum, EumOptions};
    use detente_forecast::{Compromise, IssueModel, WeightedMedian};
    use rand::{RngExt, SeedableRng};

    let conv = detente_forecast::io::from_scenario(scenario);
    let problem = &conv.problem;
    if problem.issues.is_empty() {
        return Err(
            "the scenario has no scale issue with positions and saliences to forecast".into(),
        );
    }
    let eum = Eum::new(EumOptions::preset(&o.preset).ok_or("unknown EUM preset")?);
    let models: [(&str, &dyn IssueModel); 3] = [
        ("eum", &eum),
        ("median", &WeightedMedian),
        ("mean", &Compromise),
    ];
    let primary: &dyn IssueModel = models
        .iter()
        .find(|(n, _)| *n == o.primary)
        .map(|(_, m)| *m)
        .unwrap_or(&eum);
    let scale = (
        detente_scenario::Issue::SCALE_MIN,
        detente_scenario::Issue::SCALE_MAX,
    );
    let n_issues = problem.issues.len();
    let total_steps = (n_issues as u64 + o.draws).max(1) as f64;
    let mut issues_out = Vec::new();
    let mut primary_rounds: Vec<usize> = Vec::new();
    for d in 0..n_issues {
        if progress.is_cancelled() {
            return Err("cancelled".into());
        }
        let info = &problem.issues[d];
        let data = problem.issue_data(d);
        let mut forecasts = serde_json::Map::new();
        for (name, m) in &models {
            let f = m.solve(&data, scale, info.status_quo).forecast;
            forecasts.insert((*name).into(), json!(f));
        }
        let solved = primary.solve(&data, scale, info.status_quo);
        let issue = &scenario.issues[conv.scenario_issue[d]];
        let words = solved
            .forecast
            .map(|x| issue.describe(detente_scenario::Position::Scale((x * 10.0).round() / 10.0)));
        primary_rounds.push(solved.rounds.len());
        issues_out.push(json!({
            "issue": info.id,
            "title": info.title,
            "status_quo": info.status_quo,
            "outcome": info.outcome,
            "forecasts": forecasts,
            "words": words,
            "actors": data.actor.iter().map(|&a| problem.actors[a].id.clone()).collect::<Vec<_>>(),
            "rounds": solved.rounds.iter().map(|r| json!({"round": r.round, "positions": r.positions, "median": r.median, "mean": r.mean})).collect::<Vec<_>>(),
            "notes": solved.notes,
        }));
        progress.set((d + 1) as f64 / total_steps);
    }
    // Monte Carlo over the stated uncertainty ranges.
    let has_ranges = !conv.ranges.is_empty();
    if o.draws > 0 && has_ranges {
        let mut finals: Vec<Vec<f64>> = vec![Vec::new(); n_issues];
        let mut per_round: Vec<Vec<Vec<f64>>> = primary_rounds
            .iter()
            .map(|&r| vec![Vec::new(); r])
            .collect();
        for k in 0..o.draws {
            if progress.is_cancelled() {
                return Err("cancelled".into());
            }
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
                o.seed ^ (k.wrapping_add(1)).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let mut p = problem.clone();
            for (d, row) in p.stances.iter_mut().enumerate() {
                for (a, st) in row.iter_mut().enumerate() {
                    if let Some(st) = st {
                        if let Some((lo, hi)) = conv.ranges.position[d][a] {
                            if hi > lo {
                                st.position = rng.random_range(lo..=hi);
                            }
                        }
                        if let Some((lo, hi)) = conv.ranges.salience[d][a] {
                            if hi > lo {
                                st.salience = rng.random_range(lo..=hi);
                            }
                        }
                    }
                }
            }
            for d in 0..n_issues {
                let info = &p.issues[d];
                let s = primary.solve(&p.issue_data(d), scale, info.status_quo);
                if let Some(f) = s.forecast {
                    finals[d].push(f);
                }
                for (r, round) in s.rounds.iter().enumerate() {
                    if let Some(v) = per_round[d].get_mut(r) {
                        v.push(round.median);
                    }
                }
            }
            progress.set((n_issues as u64 + k + 1) as f64 / total_steps);
        }
        for d in 0..n_issues {
            let f = &mut finals[d];
            if !f.is_empty() {
                issues_out[d]["band"] = json!({"p05": quantile(f, 0.05), "p50": quantile(f, 0.5), "p95": quantile(f, 0.95), "draws": f.len()});
            }
            let rounds: Vec<Value> = per_round[d]
                .iter_mut()
                .enumerate()
                .filter(|(_, v)| !v.is_empty())
                .map(|(r, v)| json!({"round": r, "p05": quantile(v, 0.05), "p50": quantile(v, 0.5), "p95": quantile(v, 0.95)}))
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
        "Models: EUM ({} preset), weighted median, compromise (weighted mean); weights are capability × salience. ",
        o.preset
    );
    if o.draws > 0 && has_ranges {
        note.push_str(&format!(
            "Monte Carlo: {} draws, positions and saliences uniform within the stated ranges, seed {}. ",
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

/// The q-quantile (linear interpolation) of `v`; sorts `v`.
fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let pos = q * (v.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    if i + 1 < v.len() {
        v[i] + (v[i + 1] - v[i]) * frac
    } else {
        v[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(quantile(&mut v, 0.5), 3.0);
        assert_eq!(quantile(&mut v, 0.0), 1.0);
        assert_eq!(quantile(&mut v, 1.0), 5.0);
        assert!((quantile(&mut v, 0.05) - 1.2).abs() < 1e-12);
    }

    #[test]
    fn forecast_options_are_checked() {
        assert!(ForecastOptions::from_json(&json!({})).is_ok());
        assert!(ForecastOptions::from_json(&json!({"model": "nash?"})).is_err());
        let e = ForecastOptions::from_json(&json!({"drawz": 3})).unwrap_err();
        assert!(e.contains("did you mean `draws`"), "{e}");
        assert!(ForecastOptions::from_json(&json!({"draws": 100000})).is_err());
    }
}
