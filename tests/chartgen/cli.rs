//! The binary as a user meets it: exit codes, exact messages, and nothing written on failure.

use serde_json::json;

use crate::support::{BASE, Project, SPEC_FILE, chartgen, helm, snapshot, stderr, stdout};

#[test]
fn new_scaffolds_a_spec_and_a_chart_that_helm_accepts() {
    let tmp = Project::new();
    tmp.run(&["new", "demo"]).success();
    let spec = tmp.read("demo/chartgen.yaml");
    assert!(
        spec.starts_with("# yaml-language-server: $schema=./chartgen.schema.json\n# An HTTP app"),
        "the preset's comments are kept"
    );
    assert!(spec.contains("name: demo\n"));
    assert!(tmp.read("demo/.helmignore").lines().any(|l| l == SPEC_FILE));
    let job = json!([{ "chart": tmp.path().join("demo"), "renders": [{ "name": "defaults", "values": {} }] }]);
    assert_eq!(helm(&[], &job), json!([]));
}

#[test]
fn new_refuses_a_non_empty_folder_and_changes_nothing() {
    let tmp = Project::new().file("demo/notes.txt", "mine");
    tmp.run(&["new", "demo"]).status(2).stderr(
        "error: `demo` already exists and is not empty (choose another name, or --force to generate into it)\n",
    );
    assert_eq!(snapshot(&tmp.path().join("demo")).len(), 1);
}

#[test]
fn generate_writes_beside_the_spec_and_keeps_user_files() {
    let tmp = Project::new()
        .spec(BASE)
        .file("templates/extra.yaml", "# mine\n");
    let out = tmp.run(&["generate"]).success();
    assert!(stdout(&out).contains("created   templates/statefulset.yaml"));
    assert_eq!(tmp.read("templates/extra.yaml"), "# mine\n");
    tmp.run(&["generate"]).stdout("up to date (15 files)\n");
}

#[test]
fn bad_specs_exit_2_with_file_line_and_field_and_write_nothing() {
    let tmp = Project::new().spec(BASE).generated();
    tmp.write(
        SPEC_FILE,
        format!(
            "{BASE}storage:\n  - name: data\n    size: 10Gb\n    mountPath: /data\nreplicas: -1\n"
        ),
    );
    let before = tmp.snapshot();
    tmp.run(&["generate"]).status(2).stderr(
        "error: chartgen.yaml:8:11: storage[0].size: \"10Gb\" is not a Kubernetes quantity (did you mean \"10Gi\"?)\n  \
         |\n8 |     size: 10Gb\n  |           ^\n\
         chartgen.yaml:10:11: replicas: must be 0 or more\n   |\n10 | replicas: -1\n   |           ^\n",
    );
    assert_eq!(tmp.snapshot(), before, "nothing written");
}

#[test]
fn unknown_fields_are_named_with_a_suggestion() {
    let tmp = Project::new().spec(format!("{BASE}replcas: 3\n"));
    let out = tmp.run(&["validate"]).status(2);
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
    let spec = BASE.replace("port: 8080", "port: \"8000\"")
        + "storage:\n  - name: data\n    size: 1Gi\n    mountpath: /data\ncolour: blue\npolicy: parallel\n";
    let tmp = Project::new().spec(spec);
    let before = tmp.snapshot();
    tmp.run(&["generate"]).status(2).stderr(
        "error: chartgen.yaml:5:7: port: expected an integer, found the string \"8000\" (write the number without quotes)\n  \
         |\n5 | port: \"8000\"\n  |       ^\n\
         chartgen.yaml:7:5: storage[0]: missing field `mountPath`\n  |\n7 |   - name: data\n  |     ^\n\
         chartgen.yaml:9:5: storage[0]: unknown field `mountpath` (did you mean `mountPath`?)\n  |\n9 |     mountpath: /data\n  |     ^\n\
         chartgen.yaml:10:1: unknown field `colour` (README, \"The spec\", lists the fields)\n   |\n10 | colour: blue\n   | ^\n\
         chartgen.yaml:11:9: policy: expected `OrderedReady` or `Parallel`, found the string \"parallel\" (did you mean `Parallel`?)\n   |\n11 | policy: parallel\n   |         ^\n",
    );
    assert_eq!(tmp.snapshot(), before, "nothing written");
}

