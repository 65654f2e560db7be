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

/// A trade the scenario states (a `trade` linkage) and whether the model makes it.
pub struct StatedTrade {
    pub id: String,
    pub words: String,
    /// The model's exchange, when it makes the trade.
    pub found: Option<Exchange>,
    /// Why it cannot be compared (an issue the model does not forecast), when so.
    pub not_comparable: Option<String>,
}

/// Every `trade` linkage of the scenario, looked up in the model's run.
pub fn stated_trades(input: &super::forecast::Input, run: &ExchangeRun) -> Vec<StatedTrade> {
    use detente_scenario::LinkageKind;
    let Some(s) = &input.scenario else {
        return Vec::new();
    };
    let p = &input.problem;
    let actor = |a: usize| p.actors.iter().position(|x| x.id == s.actors[a].id);
    // Stated trades are compared on scale issues only (ordered options issues are on the
    // models' line too, but a trade of options is not a move of a few points).
    let issue = |i: usize| {
        s.issues[i]
            .is_scale()
            .then(|| input.scenario_issue.iter().position(|&k| k == i))
            .flatten()
    };
    s.linkages
        .iter()
        .filter_map(|l| match &l.kind {
            LinkageKind::Trade {
                offered_by,
                to,
                gives,
                for_,
            } => {
                let (g, w) = (issue(gives.issue), issue(for_.issue));
                let mut t = StatedTrade {
                    id: l.id.clone(),
                    words: l.describe(s),
                    found: None,
                    not_comparable: None,
                };
                match (actor(*offered_by), g, w) {
                    (Some(by), Some(g), Some(w)) => {
                        let from = to.and_then(actor);
                        t.found = run.find_trade(by, from, g, w).cloned();
                    }
                    _ => {
                        t.not_comparable = Some(
                            "one of its issues is not on a 0–100 scale (the exchange model trades scale issues only)"
                                .into(),
                        )
                    }
                }
                Some(t)
            }
            _ => None,
        })
        .collect()
}

/// The stated trades as JSON.
pub fn stated_trades_json(p: &Problem, trades: &[StatedTrade]) -> Value {
    Value::Array(
        trades
            .iter()
            .map(|t| {
                json!({
                    "linkage": t.id, "words": t.words,
                    "found": t.found.as_ref().map(|e| exchange_json(p, e)),
                    "not_comparable": t.not_comparable,
                })
            })
            .collect(),
    )
}

/// The stated trades in words (table format).
pub fn print_stated_trades(o: &mut String, p: &Problem, trades: &[StatedTrade]) {
    if trades.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nTrades the scenario states (linkages), and whether the model makes them:"
    );
    for t in trades {
        let verdict = match (&t.found, &t.not_comparable) {
            (Some(e), _) => format!(
                "made in round {}, #{}: {}",
                e.round,
                e.order,
                describe(p, e)
            ),
            (None, Some(why)) => format!("not comparable: {why}"),
            (None, None) => "not made by the model".to_string(),
        };
        let _ = writeln!(o, "  {} ({}): {verdict}", t.words, t.id);
    }
}
