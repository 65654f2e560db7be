//! Negotiators: the [`Negotiator`] trait and the built-in strategies, each small and
//! parameterised, each built from a [`NegotiatorSpec`] (`boulware:e=0.2`, `hardheaded:level=0.9`).
//!
//! Every built-in negotiator offers only outcomes it may offer (in the space, no red line of
//! its own crossed, at or above its reservation value) and accepts only such outcomes; the
//! mechanism checks both and ends a negotiation with a recorded violation otherwise.

use crate::arena::{Arena, Party};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// What a negotiator sees when it is its turn.
#[derive(Debug, Clone, Copy)]
pub struct TurnContext<'a> {
    pub arena: &'a Arena,
    /// Index of the negotiator's own party.
    pub me: usize,
    /// Round (0-based): every negotiator acts once per round.
    pub round: u32,
    /// Relative time in [0, 1]: 0 at the first turn, 1 at the last one before the deadline.
    pub time: f64,
}

impl TurnContext<'_> {
    /// The negotiator's own party.
    pub fn party(&self) -> &Party {
        &self.arena.parties[self.me]
    }
}

/// A negotiation strategy. One value per party per negotiation (they keep state).
pub trait Negotiator: Send {
    /// Make an offer (an outcome index), or `None` to end the negotiation without agreement.
    fn propose(&mut self, cx: &TurnContext, rng: &mut ChaCha8Rng) -> Option<u32>;
    /// Respond to the standing `offer`, made by party `from`: `true` accepts it.
    fn respond(&mut self, cx: &TurnContext, offer: u32, from: usize, rng: &mut ChaCha8Rng) -> bool;
    /// Called when another party (`from`) makes an offer, before anyone responds to it.
    fn observe(&mut self, _cx: &TurnContext, _from: usize, _offer: u32) {}
}

/// A strategy and its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Strategy {
    /// Time-based concession (Faratin et al.; GENIUS `TimeDependentAgent`): target utility
    /// `pmin + (pmax - pmin)(1 - t^(1/e))`. `e < 1` Boulware, `e = 1` linear, `e > 1` conceder.
    TimeBased { e: f64 },
    /// Tit-for-tat: mirrors the opponents' concessions as measured in its own utility:
    /// naive = the same absolute step, relative = the same fraction of the way.
    /// `k` is an extra concession per round (fraction of its range), 0 by default.
    TitForTat { relative: bool, k: f64 },
    /// Never offers or accepts anything below `level` (absolute utility, clamped into the
    /// party's offerable range); offers a random outcome at or above it.
    Hardheaded { level: f64 },
    /// Offers a uniformly random offerable outcome; accepts an offerable offer with
    /// probability `p`.
    Random { p: f64 },
    /// Complete-information Nash seeker: concedes in time (exponent `e`) from its best
    /// outcome to its utility at the Nash point (reached at 90% of the time, then held), each
    /// time offering the outcome with the largest Nash product among those meeting its target.
    Nash { e: f64 },
    /// Time-based target (exponent `e`) plus a frequency model of each opponent learnt from
    /// its offers; among the `window` outcomes just above the target it offers the one the
    /// opponents are estimated to like most.
    Frequency { e: f64, window: u32 },
}

/// A named negotiator: its canonical label (`boulware:e=0.2`) and strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct NegotiatorSpec {
    pub label: String,
    pub strategy: Strategy,
}

/// The names understood by [`NegotiatorSpec::parse`], with their parameters and defaults.
pub const NEGOTIATOR_NAMES: &[(&str, &str)] = &[
    ("boulware", "e=0.2"),
    ("linear", "e=1"),
    ("conceder", "e=2"),
    ("tit-for-tat", "relative=0, k=0"),
    ("relative-tit-for-tat", "k=0"),
    ("hardheaded", "level=0.8"),
    ("random", "p=0.5"),
    ("nash", "e=1"),
    ("frequency", "e=0.2, window=32"),
];

