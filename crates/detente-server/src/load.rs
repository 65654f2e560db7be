//! Loading uploaded scenarios without touching the file system on a request's behalf.
//!
//! A scenario names its source documents by path (relative to the scenario file), and the
//! scenario loader verifies every evidence quote by reading those files. A server must never
//! read a path given in a request, so an upload is a *bundle*: the scenario text plus the text
//! of each source, keyed by the path exactly as written in the scenario. Before the loader
//! runs, the declared paths are read out of the scenario with the same parsers the loader uses
//! (`toml_edit`, `jsonc-parser`); absolute paths are refused; the uploaded texts are written
//! into a fresh private temporary directory deep enough that every `..` stays inside it, and
//! the loader is pointed there. So the only files it can read are the ones the server just
//! wrote from the upload. (An in-memory loader entry point in `detente-scenario` would make the
//! temporary directory unnecessary.)

use detente_scenario::{Diagnostic, LineIndex, Loaded, Severity, Syntax};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// A scenario as uploaded: its text, the name it had, and its sources' texts.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub text: String,
    pub file_name: String,
    /// Source path as written in the scenario → text.
    pub sources: BTreeMap<String, String>,
}

/// A loaded bundle.
#[derive(Debug)]
pub struct LoadedBundle {
    pub loaded: Loaded,
    pub syntax: Syntax,
    /// The uploaded sources that the scenario declares (others are dropped).
    pub sources: BTreeMap<String, String>,
    pub file_name: String,
}

impl LoadedBundle {
    pub fn is_valid(&self) -> bool {
        self.loaded.is_valid()
    }
    pub fn syntax_name(&self) -> &'static str {
        match self.syntax {
            Syntax::Toml => "toml",
            Syntax::Json => "json",
        }
    }
    /// The text of source `i` (by index in `scenario.sources`).
    pub fn source_text(&self, i: usize) -> Option<&str> {
        let s = self.loaded.scenario.sources.get(i)?;
        s.text
            .as_deref()
            .or_else(|| self.sources.get(&s.path).map(String::as_str))
    }
}

/// A safe file name: the last path component, limited to `[A-Za-z0-9._-]`, `.toml` or `.json`.
pub fn clean_file_name(name: &str, text: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut s: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(100)
        .collect();
    while s.starts_with('.') {
        s.remove(0);
    }
    let lower = s.to_ascii_lowercase();
    if !(lower.ends_with(".toml") || lower.ends_with(".json")) {
        let ext = if text.trim_start().starts_with('{') {
            "json"
        } else {
            "toml"
        };
        if s.is_empty() {
            s = "scenario".into();
        }
        s = format!("{s}.{ext}");
    }
    s
}

/// The source paths a scenario text declares, or `None` when the text does not parse (the
/// loader's parse then fails too, so it reads no sources).
fn declared_paths(text: &str, syntax: Syntax) -> Option<Vec<String>> {
    match syntax {
        Syntax::Toml => {
            let doc: toml_edit::DocumentMut = text.parse().ok()?;
            let mut out = Vec::new();
            match doc.get("sources") {
                Some(toml_edit::Item::ArrayOfTables(a)) => {
                    for t in a.iter() {
                        if let Some(p) = t.get("path").and_then(|p| p.as_str()) {
                            out.push(p.to_string());
                        }
                    }
                }
                Some(toml_edit::Item::Value(toml_edit::Value::Array(a))) => {
                    for v in a.iter() {
                        if let Some(p) = v
                            .as_inline_table()
                            .and_then(|t| t.get("path"))
                            .and_then(|p| p.as_str())
                        {
                            out.push(p.to_string());
                        }
                    }
                }
                _ => {}
            }
            Some(out)
        }
        Syntax::Json => {
            let v: serde_json::Value =
                jsonc_parser::parse_to_serde_value(text, &jsonc_parser::ParseOptions::default())
                    .ok()?;
            let mut out = Vec::new();
            if let Some(a) = v.get("sources").and_then(|s| s.as_array()) {
                for s in a {
                    if let Some(p) = s.get("path").and_then(|p| p.as_str()) {
                        out.push(p.to_string());
                    }
                }
            }
            Some(out)
        }
    }
}

