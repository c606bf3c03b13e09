//! The shape of a spec: every unknown field, missing field and value of the wrong type at once,
//! each at its line, in the spec's own words.
//!
//! serde stops at the first of these and words it after Rust's types (`expected i64`). When it
//! refuses a spec, this walks the document against the spec's JSON schema (the one editors
//! use, derived from the same types), following serde_yaml's rules for what a scalar may be.

use std::fmt;

use serde_json::{Map, Value as Schema};
use serde_yaml::Value;

use crate::load::closest;
use crate::locate::{Pos, Positions, index, join, positions};

/// What is wrong with one node of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// The file holds no YAML node at all.
    Empty,
    /// The whole document is not a mapping of fields.
    NotMapping,
    Unknown {
        key: String,
        known: Vec<String>,
    },
    Missing {
        key: String,
    },
    Expected {
        expected: Vec<Expectation>,
        found: Found,
    },
}

/// What a schema admits, worded for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    Any,
    String,
    Boolean,
    List,
    Mapping,
    Nothing,
    Number,
    Integer { min: i128, max: i128 },
    OneOf(Vec<String>),
}

/// What the document holds instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Nothing,
    Bool(bool),
    Number(String),
    Text(String),
    List,
    Mapping,
    Tagged(String),
}

/// One shape problem, at a field path.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub field: String,
    pub shape: Shape,
    pub pos: Option<Pos>,
    /// How to make the document take this shape, so the checks of values can run on the rest;
    /// none when the document as a whole is not a spec.
    pub fix: Option<Fix>,
}

/// A change that gives one node of the document a shape serde takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// The node's path as the user writes it: checks of values at or under it are moot.
    pub field: String,
    steps: Vec<Step>,
    put: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(Value),
    Index(usize),
}

/// Where the walk is: the path as the user writes it, and the steps that lead there.
#[derive(Debug, Clone, Default)]
struct Trail {
    field: String,
    steps: Vec<Step>,
}

impl Trail {
    fn key(&self, key: &Value) -> Trail {
        let mut steps = self.steps.clone();
        steps.push(Step::Key(key.clone()));
        Trail {
            field: join(&self.field, &scalar_text(key)),
            steps,
        }
    }

    fn index(&self, i: usize) -> Trail {
        let mut steps = self.steps.clone();
        steps.push(Step::Index(i));
        Trail {
            field: index(&self.field, i),
            steps,
        }
    }

    /// A fix that puts `value` here, or removes the node when `None`.
    fn fix(&self, put: Option<Value>) -> Fix {
        Fix {
            field: self.field.clone(),
            steps: self.steps.clone(),
            put,
        }
    }
}

/// Every shape problem of `text` against `schema` (the spec's JSON schema), in file order.
pub fn problems(text: &str, schema: &Schema) -> Vec<Located> {
    let document: Value = match serde_yaml::from_str(text) {
        Ok(document) => document,
        Err(_) => return Vec::new(),
    };
    let at = positions(text);
    let mut walk = Walk {
        defs: schema.get("$defs").and_then(Schema::as_object),
        at: &at,
        buffered: false,
        out: Vec::new(),
    };
    let root = Trail::default();
    match &document {
        Value::Null => walk.push(&root, Shape::Empty, Some(Pos { line: 1, col: 1 }), None),
        Value::Mapping(_) => walk.node(schema, &document, &root),
        _ => walk.push(&root, Shape::NotMapping, at.value(""), None),
    }
    let mut out = walk.out;
    out.sort_by_key(|p| p.pos.map(|pos| (pos.line, pos.col)));
    out
}

struct Walk<'a> {
    defs: Option<&'a Map<String, Schema>>,
    at: &'a Positions,
    /// Inside an untagged enum serde buffers the value first, and a string then takes only a
    /// string: `port: 1.5` is not the port named "1.5".
    buffered: bool,
    out: Vec<Located>,
}

impl<'a> Walk<'a> {
    fn push(&mut self, trail: &Trail, shape: Shape, pos: Option<Pos>, fix: Option<Fix>) {
        self.out.push(Located {
            field: trail.field.clone(),
            shape,
            pos,
            fix,
        });
    }

