//! EUM rounds per second by number of actors, on KTAB's dummy data sets (10 actors = the first
//! 10 rows of dummyData-a040; 40; 160), and Monte Carlo throughput on the BDM example.
//!
//! `cargo bench -p detente-forecast --bench eum`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use detente_forecast::eum::{Eum, EumOptions, Stopping};
use detente_forecast::io::read_table;
use detente_forecast::IssueData;
use std::hint::black_box;
use std::time::Duration;

fn ktab(name: &str) -> IssueData {
    let path = format!(
        "{}/../../../shared/reference/ktab/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    read_table(name, &text).unwrap().issue_data(0)
}

fn first(d: &IssueData, n: usize) -> IssueData {
    IssueData {
        actor: d.actor[..n].to_vec(),
        capability: d.capability[..n].to_vec(),
        position: d.position[..n].to_vec(),
        salience: d.salience[..n].to_vec(),
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let a40 = ktab("dummyData-a040.csv");
    let sets = [
        (10, first(&a40, 10)),
        (40, a40.clone()),
        (160, ktab("dummyData-a160.csv")),
    ];
    for preset in ["textbook", "scholz2011"] {
        let mut g = c.benchmark_group(format!("eum_round/{preset}"));
        g.sample_size(20)
            .measurement_time(Duration::from_secs(3))
            .warm_up_time(Duration::from_secs(1));
        for (n, d) in &sets {
            let opts = EumOptions {
                stopping: Stopping::Rounds(1),
                ..EumOptions::preset(preset).unwrap()
            };
            let m = Eum::new(opts);
            g.throughput(Throughput::Elements(1));
            g.bench_with_input(BenchmarkId::from_parameter(n), d, |b, d| {
                b.iter(|| black_box(m.run(black_box(d), false)))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
