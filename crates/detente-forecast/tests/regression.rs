//! Regression snapshot: the EUM (textbook and scholz2011 presets) on KTAB's dummy data sets
//! (10, 40, 160 actors) and the BDM 1994 example, and the spatial model on the flagship
//! scenario and KTAB's 3-dimensional example, recorded to full precision before the speed work
//! on these models. Every number must stay within 1e-12 (relative to max(1, |value|)) of the
//! recorded one: optimisations may not change results.
//!
//! To re-record after an intended change of results (never for a speed change):
//! `DETENTE_UPDATE_SNAPSHOT=1 cargo test -p detente-forecast --test regression`.
use detente_forecast::eum::{Eum, EumOptions};
use detente_forecast::io::read_table;
use detente_forecast::smp::{Smp, SmpOptions};
use detente_forecast::{IssueData, Problem};
use std::fmt::Write;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/regression.txt");

fn shared(name: &str) -> Option<Problem> {
    let path = format!(
        "{}/../../../shared/reference/ktab/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).ok()?;
    Some(read_table(name, &text).unwrap())
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

/// The spatial model with the options it had when the snapshot was taken.
fn smp_recorded() -> Smp {
    Smp::new(SmpOptions {
        max_rounds: 50,
        tolerance: 1e-4,
        ..SmpOptions::default()
    })
}

fn record() -> Option<String> {
    let mut out = String::new();
    let a40 = shared("dummyData-a040.csv")?.issue_data(0);
    let a160 = shared("dummyData-a160.csv")?.issue_data(0);
    let bdm = read_table("bdm1994.csv", include_str!("../data/bdm1994.csv"))
        .unwrap()
        .issue_data(0);
    let sets = [
        ("a010", first(&a40, 10)),
        ("a040", a40),
        ("a160", a160),
        ("bdm1994", bdm),
    ];
    for preset in ["textbook", "scholz2011"] {
        let m = Eum::new(EumOptions::preset(preset).unwrap());
        for (name, d) in &sets {
            // The full trace for the smaller sets (positions and risk exponents every round).
            let trace = d.len() <= 40;
            let run = m.run(d, trace).unwrap();
            writeln!(out, "eum {preset} {name} forecast {:?}", run.forecast).unwrap();
            for r in &run.rounds {
                writeln!(
                    out,
                    "eum {preset} {name} round {} median {:?} mean {:?}",
                    r.round, r.median, r.mean
                )
                .unwrap();
                if trace {
                    writeln!(
                        out,
                        "eum {preset} {name} round {} positions {:?}",
                        r.round, r.positions
                    )
                    .unwrap();
                    writeln!(
                        out,
                        "eum {preset} {name} round {} risk {:?}",
                        r.round, r.risk
                    )
                    .unwrap();
                }
            }
        }
    }
    let flagship = {
        let loaded = detente_scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/ukraine-2025.toml"
        )));
        assert!(loaded.is_valid());
        detente_forecast::io::from_scenario(&loaded.scenario).problem
    };
    let smp_sets = [
        ("ukraine-2025", flagship),
        ("3dim", shared("dummyData_3Dim.csv")?),
    ];
    for (name, p) in &smp_sets {
        let run = smp_recorded().run(p, true);
        writeln!(out, "smp {name} rounds {}", run.positions.len()).unwrap();
        writeln!(out, "smp {name} forecast {:?}", run.forecast).unwrap();
        writeln!(out, "smp {name} pce {:?}", run.pce).unwrap();
        for (k, pos) in run.positions.iter().enumerate() {
            writeln!(out, "smp {name} round {k} positions {pos:?}").unwrap();
        }
    }
    Some(out)
}

/// All numbers in a line (anything that parses as f64 between separators).
fn numbers(line: &str) -> Vec<f64> {
    line.split([' ', ',', '[', ']', '(', ')'])
        .filter_map(|t| t.strip_prefix("Some").unwrap_or(t).parse::<f64>().ok())
        .collect()
}

fn words(line: &str) -> Vec<&str> {
    line.split([' ', ',', '[', ']', '(', ')'])
        .filter(|t| !t.is_empty() && t.parse::<f64>().is_err())
        .collect()
}

#[test]
fn results_match_the_recorded_snapshot() {
    let Some(now) = record() else {
        eprintln!("reference data not found; skipping");
        return;
    };
    if std::env::var_os("DETENTE_UPDATE_SNAPSHOT").is_some() {
        std::fs::write(SNAPSHOT, &now).unwrap();
        return;
    }
    let then = std::fs::read_to_string(SNAPSHOT).expect("snapshot file");
    let (a, b): (Vec<&str>, Vec<&str>) = (then.lines().collect(), now.lines().collect());
    assert_eq!(a.len(), b.len(), "number of lines differs");
    let mut worst = 0.0f64;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(words(x), words(y), "structure differs:\n{x}\n{y}");
        let (nx, ny) = (numbers(x), numbers(y));
        assert_eq!(nx.len(), ny.len(), "count differs:\n{x}\n{y}");
        for (u, v) in nx.iter().zip(&ny) {
            if u.is_nan() && v.is_nan() {
                continue;
            }
            let d = (u - v).abs() / u.abs().max(1.0);
            worst = worst.max(d);
            assert!(d <= 1e-12, "{u} vs {v}:\n{x}\n{y}");
        }
    }
    eprintln!("largest relative difference: {worst:e}");
}
