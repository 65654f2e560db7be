//! The resolved scenario: plain Rust values, no file-format types.
//!
//! Everything downstream (forecast, deals, simulate, extract, report, server) reads a
//! [`Scenario`]. Ids are resolved to indices at load time, so consumers never look up
//! strings in the hot path. Every element keeps the byte [`Span`] it was read from so
//! that later diagnostics (and the UI) can point back into the file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

/// Byte range in the scenario file an element was read from (empty when built in code).
pub type Span = Range<usize>;

/// A whole negotiation scenario.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Scenario {
    pub meta: Meta,
    pub sources: Vec<Source>,
    pub actors: Vec<Actor>,
    pub issues: Vec<Issue>,
    /// The view at the scenario date: each actor's latest stance per issue up to
    /// `meta.as_of` (every stance of a v1 file).  Party stances derived from
    /// factions (`derived_from`) are included.
    pub stances: Vec<Stance>,
    pub decision: Decision,
    /// Every stance the file gives, dated, in file order (v2: several per actor and issue).
    pub history: Vec<Stance>,
    /// Conditional red lines and offered trades across issues (`[[linkages]]`).
    pub linkages: Vec<Linkage>,
}

/// Title, date and notes of the scenario.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Meta {
    pub title: String,
    /// The date the picture is as of (ISO 8601, `YYYY-MM-DD`).
    pub as_of: Option<String>,
    pub description: Option<String>,
    /// Free-form analyst notes (disagreements between sources, changes over time).
    pub notes: Vec<String>,
}

/// A source document the evidence is quoted from.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    /// Path as written in the scenario (relative to the scenario file).
    pub path: String,
    /// Path resolved against the scenario file's directory.
    #[serde(skip)]
    pub resolved_path: PathBuf,
    /// The document's text when it could be read (used to verify evidence).
    #[serde(skip)]
    pub text: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// What sort of party an actor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    State,
    Leader,
    Organisation,
    Bloc,
    Person,
    Other,
}

impl ActorKind {
    pub const ALL: [(&'static str, ActorKind); 6] = [
        ("state", ActorKind::State),
        ("leader", ActorKind::Leader),
        ("organisation", ActorKind::Organisation),
        ("bloc", ActorKind::Bloc),
        ("person", ActorKind::Person),
        ("other", ActorKind::Other),
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(s, _)| *s)
            .unwrap_or("other")
    }
}

/// A party to the negotiation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub aliases: Vec<String>,
    /// Index of the actor a person speaks for (e.g. a leader for a state).
    pub speaks_for: Option<usize>,
    /// Among the factions speaking for one party, the one whose stance the party takes when it
    /// has none of its own.
    pub leads: bool,
    /// Influence, any non-negative unit (models normalise it).
    pub capability: f64,
    /// Utility of no deal in [0, 1] (e.g. continued war); used by deals and simulate.
    pub reservation: Option<f64>,
    pub description: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// A labelled point on a scale issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Anchor {
    pub at: f64,
    pub label: String,
}

/// A named option of an options issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IssueOption {
    pub id: String,
    pub label: String,
}

/// The shape of an issue's outcome space.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IssueKind {
    /// A 0–100 line; anchors sorted by `at`.
    Scale { anchors: Vec<Anchor> },
    /// Named discrete options; `ordered` when they lie on a line in the given order.
    Options {
        options: Vec<IssueOption>,
        ordered: bool,
    },
}

/// A point in an issue's space.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Position {
    /// A point on a scale issue, 0–100.
    Scale(f64),
    /// The index of an option of an options issue.
    Option(usize),
}

impl Position {
    pub fn as_scale(self) -> Option<f64> {
        match self {
            Position::Scale(x) => Some(x),
            Position::Option(_) => None,
        }
    }
    pub fn as_option(self) -> Option<usize> {
        match self {
            Position::Option(i) => Some(i),
            Position::Scale(_) => None,
        }
    }
}

