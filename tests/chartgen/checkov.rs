//! Secure by default, judged by an independent scanner: checkov (pinned in
//! tests/requirements-checkov.txt) scans the default render of every chart chartgen produces —
//! every example, preset and test spec — in one process, each chart in a namespace of its own
//! so that no cross-resource check (a NetworkPolicy selecting pods) crosses charts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::support::{all_specs, chartgen, generate, helm, manifest, root, secret_values, stderr};

/// What chartgen leaves to the user, by design (README "Secure by default").
fn allowed(check: &str, object: &Value) -> bool {
    let hook = object.pointer("/metadata/annotations/helm.sh~1hook");
    match check {
        // No CPU limit: it throttles latency-sensitive apps; resources.limits.cpu sets one.
        "CKV_K8S_11" => true,
        // Pull policy and digest: an image pinned by tag (chartgen cannot look up a digest
        // offline); with a digest, neither is allowed.
        "CKV_K8S_15" | "CKV_K8S_43" => images(object).iter().any(|i| !i.contains("@sha256:")),
        // Probes on the `helm test` pod, which runs once.
        "CKV_K8S_8" | "CKV_K8S_9" => hook.is_some_and(|h| h == "test"),
        _ => false,
    }
}

/// Findings a spec asks for on purpose, each with the spec's choice; the test fails when one
/// disappears, so the list stays true. `chartgen validate` warns about `latest`.
const CHOSEN: &[(&str, &str, &str)] = &[
    // The seeds' apps are published as `latest` only: no version tag or digest exists to pin.
    (
        "fastapi-app",
        "CKV_K8S_14",
        "tag: latest, the only one published",
    ),
    (
        "golang-web-app",
        "CKV_K8S_14",
        "tag: latest, the only one published",
    ),
    (
        "helm-app-python",
        "CKV_K8S_14",
        "tag: latest, the only one published",
    ),
    (
        "node-app",
        "CKV_K8S_14",
        "tag: latest, the only one published",
    ),
    (
        "python-app",
        "CKV_K8S_14",
        "tag: latest, the only one published",
    ),
    (
        "web-apps",
        "CKV_K8S_14",
        "tag: latest, the only one published",
    ),
    (
        "your-app",
        "CKV_K8S_14",
        "tag: latest, the only one published",
    ),
    // A secret without `file:` is the environment variable it names: the seeds' apps read
    // theirs from the environment, and the secrets test spec tests exactly that.
    (
        "fastapi-app",
        "CKV_K8S_35",
        "secrets[].name: the app reads MY_PASS from its environment",
    ),
    (
        "python-app",
        "CKV_K8S_35",
        "secrets[].name: the app reads MY_USER, MY_PASS from its environment",
    ),
    (
        "web-apps",
        "CKV_K8S_35",
        "env.MY_PASSWORD: the app reads Secret credentials' password from its environment",
    ),
    (
        "secrets",
        "CKV_K8S_35",
        "secrets as env vars, what it tests",
    ),
    (
        "env-sources",
        "CKV_K8S_35",
        "env from Secrets, what it tests",
    ),
    ("account", "CKV_K8S_38", "serviceAccount.automount: true"),
    // Vault's agent injector logs in with the token (`chartgen validate` warns without it).
    (
        "helm-app-python",
        "CKV_K8S_38",
        "serviceAccount.automount: true",
    ),
    ("web-apps", "CKV_K8S_38", "serviceAccount.automount: true"),
    (
        "production",
        "CKV_K8S_25",
        "volumePermissions: its init container adds CHOWN, FOWNER",
    ),
    (
        "scheduling",
        "CKV_K8S_20",
        "a securityContext of its own, as root",
    ),
    (
        "scheduling",
        "CKV_K8S_22",
        "a securityContext of its own, as root",
    ),
    (
        "scheduling",
        "CKV_K8S_23",
        "a securityContext of its own, as root",
    ),
    (
        "scheduling",
        "CKV_K8S_28",
        "a securityContext of its own, as root",
    ),
    (
        "scheduling",
        "CKV_K8S_31",
        "a securityContext of its own, as root",
    ),
    (
        "scheduling",
        "CKV_K8S_37",
        "a securityContext of its own, as root",
    ),
    (
        "scheduling",
        "CKV_K8S_40",
        "a securityContext of its own, as root",
    ),
    ("worker", "CKV_K8S_9", "no port and no readiness probe"),
];

