//! `chartgen diff`: a chart change, reviewed from the chart's files the way a senior SRE would
//! (`chartgen review` reads the rendered objects instead: see `upgrade`). What changed, file by
//! file and value by value; what each change does to a running release; which changes Kubernetes will refuse on
//! an existing StatefulSet, with the remedy; and which chart version the change deserves.
//!
//! Helm templates cannot be rendered here, so effects are read from where a change sits: the
//! values key it touches, or the section of the template its lines fall in.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::apiserver::{KubeVersion, statefulset_refusal};
use crate::change::{FileChange, Status};
use crate::effect::{Effect, Effects};

/// A changed file and what it does to a running release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReview {
    #[serde(flatten)]
    pub change: FileChange,
    pub effect: Effect,
}

/// One key of values.yaml whose default changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueChange {
    pub key: String,
    pub status: Status,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub effect: Effect,
}

/// A change Kubernetes will refuse on a running release, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hazard {
    pub change: String,
    pub problem: String,
    pub remedy: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    pub current: Option<String>,
    pub new: Option<String>,
    pub bump: Bump,
    /// The version the change deserves, from the current one.
    pub proposed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartDiff {
    pub files: Vec<FileReview>,
    pub values: Vec<ValueChange>,
    pub hazards: Vec<Hazard>,
    pub warnings: Vec<String>,
    pub version: Version,
    pub effect: Effect,
    /// Whether file diffs may show secret values.
    #[serde(skip)]
    pub show_secrets: bool,
}

impl ChartDiff {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// One side of a review: a chart's files by path, its values.yaml as data, and what changing
/// each of its values does (known for a chart chartgen renders).
#[derive(Debug)]
pub struct Side {
    pub files: BTreeMap<String, String>,
    values: Value,
    effects: Effects,
}

impl Side {
    /// Reads values.yaml from the files (Null when there is none, or it is not YAML).
    pub fn new(files: BTreeMap<String, String>) -> Self {
        let values = yaml_value(files.get("values.yaml").map(String::as_str));
        Side {
            files,
            values,
            effects: Effects::default(),
        }
    }

