//! detente-report: charts as SVG and self-contained reports of a scenario's analysis.
//!
//! - [`charts`]: pure functions from plain data structs to standalone SVG strings (heat map,
//!   forecast trajectories, Monte Carlo bands, Pareto scatter, simulation trace). Used by the
//!   report and by the web workbench (`detente-server`).
//! - [`svg`]: the low-level helpers the charts use (escaping, scales, ticks, text layout).

pub mod charts;
pub mod svg;
