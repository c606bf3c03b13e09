//! What the Kubernetes API server does with an object a chart sends it: the fields it owns and
//! the defaults it fills in (so a field left out and its default are the same), where each kind
//! keeps its pods, and the updates its validation refuses, each with what to do instead.
//!
//! The update rules follow the API's own validation: `ValidateStatefulSetUpdate`,
//! `ValidateDeploymentUpdate`, `ValidateDaemonSetUpdate`, `ValidateReplicaSetUpdate`,
//! `ValidateJobUpdate`, `ValidateServiceUpdate`, `ValidatePersistentVolumeClaimUpdate`,
//! `ValidateConfigMapUpdate`, `ValidateSecretUpdate` and `ValidatePodUpdate` (kubernetes
//! pkg/apis/*/validation).

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value, json};

use crate::fields::{FieldChange, label};
use crate::manifest::Object;
use crate::quantity;

/// A Kubernetes minor version, such as 1.33.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    /// Kubernetes 1.`minor`.
    pub const fn v1(minor: u32) -> KubeVersion {
        KubeVersion { major: 1, minor }
    }

    /// The newest version whose update rules this release knows.
    pub const NEWEST: KubeVersion = KubeVersion {
        major: 1,
        minor: 35,
    };
    /// The oldest version whose update rules this release knows.
    pub const OLDEST: KubeVersion = KubeVersion {
        major: 1,
        minor: 25,
    };
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for KubeVersion {
    type Err = String;

    /// `1.33`, `v1.33` or `1.33.2`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("\"{text}\" is not a Kubernetes version like 1.33");
        let mut parts = text.strip_prefix('v').unwrap_or(text).split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if parts.next().is_some_and(|p| p.parse::<u32>().is_err()) || parts.next().is_some() {
            return Err(bad());
        }
        let version = KubeVersion { major, minor };
        if version < KubeVersion::OLDEST || version > KubeVersion::NEWEST {
            return Err(format!(
                "{version} is outside the versions whose rules chartgen knows ({} to {})",
                KubeVersion::OLDEST,
                KubeVersion::NEWEST
            ));
        }
        Ok(version)
    }
}

/// A field the API server drops from an object it stores unless a feature gate is on: older
/// clusters accept the chart and ignore the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatedField {
    pub field: &'static str,
    pub gate: &'static str,
    /// The first version with the gate on by default (its beta).
    pub on_by_default: KubeVersion,
    /// The version where it went GA, if it has.
    pub ga: Option<KubeVersion>,
}

impl fmt::Display for GatedField {
    /// `the StatefulSetAutoDeletePVC feature gate (on by default from Kubernetes 1.27; GA in
    /// 1.32)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} feature gate (on by default from Kubernetes {}; ",
            self.gate, self.on_by_default
        )?;
        match self.ga {
            Some(ga) => write!(f, "GA in {ga})"),
            None => write!(f, "beta)"),
        }
    }
}

/// StatefulSet `ordinals` (KEP-3335).
pub const STATEFULSET_ORDINALS: GatedField = GatedField {
    field: "spec.ordinals",
    gate: "StatefulSetStartOrdinal",
    on_by_default: KubeVersion::v1(27),
    ga: Some(KubeVersion::v1(31)),
};

/// StatefulSet `persistentVolumeClaimRetentionPolicy` (KEP-1847).
pub const STATEFULSET_CLAIM_RETENTION: GatedField = GatedField {
    field: "spec.persistentVolumeClaimRetentionPolicy",
    gate: "StatefulSetAutoDeletePVC",
    on_by_default: KubeVersion::v1(27),
    ga: Some(KubeVersion::v1(32)),
};

/// StatefulSet `updateStrategy.rollingUpdate.maxUnavailable` (KEP-961: alpha from 1.24).
pub const STATEFULSET_MAX_UNAVAILABLE: GatedField = GatedField {
    field: "spec.updateStrategy.rollingUpdate.maxUnavailable",
    gate: "MaxUnavailableStatefulSet",
    on_by_default: KubeVersion::v1(35),
    ga: None,
};

/// A change the API refuses (or silently ignores) on an existing object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub problem: String,
    pub remedy: String,
}

