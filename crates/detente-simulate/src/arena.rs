//! The prepared negotiation problem: every outcome's utility for every party, computed once,
//! plus each party's offerable outcomes sorted by utility, the Pareto frontier and the Nash
//! point. One [`Arena`] is shared (read-only) by every negotiation of a tournament.

use rayon::prelude::*;

/// Spaces up to this many outcomes get a full per-outcome utility table (one load per
/// utility; at most 9 MiB per party).
const TABULATE_UP_TO: usize = 1 << 20;

/// Below this many items, preparation runs on the calling thread (handing tiny jobs to the
/// thread pool costs more than it saves).
const PARALLEL_FROM: usize = 1 << 15;

/// One party's view of the outcome space, given as plain tables (index = outcome index).
#[derive(Debug, Clone, PartialEq)]
pub struct PartyTable {
    /// The party's name (as `detente deals` names it).
    pub name: String,
    /// Undiscounted utility of every outcome, in [0, 1] by convention.
    pub utilities: Vec<f64>,
    /// `false` where the outcome crosses one of the party's red lines.
    pub allowed: Vec<bool>,
    /// Utility of no agreement.
    pub reservation: f64,
    /// Per-round discount factor in (0, 1], if any.
    pub discount: Option<f64>,
}

/// Why an arena could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum ArenaError {
    /// Fewer than two parties.
    TooFewParties(usize),
    /// The outcome space is empty or larger than `limit` outcomes.
    BadSpaceSize { size: u128, limit: u64 },
    /// A party's tables do not have one entry per outcome.
    TableLength {
        party: String,
        expected: usize,
        found: usize,
    },
    /// A utility, reservation value or discount factor is not a finite number in range.
    BadNumber { party: String, what: String },
}

impl std::fmt::Display for ArenaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArenaError::TooFewParties(n) => {
                write!(f, "a negotiation needs at least two parties, found {n}")
            }
            ArenaError::BadSpaceSize { size, limit } => write!(
                f,
                "the outcome space has {size} outcomes; simulation supports 1 to {limit} outcomes (use fewer issues or options, or a coarser --step)"
            ),
            ArenaError::TableLength { party, expected, found } => write!(
                f,
                "party `{party}`: {found} utilities given for an outcome space of {expected} outcomes"
            ),
            ArenaError::BadNumber { party, what } => write!(f, "party `{party}`: {what}"),
        }
    }
}

impl std::error::Error for ArenaError {}

/// A linear additive utility function given by its per-issue contributions
/// (`weight · value`). The arena tabulates it in two halves of about √n entries each, so that
/// large spaces need no per-outcome table and a utility costs two lookups.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditiveTable {
    pub name: String,
    /// `contrib[issue][value]` = weight of the issue × value of the option.
    pub contrib: Vec<Vec<f64>>,
    /// `rejected[issue][value]`: the party's red lines (empty inner vectors: none).
    pub rejected: Vec<Vec<bool>>,
    /// Cap the total at 1 (GENIUS).
    pub cap_at_one: bool,
    pub reservation: f64,
    pub discount: Option<f64>,
}

/// How a party's utility of an outcome is found.
#[derive(Debug, Clone)]
enum UtilityFn {
    Table {
        utilities: Vec<f64>,
        allowed: Vec<bool>,
    },
    /// Linear additive, split in two: issues `0..s` (high part, index `o / low`) and `s..`
    /// (low part, index `o % low`), each tabulated, so that `u(o) = hi[o / low] + lo[o % low]`.
    /// Both tables have about √n entries.
    Additive {
        low: u32,
        hi_u: Vec<f64>,
        lo_u: Vec<f64>,
        hi_ok: Vec<bool>,
        lo_ok: Vec<bool>,
        cap: bool,
    },
}

