//! `smp-detente`: detente's own multi-dimensional spatial model, in the spirit of KTAB's SMP
//! (Spatial Model of Politics) but a different model (`--model smp` is KTAB's algorithm, see
//! [`crate::ktab_smp`]).
//!
//! Linked issues are forecast together. Each actor has an ideal point (its initial positions)
//! and a current position across all dimensions; its utility for a point is
//! `1 − Σ_d s_d |ideal_d − y_d|` on positions rescaled to [0, 1] (salience-weighted distance
//! across dimensions). Each round:
//!
//! 1. Every ordered pair (i, j) of current positions is put to a probabilistic Condorcet
//!    contest: voter k backs i with strength `c_k (u_k(y_i) − u_k(y_j))`; with S_i and S_j the
//!    total strength behind each side, P(i beats j) = S_i / (S_i + S_j) (`Linear`) or
//!    S_i² / (S_i² + S_j²) (`Quadratic`).
//! 2. i proposes to j the bargain B_ij which, on each dimension, is the mean of y_i and y_j
//!    weighted by each side's win probability times its salience there: each side concedes
//!    most where it cares least, which is how linked issues trade. i proposes only when it
//!    prefers B_ij to y_j.
//! 3. j accepts, of the bargains it prefers to fighting (expected utility
//!    P_ij u_j(y_i) + P_ji u_j(y_j)), the one it likes best. Everyone moves at once.
//!
//! The process stops when no position moves more than the tolerance, or after `max_rounds`.
//! The forecast is KTAB's probabilistic Condorcet election (PCE) over the final positions: the
//! stationary distribution of the Markov chain in which the current winner is challenged by a
//! random other position and replaced with the contest's win probability; the forecast on each
//! dimension is the probability-weighted mean of the positions. It always lies within the range
//! of the positions.
//!
//! This is not a line-by-line port of KTAB (whose SMP has many more options, e.g. stochastic
//! state transitions); it keeps KTAB's core ideas: votes weighted by capability and
//! salience-weighted utility, probabilistic contests, interpolated bargains, PCE.
#![allow(clippy::needless_range_loop)]

use crate::baseline::{weighted_mean, weighted_median};
use crate::model::{IssueForecast, Model, Round};
use crate::problem::Problem;
use serde::Serialize;

/// How contest strength turns into a win probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VictoryModel {
    /// S_i / (S_i + S_j) (KTAB `Linear`).
    Linear,
    /// S_i² / (S_i² + S_j²) (KTAB `Square`): the stronger side wins more often.
    Quadratic,
}

/// Options of the spatial model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SmpOptions {
    pub victory: VictoryModel,
    /// Stop after this many rounds at most (`max-rounds`, default 50).
    pub max_rounds: usize,
    /// The convergence stop (`tolerance`, default 1e-3): stop when no coordinate, rescaled to
    /// [0, 1] by its issue's scale, moves more than this in a round (1e-3 = 0.1 point on a
    /// 0–100 scale). 0 always bargains for `max_rounds`. Positions converge geometrically
    /// and slowly (on the flagship scenario the largest move shrinks by about 8 % a round), so
    /// a looser tolerance stops much earlier but moves the forecast: see docs/forecast.md.
    pub tolerance: f64,
}

impl Default for SmpOptions {
    fn default() -> Self {
        SmpOptions {
            victory: VictoryModel::Linear,
            max_rounds: 50,
            tolerance: 1e-3,
        }
    }
}

/// The spatial model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Smp {
    pub options: SmpOptions,
}

/// Result of one run: per round, every participant's position on every dimension (original
/// scale), and the PCE forecast per dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct SmpRun {
    /// Participants (indices into `Problem::actors`).
    pub actors: Vec<usize>,
    /// `positions[round][participant][dim]` on the original scale.
    pub positions: Vec<Vec<Vec<f64>>>,
    /// PCE probability of each participant's final position.
    pub pce: Vec<f64>,
    /// Forecast per dimension (`None` when nobody with weight takes part).
    pub forecast: Vec<Option<f64>>,
    /// Rounds of bargaining computed.
    pub rounds: usize,
    /// Whether the convergence stop ended the bargaining (no coordinate moved more than
    /// `tolerance` in the last round, or nothing left to bargain over) rather than `max_rounds`.
    pub converged: bool,
    /// The largest move of any coordinate (rescaled to [0, 1]) in the last round computed.
    pub last_move: f64,
}

