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
mod properties;
mod regenerate;
mod review;
mod scaffold;
mod seeds;
mod strings;
mod support;
mod symlinks;
