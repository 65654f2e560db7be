//! Property tests: on random domains, any agreement is an outcome of the space acceptable to
//! every party (no red line crossed, at or above every reservation value); the same seed
//! gives the same trace; tournaments do not depend on the thread count.

use detente_simulate::{
    negotiate, run_tournament, Arena, NegotiatorSpec, PartyTable, SaopConfig, TournamentConfig,
};
use proptest::prelude::*;

/// A random domain: 2–3 parties, 1–3 issues of 2–4 values, random utilities, reservation
/// values in [0, 0.6], about one outcome in eight red-lined per party.
fn domain() -> impl Strategy<Value = Arena> {
    (2usize..=3, prop::collection::vec(2u32..=4, 1..=3)).prop_flat_map(|(parties, cards)| {
        let n: usize = cards.iter().map(|&c| c as usize).product();
        let party = (
            prop::collection::vec(0.0f64..=1.0, n),
            prop::collection::vec(prop::bool::weighted(0.875), n),
            0.0f64..=0.6,
            prop::option::of(0.5f64..=1.0),
        );
        prop::collection::vec(party, parties).prop_map(move |ps| {
            let tables = ps
                .into_iter()
                .enumerate()
                .map(
                    |(i, (utilities, allowed, reservation, discount))| PartyTable {
                        name: format!("p{i}"),
                        utilities,
                        allowed,
                        reservation,
                        discount,
                    },
                )
                .collect();
            Arena::new(cards.clone(), tables).unwrap()
        })
    })
}

fn spec_index() -> impl Strategy<Value = usize> {
    0..NegotiatorSpec::all().len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn frontier_is_exactly_the_undominated_zone(arena in domain()) {
        let zone: Vec<Vec<f64>> = (0..arena.len() as u32)
            .filter(|&o| arena.acceptable_to_all(o))
            .map(|o| arena.utilities(o))
            .collect();
        let dominates = |q: &[f64], p: &[f64]| q.iter().zip(p).all(|(x, y)| x >= y) && q != p;
        let mut expected: Vec<Vec<f64>> =
            zone.iter().filter(|p| !zone.iter().any(|q| dominates(q, p))).cloned().collect();
        expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
        expected.dedup();
        let mut got = arena.pareto.clone();
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        prop_assert_eq!(got, expected);
        // The Nash point maximises the product over the zone.
        if let Some(n) = arena.nash {
            let best = (0..arena.len() as u32).map(|o| arena.nash_product(o)).fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(arena.nash_product(n), best);
        } else {
            prop_assert!(zone.is_empty());
        }
    }

    #[test]
    fn agreements_are_valid_and_above_every_reservation(
        arena in domain(),
        picks in prop::collection::vec(spec_index(), 3),
        rounds in 1u32..40,
        seed in any::<u64>(),
    ) {
        let all = NegotiatorSpec::all();
        let specs: Vec<&NegotiatorSpec> =
            (0..arena.parties.len()).map(|i| &all[picks[i]]).collect();
        let config = SaopConfig { rounds: Some(rounds), ..SaopConfig::default() };
        let r = negotiate(&arena, &specs, &config, seed).unwrap();
        prop_assert_eq!(r.violation, None);
        prop_assert!(r.rounds <= rounds);
        if let Some(o) = r.agreement {
            prop_assert!((o as usize) < arena.len());
            for p in &arena.parties {
                prop_assert!(p.allowed(o), "red line of {} crossed", p.name);
                prop_assert!(p.utility(o) >= p.reservation, "{} below reservation", p.name);
            }
            prop_assert!(r.pareto_distance.is_some() && r.nash_distance.is_some());
        } else {
            for (p, u) in arena.parties.iter().zip(&r.raw_utilities) {
                prop_assert_eq!(*u, p.reservation);
            }
        }
        // Discounting never raises a payoff.
        for (u, raw) in r.utilities.iter().zip(&r.raw_utilities) {
            prop_assert!(*u <= *raw + 1e-12);
        }
        let again = negotiate(&arena, &specs, &config, seed).unwrap();
        prop_assert_eq!(r, again);
    }
}

#[test]
fn tournament_is_identical_whatever_the_thread_count() {
    let mut us = vec![Vec::new(), Vec::new()];
    for x in 0..6 {
        for y in 0..5 {
            us[0].push((x as f64 / 5.0) * 0.6 + (y as f64 / 4.0) * 0.4);
            us[1].push((1.0 - x as f64 / 5.0) * 0.3 + (1.0 - y as f64 / 4.0) * 0.7);
        }
    }
    let tables = us
        .into_iter()
        .enumerate()
        .map(|(i, utilities)| PartyTable {
            name: format!("p{i}"),
            allowed: vec![true; utilities.len()],
            utilities,
            reservation: 0.1,
            discount: None,
        })
        .collect();
    let arena = Arena::new(vec![6, 5], tables).unwrap();
    let specs = NegotiatorSpec::all();
    let config = TournamentConfig {
        reps: 3,
        seed: 7,
        saop: SaopConfig {
            rounds: Some(30),
            ..SaopConfig::default()
        },
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_tournament(&arena, &specs, &config, &|| {}).unwrap())
    };
    let one = run(1);
    let four = run(4);
    assert_eq!(one.runs.len(), 9 * 9 * 3);
    assert_eq!(one, four);
    // Every run's seed is derived from the master seed and its index.
    let other = run_tournament(
        &arena,
        &specs,
        &TournamentConfig {
            seed: 8,
            ..config.clone()
        },
        &|| {},
    )
    .unwrap();
    assert_ne!(one.runs[0].seed, other.runs[0].seed);
    // Every assignment appears `reps` times; each negotiator plays 2 * 9 * 3 roles.
    for s in &one.summary {
        assert_eq!(s.plays, 2 * 9 * 3);
        assert!((0.0..=1.0).contains(&s.agreement_rate));
    }
}
