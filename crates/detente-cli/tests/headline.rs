//! The forecast headline through the CLI: every issue of a scenario is forecast, red lines are
//! respected and veto red lines marked, fragile answers carry reasons, drafts are refused or
//! marked, the table fits 100 columns, and the same seed gives the same headline.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn flagship() -> PathBuf {
    root().join("scenarios/ukraine-2025.toml")
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

fn run_json(args: &[&str]) -> Value {
    let out = detente().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn forecast_json(input: &Path, extra: &[&str]) -> Value {
    let mut a = vec!["forecast", input.to_str().unwrap(), "--format", "json"];
    a.extend_from_slice(extra);
    run_json(&a)
}

/// The scenario as `detente show` sees it.
fn show(input: &Path) -> Value {
    run_json(&["show", input.to_str().unwrap(), "--format", "json"])
}

#[test]
fn every_issue_of_the_scenario_has_a_headline() {
    let f = flagship();
    let sc = show(&f);
    let v = forecast_json(&f, &["--monte-carlo", "200"]);
    let issues = v["issues"].as_array().unwrap();
    let want: Vec<&str> = sc["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let got: Vec<&str> = issues.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(got, want, "every issue, in the scenario's order");
    for (i, si) in issues.iter().zip(sc["issues"].as_array().unwrap()) {
        let id = &i["id"];
        let h = &i["headline"];
        assert!(
            h["stability"] == "stable" || h["stability"] == "fragile",
            "{id}"
        );
        assert!(h["reasons"].is_array(), "{id}");
        if si["type"] == "scale" {
            let x = i["forecast"]
                .as_f64()
                .unwrap_or_else(|| panic!("{id}: forecast"));
            assert!((0.0..=100.0).contains(&x));
            assert_eq!(h["forecast"], i["forecast"]);
            let [lo, hi] = [
                h["band"][0].as_f64().unwrap(),
                h["band"][1].as_f64().unwrap(),
            ];
            assert!(lo <= hi, "{id}: band");
        } else {
            let probs = i["probabilities"].as_object().unwrap();
            let sum: f64 = probs.values().map(|p| p.as_f64().unwrap()).sum();
            assert!((sum - 1.0).abs() < 1e-6, "{id}: probabilities sum to {sum}");
            let opt = i["option"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: option"));
            let ids: Vec<&str> = si["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap())
                .collect();
            assert!(ids.contains(&opt), "{id}: {opt} is an option");
            assert_eq!(probs.len(), ids.len(), "{id}: a probability per option");
        }
        if h["stability"] == "fragile" {
            assert!(
                !h["reasons"].as_array().unwrap().is_empty(),
                "{id}: fragile without a reason"
            );
        } else {
            assert!(h["reasons"].as_array().unwrap().is_empty(), "{id}");
        }
    }
}

/// Whether a headline lies past a red line given as `show` prints it (scale: a number on the
/// side away from the position; options: rejected option ids).
fn past(stance: &Value, issue: &Value, headline: &Value) -> bool {
    if let Some(line) = stance["red_line"].as_f64() {
        let (x, pos) = (
            headline["forecast"].as_f64().unwrap(),
            stance["position"].as_f64().unwrap(),
        );
        let x = (x * 10.0).round() / 10.0;
        return if pos <= line {
            x > line + 1e-9
        } else {
            x < line - 1e-9
        };
    }
    match (stance["rejects"].as_array(), headline["option"].as_str()) {
        (Some(r), Some(opt)) => r.iter().any(|o| o == opt) && issue["type"] == "options",
        _ => false,
    }
}

#[test]
fn no_headline_lies_past_a_veto_players_red_line_unmarked() {
    let f = flagship();
    let sc = show(&f);
    let veto: Vec<&str> = sc["decision"]["veto_players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let v = forecast_json(&f, &["--monte-carlo", "200"]);
    let (mut marked, mut checked) = (0, 0);
    for (i, si) in v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .zip(sc["issues"].as_array().unwrap())
    {
        for st in sc["stances"].as_array().unwrap() {
            let actor = st["actor"].as_str().unwrap();
            if st["issue"] != i["id"] || !veto.contains(&actor) {
                continue;
            }
            checked += usize::from(st["red_line"].is_number() || st["rejects"].is_array());
            if past(st, si, &i["headline"]) {
                let by: Vec<&str> = i["headline"]["vetoed_by"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap())
                    .collect();
                assert!(
                    by.contains(&actor),
                    "{}: past {actor}'s red line unmarked",
                    i["id"]
                );
                let p = i["headline"]["p_no_agreement"].as_f64().unwrap();
                assert!((0.0..=1.0).contains(&p));
                assert_eq!(i["headline"]["stability"], "fragile");
                marked += 1;
            }
        }
    }
    assert!(
        checked >= 1,
        "the flagship's veto players have red lines to check"
    );
    eprintln!("{checked} veto red lines checked, {marked} headline(s) past one (all marked)");
}

#[test]
fn dynamic_models_never_move_an_actor_past_its_red_line_unless_unconstrained() {
    let f = flagship();
    // (issue, actor, red line, which side is acceptable) in the flagship: Ukraine accepts no
    // more than 50 on territory and no army limits at all; Russia no less than 50 on territory.
    let lines = [
        ("donbas", "ukraine", 50.0, Side::AtMost),
        ("donbas", "russia", 50.0, Side::AtLeast),
        ("army_limits", "ukraine", 0.0, Side::AtMost),
    ];
    let worst = |v: &Value, model: &str, issue: &str, actor: &str, side: Side| -> f64 {
        let i = v["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == issue)
            .unwrap();
        let xs = i["models"][model]["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["positions"][actor].as_f64().unwrap());
        match side {
            Side::AtMost => xs.fold(f64::MIN, f64::max),
            Side::AtLeast => xs.fold(f64::MAX, f64::min),
        }
    };
    let args = ["--model", "eum,smp", "--monte-carlo", "20"];
    let on = forecast_json(&f, &args);
    let mut a = args.to_vec();
    a.push("--unconstrained");
    let off = forecast_json(&f, &a);
    let mut crossed_unconstrained = 0;
    for (issue, actor, line, side) in lines {
        for model in ["eum", "smp"] {
            let w = worst(&on, model, issue, actor, side);
            let inside = match side {
                Side::AtMost => w <= line + 1e-9,
                Side::AtLeast => w >= line - 1e-9,
            };
            assert!(
                inside,
                "{model} moves {actor} past its red line {line} on {issue}: {w}"
            );
        }
        let w = worst(&off, "eum", issue, actor, side);
        if match side {
            Side::AtMost => w > line + 1e-9,
            Side::AtLeast => w < line - 1e-9,
        } {
            crossed_unconstrained += 1;
        }
    }
    assert!(
        crossed_unconstrained >= 1,
        "the classic EUM walks some actor past its red line (what the constraint prevents)"
    );
}

#[derive(Clone, Copy)]
enum Side {
    AtMost,
    AtLeast,
}

#[test]
fn the_headline_table_fits_100_columns_and_leads() {
    let out = detente()
        .args([
            "forecast",
            flagship().to_str().unwrap(),
            "--monte-carlo",
            "100",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let first_table = text.lines().position(|l| l.starts_with('┌')).unwrap();
    assert!(text
        .lines()
        .nth(first_table + 1)
        .unwrap()
        .contains("80% band"));
    assert!(text.contains("would be vetoed by"));
    assert!(text.contains("fragile"));
    assert!(
        text.contains("Frozen Russian assets"),
        "unordered options issue shown"
    );
}

#[test]
fn the_same_seed_gives_the_same_headline_whatever_the_threads() {
    let go = |threads: &str| {
        let out = detente()
            .env("RAYON_NUM_THREADS", threads)
            .args(["forecast", flagship().to_str().unwrap(), "--format", "json"])
            .args(["--monte-carlo", "150", "--seed", "9"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        out.stdout
    };
    assert_eq!(go("1"), go("2"));
}

const DRAFT: &str = r#"
[scenario]
title = "Draft talks"

[[actors]]
id = "north"
name = "North"
kind = "state"
capability = 60

[[actors]]
id = "south"
name = "South"
kind = "state"
capability = 40

[[issues]]
id = "border"
title = "Where the border runs"
type = "scale"
anchors = [{ at = 0, label = "south's claim" }, { at = 100, label = "north's claim" }]

[[issues]]
id = "assets"
title = "Frozen assets"
type = "options"
options = [{ id = "keep", label = "Kept frozen" }, { id = "seize", label = "Seized" }, { id = "return", label = "Returned" }]

[[stances]]
actor = "north"
issue = "border"

[[stances]]
actor = "south"
issue = "border"
salience = 50

[decision]
veto_players = ["north", "south"]
"#;

#[test]
fn drafts_without_positions_are_refused_naming_the_stances() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("draft.toml");
    std::fs::write(&p, DRAFT).unwrap();
    let out = detente().arg("forecast").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("north on border") && err.contains("south on border"),
        "{err}"
    );
    // The deal space refuses it too, instead of a "Nash package" where every utility is 0.
    let out = detente().arg("deals").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("north on border"));
    // One positioned actor per issue is still too thin; with two the forecast runs and the
    // thin issue (one actor) is marked.
    let more = DRAFT.replace(
        "actor = \"north\"\nissue = \"border\"\n",
        "actor = \"north\"\nissue = \"border\"\nposition = 80\nsalience = 60\n",
    )
    .replace("issue = \"border\"\nsalience = 50", "issue = \"border\"\nposition = 20\nsalience = 50")
        + "\n[[stances]]\nactor = \"north\"\nissue = \"assets\"\nposition = \"seize\"\nsalience = 70\n";
    std::fs::write(&p, more).unwrap();
    let v = forecast_json(&p, &[]);
    assert!(
        v["issues"][0]["headline"]["band"].is_null(),
        "no ranges: no band"
    );
    let assets = &v["issues"][1];
    assert_eq!(assets["id"], "assets");
    assert_eq!(assets["headline"]["stability"], "fragile");
    let w = assets["warnings"].to_string();
    assert!(w.contains("only 1 actor") && w.contains("south"), "{w}");
}

const OPTIONS: &str = r#"
[scenario]
title = "Options talks"

[[actors]]
id = "big"
name = "Big"
kind = "state"
capability = 80

[[actors]]
id = "small"
name = "Small"
kind = "state"
capability = 20

[[issues]]
id = "assets"
title = "Frozen assets"
type = "options"
options = [{ id = "keep", label = "Kept frozen" }, { id = "seize", label = "Seized" }, { id = "return", label = "Returned" }]

[[stances]]
actor = "big"
issue = "assets"
position = "seize"
salience = 80

[[stances]]
actor = "small"
issue = "assets"
position = "return"
salience = 80
rejects = ["seize"]

[decision]
veto_players = ["big", "small"]
"#;

#[test]
fn unordered_options_get_probabilities_from_weighted_contests() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("opts.toml");
    std::fs::write(&p, OPTIONS).unwrap();
    let v = forecast_json(&p, &[]);
    let i = &v["issues"][0];
    let pr = &i["probabilities"];
    let (keep, seize, ret) = (
        pr["keep"].as_f64().unwrap(),
        pr["seize"].as_f64().unwrap(),
        pr["return"].as_f64().unwrap(),
    );
    assert!(seize > ret && ret > keep, "{pr}");
    assert_eq!(i["option"], "seize");
    // Small rejects `seize` and is a veto player: marked, with the chance of no agreement.
    assert_eq!(i["headline"]["vetoed_by"][0], "small");
    let pna = i["headline"]["p_no_agreement"].as_f64().unwrap();
    assert!((pna - seize).abs() < 1e-9, "no agreement = P(seize)");
}

#[test]
fn backtest_hit_rates_are_relative_to_the_scale_range() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wide.csv");
    // Scale 0–1000, mean forecast 550, outcome 520: an error of 30 points is within 5% (50) of
    // the range, though more than 5 or 10 points.
    std::fs::write(
        &p,
        "# scale = 0,1000\n# outcome = 520\nActor,Capability,Position,Salience\nA,1,400,1\nB,1,700,1\n",
    )
    .unwrap();
    let v = run_json(&[
        "backtest",
        p.to_str().unwrap(),
        "--model",
        "mean",
        "--format",
        "json",
        "--bootstrap",
        "20",
    ]);
    let s = &v["scores"][0];
    assert_eq!(s["mae"]["value"], 30.0);
    assert_eq!(s["hit5"]["value"], 1.0);
    assert_eq!(s["hit10"]["value"], 1.0);
}

/// `advise` on every actor of the flagship that takes a position: never past the actor's own
/// red line or on the far side of the forecast, never past another actor's red line, never two
/// changes of the same kind for the same actor on one issue, ranked by the mean gain over the
/// draws, each saying what it works through.
#[test]
fn advise_is_honest_for_every_actor_of_the_flagship() {
    let f = flagship();
    let sc = show(&f);
    let stances = sc["stances"].as_array().unwrap();
    let mut actors: Vec<&str> = stances
        .iter()
        .map(|s| s["actor"].as_str().unwrap())
        .collect();
    actors.sort();
    actors.dedup();
    assert!(actors.len() >= 3);
    // Scale red lines as `show` prints them: the acceptable side is the position's side.
    let line = |actor: &str, issue: &str| -> Option<(f64, f64)> {
        let st = stances
            .iter()
            .find(|s| s["actor"] == actor && s["issue"] == issue)?;
        let (l, pos) = (st["red_line"].as_f64()?, st["position"].as_f64()?);
        Some(if pos <= l { (0.0, l) } else { (l, 100.0) })
    };
    let mut total = 0;
    for actor in &actors {
        let v = run_json(&[
            "advise",
            f.to_str().unwrap(),
            "--actor",
            actor,
            "--format",
            "json",
            "--draws",
            "8",
            "--top",
            "1000",
        ]);
        let adv = v["advice"].as_array().unwrap();
        total += adv.len();
        let mut seen = std::collections::HashSet::new();
        for w in adv.windows(2) {
            assert!(
                w[0]["mean_gain"].as_f64() >= w[1]["mean_gain"].as_f64(),
                "{actor}: ranked"
            );
        }
        for x in adv {
            let issue = x["issue"].as_str().unwrap();
            let c = &x["change"];
            let (before, target) = (
                x["forecast_before"].as_f64().unwrap(),
                x["target"].as_f64().unwrap(),
            );
            assert!(x["mean_gain"].as_f64().unwrap() > 0.0, "{actor}: {x}");
            // On an ordered options issue only the options' points can be announced or asked.
            let si = sc["issues"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["id"] == issue)
                .unwrap();
            if let (Some(opts), Some(to)) = (si["options"].as_array(), c["to"].as_f64()) {
                if c["type"].as_str().unwrap().ends_with("position") {
                    let step = 100.0 / (opts.len() - 1) as f64;
                    assert!(
                        ((to / step).round() * step - to).abs() < 1e-9,
                        "{actor}: {x}"
                    );
                }
            }
            assert!(!x["through"].as_str().unwrap().is_empty());
            let (subject, field) = match c["type"].as_str().unwrap() {
                "own_position" => {
                    let to = c["to"].as_f64().unwrap();
                    if let Some((lo, hi)) = line(actor, issue) {
                        assert!(
                            to >= lo - 1e-9 && to <= hi + 1e-9,
                            "{actor} past its red line: {x}"
                        );
                    }
                    assert!(
                        (to - before) * (target - before) >= 0.0,
                        "{actor} claims against itself: {x}"
                    );
                    (actor.to_string(), "position")
                }
                "own_salience" => (actor.to_string(), "salience"),
                "persuade_position" => {
                    let k = c["actor"].as_u64().unwrap() as usize;
                    let id = sc["actors"][k]["id"].as_str().unwrap().to_string();
                    if let Some((lo, hi)) = line(&id, issue) {
                        let to = c["to"].as_f64().unwrap();
                        assert!(
                            to >= lo - 1e-9 && to <= hi + 1e-9,
                            "{id} pushed past its red line: {x}"
                        );
                    }
                    (id, "position")
                }
                _ => (c["actor"].to_string(), "salience"),
            };
            assert!(
                seen.insert((issue.to_string(), subject.clone(), field)),
                "{actor}: two {field} changes for {subject} on {issue}"
            );
        }
    }
    assert!(total > 0, "some advice for some actor");
}

/// The report leads with the same headline as `detente forecast` (same seed and draws): every
/// issue's grade and band appear in its summary, before the Forecast section.
#[test]
fn the_report_leads_with_the_forecast_headline() {
    let f = flagship();
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("r.md");
    let out = detente()
        .args(["report", f.to_str().unwrap(), "--no-deals", "-o"])
        .arg(&md)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    let head_at = text
        .find("Headline forecast of every issue")
        .expect("headline table");
    let forecast_at = text.find("## Forecast").expect("forecast section");
    assert!(head_at < forecast_at, "the headline leads");
    // Defaults on both sides: `detente report` and `detente forecast` draw the same runs with
    // the same seed, so they print the same headline.
    let v = forecast_json(&f, &[]);
    let summary = &text[..forecast_at];
    for i in v["issues"].as_array().unwrap() {
        let h = &i["headline"];
        let row = summary
            .lines()
            .find(|l| l.starts_with('|') && l.contains(i["title"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("no headline row for {}", i["id"]));
        assert!(row.contains(h["stability"].as_str().unwrap()), "{row}");
        if let Some(b) = h["band"].as_array() {
            let band = format!(
                "{:.0}–{:.0}",
                b[0].as_f64().unwrap(),
                b[1].as_f64().unwrap()
            );
            assert!(row.contains(&band), "{band} in {row}");
        }
    }
}

#[test]
fn csv_has_a_headline_row_for_every_issue() {
    let f = flagship();
    let sc = show(&f);
    let out = detente()
        .args([
            "forecast",
            f.to_str().unwrap(),
            "--format",
            "csv",
            "--model",
            "mean,median",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for i in sc["issues"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{id},headline,"))),
            "no headline row for {id}"
        );
    }
}

#[test]
fn advise_gives_the_same_ranking_whatever_the_threads() {
    let go = |threads: &str| {
        let out = detente()
            .env("RAYON_NUM_THREADS", threads)
            .args(["advise", flagship().to_str().unwrap(), "--actor", "russia"])
            .args(["--format", "json", "--draws", "16", "--seed", "4"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        out.stdout
    };
    assert_eq!(go("1"), go("2"));
}

/// `--compare-as-of DATE`: every issue's headline then and how it moved; bad dates and table
/// inputs are refused.
#[test]
fn compare_as_of_shows_how_every_headline_moved() {
    let f = flagship();
    let v = forecast_json(
        &f,
        &["--monte-carlo", "50", "--compare-as-of", "2025-02-28"],
    );
    let cmp = &v["compare"];
    assert_eq!(cmp["as_of"], "2025-02-28");
    let ids: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    let cids: Vec<&Value> = cmp["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, cids, "every issue compared");
    for (i, c) in v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .zip(cmp["issues"].as_array().unwrap())
    {
        if let (Some(now), Some(then), Some(moved)) = (
            i["headline"]["forecast"].as_f64(),
            c["then"]["forecast"].as_f64(),
            c["moved"].as_f64(),
        ) {
            assert!((now - then - moved).abs() < 1e-9);
        }
    }
    let table = detente()
        .args(["forecast", f.to_str().unwrap(), "--monte-carlo", "50"])
        .args(["--compare-as-of", "2025-02-28"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&table.stdout).contains("How the headline moved from 2025-02-28")
    );
    for bad in ["2025-13-45x", "2031-01-01"] {
        let out = detente()
            .args(["forecast", f.to_str().unwrap(), "--compare-as-of", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--compare-as-of"));
    }
}

/// With evidence kinds (scenario v2), each headline says how well its stances are evidenced.
#[test]
fn the_headline_reports_evidence_strength() {
    let v2 = root().join("tests/data/valid/v2.toml");
    let v = forecast_json(&v2, &["--monte-carlo", "50"]);
    let strengths: Vec<&str> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["headline"]["evidence_strength"].as_str().unwrap())
        .collect();
    assert!(
        strengths.contains(&"strong") && strengths.contains(&"medium"),
        "{strengths:?}"
    );
}

#[test]
fn a_point_forecast_outside_its_own_band_is_called_fragile() {
    let v = forecast_json(&flagship(), &["--monte-carlo", "200"]);
    let mut outside = 0;
    for i in v["issues"].as_array().unwrap() {
        let h = &i["headline"];
        let (Some(c), Some(b)) = (h["forecast"].as_f64(), h["band"].as_array()) else {
            continue;
        };
        let (lo, hi) = (b[0].as_f64().unwrap(), b[1].as_f64().unwrap());
        if c < lo - 1e-9 || c > hi + 1e-9 {
            outside += 1;
            assert_eq!(h["stability"], "fragile", "{}", i["id"]);
            let reasons = h["reasons"].to_string();
            assert!(
                reasons.contains("outside its own 80% band"),
                "{}: {reasons}",
                i["id"]
            );
        }
    }
    eprintln!("{outside} headline(s) outside their band, all explained");
}
