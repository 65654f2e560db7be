//! One headline per issue of a scenario: a central forecast (an ensemble of the models), an 80%
//! band from Monte Carlo over the stance ranges, model and preset uncertainty, the probability
//! of each anchor region or option, red lines of veto players, and a stability grade with its
//! reasons. Every issue of the scenario gets one: scale issues and ordered options issues on
//! their line (option k of m at 100·k/(m−1)), unordered options issues by the discrete model of
//! [`crate::options`]. The CLI, the report and the workbench only format this value.
//!
//! The ensemble is the median of the selected models' forecasts (all five by default), per
//! draw; the band is its 10th–90th percentile over the draws. See docs/forecast.md ("Headline").
#![allow(clippy::needless_range_loop)] // issue × draw tables read better with indices

use crate::io::StanceRanges;
use crate::model::{IssueForecast, Model};
use crate::montecarlo::{self, McResult, NoiseSpec};
use crate::options::{self, OptionVoter};
use crate::problem::{IssueInfo, Problem, StancePoint};
use crate::{build_model, EumOptions, ModelConfig};
use detente_scenario::{IssueKind, Position, RedLine, Scenario};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::BTreeMap;

/// Largest number of Monte Carlo draws the headline accepts.
pub const MAX_DRAWS: usize = 1_000_000;
/// Default number of Monte Carlo draws behind the band.
pub const DEFAULT_DRAWS: usize = 500;
/// A headline is fragile when the models disagree by more than this share of the scale.
pub const SPREAD_LIMIT: f64 = 0.25;
/// … or its 80% band is wider than this share of the scale.
pub const BAND_LIMIT: f64 = 0.25;
/// … or no region / option reaches this probability.
pub const TOP_LIMIT: f64 = 0.6;

/// A scenario converted for the models: scale issues and ordered options issues (on the line
/// of their order), with red lines as acceptable ranges unless unconstrained.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub problem: Problem,
    pub ranges: StanceRanges,
    /// For each problem issue, its index in `scenario.issues`.
    pub scenario_issue: Vec<usize>,
}

/// Position on the line of option `k` of `m` ordered options.
pub fn option_point(k: usize, m: usize) -> f64 {
    if m <= 1 {
        50.0
    } else {
        100.0 * k as f64 / (m - 1) as f64
    }
}

/// The option nearest to a point of the line of `m` ordered options.
pub fn nearest_option(x: f64, m: usize) -> usize {
    if m <= 1 {
        return 0;
    }
    ((x / 100.0 * (m - 1) as f64).round().max(0.0) as usize).min(m - 1)
}

fn point_of(p: Position, m: Option<usize>) -> Option<f64> {
    match (p, m) {
        (Position::Scale(x), None) => Some(x),
        (Position::Option(k), Some(m)) => Some(option_point(k, m)),
        _ => None,
    }
}

/// The acceptable range on the line of a red line (ordered options: the accepted options' hull).
pub fn red_line_range(r: &RedLine, m: Option<usize>) -> Option<(f64, f64)> {
    match (r, m) {
        (RedLine::Range { lo, hi }, None) => Some((*lo, *hi)),
        (RedLine::Rejects { options }, Some(m)) => {
            let ok: Vec<usize> = (0..m).filter(|k| !options.contains(k)).collect();
            Some((option_point(*ok.first()?, m), option_point(*ok.last()?, m)))
        }
        _ => None,
    }
}

/// The number of options of an ordered options issue (`None` for scale and unordered issues).
fn line_options(kind: &IssueKind) -> Option<usize> {
    match kind {
        IssueKind::Options {
            options,
            ordered: true,
        } => Some(options.len()),
        _ => None,
    }
}

/// For each issue of a prepared problem (`Prepared::scenario_issue`), the positions its line allows: the option points of
/// an ordered options issue, `None` for a scale issue.
pub fn line_points(s: &Scenario, scenario_issue: &[usize]) -> Vec<Option<Vec<f64>>> {
    scenario_issue
        .iter()
        .map(|&ii| {
            line_options(&s.issues[ii].kind).map(|m| (0..m).map(|k| option_point(k, m)).collect())
        })
        .collect()
}

