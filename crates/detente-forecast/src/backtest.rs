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
    /// Share of cases with |error| ≤ 5.
    pub hit5: Estimate,
    /// Share of cases with |error| ≤ 10.
    pub hit10: Estimate,
}

fn stats(errs: &[f64]) -> (f64, f64, f64) {
    let n = errs.len() as f64;
    let mae = errs.iter().sum::<f64>() / n;
    let h5 = errs.iter().filter(|&&e| e <= 5.0).count() as f64 / n;
    let h10 = errs.iter().filter(|&&e| e <= 10.0).count() as f64 / n;
    (mae, h5, h10)
}

/// Score each model: MAE and hit rates (|error| ≤ 5, ≤ 10) with percentile bootstrap 95%
/// intervals over `resamples` resamples of the cases (seeded; resample `b` uses ChaCha8 stream
/// `b`). Models without any forecast get no score.
pub fn score(cases: &[Case], models: &[&str], resamples: usize, seed: u64) -> Vec<Score> {
    let mut out = Vec::new();
    for (m, name) in models.iter().enumerate() {
        let errs: Vec<f64> = cases
            .iter()
            .filter_map(|c| {
                c.forecasts
                    .get(m)
                    .copied()
                    .flatten()
                    .map(|f| (f - c.outcome).abs())
            })
            .collect();
        if errs.is_empty() {
            continue;
        }
        let (mae, h5, h10) = stats(&errs);
        let mut bm = Vec::with_capacity(resamples);
        let mut b5 = Vec::with_capacity(resamples);
        let mut b10 = Vec::with_capacity(resamples);
        let mut sample = vec![0.0; errs.len()];
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
}
