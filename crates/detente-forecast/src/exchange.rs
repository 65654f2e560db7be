//! The equal gain exchange model (Stokman & Van Oosten 1994), as implemented by Decide
//! (`decide-exchange-model` 2022.1.28, `EqualGainModel` with random tie breaking off).
//!
//! Actors who care more about one issue give up voting position there to actors who care more
//! about another, so that both gain the same expected utility. Every round:
//!
//! 1. Each issue's outcome is the weighted mean (MDS) of the positions, weights salience ×
//!    power. Positions are computed on each issue's scale normalised to 0–100.
//! 2. For every pair of issues (p, q) the actors holding a stance on both fall into four
//!    groups by the side of the mean they sit on; actors right of both means can trade with
//!    actors left of both, and actors left on p only with actors left on q only.
//! 3. For each such pair the actor with the higher relative salience for p (s_p / s_q) demands
//!    p and supplies q. The supplier on p moves toward the demander's position so that the
//!    mean of p shifts by dp = |Δx| s c / Σ s c; the other moves on q by the shift dq of equal
//!    gain, dq (s_jq + s_iq) = dp (s_jp + s_ip); if that move would overshoot, the roles of the
//!    two moves are swapped. Both gain |dp s_ip − dq s_iq|. A move that would carry the mean past
//!    the demander's position is cut back to the one that puts the mean there (Decide's
//!    `check_nbs`). Moves must stay in [0, 100], exceed 1e-10 and keep their direction.
//! 4. The exchange with the highest gain is realised (ties: the earlier one in Decide's stably
//!    sorted list, or at random with a seed); every other exchange sharing an actor and issue
//!    with it is recomputed from the new voting positions, or dropped when it is no longer
//!    possible. This repeats until no exchange is left. Third actors' externalities (how the two
//!    moved means change their utility) are recorded for every realised exchange.
//! 5. The voting positions of the round are reached; each actor who traded then adopts a new
//!    preferred position between its old one and its vote: x' = (1 − 0.1 − 0.4(1 − s)) x +
//!    (0.1 + 0.4(1 − s)) y.
//!
//! The forecast of an issue is its weighted mean after the last round. Round 0 of the trace is
//! the stated positions; round k the positions after k rounds.

use crate::baseline::weighted_median;
use crate::model::{IssueForecast, Model, Round};
use crate::problem::Problem;
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// When the model stops.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeStop {
    /// Always run `rounds` rounds (Decide's way).
    Rounds,
    /// Stop after the first round in which no exchange is realised (nothing can change
    /// afterwards), or after `rounds`.
    NoExchange,
    /// Stop after the first round in which no issue's weighted mean moved more than this (on
    /// the 0–100 normalised scale), or after `rounds`.
    Tolerance(f64),
}

/// The options of the exchange model (each with its default).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExchangeOptions {
    /// Rounds (Decide's iterations); default 10.
    pub rounds: usize,
    /// Stop rule; default `Rounds` (always `rounds` rounds).
    pub stop: ExchangeStop,
    /// Break ties between exchanges of equal gain (within 1e-12 relative) at random, from
    /// ChaCha8 stream `round` of `seed`; default false (the earlier exchange in the stably
    /// sorted list wins, as Decide with `ALLOW_RANDOM = False`).
    pub random_ties: bool,
    /// Seed of the random tie breaks; default 1.
    pub seed: u64,
    /// Largest number of candidate exchanges in one round (each takes about 200 bytes); the
    /// run stops with an error above it. Default 5,000,000.
    pub max_candidates: usize,
}

impl Default for ExchangeOptions {
    fn default() -> Self {
        ExchangeOptions {
            rounds: 10,
            stop: ExchangeStop::Rounds,
            random_ties: false,
            seed: 1,
            max_candidates: 5_000_000,
        }
    }
}

impl ExchangeOptions {
    /// Set one option from `KEY=VALUE` text (`rounds`, `stop`, `random-ties`, `seed`,
    /// `max-candidates`).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = |what: &str| format!("exchange option `{key}`: `{value}` is not {what}");
        match key {
            "rounds" => {
                self.rounds = value
                    .parse()
                    .ok()
                    .filter(|r| (1..=10_000).contains(r))
                    .ok_or_else(|| bad("a number of rounds from 1 to 10000"))?
            }
            "stop" => {
                self.stop = match value {
                    "rounds" => ExchangeStop::Rounds,
                    "no-exchange" => ExchangeStop::NoExchange,
                    _ => match value.strip_prefix("tolerance:").map(str::parse::<f64>) {
                        Some(Ok(t)) if t.is_finite() && t >= 0.0 => ExchangeStop::Tolerance(t),
                        _ => return Err(bad("`rounds`, `no-exchange` or `tolerance:TOL`")),
                    },
                }
            }
            "random-ties" => {
                self.random_ties = value.parse().map_err(|_| bad("`true` or `false`"))?
            }
            "seed" => self.seed = value.parse().map_err(|_| bad("a whole number"))?,
            "max-candidates" => {
                self.max_candidates = value.parse().map_err(|_| bad("a whole number"))?
            }
            _ => {
                return Err(format!(
                    "unknown exchange option `{key}`; choose from rounds, stop, random-ties, seed, max-candidates"
                ))
            }
        }
        Ok(())
    }
}

