//! Every string the spec can hold reaches Kubernetes as that same string.
//!
//! The fields come from the spec's JSON Schema (schema/chartgen.schema.json): every string
//! field, map keys included, not a sample. A base spec holds a marker in each (`q123`; a
//! quantity `7123`). For each field and each value a YAML reader could take for something
//! else (`true`, `null`, `0755`, `1e3`, ...) that the field's own validation allows, the
//! field's marker is swapped for the value; real Helm renders the chart, and its documents,
//! read as Helm and Kubernetes read them (go-yaml's resolution, see tests/helm_check.py), must
//! be the base chart's with the marker swapped for the value: the same string in each place.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::support::{helm, root};
use chartgen::error::Error;

/// The three characters YAML 1.1 readers take for line breaks inside any scalar (NEL, LINE
/// SEPARATOR, PARAGRAPH SEPARATOR): written raw, NEL comes back a space.
const BREAKS: &str = "a\u{85}b\u{2028}c\u{2029}d";

/// Plain scalars that YAML 1.1 or go-yaml v2 read as booleans, null or numbers, and BREAKS.
const AWKWARD: &[&str] = &[
    "true", "null", "0755", "1e3", "~", "yes", "0x1F", "0x1f", "y", BREAKS,
];

/// The spec as the text chartgen reads: JSON, with the three line-break characters escaped,
/// as a user writes them (raw, the YAML reader of the spec itself would fold them).
fn text(spec: &Value) -> String {
    spec.to_string()
        .replace('\u{85}', "\\u0085")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Every string field of the schema: `storage[].name`, `env.<key>`, `env.<value>`, ...
fn string_fields(schema: &Value) -> BTreeSet<String> {
    fn walk(node: &Value, defs: &Value, path: &str, out: &mut BTreeSet<String>) {
        if let Some(name) = node["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
            return walk(&defs[name], defs, path, out);
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            for sub in node[key].as_array().into_iter().flatten() {
                walk(sub, defs, path, out);
            }
        }
        let string = |t: &Value| t == "string";
        if string(&node["type"])
            || node["type"]
                .as_array()
                .is_some_and(|ts| ts.iter().any(string))
        {
            out.insert(path.to_string());
        }
        for (key, sub) in node["properties"].as_object().into_iter().flatten() {
            walk(sub, defs, &field(path, key), out);
        }
        if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
            out.insert(field(path, "<key>"));
            walk(values, defs, &field(path, "<value>"), out);
        }
        if let Some(items) = node.get("items") {
            walk(items, defs, &format!("{path}[]"), out);
        }
    }
    let mut out = BTreeSet::new();
    walk(schema, &schema["$defs"], "", &mut out);
    out
}