    /// For a chart chartgen just rendered, whose values.yaml holds `values` with `effects`:
    /// parsing the file again would cost more than the rest of a review.
    pub fn rendered(files: BTreeMap<String, String>, values: Value, effects: Effects) -> Self {
        Side {
            files,
            values,
            effects,
        }
    }
}

/// The review of a chart against itself, from its Chart.yaml alone: what `compare(side,
/// side)` returns, without reading the other files or parsing values.yaml.
pub fn unchanged(chart_yaml: Option<&str>, show_secrets: bool) -> ChartDiff {
    let files: BTreeMap<String, String> = chart_yaml
        .map(|text| ("Chart.yaml".to_string(), text.to_string()))
        .into_iter()
        .collect();
    ChartDiff {
        files: Vec::new(),
        values: Vec::new(),
        hazards: Vec::new(),
        warnings: Vec::new(),
        version: version(&files, &files, &[], &[], &[]),
        effect: Effect::NoOp,
        show_secrets,
    }
}

/// Compares two charts. Secret values are never kept in the review: `show_secrets` is the
/// only way they appear.
pub fn compare(old: &Side, new: &Side, show_secrets: bool) -> ChartDiff {
    let (values_old, values_new) = (&old.values, &new.values);
    // The new chart's model says what its keys feed; a removed key takes its parent's.
    let effects = &new.effects;
    let (old, new) = (&old.files, &new.files);
    let mut files = Vec::new();
    let mut hazards = Vec::new();
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for path in paths {
        let (before, after) = (old.get(path), new.get(path));
        if before == after {
            continue;
        }
        let change = FileChange::new(path, before.cloned(), after.cloned());
        let effect = file_effect(path, change.status, &change.old, &change.new, &mut hazards);
        files.push(FileReview { change, effect });
    }
    let values = value_changes(values_old, values_new, effects, show_secrets);
    for change in &values {
        // One hazard per claim or key, not one per leaf of it.
        if let Some(hazard) = value_hazard(change)
            && !hazards.iter().any(|h| h.change == hazard.change)
        {
            hazards.push(hazard);
        }
    }
    if let Some(values_file) = files.iter_mut().find(|f| f.change.path == "values.yaml") {
        values_file.effect = values
            .iter()
            .map(|v| v.effect)
            .max()
            .unwrap_or(Effect::NoOp);
    }
    hazards.dedup();
    let version = version(old, new, &files, &values, &hazards);
    let mut warnings = Vec::new();
    // A bump of none: only the way Chart.yaml is written changed, nothing a release sees.
    let deserves_bump = version.bump != Bump::None;
    if deserves_bump && version.current.is_some() && version.current == version.new {
        warnings.push(format!(
            "the chart changed but its version did not: chart-testing (ct lint) rejects that; \
             set version {} (a {} bump)",
            version.proposed.clone().unwrap_or_default(),
            version.bump.label()
        ));
    }
    let effect = files
        .iter()
        .map(|f| f.effect)
        .chain(values.iter().map(|v| v.effect))
        .max()
        .unwrap_or(Effect::NoOp);
    ChartDiff {
        files,
        values,
        hazards,
        warnings,
        version,
        effect,
        show_secrets,
    }
}

const ORPHAN: &str = "delete the StatefulSet but keep its pods and claims \
    (`kubectl delete statefulset <name> --cascade=orphan`), then `helm upgrade`: the new \
    StatefulSet adopts the running pods";

fn recreate_problem(field: &str) -> String {
    format!(
        "Kubernetes refuses to change {field} of an existing StatefulSet: `helm upgrade` fails with \
         {}",
        statefulset_refusal(KubeVersion::NEWEST)
    )
}

/// The effect of a changed file, adding the hazards its lines reveal.
fn file_effect(
    path: &str,
    status: Status,
    old: &str,
    new: &str,
    hazards: &mut Vec<Hazard>,
) -> Effect {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        "values.yaml" => Effect::NoOp, // judged key by key
        "Chart.yaml" => chart_yaml_effect(old, new, hazards),
        "NOTES.txt"
        | "README.md"
        | ".helmignore"
        | "chartgen.schema.json"
        | "chartgen.lock"
        | "values.schema.json" => Effect::NoOp,
        _ if path.contains("/tests/") || name.starts_with("hook-") => Effect::NoOp,
        // chart-testing's values: never a release's.
        _ if path.starts_with("ci/") => Effect::NoOp,
        "configmap.yaml" | "secret.yaml" => Effect::RollsPods,
        "_helpers.tpl" => helpers_effect(old, new, hazards),
        "statefulset.yaml" if status == Status::Changed => statefulset_effect(old, new, hazards),
        "service-headless.yaml" | "service.yaml" if status == Status::Changed => {
            service_effect(path, old, new, hazards)
        }
        _ if status == Status::Removed && name == "statefulset.yaml" => Effect::NeedsRecreate,
        _ => Effect::Updates,
    }
}

/// Chart.yaml's name is the `app.kubernetes.io/name` selector label; its versions are pod labels.
fn chart_yaml_effect(old: &str, new: &str, hazards: &mut Vec<Hazard>) -> Effect {
    let (old, new) = (yaml_value(Some(old)), yaml_value(Some(new)));
    if field(&old, "name") != field(&new, "name") {
        hazards.push(Hazard {
            change: "the chart name (the app.kubernetes.io/name selector label)".into(),
            problem: recreate_problem("the selector"),
            remedy: format!(
                "{ORPHAN}; the old pods no longer match the selector, so delete them once the new \
                 ones are ready, or keep the old name with nameOverride"
            ),
        });
        return Effect::NeedsRecreate;
    }
    // Pods carry the app version; every object carries the chart version.
    if field(&old, "appVersion") != field(&new, "appVersion") {
        Effect::RollsPods
    } else if field(&old, "version") != field(&new, "version") {
        Effect::Updates
    } else {
        Effect::NoOp
    }
}

/// A top-level field of a YAML document (Chart.yaml's name or version), as text.
pub fn scalar_field(text: &str, key: &str) -> Option<String> {
    field(&yaml_value(Some(text)), key)
}

fn field(document: &Value, key: &str) -> Option<String> {
    document
        .get(key)
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
}

