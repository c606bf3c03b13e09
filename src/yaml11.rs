//! YAML as Kubernetes and Helm read it: YAML 1.1 plain scalars, resolved the way go-yaml v2
//! (behind sigs.k8s.io/yaml) resolves them, to JSON data. A YAML 1.2 reader takes `0644`, `on`
//! or `y` for text where the API server reads 420, true and true; comparing manifests the way
//! the cluster will read them needs the same reading.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};

use crate::locate::Pos;

/// Far more than any manifest holds; aliases that expand past it are an attack.
const MAX_NODES: usize = 1_000_000;
/// Deeper nesting than any manifest has; past it, the data could not even be dropped safely.
const MAX_DEPTH: usize = 256;

/// A problem at a line of the text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// What a mapping that names one key twice is told (without the key: it may be a secret).
pub const DUPLICATE_KEY: &str = "a key appears twice in one mapping";

/// A mapping's key waiting for its value: a name, or a plain `<<` (go-yaml v2 merges only an
/// unquoted `<<`, or one tagged `!!merge`).
enum Key {
    Name(String),
    Merge,
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        /// Keys the mapping itself sets: one twice is an error; a merged one may be replaced.
        own: std::collections::HashSet<String>,
        key: Option<Key>,
        anchor: usize,
    },
}

/// An anchored value, with what copying it costs and how deep it nests.
struct Anchored {
    value: Value,
    size: usize,
    depth: usize,
}

/// The first document of `text` as data; None when it is empty.
pub fn parse(text: &str) -> Result<Option<Value>, Problem> {
    if let Some(line) = raw_control_line(text) {
        let message = "a control character, which YAML does not allow unescaped".into();
        return Err(Problem { line, message });
    }
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| Problem {
            line: e.marker().line(),
            message: unquoted(e.info()),
        })?;
        let line = span.start.line();
        let fail = |message: String| Problem { line, message };
        match event {
            Event::DocumentEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
                let merge = style == ScalarStyle::Plain && value == "<<"
                    || tag
                        .as_deref()
                        .is_some_and(|t| is_core(t) && t.suffix == "merge");
                if merge && builder.awaits_key() {
                    builder.merge_key();
                    continue;
                }
                let value = scalar(&value, style, tag.as_deref()).map_err(fail)?;
                builder.push(value, anchor).map_err(fail)?;
            }
            Event::Alias(id) => builder.alias(id).map_err(fail)?,
            Event::SequenceStart(anchor, _) => builder
                .open(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                })
                .map_err(fail)?,
            Event::MappingStart(anchor, _) => builder
                .open(Frame::Map {
                    map: Map::new(),
                    own: std::collections::HashSet::new(),
                    key: None,
                    anchor,
                })
                .map_err(fail)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close().map_err(fail)?,
            _ => {}
        }
    }
    Ok(builder.document)
}

/// Where a key is written again in its mapping, compared as written (so `Y` and `YES`, one
/// boolean to YAML 1.1, stay two keys, as in chartgen's quoted values.yaml). Up to a syntax
/// error, which the parser reports on its own.
pub fn repeated_keys(text: &str) -> Vec<Pos> {
    let mut repeated = Vec::new();
    // Per open collection: a mapping's keys so far and whether a key comes next; None: a list.
    let mut stack: Vec<Option<(std::collections::HashSet<String>, bool)>> = Vec::new();
    // A value (scalar or collection) just ended: the enclosing mapping expects a key again.
    fn value_done(stack: &mut [Option<(std::collections::HashSet<String>, bool)>]) {
        if let Some(Some((_, expect_key))) = stack.last_mut() {
            *expect_key = true;
        }
    }
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        match event {
            Event::MappingStart(..) => stack.push(Some((std::collections::HashSet::new(), true))),
            Event::SequenceStart(..) => stack.push(None),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                value_done(&mut stack);
            }
            Event::Scalar(value, ..) => match stack.last_mut() {
                Some(Some((keys, expect_key))) if *expect_key => {
                    if !keys.insert(value.into_owned()) {
                        repeated.push(Pos {
                            line: span.start.line(),
                            col: span.start.col() + 1,
                        });
                    }
                    *expect_key = false;
                }
                _ => value_done(&mut stack),
            },
            Event::Alias(_) => value_done(&mut stack),
            Event::DocumentEnd => break,
            _ => {}
        }
    }
    repeated
}

