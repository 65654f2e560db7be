//! Outcome indexing and scenario → domain.

use detente_scenario::{
    Actor, ActorKind, Anchor, Decision, Issue, IssueKind, IssueOption, Position, RedLine, Scenario,
    Stance,
};
use detente_space::{DiscretiseOptions, Domain, OutcomeSpace, SpaceIssue};
use proptest::prelude::*;
use std::collections::BTreeMap;

proptest! {
    #[test]
    fn index_and_outcome_round_trip(sizes in proptest::collection::vec(1usize..6, 0..6), pick in any::<u64>()) {
        let space = OutcomeSpace::new(sizes.iter().enumerate().map(|(i, &n)| SpaceIssue::new(format!("i{i}"), (0..n).map(|v| format!("v{v}")))).collect());
        let n = space.cardinality();
        let idx = pick % n;
        let o = space.outcome_at(idx);
        prop_assert_eq!(space.index_of(&o), idx);
        // the streaming iterator agrees with outcome_at on a range
        let start = idx.saturating_sub(3);
        for (k, o) in space.iter_range(start, idx + 4).enumerate() {
            prop_assert_eq!(o, space.outcome_at(start + k as u64));
        }
        prop_assert_eq!(space.iter().count() as u64, n);
        prop_assert_eq!(space.chunks(7).map(|r| r.end - r.start).sum::<u64>(), n);
    }
}

fn actor(id: &str, reservation: Option<f64>) -> Actor {
    Actor {
        id: id.into(),
        name: id.to_uppercase(),
        kind: ActorKind::State,
        aliases: vec![],
        speaks_for: None,
        leads: false,
        capability: 1.0,
        reservation,
        description: None,
        span: 0..0,
    }
}

fn stance(
    actor: usize,
    issue: usize,
    position: Position,
    salience: f64,
    red_line: Option<RedLine>,
) -> Stance {
    Stance {
        actor,
        issue,
        as_of: None,
        derived_from: None,
        position: Some(position),
        salience: Some(salience),
        red_line,
        position_range: None,
        salience_range: None,
        values: BTreeMap::new(),
        evidence: vec![],
        note: None,
        span: 0..0,
    }
}

pub fn two_issue_scenario() -> Scenario {
    let scale = Issue {
        id: "land".into(),
        title: "Land".into(),
        description: None,
        kind: IssueKind::Scale {
            anchors: vec![
                Anchor {
                    at: 0.0,
                    label: "all back".into(),
                },
                Anchor {
                    at: 50.0,
                    label: "frozen".into(),
                },
                Anchor {
                    at: 100.0,
                    label: "all ceded".into(),
                },
            ],
        },
        status_quo: None,
        outcome: None,
        span: 0..0,
    };
    let opts = Issue {
        id: "alliance".into(),
        title: "Alliance".into(),
        description: None,
        kind: IssueKind::Options {
            options: vec![
                IssueOption {
                    id: "member".into(),
                    label: "joins".into(),
                },
                IssueOption {
                    id: "open".into(),
                    label: "left open".into(),
                },
                IssueOption {
                    id: "renounced".into(),
                    label: "renounces".into(),
                },
            ],
            ordered: true,
        },
        status_quo: None,
        outcome: None,
        span: 0..0,
    };
    let mut s = Scenario {
        actors: vec![actor("a", Some(0.2)), actor("b", None), actor("c", None)],
        issues: vec![scale, opts],
        decision: Decision {
            veto_players: vec![1, 0],
            note: None,
        },
        ..Default::default()
    };
    s.stances = vec![
        stance(
            0,
            0,
            Position::Scale(0.0),
            75.0,
            Some(RedLine::Range { lo: 0.0, hi: 50.0 }),
        ),
        stance(0, 1, Position::Option(0), 25.0, None),
        stance(
            1,
            1,
            Position::Option(2),
            50.0,
            Some(RedLine::Rejects { options: vec![0] }),
        ),
    ];
    let mut explicit = stance(1, 0, Position::Scale(100.0), 50.0, None);
    explicit.salience = Some(50.0);
    s.stances.push(explicit);
    s
}