impl NegotiatorSpec {
    /// Every built-in negotiator with its default parameters (what `--negotiators all` means).
    pub fn all() -> Vec<NegotiatorSpec> {
        NEGOTIATOR_NAMES
            .iter()
            .map(|(n, _)| NegotiatorSpec::parse(n).expect("built-in"))
            .collect()
    }

    /// Parse `name[:key=value[,key=value…]]`, e.g. `boulware:e=0.2`. Parameters may also be
    /// separated by `;` (useful inside a comma-separated list).
    pub fn parse(text: &str) -> Result<NegotiatorSpec, String> {
        let text = text.trim();
        let (name, params) = match text.split_once(':') {
            Some((n, p)) => (n.trim(), p),
            None => (text, ""),
        };
        let mut kv: Vec<(String, f64)> = Vec::new();
        for part in params
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                format!("negotiator `{text}`: parameter `{part}` is not key=value")
            })?;
            let v: f64 = v.trim().parse().map_err(|_| {
                format!(
                    "negotiator `{text}`: parameter `{}` has a non-numeric value `{}`",
                    k.trim(),
                    v.trim()
                )
            })?;
            if !v.is_finite() {
                return Err(format!(
                    "negotiator `{text}`: parameter `{}` must be finite",
                    k.trim()
                ));
            }
            kv.push((k.trim().to_string(), v));
        }
        let known: Vec<&str> = NEGOTIATOR_NAMES.iter().map(|(n, _)| *n).collect();
        let allowed: &[&str] = match name {
            "boulware" | "linear" | "conceder" | "nash" => &["e"],
            "tit-for-tat" => &["relative", "k"],
            "relative-tit-for-tat" => &["k"],
            "hardheaded" => &["level"],
            "random" => &["p"],
            "frequency" => &["e", "window"],
            _ => {
                return Err(format!(
                    "unknown negotiator `{name}`; known negotiators: {}",
                    known.join(", ")
                ))
            }
        };
        for (k, _) in &kv {
            if !allowed.contains(&k.as_str()) {
                return Err(format!(
                    "negotiator `{name}` has no parameter `{k}`; its parameters: {}",
                    allowed.join(", ")
                ));
            }
        }
        let get = |k: &str, d: f64| kv.iter().rev().find(|(n, _)| n == k).map_or(d, |(_, v)| *v);
        let positive = |k: &str, v: f64| {
            if v > 0.0 {
                Ok(v)
            } else {
                Err(format!(
                    "negotiator `{name}`: `{k}` must be greater than 0, got {v}"
                ))
            }
        };
        let unit = |k: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(v)
            } else {
                Err(format!(
                    "negotiator `{name}`: `{k}` must be in [0, 1], got {v}"
                ))
            }
        };
        let strategy = match name {
            "boulware" => Strategy::TimeBased {
                e: positive("e", get("e", 0.2))?,
            },
            "linear" => Strategy::TimeBased {
                e: positive("e", get("e", 1.0))?,
            },
            "conceder" => Strategy::TimeBased {
                e: positive("e", get("e", 2.0))?,
            },
            "nash" => Strategy::Nash {
                e: positive("e", get("e", 1.0))?,
            },
            "tit-for-tat" => Strategy::TitForTat {
                relative: unit("relative", get("relative", 0.0))? >= 0.5,
                k: unit("k", get("k", 0.0))?,
            },
            "relative-tit-for-tat" => Strategy::TitForTat {
                relative: true,
                k: unit("k", get("k", 0.0))?,
            },
            "hardheaded" => Strategy::Hardheaded {
                level: unit("level", get("level", 0.8))?,
            },
            "random" => Strategy::Random {
                p: unit("p", get("p", 0.5))?,
            },
            "frequency" => {
                let w = get("window", 32.0);
                if !(1.0..=1_000_000.0).contains(&w) || w.fract() != 0.0 {
                    return Err(format!(
                        "negotiator `frequency`: `window` must be a whole number from 1 to 1000000, got {w}"
                    ));
                }
                Strategy::Frequency {
                    e: positive("e", get("e", 0.2))?,
                    window: w as u32,
                }
            }
            _ => unreachable!("checked above"),
        };
        Ok(NegotiatorSpec {
            label: canonical(name, &kv),
            strategy,
        })
    }

    /// Parse a comma-separated list (`boulware:e=0.2,linear`); `all` expands to every
    /// built-in. A comma followed by `key=` continues the previous negotiator's parameters.
    pub fn parse_list(text: &str) -> Result<Vec<NegotiatorSpec>, String> {
        if text.trim() == "all" {
            return Ok(NegotiatorSpec::all());
        }
        let mut items: Vec<String> = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!("empty negotiator name in `{text}`"));
            }
            let continues = part.contains('=') && !part.contains(':');
            match items.last_mut() {
                Some(last) if continues => {
                    last.push(',');
                    last.push_str(part);
                }
                _ => items.push(part.to_string()),
            }
        }
        items.iter().map(|s| NegotiatorSpec::parse(s)).collect()
    }

    /// A fresh negotiator for party `me` of `arena`.
    pub fn build(&self, arena: &Arena, me: usize) -> Box<dyn Negotiator> {
        let party = &arena.parties[me];
        match self.strategy {
            Strategy::TimeBased { e } => Box::new(TimeBased { e }),
            Strategy::TitForTat { relative, k } => Box::new(TitForTat {
                relative,
                k,
                target: party.best().unwrap_or(0.0),
                extra: 0.0,
                first: None,
                last: None,
            }),
            Strategy::Hardheaded { level } => Box::new(Hardheaded { level }),
            Strategy::Random { p } => Box::new(RandomNegotiator { p }),
            Strategy::Nash { e } => Box::new(NashSeeker { e }),
            Strategy::Frequency { e, window } => {
                Box::new(FrequencyLearner::new(arena, me, e, window))
            }
        }
    }
}

