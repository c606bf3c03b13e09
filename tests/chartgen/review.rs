//! `chartgen review`: hand-written manifest pairs, one per hazard and one per safe change, and
//! real charts no one here wrote (Bitnami redis rendered by Helm, tests/fixtures/review).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{chartgen, helm_render_as, manifest, root, stderr, stdout};

/// What runs now: a StatefulSet with a claim, its Services, config, a Secret, a claim of its
/// own, a Deployment, a plain Job and a hook Job.
const BASE: &str = r#"---
# Source: app/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: prod
spec:
  replicas: 2
  serviceName: web-headless
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          envFrom:
            - configMapRef: {name: web-env}
          volumeMounts:
            - {name: data, mountPath: /data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
---
apiVersion: v1
kind: Service
metadata: {name: web-headless, namespace: prod}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec:
  type: ClusterIP
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-env, namespace: prod}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: frozen, namespace: prod}
immutable: true
data: {mode: a}
---
apiVersion: v1
kind: Secret
metadata: {name: web, namespace: prod}
type: Opaque
data: {TOKEN: c2VjcmV0LW9uZQ==}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared, namespace: prod}
spec:
  accessModes: [ReadWriteMany]
  storageClassName: nfs
  resources:
    requests: {storage: 10Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers: [{name: api, image: "api:1"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: seed, namespace: prod}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: seed, image: "seed:1"}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: prod
  annotations: {"helm.sh/hook": pre-upgrade}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "app:1", args: [--up]}]
"#;

/// Runs `chartgen review old new --format json` on two manifest texts.
fn review(old: &str, new: &str, extra: &[&str]) -> (Option<i32>, Value, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.yaml"), old).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), new).unwrap();
    let mut args = vec!["review", "old.yaml", "new.yaml", "--format", "json"];
    args.extend(extra);
    let out = chartgen(&args, tmp.path());
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), json, stderr(&out))
}

/// `kind name field` of each hazard.
fn hazards(json: &Value) -> Vec<String> {
    json["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {} {}",
                h["kind"].as_str().unwrap(),
                h["name"].as_str().unwrap(),
                h["field"].as_str().unwrap()
            )
        })
        .collect()
}

/// `status kind name effect` of each object.
fn objects(json: &Value) -> Vec<String> {
    json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{} {} {} {}",
                o["status"].as_str().unwrap(),
                o["kind"].as_str().unwrap(),
                o["name"].as_str().unwrap(),
                o["effect"].as_str().unwrap()
            )
        })
        .collect()
}

fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

/// One change Kubernetes refuses: the hazards by field, and the overall effect.
struct Refused {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    hazards: &'static [&'static str],
}

