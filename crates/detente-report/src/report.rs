//! Build the report of a scenario: its summary, actors, issues, heat map, the forecast of each
//! issue (detente-forecast), the deal space (detente-deals), and the evidence behind every
//! stance. The result is a [`Document`] that [`crate::render`] turns into HTML or Markdown.

use crate::charts::{
    self, Axis, BandChart, BandRow, HeatCell, HeatMap, LabelledPoint, ParetoChart, Series, Tick,
    TrajectoryChart,
};
use crate::render::{slug, Block, Document, Table};
use crate::svg::num;
use detente_deals::{analyse, Analysis, DealOptions, Package};
use detente_forecast::{build_model, headline, IssueForecast, Model, ModelConfig, MODEL_NAMES};
use detente_scenario::{IssueKind, Position, RedLine, Scenario, Stance};
use detente_space::{DiscretiseOptions, Domain};

/// What to compute for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// Seed of every random process (Monte Carlo draws, the sample of packages drawn in the
    /// Pareto scatter). Same seed, same report, byte for byte.
    pub seed: u64,
    /// Monte Carlo runs of the forecast (0 = none). Draws come from the stances' ranges.
    pub monte_carlo: usize,
    /// Include the forecast section.
    pub forecast: bool,
    /// Include the deal-space section.
    pub deals: bool,
    /// Most packages drawn (uniformly, seeded) for the faint cloud of the Pareto scatter when
    /// the space is larger; smaller spaces are drawn whole.
    pub scatter_sample: u64,
    /// Free text naming the program (e.g. "detente 0.1.0"), shown in the provenance line.
    pub generator: String,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            seed: 0,
            monte_carlo: detente_forecast::headline::DEFAULT_DRAWS,
            forecast: true,
            deals: true,
            scatter_sample: 200_000,
            generator: format!("detente-report {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Model names in words.
pub fn model_title(name: &str) -> &str {
    match name {
        "mean" => "Compromise (weighted mean)",
        "median" => "Weighted median",
        "eum" => "Expected utility (EUM)",
        "smp" => "Spatial model (SMP)",
        "nash" => "Nash bargaining",
        other => other,
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// "1 package", "2,000 packages".
fn packages(n: u64) -> String {
    if n == 1 {
        "1 package".into()
    } else {
        format!("{} packages", thousands(n))
    }
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p > 0.0 && p < 0.1 {
        "<0.1%".into()
    } else {
        format!("{}%", num(p, 1))
    }
}

fn actor_name(s: &Scenario, i: usize) -> String {
    s.actors
        .get(i)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| format!("actor #{i}"))
}

fn issue_title(s: &Scenario, i: usize) -> String {
    s.issues
        .get(i)
        .map(|a| a.title.clone())
        .unwrap_or_else(|| format!("issue #{i}"))
}

/// A stance's position in words ("draft" when unset).
fn position_words(s: &Scenario, st: &Stance) -> String {
    match (st.position, s.issues.get(st.issue)) {
        (Some(p), Some(issue)) => issue.describe(p),
        (None, _) => "not set (draft)".into(),
        (Some(_), None) => "?".into(),
    }
}

fn red_line_words(s: &Scenario, st: &Stance) -> Option<String> {
    let issue = s.issues.get(st.issue)?;
    match st.red_line.as_ref()? {
        RedLine::Range { lo, hi } => Some(format!("accepts only {}–{}", num(*lo, 1), num(*hi, 1))),
        RedLine::Rejects { options } => {
            let labels: Vec<String> = options
                .iter()
                .map(|i| {
                    issue
                        .options()
                        .get(*i)
                        .map(|o| o.label.clone())
                        .unwrap_or_else(|| format!("option #{i}"))
                })
                .collect();
            Some(format!("rejects {}", labels.join("; ")))
        }
    }
}

/// Position of a stance on a 0–100 colour scale (options: rank scaled to 0–100).
fn position_0_100(s: &Scenario, p: Position, issue: usize) -> Option<f64> {
    match p {
        Position::Scale(x) => Some(x),
        Position::Option(i) => {
            let n = s.issues.get(issue)?.options().len();
            if n <= 1 {
                Some(50.0)
            } else {
                Some(i as f64 * 100.0 / (n - 1) as f64)
            }
        }
    }
}

/// The heat-map data for a scenario: actors holding at least one stance, by issue.
pub fn heat_map_data(s: &Scenario) -> HeatMap {
    let actors: Vec<usize> = (0..s.actors.len())
        .filter(|a| s.stances.iter().any(|st| st.actor == *a))
        .collect();
    let splits = detente_scenario::history::splits(s);
    let cells = actors
        .iter()
        .map(|&a| {
            (0..s.issues.len())
                .map(|i| {
                    s.stance(a, i).map(|st| HeatCell {
                        position: st.position.and_then(|p| position_0_100(s, p, i)),
                        salience: st.salience,
                        tooltip: format!(
                            "{} on {}: {}; salience {}{}",
                            actor_name(s, a),
                            issue_title(s, i),
                            position_words(s, st),
                            st.salience
                                .map(|x| num(x, 0))
                                .unwrap_or_else(|| "not set".into()),
                            red_line_words(s, st)
                                .map(|r| format!("; red line: {r}"))
                                .unwrap_or_default()
                        ) + &crate::v2::heat_note(s, st, &splits),
                        red_line: st.red_line.is_some(),
                        category: match (&s.issues[i].kind, st.position) {
                            (
                                IssueKind::Options { ordered: false, .. },
                                Some(Position::Option(k)),
                            ) => Some((k + 1).to_string()),
                            _ => None,
                        },
                        link: Some(format!("#stance-{}-{}", slug(&s.issues[i].id), a)),
                    })
                })
                .collect()
        })
        .collect();
    HeatMap {
        title: "Who wants what, and how much it matters".into(),
        rows: actors
            .iter()
            .map(|&a| match s.actors[a].speaks_for {
                // a faction holding stances of its own: say whose
                Some(p) => format!("{} ({})", actor_name(s, a), actor_name(s, p)),
                None => actor_name(s, a),
            })
            .collect(),
        columns: s.issues.iter().map(|i| i.title.clone()).collect(),
        cells,
        low_label: "0 / first option".into(),
        high_label: "100 / last option".into(),
    }
}

/// Build the whole report.
pub fn build(s: &Scenario, opts: &ReportOptions) -> Document {
    let mut b: Vec<Block> = Vec::new();
    let title = if s.meta.title.is_empty() {
        "Untitled scenario".to_string()
    } else {
        s.meta.title.clone()
    };
    b.push(Block::Heading {
        level: 1,
        id: "top".into(),
        text: title.clone(),
    });
    let mut prov = format!("Report written by {}", opts.generator);
    if let Some(d) = &s.meta.as_of {
        prov = format!("Picture as of {d}. {prov}");
    }
    if opts.forecast && opts.monte_carlo > 0 {
        prov.push_str(&format!(
            "; Monte Carlo: {} runs, seed {}",
            opts.monte_carlo, opts.seed
        ));
    } else {
        prov.push_str(&format!("; seed {}", opts.seed));
    }
    prov.push_str(". Same scenario, options and seed give the same report.");
    b.push(Block::Muted(prov));
    if let Some(d) = &s.meta.description {
        b.push(Block::Para(d.clone()));
    }
    b.push(Block::Contents);

    // The analyses first (they feed the summary), then the sections in reading order.
    let forecast = if opts.forecast {
        Some(forecast_section(s, opts))
    } else {
        None
    };
    let deals = if opts.deals {
        Some(deals_section(s, opts))
    } else {
        None
    };

    b.push(Block::Heading {
        level: 2,
        id: "summary".into(),
        text: "Summary".into(),
    });
    let veto: Vec<String> = s.veto_players().iter().map(|&a| actor_name(s, a)).collect();
    let n_quotes: usize = s.stances.iter().map(|st| st.evidence.len()).sum();
    let mut fields = vec![
        ("Actors".to_string(), s.actors.len().to_string()),
        (
            "Issues".to_string(),
            format!(
                "{} ({} on a 0–100 scale, {} with named options)",
                s.issues.len(),
                s.issues.iter().filter(|i| i.is_scale()).count(),
                s.issues.iter().filter(|i| !i.is_scale()).count()
            ),
        ),
        (
            "Stances".to_string(),
            format!(
                "{} ({} quotes of evidence from {} sources)",
                s.stances.len(),
                n_quotes,
                s.sources.len()
            ),
        ),
        (
            "Veto players".to_string(),
            if veto.is_empty() {
                "none".into()
            } else {
                veto.join(", ")
            },
        ),
    ];
    if let Some(f) = &forecast {
        fields.extend(f.summary.clone());
    }
    if let Some(d) = &deals {
        fields.extend(d.summary.clone());
    }
    b.push(Block::Fields(fields));
    if let Some(f) = &forecast {
        b.extend(f.summary_blocks.clone());
    }
    if let Some(d) = &deals {
        b.extend(d.summary_blocks.clone());
    }
    if let Some(n) = &s.decision.note {
        b.push(Block::Para(format!("Who decides: {n}")));
    }
    if !s.meta.notes.is_empty() {
        b.push(Block::Heading {
            level: 3,
            id: "analyst-notes".into(),
            text: "Analyst notes".into(),
        });
        b.push(Block::List(s.meta.notes.clone()));
    }

    actors_section(s, &mut b);
    issues_section(s, &mut b);

    b.push(Block::Heading {
        level: 2,
        id: "heat-map".into(),
        text: "Positions at a glance".into(),
    });
    b.push(Block::Muted(
        "Each square is one actor's stance on one issue. Colour is the position on the issue's 0–100 scale \
         (purple = the 0 end, orange = the 100 end; for ordered options, the option's place in the list; unordered options are grey with the option's number), \
         area is salience, a dark outline marks a red line. Hover a square for the stance in words; click it for the evidence."
            .into(),
    ));
    let hm = heat_map_data(s);
    b.push(Block::Chart {
        name: "heat-map".into(),
        alt: format!(
            "Heat map: {} actors by {} issues, position as colour and salience as size.",
            hm.rows.len(),
            hm.columns.len()
        ),
        svg: charts::heat_map(&hm),
    });

    crate::v2::sections(s, &mut b);
    match forecast {
        Some(f) => {
            b.extend(f.blocks);
            b.extend(crate::exchanges::section(s));
        }
        None => {
            b.push(Block::Heading {
                level: 2,
                id: "forecast".into(),
                text: "Forecast".into(),
            });
            b.push(Block::Notice(
                "The forecast section was left out of this report (--no-forecast).".into(),
            ));
        }
    }
    match deals {
        Some(d) => b.extend(d.blocks),
        None => {
            b.push(Block::Heading {
                level: 2,
                id: "deals".into(),
                text: "Deal space".into(),
            });
            b.push(Block::Notice(
                "The deal-space section was left out of this report (--no-deals).".into(),
            ));
        }
    }
    evidence_section(s, &mut b);
    sources_section(s, &mut b);
    Document { title, blocks: b }
}

fn actors_section(s: &Scenario, b: &mut Vec<Block>) {
    b.push(Block::Heading {
        level: 2,
        id: "actors".into(),
        text: "Actors".into(),
    });
    let total: f64 = s
        .actors
        .iter()
        .map(|a| a.capability)
        .filter(|c| c.is_finite())
        .sum();
    let veto = s.veto_players();
    let mut t = Table::new(&[
        "Actor",
        "Kind",
        "Capability",
        "Share",
        "No-deal utility",
        "Stances",
        "Notes",
    ])
    .numeric(&[2, 3, 4, 5]);
    let mut order: Vec<usize> = (0..s.actors.len()).collect();
    order.sort_by(|a, b| {
        s.actors[*b]
            .capability
            .partial_cmp(&s.actors[*a].capability)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    // People who only speak for another actor (no capability, no stance of their own) are
    // listed after the table, so the table shows who carries weight.
    let n_stances = |i: usize| s.stances.iter().filter(|st| st.actor == i).count();
    let (main, voices): (Vec<usize>, Vec<usize>) = order.into_iter().partition(|&i| {
        !(s.actors[i].speaks_for.is_some() && s.actors[i].capability == 0.0 && n_stances(i) == 0)
    });
    for i in main {
        let a = &s.actors[i];
        let mut notes = Vec::new();
        if veto.contains(&i) {
            notes.push("veto player".to_string());
        }
        if let Some(sf) = a.speaks_for {
            notes.push(format!("speaks for {}", actor_name(s, sf)));
        }
        if !a.aliases.is_empty() {
            notes.push(format!("also: {}", a.aliases.join(", ")));
        }
        t.row(vec![
            a.name.clone(),
            a.kind.as_str().into(),
            num(a.capability, 1),
            if total > 0.0 {
                format!("{:.1}%", a.capability * 100.0 / total)
            } else {
                "–".into()
            },
            a.reservation
                .map(|r| format!("{r:.2}"))
                .unwrap_or_else(|| "–".into()),
            s.stances
                .iter()
                .filter(|st| st.actor == i)
                .count()
                .to_string(),
            notes.join("; "),
        ]);
    }
    b.push(Block::Table(t.caption("Sorted by capability (influence; the models normalise it). No-deal utility is the reservation value used by the deal space.")));
    if !voices.is_empty() {
        b.push(Block::Para(
            "People quoted as speaking for an actor above (no capability or stance of their own):"
                .into(),
        ));
        b.push(Block::List(
            voices
                .iter()
                .map(|&i| {
                    let a = &s.actors[i];
                    let mut line = format!(
                        "{} ({}, for {})",
                        a.name,
                        a.kind.as_str(),
                        a.speaks_for.map(|f| actor_name(s, f)).unwrap_or_default()
                    );
                    if !a.aliases.is_empty() {
                        line.push_str(&format!("; also: {}", a.aliases.join(", ")));
                    }
                    line
                })
                .collect(),
        ));
    }
}

fn issues_section(s: &Scenario, b: &mut Vec<Block>) {
    b.push(Block::Heading {
        level: 2,
        id: "issues".into(),
        text: "Issues".into(),
    });
    let mut t =
        Table::new(&["Issue", "Type", "Scale or options", "Status quo", "Stances"]).numeric(&[4]);
    for (i, issue) in s.issues.iter().enumerate() {
        let (kind, space) = match &issue.kind {
            IssueKind::Scale { anchors } => (
                "scale 0–100".to_string(),
                anchors
                    .iter()
                    .map(|a| format!("{} = {}", num(a.at, 1), a.label))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            IssueKind::Options { options, ordered } => (
                if *ordered {
                    "ordered options".to_string()
                } else {
                    "options".to_string()
                },
                options
                    .iter()
                    .enumerate()
                    .map(|(k, o)| format!("{}. {}", k + 1, o.label))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        t.row(vec![
            issue.title.clone(),
            kind,
            space,
            issue
                .status_quo
                .map(|p| issue.describe(p))
                .unwrap_or_else(|| "–".into()),
            s.stances_on(i).count().to_string(),
        ]);
    }
    b.push(Block::Table(t));
    let described: Vec<String> = s
        .issues
        .iter()
        .filter_map(|i| {
            i.description
                .as_ref()
                .map(|d| format!("{}: {}", i.title, d))
        })
        .collect();
    if !described.is_empty() {
        b.push(Block::List(described));
    }
}

struct Section {
    summary: Vec<(String, String)>,
    summary_blocks: Vec<Block>,
    blocks: Vec<Block>,
}

/// The headline of every issue: the same value `detente forecast` prints, as a table.
fn headline_table(a: &headline::Analysis) -> Table {
    let mut t = Table::new(&[
        "Issue",
        "Forecast",
        "80% band",
        "Probabilities",
        "Stability",
    ]);
    for h in &a.issues {
        let hl = &h.headline;
        let mut probs: Vec<(&str, f64)> = hl
            .regions
            .iter()
            .map(|r| {
                (
                    r.label.as_str(),
                    hl.probabilities.get(&r.key).copied().unwrap_or(0.0),
                )
            })
            .filter(|x| x.1 >= 0.005)
            .collect();
        probs.sort_by(|x, y| y.1.total_cmp(&x.1));
        let probs: Vec<String> = probs
            .iter()
            .take(3)
            .map(|(l, p)| format!("{:.0}% {l}", p * 100.0))
            .collect();
        let mut grade = match hl.stability {
            headline::Stability::Stable => "stable".to_string(),
            headline::Stability::Fragile => format!("fragile: {}", hl.reasons.join("; ")),
        };
        if let Some(p) = hl.p_no_agreement.filter(|_| !hl.vetoed_by.is_empty()) {
            grade.push_str(&format!(" (probability of no agreement {:.0}%)", p * 100.0));
        }
        for w in &h.warnings {
            grade.push_str(&format!(". Warning: {w}"));
        }
        t.row(vec![
            h.title.clone(),
            hl.label.clone(),
            hl.band
                .map(|[lo, hi]| format!("{lo:.0}–{hi:.0}"))
                .unwrap_or_else(|| "–".into()),
            probs.join("; "),
            grade,
        ]);
    }
    t.caption(
        "Headline forecast of every issue: the median of the five models (0–100 line; ordered options \
         on the line of their order, unordered options by pairwise contests), its 80% Monte Carlo band, \
         the probability of each anchor region or option, and whether the answer is stable.",
    )
}

fn forecast_section(s: &Scenario, opts: &ReportOptions) -> Section {
    let mut b = vec![Block::Heading {
        level: 2,
        id: "forecast".into(),
        text: "Forecast".into(),
    }];
    let mut summary = Vec::new();
    let mut summary_blocks = Vec::new();
    // The same headline as `detente forecast` (ensemble, band, stability), which also runs the
    // models and the Monte Carlo draws shown below.
    let analysis = headline::analyse(
        s,
        &headline::HeadlineOptions {
            draws: opts.monte_carlo,
            seed: opts.seed,
            ..Default::default()
        },
    );
    let input = &analysis.prepared;
    let p = &input.problem;
    let skipped: Vec<String> = analysis
        .issues
        .iter()
        .filter(|h| h.problem_issue.is_none())
        .map(|h| h.title.clone())
        .collect();
    b.push(Block::Muted(
        "Five models forecast where each scale issue ends up: the compromise model (capability × salience weighted mean), \
         the weighted median, Bueno de Mesquita's expected utility model (EUM, rounds of challenges), a spatial model (SMP) \
         and the Nash bargaining solution. Where they agree the forecast is robust; where they split, the split is the finding."
            .into(),
    ));
    if !skipped.is_empty() {
        b.push(Block::Muted(format!(
            "Unordered options issues are forecast by pairwise contests among their options (see the headline table), not by these models: {}.",
            skipped.join("; ")
        )));
    }
    if p.issues.is_empty() {
        b.push(Block::Notice("No scale issue to forecast.".into()));
        return Section {
            summary,
            summary_blocks,
            blocks: b,
        };
    }
    let config = ModelConfig::default();
    let models: Vec<Box<dyn Model>> = MODEL_NAMES
        .iter()
        .filter_map(|n| build_model(n, &config))
        .collect();
    let results: &[Vec<IssueForecast>] = &analysis.results;
    let mc = analysis.mc.clone();
    match (&mc, opts.monte_carlo) {
        (Some(m), _) => b.push(Block::Muted(format!(
            "Monte Carlo: {} runs drawing positions and saliences from the ranges the scenario gives for them (seed {}); \
             bands show the 5th–95th and 25th–75th percentiles of each model's forecast.",
            m.runs, opts.seed
        ))),
        (None, 0) => b.push(Block::Muted("Monte Carlo was not run (--monte-carlo 0).".into())),
        (None, _) => b.push(Block::Notice(
            "Monte Carlo was not run: the scenario gives no position_range or salience_range to draw from.".into(),
        )),
    }
    let eum_idx = models.iter().position(|m| m.name() == "eum");
    let median_idx = models.iter().position(|m| m.name() == "median");
    // Overview table: one row per issue.
    let mut ov = Table::new(&[
        "Issue",
        "Status quo",
        "Mean",
        "Median",
        "EUM",
        "SMP",
        "Nash",
        "Spread",
    ])
    .numeric(&[1, 2, 3, 4, 5, 6, 7]);
    for (d, info) in p.issues.iter().enumerate() {
        let mut row = vec![
            info.title.clone(),
            info.status_quo
                .map(|x| format!("{x:.1}"))
                .unwrap_or_else(|| "–".into()),
        ];
        let vals: Vec<Option<f64>> = ["mean", "median", "eum", "smp", "nash"]
            .iter()
            .map(|n| {
                models
                    .iter()
                    .position(|m| m.name() == *n)
                    .and_then(|k| results[k].get(d))
                    .and_then(|f| f.forecast)
            })
            .collect();
        row.extend(
            vals.iter()
                .map(|v| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into())),
        );
        let fin: Vec<f64> = vals.iter().flatten().copied().collect();
        let spread = if fin.len() >= 2 {
            format!(
                "{:.1}",
                fin.iter().copied().fold(f64::MIN, f64::max)
                    - fin.iter().copied().fold(f64::MAX, f64::min)
            )
        } else {
            "–".into()
        };
        row.push(spread);
        ov.row(row);
    }
    b.push(Block::Table(ov.caption(
        "Forecast position (0–100) by model. Spread = highest minus lowest model forecast.",
    )));
    let _ = median_idx;
    summary.push((
        "Forecast".to_string(),
        format!(
            "{} issues: {} stable, {} fragile (headline below; details under Forecast)",
            analysis.issues.len(),
            analysis
                .issues
                .iter()
                .filter(|h| h.headline.stability == headline::Stability::Stable)
                .count(),
            analysis
                .issues
                .iter()
                .filter(|h| h.headline.stability == headline::Stability::Fragile)
                .count()
        ),
    ));
    summary_blocks.push(Block::Table(headline_table(&analysis)));
    for (d, info) in p.issues.iter().enumerate() {
        let si = input.scenario_issue[d];
        let issue = &s.issues[si];
        b.push(Block::Heading {
            level: 3,
            id: format!("forecast-{}", slug(&issue.id)),
            text: issue.title.clone(),
        });
        // Stances on the issue.
        let mut st = Table::new(&["Actor", "Position", "Salience", "Capability", "Red line"])
            .numeric(&[2, 3]);
        let mut stances: Vec<&Stance> = s.stances_on(si).collect();
        stances.sort_by(|a, b| {
            let pa = a.position.and_then(|p| p.as_scale()).unwrap_or(f64::NAN);
            let pb = b.position.and_then(|p| p.as_scale()).unwrap_or(f64::NAN);
            pa.partial_cmp(&pb).unwrap_or(std::cmp::Ordering::Equal)
        });
        for x in &stances {
            st.row(vec![
                actor_name(s, x.actor),
                position_words(s, x),
                x.salience.map(|v| num(v, 0)).unwrap_or_else(|| "–".into()),
                s.actors
                    .get(x.actor)
                    .map(|a| num(a.capability, 1))
                    .unwrap_or_default(),
                red_line_words(s, x).unwrap_or_else(|| "–".into()),
            ]);
        }
        b.push(Block::Table(st.caption(
            "Stances, from the 0 end of the scale to the 100 end.",
        )));
        // Model forecasts.
        let mut ft = Table::new(&[
            "Model",
            "Forecast",
            "In words",
            "Monte Carlo median [5%–95%]",
        ])
        .numeric(&[1]);
        let mut rows = Vec::new();
        for (k, m) in models.iter().enumerate() {
            let f = results[k].get(d).and_then(|f| f.forecast);
            let dist = mc
                .as_ref()
                .and_then(|mc| mc.distributions.get(k))
                .and_then(|v| v.get(d));
            let mcs = match dist {
                Some(x) => match (x.median, x.p5, x.p95) {
                    (Some(m), Some(a), Some(z)) => {
                        format!("{m:.1} [{a:.1}–{z:.1}]")
                    }
                    _ => "–".into(),
                },
                None => "–".into(),
            };
            ft.row(vec![
                model_title(m.name()).into(),
                f.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into()),
                f.map(|x| headline::describe(s, si, x))
                    .unwrap_or_else(|| "no forecast".into()),
                mcs,
            ]);
            if let Some(x) = dist {
                if let (Some(p5), Some(p25), Some(p50), Some(p75), Some(p95)) =
                    (x.p5, x.p25, x.median, x.p75, x.p95)
                {
                    rows.push(BandRow {
                        label: model_title(m.name()).into(),
                        p5,
                        p25,
                        p50,
                        p75,
                        p95,
                        marker: f,
                    });
                }
            }
        }
        b.push(Block::Table(ft));
        let notes: Vec<String> = models
            .iter()
            .enumerate()
            .flat_map(|(k, m)| {
                results[k]
                    .get(d)
                    .map(|f| {
                        f.notes
                            .iter()
                            .map(|n| format!("{}: {n}", model_title(m.name())))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
            .collect();
        if !notes.is_empty() {
            b.push(Block::List(notes));
        }
        // Trajectories (EUM rounds).
        if let Some(f) = eum_idx
            .and_then(|k| results[k].get(d))
            .filter(|f| !f.rounds.is_empty())
        {
            let mut series: Vec<Series> = f
                .actors
                .iter()
                .enumerate()
                .map(|(j, &a)| Series {
                    name: p.actors.get(a).map(|x| x.name.clone()).unwrap_or_default(),
                    values: f
                        .rounds
                        .iter()
                        .map(|r| r.positions.get(j).copied().unwrap_or(f64::NAN))
                        .collect(),
                    emphasis: false,
                })
                .collect();
            series.push(Series {
                name: "Weighted median".into(),
                values: f.rounds.iter().map(|r| r.median).collect(),
                emphasis: true,
            });
            series.push(Series {
                name: "Weighted mean".into(),
                values: f.rounds.iter().map(|r| r.mean).collect(),
                emphasis: true,
            });
            let chart = TrajectoryChart {
                title: format!("{}: positions round by round (EUM)", issue.title),
                subtitle: format!(
                    "Round 0 = the stated positions; {} rounds of challenges",
                    f.rounds.len().saturating_sub(1)
                ),
                x_label: "Round".into(),
                y_label: "Position (0–100)".into(),
                y_axis: Axis {
                    min: info.lo,
                    max: info.hi,
                    ticks: Vec::new(),
                },
                guides: issue
                    .anchors()
                    .iter()
                    .map(|a| Tick {
                        at: a.at,
                        label: a.label.clone(),
                    })
                    .collect(),
                series,
            };
            b.push(Block::Chart {
                name: format!("trajectory-{}", issue.id),
                alt: format!(
                    "Each actor's position on {} in every round of the expected utility model; thick black lines are the weighted median (solid) and mean (dashed).",
                    issue.title
                ),
                svg: charts::trajectories(&chart),
            });
        }
        if !rows.is_empty() {
            let chart = BandChart {
                title: format!("{}: how sure are the models?", issue.title),
                subtitle: format!("{} Monte Carlo runs, seed {}", opts.monte_carlo, opts.seed),
                x_label: "Forecast position (0–100)".into(),
                x_axis: Axis {
                    min: info.lo,
                    max: info.hi,
                    ticks: Vec::new(),
                },
                rows,
            };
            b.push(Block::Chart {
                name: format!("bands-{}", issue.id),
                alt: format!(
                    "Spread of each model's forecast of {} across the Monte Carlo runs.",
                    issue.title
                ),
                svg: charts::distribution_bands(&chart),
            });
        }
    }
    Section {
        summary,
        summary_blocks,
        blocks: b,
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn package_words(s: &Scenario, domain: &Domain, pk: &Package) -> Vec<(String, String)> {
    domain
        .space
        .issues
        .iter()
        .zip(&pk.outcome)
        .enumerate()
        .map(|(i, (si, &v))| {
            let title = if domain.space.issues.len() == s.issues.len() {
                issue_title(s, i)
            } else {
                si.name.clone()
            };
            (
                title,
                si.values
                    .get(v as usize)
                    .cloned()
                    .unwrap_or_else(|| "?".into()),
            )
        })
        .collect()
}

fn deals_section(s: &Scenario, opts: &ReportOptions) -> Section {
    let mut b = vec![Block::Heading {
        level: 2,
        id: "deals".into(),
        text: "Deal space".into(),
    }];
    let mut summary = Vec::new();
    let mut summary_blocks = Vec::new();
    let domain = match Domain::from_scenario(s, &DiscretiseOptions::default()) {
        Ok(d) => d,
        Err(errs) => {
            let msg = errs
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            b.push(Block::Notice(format!(
                "The deal space could not be built: {msg}"
            )));
            return Section {
                summary,
                summary_blocks,
                blocks: b,
            };
        }
    };
    let deal_opts = DealOptions {
        conditionals: domain.conditional_red_lines(s),
        ..DealOptions::default()
    };
    let a: Analysis = match analyse(&domain, &deal_opts) {
        Ok(a) => a,
        Err(e) => {
            b.push(Block::Notice(format!(
                "The deal space could not be analysed: {e}"
            )));
            return Section {
                summary,
                summary_blocks,
                blocks: b,
            };
        }
    };
    let party_name = |k: usize| -> String {
        let id = domain
            .parties
            .get(k)
            .map(|p| p.name.as_str())
            .unwrap_or("?");
        s.actor_index(id)
            .map(|i| actor_name(s, i))
            .unwrap_or_else(|| id.to_string())
    };
    let parties: Vec<String> = (0..domain.parties.len()).map(party_name).collect();
    b.push(Block::Muted(format!(
        "A package is one choice on every issue (scale issues at their labelled anchor points). Utilities are each veto player's \
         salience-weighted closeness to its positions (0–1). The zone of possible agreement holds the packages that cross no \
         veto player's red line and leave each at or above its no-deal utility. Veto players: {}.",
        parties.join(", ")
    )));
    let zone = format!(
        "{} of {} packages ({})",
        thousands(a.acceptable),
        thousands(a.outcomes),
        pct(a.acceptable, a.outcomes)
    );
    summary.push(("Zone of possible agreement".to_string(), zone.clone()));
    let mut fields = vec![
        ("Packages".to_string(), thousands(a.outcomes)),
        ("In the zone of possible agreement".to_string(), zone),
        (
            "Meeting every no-deal utility (red lines ignored)".to_string(),
            format!(
                "{} ({})",
                thousands(a.reservation_ok),
                pct(a.reservation_ok, a.outcomes)
            ),
        ),
        (
            "Pareto frontier".to_string(),
            format!("{} distinct utility vectors", a.pareto.len()),
        ),
        (
            "Disagreement point".to_string(),
            parties
                .iter()
                .zip(&a.disagreement)
                .map(|(n, d)| format!("{n} {d:.2}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    // What the zone forces and rules out.
    if a.acceptable > 0 {
        let mut forced = Vec::new();
        let mut never = Vec::new();
        for (i, counts) in a.zone_values.iter().enumerate() {
            let Some(si) = domain.space.issues.get(i) else {
                continue;
            };
            let title = issue_title(s, i);
            for (v, &c) in counts.iter().enumerate() {
                let label = si.values.get(v).cloned().unwrap_or_default();
                if c == a.acceptable {
                    forced.push(format!("{title}: {label}"));
                } else if c == 0 {
                    never.push(format!("{title}: {label}"));
                }
            }
        }
        if !forced.is_empty() {
            fields.push((
                "Every package in the zone has".to_string(),
                forced.join(" · "),
            ));
        }
        if !never.is_empty() {
            fields.push(("No package in the zone has".to_string(), never.join(" · ")));
        }
    }
    b.push(Block::Fields(fields));

    // Bargaining solutions.
    let sols: Vec<(&str, &Option<Package>)> = vec![
        ("Nash", &a.nash),
        ("Kalai (egalitarian)", &a.egalitarian),
        ("Kalai–Smorodinsky", &a.kalai_smorodinsky),
        ("Max welfare", &a.max_welfare),
    ];
    if let Some(nash) = &a.nash {
        summary_blocks.push(Block::Para(
            "The Nash bargaining package (the deal every veto player accepts that maximises the product of their gains over no deal):".into(),
        ));
        summary_blocks.push(Block::List(
            package_words(s, &domain, nash)
                .iter()
                .map(|(i, v)| format!("{i}: {v}"))
                .collect(),
        ));
        b.push(Block::Heading {
            level: 3,
            id: "bargaining-solutions".into(),
            text: "Bargaining solutions".into(),
        });
        let mut header = vec!["Solution".to_string()];
        header.extend(parties.iter().map(|p| format!("Utility to {p}")));
        let mut ut = Table {
            caption: None,
            header,
            rows: Vec::new(),
            numeric: Vec::new(),
            dim: None,
        };
        ut.numeric = (0..ut.header.len()).map(|i| i > 0).collect();
        for (name, pk) in &sols {
            if let Some(pk) = pk {
                let mut row = vec![name.to_string()];
                row.extend(pk.utilities.iter().map(|u| format!("{u:.3}")));
                ut.row(row);
            }
        }
        b.push(Block::Table(ut.caption(
            "Solutions on the Pareto frontier of the zone, relative to the disagreement point: Nash maximises the product of gains, \
             Kalai the smallest gain, Kalai–Smorodinsky keeps gains proportional to each party's best, max welfare the sum.",
        )));
        let mut header = vec!["Issue".to_string()];
        header.extend(
            sols.iter()
                .filter(|(_, p)| p.is_some())
                .map(|(n, _)| n.to_string()),
        );
        let mut pt = Table {
            caption: None,
            numeric: vec![false; header.len()],
            header,
            rows: Vec::new(),
            dim: Some("as Nash".into()),
        };
        let nash_words = package_words(s, &domain, nash);
        for (i, (title, nv)) in nash_words.iter().enumerate() {
            let mut row = vec![title.clone(), nv.clone()];
            for (_, pk) in sols.iter().skip(1) {
                if let Some(pk) = pk {
                    let w = package_words(s, &domain, pk);
                    row.push(if w.get(i).map(|x| &x.1) == Some(nv) {
                        "as Nash".into()
                    } else {
                        w.get(i).map(|x| x.1.clone()).unwrap_or_default()
                    });
                }
            }
            pt.row(row);
        }
        b.push(Block::Table(pt.caption(
            "The packages, issue by issue (\"as Nash\" = the same choice as the Nash package).",
        )));
    } else {
        b.push(Block::Notice("The zone of possible agreement is empty: no package meets every veto player's red lines and no-deal utility, so there is no bargaining solution.".into()));
    }

    // Pareto scatter for the first two veto players.
    if domain.parties.len() >= 2 && a.acceptable > 0 {
        b.push(Block::Heading {
            level: 3,
            id: "pareto".into(),
            text: format!("Deal space of {} and {}", parties[0], parties[1]),
        });
        let (chart, sampled) = pareto_data(s, &domain, &a, &parties, opts);
        b.push(Block::Muted(format!(
            "Grey dots: {}. Black: the packages neither of the two can improve on without the other losing (among packages every \
             veto player accepts). Coloured: the two-party bargaining solutions on that frontier, measured from the no-deal point; \
             they can differ from the solutions above, which weigh every veto player.",
            if sampled { format!("a uniform sample (seed {}) of the acceptable packages", opts.seed) } else { "every acceptable package".into() }
        )));
        b.push(Block::Chart {
            name: "pareto".into(),
            alt: format!(
                "Scatter of acceptable packages by utility to {} (x) and {} (y), with the Pareto frontier and bargaining solutions.",
                parties[0], parties[1]
            ),
            svg: charts::pareto(&chart),
        });
    }

    // Blockers in words.
    b.push(Block::Heading {
        level: 3,
        id: "blockers".into(),
        text: "Who blocks what".into(),
    });
    let poss = |n: &str| {
        if n.ends_with('s') {
            format!("{n}'")
        } else {
            format!("{n}'s")
        }
    };
    let mut words = Vec::new();
    let mut bt = Table::new(&[
        "Veto player",
        "Packages its red lines reject",
        "…that only its red lines block",
        "Packages below its no-deal utility",
    ])
    .numeric(&[1, 2, 3]);
    let mut rt =
        Table::new(&["Veto player", "Issue", "Rejects", "Packages excluded"]).numeric(&[3]);
    let mut lines: Vec<(u64, Vec<String>)> = Vec::new();
    for bl in &a.blockers {
        let name = party_name(bl.party);
        bt.row(vec![
            name.clone(),
            format!(
                "{} ({})",
                thousands(bl.rejects),
                pct(bl.rejects, a.outcomes)
            ),
            thousands(bl.sole),
            thousands(bl.below_reservation),
        ]);
        if bl.sole > 0 {
            words.push(format!(
                "{} red lines alone block {} that every other veto player would accept.",
                poss(&name),
                packages(bl.sole)
            ));
        }
        for r in &bl.red_lines {
            let si = domain.space.issues.get(r.issue);
            let vals: Vec<String> = r
                .rejected_values
                .iter()
                .map(|v| {
                    si.and_then(|i| i.values.get(*v as usize))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            lines.push((
                r.packages,
                vec![
                    name.clone(),
                    issue_title(s, r.issue),
                    vals.join("; "),
                    thousands(r.packages),
                ],
            ));
        }
    }
    let most = a.blockers.iter().map(|bl| bl.rejects).max().unwrap_or(0);
    if most > 0 {
        let who: Vec<String> = a
            .blockers
            .iter()
            .filter(|bl| bl.rejects == most)
            .map(|bl| poss(&party_name(bl.party)))
            .collect();
        let sentence = if who.len() == 1 {
            format!(
                "{} red lines are the most restrictive: they rule out {} of all packages.",
                who[0],
                pct(most, a.outcomes)
            )
        } else {
            format!(
                "{} red lines are equally the most restrictive: each rules out {} of all packages.",
                who.join(" and "),
                pct(most, a.outcomes)
            )
        };
        words.insert(0, sentence);
    }
    lines.sort_by_key(|x| std::cmp::Reverse(x.0));
    for (_, row) in lines {
        rt.row(row);
    }
    if words.is_empty() {
        words.push(
            "No veto player has a red line or a no-deal utility that excludes any package.".into(),
        );
    }
    b.push(Block::List(words));
    b.push(Block::Table(bt.caption("Per veto player. \"Only its red lines\": packages every other veto player accepts (red lines and no-deal utility) that this one's red lines alone reject.")));
    if !rt.rows.is_empty() {
        b.push(Block::Table(
            rt.caption("Every red line, by how many packages it excludes."),
        ));
    }
    if !a.relaxations.is_empty() {
        b.push(Block::Para(
            "Smallest red-line moves that would open the zone:".into(),
        ));
        let items = a
            .relaxations
            .iter()
            .map(|r| {
                let moves: Vec<String> = r
                    .moves
                    .iter()
                    .map(|m| {
                        let label = domain
                            .space
                            .issues
                            .get(m.issue)
                            .and_then(|i| i.values.get(m.to as usize))
                            .cloned()
                            .unwrap_or_default();
                        format!(
                            "{} accepts \"{}\" on {}",
                            party_name(m.party),
                            label,
                            issue_title(s, m.issue)
                        )
                    })
                    .collect();
                format!("{} — opens {}", moves.join(" and "), packages(r.opens))
            })
            .collect();
        b.push(Block::List(items));
    }
    Section {
        summary,
        summary_blocks,
        blocks: b,
    }
}

/// The Pareto scatter for parties 0 and 1 of the domain; `true` when the cloud is a sample.
fn pareto_data(
    s: &Scenario,
    domain: &Domain,
    a: &Analysis,
    parties: &[String],
    opts: &ReportOptions,
) -> (ParetoChart, bool) {
    let n = domain.space.cardinality();
    let acceptable = |o: &[u32]| -> Option<Vec<f64>> {
        let u = domain.utilities(o);
        let ok = domain
            .parties
            .iter()
            .zip(&u)
            .all(|(p, ui)| p.utility.acceptable(o) && *ui >= p.utility.reservation - 1e-9);
        ok.then_some(u)
    };
    let mut points = Vec::new();
    let sampled = n > opts.scatter_sample;
    if sampled {
        for k in 0..opts.scatter_sample {
            let idx = splitmix(opts.seed ^ splitmix(k)) % n;
            let o = domain.space.outcome_at(idx);
            if let Some(u) = acceptable(&o) {
                points.push((u[0], u[1]));
            }
        }
    } else {
        for o in domain.space.iter() {
            if let Some(u) = acceptable(&o) {
                points.push((u[0], u[1]));
            }
        }
    }
    // The 2-D frontier of the zone is the 2-D frontier of the projected N-D frontier.
    let mut cand: Vec<(f64, f64, &Package)> = a
        .pareto
        .iter()
        .map(|p| (p.utilities[0], p.utilities[1], p))
        .collect();
    cand.sort_by(|x, y| {
        y.0.partial_cmp(&x.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(y.1.partial_cmp(&x.1).unwrap_or(std::cmp::Ordering::Equal))
    });
    let mut front: Vec<(f64, f64, &Package)> = Vec::new();
    for c in cand {
        if front.last().is_none_or(|l| c.1 > l.1 + 1e-12) {
            front.push(c);
        }
    }
    points.extend(a.pareto.iter().map(|p| (p.utilities[0], p.utilities[1])));
    let d2 = [a.disagreement[0], a.disagreement[1]];
    let fpts: Vec<Vec<f64>> = front.iter().map(|f| vec![f.0, f.1]).collect();
    let mut solutions = Vec::new();
    if let Some(sol) = detente_deals::bargaining(&fpts, &d2) {
        for (label, k) in [
            ("Nash", sol.nash),
            ("Kalai (egalitarian)", sol.egalitarian),
            ("Kalai–Smorodinsky", sol.kalai_smorodinsky),
            ("Max welfare", sol.max_welfare),
        ] {
            let f = &front[k];
            solutions.push(LabelledPoint {
                label: label.into(),
                x: f.0,
                y: f.1,
                detail: package_words(s, domain, f.2)
                    .iter()
                    .map(|(i, v)| format!("{i}: {v}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
    }
    let chart = ParetoChart {
        title: format!("Deal space: {} and {}", parties[0], parties[1]),
        subtitle: format!(
            "{} acceptable packages {}; {} on the two-party frontier",
            thousands(points.len() as u64),
            if sampled { "in the sample" } else { "" },
            front.len()
        )
        .replace("  ", " "),
        x_label: format!("Utility to {}", parties[0]),
        y_label: format!("Utility to {}", parties[1]),
        points,
        frontier: front.iter().map(|f| (f.0, f.1)).collect(),
        solutions,
        disagreement: Some((d2[0], d2[1])),
    };
    (chart, sampled)
}

fn evidence_section(s: &Scenario, b: &mut Vec<Block>) {
    b.push(Block::Heading {
        level: 2,
        id: "evidence".into(),
        text: "Evidence".into(),
    });
    b.push(Block::Muted(
        "Every stance with the sentences it rests on, quoted verbatim from the source (detente check verifies each quote against the source text)."
            .into(),
    ));
    for (i, issue) in s.issues.iter().enumerate() {
        let stances: Vec<&Stance> = s.stances_on(i).collect();
        if stances.is_empty() {
            continue;
        }
        b.push(Block::Heading {
            level: 3,
            id: format!("evidence-{}", slug(&issue.id)),
            text: issue.title.clone(),
        });
        for st in stances {
            b.push(Block::Heading {
                level: 4,
                id: format!("stance-{}-{}", slug(&issue.id), st.actor),
                text: format!("{} — {}", actor_name(s, st.actor), issue.title),
            });
            let mut f = vec![("Position".to_string(), position_words(s, st))];
            f.push((
                "Salience".into(),
                st.salience
                    .map(|x| num(x, 0))
                    .unwrap_or_else(|| "not set".into()),
            ));
            if let Some(r) = red_line_words(s, st) {
                f.push(("Red line".into(), r));
            }
            if let Some((lo, hi)) = st.position_range {
                f.push((
                    "Position range".into(),
                    format!("{}–{}", num(lo, 1), num(hi, 1)),
                ));
            }
            if let Some((lo, hi)) = st.salience_range {
                f.push((
                    "Salience range".into(),
                    format!("{}–{}", num(lo, 0), num(hi, 0)),
                ));
            }
            if let Some(d) = &st.as_of {
                f.push(("As of".into(), d.clone()));
            }
            f.push(("Evidence strength".into(), st.strength().as_str().into()));
            if let Some(from) = st.derived_from {
                f.push((
                    "Taken from".into(),
                    format!("{} (no stance of its own)", actor_name(s, from)),
                ));
            }
            if let Some(n) = &st.note {
                f.push(("Analyst's note".into(), n.clone()));
            }
            b.push(Block::Fields(f));
            if st.evidence.is_empty() {
                b.push(Block::Notice(
                    "No evidence is given for this stance.".into(),
                ));
            }
            for e in &st.evidence {
                b.push(Block::Quote {
                    text: e.quote.clone(),
                    cite: crate::v2::cite(s, e),
                    note: e.note.clone(),
                });
            }
        }
    }
}

fn sources_section(s: &Scenario, b: &mut Vec<Block>) {
    b.push(Block::Heading {
        level: 2,
        id: "sources".into(),
        text: "Sources".into(),
    });
    let mut t = Table::new(&["Source", "Date", "Quotes", "File"]).numeric(&[2]);
    for (k, src) in s.sources.iter().enumerate() {
        let quotes = s
            .stances
            .iter()
            .flat_map(|st| &st.evidence)
            .filter(|e| e.source == k)
            .count();
        t.row(vec![
            src.title.clone(),
            src.date.clone().unwrap_or_else(|| "–".into()),
            quotes.to_string(),
            src.path.clone(),
        ]);
    }
    b.push(Block::Table(t));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render;

    #[test]
    fn an_empty_scenario_gives_a_report_that_says_what_is_missing() {
        let doc = build(&Scenario::default(), &ReportOptions::default());
        let html = render::html(&doc);
        assert!(html.contains("Untitled scenario"));
        assert!(html.contains("No scale issue to forecast."));
        assert!(html.contains("The deal space could not be built"));
        let (md, files) = render::markdown(&doc, "x_files");
        assert!(md.contains("No scale issue to forecast."));
        assert_eq!(files.len(), 1, "only the (empty) heat map");
    }

    #[test]
    fn thousands_and_percentages() {
        assert_eq!(thousands(18_895_680), "18,895,680");
        assert_eq!(thousands(999), "999");
        assert_eq!(pct(1, 10_000), "<0.1%");
        assert_eq!(pct(1, 3), "33.3%");
        assert_eq!(pct(1, 0), "–");
    }
}