#[test]
fn scenario_space_uses_anchors_options_and_veto_players() {
    let s = two_issue_scenario();
    let d = Domain::from_scenario(&s, &DiscretiseOptions::default()).unwrap();
    d.validate().unwrap();
    assert_eq!(d.space.cardinality(), 9);
    assert_eq!(d.space.issues[0].positions, Some(vec![0.0, 50.0, 100.0]));
    assert_eq!(
        d.space.issues[1].values,
        vec!["joins", "left open", "renounces"]
    );
    let names: Vec<_> = d.parties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["b", "a"],
        "veto players in the order the scenario lists them"
    );
    let a = &d.parties[1].utility;
    assert_eq!(a.weights, vec![0.75, 0.25]);
    assert_eq!(a.values[0], vec![1.0, 0.5, 0.0]);
    assert_eq!(a.values[1], vec![1.0, 0.5, 0.0]);
    assert_eq!(a.rejected[0], vec![false, false, true]);
    assert_eq!(a.reservation, 0.2);
    let b = &d.parties[0].utility;
    assert_eq!(b.weights, vec![0.5, 0.5]);
    assert_eq!(b.rejected[1], vec![true, false, false]);
    assert_eq!(b.reservation, 0.0);
    assert!(!b.acceptable(&[2, 0]));
    assert!(b.acceptable(&[2, 2]));
    assert!((b.utility(&[2, 2]) - 1.0).abs() < 1e-12);
}

#[test]
fn step_discretises_scale_issues_and_missing_stances_weigh_zero() {
    let mut s = two_issue_scenario();
    s.decision.veto_players = vec![2, 0];
    let d = Domain::from_scenario(
        &s,
        &DiscretiseOptions {
            step: Some(30.0),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        d.space.issues[0].positions,
        Some(vec![0.0, 30.0, 60.0, 90.0, 100.0])
    );
    let c = &d.parties[0].utility;
    assert_eq!(c.weights, vec![0.0, 0.0]);
    assert!(c.acceptable(&[4, 0]));
    let bad = Domain::from_scenario(
        &s,
        &DiscretiseOptions {
            step: Some(0.0),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(bad[0].message.contains("step"));
}

#[test]
fn explicit_values_override_distance() {
    let mut s = two_issue_scenario();
    s.stances[1].values = BTreeMap::from([(1usize, 0.9)]);
    let d = Domain::from_scenario(&s, &DiscretiseOptions::default()).unwrap();
    assert_eq!(d.parties[1].utility.values[1], vec![1.0, 0.9, 0.0]);
}

#[test]
fn scenario_written_as_genius_reads_back_with_the_same_utilities() {
    let d = Domain::from_scenario(&two_issue_scenario(), &DiscretiseOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    d.write_genius(dir.path()).unwrap();
    let back = Domain::from_genius(dir.path()).unwrap();
    // files sorted by name: a, b
    assert_eq!(back.parties[0].name, "a");
    for o in d.space.iter() {
        let u = d.parties[1].utility.utility(&o);
        assert!((u - back.parties[0].utility.utility(&o)).abs() < 1e-12);
    }
    assert_eq!(back.parties[0].utility.reservation, 0.2);
}

#[test]
fn flagship_scenario_gives_a_consistent_domain() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/ukraine-2025.toml");
    let loaded = detente_scenario::load(&path);
    assert!(loaded.is_valid(), "the flagship scenario should load");
    let s = &loaded.scenario;
    let d = Domain::from_scenario(s, &DiscretiseOptions::default()).unwrap();
    d.validate().unwrap();
    let names: Vec<&str> = d.parties.iter().map(|p| p.name.as_str()).collect();
    let veto: Vec<&str> = s
        .veto_players()
        .iter()
        .map(|&a| s.actors[a].id.as_str())
        .collect();
    assert_eq!(names, veto);
    let expected: u64 = s
        .issues
        .iter()
        .map(|i| match &i.kind {
            IssueKind::Options { options, .. } => options.len() as u64,
            IssueKind::Scale { anchors } => anchors.len() as u64,
        })
        .product();
    assert_eq!(d.space.cardinality(), expected);
    for p in &d.parties {
        let w: f64 = p.utility.weights.iter().sum();
        assert!(
            (w - 1.0).abs() < 1e-9 || w == 0.0,
            "{}: weights sum to {w}",
            p.name
        );
        assert!(p
            .utility
            .values
            .iter()
            .flatten()
            .all(|v| (0.0..=1.0).contains(v)));
    }
}