/// The values are checked on the spec with its shape repaired: one run names every problem,
/// except checks of the repaired fields themselves; a secret's value stays hidden.
#[test]
fn shape_and_value_problems_are_reported_together() {
    let spec = "name: Shop\nimage: {repository: nginx, tag: \"1.27\"}\nport: 8080\nreplicas: -1\nstorage:\n  - {name: data, size: [1]}\nsecrets:\n  - {name: A, value: hunter2, notsecret: true}\n";
    let out = Project::new().spec(spec).run(&["validate"]).status(2);
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
        let tmp = Project::new().spec(bytes);
        let out = tmp.run(&["generate"]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(stderr(&out).starts_with(expect), "{what}: {}", stderr(&out));
        assert_eq!(tmp.snapshot().len(), 1, "{what}: nothing written");
    }
}

#[test]
fn huge_and_deeply_nested_specs_fail_fast_without_a_panic() {
    let huge = format!(
        "name: app\ndescription: \"{}\"\n",
        "x".repeat(10 * 1024 * 1024)
    );
    let deep = format!(
        "{BASE}affinity: {}{}\n",
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
        let tmp = Project::new().spec(text);
        let out = tmp.run(&["generate"]).status(2);
        assert!(stderr(&out).starts_with(expect), "{}", stderr(&out));
        assert!(stderr(&out).lines().count() <= 4, "short: {}", stderr(&out));
        assert_eq!(tmp.snapshot().len(), 1);
    }
}

#[test]
fn a_fifo_as_spec_is_refused_instead_of_blocking() {
    let tmp = Project::new();
    let made = std::process::Command::new("mkfifo")
        .arg(tmp.path().join(SPEC_FILE))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    tmp.run(&["validate"])
        .stderr("error: cannot read `chartgen.yaml`: it is not a regular file\n");
}

#[test]
fn an_unwritable_output_folder_is_an_error_with_nothing_half_made() {
    // /proc refuses new files even to root, like a read-only mount.
    let out = Project::new()
        .spec(BASE)
        .run(&["generate", "-o", "/proc/chartgen-out"])
        .status(2);
    assert!(
        stderr(&out).starts_with("error: cannot write `/proc"),
        "{}",
        stderr(&out)
    );
    assert!(!std::path::Path::new("/proc/chartgen-out").exists());
}

#[test]
fn missing_specs_directories_and_file_targets_are_errors() {
    let tmp = Project::new();
    let out = tmp.run(&["generate"]).status(2);
    assert!(
        stderr(&out).starts_with(
            "error: no spec at `chartgen.yaml`: `chartgen new NAME` writes one from a preset"
        ),
        "{}",
        stderr(&out)
    );

    std::fs::create_dir(tmp.path().join("dir.yaml")).unwrap();
    tmp.run(&["validate", "-f", "dir.yaml"])
        .stderr("error: cannot read `dir.yaml`: it is a directory\n");

    let tmp = tmp.spec(BASE).file("out", "a file");
    tmp.run(&["generate", "-o", "out"])
        .status(2)
        .stderr("error: cannot write `out`: it is not a directory\n");
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
    let tmp = Project::new()
        .file("a/chartgen.yaml", BASE)
        .file("b/chartgen.yaml", BASE);
    tmp.run(&["validate", "a/chartgen.yaml", "b"])
        .success()
        .stdout("== a\na/chartgen.yaml: ok\n== b\nb/chartgen.yaml: ok\n");

    let out = tmp
        .run(&["generate", "--check", "a/chartgen.yaml"])
        .status(1);
    assert!(
        stdout(&out).ends_with(" file(s) out of date in a: run `chartgen generate a`\n"),
        "{}",
        stdout(&out)
    );
    let out = tmp.run(&["generate", "--check", "-f", "a/chartgen.yaml", "-o", "out"]);
    assert!(
        stdout(&out).ends_with(
            " file(s) out of date in out: run `chartgen generate -f a/chartgen.yaml -o out`\n"
        ),
        "{}",
        stdout(&out)
    );
}