/// Fields the server sets itself (never part of a change), and defaults it fills in.
pub fn normalize(kind: &str, body: &mut Value) {
    if let Some(map) = body.as_object_mut() {
        map.remove("status");
    }
    if let Some(metadata) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        strip_server_metadata(metadata);
    }
    match kind {
        "StatefulSet" => statefulset_defaults(body),
        "Service" => service_defaults(body),
        "PersistentVolumeClaim" => {
            if let Some(spec) = body.get_mut("spec") {
                default(spec, "volumeMode", json!("Filesystem"));
            }
        }
        "Secret" => {
            default(body, "type", json!("Opaque"));
            merge_string_data(body);
        }
        _ => {}
    }
    if let Some(pod) = pod_spec_mut(kind, body) {
        pod_defaults(pod);
    }
}

fn strip_server_metadata(metadata: &mut Map<String, Value>) {
    for field in [
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "managedFields",
        "selfLink",
    ] {
        metadata.remove(field);
    }
    if let Some(annotations) = metadata
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        // kubectl's copy of the whole object (a Secret's values too) and the rollout counter.
        annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
        annotations.remove("deployment.kubernetes.io/revision");
        if annotations.is_empty() {
            metadata.remove("annotations");
        }
    }
}

/// The API writes a Secret's `stringData` into `data`, base64-encoded, and keeps only `data`.
fn merge_string_data(body: &mut Value) {
    use base64::Engine;
    let Some(map) = body.as_object_mut() else {
        return;
    };
    let Some(Value::Object(strings)) = map.remove("stringData") else {
        return;
    };
    let data = map.entry("data").or_insert_with(|| json!({}));
    if let Some(data) = data.as_object_mut() {
        for (key, value) in strings {
            let encoded = base64::engine::general_purpose::STANDARD.encode(label(&value));
            data.insert(key, Value::String(encoded));
        }
    }
}

/// Sets `key` of an object to `value` when it is absent or null.
fn default(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut()
        && map.get(key).is_none_or(Value::is_null)
    {
        map.insert(key.to_string(), value);
    }
}

fn statefulset_defaults(body: &mut Value) {
    let Some(spec) = body.get_mut("spec") else {
        return;
    };
    default(spec, "replicas", json!(1));
    default(spec, "podManagementPolicy", json!("OrderedReady"));
    default(spec, "revisionHistoryLimit", json!(10));
    default(spec, "updateStrategy", json!({"type": "RollingUpdate"}));
    if let Some(strategy) = spec.get_mut("updateStrategy") {
        default(strategy, "type", json!("RollingUpdate"));
        if strategy.get("type").is_some_and(|t| t == "RollingUpdate") {
            default(strategy, "rollingUpdate", json!({}));
            if let Some(rolling) = strategy.get_mut("rollingUpdate") {
                default(rolling, "partition", json!(0));
            }
        }
    }
    default(
        spec,
        "persistentVolumeClaimRetentionPolicy",
        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
    );
    if let Some(policy) = spec.get_mut("persistentVolumeClaimRetentionPolicy") {
        default(policy, "whenDeleted", json!("Retain"));
        default(policy, "whenScaled", json!("Retain"));
    }
    let claims = spec
        .get_mut("volumeClaimTemplates")
        .and_then(Value::as_array_mut);
    for claim in claims.into_iter().flatten() {
        if let Some(map) = claim.as_object_mut() {
            // apiVersion and kind are dropped on the way in; the status is defaulted to
            // `phase: Pending`, so any other status is a change of the claim template.
            map.remove("apiVersion");
            map.remove("kind");
            let pending = json!({"phase": "Pending"});
            if map
                .get("status")
                .is_some_and(|s| s == &json!({}) || s == &pending)
            {
                map.remove("status");
            }
            if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
                strip_server_metadata(metadata);
            }
        }
        if let Some(spec) = claim.get_mut("spec") {
            default(spec, "volumeMode", json!("Filesystem"));
        }
    }
}

fn service_defaults(body: &mut Value) {
    let Some(spec) = body.get_mut("spec") else {
        return;
    };
    default(spec, "type", json!("ClusterIP"));
    default(spec, "sessionAffinity", json!("None"));
    if spec.get("clusterIP").is_some_and(|ip| ip == "") {
        spec.as_object_mut().map(|s| s.remove("clusterIP"));
    }
    let ports = spec.get_mut("ports").and_then(Value::as_array_mut);
    for port in ports.into_iter().flatten() {
        default(port, "protocol", json!("TCP"));
        if let Some(number) = port.get("port").cloned() {
            default(port, "targetPort", number);
        }
    }
}

fn pod_defaults(pod: &mut Value) {
    for list in ["containers", "initContainers"] {
        let containers = pod.get_mut(list).and_then(Value::as_array_mut);
        for container in containers.into_iter().flatten() {
            let ports = container.get_mut("ports").and_then(Value::as_array_mut);
            for port in ports.into_iter().flatten() {
                default(port, "protocol", json!("TCP"));
            }
        }
    }
}