fn canonical(name: &str, kv: &[(String, f64)]) -> String {
    let mut seen: Vec<(&str, f64)> = Vec::new();
    for (k, v) in kv {
        if let Some(s) = seen.iter_mut().find(|(n, _)| n == k) {
            s.1 = *v;
        } else {
            seen.push((k, *v));
        }
    }
    if seen.is_empty() {
        return name.to_string();
    }
    let params: Vec<String> = seen.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{name}:{}", params.join(";"))
}

/// The time-based aspiration curve: `pmin + (pmax - pmin)(1 - t^(1/e))`.
#[inline]
pub fn aspiration(t: f64, e: f64, pmin: f64, pmax: f64) -> f64 {
    pmin + (pmax - pmin) * (1.0 - t.clamp(0.0, 1.0).powf(1.0 / e))
}

fn time_target(party: &Party, t: f64, e: f64) -> f64 {
    match (party.worst(), party.best()) {
        (Some(lo), Some(hi)) => aspiration(t, e, lo, hi),
        _ => f64::INFINITY,
    }
}

/// Accept when the offer may be accepted and meets the target.
#[inline]
fn accept_at(party: &Party, offer: u32, target: f64) -> bool {
    party.offerable(offer) && party.utility(offer) >= target
}

struct TimeBased {
    e: f64,
}

impl Negotiator for TimeBased {
    fn propose(&mut self, cx: &TurnContext, _rng: &mut ChaCha8Rng) -> Option<u32> {
        let p = cx.party();
        p.outcome_at_least(time_target(p, cx.time, self.e))
    }
    fn respond(&mut self, cx: &TurnContext, offer: u32, _: usize, _: &mut ChaCha8Rng) -> bool {
        let p = cx.party();
        accept_at(p, offer, time_target(p, cx.time, self.e))
    }
}

