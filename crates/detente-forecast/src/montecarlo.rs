//! Monte Carlo uncertainty: perturb positions, saliences and capabilities, rerun the models,
//! and summarise the distribution of each forecast.
//!
//! Determinism: run `t` draws from its own ChaCha8 stream (`seed_from_u64(seed)`, stream `t`),
//! and results are collected in run order, so the same seed gives the same numbers whatever
//! the number of threads.
#![allow(clippy::needless_range_loop)] // index-heavy numeric code reads better with indices

use crate::io::StanceRanges;
use crate::model::Model;
use crate::problem::Problem;
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// The shape of a perturbation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// Normal with standard deviation `width`.
    Normal,
    /// Symmetric triangular on `value ± width`.
    Triangular,
}

/// The noise on one field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FieldNoise {
    pub shape: Shape,
    /// Standard deviation (normal) or half-width (triangular): points of the issue's scale for
    /// positions, points of 0–100 for saliences, capability units (or percent when `relative`).
    pub width: f64,
    /// The width is a percentage of the value (capability only).
    pub relative: bool,
}

/// Noise per field. Stance ranges from a scenario take precedence for the stances that have
/// them (triangular on `lo..hi` with the stated value as mode).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct NoiseSpec {
    pub position: Option<FieldNoise>,
    pub salience: Option<FieldNoise>,
    pub capability: Option<FieldNoise>,
}

impl NoiseSpec {
    /// Parse `field=shape:width[%],…` with field in position|salience|capability and shape in
    /// normal|triangular, e.g. `position=normal:5,capability=triangular:20%`. `ranges` (or an
    /// empty string) means stance ranges only.
    pub fn parse(spec: &str) -> Result<NoiseSpec, String> {
        let mut out = NoiseSpec::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part == "ranges" {
                continue;
            }
            let (field, rest) = part.split_once('=').ok_or_else(|| {
                format!("`{part}` is not FIELD=SHAPE:WIDTH (e.g. position=normal:5)")
            })?;
            let (shape, width) = rest.split_once(':').ok_or_else(|| {
                format!("`{part}`: write SHAPE:WIDTH, e.g. normal:5 or triangular:10")
            })?;
            let shape = match shape.trim() {
                "normal" => Shape::Normal,
                "triangular" | "tri" => Shape::Triangular,
                s => {
                    return Err(format!(
                        "`{s}` is not a noise shape; use normal or triangular"
                    ))
                }
            };
            let w = width.trim();
            let (num, relative) = match w.strip_suffix('%') {
                Some(n) => (n, true),
                None => (w, false),
            };
            let width: f64 = num
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("`{w}` is not a width >= 0"))?;
            let noise = Some(FieldNoise {
                shape,
                width,
                relative,
            });
            match field.trim() {
                "position" => {
                    if relative {
                        return Err("position noise is in points of the scale, not %".into());
                    }
                    out.position = noise
                }
                "salience" => {
                    if relative {
                        return Err("salience noise is in points of 0–100, not %".into());
                    }
                    out.salience = noise
                }
                "capability" => out.capability = noise,
                f => {
                    return Err(format!(
                        "`{f}` is not a field; use position, salience or capability"
                    ))
                }
            }
        }
        Ok(out)
    }

    pub fn is_empty(&self) -> bool {
        self.position.is_none() && self.salience.is_none() && self.capability.is_none()
    }
}

/// The distribution of one model's forecast of one issue over the runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Distribution {
    /// Runs that produced a forecast.
    pub runs: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p5: Option<f64>,
    pub p25: Option<f64>,
    pub p75: Option<f64>,
    pub p95: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Share of runs whose forecast is at or above `threshold`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_at_or_above: Option<f64>,
}

/// Monte Carlo results: `distributions[model][issue]`, and every run's forecasts.
#[derive(Debug, Clone, PartialEq)]
pub struct McResult {
    pub runs: usize,
    pub distributions: Vec<Vec<Distribution>>,
    /// `samples[model][issue][run]` (NaN when a run gave no forecast).
    pub samples: Vec<Vec<Vec<f64>>>,
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u1, u2) = (uniform(rng), uniform(rng));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Triangular on [a, b] with mode m (inverse CDF).
fn triangular(rng: &mut ChaCha8Rng, a: f64, m: f64, b: f64) -> f64 {
    if b <= a {
        return m;
    }
    let u = uniform(rng);
    let f = (m - a) / (b - a);
    if u < f {
        a + (u * (b - a) * (m - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - m)).sqrt()
    }
}

