//! Field-level changes between two versions of one Kubernetes object, by path:
//! `spec.volumeClaimTemplates[data].spec.resources.requests.storage`.
//!
//! Lists of named things (containers, ports, env, volumes, claim templates, mounts) are matched
//! by their name, not their position, so a reordering is not a change and an insertion changes
//! only what was inserted. A null field is an absent field, as in the Kubernetes API.

use serde::Serialize;
use std::collections::HashMap;

use serde_json::{Map, Value};

/// One field whose value changed; `None` on the side where the field is absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Every changed field of `new` against `old`, outermost first, in the objects' own order.
pub fn compare(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    walk(&mut String::new(), Some(old), Some(new), &mut changes);
    changes
}

fn walk(path: &mut String, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    let (old, new) = (present(old), present(new));
    if old == new {
        return;
    }
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => maps(path, a, b, out),
        (Some(Value::Array(a)), Some(Value::Array(b))) => lists(path, a, b, out),
        _ => out.push(FieldChange {
            path: path.clone(),
            old: old.cloned(),
            new: new.cloned(),
        }),
    }
}

fn present(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

fn maps(
    path: &mut String,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    out: &mut Vec<FieldChange>,
) {
    let keys = old
        .keys()
        .chain(new.keys().filter(|k| !old.contains_key(*k)));
    for key in keys {
        let len = path.len();
        push_key(path, key);
        walk(path, old.get(key), new.get(key), out);
        path.truncate(len);
    }
}

/// `.key`, or `["key"]` for a key that is not a plain word (labels, annotations, file names).
fn push_key(path: &mut String, key: &str) {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push_str(&format!("[{}]", Value::String(key.to_string())));
    }
}

/// The fields that name an item of a list (JSON pointers), in the order they are tried; the
/// first that every item of both sides has, with no repeats, keys the list.
const ITEM_KEYS: [&str; 5] = [
    "/name",
    "/metadata/name",
    "/mountPath",
    "/containerPort",
    "/devicePath",
];

fn lists(path: &mut String, old: &[Value], new: &[Value], out: &mut Vec<FieldChange>) {
    if let Some(key) = ITEM_KEYS
        .iter()
        .find(|k| keyed_by(k, old) && keyed_by(k, new))
    {
        named_lists(path, key, old, new, out);
    } else if old.len() == new.len() && old.iter().chain(new).all(Value::is_object) {
        for (index, (a, b)) in old.iter().zip(new).enumerate() {
            let len = path.len();
            path.push_str(&format!("[{index}]"));
            walk(path, Some(a), Some(b), out);
            path.truncate(len);
        }
    } else {
        // Arguments, hosts, access modes: the list is one value.
        out.push(FieldChange {
            path: path.clone(),
            old: Some(Value::Array(old.to_vec())),
            new: Some(Value::Array(new.to_vec())),
        });
    }
}

/// Items matched by the name under `key`. The API keeps lists in order (a pod template whose
/// env or containers are reordered is a new template, and `$(VAR)` sees only earlier vars), so
/// a new order of the items both sides hold is a change of its own, at the list's path, as
/// the names in each order.
fn named_lists(
    path: &mut String,
    key: &str,
    old: &[Value],
    new: &[Value],
    out: &mut Vec<FieldChange>,
) {
    let name = |item: &Value| item.pointer(key).map(label).unwrap_or_default();
    let index = |items: &[Value]| -> HashMap<String, usize> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| (name(item), i))
            .collect()
    };
    let (old_at, new_at) = (index(old), index(new));
    let common = |items: &[Value], other: &HashMap<String, usize>| -> Vec<Value> {
        items
            .iter()
            .map(name)
            .filter(|n| other.contains_key(n))
            .map(Value::String)
            .collect()
    };
    let (old_order, new_order) = (common(old, &new_at), common(new, &old_at));
    if old_order != new_order {
        out.push(FieldChange {
            path: path.clone(),
            old: Some(Value::Array(old_order)),
            new: Some(Value::Array(new_order)),
        });
    }
    let added = new.iter().map(name).filter(|n| !old_at.contains_key(n));
    let names: Vec<String> = old.iter().map(name).chain(added).collect();
    for item_name in names {
        let len = path.len();
        path.push_str(&format!("[{item_name}]"));
        let (a, b) = (old_at.get(&item_name), new_at.get(&item_name));
        walk(path, a.map(|&i| &old[i]), b.map(|&i| &new[i]), out);
        path.truncate(len);
    }
}

