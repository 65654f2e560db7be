//! detente-deals: the deal space of a negotiation.
//!
//! Given a [`Domain`] (an outcome space of packages and the veto players' linear additive
//! utilities with red lines and reservation values, from `detente-space`), [`analyse`] finds:
//!
//! - how many packages there are and how many every party accepts (the **zone of possible
//!   agreement**: no red line crossed and every party at or above its reservation value);
//! - the **Pareto frontier** of the zone (distinct non-dominated utility vectors, strict
//!   dominance; each represented by its lowest-index package);
//! - the **bargaining solutions** on the frontier, relative to the disagreement point
//!   `d_i = max(reservation_i, lowest utility of party i over the whole space)` (with reservation
//!   0 this is the GENIUS conformance definition): **Nash** (max Π(u_i − d_i)), **egalitarian /
//!   Kalai** (max min(u_i − d_i)), **Kalai–Smorodinsky** (min spread of
//!   (u_i − d_i)/(max_i − d_i), max_i the best frontier utility of party i) and **max
//!   welfare** (max Σ u_i); ties go to higher welfare, then frontier order;
//! - the **top N** acceptable packages (and the top N rejected ones, with what rejects them)
//!   by a [`Criterion`];
//! - the **blockers**: per party, how many packages its red lines reject, how many are rejected
//!   by its red lines alone, and per red line how many packages it excludes;
//! - when the zone is empty, the **smallest red-line relaxations** that would open it: sets of
//!   red-line moves ordered by number of actors, then total distance moved (fraction of the
//!   issue's range on ordered issues; 1 per un-rejected option on unordered ones), each with
//!   the number of packages it opens and an example package.
//!
//! # Scale and memory
//! The space is never materialised. It is streamed in chunks of consecutive package indices
//! (default 2^16) processed in parallel with rayon; an odometer with prefix sums makes each
//! step O(parties). Memory is O(T·C·P) for T worker threads, chunk size C and P parties (about
//! 4 MB per thread at the defaults with 3 parties: candidate points plus the dedup table), plus
//! O(F·P) per partial result in flight (a few per thread; F = frontier size) and O(N + K) for the
//! top lists and relaxations. Two parties: each chunk's frontier by
//! sort-and-sweep; more: sort-filter-skyline; chunk frontiers are merged. All merges are exact
//! with index tie-breaks, so results do not depend on the thread count.
//!
//! # Example
//! ```
//! use detente_deals::{analyse, DealOptions};
//! use detente_space::{Domain, LinearAdditive, OutcomeSpace, Party, SpaceIssue};
//!
//! let space = OutcomeSpace::new(vec![
//!     SpaceIssue::new("price", ["low", "mid", "high"]),
//!     SpaceIssue::new("delivery", ["fast", "slow"]),
//! ]);
//! let buyer = LinearAdditive::new(vec![0.7, 0.3], vec![vec![1.0, 0.5, 0.0], vec![1.0, 0.0]]);
//! let mut seller = LinearAdditive::new(vec![0.6, 0.4], vec![vec![0.0, 0.5, 1.0], vec![0.0, 1.0]]);
//! seller.rejected = vec![vec![true, false, false], vec![false, false]]; // red line: no low price
//! let domain = Domain {
//!     name: "example".into(),
//!     space,
//!     parties: vec![Party { name: "buyer".into(), utility: buyer }, Party { name: "seller".into(), utility: seller }],
//! };
//! let a = analyse(&domain, &DealOptions::default()).unwrap();
//! assert_eq!(a.outcomes, 6);
//! assert_eq!(a.acceptable, 4); // the seller rejects both low-price packages
//! let nash = a.nash.unwrap();
//! // Nash: max (0.35 - 0) * (0.7 - 0) over the zone
//! assert_eq!(domain.space.describe(&nash.outcome), "price: mid; delivery: slow");
//! ```
//!
//! Utilities are compared on a 2^-40 grid (≈ 9e-13), so packages whose utilities differ only by
//! floating-point rounding count as equal; reported utilities are exact.

mod engine;
mod relax;
mod skyline;

use detente_space::{Domain, Outcome};
use std::fmt;

/// How the top packages are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// Product of gains over the disagreement point.
    Nash,
    /// Sum of utilities.
    Welfare,
    /// Smallest gain over the disagreement point.
    Egalitarian,
}

