//! Real GENIUS domains from the shared reference data (skipped when it is absent).

use detente_simulate::{arena_from_domain, negotiate, NegotiatorSpec, SaopConfig};
use detente_space::Domain;
use std::path::PathBuf;

fn genius(name: &str) -> Option<Domain> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/genius")
        .join(name);
    if !dir.exists() {
        eprintln!("skipping: {} not found", dir.display());
        return None;
    }
    Some(Domain::from_genius(&dir).expect("reference domain loads"))
}

#[test]
fn reference_frontier_and_nash() {
    // Figures from shared/reference/genius/README.md (GENIUS semantics, reservation 0).
    for (name, size, nash) in [
        ("ItexvsCypress", 18, [0.670478, 0.721478]),
        ("EnglandZimbabwe", 25, [0.910916, 0.733218]),
    ] {
        let Some(domain) = genius(name) else { return };
        let arena = arena_from_domain(&domain).unwrap();
        assert_eq!(arena.pareto.len(), size, "{name}");
        let u = arena.utilities(arena.nash.unwrap());
        println!("{name} nash {u:?}");
        for (a, b) in u.iter().zip(nash) {
            assert!((a - b).abs() < 1e-6, "{name}: {u:?}");
        }
    }
}

#[test]
fn all_pairs_run_on_england_zimbabwe() {
    let Some(domain) = genius("EnglandZimbabwe") else {
        return;
    };
    let arena = arena_from_domain(&domain).unwrap();
    let all = NegotiatorSpec::all();
    let config = SaopConfig {
        rounds: Some(100),
        ..SaopConfig::default()
    };
    for a in &all {
        for b in &all {
            let r = negotiate(&arena, &[a, b], &config, 3).unwrap();
            assert_eq!(r.violation, None);
        }
    }
}