const REFUSED: &[Refused] = &[
    Refused {
        what: "a claim grows",
        from: "requests: {storage: 1Gi}",
        to: "requests: {storage: 5Gi}",
        hazards: &[
            "StatefulSet web spec.volumeClaimTemplates[data].spec.resources.requests.storage",
        ],
    },
    Refused {
        what: "a claim gets a storage class",
        from: "        accessModes: [ReadWriteOnce]\n",
        to: "        accessModes: [ReadWriteOnce]\n        storageClassName: fast\n",
        hazards: &["StatefulSet web spec.volumeClaimTemplates[data].spec.storageClassName"],
    },
    Refused {
        what: "a claim's access modes",
        from: "accessModes: [ReadWriteOnce]",
        to: "accessModes: [ReadWriteOncePod]",
        hazards: &["StatefulSet web spec.volumeClaimTemplates[data].spec.accessModes"],
    },
    Refused {
        what: "a claim renamed",
        from: "    - metadata: {name: data}\n",
        to: "    - metadata: {name: store}\n",
        hazards: &[
            "StatefulSet web spec.volumeClaimTemplates[data]",
            "StatefulSet web spec.volumeClaimTemplates[store]",
        ],
    },
    Refused {
        what: "a claim's labels",
        from: "    - metadata: {name: data}\n",
        to: "    - metadata: {name: data, labels: {tier: db}}\n",
        hazards: &["StatefulSet web spec.volumeClaimTemplates[data].metadata.labels"],
    },
    Refused {
        what: "a StatefulSet's selector",
        from: "    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}",
        to: "    matchLabels: {app: web2}\n  template:\n    metadata:\n      labels: {app: web2}",
        hazards: &["StatefulSet web spec.selector.matchLabels.app"],
    },
    Refused {
        what: "serviceName",
        from: "serviceName: web-headless",
        to: "serviceName: web",
        hazards: &["StatefulSet web spec.serviceName"],
    },
    Refused {
        what: "podManagementPolicy",
        from: "  serviceName: web-headless\n",
        to: "  serviceName: web-headless\n  podManagementPolicy: Parallel\n",
        hazards: &["StatefulSet web spec.podManagementPolicy"],
    },
    Refused {
        what: "a Deployment's selector",
        from: "    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}",
        to: "    matchLabels: {app: api, tier: x}\n  template:\n    metadata:\n      labels: {app: api, tier: x}",
        hazards: &["Deployment api spec.selector.matchLabels.tier"],
    },
    Refused {
        what: "a plain Job's image",
        from: "image: \"seed:1\"",
        to: "image: \"seed:2\"",
        hazards: &["Job seed spec.template.spec.containers[seed].image"],
    },
    Refused {
        what: "a headless Service given a cluster IP",
        from: "spec:\n  clusterIP: None\n",
        to: "spec:\n",
        hazards: &["Service web-headless spec.clusterIP"],
    },
    Refused {
        what: "a Service made headless",
        from: "  type: ClusterIP\n",
        to: "  type: ClusterIP\n  clusterIP: None\n",
        hazards: &["Service web spec.clusterIP"],
    },
    Refused {
        what: "a claim shrinks",
        from: "requests: {storage: 10Gi}",
        to: "requests: {storage: 5Gi}",
        hazards: &["PersistentVolumeClaim shared spec.resources.requests.storage"],
    },
    Refused {
        what: "a claim's class",
        from: "storageClassName: nfs",
        to: "storageClassName: efs",
        hazards: &["PersistentVolumeClaim shared spec.storageClassName"],
    },
    Refused {
        what: "an immutable ConfigMap's data",
        from: "data: {mode: a}",
        to: "data: {mode: b}",
        hazards: &["ConfigMap frozen data.mode"],
    },
    Refused {
        what: "a Secret's type",
        from: "type: Opaque",
        to: "type: kubernetes.io/tls",
        hazards: &["Secret web type"],
    },
    Refused {
        what: "a StatefulSet renamed (same selector)",
        from: "kind: StatefulSet\nmetadata:\n  name: web\n",
        to: "kind: StatefulSet\nmetadata:\n  name: web-v2\n",
        hazards: &["StatefulSet web-v2 metadata.name"],
    },
    Refused {
        what: "a Deployment becomes a StatefulSet of the same name",
        from: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: prod}\nspec:\n",
        to: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: api, namespace: prod}\nspec:\n  serviceName: api\n",
        hazards: &["StatefulSet api kind"],
    },
];

#[test]
fn every_change_kubernetes_refuses_is_a_hazard_on_its_field() {
    for case in REFUSED {
        let (code, json, err) = review(BASE, &edited(case.from, case.to), &[]);
        assert_eq!(code, Some(1), "{}: {err}", case.what);
        assert_eq!(hazards(&json), case.hazards, "{}", case.what);
        assert_eq!(json["effect"], "needs-recreate", "{}", case.what);
        for hazard in json["hazards"].as_array().unwrap() {
            assert!(
                !hazard["problem"].as_str().unwrap().is_empty(),
                "{}",
                case.what
            );
            assert!(
                !hazard["remedy"].as_str().unwrap().is_empty(),
                "{}",
                case.what
            );
        }
    }
}

/// One change Kubernetes applies: the objects it changes with their effects, and warnings.
struct Applied {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    objects: &'static [&'static str],
    warnings: usize,
}