/// The line of a raw control character (tabs and line breaks apart), which go-yaml refuses.
fn raw_control_line(text: &str) -> Option<usize> {
    let at = text.find(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))?;
    Some(text[..at].matches('\n').count() + 1)
}

/// A parser message without the document's text it quotes (`unexpected character: `@'`).
fn unquoted(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..open]);
        match rest[open + 1..].find('\'') {
            Some(close) => {
                out.push('…');
                rest = &rest[open + 1 + close + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    document: Option<Value>,
    nodes: usize,
}

impl Builder {
    fn open(&mut self, frame: Frame) -> Result<(), String> {
        self.count(1)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn awaits_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn merge_key(&mut self) {
        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
            *key = Some(Key::Merge);
        }
    }

    fn close(&mut self) -> Result<(), String> {
        let (value, anchor) = match self.stack.pop() {
            Some(Frame::Seq { items, anchor }) => (Value::Array(items), anchor),
            Some(Frame::Map { map, anchor, .. }) => (Value::Object(map), anchor),
            None => return Ok(()),
        };
        self.place(value, anchor)
    }

    fn push(&mut self, value: Value, anchor: usize) -> Result<(), String> {
        self.count(1)?;
        self.place(value, anchor)
    }

    /// An alias: a copy of its anchor's value, counted (in size and depth) before it is made.
    fn alias(&mut self, id: usize) -> Result<(), String> {
        let anchored = self.anchors.get(&id).ok_or("an alias to no anchor")?;
        let (size, depth) = (anchored.size, anchored.depth);
        if self.stack.len() + depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        self.count(size)?;
        let value = self.anchors[&id].value.clone();
        self.place(value, 0)
    }

    fn count(&mut self, nodes: usize) -> Result<(), String> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES {
            return Err(format!(
                "expands to more than {MAX_NODES} values (an alias bomb?)"
            ));
        }
        Ok(())
    }

    fn place(&mut self, value: Value, anchor: usize) -> Result<(), String> {
        if anchor > 0 {
            // Keeping a copy costs what the value holds, like an alias to it.
            let (size, depth) = measure(&value);
            self.count(size)?;
            let anchored = Anchored {
                value: value.clone(),
                size,
                depth,
            };
            self.anchors.insert(anchor, anchored);
        }
        match self.stack.last_mut() {
            None => self.document = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, own, key, .. }) => match key.take() {
                None => *key = Some(Key::Name(key_text(value))),
                // Merged in document order, as go-yaml v2 does: a key set before `<<` is
                // replaced, one set after it wins.
                Some(Key::Merge) => {
                    let sources = match value {
                        Value::Array(sources) => sources,
                        one => vec![one],
                    };
                    for source in sources {
                        let Value::Object(source) = source else {
                            return Err("`<<` merges only mappings".into());
                        };
                        map.extend(source);
                    }
                }
                Some(Key::Name(k)) => {
                    if !own.insert(k.clone()) {
                        return Err(DUPLICATE_KEY.into());
                    }
                    map.insert(k, value);
                }
            },
        }
        Ok(())
    }
}

/// How many values a value holds, itself included, and how deep it nests.
fn measure(value: &Value) -> (usize, usize) {
    let children: Vec<(usize, usize)> = match value {
        Value::Array(items) => items.iter().map(measure).collect(),
        Value::Object(map) => map.values().map(measure).collect(),
        _ => return (1, 0),
    };
    let size = 1 + children.iter().map(|c| c.0).sum::<usize>();
    let depth = 1 + children.iter().map(|c| c.1).max().unwrap_or(0);
    (size, depth)
}

