//! Input readers: the plain `Actor,Capability,Position,Salience` CSV, KTAB's CSV (any number
//! of dimensions), the DEU CSV, and conversion from a [`detente_scenario::Scenario`].
//!
//! Every error names the file, line and column, what is wrong and how to fix it.

use crate::problem::{ActorInfo, IssueInfo, Problem, StancePoint};
use detente_scenario::{Scenario, Stance};
use std::fmt;

/// A problem in an input file, with its location (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.col, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}

/// Which table format a text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// `Actor,Capability,Position,Salience` (one issue).
    Plain,
    /// KTAB: `name,description,nActors,nDims` then `Actor,Description,Influence,…`.
    Ktab,
    /// DEU: semicolon-separated, one issue per row, `p<actor>`/`s<actor>` columns.
    Deu,
}

/// One field of a CSV line with its 1-based column.
#[derive(Debug, Clone)]
struct Field {
    text: String,
    col: usize,
}

/// Split one line into trimmed fields (double quotes group, `""` escapes a quote).
fn split_line(line: &str, sep: char) -> Vec<Field> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 1;
    let mut in_q = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_q {
            if c == '"' {
                if chars.get(i + 1) == Some(&'"') {
                    cur.push('"');
                    i += 1;
                } else {
                    in_q = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_q = true;
        } else if c == sep {
            out.push(field(&cur, start));
            cur.clear();
            start = i + 2;
        } else {
            cur.push(c);
        }
        i += 1;
    }
    out.push(field(&cur, start));
    out
}

fn field(raw: &str, start: usize) -> Field {
    let lead = raw.chars().take_while(|c| c.is_whitespace()).count();
    Field {
        text: raw.trim().to_string(),
        col: start + lead,
    }
}

struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn err(
        &self,
        line: usize,
        col: usize,
        message: impl Into<String>,
        hint: Option<&str>,
    ) -> ReadError {
        ReadError {
            file: self.file.to_string(),
            line,
            col,
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }
    fn number(&self, line: usize, f: &Field, what: &str) -> Result<f64, ReadError> {
        match f.text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.err(
                line,
                f.col,
                format!("{what} `{}` is not a number", f.text),
                Some("write a decimal number such as 42 or 0.5"),
            )),
        }
    }
}

/// Lines with their 1-based numbers, skipping blank lines and `#` comments; a leading BOM is
/// dropped.
fn data_lines(text: &str) -> Vec<(usize, &str)> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect()
}

/// Guess the table format of a text.
pub fn detect(text: &str) -> Option<TableFormat> {
    let lines = data_lines(text);
    let first = lines.first()?.1;
    if first.contains(';')
        && first
            .split(';')
            .any(|c| c.trim().eq_ignore_ascii_case("out"))
    {
        return Some(TableFormat::Deu);
    }
    let head: Vec<String> = split_line(first, ',')
        .into_iter()
        .map(|f| f.text.to_ascii_lowercase())
        .collect();
    if head.iter().any(|h| h == "capability") && head.iter().any(|h| h == "position") {
        return Some(TableFormat::Plain);
    }
    if let Some((_, second)) = lines.get(1) {
        let h2 = split_line(second, ',');
        if h2
            .first()
            .map(|f| f.text.eq_ignore_ascii_case("actor"))
            .unwrap_or(false)
        {
            return Some(TableFormat::Ktab);
        }
    }
    None
}

/// Read a table file of any supported format (detected from its content).
pub fn read_table(file: &str, text: &str) -> Result<Problem, ReadError> {
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        return crate::ktab_xml::read_ktab_xml(file, text);
    }
    match detect(text) {
        Some(TableFormat::Plain) => read_plain(file, text),
        Some(TableFormat::Ktab) => read_ktab(file, text),
        Some(TableFormat::Deu) => read_deu(file, text),
        None => Err(ReadError {
            file: file.to_string(),
            line: data_lines(text).first().map(|l| l.0).unwrap_or(1),
            col: 1,
            message: "not a recognised forecast input".into(),
            hint: Some(
                "use a scenario (.toml/.json), a CSV with header `Actor,Capability,Position,Salience`, \
                 a KTAB CSV (`name,description,nActors,nDims` then `Actor,Description,Influence,…`), \
                 or a DEU CSV (`;`-separated with `p<actor>`, `s<actor>`, `rp`, `out`)"
                    .into(),
            ),
        }),
    }
}

