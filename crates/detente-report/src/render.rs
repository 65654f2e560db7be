//! A report as a list of plain blocks, and its two renderings: one self-contained HTML file,
//! and Markdown with the charts as SVG files beside it.
//!
//! Both renderers walk the same [`Document`], so the two formats always carry the same content.
//! All text is escaped by the renderers; builders put plain, unescaped text into blocks.

use crate::svg::escape;
use std::fmt::Write as _;

/// A report: a title and its blocks in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// One unit of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading; `id` is the anchor the table of contents links to.
    Heading {
        level: u8,
        id: String,
        text: String,
    },
    /// A paragraph of plain text.
    Para(String),
    /// Small grey text (provenance, how to read a chart).
    Muted(String),
    /// A boxed note: a section that could not be produced, a caveat.
    Notice(String),
    /// A bulleted list.
    List(Vec<String>),
    /// Label–value pairs (a definition list).
    Fields(Vec<(String, String)>),
    Table(Table),
    /// A chart: `name` is a file-name stem (used for the Markdown's `.svg` file), `alt` the
    /// text alternative.
    Chart {
        name: String,
        alt: String,
        svg: String,
    },
    /// A quoted sentence of evidence and where it comes from.
    Quote {
        text: String,
        cite: String,
        note: Option<String>,
    },
    /// The table of contents, filled from the headings at rendering time.
    Contents,
}

/// A table of plain-text cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub caption: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Right-align these columns (numbers).
    pub numeric: Vec<bool>,
    /// Cells with exactly this text are drawn grey in HTML (e.g. "as Nash": nothing new here).
    pub dim: Option<String>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            caption: None,
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            numeric: vec![false; header.len()],
            dim: None,
        }
    }
    pub fn numeric(mut self, cols: &[usize]) -> Table {
        for &c in cols {
            if let Some(n) = self.numeric.get_mut(c) {
                *n = true;
            }
        }
        self
    }
    pub fn caption(mut self, c: impl Into<String>) -> Table {
        self.caption = Some(c.into());
        self
    }
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// Turn free text into an anchor id: lowercase ASCII letters, digits and dashes.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

