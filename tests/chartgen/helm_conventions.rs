//! Helm conventions users rely on: chart-testing's `ci/` values for charts whose install needs
//! values, and the word on `helm dependency build` for charts with dependencies.

use serde_json::{Value, json};

use crate::support::{
    all_specs, chartgen, generate, helm, root, stderr, stdout, vendor_dependencies,
};
use chartgen::load::load;
use chartgen::render::CI_VALUES;
use chartgen::values::given_at_install;

#[test]
fn charts_that_need_values_ship_chart_testing_values_that_render() {
    let tmp = tempfile::tempdir().unwrap();
    let mut jobs = Vec::new();
    let mut needing = Vec::new();
    for (i, spec_path) in all_specs().iter().enumerate() {
        let spec = load(spec_path).unwrap().spec;
        let out = tmp.path().join(format!("chart-{i}"));
        generate(spec_path, &out);
        let needs: Vec<String> = spec
            .secrets
            .iter()
            .filter(|s| given_at_install(s))
            .map(|s| s.name.clone())
            .collect();
        let ci = out.join(CI_VALUES);
        assert_eq!(ci.exists(), !needs.is_empty(), "{}", spec_path.display());
        if needs.is_empty() {
            continue;
        }
        let values: Value = serde_yaml::from_str(&std::fs::read_to_string(ci).unwrap()).unwrap();
        jobs.push(json!({ "chart": out, "values": values }));
        jobs.push(json!({ "chart": out, "values": {} }));
        needing.push((spec_path.clone(), needs));
    }
    assert!(
        needing.len() >= 2,
        "specs with install-time secrets: {needing:?}"
    );
    let answers = helm(&["render-many"], &Value::Array(jobs));
    let answers = answers.as_array().unwrap();
    for (pair, (spec, needs)) in answers.chunks(2).zip(&needing) {
        let spec = spec.display();
        assert!(
            pair[0].get("files").is_some(),
            "{spec}: with ci values: {}",
            pair[0]["error"]
        );
        // Without them, Helm still stops at `required`, naming a value to give.
        let err = pair[1]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{spec}: rendered without its required values"));
        assert!(
            needs.iter().any(|name| err.contains(&format!(
                ": secrets.{name} is required: pass --set secrets.{name}=VALUE, or name a Secret \
                 in existingSecret"
            ))),
            "{spec}: {err}"
        );
    }
}

#[test]
fn a_chart_with_dependencies_says_helm_dependency_build_is_needed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("web-apps");
    let spec = root().join("examples/web-apps/chartgen.yaml");
    let args = [
        "generate",
        "-f",
        spec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    let run = chartgen(&args, &root());
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stdout(&run).ends_with(&format!(
            "next: helm dependency build {}  (puts common-lib into charts/: Helm lints, renders \
             and installs the chart only with them)\n",
            out.display()
        )),
        "{}",
        stdout(&run)
    );
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        readme.contains(
            "```sh\nhelm dependency build ./web-apps\nhelm install my-release ./web-apps"
        ) && readme.contains(
            "\nThe chart depends on `common-lib` (file://../lib/common-lib): Helm lints, renders \
             and installs it\nonly once `helm dependency build` has put them into `charts/`"
        ),
        "{readme}"
    );
    // Once built, nothing more to say.
    vendor_dependencies(&out);
    let run = chartgen(&args, &root());
    assert_eq!(stdout(&run), "up to date (19 files)\n");
}