fn field(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A spec with every string field set. `?` becomes a marker (as a key, too), `#` a marker
/// that is a quantity, `/?` a marker that is a path; the port name `qport` is shared by the
/// fields that must name a declared port.
fn base() -> Value {
    let term = || {
        json!({
            "topologyKey": "?",
            "labelSelector": { "matchExpressions": [{ "key": "?", "operator": "?", "values": ["?"] }], "matchLabels": { "?": "?" } },
            "matchLabelKeys": ["?"],
            "mismatchLabelKeys": ["?"],
            "namespaceSelector": { "matchExpressions": [{ "key": "?", "operator": "?", "values": ["?"] }], "matchLabels": { "?": "?" } },
            "namespaces": ["?"],
        })
    };
    let node_term = || {
        json!({
            "matchExpressions": [{ "key": "?", "operator": "?", "values": ["?"] }],
            "matchFields": [{ "key": "?", "operator": "?", "values": ["?"] }],
        })
    };
    let profile = || json!({ "type": "?", "localhostProfile": "?" });
    let se_linux = || json!({ "level": "?", "role": "?", "type": "?", "user": "?" });
    let windows = || json!({ "gmsaCredentialSpec": "?", "gmsaCredentialSpecName": "?", "runAsUserName": "?" });
    let image =
        || json!({ "repository": "?", "tag": "?", "pullPolicy": "Always", "pullSecrets": ["?"] });
    // Every kind of value; the pod field and resource are names Kubernetes lists, not markers.
    let env = || {
        json!({
            "?": "?",
            "E_SECRET": { "secretKeyRef": { "name": "?", "key": "?", "optional": true } },
            "E_CONFIG": { "configMapKeyRef": { "name": "?", "key": "?" } },
            "E_FIELD": { "fieldRef": { "fieldPath": "metadata.name", "apiVersion": "v1" } },
            "E_RESOURCE": { "resourceFieldRef": { "resource": "limits.memory", "divisor": "1Mi" } },
        })
    };
    let env_from = || {
        json!([
            { "secretRef": { "name": "?", "optional": true }, "prefix": "?" },
            { "configMapRef": { "name": "?" } },
        ])
    };
    let mut spec = json!({
        "name": "?",
        "description": "?",
        "version": "1.0.0",
        "appVersion": "?",
        "kubeVersion": ">=1.25.0-0",
        "image": image(),
        "command": ["?"],
        "args": ["?"],
        "ports": [{ "name": "qport", "port": 8080, "protocol": "TCP" }],
        "replicas": 2,
        "storage": [{ "name": "?", "size": "#", "mountPath": "/?", "storageClass": "?", "accessModes": ["ReadWriteOnce"] }],
        "retention": { "whenDeleted": "Retain", "whenScaled": "Delete" },
        "probes": {
            "liveness": { "http": "/?", "port": "qport" },
            "readiness": { "exec": ["?"] },
            "startup": { "grpc": { "service": "?" }, "port": "qport" },
        },
        "policy": "Parallel",
        "strategy": { "type": "RollingUpdate", "partition": 1, "maxUnavailable": "50%" },
        "service": { "type": "NodePort", "port": 80, "targetPort": "qport", "nodePort": 30080 },
        "emptyDirs": ["/?"],
        "env": env(),
        "envFrom": env_from(),
        "secrets": [
            { "name": "?", "key": "?", "value": "?", "notSecret": true, "file": "/?" },
            { "name": "?", "value": "?", "notSecret": true },
        ],
        "config": { "files": { "?": "?" }, "mountPath": "/?", "env": { "?": "?" } },
        "hooks": [{
            // A hook's image takes no pullSecrets: hook pods pull with the app's.
            "name": "?", "events": ["pre-install"], "image": { "repository": "?", "tag": "?", "pullPolicy": "Always" },
            "command": ["?"], "args": ["?"],
            "weight": 1, "deletePolicy": ["hook-succeeded"],
            "env": env(), "envFrom": env_from(),
            "resources": { "requests": { "?": "#" }, "limits": { "?": "#" } },
        }],
        "resources": { "requests": { "?": "#" }, "limits": { "?": "#" } },
        "serviceAccount": { "create": true, "name": "?", "automount": false, "annotations": { "?": "?" } },
        "podAnnotations": { "?": "?" },
        "podLabels": { "?": "?" },
        "podSecurityContext": {
            "appArmorProfile": profile(), "fsGroupChangePolicy": "?", "seLinuxChangePolicy": "?",
            "seLinuxOptions": se_linux(), "seccompProfile": profile(), "supplementalGroupsPolicy": "?",
            "sysctls": [{ "name": "?", "value": "?" }], "windowsOptions": windows(),
        },
        "securityContext": {
            "appArmorProfile": profile(), "capabilities": { "add": ["?"], "drop": ["?"] }, "procMount": "?",
            "seLinuxOptions": se_linux(), "seccompProfile": profile(), "windowsOptions": windows(),
        },
        "nodeSelector": { "?": "?" },
        "tolerations": [{ "key": "?", "operator": "?", "value": "?", "effect": "?" }],
        "affinity": {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [{ "weight": 1, "preference": node_term() }],
                "requiredDuringSchedulingIgnoredDuringExecution": { "nodeSelectorTerms": [node_term()] },
            },
            "podAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [{ "weight": 1, "podAffinityTerm": term() }],
                "requiredDuringSchedulingIgnoredDuringExecution": [term()],
            },
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [{ "weight": 1, "podAffinityTerm": term() }],
                "requiredDuringSchedulingIgnoredDuringExecution": [term()],
            },
        },
        "ingress": {
            "className": "?", "annotations": { "?": "?" },
            "hosts": [{ "host": "?", "paths": [{ "path": "/?", "pathType": "Prefix" }] }],
            "tls": [{ "secretName": "?", "hosts": ["?"] }],
        },
        "dependencies": [{ "name": "?", "version": "?", "repository": "?", "alias": "?", "condition": "?" }],
        "priorityClassName": "?",
        "terminationGracePeriodSeconds": 30,
        "preStop": ["?"],
        "spread": "soft",
        "disruptionBudget": { "maxUnavailable": "50%" },
        "networkPolicy": { "allowExternal": false, "fromNamespaces": { "?": "?" }, "fromPods": { "?": "?" } },
        "metrics": { "port": "qport", "path": "/?", "interval": "30s" },
        "volumePermissions": true,
    });
    mark(&mut spec, &mut 100);
    spec
}

