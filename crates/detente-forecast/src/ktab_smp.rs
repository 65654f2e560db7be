//! KTAB's spatial model of politics (SMP), as KTAB's `smpc` computes it: the default of
//! `detente forecast --model smp`. See docs/forecast.md ("The spatial model (SMP)") for the
//! model step by step with KTAB's names.
//!
//! One state is every actor's position (a point in [0, 1]^dims) and ideal. A step from state t:
//! 1. utilities: `vDiff(i, j)` is the salience-weighted distance from i's ideal to j's
//!    position; the risk-neutral utilities `1 − vDiff` give a PCE over the actors' positions,
//!    whose probabilities give each actor's inferred risk attitude R (`BigRRange`); h's
//!    estimate of i's attitude blends both (`BigRAdjust`), and h's estimate of i's utility for
//!    j's position is `(1 − d)(1 + d R)`.
//! 2. challenges: each actor i estimates, for every j, the probability that i would beat j
//!    (the two principals' votes plus every third party's vote, `ThirdPartyCommit`) and its
//!    expected gain from challenging j; it targets the j of largest gain (if any above 1e-5).
//! 3. bargains: i and j's positions are interpolated dimension by dimension (`InterVecBrgn`),
//!    from i's and from j's estimate of the win probability; `BargnModel` says which are
//!    proposed. Each actor's own status quo is always one of its bargains.
//! 4. choice: each actor's bargains are put to a PCE among all actors (utilities averaged over
//!    the whole resulting state); the actor adopts the likeliest (`Deterministic`) or draws one
//!    (`Stochastic`, KTAB's PRNG).
//! 5. ideals move toward the new positions by the ideal-adjustment (accommodation) matrix
//!    (identity by default: ideal = position).
//!
//! The run stops when the total move of the last step is below 2 % of the first step's
//! (`Fractional change compared to first step … (target=0.0200)`), after at least 2 and at most
//! 100 steps.
#![allow(clippy::needless_range_loop)]

use crate::ktab_core::{
    big_r, bs_util, bv_diff, coalitions, est_nra, interp, pce, scalar_pce, third_party_vote, vote,
};
use crate::ktab_params::{BargnModel, KtabParams, StateTransitions};
use crate::ktab_prng::KtabPrng;
use serde::Serialize;

/// The input of one run: `n` actors on `nd` dimensions, positions on [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct SmpInput {
    pub n: usize,
    pub nd: usize,
    /// Capability (KTAB `sCap`) per actor.
    pub cap: Vec<f64>,
    /// Salience per actor and dimension (`sal[i*nd + d]`), 0–1, summing to at most 1 per actor.
    pub sal: Vec<f64>,
    /// Initial position per actor and dimension, 0–1.
    pub pos: Vec<f64>,
    /// The ideal-adjustment (accommodation) matrix `acc[i*n + j]`: how far i's ideal moves to
    /// j's new position each step. `None` = identity (ideals follow positions).
    pub accommodation: Option<Vec<f64>>,
    /// Each actor's acceptable range per dimension (`bounds[i*nd + d]`, 0–1 scale; its red
    /// line): every new state's position is clamped into it. Empty = no constraint (KTAB's
    /// algorithm unchanged).
    pub bounds: Vec<Option<(f64, f64)>>,
}

/// Stop rule constants of KTAB's `SMPModel::configExec`.
pub const MIN_ITER: usize = 2;
/// KTAB's maximum number of steps.
pub const MAX_ITER: usize = 100;
/// KTAB's `minDeltaRatio`.
pub const MIN_DELTA_RATIO: f64 = 0.02;
/// KTAB's `minSigDelta`, added to the first step's size.
pub const MIN_SIG_DELTA: f64 = 1e-4;
/// KTAB's `posTol`: positions closer than this (Euclidean, 0–1 scale) are the same position.
pub const POS_TOL: f64 = 1e-3;
/// KTAB's `minSigEDU`: smallest expected gain worth a challenge.
pub const MIN_SIG_EDU: f64 = 1e-5;