/// Convert a scenario for the one-dimensional and spatial models: the scale issues exactly as
/// [`crate::io::from_scenario`] converts them (with their ranges), then every ordered options
/// issue on the line of its order. `constrained`: actors' red lines become acceptable ranges the
/// dynamic models respect.
pub fn prepare(s: &Scenario, constrained: bool) -> Prepared {
    let conv = crate::io::from_scenario(s);
    let (mut p, mut ranges, mut map) = (conv.problem, conv.ranges, conv.scenario_issue);
    let n = p.actors.len();
    for (ii, issue) in s.issues.iter().enumerate() {
        let Some(m) = line_options(&issue.kind) else {
            continue;
        };
        let (mut st, pr, mut sr) = (vec![None; n], vec![None; n], vec![None; n]);
        for stance in s.stances_on(ii).filter(|st| st.actor < n) {
            if let (Some(x), Some(sal)) = (
                stance.position.and_then(|q| point_of(q, Some(m))),
                stance.salience,
            ) {
                st[stance.actor] = Some(StancePoint {
                    position: x,
                    salience: sal / 100.0,
                });
                sr[stance.actor] = stance.salience_range.map(|(a, b)| (a / 100.0, b / 100.0));
            }
        }
        p.push_issue(
            IssueInfo {
                id: issue.id.clone(),
                title: issue.title.clone(),
                lo: detente_scenario::Issue::SCALE_MIN,
                hi: detente_scenario::Issue::SCALE_MAX,
                status_quo: issue.status_quo.and_then(|q| point_of(q, Some(m))),
                outcome: issue.outcome.and_then(|q| point_of(q, Some(m))),
            },
            st,
        );
        map.push(ii);
        ranges.position.push(pr);
        ranges.salience.push(sr);
    }
    if constrained {
        for (d, &ii) in map.iter().enumerate() {
            let m = line_options(&s.issues[ii].kind);
            for stance in s.stances_on(ii).filter(|st| st.actor < n) {
                let r = stance.red_line.as_ref().and_then(|r| red_line_range(r, m));
                if let (Some((lo, hi)), Some(_)) = (r, p.stances[d][stance.actor]) {
                    p.set_red_line(d, stance.actor, lo, hi);
                }
            }
        }
    }
    Prepared {
        problem: p,
        ranges,
        scenario_issue: map,
    }
}

/// What the headline rests on.
#[derive(Debug, Clone)]
pub struct HeadlineOptions {
    pub config: ModelConfig,
    /// Models of the ensemble (names of [`crate::MODEL_NAMES`]).
    pub models: Vec<&'static str>,
    /// Monte Carlo draws behind the band (0: no band).
    pub draws: usize,
    pub seed: u64,
    /// Extra noise on top of the stance ranges.
    pub noise: NoiseSpec,
    /// Respect red lines in the dynamic models (the default); `false` = the classic models.
    pub constrained: bool,
}

impl Default for HeadlineOptions {
    fn default() -> Self {
        HeadlineOptions {
            config: ModelConfig::default(),
            models: crate::MODEL_NAMES.to_vec(),
            draws: DEFAULT_DRAWS,
            seed: 1,
            noise: NoiseSpec::default(),
            constrained: true,
        }
    }
}

/// `stable`, or `fragile` (see the reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    Stable,
    Fragile,
}

impl Stability {
    /// `fragile` when there is any reason to call it so, otherwise `stable`.
    pub fn of(reasons: &[String]) -> Stability {
        if reasons.is_empty() {
            Stability::Stable
        } else {
            Stability::Fragile
        }
    }
}

/// One region of a scale issue (the points nearest one anchor) or one option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// The anchor's position (as text, e.g. `"50"`) or the option id.
    pub key: String,
    pub label: String,
    /// The points of the line it covers (scale and ordered options issues).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<f64>,
}