/// `# key = value` directives in comment lines (plain CSV): title, outcome, status_quo, scale.
fn directives(text: &str) -> Vec<(usize, String, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let body = l.trim().strip_prefix('#')?;
            let (k, v) = body.split_once('=')?;
            let k = k.trim().to_ascii_lowercase();
            if matches!(k.as_str(), "title" | "outcome" | "status_quo" | "scale") {
                Some((i + 1, k, v.trim().to_string()))
            } else {
                None
            }
        })
        .collect()
}

/// Read the plain CSV: header `Actor,Capability,Position,Salience` (any order, case-insensitive,
/// extra columns ignored), one row per actor. Saliences are taken as 0–1 when all are ≤ 1,
/// otherwise as 0–100 and divided by 100. Optional comment directives:
/// `# title = …`, `# outcome = X`, `# status_quo = X`, `# scale = LO,HI`.
pub fn read_plain(file: &str, text: &str) -> Result<Problem, ReadError> {
    let r = Reader { file };
    let lines = data_lines(text);
    let Some(&(hl, header)) = lines.first() else {
        return Err(r.err(
            1,
            1,
            "the file is empty",
            Some("start with the header `Actor,Capability,Position,Salience`"),
        ));
    };
    let head = split_line(header, ',');
    let find = |name: &str| head.iter().position(|f| f.text.eq_ignore_ascii_case(name));
    let mut cols = [0usize; 4];
    for (k, name) in ["Actor", "Capability", "Position", "Salience"]
        .iter()
        .enumerate()
    {
        cols[k] = find(name).ok_or_else(|| {
            r.err(
                hl,
                1,
                format!("the header has no `{name}` column"),
                Some("the header must name Actor, Capability, Position and Salience"),
            )
        })?;
    }
    let mut rows = Vec::new();
    for &(ln, line) in &lines[1..] {
        let fs = split_line(line, ',');
        let get = |k: usize| -> Result<&Field, ReadError> {
            fs.get(cols[k])
                .filter(|f| !f.text.is_empty())
                .ok_or_else(|| {
                    r.err(
                        ln,
                        line.chars().count() + 1,
                        format!(
                            "missing value for `{}`",
                            ["Actor", "Capability", "Position", "Salience"][k]
                        ),
                        Some("every row needs an actor name, capability, position and salience"),
                    )
                })
        };
        let name = get(0)?.text.clone();
        let cf = get(1)?;
        let c = r.number(ln, cf, "capability")?;
        if c < 0.0 {
            return Err(r.err(
                ln,
                cf.col,
                format!("capability {c} is negative"),
                Some("capability must be >= 0"),
            ));
        }
        let x = r.number(ln, get(2)?, "position")?;
        let sf = get(3)?;
        let s = r.number(ln, sf, "salience")?;
        if !(0.0..=100.0).contains(&s) {
            return Err(r.err(
                ln,
                sf.col,
                format!("salience {s} is outside 0–100"),
                Some("salience is 0–1 or 0–100"),
            ));
        }
        if rows
            .iter()
            .any(|(n, ..): &(String, f64, f64, f64, usize)| *n == name)
        {
            return Err(r.err(
                ln,
                get(0)?.col,
                format!("actor `{name}` appears twice"),
                Some("give each actor one row"),
            ));
        }
        rows.push((name, c, x, s, ln));
    }
    if rows.is_empty() {
        return Err(r.err(
            hl,
            1,
            "no actor rows after the header",
            Some("add one row per actor"),
        ));
    }
    let pct = rows.iter().any(|r| r.3 > 1.0);
    let mut title = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".csv")
        .to_string();
    let mut info = IssueInfo {
        id: "issue".into(),
        title: String::new(),
        lo: rows.iter().map(|r| r.2).fold(f64::INFINITY, f64::min),
        hi: rows.iter().map(|r| r.2).fold(f64::NEG_INFINITY, f64::max),
        status_quo: None,
        outcome: None,
    };
    for (ln, k, v) in directives(text) {
        let num = |v: &str| -> Result<f64, ReadError> {
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    r.err(
                        ln,
                        1,
                        format!("`{k}` value `{v}` is not a number"),
                        Some("write e.g. `# outcome = 8.8`"),
                    )
                })
        };
        match k.as_str() {
            "title" => title = v,
            "outcome" => info.outcome = Some(num(&v)?),
            "status_quo" => info.status_quo = Some(num(&v)?),
            "scale" => {
                let (a, b) = v.split_once(',').ok_or_else(|| {
                    r.err(
                        ln,
                        1,
                        "`scale` needs two numbers",
                        Some("write `# scale = 0,100`"),
                    )
                })?;
                info.lo = num(a.trim())?;
                info.hi = num(b.trim())?;
            }
            _ => {}
        }
    }
    info.title = title.clone();
    let actors = rows
        .iter()
        .map(|r| ActorInfo {
            id: r.0.clone(),
            name: r.0.clone(),
            capability: r.1,
        })
        .collect();
    let stances = rows
        .iter()
        .map(|r| {
            Some(StancePoint {
                position: r.2,
                salience: if pct { r.3 / 100.0 } else { r.3 },
            })
        })
        .collect();
    let mut p = Problem::new(title, actors);
    p.push_issue(info, stances);
    Ok(p)
}

