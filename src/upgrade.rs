//! `chartgen review`: what an upgrade from one set of rendered Kubernetes objects to another
//! does to a running release. Objects are matched by API group, kind, namespace and name; each
//! changed object lists its changed fields, its effect, and the changes the Kubernetes API
//! would refuse (see `apiserver`), with the remedy.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::apiserver::{self, KubeVersion, Refusal};
use crate::change::Status;
use crate::effect::Effect;
use crate::error::Error;
use crate::fields::{FieldChange, compare, label};
use crate::manifest::{Document, Object, ObjectId};

#[derive(Debug, Clone)]
pub struct Options {
    /// The namespace of namespaced objects that name none (empty: none).
    pub namespace: String,
    pub kube_version: KubeVersion,
    /// Whether Secret values may appear in the field changes.
    pub show_secrets: bool,
}

/// One object added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectChange {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub status: Status,
    pub effect: Effect,
    /// The template it comes from (Helm's `# Source:` comment), new side first.
    pub source: Option<String>,
    /// What holds the roll-out back or shapes it (OnDelete, a partition, Recreate).
    pub rollout: Option<String>,
    /// The changed fields of a changed object; empty for added and removed ones.
    pub changes: Vec<FieldChange>,
}

impl ObjectChange {
    pub fn id(&self) -> ObjectId {
        ObjectId {
            group: self.group.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

/// A change the Kubernetes API refuses (or silently ignores) on an existing object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hazard {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub field: String,
    pub problem: String,
    pub remedy: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Upgrade {
    pub objects: Vec<ObjectChange>,
    pub hazards: Vec<Hazard>,
    pub warnings: Vec<String>,
    pub effect: Effect,
}

impl Upgrade {
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

/// Reviews the upgrade from the documents `old` to `new`. An object twice on one side is an
/// error.
///
/// A document byte-identical on both sides holds the same objects: it is not parsed (unless a
/// warning needs the pods it describes), so a review costs what the change is, not what the
/// manifests are. Such a document is not checked either, which is the one place a broken
/// document or a duplicate goes unreported: the same on both sides, it changes nothing.
pub fn upgrade(
    old: Vec<Document>,
    new: Vec<Document>,
    options: &Options,
) -> Result<Upgrade, Error> {
    let (old, new, mut unchanged) = differing(old, new);
    let (mut old, mut new) = (
        by_id(objects(&old, options)?)?,
        by_id(objects(&new, options)?)?,
    );
    let mut review = Upgrade {
        objects: Vec::new(),
        hazards: Vec::new(),
        warnings: Vec::new(),
        effect: Effect::NoOp,
    };
    review
        .warnings
        .extend(one_sided_hooks(&mut old, &mut new, &unchanged));
    let ids: std::collections::BTreeSet<&ObjectId> = old.keys().chain(new.keys()).collect();
    for id in ids {
        let change = match (old.get(id), new.get(id)) {
            (Some(a), Some(b)) => changed(a, b, options, &mut review),
            (Some(a), None) => Some(added_or_removed(a, Status::Removed)),
            (None, Some(b)) => Some(added_or_removed(b, Status::Added)),
            (None, None) => None,
        };
        review.objects.extend(change);
    }
    for added in review
        .objects
        .iter()
        .filter(|o| o.status != Status::Changed)
    {
        let id = added.id();
        let side = if added.status == Status::Added {
            &new
        } else {
            &old
        };
        if let Some(copy) = unchanged
            .objects(options)?
            .iter()
            .find(|o| o.object.id == id)
        {
            return Err(Error::DuplicateObject {
                object: id.to_string(),
                origin: side[&id].origin.clone(),
                first: copy.origin_on(added.status),
            });
        }
    }
    replacements(&old, &new, &mut review);
    let stale = stale_readers(&old, &new, &review.objects, &mut unchanged, options)?;
    review.warnings.extend(stale);
    review.warnings.extend(kept_claims(&old, &new));
    review.effect = review
        .objects
        .iter()
        .map(|o| o.effect)
        .max()
        .unwrap_or(Effect::NoOp);
    Ok(review)
}

/// Documents found byte for byte on both sides, parsed only when something needs their
/// objects: a duplicate check, or pods that read changed config.
struct Unchanged {
    /// Each as it stands on the old side, and where it stands on the new side.
    documents: Vec<(Document, String)>,
    objects: Option<Vec<UnchangedObject>>,
}

struct UnchangedObject {
    object: Object,
    new_origin: String,
}

impl UnchangedObject {
    /// Where it stands on the side an added (new) or removed (old) object came from.
    fn origin_on(&self, status: Status) -> String {
        match status {
            Status::Added => self.new_origin.clone(),
            _ => self.object.origin.clone(),
        }
    }
}

impl Unchanged {
    fn objects(&mut self, options: &Options) -> Result<&[UnchangedObject], Error> {
        if self.objects.is_none() {
            let mut parsed = Vec::new();
            for (document, new_origin) in &self.documents {
                for object in document.objects(&options.namespace)? {
                    let new_origin = new_origin.clone();
                    parsed.push(UnchangedObject { object, new_origin });
                }
            }
            self.objects = Some(parsed);
        }
        Ok(self.objects.as_deref().unwrap_or_default())
    }
}

/// The documents that differ on each side, and those found byte for byte on both.
fn differing(old: Vec<Document>, new: Vec<Document>) -> (Vec<Document>, Vec<Document>, Unchanged) {
    let mut paired = vec![false; new.len()];
    let mut unchanged = Vec::new();
    let mut old_only = Vec::new();
    // Renders of one chart keep their order: most documents pair with the one at the same
    // place, by a plain comparison; only the rest are looked up by their text.
    let mut rest = Vec::new();
    for (index, document) in old.into_iter().enumerate() {
        match new.get(index) {
            Some(twin) if twin.text == document.text => {
                paired[index] = true;
                unchanged.push((document, twin.origin()));
            }
            _ => rest.push(document),
        }
    }
    let mut unpaired: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, document) in new.iter().enumerate().rev() {
        if !paired[index] {
            unpaired
                .entry(document.text.as_str())
                .or_default()
                .push(index);
        }
    }
    for document in rest {
        match unpaired.get_mut(document.text.as_str()).and_then(Vec::pop) {
            Some(index) => {
                paired[index] = true;
                unchanged.push((document, new[index].origin()));
            }
            None => old_only.push(document),
        }
    }
    let new_only = new
        .into_iter()
        .zip(paired)
        .filter_map(|(document, paired)| (!paired).then_some(document))
        .collect();
    let unchanged = Unchanged {
        documents: unchanged,
        objects: None,
    };
    (old_only, new_only, unchanged)
}

fn objects(documents: &[Document], options: &Options) -> Result<Vec<Object>, Error> {
    let mut objects = Vec::new();
    for document in documents {
        objects.extend(document.objects(&options.namespace)?);
    }
    Ok(objects)
}

/// The objects of one side by id, normalized as the API server stores them.
fn by_id(objects: Vec<Object>) -> Result<BTreeMap<ObjectId, Object>, Error> {
    let mut map: BTreeMap<ObjectId, Object> = BTreeMap::new();
    for mut object in objects {
        if let Some(first) = map.get(&object.id) {
            return Err(Error::DuplicateObject {
                object: object.id.to_string(),
                origin: object.origin,
                first: first.origin.clone(),
            });
        }
        apiserver::normalize(&object.id.kind, &mut object.body);
        map.insert(object.id.clone(), object);
    }
    Ok(map)
}

fn object_change(object: &Object, status: Status, effect: Effect) -> ObjectChange {
    let ObjectId {
        group,
        kind,
        namespace,
        name,
    } = object.id.clone();
    ObjectChange {
        group,
        kind,
        namespace,
        name,
        status,
        effect,
        source: object.source.clone(),
        rollout: None,
        changes: Vec::new(),
    }
}

fn added_or_removed(object: &Object, status: Status) -> ObjectChange {
    let effect = if is_hook(&object.body) {
        Effect::NoOp
    } else {
        Effect::Updates
    };
    object_change(object, status, effect)
}

/// `helm get manifest` prints a release without its hooks and tests, `helm template` with
/// them: when only one side holds any, comparing them would list every hook as added or
/// removed. They are left out, and the review says so.
fn one_sided_hooks(
    old: &mut BTreeMap<ObjectId, Object>,
    new: &mut BTreeMap<ObjectId, Object>,
    unchanged: &Unchanged,
) -> Option<String> {
    // A document found on both sides that holds a hook gives both sides one; the text check
    // can only err towards "has hooks", which keeps them in the review.
    let shared = unchanged
        .documents
        .iter()
        .any(|(document, _)| document.text.contains("helm.sh/hook"));
    let has = |side: &BTreeMap<ObjectId, Object>| shared || side.values().any(|o| is_hook(&o.body));
    if has(old) == has(new) {
        return None;
    }
    old.retain(|_, o| !is_hook(&o.body));
    new.retain(|_, o| !is_hook(&o.body));
    Some(
        "one side holds Helm hooks or tests and the other none (as `helm get manifest` prints \
         a release): hooks and tests are left out of this review; Helm deletes and creates them \
         anew at each run"
            .into(),
    )
}

/// Helm creates hooks (and tests) anew at each run and never updates them in place.
fn is_hook(body: &Value) -> bool {
    body.pointer("/metadata/annotations/helm.sh~1hook")
        .is_some()
}

/// A changed object; its hazards and caveats go to `review`.
fn changed(
    old: &Object,
    new: &Object,
    options: &Options,
    review: &mut Upgrade,
) -> Option<ObjectChange> {
    let mut changes = compare(&old.body, &new.body);
    changes.retain(|c| !apiserver::same_quantity(c));
    if changes.is_empty() {
        return None;
    }
    let kind = new.id.kind.as_str();
    let mut change = object_change(new, Status::Changed, Effect::Updates);
    change.source = new.source.clone().or_else(|| old.source.clone());
    if is_hook(&old.body) || is_hook(&new.body) {
        change.effect = Effect::NoOp;
    } else {
        let refusals =
            apiserver::refusals(kind, &old.body, &new.body, &changes, options.kube_version);
        if changes
            .iter()
            .any(|c| apiserver::is_pod_template(kind, &c.path))
        {
            change.effect = Effect::RollsPods;
            change.rollout = apiserver::rollout(kind, &new.body);
        }
        if !refusals.is_empty() {
            change.effect = Effect::NeedsRecreate;
        }
        review
            .hazards
            .extend(refusals.into_iter().map(|r| hazard(&new.id, r)));
        let caveats = apiserver::caveats(kind, &changes);
        review
            .warnings
            .extend(caveats.into_iter().map(|c| format!("{}: {c}", new.id)));
    }
    if kind == "Secret" && !options.show_secrets {
        changes.iter_mut().for_each(hide_secret_data);
    }
    change.changes = changes;
    Some(change)
}

fn hazard(id: &ObjectId, refusal: Refusal) -> Hazard {
    Hazard {
        kind: id.kind.clone(),
        name: id.name.clone(),
        namespace: id.namespace.clone(),
        field: refusal.field,
        problem: refusal.problem,
        remedy: refusal.remedy,
    }
}

/// A Secret's values never appear, plain or base64: each reads `(hidden)`.
fn hide_secret_data(change: &mut FieldChange) {
    let secret = ["data", "stringData"].iter().any(|root| {
        change.path == *root
            || change.path.starts_with(&format!("{root}["))
            || change.path.starts_with(&format!("{root}."))
    });
    if !secret {
        return;
    }
    let hide = |value: &mut Option<Value>| {
        if let Some(v) = value {
            *v = match v {
                Value::Object(map) => Value::Object(
                    map.keys()
                        .map(|k| (k.clone(), Value::String(HIDDEN.into())))
                        .collect(),
                ),
                _ => Value::String(HIDDEN.into()),
            };
        }
    };
    hide(&mut change.old);
    hide(&mut change.new);
}

/// What a hidden Secret value reads.
pub const HIDDEN: &str = "(hidden)";

/// Objects that go while another of the same name, or a StatefulSet with the same selector,
/// comes: nothing carries over from the old object to the new one.
fn replacements(
    old: &BTreeMap<ObjectId, Object>,
    new: &BTreeMap<ObjectId, Object>,
    review: &mut Upgrade,
) {
    let mut added: HashMap<String, Vec<&Object>> = HashMap::new();
    for came in new.values().filter(|o| !old.contains_key(&o.id)) {
        for key in apiserver::replacement_keys(came) {
            added.entry(key).or_default().push(came);
        }
    }
    let position: HashMap<ObjectId, usize> = review
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id(), i))
        .collect();
    for gone in old.values().filter(|o| !new.contains_key(&o.id)) {
        let mut candidates: Vec<&Object> = apiserver::replacement_keys(gone)
            .iter()
            .filter_map(|key| added.get(key))
            .flatten()
            .copied()
            .collect();
        candidates.sort_by(|a, b| a.id.cmp(&b.id));
        candidates.dedup_by(|a, b| a.id == b.id);
        for came in candidates {
            if let Some(refusal) = apiserver::replacement(gone, came) {
                review.hazards.push(hazard(&came.id, refusal));
                if let Some(&i) = position.get(&came.id) {
                    review.objects[i].effect = Effect::NeedsRecreate;
                }
            }
        }
    }
}

/// A ConfigMap or Secret whose data changed, read by pods whose template did not: they keep
/// what they read until they restart.
fn stale_readers(
    old: &BTreeMap<ObjectId, Object>,
    new: &BTreeMap<ObjectId, Object>,
    objects: &[ObjectChange],
    unchanged: &mut Unchanged,
    options: &Options,
) -> Result<Vec<String>, Error> {
    let sources: Vec<&ObjectChange> = objects
        .iter()
        .filter(|o| {
            o.status == Status::Changed && matches!(o.kind.as_str(), "ConfigMap" | "Secret")
        })
        .filter(|o| {
            o.changes.iter().any(|c| {
                ["data", "binaryData", "stringData"]
                    .iter()
                    .any(|root| c.path.starts_with(root))
            })
        })
        .collect();
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let rolled: std::collections::HashSet<ObjectId> = objects
        .iter()
        .filter(|o| o.effect >= Effect::RollsPods)
        .map(ObjectChange::id)
        .collect();
    // Pods that run on: those of unchanged documents, and changed workloads that existed
    // before and kept their pod template.
    let readers = new
        .values()
        .filter(|r| old.contains_key(&r.id) && !rolled.contains(&r.id))
        .chain(unchanged.objects(options)?.iter().map(|u| &u.object))
        .filter(|r| apiserver::keeps_pods_running(&r.id.kind) && !is_hook(&r.body));
    let mut warnings = Vec::new();
    for reader in readers {
        let Some(pod) = apiserver::pod_spec(&reader.id.kind, &reader.body) else {
            continue;
        };
        for source in &sources {
            if reader.id.namespace == source.namespace
                && apiserver::reads(pod, &source.kind, &source.name)
            {
                warnings.push(format!(
                    "{} {} changed, but the pods of {} that read it do not roll: they keep the old \
                     content until restarted (`kubectl rollout restart {} {}{}`), or add a \
                     checksum annotation of it to the pod template",
                    source.kind,
                    source.name,
                    reader.id,
                    reader.id.kind.to_lowercase(),
                    reader.id.name,
                    match reader.id.namespace.as_str() {
                        "" => String::new(),
                        ns => format!(" -n {ns}"),
                    },
                ));
            }
        }
    }
    Ok(warnings)
}

/// A StatefulSet removed for good leaves its claims (and their data) behind.
fn kept_claims(old: &BTreeMap<ObjectId, Object>, new: &BTreeMap<ObjectId, Object>) -> Vec<String> {
    old.values()
        .filter(|o| o.id.kind == "StatefulSet" && !new.contains_key(&o.id))
        .filter_map(|o| {
            let claims = o.body.pointer("/spec/volumeClaimTemplates")?.as_array()?;
            let claims: Vec<String> = claims
                .iter()
                .filter_map(|c| c.pointer("/metadata/name").map(label))
                .map(|claim| format!("{claim}-{}-N", o.id.name))
                .collect();
            let deleted = o
                .body
                .pointer("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted")
                .is_some_and(|v| v == "Delete");
            let fate = if deleted {
                "its retention policy deletes them: their data is lost"
            } else {
                "they and their data stay until deleted by hand"
            };
            (!claims.is_empty()).then(|| {
                format!(
                    "{} is removed; its claims ({}): {fate}",
                    o.id,
                    claims.join(", ")
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::split;

    fn options() -> Options {
        Options {
            namespace: String::new(),
            kube_version: KubeVersion::NEWEST,
            show_secrets: false,
        }
    }

    const MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: '1'}\n";

    #[test]
    fn documents_the_same_on_both_sides_are_not_parsed() {
        let broken = "a: [1\n";
        let service =
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP}\n";
        let old = split("old", &format!("{broken}---\n{service}"));
        let new = service.replace("ClusterIP", "NodePort");
        let new = split("new", &format!("{broken}---\n{new}"));
        let review = upgrade(old, new, &options()).unwrap();
        assert_eq!(review.objects.len(), 1);
        assert_eq!(review.objects[0].changes[0].path, "spec.type");
    }

    #[test]
    fn a_duplicate_is_found_even_beside_an_unchanged_copy() {
        for (old, new, expected) in [
            (
                MAP.to_string(),
                format!("{MAP}---\n{MAP}"),
                "new:6: ConfigMap a appears twice (first at new:1)",
            ),
            (
                format!("{MAP}---\n{MAP}"),
                MAP.to_string(),
                "old:6: ConfigMap a appears twice (first at old:1)",
            ),
        ] {
            let err = upgrade(split("old", &old), split("new", &new), &options()).unwrap_err();
            assert_eq!(err.to_string(), expected);
        }
    }
}
