//! Issue tagging with keyword and phrase lexicons.

use crate::hash::FastMap;
use crate::lexicon::{Shape, BUILTIN_ISSUES, LEXICON_STOPWORDS};
use detente_scenario::{Anchor, IssueKind, IssueOption, Scenario};

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

    /// The issues of a scenario, with lexicons made from their titles, descriptions and
    /// anchor/option labels, plus the built-in lexicon of any flagship issue they match (same
    /// id, or a title word that is a built-in keyword).
    pub fn from_scenario(s: &Scenario) -> Vec<IssueDef> {
        let builtin = IssueDef::builtin();
        s.issues
            .iter()
            .map(|i| {
                let mut words: Vec<String> = Vec::new();
                let mut add_text = |t: &str| {
                    for w in t.split(|c: char| {
                        !(c.is_alphanumeric() || c == '-' || c == '’' || c == '\'')
                    }) {
                        let w = w.to_lowercase();
                        if w.chars().count() >= 4
                            && !LEXICON_STOPWORDS.contains(&w.as_str())
                            && !words.contains(&w)
                        {
                            words.push(w);
                        }
                    }
                };
                add_text(&i.title);
                add_text(&i.id.replace(['_', '-'], " "));
                if let Some(d) = &i.description {
                    add_text(d);
                }
                for a in i.anchors() {
                    add_text(&a.label);
                }
                for o in i.options() {
                    add_text(&o.label);
                }
                let title_words: Vec<String> = i
                    .title
                    .split(|c: char| !c.is_alphanumeric())
                    .map(str::to_lowercase)
                    .collect();
                for b in &builtin {
                    let matches = b.id == i.id
                        || b.keywords
                            .iter()
                            .any(|k| !k.contains(' ') && title_words.contains(k));
                    if matches {
                        for k in &b.keywords {
                            if !words.contains(k) {
                                words.push(k.clone());
                            }
                        }
                    }
                }
                IssueDef {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    description: i.description.clone(),
                    kind: i.kind.clone(),
                    keywords: words,
                }
            })
            .collect()
    }
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

    /// Issue indices whose lexicon matches the lowercase words `words`, as a bit set.
    pub fn tag(&self, words: &[&str]) -> u64 {
        let mut set = 0u64;
        for (i, w) in words.iter().enumerate() {
            if let Some(c) = self.map.get(*w) {
                for (rest, issue) in c {
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