/// A relative path split into normal components after resolving `.` and `..` lexically,
/// with the number of levels it climbs above its base. `None` for absolute paths.
fn normalise(path: &str) -> Option<(Vec<String>, usize)> {
    if path.contains('\0') {
        return None;
    }
    let p = Path::new(path);
    let mut parts: Vec<String> = Vec::new();
    let mut depth: isize = 0;
    let mut climb: usize = 0;
    // Invariant: parts.len() == depth - min(lowest depth so far, 0).
    for c in p.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => return None,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                climb = climb.max((-depth).max(0) as usize);
                // The stack is empty exactly when `depth` is at a new low, so what remains
                // at the end is relative to the highest ancestor reached.
                parts.pop();
            }
            Component::Normal(s) => {
                depth += 1;
                parts.push(s.to_string_lossy().into_owned());
            }
        }
    }
    Some((parts, climb))
}

/// Load a bundle. Never reads a file the server did not just write from the bundle.
pub fn load_bundle(bundle: &Bundle) -> LoadedBundle {
    let file_name = clean_file_name(&bundle.file_name, &bundle.text);
    let virtual_path = PathBuf::from(&file_name);
    let syntax = Syntax::guess(&virtual_path, &bundle.text);
    let fail = |message: String, hint: Option<String>, at: Option<usize>| {
        let (line, column) = match at {
            Some(off) => {
                let (l, c) = LineIndex::new(&bundle.text).line_col(&bundle.text, off);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        LoadedBundle {
            loaded: Loaded {
                scenario: Default::default(),
                diagnostics: vec![Diagnostic {
                    severity: Severity::Error,
                    file: virtual_path.clone(),
                    line,
                    column,
                    span: at.map(|o| o..o + 1),
                    message,
                    hint,
                }],
            },
            syntax,
            sources: BTreeMap::new(),
            file_name: file_name.clone(),
        }
    };
    let sandbox = match tempfile::Builder::new().prefix("detente-load-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            return fail(
                format!("server cannot create a temporary directory: {e}"),
                None,
                None,
            )
        }
    };
    let declared = declared_paths(&bundle.text, syntax);
    let mut kept = BTreeMap::new();
    let mut plan: Vec<(Vec<String>, usize, &str)> = Vec::new();
    let mut max_climb = 0;
    for path in declared.iter().flatten() {
        let Some((parts, climb)) = normalise(path) else {
            let at = bundle.text.find(path.as_str());
            return fail(
                format!("source path `{path}` is absolute; the server reads only sources uploaded with the scenario"),
                Some("write source paths relative to the scenario file".into()),
                at,
            );
        };
        max_climb = max_climb.max(climb);
        if let Some(t) = bundle.sources.get(path) {
            kept.insert(path.clone(), t.clone());
            plan.push((parts, climb, t));
        }
    }
    // base = sandbox/_/_/…  (max_climb levels), so `..` never leaves the sandbox.
    let mut base = sandbox.path().to_path_buf();
    for i in 0..max_climb {
        base.push(format!("d{i}"));
    }
    if let Err(e) = std::fs::create_dir_all(&base) {
        return fail(format!("server cannot prepare sources: {e}"), None, None);
    }
    for (parts, climb, text) in &plan {
        // A path climbing `climb` levels lands at sandbox/d0/…/d(max_climb-climb-1)/parts…
        let mut target = sandbox.path().to_path_buf();
        for i in 0..(max_climb - climb) {
            target.push(format!("d{i}"));
        }
        for p in parts {
            target.push(p);
        }
        if parts.is_empty() {
            continue;
        }
        if let Some(parent) = target.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        // A path naming a directory we created for another source fails here; the loader then
        // reports that source as unreadable, which is the truth.
        let _ = std::fs::write(&target, text);
    }
    let mut loaded = detente_scenario::load_str(&bundle.text, &virtual_path, &base);
    // Hide the sandbox location from messages.
    let base_s = format!("{}/", base.display());
    let root_s = sandbox.path().display().to_string();
    for d in &mut loaded.diagnostics {
        d.message = d.message.replace(&base_s, "").replace(&root_s, "");
        // A source the upload did not include: say so, instead of the OS error from the sandbox.
        if d.message.starts_with("cannot read source") && d.message.contains("os error") {
            if let Some((head, _)) = d.message.rsplit_once(": ") {
                d.message = format!("{head}: its text was not uploaded with the scenario");
                d.hint = Some(
                    "send the article's text with the scenario (a bundle's `sources`, keyed by this path; \
                     the Articles field of the upload form; or `detente serve FILE`)"
                        .into(),
                );
                continue;
            }
        }
        if let Some(h) = &mut d.hint {
            *h = h.replace(&base_s, "").replace(&root_s, "");
        }
    }
    for s in &mut loaded.scenario.sources {
        s.resolved_path = PathBuf::from(&s.path);
    }
    LoadedBundle {
        loaded,
        syntax,
        sources: kept,
        file_name,
    }
}

