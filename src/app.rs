//! The commands, as library functions: paths in, typed results or errors out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::change::{FileChange, Status};
use crate::chart::Chart;
use crate::chart_diff::{ChartDiff, Side, bumped, compare, scalar_field, unchanged};
use crate::error::{Error, describe};
use crate::folder::Folder;
use crate::load::{SpecFile, load};
use crate::lock::{LOCK_FILE, Lock};
use crate::manifest::{self, STDIN};
use crate::plan::{Stranger, plan, previous_lock, strangers, up_to_date};
use crate::render::render;
use crate::spec::Spec;
use crate::upgrade::{Options, Upgrade, upgrade};
use crate::validate::{quotable_text, validate};
use crate::values::entries;
use crate::write::{WORK_DIR, Written, refuse_links};

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
    /// What the change does to a running release (hazards, version bump), when the folder
    /// held a chart before and the change touches it.
    pub review: Option<ChartDiff>,
    /// Templates in the folder that chartgen did not generate, left there (see
    /// `plan::strangers`).
    pub strangers: Vec<Stranger>,
    /// Dependencies of the chart not in its `charts/` folder yet: Helm needs `helm dependency
    /// build` first.
    pub unbuilt: Vec<String>,
}

/// What `generate` would change, writing nothing.
#[derive(Debug)]
pub struct DryRun {
    pub changes: Vec<FileChange>,
    pub warnings: Vec<String>,
    pub review: Option<ChartDiff>,
    pub strangers: Vec<Stranger>,
}

/// Loads, validates and renders a spec: the whole chart, in memory.
pub fn compile(path: &Path) -> Result<Compiled, Error> {
    compile_file(load(path)?)
}

pub fn compile_file(file: SpecFile) -> Result<Compiled, Error> {
    let warnings = checked(&file)?;
    compiled(file, warnings)
}

/// Renders a checked spec.
fn compiled(file: SpecFile, warnings: Vec<String>) -> Result<Compiled, Error> {
    let chart = render(&file.spec)?;
    Ok(Compiled {
        file,
        chart,
        warnings,
    })
}

/// Validates a spec: its warnings, ready to print.
fn checked(file: &SpecFile) -> Result<Vec<String>, Error> {
    let warnings = validate(file)?;
    let text = if warnings.is_empty() {
        String::new()
    } else {
        quotable_text(file)
    };
    Ok(warnings
        .iter()
        .map(|w| describe(&file.path, &text, std::slice::from_ref(w)))
        .collect())
}

/// What `chartgen validate` runs: checks a spec and renders it, writing nothing; returns its
/// warnings.
pub fn validate_spec(path: &Path) -> Result<Vec<String>, Error> {
    Ok(compile(path)?.warnings)
}

/// A compiled spec, for the chart folder `out` (held). A spec that does not pin its version
/// gets the version on disk, bumped as the change deserves (see `chart_diff`).
fn compiled_for(compiled: Compiled, out: &Path) -> Result<Compiled, Error> {
    if compiled.file.spec.version.is_some() {
        return Ok(compiled);
    }
    let on_disk = Side::new(read_chart(out, &compiled.chart, &previous_lock(out)));
    versioned(compiled, &on_disk, Against::Itself)
}

/// The compiled chart, its version bumped from the one `on_disk` unless the spec pins one.
fn versioned(mut compiled: Compiled, on_disk: &Side, against: Against) -> Result<Compiled, Error> {
    if compiled.file.spec.version.is_some() {
        return Ok(compiled);
    }
    let Some(current) = on_disk
        .files
        .get("Chart.yaml")
        .and_then(|t| scalar_field(t, "version"))
    else {
        return Ok(compiled);
    };
    let mut spec = compiled.file.spec.clone();
    spec.version = Some(current.clone());
    let same_version = against.comparable(rendered(&spec, render(&spec)?));
    let review = compare(on_disk, &same_version, false);
    spec.version = bumped(&current, review.version.bump).or(Some(current));
    compiled.chart = render(&spec)?;
    Ok(compiled)
}

/// Reviews the upgrade from the objects in `old` to those in `new` (files, folders or `-`).
pub fn review_manifests(old: &Path, new: &Path, options: &Options) -> Result<Upgrade, Error> {
    if old.as_os_str() == STDIN && new.as_os_str() == STDIN {
        return Err(Error::Flags {
            flags: vec![(
                "-".into(),
                "standard input can be only one side of a review".into(),
            )],
        });
    }
    upgrade(manifest::read(old)?, manifest::read(new)?, options)
}