/// Read a KTAB CSV: line 1 `name,description,nActors,nDims`, line 2 the header
/// `Actor,Description,Influence,<dim> Position,<dim> Salience,…`, then one row per actor.
/// Positions are on 0–100; saliences (0–100) are divided by 100. Trailing commas are allowed.
pub fn read_ktab(file: &str, text: &str) -> Result<Problem, ReadError> {
    let r = Reader { file };
    let lines = data_lines(text);
    let hint_first = Some("KTAB's first line is `name,description,nActors,nDims`");
    let Some(&(l1, first)) = lines.first() else {
        return Err(r.err(1, 1, "the file is empty", hint_first));
    };
    let f1 = split_line(first, ',');
    if f1.len() < 4 {
        return Err(r.err(l1, 1, "the first line needs 4 fields", hint_first));
    }
    let count = |f: &Field, what: &str| -> Result<usize, ReadError> {
        f.text.parse::<usize>().map_err(|_| {
            r.err(
                l1,
                f.col,
                format!("{what} `{}` is not a whole number", f.text),
                hint_first,
            )
        })
    };
    let n_actors = count(&f1[2], "nActors")?;
    let n_dims = count(&f1[3], "nDims")?;
    if n_dims == 0 {
        return Err(r.err(
            l1,
            f1[3].col,
            "nDims is 0",
            Some("a KTAB scenario has at least one dimension"),
        ));
    }
    let Some(&(l2, header)) = lines.get(1) else {
        return Err(r.err(
            l1,
            1,
            "the header line is missing",
            Some("line 2 is `Actor,Description,Influence,<dim> Position,<dim> Salience,…`"),
        ));
    };
    let head = split_line(header, ',');
    let need = 3 + 2 * n_dims;
    if head.iter().filter(|f| !f.text.is_empty()).count() < need {
        return Err(r.err(
            l2,
            header.chars().count() + 1,
            format!(
                "the header has {} columns; {n_dims} dimension(s) need {need}",
                head.iter().filter(|f| !f.text.is_empty()).count()
            ),
            Some("give a Position and a Salience column per dimension"),
        ));
    }
    let dim_name = |k: usize| -> String {
        let t = &head[3 + 2 * k].text;
        let stripped = t
            .strip_suffix("Position")
            .or_else(|| t.strip_suffix("position"))
            .unwrap_or(t)
            .trim();
        if stripped.is_empty() {
            t.clone()
        } else {
            stripped.to_string()
        }
    };
    let title = f1[0].text.clone();
    let description = f1[1].text.clone();
    let mut actors = Vec::new();
    let mut stances: Vec<Vec<Option<StancePoint>>> = vec![Vec::new(); n_dims];
    for &(ln, line) in &lines[2..] {
        let fs = split_line(line, ',');
        let filled = fs.iter().filter(|f| !f.text.is_empty()).count();
        if filled == 0 {
            continue;
        }
        if fs.len() < need || fs[..need].iter().any(|f| f.text.is_empty()) {
            let col = fs
                .iter()
                .take(need)
                .find(|f| f.text.is_empty())
                .map(|f| f.col)
                .unwrap_or(line.chars().count() + 1);
            return Err(r.err(ln, col, format!("this row needs {need} values (actor, description, influence, then position and salience per dimension)"), Some("fill in the missing value")));
        }
        let name = fs[0].text.clone();
        if actors.iter().any(|a: &ActorInfo| a.id == name) {
            return Err(r.err(
                ln,
                fs[0].col,
                format!("actor `{name}` appears twice"),
                Some("give each actor one row"),
            ));
        }
        let c = r.number(ln, &fs[2], "influence")?;
        if c < 0.0 {
            return Err(r.err(
                ln,
                fs[2].col,
                format!("influence {c} is negative"),
                Some("influence must be >= 0"),
            ));
        }
        for (k, dim) in stances.iter_mut().enumerate() {
            let pf = &fs[3 + 2 * k];
            let sf = &fs[4 + 2 * k];
            let x = r.number(ln, pf, "position")?;
            if !(0.0..=100.0).contains(&x) {
                return Err(r.err(
                    ln,
                    pf.col,
                    format!("position {x} is outside 0–100"),
                    Some("KTAB positions are on a 0–100 scale"),
                ));
            }
            let s = r.number(ln, sf, "salience")?;
            if !(0.0..=100.0).contains(&s) {
                return Err(r.err(
                    ln,
                    sf.col,
                    format!("salience {s} is outside 0–100"),
                    Some("KTAB saliences are on a 0–100 scale"),
                ));
            }
            dim.push(Some(StancePoint {
                position: x,
                salience: s / 100.0,
            }));
        }
        actors.push(ActorInfo {
            id: name,
            name: fs[1].text.clone(),
            capability: c,
        });
    }
    if actors.len() != n_actors {
        return Err(r.err(
            l1,
            f1[2].col,
            format!(
                "the first line declares {n_actors} actors but {} rows follow",
                actors.len()
            ),
            Some("make nActors match the number of actor rows"),
        ));
    }
    let mut p = Problem::new(
        if description.is_empty() {
            title.clone()
        } else {
            format!("{title}: {description}")
        },
        actors,
    );
    for (k, st) in stances.into_iter().enumerate() {
        let name = dim_name(k);
        p.push_issue(
            IssueInfo {
                id: name.clone(),
                title: name,
                lo: 0.0,
                hi: 100.0,
                status_quo: None,
                outcome: None,
            },
            st,
        );
    }
    Ok(p)
}

