//! Tournaments: every assignment of negotiators to parties (with repetition, so each
//! negotiator also meets itself), each repeated `reps` times with seeds derived from one
//! master seed and the run's index. Runs execute in parallel (rayon) and are collected in
//! index order, so the result is identical whatever the number of threads.

use crate::arena::Arena;
use crate::derive_seed;
use crate::mechanism::{negotiate, SaopConfig};
use crate::negotiator::NegotiatorSpec;
use rayon::prelude::*;

/// Largest number of negotiations one tournament may run.
pub const MAX_RUNS: u64 = 50_000_000;

/// Tournament settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TournamentConfig {
    pub reps: u32,
    pub seed: u64,
    /// Protocol settings for every run (the trace is never recorded).
    pub saop: SaopConfig,
}

/// One negotiation of a tournament.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Index into the negotiator list, per party.
    pub assignment: Vec<usize>,
    pub rep: u32,
    pub seed: u64,
    pub agreement: Option<u32>,
    pub rounds: u32,
    pub utilities: Vec<f64>,
    pub welfare: f64,
    pub pareto_distance: Option<f64>,
    pub nash_distance: Option<f64>,
}

/// Per-negotiator aggregates over every role it played in every run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NegotiatorSummary {
    pub negotiator: String,
    /// Number of (run, role) pairs the negotiator played.
    pub plays: u64,
    pub mean_utility: f64,
    pub agreement_rate: f64,
    pub mean_welfare: f64,
    /// Mean over plays where a Nash point exists (`None` when it never does).
    pub mean_nash_distance: Option<f64>,
    pub mean_pareto_distance: Option<f64>,
    pub mean_rounds: f64,
}

/// All runs (in index order) and the per-negotiator summary (in negotiator order).
#[derive(Debug, Clone, PartialEq)]
pub struct TournamentResult {
    pub runs: Vec<RunRecord>,
    pub summary: Vec<NegotiatorSummary>,
}

/// Number of negotiations a tournament would run.
pub fn run_count(negotiators: usize, parties: usize, reps: u32) -> Option<u64> {
    (negotiators as u64)
        .checked_pow(parties as u32)?
        .checked_mul(reps as u64)
}

/// Run a tournament. `progress` is called once per finished negotiation (from worker threads).
pub fn run_tournament(
    arena: &Arena,
    specs: &[NegotiatorSpec],
    config: &TournamentConfig,
    progress: &(dyn Fn() + Sync),
) -> Result<TournamentResult, String> {
    run_tournament_cancellable(arena, specs, config, &|| {
        progress();
        true
    })
}

/// [`run_tournament`] whose `progress` callback returns `false` to cancel: negotiations not
/// yet started are skipped and the result is `Err("cancelled")`.
pub fn run_tournament_cancellable(
    arena: &Arena,
    specs: &[NegotiatorSpec],
    config: &TournamentConfig,
    progress: &(dyn Fn() -> bool + Sync),
) -> Result<TournamentResult, String> {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let k = specs.len();
    let m = arena.parties.len();
    if k == 0 {
        return Err("a tournament needs at least one negotiator".into());
    }
    if config.reps == 0 {
        return Err("--reps must be at least 1".into());
    }
    let total = run_count(k, m, config.reps)
        .filter(|&t| t <= MAX_RUNS)
        .ok_or_else(|| {
            format!(
                "{k} negotiators over {m} parties with {} repetitions is more than {MAX_RUNS} negotiations; use fewer negotiators or repetitions",
                config.reps
            )
        })?;
    let saop = SaopConfig {
        record_trace: false,
        ..config.saop.clone()
    };
    let reps = config.reps as u64;
    let runs: Result<Vec<RunRecord>, String> = (0..total)
        .into_par_iter()
        .map(|i| {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Err("cancelled".to_string());
            }
            let mut a = i / reps;
            let rep = (i % reps) as u32;
            let mut assignment = vec![0usize; m];
            for slot in assignment.iter_mut().rev() {
                *slot = (a % k as u64) as usize;
                a /= k as u64;
            }
            let chosen: Vec<&NegotiatorSpec> = assignment.iter().map(|&s| &specs[s]).collect();
            let seed = derive_seed(config.seed, i);
            let r = negotiate(arena, &chosen, &saop, seed).map_err(|e| e.to_string())?;
            if !progress() {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(RunRecord {
                assignment,
                rep,
                seed,
                agreement: r.agreement,
                rounds: r.rounds,
                utilities: r.utilities,
                welfare: r.welfare,
                pareto_distance: r.pareto_distance,
                nash_distance: r.nash_distance,
            })
        })
        .collect();
    let runs = runs?;
    if stop.load(std::sync::atomic::Ordering::Relaxed) {
        return Err("cancelled".into());
    }
    Ok(TournamentResult {
        summary: summarise(specs, &runs),
        runs,
    })
}

/// Per-negotiator aggregates of `runs` (from one or several tournaments with the same
/// negotiator list).
pub fn summarise(specs: &[NegotiatorSpec], runs: &[RunRecord]) -> Vec<NegotiatorSummary> {
    #[derive(Default, Clone)]
    struct Acc {
        plays: u64,
        utility: f64,
        agreements: u64,
        welfare: f64,
        nash: f64,
        nash_n: u64,
        pareto: f64,
        pareto_n: u64,
        rounds: f64,
    }
    let mut acc = vec![Acc::default(); specs.len()];
    for r in runs {
        for (role, &s) in r.assignment.iter().enumerate() {
            let a = &mut acc[s];
            a.plays += 1;
            a.utility += r.utilities[role];
            a.agreements += r.agreement.is_some() as u64;
            a.welfare += r.welfare;
            a.rounds += r.rounds as f64;
            if let Some(d) = r.nash_distance {
                a.nash += d;
                a.nash_n += 1;
            }
            if let Some(d) = r.pareto_distance {
                a.pareto += d;
                a.pareto_n += 1;
            }
        }
    }
    specs
        .iter()
        .zip(acc)
        .map(|(s, a)| {
            let n = a.plays.max(1) as f64;
            NegotiatorSummary {
                negotiator: s.label.clone(),
                plays: a.plays,
                mean_utility: a.utility / n,
                agreement_rate: a.agreements as f64 / n,
                mean_welfare: a.welfare / n,
                mean_nash_distance: (a.nash_n > 0).then(|| a.nash / a.nash_n as f64),
                mean_pareto_distance: (a.pareto_n > 0).then(|| a.pareto / a.pareto_n as f64),
                mean_rounds: a.rounds / n,
            }
        })
        .collect()
}