/// A change to one stance, as sent by the editor.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct StanceEdit {
    pub actor: String,
    pub issue: String,
    pub salience: Option<f64>,
    /// A number (scale issue) or an option id (options issue).
    pub position: Option<serde_json::Value>,
}

/// Apply a stance edit to the scenario text, keeping its formatting (TOML) or re-printing it
/// (JSON, where comments are lost). Returns the new text and a one-line description.
pub fn apply_edit(
    text: &str,
    syntax: Syntax,
    edit: &StanceEdit,
) -> Result<(String, String), String> {
    if edit.salience.is_none() && edit.position.is_none() {
        return Err("nothing to change: give `salience` and/or `position`".into());
    }
    if let Some(s) = edit.salience {
        if !(0.0..=100.0).contains(&s) || !s.is_finite() {
            return Err(format!("salience {s} is outside 0–100"));
        }
    }
    let mut what = Vec::new();
    match syntax {
        Syntax::Toml => {
            let mut doc: toml_edit::DocumentMut = text
                .parse()
                .map_err(|e| format!("scenario does not parse: {e}"))?;
            let stances = doc
                .get_mut("stances")
                .and_then(|s| s.as_array_of_tables_mut())
                .ok_or("the scenario has no [[stances]] tables")?;
            let t = stances
                .iter_mut()
                .find(|t| {
                    t.get("actor").and_then(|v| v.as_str()) == Some(edit.actor.as_str())
                        && t.get("issue").and_then(|v| v.as_str()) == Some(edit.issue.as_str())
                })
                .ok_or_else(|| format!("no stance of `{}` on `{}`", edit.actor, edit.issue))?;
            if let Some(s) = edit.salience {
                let old = t
                    .get("salience")
                    .map(|v| v.to_string().trim().to_string())
                    .unwrap_or("unset".into());
                t["salience"] = toml_edit::value(toml_number(s));
                what.push(format!("salience {old} → {}", fmt_num(s)));
            }
            if let Some(p) = &edit.position {
                let old = t
                    .get("position")
                    .map(|v| v.to_string().trim().to_string())
                    .unwrap_or("unset".into());
                let v = match p {
                    serde_json::Value::Number(n) => {
                        toml_number(n.as_f64().ok_or("position is not a number")?)
                    }
                    serde_json::Value::String(s) => toml_edit::Value::from(s.as_str()),
                    _ => return Err("position must be a number or an option id".into()),
                };
                t["position"] = toml_edit::value(v);
                what.push(format!("position {old} → {p}"));
            }
            Ok((
                doc.to_string(),
                format!("{}/{}: {}", edit.actor, edit.issue, what.join(", ")),
            ))
        }
        Syntax::Json => {
            let mut v: serde_json::Value =
                jsonc_parser::parse_to_serde_value(text, &jsonc_parser::ParseOptions::default())
                    .map_err(|e| format!("scenario does not parse: {e}"))?;
            let st = v
                .get_mut("stances")
                .and_then(|s| s.as_array_mut())
                .ok_or("the scenario has no stances")?
                .iter_mut()
                .find(|s| {
                    s.get("actor").and_then(|x| x.as_str()) == Some(edit.actor.as_str())
                        && s.get("issue").and_then(|x| x.as_str()) == Some(edit.issue.as_str())
                })
                .ok_or_else(|| format!("no stance of `{}` on `{}`", edit.actor, edit.issue))?;
            let obj = st.as_object_mut().ok_or("stance is not an object")?;
            if let Some(s) = edit.salience {
                let old = obj
                    .get("salience")
                    .map(|x| x.to_string())
                    .unwrap_or("unset".into());
                obj.insert("salience".into(), serde_json::json!(s));
                what.push(format!("salience {old} → {}", fmt_num(s)));
            }
            if let Some(p) = &edit.position {
                let old = obj
                    .get("position")
                    .map(|x| x.to_string())
                    .unwrap_or("unset".into());
                obj.insert("position".into(), p.clone());
                what.push(format!("position {old} → {p}"));
            }
            let out = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?;
            Ok((
                out,
                format!("{}/{}: {}", edit.actor, edit.issue, what.join(", ")),
            ))
        }
    }
}

