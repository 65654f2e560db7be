//! Property tests: the streaming analysis against a brute-force oracle on random small domains
//! (with red lines and reservation values), frontier properties, and independence from issue
//! and option order and from the chunk size (i.e. the parallel split).

use detente_deals::{analyse, Analysis, DealOptions};
use detente_space::{Domain, LinearAdditive, OutcomeSpace, Party, SpaceIssue};
use proptest::prelude::*;

fn domain_strategy() -> impl Strategy<Value = Domain> {
    (1usize..=4, proptest::collection::vec(1usize..=4, 1..=4)).prop_flat_map(|(parties, sizes)| {
        let total: usize = sizes.iter().sum();
        let n_issues = sizes.len();
        (
            Just(sizes),
            proptest::collection::vec(
                (
                    proptest::collection::vec(0.0f64..1.0, n_issues),
                    // values on a coarse grid so that ties (equal vectors) happen
                    proptest::collection::vec(0u8..=4, total),
                    proptest::collection::vec(proptest::bool::weighted(0.15), total),
                    prop_oneof![Just(0.0), 0.0f64..0.6],
                ),
                parties,
            ),
            any::<bool>(),
        )
            .prop_map(|(sizes, parties, ordered)| {
                let issues: Vec<SpaceIssue> = sizes
                    .iter()
                    .enumerate()
                    .map(|(i, &n)| SpaceIssue {
                        name: format!("issue{i}"),
                        values: (0..n).map(|v| format!("v{v}")).collect(),
                        positions: ordered.then(|| (0..n).map(|v| v as f64).collect()),
                    })
                    .collect();
                let parties = parties
                    .into_iter()
                    .enumerate()
                    .map(|(k, (w, vals, rej, res))| {
                        let wsum: f64 = w.iter().sum::<f64>().max(1e-9);
                        let mut off = 0;
                        let mut values = Vec::new();
                        let mut rejected = Vec::new();
                        for &n in &sizes {
                            values
                                .push(vals[off..off + n].iter().map(|&x| x as f64 / 4.0).collect());
                            rejected.push(rej[off..off + n].to_vec());
                            off += n;
                        }
                        let mut u =
                            LinearAdditive::new(w.iter().map(|x| x / wsum).collect(), values);
                        u.rejected = rejected;
                        u.reservation = res;
                        Party {
                            name: format!("p{k}"),
                            utility: u,
                        }
                    })
                    .collect();
                Domain {
                    name: "random".into(),
                    space: OutcomeSpace::new(issues),
                    parties,
                }
            })
    })
}

fn q(x: f64) -> i64 {
    (x * (1u64 << 40) as f64).round() as i64
}

fn dominates_or_equals(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| q(*x) >= q(*y))
}

fn strictly_dominates(a: &[f64], b: &[f64]) -> bool {
    dominates_or_equals(a, b) && a.iter().zip(b).any(|(x, y)| q(*x) > q(*y))
}

fn acceptable(d: &Domain, o: &[u32]) -> bool {
    d.parties
        .iter()
        .all(|p| p.utility.acceptable(o) && p.utility.utility(o) >= p.utility.reservation - 1e-12)
}

fn opts(chunk: u64) -> DealOptions {
    DealOptions {
        chunk_size: chunk,
        top: 3,
        relaxations: 3,
        ..DealOptions::default()
    }
}

