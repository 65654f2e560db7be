//! One small text per attribution rule: who is quoted, and who is not.

use detente_extract::{gazetteer::Gazetteer, Extractor};

/// Speakers of the quotations in `text`, in order.
fn speakers(text: &str) -> Vec<Option<String>> {
    let ex = Extractor::new(Gazetteer::builtin());
    ex.extract(&[("t.txt", text)]).documents[0]
        .quotes
        .iter()
        .map(|q| q.speaker.clone())
        .collect()
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn verb_after_the_quotation_in_either_order() {
    assert_eq!(
        speakers("“We will see,” Rubio said."),
        vec![s("Marco Rubio")]
    );
    assert_eq!(
        speakers("“We will see,” said Rubio."),
        vec![s("Marco Rubio")]
    );
    assert_eq!(
        speakers("“We will see,” Witkoff told CNN on Sunday."),
        vec![s("Steve Witkoff")]
    );
    assert_eq!(
        speakers("“Talks go well!” Trump wrote on X."),
        vec![s("Donald Trump")]
    );
    assert_eq!(
        speakers("“We will see,” according to Peskov."),
        vec![s("Dmitry Peskov")]
    );
}

#[test]
fn verb_before_the_quotation() {
    assert_eq!(
        speakers("Kallas stated that “Europe must agree.”"),
        vec![s("Kaja Kallas")]
    );
    assert_eq!(
        speakers("Lavrov said: “No troops.”"),
        vec![s("Sergei Lavrov")]
    );
    assert_eq!(
        speakers("Yuri Ushakov, an aide to Putin, said it was “huge.”"),
        vec![s("Yuri Ushakov")]
    );
}

#[test]
fn quotation_broken_by_its_attribution_and_continued() {
    assert_eq!(
        speakers("“It was agreed,” Witkoff said. “That is big.”\nThe talks ended."),
        vec![s("Steve Witkoff"), s("Steve Witkoff")]
    );
    assert_eq!(
        speakers("“First part,” he said, “second part.”\n"),
        vec![None, None],
        "no antecedent for he"
    );
}

#[test]
fn pronouns_and_roles_carry_over() {
    assert_eq!(
        speakers("Zelensky rejected the plan. “Never,” he said. The Ukrainian leader called it “a trap.”"),
        vec![s("Volodymyr Zelensky"), s("Volodymyr Zelensky")]
    );
}

#[test]
fn unknown_speakers_are_reported_and_surnames_joined() {
    assert_eq!(
        speakers("“We need guns,” said Olena Kovalenko, a Ukrainian lawmaker. Later: “Now,” Kovalenko said."),
        vec![s("Olena Kovalenko"), s("Olena Kovalenko")]
    );
}

#[test]
fn nobody_named_means_no_speaker() {
    assert_eq!(
        speakers("“It is over,” a senior official said."),
        vec![None]
    );
    assert_eq!(
        speakers("The deal was, in what has been called a “reset,” signed."),
        vec![None]
    );
    assert_eq!(speakers("I asked if it was a “win.” It was."), vec![None]);
    // a pronoun is not the object of its own verb: "he" is not Zelensky here
    assert_eq!(
        speakers("Zelensky called.\nHe told Zelensky that aid is “under review.”"),
        vec![None]
    );
}

#[test]
fn scare_quotes_are_marked_not_attributed() {
    let ex = Extractor::new(Gazetteer::builtin());
    let out = ex.extract(&[(
        "t.txt",
        "The so-called “peace process” stalled. Trump said: “We will win it all.”",
    )]);
    let q = &out.documents[0].quotes;
    assert!(q[0].scare_quote && q[0].speaker.is_none());
    assert!(!q[1].scare_quote && q[1].speaker.as_deref() == Some("Donald Trump"));
}

#[test]
fn possessive_roles_from_the_gazetteer() {
    assert_eq!(
        speakers("Russia's foreign minister said the offer was “unserious.”"),
        vec![s("Sergei Lavrov")]
    );
    assert_eq!(
        speakers("“No,” Turkey’s foreign minister told reporters."),
        vec![s("Hakan Fidan")]
    );
    // a possessive that is not part of a role is still just a possessive
    assert_eq!(speakers("Russia’s envoy said it was “fine.”"), vec![None]);
}

#[test]
fn the_statement_said_refers_back_only_a_little() {
    assert_eq!(
        speakers(
            "The Kremlin said in a statement it would “help.” “We are ready,” the statement said."
        ),
        vec![s("Russia"), s("Russia")]
    );
    // far from any earlier quotation, "the statement" names nobody
    assert_eq!(
        speakers("Putin said “no.” The talks went on. Nothing moved. Rain fell. “We wait,” the statement said."),
        vec![s("Vladimir Putin"), None]
    );
}

#[test]
fn an_anonymous_source_keeps_talking_and_is_no_scare_quote() {
    let ex = Extractor::new(Gazetteer::builtin());
    let text = "“It’s a disaster,” a European official told Politico. “Nobody knows the plan.”";
    let out = ex.extract(&[("t.txt", text)]);
    let q = &out.documents[0].quotes;
    assert_eq!(q.len(), 2);
    for x in q {
        assert_eq!(x.speaker, None);
        assert_eq!(x.speaker_mention.as_deref(), Some("a European official"));
        assert!(!x.scare_quote);
    }
}
