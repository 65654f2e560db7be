//! detente-space: the outcome space of a negotiation and the parties' utility functions.
//!
//! A negotiation *domain* is an [`OutcomeSpace`] (the issues and their discrete values) plus one
//! [`Party`] per negotiator, each with a [`LinearAdditive`] utility function. A *package*
//! (outcome) is one value index per issue: an [`Outcome`].
//!
//! Domains come from two places:
//! - [`Domain::from_genius`]: a GENIUS XML folder (one domain file, one profile per party), read
//!   with GENIUS 10.4 semantics (discrete value = evaluation / largest evaluation of the issue;
//!   integer value = clamp(offset + slope·(x − lowerbound), 0, 1); real value =
//!   clamp(parameter0 + parameter1·x, 0, 1), discretised; total = Σ weight·value capped at 1;
//!   reservation value; discount factor d ∈ (0, 1) or none). Parties are the profile files
//!   sorted by file name, named by file stem. Malformed files give located [`SpaceError`]s.
//! - [`Domain::from_scenario`]: a detente scenario. Options issues contribute their options;
//!   scale issues are discretised at their anchor points (or every `step` points). Parties are
//!   the scenario's veto players in scenario order, named by actor id. See
//!   [`Domain::from_scenario`] for how values, weights, red lines and reservations are derived.
//!
//! [`Domain::write_genius`] writes a domain back out as GENIUS XML (red lines cannot be expressed
//! in GENIUS and are dropped; utilities are preserved exactly, see the method).
//!
//! # Indexing
//! Outcomes are numbered in mixed radix with the **last issue varying fastest** (lexicographic
//! order): `index = Σ_i o[i] · Π_{j>i} n_j`. [`OutcomeSpace::outcome_at`] and
//! [`OutcomeSpace::index_of`] convert; [`OutcomeSpace::iter_range`] streams a range of indices
//! (an odometer, O(1) amortised per step) so that callers can split `0..cardinality()` into
//! chunks and process them in parallel without ever materialising the space.
//!
//! # Example
//! ```
//! use detente_space::{OutcomeSpace, SpaceIssue, LinearAdditive};
//! let space = OutcomeSpace::new(vec![
//!     SpaceIssue::new("price", ["low", "high"]),
//!     SpaceIssue::new("delivery", ["now", "later", "never"]),
//! ]);
//! assert_eq!(space.cardinality(), 6);
//! assert_eq!(space.outcome_at(4), vec![1, 1]);
//! assert_eq!(space.index_of(&[1, 1]), 4);
//! let buyer = LinearAdditive::new(vec![0.5, 0.5], vec![vec![1.0, 0.0], vec![1.0, 0.5, 0.0]]);
//! assert!((buyer.utility(&[0, 1]) - 0.75).abs() < 1e-12);
//! ```

mod genius;
mod scenario;
mod xml;

pub use scenario::{ConditionalRedLine, DiscretiseOptions};

use std::fmt;
use std::path::PathBuf;

/// One issue of the outcome space: a name and the labels of its discrete values.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpaceIssue {
    pub name: String,
    /// Labels of the discrete values, in order.
    pub values: Vec<String>,
    /// Where each value lies on a line, when the issue is ordered (scale points for scenario
    /// scale issues, option rank for ordered options, the number for GENIUS integer/real
    /// issues); `None` for unordered issues. Used to say how far a red line moves.
    pub positions: Option<Vec<f64>>,
}

impl SpaceIssue {
    /// An unordered issue with the given value labels.
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        SpaceIssue {
            name: name.into(),
            values: values.into_iter().map(Into::into).collect(),
            positions: None,
        }
    }
    /// Number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }
    /// Whether the issue has no values (such a space is empty).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A package: one value index per issue.
pub type Outcome = Vec<u32>;

/// The Cartesian product of the issues' values.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutcomeSpace {
    pub issues: Vec<SpaceIssue>,
}

impl OutcomeSpace {
    pub fn new(issues: Vec<SpaceIssue>) -> Self {
        OutcomeSpace { issues }
    }

    /// Number of packages (product of the issues' sizes), saturating at `u64::MAX`.
    /// An empty issue list has exactly one (empty) package.
    pub fn cardinality(&self) -> u64 {
        self.issues
            .iter()
            .fold(1u64, |acc, i| acc.saturating_mul(i.values.len() as u64))
    }

    /// Issue sizes (radices).
    pub fn sizes(&self) -> Vec<u32> {
        self.issues.iter().map(|i| i.values.len() as u32).collect()
    }

    /// The package with the given index (last issue fastest). Panics if `index >= cardinality()`
    /// only in debug builds; in release an out-of-range index wraps around.
    pub fn outcome_at(&self, index: u64) -> Outcome {
        debug_assert!(
            index < self.cardinality(),
            "outcome index {index} out of range"
        );
        let mut o = vec![0u32; self.issues.len()];
        let mut rest = index;
        for (k, issue) in self.issues.iter().enumerate().rev() {
            let n = issue.values.len().max(1) as u64;
            o[k] = (rest % n) as u32;
            rest /= n;
        }
        o
    }