/// The headline of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The central forecast on the issue's line (scale and ordered options issues).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<f64>,
    /// The most likely option (options issues; for ordered ones, the option nearest `forecast`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The central forecast in the scenario's words.
    pub label: String,
    /// The 80% band (10th–90th percentile of the ensemble over the draws).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<[f64; 2]>,
    /// Probability of each anchor region (key = anchor position) or option (key = option id).
    pub probabilities: BTreeMap<String, f64>,
    /// The regions or options, in order, with their labels.
    pub regions: Vec<Region>,
    /// Highest minus lowest model forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_spread: Option<f64>,
    /// Lowest and highest EUM forecast over the presets (textbook, scholz2011, q05).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset_range: Option<[f64; 2]>,
    pub stability: Stability,
    pub reasons: Vec<String>,
    /// Veto players whose red line excludes the central forecast.
    pub vetoed_by: Vec<String>,
    /// Share of draws in which some veto player's red line excludes the outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_no_agreement: Option<f64>,
    /// Actors with a position and a salience on this issue.
    pub positioned: Vec<String>,
    /// How well the positioned stances are evidenced: the capability × salience weighted median
    /// of their evidence strength (`strong`, `medium`, `unspecified`, `weak`, `none`; see
    /// docs/scenario-format.md); `None` when no stance has weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_strength: Option<detente_scenario::Strength>,
}

/// The capability × salience weighted median evidence strength of the positioned stances.
fn evidence_strength(s: &Scenario, ii: usize) -> Option<detente_scenario::Strength> {
    let mut v: Vec<(detente_scenario::Strength, f64)> = s
        .stances_on(ii)
        .filter(|st| st.position.is_some())
        .filter_map(|st| {
            let w = s.actors.get(st.actor)?.capability * st.salience?;
            (w > 0.0).then(|| (st.strength(), w))
        })
        .collect();
    let total: f64 = v.iter().map(|x| x.1).sum();
    if total <= 0.0 {
        return None;
    }
    v.sort_by_key(|x| x.0);
    let mut acc = 0.0;
    for (k, w) in &v {
        acc += w;
        if acc >= total / 2.0 {
            return Some(*k);
        }
    }
    v.last().map(|x| x.0)
}

/// A fragility reason when most of the weight rests on weak or no evidence.
fn evidence_reason(e: Option<detente_scenario::Strength>) -> Option<String> {
    use detente_scenario::Strength::{None as NoEvidence, Weak};
    match e {
        Some(k @ (Weak | NoEvidence)) => Some(format!(
            "most of the weight rests on {} evidence",
            k.as_str()
        )),
        _ => None,
    }
}

/// The analysis of one scenario issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueHeadline {
    pub id: String,
    pub title: String,
    /// `scale`, `ordered_options` or `options`.
    pub kind: &'static str,
    /// Index in the models' problem (scale and ordered options issues).
    #[serde(skip)]
    pub problem_issue: Option<usize>,
    pub headline: Headline,
    /// Thin data: drafts without positions, too few actors, veto players without a stance.
    pub warnings: Vec<String>,
}

/// Every issue's headline, plus the model results behind them.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub prepared: Prepared,
    pub models: Vec<&'static str>,
    /// `results[model][problem issue]` (full forecasts with traces).
    pub results: Vec<Vec<IssueForecast>>,
    pub mc: Option<McResult>,
    pub issues: Vec<IssueHeadline>,
    pub draws: usize,
    pub seed: u64,
    pub constrained: bool,
}

/// Median of the finite values (midpoint of the two middle ones); `None` when there is none.
fn median(v: &mut Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let k = v.len();
    Some(if k % 2 == 1 {
        v[k / 2]
    } else {
        (v[k / 2 - 1] + v[k / 2]) / 2.0
    })
}

/// The regions of a scale issue (nearest anchor) or the options of an options issue.
fn regions(s: &Scenario, ii: usize) -> Vec<Region> {
    let issue = &s.issues[ii];
    match &issue.kind {
        IssueKind::Scale { anchors } => (0..anchors.len())
            .map(|k| Region {
                key: fmt_num(anchors[k].at),
                label: anchors[k].label.clone(),
                from: Some(if k == 0 {
                    detente_scenario::Issue::SCALE_MIN
                } else {
                    (anchors[k - 1].at + anchors[k].at) / 2.0
                }),
                to: Some(if k + 1 == anchors.len() {
                    detente_scenario::Issue::SCALE_MAX
                } else {
                    (anchors[k].at + anchors[k + 1].at) / 2.0
                }),
            })
            .collect(),
        IssueKind::Options { options, ordered } => {
            let m = options.len();
            (0..m)
                .map(|k| Region {
                    key: options[k].id.clone(),
                    label: options[k].label.clone(),
                    from: ordered
                        .then(|| (option_point(k, m) - 50.0 / (m.max(2) - 1) as f64).max(0.0)),
                    to: ordered
                        .then(|| (option_point(k, m) + 50.0 / (m.max(2) - 1) as f64).min(100.0)),
                })
                .collect()
        }
    }
}