/// The DEU missing-value code.
pub const DEU_MISSING: f64 = 999.0;

/// Read a DEU CSV: `;`-separated, one issue per row, `p<actor>` position and `s<actor>`
/// salience columns (0–100), optional `c<actor>` capability columns (first non-missing value
/// per actor is used; default 1), `rp` the reference point (status quo), `out` the outcome,
/// an optional `id` (or `issue`) column; 999 marks a missing value. A stance is kept only when
/// both its position and salience are present.
pub fn read_deu(file: &str, text: &str) -> Result<Problem, ReadError> {
    let r = Reader { file };
    let lines = data_lines(text);
    let Some(&(hl, header)) = lines.first() else {
        return Err(r.err(
            1,
            1,
            "the file is empty",
            Some("start with the `;`-separated header"),
        ));
    };
    let head = split_line(header, ';');
    let col_of = |name: &str| head.iter().position(|f| f.text.eq_ignore_ascii_case(name));
    let out_col = col_of("out").ok_or_else(|| {
        r.err(
            hl,
            1,
            "the header has no `out` column",
            Some("DEU files name the outcome column `out`"),
        )
    })?;
    let rp_col = col_of("rp");
    let id_col = col_of("id").or_else(|| col_of("issue"));
    let mut actor_names: Vec<String> = Vec::new();
    let mut pcol = Vec::new();
    for (k, f) in head.iter().enumerate() {
        if let Some(a) = f.text.strip_prefix('p').filter(|a| !a.is_empty()) {
            actor_names.push(a.to_string());
            pcol.push(k);
        }
    }
    if actor_names.is_empty() {
        return Err(r.err(
            hl,
            1,
            "the header has no `p<actor>` position columns",
            Some("name position columns p<actor>, e.g. pDE"),
        ));
    }
    let mut scol = Vec::new();
    let mut ccol = Vec::new();
    for (a, name) in actor_names.iter().enumerate() {
        let s = col_of(&format!("s{name}")).ok_or_else(|| {
            r.err(
                hl,
                head[pcol[a]].col,
                format!("position column `p{name}` has no salience column `s{name}`"),
                Some("add the salience column"),
            )
        })?;
        scol.push(s);
        ccol.push(col_of(&format!("c{name}")));
    }
    let mut caps: Vec<Option<f64>> = vec![None; actor_names.len()];
    let mut issues = Vec::new();
    let mut stances = Vec::new();
    for (row, &(ln, line)) in lines[1..].iter().enumerate() {
        let fs = split_line(line, ';');
        let get = |k: usize, what: &str| -> Result<Option<f64>, ReadError> {
            let f = fs.get(k).ok_or_else(|| {
                r.err(
                    ln,
                    line.chars().count() + 1,
                    format!("the row ends before the `{}` column", head[k].text),
                    Some("give every column a value (999 when missing)"),
                )
            })?;
            if f.text.is_empty() {
                return Ok(None);
            }
            let v = r.number(ln, f, what)?;
            Ok(if v == DEU_MISSING { None } else { Some(v) })
        };
        let mut st = Vec::with_capacity(actor_names.len());
        for a in 0..actor_names.len() {
            let x = get(pcol[a], "position")?;
            let s = get(scol[a], "salience")?;
            if let Some(x) = x {
                if !(0.0..=100.0).contains(&x) {
                    return Err(r.err(
                        ln,
                        fs[pcol[a]].col,
                        format!("position {x} is outside 0–100"),
                        Some("DEU positions are 0–100 (999 = missing)"),
                    ));
                }
            }
            if let Some(s) = s {
                if !(0.0..=100.0).contains(&s) {
                    return Err(r.err(
                        ln,
                        fs[scol[a]].col,
                        format!("salience {s} is outside 0–100"),
                        Some("DEU saliences are 0–100 (999 = missing)"),
                    ));
                }
            }
            if let Some(cc) = ccol[a] {
                if caps[a].is_none() {
                    if let Some(c) = get(cc, "capability")? {
                        if c < 0.0 {
                            return Err(r.err(
                                ln,
                                fs[cc].col,
                                format!("capability {c} is negative"),
                                Some("capability must be >= 0"),
                            ));
                        }
                        caps[a] = Some(c);
                    }
                }
            }
            st.push(match (x, s) {
                (Some(x), Some(s)) => Some(StancePoint {
                    position: x,
                    salience: s / 100.0,
                }),
                _ => None,
            });
        }
        let out = get(out_col, "outcome")?;
        let rp = match rp_col {
            Some(k) => get(k, "reference point")?,
            None => None,
        };
        let id = id_col
            .and_then(|k| fs.get(k))
            .map(|f| f.text.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("row{}", row + 1));
        issues.push(IssueInfo {
            id: id.clone(),
            title: id,
            lo: 0.0,
            hi: 100.0,
            status_quo: rp,
            outcome: out,
        });
        stances.push(st);
    }
    if issues.is_empty() {
        return Err(r.err(
            hl,
            1,
            "no issue rows after the header",
            Some("add one row per issue"),
        ));
    }
    let actors = actor_names
        .iter()
        .zip(&caps)
        .map(|(n, c)| ActorInfo {
            id: n.clone(),
            name: n.clone(),
            capability: c.unwrap_or(1.0),
        })
        .collect();
    let title = file.rsplit('/').next().unwrap_or(file).to_string();
    let mut p = Problem::new(title, actors);
    for (i, s) in issues.into_iter().zip(stances) {
        p.push_issue(i, s);
    }
    Ok(p)
}

