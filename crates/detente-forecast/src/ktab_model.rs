//! `--model smp`: KTAB's spatial model ([`crate::ktab_smp`]) on a [`Problem`].
//!
//! Every issue is one dimension, rescaled from its scale to KTAB's [0, 1]. KTAB needs every
//! actor on every dimension with saliences summing to at most 1; a problem may not give that,
//! so: an actor absent from an issue gets salience 0 there and sits at the capability-weighted
//! mean of the others' positions (it then neither cares about nor pulls that dimension);
//! saliences summing to more than 1 are divided by their sum; actors with no salience anywhere
//! are left out (KTAB's distance is undefined for them). The forecast of each issue is the
//! expected outcome of the last state: its distinct positions weighted by their winning
//! probabilities (KTAB's last column of "History of actors' winning probabilities").
#![allow(clippy::needless_range_loop)]

use crate::ktab_params::{KtabOptions, KtabParams, DEFAULT_SEED};
use crate::ktab_smp::{run, Challenge, Schedule, SmpInput, SmpRunOut, MAX_ITER};
use crate::model::{IssueForecast, Model, Round};
use crate::problem::Problem;
use serde::Serialize;

/// KTAB's spatial model as a [`Model`].
#[derive(Debug, Clone, Copy, Default)]
pub struct KtabSmp {
    pub options: KtabOptions,
}

/// One challenge as reported on one issue: actor ids, and the bargains' coordinates on this
/// issue's scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChallengeOut {
    pub initiator: String,
    pub target: String,
    pub worth: f64,
    pub prob_by_initiator: f64,
    pub gain_to_target_by_initiator: f64,
    pub prob_by_target: f64,
    pub gain_to_initiator_by_target: f64,
    pub gain_to_target_by_target: f64,
    /// [initiator adopts, target adopts] from the initiator's view (KTAB brgnIIJ).
    pub initiator_view: [f64; 2],
    /// The same from the target's view (brgnJIJ).
    pub target_view: [f64; 2],
    /// The power-weighted compromise (brgnIJ).
    pub compromise: [f64; 2],
}

/// What KTAB's log shows of one state, beyond positions and risk attitudes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpRoundDetail {
    /// Each participant's winning probability in this state.
    pub win_prob: Vec<f64>,
    /// The challenges made from this state, in initiator order.
    pub challenges: Vec<ChallengeOut>,
}

/// A problem converted for KTAB: the run input and, per run actor, its problem index.
pub struct Converted {
    pub input: SmpInput,
    pub actors: Vec<usize>,
    /// (lo, width) of each issue's scale.
    pub scale: Vec<(f64, f64)>,
    pub notes: Vec<String>,
}

