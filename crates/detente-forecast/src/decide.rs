//! Reader for Decide's input format (the exchange model's data files, e.g. `sample_data.txt`,
//! `cop21.csv`): one record per line, fields separated by tabs (or `;` or `,`, the first of
//! these found on the first record), strings in single quotes (`''` inside a quoted string is
//! a quote):
//!
//! - `'#A' id name [description]` an actor;
//! - `'#P' id [name] [description]` an issue, with at least two `'#M' issue value
//!   [meaning]` records giving the ends of its scale (lowest and highest value);
//! - `'#D' actor issue position salience power [comment]` a stance: position within the
//!   issue's scale, salience and power in [0, 1];
//! - `'#/' text` a comment and `'#O' text` an issue description, both ignored.
//!
//! Every problem is a [`ReadError`] with file, line and column. detente gives each actor one
//! capability, so an actor's power must be the same on every issue.

use crate::io::ReadError;
use crate::problem::{ActorInfo, IssueInfo, Problem, StancePoint};
use detente_scenario::did_you_mean;
use std::collections::HashMap;

/// Does this text look like a Decide input file (first record starts with a quoted `'#`)?
pub fn looks_like(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.starts_with("'#"))
        .unwrap_or(false)
}

struct Field {
    text: String,
    col: usize,
}

struct Rec {
    line: usize,
    fields: Vec<Field>,
}

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&self, line: usize, col: usize, msg: impl Into<String>, hint: &str) -> ReadError {
        ReadError {
            file: self.file.to_string(),
            line,
            col,
            message: msg.into(),
            hint: (!hint.is_empty()).then(|| hint.to_string()),
        }
    }

    /// Split one line on `sep`, honouring single quotes; columns are 1-based characters.
    fn split(&self, line_no: usize, line: &str, sep: char) -> Result<Vec<Field>, ReadError> {
        let chars: Vec<char> = line.chars().collect();
        let mut out = Vec::new();
        let mut k = 0;
        loop {
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            let col = k + 1;
            let mut text = String::new();
            if k < chars.len() && chars[k] == '\'' {
                k += 1;
                loop {
                    match chars.get(k) {
                        None => return Err(self.err(
                            line_no,
                            col,
                            "quoted field is not closed",
                            "end the field with a single quote ('); write '' for a quote inside it",
                        )),
                        Some('\'') if chars.get(k + 1) == Some(&'\'') => {
                            text.push('\'');
                            k += 2;
                        }
                        Some('\'') => {
                            k += 1;
                            break;
                        }
                        Some(&c) => {
                            text.push(c);
                            k += 1;
                        }
                    }
                }
                while k < chars.len() && chars[k] == ' ' {
                    k += 1;
                }
                if k < chars.len() && chars[k] != sep {
                    return Err(self.err(
                        line_no,
                        k + 1,
                        format!("text `{}` after the closing quote", chars[k]),
                        "a quote may be missing earlier on the line; otherwise put a field separator after the closing quote",
                    ));
                }
            } else {
                while k < chars.len() && chars[k] != sep {
                    text.push(chars[k]);
                    k += 1;
                }
                text = text.trim_end().to_string();
            }
            out.push(Field { text, col });
            if k >= chars.len() {
                break;
            }
            k += 1; // the separator
        }
        Ok(out)
    }

    fn number(&self, line: usize, f: &Field, what: &str) -> Result<f64, ReadError> {
        match f.text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.err(
                line,
                f.col,
                format!("{what} `{}` is not a number", f.text),
                "write a decimal number such as 42 or 0.5",
            )),
        }
    }

    fn unit(&self, line: usize, f: &Field, what: &str) -> Result<f64, ReadError> {
        let v = self.number(line, f, what)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(self.err(
                line,
                f.col,
                format!("{what} {v} is outside [0, 1]"),
                "Decide's saliences and powers are fractions: write e.g. 0.8, not 80",
            ));
        }
        Ok(v)
    }
}

