//! The ranges the Kubernetes API validates its integer fields against, stated once: `validate`
//! checks the spec with them, and values.schema.json hands them to Helm for the values knobs.
//!
//! From the API server's validation (pkg/apis/core/validation, apps, batch, policy):
//! `IsValidPortNum` for every port, node ports included (the 30000-32767 range is the
//! default of a cluster setting, `--service-node-port-range`, not an API rule); weights of
//! preferred scheduling and pod affinity terms 1 to 100; `IsValidUserID` / `IsValidGroupID`
//! for user and group IDs; `ValidateNonnegativeField` for counts and seconds; int32 fields
//! stop at 2147483647.

use serde_json::{Value, json};

/// An inclusive range of integers, and how to say a value is outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub min: i64,
    pub max: i64,
    pub says: Says,
}

/// How a message names the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Says {
    /// What a value of the range is: `80000 is not a port number (1 to 65535)`.
    Noun(&'static str),
    /// The limit passed, and why the maximum is what it is: `must be 0 or more`.
    Limits(&'static str),
}

const INT32_MAX: i64 = i32::MAX as i64;
/// Helm reads the numbers of values.yaml as float64, exact up to 2^53: a larger integer
/// reaches Kubernetes as another number.
const EXACT_IN_HELM: i64 = (1 << 53) - 1;

const INT32: &str = "Kubernetes keeps it as a 32-bit integer";
const FLOAT64: &str = "Helm reads larger numbers inexactly";

/// Container, Service and node ports.
pub const PORT: Bound = Bound {
    min: 1,
    max: 65535,
    says: Says::Noun("a port number"),
};
/// Weights of preferred node affinity and pod (anti-)affinity terms.
pub const WEIGHT: Bound = Bound {
    min: 1,
    max: 100,
    says: Says::Noun("a scheduling weight"),
};
/// User and group IDs (runAsUser, runAsGroup, fsGroup, supplementalGroups).
pub const ID: Bound = Bound {
    min: 0,
    max: INT32_MAX,
    says: Says::Limits("Kubernetes takes user and group IDs up to 2^31 - 1"),
};
/// Counts and seconds that may be 0: replicas, partition, backoffLimit, initialDelaySeconds,
/// a disruption budget's number of pods.
pub const COUNT: Bound = Bound {
    min: 0,
    max: INT32_MAX,
    says: Says::Limits(INT32),
};
/// Counts and seconds that must be 1 or more: probe periods, timeouts and thresholds, a
/// StatefulSet's maxUnavailable.
pub const POSITIVE: Bound = Bound {
    min: 1,
    max: INT32_MAX,
    says: Says::Limits(INT32),
};
/// int64 seconds that may be 0 (terminationGracePeriodSeconds).
pub const SECONDS: Bound = Bound {
    min: 0,
    max: EXACT_IN_HELM,
    says: Says::Limits(FLOAT64),
};
/// int64 seconds that must be 1 or more (a Job's activeDeadlineSeconds).
pub const DEADLINE: Bound = Bound {
    min: 1,
    max: EXACT_IN_HELM,
    says: Says::Limits(FLOAT64),
};
/// int64 seconds of any sign (tolerationSeconds: 0 or less evicts at once).
pub const SIGNED_SECONDS: Bound = Bound {
    min: -EXACT_IN_HELM,
    max: EXACT_IN_HELM,
    says: Says::Limits(FLOAT64),
};

impl Bound {
    pub fn contains(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// The JSON Schema of an integer in the range.
    pub fn schema(&self) -> Value {
        json!({ "type": "integer", "minimum": self.min, "maximum": self.max })
    }

    /// The JSON Schema of an integer in the range, or null for Kubernetes' default.
    pub fn schema_or_null(&self) -> Value {
        json!({ "type": ["integer", "null"], "minimum": self.min, "maximum": self.max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_helm_the_range() {
        assert_eq!(
            SECONDS.schema(),
            json!({ "type": "integer", "minimum": 0, "maximum": 9007199254740991i64 })
        );
    }
}
