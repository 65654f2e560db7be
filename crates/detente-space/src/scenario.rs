//! Scenario → domain: discretise the issues, derive each veto player's utility function.

use crate::{Domain, LinearAdditive, OutcomeSpace, Party, SpaceError, SpaceIssue};
use detente_scenario::{IssueKind, Position, Scenario};

/// How continuous issues are discretised.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscretiseOptions {
    /// Scenario scale issues: a value every `step` points from 0 to 100 (100 always included)
    /// instead of the labelled anchor points.
    pub step: Option<f64>,
    /// GENIUS real issues: number of evenly spaced points from lowerbound to upperbound (≥ 2).
    pub real_points: usize,
}

impl Default for DiscretiseOptions {
    fn default() -> Self {
        DiscretiseOptions {
            step: None,
            real_points: 11,
        }
    }
}

fn scale_points(anchors: &[detente_scenario::Anchor], step: Option<f64>) -> Vec<f64> {
    match step {
        Some(step) => {
            let mut pts = Vec::new();
            let mut k = 0u32;
            loop {
                let x = f64::from(k) * step;
                if x > 100.0 + 1e-9 {
                    break;
                }
                pts.push(x.min(100.0));
                k += 1;
            }
            if pts.last().is_none_or(|&x| (x - 100.0).abs() > 1e-9) {
                pts.push(100.0);
            }
            pts
        }
        None => {
            let mut pts: Vec<f64> = anchors
                .iter()
                .map(|a| a.at)
                .filter(|x| x.is_finite())
                .collect();
            pts.sort_by(f64::total_cmp);
            pts.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
            if pts.is_empty() {
                pts = vec![0.0, 100.0];
            }
            pts
        }
    }
}