/// An issue under negotiation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Issue {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub kind: IssueKind,
    pub status_quo: Option<Position>,
    /// The known outcome, for backtests.
    pub outcome: Option<Position>,
    #[serde(skip)]
    pub span: Span,
}

impl Issue {
    pub const SCALE_MIN: f64 = 0.0;
    pub const SCALE_MAX: f64 = 100.0;

    pub fn is_scale(&self) -> bool {
        matches!(self.kind, IssueKind::Scale { .. })
    }
    pub fn options(&self) -> &[IssueOption] {
        match &self.kind {
            IssueKind::Options { options, .. } => options,
            IssueKind::Scale { .. } => &[],
        }
    }
    pub fn anchors(&self) -> &[Anchor] {
        match &self.kind {
            IssueKind::Scale { anchors } => anchors,
            IssueKind::Options { .. } => &[],
        }
    }
    /// Words for a position: the option label, or the nearest anchor label on a scale.
    pub fn describe(&self, p: Position) -> String {
        match (p, &self.kind) {
            (Position::Option(i), IssueKind::Options { options, .. }) => options
                .get(i)
                .map(|o| o.label.clone())
                .unwrap_or_else(|| format!("option #{i}")),
            (Position::Scale(x), IssueKind::Scale { anchors }) => {
                match anchors.iter().min_by(|a, b| {
                    (a.at - x)
                        .abs()
                        .partial_cmp(&(b.at - x).abs())
                        .unwrap_or(std::cmp::Ordering::Equal)
                }) {
                    Some(a) if (a.at - x).abs() < 1e-9 => format!("{x} ({})", a.label),
                    Some(a) => format!("{x} (near {}: {})", a.at, a.label),
                    None => format!("{x}"),
                }
            }
            (Position::Scale(x), _) => format!("{x}"),
            (Position::Option(i), _) => format!("option #{i}"),
        }
    }
}

/// The worst an actor will accept on one issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RedLine {
    /// Scale issue: acceptable positions are `lo..=hi` (one side is the scale end).
    Range { lo: f64, hi: f64 },
    /// Options issue: the indices of options rejected outright.
    Rejects { options: Vec<usize> },
}

impl RedLine {
    /// Whether `p` is on the acceptable side of this red line.
    pub fn accepts(&self, p: Position) -> bool {
        match (self, p) {
            (RedLine::Range { lo, hi }, Position::Scale(x)) => x >= *lo - 1e-9 && x <= *hi + 1e-9,
            (RedLine::Rejects { options }, Position::Option(i)) => !options.contains(&i),
            _ => true,
        }
    }
}

/// Who said it: how an evidence sentence bears on the stance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Not given (v1 files).
    #[default]
    Unspecified,
    /// The actor's own words or official statement.
    Stated,
    /// Someone else's account of the actor's position (`reported_by`).
    Reported,
    /// A joint statement, or a sentence about a group of actors.
    Collective,
    /// The analyst's reading (a `note` says why).
    Inferred,
}

impl EvidenceKind {
    pub const ALL: [(&'static str, EvidenceKind); 4] = [
        ("stated", EvidenceKind::Stated),
        ("reported", EvidenceKind::Reported),
        ("collective", EvidenceKind::Collective),
        ("inferred", EvidenceKind::Inferred),
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Unspecified => "unspecified",
            EvidenceKind::Stated => "stated",
            EvidenceKind::Reported => "reported",
            EvidenceKind::Collective => "collective",
            EvidenceKind::Inferred => "inferred",
        }
    }
}

