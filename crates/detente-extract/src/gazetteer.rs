//! The gazetteer: who the actors are, what they are called, and whom people speak for.
//!
//! A gazetteer is a TOML file of `[[actors]]` tables (format in `docs/extract.md`). The built-in
//! one covers the flagship world (the 2025 Russia–Ukraine talks); user files add entries or
//! replace a built-in entry with the same `id`.

use detente_scenario::ActorKind;
use std::fmt;
use std::path::Path;

/// One actor known by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Lowercase id, `[a-z0-9_-]` (the scenario's actor id).
    pub id: String,
    /// Canonical name (what `speaker` reports).
    pub name: String,
    pub kind: ActorKind,
    /// Id of the actor this person speaks for.
    pub speaks_for: Option<String>,
    /// Other names, matched case-sensitively.
    pub aliases: Vec<String>,
    /// Descriptions that refer back to the actor ("the Ukrainian leader").
    pub roles: Vec<String>,
    /// Adjectives naming the state (used to guess whom unknown speakers speak for).
    pub demonyms: Vec<String>,
}

impl Entry {
    /// Whether this actor is a person (leader or person): the only kind pronouns refer to.
    pub fn is_person(&self) -> bool {
        matches!(self.kind, ActorKind::Leader | ActorKind::Person)
    }
}

/// A set of actors with unique ids, and extra words for issues.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gazetteer {
    pub entries: Vec<Entry>,
    /// `[[issues]]` tables: (issue id, aliases). Each alias is added to the lexicon of the
    /// issue with that id (built-in or from `--scenario`), so that it tags text.
    pub issue_aliases: Vec<(String, Vec<String>)>,
}

/// A gazetteer file that could not be read, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerError {
    pub source: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for GazetteerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.source, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for GazetteerError {}

const BUILTIN: &str = include_str!("data/gazetteer.toml");

impl Gazetteer {
    /// The built-in gazetteer of the flagship world.
    pub fn builtin() -> Gazetteer {
        Gazetteer::parse(BUILTIN, "<built-in gazetteer>").expect("the built-in gazetteer is valid")
    }

    /// An empty gazetteer.
    pub fn empty() -> Gazetteer {
        Gazetteer::default()
    }

    /// Read a gazetteer file.
    pub fn from_file(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let name = path.display().to_string();
        let text = crate::input::read_article(path).map_err(|e| GazetteerError {
            source: name.clone(),
            line: 1,
            column: 1,
            message: e.to_string(),
        })?;
        Gazetteer::parse(&text, &name)
    }