/// Per-stance uncertainty ranges taken from a scenario (`position_range`, `salience_range`
/// with salience divided by 100), indexed like [`Problem::stances`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StanceRanges {
    pub position: Vec<Vec<Option<(f64, f64)>>>,
    pub salience: Vec<Vec<Option<(f64, f64)>>>,
    /// Scenario v2 factions, indexed like the ranges: for a party whose stance is derived from
    /// its factions, every faction's stance; each Monte Carlo draw lets one of them (uniformly)
    /// prevail. Empty when none.
    pub factions: Vec<Vec<Vec<StancePoint>>>,
}

impl StanceRanges {
    pub fn is_empty(&self) -> bool {
        self.position.iter().flatten().all(Option::is_none)
            && self.salience.iter().flatten().all(Option::is_none)
            && self.factions.iter().flatten().all(Vec::is_empty)
    }
}

/// A scenario converted for the models: the problem, the index of each problem issue in
/// `scenario.issues`, and the stance ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct FromScenario {
    pub problem: Problem,
    pub scenario_issue: Vec<usize>,
    pub ranges: StanceRanges,
}

/// Convert a scenario: each `scale` issue becomes an issue on 0–100; each stance with both a
/// position and a salience becomes a [`StancePoint`] (salience / 100); stances without them
/// (drafts) are skipped. Options issues are not forecast by these models.
pub fn from_scenario(s: &Scenario) -> FromScenario {
    let actors: Vec<ActorInfo> = s
        .actors
        .iter()
        .map(|a| ActorInfo {
            id: a.id.clone(),
            name: a.name.clone(),
            capability: a.capability,
        })
        .collect();
    let n = actors.len();
    let mut p = Problem::new(s.meta.title.clone(), actors);
    let mut map = Vec::new();
    let mut ranges = StanceRanges::default();
    for (ii, issue) in s.issues.iter().enumerate() {
        if !issue.is_scale() {
            continue;
        }
        let mut st = vec![None; n];
        let mut pr = vec![None; n];
        let mut sr = vec![None; n];
        let mut fa: Vec<Vec<StancePoint>> = vec![Vec::new(); n];
        for stance in s.stances_on(ii) {
            let Stance {
                actor,
                position,
                salience,
                ..
            } = stance;
            // explicit ranges, else wider defaults for weakly evidenced stances
            let (position_range, salience_range) = stance.ranges();
            if let (Some(x), Some(sal)) = (position.and_then(|p| p.as_scale()), salience) {
                if *actor < n {
                    st[*actor] = Some(StancePoint {
                        position: x,
                        salience: sal / 100.0,
                    });
                    pr[*actor] = position_range;
                    sr[*actor] = salience_range.map(|(a, b)| (a / 100.0, b / 100.0));
                    if stance.derived_from.is_some() {
                        fa[*actor] = factions_of(s, *actor, ii);
                    }
                }
            }
        }
        p.push_issue(
            IssueInfo {
                id: issue.id.clone(),
                title: issue.title.clone(),
                lo: detente_scenario::Issue::SCALE_MIN,
                hi: detente_scenario::Issue::SCALE_MAX,
                status_quo: issue.status_quo.and_then(|p| p.as_scale()),
                outcome: issue.outcome.and_then(|p| p.as_scale()),
            },
            st,
        );
        map.push(ii);
        ranges.position.push(pr);
        ranges.salience.push(sr);
        ranges.factions.push(fa);
    }
    FromScenario {
        problem: p,
        scenario_issue: map,
        ranges,
    }
}