/// How well a stance is evidenced (docs/scenario-format.md, "Evidence strength"):
/// `strong` if some evidence is `stated`; `medium` if the best is `reported` or `collective`;
/// `unspecified` if the best has no kind (v1); `weak` if only `inferred`; `none` without evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    None,
    Weak,
    Unspecified,
    Medium,
    Strong,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::None => "none",
            Strength::Weak => "weak",
            Strength::Unspecified => "unspecified",
            Strength::Medium => "medium",
            Strength::Strong => "strong",
        }
    }
    /// Half-width (points of 0–100) of the default Monte Carlo range of a stance of this
    /// strength when it gives no explicit `position_range` / `salience_range`: 20 for `weak`,
    /// 10 for `medium`; none (no default noise, as in v1) otherwise.
    pub fn default_spread(self) -> Option<f64> {
        match self {
            Strength::Weak => Some(20.0),
            Strength::Medium => Some(10.0),
            _ => None,
        }
    }
    /// The strength of a set of evidence kinds.
    pub fn of(kinds: impl IntoIterator<Item = EvidenceKind>) -> Strength {
        kinds
            .into_iter()
            .map(|k| match k {
                EvidenceKind::Stated => Strength::Strong,
                EvidenceKind::Reported | EvidenceKind::Collective => Strength::Medium,
                EvidenceKind::Unspecified => Strength::Unspecified,
                EvidenceKind::Inferred => Strength::Weak,
            })
            .max()
            .unwrap_or(Strength::None)
    }
}

/// A sentence of evidence a stance rests on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// Index into [`Scenario::sources`].
    pub source: usize,
    /// Exact text, found verbatim in the source document.
    pub quote: String,
    /// Byte offsets of the quote in the source document, when it was found.
    pub location: Option<Range<usize>>,
    pub note: Option<String>,
    /// Who said it (`unspecified` in v1 files).
    pub kind: EvidenceKind,
    /// For `reported` evidence: the actor whose account it is.
    pub reported_by: Option<usize>,
    #[serde(skip)]
    pub span: Span,
}

/// One actor's stance on one issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stance {
    pub actor: usize,
    pub issue: usize,
    /// The date the stance holds from (`YYYY-MM-DD`): given, or the latest date of the sources
    /// its evidence cites (capped at the scenario date); `None` when nothing dates it.
    pub as_of: Option<String>,
    /// `None` in drafts where the analyst has not yet set it; models skip such stances.
    pub position: Option<Position>,
    /// 0–100.
    pub salience: Option<f64>,
    pub red_line: Option<RedLine>,
    /// Uncertainty range for Monte Carlo (scale issues), `lo <= position <= hi`.
    pub position_range: Option<(f64, f64)>,
    /// Uncertainty range for Monte Carlo on salience.
    pub salience_range: Option<(f64, f64)>,
    /// Explicit value in [0, 1] per option index (options issues); overrides distance-based value.
    pub values: BTreeMap<usize, f64>,
    pub evidence: Vec<Evidence>,
    pub note: Option<String>,
    /// For a party stance derived from its factions (no explicit stance): the faction whose
    /// stance it copies (docs/scenario-format.md, "Factions").
    pub derived_from: Option<usize>,
    #[serde(skip)]
    pub span: Span,
}

impl Stance {
    /// How well the stance is evidenced (see [`Strength`]).
    pub fn strength(&self) -> Strength {
        Strength::of(self.evidence.iter().map(|e| e.kind))
    }
    /// The Monte Carlo ranges of position (scale issues) and salience: the explicit ones, else
    /// the value ± [`Strength::default_spread`] clamped to 0–100 for weakly evidenced stances.
    pub fn ranges(&self) -> (Option<Interval>, Option<Interval>) {
        let spread = self.strength().default_spread();
        let around = |x: f64, w: f64| ((x - w).max(0.0), (x + w).min(100.0));
        let pos = self.position_range.or_else(|| {
            let x = self.position?.as_scale()?;
            Some(around(x, spread?))
        });
        let sal = self
            .salience_range
            .or_else(|| Some(around(self.salience?, spread?)));
        (pos, sal)
    }
}

/// The condition of a conditional linkage: a test on another issue's outcome.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Condition {
    /// Scale issue: the outcome is at least `value`.
    AtLeast { issue: usize, value: f64 },
    /// Scale issue: the outcome is at most `value`.
    AtMost { issue: usize, value: f64 },
    /// Options issue: the outcome is one of these option indices.
    OneOf { issue: usize, options: Vec<usize> },
}

