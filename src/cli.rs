//! The command line, as clap types.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Compile a typed application spec into a production-grade Helm chart for a StatefulSet.
#[derive(Debug, Parser)]
#[command(name = "chartgen", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create folder NAME with a spec (chartgen.yaml) and the chart it generates.
    New {
        /// Folder to create; its last component is the chart name.
        name: PathBuf,
        /// Starting spec to use.
        #[arg(long, default_value = crate::presets::DEFAULT)]
        preset: String,
    },
    /// Regenerate the chart from its spec. Files chartgen does not generate are left alone.
    Generate {
        /// Chart folder holding chartgen.yaml [default: .]
        dir: Option<PathBuf>,
        /// Spec file [default: DIR/chartgen.yaml]
        #[arg(short = 'f', long = "file")]
        file: Option<PathBuf>,
        /// Folder to write the chart into [default: the spec's folder]
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        /// Overwrite (or remove) files changed by hand since chartgen wrote them
        #[arg(long, conflicts_with = "check")]
        force: bool,
        /// Write nothing; exit 1 and list what would change when the chart is out of date
        #[arg(long)]
        check: bool,
    },
    /// Check a spec; write nothing.
    Validate {
        /// Chart folder holding chartgen.yaml [default: .]
        dir: Option<PathBuf>,
        /// Spec file [default: DIR/chartgen.yaml]
        #[arg(short = 'f', long = "file")]
        file: Option<PathBuf>,
    },
    /// Print the JSON Schema of the spec (for editor completion).
    Schema,
}
