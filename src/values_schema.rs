//! values.schema.json, built from the same entries as values.yaml: Helm checks every install
//! and upgrade against it, so `--set replicaCount=-1` or a misspelled key fails before anything
//! reaches the cluster.
//!
//! The schema is serialized straight from the entries rather than built as a JSON tree first:
//! for a chart with many hooks the tree cost more than rendering every template.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::entry::{Entry, Node};

/// The schema of values.yaml. Top-level keys Helm adds itself (`global`) and the values of
/// dependencies (by name or alias) are allowed as objects.
pub fn values_schema(entries: &[Entry], dependencies: &[String]) -> String {
    let open: Vec<&str> = std::iter::once("global")
        .chain(dependencies.iter().map(String::as_str))
        .collect();
    let root = Object {
        entries,
        open: &open,
    };
    serde_json::to_string_pretty(&Document(root)).unwrap_or_default() + "\n"
}

struct Document<'a>(Object<'a>);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("$schema", "http://json-schema.org/draft-07/schema#")?;
        map.serialize_entry("title", "Values")?;
        self.0.fields(&mut map)?;
        map.end()
    }
}

/// A mapping the chart owns: its keys are exactly the entries' (and the `open` ones, any
/// object). Scalars and owned mappings are required; free-form objects and lists (affinity,
/// probes, extra volumes...) may be removed.
struct Object<'a> {
    entries: &'a [Entry],
    open: &'a [&'a str],
}

impl Object<'_> {
    fn fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("type", "object")?;
        map.serialize_entry("properties", &Properties(self))?;
        let required: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| is_required(e))
            .map(|e| e.key.as_str())
            .collect();
        map.serialize_entry("required", &required)?;
        map.serialize_entry("additionalProperties", &false)
    }
}

struct Properties<'a>(&'a Object<'a>);

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Object { entries, open } = self.0;
        let any_object = AnyObject;
        let mut map = serializer.serialize_map(None)?;
        for entry in *entries {
            if open.contains(&entry.key.as_str()) {
                map.serialize_entry(&entry.key, &any_object)?;
            } else {
                map.serialize_entry(&entry.key, &Property(entry))?;
            }
        }
        for (i, key) in open.iter().enumerate() {
            let seen = open[..i].contains(key) || entries.iter().any(|e| e.key == *key);
            if !seen {
                map.serialize_entry(key, &any_object)?;
            }
        }
        map.end()
    }
}

/// `{"type": "object"}`.
struct AnyObject;

impl Serialize for AnyObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("type", "object")?;
        map.end()
    }
}

/// One entry's schema: the one it was given, else its mapping's or its default's type; with
/// the entry's comment as its description.
struct Property<'a>(&'a Entry);

impl Serialize for Property<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entry = self.0;
        let description = (!entry.comment.is_empty()).then(|| entry.comment.replace('\n', " "));
        let given = match &entry.schema {
            Some(Value::Object(given)) => Some(given),
            Some(other) => return other.serialize(serializer),
            None => None,
        };
        let mut map = serializer.serialize_map(None)?;
        match (given, &entry.node) {
            (Some(given), _) => {
                for (key, value) in given {
                    match &description {
                        Some(ours) if key == "description" => map.serialize_entry(key, ours)?,
                        _ => map.serialize_entry(key, value)?,
                    }
                }
            }
            (None, Node::Map(children)) => Object {
                entries: children,
                open: &[],
            }
            .fields(&mut map)?,
            (None, Node::Data(value)) => {
                if let Some(kind) = json_type(value) {
                    map.serialize_entry("type", kind)?;
                }
            }
        }
        let placed = given.is_some_and(|g| g.contains_key("description"));
        if let Some(description) = description.filter(|_| !placed) {
            map.serialize_entry("description", &description)?;
        }
        map.end()
    }
}

fn is_required(entry: &Entry) -> bool {
    match &entry.node {
        Node::Map(_) => true,
        Node::Data(value) => !(value.is_object() || value.is_array() || value.is_null()),
    }
}

/// The JSON Schema type of a default value; objects and lists stay open (they are Kubernetes
/// objects), and a null default says nothing.
fn json_type(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::Null => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn owned_maps_are_closed_and_scalars_required() {
        let entries = vec![
            Entry::data("replicaCount", "Pods.", 1)
                .schema(json!({ "type": "integer", "minimum": 0 })),
            Entry::map("image", "", vec![Entry::data("tag", "Tag.", "1")]),
            Entry::data("affinity", "", json!({})),
        ];
        let schema: Value =
            serde_json::from_str(&values_schema(&entries, &["common".into()])).unwrap();
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["required"], json!(["replicaCount", "image"]));
        assert_eq!(schema["properties"]["replicaCount"]["minimum"], 0);
        assert_eq!(schema["properties"]["replicaCount"]["description"], "Pods.");
        assert_eq!(
            schema["properties"]["image"]["properties"]["tag"]["type"],
            "string"
        );
        assert_eq!(schema["properties"]["image"]["additionalProperties"], false);
        assert_eq!(schema["properties"]["affinity"]["type"], "object");
        assert_eq!(schema["properties"]["common"]["type"], "object");
        assert_eq!(schema["properties"]["global"]["type"], "object");
    }
}
