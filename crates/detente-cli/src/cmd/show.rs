//! `detente show FILE`: actors, issues and the actor × issue matrix; `--format json` prints the
//! normalised scenario (a file `detente check` accepts).

use crate::common::{load_scenario, print_json, table, write_stdout, CmdResult, Format};
use detente_scenario::doc::ScenarioDoc;
use detente_scenario::{IssueKind, Position, RedLine, Scenario};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML or JSON)
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: Args) -> CmdResult {
    let sc = load_scenario(&args.file)?;
    match args.format {
        // every stance of the file (up to --as-of), each with its `as_of` and evidence `kind`
        Format::Json => print_json(&ScenarioDoc::from_scenario(&sc)),
        Format::Csv => print_matrix_csv(&sc),
        Format::Table => print_tables(&sc),
    }
}

fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

/// A short cell text: the position (option id or number), salience, and a red-line mark.
fn cell(sc: &Scenario, actor: usize, issue: usize) -> String {
    let Some(st) = sc.stance(actor, issue) else {
        return String::new();
    };
    let iss = &sc.issues[issue];
    let pos = match st.position {
        Some(Position::Scale(x)) => fmt_num(x),
        Some(Position::Option(i)) => iss
            .options()
            .get(i)
            .map(|o| o.id.clone())
            .unwrap_or_default(),
        None => "?".into(),
    };
    let sal = st.salience.map(fmt_num).unwrap_or_else(|| "?".into());
    let rl = match &st.red_line {
        Some(RedLine::Range { lo, hi }) => {
            if *hi >= 100.0 {
                format!(" ≥{}", fmt_num(*lo))
            } else {
                format!(" ≤{}", fmt_num(*hi))
            }
        }
        Some(RedLine::Rejects { options }) if !options.is_empty() => format!(" ✗{}", options.len()),
        _ => String::new(),
    };
    format!("{pos} ({sal}){rl}")
}