fn mark(node: &mut Value, next: &mut u32) {
    match node {
        Value::String(s) if matches!(s.as_str(), "?" | "#" | "/?") => *s = marker(s, next),
        Value::Array(items) => items.iter_mut().for_each(|item| mark(item, next)),
        Value::Object(map) => {
            for (key, mut value) in std::mem::take(map) {
                let key = if key == "?" { marker("?", next) } else { key };
                mark(&mut value, next);
                map.insert(key, value);
            }
        }
        _ => {}
    }
}

fn marker(template: &str, next: &mut u32) -> String {
    *next += 1;
    match template {
        "#" => format!("7{next}"),
        "/?" => format!("/q{next}"),
        _ => format!("q{next}"),
    }
}

/// The base and two variants, so that fields that exclude each other all appear: each probe
/// kind in each probe, an image digest (which hides the tag), minAvailable.
fn variants() -> Vec<Value> {
    let a = base();
    let rotated = |spec: &Value| {
        let mut next = spec.clone();
        let p = &spec["probes"];
        next["probes"] = json!({ "liveness": p["readiness"], "readiness": p["startup"], "startup": p["liveness"] });
        next
    };
    let mut b = rotated(&a);
    let digest = format!("sha256:{}", "ab".repeat(32));
    b["image"]["digest"] = json!(digest);
    b["hooks"][0]["image"]["digest"] = json!(digest);
    b["disruptionBudget"] = json!({ "minAvailable": "50%" });
    // The hook reads the second secret, by its marker, so both change together. Not in the
    // base: tried with the hook's variables, one value would name two of them.
    b["hooks"][0]["secrets"] = json!([a["secrets"][1]["name"]]);
    let c = rotated(&b);
    vec![a, b, c]
}

/// The string at the first place `path` names (the first element or map value that has the
/// rest of the path, the first key), if the spec has one.
fn marker_at(spec: &Value, path: &str) -> Option<String> {
    fn at(node: &Value, parts: &[&str]) -> Option<String> {
        let Some((part, rest)) = parts.split_first() else {
            return node.as_str().map(str::to_string);
        };
        let (name, arrays) = (part.trim_end_matches("[]"), part.matches("[]").count());
        let mut nodes: Vec<&Value> = match name {
            "<key>" => return node.as_object()?.keys().next().cloned(),
            "<value>" => node.as_object()?.values().collect(),
            _ => vec![node.get(name)?],
        };
        for _ in 0..arrays {
            nodes = nodes
                .into_iter()
                .flat_map(|n| n.as_array().into_iter().flatten())
                .collect();
        }
        nodes.into_iter().find_map(|n| at(n, rest))
    }
    at(spec, &path.split('.').collect::<Vec<_>>())
}

/// Every key and string equal to `from`, or (`within`) holding it, with it replaced by `to`.
fn replaced(node: &Value, from: &str, to: &str, within: bool) -> Value {
    let swap = |s: &str| {
        if within {
            s.replace(from, to)
        } else if s == from {
            to.to_string()
        } else {
            s.to_string()
        }
    };
    match node {
        Value::String(s) => Value::String(swap(s)),
        Value::Array(items) => items
            .iter()
            .map(|i| replaced(i, from, to, within))
            .collect(),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (swap(k), replaced(v, from, to, within)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// The chart of `spec`, written to `dir`; None when the spec is refused.
fn chart(spec: &Value, dir: &Path) -> Option<()> {
    let file = chartgen::load::parse(Path::new("chartgen.yaml"), text(spec));
    match file.and_then(chartgen::app::compile_file) {
        Ok(compiled) => {
            for (path, content) in compiled.chart.files() {
                let target = dir.join(path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, content).unwrap();
            }
            Some(())
        }
        Err(Error::Spec { .. }) => None,
        Err(other) => panic!("{other}"),
    }
}

/// The rendered documents with what legitimately differs between two renderings left out:
/// the checksum annotations (they hash content that changed).
fn comparable(docs: &Value) -> Value {
    let mut docs = docs.clone();
    for doc in docs.as_object_mut().unwrap().values_mut() {
        let notes = doc.pointer_mut("/spec/template/metadata/annotations");
        if let Some(notes) = notes.and_then(Value::as_object_mut) {
            notes.retain(|k, _| !k.starts_with("checksum/"));
        }
    }
    docs
}

fn first_difference(want: &Value, got: &Value, at: &str) -> Option<String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            let keys: BTreeSet<&String> = w.keys().chain(g.keys()).collect();
            keys.into_iter().find_map(|k| match (w.get(k), g.get(k)) {
                (Some(w), Some(g)) => first_difference(w, g, &format!("{at}/{k}")),
                (Some(_), None) => Some(format!("{at}: key {k:?} missing")),
                _ => Some(format!("{at}: unexpected key {k:?}")),
            })
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => w
            .iter()
            .zip(g)
            .enumerate()
            .find_map(|(i, (w, g))| first_difference(w, g, &format!("{at}/{i}"))),
        _ if want == got => None,
        _ => Some(format!("{at}: want {want}, got {got}")),
    }
}

/// Whether chartgen's validation takes the spec (it is rendered later, in batches).
fn valid(spec: &Value) -> bool {
    chartgen::load::parse(Path::new("chartgen.yaml"), text(spec))
        .is_ok_and(|file| chartgen::validate::validate(&file).is_ok())
}

/// One rendering: `fields` (their `markers`) of a variant all set to `value`.
struct Job<'a> {
    fields: Vec<&'a str>,
    markers: Vec<String>,
    value: &'a str,
    variant: usize,
}

