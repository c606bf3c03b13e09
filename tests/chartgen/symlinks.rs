//! chartgen writes and removes only inside the chart folder: never through a symbolic link in
//! it, never a path from the lock that leaves it, never anything but a file it generated.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;

use crate::support::{BASE, PIN_WARNING, Project, chartgen, snapshot, stderr, stdout};
const INGRESS: &str = "ingress:\n  hosts: [{host: app.example.com}]\n";

/// A root holding `app/` (a chart folder with `spec`) and `outside/` (a folder of the user's
/// that holds `victim.txt`).
fn layout(spec: &str) -> Project {
    Project::new()
        .file("app/chartgen.yaml", spec)
        .file("outside/victim.txt", "precious\n")
}

fn generate(root: &Path, args: &[&str]) -> std::process::Output {
    chartgen(&[&["generate", "app"], args].concat(), root)
}

fn refused_for_link(root: &Path, out: &std::process::Output, link: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert_eq!(
        stderr(out),
        format!(
            "error: `{link}` is a symbolic link: chartgen never writes or removes through a link \
             inside the chart folder (replace it with a real folder or file)\n"
        )
    );
    assert!(root.join("outside/victim.txt").exists());
}

#[test]
fn a_symlinked_templates_folder_is_refused_and_nothing_is_written() {
    let tmp = layout(BASE);
    let root = tmp.path();
    symlink("../outside", root.join("app/templates")).unwrap();
    let before = snapshot(root);
    let runs = [
        generate(root, &[]),
        generate(root, &["--force"]),
        chartgen(&["new", "app", "--force"], root),
    ];
    for out in &runs {
        refused_for_link(root, out, "app/templates");
        assert_eq!(snapshot(root), before, "nothing written, inside or outside");
    }
}

#[test]
fn a_templates_folder_swapped_for_a_link_loses_nothing_outside() {
    let tmp = layout(&format!("{BASE}{INGRESS}"));
    let root = tmp.path();
    assert!(generate(root, &[]).status.success());
    // The generated templates move elsewhere and a link takes their place; the spec then
    // drops the Ingress, whose file chartgen would remove.
    std::fs::rename(root.join("app/templates"), root.join("outside/templates")).unwrap();
    symlink("../outside/templates", root.join("app/templates")).unwrap();
    tmp.write("app/chartgen.yaml", BASE);
    let before = snapshot(root);
    let out = generate(root, &[]);
    refused_for_link(root, &out, "app/templates");
    assert!(root.join("outside/templates/ingress.yaml").exists());
    assert_eq!(snapshot(root), before);
}

/// A lock line naming `path` with the hash of `outside/victim.txt`, so that chartgen would
/// take the file for one it generated and no longer does.
fn lock_names(root: &Path, path: &str) {
    let lock = root.join("app/chartgen.lock");
    let hash = chartgen::lock::hash(b"precious\n");
    let mut text = std::fs::read_to_string(&lock).unwrap();
    text.push_str(&format!("{hash}  {path}\n"));
    std::fs::write(lock, text).unwrap();
}

#[test]
fn a_lock_line_through_a_symlinked_folder_deletes_nothing_outside() {
    let tmp = layout(BASE);
    let root = tmp.path();
    assert!(generate(root, &[]).status.success());
    symlink("../outside", root.join("app/data")).unwrap();
    lock_names(root, "data/victim.txt");
    for args in [&[][..], &["--force"]] {
        let out = generate(root, args);
        refused_for_link(root, &out, "app/data");
    }
    assert_eq!(
        std::fs::read_to_string(root.join("outside/victim.txt")).unwrap(),
        "precious\n"
    );
}

#[test]
fn lock_lines_leaving_the_folder_are_ignored() {
    let tmp = layout(BASE);
    let root = tmp.path();
    assert!(generate(root, &[]).status.success());
    let absolute = root.join("outside/victim.txt");
    lock_names(root, "../outside/victim.txt");
    lock_names(root, absolute.to_str().unwrap());
    for args in [&[][..], &["--force"]] {
        let out = generate(root, args);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(absolute.exists());
    }
    let lock = std::fs::read_to_string(root.join("app/chartgen.lock")).unwrap();
    assert!(!lock.contains("victim"), "{lock}");
}

