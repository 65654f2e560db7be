//! Scores the extractor on the issue-#14 evaluation set (`tests/data/eval14/`, conventions in
//! its README): eleven original articles in house styles nobody tuned the seed rules for,
//! annotated before the extractor first ran on them.
//!
//! - `tune/`: the part used to find and fix failures; its test prints every failure and holds
//!   the scores to a floor below the aims.
//! - `frozen/`: the held-out part. Its test prints **only the totals** (no per-quote failures,
//!   so that tuning cannot peek at it) and fails below the aims of issue #14 that are met:
//!   quote precision and recall ≥ 0.9, speaker accuracy ≥ 0.85. The third aim, wrong speakers
//!   ≤ 3% of the speakers given, is **not met** (final run: 2 of 38 = 5.3%); the test holds
//!   that share to the measured 5.3% so that it cannot get worse, and says so when it runs
//!   (see `tests/data/eval14/RESULTS.md`).
//!
//! `cargo test -p detente-extract --test eval14 -- --nocapture` prints the scores.

use detente_extract::{gazetteer::Gazetteer, Extraction, Extractor};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct GoldQuote {
    start: usize,
    end: usize,
    speaker: Option<String>,
}

struct GoldClaim {
    start: usize,
    end: usize,
    text: String,
    /// `None`: no claimant expected to be scored; `Some(None)`: none expected.
    claimant: Option<Option<String>>,
}

struct Gold {
    article: String,
    text: String,
    quotes: Vec<GoldQuote>,
    claims: Vec<GoldClaim>,
    disputed: Vec<(String, String)>,
    not_disputed: Vec<(String, String)>,
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_string(),
                        p[1].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn load(dir: &str) -> Vec<Gold> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in &files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let article = v["article"].as_str().unwrap().to_string();
        let text = std::fs::read_to_string(repo().join(&article)).unwrap();
        let mut pos = 0;
        let mut quotes = Vec::new();
        for q in v["quotes"].as_array().unwrap() {
            let t = q["text"].as_str().unwrap();
            let s = pos
                + text[pos..]
                    .find(t)
                    .unwrap_or_else(|| panic!("{}: quote not in article: {t}", f.display()));
            // quotations do not overlap: the next one starts after this one
            pos = s + t.len();
            quotes.push(GoldQuote {
                start: s,
                end: s + t.len(),
                speaker: q["speaker"].as_str().map(String::from),
            });
        }
        let mut pos = 0;
        let mut claims = Vec::new();
        for c in v["claims"].as_array().unwrap() {
            let t = c["text"].as_str().unwrap();
            let s = pos
                + text[pos..]
                    .find(t)
                    .unwrap_or_else(|| panic!("{}: claim not in article: {t}", f.display()));
            pos = s + t.chars().next().map_or(1, char::len_utf8);
            claims.push(GoldClaim {
                start: s,
                end: s + t.len(),
                text: t.to_string(),
                claimant: c.get("claimant").map(|w| w.as_str().map(String::from)),
            });
        }
        out.push(Gold {
            article,
            text,
            quotes,
            claims,
            disputed: pairs(&v["disputed"]),
            not_disputed: pairs(&v["not_disputed"]),
        });
    }
    out
}

/// A found quotation matches a gold one when their spans, without surrounding whitespace,
/// overlap by at least 90% of the longer of the two.
fn same_span(text: &str, a: (usize, usize), b: (usize, usize)) -> bool {
    let trim = |(s, e): (usize, usize)| {
        let t = &text[s..e];
        let s2 = s + (t.len() - t.trim_start().len());
        (s2, s2 + t.trim().len())
    };
    let (a, b) = (trim(a), trim(b));
    let overlap = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let longer = (a.1 - a.0).max(b.1 - b.0).max(1);
    overlap * 10 >= longer * 9
}

#[derive(Default, Debug)]
struct Scores {
    found: usize,
    gold: usize,
    matched_found: usize,
    matched_gold: usize,
    speaker_right: usize,
    given: usize,
    given_wrong: usize,
    claimants: usize,
    claimants_right: usize,
    disputes: usize,
    disputes_flagged: usize,
    parts: usize,
    parts_unflagged: usize,
}

