//! What can be wrong with a spec, and what in its values deserves a warning, as data: each
//! check in `validate` names a kind with the facts it found, and the Display impls here hold
//! every word a person reads about them (a shape's, in `shape`).

use std::fmt;

use crate::apiserver::{GatedField, KubeVersion};
use crate::bounds::{Bound, Says};
use crate::quantity::Unit;
use crate::shape::Shape;
use crate::validate::{MAX_NAME, PINNED};

/// What one problem of a spec is, from whichever step found it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(strum::EnumCount))]
pub enum Kind {
    /// Flow collections nested deeper than the parser is let go.
    TooDeep {
        max: usize,
    },
    /// A key twice in one mapping, of which YAML would keep one.
    RepeatedKey,
    /// A field unknown, missing or of another type than the spec's.
    Shape(Shape),
    /// What the YAML parser says, when the shape walk finds nothing (a syntax error).
    Parser(String),
    Invalid(Invalid),
    Warning(Warning),
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::TooDeep { max } => write!(f, "nested more than {max} levels deep"),
            Kind::RepeatedKey => write!(
                f,
                "this key appears twice in its mapping; YAML keeps only one"
            ),
            Kind::Shape(shape) => shape.fmt(f),
            Kind::Parser(message) => f.write_str(message),
            Kind::Invalid(invalid) => invalid.fmt(f),
            Kind::Warning(warning) => warning.fmt(f),
        }
    }
}

impl From<Invalid> for Kind {
    fn from(invalid: Invalid) -> Self {
        Kind::Invalid(invalid)
    }
}

impl From<Warning> for Kind {
    fn from(warning: Warning) -> Self {
        Kind::Warning(warning)
    }
}

