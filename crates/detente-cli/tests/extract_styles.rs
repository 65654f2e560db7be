//! `detente extract` on house styles and phrasings the seed articles do not have (issue #14):
//! one test through the CLI per failure kind — British single marks, transcripts and
//! briefings, organisations never replacing a person, pronouns / descriptions / names with
//! particles, unnamed officials, claims, and `--scenario` issue tagging.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Run `detente extract --format json` on one article; the document's findings.
fn extract(article: &str, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("article.txt");
    std::fs::write(&path, article).unwrap();
    let out = Command::cargo_bin("detente")
        .unwrap()
        .args(["extract", "--format", "json"])
        .args(extra)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["documents"][0].clone()
}

/// (text, speaker) of every quotation.
fn quotes(doc: &Value) -> Vec<(String, Option<String>)> {
    doc["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["text"].as_str().unwrap().to_string(),
                q["speaker"].as_str().map(String::from),
            )
        })
        .collect()
}

fn speaker_of<'a>(qs: &'a [(String, Option<String>)], start: &str) -> &'a Option<String> {
    &qs.iter()
        .find(|(t, _)| t.starts_with(start))
        .unwrap_or_else(|| panic!("no quotation starting {start:?} in {qs:?}"))
        .1
}

#[test]
fn british_single_marks_are_primary_with_apostrophes_and_nested_doubles() {
    let doc = extract(
        "‘We will not trade our land’: Kyiv’s envoy speaks\n\n\
         Ukraine’s ambassador, Valeriy Moroz, was blunt. ‘We will not trade our land for a \
         ceasefire,’ he said. ‘Our people have heard “peace” before.’\n\n\
         ‘The government is hiding behind Kyiv’s skirts,’ said Priti Arkwright, an MP.\n",
        &[],
    );
    let qs = quotes(&doc);
    let texts: Vec<&str> = qs.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "We will not trade our land",
            "We will not trade our land for a ceasefire,",
            "Our people have heard “peace” before.",
            "The government is hiding behind Kyiv’s skirts,",
        ]
    );
    let moroz = Some("Valeriy Moroz".to_string());
    assert_eq!(speaker_of(&qs, "We will not trade our land for"), &moroz);
    assert_eq!(speaker_of(&qs, "Our people"), &moroz);
    // the headline takes the speaker of the body quotation it shortens
    assert_eq!(&qs[0].1, &moroz);
    assert_eq!(
        speaker_of(&qs, "The government"),
        &Some("Priti Arkwright".to_string())
    );
    assert_eq!(doc["problems"].as_array().unwrap().len(), 0);
}

#[test]
fn guillemets_low_high_marks_and_multi_paragraph_quotations() {
    let doc = extract(
        "«We share the goal», said Markus von Thaden, the defence minister.\n\n\
         Karolina Nowak, the Polish prime minister, said: „There will be no deal without Ukraine\".\n\n\
         Paweł Zieliński set out Poland's position in a speech:\n\n\
         «Poland has been the hub for everything.\n\n\
         «We will send what we can.»\n",
        &[],
    );
    let qs = quotes(&doc);
    assert_eq!(
        speaker_of(&qs, "We share"),
        &Some("Markus von Thaden".to_string())
    );
    assert_eq!(
        speaker_of(&qs, "There will be"),
        &Some("Karolina Nowak".to_string())
    );
    let z = Some("Paweł Zieliński".to_string());
    assert_eq!(speaker_of(&qs, "Poland has been"), &z);
    assert_eq!(speaker_of(&qs, "We will send"), &z);
    // a quotation that runs on into the next paragraph is not a problem
    assert_eq!(doc["problems"].as_array().unwrap().len(), 0);
}

