//! The stacked alternating offers protocol (SAOP), bilateral and multilateral.
//!
//! Negotiators act in party order, one turn each per round. The first turn opens with an
//! offer. On every later turn the negotiator whose turn it is either accepts the standing
//! offer or rejects it and makes a counter-offer, which becomes the standing offer. An offer
//! is agreed when every other party has accepted it in turn (for two parties: the opponent
//! accepts). A negotiator may also end the negotiation. When the deadline passes (a number of
//! rounds and/or a wall-clock limit) the result is the disagreement outcome: every party gets
//! its reservation value.

use crate::arena::Arena;
use crate::derive_seed;
use crate::negotiator::{Negotiator, NegotiatorSpec, TurnContext};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

/// When discount factors are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiscountClock {
    /// `u · d^round` (round 0 undiscounted).
    #[default]
    Round,
    /// `u · d^t` with `t` the relative time in [0, 1] (GENIUS's convention).
    RelativeTime,
}

/// Protocol settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SaopConfig {
    /// Deadline in rounds (each negotiator acts once per round).
    pub rounds: Option<u32>,
    /// Wall-clock deadline. Relative time is then the larger of the round fraction and the
    /// elapsed fraction; a wall-clock limit makes results depend on machine speed.
    pub time_limit: Option<Duration>,
    /// A discount factor for every party, overriding the parties' own.
    pub discount: Option<f64>,
    pub discount_clock: DiscountClock,
    /// Keep the full offer trace (off in tournaments).
    pub record_trace: bool,
}

impl Default for SaopConfig {
    fn default() -> Self {
        SaopConfig {
            rounds: Some(100),
            time_limit: None,
            discount: None,
            discount_clock: DiscountClock::Round,
            record_trace: true,
        }
    }
}

/// Why a negotiation could not run.
#[derive(Debug, Clone, PartialEq)]
pub enum SimulateError {
    /// One negotiator per party is needed.
    NegotiatorCount { parties: usize, negotiators: usize },
    /// Neither a round limit nor a time limit.
    NoDeadline,
    /// A zero round limit.
    ZeroRounds,
    /// A discount factor outside (0, 1].
    BadDiscount(f64),
}

impl std::fmt::Display for SimulateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimulateError::NegotiatorCount { parties, negotiators } => write!(
                f,
                "{negotiators} negotiator(s) given for {parties} parties; give one per party, in party order"
            ),
            SimulateError::NoDeadline => write!(f, "a negotiation needs a deadline: rounds or a time limit"),
            SimulateError::ZeroRounds => write!(f, "the round limit must be at least 1"),
            SimulateError::BadDiscount(d) => write!(f, "discount factor {d} is not in (0, 1]"),
        }
    }
}

impl std::error::Error for SimulateError {}

/// What a negotiator did on its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Offer,
    Accept,
    End,
}

/// One turn of the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceStep {
    pub round: u32,
    pub party: usize,
    pub action: ActionKind,
    /// The outcome offered or accepted (`None` for `End`).
    pub outcome: Option<u32>,
}

/// The result of one negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct NegotiationResult {
    /// The agreed outcome, or `None` (disagreement).
    pub agreement: Option<u32>,
    /// Rounds used (the round of agreement + 1, or all rounds run).
    pub rounds: u32,
    /// Turns taken.
    pub turns: u64,
    /// Each party's payoff: discounted utility of the agreement, or its (discounted)
    /// reservation value on disagreement.
    pub utilities: Vec<f64>,
    /// Undiscounted utility vector of the result (reservation values on disagreement); the
    /// distances below are measured from it.
    pub raw_utilities: Vec<f64>,
    /// Party that ended the negotiation early, if one did.
    pub ended_by: Option<usize>,
    /// Party whose negotiator broke a rule (offered or accepted what it may not), if any.
    pub violation: Option<usize>,
    pub trace: Vec<TraceStep>,
    /// Distance from the result to the nearest Pareto-frontier point.
    pub pareto_distance: Option<f64>,
    /// Distance from the result to the Nash point.
    pub nash_distance: Option<f64>,
    /// Sum of the payoffs.
    pub welfare: f64,
}

/// Run one negotiation with negotiators built from `specs` (one per party, in party order);
/// each negotiator's random stream is derived from `seed` and its party index.
pub fn negotiate(
    arena: &Arena,
    specs: &[&NegotiatorSpec],
    config: &SaopConfig,
    seed: u64,
) -> Result<NegotiationResult, SimulateError> {
    let mut negotiators: Vec<Box<dyn Negotiator>> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| s.build(arena, i))
        .collect();
    run_saop(arena, &mut negotiators, config, seed)
}

