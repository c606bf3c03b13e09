//! The application spec (`chartgen.yaml`): what the user writes, as typed data.
//!
//! Integers that have a legal range are `i64` on purpose: a negative replica count must reach
//! `validate` and get a message about replicas, not a serde message about `u32`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::bounds::{self, Bound};
pub use crate::kube::{
    Affinity, EnvFromSource, EnvVarSource, PodSecurityContext, SecurityContext, Toleration,
};

/// Ordered string map: users expect their keys to come out in the order they wrote them.
pub type StringMap = IndexMap<String, String>;

/// Environment variables by name, in the order written; each a string or a reference.
pub type Env = IndexMap<String, EnvValue>;

/// An environment variable's value: text, or where Kubernetes reads it from when the pod
/// starts (the API's `valueFrom`: a key of a Secret or ConfigMap, a field of the pod, a
/// resource of the container). Untagged, so serde reads the value as YAML typed it: a number
/// or a boolean is refused rather than written back (the YAML reader has already turned
/// `0022` into 22), and Kubernetes takes only strings here too.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EnvValue {
    Value(String),
    From(EnvVarSource),
}

/// A StatefulSet application, compiled by chartgen into a Helm chart.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Spec {
    /// Chart and application name: a DNS-1123 label of at most 53 characters.
    pub name: String,
    /// One-line description for Chart.yaml.
    #[serde(default)]
    pub description: Option<String>,
    /// Chart version (SemVer 2). Leave it out and `chartgen generate` bumps the chart's
    /// version itself whenever the chart changes (patch, minor or major, as `chartgen diff`
    /// proposes).
    #[serde(default)]
    pub version: Option<String>,
    /// Version of the application; defaults to the image tag.
    #[serde(default)]
    pub app_version: Option<String>,
    /// The Kubernetes versions the chart installs on: Chart.yaml's `kubeVersion`, a Helm
    /// semver constraint such as `>=1.29.0-0` (the `-0` admits EKS's and GKE's versions, which
    /// Helm takes for pre-releases). Fields that need a newer cluster than the oldest it admits
    /// get a warning.
    #[serde(default)]
    pub kube_version: Option<String>,
    /// The container image.
    pub image: Image,
    /// Container command (entrypoint); the image's when absent.
    #[serde(default)]
    pub command: Vec<String>,
    /// Container arguments; the image's when absent. `$(VAR)` expands environment variables.
    #[serde(default)]
    pub args: Vec<String>,
    /// Shorthand for a single TCP port named `http`.
    #[serde(default)]
    #[schemars(range(min = bounds::PORT.min, max = bounds::PORT.max))]
    pub port: Option<i64>,
    /// Container ports, each named.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Number of pods.
    #[serde(default = "default_replicas")]
    #[schemars(range(min = bounds::COUNT.min, max = bounds::COUNT.max))]
    pub replicas: i64,
    /// Volume claim templates: one PersistentVolumeClaim per pod each.
    #[serde(default)]
    pub storage: Vec<Claim>,
    /// What happens to the claims when the StatefulSet is deleted or scaled down.
    #[serde(default)]
    pub retention: Option<Retention>,
    /// Liveness, readiness and startup probes.
    #[serde(default)]
    pub probes: Probes,
    /// Pod management policy.
    #[serde(default)]
    pub policy: Policy,
    /// Update strategy.
    #[serde(default)]
    pub strategy: Strategy,
    /// The client Service.
    #[serde(default)]
    pub service: Service,
    /// Folders the app writes outside its volumes, each an emptyDir: the root filesystem is
    /// read-only (`/tmp` always has one). E.g. the folder of a Unix socket.
    #[serde(default)]
    pub empty_dirs: Vec<String>,
    /// Environment variables: text (`LOG_LEVEL: info`), or read when the pod starts from a
    /// key of any Secret or ConfigMap (`secretKeyRef`, `configMapKeyRef`), a field of the pod
    /// (`fieldRef`) or a resource of the container (`resourceFieldRef`).
    #[serde(default)]
    pub env: Env,
    /// Whole Secrets or ConfigMaps that already exist (External Secrets, Vault...), each key a
    /// variable.
    #[serde(default)]
    pub env_from: Vec<EnvFromSource>,
    /// Secret environment variables, held in a Secret; never written into the chart.
    #[serde(default)]
    pub secrets: Vec<SecretVar>,
    /// Configuration files and variables, held in ConfigMaps.
    #[serde(default)]
    pub config: Option<Config>,
    /// Helm hooks, each a Job.
    #[serde(default)]
    pub hooks: Vec<Hook>,
    /// Container resource requests and limits.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// The pods' ServiceAccount.
    #[serde(default)]
    pub service_account: ServiceAccount,
    /// Extra annotations on the pods (e.g. Vault agent injection).
    #[serde(default)]
    pub pod_annotations: StringMap,
    /// Extra labels on the pods.
    #[serde(default)]
    pub pod_labels: StringMap,
    /// Pod-level securityContext; replaces chartgen's restricted default.
    #[serde(default)]
    pub pod_security_context: Option<PodSecurityContext>,
    /// Container-level securityContext; replaces chartgen's restricted default.
    #[serde(default)]
    pub security_context: Option<SecurityContext>,
    /// Node selector.
    #[serde(default)]
    pub node_selector: StringMap,
    /// Tolerations.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// Affinity.
    #[serde(default)]
    pub affinity: Option<Affinity>,
    /// An Ingress in front of the client Service.
    #[serde(default)]
    pub ingress: Option<Ingress>,
    /// Chart dependencies, written to Chart.yaml.
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// PriorityClass of the pods.
    #[serde(default)]
    pub priority_class_name: Option<String>,
    /// Seconds a pod gets to stop before it is killed (Kubernetes' default: 30).
    #[serde(default)]
    #[schemars(range(min = bounds::SECONDS.min, max = bounds::SECONDS.max))]
    pub termination_grace_period_seconds: Option<i64>,
    /// Command run in the container before it is stopped (e.g. to drain connections).
    #[serde(default)]
    pub pre_stop: Vec<String>,
    /// Keep pods on different nodes: `soft` prefers it, `hard` requires it.
    #[serde(default)]
    pub spread: Option<Spread>,
    /// A PodDisruptionBudget, limiting voluntary evictions (node drains).
    #[serde(default)]
    pub disruption_budget: Option<DisruptionBudget>,
    /// Narrows the NetworkPolicy every chart has, which otherwise admits clients from anywhere
    /// to the pods' ports (and nothing else).
    #[serde(default)]
    pub network_policy: Option<NetworkPolicy>,
    /// A Prometheus Operator ServiceMonitor scraping the pods.
    #[serde(default)]
    pub metrics: Option<Metrics>,
    /// An init container that gives the volumes to the pod's user (for storage that does not
    /// honour fsGroup). It runs as root, outside the restricted profile.
    #[serde(default)]
    pub volume_permissions: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Spread {
    Soft,
    Hard,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DisruptionBudget {
    /// Pods that must stay up (number or percentage).
    #[serde(default)]
    pub min_available: Option<IntOrPercent>,
    /// Pods that may be down at once (number or percentage); 1 when neither is given.
    #[serde(default)]
    pub max_unavailable: Option<IntOrPercent>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NetworkPolicy {
    /// Admit clients from anywhere; otherwise only from the namespaces and pods below (or, when
    /// both are empty, from the release's own namespace). Replicas always reach each other.
    #[serde(default)]
    pub allow_external: bool,
    /// Labels of namespaces whose pods may connect.
    #[serde(default)]
    pub from_namespaces: StringMap,
    /// Labels of pods that may connect.
    #[serde(default)]
    pub from_pods: StringMap,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metrics {
    /// Name of the port serving metrics.
    pub port: String,
    #[serde(default = "default_metrics_path")]
    pub path: String,
    /// Scrape interval (a Prometheus duration).
    #[serde(default = "default_interval")]
    pub interval: String,
}

fn default_metrics_path() -> String {
    "/metrics".into()
}

fn default_interval() -> String {
    "30s".into()
}

/// The version of a new chart whose spec does not pin one.
pub const FIRST_VERSION: &str = "0.1.0";

fn default_replicas() -> i64 {
    1
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    /// Image repository, e.g. `ghcr.io/acme/app`.
    pub repository: String,
    /// Image tag; defaults to the chart's appVersion.
    #[serde(default)]
    pub tag: Option<String>,
    /// Image digest (`sha256:...`); wins over the tag.
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub pull_policy: PullPolicy,
    /// Names of image pull Secrets.
    #[serde(default)]
    pub pull_secrets: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum PullPolicy {
    #[default]
    IfNotPresent,
    Always,
    Never,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Port {
    /// Port name (IANA service name: at most 15 characters, lowercase).
    pub name: String,
    /// Container port number.
    #[schemars(range(min = bounds::PORT.min, max = bounds::PORT.max))]
    pub port: i64,
    #[serde(default)]
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
pub enum Protocol {
    #[default]
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
    #[serde(rename = "SCTP")]
    Sctp,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Claim {
    /// Claim name; the PVC of pod N is `<name>-<statefulset>-N`.
    pub name: String,
    /// Requested size, a Kubernetes quantity (e.g. `10Gi`).
    pub size: String,
    /// Where the volume is mounted in the container.
    pub mount_path: String,
    /// StorageClass; the cluster default when absent.
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(default = "default_access_modes")]
    pub access_modes: Vec<AccessMode>,
}

fn default_access_modes() -> Vec<AccessMode> {
    vec![AccessMode::ReadWriteOnce]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadOnlyMany,
    ReadWriteMany,
    ReadWriteOncePod,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Retention {
    #[serde(default)]
    pub when_deleted: RetentionPolicy,
    #[serde(default)]
    pub when_scaled: RetentionPolicy,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum RetentionPolicy {
    #[default]
    Retain,
    Delete,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probes {
    /// Restarts the container when it fails. Without it, a TCP check of the readiness probe's
    /// port (none after an `exec` readiness probe); `none` for no liveness probe at all.
    #[serde(default)]
    pub liveness: Option<ProbeChoice>,
    /// Takes the pod out of the client Service while it fails. Without it, a TCP check of the
    /// first port; `none` for no readiness probe at all.
    #[serde(default)]
    pub readiness: Option<ProbeChoice>,
    #[serde(default)]
    pub startup: Option<Probe>,
}

/// A probe, or `none`: no probe, not even the one chartgen gives a spec that says nothing.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ProbeChoice {
    Off(NoProbe),
    On(Probe),
}

/// The word that turns a probe off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoProbe {
    None,
}

impl ProbeChoice {
    /// The probe the spec gives, if it gives one.
    pub fn given(choice: &Option<ProbeChoice>) -> Option<&Probe> {
        match choice {
            Some(ProbeChoice::On(probe)) => Some(probe),
            _ => None,
        }
    }
}

/// A probe: exactly one of `http`, `tcp`, `exec`, `grpc`, plus timings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probe {
    /// HTTP GET on this path.
    #[serde(default)]
    pub http: Option<String>,
    /// TCP connect (`tcp: true`).
    #[serde(default)]
    pub tcp: Option<bool>,
    /// Run this command in the container.
    #[serde(default)]
    pub exec: Option<Vec<String>>,
    /// gRPC health check, optionally of a named service.
    #[serde(default)]
    pub grpc: Option<GrpcProbe>,
    /// Port by name or number; defaults to the first port.
    #[serde(default)]
    pub port: Option<PortRef>,
    #[serde(default)]
    #[schemars(range(min = bounds::COUNT.min, max = bounds::COUNT.max))]
    pub initial_delay_seconds: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = bounds::POSITIVE.min, max = bounds::POSITIVE.max))]
    pub period_seconds: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = bounds::POSITIVE.min, max = bounds::POSITIVE.max))]
    pub timeout_seconds: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = bounds::POSITIVE.min, max = bounds::POSITIVE.max))]
    pub success_threshold: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = bounds::POSITIVE.min, max = bounds::POSITIVE.max))]
    pub failure_threshold: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrpcProbe {
    #[serde(default)]
    pub service: Option<String>,
}