fn keyed_by(key: &str, items: &[Value]) -> bool {
    let mut seen = std::collections::HashSet::new();
    items.iter().all(|item| {
        item.pointer(key)
            .filter(|v| v.is_string() || v.is_number())
            .is_some_and(|v| seen.insert(label(v)))
    })
}

/// A scalar as people read it: strings bare, anything else as JSON.
pub fn label(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(old: Value, new: Value) -> Vec<String> {
        compare(&old, &new)
            .into_iter()
            .map(|c| {
                let show = |v: Option<Value>| v.map_or("(none)".to_string(), |v| label(&v));
                format!("{}: {} → {}", c.path, show(c.old), show(c.new))
            })
            .collect()
    }

    #[test]
    fn named_items_are_matched_by_name_not_position() {
        let old = json!({"spec": {"containers": [
            {"name": "app", "image": "a:1"}, {"name": "side", "image": "s:1"}]}});
        let new = json!({"spec": {"containers": [
            {"name": "side", "image": "s:1"}, {"name": "new", "image": "n:1"}, {"name": "app", "image": "a:2"}]}});
        assert_eq!(
            paths(old, new),
            [
                r#"spec.containers: ["app","side"] → ["side","app"]"#,
                "spec.containers[app].image: a:1 → a:2",
                r#"spec.containers[new]: (none) → {"name":"new","image":"n:1"}"#
            ]
        );
    }

    #[test]
    fn a_new_order_of_named_items_is_a_change_of_the_list() {
        let old = json!({"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "$(A)"}]});
        let new = json!({"env": [{"name": "B", "value": "$(A)"}, {"name": "A", "value": "1"}, {"name": "C"}]});
        assert_eq!(
            paths(old, new),
            [
                r#"env: ["A","B"] → ["B","A"]"#,
                r#"env[C]: (none) → {"name":"C"}"#
            ]
        );
    }

    #[test]
    fn keys_that_are_not_words_are_quoted_and_null_is_absent() {
        let old = json!({"metadata": {"labels": {"app.kubernetes.io/name": "a"}, "x": null}});
        let new = json!({"metadata": {"labels": {"app.kubernetes.io/name": "b"}}});
        assert_eq!(
            paths(old, new),
            [r#"metadata.labels["app.kubernetes.io/name"]: a → b"#]
        );
    }

    #[test]
    fn lists_of_scalars_change_as_a_whole_and_unnamed_objects_by_index() {
        let old = json!({"args": ["--a"], "tolerations": [{"key": "k", "effect": "NoSchedule"}]});
        let new =
            json!({"args": ["--a", "--b"], "tolerations": [{"key": "k", "effect": "NoExecute"}]});
        assert_eq!(
            paths(old, new),
            [
                r#"args: ["--a"] → ["--a","--b"]"#,
                "tolerations[0].effect: NoSchedule → NoExecute"
            ]
        );
    }

    #[test]
    fn claim_templates_are_named_by_their_metadata() {
        let old =
            json!({"volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"size": 1}}]});
        let new =
            json!({"volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"size": 2}}]});
        assert_eq!(
            paths(old, new),
            ["volumeClaimTemplates[data].spec.size: 1 → 2"]
        );
    }

    #[test]
    fn mounts_are_named_by_their_path() {
        let old = json!({"volumeMounts": [{"name": "d", "mountPath": "/a"}, {"name": "d", "mountPath": "/b"}]});
        let new = json!({"volumeMounts": [{"name": "d", "mountPath": "/b", "readOnly": true}, {"name": "d", "mountPath": "/a"}]});
        assert_eq!(
            paths(old, new),
            [
                r#"volumeMounts: ["/a","/b"] → ["/b","/a"]"#,
                "volumeMounts[/b].readOnly: (none) → true"
            ]
        );
    }
}