/// A map key as sigs.k8s.io/yaml makes it a JSON key: the text of the resolved scalar.
fn key_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// Whether a tag is one of YAML's own (`!!int`, `tag:yaml.org,2002:int`).
fn is_core(tag: &Tag) -> bool {
    tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!"
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let Some(tag) = tag else {
        return Ok(match style {
            ScalarStyle::Plain => resolve(text),
            _ => Value::String(text.into()),
        });
    };
    // go-yaml v2 reads a scalar under any tag but its own as text.
    let kind = if is_core(tag) {
        tag.suffix.as_str()
    } else {
        "str"
    };
    let wrong = || format!("a value tagged !!{kind} is not one");
    match kind {
        "int" => integer(&text.replace('_', "")).ok_or_else(wrong),
        "float" => Some(resolve(text))
            .filter(Value::is_number)
            .ok_or_else(wrong),
        "bool" => Some(resolve(text))
            .filter(Value::is_boolean)
            .ok_or_else(wrong),
        "null" => Some(resolve(text)).filter(Value::is_null).ok_or_else(wrong),
        "binary" => {
            use base64::Engine;
            let compact: String = text.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|_| wrong())?;
            Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
        _ => Ok(Value::String(text.into())),
    }
}

/// A plain scalar as go-yaml v2 resolves it: null, a YAML 1.1 boolean, an integer (decimal,
/// `0x` hex, `0` octal, `0b` binary, `_` separators), a float, or else text.
fn resolve(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    if !text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
        return Value::String(text.into());
    }
    let plain = text.replace('_', "");
    if let Some(n) = integer(&plain) {
        return n;
    }
    // Go's float parser takes `_` only between digits.
    if is_float(&plain)
        && !text.contains("._")
        && !text.contains("_.")
        && let Ok(f) = plain.parse::<f64>()
    {
        // JSON has one number: an integral float is that integer.
        if f.fract() == 0.0 && f.abs() < 9.2e18 {
            return Value::from(f as i64);
        }
        if let Some(n) = Number::from_f64(f) {
            return Value::Number(n);
        }
    }
    Value::String(text.into())
}

