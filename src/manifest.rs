//! Reading Kubernetes objects as `helm template`, `helm get manifest` and `kubectl get -o yaml`
//! print them: YAML documents in a file, a folder of such files, or standard input.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Error;
use crate::input;
use crate::yaml11;

/// Rendered manifests of a large chart are a few MB; anything far larger is not a manifest.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// The name that stands for standard input.
pub const STDIN: &str = "-";

/// What identifies an object in a cluster: two objects with the same id are the same object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    /// The API group: `apps` for `apps/v1`, empty for the core group (`v1`).
    pub group: String,
    pub kind: String,
    /// Empty for cluster-scoped kinds, and for namespaced objects that name none (without
    /// `--namespace`).
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.namespace.as_str() {
            "" => write!(f, "{} {}", self.kind, self.name),
            ns => write!(f, "{} {ns}/{}", self.kind, self.name),
        }
    }
}

/// One object, as data (JSON model: YAML's quoting, comments and key order are gone).
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub id: ObjectId,
    pub body: Value,
    /// The template it came from, from Helm's `# Source:` comment.
    pub source: Option<String>,
    /// Where it was read: `file:line`.
    pub origin: String,
}

/// Reads the YAML documents of `input`: a file, a folder read recursively in path order, or
/// `-`. Nothing is parsed yet: a review parses only documents that differ.
pub fn read(input: &Path) -> Result<Vec<Document>, Error> {
    let mut documents = Vec::new();
    for file in files(input)? {
        let text = read_text(&file)?;
        documents.extend(split(&file.display().to_string(), &text));
    }
    Ok(documents)
}

