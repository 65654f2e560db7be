//! Each built-in negotiator's defining behaviour.

mod common;
use common::*;
use detente_simulate::{
    negotiate, run_saop, ActionKind, Arena, NegotiationResult, NegotiatorSpec, SaopConfig, Strategy,
};

fn cfg(rounds: u32) -> SaopConfig {
    SaopConfig {
        rounds: Some(rounds),
        ..SaopConfig::default()
    }
}

/// Party 0 runs `spec` against a wall that offers party 0's worst outcome and never accepts.
fn against_wall(spec: &str, rounds: u32, seed: u64) -> (Arena, NegotiationResult) {
    let arena = line();
    let s = NegotiatorSpec::parse(spec).unwrap();
    let mut negs = vec![s.build(&arena, 0), Script::boxed(vec![0], never)];
    let r = run_saop(&arena, &mut negs, &cfg(rounds), seed).unwrap();
    (arena, r)
}

/// Party-0 utility of each of party 0's offers, in order.
fn own_offers(arena: &Arena, r: &NegotiationResult, party: usize) -> Vec<f64> {
    r.trace
        .iter()
        .filter(|s| s.party == party && s.action == ActionKind::Offer)
        .map(|s| arena.parties[party].utility(s.outcome.unwrap()))
        .collect()
}

#[test]
fn boulware_concedes_late_conceder_early_linear_evenly() {
    let (arena, b) = against_wall("boulware", 101, 0);
    let (_, c) = against_wall("conceder", 101, 0);
    let (_, l) = against_wall("linear", 101, 0);
    let (b, c, l) = (
        own_offers(&arena, &b, 0),
        own_offers(&arena, &c, 0),
        own_offers(&arena, &l, 0),
    );
    assert_eq!(b.len(), 101);
    for offers in [&b, &c, &l] {
        assert!(
            offers.windows(2).all(|w| w[1] <= w[0]),
            "time-based offers never go up"
        );
        assert_eq!(offers[0], 1.0, "opens with the best outcome");
        assert!(
            offers[100] <= 0.05,
            "nearly the worst offerable outcome at the deadline"
        );
    }
    // Halfway through: Boulware has given up almost nothing, the conceder most of it.
    assert!(b[50] >= 0.95, "boulware at half time: {}", b[50]);
    assert!(c[50] <= 0.35, "conceder at half time: {}", c[50]);
    assert!(
        (l[50] - 0.5).abs() <= 0.02,
        "linear at half time: {}",
        l[50]
    );
    // Boulware's concession is back-loaded: at 80% of the time it still asks for more than
    // 0.6 where the linear negotiator is down to about 0.2.
    assert!(b[80] > 0.6 && l[80] < 0.25, "{} {}", b[80], l[80]);
}

#[test]
fn exponent_parameter_changes_the_curve() {
    let (arena, soft) = against_wall("boulware:e=0.5", 101, 0);
    let (_, hard) = against_wall("boulware:e=0.1", 101, 0);
    let (soft, hard) = (own_offers(&arena, &soft, 0), own_offers(&arena, &hard, 0));
    assert!(soft[60] < hard[60]);
}

#[test]
fn hardheaded_never_crosses_its_level() {
    let arena = line();
    let hard = NegotiatorSpec::parse("hardheaded:level=0.75").unwrap();
    let rand = NegotiatorSpec::parse("random:p=0.9").unwrap();
    for seed in 0..30 {
        let r = negotiate(&arena, &[&hard, &rand], &cfg(60), seed).unwrap();
        for s in r.trace.iter().filter(|s| s.party == 0) {
            assert!(
                arena.parties[0].utility(s.outcome.unwrap()) >= 0.75,
                "seed {seed}: {s:?}"
            );
        }
        if let Some(o) = r.agreement {
            assert!(arena.parties[0].utility(o) >= 0.75);
        }
    }
    // It does vary its offers above the level (not a single fixed bid).
    let r = negotiate(&arena, &[&hard, &hard], &cfg(30), 1).unwrap();
    let distinct: std::collections::BTreeSet<u32> = r
        .trace
        .iter()
        .filter(|s| s.party == 0)
        .filter_map(|s| s.outcome)
        .collect();
    assert!(distinct.len() > 3);
}

