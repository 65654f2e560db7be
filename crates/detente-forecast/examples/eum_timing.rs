//! Quick timing of EUM rounds (10-round runs, time per round) on KTAB's 160-actor dummy data (release build):
//! `cargo run --release -p detente-forecast --example eum_timing [PRESET]`
use detente_forecast::eum::{Eum, EumOptions, Stopping};
use std::time::Instant;

fn main() {
    let preset = std::env::args().nth(1).unwrap_or_else(|| "textbook".into());
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/ktab/dummyData-a160.csv"
    );
    let text = std::fs::read_to_string(path).expect("KTAB data");
    let d = detente_forecast::io::read_table("a160", &text)
        .unwrap()
        .issue_data(0);
    let m = Eum::new(EumOptions {
        stopping: Stopping::Rounds(10),
        ..EumOptions::preset(&preset).expect("preset")
    });
    // Rounds actually computed (the run stops early at a fixed point where nobody moves).
    let rounds = m
        .run(&d, false)
        .map(|r| r.rounds.len() - 1)
        .unwrap_or(0)
        .max(1);
    let n = if d.len() > 100 { 20 } else { 500 };
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(m.run(&d, false));
    }
    let per = t.elapsed().as_secs_f64() / (rounds * n) as f64;
    println!(
        "{preset}: {} actors, {rounds} rounds per run, {:.3} ms per round ({:.0} rounds/s)",
        d.len(),
        per * 1e3,
        1.0 / per
    );
}
