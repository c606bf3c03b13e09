//! Typed Kubernetes objects that the spec passes through to values.yaml (affinity, tolerations,
//! security contexts). Typing them, unknown fields refused, means a misspelled or missing field
//! is reported against the spec's line instead of failing at `helm install`.
//! Fields follow the Kubernetes 1.33 API.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::bounds;

/// Declares a struct of optional fields, all camelCase, unknown fields refused, absent ones
/// left out when written back. `+` fields are required, as the Kubernetes API requires them.
/// A field's attributes (the range of an integer, for the spec's JSON Schema) go before its
/// name, after the `+`.
macro_rules! kube_object {
    ($(#[$doc:meta])* $name:ident {
        $(+ $(#[$rattr:meta])* $rfield:ident : $rty:ty,)*
        $($(#[$attr:meta])* $field:ident : $ty:ty,)*
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        pub struct $name {
            $($(#[$rattr])* pub $rfield: $rty,)*
            $(
                $(#[$attr])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }
    };
}

kube_object!(
    /// A container's securityContext.
    SecurityContext {
        allow_privilege_escalation: bool,
        app_armor_profile: Profile,
        capabilities: Capabilities,
        privileged: bool,
        proc_mount: String,
        read_only_root_filesystem: bool,
        #[schemars(range(min = bounds::ID.min, max = bounds::ID.max))]
        run_as_group: i64,
        run_as_non_root: bool,
        #[schemars(range(min = bounds::ID.min, max = bounds::ID.max))]
        run_as_user: i64,
        se_linux_options: SeLinuxOptions,
        seccomp_profile: Profile,
        windows_options: WindowsOptions,
    }
);

kube_object!(
    /// A pod's securityContext.
    PodSecurityContext {
        app_armor_profile: Profile,
        #[schemars(range(min = bounds::ID.min, max = bounds::ID.max))]
        fs_group: i64,
        fs_group_change_policy: String,
        #[schemars(range(min = bounds::ID.min, max = bounds::ID.max))]
        run_as_group: i64,
        run_as_non_root: bool,
        #[schemars(range(min = bounds::ID.min, max = bounds::ID.max))]
        run_as_user: i64,
        se_linux_change_policy: String,
        se_linux_options: SeLinuxOptions,
        seccomp_profile: Profile,
        #[schemars(inner(range(min = bounds::ID.min, max = bounds::ID.max)))]
        supplemental_groups: Vec<i64>,
        supplemental_groups_policy: String,
        sysctls: Vec<Sysctl>,
        windows_options: WindowsOptions,
    }
);

kube_object!(Profile { +r#type: String, localhost_profile: String, });
kube_object!(Capabilities { add: Vec<String>, drop: Vec<String>, });
kube_object!(SeLinuxOptions {
    level: String,
    role: String,
    r#type: String,
    user: String,
});
kube_object!(Sysctl { +name: String, +value: String, });
kube_object!(WindowsOptions {
    gmsa_credential_spec: String,
    gmsa_credential_spec_name: String,
    host_process: bool,
    run_as_user_name: String,
});

kube_object!(
    /// A toleration of a node taint.
    Toleration {
        effect: String,
        key: String,
        operator: String,
        #[schemars(range(min = bounds::SIGNED_SECONDS.min, max = bounds::SIGNED_SECONDS.max))]
        toleration_seconds: i64,
        value: String,
    }
);

kube_object!(
    /// Pod scheduling constraints.
    Affinity {
        node_affinity: NodeAffinity,
        pod_affinity: PodAffinity,
        pod_anti_affinity: PodAffinity,
    }
);

kube_object!(NodeAffinity {
    preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
    required_during_scheduling_ignored_during_execution: NodeSelector,
});
kube_object!(PreferredSchedulingTerm {
    + #[schemars(range(min = bounds::WEIGHT.min, max = bounds::WEIGHT.max))]
    weight: i64,
    +preference: NodeSelectorTerm,
});
kube_object!(NodeSelector { +node_selector_terms: Vec<NodeSelectorTerm>, });
kube_object!(NodeSelectorTerm {
    match_expressions: Vec<Requirement>,
    match_fields: Vec<Requirement>,
});
kube_object!(Requirement { +key: String, +operator: String, values: Vec<String>, });
kube_object!(PodAffinity {
    preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
    required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
});
kube_object!(WeightedPodAffinityTerm {
    + #[schemars(range(min = bounds::WEIGHT.min, max = bounds::WEIGHT.max))]
    weight: i64,
    +pod_affinity_term: PodAffinityTerm,
});
kube_object!(PodAffinityTerm {
    +topology_key: String,
    label_selector: LabelSelector,
    match_label_keys: Vec<String>,
    mismatch_label_keys: Vec<String>,
    namespace_selector: LabelSelector,
    namespaces: Vec<String>,
});
kube_object!(LabelSelector {
    match_expressions: Vec<Requirement>,
    match_labels: BTreeMap<String, String>,
});

kube_object!(
    /// Where an environment variable's value comes from (the API's `valueFrom`): exactly one.
    EnvVarSource {
        secret_key_ref: KeySelector,
        config_map_key_ref: KeySelector,
        field_ref: ObjectFieldSelector,
        resource_field_ref: ResourceFieldSelector,
    }
);
kube_object!(
    /// A key of a Secret or ConfigMap in the pod's namespace.
    KeySelector { +name: String, +key: String, optional: bool, }
);
kube_object!(
    /// A field of the pod, e.g. `metadata.name`.
    ObjectFieldSelector { +field_path: String, api_version: String, }
);
kube_object!(
    /// A request or limit of the container itself, e.g. `limits.memory`, in units of `divisor`.
    ResourceFieldSelector { +resource: String, divisor: String, }
);
kube_object!(
    /// A whole Secret or ConfigMap as environment variables (the API's `envFrom`): exactly one
    /// of the two, each key named with `prefix` before it.
    EnvFromSource {
        secret_ref: ObjectReference,
        config_map_ref: ObjectReference,
        prefix: String,
    }
);
kube_object!(
    /// A Secret or ConfigMap by name; `optional` lets the pod start without it.
    ObjectReference { +name: String, optional: bool, }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_without_adding_fields() {
        let yaml = "podAntiAffinity:\n  preferredDuringSchedulingIgnoredDuringExecution:\n  - weight: 100\n    podAffinityTerm:\n      topologyKey: kubernetes.io/hostname\n";
        let affinity: Affinity = serde_yaml::from_str(yaml).unwrap();
        let back = serde_json::to_value(&affinity).unwrap();
        let term = &back["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
        assert_eq!(
            term["podAffinityTerm"],
            serde_json::json!({ "topologyKey": "kubernetes.io/hostname" })
        );
    }

    #[test]
    fn a_missing_required_field_is_an_error() {
        let yaml = "podAntiAffinity:\n  preferredDuringSchedulingIgnoredDuringExecution:\n  - weight: 100\n";
        let err = serde_yaml::from_str::<Affinity>(yaml)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `podAffinityTerm`"), "{err}");
    }
}
