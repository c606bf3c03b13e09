//! One chartgen at a time in a chart folder. Every command that reads or writes a chart folder
//! first takes an exclusive `flock` on the folder itself, so two runs never mix their files and
//! none reads a half-written chart; then it undoes whatever an interrupted run left
//! (`write::recover`). A second run waits for the first, as `helm repo add` waits for Helm's
//! repositories lock, and gives up after `WAIT` naming the process that holds the lock.
//!
//! The lock is `std::fs::File::lock` (`flock(2)` on Unix): no dependency, released by the
//! kernel whatever way the process ends, so a killed run never leaves a stale lock; and taken
//! on the folder, it leaves no lock file among the user's.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::chart::Chart;
use crate::error::Error;
use crate::write::{Written, recover, write};

/// How long a run waits for another one on the same folder.
const WAIT: Duration = Duration::from_secs(30);

/// A chart folder this process holds: no other chartgen reads or writes it until dropped, and
/// no interrupted write is left in it.
#[derive(Debug)]
pub struct Folder {
    dir: PathBuf,
    /// None for a folder that does not exist (there is nothing to read or to lock).
    _lock: Option<File>,
}

impl Folder {
    /// Holds `dir` to read it. A folder that does not exist is not created.
    pub fn open(dir: &Path) -> Result<Folder, Error> {
        if !dir.exists() {
            return Ok(Folder {
                dir: dir.to_path_buf(),
                _lock: None,
            });
        }
        Folder::hold(dir, WAIT)
    }

    /// Holds `dir` to write it, creating it (and its parents) if needed.
    pub fn create(dir: &Path) -> Result<Folder, Error> {
        let not_a_folder = |source| Error::Write {
            path: dir.to_path_buf(),
            source,
        };
        match fs::metadata(dir) {
            Ok(meta) if !meta.is_dir() => {
                return Err(not_a_folder(std::io::Error::other("it is not a directory")));
            }
            Ok(_) => {}
            Err(_) => fs::create_dir_all(dir).map_err(not_a_folder)?,
        }
        Folder::hold(dir, WAIT)
    }

    /// Writes `chart` into the folder and removes `remove`, all or nothing (see `write`).
    pub fn write(&self, chart: &Chart, remove: &[String]) -> Result<Written, Error> {
        write(&self.dir, chart, remove)
    }

    fn hold(dir: &Path, wait: Duration) -> Result<Folder, Error> {
        let read_error = |source| Error::Read {
            path: dir.to_path_buf(),
            source,
        };
        let file = File::open(dir).map_err(read_error)?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::Busy {
                        dir: dir.to_path_buf(),
                        pid: holder(&file),
                        waited: wait,
                    });
                }
                Err(TryLockError::Error(err)) => return Err(read_error(err)),
            }
        }
        recover(dir)?;
        Ok(Folder {
            dir: dir.to_path_buf(),
            _lock: Some(file),
        })
    }
}

/// The process holding the lock on `file`, as /proc/locks lists flock locks (Linux):
/// `1: FLOCK  ADVISORY  WRITE 4242 fd:01:1315478 0 EOF` (pid, device major:minor in hex,
/// inode); a process waiting for it has `->` before FLOCK, so it never matches.
#[cfg(target_os = "linux")]
fn holder(file: &File) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata().ok()?;
    let dev = meta.dev();
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let id = format!("{major:02x}:{minor:02x}:{}", meta.ino());
    fs::read_to_string("/proc/locks")
        .ok()?
        .lines()
        .find_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                [_, "FLOCK", _, _, pid, at, ..] if at == id => pid.parse().ok(),
                _ => None,
            },
        )
}

#[cfg(not(target_os = "linux"))]
fn holder(_: &File) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_names_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let first = Folder::create(tmp.path()).unwrap();
        let err = Folder::hold(tmp.path(), Duration::from_millis(30)).unwrap_err();
        let pid = std::process::id();
        assert!(
            matches!(err, Error::Busy { pid: Some(p), .. } if p == pid),
            "{err:?}"
        );
        drop(first);
        Folder::hold(tmp.path(), Duration::from_millis(30)).unwrap();
    }

    #[test]
    fn reading_an_absent_folder_creates_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        Folder::open(&tmp.path().join("absent")).unwrap();
        assert!(!tmp.path().join("absent").exists());
    }

    #[test]
    fn a_file_is_not_a_chart_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        fs::write(&file, "x").unwrap();
        assert!(matches!(Folder::create(&file), Err(Error::Write { .. })));
    }
}