/// One actor's challenge in a step, with the quantities KTAB's log prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Challenge {
    /// The challenger (index into the run's actors).
    pub initiator: usize,
    /// Its most advantageous target.
    pub target: usize,
    /// The initiator's expected gain ("worth").
    pub worth: f64,
    /// The initiator's estimate of the probability it beats the target.
    pub prob_by_initiator: f64,
    /// The initiator's estimate of the target's expected gain.
    pub gain_to_target_by_initiator: f64,
    /// The target's estimate of the probability the initiator wins.
    pub prob_by_target: f64,
    /// The target's estimate of the initiator's and of its own expected gain.
    pub gain_to_initiator_by_target: f64,
    pub gain_to_target_by_target: f64,
    /// The bargain from the initiator's view (brgnIIJ): [initiator adopts, target adopts].
    pub initiator_view: [Vec<f64>; 2],
    /// The bargain from the target's view (brgnJIJ).
    pub target_view: [Vec<f64>; 2],
    /// The power-weighted compromise of the two (brgnIJ).
    pub compromise: [Vec<f64>; 2],
}

/// One state of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpState {
    /// Positions `pos[i*nd + d]` on the 0–1 scale.
    pub pos: Vec<f64>,
    /// Ideals, same layout.
    pub ideal: Vec<f64>,
    /// Inferred risk attitude of each actor in this state.
    pub risk: Vec<f64>,
    /// Each actor's winning probability in this state (PCE over the distinct positions, each
    /// actor valuing them from its own view; actors at the same position share it).
    pub win_prob: Vec<f64>,
    /// The challenges made from this state (empty for the last state).
    pub challenges: Vec<Challenge>,
    /// For each actor, (index of the bargain it adopted, number of bargains it had), in its
    /// list: status quo first, then by initiator order.
    pub chosen: Vec<(usize, usize)>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpRunOut {
    pub states: Vec<SmpState>,
    /// The last step's total move over the first step's (the stop test's ratio).
    pub last_ratio: f64,
    /// Whether the ratio rule stopped the run (rather than the 100-step cap or too few actors).
    pub converged: bool,
}

/// The order in which KTAB's threads happened to run, per step: `lists[t][k]` is the order of
/// the initiators of the bargains in actor k's list after its status quo (the order in which
/// they joined it), `selectors[t]` the order in which actors drew their bargain from the shared
/// PRNG (matters for `Stochastic` only). KTAB runs both in parallel threads, so its order
/// varies from run to run; its log shows it ("Bargains involving actor k: …", "Doing scalarPCE
/// … of actor k"). Default (`None`, or a missing entry): index order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub lists: Vec<Vec<Vec<usize>>>,
    pub selectors: Vec<Vec<usize>>,
}

/// Per-state utilities: `vdiff[i*n + j]` and h's risk estimate for i, `rhi[h*n + i]`.
struct Eval {
    vdiff: Vec<f64>,
    nra: Vec<f64>,
    rhi: Vec<f64>,
    /// `sum(vSal)` and `cap × sum(vSal)` per actor.
    ssum: Vec<f64>,
    wsum: Vec<f64>,
    ideal: Vec<f64>,
    /// Each actor's utility for every position from its own view, `own[a*n + x]`.
    own: Vec<f64>,
}

impl Eval {
    /// h's estimate of every actor's utility for every position, `u[a*n + b]`.
    fn util_matrix(&self, n: usize, h: usize) -> Vec<f64> {
        let mut u = vec![0.0; n * n];
        self.util_matrix_into(n, h, &mut u);
        u
    }

    /// [`Eval::util_matrix`] into a buffer of n² values.
    fn util_matrix_into(&self, n: usize, h: usize, u: &mut [f64]) {
        for a in 0..n {
            let r = self.rhi[h * n + a];
            for b in 0..n {
                u[a * n + b] = bs_util(self.vdiff[a * n + b], r);
            }
        }
    }
    /// `SMPActor::posUtil`: actor a's utility for point `p`, with its own risk attitude.
    fn pos_util(&self, input: &SmpInput, a: usize, p: &[f64]) -> f64 {
        let nd = input.nd;
        let d = bv_diff(
            &self.ideal[a * nd..(a + 1) * nd],
            p,
            &input.sal[a * nd..(a + 1) * nd],
        );
        bs_util(d, self.nra[a])
    }