impl Criterion {
    pub const ALL: [(&'static str, Criterion); 3] = [
        ("nash", Criterion::Nash),
        ("welfare", Criterion::Welfare),
        ("egalitarian", Criterion::Egalitarian),
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map(|(s, _)| *s)
            .unwrap_or("nash")
    }
}

impl std::str::FromStr for Criterion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, c)| *c)
            .ok_or_else(|| {
                format!(
                    "unknown criterion `{s}`; use one of {}",
                    Self::ALL
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

/// Options for [`analyse`].
#[derive(Debug, Clone, PartialEq)]
pub struct DealOptions {
    /// How many top packages (and top rejected packages) to list.
    pub top: usize,
    pub by: Criterion,
    /// How many relaxations to list when the zone is empty.
    pub relaxations: usize,
    /// Packages per chunk of the streaming pass.
    pub chunk_size: u64,
    /// Refuse spaces larger than this (they would take too long); discretise more coarsely.
    pub max_outcomes: u64,
    /// Conditional red lines (from a scenario's conditional linkages,
    /// `Domain::conditional_red_lines`); at most 64 are counted separately in blockers.
    pub conditionals: Vec<detente_space::ConditionalRedLine>,
}

impl Default for DealOptions {
    fn default() -> Self {
        DealOptions {
            top: 5,
            by: Criterion::Nash,
            relaxations: 5,
            chunk_size: 1 << 16,
            max_outcomes: 50_000_000_000,
            conditionals: Vec::new(),
        }
    }
}

/// A package with every party's utility (party order of the domain).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Package {
    pub index: u64,
    pub outcome: Outcome,
    pub utilities: Vec<f64>,
}

/// A package and its score under the chosen criterion.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Scored {
    pub package: Package,
    pub score: f64,
}

/// One red line a package crosses: `party` rejects `value` of `issue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Crossing {
    pub party: usize,
    pub issue: usize,
    pub value: u32,
}

/// A package outside the zone and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rejected {
    pub package: Package,
    pub score: f64,
    pub red_lines: Vec<Crossing>,
    /// Parties for whom the package is below their reservation value.
    pub below_reservation: Vec<usize>,
    /// Conditional red lines (linkage ids) the package crosses, with their party.
    pub conditional: Vec<ConditionalCrossing>,
}

/// A conditional red line a package crosses (or, in a blocker, how many packages it rejects).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConditionalCrossing {
    pub party: usize,
    /// The linkage id.
    pub linkage: String,
    pub issue: usize,
    /// Packages it rejects beyond the plain red lines (blockers); 1 for one package.
    pub packages: u64,
}

/// How many packages one red line (a party on an issue) excludes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RedLineImpact {
    pub issue: usize,
    pub rejected_values: Vec<u32>,
    pub packages: u64,
}

/// A party whose red lines or reservation value exclude packages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Blocker {
    pub party: usize,
    /// Packages crossing at least one of its red lines.
    pub rejects: u64,
    /// Packages every other party accepts (and that meet every reservation) that only its red
    /// lines reject.
    pub sole: u64,
    /// Packages below its reservation value.
    pub below_reservation: u64,
    pub red_lines: Vec<RedLineImpact>,
    /// Its conditional red lines and the packages each rejects beyond the plain red lines.
    pub conditional: Vec<ConditionalCrossing>,
}

/// One red-line move: `party` accepts `to` on `issue` (moving from `from`, the nearest value it
/// accepts now, on ordered issues).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Move {
    pub party: usize,
    pub issue: usize,
    pub from: Option<u32>,
    pub to: u32,
    pub distance: f64,
    /// When the move is needed because of a conditional red line (its condition fails or is
    /// met with a value outside what it accepts): the linkage id.
    pub linkage: Option<String>,
}

