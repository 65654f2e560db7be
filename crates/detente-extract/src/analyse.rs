//! Finding actors and attributing quotations to speakers within one document.

use crate::gazetteer::Gazetteer;
use crate::hash::FastMap;
use crate::lexicon::*;
use crate::people::{self, Gender};
use crate::text::{QuoteSpan, Token};
use std::collections::HashMap;
use std::ops::Range;

const NONE: u32 = u32::MAX;

/// Who a mention refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    /// A gazetteer entry (index).
    Known(usize),
    /// A capitalised name not in the gazetteer (full name as first written).
    Unknown(String),
}

/// A mention of an actor in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Token range (end exclusive).
    pub t0: usize,
    pub t1: usize,
    /// Byte range.
    pub start: usize,
    pub end: usize,
    pub who: Who,
    pub person: bool,
    pub possessive: bool,
    pub in_quote: bool,
}

/// One alias: the words after the first, which words are possessive ("Ukraine’s foreign
/// minister"), and the gazetteer entry.
struct AliasTail {
    rest: Vec<String>,
    possessive: Vec<bool>,
    entry: usize,
}

/// Alias lookup built from a gazetteer: first token → aliases starting with it, longest first.
pub struct AliasIndex {
    map: FastMap<String, Vec<AliasTail>>,
    pub demonyms: FastMap<String, usize>,
}

impl AliasIndex {
    pub fn new(g: &Gazetteer) -> AliasIndex {
        let mut map: FastMap<String, Vec<AliasTail>> = FastMap::default();
        let mut demonyms = FastMap::default();
        for (i, e) in g.entries.iter().enumerate() {
            let names = std::iter::once(&e.name)
                .chain(e.aliases.iter())
                .chain(e.roles.iter());
            for n in names {
                let tokens = crate::text::tokenize(n);
                let mut toks: Vec<String> = tokens.iter().map(|t| t.text(n).to_string()).collect();
                if toks.is_empty() {
                    continue;
                }
                if toks[0] == "The" {
                    toks[0] = "the".into();
                }
                let possessive: Vec<bool> = tokens.iter().map(|t| t.possessive).collect();
                let first = toks.remove(0);
                let v = map.entry(first).or_default();
                if !v.iter().any(|a| a.rest == toks && a.entry == i) {
                    v.push(AliasTail {
                        rest: toks,
                        possessive,
                        entry: i,
                    });
                }
            }
            for d in &e.demonyms {
                demonyms.insert(d.clone(), i);
            }
        }
        for v in map.values_mut() {
            v.sort_by_key(|x| std::cmp::Reverse(x.rest.len()));
        }
        AliasIndex { map, demonyms }
    }
}

/// One analysed document: tokens, sentences, quotations, mentions.
pub struct Doc<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<Range<usize>>,
    /// Token range of each sentence.
    pub sent_tok: Vec<Range<usize>>,
    pub para_of_sentence: Vec<usize>,
    pub tok_sentence: Vec<u32>,
    pub tok_quote: Vec<u32>,
    pub quotes: Vec<QuoteSpan>,
    pub quote_tok: Vec<Range<usize>>,
    pub mentions: Vec<Mention>,
    /// Mention covering each token (index into `mentions`).
    pub tok_mention: Vec<u32>,
    /// Last word of unknown multi-word names → first such mention.
    surnames: FastMap<&'a str, usize>,
    /// Unknown name → its first mention.
    first_unknown: HashMap<String, usize>,
    /// Word-final parts of unknown full names, lowercase → the full name (`bin saleh` →
    /// `Tariq bin Saleh`).
    name_tails: HashMap<String, String>,
    /// The gender each person is known to have (given name, title, "spokeswoman").
    genders: HashMap<Who, Gender>,
    /// Role words of each gazetteer entry's roles ("the British prime minister").
    known_roles: Vec<Vec<String>>,
}

/// How many tokens before a quotation are searched for its speaker.
pub const WINDOW: usize = 80;

/// How many mentions back a pronoun may refer.
pub const PRONOUN_WINDOW: usize = 400;

/// Index of the first token starting at or after `offset`.
fn first_token_at(tokens: &[Token], offset: usize) -> usize {
    tokens.partition_point(|t| t.start < offset)
}