fn images(object: &Value) -> Vec<String> {
    containers(object)
        .iter()
        .filter_map(|c| c.get("image").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// checkov from the project's venv; missing, the test fails and says how to get it.
fn checkov() -> PathBuf {
    let path = std::env::var_os("CHARTGEN_CHECKOV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv-checkov/bin/checkov"));
    assert!(
        path.exists(),
        "no checkov at {}: run `bash scripts/test.sh`, which creates .venv-checkov from \
         tests/requirements-checkov.txt, or set CHARTGEN_CHECKOV",
        path.display()
    );
    path
}

/// Every chart to scan, by name: the examples, the presets and the test specs, generated.
fn charts(work: &Path) -> Vec<(String, PathBuf, Value)> {
    let mut charts = Vec::new();
    for spec in all_specs() {
        let name = match spec.file_name().and_then(|f| f.to_str()) {
            Some("chartgen.yaml") => spec
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            _ => spec.file_stem().unwrap().to_string_lossy().into_owned(),
        };
        let out = work.join("charts").join(&name);
        generate(&spec, &out);
        charts.push((name, out, spec_of(&spec)));
    }
    for preset in std::fs::read_dir(root().join("presets")).unwrap() {
        let preset = preset
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let name = format!("p-{preset}");
        let made = chartgen(&["new", &name, "--preset", &preset], &work.join("charts"));
        assert!(made.status.success(), "{preset}: {}", stderr(&made));
        let out = work.join("charts").join(&name);
        let spec = spec_of(&out.join("chartgen.yaml"));
        charts.push((name, out, spec));
    }
    charts
}

fn spec_of(path: &Path) -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_chart_passes_checkov_but_for_what_the_readme_allows() {
    let checkov = checkov();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("charts")).unwrap();
    std::fs::create_dir_all(tmp.path().join("out")).unwrap();
    let charts = charts(tmp.path());
    let jobs: Vec<Value> = charts
        .iter()
        .map(|(name, dir, spec)| json!({"chart": dir, "values": secret_values(spec), "release": "rel", "namespace": name}))
        .collect();
    let renders = helm(&["render-many"], &Value::Array(jobs));
    let mut objects: BTreeMap<(String, String), Value> = BTreeMap::new();
    for ((name, _, _), render) in charts.iter().zip(renders.as_array().unwrap()) {
        let files = render
            .get("files")
            .unwrap_or_else(|| panic!("{name}: Helm: {}", render["error"]));
        let text = manifest(files);
        for document in serde_yaml::Deserializer::from_str(&text) {
            let object: Value = serde::Deserialize::deserialize(document).unwrap();
            if let (Some(kind), Some(id)) = (
                object["kind"].as_str(),
                object.pointer("/metadata/name").and_then(Value::as_str),
            ) {
                objects.insert(
                    (name.clone(), format!("{kind}.{name}.{id}")),
                    object.clone(),
                );
            }
        }
        std::fs::write(tmp.path().join("out").join(format!("{name}.yaml")), text).unwrap();
    }
    let out = Command::new(&checkov)
        .args([
            "-d",
            "out",
            "--framework",
            "kubernetes",
            "-o",
            "json",
            "--quiet",
            "--compact",
            "--skip-download",
        ])
        .current_dir(tmp.path())
        .output()
        .expect("checkov runs");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let reports = match report {
        Value::Array(reports) => reports,
        one => vec![one],
    };
    let mut unexpected = BTreeSet::new();
    let mut chosen_found = BTreeSet::new();
    let failed = reports.iter().flat_map(|r| {
        r["results"]["failed_checks"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    });
    for finding in failed {
        let check = finding["check_id"].as_str().unwrap_or_default().to_string();
        let resource = finding["resource"].as_str().unwrap_or_default().to_string();
        let file = finding["file_path"].as_str().unwrap_or_default();
        let chart = Path::new(file)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let object = objects
            .get(&(chart.clone(), resource.clone()))
            .cloned()
            .unwrap_or(Value::Null);
        if allowed(&check, &object) {
            continue;
        }
        if CHOSEN.iter().any(|(c, k, _)| *c == chart && *k == check) {
            chosen_found.insert((chart, check));
            continue;
        }
        unexpected.insert(format!(
            "{chart}: {check} {} on {resource}",
            finding["check_name"].as_str().unwrap_or_default()
        ));
    }
    assert!(
        unexpected.is_empty(),
        "checkov findings outside README's allowed list:\n{}",
        unexpected.into_iter().collect::<Vec<_>>().join("\n")
    );
    let stale: Vec<String> = CHOSEN
        .iter()
        .filter(|(c, k, _)| !chosen_found.contains(&(c.to_string(), k.to_string())))
        .map(|(c, k, why)| format!("{c}: {k} ({why})"))
        .collect();
    assert!(
        stale.is_empty(),
        "these now pass: take them off CHOSEN in tests/chartgen/checkov.rs:\n{}",
        stale.join("\n")
    );
}

/// Every chart the tests produce, rendered by Helm with a value of its own for each secret:
/// a secret the spec mounts as a file is mounted at its path and in no environment variable,
/// one it does not is an env var from the Secret, and no container of any manifest (app,
/// hooks, test pod) carries a secret's value, or a `$(NAME)` that expands to it, in its
/// command or arguments.
#[test]
fn secrets_are_files_when_asked_and_never_on_a_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("charts")).unwrap();
    let charts = charts(tmp.path());
    let value = |name: &str| format!("s3cr3t-{name}");
    let jobs: Vec<Value> = charts
        .iter()
        .map(|(_, dir, spec)| {
            let secrets: serde_json::Map<String, Value> = spec["secrets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| {
                    let name = s["name"].as_str().unwrap();
                    (name.to_string(), json!(value(name)))
                })
                .collect();
            let values = if secrets.is_empty() {
                json!({})
            } else {
                json!({"secrets": secrets})
            };
            json!({"chart": dir, "values": values, "release": "rel", "namespace": "ns"})
        })
        .collect();
    let renders = helm(&["render-many"], &Value::Array(jobs));
    let mut checked = 0;
    for ((name, _, spec), render) in charts.iter().zip(renders.as_array().unwrap()) {
        let files = render
            .get("files")
            .unwrap_or_else(|| panic!("{name}: Helm: {}", render["error"]));
        let objects: Vec<Value> = serde_yaml::Deserializer::from_str(&manifest(files))
            .map(|d| <Value as serde::Deserialize>::deserialize(d).unwrap())
            .collect();
        let secrets = spec["secrets"].as_array().cloned().unwrap_or_default();
        for container in objects.iter().flat_map(containers) {
            let line = serde_json::to_string(&[&container["command"], &container["args"]]).unwrap();
            for secret in &secrets {
                let key = secret["name"].as_str().unwrap();
                assert!(
                    !line.contains(&value(key)) && !line.contains(&format!("$({key})")),
                    "{name}: {key} on the command line of {}: {line}",
                    container["name"]
                );
            }
        }
        let Some(sts) = objects.iter().find(|o| o["kind"] == "StatefulSet") else {
            continue;
        };
        let pod = &sts["spec"]["template"]["spec"];
        let app = &pod["containers"][0];
        if secrets.iter().any(|s| s["file"].is_string()) {
            let volume = pod["volumes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["name"] == "secret-files");
            // 0440: the pod's user reads them through fsGroup.
            assert_eq!(volume.unwrap()["secret"]["defaultMode"], 288, "{name}");
        }
        let env = app["env"].as_array().cloned().unwrap_or_default();
        let mounts = app["volumeMounts"].as_array().cloned().unwrap_or_default();
        for secret in &secrets {
            let var = secret["name"].as_str().unwrap();
            let key = secret["key"].as_str().unwrap_or(var);
            let as_env = env.iter().find(|e| e["name"] == var);
            match secret["file"].as_str() {
                Some(path) => {
                    assert_eq!(as_env, None, "{name}: {var} is an env var");
                    let mount = mounts.iter().find(|m| m["mountPath"] == path);
                    assert_eq!(
                        mount,
                        Some(
                            &json!({"name": "secret-files", "mountPath": path, "subPath": key, "readOnly": true})
                        ),
                        "{name}: {key}"
                    );
                }
                None => assert_eq!(
                    as_env.map(|e| &e["valueFrom"]["secretKeyRef"]["key"]),
                    Some(&json!(key)),
                    "{name}: {key}"
                ),
            }
            checked += 1;
        }
    }
    // The presets' file secrets, the examples' and the test specs' env secrets.
    assert!(checked >= 8, "only {checked} secrets checked");
}

/// Every container of a Kubernetes object holding a pod template (or a pod).
fn containers(object: &Value) -> Vec<Value> {
    let pod = [
        "/spec/template/spec",
        "/spec/jobTemplate/spec/template/spec",
        "/spec",
    ]
    .iter()
    .find_map(|p| {
        object
            .pointer(p)
            .filter(|pod| pod.get("containers").is_some())
    });
    let Some(pod) = pod else { return Vec::new() };
    ["containers", "initContainers"]
        .iter()
        .filter_map(|list| pod.get(list).and_then(Value::as_array))
        .flatten()
        .cloned()
        .collect()
}