    /// The index of a package (inverse of [`outcome_at`](Self::outcome_at)).
    pub fn index_of(&self, o: &[u32]) -> u64 {
        debug_assert_eq!(o.len(), self.issues.len());
        let mut idx = 0u64;
        for (issue, &v) in self.issues.iter().zip(o) {
            idx = idx * issue.values.len() as u64 + v as u64;
        }
        idx
    }

    /// Stream the packages with indices in `start..end` (clamped to the cardinality), in order.
    pub fn iter_range(&self, start: u64, end: u64) -> OutcomeIter<'_> {
        let end = end.min(self.cardinality());
        let current = if start < end {
            self.outcome_at(start)
        } else {
            Vec::new()
        };
        OutcomeIter {
            space: self,
            current,
            next_index: start,
            end,
        }
    }

    /// Stream every package in index order.
    pub fn iter(&self) -> OutcomeIter<'_> {
        self.iter_range(0, self.cardinality())
    }

    /// Split `0..cardinality()` into consecutive ranges of at most `chunk` packages, for
    /// chunked (e.g. rayon-parallel) streaming.
    pub fn chunks(&self, chunk: u64) -> impl Iterator<Item = std::ops::Range<u64>> {
        let n = self.cardinality();
        let chunk = chunk.max(1);
        (0..n.div_ceil(chunk)).map(move |c| c * chunk..((c + 1) * chunk).min(n))
    }

    /// Words for a package: `issue: value; issue: value`.
    pub fn describe(&self, o: &[u32]) -> String {
        self.issues
            .iter()
            .zip(o)
            .map(|(i, &v)| {
                format!(
                    "{}: {}",
                    i.name,
                    i.values.get(v as usize).map(String::as_str).unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Streaming iterator over a range of packages (an odometer). Yields owned [`Outcome`]s; for the
/// allocation-free hot path use [`OutcomeIter::advance`] and [`OutcomeIter::current`].
pub struct OutcomeIter<'a> {
    space: &'a OutcomeSpace,
    current: Outcome,
    next_index: u64,
    end: u64,
}

impl OutcomeIter<'_> {
    /// The package at the cursor (valid while [`remaining`](Self::remaining) > 0).
    pub fn current(&self) -> &[u32] {
        &self.current
    }
    /// Index of the package at the cursor.
    pub fn index(&self) -> u64 {
        self.next_index
    }
    /// Packages left, counting the one at the cursor.
    pub fn remaining(&self) -> u64 {
        self.end.saturating_sub(self.next_index)
    }
    /// Move the cursor to the next package. Returns the position of the leftmost issue whose
    /// value changed (issues to its right were reset to 0), or `None` at the end of the range.
    pub fn advance(&mut self) -> Option<usize> {
        self.next_index += 1;
        if self.next_index >= self.end {
            return None;
        }
        for k in (0..self.current.len()).rev() {
            self.current[k] += 1;
            if (self.current[k] as usize) < self.space.issues[k].values.len() {
                return Some(k);
            }
            self.current[k] = 0;
        }
        None
    }
}

impl Iterator for OutcomeIter<'_> {
    type Item = Outcome;
    fn next(&mut self) -> Option<Outcome> {
        if self.next_index >= self.end {
            return None;
        }
        let out = self.current.clone();
        self.advance();
        Some(out)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let r = usize::try_from(self.remaining()).unwrap_or(usize::MAX);
        (r, usize::try_from(self.remaining()).ok())
    }
}

/// A linear additive utility function with red lines, reservation value and discount factor.
///
/// `utility(o) = Σ_i weights[i] · values[i][o[i]]`, capped at 1 when `cap_at_one`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LinearAdditive {
    /// Weight per issue (GENIUS weights need not sum exactly to 1).
    pub weights: Vec<f64>,
    /// Value per issue, per value index, in [0, 1].
    pub values: Vec<Vec<f64>>,
    /// Utility of no agreement.
    pub reservation: f64,
    /// Discount factor d in (0, 1): utility at time t is u·d^t. `None`: no discounting.
    pub discount: Option<f64>,
    /// Red lines: `rejected[i][v]` when this party rejects value `v` of issue `i` outright.
    /// Empty inner vectors (or an empty outer vector) mean nothing is rejected.
    pub rejected: Vec<Vec<bool>>,
    /// GENIUS caps total utility at 1 (weights may sum to slightly more than 1).
    pub cap_at_one: bool,
}

impl LinearAdditive {
    /// A utility function with no red lines, reservation 0, no discount, capped at one.
    pub fn new(weights: Vec<f64>, values: Vec<Vec<f64>>) -> Self {
        let rejected = values.iter().map(|v| vec![false; v.len()]).collect();
        LinearAdditive {
            weights,
            values,
            reservation: 0.0,
            discount: None,
            rejected,
            cap_at_one: true,
        }
    }

