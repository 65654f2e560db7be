//! detente-extract: from news articles to a draft scenario.
//!
//! Reads plain-text articles and finds, with byte offsets into each file:
//! - **sentences** (robust to abbreviations such as U.S., Gov., Mr. and to quotes and numbers),
//! - **direct quotations** (straight and curly double quotes, multi-sentence, broken by an
//!   attribution, nested single quotes; unbalanced quotes are reported as [`text::Problem`]s;
//!   short scare quotes and terms are kept but marked),
//! - the **speaker** of each quotation (verbs of saying in either order, "told CNN",
//!   "according to", the sentence before, pronoun and role carry-over; `None` rather than a guess),
//! - **actors** (a [`gazetteer::Gazetteer`] of names, aliases and roles; unknown capitalised
//!   speakers are reported too),
//! - **issues** each sentence and quotation touches (keyword lexicons, [`issues::IssueDef`]),
//! - **numeric claims** (money, percentages, counts, dates) with claimant, and flags where
//!   claims about the same quantity disagree.
//!
//! [`Extractor::extract`] returns plain values ([`Extraction`]); [`Extraction::draft`] turns
//! them into a draft scenario ([`Draft`]) whose evidence quotes are verbatim from the sources.
//! Rendering (JSON, TOML) is the CLI's job. Nothing here panics on any input text.

pub mod analyse;
pub mod claims;
pub mod corpus;
pub mod draft;
pub mod gazetteer;
pub mod hash;
pub mod input;
pub mod issues;
pub mod lexicon;
pub mod marks;
pub mod people;
pub mod text;

use analyse::{AliasIndex, Doc, Who};
use claims::ClaimKind;
use detente_scenario::{ActorKind, Scenario};
use gazetteer::{Entry, Gazetteer};
use issues::{IssueDef, IssueIndex};
use std::collections::HashMap;
use text::Problem;

/// The configured extractor: gazetteer and issue lexicons. Cheap to share across threads.
pub struct Extractor {
    gazetteer: Gazetteer,
    aliases: AliasIndex,
    issues: Vec<IssueDef>,
    issue_index: IssueIndex,
    unknown_issue_aliases: Vec<String>,
}

/// A quotation found in a document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Quote {
    /// Byte offsets of the quoted text (without the marks) in the file.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Canonical name of the speaking actor, `None` when nobody can be named.
    pub speaker: Option<String>,
    /// The words that name the speaker here ("he", "the Ukrainian leader", "a diplomat").
    pub speaker_mention: Option<String>,
    /// A short phrase in quotes that is nobody's reported words (a term, title, scare quote).
    pub scare_quote: bool,
    /// Ids of the issues the quotation (and its sentence) touches.
    pub issues: Vec<String>,
    /// For each issue tagged by the quotation's own words: the words that matched.
    pub issue_words: Vec<IssueWords>,
    /// How sure the attribution is (0–1): a name next to the quotation 0.95, a turn label
    /// 0.95, a pronoun or description 0.8, carried over from an earlier quotation 0.7, a
    /// headline matched to the body 0.6; `None` without a speaker.
    pub speaker_confidence: Option<f64>,
    /// Index of the speaker in [`Extraction::actors`].
    #[serde(skip)]
    pub actor: Option<usize>,
}

/// The words of a quotation that tagged it with an issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IssueWords {
    pub issue: String,
    pub words: Vec<String>,
}

/// A reference to a claim elsewhere in the corpus.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimRef {
    pub document: usize,
    pub claim: usize,
}

/// A numeric claim.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Claim {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: ClaimKind,
    /// The number in base units (dollars, percent, items, the year for dates).
    pub value: f64,
    /// `USD`/`EUR`/`GBP`, `percent`, the counted noun, or `year`/`month`/`day`/`decade`.
    pub unit: String,
    /// Who makes the claim (quotation speaker, "according to X", subject of a verb of saying).
    pub claimant: Option<String>,
    /// What the number is about, when it can be told (`money:USD:aid`); claims with the same
    /// quantity are compared.
    pub quantity: Option<String>,
    /// Another claim about the same quantity, by a different claimant, gives a different
    /// number.
    pub disputed: bool,
    pub conflicts_with: Vec<ClaimRef>,
    /// Why the claim is flagged: the quantity and the figures and claimants that disagree.
    pub reason: Option<String>,
    pub issues: Vec<String>,
}

