//! Integration tests: the real binary, judged by real Helm v4 and strict Kubernetes schemas.

mod bad_specs;
mod checkov;
mod cli;
mod conventions;
mod crash;
mod crosscheck;
mod diff;
mod golden;
mod helm;
mod helm_conventions;
mod kube_versions;
mod properties;
mod regenerate;
mod review;
mod scaffold;
mod strings;
mod support;
mod symlinks;
