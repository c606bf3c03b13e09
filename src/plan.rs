//! What regenerating a chart would do to the folder on disk, decided before anything is
//! written: files to create, update or remove, and files a person changed since chartgen wrote
//! them (or that chartgen never wrote), which are only overwritten with --force.

use std::io::ErrorKind;
use std::path::Path;

use crate::change::{Conflict, FileChange};
use crate::chart::Chart;
use crate::lock::{LOCK_FILE, Lock, hash};

/// Compares `chart` (the full output, lock included) with `dir`, whose previous lock is `lock`:
/// each file that would change, from what is on disk to what chartgen would leave.
pub fn plan(dir: &Path, chart: &Chart, lock: &Lock) -> Vec<FileChange> {
    let mut changes = Vec::new();
    for (path, new) in chart.files() {
        let old = read(dir, path);
        if old.as_deref() == Some(new) || (path == LOCK_FILE && same_files(old.as_deref(), new)) {
            continue;
        }
        let conflict = old.as_deref().and_then(|text| conflict(path, text, lock));
        changes.push(FileChange {
            conflict,
            ..FileChange::new(path, old, Some(new.to_string()))
        });
    }
    // Only a regular file can be one chartgen generated: a folder or a link there is left alone.
    let stale = lock
        .paths()
        .filter(|p| chart.get(p).is_none())
        .filter(|p| std::fs::symlink_metadata(dir.join(p)).is_ok_and(|m| m.is_file()));
    for path in stale {
        if let Some(old) = read(dir, path) {
            changes.push(FileChange {
                conflict: conflict(path, &old, lock),
                ..FileChange::new(path, Some(old), None)
            });
        }
    }
    changes
}

/// Whether two lock texts list the same files with the same hashes. Their fingerprints may
/// differ: a fingerprint only lets a later run skip rendering, so another build of chartgen or
/// an edit of the spec that renders the same chart is no change to report or write (the old
/// fingerprint no longer vouches, and the next run renders).
fn same_files(old: Option<&str>, new: &str) -> bool {
    old.is_some_and(|old| {
        Lock::parse(old).paths_and_hashes() == Lock::parse(new).paths_and_hashes()
    })
}

fn conflict(path: &str, on_disk: &str, lock: &Lock) -> Option<Conflict> {
    if path == LOCK_FILE {
        return None;
    }
    match lock.get(path) {
        None => Some(Conflict::NotGenerated),
        Some(recorded) if recorded != hash(on_disk.as_bytes()) => Some(Conflict::Edited),
        Some(_) => None,
    }
}

/// The folder whose every file Helm renders as a template (save those .helmignore leaves out).
const TEMPLATES: &str = "templates";

/// A template chartgen did not generate (see `strangers`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stranger {
    pub path: String,
    /// A symbolic link (to a file or a folder): Helm renders what it points to, but chartgen
    /// never follows or removes one, so `--prune` leaves it.
    pub link: bool,
}

/// Regular files and symbolic links below `templates/` in `dir` that neither `chart` holds
/// nor `lock` recorded, nor the chart's `.helmignore` leaves out (an editor's `*.swp`):
/// templates someone else put there, which Helm renders with the chart all the same (and
/// which may call helpers chartgen's `_helpers.tpl` does not define). Sorted.
pub fn strangers(dir: &Path, chart: &Chart, lock: &Lock) -> Vec<Stranger> {
    let ignore = HelmIgnore::read(dir);
    let mut found = Vec::new();
    let mut stack = vec![TEMPLATES.to_string()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(dir.join(&folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = format!("{folder}/{}", entry.file_name().to_string_lossy());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let link = kind.is_symlink();
            // Helm loads a link as what it points to (helm's sympath.Walk), .helmignore too.
            let is_dir = if link {
                entry.path().is_dir()
            } else {
                kind.is_dir()
            };
            if ignore.ignores(&path, is_dir)
                || chart.get(&path).is_some()
                || lock.get(&path).is_some()
            {
                continue;
            }
            if kind.is_dir() {
                stack.push(path);
            } else if link || kind.is_file() {
                found.push(Stranger { path, link });
            }
        }
    }
    found.sort();
    found
}

/// A chart's `.helmignore` as Helm applies it to the files it loads (helm pkg/ignore): `name/`
/// matches folders only, a pattern holding `/` the path from the chart's root, any other the
/// base name, with filepath.Match's `*` and `?`. Negations (`!`) are not read: a file one
/// would bring back is reported all the same.
struct HelmIgnore(Vec<String>);

impl HelmIgnore {
    fn read(dir: &Path) -> Self {
        let text = read(dir, ".helmignore").unwrap_or_default();
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
            .map(String::from)
            .collect();
        HelmIgnore(patterns)
    }

    fn ignores(&self, path: &str, is_dir: bool) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.0
            .iter()
            .any(|pattern| match pattern.strip_suffix('/') {
                Some(folder) => is_dir && glob(folder, name),
                None if pattern.contains('/') => glob(pattern.trim_start_matches('/'), path),
                None => glob(pattern, name),
            })
    }
}