/// An actor as seen in one document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocActor {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub speaks_for: Option<String>,
    /// In the gazetteer (false: an unknown name found as a speaker).
    pub known: bool,
    pub mentions: usize,
    pub quotes: usize,
}

/// A sentence with the issues it touches (only sentences with at least one issue are listed).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TaggedSentence {
    pub start: usize,
    pub end: usize,
    pub issues: Vec<String>,
}

/// Findings for one document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Document {
    pub path: String,
    pub quotes: Vec<Quote>,
    pub claims: Vec<Claim>,
    pub actors: Vec<DocActor>,
    pub sentences: Vec<TaggedSentence>,
    /// Unbalanced quotation marks and similar oddities, with line:column.
    pub problems: Vec<Problem>,
}

/// An actor of the whole corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    /// Index into [`Extraction::actors`].
    pub speaks_for: Option<usize>,
    pub aliases: Vec<String>,
    pub known: bool,
    pub mentions: usize,
    pub quotes: usize,
}

/// Findings for a corpus of documents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Extraction {
    pub documents: Vec<Document>,
    #[serde(skip)]
    pub actors: Vec<Actor>,
    #[serde(skip)]
    pub issues: Vec<IssueDef>,
}

/// Per-document findings before actors are numbered corpus-wide.
struct Partial {
    doc: Document,
    quote_who: Vec<Option<Who>>,
    claim_who: Vec<Option<Who>>,
    claim_keys: Vec<Option<String>>,
    /// Keys for comparing claims of different claimants within the document.
    local_keys: Vec<Option<String>>,
    mention_counts: HashMap<usize, usize>,
    /// Unknown speakers with the state a demonym suggests.
    unknown_for: HashMap<String, Option<usize>>,
}

fn bits_to_ids(bits: u64, issues: &[IssueDef]) -> Vec<String> {
    issues
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && bits & (1 << i) != 0)
        .map(|(_, d)| d.id.clone())
        .collect()
}

impl Extractor {
    /// An extractor with the given gazetteer and the built-in flagship issues.
    pub fn new(gazetteer: Gazetteer) -> Extractor {
        Extractor::with_issues(gazetteer, IssueDef::builtin())
    }

    /// An extractor with the given gazetteer and issues. The gazetteer's issue aliases are
    /// added to the lexicons of the issues with their ids (see
    /// [`Extractor::unknown_issue_aliases`] for ids that match no issue).
    pub fn with_issues(gazetteer: Gazetteer, mut issues: Vec<IssueDef>) -> Extractor {
        let mut unknown_issue_aliases = Vec::new();
        for (id, words) in &gazetteer.issue_aliases {
            match issues.iter_mut().find(|i| &i.id == id) {
                Some(i) => {
                    for w in words {
                        if !i.keywords.contains(w) {
                            i.keywords.push(w.clone());
                        }
                    }
                }
                None => unknown_issue_aliases.push(id.clone()),
            }
        }
        let aliases = AliasIndex::new(&gazetteer);
        let issue_index = IssueIndex::new(&issues);
        Extractor {
            gazetteer,
            aliases,
            issues,
            issue_index,
            unknown_issue_aliases,
        }
    }

    /// Ids of gazetteer `[[issues]]` aliases that match none of the extractor's issues.
    pub fn unknown_issue_aliases(&self) -> &[String] {
        &self.unknown_issue_aliases
    }

