//! The model input: actors with capability, and per issue (dimension) each actor's position
//! and salience. Plain values, no file-format types.

use serde::Serialize;

/// One party to the negotiation, as the models see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorInfo {
    /// Stable identifier (scenario id, or the name column of a CSV).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Influence, any non-negative unit (the models are invariant to scaling it).
    pub capability: f64,
}

/// One issue (a dimension of the outcome space).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueInfo {
    pub id: String,
    pub title: String,
    /// Lowest and highest point of the issue's scale (0–100 for scenarios and KTAB).
    pub lo: f64,
    pub hi: f64,
    /// The status quo (reference point), when known.
    pub status_quo: Option<f64>,
    /// The known outcome, when known (backtests).
    pub outcome: Option<f64>,
}

/// One actor's stance on one issue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StancePoint {
    /// Position on the issue's scale.
    pub position: f64,
    /// Salience in [0, 1].
    pub salience: f64,
}

/// A forecasting problem: actors, issues and stances (`stances[issue][actor]`, `None` when the
/// actor takes no part in that issue).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub title: String,
    pub actors: Vec<ActorInfo>,
    pub issues: Vec<IssueInfo>,
    pub stances: Vec<Vec<Option<StancePoint>>>,
    /// What a KTAB XML input says about the run (model parameters, PRNG seed, ideal
    /// adjustment), read by the spatial model (`smp`); `None` for every other input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ktab: Option<Box<crate::ktab_params::KtabSettings>>,
    /// `red_lines[issue][actor]`: the range of the issue's scale the actor accepts (its red
    /// line), when it has one. The dynamic models never move an actor outside it; empty rows
    /// (the default) constrain nothing. See [`Problem::set_red_line`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub red_lines: Vec<Vec<Option<(f64, f64)>>>,
}

/// The stances of the actors taking part in one issue, as parallel arrays (the form the
/// one-dimensional models compute on).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IssueData {
    /// Index into [`Problem::actors`] of each participant.
    pub actor: Vec<usize>,
    /// Capability of each participant.
    pub capability: Vec<f64>,
    pub position: Vec<f64>,
    /// Salience in [0, 1].
    pub salience: Vec<f64>,
    /// Each participant's acceptable range (its red line), when it has one: the dynamic
    /// models (EUM, SMP) never move a participant outside it. Empty = no constraint.
    pub bounds: Vec<Option<(f64, f64)>>,
}

impl IssueData {
    /// `x` moved back inside participant `i`'s acceptable range (unchanged without one).
    pub fn clamp(&self, i: usize, x: f64) -> f64 {
        match self.bounds.get(i).copied().flatten() {
            Some((lo, hi)) => x.clamp(lo, hi),
            None => x,
        }
    }
    pub fn len(&self) -> usize {
        self.position.len()
    }
    pub fn is_empty(&self) -> bool {
        self.position.is_empty()
    }
    /// Weights `capability × salience`.
    pub fn weights(&self) -> Vec<f64> {
        self.capability
            .iter()
            .zip(&self.salience)
            .map(|(c, s)| c * s)
            .collect()
    }
    /// Build from (capability, position, salience) triples; actors are numbered 0..n.
    pub fn from_triples(rows: &[(f64, f64, f64)]) -> Self {
        IssueData {
            actor: (0..rows.len()).collect(),
            capability: rows.iter().map(|r| r.0).collect(),
            position: rows.iter().map(|r| r.1).collect(),
            salience: rows.iter().map(|r| r.2).collect(),
            bounds: Vec::new(),
        }
    }
}

impl Problem {
    /// Per issue, its lower end and width (1 for a degenerate scale): what the spatial models
    /// use to map positions to [0, 1] and back.
    pub fn unit_scales(&self) -> Vec<(f64, f64)> {
        self.issues
            .iter()
            .map(|i| {
                let w = i.hi - i.lo;
                (i.lo, if w > 0.0 { w } else { 1.0 })
            })
            .collect()
    }
    /// An empty problem with the given actors and no issues.
    pub fn new(title: impl Into<String>, actors: Vec<ActorInfo>) -> Self {
        Problem {
            title: title.into(),
            actors,
            issues: Vec::new(),
            stances: Vec::new(),
            ktab: None,
            red_lines: Vec::new(),
        }
    }