fn draw(rng: &mut ChaCha8Rng, v: f64, n: &FieldNoise) -> f64 {
    let w = if n.relative {
        v.abs() * n.width / 100.0
    } else {
        n.width
    };
    match n.shape {
        Shape::Normal => v + w * normal(rng),
        Shape::Triangular => triangular(rng, v - w, v, v + w),
    }
}

/// One perturbed copy of `p` for run `t`.
pub fn perturb(p: &Problem, ranges: &StanceRanges, spec: &NoiseSpec, seed: u64, t: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(t);
    let mut q = p.clone();
    for (d, row) in q.stances.iter_mut().enumerate() {
        let (lo, hi) = (
            p.issues[d].lo.min(p.issues[d].hi),
            p.issues[d].hi.max(p.issues[d].lo),
        );
        for (a, st) in row.iter_mut().enumerate() {
            let Some(st) = st else { continue };
            // a party split into factions: one faction's stance prevails in this draw
            if let Some(alt) = ranges.factions.get(d).and_then(|r| r.get(a)) {
                if !alt.is_empty() {
                    let k = ((uniform(&mut rng) * alt.len() as f64) as usize).min(alt.len() - 1);
                    *st = alt[k];
                }
            }
            let pr = ranges
                .position
                .get(d)
                .and_then(|r| r.get(a))
                .copied()
                .flatten();
            let sr = ranges
                .salience
                .get(d)
                .and_then(|r| r.get(a))
                .copied()
                .flatten();
            if let Some((l, h)) = pr {
                st.position = triangular(&mut rng, l, st.position.clamp(l, h), h);
            } else if let Some(n) = &spec.position {
                st.position = draw(&mut rng, st.position, n);
            }
            st.position = st.position.clamp(lo, hi);
            if let Some((l, h)) = sr {
                st.salience = triangular(&mut rng, l, st.salience.clamp(l, h), h);
            } else if let Some(n) = &spec.salience {
                let pts = FieldNoise {
                    width: n.width / 100.0,
                    ..*n
                };
                st.salience = draw(&mut rng, st.salience, &pts);
            }
            st.salience = st.salience.clamp(0.0, 1.0);
        }
    }
    if let Some(n) = &spec.capability {
        for a in q.actors.iter_mut() {
            a.capability = draw(&mut rng, a.capability, n).max(0.0);
        }
    }
    q
}

/// Percentile (linear interpolation between order statistics) of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (i, f) = (h.floor() as usize, h - h.floor());
    Some(if i + 1 < sorted.len() {
        sorted[i] + f * (sorted[i + 1] - sorted[i])
    } else {
        sorted[i]
    })
}

/// Summarise samples (NaN = no forecast).
pub fn summarise(samples: &[f64], threshold: Option<f64>) -> Distribution {
    let mut v: Vec<f64> = samples.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Distribution {
        runs: n,
        mean: if n > 0 {
            Some(v.iter().sum::<f64>() / n as f64)
        } else {
            None
        },
        median: percentile(&v, 0.5),
        p5: percentile(&v, 0.05),
        p25: percentile(&v, 0.25),
        p75: percentile(&v, 0.75),
        p95: percentile(&v, 0.95),
        min: v.first().copied(),
        max: v.last().copied(),
        threshold,
        p_at_or_above: match threshold {
            Some(t) if n > 0 => Some(v.iter().filter(|&&x| x >= t).count() as f64 / n as f64),
            _ => None,
        },
    }
}

