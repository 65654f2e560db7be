//! Honest advice for one actor: the changes that bring a model's forecast closer to the actor's
//! position, ranked by their mean effect over Monte Carlo draws of the uncertain inputs (not on
//! the point forecast alone), each with the contest or bargain it works through.
//!
//! Rules: the actor never announces a position past its own red line, nor on the far side of
//! the forecast from its own position (a claim against itself); another actor is never asked to
//! move past its own red line; per issue, at most one change of each kind for each actor
//! (no "set salience to 80" next to "set salience to 60").
#![allow(clippy::needless_range_loop)] // index-heavy numeric code reads better with indices

use crate::io::StanceRanges;
use crate::model::{Interaction, IssueForecast, Model};
use crate::montecarlo::{perturb, NoiseSpec};
use crate::problem::Problem;
use crate::sensitivity::Change;
use rayon::prelude::*;
use serde::Serialize;

/// How advice is searched and ranked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AdviceOptions {
    /// Size of a change (points of the scale; salience points on 0–100).
    pub step: f64,
    /// Monte Carlo draws each change is evaluated on (0: the point forecast only).
    pub draws: usize,
    pub seed: u64,
    pub noise: NoiseSpec,
}

impl Default for AdviceOptions {
    fn default() -> Self {
        AdviceOptions {
            step: 10.0,
            draws: 100,
            seed: 1,
            noise: NoiseSpec::default(),
        }
    }
}

/// One piece of advice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// Index into `Problem::issues`.
    pub issue: usize,
    pub change: Change,
    /// Point forecast before and after the change.
    pub forecast_before: f64,
    pub forecast_after: f64,
    /// The actor's own position.
    pub target: f64,
    /// How much closer the point forecast gets (points).
    pub gain: f64,
    /// Mean over the draws of how much closer the forecast gets (the ranking key).
    pub mean_gain: f64,
    /// Share of draws in which the change brings the forecast closer.
    pub p_helps: f64,
    /// The contest or bargain the change works through, in words.
    pub through: String,
}

/// A one-issue copy of `p` (issue `d` only, with its red lines), for the per-issue models.
fn only_issue(p: &Problem, d: usize) -> Problem {
    let mut q = Problem::new(p.title.clone(), p.actors.clone());
    q.push_issue(p.issues[d].clone(), p.stances[d].clone());
    for a in 0..p.actors.len() {
        if let Some((lo, hi)) = p.red_line(d, a) {
            q.set_red_line(0, a, lo, hi);
        }
    }
    q
}

fn apply(q: &mut Problem, d: usize, a: usize, c: &Change) {
    let set = |q: &mut Problem, k: usize, pos: Option<f64>, sal: Option<f64>| {
        if let Some(st) = q.stances[d][k].as_mut() {
            if let Some(x) = pos {
                st.position = x;
            }
            if let Some(s) = sal {
                st.salience = (s / 100.0).clamp(0.0, 1.0);
            }
        }
    };
    match *c {
        Change::OwnPosition { to } => set(q, a, Some(to), None),
        Change::OwnSalience { to } => set(q, a, None, Some(to)),
        Change::PersuadePosition { actor, to } => set(q, actor, Some(to), None),
        Change::PersuadeSalience { actor, to } => set(q, actor, None, Some(to)),
    }
}

/// The group a change belongs to: one change per (subject actor, position/salience).
fn group(a: usize, c: &Change) -> (usize, bool) {
    match *c {
        Change::OwnPosition { .. } => (a, true),
        Change::OwnSalience { .. } => (a, false),
        Change::PersuadePosition { actor, .. } => (actor, true),
        Change::PersuadeSalience { actor, .. } => (actor, false),
    }
}