/// One side of a realised exchange: the actor moves its vote on its supply issue from `from`
/// to `to` (on the issue's own scale) and gets the other's move on its demand issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeSide {
    /// Index into [`Problem::actors`].
    pub actor: usize,
    /// Indices into [`Problem::issues`].
    pub supply: usize,
    pub demand: usize,
    pub from: f64,
    pub to: f64,
}

/// A realised exchange.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exchange {
    /// The round it produced (1 = the first round of exchanges).
    pub round: usize,
    /// Its rank among the exchanges realised in that round (1 = first).
    pub order: usize,
    /// The equal expected utility gain of both actors (points of the 0–100 scale × salience).
    pub gain: f64,
    pub i: ExchangeSide,
    pub j: ExchangeSide,
    /// The change in utility of every third actor with a stance on both issues (actor index,
    /// value; zero values left out), as Decide's externalities.
    pub externalities: Vec<(usize, f64)>,
}

/// A full run: per-issue forecasts and traces, and every realised exchange in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeRun {
    pub forecasts: Vec<IssueForecast>,
    pub exchanges: Vec<Exchange>,
    /// Rounds actually run (fewer than `rounds` when a stop rule fired).
    pub rounds_run: usize,
    /// Candidate exchanges considered in each round.
    pub candidates: Vec<usize>,
}

impl ExchangeRun {
    /// The first realised exchange in which `by` moves on `gives` and gets a move on `wants`
    /// in return (from `from` when given, else from anyone): how a trade stated in the
    /// scenario (a `trade` linkage) is looked up in the model's run.
    pub fn find_trade(
        &self,
        by: usize,
        from: Option<usize>,
        gives: usize,
        wants: usize,
    ) -> Option<&Exchange> {
        self.exchanges.iter().find(|e| {
            [(&e.i, &e.j), (&e.j, &e.i)].iter().any(|(a, b)| {
                a.actor == by
                    && a.supply == gives
                    && b.supply == wants
                    && from.is_none_or(|f| b.actor == f)
            })
        })
    }
}

/// The equal gain exchange model.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExchangeModel {
    pub options: ExchangeOptions,
}

impl Model for ExchangeModel {
    fn name(&self) -> &'static str {
        "exchange"
    }
    fn forecast(&self, problem: &Problem) -> Vec<IssueForecast> {
        match run(problem, &self.options) {
            Ok(r) => r.forecasts,
            Err(e) => (0..problem.issues.len())
                .map(|d| IssueForecast {
                    issue: d,
                    forecast: None,
                    actors: Vec::new(),
                    rounds: Vec::new(),
                    notes: vec![e.clone()],
                })
                .collect(),
        }
    }
}

/// Differences of positions below this (on the 0–100 scale) count as zero: Decide computes
/// with 28-digit decimals, where a position that lands exactly on a mean stays exactly on it;
/// binary floating point leaves a difference of about 1e-14 there.
const EPS: f64 = 1e-9;

fn snap(v: f64) -> f64 {
    if v.abs() <= EPS {
        0.0
    } else {
        v
    }
}

/// The move history of one side of an exchange, as Decide keeps it: every move computed for
/// it since its supply position last changed, which must all point the same way.
#[derive(Debug, Clone, Copy, Default)]
struct Hist {
    has_kept: bool,
    sum: f64,
    min: f64,
    max: f64,
    has_last: bool,
    last: f64,
}

impl Hist {
    fn push(&mut self, v: f64) {
        if self.has_last {
            if self.has_kept {
                self.sum += self.last;
                self.min = self.min.min(self.last);
                self.max = self.max.max(self.last);
            } else {
                (self.sum, self.min, self.max) = (self.last, self.last, self.last);
                self.has_kept = true;
            }
        }
        self.last = v;
        self.has_last = true;
    }
    fn replace_last(&mut self, v: f64) {
        self.last = v;
        self.has_last = true;
    }
    fn drop_last(&mut self) {
        self.has_last = false;
    }
    /// Decide's `is_move_valid` for the last move, starting from supply position `pos`.
    fn valid(&self, pos: f64) -> bool {
        let mv = self.last;
        if mv.abs() > 100.0 || mv.abs() <= 1e-10 || pos + mv < -EPS || pos + mv > 100.0 + EPS {
            return false;
        }
        let (sum, lo, hi) = if self.has_kept {
            (self.sum + mv, self.min.min(mv), self.max.max(mv))
        } else {
            (mv, mv, mv)
        };
        sum <= 100.0 + EPS && ((lo < 0.0 && hi < 0.0) || (lo > 0.0 && hi > 0.0))
    }
}

/// One side of a candidate exchange.
#[derive(Debug, Clone, Copy)]
struct Side {
    actor: u32,
    supply: u32,
    demand: u32,
    /// Current (voting) position on the supply issue, normalised.
    pos: f64,
    /// Position after the move.
    y: f64,
    nbs0: f64,
    nbs1: f64,
    hist: Hist,
}

