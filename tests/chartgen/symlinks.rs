//! chartgen writes and removes only inside the chart folder: never through a symbolic link in
//! it, never a path from the lock that leaves it, never anything but a file it generated.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;

use crate::support::{chartgen, snapshot, stderr};

const SPEC: &str = "name: app\nimage:\n  repository: nginx\n  tag: \"1.27\"\nport: 8080\n";
const INGRESS: &str = "ingress:\n  hosts: [{host: app.example.com}]\n";

/// A root holding `app/` (a chart folder with `spec`) and `outside/` (a folder of the user's
/// that holds `victim.txt`).
fn layout(spec: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("app")).unwrap();
    std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
    std::fs::write(tmp.path().join("app/chartgen.yaml"), spec).unwrap();
    std::fs::write(tmp.path().join("outside/victim.txt"), "precious\n").unwrap();
    tmp
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
    let tmp = layout(SPEC);
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
    let tmp = layout(&format!("{SPEC}{INGRESS}"));
    let root = tmp.path();
    assert!(generate(root, &[]).status.success());
    // The generated templates move elsewhere and a link takes their place; the spec then
    // drops the Ingress, whose file chartgen would remove.
    std::fs::rename(root.join("app/templates"), root.join("outside/templates")).unwrap();
    symlink("../outside/templates", root.join("app/templates")).unwrap();
    std::fs::write(root.join("app/chartgen.yaml"), SPEC).unwrap();
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
    let tmp = layout(SPEC);
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
    let tmp = layout(SPEC);
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
    let tmp = layout(&format!("{SPEC}{INGRESS}"));
    let root = tmp.path();
    assert!(generate(root, &[]).status.success());
    // Where the lock says chartgen wrote a file, a folder and a link to a file now stand.
    let ingress = root.join("app/templates/ingress.yaml");
    std::fs::remove_file(&ingress).unwrap();
    std::fs::create_dir(&ingress).unwrap();
    std::fs::write(ingress.join("notes.txt"), "mine\n").unwrap();
    lock_names(root, "victim-link.txt");
    symlink("../outside/victim.txt", root.join("app/victim-link.txt")).unwrap();
    std::fs::write(root.join("app/chartgen.yaml"), SPEC).unwrap();
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
