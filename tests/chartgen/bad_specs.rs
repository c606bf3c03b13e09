//! A table of bad specs and the exact first line each must produce, through the real binary:
//! exit status 2, the message on stderr, and the chart folder byte-for-byte unchanged.

use crate::support::{BASE, PIN_WARNING, Project, SPEC_FILE, stderr};

/// (what is added to BASE, the first line of stderr)
const CASES: &[(&str, &str)] = &[
    (
        "env:\n  A: \"1\"\n  A: \"2\"\n",
        "chartgen.yaml:8:3: this key appears twice in its mapping; YAML keeps only one",
    ),
    (
        "replicas: 1\nreplicas: 2\n",
        "chartgen.yaml:7:1: this key appears twice in its mapping; YAML keeps only one",
    ),
    (
        "disruptionBudget: {maxUnavailable: \"abc\"}\n",
        "chartgen.yaml:6:36: disruptionBudget.maxUnavailable: must be a number of pods (0 or more) or a percentage such as \"50%\"",
    ),
    (
        "resources:\n  requests: {cpu: 100mi}\n",
        "chartgen.yaml:7:19: resources.requests.cpu: \"100mi\" is not a Kubernetes quantity (did you mean \"100m\"?)",
    ),
    (
        "podSecurityContext: {runAsUser: -1}\n",
        "chartgen.yaml:6:33: podSecurityContext.runAsUser: must be 0 or more",
    ),
    (
        "affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n      - {weight: 101, podAffinityTerm: {topologyKey: k}}\n",
        "chartgen.yaml:9:18: affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: 101 is not a scheduling weight (1 to 100)",
    ),
    // A name that is a key: the caret is on the key, not on its value.
    (
        "config:\n  env:\n    config.json: x\n",
        "chartgen.yaml:8:5: config.env.config.json: \"config.json\" is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
    ),
    (
        "replcas: 3\n",
        "chartgen.yaml:6:1: unknown field `replcas` (did you mean `replicas`?)",
    ),
    (
        "replicas: -1\n",
        "chartgen.yaml:6:11: replicas: must be 0 or more",
    ),
    (
        "replicas: many\n",
        "chartgen.yaml:6:11: replicas: expected an integer, found the string \"many\"",
    ),
    (
        "storage:\n  - name: data\n    size: 10Gb\n    mountPath: /data\n",
        "chartgen.yaml:8:11: storage[0].size: \"10Gb\" is not a Kubernetes quantity (did you mean \"10Gi\"?)",
    ),
    (
        "storage:\n  - name: data\n    size: 1Gi\n    mountPath: data\n",
        "chartgen.yaml:9:16: storage[0].mountPath: \"data\" is not an absolute path",
    ),
    (
        "storage:\n  - {name: a, size: 1Gi, mountPath: /d}\n  - {name: b, size: 1Gi, mountPath: /d/}\n",
        "chartgen.yaml:8:37: storage[1].mountPath: \"/d\" is already mounted by `storage[0].mountPath`",
    ),
    (
        "storage:\n  - {name: tmp, size: 1Gi, mountPath: /scratch}\n",
        "chartgen.yaml:7:12: storage[0].name: \"tmp\" is reserved for chartgen's own volumes",
    ),
    (
        "storage:\n  - name: data\n    mountPath: /data\n",
        "chartgen.yaml:7:5: storage[0]: missing field `size`",
    ),
    (
        "ports:\n  - {name: http, port: 9090}\n",
        "chartgen.yaml:7:12: ports[0].name: port name \"http\" is declared twice",
    ),
    (
        "ports:\n  - {name: Admin, port: 70000}\n",
        "chartgen.yaml:7:12: ports[0].name: \"Admin\" is not a port name (at most 15 lowercase letters, digits and '-', with at least one letter)",
    ),
    (
        "service:\n  type: ClusterIP\n  nodePort: 30080\n",
        "chartgen.yaml:8:13: service.nodePort: only applies to `type: NodePort` or `type: LoadBalancer`",
    ),
    (
        "service:\n  type: NodePort\n  nodePort: 70000\n",
        "chartgen.yaml:8:13: service.nodePort: 70000 is not a port number (1 to 65535)",
    ),
    (
        "service:\n  type: Headless\n",
        "chartgen.yaml:7:9: service.type: expected one of `ClusterIP`, `NodePort`, `LoadBalancer`, found the string \"Headless\"",
    ),
    (
        "probes:\n  liveness:\n    http: /healthz\n    port: admin\n",
        "chartgen.yaml:9:11: probes.liveness.port: no port named \"admin\" is declared",
    ),
    (
        "probes:\n  readiness:\n    http: /\n    tcp: true\n",
        "chartgen.yaml:8:5: probes.readiness: set exactly one of `http` (a path), `tcp: true`, `exec` (a command), `grpc`",
    ),
    (
        "probes:\n  liveness: nothing\n",
        "chartgen.yaml:7:13: probes.liveness: expected `none` or a mapping of fields, found the string \"nothing\"",
    ),
    (
        "probes:\n  readiness: none\n  liveness:\n    tcp: true\n    periodSecond: 3\n",
        "chartgen.yaml:10:5: probes.liveness: unknown field `periodSecond` (did you mean `periodSeconds`?)",
    ),
    (
        "emptyDirs: [/var/../etc]\n",
        "chartgen.yaml:6:13: emptyDirs[0]: \"/var/../etc\" is not a folder chartgen can mount (letters, digits, '/', '.', '_' and '-', below the root, each part a name: no '.', '..' or '//')",
    ),
    (
        "emptyDirs: [/tmp/]\n",
        "chartgen.yaml:6:13: emptyDirs[0]: every chart mounts an emptyDir at /tmp already",
    ),
    (
        "storage:\n  - {name: data, size: 1Gi, mountPath: /run}\nemptyDirs: [/run]\n",
        "chartgen.yaml:8:13: emptyDirs[0]: \"/run\" is already mounted by `storage[0].mountPath`",
    ),
    (
        "strategy:\n  type: OnDelete\n  partition: 1\n",
        "chartgen.yaml:8:14: strategy.partition: only applies to `type: RollingUpdate`",
    ),
    (
        "replicas: 2\nstrategy:\n  partition: 3\n",
        "chartgen.yaml:8:14: strategy.partition: must be between 0 and replicas (2)",
    ),
    (
        "env:\n  2FAST: x\n",
        "chartgen.yaml:7:3: env.2FAST: \"2FAST\" is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
    ),
    (
        "env:\n  TOKEN: x\nsecrets:\n  - name: TOKEN\n",
        "chartgen.yaml:9:11: secrets[0].name: variable \"TOKEN\" is already set by `env.TOKEN`",
    ),
    (
        "secrets:\n  - name: TOKEN\n    value: hunter2\n",
        "chartgen.yaml:8:12: secrets[0].value: a secret's value would be written into the chart: use `generate: true`, give it at install time (--set secrets.NAME=...) or use existingSecret; add `notSecret: true` if it is not secret",
    ),
    (
        "hooks:\n  - {name: migrate, events: [pre-install]}\n  - {name: migrate, events: [pre-upgrade]}\n",
        "chartgen.yaml:8:12: hooks[1].name: hook \"migrate\" is declared twice",
    ),
    (
        "hooks:\n  - {name: migrate, events: [on-install]}\n",
        "chartgen.yaml:7:30: hooks[0].events[0]: expected one of `pre-install`, `post-install`, `pre-upgrade`, `post-upgrade`, `pre-delete`, `post-delete`, `pre-rollback`, `post-rollback`, found the string \"on-install\" (did you mean `post-install`?)",
    ),
    (
        "resources:\n  requests: {memory: 1Gi}\n  limits: {memory: 512Mi}\n",
        "chartgen.yaml:7:22: resources.requests.memory: \"1Gi\" is more than its limit 512Mi",
    ),
    (
        "resources:\n  requests: {cpu: lots}\n",
        "chartgen.yaml:7:19: resources.requests.cpu: \"lots\" is not a Kubernetes quantity",
    ),
    (
        "ports:\n  - {name: metrics, port: 8080}\n",
        "chartgen.yaml:7:27: ports[0].port: port 8080 is declared twice",
    ),
    (
        "storage:\n  - {name: data, size: \"-1Gi\", mountPath: /data}\n",
        "chartgen.yaml:7:24: storage[0].size: \"-1Gi\" is negative",
    ),
    (
        "hooks:\n  - {name: migrate, events: [pre-install], deletePolicy: []}\n",
        "chartgen.yaml:7:58: hooks[0].deletePolicy: name at least one policy (e.g. before-hook-creation)",
    ),
    (
        "ingress:\n  className: \"nginx\\n  defaultBackend: {service: {name: x}}\"\n  hosts: [{host: a.example.com}]\n",
        "chartgen.yaml:7:14: ingress.className: \"nginx\\n  defaultBackend: {service: {name: x}}\" is not a DNS-1123 subdomain",
    ),
    (
        "ingress:\n  hosts: [{host: a.example.com}]\n  tls: [{secretName: \"{{ .Release.Name }}\", hosts: [a.example.com]}]\n",
        "chartgen.yaml:8:22: ingress.tls[0].secretName: \"{{ .Release.Name }}\" is not a DNS-1123 subdomain",
    ),
    (
        "ingress:\n  hosts: [{host: a.example.com}]\n  tls: [{secretName: a-tls, hosts: [\"a.example.com }}\"]}]\n",
        "chartgen.yaml:8:37: ingress.tls[0].hosts[0]: \"a.example.com }}\" is not a DNS-1123 subdomain",
    ),
    (
        "version: \"1.0\"\n",
        "chartgen.yaml:6:10: version: \"1.0\" is not a SemVer 2 version (e.g. \"0.1.0\")",
    ),
    (
        "hooks:\n  - {name: m, events: [pre-install], image: {repository: busybox}}\n",
        "chartgen.yaml:7:45: hooks[0].image: \"busybox\" has no tag or digest: set `tag` or `digest` (a chart pins what it runs)",
    ),
    (
        "env:\n  PORT: 8080\n",
        "chartgen.yaml:7:9: env.PORT: expected a string or a mapping of fields, found the number 8080 (quote it to make it text)",
    ),
    (
        "env:\n  PASS:\n    secretKeyRef: {name: Creds, key: password}\n",
        "chartgen.yaml:8:26: env.PASS.secretKeyRef.name: \"Creds\" is not a DNS-1123 subdomain",
    ),
    (
        "env:\n  MEM:\n    resourceFieldRef: {resource: limits.cpu, divisor: 1Mi}\n",
        "chartgen.yaml:8:55: env.MEM.resourceFieldRef.divisor: \"1Mi\" is not a divisor of limits.cpu (1m, 1)",
    ),
    (
        "env:\n  X: {secretRef: {name: a}}\n",
        "chartgen.yaml:7:7: env.X: unknown field `secretRef` (did you mean `secretKeyRef`?)",
    ),
    (
        "envFrom:\n  - {secretRef: {name: a}, configMapRef: {name: b}}\n",
        "chartgen.yaml:7:5: envFrom[0]: set exactly one of `secretRef`, `configMapRef`",
    ),
    (
        "hooks:\n  - {name: m, events: [post-install], command: [x], activeDeadlineSeconds: 0}\n",
        "chartgen.yaml:7:76: hooks[0].activeDeadlineSeconds: must be 1 or more",
    ),
    (
        "secrets:\n  - {name: A}\nhooks:\n  - {name: m, events: [post-install], command: [x], secrets: [B]}\n",
        "chartgen.yaml:9:63: hooks[0].secrets[0]: no secret named \"B\" is declared",
    ),
];

