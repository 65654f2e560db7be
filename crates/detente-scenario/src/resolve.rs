//! Node tree → [`Scenario`], checking every rule of docs/scenario-format.md and reporting
//! every violation (never stopping at the first).

use crate::diag::{did_you_mean, Sink};
use crate::model::*;
use crate::node::{Entry, Kind, Node};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

#[path = "checks.rs"]
mod checks;
#[path = "linkages.rs"]
mod linkages;

/// Where the texts of source documents come from.
pub enum SourceTexts<'a> {
    /// Files, with paths relative to this folder (the scenario file's).
    Dir(&'a Path),
    /// Texts given in memory, keyed by the path as written in the scenario; nothing is read
    /// from the file system.
    Memory(&'a std::collections::BTreeMap<String, String>),
}

/// A table being read: reports unknown keys once, gives typed access to fields.
struct Fields<'n> {
    entries: &'n [Entry],
    span: Range<usize>,
}

impl<'n> Fields<'n> {
    /// Read `node` as a table of `what` whose keys must be among `allowed`.
    fn new(node: &'n Node, what: &str, allowed: &[&str], sink: &mut Sink) -> Option<Self> {
        let Kind::Table(entries) = &node.kind else {
            sink.error(
                Some(node.span.clone()),
                format!("{what} must be a table, found {}", node.type_name()),
                None,
            );
            return None;
        };
        let mut seen: HashMap<&str, &Range<usize>> = HashMap::new();
        for e in entries {
            if !allowed.contains(&e.key.as_str()) {
                let hint = match did_you_mean(&e.key, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? ({what} keys: {})", allowed.join(", ")),
                    None => format!("{what} keys are: {}", allowed.join(", ")),
                };
                sink.error(
                    Some(e.key_span.clone()),
                    format!("unknown key `{}` in {what}", e.key),
                    Some(hint),
                );
            }
            if let Some(first) = seen.insert(&e.key, &e.key_span) {
                let (l, c) = sink.index.line_col(sink.text, first.start);
                sink.error(
                    Some(e.key_span.clone()),
                    format!("duplicate key `{}` in {what}", e.key),
                    Some(format!(
                        "it is already given at line {l}, column {c}; keep one"
                    )),
                );
            }
        }
        Some(Fields {
            entries,
            span: node.span.clone(),
        })
    }

    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    fn string(&self, key: &str, what: &str, required: bool, sink: &mut Sink) -> Option<String> {
        match self.get(key) {
            None => {
                if required {
                    sink.error(
                        Some(self.span.clone()),
                        format!("{what} has no `{key}`"),
                        Some(format!("add `{key} = \"…\"`")),
                    );
                }
                None
            }
            Some(n) => match n.as_str() {
                Some(s) => Some(s.to_string()),
                None => {
                    sink.error(
                        Some(n.span.clone()),
                        format!(
                            "`{key}` of {what} must be a string, found {}",
                            n.type_name()
                        ),
                        Some("put the value in double quotes".into()),
                    );
                    None
                }
            },
        }
    }

    fn number(&self, key: &str, what: &str, sink: &mut Sink) -> Option<(f64, Range<usize>)> {
        let n = self.get(key)?;
        match n.as_f64() {
            Some(x) if x.is_finite() => Some((x, n.span.clone())),
            Some(_) => {
                sink.error(
                    Some(n.span.clone()),
                    format!("`{key}` of {what} must be a finite number"),
                    None,
                );
                None
            }
            None => {
                sink.error(
                    Some(n.span.clone()),
                    format!(
                        "`{key}` of {what} must be a number, found {}",
                        n.type_name()
                    ),
                    Some("write a number without quotes, e.g. 60".into()),
                );
                None
            }
        }
    }