/// A port given by name or by number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Policy {
    /// Pods start one at a time, in order, each waiting for the previous to be Ready.
    #[default]
    OrderedReady,
    /// Pods start and stop all at once.
    Parallel,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Strategy {
    #[serde(default, rename = "type")]
    pub kind: StrategyKind,
    /// Only pods with an ordinal >= partition are updated (canary rollouts).
    #[serde(default)]
    #[schemars(range(min = bounds::COUNT.min, max = bounds::COUNT.max))]
    pub partition: Option<i64>,
    /// Pods that may be unavailable during an update (number or percentage).
    #[serde(default)]
    pub max_unavailable: Option<IntOrPercent>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum StrategyKind {
    #[default]
    RollingUpdate,
    OnDelete,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum IntOrPercent {
    Int(i64),
    Percent(String),
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Service {
    /// Create the client Service; without it (a worker) pods are reached only through the
    /// headless Service.
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default, rename = "type")]
    pub kind: ServiceType,
    /// Service port; defaults to the target container port's number.
    #[serde(default)]
    #[schemars(range(min = bounds::PORT.min, max = bounds::PORT.max))]
    pub port: Option<i64>,
    /// Container port the Service routes to, by name; defaults to the first port.
    #[serde(default)]
    pub target_port: Option<String>,
    /// Fixed node port (NodePort and LoadBalancer only), in the cluster's node port range
    /// (30000-32767 by default).
    #[serde(default)]
    #[schemars(range(min = bounds::PORT.min, max = bounds::PORT.max))]
    pub node_port: Option<i64>,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            enabled: true,
            kind: ServiceType::default(),
            port: None,
            target_port: None,
            node_port: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
    LoadBalancer,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretVar {
    /// Environment variable name; also the key in the Secret unless `key` names another.
    pub name: String,
    /// The key in the Secret (the chart's, or `existingSecret`); defaults to `name`.
    #[serde(default)]
    pub key: Option<String>,
    /// Generate a random value on first install and keep it on upgrades; otherwise the value
    /// must be given at install time (`--set secrets.NAME=...`) or come from `existingSecret`.
    #[serde(default)]
    pub generate: bool,
    /// A default value, written into values.yaml: refused unless `notSecret` is true.
    #[serde(default)]
    pub value: Option<String>,
    /// Says that `value` may be written into the chart (e.g. a non-sensitive default).
    #[serde(default)]
    pub not_secret: bool,
    /// Mount the value as a file at this absolute path instead of an environment variable, for
    /// apps that read `*_FILE` variables: env vars leak into logs, crash dumps and child
    /// processes.
    #[serde(default)]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// Files by name, mounted one by one into `mountPath`.
    #[serde(default)]
    pub files: StringMap,
    /// Directory the files are mounted into (each by subPath, so the directory's other
    /// contents stay visible). Defaults to `/etc/<name>`.
    #[serde(default)]
    pub mount_path: Option<String>,
    /// Variables exposed to the container through envFrom.
    #[serde(default)]
    pub env: StringMap,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Hook {
    /// Hook name (DNS-1123 label); the Job is `<fullname>-<name>`.
    pub name: String,
    /// Helm events that run the hook.
    pub events: Vec<HookEvent>,
    /// Image; defaults to the application's image.
    #[serde(default)]
    pub image: Option<Image>,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub args: Vec<String>,
    /// Hook order among hooks of the same event (lower runs first).
    #[serde(default)]
    pub weight: i64,
    #[serde(default = "default_delete_policy")]
    pub delete_policy: Vec<DeletePolicy>,
    /// Environment variables of the hook, as the application's `env`.
    #[serde(default)]
    pub env: Env,
    /// Whole existing Secrets or ConfigMaps as variables, as the application's `envFrom`.
    #[serde(default)]
    pub env_from: Vec<EnvFromSource>,
    /// Names of the spec's `secrets` the hook reads, as the same environment variables.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Requests and limits of the hook container; a small app's when absent.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Retries before the Job fails (Kubernetes' default: 6; chartgen's: 1).
    #[serde(default)]
    pub backoff_limit: Option<i64>,
    /// Seconds the Job may run before it is stopped and fails.
    #[serde(default)]
    pub active_deadline_seconds: Option<i64>,
    /// Seconds after it ends before Kubernetes deletes the finished Job.
    #[serde(default)]
    pub ttl_seconds_after_finished: Option<i64>,
    /// Seconds the hook pod gets to stop before it is killed (0: at once).
    #[serde(default)]
    pub termination_grace_period_seconds: Option<i64>,
}

fn default_delete_policy() -> Vec<DeletePolicy> {
    vec![
        DeletePolicy::BeforeHookCreation,
        DeletePolicy::HookSucceeded,
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HookEvent {
    PreInstall,
    PostInstall,
    PreUpgrade,
    PostUpgrade,
    PreDelete,
    PostDelete,
    PreRollback,
    PostRollback,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeletePolicy {
    BeforeHookCreation,
    HookSucceeded,
    HookFailed,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    #[serde(default)]
    pub requests: StringMap,
    #[serde(default)]
    pub limits: StringMap,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceAccount {
    /// Create a ServiceAccount for the pods.
    #[serde(default = "yes")]
    pub create: bool,
    /// Its name; generated from the release when empty.
    #[serde(default)]
    pub name: Option<String>,
    /// Mount the API token into the pods.
    #[serde(default)]
    pub automount: bool,
    #[serde(default)]
    pub annotations: StringMap,
}

impl Default for ServiceAccount {
    fn default() -> Self {
        Self {
            create: true,
            name: None,
            automount: false,
            annotations: StringMap::new(),
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ingress {
    #[serde(default)]
    pub class_name: Option<String>,
    #[serde(default)]
    pub annotations: StringMap,
    pub hosts: Vec<IngressHost>,
    #[serde(default)]
    pub tls: Vec<IngressTls>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngressHost {
    pub host: String,
    #[serde(default = "default_ingress_paths")]
    pub paths: Vec<IngressPath>,
}

fn default_ingress_paths() -> Vec<IngressPath> {
    vec![IngressPath {
        path: "/".into(),
        path_type: PathType::Prefix,
    }]
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngressPath {
    pub path: String,
    #[serde(default)]
    pub path_type: PathType,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum PathType {
    #[default]
    Prefix,
    Exact,
    ImplementationSpecific,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngressTls {
    pub secret_name: String,
    pub hosts: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dependency {
    pub name: String,
    pub version: String,
    /// Chart repository URL, `oci://...`, or `file://../path`.
    pub repository: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// The JSON Schema of the spec, for editors (`# yaml-language-server: $schema=...`).
/// Deriving it takes about a millisecond, more than rendering a whole chart, so the derived
/// text is committed and embedded; a test keeps it equal to `derived_schema_json`.
pub fn schema_json() -> &'static str {
    include_str!("../schema/chartgen.schema.json")
}

/// The schema as schemars derives it from the types above.
pub fn derived_schema_json() -> String {
    let schema = schemars::schema_for!(Spec);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

impl Probe {
    /// The timing fields, by their Kubernetes names, with the range the API takes for each.
    pub fn timings(&self) -> [(&'static str, Option<i64>, &'static Bound); 5] {
        [
            (
                "initialDelaySeconds",
                self.initial_delay_seconds,
                &bounds::COUNT,
            ),
            ("periodSeconds", self.period_seconds, &bounds::POSITIVE),
            ("timeoutSeconds", self.timeout_seconds, &bounds::POSITIVE),
            (
                "successThreshold",
                self.success_threshold,
                &bounds::POSITIVE,
            ),
            (
                "failureThreshold",
                self.failure_threshold,
                &bounds::POSITIVE,
            ),
        ]
    }
}

impl SecretVar {
    /// Its key in the Secret.
    pub fn key(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.name)
    }
}

impl Spec {
    /// The readiness probe: the spec's, or, when it gives none, a TCP check of the first port,
    /// so a pod gets traffic only once it listens (checkov CKV_K8S_9). A worker without ports
    /// gets none.
    pub fn readiness(&self) -> Option<Probe> {
        match &self.probes.readiness {
            Some(ProbeChoice::On(probe)) => Some(probe.clone()),
            Some(ProbeChoice::Off(_)) => None,
            None => self.first_port_tcp(),
        }
    }

    fn first_port_tcp(&self) -> Option<Probe> {
        let first = self.all_ports().first()?.name.clone();
        Some(Probe {
            tcp: Some(true),
            port: Some(PortRef::Name(first)),
            ..Probe::default()
        })
    }

    /// The liveness probe: the spec's, or, when it gives none, a TCP check of the port the
    /// readiness probe checks (the first port, when readiness is `none`), so a hung process
    /// is restarted (checkov CKV_K8S_8), with a minute and a half of grace for a slow start.
    /// An `exec` readiness probe gets none: its command may not say whether the process lives.
    pub fn liveness(&self) -> Option<Probe> {
        match &self.probes.liveness {
            Some(ProbeChoice::On(probe)) => return Some(probe.clone()),
            Some(ProbeChoice::Off(_)) => return None,
            None => {}
        }
        let readiness = self.readiness().or_else(|| self.first_port_tcp())?;
        if readiness.exec.is_some() {
            return None;
        }
        Some(Probe {
            tcp: Some(true),
            port: readiness.port,
            initial_delay_seconds: Some(30),
            failure_threshold: Some(6),
            ..Probe::default()
        })
    }

    /// The NetworkPolicy of the chart: the spec's, or one admitting clients from anywhere to the
    /// pods' ports (Bitnami's default), so a default chart still shuts every other port.
    pub fn network_policy(&self) -> NetworkPolicy {
        self.network_policy.clone().unwrap_or(NetworkPolicy {
            allow_external: true,
            from_namespaces: StringMap::default(),
            from_pods: StringMap::default(),
        })
    }

    /// The chart version to write: the pinned one, or the first.
    pub fn chart_version(&self) -> &str {
        self.version.as_deref().unwrap_or(FIRST_VERSION)
    }

    /// Each of `emptyDirs` with where it sits in the one emptyDir volume that holds them all.
    pub fn empty_dirs(&self) -> Vec<(&str, String)> {
        self.empty_dirs
            .iter()
            .map(|path| (path.as_str(), path.trim_matches('/').to_string()))
            .collect()
    }

    /// The container ports, with the `port:` shorthand expanded.
    pub fn all_ports(&self) -> Vec<Port> {
        let shorthand = self.port.map(|port| Port {
            name: "http".into(),
            port,
            protocol: Protocol::Tcp,
        });
        shorthand.into_iter().chain(self.ports.clone()).collect()
    }

    /// The directory `config`'s files are mounted into.
    pub fn config_dir(&self, config: &Config) -> String {
        config
            .mount_path
            .clone()
            .unwrap_or_else(|| format!("/etc/{}", self.name))
    }

    /// The container port the client Service routes to: the one `service.targetPort` names,
    /// else the first (validation ensures one when the Service exists).
    pub fn service_target(&self) -> Option<Port> {
        let ports = self.all_ports();
        let wanted = self.service.target_port.as_ref();
        ports
            .iter()
            .find(|p| Some(&p.name) == wanted)
            .or(ports.first())
            .cloned()
    }

    /// The path `helm test` requests: that of an HTTP probe on the Service's target port.
    /// Without one, the test only opens a TCP connection.
    pub fn test_http_path(&self) -> Option<String> {
        let target = self.service_target().filter(|_| self.service.enabled)?;
        if target.protocol != Protocol::Tcp {
            return None;
        }
        let on_target = |port: &Option<PortRef>| match port {
            None => self.all_ports()[0].name == target.name,
            Some(PortRef::Name(name)) => *name == target.name,
            Some(PortRef::Number(n)) => *n == target.port,
        };
        [&self.probes.readiness, &self.probes.liveness]
            .into_iter()
            .filter_map(ProbeChoice::given)
            .find(|p| p.http.is_some() && on_target(&p.port))
            .and_then(|p| p.http.clone())
    }
}

impl Hook {
    /// The settings of the hook's Job, by their Kubernetes names, with the range the API takes
    /// for each.
    pub fn job_settings(&self) -> [(&'static str, Option<i64>, &'static Bound); 4] {
        [
            ("backoffLimit", self.backoff_limit, &bounds::COUNT),
            (
                "activeDeadlineSeconds",
                self.active_deadline_seconds,
                &bounds::DEADLINE,
            ),
            (
                "ttlSecondsAfterFinished",
                self.ttl_seconds_after_finished,
                &bounds::COUNT,
            ),
            (
                "terminationGracePeriodSeconds",
                self.termination_grace_period_seconds,
                &bounds::SECONDS,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec of `name: app`, an image and `rest`.
    fn spec(rest: &str) -> Spec {
        serde_yaml::from_str(&format!("name: app\nimage: {{repository: app}}\n{rest}")).unwrap()
    }

    const TWO_PORTS: &str = "ports:\n  - {name: web, port: 8000}\n  - {name: admin, port: 9000}\n";

    fn target(spec: &Spec) -> Option<String> {
        spec.service_target().map(|p| p.name)
    }

    #[test]
    fn the_service_targets_the_named_port_else_the_first() {
        assert_eq!(target(&spec(TWO_PORTS)).as_deref(), Some("web"));
        let named = spec(&format!("{TWO_PORTS}service: {{targetPort: admin}}\n"));
        assert_eq!(target(&named).as_deref(), Some("admin"));
        assert_eq!(target(&spec("port: 80\n")).as_deref(), Some("http"));
        assert_eq!(target(&spec("")), None);
    }

    #[test]
    fn the_test_requests_the_path_of_an_http_probe_on_the_target_port() {
        let path = |rest: &str| spec(&format!("{TWO_PORTS}{rest}")).test_http_path();
        let readiness = "probes: {readiness: {http: /ready}}\n";
        assert_eq!(path(readiness).as_deref(), Some("/ready"));
        assert_eq!(
            path("probes: {liveness: {http: /live, port: 8000}}\n").as_deref(),
            Some("/live")
        );
        assert_eq!(
            path("probes: {readiness: {http: /ready, port: admin}}\n"),
            None
        );
        assert_eq!(path("probes: {readiness: {tcp: true}}\n"), None);
        assert_eq!(
            path(&format!("{readiness}service: {{enabled: false}}\n")),
            None
        );
        let udp = spec(
            "ports: [{name: dns, port: 53, protocol: UDP}]\nprobes: {readiness: {http: /ready}}\n",
        );
        assert_eq!(udp.test_http_path(), None);
    }

    #[test]
    fn job_settings_pair_each_value_with_its_range() {
        let spec = spec(
            "hooks:\n  - {name: migrate, events: [pre-upgrade], backoffLimit: 3, \
             ttlSecondsAfterFinished: 60}\n",
        );
        let settings = spec.hooks[0].job_settings();
        assert_eq!(
            settings.map(|(key, value, bound)| (key, value, *bound)),
            [
                ("backoffLimit", Some(3), bounds::COUNT),
                ("activeDeadlineSeconds", None, bounds::DEADLINE),
                ("ttlSecondsAfterFinished", Some(60), bounds::COUNT),
                ("terminationGracePeriodSeconds", None, bounds::SECONDS),
            ]
        );
    }

    #[test]
    fn the_embedded_schema_is_the_derived_one() {
        let derived = derived_schema_json();
        if std::env::var_os("CHARTGEN_BLESS").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/schema/chartgen.schema.json"),
                &derived,
            )
            .unwrap();
            return;
        }
        assert!(
            schema_json() == derived,
            "schema/chartgen.schema.json is stale: run `CHARTGEN_BLESS=1 cargo test schema` and commit it"
        );
    }
}