#[test]
fn each_bad_spec_gets_its_exact_message_and_nothing_is_written() {
    let tmp = Project::new().spec(BASE).generated();
    let mut wrong = Vec::new();
    for (extra, expected) in CASES {
        tmp.write(SPEC_FILE, format!("{BASE}{extra}"));
        let before = tmp.snapshot();
        let out = tmp.run(&["generate"]);
        let first = stderr(&out).lines().next().unwrap_or_default().to_string();
        if out.status.code() != Some(2) || first != format!("error: {expected}") {
            wrong.push(format!(
                "{extra:?}\n  want: error: {expected}\n  got ({:?}): {first}",
                out.status.code()
            ));
        }
        assert_eq!(tmp.snapshot(), before, "{extra:?} changed the folder");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_repeated_key_is_named_at_once() {
    let spec = format!("{BASE}replicas: 1\nreplicas: 2\nenv: {{A: \"1\", A: \"2\"}}\n");
    Project::new().spec(spec).run(&["validate"]).status(2).stderr(
        "error: chartgen.yaml:7:1: this key appears twice in its mapping; YAML keeps only one\n  \
         |\n7 | replicas: 2\n  | ^\nchartgen.yaml:8:15: this key appears twice in its mapping; \
         YAML keeps only one\n  |\n8 | env: {A: \"1\", A: \"2\"}\n  |               ^\n",
    );
}

#[test]
fn a_chart_name_error_states_the_chart_name_limit() {
    let out = Project::new()
        .spec(BASE.replace("name: app", "name: Shop"))
        .run(&["validate"]);
    assert!(
        stderr(&out).starts_with("error: chartgen.yaml:1:7: name: \"Shop\" is not a chart name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 53 characters)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_image_names_and_names_too_long_are_refused() {
    let long = "a".repeat(54);
    let spec = format!("name: {long}\nimage:\n  repository: Nginx:1.27\nport: 8080\n");
    let out = Project::new().spec(spec).run(&["validate"]).status(2);
    let err = stderr(&out);
    assert!(
        err.contains(
            "chartgen.yaml:1:7: name: is 54 characters long; at most 53 fit in Kubernetes names"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "chartgen.yaml:3:15: image.repository: \"Nginx:1.27\" is not an image repository"
        ),
        "{err}"
    );
    assert!(
        err.contains("image.tag: set `image.tag` or `appVersion`"),
        "{err}"
    );
}

#[test]
fn max_unavailable_works_but_warns_about_the_feature_gate() {
    Project::new()
        .spec(format!("{BASE}replicas: 4\nstrategy:\n  maxUnavailable: 2\n"))
        .run(&["generate"])
        .success()
        .stderr(
        "warning: chartgen.yaml:4:8: image.tag: a tag can be pushed again: pin the image it names now with `image.digest: sha256:...`\n  \
         |\n\
         4 |   tag: \"1.27\"\n  \
         |        ^\n\
         warning: chartgen.yaml:8:19: strategy.maxUnavailable: Kubernetes drops it unless the MaxUnavailableStatefulSet feature gate (on by default from Kubernetes 1.35; beta) is on: there, pods are replaced one at a time. Once every cluster you target runs 1.35 or newer, say so: `kubeVersion: \">=1.35.0-0\"`\n  \
         |\n\
         8 |   maxUnavailable: 2\n  \
         |                   ^\n",
    );
}

/// `validate` and `generate` warn, and succeed, when the app's image is not pinned by digest:
/// `latest`, no tag (the appVersion stands in), a tag alone. A digest silences them. A hook's
/// image is warned about for `latest` only.
#[test]
fn loosely_pinned_images_get_one_warning_each() {
    let digest = format!("sha256:{}", "ab".repeat(32));
    let cases = [
        (
            "image: {repository: nginx, tag: latest}\n".to_string(),
            "warning: chartgen.yaml:2:33: image.tag: \"latest\" changes under a running release: pods started at different times run different images, and a rollback cannot go back; pin a version tag, or `digest: sha256:...`\n  \
             |\n\
             2 | image: {repository: nginx, tag: latest}\n  \
             |                                 ^\n",
        ),
        (
            "appVersion: \"1.27\"\nimage: {repository: nginx}\n".to_string(),
            "warning: chartgen.yaml:3:8: image: no tag: the image is pulled by the chart's appVersion; set `image.tag`, and pin it with `image.digest`\n  \
             |\n\
             3 | image: {repository: nginx}\n  \
             |        ^\n",
        ),
        (
            "image: {repository: nginx, tag: \"1.27\"}\n".to_string(),
            "warning: chartgen.yaml:2:33: image.tag: a tag can be pushed again: pin the image it names now with `image.digest: sha256:...`\n  \
             |\n\
             2 | image: {repository: nginx, tag: \"1.27\"}\n  \
             |                                 ^\n",
        ),
        (
            format!("image: {{repository: nginx, tag: latest, digest: \"{digest}\"}}\n"),
            "",
        ),
        // A hook's own image: only `latest` is worth a word.
        (
            format!(
                "image: {{repository: nginx, tag: \"1.27\", digest: \"{digest}\"}}\nhooks:\n  \
                 - {{name: a, events: [pre-install], image: {{repository: busybox, tag: \"1.37\"}}}}\n  \
                 - {{name: b, events: [pre-install], image: {{repository: busybox, tag: latest}}}}\n"
            ),
            "warning: chartgen.yaml:5:72: hooks[1].image.tag: \"latest\" changes under a running release: pods started at different times run different images, and a rollback cannot go back; pin a version tag, or `digest: sha256:...`\n  \
             |\n\
             5 |   - {name: b, events: [pre-install], image: {repository: busybox, tag: latest}}\n  \
             |                                                                        ^\n",
        ),
    ];
    for (image, expected) in cases {
        let spec = format!("name: app\n{image}port: 8080\n");
        let tmp = Project::new().spec(&spec);
        for command in ["validate", "generate"] {
            let out = tmp.run(&[command]);
            assert!(out.status.success(), "{spec}{}", stderr(&out));
            assert_eq!(stderr(&out), expected, "{command}: {spec}");
        }
    }
}

#[test]
fn unlikely_units_and_node_ports_work_but_warn() {
    let spec = format!(
        "{BASE}service: {{type: NodePort, nodePort: 8080}}\nresources:\n  requests: {{cpu: 100Mi, memory: 128m}}\n"
    );
    Project::new().spec(spec).run(&["validate"]).success().stderr(
        &(PIN_WARNING.to_string()
            + "warning: chartgen.yaml:6:37: service.nodePort: 8080 is outside the node port range clusters have by default (30000-32767): the API server takes it only if its --service-node-port-range includes it\n  |\n6 | service: {type: NodePort, nodePort: 8080}\n  |                                     ^\n\
         warning: chartgen.yaml:8:19: resources.requests.cpu: \"100Mi\" is 104857600 CPU cores; did you mean \"100m\" (millicores)?\n  |\n8 |   requests: {cpu: 100Mi, memory: 128m}\n  |                   ^\n\
         warning: chartgen.yaml:8:34: resources.requests.memory: \"128m\" is 0.128 bytes ('m' is milli); did you mean \"128Mi\"?\n  |\n8 |   requests: {cpu: 100Mi, memory: 128m}\n  |                                  ^\n"),
    );
}

#[test]
fn vault_injection_without_the_token_warns_with_what_to_set() {
    let spec = format!("{BASE}podAnnotations:\n  vault.hashicorp.com/agent-inject: \"true\"\n");
    Project::new().spec(spec).run(&["generate"]).success().stderr(
        &format!(
            "{PIN_WARNING}warning: chartgen.yaml:7:37: podAnnotations.vault.hashicorp.com/agent-inject: the \
             Vault agent injector logs in with the pod's ServiceAccount token, which these pods \
             do not mount: set `serviceAccount: {{automount: true}}`, or name a projected token \
             volume (values.yaml `extraVolumes`) in \
             `vault.hashicorp.com/agent-service-account-token-volume-name`\n  |\n7 |   \
             vault.hashicorp.com/agent-inject: \"true\"\n  |{}^\n",
            " ".repeat(37)
        ),
    );
}

#[test]
fn a_refused_secret_value_is_never_echoed() {
    let spec = format!(
        "{BASE}secrets:\n  - name: TOKEN\n    value: hunter2\n  - {{name: KEY, value: \"s3cr3t\", generate: true}}\n"
    );
    let out = Project::new().spec(spec).run(&["validate"]).status(2);
    let refused = "a secret's value would be written into the chart: use `generate: true`, give it \
                   at install time (--set secrets.NAME=...) or use existingSecret; add \
                   `notSecret: true` if it is not secret";
    out.stderr(&format!(
            "error: chartgen.yaml:8:12: secrets[0].value: {refused}\n  |\n8 |     value: (hidden)\n  |            ^\n\
             chartgen.yaml:9:24: secrets[1].value: {refused}\n  |\n9 |   - {{name: KEY, value: (hidden)\n  |                        ^\n\
             chartgen.yaml:9:44: secrets[1].generate: a value cannot be both given and generated\n  |\n9 |   - {{name: KEY, value: (hidden)\n  |                                            ^\n"
        ));
}

#[test]
fn reading_is_bounded_a_bom_is_fine_and_messages_stay_short() {
    let tmp = Project::new();
    tmp.run(&["validate", "-f", "/proc/self/pagemap"]).status(2);
    // A byte-order mark.
    let tmp = tmp.spec(format!("\u{feff}{BASE}"));
    tmp.run(&["validate"]).success();
    let long = "x".repeat(1_000_000);
    let tmp = tmp.spec(BASE.replace("repository: nginx", &format!("repository: \"{long}\"")));
    let out = tmp.run(&["validate"]).status(2);
    assert!(
        stderr(&out).len() < 1_000,
        "{} bytes of error",
        stderr(&out).len()
    );
}