    /// An extractor for a scenario: its issues (with lexicons) and its actors added to the
    /// gazetteer (aliases of an existing id are merged in).
    pub fn for_scenario(mut gazetteer: Gazetteer, scenario: &Scenario) -> Extractor {
        for a in &scenario.actors {
            let speaks_for = a
                .speaks_for
                .and_then(|i| scenario.actors.get(i))
                .map(|s| s.id.clone());
            match gazetteer.entries.iter_mut().find(|e| e.id == a.id) {
                Some(e) => {
                    for al in std::iter::once(&a.name).chain(a.aliases.iter()) {
                        if *al != e.name && !e.aliases.contains(al) {
                            e.aliases.push(al.clone());
                        }
                    }
                    if speaks_for.is_some() {
                        e.speaks_for = speaks_for;
                    }
                }
                None => gazetteer.entries.push(Entry {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    kind: a.kind,
                    speaks_for,
                    aliases: a.aliases.clone(),
                    roles: Vec::new(),
                    demonyms: Vec::new(),
                }),
            }
        }
        // names are not issue words: every issue's text mentions the parties
        let names: std::collections::HashSet<String> = gazetteer
            .entries
            .iter()
            .flat_map(|e| {
                std::iter::once(&e.name)
                    .chain(&e.aliases)
                    .chain(&e.demonyms)
            })
            .flat_map(|n| n.split_whitespace().map(|w| w.to_lowercase()))
            .collect();
        Extractor::with_issues(gazetteer, IssueDef::from_scenario(scenario, &names))
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    pub fn issues(&self) -> &[IssueDef] {
        &self.issues
    }

    /// Extract findings from documents given as (path, text), in this thread.
    pub fn extract<P: AsRef<str>, T: AsRef<str>>(&self, docs: &[(P, T)]) -> Extraction {
        let partials: Vec<Partial> = docs
            .iter()
            .map(|(p, t)| self.document(p.as_ref(), t.as_ref()))
            .collect();
        self.assemble(partials)
    }

    /// [`Extractor::extract`] with the documents analysed in parallel (rayon's global pool).
    /// Each document is analysed on its own and the corpus is assembled in document order,
    /// so the result is identical to `extract` whatever the number of threads.
    pub fn extract_parallel<P: AsRef<str> + Sync, T: AsRef<str> + Sync>(
        &self,
        docs: &[(P, T)],
    ) -> Extraction {
        use rayon::prelude::*;
        let partials: Vec<Partial> = docs
            .par_iter()
            .map(|(p, t)| self.document(p.as_ref(), t.as_ref()))
            .collect();
        self.assemble(partials)
    }

    fn document(&self, path: &str, text: &str) -> Partial {
        let mut problems = Vec::new();
        let doc = Doc::new(text, &self.gazetteer, &self.aliases, &mut problems);
        let attributions = analyse::attribute(&doc);

        // issues per sentence
        // ASCII lowercase keeps byte offsets; lexicons are matched in lowercase
        let lower_text = text.to_ascii_lowercase();
        let lower: Vec<&str> = doc
            .tokens
            .iter()
            .map(|t| &lower_text[t.start..t.end])
            .collect();
        let sent_bits: Vec<u64> = doc
            .sent_tok
            .iter()
            .map(|r| self.issue_index.tag(&lower[r.clone()]))
            .collect();
        let sentences = doc
            .sentences
            .iter()
            .zip(&sent_bits)
            .filter(|(_, b)| **b != 0)
            .map(|(r, b)| TaggedSentence {
                start: r.start,
                end: r.end,
                issues: bits_to_ids(*b, &self.issues),
            })
            .collect();

        let mut quotes = Vec::with_capacity(doc.quotes.len());
        let mut quote_who = Vec::with_capacity(doc.quotes.len());
        for (qi, (q, a)) in doc.quotes.iter().zip(&attributions).enumerate() {
            let qt = doc.quote_tok[qi].clone();
            // a quotation's own words decide its issues; only when they name none (a short or
            // elliptic quotation) does the sentence around it
            let mut bits = self.issue_index.tag(&lower[qt.clone()]);
            let mut issue_words: Vec<IssueWords> = Vec::new();
            for (i, w) in self.issue_index.matches(&lower[qt.clone()]) {
                let id = &self.issues[i].id;
                match issue_words.iter_mut().find(|x| &x.issue == id) {
                    Some(x) if !x.words.contains(&w) => x.words.push(w),
                    Some(_) => {}
                    None => issue_words.push(IssueWords {
                        issue: id.clone(),
                        words: vec![w],
                    }),
                }
            }
            if bits == 0 && !qt.is_empty() {
                let s0 = doc.tok_sentence[qt.start] as usize;
                let s1 = doc.tok_sentence[qt.end - 1] as usize;
                for b in &sent_bits[s0..=s1] {
                    bits |= b;
                }
            }
            let inner = &text[q.inner.clone()];
            let words = inner.split_whitespace().count();
            let terminal = inner.trim_end().ends_with(['.', '!', '?']);
            // nobody's words: a term, or a short phrase nobody (not even "an official") says
            // (the writer's own "I asked if … “…”" does not count as a source)
            let source_named = a
                .mention
                .as_ref()
                .is_some_and(|r| !matches!(&text[r.clone()], "I" | "we" | "We"));
            let scare = a.term || (a.who.is_none() && !source_named && words <= 3 && !terminal);
            quotes.push(Quote {
                start: q.inner.start,
                end: q.inner.end,
                text: inner.to_string(),
                speaker: None,
                speaker_mention: a
                    .mention
                    .clone()
                    .filter(|r| !r.is_empty())
                    .map(|r| text[r].to_string()),
                scare_quote: scare,
                issues: bits_to_ids(bits, &self.issues),
                issue_words,
                speaker_confidence: a.who.as_ref().map(|_| a.confidence),
                actor: None,
            });
            quote_who.push(a.who.clone());
        }

        // claims
        let raw = claims::find(&doc);
        let mut out_claims = Vec::with_capacity(raw.len());
        let mut claim_who = Vec::with_capacity(raw.len());
        let mut claim_keys = Vec::with_capacity(raw.len());
        let local_keys: Vec<Option<String>> =
            raw.iter().map(|c| claims::local_key(&doc, c)).collect();
        for c in &raw {
            let who = self.claimant(&doc, c, &attributions);
            let s = doc.tok_sentence[c.t0] as usize;
            claim_keys.push(claims::quantity_key(&doc, c));
            out_claims.push(Claim {
                start: c.start,
                end: c.end,
                text: text[c.start..c.end].to_string(),
                kind: c.kind,
                value: c.value,
                unit: c.unit.clone(),
                claimant: None,
                quantity: claim_keys.last().cloned().flatten(),
                disputed: false,
                conflicts_with: Vec::new(),
                reason: None,
                issues: bits_to_ids(sent_bits.get(s).copied().unwrap_or(0), &self.issues),
            });
            claim_who.push(who);
        }

        let mut mention_counts: HashMap<usize, usize> = HashMap::new();
        for m in &doc.mentions {
            if let Who::Known(i) = m.who {
                *mention_counts.entry(i).or_default() += 1;
            }
        }
        let mut unknown_for = HashMap::new();
        for w in quote_who.iter().chain(claim_who.iter()).flatten() {
            if let Who::Unknown(name) = w {
                unknown_for
                    .entry(name.clone())
                    .or_insert_with(|| analyse::demonym_near(&doc, &self.aliases, name));
            }
        }
        Partial {
            doc: Document {
                path: path.to_string(),
                quotes,
                claims: out_claims,
                actors: Vec::new(),
                sentences,
                problems,
            },
            quote_who,
            claim_who,
            claim_keys,
            local_keys,
            mention_counts,
            unknown_for,
        }
    }

    /// Who makes a claim: the speaker of the quotation it is in, "according to X" in its
    /// sentence, or the subject of a verb of saying earlier in its sentence.
    fn claimant(
        &self,
        doc: &Doc,
        c: &claims::RawClaim,
        attributions: &[analyse::Attribution],
    ) -> Option<Who> {
        let q = doc.tok_quote[c.t0];
        if q != u32::MAX {
            let who = attributions[q as usize].who.clone();
            // an unattributed question or quotation that itself names the source of the figure
            // ("[Question: The Institute for Maritime Security says 1,200 ships …]")
            if who.is_none() {
                return source_inside(doc, c.t0);
            }
            return who;
        }
        let s = doc.tok_sentence[c.t0] as usize;
        let sentence = doc.sent_tok[s].clone();
        // within the sentence, at most WINDOW tokens either side (linear on run-on text)
        let range = sentence.start.max(c.t0.saturating_sub(analyse::WINDOW))
            ..sentence.end.min(c.t1 + analyse::WINDOW);
        // "according to (the|a recent)? Name"
        for k in range.clone() {
            if doc.tok(k).eq_ignore_ascii_case("according")
                && k + 1 < range.end
                && doc.tok(k + 1) == "to"
            {
                let mut j = k + 2;
                while j < range.end
                    && matches!(doc.tok(j), "the" | "a" | "an" | "recent" | "new" | "latest")
                {
                    j += 1;
                }
                if let Some(m) = (j < doc.tokens.len())
                    .then(|| doc.mention_starting_at(j))
                    .flatten()
                {
                    return Some(m.who.clone());
                }
                let a = j;
                while j < range.end
                    && (j == a || doc.gap(j) == " ")
                    && (doc.tokens[j].cap
                        || (j > a
                            && matches!(doc.tok(j), "for" | "of" | "the" | "on")
                            && j + 1 < range.end
                            && (doc.tokens[j + 1].cap
                                || doc.tok(j + 1) == "the"
                                    && j + 2 < range.end
                                    && doc.tokens[j + 2].cap)))
                {
                    j += 1;
                }
                let mut e = j;
                while e > a
                    && matches!(
                        doc.tok(e - 1),
                        "Survey" | "Poll" | "Report" | "Study" | "Analysis" | "Data"
                    )
                {
                    e -= 1;
                }
                if e > a {
                    return Some(Who::Unknown(text_of(doc, a, e - 1).to_string()));
                }
            }
        }
        // subject of a verb of saying before the number in the same sentence
        doc_speaker_before(doc, range.start, c.t0)
    }

    fn assemble(&self, partials: Vec<Partial>) -> Extraction {
        let g = &self.gazetteer;
        // corpus actors: every gazetteer entry first (pruned at the end), then unknown speakers
        let mut actors: Vec<Actor> = g
            .entries
            .iter()
            .map(|e| Actor {
                id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind,
                speaks_for: e.speaks_for.as_deref().and_then(|s| g.index(s)),
                aliases: e.aliases.clone(),
                known: true,
                mentions: 0,
                quotes: 0,
            })
            .collect();
        // unknown names: merge a lone surname into a full name seen anywhere in the corpus
        let mut full_names: Vec<String> = Vec::new();
        for p in &partials {
            for name in p.unknown_for.keys() {
                if name.contains(' ') && !full_names.contains(name) {
                    full_names.push(name.clone());
                }
            }
        }
        full_names.sort();
        let canonical = |name: &str| -> String {
            if name.contains(' ') {
                return name.to_string();
            }
            full_names
                .iter()
                .find(|f| f.rsplit(' ').next() == Some(name))
                .cloned()
                .unwrap_or_else(|| name.to_string())
        };
        let mut unknown_index: HashMap<String, usize> = HashMap::new();
        let mut used_ids: Vec<String> = actors.iter().map(|a| a.id.clone()).collect();
        let mut resolve =
            |who: &Who, speaks_for: Option<usize>, actors: &mut Vec<Actor>| -> usize {
                match who {
                    Who::Known(i) => *i,
                    Who::Unknown(n) => {
                        let name = canonical(n);
                        if let Some(&i) = unknown_index.get(&name) {
                            if actors[i].speaks_for.is_none() {
                                actors[i].speaks_for = speaks_for;
                            }
                            return i;
                        }
                        let mut id = slug(&name);
                        if used_ids.contains(&id) {
                            let mut k = 2;
                            while used_ids.contains(&format!("{id}-{k}")) {
                                k += 1;
                            }
                            id = format!("{id}-{k}");
                        }
                        used_ids.push(id.clone());
                        actors.push(Actor {
                            id,
                            name: name.clone(),
                            kind: ActorKind::Person,
                            speaks_for,
                            aliases: if *n != name {
                                vec![n.clone()]
                            } else {
                                Vec::new()
                            },
                            known: false,
                            mentions: 0,
                            quotes: 0,
                        });
                        unknown_index.insert(name, actors.len() - 1);
                        actors.len() - 1
                    }
                }
            };

        let mut documents = Vec::with_capacity(partials.len());
        let mut keys: Vec<Vec<Option<String>>> = Vec::with_capacity(partials.len());
        let mut local: Vec<Vec<Option<String>>> = Vec::with_capacity(partials.len());
        for p in partials {
            let Partial {
                mut doc,
                quote_who,
                claim_who,
                claim_keys,
                local_keys,
                mention_counts,
                unknown_for,
            } = p;
            let mut doc_counts: HashMap<usize, (usize, usize)> = HashMap::new();
            for (&i, &c) in &mention_counts {
                actors[i].mentions += c;
                doc_counts.entry(i).or_default().0 += c;
            }
            for (q, w) in doc.quotes.iter_mut().zip(&quote_who) {
                if let Some(w) = w {
                    let sf = match w {
                        Who::Unknown(n) => unknown_for.get(n).copied().flatten(),
                        Who::Known(_) => None,
                    };
                    let i = resolve(w, sf, &mut actors);
                    actors[i].quotes += 1;
                    doc_counts.entry(i).or_default().1 += 1;
                    q.actor = Some(i);
                    q.speaker = Some(actors[i].name.clone());
                }
            }
            for (c, w) in doc.claims.iter_mut().zip(&claim_who) {
                if let Some(w) = w {
                    // an organisation named only as a claimant is reported by name, not as an actor
                    c.claimant = Some(match w {
                        Who::Known(i) => actors[*i].name.clone(),
                        Who::Unknown(n) => canonical(n),
                    });
                }
            }
            let mut list: Vec<(usize, (usize, usize))> = doc_counts.into_iter().collect();
            list.sort_by_key(|(i, _)| *i);
            doc.actors = list
                .into_iter()
                .map(|(i, (m, q))| {
                    let a = &actors[i];
                    DocActor {
                        id: a.id.clone(),
                        name: a.name.clone(),
                        kind: a.kind.as_str(),
                        speaks_for: a.speaks_for.map(|s| actors[s].id.clone()),
                        known: a.known,
                        mentions: m,
                        quotes: q,
                    }
                })
                .collect();
            documents.push(doc);
            keys.push(claim_keys);
            local.push(local_keys);
        }
        flag_disagreements(&mut documents, &keys);
        for (d, lk) in local.iter().enumerate() {
            claims::flag_local(&mut documents[d].claims, d, lk);
        }
        Extraction {
            documents,
            actors,
            issues: self.issues.clone(),
        }
    }
}

fn text_of<'a>(doc: &Doc<'a>, a: usize, b: usize) -> &'a str {
    &doc.text[doc.tokens[a].start..doc.tokens[b].end]
}