/// The candidate changes for actor `a` on issue `d` (see the module rules).
/// `points`: the only positions the issue allows (ordered options on their line), if any.
fn candidates(
    p: &Problem,
    d: usize,
    a: usize,
    before: f64,
    step: f64,
    points: Option<&[f64]>,
) -> Vec<Change> {
    let st = p.stances[d][a].expect("a stance");
    let target = st.position;
    let (lo, hi) = (
        p.issues[d].lo.min(p.issues[d].hi),
        p.issues[d].hi.max(p.issues[d].lo),
    );
    let (rl, rh) = p.red_line(d, a).unwrap_or((lo, hi));
    let mut out = Vec::new();
    let n_grid = (((hi - lo) / step).floor() as usize).min(1000);
    let grid: Vec<f64> = match points {
        Some(pts) => pts.to_vec(),
        None => (0..=n_grid).map(|k| lo + k as f64 * step).collect(),
    };
    for x in grid {
        // Own side of the forecast (or beyond its own position), inside its red line.
        let own_side = (x - before) * (target - before) >= 0.0 && (target - before).abs() > 1e-9;
        if (x - target).abs() > 1e-9 && own_side && x >= rl - 1e-9 && x <= rh + 1e-9 {
            out.push(Change::OwnPosition { to: x });
        }
    }
    for s in [st.salience + step / 100.0, st.salience - step / 100.0, 1.0] {
        let s = s.clamp(0.0, 1.0);
        if (s - st.salience).abs() > 1e-12 {
            out.push(Change::OwnSalience { to: s * 100.0 });
        }
    }
    for k in 0..p.actors.len() {
        let Some(sk) = p.stances[d][k].filter(|_| k != a) else {
            continue;
        };
        let dist = target - sk.position;
        if dist.abs() > 1e-9 {
            // One step toward `a`; on an options line, the next option toward it.
            let next = points.and_then(|pts| {
                pts.iter()
                    .copied()
                    .filter(|&x| (x - sk.position) * dist > 1e-9 && (x - target) * dist <= 1e-9)
                    .min_by(|x, y| (x - sk.position).abs().total_cmp(&(y - sk.position).abs()))
            });
            let mut to = next.unwrap_or(sk.position + dist.signum() * step.min(dist.abs()));
            if let Some((l, h)) = p.red_line(d, k) {
                to = to.clamp(l, h);
            }
            if (to - sk.position).abs() > 1e-9 {
                out.push(Change::PersuadePosition { actor: k, to });
            }
        }
        let ally = (sk.position - target).abs() < (before - target).abs();
        let s = if ally {
            (sk.salience + step / 100.0).min(1.0)
        } else {
            (sk.salience - step / 100.0).max(0.0)
        };
        if (s - sk.salience).abs() > 1e-12 {
            out.push(Change::PersuadeSalience {
                actor: k,
                to: s * 100.0,
            });
        }
    }
    out
}

/// The changes that bring `model`'s forecast closest to actor `a`'s position, per issue where
/// it has a stance, ranked by mean gain over `opts.draws` draws (the same draws for every
/// change). Only changes that help on the point forecast and on average are returned. Models
/// that forecast issue by issue are run on that issue alone; `joint` models (the SMP) on all.
/// `points[d]`, when given, lists the only positions issue `d` allows (ordered options on their
/// line, see [`crate::headline::option_point`]): announced and persuaded positions are among them.
pub fn advise(
    p: &Problem,
    ranges: &StanceRanges,
    model: &dyn Model,
    joint: bool,
    a: usize,
    opts: &AdviceOptions,
    points: &[Option<Vec<f64>>],
) -> Vec<Move> {
    let mut out = Vec::new();
    for d in 0..p.issues.len() {
        let Some(st) = p.stances[d][a] else { continue };
        // Per-issue models run on issue `d` alone; the draws perturb the whole problem (the
        // same draws as `forecast --monte-carlo`) and keep that issue.
        let (q, dd) = if joint {
            (p.clone(), d)
        } else {
            (only_issue(p, d), 0)
        };
        let Some(before) = model.point(&q)[dd] else {
            continue;
        };
        let target = st.position;
        // Point screen: every candidate, keeping the best of each group (and at most the three
        // best own positions) for the Monte Carlo ranking.
        let mut screened: Vec<(Change, f64, f64)> = Vec::new();
        let pts = points.get(d).and_then(|x| x.as_deref());
        for c in candidates(&q, dd, a, before, opts.step, pts) {
            let mut qc = q.clone();
            apply(&mut qc, dd, a, &c);
            if let Some(after) = model.point(&qc)[dd] {
                let gain = (before - target).abs() - (after - target).abs();
                if gain > 1e-9 {
                    screened.push((c, after, gain));
                }
            }
        }
        screened.sort_by(|x, y| y.2.total_cmp(&x.2));
        let mut kept: Vec<(Change, f64, f64)> = Vec::new();
        for s in screened {
            let g = group(a, &s.0);
            let same = kept.iter().filter(|k| group(a, &k.0) == g).count();
            if same < if g == (a, true) { 3 } else { 1 } {
                kept.push(s);
            }
        }
        // Monte Carlo ranking: the same draws with and without each change.
        let draws: Vec<Problem> = (0..opts.draws as u64)
            .map(|t| {
                let x = perturb(p, ranges, &opts.noise, opts.seed, t);
                if joint {
                    x
                } else {
                    only_issue(&x, d)
                }
            })
            .collect();
        // Draws in parallel, gathered in draw order and summed in that order: the same
        // result whatever the number of threads.
        let base: Vec<Option<f64>> = draws.par_iter().map(|x| model.point(x)[dd]).collect();
        let mut best: Vec<Move> = Vec::new();
        for (c, after, gain) in kept {
            let after_draws: Vec<Option<f64>> = draws
                .par_iter()
                .map(|x| {
                    let mut xc = x.clone();
                    apply(&mut xc, dd, a, &c);
                    model.point(&xc)[dd]
                })
                .collect();
            let (mut sum, mut helps, mut n) = (0.0, 0, 0);
            for (b0, b1) in base.iter().zip(&after_draws) {
                if let (Some(b0), Some(b1)) = (b0, b1) {
                    let g = (b0 - target).abs() - (b1 - target).abs();
                    sum += g;
                    helps += usize::from(g > 1e-9);
                    n += 1;
                }
            }
            let (mean_gain, p_helps) = if n > 0 {
                (sum / n as f64, helps as f64 / n as f64)
            } else {
                (gain, 1.0)
            };
            if mean_gain <= 1e-9 {
                continue;
            }
            let g = group(a, &c);
            if let Some(prev) = best.iter_mut().find(|m| group(a, &m.change) == g) {
                if mean_gain <= prev.mean_gain {
                    continue;
                }
                *prev = Move {
                    issue: d,
                    change: c,
                    forecast_before: before,
                    forecast_after: after,
                    target,
                    gain,
                    mean_gain,
                    p_helps,
                    through: String::new(),
                };
                continue;
            }
            best.push(Move {
                issue: d,
                change: c,
                forecast_before: before,
                forecast_after: after,
                target,
                gain,
                mean_gain,
                p_helps,
                through: String::new(),
            });
        }
        for m in best.iter_mut() {
            let mut qc = q.clone();
            apply(&mut qc, dd, a, &m.change);
            m.through = mechanism(&q, &qc, dd, model, group(a, &m.change).0);
        }
        out.extend(best);
    }
    out.sort_by(|x, y| {
        y.mean_gain
            .total_cmp(&x.mean_gain)
            .then(x.issue.cmp(&y.issue))
    });
    out
}

