//! Throughput of `detente-extract` on one core: a corpus of N articles made by repeating the
//! seed articles with their paragraphs shuffled, extracted in one thread. Reports wall time and
//! the thread's CPU time (on a busy machine the CPU time is the honest per-core figure).
//!
//! cargo run --release -p detente-extract --example throughput -- [N] [ARTICLES_DIR]

use detente_extract::{corpus, gazetteer::Gazetteer, Extractor};
use std::time::Instant;

/// CPU time of this thread so far (Linux `/proc/thread-self/schedstat`: nanoseconds on CPU).
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace()
        .next()?
        .parse::<f64>()
        .ok()
        .map(|ns| ns / 1e9)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/articles").to_string());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("articles dir")
        .map(|e| e.unwrap().path())
        .collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    paths.sort();
    let seeds: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let texts = corpus::shuffled(&seeds, n, 42);
    let bytes: usize = texts.iter().map(String::len).sum();
    let docs: Vec<(String, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("a{i}.txt"), t.as_str()))
        .collect();
    let ex = Extractor::new(Gazetteer::builtin());
    println!(
        "articles: {n} ({:.1} MB), {} seeds, 1 thread",
        bytes as f64 / 1e6,
        seeds.len()
    );
    let report = |what: &str, wall: f64, cpu: Option<f64>| {
        let cpu = match cpu {
            Some(c) => format!(
                "CPU {c:.3} s = {:.0} articles per CPU-second = {:.0} articles/min on one core ({:.1} MB/s)",
                n as f64 / c,
                60.0 * n as f64 / c,
                bytes as f64 / 1e6 / c
            ),
            None => "CPU time n/a".into(),
        };
        println!(
            "{what}:\n  wall {wall:.3} s = {:.0} articles/s; {cpu}",
            n as f64 / wall
        );
    };

    // one call per article (as for one file at a time), then the corpus in one call
    let (t, c0) = (Instant::now(), cpu_seconds());
    let mut quotes = 0;
    for d in &docs {
        quotes += ex.extract(std::slice::from_ref(d)).documents[0]
            .quotes
            .len();
    }
    let cpu = c0.zip(cpu_seconds()).map(|(a, b)| b - a);
    report(
        &format!("one article per call ({quotes} quotes)"),
        t.elapsed().as_secs_f64(),
        cpu,
    );

    let (t, c0) = (Instant::now(), cpu_seconds());
    let all = ex.extract(&docs);
    let cpu = c0.zip(cpu_seconds()).map(|(a, b)| b - a);
    let disputed: usize = all
        .documents
        .iter()
        .flat_map(|d| &d.claims)
        .filter(|c| c.disputed)
        .count();
    report(
        &format!("whole corpus in one call, with cross-article disagreement flags ({disputed} disputed claims)"),
        t.elapsed().as_secs_f64(),
        cpu,
    );
}