impl Condition {
    /// The issue the condition tests.
    pub fn issue(&self) -> usize {
        match self {
            Condition::AtLeast { issue, .. }
            | Condition::AtMost { issue, .. }
            | Condition::OneOf { issue, .. } => *issue,
        }
    }
    /// Whether the condition holds when the tested issue's outcome is `p`.
    pub fn holds(&self, p: Position) -> bool {
        match (self, p) {
            (Condition::AtLeast { value, .. }, Position::Scale(x)) => x >= *value - 1e-9,
            (Condition::AtMost { value, .. }, Position::Scale(x)) => x <= *value + 1e-9,
            (Condition::OneOf { options, .. }, Position::Option(i)) => options.contains(&i),
            _ => false,
        }
    }
}

/// What an actor accepts on an issue when a linkage's condition holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Acceptance {
    /// Scale issue: `lo..=hi`.
    Range { lo: f64, hi: f64 },
    /// Options issue: these option indices.
    Options { options: Vec<usize> },
}

impl Acceptance {
    pub fn accepts(&self, p: Position) -> bool {
        match (self, p) {
            (Acceptance::Range { lo, hi }, Position::Scale(x)) => {
                x >= *lo - 1e-9 && x <= *hi + 1e-9
            }
            (Acceptance::Options { options }, Position::Option(i)) => options.contains(&i),
            _ => false,
        }
    }
}

/// One side of a trade: a point (scale) or an option on an issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Term {
    pub issue: usize,
    pub toward: Position,
}

/// What a linkage says.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkageKind {
    /// `actor` accepts `accepts` on `issue` when `when` holds; otherwise its normal red line
    /// (its stance's) applies.
    Conditional {
        actor: usize,
        issue: usize,
        accepts: Acceptance,
        when: Condition,
    },
    /// `offered_by` offers to move `gives` in exchange for `for_` (optionally to one actor).
    Trade {
        offered_by: usize,
        to: Option<usize>,
        gives: Term,
        #[serde(rename = "for")]
        for_: Term,
    },
}

/// A link across issues (`[[linkages]]`), with its evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Linkage {
    pub id: String,
    #[serde(flatten)]
    pub kind: LinkageKind,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
    #[serde(skip)]
    pub span: Span,
}

impl Linkage {
    /// The linkage in words, with ids: "south accepts army_limits 0–30 when guarantees ≥ 75",
    /// "north offers valley → 40 for ceasefire = front (to south)".
    pub fn describe(&self, s: &Scenario) -> String {
        let actor = |a: usize| s.actors.get(a).map(|x| x.id.as_str()).unwrap_or("?");
        let issue = |i: usize| s.issues.get(i).map(|x| x.id.as_str()).unwrap_or("?");
        let opts = |i: usize, v: &[usize]| {
            v.iter()
                .filter_map(|k| s.issues.get(i)?.options().get(*k).map(|o| o.id.clone()))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let term = |t: &Term| match t.toward {
            Position::Scale(x) => format!("{} → {x}", issue(t.issue)),
            Position::Option(k) => format!("{} = {}", issue(t.issue), opts(t.issue, &[k])),
        };
        match &self.kind {
            LinkageKind::Conditional {
                actor: a,
                issue: i,
                accepts,
                when,
            } => {
                let acc = match accepts {
                    Acceptance::Range { lo, hi } => format!("{lo}–{hi}"),
                    Acceptance::Options { options } => opts(*i, options),
                };
                let cond = match when {
                    Condition::AtLeast { issue: w, value } => format!("{} ≥ {value}", issue(*w)),
                    Condition::AtMost { issue: w, value } => format!("{} ≤ {value}", issue(*w)),
                    Condition::OneOf { issue: w, options } => {
                        format!("{} = {}", issue(*w), opts(*w, options))
                    }
                };
                format!("{} accepts {} {acc} when {cond}", actor(*a), issue(*i))
            }
            LinkageKind::Trade {
                offered_by,
                to,
                gives,
                for_,
            } => format!(
                "{} offers {} for {}{}",
                actor(*offered_by),
                term(gives),
                term(for_),
                to.map(|t| format!(" (to {})", actor(t)))
                    .unwrap_or_default()
            ),
        }
    }

    /// For a conditional linkage: whether `actor` accepts the package `outcome` (a position per
    /// issue index, `None` where unknown) on the linked issue, given its normal red line.
    /// `None` when the linkage is not conditional or does not concern `actor`.
    pub fn conditional_accepts(
        &self,
        actor_: usize,
        outcome: &[Option<Position>],
        normal: Option<&RedLine>,
    ) -> Option<bool> {
        let LinkageKind::Conditional {
            actor,
            issue,
            accepts,
            when,
        } = &self.kind
        else {
            return None;
        };
        if *actor != actor_ {
            return None;
        }
        let v = (*outcome.get(*issue)?)?;
        let w = (*outcome.get(when.issue())?)?;
        Some(if when.holds(w) {
            accepts.accepts(v)
        } else {
            normal.is_none_or(|r| r.accepts(v))
        })
    }
}

/// A closed interval `(lo, hi)`.
pub type Interval = (f64, f64);

/// Who must agree for a deal to hold.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Decision {
    /// Actor indices whose agreement is required. Empty means every actor with a stance.
    pub veto_players: Vec<usize>,
    pub note: Option<String>,
}