impl<'a> Doc<'a> {
    pub fn new(
        text: &'a str,
        g: &Gazetteer,
        idx: &AliasIndex,
        problems: &mut Vec<crate::text::Problem>,
    ) -> Doc<'a> {
        let tokens = crate::text::tokenize(text);
        let paragraphs = crate::text::paragraphs(text);
        let sentences = crate::text::sentences(text, &paragraphs);
        let quotes = crate::text::quotations(text, &paragraphs, problems);
        let n = tokens.len();
        let mut tok_sentence = vec![NONE; n];
        let mut sent_tok = Vec::with_capacity(sentences.len());
        let mut para_of_sentence = Vec::with_capacity(sentences.len());
        let mut p = 0;
        for (si, s) in sentences.iter().enumerate() {
            let a = first_token_at(&tokens, s.start);
            let b = first_token_at(&tokens, s.end);
            for t in &mut tok_sentence[a..b] {
                *t = si as u32;
            }
            sent_tok.push(a..b);
            while p + 1 < paragraphs.len() && paragraphs[p].end < s.start {
                p += 1;
            }
            para_of_sentence.push(p);
        }
        let mut tok_quote = vec![NONE; n];
        let mut quote_tok = Vec::with_capacity(quotes.len());
        for (qi, q) in quotes.iter().enumerate() {
            let a = first_token_at(&tokens, q.inner.start);
            let b = first_token_at(&tokens, q.inner.end);
            for t in &mut tok_quote[a..b] {
                *t = qi as u32;
            }
            quote_tok.push(a..b);
        }
        let mut doc = Doc {
            text,
            tokens,
            paragraphs,
            sentences,
            sent_tok,
            para_of_sentence,
            tok_sentence,
            tok_quote,
            quotes,
            quote_tok,
            mentions: Vec::new(),
            tok_mention: vec![NONE; n],
            surnames: FastMap::default(),
            first_unknown: HashMap::new(),
            name_tails: HashMap::new(),
            genders: HashMap::new(),
            known_roles: Vec::new(),
        };
        doc.find_mentions(g, idx);
        doc.find_genders(g);
        doc
    }

    pub fn tok(&self, i: usize) -> &'a str {
        self.tokens[i].text(self.text)
    }

    /// Text between token `i - 1` and token `i`.
    pub fn gap(&self, i: usize) -> &'a str {
        if i == 0 || i >= self.tokens.len() {
            return "";
        }
        &self.text[self.tokens[i - 1].end..self.tokens[i].start]
    }

    fn find_mentions(&mut self, g: &Gazetteer, idx: &AliasIndex) {
        let n = self.tokens.len();
        let mut i = 0;
        while i < n {
            let t = self.tok(i);
            let key = if t == "The" { "the" } else { t };
            let mut matched = None;
            if let Some(cands) = idx.map.get(key) {
                for a in cands {
                    if i + a.rest.len() >= n {
                        continue;
                    }
                    let ok = a.rest.iter().enumerate().all(|(k, r)| {
                        let j = i + 1 + k;
                        let poss = self.tokens[j - 1].possessive;
                        let gap = self.gap(j);
                        self.tok(j) == r
                            && poss == a.possessive[k]
                            && if poss {
                                matches!(gap, "’s " | "'s ")
                            } else {
                                gap.chars().all(|c| c == ' ')
                            }
                    });
                    if ok {
                        matched = Some((a.rest.len() + 1, a.entry));
                        break;
                    }
                }
            }
            if let Some((len, e)) = matched {
                let last = i + len - 1;
                self.push_mention(
                    i,
                    i + len,
                    Who::Known(e),
                    g.entries[e].is_person(),
                    self.tokens[last].possessive,
                );
                i += len;
            } else {
                i += 1;
            }
        }
        self.find_unknown_names();
        self.mentions.sort_by_key(|m| m.t0);
        for (k, m) in self.mentions.iter().enumerate() {
            for t in &mut self.tok_mention[m.t0..m.t1] {
                *t = k as u32;
            }
            if let Who::Unknown(name) = &m.who {
                self.first_unknown.entry(name.clone()).or_insert(k);
                if m.t1 - m.t0 >= 2 {
                    let text = self.text;
                    self.surnames
                        .entry(self.tokens[m.t1 - 1].text(text))
                        .or_insert(k);
                }
            }
        }
    }

    /// Unknown names: runs of capitalised words (two to four, not counting particles), joined
    /// by spaces or hyphens, with name particles inside (`Ingrid van der Berg`, `Amira
    /// al-Khatib`, `Jean-Luc de la Fontaine`). A later shorter form (`Bin Saleh`, `de la
    /// Fontaine`, `O'Sullivan`) joins the full name seen earlier.
    fn find_unknown_names(&mut self) {
        let n = self.tokens.len();
        let mut i = 0;
        while i < n {
            let particle = is_particle(self.tok(i)) && !self.tokens[i].cap;
            if (!self.is_name_word(i) && !particle) || self.tok_mention[i] != NONE {
                i += 1;
                continue;
            }
            let mut last = None;
            let mut k = i;
            while k < n && self.tok_mention[k] == NONE && k < i + 8 {
                if k > i && (self.tokens[k - 1].possessive || !matches!(self.gap(k), " " | "-")) {
                    break;
                }
                if self.is_name_word(k) && !(k > i && NOT_NAME_WORDS.contains(&self.tok(k))) {
                    last = Some(k);
                } else if !is_particle(self.tok(k)) {
                    break;
                }
                k += 1;
            }
            let Some(l) = last else {
                i += 1;
                continue;
            };
            let j = l + 1;
            let mut a = i;
            while a < j && (TITLES.contains(&self.tok(a)) || NOT_NAME_WORDS.contains(&self.tok(a)))
            {
                a += 1;
            }
            // "Labor Secretary Julie Su", "Trade Minister Chidi Okeke": the name starts after
            // the office's head word
            if let Some(h) = (a..j.saturating_sub(2))
                .rev()
                .find(|&k| TITLE_HEADS.contains(&self.tok(k)))
            {
                a = h + 1;
            }
            if a >= j {
                i = j;
                continue;
            }
            let name = &self.text[self.tokens[a].start..self.tokens[j - 1].end];
            let words = (a..j).filter(|&k| self.is_name_word(k)).count();
            let poss = self.tokens[j - 1].possessive;
            // "Institute for Maritime Security", "Union of Rail Workers": part of a name that
            // is not a person's
            let org_tail = a > 1
                && matches!(self.tok(a - 1), "for" | "of" | "on")
                && self.tokens[a - 2].cap
                && self.gap(a) == " ";
            if org_tail {
                i = j;
                continue;
            }
            // "Le Monde", "Die Zeit", "El País": a publication or institution, not a person
            let foreign_article = matches!(
                self.tok(a),
                "Le" | "La" | "Les" | "Il" | "El" | "Die" | "Der" | "Das" | "Het"
            ) && words == 2;
            if let Some(full) = self.earlier_full_name(name) {
                self.push_mention(a, j, Who::Unknown(full), true, poss);
            } else if !particle
                && !foreign_article
                && (2..=4).contains(&words)
                && name.contains(' ')
                && !NOT_PERSON_LAST.contains(&self.tok(j - 1))
            {
                let name = name.to_string();
                self.add_name_tails(&name);
                self.push_mention(a, j, Who::Unknown(name), true, poss);
            }
            i = j;
        }
    }

    /// An earlier unknown full name that ends with `name` (case-insensitive, at a word
    /// boundary): `Bin Saleh`, `von Alten`, `O'Sullivan` → `Tariq bin Saleh`, ….
    fn earlier_full_name(&self, name: &str) -> Option<String> {
        self.name_tails.get(&name.to_lowercase()).cloned()
    }

    /// Record the word-final parts of a new unknown full name for [`Doc::earlier_full_name`].
    fn add_name_tails(&mut self, full: &str) {
        let lower = full.to_lowercase();
        for (k, c) in lower.char_indices() {
            if c == ' ' || c == '-' {
                self.name_tails
                    .insert(lower[k + 1..].to_string(), full.to_string());
            }
        }
    }

    /// Whether quotation `qi` (opening sentence `s_open` at token `t0`) continues the
    /// speaker of the quotation `p` before it: the next sentence of the same paragraph, a
    /// paragraph that is only a quotation after an attributed one, the same paragraph with
    /// nobody else named in between, or the paragraph after an unclosed quotation.
    fn continues_previous(&self, qi: usize, p: usize, s_open: usize, t0: usize) -> bool {
        let doc = self;
        let pq = &doc.quotes[p];
        let pe = doc.quote_tok[p]
            .end
            .saturating_sub(1)
            .max(doc.quote_tok[p].start);
        let ps = doc.tok_sentence[pe] as usize;
        let same_para = doc.para_of_sentence[ps] == doc.para_of_sentence[s_open];
        let opens_sentence = doc.sent_tok[s_open].start == t0;
        // the same paragraph goes on with no one else named in between (at most two
        // sentences on): "…,” he said. It was a familiar line. What followed: “…”"
        let nobody_between = || {
            doc.mentions_in(doc.quote_tok[p].end, t0)
                .iter()
                .all(|m| m.in_quote || !m.person)
        };
        // …unless the quotation's own sentence names a speaker that could not be resolved
        // ("the operator said …"): then nobody rather than the previous speaker
        let own_verb = || {
            let r = doc.sent_tok[s_open].clone();
            (r.start.max(t0.saturating_sub(WINDOW))..r.end.min(t0 + WINDOW))
                .any(|k| doc.tok_quote[k] == NONE && doc.verb(k).is_some())
        };
        // a paragraph that is only a quotation continues the speaker of the paragraph
        // before when that one ended with an attributed quotation (wire style)
        let quote_paragraph = pq.label.is_none()
            && doc.para_start(t0)
            && doc.para_of_sentence[s_open] == doc.para_of_sentence[ps] + 1
            && !same_para
            && {
                let para = &doc.paragraphs[doc.para_of_sentence[s_open]];
                let q = &doc.quotes[qi];
                doc.text[q.close_end.min(para.end)..para.end]
                    .trim()
                    .is_empty()
                    && doc.text[para.start..q.open].trim().is_empty()
            }
            && {
                let prev_para = &doc.paragraphs[doc.para_of_sentence[ps]];
                doc.quotes[p].close_end + 40 >= prev_para.end
            };
        (same_para && opens_sentence && s_open <= ps + 1)
            || quote_paragraph
            || (same_para && s_open <= ps + 2 && s_open > ps && nobody_between() && !own_verb())
            || (pq.unclosed && doc.para_of_sentence[s_open] == doc.para_of_sentence[ps] + 1)
    }
    /// `joint statement` / `joint declaration` / `jointly` outside quotations in sentence `s`.
    fn joint_statement(&self, s: usize, t0: usize) -> Option<Range<usize>> {
        let r = self.sent_tok[s].clone();
        let r = r.start.max(t0.saturating_sub(WINDOW))..r.end.min(t0 + WINDOW);
        for k in r.clone() {
            if self.tok_quote[k] != NONE {
                continue;
            }
            let t = self.tok(k);
            if t == "jointly" {
                return Some(self.range(k, k));
            }
            if t.eq_ignore_ascii_case("joint")
                && k + 1 < r.end
                && matches!(
                    self.tok(k + 1),
                    "statement" | "declaration" | "communique" | "communiqué" | "letter"
                )
            {
                return Some(self.range(k, k + 1));
            }
        }
        None
    }

    /// Token `t` is the first of its paragraph (after any opening mark).
    pub fn para_start(&self, t: usize) -> bool {
        t == 0
            || self.para_of_sentence[self.tok_sentence[t] as usize]
                != self.para_of_sentence[self.tok_sentence[t - 1] as usize]
    }

    fn is_name_word(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        if !t.cap || t.num {
            return false;
        }
        let s = t.text(self.text);
        // all-caps words (NATO, CNN, headlines) are not personal names
        s.chars().any(|c| c.is_lowercase()) && !s.contains('.')
    }

    fn push_mention(&mut self, t0: usize, t1: usize, who: Who, person: bool, possessive: bool) {
        let start = self.tokens[t0].start;
        let end = self.tokens[t1 - 1].end;
        let in_quote = self.tok_quote[t0] != NONE;
        for t in &mut self.tok_mention[t0..t1] {
            *t = 0; // provisional marker; fixed after sorting
        }
        self.mentions.push(Mention {
            t0,
            t1,
            start,
            end,
            who,
            person,
            possessive,
            in_quote,
        });
    }

    fn mention_ending_at(&self, j: usize) -> Option<&Mention> {
        let m = self.tok_mention[j];
        if m == NONE {
            return None;
        }
        let m = &self.mentions[m as usize];
        (m.t1 == j + 1).then_some(m)
    }

    pub fn mention_starting_at(&self, j: usize) -> Option<&Mention> {
        let m = self.tok_mention[j];
        if m == NONE {
            return None;
        }
        let m = &self.mentions[m as usize];
        (m.t0 == j).then_some(m)
    }

    /// Mentions starting in tokens `a..b` (mentions are sorted by position).
    pub fn mentions_in(&self, a: usize, b: usize) -> &[Mention] {
        let lo = self.mentions.partition_point(|m| m.t0 < a);
        let hi = self.mentions.partition_point(|m| m.t0 < b);
        &self.mentions[lo..hi.max(lo)]
    }

    /// The nearest person mentioned (outside quotations) before byte `offset` whose gender
    /// fits the pronoun `pronoun`, looking back over at most [`PRONOUN_WINDOW`] mentions.
    pub fn resolve_pronoun(&self, offset: usize, pronoun: &str) -> Option<&Mention> {
        let need = people::pronoun_gender(pronoun);
        let hi = self.mentions.partition_point(|m| m.start < offset);
        self.mentions[..hi]
            .iter()
            .rev()
            .take(PRONOUN_WINDOW)
            .filter(|m| m.end <= offset && !m.in_quote && m.person)
            .filter(|m| !self.prepositional_object(m, offset))
            .find(|m| self.gender_of(&m.who).fits(need))
    }

    /// A person named after a preposition in the same sentence as the pronoun at `offset`
    /// ("Speaking alongside the union's lawyer, Sipho Ndlovu, she added"): not its antecedent.
    fn prepositional_object(&self, m: &Mention, offset: usize) -> bool {
        let sent = self.tok_sentence[m.t0];
        let p = first_token_at(&self.tokens, offset).min(self.tokens.len().saturating_sub(1));
        if self.tok_sentence[p] != sent {
            return false;
        }
        let lo = m.t0.saturating_sub(6);
        (lo..m.t0)
            .rev()
            .take_while(|&k| self.tok_sentence[k] == sent)
            .any(|k| {
                matches!(
                    self.tok(k),
                    "alongside"
                        | "with"
                        | "beside"
                        | "to"
                        | "by"
                        | "against"
                        | "than"
                        | "from"
                        | "after"
                        | "before"
                        | "for"
                        | "behind"
                        | "Alongside"
                        | "With"
                        | "After"
                ) && (k + 1..m.t0).all(|x| self.verb(x).is_none())
            })
    }

    pub fn gender_of(&self, who: &Who) -> Gender {
        self.genders.get(who).copied().unwrap_or(Gender::Unknown)
    }

    /// Gender of every person mentioned: from the given name, a title before a mention
    /// (`Ms.`, `Sir`) or a gendered role word right after it (`, a spokeswoman`).
    fn find_genders(&mut self, g: &Gazetteer) {
        self.known_roles = g
            .entries
            .iter()
            .map(|e| {
                e.roles
                    .iter()
                    .flat_map(|r| r.split_whitespace())
                    .map(|w| w.to_lowercase())
                    .collect()
            })
            .collect();
        for m in &self.mentions {
            if !m.person {
                continue;
            }
            let name: &str = match &m.who {
                Who::Known(e) => &g.entries[*e].name,
                Who::Unknown(n) => n,
            };
            let first = name.split([' ', '-']).next().unwrap_or("");
            let mut gender = people::name_gender(first);
            if gender == Gender::Unknown && m.t0 > 0 {
                gender = people::title_gender(self.tok(m.t0 - 1));
            }
            for k in m.t1..(m.t1 + 5).min(self.tokens.len()) {
                if gender != Gender::Unknown || self.tok_sentence[k] != self.tok_sentence[m.t0] {
                    break;
                }
                gender = people::role_gender(self.tok(k));
            }
            if gender != Gender::Unknown {
                self.genders.entry(m.who.clone()).or_insert(gender);
            }
        }
    }

    /// The first unknown multi-word name in the document whose last word is `surname`.
    fn by_surname(&self, surname: &str, before: usize) -> Option<&Mention> {
        let &k = self.surnames.get(surname)?;
        let m = &self.mentions[k];
        (m.start < before).then_some(m)
    }

    /// The first mention of an unknown name.
    pub fn first_mention_of(&self, name: &str) -> Option<&Mention> {
        self.first_unknown.get(name).map(|&k| &self.mentions[k])
    }
}

