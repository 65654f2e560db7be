//! Output of the exchange model for `detente forecast --model exchange`: the realised
//! exchanges as JSON (under each issue they touch) and in words (table format).

use detente_forecast::exchange::{Exchange, ExchangeRun, ExchangeSide};
use detente_forecast::Problem;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// Largest number of exchanges listed in words (the JSON has all of them).
const MAX_LISTED: usize = 60;

fn side_json(p: &Problem, s: &ExchangeSide) -> Value {
    json!({
        "actor": p.actors[s.actor].id, "supply": p.issues[s.supply].id,
        "demand": p.issues[s.demand].id, "from": s.from, "to": s.to,
    })
}

/// One exchange as JSON.
pub fn exchange_json(p: &Problem, e: &Exchange) -> Value {
    let mut ext = Map::new();
    for (a, v) in &e.externalities {
        ext.insert(p.actors[*a].id.clone(), json!(v));
    }
    json!({
        "round": e.round, "order": e.order, "gain": e.gain,
        "i": side_json(p, &e.i), "j": side_json(p, &e.j), "externalities": ext,
    })
}

/// The exchanges that move a position on issue `d`, in the order they were realised.
pub fn issue_exchanges_json(p: &Problem, run: &ExchangeRun, d: usize) -> Value {
    Value::Array(
        run.exchanges
            .iter()
            .filter(|e| e.i.supply == d || e.j.supply == d)
            .map(|e| exchange_json(p, e))
            .collect(),
    )
}

/// One exchange in words: "Ukraine moves toward Russia on army limits (20 → 35), Russia toward
/// Ukraine on guarantees (80 → 60); gain 0.12 each".
pub fn describe(p: &Problem, e: &Exchange) -> String {
    // Names when they tell the actors apart (KTAB files may repeat one description), else ids.
    let unique = {
        let mut names: Vec<&str> = p.actors.iter().map(|a| a.name.as_str()).collect();
        names.sort_unstable();
        names.windows(2).all(|w| w[0] != w[1])
    };
    let name = |a: usize| {
        if unique {
            p.actors[a].name.as_str()
        } else {
            p.actors[a].id.as_str()
        }
    };
    let issue = |d: usize| p.issues[d].title.as_str();
    format!(
        "{} moves toward {} on {} ({:.1} → {:.1}), {} toward {} on {} ({:.1} → {:.1}); gain {:.3} each",
        name(e.i.actor),
        name(e.j.actor),
        issue(e.i.supply),
        e.i.from,
        e.i.to,
        name(e.j.actor),
        name(e.i.actor),
        issue(e.j.supply),
        e.j.from,
        e.j.to,
        e.gain
    )
}

/// The table-format section: every realised exchange in words, round by round.
pub fn print_exchanges(o: &mut String, p: &Problem, run: &ExchangeRun) {
    let _ = writeln!(
        o,
        "\nExchanges (equal gain model, {} round(s); gains in points of the 0–100 scale × salience):",
        run.rounds_run
    );
    if run.exchanges.is_empty() {
        let _ = writeln!(o, "  none: no pair of actors gains from trading positions");
        return;
    }
    for e in run.exchanges.iter().take(MAX_LISTED) {
        let _ = writeln!(o, "  round {}, #{}: {}", e.round, e.order, describe(p, e));
    }
    if run.exchanges.len() > MAX_LISTED {
        let _ = writeln!(
            o,
            "  … and {} more (all of them with --format json)",
            run.exchanges.len() - MAX_LISTED
        );
    }
}
