//! Every integer knob of values.yaml against real Helm: values.schema.json refuses what the
//! Kubernetes API would (min - 1, max + 1), takes its limits, and the chart prints them as
//! integers. Helm reads values as float64, and a template printing one bare writes
//! `replicas: 1e+06`, which the API refuses.

use serde_json::{Map, Value, json};

use crate::support::{Project, helm};
use chartgen::bounds::{self, Bound};

const SPEC: &str = r#"name: knobs
image: {repository: nginx, tag: "1.27"}
port: 8080
service: {type: NodePort}
disruptionBudget: {maxUnavailable: 1}
hooks:
  - {name: migrate, events: [pre-install], command: [migrate]}
storage: [{name: data, size: 1Gi, mountPath: /data}]
volumePermissions: true
"#;

/// `{"a": {"b": [value]}}` for `/a/b/0`: only index 0 is used.
fn nest(pointer: &str, value: Value) -> Value {
    pointer
        .trim_start_matches('/')
        .split('/')
        .rev()
        .fold(value, |inner, key| {
            if key == "0" {
                json!([inner])
            } else {
                let mut map = Map::new();
                map.insert(key.to_string(), inner);
                Value::Object(map)
            }
        })
}

#[test]
fn integer_knobs_are_bounded_by_the_values_schema_and_print_as_integers() {
    let preferred = "preferredDuringSchedulingIgnoredDuringExecution";
    // (values pointer, range, the rendered file and the text a value inside prints as, the
    // value in place of `{}`)
    let knobs: Vec<(String, Bound, &str, &str)> = vec![
        (
            "/replicaCount".into(),
            bounds::COUNT,
            "statefulset.yaml",
            "replicas: {}\n",
        ),
        (
            "/containerPorts/http".into(),
            bounds::PORT,
            "statefulset.yaml",
            "containerPort: {}\n",
        ),
        (
            "/service/port".into(),
            bounds::PORT,
            "/service.yaml",
            "  port: {}\n",
        ),
        (
            "/service/nodePort".into(),
            bounds::PORT,
            "/service.yaml",
            "nodePort: {}\n",
        ),
        (
            "/terminationGracePeriodSeconds".into(),
            bounds::SECONDS,
            "statefulset.yaml",
            "terminationGracePeriodSeconds: {}\n",
        ),
        (
            "/updateStrategy/rollingUpdate/partition".into(),
            bounds::COUNT,
            "statefulset.yaml",
            "partition: {}\n",
        ),
        (
            "/updateStrategy/rollingUpdate/maxUnavailable".into(),
            bounds::POSITIVE,
            "statefulset.yaml",
            "maxUnavailable: {}\n",
        ),
        (
            "/pdb/minAvailable".into(),
            bounds::COUNT,
            "pdb.yaml",
            "minAvailable: {}\n",
        ),
        (
            "/pdb/maxUnavailable".into(),
            bounds::COUNT,
            "pdb.yaml",
            "maxUnavailable: {}\n",
        ),
        (
            "/hooks/migrate/backoffLimit".into(),
            bounds::COUNT,
            "hook-migrate.yaml",
            "backoffLimit: {}\n",
        ),
        (
            "/livenessProbe/initialDelaySeconds".into(),
            bounds::COUNT,
            "statefulset.yaml",
            "initialDelaySeconds: {}\n",
        ),
        (
            "/livenessProbe/periodSeconds".into(),
            bounds::POSITIVE,
            "statefulset.yaml",
            "periodSeconds: {}\n",
        ),
        (
            "/readinessProbe/timeoutSeconds".into(),
            bounds::POSITIVE,
            "statefulset.yaml",
            "timeoutSeconds: {}\n",
        ),
        (
            "/readinessProbe/successThreshold".into(),
            bounds::POSITIVE,
            "statefulset.yaml",
            "successThreshold: {}\n",
        ),
        (
            "/startupProbe/failureThreshold".into(),
            bounds::POSITIVE,
            "statefulset.yaml",
            "failureThreshold: {}\n",
        ),
        (
            "/podSecurityContext/runAsUser".into(),
            bounds::ID,
            "statefulset.yaml",
            "runAsUser: {}\n",
        ),
        (
            "/podSecurityContext/runAsGroup".into(),
            bounds::ID,
            "statefulset.yaml",
            "runAsGroup: {}\n",
        ),
        (
            "/podSecurityContext/fsGroup".into(),
            bounds::ID,
            "statefulset.yaml",
            "fsGroup: {}\n",
        ),
        (
            "/podSecurityContext/supplementalGroups/0".into(),
            bounds::ID,
            "statefulset.yaml",
            "- {}\n",
        ),
        (
            "/securityContext/runAsUser".into(),
            bounds::ID,
            "statefulset.yaml",
            "runAsUser: {}\n",
        ),
        (
            "/securityContext/runAsGroup".into(),
            bounds::ID,
            "statefulset.yaml",
            "runAsGroup: {}\n",
        ),
        (
            "/tests/podSecurityContext/runAsUser".into(),
            bounds::ID,
            "test-connection.yaml",
            "runAsUser: {}\n",
        ),
        (
            "/tests/securityContext/runAsGroup".into(),
            bounds::ID,
            "test-connection.yaml",
            "runAsGroup: {}\n",
        ),
        (
            "/tolerations/0/tolerationSeconds".into(),
            bounds::SIGNED_SECONDS,
            "statefulset.yaml",
            "tolerationSeconds: {}\n",
        ),
        (
            format!("/affinity/nodeAffinity/{preferred}/0/weight"),
            bounds::WEIGHT,
            "statefulset.yaml",
            "weight: {}\n",
        ),
        (
            format!("/affinity/podAffinity/{preferred}/0/weight"),
            bounds::WEIGHT,
            "statefulset.yaml",
            "weight: {}\n",
        ),
        (
            format!("/affinity/podAntiAffinity/{preferred}/0/weight"),
            bounds::WEIGHT,
            "statefulset.yaml",
            "weight: {}\n",
        ),
        (
            "/podSecurityContext/runAsUser".into(),
            bounds::ID,
            "statefulset.yaml",
            "- \"{}:10001\"\n",
        ),
        (
            "/podSecurityContext/fsGroup".into(),
            bounds::ID,
            "statefulset.yaml",
            "- \"10001:{}\"\n",
        ),
    ];
    let tmp = Project::new().spec(SPEC).generated();
    let chart = tmp.path();

    let cases: Vec<(&String, i64, bool, &str, &str)> = knobs
        .iter()
        .flat_map(|(pointer, bound, file, line)| {
            [
                (pointer, bound.min - 1, false, *file, *line),
                (pointer, bound.min, true, file, line),
                (pointer, bound.max, true, file, line),
                (pointer, bound.max + 1, false, file, line),
            ]
        })
        .collect();
    let jobs: Vec<Value> = cases
        .iter()
        .map(|(pointer, value, _, _, _)| json!({ "chart": chart, "values": nest(pointer, json!(value)) }))
        .collect();
    let answers = helm(&["render-many"], &Value::Array(jobs));
    let mut wrong = Vec::new();
    for ((pointer, value, inside, file, line), answer) in
        cases.iter().zip(answers.as_array().unwrap())
    {
        let at = format!("at '{pointer}'");
        match (inside, &answer["files"], answer["error"].as_str()) {
            (true, Value::Object(files), _) => {
                let text = files
                    .iter()
                    .find(|(path, _)| path.ends_with(file))
                    .and_then(|(_, text)| text.as_str())
                    .unwrap_or_default();
                let want = line.replace("{}", &value.to_string());
                if !text.contains(&want) {
                    wrong.push(format!(
                        "{pointer} = {value}: no {want:?} in {file}:\n{text}"
                    ));
                }
            }
            (true, _, error) => wrong.push(format!("{pointer} = {value} refused: {error:?}")),
            (false, _, Some(error)) if error.contains(&at) => {}
            (false, _, error) => {
                wrong.push(format!("{pointer} = {value} not refused {at}: {error:?}"))
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Annotations and labels are strings to Kubernetes: `{a: 1}` is refused before it renders.
#[test]
fn annotation_and_label_values_must_be_strings() {
    let tmp = Project::new()
        .spec(format!(
            "{SPEC}ingress: {{hosts: [{{host: knobs.example.com}}]}}\nmetrics: {{port: http}}\n"
        ))
        .generated();
    let chart = tmp.path();
    let maps = [
        "/podAnnotations",
        "/podLabels",
        "/nodeSelector",
        "/service/annotations",
        "/ingress/annotations",
        "/serviceAccount/annotations",
        "/persistence/data/annotations",
        "/networkPolicy/ingressNSMatchLabels",
        "/networkPolicy/ingressPodMatchLabels",
        "/metrics/serviceMonitor/labels",
    ];
    let jobs: Vec<Value> = maps
        .iter()
        .flat_map(|pointer| {
            [json!("1"), json!(1)].map(
                |value| json!({ "chart": chart, "values": nest(&format!("{pointer}/a"), value) }),
            )
        })
        .collect();
    let answers = helm(&["render-many"], &Value::Array(jobs));
    for (pointer, pair) in maps.iter().zip(answers.as_array().unwrap().chunks(2)) {
        assert!(
            pair[0]["files"].is_object(),
            "{pointer}: {}",
            pair[0]["error"]
        );
        let error = pair[1]["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(&format!("at '{pointer}/a': got number, want string")),
            "{pointer}: {error}"
        );
    }
}
