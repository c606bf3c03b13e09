//! Semantic checks of a parsed spec. Every problem is reported, not just the first: each a
//! field, and a kind from `problem` with the facts it needs, worded only when reported.

use std::collections::{HashMap, HashSet};

use crate::apiserver::{STATEFULSET_CLAIM_RETENTION, STATEFULSET_MAX_UNAVAILABLE};
use crate::bounds::{self, Bound};
use crate::error::{Error, Problem};
use crate::kube_range::KubeRange;
use crate::load::SpecFile;
use crate::locate::{index, join, positions};
use crate::problem::{Fallback, Invalid, Kind, Warning};
use crate::quantity::{self, Quantity, Unit};
use crate::spec::*;

/// Helm release names are at most 53 characters; a chart name longer than that cannot be
/// part of a 63-character resource name with room for the release.
pub const MAX_NAME: usize = 53;
/// Hook Jobs are named `<release fullname>-<hook>` within 63 characters.
const MAX_HOOK_NAME: usize = 30;
/// The node ports a cluster hands out unless its `--service-node-port-range` says otherwise.
const DEFAULT_NODE_PORTS: std::ops::RangeInclusive<i64> = 30000..=32767;
/// The pod annotation that asks Vault's agent injector for a sidecar.
const VAULT_INJECT: &str = "vault.hashicorp.com/agent-inject";
/// The pod annotation naming the volume that holds the token the Vault agent logs in with.
const VAULT_TOKEN_VOLUME: &str = "vault.hashicorp.com/agent-service-account-token-volume-name";
/// Why an image needs a tag or digest: the hint `chartgen new --image` and hook images share.
pub const PINNED: &str = "a chart pins what it runs";
/// Pod fields Kubernetes exposes as environment variables (`fieldRef`), besides single labels
/// and annotations (`metadata.labels['KEY']`).
const POD_FIELDS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];
/// Container resources Kubernetes exposes as environment variables (`resourceFieldRef`).
const CONTAINER_RESOURCES: [&str; 6] = [
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
];
/// Prefixes of the huge page resources Kubernetes exposes too (`limits.hugepages-2Mi`).
const HUGE_PAGES: [&str; 2] = ["limits.hugepages-", "requests.hugepages-"];
/// The divisors Kubernetes takes for a CPU, and for a memory or storage, `resourceFieldRef`.
const CPU_DIVISORS: [&str; 2] = ["1m", "1"];
const BYTE_DIVISORS: [&str; 13] = [
    "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
];
/// Volume names the StatefulSet template uses itself.
const RESERVED_VOLUMES: [&str; 4] = ["tmp", "config", "secret-files", "empty-dirs"];

/// Checks the spec; on success returns the warnings (things that work, but maybe not as meant).
pub fn validate(file: &SpecFile) -> Result<Vec<Problem>, Error> {
    let mut check = Checker::default();
    check.spec(&file.spec);
    if check.problems.is_empty() {
        return Ok(located(file, check.warnings));
    }
    Err(Error::spec(
        &file.path,
        &quotable_text(file),
        located(file, check.problems),
    ))
}

/// The problems of a spec's values, positioned, without its warnings: for a spec whose shape
/// was repaired, to report them together with the shape's.
pub fn value_problems(file: &SpecFile) -> Vec<Problem> {
    let mut check = Checker::default();
    check.spec(&file.spec);
    located(file, check.problems)
}

