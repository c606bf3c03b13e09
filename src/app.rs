//! The commands, as library functions: paths in, typed results or errors out.

use std::path::{Path, PathBuf};

use crate::chart::Chart;
use crate::error::{Error, describe};
use crate::load::{SpecFile, load};
use crate::lock::{LOCK_FILE, Lock};
use crate::plan::{Action, Change, plan, previous_lock};
use crate::render::render;
use crate::validate::validate;
use crate::write::{Written, write};

/// The spec's file name inside a chart folder.
pub const SPEC_FILE: &str = "chartgen.yaml";

/// A spec compiled into its chart, in memory.
#[derive(Debug)]
pub struct Compiled {
    pub file: SpecFile,
    pub chart: Chart,
    /// Warnings about the spec, ready to print.
    pub warnings: Vec<String>,
}

/// What a command that writes did.
#[derive(Debug)]
pub struct Done {
    pub written: Written,
    pub warnings: Vec<String>,
}

/// Loads, validates and renders a spec: the whole chart, in memory.
pub fn compile(path: &Path) -> Result<Compiled, Error> {
    compile_file(load(path)?)
}

pub fn compile_file(file: SpecFile) -> Result<Compiled, Error> {
    let warnings = validate(&file)?
        .iter()
        .map(|w| describe(&file.path, &file.text, std::slice::from_ref(w)))
        .collect();
    let chart = render(&file.spec)?;
    Ok(Compiled {
        file,
        chart,
        warnings,
    })
}

/// Checks a spec without writing anything; returns its warnings.
pub fn check(path: &Path) -> Result<Vec<String>, Error> {
    Ok(compile(path)?.warnings)
}

/// Regenerates the chart of `spec` into `out`. Files a person changed since chartgen wrote
/// them, or that chartgen never wrote but would overwrite, stop it unless `force`.
pub fn generate(spec: &Path, out: &Path, force: bool) -> Result<Done, Error> {
    let compiled = compile(spec)?;
    let chart = locked(compiled.chart);
    let changes = plan(out, &chart, &previous_lock(out));
    let conflicts: Vec<Change> = changes
        .iter()
        .filter(|c| c.conflict.is_some())
        .cloned()
        .collect();
    if !conflicts.is_empty() && !force {
        return Err(Error::HandEdited { changes: conflicts });
    }
    let stale: Vec<String> = changes
        .into_iter()
        .filter(|c| c.action == Action::Remove)
        .map(|c| c.path)
        .collect();
    Ok(Done {
        written: write(out, &chart, &stale)?,
        warnings: compiled.warnings,
    })
}

/// What `generate` would change in `out`, writing nothing (for `generate --check`).
pub fn pending(spec: &Path, out: &Path) -> Result<(Vec<Change>, Vec<String>), Error> {
    let compiled = compile(spec)?;
    let chart = locked(compiled.chart);
    Ok((plan(out, &chart, &previous_lock(out)), compiled.warnings))
}

/// The chart with its lock file added.
pub fn locked(mut chart: Chart) -> Chart {
    let lock = Lock::of(&chart);
    chart.insert(LOCK_FILE, lock.text());
    chart
}

/// Where the spec and the chart are, from the command line's folder and `-f`/`-o` options.
pub fn locate(dir: Option<&Path>, file: Option<&Path>, out: Option<&Path>) -> (PathBuf, PathBuf) {
    let dir = dir.map(Path::to_path_buf);
    let spec = match (file, &dir) {
        (Some(f), _) => f.to_path_buf(),
        (None, Some(d)) => d.join(SPEC_FILE),
        (None, None) => PathBuf::from(SPEC_FILE),
    };
    let out = match (out, dir) {
        (Some(o), _) => o.to_path_buf(),
        (None, Some(d)) => d,
        (None, None) => spec
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    };
    (spec, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_goes_beside_the_spec_unless_told_otherwise() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(locate(None, None, None), (p("chartgen.yaml"), p(".")));
        assert_eq!(
            locate(Some(&p("app")), None, None),
            (p("app/chartgen.yaml"), p("app"))
        );
        assert_eq!(
            locate(None, Some(&p("s/x.yaml")), None),
            (p("s/x.yaml"), p("s"))
        );
        assert_eq!(
            locate(None, Some(&p("x.yaml")), Some(&p("out"))),
            (p("x.yaml"), p("out"))
        );
    }
}
