//! Every chart chartgen can produce from the examples and feature specs, through Helm v4
//! (`lint --strict`, render with default and overridden values) and strict schemas.

use serde_json::{Value, json};

use crate::support::{BASE, Project, SPEC_FILE, all_specs, generate, helm, helm_render};
use chartgen::apiserver::KubeVersion;
use chartgen::kube_range::KubeRange;
use chartgen::load::load;
use chartgen::spec::Spec;

/// Values every rendering of `spec` needs: install-time secrets have no default.
pub fn required(spec: &Spec) -> Value {
    let secrets: serde_json::Map<String, Value> = spec
        .secrets
        .iter()
        .filter(|s| !s.generate && s.value.is_none())
        .map(|s| (s.name.clone(), json!("from-install")))
        .collect();
    if secrets.is_empty() {
        json!({})
    } else {
        json!({ "secrets": secrets })
    }
}

fn merged(base: &Value, extra: Value) -> Value {
    let mut out = base.clone();
    if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    out
}

pub fn renders(spec: &Spec) -> Value {
    let base = required(spec);
    // chartgen's defaults are restricted; a spec that replaces them opts out knowingly.
    let restricted = spec.security_context.is_none()
        && spec.pod_security_context.is_none()
        && !spec.volume_permissions;
    let mut sets = vec![
        json!({ "name": "defaults", "values": base, "restricted": restricted }),
        json!({ "name": "scaled", "values": merged(&base, json!({ "replicaCount": 5 })) }),
        json!({ "name": "renamed", "values": merged(&base, json!({
            "fullnameOverride": "a-very-long-release-name-that-needs-truncating-to-fit-the-limit",
            "podAnnotations": { "example.com/rolled": "1" },
            "extraEnvVars": [{ "name": "EXTRA", "value": "1" }],
        }))}),
    ];
    sets.push(json!({ "name": "extras", "values": merged(&base, json!({
        "initContainers": [{ "name": "wait", "image": "busybox:1.37", "command": ["true"] }],
        "sidecars": [{ "name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "ports": [{ "containerPort": 9901 }] }],
        "extraVolumes": [{ "name": "cache", "emptyDir": {} }],
        "extraVolumeMounts": [{ "name": "cache", "mountPath": "/cache" }],
        "extraEnvFrom": [{ "secretRef": { "name": "shared-env" } }],
        "topologySpreadConstraints": [{ "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway" }],
        "lifecycleHooks": { "preStop": { "exec": { "command": ["sleep", "5"] } } },
        "priorityClassName": "high",
        "podAntiAffinityPreset": "soft",
    }))}));
    let mut off = serde_json::Map::new();
    if spec.disruption_budget.is_some() {
        off.insert("pdb".into(), json!({ "create": false }));
    }
    if spec.network_policy.is_some() {
        off.insert("networkPolicy".into(), json!({ "enabled": false }));
    }
    if spec.metrics.is_some() {
        off.insert(
            "metrics".into(),
            json!({ "serviceMonitor": { "enabled": false } }),
        );
    }
    if spec.volume_permissions {
        off.insert("volumePermissions".into(), json!({ "enabled": false }));
    }
    if !off.is_empty() {
        sets.push(json!({ "name": "parts-off", "values": merged(&base, Value::Object(off)) }));
    }
    if let Some(claim) = spec.storage.first() {
        sets.push(
            json!({ "name": "existing-claim", "values": merged(&base, json!({
                "replicaCount": 1,
                "persistence": { claim.name.clone(): { "existingClaim": "made-by-hand" } },
            }))}),
        );
    }
    if spec.service.enabled {
        sets.push(json!({ "name": "nodeport", "values": merged(&base, json!({
            "service": { "type": "NodePort", "port": 8443, "nodePort": 31000, "annotations": {} },
        }))}));
    }
    if !spec.storage.is_empty() {
        sets.push(
            json!({ "name": "no-persistence", "values": merged(&base, json!({
                "persistence": { "enabled": false },
            }))}),
        );
    }
    if !spec.secrets.is_empty() {
        sets.push(
            json!({ "name": "existing-secret", "values": merged(&base, json!({
                "existingSecret": "made-by-hand", "secrets": {},
            }))}),
        );
    }
    Value::Array(sets)
}

#[test]
fn every_chart_passes_helm_lint_render_and_strict_schemas() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = all_specs();
    assert!(
        specs.len() >= 12,
        "judge at least a dozen specs, found {}",
        specs.len()
    );
    let charts: Vec<_> = specs
        .iter()
        .enumerate()
        .map(|(i, spec_path)| {
            let out = tmp.path().join(format!("chart-{i}"));
            generate(spec_path, &out);
            (out, load(spec_path).unwrap().spec)
        })
        .collect();
    judge(&charts, "examples and feature specs");
}

/// Judges charts with Helm, each rendered with the value sets its spec calls for, in one
/// Python process; fails with every finding.
pub fn judge(charts: &[(std::path::PathBuf, Spec)], label: &str) {
    let jobs: Vec<Value> = charts
        .iter()
        .map(|(dir, spec)| {
            json!({ "chart": dir, "renders": renders(spec), "kube_versions": kube_versions(spec) })
        })
        .collect();
    let findings = helm(&[], &Value::Array(jobs));
    let findings: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        findings.is_empty(),
        "{label}: Helm or the schemas found problems:\n{}",
        findings.join("\n")
    );
}