/// Regenerates the chart of `spec` into `out`. Files a person changed since chartgen wrote
/// them, or that chartgen never wrote but would overwrite, stop it unless `force`; templates
/// chartgen never wrote are removed with `prune`, and otherwise kept and named.
pub fn generate(spec: &Path, out: &Path, force: bool, prune: bool) -> Result<Done, Error> {
    let compiled = compile(spec)?;
    let folder = Folder::create(out)?;
    let compiled = compiled_for(compiled, out)?;
    let chart = locked(compiled.chart.clone(), &compiled.file.text);
    let lock = previous_lock(out);
    // Before reading anything to compare: through a link, a refusal would show another folder.
    refuse_links(out, chart.files().map(|(p, _)| p).chain(lock.paths()))?;
    let changes = plan(out, &chart, &lock);
    let conflicts: Vec<FileChange> = changes
        .iter()
        .filter(|c| c.conflict.is_some())
        .cloned()
        .collect();
    if !conflicts.is_empty() && !force {
        return Err(Error::HandEdited { changes: conflicts });
    }
    let review = upgrade_review(out, &compiled, &changes);
    let mut strangers = strangers(out, &chart, &lock);
    let mut stale: Vec<String> = changes
        .into_iter()
        .filter(|c| c.status == Status::Removed)
        .map(|c| c.path)
        .collect();
    if prune {
        let (links, files): (Vec<Stranger>, Vec<Stranger>) =
            strangers.into_iter().partition(|s| s.link);
        stale.extend(files.into_iter().map(|s| s.path));
        strangers = links;
    }
    Ok(Done {
        written: folder.write(&chart, &stale)?,
        unbuilt: unbuilt(out, &compiled.file.spec),
        warnings: compiled.warnings,
        review,
        strangers,
    })
}

