//! The SAOP rules: turn order, acceptance, deadline, reservation values, red lines,
//! discounting, rule violations.

mod common;
use common::*;
use detente_simulate::{
    negotiate, run_saop, ActionKind, Arena, DiscountClock, NegotiatorSpec, SaopConfig,
    SimulateError,
};

fn cfg(rounds: u32) -> SaopConfig {
    SaopConfig {
        rounds: Some(rounds),
        ..SaopConfig::default()
    }
}

#[test]
fn turns_alternate_in_party_order() {
    let arena = three();
    let mut negs = vec![
        Script::boxed(vec![0], never),
        Script::boxed(vec![1], never),
        Script::boxed(vec![2], never),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(4), 1).unwrap();
    assert_eq!(r.agreement, None);
    assert_eq!(r.trace.len(), 12);
    for (i, step) in r.trace.iter().enumerate() {
        assert_eq!(step.party, i % 3, "turn {i}");
        assert_eq!(step.round, (i / 3) as u32);
        assert_eq!(step.action, ActionKind::Offer);
    }
}

#[test]
fn bilateral_agreement_when_the_opponent_accepts() {
    let arena = line();
    let mut negs = vec![
        Script::boxed(vec![70], never),
        Script::boxed(vec![10], |o| o <= 70),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(10), 1).unwrap();
    assert_eq!(r.agreement, Some(70));
    assert_eq!(r.rounds, 1);
    assert_eq!(r.trace.len(), 2);
    assert_eq!(r.trace[1].action, ActionKind::Accept);
    assert!((r.utilities[0] - 0.7).abs() < 1e-12 && (r.utilities[1] - 0.3).abs() < 1e-12);
    assert!((r.welfare - 1.0).abs() < 1e-12);
}

#[test]
fn multilateral_agreement_needs_every_other_party() {
    let arena = three();
    // Party 1 accepts everything, party 2 accepts only outcome 7: offers 3 (by 0) fails at 2.
    let mut negs = vec![
        Script::boxed(vec![3, 7], never),
        Script::boxed(vec![5], always),
        Script::boxed(vec![9], |o| o == 7),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(10), 1).unwrap();
    let acts: Vec<(usize, ActionKind, Option<u32>)> = r
        .trace
        .iter()
        .map(|s| (s.party, s.action, s.outcome))
        .collect();
    assert_eq!(
        acts,
        vec![
            (0, ActionKind::Offer, Some(3)),
            (1, ActionKind::Accept, Some(3)),
            (2, ActionKind::Offer, Some(9)), // rejects 3, counter-offers
            (0, ActionKind::Offer, Some(7)), // rejects 9
            (1, ActionKind::Accept, Some(7)),
            (2, ActionKind::Accept, Some(7)),
        ]
    );
    assert_eq!(r.agreement, Some(7));
    assert_eq!(r.rounds, 2);
}

#[test]
fn deadline_gives_the_disagreement_outcome() {
    let arena = line_with([0.2, 0.3], [None, None]);
    let hard = NegotiatorSpec::parse("hardheaded:level=1").unwrap();
    let specs = [hard.clone(), hard];
    let r = negotiate(&arena, &[&specs[0], &specs[1]], &cfg(25), 3).unwrap();
    assert_eq!(r.agreement, None);
    assert_eq!(r.rounds, 25);
    assert_eq!(r.turns, 50);
    assert_eq!(r.utilities, vec![0.2, 0.3]);
    assert_eq!(r.ended_by, None);
}

#[test]
fn time_based_negotiators_agree_before_the_deadline() {
    let arena = line();
    for (a, b) in [
        ("boulware", "boulware"),
        ("linear", "conceder"),
        ("conceder", "boulware"),
    ] {
        let (a, b) = (
            NegotiatorSpec::parse(a).unwrap(),
            NegotiatorSpec::parse(b).unwrap(),
        );
        let r = negotiate(&arena, &[&a, &b], &cfg(50), 0).unwrap();
        assert!(r.agreement.is_some(), "{} vs {}", a.label, b.label);
        assert!(r.rounds <= 50);
    }
}

#[test]
fn no_agreement_below_a_reservation_value() {
    // a needs at least 0.6, b at least 0.6: no outcome satisfies both.
    let arena = line_with([0.6, 0.6], [None, None]);
    assert!(arena.nash.is_none() && arena.pareto.is_empty());
    for name in ["conceder", "random:p=1", "nash", "tit-for-tat", "frequency"] {
        let s = NegotiatorSpec::parse(name).unwrap();
        let r = negotiate(&arena, &[&s, &s], &cfg(30), 5).unwrap();
        assert_eq!(r.agreement, None, "{name}");
        assert_eq!(r.violation, None, "{name}");
        assert_eq!(r.pareto_distance, None);
    }
    // With overlapping reservations an agreement lands in the overlap.
    let arena = line_with([0.4, 0.4], [None, None]);
    let s = NegotiatorSpec::parse("conceder").unwrap();
    let r = negotiate(&arena, &[&s, &s], &cfg(30), 5).unwrap();
    let o = r.agreement.unwrap();
    assert!((40..=60).contains(&o), "{o}");
}

