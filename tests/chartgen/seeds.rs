//! Each seed's chart, as its write-up shows it (shared/seeds), holds in the default render of
//! the example written from it: every property is read from the objects real Helm renders (as
//! go-yaml reads them), not from the text.

use serde_json::{Value, json};

use crate::helm::required;
use crate::support::{generate, helm, root};
use chartgen::load::load;

/// A property: the object (kind, name; `Chart.yaml` for the chart's metadata), the path to a
/// field (`[x]` is the element named x of a list, `[0]` the first) and its value.
type Property = (&'static str, &'static str, &'static str, Value);

const POD: &str = "spec.template.spec";
const CONTAINER: &str = "spec.template.spec.containers[0]";

fn small_hook_pod() -> Value {
    json!({
        "requests": { "cpu": "100m", "memory": "128Mi" },
        "limits": { "memory": "256Mi" },
    })
}

/// The seeds' examples, and what each write-up shows. Paths are joined with `.`; a key
/// holding dots is written between `'`.
fn seeds() -> Vec<(&'static str, Vec<Property>)> {
    let http_probe = |delay: Option<i64>, period: Option<i64>| {
        let mut probe = json!({ "httpGet": { "path": "/", "port": "http" } });
        if let Some(delay) = delay {
            probe["initialDelaySeconds"] = json!(delay);
        }
        if let Some(period) = period {
            probe["periodSeconds"] = json!(period);
        }
        probe
    };
    let seed_resources = json!({
        "limits": { "cpu": "100m", "memory": "128Mi" },
        "requests": { "cpu": "100m", "memory": "128Mi" },
    });
    let library = json!([{ "name": "common-lib", "version": "0.1.0", "repository": "file://../lib/common-lib" }]);
    vec![
        (
            "fastapi-app",
            vec![
                ("StatefulSet", "rel-fastapi-app", "spec.replicas", json!(2)),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.image",
                    json!("louayfarah/timezone_app_python:latest"),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.imagePullPolicy",
                    json!("IfNotPresent"),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.ports[http].containerPort",
                    json!(8000),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.env[MY_PASS].valueFrom.secretKeyRef",
                    json!({ "name": "rel-fastapi-app", "key": "MY_PASS" }),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.volumeMounts[config].mountPath",
                    json!("/config.json"),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.volumeMounts[config].subPath",
                    json!("config.json"),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.volumeMounts[data].mountPath",
                    json!("/data"),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.resources",
                    json!({ "requests": { "memory": "128Mi", "cpu": "250m" }, "limits": { "memory": "256Mi", "cpu": "500m" } }),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.livenessProbe",
                    http_probe(Some(5), Some(10)),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "CONTAINER.readinessProbe",
                    http_probe(Some(5), Some(10)),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "spec.volumeClaimTemplates[data].spec.resources.requests.storage",
                    json!("1Gi"),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "spec.volumeClaimTemplates[data].spec.storageClassName",
                    json!("standard"),
                ),
                (
                    "StatefulSet",
                    "rel-fastapi-app",
                    "spec.volumeClaimTemplates[data].spec.accessModes",
                    json!(["ReadWriteOnce"]),
                ),
                (
                    "Secret",
                    "rel-fastapi-app",
                    "data.MY_PASS",
                    json!("from-install"),
                ),
                (
                    "ConfigMap",
                    "rel-fastapi-app",
                    "data.'config.json'",
                    json!(
                        "{\n    \"sampleUrl\": \"https://www.google.com\",\n    \"featureFlag\": true\n}\n"
                    ),
                ),
                (
                    "Service",
                    "rel-fastapi-app",
                    "spec.type",
                    json!("ClusterIP"),
                ),
                (
                    "Service",
                    "rel-fastapi-app",
                    "spec.ports[http].port",
                    json!(8000),
                ),
                (
                    "Job",
                    "rel-fastapi-app-preinstall",
                    "metadata.annotations.'helm.sh/hook'",
                    json!("pre-install"),
                ),
                (
                    "Job",
                    "rel-fastapi-app-preinstall",
                    "CONTAINER.image",
                    json!("busybox:1.37"),
                ),
                (
                    "Job",
                    "rel-fastapi-app-preinstall",
                    "CONTAINER.command",
                    json!(["sh", "-c"]),
                ),
                (
                    "Job",
                    "rel-fastapi-app-preinstall",
                    "CONTAINER.args",
                    json!(["echo 'Running pre-install'; sleep 20"]),
                ),
                (
                    "Job",
                    "rel-fastapi-app-preinstall",
                    "POD.restartPolicy",
                    json!("Never"),
                ),
                (
                    "Job",
                    "rel-fastapi-app-postinstall",
                    "metadata.annotations.'helm.sh/hook'",
                    json!("post-install"),
                ),
                (
                    "Job",
                    "rel-fastapi-app-postinstall",
                    "CONTAINER.args",
                    json!(["echo 'Running post-install'; sleep 20"]),
                ),
                (
                    "Job",
                    "rel-fastapi-app-postinstall",
                    "CONTAINER.resources",
                    small_hook_pod(),
                ),
            ],
        ),
        (
            "python-app",
            vec![
                ("StatefulSet", "rel-python-app", "spec.replicas", json!(3)),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "spec.podManagementPolicy",
                    json!("Parallel"),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "CONTAINER.image",
                    json!("em1999jay/python-app:latest"),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "CONTAINER.ports[http].containerPort",
                    json!(5000),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "CONTAINER.volumeMounts[app-data].mountPath",
                    json!("/data"),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "spec.volumeClaimTemplates[app-data].spec.resources.requests.storage",
                    json!("1Gi"),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "CONTAINER.livenessProbe",
                    http_probe(Some(10), Some(5)),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "CONTAINER.readinessProbe",
                    http_probe(Some(5), Some(3)),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "CONTAINER.env[MY_USER].valueFrom.secretKeyRef",
                    json!({ "name": "rel-python-app", "key": "MY_USER" }),
                ),
                (
                    "StatefulSet",
                    "rel-python-app",
                    "CONTAINER.env[MY_PASS].valueFrom.secretKeyRef",
                    json!({ "name": "rel-python-app", "key": "MY_PASS" }),
                ),
                ("Service", "rel-python-app", "spec.type", json!("NodePort")),
                (
                    "Service",
                    "rel-python-app",
                    "spec.ports[http].port",
                    json!(5000),
                ),
                (
                    "Service",
                    "rel-python-app",
                    "spec.ports[http].nodePort",
                    json!(30007),
                ),
            ],
        ),
        (
            "node-app",
            vec![
                ("StatefulSet", "rel-node-app", "spec.replicas", json!(3)),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "spec.podManagementPolicy",
                    json!("Parallel"),
                ),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "spec.updateStrategy",
                    json!({ "type": "RollingUpdate", "rollingUpdate": { "partition": 1 } }),
                ),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "CONTAINER.image",
                    json!("em1999jay/node-moscow-time:latest"),
                ),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "CONTAINER.ports[http].containerPort",
                    json!(3000),
                ),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "CONTAINER.livenessProbe",
                    json!({ "httpGet": { "path": "/", "port": 3000 }, "initialDelaySeconds": 10, "periodSeconds": 5 }),
                ),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "CONTAINER.readinessProbe",
                    json!({ "httpGet": { "path": "/", "port": 3000 }, "initialDelaySeconds": 5, "periodSeconds": 3 }),
                ),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "CONTAINER.volumeMounts[app-data].mountPath",
                    json!("/data"),
                ),
                (
                    "StatefulSet",
                    "rel-node-app",
                    "spec.volumeClaimTemplates[app-data].spec.resources.requests.storage",
                    json!("1Gi"),
                ),
            ],
        ),
        (
            "helm-app-python",
            vec![
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "spec.replicas",
                    json!(2),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.image",
                    json!("damirafliatonov/moscow-time-app:latest"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.imagePullPolicy",
                    json!("Always"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.ports[http].containerPort",
                    json!(8000),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.livenessProbe",
                    http_probe(None, None),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.readinessProbe",
                    http_probe(None, None),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.resources",
                    seed_resources.clone(),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.volumeMounts[config].mountPath",
                    json!("/app/config.json"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.volumeMounts[config].subPath",
                    json!("config.json"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "CONTAINER.volumeMounts[www].mountPath",
                    json!("/app/visits"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "spec.volumeClaimTemplates[www].spec.resources.requests.storage",
                    json!("1Gi"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "spec.volumeClaimTemplates[www].spec.accessModes",
                    json!(["ReadWriteOnce"]),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "spec.template.metadata.annotations.'vault.hashicorp.com/agent-inject'",
                    json!("true"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "spec.template.metadata.annotations.'vault.hashicorp.com/agent-inject-secret-database-config.txt'",
                    json!("internal/data/database/config"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "spec.template.metadata.annotations.'vault.hashicorp.com/role'",
                    json!("internal-app"),
                ),
                (
                    "StatefulSet",
                    "rel-helm-app-python",
                    "POD.serviceAccountName",
                    json!("internal-app"),
                ),
                (
                    "ServiceAccount",
                    "internal-app",
                    "metadata.name",
                    json!("internal-app"),
                ),
                (
                    "ConfigMap",
                    "rel-helm-app-python",
                    "data.'config.json'",
                    json!("{\n    \"example\": \"example data\"\n}\n"),
                ),
                (
                    "Service",
                    "rel-helm-app-python",
                    "spec.type",
                    json!("ClusterIP"),
                ),
                (
                    "Service",
                    "rel-helm-app-python",
                    "spec.ports[http].port",
                    json!(8000),
                ),
                (
                    "Job",
                    "rel-helm-app-python-post-install",
                    "metadata.annotations.'helm.sh/hook'",
                    json!("post-install"),
                ),
                (
                    "Job",
                    "rel-helm-app-python-post-install",
                    "CONTAINER.image",
                    json!("busybox:1.37"),
                ),
                (
                    "Job",
                    "rel-helm-app-python-post-install",
                    "CONTAINER.imagePullPolicy",
                    json!("Always"),
                ),
                (
                    "Job",
                    "rel-helm-app-python-post-install",
                    "CONTAINER.command",
                    json!([
                        "sh",
                        "-c",
                        "echo The post-install hook is running && sleep 15"
                    ]),
                ),
                (
                    "Job",
                    "rel-helm-app-python-post-install",
                    "POD.terminationGracePeriodSeconds",
                    json!(0),
                ),
                (
                    "Job",
                    "rel-helm-app-python-pre-install",
                    "metadata.annotations.'helm.sh/hook'",
                    json!("pre-install"),
                ),
                (
                    "Job",
                    "rel-helm-app-python-pre-install",
                    "CONTAINER.imagePullPolicy",
                    json!("IfNotPresent"),
                ),
                (
                    "Job",
                    "rel-helm-app-python-pre-install",
                    "CONTAINER.command",
                    json!([
                        "sh",
                        "-c",
                        "echo The pre-install hook is running && sleep 20"
                    ]),
                ),
                (
                    "Job",
                    "rel-helm-app-python-pre-install",
                    "POD.terminationGracePeriodSeconds",
                    json!(0),
                ),
                (
                    "Job",
                    "rel-helm-app-python-pre-install",
                    "POD.restartPolicy",
                    json!("Never"),
                ),
                ("Chart.yaml", "", "dependencies", library.clone()),
            ],
        ),
        (
            "web-apps",
            vec![
                ("StatefulSet", "rel-web-apps", "spec.replicas", json!(1)),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "spec.podManagementPolicy",
                    json!("Parallel"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.image",
                    json!("lekski/python-web-app:latest"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.imagePullPolicy",
                    json!("IfNotPresent"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.ports[http].containerPort",
                    json!(8000),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.env",
                    json!([
                        { "name": "MY_PASSWORD", "valueFrom": { "secretKeyRef": { "name": "credentials", "key": "password" } } },
                        { "name": "STUDENT", "value": "Eldar Mametov" },
                    ]),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.envFrom",
                    json!([{ "configMapRef": { "name": "rel-web-apps-env" } }]),
                ),
                (
                    "ConfigMap",
                    "rel-web-apps-env",
                    "data",
                    json!({ "MYNAME": "Eldar" }),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.livenessProbe",
                    json!({ "httpGet": { "path": "/", "port": "http" }, "initialDelaySeconds": 60, "periodSeconds": 5, "failureThreshold": 3 }),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.readinessProbe",
                    http_probe(Some(60), Some(5)),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.resources",
                    seed_resources,
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "CONTAINER.volumeMounts[data].mountPath",
                    json!("/data"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "spec.volumeClaimTemplates[data].spec.resources.requests.storage",
                    json!("1Gi"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "spec.template.metadata.annotations.'vault.hashicorp.com/agent-inject'",
                    json!("true"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "spec.template.metadata.annotations.'vault.hashicorp.com/agent-inject-secret-database-config.txt'",
                    json!("internal/data/database/config"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "spec.template.metadata.annotations.'vault.hashicorp.com/agent-inject-template-database-config.txt'",
                    json!(
                        "{{- with secret \"internal/data/database/config\" -}}\npostgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/wizard\n{{- end -}}\n"
                    ),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "spec.template.metadata.annotations.'vault.hashicorp.com/role'",
                    json!("web-apps"),
                ),
                (
                    "StatefulSet",
                    "rel-web-apps",
                    "POD.serviceAccountName",
                    json!("web-apps"),
                ),
                (
                    "ServiceAccount",
                    "web-apps",
                    "metadata.name",
                    json!("web-apps"),
                ),
                (
                    "Service",
                    "rel-web-apps",
                    "spec.ports[http].port",
                    json!(8000),
                ),
                (
                    "Ingress",
                    "rel-web-apps",
                    "spec.rules[0].host",
                    json!("new-python-web-app.local"),
                ),
                (
                    "Ingress",
                    "rel-web-apps",
                    "spec.rules[0].http.paths[0]",
                    json!({ "path": "/", "pathType": "Prefix", "backend": { "service": { "name": "rel-web-apps", "port": { "number": 8000 } } } }),
                ),
                (
                    "Job",
                    "rel-web-apps-pre-install",
                    "metadata.annotations.'helm.sh/hook'",
                    json!("pre-install"),
                ),
                (
                    "Job",
                    "rel-web-apps-pre-install",
                    "CONTAINER.command",
                    json!([
                        "sh",
                        "-c",
                        "echo The pre-install hook is running && sleep 20"
                    ]),
                ),
                (
                    "Job",
                    "rel-web-apps-pre-install",
                    "CONTAINER.imagePullPolicy",
                    json!("IfNotPresent"),
                ),
                (
                    "Job",
                    "rel-web-apps-pre-install",
                    "POD.terminationGracePeriodSeconds",
                    json!(0),
                ),
                (
                    "Job",
                    "rel-web-apps-post-install",
                    "metadata.annotations.'helm.sh/hook'",
                    json!("post-install"),
                ),
                (
                    "Job",
                    "rel-web-apps-post-install",
                    "CONTAINER.imagePullPolicy",
                    json!("Always"),
                ),
                (
                    "Job",
                    "rel-web-apps-post-install",
                    "CONTAINER.command",
                    json!([
                        "sh",
                        "-c",
                        "echo The post-install hook is running && sleep 20"
                    ]),
                ),
                (
                    "Job",
                    "rel-web-apps-post-install",
                    "POD.terminationGracePeriodSeconds",
                    json!(0),
                ),
                ("Chart.yaml", "", "dependencies", library),
            ],
        ),
        (
            "golang-web-app",
            vec![
                (
                    "StatefulSet",
                    "rel-golang-web-app",
                    "spec.replicas",
                    json!(1),
                ),
                (
                    "StatefulSet",
                    "rel-golang-web-app",
                    "spec.updateStrategy.rollingUpdate.partition",
                    json!(1),
                ),
                (
                    "StatefulSet",
                    "rel-golang-web-app",
                    "CONTAINER.image",
                    json!("lekski/golang-web-app:latest"),
                ),
                (
                    "StatefulSet",
                    "rel-golang-web-app",
                    "CONTAINER.ports[http].containerPort",
                    json!(8000),
                ),
                (
                    "StatefulSet",
                    "rel-golang-web-app",
                    "CONTAINER.readinessProbe.httpGet",
                    json!({ "path": "/visits", "port": "http" }),
                ),
                (
                    "StatefulSet",
                    "rel-golang-web-app",
                    "CONTAINER.volumeMounts[data].mountPath",
                    json!("/data"),
                ),
                (
                    "StatefulSet",
                    "rel-golang-web-app",
                    "spec.volumeClaimTemplates[data].spec.resources.requests.storage",
                    json!("1Gi"),
                ),
            ],
        ),
        (
            "your-app",
            vec![
                ("StatefulSet", "rel-your-app", "spec.replicas", json!(3)),
                (
                    "StatefulSet",
                    "rel-your-app",
                    "spec.podManagementPolicy",
                    json!("Parallel"),
                ),
                (
                    "StatefulSet",
                    "rel-your-app",
                    "CONTAINER.image",
                    json!("your-registry/python-app:latest"),
                ),
                (
                    "StatefulSet",
                    "rel-your-app",
                    "CONTAINER.ports[http].containerPort",
                    json!(5000),
                ),
                (
                    "StatefulSet",
                    "rel-your-app",
                    "CONTAINER.livenessProbe",
                    http_probe(None, None),
                ),
                (
                    "StatefulSet",
                    "rel-your-app",
                    "CONTAINER.readinessProbe",
                    http_probe(None, None),
                ),
                (
                    "StatefulSet",
                    "rel-your-app",
                    "CONTAINER.volumeMounts[my-python-app].mountPath",
                    json!("/src/data"),
                ),
                (
                    "StatefulSet",
                    "rel-your-app",
                    "spec.volumeClaimTemplates[my-python-app].spec.resources.requests.storage",
                    json!("100Mi"),
                ),
            ],
        ),
    ]
}

/// The path's segments, with the `CONTAINER` and `POD` abbreviations expanded: `a.'b.c'[x]`
/// → `a`, `b.c`, `[x]`.
fn segments(path: &str) -> Vec<String> {
    let path = path
        .replacen("CONTAINER", CONTAINER, 1)
        .replacen("POD", POD, 1);
    let mut out = Vec::new();
    let mut rest = path.as_str();
    while !rest.is_empty() {
        rest = rest.trim_start_matches('.');
        let (segment, after) = if let Some(quoted) = rest.strip_prefix('\'') {
            let end = quoted.find('\'').expect("a closing quote");
            (quoted[..end].to_string(), &quoted[end + 1..])
        } else if rest.starts_with('[') {
            let end = rest.find(']').expect("a closing bracket");
            (rest[..=end].to_string(), &rest[end + 1..])
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            (rest[..end].to_string(), &rest[end..])
        };
        out.push(segment);
        rest = after;
    }
    out
}

/// The field at `path` in `doc`; a list element by its `name`, or by its index.
fn field<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    segments(path).iter().try_fold(doc, |node, segment| {
        match segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(index) => match index.parse::<usize>() {
                Ok(i) => node.get(i),
                Err(_) => node
                    .as_array()?
                    .iter()
                    .find(|item| item.get("name").and_then(Value::as_str) == Some(index))
                    .or_else(|| {
                        // Claim templates are named in their metadata.
                        node.as_array()?
                            .iter()
                            .find(|item| item["metadata"]["name"] == index)
                    }),
            },
            None => node.get(segment.as_str()),
        }
    })
}

#[test]
fn each_seed_example_renders_every_property_its_write_up_shows() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = seeds();
    let jobs: Vec<Value> = seeds
        .iter()
        .map(|(example, _)| {
            let spec = root().join("examples").join(example).join("chartgen.yaml");
            let out = tmp.path().join(example);
            generate(&spec, &out);
            let values = required(&load(&spec).unwrap().spec);
            json!({ "chart": out, "values": values, "release": "rel", "namespace": "ns" })
        })
        .collect();
    let answers = helm(&["parse"], &Value::Array(jobs));
    let mut wrong = Vec::new();
    let mut checked = 0;
    for ((example, properties), answer) in seeds.iter().zip(answers.as_array().unwrap()) {
        let docs = answer["docs"]
            .as_object()
            .unwrap_or_else(|| panic!("{example}: {answer}"));
        for (kind, name, path, want) in properties {
            let object = docs.iter().map(|(_, doc)| doc).find(|doc| match *kind {
                "Chart.yaml" => doc["apiVersion"] == "v2" && doc.get("kind").is_none(),
                _ => doc["kind"] == *kind && doc["metadata"]["name"] == *name,
            });
            let got = object.and_then(|doc| field(doc, path));
            checked += 1;
            if got != Some(want) {
                wrong.push(format!(
                    "{example}: {kind} {name} {path}: want {want}, got {}",
                    got.map_or("nothing".to_string(), Value::to_string)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked > 100, "only {checked} properties checked");
}

#[test]
fn paths_name_list_elements_by_name_and_keys_holding_dots_by_quotes() {
    assert_eq!(
        segments("CONTAINER.env[A].x.'a.b/c'"),
        [
            "spec",
            "template",
            "spec",
            "containers",
            "[0]",
            "env",
            "[A]",
            "x",
            "a.b/c"
        ]
    );
    let doc = json!({ "env": [{ "name": "A", "value": "1" }, { "name": "B", "value": "2" }] });
    assert_eq!(field(&doc, "env[B].value"), Some(&json!("2")));
    assert_eq!(field(&doc, "env[1].value"), Some(&json!("2")));
    assert_eq!(field(&doc, "env[C].value"), None);
}
