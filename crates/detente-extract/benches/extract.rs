//! Criterion benchmark: extraction of each seed article (one article per iteration).
//! cargo bench -p detente-extract --bench extract

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_extract::{gazetteer::Gazetteer, Extractor};

fn seeds() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/articles");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    paths.sort();
    paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect()
}

fn bench(c: &mut Criterion) {
    let ex = Extractor::new(Gazetteer::builtin());
    let docs = seeds();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("five seed articles", |b| {
        b.iter(|| ex.extract(std::hint::black_box(&docs)))
    });
    g.finish();
    c.bench_function("builtin gazetteer + index", |b| {
        b.iter(|| Extractor::new(Gazetteer::builtin()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
