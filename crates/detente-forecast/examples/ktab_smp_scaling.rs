//! Time one state of KTAB's spatial model (utilities, challenges, bargains, choices, the next
//! state's utilities) by number of actors and dimensions, on random scenarios (fixed seed):
//! `cargo run --release -p detente-forecast --example ktab_smp_scaling [REPEATS]`.
//! Prints the best (least disturbed) of REPEATS timings per cell, in milliseconds.
use detente_forecast::ktab_params::KtabParams;
use detente_forecast::ktab_smp::{run, SmpInput};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

fn scenario(n: usize, nd: usize, seed: u64) -> SmpInput {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut u = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let cap = (0..n).map(|_| 10.0 + 190.0 * u()).collect();
    let pos = (0..n * nd).map(|_| u()).collect();
    let mut sal: Vec<f64> = (0..n * nd).map(|_| 0.1 + 0.9 * u()).collect();
    for i in 0..n {
        let total = 0.75 + 0.24 * u();
        let s: f64 = sal[i * nd..(i + 1) * nd].iter().sum();
        sal[i * nd..(i + 1) * nd]
            .iter_mut()
            .for_each(|x| *x *= total / s);
    }
    SmpInput {
        n,
        nd,
        cap,
        sal,
        pos,
        accommodation: None,
    }
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let dims = [1, 2, 3, 6];
    println!(
        "| actors | {} |",
        dims.map(|d| format!("{d} dim")).join(" | ")
    );
    println!("|---|{}", "---|".repeat(dims.len()));
    for n in [10, 20, 40, 80, 160] {
        let mut row = Vec::new();
        for nd in dims {
            let input = scenario(n, nd, (n * 10 + nd) as u64);
            let p = KtabParams::default();
            let mut best = f64::INFINITY;
            for _ in 0..reps {
                let t = Instant::now();
                let out = run(&input, &p, 1, None, false, 1);
                let dt = t.elapsed().as_secs_f64();
                assert_eq!(out.states.len(), 2);
                best = best.min(dt);
            }
            row.push(format!("{:.3}", best * 1e3));
        }
        println!("| {n} | {} |", row.join(" | "));
    }
}