/// The manifest files of an input: itself, or the YAML and JSON files below a folder.
fn files(input: &Path) -> Result<Vec<PathBuf>, Error> {
    if input.as_os_str() == STDIN || !input.is_dir() {
        return Ok(vec![input.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![input.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::Read {
            path: dir.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            // A symlinked folder could loop, and a FIFO or device would block: only real
            // folders are entered, and only regular files (or links to them) read.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(path);
            } else if is_manifest_name(&path) && std::fs::metadata(&path).is_ok_and(|m| m.is_file())
            {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn read_text(path: &Path) -> Result<String, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    if path.as_os_str() == STDIN {
        return input::text(std::io::stdin().lock(), MAX_MANIFEST_BYTES).map_err(read_error);
    }
    let file = std::fs::File::open(path).map_err(read_error)?;
    input::text(file, MAX_MANIFEST_BYTES).map_err(read_error)
}

/// One YAML document of a manifest stream, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub file: String,
    /// The line it starts on (1-based).
    pub line: usize,
    pub text: String,
}

impl Document {
    /// Where it starts: `file:line`.
    pub fn origin(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Its objects (none for an empty document, several for a `kind: List`). Namespaced
    /// objects that name no namespace get `namespace` unless it is empty.
    pub fn objects(&self, namespace: &str) -> Result<Vec<Object>, Error> {
        let problem = |line: usize, message: String| Error::Manifest {
            file: self.file.clone(),
            line,
            message,
        };
        // Read as the API server reads it (YAML 1.1 scalars: `0644` is 420, `on` is true).
        let last = self.text.lines().count().max(1);
        let value = yaml11::parse(&self.text).map_err(|p| {
            // An error at the end of the text points at its last line, not past the file.
            let line = self.line + p.line.clamp(1, last) - 1;
            problem(line, format!("not YAML: {}", p.message))
        })?;
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let source = source_comment(&self.text);
        let mut objects = Vec::new();
        for mut body in unwrap_list(value) {
            let id = object_id(&body, namespace)
                .map_err(|m| problem(self.line + first_content_line(&self.text), m))?;
            // The namespace given for objects that name none is theirs, as `helm template -n`;
            // the API drops the one a cluster-scoped object names.
            if let Some(metadata) = body.get_mut("metadata").and_then(Value::as_object_mut) {
                if id.namespace.is_empty() {
                    metadata.remove("namespace");
                } else {
                    metadata.insert("namespace".into(), Value::String(id.namespace.clone()));
                }
            }
            objects.push(Object {
                id,
                body,
                source: source.clone(),
                origin: self.origin(),
            });
        }
        Ok(objects)
    }
}

/// Splits a stream at `---` lines, as Helm does: a separator is `---` at the start of a line,
/// alone or followed by a space or a comment.
pub fn split(file: &str, text: &str) -> Vec<Document> {
    let mut documents = Vec::new();
    let (mut start, mut start_line) = (0, 1);
    let mut offset = 0;
    let mut push = |from: usize, to: usize, line: usize| {
        documents.push(Document {
            file: file.to_string(),
            line,
            text: text[from..to].to_string(),
        })
    };
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        let separator = bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t");
        if separator {
            push(start, offset, start_line);
            // `--- {kind: ...}` or `--- !!map` starts the next document on this very line.
            let rest = bare[3..].trim_start();
            if rest.is_empty() || rest.starts_with('#') {
                start = offset + line.len();
                start_line = index + 2;
            } else {
                start = offset + 3;
                start_line = index + 1;
            }
        }
        offset += line.len();
    }
    push(start, text.len(), start_line);
    documents
}

/// Lines before the first line of content (comments and blank lines), to point at the object.
fn first_content_line(text: &str) -> usize {
    text.lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .count()
}

fn source_comment(text: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .find_map(|l| l.trim_start().strip_prefix("# Source:"))
        .map(|s| s.trim().to_string())
}

/// `kind: List` (what `kubectl get -o yaml` prints for several objects) stands for its items.
fn unwrap_list(value: Value) -> Vec<Value> {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    match value {
        Value::Object(mut map) if is_list => match map.remove("items") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        other => vec![other],
    }
}

fn object_id(body: &Value, namespace: &str) -> Result<ObjectId, String> {
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if !body.is_object() {
        return Err(
            "a document that is not a Kubernetes object (a mapping with kind and metadata.name)"
                .into(),
        );
    }
    let kind = text(body.get("kind")).ok_or("an object without `kind`")?;
    let api_version = text(body.get("apiVersion")).ok_or("an object without `apiVersion`")?;
    let metadata = body.get("metadata");
    let name = text(metadata.and_then(|m| m.get("name")))
        .ok_or_else(|| format!("a {kind} without `metadata.name`"))?;
    let group = match api_version.rsplit_once('/') {
        Some((group, _)) => group.to_string(),
        None => String::new(),
    };
    let namespace = if cluster_scoped(&kind) {
        String::new()
    } else {
        text(metadata.and_then(|m| m.get("namespace"))).unwrap_or_else(|| namespace.to_string())
    };
    Ok(ObjectId {
        group,
        kind,
        namespace,
        name,
    })
}

/// The cluster-scoped kinds charts commonly hold; any other kind is taken as namespaced.
fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "APIService"
            | "IngressClass"
            | "RuntimeClass"
            | "CSIDriver"
            | "VolumeAttachment"
            | "CSINode"
            | "VolumeSnapshotClass"
            | "VolumeSnapshotContent"
            | "CertificateSigningRequest"
            | "FlowSchema"
            | "PriorityLevelConfiguration"
            | "ClusterIssuer"
            | "ClusterSecretStore"
            | "ClusterPolicy"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(file: &str, text: &str, namespace: &str) -> Result<Vec<Object>, Error> {
        let mut objects = Vec::new();
        for document in split(file, text) {
            objects.extend(document.objects(namespace)?);
        }
        Ok(objects)
    }

    fn ids(text: &str) -> Vec<String> {
        parse("m.yaml", text, "")
            .unwrap()
            .iter()
            .map(|o| format!("{}|{}|{}", o.id.group, o.id, o.origin))
            .collect()
    }

    #[test]
    fn documents_are_split_at_separator_lines_and_empty_ones_skipped() {
        let text = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\n# only a comment\n--- # x\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: b\n  namespace: prod\n";
        assert_eq!(
            ids(text),
            ["|ConfigMap a|m.yaml:2", "apps|StatefulSet prod/b|m.yaml:10"]
        );
        let objects = parse("m.yaml", text, "").unwrap();
        assert_eq!(objects[0].source.as_deref(), Some("c/templates/a.yaml"));
        assert_eq!(objects[1].source, None);
    }

    #[test]
    fn a_document_may_start_on_its_separator_line() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n--- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n--- # c\n--- !!map\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n";
        assert_eq!(
            ids(text),
            [
                "|ConfigMap a|m.yaml:1",
                "|Secret b|m.yaml:4",
                "|Service s|m.yaml:6"
            ]
        );
    }

    #[test]
    fn parser_messages_never_quote_values() {
        let err = parse(
            "m.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {p: !!int hunter2}\n",
            "",
        );
        let text = err.unwrap_err().to_string();
        assert_eq!(text, "m.yaml:4: not YAML: a value tagged !!int is not one");
    }

    #[test]
    fn lists_are_unwrapped_and_the_default_namespace_applies_to_namespaced_kinds() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: s}}\n- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: r}}\n";
        let objects = parse("m.yaml", text, "prod").unwrap();
        let got: Vec<String> = objects.iter().map(|o| o.id.to_string()).collect();
        assert_eq!(got, ["Service prod/s", "ClusterRole r"]);
    }

    #[test]
    fn quoting_and_key_order_do_not_change_the_data() {
        let a = parse(
            "a",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: '1', j: \"2\"}\n",
            "",
        )
        .unwrap();
        let b = parse(
            "b",
            "kind: ConfigMap\ndata:\n  j: '2'\n  k: \"1\"\nmetadata:\n  name: x\napiVersion: v1\n",
            "",
        )
        .unwrap();
        assert_eq!(a[0].body, b[0].body);
    }

    #[test]
    fn bad_documents_are_errors_with_file_and_line() {
        let err = |text: &str| parse("m.yaml", text, "").unwrap_err().to_string();
        assert_eq!(
            err("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\na: [1\nb: 2\n"),
            "m.yaml:6: not YAML: illegal placement of ':' indicator"
        );
        assert_eq!(
            err("---\n# c\napiVersion: v1\nmetadata: {name: x}\n"),
            "m.yaml:3: an object without `kind`"
        );
        assert_eq!(
            err("apiVersion: v1\nkind: Secret\nmetadata: {}\n"),
            "m.yaml:1: a Secret without `metadata.name`"
        );
        assert_eq!(
            err("- a\n"),
            "m.yaml:1: a document that is not a Kubernetes object (a mapping with kind and metadata.name)"
        );
    }
}
