//! The discrete model for unordered options issues: capability × salience weighted pairwise
//! contests among the options, and the probability of each option as the stationary
//! distribution of the challenge chain (as KTAB's probabilistic Condorcet election does for
//! its states).
//!
//! Each voter i values option o at v_i(o) ∈ [0, 1]: an explicit value from the scenario when it
//! gives one, otherwise 1 for its own option, 0 for an option its red line rejects and 0.5 for
//! any other. In the contest of option a against option b, the support for a is
//! S(a, b) = Σ_i c_i s_i max(0, v_i(a) − v_i(b)), and P(a beats b) = S(a, b) / (S(a, b) + S(b, a))
//! (½ when nobody prefers either). The chain moves from the current option a to a challenger
//! b (chosen uniformly among the others) with probability P(b beats a); its stationary
//! distribution is the probability of each option. An option nobody prefers to anything gets 0.

use serde::Serialize;

/// One actor's view of an options issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionVoter {
    /// Capability (any non-negative unit).
    pub capability: f64,
    /// Salience in [0, 1].
    pub salience: f64,
    /// Value of each option in [0, 1].
    pub values: Vec<f64>,
}

impl OptionVoter {
    /// Values from an own option, the rejected options and explicit values (`(option, value)`).
    pub fn values_for(
        m: usize,
        own: usize,
        rejects: &[usize],
        explicit: &[(usize, f64)],
    ) -> Vec<f64> {
        let mut v: Vec<f64> = (0..m)
            .map(|o| {
                if o == own {
                    1.0
                } else if rejects.contains(&o) {
                    0.0
                } else {
                    0.5
                }
            })
            .collect();
        for &(o, x) in explicit {
            if o < m {
                v[o] = x.clamp(0.0, 1.0);
            }
        }
        v
    }
}

/// `p[a*m + b]`: the probability that option a beats option b in a pairwise contest.
pub fn contests(voters: &[OptionVoter], m: usize) -> Vec<f64> {
    let mut s = vec![0.0; m * m];
    for v in voters {
        let w = v.capability * v.salience;
        if w <= 0.0 {
            continue;
        }
        for a in 0..m {
            for b in 0..m {
                if a != b {
                    s[a * m + b] += w * (v.values[a] - v.values[b]).max(0.0);
                }
            }
        }
    }
    let mut p = vec![0.0; m * m];
    for a in 0..m {
        for b in 0..m {
            if a != b {
                let (x, y) = (s[a * m + b], s[b * m + a]);
                p[a * m + b] = if x + y > 0.0 { x / (x + y) } else { 0.5 };
            }
        }
    }
    p
}

/// The probability of each option (sums to 1); `None` when no voter has a positive weight.
pub fn probabilities(voters: &[OptionVoter], m: usize) -> Option<Vec<f64>> {
    if m == 0 || !voters.iter().any(|v| v.capability * v.salience > 0.0) {
        return None;
    }
    if m == 1 {
        return Some(vec![1.0]);
    }
    let p = contests(voters, m);
    let inv = 1.0 / (m - 1) as f64;
    let mut pi = vec![1.0 / m as f64; m];
    let mut next = vec![0.0; m];
    // Power iteration (the chain may be reducible, so no linear solve); m is small.
    for _ in 0..20_000 {
        next.iter_mut().for_each(|x| *x = 0.0);
        for a in 0..m {
            let mut stay = 1.0;
            for b in 0..m {
                if a != b {
                    let mv = p[b * m + a] * inv;
                    next[b] += pi[a] * mv;
                    stay -= mv;
                }
            }
            next[a] += pi[a] * stay;
        }
        let delta: f64 = pi.iter().zip(&next).map(|(x, y)| (x - y).abs()).sum();
        std::mem::swap(&mut pi, &mut next);
        if delta < 1e-13 {
            break;
        }
    }
    let s: f64 = pi.iter().sum();
    Some(pi.iter().map(|x| x / s).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voter(c: f64, s: f64, own: usize, m: usize) -> OptionVoter {
        OptionVoter {
            capability: c,
            salience: s,
            values: OptionVoter::values_for(m, own, &[], &[]),
        }
    }

    #[test]
    fn the_stronger_coalition_wins_more_often_and_probabilities_sum_to_one() {
        let v = [voter(3.0, 1.0, 0, 3), voter(1.0, 1.0, 1, 3)];
        let p = probabilities(&v, 3).unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(p[0] > p[1] && p[1] > p[2], "{p:?}");
        assert!(p[2] < 1e-9, "an option nobody wants gets nothing: {p:?}");
        // Two equal voters: a fair split.
        let v = [voter(1.0, 1.0, 0, 2), voter(1.0, 1.0, 1, 2)];
        let p = probabilities(&v, 2).unwrap();
        assert!((p[0] - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_rejected_option_loses_to_a_neutral_one() {
        let mut a = voter(1.0, 1.0, 0, 3);
        a.values = OptionVoter::values_for(3, 0, &[2], &[]);
        let b = voter(1.0, 1.0, 1, 3);
        let c = contests(&[a, b], 3);
        // Option 1 vs option 2: b prefers 1 (1 vs 0.5), a prefers 1 (0.5 vs 0): 1 always wins.
        assert_eq!(c[3 + 2], 1.0);
        assert!(probabilities(&[], 3).is_none());
    }
}
