//! Charts as pure functions from plain data to standalone SVG strings (no JavaScript, no
//! external fonts, stylesheets or images).
//!
//! Every function takes a plain struct defined here (no scenario or model types), so the web
//! workbench and the report can both build the data from whatever they hold. Each returns a
//! complete `<svg>` element that can be written to a `.svg` file or inlined into HTML.
//!
//! | function | data | shows |
//! |---|---|---|
//! | [`heat_map`] | [`HeatMap`] | actor × issue: position as colour, salience as square size |
//! | [`trajectories`] | [`TrajectoryChart`] | positions round by round, one line per actor, the forecast in bold |
//! | [`distribution_bands`] | [`BandChart`] | Monte Carlo spread: 5–95 % and 25–75 % bands and the median per row |
//! | [`pareto`] | [`ParetoChart`] | two parties' utilities: every package faint, the frontier, labelled bargaining solutions |
//! | [`trace`] | [`TraceChart`] | a simulated negotiation: utility of each offer to each party over time |
//!
//! Conventions shared by all charts:
//! - **Size.** The `viewBox` is about 720 user units wide and the element carries
//!   `max-width:100%;height:auto`, so it is drawn 1:1 (12 px text) at 700–720 px and scales
//!   down on narrower screens.
//! - **Accessibility.** `role="img"`, an `aria-label`, a `<title>` and a `<desc>` that says in
//!   words what is drawn; every mark carries a `<title>` tooltip with its exact values.
//! - **Colour.** Series colours come from the Okabe–Ito palette ([`PALETTE`]), safe for the
//!   common colour-vision deficiencies; beyond six series the dash pattern changes too
//!   ([`series_style`]), and lines are labelled directly at their ends, so colour is never the
//!   only cue. Positions use a purple–orange diverging scale ([`position_colour`]).
//! - **Robustness.** All text is escaped ([`crate::svg::escape`]); non-finite numbers are
//!   skipped; empty inputs give a small chart that says "no data" instead of failing.

use crate::svg::{
    c, escape, nice_ticks, num, points, spread, text_width, truncate, wrap, Doc, Linear,
};
use std::fmt::Write as _;

/// Okabe–Ito colours (without yellow, too light on white, and black, kept for emphasis).
pub const PALETTE: [&str; 6] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
];

/// Dash patterns combined with [`PALETTE`] for series 7 onwards.
pub const DASHES: [&str; 3] = ["", "7 3", "2 3"];

/// Colour used for emphasised series (the forecast line) and for ink in general.
pub const INK: &str = "#1a1a1a";
const MUTED: &str = "#666666";
const GRID: &str = "#e3e3e3";

/// Colour and dash pattern (empty = solid) of the `i`-th series.
pub fn series_style(i: usize) -> (&'static str, &'static str) {
    (
        PALETTE[i % PALETTE.len()],
        DASHES[(i / PALETTE.len()) % DASHES.len()],
    )
}