    /// Parse gazetteer TOML; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Gazetteer, GazetteerError> {
        let err = |span: Option<std::ops::Range<usize>>, message: String| {
            let (line, column) = crate::text::line_col(text, span.map_or(0, |s| s.start));
            GazetteerError {
                source: source.to_string(),
                line,
                column,
                message,
            }
        };
        let doc: toml_edit::Document<&str> = toml_edit::Document::parse(text)
            .map_err(|e| err(e.span(), format!("not valid TOML: {}", e.message())))?;
        let mut out = Gazetteer::default();
        for (key, item) in doc.as_table().iter() {
            if key == "issues" {
                parse_issue_aliases(item, &err, &mut out)?;
                continue;
            }
            if key != "actors" {
                return Err(err(
                    doc.as_table().key(key).and_then(|k| k.span()),
                    format!(
                        "unknown key `{key}` (a gazetteer has only [[actors]] and [[issues]] tables)"
                    ),
                ));
            }
            let Some(arr) = item.as_array_of_tables() else {
                return Err(err(
                    item.span(),
                    "`actors` must be an array of tables: [[actors]]".into(),
                ));
            };
            for t in arr.iter() {
                let span = t.span();
                let get_str = |k: &str| -> Result<Option<String>, GazetteerError> {
                    match t.get(k) {
                        None => Ok(None),
                        Some(v) => v.as_str().map(|s| Some(s.to_string())).ok_or_else(|| {
                            err(v.span().or(span.clone()), format!("`{k}` must be a string"))
                        }),
                    }
                };
                let get_list = |k: &str| -> Result<Vec<String>, GazetteerError> {
                    match t.get(k) {
                        None => Ok(Vec::new()),
                        Some(v) => {
                            let a = v.as_array().ok_or_else(|| {
                                err(
                                    v.span().or(span.clone()),
                                    format!("`{k}` must be a list of strings"),
                                )
                            })?;
                            a.iter()
                                .map(|x| {
                                    x.as_str().map(str::to_string).ok_or_else(|| {
                                        err(
                                            x.span().or(span.clone()),
                                            format!("`{k}` must be a list of strings"),
                                        )
                                    })
                                })
                                .collect()
                        }
                    }
                };
                for (k, _) in t.iter() {
                    if ![
                        "id",
                        "name",
                        "kind",
                        "speaks_for",
                        "aliases",
                        "roles",
                        "demonyms",
                    ]
                    .contains(&k)
                    {
                        return Err(err(
                            t.key(k).and_then(|x| x.span()).or(span.clone()),
                            format!("unknown key `{k}` (expected id, name, kind, speaks_for, aliases, roles, demonyms)"),
                        ));
                    }
                }
                let id =
                    get_str("id")?.ok_or_else(|| err(span.clone(), "actor without `id`".into()))?;
                if id.is_empty()
                    || !id.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                    })
                {
                    return Err(err(
                        span.clone(),
                        format!("id `{id}` must be lowercase [a-z0-9_-]"),
                    ));
                }
                let name = get_str("name")?.unwrap_or_else(|| id.clone());
                let kind = match get_str("kind")? {
                    None => ActorKind::Other,
                    Some(k) => ActorKind::ALL.iter().find(|(s, _)| *s == k).map(|(_, v)| *v).ok_or_else(|| {
                        err(
                            t.get("kind").and_then(|v| v.span()),
                            format!("unknown kind `{k}` (state, leader, organisation, bloc, person, other)"),
                        )
                    })?,
                };
                let entry = Entry {
                    id,
                    name,
                    kind,
                    speaks_for: get_str("speaks_for")?,
                    aliases: get_list("aliases")?,
                    roles: get_list("roles")?,
                    demonyms: get_list("demonyms")?,
                };
                if out.entries.iter().any(|e| e.id == entry.id) {
                    return Err(err(
                        span.clone(),
                        format!("actor id `{}` appears twice", entry.id),
                    ));
                }
                out.entries.push(entry);
            }
        }
        for e in &out.entries {
            if let Some(s) = &e.speaks_for {
                if s == &e.id {
                    return Err(err(None, format!("actor `{}` speaks for itself", e.id)));
                }
            }
        }
        Ok(out)
    }

    /// Add `other`'s entries; an entry with an existing id replaces it. Issue aliases add up.
    pub fn merge(&mut self, other: Gazetteer) {
        self.issue_aliases.extend(other.issue_aliases);
        for e in other.entries {
            match self.entries.iter_mut().find(|x| x.id == e.id) {
                Some(x) => *x = e,
                None => self.entries.push(e),
            }
        }
    }

    /// Check that every `speaks_for` names an actor in the gazetteer.
    pub fn check_references(&self) -> Result<(), String> {
        for e in &self.entries {
            if let Some(s) = &e.speaks_for {
                if !self.entries.iter().any(|x| &x.id == s) {
                    return Err(format!(
                        "actor `{}` speaks for `{s}`, which is not in the gazetteer",
                        e.id
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }
}

/// `[[issues]]` tables: `id` (required) and `aliases` (a list of words or phrases).
fn parse_issue_aliases(
    item: &toml_edit::Item,
    err: &dyn Fn(Option<std::ops::Range<usize>>, String) -> GazetteerError,
    out: &mut Gazetteer,
) -> Result<(), GazetteerError> {
    let Some(arr) = item.as_array_of_tables() else {
        return Err(err(
            item.span(),
            "`issues` must be an array of tables: [[issues]]".into(),
        ));
    };
    for t in arr.iter() {
        let span = t.span();
        for (k, _) in t.iter() {
            if k != "id" && k != "aliases" {
                return Err(err(
                    t.key(k).and_then(|x| x.span()).or(span.clone()),
                    format!("unknown key `{k}` in [[issues]] (expected id, aliases)"),
                ));
            }
        }
        let id = t
            .get("id")
            .and_then(|v| v.as_str())
            .ok_or_else(|| err(span.clone(), "[[issues]] without a string `id`".into()))?;
        let list = t
            .get("aliases")
            .and_then(|v| v.as_array())
            .ok_or_else(|| err(span.clone(), "[[issues]] needs `aliases = [\"…\"]`".into()))?;
        let mut aliases = Vec::new();
        for x in list.iter() {
            let a = x.as_str().filter(|a| !a.trim().is_empty()).ok_or_else(|| {
                err(
                    x.span().or(span.clone()),
                    "`aliases` must be a list of non-empty strings".into(),
                )
            })?;
            aliases.push(a.to_lowercase());
        }
        out.issue_aliases.push((id.to_string(), aliases));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_consistent() {
        let g = Gazetteer::builtin();
        g.check_references().unwrap();
        assert!(g.entries.len() > 40);
    }

    #[test]
    fn merge_overrides_and_adds() {
        let mut g = Gazetteer::builtin();
        let extra = Gazetteer::parse(
            "[[actors]]\nid = \"trump\"\nname = \"President Trump\"\nkind = \"leader\"\nspeaks_for = \"usa\"\n\n[[actors]]\nid = \"dunleavy\"\nname = \"Mike Dunleavy\"\nkind = \"person\"\naliases = [\"Dunleavy\"]\n",
            "x.toml",
        )
        .unwrap();
        let n = g.entries.len();
        g.merge(extra);
        assert_eq!(g.entries.len(), n + 1);
        assert_eq!(g.entries[g.index("trump").unwrap()].name, "President Trump");
        assert!(g.entries[g.index("trump").unwrap()].aliases.is_empty());
    }

    #[test]
    fn issue_aliases_are_read_and_checked() {
        let g = Gazetteer::parse(
            "[[issues]]\nid = \"donbas\"\naliases = [\"Our Land\", \"the east\"]\n",
            "g.toml",
        )
        .unwrap();
        assert_eq!(
            g.issue_aliases,
            vec![(
                "donbas".to_string(),
                vec!["our land".to_string(), "the east".to_string()]
            )]
        );
        let e = Gazetteer::parse("[[issues]]\nid = \"x\"\nwords = []\n", "g.toml").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("unknown key `words`"));
    }

    #[test]
    fn errors_are_located() {
        let e =
            Gazetteer::parse("[[actors]]\nid = \"x\"\nkind = \"king\"\n", "g.toml").unwrap_err();
        assert_eq!((e.line, e.column), (3, 8));
        assert!(e.message.contains("unknown kind"));
        let e = Gazetteer::parse("[[actors]]\nid = \"x\"\nalias = []\n", "g.toml").unwrap_err();
        assert_eq!(e.line, 3);
        let e = Gazetteer::parse("[[actors]\n", "g.toml").unwrap_err();
        assert!(e.message.contains("not valid TOML"));
    }
}