/// Whether a change only rewrites a resource quantity as an equal one (`1Gi` → `1024Mi`,
/// `1` → `1000m`): the API compares quantities by value, so it is no change.
pub fn same_quantity(change: &FieldChange) -> bool {
    let mut segments = change.path.rsplit('.');
    let last = segments.next().unwrap_or_default();
    let parent = segments.next().unwrap_or_default();
    let quantity_field = matches!(parent, "requests" | "limits") || last == "sizeLimit";
    let value = |v: &Option<Value>| {
        v.as_ref()
            .filter(|v| v.is_string() || v.is_number())
            .and_then(|v| quantity::parse(&label(v)).ok())
    };
    quantity_field
        && matches!((value(&change.old), value(&change.new)), (Some(a), Some(b)) if a.same(b))
}

/// Where a kind keeps the pod template its pods are made from (a Pod: its own spec).
fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "StatefulSet"
        | "Deployment"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => Some("/spec/template/spec"),
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        "Pod" => Some("/spec"),
        _ => None,
    }
}

pub fn pod_spec<'a>(kind: &str, body: &'a Value) -> Option<&'a Value> {
    body.pointer(pod_spec_pointer(kind)?)
}

fn pod_spec_mut<'a>(kind: &str, body: &'a mut Value) -> Option<&'a mut Value> {
    body.pointer_mut(pod_spec_pointer(kind)?)
}

/// Whether a change at `path` replaces the running pods of a `kind` (a CronJob's template
/// only shapes future Jobs; a Pod's own changes are judged by `refusals`).
pub fn is_pod_template(kind: &str, path: &str) -> bool {
    matches!(
        kind,
        "StatefulSet" | "Deployment" | "DaemonSet" | "ReplicaSet" | "Job" | "ReplicationController"
    ) && (path == "spec.template" || path.starts_with("spec.template."))
}

/// What shapes a roll-out of new pods: a strategy that holds pods back or stops them all.
pub fn rollout(kind: &str, body: &Value) -> Option<String> {
    let text = |pointer: &str| body.pointer(pointer).map(label);
    match (kind, text("/spec/updateStrategy/type").as_deref()) {
        ("StatefulSet" | "DaemonSet", Some("OnDelete")) => {
            Some("updateStrategy OnDelete: pods keep the old template until each is deleted".into())
        }
        ("StatefulSet", _) => {
            let partition = body
                .pointer("/spec/updateStrategy/rollingUpdate/partition")
                .and_then(Value::as_i64)
                .filter(|p| *p > 0)?;
            Some(format!(
                "partition {partition}: only pods with an ordinal of {partition} or more roll; \
                 the others keep the old template"
            ))
        }
        ("Deployment", _) if text("/spec/strategy/type").as_deref() == Some("Recreate") => {
            Some("strategy Recreate: every pod stops before the new ones start".into())
        }
        _ => None,
    }
}

/// Whether a pod spec reads the ConfigMap or Secret `name`: as a volume, or in its env.
pub fn reads(pod: &Value, kind: &str, name: &str) -> bool {
    let (volume_key, volume_name, ref_key, key_ref) = match kind {
        "ConfigMap" => ("configMap", "name", "configMapRef", "configMapKeyRef"),
        _ => ("secret", "secretName", "secretRef", "secretKeyRef"),
    };
    let named = |value: Option<&Value>, key: &str| {
        value.and_then(|v| v.get(key)).is_some_and(|n| n == name)
    };
    let in_volumes = items(pod.get("volumes")).any(|volume| {
        named(volume.get(volume_key), volume_name)
            || items(volume.pointer("/projected/sources"))
                .any(|source| named(source.get(volume_key), "name"))
    });
    let mut containers = items(pod.get("containers")).chain(items(pod.get("initContainers")));
    in_volumes
        || containers.any(|c| {
            items(c.get("envFrom")).any(|e| named(e.get(ref_key), "name"))
                || items(c.get("env"))
                    .any(|e| named(e.pointer("/valueFrom").and_then(|v| v.get(key_ref)), "name"))
        })
}

/// The items of a list field; none when it is absent or not a list.
fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

/// Delete a StatefulSet without touching what it owns, so the upgraded one adopts it.
fn orphan(kind: &str, name: &str) -> String {
    format!(
        "delete the {kind} but keep its pods and claims (`kubectl delete {} {name} \
         --cascade=orphan`), then `helm upgrade`: the new {kind} adopts the running pods",
        kind.to_lowercase()
    )
}

