//! chartgen: compiles a typed application spec into a Helm chart for a Kubernetes StatefulSet.
//!
//! The pipeline: `load` (text → `Spec`) → `validate` → `render` (→ in-memory `Chart`) →
//! `write` (atomic placement, in a `folder` one run holds at a time). Each step is a module of its own.

pub mod apiserver;
pub mod app;
pub mod batch;
pub mod bounds;
pub mod change;
pub mod chart;
pub mod chart_diff;
pub mod cli;
pub mod effect;
pub mod entry;
pub mod error;
pub mod fields;
pub mod folder;
pub mod input;
pub mod kube;
pub mod kube_range;
pub mod load;
pub mod locate;
pub mod lock;
pub mod manifest;
pub mod metadata;
pub mod plan;
pub mod presets;
pub mod problem;
pub mod quantity;
pub mod readme;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod shape;
pub mod spec;
pub mod text_diff;
pub mod upgrade;
pub mod upgrade_report;
pub mod validate;
pub mod values;
pub mod values_schema;
pub mod write;
pub mod yaml;
pub mod yaml11;
