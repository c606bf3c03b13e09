//! values.schema.json, built from the same entries as values.yaml: Helm checks every install
//! and upgrade against it, so `--set replicaCount=-1` or a misspelled key fails before anything
//! reaches the cluster.

use serde_json::{Map, Value, json};

use crate::yaml::{Entry, Node};

/// The schema of values.yaml. Top-level keys Helm adds itself (`global`) and the values of
/// dependencies (by name or alias) are allowed as objects.
pub fn values_schema(entries: &[Entry], dependencies: &[String]) -> String {
    let mut root = object(entries);
    let properties = root["properties"]
        .as_object_mut()
        .expect("object() makes properties");
    for key in std::iter::once("global".to_string()).chain(dependencies.iter().cloned()) {
        properties.insert(key, json!({ "type": "object" }));
    }
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    schema.insert("title".into(), json!("Values"));
    if let Value::Object(rest) = root {
        schema.extend(rest);
    }
    serde_json::to_string_pretty(&Value::Object(schema)).unwrap_or_default() + "\n"
}

/// A mapping the chart owns: its keys are exactly the entries'. Scalars and owned mappings are
/// required; free-form objects and lists (affinity, probes, extra volumes...) may be removed.
fn object(entries: &[Entry]) -> Value {
    let properties: Map<String, Value> =
        entries.iter().map(|e| (e.key.clone(), entry(e))).collect();
    let required: Vec<&str> = entries
        .iter()
        .filter(|e| is_required(e))
        .map(|e| e.key.as_str())
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn is_required(entry: &Entry) -> bool {
    match &entry.node {
        Node::Map(_) => true,
        Node::Data(value) => !(value.is_object() || value.is_array() || value.is_null()),
    }
}

fn entry(entry: &Entry) -> Value {
    let mut schema = match (&entry.schema, &entry.node) {
        (Some(schema), _) => schema.clone(),
        (None, Node::Map(children)) => object(children),
        (None, Node::Data(value)) => inferred(value),
    };
    if let Some(map) = schema.as_object_mut()
        && !entry.comment.is_empty()
    {
        map.insert(
            "description".into(),
            json!(entry.comment.replace('\n', " ")),
        );
    }
    schema
}

/// The type of a default value; objects and lists stay open (they are Kubernetes objects).
fn inferred(value: &Value) -> Value {
    match value {
        Value::String(_) => json!({ "type": "string" }),
        Value::Bool(_) => json!({ "type": "boolean" }),
        Value::Number(n) if n.is_i64() || n.is_u64() => json!({ "type": "integer" }),
        Value::Number(_) => json!({ "type": "number" }),
        Value::Object(_) => json!({ "type": "object" }),
        Value::Array(_) => json!({ "type": "array" }),
        Value::Null => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
