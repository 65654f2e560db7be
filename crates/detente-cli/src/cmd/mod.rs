//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> CmdResult`.
pub mod advise;
pub mod backtest;
pub mod check;
pub mod deals;
pub mod extract;
pub mod forecast;
pub mod report;
pub mod serve;
pub mod show;
pub mod simulate;
pub mod timeline;
pub mod tournament;