impl Smp {
    pub fn new(options: SmpOptions) -> Self {
        Smp { options }
    }

    /// Run the model on all dimensions of `p`; `trace` keeps every round's positions.
    pub fn run(&self, p: &Problem, trace: bool) -> SmpRun {
        let nd = p.issues.len();
        let actors: Vec<usize> = (0..p.actors.len())
            .filter(|&a| (0..nd).any(|d| p.stances[d][a].is_some()))
            .collect();
        let n = actors.len();
        let scale = p.unit_scales();
        let mut ideal = vec![0.0; n * nd];
        let mut sal = vec![0.0; n * nd];
        let mut present = vec![false; n * nd];
        for (ai, &a) in actors.iter().enumerate() {
            for d in 0..nd {
                if let Some(st) = p.stances[d][a] {
                    ideal[ai * nd + d] = (st.position - scale[d].0) / scale[d].1;
                    sal[ai * nd + d] = st.salience;
                    present[ai * nd + d] = true;
                }
            }
        }
        // Each actor's acceptable range per dimension (its red line), rescaled like `ideal`.
        let bounds: Vec<Option<(f64, f64)>> = (0..n * nd)
            .map(|k| {
                let (a, d) = (actors[k / nd], k % nd);
                p.red_line(d, a).map(|(lo, hi)| {
                    (
                        (lo - scale[d].0) / scale[d].1,
                        (hi - scale[d].0) / scale[d].1,
                    )
                })
            })
            .collect();
        let cs = p.capability_scale();
        let cap: Vec<f64> = actors
            .iter()
            .map(|&a| p.actors[a].capability / cs)
            .collect();
        let mut y = ideal.clone();
        let to_orig = |y: &[f64]| -> Vec<Vec<f64>> {
            (0..n)
                .map(|i| {
                    (0..nd)
                        .map(|d| y[i * nd + d] * scale[d].1 + scale[d].0)
                        .collect()
                })
                .collect()
        };
        let mut positions = Vec::new();
        if trace {
            positions.push(to_orig(&y));
        }
        let mut u = vec![0.0; n * n]; // u[k*n + a] = u_k(y_a)
        let mut prob = vec![0.0; n * n];
        let mut next = y.clone();
        let mut bargain = vec![0.0; nd];
        let mut best = vec![0.0; nd];
        // Only actors with capability vote; their utilities are also kept voter-major by
        // position (uv[a*nv + v] = u_voter_v(y_a)) so that each contest reads contiguous memory.
        let voters: Vec<usize> = (0..n).filter(|&k| cap[k] > 0.0).collect();
        let mut uv = vec![0.0; n * voters.len()];
        // Actors present on every dimension with a positive salience (bargaining fast path).
        let full: Vec<bool> = (0..n)
            .map(|i| (0..nd).all(|d| present[i * nd + d] && sal[i * nd + d] > 0.0))
            .collect();
        let mut rounds_run = 0;
        let mut converged = n < 2;
        let mut last_move = 0.0;
        for _round in 0..self.options.max_rounds {
            if detente_scenario::cancelled() {
                break; // the caller (a server run) was cancelled; the result is dropped
            }
            if n < 2 {
                break;
            }
            rounds_run += 1;
            self.utilities(&ideal, &sal, &y, n, nd, &mut u);
            self.contests(&cap, &u, n, &voters, &mut uv, &mut prob);
            next.copy_from_slice(&y);
            let mut moved: f64 = 0.0;
            for j in 0..n {
                let mut best_u = f64::NEG_INFINITY;
                let mut found = false;
                let yj = &y[j * nd..(j + 1) * nd];
                for i in 0..n {
                    // Same position on every dimension: the bargain is y_j (up to rounding far
                    // below the 1e-12 margin), which i does not prefer to y_j: no proposal.
                    if i == j || y[i * nd..(i + 1) * nd] == *yj {
                        continue;
                    }
                    let pij = prob[i * n + j];
                    // i never beats j: the bargain is y_j up to rounding (an ulp), which i does
                    // not prefer to y_j by the 1e-12 margin below: no proposal.
                    if pij == 0.0 {
                        continue;
                    }
                    let pji = prob[j * n + i];
                    // Fast path (both on every dimension with salience > 0, and j can win): a
                    // branch-free loop the compiler vectorises; the same operations in the same
                    // order as the general rule, so the same bits. Falls back to the general rule
                    // if a weight underflows to 0.
                    let mut done = false;
                    if full[i] && full[j] && pji > 0.0 {
                        let (si, sj) = (&sal[i * nd..(i + 1) * nd], &sal[j * nd..(j + 1) * nd]);
                        let yi = &y[i * nd..(i + 1) * nd];
                        let mut ok = true;
                        for d in 0..nd {
                            let a = pij * si[d];
                            let b = pji * sj[d];
                            ok &= a + b > 0.0;
                            bargain[d] = (a * yi[d] + b * yj[d]) / (a + b);
                        }
                        done = ok;
                    }
                    if !done {
                        // The general rule, written with selects instead of branches (the
                        // divisions overlap instead of waiting on mispredicted jumps); y_j / 1
                        // is y_j exactly, so the values are the same bits as the branches'.
                        for d in 0..nd {
                            let both = present[i * nd + d] & present[j * nd + d];
                            let (yid, yjd) = (y[i * nd + d], y[j * nd + d]);
                            let a = pij * sal[i * nd + d];
                            let b = pji * sal[j * nd + d];
                            let (num, den) = if a + b > 0.0 {
                                (a * yid + b * yjd, a + b)
                            } else if pij + pji > 0.0 {
                                (pij * yid + pji * yjd, pij + pji)
                            } else {
                                (yjd, 1.0)
                            };
                            let (num, den) = if both { (num, den) } else { (yjd, 1.0) };
                            bargain[d] = num / den;
                        }
                    }
                    // i proposes only if it prefers the bargain to j's current position.
                    let ui_b = utility(&ideal, &sal, i, nd, &bargain);
                    if ui_b <= u[i * n + j] + 1e-12 {
                        continue;
                    }
                    // j accepts if the bargain beats fighting.
                    let uj_b = utility(&ideal, &sal, j, nd, &bargain);
                    let fight = pij * u[j * n + i] + pji * u[j * n + j];
                    if uj_b + 1e-12 < fight {
                        continue;
                    }
                    if uj_b > best_u + 1e-12
                        || (found && (uj_b - best_u).abs() <= 1e-12 && bargain < best)
                    {
                        best_u = uj_b;
                        best.copy_from_slice(&bargain);
                        found = true;
                    }
                }
                if found {
                    for d in 0..nd {
                        // Never past the actor's own red line (rescaled; no-op without one).
                        let to = match bounds[j * nd + d] {
                            Some((lo, hi)) => best[d].clamp(lo, hi),
                            None => best[d],
                        };
                        moved = moved.max((to - y[j * nd + d]).abs());
                        next[j * nd + d] = to;
                    }
                }
            }
            std::mem::swap(&mut y, &mut next);
            if trace {
                positions.push(to_orig(&y));
            }
            last_move = moved;
            if moved <= self.options.tolerance {
                converged = true;
                break;
            }
        }
        // PCE over the final positions.
        let pce = if n == 0 {
            Vec::new()
        } else if n == 1 {
            vec![1.0]
        } else {
            self.utilities(&ideal, &sal, &y, n, nd, &mut u);
            self.contests(&cap, &u, n, &voters, &mut uv, &mut prob);
            stationary(&prob, n)
        };
        let forecast = (0..nd)
            .map(|d| {
                let (mut num, mut den) = (0.0, 0.0);
                let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                for i in 0..n {
                    if present[i * nd + d] {
                        let v = y[i * nd + d] * scale[d].1 + scale[d].0;
                        num += pce[i] * v;
                        den += pce[i];
                        lo = lo.min(v);
                        hi = hi.max(v);
                    }
                }
                if den > 0.0 {
                    Some((num / den).clamp(lo, hi))
                } else {
                    None
                }
            })
            .collect();
        if !trace {
            positions.push(to_orig(&y));
        }
        SmpRun {
            actors,
            positions,
            pce,
            forecast,
            rounds: rounds_run,
            converged,
            last_move,
        }
    }