const APPLIED: &[Applied] = &[
    Applied {
        what: "replicas",
        from: "replicas: 2",
        to: "replicas: 5",
        objects: &["changed StatefulSet web updates"],
        warnings: 0,
    },
    Applied {
        what: "an image",
        from: "image: nginx:1.27",
        to: "image: nginx:1.28",
        objects: &["changed StatefulSet web rolls-pods"],
        warnings: 0,
    },
    Applied {
        what: "a partition",
        from: "  replicas: 2\n",
        to: "  replicas: 2\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}\n",
        objects: &["changed StatefulSet web updates"],
        warnings: 0,
    },
    Applied {
        what: "the claim retention policy",
        from: "  replicas: 2\n",
        to: "  replicas: 2\n  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n",
        objects: &["changed StatefulSet web updates"],
        warnings: 0,
    },
    Applied {
        what: "minReadySeconds",
        from: "  replicas: 2\n",
        to: "  replicas: 2\n  minReadySeconds: 10\n",
        objects: &["changed StatefulSet web updates"],
        warnings: 0,
    },
    Applied {
        what: "pod labels",
        from: "      labels: {app: web}\n",
        to: "      labels: {app: web, team: a}\n",
        objects: &["changed StatefulSet web rolls-pods"],
        warnings: 0,
    },
    Applied {
        what: "a hook Job's args",
        from: "args: [--up]",
        to: "args: [--up, --verbose]",
        objects: &["changed Job migrate no-op"],
        warnings: 0,
    },
    Applied {
        what: "a PodDisruptionBudget added",
        from: "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen",
        to: "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: prod}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen",
        objects: &["added PodDisruptionBudget web updates"],
        warnings: 0,
    },
    Applied {
        what: "a Service made NodePort",
        from: "  type: ClusterIP\n",
        to: "  type: NodePort\n",
        objects: &["changed Service web updates"],
        warnings: 0,
    },
    Applied {
        what: "a claim of its own grows",
        from: "requests: {storage: 10Gi}",
        to: "requests: {storage: 20Gi}",
        objects: &["changed PersistentVolumeClaim shared updates"],
        warnings: 1,
    },
    Applied {
        what: "ConfigMap data read by pods that do not roll",
        from: "data: {LOG_LEVEL: info}",
        to: "data: {LOG_LEVEL: debug}",
        objects: &["changed ConfigMap web-env updates"],
        warnings: 1,
    },
    Applied {
        what: "a rotated Secret",
        from: "data: {TOKEN: c2VjcmV0LW9uZQ==}",
        to: "data: {TOKEN: c2VjcmV0LXR3bw==}",
        objects: &["changed Secret web updates"],
        warnings: 0,
    },
];

#[test]
fn every_change_kubernetes_applies_has_its_effect_and_no_hazard() {
    for case in APPLIED {
        let (code, json, err) = review(BASE, &edited(case.from, case.to), &[]);
        assert_eq!(code, Some(1), "{}: {err}", case.what);
        assert_eq!(hazards(&json), Vec::<String>::new(), "{}", case.what);
        assert_eq!(objects(&json), case.objects, "{}", case.what);
        assert_eq!(
            json["warnings"].as_array().unwrap().len(),
            case.warnings,
            "{}: {}",
            case.what,
            json["warnings"]
        );
    }
}

#[test]
fn order_comments_quoting_and_server_defaults_are_not_changes() {
    // Documents reversed, keys reordered, quotes changed, defaults written out, and the claim
    // template's apiVersion and kind (which the API server drops) added, a size written in
    // other units.
    let mut documents: Vec<&str> = BASE
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .collect();
    documents.reverse();
    let shuffled = documents
        .join("---\n# a comment\n")
        .replace("replicas: 2\n  serviceName: web-headless", "serviceName: 'web-headless'\n  replicas: 2\n  podManagementPolicy: OrderedReady")
        .replace("    - metadata: {name: data}\n", "    - apiVersion: v1\n      kind: PersistentVolumeClaim\n      metadata: {name: \"data\"}\n")
        .replace("image: nginx:1.27", "image: \"nginx:1.27\"")
        .replace("requests: {storage: 1Gi}", "requests: {storage: 1024Mi}");
    let (code, json, err) = review(BASE, &shuffled, &[]);
    assert_eq!(code, Some(0), "{json} {err}");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.yaml"), BASE).unwrap();
    std::fs::write(tmp.path().join("b.yaml"), &shuffled).unwrap();
    let out = chartgen(&["review", "a.yaml", "b.yaml"], tmp.path());
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
}

