//! Backtests: score the models against issues with a known outcome.

use crate::montecarlo::percentile;
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// One issue with a known outcome and each model's forecast of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// Where the case comes from (file name).
    pub source: String,
    pub issue: String,
    pub outcome: f64,
    /// Width of the issue's scale (hi − lo): hits are counted within 5% and 10% of it.
    pub range: f64,
    /// One entry per model (`None` when the model gave no forecast).
    pub forecasts: Vec<Option<f64>>,
}

/// A statistic with its bootstrap confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    /// 2.5th and 97.5th percentiles over the bootstrap resamples.
    pub ci_low: f64,
    pub ci_high: f64,
}

/// One model's score over the cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub model: String,
    /// Cases the model forecast.
    pub cases: usize,
    /// Mean absolute error.
    pub mae: Estimate,
    /// Share of cases with |error| ≤ 5% of the scale's range (5 points on 0–100).
    pub hit5: Estimate,
    /// Share of cases with |error| ≤ 10% of the scale's range (10 points on 0–100).
    pub hit10: Estimate,
}

/// MAE and hit rates of (absolute error, scale range) pairs.
fn stats(errs: &[(f64, f64)]) -> (f64, f64, f64) {
    let n = errs.len() as f64;
    let mae = errs.iter().map(|e| e.0).sum::<f64>() / n;
    let hit = |share: f64| {
        errs.iter()
            .filter(|&&(e, r)| e <= share * r + 1e-9 * r.abs().max(1.0))
            .count() as f64
            / n
    };
    (mae, hit(0.05), hit(0.10))
}

/// Score each model: MAE and hit rates (|error| ≤ 5% and ≤ 10% of the issue's scale range) with percentile bootstrap 95%
/// intervals over `resamples` resamples of the cases (seeded; resample `b` uses ChaCha8 stream
/// `b`). Models without any forecast get no score.
pub fn score(cases: &[Case], models: &[&str], resamples: usize, seed: u64) -> Vec<Score> {
    let mut out = Vec::new();
    for (m, name) in models.iter().enumerate() {
        let errs: Vec<(f64, f64)> = cases
            .iter()
            .filter_map(|c| {
                c.forecasts
                    .get(m)
                    .copied()
                    .flatten()
                    .map(|f| ((f - c.outcome).abs(), c.range))
            })
            .collect();
        if errs.is_empty() {
            continue;
        }
        let (mae, h5, h10) = stats(&errs);
        let mut bm = Vec::with_capacity(resamples);
        let mut b5 = Vec::with_capacity(resamples);
        let mut b10 = Vec::with_capacity(resamples);
        let mut sample = vec![(0.0, 0.0); errs.len()];
        for b in 0..resamples {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(b as u64);
            for s in sample.iter_mut() {
                *s = errs[(rng.next_u64() % errs.len() as u64) as usize];
            }
            let (a, c, d) = stats(&sample);
            bm.push(a);
            b5.push(c);
            b10.push(d);
        }
        let est = |v: f64, mut bs: Vec<f64>| {
            bs.sort_by(f64::total_cmp);
            Estimate {
                value: v,
                ci_low: percentile(&bs, 0.025).unwrap_or(v),
                ci_high: percentile(&bs, 0.975).unwrap_or(v),
            }
        };
        out.push(Score {
            model: name.to_string(),
            cases: errs.len(),
            mae: est(mae, bm),
            hit5: est(h5, b5),
            hit10: est(h10, b10),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(outcome: f64, f: &[Option<f64>]) -> Case {
        Case {
            source: "t".into(),
            issue: "i".into(),
            outcome,
            range: 100.0,
            forecasts: f.to_vec(),
        }
    }

    #[test]
    fn hand_computed_scores() {
        let cases = [
            case(50.0, &[Some(53.0), Some(20.0)]),
            case(10.0, &[Some(18.0), None]),
            case(0.0, &[Some(0.0), Some(0.0)]),
        ];
        let s = score(&cases, &["a", "b"], 200, 1);
        // a: errors 3, 8, 0 → MAE 11/3, hit5 2/3, hit10 1.
        assert!((s[0].mae.value - 11.0 / 3.0).abs() < 1e-12);
        assert!((s[0].hit5.value - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s[0].hit10.value, 1.0);
        assert!(s[0].mae.ci_low <= s[0].mae.value && s[0].mae.value <= s[0].mae.ci_high);
        assert!(s[0].mae.ci_low >= 0.0 && s[0].mae.ci_high <= 8.0);
        // b forecast only two cases: errors 30 and 0.
        assert_eq!(s[1].cases, 2);
        assert_eq!(s[1].mae.value, 15.0);
        // Seeded: the same seed gives the same intervals.
        assert_eq!(score(&cases, &["a", "b"], 200, 1), s);
    }

    #[test]
    fn hits_are_relative_to_the_scale_range() {
        // On a 0–10 scale an error of 0.4 is within 5% (0.5), 0.8 within 10% (1) only, 3 neither.
        let mut cases = [
            case(5.0, &[Some(5.4)]),
            case(5.0, &[Some(5.8)]),
            case(5.0, &[Some(8.0)]),
        ];
        cases.iter_mut().for_each(|c| c.range = 10.0);
        let s = score(&cases, &["a"], 50, 1);
        assert!((s[0].hit5.value - 1.0 / 3.0).abs() < 1e-12);
        assert!((s[0].hit10.value - 2.0 / 3.0).abs() < 1e-12);
    }
}
