//! Issue tagging with keyword and phrase lexicons.

use crate::hash::FastMap;
use crate::lexicon::{Shape, BUILTIN_ISSUES, LEXICON_STOPWORDS};
use detente_scenario::{Anchor, IssueKind, IssueOption, Scenario};
use std::collections::{HashMap, HashSet};

/// An issue to tag text with, and to put in the draft scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueDef {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub kind: IssueKind,
    /// Lowercase words and phrases.
    pub keywords: Vec<String>,
}

impl IssueDef {
    /// The built-in flagship issues.
    pub fn builtin() -> Vec<IssueDef> {
        BUILTIN_ISSUES
            .iter()
            .map(|b| IssueDef {
                id: b.id.into(),
                title: b.title.into(),
                description: Some(b.description.into()),
                kind: match &b.shape {
                    Shape::Scale(a) => IssueKind::Scale {
                        anchors: a
                            .iter()
                            .map(|(at, l)| Anchor {
                                at: *at,
                                label: (*l).into(),
                            })
                            .collect(),
                    },
                    Shape::Options { options, ordered } => IssueKind::Options {
                        options: options
                            .iter()
                            .map(|(id, l)| IssueOption {
                                id: (*id).into(),
                                label: (*l).into(),
                            })
                            .collect(),
                        ordered: *ordered,
                    },
                },
                keywords: b.keywords.iter().map(|k| k.to_string()).collect(),
            })
            .collect()
    }

    /// The issues of a scenario, with lexicons made from their own text: the words of the
    /// title, id and anchor/option labels (descriptions are prose, too full of general
    /// words to tag by) that are **distinctive** (found in
    /// this issue's text only, at least four letters, not a stopword or a name in `names`).
    /// A built-in flagship lexicon is added to the one scenario issue that matches it best
    /// (same id, else most title words among its keywords; a tie adds it nowhere).
    pub fn from_scenario(s: &Scenario, names: &HashSet<String>) -> Vec<IssueDef> {
        let builtin = IssueDef::builtin();
        let words_of = |t: &str, out: &mut Vec<String>| {
            for w in t.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '’' || c == '\''))
            {
                let w = w
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                let w = w
                    .strip_suffix("’s")
                    .or_else(|| w.strip_suffix("'s"))
                    .unwrap_or(&w)
                    .to_string();
                if w.chars().count() >= 4
                    && !LEXICON_STOPWORDS.contains(&w.as_str())
                    && !names.contains(&w)
                    && !out.contains(&w)
                {
                    out.push(w);
                }
            }
        };
        let candidates: Vec<Vec<String>> = s
            .issues
            .iter()
            .map(|i| {
                let mut words = Vec::new();
                words_of(&i.title, &mut words);
                words_of(&i.id.replace(['_', '-'], " "), &mut words);
                for a in i.anchors() {
                    words_of(&a.label, &mut words);
                }
                for o in i.options() {
                    words_of(&o.label, &mut words);
                }
                words
            })
            .collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for ws in &candidates {
            for w in ws {
                *df.entry(w.as_str()).or_default() += 1;
            }
        }
        let mut lexicons: Vec<Vec<String>> = candidates
            .iter()
            .map(|ws| ws.iter().filter(|w| df[w.as_str()] == 1).cloned().collect())
            .collect();
        let title_words: Vec<Vec<String>> = s
            .issues
            .iter()
            .map(|i| {
                let mut t = Vec::new();
                words_of(&i.title, &mut t);
                t
            })
            .collect();
        for b in &builtin {
            let score = |i: &detente_scenario::Issue| -> usize {
                if i.id == b.id {
                    return 1000;
                }
                let mut title = Vec::new();
                words_of(&i.title, &mut title);
                title
                    .iter()
                    .filter(|w| b.keywords.iter().any(|k| k == *w))
                    .count()
            };
            // ties go to the issue whose title is most about this lexicon (share of its
            // words), then to the one with more matching words
            let score = |i: &detente_scenario::Issue| -> usize {
                let mut title = Vec::new();
                words_of(&i.title, &mut title);
                let m = score(i);
                m * 10_000 / title.len().max(1) + m
            };
            let scores: Vec<usize> = s.issues.iter().map(score).collect();
            let best = scores.iter().copied().max().unwrap_or(0);
            if best == 0 || scores.iter().filter(|&&x| x == best).count() != 1 {
                continue;
            }
            let k = scores.iter().position(|&x| x == best).expect("max exists");
            for kw in b.keywords.iter().map(|k| k.to_string()) {
                // a word in another issue's title belongs to that issue ("crimea", "kursk")
                if !title_words[k].contains(&kw)
                    && (0..s.issues.len()).any(|o| o != k && title_words[o].contains(&kw))
                {
                    continue;
                }
                if !lexicons[k].contains(&kw) {
                    lexicons[k].push(kw.clone());
                }
                // a curated keyword given to issue k is not distinctive of another issue
                // because it appears in that issue's labels ("land" in a Kursk option)
                for (o, lex) in lexicons.iter_mut().enumerate() {
                    if o != k && candidates[o].contains(&kw) {
                        lex.retain(|w| *w != kw);
                    }
                }
            }
        }
        s.issues
            .iter()
            .zip(lexicons)
            .map(|(i, keywords)| IssueDef {
                id: i.id.clone(),
                title: i.title.clone(),
                description: i.description.clone(),
                kind: i.kind.clone(),
                keywords,
            })
            .collect()
    }
}

