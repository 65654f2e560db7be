//! The frontier and Nash point a simulation measures distances to are the ones `detente deals`
//! reports (same definitions: zone = no red line crossed and every reservation met; Nash
//! relative to d_i = max(reservation_i, lowest utility)).

use detente_simulate::arena_from_domain;
use detente_space::{Domain, LinearAdditive, OutcomeSpace, Party, SpaceIssue};
use std::path::PathBuf;

fn check(domain: &Domain) {
    let arena = arena_from_domain(domain).unwrap();
    let deals = detente_deals::analyse(domain, &detente_deals::DealOptions::default()).unwrap();
    assert_eq!(
        arena.pareto.len(),
        deals.pareto.len(),
        "{}: frontier size",
        domain.name
    );
    let mut ours: Vec<Vec<f64>> = arena.pareto.clone();
    let mut theirs: Vec<Vec<f64>> = deals.pareto.iter().map(|p| p.utilities.clone()).collect();
    let by = |a: &Vec<f64>, b: &Vec<f64>| a.partial_cmp(b).unwrap();
    ours.sort_by(by);
    theirs.sort_by(by);
    for (a, b) in ours.iter().zip(&theirs) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-9, "{}: {a:?} vs {b:?}", domain.name);
        }
    }
    match (arena.nash, &deals.nash) {
        (Some(o), Some(p)) => {
            for (x, y) in arena.utilities(o).iter().zip(&p.utilities) {
                assert!(
                    (x - y).abs() < 1e-9,
                    "{}: Nash {:?} vs {:?}",
                    domain.name,
                    arena.utilities(o),
                    p.utilities
                );
            }
        }
        (None, None) => {}
        (a, b) => panic!("{}: Nash {a:?} vs {b:?}", domain.name),
    }
    for (p, d) in arena.parties.iter().zip(&deals.disagreement) {
        assert!((p.disagreement - d).abs() < 1e-12);
    }
}

#[test]
fn genius_reference_domains() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/genius");
    for name in [
        "LaptopC",
        "ItexvsCypress",
        "EnglandZimbabwe",
        "group2-dinner",
        "AgentLightSmartGrid",
    ] {
        let dir = base.join(name);
        if dir.exists() {
            check(&Domain::from_genius(&dir).unwrap());
        }
    }
}

#[test]
fn red_lines_and_reservations() {
    let space = OutcomeSpace::new(vec![
        SpaceIssue::new("a", ["0", "1", "2", "3"]),
        SpaceIssue::new("b", ["0", "1", "2"]),
        SpaceIssue::new("c", ["0", "1", "2", "3", "4"]),
    ]);
    let party = |k: usize, res: f64| {
        let values: Vec<Vec<f64>> = [4usize, 3, 5]
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                (0..c)
                    .map(|v| ((i * 5 + v * (k + 2) + k) % 7) as f64 / 6.0)
                    .collect()
            })
            .collect();
        let mut u = LinearAdditive::new(vec![0.5, 0.2, 0.3], values);
        u.rejected[k % 3][1] = true;
        u.reservation = res;
        Party {
            name: format!("p{k}"),
            utility: u,
        }
    };
    check(&Domain {
        name: "two".into(),
        space: space.clone(),
        parties: vec![party(0, 0.2), party(1, 0.1)],
    });
    check(&Domain {
        name: "three".into(),
        space,
        parties: vec![party(0, 0.0), party(1, 0.3), party(2, 0.25)],
    });
}