#[test]
fn naive_tit_for_tat_mirrors_absolute_concessions() {
    let arena = line();
    // The opponent (party 1) offers 10, then 30, then 30: concessions of 0.2 then 0 to party 0.
    let tft = NegotiatorSpec::parse("tit-for-tat").unwrap();
    let mut negs = vec![
        tft.build(&arena, 0),
        Script::boxed(vec![10, 30, 30, 25], never),
    ];
    let r = run_saop(&arena, &mut negs, &cfg(5), 0).unwrap();
    let mine = own_offers(&arena, &r, 0);
    // Opens at its best; after the first opponent offer (no concession yet) stays there;
    // after +0.2 drops 0.2; after +0 stays; after -0.05 (opponent hardened) goes back up.
    assert_eq!(mine.len(), 5);
    let expect = [1.0, 1.0, 0.8, 0.8, 0.85];
    for (m, e) in mine.iter().zip(expect) {
        // The offer is the first outcome at or above the target (grid of 0.01).
        assert!(*m >= e - 1e-9 && *m <= e + 0.01 + 1e-9, "{mine:?}");
    }
}

#[test]
fn relative_tit_for_tat_mirrors_the_fraction_conceded() {
    let arena = line();
    let tft = NegotiatorSpec::parse("relative-tit-for-tat").unwrap();
    assert!(matches!(
        tft.strategy,
        Strategy::TitForTat { relative: true, .. }
    ));
    // Opponent starts at 0.2 for party 0 and moves to 0.4: a quarter of the way to 1.0.
    let mut negs = vec![tft.build(&arena, 0), Script::boxed(vec![20, 40], never)];
    let r = run_saop(&arena, &mut negs, &cfg(3), 0).unwrap();
    let mine = own_offers(&arena, &r, 0);
    assert_eq!(mine.len(), 3, "{:?}", r.trace);
    // Range is [0, 1]: a quarter of the way down from 1.0 is 0.75.
    assert!((mine[2] - 0.75).abs() < 1e-9, "{mine:?}");
    // When the opponent then comes half-way (0.6), it mirrors to 0.5 and accepts 0.6.
    let mut negs = vec![tft.build(&arena, 0), Script::boxed(vec![20, 60], never)];
    let r = run_saop(&arena, &mut negs, &cfg(3), 0).unwrap();
    assert_eq!(r.agreement, Some(60));
}

#[test]
fn tit_for_tat_accepts_what_meets_its_mirrored_target() {
    let arena = line();
    let tft = NegotiatorSpec::parse("tit-for-tat").unwrap();
    let con = NegotiatorSpec::parse("conceder").unwrap();
    let r = negotiate(&arena, &[&tft, &con], &cfg(50), 0).unwrap();
    assert!(r.agreement.is_some());
}

#[test]
fn random_negotiator_explores_and_its_acceptance_probability_holds() {
    let arena = line();
    let never_accepts = NegotiatorSpec::parse("random:p=0").unwrap();
    let wall = NegotiatorSpec::parse("hardheaded:level=1").unwrap();
    let r = negotiate(&arena, &[&wall, &never_accepts], &cfg(50), 9).unwrap();
    assert!(r
        .trace
        .iter()
        .all(|s| s.party == 0 || s.action == ActionKind::Offer));
    let distinct: std::collections::BTreeSet<u32> = r
        .trace
        .iter()
        .filter(|s| s.party == 1)
        .filter_map(|s| s.outcome)
        .collect();
    assert!(distinct.len() > 20, "random offers spread over the space");
    let always = NegotiatorSpec::parse("random:p=1").unwrap();
    let r = negotiate(&arena, &[&wall, &always], &cfg(50), 9).unwrap();
    assert_eq!((r.agreement, r.rounds), (Some(100), 1));
}