    fn utilities(&self, ideal: &[f64], sal: &[f64], y: &[f64], n: usize, nd: usize, u: &mut [f64]) {
        for k in 0..n {
            for a in 0..n {
                u[k * n + a] = utility(ideal, sal, k, nd, &y[a * nd..a * nd + nd]);
            }
        }
    }

    fn contests(
        &self,
        cap: &[f64],
        u: &[f64],
        n: usize,
        voters: &[usize],
        uv: &mut [f64],
        prob: &mut [f64],
    ) {
        let nv = voters.len();
        for a in 0..n {
            for (v, &k) in voters.iter().enumerate() {
                uv[a * nv + v] = u[k * n + a];
            }
        }
        let cv: Vec<f64> = voters.iter().map(|&k| cap[k]).collect();
        for i in 0..n {
            prob[i * n + i] = 0.5;
            let ui = &uv[i * nv..(i + 1) * nv];
            for j in (i + 1)..n {
                let uj = &uv[j * nv..(j + 1) * nv];
                let (mut si, mut sj) = (0.0, 0.0);
                for v in 0..nv {
                    let d = cv[v] * (ui[v] - uj[v]);
                    // Branch-free (adding or subtracting +0.0 leaves the sums unchanged, so
                    // this is the same as `if d > 0 { si += d } else { sj -= d }`).
                    let pos = d > 0.0;
                    si += if pos { d } else { 0.0 };
                    sj -= if pos { 0.0 } else { d };
                }
                let (a, b) = match self.options.victory {
                    VictoryModel::Linear => (si, sj),
                    VictoryModel::Quadratic => (si * si, sj * sj),
                };
                let pij = if a + b > 0.0 { a / (a + b) } else { 0.5 };
                prob[i * n + j] = pij;
                prob[j * n + i] = 1.0 - pij;
            }
        }
    }
}

