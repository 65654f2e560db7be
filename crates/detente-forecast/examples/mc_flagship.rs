//! Time N Monte Carlo runs of a scenario through every model (release build):
//! `cargo run --release -p detente-forecast --example mc_flagship -- [N] [SCENARIO] [NOISE] [MODELS] [SMP_TOLERANCE]`
//! (defaults: 100000, scenarios/ukraine-2025.toml,
//! `position=normal:5,salience=normal:5,capability=normal:10%`, all models, the spatial model's
//! default convergence tolerance).
use detente_forecast::montecarlo::{run, NoiseSpec};
use detente_forecast::{build_model, ModelConfig, MODEL_NAMES};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let path = args.get(2).cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/ukraine-2025.toml"
        )
        .into()
    });
    let noise = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| "position=normal:5,salience=normal:5,capability=normal:10%".into());
    let names: Vec<String> = args
        .get(4)
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_else(|| MODEL_NAMES.iter().map(|s| s.to_string()).collect());
    let loaded = detente_scenario::load(std::path::Path::new(&path));
    assert!(loaded.is_valid(), "{path} has errors");
    let conv = detente_forecast::io::from_scenario(&loaded.scenario);
    let spec = NoiseSpec::parse(&noise).expect("noise spec");
    let mut config = ModelConfig::default();
    if let Some(t) = args.get(5) {
        config.smp.tolerance = t.parse().expect("SMP tolerance");
    }
    let models: Vec<_> = names
        .iter()
        .map(|m| build_model(m, &config).expect("model"))
        .collect();
    let t = Instant::now();
    let res = run(
        &conv.problem,
        &conv.ranges,
        &spec,
        &models,
        n,
        1,
        &[],
        &|_| {},
    );
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} runs × {} models × {} issues on {} thread(s), SMP tolerance {}: {secs:.2} s ({:.1} µs per run)",
        models.len(),
        conv.problem.issues.len(),
        rayon::current_num_threads(),
        config.smp.tolerance,
        secs / n as f64 * 1e6
    );
    for (m, name) in names.iter().enumerate() {
        let d = &res.distributions[m][0];
        println!(
            "  {name} on {}: median {:?}, 5–95% {:?}–{:?}",
            conv.problem.issues[0].id, d.median, d.p5, d.p95
        );
    }
}