/// The outcome of looking for a speaker.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// A named actor, with the byte range of the words that name it.
    Actor(Who, Range<usize>),
    /// Someone unnamed ("a senior official", "I").
    Anonymous(Range<usize>),
    /// "the statement said": the previous speaker's document.
    CarryOver(Range<usize>),
    NotFound,
}

/// Head words of an office in a title before a name (`Labor Secretary Julie Su`).
const TITLE_HEADS: &[&str] = &[
    "Secretary",
    "Minister",
    "President",
    "Chancellor",
    "Ambassador",
    "Envoy",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Senator",
    "Governor",
    "Commissioner",
    "Director",
    "Chief",
    "General",
    "Admiral",
    "Mayor",
    "Premier",
    "Representative",
    "Judge",
    "Prosecutor",
];

/// Lowercase words inside names: `da Silva`, `van der Berg`, `bin Saleh`, `al-Khatib`.
pub fn is_particle(s: &str) -> bool {
    matches!(
        s,
        "da" | "do"
            | "dos"
            | "das"
            | "de"
            | "del"
            | "della"
            | "di"
            | "du"
            | "la"
            | "le"
            | "van"
            | "von"
            | "der"
            | "den"
            | "ter"
            | "ten"
            | "bin"
            | "ibn"
            | "bint"
            | "al"
            | "el"
            | "y"
            | "zu"
            | "af"
            | "av"
    )
}

fn is_pronoun(s: &str) -> bool {
    matches!(s, "he" | "she" | "He" | "She")
}

/// What kind of verb of saying token `k` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Finite,
    Ing,
    Noun,
    According,
    /// `Said X, …: “…”` at the start of a sentence.
    Inverted,
}

