//! `detente extract` — read news articles and draft a scenario whose every quote points back
//! to the text (or, with `--format json`, print the raw findings).

use crate::common::{load_scenario, CliError, CmdResult};
use detente_extract::draft::Draft;
use detente_extract::gazetteer::Gazetteer;
use detente_extract::issues::IssueDef;
use detente_extract::Extractor;
use detente_scenario::IssueKind;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExtractFormat {
    /// A draft scenario (docs/scenario-format.md) that `detente check` accepts
    Toml,
    /// The raw findings: quotes, speakers, claims, actors per document
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Plain-text UTF-8 articles
    #[arg(required = true)]
    pub articles: Vec<PathBuf>,
    /// Extra gazetteer entries and issue aliases (TOML, see docs/extract.md); an entry with a
    /// built-in id replaces it
    #[arg(long, value_name = "FILE")]
    pub gazetteer: Option<PathBuf>,
    /// Take the issues (and actors) from this scenario instead of the built-in flagship issues
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Output: a draft scenario (toml) or the raw findings (json)
    #[arg(long, value_enum, default_value_t = ExtractFormat::Toml)]
    pub format: ExtractFormat,
    /// Write to this file instead of stdout (source paths in the draft are made relative to it)
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Threads for analysing articles (0 = one per core); the output is the same for any number
    #[arg(short = 'j', long, default_value_t = 0, value_name = "N")]
    pub jobs: usize,
}

pub fn run(args: Args) -> CmdResult {
    let mut gazetteer = Gazetteer::builtin();
    if let Some(g) = &args.gazetteer {
        let extra = Gazetteer::from_file(g).map_err(|e| CliError::bad_input(e.to_string()))?;
        gazetteer.merge(extra);
        gazetteer
            .check_references()
            .map_err(|e| CliError::bad_input(format!("{}: {e}", g.display())))?;
    }
    let extractor = match &args.scenario {
        Some(s) => {
            let scenario = load_scenario(s)?;
            Extractor::for_scenario(gazetteer, &scenario)
        }
        None => Extractor::new(gazetteer),
    };
    if let (Some(id), Some(g)) = (extractor.unknown_issue_aliases().first(), &args.gazetteer) {
        let ids: Vec<&str> = extractor.issues().iter().map(|i| i.id.as_str()).collect();
        return Err(CliError::bad_input(format!(
            "{}: [[issues]] id `{id}` is not one of the issues ({}); with --scenario the \
             scenario's issue ids apply",
            g.display(),
            ids.join(", ")
        )));
    }
    let mut docs: Vec<(String, String)> = Vec::with_capacity(args.articles.len());
    for p in &args.articles {
        let text = detente_extract::input::read_article(p)
            .map_err(|e| CliError::bad_input(e.to_string()))?;
        docs.push((p.display().to_string(), text));
    }
    let extraction = if args.jobs == 1 || docs.len() < 2 {
        extractor.extract(&docs)
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.jobs)
            .build()
            .map_err(|e| CliError::failure(format!("cannot start {} threads: {e}", args.jobs)))?;
        pool.install(|| extractor.extract_parallel(&docs))
    };
    match args.format {
        ExtractFormat::Json => write_output(args.output.as_deref(), |w| {
            serde_json::to_writer_pretty(&mut *w, &extraction).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        }),
        ExtractFormat::Toml => {
            let base = match &args.output {
                Some(o) => o.parent().map(Path::to_path_buf).unwrap_or_default(),
                None => PathBuf::new(),
            };
            let paths: Vec<String> = args
                .articles
                .iter()
                .map(|a| relative_to(&base, a))
                .collect();
            let texts: Vec<&str> = docs.iter().map(|(_, t)| t.as_str()).collect();
            let draft = extraction.draft(&paths, &texts);
            let toml = render_toml(&draft);
            write_output(args.output.as_deref(), |w| w.write_all(toml.as_bytes()))
        }
    }
}

/// Write to `out` (or stdout, where a closed pipe is not an error), buffered.
fn write_output(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> CmdResult {
    use std::io::Write;
    match out {
        Some(o) => {
            let f = std::fs::File::create(o)
                .map_err(|e| CliError::failure(format!("{}: cannot write: {e}", o.display())))?;
            let mut w = std::io::BufWriter::new(f);
            write(&mut w)
                .and_then(|_| w.flush())
                .map_err(|e| CliError::failure(format!("{}: cannot write: {e}", o.display())))
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut w).and_then(|_| w.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(CliError::failure(format!("cannot write to stdout: {e}"))),
            }
        }
    }
}