/// Run the protocol with the given negotiator values (one per party, in party order).
pub fn run_saop(
    arena: &Arena,
    negotiators: &mut [Box<dyn Negotiator>],
    config: &SaopConfig,
    seed: u64,
) -> Result<NegotiationResult, SimulateError> {
    let n = arena.parties.len();
    if negotiators.len() != n {
        return Err(SimulateError::NegotiatorCount {
            parties: n,
            negotiators: negotiators.len(),
        });
    }
    if config.rounds.is_none() && config.time_limit.is_none() {
        return Err(SimulateError::NoDeadline);
    }
    if config.rounds == Some(0) {
        return Err(SimulateError::ZeroRounds);
    }
    if let Some(d) = config.discount {
        if !(d > 0.0 && d <= 1.0) {
            return Err(SimulateError::BadDiscount(d));
        }
    }
    let mut rngs: Vec<ChaCha8Rng> = (0..n)
        .map(|i| ChaCha8Rng::seed_from_u64(derive_seed(seed, i as u64)))
        .collect();
    let total_turns: Option<u64> = config.rounds.map(|r| r as u64 * n as u64);
    let start = config.time_limit.map(|_| Instant::now());
    let mut trace = Vec::new();
    // Standing offer: (outcome, proposer, number of acceptances so far).
    let mut standing: Option<(u32, usize, usize)> = None;
    let mut agreement = None;
    let mut ended_by = None;
    let mut violation = None;
    let mut turn: u64 = 0;
    let mut time = 0.0;
    let mut round = 0u32;
    loop {
        if total_turns.is_some_and(|tt| turn >= tt) {
            break;
        }
        time = match total_turns {
            Some(tt) if tt > 1 => turn as f64 / (tt - 1) as f64,
            _ => 0.0,
        };
        if let (Some(limit), Some(start)) = (config.time_limit, start) {
            let elapsed = start.elapsed().as_secs_f64() / limit.as_secs_f64().max(1e-12);
            if elapsed >= 1.0 {
                break;
            }
            time = time.max(elapsed);
        }
        let me = (turn % n as u64) as usize;
        round = (turn / n as u64) as u32;
        let cx = TurnContext {
            arena,
            me,
            round,
            time,
        };
        let party = &arena.parties[me];
        let rng = &mut rngs[me];
        let neg = &mut negotiators[me];
        turn += 1;
        if let Some((offer, from, accepted)) = standing {
            if from != me && neg.respond(&cx, offer, from, rng) {
                if !party.offerable(offer) {
                    violation = Some(me);
                    break;
                }
                if config.record_trace {
                    trace.push(TraceStep {
                        round,
                        party: me,
                        action: ActionKind::Accept,
                        outcome: Some(offer),
                    });
                }
                if accepted + 1 == n - 1 {
                    agreement = Some(offer);
                    break;
                }
                standing = Some((offer, from, accepted + 1));
                continue;
            }
        }
        match neg.propose(&cx, rng) {
            Some(o) if (o as usize) < arena.len() && party.offerable(o) => {
                if config.record_trace {
                    trace.push(TraceStep {
                        round,
                        party: me,
                        action: ActionKind::Offer,
                        outcome: Some(o),
                    });
                }
                standing = Some((o, me, 0));
                for (j, other) in negotiators.iter_mut().enumerate() {
                    if j != me {
                        other.observe(
                            &TurnContext {
                                arena,
                                me: j,
                                round,
                                time,
                            },
                            me,
                            o,
                        );
                    }
                }
            }
            Some(_) => {
                violation = Some(me);
                break;
            }
            None => {
                if config.record_trace {
                    trace.push(TraceStep {
                        round,
                        party: me,
                        action: ActionKind::End,
                        outcome: None,
                    });
                }
                ended_by = Some(me);
                break;
            }
        }
    }
    let rounds = match agreement {
        Some(_) => round + 1,
        None => turn.div_ceil(n as u64) as u32,
    };
    let raw: Vec<f64> = match agreement {
        Some(o) => arena.utilities(o),
        None => arena.parties.iter().map(|p| p.reservation).collect(),
    };
    let utilities: Vec<f64> = arena
        .parties
        .iter()
        .zip(&raw)
        .map(|(p, &u)| match config.discount.or(p.discount) {
            Some(d) if d < 1.0 => {
                let exponent = match config.discount_clock {
                    DiscountClock::Round => round as f64,
                    DiscountClock::RelativeTime => time,
                };
                u * d.powf(exponent)
            }
            _ => u,
        })
        .collect();
    Ok(NegotiationResult {
        agreement,
        rounds,
        turns: turn,
        pareto_distance: arena.pareto_distance(&raw),
        nash_distance: arena.nash_distance(&raw),
        welfare: utilities.iter().sum(),
        utilities,
        raw_utilities: raw,
        ended_by,
        violation,
        trace,
    })
}