impl UtilityFn {
    /// The same function as a full per-outcome table (no division per lookup).
    fn tabulated(self) -> UtilityFn {
        match self {
            UtilityFn::Additive {
                hi_u,
                lo_u,
                hi_ok,
                lo_ok,
                cap,
                ..
            } => {
                let n = hi_u.len() * lo_u.len();
                let mut utilities = Vec::with_capacity(n);
                let mut allowed = Vec::with_capacity(n);
                for (hu, hok) in hi_u.iter().zip(&hi_ok) {
                    for (lu, lok) in lo_u.iter().zip(&lo_ok) {
                        let u = hu + lu;
                        utilities.push(if cap && u > 1.0 { 1.0 } else { u });
                        allowed.push(*hok && *lok);
                    }
                }
                UtilityFn::Table { utilities, allowed }
            }
            table => table,
        }
    }
}

/// A party inside an [`Arena`], with its precomputed orderings.
#[derive(Debug, Clone)]
pub struct Party {
    pub name: String,
    util: UtilityFn,
    pub reservation: f64,
    /// Disagreement point for the Nash product: `max(reservation, lowest utility over the
    /// whole space)` (with reservation 0 this is the GENIUS conformance definition).
    pub disagreement: f64,
    pub discount: Option<f64>,
    /// The outcomes this party may offer or accept (allowed and at or above the reservation
    /// value), sorted by ascending utility (ties by outcome index).
    pub sorted: Vec<u32>,
    /// `utility(sorted[k])`, for binary search.
    pub sorted_utils: Vec<f64>,
    /// `nash_above[k]`: among `sorted[k..]`, the outcome with the largest Nash product
    /// (`u32::MAX` when none of them is acceptable to every party); computed on first use
    /// (see [`Arena::nash_above`]).
    nash_above: std::sync::OnceLock<Vec<u32>>,
}

impl Party {
    /// Utility of outcome `o` (undiscounted).
    #[inline]
    pub fn utility(&self, o: u32) -> f64 {
        match &self.util {
            UtilityFn::Table { utilities, .. } => utilities[o as usize],
            UtilityFn::Additive {
                low,
                hi_u,
                lo_u,
                cap,
                ..
            } => {
                let u = hi_u[(o / low) as usize] + lo_u[(o % low) as usize];
                if *cap && u > 1.0 {
                    1.0
                } else {
                    u
                }
            }
        }
    }

    /// Lowest utility over the whole space (red lines and reservation ignored).
    fn lowest(&self) -> f64 {
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        match &self.util {
            UtilityFn::Table { utilities, .. } => min(utilities),
            UtilityFn::Additive {
                hi_u, lo_u, cap, ..
            } => {
                let u = min(hi_u) + min(lo_u);
                if *cap && u > 1.0 {
                    1.0
                } else {
                    u
                }
            }
        }
    }

    /// True when `o` crosses none of the party's red lines.
    #[inline]
    pub fn allowed(&self, o: u32) -> bool {
        match &self.util {
            UtilityFn::Table { allowed, .. } => allowed[o as usize],
            UtilityFn::Additive {
                low, hi_ok, lo_ok, ..
            } => hi_ok[(o / low) as usize] && lo_ok[(o % low) as usize],
        }
    }

    /// True when this party may offer or accept `o` (no red line crossed, at or above the
    /// reservation value).
    #[inline]
    pub fn offerable(&self, o: u32) -> bool {
        self.allowed(o) && self.utility(o) >= self.reservation
    }

    /// The best utility this party can get from an offerable outcome.
    pub fn best(&self) -> Option<f64> {
        self.sorted_utils.last().copied()
    }

    /// The worst utility among the offerable outcomes.
    pub fn worst(&self) -> Option<f64> {
        self.sorted_utils.first().copied()
    }

    /// Position in `sorted` of the first outcome whose utility is at least `target`
    /// (`sorted.len()` when none is).
    #[inline]
    pub fn first_at_least(&self, target: f64) -> usize {
        self.sorted_utils.partition_point(|&u| u < target)
    }

    /// The offerable outcome with the lowest utility at or above `target`; the best outcome
    /// when the target is above every utility. `None` when nothing is offerable.
    #[inline]
    pub fn outcome_at_least(&self, target: f64) -> Option<u32> {
        let k = self
            .first_at_least(target)
            .min(self.sorted.len().checked_sub(1)?);
        Some(self.sorted[k])
    }
}

