//! chartgen's errors, as data. All wording for humans lives in Display impls: here, and in
//! `problem` for the kinds of problem a spec has (and `shape` for its shape).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::change::{Conflict, FileChange, Status};
use crate::locate::Pos;
use crate::problem::Kind;
use crate::report::visible;

/// One problem in a spec: where, which field, what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Field path as the user writes it, e.g. `storage[0].size`; empty for the whole document.
    pub field: String,
    pub kind: Kind,
    pub pos: Option<Pos>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// No spec where one was looked for.
    #[error("no spec at `{}`: `chartgen new NAME` writes one from a preset (`chartgen presets` lists them), or name the chart's folder", path.display())]
    NoSpec { path: PathBuf },

    #[error("{}", describe(file, text, problems))]
    Spec {
        file: PathBuf,
        text: String,
        problems: Vec<Problem>,
    },

    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A symbolic link where chartgen would write or remove a file inside the chart folder.
    #[error("`{}` is a symbolic link: chartgen never writes or removes through a link inside the chart folder (replace it with a real folder or file)", link.display())]
    Link { link: PathBuf },

    /// Another process holds the chart folder, and did not let go in time.
    #[error("`{}` is in use by another chartgen run{}; gave up after waiting {} s (run again once it is done)", dir.display(), pid.map(|p| format!(" (pid {p})")).unwrap_or_default(), waited.as_secs_f32())]
    Busy {
        dir: PathBuf,
        pid: Option<u32>,
        waited: std::time::Duration,
    },

    /// A previous run was killed while writing the chart folder, and its changes could not
    /// be undone.
    #[error("`{}`: a previous chartgen run was interrupted while writing this chart, and undoing its changes failed: {source} (the files it replaced are kept in `{}`)", dir.display(), kept.display())]
    Interrupted {
        dir: PathBuf,
        kept: PathBuf,
        source: std::io::Error,
    },

    #[error("`{}` already exists and is not empty (choose another name, or --force to generate into it)", path.display())]
    NotEmpty { path: PathBuf },

    /// Command-line values that the spec would refuse, by flag: (`--port`, what is wrong).
    #[error("{}", flags.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("\n"))]
    Flags { flags: Vec<(String, String)> },

    /// Regeneration would overwrite or remove files a person changed (or chartgen never wrote).
    #[error("{}", conflicts_report(changes))]
    HandEdited { changes: Vec<FileChange> },

    /// A manifest given to `chartgen review` that is not YAML, or holds no Kubernetes object.
    #[error("{file}:{line}: {message}")]
    Manifest {
        file: String,
        line: usize,
        message: String,
    },

    /// The same object twice on one side of a review.
    #[error("{origin}: {object} appears twice (first at {first})")]
    DuplicateObject {
        object: String,
        origin: String,
        first: String,
    },

    /// A template failed: always a chartgen bug, never the user's input.
    #[error("internal error: template `{template}` failed to render (please report this bug)")]
    Template {
        template: String,
        source: tera::Error,
    },
}

impl Error {
    pub fn spec(file: impl Into<PathBuf>, text: &str, problems: Vec<Problem>) -> Self {
        Error::Spec {
            file: file.into(),
            text: text.to_string(),
            problems,
        }
    }
}

fn conflicts_report(changes: &[FileChange]) -> String {
    let mut out = format!(
        "refusing to change {} file(s) that chartgen did not leave as they are (--force overwrites):",
        changes.len()
    );
    for change in changes {
        let why = match change.conflict {
            Some(Conflict::NotGenerated) => "exists, and chartgen did not generate it",
            _ => "edited since chartgen wrote it",
        };
        let verb = if change.status == Status::Removed {
            ", and chartgen would remove it"
        } else {
            ""
        };
        out.push_str(&format!("\n  {}: {why}{verb}", visible(&change.path)));
    }
    for change in changes {
        out.push('\n');
        out.push_str(change.unified(3, false).trim_end());
    }
    out
}

/// Spec problems as a person reads them, one after another (used for warnings, too).
pub fn describe(file: &Path, text: &str, problems: &[Problem]) -> String {
    SpecReport(file, text, problems).to_string()
}

/// Renders spec problems like rustc: `--> file:line:col`, the source line, a caret.
struct SpecReport<'a>(&'a Path, &'a str, &'a [Problem]);

impl fmt::Display for SpecReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SpecReport(file, text, problems) = self;
        for (i, problem) in problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let file = file.display();
            let field = if problem.field.is_empty() {
                String::new()
            } else {
                format!("{}: ", problem.field)
            };
            let message = within_a_line(&problem.kind.to_string());
            match problem.pos {
                None => write!(f, "{file}: {field}{message}")?,
                Some(pos) => {
                    write!(f, "{file}:{}:{}: {field}{message}", pos.line, pos.col)?;
                    write_snippet(f, text, pos)?;
                }
            }
        }
        Ok(())
    }
}

/// A message quotes the value it is about: a 1 MB value must not come back whole.
fn within_a_line(message: &str) -> String {
    const MAX: usize = 300;
    if message.chars().count() <= MAX {
        return message.to_string();
    }
    message.chars().take(MAX).collect::<String>() + "…"
}

fn write_snippet(f: &mut fmt::Formatter<'_>, text: &str, pos: Pos) -> fmt::Result {
    let Some(line) = text.lines().nth(pos.line.saturating_sub(1)) else {
        return Ok(());
    };
    // A 10 MB one-line spec must not be echoed back whole.
    let shown: String = line.chars().take(120).collect();
    let number = pos.line.to_string();
    let gutter = " ".repeat(number.len());
    let caret = " ".repeat(pos.col.saturating_sub(1).min(120));
    write!(f, "\n{gutter} |\n{number} | {shown}\n{gutter} | {caret}^")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bounds;
    use crate::problem::Invalid;

    #[test]
    fn spec_errors_show_position_line_and_caret() {
        let err = Error::spec(
            "app/chartgen.yaml",
            "name: demo\nreplicas: -1\n",
            vec![Problem {
                field: "replicas".into(),
                kind: Kind::Invalid(Invalid::Outside {
                    value: -1,
                    bound: bounds::COUNT,
                }),
                pos: Some(Pos { line: 2, col: 11 }),
            }],
        );
        assert_eq!(
            err.to_string(),
            "app/chartgen.yaml:2:11: replicas: must be 0 or more\n  |\n2 | replicas: -1\n  |           ^"
        );
    }
}