/// filepath.Match's `*` (any run of characters but `/`) and `?` (one character but `/`).
fn glob(pattern: &str, text: &str) -> bool {
    fn at(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != '/')
                .any(|i| at(rest, &t[i..])),
            Some(('?', rest)) => t.first().is_some_and(|c| *c != '/') && at(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && at(rest, &t[1..]),
        }
    }
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    at(&p, &t)
}

/// Stands for something at a path that is not a readable file (a folder, say): it never equals
/// what chartgen writes, so it is a conflict that only --force may take on.
const NOT_A_FILE: &str = "\0(not a readable file)\n";

/// A file's text, or None when nothing is there. Bytes that are not UTF-8 are replaced, so such
/// a file never compares equal to what chartgen writes.
pub fn read(dir: &Path, path: &str) -> Option<String> {
    match std::fs::read(dir.join(path)) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(err) if matches!(err.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => None,
        Err(_) => Some(NOT_A_FILE.to_string()),
    }
}

/// The lock of the chart in `dir` when that chart is exactly what this build renders from
/// `spec_text`, so that rendering it again can be skipped: the lock vouches for the build, the
/// spec and itself (see `Lock::vouches_for`), and every file it lists is on disk with its
/// recorded hash. None at any doubt.
pub fn up_to_date(dir: &Path, spec_text: &str) -> Option<Lock> {
    let text = std::fs::read_to_string(dir.join(LOCK_FILE)).ok()?;
    let lock = Lock::parse(&text);
    let intact = lock.vouches_for(&text, spec_text)
        && lock.paths().all(|path| {
            std::fs::read(dir.join(path)).is_ok_and(|bytes| lock.get(path) == Some(&hash(&bytes)))
        });
    intact.then_some(lock)
}

