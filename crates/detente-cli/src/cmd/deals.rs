//! `detente deals SCENARIO | --genius FOLDER`: the deal space — packages, zone of possible
//! agreement, Pareto frontier, bargaining solutions, top packages, blockers and the smallest
//! red-line relaxations. See docs/deals.md.

use crate::common::{load_scenario, table, write_stdout, CliError, CmdResult, Format};
use detente_deals::{Analysis, Criterion, DealOptions, Package};
use detente_space::{DiscretiseOptions, Domain, SpaceError};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    Nash,
    Welfare,
    Egalitarian,
}

impl From<By> for Criterion {
    fn from(b: By) -> Criterion {
        match b {
            By::Nash => Criterion::Nash,
            By::Welfare => Criterion::Welfare,
            By::Egalitarian => Criterion::Egalitarian,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML or JSON); or give --genius FOLDER instead
    pub scenario: Option<PathBuf>,
    /// Read a GENIUS domain folder (one domain file, one profile per party) instead of a scenario
    #[arg(long, value_name = "FOLDER", conflicts_with = "scenario")]
    pub genius: Option<PathBuf>,
    /// How many top packages to list
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Criterion for the top packages
    #[arg(long, value_enum, default_value = "nash")]
    pub by: By,
    /// Discretise scale issues every STEP points (0–100) instead of at their anchors
    #[arg(long, value_name = "STEP")]
    pub step: Option<f64>,
    /// Points per GENIUS real issue
    #[arg(long, value_name = "N", default_value_t = 11)]
    pub real_points: usize,
    /// How many red-line relaxations to list when no package is acceptable to all
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub relaxations: usize,
    /// Frontier points shown in the table (JSON and CSV list them all)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub pareto_rows: usize,
    /// Also write the domain as GENIUS XML (domain.xml + one profile per party) into this folder
    #[arg(long, value_name = "OUT_FOLDER")]
    pub write_genius: Option<PathBuf>,
    /// Explain one package: "issue=value; issue=value; …" with every issue (values by label,
    /// by the number of a scale point, by option id, or by an unambiguous part of the label)
    #[arg(long, value_name = "PACKAGE")]
    pub explain: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Resolve "issue=value; …" to value indices.
fn parse_package(
    d: &Domain,
    sc: Option<&detente_scenario::Scenario>,
    spec: &str,
) -> Result<Vec<u32>, CliError> {
    let mut out: Vec<Option<u32>> = vec![None; d.space.issues.len()];
    for part in spec.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(CliError::bad_input(format!(
                "--explain: `{part}` is not `issue=value`"
            )));
        };
        let (k, v) = (k.trim(), v.trim());
        let Some(i) = d.space.issues.iter().position(|is| is.name == k) else {
            let names: Vec<&str> = d.space.issues.iter().map(|is| is.name.as_str()).collect();
            return Err(CliError::bad_input(format!(
                "--explain: no issue `{k}`; issues are {}",
                names.join(", ")
            )));
        };
        let labels = &d.space.issues[i].values;
        let by_id = sc
            .and_then(|s| s.issues.iter().find(|is| is.id == k))
            .and_then(|is| is.options().iter().position(|o| o.id == v));
        let lower = v.to_lowercase();
        let found = by_id
            .or_else(|| labels.iter().position(|l| l == v))
            .or_else(|| labels.iter().position(|l| l.split(" (").next() == Some(v)))
            .or_else(|| {
                let hits: Vec<usize> = (0..labels.len())
                    .filter(|&j| labels[j].to_lowercase().contains(&lower))
                    .collect();
                (hits.len() == 1).then(|| hits[0])
            });
        match found {
            Some(j) => out[i] = Some(j as u32),
            None => {
                return Err(CliError::bad_input(format!(
                    "--explain: `{v}` is not a value of `{k}` (or matches several); values are: {}",
                    labels
                        .iter()
                        .map(|l| format!("\"{l}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    let missing: Vec<&str> = d
        .space
        .issues
        .iter()
        .zip(&out)
        .filter(|(_, o)| o.is_none())
        .map(|(is, _)| is.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::bad_input(format!(
            "--explain: give a value for every issue; missing: {}",
            missing.join(", ")
        )));
    }
    Ok(out.into_iter().map(|o| o.unwrap_or(0)).collect())
}

fn verdict_words(d: &Domain, a: &Analysis, v: &detente_deals::Verdict) -> String {
    let u: Vec<String> = a
        .parties
        .iter()
        .zip(&v.package.utilities)
        .map(|(n, u)| format!("{n} {u:.3}"))
        .collect();
    let mut s = format!("Utilities: {}. ", u.join(", "));
    if v.acceptable {
        s.push_str("Acceptable to every party: no red line crossed, everyone at or above its reservation value.");
    } else {
        let mut why: Vec<String> = v
            .red_lines
            .iter()
            .map(|c| {
                format!(
                    "{}'s red line on {} rejects \"{}\"",
                    a.parties[c.party],
                    d.space.issues[c.issue].name,
                    label(d, c.issue, c.value)
                )
            })
            .collect();
        why.extend(v.conditional.iter().map(|c| {
            format!(
                "{}'s conditional red line `{}` on {} rejects it",
                a.parties[c.party], c.linkage, d.space.issues[c.issue].name
            )
        }));
        why.extend(v.below_reservation.iter().map(|&k| {
            format!(
                "{} gets {:.3}, below its reservation value {:.3}",
                a.parties[k], v.package.utilities[k], d.parties[k].utility.reservation
            )
        }));
        s.push_str(&format!("Not acceptable: {}.", why.join("; ")));
    }
    s
}

fn space_errors(errs: Vec<SpaceError>, what: &str) -> CliError {
    for e in &errs {
        eprintln!("{e}");
    }
    CliError::bad_input(format!(
        "{what}: {} problem(s); fix them and run again",
        errs.len()
    ))
}

pub fn run(args: Args) -> CmdResult {
    let disc = DiscretiseOptions {
        step: args.step,
        real_points: args.real_points,
    };
    if args.real_points < 2 {
        return Err(CliError::bad_input("--real-points must be at least 2"));
    }
    let mut scenario = None;
    let domain = match (&args.scenario, &args.genius) {
        (Some(path), None) => {
            let sc = load_scenario(path)?;
            let d = Domain::from_scenario(&sc, &disc)
                .map_err(|e| space_errors(e, &path.display().to_string()))?;
            scenario = Some(sc);
            d
        }
        (None, Some(folder)) => Domain::from_genius_with(folder, &disc)
            .map_err(|e| space_errors(e, &folder.display().to_string()))?,
        (None, None) => {
            return Err(CliError::bad_input(
                "give a scenario file or --genius FOLDER",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(CliError::bad_input(
                "give either a scenario file or --genius FOLDER, not both",
            ))
        }
    };
    if let Some(out) = &args.write_genius {
        domain.write_genius(out).map_err(|e| {
            CliError::failure(format!(
                "cannot write GENIUS files to {}: {e}",
                out.display()
            ))
        })?;
        eprintln!(
            "wrote {} (domain.xml and {} profile(s); red lines are not expressible in GENIUS and were left out)",
            out.display(),
            domain.parties.len()
        );
    }
    let opts = DealOptions {
        top: args.top,
        by: args.by.into(),
        relaxations: args.relaxations,
        // conditional red lines from the scenario's conditional [[linkages]]
        conditionals: scenario
            .as_ref()
            .map(|sc| domain.conditional_red_lines(sc))
            .unwrap_or_default(),
        ..DealOptions::default()
    };
    let verdict = match &args.explain {
        Some(spec) => {
            let o = parse_package(&domain, scenario.as_ref(), spec)?;
            Some(
                detente_deals::explain_with(&domain, &o, &opts.conditionals)
                    .map_err(|e| CliError::bad_input(e.to_string()))?,
            )
        }
        None => None,
    };
    let card = domain.space.cardinality();
    if card > 1_000_000_000 && card <= opts.max_outcomes {
        eprintln!(
            "note: {} packages to stream; expect roughly a minute per 10^9 per core (a larger --step makes fewer)",
            thousands(card)
        );
    }
    // A progress bar only for long runs and only when stderr is a terminal.
    let bar =
        (card >= 10_000_000 && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
            let b = indicatif::ProgressBar::new(card);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} packages ({eta} left)",
            ) {
                b.set_style(style);
            }
            b
        });
    let tick = |done: u64, _total: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
        true
    };
    let a = detente_deals::analyse_with_progress(
        &domain,
        &opts,
        bar.as_ref()
            .map(|_| &tick as &(dyn Fn(u64, u64) -> bool + Sync)),
    )
    .map_err(|e| CliError::bad_input(e.to_string()))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match args.format {
        Format::Json => {
            let mut v = to_json(&domain, &a);
            if let Some(x) = &verdict {
                let mut e = package_json(&domain, &a, &x.package);
                e["acceptable"] = json!(x.acceptable);
                e["red_lines"] = json!(x
                    .red_lines
                    .iter()
                    .map(|c| json!({"party": a.parties[c.party], "issue": domain.space.issues[c.issue].name, "value": label(&domain, c.issue, c.value)}))
                    .collect::<Vec<_>>());
                e["below_reservation"] = json!(x
                    .below_reservation
                    .iter()
                    .map(|&k| a.parties[k].clone())
                    .collect::<Vec<_>>());
                e["summary"] = json!(verdict_words(&domain, &a, x));
                v["explain"] = e;
            }
            let text = serde_json::to_string_pretty(&v)
                .map_err(|e| CliError::failure(format!("cannot serialise output: {e}")))?;
            write_stdout(&(text + "\n"))
        }
        Format::Csv => {
            let mut out = String::new();
            print_csv(&mut out, &domain, &a);
            write_stdout(&out)
        }
        Format::Table => {
            let mut out = String::new();
            print_table(&mut out, &domain, &a, args.pareto_rows);
            if let Some(x) = &verdict {
                let _ = writeln!(
                    out,
                    "\nThe package you asked about\n{}\n{}",
                    words(&domain, &x.package),
                    verdict_words(&domain, &a, x)
                );
            }
            write_stdout(&out)
        }
    }
}

// ---------------------------------------------------------------- words

fn label(d: &Domain, issue: usize, v: u32) -> &str {
    d.space.issues[issue]
        .values
        .get(v as usize)
        .map(String::as_str)
        .unwrap_or("?")
}

fn words(d: &Domain, p: &Package) -> String {
    p.outcome
        .iter()
        .enumerate()
        .map(|(i, &v)| format!("{}: {}", d.space.issues[i].name, label(d, i, v)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Words for a package relative to a reference package (e.g. the Nash solution): only the
/// issues where it differs, so long packages stay readable. Small domains get full packages.
fn words_vs(d: &Domain, p: &Package, base: Option<(&str, &Package)>) -> String {
    match base {
        Some((name, b)) if d.space.issues.len() > 4 => {
            if b.outcome == p.outcome {
                return format!("same as {name}");
            }
            let diff: Vec<String> = p
                .outcome
                .iter()
                .zip(&b.outcome)
                .enumerate()
                .filter(|(_, (x, y))| x != y)
                .map(|(i, (&v, _))| format!("{}: {}", d.space.issues[i].name, label(d, i, v)))
                .collect();
            format!("as {name}, except\n{}", diff.join("\n"))
        }
        _ => words(d, p),
    }
}

/// What the zone forces: values every acceptable package has, and values none has.
fn zone_facts(d: &Domain, a: &Analysis) -> (Vec<String>, Vec<String>) {
    let mut forced = Vec::new();
    let mut excluded = Vec::new();
    for (i, counts) in a.zone_values.iter().enumerate() {
        let name = &d.space.issues[i].name;
        if let Some(v) = counts.iter().position(|&c| c == a.acceptable) {
            forced.push(format!("{name}: {}", label(d, i, v as u32)));
            continue;
        }
        for (v, &c) in counts.iter().enumerate() {
            if c == 0 {
                excluded.push(format!("{name}: {}", label(d, i, v as u32)));
            }
        }
    }
    (forced, excluded)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pct(n: u64, total: u64) -> String {
    if total == 0 {
        return "0%".into();
    }
    let x = 100.0 * n as f64 / total as f64;
    if x > 0.0 && x < 0.1 {
        "<0.1%".into()
    } else {
        format!("{x:.1}%")
    }
}

fn list_and(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn blocker_sentence(d: &Domain, a: &Analysis, b: &detente_deals::Blocker) -> String {
    let name = &a.parties[b.party];
    let mut s = String::new();
    if !b.red_lines.is_empty() {
        s.push_str(&format!(
            "{name}'s red lines reject {} of {} packages ({}); {} would be acceptable to all but for {name}'s red lines alone.",
            thousands(b.rejects),
            thousands(a.outcomes),
            pct(b.rejects, a.outcomes),
            thousands(b.sole)
        ));
        for r in &b.red_lines {
            let vals: Vec<String> = r
                .rejected_values
                .iter()
                .map(|&v| format!("\"{}\"", label(d, r.issue, v)))
                .collect();
            s.push_str(&format!(
                " On {} it rejects {} ({} packages).",
                d.space.issues[r.issue].name,
                list_or(&vals),
                thousands(r.packages)
            ));
        }
    }
    for c in &b.conditional {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!(
            "Its conditional red line `{}` on {} rejects {} further package(s).",
            c.linkage,
            d.space.issues[c.issue].name,
            thousands(c.packages)
        ));
    }
    if b.below_reservation > 0 {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!(
            "{} packages ({}) are below {name}'s reservation value {:.3} (its value of no deal).",
            thousands(b.below_reservation),
            pct(b.below_reservation, a.outcomes),
            d.parties[b.party].utility.reservation
        ));
    }
    s
}

fn list_or(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

fn relaxation_sentence(d: &Domain, a: &Analysis, r: &detente_deals::Relaxation) -> String {
    let moves: Vec<String> = r
        .moves
        .iter()
        .map(|m| {
            let who = &a.parties[m.party];
            let issue = &d.space.issues[m.issue].name;
            if let Some(l) = &m.linkage {
                return format!(
                    "{who} accepts \"{}\" on {issue} whatever its conditional red line `{l}` says",
                    label(d, m.issue, m.to)
                );
            }
            match m.from {
                Some(f) if d.space.issues[m.issue].positions.is_some() => format!(
                    "{who} moves its red line on {issue} from \"{}\" to \"{}\" ({:.0}% of the range)",
                    label(d, m.issue, f),
                    label(d, m.issue, m.to),
                    100.0 * m.distance
                ),
                _ => format!("{who} drops its rejection of \"{}\" on {issue}", label(d, m.issue, m.to)),
            }
        })
        .collect();
    let actors: Vec<String> = r.actors.iter().map(|&k| a.parties[k].clone()).collect();
    format!(
        "{} {} ({}), total move {:.2}: {} — this opens {} package(s).",
        r.actors.len(),
        if r.actors.len() == 1 {
            "actor"
        } else {
            "actors"
        },
        list_and(&actors),
        r.distance,
        moves.join("; "),
        thousands(r.opens)
    )
}

// ---------------------------------------------------------------- table

fn utility_cells(p: &Package) -> Vec<String> {
    p.utilities.iter().map(|u| format!("{u:.4}")).collect()
}

fn print_table(out: &mut String, d: &Domain, a: &Analysis, pareto_rows: usize) {
    let _ = writeln!(
        out,
        "Deal space: {} — {} parties ({}), {} issues",
        d.name,
        a.parties.len(),
        a.parties.join(", "),
        d.space.issues.len()
    );
    let _ = writeln!(out, "Packages: {}", thousands(a.outcomes));
    let _ = writeln!(out,
        "Zone of possible agreement (no red line crossed, every party at or above its reservation value): {} package(s) ({})",
        thousands(a.acceptable),
        pct(a.acceptable, a.outcomes)
    );
    if a.acceptable > 0 {
        let (forced, excluded) = zone_facts(d, a);
        if !forced.is_empty() {
            let _ = writeln!(out, "Every package in the zone has: {}", forced.join("; "));
        }
        if !excluded.is_empty() {
            let _ = writeln!(out, "No package in the zone has: {}", excluded.join("; "));
        }
        let _ = writeln!(
            out,
            "Pareto frontier: {} distinct utility vector(s)",
            thousands(a.pareto.len() as u64)
        );
    }
    let d_words: Vec<String> = a
        .parties
        .iter()
        .zip(&a.disagreement)
        .map(|(n, x)| format!("{n} {x:.4}"))
        .collect();
    let _ = writeln!(
        out,
        "Disagreement point (reservation or worst package): {}",
        d_words.join(", ")
    );
    let _ = writeln!(out);

    if a.acceptable > 0 {
        let mut t = table();
        let mut header = vec!["Solution".to_string()];
        header.extend(a.parties.iter().cloned());
        header.push("Package".into());
        t.set_header(header);
        for (name, sol) in [
            ("Nash", &a.nash),
            ("Egalitarian (Kalai)", &a.egalitarian),
            ("Kalai–Smorodinsky", &a.kalai_smorodinsky),
            ("Max welfare", &a.max_welfare),
        ] {
            if let Some(p) = sol {
                let mut row = vec![name.to_string()];
                row.extend(utility_cells(p));
                let base = if name == "Nash" {
                    None
                } else {
                    a.nash.as_ref().map(|n| ("Nash", n))
                };
                row.push(words_vs(d, p, base));
                t.add_row(row);
            }
        }
        let _ = writeln!(out, "Bargaining solutions on the Pareto frontier");
        let _ = writeln!(out, "{t}\n");

        let mut t = table();
        let mut header = vec!["#".to_string()];
        header.extend(a.parties.iter().cloned());
        header.push("Package".into());
        t.set_header(header);
        for (k, p) in a.pareto.iter().take(pareto_rows).enumerate() {
            let mut row = vec![(k + 1).to_string()];
            row.extend(utility_cells(p));
            row.push(words_vs(d, p, a.nash.as_ref().map(|n| ("Nash", n))));
            t.add_row(row);
        }
        let _ = writeln!(
            out,
            "Pareto frontier ({} shown of {}; --format json lists all)",
            a.pareto.len().min(pareto_rows),
            a.pareto.len()
        );
        let _ = writeln!(out, "{t}\n");

        if !a.top.is_empty() {
            let mut t = table();
            let mut header = vec!["#".to_string(), a.by.as_str().to_string()];
            header.extend(a.parties.iter().cloned());
            header.push("Package".into());
            t.set_header(header);
            for (k, s) in a.top.iter().enumerate() {
                let mut row = vec![(k + 1).to_string(), format!("{:.4}", s.score)];
                row.extend(utility_cells(&s.package));
                row.push(words_vs(
                    d,
                    &s.package,
                    a.nash.as_ref().map(|n| ("Nash", n)),
                ));
                t.add_row(row);
            }
            let _ = writeln!(
                out,
                "Top {} acceptable packages by {}",
                a.top.len(),
                a.by.as_str()
            );
            let _ = writeln!(out, "{t}\n");
        }
    } else {
        let _ = writeln!(out,
            "No package is acceptable to all of {}. {} package(s) meet every reservation value; red lines exclude the rest.",
            list_and(&a.parties),
            thousands(a.reservation_ok)
        );
        let _ = writeln!(out);
    }

    if !a.blockers.is_empty() {
        let _ = writeln!(out, "Blockers");
        for b in &a.blockers {
            let _ = writeln!(out, "- {}", blocker_sentence(d, a, b));
        }
        let _ = writeln!(out);
    }
    if a.acceptable == 0 {
        if a.relaxations.is_empty() {
            if a.reservation_ok == 0 {
                let _ = writeln!(out, "No relaxation of red lines alone can open the zone: no package meets every party's reservation value.");
            }
        } else {
            let _ = writeln!(out, "Smallest red-line relaxations that would open the zone (fewest actors, then least distance)");
            for (k, r) in a.relaxations.iter().enumerate() {
                let _ = writeln!(out, "{}. {}", k + 1, relaxation_sentence(d, a, r));
                let u: Vec<String> = a
                    .parties
                    .iter()
                    .zip(&r.example.utilities)
                    .map(|(n, u)| format!("{n} {u:.3}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "   e.g. ({}) {}",
                    u.join(", "),
                    words(d, &r.example).replace('\n', "; ")
                );
            }
            let _ = writeln!(out);
        }
    }
    if !a.top_rejected.is_empty() && (a.acceptable == 0 || !a.blockers.is_empty()) {
        let mut t = table();
        let mut header = vec!["#".to_string(), a.by.as_str().to_string()];
        header.extend(a.parties.iter().cloned());
        header.push("Package".into());
        header.push("Rejected because".into());
        t.set_header(header);
        for (k, r) in a.top_rejected.iter().enumerate() {
            let mut row = vec![(k + 1).to_string(), format!("{:.4}", r.score)];
            row.extend(utility_cells(&r.package));
            let base = match (&a.nash, k) {
                (Some(n), _) => Some(("Nash", n)),
                (None, 0) => None,
                (None, _) => Some(("#1", &a.top_rejected[0].package)),
            };
            row.push(words_vs(d, &r.package, base));
            let mut why: Vec<String> = r
                .red_lines
                .iter()
                .map(|c| {
                    format!(
                        "{}'s red line on {} (\"{}\")",
                        a.parties[c.party],
                        d.space.issues[c.issue].name,
                        label(d, c.issue, c.value)
                    )
                })
                .collect();
            why.extend(r.conditional.iter().map(|c| {
                format!(
                    "{}'s conditional red line `{}` on {}",
                    a.parties[c.party], c.linkage, d.space.issues[c.issue].name
                )
            }));
            why.extend(
                r.below_reservation
                    .iter()
                    .map(|&k| format!("below {}'s reservation value", a.parties[k])),
            );
            row.push(why.join("\n"));
            t.add_row(row);
        }
        let _ = writeln!(
            out,
            "Best packages outside the zone by {}, and what rejects them",
            a.by.as_str()
        );
        let _ = writeln!(out, "{t}");
    }
}

// ---------------------------------------------------------------- JSON

fn package_json(d: &Domain, a: &Analysis, p: &Package) -> Value {
    let mut pkg = Map::new();
    for (i, &v) in p.outcome.iter().enumerate() {
        pkg.insert(
            d.space.issues[i].name.clone(),
            Value::String(label(d, i, v).to_string()),
        );
    }
    let mut u = Map::new();
    for (name, x) in a.parties.iter().zip(&p.utilities) {
        u.insert(name.clone(), json!(x));
    }
    json!({"package": pkg, "utilities": u})
}

fn to_json(d: &Domain, a: &Analysis) -> Value {
    let sol = |p: &Option<Package>| {
        p.as_ref()
            .map(|p| package_json(d, a, p))
            .unwrap_or(Value::Null)
    };
    let blockers: Vec<Value> = a
        .blockers
        .iter()
        .map(|b| {
            json!({
                "party": a.parties[b.party],
                "rejects": b.rejects,
                "sole": b.sole,
                "below_reservation": b.below_reservation,
                "red_lines": b.red_lines.iter().map(|r| json!({
                    "issue": d.space.issues[r.issue].name,
                    "rejects": r.rejected_values.iter().map(|&v| label(d, r.issue, v)).collect::<Vec<_>>(),
                    "packages": r.packages,
                })).collect::<Vec<_>>(),
                "conditional_red_lines": b.conditional.iter().map(|c| json!({
                    "linkage": c.linkage,
                    "issue": d.space.issues[c.issue].name,
                    "packages": c.packages,
                })).collect::<Vec<_>>(),
                "summary": blocker_sentence(d, a, b),
            })
        })
        .collect();
    let relaxations: Vec<Value> = a
        .relaxations
        .iter()
        .map(|r| {
            json!({
                "actors": r.actors.iter().map(|&k| a.parties[k].clone()).collect::<Vec<_>>(),
                "distance": r.distance,
                "moves": r.moves.iter().map(|m| json!({
                    "party": a.parties[m.party],
                    "issue": d.space.issues[m.issue].name,
                    "from": m.from.map(|f| label(d, m.issue, f)),
                    "to": label(d, m.issue, m.to),
                    "distance": m.distance,
                    "linkage": m.linkage,
                })).collect::<Vec<_>>(),
                "opens": r.opens,
                "example": package_json(d, a, &r.example),
                "summary": relaxation_sentence(d, a, r),
            })
        })
        .collect();
    let top: Vec<Value> = a
        .top
        .iter()
        .map(|s| {
            let mut v = package_json(d, a, &s.package);
            v["score"] = json!(s.score);
            v
        })
        .collect();
    let rejected: Vec<Value> = a
        .top_rejected
        .iter()
        .map(|r| {
            let mut v = package_json(d, a, &r.package);
            v["score"] = json!(r.score);
            v["red_lines"] = json!(r
                .red_lines
                .iter()
                .map(|c| json!({"party": a.parties[c.party], "issue": d.space.issues[c.issue].name, "value": label(d, c.issue, c.value)}))
                .collect::<Vec<_>>());
            v["below_reservation"] = json!(r.below_reservation.iter().map(|&k| a.parties[k].clone()).collect::<Vec<_>>());
            v["conditional_red_lines"] = json!(r
                .conditional
                .iter()
                .map(|c| json!({"party": a.parties[c.party], "linkage": c.linkage, "issue": d.space.issues[c.issue].name}))
                .collect::<Vec<_>>());
            v
        })
        .collect();
    let mut dis = Map::new();
    for (n, x) in a.parties.iter().zip(&a.disagreement) {
        dis.insert(n.clone(), json!(x));
    }
    let zone_values: Map<String, Value> = a
        .zone_values
        .iter()
        .enumerate()
        .map(|(i, counts)| {
            let m: Map<String, Value> = counts
                .iter()
                .enumerate()
                .map(|(v, &c)| (label(d, i, v as u32).to_string(), json!(c)))
                .collect();
            (d.space.issues[i].name.clone(), Value::Object(m))
        })
        .collect();
    json!({
        "zone_values": zone_values,
        "domain": d.name,
        "parties": a.parties,
        "outcomes": a.outcomes,
        "acceptable": a.acceptable,
        "pareto_size": a.pareto.len(),
        "pareto": a.pareto.iter().map(|p| package_json(d, a, p)).collect::<Vec<_>>(),
        "nash": sol(&a.nash),
        "egalitarian": sol(&a.egalitarian),
        "kalai_smorodinsky": sol(&a.kalai_smorodinsky),
        "max_welfare": sol(&a.max_welfare),
        "blockers": blockers,
        "relaxations": relaxations,
        "disagreement": dis,
        "reservation_ok": a.reservation_ok,
        "top_by": a.by.as_str(),
        "top": top,
        "rejected": rejected,
    })
}

// ---------------------------------------------------------------- CSV

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn print_csv(out: &mut String, d: &Domain, a: &Analysis) {
    let mut header = vec!["kind".to_string(), "rank".to_string()];
    header.extend(a.parties.iter().map(|p| format!("u_{p}")));
    header.extend(d.space.issues.iter().map(|i| i.name.clone()));
    let _ = writeln!(
        out,
        "{}",
        header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut row = |kind: &str, rank: usize, p: &Package| {
        let mut cells = vec![kind.to_string(), rank.to_string()];
        cells.extend(p.utilities.iter().map(|u| u.to_string()));
        cells.extend(
            p.outcome
                .iter()
                .enumerate()
                .map(|(i, &v)| label(d, i, v).to_string()),
        );
        let _ = writeln!(
            out,
            "{}",
            cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(",")
        );
    };
    for (kind, sol) in [
        ("nash", &a.nash),
        ("egalitarian", &a.egalitarian),
        ("kalai_smorodinsky", &a.kalai_smorodinsky),
        ("max_welfare", &a.max_welfare),
    ] {
        if let Some(p) = sol {
            row(kind, 1, p);
        }
    }
    for (k, p) in a.pareto.iter().enumerate() {
        row("pareto", k + 1, p);
    }
    for (k, s) in a.top.iter().enumerate() {
        row("top", k + 1, &s.package);
    }
}
