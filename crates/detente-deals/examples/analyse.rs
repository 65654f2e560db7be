//! Time the deal-space analysis of a GENIUS folder (engine only, no CLI rendering):
//! `cargo run --release -p detente-deals --example analyse -- FOLDER`
use detente_deals::{analyse, DealOptions};
use detente_space::Domain;
use std::time::Instant;

fn main() {
    let Some(folder) = std::env::args().nth(1) else {
        eprintln!("usage: analyse GENIUS_FOLDER");
        std::process::exit(2);
    };
    let t0 = Instant::now();
    let domain = match Domain::from_genius(std::path::Path::new(&folder)) {
        Ok(d) => d,
        Err(errs) => {
            for e in errs {
                eprintln!("{e}");
            }
            std::process::exit(2);
        }
    };
    let t1 = Instant::now();
    let a = analyse(&domain, &DealOptions::default()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let t2 = Instant::now();
    println!(
        "{}: {} outcomes, {} parties, pareto {}, nash {:?}; read {:.3}s, analyse {:.3}s",
        domain.name,
        a.outcomes,
        a.parties.len(),
        a.pareto.len(),
        a.nash.as_ref().map(|p| &p.utilities),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64()
    );
}
