//! detente-simulate: negotiation simulation on a discrete outcome space.
//!
//! - [`Arena`]: the prepared problem. Every outcome's utility for every party is computed
//!   once, each party's offerable outcomes (no red line crossed, at or above its reservation
//!   value) are sorted by utility so that negotiators find "the outcome closest to my target"
//!   by binary search, and the Pareto frontier and Nash point are found once for the
//!   distances. A tournament shares one arena across all its negotiations.
//! - [`mechanism`]: the stacked alternating offers protocol (SAOP), bilateral and
//!   multilateral, with deadlines in rounds and/or wall-clock time, discounting, reservation
//!   values and the disagreement outcome.
//! - [`negotiator`]: the [`Negotiator`] trait and the built-in strategies (time-based
//!   Boulware/linear/conceder, naive and relative tit-for-tat, hardheaded, random, Nash
//!   seeker, frequency-model learner), named on the command line as `boulware:e=0.2`.
//! - [`tournament`]: every assignment of negotiators to parties, repeated with seeds derived
//!   from one master seed, run in parallel with identical results whatever the thread count.
//!
//! Invariants: an agreement is always an outcome of the space that every party may accept
//! (no red line crossed, utility at or above every reservation value) — the mechanism checks
//! each offer and acceptance against the acting party's tables; the same seed gives the same
//! trace (no wall-clock limit).

pub mod arena;
pub mod mechanism;
pub mod negotiator;
pub mod tournament;

mod domain;

pub use arena::{AdditiveTable, Arena, ArenaError, Party, PartyTable};
pub use domain::{arena_from_domain, MAX_OUTCOMES};
pub use mechanism::{
    negotiate, run_saop, ActionKind, DiscountClock, NegotiationResult, SaopConfig, SimulateError,
    TraceStep,
};
pub use negotiator::{Negotiator, NegotiatorSpec, Strategy, TurnContext, NEGOTIATOR_NAMES};
pub use tournament::{
    run_tournament, run_tournament_cancellable, NegotiatorSummary, RunRecord, TournamentConfig,
    TournamentResult,
};

/// Derive an independent seed from a master seed and a task index (SplitMix64 finaliser on
/// both), so that per-task random streams do not depend on scheduling.
pub fn derive_seed(seed: u64, index: u64) -> u64 {
    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    mix(mix(seed.wrapping_add(0x9e37_79b9_7f4a_7c15)) ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}
