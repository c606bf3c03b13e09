//! Integration tests: the real binary, judged by real Helm v4 and strict Kubernetes schemas.

// serde_json's json! of a spec with every field nests deeper than the default allows.
#![recursion_limit = "256"]

mod bad_specs;
mod bounds;
mod checkov;
mod cli;
mod conventions;
mod crash;
mod crosscheck;
mod diff;
mod fingerprint;
mod golden;
mod helm;
mod helm_conventions;
mod kube_versions;
mod properties;
mod regenerate;
mod review;
mod scaffold;
mod seeds;
mod strings;
mod support;
mod symlinks;