/// The stances of `party`'s factions on scale issue `issue` (position, salience / 100), when
/// there are at least two.
fn factions_of(s: &Scenario, party: usize, issue: usize) -> Vec<StancePoint> {
    let v: Vec<StancePoint> = s
        .stances_on(issue)
        .filter(|st| s.actors[st.actor].speaks_for == Some(party) && st.derived_from.is_none())
        .filter_map(|st| {
            Some(StancePoint {
                position: st.position?.as_scale()?,
                salience: st.salience? / 100.0,
            })
        })
        .collect();
    if v.len() >= 2 {
        v
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monte_carlo_draws_which_faction_prevails() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/valid");
        let text = std::fs::read_to_string(dir.join("v2.toml")).unwrap();
        // Northland's army limits: no stance of its own, two factions that disagree
        let text = text.replace(
            "actor = \"north\"\nissue = \"army_limits\"",
            "actor = \"north-army\"\nissue = \"army_limits\"",
        ) + "\n[[stances]]\nactor = \"north-pm\"\nissue = \"army_limits\"\nposition = 0\nsalience = 30\nevidence = [{ source = \"march\", quote = \"Northland’s prime minister said a ceasefire along the current front deserved a hearing.\", kind = \"inferred\", note = \"a test faction\" }]\n";
        let l = detente_scenario::load_str(&text, &dir.join("v2-factions.toml"), &dir);
        assert!(l.is_valid(), "{:#?}", l.diagnostics);
        let conv = from_scenario(&l.scenario);
        let d = conv
            .problem
            .issues
            .iter()
            .position(|i| i.id == "army_limits")
            .unwrap();
        let north = l.scenario.actor_index("north").unwrap();
        // the party's stance is its leading faction's (the army: 100)
        assert_eq!(conv.problem.stances[d][north].unwrap().position, 100.0);
        assert_eq!(conv.ranges.factions[d][north].len(), 2);
        let spec = crate::montecarlo::NoiseSpec::default();
        let drawn: Vec<f64> = (0..200)
            .map(|t| {
                crate::montecarlo::perturb(&conv.problem, &conv.ranges, &spec, 7, t).stances[d]
                    [north]
                    .unwrap()
                    .position
            })
            .collect();
        let army = drawn.iter().filter(|&&x| x == 100.0).count();
        let pm = drawn.iter().filter(|&&x| x == 0.0).count();
        assert_eq!(army + pm, 200);
        assert!((60..=140).contains(&army), "{army} of 200 draws");
        // same seed, same draws
        let again = crate::montecarlo::perturb(&conv.problem, &conv.ranges, &spec, 7, 3);
        assert_eq!(again.stances[d][north].unwrap().position, drawn[3]);
    }

    #[test]
    fn weakly_evidenced_stances_get_wider_default_ranges() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/valid/v2.toml");
        let l = detente_scenario::load(&path);
        assert!(l.is_valid(), "{:#?}", l.diagnostics);
        let conv = from_scenario(&l.scenario);
        let d = |id: &str| conv.problem.issues.iter().position(|i| i.id == id).unwrap();
        let a = |id: &str| l.scenario.actor_index(id).unwrap();
        // stated: no default noise; reported / collective (medium): ± 10
        assert_eq!(conv.ranges.position[d("valley")][a("north")], None);
        assert_eq!(
            conv.ranges.position[d("army_limits")][a("south")],
            Some((0.0, 10.0))
        );
        assert_eq!(
            conv.ranges.position[d("guarantees")][a("south")],
            Some((90.0, 100.0))
        );
        assert_eq!(
            conv.ranges.salience[d("guarantees")][a("south")],
            Some((0.6, 0.8))
        );
    }

    #[test]
    fn plain_reads_bdm() {
        let p = crate::data::bdm1994();
        assert_eq!(p.actors.len(), 10);
        assert_eq!(p.issues[0].outcome, Some(8.833));
        assert_eq!(p.issues[0].title, "Emission standards (BDM 1994)");
        assert_eq!(
            p.stances[0][1],
            Some(StancePoint {
                position: 7.0,
                salience: 0.4
            })
        );
    }

    #[test]
    fn plain_errors_are_located() {
        let e = read_plain(
            "x.csv",
            "Actor,Capability,Position,Salience\nA,1,5,0.5\nB,one,5,0.5\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (3, 3));
        assert!(
            e.to_string()
                .starts_with("x.csv:3:3: error: capability `one` is not a number"),
            "{e}"
        );
        let e = read_plain("x.csv", "Actor,Capability,Position\nA,1,5\n").unwrap_err();
        assert!(e.message.contains("Salience"), "{e}");
        let e = read_plain(
            "x.csv",
            "Actor,Capability,Position,Salience\nA,1,5,0.5\nA,1,5,0.5\n",
        )
        .unwrap_err();
        assert!(e.message.contains("twice"));
        let e =
            read_plain("x.csv", "Actor,Capability,Position,Salience\nA,-1,5,0.5\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 3));
        let e = read_plain(
            "x.csv",
            "Actor,Capability,Position,Salience\nA, 1, 5, 250\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (2, 10));
    }

    #[test]
    fn plain_percent_saliences() {
        let p = read_plain(
            "x.csv",
            "actor,position,salience,capability\nA,10,50,2\nB,90,100,1\n",
        )
        .unwrap();
        assert_eq!(p.stances[0][0].unwrap().salience, 0.5);
        assert_eq!(p.actors[0].capability, 2.0);
    }

    #[test]
    fn ktab_multi_dim_and_trailing_commas() {
        let t = "S ,\"Dummy, quoted\",2,2,\nActor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,\nA, d, 10, 20, 30, 40, 50,\nB, d, 5, 60, 70, 80, 10\n";
        assert_eq!(detect(t), Some(TableFormat::Ktab));
        let p = read_ktab("k.csv", t).unwrap();
        assert_eq!(p.issues.len(), 2);
        assert_eq!(p.issues[0].id, "Pstn1");
        assert_eq!(p.title, "S: Dummy, quoted");
        assert_eq!(
            p.stances[1][1],
            Some(StancePoint {
                position: 80.0,
                salience: 0.1
            })
        );
        let bad = t.replace("B, d, 5, 60", "B, d, 5, x");
        let e = read_ktab("k.csv", &bad).unwrap_err();
        assert_eq!((e.line, e.col), (4, 10), "{e}");
        let short = t.replace("2,2,", "3,2,");
        assert!(read_ktab("k.csv", &short)
            .unwrap_err()
            .message
            .contains("declares 3 actors"));
    }

    #[test]
    fn ktab_headers_named_position() {
        let t = "X, Y, 1, 1,\nActor, Description, Influence, XYZ Position, XYZ Salience\nA, d, 1, 50, 40\n";
        let p = read_ktab("k.csv", t).unwrap();
        assert_eq!(p.issues[0].id, "XYZ");
    }

    #[test]
    fn deu_rows_are_issues() {
        let t = "id;pDE;sDE;pFR;sFR;rp;out\nA1;0;50;100;80;0;70\nA2;999;50;40;999;10;999\n";
        assert_eq!(detect(t), Some(TableFormat::Deu));
        let p = read_deu("d.csv", t).unwrap();
        assert_eq!(p.issues.len(), 2);
        assert_eq!(p.issues[0].outcome, Some(70.0));
        assert_eq!(p.issues[1].outcome, None);
        assert_eq!(p.issues[1].status_quo, Some(10.0));
        assert!(p.stances[1].iter().all(Option::is_none));
        let e = read_deu("d.csv", "id;pDE;sDE;out\nA;x;50;3\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 3));
    }
}
