//! Built-in example data.

use crate::problem::Problem;

/// The BDM 1994 emission standards example (Scholz et al. 2011, Table 1), as shipped in
/// `data/bdm1994.csv`.
pub const BDM1994_CSV: &str = include_str!("../data/bdm1994.csv");

/// The BDM 1994 example as a one-issue [`Problem`] (salience in [0, 1], known outcome 8.833).
pub fn bdm1994() -> Problem {
    crate::io::read_table("bdm1994.csv", BDM1994_CSV).expect("built-in data parses")
}
