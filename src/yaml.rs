//! A small YAML writer for data chartgen emits as files (values.yaml, Chart.yaml): block
//! style, comments over keys, and strings always quoted or in literal blocks.
//!
//! Helm reads values with a YAML 1.1 parser, where `yes`, `on` and `no` are booleans; serde_yaml
//! writes those plain. Quoting every string removes that whole class of surprise, and a string
//! holding `{{` stays data because Helm never evaluates values.yaml.

use std::fmt::Write;

use serde_json::Value;

/// Writes plain data as a block-style document.
pub fn data(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                key_value(&mut out, key, value, 0);
            }
        }
        other => {
            write_value(&mut out, other, 0);
        }
    }
    out
}

/// Writes `text` as comment lines at `indent`.
pub fn comment(out: &mut String, text: &str, indent: usize) {
    let pad = " ".repeat(indent);
    for line in text.lines() {
        let _ = writeln!(out, "{pad}# {line}");
    }
}

/// Writes `key:` at `indent`, opening a block mapping whose keys follow.
pub fn mapping_key(out: &mut String, name: &str, indent: usize) {
    let _ = writeln!(out, "{}{}:", " ".repeat(indent), key(name));
}

/// Writes `key: value` at `indent`, the value in block style.
pub fn key_value(out: &mut String, name: &str, value: &Value, indent: usize) {
    let _ = write!(out, "{}{}:", " ".repeat(indent), key(name));
    write_value(out, value, indent + 2);
}

/// Writes a value that follows `key:` or `- ` on the current line.
fn write_value(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            for (k, v) in map {
                key_value(out, k, v, indent);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                write_item(out, item, indent);
            }
        }
        Value::String(s) if literal_block(s).is_some() => {
            let (indicator, body) = literal_block(s).unwrap_or_default();
            let _ = writeln!(out, " |{indicator}");
            for line in body.split('\n') {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{}{line}", " ".repeat(indent));
                }
            }
        }
        scalar => {
            let _ = writeln!(out, " {}", inline(scalar));
        }
    }
}

fn write_item(out: &mut String, item: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match item {
        Value::Object(map) if !map.is_empty() => {
            for (i, (k, v)) in map.iter().enumerate() {
                let lead = if i == 0 {
                    format!("{pad}- ")
                } else {
                    format!("{pad}  ")
                };
                let _ = write!(out, "{lead}{}:", key(k));
                write_value(out, v, indent + 4);
            }
        }
        other => {
            let _ = write!(out, "{pad}-");
            write_value(out, other, indent + 2);
        }
    }
}

/// A scalar, or an empty collection, on one line.
fn inline(value: &Value) -> String {
    match value {
        Value::String(s) => quote(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// A literal block (`|`) for multi-line text, when the text can be one: the chomping
/// indicator and the body without its final line break(s).
fn literal_block(s: &str) -> Option<(&'static str, &str)> {
    let printable = s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control());
    let safe_start = !s.starts_with([' ', '\t', '\n']);
    let special = s.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']);
    if !s.contains('\n') || !printable || !safe_start || special {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let indicator = match trailing {
        0 => "-",
        1 => "",
        _ => return None,
    };
    Some((indicator, body))
}

/// A double-quoted YAML scalar: valid for any string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Mapping keys stay plain when no YAML 1.1 reader could take them for anything but a string.
fn key(k: &str) -> String {
    let plain = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        && !is_yaml11_keyword(k);
    if plain { k.to_string() } else { quote(k) }
}

fn is_yaml11_keyword(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_lists_and_comments() {
        let mut text = data(&json!({"tolerations": [{"key": "a", "effect": "NoSchedule"}, "x"]}));
        comment(&mut text, "Two\nlines.", 2);
        mapping_key(&mut text, "on", 2);
        assert_eq!(
            text,
            "tolerations:\n  - key: \"a\"\n    effect: \"NoSchedule\"\n  - \"x\"\n  # Two\n  # lines.\n  \"on\":\n"
        );
    }

    #[test]
    fn multi_line_strings_become_literal_blocks() {
        let text = data(&json!({"files": {"a.json": "{\n  \"x\": 1\n}\n", "b": "one\ntwo"}}));
        assert_eq!(
            text,
            "files:\n  a.json: |\n    {\n      \"x\": 1\n    }\n  b: |-\n    one\n    two\n"
        );
    }

    #[test]
    fn quoting_escapes_what_yaml_needs() {
        assert_eq!(quote("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\u0001\"");
        assert_eq!(key("on"), "\"on\"");
        assert_eq!(key("vault.hashicorp.com/role"), "vault.hashicorp.com/role");
        assert_eq!(key("1abc"), "\"1abc\"");
    }
}