/// A YAML document as data; Null when absent or not YAML.
fn yaml_value(text: Option<&str>) -> Value {
    text.and_then(|t| serde_yaml::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// Changed lines inside the selectorLabels helper change the StatefulSet's selector.
fn helpers_effect(old: &str, new: &str, hazards: &mut Vec<Hazard>) -> Effect {
    if define_block(old, "selectorLabels") != define_block(new, "selectorLabels") {
        hazards.push(Hazard {
            change: "the selector labels helper".into(),
            problem: recreate_problem("the selector"),
            remedy: ORPHAN.into(),
        });
        return Effect::NeedsRecreate;
    }
    Effect::RollsPods
}

fn define_block<'a>(text: &'a str, helper: &str) -> Vec<&'a str> {
    let suffix = format!(".{helper}\" -}}}}");
    text.lines()
        .skip_while(|l| !(l.contains("define \"") && l.ends_with(&suffix)))
        .take_while(|l| !l.starts_with("{{- end"))
        .collect()
}

/// Which part of the StatefulSet each changed line falls in, by the nearest key under `spec:`.
fn statefulset_effect(old: &str, new: &str, hazards: &mut Vec<Hazard>) -> Effect {
    let mut effect = Effect::NoOp;
    for section in changed_sections(old, new) {
        // The Kubernetes API's own list of what may change on an existing StatefulSet.
        let section_effect = match section.as_str() {
            "template" => Effect::RollsPods,
            "replicas"
            | "ordinals"
            | "updateStrategy"
            | "persistentVolumeClaimRetentionPolicy"
            | "minReadySeconds"
            | "revisionHistoryLimit" => Effect::Updates,
            _ => {
                hazards.push(Hazard {
                    change: format!("the StatefulSet's {section}"),
                    problem: recreate_problem(&section),
                    remedy: section_remedy(&section),
                });
                Effect::NeedsRecreate
            }
        };
        effect = effect.max(section_effect);
    }
    effect
}

fn section_remedy(section: &str) -> String {
    match section {
        "volumeClaimTemplates" => format!(
            "existing claims keep their old settings; to resize, patch each PVC when its \
             StorageClass allows expansion; then {ORPHAN}"
        ),
        _ => ORPHAN.into(),
    }
}

/// The `spec:` sections (two-space keys) that contain a line added or removed between texts.
fn changed_sections(old: &str, new: &str) -> std::collections::BTreeSet<String> {
    let mut sections = std::collections::BTreeSet::new();
    let diff = similar::TextDiff::from_lines(old, new);
    for (side, text) in [
        (similar::ChangeTag::Delete, old),
        (similar::ChangeTag::Insert, new),
    ] {
        let lines: Vec<&str> = text.lines().collect();
        let owners = section_of_each_line(&lines);
        for change in diff.iter_all_changes().filter(|c| c.tag() == side) {
            let index = match side {
                similar::ChangeTag::Delete => change.old_index(),
                _ => change.new_index(),
            };
            if let Some(owner) = index.and_then(|i| owners.get(i).cloned().flatten()) {
                sections.insert(owner);
            }
        }
    }
    sections
}

/// For each line, the key at indentation 2 (a child of `spec:`) it belongs to.
fn section_of_each_line(lines: &[&str]) -> Vec<Option<String>> {
    let mut current: Option<String> = None;
    let mut in_spec = false;
    lines
        .iter()
        .map(|line| {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim_start();
            if indent == 0 && !trimmed.is_empty() && !trimmed.starts_with("{{") {
                in_spec = trimmed.starts_with("spec:");
                current = None;
            } else if in_spec
                && indent == 2
                && !trimmed.starts_with("{{")
                && !trimmed.starts_with('#')
            {
                current = trimmed.split(':').next().map(str::to_string);
            }
            current.clone()
        })
        .collect()
}

/// A Service's clusterIP is immutable: switching headless and ClusterIP is refused.
fn service_effect(path: &str, old: &str, new: &str, hazards: &mut Vec<Hazard>) -> Effect {
    let headless = |text: &str| text.lines().any(|l| l.trim() == "clusterIP: None");
    if headless(old) != headless(new) {
        hazards.push(Hazard {
            change: format!("{path} switches between headless and ClusterIP"),
            problem: "a Service's clusterIP is immutable: the upgrade fails with \
                      \"spec.clusterIP: Invalid value: ... field is immutable\""
                .into(),
            remedy: "delete the Service (`kubectl delete service <name>`) right before \
                     `helm upgrade`; clients lose it for that moment"
                .into(),
        });
        return Effect::NeedsRecreate;
    }
    Effect::Updates
}

