//! YAML as Kubernetes and Helm read it: YAML 1.1 plain scalars, resolved the way go-yaml v2
//! (behind sigs.k8s.io/yaml) resolves them, to JSON data. A YAML 1.2 reader takes `0644`, `on`
//! or `y` for text where the API server reads 420, true and true; comparing manifests the way
//! the cluster will read them needs the same reading.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};

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

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        merges: Vec<Value>,
        anchor: usize,
    },
}

/// The first document of `text` as data; None when it is empty.
pub fn parse(text: &str) -> Result<Option<Value>, Problem> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| Problem {
            line: e.marker().line(),
            message: e.info().to_string(),
        })?;
        let line = span.start.line();
        let fail = |message: String| Problem { line, message };
        match event {
            Event::DocumentEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
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
                    key: None,
                    merges: Vec::new(),
                    anchor,
                })
                .map_err(fail)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close().map_err(fail)?,
            _ => {}
        }
    }
    Ok(builder.document)
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Each anchored value, with its size.
    anchors: HashMap<usize, (Value, usize)>,
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

    fn close(&mut self) -> Result<(), String> {
        let (value, anchor) = match self.stack.pop() {
            Some(Frame::Seq { items, anchor }) => (Value::Array(items), anchor),
            Some(Frame::Map {
                mut map,
                merges,
                anchor,
                ..
            }) => {
                // `<<: *base` (or a list of them): keys of the mapping itself win.
                for merged in merges {
                    for source in match merged {
                        Value::Array(sources) => sources,
                        one => vec![one],
                    } {
                        let Value::Object(source) = source else {
                            return Err("`<<` merges only mappings".into());
                        };
                        for (k, v) in source {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
                (Value::Object(map), anchor)
            }
            None => return Ok(()),
        };
        self.place(value, anchor)
    }

    fn push(&mut self, value: Value, anchor: usize) -> Result<(), String> {
        self.count(1)?;
        self.place(value, anchor)
    }

    /// An alias: a copy of its anchor's value, counted before it is made.
    fn alias(&mut self, id: usize) -> Result<(), String> {
        let (value, size) = self.anchors.get(&id).ok_or("an alias to no anchor")?;
        let (value, size) = (value.clone(), *size);
        self.count(size)?;
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
            self.anchors.insert(anchor, (value.clone(), size(&value)));
        }
        match self.stack.last_mut() {
            None => self.document = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map {
                map, key, merges, ..
            }) => match key.take() {
                None => *key = Some(key_text(value)),
                Some(k) if k == "<<" => merges.push(value),
                Some(k) => {
                    if map.contains_key(&k) {
                        return Err(format!("the key `{k}` appears twice in one mapping"));
                    }
                    map.insert(k, value);
                }
            },
        }
        Ok(())
    }
}

/// How many values a value holds, itself included: what an alias to it costs.
fn size(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

/// A map key as sigs.k8s.io/yaml makes it a JSON key: the text of the resolved scalar.
fn key_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let core = tag.filter(|t| t.handle == "tag:yaml.org,2002:" || t.handle == "!!");
    match core.map(|t| t.suffix.as_str()) {
        Some("str") => return Ok(Value::String(text.into())),
        Some(kind @ ("int" | "float" | "bool" | "null")) => {
            let value = resolve(text);
            let fits = match kind {
                "int" => value.is_i64() || value.is_u64(),
                "float" => value.is_number(),
                "bool" => value.is_boolean(),
                _ => value.is_null(),
            };
            return if fits {
                Ok(value)
            } else {
                Err(format!("a value tagged !!{kind} is not one"))
            };
        }
        _ => {}
    }
    Ok(match style {
        ScalarStyle::Plain => resolve(text),
        _ => Value::String(text.into()),
    })
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
    if is_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        // JSON has one number: an integral float is that integer.
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            return Value::from(f as i64);
        }
        if let Some(n) = Number::from_f64(f) {
            return Value::Number(n);
        }
    }
    Value::String(text.into())
}

fn integer(plain: &str) -> Option<Value> {
    let (negative, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain),
    };
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(binary) = digits.strip_prefix("0b") {
        (2, binary)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        let n = i64::try_from(magnitude).ok()?;
        Some(Value::from(-n))
    } else {
        Some(Value::from(magnitude))
    }
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
            (3, "the key `a` appears twice in one mapping")
        );
        assert_eq!(parse("# nothing\n").unwrap(), None);
    }
}
