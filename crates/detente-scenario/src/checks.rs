//! Warnings about how stances are evidenced (docs/scenario-format.md, "Who said it").

use crate::diag::Sink;
use crate::model::{EvidenceKind, Scenario};
use std::collections::BTreeMap;

/// A sentence supporting this many stances (actor × issue pairs) or more should be marked
/// `kind = "collective"`.
pub const SHARED_SENTENCE_STANCES: usize = 3;

/// Warn when a stance rests only on `inferred` evidence, and when one sentence supports many
/// stances without being marked `collective`.
pub(super) fn evidence(sc: &Scenario, sink: &mut Sink) {
    let name = |a: usize, i: usize| {
        format!(
            "`{}` on `{}`",
            sc.actors.get(a).map(|x| x.id.as_str()).unwrap_or("?"),
            sc.issues.get(i).map(|x| x.id.as_str()).unwrap_or("?")
        )
    };
    // (source, quote) -> (stance pairs, first non-collective evidence span)
    type Uses = (Vec<(usize, usize)>, Option<std::ops::Range<usize>>);
    let mut uses: BTreeMap<(usize, &str), Uses> = BTreeMap::new();
    for st in &sc.history {
        if !st.evidence.is_empty() && st.evidence.iter().all(|e| e.kind == EvidenceKind::Inferred) {
            sink.warn(
                Some(st.span.clone()),
                format!(
                    "the stance of {} rests only on inferred evidence",
                    name(st.actor, st.issue)
                ),
                Some("find a sentence where the actor (or someone reporting it) says so, or widen its position_range".into()),
            );
        }
        for e in &st.evidence {
            let u = uses.entry((e.source, e.quote.as_str())).or_default();
            u.0.push((st.actor, st.issue));
            if e.kind != EvidenceKind::Collective && u.1.is_none() {
                u.1 = Some(e.span.clone());
            }
        }
    }
    for u in uses.values_mut() {
        // pairs in first-use order, each once
        let mut seen = std::collections::HashSet::new();
        u.0.retain(|p| seen.insert(*p));
    }
    let mut warned: Vec<(std::ops::Range<usize>, String)> = uses
        .into_values()
        .filter(|(pairs, _)| pairs.len() >= SHARED_SENTENCE_STANCES)
        .filter_map(|(pairs, span)| {
            let span = span?;
            let list: Vec<String> = pairs.iter().map(|&(a, i)| name(a, i)).collect();
            Some((
                span,
                format!(
                    "one sentence supports {} stances ({}) but is not marked `kind = \"collective\"`",
                    pairs.len(),
                    list.join(", ")
                ),
            ))
        })
        .collect();
    warned.sort_by_key(|(s, _)| s.start);
    for (span, msg) in warned {
        sink.warn(
            Some(span),
            msg,
            Some("a sentence about a group is weaker evidence for each member: mark it `kind = \"collective\"`, or quote each actor's own words".into()),
        );
    }
}
