//! Low-level text analysis: paragraphs, word tokens, sentences and quotation spans.
//!
//! Everything works on byte offsets into the original article so that every finding can point
//! back to its exact place in the file. All scanners are single forward passes (linear time).

use std::ops::Range;

/// A word or number in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// First character is an uppercase letter.
    pub cap: bool,
    /// First character is a digit.
    pub num: bool,
    /// Followed by a possessive `’s` / `'s` (not part of the token).
    pub possessive: bool,
}

impl Token {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Split `text` into word and number tokens. Internal `.` (U.S., 3.5), `,` between digit
/// groups (20,000) and apostrophes (don’t) stay inside a token; hyphens split (Russia-U.S.).
/// Initialisms keep their final dot (`U.S.`). A capitalised word's `’s` is recorded as
/// possessive and left out of the token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let cap = c.is_uppercase();
        let num = c.is_ascii_digit();
        let mut possessive = false;
        let mut prev = c;
        while let Some(&(j, d)) = it.peek() {
            if d.is_alphanumeric() {
                end = j + d.len_utf8();
                prev = d;
                it.next();
                continue;
            }
            let next = text[j + d.len_utf8()..].chars().next();
            let next_alnum = next.is_some_and(|n| n.is_alphanumeric());
            let joins = match d {
                '.' => next_alnum && prev.is_alphanumeric(),
                ',' => {
                    prev.is_ascii_digit()
                        && bytes
                            .get(j + 1..j + 4)
                            .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
                        && !bytes.get(j + 4).is_some_and(u8::is_ascii_digit)
                }
                _ if is_apostrophe(d) => {
                    if !next_alnum {
                        false
                    } else {
                        // `’s` after a capitalised word is a possessive; elsewhere a contraction.
                        let after = &text[j + d.len_utf8()..];
                        let is_s = after.starts_with('s')
                            && !after[1..]
                                .chars()
                                .next()
                                .is_some_and(|n| n.is_alphanumeric());
                        if is_s && cap {
                            possessive = true;
                            // consume the apostrophe and the s
                            it.next();
                            it.next();
                            break;
                        }
                        true
                    }
                }
                _ => false,
            };
            if !joins {
                break;
            }
            it.next();
            prev = d;
        }
        // Initialisms keep their final dot: U.S. U.K. D.C.
        let tok = &text[start..end];
        if tok.len() >= 3 && text[end..].starts_with('.') && is_initialism(tok) {
            end += 1;
            it.next();
        }
        tokens.push(Token {
            start,
            end,
            cap,
            num,
            possessive,
        });
    }
    tokens
}

/// `U.S`, `U.K`, `D.C` (single letters separated by dots, without the final dot).
fn is_initialism(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3
        && b.len() % 2 == 1
        && b.iter().enumerate().all(|(k, &c)| {
            if k % 2 == 0 {
                c.is_ascii_alphabetic()
            } else {
                c == b'.'
            }
        })
}

/// Paragraphs: maximal runs of non-blank text between newlines (byte ranges, trimmed).
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            push_trimmed(text, start..i, &mut out);
            start = i + 1;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// Abbreviations after which a full stop does not end a sentence.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Gov", "Sen", "Sens", "Rep", "Reps", "Gen", "Lt", "Col", "Capt",
    "Sgt", "Maj", "Adm", "Cmdr", "St", "Jr", "Sr", "Prof", "Rev", "Hon", "Pres", "Amb", "No",
    "Nos", "vs", "Inc", "Corp", "Ltd", "Co", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec", "Mt", "Ft", "approx", "e.g", "i.e", "cf", "al", "Gens",
    "Supt", "Fr",
];

/// Words that usually start a sentence; after an initialism such as `U.S.` they signal that
/// the full stop also ends the sentence.
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "But",
    "And",
    "In",
    "On",
    "At",
    "A",
    "An",
    "As",
    "For",
    "If",
    "So",
    "Yet",
    "After",
    "Before",
    "When",
    "While",
    "Meanwhile",
    "However",
    "Still",
    "Now",
    "His",
    "Her",
    "Their",
    "There",
    "What",
    "Why",
    "How",
    "Who",
    "Some",
    "Many",
    "Most",
    "Both",
    "Such",
    "Even",
    "Also",
    "Asked",
    "Under",
    "With",
    "Without",
    "According",
];

fn is_open_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '\'' | '„' | '«' | '(' | '[')
}

fn is_close_mark(c: char) -> bool {
    matches!(c, '”' | '"' | '’' | '\'' | ')' | ']' | '“' | '»')
}