impl Scenario {
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.id == id)
    }
    pub fn stance(&self, actor: usize, issue: usize) -> Option<&Stance> {
        self.stances
            .iter()
            .find(|s| s.actor == actor && s.issue == issue)
    }
    /// The view at `date` (`YYYY-MM-DD`): each actor's latest stance per issue dated on or
    /// before `date` (undated stances always count), party stances derived from factions
    /// again, `history` cut to the stances dated on or before `date`, and `meta.as_of = date`. Errors when `date` is malformed or later than the
    /// scenario's own date.
    pub fn at(&self, date: &str) -> Result<Scenario, String> {
        if !crate::history::is_date(date) {
            return Err(format!("`{date}` is not a date; write YYYY-MM-DD"));
        }
        if let Some(d) = &self.meta.as_of {
            if date > d.as_str() {
                return Err(format!(
                    "{date} is after the scenario's date {d}: the scenario says nothing later"
                ));
            }
        }
        let mut s = self.clone();
        s.history
            .retain(|st| st.as_of.as_deref().is_none_or(|d| d <= date));
        s.stances = crate::history::view_at(&self.actors, &s.history, Some(date));
        s.meta.as_of = Some(date.to_string());
        Ok(s)
    }
    /// Whether some actor holds more than one dated stance on one issue (a file that records
    /// the talks over time, as opposed to one picture whose stances merely cite sources of
    /// different dates).
    pub fn has_dated_history(&self) -> bool {
        let mut pairs: Vec<(usize, usize)> =
            self.history.iter().map(|s| (s.actor, s.issue)).collect();
        pairs.sort_unstable();
        pairs.windows(2).any(|w| w[0] == w[1])
    }
    /// Every distinct stance date, sorted.
    pub fn dates(&self) -> Vec<String> {
        let mut d: Vec<String> = self
            .history
            .iter()
            .filter_map(|s| s.as_of.clone())
            .collect();
        d.sort();
        d.dedup();
        d
    }
    /// Stances on one issue.
    pub fn stances_on(&self, issue: usize) -> impl Iterator<Item = &Stance> {
        self.stances.iter().filter(move |s| s.issue == issue)
    }
    /// The veto players, or every actor holding at least one stance when none are named.
    pub fn veto_players(&self) -> Vec<usize> {
        if !self.decision.veto_players.is_empty() {
            return self.decision.veto_players.clone();
        }
        let mut v: Vec<usize> = self.stances.iter().map(|s| s.actor).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}
