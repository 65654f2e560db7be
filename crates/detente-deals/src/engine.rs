//! The streaming pass over the outcome space.
//!
//! The space is cut into chunks of consecutive package indices; rayon processes chunks in
//! parallel and the per-chunk [`Partial`]s are merged. Inside a chunk an odometer walks the
//! packages; per-party utilities, red-line masks and relaxation distances are kept as prefix
//! sums over the issues, so a step costs O(parties) amortised. Every merge is an exact set or
//! count operation with index tie-breaks, so the result is the same for any thread count.

// Index loops over fixed-size [f64; P] arrays read better (and vectorise) in the hot path.
#![allow(clippy::needless_range_loop)]

use crate::skyline::{self, PointSet};
use crate::Criterion;
use detente_space::{ConditionalRedLine, Domain};
use rayon::prelude::*;
use std::ops::Range;

/// Utilities are compared on a grid of 2^-40 (≈ 9.1e-13) so that packages whose utilities are
/// mathematically equal but differ by floating-point rounding count as equal.
pub(crate) const QUANTUM: f64 = (1u64 << 40) as f64;

#[inline]
pub(crate) fn quantise(u: f64) -> i64 {
    // round half away from zero without a libm call
    let y = u * QUANTUM;
    if y >= 0.0 {
        (y + 0.5) as i64
    } else {
        -((-y + 0.5) as i64)
    }
}

/// Distance charged for accepting a value a conditional red line rejects when the party's
/// normal red line accepts it (the condition failed): the smallest nonzero move.
pub(crate) const COND_MIN_DIST: f64 = 1e-3;

/// Tolerance for "at or above the reservation value".
pub(crate) const RES_EPS: f64 = 1e-12;

/// Everything the hot loop needs, flattened.
pub(crate) struct Ctx {
    pub p: usize,
    pub n_issues: usize,
    pub sizes: Vec<u32>,
    /// Offset of issue i's values in the flattened per-value tables.
    pub offs: Vec<usize>,
    /// `wv[(offs[i] + v) * p + party]` = weight · value.
    pub wv: Vec<f64>,
    /// `rej[offs[i] + v]`: bit `party` set when that party's red line rejects the value.
    pub rej: Vec<u64>,
    /// `dist[offs[i] + v]`: Σ over rejecting parties of how far their red line must move.
    pub dist: Vec<f64>,
    /// Per (party, value): how far that party's red line must move to accept the value.
    pub party_dist: Vec<f64>,
    pub res: Vec<f64>,
    pub cap: Vec<bool>,
    /// Disagreement point.
    pub d: Vec<f64>,
    pub criterion: Criterion,
    pub top: usize,
    pub relax_k: usize,
    /// Quantised utility vectors of a few packages in the zone (flat, `p` per pivot): any
    /// package strictly dominated by one of them is not on the frontier and is dropped early.
    pub pivots: Vec<i64>,
    /// Conditional red lines. Their parties' `rej` bits are cleared on the values accepted
    /// under either regime; [`Ctx::cond_extra`] adds them back per package.
    pub conds: Vec<ConditionalRedLine>,
}

impl Ctx {
    /// Parties whose conditional red lines package `o` crosses (beyond the `rej` masks), the
    /// distance their red lines must move, and the rules crossed (bit per rule, first 64).
    #[inline]
    pub fn cond_extra(&self, o: &[u32]) -> (u64, f64, u64) {
        let (mut mask, mut dist, mut rules) = (0u64, 0.0, 0u64);
        let total = self.rej.len();
        for (r, c) in self.conds.iter().enumerate() {
            if c.accepts(o) {
                continue;
            }
            let at = self.offs[c.issue] + o[c.issue] as usize;
            let bit = 1u64 << c.party;
            if self.rej[at] & bit != 0 {
                continue; // already counted as a plain red line
            }
            if mask & bit == 0 {
                dist += self.party_dist[c.party * total + at].max(COND_MIN_DIST);
            }
            mask |= bit;
            if r < 64 {
                rules |= 1u64 << r;
            }
        }
        (mask, dist, rules)
    }