    #[inline]
    fn u(&self, n: usize, h: usize, i: usize, j: usize) -> f64 {
        bs_util(self.vdiff[i * n + j], self.rhi[h * n + i])
    }
}

/// A bargain: `init` proposes that it adopts `pi` and `rcvr` adopts `pr` (status quo: both the
/// same actor).
#[derive(Debug, Clone)]
struct Bargain {
    init: usize,
    rcvr: usize,
    pi: Vec<f64>,
    pr: Vec<f64>,
    /// Per actor a, u_a(pi) + u_a(pr) (empty for a status quo): computed once, read by both
    /// actors' choices.
    pu: Vec<f64>,
}

/// Run KTAB's SMP. `seed` feeds KTAB's PRNG (used only by `Stochastic` transitions); `detail`
/// keeps every state's winning probabilities and challenges (else only the last state's
/// probabilities); at most `max_iter` steps (KTAB: [`MAX_ITER`]).
pub fn run(
    input: &SmpInput,
    params: &KtabParams,
    seed: u64,
    schedule: Option<&Schedule>,
    detail: bool,
    max_iter: usize,
) -> SmpRunOut {
    let (n, nd) = (input.n, input.nd);
    let mut rng = KtabPrng::new(seed);
    let mut pos = input.pos.clone();
    let mut ideal = input.pos.clone();
    let mut states: Vec<SmpState> = Vec::new();
    let mut first_dist = 0.0;
    let mut last_ratio = f64::NAN;
    let mut converged = false;
    let max_iter = max_iter.max(1);
    for iter in 0..=max_iter {
        let ev = evaluate(input, params, &pos, &ideal);
        let win_prob = if detail {
            win_probs(input, params, &pos, &ev)
        } else {
            Vec::new()
        };
        let mut st = SmpState {
            pos: pos.clone(),
            ideal: ideal.clone(),
            risk: ev.nra.clone(),
            win_prob,
            challenges: Vec::new(),
            chosen: Vec::new(),
        };
        if iter > 0 {
            let d = state_dist(&states[iter - 1].pos, &pos, nd);
            if iter == 1 {
                first_dist = d + MIN_SIG_DELTA;
            }
            last_ratio = d / first_dist;
            let quiet = last_ratio < MIN_DELTA_RATIO;
            if iter >= max_iter || (iter >= MIN_ITER && quiet) {
                converged = quiet && iter >= MIN_ITER;
                if !detail {
                    st.win_prob = win_probs(input, params, &pos, &ev);
                }
                states.push(st);
                break;
            }
        }
        if n < 2 {
            if !detail {
                st.win_prob = win_probs(input, params, &pos, &ev);
            }
            states.push(st);
            break;
        }
        let sched = schedule.map(|s| (s.lists.get(iter).cloned(), s.selectors.get(iter).cloned()));
        let (np, chosen, challenges) = step(input, params, &ev, &pos, &mut rng, sched, detail);
        st.chosen = chosen;
        st.challenges = challenges;
        states.push(st);
        let mut np = np;
        // Never past an actor's own red line (no-op without bounds).
        for (x, b) in np.iter_mut().zip(&input.bounds) {
            if let Some((lo, hi)) = b {
                *x = x.clamp(*lo, *hi);
            }
        }
        ideal = new_ideals(input, &np, &ideal);
        pos = np;
        if detente_scenario::cancelled() {
            break; // the caller (a server run) was cancelled; the result is dropped
        }
    }
    SmpRunOut {
        states,
        last_ratio,
        converged,
    }
}

/// `SMPModel::stateDist`: sum over actors of the Euclidean distance between their positions.
fn state_dist(a: &[f64], b: &[f64], nd: usize) -> f64 {
    a.chunks(nd)
        .zip(b.chunks(nd))
        .map(|(x, y)| {
            x.iter()
                .zip(y)
                .map(|(p, q)| (p - q) * (p - q))
                .sum::<f64>()
                .sqrt()
        })
        .sum()
}

