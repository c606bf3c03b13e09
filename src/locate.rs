//! Source positions of the nodes of a YAML document, by field path (`storage[0].size`).
//!
//! serde gives us typed data without positions; semantic checks need to point at the line the
//! user wrote. This walks the parser's events once and remembers where each node starts.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

/// A 1-based line and column in the spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// Where each node of the document starts.
#[derive(Debug, Default)]
pub struct Positions {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
}

impl Positions {
    /// Position of the value at `path`, or of the nearest ancestor that exists.
    pub fn value(&self, path: &str) -> Option<Pos> {
        self.nearest(path)
    }

    /// Position of the key that names the value at `path`, or of the value when it has none
    /// (an item of a list, the document).
    pub fn key(&self, path: &str) -> Option<Pos> {
        self.keys.get(path).copied().or_else(|| self.value(path))
    }

    /// Position of the value at exactly `path`, if the document has it.
    pub fn exact(&self, path: &str) -> Option<Pos> {
        self.values.get(path).copied()
    }

    fn nearest(&self, path: &str) -> Option<Pos> {
        let mut path = path;
        loop {
            if let Some(pos) = self.values.get(path) {
                return Some(*pos);
            }
            path = parent(path)?;
        }
    }
}

fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

/// Joins a child key onto a path the way users write it: `a.b`, `a[0]`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, next: usize },
}

/// Indexes the first document of `text`. A text the parser rejects yields what was read so
/// far: serde reports the syntax error itself, with its own position.
pub fn positions(text: &str) -> Positions {
    let mut out = Positions::default();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        match event {
            Event::DocumentEnd => break,
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map {
                    path,
                    key: key @ None,
                }) = stack.last_mut()
                {
                    out.keys.entry(join(path, &value)).or_insert(pos(span));
                    *key = Some(value.into_owned());
                } else {
                    place(&mut stack, &mut out, span);
                }
            }
            Event::Alias(_) => {
                place(&mut stack, &mut out, span);
            }
            Event::MappingStart(..) => {
                let path = place(&mut stack, &mut out, span);
                stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = place(&mut stack, &mut out, span);
                stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    out
}

/// Records a value node at the current position in the tree and returns its path.
fn place(stack: &mut [Frame], out: &mut Positions, span: Span) -> String {
    let path = match stack.last_mut() {
        None => String::new(),
        Some(Frame::Map { path, key }) => join(path, &key.take().unwrap_or_default()),
        Some(Frame::Seq { path, next }) => {
            *next += 1;
            index(path, *next - 1)
        }
    };
    out.values.entry(path.clone()).or_insert(pos(span));
    path
}

fn pos(span: Span) -> Pos {
    Pos {
        line: span.start.line(),
        col: span.start.col() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: demo\nstorage:\n  - name: data\n    size: 10Gb\nports: [1, 2]\n";

    #[test]
    fn finds_nested_values_and_keys() {
        let p = positions(DOC);
        assert_eq!(p.value("name"), Some(Pos { line: 1, col: 7 }));
        assert_eq!(p.value("storage[0].size"), Some(Pos { line: 4, col: 11 }));
        assert_eq!(p.value("ports[1]"), Some(Pos { line: 5, col: 12 }));
    }

    #[test]
    fn finds_keys() {
        let p = positions(DOC);
        assert_eq!(p.key("storage[0].size"), Some(Pos { line: 4, col: 5 }));
        assert_eq!(p.key("storage[0]"), p.value("storage[0]"));
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        let p = positions(DOC);
        assert_eq!(p.value("storage[0].mountPath"), p.value("storage[0]"));
        assert_eq!(p.value("nothing.here"), p.value(""));
    }
}
