//! A space too large to count is refused with a readable message (issue #15).

use detente_deals::{analyse, DealOptions};
use detente_space::{Domain, LinearAdditive, OutcomeSpace, Party, SpaceIssue};

#[test]
fn a_space_beyond_u64_is_refused_without_printing_u64_max() {
    // 25 issues of 10 values: 10^25 packages, more than u64 can count.
    let issues: Vec<SpaceIssue> = (0..25)
        .map(|i| SpaceIssue::new(format!("i{i}"), (0..10).map(|v| v.to_string())))
        .collect();
    let party = |name: &str| Party {
        name: name.into(),
        utility: LinearAdditive::new(vec![0.04; 25], vec![vec![0.5; 10]; 25]),
    };
    let d = Domain {
        name: "huge".into(),
        space: OutcomeSpace::new(issues),
        parties: vec![party("a"), party("b")],
    };
    let e = analyse(&d, &DealOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("more than 18446744073709551614 packages"), "{e}");
    assert!(!e.contains("18446744073709551615"), "{e}");
}