/// A one-word keyword followed by a possessive or object word is a verb ("we will not trade
/// our land", "they sanction their own"), not the issue's noun.
fn used_as_verb(words: &[&str], i: usize) -> bool {
    words.get(i + 1).is_some_and(|n| {
        matches!(
            *n,
            "our" | "their" | "his" | "her" | "its" | "my" | "your" | "away"
        )
    }) && i > 0
        && matches!(
            words[i - 1],
            "to" | "not"
                | "will"
                | "would"
                | "never"
                | "must"
                | "can"
                | "cannot"
                | "won’t"
                | "won't"
                | "we"
                | "they"
                | "i"
                | "should"
        )
}

/// Phrase lookup: first word → (remaining words, issue index).
pub struct IssueIndex {
    map: FastMap<String, Vec<(Vec<String>, usize)>>,
}

impl IssueIndex {
    pub fn new(issues: &[IssueDef]) -> IssueIndex {
        let mut map: FastMap<String, Vec<(Vec<String>, usize)>> = FastMap::default();
        for (i, d) in issues.iter().enumerate() {
            for k in &d.keywords {
                let mut ws: Vec<String> = crate::text::tokenize(k)
                    .iter()
                    .map(|t| t.text(k).to_lowercase())
                    .collect();
                if ws.is_empty() {
                    continue;
                }
                let first = ws.remove(0);
                map.entry(first).or_default().push((ws, i));
            }
        }
        IssueIndex { map }
    }

    /// The matched words: (issue index, keyword or phrase as written in the text's
    /// lowercase), in text order.
    pub fn matches(&self, words: &[&str]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if let Some(c) = self.map.get(*w) {
                for (rest, issue) in c {
                    if rest.is_empty() && used_as_verb(words, i) {
                        continue;
                    }
                    if words.len() > i + rest.len()
                        && rest
                            .iter()
                            .enumerate()
                            .all(|(k, r)| words[i + 1 + k] == r.as_str())
                    {
                        out.push((*issue, words[i..=i + rest.len()].join(" ")));
                    }
                }
            }
        }
        out
    }

    /// Issue indices whose lexicon matches the lowercase words `words`, as a bit set.
    pub fn tag(&self, words: &[&str]) -> u64 {
        let mut set = 0u64;
        for (i, w) in words.iter().enumerate() {
            if let Some(c) = self.map.get(*w) {
                for (rest, issue) in c {
                    if rest.is_empty() && used_as_verb(words, i) {
                        continue;
                    }
                    if *issue < 64
                        && words.len() > i + rest.len()
                        && rest
                            .iter()
                            .enumerate()
                            .all(|(k, r)| words[i + 1 + k] == r.as_str())
                    {
                        set |= 1 << issue;
                    }
                }
            }
        }
        set
    }
}