/// `SMPState::setAllAUtil`: distances, inferred risk attitudes and estimated risk attitudes.
fn evaluate(input: &SmpInput, params: &KtabParams, pos: &[f64], ideal: &[f64]) -> Eval {
    let (n, nd) = (input.n, input.nd);
    let mut vdiff = vec![0.0; n * n];
    for i in 0..n {
        let (ii, si) = (
            &ideal[i * nd..(i + 1) * nd],
            &input.sal[i * nd..(i + 1) * nd],
        );
        for j in 0..n {
            vdiff[i * n + j] = bv_diff(ii, &pos[j * nd..(j + 1) * nd], si);
        }
    }
    let rn: Vec<f64> = vdiff.iter().map(|&d| bs_util(d, 0.0)).collect();
    let vr = params.voting_rule;
    let c = coalitions(n, n, |k, i, j| {
        vote(vr, input.cap[k], rn[k * n + i], rn[k * n + j])
    });
    let p = pce(params.pce_model, params.victory_prob_model, &c, n);
    let nra = big_r(&p, params.big_r_range);
    let mut rhi = vec![0.0; n * n];
    for h in 0..n {
        for i in 0..n {
            rhi[h * n + i] = est_nra(nra[h], nra[i], params.big_r_adjust);
        }
    }
    let ssum: Vec<f64> = (0..n)
        .map(|i| input.sal[i * nd..(i + 1) * nd].iter().sum())
        .collect();
    let wsum = (0..n).map(|i| ssum[i] * input.cap[i]).collect();
    let mut own = vec![0.0; n * n];
    for a in 0..n {
        for x in 0..n {
            own[a * n + x] = bs_util(vdiff[a * n + x], rhi[a * n + a]);
        }
    }
    Eval {
        vdiff,
        nra,
        rhi,
        ssum,
        wsum,
        ideal: ideal.to_vec(),
        own,
    }
}

/// `SMPState::probEduChlg`: h's estimate of the probability that i beats j, and of the change
/// in k's expected utility if i challenges j.
fn prob_edu_chlg(
    input: &SmpInput,
    params: &KtabParams,
    ev: &Eval,
    h: usize,
    k: usize,
    i: usize,
    j: usize,
) -> (f64, f64) {
    let uh = ev.util_matrix(input.n, h);
    edu_with(input, params, ev, &uh, k, i, j)
}

/// [`prob_edu_chlg`] with h's utilities given as a matrix `uh[a*n + b]`.
fn edu_with(
    input: &SmpInput,
    params: &KtabParams,
    ev: &Eval,
    uh: &[f64],
    k: usize,
    i: usize,
    j: usize,
) -> (f64, f64) {
    let n = input.n;
    let (vr, tpc) = (params.voting_rule, params.third_party_commit);
    let u = |a: usize, b: usize| uh[a * n + b];
    let (uii, uij, uji, ujj) = (u(i, i), u(i, j), u(j, i), u(j, j));
    let (uki, ukj) = (u(k, i), u(k, j));
    let eu_sq = uki + ukj;
    let uhkij = uki + uki;
    let uhkji = ukj + ukj;
    let sj = ev.ssum[j];
    let ci = vote(vr, ev.wsum[i], uii, uij);
    let cj = vote(vr, ev.wsum[j], uji, ujj);
    let (mut chij, mut chji) = (1e-10, 1e-10);
    if ci > 0.0 {
        chij += ci;
    }
    if ci < 0.0 {
        chji -= ci;
    }
    if cj > 0.0 {
        chij += cj;
    }
    if cj < 0.0 {
        chji -= cj;
    }
    let (ci_ij, cj_ij) = (chij, chji);
    for m in 0..n {
        if m == i || m == j {
            continue;
        }
        let wn = ev.wsum[m];
        let (umi, umj, umm) = (u(m, i), u(m, j), u(m, m));
        let cn = vote(vr, wn, umi, umj);
        let cni = if cn > 0.0 { ci_ij + cn } else { ci_ij };
        let cnj = if cn < 0.0 { cj_ij - cn } else { cj_ij };
        let pin = cni / (cni + cnj);
        let v = third_party_vote(wn, vr, tpc, pin, 1.0 - pin, umi, umj, umm);
        if v > 0.0 {
            chij += v;
        }
        if v < 0.0 {
            chji -= v;
        }
    }
    let phij = chij / (chij + chji);
    let phji = chji / (chij + chji);
    let eu_cntst = phij * uhkij + phji * uhkji;
    let eu_chlg = (1.0 - sj) * uhkij + sj * eu_cntst;
    (phij, eu_chlg - eu_sq)
}