    /// Utility of a package (undiscounted). Sums issues left to right.
    #[inline]
    pub fn utility(&self, o: &[u32]) -> f64 {
        let mut u = 0.0;
        for ((w, vals), &v) in self.weights.iter().zip(&self.values).zip(o) {
            u += w * vals[v as usize];
        }
        if self.cap_at_one && u > 1.0 {
            1.0
        } else {
            u
        }
    }

    /// Whether value `v` of issue `issue` crosses one of this party's red lines.
    #[inline]
    pub fn rejects(&self, issue: usize, v: u32) -> bool {
        self.rejected
            .get(issue)
            .and_then(|r| r.get(v as usize))
            .copied()
            .unwrap_or(false)
    }

    /// Whether the package crosses none of this party's red lines (reservation not checked).
    pub fn acceptable(&self, o: &[u32]) -> bool {
        o.iter().enumerate().all(|(i, &v)| !self.rejects(i, v))
    }

    /// Whether the party has any red line at all.
    pub fn has_red_lines(&self) -> bool {
        self.rejected.iter().any(|r| r.iter().any(|&b| b))
    }

    /// Utility `u` discounted to time `t` (GENIUS: u·d^t when d ∈ (0, 1), else u).
    pub fn discounted(&self, u: f64, t: f64) -> f64 {
        match self.discount {
            Some(d) if d > 0.0 && d < 1.0 => u * d.powf(t),
            _ => u,
        }
    }

    /// Lowest utility over the whole outcome space (exact, without enumerating it).
    pub fn min_utility(&self) -> f64 {
        let u: f64 = self
            .weights
            .iter()
            .zip(&self.values)
            .map(|(w, vals)| vals.iter().map(|x| w * x).fold(f64::INFINITY, f64::min))
            .map(|x| if x.is_finite() { x } else { 0.0 })
            .sum();
        if self.cap_at_one && u > 1.0 {
            1.0
        } else {
            u
        }
    }

    /// Highest utility over the whole outcome space (exact, without enumerating it).
    pub fn max_utility(&self) -> f64 {
        let u: f64 = self
            .weights
            .iter()
            .zip(&self.values)
            .map(|(w, vals)| vals.iter().map(|x| w * x).fold(f64::NEG_INFINITY, f64::max))
            .map(|x| if x.is_finite() { x } else { 0.0 })
            .sum();
        if self.cap_at_one && u > 1.0 {
            1.0
        } else {
            u
        }
    }
}

/// A negotiator: a name and its utility function.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Party {
    pub name: String,
    pub utility: LinearAdditive,
}

/// An outcome space and the parties negotiating over it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Domain {
    pub name: String,
    pub space: OutcomeSpace,
    pub parties: Vec<Party>,
}

impl Domain {
    /// Utilities of every party for a package, in party order.
    pub fn utilities(&self, o: &[u32]) -> Vec<f64> {
        self.parties.iter().map(|p| p.utility.utility(o)).collect()
    }

    /// Check internal consistency (sizes of weights/values/rejected match the space, values
    /// finite). Every constructor in this crate returns consistent domains; call this on
    /// hand-built ones.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.space.issues.len();
        for p in &self.parties {
            let u = &p.utility;
            if u.weights.len() != n || u.values.len() != n {
                return Err(format!(
                    "party {}: {} weights / {} value tables for {n} issues",
                    p.name,
                    u.weights.len(),
                    u.values.len()
                ));
            }
            for (i, issue) in self.space.issues.iter().enumerate() {
                if u.values[i].len() != issue.values.len() {
                    return Err(format!(
                        "party {}: issue {} has {} values but {} utilities",
                        p.name,
                        issue.name,
                        issue.values.len(),
                        u.values[i].len()
                    ));
                }
                if u.values[i].iter().any(|x| !x.is_finite()) || !u.weights[i].is_finite() {
                    return Err(format!(
                        "party {}: non-finite weight or value on issue {}",
                        p.name, issue.name
                    ));
                }
                if let Some(r) = u.rejected.get(i) {
                    if !r.is_empty() && r.len() != issue.values.len() {
                        return Err(format!(
                            "party {}: red-line mask of issue {} has the wrong length",
                            p.name, issue.name
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A problem reading a domain, located in a file where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceError {
    /// The file the problem is in (empty for scenario-level problems without a file).
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl SpaceError {
    pub(crate) fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        SpaceError {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
    pub(crate) fn at(
        file: impl Into<PathBuf>,
        pos: Option<(usize, usize)>,
        message: impl Into<String>,
    ) -> Self {
        SpaceError {
            file: file.into(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.as_os_str().is_empty() {
            write!(f, "{}", self.file.display())?;
            if let (Some(l), Some(c)) = (self.line, self.column) {
                write!(f, ":{l}:{c}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for SpaceError {}
