//! How the spatial model's forecast depends on its convergence tolerance (release build):
//! `cargo run --release -p detente-forecast --example smp_convergence -- [SCENARIO] [MAX_ROUNDS]`
//! Prints, per tolerance, the rounds bargained, the forecast per issue and the time per run.
use detente_forecast::smp::{Smp, SmpOptions};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/ukraine-2025.toml"
        )
        .into()
    });
    let loaded = detente_scenario::load(std::path::Path::new(&path));
    assert!(loaded.is_valid(), "{path} has errors");
    let p = detente_forecast::io::from_scenario(&loaded.scenario).problem;
    let max_rounds: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(SmpOptions::default().max_rounds);
    for tol in [0.0, 1e-4, 1e-3, 2e-3, 5e-3, 1e-2] {
        let m = Smp::new(SmpOptions {
            tolerance: tol,
            max_rounds,
            ..SmpOptions::default()
        });
        let run = m.run(&p, true);
        let n = 200;
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(m.run(&p, false));
        }
        let per = t.elapsed().as_secs_f64() / n as f64;
        let f: Vec<String> = run
            .forecast
            .iter()
            .map(|v| v.map_or("-".into(), |v| format!("{v:.3}")))
            .collect();
        println!(
            "tolerance {tol:<6} rounds {:>2}  forecast [{}]  {:.1} µs per run",
            run.positions.len() - 1,
            f.join(", "),
            per * 1e6
        );
    }
}
