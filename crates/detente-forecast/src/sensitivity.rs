//! Sensitivity analysis: which input moves a forecast most (tornado), and what one actor can
//! do to bring the forecast closer to its own position (advice).
#![allow(clippy::needless_range_loop)] // index-heavy numeric code reads better with indices

use crate::model::Model;
use crate::problem::Problem;
use serde::Serialize;

/// The input moved in a sensitivity run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Position,
    Salience,
    Capability,
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Field::Position => "position",
            Field::Salience => "salience",
            Field::Capability => "capability",
        })
    }
}

/// One bar of a tornado chart: the forecast with one input moved down and up by the step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    /// Index into `Problem::actors`.
    pub actor: usize,
    pub field: Field,
    /// Forecast with the input moved down / up (`None` when the model gives no forecast).
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub base: f64,
    /// The larger of |low − base| and |high − base| (robust to non-monotone models).
    pub swing: f64,
}

fn clamp_scale(p: &Problem, d: usize, x: f64) -> f64 {
    let (lo, hi) = (
        p.issues[d].lo.min(p.issues[d].hi),
        p.issues[d].hi.max(p.issues[d].lo),
    );
    x.clamp(lo, hi)
}

/// Tornado table per issue: each actor's position and salience moved by ± `step` points
/// (salience points on 0–100) and capability by ± `step` percent; bars sorted by swing,
/// largest first. Bars with no effect are dropped.
pub fn tornado(p: &Problem, model: &dyn Model, step: f64) -> Vec<Vec<TornadoBar>> {
    let base = model.point(p);
    let nd = p.issues.len();
    let mut out: Vec<Vec<TornadoBar>> = vec![Vec::new(); nd];
    let mut push =
        |d: usize, actor: usize, field: Field, lo: &[Option<f64>], hi: &[Option<f64>]| {
            let Some(b) = base[d] else { return };
            let sw = |v: Option<f64>| v.map(|v| (v - b).abs()).unwrap_or(0.0);
            let swing = sw(lo[d]).max(sw(hi[d]));
            if swing > 1e-9 {
                out[d].push(TornadoBar {
                    actor,
                    field,
                    low: lo[d],
                    high: hi[d],
                    base: b,
                    swing,
                });
            }
        };
    for a in 0..p.actors.len() {
        let mut q = p.clone();
        q.actors[a].capability = p.actors[a].capability * (1.0 - step / 100.0).max(0.0);
        let lo = model.point(&q);
        q.actors[a].capability = p.actors[a].capability * (1.0 + step / 100.0);
        let hi = model.point(&q);
        for d in 0..nd {
            if p.stances[d][a].is_some() {
                push(d, a, Field::Capability, &lo, &hi);
            }
        }
        for d in 0..nd {
            let Some(st) = p.stances[d][a] else { continue };
            for field in [Field::Position, Field::Salience] {
                let mut q = p.clone();
                let set = |q: &mut Problem, sign: f64| {
                    let s = q.stances[d][a].as_mut().unwrap();
                    match field {
                        Field::Position => {
                            s.position = clamp_scale(p, d, st.position + sign * step)
                        }
                        _ => s.salience = (st.salience + sign * step / 100.0).clamp(0.0, 1.0),
                    }
                };
                set(&mut q, -1.0);
                let lo = model.point(&q);
                set(&mut q, 1.0);
                let hi = model.point(&q);
                push(d, a, field, &lo, &hi);
            }
        }
    }
    for bars in out.iter_mut() {
        bars.sort_by(|x, y| y.swing.total_cmp(&x.swing).then(x.actor.cmp(&y.actor)));
    }
    out
}

/// A change an actor can make or seek.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// Announce a different own position.
    OwnPosition { to: f64 },
    /// Care more (or less) about the issue.
    OwnSalience { to: f64 },
    /// Persuade another actor to move its position toward ours.
    PersuadePosition { actor: usize, to: f64 },
    /// Persuade another actor to care more (allies) or less (opponents).
    PersuadeSalience { actor: usize, to: f64 },
}

/// One piece of advice: a change and its effect on the forecast of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    /// Index into `Problem::issues`.
    pub issue: usize,
    pub change: Change,
    pub forecast_before: f64,
    pub forecast_after: f64,
    /// The actor's own position on the issue.
    pub target: f64,
    /// How much closer the forecast gets to the actor's position (negative = further away).
    pub gain: f64,
}

