//! The numerical building blocks of KTAB's spatial model, each as KTAB defines it (names in
//! backquotes are KTAB's): votes, coalitions, probabilities of victory, the probabilistic
//! Condorcet election (PCE), inferred risk attitudes, utilities and bargain interpolation.
//! Written from KTAB's definitions (MIT-licensed `kmodel` and `smp` libraries); every formula is
//! documented step by step in docs/forecast.md.
#![allow(clippy::needless_range_loop)]

use crate::ktab_params::{
    BigRAdjust, BigRRange, InterVecBrgn, PceModel, ThirdPartyCommit, VictoryProbModel, VotingRule,
};

/// `Model::vote`: the vote of an actor of weight `w` between options it values `uij` and `uik`
/// (positive: for the first).
#[inline]
pub fn vote(vr: VotingRule, w: f64, uij: f64, uik: f64) -> f64 {
    let du = uij - uik;
    let r_bin = || (du / 1e-8).clamp(-1.0, 1.0);
    match vr {
        VotingRule::Binary => w * r_bin(),
        VotingRule::PropBin => w * (0.8 * du + 0.2 * r_bin()),
        VotingRule::Prop => w * du,
        VotingRule::PropCbc => w * (0.5 * du + 0.5 * (du * du * du)),
        VotingRule::Cubic => w * (du * du * du),
        VotingRule::ASymProsp => {
            if du < 0.0 {
                w * du
            } else if du > 0.0 {
                (2.0 * w * du) / 3.0
            } else {
                0.0
            }
        }
    }
}

/// `Model::vProb`: the probabilities that a coalition of strength `s1` beats one of `s2`, and
/// the reverse.
pub fn vprob(vpm: VictoryProbModel, s1: f64, s2: f64) -> (f64, f64) {
    let sq = |x: f64| x * x;
    let (x1, x2) = match vpm {
        VictoryProbModel::Linear => (s1, s2),
        VictoryProbModel::Square => (sq(s1), sq(s2)),
        VictoryProbModel::Quartic => (sq(sq(s1)), sq(sq(s2))),
        VictoryProbModel::Octic => (sq(sq(sq(s1))), sq(sq(sq(s2)))),
        VictoryProbModel::Binary => {
            let thresh = 1.10;
            if s1 >= thresh * s2 {
                (1.0, 1e-6)
            } else if s2 >= thresh * s1 {
                (1e-6, 1.0)
            } else {
                let r12 = s1 / (s1 + s2);
                let p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0);
                (p12, 1.0 - p12)
            }
        }
    };
    (x1 / (x1 + x2), x2 / (x1 + x2))
}

/// `Model::coalitions`: `c[i*m + j]` = strength of the coalition for option i against j
/// (1e-8 plus every positive vote), over `na` voters; `vfn(k, i, j)` is voter k's vote.
pub fn coalitions(na: usize, m: usize, vfn: impl Fn(usize, usize, usize) -> f64) -> Vec<f64> {
    let mut c = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..i {
            let (mut cij, mut cji) = (1e-8, 1e-8);
            for k in 0..na {
                let v = vfn(k, i, j);
                if v > 0.0 {
                    cij += v;
                }
                if v < 0.0 {
                    cji -= v;
                }
            }
            c[i * m + j] = cij;
            c[j * m + i] = cji;
        }
        c[i * m + i] = 1e-8;
    }
    c
}

/// `Model::vProb` on a coalition matrix: `p[i*m + j]` = probability option i beats j.
pub fn victory_matrix(vpm: VictoryProbModel, c: &[f64], m: usize) -> Vec<f64> {
    let mut p = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..i {
            let (a, b) = vprob(vpm, c[i * m + j], c[j * m + i]);
            p[i * m + j] = a;
            p[j * m + i] = b;
        }
        p[i * m + i] = 0.5;
    }
    p
}

/// Largest number of iterations of the Markov PCE models before giving up (KTAB has no cap on
/// `MarkovIncentive`; it converges in 10–30 iterations on its examples).
pub const MAX_MARKOV_ITER: usize = 100_000;

/// `Model::probCE2`: the PCE probability of each option, from the coalition matrix.
pub fn pce(pcem: PceModel, vpm: VictoryProbModel, c: &[f64], m: usize) -> Vec<f64> {
    let pv = victory_matrix(vpm, c, m);
    match pcem {
        PceModel::Conditional => {
            // `condPCE`: the probability that i beats every alternative, renormalised.
            let mut p: Vec<f64> = (0..m)
                .map(|i| (0..m).fold(1.0, |acc, j| acc * pv[i * m + j]))
                .collect();
            let s: f64 = p.iter().sum();
            p.iter_mut().for_each(|x| *x /= s);
            p
        }
        PceModel::MarkovIncentive => markov_incentive(c, &pv, m),
        PceModel::MarkovUniform => markov_uniform(&pv, m),
    }
}