/// `target` written relative to directory `base` (both taken from the current directory when
/// relative), with `/` separators.
fn relative_to(base: &Path, target: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        };
        // normalise `.` and `..` lexically (the output directory may not be canonicalisable)
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                c => out.push(c.as_os_str()),
            }
        }
        out
    };
    let (b, t) = (abs(base), abs(target));
    let bc: Vec<_> = b.components().collect();
    let tc: Vec<_> = t.components().collect();
    let common = bc.iter().zip(&tc).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..bc.len() {
        parts.push("..".into());
    }
    for c in &tc[common..] {
        parts.push(c.as_os_str().to_string_lossy().to_string());
    }
    parts.join("/")
}

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(o, "\\u{:04X}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

/// The draft in the scenario format (docs/scenario-format.md).
fn render_toml(d: &Draft) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Draft scenario written by `detente extract`. Every evidence quote is verbatim from its source.");
    let _ = writeln!(o, "# To do: set capability per actor, and position and salience per stance; prune actors and issues.");
    let _ = writeln!(
        o,
        "\n[scenario]\ntitle = {}\ndescription = {}",
        q(&d.title),
        q(&d.description)
    );
    if !d.notes.is_empty() {
        let _ = writeln!(o, "notes = [");
        for n in &d.notes {
            let _ = writeln!(o, "  {},", q(n));
        }
        let _ = writeln!(o, "]");
    }
    for s in &d.sources {
        let _ = writeln!(
            o,
            "\n[[sources]]\nid = {}\ntitle = {}\npath = {}",
            q(&s.id),
            q(&s.title),
            q(&s.path)
        );
    }
    for a in &d.actors {
        let _ = writeln!(o);
        if a.unknown {
            let _ = writeln!(
                o,
                "# Not in the gazetteer (found as a speaker): check the name, kind and speaks_for."
            );
        }
        let _ = writeln!(
            o,
            "[[actors]]\nid = {}\nname = {}\nkind = {}",
            q(&a.id),
            q(&a.name),
            q(a.kind.as_str())
        );
        if let Some(s) = &a.speaks_for {
            let _ = writeln!(o, "speaks_for = {}", q(s));
        }
        if !a.aliases.is_empty() {
            let _ = writeln!(o, "aliases = {}", list(&a.aliases));
        }
    }
    for i in &d.issues {
        render_issue(&mut o, i);
    }
    for s in &d.stances {
        let _ = writeln!(
            o,
            "\n[[stances]]\nactor = {}\nissue = {}",
            q(&s.actor),
            q(&s.issue)
        );
        let _ = writeln!(o, "# position = …   salience = …   (to set)");
        let _ = writeln!(o, "evidence = [");
        for e in &s.evidence {
            let note = e
                .note
                .as_ref()
                .map(|n| format!(", note = {}", q(n)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {{ source = {}, quote = {}{note} }},",
                q(&e.source),
                q(&e.quote)
            );
        }
        let _ = writeln!(o, "]");
    }
    o
}

fn render_issue(o: &mut String, i: &IssueDef) {
    let _ = writeln!(
        o,
        "\n[[issues]]\nid = {}\ntitle = {}",
        q(&i.id),
        q(&i.title)
    );
    if let Some(desc) = &i.description {
        let _ = writeln!(o, "description = {}", q(desc));
    }
    match &i.kind {
        IssueKind::Scale { anchors } => {
            let _ = writeln!(o, "type = \"scale\"\nanchors = [");
            for a in anchors {
                let _ = writeln!(o, "  {{ at = {}, label = {} }},", num(a.at), q(&a.label));
            }
            let _ = writeln!(o, "]");
        }
        IssueKind::Options { options, ordered } => {
            let _ = writeln!(o, "type = \"options\"\nordered = {ordered}\noptions = [");
            for op in options {
                let _ = writeln!(o, "  {{ id = {}, label = {} }},", q(&op.id), q(&op.label));
            }
            let _ = writeln!(o, "]");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("/a/b"), Path::new("/a/c/d.txt")),
            "../c/d.txt"
        );
        assert_eq!(relative_to(Path::new("/a"), Path::new("/a/x.txt")), "x.txt");
    }

    #[test]
    fn toml_strings_escape() {
        assert_eq!(q("a \"b\" \\ \u{1}"), "\"a \\\"b\\\" \\\\ \\u0001\"");
    }
}
