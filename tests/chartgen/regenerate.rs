//! Safe regeneration: the lock file, hand-edit detection, stale files, and `generate --check`.

use crate::support::{chartgen, git, git_ok, snapshot, stderr, stdout};

/// Pinned by digest, so that chartgen has no warning to add to what these tests assert.
const SPEC: &str = "name: app\nimage:\n  repository: nginx\n  tag: \"1.27\"\n  \
                    digest: sha256:0000000000000000000000000000000000000000000000000000000000000000\n\
                    port: 8080\n";

fn generated(spec: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("chartgen.yaml"), spec).unwrap();
    let out = chartgen(&["generate"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    tmp
}

fn edit_spec(dir: &std::path::Path, spec: &str) {
    std::fs::write(dir.join("chartgen.yaml"), spec).unwrap();
}

#[test]
fn the_lock_lists_every_generated_file_with_its_sha256() {
    let tmp = generated(SPEC);
    let lock = std::fs::read_to_string(tmp.path().join("chartgen.lock")).unwrap();
    let (fingerprint, hashes) = lock.split_once('\n').unwrap();
    assert!(fingerprint.starts_with("# chartgen "), "{lock}");
    let paths: Vec<&str> = hashes
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    assert!(paths.contains(&"templates/statefulset.yaml"));
    assert!(!paths.contains(&"chartgen.lock") && !paths.contains(&"chartgen.yaml"));
    let check = std::process::Command::new("sha256sum")
        .args(["--check", "--quiet", "chartgen.lock"])
        .current_dir(tmp.path())
        .output()
        .expect("sha256sum runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn hand_edits_stop_regeneration_with_their_diff_until_forced() {
    let tmp = generated(SPEC);
    let sts = tmp.path().join("templates/statefulset.yaml");
    let edited = std::fs::read_to_string(&sts)
        .unwrap()
        .replace("  replicas:", "  # tuned by hand\n  replicas:");
    std::fs::write(&sts, &edited).unwrap();
    edit_spec(tmp.path(), &format!("{SPEC}replicas: 3\n"));
    let before = snapshot(tmp.path());

    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "error: refusing to change 1 file(s) that chartgen did not leave as they are (--force overwrites):\n  \
             templates/statefulset.yaml: edited since chartgen wrote it\n--- a/templates/statefulset.yaml\n+++ b/templates/statefulset.yaml\n"
        ),
        "{err}"
    );
    assert!(err.contains("\n-  # tuned by hand\n"), "{err}");
    assert_eq!(snapshot(tmp.path()), before, "nothing written");

    // `--check` points at the command that goes through, not at the one that refuses.
    let out = chartgen(&["generate", "--check"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "M Chart.yaml                 | +1 -1\nM README.md                  | +1 -1\n\
         M chartgen.lock              | +4 -4\nM templates/statefulset.yaml | +0 -1\n\
         M values.yaml                | +1 -1\n\
         5 file(s) out of date: run `chartgen generate --force` (1 of them changed by hand or \
         not chartgen's: --force overwrites them)\n"
    );

    let out = chartgen(&["generate", "--force"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("updated   templates/statefulset.yaml"));
    assert!(
        !std::fs::read_to_string(&sts)
            .unwrap()
            .contains("tuned by hand")
    );
}

#[test]
fn files_no_longer_generated_are_removed_unless_edited() {
    let with_config = format!("{SPEC}config:\n  env:\n    REGION: eu\n");
    let tmp = generated(&with_config);
    assert!(tmp.path().join("templates/configmap.yaml").exists());
    edit_spec(tmp.path(), SPEC);
    let out = chartgen(&["generate"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("removed   templates/configmap.yaml"),
        "{}",
        stdout(&out)
    );
    assert!(!tmp.path().join("templates/configmap.yaml").exists());

    edit_spec(tmp.path(), &with_config);
    assert!(chartgen(&["generate"], tmp.path()).status.success());
    std::fs::write(tmp.path().join("templates/configmap.yaml"), "# mine now\n").unwrap();
    edit_spec(tmp.path(), SPEC);
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "templates/configmap.yaml: edited since chartgen wrote it, and chartgen would remove it"
        ),
        "{}",
        stderr(&out)
    );
    assert!(tmp.path().join("templates/configmap.yaml").exists());
}

#[test]
fn a_hand_written_chart_in_the_way_is_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("templates")).unwrap();
    std::fs::write(
        tmp.path().join("templates/statefulset.yaml"),
        "# written by hand\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("templates/extra.yaml"), "# mine\n").unwrap();
    edit_spec(tmp.path(), SPEC);
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("templates/statefulset.yaml: exists, and chartgen did not generate it"),
        "{}",
        stderr(&out)
    );
    let out = chartgen(&["generate", "--force"], tmp.path());
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("templates/extra.yaml")).unwrap(),
        "# mine\n"
    );
    // Kept, but never silently: Helm renders it with the chart.
    let strangers = "warning: 1 file(s) below templates/ were not generated by chartgen, and \
                     Helm renders them with the chart (they may call helpers chartgen's \
                     _helpers.tpl lacks): keep them if you wrote them for this chart; `chartgen \
                     generate --prune` removes them\n  templates/extra.yaml\n";
    assert_eq!(stderr(&out), strangers);
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(stdout(&out), "up to date (15 files)\n");
    assert_eq!(stderr(&out), strangers, "said on every run");
    let out = chartgen(&["generate", "--check"], tmp.path());
    assert_eq!(
        (out.status.code(), stderr(&out).as_str()),
        (Some(0), strangers)
    );

    let out = chartgen(&["generate", "--prune"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "removed   templates/extra.yaml\n");
    assert_eq!(stderr(&out), "");
    assert!(!tmp.path().join("templates/extra.yaml").exists());
}

