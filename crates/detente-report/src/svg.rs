//! Small helpers for writing SVG by hand: escaping, number formatting, linear scales, ticks
//! and text-width estimates. Nothing here knows about negotiations.

use std::fmt::Write as _;

/// Escape text for use in XML/HTML element content and in double-quoted attribute values.
///
/// Control characters that XML 1.0 forbids are dropped, so hostile or binary-ish input can
/// never make a chart ill-formed.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Format a coordinate or value compactly: at most `decimals` decimals, trailing zeros trimmed,
/// never `NaN`/`inf` (non-finite values become 0) and never `-0`.
pub fn num(x: f64, decimals: usize) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// Coordinates in SVG user units (one decimal is plenty at screen resolution).
pub fn c(x: f64) -> String {
    num(x, 1)
}

/// A linear map from a data domain to a pixel range. A degenerate domain maps to the middle.
#[derive(Debug, Clone, Copy)]
pub struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Linear {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Linear {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }
    pub fn map(&self, x: f64) -> f64 {
        let span = self.d1 - self.d0;
        if !span.is_finite() || span.abs() < 1e-12 || !x.is_finite() {
            return (self.r0 + self.r1) / 2.0;
        }
        let t = ((x - self.d0) / span).clamp(-0.05, 1.05);
        self.r0 + t * (self.r1 - self.r0)
    }
}

/// "Nice" tick values (1, 2, 2.5, 5 × 10^k steps) covering `lo..=hi`, about `target` of them.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() || hi <= lo {
        return vec![if lo.is_finite() { lo } else { 0.0 }];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let mut v = Vec::new();
    let mut k = first;
    loop {
        let t = k as f64 * step;
        if t > hi + step * 1e-9 || v.len() >= 50 {
            break;
        }
        v.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        k += 1;
    }
    v
}

/// Rough width in pixels of `s` at `font_size` in a sans-serif face (good enough for layout).
pub fn text_width(s: &str, font_size: f64) -> f64 {
    let mut w = 0.0;
    for ch in s.chars() {
        w += match ch {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | 'I' | 'f' | 't'
            | 'r' => 0.32,
            'm' | 'w' | 'M' | 'W' | '—' | '%' | '@' => 0.85,
            'A'..='Z' | '0'..='9' => 0.64,
            _ => 0.55,
        };
    }
    w * font_size
}

/// Shorten `s` with an ellipsis so that it fits `max_px` at `font_size`.
pub fn truncate(s: &str, font_size: f64, max_px: f64) -> String {
    if text_width(s, font_size) <= max_px {
        return s.to_string();
    }
    let mut out = String::new();
    for ch in s.chars() {
        out.push(ch);
        if text_width(&out, font_size) + text_width("…", font_size) > max_px {
            out.pop();
            break;
        }
    }
    let trimmed = out.trim_end();
    format!("{trimmed}…")
}

/// Split `s` into lines of at most `max_px` (breaking at spaces; long words are truncated).
pub fn wrap(s: &str, font_size: f64, max_px: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&candidate, font_size) <= max_px || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(rest);
    }
    let n = lines.len();
    if let Some(last) = lines.last_mut() {
        if text_width(last, font_size) > max_px
            || n == max_lines && s.split_whitespace().count() > 0
        {
            *last = truncate(last, font_size, max_px);
        }
    }
    lines
        .into_iter()
        .map(|l| truncate(&l, font_size, max_px))
        .collect()
}

