//! Negotiations per second on a GENIUS folder, for `bench/simulate/run.sh`:
//! `cargo run --release -p detente-simulate --example saop_bench -- FOLDER NEGOTIATORS ROUNDS REPS`
//! Runs every ordered pair of the negotiators `REPS` times on one thread, (a) sharing one
//! prepared arena, (b) preparing the arena again for every negotiation (what a peer tool that
//! builds its negotiators per negotiation pays), and (c) as a parallel tournament. Prints JSON.
use detente_simulate::{
    arena_from_domain, negotiate, run_tournament, NegotiatorSpec, SaopConfig, TournamentConfig,
};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: saop_bench FOLDER NEGOTIATORS ROUNDS REPS");
        std::process::exit(2);
    }
    let domain =
        detente_space::Domain::from_genius(std::path::Path::new(&args[1])).expect("folder");
    let specs = NegotiatorSpec::parse_list(&args[2]).expect("negotiators");
    let rounds: u32 = args[3].parse().expect("rounds");
    let reps: u64 = args[4].parse().expect("reps");
    let config = SaopConfig {
        rounds: Some(rounds),
        record_trace: false,
        ..SaopConfig::default()
    };
    let pairs: Vec<(usize, usize)> = (0..specs.len())
        .flat_map(|a| (0..specs.len()).map(move |b| (a, b)))
        .collect();

    let arena = arena_from_domain(&domain).expect("arena");
    let (mut agreements, mut steps, mut count) = (0u64, 0u64, 0u64);
    let t = Instant::now();
    for rep in 0..reps {
        for &(a, b) in &pairs {
            let r = negotiate(&arena, &[&specs[a], &specs[b]], &config, rep).unwrap();
            agreements += r.agreement.is_some() as u64;
            steps += r.rounds as u64;
            count += 1;
        }
    }
    let shared = count as f64 / t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut count2 = 0u64;
    for rep in 0..reps {
        for &(a, b) in &pairs {
            let arena = arena_from_domain(&domain).expect("arena");
            let r = negotiate(&arena, &[&specs[a], &specs[b]], &config, rep).unwrap();
            std::hint::black_box(r);
            count2 += 1;
        }
    }
    let rebuilt = count2 as f64 / t.elapsed().as_secs_f64();

    let tc = TournamentConfig {
        reps: reps as u32,
        seed: 0,
        saop: config.clone(),
    };
    let t = Instant::now();
    let res = run_tournament(&arena, &specs, &tc, &|| {}).unwrap();
    let parallel = res.runs.len() as f64 / t.elapsed().as_secs_f64();

    println!(
        "{{\"outcomes\":{},\"negotiations\":{count},\"per_second_shared_arena\":{shared:.1},\"per_second_arena_per_negotiation\":{rebuilt:.1},\"per_second_parallel_tournament\":{parallel:.1},\"threads\":{},\"agreement_rate\":{:.4},\"mean_rounds\":{:.2}}}",
        arena.len(),
        rayon::current_num_threads(),
        agreements as f64 / count as f64,
        steps as f64 / count as f64
    );
}