const CSS: &str = r#"
:root{--ink:#1a1a1a;--muted:#5f5f5f;--rule:#dcdcdc;--accent:#0072B2;--warn:#D55E00}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff;line-height:1.5;margin:0;padding:0 16px}
main{max-width:880px;margin:0 auto;padding:24px 0 64px}
h1{font-size:1.9rem;line-height:1.2;margin:.2em 0 .3em}
h2{font-size:1.4rem;margin:2.2em 0 .6em;padding-top:.4em;border-top:2px solid var(--ink)}
h3{font-size:1.15rem;margin:1.8em 0 .5em}
h4{font-size:1rem;margin:1.4em 0 .3em}
p{margin:.5em 0}
.muted{color:var(--muted);font-size:.9rem}
.notice{border-left:4px solid var(--warn);background:#fff4ea;padding:.6em .9em;margin:1em 0}
table{border-collapse:collapse;width:100%;margin:.8em 0 1.2em;font-size:.9rem}
caption{text-align:left;color:var(--muted);font-size:.85rem;padding-bottom:.3em}
th,td{border-bottom:1px solid var(--rule);padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3;font-weight:600;border-bottom:2px solid #bdbdbd}
tbody tr:nth-child(even){background:#fafafa}
td.dim{color:#9a9a9a}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.table-wrap{overflow-x:auto}
figure{margin:1.2em 0 1.6em}
figure svg{display:block;width:100%;max-width:760px;height:auto}
figcaption{color:var(--muted);font-size:.85rem}
blockquote{margin:.5em 0 .8em;padding:.5em .9em;border-left:4px solid var(--accent);background:#f5f8fb}
blockquote p{margin:0}
blockquote footer{color:var(--muted);font-size:.85rem;margin-top:.25em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.6em 0}
dt{font-weight:600;color:var(--muted)}
dd{margin:0}
nav.toc ol{font-size:.95rem;padding-left:1.4em}
nav.toc ul{font-size:.9rem;padding-left:1.2em;list-style:circle}
@media (max-width:640px){dl{grid-template-columns:1fr}}
@media print{h2{break-before:page}figure,blockquote,table{break-inside:avoid}}
"#;

/// The entries of the table of contents: level-2 headings, and level-3 headings except those
/// whose id starts with `evidence-` (the evidence section repeats every issue title).
fn toc(doc: &Document) -> Vec<(u8, &str, &str)> {
    headings(doc)
        .into_iter()
        .filter(|h| h.0 == 2 || (h.0 == 3 && !h.1.starts_with("evidence-")))
        .collect()
}

fn headings(doc: &Document) -> Vec<(u8, &str, &str)> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, id, text } if *level <= 3 => {
                Some((*level, id.as_str(), text.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// Render a self-contained HTML page: inline CSS and SVG, no scripts, and a Content Security
/// Policy that forbids every network request, so the file opens the same offline.
pub fn html(doc: &Document) -> String {
    let mut o = String::with_capacity(256 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
        escape(&doc.title),
        CSS
    );
    for b in &doc.blocks {
        match b {
            Block::Heading { level, id, text } => {
                let l = (*level).clamp(1, 6);
                let _ = writeln!(o, "<h{l} id=\"{}\">{}</h{l}>", escape(id), escape(text));
            }
            Block::Para(t) => {
                let _ = writeln!(o, "<p>{}</p>", escape(t));
            }
            Block::Muted(t) => {
                let _ = writeln!(o, "<p class=\"muted\">{}</p>", escape(t));
            }
            Block::Notice(t) => {
                let _ = writeln!(o, "<div class=\"notice\" role=\"note\">{}</div>", escape(t));
            }
            Block::List(items) => {
                o.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(o, "<li>{}</li>", escape(i));
                }
                o.push_str("</ul>\n");
            }
            Block::Fields(fields) => {
                o.push_str("<dl>\n");
                for (k, v) in fields {
                    let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
                }
                o.push_str("</dl>\n");
            }
            Block::Table(t) => {
                o.push_str("<div class=\"table-wrap\"><table>\n");
                if let Some(c) = &t.caption {
                    let _ = writeln!(o, "<caption>{}</caption>", escape(c));
                }
                o.push_str("<thead><tr>");
                for (i, h) in t.header.iter().enumerate() {
                    let cls = if t.numeric.get(i).copied().unwrap_or(false) {
                        " class=\"num\""
                    } else {
                        ""
                    };
                    let _ = write!(o, "<th scope=\"col\"{cls}>{}</th>", escape(h));
                }
                o.push_str("</tr></thead>\n<tbody>\n");
                for r in &t.rows {
                    o.push_str("<tr>");
                    for (i, cell) in r.iter().enumerate() {
                        let cls = if t.numeric.get(i).copied().unwrap_or(false) {
                            " class=\"num\""
                        } else if t.dim.as_deref() == Some(cell.as_str()) {
                            " class=\"dim\""
                        } else {
                            ""
                        };
                        let _ = write!(o, "<td{cls}>{}</td>", escape(cell));
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody></table></div>\n");
            }
            Block::Chart { alt, svg, .. } => {
                let _ = writeln!(
                    o,
                    "<figure>{svg}<figcaption>{}</figcaption></figure>",
                    escape(alt)
                );
            }
            Block::Quote { text, cite, note } => {
                let _ = write!(
                    o,
                    "<blockquote><p>{}</p><footer>— {}</footer>",
                    escape(text),
                    escape(cite)
                );
                if let Some(n) = note {
                    let _ = write!(o, "<footer>Note: {}</footer>", escape(n));
                }
                o.push_str("</blockquote>\n");
            }
            Block::Contents => {
                o.push_str("<nav class=\"toc\" aria-label=\"Contents\"><h2 id=\"contents\">Contents</h2><ol>\n");
                let mut open_sub = false;
                for (k, (level, id, text)) in toc(doc).into_iter().enumerate() {
                    if level == 2 {
                        if open_sub {
                            o.push_str("</ul>");
                            open_sub = false;
                        }
                        if k > 0 {
                            o.push_str("</li>\n");
                        }
                        let _ = write!(o, "<li><a href=\"#{}\">{}</a>", escape(id), escape(text));
                    } else {
                        if !open_sub {
                            o.push_str("<ul>");
                            open_sub = true;
                        }
                        let _ = write!(
                            o,
                            "<li><a href=\"#{}\">{}</a></li>",
                            escape(id),
                            escape(text)
                        );
                    }
                }
                if open_sub {
                    o.push_str("</ul>");
                }
                o.push_str("</li>\n</ol></nav>\n");
            }
        }
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

/// Escape text for Markdown: HTML-significant characters as entities, Markdown punctuation
/// with backslashes, and line breaks as spaces (so a value cannot start a new block).
pub fn md_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                o.push('\\');
                o.push(ch);
            }
            '\n' | '\r' | '\t' => o.push(' '),
            c if (c as u32) < 0x20 => {}
            c => o.push(c),
        }
    }
    o
}

/// Render Markdown. Charts become image links to `<assets_dir>/<name>.svg`; the returned list
/// holds those `(file name, svg)` pairs for the caller to write (GitHub and most renderers
/// strip inline `<svg>`, but show SVG files as images).
pub fn markdown(doc: &Document, assets_dir: &str) -> (String, Vec<(String, String)>) {
    let mut o = String::with_capacity(128 * 1024);
    let mut files: Vec<(String, String)> = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { level, id, text } => {
                let l = (*level).clamp(1, 6) as usize;
                let _ = writeln!(
                    o,
                    "<a id=\"{}\"></a>\n\n{} {}\n",
                    escape(id),
                    "#".repeat(l),
                    md_escape(text)
                );
            }
            Block::Para(t) => {
                let _ = writeln!(o, "{}\n", md_escape(t));
            }
            Block::Muted(t) => {
                let _ = writeln!(o, "*{}*\n", md_escape(t));
            }
            Block::Notice(t) => {
                let _ = writeln!(o, "> **Note.** {}\n", md_escape(t));
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(o, "- {}", md_escape(i));
                }
                o.push('\n');
            }
            Block::Fields(fields) => {
                for (k, v) in fields {
                    let _ = writeln!(o, "- **{}:** {}", md_escape(k), md_escape(v));
                }
                o.push('\n');
            }
            Block::Table(t) => {
                if let Some(c) = &t.caption {
                    let _ = writeln!(o, "*{}*\n", md_escape(c));
                }
                let cell = |s: &str| {
                    let e = md_escape(s);
                    if e.is_empty() {
                        " ".to_string()
                    } else {
                        e
                    }
                };
                let _ = writeln!(
                    o,
                    "| {} |",
                    t.header
                        .iter()
                        .map(|h| cell(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(
                    o,
                    "|{}|",
                    (0..t.header.len())
                        .map(|i| if t.numeric.get(i).copied().unwrap_or(false) {
                            "---:"
                        } else {
                            "---"
                        })
                        .collect::<Vec<_>>()
                        .join("|")
                );
                for r in &t.rows {
                    let mut cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
                    cells.resize(t.header.len().max(cells.len()), " ".into());
                    let _ = writeln!(o, "| {} |", cells.join(" | "));
                }
                o.push('\n');
            }
            Block::Chart { name, alt, svg } => {
                let file = format!("{:02}-{}.svg", files.len() + 1, slug(name));
                let _ = writeln!(o, "![{}]({}/{})\n", md_escape(alt), assets_dir, file);
                files.push((file, svg.clone()));
            }
            Block::Quote { text, cite, note } => {
                let _ = writeln!(o, "> {}\n>\n> — {}", md_escape(text), md_escape(cite));
                if let Some(n) = note {
                    let _ = writeln!(o, ">\n> Note: {}", md_escape(n));
                }
                o.push('\n');
            }
            Block::Contents => {
                o.push_str("## Contents\n\n");
                for (level, id, text) in toc(doc) {
                    let indent = if level >= 3 { "  " } else { "" };
                    let _ = writeln!(o, "{indent}- [{}](#{})", md_escape(text), id);
                }
                o.push('\n');
            }
        }
    }
    (o, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        let mut t = Table::new(&["Actor", "Capability"]).numeric(&[1]);
        t.row(vec!["<script>alert(1)</script>".into(), "10".into()]);
        t.row(vec!["a|b\nc".into(), "5".into()]);
        Document {
            title: "T <b>".into(),
            blocks: vec![
                Block::Heading {
                    level: 1,
                    id: "top".into(),
                    text: "T <b>".into(),
                },
                Block::Contents,
                Block::Heading {
                    level: 2,
                    id: "actors".into(),
                    text: "Actors".into(),
                },
                Block::Table(t),
                Block::Quote {
                    text: "we will <never> give up".into(),
                    cite: "AP, 2025-02-27".into(),
                    note: None,
                },
                Block::Chart {
                    name: "Heat map".into(),
                    alt: "alt".into(),
                    svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into(),
                },
            ],
        }
    }

    #[test]
    fn html_escapes_everything() {
        let h = html(&sample());
        assert!(!h.contains("<script>"));
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(h.contains("<a href=\"#actors\">Actors</a>"));
        assert!(h.contains("<td class=\"num\">10</td>"));
    }

    #[test]
    fn markdown_tables_survive_pipes_and_newlines() {
        let (m, files) = markdown(&sample(), "report_files");
        assert!(m.contains("| a\\|b c | 5 |"), "{m}");
        assert!(!m.contains("<script>"));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "01-heat-map.svg");
        assert!(m.contains("![alt](report_files/01-heat-map.svg)"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Territory in Donbas!"), "territory-in-donbas");
        assert_eq!(slug("<>"), "x");
    }
}