/// Spread label positions (already sorted or not) so neighbours are at least `gap` apart,
/// staying within `lo..=hi` where possible. Returns the adjusted positions in input order.
pub fn spread(positions: &[f64], gap: f64, lo: f64, hi: f64) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..positions.len()).collect();
    idx.sort_by(|a, b| {
        positions[*a]
            .partial_cmp(&positions[*b])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut ys: Vec<f64> = idx.iter().map(|i| positions[*i]).collect();
    for _ in 0..50 {
        let mut moved = false;
        for k in 1..ys.len() {
            let d = ys[k] - ys[k - 1];
            if d < gap - 1e-9 {
                let push = (gap - d) / 2.0;
                ys[k - 1] -= push;
                ys[k] += push;
                moved = true;
            }
        }
        if let Some(first) = ys.first_mut() {
            if *first < lo {
                *first = lo;
            }
        }
        for k in 1..ys.len() {
            if ys[k] < ys[k - 1] + gap {
                ys[k] = ys[k - 1] + gap;
            }
        }
        if let Some(&last) = ys.last() {
            if last > hi {
                let shift = last - hi;
                let room = ys[0] - lo;
                let s = shift.min(room.max(0.0));
                for y in ys.iter_mut() {
                    *y -= s;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let mut out = vec![0.0; positions.len()];
    for (k, i) in idx.iter().enumerate() {
        out[*i] = ys[k];
    }
    out
}

/// An SVG document under construction.
pub struct Doc {
    pub out: String,
}

impl Doc {
    /// Open an `<svg>` with a viewBox of `w`×`h`, an accessible name (`<title>`) and a
    /// description (`<desc>`). The chart scales to its container's width.
    pub fn new(w: f64, h: f64, title: &str, desc: &str) -> Doc {
        let mut out = String::with_capacity(8 * 1024);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" class="detente-chart" style="max-width:100%;height:auto;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif">"#,
            w = c(w),
            h = c(h),
            t = escape(title)
        );
        let _ = write!(
            out,
            "<title>{}</title><desc>{}</desc>",
            escape(title),
            escape(desc)
        );
        out.push_str(r##"<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>"##);
        Doc { out }
    }

    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Text with the given attributes (already-escaped attribute string) and escaped content.
    pub fn text(&mut self, x: f64, y: f64, attrs: &str, content: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" {attrs}>{}</text>"#,
            c(x),
            c(y),
            escape(content)
        );
    }

    /// Text with a hover tooltip (`<title>` child) carrying the full, untruncated text.
    pub fn text_tip(&mut self, x: f64, y: f64, attrs: &str, content: &str, tip: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" {attrs}><title>{}</title>{}</text>"#,
            c(x),
            c(y),
            escape(tip),
            escape(content)
        );
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, attrs: &str) {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#,
            c(x1),
            c(y1),
            c(x2),
            c(y2)
        );
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attrs: &str) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {attrs}/>"#,
            c(x),
            c(y),
            c(w.max(0.0)),
            c(h.max(0.0))
        );
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// A polyline `points` attribute value.
pub fn points(pts: &[(f64, f64)]) -> String {
    let mut s = String::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{},{}", c(*x), c(*y));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_and_controls() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        assert_eq!(escape("a\u{0}b\u{1b}c"), "abc");
    }

    #[test]
    fn num_trims_and_never_prints_nan() {
        assert_eq!(num(1.50, 2), "1.5");
        assert_eq!(num(2.0, 2), "2");
        assert_eq!(num(f64::NAN, 2), "0");
        assert_eq!(num(-0.0001, 2), "0");
    }

    #[test]
    fn ticks_cover_range() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 4),
            vec![0.0, 25.0, 50.0, 75.0, 100.0]
        );
        let t = nice_ticks(0.0, 1.0, 5);
        assert_eq!(t.len(), 6);
        assert!((t[5] - 1.0).abs() < 1e-9);
    }

    #[test]
    fn spread_keeps_gap() {
        let ys = spread(&[10.0, 10.0, 11.0, 50.0], 12.0, 0.0, 100.0);
        let mut s = ys.clone();
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for w in s.windows(2) {
            assert!(w[1] - w[0] >= 12.0 - 1e-6, "{ys:?}");
        }
    }

    #[test]
    fn truncate_fits() {
        let t = truncate(
            "a very long label that will not fit in the space",
            12.0,
            80.0,
        );
        assert!(t.ends_with('…'));
        assert!(text_width(&t, 12.0) <= 80.0 + 1e-9);
    }
}