type StepOut = (Vec<f64>, Vec<(usize, usize)>, Vec<Challenge>);
/// One step's part of a [`Schedule`]: the lists' order and the drawing order.
type StepSchedule = (Option<Vec<Vec<usize>>>, Option<Vec<usize>>);

/// `SMPState::doBCN`: challenges, bargains and each actor's choice; returns the new positions.
fn step(
    input: &SmpInput,
    params: &KtabParams,
    ev: &Eval,
    pos: &[f64],
    rng: &mut KtabPrng,
    sched: Option<StepSchedule>,
    detail: bool,
) -> StepOut {
    let (n, nd) = (input.n, input.nd);
    let (list_order, sel_order) = sched.unwrap_or((None, None));
    let order = |o: Option<Vec<usize>>| -> Vec<usize> {
        let mut v: Vec<usize> = o
            .unwrap_or_default()
            .into_iter()
            .filter(|&i| i < n)
            .collect();
        for i in 0..n {
            if !v.contains(&i) {
                v.push(i);
            }
        }
        v
    };
    let at = |i: usize| pos[i * nd..(i + 1) * nd].to_vec();
    // Every actor's own status quo comes first in its list.
    let mut lists: Vec<Vec<Bargain>> = (0..n)
        .map(|i| {
            vec![Bargain {
                init: i,
                rcvr: i,
                pi: at(i),
                pr: at(i),
                pu: Vec::new(),
            }]
        })
        .collect();
    let mut challenges = Vec::new();
    let mut buf = Vec::new();
    for i in 0..n {
        if detente_scenario::cancelled() {
            break; // a cancelled server run: the partial state is dropped
        }
        let Some((j, pij, worth)) = best_challenge(input, params, ev, i, &mut buf) else {
            continue;
        };
        // The target's view: KTAB passes j's estimate of i's expected *gain* (`get<1>` of
        // `probEduChlg(j, i, i, j)`) where the interpolation takes a probability; kept as is.
        let p_jij = prob_edu_chlg(input, params, ev, j, i, i, j).1;
        let iij = interpolate(input, params, pos, i, j, pij);
        let jij = interpolate(input, params, pos, i, j, p_jij);
        // KTAB weighs the compromise by i's capability on both sides (`brgnJIJ->actInit`).
        let wi = input.cap[i] * ev.ssum[i];
        let wj = input.cap[i] * ev.ssum[j];
        let mix = |a: &[f64], b: &[f64]| -> Vec<f64> {
            a.iter()
                .zip(b)
                .map(|(x, y)| (wi * x + wj * y) / (wi + wj))
                .collect()
        };
        let ij = (mix(&iij.0, &jij.0), mix(&iij.1, &jij.1));
        if detail {
            let est_ijij = prob_edu_chlg(input, params, ev, i, j, i, j);
            let est_jiij = prob_edu_chlg(input, params, ev, j, i, i, j);
            let est_jjij = prob_edu_chlg(input, params, ev, j, j, i, j);
            challenges.push(Challenge {
                initiator: i,
                target: j,
                worth,
                prob_by_initiator: pij,
                gain_to_target_by_initiator: est_ijij.1,
                prob_by_target: est_jiij.0,
                gain_to_initiator_by_target: est_jiij.1,
                gain_to_target_by_target: est_jjij.1,
                initiator_view: [iij.0.clone(), iij.1.clone()],
                target_view: [jij.0.clone(), jij.1.clone()],
                compromise: [ij.0.clone(), ij.1.clone()],
            });
        }
        let mk = |(pi, pr): (Vec<f64>, Vec<f64>)| {
            let pu = (0..n)
                .map(|a| ev.pos_util(input, a, &pi) + ev.pos_util(input, a, &pr))
                .collect();
            Bargain {
                init: i,
                rcvr: j,
                pi,
                pr,
                pu,
            }
        };
        let proposed: Vec<Bargain> = match params.bargn_model {
            BargnModel::InitOnlyInterp => vec![mk(iij)],
            BargnModel::InitRcvrInterp => vec![mk(iij), mk(jij)],
            BargnModel::PWCompInterp => vec![mk(ij)],
        };
        for b in proposed {
            lists[i].push(b.clone());
            lists[j].push(b);
        }
    }
    if let Some(lo) = list_order {
        for (k, o) in lo.iter().enumerate().take(n) {
            let rank = |b: &Bargain| o.iter().position(|&x| x == b.init).unwrap_or(usize::MAX);
            lists[k][1..].sort_by_key(rank);
        }
    }
    let mut next = pos.to_vec();
    let mut chosen = vec![(0, 1); n];
    for k in order(sel_order) {
        let (m, nb) = choose(input, params, ev, &lists[k], rng);
        chosen[k] = (m, nb);
        let b = &lists[k][m];
        if b.init != b.rcvr {
            let p = if b.init == k { &b.pi } else { &b.pr };
            next[k * nd..(k + 1) * nd].copy_from_slice(p);
        }
    }
    (next, chosen, challenges)
}