/// The prepared problem: a discrete outcome space (mixed radix, last issue fastest) and every
/// party's utility for every outcome.
#[derive(Debug, Clone)]
pub struct Arena {
    /// Number of values of each issue.
    pub cardinalities: Vec<u32>,
    strides: Vec<u32>,
    n: usize,
    pub parties: Vec<Party>,
    /// The Nash point: the outcome maximising `Π (u_i − d_i)` over outcomes acceptable to every
    /// party, with `d_i` each party's [`disagreement`](Party::disagreement) (the definition
    /// `detente deals` uses); ties to the higher welfare, then the lowest index. `None` when
    /// no outcome is acceptable to all.
    pub nash: Option<u32>,
    /// The Pareto frontier among the outcomes acceptable to every party: distinct
    /// non-dominated utility vectors (strict dominance).
    pub pareto: Vec<Vec<f64>>,
}

impl Arena {
    /// Build an arena from an issue structure (number of values per issue) and one table per
    /// party. Outcome `o` decodes to value indices by mixed radix, the last issue fastest.
    pub fn new(cardinalities: Vec<u32>, tables: Vec<PartyTable>) -> Result<Arena, ArenaError> {
        let (n, strides) = Self::shape(&cardinalities, tables.len())?;
        let mut parties = Vec::with_capacity(tables.len());
        for t in tables {
            if t.utilities.len() != n || t.allowed.len() != n {
                return Err(ArenaError::TableLength {
                    party: t.name,
                    expected: n,
                    found: t.utilities.len().min(t.allowed.len()),
                });
            }
            if let Some(bad) = t.utilities.iter().find(|u| !u.is_finite()) {
                return Err(ArenaError::BadNumber {
                    party: t.name,
                    what: format!("utility {bad} is not a finite number"),
                });
            }
            check_numbers(&t.name, t.reservation, t.discount)?;
            parties.push(Party::prepare(
                t.name,
                UtilityFn::Table {
                    utilities: t.utilities,
                    allowed: t.allowed,
                },
                t.reservation,
                t.discount,
                n,
            ));
        }
        Ok(Self::finish(cardinalities, strides, parties))
    }

    /// Build an arena from linear additive utility functions, evaluated on demand (memory:
    /// about 16 bytes per offerable outcome per party, plus 4 bytes per such outcome for the
    /// Nash ordering).
    pub fn from_additive(
        cardinalities: Vec<u32>,
        tables: Vec<AdditiveTable>,
    ) -> Result<Arena, ArenaError> {
        let (n, strides) = Self::shape(&cardinalities, tables.len())?;
        let mut parties = Vec::with_capacity(tables.len());
        for t in tables {
            let shape_ok = t.contrib.len() == cardinalities.len()
                && t.contrib
                    .iter()
                    .zip(&cardinalities)
                    .all(|(c, &k)| c.len() == k as usize)
                && (t.rejected.is_empty()
                    || (t.rejected.len() == cardinalities.len()
                        && t.rejected
                            .iter()
                            .zip(&cardinalities)
                            .all(|(r, &k)| r.is_empty() || r.len() == k as usize)));
            if !shape_ok {
                return Err(ArenaError::TableLength {
                    party: t.name,
                    expected: cardinalities.len(),
                    found: t.contrib.len(),
                });
            }
            if t.contrib.iter().flatten().any(|x| !x.is_finite()) {
                return Err(ArenaError::BadNumber {
                    party: t.name,
                    what: "an issue weight or option value is not a finite number".into(),
                });
            }
            check_numbers(&t.name, t.reservation, t.discount)?;
            let mut util = split_tables(&cardinalities, &strides, n, &t);
            if n <= TABULATE_UP_TO {
                util = util.tabulated();
            }
            parties.push(Party::prepare(t.name, util, t.reservation, t.discount, n));
        }
        Ok(Self::finish(cardinalities, strides, parties))
    }

    fn shape(cardinalities: &[u32], parties: usize) -> Result<(usize, Vec<u32>), ArenaError> {
        if parties < 2 {
            return Err(ArenaError::TooFewParties(parties));
        }
        let size: u128 = cardinalities.iter().map(|&c| c as u128).product();
        if size == 0 || size > u32::MAX as u128 {
            return Err(ArenaError::BadSpaceSize {
                size,
                limit: u32::MAX as u64,
            });
        }
        let mut strides = vec![1u32; cardinalities.len()];
        for i in (0..cardinalities.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * cardinalities[i + 1];
        }
        Ok((size as usize, strides))
    }

