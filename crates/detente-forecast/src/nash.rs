//! The Nash bargaining solution on each issue: the point that maximises the product of the
//! actors' gains over the disagreement point, each gain raised to the actor's weight
//! (capability × salience, the asymmetric Nash solution).
//!
//! Utilities are linear in distance: u_i(x) = −|x − x_i|. With the status quo as the
//! disagreement point, the feasible set is where every actor gains, the intersection of the
//! intervals (x_i − |q − x_i|, x_i + |q − x_i|). On one line, when actors sit on both sides of
//! the status quo no move benefits everyone: the status quo itself is the solution (the output
//! says so in a note). Linked issues can still trade; that is the spatial model's and the deal
//! space's job.
#![allow(clippy::needless_range_loop)] // index-heavy numeric code reads better with indices

use crate::model::{IssueModel, Solved};
use crate::problem::IssueData;
use serde::Serialize;

/// What the actors get when bargaining fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disagreement {
    /// The issue's status quo; issues without one fall back to `WorstCase`.
    StatusQuo,
    /// Each actor's worst point on the scale (the scale end furthest from its position).
    WorstCase,
}

/// Options of the Nash bargaining model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NashOptions {
    pub disagreement: Disagreement,
}

impl Default for NashOptions {
    fn default() -> Self {
        NashOptions {
            disagreement: Disagreement::StatusQuo,
        }
    }
}

/// The asymmetric Nash bargaining solution per issue.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nash {
    pub options: NashOptions,
}

impl IssueModel for Nash {
    fn name(&self) -> &'static str {
        "nash"
    }
    fn solve(&self, d: &IssueData, scale: (f64, f64), status_quo: Option<f64>) -> Solved {
        let w = d.weights();
        let members: Vec<usize> = (0..d.len()).filter(|&i| w[i] > 0.0).collect();
        if members.is_empty() {
            return Solved {
                notes: vec!["no actor with positive capability × salience".into()],
                ..Default::default()
            };
        }
        let x = &d.position;
        let (xmin, xmax) = members
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &i| {
                (a.min(x[i]), b.max(x[i]))
            });
        let lo = scale.0.min(xmin);
        let hi = scale.1.max(xmax);
        let sq = match self.options.disagreement {
            Disagreement::StatusQuo => status_quo,
            Disagreement::WorstCase => None,
        };
        // Disagreement utility per actor (as a distance: the gain is dis_i − |x − x_i|).
        let dis: Vec<f64> = members
            .iter()
            .map(|&i| match sq {
                Some(q) => (q - x[i]).abs(),
                None => (x[i] - lo).abs().max((hi - x[i]).abs()),
            })
            .collect();
        // Feasible interval where every gain is positive.
        let mut a = f64::NEG_INFINITY;
        let mut b = f64::INFINITY;
        for (k, &i) in members.iter().enumerate() {
            a = a.max(x[i] - dis[k]);
            b = b.min(x[i] + dis[k]);
        }
        a = a.max(xmin);
        b = b.min(xmax);
        if a >= b || !a.is_finite() || !b.is_finite() {
            let q = sq.unwrap_or(0.5 * (xmin + xmax));
            return Solved {
                forecast: Some(q.clamp(xmin, xmax)),
                notes: vec![
                    "no point on this issue makes every actor better off than the status quo; \
                             the Nash solution is the status quo"
                        .into(),
                ],
                ..Default::default()
            };
        }
        // Σ w_i ln(gain_i) is concave on (a, b), so its derivative Σ w_i g_i'(t) / g_i(t) with
        // g_i'(t) = −sign(t − x_i) is decreasing: bisect on its sign to machine precision (a kink
        // where it jumps across zero is found the same way).
        let slope = |t: f64| -> f64 {
            members
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let g = (dis[k] - (t - x[i]).abs()).max(1e-300);
                    let dg = if t > x[i] {
                        -1.0
                    } else if t < x[i] {
                        1.0
                    } else {
                        0.0
                    };
                    w[i] * dg / g
                })
                .sum()
        };
        let (mut l, mut r) = (a, b);
        for _ in 0..200 {
            let m = 0.5 * (l + r);
            if m <= l || m >= r {
                break;
            }
            if slope(m) > 0.0 {
                l = m;
            } else {
                r = m;
            }
        }
        let mut notes = Vec::new();
        if sq.is_none() && self.options.disagreement == Disagreement::StatusQuo {
            notes.push("no status quo given: each actor's worst point on the scale is its disagreement point".into());
        }
        Solved {
            forecast: Some((0.5 * (l + r)).clamp(xmin, xmax)),
            rounds: Vec::new(),
            notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_worst_case_is_the_middle() {
        let d = IssueData::from_triples(&[(1.0, 0.0, 1.0), (1.0, 100.0, 1.0)]);
        let f = Nash::default()
            .solve(&d, (0.0, 100.0), None)
            .forecast
            .unwrap();
        assert!((f - 50.0).abs() < 1e-6, "{f}");
    }

    #[test]
    fn weights_pull_toward_the_stronger() {
        // Two actors at 0 and 100 with disagreement 100 each: maximise w1 ln(100 − t) + w2 ln(t)
        // → t = 100 w2 / (w1 + w2) = 25 for weights 3 and 1.
        let d = IssueData::from_triples(&[(3.0, 0.0, 1.0), (1.0, 100.0, 1.0)]);
        let f = Nash::default()
            .solve(&d, (0.0, 100.0), None)
            .forecast
            .unwrap();
        assert!((f - 25.0).abs() < 1e-6, "{f}");
    }

    #[test]
    fn status_quo_between_actors_is_the_solution() {
        let d = IssueData::from_triples(&[(1.0, 10.0, 1.0), (1.0, 90.0, 1.0)]);
        let s = Nash::default().solve(&d, (0.0, 100.0), Some(40.0));
        assert_eq!(s.forecast, Some(40.0));
        assert_eq!(s.notes.len(), 1);
    }

    #[test]
    fn status_quo_on_one_side_moves_toward_the_actors() {
        // Both actors prefer higher values than the status quo 0: gains 10 − |t − 10| and
        // 90 − |t − 90| (feasible (0, 20)); on (10, 20) maximise ln(20 − t) + ln(t) → t = 10.
        let d = IssueData::from_triples(&[(1.0, 10.0, 1.0), (1.0, 90.0, 1.0)]);
        let f = Nash::default()
            .solve(&d, (0.0, 100.0), Some(0.0))
            .forecast
            .unwrap();
        assert!((f - 10.0).abs() < 1e-6, "{f}");
    }
}
