//! A draft scenario built from the findings: actors, issues, and for each actor and issue the
//! quotations as evidence. Positions and salience are left for the analyst (the scenario
//! loader accepts such stances as drafts, with a warning).

use crate::issues::IssueDef;
use crate::{slug, Extraction};
use detente_scenario::ActorKind;

/// A source document of the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftSource {
    pub id: String,
    pub title: String,
    /// Path as it should be written in the scenario (relative to the scenario file).
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftActor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub speaks_for: Option<String>,
    pub aliases: Vec<String>,
    /// Found as a speaker but not in the gazetteer.
    pub unknown: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftEvidence {
    pub source: String,
    /// Verbatim text from the source.
    pub quote: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftStance {
    pub actor: String,
    pub issue: String,
    pub evidence: Vec<DraftEvidence>,
}

/// A draft scenario (plain values; the CLI writes it as TOML).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub title: String,
    pub description: String,
    pub notes: Vec<String>,
    pub sources: Vec<DraftSource>,
    pub actors: Vec<DraftActor>,
    pub issues: Vec<IssueDef>,
    pub stances: Vec<DraftStance>,
}

/// Quotations shorter than this many words are not used as evidence (single words say little).
pub const MIN_EVIDENCE_WORDS: usize = 3;
/// Most disagreement notes written into the draft.
pub const MAX_NOTES: usize = 50;
/// States and organisations mentioned at least this often are drafted even if nobody speaks.
pub const MIN_MENTIONS: usize = 3;

impl Extraction {
    /// Build a draft scenario. `source_paths[i]` is how document `i`'s path is written in the
    /// scenario; `texts[i]` its text (for the source title).
    pub fn draft(&self, source_paths: &[String], texts: &[&str]) -> Draft {
        // sources
        let mut sources: Vec<DraftSource> = Vec::with_capacity(self.documents.len());
        for (i, d) in self.documents.iter().enumerate() {
            let stem = std::path::Path::new(&d.path)
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let mut id = slug(&stem);
            if sources.iter().any(|s| s.id == id) {
                id = format!("{id}-{}", i + 1);
            }
            let title = texts.get(i).map(|t| title_of(t)).unwrap_or_default();
            sources.push(DraftSource {
                id,
                title,
                path: source_paths
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| d.path.clone()),
            });
        }
        // which actors
        let n = self.actors.len();
        let mut keep = vec![false; n];
        for (i, a) in self.actors.iter().enumerate() {
            if a.quotes > 0
                || (!matches!(a.kind, ActorKind::Leader | ActorKind::Person)
                    && a.mentions >= MIN_MENTIONS)
            {
                keep[i] = true;
            }
        }
        // whom kept actors speak for (transitively)
        for _ in 0..4 {
            for i in 0..n {
                if keep[i] {
                    if let Some(s) = self.actors[i].speaks_for {
                        keep[s] = true;
                    }
                }
            }
        }
        let actors: Vec<DraftActor> = (0..n)
            .filter(|&i| keep[i])
            .map(|i| {
                let a = &self.actors[i];
                DraftActor {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    kind: a.kind,
                    speaks_for: a.speaks_for.map(|s| self.actors[s].id.clone()),
                    aliases: a.aliases.clone(),
                    unknown: !a.known,
                }
            })
            .collect();
        // stances: quotations as evidence for the actor the speaker speaks for
        let mut stances: Vec<DraftStance> = Vec::new();
        let mut stance_of: std::collections::HashMap<(usize, String), usize> =
            std::collections::HashMap::new();
        let mut seen: std::collections::HashSet<(usize, usize, &str)> =
            std::collections::HashSet::new();
        for (di, d) in self.documents.iter().enumerate() {
            for q in &d.quotes {
                let Some(a) = q.actor else { continue };
                if q.scare_quote
                    || q.text.split_whitespace().count() < MIN_EVIDENCE_WORDS
                    || q.text.contains('\n')
                {
                    continue;
                }
                let party = self.actors[a].speaks_for.unwrap_or(a);
                let party_id = &self.actors[party].id;
                for issue in &q.issues {
                    let k = *stance_of.entry((party, issue.clone())).or_insert_with(|| {
                        stances.push(DraftStance {
                            actor: party_id.clone(),
                            issue: issue.clone(),
                            evidence: Vec::new(),
                        });
                        stances.len() - 1
                    });
                    // the same words from the same source once per stance
                    if seen.insert((k, di, q.text.as_str())) {
                        stances[k].evidence.push(DraftEvidence {
                            source: sources[di].id.clone(),
                            quote: q.text.clone(),
                            note: Some(format!(
                                "{} (bytes {}–{})",
                                self.actors[a].name, q.start, q.end
                            )),
                        });
                    }
                }
            }
        }
        // order stances as actors × issues
        let apos = |id: &str| actors.iter().position(|a| a.id == id).unwrap_or(usize::MAX);
        let ipos = |id: &str| {
            self.issues
                .iter()
                .position(|i| i.id == id)
                .unwrap_or(usize::MAX)
        };
        stances.sort_by_key(|s| (apos(&s.actor), ipos(&s.issue)));
        // notes: disagreeing claims
        let mut notes = Vec::new();
        for (di, d) in self.documents.iter().enumerate() {
            for (ci, c) in d.claims.iter().enumerate() {
                for r in &c.conflicts_with {
                    if (r.document, r.claim) < (di, ci) {
                        continue;
                    }
                    if notes.len() >= MAX_NOTES {
                        break;
                    }
                    let o = &self.documents[r.document].claims[r.claim];
                    let who = |x: &Option<String>| {
                        x.clone().map(|w| format!(" ({w})")).unwrap_or_default()
                    };
                    let note = format!(
                        "Sources disagree on {}: {}{} in {} vs {}{} in {}",
                        c.quantity.as_deref().unwrap_or("a quantity"),
                        c.text,
                        who(&c.claimant),
                        sources[di].id,
                        o.text,
                        who(&o.claimant),
                        sources[r.document].id
                    );
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
            }
        }
        let quotes: usize = self.documents.iter().map(|d| d.quotes.len()).sum();
        Draft {
            title: format!("Draft from {} article(s)", self.documents.len()),
            description: format!(
                "Drafted by `detente extract` from {} article(s): {} quotations, {} with a speaker. Set each stance's \
                 position and salience (and capabilities) before running the models.",
                self.documents.len(),
                quotes,
                self.documents.iter().flat_map(|d| &d.quotes).filter(|q| q.speaker.is_some()).count()
            ),
            notes,
            sources,
            actors,
            issues: self.issues.clone(),
            stances,
        }
    }
}

/// A title for a source: its first line, cut at a word boundary near 100 characters.
fn title_of(text: &str) -> String {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.chars().count() <= 100 {
        return first.to_string();
    }
    let cut: String = first.chars().take(100).collect();
    let cut = match cut.rfind(' ') {
        Some(p) if p > 40 => &cut[..p],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}
