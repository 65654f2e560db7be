//! Reading the GENIUS reference domains (../shared/reference/genius, relative to the repo).

use detente_space::{Domain, SpaceIssue};
use std::path::PathBuf;

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/genius")
        .join(name)
}

#[test]
fn every_reference_domain_loads_with_the_documented_size() {
    let expected: &[(&str, usize, Option<u64>)] = &[
        ("LaptopC", 2, Some(27)),
        ("ItexvsCypress", 2, Some(180)),
        ("EnglandZimbabwe", 2, Some(576)),
        ("Travel", 2, Some(188_160)),
        ("AMPOvsCity", 2, Some(1_944_000)),
        ("group2-dinner", 3, Some(1_200)),
        ("group2-politics", 3, None),
        ("AgentLightSmartGrid", 3, Some(625)),
        ("parsCat", 3, Some(390_625)),
        ("AgentHp2", 3, Some(5_764_801)),
        ("IntegerDomain", 2, None),
    ];
    for &(name, parties, outcomes) in expected {
        let d = Domain::from_genius(&reference(name)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(d.parties.len(), parties, "{name}");
        if let Some(n) = outcomes {
            assert_eq!(d.space.cardinality(), n, "{name}");
        }
        d.validate().unwrap();
        for p in &d.parties {
            for vals in &p.utility.values {
                assert!(
                    vals.iter().all(|v| (0.0..=1.0).contains(v)),
                    "{name}/{}",
                    p.name
                );
            }
        }
    }
}

#[test]
fn parties_are_profile_files_sorted_by_name() {
    let d = Domain::from_genius(&reference("AMPOvsCity")).unwrap();
    let names: Vec<_> = d.parties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["ampo_vs_city_ampo_space", "ampo_vs_city_city_space"]
    );
    let d = Domain::from_genius(&reference("AgentHp2")).unwrap();
    let names: Vec<_> = d.parties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["consumer", "producer", "provider"]);
}

#[test]
fn discrete_values_are_divided_by_the_issue_maximum() {
    let d = Domain::from_genius(&reference("LaptopC")).unwrap();
    let p1 = &d.parties[0].utility; // Laptop-C-prof1: Dell 12, Macintosh 20, HP 30
    assert_eq!(p1.values[0], vec![12.0 / 30.0, 20.0 / 30.0, 1.0]);
    // Weights sum to 1.000052: the best package is capped at 1 ...
    assert_eq!(p1.utility(&[2, 0, 0]), 1.0);
    // ... and is 1.000052 without the cap.
    let mut uncapped = p1.clone();
    uncapped.cap_at_one = false;
    assert!((uncapped.utility(&[2, 0, 0]) - 1.000052).abs() < 1e-6);
    assert_eq!(p1.discount, None);
    assert_eq!(p1.reservation, 0.0);
}

#[test]
fn repeated_discrete_values_keep_the_last_evaluation_like_genius() {
    // ampo profile lists value "0" of the first issue twice (evaluation 0, then 8).
    let d = Domain::from_genius(&reference("AMPOvsCity")).unwrap();
    let ampo = &d.parties[0].utility;
    assert!((ampo.values[0][0] - 0.08).abs() < 1e-12);
}

#[test]
fn integer_issues_use_clamped_offset_plus_slope() {
    let d = Domain::from_genius(&reference("IntegerDomain")).unwrap();
    assert_eq!(
        d.space.issues[0].values.first().map(String::as_str),
        Some("-5")
    );
    assert_eq!(d.space.cardinality(), 121);
    let p1 = &d.parties[0].utility; // price: offset 0.3, slope 0.08 from lowerbound -5
    assert!((p1.values[0][0] - 0.3).abs() < 1e-12);
    assert!((p1.values[0][5] - 0.7).abs() < 1e-12);
    assert_eq!(p1.values[0][10], 1.0); // 1.1 clamped
                                       // discount_factor 0.0 means no discounting
    assert_eq!(p1.discount, None);
    let d = Domain::from_genius(&reference("AgentHp2")).unwrap();
    let consumer = &d.parties[0].utility; // offset 1, slope -0.15, 8..14
    assert!((consumer.values[0][6] - 0.1).abs() < 1e-12);
}

#[test]
fn malformed_xml_is_a_located_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("domain.xml"), "<negotiation_template>\n<utility_space>\n<issue name=\"a\" etype=\"discrete\">\n<item value=\"x\"/>\n</utility_space>\n").unwrap();
    std::fs::write(dir.path().join("p.xml"), "<utility_space></utility_space>").unwrap();
    let errs = Domain::from_genius(dir.path()).unwrap_err();
    let e = &errs[0];
    assert!(e.file.ends_with("domain.xml"), "{e}");
    assert!(e.line.is_some(), "{e}");
    assert!(e.to_string().contains("domain.xml:"), "{e}");
}

#[test]
fn missing_weight_and_missing_evaluation_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("domain.xml"),
        r#"<negotiation_template><utility_space><objective index="0">
<issue index="1" name="a" etype="discrete"><item index="1" value="x"/><item index="2" value="y"/></issue>
</objective></utility_space></negotiation_template>"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p.xml"),
        r#"<utility_space><objective index="0">
<issue index="1" name="a" etype="discrete"><item index="1" value="x" evaluation="1"/></issue>
</objective></utility_space>"#,
    )
    .unwrap();
    let errs = Domain::from_genius(dir.path()).unwrap_err();
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(text.iter().any(|t| t.contains("weight")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("`y`")), "{text:?}");
    assert!(text.iter().all(|t| t.contains("p.xml:2:")), "{text:?}");
}

#[test]
fn not_a_folder_is_an_error() {
    let errs = Domain::from_genius(&reference("does-not-exist")).unwrap_err();
    assert!(errs[0].to_string().contains("cannot read"));
}

#[test]
fn write_then_read_preserves_utilities() {
    let d = Domain::from_genius(&reference("EnglandZimbabwe")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    d.write_genius(dir.path()).unwrap();
    let back = Domain::from_genius(dir.path()).unwrap();
    assert_eq!(back.space.cardinality(), d.space.cardinality());
    let issue_names: Vec<&str> = back
        .space
        .issues
        .iter()
        .map(|i: &SpaceIssue| i.name.as_str())
        .collect();
    assert_eq!(
        issue_names,
        d.space
            .issues
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
    );
    for (a, b) in d.parties.iter().zip(&back.parties) {
        assert_eq!(a.name, b.name);
        for o in d.space.iter() {
            assert!((a.utility.utility(&o) - b.utility.utility(&o)).abs() < 1e-12);
        }
    }
}

#[test]
fn absurdly_deep_xml_is_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let deep = "<a>".repeat(100_000) + &"</a>".repeat(100_000);
    std::fs::write(dir.path().join("domain.xml"), deep).unwrap();
    let errs = Domain::from_genius(dir.path()).unwrap_err();
    assert!(errs[0].to_string().contains("nested"), "{}", errs[0]);
}