    fn finish(cardinalities: Vec<u32>, strides: Vec<u32>, parties: Vec<Party>) -> Arena {
        let n = cardinalities.iter().map(|&c| c as usize).product();
        let mut arena = Arena {
            cardinalities,
            strides,
            n,
            parties,
            nash: None,
            pareto: Vec::new(),
        };
        arena.prepare_solutions();
        arena
    }

    /// Number of outcomes.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Always false: an arena has at least one outcome.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Value index of `issue` in outcome `o`.
    #[inline]
    pub fn value(&self, o: u32, issue: usize) -> u32 {
        (o / self.strides[issue]) % self.cardinalities[issue]
    }

    /// The value indices of outcome `o`, one per issue.
    pub fn decode(&self, o: u32) -> Vec<u32> {
        (0..self.cardinalities.len())
            .map(|i| self.value(o, i))
            .collect()
    }

    /// The outcome index of a vector of value indices (`None` when out of range).
    pub fn encode(&self, values: &[u32]) -> Option<u32> {
        if values.len() != self.cardinalities.len() {
            return None;
        }
        let mut o = 0u32;
        for (i, &v) in values.iter().enumerate() {
            if v >= self.cardinalities[i] {
                return None;
            }
            o += v * self.strides[i];
        }
        Some(o)
    }

    /// True when every party may accept `o`.
    pub fn acceptable_to_all(&self, o: u32) -> bool {
        self.parties.iter().all(|p| p.offerable(o))
    }

    /// Undiscounted utility vector of outcome `o`.
    pub fn utilities(&self, o: u32) -> Vec<f64> {
        self.parties.iter().map(|p| p.utility(o)).collect()
    }

    /// Nash product of `o` (−∞ when `o` is not acceptable to every party).
    pub fn nash_product(&self, o: u32) -> f64 {
        if !self.acceptable_to_all(o) {
            return f64::NEG_INFINITY;
        }
        self.parties
            .iter()
            .map(|p| p.utility(o) - p.disagreement)
            .product()
    }

    /// Euclidean distance from a utility vector to the nearest Pareto-frontier point
    /// (`None` when no outcome is acceptable to every party).
    pub fn pareto_distance(&self, point: &[f64]) -> Option<f64> {
        self.pareto
            .iter()
            .map(|q| euclid(point, q))
            .min_by(|a, b| a.total_cmp(b))
    }

    /// Euclidean distance from a utility vector to the Nash point's utilities.
    pub fn nash_distance(&self, point: &[f64]) -> Option<f64> {
        self.nash.map(|o| euclid(point, &self.utilities(o)))
    }

    /// For party `party`: `nash_above(party)[k]` is, among the party's offerable outcomes from
    /// position `k` of its utility order upwards, the one with the largest Nash product
    /// (`u32::MAX` when none is acceptable to every party; ties to the lower index). Computed
    /// once, on first use (only Nash seekers need it), and shared by every run.
    pub fn nash_above(&self, party: usize) -> &[u32] {
        let p = &self.parties[party];
        p.nash_above.get_or_init(|| {
            // Sequential on purpose: a rayon job waiting inside this initialiser could steal
            // another run that needs the same cell on the same thread and deadlock.
            let products: Vec<f64> = p.sorted.iter().map(|&o| self.nash_product(o)).collect();
            let mut above = vec![u32::MAX; p.sorted.len()];
            let mut run: Option<(u32, f64)> = None;
            for k in (0..p.sorted.len()).rev() {
                let o = p.sorted[k];
                let x = products[k];
                if x > f64::NEG_INFINITY && run.is_none_or(|(ro, rx)| x > rx || (x == rx && o < ro))
                {
                    run = Some((o, x));
                }
                above[k] = run.map_or(u32::MAX, |(o, _)| o);
            }
            above
        })
    }

