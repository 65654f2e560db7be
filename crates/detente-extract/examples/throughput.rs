//! Throughput of `detente-extract` on one core: a corpus of N articles made by repeating the
//! seed articles with their paragraphs shuffled, extracted in one thread.
//!
//! cargo run --release -p detente-extract --example throughput -- [N] [ARTICLES_DIR]

use detente_extract::{corpus, gazetteer::Gazetteer, Extractor};
use std::time::Instant;

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

    // per-article extraction (as one call per file would do), then the corpus in one call
    let t = Instant::now();
    let mut quotes = 0;
    for d in &docs {
        quotes += ex.extract(std::slice::from_ref(d)).documents[0]
            .quotes
            .len();
    }
    let per_article = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let all = ex.extract(&docs);
    let corpus_time = t.elapsed().as_secs_f64();
    let disputed: usize = all
        .documents
        .iter()
        .flat_map(|d| &d.claims)
        .filter(|c| c.disputed)
        .count();
    println!(
        "articles: {n} ({:.1} MB), {} seeds, 1 thread",
        bytes as f64 / 1e6,
        seeds.len()
    );
    println!(
        "one article per call: {per_article:.3} s = {:.0} articles/s = {:.0} articles/min ({:.1} MB/s), {quotes} quotes",
        n as f64 / per_article,
        60.0 * n as f64 / per_article,
        bytes as f64 / 1e6 / per_article
    );
    println!(
        "whole corpus in one call (with cross-article disagreement flags): {corpus_time:.3} s = {:.0} articles/s = {:.0} articles/min, {disputed} disputed claims",
        n as f64 / corpus_time,
        60.0 * n as f64 / corpus_time
    );
}
