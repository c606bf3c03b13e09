//! Putting a rendered chart on disk, all or nothing.
//!
//! Everything is first written to a staging directory beside the target. A new folder is then
//! renamed into place in one step. An existing folder keeps its identity (a shell may be sitting
//! in it) and the files chartgen did not generate: each generated file is renamed into place,
//! the file it replaces kept aside, and on any failure every step is undone.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::chart::Chart;
use crate::error::Error;

/// What a successful write changed, by relative path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: Vec<String>,
}

/// Writes every file of `chart` into `dir` and removes the files at `remove` (relative paths),
/// all in one step that either completes or leaves `dir` as it was.
pub fn write(dir: &Path, chart: &Chart, remove: &[String]) -> Result<Written, Error> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => update_folder(dir, chart, remove),
        Ok(_) => Err(write_error(
            dir,
            std::io::Error::other("it is not a directory"),
        )),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => create_folder(dir, chart),
        Err(err) => Err(write_error(dir, err)),
    }
}

/// Refuses a symbolic link on the way from `dir` to any of `paths` (relative, the files
/// themselves included): through one, a write or a removal would land outside the folder.
pub fn refuse_links<'a>(dir: &Path, paths: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
    for path in paths {
        let mut at = dir.to_path_buf();
        for part in Path::new(path).components() {
            at.push(part);
            match fs::symlink_metadata(&at) {
                Ok(meta) if meta.file_type().is_symlink() => return Err(Error::Link { link: at }),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    Ok(())
}

fn write_error(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn create_folder(dir: &Path, chart: &Chart) -> Result<Written, Error> {
    let parent = parent_of(dir);
    fs::create_dir_all(&parent).map_err(|e| write_error(&parent, e))?;
    let stage = stage_in(&parent)?;
    stage_files(stage.path(), chart)?;
    let staged = stage.keep();
    fs::rename(&staged, dir).map_err(|e| {
        let _ = fs::remove_dir_all(&staged);
        write_error(dir, e)
    })?;
    Ok(Written {
        created: chart.files().map(|(p, _)| p.to_string()).collect(),
        ..Written::default()
    })
}

fn update_folder(dir: &Path, chart: &Chart, remove: &[String]) -> Result<Written, Error> {
    let paths = chart.files().map(|(p, _)| p);
    refuse_links(dir, paths.chain(remove.iter().map(String::as_str)))?;
    let stage = stage_for(dir)?;
    stage_files(stage.path(), chart)?;
    let mut swap = Swap::new(stage.path().join(".replaced"));
    let mut written = Written::default();
    for (path, content) in chart.files() {
        let target = dir.join(path);
        let existing = fs::read(&target).ok();
        if existing.as_deref() == Some(content.as_bytes()) {
            written.unchanged.push(path.to_string());
            continue;
        }
        if let Err(err) = swap.place(&stage.path().join(path), &target, path) {
            return Err(rolled_back(swap, stage, &target, err));
        }
        match existing {
            Some(_) => written.updated.push(path.to_string()),
            None => written.created.push(path.to_string()),
        }
    }
    for path in remove {
        let target = dir.join(path);
        if let Err(err) = swap.remove(&target, path) {
            return Err(rolled_back(swap, stage, &target, err));
        }
        written.removed.push(path.clone());
    }
    Ok(written)
}

/// Undoes a failed write. If something cannot be put back, the staging folder (which holds the
/// replaced files) is kept rather than deleted, and the error says where it is.
fn rolled_back(mut swap: Swap, stage: TempDir, target: &Path, err: std::io::Error) -> Error {
    if swap.undo() {
        return write_error(target, err);
    }
    let kept = stage.keep();
    let why = format!(
        "{err}; some files could not be put back: the originals are in {}",
        kept.display()
    );
    write_error(target, std::io::Error::other(why))
}

/// Staging beside the chart folder keeps the folder clean; it must be on the same filesystem
/// for renames, so a folder that is a mount point (or in an unwritable parent) stages inside.
fn stage_for(dir: &Path) -> Result<TempDir, Error> {
    let parent = parent_of(dir);
    if same_device(&parent, dir)
        && let Ok(stage) = stage_in(&parent)
    {
        return Ok(stage);
    }
    stage_in(dir)
}

#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &Path) -> bool {
    true
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn stage_in(parent: &Path) -> Result<TempDir, Error> {
    tempfile::Builder::new()
        .prefix(".chartgen-")
        .tempdir_in(parent)
        .map_err(|e| write_error(parent, e))
}

fn stage_files(stage: &Path, chart: &Chart) -> Result<(), Error> {
    for (path, content) in chart.files() {
        let file = stage.join(path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        }
        fs::write(&file, content).map_err(|e| write_error(&file, e))?;
    }
    Ok(())
}

/// The renames done so far, so that they can be undone.
struct Swap {
    backup: PathBuf,
    placed: Vec<(PathBuf, Option<PathBuf>)>,
    created_dirs: Vec<PathBuf>,
}

impl Swap {
    fn new(backup: PathBuf) -> Self {
        Swap {
            backup,
            placed: Vec::new(),
            created_dirs: Vec::new(),
        }
    }

    fn place(&mut self, staged: &Path, target: &Path, rel: &str) -> std::io::Result<()> {
        // A folder is never replaced by a file, even with --force: it may hold anything.
        if target.is_dir() {
            return Err(std::io::Error::other("a folder is in the way"));
        }
        if let Some(dir) = target.parent() {
            self.create_dirs(dir)?;
        }
        let kept = if target.exists() {
            Some(self.set_aside(target, rel)?)
        } else {
            None
        };
        self.placed.push((target.to_path_buf(), kept));
        fs::rename(staged, target)
    }

    /// Removes `target`, keeping it aside until the whole write has succeeded.
    fn remove(&mut self, target: &Path, rel: &str) -> std::io::Result<()> {
        let kept = self.set_aside(target, rel)?;
        self.placed.push((target.to_path_buf(), Some(kept)));
        Ok(())
    }

    fn set_aside(&self, target: &Path, rel: &str) -> std::io::Result<PathBuf> {
        let kept = self.backup.join(rel);
        fs::create_dir_all(kept.parent().unwrap_or(&self.backup))?;
        fs::rename(target, &kept)?;
        Ok(kept)
    }

    fn create_dirs(&mut self, dir: &Path) -> std::io::Result<()> {
        let mut missing = Vec::new();
        let mut cursor = Some(dir);
        while let Some(d) = cursor.filter(|d| !d.exists()) {
            missing.push(d.to_path_buf());
            cursor = d.parent();
        }
        for d in missing.into_iter().rev() {
            fs::create_dir(&d)?;
            self.created_dirs.push(d);
        }
        Ok(())
    }

    /// Puts back every replaced file and removes what was added; false if a file could not
    /// be put back.
    fn undo(&mut self) -> bool {
        let mut restored = true;
        for (target, kept) in self.placed.drain(..).rev() {
            let _ = fs::remove_file(&target);
            if let Some(kept) = kept {
                restored &= fs::rename(kept, &target).is_ok();
            }
        }
        for dir in self.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(dir);
        }
        restored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(files: &[(&str, &str)]) -> Chart {
        files.iter().copied().collect()
    }

    /// A chart folder `app` already written with `files`.
    fn written(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("app");
        write(&dir, &chart(files), &[]).unwrap();
        (tmp, dir)
    }

    fn read(dir: &Path, rel: &str) -> String {
        fs::read_to_string(dir.join(rel)).unwrap()
    }

    #[test]
    fn creates_a_new_folder_and_leaves_no_staging_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("app");
        let files = chart(&[("Chart.yaml", "a"), ("templates/x.yaml", "b")]);
        let done = write(&dir, &files, &[]).unwrap();
        assert_eq!(done.created, ["Chart.yaml", "templates/x.yaml"]);
        assert_eq!(read(&dir, "templates/x.yaml"), "b");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["app"]);
    }

    #[test]
    fn updates_in_place_and_keeps_other_files() {
        let (_tmp, dir) = written(&[("Chart.yaml", "a"), ("values.yaml", "v")]);
        fs::write(dir.join("mine.yaml"), "user").unwrap();
        let done = write(
            &dir,
            &chart(&[("Chart.yaml", "a2")]),
            &["values.yaml".into()],
        )
        .unwrap();
        assert_eq!(done.updated, ["Chart.yaml"]);
        assert_eq!(done.removed, ["values.yaml"]);
        assert!(!dir.join("values.yaml").exists());
        assert_eq!(read(&dir, "Chart.yaml"), "a2");
        assert_eq!(read(&dir, "mine.yaml"), "user");
    }

    #[test]
    fn a_failed_placement_restores_every_file() {
        let (_tmp, dir) = written(&[("a.yaml", "old-a"), ("c.yaml", "old-c")]);
        // A user's file where chartgen needs a folder makes the second placement fail.
        fs::write(dir.join("b"), "user").unwrap();
        let next = chart(&[
            ("a.yaml", "new-a"),
            ("b/new.yaml", "n"),
            ("c.yaml", "new-c"),
        ]);
        assert!(matches!(write(&dir, &next, &[]), Err(Error::Write { .. })));
        assert_eq!(read(&dir, "a.yaml"), "old-a");
        assert_eq!(read(&dir, "b"), "user");
        assert_eq!(read(&dir, "c.yaml"), "old-c");
    }

    #[test]
    fn a_failed_removal_restores_removed_and_placed_files() {
        let (_tmp, dir) = written(&[("a.yaml", "old-a"), ("c.yaml", "old-c")]);
        let next = chart(&[("a.yaml", "new-a")]);
        let remove = ["c.yaml".to_string(), "missing.yaml".to_string()];
        assert!(matches!(
            write(&dir, &next, &remove),
            Err(Error::Write { .. })
        ));
        assert_eq!(read(&dir, "a.yaml"), "old-a");
        assert_eq!(read(&dir, "c.yaml"), "old-c");
    }

    #[test]
    fn a_folder_is_never_replaced_by_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("app");
        fs::create_dir_all(dir.join("pdb.yaml/notes")).unwrap();
        assert!(write(&dir, &chart(&[("pdb.yaml", "x")]), &[]).is_err());
        assert!(dir.join("pdb.yaml/notes").is_dir());
    }

    #[test]
    fn refuses_a_file_as_the_target_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            write(&file, &chart(&[("a", "b")]), &[]),
            Err(Error::Write { .. })
        ));
    }
}
