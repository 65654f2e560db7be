//! Write every chart, drawn from hand-made data, into one HTML page (and one `.svg` per chart).
//!
//! `cargo run -p detente-report --example gallery -- OUT_DIR` then open `OUT_DIR/gallery.html`.
//! Handy to see the charts while changing them, and as an example of calling them.

use detente_report::charts::*;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/gallery".into()),
    );
    std::fs::create_dir_all(&dir).expect("create output directory");
    let actors = [
        "Ukraine",
        "Russia",
        "United States",
        "European Union",
        "Donald Trump",
        "Vladimir Putin",
        "Volodymyr Zelensky",
        "Turkey",
    ];
    let issues = [
        "Territory in Donbas",
        "Ukraine's NATO membership",
        "Security guarantees",
        "Sanctions relief",
        "Ceasefire timing",
        "Zaporizhzhia nuclear plant",
    ];
    let cells = actors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            issues
                .iter()
                .enumerate()
                .map(|(j, is)| {
                    if (i * 7 + j * 3) % 11 == 0 {
                        return None;
                    }
                    let pos = ((i * 37 + j * 23) % 101) as f64;
                    let sal = 20.0 + ((i * 13 + j * 29) % 81) as f64;
                    Some(HeatCell {
                        position: Some(pos),
                        salience: Some(sal),
                        tooltip: format!("{a} on {is}: {pos}, salience {sal}"),
                        red_line: (i + j) % 4 == 0,
                        category: (j == 3).then(|| ((i % 3) + 1).to_string()),
                        link: None,
                    })
                })
                .collect()
        })
        .collect();
    let heat = HeatMap {
        title: "Positions and salience, actor by issue".into(),
        rows: actors.iter().map(|s| s.to_string()).collect(),
        columns: issues.iter().map(|s| s.to_string()).collect(),
        cells,
        low_label: "0 / first option".into(),
        high_label: "100 / last option".into(),
    };
    let rounds = 10;
    let mut series: Vec<Series> = actors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let start = ((i * 37) % 101) as f64;
            Series {
                name: a.to_string(),
                values: (0..rounds)
                    .map(|r| start + (48.0 - start) * (1.0 - 0.8f64.powi(r)))
                    .collect(),
                emphasis: false,
            }
        })
        .collect();
    series.push(Series {
        name: "Forecast (weighted median)".into(),
        values: (0..rounds).map(|r| 55.0 - r as f64 * 0.8).collect(),
        emphasis: true,
    });
    let traj = TrajectoryChart {
        title: "Territory in Donbas: positions round by round".into(),
        subtitle: "Expected-utility model, 10 rounds".into(),
        x_label: "Round".into(),
        y_label: "Position (0–100)".into(),
        y_axis: Axis::scale_0_100(),
        guides: vec![
            Tick {
                at: 0.0,
                label: "all occupied land returned to Ukraine".into(),
            },
            Tick {
                at: 50.0,
                label: "frozen along the current line of contact".into(),
            },
            Tick {
                at: 100.0,
                label: "Russia gets all of Donetsk and Luhansk".into(),
            },
        ],
        series,
    };
    let bands = BandChart {
        title: "Forecast uncertainty (1,000 Monte Carlo draws)".into(),
        subtitle: "Positions and saliences drawn from their stated ranges".into(),
        x_label: "Forecast position (0–100)".into(),
        x_axis: Axis::scale_0_100(),
        rows: issues
            .iter()
            .enumerate()
            .map(|(j, is)| {
                let m = 20.0 + j as f64 * 11.0;
                BandRow {
                    label: is.to_string(),
                    p5: m - 18.0,
                    p25: m - 6.0,
                    p50: m,
                    p75: m + 5.0,
                    p95: m + 15.0,
                    marker: Some(m + 2.0),
                }
            })
            .collect(),
    };
    let mut points = Vec::new();
    for k in 0..600u64 {
        let a = ((k * 7919) % 997) as f64 / 997.0;
        let b = ((k * 104729) % 991) as f64 / 991.0;
        let x = a;
        let y = (1.0 - a * a).sqrt() * b.sqrt();
        points.push((x, y));
    }
    let frontier: Vec<(f64, f64)> = (0..=10)
        .map(|k| {
            let x = k as f64 / 10.0;
            (x, (1.0 - x * x).sqrt())
        })
        .collect();
    let pareto_chart = ParetoChart {
        title: "Deal space: Ukraine and Russia".into(),
        subtitle: "600 acceptable packages".into(),
        x_label: "Utility to Ukraine".into(),
        y_label: "Utility to Russia".into(),
        points,
        frontier,
        solutions: vec![
            LabelledPoint {
                label: "Nash".into(),
                x: 0.7,
                y: (1.0f64 - 0.49).sqrt(),
                detail: "frozen line, NATO deferred".into(),
            },
            LabelledPoint {
                label: "Kalai–Smorodinsky".into(),
                x: 0.7,
                y: (1.0f64 - 0.49).sqrt(),
                detail: "same".into(),
            },
            LabelledPoint {
                label: "Max welfare".into(),
                x: 0.6,
                y: 0.8,
                detail: "…".into(),
            },
            LabelledPoint {
                label: "Kalai (egalitarian)".into(),
                x: 0.5,
                y: 0.5,
                detail: "…".into(),
            },
        ],
        disagreement: Some((0.3, 0.25)),
    };
    let trace_chart = TraceChart {
        title: "Simulated talks: Boulware (Ukraine) vs Conceder (Russia)".into(),
        subtitle: "Alternating offers, 20 rounds".into(),
        x_label: "Round".into(),
        parties: vec![
            TraceParty {
                name: "Ukraine".into(),
                reservation: Some(0.35),
            },
            TraceParty {
                name: "Russia".into(),
                reservation: Some(0.3),
            },
        ],
        offers: (0..30)
            .map(|k| {
                let t = k as f64 / 29.0;
                let (u0, u1) = if k % 2 == 0 {
                    (1.0 - 0.4 * t.powi(4), 0.1 + 0.4 * t.powi(4))
                } else {
                    (0.1 + 0.5 * t.sqrt(), 1.0 - 0.5 * t.sqrt())
                };
                TraceOffer {
                    time: k as f64 / 2.0,
                    proposer: k % 2,
                    utilities: vec![u0, u1],
                }
            })
            .collect(),
        agreement: Some(29),
    };
    let charts = [
        ("heat_map", heat_map(&heat)),
        ("trajectories", trajectories(&traj)),
        ("bands", distribution_bands(&bands)),
        ("pareto", pareto(&pareto_chart)),
        ("trace", trace(&trace_chart)),
    ];
    let mut html = String::from("<!doctype html><meta charset=utf-8><title>detente charts</title><body style=\"max-width:740px;margin:1em auto\">");
    for (name, svg) in &charts {
        std::fs::write(dir.join(format!("{name}.svg")), svg).expect("write svg");
        html.push_str(&format!("<h2>{name}</h2>{svg}"));
    }
    std::fs::write(dir.join("gallery.html"), html).expect("write html");
    println!("{}", dir.join("gallery.html").display());
}