/// Read a Decide input file into a [`Problem`] (actors in `'#A'` order, issues in `'#P'`
/// order, each issue's scale from its `'#M'` bounds, capability = the actor's power).
pub fn read(file: &str, text: &str) -> Result<Problem, ReadError> {
    let cx = Ctx { file };
    let lines: Vec<(usize, &str)> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let first = lines.first().map(|l| l.1).unwrap_or("");
    let sep = ['\t', ';', ',']
        .into_iter()
        .find(|c| first.contains(*c))
        .unwrap_or('\t');
    let mut recs = Vec::new();
    for &(no, l) in &lines {
        recs.push(Rec {
            line: no,
            fields: cx.split(no, l, sep)?,
        });
    }
    let mut actors: Vec<ActorInfo> = Vec::new();
    let mut actor_ix: HashMap<String, (usize, usize)> = HashMap::new();
    let mut issues: Vec<IssueInfo> = Vec::new();
    let mut issue_ix: HashMap<String, (usize, usize)> = HashMap::new();
    let mut bounds: Vec<Vec<f64>> = Vec::new();
    let need = |r: &Rec, n: usize, form: &str| -> Result<(), ReadError> {
        if r.fields.len() < n {
            let last = r
                .fields
                .last()
                .map(|f| f.col + f.text.chars().count())
                .unwrap_or(1);
            return Err(cx.err(
                r.line,
                last,
                format!(
                    "`{}` record has {} field(s) after the tag, needs {}",
                    r.fields[0].text,
                    r.fields.len() - 1,
                    n - 1
                ),
                &format!("write {form}, fields separated by the file's separator"),
            ));
        }
        Ok(())
    };
    // Pass 1: actors and issues.
    for r in &recs {
        let tag = r.fields[0].text.as_str();
        match tag {
            "#A" => {
                need(r, 2, "'#A' id name description")?;
                let id = r.fields[1].text.clone();
                if let Some((_, l)) = actor_ix.get(&id) {
                    return Err(cx.err(
                        r.line,
                        r.fields[1].col,
                        format!("actor `{id}` is defined twice (first on line {l})"),
                        "give every '#A' record its own id",
                    ));
                }
                let name = r.fields.get(2).map(|f| f.text.clone()).filter(|n| !n.is_empty());
                actor_ix.insert(id.clone(), (actors.len(), r.line));
                actors.push(ActorInfo {
                    name: name.unwrap_or_else(|| id.clone()),
                    id,
                    capability: f64::NAN,
                });
            }
            "#P" => {
                need(r, 2, "'#P' id name description")?;
                let id = r.fields[1].text.clone();
                if let Some((_, l)) = issue_ix.get(&id) {
                    return Err(cx.err(
                        r.line,
                        r.fields[1].col,
                        format!("issue `{id}` is defined twice (first on line {l})"),
                        "give every '#P' record its own id",
                    ));
                }
                let title = r.fields.get(2).map(|f| f.text.clone()).filter(|n| !n.is_empty());
                issue_ix.insert(id.clone(), (issues.len(), r.line));
                issues.push(IssueInfo {
                    title: title.unwrap_or_else(|| id.clone()),
                    id,
                    lo: 0.0,
                    hi: 0.0,
                    status_quo: None,
                    outcome: None,
                });
                bounds.push(Vec::new());
            }
            "#M" | "#D" | "#/" | "#O" => {}
            other => {
                return Err(cx.err(
                    r.line,
                    r.fields[0].col,
                    format!("unknown record type `{other}`"),
                    "a record starts with '#A' (actor), '#P' (issue), '#M' (scale end), '#D' (stance) or '#/' (comment)",
                ))
            }
        }
    }
    let find_issue = |r: &Rec, f: &Field| -> Result<usize, ReadError> {
        issue_ix.get(&f.text).map(|v| v.0).ok_or_else(|| {
            let hint = match did_you_mean(&f.text, issue_ix.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? Define the issue with a '#P' record"),
                None => "define the issue with a '#P' record".to_string(),
            };
            cx.err(r.line, f.col, format!("unknown issue `{}`", f.text), &hint)
        })
    };
    // Pass 2: scale ends.
    for r in recs.iter().filter(|r| r.fields[0].text == "#M") {
        need(r, 3, "'#M' issue value meaning")?;
        let d = find_issue(r, &r.fields[1])?;
        let v = cx.number(r.line, &r.fields[2], "scale end")?;
        bounds[d].push(v);
    }
    for (d, b) in bounds.iter().enumerate() {
        let line = issue_ix[&issues[d].id].1;
        let lo = b.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = b.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if b.len() < 2 || hi <= lo {
            return Err(cx.err(
                line,
                1,
                format!(
                    "issue `{}` needs two '#M' records with different values (the ends of its scale); found {}",
                    issues[d].id,
                    b.len()
                ),
                &format!("add e.g. '#M' '{0}' 0 and '#M' '{0}' 100", issues[d].id),
            ));
        }
        issues[d].lo = lo;
        issues[d].hi = hi;
    }
    // Pass 3: stances.
    let mut stances = vec![vec![None; actors.len()]; issues.len()];
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    let mut power_line = vec![0usize; actors.len()];
    for r in recs.iter().filter(|r| r.fields[0].text == "#D") {
        need(r, 6, "'#D' actor issue position salience power")?;
        let fa = &r.fields[1];
        let a = actor_ix.get(&fa.text).map(|v| v.0).ok_or_else(|| {
            let hint = match did_you_mean(&fa.text, actor_ix.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? Define the actor with an '#A' record"),
                None => "define the actor with an '#A' record".to_string(),
            };
            cx.err(
                r.line,
                fa.col,
                format!("unknown actor `{}`", fa.text),
                &hint,
            )
        })?;
        let d = find_issue(r, &r.fields[2])?;
        if let Some(l) = seen.insert((a, d), r.line) {
            return Err(cx.err(
                r.line,
                1,
                format!(
                    "second stance of `{}` on `{}` (the first is on line {l})",
                    actors[a].id, issues[d].id
                ),
                "keep one '#D' record per actor and issue",
            ));
        }
        let pos = cx.number(r.line, &r.fields[3], "position")?;
        if !(issues[d].lo..=issues[d].hi).contains(&pos) {
            return Err(cx.err(
                r.line,
                r.fields[3].col,
                format!(
                    "position {pos} is outside the scale of `{}` ({} to {}, from its '#M' records)",
                    issues[d].id, issues[d].lo, issues[d].hi
                ),
                "use a position between the issue's '#M' values, or widen them",
            ));
        }
        let sal = cx.unit(r.line, &r.fields[4], "salience")?;
        let pow = cx.unit(r.line, &r.fields[5], "power")?;
        let cap = actors[a].capability;
        if cap.is_nan() {
            actors[a].capability = pow;
            power_line[a] = r.line;
        } else if cap != pow {
            return Err(cx.err(
                r.line,
                r.fields[5].col,
                format!(
                    "power {pow} of `{}` differs from its power {} on line {}",
                    actors[a].id, cap, power_line[a]
                ),
                "detente gives each actor one capability: use the same power on every issue",
            ));
        }
        stances[d][a] = Some(StancePoint {
            position: pos,
            salience: sal,
        });
    }
    for a in &mut actors {
        if a.capability.is_nan() {
            a.capability = 0.0;
        }
    }
    if issues.is_empty() {
        return Err(cx.err(
            lines.first().map(|l| l.0).unwrap_or(1),
            1,
            "no issue ('#P' record) in the file",
            "define each issue with '#P' and its scale with two '#M' records",
        ));
    }
    let title = std::path::Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut p = Problem::new(title, actors);
    for (info, row) in issues.into_iter().zip(stances) {
        p.push_issue(info, row);
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ReadError {
        read("t.txt", text).unwrap_err()
    }

    const GOOD: &str = "'#A'\t'a'\t'A'\t''\n'#A'\t'b'\t'B'\t''\n'#P'\t'x'\t'x'\t'X'\n'#M'\t'x'\t0\n'#M'\t'x'\t10\n'#D'\t'a'\t'x'\t2\t0.5\t1\n'#D'\t'b'\t'x'\t8\t1\t0.5\n";

    #[test]
    fn reads_actors_issues_stances() {
        let p = read("t.txt", GOOD).unwrap();
        assert_eq!(p.actors.len(), 2);
        assert_eq!((p.issues[0].lo, p.issues[0].hi), (0.0, 10.0));
        assert_eq!(p.actors[1].capability, 0.5);
        assert_eq!(p.stances[0][1].unwrap().position, 8.0);
        assert!(looks_like(GOOD));
    }

    #[test]
    fn located_errors() {
        let e = err(&GOOD.replace("'#D'\t'b'\t'x'\t8", "'#D'\t'b'\t'x'\t11"));
        assert_eq!((e.line, e.col), (7, 14));
        assert!(e.message.contains("outside the scale"), "{e}");
        let e = err(&GOOD.replace("0.5\t1\n", "1.5\t1\n"));
        assert_eq!((e.line, e.col), (6, 16));
        let e = err(&GOOD.replace("'#M'\t'x'\t10\n", ""));
        assert_eq!(e.line, 3);
        assert!(e.message.contains("two '#M'"), "{e}");
        let e = err(&GOOD.replace("'#D'\t'b'\t'x'", "'#D'\t'c'\t'x'"));
        assert_eq!((e.line, e.col), (7, 6));
        let e = err(&GOOD.replace("'B'\t''", "'B"));
        assert_eq!((e.line, e.col), (2, 10));
        assert!(e.message.contains("not closed"));
    }
}