impl<'a> Doc<'a> {
    fn verb(&self, k: usize) -> Option<Verb> {
        let t = self.tok(k);
        if matches!(t, "Said" | "Says") {
            return Some(Verb::Inverted);
        }
        if self.tokens[k].cap && t != "According" {
            return None;
        }
        let next = (k + 1 < self.tokens.len()).then(|| self.tok(k + 1));
        if t == "according" || t == "According" {
            return (next == Some("to")).then_some(Verb::According);
        }
        if t == "put" {
            return (next == Some("it")).then_some(Verb::Finite);
        }
        if t == "called"
            && k > 0
            && matches!(
                self.tok(k - 1),
                "been" | "being" | "is" | "was" | "so" | "are" | "were"
            )
        {
            return None;
        }
        if matches!(t, "spoke" | "spoken") {
            return matches!(next, Some("of" | "about")).then_some(Verb::Finite);
        }
        if SPEECH_VERBS.contains(&t) {
            return Some(Verb::Finite);
        }
        if SPEECH_ING.contains(&t) {
            if matches!(t, "talking" | "speaking") && next != Some("about") {
                return None;
            }
            return Some(Verb::Ing);
        }
        if SPEECH_NOUNS.contains(&t)
            && k > 0
            && self.mention_ending_at(k - 1).is_some_and(|m| {
                // "Asked about Lavrov's remarks": the remarks are an object here
                m.possessive
                    && !(m.t0 > 0
                        && matches!(
                            self.tok(m.t0 - 1),
                            "about" | "on" | "to" | "of" | "over" | "with" | "against"
                        ))
            })
        {
            return Some(Verb::Noun);
        }
        None
    }

    fn is_clause_break(&self, i: usize) -> bool {
        let g = self.gap(i);
        if g.contains(';') {
            return true;
        }
        if self.is_dash(i) {
            // "Lavrov — speaking in Riyadh — insisted": a pair of dashes is a parenthesis
            return !self.closes_dash_pair(i) && !self.opens_dash_pair(i);
        }
        self.is_clause_word(i)
    }

    /// Token `i` is a word that starts a new clause ("while", "although", "but" + subject).
    fn is_clause_word(&self, i: usize) -> bool {
        let t = self.tok(i);
        if !CLAUSE_WORDS.contains(&t) {
            return false;
        }
        // "X, when asked about the gap, said …": a parenthesis, not a new clause
        if matches!(t, "when" | "while")
            && self.gap(i).contains(',')
            && i + 1 < self.tokens.len()
            && matches!(
                self.tok(i + 1),
                "asked" | "pressed" | "speaking" | "questioned"
            )
        {
            return false;
        }
        // "He said … but would not …": a coordinated verb keeps the subject
        if matches!(t, "but") {
            let next = (i + 1 < self.tokens.len()).then(|| self.tok(i + 1));
            return !next.is_some_and(|n| {
                SUBJECT_SKIP.contains(&n) || SPEECH_VERBS.contains(&n) || SPEECH_ING.contains(&n)
            });
        }
        true
    }

    fn is_dash(&self, i: usize) -> bool {
        let g = self.gap(i);
        g.contains('—') || g.contains(" – ") || g.contains(" - ")
    }

    /// A dash before token `i` that closes a dash opened at most 8 tokens earlier in the sentence.
    fn closes_dash_pair(&self, i: usize) -> bool {
        let s = self.tok_sentence[i];
        (i.saturating_sub(8)..i).any(|k| k > 0 && self.tok_sentence[k] == s && self.is_dash(k))
    }

    /// A dash before token `i` closed by another dash at most 8 tokens later in the sentence.
    fn opens_dash_pair(&self, i: usize) -> bool {
        let s = self.tok_sentence[i];
        (i + 1..(i + 9).min(self.tokens.len()))
            .any(|k| self.tok_sentence[k] == s && self.is_dash(k))
    }

    fn range(&self, a: usize, b: usize) -> Range<usize> {
        self.tokens[a].start..self.tokens[b].end
    }

    fn actor_of(&self, m: &Mention) -> Subject {
        Subject::Actor(m.who.clone(), m.start..m.end)
    }

    /// The subject of the verb at token `verb`, looking back no further than token `lo`.
    /// `allow_single`: a lone capitalised word right before the verb counts as a name.
    fn subject_before(&self, verb: usize, lo: usize, allow_single: bool) -> Subject {
        if verb == 0 || verb <= lo {
            return Subject::NotFound;
        }
        let mut j = verb - 1;
        let mut skips = 0;
        loop {
            if j < lo || self.tok_quote[j] != NONE {
                return Subject::NotFound;
            }
            if self.is_dash(j + 1) && self.closes_dash_pair(j + 1) {
                // skip "— speaking in Riyadh —" back to the word before the opening dash
                let mut k = j;
                while k > lo && !self.is_dash(k) {
                    k -= 1;
                }
                if k == 0 || k <= lo {
                    return Subject::NotFound;
                }
                j = k - 1;
                continue;
            }
            if self.gap(j + 1).contains(',') {
                // An appositive or a subject set off by commas: "X, an aide to Y, said".
                let mut k = j;
                while k > lo && !self.gap(k).contains(',') {
                    k -= 1;
                }
                let first = self.tok(k);
                let descriptive = first.chars().next().is_some_and(|c| c.is_lowercase())
                    || self.mention_starting_at(k).is_some_and(|m| m.possessive);
                if descriptive && k > lo {
                    if k == 0 {
                        return Subject::NotFound;
                    }
                    j = k - 1;
                    // the next round must not treat the same comma again as an appositive end
                    return self.subject_in_segment_or_before(j, lo, allow_single);
                }
                return self.subject_in_segment(k, j + 1);
            }
            if let Some(m) = self.mention_ending_at(j) {
                if !m.possessive && !m.in_quote {
                    return self.actor_of(m);
                }
                return Subject::NotFound;
            }
            let t = self.tok(j);
            if is_pronoun(t) {
                // "He told President Zelenskyy …": he is not Zelenskyy
                let takes_person = matches!(
                    self.tok(verb),
                    "told"
                        | "tells"
                        | "asked"
                        | "asks"
                        | "urged"
                        | "warned"
                        | "assured"
                        | "informed"
                        | "called"
                );
                let object = self
                    .mentions_in(verb + 1, (verb + 3).min(self.tokens.len()))
                    .first()
                    .filter(|m| takes_person && self.tok_sentence[m.t0] == self.tok_sentence[verb])
                    .map(|m| &m.who);
                return match self.resolve_pronoun(self.tokens[j].start, t) {
                    Some(m) if Some(&m.who) != object && !self.unnamed_source_between(m.t1, j) => {
                        Subject::Actor(m.who.clone(), self.range(j, j))
                    }
                    _ => Subject::Anonymous(self.range(j, j)),
                };
            }
            if matches!(t, "who" | "which") && j > lo && self.gap(j).contains(',') {
                // "Vladimir Putin, who once called …": the antecedent before the comma
                return match self.mention_ending_at(j - 1) {
                    Some(m) if !m.in_quote => self.actor_of(m),
                    _ => Subject::NotFound,
                };
            }
            if matches!(t, "I" | "we" | "We") {
                return Subject::Anonymous(self.range(j, j));
            }
            if CARRY_NOUNS.contains(&t) && j > 0 && matches!(self.tok(j - 1), "the" | "The") {
                return Subject::CarryOver(self.range(j - 1, j));
            }
            if SUBJECT_SKIP.contains(&t) && skips < 4 && j > lo {
                skips += 1;
                j -= 1;
                continue;
            }
            if self.is_name_word(j) && !NOT_NAME_WORDS.contains(&t) {
                // "Russia’s Defense Ministry said": an institution of a named state speaks for it
                if NOT_PERSON_LAST.contains(&t) {
                    let mut k = j;
                    while k > lo
                        && k + 4 > j
                        && self.is_name_word(k - 1)
                        && self.mention_ending_at(k - 1).is_none()
                    {
                        k -= 1;
                    }
                    if let Some(m) = k.checked_sub(1).and_then(|p| self.mention_ending_at(p)) {
                        if m.possessive && !m.person && !m.in_quote {
                            return self.actor_of(m);
                        }
                    }
                }
                if let Some(m) = self.by_surname(t, self.tokens[j].start) {
                    return Subject::Actor(m.who.clone(), self.range(j, j));
                }
                let sentence_start = self.sent_tok[self.tok_sentence[j] as usize].start == j;
                // "one teacher in Kano told me": a place after a preposition, not the speaker
                let after_preposition = j > 0
                    && matches!(
                        self.tok(j - 1),
                        "in" | "from"
                            | "at"
                            | "of"
                            | "near"
                            | "to"
                            | "outside"
                            | "inside"
                            | "across"
                    );
                if after_preposition {
                    return self.anonymous_before(j, lo);
                }
                if allow_single && !sentence_start {
                    return Subject::Actor(Who::Unknown(t.to_string()), self.range(j, j));
                }
            }
            if let Some(s) = self.description_subject(j) {
                return s;
            }
            return self.anonymous_before(j, lo);
        }
    }

