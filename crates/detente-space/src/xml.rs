//! A tiny element tree over quick-xml, keeping the byte offset of every element so that
//! errors can say `file:line:column`.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// Byte offset of the `<` of the start tag.
    pub offset: usize,
}

impl Element {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    /// All descendants with the given name, depth first, not descending into matches.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            } else {
                c.find_all(name, out);
            }
        }
    }
    pub fn find_first(&self, name: &str) -> Option<&Element> {
        for c in &self.children {
            if c.name == name {
                return Some(c);
            }
            if let Some(e) = c.find_first(name) {
                return Some(e);
            }
        }
        None
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut off = offset;
    while off > 0 && !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn element_from(e: &BytesStart<'_>, offset: usize) -> Result<Element, (usize, String)> {
    let name = AsRef::<str>::as_ref(&e.local_name()).to_string();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| (offset, format!("malformed attribute in <{name}>: {err}")))?;
        let key = AsRef::<str>::as_ref(&a.key.local_name()).to_string();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| {
                (
                    offset,
                    format!("malformed value of attribute `{key}` in <{name}>: {err}"),
                )
            })?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        offset,
    })
}

/// GENIUS files nest a handful of levels; the limit keeps recursion over the tree bounded.
const MAX_DEPTH: usize = 200;

/// Parse a document into its root element. Errors carry a byte offset.
pub(crate) fn parse(text: &str) -> Result<Element, (usize, String)> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| {
            (
                reader.error_position() as usize,
                format!("malformed XML: {e}"),
            )
        })?;
        match ev {
            Event::Start(e) => {
                let el = element_from(&e, before)?;
                if stack.len() >= MAX_DEPTH {
                    return Err((
                        before,
                        format!(
                            "elements nested more than {MAX_DEPTH} deep; this is not a GENIUS file"
                        ),
                    ));
                }
                stack.push(el);
            }
            Event::Empty(e) => {
                let el = element_from(&e, before)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => {
                        if root.is_some() {
                            return Err((before, "more than one root element".into()));
                        }
                        root = Some(el);
                    }
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or((before, "closing tag without an opening tag".to_string()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => {
                        if root.is_some() {
                            return Err((before, "more than one root element".into()));
                        }
                        root = Some(el);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err((
            open.offset,
            format!("<{}> is never closed (file ends early)", open.name),
        ));
    }
    root.ok_or((0, "no XML element found (empty file?)".to_string()))
}