fn fmt_num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// Which region (anchor or option) a point of the line falls in.
fn region_of(regs: &[Region], x: f64, m: Option<usize>) -> Option<usize> {
    if let Some(m) = m {
        return Some(nearest_option(x, m));
    }
    regs.iter()
        .position(|r| x <= r.to.unwrap_or(f64::INFINITY) + 1e-9)
        .or(if regs.is_empty() {
            None
        } else {
            Some(regs.len() - 1)
        })
}

/// The central forecast in words.
pub fn describe(s: &Scenario, ii: usize, x: f64) -> String {
    let issue = &s.issues[ii];
    match line_options(&issue.kind) {
        Some(m) => {
            let k = nearest_option(x, m);
            format!("{} ({})", fmt_num(x), issue.options()[k].label)
        }
        None => issue.describe(Position::Scale((x * 10.0).round() / 10.0)),
    }
}

/// Run every model, the Monte Carlo draws and the preset variants, and build every issue's
/// headline.
pub fn analyse(s: &Scenario, o: &HeadlineOptions) -> Analysis {
    let prepared = prepare(s, o.constrained);
    let p = &prepared.problem;
    let models: Vec<Box<dyn Model>> = o
        .models
        .iter()
        .filter_map(|n| build_model(n, &o.config))
        .collect();
    let results: Vec<Vec<IssueForecast>> = models.iter().map(|m| m.forecast(p)).collect();
    // Without stance ranges or noise every draw is the data itself: no band.
    let uncertain = !prepared.ranges.is_empty() || !o.noise.is_empty();
    let mc = if o.draws > 0 && uncertain && !p.issues.is_empty() {
        Some(montecarlo::run(
            p,
            &prepared.ranges,
            &o.noise,
            &models,
            o.draws,
            o.seed,
            &vec![None; p.issues.len()],
            &|_| {},
        ))
    } else {
        None
    };
    // EUM under every preset (same red lines, unperturbed data).
    let presets: Vec<(&str, Vec<Option<f64>>)> = if o.models.contains(&"eum") {
        crate::eum::PRESETS
            .iter()
            .filter_map(|name| {
                let opts = EumOptions::preset(name)?;
                Some((*name, crate::Eum::new(opts).point(p)))
            })
            .collect()
    } else {
        Vec::new()
    };
    let veto = s.veto_players();
    let mut issues = Vec::new();
    for (ii, issue) in s.issues.iter().enumerate() {
        let d = prepared.scenario_issue.iter().position(|&x| x == ii);
        let warnings = thin_warnings(s, ii, &veto);
        let headline = match d {
            Some(d) => line_headline(s, ii, d, &prepared, &results, mc.as_ref(), &presets, &veto),
            None => options_headline(s, ii, o, &veto),
        };
        issues.push(IssueHeadline {
            id: issue.id.clone(),
            title: issue.title.clone(),
            kind: match (&issue.kind, d) {
                (IssueKind::Scale { .. }, _) => "scale",
                (_, Some(_)) => "ordered_options",
                _ => "options",
            },
            problem_issue: d,
            headline,
            warnings,
        });
    }
    Analysis {
        models: o.models.clone(),
        results,
        mc,
        issues,
        draws: o.draws,
        seed: o.seed,
        constrained: o.constrained,
        prepared,
    }
}