    /// Set actor `a`'s acceptable range on issue `d` (its red line; `lo <= hi`).
    pub fn set_red_line(&mut self, d: usize, a: usize, lo: f64, hi: f64) {
        if self.red_lines.len() < self.issues.len() {
            self.red_lines
                .resize(self.issues.len(), vec![None; self.actors.len()]);
        }
        self.red_lines[d][a] = Some((lo.min(hi), hi.max(lo)));
    }

    /// Actor `a`'s acceptable range on issue `d`, when it has a red line.
    pub fn red_line(&self, d: usize, a: usize) -> Option<(f64, f64)> {
        self.red_lines
            .get(d)
            .and_then(|r| r.get(a))
            .copied()
            .flatten()
    }

    /// The same problem without any red line (the classic, unconstrained models).
    pub fn without_red_lines(&self) -> Problem {
        Problem {
            red_lines: Vec::new(),
            ..self.clone()
        }
    }

    /// Add an issue with one optional stance per actor.
    pub fn push_issue(&mut self, info: IssueInfo, stances: Vec<Option<StancePoint>>) {
        debug_assert_eq!(stances.len(), self.actors.len());
        self.issues.push(info);
        self.stances.push(stances);
    }

    /// A one-issue problem from (name, capability, position, salience 0–1) rows; the scale is
    /// the range of the positions.
    pub fn single(title: &str, rows: &[(&str, f64, f64, f64)]) -> Self {
        let actors = rows
            .iter()
            .map(|r| ActorInfo {
                id: r.0.to_string(),
                name: r.0.to_string(),
                capability: r.1,
            })
            .collect();
        let mut p = Problem::new(title, actors);
        let lo = rows.iter().map(|r| r.2).fold(f64::INFINITY, f64::min);
        let hi = rows.iter().map(|r| r.2).fold(f64::NEG_INFINITY, f64::max);
        p.push_issue(
            IssueInfo {
                id: "issue".into(),
                title: title.into(),
                lo: if lo.is_finite() { lo } else { 0.0 },
                hi: if hi.is_finite() { hi } else { 0.0 },
                status_quo: None,
                outcome: None,
            },
            rows.iter()
                .map(|r| {
                    Some(StancePoint {
                        position: r.2,
                        salience: r.3,
                    })
                })
                .collect(),
        );
        p
    }

    /// The largest capability (used to normalise capabilities to at most 1, which changes no
    /// forecast and keeps sums of huge capabilities finite); 1 when there is none.
    pub fn capability_scale(&self) -> f64 {
        let m = self
            .actors
            .iter()
            .map(|a| a.capability)
            .filter(|c| c.is_finite())
            .fold(0.0, f64::max);
        if m > 0.0 {
            m
        } else {
            1.0
        }
    }

    /// The participants of issue `d` as parallel arrays (capabilities divided by
    /// [`Problem::capability_scale`]).
    pub fn issue_data(&self, d: usize) -> IssueData {
        let mut out = IssueData::default();
        let scale = self.capability_scale();
        for (a, st) in self.stances[d].iter().enumerate() {
            if let Some(st) = st {
                out.actor.push(a);
                out.capability.push(self.actors[a].capability / scale);
                out.position.push(st.position);
                out.salience.push(st.salience);
                out.bounds.push(self.red_line(d, a));
            }
        }
        if out.bounds.iter().all(Option::is_none) {
            out.bounds.clear();
        }
        out
    }

    /// Check the numbers every model relies on: finite, capability ≥ 0, salience in [0, 1],
    /// at least one issue. Returns a message per problem found.
    pub fn validate(&self) -> Vec<String> {
        let mut errs = Vec::new();
        if self.issues.is_empty() {
            errs.push("no issue to forecast".to_string());
        }
        for a in &self.actors {
            if !(a.capability.is_finite() && a.capability >= 0.0) {
                errs.push(format!(
                    "actor {}: capability {} must be a number >= 0",
                    a.id, a.capability
                ));
            }
        }
        for (d, row) in self.stances.iter().enumerate() {
            for (a, st) in row.iter().enumerate() {
                if let Some(st) = st {
                    if !st.position.is_finite() {
                        errs.push(format!(
                            "actor {} on {}: position is not a number",
                            self.actors[a].id, self.issues[d].id
                        ));
                    }
                    if !(st.salience.is_finite() && (0.0..=1.0).contains(&st.salience)) {
                        errs.push(format!(
                            "actor {} on {}: salience {} must be in [0, 1]",
                            self.actors[a].id, self.issues[d].id, st.salience
                        ));
                    }
                }
            }
        }
        errs
    }
}