/// The changes of an existing object that the API refuses, for the target version.
pub fn refusals(
    kind: &str,
    old: &Value,
    new: &Value,
    changes: &[FieldChange],
    version: KubeVersion,
) -> Vec<Refusal> {
    let name = new.pointer("/metadata/name").map(label).unwrap_or_default();
    match kind {
        "StatefulSet" => statefulset(&name, changes, version),
        "Deployment" | "ReplicaSet" | "DaemonSet" => selector(kind, &name, changes),
        "Job" => job(&name, new, changes),
        "Service" => service(&name, old, new),
        "PersistentVolumeClaim" => claim(&name, changes, version),
        "RoleBinding" | "ClusterRoleBinding" => role_ref(kind, &name, changes),
        "StorageClass" => storage_class(&name, changes),
        "ConfigMap" | "Secret" => immutable_data(kind, &name, old, changes),
        "Pod" => pod(&name, changes),
        _ => Vec::new(),
    }
}

/// The fields of a StatefulSet's spec an update may change, as the API's message lists them.
fn statefulset_mutable(version: KubeVersion) -> &'static [&'static str] {
    // `ordinals` joined when its gate went on by default; before, the field is dropped while
    // the gate is off, so changing it is never refused.
    if version < STATEFULSET_ORDINALS.on_by_default {
        &[
            "replicas",
            "template",
            "updateStrategy",
            "persistentVolumeClaimRetentionPolicy",
            "minReadySeconds",
        ]
    } else {
        &[
            "replicas",
            "ordinals",
            "template",
            "updateStrategy",
            "persistentVolumeClaimRetentionPolicy",
            "minReadySeconds",
        ]
    }
}