/// `X says` / `X said` earlier in the figure's sentence, where X is a name (an organisation's
/// name may have `for`/`of` inside: `Institute for Maritime Security`).
fn source_inside(doc: &Doc, t0: usize) -> Option<Who> {
    let s = doc.tok_sentence[t0] as usize;
    let q = doc.tok_quote[t0];
    let lo = doc.sent_tok[s]
        .start
        .max(if q != u32::MAX {
            doc.quote_tok[q as usize].start
        } else {
            0
        })
        .max(t0.saturating_sub(analyse::WINDOW));
    for k in (lo + 1..t0).rev() {
        if !matches!(doc.tok(k), "says" | "said") {
            continue;
        }
        if let Some(m) = doc.mentions_in(lo, k).last().filter(|m| m.t1 == k) {
            return Some(m.who.clone());
        }
        let mut a = k;
        while a > lo {
            let t = &doc.tokens[a - 1];
            let connector = matches!(doc.tok(a - 1), "for" | "of" | "on")
                && a - 1 > lo
                && doc.tokens[a - 2].cap
                && a < k;
            if (t.cap && !t.num) || connector {
                a -= 1;
            } else {
                break;
            }
        }
        while a < k && matches!(doc.tok(a), "The" | "the" | "A") {
            a += 1;
        }
        if a < k {
            return Some(Who::Unknown(text_of(doc, a, k - 1).to_string()));
        }
        return None;
    }
    None
}