#[test]
fn the_text_report_shows_fields_rollout_hazards_and_warnings() {
    let new = edited(
        "  replicas: 2\n",
        "  replicas: 2\n  updateStrategy: {rollingUpdate: {partition: 1}}\n",
    )
    .replace("image: nginx:1.27", "image: nginx:1.28")
    .replace("requests: {storage: 1Gi}", "requests: {storage: 2Gi}")
    .replace("data: {LOG_LEVEL: info}", "data: {LOG_LEVEL: debug}");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.yaml"), BASE).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), new).unwrap();
    let out = chartgen(
        &["review", "old.yaml", "new.yaml", "--color", "never"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "changed  ConfigMap prod/web-env (updates)
    data.LOG_LEVEL: info → debug
changed  StatefulSet prod/web (needs recreate)  # app/templates/statefulset.yaml
    rollout: partition 1: only pods with an ordinal of 1 or more roll; the others keep the old template
    spec.template.spec.containers[app].image: nginx:1.27 → nginx:1.28
    spec.volumeClaimTemplates[data].spec.resources.requests.storage: 1Gi → 2Gi
    spec.updateStrategy.rollingUpdate.partition: 0 → 1
hazard: StatefulSet prod/web spec.volumeClaimTemplates[data].spec.resources.requests.storage: Kubernetes 1.35 refuses to change spec.volumeClaimTemplates of an existing StatefulSet: `helm upgrade` fails with \"spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\"
  remedy: resize each existing claim directly, when its StorageClass allows expansion (`kubectl patch pvc data-web-N -p '{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"2Gi\"}}}}'` for each pod N), then delete the StatefulSet but keep its pods and claims (`kubectl delete statefulset web --cascade=orphan`), then `helm upgrade`: the new StatefulSet adopts the running pods
overall: needs recreate
"
    );
}

#[test]
fn the_kube_version_chooses_the_rules() {
    let new = edited("  replicas: 2\n", "  replicas: 2\n  ordinals: {start: 1}\n");
    let (_, json, _) = review(BASE, &new, &["--kube-version", "1.31"]);
    assert_eq!(hazards(&json), Vec::<String>::new());
    let new = edited("requests: {storage: 1Gi}", "requests: {storage: 2Gi}");
    let (_, json, _) = review(BASE, &new, &["--kube-version", "1.25"]);
    let problem = json["hazards"][0]["problem"].as_str().unwrap();
    assert!(
        problem.contains("Kubernetes 1.25 refuses")
            && problem.contains("'replicas', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds'"),
        "{problem}"
    );
    let (code, _, err) = review(BASE, BASE, &["--kube-version", "2.0"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("2.0 is outside the versions whose rules chartgen knows (1.25 to 1.35)"),
        "{err}"
    );
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/review")
        .join(name)
        .display()
        .to_string()
}

fn review_fixtures(new: &str, format: &str) -> (Option<i32>, String) {
    let out = chartgen(
        &[
            "review",
            &fixture("redis-default.yaml"),
            &fixture(new),
            "--format",
            format,
            "--color",
            "never",
        ],
        &root(),
    );
    (out.status.code(), stdout(&out))
}

#[test]
fn bitnami_redis_scaled_is_an_update_in_place() {
    assert_eq!(
        review_fixtures("redis-replicas-5.yaml", "unified"),
        (
            Some(1),
            "changed  StatefulSet data/cache-redis-replicas (updates)  # redis/templates/replicas/application.yaml
    spec.replicas: 3 → 5
overall: updates
"
            .to_string()
        )
    );
}

#[test]
fn bitnami_redis_with_a_bigger_claim_is_refused_with_the_resize_remedy() {
    let (code, text) = review_fixtures("redis-master-16Gi.yaml", "unified");
    assert_eq!(code, Some(1));
    assert!(text.starts_with(
        "changed  StatefulSet data/cache-redis-master (needs recreate)  # redis/templates/master/application.yaml
    spec.volumeClaimTemplates[redis-data].spec.resources.requests.storage: 8Gi → 16Gi
hazard: StatefulSet data/cache-redis-master spec.volumeClaimTemplates[redis-data].spec.resources.requests.storage: "
    ), "{text}");
    assert!(
        text.contains("kubectl patch pvc redis-data-cache-redis-master-N"),
        "{text}"
    );
    assert!(text.ends_with("overall: needs recreate\n"), "{text}");
}

#[test]
fn bitnami_redis_password_rotation_rolls_pods_and_never_shows_the_password() {
    let (code, text) = review_fixtures("redis-password-rotated.yaml", "unified");
    assert_eq!(code, Some(1));
    assert!(text.contains("changed  Secret data/cache-redis (updates)  # redis/templates/secret.yaml\n    data.redis-password: (hidden) → (hidden)\n"), "{text}");
    assert!(
        text.contains("changed  StatefulSet data/cache-redis-master (rolls pods)"),
        "{text}"
    );
    assert!(
        text.contains("changed  StatefulSet data/cache-redis-replicas (rolls pods)"),
        "{text}"
    );
    assert!(text.ends_with("overall: rolls pods\n"), "{text}");
    for format in ["unified", "stat", "json", "markdown"] {
        let (_, text) = review_fixtures("redis-password-rotated.yaml", format);
        for secret in [
            "example-password",
            "ZXhhbXBsZS1wYXNzd29yZC1vbmU=",
            "ZXhhbXBsZS1wYXNzd29yZC10d28=",
        ] {
            assert!(!text.contains(secret), "{format} shows {secret}");
        }
    }
    let out = chartgen(
        &[
            "review",
            &fixture("redis-default.yaml"),
            &fixture("redis-password-rotated.yaml"),
            "--show-secrets",
        ],
        &root(),
    );
    assert!(stdout(&out).contains("ZXhhbXBsZS1wYXNzd29yZC10d28="));
}

#[test]
fn bitnami_redis_made_standalone_removes_the_replicas_and_keeps_their_claims() {
    let (code, json) = review_fixtures("redis-standalone.yaml", "json");
    assert_eq!(code, Some(1));
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        objects(&json),
        [
            "changed ConfigMap cache-redis-scripts updates",
            "removed Service cache-redis-replicas updates",
            "removed ServiceAccount cache-redis-replica updates",
            "changed StatefulSet cache-redis-master rolls-pods",
            "removed StatefulSet cache-redis-replicas updates",
            "removed PodDisruptionBudget cache-redis-replicas updates",
        ]
    );
    assert_eq!(hazards(&json), Vec::<String>::new());
    assert_eq!(
        json["warnings"],
        serde_json::json!([
            "StatefulSet data/cache-redis-replicas is removed; its claims (redis-data-cache-redis-replicas-N): they and their data stay until deleted by hand"
        ])
    );
}

#[test]
fn the_same_manifests_review_to_nothing() {
    for format in ["unified", "stat", "json"] {
        let (code, text) = review_fixtures("redis-default.yaml", format);
        assert_eq!(code, Some(0), "{format}");
        if format != "json" {
            assert_eq!(text, "", "{format}");
        }
    }
    let (_, text) = review_fixtures("redis-default.yaml", "markdown");
    assert_eq!(text, "### chartgen review\n\nNo changes.\n");
}

#[test]
fn markdown_is_a_pull_request_comment() {
    let (_, text) = review_fixtures("redis-master-16Gi.yaml", "markdown");
    assert!(text.starts_with("### chartgen review\n\n**Effect on a running release: needs recreate**\n\n| Object | Status | Effect | Source |\n| --- | --- | --- | --- |\n| `StatefulSet data/cache-redis-master` | changed | needs recreate | `redis/templates/master/application.yaml` |\n\n> ⚠️ **Hazard:** `StatefulSet data/cache-redis-master` `spec.volumeClaimTemplates[redis-data].spec.resources.requests.storage`: "), "{text}");
    assert!(text.contains("\n<details><summary><code>StatefulSet data/cache-redis-master</code> (changed, needs recreate)</summary>\n\n| Field | Before | After |\n| --- | --- | --- |\n| `spec.volumeClaimTemplates[redis-data].spec.resources.requests.storage` | `8Gi` | `16Gi` |\n\n</details>\n"), "{text}");
}

#[test]
fn folders_and_standard_input_are_inputs_too() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old/templates");
    std::fs::create_dir_all(&old).unwrap();
    for (i, document) in BASE
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .enumerate()
    {
        std::fs::write(old.join(format!("{i:02}.yaml")), document).unwrap();
    }
    std::fs::write(old.join("NOTES.txt"), "not a manifest").unwrap();
    let new = edited("replicas: 2", "replicas: 4");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chartgen"))
        .args(["review", "old", "-", "--format", "stat"])
        .current_dir(tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(new.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        (out.status.code(), stdout(&out)),
        (
            Some(1),
            "changed  StatefulSet prod/web (updates, 1 field(s))\n1 object(s) differ, 0 hazard(s); overall: updates\n".to_string()
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_namespace_option_fills_in_what_manifests_leave_out() {
    let old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: '1'}\n";
    let new =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: prod}\ndata: {k: '1'}\n";
    let (code, json, _) = review(old, new, &[]);
    assert_eq!(
        (code, objects(&json)),
        (
            Some(1),
            vec![
                "removed ConfigMap a updates".to_string(),
                "added ConfigMap a updates".to_string()
            ]
        )
    );
    let (code, _, _) = review(old, new, &["--namespace", "prod"]);
    assert_eq!(code, Some(0));
}

fn error_of(old: &str, new: &str, args: &[&str]) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.yaml"), old).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), new).unwrap();
    let mut all = vec!["review"];
    all.extend(args);
    let out = chartgen(&all, tmp.path());
    assert_eq!(stdout(&out), "");
    (out.status.code(), stderr(&out))
}

#[test]
fn bad_input_is_an_error_naming_file_and_line() {
    let ok = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
    let cases = [
        (
            format!("{ok}---\ndata: [1\n"),
            "error: new.yaml:5: not YAML: while parsing a flow sequence, expected ',' or ']'\n",
        ),
        (
            format!("{ok}---\n# Source: x\napiVersion: v1\nmetadata: {{name: b}}\n"),
            "error: new.yaml:6: an object without `kind`\n",
        ),
        (
            format!("{ok}---\napiVersion: v1\nkind: Secret\n"),
            "error: new.yaml:5: a Secret without `metadata.name`\n",
        ),
        (
            format!("{ok}---\n{ok}"),
            "error: new.yaml:5: ConfigMap a appears twice (first at new.yaml:1)\n",
        ),
    ];
    for (new, expected) in cases {
        assert_eq!(
            error_of(ok, &new, &["old.yaml", "new.yaml"]),
            (Some(2), expected.to_string()),
            "{new}"
        );
    }
    assert_eq!(
        error_of(ok, ok, &["old.yaml", "missing.yaml"]),
        (
            Some(2),
            "error: cannot read `missing.yaml`: No such file or directory (os error 2)\n"
                .to_string()
        )
    );
    assert_eq!(
        error_of(ok, ok, &["-", "-"]),
        (
            Some(2),
            "error: -: standard input can be only one side of a review\n".to_string()
        )
    );
}

#[test]
fn help_names_the_workflow() {
    let out = chartgen(&["review", "--help"], Path::new("."));
    let text = stdout(&out);
    assert!(
        text.contains("helm get manifest shop -n prod > old.yaml"),
        "{text}"
    );
}

/// A seed's hand-made chart as it was installed (its `helm install --dry-run` output, in
/// tests/fixtures/seeds) against the chart chartgen generates from the matching example spec,
/// rendered by Helm with the same release: what moving that release onto chartgen does.
struct Seed {
    example: &'static str,
    release: &'static str,
    values: &'static str,
    /// Every hazard, each a real difference between the two charts (see README "Replacing a
    /// hand-made chart").
    hazards: &'static [&'static str],
}