fn frontier_set(a: &Analysis) -> Vec<Vec<i64>> {
    let mut v: Vec<Vec<i64>> = a
        .pareto
        .iter()
        .map(|p| p.utilities.iter().map(|&x| q(x)).collect())
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_brute_force(d in domain_strategy()) {
        let a = analyse(&d, &opts(5)).unwrap();
        let all: Vec<Vec<u32>> = d.space.iter().collect();
        let zone: Vec<&Vec<u32>> = all.iter().filter(|o| acceptable(&d, o)).collect();
        prop_assert_eq!(a.outcomes, all.len() as u64);
        prop_assert_eq!(a.acceptable, zone.len() as u64);
        // every frontier point is in the zone and undominated by any zone package
        for p in &a.pareto {
            prop_assert!(acceptable(&d, &p.outcome));
            for o in &zone {
                prop_assert!(!strictly_dominates(&d.utilities(o), &p.utilities));
            }
        }
        // every zone package is dominated by or equal to a frontier point
        for o in &zone {
            let u = d.utilities(o);
            prop_assert!(a.pareto.iter().any(|p| dominates_or_equals(&p.utilities, &u)));
        }
        // distinct vectors, each represented by its lowest-index package
        let set = frontier_set(&a);
        let mut dedup = set.clone();
        dedup.dedup();
        prop_assert_eq!(set.len(), dedup.len());
        for p in &a.pareto {
            let first = all.iter().position(|o| acceptable(&d, o) && d.utilities(o).iter().map(|&x| q(x)).eq(p.utilities.iter().map(|&x| q(x)))).unwrap();
            prop_assert_eq!(p.index, first as u64);
        }
        // zone_values: per issue value, the zone packages choosing it
        for (i, counts) in a.zone_values.iter().enumerate() {
            for (v, &c) in counts.iter().enumerate() {
                prop_assert_eq!(c, zone.iter().filter(|o| o[i] == v as u32).count() as u64);
            }
        }
        // blockers: rejects counts
        for b in &a.blockers {
            let n = all.iter().filter(|o| !d.parties[b.party].utility.acceptable(o)).count() as u64;
            prop_assert_eq!(b.rejects, n);
        }
        // relaxations: only when the zone is empty; each opens exactly the packages whose
        // crossings it covers, and the example is one of them
        if a.acceptable > 0 {
            prop_assert!(a.relaxations.is_empty());
        }
        for r in &a.relaxations {
            prop_assert!(r.opens >= 1);
            let mut relaxed = d.clone();
            for m in &r.moves {
                let u = &mut relaxed.parties[m.party].utility;
                u.rejected[m.issue][m.to as usize] = false;
                // on ordered issues moving a red line also accepts the values in between
                if let Some(f) = m.from {
                    let (lo, hi) = if f < m.to { (f, m.to) } else { (m.to, f) };
                    for v in lo..=hi {
                        u.rejected[m.issue][v as usize] = false;
                    }
                }
            }
            let opened = all.iter().filter(|o| acceptable(&relaxed, o)).count() as u64;
            prop_assert_eq!(r.opens, opened);
            prop_assert!(acceptable(&relaxed, &r.example.outcome));
        }
        if a.acceptable == 0 && !a.relaxations.is_empty() {
            // the first relaxation needs the fewest actors of any package meeting reservations
            let fewest = all
                .iter()
                .filter(|o| d.parties.iter().all(|p| p.utility.utility(o) >= p.utility.reservation - 1e-12))
                .map(|o| d.parties.iter().filter(|p| !p.utility.acceptable(o)).count())
                .min()
                .unwrap();
            prop_assert_eq!(a.relaxations[0].actors.len(), fewest);
        }
    }

    #[test]
    fn independent_of_chunking(d in domain_strategy()) {
        let a = analyse(&d, &opts(1)).unwrap();
        let b = analyse(&d, &opts(1 << 16)).unwrap();
        let c = analyse(&d, &opts(3)).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
    }

    #[test]
    fn independent_of_issue_and_option_order(d in domain_strategy(), seed in any::<u64>()) {
        // reverse the issue order and rotate every issue's options
        let n = d.space.issues.len();
        let rot: Vec<usize> = d.space.issues.iter().enumerate().map(|(i, is)| (seed as usize + i) % is.values.len()).collect();
        let perm_values = |i: usize, vals: &[f64]| -> Vec<f64> { let mut v = vals.to_vec(); v.rotate_left(rot[i]); v };
        let mut e = d.clone();
        e.space.issues = (0..n).rev().map(|i| {
            let mut is = d.space.issues[i].clone();
            is.values.rotate_left(rot[i]);
            if let Some(p) = &mut is.positions { p.rotate_left(rot[i]); }
            is
        }).collect();
        for (k, p) in e.parties.iter_mut().enumerate() {
            let src = &d.parties[k].utility;
            p.utility.weights = (0..n).rev().map(|i| src.weights[i]).collect();
            p.utility.values = (0..n).rev().map(|i| perm_values(i, &src.values[i])).collect();
            p.utility.rejected = (0..n).rev().map(|i| { let mut r = src.rejected[i].clone(); r.rotate_left(rot[i]); r }).collect();
        }
        let a = analyse(&d, &opts(7)).unwrap();
        let b = analyse(&e, &opts(7)).unwrap();
        prop_assert_eq!(a.outcomes, b.outcomes);
        prop_assert_eq!(a.acceptable, b.acceptable);
        prop_assert_eq!(frontier_set(&a).len(), frontier_set(&b).len());
        for (x, y) in frontier_set(&a).iter().zip(frontier_set(&b).iter()) {
            for (s, t) in x.iter().zip(y) {
                prop_assert!((s - t).abs() <= 4, "{:?} vs {:?}", x, y);
            }
        }
        let close = |p: &Option<detente_deals::Package>, r: &Option<detente_deals::Package>| match (p, r) {
            (None, None) => true,
            (Some(p), Some(r)) => p.utilities.iter().zip(&r.utilities).all(|(a, b)| (a - b).abs() < 1e-9),
            _ => false,
        };
        prop_assert!(close(&a.nash, &b.nash));
        prop_assert!(close(&a.max_welfare, &b.max_welfare));
        prop_assert!(close(&a.egalitarian, &b.egalitarian));
        prop_assert!(close(&a.kalai_smorodinsky, &b.kalai_smorodinsky));
    }
}