/// Run `n` perturbed copies of `p` through every model, in parallel. `progress(k)` is called
/// as runs complete (from any thread).
#[allow(clippy::too_many_arguments)]
pub fn run(
    p: &Problem,
    ranges: &StanceRanges,
    spec: &NoiseSpec,
    models: &[Box<dyn Model>],
    n: usize,
    seed: u64,
    thresholds: &[Option<f64>],
    progress: &(dyn Fn(u64) + Sync),
) -> McResult {
    let nm = models.len();
    let nd = p.issues.len();
    let chunk = 1024;
    let mut flat: Vec<f64> = Vec::with_capacity(n * nm * nd);
    let mut start = 0;
    while start < n {
        let end = (start + chunk).min(n);
        let part: Vec<Vec<f64>> = (start..end)
            .into_par_iter()
            .map(|t| {
                let q = perturb(p, ranges, spec, seed, t as u64);
                let mut out = Vec::with_capacity(nm * nd);
                for m in models {
                    out.extend(m.point(&q).into_iter().map(|v| v.unwrap_or(f64::NAN)));
                }
                out
            })
            .collect();
        for r in part {
            flat.extend(r);
        }
        progress((end - start) as u64);
        start = end;
    }
    let mut samples = vec![vec![Vec::with_capacity(n); nd]; nm];
    for t in 0..n {
        for m in 0..nm {
            for d in 0..nd {
                samples[m][d].push(flat[t * nm * nd + m * nd + d]);
            }
        }
    }
    let distributions = samples
        .iter()
        .map(|per_issue| {
            per_issue
                .iter()
                .enumerate()
                .map(|(d, s)| summarise(s, thresholds.get(d).copied().flatten()))
                .collect()
        })
        .collect();
    McResult {
        runs: n,
        distributions,
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_model, ModelConfig};

    fn models() -> Vec<Box<dyn Model>> {
        ["mean", "median", "eum"]
            .iter()
            .map(|n| build_model(n, &ModelConfig::default()).unwrap())
            .collect()
    }

    #[test]
    fn same_seed_same_result_whatever_the_threads() {
        let p = crate::data::bdm1994();
        let spec =
            NoiseSpec::parse("position=normal:0.5,salience=triangular:10,capability=normal:10%")
                .unwrap();
        let go = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                run(
                    &p,
                    &StanceRanges::default(),
                    &spec,
                    &models(),
                    300,
                    7,
                    &[Some(8.0)],
                    &|_| {},
                )
            })
        };
        let a = go(1);
        let b = go(2);
        assert_eq!(a, b);
        let c = pool_free_run(&p, &spec, 8);
        assert_ne!(a.samples, c.samples, "another seed gives other draws");
        let d = &a.distributions[0][0];
        assert!(d.p5.unwrap() <= d.median.unwrap() && d.median.unwrap() <= d.p95.unwrap());
        assert!((0.0..=1.0).contains(&d.p_at_or_above.unwrap()));
    }

    fn pool_free_run(p: &Problem, spec: &NoiseSpec, seed: u64) -> McResult {
        run(
            p,
            &StanceRanges::default(),
            spec,
            &models(),
            300,
            seed,
            &[None],
            &|_| {},
        )
    }

    #[test]
    fn draws_have_the_right_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
        let ts: Vec<f64> = (0..n)
            .map(|_| triangular(&mut rng, 0.0, 2.0, 3.0))
            .collect();
        let tm = ts.iter().sum::<f64>() / n as f64;
        assert!((tm - 5.0 / 3.0).abs() < 0.03, "{tm}");
        assert!(ts.iter().all(|&t| (0.0..=3.0).contains(&t)));
    }

    #[test]
    fn ranges_are_respected_and_spec_parses() {
        let p = crate::data::bdm1994();
        let mut r = StanceRanges {
            position: vec![vec![None; 10]],
            salience: vec![vec![None; 10]],
            ..Default::default()
        };
        r.position[0][0] = Some((3.0, 5.0));
        for t in 0..50 {
            let q = perturb(&p, &r, &NoiseSpec::default(), 1, t);
            let x = q.stances[0][0].unwrap().position;
            assert!((3.0..=5.0).contains(&x));
            assert_eq!(
                q.stances[0][1], p.stances[0][1],
                "no noise without a range or spec"
            );
        }
        assert!(NoiseSpec::parse("position=uniform:3").is_err());
        assert!(NoiseSpec::parse("position=normal:5%").is_err());
        assert!(NoiseSpec::parse("height=normal:5").is_err());
        assert!(NoiseSpec::parse("ranges").unwrap().is_empty());
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), Some(3.0));
        assert_eq!(percentile(&v, 0.25), Some(2.0));
        assert_eq!(percentile(&v, 0.1), Some(1.4));
        let d = summarise(&[1.0, f64::NAN, 3.0], Some(2.0));
        assert_eq!(d.runs, 2);
        assert_eq!(d.p_at_or_above, Some(0.5));
    }
}
