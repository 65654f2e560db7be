//! `detente advise` — being built (see the issue tracker); replaced by the real command.
use crate::common::{CliError, CmdResult};

#[derive(clap::Args)]
pub struct Args {
    /// Inputs
    pub inputs: Vec<std::path::PathBuf>,
}

pub fn run(_args: Args) -> CmdResult {
    Err(CliError::failure("`detente advise` is not built yet"))
}