fn utility(ideal: &[f64], sal: &[f64], k: usize, nd: usize, point: &[f64]) -> f64 {
    let mut acc = 0.0;
    for d in 0..nd {
        acc += sal[k * nd + d] * (ideal[k * nd + d] - point[d]).abs();
    }
    1.0 - acc
}

/// Stationary distribution of the PCE Markov chain: from state a, a random other position b
/// challenges and wins with P(b beats a). Solved directly: π (M − I) = 0 with Σ π = 1, by
/// Gaussian elimination with partial pivoting (O(n³), exact up to rounding).
fn stationary(prob: &[f64], n: usize) -> Vec<f64> {
    let inv = 1.0 / (n - 1) as f64;
    // Row b of A is the balance equation of state b: Σ_a π_a M[a][b] − π_b = 0; the last row is
    // replaced by Σ π = 1.
    let mut a = vec![0.0; n * (n + 1)];
    let w = n + 1;
    for b in 0..n {
        for s in 0..n {
            let m = if s == b {
                1.0 - (0..n)
                    .filter(|&c| c != s)
                    .map(|c| prob[c * n + s] * inv)
                    .sum::<f64>()
            } else {
                prob[b * n + s] * inv
            };
            a[b * w + s] = m - if s == b { 1.0 } else { 0.0 };
        }
    }
    for s in 0..n {
        a[(n - 1) * w + s] = 1.0;
    }
    a[(n - 1) * w + n] = 1.0;
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&x, &y| a[x * w + col].abs().total_cmp(&a[y * w + col].abs()))
            .unwrap();
        if a[piv * w + col].abs() < 1e-300 {
            return vec![1.0 / n as f64; n]; // degenerate chain: no information
        }
        if piv != col {
            for k in 0..w {
                a.swap(piv * w + k, col * w + k);
            }
        }
        let d = a[col * w + col];
        for row in 0..n {
            if row != col {
                let f = a[row * w + col] / d;
                if f != 0.0 {
                    for k in col..w {
                        a[row * w + k] -= f * a[col * w + k];
                    }
                }
            }
        }
    }
    let mut pi: Vec<f64> = (0..n)
        .map(|i| (a[i * w + n] / a[i * w + i]).max(0.0))
        .collect();
    let s: f64 = pi.iter().sum();
    if s > 0.0 {
        pi.iter_mut().for_each(|v| *v /= s);
    }
    pi
}