/// Convert a problem (see the module docs for the rules).
pub fn convert(p: &Problem) -> Converted {
    let nd = p.issues.len();
    let scale = p.unit_scales();
    let mut notes = Vec::new();
    let actors: Vec<usize> = (0..p.actors.len())
        .filter(|&a| (0..nd).any(|d| p.stances[d][a].is_some_and(|s| s.salience > 0.0)))
        .collect();
    let n = actors.len();
    let mut pos = vec![0.0; n * nd];
    let mut sal = vec![0.0; n * nd];
    for d in 0..nd {
        let (mut num, mut den) = (0.0, 0.0);
        for &a in &actors {
            if let Some(s) = p.stances[d][a] {
                num += p.actors[a].capability * (s.position - scale[d].0) / scale[d].1;
                den += p.actors[a].capability;
            }
        }
        let centre = if den > 0.0 { num / den } else { 0.5 };
        for (i, &a) in actors.iter().enumerate() {
            match p.stances[d][a] {
                Some(s) => {
                    pos[i * nd + d] = ((s.position - scale[d].0) / scale[d].1).clamp(0.0, 1.0);
                    sal[i * nd + d] = s.salience;
                }
                None => pos[i * nd + d] = centre,
            }
        }
    }
    let mut scaled = 0;
    for i in 0..n {
        let s: f64 = sal[i * nd..(i + 1) * nd].iter().sum();
        if s > 1.0 {
            sal[i * nd..(i + 1) * nd].iter_mut().for_each(|x| *x /= s);
            scaled += 1;
        }
    }
    if scaled > 0 {
        notes.push(format!(
            "{scaled} actor(s) had saliences summing to more than 1 across the issues; KTAB needs \
             at most 1, so they were divided by their sum"
        ));
    }
    if n < p.actors.len() {
        notes.push(format!(
            "{} actor(s) with no salience on any issue were left out",
            p.actors.len() - n
        ));
    }
    let accommodation = p.ktab.as_ref().and_then(|k| {
        if k.ideal_adjustment.is_empty() {
            return None;
        }
        let mut acc = vec![0.0; n * n];
        for i in 0..n {
            acc[i * n + i] = 1.0;
        }
        for &(a, b, w) in &k.ideal_adjustment {
            if let (Some(i), Some(j)) = (
                actors.iter().position(|&x| x == a),
                actors.iter().position(|&x| x == b),
            ) {
                acc[i * n + j] = w;
            }
        }
        Some(acc)
    });
    // KTAB adds fixed 1e-8 / 1e-10 to coalition strengths, so its runs depend (slightly) on the
    // unit of capability. Capabilities are scaled by the power of two that puts the largest in
    // [64, 128), an exact operation: any unit gives the same run, bit for bit.
    let cmax = actors
        .iter()
        .map(|&a| p.actors[a].capability)
        .fold(0.0, f64::max);
    let mut unit = 1.0;
    if cmax > 0.0 && cmax.is_finite() {
        while cmax * unit >= 128.0 {
            unit *= 0.5;
        }
        while cmax * unit < 64.0 {
            unit *= 2.0;
        }
    }
    Converted {
        input: SmpInput {
            n,
            nd,
            cap: actors
                .iter()
                .map(|&a| p.actors[a].capability * unit)
                .collect(),
            sal,
            pos,
            accommodation,
            bounds: if p.red_lines.is_empty() {
                Vec::new()
            } else {
                (0..n * nd)
                    .map(|k| {
                        let (a, d) = (actors[k / nd], k % nd);
                        p.red_line(d, a).map(|(lo, hi)| {
                            (
                                (lo - scale[d].0) / scale[d].1,
                                (hi - scale[d].0) / scale[d].1,
                            )
                        })
                    })
                    .collect()
            },
        },
        actors,
        scale,
        notes,
    }
}

impl KtabSmp {
    pub fn new(options: KtabOptions) -> Self {
        KtabSmp { options }
    }

    /// The parameters of a run on `p`: the options over the input's parameters (KTAB XML) or
    /// KTAB's defaults.
    pub fn params(&self, p: &Problem) -> KtabParams {
        let base = p.ktab.as_ref().and_then(|k| k.params).unwrap_or_default();
        self.options.apply(base)
    }

    /// The PRNG seed of a run on `p`.
    pub fn seed(&self, p: &Problem) -> u64 {
        self.options
            .seed
            .or_else(|| p.ktab.as_ref().and_then(|k| k.seed))
            .unwrap_or(DEFAULT_SEED)
    }

    /// Run on `p`; `detail` keeps every state's winning probabilities and challenges.
    pub fn run(
        &self,
        p: &Problem,
        schedule: Option<&Schedule>,
        detail: bool,
    ) -> (Converted, SmpRunOut) {
        let c = convert(p);
        let max = self.options.max_steps.unwrap_or(MAX_ITER);
        let out = run(
            &c.input,
            &self.params(p),
            self.seed(p),
            schedule,
            detail,
            max,
        );
        (c, out)
    }

    /// Forecast per issue from a run: the last state's distinct positions weighted by their
    /// winning probabilities (on the issue's scale).
    fn forecasts(c: &Converted, out: &SmpRunOut) -> Vec<Option<f64>> {
        let nd = c.input.nd;
        let Some(last) = out.states.last() else {
            return vec![None; nd];
        };
        let n = c.input.n;
        (0..nd)
            .map(|d| {
                if n == 0 {
                    return None;
                }
                // Actors at the same position share its probability: count it once.
                let mut seen: Vec<usize> = Vec::new();
                let (mut num, mut den) = (0.0, 0.0);
                for i in 0..n {
                    let same = seen.iter().any(|&k| {
                        (0..nd)
                            .map(|e| (last.pos[i * nd + e] - last.pos[k * nd + e]).powi(2))
                            .sum::<f64>()
                            .sqrt()
                            < crate::ktab_smp::POS_TOL
                    });
                    if same {
                        continue;
                    }
                    seen.push(i);
                    num += last.win_prob[i] * last.pos[i * nd + d];
                    den += last.win_prob[i];
                }
                let x = if den > 0.0 { num / den } else { 0.5 };
                Some(x * c.scale[d].1 + c.scale[d].0)
            })
            .collect()
    }