    fn prepare_solutions(&mut self) {
        // The zone of agreement: outcomes every party may accept (all among the first party's
        // offerable ones).
        let first = &self.parties[0].sorted;
        let others = |o: &&u32| self.parties[1..].iter().all(|p| p.offerable(**o));
        let zone: Vec<u32> = if first.len() >= PARALLEL_FROM {
            first.par_iter().filter(others).copied().collect()
        } else {
            first.iter().filter(others).copied().collect()
        };
        let product = |o: u32| -> f64 {
            self.parties
                .iter()
                .map(|p| p.utility(o) - p.disagreement)
                .product()
        };
        // Ties: higher welfare, then the lower index (as `detente deals` breaks them).
        let welfare = |o: u32| self.parties.iter().map(|p| p.utility(o)).sum::<f64>();
        let better = |a: (u32, f64), b: (u32, f64)| {
            let key = |(o, p): (u32, f64)| (p, welfare(o));
            match key(b).partial_cmp(&key(a)) {
                Some(std::cmp::Ordering::Greater) => b,
                Some(std::cmp::Ordering::Equal) if b.0 < a.0 => b,
                _ => a,
            }
        };
        let best = if zone.len() >= PARALLEL_FROM {
            zone.par_iter()
                .map(|&o| (o, product(o)))
                .reduce_with(better)
        } else {
            zone.iter().map(|&o| (o, product(o))).reduce(better)
        };
        self.nash = best.map(|(o, _)| o);
        self.pareto = pareto_frontier(self, &zone);
    }
}

impl Party {
    fn prepare(
        name: String,
        util: UtilityFn,
        reservation: f64,
        discount: Option<f64>,
        n: usize,
    ) -> Party {
        let mut party = Party {
            name,
            util,
            reservation,
            disagreement: reservation,
            discount,
            sorted: Vec::new(),
            sorted_utils: Vec::new(),
            nash_above: std::sync::OnceLock::new(),
        };
        party.disagreement = reservation.max(party.lowest());
        let keep = |o: u32| {
            let u = party.utility(o);
            (u >= reservation && party.allowed(o)).then_some((u, o))
        };
        // Integer keys in the IEEE total order sort faster than `f64::total_cmp`.
        let key = |&(u, o): &(f64, u32)| (order_key(u), o);
        let mut pairs: Vec<(f64, u32)>;
        if n >= PARALLEL_FROM {
            pairs = (0..n as u32).into_par_iter().filter_map(keep).collect();
            pairs.par_sort_unstable_by_key(key);
        } else {
            pairs = (0..n as u32).filter_map(keep).collect();
            pairs.sort_unstable_by_key(key);
        }
        party.sorted = pairs.iter().map(|p| p.1).collect();
        party.sorted_utils = pairs.iter().map(|p| p.0).collect();
        party
    }
}

/// Tabulate a linear additive function in two halves (see `UtilityFn::Additive`).
fn split_tables(cards: &[u32], strides: &[u32], n: usize, t: &AdditiveTable) -> UtilityFn {
    let target = ((n as f64).sqrt().ceil() as u64).max(1);
    let mut s = cards.len();
    let mut low: u64 = 1;
    while s > 0 && low * cards[s - 1] as u64 <= target {
        s -= 1;
        low *= cards[s] as u64;
    }
    let rejects = |i: usize, v: usize| {
        t.rejected
            .get(i)
            .and_then(|r| r.get(v))
            .copied()
            .unwrap_or(false)
    };
    let part = |range: std::ops::Range<usize>, count: u64, scale: u64| {
        let mut us = Vec::with_capacity(count as usize);
        let mut oks = Vec::with_capacity(count as usize);
        for j in 0..count {
            let o = j * scale;
            let mut u = 0.0;
            let mut ok = true;
            for i in range.clone() {
                let v = ((o / strides[i] as u64) % cards[i] as u64) as usize;
                u += t.contrib[i][v];
                ok &= !rejects(i, v);
            }
            us.push(u);
            oks.push(ok);
        }
        (us, oks)
    };
    let (hi_u, hi_ok) = part(0..s, n as u64 / low, low);
    let (lo_u, lo_ok) = part(s..cards.len(), low, 1);
    UtilityFn::Additive {
        low: low as u32,
        hi_u,
        lo_u,
        hi_ok,
        lo_ok,
        cap: t.cap_at_one,
    }
}

