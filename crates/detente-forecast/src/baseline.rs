//! The two baselines: the compromise model (capability × salience weighted mean) and the
//! weighted median (the Condorcet winner among the positions under linear loss).
#![allow(clippy::needless_range_loop)] // index-heavy numeric code reads better with indices

use crate::model::{IssueModel, Solved};
use crate::problem::IssueData;

/// Weighted mean `Σ w_i x_i / Σ w_i`; `None` when the total weight is not positive.
pub fn weighted_mean(x: &[f64], w: &[f64]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (xi, wi) in x.iter().zip(w) {
        num += wi * xi;
        den += wi;
    }
    if den > 0.0 {
        // Clamp against rounding so the mean never leaves the range of the positions.
        let lo = x.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        Some((num / den).clamp(lo, hi))
    } else {
        None
    }
}

/// Relative tolerance used to decide that cumulative weight is exactly half the total.
const HALF_TOL: f64 = 1e-12;

/// Weighted median: the position `x_k` such that the weight strictly below it and the weight
/// strictly above it are each at most half the total. This is the Condorcet winner of the
/// pairwise weighted votes `v(j,k) = Σ_i w_i (|x_i − x_k| − |x_i − x_j|)`.
///
/// When the cumulative weight reaches exactly half at a position (a tie between two adjacent
/// positions, both Condorcet winners), the midpoint of the two is returned, so the result does
/// not depend on actor order or on the unit of the weights. Actors with zero weight are
/// ignored; `None` when the total weight is not positive.
pub fn weighted_median(x: &[f64], w: &[f64]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| w[i] > 0.0).collect();
    let mut scratch = Vec::new();
    weighted_median_with(x, w, &mut idx, &mut scratch)
}

/// [`weighted_median`] reusing buffers (hot loops). `idx` must hold the indices to consider.
pub(crate) fn weighted_median_with(
    x: &[f64],
    w: &[f64],
    idx: &mut [usize],
    _scratch: &mut Vec<f64>,
) -> Option<f64> {
    if idx.is_empty() {
        return None;
    }
    idx.sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]));
    let total: f64 = idx.iter().map(|&i| w[i]).sum();
    if total <= 0.0 {
        return None;
    }
    let half = total * 0.5;
    let mut cum = 0.0;
    let mut k = 0;
    while k < idx.len() {
        // Group equal positions.
        let xv = x[idx[k]];
        let mut g = k;
        while g < idx.len() && x[idx[g]] == xv {
            cum += w[idx[g]];
            g += 1;
        }
        if (cum - half).abs() <= HALF_TOL * total {
            // Exactly half: tie between this position and the next one.
            return Some(if g < idx.len() {
                0.5 * (xv + x[idx[g]])
            } else {
                xv
            });
        }
        if cum > half {
            return Some(xv);
        }
        k = g;
    }
    Some(x[idx[idx.len() - 1]])
}

/// The compromise model: the capability × salience weighted mean of the positions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Compromise;

impl IssueModel for Compromise {
    fn name(&self) -> &'static str {
        "mean"
    }
    fn solve(&self, d: &IssueData, _scale: (f64, f64), _sq: Option<f64>) -> Solved {
        Solved {
            forecast: weighted_mean(&d.position, &d.weights()),
            ..Default::default()
        }
    }
}

/// The weighted median model: the capability × salience weighted median of the positions.
#[derive(Debug, Clone, Copy, Default)]
pub struct WeightedMedian;

impl IssueModel for WeightedMedian {
    fn name(&self) -> &'static str {
        "median"
    }
    fn solve(&self, d: &IssueData, _scale: (f64, f64), _sq: Option<f64>) -> Solved {
        Solved {
            forecast: weighted_median(&d.position, &d.weights()),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    #[test]
    fn mean_hand_computed() {
        // (1*0.5*10 + 2*1*40 + 1*1*70) / (0.5 + 2 + 1) = (5 + 80 + 70) / 3.5 = 44.2857…
        let d = IssueData::from_triples(&[(1.0, 10.0, 0.5), (2.0, 40.0, 1.0), (1.0, 70.0, 1.0)]);
        let f = Compromise.solve(&d, (0.0, 100.0), None).forecast.unwrap();
        assert!((f - 155.0 / 3.5).abs() < 1e-12, "{f}");
    }

    #[test]
    fn mean_of_bdm_example_is_7_39() {
        // Weights at 4: .064+.006+.128+.05 = .248; at 7: .032+.005+.056 = .093; at 10: .336.
        // (4*.248 + 7*.093 + 10*.336) / .677 = 5.003 / .677 = 7.3900…
        let p = crate::data::bdm1994();
        let f = Compromise.point(&p)[0].unwrap();
        assert!((f - 5.003 / 0.677).abs() < 1e-9, "{f}");
    }

    #[test]
    fn median_hand_computed() {
        // Weights 1, 1, 3 at 0, 50, 100: 3 > 5/2, so the median is 100 (the mean would be 70).
        assert_eq!(
            weighted_median(&[0.0, 50.0, 100.0], &[1.0, 1.0, 3.0]),
            Some(100.0)
        );
        // Weights 2, 1, 2: cumulative 2, 3 > 2.5 → 50.
        assert_eq!(
            weighted_median(&[100.0, 50.0, 0.0], &[2.0, 1.0, 2.0]),
            Some(50.0)
        );
        // Exact tie between 20 and 60 (weights 1 and 1): the midpoint.
        assert_eq!(weighted_median(&[60.0, 20.0], &[1.0, 1.0]), Some(40.0));
        // Zero weights are ignored; no weight at all gives None.
        assert_eq!(weighted_median(&[0.0, 90.0], &[0.0, 1.0]), Some(90.0));
        assert_eq!(weighted_median(&[0.0, 90.0], &[0.0, 0.0]), None);
    }

    #[test]
    fn median_of_bdm_example_is_7() {
        // Cumulative .248 at 4, .341 at 7 > .677 / 2 = .3385.
        let p = crate::data::bdm1994();
        assert_eq!(WeightedMedian.point(&p)[0], Some(7.0));
    }

    #[test]
    fn median_is_condorcet_winner() {
        let x = [3.0, 9.0, 1.0, 7.0, 5.0];
        let w = [0.2, 0.9, 0.4, 0.3, 0.5];
        let m = weighted_median(&x, &w).unwrap();
        for &k in &x {
            let v: f64 = x
                .iter()
                .zip(&w)
                .map(|(xi, wi)| wi * ((xi - k).abs() - (xi - m).abs()))
                .sum();
            assert!(v >= -1e-12, "median {m} loses to {k}: {v}");
        }
    }
}