#[derive(Debug, Clone)]
struct Ex {
    i: Side,
    j: Side,
    gain: f64,
    valid: bool,
    /// Realised moves of other actors that this exchange takes into account when it computes
    /// the mean of an issue: (issue, actor, position).
    updates: Vec<(u32, u32, f64)>,
}

/// The stances on normalised scales: index `d * n + a`.
struct Data {
    n: usize,
    m: usize,
    present: Vec<bool>,
    x: Vec<f64>,
    s: Vec<f64>,
    c: Vec<f64>,
    lo: Vec<f64>,
    step: Vec<f64>,
}

impl Data {
    fn from_problem(p: &Problem) -> Data {
        let (n, m) = (p.actors.len(), p.issues.len());
        let mut d = Data {
            n,
            m,
            present: vec![false; n * m],
            x: vec![0.0; n * m],
            s: vec![0.0; n * m],
            c: vec![0.0; n * m],
            lo: p.issues.iter().map(|i| i.lo).collect(),
            step: p
                .issues
                .iter()
                .map(|i| {
                    if i.hi > i.lo {
                        100.0 / (i.hi - i.lo)
                    } else {
                        0.0
                    }
                })
                .collect(),
        };
        for (k, row) in p.stances.iter().enumerate() {
            for (a, st) in row.iter().enumerate() {
                if let Some(st) = st {
                    let ix = k * n + a;
                    d.present[ix] = true;
                    d.x[ix] = (st.position - d.lo[k]) * d.step[k];
                    d.s[ix] = st.salience;
                    d.c[ix] = p.actors[a].capability;
                }
            }
        }
        d
    }
    fn denorm(&self, d: usize, v: f64) -> f64 {
        if v == 0.0 || self.step[d] == 0.0 {
            self.lo[d]
        } else {
            v / self.step[d] + self.lo[d]
        }
    }
}

/// One round's fixed quantities: the positions at the start of the round and each issue's
/// Σ s c and Σ x s c.
struct RoundCtx<'a> {
    data: &'a Data,
    x: &'a [f64],
    den: Vec<f64>,
    wsum: Vec<f64>,
}