#[test]
fn every_string_field_reaches_kubernetes_as_the_same_string() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/chartgen.schema.json")).unwrap(),
    )
    .unwrap();
    // The hook image shares the app's Image type, but validation refuses its pullSecrets
    // (hook pods pull with the app's): no chart can hold it.
    // A probe's string form is only the word `none`, which leaves the probe out of the chart.
    let refused = [
        "hooks[].image.pullSecrets[]",
        "probes.liveness",
        "probes.readiness",
    ];
    let fields: Vec<_> = string_fields(&schema)
        .into_iter()
        .filter(|f| !refused.contains(&f.as_str()))
        .collect();
    let variants = variants();
    // Each field is tried in the first variant that has it, and rendered with the other
    // fields of its top-level section that take the same value: each value is checked on
    // its own by validation, and together they must render as each does alone.
    let mut sections: BTreeMap<(usize, &str), Vec<&str>> = BTreeMap::new();
    let mut missing = Vec::new();
    for field in &fields {
        match variants.iter().position(|v| marker_at(v, field).is_some()) {
            Some(variant) => {
                let section = field.split(['.', '[']).next().unwrap();
                sections.entry((variant, section)).or_default().push(field);
            }
            None => missing.push(field),
        }
    }
    assert!(
        missing.is_empty(),
        "the base spec lacks string fields {missing:?}"
    );

    let mut jobs: Vec<Job> = Vec::new();
    let mut refused = 0;
    for value in AWKWARD {
        for (&(variant, _), section) in &sections {
            let spec = &variants[variant];
            let mut job = Job {
                fields: vec![],
                markers: vec![],
                value,
                variant,
            };
            for field in section {
                let marker = marker_at(spec, field).unwrap();
                if !valid(&replaced(spec, &marker, value, false)) {
                    refused += 1;
                    continue;
                }
                job.fields.push(field);
                if !job.markers.contains(&marker) {
                    job.markers.push(marker);
                }
            }
            if !job.fields.is_empty() {
                jobs.push(job);
            }
        }
    }
    // Not vacuous: the names the issue found printed as other types are among them.
    for (field, value) in [
        ("name", "true"),
        ("storage[].name", "0755"),
        ("priorityClassName", "null"),
        ("hooks[].name", "yes"),
        ("secrets[].name", "true"),
        ("serviceAccount.name", "1e3"),
        ("ports[].name", "y"),
        ("ingress.className", "0x1f"),
        ("ingress.tls[].secretName", "yes"),
        ("env.<value>", "~"),
        ("env.<value>", BREAKS),
        ("command[]", BREAKS),
        ("podAnnotations.<value>", BREAKS),
        ("config.files.<value>", BREAKS),
        ("probes.readiness.exec[]", BREAKS),
        ("hooks[].args[]", BREAKS),
        ("securityContext.seLinuxOptions.level", BREAKS),
        ("tolerations[].value", BREAKS),
    ] {
        assert!(
            jobs.iter()
                .any(|j| j.value == value && j.fields.contains(&field)),
            "{field} = {value:?} was not tried"
        );
    }

    let tmp = tempfile::tempdir().unwrap();
    let mut charts = Vec::new();
    for (i, spec) in variants.iter().enumerate() {
        let dir = tmp.path().join(format!("base-{i}"));
        chart(spec, &dir).unwrap_or_else(|| panic!("base variant {i} is refused"));
        charts.push(json!({ "chart": dir, "values": {} }));
    }
    for (n, job) in jobs.iter().enumerate() {
        let spec = job
            .markers
            .iter()
            .fold(variants[job.variant].clone(), |spec, marker| {
                replaced(&spec, marker, job.value, false)
            });
        let dir = tmp.path().join(format!("job-{n}"));
        chart(&spec, &dir).unwrap_or_else(|| {
            panic!(
                "{:?} = {:?} are valid one by one, not together",
                job.fields, job.value
            )
        });
        charts.push(json!({ "chart": dir, "values": {} }));
    }

    let answers = helm(&["parse"], &Value::Array(charts));
    let answers = answers.as_array().unwrap();
    let docs = |i: usize| match &answers[i]["docs"] {
        Value::Null => Err(answers[i]["error"].to_string()),
        docs => Ok(comparable(docs)),
    };
    let bases: Vec<Value> = (0..variants.len()).map(|i| docs(i).unwrap()).collect();
    let mut wrong = Vec::new();
    for (n, job) in jobs.iter().enumerate() {
        let want = job
            .markers
            .iter()
            .fold(bases[job.variant].clone(), |docs, marker| {
                replaced(&docs, marker, job.value, true)
            });
        let difference = match docs(variants.len() + n) {
            Ok(got) => first_difference(&want, &got, ""),
            Err(err) => Some(format!("Helm refused it: {err}")),
        };
        if let Some(difference) = difference {
            wrong.push(format!("{:?} = {:?}: {difference}", job.fields, job.value));
        }
    }
    let tried: usize = jobs.iter().map(|j| j.fields.len()).sum();
    assert!(
        wrong.is_empty(),
        "{} of {} renderings changed a string ({tried} field values tried, {refused} refused by \
         validation):\n{}",
        wrong.len(),
        jobs.len(),
        wrong.join("\n")
    );
}