/// values.yaml compared as data: changed leaves by dotted key, comments and order ignored.
fn value_changes(
    old: &Value,
    new: &Value,
    effects: &Effects,
    show_secrets: bool,
) -> Vec<ValueChange> {
    let leaves = |values: &Value| {
        let mut out = BTreeMap::new();
        flatten("", values, &mut out);
        out
    };
    let (old, new) = (leaves(old), leaves(new));
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    // A map that was empty and now has keys (or the reverse) shows as its keys only.
    let emptied_or_filled = |key: &String, side: &BTreeMap<String, Value>| {
        side.get(key)
            .is_some_and(|v| v == &Value::Object(Default::default()))
            && keys_below(key, &old)
                .chain(keys_below(key, &new))
                .next()
                .is_some()
    };
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .filter(|k| !emptied_or_filled(k, &old) && !emptied_or_filled(k, &new))
        .map(|key| {
            let (before, after) = (old.get(key).cloned(), new.get(key).cloned());
            let status = Status::of(before.is_some(), after.is_some());
            // `secrets` at any depth, as the file diff masks it (`global.secrets.TOKEN`).
            let hide = !show_secrets && key.split(['.', '[']).any(|part| part == "secrets");
            // An empty value hides nothing: the secret is generated or given at install.
            let mask = |v: Option<Value>| match v {
                Some(v) if hide && v != Value::String(String::new()) => {
                    Some(Value::String("(hidden)".into()))
                }
                v => v,
            };
            ValueChange {
                key: key.clone(),
                status,
                old: mask(before),
                new: mask(after),
                effect: effects.of(key),
            }
        })
        .collect()
}

fn keys_below<'a>(
    key: &'a str,
    leaves: &'a BTreeMap<String, Value>,
) -> impl Iterator<Item = &'a String> {
    leaves.keys().filter(move |k| {
        k.len() > key.len() && k.starts_with(key) && k.as_bytes()[key.len()] == b'.'
    })
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Null if prefix.is_empty() => {}
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

fn value_hazard(change: &ValueChange) -> Option<Hazard> {
    if change.effect != Effect::NeedsRecreate {
        return None;
    }
    let key = change.key.as_str();
    // Hazards about a claim are one per claim, whichever of its fields changed.
    let subject = match key.split('.').collect::<Vec<_>>()[..] {
        ["persistence", claim, _, ..] => format!("persistence.{claim}"),
        _ => key.to_string(),
    };
    let (problem, remedy) = if change.status == Status::Added && key.starts_with("persistence.") {
        (
            recreate_problem("volumeClaimTemplates"),
            format!(
                "a new claim template: {ORPHAN}; existing pods get the new volume when they are \
                 recreated"
            ),
        )
    } else if key.ends_with(".size") {
        (
            recreate_problem("volumeClaimTemplates"),
            format!(
                "resize each existing PVC directly when its StorageClass allows expansion \
                 (`kubectl patch pvc <claim>-<statefulset>-N -p '{{\"spec\":{{\"resources\":{{\"requests\":{{\"storage\":\"<size>\"}}}}}}}}'`), \
                 then {ORPHAN}"
            ),
        )
    } else if key.starts_with("persistence.") {
        (
            recreate_problem("volumeClaimTemplates"),
            format!(
                "existing claims keep their old settings (only new pods get the new ones); {ORPHAN}"
            ),
        )
    } else if key == "podManagementPolicy" {
        (recreate_problem("podManagementPolicy"), ORPHAN.to_string())
    } else if key == "nameOverride" {
        (
            recreate_problem("the selector (app.kubernetes.io/name)"),
            format!("{ORPHAN}; delete the old pods once the new ones are ready"),
        )
    } else {
        (
            "renames the StatefulSet and its headless Service: Helm deletes the old StatefulSet \
             and its pods, and the new pods get new, empty claims"
                .to_string(),
            "keep the name, or copy the data from the old claims into the new ones before use"
                .to_string(),
        )
    };
    Some(Hazard {
        change: format!("values.yaml {subject}"),
        problem,
        remedy,
    })
}

