//! The conventions around the binary: pre-commit hooks run by the real pre-commit.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{chartgen, git_ok, root, stderr, stdout, venv_program};

const SPEC: &str = "name: web\nimage:\n  repository: nginx\n  tag: \"1.27\"\nport: 8080\n";

/// A git repository holding `charts/web`: a spec and the chart it generates, committed.
fn repo_with_chart() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("charts/web");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("chartgen.yaml"), SPEC).unwrap();
    let out = chartgen(&["generate", "charts/web"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    git_ok(tmp.path(), &["init", "-q"]);
    commit_all(tmp.path(), "chart");
    tmp
}

fn commit_all(repo: &Path, message: &str) {
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-qm", message]);
}

/// PATH with `dirs` first: the chartgen binary under test, stubs.
fn path_with(dirs: &[&Path]) -> OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut all: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    all.extend(std::env::split_paths(&path));
    std::env::join_paths(all).unwrap()
}

fn chartgen_dir() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_chartgen")).parent().unwrap()
}

/// `pre-commit try-repo` of this repository's hook `hook` over every file of `repo`, with
/// the chartgen under test on PATH (the hooks run the installed chartgen).
fn try_hook(repo: &Path, hook: &str) -> Output {
    let cache = tempfile::tempdir().unwrap();
    let root = root();
    Command::new(venv_program("pre-commit"))
        .args(["try-repo", root.to_str().unwrap(), hook, "--all-files"])
        .args(["--color", "never"])
        .current_dir(repo)
        .env("PATH", path_with(&[chartgen_dir()]))
        .env("PRE_COMMIT_HOME", cache.path())
        .output()
        .expect("pre-commit runs")
}

#[test]
fn pre_commit_hooks_pass_a_fresh_chart_and_name_a_stale_one_or_a_bad_spec() {
    let repo = repo_with_chart();
    for hook in ["chartgen-check", "chartgen-validate"] {
        let out = try_hook(repo.path(), hook);
        assert!(
            out.status.success(),
            "{hook}: {}{}",
            stdout(&out),
            stderr(&out)
        );
    }

    let spec = repo.path().join("charts/web/chartgen.yaml");
    std::fs::write(&spec, format!("{SPEC}replicas: 3\n")).unwrap();
    git_ok(repo.path(), &["add", "-A"]);
    let out = try_hook(repo.path(), "chartgen-check");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(
        text.contains("- hook id: chartgen-check\n- exit code: 1\n"),
        "{text}"
    );
    assert!(text.contains("M values.yaml"), "{text}");
    assert!(
        text.contains("out of date in charts/web: run `chartgen generate charts/web`\n"),
        "{text}"
    );

    std::fs::write(&spec, format!("{SPEC}replicas: -1\n")).unwrap();
    git_ok(repo.path(), &["add", "-A"]);
    let out = try_hook(repo.path(), "chartgen-validate");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(
        text.contains("error: charts/web/chartgen.yaml:6:11: replicas: must be 0 or more\n"),
        "{text}"
    );
}