/// `'a', 'b' and 'c'`, as the StatefulSet message quotes the fields.
fn quoted_list(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields.iter().map(|f| format!("'{f}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// What the API answers a forbidden StatefulSet update, quoted.
pub fn statefulset_refusal(version: KubeVersion) -> String {
    format!(
        "\"spec: Forbidden: updates to statefulset spec for fields other than {} are forbidden\"",
        quoted_list(statefulset_mutable(version))
    )
}

fn statefulset(name: &str, changes: &[FieldChange], version: KubeVersion) -> Vec<Refusal> {
    let mutable = statefulset_mutable(version);
    let message = statefulset_refusal(version);
    changes
        .iter()
        .filter_map(|change| {
            let section = change.path.strip_prefix("spec.")?;
            let top = section.split(['.', '[']).next().unwrap_or(section);
            if mutable.contains(&top) || top == "ordinals" {
                return None;
            }
            let problem = if top == "revisionHistoryLimit" {
                // Newer servers accept it (the list gains 'revisionHistoryLimit'); which release
                // first did is not in any release note, so it stays a hazard with that caveat.
                format!(
                    "Kubernetes up to 1.33 refuses to change spec.revisionHistoryLimit of an \
                     existing StatefulSet (newer releases may accept it): `helm upgrade` fails \
                     with {message}"
                )
            } else {
                format!(
                    "Kubernetes {version} refuses to change spec.{top} of an existing \
                     StatefulSet: `helm upgrade` fails with {message}"
                )
            };
            let remedy = match top {
                "volumeClaimTemplates" => claim_template_remedy(name, change),
                "selector" => format!(
                    "{}; the old pods no longer match the new selector: delete them once the new \
                     ones are ready",
                    orphan("StatefulSet", name)
                ),
                _ => orphan("StatefulSet", name),
            };
            Some(Refusal {
                field: change.path.clone(),
                problem,
                remedy,
            })
        })
        .collect()
}

fn claim_template_remedy(name: &str, change: &FieldChange) -> String {
    let claim = change
        .path
        .strip_prefix("spec.volumeClaimTemplates[")
        .and_then(|rest| rest.split(']').next())
        .unwrap_or("CLAIM");
    if change.path.ends_with(".resources.requests.storage") {
        if let (Some(old), Some(new)) = (size(&change.old), size(&change.new))
            && new < old
        {
            return format!(
                "a claim cannot shrink: keep the old size, or move the data to a new StatefulSet \
                 with smaller claims; {}",
                orphan("StatefulSet", name)
            );
        }
        let target = change.new.as_ref().map(label).unwrap_or_default();
        return format!(
            "resize each existing claim directly, when its StorageClass allows expansion \
             (`kubectl patch pvc {claim}-{name}-N -p '{{\"spec\":{{\"resources\":{{\"requests\":\
             {{\"storage\":\"{target}\"}}}}}}}}'` for each pod N), then {}",
            orphan("StatefulSet", name)
        );
    }
    format!(
        "existing claims keep their old settings and only claims made from now on get the new \
         ones; {}",
        orphan("StatefulSet", name)
    )
}

fn selector(kind: &str, name: &str, changes: &[FieldChange]) -> Vec<Refusal> {
    changes
        .iter()
        .filter(|c| c.path == "spec.selector" || c.path.starts_with("spec.selector."))
        .take(1)
        .map(|change| Refusal {
            field: change.path.clone(),
            problem: format!(
                "the selector of a {kind} is immutable: `helm upgrade` fails with \
                 \"spec.selector: Invalid value: ...: field is immutable\""
            ),
            remedy: format!(
                "{}; the old pods no longer match the new selector: delete them once the new \
                 ones are ready",
                orphan(kind, name)
            ),
        })
        .collect()
}

/// The fields of a Job's spec an update may not change.
const JOB_IMMUTABLE: [&str; 8] = [
    "selector",
    "template",
    "completionMode",
    "completions",
    "podFailurePolicy",
    "backoffLimitPerIndex",
    "managedBy",
    "successPolicy",
];

fn job(name: &str, new: &Value, changes: &[FieldChange]) -> Vec<Refusal> {
    // An Indexed Job scales by changing completions together with parallelism (elastic
    // Indexed Jobs, on by default since 1.27).
    let elastic = new
        .pointer("/spec/completionMode")
        .is_some_and(|m| m == "Indexed")
        && new.pointer("/spec/completions") == new.pointer("/spec/parallelism");
    changes
        .iter()
        .filter_map(|change| {
            let section = change.path.strip_prefix("spec.")?;
            let top = section.split(['.', '[']).next().unwrap_or(section);
            let scaled = elastic && top == "completions";
            (JOB_IMMUTABLE.contains(&top) && !scaled).then_some((change, top))
        })
        .take(1)
        .map(|(change, top)| Refusal {
            field: change.path.clone(),
            problem: format!(
                "a Job's spec.{top} is immutable: `helm upgrade` fails with \"spec.{top}: \
                 Invalid value: ...: field is immutable\""
            ),
            remedy: format!(
                "delete the Job before `helm upgrade` (`kubectl delete job {name}`), or make it a \
                 Helm hook (`helm.sh/hook`), which Helm deletes and creates anew at each run"
            ),
        })
        .collect()
}

/// What the cluster IP of a Service is, as a manifest asks for it.
#[derive(PartialEq)]
enum ClusterIp {
    Allocated,
    Headless,
    Fixed(String),
}

/// None for an ExternalName Service, which has no cluster IP: the API clears it on the way to
/// ExternalName and allocates one on the way back, so no clusterIP rule applies.
fn cluster_ip(body: &Value) -> Option<ClusterIp> {
    if body
        .pointer("/spec/type")
        .is_some_and(|t| t == "ExternalName")
    {
        return None;
    }
    Some(
        match body.pointer("/spec/clusterIP").map(label).as_deref() {
            None => ClusterIp::Allocated,
            Some("None") => ClusterIp::Headless,
            Some(ip) => ClusterIp::Fixed(ip.to_string()),
        },
    )
}

fn service(name: &str, old: &Value, new: &Value) -> Vec<Refusal> {
    let delete = format!(
        "delete the Service right before `helm upgrade` (`kubectl delete service {name}`); \
         clients cannot reach it for that moment"
    );
    let mut refusals = Vec::new();
    let load_balancer = |body: &Value| {
        body.pointer("/spec/type")
            .is_some_and(|t| t == "LoadBalancer")
    };
    let class = |body: &Value| body.pointer("/spec/loadBalancerClass").cloned();
    if load_balancer(old) && load_balancer(new) && class(old) != class(new) {
        refusals.push(Refusal {
            field: "spec.loadBalancerClass".into(),
            problem: "a LoadBalancer Service's loadBalancerClass cannot change: `helm upgrade` \
                      fails with \"spec.loadBalancerClass: Invalid value: ...: may not change once \
                      set\""
                .into(),
            remedy: delete.clone(),
        });
    }
    let (Some(before), Some(after)) = (cluster_ip(old), cluster_ip(new)) else {
        return refusals;
    };
    let problem = match (&before, &after) {
        (a, b) if a == b => return refusals,
        // Left out, the field keeps what the Service has: no error, and nothing changes.
        (ClusterIp::Headless, ClusterIp::Allocated) => {
            "the new manifest leaves clusterIP out, and Kubernetes keeps the one the Service has: \
             it stays headless (clusterIP None) after the upgrade, without an error"
        }
        (ClusterIp::Fixed(_), ClusterIp::Allocated) => return refusals,
        _ => {
            "a Service's clusterIP cannot change once set (headless and allocated included): \
             `helm upgrade` fails with \"spec.clusterIPs[0]: Invalid value: ...: may not change \
             once set\""
        }
    };
    refusals.push(Refusal {
        field: "spec.clusterIP".into(),
        problem: problem.into(),
        remedy: delete,
    });
    refusals
}

/// VolumeAttributesClass is on by default (GA) from 1.34; before, changing the class is refused.
const VOLUME_ATTRIBUTES_CLASS_GA: KubeVersion = KubeVersion {
    major: 1,
    minor: 34,
};

fn claim(name: &str, changes: &[FieldChange], version: KubeVersion) -> Vec<Refusal> {
    let except = if version
        < (KubeVersion {
            major: 1,
            minor: 29,
        }) {
        "resources.requests"
    } else {
        "resources.requests and volumeAttributesClassName"
    };
    changes
        .iter()
        .filter_map(|change| {
            let field = change.path.strip_prefix("spec.")?;
            let problem = match field {
                "resources.requests.storage" => {
                    let (old, new) = (size(&change.old), size(&change.new));
                    if !matches!((old, new), (Some(old), Some(new)) if new < old) {
                        return None;
                    }
                    "a PersistentVolumeClaim cannot shrink: `helm upgrade` fails with \
                     \"spec.resources.requests.storage: Forbidden: field can not be less than \
                     previous value\""
                        .to_string()
                }
                "volumeAttributesClassName" if version >= VOLUME_ATTRIBUTES_CLASS_GA => {
                    return None;
                }
                "volumeAttributesClassName" => format!(
                    "Kubernetes {version} refuses to change a claim's volumeAttributesClassName \
                     unless the VolumeAttributesClass feature gate is on (it is from 1.34): \
                     \"spec.volumeAttributesClassName: Forbidden: update is forbidden when the \
                     VolumeAttributesClass feature gate is disabled\""
                ),
                _ => format!(
                    "a PersistentVolumeClaim's spec is immutable beyond a larger storage request: \
                     `helm upgrade` fails with \"spec: Forbidden: spec is immutable after creation \
                     except {except} for bound claims\""
                ),
            };
            Some(Refusal {
                field: change.path.clone(),
                problem,
                remedy: format!(
                    "keep the claim as it is, or create a claim under another name, copy the data \
                     and point the pods at it: {name} cannot change in place"
                ),
            })
        })
        .collect()
}

/// A storage size, when it is a quantity.
fn size(value: &Option<Value>) -> Option<quantity::Quantity> {
    value
        .as_ref()
        .map(label)
        .and_then(|s| quantity::parse(&s).ok())
}

/// Warnings about changes the API accepts only when the cluster allows them.
pub fn caveats(kind: &str, changes: &[FieldChange]) -> Vec<String> {
    let grows = |c: &&FieldChange| {
        c.path == "spec.resources.requests.storage"
            && matches!((size(&c.old), size(&c.new)), (Some(old), Some(new)) if new > old)
    };
    if kind != "PersistentVolumeClaim" {
        return Vec::new();
    }
    changes
        .iter()
        .filter(grows)
        .map(|c| {
            format!(
                "a claim grows to {} only when its StorageClass has allowVolumeExpansion: true, \
                 and only once it is bound",
                c.new.as_ref().map(label).unwrap_or_default()
            )
        })
        .collect()
}

fn immutable_data(kind: &str, name: &str, old: &Value, changes: &[FieldChange]) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    let recreate = format!(
        "delete the {kind} right before `helm upgrade` (`kubectl delete {} {name}`), or give \
         the new content a new name (a name with a hash of the content is the usual way)",
        kind.to_lowercase()
    );
    if old.get("immutable").is_some_and(|v| v == true) {
        let locked = changes.iter().find(|c| {
            c.path == "immutable"
                || ["data", "binaryData", "stringData"].iter().any(|root| {
                    c.path == *root
                        || c.path.starts_with(&format!("{root}["))
                        || c.path.starts_with(&format!("{root}."))
                })
        });
        if let Some(change) = locked {
            refusals.push(Refusal {
                field: change.path.clone(),
                problem: format!(
                    "the {kind} is marked `immutable: true`: `helm upgrade` fails with \
                     \"{}: Forbidden: field is immutable when `immutable` is set\"",
                    if change.path.starts_with("stringData") {
                        "data"
                    } else {
                        change.path.split(['.', '[']).next().unwrap_or("data")
                    }
                ),
                remedy: recreate.clone(),
            });
        }
    }
    if kind == "Secret"
        && let Some(change) = changes.iter().find(|c| c.path == "type")
    {
        refusals.push(Refusal {
            field: change.path.clone(),
            problem: "a Secret's type is immutable: `helm upgrade` fails with \"type: Invalid \
                      value: ...: field is immutable\""
                .into(),
            remedy: recreate,
        });
    }
    refusals
}

/// The fields of a running Pod an update may change.
fn pod_field_mutable(change: &FieldChange) -> bool {
    let path = change.path.as_str();
    let image = |list: &str| {
        path.strip_prefix(&format!("spec.{list}["))
            .is_some_and(|rest| rest.ends_with("].image"))
    };
    // Tolerations may only be added after the ones the pod has.
    let added_tolerations = path == "spec.tolerations"
        && match (&change.old, &change.new) {
            (None, Some(_)) => true,
            (Some(Value::Array(old)), Some(Value::Array(new))) => new.starts_with(old),
            _ => false,
        };
    !path.starts_with("spec.")
        || image("containers")
        || image("initContainers")
        || path == "spec.activeDeadlineSeconds"
        || added_tolerations
        || path == "spec.terminationGracePeriodSeconds"
}

fn pod(name: &str, changes: &[FieldChange]) -> Vec<Refusal> {
    changes
        .iter()
        .filter(|c| !pod_field_mutable(c))
        .take(1)
        .map(|change| Refusal {
            field: change.path.clone(),
            problem: "a Pod's spec is immutable beyond its images, activeDeadlineSeconds and \
                      added tolerations: `helm upgrade` fails with \"spec: Forbidden: pod updates \
                      may not change fields other than `spec.containers[*].image`,\
                      `spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,\
                      `spec.tolerations` (only additions to existing tolerations),\
                      `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was \
                      previously negative)\""
                .into(),
            remedy: format!(
                "delete the Pod right before `helm upgrade` (`kubectl delete pod {name}`), or run \
                 it from a workload (a Deployment, StatefulSet or Job) that replaces its pods"
            ),
        })
        .collect()
}

fn role_ref(kind: &str, name: &str, changes: &[FieldChange]) -> Vec<Refusal> {
    changes
        .iter()
        .find(|c| c.path == "roleRef" || c.path.starts_with("roleRef."))
        .map(|change| Refusal {
            field: change.path.clone(),
            problem: format!(
                "a {kind}'s roleRef cannot change: `helm upgrade` fails with \"roleRef: Invalid \
                 value: ...: cannot change roleRef\""
            ),
            remedy: format!(
                "delete the {kind} right before `helm upgrade` (`kubectl delete {} {name}`), or \
                 bind the new role under a new name",
                kind.to_lowercase()
            ),
        })
        .into_iter()
        .collect()
}

fn storage_class(name: &str, changes: &[FieldChange]) -> Vec<Refusal> {
    changes
        .iter()
        .filter_map(|change| {
            let top = change.path.split(['.', '[']).next().unwrap_or_default();
            let message = match top {
                "parameters" | "provisioner" | "reclaimPolicy" => {
                    format!("{top}: Forbidden: updates to {top} are forbidden.")
                }
                "volumeBindingMode" => {
                    "volumeBindingMode: Invalid value: ...: field is immutable".into()
                }
                _ => return None,
            };
            Some(Refusal {
                field: change.path.clone(),
                problem: format!(
                    "a StorageClass's {top} cannot change: `helm upgrade` fails with \"{message}\""
                ),
                remedy: format!(
                    "create a StorageClass under a new name and use it for new claims; \
                     deleting {name} does not touch the volumes it made"
                ),
            })
        })
        .collect()
}

/// The keys under which an object may replace another (see `replacement`): two objects that
/// share none never do, so a review looks only among those that share one.
pub fn replacement_keys(object: &Object) -> Vec<String> {
    let ns = &object.id.namespace;
    let mut keys = vec![format!("name {ns}/{}", object.id.name)];
    if object.id.kind == "StatefulSet" {
        if let Some(selector) = object.body.pointer("/spec/selector") {
            keys.push(format!("selector {ns}/{selector}"));
        }
        keys.push(format!("claims {ns}/{:?}", claim_names(object)));
    }
    keys
}

fn claim_names(object: &Object) -> Vec<String> {
    items(object.body.pointer("/spec/volumeClaimTemplates"))
        .filter_map(|c| c.pointer("/metadata/name").map(label))
        .collect()
}

/// Kinds whose pods run on: their pods keep what they read at start until restarted (a Job's,
/// a CronJob's and a bare Pod's run once).
pub fn keeps_pods_running(kind: &str) -> bool {
    matches!(
        kind,
        "StatefulSet" | "Deployment" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
    )
}

/// A removed object whose role a new one takes: another kind under the same name, or a
/// StatefulSet with claims that comes back under another name with the same selector.
pub fn replacement(gone: &Object, came: &Object) -> Option<Refusal> {
    let (a, b) = (&gone.id, &came.id);
    if a.namespace != b.namespace {
        return None;
    }
    if a.name == b.name && a.kind != b.kind {
        let pods = if pod_spec_pointer(&a.kind).is_some() && pod_spec_pointer(&b.kind).is_some() {
            ": every old pod stops at once, before the new ones are ready"
        } else {
            ""
        };
        return Some(Refusal {
            field: "kind".into(),
            problem: format!(
                "replaces {a} with a {}: Helm creates the new object and deletes the old one, and \
                 nothing carries over{pods}",
                b.kind
            ),
            remedy: format!(
                "run both side by side under different names for one release, move traffic, then \
                 remove the {} in a later release",
                a.kind
            ),
        });
    }
    let claims = claim_names;
    let selector = |o: &Object| o.body.pointer("/spec/selector").cloned();
    // The same app under a new name: it selects the same pods, or keeps its data in claims of
    // the same names (a chart or release rename changes the selector labels too).
    let same_app = selector(gone).is_some() && selector(gone) == selector(came)
        || claims(gone) == claims(came);
    let renamed =
        a.kind == "StatefulSet" && b.kind == "StatefulSet" && !claims(gone).is_empty() && same_app;
    renamed.then(|| Refusal {
        field: "metadata.name".into(),
        problem: format!(
            "replaces {a} under a new name: Helm deletes {} and its pods, and the new pods start \
             with new, empty claims; the old claims and their data stay, unused",
            a.name
        ),
        remedy: format!(
            "keep the old name (fullnameOverride: {}, or the old chart name with nameOverride), \
             or copy the data from the old claims to the new ones before the new pods use them",
            a.name
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_in_the_forms_people_write() {
        assert_eq!(
            "1.31".parse(),
            Ok(KubeVersion {
                major: 1,
                minor: 31
            })
        );
        assert_eq!(
            "v1.31.4".parse(),
            Ok(KubeVersion {
                major: 1,
                minor: 31
            })
        );
        assert!("1".parse::<KubeVersion>().is_err());
        assert!(
            "1.99"
                .parse::<KubeVersion>()
                .unwrap_err()
                .contains("outside")
        );
    }

    #[test]
    fn a_secret_s_string_data_is_its_data() {
        let mut a = json!({"data": {"a": "eA=="}, "stringData": {"b": "y"}});
        normalize("Secret", &mut a);
        assert_eq!(
            a,
            json!({"data": {"a": "eA==", "b": "eQ=="}, "type": "Opaque"})
        );
    }

    #[test]
    fn quantities_are_compared_by_value() {
        let change = |path: &str, old: Value, new: Value| FieldChange {
            path: path.into(),
            old: Some(old),
            new: Some(new),
        };
        let storage = "spec.volumeClaimTemplates[data].spec.resources.requests.storage";
        assert!(same_quantity(&change(
            storage,
            json!("1Gi"),
            json!("1024Mi")
        )));
        assert!(same_quantity(&change(
            "resources.limits.cpu",
            json!(1),
            json!("1000m")
        )));
        assert!(same_quantity(&change(
            "resources.requests.cpu",
            json!("0.1"),
            json!("100m")
        )));
        assert!(!same_quantity(&change(storage, json!("1Gi"), json!("1G"))));
        assert!(!same_quantity(&change(
            "metadata.labels.size",
            json!("1Gi"),
            json!("1024Mi")
        )));
    }

    #[test]
    fn defaults_and_server_fields_are_filled_in_and_dropped() {
        let mut a = json!({"metadata": {"name": "s", "uid": "x", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "spec": {"volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data"}, "spec": {}, "status": {"phase": "Pending"}}]}, "status": {}});
        let mut b = json!({"metadata": {"name": "s"}, "spec": {"podManagementPolicy": "OrderedReady",
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"volumeMode": "Filesystem"}}]}});
        normalize("StatefulSet", &mut a);
        normalize("StatefulSet", &mut b);
        assert_eq!(a, b);
    }
}
