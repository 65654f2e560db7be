//! GENIUS XML: read a domain folder (GENIUS 10.4 semantics), write one.

use crate::xml::{self, Element};
use crate::{
    DiscretiseOptions, Domain, LinearAdditive, OutcomeSpace, Party, SpaceError, SpaceIssue,
};
use detente_scenario::limits::{self, Limit};
use detente_scenario::safe_io::read_bounded;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Largest number of values accepted for one integer issue (guards against typos such as
/// `upperbound="1e9"` making an impossible space).
const MAX_INTEGER_VALUES: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Discrete,
    Integer { lo: i64 },
    Real,
}

struct DomIssue {
    index: Option<i64>,
    name: String,
    kind: Kind,
    /// Numeric value of each discrete point (integer / real issues).
    numbers: Vec<f64>,
    /// Value labels.
    labels: Vec<String>,
}

/// A parsed file: its path, text (for line:column) and root element.
struct Doc {
    path: PathBuf,
    text: String,
    root: Element,
}

impl Doc {
    fn err(&self, el: &Element, msg: impl Into<String>) -> SpaceError {
        SpaceError::at(&self.path, Some(xml::line_col(&self.text, el.offset)), msg)
    }
}

fn parse_f64(doc: &Doc, el: &Element, key: &str, errors: &mut Vec<SpaceError>) -> Option<f64> {
    match el.attr(key) {
        None => {
            errors.push(doc.err(el, format!("<{}> has no `{key}` attribute", el.name)));
            None
        }
        Some(s) => match s.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                errors.push(doc.err(
                    el,
                    format!("`{key}=\"{s}\"` in <{}> is not a number", el.name),
                ));
                None
            }
        },
    }
}

fn opt_f64(doc: &Doc, el: &Element, key: &str, errors: &mut Vec<SpaceError>) -> Option<f64> {
    el.attr(key)?;
    parse_f64(doc, el, key, errors)
}

fn issue_kind_attr(el: &Element) -> Option<String> {
    ["etype", "vtype", "type"]
        .iter()
        .find_map(|k| el.attr(k))
        .map(|s| s.to_ascii_lowercase())
}

fn format_real(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn read_domain(doc: &Doc, opts: &DiscretiseOptions, errors: &mut Vec<SpaceError>) -> Vec<DomIssue> {
    let us = doc.root.find_first("utility_space").unwrap_or(&doc.root);
    let mut issue_els = Vec::new();
    us.find_all("issue", &mut issue_els);
    if issue_els.is_empty() {
        errors.push(doc.err(&doc.root, "the domain declares no <issue> elements"));
    }
    let mut out = Vec::new();
    for el in issue_els {
        let Some(name) = el.attr("name") else {
            errors.push(doc.err(el, "<issue> has no `name` attribute"));
            continue;
        };
        let name = name.to_string();
        let index = el.attr("index").and_then(|s| s.trim().parse::<i64>().ok());
        let items: Vec<&Element> = el.children_named("item").collect();
        let kind = issue_kind_attr(el).unwrap_or_else(|| {
            if items.is_empty() {
                "unknown".into()
            } else {
                "discrete".into()
            }
        });
        match kind.as_str() {
            "discrete" => {
                let mut labels = Vec::new();
                for it in &items {
                    match it.attr("value") {
                        Some(v) => labels.push(v.to_string()),
                        None => errors.push(doc.err(
                            it,
                            format!("<item> of issue `{name}` has no `value` attribute"),
                        )),
                    }
                }
                if labels.is_empty() {
                    errors
                        .push(doc.err(el, format!("discrete issue `{name}` has no <item> values")));
                }
                out.push(DomIssue {
                    index,
                    name,
                    kind: Kind::Discrete,
                    numbers: Vec::new(),
                    labels,
                });
            }
            "integer" => {
                let lo = parse_f64(doc, el, "lowerbound", errors);
                let hi = parse_f64(doc, el, "upperbound", errors);
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    if lo.fract() != 0.0
                        || hi.fract() != 0.0
                        || lo > hi
                        || hi - lo >= MAX_INTEGER_VALUES as f64
                    {
                        errors.push(doc.err(el, format!("integer issue `{name}` needs whole bounds lowerbound <= upperbound with fewer than {MAX_INTEGER_VALUES} values (got {lo}..{hi})")));
                        continue;
                    }
                    let (lo, hi) = (lo as i64, hi as i64);
                    let numbers: Vec<f64> = (lo..=hi).map(|x| x as f64).collect();
                    let labels = (lo..=hi).map(|x| x.to_string()).collect();
                    out.push(DomIssue {
                        index,
                        name,
                        kind: Kind::Integer { lo },
                        numbers,
                        labels,
                    });
                }
            }
            "real" => {
                let lo = parse_f64(doc, el, "lowerbound", errors);
                let hi = parse_f64(doc, el, "upperbound", errors);
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    if lo > hi {
                        errors.push(doc.err(
                            el,
                            format!("real issue `{name}` has lowerbound {lo} > upperbound {hi}"),
                        ));
                        continue;
                    }
                    let k = opts.real_points.max(2);
                    if let Err(m) = limits::check(
                        Limit::PointsPerIssue,
                        k as u64,
                        &format!("real issue `{name}`: {k} points (--real-points)"),
                    ) {
                        errors.push(doc.err(el, m));
                        continue;
                    }
                    let numbers: Vec<f64> = if lo == hi {
                        vec![lo]
                    } else {
                        (0..k)
                            .map(|j| lo + (hi - lo) * j as f64 / (k - 1) as f64)
                            .collect()
                    };
                    let labels = numbers.iter().map(|&x| format_real(x)).collect();
                    out.push(DomIssue {
                        index,
                        name,
                        kind: Kind::Real,
                        numbers,
                        labels,
                    });
                }
            }
            other => {
                errors.push(doc.err(el, format!("issue `{name}` has type `{other}`; GENIUS issues are discrete, integer or real")));
            }
        }
    }
    out
}

