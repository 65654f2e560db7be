//! The scenario-v2 sections of the report: who moved between dates (a chart and a table, from
//! `detente_scenario::timeline`), splits between a party's factions, and the linkages across
//! issues with their evidence.

use crate::render::{Block, Table};
use crate::svg::{escape as esc, num};
use detente_scenario::doc::PositionDoc;
use detente_scenario::timeline::{timeline, Change};
use detente_scenario::{LinkageKind, Scenario, Strength};

fn pos_text(p: &Option<PositionDoc>) -> String {
    match p {
        Some(PositionDoc::Scale(x)) => num(*x, 1),
        Some(PositionDoc::Option(o)) => o.clone(),
        None => "?".into(),
    }
}

fn kind_text(s: &Scenario, e: &detente_scenario::Evidence) -> String {
    match e.reported_by.and_then(|a| s.actors.get(a)) {
        Some(a) => format!("{}, by {}", e.kind.as_str(), a.name),
        None => e.kind.as_str().to_string(),
    }
}

/// The `cite` line of a quote: source title and date, and who said it.
pub(crate) fn cite(s: &Scenario, e: &detente_scenario::Evidence) -> String {
    let src = match s.sources.get(e.source) {
        Some(src) => match &src.date {
            Some(d) => format!("{}, {d}", src.title),
            None => src.title.clone(),
        },
        None => format!("source #{}", e.source),
    };
    if e.kind == detente_scenario::EvidenceKind::Unspecified {
        src
    } else {
        format!("{src} — {}", kind_text(s, e))
    }
}

/// A "who moved" chart: one row per move on a scale issue, an arrow from the earlier position
/// to the later one on a 0–100 axis.
fn moves_chart(changes: &[&Change]) -> String {
    let (w, row, left, right) = (720.0, 26.0, 230.0, 30.0);
    let h = 40.0 + row * changes.len() as f64;
    let x = |v: f64| left + (w - left - right) * v / 100.0;
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\
         <defs><marker id=\"mv-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>"
    );
    for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
        o.push_str(&format!(
            "<line x1=\"{0}\" y1=\"18\" x2=\"{0}\" y2=\"{1}\" stroke=\"#ddd\"/><text x=\"{0}\" y=\"13\" text-anchor=\"middle\" fill=\"#666\">{2}</text>",
            x(t),
            h - 8.0,
            t
        ));
    }
    for (k, c) in changes.iter().enumerate() {
        let y = 34.0 + row * k as f64;
        let (Some(PositionDoc::Scale(a)), Some(PositionDoc::Scale(b))) =
            (&c.from.position, &c.to.position)
        else {
            continue;
        };
        o.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{} · {}</text>",
            left - 10.0,
            y + 4.0,
            esc(&c.actor),
            esc(&c.issue)
        ));
        o.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{y}\" r=\"4\" fill=\"#999\"><title>{}: {}</title></circle>",
            x(*a),
            esc(c.from.as_of.as_deref().unwrap_or("undated")),
            num(*a, 1)
        ));
        if (a - b).abs() > 1e-9 {
            o.push_str(&format!(
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#444\" stroke-width=\"2\" marker-end=\"url(#mv-arrow)\"><title>{} → {}: {} → {}</title></line>",
                x(*a),
                x(*b),
                esc(c.from.as_of.as_deref().unwrap_or("undated")),
                esc(c.to.as_of.as_deref().unwrap_or("undated")),
                num(*a, 1),
                num(*b, 1)
            ));
        }
    }
    o.push_str("</svg>");
    o
}