    /// A `$ref` resolved against `$defs`; schemars puts the other keywords beside it.
    fn target(&self, schema: &'a Schema) -> Option<&'a Schema> {
        let name = schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/")?;
        self.defs?.get(name)
    }

    /// What a schema admits, through `$ref`s and the branches of a choice.
    fn expectations(&self, schema: &'a Schema) -> Vec<Expectation> {
        if let Some(target) = self.target(schema) {
            return self.expectations(target);
        }
        match branches(schema) {
            Some(branches) => branches.iter().flat_map(|b| self.expectations(b)).collect(),
            None => own_expectations(schema),
        }
    }

    /// The simplest value of the schema's shape, to stand in for one that has the wrong one.
    fn placeholder(&self, schema: &'a Schema) -> Value {
        if let Some(target) = self.target(schema) {
            return self.placeholder(target);
        }
        if let Some(branch) = branches(schema).and_then(|b| b.first()) {
            return self.placeholder(branch);
        }
        let properties = schema.get("properties").and_then(Schema::as_object);
        let required = schema.get("required").and_then(Schema::as_array);
        let mut object = serde_yaml::Mapping::new();
        for key in required.into_iter().flatten().filter_map(Schema::as_str) {
            if let Some(property) = properties.and_then(|p| p.get(key)) {
                object.insert(Value::from(key), self.placeholder(property));
            }
        }
        match own_expectations(schema).first() {
            Some(Expectation::OneOf(values)) => Value::from(values[0].as_str()),
            Some(Expectation::Integer { .. } | Expectation::Number) => Value::from(1),
            Some(Expectation::String) => Value::from("x"),
            Some(Expectation::Boolean) => Value::Bool(false),
            Some(Expectation::List) => Value::Sequence(Vec::new()),
            Some(Expectation::Mapping) => Value::Mapping(object),
            Some(Expectation::Nothing | Expectation::Any) | None => Value::Null,
        }
    }

    fn node(&mut self, schema: &'a Schema, value: &Value, trail: &Trail) {
        if let Some(target) = self.target(schema) {
            return self.node(target, value, trail);
        }
        if let Some(branches) = branches(schema) {
            return self.choice(schema, branches, value, trail);
        }
        let expected = own_expectations(schema);
        // Inside an untagged enum, serde fills a struct from a list too, field by field: an
        // empty list is the struct of its defaults.
        let no_required = schema
            .get("required")
            .is_none_or(|r| r == &Schema::Array(vec![]));
        let defaults = self.buffered
            && value == &Value::Sequence(Vec::new())
            && expected.contains(&Expectation::Mapping)
            && no_required;
        if !defaults && !expected.iter().any(|e| admits(e, value, self.buffered)) {
            return self.mismatch(schema, expected, value, trail);
        }
        match value {
            Value::Mapping(map) => self.mapping(schema, map, trail),
            Value::Sequence(items) => {
                if let Some(item) = schema.get("items") {
                    for (i, value) in items.iter().enumerate() {
                        self.node(item, value, &trail.index(i));
                    }
                }
            }
            _ => {}
        }
    }

    fn mapping(&mut self, schema: &'a Schema, map: &serde_yaml::Mapping, trail: &Trail) {
        let properties = schema.get("properties").and_then(Schema::as_object);
        let others = schema.get("additionalProperties");
        for (key, value) in map {
            let field = trail.key(key);
            let key = scalar_text(key);
            match (properties.and_then(|p| p.get(&key)), others) {
                (Some(property), _) => self.node(property, value, &field),
                (None, Some(Schema::Bool(false))) => {
                    let known = properties
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default();
                    let pos = self.at.key(&field.field);
                    let fix = Some(field.fix(None));
                    self.push(trail, Shape::Unknown { key, known }, pos, fix);
                }
                (None, Some(other @ Schema::Object(_))) => self.node(other, value, &field),
                (None, _) => {}
            }
        }
        let required = schema.get("required").and_then(Schema::as_array);
        for key in required.into_iter().flatten().filter_map(Schema::as_str) {
            let present = map.keys().any(|k| scalar_text(k) == key);
            let property = properties.and_then(|p| p.get(key));
            if let (false, Some(property)) = (present, property) {
                let fix = trail
                    .key(&Value::from(key))
                    .fix(Some(self.placeholder(property)));
                let key = key.to_string();
                let pos = self.at.value(&trail.field);
                self.push(trail, Shape::Missing { key }, pos, Some(fix));
            }
        }
    }

    /// An untagged enum or an optional value: the value fits one branch. When exactly one
    /// branch takes its kind of node (a mapping for an optional struct), its problems are the
    /// detailed ones; otherwise the problem is the choice itself.
    fn choice(&mut self, schema: &'a Schema, branches: &'a [Schema], value: &Value, trail: &Trail) {
        let optional = branches
            .iter()
            .any(|b| own_expectations(b) == [Expectation::Nothing]);
        let mut trials = Vec::new();
        for branch in branches {
            let mut trial = Walk {
                defs: self.defs,
                at: self.at,
                buffered: self.buffered || !optional,
                out: Vec::new(),
            };
            trial.node(branch, value, trail);
            if trial.out.is_empty() {
                return;
            }
            trials.push((branch, trial.out));
        }
        let same_kind: Vec<_> = trials
            .iter()
            .filter(|(branch, _)| {
                self.expectations(branch)
                    .iter()
                    .any(|e| same_node_kind(e, value))
            })
            .collect();
        if let [(_, problems)] = same_kind.as_slice() {
            self.out.extend(problems.iter().cloned());
            return;
        }
        let expected = branches.iter().flat_map(|b| self.expectations(b)).collect();
        self.mismatch(schema, expected, value, trail);
    }

    /// A value of the wrong kind. An optional field's "or nothing" goes unsaid: leaving the
    /// field out says it better.
    fn mismatch(
        &mut self,
        schema: &'a Schema,
        mut expected: Vec<Expectation>,
        value: &Value,
        trail: &Trail,
    ) {
        if expected.iter().any(|e| *e != Expectation::Nothing) {
            expected.retain(|e| *e != Expectation::Nothing);
        }
        let found = found(value);
        let pos = self.at.value(&trail.field);
        let fix = trail.fix(Some(self.placeholder(schema)));
        self.push(trail, Shape::Expected { expected, found }, pos, Some(fix));
    }
}

/// Gives the document the shape the fixes of `problems` describe: unknown fields removed,
/// missing and mistyped ones replaced by placeholders.
pub fn repair(document: &mut Value, problems: &[Located]) {
    for fix in problems.iter().filter_map(|p| p.fix.as_ref()) {
        let Some((last, parents)) = fix.steps.split_last() else {
            continue;
        };
        let Some(parent) = parents
            .iter()
            .try_fold(&mut *document, |node, step| match step {
                Step::Key(key) => node.get_mut(key),
                Step::Index(i) => node.get_mut(i),
            })
        else {
            continue;
        };
        match (last, &fix.put, parent) {
            (Step::Key(key), None, Value::Mapping(map)) => {
                map.remove(key);
            }
            (Step::Key(key), Some(put), Value::Mapping(map)) => {
                map.insert(key.clone(), put.clone());
            }
            (Step::Index(i), Some(put), Value::Sequence(items)) if *i < items.len() => {
                items[*i] = put.clone();
            }
            _ => {}
        }
    }
}

/// The kinds of node a schema admits, from its `type`, `enum` or `const`.
fn own_expectations(schema: &Schema) -> Vec<Expectation> {
    if let Some(values) = schema.get("enum").and_then(Schema::as_array) {
        return vec![Expectation::OneOf(values.iter().map(json_text).collect())];
    }
    if let Some(value) = schema.get("const") {
        return vec![Expectation::OneOf(vec![json_text(value)])];
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Schema::String(t)) => vec![t.as_str()],
        Some(Schema::Array(ts)) => ts.iter().filter_map(Schema::as_str).collect(),
        _ => return vec![Expectation::Any],
    };
    let format = schema.get("format").and_then(Schema::as_str);
    types
        .into_iter()
        .map(|t| match t {
            "integer" => {
                let (min, max) = integer_range(format);
                Expectation::Integer { min, max }
            }
            "string" => Expectation::String,
            "boolean" => Expectation::Boolean,
            "array" => Expectation::List,
            "object" => Expectation::Mapping,
            "null" => Expectation::Nothing,
            "number" => Expectation::Number,
            _ => Expectation::Any,
        })
        .collect()
}

