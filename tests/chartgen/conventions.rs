//! The conventions around the binary: pre-commit hooks run by the real pre-commit, the
//! pull-request review script, the man page, and what `cargo package` ships.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{
    BASE, Project, chartgen, git, git_ok, root, snapshot, stderr, stdout, venv_program,
};

/// The spec of the chart `web` in a repository of charts.
const WEB: &str = "charts/web/chartgen.yaml";

/// BASE named `web`, and then `extra`.
fn web(extra: &str) -> String {
    BASE.replacen("name: app", "name: web", 1) + extra
}

/// A git repository holding `charts/web`: a spec and the chart it generates, committed.
fn repo_with_chart() -> Project {
    let repo = Project::new().file(WEB, web(""));
    repo.run(&["generate", "charts/web"]).success();
    git_ok(repo.path(), &["init", "-q"]);
    commit_all(repo.path(), "chart");
    repo
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

    repo.write(WEB, web("replicas: 3\n"));
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

    repo.write(WEB, web("replicas: -1\n"));
    git_ok(repo.path(), &["add", "-A"]);
    let out = try_hook(repo.path(), "chartgen-validate");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(
        text.contains("error: charts/web/chartgen.yaml:6:11: replicas: must be 0 or more\n"),
        "{text}"
    );
}

/// A StatefulSet with one claim template of `size`, as `helm template` prints it.
fn shop_manifest(size: &str) -> String {
    format!(
        "---\n# Source: shop/templates/statefulset.yaml\napiVersion: apps/v1\nkind: StatefulSet\n\
         metadata:\n  name: shop\nspec:\n  serviceName: shop\n  selector:\n    matchLabels: {{app: shop}}\n  \
         template:\n    metadata:\n      labels: {{app: shop}}\n    spec:\n      containers:\n        \
         - {{name: shop, image: \"shop:1\"}}\n  volumeClaimTemplates:\n    - metadata: {{name: data}}\n      \
         spec:\n        accessModes: [ReadWriteOnce]\n        resources:\n          requests: {{storage: {size}}}\n"
    )
}

/// scripts/pr-review.sh run in `repo` against branch `base`, with `helm` the script `helm`
/// and the chartgen under test on its PATH.
fn pr_review(repo: &Project, helm: &str) -> Output {
    let stubs = Project::new().file("helm", helm);
    let made = Command::new("chmod")
        .arg("+x")
        .arg(stubs.path().join("helm"))
        .status()
        .unwrap();
    assert!(made.success());
    Command::new("bash")
        .arg(root().join("scripts/pr-review.sh"))
        .arg("base")
        .current_dir(repo.path())
        .env("PATH", path_with(&[stubs.path(), chartgen_dir()]))
        .output()
        .expect("bash runs")
}

#[test]
fn pr_review_comments_on_each_changed_spec_and_chart() {
    // What the stub helm prints for the chart `shop`.
    let rendered = "charts/shop/rendered.yaml";
    let repo = repo_with_chart()
        .file(
            "charts/shop/Chart.yaml",
            "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
        )
        .file(rendered, shop_manifest("1Gi"))
        .file("docs/notes.md", "notes\n");
    commit_all(repo.path(), "base");
    git_ok(repo.path(), &["branch", "base"]);

    repo.write(WEB, web("replicas: 3\n"));
    repo.run(&["generate", "charts/web"]).success();
    repo.write(rendered, shop_manifest("5Gi"));
    repo.write("docs/notes.md", "more notes\n");
    commit_all(repo.path(), "change");

    let out = pr_review(
        &repo,
        "#!/bin/sh\n# helm template RELEASE CHART: the chart's rendered.yaml, if any\n\
         [ \"$1\" = template ] || exit 64\n\
         if [ -f \"$3/rendered.yaml\" ]; then cat \"$3/rendered.yaml\"; fi\n",
    );
    let comment = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{comment}{}", stderr(&out));
    assert_eq!(stderr(&out), "");

    // What chartgen itself says of each change, compared with the base another way: the
    // base chart regenerated from the old spec, the renders written out.
    let oracle = Project::new()
        .file("web/chartgen.yaml", web(""))
        .file("old.yaml", shop_manifest("1Gi"))
        .file("new.yaml", shop_manifest("5Gi"))
        .file("empty.yaml", "");
    oracle.run(&["generate", "web"]).success();
    let o = |name: &str| oracle.path().join(name).to_str().unwrap().to_string();
    let says = |args: &[&str], code: i32| {
        let markdown = ["--format", "markdown", "--color", "never"];
        let out = chartgen(&[args, &markdown[..]].concat(), repo.path());
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        stdout(&out)
    };
    let web_diff = says(&["diff", "charts/web", "--against", &o("web")], 1);
    let shop_review = says(&["review", &o("old.yaml"), &o("new.yaml")], 1);
    let web_review = says(&["review", &o("empty.yaml"), &o("empty.yaml")], 0);
    let base =
        String::from_utf8(git(repo.path(), &["rev-parse", "--short", "base"]).stdout).unwrap();
    let expected = format!(
        "**chartgen**: what this change does to specs and charts since `{}`, the merge base \
         with `base`.\n\n\
         ## `charts/web`: the chart its spec generates\n\n{web_diff}\n\
         ## `charts/shop`: the objects `helm template` renders\n\n{shop_review}\n\
         ## `charts/web`: the objects `helm template` renders\n\n{web_review}",
        base.trim()
    );
    assert_eq!(comment, expected);
    assert!(
        web_diff.contains("| `replicaCount` | `1` | `3` | updates |"),
        "{web_diff}"
    );
    assert!(
        shop_review.contains(
            "| `spec.volumeClaimTemplates[data].spec.resources.requests.storage` | `1Gi` | `5Gi` |"
        ),
        "{shop_review}"
    );
}