/// The Kubernetes versions to validate a chart's objects against: the oldest and the newest
/// kubernetes-validate has schemas for among those its `kubeVersion` admits (none: the judge's
/// default).
pub fn kube_versions(spec: &Spec) -> Vec<String> {
    let Some(text) = &spec.kube_version else {
        return Vec::new();
    };
    let range: KubeRange = text.parse().unwrap();
    let known = helm(&["versions"], &Value::Null);
    let admitted: Vec<String> = known
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|v| {
            let minor = v.split('.').nth(1).unwrap().parse().unwrap();
            range.admits_minor(KubeVersion::v1(minor))
        })
        .map(str::to_string)
        .collect();
    assert!(
        !admitted.is_empty(),
        "kubernetes-validate has no schemas for {text:?}"
    );
    let (oldest, newest) = (admitted[0].clone(), admitted[admitted.len() - 1].clone());
    if oldest == newest {
        vec![oldest]
    } else {
        vec![oldest, newest]
    }
}

/// `judge` for chart folders that hold their chartgen.yaml.
pub fn judge_folders(dirs: &[std::path::PathBuf], label: &str) {
    let charts: Vec<_> = dirs
        .iter()
        .map(|d| (d.clone(), load(&d.join(SPEC_FILE)).unwrap().spec))
        .collect();
    judge(&charts, label);
}

fn chart_of(spec: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("chart");
    generate(&crate::support::root().join(spec), &out);
    (tmp, out)
}

fn manifest<'a>(files: &'a Value, name: &str) -> &'a str {
    let key = files
        .as_object()
        .unwrap()
        .keys()
        .find(|k| k.ends_with(name))
        .unwrap_or_else(|| panic!("no rendered {name}"));
    files[key].as_str().unwrap()
}