/// A set of red-line moves that makes at least one package acceptable to all.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Relaxation {
    /// Parties that move, ascending.
    pub actors: Vec<usize>,
    pub distance: f64,
    pub moves: Vec<Move>,
    /// Packages acceptable to all after these moves.
    pub opens: u64,
    /// The best of them under the chosen criterion.
    pub example: Package,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Analysis {
    pub parties: Vec<String>,
    pub outcomes: u64,
    /// Packages in the zone of possible agreement.
    pub acceptable: u64,
    /// Per issue, per value: how many packages of the zone choose it (so an analyst sees what
    /// the zone forces: a value every acceptable package has, values none has).
    pub zone_values: Vec<Vec<u64>>,
    /// Packages meeting every reservation value (red lines ignored).
    pub reservation_ok: u64,
    /// Disagreement point per party.
    pub disagreement: Vec<f64>,
    /// Pareto frontier of the zone, sorted by utilities descending (first party first).
    pub pareto: Vec<Package>,
    pub nash: Option<Package>,
    pub egalitarian: Option<Package>,
    pub kalai_smorodinsky: Option<Package>,
    pub max_welfare: Option<Package>,
    pub by: Criterion,
    pub top: Vec<Scored>,
    pub top_rejected: Vec<Rejected>,
    pub blockers: Vec<Blocker>,
    /// Smallest relaxations (only when the zone is empty).
    pub relaxations: Vec<Relaxation>,
}

/// Why an analysis could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealError(pub String);

impl fmt::Display for DealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for DealError {}

/// Indices (into `points`) of the bargaining solutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Solutions {
    pub nash: usize,
    pub egalitarian: usize,
    pub kalai_smorodinsky: usize,
    pub max_welfare: usize,
}