struct TitForTat {
    relative: bool,
    k: f64,
    target: f64,
    /// Accumulated extra concession (`k` per response).
    extra: f64,
    first: Option<f64>,
    last: Option<f64>,
}

impl TitForTat {
    /// Mirror the opponent's latest offer (utility `u` to this party).
    fn update(&mut self, p: &Party, u: f64) {
        let (Some(lo), Some(hi)) = (p.worst(), p.best()) else {
            return;
        };
        let kindness = self.k * (hi - lo);
        self.extra += kindness;
        let target = match (self.first, self.last) {
            (Some(first), Some(last)) => {
                if self.relative {
                    let frac = if hi > first {
                        ((u - first) / (hi - first)).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    hi - frac * (hi - lo) - self.extra
                } else {
                    self.target - (u - last) - kindness
                }
            }
            _ => {
                self.first = Some(u);
                hi - self.extra
            }
        };
        self.target = target.clamp(lo, hi);
        self.last = Some(u);
    }
}

impl Negotiator for TitForTat {
    fn propose(&mut self, cx: &TurnContext, _rng: &mut ChaCha8Rng) -> Option<u32> {
        cx.party().outcome_at_least(self.target)
    }
    fn respond(&mut self, cx: &TurnContext, offer: u32, _: usize, _: &mut ChaCha8Rng) -> bool {
        let p = cx.party();
        self.update(p, p.utility(offer));
        accept_at(p, offer, self.target)
    }
}

struct Hardheaded {
    level: f64,
}

impl Hardheaded {
    fn floor(&self, p: &Party) -> f64 {
        match (p.worst(), p.best()) {
            (Some(lo), Some(hi)) => self.level.clamp(lo, hi),
            _ => f64::INFINITY,
        }
    }
}

impl Negotiator for Hardheaded {
    fn propose(&mut self, cx: &TurnContext, rng: &mut ChaCha8Rng) -> Option<u32> {
        let p = cx.party();
        let n = p.sorted.len();
        if n == 0 {
            return None;
        }
        let k = p.first_at_least(self.floor(p)).min(n - 1);
        Some(p.sorted[rng.random_range(k..n)])
    }
    fn respond(&mut self, cx: &TurnContext, offer: u32, _: usize, _: &mut ChaCha8Rng) -> bool {
        let p = cx.party();
        accept_at(p, offer, self.floor(p))
    }
}

struct RandomNegotiator {
    p: f64,
}

impl Negotiator for RandomNegotiator {
    fn propose(&mut self, cx: &TurnContext, rng: &mut ChaCha8Rng) -> Option<u32> {
        let s = &cx.party().sorted;
        if s.is_empty() {
            None
        } else {
            Some(s[rng.random_range(0..s.len())])
        }
    }
    fn respond(&mut self, cx: &TurnContext, offer: u32, _: usize, rng: &mut ChaCha8Rng) -> bool {
        cx.party().offerable(offer) && rng.random_bool(self.p)
    }
}

/// Relative time at which the Nash seeker's target reaches its Nash-point utility.
const NASH_BY: f64 = 0.9;

struct NashSeeker {
    e: f64,
}

impl NashSeeker {
    fn target(&self, cx: &TurnContext) -> f64 {
        let p = cx.party();
        let floor = match cx.arena.nash {
            Some(o) => p.utility(o),
            None => p.worst().unwrap_or(f64::INFINITY),
        };
        // It reaches the Nash point at 90% of the time and holds there, so that two Nash
        // seekers both stand at the point before the deadline.
        let t = (cx.time / NASH_BY).min(1.0);
        aspiration(t, self.e, floor, p.best().unwrap_or(floor).max(floor))
    }
}

impl Negotiator for NashSeeker {
    fn propose(&mut self, cx: &TurnContext, _rng: &mut ChaCha8Rng) -> Option<u32> {
        let p = cx.party();
        let n = p.sorted.len();
        if n == 0 {
            return None;
        }
        let k = p.first_at_least(self.target(cx)).min(n - 1);
        match cx.arena.nash_above(cx.me)[k] {
            u32::MAX => Some(p.sorted[k]),
            o => Some(o),
        }
    }
    fn respond(&mut self, cx: &TurnContext, offer: u32, _: usize, _: &mut ChaCha8Rng) -> bool {
        accept_at(cx.party(), offer, self.target(cx))
    }
}

/// A frequency model of one opponent (GENIUS / HardHeaded style): value counts per issue and
/// issue weights that grow when the opponent keeps an issue's value unchanged.
struct OpponentModel {
    counts: Vec<Vec<u32>>,
    max_count: Vec<u32>,
    weights: Vec<f64>,
    last: Option<u32>,
}

impl OpponentModel {
    fn new(arena: &Arena) -> Self {
        let m = arena.cardinalities.len();
        OpponentModel {
            counts: arena
                .cardinalities
                .iter()
                .map(|&c| vec![0; c as usize])
                .collect(),
            max_count: vec![0; m],
            weights: vec![1.0 / m.max(1) as f64; m],
            last: None,
        }
    }