#[test]
fn spec_strings_stay_literal_text_in_the_rendered_manifests() {
    let (_tmp, chart) = chart_of("tests/specs/tricky-strings.yaml");
    let files = helm_render(&chart, json!({})).unwrap();
    let sts: Value = serde_yaml::from_str(manifest(&files, "statefulset.yaml")).unwrap();
    let container = &sts["spec"]["template"]["spec"]["containers"][0];
    let env: Vec<(String, String)> = container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().into(),
                e["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expect = [
        ("TEMPLATE", "{{ .Values.secret }}"),
        ("YES", "yes"),
        ("ON", "on"),
        ("OCTAL", "0755"),
        ("EMPTY", ""),
        ("MULTI", "line one\nline two\n"),
        ("QUOTES", "it's \"quoted\" \\ back"),
        ("UNICODE", "café ☕"),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(env, expect);
    let annotations = &sts["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(annotations["example.com/template"], "{{ include \"x\" . }}");
    assert_eq!(annotations["example.com/null"], "null");
    let cm: Value = serde_yaml::from_str(manifest(&files, "configmap.yaml")).unwrap();
    assert_eq!(cm["data"]["tpl.txt"], "{{ .Values.notEvaluated }}\n");
    assert_eq!(
        cm["data"]["leading-space.txt"],
        "  indented first line\nsecond\n"
    );
}

#[test]
fn install_time_secrets_are_required_by_helm_with_a_clear_message() {
    let (_tmp, chart) = chart_of("tests/specs/secrets.yaml");
    let err = helm_render(&chart, json!({})).unwrap_err();
    assert!(
        err.contains("secrets.DATABASE_URL is required: pass --set secrets.DATABASE_URL=VALUE"),
        "{err}"
    );
    let files = helm_render(
        &chart,
        json!({ "secrets": { "DATABASE_URL": "postgres://db" } }),
    )
    .unwrap();
    let secret: Value = serde_yaml::from_str(manifest(&files, "secret.yaml")).unwrap();
    assert_eq!(secret["data"]["DATABASE_URL"], "cG9zdGdyZXM6Ly9kYg==");
    assert_eq!(
        secret["data"]["PUBLIC_URL"], "aHR0cHM6Ly9zaG9wLmV4YW1wbGUuY29t",
        "a notSecret default"
    );
    assert_eq!(
        secret["data"]["SESSION_KEY"].as_str().unwrap().len(),
        44,
        "32 random bytes, base64"
    );
}

#[test]
fn pods_roll_when_config_or_secrets_change() {
    let (_tmp, chart) = chart_of("tests/specs/config.yaml");
    let checksum = |values: Value| {
        let files = helm_render(&chart, values).unwrap();
        let sts: Value = serde_yaml::from_str(manifest(&files, "statefulset.yaml")).unwrap();
        sts["spec"]["template"]["metadata"]["annotations"]["checksum/config"].clone()
    };
    let before = checksum(json!({}));
    assert_ne!(before, Value::Null);
    assert_eq!(before, checksum(json!({})));
    assert_ne!(
        before,
        checksum(json!({ "config": { "env": { "REGION": "us-east-1" } } }))
    );
}

#[test]
fn every_default_pod_meets_the_restricted_profile_and_the_check_bites() {
    let (_tmp, chart) = chart_of("tests/specs/hooks.yaml");
    let job = |chart: &std::path::Path| json!([{ "chart": chart, "renders": [{ "name": "defaults", "values": {}, "restricted": true }] }]);
    assert_eq!(helm(&[], &job(&chart)), json!([]));
    let (_tmp, root_chart) = chart_of("tests/specs/scheduling.yaml");
    let findings = helm(&[], &job(&root_chart)).to_string();
    assert!(findings.contains("runs as root"), "{findings}");
    assert!(
        findings.contains("root filesystem is writable"),
        "{findings}"
    );
}

#[test]
fn values_schema_rejects_bad_overrides_with_its_message() {
    let (_tmp, chart) = chart_of("examples/python-app/chartgen.yaml");
    let base = json!({ "secrets": { "MY_USER": "u", "MY_PASS": "p" } });
    let cases = [
        (
            json!({ "replicaCount": -1 }),
            "at '/replicaCount': minimum: got -1, want 0",
        ),
        (
            json!({ "service": { "type": "Headless" } }),
            "at '/service/type': value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'",
        ),
        (
            json!({ "replicas": 3 }),
            "at '': additional properties 'replicas' not allowed",
        ),
        (
            json!({ "persistence": { "app-data": { "size": "10Gb" } } }),
            "at '/persistence/app-data/size': '10Gb' does not match pattern",
        ),
        (
            json!({ "image": { "pullPolicy": "Sometimes" } }),
            "at '/image/pullPolicy': value must be one of",
        ),
        (
            json!({ "service": { "nodePort": 0 } }),
            "at '/service/nodePort': minimum: got 0, want 1",
        ),
        (
            json!({ "containerPorts": { "http": 70000 } }),
            "at '/containerPorts/http': maximum: got 70,000, want 65,535",
        ),
        (
            json!({ "podManagementPolicy": "Sequential" }),
            "at '/podManagementPolicy': value must be one of 'OrderedReady', 'Parallel'",
        ),
        (
            json!({ "persistence": { "app-data": { "accessModes": ["ReadWriteSometimes"] } } }),
            "at '/persistence/app-data/accessModes/0': value must be one of",
        ),
    ];
    for (values, message) in cases {
        let err =
            helm_render(&chart, merged(&base, values.clone())).expect_err(&values.to_string());
        assert!(
            err.contains("values don't meet the specifications of the schema"),
            "{err}"
        );
        assert!(err.contains(message), "{values}: {err}");
    }
    let good = json!({ "replicaCount": 0, "service": { "type": "LoadBalancer", "nodePort": 32000 }, "podManagementPolicy": "Parallel" });
    assert!(helm_render(&chart, merged(&base, good)).is_ok());
}

#[test]
fn an_existing_claim_serves_one_pod_only() {
    let (_tmp, chart) = chart_of("tests/specs/storage-many.yaml");
    let values = json!({ "persistence": { "data": { "existingClaim": "pg-data" } } });
    let err = helm_render(&chart, values.clone()).unwrap_err();
    assert!(
        err.contains("persistence.data.existingClaim: one claim cannot serve several pods"),
        "{err}"
    );
    let files = helm_render(&chart, merged(&values, json!({ "replicaCount": 1 }))).unwrap();
    let sts: Value = serde_yaml::from_str(manifest(&files, "statefulset.yaml")).unwrap();
    let volumes = &sts["spec"]["template"]["spec"]["volumes"];
    assert!(
        volumes
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["persistentVolumeClaim"]["claimName"] == "pg-data")
    );
    let claims: Vec<&str> = sts["spec"]["volumeClaimTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(claims, ["wal", "shared"]);
}

#[test]
fn a_service_monitor_is_checked_against_its_crd_schema() {
    let (_tmp, chart) = chart_of("tests/specs/production.yaml");
    let job = json!([{ "chart": chart, "renders": [{ "name": "d", "values": {} }] }]);
    assert_eq!(helm(&[], &job), json!([]));
    // A field the CRD does not have must be caught, as strict schemas do for built-in kinds.
    let template = chart.join("templates/servicemonitor.yaml");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        text.replace(
            "      path: {{ .path | quote }}",
            "      path: {{ .path | quote }}\n      scrapeEvery: 5s",
        ),
    )
    .unwrap();
    let findings = helm(&[], &job).to_string();
    assert!(findings.contains("ServiceMonitor spec.endpoints.0: Additional properties are not allowed ('scrapeEvery' was unexpected)"), "{findings}");
}

#[test]
fn a_pdb_gets_min_available_or_max_unavailable_never_both() {
    let (_tmp, chart) = chart_of("tests/specs/production.yaml");
    let pdb = |values: Value| {
        let files = helm_render(&chart, values).unwrap();
        let pdb: Value = serde_yaml::from_str(manifest(&files, "pdb.yaml")).unwrap();
        pdb["spec"].clone()
    };
    assert_eq!(pdb(json!({}))["maxUnavailable"], 1);
    let min = pdb(json!({ "pdb": { "minAvailable": 2 } }));
    assert_eq!(
        (min["minAvailable"].clone(), min.get("maxUnavailable")),
        (json!(2), None)
    );
}

#[test]
fn falsy_secret_values_are_still_values() {
    let (_tmp, chart) = chart_of("tests/specs/secrets.yaml");
    let files = helm_render(
        &chart,
        json!({ "secrets": { "DATABASE_URL": 0, "SESSION_KEY": false } }),
    )
    .unwrap();
    let secret: Value = serde_yaml::from_str(manifest(&files, "secret.yaml")).unwrap();
    assert_eq!(secret["data"]["DATABASE_URL"], "MA==", "0");
    assert_eq!(secret["data"]["SESSION_KEY"], "ZmFsc2U=", "false");
}

/// The app container of the StatefulSet Helm renders from BASE and then `extra`.
fn rendered_container(extra: &str) -> Value {
    let tmp = Project::new().spec(format!("{BASE}{extra}")).generated();
    let files = helm_render(tmp.path(), json!({})).unwrap();
    let sts: Value = serde_yaml::from_str(manifest(&files, "statefulset.yaml")).unwrap();
    sts["spec"]["template"]["spec"]["containers"][0].clone()
}

#[test]
fn none_turns_off_the_probe_chartgen_would_give() {
    let container = rendered_container("probes:\n  readiness: {http: /ready}\n  liveness: none\n");
    assert_eq!(
        container["readinessProbe"],
        json!({"httpGet": {"path": "/ready", "port": "http"}})
    );
    assert_eq!(container.get("livenessProbe"), None);
    // Without readiness, the default liveness probe still checks the first port.
    let container = rendered_container("probes:\n  readiness: none\n");
    assert_eq!(container.get("readinessProbe"), None);
    assert_eq!(
        container["livenessProbe"],
        json!({"tcpSocket": {"port": "http"}, "initialDelaySeconds": 30, "failureThreshold": 6})
    );
}

#[test]
fn empty_dirs_are_folders_of_one_empty_dir_volume() {
    let container = rendered_container("emptyDirs: [/var/run/app, /var/cache/nginx/]\n");
    assert_eq!(
        container["volumeMounts"],
        json!([
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "empty-dirs", "mountPath": "/var/run/app", "subPath": "var/run/app"},
            {"name": "empty-dirs", "mountPath": "/var/cache/nginx/", "subPath": "var/cache/nginx"},
        ])
    );
}

#[test]
fn variables_come_from_any_secret_configmap_or_pod_field_in_the_app_and_its_hooks() {
    let (_tmp, chart) = chart_of("tests/specs/env-sources.yaml");
    let values = json!({ "secrets": { "DATABASE_URL": "postgres://db", "DB_PASSWORD": "pw" } });
    let files = helm_render(&chart, values.clone()).unwrap();
    let sts: Value = serde_yaml::from_str(manifest(&files, "statefulset.yaml")).unwrap();
    let app = &sts["spec"]["template"]["spec"]["containers"][0];
    let from_chart = |name: &str, key: &str| json!({ "name": name, "valueFrom": { "secretKeyRef": { "name": "rel-env-sources", "key": key } } });
    assert_eq!(
        app["env"],
        json!([
            from_chart("DB_PASSWORD", "password"),
            from_chart("DATABASE_URL", "DATABASE_URL"),
            { "name": "LOG_LEVEL", "value": "info" },
            { "name": "POD_NAME", "valueFrom": { "fieldRef": { "fieldPath": "metadata.name" } } },
            { "name": "POD_IP", "valueFrom": { "fieldRef": { "fieldPath": "status.podIP", "apiVersion": "v1" } } },
            { "name": "ZONE", "valueFrom": { "fieldRef": { "fieldPath": "metadata.labels['topology.kubernetes.io/zone']" } } },
            { "name": "MEMORY_MB", "valueFrom": { "resourceFieldRef": { "resource": "limits.memory", "divisor": "1Mi" } } },
            { "name": "API_TOKEN", "valueFrom": { "secretKeyRef": { "name": "vault-api", "key": "token" } } },
            { "name": "FEATURES", "valueFrom": { "configMapKeyRef": { "name": "flags", "key": "features.json", "optional": true } } },
        ])
    );
    assert_eq!(
        app["envFrom"],
        json!([
            { "secretRef": { "name": "external-env" } },
            { "configMapRef": { "name": "shared-env", "optional": true }, "prefix": "SHARED_" },
        ])
    );
    let secret: Value = serde_yaml::from_str(manifest(&files, "secret.yaml")).unwrap();
    let keys: Vec<&String> = secret["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["password", "DATABASE_URL"]);

    let job: Value = serde_yaml::from_str(manifest(&files, "hook-migrate.yaml")).unwrap();
    assert_eq!(job["spec"]["backoffLimit"], 0);
    assert_eq!(job["spec"]["activeDeadlineSeconds"], 600);
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 0, "0 is a setting");
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["terminationGracePeriodSeconds"], 0, "0 is a setting");
    let hook = &pod["containers"][0];
    assert_eq!(
        hook["env"],
        json!([
            from_chart("DB_PASSWORD", "password"),
            from_chart("DATABASE_URL", "DATABASE_URL"),
            { "name": "MODE", "value": "up" },
            { "name": "NAMESPACE", "valueFrom": { "fieldRef": { "fieldPath": "metadata.namespace" } } },
        ])
    );
    assert_eq!(
        hook["envFrom"],
        json!([{ "secretRef": { "name": "external-env" } }])
    );
    assert_eq!(
        hook["resources"],
        json!({ "requests": { "cpu": "50m", "memory": "64Mi" }, "limits": { "memory": "128Mi" } })
    );

    // The referenced names are values; an existing Secret replaces the chart's for hooks too.
    let files = helm_render(
        &chart,
        json!({ "existingSecret": "from-vault", "secrets": {}, "hooks": { "migrate": { "ttlSecondsAfterFinished": 60 } } }),
    )
    .unwrap();
    let job: Value = serde_yaml::from_str(manifest(&files, "hook-migrate.yaml")).unwrap();
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"],
        json!({ "name": "from-vault", "key": "password" })
    );
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 60);

    // A hook that sets none of them leaves them to Kubernetes.
    let (_tmp, chart) = chart_of("tests/specs/hooks.yaml");
    let files = helm_render(&chart, json!({})).unwrap();
    let job: Value = serde_yaml::from_str(manifest(&files, "hook-migrate.yaml")).unwrap();
    for field in [
        &job["spec"]["activeDeadlineSeconds"],
        &job["spec"]["ttlSecondsAfterFinished"],
        &job["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
    ] {
        assert_eq!(field, &Value::Null, "{job}");
    }
    assert_eq!(job["spec"]["backoffLimit"], 1);
}
