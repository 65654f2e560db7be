//! Every resource limit of detente in one place: its name, default, what it bounds, and how to
//! raise it. See docs/limits.md.
//!
//! Limits are process-wide: the command line sets them with `--limit NAME=N` (a global flag,
//! also taken by `detente serve`, where it is the server's configuration), and library code
//! reads them with [`get`] *before* allocating or looping. Errors name the limit and how to
//! raise it ([`exceeded`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A named limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Bytes of a scenario file.
    ScenarioBytes,
    /// Bytes of one source document (article) read to verify evidence.
    SourceBytes,
    /// Bytes of a CSV file (forecast and backtest inputs).
    CsvBytes,
    /// Bytes of one GENIUS XML file.
    GeniusBytes,
    /// Actors (scenario, CSV) or parties (GENIUS profiles).
    Actors,
    /// Issues (scenario, CSV, GENIUS).
    Issues,
    /// Evidence quotes in one scenario.
    Evidence,
    /// Bytes of one evidence quote.
    QuoteBytes,
    /// Bytes of source text scanned to verify evidence quotes and explain the ones not found,
    /// in one load.
    QuoteSearch,
    /// Values per discretised scale issue (`--step`) or GENIUS real issue (`--real-points`).
    PointsPerIssue,
    /// Rounds of an iterative model or a negotiation.
    Rounds,
    /// Negotiations in one tournament.
    Negotiations,
    /// Worker threads (`--threads`, `--workers`).
    Threads,
}

/// What a limit is called, its default and what it bounds.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub limit: Limit,
    pub name: &'static str,
    pub default: u64,
    pub what: &'static str,
}

const MIB: u64 = 1024 * 1024;

/// Every limit, in documentation order.
pub const ALL: &[Spec] = &[
    spec(
        Limit::ScenarioBytes,
        "scenario-bytes",
        16 * MIB,
        "bytes of a scenario file",
    ),
    spec(
        Limit::SourceBytes,
        "source-bytes",
        64 * MIB,
        "bytes of one source document",
    ),
    spec(
        Limit::CsvBytes,
        "csv-bytes",
        64 * MIB,
        "bytes of a CSV file",
    ),
    spec(
        Limit::GeniusBytes,
        "genius-bytes",
        16 * MIB,
        "bytes of one GENIUS XML file",
    ),
    spec(Limit::Actors, "actors", 250, "actors (or GENIUS parties)"),
    spec(Limit::Issues, "issues", 200, "issues"),
    spec(
        Limit::Evidence,
        "evidence",
        20_000,
        "evidence quotes in a scenario",
    ),
    spec(
        Limit::QuoteBytes,
        "quote-bytes",
        8192,
        "bytes of one evidence quote",
    ),
    spec(
        Limit::QuoteSearch,
        "quote-search-bytes",
        1024 * MIB,
        "bytes of article text scanned to verify quotes in one load",
    ),
    spec(
        Limit::PointsPerIssue,
        "points-per-issue",
        10_001,
        "values per discretised issue",
    ),
    spec(
        Limit::Rounds,
        "rounds",
        100_000,
        "rounds of a model or negotiation",
    ),
    spec(
        Limit::Negotiations,
        "negotiations",
        1_000_000,
        "negotiations in a tournament",
    ),
    spec(Limit::Threads, "threads", 256, "worker threads"),
];

const fn spec(limit: Limit, name: &'static str, default: u64, what: &'static str) -> Spec {
    Spec {
        limit,
        name,
        default,
        what,
    }
}

impl crate::model::Actor {
    /// Largest capability accepted: the models multiply capabilities (and their squares and
    /// sums over hundreds of actors), which must stay far from overflowing.
    pub const MAX_CAPABILITY: f64 = 1e12;
}

/// 0 = not overridden (every limit is at least 1).
static OVERRIDES: [AtomicU64; 13] = [const { AtomicU64::new(0) }; 13];
static ALLOW_OUTSIDE_SOURCES: AtomicBool = AtomicBool::new(false);

fn index(limit: Limit) -> usize {
    ALL.iter().position(|s| s.limit == limit).unwrap_or(0)
}