fn print_tables(sc: &Scenario) -> CmdResult {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "{}", sc.meta.title);
    if let Some(d) = &sc.meta.as_of {
        let _ = writeln!(o, "as of {d}; {} sources", sc.sources.len());
    }
    o.push('\n');

    let mut t = table();
    t.set_header(["actor", "name", "kind", "capability", "speaks for", "veto"]);
    let veto = sc.veto_players();
    for (i, a) in sc.actors.iter().enumerate() {
        t.add_row([
            a.id.clone(),
            a.name.clone(),
            a.kind.as_str().to_string(),
            fmt_num(a.capability),
            a.speaks_for
                .map(|j| sc.actors[j].id.clone())
                .unwrap_or_default(),
            if sc.decision.veto_players.contains(&i)
                || (sc.decision.veto_players.is_empty() && veto.contains(&i))
            {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    let _ = writeln!(o, "Actors\n{t}\n");

    let mut t = table();
    t.set_header(["issue", "title", "type", "scale / options", "status quo"]);
    for i in &sc.issues {
        let (ty, desc) = match &i.kind {
            IssueKind::Scale { anchors } => (
                "scale",
                anchors
                    .iter()
                    .map(|a| format!("{} = {}", fmt_num(a.at), a.label))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            IssueKind::Options { options, ordered } => (
                if *ordered {
                    "options (ordered)"
                } else {
                    "options"
                },
                options
                    .iter()
                    .map(|o| format!("{}: {}", o.id, o.label))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        };
        t.add_row([
            i.id.clone(),
            i.title.clone(),
            ty.into(),
            desc,
            i.status_quo.map(|p| i.describe(p)).unwrap_or_default(),
        ]);
    }
    let _ = writeln!(o, "Issues\n{t}\n");

    let with_stances: Vec<usize> = (0..sc.actors.len())
        .filter(|a| sc.stances.iter().any(|s| s.actor == *a))
        .collect();
    let mut t = table();
    let mut header = vec!["actor".to_string()];
    header.extend(sc.issues.iter().map(|i| i.id.clone()));
    t.set_header(header);
    for &a in &with_stances {
        let mut row = vec![sc.actors[a].id.clone()];
        row.extend((0..sc.issues.len()).map(|i| cell(sc, a, i)));
        t.add_row(row);
    }
    let _ = writeln!(
        o,
        "Positions (salience 0–100; ≥x / ≤x: red line on a scale; ✗n: n options rejected)\n{t}"
    );
    let derived: Vec<String> = sc
        .stances
        .iter()
        .filter_map(|st| {
            let f = st.derived_from?;
            Some(format!(
                "{} on {} from {}",
                sc.actors[st.actor].id, sc.issues[st.issue].id, sc.actors[f].id
            ))
        })
        .collect();
    if !derived.is_empty() {
        let _ = writeln!(
            o,
            "Party stances taken from a faction (no stance of their own): {}",
            derived.join("; ")
        );
    }
    let _ = writeln!(o, "\n{}", v2_tables(sc));
    let evidence: usize = sc.stances.iter().map(|s| s.evidence.len()).sum();
    let _ = writeln!(
        o,
        "{} stances in force ({} recorded up to this date, at {} date(s)), {} evidence quotes",
        sc.stances.len(),
        sc.history.len(),
        sc.dates().len(),
        evidence
    );
    write_stdout(&o)
}

/// Evidence strength per stance, splits between factions, and linkages.
fn v2_tables(sc: &Scenario) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let mut t = table();
    t.set_header(["actor", "issue", "as of", "strength", "evidence kinds"]);
    for st in sc.stances.iter().filter(|s| s.derived_from.is_none()) {
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for e in &st.evidence {
            match kinds.iter_mut().find(|(k, _)| *k == e.kind.as_str()) {
                Some(k) => k.1 += 1,
                None => kinds.push((e.kind.as_str(), 1)),
            }
        }
        t.add_row([
            sc.actors[st.actor].id.clone(),
            sc.issues[st.issue].id.clone(),
            st.as_of.clone().unwrap_or_default(),
            st.strength().as_str().to_string(),
            kinds
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    let _ = writeln!(
        o,
        "Evidence (strong: stated; medium: reported or collective; weak: inferred only)\n{t}\n"
    );
    let splits = detente_scenario::history::splits(sc);
    if !splits.is_empty() {
        let mut t = table();
        t.set_header(["party", "issue", "positions"]);
        for sp in &splits {
            let iss = &sc.issues[sp.issue];
            t.add_row([
                sc.actors[sp.party].id.clone(),
                iss.id.clone(),
                sp.members
                    .iter()
                    .map(|(a, p)| format!("{}: {}", sc.actors[*a].id, short_pos(iss, *p)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ]);
        }
        let _ = writeln!(
            o,
            "Splits (factions more than 20% of the scale apart)\n{t}\n"
        );
    }
    if !sc.linkages.is_empty() {
        let _ = writeln!(o, "Linkages");
        for l in &sc.linkages {
            let _ = writeln!(
                o,
                "- {} ({}, evidence {}): {}",
                l.id,
                match l.kind {
                    detente_scenario::LinkageKind::Conditional { .. } => "conditional",
                    detente_scenario::LinkageKind::Trade { .. } => "trade",
                },
                detente_scenario::Strength::of(l.evidence.iter().map(|e| e.kind)).as_str(),
                l.describe(sc)
            );
        }
        o.push('\n');
    }
    o
}

fn short_pos(iss: &detente_scenario::Issue, p: Position) -> String {
    match p {
        Position::Scale(x) => fmt_num(x),
        Position::Option(i) => iss
            .options()
            .get(i)
            .map(|o| o.id.clone())
            .unwrap_or_default(),
    }
}

fn print_matrix_csv(sc: &Scenario) -> CmdResult {
    let mut out = String::from(
        "actor,issue,position,salience,red_line,evidence,as_of,strength,derived_from\n",
    );
    for st in &sc.stances {
        let iss = &sc.issues[st.issue];
        let pos = match st.position {
            Some(Position::Scale(x)) => fmt_num(x),
            Some(Position::Option(i)) => iss
                .options()
                .get(i)
                .map(|o| o.id.clone())
                .unwrap_or_default(),
            None => String::new(),
        };
        let rl = match &st.red_line {
            Some(RedLine::Range { lo, hi }) => format!("{}..{}", fmt_num(*lo), fmt_num(*hi)),
            Some(RedLine::Rejects { options }) => options
                .iter()
                .filter_map(|i| iss.options().get(*i).map(|o| o.id.clone()))
                .collect::<Vec<_>>()
                .join(" "),
            None => String::new(),
        };
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            sc.actors[st.actor].id,
            iss.id,
            csv_field(&pos),
            st.salience.map(fmt_num).unwrap_or_default(),
            csv_field(&rl),
            st.evidence.len(),
            st.as_of.as_deref().unwrap_or(""),
            st.strength().as_str(),
            st.derived_from
                .map(|f| sc.actors[f].id.as_str())
                .unwrap_or("")
        ));
    }
    write_stdout(&out)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