/// Sentences within each paragraph (byte ranges). A sentence ends at `.`, `!` or `?` (plus any
/// closing quotes or brackets) followed by whitespace and an uppercase letter, digit or opening
/// quote, unless the full stop belongs to a title (Mr., Gov.), an initial (J.) or an initialism
/// (U.S.) that is not followed by a typical sentence opener. Decimal points never split (no
/// whitespace after them). A paragraph always ends a sentence.
pub fn sentences(text: &str, paragraphs: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for p in paragraphs {
        let para = &text[p.clone()];
        let mut start = 0usize;
        let mut chars = para.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !matches!(c, '.' | '!' | '?' | '…') {
                continue;
            }
            // swallow repeated terminators and closing marks
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if matches!(d, '.' | '!' | '?' | '…') || is_close_mark(d) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let rest = &para[end..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || trimmed.is_empty() {
                continue; // no whitespace after (3.5, U.S.-led) or paragraph end (handled below)
            }
            let next = trimmed.chars().next().unwrap_or(' ');
            if !(next.is_uppercase() || next.is_ascii_digit() || is_open_quote(next)) {
                continue;
            }
            if c == '.' && end == i + 1 && !abbreviation_ends_sentence(&para[..i], trimmed) {
                continue;
            }
            out.push(p.start + start..p.start + end);
            start = end + (rest.len() - trimmed.len());
        }
        if start < para.len() {
            out.push(p.start + start..p.end);
        }
    }
    out
}

/// Whether a full stop after `before` (the text up to the dot) ends the sentence, given the
/// text that follows.
fn abbreviation_ends_sentence(before: &str, after: &str) -> bool {
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map(|(k, c)| k + c.len_utf8())
        .unwrap_or(0);
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    if TITLE_ABBREVIATIONS.contains(&word) {
        return false;
    }
    let single_initial = word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
    let initialism = is_initialism(word);
    if single_initial || initialism {
        let next_word: String = after.chars().take_while(|c| c.is_alphanumeric()).collect();
        return SENTENCE_STARTERS.contains(&next_word.as_str());
    }
    true
}

/// A quoted span found in the text: a quotation between marks, a transcript turn
/// (`NAME: words`) or a bracketed reporter question (`[Question: …]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// Byte offset of the opening mark (of the label for a turn or question).
    pub open: usize,
    /// Quoted text, without the marks.
    pub inner: Range<usize>,
    /// Byte offset just after the closing mark (or the paragraph end when unclosed).
    pub close_end: usize,
    /// No closing mark before the end of the paragraph.
    pub unclosed: bool,
    /// A transcript turn or bracketed question: the label (`MINISTER VAN DER BERG`, `Q`,
    /// `Question`) that says who speaks.
    pub label: Option<Range<usize>>,
}

/// A problem noticed while reading the text (reported, never fatal).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Byte offset in the document.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Line and column (1-based, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let ls = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
    (line, before[ls..].chars().count() + 1)
}

/// Find the quotations of a document in its house style: see [`crate::marks`].
pub fn quotations(
    text: &str,
    paragraphs: &[Range<usize>],
    problems: &mut Vec<Problem>,
) -> Vec<QuoteSpan> {
    crate::marks::quotations(text, paragraphs, problems)
}

/// Most problems reported per document (the rest are counted).
pub const MAX_PROBLEMS: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        let p = paragraphs(t);
        sentences(t, &p).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(
            sents("Gov. Mike Dunleavy (R-AK) met the U.S. envoy. Mr. Putin agreed. It cost $3.5 billion."),
            vec!["Gov. Mike Dunleavy (R-AK) met the U.S. envoy.", "Mr. Putin agreed.", "It cost $3.5 billion."]
        );
    }

    #[test]
    fn initialism_can_end_a_sentence() {
        assert_eq!(
            sents("Aid came from the U.S. The war went on."),
            vec!["Aid came from the U.S.", "The war went on."]
        );
        assert_eq!(
            sents("Aid from the U.K. Foreign Office."),
            vec!["Aid from the U.K. Foreign Office."]
        );
    }

    #[test]
    fn quotes_and_sentences() {
        assert_eq!(
            sents("“That is big. I mean, really big.” He left. “Why?” he asked."),
            vec![
                "“That is big.",
                "I mean, really big.”",
                "He left.",
                "“Why?” he asked."
            ]
        );
    }

    #[test]
    fn tokens_keep_initialisms_and_possessives() {
        let t = "Trump’s U.S.-Ukraine deal: 20,000 don’t.";
        let toks: Vec<&str> = tokenize(t).iter().map(|k| k.text(t)).collect();
        assert_eq!(
            toks,
            vec!["Trump", "U.S.", "Ukraine", "deal", "20,000", "don’t"]
        );
        assert!(tokenize(t)[0].possessive);
    }

    fn quotes(t: &str) -> (Vec<&str>, usize) {
        let mut problems = Vec::new();
        let q = quotations(t, &paragraphs(t), &mut problems);
        (
            q.iter().map(|q| &t[q.inner.clone()]).collect(),
            problems.len(),
        )
    }

    #[test]
    fn straight_curly_nested_and_mistyped() {
        assert_eq!(quotes(r#"He said "yes" and "no"."#), (vec!["yes", "no"], 0));
        assert_eq!(
            quotes("the “axis of upheaval“ between"),
            (vec!["axis of upheaval"], 0)
        );
        assert_eq!(
            quotes("“hear the word: ‘Stop.’”"),
            (vec!["hear the word: ‘Stop.’"], 0)
        );
    }

    #[test]
    fn unbalanced_quotes_are_reported() {
        assert_eq!(
            quotes("“never closed\nnext ” stray"),
            (vec!["never closed"], 2)
        );
        assert_eq!(quotes("\""), (vec![], 1));
    }
}
