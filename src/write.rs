//! Putting a rendered chart on disk, all or nothing, even when the process is killed.
//!
//! Only the files that change are written, first into a work folder inside the chart folder
//! (`.chartgen.tmp/new`), and synced. Then a journal listing every change is written and
//! synced: from then on, `recover` can undo whatever part of the change is done. Only then is
//! each file renamed into place, the file it replaces set aside in `.chartgen.tmp/old`. When
//! all are in place and their folders synced, deleting the journal commits the change.
//!
//! A run that fails undoes its own changes from the journal; a run that is killed leaves the
//! journal, and the next chartgen run on the folder undoes them before reading anything
//! (`folder::Folder` calls `recover` once it holds the folder's lock). Either way the folder
//! is left exactly as it was, as with a database's rollback journal. Only files in the journal
//! are touched: the chart's own files and the folders made for them.

use std::fs::{self, File};
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::batch::parallel_in;
use crate::chart::Chart;
use crate::error::Error;
use crate::lock::is_inside;

/// The work folder, inside the chart folder (so renames never cross filesystems). Helm's
/// default `.helmignore` skips `*.tmp`, so even one left by a crash never ships in a package.
pub const WORK_DIR: &str = ".chartgen.tmp";
const JOURNAL: &str = "journal";

/// Threads that sync staged files: a filesystem commits concurrent syncs together (ext4 on the
/// dev VM: 200 files synced one by one take ~0.7 s, 16 at a time ~50 ms).
const SYNC_THREADS: usize = 16;

/// What a successful write changed, by relative path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: Vec<String>,
}

/// One change, as the journal records it (`<verb> <path>` per line, in the order applied).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    op: Op,
    path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// A folder made for new files (undone only if it is empty again).
    Folder,
    /// A file where there was none.
    Create,
    /// A file replaced; the old one is set aside.
    Update,
    /// A file removed; it is set aside.
    Remove,
}

impl Op {
    const ALL: [Op; 4] = [Op::Folder, Op::Create, Op::Update, Op::Remove];

    fn verb(self) -> &'static str {
        match self {
            Op::Folder => "folder",
            Op::Create => "create",
            Op::Update => "update",
            Op::Remove => "remove",
        }
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

/// Writes every file of `chart` into the existing folder `dir` and removes the files at
/// `remove` (relative paths), all in one step that either completes or leaves `dir` as it was.
/// The caller holds the folder's lock (see `folder::Folder`).
pub fn write(dir: &Path, chart: &Chart, remove: &[String]) -> Result<Written, Error> {
    let paths = chart.files().map(|(p, _)| p);
    refuse_links(dir, paths.chain(remove.iter().map(String::as_str)))?;
    let (entries, written) = changes(dir, chart, remove)?;
    if entries.is_empty() {
        return Ok(written);
    }
    let work = Work::new(dir);
    prepare(&work, chart, &entries).map_err(|(path, err)| {
        // Nothing in the folder has changed yet: the work folder is all there is to clean.
        let _ = fs::remove_dir_all(&work.root);
        write_error(&path, err)
    })?;
    for entry in &entries {
        if let Err(err) = apply(&work, entry) {
            let target = dir.join(&entry.path);
            return Err(match undo(&work, &entries) {
                Ok(()) => write_error(&target, err),
                Err(_) => write_error(
                    &target,
                    io::Error::other(format!(
                        "{err}; some files could not be put back: the originals are in {} \
                         (chartgen puts them back on its next run in this folder)",
                        work.kept_root().display()
                    )),
                ),
            });
        }
    }
    commit(&work, &entries).map_err(|err| write_error(&work.root, err))?;
    Ok(written)
}

/// Undoes what an interrupted write left in `dir`, if anything: with a journal, every change
/// it lists is put back; without one, nothing had changed yet and the work folder goes.
pub fn recover(dir: &Path) -> Result<(), Error> {
    let work = Work::new(dir);
    if !exists(&work.root) {
        return Ok(());
    }
    let failed = |source| Error::Interrupted {
        dir: dir.to_path_buf(),
        kept: work.kept_root(),
        source,
    };
    // A crash never leaves a link here (`write` refuses them first): one was put there, and
    // through it putting things back would move, remove or plant files outside the folder.
    for folder in [&work.root, &work.staged_root(), &work.kept_root()] {
        match fs::symlink_metadata(folder) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::Link {
                    link: folder.to_path_buf(),
                });
            }
            Ok(meta) if !meta.is_dir() => {
                let not_a_folder = format!("`{}` is not a folder", folder.display());
                return Err(failed(io::Error::other(not_a_folder)));
            }
            _ => {}
        }
    }
    refuse_links(&work.root, [JOURNAL])?;
    match fs::read_to_string(work.journal()) {
        Ok(text) => {
            let entries = parse(&text).map_err(failed)?;
            let paths = || entries.iter().map(|e| e.path.as_str());
            refuse_links(dir, paths())?;
            refuse_links(&work.staged_root(), paths())?;
            refuse_links(&work.kept_root(), paths())?;
            undo(&work, &entries).map_err(failed)
        }
        Err(err) if err.kind() == ErrorKind::NotFound => {
            step(fs::remove_dir_all(&work.root)).map_err(failed)
        }
        Err(err) => Err(failed(err)),
    }
}