fn doc_speaker_before(doc: &Doc, lo: usize, hi: usize) -> Option<Who> {
    match doc.speaker_before_pub(lo, hi) {
        analyse::Subject::Actor(w, _) => Some(w),
        _ => None,
    }
}

/// Most claims listed in one claim's `conflicts_with` (one per distinct differing value).
pub const MAX_CONFLICTS: usize = 8;

/// Flag claims about the same quantity whose values differ by more than 10%. Claims with the
/// same key are clustered by value (values within 10% of a cluster's smallest are the same
/// figure); each claim is linked to the first claim of every other cluster, at most
/// [`MAX_CONFLICTS`]. Linear in the number of claims apart from a sort per quantity.
fn flag_disagreements(documents: &mut [Document], keys: &[Vec<Option<String>>]) {
    let mut groups: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (d, ks) in keys.iter().enumerate() {
        for (c, k) in ks.iter().enumerate() {
            if let Some(k) = k {
                groups.entry(k.as_str()).or_default().push((d, c));
            }
        }
    }
    let mut keys_sorted: Vec<&&str> = groups.keys().collect();
    keys_sorted.sort();
    let mut updates: Vec<((usize, usize), Vec<ClaimRef>)> = Vec::new();
    for k in keys_sorted {
        let mut members = groups[*k].clone();
        members.sort_by(|a, b| {
            let va = documents[a.0].claims[a.1].value;
            let vb = documents[b.0].claims[b.1].value;
            va.total_cmp(&vb).then(a.cmp(b))
        });
        // clusters of (near-)equal values; representative = first in document order
        // (smallest value, representative, members), members as (document, claim)
        type Cluster = (f64, (usize, usize), Vec<(usize, usize)>);
        let mut clusters: Vec<Cluster> = Vec::new();
        for m in members {
            let v = documents[m.0].claims[m.1].value;
            match clusters.last_mut() {
                Some((lo, rep, ms)) if (v - *lo).abs() <= 0.10 * v.abs().max(lo.abs()) => {
                    if m < *rep {
                        *rep = m;
                    }
                    ms.push(m);
                }
                _ => clusters.push((v, m, vec![m])),
            }
        }
        if clusters.len() < 2 {
            continue;
        }
        let mut reps: Vec<(usize, usize)> = clusters.iter().map(|c| c.1).collect();
        reps.sort();
        let claimant = |m: (usize, usize)| documents[m.0].claims[m.1].claimant.as_deref();
        for (ci, (_, _, ms)) in clusters.iter().enumerate() {
            for &m in ms {
                // one claim of every other value, by a different claimant (a claimant who gives
                // two figures for one quantity is not disagreeing with themself)
                let others: Vec<ClaimRef> = clusters
                    .iter()
                    .enumerate()
                    .filter(|(cj, _)| *cj != ci)
                    .filter_map(|(_, (_, _, os))| {
                        let mut os = os.clone();
                        os.sort();
                        os.into_iter()
                            .find(|&o| claimant(o).is_none() || claimant(o) != claimant(m))
                    })
                    .take(MAX_CONFLICTS)
                    .map(|(document, claim)| ClaimRef { document, claim })
                    .collect();
                if !others.is_empty() {
                    updates.push((m, others));
                }
            }
        }
    }
    for ((d, c), refs) in updates {
        let reason = claims::reason(documents, d, c, &refs);
        let claim = &mut documents[d].claims[c];
        claim.disputed = true;
        claim.conflicts_with = refs;
        claim.reason = Some(reason);
    }
}

/// A lowercase id made from a name: "Yehor Chernev" → "yehor-chernev".
pub fn slug(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() {
        s.push_str("actor");
    }
    s
}