fn branches(schema: &Schema) -> Option<&Vec<Schema>> {
    schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Schema::as_array)
}

/// The range of the Rust integer type behind a schemars `format`: serde refuses the rest.
fn integer_range(format: Option<&str>) -> (i128, i128) {
    match format {
        Some("int8") => (i8::MIN.into(), i8::MAX.into()),
        Some("uint8") => (0, u8::MAX.into()),
        Some("int16") => (i16::MIN.into(), i16::MAX.into()),
        Some("uint16") => (0, u16::MAX.into()),
        Some("int32") => (i32::MIN.into(), i32::MAX.into()),
        Some("uint32") => (0, u32::MAX.into()),
        Some("uint64" | "uint") => (0, u64::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

/// Whether serde_yaml gives `value` to a field of this kind: a string field takes any scalar
/// (`tag: 1.27` is the string "1.27") unless the value was `buffered`, an integer only an
/// integer the type can hold.
fn admits(expected: &Expectation, value: &Value, buffered: bool) -> bool {
    match expected {
        Expectation::Any => true,
        Expectation::String if buffered => matches!(value, Value::String(_)),
        Expectation::String => is_scalar(value),
        Expectation::Boolean => matches!(value, Value::Bool(_)),
        Expectation::List => matches!(value, Value::Sequence(_)),
        Expectation::Mapping => matches!(value, Value::Mapping(_)),
        Expectation::Nothing => matches!(value, Value::Null),
        Expectation::Number => matches!(value, Value::Number(_)),
        Expectation::Integer { min, max } => integer(value).is_some_and(|n| n >= *min && n <= *max),
        Expectation::OneOf(allowed) => is_scalar(value) && allowed.contains(&scalar_text(value)),
    }
}

/// Whether the value is the kind of node the expectation is about, right or wrong in detail.
fn same_node_kind(expected: &Expectation, value: &Value) -> bool {
    match expected {
        Expectation::List => matches!(value, Value::Sequence(_)),
        Expectation::Mapping => matches!(value, Value::Mapping(_)),
        _ => false,
    }
}

fn is_scalar(value: &Value) -> bool {
    matches!(
        value,
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)
    )
}

fn integer(value: &Value) -> Option<i128> {
    let Value::Number(n) = value else { return None };
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// A scalar as YAML 1.2 prints it: a key `null:` or `~:` is named `null`, as users read it.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Tagged(t) => t.tag.to_string(),
        Value::Sequence(_) | Value::Mapping(_) => String::new(),
    }
}

fn json_text(value: &Schema) -> String {
    match value {
        Schema::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn found(value: &Value) -> Found {
    match value {
        Value::Null => Found::Nothing,
        Value::Bool(b) => Found::Bool(*b),
        Value::Number(n) => Found::Number(n.to_string()),
        Value::String(s) => Found::Text(s.clone()),
        Value::Sequence(_) => Found::List,
        Value::Mapping(_) => Found::Mapping,
        Value::Tagged(t) => Found::Tagged(t.tag.to_string()),
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Empty => write!(
                f,
                "the file is empty: start from `chartgen new NAME` (`chartgen presets` lists the starting points)"
            ),
            Shape::NotMapping => write!(
                f,
                "the spec must be a mapping of fields (`name: ...`, `image: ...`), not a list or a single value"
            ),
            Shape::Unknown { key, known } => {
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                // A quoted key may hold a line break: the message stays on its line.
                let key = key.escape_debug();
                match closest(&key.to_string(), &known) {
                    Some(guess) => write!(f, "unknown field `{key}` (did you mean `{guess}`?)"),
                    None if known.len() > MAX_LISTED => write!(
                        f,
                        "unknown field `{key}` (README, \"The spec\", lists the fields)"
                    ),
                    None => write!(
                        f,
                        "unknown field `{key}`; known fields: {}",
                        known.join(", ")
                    ),
                }
            }
            Shape::Missing { key } => write!(f, "missing field `{key}`"),
            Shape::Expected { expected, found } => {
                write!(f, "expected {}, found {found}", Alternatives(expected))?;
                if let Some(guess) = found.suggestion(expected) {
                    return write!(f, " (did you mean `{guess}`?)");
                }
                let unquoted = matches!(found, Found::Number(_) | Found::Bool(_));
                if unquoted && expected.contains(&Expectation::String) {
                    return write!(f, " (quote it to make it text)");
                }
                let quoted_integer = matches!(found, Found::Text(s) if s.parse::<i64>().is_ok());
                if quoted_integer
                    && expected
                        .iter()
                        .any(|e| matches!(e, Expectation::Integer { .. }))
                {
                    write!(f, " (write the number without quotes)")?;
                }
                Ok(())
            }
        }
    }
}

struct Alternatives<'a>(&'a [Expectation]);

impl fmt::Display for Alternatives<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, expectation) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, " or ")?;
            }
            write!(f, "{expectation}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::String => write!(f, "a string"),
            Expectation::Boolean => write!(f, "true or false"),
            Expectation::List => write!(f, "a list"),
            Expectation::Mapping => write!(f, "a mapping of fields"),
            Expectation::Number => write!(f, "a number"),
            Expectation::Nothing => write!(f, "nothing"),
            Expectation::Any => write!(f, "a value"),
            Expectation::Integer { min, max } if *min == 0 && *max == i128::from(u16::MAX) => {
                write!(f, "an integer from 0 to {max}")
            }
            Expectation::Integer { min, max } if *min >= 0 && *max <= i128::from(u32::MAX) => {
                write!(f, "an integer from {min} to {max}")
            }
            Expectation::Integer { min: 0, .. } => write!(f, "an integer of 0 or more"),
            Expectation::Integer { .. } => write!(f, "an integer"),
            Expectation::OneOf(allowed) => {
                let allowed: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
                match allowed.as_slice() {
                    [one] => write!(f, "{one}"),
                    _ => write!(f, "one of {}", allowed.join(", ")),
                }
            }
        }
    }
}