/// "Who moved", "Splits" and "Linkages" sections (each only when the scenario has any).
pub fn sections(s: &Scenario, b: &mut Vec<Block>) {
    let tl = timeline(s, None, None);
    if s.has_dated_history() {
        b.push(Block::Heading {
            level: 2,
            id: "who-moved".into(),
            text: "Who moved".into(),
        });
        b.push(Block::Muted(format!(
            "Stances are dated {}. Each row is one actor changing its position, salience or red line on one issue between two dates; \
             \"toward\" lists the actors it came closer to. The report is as of {}.",
            tl.dates.join(", "),
            s.meta.as_of.as_deref().unwrap_or("the latest stances")
        )));
        if tl.changes.is_empty() {
            b.push(Block::Para(
                "No actor changed its stance between these dates.".into(),
            ));
        } else {
            let scale: Vec<&Change> = tl
                .changes
                .iter()
                .filter(|c| matches!(c.to.position, Some(PositionDoc::Scale(_))))
                .collect();
            if !scale.is_empty() {
                b.push(Block::Chart {
                    name: "who-moved".into(),
                    alt: format!(
                        "Who moved: {} moves on 0–100 scales, an arrow from the earlier position to the later one.",
                        scale.len()
                    ),
                    svg: moves_chart(&scale),
                });
            }
            b.push(Block::Table(Table {
                caption: None,
                header: [
                    "Actor", "Issue", "From", "To", "Changed", "Toward", "Evidence",
                ]
                .map(String::from)
                .to_vec(),
                rows: tl
                    .changes
                    .iter()
                    .map(|c| {
                        vec![
                            c.actor.clone(),
                            c.issue.clone(),
                            format!(
                                "{}: {} ({})",
                                c.from.as_of.as_deref().unwrap_or("undated"),
                                pos_text(&c.from.position),
                                c.from.salience.map(|x| num(x, 0)).unwrap_or_default()
                            ),
                            format!(
                                "{}: {} ({})",
                                c.to.as_of.as_deref().unwrap_or("undated"),
                                pos_text(&c.to.position),
                                c.to.salience.map(|x| num(x, 0)).unwrap_or_default()
                            ),
                            c.changed.join(", "),
                            c.toward.join(", "),
                            format!("{} → {}", c.from.strength.as_str(), c.to.strength.as_str()),
                        ]
                    })
                    .collect(),
                numeric: vec![],
                dim: None,
            }));
        }
    }
    let splits = detente_scenario::history::splits(s);
    if !splits.is_empty() {
        b.push(Block::Heading {
            level: 2,
            id: "splits".into(),
            text: "Splits within parties".into(),
        });
        b.push(Block::List(
            splits
                .iter()
                .map(|sp| {
                    let iss = &s.issues[sp.issue];
                    format!(
                        "{} on {}: {}",
                        s.actors[sp.party].name,
                        iss.title,
                        sp.members
                            .iter()
                            .map(|(a, p)| format!("{} {}", s.actors[*a].name, iss.describe(*p)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                })
                .collect(),
        ));
    }
    if !s.linkages.is_empty() {
        b.push(Block::Heading {
            level: 2,
            id: "linkages".into(),
            text: "Linkages across issues".into(),
        });
        b.push(Block::Muted(
            "Conditional red lines (the deal space applies them package by package) and offered trades, each with its evidence."
                .into(),
        ));
        for l in &s.linkages {
            let kind = match l.kind {
                LinkageKind::Conditional { .. } => "conditional",
                LinkageKind::Trade { .. } => "trade",
            };
            b.push(Block::Para(format!(
                "{} ({kind}, evidence {}): {}",
                l.id,
                Strength::of(l.evidence.iter().map(|e| e.kind)).as_str(),
                l.describe(s)
            )));
            for e in &l.evidence {
                b.push(Block::Quote {
                    text: e.quote.clone(),
                    cite: cite(s, e),
                    note: e.note.clone().or_else(|| l.note.clone()),
                });
            }
        }
    }
}

/// Extra tooltip words for a heat-map square: a party stance taken from a faction, a split.
pub(crate) fn heat_note(
    s: &Scenario,
    st: &detente_scenario::Stance,
    splits: &[detente_scenario::history::Split],
) -> String {
    let mut o = String::new();
    if let Some(f) = st.derived_from {
        o.push_str(&format!(
            "; taken from {} (no stance of its own)",
            s.actors[f].name
        ));
    }
    let party = s.actors[st.actor].speaks_for.unwrap_or(st.actor);
    if let Some(sp) = splits
        .iter()
        .find(|sp| sp.party == party && sp.issue == st.issue)
    {
        o.push_str(&format!(
            "; split within {}: {}",
            s.actors[party].name,
            sp.members
                .iter()
                .map(|(a, p)| format!("{} {}", s.actors[*a].name, s.issues[st.issue].describe(*p)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    o
}