/// A `u64` whose unsigned order is the IEEE 754 total order of `x`.
#[inline]
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

fn check_numbers(name: &str, reservation: f64, discount: Option<f64>) -> Result<(), ArenaError> {
    if !reservation.is_finite() {
        return Err(ArenaError::BadNumber {
            party: name.to_string(),
            what: format!("reservation value {reservation} is not a finite number"),
        });
    }
    if let Some(d) = discount {
        if !(d > 0.0 && d <= 1.0) {
            return Err(ArenaError::BadNumber {
                party: name.to_string(),
                what: format!("discount factor {d} is not in (0, 1]"),
            });
        }
    }
    Ok(())
}

fn euclid(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Distinct non-dominated utility vectors among outcomes acceptable to every party.
///
/// Computed here on the prepared arena (each party's offerable outcomes are already sorted in
/// memory) rather than by a second streaming pass of `detente-deals`, whose definitions it
/// follows exactly (tests/deals_agree.rs checks both agree): a sort followed by a sweep (two
/// parties) or a block-nested-loop skyline (more parties) over the zone of agreement.
fn pareto_frontier(arena: &Arena, zone: &[u32]) -> Vec<Vec<f64>> {
    let m = arena.parties.len();
    if m == 2 {
        // Sort by the first utility (then the second) descending and sweep.
        let (p, q) = (&arena.parties[0], &arena.parties[1]);
        let pair = |o: &u32| (p.utility(*o), q.utility(*o));
        let mut points: Vec<(f64, f64)> = if zone.len() >= PARALLEL_FROM {
            zone.par_iter().map(pair).collect()
        } else {
            zone.iter().map(pair).collect()
        };
        points.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
        let mut front = Vec::new();
        let mut best_second = f64::NEG_INFINITY;
        for (x, y) in points {
            if y > best_second {
                best_second = y;
                front.push(vec![x, y]);
            }
        }
        return front;
    }
    // More parties: sort-filter-skyline on flat storage. Sorted by descending utility sum
    // (then lexicographically descending), a point can only be dominated by one before it.
    let flat: Vec<f64> = zone
        .iter()
        .flat_map(|&o| arena.parties.iter().map(move |p| p.utility(o)))
        .collect();
    let point = |k: usize| &flat[k * m..(k + 1) * m];
    let sums: Vec<f64> = (0..zone.len()).map(|k| point(k).iter().sum()).collect();
    let mut order: Vec<usize> = (0..zone.len()).collect();
    let cmp = |&a: &usize, &b: &usize| {
        sums[b].total_cmp(&sums[a]).then_with(|| {
            point(b)
                .iter()
                .zip(point(a))
                .map(|(x, y)| x.total_cmp(y))
                .find(|c| c.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    };
    if order.len() >= PARALLEL_FROM {
        order.par_sort_unstable_by(cmp);
    } else {
        order.sort_unstable_by(cmp);
    }
    let mut front: Vec<usize> = Vec::new();
    let mut last: Option<usize> = None;
    for k in order {
        if last.is_some_and(|l| point(l) == point(k)) {
            continue; // duplicate utility vector
        }
        last = Some(k);
        let p = point(k);
        let dominated = front
            .iter()
            .any(|&q| point(q).iter().zip(p).all(|(x, y)| x >= y));
        if !dominated {
            front.push(k);
        }
    }
    front.into_iter().map(|k| point(k).to_vec()).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Two issues of 3 values, two parties with opposed preferences.
    pub fn opposed() -> Arena {
        let card = vec![3u32, 3];
        let mut a = Vec::new();
        let mut b = Vec::new();
        for x in 0..3 {
            for y in 0..3 {
                a.push((x as f64 * 0.6 + y as f64 * 0.4) / 2.0);
                b.push(((2 - x) as f64 * 0.4 + (2 - y) as f64 * 0.6) / 2.0);
            }
        }
        let t = |name: &str, u: Vec<f64>| PartyTable {
            name: name.into(),
            allowed: vec![true; u.len()],
            utilities: u,
            reservation: 0.0,
            discount: None,
        };
        Arena::new(card, vec![t("a", a), t("b", b)]).unwrap()
    }

    #[test]
    fn split_tables_equal_the_direct_sum_and_their_tabulation() {
        let cards = vec![3u32, 2, 4, 5];
        let (n, strides) = Arena::shape(&cards, 2).unwrap();
        let contrib: Vec<Vec<f64>> = cards
            .iter()
            .enumerate()
            .map(|(i, &c)| (0..c).map(|v| 0.1 * i as f64 + 0.07 * v as f64).collect())
            .collect();
        let mut rejected: Vec<Vec<bool>> = cards.iter().map(|&c| vec![false; c as usize]).collect();
        rejected[1][1] = true;
        rejected[3][0] = true;
        let t = AdditiveTable {
            name: "p".into(),
            contrib: contrib.clone(),
            rejected: rejected.clone(),
            cap_at_one: true,
            reservation: 0.0,
            discount: None,
        };
        let split = split_tables(&cards, &strides, n, &t);
        assert!(matches!(split, UtilityFn::Additive { low, .. } if low > 1 && (low as usize) < n));
        let party = |util| Party::prepare("p".into(), util, 0.0, None, n);
        let (a, b) = (party(split.clone()), party(split.tabulated()));
        for o in 0..n as u32 {
            let v: Vec<usize> = (0..4)
                .map(|i| ((o / strides[i]) % cards[i]) as usize)
                .collect();
            let direct: f64 = (0..4).map(|i| contrib[i][v[i]]).sum::<f64>().min(1.0);
            let ok = (0..4).all(|i| !rejected[i][v[i]]);
            assert!((a.utility(o) - direct).abs() < 1e-12 && (b.utility(o) - direct).abs() < 1e-12);
            assert_eq!((a.allowed(o), b.allowed(o)), (ok, ok));
        }
        assert_eq!(a.sorted, b.sorted);
    }

    #[test]
    fn order_key_is_the_numeric_order() {
        let xs = [
            -2.5,
            -1.0,
            -0.0,
            0.0,
            1e-300,
            0.3,
            0.30000000000000004,
            1.0,
            7.0,
        ];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) < order_key(w[1]), "{w:?}");
        }
    }

    #[test]
    fn decode_encode_roundtrip() {
        let a = opposed();
        for o in 0..a.len() as u32 {
            assert_eq!(a.encode(&a.decode(o)), Some(o));
        }
        assert_eq!(a.decode(5), vec![1, 2]);
        assert_eq!(a.encode(&[3, 0]), None);
    }

    #[test]
    fn sorted_and_search() {
        let a = opposed();
        let p = &a.parties[0];
        assert!(p.sorted_utils.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(p.best(), Some(1.0));
        assert_eq!(p.outcome_at_least(2.0), Some(8));
        let o = p.outcome_at_least(0.5).unwrap();
        assert!(p.utility(o) >= 0.5);
    }

    #[test]
    fn frontier_is_undominated_and_nash_on_it() {
        let a = opposed();
        for p in &a.pareto {
            for o in 0..a.len() as u32 {
                let q = a.utilities(o);
                let dominates = q.iter().zip(p).all(|(x, y)| x >= y) && &q != p;
                assert!(!dominates, "{q:?} dominates frontier point {p:?}");
            }
        }
        let nash = a.utilities(a.nash.unwrap());
        assert!(a.pareto_distance(&nash).unwrap() < 1e-12);
    }

    #[test]
    fn rejects_bad_tables() {
        let t = PartyTable {
            name: "x".into(),
            utilities: vec![0.0; 2],
            allowed: vec![true; 2],
            reservation: 0.0,
            discount: None,
        };
        assert!(matches!(
            Arena::new(vec![3], vec![t.clone(), t.clone()]),
            Err(ArenaError::TableLength { .. })
        ));
        assert!(matches!(
            Arena::new(vec![2], vec![t.clone()]),
            Err(ArenaError::TooFewParties(1))
        ));
        let mut bad = t.clone();
        bad.discount = Some(1.5);
        assert!(matches!(
            Arena::new(vec![2], vec![t, bad]),
            Err(ArenaError::BadNumber { .. })
        ));
    }
}