/// Why a spec's value cannot make a working chart.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(strum::EnumCount))]
pub enum Invalid {
    ChartName {
        name: String,
    },
    NameTooLong {
        length: usize,
    },
    SemVer {
        version: String,
    },
    /// appVersion, which becomes the `app.kubernetes.io/version` label.
    LabelValue {
        version: String,
    },
    ImageRepository {
        repository: String,
    },
    ImageTag {
        tag: String,
    },
    ImageDigest {
        digest: String,
    },
    /// The app's image has neither a tag nor an appVersion to stand for one.
    TagOrAppVersion,
    /// A hook's image, from another repository than the app's, names no tag or digest.
    HookImageUnpinned {
        repository: String,
    },
    /// Hook pods pull with the chart's `imagePullSecrets`, like every pod of it.
    HookPullSecrets,
    Empty,
    Alias {
        alias: String,
    },
    DnsLabel {
        value: String,
    },
    DnsSubdomain {
        value: String,
    },
    /// The service is on, and nothing to serve.
    NoPorts,
    IngressWithoutPort,
    IngressWithoutService,
    PortName {
        name: String,
    },
    PortNameTwice {
        name: String,
    },
    PortTwice {
        port: i64,
    },
    /// An integer outside the range the Kubernetes API takes.
    Outside {
        value: i64,
        bound: Bound,
    },
    ReservedVolume {
        name: String,
    },
    ClaimTwice {
        name: String,
    },
    NoSize,
    NoAccessMode,
    Negative {
        quantity: String,
    },
    /// Not a quantity; `meant` is the one people usually mean by what was written.
    Quantity {
        quantity: String,
        meant: Option<String>,
    },
    OverLimit {
        request: String,
        limit: String,
    },
    ProbeKind,
    EmptyCommand,
    /// A successThreshold other than 1, which only readiness probes take.
    SuccessThreshold,
    NoPortToProbe,
    NoSuchPort {
        name: String,
    },
    RollingUpdateOnly,
    Partition {
        replicas: i64,
    },
    MaxUnavailable {
        bound: Bound,
    },
    NodePortType,
    SecretKeyTwice {
        key: String,
        first: String,
    },
    /// A secret's value given in the spec would be written into the chart.
    SecretValue,
    EmptyValue,
    GivenAndGenerated,
    FileName {
        file: String,
    },
    MountFolder {
        path: String,
    },
    RelativePath {
        path: String,
    },
    TmpMounted,
    MountedTwice {
        path: String,
        first: String,
    },
    HookNameLength {
        max: usize,
    },
    HookTwice {
        name: String,
    },
    NoEvent,
    NoDeletePolicy,
    NoSuchSecret {
        name: String,
    },
    /// A hook names a secret the app mounts as a file (`secret` is its field).
    SecretIsFile {
        secret: String,
    },
    EnvName {
        name: String,
    },
    VariableTwice {
        name: String,
        first: String,
    },
    EnvSourceCount,
    PodField {
        path: String,
        fields: &'static [&'static str],
    },
    PodFieldVersion {
        version: String,
    },
    ContainerResource {
        resource: String,
        resources: &'static [&'static str],
        /// Of names a size completes (huge pages).
        prefixes: &'static [&'static str],
    },
    Divisor {
        divisor: String,
        resource: String,
        divisors: &'static [&'static str],
    },
    EnvFromCount,
    EnvPrefix {
        prefix: String,
    },
    ConfigKey {
        key: String,
    },
    MinAndMaxAvailable,
    DisruptionCount,
    UrlPath {
        path: String,
    },
    Duration {
        duration: String,
    },
    NoStorage,
    KubeVersionConstraint {
        text: String,
        problem: String,
    },
    NoKubeRelease {
        text: String,
    },
    NoHost,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Invalid::*;
        const ENV_NAME: &str = "[A-Za-z_][A-Za-z0-9_]*";
        match self {
            ChartName { name } => write!(
                f,
                "{name:?} is not a chart name (lowercase letters, digits and '-', starting and \
                 ending with a letter or digit, at most {MAX_NAME} characters)"
            ),
            NameTooLong { length } => write!(
                f,
                "is {length} characters long; at most {MAX_NAME} fit in Kubernetes names"
            ),
            SemVer { version } => {
                write!(f, "{version:?} is not a SemVer 2 version (e.g. \"0.1.0\")")
            }
            LabelValue { version } => write!(
                f,
                "{version:?} cannot be the `app.kubernetes.io/version` label of the chart's \
                 objects (at most 63 letters, digits, '-', '_' and '.', starting and ending \
                 with a letter or digit)"
            ),
            ImageRepository { repository } => write!(
                f,
                "{repository:?} is not an image repository (e.g. \"ghcr.io/acme/app\")"
            ),
            ImageTag { tag } => write!(
                f,
                "{tag:?} is not an image tag (letters, digits, '_', '.', '-'; at most 128)"
            ),
            ImageDigest { digest } => write!(
                f,
                "{digest:?} is not an image digest (e.g. \"sha256:<64 hex digits>\")"
            ),
            TagOrAppVersion => write!(
                f,
                "set `image.tag` or `appVersion` (the tag defaults to appVersion)"
            ),
            HookImageUnpinned { repository } => write!(
                f,
                "{repository:?} has no tag or digest: set `tag` or `digest` ({PINNED})"
            ),
            HookPullSecrets => write!(
                f,
                "hook pods pull with the app's `image.pullSecrets`: list them there"
            ),
            Empty => write!(f, "must not be empty"),
            Alias { alias } => write!(
                f,
                "{alias:?} is not an alias Helm takes (letters, digits, '_' and '-')"
            ),
            DnsLabel { value } => write!(
                f,
                "{value:?} is not a DNS-1123 label (lowercase letters, digits and '-', \
                 starting and ending with a letter or digit, at most 63 characters)"
            ),
            DnsSubdomain { value } => write!(f, "{value:?} is not a DNS-1123 subdomain"),
            NoPorts => write!(
                f,
                "declare at least one port (or `port: 8080`), or disable the service"
            ),
            IngressWithoutPort => write!(f, "an Ingress needs a port to route to"),
            IngressWithoutService => {
                write!(f, "an Ingress routes through the client Service: enable it")
            }
            PortName { name } => write!(
                f,
                "{name:?} is not a port name (at most 15 lowercase letters, digits and '-', \
                 with at least one letter)"
            ),
            PortNameTwice { name } => write!(f, "port name {name:?} is declared twice"),
            PortTwice { port } => write!(f, "port {port} is declared twice"),
            Outside { value, bound } => {
                let Bound { min, max, .. } = bound;
                match bound.says {
                    Says::Noun(noun) => write!(f, "{value} is not {noun} ({min} to {max})"),
                    Says::Limits(_) if value < min => write!(f, "must be {min} or more"),
                    Says::Limits(why) => write!(f, "must be at most {max} ({why})"),
                }
            }
            ReservedVolume { name } => {
                write!(f, "{name:?} is reserved for chartgen's own volumes")
            }
            ClaimTwice { name } => write!(f, "claim {name:?} is declared twice"),
            NoSize => write!(f, "must be more than 0"),
            NoAccessMode => write!(f, "name at least one access mode"),
            Negative { quantity } => write!(f, "{quantity:?} is negative"),
            Quantity { quantity, meant } => {
                write!(f, "{quantity:?} is not a Kubernetes quantity")?;
                match meant {
                    Some(meant) => write!(f, " (did you mean {meant:?}?)"),
                    None => Ok(()),
                }
            }
            OverLimit { request, limit } => {
                write!(f, "{request:?} is more than its limit {limit}")
            }
            ProbeKind => write!(
                f,
                "set exactly one of `http` (a path), `tcp: true`, `exec` (a command), `grpc`"
            ),
            EmptyCommand => write!(f, "command is empty"),
            SuccessThreshold => write!(f, "must be 1 for liveness and startup probes"),
            NoPortToProbe => write!(f, "there is no port to probe: declare one, or use `exec`"),
            NoSuchPort { name } => write!(f, "no port named {name:?} is declared"),
            RollingUpdateOnly => write!(f, "only applies to `type: RollingUpdate`"),
            Partition { replicas } => {
                write!(f, "must be between 0 and replicas ({replicas})")
            }
            MaxUnavailable { bound } => write!(
                f,
                "must be a number of pods ({} to {}) or a percentage such as \"25%\"",
                bound.min, bound.max
            ),
            NodePortType => write!(
                f,
                "only applies to `type: NodePort` or `type: LoadBalancer`"
            ),
            SecretKeyTwice { key, first } => {
                write!(f, "key {key:?} of the Secret is already used by `{first}`")
            }
            SecretValue => write!(
                f,
                "a secret's value would be written into the chart: use `generate: true`, \
                 give it at install time (--set secrets.NAME=...) or use existingSecret; \
                 add `notSecret: true` if it is not secret"
            ),
            EmptyValue => write!(
                f,
                "an empty value is no default: leave `value` out, and give it at install time"
            ),
            GivenAndGenerated => write!(f, "a value cannot be both given and generated"),
            FileName { file } => write!(
                f,
                "{file:?} is not a file name (letters, digits, '-', '_', '.')"
            ),
            MountFolder { path } => write!(
                f,
                "{path:?} is not a folder chartgen can mount (letters, digits, '/', '.', '_' \
                 and '-', below the root, each part a name: no '.', '..' or '//')"
            ),
            RelativePath { path } => write!(f, "{path:?} is not an absolute path"),
            TmpMounted => write!(f, "every chart mounts an emptyDir at /tmp already"),
            MountedTwice { path, first } => {
                write!(f, "{path:?} is already mounted by `{first}`")
            }
            HookNameLength { max } => write!(
                f,
                "is longer than {max} characters (it ends the Job's name)"
            ),
            HookTwice { name } => write!(f, "hook {name:?} is declared twice"),
            NoEvent => write!(f, "name at least one event (e.g. pre-install)"),
            NoDeletePolicy => write!(f, "name at least one policy (e.g. before-hook-creation)"),
            NoSuchSecret { name } => write!(f, "no secret named {name:?} is declared"),
            SecretIsFile { secret } => write!(
                f,
                "`{secret}` is mounted as a file; hooks read secrets as variables"
            ),
            EnvName { name } => write!(
                f,
                "{name:?} is not an environment variable name ({ENV_NAME})"
            ),
            VariableTwice { name, first } => {
                write!(f, "variable {name:?} is already set by `{first}`")
            }
            EnvSourceCount => write!(
                f,
                "set exactly one of `secretKeyRef`, `configMapKeyRef`, `fieldRef`, \
                 `resourceFieldRef`"
            ),
            PodField { path, fields } => write!(
                f,
                "{path:?} is not a pod field Kubernetes exposes as a variable ({}, or \
                 metadata.labels['KEY'], metadata.annotations['KEY'])",
                fields.join(", ")
            ),
            PodFieldVersion { version } => write!(
                f,
                "{version:?} is not \"v1\", the only version of pod fields"
            ),
            ContainerResource {
                resource,
                resources,
                prefixes,
            } => {
                let sized = prefixes.iter().map(|p| format!("{p}<size>"));
                let names: Vec<String> = resources
                    .iter()
                    .map(|r| r.to_string())
                    .chain(sized)
                    .collect();
                write!(
                    f,
                    "{resource:?} is not a container resource Kubernetes exposes ({})",
                    names.join(", ")
                )
            }
            Divisor {
                divisor,
                resource,
                divisors,
            } => write!(
                f,
                "{divisor:?} is not a divisor of {resource} ({})",
                divisors.join(", ")
            ),
            EnvFromCount => write!(f, "set exactly one of `secretRef`, `configMapRef`"),
            EnvPrefix { prefix } => {
                write!(f, "{prefix:?} does not start a variable name ({ENV_NAME})")
            }
            ConfigKey { key } => write!(
                f,
                "{key:?} is not a Secret or ConfigMap key (letters, digits, '-', '_', '.')"
            ),
            MinAndMaxAvailable => write!(f, "set minAvailable or maxUnavailable, not both"),
            DisruptionCount => write!(
                f,
                "must be a number of pods (0 or more) or a percentage such as \"50%\""
            ),
            UrlPath { path } => write!(
                f,
                "{path:?} is not an absolute URL path (start it with '/')"
            ),
            Duration { duration } => write!(
                f,
                "{duration:?} is not a duration such as \"30s\" or \"1m\""
            ),
            NoStorage => write!(f, "there is no storage to give permissions on"),
            KubeVersionConstraint { text, problem } => write!(
                f,
                "{text:?} is not a Helm kubeVersion constraint: {problem}"
            ),
            NoKubeRelease { text } => write!(f, "{text:?} admits no Kubernetes 1.x release"),
            NoHost => write!(f, "name at least one host"),
        }
    }
}