/// The previous lock of the chart in `dir` (empty when there is none).
pub fn previous_lock(dir: &Path) -> Lock {
    Lock::parse(&read(dir, LOCK_FILE).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::Status;

    fn chart(files: &[(&str, &str)]) -> Chart {
        files.iter().copied().collect()
    }

    #[test]
    fn strangers_are_templates_neither_generated_now_nor_before() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("templates/tests")).unwrap();
        std::fs::create_dir_all(dir.join("templates/.idea")).unwrap();
        for path in [
            "templates/statefulset.yaml",
            "templates/old.yaml",
            "templates/deployment.yaml",
            "templates/tests/mine.yaml",
            "templates/.deployment.yaml.swp",
            "templates/deployment.yaml~",
            "templates/.idea/workspace.xml",
            "notes.md",
        ] {
            std::fs::write(dir.join(path), "x").unwrap();
        }
        std::fs::write(dir.join(".helmignore"), "# editors\n*.swp\n*~\n.idea/\n").unwrap();
        let lock = Lock::of(&chart(&[("templates/old.yaml", "x")]), "name: x\n");
        let now = chart(&[("templates/statefulset.yaml", "x")]);
        let found: Vec<String> = strangers(dir, &now, &lock)
            .into_iter()
            .map(|s| s.path)
            .collect();
        assert_eq!(
            found,
            ["templates/deployment.yaml", "templates/tests/mine.yaml"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn linked_templates_are_strangers_and_never_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("shared/sub")).unwrap();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(dir.join("shared/extra.yaml"), "x").unwrap();
        std::fs::write(dir.join("shared/sub/inner.yaml"), "x").unwrap();
        std::fs::write(dir.join(".helmignore"), "legacy/\n").unwrap();
        let link = |to: &str, at: &str| std::os::unix::fs::symlink(to, dir.join(at)).unwrap();
        link("../shared/extra.yaml", "templates/extra.yaml");
        link("../shared/sub", "templates/sub");
        // Helm ignores a link to a folder as it ignores the folder.
        link("../shared/sub", "templates/legacy");
        let stranger = |path: &str| Stranger {
            path: path.to_string(),
            link: true,
        };
        assert_eq!(
            strangers(dir, &Chart::default(), &Lock::default()),
            [stranger("templates/extra.yaml"), stranger("templates/sub")]
        );
    }

    #[test]
    fn helmignore_patterns_glob_as_filepath_match() {
        assert!(glob("*.swp", ".a.yaml.swp") && glob("*~", "a.yaml~") && glob("a?c", "abc"));
        assert!(!glob("*.swp", "a.swp.yaml") && !glob("a?c", "a/c"));
        let ignore = HelmIgnore(vec!["templates/*.bak".into(), "legacy/".into()]);
        assert!(ignore.ignores("templates/a.bak", false));
        assert!(!ignore.ignores("templates/x/a.bak", false));
        assert!(ignore.ignores("templates/legacy", true));
        assert!(!ignore.ignores("templates/legacy", false));
    }

    #[test]
    fn up_to_date_only_when_the_lock_vouches_and_every_file_matches() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let spec = "name: x\n";
        let rendered = chart(&[("values.yaml", "a: 1\n"), ("templates/s.yaml", "kind: S\n")]);
        let write = |path: &str, text: &str| {
            std::fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
            std::fs::write(dir.join(path), text).unwrap();
        };
        for (path, text) in rendered.files() {
            write(path, text);
        }
        write(LOCK_FILE, &Lock::of(&rendered, spec).text());
        let fresh = || up_to_date(dir, spec).is_some();
        assert!(fresh());
        assert!(up_to_date(dir, "name: y\n").is_none(), "the spec changed");
        write("values.yaml", "a: 2\n");
        assert!(!fresh(), "a file edited");
        write("values.yaml", "a: 1\n");
        assert!(fresh());
        std::fs::remove_file(dir.join("templates/s.yaml")).unwrap();
        assert!(!fresh(), "a file removed");
        std::fs::create_dir(dir.join("templates/s.yaml")).unwrap();
        assert!(!fresh(), "a folder in its place");
        std::fs::remove_dir(dir.join("templates/s.yaml")).unwrap();
        write("templates/s.yaml", "kind: S\n");
        assert!(fresh());
        write(
            LOCK_FILE,
            &Lock::of(&rendered, spec).text().replace("a", "b"),
        );
        assert!(!fresh(), "the lock edited");
        std::fs::remove_file(dir.join(LOCK_FILE)).unwrap();
        assert!(!fresh(), "no lock");
    }

    #[test]
    fn a_lock_that_differs_in_its_fingerprint_alone_is_no_change() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let rendered = chart(&[("values.yaml", "a: 1\n")]);
        std::fs::write(dir.join("values.yaml"), "a: 1\n").unwrap();
        let other_spec = Lock::of(&rendered, "name: x # a comment\n").text();
        std::fs::write(dir.join(LOCK_FILE), &other_spec).unwrap();
        let mut now = rendered.clone();
        now.insert(LOCK_FILE, Lock::of(&rendered, "name: x\n").text());
        assert_eq!(plan(dir, &now, &Lock::parse(&other_spec)), []);
        std::fs::write(dir.join(LOCK_FILE), "").unwrap();
        assert_eq!(plan(dir, &now, &Lock::default()).len(), 1);
    }

    #[test]
    fn a_folder_where_a_file_goes_is_a_conflict() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("pdb.yaml/notes")).unwrap();
        let changes = plan(tmp.path(), &chart(&[("pdb.yaml", "x")]), &Lock::default());
        assert_eq!(changes[0].conflict, Some(Conflict::NotGenerated));
    }

    #[test]
    fn tells_clean_updates_from_hand_edits_and_strangers() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let before = chart(&[
            ("a.yaml", "a1"),
            ("b.yaml", "b1"),
            ("gone.yaml", "g"),
            ("same.yaml", "s"),
        ]);
        let lock = Lock::of(&before, "spec");
        for (p, c) in before.files() {
            std::fs::write(dir.join(p), c).unwrap();
        }
        std::fs::write(dir.join("b.yaml"), "b1 edited").unwrap();
        std::fs::write(dir.join("c.yaml"), "mine").unwrap();
        let after = chart(&[
            ("a.yaml", "a2"),
            ("b.yaml", "b2"),
            ("c.yaml", "c"),
            ("same.yaml", "s"),
        ]);
        let got: Vec<_> = plan(dir, &after, &lock)
            .into_iter()
            .map(|c| (c.path, c.status, c.conflict))
            .collect();
        assert_eq!(
            got,
            [
                ("a.yaml".into(), Status::Changed, None),
                ("b.yaml".into(), Status::Changed, Some(Conflict::Edited)),
                (
                    "c.yaml".into(),
                    Status::Changed,
                    Some(Conflict::NotGenerated)
                ),
                ("gone.yaml".into(), Status::Removed, None),
            ]
        );
    }
}
