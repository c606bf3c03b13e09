//! The values model: each values key with its comment, default, JSON Schema and effect on a
//! running release. values.yaml, values.schema.json, the chart README's parameters table and
//! `chartgen review`'s effects are all read off the same entries, so they cannot drift apart.

use serde_json::{Map, Value};

use crate::effect::{Effect, Effects};
use crate::yaml;

/// One key of a mapping, with the comment written above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub comment: String,
    pub node: Node,
    /// The JSON Schema of this value in values.schema.json, when more than its type (an enum,
    /// a range, a pattern); None lets the schema be read off the value itself.
    pub schema: Option<Value>,
    /// What changing this value does to a running release; None: its parent's (see `Effects`).
    pub effect: Option<Effect>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Plain data: a scalar, or a list or map written without comments.
    Data(Value),
    /// A mapping whose keys carry comments.
    Map(Vec<Entry>),
}

impl Entry {
    pub fn data(key: &str, comment: &str, value: impl Into<Value>) -> Self {
        Entry {
            key: key.into(),
            comment: comment.into(),
            node: Node::Data(value.into()),
            schema: None,
            effect: None,
        }
    }

    pub fn map(key: &str, comment: &str, entries: Vec<Entry>) -> Self {
        Entry {
            key: key.into(),
            comment: comment.into(),
            node: Node::Map(entries),
            schema: None,
            effect: None,
        }
    }

    /// Sets this value's JSON Schema.
    pub fn schema(mut self, schema: Value) -> Self {
        self.schema = Some(schema);
        self
    }

    /// Sets what changing this value (and the values below it) does to a running release.
    pub fn effect(mut self, effect: Effect) -> Self {
        self.effect = Some(effect);
        self
    }
}

/// The effects `entries` declare, by dotted key.
pub fn effects(entries: &[Entry]) -> Effects {
    fn walk(prefix: &str, entries: &[Entry], out: &mut Effects) {
        for entry in entries {
            let key = if prefix.is_empty() {
                entry.key.clone()
            } else {
                format!("{prefix}.{}", entry.key)
            };
            if let Some(effect) = entry.effect {
                out.declare(key.clone(), effect);
            }
            if let Node::Map(children) = &entry.node {
                walk(&key, children, out);
            }
        }
    }
    let mut out = Effects::default();
    walk("", entries, &mut out);
    out
}

/// The entries as a commented YAML document. Top-level keys are separated by a blank line.
pub fn document(entries: &[Entry]) -> String {
    let mut out = String::new();
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write(&mut out, entry, 0);
    }
    out
}

fn write(out: &mut String, entry: &Entry, indent: usize) {
    yaml::comment(out, &entry.comment, indent);
    match &entry.node {
        Node::Data(value) => yaml::key_value(out, &entry.key, value, indent),
        Node::Map(entries) if entries.is_empty() => {
            yaml::key_value(out, &entry.key, &Value::Object(Map::new()), indent);
        }
        Node::Map(entries) => {
            yaml::mapping_key(out, &entry.key, indent);
            for child in entries {
                write(out, child, indent + 2);
            }
        }
    }
}

/// The data a document of `entries` holds: what a YAML parser reads back from `document`.
pub fn value(entries: &[Entry]) -> Value {
    let map = entries
        .iter()
        .map(|entry| {
            let value = match &entry.node {
                Node::Data(value) => value.clone(),
                Node::Map(entries) => self::value(entries),
            };
            (entry.key.clone(), value)
        })
        .collect();
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_comments_nested_maps_and_empty_maps() {
        let doc = document(&[
            Entry::data("replicaCount", "Pods to run.", 3),
            Entry::map(
                "image",
                "The image.",
                vec![Entry::data("tag", "Tag.", "yes")],
            ),
            Entry::data("tolerations", "", json!([{"key": "a"}])),
            Entry::data("empty", "", json!({})),
            Entry::map("none", "No keys.", vec![]),
        ]);
        assert_eq!(
            doc,
            "# Pods to run.\nreplicaCount: 3\n\n# The image.\nimage:\n  # Tag.\n  tag: \"yes\"\n\n\
             tolerations:\n  - key: \"a\"\n\nempty: {}\n\n\
             # No keys.\nnone: {}\n"
        );
    }

    #[test]
    fn the_value_and_effects_follow_the_nesting() {
        let entries = [
            Entry::data("replicaCount", "", 3).effect(Effect::Updates),
            Entry::map(
                "image",
                "",
                vec![Entry::data("tag", "", "1").effect(Effect::RollsPods)],
            )
            .effect(Effect::NoOp),
            Entry::data("affinity", "", json!({})),
        ];
        assert_eq!(
            value(&entries),
            json!({ "replicaCount": 3, "image": { "tag": "1" }, "affinity": {} })
        );
        let mut declared = Effects::default();
        declared.declare("replicaCount".into(), Effect::Updates);
        declared.declare("image".into(), Effect::NoOp);
        declared.declare("image.tag".into(), Effect::RollsPods);
        assert_eq!(effects(&entries), declared);
    }
}