const SEEDS: &[Seed] = &[
    Seed {
        example: "fastapi-app",
        release: "fastapi-release",
        values: r#"{"secrets": {"MY_PASS": "x"}}"#,
        // The seed mounts a claim named config-volume at /config.json; the example names its
        // volume data: a claim template removed and one added.
        hazards: &[
            "StatefulSet fastapi-release-fastapi-app spec.volumeClaimTemplates[config-volume]",
            "StatefulSet fastapi-release-fastapi-app spec.volumeClaimTemplates[data]",
        ],
    },
    Seed {
        example: "helm-app-python",
        release: "helm-app-python",
        values: "{}",
        // chartgen labels claim templates with the selector labels; the seed's StatefulSet has
        // no serviceName, chartgen's names its headless Service.
        hazards: &[
            "StatefulSet helm-app-python spec.volumeClaimTemplates[www].metadata.labels",
            "StatefulSet helm-app-python spec.serviceName",
        ],
    },
    Seed {
        example: "web-apps",
        release: "my-web-app",
        values: "{}",
        // Claim template labels as above; the seed's author switched to Parallel after this
        // install (their task 2.5), which the example spec follows.
        hazards: &[
            "StatefulSet my-web-app-web-apps spec.volumeClaimTemplates[data].metadata.labels",
            "StatefulSet my-web-app-web-apps spec.podManagementPolicy",
        ],
    },
];