/// Drafts, too few positioned actors, veto players without a stance.
fn thin_warnings(s: &Scenario, ii: usize, veto: &[usize]) -> Vec<String> {
    let mut w = Vec::new();
    let name = |a: usize| s.actors[a].id.clone();
    let drafts: Vec<String> = s
        .stances_on(ii)
        .filter(|st| st.position.is_none() || st.salience.is_none())
        .map(|st| name(st.actor))
        .collect();
    if !drafts.is_empty() {
        w.push(format!(
            "stance(s) without a position or salience left out (draft): {}",
            drafts.join(", ")
        ));
    }
    let positioned = s
        .stances_on(ii)
        .filter(|st| st.position.is_some() && st.salience.is_some())
        .count();
    if positioned < 2 {
        w.push(format!(
            "only {positioned} actor(s) take a position: the result repeats that position, it is not a forecast"
        ));
    }
    let missing: Vec<String> = veto
        .iter()
        .filter(|&&v| {
            s.stance(v, ii)
                .map(|st| st.position.is_none())
                .unwrap_or(true)
        })
        .map(|&v| name(v))
        .collect();
    if !missing.is_empty() {
        w.push(format!(
            "veto player(s) without a position on this issue: {}",
            missing.join(", ")
        ));
    }
    w
}

fn positioned(s: &Scenario, ii: usize) -> Vec<String> {
    s.stances_on(ii)
        .filter(|st| st.position.is_some() && st.salience.is_some())
        .map(|st| s.actors[st.actor].id.clone())
        .collect()
}