fn read_profile(
    doc: &Doc,
    issues: &[DomIssue],
    errors: &mut Vec<SpaceError>,
) -> Option<LinearAdditive> {
    let start_errors = errors.len();
    let root = &doc.root;
    let mut weight_els = Vec::new();
    root.find_all("weight", &mut weight_els);
    let mut weights_by_index: HashMap<i64, f64> = HashMap::new();
    for w in weight_els {
        let idx = w.attr("index").and_then(|s| s.trim().parse::<i64>().ok());
        let val = parse_f64(doc, w, "value", errors);
        match (idx, val) {
            (Some(i), Some(v)) => {
                weights_by_index.insert(i, v);
            }
            (None, _) => errors.push(doc.err(w, "<weight> has no integer `index` attribute")),
            _ => {}
        }
    }
    let mut issue_els = Vec::new();
    root.find_all("issue", &mut issue_els);

    let mut weights = Vec::with_capacity(issues.len());
    let mut values = Vec::with_capacity(issues.len());
    for (k, di) in issues.iter().enumerate() {
        let found = issue_els
            .iter()
            .find(|e| {
                di.index.is_some()
                    && e.attr("index").and_then(|s| s.trim().parse::<i64>().ok()) == di.index
            })
            .or_else(|| {
                issue_els
                    .iter()
                    .find(|e| e.attr("name") == Some(di.name.as_str()))
            });
        let Some(pe) = found else {
            errors.push(doc.err(
                root,
                format!(
                    "the profile has no <issue> for domain issue `{}` (index {:?})",
                    di.name, di.index
                ),
            ));
            continue;
        };
        let w = di.index.and_then(|i| weights_by_index.get(&i).copied());
        match w {
            Some(w) => weights.push(w),
            None => {
                errors.push(doc.err(
                    pe,
                    format!(
                        "no <weight index=\"{}\"> for issue `{}`",
                        di.index.unwrap_or(k as i64 + 1),
                        di.name
                    ),
                ));
                weights.push(0.0);
            }
        }
        let mut vals = Vec::with_capacity(di.labels.len());
        match di.kind {
            Kind::Discrete => {
                // GENIUS keeps a map value -> evaluation: a repeated value keeps the last one.
                let mut eval: HashMap<&str, f64> = HashMap::new();
                for it in pe.children_named("item") {
                    let Some(v) = it.attr("value") else {
                        errors.push(doc.err(it, "<item> has no `value` attribute"));
                        continue;
                    };
                    if it.attr("evaluation").is_none() {
                        continue;
                    }
                    if let Some(e) = parse_f64(doc, it, "evaluation", errors) {
                        if e < 0.0 {
                            errors.push(doc.err(it, format!("evaluation {e} of `{v}` is negative; GENIUS evaluations are >= 0")));
                        }
                        eval.insert(v, e);
                    }
                }
                let max = eval.values().copied().fold(0.0f64, f64::max);
                for label in &di.labels {
                    match eval.get(label.as_str()) {
                        Some(&e) => vals.push(if max > 0.0 { e / max } else { 0.0 }),
                        None => {
                            errors.push(doc.err(
                                pe,
                                format!(
                                    "issue `{}` gives no evaluation for value `{label}`",
                                    di.name
                                ),
                            ));
                            vals.push(0.0);
                        }
                    }
                }
            }
            Kind::Integer { lo: dom_lo } => {
                let Some(ev) = pe.child("evaluator") else {
                    errors.push(doc.err(
                        pe,
                        format!("integer issue `{}` has no <evaluator>", di.name),
                    ));
                    continue;
                };
                let lo = opt_f64(doc, pe, "lowerbound", errors).unwrap_or(dom_lo as f64);
                let (offset, slope) = if ev.attr("offset").is_some() || ev.attr("slope").is_some() {
                    (
                        opt_f64(doc, ev, "offset", errors).unwrap_or(0.0),
                        opt_f64(doc, ev, "slope", errors).unwrap_or(0.0),
                    )
                } else if ev.attr("utility0").is_some() {
                    // Newer GENIUS: utility at the lower bound and at the upper bound.
                    let u0 = parse_f64(doc, ev, "utility0", errors).unwrap_or(0.0);
                    let u1 = parse_f64(doc, ev, "utility1", errors).unwrap_or(0.0);
                    let span = di.numbers.last().copied().unwrap_or(lo) - lo;
                    (u0, if span > 0.0 { (u1 - u0) / span } else { 0.0 })
                } else {
                    errors.push(doc.err(
                        ev,
                        format!(
                            "integer evaluator of `{}` needs `offset` and `slope`",
                            di.name
                        ),
                    ));
                    continue;
                };
                for &x in &di.numbers {
                    vals.push((offset + slope * (x - lo)).clamp(0.0, 1.0));
                }
            }
            Kind::Real => {
                let Some(ev) = pe.child("evaluator") else {
                    errors
                        .push(doc.err(pe, format!("real issue `{}` has no <evaluator>", di.name)));
                    continue;
                };
                let ftype = ev.attr("ftype").unwrap_or("linear").to_ascii_lowercase();
                let (p0, p1) = match ftype.as_str() {
                    "linear" => (
                        opt_f64(doc, ev, "parameter0", errors).unwrap_or(0.0),
                        opt_f64(doc, ev, "parameter1", errors).unwrap_or(0.0),
                    ),
                    "constant" => (opt_f64(doc, ev, "parameter0", errors).unwrap_or(0.0), 0.0),
                    other => {
                        errors.push(doc.err(ev, format!("real evaluator type `{other}` is not supported (linear or constant)")));
                        continue;
                    }
                };
                for &x in &di.numbers {
                    vals.push((p0 + p1 * x).clamp(0.0, 1.0));
                }
            }
        }
        values.push(vals);
    }
    let reservation = match root.find_first("reservation") {
        Some(r) => parse_f64(doc, r, "value", errors).unwrap_or(0.0),
        None => 0.0,
    };
    let discount = match root.find_first("discount_factor") {
        Some(d) => parse_f64(doc, d, "value", errors).filter(|&d| d > 0.0 && d < 1.0),
        None => None,
    };
    if errors.len() > start_errors {
        return None;
    }
    let rejected = values.iter().map(|v| vec![false; v.len()]).collect();
    Some(LinearAdditive {
        weights,
        values,
        reservation,
        discount,
        rejected,
        cap_at_one: true,
    })
}

