"""Judges charts with real Helm (v4, through helm-python-sdk) and strict Kubernetes schemas.

A server the Rust integration tests start once and ask many times (tests/chartgen/support.rs):
importing Helm's library and the schemas costs more than judging a chart. Each line on stdin is
one request, {"command": COMMAND, "input": INPUT}; each answer is one line on stdout,
{"answer": ANSWER}, or {"exception": TRACEBACK} when the judge itself failed. Commands:

  check: INPUT is a list of jobs [{"chart": DIR, "renders": [{"name": LABEL, "values": {...},
    "restricted": BOOL}, ...]}, ...]; ANSWER is a list of findings, one string per problem. An
    empty list means every chart linted clean (`helm lint --strict`), rendered with every value
    set, and every rendered document validated strictly and kept the StatefulSet's structural
    promises (and the restricted Pod Security profile, where asked).
  render: INPUT is one job {"chart": DIR, "values": {...}} (optionally with "release" and
    "namespace"); ANSWER is {"files": {path: text}} or {"error": message}: what `helm
    template` would print.
  render-many: INPUT is a list of such jobs, ANSWER the list of their answers.
  versions: ANSWER is the list of Kubernetes versions kubernetes-validate has schemas for,
    oldest first (a check job's "kube_versions" picks among them; 1.33 when absent).
  parse: INPUT is a list of such jobs too; ANSWER has, for each, {"docs": {key: document}} or
    {"error": message}: every rendered document and Chart.yaml, as Kubernetes and Helm read
    them (see GoYamlLoader), keyed `<path>#<n>`; a Secret's data is decoded, so that its values
    can be compared as text.

Run with the project's venv (see scripts/test.sh); by hand:
  echo '{"command": "render", "input": {"chart": "examples/web-apps", "values": {}}}' \
    | .venv/bin/python tests/helm_check.py
"""

import base64
import functools
import json
import re
import sys
import traceback

import helm_python as hp
import jsonschema
import kubernetes_validate
import kubernetes_validate.utils
import yaml

KUBERNETES_VERSION = "1.33"
RELEASE, NAMESPACE = "rel", "ns"


def main():
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = {"answer": COMMANDS[request["command"]](request["input"])}
        except Exception:  # the judge's own failure, reported to the test that asked
            reply = {"exception": traceback.format_exc()}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def check_all(jobs):
    return [f"{job['chart']}: {f}" for job in jobs for f in check_chart(job)]


def render_only(job):
    try:
        name, namespace = job.get("release", RELEASE), job.get("namespace", NAMESPACE)
        files = hp.Chart.load(job["chart"]).render(job["values"], name=name, namespace=namespace)
        return {"files": files}
    except hp.HelmError as err:
        return {"error": str(err)}


class GoYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's YAML 1.1 resolution widened to go-yaml v2's, the parser under sigs.k8s.io/yaml
    that Helm and the Kubernetes API read manifests and values with: a plain scalar that
    either of them takes for anything but a string is read as such here. go-yaml adds `y`
    and `n` (booleans), `0o17` (an int) and `1e3` (a float, where PyYAML wants a dot);
    timestamps stay strings, as go-yaml keeps them when decoding into interface{}."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_yaml_bool(self, node):
        return self.construct_scalar(node).lower() in ("y", "yes", "true", "on")

    def construct_yaml_int(self, node):
        value = self.construct_scalar(node).replace("_", "")
        digits = value.lstrip("+-")
        if digits.startswith("0o"):
            return int(value.replace("0o", "", 1), 8)
        return super().construct_yaml_int(node)


GoYamlLoader.add_constructor("tag:yaml.org,2002:bool", GoYamlLoader.construct_yaml_bool)
GoYamlLoader.add_constructor("tag:yaml.org,2002:int", GoYamlLoader.construct_yaml_int)
GoYamlLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
GoYamlLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?0o[0-7_]+$"), list("-+0"))
GoYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


