//! `[[linkages]]`: conditional red lines and offered trades across issues
//! (docs/scenario-format.md, "Linkages").

use super::{evidence_of, option_index, position_of, Fields, Ids};
use crate::diag::Sink;
use crate::model::*;
use crate::node::{Kind, Node};
use std::ops::Range;

pub(super) struct Registries<'a> {
    pub sources: &'a Ids,
    pub actors: &'a Ids,
}

const KEYS: [&str; 12] = [
    "id",
    "kind",
    "note",
    "evidence",
    "actor",
    "issue",
    "accepts",
    "when",
    "offered_by",
    "to",
    "gives",
    "for",
];
const CONDITIONAL_KEYS: [&str; 4] = ["actor", "issue", "accepts", "when"];
const TRADE_KEYS: [&str; 4] = ["offered_by", "to", "gives", "for"];

pub(super) fn resolve(top: &Fields, reg: &Registries, sc: &mut Scenario, sink: &mut Sink) {
    let mut issue_ids = Ids::new("issue");
    for i in &sc.issues {
        issue_ids.ids.push((i.id.clone(), i.span.clone()));
    }
    let mut ids = Ids::new("linkage");
    for n in top.array("linkages", "the scenario file", sink) {
        let what = "a [[linkages]] entry";
        let Some(f) = Fields::new(n, what, &KEYS, sink) else {
            continue;
        };
        let id = f.string("id", what, true, sink).unwrap_or_default();
        if let Some(node) = f.get("id") {
            super::check_id(&id, node.span.clone(), "linkage", sink);
        }
        if !ids.add(&id, n.span.clone(), sink) {
            continue;
        }
        let label = format!("linkage `{id}`");
        let kind = f.string("kind", &label, true, sink);
        let kind_span = f.get("kind").map(|k| k.span.clone());
        let (own, other): (&[&str], &[&str]) = match kind.as_deref() {
            Some("conditional") => (&CONDITIONAL_KEYS, &TRADE_KEYS),
            Some("trade") => (&TRADE_KEYS, &CONDITIONAL_KEYS),
            Some(k) => {
                sink.error(
                    kind_span,
                    format!("unknown linkage kind `{k}` in {label}"),
                    Some("a linkage is `conditional` (a red line that holds under a condition) or `trade` (an offered exchange)".into()),
                );
                continue;
            }
            None => continue,
        };
        for key in other {
            if let Some(node) = f.get(key) {
                sink.error(
                    Some(node.span.clone()),
                    format!(
                        "`{key}` does not belong in a {} linkage ({label})",
                        kind.as_deref().unwrap_or("")
                    ),
                    Some(format!("its keys are: {}", own.join(", "))),
                );
            }
        }
        let parsed = if own == CONDITIONAL_KEYS {
            conditional(&f, reg, &issue_ids, sc, &label, sink)
        } else {
            trade(&f, reg, &issue_ids, sc, &label, sink)
        };
        let note = f.string("note", &label, false, sink);
        let mut evidence = Vec::new();
        for e in f.array("evidence", &label, sink) {
            if let Some(ev) = evidence_of(e, reg.sources, reg.actors, &sc.sources, &label, sink) {
                evidence.push(ev);
            }
        }
        if f.get("evidence").is_none() {
            sink.warn(
                Some(n.span.clone()),
                format!("{label} cites no evidence"),
                Some(
                    "add `evidence = [{ source = \"…\", quote = \"…\", kind = \"stated\" }]`"
                        .into(),
                ),
            );
        }
        if let Some(kind) = parsed {
            sc.linkages.push(Linkage {
                id,
                kind,
                note,
                evidence,
                span: n.span.clone(),
            });
        }
    }
    cycles(sc, sink);
}

fn lookup(
    f: &Fields,
    key: &str,
    ids: &Ids,
    label: &str,
    required: bool,
    sink: &mut Sink,
) -> Option<usize> {
    let s = f.string(key, label, required, sink)?;
    ids.lookup(&s, f.get(key)?.span.clone(), sink)
}

