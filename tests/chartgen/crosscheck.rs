//! One truth for chartgen's own charts: `chartgen diff` (spec against chart, without Helm) must
//! agree with `chartgen review` of the same change rendered by real Helm, on the overall effect
//! and on whether Kubernetes would refuse the upgrade. Every example and preset, a table of
//! spec changes each.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::{
    chartgen, copy_dir, helm, manifest, root, secret_values, stderr, vendor_dependencies,
};

/// A change to a spec, as data; None when it does not apply to that spec.
type Mutation = fn(&mut Value) -> Option<()>;

fn object<'a>(spec: &'a mut Value, key: &str) -> &'a mut serde_json::Map<String, Value> {
    let map = spec.as_object_mut().unwrap();
    map.entry(key)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .unwrap()
}

fn list<'a>(spec: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    let map = spec.as_object_mut().unwrap();
    map.entry(key)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .unwrap()
}

fn first_claim(spec: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
    spec.get_mut("storage")?.get_mut(0)?.as_object_mut()
}

fn serves(spec: &Value) -> bool {
    spec.pointer("/service/enabled") != Some(&json!(false))
}

const MUTATIONS: &[(&str, Mutation)] = &[
    ("replicas", |s| {
        let replicas = s.get("replicas").and_then(Value::as_i64).unwrap_or(1);
        s["replicas"] = json!(replicas + 1);
        Some(())
    }),
    ("image tag", |s| {
        let image = object(s, "image");
        image.remove("digest");
        image.insert("tag".into(), json!("9.9.9"));
        Some(())
    }),
    ("env added", |s| {
        object(s, "env").insert("CROSSCHECK".into(), json!("1"));
        Some(())
    }),
    ("claim size", |s| {
        first_claim(s)?.insert("size".into(), json!("77Gi"));
        Some(())
    }),
    ("claim class", |s| {
        first_claim(s)?.insert("storageClass".into(), json!("other"));
        Some(())
    }),
    ("claim added", |s| {
        list(s, "storage").push(json!({"name": "extra", "size": "1Gi", "mountPath": "/extra"}));
        Some(())
    }),
    ("claim removed", |s| {
        let storage = s.get_mut("storage")?.as_array_mut()?;
        storage.pop()?;
        if storage.is_empty() {
            s.as_object_mut()?.remove("storage");
        }
        Some(())
    }),
    ("policy", |s| {
        let parallel = s.get("policy") == Some(&json!("Parallel"));
        s["policy"] = json!(if parallel { "OrderedReady" } else { "Parallel" });
        Some(())
    }),
    ("chart renamed", |s| {
        let name = s["name"].as_str()?.to_string();
        s["name"] = json!(format!("{name}x"));
        Some(())
    }),
    ("config file", |s| {
        object(object_value(s, "config"), "files").insert("crosscheck.txt".into(), json!("x\n"));
        Some(())
    }),
    ("config env", |s| {
        object(object_value(s, "config"), "env").insert("CROSSCHECK".into(), json!("1"));
        Some(())
    }),
    ("secret added", |s| {
        list(s, "secrets").push(json!({"name": "CROSSCHECK_KEY", "generate": true}));
        Some(())
    }),
    ("hook added", |s| {
        list(s, "hooks")
            .push(json!({"name": "crosscheck", "events": ["post-upgrade"], "command": ["true"]}));
        Some(())
    }),
    ("hook removed", |s| {
        let hooks = s.get_mut("hooks")?.as_array_mut()?;
        hooks.pop()?;
        Some(())
    }),
    ("service NodePort", |s| {
        serves(s).then_some(())?;
        object(s, "service").insert("type".into(), json!("NodePort"));
        Some(())
    }),
    ("disruption budget", |s| {
        s["disruptionBudget"] = json!({"maxUnavailable": 1});
        Some(())
    }),
    ("network policy", |s| {
        s["networkPolicy"] = json!({"allowExternal": true});
        Some(())
    }),
    ("retention", |s| {
        s["retention"] = json!({"whenDeleted": "Delete", "whenScaled": "Delete"});
        Some(())
    }),
    ("partition", |s| {
        s["strategy"] = json!({"type": "RollingUpdate", "partition": 1});
        Some(())
    }),
    ("resources", |s| {
        s["resources"] =
            json!({"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "96Mi"}});
        Some(())
    }),
    ("pod labels", |s| {
        object(s, "podLabels").insert("crosscheck".into(), json!("1"));
        Some(())
    }),
    ("grace period", |s| {
        s["terminationGracePeriodSeconds"] = json!(45);
        Some(())
    }),
];

fn object_value<'a>(spec: &'a mut Value, key: &str) -> &'a mut Value {
    object(spec, key);
    spec.get_mut(key).unwrap()
}

/// A chart generated from `spec` into `dir`, ready for Helm.
fn generate(spec: &Value, dir: &Path) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("chartgen.yaml"),
        serde_yaml::to_string(spec).unwrap(),
    )
    .unwrap();
    let ok = chartgen(&["generate"], dir).status.success();
    if ok {
        vendor_dependencies(dir);
    }
    ok
}