impl Scores {
    fn precision(&self) -> f64 {
        ratio(self.matched_found, self.found)
    }
    fn recall(&self) -> f64 {
        ratio(self.matched_gold, self.gold)
    }
    fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_right, self.gold)
    }
    fn wrong_share(&self) -> f64 {
        if self.given == 0 {
            0.0
        } else {
            self.given_wrong as f64 / self.given as f64
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(50).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn claim_at(ex: &Extraction, d: usize, g: &GoldClaim) -> Option<usize> {
    ex.documents[d]
        .claims
        .iter()
        .position(|c| c.start < g.end && g.start < c.end)
}

/// Scores one part; prints each failure only when `verbose`.
fn score(dir: &str, verbose: bool) -> Scores {
    let gold = load(dir);
    let docs: Vec<(String, String)> = gold
        .iter()
        .map(|g| (g.article.clone(), g.text.clone()))
        .collect();
    let ex = Extractor::new(Gazetteer::builtin()).extract(&docs);
    let mut s = Scores::default();
    let say = |m: String| {
        if verbose {
            println!("  {m}");
        }
    };
    for (di, (g, d)) in gold.iter().zip(&ex.documents).enumerate() {
        let name = g.article.rsplit('/').next().unwrap_or("");
        s.found += d.quotes.len();
        s.gold += g.quotes.len();
        for q in &d.quotes {
            let m = g
                .quotes
                .iter()
                .find(|gq| same_span(&g.text, (q.start, q.end), (gq.start, gq.end)));
            let Some(gq) = m else {
                say(format!("spurious {name}: “{}”", short(&q.text)));
                continue;
            };
            s.matched_found += 1;
            if q.speaker.is_some() {
                s.given += 1;
            }
            if q.speaker == gq.speaker {
                s.speaker_right += 1;
            } else {
                if q.speaker.is_some() {
                    s.given_wrong += 1;
                }
                say(format!(
                    "speaker  {name}: “{}” → {:?} via {:?} (gold {:?})",
                    short(&q.text),
                    q.speaker,
                    q.speaker_mention,
                    gq.speaker
                ));
            }
        }
        for gq in &g.quotes {
            if d.quotes
                .iter()
                .any(|q| same_span(&g.text, (q.start, q.end), (gq.start, gq.end)))
            {
                s.matched_gold += 1;
            } else {
                say(format!(
                    "missed   {name}: “{}” ({:?})",
                    short(&g.text[gq.start..gq.end]),
                    gq.speaker
                ));
            }
        }
        for gc in &g.claims {
            let Some(want) = &gc.claimant else { continue };
            s.claimants += 1;
            let got = claim_at(&ex, di, gc).map(|c| d.claims[c].claimant.clone());
            if got.as_ref() == Some(want) {
                s.claimants_right += 1;
            } else {
                say(format!(
                    "claimant {name}: {} → {got:?} (gold {want:?})",
                    gc.text
                ));
            }
        }
        let find = |t: &str| g.claims.iter().find(|c| c.text == t).unwrap();
        let linked = |a: &str, b: &str| -> bool {
            let (Some(x), Some(y)) = (claim_at(&ex, di, find(a)), claim_at(&ex, di, find(b)))
            else {
                return false;
            };
            let c = &d.claims[x];
            c.disputed
                && c.conflicts_with
                    .iter()
                    .any(|r| r.document == di && r.claim == y)
        };
        for (a, b) in &g.disputed {
            s.disputes += 1;
            if linked(a, b) || linked(b, a) {
                s.disputes_flagged += 1;
            } else {
                say(format!("dispute  {name}: {a} vs {b} not flagged"));
            }
        }
        for (a, b) in &g.not_disputed {
            s.parts += 1;
            if !linked(a, b) && !linked(b, a) {
                s.parts_unflagged += 1;
            } else {
                say(format!("part     {name}: {a} vs {b} flagged as disputed"));
            }
        }
    }
    println!(
        "{dir}: {} articles | quotes P {:.3} R {:.3} ({} found, {} gold) | speaker accuracy {:.3} \
         ({}/{}) | speakers given {}, wrong {} ({:.1}%) | claimants {}/{} | disputes flagged {}/{} \
         | part/whole left alone {}/{}",
        gold.len(),
        s.precision(),
        s.recall(),
        s.found,
        s.gold,
        s.speaker_accuracy(),
        s.speaker_right,
        s.gold,
        s.given,
        s.given_wrong,
        100.0 * s.wrong_share(),
        s.claimants_right,
        s.claimants,
        s.disputes_flagged,
        s.disputes,
        s.parts_unflagged,
        s.parts
    );
    s
}

#[test]
fn tune_part_scores() {
    let s = score("tests/data/eval14/tune", true);
    assert!(s.gold >= 100, "the tuning part has its quotes");
    // floors a little below the final tuning scores (1.000 / 1.000 / 0.974 / 0 wrong)
    assert!(s.precision() >= 0.95 && s.recall() >= 0.95);
    assert!(s.speaker_accuracy() >= 0.95);
    assert!(s.wrong_share() <= 0.02);
}

#[test]
fn frozen_part_meets_the_aims() {
    let s = score("tests/data/eval14/frozen", false);
    assert!(s.gold >= 40, "the frozen part has its quotes");
    assert!(
        s.precision() >= 0.9,
        "quote precision {:.3} < 0.9",
        s.precision()
    );
    assert!(s.recall() >= 0.9, "quote recall {:.3} < 0.9", s.recall());
    assert!(
        s.speaker_accuracy() >= 0.85,
        "speaker accuracy {:.3} < 0.85",
        s.speaker_accuracy()
    );
    // Issue #14's aim is ≤ 3%; it is NOT met (2 of 38 = 5.3% on the final run). Held to the
    // measured share, not to the aim, and reported on every run.
    const AIM: f64 = 0.03;
    const MEASURED: f64 = 2.0 / 38.0;
    if s.wrong_share() > AIM {
        println!(
            "frozen: wrong speakers {:.1}% of those given: the #14 aim (≤ 3%) is NOT met",
            100.0 * s.wrong_share()
        );
    }
    assert!(
        s.wrong_share() <= MEASURED + 1e-9,
        "wrong speakers {:.1}% of those given, worse than the measured {:.1}% (aim 3%)",
        100.0 * s.wrong_share(),
        100.0 * MEASURED
    );
}
