//! `chartgen diff`: exit codes like diff(1), value changes, effects, hazards, formats, and
//! secrets kept out of the output.

use serde_json::Value;

use crate::support::{BASE, Project, chartgen, copy_dir, root, stderr, stdout};

/// A claim, whose changes are hazards.
const CLAIM: &str = "storage:\n  - {name: data, size: 1Gi, mountPath: /data}\n";

/// BASE with a version to bump, and CLAIM.
fn spec() -> String {
    format!("{BASE}version: 1.0.0\n{CLAIM}")
}

fn generated() -> Project {
    Project::new().spec(spec()).generated()
}

fn json_diff(dir: &std::path::Path) -> (Option<i32>, Value) {
    let out = chartgen(&["diff", "--format", "json"], dir);
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn identical_charts_exit_0_with_no_output() {
    let tmp = generated();
    for format in ["stat", "unified"] {
        let out = tmp.run(&["diff", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(stdout(&out), "", "{format}");
    }
}

#[test]
fn a_replicas_change_updates_in_place_without_hazard() {
    let tmp = generated();
    tmp.edit_spec("port: 8080\n", "port: 8080\nreplicas: 3\n");
    let before = tmp.snapshot();
    let out = tmp.run(&["diff", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("value    replicaCount: 1 → 3 (updates)\n"),
        "{text}"
    );
    assert!(
        text.contains("--- a/values.yaml\n+++ b/values.yaml\n"),
        "{text}"
    );
    assert!(
        text.contains("\n-replicaCount: 1\n+replicaCount: 3\n"),
        "{text}"
    );
    assert!(!text.contains("hazard"), "{text}");
    assert!(text.contains("overall: updates\n"), "{text}");
    assert!(
        text.contains("warning: the chart changed but its version did not"),
        "pinned 1.0.0: {text}"
    );
    assert!(
        text.contains("version: 1.0.0 → 1.0.1 proposed (patch)"),
        "{text}"
    );
    assert_eq!(tmp.snapshot(), before, "diff writes nothing");
}

#[test]
fn a_storage_size_change_warns_with_the_remedy() {
    let tmp = generated();
    tmp.edit_spec("size: 1Gi", "size: 5Gi");
    let (code, review) = json_diff(tmp.path());
    assert_eq!(code, Some(1));
    assert_eq!(review["effect"], "needs-recreate");
    let hazard = &review["hazards"][0];
    assert_eq!(hazard["change"], "values.yaml persistence.data");
    assert!(
        hazard["remedy"]
            .as_str()
            .unwrap()
            .contains("--cascade=orphan")
    );
    assert_eq!(review["version"]["bump"], "major");
}

#[test]
fn a_rename_is_a_selector_hazard() {
    let tmp = generated();
    tmp.edit_spec("name: app\n", "name: shop\n");
    let (code, review) = json_diff(tmp.path());
    assert_eq!(code, Some(1));
    let changes: Vec<&str> = review["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["change"].as_str().unwrap())
        .collect();
    assert!(
        changes.contains(&"the chart name (the app.kubernetes.io/name selector label)"),
        "{changes:?}"
    );
}

#[test]
fn secrets_changed_show_keys_not_values() {
    let tmp = generated();
    tmp.edit_spec(
        "port: 8080\n",
        "port: 8080\nsecrets:\n  - {name: API_URL, value: \"https://old\", notSecret: true}\n",
    );
    tmp.run(&["generate", "--force"]).success();
    tmp.edit_spec("https://old", "https://new");
    let text = stdout(&tmp.run(&["diff", "--color", "never"]));
    assert!(
        text.contains("value    secrets.API_URL: \"(hidden)\" → \"(hidden)\" (rolls pods)"),
        "{text}"
    );
    let shown = stdout(&tmp.run(&[
        "diff",
        "--color",
        "never",
        "--show-secrets",
        "--format",
        "json",
    ]));
    assert!(shown.contains("https://new"), "{shown}");
}

#[test]
fn the_unversioned_spec_gets_its_bump_applied_by_generate() {
    let tmp = Project::new().spec(format!("{BASE}{CLAIM}")).generated();
    let version = |dir: &std::path::Path| {
        let chart: Value =
            serde_yaml::from_str(&std::fs::read_to_string(dir.join("Chart.yaml")).unwrap())
                .unwrap();
        chart["version"].as_str().unwrap().to_string()
    };
    assert_eq!(version(tmp.path()), "0.1.0");
    tmp.edit_spec("port: 8080\n", "port: 8080\nreplicas: 2\n");
    tmp.run(&["generate"]).success();
    assert_eq!(version(tmp.path()), "0.1.1", "defaults changed: patch");
    tmp.edit_spec("port: 8080\n", "port: 8080\nenv: {A: b}\n");
    tmp.run(&["generate"]).success();
    assert_eq!(
        version(tmp.path()),
        "0.1.2",
        "a default changed (extraEnvVars): patch"
    );
    tmp.edit_spec("size: 1Gi", "size: 2Gi");
    tmp.run(&["generate"]).success();
    assert_eq!(version(tmp.path()), "0.2.0", "a hazard at 0.x: minor");
    tmp.edit_spec("port: 8080\n", "port: 8080\nmetrics: {port: http}\n");
    tmp.run(&["generate"]).success();
    assert_eq!(version(tmp.path()), "0.2.1", "keys added at 0.x: patch");
    let check = tmp.run(&["generate", "--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "stable once generated: {}",
        stdout(&check)
    );
}

#[test]
fn markdown_is_ready_for_a_pull_request() {
    let tmp = generated();
    tmp.edit_spec("size: 1Gi", "size: 5Gi");
    let text = stdout(&tmp.run(&["diff", "--format", "markdown"]));
    assert!(
        text.starts_with(
            "### chartgen diff\n\n**Effect on a running release: needs recreate**\n\n"
        ),
        "{text}"
    );
    assert!(text.contains("| File | Status | +/- | Effect |\n| --- | --- | --- | --- |\n"));
    assert!(
        text.contains("| `persistence.data.size` | `\"1Gi\"` | `\"5Gi\"` | needs recreate |"),
        "{text}"
    );
    assert!(
        text.contains("> ⚠️ **Hazard:** values.yaml persistence.data"),
        "{text}"
    );
    let details = text.matches("<details><summary>").count();
    assert_eq!(details, text.matches("</details>").count());
    assert_eq!(details, text.matches("```diff\n").count());
    assert!(details >= 2);
}

#[test]
fn stat_and_markdown_keep_the_hazards_and_the_version_apart() {
    let tmp = generated();
    tmp.edit_spec("size: 1Gi", "size: 5Gi");
    let stat = stdout(&tmp.run(&["diff", "--format", "stat"]));
    let hazard = "values.yaml persistence.data: Kubernetes refuses to change \
                  volumeClaimTemplates of an existing StatefulSet: `helm upgrade` fails with \
                  \"spec: Forbidden: updates to statefulset spec for fields other than 'replicas', \
                  'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' \
                  and 'minReadySeconds' are forbidden\"";
    let remedy = "resize each existing PVC directly when its StorageClass allows expansion \
                  (`kubectl patch pvc <claim>-<statefulset>-N -p \
                  '{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"<size>\"}}}}'`), then delete \
                  the StatefulSet but keep its pods and claims (`kubectl delete statefulset <name> \
                  --cascade=orphan`), then `helm upgrade`: the new StatefulSet adopts the running \
                  pods";
    let warning = "the chart changed but its version did not: chart-testing (ct lint) rejects \
                   that; set version 2.0.0 (a major bump)";
    assert_eq!(
        stat,
        format!(
            " README.md   | +1 -1 (no-op)\n values.yaml | +1 -1 (needs recreate)\n \
             2 file(s) changed, +2 -2\nhazard: {hazard}\n  remedy: {remedy}\n\
             warning: {warning}\nversion: 1.0.0 → 2.0.0 proposed (major)\n"
        )
    );
    let markdown = stdout(&tmp.run(&["diff", "--format", "markdown"]));
    assert!(
        markdown.contains(&format!(
            "\n\n> ⚠️ **Hazard:** {hazard}<br>**Remedy:** {remedy}\n> ⚠️ **Warning:** \
             {warning}\n\nversion: 1.0.0 → 2.0.0 proposed (major)\n\n<details>"
        )),
        "{markdown}"
    );
}

#[test]
fn an_empty_secret_value_is_not_hidden_it_is_empty() {
    let tmp = generated();
    let notsecret = "  - {name: API_URL, value: \"https://old\", notSecret: true}\n";
    tmp.edit_spec(
        "port: 8080\n",
        &format!("port: 8080\nsecrets:\n{notsecret}"),
    );
    tmp.run(&["generate", "--force"]).success();
    tmp.edit_spec(notsecret, "  - {name: API_URL}\n");
    let text = stdout(&tmp.run(&["diff", "--color", "never"]));
    assert!(
        text.contains("value    secrets.API_URL: \"(hidden)\" → \"\" (rolls pods)"),
        "{text}"
    );
}

#[test]
fn against_a_hand_written_seed_chart() {
    let fixture = root().join("tests/fixtures/seed-web-apps");
    let spec = root().join("examples/web-apps/chartgen.yaml");
    let args = [
        "diff",
        "-f",
        spec.to_str().unwrap(),
        "--against",
        fixture.to_str().unwrap(),
        "--color",
        "never",
    ];
    let out = chartgen(&args, &root());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "was not generated by chartgen: the file diffs of two unrelated charts are mostly \
             template noise. To see what replacing it does to a release, compare the objects \
             both render: `helm template REL "
        ),
        "{}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("removed  templates/secrets.yaml"), "{text}");
    assert!(
        text.contains("added    templates/service-headless.yaml"),
        "{text}"
    );
    assert!(
        text.contains("changed  templates/statefulset.yaml"),
        "{text}"
    );
    assert!(
        !text.contains("bXktc2VjcmV0LXBhc3N3b3Jk"),
        "a hand-written Secret's value leaked: {text}"
    );
    assert!(text.contains("-  password: (hidden)"), "{text}");
    assert!(
        text.contains("value    password: \"my-secret-password\" → (none)")
            || text.contains("value    password:"),
        "{text}"
    );
}

/// `--against` reads a chart's folders through symlinks, as diff -r does: a chart whose
/// `templates` links to the generated one differs from it in no template.
#[cfg(unix)]
#[test]
fn against_follows_a_symlinked_folder() {
    let chart = generated();
    let linked = tempfile::tempdir().unwrap();
    for name in ["Chart.yaml", "values.yaml"] {
        std::fs::copy(chart.path().join(name), linked.path().join(name)).unwrap();
    }
    std::os::unix::fs::symlink(
        chart.path().join("templates"),
        linked.path().join("templates"),
    )
    .unwrap();
    let spec = chart.path().join("chartgen.yaml");
    let args = [
        "diff",
        "-f",
        spec.to_str().unwrap(),
        "--against",
        linked.path().to_str().unwrap(),
        "--format",
        "stat",
    ];
    let out = chart.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let through_link = stdout(&out);
    assert!(
        !through_link.contains("templates/"),
        "templates read as missing or changed: {through_link}"
    );
}

/// A spec without a version takes the one on the other side; chartgen's own files (spec,
/// schema, lock) are no part of that chart, so a copy of the chart is no change to bump for.
#[test]
fn against_an_identical_copy_is_no_change_for_a_spec_without_a_version() {
    let chart = Project::new().spec(BASE).generated();
    let copy = tempfile::tempdir().unwrap();
    copy_dir(chart.path(), copy.path());
    let against = copy.path().to_str().unwrap();
    chart
        .run(&["diff", "--against", against, "--format", "stat"])
        .status(0)
        .stdout("");
}

#[test]
fn many_charts_at_once_with_recursive_search() {
    let tmp = Project::new();
    for name in ["a", "b", "c"] {
        tmp.write(
            &format!("services/{name}/chartgen.yaml"),
            spec().replace("name: app", &format!("name: {name}")),
        );
    }
    let out = tmp.run(&["generate", "-r"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).matches("== ").count(), 3);
    let check = tmp.run(&["generate", "--check", "--recursive", "services"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    tmp.edit("services/b/chartgen.yaml", "port: 8080", "port: 9090");
    let check = tmp.run(&["generate", "--check", "-r"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "one stale chart fails the run"
    );
    let text = stdout(&check);
    let b = text
        .split("== services/b\n")
        .nth(1)
        .unwrap()
        .split("== ")
        .next()
        .unwrap();
    assert!(b.contains("M values.yaml"), "{text}");
    assert!(
        text.contains("== services/c\n") && !text.contains("== services/c\nM"),
        "{text}"
    );
    let inside = chartgen(&["generate", "-r"], &tmp.path().join("services/a"));
    assert!(
        inside.status.success(),
        "-r inside a chart folder: {}",
        stderr(&inside)
    );
    let diff = tmp.run(&["diff", "--format", "stat", "services/a", "services/b"]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stdout(&diff).starts_with("== services/a\n== services/b\n README.md"),
        "{}",
        stdout(&diff)
    );
}

/// A PR author's text (a spec value, a file name in the base chart) stays in code: no
/// image, bold text or table cell of its own in the PR comment.
#[test]
fn markdown_holds_a_pull_requests_text_in_code() {
    let tmp = generated();
    let base = tempfile::tempdir().unwrap();
    copy_dir(tmp.path(), base.path());
    std::fs::write(
        base.path().join("templates/a`<img src=x>|y.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();
    tmp.edit_spec(
        "port: 8080\n",
        "port: 8080\nenv:\n  NOTE: \"a`<img src=x>**pwn**`\"\n",
    );
    let against = base.path().to_str().unwrap();
    let text = stdout(&tmp.run(&["diff", "--against", against, "--format", "markdown"]));
    for row in [
        "| ``templates/a`<img src=x>\\|y.yaml`` | removed | +0 -1 | updates |\n",
        "| `extraEnvVars` | `[]` | ``[{\"name\":\"NOTE\",\"value\":\"a`<img src=x>**pwn**`\"}]`` | \
         rolls pods |\n",
        "<summary><code>templates/a`&lt;img src=x&gt;|y.yaml</code> (removed, updates)</summary>",
    ] {
        assert!(text.contains(row), "{row} in {text}");
    }
}

/// Every value of a hand-written Secret reads `(hidden)`: a column-0 template action in its
/// `data:` does not end it, nor does a quoted kind keep a Secret from being one.
#[test]
fn against_a_chart_whose_secrets_are_written_by_hand() {
    let chart = Project::new().spec(BASE).generated();
    let hand = tempfile::tempdir().unwrap();
    copy_dir(chart.path(), hand.path());
    let write = |name: &str, text: &str| std::fs::write(hand.path().join(name), text).unwrap();
    write(
        "templates/secrets.yaml",
        "kind: Secret\ndata:\n{{- if .Values.on }}\n  password: aHVudGVyMg==\n{{- end }}\n",
    );
    write(
        "templates/creds.yaml",
        "kind: \"Secret\"\nstringData:\n  token: \"plain\n  token\"\ntype: Opaque\n",
    );
    let against = hand.path().to_str().unwrap();
    let out = chart.run(&["diff", "--against", against, "--color", "never"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "--- a/templates/creds.yaml\n+++ b/templates/creds.yaml\n@@ -1,5 +0,0 @@\n\
             -kind: \"Secret\"\n-stringData:\n-  token: (hidden)\n-  (hidden)\n-type: Opaque\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "-kind: Secret\n-data:\n-{{- if .Values.on }}\n-  password: (hidden)\n-{{- end }}\n"
        ),
        "{text}"
    );
}

/// A hand edit's control and invisible characters (an OSC title, a line clear, a carriage
/// return that would overwrite the line, a bidi override) reach neither the terminal nor the
/// PR comment raw: each format shows them escaped, as `chartgen review` does.
#[test]
fn control_characters_in_a_compared_file_are_shown_escaped() {
    let tmp = generated();
    let edited = "# \u{1b}]0;owned\u{7}\u{1b}[2K\rreplicas: 3 \u{202e}x\n";
    let before = tmp.read("templates/statefulset.yaml");
    tmp.write("templates/statefulset.yaml", format!("{before}{edited}"));
    let shown = "-# \\u{1b}]0;owned\\u{7}\\u{1b}[2K\\rreplicas: 3 \\u{202e}x\n";
    for format in ["unified", "markdown"] {
        let out = tmp.run(&["diff", "--format", format, "--color", "never"]);
        let text = stdout(&out);
        assert!(text.contains(shown), "{format}: {text}");
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\r', '\u{202e}']),
            "{format}: {text}"
        );
    }
    let out = tmp.run(&["diff", "--format", "stat"]);
    assert!(
        stdout(&out).starts_with(" templates/statefulset.yaml | +0 -1 "),
        "{}",
        stdout(&out)
    );
}
