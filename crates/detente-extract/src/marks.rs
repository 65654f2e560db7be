//! Quotation marks in every common house style, decided per document.
//!
//! - **Primary marks**: a document quotes with double marks (`“…”`, `"…"`, `„…“`) or, in
//!   British and Commonwealth style, with single marks (`‘…’`, `'…'`). [`detect_style`] decides
//!   once per document from the evidence (how many marks open a quotation at the start of a
//!   word), so an apostrophe (`Kyiv’s`, `I’m`) is never read as a mark and the other kind
//!   is the nested one: kept inside the quotation, never a quotation of its own.
//! - **Guillemets** `«…»` are always primary marks (with French spacing trimmed).
//! - A quotation that runs over several paragraphs (each paragraph opens with a mark, only the
//!   last closes) gives one quotation per paragraph and no problem report.
//! - **Transcript turns**: a paragraph `NAME: words` or `TITLE NAME: words` (labels in
//!   capitals, at least two turns in the document) is a quotation of the labelled speaker; its
//!   quote marks are nested. `[Question: …]` paragraphs (a briefing's reporter questions) are
//!   quotations with the label `Question` and no speaker.
//! - **Headlines** (a short line without a full stop) may quote with single marks even in a
//!   document whose body uses double marks.
//!
//! One forward pass per paragraph; linear in the text.

use crate::text::{line_col, Problem, QuoteSpan, MAX_PROBLEMS};
use std::ops::Range;

/// The house style of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Single marks are the primary quotation marks (British style).
    pub single: bool,
    /// The document is a transcript (at least two `NAME:` turns).
    pub transcript: bool,
    /// Its turns are labelled in capitals (then `Moderator: …` is a header, not a turn).
    pub caps_labels: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Double,
    Single,
    Guillemet,
}

fn word_start(prev: Option<char>) -> bool {
    prev.is_none_or(|q| {
        q.is_whitespace() || matches!(q, '(' | '[' | '—' | '–' | '-' | '/' | '"' | '“' | '„')
    })
}

/// Count the marks that open a quotation (at the start of a word, before a letter or digit).
pub fn detect_style(text: &str, paragraphs: &[Range<usize>]) -> Style {
    let (mut single, mut double) = (0usize, 0usize);
    let mut prev: Option<char> = None;
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        let next = it.peek().copied();
        if word_start(prev) && next.is_some_and(|n| n.is_alphanumeric()) {
            match c {
                '‘' => single += 1,
                '\'' if next.is_some_and(|n| n.is_alphabetic()) => single += 1,
                '“' | '"' | '„' => double += 1,
                _ => {}
            }
        }
        prev = Some(c);
    }
    let turns = paragraphs
        .iter()
        .filter(|p| turn_label(text, p).is_some())
        .count();
    // interviews with names as labels (`Maria Santos:` … `Santos:`): at least three such
    // paragraphs, one of them a full name
    let named: Vec<Range<usize>> = paragraphs
        .iter()
        .filter_map(|p| name_label(text, p).map(|(l, _)| l))
        .collect();
    let full_name = named.iter().any(|l| text[l.clone()].contains(' '));
    Style {
        single: single > double && single >= 2,
        transcript: turns >= 2 || (named.len() >= 3 && full_name),
        caps_labels: turns >= 2,
    }
}

/// Labels that start a paragraph with a colon but do not name a speaker.
const NOT_SPEAKER_LABELS: &[&str] = &[
    "UPDATE",
    "BREAKING",
    "NOTE",
    "EDITOR'S NOTE",
    "PHOTO",
    "CAPTION",
    "WATCH",
    "READ MORE",
    "CORRECTION",
    "ANALYSIS",
    "TRANSCRIPT",
    "SOURCE",
    "SOURCES",
    "GUESTS",
    "PARTICIPANTS",
    "PRESENT",
    "ATTENDEES",
    "PANEL",
    "PANELLISTS",
    "PANELISTS",
    "SPEAKERS",
    "HOSTS",
    "DATE",
    "TIME",
    "PLACE",
    "LOCATION",
    "SUBJECT",
    "TOPIC",
    "TOPICS",
    "LIVE",
    "UPDATED",
    "FILE",
    "VIDEO",
    "AUDIO",
    "WARNING",
];

