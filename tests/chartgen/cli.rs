//! The binary as a user meets it: exit codes, exact messages, and nothing written on failure.

use serde_json::json;

use crate::support::{chartgen, helm, snapshot, stderr, stdout};

const SPEC: &str = "name: app\nimage:\n  repository: nginx\n  tag: \"1.27\"\nport: 8080\n";

fn folder_with(spec: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("chartgen.yaml"), spec).unwrap();
    tmp
}

#[test]
fn new_scaffolds_a_spec_and_a_chart_that_helm_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = chartgen(&["new", "demo"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tmp.path().join("demo");
    let spec = std::fs::read_to_string(dir.join("chartgen.yaml")).unwrap();
    assert!(
        spec.starts_with("# yaml-language-server: $schema=./chartgen.schema.json\n# An HTTP app"),
        "the preset's comments are kept"
    );
    assert!(spec.contains("name: demo\n"));
    let ignore = std::fs::read_to_string(dir.join(".helmignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "chartgen.yaml"));
    let job = json!([{ "chart": dir, "renders": [{ "name": "defaults", "values": {} }] }]);
    assert_eq!(helm(&[], &job), json!([]));
}

#[test]
fn new_refuses_a_non_empty_folder_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = chartgen(&["new", "demo"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: `demo` already exists and is not empty (choose another name, or --force to generate into it)\n"
    );
    assert_eq!(snapshot(&dir).len(), 1);
}

#[test]
fn generate_writes_beside_the_spec_and_keeps_user_files() {
    let tmp = folder_with(SPEC);
    std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
    std::fs::write(tmp.path().join("templates/extra.yaml"), "# mine\n").unwrap();
    let out = chartgen(&["generate"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("created   templates/statefulset.yaml"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("templates/extra.yaml")).unwrap(),
        "# mine\n"
    );
    let again = chartgen(&["generate"], tmp.path());
    assert_eq!(stdout(&again), "up to date (15 files)\n");
}

#[test]
fn bad_specs_exit_2_with_file_line_and_field_and_write_nothing() {
    let spec = format!(
        "{SPEC}storage:\n  - name: data\n    size: 10Gb\n    mountPath: /data\nreplicas: -1\n"
    );
    let tmp = folder_with(SPEC);
    assert!(chartgen(&["generate"], tmp.path()).status.success());
    std::fs::write(tmp.path().join("chartgen.yaml"), &spec).unwrap();
    let before = snapshot(tmp.path());
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: chartgen.yaml:8:11: storage[0].size: \"10Gb\" is not a Kubernetes quantity (did you mean \"10Gi\"?)\n  \
         |\n8 |     size: 10Gb\n  |           ^\n\
         chartgen.yaml:10:11: replicas: must be 0 or more\n   |\n10 | replicas: -1\n   |           ^\n"
    );
    assert_eq!(snapshot(tmp.path()), before, "nothing written");
}

#[test]
fn unknown_fields_are_named_with_a_suggestion() {
    let tmp = folder_with(&format!("{SPEC}replcas: 3\n"));
    let out = chartgen(&["validate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: chartgen.yaml:6:1: unknown field `replcas` (did you mean `replicas`?)"
        ),
        "{}",
        stderr(&out)
    );
}

/// serde stops at the first problem of a spec's shape; the user gets all of them, each at its
/// line, in the spec's words rather than Rust's types.
#[test]
fn every_shape_problem_is_reported_at_once() {
    let spec = "name: app\nimage:\n  repository: nginx\n  tag: \"1.27\"\nport: \"8000\"\nstorage:\n  - name: data\n    size: 1Gi\n    mountpath: /data\ncolour: blue\npolicy: parallel\n";
    let tmp = folder_with(spec);
    let before = snapshot(tmp.path());
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: chartgen.yaml:5:7: port: expected an integer, found the string \"8000\" (write the number without quotes)\n  \
         |\n5 | port: \"8000\"\n  |       ^\n\
         chartgen.yaml:7:5: storage[0]: missing field `mountPath`\n  |\n7 |   - name: data\n  |     ^\n\
         chartgen.yaml:9:5: storage[0]: unknown field `mountpath` (did you mean `mountPath`?)\n  |\n9 |     mountpath: /data\n  |     ^\n\
         chartgen.yaml:10:1: unknown field `colour` (README, \"The spec\", lists the fields)\n   |\n10 | colour: blue\n   | ^\n\
         chartgen.yaml:11:9: policy: expected `OrderedReady` or `Parallel`, found the string \"parallel\" (did you mean `Parallel`?)\n   |\n11 | policy: parallel\n   |         ^\n"
    );
    assert_eq!(snapshot(tmp.path()), before, "nothing written");
}

/// The values are checked on the spec with its shape repaired: one run names every problem,
/// except checks of the repaired fields themselves; a secret's value stays hidden.
#[test]
fn shape_and_value_problems_are_reported_together() {
    let spec = "name: Shop\nimage: {repository: nginx, tag: \"1.27\"}\nport: 8080\nreplicas: -1\nstorage:\n  - {name: data, size: [1]}\nsecrets:\n  - {name: A, value: hunter2, notsecret: true}\n";
    let tmp = folder_with(spec);
    let out = chartgen(&["validate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let firsts: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("chartgen.yaml:"))
        .collect();
    assert_eq!(
        firsts,
        [
            "error: chartgen.yaml:1:7: name: \"Shop\" is not a chart name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 53 characters)",
            "chartgen.yaml:4:11: replicas: must be 0 or more",
            "chartgen.yaml:6:5: storage[0]: missing field `mountPath`",
            "chartgen.yaml:6:24: storage[0].size: expected a string, found a list",
            "chartgen.yaml:8:22: secrets[0].value: a secret's value would be written into the chart: use `generate: true`, give it at install time (--set secrets.NAME=...) or use existingSecret; add `notSecret: true` if it is not secret",
            "chartgen.yaml:8:31: secrets[0]: unknown field `notsecret` (did you mean `notSecret`?)",
        ]
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn hostile_inputs_give_one_clear_error_and_exit_2() {
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty", b"", "error: chartgen.yaml:1:1: the file is empty: start from `chartgen new NAME` (`chartgen presets` lists the starting points)\n"),
        ("list", b"- a\n- b\n", "error: chartgen.yaml:1:1: the spec must be a mapping of fields (`name: ...`, `image: ...`), not a list or a single value\n"),
        ("binary", b"name: \xff\xfe\n", "error: cannot read `chartgen.yaml`: it is not UTF-8 text"),
        (
            "alias bomb",
            b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
            "error: chartgen.yaml",
        ),
    ];
    for (what, bytes, expect) in cases {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("chartgen.yaml"), bytes).unwrap();
        let out = chartgen(&["generate"], tmp.path());
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(stderr(&out).starts_with(expect), "{what}: {}", stderr(&out));
        assert_eq!(snapshot(tmp.path()).len(), 1, "{what}: nothing written");
    }
}

#[test]
fn huge_and_deeply_nested_specs_fail_fast_without_a_panic() {
    let huge = format!(
        "name: app\ndescription: \"{}\"\n",
        "x".repeat(10 * 1024 * 1024)
    );
    let deep = format!(
        "{SPEC}affinity: {}{}\n",
        "[".repeat(400_000),
        "]".repeat(400_000)
    );
    let cases = [
        (
            huge,
            "error: cannot read `chartgen.yaml`: it is larger than 1048576 bytes\n",
        ),
        (
            deep,
            "error: chartgen.yaml:6:75: nested more than 64 levels deep\n",
        ),
    ];
    for (text, expect) in cases {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("chartgen.yaml"), &text).unwrap();
        let out = chartgen(&["generate"], tmp.path());
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).starts_with(expect), "{}", stderr(&out));
        assert!(stderr(&out).lines().count() <= 4, "short: {}", stderr(&out));
        assert_eq!(snapshot(tmp.path()).len(), 1);
    }
}

#[test]
fn a_fifo_as_spec_is_refused_instead_of_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("chartgen.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let out = chartgen(&["validate"], tmp.path());
    assert_eq!(
        stderr(&out),
        "error: cannot read `chartgen.yaml`: it is not a regular file\n"
    );
}

#[test]
fn an_unwritable_output_folder_is_an_error_with_nothing_half_made() {
    let tmp = folder_with(SPEC);
    // /proc refuses new files even to root, like a read-only mount.
    let out = chartgen(&["generate", "-o", "/proc/chartgen-out"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cannot write `/proc"),
        "{}",
        stderr(&out)
    );
    assert!(!std::path::Path::new("/proc/chartgen-out").exists());
}

#[test]
fn missing_specs_directories_and_file_targets_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = chartgen(&["generate"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: no spec at `chartgen.yaml`: `chartgen new NAME` writes one from a preset"
        ),
        "{}",
        stderr(&out)
    );

    std::fs::create_dir(tmp.path().join("dir.yaml")).unwrap();
    let out = chartgen(&["validate", "-f", "dir.yaml"], tmp.path());
    assert_eq!(
        stderr(&out),
        "error: cannot read `dir.yaml`: it is a directory\n"
    );

    std::fs::write(tmp.path().join("chartgen.yaml"), SPEC).unwrap();
    std::fs::write(tmp.path().join("out"), "a file").unwrap();
    let out = chartgen(&["generate", "-o", "out"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: cannot write `out`: it is not a directory\n"
    );
}

#[test]
fn schema_describes_the_spec() {
    let out = chartgen(&["schema"], std::path::Path::new("."));
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    assert!(
        schema["required"]
            .as_array()
            .unwrap()
            .contains(&json!("name"))
    );
    assert!(schema["properties"]["storage"].is_object());
}

#[test]
fn charts_are_named_by_folder_or_spec_and_a_stale_one_with_the_command_that_fixes_it() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["a", "b"] {
        std::fs::create_dir(tmp.path().join(dir)).unwrap();
        std::fs::write(tmp.path().join(dir).join("chartgen.yaml"), SPEC).unwrap();
    }
    let out = chartgen(&["validate", "a/chartgen.yaml", "b"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "== a\na/chartgen.yaml: ok\n== b\nb/chartgen.yaml: ok\n"
    );

    let out = chartgen(&["generate", "--check", "a/chartgen.yaml"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).ends_with(" file(s) out of date in a: run `chartgen generate a`\n"),
        "{}",
        stdout(&out)
    );
    let args = ["generate", "--check", "-f", "a/chartgen.yaml", "-o", "out"];
    let out = chartgen(&args, tmp.path());
    assert!(
        stdout(&out).ends_with(
            " file(s) out of date in out: run `chartgen generate -f a/chartgen.yaml -o out`\n"
        ),
        "{}",
        stdout(&out)
    );
}