impl Domain {
    /// Build the deal space of a scenario.
    ///
    /// - **Issues.** An `options` issue contributes its options (positions = option ranks when
    ///   `ordered`); a `scale` issue contributes its anchor points, or every `opts.step` points
    ///   from 0 to 100 (positions = the scale points). Labels come from `Issue::describe`.
    /// - **Parties.** The scenario's veto players (every actor with a stance when none are
    ///   named), in scenario order, named by actor id.
    /// - **Values.** On an options issue an explicit `values` entry wins; otherwise
    ///   1 − |rank − position rank| / (n − 1) for ordered options, and 1 for the actor's own
    ///   option / 0 for the others when unordered. On a scale issue 1 − |x − position| / 100.
    ///   Values are in [0, 1].
    /// - **Weights.** Salience over the sum of the actor's saliences on the issues where it has
    ///   a position (or explicit values); an actor without such a stance on an issue has weight 0
    ///   there. Weights sum to 1 (or are all 0 when the actor has no salient stance).
    /// - **Red lines.** `RedLine::Range` / `RedLine::Rejects` mark the values outside the range
    ///   or rejected outright.
    /// - **Reservation.** `Actor::reservation`, default 0. No discounting.
    pub fn from_scenario(
        s: &Scenario,
        opts: &DiscretiseOptions,
    ) -> Result<Domain, Vec<SpaceError>> {
        let mut errors = Vec::new();
        if let Some(step) = opts.step {
            if !(step.is_finite() && step > 0.0 && step <= 100.0) {
                errors.push(SpaceError::new(
                    "",
                    format!(
                        "step {step} must be a number in (0, 100]: scale issues run from 0 to 100"
                    ),
                ));
            }
        }
        if s.issues.is_empty() {
            errors.push(SpaceError::new(
                "",
                "the scenario has no issues, so there is no package to analyse; add [[issues]]",
            ));
        }
        let veto = s.veto_players();
        if veto.is_empty() {
            errors.push(SpaceError::new("", "the scenario names no veto players and has no stances; add [decision] veto_players or [[stances]]"));
        }
        if let Some(&bad) = veto.iter().find(|&&a| a >= s.actors.len()) {
            errors.push(SpaceError::new(
                "",
                format!("veto player #{bad} is not an actor"),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        // The outcome space.
        let mut issues = Vec::with_capacity(s.issues.len());
        let mut points_per_issue: Vec<Vec<f64>> = Vec::new();
        for issue in &s.issues {
            match &issue.kind {
                IssueKind::Scale { anchors } => {
                    let pts = scale_points(anchors, opts.step);
                    issues.push(SpaceIssue {
                        name: issue.id.clone(),
                        values: pts
                            .iter()
                            .map(|&x| issue.describe(Position::Scale(x)))
                            .collect(),
                        positions: Some(pts.clone()),
                    });
                    points_per_issue.push(pts);
                }
                IssueKind::Options { options, ordered } => {
                    issues.push(SpaceIssue {
                        name: issue.id.clone(),
                        values: options.iter().map(|o| o.label.clone()).collect(),
                        positions: ordered.then(|| (0..options.len()).map(|k| k as f64).collect()),
                    });
                    points_per_issue.push(Vec::new());
                }
            }
        }
        let space = OutcomeSpace::new(issues);
        if let Some(empty) = space.issues.iter().find(|i| i.values.is_empty()) {
            return Err(vec![SpaceError::new(
                "",
                format!("issue {} has no options", empty.name),
            )]);
        }

        // The parties.
        let mut parties = Vec::with_capacity(veto.len());
        for &a in &veto {
            let actor = &s.actors[a];
            let n_issues = s.issues.len();
            let mut raw_w = vec![0.0; n_issues];
            let mut values = Vec::with_capacity(n_issues);
            let mut rejected = Vec::with_capacity(n_issues);
            for (i, issue) in s.issues.iter().enumerate() {
                let n = space.issues[i].values.len();
                let stance = s.stance(a, i);
                let mut vals = vec![0.0; n];
                let mut rej = vec![false; n];
                if let Some(st) = stance {
                    let has_prefs = st.position.is_some() || !st.values.is_empty();
                    if has_prefs {
                        raw_w[i] = st.salience.unwrap_or(0.0).max(0.0);
                    }
                    match &issue.kind {
                        IssueKind::Scale { .. } => {
                            for (k, &x) in points_per_issue[i].iter().enumerate() {
                                if let Some(Position::Scale(p)) = st.position {
                                    vals[k] = (1.0 - (x - p).abs() / 100.0).clamp(0.0, 1.0);
                                }
                                if let Some(rl) = &st.red_line {
                                    rej[k] = !rl.accepts(Position::Scale(x));
                                }
                            }
                        }
                        IssueKind::Options { ordered, .. } => {
                            for (k, v) in vals.iter_mut().enumerate() {
                                *v = if let Some(&explicit) = st.values.get(&k) {
                                    explicit.clamp(0.0, 1.0)
                                } else if let Some(Position::Option(p)) = st.position {
                                    if *ordered && n > 1 {
                                        1.0 - (k as f64 - p as f64).abs() / (n - 1) as f64
                                    } else if k == p {
                                        1.0
                                    } else {
                                        0.0
                                    }
                                } else {
                                    0.0
                                };
                                if let Some(rl) = &st.red_line {
                                    rej[k] = !rl.accepts(Position::Option(k));
                                }
                            }
                        }
                    }
                }
                values.push(vals);
                rejected.push(rej);
            }
            let total: f64 = raw_w.iter().sum();
            let weights = if total > 0.0 {
                raw_w.iter().map(|w| w / total).collect()
            } else {
                vec![0.0; n_issues]
            };
            parties.push(Party {
                name: actor.id.clone(),
                utility: LinearAdditive {
                    weights,
                    values,
                    reservation: actor.reservation.unwrap_or(0.0).clamp(0.0, 1.0),
                    discount: None,
                    rejected,
                    cap_at_one: true,
                },
            });
        }
        let name = if s.meta.title.is_empty() {
            "scenario".to_string()
        } else {
            s.meta.title.clone()
        };
        Ok(Domain {
            name,
            space,
            parties,
        })
    }
}

/// A conditional red line of one party (from a scenario's conditional `[[linkages]]`): on
/// issue `issue` the party accepts the values `ok_when` where the condition on `when_issue`
/// holds (`holds`), and the values `ok_else` (its normal red line) where it does not. A
/// package is acceptable to the party only if its value on `issue` is accepted under the
/// regime its value on `when_issue` selects.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConditionalRedLine {
    /// The linkage id.
    pub name: String,
    /// Index of the party in the domain.
    pub party: usize,
    pub issue: usize,
    pub when_issue: usize,
    /// Per value of `when_issue`: whether the condition holds.
    pub holds: Vec<bool>,
    /// Per value of `issue`: accepted when the condition holds.
    pub ok_when: Vec<bool>,
    /// Per value of `issue`: accepted otherwise (the party's normal red line).
    pub ok_else: Vec<bool>,
}

impl ConditionalRedLine {
    /// Whether the package `o` satisfies this conditional red line.
    pub fn accepts(&self, o: &[u32]) -> bool {
        let (Some(&v), Some(&w)) = (o.get(self.issue), o.get(self.when_issue)) else {
            return true;
        };
        let ok = if self.holds.get(w as usize).copied().unwrap_or(false) {
            &self.ok_when
        } else {
            &self.ok_else
        };
        ok.get(v as usize).copied().unwrap_or(true)
    }
}

impl Domain {
    /// The conditional red lines of the scenario's conditional linkages whose actor is a party
    /// of this domain (built by [`Domain::from_scenario`] from the same scenario). Values are
    /// the domain's discrete values: scale points, options.
    pub fn conditional_red_lines(&self, s: &Scenario) -> Vec<ConditionalRedLine> {
        use detente_scenario::LinkageKind;
        let mut out = Vec::new();
        for l in &s.linkages {
            let LinkageKind::Conditional {
                actor,
                issue,
                accepts,
                when,
            } = &l.kind
            else {
                continue;
            };
            let Some(party) = s
                .actors
                .get(*actor)
                .and_then(|a| self.parties.iter().position(|p| p.name == a.id))
            else {
                continue;
            };
            let w = when.issue();
            let (Some(si), Some(sw)) = (self.space.issues.get(*issue), self.space.issues.get(w))
            else {
                continue;
            };
            let at = |space_issue: &SpaceIssue, scen: usize, v: usize| -> Position {
                if s.issues[scen].is_scale() {
                    Position::Scale(space_issue.positions.as_ref().map(|p| p[v]).unwrap_or(0.0))
                } else {
                    Position::Option(v)
                }
            };
            let u = &self.parties[party].utility;
            out.push(ConditionalRedLine {
                name: l.id.clone(),
                party,
                issue: *issue,
                when_issue: w,
                holds: (0..sw.values.len())
                    .map(|v| when.holds(at(sw, w, v)))
                    .collect(),
                ok_when: (0..si.values.len())
                    .map(|v| accepts.accepts(at(si, *issue, v)))
                    .collect(),
                ok_else: (0..si.values.len())
                    .map(|v| !u.rejects(*issue, v as u32))
                    .collect(),
            });
        }
        out
    }
}