/// An unknown field is listed with the known ones when they fit on a line.
const MAX_LISTED: usize = 12;

impl Found {
    /// The allowed value a mistyped one most likely meant.
    fn suggestion<'e>(&self, expected: &'e [Expectation]) -> Option<&'e str> {
        let Found::Text(text) = self else { return None };
        let allowed: Vec<&str> = expected
            .iter()
            .flat_map(|e| match e {
                Expectation::OneOf(values) => values.iter().map(String::as_str).collect(),
                _ => Vec::new(),
            })
            .collect();
        closest(text, &allowed)
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Nothing => write!(f, "nothing"),
            Found::Bool(b) => write!(f, "`{b}`"),
            Found::Number(n) => write!(f, "the number {n}"),
            Found::Text(s) => write!(f, "the string {s:?}"),
            Found::List => write!(f, "a list"),
            Found::Mapping => write!(f, "a mapping"),
            Found::Tagged(tag) => write!(f, "a value tagged `{tag}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::RngCore;
    use proptest::test_runner::{RngAlgorithm, TestRng};

    use super::*;
    use crate::spec::Spec;

    fn schema() -> Schema {
        serde_json::from_str(crate::spec::schema_json()).unwrap()
    }

    fn messages(text: &str) -> Vec<String> {
        problems(text, &schema())
            .iter()
            .map(|p| {
                let pos = p.pos.map(|p| format!("{}:{}", p.line, p.col));
                format!("{} {}: {}", pos.unwrap_or_default(), p.field, p.shape)
            })
            .collect()
    }

    #[test]
    fn reports_every_problem_at_its_node() {
        let text = "name: shop\nimage: {repository: nginx}\nport: \"8000\"\nstorage:\n  - name: data\n    size: 1Gi\n    mountpath: /data\nservice: {type: Cluster}\n";
        assert_eq!(
            messages(text),
            [
                "3:7 port: expected an integer, found the string \"8000\" (write the number without quotes)",
                "5:5 storage[0]: missing field `mountPath`",
                "7:5 storage[0]: unknown field `mountpath` (did you mean `mountPath`?)",
                "8:17 service.type: expected one of `ClusterIP`, `NodePort`, `LoadBalancer`, found the string \"Cluster\" (did you mean `ClusterIP`?)",
            ]
        );
    }

    #[test]
    fn an_unknown_key_stays_on_one_line() {
        let text = "name: a\nimage: {repository: r}\n\"col\\nour\": x\n";
        assert_eq!(
            messages(text),
            ["3:1 : unknown field `col\\nour` (README, \"The spec\", lists the fields)"]
        );
    }

    #[test]
    fn a_key_that_is_not_text_is_named_where_it_is() {
        let text = "name: a\nimage: {repository: r}\nnull: x\n3: y\n";
        assert_eq!(
            messages(text),
            [
                "3:1 : unknown field `null` (README, \"The spec\", lists the fields)",
                "4:1 : unknown field `3` (README, \"The spec\", lists the fields)",
            ]
        );
    }

    #[test]
    fn words_the_document_itself() {
        assert_eq!(messages("")[0], format!("1:1 : {}", Shape::Empty));
        assert_eq!(messages("- a\n")[0], format!("1:1 : {}", Shape::NotMapping));
    }

    #[test]
    fn a_choice_reports_the_branch_of_the_same_kind() {
        let text = "name: a\nimage: {repository: r}\nprobes: {readiness: {htp: /}}\n";
        assert_eq!(
            messages(text),
            ["3:22 probes.readiness: unknown field `htp` (did you mean `http`?)"]
        );
        let text = "name: a\nimage: {repository: r}\nprobes: {readiness: {port: [1]}}\n";
        assert_eq!(
            messages(text),
            ["3:28 probes.readiness.port: expected an integer or a string, found a list"]
        );
    }

    /// Every spec the project ships, as the starting points of random mutations.
    fn corpus() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut specs = Vec::new();
        for dir in ["examples", "tests/specs", "presets"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let file = if path.is_dir() {
                    path.join("chartgen.yaml")
                } else {
                    path
                };
                if file.extension().is_some_and(|e| e == "yaml") && file.is_file() {
                    specs.push(std::fs::read_to_string(file).unwrap());
                }
            }
        }
        specs
    }

    fn pick(rng: &mut TestRng, n: usize) -> usize {
        rng.next_u32() as usize % n.max(1)
    }

    fn count(value: &Value) -> usize {
        1 + match value {
            Value::Sequence(items) => items.iter().map(count).sum(),
            Value::Mapping(map) => map.values().map(count).sum(),
            _ => 0,
        }
    }

    /// Replaces the `n`th node in document order, removes one of its keys, or adds one.
    fn mutate(value: &mut Value, n: &mut usize, rng: &mut TestRng) -> bool {
        if *n == 0 {
            let replacements = [
                Value::Null,
                Value::Bool(true),
                Value::from(7),
                Value::from(-1),
                Value::from(1.5),
                Value::from(u64::MAX),
                Value::from("x"),
                Value::from("80"),
                Value::Sequence(Vec::new()),
                Value::Mapping(Default::default()),
            ];
            match value {
                Value::Mapping(map) if !map.is_empty() && rng.next_u32().is_multiple_of(2) => {
                    let key = map.keys().nth(pick(rng, map.len())).cloned().unwrap();
                    map.remove(&key);
                }
                Value::Mapping(map) if rng.next_u32().is_multiple_of(3) => {
                    map.insert(Value::from("surplus"), Value::from(1));
                }
                _ => *value = replacements[pick(rng, replacements.len())].clone(),
            }
            return true;
        }
        *n -= 1;
        match value {
            Value::Sequence(items) => items.iter_mut().any(|v| mutate(v, n, rng)),
            Value::Mapping(map) => map.values_mut().any(|v| mutate(v, n, rng)),
            _ => false,
        }
    }

    /// The walk is worth only as much as its agreement with serde: it finds a problem exactly
    /// when serde refuses the spec, and its fixes give a spec serde takes.
    #[test]
    fn finds_a_problem_exactly_when_serde_refuses() {
        let (specs, schema) = (corpus(), schema());
        let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]);
        for _ in 0..2000 {
            let text = &specs[pick(&mut rng, specs.len())];
            let mut doc: Value = serde_yaml::from_str(text).unwrap();
            for _ in 0..1 + pick(&mut rng, 3) {
                let mut n = pick(&mut rng, count(&doc));
                mutate(&mut doc, &mut n, &mut rng);
            }
            let text = serde_yaml::to_string(&doc).unwrap();
            let refused = serde_yaml::from_str::<Spec>(&text).err();
            let found = problems(&text, &schema);
            assert_eq!(
                refused.is_some(),
                !found.is_empty(),
                "serde: {refused:?}\nshape: {found:?}\n{text}"
            );
            if found.iter().all(|p| p.fix.is_some()) {
                repair(&mut doc, &found);
                let repaired = serde_yaml::to_string(&doc).unwrap();
                let refused = serde_yaml::from_str::<Spec>(&repaired).err();
                assert!(
                    refused.is_none(),
                    "{refused:?}\n{text}\nrepaired:\n{repaired}"
                );
            }
        }
    }
}
