//! Building an [`Arena`] from a `detente-space` [`Domain`] (a scenario's deal space or a
//! GENIUS folder): every party's utility and red-line verdict for every outcome, computed once
//! by streaming the space (the space's own indexing: last issue fastest).

use crate::arena::{Arena, ArenaError, PartyTable};
use detente_space::Domain;

/// Largest outcome space a simulation prepares (memory is about 25 bytes per outcome per
/// party, plus 8 bytes per outcome while preparing).
pub const MAX_OUTCOMES: u64 = 10_000_000;

/// Prepare a domain for simulation.
pub fn arena_from_domain(domain: &Domain) -> Result<Arena, ArenaError> {
    let n = domain.space.cardinality();
    if n == 0 || n > MAX_OUTCOMES {
        return Err(ArenaError::BadSpaceSize(n as u128));
    }
    let n = n as usize;
    let mut tables: Vec<PartyTable> = domain
        .parties
        .iter()
        .map(|p| PartyTable {
            name: p.name.clone(),
            utilities: Vec::with_capacity(n),
            allowed: Vec::with_capacity(n),
            reservation: p.utility.reservation,
            discount: p.utility.discount.filter(|&d| d > 0.0 && d < 1.0),
        })
        .collect();
    let mut it = domain.space.iter_range(0, n as u64);
    for _ in 0..n {
        let o = it.current();
        for (t, p) in tables.iter_mut().zip(&domain.parties) {
            t.utilities.push(p.utility.utility(o));
            t.allowed.push(p.utility.acceptable(o));
        }
        it.advance();
    }
    Arena::new(domain.space.sizes(), tables)
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
            assert_eq!(arena.utilities(o), domain.utilities(&outcome));
            assert_eq!(arena.parties[0].allowed[o as usize], outcome[0] != 2);
        }
        assert_eq!(arena.parties[0].reservation, 0.2);
    }
}
