//! detente-report: charts as SVG and self-contained reports of a scenario's analysis.
//!
//! - [`charts`]: pure functions from plain data structs to standalone SVG strings (heat map,
//!   forecast trajectories, Monte Carlo bands, Pareto scatter, simulation trace). Used by the
//!   report and by the web workbench (`detente-server`).
//! - [`report`]: builds the report of a [`detente_scenario::Scenario`] — summary, actors,
//!   issues, heat map, the forecast per issue (detente-forecast), the deal space
//!   (detente-deals) and the evidence behind every stance — as a [`render::Document`].
//! - [`render`]: turns a document into one self-contained HTML file (inline CSS and SVG, no
//!   scripts, a Content Security Policy that forbids network requests) or into Markdown with
//!   the charts as SVG files beside it.
//! - [`v2`]: the scenario-v2 sections (who moved between dates, splits, linkages).
//! - [`svg`]: the low-level helpers the charts use (escaping, scales, ticks, text layout).
//!
//! ```no_run
//! let loaded = detente_scenario::load(std::path::Path::new("scenarios/ukraine-2025.toml"));
//! let doc = detente_report::report::build(&loaded.scenario, &Default::default());
//! std::fs::write("report.html", detente_report::render::html(&doc)).unwrap();
//! ```

pub mod charts;
pub mod render;
pub mod report;
pub mod svg;
pub mod v2;

pub use render::{Block, Document};
pub use report::{build, ReportOptions};