/// The changes that move the forecast most toward actor `a`'s position, per issue where it has
/// a stance: its own position (any point on a grid of `step`), its own salience (± `step`
/// points, or 100), and for each other actor, that actor's position moved `step` toward `a`
/// (not past it) or its salience raised (if it is closer to `a` than the forecast is) or
/// lowered (otherwise) by `step` points. Only changes that help are returned, best first.
pub fn advise(p: &Problem, model: &dyn Model, a: usize, step: f64) -> Vec<Advice> {
    let base = model.point(p);
    let mut out = Vec::new();
    for d in 0..p.issues.len() {
        let (Some(st), Some(before)) = (p.stances[d][a], base[d]) else {
            continue;
        };
        let target = st.position;
        let consider = |q: Problem, change: Change, out: &mut Vec<Advice>| {
            if let Some(after) = model.point(&q)[d] {
                let gain = (before - target).abs() - (after - target).abs();
                if gain > 1e-9 {
                    out.push(Advice {
                        issue: d,
                        change,
                        forecast_before: before,
                        forecast_after: after,
                        target,
                        gain,
                    });
                }
            }
        };
        let mut best_own: Option<Advice> = None;
        let (lo, hi) = (
            p.issues[d].lo.min(p.issues[d].hi),
            p.issues[d].hi.max(p.issues[d].lo),
        );
        let n_grid = (((hi - lo) / step).floor() as usize).min(1000);
        for k in 0..=n_grid {
            let x = lo + k as f64 * step;
            if (x - target).abs() < 1e-9 {
                continue;
            }
            let mut q = p.clone();
            q.stances[d][a].as_mut().unwrap().position = x;
            let mut tmp = Vec::new();
            consider(q, Change::OwnPosition { to: x }, &mut tmp);
            if let Some(adv) = tmp.pop() {
                if best_own
                    .as_ref()
                    .map(|b| adv.gain > b.gain + 1e-12)
                    .unwrap_or(true)
                {
                    best_own = Some(adv);
                }
            }
        }
        out.extend(best_own);
        for s in [st.salience + step / 100.0, st.salience - step / 100.0, 1.0] {
            let s = s.clamp(0.0, 1.0);
            if (s - st.salience).abs() < 1e-12 {
                continue;
            }
            let mut q = p.clone();
            q.stances[d][a].as_mut().unwrap().salience = s;
            consider(q, Change::OwnSalience { to: s * 100.0 }, &mut out);
        }
        for k in 0..p.actors.len() {
            if k == a {
                continue;
            }
            let Some(sk) = p.stances[d][k] else { continue };
            let dist = target - sk.position;
            if dist.abs() > 1e-9 {
                let to = sk.position + dist.signum() * step.min(dist.abs());
                let mut q = p.clone();
                q.stances[d][k].as_mut().unwrap().position = to;
                consider(q, Change::PersuadePosition { actor: k, to }, &mut out);
            }
            let ally = (sk.position - target).abs() < (before - target).abs();
            let delta = (if ally { step } else { -step }) / 100.0;
            let s = (sk.salience + delta).clamp(0.0, 1.0);
            if (s - sk.salience).abs() > 1e-12 {
                let mut q = p.clone();
                q.stances[d][k].as_mut().unwrap().salience = s;
                consider(
                    q,
                    Change::PersuadeSalience {
                        actor: k,
                        to: s * 100.0,
                    },
                    &mut out,
                );
            }
        }
    }
    // Best first; ties broken by issue then change for a stable order.
    out.sort_by(|x, y| y.gain.total_cmp(&x.gain).then(x.issue.cmp(&y.issue)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Compromise, WeightedMedian};

    #[test]
    fn tornado_ranks_the_heaviest_actor_first_for_the_mean() {
        let p = Problem::single("t", &[("big", 10.0, 0.0, 1.0), ("small", 1.0, 100.0, 1.0)]);
        let t = tornado(&p, &Compromise, 10.0);
        assert_eq!(t[0][0].actor, 0);
        assert_eq!(t[0][0].field, Field::Position);
        // Moving big's position by ±10 (clamped at 0) shifts the mean by 10·10/11.
        assert!((t[0][0].swing - 100.0 / 11.0).abs() < 1e-9);
    }

    #[test]
    fn advice_helps_the_actor() {
        let p = Problem::single(
            "t",
            &[
                ("a", 1.0, 0.0, 0.5),
                ("b", 1.0, 60.0, 0.5),
                ("c", 2.0, 100.0, 0.5),
            ],
        );
        let adv = advise(&p, &Compromise, 0, 10.0);
        assert!(!adv.is_empty());
        for w in adv.windows(2) {
            assert!(w[0].gain >= w[1].gain);
        }
        assert!(adv
            .iter()
            .all(|x| x.gain > 0.0
                && (x.forecast_after - 0.0).abs() < (x.forecast_before - 0.0).abs()));
        // For the median (at 100, c's weight is half), persuading c to move is what works.
        let adv = advise(&p, &WeightedMedian, 0, 10.0);
        assert!(adv
            .iter()
            .any(|x| matches!(x.change, Change::PersuadePosition { actor: 2, .. })));
    }
}