impl RoundCtx<'_> {
    fn ix(&self, d: u32, a: u32) -> usize {
        d as usize * self.data.n + a as usize
    }
    fn s(&self, d: u32, a: u32) -> f64 {
        self.data.s[self.ix(d, a)]
    }
    fn c(&self, d: u32, a: u32) -> f64 {
        self.data.c[self.ix(d, a)]
    }
    fn w(&self, d: u32, a: u32) -> f64 {
        self.s(d, a) * self.c(d, a)
    }
    fn x(&self, d: u32, a: u32) -> f64 {
        self.x[self.ix(d, a)]
    }
    fn mean(&self, d: usize) -> f64 {
        if self.den[d] == 0.0 {
            0.0
        } else {
            self.wsum[d] / self.den[d]
        }
    }

    /// Σ x s c on the supply issue of `side` with the exchange's updates applied, leaving out
    /// the side's own actor.
    fn others(&self, e: &Ex, side: &Side) -> f64 {
        let d = side.supply;
        let mut t = self.wsum[d as usize] - self.x(d, side.actor) * self.w(d, side.actor);
        for &(k, a, u) in &e.updates {
            if k == d && a != side.actor {
                t += (u - self.x(d, a)) * self.w(d, a);
            }
        }
        t
    }

    /// The mean of the side's supply issue with the side's actor at `pos`.
    fn adjust_nbs(&self, e: &Ex, side: &Side, pos: f64) -> f64 {
        let d = side.supply;
        let den = self.den[d as usize];
        if den == 0.0 {
            return 0.0;
        }
        (self.others(e, side) + pos * self.w(d, side.actor)) / den
    }

    /// Decide's `adjusted_nbs_by_position`: how far the side's actor, at its current position
    /// (or where the exchange's updates put it), must move for the mean to equal `target`.
    fn shift_for_mean(&self, e: &Ex, side: &Side, target: f64) -> f64 {
        let d = side.supply;
        let own = e
            .updates
            .iter()
            .find(|u| u.0 == d && u.1 == side.actor)
            .map_or(side.pos, |u| u.2);
        let all = self.others(e, side) + own * self.w(d, side.actor);
        (target * self.den[d as usize] - all) / self.w(d, side.actor)
    }

    /// Compute (or recompute) an exchange from its sides' current supply positions.
    fn calculate(&self, e: &mut Ex) {
        let (p, q) = (e.j.supply, e.i.supply);
        let (ia, ja) = (e.i.actor, e.j.actor);
        let (i_dem, j_dem) = (self.x(p, ia), self.x(q, ja));
        let (si_s, ci_s, si_d) = (self.s(q, ia), self.c(q, ia), self.s(p, ia));
        let (sj_s, cj_s, sj_d) = (self.s(p, ja), self.c(p, ja), self.s(q, ja));
        let (den_p, den_q) = (self.den[p as usize], self.den[q as usize]);
        let mut dp = (i_dem - e.j.pos).abs() * sj_s * cj_s / den_p;
        let mut dq = ((sj_s + si_d) / (sj_d + si_s)) * dp;
        let mut mi = dq * den_q / (ci_s * si_s);
        let mut mj = (i_dem - e.j.pos).abs();
        if mi.abs() > (j_dem - e.i.pos).abs() {
            dq = (j_dem - e.i.pos).abs() * si_s * ci_s / den_q;
            dp = ((si_s + sj_d) / (si_d + sj_s)) * dq;
            mi = (j_dem - e.i.pos).abs();
            mj = dp * den_p / (cj_s * sj_s);
        }
        if e.i.pos > j_dem {
            mi = -mi;
        }
        if e.j.pos > i_dem {
            mj = -mj;
        }
        e.i.hist.push(mi);
        e.j.hist.push(mj);
        e.i.y = e.i.pos + mi;
        e.j.y = e.j.pos + mj;
        e.gain = (dq * si_s - dp * si_d).abs();
        let mut valid = e.i.hist.valid(e.i.pos) && e.j.hist.valid(e.j.pos);
        if e.gain < 1e-10 {
            valid = false;
        }
        if valid {
            self.check_nbs(e, true);
            self.check_nbs(e, false);
            valid = e.i.hist.valid(e.i.pos) && e.j.hist.valid(e.j.pos);
        }
        e.valid = valid;
    }

    /// Decide's `check_nbs` for side i (`first`) or j: when the move carries the supply
    /// issue's mean past the other actor's position, cut the move back to the one that puts the
    /// mean exactly there and recompute the other move for equal gain.
    fn check_nbs(&self, e: &mut Ex, first: bool) {
        let (mut x, mut o) = if first { (e.i, e.j) } else { (e.j, e.i) };
        x.nbs0 = self.adjust_nbs(e, &x, x.pos);
        x.nbs1 = self.adjust_nbs(e, &x, x.y);
        let d = x.supply;
        let xo = self.x(d, o.actor);
        let (a, b) = (snap(xo - x.nbs0), snap(xo - x.nbs1));
        if !((a >= 0.0 && b >= 0.0) || (a <= 0.0 && b <= 0.0)) {
            let delta = self.shift_for_mean(e, &x, xo).abs();
            let od = o.supply;
            let (sx_s, cx_s, sx_d) = (self.s(d, x.actor), self.c(d, x.actor), self.s(od, x.actor));
            let (so_s, co_s, so_d) = (self.s(od, o.actor), self.c(od, o.actor), self.s(d, o.actor));
            let rx = delta * sx_s * cx_s / self.den[d as usize];
            let ro = ((sx_s + so_d) / (sx_d + so_s)) * rx;
            let mut mo = (ro * self.den[od as usize] / (co_s * so_s)).abs();
            let mut mx = delta;
            if o.pos > self.x(od, x.actor) {
                mo = -mo;
            }
            if x.pos > xo {
                mx = -mx;
            }
            o.hist.replace_last(mo);
            x.hist.replace_last(mx);
            o.y = o.pos + mo;
            x.y = x.pos + mx;
            e.gain = (ro * so_s - rx * so_d).abs();
            x.nbs1 = self.adjust_nbs(e, &x, x.y);
        }
        if first {
            (e.i, e.j) = (x, o);
        } else {
            (e.j, e.i) = (x, o);
        }
    }

    /// Decide's `recalculate`: exchange `e` after exchange `r` was realised.
    fn recalculate(&self, e: &mut Ex, r: &Ex) {
        let moved = |s: &Side| {
            if s.actor == r.i.actor && s.supply == r.i.supply {
                Some(r.i.y)
            } else if s.actor == r.j.actor && s.supply == r.j.supply {
                Some(r.j.y)
            } else {
                None
            }
        };
        let (mi, mj) = (moved(&e.i), moved(&e.j));
        let mut re = false;
        if mi.is_some() || mj.is_some() {
            match mi {
                Some(y) => e.i.pos = y,
                None => e.i.hist.drop_last(),
            }
            match mj {
                Some(y) => e.j.pos = y,
                None => e.j.hist.drop_last(),
            }
            re = true;
        }
        let demands = |a: &Side| {
            (a.actor == e.j.actor && a.demand == e.j.demand)
                || (a.actor == e.i.actor && a.demand == e.i.demand)
        };
        let hits = [demands(&r.j), demands(&r.i)];
        for (hit, (dem, sup)) in hits.into_iter().zip([(&r.j, &r.i), (&r.i, &r.j)]) {
            if hit {
                let start = self.x(sup.supply, sup.actor);
                let key = (dem.demand, sup.actor);
                match e.updates.iter_mut().find(|u| (u.0, u.1) == key) {
                    Some(u) => {
                        u.2 = if start <= u.2 {
                            u.2.min(sup.y)
                        } else {
                            u.2.max(sup.y)
                        }
                    }
                    None => e.updates.push((key.0, key.1, sup.y)),
                }
                if !re {
                    e.i.hist.drop_last();
                    e.j.hist.drop_last();
                    re = true;
                }
            }
        }
        if re {
            self.calculate(e);
        }
    }

    /// Utility change of every third actor on both issues of a realised exchange.
    fn externalities(&self, r: &Ex) -> Vec<(usize, f64)> {
        let (p, q) = (r.j.supply, r.i.supply);
        let mut out = Vec::new();
        for a in 0..self.data.n as u32 {
            if a == r.i.actor || a == r.j.actor {
                continue;
            }
            if !(self.data.present[self.ix(p, a)] && self.data.present[self.ix(q, a)]) {
                continue;
            }
            let (xp, xq) = (self.x(p, a), self.x(q, a));
            let l = (r.j.nbs0 - xp).abs() - (r.j.nbs1 - xp).abs();
            let rr = (r.i.nbs0 - xq).abs() - (r.i.nbs1 - xq).abs();
            let v = l * self.s(p, a) + rr * self.s(q, a);
            if v != 0.0 {
                out.push((a as usize, v));
            }
        }
        out
    }
}