#[test]
fn a_seed_release_moved_onto_its_chartgen_chart_shows_only_real_hazards() {
    for seed in SEEDS {
        let values = serde_json::from_str(seed.values).unwrap();
        let chart = root().join("examples").join(seed.example);
        let files = helm_render_as(&chart, values, seed.release, "default").unwrap();
        let old = std::fs::read_to_string(
            root()
                .join("tests/fixtures/seeds")
                .join(format!("{}.yaml", seed.example)),
        )
        .unwrap();
        let (code, json, err) = review(&old, &manifest(&files), &["--namespace", "default"]);
        assert_eq!(code, Some(1), "{}: {err}", seed.example);
        assert_eq!(hazards(&json), seed.hazards, "{}", seed.example);
        for object in json["objects"].as_array().unwrap() {
            let hook = object["kind"] == "Pod" || object["kind"] == "Job";
            assert!(
                !hook || object["effect"] == "no-op",
                "{}: {object}",
                seed.example
            );
        }
    }
}

/// Found by an adversarial run against `chartgen review`; each case is what it got wrong.
#[test]
fn what_an_attack_found_stays_fixed() {
    let pod = |tolerations: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers: [{{name: a, image: x}}]\n  tolerations: {tolerations}\n"
        )
    };
    let one = "[{key: k, effect: NoSchedule}]";
    let (_, json, _) = review(&pod(one), &pod("[{key: k, effect: NoExecute}]"), &[]);
    assert_eq!(
        hazards(&json),
        ["Pod p spec.tolerations[0].effect"],
        "changing a toleration"
    );
    let (_, json, _) = review(
        &pod(one),
        &pod("[{key: k, effect: NoSchedule}, {key: j}]"),
        &[],
    );
    assert_eq!(hazards(&json), Vec::<String>::new(), "adding a toleration");

    let service = |spec: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec: {spec}\n")
    };
    let (_, json, _) = review(
        &service("{clusterIP: None, ports: [{port: 80}]}"),
        &service("{type: ExternalName, externalName: db.example.com}"),
        &[],
    );
    assert_eq!(
        hazards(&json),
        Vec::<String>::new(),
        "headless to ExternalName"
    );

    let job = |n: u32| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: j}}\nspec: {{completionMode: Indexed, completions: {n}, parallelism: {n}, template: {{spec: {{containers: [{{name: a, image: x}}]}}}}}}\n"
        )
    };
    let (_, json, _) = review(&job(4), &job(8), &[]);
    assert_eq!(
        hazards(&json),
        Vec::<String>::new(),
        "an Indexed Job scaled"
    );

    let secret =
        |body: &str| format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\n{body}\n");
    let (code, _, _) = review(
        &secret("stringData: {p: hunter2}"),
        &secret("data: {p: aHVudGVyMg==}"),
        &[],
    );
    assert_eq!(code, Some(0), "stringData is written into data");

    let env = |order: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec: {{containers: [{{name: c, image: x, env: {order}}}]}}\n"
        )
    };
    let (_, json, _) = review(
        &env("[{name: A}, {name: B}]"),
        &env("[{name: B}, {name: A}]"),
        &[],
    );
    assert_eq!(
        objects(&json),
        ["changed Deployment d rolls-pods"],
        "env reordered"
    );

    let hook = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: t, annotations: {helm.sh/hook: test}}\nspec: {containers: [{name: a, image: x}]}\n";
    let (code, json, _) = review(
        &service("{ports: [{port: 80}]}"),
        &format!("{}{hook}", service("{ports: [{port: 80}]}")),
        &[],
    );
    assert_eq!(
        code,
        Some(0),
        "`helm get manifest` against `helm template`: hooks left out"
    );
    assert!(
        json["warnings"][0]
            .as_str()
            .unwrap()
            .contains("hooks and tests are left out"),
        "{json}"
    );
}