#[test]
fn transcript_turns_are_quotations_of_the_labelled_speaker() {
    let doc = extract(
        "SUNDAY POLITICS - TRANSCRIPT\n\n\
         Guests: Defence Minister Ingrid van der Berg; Dr. Leila bin Rashid.\n\n\
         PRESENTER (MARK HOLLIS): Minister, is a ceasefire within reach?\n\n\
         MINISTER VAN DER BERG: Within reach, yes. They called it \"a step\".\n\n\
         HOLLIS: Dr. bin Rashid?\n\n\
         DR. BIN RASHID: The minister is half right.\n\n\
         Q: One listener asks about sanctions.\n",
        &[],
    );
    let qs = quotes(&doc);
    let expect = [
        ("Minister, is a ceasefire", Some("Mark Hollis")),
        (
            "Within reach, yes. They called it \"a step\".",
            Some("Ingrid van der Berg"),
        ),
        ("Dr. bin Rashid?", Some("Mark Hollis")),
        ("The minister is half right.", Some("Leila bin Rashid")),
        ("One listener asks", None),
    ];
    assert_eq!(qs.len(), expect.len(), "{qs:?}"); // "a step" is nested in the turn
    for (start, who) in expect {
        assert_eq!(speaker_of(&qs, start).as_deref(), who, "{start}");
    }
    let q = doc["quotes"].as_array().unwrap();
    assert_eq!(q[4]["speaker_mention"], "Q");
    assert!(q[0]["speaker_confidence"].as_f64().unwrap() >= 0.9);
}

#[test]
fn briefing_questions_in_brackets_and_quoted_answers() {
    let doc = extract(
        "The spokesperson, Amira al-Khatib, held the weekly briefing.\n\n\
         [Question: Has the ministry received the draft?]\n\n\
         \"We have received a document.\"\n\n\
         [Question: Will the minister travel?]\n\n\
         \"I have no travel to announce today.\"\n",
        &[],
    );
    let qs = quotes(&doc);
    assert_eq!(qs.len(), 4);
    assert_eq!(speaker_of(&qs, "Has the ministry"), &None);
    let k = Some("Amira al-Khatib".to_string());
    assert_eq!(speaker_of(&qs, "We have received"), &k);
    assert_eq!(speaker_of(&qs, "I have no travel"), &k);
    // the answer's speaker carries the mention it came from and a confidence
    let a = &doc["quotes"][1];
    assert_eq!(a["speaker_mention"], "Amira al-Khatib");
    assert!(a["speaker_confidence"].as_f64().unwrap() > 0.5);
}

#[test]
fn an_organisation_never_replaces_the_person_speaking() {
    let doc = extract(
        "Jean-Luc de la Fontaine spoke to Le Monde on Monday. \"I think we are closer than \
         ever,\" he said.\n\n\
         \"Traders are pricing a small chance of a deal,\" said Ana Paula do Nascimento, an \
         analyst at Carvalho Investimentos. Do Nascimento said the firm expected \"volatility\".\n\n\
         Secretary of State Marco Rubio spoke for the United States. \"No illusions,\" Rubio said.\n",
        &[],
    );
    let qs = quotes(&doc);
    assert_eq!(
        speaker_of(&qs, "I think"),
        &Some("Jean-Luc de la Fontaine".to_string())
    );
    let a = Some("Ana Paula do Nascimento".to_string());
    assert_eq!(speaker_of(&qs, "Traders"), &a);
    assert_eq!(speaker_of(&qs, "volatility"), &a);
    assert_eq!(
        speaker_of(&qs, "No illusions"),
        &Some("Marco Rubio".to_string())
    );
}

#[test]
fn pronouns_descriptions_and_names_with_particles() {
    let doc = extract(
        "When Keir Starmer stood up in the Commons, the prime minister told MPs that Britain \
         would \"stand with Ukraine\".\n\n\
         His deputy, Kateryna Lysenko, met Tariq bin Saleh, a Gulf official. \"Europe is paying \
         the bill,\" said bin Saleh. \"They want us to draw the line,\" she said.\n\n\
         The commerce secretary, Howard Lindqvist, was in Geneva. Hans-Peter von Alten, a German \
         diplomat, was too. \"We are in the building,\" von Alten said. The commerce secretary \
         added that tariffs were \"a tool, not a goal.\"\n",
        &[],
    );
    let qs = quotes(&doc);
    assert_eq!(
        speaker_of(&qs, "stand with"),
        &Some("Keir Starmer".to_string())
    );
    assert_eq!(
        speaker_of(&qs, "Europe is"),
        &Some("Tariq bin Saleh".to_string())
    );
    // "she" skips the nearer man
    assert_eq!(
        speaker_of(&qs, "They want"),
        &Some("Kateryna Lysenko".to_string())
    );
    assert_eq!(
        speaker_of(&qs, "We are in"),
        &Some("Hans-Peter von Alten".to_string())
    );
    assert_eq!(
        speaker_of(&qs, "a tool"),
        &Some("Howard Lindqvist".to_string())
    );
}