#[test]
fn check_exits_0_when_current_and_1_with_a_stat_when_stale_writing_nothing() {
    let tmp = generated(SPEC);
    let out = chartgen(&["generate", "--check"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");

    edit_spec(
        tmp.path(),
        &format!("{SPEC}replicas: 3\nsecrets:\n  - {{name: TOKEN, generate: true}}\n"),
    );
    let before = snapshot(tmp.path());
    let out = chartgen(&["generate", "--check"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("A templates/secret.yaml"), "{text}");
    assert!(text.contains("M values.yaml"), "{text}");
    assert!(
        text.ends_with("file(s) out of date: run `chartgen generate`\n"),
        "{text}"
    );
    assert_eq!(snapshot(tmp.path()), before, "--check writes nothing");
}

#[test]
fn check_works_as_a_pre_commit_gate() {
    let tmp = generated(SPEC);
    let ok = |args: &[&str]| git_ok(tmp.path(), args);
    ok(&["init", "-q"]);
    let hook = tmp.path().join(".git/hooks/pre-commit");
    let bin = env!("CARGO_BIN_EXE_chartgen");
    std::fs::write(&hook, format!("#!/bin/sh\nexec {bin} generate --check\n")).unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&hook)
        .status()
        .unwrap();
    ok(&["add", "-A"]);
    ok(&["commit", "-qm", "chart"]);

    edit_spec(tmp.path(), &format!("{SPEC}replicas: 4\n"));
    ok(&["add", "-A"]);
    let refused = git(tmp.path(), &["commit", "-qm", "spec only"]);
    assert!(
        !refused.status.success(),
        "the hook stops a spec change without its chart"
    );
    // git shows a hook's output on stderr.
    assert!(String::from_utf8_lossy(&refused.stderr).contains("M values.yaml"));
    assert!(chartgen(&["generate"], tmp.path()).status.success());
    ok(&["add", "-A"]);
    ok(&["commit", "-qm", "spec and chart"]);
}

#[test]
fn a_change_that_breaks_helm_upgrade_is_never_written_silently() {
    let spec = format!("{SPEC}storage:\n  - {{name: data, size: 1Gi, mountPath: /data}}\n");
    let tmp = generated(&spec);
    edit_spec(tmp.path(), &spec.replace("1Gi", "5Gi"));
    let hazard = "hazard: values.yaml persistence.data: Kubernetes refuses to change \
                  volumeClaimTemplates of an existing StatefulSet: `helm upgrade` fails with \
                  \"spec: Forbidden: updates to statefulset spec for fields other than";
    let check = chartgen(&["generate", "--check"], tmp.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).starts_with(hazard), "{}", stderr(&check));
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.starts_with(hazard), "{err}");
    assert!(
        err.contains("\n  remedy: resize each existing PVC directly"),
        "{err}"
    );
    // At 0.x, a breaking change bumps the minor version (SemVer's initial development).
    assert!(err.ends_with("\nversion: 0.1.0 → 0.2.0 (minor)\n"), "{err}");

    edit_spec(
        tmp.path(),
        &spec
            .replace("1Gi", "5Gi")
            .replace("port: 8080\n", "port: 8080\nreplicas: 2\n"),
    );
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(stderr(&out), "version: 0.2.0 → 0.2.1 (patch)\n");
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(
        (stdout(&out).as_str(), stderr(&out).as_str()),
        ("up to date (15 files)\n", "")
    );
}

#[test]
fn a_hand_edited_secret_value_is_hidden_in_the_refusal() {
    let with_secret = format!("{SPEC}secrets:\n  - name: DATABASE_URL\n");
    let tmp = generated(&with_secret);
    let values = tmp.path().join("values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    let edited = text.replace("DATABASE_URL: \"\"", "DATABASE_URL: \"hunter2-values\"");
    assert_ne!(edited, text);
    std::fs::write(&values, edited).unwrap();
    edit_spec(tmp.path(), &format!("{with_secret}  - name: API_KEY\n"));

    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let line = text.lines().position(|l| l == "secrets:").unwrap();
    assert_eq!(
        stderr(&out),
        format!(
            "error: refusing to change 1 file(s) that chartgen did not leave as they are (--force overwrites):\n  \
             values.yaml: edited since chartgen wrote it\n\
             --- a/values.yaml\n\
             +++ b/values.yaml\n\
             @@ -{line},6 +{line},7 @@\n \
             # chartgen generates are random on first install and kept on upgrade.\n \
             secrets:\n   \
             DATABASE_URL: (hidden)\n\
             +  API_KEY: (hidden)\n \n \
             # Name of an existing Secret holding each secret's key; no Secret is created when set.\n \
             existingSecret: \"\"\n"
        )
    );
}