def jsonable(node):
    """A parsed document as JSON; a key that is not a string is spelled out, never coerced."""
    if isinstance(node, dict):
        return {k if isinstance(k, str) else f"(non-string key) {k!r}": jsonable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [jsonable(v) for v in node]
    return node


def parsed(job):
    rendered = render_only(job)
    if "error" in rendered:
        return rendered
    files = rendered["files"]
    with open(f"{job['chart']}/Chart.yaml") as chart_yaml:
        files["Chart.yaml"] = chart_yaml.read()
    docs = {}
    for path, text in sorted(files.items()):
        if path.endswith("NOTES.txt"):
            continue
        try:
            parsed_docs = list(yaml.load_all(text, Loader=GoYamlLoader))
        except yaml.YAMLError as err:
            return {"error": f"{path}: {err}"}
        for n, doc in enumerate(parsed_docs):
            if doc is None:
                continue
            if doc.get("kind") == "Secret":
                doc["data"] = {k: base64.b64decode(v).decode() for k, v in (doc.get("data") or {}).items()}
            docs[f"{path}#{n}"] = jsonable(doc)
    return {"docs": docs}


def check_chart(job):
    chart_dir = job["chart"]
    yield from lint(chart_dir)
    chart = hp.Chart.load(chart_dir)
    for render in job["renders"]:
        label = render["name"]
        try:
            files = chart.render(render["values"], name=RELEASE, namespace=NAMESPACE)
        except hp.HelmError as err:
            yield f"[{label}] render failed: {err}"
            continue
        yield from (f"[{label}] {p}" for p in blank_starts(files))
        docs = list(documents(files))
        versions = job.get("kube_versions") or [KUBERNETES_VERSION]
        for path, doc in docs:
            for version in versions:
                yield from (f"[{label}] {path} (Kubernetes {version}): {p}" for p in validate(doc, version))
        yield from (f"[{label}] {p}" for p in structure([d for _, d in docs]))
        if render.get("restricted"):
            yield from (f"[{label}] {p}" for p in restricted([d for _, d in docs]))


def lint(chart_dir):
    report = hp.lint(chart_dir, strict=True)
    for message in report.get("messages", []):
        if message["severity"] >= 2:
            yield f"lint: {message['path']}: {message['error']}"
    for error in report.get("errors", []) or []:
        yield f"lint: {error}"


def blank_starts(files):
    """yamllint's empty-lines rule, and a reader of `helm template`: no document of a rendered
    file starts with a blank line."""
    for path, text in sorted(files.items()):
        if path.endswith("NOTES.txt"):
            continue
        lines = text.split("\n")
        for i, line in enumerate(lines):
            starts = i == 0 or lines[i - 1] == "---"
            if starts and not line.strip() and any(rest.strip() for rest in lines[i:]):
                yield f"{path}:{i + 1}: a document starts with a blank line"


def documents(files):
    for path, text in sorted(files.items()):
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc is not None:
                yield path, doc


# kubernetes-validate reads and parses its schema files again on every call (1.3 MB of shared
# definitions each time), ten times the cost of validating a document: the files never change
# while the judge runs, so each is read once. Its validation itself is untouched.
kubernetes_validate.utils.schema_contents = functools.cache(kubernetes_validate.utils.schema_contents)

CRD_KINDS = {("monitoring.coreos.com/v1", "ServiceMonitor")}


@functools.cache
def crd_validators():
    """Strict validators of the CRDs charts may use, by (apiVersion, kind): unknown fields
    refused, as kubernetes-validate's strict mode does for built-in kinds. Built on first use:
    importing the generated models takes seconds, and only some charts have a ServiceMonitor."""
    from cloudcoil.models.prometheus_operator import v1 as prometheus_operator

    def strict(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            for child in node.values():
                strict(child)
        elif isinstance(node, list):
            for child in node:
                strict(child)
        return node

    def validator(schema):
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        return cls(schema)

    monitor = strict(prometheus_operator.ServiceMonitor.model_json_schema(by_alias=True))
    validators = {("monitoring.coreos.com/v1", "ServiceMonitor"): validator(monitor)}
    assert set(validators) == CRD_KINDS
    return validators


def validate(doc, version=KUBERNETES_VERSION):
    kind = (doc.get("apiVersion"), doc.get("kind"))
    if kind in CRD_KINDS:
        # The error jsonschema.validate would raise, without checking the schema each time.
        err = jsonschema.exceptions.best_match(crd_validators()[kind].iter_errors(doc))
        if err is not None:
            where = ".".join(str(p) for p in err.path)
            yield f"{doc['kind']} {where}: {err.message}"
        return
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as err:
        where = ".".join(str(p) for p in err.path)
        yield f"{doc.get('kind')} {where}: {err.message}"
    except Exception as err:  # unknown kind, missing apiVersion...
        yield f"{doc.get('kind')}: {type(err).__name__}: {getattr(err, 'message', err)}"


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def is_hook(doc):
    return "helm.sh/hook" in (doc.get("metadata", {}).get("annotations") or {})


def structure(docs):
    """The promises a StatefulSet chart must keep, checked on one rendering."""
    sets = [d for d in docs if d["kind"] == "StatefulSet"]
    services = [d for d in docs if d["kind"] == "Service"]
    if len(sets) != 1:
        yield f"expected one StatefulSet, found {len(sets)}"
        return
    sts = sets[0]["spec"]
    if len(sets[0]["metadata"]["name"]) > 52:
        yield "the StatefulSet's name is over 52 characters: its pods' controller-revision-hash label overflows"
    pod_labels = sts["template"]["metadata"]["labels"]
    if "helm.sh/chart" in pod_labels:
        yield "pod labels carry the chart version: every chart bump would restart the pods"
    if "automountServiceAccountToken" not in sts["template"]["spec"]:
        yield "the pod does not say whether it mounts a ServiceAccount token"
    selector = sts["selector"]["matchLabels"]
    if not matches(selector, pod_labels):
        yield "StatefulSet selector does not match its pod labels"
    if set(selector) != {"app.kubernetes.io/name", "app.kubernetes.io/instance"}:
        yield f"StatefulSet selector must be name and instance only: {selector}"
    headless = [s for s in services if s["metadata"]["name"] == sts["serviceName"]]
    if not headless:
        yield f"serviceName {sts['serviceName']} names no rendered Service"
    for svc in headless:
        if svc["spec"].get("clusterIP") != "None":
            yield "the StatefulSet's service is not headless"
        if not svc["spec"].get("publishNotReadyAddresses"):
            yield "the headless Service does not publish not-ready addresses"
        if not matches(svc["spec"].get("selector"), pod_labels):
            yield "the headless Service does not select the pods"
    clients = [s for s in services if s["spec"].get("clusterIP") != "None"]
    for svc in clients:
        if not matches(svc["spec"].get("selector"), pod_labels):
            yield f"client Service {svc['metadata']['name']} does not select the pods"
        if svc["spec"].get("publishNotReadyAddresses"):
            yield "the client Service routes to pods that are not ready"
    for claim in sts.get("volumeClaimTemplates") or []:
        labels = claim["metadata"].get("labels", {})
        moving = {"helm.sh/chart", "app.kubernetes.io/version"} & set(labels)
        if moving:
            yield f"volumeClaimTemplate {claim['metadata']['name']} carries {sorted(moving)}"
    for monitor in (d for d in docs if d["kind"] == "ServiceMonitor"):
        selected = [s for s in services if matches(monitor["spec"]["selector"]["matchLabels"], s["metadata"].get("labels") or {})]
        if [s["spec"].get("clusterIP") for s in selected] != ["None"]:
            yield "the ServiceMonitor must select the headless Service only (each pod scraped once)"
    for doc in docs:
        labels = doc["metadata"].get("labels") or {}
        wanted = {"helm.sh/chart", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by"}
        if not (doc["kind"] == "Pod" and is_hook(doc)):
            wanted.add("app.kubernetes.io/name")
        if not wanted <= set(labels):
            yield f"{doc['kind']} {doc['metadata']['name']} lacks labels {sorted(wanted - set(labels))}"
        if doc["kind"] in ("Job", "Pod") and is_hook(doc):
            spec = doc["spec"]["template"] if doc["kind"] == "Job" else doc
            labels = spec.get("metadata", {}).get("labels", {})
            for svc in services:
                if matches(svc["spec"].get("selector"), labels):
                    yield f"hook {doc['metadata']['name']} would receive traffic of {svc['metadata']['name']}"


def pod_specs(docs):
    for doc in docs:
        if doc["kind"] == "Pod":
            yield doc["metadata"]["name"], doc["spec"]
        elif doc["kind"] in ("StatefulSet", "Job"):
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


ALLOWED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                   "persistentVolumeClaim", "projected", "secret"}


def restricted(docs):
    """The Pod Security Standards "restricted" profile, on every pod a chart creates."""
    for name, pod in pod_specs(docs):
        pod_ctx = pod.get("securityContext") or {}
        for volume in pod.get("volumes", []):
            kinds = set(volume) - {"name"}
            if not kinds <= ALLOWED_VOLUMES:
                yield f"{name}: volume {volume['name']} of type {sorted(kinds)}"
        for c in pod.get("initContainers", []) + pod["containers"]:
            ctx = c.get("securityContext") or {}
            where = f"{name}/{c['name']}"
            if ctx.get("privileged"):
                yield f"{where}: privileged"
            if ctx.get("allowPrivilegeEscalation") is not False:
                yield f"{where}: allowPrivilegeEscalation is not false"
            caps = ctx.get("capabilities") or {}
            if "ALL" not in (caps.get("drop") or []):
                yield f"{where}: capabilities do not drop ALL"
            if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
                yield f"{where}: adds capabilities {caps['add']}"
            if not ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")):
                yield f"{where}: runAsNonRoot is not true"
            if ctx.get("runAsUser", pod_ctx.get("runAsUser")) == 0:
                yield f"{where}: runs as root"
            seccomp = (ctx.get("seccompProfile") or pod_ctx.get("seccompProfile") or {}).get("type")
            if seccomp not in ("RuntimeDefault", "Localhost"):
                yield f"{where}: seccompProfile is {seccomp}"
            if not ctx.get("readOnlyRootFilesystem"):
                yield f"{where}: root filesystem is writable"


COMMANDS = {
    "check": check_all,
    "render": render_only,
    "render-many": lambda jobs: [render_only(job) for job in jobs],
    "parse": lambda jobs: [parsed(job) for job in jobs],
    "versions": lambda _: sorted(
        set(kubernetes_validate.utils.all_versions()), key=lambda v: [int(p) for p in v.split(".")]
    ),
}


if __name__ == "__main__":
    main()