impl Smp {
    /// Which stopping rule ended the bargaining, for the output's notes.
    pub fn stop_note(&self, run: &SmpRun) -> String {
        let o = &self.options;
        if run.converged {
            format!(
                "bargaining converged after {} round(s): no position moved more than {} of the \
                 issue's range in the last round (tolerance = {}, max-rounds = {})",
                run.rounds, o.tolerance, o.tolerance, o.max_rounds
            )
        } else {
            format!(
                "bargaining stopped at max-rounds = {} before converging: the largest move in \
                 the last round was {:.2e} of the issue's range (tolerance = {})",
                o.max_rounds, run.last_move, o.tolerance
            )
        }
    }
}

impl Model for Smp {
    fn name(&self) -> &'static str {
        "smp-detente"
    }
    fn forecast(&self, p: &Problem) -> Vec<IssueForecast> {
        let run = self.run(p, true);
        (0..p.issues.len())
            .map(|d| {
                let members: Vec<usize> = (0..run.actors.len())
                    .filter(|&i| p.stances[d][run.actors[i]].is_some())
                    .collect();
                let w: Vec<f64> = members
                    .iter()
                    .map(|&i| {
                        let a = run.actors[i];
                        p.actors[a].capability * p.stances[d][a].map(|s| s.salience).unwrap_or(0.0)
                    })
                    .collect();
                let rounds = run
                    .positions
                    .iter()
                    .enumerate()
                    .map(|(k, pos)| {
                        let x: Vec<f64> = members.iter().map(|&i| pos[i][d]).collect();
                        Round {
                            round: k,
                            median: weighted_median(&x, &w).unwrap_or(f64::NAN),
                            mean: weighted_mean(&x, &w).unwrap_or(f64::NAN),
                            positions: x,
                            risk: Vec::new(),
                            pairs: Vec::new(),
                            smp: None,
                        }
                    })
                    .collect();
                IssueForecast {
                    issue: d,
                    forecast: run.forecast[d],
                    actors: members.iter().map(|&i| run.actors[i]).collect(),
                    rounds,
                    notes: vec![self.stop_note(&run)],
                }
            })
            .collect()
    }
    fn point(&self, p: &Problem) -> Vec<Option<f64>> {
        self.run(p, false).forecast
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{ActorInfo, IssueInfo, StancePoint};

    fn two_dims() -> Problem {
        // A cares about dim 0, B about dim 1: the bargain gives each what it cares about.
        let actors = ["A", "B"]
            .iter()
            .map(|n| ActorInfo {
                id: n.to_string(),
                name: n.to_string(),
                capability: 1.0,
            })
            .collect();
        let mut p = Problem::new("t", actors);
        for (d, (sa, sb)) in [(0.9, 0.1), (0.1, 0.9)].iter().enumerate() {
            p.push_issue(
                IssueInfo {
                    id: format!("d{d}"),
                    title: format!("d{d}"),
                    lo: 0.0,
                    hi: 100.0,
                    status_quo: None,
                    outcome: None,
                },
                vec![
                    Some(StancePoint {
                        position: 0.0,
                        salience: *sa,
                    }),
                    Some(StancePoint {
                        position: 100.0,
                        salience: *sb,
                    }),
                ],
            );
        }
        p
    }

    #[test]
    fn linked_issues_trade() {
        let run = Smp::default().run(&two_dims(), true);
        let f0 = run.forecast[0].unwrap();
        let f1 = run.forecast[1].unwrap();
        // A (at 0) wins dim 0, B (at 100) wins dim 1.
        assert!(f0 < 20.0, "{f0}");
        assert!(f1 > 80.0, "{f1}");
        // Symmetric data, symmetric answer.
        assert!((f0 - (100.0 - f1)).abs() < 1e-9);
    }

    #[test]
    fn convergence_stop_ends_bargaining_early() {
        let p = crate::data::bdm1994();
        let run = |tolerance: f64| {
            Smp::new(SmpOptions {
                tolerance,
                max_rounds: 200,
                ..SmpOptions::default()
            })
            .run(&p, true)
        };
        let (loose, never) = (run(1e-2), run(0.0));
        assert!(
            loose.converged && loose.last_move <= 1e-2,
            "{}",
            loose.last_move
        );
        assert!(
            loose.rounds < never.rounds,
            "{} vs {}",
            loose.rounds,
            never.rounds
        );
        assert_eq!(loose.positions.len(), loose.rounds + 1);
        // Up to the stop both runs are the same process.
        assert_eq!(loose.positions[..], never.positions[..loose.rounds + 1]);
        let note = Smp::default().stop_note(&loose);
        assert!(note.contains("converged"), "{note}");
    }

    #[test]
    fn pce_prefers_the_stronger_position() {
        let p = Problem::single("x", &[("a", 3.0, 10.0, 1.0), ("b", 1.0, 90.0, 1.0)]);
        let run = Smp::default().run(&p, false);
        assert!(run.forecast[0].unwrap() < 50.0);
        let s: f64 = run.pce.iter().sum();
        assert!((s - 1.0).abs() < 1e-9);
    }

    #[test]
    fn stationary_solves_the_chain() {
        // Power iteration as the reference.
        let n = 4;
        let raw = [
            0.5, 0.7, 0.2, 0.9, 0.3, 0.5, 0.6, 0.1, 0.8, 0.4, 0.5, 0.35, 0.1, 0.9, 0.65, 0.5,
        ];
        let mut prob = raw.to_vec();
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    prob[j * n + i] = 1.0 - prob[i * n + j];
                }
            }
        }
        let pi = stationary(&prob, n);
        let mut p = vec![0.25; n];
        for _ in 0..20_000 {
            let mut nx = vec![0.0; n];
            for a in 0..n {
                let mut leave = 0.0;
                for b in 0..n {
                    if a != b {
                        let t = p[a] * prob[b * n + a] / 3.0;
                        nx[b] += t;
                        leave += t;
                    }
                }
                nx[a] += p[a] - leave;
            }
            p = nx;
        }
        for i in 0..n {
            assert!((pi[i] - p[i]).abs() < 1e-12, "{pi:?} vs {p:?}");
        }
    }

    #[test]
    fn ktab_three_dims_runs() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/reference/ktab/dummyData_3Dim.csv"
        ));
        let Ok(text) = text else { return };
        let p = crate::io::read_table("dummyData_3Dim.csv", &text).unwrap();
        let f = Smp::default().forecast(&p);
        assert_eq!(f.len(), 3);
        for (d, fc) in f.iter().enumerate() {
            let x: Vec<f64> = p.stances[d].iter().flatten().map(|s| s.position).collect();
            let v = fc.forecast.unwrap();
            assert!(
                x.iter().any(|&a| a <= v) && x.iter().any(|&a| a >= v),
                "dim {d}: {v}"
            );
        }
    }
}