    /// `the [modifiers] HEAD` ending at token `j` (`the commerce secretary`, `the envoy`,
    /// `the prime minister`): the nearest person before it whose description in the text (or
    /// gazetteer roles) has the head and every modifier; else, when only one person has the
    /// head, that person; else nobody, with the description kept as the mention.
    fn description_subject(&self, j: usize) -> Option<Subject> {
        let head = self.tok(j);
        if !people::ROLE_HEADS.contains(&head) || self.tok_quote[j] != NONE {
            return None;
        }
        let mut k = j;
        let mut mods: Vec<String> = Vec::new();
        loop {
            if k == 0 || j - k > 4 || self.gap(k) != " " {
                return None;
            }
            k -= 1;
            match self.tok(k) {
                "the" | "The" => break,
                t if self.tokens[k].possessive || self.tok_quote[k] != NONE => {
                    let _ = t;
                    return None;
                }
                t => mods.push(t.to_lowercase()),
            }
        }
        let range = self.range(k, j);
        let offset = self.tokens[k].start;
        let hi = self.mentions.partition_point(|m| m.start < offset);
        let mut head_only: Vec<&Who> = Vec::new();
        let mut tried: Vec<&Who> = Vec::new();
        for m in self.mentions[..hi].iter().rev().take(PRONOUN_WINDOW) {
            if !m.person
                || m.in_quote
                || m.possessive
                || tried.contains(&&m.who)
                || tried.len() > 20
            {
                continue;
            }
            tried.push(&m.who);
            let words = self.role_words(&m.who, offset);
            if !words.iter().any(|w| w == head) {
                continue;
            }
            // an unnamed "a senior diplomat" between that person and "the diplomat" is nearer
            if self.anonymous_with_head(m.t1, k, head) {
                return Some(Subject::Anonymous(range));
            }
            if mods.iter().all(|md| words.contains(md)) {
                return Some(Subject::Actor(m.who.clone(), range));
            }
            if !head_only.contains(&&m.who) {
                head_only.push(&m.who);
            }
        }
        Some(match head_only.as_slice() {
            [w] if mods.is_empty() => Subject::Actor((*w).clone(), range),
            _ => Subject::Anonymous(range),
        })
    }

    /// A sentence opening with an unnamed source ("A customs officer at the post, who declined
    /// to give his name, said …") in tokens `a..b` (at most the last 200): a later `he` or
    /// `she` refers to that source, not to a person named before it.
    fn unnamed_source_between(&self, a: usize, b: usize) -> bool {
        (a.max(b.saturating_sub(200))..b).any(|k| {
            matches!(self.tok(k), "A" | "An" | "One" | "Another")
                && self.sent_tok[self.tok_sentence[k] as usize].start == k
                && self.tok_quote[k] == NONE
                && (k + 1..(k + 5).min(b)).any(|h| people::UNNAMED_NOUNS.contains(&self.tok(h)))
        })
    }

    /// `a|an|one|another [up to 3 words] head` in tokens `a..b` (at most the last 200).
    fn anonymous_with_head(&self, a: usize, b: usize, head: &str) -> bool {
        (a.max(b.saturating_sub(200))..b).any(|k| {
            self.tok(k) == head
                && (k.saturating_sub(4)..k).any(|d| {
                    matches!(
                        self.tok(d),
                        "a" | "A" | "an" | "An" | "one" | "One" | "another" | "Another"
                    )
                })
        })
    }

    /// Words that describe `who` before byte `before`: titles right before a mention
    /// (`Kremlin spokesman Dmitry Peskov`), the description a comma sets beside it (`The
    /// American envoy, Rebecca Hale,` / `Malcolm Pryce, the chief executive`) and, for a
    /// gazetteer entry, its roles.
    fn role_words(&self, who: &Who, before: usize) -> Vec<String> {
        let mut out: Vec<String> = match who {
            Who::Known(e) => self.known_roles.get(*e).cloned().unwrap_or_default(),
            Who::Unknown(_) => Vec::new(),
        };
        let hi = self.mentions.partition_point(|m| m.start < before);
        let lo = hi.saturating_sub(PRONOUN_WINDOW);
        for m in self.mentions[lo..hi].iter().filter(|m| &m.who == who) {
            let sent = self.tok_sentence[m.t0];
            // before the name: up to 6 words back to the sentence start or another mention
            let mut k = m.t0;
            while k > 0 && m.t0 - k < 6 && self.tok_sentence[k - 1] == sent {
                if self.tok_mention[k - 1] != NONE || self.tok_quote[k - 1] != NONE {
                    break;
                }
                k -= 1;
                out.push(self.tok(k).to_lowercase());
            }
            // after the name, when a comma sets off a description
            if m.t1 < self.tokens.len() && self.gap(m.t1).contains(',') {
                let mut k = m.t1;
                while k < self.tokens.len() && k - m.t1 < 8 && self.tok_sentence[k] == sent {
                    if k > m.t1 && self.gap(k).contains([',', ';', '.']) {
                        break;
                    }
                    out.push(self.tok(k).to_lowercase());
                    k += 1;
                }
            }
        }
        out
    }

    /// After skipping a descriptive appositive ending at `j`: the subject just before it.
    fn subject_in_segment_or_before(&self, j: usize, lo: usize, allow_single: bool) -> Subject {
        // find the start of the segment that ends at j (previous comma or lo)
        let mut k = j;
        while k > lo && !self.gap(k).contains(',') {
            k -= 1;
        }
        match self.subject_in_segment(k, j + 1) {
            Subject::NotFound if allow_single && self.is_name_word(j) => {
                let t = self.tok(j);
                match self.by_surname(t, self.tokens[j].start) {
                    Some(m) => Subject::Actor(m.who.clone(), self.range(j, j)),
                    None => Subject::Actor(Who::Unknown(t.to_string()), self.range(j, j)),
                }
            }
            s => s,
        }
    }

    /// A mention followed at once by more capitalised words: part of a longer name
    /// (`The United States Maritime Alliance`), not the actor itself.
    fn modifies_a_name(&self, m: &Mention) -> bool {
        m.t1 < self.tokens.len()
            && self.gap(m.t1) == " "
            && self.is_name_word(m.t1)
            && self.mention_starting_at(m.t1).is_none()
    }

    /// The last non-possessive person (else any actor) named in tokens `a..b`.
    fn subject_in_segment(&self, a: usize, b: usize) -> Subject {
        let ms: Vec<&Mention> = self
            .mentions_in(a, b)
            .iter()
            .filter(|m| m.t0 >= a && m.t1 <= b && !m.possessive && !m.in_quote)
            .filter(|m| m.person || !self.modifies_a_name(m))
            .collect();
        if let Some(m) = ms.iter().rev().find(|m| m.person).or(ms.last()) {
            return self.actor_of(m);
        }
        for j in (a..b).rev() {
            if is_pronoun(self.tok(j)) {
                if let Some(m) = self.resolve_pronoun(self.tokens[j].start, self.tok(j)) {
                    return Subject::Actor(m.who.clone(), self.range(j, j));
                }
            }
        }
        if b > a {
            return self.anonymous_before(b - 1, a);
        }
        Subject::NotFound
    }