/// Words for the contest or bargain through which a change moves the forecast.
fn mechanism(before: &Problem, after: &Problem, d: usize, model: &dyn Model, who: usize) -> String {
    let name = |k: usize| before.actors[k].name.clone();
    match model.name() {
        "eum" => {
            let f0 = &model.forecast(before)[d];
            let f1 = &model.forecast(after)[d];
            eum_contest(f0, f1, who, &name).unwrap_or_else(|| {
                "the size of the EUM's moves (no pairwise contest changes its kind or winner; the \
                 compromises and the weighted median of the final positions shift)"
                    .into()
            })
        }
        "median" => {
            let piv = |p: &Problem| -> Option<String> {
                let f = model.point(p)[d]?;
                let (k, _) = (0..p.actors.len())
                    .filter_map(|k| p.stances[d][k].map(|s| (k, (s.position - f).abs())))
                    .min_by(|x, y| x.1.total_cmp(&y.1))?;
                Some(name(k))
            };
            match (piv(before), piv(after)) {
                (Some(x), Some(y)) if x != y => {
                    format!("the weighted vote: the pivotal (median) actor changes from {x} to {y}")
                }
                (Some(x), _) => format!("the weighted vote around the pivotal (median) actor {x}"),
                _ => "the weighted vote".into(),
            }
        }
        "mean" => format!(
            "the weighted compromise: {}'s capability × salience pulls the mean",
            name(who)
        ),
        "smp" => format!(
            "the SMP's bargains: {}'s offers and the pairwise contests it wins change",
            name(who)
        ),
        "nash" => format!(
            "the Nash bargain: {}'s weight or ideal point in the product of gains",
            name(who)
        ),
        other => format!("the {other} model"),
    }
}

/// The first EUM round in which a pair's classification changes, preferring pairs with `who`.
fn eum_contest(
    f0: &IssueForecast,
    f1: &IssueForecast,
    who: usize,
    name: &dyn Fn(usize) -> String,
) -> Option<String> {
    let kind = |k: Interaction| match k {
        Interaction::Conflict => "conflict",
        Interaction::Compromise => "compromise",
        Interaction::Compel => "compel",
        Interaction::StatusQuo => "status quo",
    };
    let desc = |k: Interaction, w: Option<usize>| match w {
        Some(w) => format!("{} won by {}", kind(k), name(w)),
        None => kind(k).to_string(),
    };
    for (r0, r1) in f0.rounds.iter().zip(&f1.rounds) {
        let mut changed: Vec<String> = Vec::new();
        for p0 in &r0.pairs {
            let Some(p1) = r1.pairs.iter().find(|p| p.a == p0.a && p.b == p0.b) else {
                continue;
            };
            if p0.kind != p1.kind || p0.winner != p1.winner {
                let s = format!(
                    "the EUM contest {}–{} in round {}: {} → {}",
                    name(p0.a),
                    name(p0.b),
                    r0.round + 1,
                    desc(p0.kind, p0.winner),
                    desc(p1.kind, p1.winner)
                );
                if p0.a == who || p0.b == who {
                    changed.insert(0, s);
                } else {
                    changed.push(s);
                }
            }
        }
        if let Some(first) = changed.into_iter().next() {
            return Some(first);
        }
    }
    None
}