#[test]
fn only_a_regular_file_chartgen_generated_is_removed() {
    let tmp = layout(&format!("{BASE}{INGRESS}"));
    let root = tmp.path();
    assert!(generate(root, &[]).status.success());
    // Where the lock says chartgen wrote a file, a folder and a link to a file now stand.
    let ingress = root.join("app/templates/ingress.yaml");
    std::fs::remove_file(&ingress).unwrap();
    std::fs::create_dir(&ingress).unwrap();
    std::fs::write(ingress.join("notes.txt"), "mine\n").unwrap();
    lock_names(root, "victim-link.txt");
    symlink("../outside/victim.txt", root.join("app/victim-link.txt")).unwrap();
    tmp.write("app/chartgen.yaml", BASE);
    let out = generate(root, &["--force"]);
    refused_for_link(root, &out, "app/victim-link.txt");
    std::fs::remove_file(root.join("app/victim-link.txt")).unwrap();
    let out = generate(root, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(ingress.join("notes.txt")).unwrap(),
        "mine\n"
    );
}

/// A generated chart in `app/` that an interrupted write seems to have left with `journal`
/// (its lines) and the files `staged` (path below `.chartgen.tmp`, content).
fn journal_left(root: &Path, journal: &str, staged: &[(&str, &str)]) {
    assert!(generate(root, &[]).status.success());
    let work = root.join("app/.chartgen.tmp");
    std::fs::create_dir(&work).unwrap();
    for (path, content) in staged {
        let file = work.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }
    std::fs::write(work.join("journal"), journal).unwrap();
}

/// Every command that opens the folder, and so would put back what the journal lists, stops
/// with `error` and changes nothing, inside the chart or outside.
fn recovery_refused(root: &Path, error: &str) {
    let before = snapshot(root);
    let links = links(root);
    for args in [
        &["diff", "app"][..],
        &["generate", "app", "--check"],
        &["generate", "app"],
    ] {
        let out = chartgen(args, root);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), error, "{args:?}");
        assert_eq!(snapshot(root), before, "{args:?}: nothing changed");
        assert_eq!(self::links(root), links, "{args:?}: the same links");
    }
}

/// The symbolic links below `root` and where they point, sorted.
fn links(root: &Path) -> Vec<(String, std::path::PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string();
                found.push((rel, std::fs::read_link(entry.path()).unwrap()));
            } else if kind.is_dir() {
                stack.push(entry.path());
            }
        }
    }
    found.sort();
    found
}

fn link_error(link: &str) -> String {
    format!(
        "error: `{link}` is a symbolic link: chartgen never writes or removes through a link \
         inside the chart folder (replace it with a real folder or file)\n"
    )
}

#[test]
fn recovery_never_writes_or_removes_through_a_symlinked_folder() {
    let tmp = layout(BASE);
    let root = tmp.path();
    std::fs::write(root.join("outside/other.txt"), "original\n").unwrap();
    symlink("../outside", root.join("app/evil")).unwrap();
    journal_left(
        root,
        "create evil/victim.txt\nupdate evil/other.txt\n",
        &[("old/evil/other.txt", "attacker\n")],
    );
    recovery_refused(root, &link_error("app/evil"));
    assert_eq!(
        std::fs::read_to_string(root.join("outside/other.txt")).unwrap(),
        "original\n"
    );
}

