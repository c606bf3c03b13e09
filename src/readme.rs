//! The chart's README.md: what it deploys, how to install it, and a parameters table built
//! from the same entries as values.yaml, so the two cannot drift apart.

use std::fmt::Write;

use serde_json::Value;

use crate::entry::{Entry, Node};
use crate::report::code;

/// A markdown table with one row per leaf of values.yaml: key, type, default, description.
pub fn parameters(entries: &[Entry]) -> String {
    let mut out =
        String::from("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
    rows(&mut out, "", entries);
    out
}

fn rows(out: &mut String, prefix: &str, entries: &[Entry]) {
    for entry in entries {
        let key = if prefix.is_empty() {
            entry.key.clone()
        } else {
            format!("{prefix}.{}", entry.key)
        };
        match &entry.node {
            Node::Map(children) if !children.is_empty() => rows(out, &key, children),
            Node::Map(_) => row(
                out,
                &key,
                &Value::Object(Default::default()),
                &entry.comment,
            ),
            Node::Data(value) => row(out, &key, value, &entry.comment),
        }
    }
}

fn row(out: &mut String, key: &str, value: &Value, comment: &str) {
    let default = serde_json::to_string(value).unwrap_or_default();
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |",
        code(key),
        type_name(value),
        code(&default),
        cell(&comment.replace('\n', " "))
    );
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// Table cells cannot hold a bare `|`.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_row_per_leaf_with_dotted_keys() {
        let entries = vec![
            Entry::data("replicaCount", "Pods.", 3),
            Entry::map(
                "image",
                "",
                vec![Entry::data("tag", "Tag | version.", "1.0")],
            ),
            Entry::data("env", "Vars\nmore.", json!([{ "name": "A" }])),
            Entry::data("note", "Text.", "a``<img src=x>|"),
        ];
        assert_eq!(
            parameters(&entries),
            "| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n\
             | `replicaCount` | integer | `3` | Pods. |\n\
             | `image.tag` | string | `\"1.0\"` | Tag \\| version. |\n\
             | `env` | list | `[{\"name\":\"A\"}]` | Vars more. |\n\
             | `note` | string | ```\"a``<img src=x>\\|\"``` | Text. |\n"
        );
    }
}
