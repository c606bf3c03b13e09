//! What a change does to a running release, and which values keys feed what.

use std::collections::BTreeMap;

use serde::Serialize;

/// What a change does to a running release, from harmless to disruptive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Metadata, NOTES, docs, hooks and tests: nothing running changes.
    NoOp,
    /// Objects are updated in place (Service, replicas, update strategy...).
    Updates,
    /// The pod template changes: pods are replaced one by one.
    RollsPods,
    /// Kubernetes refuses the change on an existing object: it must be recreated.
    NeedsRecreate,
}

impl Effect {
    pub fn label(self) -> &'static str {
        match self {
            Effect::NoOp => "no-op",
            Effect::Updates => "updates",
            Effect::RollsPods => "rolls pods",
            Effect::NeedsRecreate => "needs recreate",
        }
    }
}

/// The effect of changing each values key, as values.rs declares it beside the key: a key
/// takes the effect of its nearest declaring ancestor, and a top-level key that declares none
/// feeds the pod template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects(BTreeMap<String, Effect>);

impl Effects {
    /// The effect of a key no entry declares: it feeds the pod template.
    pub const POD_TEMPLATE: Effect = Effect::RollsPods;

    pub fn declare(&mut self, key: String, effect: Effect) {
        self.0.insert(key, effect);
    }

    /// The effect of changing `key` (dotted, e.g. `persistence.data.size`).
    pub fn of(&self, key: &str) -> Effect {
        let mut prefix = key;
        loop {
            if let Some(effect) = self.0.get(prefix) {
                return *effect;
            }
            match prefix.rfind('.') {
                Some(dot) => prefix = &prefix[..dot],
                None => return Self::POD_TEMPLATE,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_takes_the_effect_of_its_nearest_declaring_ancestor() {
        let mut effects = Effects::default();
        effects.declare("persistence".into(), Effect::NeedsRecreate);
        effects.declare("persistence.data.mountPath".into(), Effect::RollsPods);
        assert_eq!(effects.of("persistence.data.size"), Effect::NeedsRecreate);
        assert_eq!(effects.of("persistence.data.mountPath"), Effect::RollsPods);
        assert_eq!(effects.of("persistence"), Effect::NeedsRecreate);
        assert_eq!(effects.of("image.tag"), Effect::RollsPods);
    }
}