/// `NAME: speech` at the start of a paragraph: (label, speech) byte ranges. The label is in
/// capitals (letters, spaces, `.`, `(`, `)`, `-`, apostrophes), at most 60 bytes.
pub fn turn_label(text: &str, p: &Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
    let para = &text[p.clone()];
    let colon = para
        .char_indices()
        .take_while(|&(i, _)| i <= 60)
        .find(|&(_, c)| c == ':')?
        .0;
    let label = para[..colon].trim();
    if label.is_empty()
        || !label.chars().any(|c| c.is_alphabetic())
        || !label
            .chars()
            .all(|c| c.is_uppercase() || matches!(c, ' ' | '.' | '(' | ')' | '-' | '\'' | '’'))
        || NOT_SPEAKER_LABELS.contains(&label)
    {
        return None;
    }
    let rest = &para[colon + 1..];
    if !rest.starts_with(' ') || rest.trim().is_empty() {
        return None;
    }
    let lead = rest.len() - rest.trim_start().len();
    let s = p.start + colon + 1 + lead;
    Some((p.start..p.start + label.len(), s..p.end))
}

/// `Maria Santos: speech` / `Santos: speech`: a label of one to three capitalised words
/// (apostrophes and hyphens inside, particles between) at the start of a paragraph.
pub fn name_label(text: &str, p: &Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
    let para = &text[p.clone()];
    let colon = para
        .char_indices()
        .take_while(|&(i, _)| i <= 40)
        .find(|&(_, c)| c == ':')?
        .0;
    let label = &para[..colon];
    let words: Vec<&str> = label.split(' ').collect();
    let ok = (1..=4).contains(&words.len())
        && words.iter().enumerate().all(|(k, w)| {
            let first = w.chars().next();
            (first.is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.')))
                || (k > 0 && k + 1 < words.len() && crate::analyse::is_particle(w))
        })
        && !NOT_SPEAKER_LABELS
            .iter()
            .any(|n| n.eq_ignore_ascii_case(label));
    let rest = &para[colon + 1..];
    if !ok || !rest.starts_with(' ') || rest.trim().is_empty() {
        return None;
    }
    let lead = rest.len() - rest.trim_start().len();
    Some((p.start..p.start + colon, p.start + colon + 1 + lead..p.end))
}

/// A turn's speech without trailing stage directions in capitals: `(LAUGHTER)`,
/// `[CROSSTALK]`, `(APPLAUSE)`.
fn without_stage_directions(text: &str, mut r: Range<usize>) -> Range<usize> {
    loop {
        let s = text[r.clone()].trim_end();
        let Some(open) = s
            .ends_with([')', ']'])
            .then(|| s.rfind(['(', '[']))
            .flatten()
        else {
            break;
        };
        let inside = &s[open + 1..s.len() - 1];
        let caps = !inside.is_empty()
            && inside.chars().any(char::is_alphabetic)
            && inside
                .chars()
                .all(|c| !c.is_alphabetic() || c.is_uppercase());
        let rest = s[..open].trim_end();
        if !caps || rest.is_empty() {
            break;
        }
        r = r.start..r.start + rest.len();
    }
    r
}

/// `[Question: …]` / `[Q: …]` / `[Reporter: …]`: (label, question) byte ranges.
fn bracket_question(text: &str, p: &Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
    let para = &text[p.clone()];
    let inner = para.strip_prefix('[')?.strip_suffix(']')?;
    let colon = inner.find(':')?;
    let label = inner[..colon].trim();
    if !matches!(
        label.to_ascii_lowercase().as_str(),
        "question" | "q" | "reporter" | "reporter's question"
    ) {
        return None;
    }
    let rest = &inner[colon + 1..];
    let lead = rest.len() - rest.trim_start().len();
    let s = p.start + 1 + colon + 1 + lead;
    let e = p.end - 1;
    (e > s).then(|| (p.start + 1..p.start + 1 + label.len(), s..e))
}

/// A short line without a full stop: a headline, a live-blog entry title.
fn is_headline(para: &str) -> bool {
    let t = para.trim_end_matches(['’', '\'', '"', '”', ')']);
    para.len() <= 160 && !t.ends_with(['.', '!', '?', ':', ';', ','])
}

fn first_char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// The mark family a paragraph opens with (for multi-paragraph quotations).
fn opens_with(text: &str, p: &Range<usize>) -> Option<Family> {
    match first_char_at(text, p.start)? {
        '“' | '"' | '„' => Some(Family::Double),
        '‘' | '\'' => Some(Family::Single),
        '«' => Some(Family::Guillemet),
        _ => None,
    }
}

struct Reporter<'a> {
    text: &'a str,
    problems: &'a mut Vec<Problem>,
    count: usize,
}

impl Reporter<'_> {
    fn report(&mut self, offset: usize, message: &str) {
        self.count += 1;
        if self.count > MAX_PROBLEMS {
            return;
        }
        let (line, column) = line_col(self.text, offset);
        self.problems.push(Problem {
            offset,
            line,
            column,
            message: message.to_string(),
        });
    }
}