fn conditional(
    f: &Fields,
    reg: &Registries,
    issue_ids: &Ids,
    sc: &Scenario,
    label: &str,
    sink: &mut Sink,
) -> Option<LinkageKind> {
    let actor = lookup(f, "actor", reg.actors, label, true, sink);
    let issue = lookup(f, "issue", issue_ids, label, true, sink);
    let accepts = match (issue, f.get("accepts")) {
        (Some(i), Some(node)) => acceptance(&sc.issues[i], f, node, label, sink),
        (_, None) => {
            sink.error(
                Some(f.span.clone()),
                format!("{label} has no `accepts`"),
                Some(
                    "scale issue: `accepts = [lo, hi]`; options issue: `accepts = [\"option\", …]`"
                        .into(),
                ),
            );
            None
        }
        _ => None,
    };
    let when = match f.get("when") {
        Some(node) => condition(node, issue_ids, sc, label, sink),
        None => {
            sink.error(
                Some(f.span.clone()),
                format!("{label} has no `when`"),
                Some("e.g. `when = { issue = \"guarantees\", at_least = 75 }`".into()),
            );
            None
        }
    };
    let (actor, issue, accepts, when) = (actor?, issue?, accepts?, when?);
    if when.issue() == issue {
        sink.error(
            f.get("when").map(|n| n.span.clone()),
            format!("the condition of {label} tests the issue it constrains"),
            Some("a condition names another issue; to narrow the issue itself, use the stance's red_line".into()),
        );
        return None;
    }
    Some(LinkageKind::Conditional {
        actor,
        issue,
        accepts,
        when,
    })
}

fn acceptance(
    issue: &Issue,
    f: &Fields,
    node: &Node,
    label: &str,
    sink: &mut Sink,
) -> Option<Acceptance> {
    match &issue.kind {
        IssueKind::Scale { .. } => f
            .range("accepts", label, Issue::SCALE_MIN, Issue::SCALE_MAX, sink)
            .map(|(lo, hi)| Acceptance::Range { lo, hi }),
        IssueKind::Options { options, .. } => {
            if !matches!(node.kind, Kind::Array(_)) {
                sink.error(
                    Some(node.span.clone()),
                    format!("`accepts` of {label}: `{}` is an options issue", issue.id),
                    Some("list the acceptable options: `accepts = [\"…\", …]`".into()),
                );
                return None;
            }
            let mut out = Vec::new();
            for (s, span) in f.strings("accepts", label, sink) {
                out.push(option_index(issue, options, &s, span, sink)?);
            }
            if out.is_empty() {
                sink.error(
                    Some(node.span.clone()),
                    format!("`accepts` of {label} lists no option"),
                    Some("name at least one acceptable option".into()),
                );
                return None;
            }
            Some(Acceptance::Options { options: out })
        }
    }
}

fn condition(
    node: &Node,
    issue_ids: &Ids,
    sc: &Scenario,
    label: &str,
    sink: &mut Sink,
) -> Option<Condition> {
    let what = format!("the condition of {label}");
    let f = Fields::new(
        node,
        &what,
        &["issue", "at_least", "at_most", "options"],
        sink,
    )?;
    let issue = lookup(&f, "issue", issue_ids, &what, true, sink)?;
    let is = &sc.issues[issue];
    let given: Vec<&str> = ["at_least", "at_most", "options"]
        .into_iter()
        .filter(|k| f.get(k).is_some())
        .collect();
    if given.len() != 1 {
        sink.error(
            Some(node.span.clone()),
            format!(
                "{what} needs exactly one of `at_least`, `at_most`, `options` (found {})",
                given.len()
            ),
            Some(
                "scale issue: `at_least = N` or `at_most = N`; options issue: `options = [\"…\"]`"
                    .into(),
            ),
        );
        return None;
    }
    let key = given[0];
    let span: Range<usize> = f.get(key)?.span.clone();
    match (&is.kind, key) {
        (IssueKind::Scale { .. }, "at_least" | "at_most") => {
            let (x, span) = f.number(key, &what, sink)?;
            if !(Issue::SCALE_MIN..=Issue::SCALE_MAX).contains(&x) {
                sink.error(
                    Some(span),
                    format!("{what}: {key} = {x} is outside the 0–100 scale of `{}`, so it can never be decided", is.id),
                    Some("conditions on a scale issue lie between 0 and 100".into()),
                );
                return None;
            }
            Some(if key == "at_least" {
                Condition::AtLeast { issue, value: x }
            } else {
                Condition::AtMost { issue, value: x }
            })
        }
        (IssueKind::Options { options, .. }, "options") => {
            let mut out = Vec::new();
            for (s, sp) in f.strings("options", &what, sink) {
                out.push(option_index(is, options, &s, sp, sink)?);
            }
            if out.is_empty() {
                sink.error(Some(span), format!("{what} lists no option"), None);
                return None;
            }
            Some(Condition::OneOf {
                issue,
                options: out,
            })
        }
        (IssueKind::Options { .. }, _) => {
            sink.error(
                Some(span),
                format!("{what}: `{key}` on options issue `{}` is impossible", is.id),
                Some("on an options issue write `options = [\"…\"]` (the options under which it holds)".into()),
            );
            None
        }
        (IssueKind::Scale { .. }, _) => {
            sink.error(
                Some(span),
                format!("{what}: `options` on scale issue `{}` is impossible", is.id),
                Some("on a scale issue write `at_least = N` or `at_most = N`".into()),
            );
            None
        }
    }
}

