//! detente-forecast: where will each issue end up, and how sure are we?
//!
//! The classic one-dimensional bargaining models (the compromise model, the weighted median,
//! the expected utility model of Bueno de Mesquita as replicated by Scholz, Calbert & Smith
//! 2011, the Nash bargaining solution), a multi-dimensional spatial model in the spirit of
//! KTAB's SMP, Monte Carlo uncertainty, sensitivity (tornado) analysis, advice for one actor,
//! and backtests against known outcomes.
//!
//! Inputs are plain values ([`Problem`]): actors with a capability, and per issue each actor's
//! position and salience (0–1). Readers build a problem from a scenario, a plain
//! `Actor,Capability,Position,Salience` CSV, a KTAB CSV or a DEU CSV ([`io`]). Every model
//! implements [`Model`]; results are plain values that derive `serde::Serialize`. Rendering
//! (tables, JSON, SVG) belongs to the CLI.

pub mod backtest;
pub mod baseline;
pub mod data;
pub mod eum;
pub mod io;
pub mod ktab_core;
pub mod ktab_model;
pub mod ktab_params;
pub mod ktab_prng;
pub mod ktab_smp;
pub mod ktab_xml;
pub mod model;
pub mod montecarlo;
pub mod nash;
pub mod problem;
pub mod sensitivity;
pub mod smp;

pub use baseline::{weighted_mean, weighted_median, Compromise, WeightedMedian};
pub use model::{Interaction, IssueForecast, IssueModel, Model, PairOutcome, Round, Solved};
pub use problem::{ActorInfo, IssueData, IssueInfo, Problem, StancePoint};

pub use eum::{Eum, EumOptions};
pub use ktab_model::KtabSmp;
pub use ktab_params::{KtabOptions, KtabParams};
pub use nash::{Nash, NashOptions};
pub use smp::{Smp, SmpOptions};

/// The model names, in output order.
pub const MODEL_NAMES: &[&str] = &["mean", "median", "eum", "smp", "nash"];

/// Models that can be asked for by name but are not in `all`: `smp-detente`, detente's own
/// spatial model (documented in docs/forecast.md; not KTAB's algorithm).
pub const EXTRA_MODEL_NAMES: &[&str] = &["smp-detente"];

/// The options of every model (each with its documented default).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ModelConfig {
    pub eum: EumOptions,
    /// Options of `smp-detente`.
    pub smp: SmpOptions,
    pub nash: NashOptions,
    /// Options of `smp` (KTAB's spatial model): overrides of KTAB's parameters.
    pub ktab: KtabOptions,
}

/// Build a model by name (`mean`, `median`, `eum`, `smp`, `nash`, `smp-detente`).
pub fn build_model(name: &str, config: &ModelConfig) -> Option<Box<dyn Model>> {
    Some(match name {
        "mean" => Box::new(Compromise),
        "median" => Box::new(WeightedMedian),
        "eum" => Box::new(Eum::new(config.eum)),
        "smp" => Box::new(KtabSmp::new(config.ktab)),
        "smp-detente" => Box::new(Smp::new(config.smp)),
        "nash" => Box::new(Nash {
            options: config.nash,
        }),
        _ => return None,
    })
}