#[test]
fn recovery_never_moves_a_file_in_through_a_symlinked_work_folder() {
    for (link, at, to) in [
        ("app/.chartgen.tmp", ".chartgen.tmp", "../outside"),
        (
            "app/.chartgen.tmp/old",
            ".chartgen.tmp/old",
            "../../outside",
        ),
        (
            "app/.chartgen.tmp/new",
            ".chartgen.tmp/new",
            "../../outside",
        ),
        (
            "app/.chartgen.tmp/journal",
            ".chartgen.tmp/journal",
            "../../outside/victim.txt",
        ),
    ] {
        let tmp = layout(BASE);
        let root = tmp.path();
        std::fs::write(root.join("outside/journal"), "update victim.txt\n").unwrap();
        journal_left(root, "update victim.txt\n", &[]);
        let at = root.join("app").join(at);
        let _ = std::fs::remove_dir_all(&at).or_else(|_| std::fs::remove_file(&at));
        symlink(to, at).unwrap();
        recovery_refused(root, &link_error(link));
        assert!(root.join("outside/victim.txt").exists(), "{link}");
    }
}

#[test]
fn recovery_never_plants_a_link_set_aside_in_the_work_folder() {
    let tmp = layout(BASE);
    let root = tmp.path();
    journal_left(root, "update values.yaml\n", &[]);
    let kept = root.join("app/.chartgen.tmp/old/values.yaml");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    symlink("../../../outside/victim.txt", kept).unwrap();
    recovery_refused(root, &link_error("app/.chartgen.tmp/old/values.yaml"));
}

#[test]
fn a_journal_naming_the_work_folder_or_a_work_folder_that_is_a_file_is_refused() {
    let interrupted = |cause: &str| {
        format!(
            "error: `app`: a previous chartgen run was interrupted while writing this chart, and \
             undoing its changes failed: {cause} (the files it replaced are kept in \
             `app/.chartgen.tmp/old`)\n"
        )
    };
    for line in [
        "create .chartgen.tmp/journal",
        "remove .chartgen.tmp/old/values.yaml",
    ] {
        let tmp = layout(BASE);
        let root = tmp.path();
        journal_left(root, &format!("{line}\n"), &[("old/values.yaml", "x\n")]);
        recovery_refused(
            root,
            &interrupted(&format!("unreadable journal line {line:?}")),
        );
    }
    let tmp = layout(BASE);
    let root = tmp.path();
    journal_left(root, "update values.yaml\n", &[("old", "not a folder\n")]);
    recovery_refused(
        root,
        &interrupted("`app/.chartgen.tmp/old` is not a folder"),
    );
}

#[test]
fn linked_templates_are_named_and_prune_never_removes_or_follows_them() {
    let tmp = layout(BASE);
    let root = tmp.path();
    assert!(generate(root, &[]).status.success());
    std::fs::create_dir(root.join("outside/sub")).unwrap();
    std::fs::write(root.join("outside/sub/inner.yaml"), "kind: ConfigMap\n").unwrap();
    symlink(
        "../../outside/victim.txt",
        root.join("app/templates/extra.yaml"),
    )
    .unwrap();
    symlink("../../outside/sub", root.join("app/templates/sub")).unwrap();
    std::fs::write(root.join("app/templates/mine.yaml"), "kind: Secret\n").unwrap();
    let tag = PIN_WARNING.replacen("chartgen.yaml", "app/chartgen.yaml", 1);
    let named = |count: usize, mine: &str| {
        format!(
            "{tag}warning: {count} file(s) below templates/ were not generated by chartgen, and \
             Helm renders them with the chart (they may call helpers chartgen's _helpers.tpl \
             lacks): keep them if you wrote them for this chart; `chartgen generate --prune` \
             removes them\n  templates/extra.yaml (a symbolic link: --prune never removes a \
             link, remove it by hand)\n{mine}  templates/sub (a symbolic link: --prune never \
             removes a link, remove it by hand)\n"
        )
    };
    for args in [&[][..], &["--check"]] {
        let out = generate(root, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            named(3, "  templates/mine.yaml\n"),
            "{args:?}"
        );
    }
    let before = snapshot(&root.join("outside"));
    let out = generate(root, &["--prune"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "removed   templates/mine.yaml\n");
    assert_eq!(stderr(&out), named(2, ""));
    assert_eq!(
        snapshot(&root.join("outside")),
        before,
        "nothing outside removed"
    );
    for link in ["app/templates/extra.yaml", "app/templates/sub"] {
        let meta = std::fs::symlink_metadata(root.join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} kept");
    }
}