/// `SMPState::bestChallenge`: i's most advantageous target, its estimate of winning, and the
/// expected gain (`None` when no gain exceeds 1e-5).
fn best_challenge(
    input: &SmpInput,
    params: &KtabParams,
    ev: &Eval,
    i: usize,
    buf: &mut Vec<f64>,
) -> Option<(usize, f64, f64)> {
    let mut best: Option<(usize, f64, f64)> = None;
    let mut best_eu: f64 = -1.0;
    let mut ui = std::mem::take(&mut *buf);
    ui.resize(input.n * input.n, 0.0);
    ev.util_matrix_into(input.n, i, &mut ui);
    let n = input.n;
    let a = ui[i * n + i];
    for j in 0..n {
        if j == i {
            continue;
        }
        // With k = i, the gain is (A − B)(1 − 2 s_j P(j wins)) for A = u_i(i), B = u_i(j), so
        // it is at most A − B (A ≥ B) or (B − A)(2 s_j − 1): skip a j that cannot beat the
        // best so far (1e-9 covers rounding; the same j is chosen as without the bound).
        let b = ui[i * n + j];
        let ub = if a >= b {
            a - b
        } else {
            (b - a) * (2.0 * ev.ssum[j] - 1.0)
        };
        if ub + 1e-9 <= best_eu.max(MIN_SIG_EDU) {
            continue;
        }
        let (p, edu) = edu_with(input, params, ev, &ui, i, i, j);
        if MIN_SIG_EDU < edu && best_eu < edu {
            best = Some((j, p, edu));
            best_eu = edu;
        }
    }
    *buf = ui;
    best
}

/// `SMPActor::interpolateBrgn`: the positions i and j adopt when i wins with probability `pi`.
fn interpolate(
    input: &SmpInput,
    params: &KtabParams,
    pos: &[f64],
    i: usize,
    j: usize,
    pi: f64,
) -> (Vec<f64>, Vec<f64>) {
    let nd = input.nd;
    let (mut bi, mut bj) = (vec![0.0; nd], vec![0.0; nd]);
    for d in 0..nd {
        let (x, y) = interp(
            params.inter_vec_brgn,
            pos[i * nd + d],
            input.sal[i * nd + d],
            pi,
            pos[j * nd + d],
            input.sal[j * nd + d],
            1.0 - pi,
        );
        bi[d] = x;
        bj[d] = y;
    }
    (bi, bj)
}