/// Something in a spec that works, but maybe not as meant.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(strum::EnumCount))]
pub enum Warning {
    /// `latest` changes under a running release.
    LatestTag,
    /// No tag: the image is pulled by the chart's appVersion.
    NoTag,
    /// A tag and no digest: a tag can be pushed again.
    NoDigest,
    /// A quantity that parses, most likely in another unit than meant.
    UnitDoubt {
        quantity: String,
        unit: Unit,
        value: f64,
        meant: String,
    },
    /// A node port outside the range clusters hand out by default.
    NodePortRange { port: i64, first: i64, last: i64 },
    /// A pre-install hook reads the chart's Secret, created after it runs.
    PreInstallSecrets,
    /// A kubeVersion constraint that refuses the pre-release versions managed clusters report.
    NoPrereleases { text: String, oldest: KubeVersion },
    /// A field the oldest cluster kubeVersion admits drops unless a feature gate is on.
    GatedBelow {
        text: String,
        oldest: KubeVersion,
        gated: GatedField,
        fallback: Fallback,
    },
    /// A field no released Kubernetes keeps by default yet.
    Gated {
        gated: GatedField,
        fallback: Fallback,
    },
    /// Vault's agent injector is asked for, and the pods mount no token to log in with.
    VaultToken { token_volume: &'static str },
}

/// What a cluster does in place of a field it drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    OneAtATime,
    ClaimsKept,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Warning::*;
        let fallback = |fallback: &Fallback| match fallback {
            Fallback::OneAtATime => "pods are replaced one at a time",
            Fallback::ClaimsKept => "claims are kept whatever the policy says",
        };
        match self {
            LatestTag => write!(
                f,
                "\"latest\" changes under a running release: pods started at different times \
                 run different images, and a rollback cannot go back; pin a version tag, or \
                 `digest: sha256:...`"
            ),
            NoTag => write!(
                f,
                "no tag: the image is pulled by the chart's appVersion; set `image.tag`, and \
                 pin it with `image.digest`"
            ),
            NoDigest => write!(
                f,
                "a tag can be pushed again: pin the image it names now with `image.digest: \
                 sha256:...`"
            ),
            UnitDoubt {
                quantity,
                unit: Unit::Bytes,
                value,
                meant,
            } => write!(
                f,
                "{quantity:?} is {value} bytes ('m' is milli); did you mean {meant:?}?"
            ),
            UnitDoubt {
                quantity,
                unit: Unit::Cores,
                value,
                meant,
            } => write!(
                f,
                "{quantity:?} is {value} CPU cores; did you mean {meant:?} (millicores)?"
            ),
            NodePortRange { port, first, last } => write!(
                f,
                "{port} is outside the node port range clusters have by default \
                 ({first}-{last}): the API server takes it only if its \
                 --service-node-port-range includes it"
            ),
            PreInstallSecrets => write!(
                f,
                "a pre-install hook runs before the chart's Secret exists: its pod waits for \
                 it until the install times out, unless existingSecret names a Secret that \
                 exists"
            ),
            NoPrereleases { text, oldest } => write!(
                f,
                "EKS and GKE report versions such as v{oldest}.4-eks-1a2b3c4, which Helm \
                 takes for pre-releases that {text:?} does not admit: `helm install` \
                 refuses the chart there. Admit them with a pre-release on the lower \
                 bound (e.g. \">={oldest}.0-0\")"
            ),
            GatedBelow {
                text,
                oldest,
                gated,
                fallback: then,
            } => write!(
                f,
                "kubeVersion {text:?} admits Kubernetes {oldest}, which drops it unless \
                 {gated} is on: there, {}",
                fallback(then)
            ),
            Gated {
                gated,
                fallback: then,
            } => {
                let needed = gated.on_by_default;
                write!(
                    f,
                    "Kubernetes drops it unless {gated} is on: there, {}. Once every cluster \
                     you target runs {needed} or newer, say so: `kubeVersion: \
                     \">={needed}.0-0\"`",
                    fallback(then)
                )
            }
            VaultToken { token_volume } => write!(
                f,
                "the Vault agent injector logs in with the pod's ServiceAccount token, which \
                 these pods do not mount: set `serviceAccount: {{automount: true}}`, or name a \
                 projected token volume (values.yaml `extraVolumes`) in `{token_volume}`"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::{STATEFULSET_CLAIM_RETENTION, STATEFULSET_MAX_UNAVAILABLE};
    use crate::bounds;

    fn s(text: &str) -> String {
        text.to_string()
    }

    #[test]
    fn a_problem_of_the_document_is_worded_by_its_kind() {
        assert_worded([
            (Kind::TooDeep { max: 64 }, "nested more than 64 levels deep"),
            (
                Kind::RepeatedKey,
                "this key appears twice in its mapping; YAML keeps only one",
            ),
            (
                Kind::Shape(Shape::Missing { key: s("size") }),
                "missing field `size`",
            ),
            (
                Kind::Parser(s("did not find expected key")),
                "did not find expected key",
            ),
            (Kind::Invalid(Invalid::NoHost), "name at least one host"),
            (
                Kind::Warning(Warning::PreInstallSecrets),
                "a pre-install hook runs before the chart's Secret exists: its pod waits for it until the install times out, unless existingSecret names a Secret that exists",
            ),
        ]);
    }

    /// Each case worded as said, and every variant of `K` among the cases: a new kind of
    /// problem fails here until its words are written down.
    fn assert_worded<K: fmt::Display + fmt::Debug + strum::EnumCount>(
        cases: impl IntoIterator<Item = (K, &'static str)>,
    ) {
        let mut variants = std::collections::HashSet::new();
        for (kind, words) in cases {
            assert_eq!(kind.to_string(), words, "{kind:?}");
            variants.insert(std::mem::discriminant(&kind));
        }
        assert_eq!(variants.len(), K::COUNT, "a kind has no case");
    }

    /// Each kind of problem, with the words a person reads about it.
    #[test]
    fn every_problem_is_worded_by_its_kind() {
        use Invalid::*;
        let cases = [
            (
                ChartName { name: s("My") },
                "\"My\" is not a chart name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 53 characters)",
            ),
            (
                NameTooLong { length: 54 },
                "is 54 characters long; at most 53 fit in Kubernetes names",
            ),
            (
                SemVer { version: s("1.0") },
                "\"1.0\" is not a SemVer 2 version (e.g. \"0.1.0\")",
            ),
            (
                LabelValue { version: s("1+b") },
                "\"1+b\" cannot be the `app.kubernetes.io/version` label of the chart's objects (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
            ),
            (
                ImageRepository { repository: s("A") },
                "\"A\" is not an image repository (e.g. \"ghcr.io/acme/app\")",
            ),
            (
                ImageTag { tag: s(".x") },
                "\".x\" is not an image tag (letters, digits, '_', '.', '-'; at most 128)",
            ),
            (
                ImageDigest { digest: s("md5") },
                "\"md5\" is not an image digest (e.g. \"sha256:<64 hex digits>\")",
            ),
            (
                TagOrAppVersion,
                "set `image.tag` or `appVersion` (the tag defaults to appVersion)",
            ),
            (
                HookImageUnpinned {
                    repository: s("busybox"),
                },
                "\"busybox\" has no tag or digest: set `tag` or `digest` (a chart pins what it runs)",
            ),
            (
                HookPullSecrets,
                "hook pods pull with the app's `image.pullSecrets`: list them there",
            ),
            (Empty, "must not be empty"),
            (
                Alias { alias: s("a.b") },
                "\"a.b\" is not an alias Helm takes (letters, digits, '_' and '-')",
            ),
            (
                DnsLabel { value: s("A") },
                "\"A\" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
            ),
            (
                DnsSubdomain { value: s("a_b") },
                "\"a_b\" is not a DNS-1123 subdomain",
            ),
            (
                NoPorts,
                "declare at least one port (or `port: 8080`), or disable the service",
            ),
            (IngressWithoutPort, "an Ingress needs a port to route to"),
            (
                IngressWithoutService,
                "an Ingress routes through the client Service: enable it",
            ),
            (
                PortName { name: s("8080") },
                "\"8080\" is not a port name (at most 15 lowercase letters, digits and '-', with at least one letter)",
            ),
            (
                PortNameTwice { name: s("http") },
                "port name \"http\" is declared twice",
            ),
            (PortTwice { port: 80 }, "port 80 is declared twice"),
            (
                Outside {
                    value: 0,
                    bound: bounds::PORT,
                },
                "0 is not a port number (1 to 65535)",
            ),
            (
                Outside {
                    value: -1,
                    bound: bounds::COUNT,
                },
                "must be 0 or more",
            ),
            (
                Outside {
                    value: 2147483648,
                    bound: bounds::COUNT,
                },
                "must be at most 2147483647 (Kubernetes keeps it as a 32-bit integer)",
            ),
            (
                ReservedVolume { name: s("tmp") },
                "\"tmp\" is reserved for chartgen's own volumes",
            ),
            (
                ClaimTwice { name: s("data") },
                "claim \"data\" is declared twice",
            ),
            (NoSize, "must be more than 0"),
            (NoAccessMode, "name at least one access mode"),
            (
                Negative {
                    quantity: s("-1Gi"),
                },
                "\"-1Gi\" is negative",
            ),
            (
                Quantity {
                    quantity: s("10Gb"),
                    meant: Some(s("10Gi")),
                },
                "\"10Gb\" is not a Kubernetes quantity (did you mean \"10Gi\"?)",
            ),
            (
                Quantity {
                    quantity: s("lots"),
                    meant: None,
                },
                "\"lots\" is not a Kubernetes quantity",
            ),
            (
                OverLimit {
                    request: s("1Gi"),
                    limit: s("512Mi"),
                },
                "\"1Gi\" is more than its limit 512Mi",
            ),
            (
                ProbeKind,
                "set exactly one of `http` (a path), `tcp: true`, `exec` (a command), `grpc`",
            ),
            (EmptyCommand, "command is empty"),
            (
                SuccessThreshold,
                "must be 1 for liveness and startup probes",
            ),
            (
                NoPortToProbe,
                "there is no port to probe: declare one, or use `exec`",
            ),
            (
                NoSuchPort { name: s("admin") },
                "no port named \"admin\" is declared",
            ),
            (RollingUpdateOnly, "only applies to `type: RollingUpdate`"),
            (
                Partition { replicas: 3 },
                "must be between 0 and replicas (3)",
            ),
            (
                MaxUnavailable {
                    bound: bounds::POSITIVE,
                },
                "must be a number of pods (1 to 2147483647) or a percentage such as \"25%\"",
            ),
            (
                NodePortType,
                "only applies to `type: NodePort` or `type: LoadBalancer`",
            ),
            (
                SecretKeyTwice {
                    key: s("token"),
                    first: s("secrets[0].key"),
                },
                "key \"token\" of the Secret is already used by `secrets[0].key`",
            ),
            (
                SecretValue,
                "a secret's value would be written into the chart: use `generate: true`, give it at install time (--set secrets.NAME=...) or use existingSecret; add `notSecret: true` if it is not secret",
            ),
            (
                EmptyValue,
                "an empty value is no default: leave `value` out, and give it at install time",
            ),
            (
                GivenAndGenerated,
                "a value cannot be both given and generated",
            ),
            (
                FileName { file: s("a b") },
                "\"a b\" is not a file name (letters, digits, '-', '_', '.')",
            ),
            (
                MountFolder { path: s("/.") },
                "\"/.\" is not a folder chartgen can mount (letters, digits, '/', '.', '_' and '-', below the root, each part a name: no '.', '..' or '//')",
            ),
            (
                RelativePath { path: s("run/a") },
                "\"run/a\" is not an absolute path",
            ),
            (TmpMounted, "every chart mounts an emptyDir at /tmp already"),
            (
                MountedTwice {
                    path: s("/data"),
                    first: s("storage[0].mountPath"),
                },
                "\"/data\" is already mounted by `storage[0].mountPath`",
            ),
            (
                HookNameLength { max: 30 },
                "is longer than 30 characters (it ends the Job's name)",
            ),
            (HookTwice { name: s("m") }, "hook \"m\" is declared twice"),
            (NoEvent, "name at least one event (e.g. pre-install)"),
            (
                NoDeletePolicy,
                "name at least one policy (e.g. before-hook-creation)",
            ),
            (
                NoSuchSecret { name: s("A") },
                "no secret named \"A\" is declared",
            ),
            (
                SecretIsFile {
                    secret: s("secrets[1]"),
                },
                "`secrets[1]` is mounted as a file; hooks read secrets as variables",
            ),
            (
                EnvName { name: s("1X") },
                "\"1X\" is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
            ),
            (
                VariableTwice {
                    name: s("TOKEN"),
                    first: s("env.TOKEN"),
                },
                "variable \"TOKEN\" is already set by `env.TOKEN`",
            ),
            (
                EnvSourceCount,
                "set exactly one of `secretKeyRef`, `configMapKeyRef`, `fieldRef`, `resourceFieldRef`",
            ),
            (
                PodField {
                    path: s("spec.x"),
                    fields: &["metadata.name", "spec.nodeName"],
                },
                "\"spec.x\" is not a pod field Kubernetes exposes as a variable (metadata.name, spec.nodeName, or metadata.labels['KEY'], metadata.annotations['KEY'])",
            ),
            (
                PodFieldVersion { version: s("v2") },
                "\"v2\" is not \"v1\", the only version of pod fields",
            ),
            (
                ContainerResource {
                    resource: s("limits.gpu"),
                    resources: &["limits.cpu", "limits.memory"],
                    prefixes: &["limits.hugepages-"],
                },
                "\"limits.gpu\" is not a container resource Kubernetes exposes (limits.cpu, limits.memory, limits.hugepages-<size>)",
            ),
            (
                Divisor {
                    divisor: s("2m"),
                    resource: s("limits.cpu"),
                    divisors: &["1m", "1"],
                },
                "\"2m\" is not a divisor of limits.cpu (1m, 1)",
            ),
            (
                EnvFromCount,
                "set exactly one of `secretRef`, `configMapRef`",
            ),
            (
                EnvPrefix { prefix: s("1X") },
                "\"1X\" does not start a variable name ([A-Za-z_][A-Za-z0-9_]*)",
            ),
            (
                ConfigKey { key: s("a b") },
                "\"a b\" is not a Secret or ConfigMap key (letters, digits, '-', '_', '.')",
            ),
            (
                MinAndMaxAvailable,
                "set minAvailable or maxUnavailable, not both",
            ),
            (
                DisruptionCount,
                "must be a number of pods (0 or more) or a percentage such as \"50%\"",
            ),
            (
                UrlPath { path: s("metrics") },
                "\"metrics\" is not an absolute URL path (start it with '/')",
            ),
            (
                Duration { duration: s("30") },
                "\"30\" is not a duration such as \"30s\" or \"1m\"",
            ),
            (NoStorage, "there is no storage to give permissions on"),
            (
                KubeVersionConstraint {
                    text: s(">= one"),
                    problem: s("\"one\" is not a version"),
                },
                "\">= one\" is not a Helm kubeVersion constraint: \"one\" is not a version",
            ),
            (
                NoKubeRelease {
                    text: s(">=2.0.0-0"),
                },
                "\">=2.0.0-0\" admits no Kubernetes 1.x release",
            ),
            (NoHost, "name at least one host"),
        ];
        assert_worded(cases);
    }

    /// Each kind of warning, with the words a person reads about it.
    #[test]
    fn every_warning_is_worded_by_its_kind() {
        use Warning::*;
        let cases = [
            (
                LatestTag,
                "\"latest\" changes under a running release: pods started at different times run different images, and a rollback cannot go back; pin a version tag, or `digest: sha256:...`",
            ),
            (
                NoTag,
                "no tag: the image is pulled by the chart's appVersion; set `image.tag`, and pin it with `image.digest`",
            ),
            (
                NoDigest,
                "a tag can be pushed again: pin the image it names now with `image.digest: sha256:...`",
            ),
            (
                UnitDoubt {
                    quantity: s("128m"),
                    unit: Unit::Bytes,
                    value: 0.128,
                    meant: s("128Mi"),
                },
                "\"128m\" is 0.128 bytes ('m' is milli); did you mean \"128Mi\"?",
            ),
            (
                UnitDoubt {
                    quantity: s("100Mi"),
                    unit: Unit::Cores,
                    value: 104857600.0,
                    meant: s("100m"),
                },
                "\"100Mi\" is 104857600 CPU cores; did you mean \"100m\" (millicores)?",
            ),
            (
                NodePortRange {
                    port: 8080,
                    first: 30000,
                    last: 32767,
                },
                "8080 is outside the node port range clusters have by default (30000-32767): the API server takes it only if its --service-node-port-range includes it",
            ),
            (
                PreInstallSecrets,
                "a pre-install hook runs before the chart's Secret exists: its pod waits for it until the install times out, unless existingSecret names a Secret that exists",
            ),
            (
                NoPrereleases {
                    text: s(">=1.29"),
                    oldest: KubeVersion::v1(29),
                },
                "EKS and GKE report versions such as v1.29.4-eks-1a2b3c4, which Helm takes for pre-releases that \">=1.29\" does not admit: `helm install` refuses the chart there. Admit them with a pre-release on the lower bound (e.g. \">=1.29.0-0\")",
            ),
            (
                GatedBelow {
                    text: s(">=1.26.0-0"),
                    oldest: KubeVersion::v1(26),
                    gated: STATEFULSET_CLAIM_RETENTION,
                    fallback: Fallback::ClaimsKept,
                },
                "kubeVersion \">=1.26.0-0\" admits Kubernetes 1.26, which drops it unless the StatefulSetAutoDeletePVC feature gate (on by default from Kubernetes 1.27; GA in 1.32) is on: there, claims are kept whatever the policy says",
            ),
            (
                Gated {
                    gated: STATEFULSET_MAX_UNAVAILABLE,
                    fallback: Fallback::OneAtATime,
                },
                "Kubernetes drops it unless the MaxUnavailableStatefulSet feature gate (on by default from Kubernetes 1.35; beta) is on: there, pods are replaced one at a time. Once every cluster you target runs 1.35 or newer, say so: `kubeVersion: \">=1.35.0-0\"`",
            ),
            (
                VaultToken {
                    token_volume: "vault.hashicorp.com/agent-service-account-token-volume-name",
                },
                "the Vault agent injector logs in with the pod's ServiceAccount token, which these pods do not mount: set `serviceAccount: {automount: true}`, or name a projected token volume (values.yaml `extraVolumes`) in `vault.hashicorp.com/agent-service-account-token-volume-name`",
            ),
        ];
        assert_worded(cases);
    }
}