    /// "a top Russian official" / "one European diplomat" ending at token `j`.
    fn anonymous_before(&self, j: usize, lo: usize) -> Subject {
        let stop = j.saturating_sub(5).max(lo);
        let mut k = j;
        loop {
            if ANONYMOUS_DETERMINERS.contains(&self.tok(k)) {
                return Subject::Anonymous(self.range(k, j));
            }
            if k == stop || self.gap(k).contains(',') {
                return Subject::NotFound;
            }
            k -= 1;
        }
    }

    /// The first person named (not possessive, outside quotes) in tokens `a..b`.
    fn first_person(&self, a: usize, b: usize) -> Subject {
        self.mentions_in(a, b)
            .iter()
            .find(|m| m.t0 >= a && m.t1 <= b && m.person && !m.possessive && !m.in_quote)
            .map_or(Subject::NotFound, |m| self.actor_of(m))
    }

    /// The actor named right after token `k` ("said Kellogg", "according to CCTV").
    fn subject_after(&self, k: usize, b: usize) -> Subject {
        let mut j = k + 1;
        let limit = (k + 6).min(b);
        while j < limit {
            if j > k + 1 && self.gap(j).contains(',') {
                break;
            }
            if let Some(m) = self.mention_starting_at(j) {
                if !m.in_quote {
                    return self.actor_of(m);
                }
            }
            let t = self.tok(j);
            if is_pronoun(t) && j == k + 1 {
                return match self.resolve_pronoun(self.tokens[j].start, t) {
                    Some(m) if !self.unnamed_source_between(m.t1, j) => {
                        Subject::Actor(m.who.clone(), self.range(j, j))
                    }
                    _ => Subject::Anonymous(self.range(j, j)),
                };
            }
            if matches!(t, "the" | "The") && j + 1 < b && CARRY_NOUNS.contains(&self.tok(j + 1)) {
                return Subject::CarryOver(self.range(j, j + 1));
            }
            if matches!(t, "the" | "The") {
                if let Some(s) = (j + 1..(j + 5).min(b)).find_map(|h| self.description_subject(h)) {
                    return s;
                }
            }
            if self.is_name_word(j) && !NOT_NAME_WORDS.contains(&t) {
                if TITLES.contains(&t) {
                    j += 1;
                    continue;
                }
                // a lone capitalised word: a surname seen earlier, or a new name
                return match self.by_surname(t, self.tokens[j].start) {
                    Some(m) => Subject::Actor(m.who.clone(), self.range(j, j)),
                    None => Subject::Actor(Who::Unknown(t.to_string()), self.range(j, j)),
                };
            }
            if ANONYMOUS_DETERMINERS.contains(&t) {
                let mut e = j;
                while e + 1 < b && !self.gap(e + 1).contains(',') && e < j + 4 {
                    e += 1;
                }
                return Subject::Anonymous(self.range(j, e));
            }
            return Subject::NotFound;
        }
        Subject::NotFound
    }

    /// The clause containing token `before` (exclusive) within sentence tokens starting at `s0`.
    fn clause_start(&self, s0: usize, before: usize) -> usize {
        // look back at most WINDOW tokens (keeps run-on "sentences" linear)
        let s0 = s0.max(before.saturating_sub(WINDOW));
        let mut k = before;
        while k > s0 {
            if self.tok_quote[k - 1] == NONE
                && self.tok_quote[k.min(self.tokens.len() - 1)] == NONE
                && self.is_clause_break(k)
            {
                return k;
            }
            if k < before && self.tok_quote[k] == NONE && self.is_clause_word(k) {
                return k;
            }
            k -= 1;
        }
        s0
    }

    /// Look for the speaker in tokens `lo..hi` before a quotation: the first verb of saying with
    /// a subject wins.
    fn speaker_before(&self, lo: usize, hi: usize) -> Subject {
        for k in lo..hi {
            if self.tok_quote[k] != NONE {
                continue;
            }
            let Some(v) = self.verb(k) else { continue };
            let s = match v {
                Verb::Finite => self.subject_before(k, lo, false),
                Verb::Ing if k >= 2 && self.tok(k - 1) == "as" => {
                    // "quoted Venter as saying …", "cited X as saying": X, not the one quoting
                    match self.mention_ending_at(k - 2) {
                        Some(m) if !m.in_quote && !m.possessive => self.actor_of(m),
                        _ => Subject::NotFound,
                    }
                }
                Verb::Ing => {
                    let s = if self.gap(k).contains(',') {
                        Subject::NotFound
                    } else {
                        self.subject_before(k, lo, false)
                    };
                    match s {
                        Subject::NotFound => self.first_person(lo, k),
                        s => s,
                    }
                }
                Verb::Noun => {
                    let m = self.mention_ending_at(k - 1).expect("checked in verb()");
                    self.actor_of(m)
                }
                Verb::According => self.subject_after(k + 1, hi),
                Verb::Inverted => self.subject_after(k, hi),
            };
            if s != Subject::NotFound {
                return s;
            }
        }
        Subject::NotFound
    }

    /// Look for an attribution right after quotation `qi` ("…,” Witkoff told CNN").
    fn speaker_after(&self, qi: usize) -> Subject {
        let q = &self.quotes[qi];
        let a = first_token_at(&self.tokens, q.close_end);
        if a >= self.tokens.len() || q.unclosed {
            return Subject::NotFound;
        }
        let qs = self.tok_sentence[self.quote_tok[qi]
            .end
            .saturating_sub(1)
            .max(self.quote_tok[qi].start)];
        if self.tok_sentence[a] != qs
            && !self.text[q.close_end..self.tokens[a].start]
                .trim()
                .is_empty()
        {
            return Subject::NotFound;
        }
        // "“Nobody wins a long strike” - Lerato Khumalo, a miner": a dash, then the name
        let between = &self.text[q.close_end..self.tokens[a].start];
        if between.trim().len() <= 3
            && between.contains(['-', '—', '–'])
            && self.para_of_sentence[self.tok_sentence[a] as usize]
                == self.para_of_sentence[qs as usize]
        {
            if let Some(m) = self.mention_starting_at(a).filter(|m| m.person) {
                return self.actor_of(m);
            }
        }
        let mut limit = 16;
        if self.tok_sentence[a] != qs {
            let inner = &self.text[q.inner.clone()].trim_end();
            let next = self.tok_sentence[a] as usize;
            let same_para = self.para_of_sentence[next] == self.para_of_sentence[qs as usize];
            if inner.ends_with(['!', '?']) && same_para {
                // "“Why?” Trump asked." — the segmenter ended the sentence at ?”; the
                // attribution must then follow at once
                limit = 5;
            } else if inner.ends_with(['.', '!', '?']) {
                // the quotation ended its sentence ("…peace.” Her …")
                return Subject::NotFound;
            }
        }
        let sent = self.tok_sentence[a] as usize;
        let mut b = self.sent_tok[sent].end.min(a + limit);
        for k in a..b {
            if self.tok_quote[k] != NONE || (k > a && self.is_clause_break(k)) {
                b = k;
                break;
            }
        }
        if b <= a {
            return Subject::NotFound;
        }
        match self.verb(a) {
            Some(Verb::Finite) => return self.subject_after(a, b),
            Some(Verb::According) => return self.subject_after(a + 1, b),
            _ => {}
        }
        // "…,” Witkoff told CNN" / "…,” he said" / "…,” the statement said" / "…,” as X put it"
        let first = self.tok(a);
        let starts_subject = self.tokens[a].cap
            || self.mention_starting_at(a).is_some()
            || is_pronoun(first)
            || matches!(
                first,
                "the" | "a" | "an" | "another" | "one" | "as" | "I" | "we"
            );
        if !starts_subject {
            return Subject::NotFound;
        }
        for k in a + 1..b {
            if let Some(Verb::Finite | Verb::Ing) = self.verb(k) {
                return self.subject_before(k, a, true);
            }
        }
        Subject::NotFound
    }

