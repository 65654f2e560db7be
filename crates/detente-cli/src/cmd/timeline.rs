//! `detente timeline FILE`: who moved between dates, toward whom, with the evidence of both
//! ends. The computation is `detente_scenario::timeline`; this module only formats it.

use crate::common::{load_scenario, print_json, table, write_stdout, CliError, CmdResult, Format};
use detente_scenario::doc::PositionDoc;
use detente_scenario::timeline::{timeline, Change, End};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML or JSON)
    pub file: PathBuf,
    /// Start from the stances in force at this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Ignore stances dated after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: Args) -> CmdResult {
    for (flag, d) in [("--from", &args.from), ("--to", &args.to)] {
        if let Some(d) = d {
            if !detente_scenario::history::is_date(d) {
                return Err(CliError::bad_input(format!(
                    "{flag} `{d}` is not a date; write YYYY-MM-DD"
                )));
            }
        }
    }
    if let (Some(f), Some(t)) = (&args.from, &args.to) {
        if f > t {
            return Err(CliError::bad_input(format!(
                "--from {f} is after --to {t}; swap them"
            )));
        }
    }
    let sc = load_scenario(&args.file)?;
    let tl = timeline(&sc, args.from.as_deref(), args.to.as_deref());
    match args.format {
        Format::Json => print_json(&tl),
        Format::Csv => write_stdout(&csv(&tl.changes)),
        Format::Table => {
            let mut o = format!(
                "{}\nstance dates: {}\n\n",
                sc.meta.title,
                if tl.dates.is_empty() {
                    "none".to_string()
                } else {
                    tl.dates.join(", ")
                }
            );
            if tl.changes.is_empty() {
                o.push_str("No actor changed its position, salience or red line in this window.\n");
                return write_stdout(&o);
            }
            o.push_str(&format!(
                "Who moved\n{}\n\nEvidence\n",
                table_of(&tl.changes)
            ));
            for (k, c) in tl.changes.iter().enumerate() {
                for e in &c.evidence {
                    let by = e
                        .reported_by
                        .as_deref()
                        .map(|a| format!(" by {a}"))
                        .unwrap_or_default();
                    o.push_str(&format!(
                        "[{}] {} ({}, {}{by}): {}\n",
                        k + 1,
                        e.end,
                        e.source,
                        e.kind.as_str(),
                        e.quote
                    ));
                }
            }
            write_stdout(&o)
        }
    }
}

fn pos(p: &Option<PositionDoc>) -> String {
    match p {
        Some(PositionDoc::Scale(x)) => fmt_num(*x),
        Some(PositionDoc::Option(s)) => s.clone(),
        None => "?".into(),
    }
}

fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

/// `position (salience) red line` of one end.
fn end_text(e: &End) -> String {
    let rl = match (&e.red_line, e.rejects.is_empty()) {
        (Some(x), _) => format!(" rl {}", fmt_num(*x)),
        (None, false) => format!(" ✗{}", e.rejects.join(" ")),
        _ => String::new(),
    };
    format!(
        "{} ({}){rl}",
        pos(&e.position),
        e.salience.map(fmt_num).unwrap_or_else(|| "?".into())
    )
}

fn table_of(changes: &[Change]) -> String {
    let mut t = table();
    t.set_header(["#", "actor", "issue", "from", "to", "toward", "evidence"]);
    t.set_width(100);
    for (k, c) in changes.iter().enumerate() {
        t.add_row([
            (k + 1).to_string(),
            c.actor.clone(),
            c.issue.clone(),
            format!(
                "{}\n{}",
                c.from.as_of.as_deref().unwrap_or("undated"),
                end_text(&c.from)
            ),
            format!(
                "{}\n{}",
                c.to.as_of.as_deref().unwrap_or("undated"),
                end_text(&c.to)
            ),
            c.toward.join(", "),
            format!("{} → {}", c.from.strength.as_str(), c.to.strength.as_str()),
        ]);
    }
    t.to_string()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(changes: &[Change]) -> String {
    let mut out = String::from(
        "actor,issue,from_as_of,from_position,from_salience,to_as_of,to_position,to_salience,changed,toward,from_evidence,to_evidence\n",
    );
    for c in changes {
        let ev = |end: &str| {
            c.evidence
                .iter()
                .filter(|e| e.end == end)
                .map(|e| format!("{} ({}): {}", e.source, e.kind.as_str(), e.quote))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let row = [
            c.actor.clone(),
            c.issue.clone(),
            c.from.as_of.clone().unwrap_or_default(),
            pos(&c.from.position),
            c.from.salience.map(fmt_num).unwrap_or_default(),
            c.to.as_of.clone().unwrap_or_default(),
            pos(&c.to.position),
            c.to.salience.map(fmt_num).unwrap_or_default(),
            c.changed.join(" "),
            c.toward.join(" "),
            ev("from"),
            ev("to"),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}