/// A folder name and an error text, a PR author's to choose, stay in the code that quotes
/// them: a fence longer than any run of backticks they hold.
#[test]
fn pr_review_quotes_folder_names_and_errors_in_fences_they_cannot_close() {
    let chart = "x`<b>y";
    let repo = repo_with_chart().file(
        &format!("{chart}/Chart.yaml"),
        "apiVersion: v2\nname: x\nversion: 1.0.0\n",
    );
    commit_all(repo.path(), "base");
    git_ok(repo.path(), &["branch", "base"]);
    repo.write(&format!("{chart}/values.yaml"), "a: 1\n");
    commit_all(repo.path(), "change");
    let out = pr_review(
        &repo,
        "#!/bin/sh\nprintf 'Error: ```\\n**pwn**\\n' >&2\nexit 1\n",
    );
    let comment = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{comment}{}", stderr(&out));
    let heading = comment.split_once("\n\n").expect(&comment).1;
    assert_eq!(
        heading,
        "## ``x`<b>y``: the objects `helm template` renders\n\n\
         ``helm template x`<b>y x`<b>y`` failed:\n\n````\nError: ```\n**pwn**\n````\n"
    );
}

#[test]
fn man_prints_a_roff_page_for_chartgen_and_for_each_command() {
    let here = Path::new(".");
    let out = chartgen(&["man"], here);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains("\n.TH chartgen 1 "), "{page}");
    assert!(page.contains("\n.SH NAME\nchartgen \\- Compile a typed application spec"));
    assert!(
        page.contains("chartgen\\-review(1)"),
        "lists the command pages"
    );

    let out = chartgen(&["man", "new"], here);
    let page = stdout(&out);
    assert!(page.contains("\n.TH chartgen-new 1 "), "{page}");
    for preset in chartgen::presets::names() {
        assert!(
            page.contains(&format!("\n.IP \\(bu 2\n{preset}\n")),
            "the presets: {page}"
        );
    }

    let out = chartgen(&["man", "nope"], here);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: COMMAND: no command \"nope\" (commands: new, presets, generate, diff, review, \
         validate, schema, completions, man)\n"
    );
}

#[test]
fn cargo_package_ships_what_the_binary_embeds() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = stdout(&out);
    let listed: Vec<&str> = listed.lines().collect();
    for folder in ["templates", "presets"] {
        for file in snapshot(&root().join(folder)).keys() {
            let path = format!("{folder}/{file}");
            assert!(listed.contains(&path.as_str()), "{path} is not packaged");
        }
    }
    for file in ["schema/chartgen.schema.json", "README.md", "Cargo.lock"] {
        assert!(listed.contains(&file), "{file} is not packaged");
    }
    let shipped = [
        "build.rs",
        "src/",
        "templates/",
        "presets/",
        "schema/",
        "README.md",
        "Cargo.",
        ".cargo_vcs_info.json",
    ];
    let stray: Vec<&&str> = listed
        .iter()
        .filter(|l| !shipped.iter().any(|s| l.starts_with(s)))
        .collect();
    assert!(stray.is_empty(), "packaged but not needed: {stray:?}");
}