/// Diverging purple–orange colour (ColorBrewer PuOr, colour-blind safe) for a position
/// `t` in `[0, 1]`: purple at 0, near-white at 0.5, orange at 1.
pub fn position_colour(t: f64) -> String {
    const STOPS: [(f64, [f64; 3]); 5] = [
        (0.0, [94.0, 60.0, 153.0]),
        (0.25, [178.0, 171.0, 210.0]),
        (0.5, [240.0, 240.0, 240.0]),
        (0.75, [253.0, 184.0, 99.0]),
        (1.0, [230.0, 97.0, 1.0]),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let k = STOPS.windows(2).position(|w| t <= w[1].0).unwrap_or(3);
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    let u = (t - a.0) / (b.0 - a.0);
    let ch = |i: usize| (a.1[i] + u * (b.1[i] - a.1[i])).round() as u8;
    format!("#{:02x}{:02x}{:02x}", ch(0), ch(1), ch(2))
}

fn no_data(title: &str, why: &str) -> String {
    let mut d = Doc::new(720.0, 90.0, title, why);
    title_text(&mut d, title, None);
    d.text(
        20.0,
        66.0,
        &format!(r#"font-size="13" fill="{MUTED}""#),
        why,
    );
    d.finish()
}

fn title_text(d: &mut Doc, title: &str, subtitle: Option<&str>) {
    d.text(
        20.0,
        24.0,
        &format!(r#"font-size="15" font-weight="600" fill="{INK}""#),
        &truncate(title, 15.0, 680.0),
    );
    if let Some(s) = subtitle.filter(|s| !s.is_empty()) {
        d.text(
            20.0,
            42.0,
            &format!(r#"font-size="12" fill="{MUTED}""#),
            &truncate(s, 12.0, 680.0),
        );
    }
}

fn finite(x: f64) -> bool {
    x.is_finite()
}

// ---------------------------------------------------------------------------------------------
// Heat map

/// An actor × issue matrix. `cells[row][col]` is the stance of actor `rows[row]` on issue
/// `columns[col]`, or `None` when the actor holds no stance on it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeatMap {
    pub title: String,
    /// Row labels (actors).
    pub rows: Vec<String>,
    /// Column labels (issues).
    pub columns: Vec<String>,
    /// `cells[row][col]`; missing rows or columns are treated as `None`.
    pub cells: Vec<Vec<Option<HeatCell>>>,
    /// What the low end of the colour scale means (e.g. "0 / first option").
    pub low_label: String,
    /// What the high end of the colour scale means.
    pub high_label: String,
}

/// One stance in a [`HeatMap`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeatCell {
    /// Position on the issue, 0–100 (for options issues: the option's index scaled to 0–100).
    /// `None` for a draft stance without a position (drawn as a "?").
    pub position: Option<f64>,
    /// Salience 0–100: the side of the square is proportional to its square root, so the
    /// area is proportional to salience. `None` draws a hollow square.
    pub salience: Option<f64>,
    /// Full words for the tooltip, e.g. "Ukraine on Donbas: 0 (all land returned), salience 95".
    pub tooltip: String,
    /// Whether the stance has a red line (drawn as a dark outline).
    pub red_line: bool,
    /// A short label for a position that lies on no line (an option of an unordered issue,
    /// e.g. its number "2"): the square is drawn grey with this label in it, not coloured.
    #[serde(default)]
    pub category: Option<String>,
    /// Where a click on the square goes (e.g. `#stance-donbas-3`, the stance's evidence);
    /// written as given into an SVG `<a href>`, escaped.
    #[serde(default)]
    pub link: Option<String>,
}

/// Draw an actor × issue heat map: the colour of each square is the actor's position on the
/// issue (purple = 0 end, orange = 100 end), its area the salience.
pub fn heat_map(h: &HeatMap) -> String {
    if h.rows.is_empty() || h.columns.is_empty() {
        return no_data(&h.title, "No actors or no issues to show.");
    }
    let fs = 12.0;
    let label_w = h
        .rows
        .iter()
        .map(|r| text_width(r, fs))
        .fold(0.0, f64::max)
        .min(170.0);
    let left = 20.0 + label_w + 10.0;
    let ncol = h.columns.len() as f64;
    let row_h = 34.0;
    let head_max = 125.0;
    let head_w = h
        .columns
        .iter()
        .map(|s| text_width(s, fs))
        .fold(0.0, f64::max)
        .min(head_max);
    let angle: f64 = 40.0;
    // The last column's rotated header overhangs to the right by about head_w·cos(angle).
    let overhang = (head_w * angle.to_radians().cos() - 20.0).max(0.0);
    let avail = 720.0 - left - 20.0 - overhang;
    let col_w = ((avail + 0.5 * (avail / ncol).min(90.0)) / ncol).clamp(34.0, 90.0);
    let head_h = head_w * angle.to_radians().sin() + 16.0;
    let top = 40.0 + head_h;
    let grid_h = row_h * h.rows.len() as f64;
    let legend_h = 84.0;
    let width = (left + col_w * (ncol - 0.5) + head_w * angle.to_radians().cos() + 16.0).max(720.0);
    let height = top + grid_h + 16.0 + legend_h;
    let desc = format!(
        "Heat map of {} actors by {} issues. Square colour is the actor's position on the issue from purple ({}) to orange ({}); square area is salience.",
        h.rows.len(),
        h.columns.len(),
        h.low_label,
        h.high_label
    );
    let mut d = Doc::new(width, height, &h.title, &desc);
    title_text(&mut d, &h.title, None);

    // Column headers, rotated, anchored at the column centre.
    for (j, col) in h.columns.iter().enumerate() {
        let x = left + col_w * (j as f64 + 0.5);
        let y = top - 8.0;
        let _ = write!(
            d.out,
            r#"<text x="{x}" y="{y}" font-size="{fs}" fill="{INK}" transform="rotate(-{angle} {x} {y})"><title>{}</title>{}</text>"#,
            escape(col),
            escape(&truncate(col, fs, head_max)),
            x = c(x),
            y = c(y),
        );
    }
    // Row labels and zebra stripes.
    for (i, row) in h.rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        if i % 2 == 0 {
            d.rect(left, y, col_w * ncol, row_h, r##"fill="#f6f6f6""##);
        }
        d.text_tip(
            left - 10.0,
            y + row_h / 2.0 + 4.0,
            &format!(r#"font-size="{fs}" text-anchor="end" fill="{INK}""#),
            &truncate(row, fs, label_w),
            row,
        );
    }
    // Column separators.
    for j in 0..=h.columns.len() {
        let x = left + col_w * j as f64;
        d.line(
            x,
            top,
            x,
            top + grid_h,
            &format!(r#"stroke="{GRID}" stroke-width="1""#),
        );
    }
    let max_side = (col_w.min(row_h) - 6.0).max(6.0);
    for (i, _) in h.rows.iter().enumerate() {
        for (j, _) in h.columns.iter().enumerate() {
            let cx = left + col_w * (j as f64 + 0.5);
            let cy = top + row_h * (i as f64 + 0.5);
            let cell = h
                .cells
                .get(i)
                .and_then(|r| r.get(j))
                .and_then(|c| c.as_ref());
            match cell {
                None => {
                    d.line(
                        cx - 4.0,
                        cy,
                        cx + 4.0,
                        cy,
                        r##"stroke="#bbbbbb" stroke-width="1.5""##,
                    );
                }
                Some(cell) => {
                    let sal = cell
                        .salience
                        .filter(|s| finite(*s))
                        .map(|s| s.clamp(0.0, 100.0));
                    let side = match sal {
                        Some(s) => (max_side * (s / 100.0).sqrt()).max(3.0),
                        None => max_side,
                    };
                    let position = cell.position.filter(|p| finite(*p));
                    let fill = match (&cell.category, position) {
                        (Some(_), _) => "#d9d9d9".to_string(),
                        (None, Some(p)) => position_colour(p / 100.0),
                        (None, None) => "#ffffff".to_string(),
                    };
                    let stroke = if cell.red_line { INK } else { "#8a8a8a" };
                    let fill = if sal.is_none() {
                        "none".to_string()
                    } else {
                        fill
                    };
                    let sw = if cell.red_line { 2.0 } else { 0.75 };
                    if let Some(href) = &cell.link {
                        let _ = write!(d.out, r#"<a href="{}">"#, escape(href));
                    }
                    let _ = write!(
                        d.out,
                        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"><title>{}</title></rect>"#,
                        c(cx - side / 2.0),
                        c(cy - side / 2.0),
                        c(side),
                        c(side),
                        escape(&cell.tooltip)
                    );
                    if let Some(cat) = &cell.category {
                        d.text(
                            cx,
                            cy + 4.0,
                            &format!(r#"font-size="11" text-anchor="middle" fill="{INK}""#),
                            &truncate(cat, 11.0, max_side),
                        );
                    } else if position.is_none() {
                        d.text(
                            cx,
                            cy + 4.0,
                            &format!(r#"font-size="12" text-anchor="middle" fill="{MUTED}""#),
                            "?",
                        );
                    }
                    if cell.link.is_some() {
                        d.raw("</a>");
                    }
                }
            }
        }
    }
    // Legend: colour ramp and salience sizes.
    let ly = top + grid_h + 22.0;
    d.text(
        20.0,
        ly + 12.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "Position",
    );
    let ramp_x = 80.0;
    let ramp_w = 200.0;
    for k in 0..40 {
        let t = k as f64 / 39.0;
        d.rect(
            ramp_x + ramp_w * k as f64 / 40.0,
            ly,
            ramp_w / 40.0 + 0.6,
            14.0,
            &format!(r#"fill="{}""#, position_colour(t)),
        );
    }
    d.text(
        ramp_x,
        ly + 28.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        &truncate(&h.low_label, 11.0, 120.0),
    );
    d.text(
        ramp_x + ramp_w,
        ly + 28.0,
        &format!(r#"font-size="11" text-anchor="end" fill="{MUTED}""#),
        &truncate(&h.high_label, 11.0, 120.0),
    );
    let sx = 320.0;
    d.text(
        sx,
        ly + 12.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "Salience",
    );
    let mut x = sx + 56.0;
    for s in [25.0, 50.0, 100.0] {
        let side = max_side * (s / 100.0_f64).sqrt();
        d.rect(
            x,
            ly + 7.0 - side / 2.0,
            side,
            side,
            r##"fill="#bdbdbd" stroke="#8a8a8a" stroke-width="0.75""##,
        );
        d.text(
            x + side + 4.0,
            ly + 11.0,
            &format!(r#"font-size="11" fill="{MUTED}""#),
            &num(s, 0),
        );
        x += side + 34.0;
    }
    d.rect(
        x + 4.0,
        ly,
        14.0,
        14.0,
        &format!(r#"fill="none" stroke="{INK}" stroke-width="2""#),
    );
    d.text(
        x + 24.0,
        ly + 11.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "red line",
    );
    d.line(
        x + 84.0,
        ly + 7.0,
        x + 92.0,
        ly + 7.0,
        r##"stroke="#bbbbbb" stroke-width="1.5""##,
    );
    d.text(
        x + 98.0,
        ly + 11.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "no stance",
    );
    // Second legend line, only for the marks in use.
    let cells = || h.cells.iter().flatten().flatten();
    let mut x2 = 20.0;
    if cells().any(|c| c.category.is_some()) {
        d.rect(
            x2,
            ly + 42.0,
            16.0,
            16.0,
            r##"fill="#d9d9d9" stroke="#8a8a8a" stroke-width="0.75""##,
        );
        d.text(
            x2 + 8.0,
            ly + 54.0,
            &format!(r#"font-size="11" text-anchor="middle" fill="{INK}""#),
            "2",
        );
        d.text(
            x2 + 22.0,
            ly + 54.0,
            &format!(r#"font-size="11" fill="{MUTED}""#),
            "option number on an issue whose options lie on no line (no colour)",
        );
        x2 += 400.0;
    }
    if cells().any(|c| c.category.is_none() && c.position.filter(|p| finite(*p)).is_none()) {
        d.text(
            x2 + 8.0,
            ly + 54.0,
            &format!(r#"font-size="12" text-anchor="middle" fill="{MUTED}""#),
            "?",
        );
        d.text(
            x2 + 22.0,
            ly + 54.0,
            &format!(r#"font-size="11" fill="{MUTED}""#),
            "position not set (draft)",
        );
    }
    d.finish()
}

// ---------------------------------------------------------------------------------------------
// Axes shared by line charts

/// A value axis: its range and the ticks to label.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
    /// Labelled ticks; when empty, round-number ticks are chosen.
    pub ticks: Vec<Tick>,
}

impl Axis {
    /// The 0–100 scale of a scale issue.
    pub fn scale_0_100() -> Axis {
        Axis {
            min: 0.0,
            max: 100.0,
            ticks: Vec::new(),
        }
    }
    /// Utility in [0, 1].
    pub fn unit() -> Axis {
        Axis {
            min: 0.0,
            max: 1.0,
            ticks: Vec::new(),
        }
    }
    fn resolved_ticks(&self, target: usize) -> Vec<Tick> {
        if !self.ticks.is_empty() {
            return self
                .ticks
                .iter()
                .filter(|t| finite(t.at))
                .cloned()
                .collect();
        }
        let decimals = if (self.max - self.min).abs() <= 2.0 {
            2
        } else {
            0
        };
        nice_ticks(self.min, self.max, target)
            .into_iter()
            .map(|v| Tick {
                at: v,
                label: num(v, decimals),
            })
            .collect()
    }
}

/// A labelled value on an axis (or a guide line, for anchors).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

// ---------------------------------------------------------------------------------------------
// Trajectories

/// Round-by-round positions on one issue.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrajectoryChart {
    pub title: String,
    pub subtitle: String,
    /// Usually "Round".
    pub x_label: String,
    /// Usually the issue's scale, e.g. "Position (0–100)".
    pub y_label: String,
    pub y_axis: Axis,
    /// Labelled guide lines across the plot (a scale issue's anchors).
    pub guides: Vec<Tick>,
    /// One line per actor, plus emphasised lines (the forecast: median or mean).
    pub series: Vec<Series>,
}

/// One line of values at x = 0, 1, 2, … (round numbers). Non-finite values leave a gap.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    /// Drawn thick and black (the forecast; the first solid, later ones dashed); other series
    /// get palette colours in order.
    pub emphasis: bool,
}

struct Plot {
    x: Linear,
    y: Linear,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

fn y_axis_width(ticks: &[Tick], fs: f64, cap: f64) -> f64 {
    ticks
        .iter()
        .map(|t| text_width(&t.label, fs))
        .fold(0.0, f64::max)
        .min(cap)
}

/// Gridlines, ticks, tick labels and axis titles for a plot area.
fn axes(
    d: &mut Doc,
    p: &Plot,
    xticks: &[Tick],
    yticks: &[Tick],
    x_label: &str,
    y_label: &str,
    y_cap: f64,
) {
    let grid = format!(r#"stroke="{GRID}" stroke-width="1""#);
    let lab = format!(r#"font-size="11" fill="{MUTED}""#);
    for t in yticks {
        let y = p.y.map(t.at);
        d.line(p.left, y, p.right, y, &grid);
        d.text_tip(
            p.left - 6.0,
            y + 4.0,
            &format!(r#"font-size="11" text-anchor="end" fill="{MUTED}""#),
            &truncate(&t.label, 11.0, y_cap),
            &t.label,
        );
    }
    for t in xticks {
        let x = p.x.map(t.at);
        d.line(
            x,
            p.bottom,
            x,
            p.bottom + 4.0,
            &format!(r#"stroke="{MUTED}" stroke-width="1""#),
        );
        d.text(
            x,
            p.bottom + 17.0,
            &format!(r#"font-size="11" text-anchor="middle" fill="{MUTED}""#),
            &t.label,
        );
    }
    d.line(
        p.left,
        p.bottom,
        p.right,
        p.bottom,
        &format!(r#"stroke="{MUTED}" stroke-width="1""#),
    );
    d.line(
        p.left,
        p.top,
        p.left,
        p.bottom,
        &format!(r#"stroke="{MUTED}" stroke-width="1""#),
    );
    if !x_label.is_empty() {
        d.text(
            (p.left + p.right) / 2.0,
            p.bottom + 34.0,
            &format!(r#"font-size="12" text-anchor="middle" fill="{INK}""#),
            x_label,
        );
    }
    if !y_label.is_empty() {
        let x = 14.0;
        let y = (p.top + p.bottom) / 2.0;
        let _ = write!(
            d.out,
            r#"<text x="{x}" y="{y}" font-size="12" text-anchor="middle" fill="{INK}" transform="rotate(-90 {x} {y})">{}</text>"#,
            escape(&truncate(y_label, 12.0, p.bottom - p.top)),
            x = c(x),
            y = c(y)
        );
    }
    let _ = lab;
}

fn round_ticks(n: usize) -> Vec<Tick> {
    if n <= 1 {
        return vec![Tick {
            at: 0.0,
            label: "0".into(),
        }];
    }
    nice_ticks(0.0, (n - 1) as f64, 8)
        .into_iter()
        .filter(|v| v.fract().abs() < 1e-9)
        .map(|v| Tick {
            at: v,
            label: num(v, 0),
        })
        .collect()
}

/// Draw positions round by round: one thin coloured line per actor, emphasised series (the
/// forecast) thick and black, every line labelled at its right end.
pub fn trajectories(chart: &TrajectoryChart) -> String {
    // Actors whose lines are identical share one line and one label ("A +2"), so lines that
    // lie on top of each other do not hide who else is there.
    let mut merged: Vec<(Series, Vec<String>)> = Vec::new();
    for s in &chart.series {
        let same = |m: &Series| {
            !m.emphasis
                && !s.emphasis
                && m.values.len() == s.values.len()
                && m.values
                    .iter()
                    .zip(&s.values)
                    .all(|(a, b)| (a - b).abs() < 1e-9 || (a.is_nan() && b.is_nan()))
        };
        match merged.iter_mut().find(|(m, _)| same(m)) {
            Some((_, members)) => members.push(s.name.clone()),
            None => merged.push((s.clone(), vec![s.name.clone()])),
        }
    }
    let short: Vec<String> = merged
        .iter()
        .map(|(s, m)| {
            if m.len() > 1 {
                format!("{} +{}", m[0], m.len() - 1)
            } else {
                s.name.clone()
            }
        })
        .collect();
    let t = &TrajectoryChart {
        series: merged
            .iter()
            .map(|(s, m)| Series {
                name: m.join(", "),
                ..s.clone()
            })
            .collect(),
        ..chart.clone()
    };
    let n = t.series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    if n == 0 {
        return no_data(&t.title, "No rounds to show.");
    }
    let yticks = t.y_axis.resolved_ticks(5);
    let y_cap = 150.0;
    let ylw = y_axis_width(&yticks, 11.0, y_cap);
    let label_cap = 130.0;
    let lab_w = short
        .iter()
        .map(|s| text_width(s, 11.0) * 1.1)
        .fold(0.0, f64::max)
        .min(label_cap);
    let width = 720.0;
    let top = if t.subtitle.is_empty() { 44.0 } else { 60.0 };
    let height = 380.0;
    let p = Plot {
        left: 30.0 + ylw + 8.0,
        right: width - lab_w - 26.0,
        top,
        bottom: height - 48.0,
        x: Linear::new((0.0, 0.0), (0.0, 0.0)),
        y: Linear::new((0.0, 0.0), (0.0, 0.0)),
    };
    let p = Plot {
        x: Linear::new((0.0, (n.max(2) - 1) as f64), (p.left + 6.0, p.right - 6.0)),
        y: Linear::new((t.y_axis.min, t.y_axis.max), (p.bottom - 6.0, p.top + 6.0)),
        ..p
    };
    let names: Vec<&str> = t.series.iter().map(|s| s.name.as_str()).collect();
    let desc = format!(
        "Line chart, {} rounds, of {}: {}. Thick black lines are the forecast.",
        n,
        t.y_label,
        names.join(", ")
    );
    let mut d = Doc::new(width, height, &t.title, &desc);
    title_text(&mut d, &t.title, Some(&t.subtitle));
    axes(
        &mut d,
        &p,
        &round_ticks(n),
        &yticks,
        &t.x_label,
        &t.y_label,
        y_cap,
    );
    for g in t.guides.iter().filter(|g| finite(g.at)) {
        let y = p.y.map(g.at);
        d.line(
            p.left,
            y,
            p.right,
            y,
            r##"stroke="#b5b5b5" stroke-width="1" stroke-dasharray="3 3""##,
        );
        d.text_tip(
            p.left + 4.0,
            y - 3.0,
            r##"font-size="10" fill="#7a7a7a" font-style="italic""##,
            &truncate(&g.label, 10.0, p.right - p.left - 8.0),
            &format!("{}: {}", num(g.at, 2), g.label),
        );
    }
    // The forecast first, thin actor lines on top (an actor that sits on the forecast shows as
    // a coloured stripe inside the thick line instead of vanishing under it).
    let mut order: Vec<usize> = (0..t.series.len()).collect();
    order.sort_by_key(|i| !t.series[*i].emphasis);
    let mut colour_idx = vec![0usize; t.series.len()];
    let mut k = 0;
    for (i, s) in t.series.iter().enumerate() {
        if !s.emphasis {
            colour_idx[i] = k;
            k += 1;
        }
    }
    let mut ends: Vec<(f64, String, String, String, String)> = Vec::new(); // (y, label, colour, weight, full name)
    let mut emph_seen = 0;
    for &i in &order {
        let s = &t.series[i];
        let (colour, dash, sw) = if s.emphasis {
            emph_seen += 1;
            (INK, if emph_seen == 1 { "" } else { "7 4" }, 3.5)
        } else {
            let (c0, d0) = series_style(colour_idx[i]);
            (c0, d0, 1.8)
        };
        let dash_attr = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        // Split into runs of finite values.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (r, v) in s.values.iter().enumerate() {
            if finite(*v) {
                runs.last_mut()
                    .unwrap()
                    .push((p.x.map(r as f64), p.y.map(*v)));
            } else if !runs.last().unwrap().is_empty() {
                runs.push(Vec::new());
            }
        }
        let _ = write!(d.out, r#"<g><title>{}</title>"#, escape(&series_tooltip(s)));
        for run in runs.iter().filter(|r| !r.is_empty()) {
            if run.len() == 1 {
                let (x, y) = run[0];
                let _ = write!(
                    d.out,
                    r#"<circle cx="{}" cy="{}" r="3" fill="{colour}"/>"#,
                    c(x),
                    c(y)
                );
            } else {
                let _ = write!(
                    d.out,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="{sw}" stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>"#,
                    points(run)
                );
            }
            if n <= 16 && !s.emphasis {
                for (x, y) in run {
                    let _ = write!(
                        d.out,
                        r#"<circle cx="{}" cy="{}" r="2.2" fill="{colour}"/>"#,
                        c(*x),
                        c(*y)
                    );
                }
            }
        }
        d.raw("</g>");
        if let Some((_, y)) = runs.iter().rev().find_map(|r| r.last().copied()) {
            ends.push((
                y,
                short[i].clone(),
                colour.to_string(),
                if s.emphasis {
                    "700".into()
                } else {
                    "400".into()
                },
                s.name.clone(),
            ));
        }
    }
    let ys: Vec<f64> = ends.iter().map(|e| e.0).collect();
    let placed = spread(&ys, 13.0, p.top, p.bottom);
    for (e, y) in ends.iter().zip(placed) {
        let x = p.right + 8.0;
        if (y - e.0).abs() > 1.0 {
            d.line(
                p.right + 1.0,
                e.0,
                x - 1.0,
                y,
                &format!(r#"stroke="{}" stroke-width="0.75""#, e.2),
            );
        }
        d.text_tip(
            x + 2.0,
            y + 4.0,
            &format!(r#"font-size="11" font-weight="{}" fill="{}""#, e.3, e.2),
            &truncate(&e.1, 11.0, label_cap),
            &e.4,
        );
    }
    d.finish()
}

fn series_tooltip(s: &Series) -> String {
    let vals: Vec<String> = s
        .values
        .iter()
        .enumerate()
        .map(|(r, v)| {
            if finite(*v) {
                format!("{r}: {}", num(*v, 1))
            } else {
                format!("{r}: –")
            }
        })
        .collect();
    format!("{} — {}", s.name, vals.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Distribution bands

/// Monte Carlo spreads, one row each (an issue, or a model on one issue).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BandChart {
    pub title: String,
    pub subtitle: String,
    pub x_label: String,
    pub x_axis: Axis,
    pub rows: Vec<BandRow>,
}

/// Percentiles of one quantity's distribution across Monte Carlo draws.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BandRow {
    pub label: String,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    /// An extra point to mark, e.g. the forecast from the scenario's own numbers.
    pub marker: Option<f64>,
}

/// Draw horizontal distribution bands: a thin bar for 5–95 %, a thick bar for 25–75 %, a tick
/// at the median, and an optional diamond (the point forecast).
pub fn distribution_bands(b: &BandChart) -> String {
    if b.rows.is_empty() {
        return no_data(&b.title, "No distributions to show.");
    }
    let fs = 12.0;
    let cap = 220.0;
    let lw = b
        .rows
        .iter()
        .map(|r| text_width(&r.label, fs))
        .fold(0.0, f64::max)
        .min(cap);
    let width = 720.0;
    let top = if b.subtitle.is_empty() { 70.0 } else { 86.0 };
    let row_h = 30.0;
    let bottom = top + row_h * b.rows.len() as f64;
    let height = bottom + 48.0;
    let p = Plot {
        left: 20.0 + lw + 12.0,
        right: width - 70.0,
        top,
        bottom,
        x: Linear::new(
            (b.x_axis.min, b.x_axis.max),
            (20.0 + lw + 18.0, width - 76.0),
        ),
        y: Linear::new((0.0, 1.0), (bottom, top)),
    };
    let desc = format!(
        "Distribution bands for {} rows: thin bar 5th–95th percentile, thick bar 25th–75th, tick at the median{}.",
        b.rows.len(),
        if b.rows.iter().any(|r| r.marker.is_some()) { ", diamond at the point forecast" } else { "" }
    );
    let mut d = Doc::new(width, height, &b.title, &desc);
    title_text(&mut d, &b.title, Some(&b.subtitle));
    // Legend.
    let ly = top - 18.0;
    let lx = p.left;
    d.line(
        lx,
        ly,
        lx + 40.0,
        ly,
        r##"stroke="#9ecae1" stroke-width="6""##,
    );
    d.text(
        lx + 46.0,
        ly + 4.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "5–95 %",
    );
    d.line(
        lx + 100.0,
        ly,
        lx + 140.0,
        ly,
        r##"stroke="#0072B2" stroke-width="14""##,
    );
    d.text(
        lx + 146.0,
        ly + 4.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "25–75 %",
    );
    d.line(
        lx + 204.0,
        ly - 8.0,
        lx + 204.0,
        ly + 8.0,
        &format!(r#"stroke="{INK}" stroke-width="2.5""#),
    );
    d.text(
        lx + 210.0,
        ly + 4.0,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "median",
    );
    if b.rows.iter().any(|r| r.marker.is_some()) {
        diamond(&mut d, lx + 270.0, ly, 5.0, "#D55E00");
        d.text(
            lx + 280.0,
            ly + 4.0,
            &format!(r#"font-size="11" fill="{MUTED}""#),
            "point forecast",
        );
    }
    let xticks = b.x_axis.resolved_ticks(5);
    for t in &xticks {
        let x = p.x.map(t.at);
        d.line(
            x,
            top - 4.0,
            x,
            bottom,
            &format!(r#"stroke="{GRID}" stroke-width="1""#),
        );
        d.text(
            x,
            bottom + 16.0,
            &format!(r#"font-size="11" text-anchor="middle" fill="{MUTED}""#),
            &t.label,
        );
    }
    d.line(
        p.left,
        bottom,
        p.right,
        bottom,
        &format!(r#"stroke="{MUTED}" stroke-width="1""#),
    );
    if !b.x_label.is_empty() {
        d.text(
            (p.left + p.right) / 2.0,
            bottom + 34.0,
            &format!(r#"font-size="12" text-anchor="middle" fill="{INK}""#),
            &b.x_label,
        );
    }
    for (i, r) in b.rows.iter().enumerate() {
        let y = top + row_h * (i as f64 + 0.5);
        d.text_tip(
            p.left - 8.0,
            y + 4.0,
            &format!(r#"font-size="{fs}" text-anchor="end" fill="{INK}""#),
            &truncate(&r.label, fs, lw),
            &r.label,
        );
        let vals = [r.p5, r.p25, r.p50, r.p75, r.p95];
        if vals.iter().any(|v| !finite(*v)) {
            d.text(
                p.left + 4.0,
                y + 4.0,
                &format!(r#"font-size="11" fill="{MUTED}""#),
                "no data",
            );
            continue;
        }
        let tip = format!(
            "{}: 5% {} · 25% {} · median {} · 75% {} · 95% {}{}",
            r.label,
            num(r.p5, 1),
            num(r.p25, 1),
            num(r.p50, 1),
            num(r.p75, 1),
            num(r.p95, 1),
            r.marker
                .map(|m| format!(" · point forecast {}", num(m, 1)))
                .unwrap_or_default()
        );
        let _ = write!(d.out, "<g><title>{}</title>", escape(&tip));
        let (x5, x95) = (p.x.map(r.p5), p.x.map(r.p95));
        let (x25, x75) = (p.x.map(r.p25), p.x.map(r.p75));
        d.rect(x5, y - 3.0, (x95 - x5).max(1.0), 6.0, r##"fill="#9ecae1""##);
        d.rect(
            x25,
            y - 7.0,
            (x75 - x25).max(2.0),
            14.0,
            r##"fill="#0072B2""##,
        );
        let xm = p.x.map(r.p50);
        d.line(
            xm,
            y - 10.0,
            xm,
            y + 10.0,
            &format!(r#"stroke="{INK}" stroke-width="2.5""#),
        );
        if let Some(m) = r.marker.filter(|m| finite(*m)) {
            diamond(&mut d, p.x.map(m), y, 5.0, "#D55E00");
        }
        d.raw("</g>");
        d.text(
            p.right + 8.0,
            y + 4.0,
            &format!(r#"font-size="11" fill="{INK}""#),
            &format!("{:.1}", r.p50),
        );
    }
    d.finish()
}

fn diamond(d: &mut Doc, x: f64, y: f64, r: f64, fill: &str) {
    let _ = write!(
        d.out,
        r##"<path d="M{} {}L{} {}L{} {}L{} {}Z" fill="{fill}" stroke="#ffffff" stroke-width="1"/>"##,
        c(x),
        c(y - r),
        c(x + r),
        c(y),
        c(x),
        c(y + r),
        c(x - r),
        c(y)
    );
}

// ---------------------------------------------------------------------------------------------
// Pareto scatter

/// Two parties' utilities for every acceptable package.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParetoChart {
    pub title: String,
    pub subtitle: String,
    /// e.g. "Utility to Ukraine".
    pub x_label: String,
    pub y_label: String,
    /// Every package: (utility to party x, utility to party y). Drawn faint.
    pub points: Vec<(f64, f64)>,
    /// The Pareto frontier (any order; drawn sorted by x and connected).
    pub frontier: Vec<(f64, f64)>,
    /// Labelled points: Nash, Kalai–Smorodinsky, max welfare …; coincident points share a label.
    pub solutions: Vec<LabelledPoint>,
    /// The no-deal point (the reservation utilities), if known.
    pub disagreement: Option<(f64, f64)>,
}

/// A named point in a [`ParetoChart`]; `detail` goes into the tooltip (e.g. the package in words).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabelledPoint {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub detail: String,
}

/// Most faint points drawn; beyond this, points falling on the same pixel are merged and the
/// rest thinned evenly (the description says so).
pub const MAX_SCATTER_POINTS: usize = 6000;

/// Draw a Pareto scatter: all packages faint, the frontier dark, bargaining solutions as
/// labelled markers, the no-deal point with its acceptability quadrant.
pub fn pareto(pc: &ParetoChart) -> String {
    let pts: Vec<(f64, f64)> = pc
        .points
        .iter()
        .copied()
        .filter(|(x, y)| finite(*x) && finite(*y))
        .collect();
    let mut front: Vec<(f64, f64)> = pc
        .frontier
        .iter()
        .copied()
        .filter(|(x, y)| finite(*x) && finite(*y))
        .collect();
    if pts.is_empty() && front.is_empty() && pc.solutions.is_empty() {
        return no_data(&pc.title, "No packages to show.");
    }
    front.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let all = pts
        .iter()
        .chain(front.iter())
        .copied()
        .chain(pc.solutions.iter().map(|s| (s.x, s.y)));
    // Both axes share one range (so equal gains look equal), zoomed to the data in steps of
    // 0.1 with a margin, and never narrower than 0.3.
    let (mut dlo, mut dhi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in all.chain(pc.disagreement) {
        if finite(x) && finite(y) {
            dlo = dlo.min(x.min(y));
            dhi = dhi.max(x.max(y));
        }
    }
    let (mut lo, mut hi) = if dlo.is_finite() {
        (
            ((dlo - 0.03) * 10.0).floor() / 10.0,
            ((dhi + 0.03) * 10.0).ceil() / 10.0,
        )
    } else {
        (0.0, 1.0)
    };
    if dlo >= 0.0 {
        lo = lo.max(0.0);
    }
    if dhi <= 1.0 {
        hi = hi.min(1.0);
    }
    if hi - lo < 0.3 {
        let mid = (hi + lo) / 2.0;
        lo = mid - 0.15;
        hi = mid + 0.15;
    }
    let width: f64 = 720.0;
    let label_col = 190.0;
    let top = if pc.subtitle.is_empty() { 46.0 } else { 62.0 };
    let side = (width - 70.0 - label_col - 20.0).min(440.0);
    let p = Plot {
        left: 70.0,
        right: 70.0 + side,
        top,
        bottom: top + side,
        x: Linear::new((lo, hi), (76.0, 64.0 + side)),
        y: Linear::new((lo, hi), (top + side - 6.0, top + 6.0)),
    };
    let height = p.bottom + 50.0;
    // Thin the faint cloud: merge points on the same pixel, then stride.
    let mut seen = std::collections::HashSet::new();
    let mut cloud: Vec<(f64, f64)> = Vec::new();
    for (x, y) in &pts {
        let key = (
            (p.x.map(*x) * 2.0).round() as i64,
            (p.y.map(*y) * 2.0).round() as i64,
        );
        if seen.insert(key) {
            cloud.push((*x, *y));
        }
    }
    let thinned = cloud.len() > MAX_SCATTER_POINTS;
    if thinned {
        let stride = cloud.len() as f64 / MAX_SCATTER_POINTS as f64;
        cloud = (0..MAX_SCATTER_POINTS)
            .map(|k| cloud[(k as f64 * stride) as usize])
            .collect();
    }
    let sol_names: Vec<&str> = pc.solutions.iter().map(|s| s.label.as_str()).collect();
    let desc = format!(
        "Scatter of {} packages by {} (x) and {} (y){}; {} on the Pareto frontier (dark line); marked solutions: {}.",
        pts.len(),
        pc.x_label,
        pc.y_label,
        if thinned { format!(", {} drawn after thinning overlapping points", cloud.len()) } else { String::new() },
        front.len(),
        if sol_names.is_empty() { "none".to_string() } else { sol_names.join(", ") }
    );
    let mut d = Doc::new(width, height, &pc.title, &desc);
    title_text(&mut d, &pc.title, Some(&pc.subtitle));
    let ticks = Axis {
        min: lo,
        max: hi,
        ticks: Vec::new(),
    }
    .resolved_ticks(5);
    for t in &ticks {
        let x = p.x.map(t.at);
        d.line(
            x,
            p.top,
            x,
            p.bottom,
            &format!(r#"stroke="{GRID}" stroke-width="1""#),
        );
    }
    axes(&mut d, &p, &ticks, &ticks, &pc.x_label, "", 60.0);
    if !pc.y_label.is_empty() {
        let (x, y) = (16.0, (p.top + p.bottom) / 2.0);
        let _ = write!(
            d.out,
            r#"<text x="{x}" y="{y}" font-size="12" text-anchor="middle" fill="{INK}" transform="rotate(-90 {x} {y})">{}</text>"#,
            escape(&truncate(&pc.y_label, 12.0, side)),
            x = c(x),
            y = c(y)
        );
    }
    if let Some((dx, dy)) = pc.disagreement.filter(|(x, y)| finite(*x) && finite(*y)) {
        let (x, y) = (p.x.map(dx), p.y.map(dy));
        d.rect(
            x,
            p.top,
            p.right - x,
            y - p.top,
            r##"fill="#009E73" fill-opacity="0.06""##,
        );
        d.line(
            x,
            p.top,
            x,
            p.bottom,
            r##"stroke="#009E73" stroke-width="1" stroke-dasharray="4 3""##,
        );
        d.line(
            p.left,
            y,
            p.right,
            y,
            r##"stroke="#009E73" stroke-width="1" stroke-dasharray="4 3""##,
        );
        let _ = write!(
            d.out,
            r##"<path d="M{} {}l8 8m0 -8l-8 8" stroke="#009E73" stroke-width="2.5"><title>{}</title></path>"##,
            c(x - 4.0),
            c(y - 4.0),
            escape(&format!(
                "No deal: {} {}, {} {}",
                pc.x_label,
                num(dx, 3),
                pc.y_label,
                num(dy, 3)
            ))
        );
        d.text(
            x + 6.0,
            y + 14.0,
            r##"font-size="11" fill="#00734f""##,
            "no deal",
        );
        d.text(
            p.right - 4.0,
            p.top + 14.0,
            r##"font-size="11" text-anchor="end" fill="#00734f""##,
            "both better off than no deal",
        );
    }
    d.raw(r##"<g fill="#7a7a7a" fill-opacity="0.35">"##);
    for (x, y) in &cloud {
        let _ = write!(
            d.out,
            r#"<circle cx="{}" cy="{}" r="2.2"/>"#,
            c(p.x.map(*x)),
            c(p.y.map(*y))
        );
    }
    d.raw("</g>");
    if !front.is_empty() {
        let fp: Vec<(f64, f64)> = front
            .iter()
            .map(|(x, y)| (p.x.map(*x), p.y.map(*y)))
            .collect();
        let _ = write!(
            d.out,
            r#"<g><title>Pareto frontier: {} packages</title><polyline points="{}" fill="none" stroke="{INK}" stroke-width="1.8"/>"#,
            front.len(),
            points(&fp)
        );
        for (x, y) in &fp {
            let _ = write!(
                d.out,
                r#"<circle cx="{}" cy="{}" r="3.2" fill="{INK}"/>"#,
                c(*x),
                c(*y)
            );
        }
        d.raw("</g>");
    }
    // Group coincident solutions.
    let mut groups: Vec<(f64, f64, Vec<&LabelledPoint>)> = Vec::new();
    for s in pc.solutions.iter().filter(|s| finite(s.x) && finite(s.y)) {
        match groups
            .iter_mut()
            .find(|g| (g.0 - s.x).abs() < 1e-6 && (g.1 - s.y).abs() < 1e-6)
        {
            Some(g) => g.2.push(s),
            None => groups.push((s.x, s.y, vec![s])),
        }
    }
    let ys: Vec<f64> = groups.iter().map(|g| p.y.map(g.1)).collect();
    let placed = spread(&ys, 30.0, p.top, p.bottom);
    let lx = p.right + 16.0;
    for (k, (g, ly)) in groups.iter().zip(placed).enumerate() {
        let (colour, _) = series_style(k);
        let (px, py) = (p.x.map(g.0), p.y.map(g.1));
        let label =
            g.2.iter()
                .map(|s| s.label.as_str())
                .collect::<Vec<_>>()
                .join(" = ");
        let detail =
            g.2.iter()
                .map(|s| format!("{}: {}", s.label, s.detail))
                .collect::<Vec<_>>()
                .join("\n");
        let tip = format!(
            "{} ({} {}, {} {})\n{}",
            label,
            pc.x_label,
            num(g.0, 3),
            pc.y_label,
            num(g.1, 3),
            detail
        );
        let _ = write!(d.out, "<g><title>{}</title>", escape(tip.trim_end()));
        d.line(
            px,
            py,
            lx - 4.0,
            ly,
            &format!(r#"stroke="{colour}" stroke-width="1" stroke-opacity="0.8""#),
        );
        let _ = write!(
            d.out,
            r##"<circle cx="{}" cy="{}" r="6.5" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##,
            c(px),
            c(py)
        );
        let lines = wrap(&label, 11.0, label_col - 16.0, 2);
        for (li, line) in lines.iter().enumerate() {
            d.text(
                lx,
                ly + 4.0 + 13.0 * li as f64,
                &format!(r#"font-size="11" font-weight="600" fill="{colour}""#),
                line,
            );
        }
        d.text(
            lx,
            ly + 4.0 + 13.0 * lines.len() as f64,
            &format!(r#"font-size="10" fill="{MUTED}""#),
            &format!("({}, {})", num(g.0, 2), num(g.1, 2)),
        );
        d.raw("</g>");
    }
    d.finish()
}

// ---------------------------------------------------------------------------------------------
// Simulation trace

/// A simulated negotiation: the utility of every offer to every party.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TraceChart {
    pub title: String,
    pub subtitle: String,
    /// Usually "Round".
    pub x_label: String,
    pub parties: Vec<TraceParty>,
    pub offers: Vec<TraceOffer>,
    /// Index into `offers` of the offer that was accepted, if any.
    pub agreement: Option<usize>,
}

/// A negotiator in a [`TraceChart`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TraceParty {
    pub name: String,
    /// Utility of no agreement, drawn as a dashed line in the party's colour.
    pub reservation: Option<f64>,
}

/// One offer: when it was made, by whom, and what it is worth to each party.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TraceOffer {
    /// x position (round number, possibly fractional for alternating turns).
    pub time: f64,
    /// Index into `parties` of the proposer.
    pub proposer: usize,
    /// `utilities[p]` is the offer's utility to party `p`.
    pub utilities: Vec<f64>,
}

/// Draw a negotiation trace: one line per party of the utility (to that party) of each offer
/// in turn; filled markers are the party's own offers, hollow ones its opponents'.
pub fn trace(tc: &TraceChart) -> String {
    if tc.parties.is_empty() || tc.offers.is_empty() {
        return no_data(&tc.title, "No offers to show.");
    }
    let t_lo = tc
        .offers
        .iter()
        .map(|o| o.time)
        .filter(|t| finite(*t))
        .fold(f64::INFINITY, f64::min);
    let t_hi = tc
        .offers
        .iter()
        .map(|o| o.time)
        .filter(|t| finite(*t))
        .fold(f64::NEG_INFINITY, f64::max);
    let (t_lo, t_hi) = if t_lo.is_finite() && t_hi > t_lo {
        (t_lo, t_hi)
    } else {
        (0.0, 1.0)
    };
    let width = 720.0;
    let label_cap = 120.0;
    let lab_w = tc
        .parties
        .iter()
        .map(|s| text_width(&s.name, 11.0))
        .fold(0.0, f64::max)
        .min(label_cap);
    let top = if tc.subtitle.is_empty() { 64.0 } else { 80.0 };
    let height = top + 280.0 + 48.0;
    let p0 = Plot {
        left: 62.0,
        right: width - lab_w - 26.0,
        top,
        bottom: top + 280.0,
        x: Linear::new((0.0, 0.0), (0.0, 0.0)),
        y: Linear::new((0.0, 0.0), (0.0, 0.0)),
    };
    let p = Plot {
        x: Linear::new((t_lo, t_hi), (p0.left + 6.0, p0.right - 6.0)),
        y: Linear::new((0.0, 1.0), (p0.bottom - 4.0, p0.top + 4.0)),
        ..p0
    };
    let desc = format!(
        "Negotiation trace: {} offers between {}. Each line is the utility of every offer to one party; {}.",
        tc.offers.len(),
        tc.parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" and "),
        match tc.agreement.and_then(|a| tc.offers.get(a)) {
            Some(o) => format!("agreement at {} {}", tc.x_label.to_lowercase(), num(o.time, 1)),
            None => "no agreement".into(),
        }
    );
    let mut d = Doc::new(width, height, &tc.title, &desc);
    title_text(&mut d, &tc.title, Some(&tc.subtitle));
    // Legend for markers.
    let ly = top - 16.0;
    let _ = write!(
        d.out,
        r#"<circle cx="{}" cy="{}" r="3.5" fill="{MUTED}"/>"#,
        c(p.left + 4.0),
        c(ly - 4.0)
    );
    d.text(
        p.left + 12.0,
        ly,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "own offer",
    );
    let _ = write!(
        d.out,
        r##"<circle cx="{}" cy="{}" r="3.5" fill="#ffffff" stroke="{MUTED}" stroke-width="1.5"/>"##,
        c(p.left + 84.0),
        c(ly - 4.0)
    );
    d.text(
        p.left + 92.0,
        ly,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "opponent's offer",
    );
    d.line(
        p.left + 196.0,
        ly - 4.0,
        p.left + 222.0,
        ly - 4.0,
        &format!(r#"stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="5 3""#),
    );
    d.text(
        p.left + 228.0,
        ly,
        &format!(r#"font-size="11" fill="{MUTED}""#),
        "reservation (no deal)",
    );
    let span = t_hi - t_lo;
    let xticks: Vec<Tick> = nice_ticks(t_lo, t_hi, 8)
        .into_iter()
        .map(|v| Tick {
            at: v,
            label: num(v, if span < 5.0 { 1 } else { 0 }),
        })
        .collect();
    let yticks = Axis::unit().resolved_ticks(5);
    axes(&mut d, &p, &xticks, &yticks, &tc.x_label, "Utility", 40.0);
    let agreed = tc.agreement.and_then(|a| tc.offers.get(a));
    if let Some(o) = agreed.filter(|o| finite(o.time)) {
        let x = p.x.map(o.time);
        d.line(
            x,
            p.top,
            x,
            p.bottom,
            &format!(r#"stroke="{INK}" stroke-width="1" stroke-dasharray="2 2""#),
        );
        d.text(
            x - 4.0,
            p.top + 12.0,
            &format!(r#"font-size="11" text-anchor="end" fill="{INK}""#),
            "agreement",
        );
    }
    let mut ends = Vec::new();
    for (pi, party) in tc.parties.iter().enumerate() {
        let (colour, dash) = series_style(pi);
        if let Some(r) = party.reservation.filter(|r| finite(*r)) {
            let y = p.y.map(r);
            let _ = write!(
                d.out,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 3" stroke-opacity="0.8"><title>{}</title></line>"#,
                c(p.left),
                c(p.right),
                escape(&format!(
                    "{}: reservation utility {}",
                    party.name,
                    num(r, 3)
                )),
                y = c(y)
            );
        }
        let pts: Vec<(f64, f64, bool, usize)> = tc
            .offers
            .iter()
            .enumerate()
            .filter_map(|(k, o)| {
                let u = *o.utilities.get(pi)?;
                (finite(u) && finite(o.time))
                    .then(|| (p.x.map(o.time), p.y.map(u), o.proposer == pi, k))
            })
            .collect();
        if pts.is_empty() {
            continue;
        }
        let dash_attr = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let _ = write!(
            d.out,
            r#"<g><title>{}</title>"#,
            escape(&format!("Utility to {} of each offer", party.name))
        );
        let line: Vec<(f64, f64)> = pts.iter().map(|(x, y, _, _)| (*x, *y)).collect();
        let _ = write!(
            d.out,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.6" stroke-opacity="0.85"{dash_attr}/>"#,
            points(&line)
        );
        let r = if pts.len() > 120 { 1.8 } else { 3.2 };
        for (x, y, own, k) in &pts {
            let o = &tc.offers[*k];
            let proposer = tc
                .parties
                .get(o.proposer)
                .map(|p| p.name.as_str())
                .unwrap_or("?");
            let tip = format!(
                "{} {}: offer by {}, utility to {} {}",
                tc.x_label,
                num(o.time, 2),
                proposer,
                party.name,
                num(o.utilities[pi], 3)
            );
            let fill = if *own { colour } else { "#ffffff" };
            let _ = write!(
                d.out,
                r#"<circle cx="{}" cy="{}" r="{r}" fill="{fill}" stroke="{colour}" stroke-width="1.4"><title>{}</title></circle>"#,
                c(*x),
                c(*y),
                escape(&tip)
            );
        }
        d.raw("</g>");
        let last = pts.last().unwrap();
        ends.push((last.1, party.name.clone(), colour));
    }
    if let Some(o) = agreed {
        for (pi, _) in tc.parties.iter().enumerate() {
            if let Some(u) = o.utilities.get(pi).filter(|u| finite(**u)) {
                let (x, y) = (p.x.map(o.time), p.y.map(*u));
                star(&mut d, x, y, 7.0, series_style(pi).0);
            }
        }
    }
    let ys: Vec<f64> = ends.iter().map(|e| e.0).collect();
    let placed = spread(&ys, 13.0, p.top, p.bottom);
    for (e, y) in ends.iter().zip(placed) {
        d.text_tip(
            p.right + 10.0,
            y + 4.0,
            &format!(r#"font-size="11" font-weight="600" fill="{}""#, e.2),
            &truncate(&e.1, 11.0, label_cap),
            &e.1,
        );
    }
    d.finish()
}

fn star(d: &mut Doc, x: f64, y: f64, r: f64, fill: &str) {
    let mut path = String::new();
    for k in 0..10 {
        let rr = if k % 2 == 0 { r } else { r * 0.45 };
        let a = std::f64::consts::PI * (k as f64) / 5.0 - std::f64::consts::FRAC_PI_2;
        let _ = write!(
            path,
            "{}{} {}",
            if k == 0 { "M" } else { "L" },
            c(x + rr * a.cos()),
            c(y + rr * a.sin())
        );
    }
    let _ = write!(
        d.out,
        r##"<path d="{path}Z" fill="{fill}" stroke="#ffffff" stroke-width="1"/>"##
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(svg: &str) -> roxmltree::Document<'_> {
        match roxmltree::Document::parse(svg) {
            Ok(d) => d,
            Err(e) => panic!("ill-formed SVG: {e}\n{svg}"),
        }
    }

    fn texts(doc: &roxmltree::Document) -> String {
        doc.descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("|")
    }

    const HOSTILE: &str = "<script>alert('x')</script> & \"quotes\" \u{1}";

    pub(crate) fn sample_heat() -> HeatMap {
        HeatMap {
            title: "Who wants what".into(),
            rows: vec!["Ukraine".into(), HOSTILE.into(), "United States".into()],
            columns: vec!["Territory in Donbas".into(), "NATO".into()],
            cells: vec![
                vec![
                    Some(HeatCell {
                        position: Some(0.0),
                        salience: Some(95.0),
                        tooltip: "Ukraine on Donbas".into(),
                        red_line: true,
                        category: None,
                        link: None,
                    }),
                    Some(HeatCell {
                        position: Some(0.0),
                        salience: Some(80.0),
                        tooltip: HOSTILE.into(),
                        red_line: false,
                        category: None,
                        link: None,
                    }),
                ],
                vec![
                    Some(HeatCell {
                        position: Some(100.0),
                        salience: None,
                        tooltip: "x".into(),
                        red_line: false,
                        category: None,
                        link: None,
                    }),
                    None,
                ],
                vec![Some(HeatCell {
                    position: None,
                    salience: Some(40.0),
                    tooltip: "draft".into(),
                    red_line: false,
                    category: None,
                    link: None,
                })],
            ],
            low_label: "0 / first option".into(),
            high_label: "100 / last option".into(),
        }
    }

    #[test]
    fn heat_map_is_well_formed_and_escapes() {
        let svg = heat_map(&sample_heat());
        let doc = parse(&svg);
        assert!(!svg.contains("<script"));
        assert!(
            texts(&doc).contains("<script>alert('x')</script>"),
            "the hostile name is shown as text"
        );
        // One square per stance (4 stances) besides legend squares.
        let squares = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.children().any(|c| c.has_tag_name("title")))
            .count();
        assert_eq!(squares, 4);
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
    }

    #[test]
    fn salience_sets_area() {
        let mut h = sample_heat();
        h.rows.truncate(1);
        h.cells = vec![vec![
            Some(HeatCell {
                position: Some(50.0),
                salience: Some(100.0),
                tooltip: "a".into(),
                red_line: false,
                category: None,
                link: None,
            }),
            Some(HeatCell {
                position: Some(50.0),
                salience: Some(25.0),
                tooltip: "b".into(),
                red_line: false,
                category: None,
                link: None,
            }),
        ]];
        let svg = heat_map(&h);
        let doc = parse(&svg);
        let sides: Vec<f64> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.children().any(|c| c.has_tag_name("title")))
            .map(|n| n.attribute("width").unwrap().parse().unwrap())
            .collect();
        assert_eq!(sides.len(), 2);
        assert!(
            (sides[0] / sides[1] - 2.0).abs() < 0.05,
            "area ∝ salience: {sides:?}"
        );
    }

    #[test]
    fn unordered_options_are_labelled_not_coloured() {
        let mut h = sample_heat();
        h.rows.truncate(1);
        h.cells = vec![vec![Some(HeatCell {
            position: Some(100.0),
            salience: Some(50.0),
            tooltip: "a".into(),
            red_line: false,
            category: Some("3".into()),
            link: None,
        })]];
        let svg = heat_map(&h);
        let doc = parse(&svg);
        let square = doc
            .descendants()
            .find(|n| n.has_tag_name("rect") && n.children().any(|c| c.has_tag_name("title")))
            .unwrap();
        assert_eq!(square.attribute("fill"), Some("#d9d9d9"));
        assert!(doc
            .descendants()
            .any(|n| n.has_tag_name("text") && n.text() == Some("3")));
        assert!(texts(&doc).contains("option number"));
    }

    #[test]
    fn position_colour_ends() {
        assert_eq!(position_colour(0.0), "#5e3c99");
        assert_eq!(position_colour(1.0), "#e66101");
        assert_eq!(position_colour(f64::NAN), position_colour(0.5));
    }

    #[test]
    fn trajectories_draw_each_series() {
        let t = TrajectoryChart {
            title: "Donbas".into(),
            subtitle: "compromise model".into(),
            x_label: "Round".into(),
            y_label: "Position".into(),
            y_axis: Axis::scale_0_100(),
            guides: vec![Tick {
                at: 50.0,
                label: "frozen line".into(),
            }],
            series: vec![
                Series {
                    name: "Ukraine".into(),
                    values: vec![0.0, 10.0, 20.0],
                    emphasis: false,
                },
                Series {
                    name: HOSTILE.into(),
                    values: vec![100.0, f64::NAN, 80.0],
                    emphasis: false,
                },
                Series {
                    name: "Forecast".into(),
                    values: vec![50.0, 48.0, 47.0],
                    emphasis: true,
                },
            ],
        };
        let svg = trajectories(&t);
        let doc = parse(&svg);
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("NaN"));
        let polylines = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .count();
        assert_eq!(
            polylines, 2,
            "the NaN splits one series into two single points"
        );
        let thick = doc
            .descendants()
            .filter(|n| n.attribute("stroke-width") == Some("3.5"))
            .count();
        assert_eq!(thick, 1);
        assert!(texts(&doc).contains("Forecast"));
    }

    #[test]
    fn bands_have_one_group_per_row() {
        let b = BandChart {
            title: "Monte Carlo".into(),
            subtitle: String::new(),
            x_label: "Position".into(),
            x_axis: Axis::scale_0_100(),
            rows: vec![
                BandRow {
                    label: "Donbas".into(),
                    p5: 30.0,
                    p25: 40.0,
                    p50: 45.0,
                    p75: 50.0,
                    p95: 60.0,
                    marker: Some(44.0),
                },
                BandRow {
                    label: HOSTILE.into(),
                    p5: f64::NAN,
                    p25: 0.0,
                    p50: 0.0,
                    p75: 0.0,
                    p95: 0.0,
                    marker: None,
                },
            ],
        };
        let svg = distribution_bands(&b);
        let doc = parse(&svg);
        let groups = doc.descendants().filter(|n| n.has_tag_name("g")).count();
        assert_eq!(groups, 1);
        assert!(texts(&doc).contains("no data"));
    }

    #[test]
    fn pareto_groups_coincident_solutions() {
        let pc = ParetoChart {
            title: "Deal space".into(),
            subtitle: String::new(),
            x_label: "Utility to Ukraine".into(),
            y_label: "Utility to Russia".into(),
            points: (0..200)
                .map(|k| ((k % 20) as f64 / 20.0, (k / 20) as f64 / 10.0))
                .collect(),
            frontier: vec![(0.9, 0.2), (0.2, 0.9), (0.6, 0.6)],
            solutions: vec![
                LabelledPoint {
                    label: "Nash".into(),
                    x: 0.6,
                    y: 0.6,
                    detail: "package A".into(),
                },
                LabelledPoint {
                    label: "Kalai–Smorodinsky".into(),
                    x: 0.6,
                    y: 0.6,
                    detail: "package A".into(),
                },
                LabelledPoint {
                    label: HOSTILE.into(),
                    x: 0.9,
                    y: 0.2,
                    detail: HOSTILE.into(),
                },
            ],
            disagreement: Some((0.3, 0.35)),
        };
        let svg = pareto(&pc);
        let doc = parse(&svg);
        let t = texts(&doc);
        assert!(t.contains("Nash = Kalai–Smorodinsky"), "{t}");
        let big = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("r") == Some("6.5"))
            .count();
        assert_eq!(big, 2);
        let faint = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("r") == Some("2.2"))
            .count();
        assert_eq!(faint, 200);
    }

    #[test]
    fn pareto_thins_huge_clouds() {
        let pc = ParetoChart {
            points: (0..200_000)
                .map(|k| ((k % 1000) as f64 / 1000.0, (k / 1000) as f64 / 200.0))
                .collect(),
            ..Default::default()
        };
        let svg = pareto(&pc);
        let doc = parse(&svg);
        let faint = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("r") == Some("2.2"))
            .count();
        assert_eq!(faint, MAX_SCATTER_POINTS);
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
    }

    #[test]
    fn trace_marks_own_offers_and_agreement() {
        let tc = TraceChart {
            title: "Boulware vs conceder".into(),
            subtitle: String::new(),
            x_label: "Round".into(),
            parties: vec![
                TraceParty {
                    name: "Ukraine".into(),
                    reservation: Some(0.3),
                },
                TraceParty {
                    name: "Russia".into(),
                    reservation: None,
                },
            ],
            offers: (0..6)
                .map(|k| TraceOffer {
                    time: k as f64 / 2.0,
                    proposer: k % 2,
                    utilities: vec![1.0 - k as f64 * 0.1, 0.2 + k as f64 * 0.1],
                })
                .collect(),
            agreement: Some(5),
        };
        let svg = trace(&tc);
        let doc = parse(&svg);
        let filled = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(PALETTE[0]))
            .count();
        assert_eq!(filled, 3, "Ukraine made 3 of the 6 offers");
        assert!(texts(&doc).contains("agreement"));
    }

    #[test]
    fn empty_inputs_say_no_data() {
        for svg in [
            heat_map(&HeatMap::default()),
            trajectories(&TrajectoryChart::default()),
            distribution_bands(&BandChart::default()),
            pareto(&ParetoChart::default()),
            trace(&TraceChart::default()),
        ] {
            let doc = parse(&svg);
            assert!(texts(&doc).contains("No "), "{svg}");
        }
    }
}
