//! Time the preparation of a scenario's or GENIUS folder's arena:
//! `cargo run --release -p detente-simulate --example prepare -- scenarios/ukraine-2025.toml`.
use std::time::Instant;

fn main() {
    let arg = std::env::args()
        .nth(1)
        .expect("a scenario file or GENIUS folder");
    let path = std::path::Path::new(&arg);
    let t = Instant::now();
    let domain = if path.is_dir() {
        detente_space::Domain::from_genius(path).expect("GENIUS folder")
    } else {
        let l = detente_scenario::load(path);
        detente_space::Domain::from_scenario(&l.scenario, &Default::default()).expect("scenario")
    };
    eprintln!("load {:?}", t.elapsed());
    let t = Instant::now();
    let arena = detente_simulate::arena_from_domain(&domain).expect("arena");
    eprintln!(
        "prepare {:?}: {} outcomes, offerable {:?}, pareto {}",
        t.elapsed(),
        arena.len(),
        arena
            .parties
            .iter()
            .map(|p| p.sorted.len())
            .collect::<Vec<_>>(),
        arena.pareto.len()
    );
    if arena.len() <= 10_000 {
        let t = Instant::now();
        let k = 2000;
        for _ in 0..k {
            std::hint::black_box(detente_simulate::arena_from_domain(&domain).expect("arena"));
        }
        eprintln!("prepare again: {:?} each", t.elapsed() / k);
    }
}