    fn update(&mut self, arena: &Arena, offer: u32) {
        let m = self.counts.len();
        for i in 0..m {
            let v = arena.value(offer, i) as usize;
            self.counts[i][v] += 1;
            self.max_count[i] = self.max_count[i].max(self.counts[i][v]);
            if let Some(last) = self.last {
                if arena.value(last, i) as usize == v {
                    self.weights[i] += 0.2 / m as f64;
                }
            }
        }
        let total: f64 = self.weights.iter().sum();
        self.weights.iter_mut().for_each(|w| *w /= total);
        self.last = Some(offer);
    }

    fn estimate(&self, arena: &Arena, o: u32) -> f64 {
        (0..self.counts.len())
            .map(|i| {
                let max = self.max_count[i];
                if max == 0 {
                    0.0
                } else {
                    self.weights[i] * self.counts[i][arena.value(o, i) as usize] as f64 / max as f64
                }
            })
            .sum()
    }
}

struct FrequencyLearner {
    e: f64,
    window: u32,
    models: Vec<Option<OpponentModel>>,
}

impl FrequencyLearner {
    fn new(arena: &Arena, me: usize, e: f64, window: u32) -> Self {
        let models = (0..arena.parties.len())
            .map(|j| (j != me).then(|| OpponentModel::new(arena)))
            .collect();
        FrequencyLearner { e, window, models }
    }

    /// Estimated utility of `o` summed over the opponents.
    fn estimate(&self, arena: &Arena, o: u32) -> f64 {
        self.models
            .iter()
            .flatten()
            .map(|m| m.estimate(arena, o))
            .sum()
    }
}

impl Negotiator for FrequencyLearner {
    fn propose(&mut self, cx: &TurnContext, _rng: &mut ChaCha8Rng) -> Option<u32> {
        let p = cx.party();
        let n = p.sorted.len();
        if n == 0 {
            return None;
        }
        let k = p.first_at_least(time_target(p, cx.time, self.e)).min(n - 1);
        let end = (k + self.window as usize).min(n);
        let mut best = (p.sorted[k], f64::NEG_INFINITY);
        for &o in &p.sorted[k..end] {
            let est = self.estimate(cx.arena, o);
            if est > best.1 {
                best = (o, est);
            }
        }
        Some(best.0)
    }
    fn respond(&mut self, cx: &TurnContext, offer: u32, _: usize, _: &mut ChaCha8Rng) -> bool {
        let p = cx.party();
        accept_at(p, offer, time_target(p, cx.time, self.e))
    }
    fn observe(&mut self, cx: &TurnContext, from: usize, offer: u32) {
        if let Some(Some(m)) = self.models.get_mut(from) {
            m.update(cx.arena, offer);
        }
    }
}