fn write_error(path: &Path, source: io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// The changes that bring `dir` to `chart`, in the order they are applied: folders to make,
/// files to create or update, files to remove.
fn changes(dir: &Path, chart: &Chart, remove: &[String]) -> Result<(Vec<Entry>, Written), Error> {
    let mut written = Written::default();
    let mut folders = Vec::new();
    let mut files = Vec::new();
    for (path, content) in chart.files() {
        let target = dir.join(path);
        let existing = fs::read(&target).ok();
        if existing.as_deref() == Some(content.as_bytes()) {
            written.unchanged.push(path.to_string());
            continue;
        }
        // A folder is never replaced by a file, even with --force: it may hold anything.
        if target.is_dir() {
            return Err(write_error(
                &target,
                io::Error::other("a folder is in the way"),
            ));
        }
        for folder in missing_folders(dir, path) {
            if !folders.contains(&folder) {
                folders.push(folder);
            }
        }
        let op = if fs::symlink_metadata(&target).is_ok() {
            written.updated.push(path.to_string());
            Op::Update
        } else {
            written.created.push(path.to_string());
            Op::Create
        };
        files.push(Entry {
            op,
            path: path.to_string(),
        });
    }
    let folders = folders.into_iter().map(|path| Entry {
        op: Op::Folder,
        path,
    });
    let removals = remove.iter().map(|path| Entry {
        op: Op::Remove,
        path: path.clone(),
    });
    written.removed = remove.to_vec();
    Ok((folders.chain(files).chain(removals).collect(), written))
}

/// The folders on the way to `path` (relative) that do not exist yet, outermost first.
fn missing_folders(dir: &Path, path: &str) -> Vec<String> {
    let mut missing: Vec<String> = Path::new(path)
        .ancestors()
        .skip(1)
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| fs::symlink_metadata(dir.join(a)).is_err())
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    missing.reverse();
    missing
}