#[test]
fn unnamed_officials_stay_unattributed_but_keep_their_mention() {
    let doc = extract(
        "Oleksandr Bondar spoke first. \"The door is open,\" he said. A senior EU diplomat said \
         the gap remained wide. \"They are not talking about the same map,\" the diplomat said.\n",
        &[],
    );
    let q = doc["quotes"].as_array().unwrap();
    assert_eq!(q[0]["speaker"], "Oleksandr Bondar");
    assert_eq!(q[1]["speaker"], Value::Null);
    assert!(q[1]["speaker_mention"]
        .as_str()
        .is_some_and(|m| m.contains("diplomat")));
}

#[test]
fn claims_part_of_whole_disagreement_and_claimant() {
    let doc = extract(
        "The United States has allocated about $175bn for Ukraine since 2022, of which $106bn has \
         been disbursed directly.\n\n\
         Ministers say Britain could send up to 10,000 troops. Priti Arkwright said the real \
         figure was 30,000 troops.\n\n\
         \"The Grattan-Meyer Institute puts the gain at A$4bn a year,\" said Jun Takahashi, an \
         economist.\n",
        &[],
    );
    let claims = doc["claims"].as_array().unwrap();
    let find = |t: &str| {
        claims
            .iter()
            .find(|c| c["text"] == t)
            .unwrap_or_else(|| panic!("no claim {t}: {claims:?}"))
    };
    assert_eq!(find("$175bn")["value"], 175e9);
    assert_eq!(find("$175bn")["disputed"], false);
    assert_eq!(find("$106bn")["disputed"], false);
    let t30 = find("30,000");
    assert_eq!(t30["disputed"], true);
    assert_eq!(t30["claimant"], "Priti Arkwright");
    assert!(t30["reason"].as_str().unwrap().contains("10,000"));
    assert_eq!(find("10,000")["disputed"], true);
    let a4 = find("A$4bn");
    assert_eq!(a4["unit"], "AUD");
    assert_eq!(a4["value"], 4e9);
    assert_eq!(a4["claimant"], "Jun Takahashi");
}

#[test]
fn scenario_issue_tagging_names_the_matched_words() {
    let scenario = repo().join("scenarios/ukraine-2025.toml");
    let doc = extract(
        "\"We will not trade our land,\" Volodymyr Zelensky said.\n",
        &["--scenario", scenario.to_str().unwrap()],
    );
    let q = &doc["quotes"][0];
    let issues: Vec<&str> = q["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert!(issues.contains(&"donbas"), "{issues:?}");
    assert!(!issues.contains(&"sanctions"), "{issues:?}");
    assert!(!issues.contains(&"kursk"), "{issues:?}");
    let words = q["issue_words"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["issue"] == "donbas")
        .unwrap();
    assert_eq!(words["words"][0], "land");
}

#[test]
fn issue_aliases_from_the_gazetteer_tag_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("g.toml");
    std::fs::write(
        &g,
        "[[issues]]\nid = \"ceasefire\"\naliases = [\"guns fall silent\"]\n",
    )
    .unwrap();
    let doc = extract(
        "\"We want the guns fall silent by Easter,\" Volodymyr Zelensky said.\n",
        &["--gazetteer", g.to_str().unwrap()],
    );
    let q = &doc["quotes"][0];
    assert!(q["issues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i == "ceasefire"));
    let w = q["issue_words"].as_array().unwrap();
    assert!(w
        .iter()
        .any(|x| x["issue"] == "ceasefire" && x["words"][0] == "guns fall silent"));
    // an alias for an issue that does not exist is bad input, naming the file and the issues
    std::fs::write(&g, "[[issues]]\nid = \"nope\"\naliases = [\"x\"]\n").unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "text").unwrap();
    let out = Command::cargo_bin("detente")
        .unwrap()
        .args(["extract", "--gazetteer"])
        .arg(&g)
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("g.toml") && err.contains("`nope`") && err.contains("ceasefire"),
        "{err}"
    );
}