fn version(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    files: &[FileReview],
    values: &[ValueChange],
    hazards: &[Hazard],
) -> Version {
    let chart =
        |files: &BTreeMap<String, String>| yaml_value(files.get("Chart.yaml").map(String::as_str));
    let (mut old_chart, mut new_chart) = (chart(old), chart(new));
    let current = field(&old_chart, "version");
    let new_version = field(&new_chart, "version");
    for chart in [&mut old_chart, &mut new_chart] {
        if let Some(map) = chart.as_object_mut() {
            map.remove("version");
        }
    }
    let content_changed =
        files.iter().any(|f| f.change.path != "Chart.yaml") || old_chart != new_chart;
    let breaking = !hazards.is_empty() || values.iter().any(|v| v.status == Status::Removed);
    let adds = values.iter().any(|v| v.status == Status::Added);
    // SemVer's 0.x: anything may change, so a breaking change bumps the minor version and any
    // other the patch (as Cargo reads 0.x versions).
    let initial = current.as_deref().is_some_and(|c| c.starts_with("0."));
    let bump = match (content_changed, breaking, adds, initial) {
        (false, ..) => Bump::None,
        (true, true, _, true) => Bump::Minor,
        (true, _, _, true) => Bump::Patch,
        (true, true, _, false) => Bump::Major,
        (true, false, true, false) => Bump::Minor,
        (true, false, false, false) => Bump::Patch,
    };
    let proposed = current.as_deref().and_then(|c| bumped(c, bump));
    Version {
        current,
        new: new_version,
        bump,
        proposed,
    }
}

