//! How long the charts and the report take to draw.
//!
//! `cargo bench -p detente-report --bench report`
//!
//! - `charts/*`: each chart from data the size of the flagship's (33 actors × 14 issues heat
//!   map; 11 trajectories over 11 rounds; a 200,000-point Pareto cloud, thinned to 6,000).
//! - `report/build_no_deals`: the flagship's report without the deal space (5 models on 5 scale
//!   issues + 1,000 Monte Carlo runs); `report/html`: rendering the built document to HTML.

use criterion::{criterion_group, criterion_main, Criterion};
use detente_report::charts::*;
use detente_report::{render, report, ReportOptions};
use std::hint::black_box;
use std::path::Path;

fn heat() -> HeatMap {
    let rows: Vec<String> = (0..33).map(|i| format!("Actor number {i}")).collect();
    let columns: Vec<String> = (0..14)
        .map(|j| format!("Issue with a long title {j}"))
        .collect();
    let cells = (0..33)
        .map(|i| {
            (0..14)
                .map(|j| {
                    ((i + j) % 3 != 0).then(|| HeatCell {
                        position: Some(((i * 37 + j * 11) % 101) as f64),
                        salience: Some(((i * 13 + j * 7) % 101) as f64),
                        tooltip: format!("actor {i} on issue {j}"),
                        red_line: (i + j) % 5 == 0,
                        category: None,
                        link: None,
                    })
                })
                .collect()
        })
        .collect();
    HeatMap {
        title: "Heat map".into(),
        rows,
        columns,
        cells,
        low_label: "0".into(),
        high_label: "100".into(),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("charts");
    let h = heat();
    g.bench_function("heat_map_33x14", |b| b.iter(|| heat_map(black_box(&h))));
    let t = TrajectoryChart {
        title: "Trajectories".into(),
        y_axis: Axis::scale_0_100(),
        series: (0..11)
            .map(|i| Series {
                name: format!("Actor {i}"),
                values: (0..11).map(|r| (i * 9 + r * 3) as f64 % 100.0).collect(),
                emphasis: i == 10,
            })
            .collect(),
        ..Default::default()
    };
    g.bench_function("trajectories_11x11", |b| {
        b.iter(|| trajectories(black_box(&t)))
    });
    let p = ParetoChart {
        title: "Pareto".into(),
        points: (0..200_000u64)
            .map(|k| {
                let a = (k.wrapping_mul(2_654_435_761) % 10_007) as f64 / 10_007.0;
                let b = (k.wrapping_mul(40_503) % 9_973) as f64 / 9_973.0;
                (a, b * (1.0 - a * a).sqrt())
            })
            .collect(),
        frontier: (0..=20)
            .map(|k| (k as f64 / 20.0, (1.0 - (k as f64 / 20.0).powi(2)).sqrt()))
            .collect(),
        ..Default::default()
    };
    g.bench_function("pareto_200k_points", |b| b.iter(|| pareto(black_box(&p))));
    g.finish();

    let flagship = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ukraine-2025.toml");
    let loaded = detente_scenario::load(&flagship);
    if loaded.is_valid() {
        let opts = ReportOptions {
            deals: false,
            ..ReportOptions::default()
        };
        let mut g = c.benchmark_group("report");
        g.sample_size(10);
        g.bench_function("build_no_deals", |b| {
            b.iter(|| report::build(black_box(&loaded.scenario), &opts))
        });
        let doc = report::build(&loaded.scenario, &opts);
        g.bench_function("html", |b| b.iter(|| render::html(black_box(&doc))));
        g.finish();
    } else {
        eprintln!("skipping report/*: {} does not load", flagship.display());
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
