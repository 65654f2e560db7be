//! The file form of a scenario, with ids instead of indices, for writing a scenario back out
//! (`detente show --format json`, drafts from `detente extract`). Serialising it with any serde
//! format (JSON, TOML) gives a file that [`crate::load`] reads back to an equal [`Scenario`].

use crate::model::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ScenarioDoc {
    pub scenario: MetaDoc,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceDoc>,
    pub actors: Vec<ActorDoc>,
    pub issues: Vec<IssueDoc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stances: Vec<StanceDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionDoc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linkages: Vec<LinkageDoc>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MetaDoc {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceDoc {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub path: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ActorDoc {
    pub id: String,
    pub name: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaks_for: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub leads: bool,
    pub capability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AnchorDoc {
    pub at: f64,
    pub label: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct OptionDoc {
    pub id: String,
    pub label: String,
}

/// A position in file form: a number (scale) or an option id.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum PositionDoc {
    Scale(f64),
    Option(String),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IssueDoc {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<AnchorDoc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_quo: Option<PositionDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<PositionDoc>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct EvidenceDoc {
    pub source: String,
    pub quote: String,
    /// `stated`, `reported`, `collective`, `inferred`; absent when unspecified (v1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StanceDoc {
    pub actor: String,
    pub issue: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<PositionDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salience: Option<f64>,
    /// Scale issues: the worst acceptable point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red_line: Option<f64>,
    /// Options issues: the options rejected outright.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejects: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_range: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salience_range: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub evidence: Vec<EvidenceDoc>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DecisionDoc {
    pub veto_players: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `[[linkages]]` in file form: the same keys the loader reads.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkageDoc {
    pub id: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepts: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offered_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gives: Option<serde_json::Value>,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub evidence: Vec<EvidenceDoc>,
}

/// A scale red line as its worst acceptable point, or an options red line as rejected ids.
pub fn red_line_doc(issue: &Issue, st: &Stance) -> (Option<f64>, Vec<String>) {
    match &st.red_line {
        Some(RedLine::Range { lo, hi }) => {
            let x = st.position.and_then(Position::as_scale).unwrap_or(*lo);
            (
                Some(if x >= *lo && *hi >= Issue::SCALE_MAX {
                    *lo
                } else {
                    *hi
                }),
                vec![],
            )
        }
        Some(RedLine::Rejects { options }) => (
            None,
            options
                .iter()
                .filter_map(|i| issue.options().get(*i).map(|o| o.id.clone()))
                .collect(),
        ),
        None => (None, vec![]),
    }
}

fn evidence_doc(s: &Scenario, e: &Evidence) -> EvidenceDoc {
    EvidenceDoc {
        source: s
            .sources
            .get(e.source)
            .map(|x| x.id.clone())
            .unwrap_or_default(),
        quote: e.quote.clone(),
        kind: (e.kind != EvidenceKind::Unspecified).then(|| e.kind.as_str().to_string()),
        reported_by: e
            .reported_by
            .and_then(|a| s.actors.get(a))
            .map(|a| a.id.clone()),
        note: e.note.clone(),
    }
}

fn linkage_doc(s: &Scenario, l: &Linkage) -> LinkageDoc {
    use serde_json::json;
    let issue_id = |i: usize| s.issues.get(i).map(|x| x.id.clone()).unwrap_or_default();
    let actor_id = |i: usize| s.actors.get(i).map(|x| x.id.clone()).unwrap_or_default();
    let term = |t: &Term| match t.toward {
        Position::Scale(x) => json!({ "issue": issue_id(t.issue), "toward": x }),
        p => json!({ "issue": issue_id(t.issue), "option": pos_doc(&s.issues[t.issue], p) }),
    };
    let opt_ids = |i: usize, v: &[usize]| -> Vec<String> {
        v.iter()
            .filter_map(|k| s.issues[i].options().get(*k).map(|o| o.id.clone()))
            .collect()
    };
    let mut d = LinkageDoc {
        id: l.id.clone(),
        kind: String::new(),
        actor: None,
        issue: None,
        accepts: None,
        when: None,
        offered_by: None,
        to: None,
        gives: None,
        for_: None,
        note: l.note.clone(),
        evidence: l.evidence.iter().map(|e| evidence_doc(s, e)).collect(),
    };
    match &l.kind {
        LinkageKind::Conditional {
            actor,
            issue,
            accepts,
            when,
        } => {
            d.kind = "conditional".into();
            d.actor = Some(actor_id(*actor));
            d.issue = Some(issue_id(*issue));
            d.accepts = Some(match accepts {
                Acceptance::Range { lo, hi } => json!([lo, hi]),
                Acceptance::Options { options } => json!(opt_ids(*issue, options)),
            });
            d.when = Some(match when {
                Condition::AtLeast { issue, value } => {
                    json!({ "issue": issue_id(*issue), "at_least": value })
                }
                Condition::AtMost { issue, value } => {
                    json!({ "issue": issue_id(*issue), "at_most": value })
                }
                Condition::OneOf { issue, options } => {
                    json!({ "issue": issue_id(*issue), "options": opt_ids(*issue, options) })
                }
            });
        }
        LinkageKind::Trade {
            offered_by,
            to,
            gives,
            for_,
        } => {
            d.kind = "trade".into();
            d.offered_by = Some(actor_id(*offered_by));
            d.to = to.map(actor_id);
            d.gives = Some(term(gives));
            d.for_ = Some(term(for_));
        }
    }
    d
}

/// A position in file form.
pub fn pos_doc(issue: &Issue, p: Position) -> PositionDoc {
    match p {
        Position::Scale(x) => PositionDoc::Scale(x),
        Position::Option(i) => PositionDoc::Option(
            issue
                .options()
                .get(i)
                .map(|o| o.id.clone())
                .unwrap_or_default(),
        ),
    }
}

impl ScenarioDoc {
    /// The file form of a resolved scenario.
    pub fn from_scenario(s: &Scenario) -> ScenarioDoc {
        let actor_id = |i: usize| s.actors.get(i).map(|a| a.id.clone()).unwrap_or_default();
        ScenarioDoc {
            scenario: MetaDoc {
                title: s.meta.title.clone(),
                as_of: s.meta.as_of.clone(),
                description: s.meta.description.clone(),
                notes: s.meta.notes.clone(),
            },
            sources: s
                .sources
                .iter()
                .map(|x| SourceDoc {
                    id: x.id.clone(),
                    title: x.title.clone(),
                    date: x.date.clone(),
                    path: x.path.clone(),
                })
                .collect(),
            actors: s
                .actors
                .iter()
                .map(|a| ActorDoc {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    kind: a.kind.as_str().to_string(),
                    aliases: a.aliases.clone(),
                    speaks_for: a.speaks_for.map(actor_id),
                    leads: a.leads,
                    capability: a.capability,
                    reservation: a.reservation,
                    description: a.description.clone(),
                })
                .collect(),
            issues: s
                .issues
                .iter()
                .map(|i| IssueDoc {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    description: i.description.clone(),
                    kind: if i.is_scale() { "scale" } else { "options" }.into(),
                    ordered: match &i.kind {
                        IssueKind::Options { ordered, .. } => Some(*ordered),
                        IssueKind::Scale { .. } => None,
                    },
                    anchors: i
                        .anchors()
                        .iter()
                        .map(|a| AnchorDoc {
                            at: a.at,
                            label: a.label.clone(),
                        })
                        .collect(),
                    options: i
                        .options()
                        .iter()
                        .map(|o| OptionDoc {
                            id: o.id.clone(),
                            label: o.label.clone(),
                        })
                        .collect(),
                    status_quo: i.status_quo.map(|p| pos_doc(i, p)),
                    outcome: i.outcome.map(|p| pos_doc(i, p)),
                })
                .collect(),
            stances: s
                .history
                .iter()
                .map(|st| {
                    let issue = &s.issues[st.issue];
                    let (red_line, rejects) = red_line_doc(issue, st);
                    StanceDoc {
                        actor: actor_id(st.actor),
                        issue: issue.id.clone(),
                        as_of: st.as_of.clone(),
                        position: st.position.map(|p| pos_doc(issue, p)),
                        salience: st.salience,
                        red_line,
                        rejects,
                        position_range: st.position_range.map(|(a, b)| [a, b]),
                        salience_range: st.salience_range.map(|(a, b)| [a, b]),
                        values: st
                            .values
                            .iter()
                            .filter_map(|(k, v)| {
                                issue.options().get(*k).map(|o| (o.id.clone(), *v))
                            })
                            .collect(),
                        note: st.note.clone(),
                        evidence: st.evidence.iter().map(|e| evidence_doc(s, e)).collect(),
                    }
                })
                .collect(),
            decision: (!s.decision.veto_players.is_empty() || s.decision.note.is_some()).then(
                || DecisionDoc {
                    veto_players: s
                        .decision
                        .veto_players
                        .iter()
                        .map(|i| actor_id(*i))
                        .collect(),
                    note: s.decision.note.clone(),
                },
            ),
            linkages: s.linkages.iter().map(|l| linkage_doc(s, l)).collect(),
        }
    }
}
