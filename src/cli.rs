//! The command line, as clap types.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand};

use crate::report::Format;

/// Compile a typed application spec into a production-grade Helm chart for a StatefulSet.
#[derive(Debug, Parser)]
#[command(name = "chartgen", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create folder NAME with a spec (chartgen.yaml) from a preset and the chart it generates.
    #[command(
        after_help = "Examples:\n  chartgen new shop\n  chartgen new db --preset postgres --storage 20Gi\n  \
                            chartgen new api --preset python --image ghcr.io/acme/api:1.4.0 --replicas 3"
    )]
    New {
        /// Chart name (a DNS-1123 label), also the folder created
        name: String,
        /// Starting spec (`chartgen presets` lists them)
        #[arg(long, default_value = crate::presets::DEFAULT, value_parser = Offered(crate::presets::names))]
        preset: String,
        /// Image, as REPO or REPO:TAG
        #[arg(long, value_name = "REPO[:TAG]")]
        image: Option<String>,
        /// Number of the first container port
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        port: Option<i64>,
        /// Number of pods
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        replicas: Option<i64>,
        /// Size of the first volume, a Kubernetes quantity (e.g. 10Gi)
        #[arg(long, value_name = "SIZE")]
        storage: Option<String>,
        /// Folder to create NAME in [default: .]
        #[arg(long, value_name = "PARENT")]
        dir: Option<PathBuf>,
        /// Generate into NAME even if it is not empty (its other files are kept)
        #[arg(long)]
        force: bool,
    },
    /// List the presets `chartgen new --preset` accepts.
    Presets,
    /// Regenerate the chart from its spec. Files chartgen does not generate are left alone.
    Generate {
        /// Chart folders holding chartgen.yaml, or those chartgen.yaml files [default: .]
        dirs: Vec<PathBuf>,
        /// Spec file [default: DIR/chartgen.yaml] (one chart only)
        #[arg(short = 'f', long = "file")]
        file: Option<PathBuf>,
        /// Folder to write the chart into [default: the spec's folder] (one chart only)
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        /// Overwrite (or remove) files changed by hand since chartgen wrote them
        #[arg(long, conflicts_with = "check")]
        force: bool,
        /// Remove the files below templates/ that chartgen did not generate (Helm would
        /// render them with the chart)
        #[arg(long, conflicts_with = "check")]
        prune: bool,
        /// Write nothing; exit 1 and list what would change when a chart is out of date
        #[arg(long)]
        check: bool,
        /// Every chart below the folders (hidden and git-ignored folders skipped)
        #[arg(short = 'r', long)]
        recursive: bool,
    },
    /// Show what the spec would change in a chart: per-file diffs, value changes, the effect on
    /// a running release, upgrade hazards and the version bump. Writes nothing; exit 1 when
    /// there are differences.
    Diff {
        /// Chart folders holding chartgen.yaml, or those chartgen.yaml files [default: .]
        dirs: Vec<PathBuf>,
        /// Spec file [default: DIR/chartgen.yaml] (one chart only)
        #[arg(short = 'f', long = "file")]
        file: Option<PathBuf>,
        /// Compare with this chart instead of the spec's folder (e.g. a hand-written one)
        #[arg(long, value_name = "CHART_DIR")]
        against: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "unified")]
        format: Format,
        /// Lines of context around each change
        #[arg(long, default_value_t = 3, value_name = "N")]
        context: usize,
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
        /// Show secret values in value changes (hidden by default)
        #[arg(long)]
        show_secrets: bool,
        /// Every chart below the folders (hidden and git-ignored folders skipped)
        #[arg(short = 'r', long)]
        recursive: bool,
    },
    /// Review an upgrade from the Kubernetes objects it changes: what `helm get manifest` says
    /// runs now against what `helm template` would apply. Lists objects added, removed and
    /// changed (field by field), the effect on the running release, and the changes Kubernetes
    /// would refuse, with the remedy. Secret values never appear. Exit 1 when different.
    #[command(
        after_help = "Examples:\n  helm get manifest shop -n prod > old.yaml\n  \
                      helm template shop ./shop -n prod -f prod.yaml > new.yaml\n  \
                      chartgen review old.yaml new.yaml\n  \
                      helm template shop ./shop -n prod | chartgen review old.yaml - --format markdown"
    )]
    Review {
        /// What runs now: a file of YAML documents, a folder of them, or - for standard input
        old: PathBuf,
        /// What the upgrade applies, in the same forms
        new: PathBuf,
        #[arg(long, value_enum, default_value = "unified")]
        format: Format,
        /// Namespace of namespaced objects that name none (as `helm template -n`)
        #[arg(short = 'n', long, value_name = "NAMESPACE", default_value = "")]
        namespace: String,
        /// Kubernetes version whose update rules apply
        #[arg(long, value_name = "MAJOR.MINOR", default_value_t = crate::apiserver::KubeVersion::NEWEST)]
        kube_version: crate::apiserver::KubeVersion,
        /// Show Secret values in field changes (hidden by default)
        #[arg(long)]
        show_secrets: bool,
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
    },
    /// Check specs (and that they render); write nothing.
    Validate {
        /// Chart folders holding chartgen.yaml, or those chartgen.yaml files [default: .]
        dirs: Vec<PathBuf>,
        /// Spec file [default: DIR/chartgen.yaml] (one chart only)
        #[arg(short = 'f', long = "file")]
        file: Option<PathBuf>,
    },
    /// Print the JSON Schema of the spec (for editor completion).
    Schema,
    /// Print a shell completion script, e.g. `chartgen completions bash > /etc/bash_completion.d/chartgen`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page: chartgen(1), or chartgen-COMMAND(1) for one command, e.g.
    /// `chartgen man | man -l -`.
    Man {
        /// The command whose page to print [default: chartgen itself]
        command: Option<String>,
    },
}

/// A value offered to shell completion and listed in help and the man page, but checked by
/// chartgen, which words the error like its other flag errors.
#[derive(Clone)]
struct Offered(fn() -> Vec<&'static str>);

impl clap::builder::TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            (self.0)()
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

/// `--format`'s values, each with its help: the library's formats know nothing of clap.
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Format::Unified,
            Format::Stat,
            Format::Json,
            Format::Markdown,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (name, help) = match self {
            Format::Unified => ("unified", "Every change in full, like `diff -u`"),
            Format::Stat => (
                "stat",
                "One line per file or object, like `git diff --stat`",
            ),
            Format::Json => ("json", "One JSON object, for tools"),
            Format::Markdown => ("markdown", "A pull-request comment"),
        };
        Some(PossibleValue::new(name).help(help))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    Always,
    Never,
}
