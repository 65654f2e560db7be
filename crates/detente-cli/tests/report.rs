//! End-to-end tests of `detente report`: exit codes, bad input, self-containment, escaping of
//! hostile text, well-formed SVG, every evidence quote present, determinism, Markdown output.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const HOSTILE: &str = "<script>alert('pwned')</script>";

const ARTICLE: &str = "Talks resumed in Geneva on Monday. \
The <script>alert('pwned')</script> delegation said it would never accept a border change. \
Northland said a border change along the river is acceptable if trade is opened. \
Officials in Southland said tariffs must fall to zero & stay there. \
The full text is online at https://example.org/geneva-statement for anyone to read. \
Westland wants a middle way on tariffs, its minister said.";

/// A small scenario with a hostile actor name, a quote holding a URL, two scale issues with
/// ranges (Monte Carlo), an options issue, red lines and veto players.
fn scenario(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("article.txt"), ARTICLE).unwrap();
    let toml = format!(
        r#"
[scenario]
title = "Geneva talks <b>test</b>"
as_of = "2025-03-01"
description = "A made-up negotiation for the report tests."

[[sources]]
id = "geneva"
title = "Talks resume in Geneva & <i>elsewhere</i>"
date = "2025-02-28"
path = "article.txt"

[[actors]]
id = "north"
name = "Northland"
kind = "state"
capability = 60
reservation = 0.2

[[actors]]
id = "south"
name = "{HOSTILE}"
kind = "state"
capability = 40
reservation = 0.1

[[actors]]
id = "west"
name = "Westland"
kind = "state"
capability = 20

[[issues]]
id = "border"
title = "Border"
type = "scale"
anchors = [{{ at = 0, label = "old border" }}, {{ at = 100, label = "river border" }}]
status_quo = 0

[[issues]]
id = "tariffs"
title = "Tariffs"
type = "scale"
anchors = [{{ at = 0, label = "zero tariffs" }}, {{ at = 50, label = "halved" }}, {{ at = 100, label = "as now" }}]
status_quo = 100

[[issues]]
id = "format"
title = "Talks format"
type = "options"
ordered = true
options = [{{ id = "bilateral", label = "Bilateral" }}, {{ id = "mediated", label = "Mediated" }}, {{ id = "conference", label = "Conference" }}]
status_quo = "bilateral"

[[stances]]
actor = "north"
issue = "border"
position = 100
salience = 80
position_range = [80, 100]
evidence = [{{ source = "geneva", quote = "Northland said a border change along the river is acceptable if trade is opened." }}]

[[stances]]
actor = "south"
issue = "border"
position = 0
salience = 90
red_line = 50
position_range = [0, 20]
evidence = [{{ source = "geneva", quote = "The <script>alert('pwned')</script> delegation said it would never accept a border change." }}]

[[stances]]
actor = "south"
issue = "tariffs"
position = 0
salience = 60
salience_range = [40, 80]
evidence = [
  {{ source = "geneva", quote = "Officials in Southland said tariffs must fall to zero & stay there." }},
  {{ source = "geneva", quote = "The full text is online at https://example.org/geneva-statement for anyone to read.", note = "a quote that holds a URL" }},
]

[[stances]]
actor = "north"
issue = "tariffs"
position = 100
salience = 40
position_range = [70, 100]
evidence = [{{ source = "geneva", quote = "Northland said a border change along the river is acceptable if trade is opened." }}]

[[stances]]
actor = "west"
issue = "tariffs"
position = 50
salience = 70
evidence = [{{ source = "geneva", quote = "Westland wants a middle way on tariffs, its minister said." }}]

[[stances]]
actor = "north"
issue = "format"
position = "mediated"
salience = 30
evidence = [{{ source = "geneva", quote = "Talks resumed in Geneva on Monday." }}]

[[stances]]
actor = "south"
issue = "format"
position = "conference"
salience = 50
rejects = ["bilateral"]
evidence = [{{ source = "geneva", quote = "Talks resumed in Geneva on Monday." }}]

[decision]
veto_players = ["north", "south"]
"#
    );
    let path = dir.join("geneva.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

/// Escape as the report does (HTML text).
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Every `<svg …>…</svg>` element in a document.
fn svgs(doc: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find("<svg ") {
        let end = rest[start..].find("</svg>").expect("unclosed <svg>") + start + "</svg>".len();
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// The document with the quoted evidence and the SVG namespace removed: what is left must not
/// name any URL.
fn without_quotes(doc: &str) -> String {
    let mut out = String::new();
    let mut rest = doc;
    while let Some(start) = rest.find("<blockquote>") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</blockquote>")
            .expect("unclosed blockquote")
            + start;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
}

#[test]
fn html_report_is_self_contained_escaped_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("report.html");
    detente()
        .args([
            "report",
            sc.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--monte-carlo",
            "200",
            "--seed",
            "7",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("wrote"));
    let html = std::fs::read_to_string(&out).unwrap();

    // Hostile text is shown, never interpreted.
    assert!(!html.contains("<script"), "raw <script> in the report");
    assert!(!html.contains("<b>test</b>") && !html.contains("<i>elsewhere</i>"));
    assert!(html.contains(&html_escape(HOSTILE)));

    // Every stance's evidence is quoted, with its source's title and date.
    let loaded = detente_scenario::load(&sc);
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    let n: usize = loaded
        .scenario
        .stances
        .iter()
        .map(|st| st.evidence.len())
        .sum();
    assert_eq!(n, 8);
    for e in loaded.scenario.stances.iter().flat_map(|st| &st.evidence) {
        assert!(
            html.contains(&format!("<p>{}</p>", html_escape(&e.quote))),
            "missing quote: {}",
            e.quote
        );
    }
    assert!(html.contains(&html_escape(
        "Talks resume in Geneva & <i>elsewhere</i>, 2025-02-28"
    )));

    // No external requests: no src attributes, no scripts, no links or URLs outside the quotes.
    assert!(!html.contains(" src="), "the report must not load anything");
    assert!(!html.contains("@import") && !html.contains("url("));
    let rest = without_quotes(&html);
    assert!(
        !rest.contains("http://") && !rest.contains("https://"),
        "a URL outside the quoted text"
    );
    assert!(
        html.contains("https://example.org/geneva-statement"),
        "the quote keeps its URL"
    );
    assert!(html.contains("Content-Security-Policy"));

    // Every chart parses as XML and carries a title.
    let charts = svgs(&html);
    assert!(
        charts.len() >= 6,
        "heat map, 2×trajectories, 2×bands, Pareto: got {}",
        charts.len()
    );
    for svg in &charts {
        let doc = roxmltree::Document::parse(svg)
            .unwrap_or_else(|e| panic!("ill-formed SVG: {e}\n{svg}"));
        assert!(doc
            .root_element()
            .children()
            .any(|n| n.has_tag_name("title")));
    }
    // Every internal link (contents, heat-map squares → the stance's evidence) has a target.
    let mut links = 0;
    for part in html.split("href=\"#").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "link to a missing #{id}"
        );
        links += 1;
    }
    assert!(links >= 7 + 10, "contents and heat-map links: {links}");
    assert!(
        html.contains("href=\"#stance-border-1\""),
        "the hostile actor's square links to its stance"
    );
    // The sections are there.
    for needle in [
        "id=\"forecast\"",
        "id=\"deals\"",
        "id=\"pareto\"",
        "id=\"blockers\"",
        "id=\"evidence\"",
        "Nash",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[test]
fn same_seed_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let run = |name: &str, seed: &str| {
        let out = dir.path().join(name);
        detente()
            .args([
                "report",
                sc.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--monte-carlo",
                "100",
                "--seed",
                seed,
            ])
            .assert()
            .success();
        std::fs::read(out).unwrap()
    };
    let a = run("a.html", "3");
    let b = run("b.html", "3");
    assert!(a == b, "same seed gave different reports");
    let c = run("c.html", "4");
    assert!(a != c, "the seed has no effect on the Monte Carlo bands");
}

#[test]
fn html_to_stdout_when_no_output_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    detente()
        .args([
            "report",
            sc.to_str().unwrap(),
            "--monte-carlo",
            "0",
            "--no-deals",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("<!DOCTYPE html>"))
        .stdout(predicate::str::contains("Monte Carlo was not run"))
        .stdout(predicate::str::contains("left out of this report"));
}

#[test]
fn markdown_report_writes_svg_files_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("geneva.md");
    detente()
        .args([
            "report",
            sc.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--monte-carlo",
            "100",
        ])
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(!md.contains("<script"));
    assert!(md.contains("&lt;script&gt;"));
    let links: Vec<&str> = md.lines().filter(|l| l.starts_with("![")).collect();
    assert!(links.len() >= 6);
    for l in &links {
        let file = l.split("](").nth(1).unwrap().trim_end_matches(')');
        assert!(file.starts_with("geneva_files/"), "{file}");
        let svg = std::fs::read_to_string(dir.path().join(file)).unwrap();
        roxmltree::Document::parse(&svg).unwrap();
    }
    // Quotes appear (Markdown-escaped: `&` → `&amp;`).
    assert!(md.contains("tariffs must fall to zero &amp; stay there."));
    assert!(md.contains("Westland wants a middle way on tariffs, its minister said."));
    // --format md overrides the extension.
    let out2 = dir.path().join("report.txt");
    detente()
        .args([
            "report",
            sc.to_str().unwrap(),
            "-o",
            out2.to_str().unwrap(),
            "--format",
            "md",
            "--monte-carlo",
            "0",
            "--no-deals",
        ])
        .assert()
        .success();
    assert!(dir.path().join("report_files").is_dir());
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let sc = sc.to_str().unwrap();
    // Missing scenario.
    detente()
        .args([
            "report",
            "no/such/file.toml",
            "-o",
            dir.path().join("r.html").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.toml"));
    // A broken scenario: the located diagnostics are printed.
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[scenario]\ntitle = \"x\"\n[[actors]]\nid = \"a\"\nname = \"A\"\nkind = \"planet\"\ncapability = 1\n").unwrap();
    detente()
        .args(["report", broken.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.toml:"));
    // Output in a directory that does not exist.
    detente()
        .args([
            "report",
            sc,
            "-o",
            dir.path().join("nope/r.html").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    // Output is a directory.
    detente()
        .args(["report", sc, "-o", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
    // Markdown needs a file for its charts.
    detente()
        .args(["report", sc, "--format", "md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-o"));
    // Unknown format, absurd run count.
    detente()
        .args(["report", sc, "--format", "pdf"])
        .assert()
        .code(2);
    detente()
        .args(["report", sc, "--monte-carlo", "999999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--monte-carlo"));
    // Nothing was written by the failed runs.
    assert!(!dir.path().join("r.html").exists());
}

/// The flagship: every stance's evidence quote appears in the report. (The deal space is left
/// out here to keep the debug-mode test quick; the small scenario above covers it.)
#[test]
fn flagship_report_quotes_every_stance() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sc = root.join("scenarios/ukraine-2025.toml");
    if !sc.exists() {
        eprintln!("skipped: {} not found", sc.display());
        return;
    }
    let loaded = detente_scenario::load(&sc);
    assert!(loaded.is_valid(), "the flagship does not load");
    let out = detente()
        .args([
            "report",
            sc.to_str().unwrap(),
            "--no-deals",
            "--monte-carlo",
            "20",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let html = String::from_utf8(out).unwrap();
    let s = &loaded.scenario;
    let mut n = 0;
    for st in &s.stances {
        for e in &st.evidence {
            assert!(
                html.contains(&html_escape(&e.quote)),
                "missing quote: {}",
                e.quote
            );
            let src = &s.sources[e.source];
            assert!(html.contains(&html_escape(&src.title)));
            n += 1;
        }
    }
    assert!(n > 50, "the flagship should have many quotes, found {n}");
    let rest = without_quotes(&html);
    assert!(!rest.contains("http://") && !rest.contains("https://"));
    assert!(!html.contains(" src=") && !html.contains("<script"));
    for svg in svgs(&html) {
        roxmltree::Document::parse(svg).unwrap();
    }
}

/// Red lines that leave no package: the report says so and lists the moves that would open it.
#[test]
fn empty_zone_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "North wants the river border. South wants the old border.",
    )
    .unwrap();
    let sc = dir.path().join("s.toml");
    std::fs::write(
        &sc,
        r#"
[scenario]
title = "Empty zone"
[[sources]]
id = "a"
title = "A"
path = "a.txt"
[[actors]]
id = "north"
name = "North"
kind = "state"
capability = 1
[[actors]]
id = "south"
name = "South"
kind = "state"
capability = 1
[[issues]]
id = "border"
title = "Border"
type = "scale"
anchors = [{ at = 0, label = "old" }, { at = 50, label = "mid" }, { at = 100, label = "river" }]
[[stances]]
actor = "north"
issue = "border"
position = 100
salience = 90
red_line = 75
evidence = [{ source = "a", quote = "North wants the river border." }]
[[stances]]
actor = "south"
issue = "border"
position = 0
salience = 90
red_line = 25
evidence = [{ source = "a", quote = "South wants the old border." }]
"#,
    )
    .unwrap();
    detente()
        .args(["report", sc.to_str().unwrap(), "--monte-carlo", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 of 3 packages (0%)"))
        .stdout(predicate::str::contains(
            "The zone of possible agreement is empty",
        ))
        .stdout(predicate::str::contains("equally the most restrictive"))
        .stdout(predicate::str::contains(
            "North accepts &quot;0 (old)&quot; on Border — opens 1 package",
        ))
        .stdout(predicate::str::contains("id=\"pareto\"").not());
}
