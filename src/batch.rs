//! Many charts at once: finding every chart below a folder, and running work on them in
//! parallel while keeping their order for the report.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::app::SPEC_FILE;

/// The chart folders named on the command line, each by its folder or its chartgen.yaml (as
/// pre-commit names changed files); with `recursive`, every folder below them that holds a
/// chartgen.yaml, skipping hidden and git-ignored folders (as ripgrep does).
pub fn chart_dirs(dirs: &[PathBuf], recursive: bool) -> Vec<PathBuf> {
    let roots: Vec<PathBuf> = if dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        dirs.iter().map(|d| folder_of(d)).collect()
    };
    if !recursive {
        return roots;
    }
    let mut found: Vec<PathBuf> = roots
        .iter()
        .flat_map(|root| {
            ignore::WalkBuilder::new(root)
                .build()
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_name() == SPEC_FILE && e.file_type().is_some_and(|t| t.is_file())
                })
                .filter_map(|e| e.path().parent().map(Path::to_path_buf))
                .map(|p| match p.strip_prefix(".") {
                    Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
                    Ok(rel) => rel.to_path_buf(),
                    Err(_) => p,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The chart folder a command-line path names: the folder itself, or a spec file's folder.
fn folder_of(path: &Path) -> PathBuf {
    if path.file_name().is_some_and(|n| n == SPEC_FILE) && path.is_file() {
        return match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
    }
    path.to_path_buf()
}

/// Runs `work` on every item on all cores; results come back in the items' order.
pub fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    parallel_in(cores, items, work)
}

/// Runs `work` on every item in at most `threads` threads (more than the cores for work that
/// waits on the disk); results come back in the items' order.
pub fn parallel_in<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if items.len() < 2 {
        return items.iter().map(work).collect(); // a thread costs more than one item
    }
    let threads = threads.clamp(1, items.len());
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, work(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_keeps_order() {
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(
            parallel(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn recursive_search_skips_ignored_and_hidden_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for dir in ["a", "b/c", ".hidden/d", "build/e"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            std::fs::write(root.join(dir).join(SPEC_FILE), "").unwrap();
        }
        std::fs::create_dir(root.join(".git")).unwrap();
        std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
        let found = chart_dirs(&[root.to_path_buf()], true);
        assert_eq!(found, [root.join("a"), root.join("b/c")]);
    }

    #[test]
    fn a_spec_file_names_its_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = tmp.path().join("a").join(SPEC_FILE);
        std::fs::create_dir(tmp.path().join("a")).unwrap();
        std::fs::write(&spec, "").unwrap();
        let named = [spec, tmp.path().join("b"), PathBuf::from(SPEC_FILE)];
        assert_eq!(
            chart_dirs(&named, false),
            [
                tmp.path().join("a"),
                tmp.path().join("b"),
                PathBuf::from(SPEC_FILE)
            ],
            "a folder, or a spec file that does not exist, stays as it is"
        );
    }
}
