//! Numeric claims: money, percentages, counts and dates.

use crate::analyse::Doc;
use crate::lexicon::{MONTHS, TIME_UNITS};

/// What a number measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    Money,
    Percent,
    Count,
    Date,
}

/// A number found in the text, before claimants and disagreements are worked out.
#[derive(Debug, Clone, PartialEq)]
pub struct RawClaim {
    pub start: usize,
    pub end: usize,
    /// First and last token of the expression.
    pub t0: usize,
    pub t1: usize,
    pub kind: ClaimKind,
    pub value: f64,
    pub unit: String,
}

const NUMBER_WORDS: &[(&str, f64)] = &[
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
    ("dozen", 12.0),
];

const SCALES: &[(&str, f64)] = &[
    ("thousand", 1e3),
    ("million", 1e6),
    ("millions", 1e6),
    ("billion", 1e9),
    ("trillion", 1e12),
    ("bn", 1e9),
    ("mn", 1e6),
    ("tn", 1e12),
    ("m", 1e6),
    ("b", 1e9),
    ("k", 1e3),
];

/// Plural nouns that do not end in -s.
const IRREGULAR_PLURALS: &[&str] = &[
    "people",
    "children",
    "men",
    "women",
    "personnel",
    "police",
    "troops",
    "staff",
    "civilians",
    "crew",
];

/// Words before a number that make it part of a name ("Article 5", "Air Force One").
const NAME_BEFORE: &[&str] = &[
    "Article",
    "article",
    "No",
    "Number",
    "Chapter",
    "Section",
    "Resolution",
    "Protocol",
    "Minsk",
    "Apollo",
    "Room",
    "G",
    "Flight",
];

/// The currency sign right before a number, with the length in bytes of the sign and its
/// prefix: `$` → USD, `€` → EUR, `£` → GBP, `A$` → AUD, `US$` → USD, `C$` → CAD, `NZ$` → NZD,
/// `HK$` → HKD.
fn currency_before(before: &str) -> Option<(&'static str, usize)> {
    let c = before.chars().next_back()?;
    match c {
        '€' => Some(("EUR", c.len_utf8())),
        '£' => Some(("GBP", c.len_utf8())),
        '$' => {
            let head = &before[..before.len() - 1];
            let prefix_len = head
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_uppercase())
                .count();
            let prefix = &head[head.len() - prefix_len..];
            let unit = match prefix {
                "A" | "AU" => "AUD",
                "C" | "CA" => "CAD",
                "NZ" => "NZD",
                "HK" => "HKD",
                "S" => "SGD",
                "US" | "" => "USD",
                _ => return Some(("USD", 1)),
            };
            Some((unit, 1 + prefix.len()))
        }
        _ => None,
    }
}

/// Words right after or before a figure that make it a part of another one ("$175bn …, of
/// which $106bn …", "A$12bn, including A$3.1bn").
fn part_whole_cue(doc: &Doc, c: &RawClaim) -> bool {
    let n = doc.tokens.len();
    let after = (c.t1 + 1..(c.t1 + 6).min(n)).any(|k| {
        (doc.tok(k) == "of" && k + 1 < n && doc.tok(k + 1) == "which")
            || matches!(doc.tok(k), "including" | "includes")
    });
    let before = (c.t0.saturating_sub(3)..c.t0).any(|k| {
        (doc.tok(k) == "which" && k > 0 && doc.tok(k - 1) == "of")
            || matches!(doc.tok(k), "including" | "includes")
    });
    after || before
}

/// A figure's quantity for comparing claims within one article by different claimants: the
/// currency, `percent`, or the counted noun (`count:ships`). `None` for dates, bare counts
/// and parts of a whole.
pub fn local_key(doc: &Doc, c: &RawClaim) -> Option<String> {
    if part_whole_cue(doc, c) {
        return None;
    }
    match c.kind {
        ClaimKind::Money => Some(format!("money:{}", c.unit)),
        ClaimKind::Percent => Some("percent".into()),
        ClaimKind::Count if c.unit != "count" => Some(format!("count:{}", c.unit)),
        _ => None,
    }
}