/// The dependencies of `spec` that `dir/charts/` holds neither as a folder nor as an archive
/// (`<name>-<version>.tgz`), as Helm's dependency check looks for them.
fn unbuilt(dir: &Path, spec: &Spec) -> Vec<String> {
    let vendored: Vec<String> = std::fs::read_dir(dir.join("charts"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    spec.dependencies
        .iter()
        .map(|d| d.name.clone())
        .filter(|name| {
            let archive = format!("{name}-");
            !vendored
                .iter()
                .any(|v| v == name || (v.starts_with(&archive) && v.ends_with(".tgz")))
        })
        .collect()
}

/// What `generate` would change in `out`, writing nothing (what `generate --check` runs).
pub fn dry_run(spec: &Path, out: &Path) -> Result<DryRun, Error> {
    let file = load(spec)?;
    let warnings = checked(&file)?;
    let _folder = Folder::open(out)?;
    if let Some(lock) = up_to_date(out, &file.text) {
        // The lock lists every file chartgen would write: whatever else is a stranger.
        return Ok(DryRun {
            changes: Vec::new(),
            warnings,
            review: None,
            strangers: strangers(out, &Chart::default(), &lock),
        });
    }
    let compiled = compiled_for(compiled(file, warnings)?, out)?;
    let chart = locked(compiled.chart.clone(), &compiled.file.text);
    let lock = previous_lock(out);
    let changes = plan(out, &chart, &lock);
    Ok(DryRun {
        review: upgrade_review(out, &compiled, &changes),
        strangers: strangers(out, &chart, &lock),
        changes,
        warnings: compiled.warnings,
    })
}

/// The review of regenerating the chart in `out`: none when nothing changes or there was no
/// chart before (an install, not an upgrade).
fn upgrade_review(out: &Path, compiled: &Compiled, changes: &[FileChange]) -> Option<ChartDiff> {
    if changes.iter().all(|c| c.path == LOCK_FILE) {
        return None;
    }
    let on_disk = Side::new(read_chart(out, &compiled.chart, &previous_lock(out)));
    if !on_disk.files.contains_key("Chart.yaml") {
        return None;
    }
    let new = rendered(&compiled.file.spec, compiled.chart.clone());
    Some(compare(&on_disk, &new, false))
}

/// What `chartgen diff` reports: the chart `spec` generates now, against the chart in
/// `against` (a hand-written chart: every file) or in the spec's own folder `out` (the files
/// chartgen generates or generated). The lock is left out: it changes with everything.
pub fn diff(
    spec: &Path,
    out: &Path,
    against: Option<&Path>,
    show_secrets: bool,
) -> Result<(ChartDiff, Vec<String>), Error> {
    let file = load(spec)?;
    let warnings = checked(&file)?;
    let _folder = match against {
        Some(_) => None,
        None => Some(Folder::open(out)?),
    };
    if against.is_none() && up_to_date(out, &file.text).is_some() {
        // Nothing to render, and nothing changes.
        let chart_yaml = crate::plan::read(out, "Chart.yaml");
        return Ok((unchanged(chart_yaml.as_deref(), show_secrets), warnings));
    }
    let compiled = compiled(file, warnings)?;
    let old = Side::new(match against {
        Some(dir) => read_tree(dir)?,
        None => read_chart(out, &compiled.chart, &previous_lock(out)),
    });
    let scope = match against {
        Some(_) => Against::Other,
        None => Against::Itself,
    };
    let mut compiled = versioned(compiled, &old, scope)?;
    let new = scope.comparable(rendered(&compiled.file.spec, compiled.chart));
    if let Some(dir) = against
        && !dir.join(LOCK_FILE).exists()
    {
        compiled.warnings.push(format!(
            "`{}` was not generated by chartgen: the file diffs of two unrelated charts are \
             mostly template noise. To see what replacing it does to a release, compare the \
             objects both render: `helm template REL {} > old.yaml`, `helm template REL \
             NEW_CHART > new.yaml`, `chartgen review old.yaml new.yaml`",
            dir.display(),
            dir.display()
        ));
    }
    Ok((compare(&old, &new, show_secrets), compiled.warnings))
}

/// What a render is compared with: the chart it was generated into, or another chart folder
/// (`diff --against`), read without chartgen's own files.
#[derive(Clone, Copy)]
enum Against {
    Itself,
    Other,
}

impl Against {
    /// `side` with only the files the compared chart is read with.
    fn comparable(self, mut side: Side) -> Side {
        if let Against::Other = self {
            side.files.retain(|path, _| !is_chartgen_file(path));
        }
        side
    }
}

/// The spec, its schema and lock: chartgen's files, in a chart folder but not in the chart
/// (its .helmignore lists them).
fn is_chartgen_file(path: &str) -> bool {
    path.starts_with("chartgen.")
}

/// The files of `chart` and of `lock` as they are on disk in `dir` (absent ones left out).
fn read_chart(dir: &Path, chart: &Chart, lock: &Lock) -> BTreeMap<String, String> {
    let paths: BTreeSet<&str> = chart.files().map(|(p, _)| p).chain(lock.paths()).collect();
    paths
        .into_iter()
        .filter(|p| *p != LOCK_FILE)
        .filter_map(|p| Some((p.to_string(), crate::plan::read(dir, p)?)))
        .collect()
}

/// Every file of a chart folder written by hand, by relative path; VCS folders, vendored
/// dependencies (`charts/`) and chartgen's own files are not part of the comparison.
fn read_tree(dir: &Path) -> Result<BTreeMap<String, String>, Error> {
    let read_error = |path: &Path, source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| read_error(&folder, e))? {
            let entry = entry.map_err(|e| read_error(&folder, e))?;
            let path = entry.path();
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let skipped =
                rel == ".git" || rel == "charts" || rel == WORK_DIR || is_chartgen_file(&rel);
            if skipped {
                continue;
            }
            // The listing tells what each entry is; only a symlink needs a stat to follow it.
            let is_dir = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => kind.is_dir(),
                _ => path.is_dir(),
            };
            if is_dir {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).map_err(|e| read_error(&path, e))?;
                files.insert(rel, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Ok(files)
}

/// A chart `spec` just rendered, as a review side; values.yaml is known as data already.
fn rendered(spec: &Spec, chart: Chart) -> Side {
    let mut files = chart.into_files();
    files.remove(LOCK_FILE);
    let entries = entries(spec);
    Side::rendered(
        files,
        crate::entry::value(&entries),
        crate::entry::effects(&entries),
    )
}

/// The chart rendered from `spec_text`, with its lock file added.
pub fn locked(mut chart: Chart, spec_text: &str) -> Chart {
    let lock = Lock::of(&chart, spec_text);
    chart.insert(LOCK_FILE, lock.text());
    chart
}

/// Where the spec and the chart are, from the command line's folder and `-f`/`-o` options.
pub fn spec_and_chart(
    dir: Option<&Path>,
    file: Option<&Path>,
    out: Option<&Path>,
) -> (PathBuf, PathBuf) {
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
        assert_eq!(
            spec_and_chart(None, None, None),
            (p("chartgen.yaml"), p("."))
        );
        assert_eq!(
            spec_and_chart(Some(&p("app")), None, None),
            (p("app/chartgen.yaml"), p("app"))
        );
        assert_eq!(
            spec_and_chart(None, Some(&p("s/x.yaml")), None),
            (p("s/x.yaml"), p("s"))
        );
        assert_eq!(
            spec_and_chart(None, Some(&p("x.yaml")), Some(&p("out"))),
            (p("x.yaml"), p("out"))
        );
    }
}