    fn stop_note(&self, p: &Problem, out: &SmpRunOut) -> String {
        let params: Vec<String> = self
            .params(p)
            .pairs()
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let how = if out.converged {
            format!(
                "stopped after {} step(s): the last step moved {:.4} of the first step's total \
                 (target 0.02)",
                out.states.len().saturating_sub(1),
                out.last_ratio
            )
        } else {
            format!(
                "stopped at the step cap after {} step(s) (last/first move {:.4}, target 0.02)",
                out.states.len().saturating_sub(1),
                out.last_ratio
            )
        };
        format!("KTAB SMP ({}); {how}", params.join(", "))
    }
}

fn challenge_out(p: &Problem, c: &Converted, ch: &Challenge, d: usize) -> ChallengeOut {
    let (lo, w) = c.scale[d];
    let x = |v: &[f64; 2]| [v[0] * w + lo, v[1] * w + lo];
    let pair = |v: &[Vec<f64>; 2]| x(&[v[0][d], v[1][d]]);
    ChallengeOut {
        initiator: p.actors[c.actors[ch.initiator]].id.clone(),
        target: p.actors[c.actors[ch.target]].id.clone(),
        worth: ch.worth,
        prob_by_initiator: ch.prob_by_initiator,
        gain_to_target_by_initiator: ch.gain_to_target_by_initiator,
        prob_by_target: ch.prob_by_target,
        gain_to_initiator_by_target: ch.gain_to_initiator_by_target,
        gain_to_target_by_target: ch.gain_to_target_by_target,
        initiator_view: pair(&ch.initiator_view),
        target_view: pair(&ch.target_view),
        compromise: pair(&ch.compromise),
    }
}

/// Most actors KTAB's spatial model takes (KTAB's `maxNumActor`): each state costs O(actors³).
pub const MAX_ACTORS: usize = 250;

/// Actors that would take part (positive salience somewhere).
fn participants(p: &Problem) -> usize {
    (0..p.actors.len())
        .filter(|&a| (0..p.issues.len()).any(|d| p.stances[d][a].is_some_and(|s| s.salience > 0.0)))
        .count()
}

fn too_many(p: &Problem) -> Option<Vec<IssueForecast>> {
    let n = participants(p);
    (n > MAX_ACTORS).then(|| {
        (0..p.issues.len())
            .map(|d| IssueForecast {
                issue: d,
                forecast: None,
                actors: Vec::new(),
                rounds: Vec::new(),
                notes: vec![format!(
                    "KTAB's spatial model takes at most {MAX_ACTORS} actors (KTAB's limit; each \
                     state costs actors³); this input has {n}: merge minor actors or use \
                     --model smp-detente"
                )],
            })
            .collect()
    })
}