/// The spec's text as an error may quote it: the line of each secret `value` is cut where the
/// value starts, so that no snippet shows it (`chartgen diff` hides secret values likewise).
pub fn quotable_text(file: &SpecFile) -> String {
    let secret = |s: &SecretVar| s.value.is_some() && !s.not_secret;
    if !file.spec.secrets.iter().any(secret) {
        return file.text.clone();
    }
    let positions = positions(&file.text);
    // Line → the column of its first secret value (a flow list may hold several).
    let mut cuts: HashMap<usize, usize> = HashMap::new();
    for (i, _) in file
        .spec
        .secrets
        .iter()
        .enumerate()
        .filter(|(_, s)| secret(s))
    {
        if let Some(pos) = positions.value(&join(&index("secrets", i), "value")) {
            let col = cuts.entry(pos.line).or_insert(pos.col);
            *col = pos.col.min(*col);
        }
    }
    let mut out = String::with_capacity(file.text.len());
    for (i, line) in file.text.lines().enumerate() {
        match cuts.get(&(i + 1)) {
            Some(col) => {
                out.extend(line.chars().take(col.saturating_sub(1)));
                out.push_str("(hidden)");
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Attaches positions, and sorts in file order, as the user reads the spec. The text is only
/// parsed for positions when there is something to place: most specs have nothing to report.
fn located<K: Into<Kind>>(file: &SpecFile, found: Vec<Finding<K>>) -> Vec<Problem> {
    if found.is_empty() {
        return Vec::new();
    }
    let positions = positions(&file.text);
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|found| Problem {
            pos: match found.part {
                Part::Value => positions.value(&found.field),
                Part::Key => positions.key(&found.field),
            },
            field: found.field,
            kind: found.kind.into(),
        })
        .collect();
    problems.sort_by_key(|p| p.pos.map(|pos| (pos.line, pos.col)));
    problems
}

/// One problem or warning (its kind `K`), before it is placed in the file.
struct Finding<K> {
    field: String,
    part: Part,
    kind: K,
}

/// What of a field a finding is about: its value, or its key (the name of a variable).
#[derive(Clone, Copy)]
enum Part {
    Value,
    Key,
}

#[derive(Default)]
struct Checker {
    problems: Vec<Finding<Invalid>>,
    warnings: Vec<Finding<Warning>>,
}

impl Checker {
    fn fail(&mut self, field: impl Into<String>, kind: Invalid) {
        self.fail_at(Part::Value, field, kind);
    }

    fn fail_at(&mut self, part: Part, field: impl Into<String>, kind: Invalid) {
        self.problems.push(Finding {
            field: field.into(),
            part,
            kind,
        });
    }

    /// An integer within the range the Kubernetes API takes: past it the API refuses the
    /// object, or a per-pod loop over a huge replica count runs Helm out of memory.
    fn bound(&mut self, field: &str, value: i64, bound: &Bound) {
        if !bound.contains(value) {
            self.fail(
                field,
                Invalid::Outside {
                    value,
                    bound: *bound,
                },
            );
        }
    }

    fn warn(&mut self, field: impl Into<String>, kind: Warning) {
        self.warnings.push(Finding {
            field: field.into(),
            part: Part::Value,
            kind,
        });
    }

    fn require(&mut self, ok: bool, field: &str, kind: impl FnOnce() -> Invalid) {
        if !ok {
            self.fail(field, kind());
        }
    }

    fn spec(&mut self, spec: &Spec) {
        self.name(&spec.name);
        let version = spec.chart_version();
        self.require(is_semver(version), "version", || Invalid::SemVer {
            version: version.into(),
        });
        if let Some(version) = &spec.app_version {
            // Helm also turns whitespace and unprintable characters of Chart.yaml into spaces.
            self.require(is_label_value(version), "appVersion", || {
                Invalid::LabelValue {
                    version: version.clone(),
                }
            });
        }
        self.image("image", &spec.image);
        if let Some(warning) = image_warning(&spec.image) {
            self.warn(warning_field("image", &spec.image), warning);
        }
        self.require(
            spec.image.tag.is_some() || spec.app_version.is_some(),
            "image.tag",
            || Invalid::TagOrAppVersion,
        );
        let ports = spec.all_ports();
        self.ports(spec, &ports);
        self.bound("replicas", spec.replicas, &bounds::COUNT);
        self.storage(&spec.storage);
        self.probes(&spec.probes, &ports);
        self.strategy(&spec.strategy, spec.replicas);
        self.service(&spec.service, &ports);
        self.environment(spec);
        self.env_sources("env", &spec.env);
        self.env_from("envFrom", &spec.env_from);
        self.mount_paths(spec);
        self.hooks(spec);
        if let Some(resources) = &spec.resources {
            self.resources("resources", resources);
        }
        if let Some(name) = &spec.service_account.name {
            self.dns_subdomain("serviceAccount.name", name);
        }
        if let Some(ingress) = &spec.ingress {
            self.ingress(ingress);
        }
        self.extras(spec, &ports);
        self.kube_objects(spec);
        self.vault(spec);
        self.kube_versions(spec);
        for (i, dep) in spec.dependencies.iter().enumerate() {
            let at = index("dependencies", i);
            self.require(!dep.name.is_empty(), &join(&at, "name"), || Invalid::Empty);
            self.require(!dep.version.is_empty(), &join(&at, "version"), || {
                Invalid::Empty
            });
            if let Some(alias) = &dep.alias {
                // Helm's own rule (`^[a-zA-Z0-9_-]+$`); it refuses the chart otherwise.
                let ok = !alias.is_empty()
                    && alias
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                self.require(ok, &join(&at, "alias"), || Invalid::Alias {
                    alias: alias.clone(),
                });
            }
        }
    }

    fn name(&mut self, name: &str) {
        self.require(is_dns_label(name), "name", || Invalid::ChartName {
            name: name.into(),
        });
        self.require(name.len() <= MAX_NAME, "name", || Invalid::NameTooLong {
            length: name.len(),
        });
    }

    fn dns_label(&mut self, field: &str, value: &str) {
        self.require(is_dns_label(value), field, || Invalid::DnsLabel {
            value: value.into(),
        });
    }

    fn dns_subdomain(&mut self, field: &str, value: &str) {
        let ok = value.len() <= 253 && value.split('.').all(is_dns_label);
        self.require(ok, field, || Invalid::DnsSubdomain {
            value: value.into(),
        });
    }

    fn image(&mut self, at: &str, image: &Image) {
        let repo = &image.repository;
        self.require(is_image_repository(repo), &join(at, "repository"), || {
            Invalid::ImageRepository {
                repository: repo.clone(),
            }
        });
        if let Some(tag) = &image.tag {
            self.require(is_image_tag(tag), &join(at, "tag"), || Invalid::ImageTag {
                tag: tag.clone(),
            });
        }
        if let Some(digest) = &image.digest {
            self.require(is_digest(digest), &join(at, "digest"), || {
                Invalid::ImageDigest {
                    digest: digest.clone(),
                }
            });
        }
        for (i, secret) in image.pull_secrets.iter().enumerate() {
            self.dns_subdomain(&index(&join(at, "pullSecrets"), i), secret);
        }
    }

    fn ports(&mut self, spec: &Spec, ports: &[Port]) {
        if ports.is_empty() && spec.service.enabled {
            self.fail("ports", Invalid::NoPorts);
        }
        if ports.is_empty() && spec.ingress.is_some() {
            self.fail("ingress", Invalid::IngressWithoutPort);
        }
        if !spec.service.enabled && spec.ingress.is_some() {
            self.fail("ingress", Invalid::IngressWithoutService);
        }
        if let Some(port) = spec.port {
            self.port_number("port", port);
        }
        let mut names = HashSet::new();
        let mut numbers = HashSet::new();
        let offset = usize::from(spec.port.is_some());
        // The `port:` shorthand takes part in the uniqueness checks without being reported.
        for port in ports.iter().take(offset) {
            names.insert(port.name.clone());
            numbers.insert((port.port, port.protocol));
        }
        for (i, port) in ports.iter().enumerate().skip(offset) {
            let at = index("ports", i - offset);
            self.require(is_port_name(&port.name), &join(&at, "name"), || {
                Invalid::PortName {
                    name: port.name.clone(),
                }
            });
            self.port_number(&join(&at, "port"), port.port);
            if !names.insert(port.name.clone()) {
                let name = port.name.clone();
                self.fail(join(&at, "name"), Invalid::PortNameTwice { name });
            }
            if !numbers.insert((port.port, port.protocol)) {
                let port = port.port;
                self.fail(join(&at, "port"), Invalid::PortTwice { port });
            }
        }
    }

    fn port_number(&mut self, field: &str, port: i64) {
        self.bound(field, port, &bounds::PORT);
    }

    fn storage(&mut self, claims: &[Claim]) {
        let mut names = HashSet::new();
        for (i, claim) in claims.iter().enumerate() {
            let at = index("storage", i);
            self.dns_label(&join(&at, "name"), &claim.name);
            self.require(
                !RESERVED_VOLUMES.contains(&claim.name.as_str()),
                &join(&at, "name"),
                || Invalid::ReservedVolume {
                    name: claim.name.clone(),
                },
            );
            if !names.insert(claim.name.as_str()) {
                let name = claim.name.clone();
                self.fail(join(&at, "name"), Invalid::ClaimTwice { name });
            }
            if self.quantity(&join(&at, "size"), &claim.size, Some(Unit::Bytes))
                == Some(Quantity::ZERO)
            {
                self.fail(join(&at, "size"), Invalid::NoSize);
            }
            if let Some(class) = &claim.storage_class {
                self.dns_subdomain(&join(&at, "storageClass"), class);
            }
            self.require(
                !claim.access_modes.is_empty(),
                &join(&at, "accessModes"),
                || Invalid::NoAccessMode,
            );
        }
    }

    /// A quantity, of `unit` when it has one (a count has none): a quantity that parses but
    /// is most likely in another unit is a warning.
    fn quantity(&mut self, field: &str, value: &str, unit: Option<Unit>) -> Option<Quantity> {
        if let Some(unit) = unit
            && let Some(doubt) = quantity::doubt(value, unit)
        {
            let warning = Warning::UnitDoubt {
                quantity: value.into(),
                unit,
                value: doubt.value,
                meant: doubt.meant,
            };
            self.warn(field, warning);
        }
        match quantity::parse_as(value, unit.unwrap_or(Unit::Bytes)) {
            Ok(q) if q < Quantity::ZERO => {
                let quantity = value.into();
                self.fail(field, Invalid::Negative { quantity });
                None
            }
            Ok(q) => Some(q),
            Err(quantity::NotAQuantity { meant }) => {
                let quantity = value.into();
                self.fail(field, Invalid::Quantity { quantity, meant });
                None
            }
        }
    }

    fn probes(&mut self, probes: &Probes, ports: &[Port]) {
        // Kubernetes takes a successThreshold other than 1 from readiness probes only.
        let all = [
            (
                "probes.liveness",
                ProbeChoice::given(&probes.liveness),
                false,
            ),
            (
                "probes.readiness",
                ProbeChoice::given(&probes.readiness),
                true,
            ),
            ("probes.startup", probes.startup.as_ref(), false),
        ];
        for (at, probe, counts_successes) in all {
            if let Some(probe) = probe {
                self.probe(at, probe, counts_successes, ports);
            }
        }
    }

    fn probe(&mut self, at: &str, probe: &Probe, counts_successes: bool, ports: &[Port]) {
        let kinds = [
            probe.http.is_some(),
            probe.tcp == Some(true),
            probe.exec.is_some(),
            probe.grpc.is_some(),
        ];
        let count = kinds.iter().filter(|k| **k).count();
        self.require(count == 1, at, || Invalid::ProbeKind);
        if let Some(path) = &probe.http {
            self.require(path.starts_with('/'), &join(at, "http"), || {
                Invalid::UrlPath { path: path.clone() }
            });
        }
        if let Some(command) = &probe.exec {
            self.require(!command.is_empty(), &join(at, "exec"), || {
                Invalid::EmptyCommand
            });
        }
        if probe.exec.is_none() {
            self.probe_port(at, probe, ports);
        }
        for (key, value, bound) in probe.timings() {
            if let Some(value) = value {
                self.bound(&join(at, key), value, bound);
            }
        }
        if let Some(threshold) = probe.success_threshold
            && threshold != 1
            && !counts_successes
        {
            self.fail(join(at, "successThreshold"), Invalid::SuccessThreshold);
        }
    }

    fn probe_port(&mut self, at: &str, probe: &Probe, ports: &[Port]) {
        let field = join(at, "port");
        match &probe.port {
            None if ports.is_empty() => {
                self.fail(at, Invalid::NoPortToProbe);
            }
            Some(PortRef::Name(name)) if !ports.iter().any(|p| &p.name == name) => {
                let name = name.clone();
                self.fail(field, Invalid::NoSuchPort { name });
            }
            Some(PortRef::Number(n)) => self.port_number(&field, *n),
            _ => {}
        }
    }

    fn strategy(&mut self, strategy: &Strategy, replicas: i64) {
        let rolling = strategy.kind == StrategyKind::RollingUpdate;
        if let Some(partition) = strategy.partition {
            self.require(rolling, "strategy.partition", || Invalid::RollingUpdateOnly);
            // Within replicas, itself within int32.
            self.require(
                (0..=replicas.max(0)).contains(&partition),
                "strategy.partition",
                || Invalid::Partition { replicas },
            );
        }
        if let Some(max) = &strategy.max_unavailable {
            self.require(rolling, "strategy.maxUnavailable", || {
                Invalid::RollingUpdateOnly
            });
            let bound = bounds::POSITIVE;
            let ok = match max {
                IntOrPercent::Int(n) => bound.contains(*n),
                IntOrPercent::Percent(p) => is_percent(p),
            };
            self.require(ok, "strategy.maxUnavailable", || Invalid::MaxUnavailable {
                bound,
            });
        }
    }

    fn service(&mut self, service: &Service, ports: &[Port]) {
        if let Some(port) = service.port {
            self.port_number("service.port", port);
        }
        if let Some(target) = &service.target_port {
            self.require(
                ports.iter().any(|p| &p.name == target),
                "service.targetPort",
                || Invalid::NoSuchPort {
                    name: target.clone(),
                },
            );
        }
        if let Some(node_port) = service.node_port {
            self.require(
                service.kind != ServiceType::ClusterIP,
                "service.nodePort",
                || Invalid::NodePortType,
            );
            self.port_number("service.nodePort", node_port);
            if bounds::PORT.contains(node_port) && !DEFAULT_NODE_PORTS.contains(&node_port) {
                let warning = Warning::NodePortRange {
                    port: node_port,
                    first: *DEFAULT_NODE_PORTS.start(),
                    last: *DEFAULT_NODE_PORTS.end(),
                };
                self.warn("service.nodePort", warning);
            }
        }
    }

    fn environment(&mut self, spec: &Spec) {
        let config_env = spec.config.iter().flat_map(|c| c.env.keys());
        let names = spec
            .env
            .keys()
            .map(|k| (join("env", k), k, Part::Key))
            .chain(
                spec.secrets
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (join(&index("secrets", i), "name"), &s.name, Part::Value)),
            )
            .chain(config_env.map(|k| (join("config.env", k), k, Part::Key)));
        self.unique_env_names(names.map(|(field, name, part)| (field, name.as_str(), part)));
        // Each secret's key of the Secret, where it was set, and whether `key` set it.
        let mut keys: HashMap<&str, (String, bool)> = HashMap::new();
        for (i, secret) in spec.secrets.iter().enumerate() {
            let at = index("secrets", i);
            let keyed = secret.key.is_some();
            let field = join(&at, if keyed { "key" } else { "name" });
            self.key(&field, secret.key());
            // Two secrets keyed by their names are one variable twice, reported as such.
            match keys.get(secret.key()) {
                Some((first, first_keyed)) if keyed || *first_keyed => {
                    let (key, first) = (secret.key().into(), first.clone());
                    self.fail(field, Invalid::SecretKeyTwice { key, first });
                }
                Some(_) => {}
                None => {
                    keys.insert(secret.key(), (field, keyed));
                }
            }
            if secret.value.is_some() && !secret.not_secret {
                self.fail(join(&at, "value"), Invalid::SecretValue);
            }
            if secret.not_secret && secret.value.as_deref() == Some("") {
                self.fail(join(&at, "value"), Invalid::EmptyValue);
            }
            if secret.generate && secret.value.is_some() {
                self.fail(join(&at, "generate"), Invalid::GivenAndGenerated);
            }
        }
        if let Some(config) = &spec.config {
            for file in config.files.keys().filter(|file| !is_config_key(file)) {
                let kind = Invalid::FileName { file: file.clone() };
                self.fail_at(Part::Key, join("config.files", file), kind);
            }
        }
    }

    fn mount_paths(&mut self, spec: &Spec) {
        let claims = spec.storage.iter().enumerate().map(|(i, c)| {
            (
                join(&index("storage", i), "mountPath"),
                c.mount_path.clone(),
            )
        });
        let config = spec.config.iter().flat_map(|c| {
            c.files.keys().map(|f| {
                (
                    join("config.files", f),
                    format!("{}/{f}", spec.config_dir(c)),
                )
            })
        });
        let secret_files = spec
            .secrets
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((join(&index("secrets", i), "file"), s.file.clone()?)));
        let empty_dirs = spec
            .empty_dirs
            .iter()
            .enumerate()
            .map(|(i, path)| (index("emptyDirs", i), path.clone()));
        for (i, path) in spec.empty_dirs.iter().enumerate() {
            // Written into the template as a mount path and, trimmed, a subPath: plain
            // characters only, each part a name (no `.`, `..` or `//`), not the root.
            let plain = path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c));
            let inner = path.strip_prefix('/').unwrap_or(path).trim_end_matches('/');
            let parts: Vec<&str> = inner.split('/').collect();
            let ok = plain
                && !path.trim_matches('/').is_empty()
                && !parts.iter().any(|part| matches!(*part, "" | "." | ".."));
            self.require(ok, &index("emptyDirs", i), || Invalid::MountFolder {
                path: path.clone(),
            });
        }
        let mut seen: HashMap<String, String> = HashMap::new();
        for (field, path) in claims.chain(config).chain(secret_files).chain(empty_dirs) {
            self.require(path.starts_with('/'), &field, || Invalid::RelativePath {
                path: path.clone(),
            });
            // The container sees `/data/.` and `//data` as `/data`; the API compares text.
            let path = normalized(&path);
            self.require(path != "/tmp", &field, || Invalid::TmpMounted);
            match seen.get(&path) {
                Some(first) => {
                    let first = first.clone();
                    self.fail(field, Invalid::MountedTwice { path, first });
                }
                None => {
                    seen.insert(path, field);
                }
            }
        }
    }

    fn hooks(&mut self, spec: &Spec) {
        let hooks = &spec.hooks;
        let mut names = HashSet::new();
        for (i, hook) in hooks.iter().enumerate() {
            let at = index("hooks", i);
            self.dns_label(&join(&at, "name"), &hook.name);
            self.require(hook.name.len() <= MAX_HOOK_NAME, &join(&at, "name"), || {
                Invalid::HookNameLength { max: MAX_HOOK_NAME }
            });
            if !names.insert(hook.name.as_str()) {
                let name = hook.name.clone();
                self.fail(join(&at, "name"), Invalid::HookTwice { name });
            }
            self.require(!hook.events.is_empty(), &join(&at, "events"), || {
                Invalid::NoEvent
            });
            self.require(
                !hook.delete_policy.is_empty(),
                &join(&at, "deletePolicy"),
                || Invalid::NoDeletePolicy,
            );
            self.hook_job(&at, spec, hook);
            if let Some(image) = &hook.image {
                self.image(&join(&at, "image"), image);
                // A hook runs once per release event: only `latest` is worth a word.
                if image_warning(image) == Some(Warning::LatestTag) {
                    let at = join(&at, "image");
                    self.warn(warning_field(&at, image), Warning::LatestTag);
                }
                // The app's tag names the app's image: another repository has other tags.
                self.require(
                    image.tag.is_some() || image.digest.is_some(),
                    &join(&at, "image"),
                    || Invalid::HookImageUnpinned {
                        repository: image.repository.clone(),
                    },
                );
                // Hook pods pull with the chart's `imagePullSecrets`, like every pod of it.
                self.require(
                    image.pull_secrets.is_empty(),
                    &join(&join(&at, "image"), "pullSecrets"),
                    || Invalid::HookPullSecrets,
                );
            }
        }
    }

    /// What a hook's Job and pod take beyond its container: env, resources, limits in time.
    fn hook_job(&mut self, at: &str, spec: &Spec, hook: &Hook) {
        let secrets = hook
            .secrets
            .iter()
            .enumerate()
            .map(|(j, name)| (index(&join(at, "secrets"), j), name.as_str(), Part::Value));
        let env = hook
            .env
            .keys()
            .map(|k| (join(&join(at, "env"), k), k.as_str(), Part::Key));
        self.unique_env_names(env.chain(secrets.clone()));
        for (field, name, _) in secrets {
            match spec.secrets.iter().position(|s| s.name == name) {
                None => {
                    let name = name.into();
                    self.fail(field, Invalid::NoSuchSecret { name });
                }
                Some(j) if spec.secrets[j].file.is_some() => {
                    let secret = index("secrets", j);
                    self.fail(field, Invalid::SecretIsFile { secret });
                }
                Some(_) => {}
            }
        }
        // The chart's Secret is created with the release, after pre-install hooks have run.
        if !hook.secrets.is_empty() && hook.events.contains(&HookEvent::PreInstall) {
            self.warn(join(at, "secrets"), Warning::PreInstallSecrets);
        }
        self.env_sources(&join(at, "env"), &hook.env);
        self.env_from(&join(at, "envFrom"), &hook.env_from);
        if let Some(resources) = &hook.resources {
            self.resources(&join(at, "resources"), resources);
        }
        for (key, value, bound) in hook.job_settings() {
            if let Some(value) = value {
                self.bound(&join(at, key), value, bound);
            }
        }
    }

    /// Each variable name valid, and set once.
    fn unique_env_names<'a>(&mut self, names: impl Iterator<Item = (String, &'a str, Part)>) {
        let mut seen: HashMap<&str, String> = HashMap::new();
        for (field, name, part) in names {
            if !is_env_name(name) {
                let kind = Invalid::EnvName { name: name.into() };
                self.fail_at(part, &field, kind);
            }
            match seen.get(name) {
                Some(first) => {
                    let (name, first) = (name.into(), first.clone());
                    self.fail_at(part, field, Invalid::VariableTwice { name, first });
                }
                None => {
                    seen.insert(name, field);
                }
            }
        }
    }

    /// Where variables read their values from, as the API server checks it.
    fn env_sources(&mut self, at: &str, env: &Env) {
        for (name, value) in env {
            let EnvValue::From(source) = value else {
                continue;
            };
            let at = join(at, name);
            let set = [
                source.secret_key_ref.is_some(),
                source.config_map_key_ref.is_some(),
                source.field_ref.is_some(),
                source.resource_field_ref.is_some(),
            ];
            self.require(set.iter().filter(|s| **s).count() == 1, &at, || {
                Invalid::EnvSourceCount
            });
            let keys = [
                ("secretKeyRef", &source.secret_key_ref),
                ("configMapKeyRef", &source.config_map_key_ref),
            ];
            for (kind, selector) in keys {
                if let Some(selector) = selector {
                    let at = join(&at, kind);
                    self.dns_subdomain(&join(&at, "name"), &selector.name);
                    self.key(&join(&at, "key"), &selector.key);
                }
            }
            if let Some(field) = &source.field_ref {
                let at = join(&at, "fieldRef");
                let path = &field.field_path;
                self.require(is_pod_field(path), &join(&at, "fieldPath"), || {
                    Invalid::PodField {
                        path: path.clone(),
                        fields: &POD_FIELDS,
                    }
                });
                if let Some(version) = &field.api_version {
                    self.require(version == "v1", &join(&at, "apiVersion"), || {
                        Invalid::PodFieldVersion {
                            version: version.clone(),
                        }
                    });
                }
            }
            if let Some(resource) = &source.resource_field_ref {
                self.resource_field(&join(&at, "resourceFieldRef"), resource);
            }
        }
    }

    fn resource_field(&mut self, at: &str, field: &crate::kube::ResourceFieldSelector) {
        let resource = field.resource.as_str();
        let exposed = CONTAINER_RESOURCES.contains(&resource)
            || HUGE_PAGES.iter().any(|prefix| resource.starts_with(prefix));
        self.require(exposed, &join(at, "resource"), || {
            Invalid::ContainerResource {
                resource: resource.into(),
                resources: &CONTAINER_RESOURCES,
                prefixes: &HUGE_PAGES,
            }
        });
        // A divisor is judged against a known resource; an unknown one is its own problem.
        if exposed && let Some(divisor) = &field.divisor {
            let divisors: &'static [&'static str] = if resource.ends_with(".cpu") {
                &CPU_DIVISORS
            } else {
                &BYTE_DIVISORS
            };
            self.require(
                divisors.contains(&divisor.as_str()),
                &join(at, "divisor"),
                || Invalid::Divisor {
                    divisor: divisor.clone(),
                    resource: resource.into(),
                    divisors,
                },
            );
        }
    }

    /// Whole Secrets and ConfigMaps read as variables.
    fn env_from(&mut self, at: &str, sources: &[EnvFromSource]) {
        for (i, source) in sources.iter().enumerate() {
            let at = index(at, i);
            let refs = [
                ("secretRef", &source.secret_ref),
                ("configMapRef", &source.config_map_ref),
            ];
            let set: Vec<_> = refs.iter().filter(|(_, r)| r.is_some()).collect();
            self.require(set.len() == 1, &at, || Invalid::EnvFromCount);
            for (kind, reference) in refs {
                if let Some(reference) = reference {
                    self.dns_subdomain(&join(&join(&at, kind), "name"), &reference.name);
                }
            }
            if let Some(prefix) = &source.prefix {
                self.require(is_env_name(prefix), &join(&at, "prefix"), || {
                    Invalid::EnvPrefix {
                        prefix: prefix.clone(),
                    }
                });
            }
        }
    }

    /// A key of a Secret or ConfigMap.
    fn key(&mut self, field: &str, key: &str) {
        self.require(is_config_key(key), field, || Invalid::ConfigKey {
            key: key.into(),
        });
    }

    fn resources(&mut self, at: &str, resources: &Resources) {
        let requests = join(at, "requests");
        let limits = join(at, "limits");
        for (name, value) in &resources.requests {
            let request = self.quantity(&join(&requests, name), value, Unit::of(name));
            if let (Some(request), Some(limit)) = (request, resources.limits.get(name))
                && quantity::parse(limit).is_ok_and(|limit| request > limit)
            {
                let kind = Invalid::OverLimit {
                    request: value.clone(),
                    limit: limit.clone(),
                };
                self.fail(join(&requests, name), kind);
            }
        }
        for (name, value) in &resources.limits {
            self.quantity(&join(&limits, name), value, Unit::of(name));
        }
    }

    fn extras(&mut self, spec: &Spec, ports: &[Port]) {
        if let Some(class) = &spec.priority_class_name {
            self.dns_subdomain("priorityClassName", class);
        }
        if let Some(seconds) = spec.termination_grace_period_seconds {
            self.bound("terminationGracePeriodSeconds", seconds, &bounds::SECONDS);
        }
        if let Some(budget) = &spec.disruption_budget {
            self.require(
                budget.min_available.is_none() || budget.max_unavailable.is_none(),
                "disruptionBudget",
                || Invalid::MinAndMaxAvailable,
            );
            let counts = [
                ("disruptionBudget.minAvailable", &budget.min_available),
                ("disruptionBudget.maxUnavailable", &budget.max_unavailable),
            ];
            for (field, count) in counts {
                let ok = match count {
                    None => true,
                    Some(IntOrPercent::Int(n)) => bounds::COUNT.contains(*n),
                    Some(IntOrPercent::Percent(p)) => p == "0%" || is_percent(p),
                };
                self.require(ok, field, || Invalid::DisruptionCount);
            }
        }
        if let Some(metrics) = &spec.metrics {
            self.require(
                ports.iter().any(|p| p.name == metrics.port),
                "metrics.port",
                || Invalid::NoSuchPort {
                    name: metrics.port.clone(),
                },
            );
            self.require(metrics.path.starts_with('/'), "metrics.path", || {
                Invalid::UrlPath {
                    path: metrics.path.clone(),
                }
            });
            self.require(is_duration(&metrics.interval), "metrics.interval", || {
                Invalid::Duration {
                    duration: metrics.interval.clone(),
                }
            });
        }
        if spec.volume_permissions && spec.storage.is_empty() {
            self.fail("volumePermissions", Invalid::NoStorage);
        }
    }

    /// The integers of the Kubernetes objects the spec passes through.
    fn kube_objects(&mut self, spec: &Spec) {
        if let Some(pod) = &spec.pod_security_context {
            let ids = [
                ("runAsUser", pod.run_as_user),
                ("runAsGroup", pod.run_as_group),
                ("fsGroup", pod.fs_group),
            ];
            for (key, id) in ids {
                if let Some(id) = id {
                    self.bound(&join("podSecurityContext", key), id, &bounds::ID);
                }
            }
            for (i, id) in pod.supplemental_groups.iter().flatten().enumerate() {
                let field = index("podSecurityContext.supplementalGroups", i);
                self.bound(&field, *id, &bounds::ID);
            }
        }
        if let Some(container) = &spec.security_context {
            let ids = [
                ("runAsUser", container.run_as_user),
                ("runAsGroup", container.run_as_group),
            ];
            for (key, id) in ids {
                if let Some(id) = id {
                    self.bound(&join("securityContext", key), id, &bounds::ID);
                }
            }
        }
        for (i, toleration) in spec.tolerations.iter().enumerate() {
            if let Some(seconds) = toleration.toleration_seconds {
                let field = join(&index("tolerations", i), "tolerationSeconds");
                self.bound(&field, seconds, &bounds::SIGNED_SECONDS);
            }
        }
        let Some(affinity) = &spec.affinity else {
            return;
        };
        let preferred = "preferredDuringSchedulingIgnoredDuringExecution";
        let node = affinity.node_affinity.as_ref();
        let node_weights = node
            .and_then(|n| {
                n.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .into_iter()
            .flatten()
            .map(|term| term.weight);
        let pod_weights = |terms: Option<&crate::kube::PodAffinity>| {
            terms
                .and_then(|p| {
                    p.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
                .map(|term| term.weight)
                .collect::<Vec<_>>()
        };
        let all = [
            ("nodeAffinity", node_weights.collect()),
            ("podAffinity", pod_weights(affinity.pod_affinity.as_ref())),
            (
                "podAntiAffinity",
                pod_weights(affinity.pod_anti_affinity.as_ref()),
            ),
        ];
        for (kind, weights) in all {
            for (i, weight) in weights.into_iter().enumerate() {
                let field = join(
                    &index(&join(&join("affinity", kind), preferred), i),
                    "weight",
                );
                self.bound(&field, weight, &bounds::WEIGHT);
            }
        }
    }

    /// `kubeVersion`, and the fields that the oldest cluster it admits (or, without it, a
    /// cluster of any version) would drop.
    fn kube_versions(&mut self, spec: &Spec) {
        let mut oldest = None;
        if let Some(text) = &spec.kube_version {
            let range = match text.parse::<KubeRange>() {
                Ok(range) => range,
                Err(problem) => {
                    let text = text.clone();
                    let kind = Invalid::KubeVersionConstraint { text, problem };
                    return self.fail("kubeVersion", kind);
                }
            };
            let Some(first) = range.oldest() else {
                let text = text.clone();
                return self.fail("kubeVersion", Invalid::NoKubeRelease { text });
            };
            if !range.admits_prereleases() {
                let text = text.clone();
                let warning = Warning::NoPrereleases {
                    text,
                    oldest: first,
                };
                self.warn("kubeVersion", warning);
            }
            oldest = Some(first);
        }
        let fields = [
            (
                "strategy.maxUnavailable",
                spec.strategy.max_unavailable.is_some(),
                STATEFULSET_MAX_UNAVAILABLE,
                Fallback::OneAtATime,
            ),
            (
                "retention",
                spec.retention.is_some(),
                STATEFULSET_CLAIM_RETENTION,
                Fallback::ClaimsKept,
            ),
        ];
        for (field, used, gated, fallback) in fields {
            match (used, oldest, &spec.kube_version) {
                (true, Some(oldest), Some(text)) if oldest < gated.on_by_default => {
                    let warning = Warning::GatedBelow {
                        text: text.clone(),
                        oldest,
                        gated,
                        fallback,
                    };
                    self.warn(field, warning);
                }
                (true, None, _) if gated.ga.is_none() => {
                    self.warn(field, Warning::Gated { gated, fallback });
                }
                _ => {}
            }
        }
    }

    /// The Vault agent injector logs in to Vault with the token its webhook finds mounted in
    /// the pod (vault-k8s `agent.serviceaccount`); without one, injection fails.
    fn vault(&mut self, spec: &Spec) {
        let annotation = |key: &str| spec.pod_annotations.get(key).map(String::as_str);
        // The injector reads the flag with Go's strconv.ParseBool.
        let inject = annotation(VAULT_INJECT)
            .is_some_and(|v| matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"));
        let token = spec.service_account.automount || annotation(VAULT_TOKEN_VOLUME).is_some();
        if inject && !token {
            let warning = Warning::VaultToken {
                token_volume: VAULT_TOKEN_VOLUME,
            };
            self.warn(join("podAnnotations", VAULT_INJECT), warning);
        }
    }

    fn ingress(&mut self, ingress: &Ingress) {
        self.require(!ingress.hosts.is_empty(), "ingress.hosts", || {
            Invalid::NoHost
        });
        for (i, host) in ingress.hosts.iter().enumerate() {
            let at = index("ingress.hosts", i);
            self.dns_subdomain(&join(&at, "host"), host.host.trim_start_matches("*."));
            for (j, path) in host.paths.iter().enumerate() {
                self.require(
                    path.path.starts_with('/'),
                    &index(&join(&at, "paths"), j),
                    || Invalid::UrlPath {
                        path: path.path.clone(),
                    },
                );
            }
        }
        // Names Kubernetes checks as DNS-1123 subdomains: anything else (a newline, `{{`) would
        // also be a way to write YAML or Helm code into the Ingress.
        if let Some(class) = &ingress.class_name {
            self.dns_subdomain("ingress.className", class);
        }
        for (i, tls) in ingress.tls.iter().enumerate() {
            let at = index("ingress.tls", i);
            self.dns_subdomain(&join(&at, "secretName"), &tls.secret_name);
            for (j, host) in tls.hosts.iter().enumerate() {
                self.dns_subdomain(
                    &index(&join(&at, "hosts"), j),
                    host.trim_start_matches("*."),
                );
            }
        }
    }
}

/// How loosely `image` is pinned, if at all: a digest pins it; a tag (`latest` the least), or
/// the appVersion in its place, leaves it to the registry.
fn image_warning(image: &Image) -> Option<Warning> {
    match (&image.digest, image.tag.as_deref()) {
        (Some(_), _) => None,
        (None, Some("latest")) => Some(Warning::LatestTag),
        (None, Some(_)) => Some(Warning::NoDigest),
        (None, None) => Some(Warning::NoTag),
    }
}

/// The field a warning about `image` (at `at`) points to: its tag, or the image itself.
fn warning_field(at: &str, image: &Image) -> String {
    match image.tag {
        Some(_) => join(at, "tag"),
        None => at.to_string(),
    }
}

pub fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !s.is_empty()
        && s.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

/// A Kubernetes label value (empty, or a name part of at most 63 characters).
fn is_label_value(s: &str) -> bool {
    let bytes = s.as_bytes();
    s.is_empty()
        || (s.len() <= 63
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric())
}

/// IANA_SVC_NAME as Kubernetes checks it for container port names.
fn is_port_name(s: &str) -> bool {
    is_dns_label(s)
        && s.len() <= 15
        && !s.contains("--")
        && s.bytes().any(|b| b.is_ascii_lowercase())
}

fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_pod_field(path: &str) -> bool {
    let subscript = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix("']"))
            .is_some_and(|key| !key.is_empty() && !key.contains('\''))
    };
    POD_FIELDS.contains(&path)
        || subscript("metadata.labels['")
        || subscript("metadata.annotations['")
}

fn is_config_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// A Prometheus duration: digits and a unit, repeated (`30s`, `1m30s`).
fn is_duration(s: &str) -> bool {
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after = &rest[digits..];
        let unit = ["ms", "s", "m", "h", "d", "w", "y"]
            .iter()
            .find(|u| after.starts_with(**u));
        match unit {
            Some(u) if digits > 0 => rest = &after[u.len()..],
            _ => return false,
        }
    }
    !s.is_empty()
}

fn is_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (1..=100).contains(&n))
}

