//! The committed example charts are golden files: regenerating each must reproduce it byte for
//! byte, save the lock's fingerprint line, which names the build of chartgen that wrote it
//! (every change to chartgen's sources changes it; `generate --check` does not count it).
//! After an intended change, run `CHARTGEN_BLESS=1 cargo test golden` and review the diff.

use crate::support::{all_specs, chartgen, root, snapshot, stderr};

#[test]
fn examples_regenerate_byte_for_byte() {
    let bless = std::env::var_os("CHARTGEN_BLESS").is_some();
    let examples = all_specs()
        .into_iter()
        .filter(|p| p.starts_with(root().join("examples")));
    for spec in examples {
        let dir = spec.parent().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("chart");
        std::fs::create_dir(&fresh).unwrap();
        std::fs::copy(&spec, fresh.join("chartgen.yaml")).unwrap();
        let out = chartgen(&["generate"], &fresh);
        assert!(out.status.success(), "{}", stderr(&out));
        if bless {
            let out = chartgen(&["generate"], dir);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let committed = snapshot(dir);
        let generated = snapshot(&fresh);
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            generated.keys().collect::<Vec<_>>(),
            "{}: files differ from a fresh generation (CHARTGEN_BLESS=1 to update)",
            dir.display()
        );
        for (path, content) in &generated {
            assert!(
                without_fingerprint(&committed[path]) == without_fingerprint(content),
                "{}/{path} differs from a fresh generation (CHARTGEN_BLESS=1 to update)",
                dir.display()
            );
        }
    }
}

/// A file's lines save a lock's fingerprint line.
fn without_fingerprint(content: &[u8]) -> Vec<&[u8]> {
    content
        .split(|b| *b == b'\n')
        .filter(|line| !line.starts_with(b"# chartgen "))
        .collect()
}

#[test]
fn no_tera_delimiter_survives_into_a_chart() {
    for spec in all_specs() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("chart");
        crate::support::generate(&spec, &out);
        for (path, content) in snapshot(&out) {
            let text = String::from_utf8(content).unwrap();
            for delimiter in ["[[", "]]", "[%", "%]", "[#", "#]"] {
                assert!(
                    !text.contains(delimiter),
                    "{}: {path} contains {delimiter}",
                    spec.display()
                );
            }
        }
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = root().join("examples/web-apps/chartgen.yaml");
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    crate::support::generate(&spec, &a);
    crate::support::generate(&spec, &b);
    assert_eq!(snapshot(&a), snapshot(&b));
}

/// The value at a dotted key path (`image.tag`) of a values document.
fn lookup<'a>(values: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    key.split('.').try_fold(values, |v, part| v.get(part))
}

#[test]
fn chart_readme_parameters_match_values_yaml() {
    for spec in all_specs() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("chart");
        crate::support::generate(&spec, &out);
        let values: serde_json::Value =
            serde_yaml::from_str(&std::fs::read_to_string(out.join("values.yaml")).unwrap())
                .unwrap();
        let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
        let rows: Vec<(&str, &str)> = readme
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| {
                let cells: Vec<&str> = l.split(" | ").collect();
                (
                    cells[0].trim_start_matches("| `").trim_end_matches('`'),
                    cells[2],
                )
            })
            .collect();
        for (key, default) in &rows {
            let value = lookup(&values, key).unwrap_or_else(|| {
                panic!(
                    "{}: README lists {key}, values.yaml lacks it",
                    spec.display()
                )
            });
            let shown = default.trim_matches('`').trim().replace("\\|", "|");
            assert_eq!(
                shown,
                serde_json::to_string(value).unwrap(),
                "{}: default of {key}",
                spec.display()
            );
        }
        for top in values.as_object().unwrap().keys() {
            assert!(
                rows.iter()
                    .any(|(k, _)| k == top || k.starts_with(&format!("{top}."))),
                "{}: values.yaml key {top} is missing from the README",
                spec.display()
            );
        }
    }
}