#[test]
fn escape_sequences_and_fences_in_the_input_stay_inert() {
    let map = |value: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: m}}\ndata: {{k: \"{value}\"}}\n"
        )
    };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.yaml"), map("a")).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), map("\\e[8m\\r</details>")).unwrap();
    let out = chartgen(
        &["review", "old.yaml", "new.yaml", "--color", "never"],
        tmp.path(),
    );
    assert_eq!(
        stdout(&out),
        "changed  ConfigMap m (updates)\n    data.k: a → \\u{1b}[8m\\r</details>\noverall: updates\n"
    );
    let out = chartgen(
        &["review", "old.yaml", "new.yaml", "--format", "markdown"],
        tmp.path(),
    );
    assert!(
        stdout(&out).contains("| `data.k` | `a` | `\\u{1b}[8m\\r</details>` |"),
        "{}",
        stdout(&out)
    );
    let text = |body: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: t}}\ndata:\n  f: |\n    ````\n    {body}\n"
        )
    };
    std::fs::write(tmp.path().join("old.yaml"), text("a")).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), text("b")).unwrap();
    let out = chartgen(
        &["review", "old.yaml", "new.yaml", "--format", "markdown"],
        tmp.path(),
    );
    assert!(
        stdout(&out).contains("\n`````diff\n@@ -1,2 +1,2 @@\n ````\n-a\n+b\n`````\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chartgen"))
        .args([
            "review",
            &fixture("redis-default.yaml"),
            &fixture("redis-standalone.yaml"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!((out.status.code(), stderr(&out)), (Some(1), String::new()));
}

/// Names from the manifests (a PR's values set them) inside warnings and remedies stay text:
/// no image, bold text or link in the PR comment, even with a backtick that ends a quote.
#[test]
fn markdown_warnings_and_remedies_hold_names_as_text() {
    let set = |name: &str, claim: &str, size: &str| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: '{name}'}}\nspec:\n  \
             serviceName: s\n  selector: {{matchLabels: {{app: s}}}}\n  template:\n    \
             metadata: {{labels: {{app: s}}}}\n    spec: {{containers: [{{name: c, image: i}}]}}\n  \
             volumeClaimTemplates:\n  - metadata: {{name: '{claim}'}}\n    spec:\n      \
             accessModes: [ReadWriteOnce]\n      resources: {{requests: {{storage: {size}}}}}\n"
        )
    };
    let gone = set("db<img src=x>**pwn**", "d", "1Gi");
    let old = format!("{gone}---\n{}", set("w`<b>", "c", "1Gi"));
    let new = set("w`<b>", "c", "2Gi");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.yaml"), old).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), new).unwrap();
    let out = chartgen(
        &["review", "old.yaml", "new.yaml", "--format", "markdown"],
        tmp.path(),
    );
    let text = stdout(&out);
    for line in [
        "\n> ⚠️ **Warning:** StatefulSet db&lt;img src=x&gt;\\*\\*pwn\\*\\* is removed; its claims \
         (d-db&lt;img src=x&gt;\\*\\*pwn\\*\\*-N): they and their data stay until deleted by hand\n",
        // The name's backtick ends each quote early: what follows is text, up to the next
        // quote, which holds the prose up to the next one.
        "(`kubectl patch pvc c-w`&lt;b&gt;-N -p '{\"spec\":{\"resources\":{\"requests\":\
         {\"storage\":\"2Gi\"}}}}'`  for each pod N), then delete the StatefulSet but keep its \
         pods and claims ( `kubectl delete statefulset w`<b> --cascade=orphan`), then ",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
}