fn is_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
        && s[core.len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-+.".contains(c))
}

fn is_image_repository(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-:".contains(c))
        })
        && !s.rsplit('/').next().unwrap_or_default().contains(':')
}

fn is_image_tag(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

fn is_digest(s: &str) -> bool {
    match s.split_once(':') {
        Some((algo, hex)) => {
            !algo.is_empty()
                && algo
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && hex.len() >= 32
                && hex
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        }
        None => false,
    }
}

/// An absolute path as the container resolves it: no empty, `.` or trailing parts (`..` is
/// refused where a path is checked).
fn normalized(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|part| !matches!(*part, "" | "."))
        .collect();
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse;
    use std::path::Path;

    const BASE: &str = "name: demo\nimage:\n  repository: nginx\n  tag: \"1.27\"\nport: 8080\n";

    /// BASE pins its image by tag alone, which every spec like it is warned about.
    fn is_pin_warning(warning: &Problem) -> bool {
        warning.kind == Kind::Warning(Warning::NoDigest)
    }

    fn messages(extra: &str) -> Vec<String> {
        let file = parse(Path::new("chartgen.yaml"), format!("{BASE}{extra}")).unwrap();
        match validate(&file) {
            Ok(_) => vec![],
            Err(Error::Spec { problems, .. }) => problems
                .into_iter()
                .map(|p| format!("{}: {}", p.field, p.kind))
                .collect(),
            Err(other) => panic!("{other}"),
        }
    }

    fn warnings(extra: &str) -> Vec<String> {
        let file = parse(Path::new("chartgen.yaml"), format!("{BASE}{extra}")).unwrap();
        validate(&file)
            .unwrap()
            .into_iter()
            .filter(|w| !is_pin_warning(w))
            .map(|p| format!("{}: {}", p.field, p.kind))
            .collect()
    }

    #[test]
    fn kube_version_is_helm_s_constraint_and_gated_fields_warn_below_their_version() {
        assert_eq!(
            messages("kubeVersion: \">= one\"\n"),
            [
                "kubeVersion: \">= one\" is not a Helm kubeVersion constraint: \"one\" is not a \
              version (e.g. 1.29 or 1.29.0-0)"
            ]
        );
        assert_eq!(
            messages("kubeVersion: \">=2.0.0-0\"\n"),
            ["kubeVersion: \">=2.0.0-0\" admits no Kubernetes 1.x release"]
        );
        let gated = "retention: {whenScaled: Delete}\nreplicas: 3\nstrategy: {maxUnavailable: 2}\n";
        assert_eq!(
            warnings(&format!("kubeVersion: \">=1.26.0-0\"\n{gated}")),
            [
                "retention: kubeVersion \">=1.26.0-0\" admits Kubernetes 1.26, which drops it \
                 unless the StatefulSetAutoDeletePVC feature gate (on by default from Kubernetes \
                 1.27; GA in 1.32) is on: there, claims are kept whatever the policy says",
                "strategy.maxUnavailable: kubeVersion \">=1.26.0-0\" admits Kubernetes 1.26, \
                 which drops it unless the MaxUnavailableStatefulSet feature gate (on by default \
                 from Kubernetes 1.35; beta) is on: there, pods are replaced one at a time",
            ]
        );
        assert_eq!(
            warnings(&format!("kubeVersion: \">=1.35.0-0\"\n{gated}")),
            Vec::<String>::new()
        );
        // Without kubeVersion, only what no released default honours yet.
        assert_eq!(
            warnings(gated),
            [
                "strategy.maxUnavailable: Kubernetes drops it unless the MaxUnavailableStatefulSet \
              feature gate (on by default from Kubernetes 1.35; beta) is on: there, pods are \
              replaced one at a time. Once every cluster you target runs 1.35 or newer, say so: \
              `kubeVersion: \">=1.35.0-0\"`"
            ]
        );
        assert_eq!(
            warnings("kubeVersion: \">=1.29\"\n"),
            [
                "kubeVersion: EKS and GKE report versions such as v1.29.4-eks-1a2b3c4, which Helm \
              takes for pre-releases that \">=1.29\" does not admit: `helm install` refuses the \
              chart there. Admit them with a pre-release on the lower bound (e.g. \
              \">=1.29.0-0\")"
            ]
        );
    }

    #[test]
    fn vault_injection_needs_the_service_account_token() {
        let inject = "podAnnotations: {vault.hashicorp.com/agent-inject: \"true\"}\n";
        assert_eq!(
            warnings(inject),
            [
                "podAnnotations.vault.hashicorp.com/agent-inject: the Vault agent injector logs in \
                 with the pod's ServiceAccount token, which these pods do not mount: set \
                 `serviceAccount: {automount: true}`, or name a projected token volume \
                 (values.yaml `extraVolumes`) in \
                 `vault.hashicorp.com/agent-service-account-token-volume-name`"
            ]
        );
        let mounted = format!("{inject}serviceAccount: {{automount: true}}\n");
        assert_eq!(warnings(&mounted), Vec::<String>::new());
        let off = "podAnnotations: {vault.hashicorp.com/agent-inject: \"false\"}\n";
        assert_eq!(warnings(off), Vec::<String>::new());
    }

    #[test]
    fn a_minimal_spec_is_valid() {
        assert_eq!(messages(""), Vec::<String>::new());
    }

    #[test]
    fn reports_every_problem() {
        let got = messages("replicas: -1\nservice:\n  nodePort: 31000\n");
        assert_eq!(
            got,
            [
                "replicas: must be 0 or more",
                "service.nodePort: only applies to `type: NodePort` or `type: LoadBalancer`",
            ]
        );
    }

    #[test]
    fn probes_must_name_declared_ports() {
        let got = messages("probes:\n  readiness:\n    http: /ready\n    port: admin\n");
        assert_eq!(
            got,
            ["probes.readiness.port: no port named \"admin\" is declared"]
        );
    }

    #[test]
    fn storage_sizes_are_quantities() {
        let got = messages("storage:\n  - name: data\n    size: 10Gb\n    mountPath: /data\n");
        assert_eq!(
            got,
            ["storage[0].size: \"10Gb\" is not a Kubernetes quantity (did you mean \"10Gi\"?)"]
        );
    }

    #[test]
    fn helm_s_alias_rule_and_empty_defaults() {
        assert_eq!(
            messages(
                "dependencies:\n  - {name: c, version: 1.x.x, repository: oci://r, alias: a.b}\nsecrets:\n  - {name: A, value: \"\", notSecret: true}\n"
            ),
            [
                "dependencies[0].alias: \"a.b\" is not an alias Helm takes (letters, digits, '_' and '-')",
                "secrets[0].value: an empty value is no default: leave `value` out, and give it at install time"
            ]
        );
    }

    #[test]
    fn disruption_budgets_are_counts_or_percentages() {
        let message = "must be a number of pods (0 or more) or a percentage such as \"50%\"";
        assert_eq!(
            messages("disruptionBudget: {maxUnavailable: abc}\n"),
            [format!("disruptionBudget.maxUnavailable: {message}")]
        );
        assert_eq!(
            messages("disruptionBudget: {minAvailable: -1}\n"),
            [format!("disruptionBudget.minAvailable: {message}")]
        );
        assert_eq!(
            messages("disruptionBudget: {minAvailable: \"50%\"}\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn integers_kubernetes_keeps_as_int32_are_bounded() {
        let got = messages(
            "replicas: 9223372036854775807\nprobes:\n  readiness: {tcp: true, periodSeconds: 2147483648}\n",
        );
        assert_eq!(
            got,
            [
                "replicas: must be at most 2147483647 (Kubernetes keeps it as a 32-bit integer)",
                "probes.readiness.periodSeconds: must be at most 2147483647 (Kubernetes keeps it as a 32-bit integer)"
            ]
        );
    }

    /// Every integer that becomes an API integer, at min - 1, min, max and max + 1: (spec text
    /// after the name and image, with `$V` for the value; the field; its range).
    #[test]
    fn every_integer_is_bounded_as_the_api_bounds_it() {
        use bounds::*;
        let readiness =
            |key: &str| format!("port: 80\nprobes: {{readiness: {{tcp: true, {key}: $V}}}}");
        let weighted = |kind: &str, term: &str| {
            format!(
                "port: 80\naffinity: {{{kind}: {{preferredDuringSchedulingIgnoredDuringExecution: [{{weight: $V, {term}}}]}}}}"
            )
        };
        let cases: Vec<(String, &str, Bound)> = vec![
            ("port: $V".into(), "port", PORT),
            ("port: 80\nports: [{name: admin, port: $V}]".into(), "ports[0].port", PORT),
            ("port: 80\nservice: {port: $V}".into(), "service.port", PORT),
            ("port: 80\nservice: {type: NodePort, nodePort: $V}".into(), "service.nodePort", PORT),
            ("port: 80\nprobes: {readiness: {tcp: true, port: $V}}".into(), "probes.readiness.port", PORT),
            ("port: 80\nreplicas: $V".into(), "replicas", COUNT),
            ("port: 80\nreplicas: 2147483647\nstrategy: {partition: $V}".into(), "strategy.partition", COUNT),
            ("port: 80\nstrategy: {maxUnavailable: $V}".into(), "strategy.maxUnavailable", POSITIVE),
            ("port: 80\ndisruptionBudget: {minAvailable: $V}".into(), "disruptionBudget.minAvailable", COUNT),
            ("port: 80\ndisruptionBudget: {maxUnavailable: $V}".into(), "disruptionBudget.maxUnavailable", COUNT),
            (readiness("initialDelaySeconds"), "probes.readiness.initialDelaySeconds", COUNT),
            (readiness("periodSeconds"), "probes.readiness.periodSeconds", POSITIVE),
            (readiness("timeoutSeconds"), "probes.readiness.timeoutSeconds", POSITIVE),
            (readiness("successThreshold"), "probes.readiness.successThreshold", POSITIVE),
            (readiness("failureThreshold"), "probes.readiness.failureThreshold", POSITIVE),
            ("port: 80\nterminationGracePeriodSeconds: $V".into(), "terminationGracePeriodSeconds", SECONDS),
            ("port: 80\npodSecurityContext: {runAsUser: $V}".into(), "podSecurityContext.runAsUser", ID),
            ("port: 80\npodSecurityContext: {runAsGroup: $V}".into(), "podSecurityContext.runAsGroup", ID),
            ("port: 80\npodSecurityContext: {fsGroup: $V}".into(), "podSecurityContext.fsGroup", ID),
            ("port: 80\npodSecurityContext: {supplementalGroups: [0, $V]}".into(), "podSecurityContext.supplementalGroups[1]", ID),
            ("port: 80\nsecurityContext: {runAsUser: $V}".into(), "securityContext.runAsUser", ID),
            ("port: 80\nsecurityContext: {runAsGroup: $V}".into(), "securityContext.runAsGroup", ID),
            (
                "port: 80\ntolerations: [{key: k, operator: Exists, effect: NoExecute, tolerationSeconds: $V}]".into(),
                "tolerations[0].tolerationSeconds",
                SIGNED_SECONDS,
            ),
            (
                weighted("nodeAffinity", "preference: {}"),
                "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                WEIGHT,
            ),
            (
                weighted("podAffinity", "podAffinityTerm: {topologyKey: k}"),
                "affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                WEIGHT,
            ),
            (
                weighted("podAntiAffinity", "podAffinityTerm: {topologyKey: k}"),
                "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                WEIGHT,
            ),
        ];
        for (text, field, bound) in cases {
            let spec = |value: i64| {
                let text = text.replace("$V", &value.to_string());
                let file = parse(
                    Path::new("chartgen.yaml"),
                    format!("name: demo\nimage: {{repository: nginx, tag: \"1.27\"}}\n{text}\n"),
                )
                .unwrap_or_else(|e| panic!("{text}: {e}"));
                match validate(&file) {
                    Ok(_) => vec![],
                    Err(Error::Spec { problems, .. }) => problems,
                    Err(other) => panic!("{other}"),
                }
            };
            for inside in [bound.min, bound.max] {
                assert_eq!(spec(inside), [], "{field} = {inside}");
            }
            for outside in [bound.min - 1, bound.max + 1] {
                let problems = spec(outside);
                assert!(
                    problems.iter().any(|p| p.field == field && p.pos.is_some()),
                    "{field} = {outside}: {problems:?}"
                );
            }
        }
    }

    #[test]
    fn a_node_port_outside_the_default_range_is_a_warning() {
        let text = format!("{BASE}service: {{type: NodePort, nodePort: 8080}}\n");
        let file = parse(Path::new("chartgen.yaml"), text).unwrap();
        let warnings: Vec<Problem> = validate(&file)
            .unwrap()
            .into_iter()
            .filter(|w| !is_pin_warning(w))
            .collect();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].field, "service.nodePort");
        assert!(
            warnings[0].kind.to_string().starts_with(
                "8080 is outside the node port range clusters have by default (30000-32767)"
            ),
            "{}",
            warnings[0].kind
        );
    }

    #[test]
    fn hook_images_take_no_pull_secrets_of_their_own() {
        let got = messages(
            "hooks:\n  - {name: m, events: [pre-install], command: [x], image: {repository: r, tag: \"1\", pullSecrets: [s]}}\n",
        );
        assert_eq!(
            got,
            [
                "hooks[0].image.pullSecrets: hook pods pull with the app's `image.pullSecrets`: list them there"
            ]
        );
    }

    #[test]
    fn secret_files_are_absolute_paths_no_other_mount_takes() {
        let got = messages(
            "storage:\n  - {name: data, size: 1Gi, mountPath: /data}\nsecrets:\n  - {name: A, file: run/a}\n  - {name: B, file: /data}\n",
        );
        assert_eq!(
            got,
            [
                "secrets[0].file: \"run/a\" is not an absolute path",
                "secrets[1].file: \"/data\" is already mounted by `storage[0].mountPath`"
            ]
        );
    }

    #[test]
    fn mount_paths_are_compared_as_the_container_resolves_them() {
        let got = messages(
            "storage:\n  - {name: data, size: 1Gi, mountPath: /data}\nemptyDirs: [\"/data/.\", \"//x\", \"/./tmp\", \"/.\", /run/]\nsecrets:\n  - {name: A, generate: true, file: //data/}\n",
        );
        let bad = "is not a folder chartgen can mount (letters, digits, '/', '.', '_' and '-', \
                   below the root, each part a name: no '.', '..' or '//')";
        assert_eq!(
            got,
            [
                format!("emptyDirs[0]: \"/data/.\" {bad}"),
                "emptyDirs[0]: \"/data\" is already mounted by `storage[0].mountPath`".into(),
                format!("emptyDirs[1]: \"//x\" {bad}"),
                format!("emptyDirs[2]: \"/./tmp\" {bad}"),
                "emptyDirs[2]: every chart mounts an emptyDir at /tmp already".into(),
                format!("emptyDirs[3]: \"/.\" {bad}"),
                "secrets[0].file: \"/data\" is already mounted by `storage[0].mountPath`".into(),
            ]
        );
    }

    #[test]
    fn a_secret_key_is_used_once_whichever_secret_names_it() {
        let got = messages(
            "secrets:\n  - {name: A, key: B, generate: true}\n  - {name: B, generate: true}\n",
        );
        assert_eq!(
            got,
            ["secrets[1].name: key \"B\" of the Secret is already used by `secrets[0].key`"]
        );
    }

    #[test]
    fn a_secret_key_used_again_names_its_first_use() {
        let got = messages(
            "secrets:\n  - {name: A, key: k, generate: true}\n  - {name: B, key: k, generate: true}\n  - {name: C, key: k, generate: true}\n",
        );
        assert_eq!(
            got,
            [
                "secrets[1].key: key \"k\" of the Secret is already used by `secrets[0].key`",
                "secrets[2].key: key \"k\" of the Secret is already used by `secrets[0].key`",
            ]
        );
    }

    #[test]
    fn variables_are_unique_across_env_secrets_and_config() {
        let got = messages("env:\n  TOKEN: x\nsecrets:\n  - name: TOKEN\n");
        assert_eq!(
            got,
            ["secrets[0].name: variable \"TOKEN\" is already set by `env.TOKEN`"]
        );
    }

    #[test]
    fn a_variable_set_three_times_names_the_first_each_time() {
        let got = messages("secrets:\n  - name: A\n  - name: A\n  - name: A\n");
        assert_eq!(
            got,
            [
                "secrets[1].name: variable \"A\" is already set by `secrets[0].name`",
                "secrets[2].name: variable \"A\" is already set by `secrets[0].name`",
            ]
        );
    }

    #[test]
    fn huge_pages_are_exposed_with_the_divisors_of_bytes() {
        let env = |divisor: &str| {
            format!(
                "env:\n  X: {{resourceFieldRef: {{resource: limits.hugepages-2Mi, divisor: {divisor}}}}}\n"
            )
        };
        assert_eq!(messages(&env("1Mi")), Vec::<String>::new());
        let got = messages(&env("1m"));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("env.X.resourceFieldRef.divisor: "),
            "{got:?}"
        );
    }

    #[test]
    fn an_unknown_resource_is_reported_without_its_divisor() {
        let env = "env:\n  X: {resourceFieldRef: {resource: limits.gpu, divisor: 2m}}\n";
        let got = messages(env);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("env.X.resourceFieldRef.resource: "),
            "{got:?}"
        );
    }

    #[test]
    fn quantities_are_checked_for_their_unit() {
        assert_eq!(
            messages("resources:\n  requests: {cpu: 100mi}\n"),
            [
                "resources.requests.cpu: \"100mi\" is not a Kubernetes quantity (did you mean \"100m\"?)"
            ]
        );
        let text = format!(
            "{BASE}resources:\n  requests: {{cpu: 100Mi, memory: 128m, nvidia.com/gpu: 1}}\nstorage: [{{name: d, size: 10m, mountPath: /d}}]\n"
        );
        let file = parse(Path::new("chartgen.yaml"), text).unwrap();
        let warnings: Vec<String> = validate(&file)
            .unwrap()
            .into_iter()
            .filter(|w| !is_pin_warning(w))
            .map(|w| format!("{}:{}: {}", w.pos.unwrap().line, w.field, w.kind))
            .collect();
        assert_eq!(
            warnings,
            [
                "7:resources.requests.cpu: \"100Mi\" is 104857600 CPU cores; did you mean \"100m\" (millicores)?",
                "7:resources.requests.memory: \"128m\" is 0.128 bytes ('m' is milli); did you mean \"128Mi\"?",
                "8:storage[0].size: \"10m\" is 0.01 bytes ('m' is milli); did you mean \"10Mi\"?",
            ]
        );
    }

    #[test]
    fn requests_may_not_exceed_limits() {
        let got =
            messages("resources:\n  requests:\n    memory: 1Gi\n  limits:\n    memory: 512Mi\n");
        assert_eq!(
            got,
            ["resources.requests.memory: \"1Gi\" is more than its limit 512Mi"]
        );
    }

    #[test]
    fn errors_quote_the_spec_without_its_secret_values() {
        let text = format!(
            "{BASE}secrets: [{{name: A, value: one}}, {{name: B, value: two}}]\nenv: {{A: x}}\n"
        );
        let file = parse(Path::new("chartgen.yaml"), text).unwrap();
        let quoted = quotable_text(&file);
        assert!(
            quoted.ends_with("\nsecrets: [{name: A, value: (hidden)\nenv: {A: x}\n"),
            "{quoted}"
        );
    }

    #[test]
    fn env_references_are_checked_as_the_api_server_checks_them() {
        let got = messages(
            "env:\n  A: {fieldRef: {fieldPath: \"metadata.labels['app']\", apiVersion: v2}}\n  B: {resourceFieldRef: {resource: limits.gpu}}\n  C: {configMapKeyRef: {name: flags, key: \"a b\", optional: true}}\n  D: {fieldRef: {fieldPath: status.podIP}}\nenvFrom:\n  - {configMapRef: {name: shared}, prefix: 1X}\n",
        );
        assert_eq!(
            got,
            [
                "env.A.fieldRef.apiVersion: \"v2\" is not \"v1\", the only version of pod fields",
                "env.B.resourceFieldRef.resource: \"limits.gpu\" is not a container resource Kubernetes exposes (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory, requests.ephemeral-storage, limits.hugepages-<size>, requests.hugepages-<size>)",
                "env.C.configMapKeyRef.key: \"a b\" is not a Secret or ConfigMap key (letters, digits, '-', '_', '.')",
                "envFrom[0].prefix: \"1X\" does not start a variable name ([A-Za-z_][A-Za-z0-9_]*)",
            ]
        );
    }

    #[test]
    fn hooks_take_job_settings_within_the_api_s_bounds() {
        let hook = "hooks:\n  - name: m\n    events: [post-install]\n    command: [x]\n";
        assert_eq!(
            messages(&format!(
                "{hook}    backoffLimit: 0\n    activeDeadlineSeconds: 1\n    ttlSecondsAfterFinished: 0\n    terminationGracePeriodSeconds: 0\n"
            )),
            Vec::<String>::new()
        );
        assert_eq!(
            messages(&format!(
                "{hook}    backoffLimit: 2147483648\n    resources: {{requests: {{memory: 10Gb}}}}\n    env: {{A: x}}\n    secrets: [A]\nsecrets:\n  - name: A\n"
            )),
            [
                "hooks[0].backoffLimit: must be at most 2147483647 (Kubernetes keeps it as a 32-bit integer)",
                "hooks[0].resources.requests.memory: \"10Gb\" is not a Kubernetes quantity (did you mean \"10Gi\"?)",
                "hooks[0].secrets[0]: variable \"A\" is already set by `hooks[0].env.A`",
            ]
        );
    }

    #[test]
    fn hook_images_name_their_own_tag_or_digest() {
        let hook = "hooks:\n  - {name: m, events: [post-install], image: {repository: busybox";
        assert_eq!(
            messages(&format!("{hook}}}}}\n")),
            [
                "hooks[0].image: \"busybox\" has no tag or digest: set `tag` or `digest` (a chart pins what it runs)"
            ]
        );
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            messages(&format!("{hook}, digest: \"{digest}\"}}}}\n")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn name_rules() {
        assert!(is_dns_label("my-app-1"));
        assert!(!is_dns_label("My-App"));
        assert!(!is_dns_label("-app"));
        assert!(is_label_value("1.16.0"));
        assert!(is_label_value(""));
        assert!(!is_label_value("1.0.0+build"));
        assert!(!is_label_value("a\u{85}b"));
        assert!(is_port_name("http"));
        assert!(!is_port_name("8080"));
        assert!(is_semver("1.2.3-rc.1+build.5"));
        assert!(!is_semver("1.2"));
        assert!(is_image_repository("ghcr.io/acme/app"));
        assert!(is_image_repository("localhost:5000/app"));
        assert!(!is_image_repository("nginx:1.27"));
    }
}