/// Stages the new files and writes the journal, each synced; on failure, the path at fault.
fn prepare(work: &Work, chart: &Chart, entries: &[Entry]) -> Result<(), (PathBuf, io::Error)> {
    let at = |path: &Path| {
        let path = path.to_path_buf();
        move |err| (path, err)
    };
    step(fs::create_dir(&work.root)).map_err(at(&work.root))?;
    let mut staged = Vec::new();
    for entry in entries
        .iter()
        .filter(|e| matches!(e.op, Op::Create | Op::Update))
    {
        let file = work.staged(&entry.path);
        if let Some(parent) = file.parent() {
            step(fs::create_dir_all(parent)).map_err(at(parent))?;
        }
        let content = chart.get(&entry.path).unwrap_or_default();
        step(fs::write(&file, content)).map_err(at(&file))?;
        staged.push(file);
    }
    // Power loss must not leave a renamed file without its content.
    let synced = parallel_in(SYNC_THREADS, &staged, |file| {
        File::open(file).and_then(|f| f.sync_data())
    });
    if let Some((file, err)) = staged
        .iter()
        .zip(synced)
        .find_map(|(f, r)| Some((f, r.err()?)))
    {
        return Err((file.clone(), err));
    }
    let text: String = entries
        .iter()
        .map(|e| format!("{} {}\n", e.op.verb(), e.path))
        .collect();
    let draft = work.root.join("journal.draft");
    step(fs::write(&draft, text)).map_err(at(&draft))?;
    File::open(&draft)
        .and_then(|f| f.sync_all())
        .map_err(at(&draft))?;
    step(fs::rename(&draft, work.journal())).map_err(at(&work.journal()))?;
    sync_dirs([work.root.as_path(), work.dir.as_path()]).map_err(at(&work.root))
}

fn apply(work: &Work, entry: &Entry) -> io::Result<()> {
    let target = work.dir.join(&entry.path);
    match entry.op {
        Op::Folder => step(fs::create_dir(&target)),
        Op::Create => step(fs::rename(work.staged(&entry.path), &target)),
        Op::Update => {
            set_aside(work, &entry.path)?;
            step(fs::rename(work.staged(&entry.path), &target))
        }
        Op::Remove => set_aside(work, &entry.path),
    }
}

fn set_aside(work: &Work, path: &str) -> io::Result<()> {
    let kept = work.kept(path);
    if let Some(parent) = kept.parent() {
        step(fs::create_dir_all(parent))?;
    }
    step(fs::rename(work.dir.join(path), kept))
}

/// Puts back, in reverse order, whatever part of `entries` was done, then ends the write.
/// Each step checks what is on disk, so undoing twice (killed while undoing) is harmless.
fn undo(work: &Work, entries: &[Entry]) -> io::Result<()> {
    let mut first_error = None;
    for entry in entries.iter().rev() {
        let target = work.dir.join(&entry.path);
        let result = match entry.op {
            // Only if empty: a person may have put something there since.
            Op::Folder => {
                let _ = step(fs::remove_dir(&target));
                Ok(())
            }
            // Its staged copy is gone only once it was renamed into place.
            Op::Create if !exists(&work.staged(&entry.path)) => {
                match step(fs::remove_file(&target)) {
                    Err(err) if err.kind() == ErrorKind::NotFound => Ok(()),
                    other => other,
                }
            }
            Op::Create => Ok(()),
            Op::Update | Op::Remove if exists(&work.kept(&entry.path)) => {
                step(fs::rename(work.kept(&entry.path), &target))
            }
            Op::Update | Op::Remove => Ok(()),
        };
        if let Err(err) = result {
            first_error.get_or_insert(err);
        }
    }
    match first_error {
        Some(err) => Err(err),
        None => commit(work, entries),
    }
}

/// Ends a write whose entries are all done (or all undone): syncs the folders they changed,
/// then deletes the journal and the work folder.
fn commit(work: &Work, entries: &[Entry]) -> io::Result<()> {
    let mut folders: Vec<PathBuf> = entries
        .iter()
        .filter_map(|e| Some(work.dir.join(&e.path).parent()?.to_path_buf()))
        .collect();
    folders.sort();
    folders.dedup();
    sync_dirs(folders.iter().map(PathBuf::as_path).filter(|f| f.is_dir()))?;
    step(fs::remove_file(work.journal()))?;
    // The journal's removal must reach the disk before the files it would restore go.
    sync_dirs([work.root.as_path()])?;
    step(fs::remove_dir_all(&work.root))
}