/// Veto players whose red line rejects a position of the issue.
fn vetoers(s: &Scenario, ii: usize, veto: &[usize], pos: Position) -> Vec<String> {
    veto.iter()
        .filter(|&&v| {
            s.stance(v, ii)
                .and_then(|st| st.red_line.as_ref())
                .map(|r| !r.accepts(pos))
                .unwrap_or(false)
        })
        .map(|&v| s.actors[v].id.clone())
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn line_headline(
    s: &Scenario,
    ii: usize,
    d: usize,
    prepared: &Prepared,
    results: &[Vec<IssueForecast>],
    mc: Option<&McResult>,
    presets: &[(&str, Vec<Option<f64>>)],
    veto: &[usize],
) -> Headline {
    let issue = &s.issues[ii];
    let m = line_options(&issue.kind);
    let regs = regions(s, ii);
    let as_pos = |x: f64| match m {
        Some(m) => Position::Option(nearest_option(x, m)),
        None => Position::Scale((x * 10.0).round() / 10.0),
    };
    let mut fs: Vec<f64> = results.iter().filter_map(|r| r[d].forecast).collect();
    let spread = (fs.len() >= 2).then(|| {
        fs.iter().copied().fold(f64::MIN, f64::max) - fs.iter().copied().fold(f64::MAX, f64::min)
    });
    let central = median(&mut fs);
    let mut reasons = Vec::new();
    // Ensemble per draw.
    let ens: Vec<f64> = match mc {
        Some(mc) => (0..mc.runs)
            .filter_map(|t| median(&mut mc.samples.iter().map(|sm| sm[d][t]).collect()))
            .collect(),
        None => Vec::new(),
    };
    let mut sorted = ens.clone();
    sorted.sort_by(f64::total_cmp);
    let band = match (
        montecarlo::percentile(&sorted, 0.1),
        montecarlo::percentile(&sorted, 0.9),
    ) {
        (Some(a), Some(b)) => Some([a, b]),
        _ => None,
    };
    let width = prepared.problem.issues[d].hi - prepared.problem.issues[d].lo;
    let mut probabilities = BTreeMap::new();
    let source: Vec<f64> = if ens.is_empty() {
        central.into_iter().collect()
    } else {
        ens.clone()
    };
    for r in &regs {
        probabilities.insert(r.key.clone(), 0.0);
    }
    for &x in &source {
        if let Some(k) = region_of(&regs, x, m) {
            *probabilities.get_mut(&regs[k].key).unwrap() += 1.0 / source.len() as f64;
        }
    }
    if let Some(sp) = spread.filter(|sp| *sp > SPREAD_LIMIT * width) {
        reasons.push(format!(
            "models disagree by {sp:.0} points (more than {:.0})",
            SPREAD_LIMIT * width
        ));
    }
    match band {
        Some([a, b]) if b - a > BAND_LIMIT * width => reasons.push(format!(
            "80% band {a:.0}–{b:.0} is wider than {:.0} points",
            BAND_LIMIT * width
        )),
        _ => {}
    }
    // A point forecast outside its own band: the stance ranges pull the answer one way
    // (ranges clipped at a scale end, weakly evidenced stances widened), so the point alone
    // would mislead. And a central region that holds few of the draws.
    if let (Some(c), Some([a, b])) = (central, band) {
        if c < a - 1e-9 || c > b + 1e-9 {
            reasons.push(format!(
                "the point forecast {c:.0} lies outside its own 80% band {a:.0}–{b:.0} \
                 (the stance ranges pull the answer away from the stated positions)"
            ));
        }
        let top = region_of(&regs, c, m).map(|k| regs[k].key.clone());
        if let Some(k) = top {
            let pk = probabilities.get(&k).copied().unwrap_or(0.0);
            if pk < TOP_LIMIT {
                reasons.push(format!(
                    "the central region has only {:.0}% of the draws",
                    pk * 100.0
                ));
            }
        }
    }
    // Preset flips: the EUM's region differs across presets.
    let pv: Vec<(&str, f64)> = presets
        .iter()
        .filter_map(|(n, v)| v[d].map(|x| (*n, x)))
        .collect();
    let preset_range = (!pv.is_empty()).then(|| {
        [
            pv.iter().map(|x| x.1).fold(f64::MAX, f64::min),
            pv.iter().map(|x| x.1).fold(f64::MIN, f64::max),
        ]
    });
    let pregs: Vec<Option<usize>> = pv.iter().map(|(_, x)| region_of(&regs, *x, m)).collect();
    if pregs.windows(2).any(|w| w[0] != w[1]) {
        let parts: Vec<String> = pv.iter().map(|(n, x)| format!("{n} {x:.0}")).collect();
        reasons.push(format!(
            "the EUM answer flips under a preset ({})",
            parts.join(", ")
        ));
    }
    let vetoed_by = central
        .map(|c| vetoers(s, ii, veto, as_pos(c)))
        .unwrap_or_default();
    for v in &vetoed_by {
        reasons.push(format!("would be vetoed by {v} (past its red line)"));
    }
    let has_lines = veto.iter().any(|&v| {
        s.stance(v, ii)
            .map(|st| st.red_line.is_some())
            .unwrap_or(false)
    });
    let p_no_agreement = (has_lines && !ens.is_empty()).then(|| {
        ens.iter()
            .filter(|&&x| !vetoers(s, ii, veto, as_pos(x)).is_empty())
            .count() as f64
            / ens.len() as f64
    });
    let pos = positioned(s, ii);
    if pos.len() < 2 {
        reasons.push(format!("only {} actor(s) take a position", pos.len()));
    }
    let evidence = evidence_strength(s, ii);
    reasons.extend(evidence_reason(evidence));
    Headline {
        forecast: central,
        option: match (m, central) {
            (Some(m), Some(c)) => Some(issue.options()[nearest_option(c, m)].id.clone()),
            _ => None,
        },
        label: central
            .map(|c| describe(s, ii, c))
            .unwrap_or_else(|| "no forecast: no actor with a positive weight".into()),
        band,
        probabilities,
        regions: regs,
        model_spread: spread,
        preset_range,
        stability: Stability::of(&reasons),
        reasons,
        vetoed_by,
        p_no_agreement,
        positioned: pos,
        evidence_strength: evidence,
    }
}

/// The voters of an unordered options issue (saliences drawn for draw `t` from their ranges,
/// triangular with the stated value as mode; or as stated).
fn voters(s: &Scenario, ii: usize, draw: Option<(u64, u64)>) -> Vec<OptionVoter> {
    let m = s.issues[ii].options().len();
    let mut rng = draw.map(|(seed, t)| {
        let mut r = ChaCha8Rng::seed_from_u64(seed ^ 0x6f70_7469_6f6e_7321);
        r.set_stream(t * 1024 + ii as u64);
        r
    });
    s.stances_on(ii)
        .filter_map(|st| {
            let own = st.position?.as_option()?;
            let mut sal = st.salience? / 100.0;
            if let (Some(r), Some((lo, hi))) = (rng.as_mut(), st.salience_range) {
                // Triangular on the range with the stated value as mode, as `montecarlo` draws.
                let u = ((r.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
                let m = (sal * 100.0).clamp(lo, hi);
                let f = if hi > lo { (m - lo) / (hi - lo) } else { 0.5 };
                let x = if hi <= lo {
                    m
                } else if u < f {
                    lo + (u * (hi - lo) * (m - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - m)).sqrt()
                };
                sal = x / 100.0;
            }
            let rejects = match &st.red_line {
                Some(RedLine::Rejects { options }) => options.clone(),
                _ => Vec::new(),
            };
            let explicit: Vec<(usize, f64)> = st.values.iter().map(|(k, v)| (*k, *v)).collect();
            Some(OptionVoter {
                capability: s.actors[st.actor].capability,
                salience: sal.clamp(0.0, 1.0),
                values: OptionVoter::values_for(m, own, &rejects, &explicit),
            })
        })
        .collect()
}

fn options_headline(s: &Scenario, ii: usize, o: &HeadlineOptions, veto: &[usize]) -> Headline {
    let issue = &s.issues[ii];
    let m = issue.options().len();
    let regs = regions(s, ii);
    let base = options::probabilities(&voters(s, ii, None), m);
    // Average over draws of the salience ranges (the stated values when there are none).
    let has_ranges = s.stances_on(ii).any(|st| st.salience_range.is_some());
    let probs: Option<Vec<f64>> = if has_ranges && o.draws > 0 {
        let mut acc = vec![0.0; m];
        let mut k = 0;
        for t in 0..o.draws as u64 {
            if let Some(pr) = options::probabilities(&voters(s, ii, Some((o.seed, t))), m) {
                acc.iter_mut().zip(&pr).for_each(|(a, b)| *a += b);
                k += 1;
            }
        }
        (k > 0).then(|| acc.iter().map(|a| a / k as f64).collect())
    } else {
        base.clone()
    };
    let mut reasons = Vec::new();
    let mut probabilities = BTreeMap::new();
    let best = probs.as_ref().and_then(|pr| {
        for (k, r) in regs.iter().enumerate() {
            probabilities.insert(r.key.clone(), pr[k]);
        }
        (0..m).max_by(|&a, &b| pr[a].total_cmp(&pr[b]).then(b.cmp(&a)))
    });
    if let (Some(k), Some(pr)) = (best, &probs) {
        if pr[k] < TOP_LIMIT {
            reasons.push(format!(
                "the most likely option has only {:.0}%",
                pr[k] * 100.0
            ));
        }
    }
    let vetoed_by = best
        .map(|k| vetoers(s, ii, veto, Position::Option(k)))
        .unwrap_or_default();
    for v in &vetoed_by {
        reasons.push(format!("would be vetoed by {v} (past its red line)"));
    }
    let p_no_agreement = probs.as_ref().and_then(|pr| {
        let any = veto.iter().any(|&v| {
            s.stance(v, ii)
                .map(|st| st.red_line.is_some())
                .unwrap_or(false)
        });
        any.then(|| {
            (0..m)
                .filter(|&k| !vetoers(s, ii, veto, Position::Option(k)).is_empty())
                .map(|k| pr[k])
                .sum()
        })
    });
    let pos = positioned(s, ii);
    if pos.len() < 2 {
        reasons.push(format!("only {} actor(s) take a position", pos.len()));
    }
    let evidence = evidence_strength(s, ii);
    reasons.extend(evidence_reason(evidence));
    Headline {
        forecast: None,
        option: best.map(|k| issue.options()[k].id.clone()),
        label: match best {
            Some(k) => issue.options()[k].label.clone(),
            None => "no forecast: no actor with a positive weight takes a position".into(),
        },
        band: None,
        probabilities,
        regions: regs,
        model_spread: None,
        preset_range: None,
        stability: Stability::of(&reasons),
        reasons,
        vetoed_by,
        p_no_agreement,
        positioned: pos,
        evidence_strength: evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const TALKS: &str = r#"
[scenario]
title = "t"

[[actors]]
id = "north"
name = "North"
kind = "state"
capability = 60

[[actors]]
id = "south"
name = "South"
kind = "state"
capability = 40

[[issues]]
id = "border"
title = "Border"
type = "scale"
anchors = [{ at = 0, label = "south" }, { at = 50, label = "line" }, { at = 100, label = "north" }]

[[issues]]
id = "force"
title = "Force"
type = "options"
ordered = true
options = [{ id = "none", label = "None" }, { id = "small", label = "Small" }, { id = "big", label = "Big" }]

[[stances]]
actor = "north"
issue = "border"
position = 100
salience = 90
red_line = 50

[[stances]]
actor = "south"
issue = "border"
position = 0
salience = 90
red_line = 20
position_range = [0, 20]

[[stances]]
actor = "north"
issue = "force"
position = "none"
salience = 50
rejects = ["big"]

[[stances]]
actor = "south"
issue = "force"
position = "big"
salience = 50

[decision]
veto_players = ["north", "south"]
"#;

    fn scenario() -> Scenario {
        let l = detente_scenario::load_str(TALKS, Path::new("t.toml"), Path::new("."));
        assert!(l.is_valid(), "{:?}", l.diagnostics);
        l.scenario
    }

    #[test]
    fn prepare_puts_ordered_options_on_their_line_with_red_lines() {
        let s = scenario();
        let p = prepare(&s, true);
        assert_eq!(p.scenario_issue, vec![0, 1]);
        let force = &p.problem.stances[1];
        assert_eq!(force[1].unwrap().position, 100.0, "option 2 of 3 at 100");
        // North rejects `big`: acceptable hull none..small = 0..50; South: 0..20 on the border.
        assert_eq!(p.problem.red_line(1, 0), Some((0.0, 50.0)));
        assert_eq!(p.problem.red_line(0, 1), Some((0.0, 20.0)));
        assert_eq!(p.problem.red_line(0, 0), Some((50.0, 100.0)));
        assert!(prepare(&s, false).problem.red_lines.is_empty());
    }

    #[test]
    fn the_eum_and_smp_never_move_an_actor_past_its_red_line() {
        let s = scenario();
        let eum: Box<dyn Model> = Box::new(crate::Eum::default());
        let smp: Box<dyn Model> = Box::new(crate::Smp::default());
        let ktab = crate::build_model("smp", &ModelConfig::default()).unwrap();
        for (model, constrained) in [
            (&eum, true),
            (&eum, false),
            (&smp, true),
            (&smp, false),
            (&ktab, true),
            (&ktab, false),
        ] {
            let p = prepare(&s, constrained);
            let f = &model.forecast(&p.problem)[0];
            let south = f.actors.iter().position(|&a| a == 1).unwrap();
            let worst = f
                .rounds
                .iter()
                .map(|r| r.positions[south])
                .fold(f64::MIN, f64::max);
            if constrained {
                assert!(
                    worst <= 20.0 + 1e-9,
                    "{}: south stays at or below 20: {worst}",
                    model.name()
                );
            } else {
                assert!(
                    worst > 20.0,
                    "the classic {} moves south past 20: {worst}",
                    model.name()
                );
            }
        }
    }

    #[test]
    fn the_headline_marks_vetoes_and_grades() {
        let s = scenario();
        let a = analyse(
            &s,
            &HeadlineOptions {
                draws: 200,
                ..Default::default()
            },
        );
        assert_eq!(a.issues.len(), 2);
        let border = &a.issues[0].headline;
        let c = border.forecast.unwrap();
        // North accepts ≥ 50, South ≤ 20: every point is past someone's red line.
        assert!(!border.vetoed_by.is_empty(), "{c}");
        assert_eq!(border.p_no_agreement, Some(1.0));
        assert_eq!(border.stability, Stability::Fragile);
        let sum: f64 = border.probabilities.values().sum();
        assert!((sum - 1.0).abs() < 1e-9);
        let [lo, hi] = border.band.unwrap();
        assert!(lo <= hi);
        let force = &a.issues[1].headline;
        assert!(force.option.is_some());
        assert_eq!(a.issues[1].kind, "ordered_options");
    }
}
