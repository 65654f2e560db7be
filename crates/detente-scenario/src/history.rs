//! Dated stances: the view at a date, and party stances derived from factions.
//!
//! Rules (docs/scenario-format.md, "Dated stances" and "Factions"):
//! - the view at a date holds, per actor and issue, the stance with the latest `as_of` on or
//!   before the date; undated stances count as the earliest;
//! - a party (an actor some other actor `speaks_for`) with no stance of its own on an issue in
//!   the view gets one derived from its factions' stances there: a copy of the stance of the
//!   faction marked `leads = true`, else of the faction with the highest capability (the first
//!   in file order on a tie), with `derived_from` naming that faction.

use crate::model::{Actor, Stance};

/// Whether `d` is a `YYYY-MM-DD` date that exists (month 1–12, day within the month, leap
/// years counted): the one date check of the scenario dates, stance dates and `--as-of`.
pub fn is_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&d[5..7].parse::<u32>().unwrap_or(0))
        && (1..=days_in_month(&d[..4], &d[5..7])).contains(&d[8..10].parse::<u32>().unwrap_or(0))
}

/// Days in a month (Gregorian), from the year and month digits; 31 when they do not parse.
fn days_in_month(year: &str, month: &str) -> u32 {
    let y: u32 = year.parse().unwrap_or(0);
    match month.parse::<u32>().unwrap_or(1) {
        4 | 6 | 9 | 11 => 30,
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Whether stance date `a` (None = undated, the earliest) is on or before `date`.
fn on_or_before(a: Option<&str>, date: Option<&str>) -> bool {
    match (a, date) {
        (None, _) | (_, None) => true,
        (Some(a), Some(d)) => a <= d,
    }
}

/// The stances in force at `date` (`None`: the latest of all), in the file order of each actor
/// and issue pair's first stance, then the derived party stances.
pub fn view_at(actors: &[Actor], history: &[Stance], date: Option<&str>) -> Vec<Stance> {
    let mut order: Vec<(usize, usize)> = Vec::new();
    let mut seen: std::collections::HashSet<(usize, usize)> = Default::default();
    let mut best: std::collections::HashMap<(usize, usize), &Stance> = Default::default();
    for st in history {
        let key = (st.actor, st.issue);
        if seen.insert(key) {
            order.push(key);
        }
        if !on_or_before(st.as_of.as_deref(), date) {
            continue;
        }
        let better = match best.get(&key) {
            None => true,
            Some(b) => st.as_of.as_deref() >= b.as_of.as_deref(),
        };
        if better {
            best.insert(key, st);
        }
    }
    let mut out: Vec<Stance> = order
        .iter()
        .filter_map(|k| best.get(k).map(|s| (*s).clone()))
        .collect();
    out.extend(derived(actors, &out));
    out
}

/// Party stances derived from faction stances where the party has none.
fn derived(actors: &[Actor], view: &[Stance]) -> Vec<Stance> {
    let held: std::collections::HashSet<(usize, usize)> =
        view.iter().map(|s| (s.actor, s.issue)).collect();
    let mut order: Vec<(usize, usize)> = Vec::new();
    let mut lead: std::collections::HashMap<(usize, usize), &Stance> = Default::default();
    for s in view {
        let Some(party) = actors.get(s.actor).and_then(|a| a.speaks_for) else {
            continue;
        };
        let key = (party, s.issue);
        if held.contains(&key) {
            continue;
        }
        match lead.get(&key) {
            None => {
                order.push(key);
                lead.insert(key, s);
            }
            Some(a) => {
                let (x, y) = (&actors[a.actor], &actors[s.actor]);
                if (y.leads && !x.leads) || (y.leads == x.leads && y.capability > x.capability) {
                    lead.insert(key, s);
                }
            }
        }
    }
    order
        .into_iter()
        .map(|(party, issue)| {
            let l = lead[&(party, issue)];
            let mut d = l.clone();
            d.actor = party;
            d.derived_from = Some(l.actor);
            d
        })
        .collect()
}

/// Factions of one party that disagree on an issue (docs/scenario-format.md, "Factions").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Split {
    pub party: usize,
    pub issue: usize,
    /// The factions' stances (and the party's own when explicit): (actor, position).
    pub members: Vec<(usize, crate::model::Position)>,
}

/// Share of the scale two factions' positions must differ by to count as a split.
pub const SPLIT_SHARE: f64 = 0.2;

/// Every split in the stances of `s` (its view): a party's factions (with the party's own
/// explicit stance) whose positions differ by more than 20% of the scale (ordered options: of
/// the option ranks; unordered options: any difference).
pub fn splits(s: &crate::model::Scenario) -> Vec<Split> {
    use crate::model::{IssueKind, Position};
    // (party, issue) -> members, from one pass over the stances
    let mut groups: std::collections::BTreeMap<(usize, usize), Vec<(usize, Position)>> =
        Default::default();
    let has_factions: std::collections::HashSet<usize> =
        s.actors.iter().filter_map(|a| a.speaks_for).collect();
    for st in s.stances.iter().filter(|st| st.derived_from.is_none()) {
        let Some(p) = st.position else { continue };
        let party = match s.actors[st.actor].speaks_for {
            Some(party) => party,
            None if has_factions.contains(&st.actor) => st.actor,
            None => continue,
        };
        groups
            .entry((party, st.issue))
            .or_default()
            .push((st.actor, p));
    }
    let mut out = Vec::new();
    for ((party, ii), mut members) in groups {
        members.sort_by_key(|(a, _)| *a);
        let issue = &s.issues[ii];
        let spread = |f: &dyn Fn(Position) -> f64| {
            let v: Vec<f64> = members.iter().map(|(_, p)| f(*p)).collect();
            v.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
                - v.iter().cloned().fold(f64::INFINITY, f64::min)
        };
        let split = members.len() >= 2
            && match &issue.kind {
                IssueKind::Scale { .. } => {
                    spread(&|p| p.as_scale().unwrap_or(0.0)) > 100.0 * SPLIT_SHARE
                }
                IssueKind::Options {
                    options,
                    ordered: true,
                } => {
                    let n = (options.len().max(2) - 1) as f64;
                    spread(&|p| p.as_option().unwrap_or(0) as f64 / n) > SPLIT_SHARE
                }
                IssueKind::Options { .. } => members.iter().any(|(_, p)| *p != members[0].1),
            };
        if split {
            out.push(Split {
                party,
                issue: ii,
                members,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn only_dates_that_exist_are_dates() {
        for ok in ["2025-02-28", "2024-02-29", "2000-02-29", "2025-08-31"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2025-02-30",
            "2025-04-31",
            "2025-13-01",
            "2025-1-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