fn sync_dirs<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> io::Result<()> {
    dirs.into_iter()
        .try_for_each(|dir| File::open(dir).and_then(|f| f.sync_all()))
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Reads a journal. Its paths are believed only below the chart folder and outside the work
/// folder (a write never lists its own journal or staging), and a line it cannot read stops
/// the recovery rather than guess.
fn parse(text: &str) -> io::Result<Vec<Entry>> {
    let in_work = |path: &str| Path::new(path).starts_with(WORK_DIR);
    text.lines()
        .map(|line| {
            let (verb, path) = line.split_once(' ').unwrap_or((line, ""));
            let op = Op::ALL.into_iter().find(|op| op.verb() == verb);
            match op {
                Some(op) if is_inside(path) && !in_work(path) => Ok(Entry {
                    op,
                    path: path.to_string(),
                }),
                _ => Err(io::Error::new(
                    ErrorKind::InvalidData,
                    format!("unreadable journal line {line:?}"),
                )),
            }
        })
        .collect()
}

/// Where a write keeps its things: `.chartgen.tmp/{journal,new/,old/}` in the chart folder.
struct Work {
    dir: PathBuf,
    root: PathBuf,
}

impl Work {
    fn new(dir: &Path) -> Self {
        Work {
            dir: dir.to_path_buf(),
            root: dir.join(WORK_DIR),
        }
    }

    fn journal(&self) -> PathBuf {
        self.root.join(JOURNAL)
    }

    fn staged_root(&self) -> PathBuf {
        self.root.join("new")
    }

    /// The staged new content of `path`.
    fn staged(&self, path: &str) -> PathBuf {
        self.staged_root().join(path)
    }

    /// Where the files replaced or removed are kept until the commit.
    fn kept_root(&self) -> PathBuf {
        self.root.join("old")
    }

    fn kept(&self, path: &str) -> PathBuf {
        self.kept_root().join(path)
    }
}

/// The one test hook: with `CHARTGEN_TEST_ABORT_AFTER=N` in its environment, chartgen aborts
/// (as a `kill -9` would stop it: nothing of it runs after) right after the Nth change this
/// module makes on disk, so tests can stop a write, or a recovery, at every point. Every
/// change goes through here. Unset, as anywhere but in tests, it costs one atomic load.
fn step<T>(result: io::Result<T>) -> io::Result<T> {
    static LEFT: OnceLock<Option<AtomicUsize>> = OnceLock::new();
    let left = LEFT.get_or_init(|| {
        let n = std::env::var("CHARTGEN_TEST_ABORT_AFTER").ok()?;
        Some(AtomicUsize::new(n.parse().ok()?))
    });
    if let Some(left) = left
        && result.is_ok()
        && left.fetch_sub(1, Ordering::SeqCst) == 1
    {
        std::process::abort();
    }
    result
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
        fs::create_dir(&dir).unwrap();
        write(&dir, &chart(files), &[]).unwrap();
        (tmp, dir)
    }

    fn read(dir: &Path, rel: &str) -> String {
        fs::read_to_string(dir.join(rel)).unwrap()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_a_chart_and_leaves_no_work_folder_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let files = chart(&[("Chart.yaml", "a"), ("templates/x.yaml", "b")]);
        let done = write(tmp.path(), &files, &[]).unwrap();
        assert_eq!(done.created, ["Chart.yaml", "templates/x.yaml"]);
        assert_eq!(read(tmp.path(), "templates/x.yaml"), "b");
        assert_eq!(names(tmp.path()), ["Chart.yaml", "templates"]);
    }

    #[test]
    fn updates_in_place_and_keeps_other_files() {
        let (_tmp, dir) = written(&[("Chart.yaml", "a"), ("values.yaml", "v"), ("s", "s")]);
        fs::write(dir.join("mine.yaml"), "user").unwrap();
        let next = chart(&[("Chart.yaml", "a2"), ("s", "s")]);
        let done = write(&dir, &next, &["values.yaml".into()]).unwrap();
        assert_eq!(done.updated, ["Chart.yaml"]);
        assert_eq!(done.removed, ["values.yaml"]);
        assert_eq!(done.unchanged, ["s"]);
        assert_eq!(names(&dir), ["Chart.yaml", "mine.yaml", "s"]);
        assert_eq!(read(&dir, "Chart.yaml"), "a2");
        assert_eq!(read(&dir, "mine.yaml"), "user");
    }

    #[test]
    fn a_failed_placement_restores_every_file() {
        let (_tmp, dir) = written(&[("a.yaml", "old-a"), ("c.yaml", "old-c")]);
        // A user's file where chartgen needs a folder makes the folder step fail.
        fs::write(dir.join("b"), "user").unwrap();
        let next = chart(&[
            ("a.yaml", "new-a"),
            ("b/new.yaml", "n"),
            ("c.yaml", "new-c"),
            ("d/e/f.yaml", "f"),
        ]);
        assert!(matches!(write(&dir, &next, &[]), Err(Error::Write { .. })));
        assert_eq!(names(&dir), ["a.yaml", "b", "c.yaml"]);
        assert_eq!(read(&dir, "a.yaml"), "old-a");
        assert_eq!(read(&dir, "b"), "user");
        assert_eq!(read(&dir, "c.yaml"), "old-c");
    }

    #[test]
    fn a_failed_removal_restores_removed_and_placed_files() {
        let (_tmp, dir) = written(&[("a.yaml", "old-a"), ("c.yaml", "old-c")]);
        let next = chart(&[("a.yaml", "new-a"), ("n/new.yaml", "n")]);
        let remove = ["c.yaml".to_string(), "missing.yaml".to_string()];
        assert!(matches!(
            write(&dir, &next, &remove),
            Err(Error::Write { .. })
        ));
        assert_eq!(names(&dir), ["a.yaml", "c.yaml"]);
        assert_eq!(read(&dir, "a.yaml"), "old-a");
        assert_eq!(read(&dir, "c.yaml"), "old-c");
    }

    #[test]
    fn a_folder_is_never_replaced_by_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("pdb.yaml/notes")).unwrap();
        assert!(write(tmp.path(), &chart(&[("pdb.yaml", "x")]), &[]).is_err());
        assert!(tmp.path().join("pdb.yaml/notes").is_dir());
        assert_eq!(names(tmp.path()), ["pdb.yaml"]);
    }

    /// What a write killed halfway leaves: the journal, some files placed, some set aside.
    #[test]
    fn recovery_undoes_a_write_stopped_at_any_entry() {
        let before = [("a.yaml", "old-a"), ("gone.yaml", "g"), ("keep", "k")];
        let next = chart(&[("a.yaml", "new-a"), ("t/b.yaml", "b"), ("keep", "k")]);
        let remove = ["gone.yaml".to_string()];
        for stop in 0..=4 {
            let (_tmp, dir) = written(&before);
            let (entries, _) = changes(&dir, &next, &remove).unwrap();
            assert_eq!(
                entries.len(),
                4,
                "folder t, create t/b.yaml, update a, remove"
            );
            let work = Work::new(&dir);
            prepare(&work, &next, &entries).unwrap();
            for entry in &entries[..stop] {
                apply(&work, entry).unwrap();
            }
            recover(&dir).unwrap();
            assert_eq!(names(&dir), ["a.yaml", "gone.yaml", "keep"], "stop {stop}");
            assert_eq!(read(&dir, "a.yaml"), "old-a");
            recover(&dir).unwrap();
        }
    }

    #[test]
    fn recovery_without_a_journal_only_removes_the_work_folder() {
        let (_tmp, dir) = written(&[("a.yaml", "a")]);
        fs::create_dir_all(dir.join(WORK_DIR).join("new/templates")).unwrap();
        recover(&dir).unwrap();
        assert_eq!(names(&dir), ["a.yaml"]);
    }

    #[test]
    fn a_journal_naming_paths_outside_the_folder_is_refused() {
        let (_tmp, dir) = written(&[("a.yaml", "a")]);
        fs::create_dir(dir.join(WORK_DIR)).unwrap();
        fs::write(
            dir.join(WORK_DIR).join(JOURNAL),
            "remove ../../etc/passwd\n",
        )
        .unwrap();
        assert!(matches!(recover(&dir), Err(Error::Interrupted { .. })));
        assert!(dir.join(WORK_DIR).exists());
    }
}
