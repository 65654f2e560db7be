//! The GENIUS conformance figures of ../shared/reference/genius/README.md, to 1e-6.

use detente_deals::{analyse, Analysis, DealOptions, Package};
use detente_space::Domain;
use std::path::PathBuf;

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/genius")
        .join(name)
}

fn run(name: &str, cap: bool) -> Analysis {
    let mut d = Domain::from_genius(&reference(name)).unwrap();
    for p in &mut d.parties {
        p.utility.cap_at_one = cap;
    }
    analyse(&d, &DealOptions::default()).unwrap()
}

fn close(p: &Option<Package>, want: &[f64]) {
    let got = &p.as_ref().expect("a solution").utilities;
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-6, "got {got:?}, want {want:?}");
    }
}

#[test]
fn laptop_c_uncapped_matches_the_readme() {
    let a = run("LaptopC", false);
    assert_eq!(a.outcomes, 27);
    assert_eq!(a.acceptable, 27);
    assert_eq!(a.pareto.len(), 4);
    close(&a.nash, &[1.000052, 0.815105]);
    close(&a.egalitarian, &[0.874024, 0.874024]);
    close(&a.kalai_smorodinsky, &[0.874024, 0.874024]);
    close(&a.max_welfare, &[1.000052, 0.815105]);
}

#[test]
fn laptop_c_with_the_genius_cap_gives_one() {
    let a = run("LaptopC", true);
    assert_eq!(a.pareto.len(), 4);
    close(&a.nash, &[1.0, 0.815105]);
    close(&a.max_welfare, &[1.0, 0.815105]);
    close(&a.egalitarian, &[0.874024, 0.874024]);
}

#[test]
fn itex_vs_cypress_matches_the_readme() {
    let a = run("ItexvsCypress", true);
    assert_eq!(a.outcomes, 180);
    assert_eq!(a.pareto.len(), 18);
    for s in [
        &a.nash,
        &a.egalitarian,
        &a.kalai_smorodinsky,
        &a.max_welfare,
    ] {
        close(s, &[0.670478, 0.721478]);
    }
}

#[test]
fn england_zimbabwe_matches_the_readme() {
    let a = run("EnglandZimbabwe", true);
    assert_eq!(a.outcomes, 576);
    assert_eq!(a.pareto.len(), 25);
    close(&a.nash, &[0.910916, 0.733218]);
    close(&a.egalitarian, &[0.822286, 0.786570]);
    close(&a.kalai_smorodinsky, &[0.822286, 0.786570]);
    close(&a.max_welfare, &[0.910916, 0.733218]);
}

#[test]
fn progress_reaches_the_total_and_false_cancels() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let d = Domain::from_genius(&reference("Travel")).unwrap();
    let opts = DealOptions {
        chunk_size: 4096,
        ..DealOptions::default()
    };
    let last = AtomicU64::new(0);
    let a = detente_deals::analyse_with_progress(
        &d,
        &opts,
        Some(&|done, total| {
            assert_eq!(total, 188_160);
            last.fetch_max(done, Ordering::Relaxed);
            true
        }),
    )
    .unwrap();
    assert_eq!(last.load(Ordering::Relaxed), 188_160);
    assert_eq!(a, analyse(&d, &opts).unwrap());
    let err = detente_deals::analyse_with_progress(&d, &opts, Some(&|_, _| false)).unwrap_err();
    assert_eq!(err.0, "cancelled");
}