    #[inline]
    pub fn score<const P: usize>(&self, u: &[f64; P]) -> f64 {
        match self.criterion {
            Criterion::Nash => {
                let mut s = 1.0;
                for k in 0..P {
                    s *= (u[k] - self.d[k]).max(0.0);
                }
                s
            }
            Criterion::Welfare => u.iter().sum(),
            Criterion::Egalitarian => {
                let mut m = f64::INFINITY;
                for k in 0..P {
                    m = m.min(u[k] - self.d[k]);
                }
                m
            }
        }
    }
}

/// A candidate relaxation: the red-line moves one package needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RelaxCand {
    pub actors: u32,
    /// Quantised total distance (for exact comparisons).
    pub qdist: i64,
    /// (party, issue, value) moves, sorted.
    pub moves: Vec<(u32, u32, u32)>,
    /// Best example package: (score, index).
    pub example: (f64, u64),
}

impl RelaxCand {
    fn key_cmp(&self, other: &RelaxCand) -> std::cmp::Ordering {
        self.actors
            .cmp(&other.actors)
            .then(self.qdist.cmp(&other.qdist))
            .then(self.moves.len().cmp(&other.moves.len()))
            .then_with(|| self.moves.cmp(&other.moves))
    }
}

fn better_example(a: (f64, u64), b: (f64, u64)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

/// Result of a chunk (or of merged chunks).
#[derive(Debug, Clone)]
pub(crate) struct Partial {
    pub outcomes: u64,
    pub acceptable: u64,
    /// Per value (flattened like `Ctx::rej`): acceptable packages choosing it.
    pub zone_values: Vec<u64>,
    /// Packages meeting every party's reservation value (red lines ignored).
    pub reservation_ok: u64,
    /// Per party: packages crossing at least one of its red lines.
    pub rejects: Vec<u64>,
    /// Per party: packages acceptable to all but for this party's red lines alone.
    pub sole: Vec<u64>,
    /// Per party: packages below its reservation value.
    pub below_res: Vec<u64>,
    pub frontier: PointSet,
    /// Best acceptable packages: (score, index), best first.
    pub top: Vec<(f64, u64)>,
    /// Best packages that are not acceptable: (score, index), best first.
    pub top_rejected: Vec<(f64, u64)>,
    pub relax: Vec<RelaxCand>,
    /// Per conditional red line (first 64): packages it rejects beyond the plain red lines.
    pub cond_rejects: Vec<u64>,
}

impl Partial {
    pub fn new(p: usize) -> Self {
        Partial {
            outcomes: 0,
            acceptable: 0,
            zone_values: Vec::new(),
            reservation_ok: 0,
            rejects: vec![0; p],
            sole: vec![0; p],
            below_res: vec![0; p],
            frontier: PointSet::new(p),
            top: Vec::new(),
            top_rejected: Vec::new(),
            relax: Vec::new(),
            cond_rejects: Vec::new(),
        }
    }

    pub fn merge(mut self, other: Partial, ctx: &Ctx) -> Partial {
        self.outcomes += other.outcomes;
        self.acceptable += other.acceptable;
        if self.zone_values.len() < other.zone_values.len() {
            self.zone_values.resize(other.zone_values.len(), 0);
        }
        for (a, b) in self.zone_values.iter_mut().zip(&other.zone_values) {
            *a += b;
        }
        self.reservation_ok += other.reservation_ok;
        if self.cond_rejects.len() < other.cond_rejects.len() {
            self.cond_rejects.resize(other.cond_rejects.len(), 0);
        }
        for (a, b) in self.cond_rejects.iter_mut().zip(&other.cond_rejects) {
            *a += b;
        }
        for k in 0..self.rejects.len() {
            self.rejects[k] += other.rejects[k];
            self.sole[k] += other.sole[k];
            self.below_res[k] += other.below_res[k];
        }
        self.frontier = skyline::merge(std::mem::take(&mut self.frontier), &other.frontier);
        for e in other.top {
            push_top(&mut self.top, e, ctx.top);
        }
        for e in other.top_rejected {
            push_top(&mut self.top_rejected, e, ctx.top);
        }
        for c in other.relax {
            push_relax(&mut self.relax, c, ctx.relax_k);
        }
        self
    }
}

#[inline]
fn top_better(a: (f64, u64), b: (f64, u64)) -> bool {
    better_example(a, b)
}

/// Insert into a best-first list of at most `n` entries.
#[inline]
pub(crate) fn push_top(list: &mut Vec<(f64, u64)>, e: (f64, u64), n: usize) {
    if n == 0 {
        return;
    }
    if list.len() == n {
        if !top_better(e, list[n - 1]) {
            return;
        }
        list.pop();
    }
    let pos = list
        .iter()
        .position(|&x| top_better(e, x))
        .unwrap_or(list.len());
    list.insert(pos, e);
}

fn push_relax(list: &mut Vec<RelaxCand>, c: RelaxCand, k: usize) {
    if k == 0 {
        return;
    }
    if let Some(existing) = list.iter_mut().find(|x| x.moves == c.moves) {
        if better_example(c.example, existing.example) {
            existing.example = c.example;
        }
        return;
    }
    if list.len() == k {
        if c.key_cmp(&list[k - 1]) != std::cmp::Ordering::Less {
            return;
        }
        list.pop();
    }
    let pos = list
        .iter()
        .position(|x| c.key_cmp(x) == std::cmp::Ordering::Less)
        .unwrap_or(list.len());
    list.insert(pos, c);
}

/// Walk the packages of `range`, calling `f(index, outcome, utilities, red-line mask, distance)`.
#[inline(always)]
fn drive<const P: usize, F: FnMut(u64, &[u32], &[f64; P], u64, f64)>(
    ctx: &Ctx,
    range: Range<u64>,
    o: &mut Vec<u32>,
    mut f: F,
) {
    let ni = ctx.n_issues;
    let last = ni - 1;
    // outcome at range.start
    o.clear();
    o.resize(ni, 0);
    let mut rest = range.start;
    for k in (0..ni).rev() {
        let n = ctx.sizes[k] as u64;
        o[k] = (rest % n) as u32;
        rest /= n;
    }
    // prefix sums over issues 0..k for k = 0..=last
    let mut pre_u = vec![[0.0f64; P]; ni];
    let mut pre_m = vec![0u64; ni];
    let mut pre_d = vec![0.0f64; ni];
    let recompute =
        |from: usize, o: &[u32], pre_u: &mut [[f64; P]], pre_m: &mut [u64], pre_d: &mut [f64]| {
            for k in from..last {
                let at = ctx.offs[k] + o[k] as usize;
                let mut u = pre_u[k];
                for (p, x) in u.iter_mut().enumerate() {
                    *x += ctx.wv[at * P + p];
                }
                pre_u[k + 1] = u;
                pre_m[k + 1] = pre_m[k] | ctx.rej[at];
                pre_d[k + 1] = pre_d[k] + ctx.dist[at];
            }
        };
    recompute(0, o, &mut pre_u, &mut pre_m, &mut pre_d);
    let mut idx = range.start;
    let n_last = ctx.sizes[last];
    let off_last = ctx.offs[last];
    while idx < range.end {
        let v0 = o[last];
        let run = ((n_last - v0) as u64).min(range.end - idx) as u32;
        let base_u = pre_u[last];
        let base_m = pre_m[last];
        let base_d = pre_d[last];
        for v in v0..v0 + run {
            let at = off_last + v as usize;
            let mut u = base_u;
            for p in 0..P {
                u[p] += ctx.wv[at * P + p];
                if ctx.cap[p] && u[p] > 1.0 {
                    u[p] = 1.0;
                }
            }
            o[last] = v;
            f(idx, o, &u, base_m | ctx.rej[at], base_d + ctx.dist[at]);
            idx += 1;
        }
        if idx >= range.end {
            break;
        }
        // carry into the prefix
        o[last] = 0;
        let mut k = last;
        loop {
            if k == 0 {
                return; // wrapped past the end of the space
            }
            k -= 1;
            o[k] += 1;
            if o[k] < ctx.sizes[k] {
                break;
            }
            o[k] = 0;
        }
        recompute(k, o, &mut pre_u, &mut pre_m, &mut pre_d);
    }
}

/// Whether some pivot is at least as good for everyone and better for someone. `last` is the
/// pivot that matched last time (checked first: neighbouring packages are alike).
#[inline]
fn strictly_dominated(pivots: &[i64], q: &[i64], last: &mut usize) -> bool {
    let p = q.len();
    let m = pivots.len() / p;
    for k in 0..m {
        let j = (*last + k) % m;
        if pivot_dominates(pivots, j, q) {
            *last = j;
            return true;
        }
    }
    false
}

/// Pivots: for a fixed set of positive party weightings λ, the package maximising Σ λ_p u_p
/// over the values no red line rejects (the problem separates by issue). Kept when it meets
/// every reservation value. Deterministic.
fn pivots(
    domain: &Domain,
    ctx_wv: &[f64],
    offs: &[usize],
    rej: &[u64],
    p: usize,
    conds: &[ConditionalRedLine],
) -> Vec<i64> {
    let n_issues = offs.len();
    let sizes = domain.space.sizes();
    let mut lambdas: Vec<Vec<f64>> = Vec::new();
    for k in 0..p {
        let mut l = vec![1e-3; p];
        l[k] = 1.0;
        lambdas.push(l);
    }
    lambdas.push(vec![1.0; p]);
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    while lambdas.len() < 48 {
        let l: Vec<f64> = (0..p)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                0.01 + (x >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect();
        lambdas.push(l);
    }
    let mut out: Vec<i64> = Vec::new();
    for l in &lambdas {
        let mut o = Vec::with_capacity(n_issues);
        for i in 0..n_issues {
            let mut best: Option<(f64, u32)> = None;
            for v in 0..sizes[i] {
                let at = offs[i] + v as usize;
                if rej[at] != 0 {
                    continue;
                }
                let sc: f64 = (0..p).map(|k| l[k] * ctx_wv[at * p + k]).sum();
                if best.is_none_or(|(b, _)| sc > b) {
                    best = Some((sc, v));
                }
            }
            match best {
                Some((_, v)) => o.push(v),
                None => return Vec::new(),
            }
        }
        if conds.iter().any(|c| !c.accepts(&o)) {
            continue;
        }
        let u = domain.utilities(&o);
        if u.iter()
            .zip(&domain.parties)
            .any(|(u, party)| *u < party.utility.reservation - RES_EPS)
        {
            continue;
        }
        let q: Vec<i64> = u.iter().map(|&x| quantise(x)).collect();
        if !out.chunks(p).any(|w| w == q.as_slice()) {
            out.extend_from_slice(&q);
        }
    }
    out
}

/// The moves a package needs: (party, issue, value) for every red line it crosses.
fn moves_of(ctx: &Ctx, o: &[u32]) -> Vec<(u32, u32, u32)> {
    let mut mv = Vec::new();
    for (i, &v) in o.iter().enumerate() {
        let mut m = ctx.rej[ctx.offs[i] + v as usize];
        while m != 0 {
            let p = m.trailing_zeros();
            m &= m - 1;
            mv.push((p, i as u32, v));
        }
    }
    for c in &ctx.conds {
        if !c.accepts(o) && ctx.rej[ctx.offs[c.issue] + o[c.issue] as usize] & (1 << c.party) == 0 {
            let m = (c.party as u32, c.issue as u32, o[c.issue]);
            if !mv.contains(&m) {
                mv.push(m);
            }
        }
    }
    mv.sort_unstable();
    mv
}

struct Scratch {
    o: Vec<u32>,
    pts: PointSet,
    q: Vec<i64>,
    seen: Dedup,
}

/// Open-addressing set of the utility vectors met so far in this chunk. Within a chunk indices
/// increase, so a package whose vector was met before cannot represent it (nor be on the
/// frontier if the earlier one was dominated).
struct Dedup {
    /// Slot -> 1 + key number (0 = empty).
    slots: Vec<u32>,
    keys: Vec<i64>,
    used: Vec<u32>,
}

impl Dedup {
    fn new() -> Self {
        Dedup {
            slots: Vec::new(),
            keys: Vec::new(),
            used: Vec::new(),
        }
    }
    fn reset(&mut self, capacity: usize) {
        let want = (capacity * 2).next_power_of_two().max(64);
        if self.slots.len() < want {
            self.slots = vec![0; want];
        } else {
            for &u in &self.used {
                self.slots[u as usize] = 0;
            }
        }
        self.used.clear();
        self.keys.clear();
    }
    /// Insert `q`; false when it was already present.
    #[inline]
    fn insert(&mut self, q: &[i64]) -> bool {
        let p = q.len();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &x in q {
            h = (h ^ x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^= h >> 29;
        }
        let mask = self.slots.len() - 1;
        let mut s = (h as usize) & mask;
        loop {
            let e = self.slots[s] as usize;
            if e == 0 {
                self.keys.extend_from_slice(q);
                self.slots[s] = (self.keys.len() / p) as u32;
                self.used.push(s as u32);
                return true;
            }
            let k = &self.keys[(e - 1) * p..e * p];
            if k.iter().zip(q).all(|(a, b)| a == b) {
                return false;
            }
            s = (s + 1) & mask;
        }
    }
}

/// Whether pivot `j` strictly dominates `q`.
#[inline]
fn pivot_dominates(pivots: &[i64], j: usize, q: &[i64]) -> bool {
    let p = q.len();
    let w = &pivots[j * p..(j + 1) * p];
    let mut gt = false;
    for t in 0..p {
        if w[t] < q[t] {
            return false;
        }
        gt |= w[t] > q[t];
    }
    gt
}

fn chunk<const P: usize>(ctx: &Ctx, range: Range<u64>, s: &mut Scratch) -> Partial {
    let mut part = Partial::new(P);
    part.zone_values = vec![0; ctx.rej.len()];
    s.pts.clear();
    s.pts.p = P;
    s.q.resize(P, 0);
    let mut o = std::mem::take(&mut s.o);
    let pts = &mut s.pts;
    let q = &mut s.q;
    let seen = &mut s.seen;
    seen.reset((range.end - range.start) as usize);
    let mut last_hit = 0usize;
    let mut top_floor = f64::NEG_INFINITY;
    let mut rej_floor = f64::NEG_INFINITY;
    let n_conds = ctx.conds.len().min(64);
    part.cond_rejects = vec![0; n_conds];
    drive::<P, _>(ctx, range.clone(), &mut o, |idx, o, u, mask, dist| {
        let (mask, dist) = if n_conds == 0 {
            (mask, dist)
        } else {
            let (m2, d2, rules) = ctx.cond_extra(o);
            let mut r = rules;
            while r != 0 {
                part.cond_rejects[r.trailing_zeros() as usize] += 1;
                r &= r - 1;
            }
            (mask | m2, dist + d2)
        };
        let mut res_ok = true;
        for p in 0..P {
            if u[p] < ctx.res[p] - RES_EPS {
                res_ok = false;
                part.below_res[p] += 1;
            }
        }
        if mask == 0 && res_ok {
            part.acceptable += 1;
            for (i, &v) in o.iter().enumerate() {
                part.zone_values[ctx.offs[i] + v as usize] += 1;
            }
            for p in 0..P {
                q[p] = quantise(u[p]);
            }
            // cheap test first (the pivot that worked last time), then "seen before?", then
            // every pivot
            let quick = !ctx.pivots.is_empty() && pivot_dominates(&ctx.pivots, last_hit, q);
            if !quick && seen.insert(q) && !strictly_dominated(&ctx.pivots, q, &mut last_hit) {
                pts.push(q, idx);
            }
            if ctx.top > 0 {
                let sc = ctx.score(u);
                if sc >= top_floor {
                    push_top(&mut part.top, (sc, idx), ctx.top);
                    if part.top.len() == ctx.top {
                        top_floor = part.top[ctx.top - 1].0;
                    }
                }
            }
            return;
        }
        if res_ok {
            part.reservation_ok += 1;
        }
        if mask != 0 {
            let mut m = mask;
            while m != 0 {
                let p = m.trailing_zeros() as usize;
                m &= m - 1;
                part.rejects[p] += 1;
            }
            if res_ok && mask.count_ones() == 1 {
                part.sole[mask.trailing_zeros() as usize] += 1;
            }
        }
        if ctx.top > 0 {
            let sc = ctx.score(u);
            if sc >= rej_floor {
                push_top(&mut part.top_rejected, (sc, idx), ctx.top);
                if part.top_rejected.len() == ctx.top {
                    rej_floor = part.top_rejected[ctx.top - 1].0;
                }
            }
        }
        if mask != 0 && res_ok && ctx.relax_k > 0 {
            let actors = mask.count_ones();
            let qd = quantise(dist);
            if part.relax.len() == ctx.relax_k {
                let worst = &part.relax[ctx.relax_k - 1];
                if (actors, qd) > (worst.actors, worst.qdist) {
                    return;
                }
            }
            let moves = moves_of(ctx, o);
            let cand = RelaxCand {
                actors,
                qdist: qd,
                moves,
                example: (ctx.score(u), idx),
            };
            push_relax(&mut part.relax, cand, ctx.relax_k);
        }
    });
    part.outcomes = range.end - range.start;
    // reservation_ok counted the non-acceptable ones; add the acceptable ones.
    part.reservation_ok += part.acceptable;
    part.frontier = skyline::skyline(pts);
    s.o = o;
    part
}

/// Packages meeting every reservation whose red-line crossings are all covered by each
/// relaxation's `allowed` table (`allowed[party * total_values + offs[i] + v]`).
fn count_opened<const P: usize>(
    ctx: &Ctx,
    range: Range<u64>,
    allowed: &[Vec<bool>],
    total_values: usize,
) -> Vec<u64> {
    let mut counts = vec![0u64; allowed.len()];
    let mut o = Vec::new();
    drive::<P, _>(ctx, range, &mut o, |_idx, o, u, mask, _dist| {
        let mask = if ctx.conds.is_empty() {
            mask
        } else {
            mask | ctx.cond_extra(o).0
        };
        if mask == 0 {
            return;
        }
        for p in 0..P {
            if u[p] < ctx.res[p] - RES_EPS {
                return;
            }
        }
        for (r, table) in allowed.iter().enumerate() {
            let mut ok = true;
            'issues: for (i, &v) in o.iter().enumerate() {
                let at = ctx.offs[i] + v as usize;
                let mut m = ctx.rej[at];
                while m != 0 {
                    let p = m.trailing_zeros() as usize;
                    m &= m - 1;
                    if !table[p * total_values + at] {
                        ok = false;
                        break 'issues;
                    }
                }
            }
            if ok {
                for c in &ctx.conds {
                    let at = ctx.offs[c.issue] + o[c.issue] as usize;
                    if !c.accepts(o)
                        && ctx.rej[at] & (1 << c.party) == 0
                        && !table[c.party * total_values + at]
                    {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                counts[r] += 1;
            }
        }
    });
    counts
}

pub(crate) const MAX_PARTIES: usize = 16;

macro_rules! dispatch {
    ($p:expr, $f:ident, $($args:expr),*) => {
        match $p {
            1 => $f::<1>($($args),*),
            2 => $f::<2>($($args),*),
            3 => $f::<3>($($args),*),
            4 => $f::<4>($($args),*),
            5 => $f::<5>($($args),*),
            6 => $f::<6>($($args),*),
            7 => $f::<7>($($args),*),
            8 => $f::<8>($($args),*),
            9 => $f::<9>($($args),*),
            10 => $f::<10>($($args),*),
            11 => $f::<11>($($args),*),
            12 => $f::<12>($($args),*),
            13 => $f::<13>($($args),*),
            14 => $f::<14>($($args),*),
            15 => $f::<15>($($args),*),
            16 => $f::<16>($($args),*),
            _ => unreachable!("party count checked by the caller"),
        }
    };
}

/// The main pass: every package, in parallel chunks.
pub(crate) fn run(
    ctx: &Ctx,
    cardinality: u64,
    chunk_size: u64,
    progress: &Progress<'_>,
) -> Partial {
    let chunk_size = chunk_size.max(1);
    let n_chunks = cardinality.div_ceil(chunk_size);
    let done = std::sync::atomic::AtomicU64::new(0);
    let cancelled = std::sync::atomic::AtomicBool::new(false);
    (0..n_chunks)
        .into_par_iter()
        .map_init(
            || Scratch {
                o: Vec::new(),
                pts: PointSet::new(ctx.p),
                q: Vec::new(),
                seen: Dedup::new(),
            },
            |s, c| {
                use std::sync::atomic::Ordering::Relaxed;
                if cancelled.load(Relaxed) {
                    return Partial::new(ctx.p);
                }
                let range = c * chunk_size..((c + 1) * chunk_size).min(cardinality);
                let n = range.end - range.start;
                let part = dispatch!(ctx.p, chunk, ctx, range, s);
                if let Some(f) = progress {
                    let d = done.fetch_add(n, Relaxed) + n;
                    if !f(d, cardinality) {
                        cancelled.store(true, Relaxed);
                    }
                }
                part
            },
        )
        .reduce(|| Partial::new(ctx.p), |a, b| a.merge(b, ctx))
}

/// Progress callback: `(packages done, total) -> keep going?`.
pub(crate) type Progress<'a> = Option<&'a (dyn Fn(u64, u64) -> bool + Sync)>;

/// The second pass (only when the zone is empty): how many packages each relaxation opens.
pub(crate) fn opened(
    ctx: &Ctx,
    cardinality: u64,
    chunk_size: u64,
    allowed: &[Vec<bool>],
    total_values: usize,
) -> Vec<u64> {
    let chunk_size = chunk_size.max(1);
    let n_chunks = cardinality.div_ceil(chunk_size);
    (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let range = c * chunk_size..((c + 1) * chunk_size).min(cardinality);
            dispatch!(ctx.p, count_opened, ctx, range, allowed, total_values)
        })
        .reduce(
            || vec![0; allowed.len()],
            |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect(),
        )
}

/// Build the flattened context from a domain.
pub(crate) fn context(
    domain: &Domain,
    d: Vec<f64>,
    criterion: Criterion,
    top: usize,
    relax_k: usize,
    conds: &[ConditionalRedLine],
) -> Ctx {
    let p = domain.parties.len();
    let sizes = domain.space.sizes();
    let mut offs = Vec::with_capacity(sizes.len());
    let mut total = 0usize;
    for &n in &sizes {
        offs.push(total);
        total += n as usize;
    }
    let mut wv = vec![0.0; total * p];
    let mut rej = vec![0u64; total];
    let mut dist = vec![0.0; total];
    let mut party_dist = vec![0.0; total * p];
    for (k, party) in domain.parties.iter().enumerate() {
        let u = &party.utility;
        for (i, issue) in domain.space.issues.iter().enumerate() {
            for v in 0..issue.values.len() {
                let at = offs[i] + v;
                wv[at * p + k] = u.weights[i] * u.values[i][v];
                if u.rejects(i, v as u32) {
                    rej[at] |= 1u64 << k;
                    let dd = crate::relax::move_distance(domain, k, i, v);
                    dist[at] += dd;
                    party_dist[k * total + at] = dd;
                }
            }
        }
    }
    // conditional red lines: a value accepted under either regime is not rejected outright
    let conds: Vec<ConditionalRedLine> = conds
        .iter()
        .filter(|c| c.party < p && c.issue < sizes.len() && c.when_issue < sizes.len())
        .cloned()
        .collect();
    for c in &conds {
        for (v, &ok) in c.ok_when.iter().enumerate() {
            let at = offs[c.issue] + v;
            if ok && v < sizes[c.issue] as usize && rej[at] & (1 << c.party) != 0 {
                rej[at] &= !(1u64 << c.party);
                dist[at] -= party_dist[c.party * total + at];
            }
        }
    }
    let any_red = rej.iter().any(|&m| m != 0) || !conds.is_empty();
    let pivots = pivots(domain, &wv, &offs, &rej, p, &conds);
    Ctx {
        conds,
        pivots,
        p,
        n_issues: sizes.len(),
        sizes,
        offs,
        wv,
        rej,
        dist,
        party_dist,
        res: domain
            .parties
            .iter()
            .map(|x| x.utility.reservation)
            .collect(),
        cap: domain
            .parties
            .iter()
            .map(|x| x.utility.cap_at_one)
            .collect(),
        d,
        criterion,
        top,
        relax_k: if any_red { relax_k } else { 0 },
    }
}
