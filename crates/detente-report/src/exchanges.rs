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
    b.push(gain_chart(p, &run));
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

/// A chart of who gained from trading, per round: one line per actor (the eight with the
/// largest total gain), the sum of the gains of the trades it made in that round.
fn gain_chart(p: &detente_forecast::Problem, run: &exchange::ExchangeRun) -> Block {
    use crate::charts::{self, Axis, Series, TrajectoryChart};
    let rounds = run.rounds_run;
    let mut per_actor = vec![vec![0.0; rounds + 1]; p.actors.len()];
    for e in &run.exchanges {
        for a in [e.i.actor, e.j.actor] {
            per_actor[a][e.round] += e.gain;
        }
    }
    let total = |a: usize| per_actor[a].iter().sum::<f64>();
    let mut actors: Vec<usize> = (0..p.actors.len()).filter(|&a| total(a) > 0.0).collect();
    actors.sort_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
    actors.truncate(8);
    let max = actors
        .iter()
        .flat_map(|&a| per_actor[a].iter().copied())
        .fold(0.0, f64::max);
    let chart = TrajectoryChart {
        title: "Gain from trades, round by round".into(),
        subtitle: "Each line: the sum of the equal gains of the trades one actor made in the round (the eight actors who gained most)".into(),
        x_label: "Round".into(),
        y_label: "Gain (points × salience)".into(),
        y_axis: Axis {
            min: 0.0,
            max: if max > 0.0 { max * 1.05 } else { 1.0 },
            ticks: Vec::new(),
        },
        guides: Vec::new(),
        series: actors
            .iter()
            .map(|&a| Series {
                name: p.actors[a].name.clone(),
                values: per_actor[a].clone(),
                emphasis: false,
            })
            .collect(),
    };
    Block::Chart {
        name: "exchange-gains".into(),
        alt: format!(
            "Gain from trades per round for {} actors under the exchange model.",
            actors.len()
        ),
        svg: charts::trajectories(&chart),
    }
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
        assert!(blocks
            .iter()
            .any(|b| matches!(b, Block::Chart { name, svg, .. } if name == "exchange-gains" && svg.contains("<svg"))));
        assert!(!t.rows.is_empty() && t.rows.len() <= MAX_ROWS);
        assert_eq!(t.rows[0][0], "1");
        // Every row names two different actors and two different issues.
        for r in &t.rows {
            assert_ne!(r[1], r[4]);
            assert_ne!(r[2], r[5]);
        }
    }
}