fn toml_number(x: f64) -> toml_edit::Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        toml_edit::Value::from(x as i64)
    } else {
        toml_edit::Value::from(x)
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A diagnostic as JSON, with its `file:line:col: …` rendering.
pub fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "severity": d.severity,
        "file": d.file.display().to_string(),
        "line": d.line,
        "column": d.column,
        "message": d.message,
        "hint": d.hint,
        "rendered": d.render(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("../../etc/passwd", "x = 1"), "passwd.toml");
        assert_eq!(clean_file_name("a b.json", "{}"), "ab.json");
        assert_eq!(clean_file_name("", "{ }"), "scenario.json");
        assert_eq!(clean_file_name("...", ""), "scenario.toml");
    }

    #[test]
    fn normalise_counts_climbs_and_refuses_absolute() {
        assert_eq!(
            normalise("../data/a.txt"),
            Some((vec!["data".into(), "a.txt".into()], 1))
        );
        assert_eq!(normalise("a/../../b.txt"), Some((vec!["b.txt".into()], 1)));
        assert_eq!(normalise("x/./y.txt").unwrap().1, 0);
        assert_eq!(normalise("/etc/passwd"), None);
    }

    #[test]
    fn declared_paths_from_toml_and_json() {
        let t = "[[sources]]\nid = \"a\"\ntitle = \"A\"\npath = \"../x/a.txt\"\n";
        assert_eq!(
            declared_paths(t, Syntax::Toml),
            Some(vec!["../x/a.txt".to_string()])
        );
        let j = "{ // c\n \"sources\": [{\"id\": \"a\", \"path\": \"b.txt\",},] }";
        assert_eq!(
            declared_paths(j, Syntax::Json),
            Some(vec!["b.txt".to_string()])
        );
        assert_eq!(declared_paths("[[", Syntax::Toml), None);
    }

    #[test]
    fn absolute_source_paths_are_refused_with_a_location() {
        let text = "[scenario]\ntitle = \"t\"\n[[sources]]\nid = \"a\"\ntitle = \"A\"\npath = \"/etc/passwd\"\n";
        let b = Bundle {
            text: text.into(),
            file_name: "s.toml".into(),
            sources: BTreeMap::new(),
        };
        let l = load_bundle(&b);
        assert!(!l.is_valid());
        let d = &l.loaded.diagnostics[0];
        assert!(d.message.contains("absolute"), "{}", d.message);
        assert_eq!(d.line, Some(6));
    }

    #[test]
    fn json_edit_changes_only_the_stance() {
        let text = "{ // comment\n \"stances\": [{\"actor\": \"a\", \"issue\": \"i\", \"position\": \"x\", \"salience\": 90},\n {\"actor\": \"b\", \"issue\": \"i\", \"salience\": 10,},] }";
        let e = StanceEdit {
            actor: "a".into(),
            issue: "i".into(),
            salience: Some(12.5),
            position: Some(serde_json::json!("y")),
        };
        let (out, what) = apply_edit(text, Syntax::Json, &e).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["stances"][0]["salience"], 12.5);
        assert_eq!(v["stances"][0]["position"], "y");
        assert_eq!(v["stances"][1]["salience"], 10);
        assert_eq!(what, "a/i: salience 90 → 12.5, position \"x\" → \"y\"");
    }

    #[test]
    fn toml_edit_keeps_formatting() {
        let text = "# top comment\n[[stances]]\nactor = \"a\"  # who\nissue = \"i\"\nsalience = 90\n\n[[stances]]\nactor = \"b\"\nissue = \"i\"\nsalience = 10\n";
        let e = StanceEdit {
            actor: "b".into(),
            issue: "i".into(),
            salience: Some(55.0),
            position: None,
        };
        let (out, what) = apply_edit(text, Syntax::Toml, &e).unwrap();
        assert!(out.contains("# top comment") && out.contains("# who"));
        assert!(out.contains("salience = 55\n"), "{out}");
        assert!(out.contains("salience = 90"));
        assert_eq!(what, "b/i: salience 10 → 55");
        let bad = StanceEdit {
            actor: "zz".into(),
            issue: "i".into(),
            salience: Some(1.0),
            position: None,
        };
        assert!(apply_edit(text, Syntax::Toml, &bad).is_err());
        let out_of_range = StanceEdit {
            actor: "a".into(),
            issue: "i".into(),
            salience: Some(101.0),
            position: None,
        };
        assert!(apply_edit(text, Syntax::Toml, &out_of_range).is_err());
    }
}