/// A random conditional red line for party 0: on issue 0, accepted values when issue `last`
/// takes one of the `holds` values.
fn with_conditional(d: &Domain, seed: u64) -> Option<detente_space::ConditionalRedLine> {
    let n = d.space.issues.len();
    if n < 2 {
        return None;
    }
    let w = n - 1;
    let bit = |k: u64| (seed >> (k % 64)) & 1 == 1;
    let holds: Vec<bool> = (0..d.space.issues[w].values.len())
        .map(|v| bit(v as u64))
        .collect();
    let ok_when: Vec<bool> = (0..d.space.issues[0].values.len())
        .map(|v| bit(17 + v as u64))
        .collect();
    let ok_else = (0..d.space.issues[0].values.len())
        .map(|v| !d.parties[0].utility.rejects(0, v as u32))
        .collect();
    Some(detente_space::ConditionalRedLine {
        name: "cond".into(),
        party: 0,
        issue: 0,
        when_issue: w,
        holds,
        ok_when,
        ok_else,
    })
}

/// Acceptable to every party, party 0's red line on issue 0 replaced by the conditional one.
fn acceptable_cond(d: &Domain, c: &detente_space::ConditionalRedLine, o: &[u32]) -> bool {
    d.parties.iter().enumerate().all(|(k, p)| {
        let plain = o
            .iter()
            .enumerate()
            .all(|(i, &v)| (k == c.party && i == c.issue) || !p.utility.rejects(i, v));
        let cond = k != c.party || c.accepts(o);
        plain && cond && p.utility.utility(o) >= p.utility.reservation - 1e-12
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn conditional_red_lines_agree_with_brute_force(d in domain_strategy(), seed in any::<u64>()) {
        let Some(c) = with_conditional(&d, seed) else { return Ok(()) };
        let mut o = opts(5);
        o.conditionals = vec![c.clone()];
        let a = analyse(&d, &o).unwrap();
        let all: Vec<Vec<u32>> = d.space.iter().collect();
        let zone: Vec<&Vec<u32>> = all.iter().filter(|x| acceptable_cond(&d, &c, x)).collect();
        prop_assert_eq!(a.acceptable, zone.len() as u64);
        for p in &a.pareto {
            prop_assert!(acceptable_cond(&d, &c, &p.outcome));
            for x in &zone {
                prop_assert!(!strictly_dominates(&d.utilities(x), &p.utilities));
            }
        }
        for x in &zone {
            let u = d.utilities(x);
            prop_assert!(a.pareto.iter().any(|p| dominates_or_equals(&p.utilities, &u)));
        }
        for s in &a.top {
            prop_assert!(acceptable_cond(&d, &c, &s.package.outcome));
        }
        for r in &a.top_rejected {
            prop_assert!(!acceptable_cond(&d, &c, &r.package.outcome));
            // named conditional crossings are real
            for x in &r.conditional {
                prop_assert!(!c.accepts(&r.package.outcome));
                prop_assert_eq!(&x.linkage, "cond");
            }
        }
        for r in &a.relaxations {
            prop_assert!(r.opens >= 1);
        }
        // the same with chunk size 1 (parallel split)
        let mut o1 = opts(1);
        o1.conditionals = vec![c];
        prop_assert_eq!(&analyse(&d, &o1).unwrap(), &a);
    }
}