/// Decide's new preferred position after a round: between the old position `x` and the vote
/// `y`, closer to the vote the less salient the issue.
fn new_start(s: f64, x: f64, y: f64) -> f64 {
    let (sw, fw) = (0.4, 0.1);
    (1.0 - s) * sw * y + fw * y + (1.0 - (1.0 - s) * sw - fw) * x
}

/// Run the model on a problem.
pub fn run(problem: &Problem, opts: &ExchangeOptions) -> Result<ExchangeRun, String> {
    let data = Data::from_problem(problem);
    let mut x = data.x.clone();
    let mut snaps: Vec<Vec<f64>> = vec![x.clone()];
    let mut exchanges = Vec::new();
    let mut candidates = Vec::new();
    let mut prev_means: Option<Vec<f64>> = None;
    for round in 0..opts.rounds {
        let ctx = round_ctx(&data, &x);
        let means: Vec<f64> = (0..data.m).map(|d| ctx.mean(d)).collect();
        if let (ExchangeStop::Tolerance(tol), Some(pm)) = (opts.stop, &prev_means) {
            if round > 0 && pm.iter().zip(&means).all(|(a, b)| (a - b).abs() <= tol) {
                break;
            }
        }
        prev_means = Some(means);
        let (realised, n_cand) = play_round(&ctx, opts, round)?;
        candidates.push(n_cand);
        let mut next = x.clone();
        for r in &realised {
            for s in [&r.0.i, &r.0.j] {
                next[ctx.ix(s.supply, s.actor)] = s.y;
            }
        }
        for r in &realised {
            for s in [&r.0.i, &r.0.j] {
                let ix = ctx.ix(s.supply, s.actor);
                next[ix] = new_start(data.s[ix], x[ix], s.y);
            }
        }
        for (k, (r, ext)) in realised.iter().enumerate() {
            let side = |s: &Side| ExchangeSide {
                actor: s.actor as usize,
                supply: s.supply as usize,
                demand: s.demand as usize,
                from: data.denorm(s.supply as usize, s.pos),
                to: data.denorm(s.supply as usize, s.y),
            };
            exchanges.push(Exchange {
                round: round + 1,
                order: k + 1,
                gain: r.gain,
                i: side(&r.i),
                j: side(&r.j),
                externalities: ext.clone(),
            });
        }
        let none = realised.is_empty();
        x = next;
        snaps.push(x.clone());
        if none && opts.stop == ExchangeStop::NoExchange {
            break;
        }
    }
    let rounds_run = snaps.len() - 1;
    Ok(ExchangeRun {
        forecasts: forecasts(&data, &snaps),
        exchanges,
        rounds_run,
        candidates,
    })
}

fn round_ctx<'a>(data: &'a Data, x: &'a [f64]) -> RoundCtx<'a> {
    let mut den = vec![0.0; data.m];
    let mut wsum = vec![0.0; data.m];
    for d in 0..data.m {
        for a in 0..data.n {
            let ix = d * data.n + a;
            if data.present[ix] {
                let w = data.s[ix] * data.c[ix];
                den[d] += w;
                wsum[d] += x[ix] * w;
            }
        }
    }
    RoundCtx { data, x, den, wsum }
}