#[test]
fn values_overrides_stay_strings_and_cannot_write_yaml() {
    let inject = "nginx\n  defaultBackend: {service: {name: x, port: {number: 80}}}";
    let spec = &variants()[0];
    let claim = spec["storage"][0]["name"].as_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    chart(spec, tmp.path()).unwrap();
    let values = json!({
        "replicaCount": 1,
        "nameOverride": "true",
        "fullnameOverride": "1e3",
        "priorityClassName": "null",
        "serviceAccount": { "name": "yes" },
        "existingSecret": "0x1F",
        "persistence": { claim: { "existingClaim": "0755" } },
        "pdb": { "minAvailable": "50%", "maxUnavailable": "" },
        "ingress": {
            "className": inject,
            "tls": [{ "secretName": format!("{inject} }}}}"), "hosts": ["{{ .Release.Name }}"] }],
        },
        "metrics": { "serviceMonitor": { "path": format!("/{inject}"), "interval": "~" } },
    });
    let answer = helm(
        &["parse"],
        &json!([{ "chart": tmp.path(), "values": values }]),
    );
    let docs = answer[0]["docs"]
        .as_object()
        .unwrap_or_else(|| panic!("{answer}"));
    let doc = |file: &str| {
        docs.iter()
            .find(|(key, _)| key.contains(&format!("/templates/{file}#")))
            .unwrap_or_else(|| panic!("no {file}"))
            .1
    };
    let sts = doc("statefulset.yaml");
    let ingress = doc("ingress.yaml");
    let pod = &sts["spec"]["template"]["spec"];
    let claims: Vec<&Value> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.pointer("/persistentVolumeClaim/claimName"))
        .collect();
    // The base spec's one secret is a file: existingSecret names the Secret mounted.
    let env = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "secret-files")
        .map_or(&Value::Null, |v| &v["secret"]["secretName"]);
    let cases = [
        (
            &sts["metadata"]["labels"]["app.kubernetes.io/name"],
            json!("true"),
        ),
        (&sts["metadata"]["name"], json!("1e3")),
        (&pod["priorityClassName"], json!("null")),
        (&pod["serviceAccountName"], json!("yes")),
        (env, json!("0x1F")),
        (claims[0], json!("0755")),
        (&doc("pdb.yaml")["spec"]["minAvailable"], json!("50%")),
        (&ingress["spec"]["ingressClassName"], json!(inject)),
        (
            &ingress["spec"]["tls"][0]["secretName"],
            json!(format!("{inject} }}}}")),
        ),
        (
            &ingress["spec"]["tls"][0]["hosts"][0],
            json!("{{ .Release.Name }}"),
        ),
        (
            &doc("servicemonitor.yaml")["spec"]["endpoints"][0]["path"],
            json!(format!("/{inject}")),
        ),
        (
            &doc("servicemonitor.yaml")["spec"]["endpoints"][0]["interval"],
            json!("~"),
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, &want);
    }
    assert_eq!(ingress["spec"].get("defaultBackend"), None);
}