fn term(
    f: &Fields,
    key: &str,
    issue_ids: &Ids,
    sc: &Scenario,
    label: &str,
    sink: &mut Sink,
) -> Option<Term> {
    let Some(node) = f.get(key) else {
        sink.error(
            Some(f.span.clone()),
            format!("{label} has no `{key}`"),
            Some(format!("e.g. `{key} = {{ issue = \"…\", toward = 100 }}`")),
        );
        return None;
    };
    let what = format!("`{key}` of {label}");
    let tf = Fields::new(node, &what, &["issue", "toward", "option"], sink)?;
    let issue = lookup(&tf, "issue", issue_ids, &what, true, sink)?;
    let v = match (tf.get("toward"), tf.get("option")) {
        (Some(v), None) | (None, Some(v)) => v,
        _ => {
            sink.error(
                Some(node.span.clone()),
                format!("{what} needs one of `toward` (a scale point) or `option` (an option id)"),
                None,
            );
            return None;
        }
    };
    let toward = position_of(&sc.issues[issue], v, "toward", sink)?;
    Some(Term { issue, toward })
}

fn trade(
    f: &Fields,
    reg: &Registries,
    issue_ids: &Ids,
    sc: &Scenario,
    label: &str,
    sink: &mut Sink,
) -> Option<LinkageKind> {
    let offered_by = lookup(f, "offered_by", reg.actors, label, true, sink);
    let to = lookup(f, "to", reg.actors, label, false, sink);
    let gives = term(f, "gives", issue_ids, sc, label, sink);
    let for_ = term(f, "for", issue_ids, sc, label, sink);
    let (offered_by, gives, for_) = (offered_by?, gives?, for_?);
    if gives.issue == for_.issue {
        sink.error(
            f.get("for").map(|n| n.span.clone()),
            format!("{label} trades an issue for itself"),
            Some("a trade links two different issues".into()),
        );
        return None;
    }
    Some(LinkageKind::Trade {
        offered_by,
        to,
        gives,
        for_,
    })
}

/// Error on every cycle of conditions of one actor (issue A acceptable depending on B, B on
/// … on A). Nodes are (actor, issue) pairs, edges the conditional linkages; one depth-first
/// search over all of them, O(nodes + edges).
fn cycles(sc: &Scenario, sink: &mut Sink) {
    use std::collections::HashMap;
    // (actor, issue) -> outgoing (linkage index, when-issue)
    let mut out: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
    for (k, l) in sc.linkages.iter().enumerate() {
        if let LinkageKind::Conditional {
            actor, issue, when, ..
        } = &l.kind
        {
            out.entry((*actor, *issue))
                .or_default()
                .push((k, when.issue()));
        }
    }
    let mut starts: Vec<(usize, usize)> = out.keys().copied().collect();
    starts.sort_unstable();
    // 0 = unvisited, 1 = on the current path, 2 = done
    let mut state: HashMap<(usize, usize), u8> = HashMap::new();
    for start in starts {
        if state.get(&start).copied().unwrap_or(0) != 0 {
            continue;
        }
        // stack of (node, next edge to try); `path` holds the linkage taken into each node
        let mut stack: Vec<((usize, usize), usize)> = vec![(start, 0)];
        let mut path: Vec<usize> = Vec::new();
        state.insert(start, 1);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let edges = out.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if *next >= edges.len() {
                state.insert(node, 2);
                stack.pop();
                path.pop();
                continue;
            }
            let (k, to_issue) = edges[*next];
            *next += 1;
            let to = (node.0, to_issue);
            match state.get(&to).copied().unwrap_or(0) {
                0 => {
                    state.insert(to, 1);
                    stack.push((to, 0));
                    path.push(k);
                }
                1 => {
                    // a cycle: the linkages from `to` along the path, then `k`
                    let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let mut cycle: Vec<usize> = path[from..].to_vec();
                    cycle.push(k);
                    let names: Vec<&str> =
                        cycle.iter().map(|&c| sc.linkages[c].id.as_str()).collect();
                    sink.error(
                        Some(sc.linkages[k].span.clone()),
                        format!(
                            "the conditions of `{}` form a cycle: {}",
                            sc.actors[node.0].id,
                            names.join(" → ")
                        ),
                        Some("each condition must rest on an issue whose acceptance does not, in turn, depend on this one; drop or merge one of these linkages".into()),
                    );
                }
                _ => {}
            }
        }
    }
}
