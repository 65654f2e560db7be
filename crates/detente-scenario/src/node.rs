//! A syntax-neutral tree with byte spans, built from TOML (toml_edit) or JSON (jsonc-parser),
//! so that validation is written once and every message can point into the file.

use crate::diag::Sink;
use crate::Syntax;
use std::ops::Range;

#[derive(Debug, Clone)]
pub enum Kind {
    Table(Vec<Entry>),
    Array(Vec<Node>),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A value of a type the scenario format never uses (TOML datetime, JSON null).
    Other(&'static str),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub span: Range<usize>,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Table(_) => "a table",
            Kind::Array(_) => "an array",
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Bool(_) => "a boolean",
            Kind::Other(t) => t,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Parse `text`; on a syntax error, report it (located) and return `None`.
pub fn parse(text: &str, syntax: Syntax, sink: &mut Sink) -> Option<Node> {
    match syntax {
        Syntax::Toml => parse_toml(text, sink),
        Syntax::Json => parse_json(text, sink),
    }
}

fn parse_toml(text: &str, sink: &mut Sink) -> Option<Node> {
    match toml_edit::Document::parse(text) {
        Ok(doc) => Some(toml_table(doc.as_table(), 0..0)),
        Err(e) => {
            let msg = e.message().trim().to_string();
            let first = msg.lines().next().unwrap_or("invalid TOML").to_string();
            sink.error(
                e.span(),
                format!("TOML syntax error: {first}"),
                Some("fix the syntax (see docs/scenario-format.md for the format)".into()),
            );
            None
        }
    }
}

fn span_or(s: Option<Range<usize>>, fallback: &Range<usize>) -> Range<usize> {
    s.unwrap_or_else(|| fallback.clone())
}

fn toml_table(t: &toml_edit::Table, fallback: Range<usize>) -> Node {
    let span = span_or(t.span(), &fallback);
    let mut entries = Vec::new();
    for (k, _) in t.iter() {
        if let Some((key, item)) = t.get_key_value(k) {
            let key_span = span_or(key.span(), &span);
            if let Some(value) = toml_item(item, key_span.clone()) {
                entries.push(Entry {
                    key: k.to_string(),
                    key_span,
                    value,
                });
            }
        }
    }
    Node {
        kind: Kind::Table(entries),
        span,
    }
}

fn toml_item(item: &toml_edit::Item, fallback: Range<usize>) -> Option<Node> {
    use toml_edit::Item;
    match item {
        Item::None => None,
        Item::Value(v) => Some(toml_value(v, fallback)),
        Item::Table(t) => Some(toml_table(t, fallback)),
        Item::ArrayOfTables(a) => {
            let span = span_or(a.span(), &fallback);
            let elems = a.iter().map(|t| toml_table(t, span.clone())).collect();
            Some(Node {
                kind: Kind::Array(elems),
                span,
            })
        }
    }
}

fn toml_value(v: &toml_edit::Value, fallback: Range<usize>) -> Node {
    use toml_edit::Value;
    let span = span_or(v.span(), &fallback);
    let kind = match v {
        Value::String(s) => Kind::Str(s.value().clone()),
        Value::Integer(i) => Kind::Int(*i.value()),
        Value::Float(f) => Kind::Float(*f.value()),
        Value::Boolean(b) => Kind::Bool(*b.value()),
        Value::Datetime(_) => Kind::Other("a date-time (write dates as quoted strings)"),
        Value::Array(a) => Kind::Array(a.iter().map(|x| toml_value(x, span.clone())).collect()),
        Value::InlineTable(t) => {
            let mut entries = Vec::new();
            for (k, _) in t.iter() {
                if let Some((key, item)) = t.get_key_value(k) {
                    let key_span = span_or(key.span(), &span);
                    if let Some(value) = toml_item(item, key_span.clone()) {
                        entries.push(Entry {
                            key: k.to_string(),
                            key_span,
                            value,
                        });
                    }
                }
            }
            Kind::Table(entries)
        }
    };
    Node { kind, span }
}

fn parse_json(text: &str, sink: &mut Sink) -> Option<Node> {
    let opts = jsonc_parser::ParseOptions::default();
    let collect = jsonc_parser::CollectOptions::default();
    match jsonc_parser::parse_to_ast(text, &collect, &opts) {
        Ok(res) => match res.value {
            Some(v) => Some(json_value(&v)),
            None => {
                sink.error(
                    Some(0..0),
                    "the JSON file is empty",
                    Some("a scenario is a JSON object".into()),
                );
                None
            }
        },
        Err(e) => {
            let r = e.range();
            sink.error(
                Some(r.start..r.end),
                format!("JSON syntax error: {}", e.kind()),
                Some("fix the syntax (see docs/scenario-format.md for the format)".into()),
            );
            None
        }
    }
}

fn json_value(v: &jsonc_parser::ast::Value) -> Node {
    use jsonc_parser::ast::Value;
    let (kind, r) = match v {
        Value::StringLit(s) => (Kind::Str(s.value.to_string()), s.range),
        Value::NumberLit(n) => {
            let k = if let Ok(i) = n.value.parse::<i64>() {
                Kind::Int(i)
            } else if let Ok(f) = n.value.parse::<f64>() {
                Kind::Float(f)
            } else {
                Kind::Other("a number in an unsupported notation")
            };
            (k, n.range)
        }
        Value::BooleanLit(b) => (Kind::Bool(b.value), b.range),
        Value::NullKeyword(n) => (Kind::Other("null"), n.range),
        Value::Array(a) => (
            Kind::Array(a.elements.iter().map(json_value).collect()),
            a.range,
        ),
        Value::Object(o) => {
            let entries = o
                .properties
                .iter()
                .map(|p| {
                    let (key, kr) = match &p.name {
                        jsonc_parser::ast::ObjectPropName::String(s) => {
                            (s.value.to_string(), s.range)
                        }
                        jsonc_parser::ast::ObjectPropName::Word(w) => {
                            (w.value.to_string(), w.range)
                        }
                    };
                    Entry {
                        key,
                        key_span: kr.start..kr.end,
                        value: json_value(&p.value),
                    }
                })
                .collect();
            (Kind::Table(entries), o.range)
        }
    };
    Node {
        kind,
        span: r.start..r.end,
    }
}
