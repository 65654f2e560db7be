//! Building an [`Arena`] from a `detente-space` [`Domain`] (a scenario's deal space or a
//! GENIUS folder): every party's utility and red-line verdict for every outcome, computed once
//! by streaming the space (the space's own indexing: last issue fastest).

use crate::arena::{AdditiveTable, Arena, ArenaError};
use detente_space::Domain;

/// Largest outcome space a simulation prepares. Memory: spaces up to 2^20 outcomes keep a full
/// utility table (9 bytes per outcome per party); every party keeps its offerable outcomes
/// sorted (12 bytes each, 16 more per outcome while sorting); a Nash seeker adds 4 bytes per
/// offerable outcome of its party. The flagship (18.9 M outcomes, 3 parties) peaks near 0.5 GB.
pub const MAX_OUTCOMES: u64 = 100_000_000;

/// Prepare a domain for simulation.
pub fn arena_from_domain(domain: &Domain) -> Result<Arena, ArenaError> {
    let n = domain.space.cardinality();
    if n == 0 || n > MAX_OUTCOMES {
        return Err(ArenaError::BadSpaceSize {
            size: n as u128,
            limit: MAX_OUTCOMES,
        });
    }
    let tables = domain
        .parties
        .iter()
        .map(|p| {
            let u = &p.utility;
            AdditiveTable {
                name: p.name.clone(),
                contrib: u
                    .weights
                    .iter()
                    .zip(&u.values)
                    .map(|(w, vals)| vals.iter().map(|v| w * v).collect())
                    .collect(),
                rejected: u.rejected.clone(),
                cap_at_one: u.cap_at_one,
                reservation: u.reservation,
                discount: u.discount.filter(|&d| d > 0.0 && d < 1.0),
            }
        })
        .collect();
    Arena::from_additive(domain.space.sizes(), tables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_space::{LinearAdditive, OutcomeSpace, Party, SpaceIssue};

    #[test]
    fn arena_matches_the_domain() {
        let space = OutcomeSpace::new(vec![
            SpaceIssue::new("price", ["low", "mid", "high"]),
            SpaceIssue::new("delivery", ["now", "later"]),
        ]);
        let mut buyer =
            LinearAdditive::new(vec![0.7, 0.3], vec![vec![1.0, 0.5, 0.0], vec![1.0, 0.0]]);
        buyer.rejected[0][2] = true;
        buyer.reservation = 0.2;
        let seller = LinearAdditive::new(vec![0.6, 0.4], vec![vec![0.0, 0.5, 1.0], vec![0.0, 1.0]]);
        let domain = Domain {
            name: "toy".into(),
            space,
            parties: vec![
                Party {
                    name: "buyer".into(),
                    utility: buyer,
                },
                Party {
                    name: "seller".into(),
                    utility: seller,
                },
            ],
        };
        let arena = arena_from_domain(&domain).unwrap();
        assert_eq!(arena.len(), 6);
        for o in 0..6u32 {
            let outcome = domain.space.outcome_at(o as u64);
            assert_eq!(arena.decode(o), outcome);
            let expected = domain.utilities(&outcome);
            for (a, b) in arena.utilities(o).iter().zip(&expected) {
                assert!((a - b).abs() < 1e-12);
            }
            assert_eq!(arena.parties[0].allowed(o), outcome[0] != 2);
        }
        assert_eq!(arena.parties[0].reservation, 0.2);
    }

    #[test]
    fn split_tables_agree_with_the_utility_function() {
        let cards = [3usize, 4, 2, 5, 3];
        let space = OutcomeSpace::new(
            cards
                .iter()
                .enumerate()
                .map(|(i, &c)| SpaceIssue::new(format!("i{i}"), (0..c).map(|v| format!("v{v}"))))
                .collect(),
        );
        let party = |k: usize| {
            let values: Vec<Vec<f64>> = cards
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    (0..c)
                        .map(|v| ((i * 7 + v * 3 + k * 5) % 11) as f64 / 10.0)
                        .collect()
                })
                .collect();
            let mut u = LinearAdditive::new(vec![0.3, 0.1, 0.25, 0.2, 0.15], values);
            u.rejected[(k + 1) % 5][1] = true;
            u.rejected[3][4 - k] = true;
            u.reservation = 0.3;
            Party {
                name: format!("p{k}"),
                utility: u,
            }
        };
        let domain = Domain {
            name: "five".into(),
            space,
            parties: vec![party(0), party(1), party(2)],
        };
        let arena = arena_from_domain(&domain).unwrap();
        for o in 0..arena.len() as u32 {
            let outcome = domain.space.outcome_at(o as u64);
            for (p, d) in arena.parties.iter().zip(&domain.parties) {
                assert!((p.utility(o) - d.utility.utility(&outcome)).abs() < 1e-12);
                assert_eq!(p.allowed(o), d.utility.acceptable(&outcome));
            }
        }
    }
}