struct Case {
    label: String,
    old_chart: PathBuf,
    new_chart: PathBuf,
    /// `chartgen diff --format json` of the new spec against the old chart.
    diff: Value,
    old_values: Value,
    new_values: Value,
}

/// The cases of one base spec: each applicable mutation, diffed by chartgen.
fn cases(label: &str, spec: &Value, work: &Path) -> Vec<Case> {
    let old_chart = work.join("old");
    assert!(
        generate(spec, &old_chart),
        "{label}: the base spec generates"
    );
    let mut cases = Vec::new();
    for (index, (what, mutate)) in MUTATIONS.iter().enumerate() {
        let mut new = spec.clone();
        if mutate(&mut new).is_none() {
            continue;
        }
        // Regenerated over the old chart, as a user would: an unpinned version is bumped.
        let new_chart = work.join(format!("new-{index}"));
        copy_dir(&old_chart, &new_chart);
        if !generate(&new, &new_chart) {
            continue; // a mutation this spec's validation refuses
        }
        let new_spec = new_chart.join("chartgen.yaml");
        let out = chartgen(
            &[
                "diff",
                old_chart.to_str().unwrap(),
                "-f",
                new_spec.to_str().unwrap(),
                "--format",
                "json",
            ],
            work,
        );
        assert!(
            out.status.code() != Some(2),
            "{label} {what}: {}",
            stderr(&out)
        );
        cases.push(Case {
            label: format!("{label}: {what}"),
            old_chart: old_chart.clone(),
            new_chart,
            diff: serde_json::from_slice(&out.stdout).unwrap(),
            old_values: secret_values(spec),
            new_values: secret_values(&new),
        });
    }
    cases
}

/// Renders both charts of every case with Helm in one process, reviews them, and returns the
/// disagreements between diff and review.
fn disagreements(cases: &[Case], work: &Path) -> Vec<String> {
    let jobs: Vec<Value> = cases
        .iter()
        .flat_map(|c| {
            [(&c.old_chart, &c.old_values), (&c.new_chart, &c.new_values)].map(|(chart, values)| {
                json!({"chart": chart, "values": values, "release": "rel", "namespace": "ns"})
            })
        })
        .collect();
    let renders = helm(&["render-many"], &Value::Array(jobs));
    let renders = renders.as_array().unwrap();
    let mut found = Vec::new();
    for (case, pair) in cases.iter().zip(renders.chunks(2)) {
        let files = |r: &Value| {
            r.get("files")
                .cloned()
                .unwrap_or_else(|| panic!("{}: Helm: {}", case.label, r["error"]))
        };
        std::fs::write(work.join("old.yaml"), manifest(&files(&pair[0]))).unwrap();
        std::fs::write(work.join("new.yaml"), manifest(&files(&pair[1]))).unwrap();
        let out = chartgen(
            &["review", "old.yaml", "new.yaml", "--format", "json"],
            work,
        );
        assert!(
            out.status.code() != Some(2),
            "{}: {}",
            case.label,
            stderr(&out)
        );
        let review: Value = serde_json::from_slice(&out.stdout).unwrap();
        let hazardous = |v: &Value| !v["hazards"].as_array().unwrap().is_empty();
        let (diff_effect, review_effect) = (&case.diff["effect"], &review["effect"]);
        if diff_effect != review_effect || hazardous(&case.diff) != hazardous(&review) {
            found.push(format!(
                "{}: diff says {diff_effect} with {} hazard(s), review of Helm's render says \
                 {review_effect} with {} hazard(s): {}",
                case.label,
                case.diff["hazards"].as_array().unwrap().len(),
                review["hazards"].as_array().unwrap().len(),
                review["hazards"]
            ));
        }
    }
    found
}

fn check(bases: Vec<(String, Value)>) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    for (index, (label, spec)) in bases.iter().enumerate() {
        all.extend(cases(label, spec, &tmp.path().join(index.to_string())));
    }
    let found = disagreements(&all, tmp.path());
    assert!(
        found.is_empty(),
        "{} of {} changes disagree:\n{}",
        found.len(),
        all.len(),
        found.join("\n")
    );
    all.len()
}

fn spec_of(path: &Path) -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn diff_agrees_with_review_of_helms_render_for_every_example() {
    let bases = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("chartgen.yaml").exists())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                spec_of(&p.join("chartgen.yaml")),
            )
        })
        .collect();
    let checked = check(bases);
    assert!(checked >= 100, "only {checked} changes applied");
}

#[test]
fn diff_agrees_with_review_of_helms_render_for_every_preset() {
    let tmp = tempfile::tempdir().unwrap();
    let bases = std::fs::read_dir(root().join("presets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let preset = p.file_stem().unwrap().to_string_lossy().into_owned();
            let name = format!("cc-{preset}");
            assert!(
                chartgen(&["new", &name, "--preset", &preset], tmp.path())
                    .status
                    .success()
            );
            (
                preset,
                spec_of(&tmp.path().join(&name).join("chartgen.yaml")),
            )
        })
        .collect();
    let checked = check(bases);
    assert!(checked >= 100, "only {checked} changes applied");
}