    /// Whether the quotation is introduced as a term: "what’s been called the “…”",
    /// "so-called “…”", "dubbed “…”".
    fn introduced_as_term(&self, qi: usize) -> bool {
        let t0 = self.quote_tok[qi].start;
        let mut k = t0;
        let mut seen = 0;
        while k > 0 && seen < 3 {
            k -= 1;
            seen += 1;
            let t = self.tok(k);
            if matches!(
                t,
                "the" | "a" | "an" | "this" | "that" | "its" | "their" | "his" | "her"
            ) {
                continue;
            }
            if matches!(
                t,
                "dubbed" | "termed" | "labelled" | "labeled" | "nicknamed" | "branded"
            ) {
                return true;
            }
            if t == "called" || t == "known" || t == "named" {
                return k > 0
                    && matches!(
                        self.tok(k - 1),
                        "been" | "being" | "is" | "was" | "so" | "are" | "were" | "as"
                    );
            }
            if t == "as" && k > 0 && self.tok(k - 1) == "known" {
                return true;
            }
            return false;
        }
        false
    }
}

/// The speaker found for one quotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub who: Option<Who>,
    /// Byte range of the words that name the speaker ("he", "Steve Witkoff", "a diplomat").
    pub mention: Option<Range<usize>>,
    /// Introduced as a term ("what’s been called the “…”"): nobody's words.
    pub term: bool,
    /// How sure the speaker is (0–1; meaningful only with a speaker).
    pub confidence: f64,
}

/// Labels of turns by someone unnamed: a reporter's question.
fn is_question_label(l: &str) -> bool {
    matches!(
        l.to_ascii_lowercase().as_str(),
        "q" | "question" | "reporter" | "reporter's question" | "questioner" | "audience"
    )
}

/// Words of a turn label that are titles or roles, not the name (`MINISTER VAN DER BERG`).
const LABEL_TITLES: &[&str] = &[
    "PRESENTER",
    "HOST",
    "ANCHOR",
    "MODERATOR",
    "INTERVIEWER",
    "CORRESPONDENT",
    "REPORTER",
    "ENVOY",
    "MINISTER",
    "SECRETARY",
    "SENATOR",
    "SEN",
    "REP",
    "REPRESENTATIVE",
    "GOV",
    "GOVERNOR",
    "PRESIDENT",
    "PRIME",
    "DR",
    "MR",
    "MS",
    "MRS",
    "MISS",
    "PROF",
    "PROFESSOR",
    "AMBASSADOR",
    "AMB",
    "GENERAL",
    "GEN",
    "ADMIRAL",
    "COLONEL",
    "SPOKESMAN",
    "SPOKESWOMAN",
    "SPOKESPERSON",
    "CHANCELLOR",
    "COMMISSIONER",
    "DEFENCE",
    "DEFENSE",
    "FOREIGN",
    "DEPUTY",
    "CHAIR",
    "CHAIRMAN",
    "CHAIRWOMAN",
    "MAYOR",
    "JUDGE",
    "THE",
    "LORD",
    "LADY",
    "SIR",
    "DAME",
    "COL",
    "COLONEL",
    "LT",
    "LIEUTENANT",
    "CAPT",
    "CAPTAIN",
    "MAJ",
    "MAJOR",
    "SGT",
    "CMDR",
    "ADM",
    "BRIG",
    "GENERAL",
    "HON",
    "REV",
    "SHEIKH",
    "ENVOYS",
    "SPEAKER",
    "ADVISER",
    "ADVISOR",
    "DIRECTOR",
    "CHIEF",
    "HEAD",
    "JUSTICE",
    "COMMANDER",
    "OFFICER",
    "NEGOTIATOR",
];

/// Turn labels already resolved in this document: (label name in capitals, who).
type LabelNames = Vec<(String, Who)>;

impl<'a> Doc<'a> {
    /// The person a transcript or briefing answers for: the first person named outside
    /// quotations before the first turn or question.
    /// With the byte range of that mention (reported as the speaker's mention).
    fn answerer(&self) -> Option<(Who, Range<usize>)> {
        let first = self.quotes.iter().find(|q| q.label.is_some())?.open;
        self.mentions
            .iter()
            .find(|m| m.person && !m.in_quote && !m.possessive && m.start < first)
            .map(|m| (m.who.clone(), m.start..m.end))
    }

    /// The speaker of a transcript turn, from its label: `Q` → nobody; `A` → the answerer;
    /// `PRESENTER (MARK HOLLIS)` → Mark Hollis; `MINISTER VAN DER BERG` → the person named in
    /// the text whose name ends with those words (else the label words, capitalised as a name).
    fn label_speaker(
        &self,
        l: Range<usize>,
        seen: &mut LabelNames,
        answerer: &Option<(Who, Range<usize>)>,
    ) -> Attribution {
        let label = &self.text[l.clone()];
        let anon = Attribution {
            who: None,
            mention: Some(l.clone()),
            term: false,
            confidence: 0.0,
        };
        if is_question_label(label) {
            return anon;
        }
        if label == "A" || label.eq_ignore_ascii_case("answer") {
            return Attribution {
                who: answerer.as_ref().map(|a| a.0.clone()),
                confidence: 0.85,
                ..anon
            };
        }
        let inner = match (label.find('('), label.rfind(')')) {
            (Some(a), Some(b)) if b > a + 1 => &label[a + 1..b],
            _ => label,
        };
        let words: Vec<&str> = inner
            .split([' ', '.'])
            .filter(|w| !w.is_empty())
            .skip_while(|w| LABEL_TITLES.contains(w))
            .collect();
        if words.is_empty() {
            return anon;
        }
        let key = words.join(" ").to_uppercase();
        let ends = |full: &str| {
            let f = full.to_uppercase().replace('-', " ");
            let k = key.replace('-', " ");
            f == k || f.ends_with(&format!(" {k}"))
        };
        let who = seen
            .iter()
            .find(|(n, _)| ends(n))
            .map(|(_, w)| w.clone())
            .or_else(|| {
                self.mentions
                    .iter()
                    .filter(|m| m.person && !m.possessive)
                    .find(|m| {
                        ends(&self.text[m.start..m.end])
                            || matches!(&m.who, Who::Unknown(n) if ends(n))
                    })
                    .map(|m| m.who.clone())
            })
            .or_else(|| {
                // the surname alone: `COL ZAWADZKI` → Colonel Piotr Zawadzki
                let last = words.last()?.to_uppercase();
                self.mentions
                    .iter()
                    .filter(|m| m.person && !m.possessive && words.len() > 1)
                    .find(|m| match &m.who {
                        Who::Unknown(n) => n.to_uppercase().ends_with(&format!(" {last}")),
                        Who::Known(_) => false,
                    })
                    .map(|m| m.who.clone())
            })
            .unwrap_or_else(|| Who::Unknown(title_case(&words)));
        let name = match &who {
            Who::Unknown(n) => n.to_uppercase(),
            Who::Known(_) => key.clone(),
        };
        if !seen.iter().any(|(n, _)| *n == name) {
            seen.push((name, who.clone()));
        }
        Attribution {
            who: Some(who),
            confidence: 0.95,
            ..anon
        }
    }
}

/// `VAN DER BERG` → `van der Berg`, `NADIA RAHIMI` → `Nadia Rahimi`.
fn title_case(words: &[&str]) -> String {
    let mut out = Vec::with_capacity(words.len());
    for (k, w) in words.iter().enumerate() {
        let lower = w.to_lowercase();
        if k + 1 < words.len() && k > 0 && is_particle(&lower) {
            out.push(lower);
            continue;
        }
        let mut cs = lower.chars();
        let first: String = cs
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        out.push(first + cs.as_str());
    }
    out.join(" ")
}

