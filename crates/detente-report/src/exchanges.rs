//! The report's "Trades between issues" section: the exchanges the equal gain exchange model
//! (`detente_forecast::exchange`) realises on the scenario, round by round, in words.

use crate::render::{Block, Table};
use detente_forecast::exchange::{self, ExchangeOptions};
use detente_forecast::io::from_scenario;
use detente_scenario::Scenario;

/// Largest number of exchanges listed (the CLI's JSON has all of them).
const MAX_ROWS: usize = 40;

/// The section's blocks; a notice when the scenario has fewer than two scale issues.
pub fn section(s: &Scenario) -> Vec<Block> {
    let mut b = vec![Block::Heading {
        level: 2,
        id: "exchanges".into(),
        text: "Trades between issues".into(),
    }];
    let conv = from_scenario(s);
    let p = &conv.problem;
    if p.issues.len() < 2 {
        b.push(Block::Notice(
            "The exchange model needs at least two issues on a 0–100 scale.".into(),
        ));
        return b;
    }
    let opts = ExchangeOptions::default();
    let run = match exchange::run(p, &opts) {
        Ok(r) => r,
        Err(e) => {
            b.push(Block::Notice(e));
            return b;
        }
    };
    b.push(Block::Para(format!(
        "The equal gain exchange model (Stokman & Van Oosten; as in Decide): an actor who cares \
         more about one issue gives up voting position on another to an actor who cares more \
         about that one, so that both gain the same; the best trade is made first, round by \
         round, for {} rounds (docs/forecast.md). {} trades were made.",
        run.rounds_run,
        run.exchanges.len()
    )));
    if run.exchanges.is_empty() {
        return b;
    }
    let mut t = Table::new(&[
        "Round",
        "Gives way",
        "On",
        "Position",
        "In return",
        "On",
        "Position",
        "Gain each",
    ])
    .numeric(&[0, 3, 6, 7]);
    let name = |a: usize| p.actors[a].name.clone();
    let issue = |d: usize| p.issues[d].title.clone();
    for e in run.exchanges.iter().take(MAX_ROWS) {
        t.row(vec![
            e.round.to_string(),
            name(e.i.actor),
            issue(e.i.supply),
            format!("{:.0} → {:.0}", e.i.from, e.i.to),
            name(e.j.actor),
            issue(e.j.supply),
            format!("{:.0} → {:.0}", e.j.from, e.j.to),
            format!("{:.3}", e.gain),
        ]);
    }
    let more = run.exchanges.len().saturating_sub(MAX_ROWS);
    let caption = if more > 0 {
        format!("The first {MAX_ROWS} trades in the order made (and {more} more): each row, the first actor moves its vote toward the second on its issue, the second toward the first on the other.")
    } else {
        "Trades in the order made: each row, the first actor moves its vote toward the second on its issue, the second toward the first on the other.".to_string()
    };
    b.push(Block::Table(t.caption(caption)));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flagship_trades_are_listed_in_words() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/ukraine-2025.toml");
        let s = detente_scenario::load(&path).scenario;
        let blocks = section(&s);
        let table = blocks.iter().find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        });
        let t = table.expect("the flagship has trades");
        assert!(!t.rows.is_empty() && t.rows.len() <= MAX_ROWS);
        assert_eq!(t.rows[0][0], "1");
        // Every row names two different actors and two different issues.
        for r in &t.rows {
            assert_ne!(r[1], r[4]);
            assert_ne!(r[2], r[5]);
        }
    }
}