/// Bargaining solutions over a set of utility vectors (normally the Pareto frontier) with
/// disagreement point `d`. `None` when `points` is empty.
pub fn bargaining(points: &[Vec<f64>], d: &[f64]) -> Option<Solutions> {
    if points.is_empty() {
        return None;
    }
    let p = d.len();
    let welfare: Vec<f64> = points.iter().map(|u| u.iter().sum()).collect();
    let best: Vec<f64> = (0..p)
        .map(|k| {
            points
                .iter()
                .map(|u| u[k])
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    // Lexicographic argmax over keys, treating differences below TIE as ties (so that results
    // do not hinge on floating-point rounding); full ties go to the earlier frontier point.
    const TIE: f64 = 1e-12;
    let argmax = |keys: &dyn Fn(usize) -> Vec<f64>| -> usize {
        let mut bi = 0;
        let mut bk = keys(0);
        for j in 1..points.len() {
            let k = keys(j);
            for (a, b) in k.iter().zip(&bk) {
                if a - b > TIE {
                    bi = j;
                    bk = k;
                    break;
                }
                if b - a > TIE {
                    break;
                }
            }
        }
        bi
    };
    let nash = argmax(&|j| {
        vec![
            points[j]
                .iter()
                .zip(d)
                .map(|(u, d)| (u - d).max(0.0))
                .product(),
            welfare[j],
        ]
    });
    let egalitarian = argmax(&|j| {
        vec![
            points[j]
                .iter()
                .zip(d)
                .map(|(u, d)| u - d)
                .fold(f64::INFINITY, f64::min),
            welfare[j],
        ]
    });
    let max_welfare = argmax(&|j| vec![welfare[j]]);
    let kalai_smorodinsky = argmax(&|j| {
        let g: Vec<f64> = (0..p)
            .map(|k| {
                if best[k] > d[k] {
                    (points[j][k] - d[k]) / (best[k] - d[k])
                } else {
                    1.0
                }
            })
            .collect();
        let lo = g.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = g.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // smallest spread, then the furthest from the disagreement point, then welfare
        vec![-(hi - lo), lo, welfare[j]]
    });
    Some(Solutions {
        nash,
        egalitarian,
        kalai_smorodinsky,
        max_welfare,
    })
}

/// Why one package is or is not in the zone of possible agreement.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Verdict {
    pub package: Package,
    /// No red line crossed and every party at or above its reservation value.
    pub acceptable: bool,
    pub red_lines: Vec<Crossing>,
    pub below_reservation: Vec<usize>,
    /// Conditional red lines the package crosses ([`explain_with`]).
    pub conditional: Vec<ConditionalCrossing>,
}

/// [`explain`] with conditional red lines: a value a conditional red line accepts under the
/// package's condition is not a plain crossing; the conditional red lines it crosses are listed.
pub fn explain_with(
    domain: &Domain,
    outcome: &[u32],
    conditionals: &[detente_space::ConditionalRedLine],
) -> Result<Verdict, DealError> {
    let mut v = explain(domain, outcome)?;
    for c in conditionals {
        let Some(&x) = outcome.get(c.issue) else {
            continue;
        };
        let accepted = c.accepts(outcome);
        // plain crossings on the conditioned issue are decided by the conditional red line
        v.red_lines.retain(|r| {
            !(r.party == c.party
                && r.issue == c.issue
                && (accepted || c.ok_when.get(x as usize) == Some(&true)))
        });
        if !accepted
            && !v
                .red_lines
                .iter()
                .any(|r| r.party == c.party && r.issue == c.issue)
        {
            v.conditional.push(ConditionalCrossing {
                party: c.party,
                linkage: c.name.clone(),
                issue: c.issue,
                packages: 1,
            });
        }
    }
    v.acceptable =
        v.red_lines.is_empty() && v.conditional.is_empty() && v.below_reservation.is_empty();
    Ok(v)
}

/// Explain one package: its utilities, the red lines it crosses and the parties it leaves below
/// their reservation value. `outcome` must have one valid value index per issue.
pub fn explain(domain: &Domain, outcome: &[u32]) -> Result<Verdict, DealError> {
    if outcome.len() != domain.space.issues.len()
        || outcome
            .iter()
            .zip(&domain.space.issues)
            .any(|(&v, i)| v as usize >= i.values.len())
    {
        return Err(DealError(
            "the package needs one valid value per issue".into(),
        ));
    }
    let pk = package(domain, domain.space.index_of(outcome));
    let mut red_lines = Vec::new();
    for (k, party) in domain.parties.iter().enumerate() {
        for (issue, &v) in pk.outcome.iter().enumerate() {
            if party.utility.rejects(issue, v) {
                red_lines.push(Crossing {
                    party: k,
                    issue,
                    value: v,
                });
            }
        }
    }
    let below_reservation: Vec<usize> = (0..domain.parties.len())
        .filter(|&k| pk.utilities[k] < domain.parties[k].utility.reservation - engine::RES_EPS)
        .collect();
    Ok(Verdict {
        acceptable: red_lines.is_empty() && below_reservation.is_empty(),
        package: pk,
        red_lines,
        below_reservation,
        conditional: Vec::new(),
    })
}

fn package(domain: &Domain, index: u64) -> Package {
    let outcome = domain.space.outcome_at(index);
    let utilities = domain.utilities(&outcome);
    Package {
        index,
        outcome,
        utilities,
    }
}

/// Analyse the deal space of a domain. See the crate docs for the definitions.
pub fn analyse(domain: &Domain, opts: &DealOptions) -> Result<Analysis, DealError> {
    analyse_with_progress(domain, opts, None)
}

/// [`analyse`] with a progress callback, called from worker threads after each chunk of the
/// main pass with `(packages done, total)`; returning `false` cancels the analysis, which then
/// returns `Err` ("cancelled"). Results do not depend on the callback.
pub fn analyse_with_progress(
    domain: &Domain,
    opts: &DealOptions,
    progress: Option<&(dyn Fn(u64, u64) -> bool + Sync)>,
) -> Result<Analysis, DealError> {
    domain.validate().map_err(DealError)?;
    let p = domain.parties.len();
    if p == 0 {
        return Err(DealError("the domain has no parties".into()));
    }
    if p > engine::MAX_PARTIES {
        return Err(DealError(format!(
            "{p} parties: the deal space handles at most {} (name fewer veto players)",
            engine::MAX_PARTIES
        )));
    }
    if domain.space.issues.is_empty() {
        return Err(DealError("the domain has no issues".into()));
    }
    if let Some(i) = domain.space.issues.iter().find(|i| i.values.is_empty()) {
        return Err(DealError(format!("issue `{}` has no values", i.name)));
    }
    let card = domain.space.cardinality();
    if card > opts.max_outcomes {
        return Err(DealError(format!(
            "{card} packages is more than the limit of {}; discretise scale issues more coarsely (a larger --step) or drop issues",
            opts.max_outcomes
        )));
    }
    let d: Vec<f64> = domain
        .parties
        .iter()
        .map(|x| x.utility.min_utility().max(x.utility.reservation))
        .collect();
    // Keep more candidate move sets than asked for: supersets of better ones are pruned at the end.
    let pool = if opts.relaxations == 0 {
        0
    } else {
        opts.relaxations * 4 + 16
    };
    let ctx = engine::context(
        domain,
        d.clone(),
        opts.by,
        opts.top,
        pool,
        &opts.conditionals,
    );
    let cancelled = std::sync::atomic::AtomicBool::new(false);
    let wrapped = |d: u64, t: u64| {
        let go = progress.is_none_or(|f| f(d, t));
        if !go {
            cancelled.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        go
    };
    // Small spaces: smaller chunks so that every thread gets several (results do not depend on
    // the chunk size).
    let per_thread = card
        .div_ceil(8 * rayon::current_num_threads() as u64)
        .max(4096);
    let chunk_size = opts.chunk_size.min(per_thread).max(1);
    let mut part = engine::run(&ctx, card, chunk_size, &Some(&wrapped));
    if cancelled.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(DealError("cancelled".into()));
    }

    // Frontier with exact utilities, sorted.
    let mut pareto: Vec<Package> = part
        .frontier
        .idx
        .iter()
        .map(|&i| package(domain, i))
        .collect();
    pareto.sort_by(|a, b| {
        b.utilities
            .iter()
            .zip(&a.utilities)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.index.cmp(&b.index))
    });
    let points: Vec<Vec<f64>> = pareto.iter().map(|x| x.utilities.clone()).collect();
    let sol = bargaining(&points, &d);
    let pick = |f: fn(&Solutions) -> usize| sol.as_ref().map(|s| pareto[f(s)].clone());

    let top = part
        .top
        .iter()
        .map(|&(score, i)| Scored {
            package: package(domain, i),
            score,
        })
        .collect();
    let top_rejected = part
        .top_rejected
        .iter()
        .map(|&(score, i)| {
            let pk = package(domain, i);
            let mut red_lines = Vec::new();
            for k in 0..p {
                for (issue, &v) in pk.outcome.iter().enumerate() {
                    // plain red lines (values a conditional red line may accept are left to it)
                    if ctx.rej[ctx.offs[issue] + v as usize] & (1 << k) != 0 {
                        red_lines.push(Crossing {
                            party: k,
                            issue,
                            value: v,
                        });
                    }
                }
            }
            let below_reservation = (0..p)
                .filter(|&k| {
                    pk.utilities[k] < domain.parties[k].utility.reservation - engine::RES_EPS
                })
                .collect();
            let conditional = ctx
                .conds
                .iter()
                .filter(|c| {
                    !c.accepts(&pk.outcome)
                        && ctx.rej[ctx.offs[c.issue] + pk.outcome[c.issue] as usize]
                            & (1 << c.party)
                            == 0
                })
                .map(|c| ConditionalCrossing {
                    party: c.party,
                    linkage: c.name.clone(),
                    issue: c.issue,
                    packages: 1,
                })
                .collect();
            Rejected {
                package: pk,
                score,
                red_lines,
                below_reservation,
                conditional,
            }
        })
        .collect();

    let mut blockers = Vec::new();
    for k in 0..domain.parties.len() {
        let mut red_lines = Vec::new();
        for (i, issue) in domain.space.issues.iter().enumerate() {
            let rejected_values: Vec<u32> = (0..issue.values.len() as u32)
                .filter(|&v| ctx.rej[ctx.offs[i] + v as usize] & (1 << k) != 0)
                .collect();
            if !rejected_values.is_empty() {
                let packages = card / issue.values.len() as u64 * rejected_values.len() as u64;
                red_lines.push(RedLineImpact {
                    issue: i,
                    rejected_values,
                    packages,
                });
            }
        }
        let conditional: Vec<ConditionalCrossing> = ctx
            .conds
            .iter()
            .enumerate()
            .filter(|(_, c)| c.party == k)
            .map(|(r, c)| ConditionalCrossing {
                party: k,
                linkage: c.name.clone(),
                issue: c.issue,
                packages: part.cond_rejects.get(r).copied().unwrap_or(0),
            })
            .collect();
        if !red_lines.is_empty() || part.below_res[k] > 0 || !conditional.is_empty() {
            blockers.push(Blocker {
                party: k,
                rejects: part.rejects[k],
                sole: part.sole[k],
                below_reservation: part.below_res[k],
                red_lines,
                conditional,
            });
        }
    }

    let mut relaxations = Vec::new();
    if part.acceptable == 0 && !part.relax.is_empty() {
        // Minimal sets only: drop a candidate when a better-ranked one needs a subset of its
        // moves (each of its moves covered by one of the candidate's).
        let covers = |big: &[(u32, u32, u32)], small: &[(u32, u32, u32)]| {
            small.iter().all(|&(p, i, v)| {
                big.iter().any(|&(q, j, w)| {
                    q == p
                        && j == i
                        && (w == v
                            || relax::covered_values(domain, q as usize, j as usize, w as usize)
                                .contains(&(v as usize)))
                })
            })
        };
        let mut kept: Vec<engine::RelaxCand> = Vec::new();
        for c in std::mem::take(&mut part.relax) {
            if kept.len() == opts.relaxations {
                break;
            }
            if !kept.iter().any(|x| covers(&c.moves, &x.moves)) {
                kept.push(c);
            }
        }
        part.relax = kept;
        let total_values = ctx
            .offs
            .last()
            .map(|&o| o + *ctx.sizes.last().unwrap() as usize)
            .unwrap_or(0);
        let mut allowed = Vec::new();
        for c in &part.relax {
            let mut table = vec![false; p * total_values];
            for &(party, issue, v) in &c.moves {
                for w in relax::covered_values(domain, party as usize, issue as usize, v as usize) {
                    table[party as usize * total_values + ctx.offs[issue as usize] + w] = true;
                }
                // a move forced by a conditional red line accepts its own value
                table[party as usize * total_values + ctx.offs[issue as usize] + v as usize] = true;
            }
            allowed.push(table);
        }
        let opens = engine::opened(&ctx, card, chunk_size, &allowed, total_values);
        for (c, opens) in part.relax.iter().zip(opens) {
            let moves: Vec<Move> = c
                .moves
                .iter()
                .map(|&(party, issue, v)| Move {
                    party: party as usize,
                    issue: issue as usize,
                    from: relax::nearest_accepted(
                        domain,
                        party as usize,
                        issue as usize,
                        v as usize,
                    )
                    .map(|a| a as u32),
                    to: v,
                    distance: {
                        let at = ctx.offs[issue as usize] + v as usize;
                        if ctx.rej[at] & (1 << party) != 0 {
                            ctx.party_dist[party as usize * total_values + at]
                        } else {
                            ctx.party_dist[party as usize * total_values + at]
                                .max(engine::COND_MIN_DIST)
                        }
                    },
                    linkage: {
                        let at = ctx.offs[issue as usize] + v as usize;
                        (ctx.rej[at] & (1 << party) == 0)
                            .then(|| {
                                ctx.conds
                                    .iter()
                                    .find(|c| {
                                        c.party == party as usize && c.issue == issue as usize
                                    })
                                    .map(|c| c.name.clone())
                            })
                            .flatten()
                    },
                })
                .collect();
            let mut actors: Vec<usize> = moves.iter().map(|m| m.party).collect();
            actors.sort_unstable();
            actors.dedup();
            relaxations.push(Relaxation {
                actors,
                distance: moves.iter().map(|m| m.distance).sum(),
                moves,
                opens,
                example: package(domain, c.example.1),
            });
        }
    }

    Ok(Analysis {
        parties: domain.parties.iter().map(|x| x.name.clone()).collect(),
        outcomes: part.outcomes,
        acceptable: part.acceptable,
        reservation_ok: part.reservation_ok,
        zone_values: {
            let mut zv = part.zone_values.clone();
            zv.resize(ctx.rej.len(), 0);
            ctx.offs
                .iter()
                .zip(&ctx.sizes)
                .map(|(&o, &n)| zv[o..o + n as usize].to_vec())
                .collect()
        },
        disagreement: d,
        nash: pick(|s| s.nash),
        egalitarian: pick(|s| s.egalitarian),
        kalai_smorodinsky: pick(|s| s.kalai_smorodinsky),
        max_welfare: pick(|s| s.max_welfare),
        pareto,
        by: opts.by,
        top,
        top_rejected,
        blockers,
        relaxations,
    })
}
