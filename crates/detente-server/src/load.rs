//! Loading uploaded scenarios without touching the file system on a request's behalf.
//!
//! A scenario names its source documents by path (relative to the scenario file), and the
//! scenario loader verifies every evidence quote by reading those files. A server must never
//! read a path given in a request, so an upload is a *bundle*: the scenario text plus the text
//! of each source, keyed by the path exactly as written in the scenario. The loader's in-memory
//! entry point (`detente_scenario::load_str_with_sources`) verifies the evidence against those
//! texts and reads no file at all: a path in a request is only ever a key into the upload.

use detente_scenario::{Diagnostic, Loaded, Syntax};
use std::collections::BTreeMap;
use std::path::PathBuf;

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

/// Load a bundle. Never reads a file the server did not just write from the bundle.
pub fn load_bundle(bundle: &Bundle) -> LoadedBundle {
    let file_name = clean_file_name(&bundle.file_name, &bundle.text);
    let virtual_path = PathBuf::from(&file_name);
    let syntax = Syntax::guess(&virtual_path, &bundle.text);
    let mut loaded =
        detente_scenario::load_str_with_sources(&bundle.text, &virtual_path, &bundle.sources);
    let kept: BTreeMap<String, String> = loaded
        .scenario
        .sources
        .iter()
        .filter_map(|s| {
            bundle
                .sources
                .get(&s.path)
                .map(|t| (s.path.clone(), t.clone()))
        })
        .collect();
    for d in &mut loaded.diagnostics {
        if d.message.contains("was not provided") {
            d.hint = Some(
                "send the article's text with the scenario (a bundle's `sources`, keyed by this path; \
                 the Articles field of the upload form; or `detente serve FILE`)"
                    .into(),
            );
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
    /// Which of the actor's dated stances on the issue, counted in file order from 0
    /// (scenario v2; default 0, the only one in a v1 file).
    #[serde(default)]
    pub occurrence: usize,
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
                .filter(|t| {
                    t.get("actor").and_then(|v| v.as_str()) == Some(edit.actor.as_str())
                        && t.get("issue").and_then(|v| v.as_str()) == Some(edit.issue.as_str())
                })
                .nth(edit.occurrence)
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
                .filter(|s| {
                    s.get("actor").and_then(|x| x.as_str()) == Some(edit.actor.as_str())
                        && s.get("issue").and_then(|x| x.as_str()) == Some(edit.issue.as_str())
                })
                .nth(edit.occurrence)
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
    fn source_paths_are_never_read_from_disk() {
        // An absolute path to a file that exists: its text was not uploaded, so it is reported
        // missing, never read.
        let text = "[scenario]\ntitle = \"t\"\n[[sources]]\nid = \"a\"\ntitle = \"A\"\npath = \"/etc/hostname\"\n";
        let b = Bundle {
            text: text.into(),
            file_name: "s.toml".into(),
            sources: BTreeMap::new(),
        };
        let l = load_bundle(&b);
        assert!(!l.is_valid());
        let d = &l.loaded.diagnostics[0];
        assert!(d.message.contains("was not provided"), "{}", d.message);
        assert_eq!(d.line, Some(6));
        assert!(l.source_text(0).is_none());
    }

    #[test]
    fn json_edit_changes_only_the_stance() {
        let text = "{ // comment\n \"stances\": [{\"actor\": \"a\", \"issue\": \"i\", \"position\": \"x\", \"salience\": 90},\n {\"actor\": \"b\", \"issue\": \"i\", \"salience\": 10,},] }";
        let e = StanceEdit {
            actor: "a".into(),
            issue: "i".into(),
            salience: Some(12.5),
            position: Some(serde_json::json!("y")),
            occurrence: 0,
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
            occurrence: 0,
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
            occurrence: 0,
        };
        assert!(apply_edit(text, Syntax::Toml, &bad).is_err());
        let out_of_range = StanceEdit {
            actor: "a".into(),
            issue: "i".into(),
            salience: Some(101.0),
            position: None,
            occurrence: 0,
        };
        assert!(apply_edit(text, Syntax::Toml, &out_of_range).is_err());
    }
}