/// `1.4.2` bumped: patch `1.4.3`, minor `1.5.0`, major `2.0.0`. Pre-release and build parts
/// are dropped. None when `version` is not SemVer.
pub fn bumped(version: &str, bump: Bump) -> Option<String> {
    let core = version.split(['-', '+']).next()?;
    let parts: Vec<u64> = core
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    Some(match bump {
        Bump::None => version.to_string(),
        Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
        Bump::Minor => format!("{major}.{}.0", minor + 1),
        Bump::Major => format!("{}.0.0", major + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Side {
        Side::new(
            pairs
                .iter()
                .map(|(p, c)| (p.to_string(), c.to_string()))
                .collect(),
        )
    }

    #[test]
    fn value_changes_are_listed_by_key_ignoring_comments_and_order() {
        let old = files(&[(
            "values.yaml",
            "# c\nreplicaCount: 1\nimage:\n  tag: \"1\"\n",
        )]);
        let new = files(&[(
            "values.yaml",
            "image:\n  tag: \"2\"\nreplicaCount: 1\nextra: {}\n",
        )]);
        let r = compare(&old, &new, false);
        let got: Vec<_> = r
            .values
            .iter()
            .map(|v| (v.key.as_str(), v.status, v.effect))
            .collect();
        assert_eq!(
            got,
            [
                ("extra", Status::Added, Effect::RollsPods),
                ("image.tag", Status::Changed, Effect::RollsPods)
            ]
        );
        assert_eq!(r.version.bump, Bump::Minor, "a key was added");
        assert_eq!(
            r.version.proposed, None,
            "no Chart.yaml, no version to bump"
        );
    }

    #[test]
    fn a_storage_size_change_is_a_hazard_with_the_resize_remedy() {
        let chart = "name: app\nversion: 1.2.3\n";
        let old = files(&[
            ("Chart.yaml", chart),
            ("values.yaml", "persistence:\n  data:\n    size: 1Gi\n"),
        ]);
        let new = files(&[
            ("Chart.yaml", chart),
            ("values.yaml", "persistence:\n  data:\n    size: 5Gi\n"),
        ]);
        let mut effects = Effects::default();
        effects.declare("persistence".into(), Effect::NeedsRecreate);
        let new = Side::rendered(new.files, new.values, effects);
        let r = compare(&old, &new, false);
        assert_eq!(r.effect, Effect::NeedsRecreate);
        assert_eq!(r.hazards.len(), 1);
        assert!(
            r.hazards[0].remedy.contains("kubectl patch pvc"),
            "{:?}",
            r.hazards
        );
        assert_eq!(r.version.bump, Bump::Major);
        assert_eq!(r.version.proposed.as_deref(), Some("2.0.0"));
        assert!(r.warnings[0].starts_with("the chart changed but its version did not"));
    }

    #[test]
    fn unchanged_is_the_review_of_a_chart_against_itself() {
        let example = |path: &str| {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/web-apps/");
            std::fs::read_to_string(format!("{dir}{path}")).unwrap()
        };
        let chart = files(&[
            ("Chart.yaml", &example("Chart.yaml")),
            ("values.yaml", &example("values.yaml")),
            (
                "templates/statefulset.yaml",
                &example("templates/statefulset.yaml"),
            ),
        ]);
        for show_secrets in [false, true] {
            let itself = compare(&chart, &chart, show_secrets);
            assert_eq!(
                unchanged(
                    chart.files.get("Chart.yaml").map(String::as_str),
                    show_secrets
                ),
                itself
            );
            assert_eq!(itself.version.current.as_deref(), Some("0.1.0"));
        }
        assert_eq!(
            unchanged(None, false),
            compare(&files(&[]), &files(&[]), false)
        );
    }

    #[test]
    fn filling_an_empty_map_adds_keys_and_removes_nothing() {
        let old = files(&[("values.yaml", "podAnnotations: {}\n")]);
        let new = files(&[("values.yaml", "podAnnotations:\n  team: a\n")]);
        let r = compare(&old, &new, false);
        let got: Vec<_> = r
            .values
            .iter()
            .map(|v| (v.key.as_str(), v.status))
            .collect();
        assert_eq!(got, [("podAnnotations.team", Status::Added)]);
    }

    #[test]
    fn secret_values_are_hidden_unless_asked() {
        let old = files(&[("values.yaml", "secrets:\n  TOKEN: a\n")]);
        let new = files(&[("values.yaml", "secrets:\n  TOKEN: b\n")]);
        assert_eq!(
            compare(&old, &new, false).values[0].new,
            Some(Value::String("(hidden)".into()))
        );
        assert_eq!(
            compare(&old, &new, true).values[0].new,
            Some(Value::String("b".into()))
        );
        // `secrets` at any depth, or holding a list or a plain value.
        for (before, after) in [
            (
                "global:\n  secrets:\n    TOKEN: a\n",
                "global:\n  secrets:\n    TOKEN: b\n",
            ),
            ("secrets: a\n", "secrets: b\n"),
            ("secrets: [{value: a}]\n", "secrets: [{value: b}]\n"),
        ] {
            let (old, new) = (
                files(&[("values.yaml", before)]),
                files(&[("values.yaml", after)]),
            );
            let shown = format!("{:?}", compare(&old, &new, false).values);
            assert!(!shown.contains("\"b\""), "{after}: {shown}");
        }
    }

    #[test]
    fn statefulset_lines_are_judged_by_their_section() {
        let old = "spec:\n  serviceName: a\n  template:\n    spec:\n      x: 1\n  volumeClaimTemplates:\n    - size: 1\n";
        let pod = old.replace("x: 1", "x: 2");
        let claims = old.replace("size: 1", "size: 2");
        let mut hazards = Vec::new();
        assert_eq!(
            statefulset_effect(old, &pod, &mut hazards),
            Effect::RollsPods
        );
        assert!(hazards.is_empty());
        assert_eq!(
            statefulset_effect(old, &claims, &mut hazards),
            Effect::NeedsRecreate
        );
        assert_eq!(hazards[0].change, "the StatefulSet's volumeClaimTemplates");
    }

    #[test]
    fn chart_yaml_written_another_way_asks_for_no_version() {
        let old = files(&[("Chart.yaml", "name: app\nversion: 0.1.0\n")]);
        let new = files(&[("Chart.yaml", "name: app\nversion: \"0.1.0\"\n")]);
        let r = compare(&old, &new, false);
        assert_eq!(r.files.len(), 1);
        assert_eq!(r.version.bump, Bump::None);
        assert_eq!(r.warnings, Vec::<String>::new());
    }

    #[test]
    fn versions_bump_by_semver() {
        assert_eq!(bumped("1.4.2", Bump::Patch).as_deref(), Some("1.4.3"));
        assert_eq!(bumped("1.4.2-rc.1", Bump::Minor).as_deref(), Some("1.5.0"));
        assert_eq!(bumped("1.4.2", Bump::Major).as_deref(), Some("2.0.0"));
        assert_eq!(bumped("x", Bump::Patch), None);
    }
}