    fn bool(&self, key: &str, what: &str, sink: &mut Sink) -> Option<bool> {
        let n = self.get(key)?;
        match n.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                sink.error(
                    Some(n.span.clone()),
                    format!(
                        "`{key}` of {what} must be true or false, found {}",
                        n.type_name()
                    ),
                    None,
                );
                None
            }
        }
    }

    /// A list of strings (a single string is accepted as a one-element list).
    fn strings(&self, key: &str, what: &str, sink: &mut Sink) -> Vec<(String, Range<usize>)> {
        let Some(n) = self.get(key) else {
            return Vec::new();
        };
        match &n.kind {
            Kind::Str(s) => vec![(s.clone(), n.span.clone())],
            Kind::Array(items) => items
                .iter()
                .filter_map(|i| match i.as_str() {
                    Some(s) => Some((s.to_string(), i.span.clone())),
                    None => {
                        sink.error(
                            Some(i.span.clone()),
                            format!(
                                "`{key}` of {what} must list strings, found {}",
                                i.type_name()
                            ),
                            None,
                        );
                        None
                    }
                })
                .collect(),
            _ => {
                sink.error(
                    Some(n.span.clone()),
                    format!(
                        "`{key}` of {what} must be a list of strings, found {}",
                        n.type_name()
                    ),
                    Some(format!("write `{key} = [\"…\", \"…\"]`")),
                );
                Vec::new()
            }
        }
    }

    fn array(&self, key: &str, what: &str, sink: &mut Sink) -> &'n [Node] {
        match self.get(key) {
            None => &[],
            Some(Node {
                kind: Kind::Array(items),
                ..
            }) => items,
            Some(n) => {
                sink.error(
                    Some(n.span.clone()),
                    format!(
                        "`{key}` of {what} must be an array, found {}",
                        n.type_name()
                    ),
                    Some(format!("use `[[{key}]]` tables or `{key} = [ … ]`")),
                );
                &[]
            }
        }
    }

    /// `[lo, hi]` with lo <= hi.
    fn range(
        &self,
        key: &str,
        what: &str,
        lo_bound: f64,
        hi_bound: f64,
        sink: &mut Sink,
    ) -> Option<(f64, f64)> {
        let n = self.get(key)?;
        let vals: Option<Vec<f64>> = match &n.kind {
            Kind::Array(items) if items.len() == 2 => items.iter().map(Node::as_f64).collect(),
            _ => None,
        };
        match vals {
            Some(v) if v[0] <= v[1] && v[0] >= lo_bound && v[1] <= hi_bound => Some((v[0], v[1])),
            Some(v) => {
                sink.error(
                    Some(n.span.clone()),
                    format!("`{key}` of {what} is [{}, {}]: it must satisfy {lo_bound} <= lo <= hi <= {hi_bound}", v[0], v[1]),
                    Some("write the lower bound first".into()),
                );
                None
            }
            None => {
                sink.error(
                    Some(n.span.clone()),
                    format!("`{key}` of {what} must be a pair of numbers `[lo, hi]`"),
                    Some(format!("e.g. `{key} = [40, 60]`")),
                );
                None
            }
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn check_id(id: &str, span: Range<usize>, what: &str, sink: &mut Sink) {
    if !valid_id(id) {
        let suggestion: String = id
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .chars()
            .take(64)
            .collect();
        sink.error(
            Some(span),
            format!("{what} id `{id}` is not a valid id"),
            Some(format!(
                "ids are 1–64 characters of a-z, 0-9, `-` and `_`{}",
                if suggestion.is_empty() {
                    String::new()
                } else {
                    format!(", e.g. `{suggestion}`")
                }
            )),
        );
    }
}

/// Registry of ids for duplicate detection and reference resolution.
struct Ids {
    what: &'static str,
    ids: Vec<(String, Range<usize>)>,
}

impl Ids {
    fn new(what: &'static str) -> Self {
        Ids {
            what,
            ids: Vec::new(),
        }
    }
    /// Register `id`; false (and an error) if it is a duplicate.
    fn add(&mut self, id: &str, span: Range<usize>, sink: &mut Sink) -> bool {
        if let Some((_, first)) = self.ids.iter().find(|(i, _)| i == id) {
            let (l, c) = sink.index.line_col(sink.text, first.start);
            sink.error(
                Some(span),
                format!("duplicate {} id `{id}`", self.what),
                Some(format!(
                    "`{id}` is already defined at line {l}, column {c}; ids must be unique"
                )),
            );
            return false;
        }
        self.ids.push((id.to_string(), span));
        true
    }
    fn lookup(&self, id: &str, span: Range<usize>, sink: &mut Sink) -> Option<usize> {
        if let Some(i) = self.ids.iter().position(|(x, _)| x == id) {
            return Some(i);
        }
        let hint = match did_you_mean(id, self.ids.iter().map(|(x, _)| x.as_str())) {
            Some(s) => format!("did you mean `{s}`?"),
            None if self.ids.is_empty() => format!("no {} is defined", self.what),
            None => format!(
                "known {} ids: {}",
                self.what,
                self.ids
                    .iter()
                    .map(|(x, _)| x.as_str())
                    .take(20)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        sink.error(
            Some(span),
            format!("unknown {} `{id}`", self.what),
            Some(hint),
        );
        None
    }
}

pub fn resolve(root: &Node, sources: &SourceTexts, sink: &mut Sink) -> Scenario {
    let mut sc = Scenario::default();
    let Some(top) = Fields::new(
        root,
        "the scenario file",
        &[
            "scenario", "sources", "actors", "issues", "stances", "decision", "linkages",
        ],
        sink,
    ) else {
        return sc;
    };

    // [scenario]
    match top.get("scenario") {
        Some(n) => {
            if let Some(f) = Fields::new(
                n,
                "[scenario]",
                &["title", "as_of", "description", "notes"],
                sink,
            ) {
                sc.meta.title = f
                    .string("title", "[scenario]", true, sink)
                    .unwrap_or_default();
                sc.meta.as_of = f.string("as_of", "[scenario]", false, sink);
                if let (Some(d), Some(node)) = (&sc.meta.as_of, f.get("as_of")) {
                    check_date(d, node.span.clone(), "as_of", sink);
                }
                sc.meta.description = f.string("description", "[scenario]", false, sink);
                sc.meta.notes = f
                    .strings("notes", "[scenario]", sink)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
            }
        }
        None => sink.error(
            Some(0..0),
            "the scenario has no [scenario] table",
            Some("start the file with `[scenario]` and `title = \"…\"`".into()),
        ),
    }

    // [[sources]]
    let mut source_ids = Ids::new("source");
    for n in top.array("sources", "the scenario file", sink) {
        let what = "a [[sources]] entry";
        let Some(f) = Fields::new(n, what, &["id", "title", "date", "path", "url"], sink) else {
            continue;
        };
        let id = f.string("id", what, true, sink).unwrap_or_default();
        if let Some(node) = f.get("id") {
            check_id(&id, node.span.clone(), "source", sink);
        }
        if !source_ids.add(&id, n.span.clone(), sink) {
            continue;
        }
        let title = f.string("title", what, false, sink).unwrap_or_default();
        let date = f.string("date", what, false, sink);
        if let (Some(d), Some(node)) = (&date, f.get("date")) {
            check_date(d, node.span.clone(), "date", sink);
        }
        let path = f.string("path", what, true, sink).unwrap_or_default();
        let span = f.get("path").map(|n| n.span.clone());
        let (resolved_path, text) = match sources {
            SourceTexts::Dir(base_dir) => {
                let resolved = base_dir.join(&path);
                let text = if path.is_empty() {
                    None
                } else {
                    read_source(base_dir, &path, span, sink)
                };
                (resolved, text)
            }
            SourceTexts::Memory(texts) => {
                let text = texts.get(&path).cloned();
                if text.is_none() && !path.is_empty() {
                    sink.error(
                        span,
                        format!("the text of source document `{path}` was not provided"),
                        Some("send the article's text together with the scenario, keyed by this path".into()),
                    );
                }
                (Path::new(&path).to_path_buf(), text)
            }
        };
        sc.sources.push(Source {
            id,
            title,
            date,
            path,
            resolved_path,
            text,
            span: n.span.clone(),
        });
    }

    // [[actors]]
    let mut actor_ids = Ids::new("actor");
    let mut speaks_for: Vec<(usize, String, Range<usize>)> = Vec::new();
    for n in top.array("actors", "the scenario file", sink) {
        let what = "an [[actors]] entry";
        let Some(f) = Fields::new(
            n,
            what,
            &[
                "id",
                "name",
                "kind",
                "aliases",
                "speaks_for",
                "capability",
                "reservation",
                "description",
                "leads",
            ],
            sink,
        ) else {
            continue;
        };
        let id = f.string("id", what, true, sink).unwrap_or_default();
        if let Some(node) = f.get("id") {
            check_id(&id, node.span.clone(), "actor", sink);
        }
        if !actor_ids.add(&id, n.span.clone(), sink) {
            continue;
        }
        let name = f
            .string("name", what, false, sink)
            .unwrap_or_else(|| id.clone());
        let kind = match (f.string("kind", what, false, sink), f.get("kind")) {
            (Some(k), Some(node)) => match ActorKind::ALL.iter().find(|(s, _)| *s == k) {
                Some((_, kind)) => *kind,
                None => {
                    let names: Vec<&str> = ActorKind::ALL.iter().map(|(s, _)| *s).collect();
                    let hint = match did_you_mean(&k, names.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? kinds: {}", names.join(", ")),
                        None => format!("kinds: {}", names.join(", ")),
                    };
                    sink.error(
                        Some(node.span.clone()),
                        format!("unknown actor kind `{k}`"),
                        Some(hint),
                    );
                    ActorKind::Other
                }
            },
            _ => ActorKind::Other,
        };
        let aliases = f
            .strings("aliases", what, sink)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        if let (Some(s), Some(node)) = (
            f.string("speaks_for", what, false, sink),
            f.get("speaks_for"),
        ) {
            speaks_for.push((sc.actors.len(), s, node.span.clone()));
        }
        let capability = match f.number("capability", what, sink) {
            Some((c, span)) if c < 0.0 => {
                sink.error(
                    Some(span),
                    format!("capability {c} of actor `{id}` is negative"),
                    Some("capability is an influence weight >= 0".into()),
                );
                0.0
            }
            // Products of capabilities (EUM, Monte Carlo) must stay finite.
            Some((c, span)) if c > Actor::MAX_CAPABILITY => {
                sink.error(
                    Some(span),
                    format!("capability {c:e} of actor `{id}` is too large"),
                    Some(format!(
                        "capabilities are relative weights: use a unit that keeps them at most {:e}",
                        Actor::MAX_CAPABILITY
                    )),
                );
                0.0
            }
            Some((c, _)) => c,
            None => {
                if f.get("capability").is_none() {
                    sink.warn(
                        Some(n.span.clone()),
                        format!("actor `{id}` has no capability; the models give it no weight"),
                        Some("add `capability = …` (any non-negative unit)".into()),
                    );
                }
                0.0
            }
        };
        let reservation = match f.number("reservation", what, sink) {
            Some((r, span)) if !(0.0..=1.0).contains(&r) => {
                sink.error(
                    Some(span),
                    format!("reservation {r} of actor `{id}` is outside [0, 1]"),
                    Some("the reservation is a utility between 0 (worst) and 1 (best)".into()),
                );
                None
            }
            r => r.map(|(r, _)| r),
        };
        let description = f.string("description", what, false, sink);
        let leads = f.bool("leads", what, sink).unwrap_or(false);
        if leads && f.get("speaks_for").is_none() {
            sink.error(
                f.get("leads").map(|n| n.span.clone()),
                format!("actor `{id}` leads but speaks for no party"),
                Some("`leads = true` marks the faction whose stance its party takes; add `speaks_for = \"<party id>\"` or remove `leads`".into()),
            );
        }
        sc.actors.push(Actor {
            id,
            name,
            kind,
            aliases,
            speaks_for: None,
            leads,
            capability,
            reservation,
            description,
            span: n.span.clone(),
        });
    }
    for (a, target, span) in speaks_for {
        if let Some(t) = actor_ids.lookup(&target, span.clone(), sink) {
            if t == a {
                sink.error(
                    Some(span),
                    format!("actor `{target}` speaks for itself"),
                    Some("remove `speaks_for`".into()),
                );
            } else {
                sc.actors[a].speaks_for = Some(t);
            }
        }
    }

    // [[issues]]
    let mut issue_ids = Ids::new("issue");
    let mut issue_nodes: Vec<&Node> = Vec::new();
    for n in top.array("issues", "the scenario file", sink) {
        let what = "an [[issues]] entry";
        let Some(f) = Fields::new(
            n,
            what,
            &[
                "id",
                "title",
                "description",
                "type",
                "anchors",
                "options",
                "ordered",
                "status_quo",
                "outcome",
            ],
            sink,
        ) else {
            continue;
        };
        let id = f.string("id", what, true, sink).unwrap_or_default();
        if let Some(node) = f.get("id") {
            check_id(&id, node.span.clone(), "issue", sink);
        }
        if !issue_ids.add(&id, n.span.clone(), sink) {
            continue;
        }
        let what_i = format!("issue `{id}`");
        let title = f
            .string("title", &what_i, true, sink)
            .unwrap_or_else(|| id.clone());
        let description = f.string("description", &what_i, false, sink);
        let ty = f.string("type", &what_i, false, sink);
        let ty = match ty.as_deref() {
            Some("scale") => "scale",
            Some("options") => "options",
            Some(other) => {
                sink.error(
                    f.get("type").map(|n| n.span.clone()),
                    format!("unknown issue type `{other}` for {what_i}"),
                    Some("the type is `scale` (a 0–100 line) or `options` (named options)".into()),
                );
                if f.get("options").is_some() {
                    "options"
                } else {
                    "scale"
                }
            }
            None if f.get("options").is_some() => "options",
            None if f.get("anchors").is_some() => "scale",
            None => {
                sink.error(
                    Some(n.span.clone()),
                    format!("{what_i} has no `type`"),
                    Some("add `type = \"scale\"` with `anchors`, or `type = \"options\"` with `options`".into()),
                );
                "scale"
            }
        };
        let kind = if ty == "scale" {
            if let Some(o) = f.get("options") {
                sink.error(
                    Some(o.span.clone()),
                    format!("{what_i} is a scale issue but has `options`"),
                    Some("use `type = \"options\"`, or describe the scale with `anchors`".into()),
                );
            }
            let mut anchors = Vec::new();
            for a in f.array("anchors", &what_i, sink) {
                let Some(af) = Fields::new(a, "an anchor", &["at", "label"], sink) else {
                    continue;
                };
                let at = match af.number("at", "an anchor", sink) {
                    Some((x, span)) if !(0.0..=100.0).contains(&x) => {
                        sink.error(
                            Some(span),
                            format!("anchor at {x} of {what_i} is outside the 0–100 scale"),
                            Some("anchors lie on the 0–100 line".into()),
                        );
                        continue;
                    }
                    Some((x, _)) => x,
                    None => {
                        if af.get("at").is_none() {
                            sink.error(
                                Some(a.span.clone()),
                                "anchor has no `at`",
                                Some("e.g. `{ at = 0, label = \"…\" }`".into()),
                            );
                        }
                        continue;
                    }
                };
                let label = af
                    .string("label", "an anchor", true, sink)
                    .unwrap_or_default();
                anchors.push(Anchor { at, label });
            }
            if anchors.len() < 2 {
                sink.error(
                    Some(f.get("anchors").map(|a| a.span.clone()).unwrap_or(n.span.clone())),
                    format!("scale {what_i} needs at least two labelled anchors"),
                    Some("say in words what 0 and 100 mean, e.g. `anchors = [{ at = 0, label = \"…\" }, { at = 100, label = \"…\" }]`".into()),
                );
            }
            anchors.sort_by(|a, b| a.at.total_cmp(&b.at));
            IssueKind::Scale { anchors }
        } else {
            if let Some(a) = f.get("anchors") {
                sink.error(
                    Some(a.span.clone()),
                    format!("{what_i} is an options issue but has `anchors`"),
                    Some(
                        "anchors belong to scale issues; remove them or use `type = \"scale\"`"
                            .into(),
                    ),
                );
            }
            let mut options: Vec<IssueOption> = Vec::new();
            let mut opt_ids = Ids::new("option");
            for o in f.array("options", &what_i, sink) {
                let (oid, label) = match &o.kind {
                    Kind::Str(s) => (s.clone(), s.clone()),
                    _ => {
                        let Some(of) = Fields::new(o, "an option", &["id", "label"], sink) else {
                            continue;
                        };
                        let oid = of.string("id", "an option", true, sink).unwrap_or_default();
                        let label = of
                            .string("label", "an option", false, sink)
                            .unwrap_or_else(|| oid.clone());
                        (oid, label)
                    }
                };
                check_id(&oid, o.span.clone(), "option", sink);
                if opt_ids.add(&oid, o.span.clone(), sink) {
                    options.push(IssueOption { id: oid, label });
                }
            }
            if options.len() < 2 {
                sink.error(
                    Some(
                        f.get("options")
                            .map(|a| a.span.clone())
                            .unwrap_or(n.span.clone()),
                    ),
                    format!("options {what_i} needs at least two options"),
                    Some("list them: `options = [{ id = \"…\", label = \"…\" }, …]`".into()),
                );
            }
            let ordered = f.bool("ordered", &what_i, sink).unwrap_or(false);
            IssueKind::Options { options, ordered }
        };
        sc.issues.push(Issue {
            id,
            title,
            description,
            kind,
            status_quo: None,
            outcome: None,
            span: n.span.clone(),
        });
        issue_nodes.push(n);
    }
    // status quo and outcome need the issue's kind
    for (ix, n) in issue_nodes.iter().enumerate() {
        let Kind::Table(entries) = &n.kind else {
            continue;
        };
        let f = Fields {
            entries,
            span: n.span.clone(),
        };
        for key in ["status_quo", "outcome"] {
            if let Some(v) = f.get(key) {
                let p = position_of(&sc.issues[ix], v, key, sink);
                if key == "status_quo" {
                    sc.issues[ix].status_quo = p;
                } else {
                    sc.issues[ix].outcome = p;
                }
            }
        }
    }

    // [[stances]]
    let mut seen_pairs: HashMap<(usize, usize, Option<String>), Range<usize>> = HashMap::new();
    for n in top.array("stances", "the scenario file", sink) {
        let what = "a [[stances]] entry";
        let Some(f) = Fields::new(
            n,
            what,
            &[
                "actor",
                "issue",
                "position",
                "salience",
                "red_line",
                "rejects",
                "position_range",
                "salience_range",
                "values",
                "evidence",
                "note",
                "as_of",
            ],
            sink,
        ) else {
            continue;
        };
        let actor_id = f.string("actor", what, true, sink);
        let issue_id = f.string("issue", what, true, sink);
        let actor = actor_id.as_deref().and_then(|a| {
            actor_ids.lookup(
                a,
                f.get("actor")
                    .map(|n| n.span.clone())
                    .unwrap_or(n.span.clone()),
                sink,
            )
        });
        let issue = issue_id.as_deref().and_then(|i| {
            issue_ids.lookup(
                i,
                f.get("issue")
                    .map(|n| n.span.clone())
                    .unwrap_or(n.span.clone()),
                sink,
            )
        });
        let label = format!(
            "stance of `{}` on `{}`",
            actor_id.as_deref().unwrap_or("?"),
            issue_id.as_deref().unwrap_or("?")
        );
        let iss = issue.map(|i| &sc.issues[i]);
        let position = match (f.get("position"), iss) {
            (Some(v), Some(is)) => position_of(is, v, "position", sink),
            _ => None,
        };
        let salience = match f.number("salience", &label, sink) {
            Some((s, span)) if !(0.0..=100.0).contains(&s) => {
                sink.error(
                    Some(span),
                    format!("salience {s} in {label} is outside 0–100"),
                    Some("salience is how much the actor cares, from 0 (not at all) to 100 (above all else)".into()),
                );
                None
            }
            s => s.map(|(s, _)| s),
        };
        if f.get("position").is_none() || f.get("salience").is_none() {
            sink.warn(
                Some(n.span.clone()),
                format!(
                    "{label} has no {}: a draft; models skip it",
                    match (f.get("position").is_none(), f.get("salience").is_none()) {
                        (true, true) => "position or salience",
                        (true, false) => "position",
                        _ => "salience",
                    }
                ),
                Some("set `position` and `salience` from the evidence".into()),
            );
        }
        let red_line = iss.and_then(|is| red_line_of(is, &f, position, &label, sink));
        let position_range = f.range("position_range", &label, 0.0, 100.0, sink);
        if let (Some((lo, hi)), Some(Position::Scale(x))) = (position_range, position) {
            if x < lo || x > hi {
                sink.error(
                    f.get("position_range").map(|n| n.span.clone()),
                    format!(
                        "position_range [{lo}, {hi}] of {label} does not contain its position {x}"
                    ),
                    Some("the range is the uncertainty around the position".into()),
                );
            }
        }
        if let (Some(_), Some(is)) = (position_range, iss) {
            if !is.is_scale() {
                sink.error(
                    f.get("position_range").map(|n| n.span.clone()),
                    format!("position_range in {label}: `{}` is an options issue", is.id),
                    Some("ranges apply to scale issues only".into()),
                );
            }
        }
        let salience_range = f.range("salience_range", &label, 0.0, 100.0, sink);
        if let (Some((lo, hi)), Some(s)) = (salience_range, salience) {
            if s < lo || s > hi {
                sink.error(
                    f.get("salience_range").map(|n| n.span.clone()),
                    format!(
                        "salience_range [{lo}, {hi}] of {label} does not contain its salience {s}"
                    ),
                    None,
                );
            }
        }
        let values = match (f.get("values"), iss) {
            (Some(v), Some(is)) => values_of(is, v, &label, sink),
            _ => BTreeMap::new(),
        };
        let mut evidence = Vec::new();
        for e in f.array("evidence", &label, sink) {
            if let Some(ev) = evidence_of(e, &source_ids, &actor_ids, &sc.sources, &label, sink) {
                evidence.push(ev);
            }
        }
        if evidence.is_empty() && f.get("evidence").is_none() {
            sink.warn(
                Some(n.span.clone()),
                format!("{label} cites no evidence"),
                Some("add `evidence = [{ source = \"…\", quote = \"…\" }]` with the sentence it rests on".into()),
            );
        }
        let note = f.string("note", &label, false, sink);
        let as_of = stance_date(&f, &evidence, &sc, &label, sink);
        if let (Some(a), Some(i)) = (actor, issue) {
            if let Some(first) = seen_pairs.get(&(a, i, as_of.clone())) {
                let (l, c) = sink.index.line_col(sink.text, first.start);
                let when = match &as_of {
                    Some(d) => format!(" dated {d}"),
                    None => String::new(),
                };
                sink.error(
                    Some(n.span.clone()),
                    format!("duplicate {label}{when}"),
                    Some(format!("there is already a stance for this actor and issue at the same date at line {l}, column {c}; merge them (several evidence entries are fine), or give each its own `as_of`")),
                );
                continue;
            }
            seen_pairs.insert((a, i, as_of.clone()), n.span.clone());
        }
        if let (Some(actor), Some(issue)) = (actor, issue) {
            sc.history.push(Stance {
                actor,
                issue,
                as_of,
                derived_from: None,
                position,
                salience,
                red_line,
                position_range,
                salience_range,
                values,
                evidence,
                note,
                span: n.span.clone(),
            });
        }
    }
    sc.stances = crate::history::view_at(&sc.actors, &sc.history, sc.meta.as_of.as_deref());
    checks::evidence(&sc, sink);
    linkages::resolve(
        &top,
        &linkages::Registries {
            sources: &source_ids,
            actors: &actor_ids,
        },
        &mut sc,
        sink,
    );

    // [decision]
    if let Some(n) = top.get("decision") {
        if let Some(f) = Fields::new(n, "[decision]", &["veto_players", "note"], sink) {
            for (id, span) in f.strings("veto_players", "[decision]", sink) {
                if let Some(a) = actor_ids.lookup(&id, span.clone(), sink) {
                    if sc.decision.veto_players.contains(&a) {
                        sink.error(
                            Some(span),
                            format!("veto player `{id}` is listed twice"),
                            None,
                        );
                    } else {
                        sc.decision.veto_players.push(a);
                        if !sc.stances.iter().any(|s| s.actor == a) {
                            sink.warn(
                                Some(span),
                                format!("veto player `{id}` has no stance on any issue"),
                                Some("add its stances, or it cannot be analysed".into()),
                            );
                        }
                    }
                }
            }
            sc.decision.note = f.string("note", "[decision]", false, sink);
        }
    }
    sc
}

fn check_date(d: &str, span: Range<usize>, key: &str, sink: &mut Sink) {
    if !crate::history::is_date(d) {
        sink.error(
            Some(span),
            format!("`{key}` = \"{d}\" is not a date"),
            Some("write dates as \"YYYY-MM-DD\"".into()),
        );
    }
}

/// Read a source document: confined to the scenario's folder, a regular file, bounded in size
/// (`crate::safe_io`), UTF-8.
fn read_source(
    base_dir: &Path,
    path: &str,
    span: Option<Range<usize>>,
    sink: &mut Sink,
) -> Option<String> {
    use crate::limits::Limit;
    use crate::safe_io::{confine_source, read_text_bounded};
    match confine_source(base_dir, path).and_then(|p| read_text_bounded(&p, Limit::SourceBytes)) {
        Ok(t) => Some(t),
        Err(e) => {
            sink.error(
                span,
                match e.message.strip_prefix("cannot read ") {
                    Some(rest) => format!("cannot read source document {rest}"),
                    None => format!("source document: {}", e.message),
                },
                e.hint
                    .or(Some("point `path` at a plain-text article".into())),
            );
            None
        }
    }
}

/// A position on `issue` from a node: a number on scale issues, an option id on options issues.
fn position_of(issue: &Issue, v: &Node, key: &str, sink: &mut Sink) -> Option<Position> {
    match &issue.kind {
        IssueKind::Scale { .. } => match v.as_f64() {
            Some(x) if (Issue::SCALE_MIN..=Issue::SCALE_MAX).contains(&x) => {
                Some(Position::Scale(x))
            }
            Some(x) => {
                sink.error(
                    Some(v.span.clone()),
                    format!(
                        "{key} {x} is outside the 0–100 scale of issue `{}`",
                        issue.id
                    ),
                    Some(anchor_hint(issue)),
                );
                None
            }
            None => {
                sink.error(
                    Some(v.span.clone()),
                    format!(
                        "{key} on scale issue `{}` must be a number, found {}",
                        issue.id,
                        v.type_name()
                    ),
                    Some(anchor_hint(issue)),
                );
                None
            }
        },
        IssueKind::Options { options, .. } => match v.as_str() {
            Some(s) => option_index(issue, options, s, v.span.clone(), sink).map(Position::Option),
            None => {
                sink.error(
                    Some(v.span.clone()),
                    format!(
                        "{key} on options issue `{}` must be an option id, found {}",
                        issue.id,
                        v.type_name()
                    ),
                    Some(format!(
                        "options: {}",
                        options
                            .iter()
                            .map(|o| o.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
                None
            }
        },
    }
}

fn anchor_hint(issue: &Issue) -> String {
    let a: Vec<String> = issue
        .anchors()
        .iter()
        .map(|a| format!("{} = {}", a.at, a.label))
        .collect();
    if a.is_empty() {
        "scale positions run from 0 to 100".into()
    } else {
        format!("scale positions run from 0 to 100 ({})", a.join("; "))
    }
}

fn option_index(
    issue: &Issue,
    options: &[IssueOption],
    s: &str,
    span: Range<usize>,
    sink: &mut Sink,
) -> Option<usize> {
    if let Some(i) = options.iter().position(|o| o.id == s) {
        return Some(i);
    }
    let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
    let hint = match did_you_mean(s, ids.iter().copied()) {
        Some(m) => format!("did you mean `{m}`? options: {}", ids.join(", ")),
        None => format!("options of `{}`: {}", issue.id, ids.join(", ")),
    };
    sink.error(
        Some(span),
        format!("issue `{}` has no option `{s}`", issue.id),
        Some(hint),
    );
    None
}

fn red_line_of(
    issue: &Issue,
    f: &Fields,
    position: Option<Position>,
    label: &str,
    sink: &mut Sink,
) -> Option<RedLine> {
    let rl = f.get("red_line");
    let rej = f.get("rejects");
    match &issue.kind {
        IssueKind::Scale { .. } => {
            if let Some(r) = rej {
                sink.error(
                    Some(r.span.clone()),
                    format!("`rejects` in {label}: `{}` is a scale issue", issue.id),
                    Some("on a scale issue write `red_line = <worst acceptable point>`".into()),
                );
            }
            let r = rl?;
            let b = position_of(issue, r, "red_line", sink)?.as_scale()?;
            match position {
                // A red line at the position itself: nothing but the position is acceptable.
                Some(Position::Scale(x)) if (x - b).abs() < 1e-9 => {
                    Some(RedLine::Range { lo: b, hi: b })
                }
                Some(Position::Scale(x)) => Some(if x > b {
                    RedLine::Range {
                        lo: b,
                        hi: Issue::SCALE_MAX,
                    }
                } else {
                    RedLine::Range {
                        lo: Issue::SCALE_MIN,
                        hi: b,
                    }
                }),
                _ => {
                    sink.error(
                        Some(r.span.clone()),
                        format!("red_line in {label} needs a position to know which side is acceptable"),
                        Some("set `position`; the acceptable side of the red line is the side the position is on".into()),
                    );
                    None
                }
            }
        }
        IssueKind::Options { options, ordered } => {
            let mut rejected: Vec<usize> = Vec::new();
            if let Some(r) = rl {
                if !ordered {
                    sink.error(
                        Some(r.span.clone()),
                        format!("red_line in {label}: the options of `{}` are not ordered", issue.id),
                        Some("list the unacceptable options with `rejects = [\"…\"]`, or set `ordered = true` on the issue".into()),
                    );
                } else if let Some(Position::Option(b)) = position_of(issue, r, "red_line", sink) {
                    match position {
                        Some(Position::Option(p)) => {
                            if p == b {
                                // A red line at the position itself: every other option is out.
                                rejected.extend((0..options.len()).filter(|&i| i != p));
                            } else if p > b {
                                rejected.extend(0..b);
                            } else {
                                rejected.extend(b + 1..options.len());
                            }
                        }
                        _ => sink.error(
                            Some(r.span.clone()),
                            format!("red_line in {label} needs a position to know which side is acceptable"),
                            Some("set `position`".into()),
                        ),
                    }
                }
            }
            if let Some(r) = rej {
                for (s, span) in f.strings("rejects", label, sink) {
                    if let Some(i) = option_index(issue, options, &s, span.clone(), sink) {
                        if position == Some(Position::Option(i)) {
                            sink.error(
                                Some(span),
                                format!("{label} rejects its own position `{s}`"),
                                Some("an actor cannot reject the option it holds".into()),
                            );
                        } else if !rejected.contains(&i) {
                            rejected.push(i);
                        }
                    }
                }
                let _ = r;
            }
            if rl.is_none() && rej.is_none() {
                return None;
            }
            rejected.sort_unstable();
            Some(RedLine::Rejects { options: rejected })
        }
    }
}

fn values_of(issue: &Issue, v: &Node, label: &str, sink: &mut Sink) -> BTreeMap<usize, f64> {
    let mut out = BTreeMap::new();
    let IssueKind::Options { options, .. } = &issue.kind else {
        sink.error(
            Some(v.span.clone()),
            format!("`values` in {label}: `{}` is a scale issue", issue.id),
            Some(
                "explicit values are for options issues; scale values follow from the position"
                    .into(),
            ),
        );
        return out;
    };
    let Kind::Table(entries) = &v.kind else {
        sink.error(
            Some(v.span.clone()),
            format!("`values` in {label} must be a table of option = value"),
            Some("e.g. `values = { member = 0.0, renounced = 1.0 }`".into()),
        );
        return out;
    };
    for e in entries {
        let Some(i) = option_index(issue, options, &e.key, e.key_span.clone(), sink) else {
            continue;
        };
        match e.value.as_f64() {
            Some(x) if (0.0..=1.0).contains(&x) => {
                out.insert(i, x);
            }
            _ => sink.error(
                Some(e.value.span.clone()),
                format!(
                    "value of option `{}` in {label} must be a number in [0, 1]",
                    e.key
                ),
                Some("1 = the actor's best, 0 = its worst".into()),
            ),
        }
    }
    out
}

fn evidence_of(
    e: &Node,
    ids: &Ids,
    actor_ids: &Ids,
    sources: &[Source],
    label: &str,
    sink: &mut Sink,
) -> Option<Evidence> {
    let what = format!("evidence of {label}");
    let f = Fields::new(
        e,
        &what,
        &["source", "quote", "note", "kind", "reported_by"],
        sink,
    )?;
    let src_id = f.string("source", &what, true, sink)?;
    let src = ids.lookup(
        &src_id,
        f.get("source")
            .map(|n| n.span.clone())
            .unwrap_or(e.span.clone()),
        sink,
    );
    let quote = f.string("quote", &what, true, sink)?;
    let qspan = f.get("quote").map(|n| n.span.clone());
    if quote.trim().is_empty() {
        sink.error(
            qspan,
            format!("empty quote in {what}"),
            Some("copy the sentence the stance rests on".into()),
        );
        return None;
    }
    let note = f.string("note", &what, false, sink);
    let (kind, reported_by) = evidence_kind(&f, actor_ids, note.is_some(), &what, sink);
    let src = src?;
    let source = sources.iter().position(|s| s.id == src_id).unwrap_or(src);
    let mut location = None;
    if let Some(text) = sources.get(source).and_then(|s| s.text.as_deref()) {
        use crate::quote_search::{find, Found};
        match find(text, &quote) {
            Found::At(at) => location = Some(at..at + quote.len()),
            Found::Missing(hint) => sink.error(
                qspan.clone(),
                format!(
                    "quote not found verbatim in source `{src_id}` ({})",
                    sources[source].path
                ),
                Some(hint),
            ),
            Found::Refused(message) => sink.error(qspan.clone(), message, None),
        }
    }
    Some(Evidence {
        source,
        quote,
        location,
        note,
        kind,
        reported_by,
        span: qspan.unwrap_or(e.span.clone()),
    })
}

/// `kind` and `reported_by` of an evidence entry; `inferred` needs a `note`.
fn evidence_kind(
    f: &Fields,
    actor_ids: &Ids,
    has_note: bool,
    what: &str,
    sink: &mut Sink,
) -> (EvidenceKind, Option<usize>) {
    let kind = match (f.string("kind", what, false, sink), f.get("kind")) {
        (Some(k), Some(node)) => match EvidenceKind::ALL.iter().find(|(s, _)| *s == k) {
            Some((_, kind)) => *kind,
            None => {
                let names: Vec<&str> = EvidenceKind::ALL.iter().map(|(s, _)| *s).collect();
                let hint = match did_you_mean(&k, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? kinds: {}", names.join(", ")),
                    None => format!("evidence kinds: {}", names.join(", ")),
                };
                sink.error(
                    Some(node.span.clone()),
                    format!("unknown evidence kind `{k}`"),
                    Some(hint),
                );
                EvidenceKind::Unspecified
            }
        },
        _ => EvidenceKind::Unspecified,
    };
    if kind == EvidenceKind::Inferred && !has_note {
        sink.error(
            f.get("kind").map(|n| n.span.clone()),
            format!("{what} is `inferred` but has no `note`"),
            Some("say why the sentence supports this reading: `note = \"…\"`".into()),
        );
    }
    let reported_by = match (
        f.string("reported_by", what, false, sink),
        f.get("reported_by"),
    ) {
        (Some(a), Some(node)) => {
            if kind != EvidenceKind::Reported {
                sink.error(
                    Some(node.span.clone()),
                    format!("`reported_by` in {what} whose kind is not `reported`"),
                    Some("set `kind = \"reported\"`, or remove `reported_by`".into()),
                );
            }
            actor_ids.lookup(&a, node.span.clone(), sink)
        }
        _ => None,
    };
    (kind, reported_by)
}

/// The date of a stance: `as_of` if given (checked: a date, not after the scenario's),
/// else the latest date of the sources its evidence cites, capped at the scenario date, else
/// the scenario date.
fn stance_date(
    f: &Fields,
    evidence: &[Evidence],
    sc: &Scenario,
    label: &str,
    sink: &mut Sink,
) -> Option<String> {
    let scenario_date = sc
        .meta
        .as_of
        .as_deref()
        .filter(|d| crate::history::is_date(d));
    if let Some(node) = f.get("as_of") {
        let d = f.string("as_of", label, false, sink)?;
        if !crate::history::is_date(&d) {
            sink.error(
                Some(node.span.clone()),
                format!("`as_of` = \"{d}\" of {label} is not a date"),
                Some("write dates as \"YYYY-MM-DD\"".into()),
            );
            return None;
        }
        if let Some(sd) = scenario_date {
            if d.as_str() > sd {
                sink.error(
                    Some(node.span.clone()),
                    format!("`as_of` = \"{d}\" of {label} is in the future: the scenario is as of {sd}"),
                    Some("a stance cannot be dated after the scenario; fix the date or move the scenario's `as_of`".into()),
                );
                return None;
            }
        }
        return Some(d);
    }
    let latest = evidence
        .iter()
        .filter_map(|e| sc.sources.get(e.source)?.date.as_deref())
        .filter(|d| crate::history::is_date(d))
        .max();
    match (latest, scenario_date) {
        (Some(l), Some(sd)) => Some(l.min(sd).to_string()),
        (Some(l), None) => Some(l.to_string()),
        (None, sd) => sd.map(str::to_string),
    }
}