/// `Model::markovIncentivePCE`: challengers chosen in proportion to their incentive
/// (coalition strength × victory probability).
fn markov_incentive(c: &[f64], pv: &[f64], m: usize) -> Vec<f64> {
    let inctv: Vec<f64> = (0..m * m)
        .map(|k| c[k] * pv[k] + if k / m == k % m { 1e-10 } else { 0.0 })
        .collect();
    let mut chlg = vec![0.0; m * m];
    for j in 0..m {
        let s: f64 = (0..m).map(|k| inctv[k * m + j]).sum();
        for i in 0..m {
            chlg[i * m + j] = inctv[i * m + j] / s;
        }
    }
    let mut p = vec![1.0 / m as f64; m];
    let mut q = p.clone();
    let mut ct = vec![0.0; m * m];
    for _ in 0..MAX_MARKOV_ITER {
        for i in 0..m {
            for j in 0..m {
                ct[i * m + j] = p[i] * chlg[j * m + i];
            }
        }
        let mut change: f64 = 0.0;
        for i in 0..m {
            let mut qi = 0.0;
            for j in 0..m {
                qi += pv[i * m + j] * (ct[i * m + j] + ct[j * m + i]);
            }
            q[i] = qi;
            let d = (qi - p[i]).abs();
            change = if d > change { d } else { change };
        }
        for i in 0..m {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        if change <= 1e-8 {
            break;
        }
    }
    p
}

/// `Model::markovUniformPCE`: challengers chosen uniformly.
fn markov_uniform(pv: &[f64], m: usize) -> Vec<f64> {
    let mut p = vec![1.0 / m as f64; m];
    let mut q = p.clone();
    for _ in 0..MAX_MARKOV_ITER {
        let mut change: f64 = 0.0;
        for i in 0..m {
            let mut pi = 0.0;
            for j in 0..m {
                pi += pv[i * m + j] * (p[i] + p[j]);
            }
            q[i] = pi / m as f64;
            let d = (q[i] - p[i]).abs();
            change = if d > change { d } else { change };
        }
        for i in 0..m {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        if change <= 1e-6 {
            break;
        }
    }
    p
}

/// `Model::scalarPCE`: the PCE over `m` options that `na` actors of weights `w` value
/// `u[k*m + i]`.
pub fn scalar_pce(
    na: usize,
    m: usize,
    w: &[f64],
    u: &[f64],
    vr: VotingRule,
    vpm: VictoryProbModel,
    pcem: PceModel,
) -> Vec<f64> {
    let c = coalitions(na, m, |k, i, j| vote(vr, w[k], u[k * m + i], u[k * m + j]));
    pce(pcem, vpm, &c, m)
}

/// `Model::bigRfromProb`: risk attitudes from the PCE probabilities of the actors' positions
/// (the likeliest is the most risk-accepting). When every probability is equal KTAB divides
/// by zero; here every actor is then risk-neutral (0).
pub fn big_r(p: &[f64], rr: BigRRange) -> Vec<f64> {
    let p_min = p.iter().fold(1.0, |a: f64, &x| if x < a { x } else { a });
    let p_max = p.iter().fold(0.0, |a: f64, &x| if x > a { x } else { a });
    if p_max - p_min <= 0.0 {
        return vec![0.0; p.len()];
    }
    p.iter()
        .map(|&x| match rr {
            BigRRange::Min => (x - p_min) / (p_max - p_min),
            BigRRange::Mid => (3.0 * x - (p_max + 2.0 * p_min)) / (2.0 * (p_max - p_min)),
            BigRRange::Max => (2.0 * x - (p_max + p_min)) / (p_max - p_min),
        })
        .collect()
}

/// `Model::estNRA`: h's estimate of i's risk attitude.
pub fn est_nra(rh: f64, ri: f64, ra: BigRAdjust) -> f64 {
    match ra {
        BigRAdjust::Full => ri,
        BigRAdjust::TwoThirds => (rh + 2.0 * ri) / 3.0,
        BigRAdjust::Half => (rh + ri) / 2.0,
        BigRAdjust::OneThird => (2.0 * rh + ri) / 3.0,
        BigRAdjust::None => rh,
    }
}

/// `SMPModel::bsUtil`: utility of a point at scalar distance `sd` for risk attitude `r`.
#[inline]
pub fn bs_util(sd: f64, r: f64) -> f64 {
    if sd <= 1.0 {
        (1.0 - sd) * (1.0 + sd * r)
    } else {
        (1.0 - sd) * (1.0 + r)
    }
}

/// `SMPModel::bvDiff`: salience-weighted distance between `a` and `b`,
/// `sqrt(Σ (s_d (a_d − b_d))² / Σ s_d²)`.
#[inline]
pub fn bv_diff(a: &[f64], b: &[f64], s: &[f64]) -> f64 {
    let (mut ds, mut ss) = (0.0, 0.0);
    for d in 0..a.len() {
        let x = (a[d] - b[d]) * s[d];
        ds += x * x;
        ss += s[d] * s[d];
    }
    (ds / ss).sqrt()
}

/// `Actor::thirdPartyVoteSU`: third party k's vote between "i with k beats j" and "i beats j
/// with k" (first element of KTAB's tuple).
#[inline]
#[allow(clippy::too_many_arguments)] // KTAB's own signature, argument for argument
pub fn third_party_vote(
    wk: f64,
    vr: VotingRule,
    comm: ThirdPartyCommit,
    pik: f64,
    pjk: f64,
    uki: f64,
    ukj: f64,
    ukk: f64,
) -> f64 {
    let (ik_def_j, j_def_ik, i_def_jk, jk_def_i) = match comm {
        ThirdPartyCommit::FullCommit => (
            uki + uki + uki,
            ukj + ukj + ukj,
            uki + uki + uki,
            ukj + ukj + ukj,
        ),
        ThirdPartyCommit::SemiCommit => (
            uki + uki + ukk,
            ukj + ukj + ukj,
            uki + uki + uki,
            ukj + ukj + ukk,
        ),
        ThirdPartyCommit::NoCommit => (
            uki + uki + ukk,
            ukj + ukj + ukk,
            uki + uki + ukk,
            ukj + ukj + ukk,
        ),
    };
    let u_ik_j = pik * ik_def_j + pjk * j_def_ik;
    let u_i_jk = pik * i_def_jk + pjk * jk_def_i;
    vote(vr, wk, u_ik_j, u_i_jk)
}

/// `SMPActor::interpolateBrgn` on one dimension: the positions that i (at `ti`, salience `si`,
/// win probability `pi`) and j are to adopt. The `SnPm` rules give both (almost) the same
/// point, the mean of the two positions weighted by salience^n × probability^m (a 1e-6 weight
/// tilts each toward its own side), rounded to 4 decimals on the 0–1 scale; `S2PMax` moves
/// each toward the other by the excess of the other's probability.
pub fn interp(
    ivb: InterVecBrgn,
    ti: f64,
    si: f64,
    pi: f64,
    tj: f64,
    sj: f64,
    pj: f64,
) -> (f64, f64) {
    let round4 = |x: f64| ((0.5 + x * 10000.0) as i32) as f64 / 10000.0;
    let snpm = |n: i32, m: i32| {
        let wi = si.powi(n) * pi.powi(m);
        let wj = sj.powi(n) * pj.powi(m);
        let min_w = 1e-6;
        let bi = round4(((wi + min_w) * ti + wj * tj) / (wi + min_w + wj));
        let bj = round4((wi * ti + (min_w + wj) * tj) / (wi + min_w + wj));
        (bi, bj)
    };
    match ivb {
        InterVecBrgn::S1P1 => snpm(1, 1),
        InterVecBrgn::S2P2 => snpm(2, 2),
        InterVecBrgn::S2PMax => {
            let di = if pj > pi { pj - pi } else { 0.0 };
            let dj = if pi > pj { pi - pj } else { 0.0 };
            let (si2, sj2) = (si * si, sj * sj);
            let dik = (di * sj2) / ((di * sj2) + 1e-6 + ((1.0 - di) * si2));
            let djk = (dj * si2) / ((dj * si2) + 1e-6 + ((1.0 - dj) * sj2));
            let bi = ti + dik * (tj - ti);
            let bj = tj + djk * (ti - tj);
            (bi, bj)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_pce_and_votes() {
        // Two options, one voter preferring option 0 by 0.5 with weight 2: c(0,1) = 1 + 1e-8.
        let u = [1.0, 0.5];
        let p = scalar_pce(
            1,
            2,
            &[2.0],
            &u,
            VotingRule::Prop,
            VictoryProbModel::Linear,
            PceModel::Conditional,
        );
        assert!((p[0] - 1.0).abs() < 1e-7 && p[1] < 1e-7, "{p:?}");
        assert_eq!(vote(VotingRule::ASymProsp, 3.0, 1.0, 0.0), 2.0);
        assert_eq!(vprob(VictoryProbModel::Square, 2.0, 1.0), (0.8, 0.2));
    }

    #[test]
    fn markov_models_sum_to_one() {
        let c = [1e-8, 3.0, 1.0, 2.0, 1e-8, 5.0, 4.0, 0.5, 1e-8];
        for m in [PceModel::MarkovIncentive, PceModel::MarkovUniform] {
            let p = pce(m, VictoryProbModel::Linear, &c, 3);
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{m}: {p:?}");
        }
    }

    #[test]
    fn risk_ranges() {
        let r = big_r(&[0.1, 0.2, 0.7], BigRRange::Mid);
        assert!((r[0] + 0.5).abs() < 1e-12 && (r[2] - 1.0).abs() < 1e-12);
        assert_eq!(big_r(&[0.5, 0.5], BigRRange::Mid), vec![0.0, 0.0]);
    }
}