/// The spec of a limit.
pub fn spec_of(limit: Limit) -> &'static Spec {
    &ALL[index(limit)]
}

/// The current value of a limit.
pub fn get(limit: Limit) -> u64 {
    match OVERRIDES[index(limit)].load(Ordering::Relaxed) {
        0 => spec_of(limit).default,
        v => v,
    }
}

/// The current value of a limit as a `usize` (saturating).
pub fn get_usize(limit: Limit) -> usize {
    usize::try_from(get(limit)).unwrap_or(usize::MAX)
}

/// Set a limit from `NAME=N` (the `--limit` flag). N ≥ 1; `k`, `M`, `G` suffixes multiply by
/// 1024, 1024², 1024³.
pub fn set_from_str(arg: &str) -> Result<(), String> {
    let names = || ALL.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
    let Some((name, value)) = arg.split_once('=') else {
        return Err(format!(
            "--limit `{arg}`: write NAME=N; limits are {}",
            names()
        ));
    };
    let Some(s) = ALL.iter().find(|s| s.name == name.trim()) else {
        return Err(format!(
            "--limit: no limit `{}`; limits are {}",
            name.trim(),
            names()
        ));
    };
    let v = value.trim();
    let (digits, mult) = match v.chars().last() {
        Some('k' | 'K') => (&v[..v.len() - 1], 1024),
        Some('M') => (&v[..v.len() - 1], MIB),
        Some('G') => (&v[..v.len() - 1], 1024 * MIB),
        _ => (v, 1),
    };
    match digits.parse::<u64>().ok().and_then(|n| n.checked_mul(mult)) {
        Some(n) if n >= 1 => {
            OVERRIDES[index(s.limit)].store(n, Ordering::Relaxed);
            Ok(())
        }
        _ => Err(format!(
            "--limit {}: `{v}` is not a whole number ≥ 1 (suffixes k, M, G allowed)",
            s.name
        )),
    }
}

/// Whether a value is within a limit.
pub fn check(limit: Limit, value: u64, what: &str) -> Result<(), String> {
    if value > get(limit) {
        Err(exceeded(limit, value, what))
    } else {
        Ok(())
    }
}

/// The message for a value over a limit: what, how much, the limit's name and how to raise it.
pub fn exceeded(limit: Limit, value: impl std::fmt::Display, what: &str) -> String {
    let s = spec_of(limit);
    format!(
        "{what}: {value} is over the limit of {} {} (limit `{}`); raise it with `--limit {}=N` \
         (command line, or `detente serve --limit …`)",
        get(limit),
        s.what,
        s.name,
        s.name
    )
}

/// Allow scenario source paths outside the scenario's folder (`--allow-outside-sources`).
pub fn set_allow_outside_sources(allow: bool) {
    ALLOW_OUTSIDE_SOURCES.store(allow, Ordering::Relaxed);
}

/// Whether source paths may leave the scenario's folder.
pub fn allow_outside_sources() -> bool {
    ALLOW_OUTSIDE_SOURCES.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_names_are_unique() {
        assert_eq!(ALL.len(), OVERRIDES.len());
        for (i, s) in ALL.iter().enumerate() {
            assert_eq!(index(s.limit), i);
            assert!(s.default >= 1);
            assert!(!ALL[..i].iter().any(|t| t.name == s.name));
        }
    }

    #[test]
    fn flag_values_are_parsed_and_bad_ones_named() {
        assert!(set_from_str("threads=300").is_ok());
        assert_eq!(get(Limit::Threads), 300);
        OVERRIDES[index(Limit::Threads)].store(0, Ordering::Relaxed);
        assert_eq!(get(Limit::Threads), 256);
        let e = set_from_str("treads=3").unwrap_err();
        assert!(
            e.contains("no limit `treads`") && e.contains("threads"),
            "{e}"
        );
        assert!(set_from_str("threads=0").is_err());
        assert!(set_from_str("threads").is_err());
        assert!(set_from_str("threads=99999999999999999999G").is_err());
        let m = exceeded(Limit::Issues, 500, "x.toml");
        assert!(
            m.contains("limit `issues`") && m.contains("--limit issues=N"),
            "{m}"
        );
    }
}