/// A month name, in any case (headlines and datelines are often in capitals).
fn is_month(s: &str) -> bool {
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(s))
}

fn scale(s: &str) -> Option<f64> {
    SCALES.iter().find(|(w, _)| *w == s).map(|(_, v)| *v)
}

fn number_word(s: &str) -> Option<f64> {
    let l = s.to_ascii_lowercase();
    NUMBER_WORDS.iter().find(|(w, _)| *w == l).map(|(_, v)| *v)
}

fn looks_plural_noun(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    if TIME_UNITS.contains(&l.as_str()) {
        return false;
    }
    IRREGULAR_PLURALS.contains(&l.as_str())
        || (l.len() > 3
            && l.ends_with('s')
            && !l.ends_with("ss")
            && l.chars().all(|c| c.is_alphabetic()))
}

const UNIT_SKIP: &[&str] = &[
    "of", "the", "and", "or", "to", "in", "on", "at", "for", "a", "an", "with", "as", "by", "from",
];

/// Find the numeric claims in a document.
pub fn find(doc: &Doc) -> Vec<RawClaim> {
    let mut out = Vec::new();
    let n = doc.tokens.len();
    let text = doc.text;
    let mut i = 0;
    while i < n {
        let tk = doc.tokens[i];
        let t = doc.tok(i);
        let next = |k: usize| (k < n).then(|| doc.tok(k));
        let prev_word = (i > 0).then(|| doc.tok(i - 1));
        let hyphen_after = text[tk.end..].starts_with('-');
        if tk.num {
            // clock times: 14:52, 16.05 GMT, 9am
            let after = &text[tk.end..];
            let clock = (after.starts_with(':')
                && after[1..].starts_with(|c: char| c.is_ascii_digit()))
                || (i > 0 && doc.gap(i) == ":" && doc.tokens[i - 1].num)
                || next(i + 1).is_some_and(|w| {
                    matches!(
                        w,
                        "GMT"
                            | "BST"
                            | "UTC"
                            | "CET"
                            | "CEST"
                            | "EST"
                            | "EDT"
                            | "PST"
                            | "am"
                            | "pm"
                    )
                });
            if clock || t.ends_with("am") || t.ends_with("pm") {
                i += 1;
                continue;
            }
            if prev_word.is_some_and(|p| NAME_BEFORE.contains(&p))
                && !doc.gap(i).contains(['.', ','])
            {
                i += 1;
                continue;
            }
            let currency = currency_before(&text[..tk.start]);
            // decades: 1970s
            if let Some(d) = t
                .strip_suffix('s')
                .filter(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
            {
                let y: f64 = d.parse().unwrap_or(0.0);
                out.push(RawClaim {
                    start: tk.start,
                    end: tk.end,
                    t0: i,
                    t1: i,
                    kind: ClaimKind::Date,
                    value: y,
                    unit: "decade".into(),
                });
                i += 1;
                continue;
            }
            let clean: String = t.chars().filter(|&c| c != ',').collect();
            // a scale word written onto the number: $175bn, €5m, A$3.1bn
            let digits = clean.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = scale(&clean[digits.len()..]).filter(|_| digits.len() < clean.len());
            let Ok(mut value) = digits.parse::<f64>() else {
                i += 1;
                continue;
            };
            if let Some(sc) = suffix {
                if currency.is_none() && !matches!(&clean[digits.len()..], "bn" | "tn" | "mn") {
                    i += 1; // 100m, 5k: metres, kilometres, not money
                    continue;
                }
                value *= sc;
            } else if digits.len() < clean.len() {
                i += 1; // 5G, 10th, 3rd
                continue;
            }
            let mut j = i; // last token of the expression
            if let Some(s) = next(i + 1).and_then(scale) {
                if doc.gap(i + 1).trim().is_empty() {
                    value *= s;
                    j = i + 1;
                }
            }
            let start = tk.start - currency.map_or(0, |c| c.1);
            if let Some((cur, _)) = currency {
                out.push(RawClaim {
                    start,
                    end: doc.tokens[j].end,
                    t0: i,
                    t1: j,
                    kind: ClaimKind::Money,
                    value,
                    unit: cur.into(),
                });
                i = j + 1;
                continue;
            }
            if text[doc.tokens[j].end..].starts_with('%') {
                out.push(RawClaim {
                    start,
                    end: doc.tokens[j].end + 1,
                    t0: i,
                    t1: j,
                    kind: ClaimKind::Percent,
                    value,
                    unit: "percent".into(),
                });
                i = j + 1;
                continue;
            }
            match (next(j + 1), next(j + 2)) {
                (Some("percent"), _) => {
                    out.push(RawClaim {
                        start,
                        end: doc.tokens[j + 1].end,
                        t0: i,
                        t1: j + 1,
                        kind: ClaimKind::Percent,
                        value,
                        unit: "percent".into(),
                    });
                    i = j + 2;
                    continue;
                }
                (Some("per"), Some("cent")) => {
                    out.push(RawClaim {
                        start,
                        end: doc.tokens[j + 2].end,
                        t0: i,
                        t1: j + 2,
                        kind: ClaimKind::Percent,
                        value,
                        unit: "percent".into(),
                    });
                    i = j + 3;
                    continue;
                }
                (Some(w), _) if ["dollars", "euros", "pounds"].contains(&w) => {
                    let unit = match w {
                        "dollars" => "USD",
                        "euros" => "EUR",
                        _ => "GBP",
                    };
                    out.push(RawClaim {
                        start,
                        end: doc.tokens[j + 1].end,
                        t0: i,
                        t1: j + 1,
                        kind: ClaimKind::Money,
                        value,
                        unit: unit.into(),
                    });
                    i = j + 2;
                    continue;
                }
                _ => {}
            }
            if hyphen_after {
                i += 1; // 90-minute, 5-like
                continue;
            }
            let is_year = j == i
                && !t.contains(',')
                && clean.len() == 4
                && !clean.contains('.')
                && (1800.0..=2100.0).contains(&value);
            if is_year {
                // Month [day,] year / Month of year
                let mut s0 = i;
                if i >= 1 && is_month(doc.tok(i - 1)) {
                    s0 = i - 1;
                } else if i >= 2
                    && is_month(doc.tok(i - 2))
                    && (doc.tok(i - 1) == "of"
                        || (doc.tokens[i - 1].num && doc.tok(i - 1).len() <= 2))
                {
                    s0 = i - 2;
                }
                let unit = if s0 == i {
                    "year"
                } else if doc.tokens[i - 1].num {
                    "day"
                } else {
                    "month"
                };
                out.push(RawClaim {
                    start: doc.tokens[s0].start,
                    end: tk.end,
                    t0: s0,
                    t1: i,
                    kind: ClaimKind::Date,
                    value,
                    unit: unit.into(),
                });
                i += 1;
                continue;
            }
            // a day of the month ("February 24") is part of a date, not a count
            if prev_word.is_some_and(is_month) && clean.len() <= 2 {
                i += 1;
                continue;
            }
            if next(j + 1).is_some_and(|w| TIME_UNITS.contains(&w.to_ascii_lowercase().as_str())) {
                i = j + 1;
                continue;
            }
            let unit = count_unit(doc, j + 1);
            out.push(RawClaim {
                start,
                end: doc.tokens[j].end,
                t0: i,
                t1: j,
                kind: ClaimKind::Count,
                value,
                unit,
            });
            i = j + 1;
            continue;
        }
        // number words: "four people", "half a dozen nations", "fifty percent"
        if let Some(mut value) = number_word(t) {
            let mut s0 = i;
            if t.eq_ignore_ascii_case("dozen") {
                if i >= 2 && doc.tok(i - 1) == "a" && doc.tok(i - 2).eq_ignore_ascii_case("half") {
                    s0 = i - 2;
                    value = 6.0;
                } else {
                    i += 1;
                    continue;
                }
            }
            let mut j = i;
            if let Some(s) = next(i + 1).and_then(scale) {
                value *= s;
                j = i + 1;
            }
            if hyphen_after {
                i += 1;
                continue;
            }
            match next(j + 1) {
                Some("percent") => {
                    out.push(RawClaim {
                        start: doc.tokens[s0].start,
                        end: doc.tokens[j + 1].end,
                        t0: s0,
                        t1: j + 1,
                        kind: ClaimKind::Percent,
                        value,
                        unit: "percent".into(),
                    });
                    i = j + 2;
                }
                Some(w) if looks_plural_noun(w) && !doc.gap(j + 1).contains([',', '.', ';']) => {
                    out.push(RawClaim {
                        start: doc.tokens[s0].start,
                        end: doc.tokens[j].end,
                        t0: s0,
                        t1: j,
                        kind: ClaimKind::Count,
                        value,
                        unit: w.to_string(),
                    });
                    i = j + 2;
                }
                _ => i = j + 1,
            }
            continue;
        }
        i += 1;
    }
    out
}

/// What a count counts: the next word, or the noun after "of the N" ("23 of the 50 minerals").
fn count_unit(doc: &Doc, k: usize) -> String {
    let n = doc.tokens.len();
    let mut k = k;
    let mut steps = 0;
    while k < n && steps < 4 {
        let w = doc.tok(k);
        if doc.gap(k).contains(['.', ';', '(', ')']) && steps == 0 && doc.gap(k).contains('.') {
            break;
        }
        if UNIT_SKIP.contains(&w) || doc.tokens[k].num {
            k += 1;
            steps += 1;
            continue;
        }
        if w.chars().next().is_some_and(|c| c.is_lowercase()) {
            return w.to_string();
        }
        break;
    }
    "count".into()
}

/// The topic a quantity is about, for comparing claims: for a percentage the noun after
/// "of" ("40 percent of Ukraine’s deposits" → deposits); otherwise the nearest topic word
/// within five tokens.
pub fn quantity_key(doc: &Doc, c: &RawClaim) -> Option<String> {
    const TOPICS: &[(&str, &[&str])] = &[
        ("aid", &["aid", "assistance"]),
        ("assets", &["assets", "reserves"]),
        (
            "minerals",
            &[
                "minerals",
                "mineral",
                "deposits",
                "materials",
                "resources",
                "lithium",
                "earths",
            ],
        ),
        (
            "territory",
            &[
                "territory",
                "land",
                "occupied",
                "controls",
                "control",
                "area",
                "areas",
            ],
        ),
        (
            "casualties",
            &["killed", "dead", "casualties", "wounded", "injured", "died"],
        ),
        ("troops", &["troops", "soldiers", "peacekeepers", "forces"]),
        ("displaced", &["displaced", "refugees"]),
    ];
    if c.kind == ClaimKind::Date || part_whole_cue(doc, c) {
        return None;
    }
    let n = doc.tokens.len();
    let sent = doc.tok_sentence[c.t0];
    // part and whole ("23 of the 50 minerals") are different quantities: do not compare
    let is_num = |k: usize| k < n && doc.tokens[k].num;
    let after_of = c.t1 + 1 < n && doc.tok(c.t1 + 1) == "of";
    if after_of
        && (is_num(c.t1 + 2) || (c.t1 + 2 < n && doc.tok(c.t1 + 2) == "the" && is_num(c.t1 + 3)))
    {
        return None;
    }
    if c.t0 >= 2
        && (doc.tok(c.t0 - 1) == "of" && is_num(c.t0 - 2)
            || c.t0 >= 3
                && doc.tok(c.t0 - 1) == "the"
                && doc.tok(c.t0 - 2) == "of"
                && is_num(c.t0 - 3))
    {
        return None;
    }
    if c.kind == ClaimKind::Percent {
        let mut k = c.t1 + 1;
        if k < n && matches!(doc.tok(k), "of" | "among") {
            k += 1;
            while k < n
                && (matches!(doc.tok(k), "the" | "all" | "of" | "its" | "their")
                    || doc.tokens[k].possessive)
            {
                k += 1;
            }
            if k < n && doc.tok_sentence[k] == sent {
                return Some(format!("percent:{}", doc.tok(k).to_lowercase()));
            }
        }
    }
    let mut best: Option<(usize, &str)> = None;
    let lo = c.t0.saturating_sub(5);
    let hi = (c.t1 + 6).min(n);
    for k in lo..hi {
        if (c.t0..=c.t1).contains(&k) || doc.tok_sentence[k] != sent {
            continue;
        }
        let w = doc.tok(k).to_ascii_lowercase();
        if let Some((topic, _)) = TOPICS.iter().find(|(_, ws)| ws.contains(&w.as_str())) {
            let d = if k < c.t0 { c.t0 - k } else { k - c.t1 };
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, topic));
            }
        }
    }
    let kind = match c.kind {
        ClaimKind::Money => format!("money:{}", c.unit),
        ClaimKind::Percent => "percent".into(),
        ClaimKind::Count => format!("count:{}", c.unit),
        ClaimKind::Date => unreachable!(),
    };
    best.map(|(_, t)| format!("{kind}:{t}"))
}

