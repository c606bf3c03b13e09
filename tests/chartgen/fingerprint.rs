//! chartgen.lock's fingerprint: `chartgen diff` and `generate --check` skip rendering a chart
//! the lock vouches for (src/plan.rs `up_to_date`, tested there); whatever changed, the spec,
//! a file or the lock itself, they render and report exactly what rendering finds.

use std::path::Path;

use crate::support::{BASE, Project, SPEC_FILE, chartgen, stderr, stdout};

/// `chartgen diff --format stat` and `chartgen generate --check` in `dir`: exit codes and
/// what each printed.
fn reports(dir: &Path) -> [(Option<i32>, String); 2] {
    [
        vec!["diff", "--format", "stat"],
        vec!["generate", "--check"],
    ]
    .map(|args| {
        let out = chartgen(&args, dir);
        assert!(out.status.code() != Some(2), "{args:?}: {}", stderr(&out));
        (out.status.code(), stdout(&out))
    })
}

fn clean() -> [(Option<i32>, String); 2] {
    [(Some(0), String::new()), (Some(0), String::new())]
}

#[test]
fn the_spec_a_file_or_the_lock_changed_each_render_and_report_the_change() {
    let tmp = Project::new().spec(BASE).generated();
    let dir = tmp.path();
    let lock = tmp.read("chartgen.lock");
    assert!(
        lock.starts_with("# chartgen 0.1.0 build ")
            && lock.lines().next().unwrap().contains(", fingerprint "),
        "{lock}"
    );
    assert_eq!(reports(dir), clean());

    let spec = tmp.edit_spec("port: 8080", "port: 8080\nreplicas: 3");
    let [diff, check] = reports(dir);
    assert_eq!(diff.0, Some(1));
    assert!(diff.1.contains("values.yaml"), "{}", diff.1);
    assert_eq!(check.0, Some(1));
    assert!(check.1.contains("M values.yaml"), "{}", check.1);
    tmp.write(SPEC_FILE, spec);
    assert_eq!(reports(dir), clean());

    let values = tmp.edit("values.yaml", "replicaCount: 1", "replicaCount: 2");
    let [diff, check] = reports(dir);
    assert_eq!(diff.0, Some(1));
    assert!(diff.1.contains("values.yaml"), "{}", diff.1);
    assert_eq!(check.0, Some(1));
    // The unpinned version is bumped from the hand-edited chart too.
    assert!(check.1.contains("M values.yaml   | +1 -1\n"), "{}", check.1);
    tmp.write("values.yaml", values);
    assert_eq!(reports(dir), clean());

    // The lock is no file `chartgen diff` compares; `--check` says it is out of date when it
    // lists other files or hashes. A fingerprint of another build or none only costs a render:
    // after upgrading chartgen, charts it would render the same stay up to date.
    let stale = |check: &(Option<i32>, String)| {
        check.0 == Some(1)
            && check.1.starts_with("M chartgen.lock | ")
            && check.1.lines().count() == 2
    };
    let head = lock.lines().next().unwrap();
    let line_less = lock.replacen(&format!("{}\n", lock.lines().nth(1).unwrap()), "", 1);
    tmp.write("chartgen.lock", &line_less);
    let [diff, check] = reports(dir);
    assert_eq!(diff, (Some(0), String::new()), "a line less");
    assert!(stale(&check), "a line less: {check:?}");
    for (what, edited) in [
        ("another build", lock.replacen(" build ", " build 0", 1)),
        (
            "the fingerprint changed",
            lock.replacen(head, &head.replace(", fingerprint ", ", fingerprint 0"), 1),
        ),
        ("no fingerprint", lock.replacen(&format!("{head}\n"), "", 1)),
    ] {
        tmp.write("chartgen.lock", &edited);
        assert_eq!(reports(dir), clean(), "{what}");
        tmp.run(&["generate"]).success();
        assert_eq!(
            tmp.read("chartgen.lock"),
            lock,
            "{what}: generate writes this build's fingerprint"
        );
    }
    assert_eq!(reports(dir), clean());
}

/// A spec edit that renders the same chart (a comment) is no change to report.
#[test]
fn a_spec_edit_that_renders_the_same_chart_changes_nothing_to_report() {
    let tmp = Project::new().spec(BASE).generated();
    tmp.edit_spec("port: 8080", "port: 8080 # the app's own");
    assert_eq!(reports(tmp.path()), clean());
}
