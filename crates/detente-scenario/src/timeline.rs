//! Who moved, when, and toward whom: the changes between an actor's dated stances on an issue.
//!
//! Rules (docs/scenario-format.md, "Timeline"):
//! - per actor and issue, the dated stances are taken in date order; each pair of consecutive
//!   stances whose position, salience or red line differs is a change;
//! - `from`/`to` bound the window: the first end of the first change is the stance in force at
//!   `from` (or the first one after it), and no stance dated after `to` is used;
//! - `toward` lists the other actors (with a stance on the issue at the later date) the mover
//!   came closer to: on a scale or ordered options issue, strictly smaller distance from the new
//!   position than from the old one; on an unordered options issue, actors holding the new
//!   option but not the old one.

use crate::doc::{red_line_doc, PositionDoc};
use crate::model::*;

/// The timeline of a scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Timeline {
    /// Every stance date within the window (and the dates the listed changes start from), sorted.
    pub dates: Vec<String>,
    pub changes: Vec<Change>,
}

/// One move of one actor on one issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    pub actor: String,
    pub issue: String,
    pub from: End,
    pub to: End,
    /// What changed: `position`, `salience`, `red_line`.
    pub changed: Vec<&'static str>,
    /// Actor ids the mover came closer to.
    pub toward: Vec<String>,
    /// The evidence of both ends (`end` = "from" or "to").
    pub evidence: Vec<ChangeEvidence>,
}

/// One end of a change: the stance as of a date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct End {
    pub as_of: Option<String>,
    pub position: Option<PositionDoc>,
    pub salience: Option<f64>,
    /// Scale issue: the worst acceptable point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red_line: Option<f64>,
    /// Options issue: the options rejected outright.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejects: Vec<String>,
    pub strength: Strength,
}

/// An evidence sentence of one end of a change.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChangeEvidence {
    pub end: &'static str,
    pub source: String,
    pub quote: String,
    pub kind: EvidenceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn end(s: &Scenario, st: &Stance) -> End {
    let issue = &s.issues[st.issue];
    let (red_line, rejects) = red_line_doc(issue, st);
    End {
        as_of: st.as_of.clone(),
        position: st.position.map(|p| crate::doc::pos_doc(issue, p)),
        salience: st.salience,
        red_line,
        rejects,
        strength: st.strength(),
    }
}

/// Distance between two positions on an issue (`None` when unordered options differ).
fn distance(issue: &Issue, a: Position, b: Position) -> Option<f64> {
    match (a, b, &issue.kind) {
        (Position::Scale(x), Position::Scale(y), _) => Some((x - y).abs()),
        (Position::Option(i), Position::Option(j), IssueKind::Options { ordered: true, .. }) => {
            Some((i as f64 - j as f64).abs())
        }
        (Position::Option(i), Position::Option(j), _) => Some(if i == j { 0.0 } else { 1.0 }),
        _ => None,
    }
}

fn toward(
    s: &Scenario,
    a: &Stance,
    b: &Stance,
    views: &mut std::collections::HashMap<Option<String>, Vec<Stance>>,
) -> Vec<String> {
    let (Some(old), Some(new)) = (a.position, b.position) else {
        return Vec::new();
    };
    if old == new {
        return Vec::new();
    }
    let issue = &s.issues[b.issue];
    let view = views
        .entry(b.as_of.clone())
        .or_insert_with(|| crate::history::view_at(&s.actors, &s.history, b.as_of.as_deref()));
    let mut view: Vec<&Stance> = view.iter().collect();
    view.sort_by_key(|o| o.actor);
    view.into_iter()
        .filter(|o| o.issue == b.issue && o.actor != b.actor)
        .filter_map(|o| {
            let p = o.position?;
            let closer = match (distance(issue, new, p), distance(issue, old, p)) {
                (Some(dn), Some(d_old)) => dn < d_old - 1e-9,
                _ => false,
            };
            closer.then(|| s.actors[o.actor].id.clone())
        })
        .collect()
}

fn evidence(s: &Scenario, st: &Stance, at: &'static str) -> Vec<ChangeEvidence> {
    st.evidence
        .iter()
        .map(|e| ChangeEvidence {
            end: at,
            source: s
                .sources
                .get(e.source)
                .map(|x| x.id.clone())
                .unwrap_or_default(),
            quote: e.quote.clone(),
            kind: e.kind,
            reported_by: e.reported_by.map(|a| s.actors[a].id.clone()),
            note: e.note.clone(),
        })
        .collect()
}

/// Every change of position, salience or red line between `from` and `to` (inclusive; either
/// open when `None`), in actor order, then issue order, then date.
pub fn timeline(s: &Scenario, from: Option<&str>, to: Option<&str>) -> Timeline {
    let in_window = |d: Option<&str>| {
        from.is_none_or(|f| d.is_some_and(|d| d >= f))
            && to.is_none_or(|t| d.is_none_or(|d| d <= t))
    };
    let dates: Vec<String> = s
        .dates()
        .into_iter()
        .filter(|d| in_window(Some(d)))
        .collect();
    let mut changes = Vec::new();
    // (actor, issue) -> its stances up to `to`, in file order; BTreeMap: actor, then issue order
    let mut by_pair: std::collections::BTreeMap<(usize, usize), Vec<&Stance>> = Default::default();
    for st in &s.history {
        if to.is_none_or(|t| st.as_of.as_deref().is_none_or(|d| d <= t)) {
            by_pair.entry((st.actor, st.issue)).or_default().push(st);
        }
    }
    // the view at each date a move ends, computed once per date
    let mut views: std::collections::HashMap<Option<String>, Vec<Stance>> = Default::default();
    for ((a, i), mut seq) in by_pair {
        {
            if seq.len() < 2 {
                continue;
            }
            seq.sort_by(|x, y| x.as_of.cmp(&y.as_of));
            // start at the stance in force at `from`
            let start = match from {
                Some(f) => seq
                    .iter()
                    .rposition(|st| st.as_of.as_deref().is_none_or(|d| d <= f))
                    .unwrap_or(0),
                None => 0,
            };
            for w in seq[start..].windows(2) {
                let (x, y) = (w[0], w[1]);
                let mut changed = Vec::new();
                if x.position != y.position {
                    changed.push("position");
                }
                if x.salience != y.salience {
                    changed.push("salience");
                }
                if x.red_line != y.red_line {
                    changed.push("red_line");
                }
                if changed.is_empty() {
                    continue;
                }
                let mut ev = evidence(s, x, "from");
                ev.extend(evidence(s, y, "to"));
                changes.push(Change {
                    actor: s.actors[a].id.clone(),
                    issue: s.issues[i].id.clone(),
                    from: end(s, x),
                    to: end(s, y),
                    changed,
                    toward: toward(s, x, y, &mut views),
                    evidence: ev,
                });
            }
        }
    }
    // the window's dates, and the dates the changes start from (the state in force at `from`)
    let mut dates = dates;
    dates.extend(changes.iter().filter_map(|c: &Change| c.from.as_of.clone()));
    dates.sort();
    dates.dedup();
    Timeline { dates, changes }
}