/// Find the quotations of a document in its house style (see the module documentation).
/// Unbalanced marks give [`Problem`]s, never an error.
pub fn quotations(
    text: &str,
    paragraphs: &[Range<usize>],
    problems: &mut Vec<Problem>,
) -> Vec<QuoteSpan> {
    let style = detect_style(text, paragraphs);
    let mut out = Vec::new();
    let mut rep = Reporter {
        text,
        problems,
        count: 0,
    };
    for (pi, p) in paragraphs.iter().enumerate() {
        if let Some((label, q)) = bracket_question(text, p) {
            out.push(QuoteSpan {
                open: label.start,
                inner: q.clone(),
                close_end: q.end,
                unclosed: false,
                label: Some(label),
            });
            continue;
        }
        if style.transcript {
            let turn = if style.caps_labels {
                turn_label(text, p)
            } else {
                name_label(text, p)
            };
            if let Some((label, speech)) = turn {
                out.push(QuoteSpan {
                    open: label.start,
                    inner: without_stage_directions(text, speech),
                    close_end: p.end,
                    unclosed: false,
                    label: Some(label),
                });
                continue;
            }
        }
        let para = &text[p.clone()];
        let headline_single = is_headline(para) && !para.contains(['“', '"', '„', '”']);
        let primary = if style.single || headline_single {
            Family::Single
        } else {
            Family::Double
        };
        let next_opens = paragraphs.get(pi + 1).and_then(|n| opens_with(text, n));
        scan_paragraph(text, p, primary, next_opens, &mut out, &mut rep);
    }
    if rep.count > MAX_PROBLEMS {
        let more = rep.count - MAX_PROBLEMS;
        rep.problems.push(Problem {
            offset: text.len(),
            line: 0,
            column: 0,
            message: format!("… and {more} more quotation-mark problems"),
        });
    }
    out
}

fn is_dq(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„')
}

fn is_sq(c: char) -> bool {
    matches!(c, '\'' | '‘' | '’')
}

/// Whether a double mark opens or closes, from its neighbours (ambiguous: the glyph decides).
fn double_role(c: char, prev: Option<char>, next: Option<char>, is_open: bool) -> (bool, bool) {
    let before_ws = prev.is_none_or(|q| {
        q.is_whitespace() || matches!(q, '(' | '[' | '—' | '–' | '-' | '/' | '‘' | '\'')
    });
    let after_ws = next.is_none_or(|n| {
        n.is_whitespace()
            || n.is_ascii_punctuation()
            || matches!(n, '—' | '–' | '…' | '’' | '‘' | '”' | '“')
    });
    let opening = before_ws && !next.is_none_or(|n| n.is_whitespace());
    let closing = !before_ws && after_ws;
    match (opening, closing) {
        (true, false) | (false, true) => (opening, closing),
        _ => (
            matches!(c, '“' | '„') || (c == '"' && !is_open),
            c == '”' || (c == '"' && is_open),
        ),
    }
}

/// Whether a single mark at byte `i` of the paragraph opens or closes a quotation. An
/// apostrophe inside a word (`Kyiv’s`, `I’m`) does neither; a plural possessive
/// (`farmers’ union`) does not close when another closing mark follows in the paragraph.
fn single_role(
    para: &str,
    i: usize,
    c: char,
    prev: Option<char>,
    next: Option<char>,
) -> (bool, bool) {
    let next_alnum = next.is_some_and(|n| n.is_alphanumeric());
    let prev_ws = prev.is_none_or(|q| q.is_whitespace());
    let opening =
        matches!(c, '‘' | '\'') && word_start(prev) && !next.is_none_or(|n| n.is_whitespace());
    let mut closing = matches!(c, '’' | '\'') && !prev_ws && !next_alnum;
    if closing && prev == Some('s') && next == Some(' ') {
        let after = &para[i + c.len_utf8() + 1..];
        let lower_next = after.chars().next().is_some_and(|n| n.is_lowercase());
        let later_close = after.char_indices().any(|(k, d)| {
            matches!(d, '’' | '\'')
                && !after[k + d.len_utf8()..].starts_with(|n: char| n.is_alphanumeric())
        });
        if lower_next && later_close {
            closing = false;
        }
    }
    if c == '‘' && !opening && !prev_ws && !next_alnum {
        closing = true; // a mistyped closing ‘
    }
    (opening && !closing, closing)
}