/// The candidate exchanges of a round, in Decide's order (issue pairs in input order; within
/// a pair, group A × D then B × C, actors in input order). Pairs in which an actor has zero
/// salience or power on either issue are left out (they cannot move a mean).
fn candidates(ctx: &RoundCtx, max: usize) -> Result<Vec<Ex>, String> {
    let (n, m) = (ctx.data.n, ctx.data.m);
    let mut groups: Vec<[Vec<u32>; 4]> = Vec::new();
    let mut total = 0usize;
    for p in 0..m {
        for q in p + 1..m {
            let mut g: [Vec<u32>; 4] = Default::default();
            for a in 0..n as u32 {
                let (ip, iq) = (ctx.ix(p as u32, a), ctx.ix(q as u32, a));
                if !(ctx.data.present[ip] && ctx.data.present[iq]) {
                    continue;
                }
                if ctx.w(p as u32, a) == 0.0 || ctx.w(q as u32, a) == 0.0 {
                    continue;
                }
                let lp = snap(ctx.x[ip] - ctx.mean(p)) <= 0.0;
                let lq = snap(ctx.x[iq] - ctx.mean(q)) <= 0.0;
                g[lp as usize | (lq as usize) << 1].push(a);
            }
            total = total.saturating_add(g[0].len() * g[3].len() + g[1].len() * g[2].len());
            groups.push(g);
        }
    }
    if total > max {
        return Err(format!(
            "the exchange model would consider {total} candidate exchanges in one round, more than \
             max-candidates = {max} (about 200 bytes each); raise it with --exchange-option \
             max-candidates=N or use fewer actors or issues"
        ));
    }
    let mut out = Vec::with_capacity(total);
    let mut k = 0;
    for p in 0..m as u32 {
        for q in p + 1..m as u32 {
            let g = &groups[k];
            k += 1;
            for (ga, gb) in [(0, 3), (1, 2)] {
                for &i in &g[ga] {
                    for &j in &g[gb] {
                        let mut e = new_exchange(ctx, i, j, p, q);
                        ctx.calculate(&mut e);
                        if e.valid {
                            out.push(e);
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

fn new_exchange(ctx: &RoundCtx, i: u32, j: u32, p: u32, q: u32) -> Ex {
    // The actor with the higher relative salience for p demands p and supplies q.
    let swap = ctx.s(p, i) / ctx.s(q, i) < ctx.s(p, j) / ctx.s(q, j);
    let (ai, aj) = if swap { (j, i) } else { (i, j) };
    let side = |actor: u32, supply: u32, demand: u32| Side {
        actor,
        supply,
        demand,
        pos: ctx.x(supply, actor),
        y: 0.0,
        nbs0: 0.0,
        nbs1: 0.0,
        hist: Hist::default(),
    };
    Ex {
        i: side(ai, q, p),
        j: side(aj, p, q),
        gain: 0.0,
        valid: true,
        updates: Vec::new(),
    }
}

type Realised = (Ex, Vec<(usize, f64)>);

/// One round of exchanges: realise the best exchange, recompute the ones it affects, repeat.
fn play_round(
    ctx: &RoundCtx,
    opts: &ExchangeOptions,
    round: usize,
) -> Result<(Vec<Realised>, usize), String> {
    let mut ex = candidates(ctx, opts.max_candidates)?;
    let n_cand = ex.len();
    let m = ctx.data.m;
    // Exchanges by (actor, issue) of either side, to find those a realised one affects.
    let key = |a: u32, d: u32| a as usize * m + d as usize;
    let mut start = vec![0u32; ctx.data.n * m + 1];
    for e in &ex {
        for k in side_keys(e) {
            start[key(k.0, k.1) + 1] += 1;
        }
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut fill = start.clone();
    let mut by_key = vec![0u32; start[start.len() - 1] as usize];
    for (id, e) in ex.iter().enumerate() {
        for k in side_keys(e) {
            let slot = &mut fill[key(k.0, k.1)];
            by_key[*slot as usize] = id as u32;
            *slot += 1;
        }
    }
    let mut alive = vec![true; ex.len()];
    let mut stamp = vec![usize::MAX; ex.len()];
    let mut order = Order::new(&ex);
    let mut heap: Vec<(u32, u32)> = Vec::with_capacity(ex.len());
    for id in 0..ex.len() as u32 {
        order.push(&mut heap, id);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    rng.set_stream(round as u64);
    let mut realised = Vec::new();
    let mut step = 0u32;
    while let Some(top) = order.pop(&mut heap, &alive) {
        let mut rid = top as usize;
        if opts.random_ties {
            let mut tied = vec![top];
            while let Some(&entry) = heap.first() {
                if !order.live(&entry, &alive) {
                    order.pop_raw(&mut heap);
                    continue;
                }
                if higher(ex[rid].gain, ex[entry.0 as usize].gain) {
                    break;
                }
                tied.push(order.pop_raw(&mut heap).0);
            }
            rid = tied[(rng.next_u64() % tied.len() as u64) as usize] as usize;
            for &id in &tied {
                if id as usize != rid {
                    order.push(&mut heap, id);
                }
            }
        }
        alive[rid] = false;
        step += 1;
        let r = ex[rid].clone();
        for k in side_keys(&r) {
            let (a, b) = (
                start[key(k.0, k.1)] as usize,
                start[key(k.0, k.1) + 1] as usize,
            );
            for &id in &by_key[a..b] {
                let id = id as usize;
                if alive[id] && stamp[id] != step as usize {
                    stamp[id] = step as usize;
                    let before = ex[id].gain;
                    ctx.recalculate(&mut ex[id], &r);
                    if !ex[id].valid {
                        alive[id] = false;
                    } else if ex[id].gain.to_bits() != before.to_bits() {
                        order.changed(&mut heap, id as u32, ex[id].gain, step);
                    }
                }
            }
        }
        let ext = ctx.externalities(&r);
        realised.push((r, ext));
    }
    Ok((realised, n_cand))
}

/// Is gain `a` higher than gain `b`? Gains within 1e-12 (relative) count as equal: Decide
/// computes with 28-digit decimals, where exchanges of mathematically equal gain tie exactly
/// and keep their list order; in binary floating point they may differ in the last bits.
fn higher(a: f64, b: f64) -> bool {
    a - b > 1e-12 * a.abs().max(b.abs())
}

/// The order in which Decide realises exchanges. Decide sorts its list of candidates stably by
/// gain before every pick, so two exchanges of equal gain keep their order of the previous
/// sort, which was by the gains then, and so on back to the order of creation: the order is
/// lexicographic in the gain histories, latest first. Each exchange's history of gains (with
/// the step from which each applied) is kept here, and a binary heap ordered by it gives the
/// next pick in O(log n) instead of a sort of the whole list at every step.
struct Order {
    /// Per change: (step from which it applies, gain, previous change of the same exchange or
    /// `NONE`).
    changes: Vec<(u32, f64, u32)>,
    /// Per exchange: its latest change (heap entries with another change are stale).
    head: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Order {
    fn new(ex: &[Ex]) -> Order {
        Order {
            changes: ex.iter().map(|e| (0, e.gain, NONE)).collect(),
            head: (0..ex.len() as u32).collect(),
        }
    }

    /// Does heap entry `a` come before `b`? Compare the gains in force at each step, walking
    /// back from the entries' changes to the first difference; creation order when none.
    /// (Entries hold the change they were pushed with, so their keys never move in the heap.)
    fn before(&self, a: (u32, u32), b: (u32, u32)) -> bool {
        let (mut ca, mut cb) = (a.1, b.1);
        loop {
            let (xa, xb) = (self.changes[ca as usize], self.changes[cb as usize]);
            if higher(xa.1, xb.1) {
                return true;
            }
            if higher(xb.1, xa.1) {
                return false;
            }
            // Equal since max(ta, tb): step back past the later change (both when equal).
            let (ta, tb) = (xa.0, xb.0);
            if ta == 0 && tb == 0 {
                return a.0 < b.0;
            }
            if ta >= tb {
                ca = xa.2;
            }
            if tb >= ta {
                cb = xb.2;
            }
        }
    }

    fn changed(&mut self, heap: &mut Vec<(u32, u32)>, id: u32, gain: f64, step: u32) {
        let prev = self.head[id as usize];
        self.changes.push((step, gain, prev));
        self.head[id as usize] = (self.changes.len() - 1) as u32;
        self.push(heap, id);
    }

    fn live(&self, entry: &(u32, u32), alive: &[bool]) -> bool {
        alive[entry.0 as usize] && self.head[entry.0 as usize] == entry.1
    }

    fn push(&self, heap: &mut Vec<(u32, u32)>, id: u32) {
        heap.push((id, self.head[id as usize]));
        let mut k = heap.len() - 1;
        while k > 0 {
            let parent = (k - 1) / 2;
            if self.before(heap[k], heap[parent]) {
                heap.swap(k, parent);
                k = parent;
            } else {
                break;
            }
        }
    }

    fn pop_raw(&self, heap: &mut Vec<(u32, u32)>) -> (u32, u32) {
        let top = heap.swap_remove(0);
        let n = heap.len();
        let mut k = 0;
        loop {
            let (l, r) = (2 * k + 1, 2 * k + 2);
            let mut best = k;
            if l < n && self.before(heap[l], heap[best]) {
                best = l;
            }
            if r < n && self.before(heap[r], heap[best]) {
                best = r;
            }
            if best == k {
                break;
            }
            heap.swap(k, best);
            k = best;
        }
        top
    }

    /// The next live exchange in Decide's order.
    fn pop(&self, heap: &mut Vec<(u32, u32)>, alive: &[bool]) -> Option<u32> {
        while !heap.is_empty() {
            let e = self.pop_raw(heap);
            if self.live(&e, alive) {
                return Some(e.0);
            }
        }
        None
    }
}

fn side_keys(e: &Ex) -> [(u32, u32); 4] {
    [
        (e.i.actor, e.i.supply),
        (e.i.actor, e.i.demand),
        (e.j.actor, e.j.supply),
        (e.j.actor, e.j.demand),
    ]
}

/// Per-issue traces (positions on the issue's own scale) and forecasts.
fn forecasts(data: &Data, snaps: &[Vec<f64>]) -> Vec<IssueForecast> {
    (0..data.m)
        .map(|d| {
            let actors: Vec<usize> = (0..data.n)
                .filter(|&a| data.present[d * data.n + a])
                .collect();
            let w: Vec<f64> = actors
                .iter()
                .map(|&a| data.s[d * data.n + a] * data.c[d * data.n + a])
                .collect();
            let den: f64 = w.iter().sum();
            let rounds: Vec<Round> = snaps
                .iter()
                .enumerate()
                .map(|(k, x)| {
                    let norm: Vec<f64> = actors.iter().map(|&a| x[d * data.n + a]).collect();
                    let nbs = if den == 0.0 {
                        0.0
                    } else {
                        norm.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() / den
                    };
                    let positions: Vec<f64> = norm.iter().map(|&v| data.denorm(d, v)).collect();
                    let mean = data.denorm(d, nbs);
                    Round {
                        round: k,
                        median: weighted_median(&positions, &w).unwrap_or(mean),
                        mean,
                        positions,
                        risk: Vec::new(),
                        pairs: Vec::new(),
                        smp: None,
                    }
                })
                .collect();
            let forecast = if den > 0.0 {
                rounds.last().map(|r| r.mean)
            } else {
                None
            };
            IssueForecast {
                issue: d,
                forecast,
                actors,
                rounds,
                notes: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{ActorInfo, IssueInfo, StancePoint};

    /// North cares about the border, South about trade: one trade, worked out by hand.
    fn two_by_two() -> Problem {
        let actor = |id: &str, c: f64| ActorInfo {
            id: id.into(),
            name: id.into(),
            capability: c,
        };
        let mut p = Problem::new("t", vec![actor("north", 1.0), actor("south", 0.5)]);
        for (id, n, s) in [
            ("border", (20.0, 0.9), (80.0, 0.2)),
            ("trade", (70.0, 0.3), (10.0, 0.8)),
        ] {
            let st = |(position, salience): (f64, f64)| Some(StancePoint { position, salience });
            let info = IssueInfo {
                id: id.into(),
                title: id.into(),
                lo: 0.0,
                hi: 100.0,
                status_quo: None,
                outcome: None,
            };
            p.push_issue(info, vec![st(n), st(s)]);
        }
        p
    }

    #[test]
    fn one_round_by_hand() {
        let opts = ExchangeOptions {
            rounds: 1,
            ..Default::default()
        };
        let r = run(&two_by_two(), &opts).unwrap();
        assert_eq!(r.exchanges.len(), 1);
        let e = &r.exchanges[0];
        // North (s_border / s_trade = 3 > 0.25) demands the border and supplies trade. South
        // moves fully to North on the border: the mean shifts dp = 60 · 0.2 · 0.5 / 1 = 6; equal
        // gain gives dq = (0.2 + 0.9) / (0.8 + 0.3) · 6 = 6, i.e. North moves 6 · 0.7 / 0.3 = 14
        // on trade; both gain |6 · 0.3 − 6 · 0.9| = 3.6.
        assert_eq!((e.i.actor, e.i.supply, e.j.actor, e.j.supply), (0, 1, 1, 0));
        assert!((e.i.from - 70.0).abs() < 1e-12 && (e.i.to - 56.0).abs() < 1e-12);
        assert!((e.j.from - 80.0).abs() < 1e-12 && (e.j.to - 20.0).abs() < 1e-12);
        assert!((e.gain - 3.6).abs() < 1e-12);
        // New preferred positions: x' = (0.1 + 0.4 (1 − s)) y + (0.9 − 0.4 (1 − s)) x.
        let border = &r.forecasts[0].rounds[1];
        let trade = &r.forecasts[1].rounds[1];
        assert!((trade.positions[0] - (0.38 * 56.0 + 0.62 * 70.0)).abs() < 1e-12);
        assert!((border.positions[1] - (0.42 * 20.0 + 0.58 * 80.0)).abs() < 1e-12);
        let mean = 0.9 * 20.0 + 0.1 * (0.42 * 20.0 + 0.58 * 80.0);
        assert!((r.forecasts[0].forecast.unwrap() - mean).abs() < 1e-12);
    }

    #[test]
    fn stop_rules_and_limits() {
        let p = two_by_two();
        let tol = ExchangeOptions {
            rounds: 200,
            stop: ExchangeStop::Tolerance(0.01),
            ..Default::default()
        };
        let r = run(&p, &tol).unwrap();
        assert!(r.rounds_run < 200 && r.rounds_run > 5, "{}", r.rounds_run);
        let tiny = ExchangeOptions {
            max_candidates: 0,
            ..Default::default()
        };
        let err = run(&p, &tiny).unwrap_err();
        assert!(err.contains("max-candidates"), "{err}");
        let mut o = ExchangeOptions::default();
        o.set("stop", "tolerance:0.5").unwrap();
        assert_eq!(o.stop, ExchangeStop::Tolerance(0.5));
        assert!(o.set("stop", "sometimes").is_err());
        assert!(o.set("rounds", "0").is_err());
    }

    #[test]
    fn random_ties_follow_the_seed() {
        // Two identical southern actors: their trades with North tie exactly.
        let mut p = two_by_two();
        p.actors.push(ActorInfo {
            id: "south2".into(),
            name: "south2".into(),
            capability: 0.5,
        });
        for d in 0..2 {
            let s = p.stances[d][1];
            p.stances[d].push(s);
        }
        let opts = |seed| ExchangeOptions {
            random_ties: true,
            seed,
            ..Default::default()
        };
        let firsts: Vec<usize> = (0..16)
            .map(|seed| run(&p, &opts(seed)).unwrap().exchanges[0].j.actor)
            .collect();
        assert!(firsts.contains(&1) && firsts.contains(&2), "{firsts:?}");
        assert_eq!(run(&p, &opts(3)).unwrap(), run(&p, &opts(3)).unwrap());
        let ordered = run(&p, &ExchangeOptions::default()).unwrap();
        assert_eq!(ordered.exchanges[0].j.actor, 1);
    }
}
