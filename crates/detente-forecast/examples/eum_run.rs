//! Run the EUM on one CSV and print the same JSON as bench/forecast/eum_reference.py
//! (medians and means per round, seconds per run), for the side-by-side comparison:
//! `cargo run --release -p detente-forecast --example eum_run -- CSV PRESET ROUNDS REPEATS`
use detente_forecast::eum::{Eum, EumOptions, Stopping};
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 5 {
        eprintln!("usage: eum_run CSV PRESET ROUNDS REPEATS");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&a[1]).expect("readable CSV");
    let p = detente_forecast::io::read_table(&a[1], &text).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let d = p.issue_data(0);
    let rounds: usize = a[3].parse().expect("ROUNDS");
    let repeats: usize = a[4].parse().expect("REPEATS");
    let m = Eum::new(EumOptions {
        stopping: Stopping::Rounds(rounds),
        ..EumOptions::preset(&a[2]).expect("preset")
    });
    let t = Instant::now();
    let mut run = None;
    for _ in 0..repeats {
        run = std::hint::black_box(m.run(&d, true));
    }
    let secs = t.elapsed().as_secs_f64() / repeats as f64;
    let run = run.expect("actors with weight");
    let med: Vec<f64> = run.rounds.iter().map(|r| r.median).collect();
    let mean: Vec<f64> = run.rounds.iter().map(|r| r.mean).collect();
    println!(
        "{{\"actors\": {}, \"preset\": \"{}\", \"median\": {:?}, \"mean\": {:?}, \"seconds_per_run\": {}}}",
        d.len(),
        a[2],
        med,
        mean,
        secs
    );
}