/// Attribute every quotation in the document.
pub fn attribute(doc: &Doc) -> Vec<Attribution> {
    let mut out: Vec<Attribution> = Vec::with_capacity(doc.quotes.len());
    let answerer = doc.answerer();
    let mut label_names: LabelNames = Vec::new();
    for qi in 0..doc.quotes.len() {
        if let Some(l) = doc.quotes[qi].label.clone() {
            out.push(doc.label_speaker(l, &mut label_names, &answerer));
            continue;
        }
        if doc.quote_tok[qi].is_empty() {
            out.push(Attribution {
                who: None,
                mention: None,
                term: false,
                confidence: 0.0,
            });
            continue;
        }
        if doc.introduced_as_term(qi) {
            out.push(Attribution {
                who: None,
                mention: None,
                term: true,
                confidence: 0.0,
            });
            continue;
        }
        let t0 = doc.quote_tok[qi].start;
        let s_open = doc.tok_sentence[t0] as usize;
        // how sure: a name in the quotation's own sentence; less for what follows
        let mut conf = 0.95;
        let mut subj = doc.speaker_after(qi);
        if subj == Subject::NotFound {
            let s0 = doc.sent_tok[s_open].start;
            let lo = doc.clause_start(s0, t0);
            subj = doc.speaker_before(lo, t0);
        }
        // carry-over from the previous quotation
        let prev = qi.checked_sub(1).map(|p| (p, &doc.quotes[p], &out[p]));
        let continues = prev.is_some_and(|(p, _, _)| doc.continues_previous(qi, p, s_open, t0));
        if let Subject::CarryOver(r) = &subj {
            subj = match prev {
                // "the statement said": the speaker of a quotation at most two sentences back
                Some((p, _, Attribution { who: Some(w), .. }))
                    if s_open <= doc.tok_sentence[doc.quote_tok[p].start] as usize + 2
                        && doc
                            .mentions_in(doc.quote_tok[p].end, t0)
                            .iter()
                            .all(|m| m.in_quote || !m.person) =>
                {
                    conf = 0.7;
                    Subject::Actor(w.clone(), r.clone())
                }
                _ => Subject::Anonymous(r.clone()),
            };
        }
        if subj == Subject::NotFound && continues {
            match prev {
                Some((
                    _,
                    _,
                    Attribution {
                        who: Some(w),
                        mention,
                        ..
                    },
                )) => {
                    conf = 0.7;
                    subj = Subject::Actor(w.clone(), mention.clone().unwrap_or(0..0));
                }
                // the same anonymous source goes on talking
                Some((
                    _,
                    _,
                    Attribution {
                        who: None,
                        mention: Some(m),
                        term: false,
                        ..
                    },
                )) => {
                    subj = Subject::Anonymous(m.clone());
                }
                _ => {}
            }
        }
        // a quotation opening a sentence: the speaker may be introduced in the sentence before
        if subj == Subject::NotFound && doc.sent_tok[s_open].start == t0 && s_open > 0 {
            let ps = &doc.sent_tok[s_open - 1];
            let s = doc.speaker_before(ps.start.max(ps.end.saturating_sub(WINDOW)), ps.end);
            if matches!(s, Subject::Actor(..)) {
                conf = 0.85;
                subj = s;
            }
        }
        // a colon ends the paragraph before: "X set out the position in a speech:" / “…”
        if subj == Subject::NotFound && s_open > 0 && doc.para_start(t0) {
            let ps = &doc.sent_tok[s_open - 1];
            let colon = ps.end > 0
                && doc.text[doc.tokens[ps.end - 1].end..doc.quotes[qi].open]
                    .trim()
                    .starts_with(':');
            if colon {
                conf = 0.85;
                subj = match doc.first_person(ps.start, ps.end) {
                    Subject::Actor(w, r) => Subject::Actor(w, r),
                    _ => Subject::NotFound,
                };
            }
        }
        // a briefing's answer: the paragraph right after a reporter's question
        if subj == Subject::NotFound && doc.sent_tok[s_open].start == t0 {
            let after_question = prev.is_some_and(|(_, pq, _)| {
                pq.label
                    .as_ref()
                    .is_some_and(|l| is_question_label(&doc.text[l.clone()]))
                    && doc.text[pq.close_end..doc.quotes[qi].open]
                        .trim()
                        .trim_start_matches(']')
                        .trim()
                        .is_empty()
            });
            if let (true, Some((w, r))) = (after_question, &answerer) {
                conf = 0.85;
                subj = Subject::Actor(w.clone(), r.clone());
            }
        }
        // a joint statement speaks for several: nobody alone, the words kept as the mention
        if let Some(r) = doc.joint_statement(s_open, t0) {
            subj = Subject::Anonymous(r);
        }
        out.push(match subj {
            Subject::Actor(w, r) => Attribution {
                who: Some(w),
                // a pronoun or a description is less sure than a name
                confidence: match doc.text.get(r.clone()).unwrap_or("") {
                    "he" | "He" | "she" | "She" => f64::min(conf, 0.8),
                    t if t.starts_with("the ") || t.starts_with("The ") => f64::min(conf, 0.8),
                    _ => conf,
                },
                mention: Some(r),
                term: false,
            },
            Subject::Anonymous(r) => Attribution {
                who: None,
                mention: Some(r),
                term: false,
                confidence: 0.0,
            },
            _ => Attribution {
                who: None,
                mention: None,
                term: false,
                confidence: 0.0,
            },
        });
    }
    headline_quotes(doc, &mut out);
    out
}

/// A quotation in a headline (a short first line) that nobody is named for takes the speaker
/// of a later quotation that starts with the same words (`‘We will not trade our land’: …` →
/// whoever says “We will not trade our land for …” in the body).
fn headline_quotes(doc: &Doc, out: &mut [Attribution]) {
    for qi in 0..doc.quotes.len() {
        let q = &doc.quotes[qi];
        // only the first three paragraphs can be headlines (and quotations are in text order)
        let para = doc.paragraphs.partition_point(|p| p.end <= q.open);
        if para > 2 {
            break;
        }
        if out[qi].who.is_some() || out[qi].term || para >= doc.paragraphs.len() {
            continue;
        }
        let p = &doc.paragraphs[para];
        if p.len() > 200 || doc.text[p.clone()].trim_end().ends_with('.') {
            continue;
        }
        let key = doc.text[q.inner.clone()]
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if key.split_whitespace().count() < 3 {
            continue;
        }
        let later = (qi + 1..doc.quotes.len()).find(|&k| {
            out[k].who.is_some()
                && doc.text[doc.quotes[k].inner.clone()]
                    .to_lowercase()
                    .starts_with(&key)
        });
        if let Some(k) = later {
            out[qi] = Attribution {
                who: out[k].who.clone(),
                mention: out[k].mention.clone(),
                term: false,
                confidence: 0.6,
            };
        }
    }
}

/// Guess whom an unknown speaker speaks for from a demonym near the first mention of the name
/// ("Yehor Chernev, a Ukrainian parliament member").
pub fn demonym_near(doc: &Doc, idx: &AliasIndex, name: &str) -> Option<usize> {
    let m = doc.first_mention_of(name)?;
    let s = doc.tok_sentence[m.t0] as usize;
    let range = doc.sent_tok[s].clone();
    let after = m.t1..(m.t1 + 6).min(range.end);
    let before = m.t0.saturating_sub(4).max(range.start)..m.t0;
    after
        .chain(before.rev())
        .find_map(|k| idx.demonyms.get(doc.tok(k)).copied())
}

impl<'a> Doc<'a> {
    /// [`Doc::speaker_before`] for the claimant search.
    pub fn speaker_before_pub(&self, lo: usize, hi: usize) -> Subject {
        self.speaker_before(lo, hi)
    }
}
