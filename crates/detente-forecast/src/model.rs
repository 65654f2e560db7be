//! The [`Model`] trait every forecasting model implements, and the result types.

use crate::problem::{IssueData, Problem};
use serde::Serialize;

/// How a pair of actors relates in one EUM round (Bueno de Mesquita's octants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interaction {
    /// Both expect to gain from challenging the other; the weaker one gives in fully.
    Conflict,
    /// One side expects to gain, the other to lose less than that: the loser moves part way.
    Compromise,
    /// One side expects to gain, the other to lose more than that: the loser moves fully.
    Compel,
    /// Neither expects to gain from a challenge: nothing happens.
    StatusQuo,
}

/// The classification of one pair of participants in one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairOutcome {
    /// Indices into [`Problem::actors`].
    pub a: usize,
    pub b: usize,
    pub kind: Interaction,
    /// The actor with the upper hand (`None` for status quo).
    pub winner: Option<usize>,
    /// E_a(challenge b) and E_b(challenge a) as used for the classification.
    pub eu_ab: f64,
    pub eu_ba: f64,
}

/// The state of an iterative model at one round (round 0 = the initial positions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    pub round: usize,
    /// Position of each participant (aligned with [`IssueForecast::actors`]).
    pub positions: Vec<f64>,
    /// Capability × salience weighted median of the positions.
    pub median: f64,
    /// Capability × salience weighted mean of the positions.
    pub mean: f64,
    /// Risk exponents r_i used to compute the moves that follow this round (EUM only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub risk: Vec<f64>,
    /// Pairwise classification that produced the next round (EUM only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<PairOutcome>,
    /// KTAB spatial model only: winning probabilities and challenges of this state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smp: Option<Box<crate::ktab_model::SmpRoundDetail>>,
}

/// One model's forecast of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueForecast {
    /// Index into [`Problem::issues`].
    pub issue: usize,
    /// The forecast outcome; `None` when no actor with positive weight takes part.
    pub forecast: Option<f64>,
    /// The participants (indices into [`Problem::actors`]).
    pub actors: Vec<usize>,
    /// Round-by-round trace (iterative models only).
    pub rounds: Vec<Round>,
    /// Free-text notes on how the forecast was reached (e.g. a degenerate case).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A forecasting model: takes a [`Problem`], returns one forecast per issue.
pub trait Model: Send + Sync {
    /// Short name used on the command line and in output (`mean`, `median`, `eum`, …).
    fn name(&self) -> &'static str;
    /// Full forecast of every issue, with round-by-round traces where the model has rounds.
    fn forecast(&self, problem: &Problem) -> Vec<IssueForecast>;
    /// Point forecasts only (the fast path used by Monte Carlo and sensitivity analysis).
    fn point(&self, problem: &Problem) -> Vec<Option<f64>> {
        self.forecast(problem)
            .into_iter()
            .map(|f| f.forecast)
            .collect()
    }
}

/// A model that forecasts each issue on its own.
pub trait IssueModel: Send + Sync {
    fn name(&self) -> &'static str;
    /// Forecast one issue; `status_quo` is the issue's reference point when known, and
    /// `lo..=hi` its scale.
    fn solve(&self, data: &IssueData, scale: (f64, f64), status_quo: Option<f64>) -> Solved;
    /// Point forecast only; defaults to [`IssueModel::solve`].
    fn solve_point(
        &self,
        data: &IssueData,
        scale: (f64, f64),
        status_quo: Option<f64>,
    ) -> Option<f64> {
        self.solve(data, scale, status_quo).forecast
    }
}

/// What an [`IssueModel`] returns for one issue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Solved {
    pub forecast: Option<f64>,
    pub rounds: Vec<Round>,
    pub notes: Vec<String>,
}

impl<M: IssueModel> Model for M {
    fn name(&self) -> &'static str {
        IssueModel::name(self)
    }
    fn forecast(&self, problem: &Problem) -> Vec<IssueForecast> {
        (0..problem.issues.len())
            .map(|d| {
                let data = problem.issue_data(d);
                let info = &problem.issues[d];
                let s = self.solve(&data, (info.lo, info.hi), info.status_quo);
                IssueForecast {
                    issue: d,
                    forecast: s.forecast,
                    actors: data.actor,
                    rounds: s.rounds,
                    notes: s.notes,
                }
            })
            .collect()
    }
    fn point(&self, problem: &Problem) -> Vec<Option<f64>> {
        (0..problem.issues.len())
            .map(|d| {
                let data = problem.issue_data(d);
                let info = &problem.issues[d];
                self.solve_point(&data, (info.lo, info.hi), info.status_quo)
            })
            .collect()
    }
}