/// Why claim `c` of document `d` is flagged: "count:troops: 10,000 troops (no claimant) vs
/// 30,000 troops (Priti Arkwright)".
pub fn reason(
    documents: &[crate::Document],
    d: usize,
    c: usize,
    refs: &[crate::ClaimRef],
) -> String {
    let claim = &documents[d].claims[c];
    let who = |x: &crate::Claim| x.claimant.clone().unwrap_or_else(|| "no claimant".into());
    let others: Vec<String> = refs
        .iter()
        .map(|r| {
            let o = &documents[r.document].claims[r.claim];
            format!("{} ({})", o.text, who(o))
        })
        .collect();
    let what = claim.quantity.clone().unwrap_or_else(|| match claim.kind {
        ClaimKind::Count => format!("count:{}", claim.unit),
        ClaimKind::Percent => "percent".into(),
        _ => format!("money:{}", claim.unit),
    });
    format!(
        "same quantity ({what}), different claimants: {} ({}) vs {}",
        claim.text,
        who(claim),
        others.join(", ")
    )
}

/// Within one article: claims of the same currency, percentage or counted noun by two
/// different named claimants whose values differ by more than 10% (and by at most a factor
/// of five, beyond which they are different quantities) are flagged as disagreeing.
pub fn flag_local(claims: &mut [crate::Claim], d: usize, keys: &[Option<String>]) {
    let n = claims.len().min(keys.len());
    let mut links: Vec<(usize, usize)> = Vec::new();
    // at most 200 claims per article are compared pairwise (quadratic), the rest are skipped
    for a in 0..n.min(200) {
        for b in a + 1..n.min(200) {
            let (Some(ka), Some(kb)) = (&keys[a], &keys[b]) else {
                continue;
            };
            let (Some(wa), Some(wb)) = (&claims[a].claimant, &claims[b].claimant) else {
                continue;
            };
            if ka != kb || wa == wb {
                continue;
            }
            let (va, vb) = (claims[a].value.abs(), claims[b].value.abs());
            let (lo, hi) = (va.min(vb), va.max(vb));
            if lo <= 0.0 || hi - lo <= 0.10 * hi || hi > 5.0 * lo {
                continue;
            }
            links.push((a, b));
            links.push((b, a));
        }
    }
    for (a, b) in links {
        let r = crate::ClaimRef {
            document: d,
            claim: b,
        };
        if claims[a].conflicts_with.contains(&r)
            || claims[a].conflicts_with.len() >= crate::MAX_CONFLICTS
        {
            continue;
        }
        claims[a].disputed = true;
        claims[a].conflicts_with.push(r);
        let reason = format!(
            "same quantity ({}) in one article, different claimants: {} ({}) vs {} ({})",
            keys[a].as_deref().unwrap_or(""),
            claims[a].text,
            claims[a].claimant.as_deref().unwrap_or(""),
            claims[b].text,
            claims[b].claimant.as_deref().unwrap_or("")
        );
        if claims[a].reason.is_none() {
            claims[a].reason = Some(reason);
        }
    }
}