impl Model for KtabSmp {
    fn name(&self) -> &'static str {
        "smp"
    }
    fn forecast(&self, p: &Problem) -> Vec<IssueForecast> {
        if let Some(f) = too_many(p) {
            return f;
        }
        let (c, out) = self.run(p, None, true);
        let forecasts = Self::forecasts(&c, &out);
        let nd = c.input.nd;
        let note = self.stop_note(p, &out);
        (0..nd)
            .map(|d| {
                let (lo, w) = c.scale[d];
                let members: Vec<usize> = (0..c.actors.len())
                    .filter(|&i| p.stances[d][c.actors[i]].is_some())
                    .collect();
                let wts: Vec<f64> = members
                    .iter()
                    .map(|&i| {
                        let a = c.actors[i];
                        p.actors[a].capability * p.stances[d][a].map_or(0.0, |s| s.salience)
                    })
                    .collect();
                let rounds = out
                    .states
                    .iter()
                    .enumerate()
                    .map(|(k, st)| {
                        let x: Vec<f64> = members
                            .iter()
                            .map(|&i| st.pos[i * nd + d] * w + lo)
                            .collect();
                        let detail = SmpRoundDetail {
                            win_prob: members.iter().map(|&i| st.win_prob[i]).collect(),
                            challenges: st
                                .challenges
                                .iter()
                                .map(|ch| challenge_out(p, &c, ch, d))
                                .collect(),
                        };
                        Round {
                            round: k,
                            median: crate::baseline::weighted_median(&x, &wts).unwrap_or(f64::NAN),
                            mean: crate::baseline::weighted_mean(&x, &wts).unwrap_or(f64::NAN),
                            positions: x,
                            risk: members.iter().map(|&i| st.risk[i]).collect(),
                            pairs: Vec::new(),
                            smp: Some(Box::new(detail)),
                        }
                    })
                    .collect();
                let mut notes = vec![note.clone()];
                notes.extend(c.notes.iter().cloned());
                IssueForecast {
                    issue: d,
                    forecast: forecasts[d],
                    actors: members.iter().map(|&i| c.actors[i]).collect(),
                    rounds,
                    notes,
                }
            })
            .collect()
    }
    fn point(&self, p: &Problem) -> Vec<Option<f64>> {
        if participants(p) > MAX_ACTORS {
            return vec![None; p.issues.len()];
        }
        let (c, out) = self.run(p, None, false);
        Self::forecasts(&c, &out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ktab_params::param_help;
    use crate::problem::{ActorInfo, IssueInfo, StancePoint};

    fn problem(n: usize, nd: usize) -> Problem {
        let actors = (0..n)
            .map(|i| ActorInfo {
                id: format!("a{i}"),
                name: format!("a{i}"),
                capability: 10.0 + (i * 37 % 90) as f64,
            })
            .collect();
        let mut p = Problem::new("t", actors);
        for d in 0..nd {
            let st = (0..n)
                .map(|i| {
                    Some(StancePoint {
                        position: ((i * 53 + d * 29) % 101) as f64,
                        salience: 0.1 + ((i + 3 * d) % 5) as f64 * 0.05,
                    })
                })
                .collect();
            p.push_issue(
                IssueInfo {
                    id: format!("d{d}"),
                    title: format!("d{d}"),
                    lo: 0.0,
                    hi: 100.0,
                    status_quo: None,
                    outcome: None,
                },
                st,
            );
        }
        p
    }

    #[test]
    fn every_parameter_value_runs_within_the_positions() {
        let p = problem(6, 2);
        for (key, names) in param_help() {
            for v in names {
                let mut o = KtabOptions::default();
                o.set(key, v).unwrap();
                let m = KtabSmp::new(o);
                let (_, out) = m.run(&p, None, false);
                assert!(
                    out.states.len() >= 2 && out.states.len() <= 101,
                    "{key}={v}"
                );
                for (d, f) in m.point(&p).into_iter().enumerate() {
                    let f = f.unwrap_or_else(|| panic!("{key}={v}: no forecast"));
                    let xs: Vec<f64> = p.stances[d].iter().flatten().map(|s| s.position).collect();
                    let lo = xs.iter().cloned().fold(f64::INFINITY, f64::min);
                    let hi = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    assert!(
                        f >= lo - 1e-9 && f <= hi + 1e-9,
                        "{key}={v}: {f} outside [{lo}, {hi}]"
                    );
                }
            }
        }
    }

    #[test]
    fn stochastic_runs_repeat_with_the_seed_and_vary_with_it() {
        let p = problem(7, 2);
        let run = |seed: u64| {
            let mut o = KtabOptions::default();
            o.set("StateTransitions", "Stochastic").unwrap();
            o.seed = Some(seed);
            KtabSmp::new(o).run(&p, None, false).1
        };
        assert_eq!(run(5), run(5));
        assert!((1..20).any(|s| run(s).states != run(0).states));
    }

    #[test]
    fn degenerate_inputs_give_finite_answers() {
        // One actor: it stays where it is.
        let one = problem(1, 2);
        let f = KtabSmp::default().point(&one);
        assert!(
            (f[0].unwrap() - 0.0).abs() < 1e-9 && (f[1].unwrap() - 29.0).abs() < 1e-9,
            "{f:?}"
        );
        // Nobody with capability: every contest is a tie, positions stay inside the range.
        let mut zero = problem(5, 2);
        zero.actors.iter_mut().for_each(|a| a.capability = 0.0);
        for x in KtabSmp::default().point(&zero) {
            let x = x.unwrap();
            assert!(x.is_finite() && (0.0..=100.0).contains(&x), "{x}");
        }
        // Nobody with salience: no participant, no forecast.
        let mut none = problem(3, 1);
        none.stances[0]
            .iter_mut()
            .for_each(|s| s.as_mut().unwrap().salience = 0.0);
        assert_eq!(KtabSmp::default().point(&none), vec![None]);
    }

    #[test]
    fn too_many_actors_is_a_note_not_a_hang() {
        let p = problem(MAX_ACTORS + 1, 1);
        let f = KtabSmp::default().forecast(&p);
        assert_eq!(f[0].forecast, None);
        assert!(f[0].notes[0].contains("at most 250"), "{:?}", f[0].notes);
    }
}