fn scan_paragraph(
    text: &str,
    p: &Range<usize>,
    primary: Family,
    next_opens: Option<Family>,
    out: &mut Vec<QuoteSpan>,
    rep: &mut Reporter,
) {
    let para = &text[p.clone()];
    let mut open: Option<(usize, Family)> = None;
    let mut prev: Option<char> = None;
    let mut iter = para.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        let abs = p.start + i;
        let family = match c {
            '«' | '»' => Some(Family::Guillemet),
            _ if is_dq(c) && primary == Family::Double => Some(Family::Double),
            _ if is_sq(c) && primary == Family::Single => Some(Family::Single),
            _ => None,
        };
        let Some(f) = family else {
            prev = Some(c);
            continue;
        };
        if open.is_some_and(|(_, of)| of != f) {
            prev = Some(c); // a mark of the other kind inside a quotation: nested
            continue;
        }
        let (opening, closing) = match f {
            Family::Guillemet => (c == '«', c == '»'),
            Family::Double => double_role(c, prev, next, open.is_some()),
            Family::Single => single_role(para, i, c, prev, next),
        };
        match open {
            None if opening => open = Some((abs, f)),
            None if f == Family::Single || !closing => {} // an apostrophe
            None => rep.report(
                abs,
                "closing quotation mark without an opening one (ignored)",
            ),
            Some((o, _)) if closing => {
                push_span(text, o, abs, abs + c.len_utf8(), false, out);
                open = None;
            }
            Some((o, _)) if opening => {
                rep.report(o, "quotation not closed before the next one opens");
                push_span(text, o, abs, abs, true, out);
                open = Some((abs, f));
            }
            Some(_) => {}
        }
        prev = Some(c);
    }
    if let Some((o, f)) = open {
        // a quotation running into the next paragraph, which opens with the same mark, is the
        // ordinary multi-paragraph convention, not a problem
        if next_opens != Some(f) {
            rep.report(o, "quotation not closed before the end of the paragraph");
        }
        push_span(text, o, p.end, p.end, true, out);
    }
}

fn push_span(
    text: &str,
    open: usize,
    end: usize,
    close_end: usize,
    unclosed: bool,
    out: &mut Vec<QuoteSpan>,
) {
    let mut start = open + text[open..].chars().next().map_or(1, char::len_utf8);
    let s = &text[start..end];
    // French spacing inside guillemets: « texte »
    start += s.len() - s.trim_start().len();
    let end = start + text[start..end].trim_end().len();
    if end > start {
        out.push(QuoteSpan {
            open,
            inner: start..end,
            close_end: close_end.max(end),
            unclosed,
            label: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::paragraphs;

    fn quotes(t: &str) -> (Vec<&str>, usize) {
        let mut problems = Vec::new();
        let q = quotations(t, &paragraphs(t), &mut problems);
        (
            q.iter().map(|q| &t[q.inner.clone()]).collect(),
            problems.len(),
        )
    }

    #[test]
    fn british_single_marks_with_apostrophes_and_nesting() {
        let t = "‘The government is hiding behind Kyiv’s skirts,’ she said. ‘I’m told “peace” is near.’";
        assert_eq!(
            quotes(t),
            (
                vec![
                    "The government is hiding behind Kyiv’s skirts,",
                    "I’m told “peace” is near."
                ],
                0
            )
        );
    }

    #[test]
    fn double_marks_keep_apostrophes_and_single_nesting() {
        let t = "“It’s the farmers’ deal,” he said. “They said ‘no’.”";
        assert_eq!(
            quotes(t),
            (vec!["It’s the farmers’ deal,", "They said ‘no’."], 0)
        );
    }

    #[test]
    fn guillemets_low_high_and_multi_paragraph() {
        let t = "« Nous verrons », dit-il. „No deal\" now.\n\n«First part.\n\n«Second part.»";
        assert_eq!(
            quotes(t),
            (
                vec!["Nous verrons", "No deal", "First part.", "Second part."],
                0
            )
        );
    }

    #[test]
    fn transcript_turns_and_bracketed_questions() {
        let t = "HOST (ANN LEE): Welcome. Is it \"a step\"?\n\nMINISTER VAN DER BERG: It is.\n\n[Question: Will he go?]\n\nUPDATE: not a turn";
        let mut problems = Vec::new();
        let q = quotations(t, &paragraphs(t), &mut problems);
        let texts: Vec<&str> = q.iter().map(|q| &t[q.inner.clone()]).collect();
        assert_eq!(
            texts,
            vec!["Welcome. Is it \"a step\"?", "It is.", "Will he go?"]
        );
        let labels: Vec<&str> = q.iter().map(|q| &t[q.label.clone().unwrap()]).collect();
        assert_eq!(
            labels,
            vec!["HOST (ANN LEE)", "MINISTER VAN DER BERG", "Question"]
        );
    }

    #[test]
    fn one_labelled_line_is_not_a_transcript() {
        let t = "WASHINGTON: The talks resumed.\n\n\"Yes,\" he said.";
        assert_eq!(quotes(t), (vec!["Yes,"], 0));
    }

    #[test]
    fn headline_single_marks_in_a_double_mark_document() {
        let t = "14:52 Zelensky: 'We are ready'\n\n\"It's true,\" he said.";
        assert_eq!(quotes(t), (vec!["We are ready", "It's true,"], 0));
    }
}