/// `SMPState::updateBestBrgnPositions`: the PCE over actor k's bargains (each actor values a
/// bargain by its average utility over the resulting state) and the one k adopts.
fn choose(
    input: &SmpInput,
    params: &KtabParams,
    ev: &Eval,
    list: &[Bargain],
    rng: &mut KtabPrng,
) -> (usize, usize) {
    let n = input.n;
    let nb = list.len();
    if nb == 1 {
        // A single option has probability 1 (KTAB still draws a number in Stochastic mode).
        if params.state_transitions == StateTransitions::Stochastic {
            rng.prob_sel(&[1.0]);
        }
        return (0, 1);
    }
    let mut u = vec![0.0; n * nb];
    for a in 0..n {
        let own = &ev.own[a * n..(a + 1) * n];
        // KTAB sums the unchanged positions one by one for every bargain; the sum of all of
        // them minus the two that change is the same number up to rounding (O(n) instead of
        // O(n²) per actor).
        let mut total = 0.0;
        for x in 0..n {
            total += own[x];
        }
        for (m, b) in list.iter().enumerate() {
            let s = if b.init == b.rcvr {
                total
            } else {
                b.pu[a] + (total - own[b.init] - own[b.rcvr])
            };
            u[a * nb + m] = s / n as f64;
        }
    }
    let p = scalar_pce(
        n,
        nb,
        &input.cap,
        &u,
        params.voting_rule,
        params.victory_prob_model,
        params.pce_model,
    );
    let m = match params.state_transitions {
        StateTransitions::Deterministic => {
            let mut best = 0;
            for (x, &v) in p.iter().enumerate() {
                if v.abs() > p[best].abs() {
                    best = x;
                }
            }
            best
        }
        StateTransitions::Stochastic => rng.prob_sel(&p),
    };
    (m, nb)
}

/// `SMPState::newIdeals`: each ideal moves toward the new positions by its row of the
/// accommodation matrix; the rest of the weight stays on the old ideal.
fn new_ideals(input: &SmpInput, pos: &[f64], old: &[f64]) -> Vec<f64> {
    let (n, nd) = (input.n, input.nd);
    let Some(acc) = &input.accommodation else {
        return pos.to_vec();
    };
    let mut out = vec![0.0; n * nd];
    for i in 0..n {
        let mut si = 0.0;
        for j in 0..n {
            let a = acc[i * n + j];
            si += a;
            for d in 0..nd {
                out[i * nd + d] += a * pos[j * nd + d];
            }
        }
        let lag = 1.0 - si.min(1.0);
        for d in 0..nd {
            out[i * nd + d] += lag * old[i * nd + d];
        }
    }
    out
}

/// `SMPState::pDist(-1)` and `posProb`: the PCE over the distinct positions, each actor valuing
/// them from its own view; each actor gets the probability of its position.
fn win_probs(input: &SmpInput, params: &KtabParams, pos: &[f64], ev: &Eval) -> Vec<f64> {
    let (n, nd) = (input.n, input.nd);
    let same = |i: usize, j: usize| {
        let mut s = 0.0;
        for d in 0..nd {
            let x = pos[i * nd + d] - pos[j * nd + d];
            s += x * x;
        }
        s.sqrt() < POS_TOL
    };
    let mut uniq: Vec<usize> = Vec::new();
    for i in 0..n {
        if !uniq.iter().any(|&k| same(i, k)) {
            uniq.push(i);
        }
    }
    let m = uniq.len();
    let mut u = vec![0.0; n * m];
    for i in 0..n {
        for (c, &k) in uniq.iter().enumerate() {
            u[i * m + c] = ev.u(n, i, i, k);
        }
    }
    let p = scalar_pce(
        n,
        m,
        &input.cap,
        &u,
        params.voting_rule,
        params.victory_prob_model,
        params.pce_model,
    );
    (0..n)
        .map(|i| {
            // KTAB takes the last distinct position equivalent to i's.
            let k = (0..m).rev().find(|&c| same(i, uniq[c])).unwrap_or(0);
            p[k]
        })
        .collect()
}