#[test]
fn nash_seekers_meet_at_the_nash_point() {
    let arena = three();
    let nash = NegotiatorSpec::parse("nash").unwrap();
    let r = negotiate(&arena, &[&nash, &nash, &nash], &cfg(40), 0).unwrap();
    assert!(r.agreement.is_some());
    assert!(r.nash_distance.unwrap() < 1e-9, "{:?}", r.nash_distance);
    // A Nash seeker never accepts less than its utility at the Nash point.
    let floor = arena.parties[0].utility(arena.nash.unwrap());
    let greedy = NegotiatorSpec::parse("hardheaded:level=1").unwrap();
    for seed in 0..5 {
        let r = negotiate(&arena, &[&nash, &greedy, &greedy], &cfg(40), seed).unwrap();
        if let Some(o) = r.agreement {
            assert!(arena.parties[0].utility(o) >= floor - 1e-12);
        }
    }
}

#[test]
fn frequency_learner_offers_what_the_opponent_keeps_asking_for() {
    // Two issues; party 0 only cares about issue 0; party 1 only about issue 1 (wants value 3).
    let mut u0 = Vec::new();
    let mut u1 = Vec::new();
    for x in 0..4 {
        for y in 0..4 {
            u0.push(x as f64 / 3.0);
            u1.push(y as f64 / 3.0 * 0.5 + (3 - x) as f64 / 3.0 * 0.5);
        }
    }
    let arena = Arena::new(vec![4, 4], vec![table("a", u0), table("b", u1)]).unwrap();
    let learner = NegotiatorSpec::parse("frequency").unwrap();
    let plain = NegotiatorSpec::parse("boulware").unwrap();
    // The opponent always offers issue 1 = 3 while moving on issue 0.
    let script = || Script::boxed(vec![3, 7, 11, 15, 3, 7, 11, 15], never);
    let mut negs = vec![learner.build(&arena, 0), script()];
    let r = run_saop(&arena, &mut negs, &cfg(8), 0).unwrap();
    let late: Vec<u32> = r
        .trace
        .iter()
        .filter(|s| s.party == 0 && s.round >= 2)
        .filter_map(|s| s.outcome)
        .collect();
    assert!(
        late.iter().all(|&o| arena.value(o, 1) == 3),
        "learner offers {late:?}"
    );
    // Without the model the same concession curve picks the first outcome at the target.
    let mut negs = vec![plain.build(&arena, 0), script()];
    let r = run_saop(&arena, &mut negs, &cfg(8), 0).unwrap();
    let late: Vec<u32> = r
        .trace
        .iter()
        .filter(|s| s.party == 0 && s.round >= 2)
        .filter_map(|s| s.outcome)
        .collect();
    assert!(late.iter().any(|&o| arena.value(o, 1) != 3));
}

#[test]
fn spec_parsing() {
    let s = NegotiatorSpec::parse("boulware:e=0.3").unwrap();
    assert_eq!(s.strategy, Strategy::TimeBased { e: 0.3 });
    assert_eq!(s.label, "boulware:e=0.3");
    assert_eq!(
        NegotiatorSpec::parse("linear").unwrap().strategy,
        Strategy::TimeBased { e: 1.0 }
    );
    let list = NegotiatorSpec::parse_list("boulware:e=0.2,frequency:e=0.5,window=8,nash").unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[1].strategy, Strategy::Frequency { e: 0.5, window: 8 });
    assert_eq!(NegotiatorSpec::parse_list("all").unwrap().len(), 9);
    for bad in [
        "bouldware",
        "boulware:e=0",
        "boulware:x=1",
        "random:p=2",
        "linear:e",
        "frequency:window=0.5",
        "nash:e=abc",
    ] {
        let err = NegotiatorSpec::parse(bad).unwrap_err();
        assert!(!err.is_empty(), "{bad}");
    }
    assert!(NegotiatorSpec::parse("bouldware")
        .unwrap_err()
        .contains("boulware"));
    assert!(NegotiatorSpec::parse_list("boulware,,linear").is_err());
}