/// An integer as Go's `strconv.ParseInt(s, 0, 64)` (then `ParseUint`) reads it: a sign,
/// then decimal, or `0x`, `0o`, `0b` or a leading `0` for hex, octal, binary and octal.
fn integer(plain: &str) -> Option<Value> {
    let (negative, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(hex) = lower.strip_prefix("0x") {
        (16, hex)
    } else if let Some(binary) = lower.strip_prefix("0b") {
        (2, binary)
    } else if let Some(octal) = lower.strip_prefix("0o") {
        (8, octal)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if !negative {
        return Some(Value::from(magnitude));
    }
    if magnitude == 1 << 63 {
        return Some(Value::from(i64::MIN));
    }
    let n = i64::try_from(magnitude).ok()?;
    Some(Value::from(-n))
}

/// go-yaml v2's float form: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float(plain: &str) -> bool {
    let body = plain.strip_prefix(['-', '+']).unwrap_or(plain);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Value {
        parse(text).unwrap().unwrap()
    }

    #[test]
    fn plain_scalars_read_as_the_api_server_reads_them() {
        let got = read(
            "a: 0644\nb: on\nc: y\nd: 1e3\ne: 0x1F\nf: ~\ng: 1_000\nh: -12\ni: 1.5\nj: 0b101\nk: yes please\nl: 1.0.0\nm: .5\nnn: 08\nno: 1\n",
        );
        assert_eq!(
            got,
            json!({"a": 420, "b": true, "c": true, "d": 1000, "e": 31, "f": null, "g": 1000,
                   "h": -12, "i": 1.5, "j": 5, "k": "yes please", "l": "1.0.0", "m": 0.5, "nn": 8,
                   "false": 1})
        );
    }

    #[test]
    fn quoted_and_tagged_scalars_keep_their_type() {
        assert_eq!(
            read("a: '0644'\nb: \"on\"\nc: !!str 12\nd: |\n  y\ne: !!int '7'\n"),
            json!({"a": "0644", "b": "on", "c": "12", "d": "y\n", "e": 7})
        );
        assert!(
            parse("a: !!int hunter2\n")
                .unwrap_err()
                .message
                .contains("!!int")
        );
    }

    #[test]
    fn what_an_attack_found_reads_as_go_yaml_v2_does() {
        assert_eq!(
            read(
                "a: 0o17\nb: 0X1F\nc: 0B101\nd: -9223372036854775808\ne: ._5\nf: 1e16\ng: !custom 5\nh: !!binary aGVsbG8=\n"
            ),
            json!({"a": 15, "b": 31, "c": 5, "d": i64::MIN, "e": "._5", "f": 10000000000000000_i64,
                   "g": "5", "h": "hello"})
        );
        assert!(parse("a: !!int 1.0\n").is_err());
        // Merges in document order; a quoted `<<` is a key like any other.
        assert_eq!(
            read(
                "x: &b {a: '9'}\nm: {a: '1', <<: *b}\nmm: {<<: *b, a: '2'}\nq: {\"<<\": {a: '3'}}\n"
            ),
            json!({"x": {"a": "9"}, "m": {"a": "9"}, "mm": {"a": "2"}, "q": {"<<": {"a": "3"}}})
        );
    }

    #[test]
    fn keys_repeated_as_written_are_found() {
        let at = |line, col| Pos { line, col };
        assert_eq!(
            repeated_keys("a: 1\nb: {x: 1, y: [1, {z: 2}]}\nc:\n  Y: 1\n  YES: 2\n"),
            []
        );
        assert_eq!(
            repeated_keys("env:\n  A: 1\n  B: {A: 1}\n  A: 2\n  A: 3\n"),
            [at(4, 3), at(5, 3)]
        );
        assert_eq!(repeated_keys("- {a: 1}\n- {a: 1, a: 2}\n"), [at(2, 10)]);
        assert_eq!(repeated_keys("a: 1\na: 2\nb: [\n"), [at(2, 1)]);
    }

    #[test]
    fn errors_quote_nothing_of_the_document() {
        for text in [
            "s: {S3CR3T, S3CR3T}\n",
            "? [S3CR3T]\n: 1\n? [S3CR3T]\n: 2\n",
            "p: @S3CR3T\n",
            "p: a\u{1}S3CR3T\n",
        ] {
            let err = parse(text).unwrap_err();
            assert!(
                !err.message.contains("S3CR3T") && !err.message.contains('@'),
                "{text:?}: {}",
                err.message
            );
        }
    }

    #[test]
    fn anchors_cost_their_copies_and_aliases_their_depth() {
        let mut nested = String::from("a: ");
        for i in 0..200 {
            nested.push_str(&format!("&a{i} ["));
        }
        nested.push_str(&vec!["0"; 10_000].join(","));
        nested.push_str(&"]".repeat(200));
        nested.push('\n');
        assert!(parse(&nested).unwrap_err().message.contains("alias bomb"));
        let mut deep = String::from("- &s0 [0]\n");
        for k in 1..10 {
            deep.push_str(&format!(
                "- &s{k} {}*s{}{}\n",
                "[".repeat(100),
                k - 1,
                "]".repeat(100)
            ));
        }
        assert!(parse(&deep).unwrap_err().message.contains("levels deep"));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let got = read("base: &b {x: 1, z: 2}\nuse: {<<: *b, z: 3}\nlist: [*b]\n");
        assert_eq!(
            got,
            json!({"base": {"x": 1, "z": 2}, "use": {"z": 3, "x": 1}, "list": [{"x": 1, "z": 2}]})
        );
    }

    #[test]
    fn bombs_deep_nesting_and_duplicate_keys_are_refused() {
        let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 10].join(",");
            bomb.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("alias bomb"));
        let deep = "[".repeat(300) + &"]".repeat(300);
        let err = parse(&deep).unwrap_err().message;
        assert!(
            err.contains("levels deep") || err.contains("recursion"),
            "{err}"
        );
        let twice = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(
            (twice.line, twice.message.as_str()),
            (3, "a key appears twice in one mapping")
        );
        assert_eq!(parse("# nothing\n").unwrap(), None);
    }
}