#[test]
fn red_lines_are_never_agreed() {
    let mut a = table("a", (0..=100).map(|v| v as f64 / 100.0).collect());
    let b = table("b", (0..=100).map(|v| 1.0 - v as f64 / 100.0).collect());
    // a rejects everything from 30 to 70 outright.
    for v in 30..=70 {
        a.allowed[v] = false;
    }
    let arena = Arena::new(vec![101], vec![a, b]).unwrap();
    for name in [
        "conceder",
        "linear",
        "random:p=1",
        "nash",
        "relative-tit-for-tat",
    ] {
        for seed in 0..5 {
            let s = NegotiatorSpec::parse(name).unwrap();
            let r = negotiate(&arena, &[&s, &s], &cfg(40), seed).unwrap();
            if let Some(o) = r.agreement {
                assert!(!(30..=70).contains(&o), "{name}: agreed {o}");
            }
        }
    }
}

#[test]
fn accepting_or_offering_the_forbidden_is_a_violation() {
    let arena = line_with([0.5, 0.0], [None, None]);
    // Party 0 offers 10 (utility 0.1 < its reservation 0.5).
    let mut negs = vec![
        Script::boxed(vec![10], never),
        Script::boxed(vec![10], always),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(5), 0).unwrap();
    assert_eq!((r.violation, r.agreement), (Some(0), None));
    // Party 1 offers 20; party 0 accepts although 0.2 < 0.5.
    let mut negs = vec![
        Script::boxed(vec![90], always),
        Script::boxed(vec![20], never),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(5), 0).unwrap();
    assert_eq!((r.violation, r.agreement), (Some(0), None));
    // Outcome index outside the space.
    let mut negs = vec![
        Script::boxed(vec![500], always),
        Script::boxed(vec![20], never),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(5), 0).unwrap();
    assert_eq!(r.violation, Some(0));
}

#[test]
fn discount_per_round_and_relative_time() {
    let arena = line_with([0.0, 0.0], [Some(0.9), None]);
    // Agreement on 60 at round 3: party 1 accepts at its 4th turn.
    let mut negs = vec![
        Script::boxed(vec![90, 80, 70, 60], never),
        Script::boxed(vec![0], |o| o == 60),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(10), 0).unwrap();
    assert_eq!(r.agreement, Some(60));
    assert_eq!(r.rounds, 4);
    assert!((r.utilities[0] - 0.6 * 0.9f64.powi(3)).abs() < 1e-12);
    assert!(
        (r.utilities[1] - 0.4).abs() < 1e-12,
        "party 1 has no discount"
    );
    assert!((r.raw_utilities[0] - 0.6).abs() < 1e-12);
    // A mechanism-wide discount overrides both; relative-time clock uses t in [0, 1].
    let mut config = cfg(10);
    config.discount = Some(0.5);
    config.discount_clock = DiscountClock::RelativeTime;
    let mut negs = vec![
        Script::boxed(vec![90, 80, 70, 60], never),
        Script::boxed(vec![0], |o| o == 60),
    ];
    let r = run_saop(&arena, &mut negs, &config, 0).unwrap();
    let t = 7.0 / 19.0; // turn 7 of 20
    assert!((r.utilities[0] - 0.6 * 0.5f64.powf(t)).abs() < 1e-12);
    assert!((r.utilities[1] - 0.4 * 0.5f64.powf(t)).abs() < 1e-12);
}

#[test]
fn discounted_disagreement_and_config_errors() {
    let arena = line_with([0.5, 0.2], [Some(0.5), None]);
    let mut negs = vec![
        Script::boxed(vec![90], never),
        Script::boxed(vec![10], never),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(3), 0).unwrap();
    assert_eq!(r.agreement, None);
    assert!((r.utilities[0] - 0.5 * 0.25).abs() < 1e-12);
    assert_eq!(r.utilities[1], 0.2);

    let s = NegotiatorSpec::parse("linear").unwrap();
    assert_eq!(
        negotiate(&arena, &[&s], &cfg(3), 0).unwrap_err(),
        SimulateError::NegotiatorCount {
            parties: 2,
            negotiators: 1
        }
    );
    assert_eq!(
        negotiate(&arena, &[&s, &s], &cfg(0), 0).unwrap_err(),
        SimulateError::ZeroRounds
    );
    let none = SaopConfig {
        rounds: None,
        ..SaopConfig::default()
    };
    assert_eq!(
        negotiate(&arena, &[&s, &s], &none, 0).unwrap_err(),
        SimulateError::NoDeadline
    );
    let bad = SaopConfig {
        discount: Some(1.5),
        ..SaopConfig::default()
    };
    assert!(matches!(
        negotiate(&arena, &[&s, &s], &bad, 0),
        Err(SimulateError::BadDiscount(_))
    ));
}

#[test]
fn wall_clock_deadline_ends_the_negotiation() {
    let arena = line();
    let s = NegotiatorSpec::parse("hardheaded:level=1").unwrap();
    let config = SaopConfig {
        rounds: None,
        time_limit: Some(std::time::Duration::from_millis(20)),
        ..SaopConfig::default()
    };
    let r = negotiate(&arena, &[&s, &s], &config, 0).unwrap();
    assert_eq!(r.agreement, None);
    assert!(r.turns > 0);
}

#[test]
fn same_seed_same_trace() {
    let arena = three();
    let specs: Vec<NegotiatorSpec> = ["random:p=0.2", "frequency", "hardheaded:level=0.6"]
        .iter()
        .map(|s| NegotiatorSpec::parse(s).unwrap())
        .collect();
    let refs: Vec<&NegotiatorSpec> = specs.iter().collect();
    let a = negotiate(&arena, &refs, &cfg(40), 42).unwrap();
    let b = negotiate(&arena, &refs, &cfg(40), 42).unwrap();
    assert_eq!(a, b);
    let different =
        (0..20).any(|s| negotiate(&arena, &refs, &cfg(40), s).unwrap().trace != a.trace);
    assert!(different, "the seed must matter for random negotiators");
}