fn read_doc_text(path: &Path) -> Result<String, SpaceError> {
    let bytes = read_bounded(path, Limit::GeniusBytes).map_err(|e| {
        SpaceError::new(
            path,
            e.message.replace(&format!("{}: ", path.display()), ""),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        SpaceError::new(
            path,
            format!(
                "not UTF-8 text (byte {}); re-save the file as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn parse_doc(path: &Path, text: &str) -> Result<Doc, SpaceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
    match xml::parse(&text) {
        Ok(root) => Ok(Doc {
            path: path.to_path_buf(),
            text,
            root,
        }),
        Err((off, msg)) => Err(SpaceError::at(path, Some(xml::line_col(&text, off)), msg)),
    }
}

impl Domain {
    /// Read a GENIUS domain folder with the default discretisation of real issues.
    /// See [`Domain::from_genius_with`].
    pub fn from_genius(folder: &Path) -> Result<Domain, Vec<SpaceError>> {
        Self::from_genius_with(folder, &DiscretiseOptions::default())
    }

    /// Read a GENIUS domain folder: the `*.xml` file whose root is `<negotiation_template>` is
    /// the domain; every file whose root is `<utility_space>` is a party's profile. Parties are
    /// the profiles sorted by file name, named by file stem. Every problem is reported, located.
    pub fn from_genius_with(
        folder: &Path,
        opts: &DiscretiseOptions,
    ) -> Result<Domain, Vec<SpaceError>> {
        let entries = std::fs::read_dir(folder).map_err(|e| {
            vec![SpaceError::new(
                folder,
                format!("cannot read the GENIUS folder: {e}"),
            )]
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
            .collect();
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        // Every file is a party (but one): bound them before reading any.
        if let Err(m) = limits::check(
            Limit::Actors,
            files.len().saturating_sub(1) as u64,
            "GENIUS profiles in this folder",
        ) {
            return Err(vec![SpaceError::new(folder, m)]);
        }
        let texts = files
            .into_iter()
            .map(|f| read_doc_text(&f).map(|t| (f, t)))
            .collect();
        Self::from_genius_files(folder, texts, opts)
    }

    /// Read a GENIUS domain from file texts already in memory (`(file name, text)`, sorted by
    /// file name), as [`Domain::from_genius_with`] reads a folder. For fuzzing and servers.
    pub fn from_genius_texts(
        folder: &Path,
        files: Vec<(PathBuf, String)>,
        opts: &DiscretiseOptions,
    ) -> Result<Domain, Vec<SpaceError>> {
        if let Err(m) = limits::check(
            Limit::Actors,
            files.len().saturating_sub(1) as u64,
            "GENIUS profiles",
        ) {
            return Err(vec![SpaceError::new(folder, m)]);
        }
        Self::from_genius_files(folder, files.into_iter().map(Ok).collect(), opts)
    }

    fn from_genius_files(
        folder: &Path,
        files: Vec<Result<(PathBuf, String), SpaceError>>,
        opts: &DiscretiseOptions,
    ) -> Result<Domain, Vec<SpaceError>> {
        let mut errors = Vec::new();
        let mut domain_doc: Option<Doc> = None;
        let mut profiles: Vec<Doc> = Vec::new();
        for f in files {
            match f.and_then(|(path, text)| parse_doc(&path, &text)) {
                Err(e) => errors.push(e),
                Ok(doc) => match doc.root.name.as_str() {
                    "negotiation_template" => {
                        if let Some(prev) = &domain_doc {
                            errors.push(doc.err(&doc.root, format!("a second domain file (the first is {}); keep one <negotiation_template> per folder", prev.path.display())));
                        } else {
                            domain_doc = Some(doc);
                        }
                    }
                    "utility_space" => profiles.push(doc),
                    other => errors.push(doc.err(&doc.root, format!("root element <{other}> is neither a GENIUS domain (<negotiation_template>) nor a profile (<utility_space>)"))),
                },
            }
        }
        let Some(domain_doc) = domain_doc else {
            errors.push(SpaceError::new(
                folder,
                "no domain file (an .xml file whose root is <negotiation_template>) in this folder",
            ));
            return Err(errors);
        };
        if profiles.is_empty() {
            errors.push(SpaceError::new(
                folder,
                "no profile files (.xml files whose root is <utility_space>) in this folder",
            ));
        }
        let dom_issues = read_domain(&domain_doc, opts, &mut errors);
        if let Err(m) = limits::check(Limit::Issues, dom_issues.len() as u64, "GENIUS issues") {
            errors.push(SpaceError::new(&domain_doc.path, m));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut parties = Vec::new();
        for p in &profiles {
            if let Some(u) = read_profile(p, &dom_issues, &mut errors) {
                let name = p
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                parties.push(Party { name, utility: u });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let issues = dom_issues
            .into_iter()
            .map(|d| SpaceIssue {
                name: d.name,
                values: d.labels,
                positions: if d.kind == Kind::Discrete {
                    None
                } else {
                    Some(d.numbers)
                },
            })
            .collect();
        let name = folder
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "domain".into());
        Ok(Domain {
            name,
            space: OutcomeSpace::new(issues),
            parties,
        })
    }

    /// Write the domain as a GENIUS folder: `domain.xml` (discrete issues) and one
    /// `<party>.xml` profile per party.
    ///
    /// Utilities are preserved under both GENIUS and NegMAS readings: each issue's evaluations
    /// are written divided by the party's largest value on that issue (so the largest is 1)
    /// and the weight multiplied by it. Red lines cannot be expressed in GENIUS and are
    /// dropped; the reservation value and discount factor are written.
    pub fn write_genius(&self, folder: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(folder)?;
        let mut d = String::new();
        let _ = writeln!(d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(d, "<negotiation_template>");
        let _ = writeln!(
            d,
            "<utility_space number_of_issues=\"{}\">",
            self.space.issues.len()
        );
        let _ = writeln!(d, "<objective index=\"0\" etype=\"objective\" type=\"objective\" description=\"\" name=\"{}\">", esc(&self.name));
        for (i, issue) in self.space.issues.iter().enumerate() {
            let _ = writeln!(d, "<issue index=\"{}\" etype=\"discrete\" type=\"discrete\" vtype=\"discrete\" name=\"{}\">", i + 1, esc(&issue.name));
            for (k, v) in issue.values.iter().enumerate() {
                let _ = writeln!(
                    d,
                    "<item index=\"{}\" value=\"{}\" cost=\"0\" description=\"{}\"/>",
                    k + 1,
                    esc(v),
                    esc(v)
                );
            }
            let _ = writeln!(d, "</issue>");
        }
        let _ = writeln!(d, "</objective>\n</utility_space>\n</negotiation_template>");
        std::fs::write(folder.join("domain.xml"), d)?;

        for party in &self.parties {
            let u = &party.utility;
            let mut p = String::new();
            let _ = writeln!(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            let _ = writeln!(p, "<utility_space>");
            let _ = writeln!(p, "<objective index=\"0\" etype=\"objective\" type=\"objective\" description=\"\" name=\"{}\">", esc(&self.name));
            let mut weights = Vec::new();
            for (i, issue) in self.space.issues.iter().enumerate() {
                let vals = &u.values[i];
                let max = vals.iter().copied().fold(0.0f64, f64::max);
                let _ = writeln!(p, "<issue index=\"{}\" etype=\"discrete\" type=\"discrete\" vtype=\"discrete\" name=\"{}\">", i + 1, esc(&issue.name));
                for (k, v) in issue.values.iter().enumerate() {
                    let e = if max > 0.0 { vals[k] / max } else { 1.0 };
                    let _ = writeln!(
                        p,
                        "<item index=\"{}\" value=\"{}\" evaluation=\"{}\"/>",
                        k + 1,
                        esc(v),
                        e
                    );
                }
                let _ = writeln!(p, "</issue>");
                weights.push(if max > 0.0 { u.weights[i] * max } else { 0.0 });
            }
            for (i, w) in weights.iter().enumerate() {
                let _ = writeln!(p, "<weight index=\"{}\" value=\"{}\"/>", i + 1, w);
            }
            let _ = writeln!(p, "</objective>");
            let _ = writeln!(
                p,
                "<discount_factor value=\"{}\"/>",
                u.discount.unwrap_or(1.0)
            );
            let _ = writeln!(p, "<reservation value=\"{}\"/>", u.reservation);
            let _ = writeln!(p, "</utility_space>");
            std::fs::write(folder.join(format!("{}.xml", file_stem(&party.name))), p)?;
        }
        Ok(())
    }
}

/// A file-name-safe stem for a party (letters, digits, `-`, `_`; `domain` is reserved).
fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s == "domain" {
        format!("party-{s}")
    } else {
        s
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
