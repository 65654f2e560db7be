//! Finding evidence quotes in their articles with bounded work.
//!
//! Every load has a budget of article bytes it may scan (limit `quote-search-bytes`) and a
//! number of quotes it may verify (limit `evidence`), kept per thread and reset by
//! [`reset`] at the start of each load. Finding a quote costs at most the article's length;
//! explaining a quote that was not found costs O(article · log quote) (a binary search for the
//! longest prefix that occurs, prefixes occurring being monotone), never quote × article.

use crate::limits::{self, Limit};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    static SCANNED: Cell<u64> = const { Cell::new(0) };
    static QUOTES: Cell<u64> = const { Cell::new(0) };
    static CANCEL: std::cell::RefCell<Option<Arc<AtomicBool>>> =
        const { std::cell::RefCell::new(None) };
}

/// Run `f` on this thread so that work checking [`cancelled`] stops once `cancel` is set: a
/// load stops verifying quotes (reporting the rest unverified), the iterative models stop
/// between rounds. A server sets it when the client has gone or the run was cancelled.
pub fn with_cancel<R>(cancel: Arc<AtomicBool>, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<Arc<AtomicBool>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            CANCEL.with(|c| *c.borrow_mut() = self.0.take());
        }
    }
    let _reset = Reset(CANCEL.with(|c| c.borrow_mut().replace(cancel)));
    f()
}

/// Whether the work running on this thread under [`with_cancel`] has been cancelled (long
/// loops in the models check it between rounds; always false outside `with_cancel`).
pub fn cancelled() -> bool {
    CANCEL.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

/// Start a new load's budget.
pub(crate) fn reset() {
    SCANNED.with(|c| c.set(0));
    QUOTES.with(|c| c.set(0));
}

/// Charge `bytes` of scanning; `Err` with the message when the budget is spent.
fn charge(bytes: usize) -> Result<(), String> {
    let total = SCANNED.with(|c| {
        let t = c.get().saturating_add(bytes as u64);
        c.set(t);
        t
    });
    if total > limits::get(Limit::QuoteSearch) {
        return Err(limits::exceeded(
            Limit::QuoteSearch,
            format!("{total} bytes"),
            "verifying the evidence quotes",
        ));
    }
    Ok(())
}

/// The outcome of looking for a quote.
pub(crate) enum Found {
    At(usize),
    /// Not found, with a hint on why.
    Missing(String),
    /// Not verified: a limit was reached (the message says which and how to raise it).
    Refused(String),
}

/// Look for `quote` in `text`, within the load's limits.
pub(crate) fn find(text: &str, quote: &str) -> Found {
    if cancelled() {
        return Found::Refused("not verified: the load was cancelled (the client left)".into());
    }
    let n = QUOTES.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    if n > limits::get(Limit::Evidence) {
        return Found::Refused(limits::exceeded(
            Limit::Evidence,
            format!("quote #{n}"),
            "the scenario's evidence",
        ));
    }
    if quote.len() as u64 > limits::get(Limit::QuoteBytes) {
        return Found::Refused(limits::exceeded(
            Limit::QuoteBytes,
            format!("{} bytes", quote.len()),
            "this quote",
        ));
    }
    if let Err(e) = charge(text.len()) {
        return Found::Refused(e);
    }
    match text.find(quote) {
        Some(at) => Found::At(at),
        None => Found::Missing(hint(text, quote)),
    }
}

fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{00A0}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// Explain why a quote was not found: typographic differences, or where it starts to differ.
fn hint(text: &str, quote: &str) -> String {
    let bounds: Vec<usize> = quote
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain(std::iter::once(quote.len()))
        .collect();
    // fold(text) + one search, then log2(prefixes) searches.
    let searches = 2 + (usize::BITS - bounds.len().leading_zeros()) as usize;
    if charge(text.len().saturating_mul(searches)).is_err() {
        return format!(
            "no further hint: the budget for explaining quotes is spent (limit `{}`)",
            limits::spec_of(Limit::QuoteSearch).name
        );
    }
    if fold(text).contains(&fold(quote)) {
        return "the text is there but quotes, apostrophes, dashes or spaces differ; copy it character for character from the article".into();
    }
    // The longest prefix (on char boundaries) that occurs: binary search, since every prefix
    // of an occurring prefix occurs.
    let (mut lo, mut hi) = (0usize, bounds.len()); // bounds[..lo] occur; bounds[hi..] do not
    while lo < hi {
        let mid = (lo + hi) / 2;
        if text.contains(&quote[..bounds[mid]]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let best = if lo == 0 { 0 } else { bounds[lo - 1] };
    if best >= 12 {
        let rest: String = quote[best..].chars().take(30).collect();
        format!("the first {best} bytes match the article, then it differs at \"{rest}\"")
    } else {
        "no part of it appears in the article: check the source id, or copy the sentence from the article".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_finds_the_longest_matching_prefix() {
        reset();
        let text = "The parties agreed to a ceasefire along the line of contact.";
        let h = hint(text, "The parties agreed to a truce");
        assert!(h.contains("first 24 bytes match"), "{h}");
        assert!(h.contains("\"truce\""), "{h}");
        let h = hint("the parties' line", "the parties\u{2019}  line");
        assert!(h.contains("quotes, apostrophes"), "{h}");
        assert!(hint(text, "zzzz").contains("no part"));
    }

    #[test]
    fn a_cancelled_load_stops_verifying() {
        reset();
        let flag = Arc::new(AtomicBool::new(true));
        let r = with_cancel(flag, || find("some text", "text"));
        assert!(matches!(r, Found::Refused(m) if m.contains("cancelled")));
        // outside with_cancel, nothing is cancelled
        assert!(matches!(find("some text", "text"), Found::At(5)));
    }

    #[test]
    fn a_megabyte_near_miss_is_explained_quickly_and_work_is_capped() {
        reset();
        let text = "ab".repeat(500_000);
        let mut quote = "ab".repeat(1500);
        quote.push('c');
        let t = std::time::Instant::now();
        let h = match find(&text, &quote) {
            Found::Missing(h) => h,
            _ => panic!("should be missing"),
        };
        assert!(h.contains("first 3000 bytes match"), "{h}");
        // O(text · log quote): well under a second even in a debug build (was 13 s of CPU).
        assert!(t.elapsed().as_secs() < 5);
        // The budget runs out after about 1 GiB / (1 MB · 15) ≈ 70 such quotes.
        let refused = (0..200)
            .map(|_| find(&text, &quote))
            .filter(|f| matches!(f, Found::Refused(_)))
            .count();
        assert!(refused > 100, "{refused}");
        reset();
    }
}
