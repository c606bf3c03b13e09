//! `kubeVersion`: Chart.yaml states the clusters a chart installs on, validation warns about
//! fields older ones drop, and the chart is judged by the schemas of both ends of its range.

use crate::helm::{judge, kube_versions};
use crate::support::{BASE, Project, chartgen, generate, helm, root, stderr};
use chartgen::load::load;

#[test]
fn the_range_reaches_chart_yaml_and_fields_it_outgrows_warn() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = root().join("tests/specs/kube-versions.yaml");
    let out = tmp.path().join("chart");
    generate(&spec, &out);
    let run = chartgen(&["validate", "-f", spec.to_str().unwrap()], &root());
    assert!(run.status.success(), "{}", stderr(&run));
    let chart_yaml = std::fs::read_to_string(out.join("Chart.yaml")).unwrap();
    assert!(
        chart_yaml.contains("\nappVersion: \"1.27-alpine\"\nkubeVersion: \">=1.29.0-0\"\n"),
        "{chart_yaml}"
    );
    // Retention is on by default from 1.27, inside the range; maxUnavailable from 1.35 is not.
    let path = spec.display();
    assert_eq!(
        stderr(&run),
        format!(
            "warning: {path}:7:8: image.tag: a tag can be pushed again: pin the image it names now \
             with `image.digest: sha256:...`\n  |\n7 |   tag: \"1.27-alpine\"\n  |        ^\n\
             warning: {path}:15:49: strategy.maxUnavailable: kubeVersion \">=1.29.0-0\" admits \
             Kubernetes 1.29, which drops it unless the MaxUnavailableStatefulSet feature gate \
             (on by default from Kubernetes 1.35; beta) is on: there, pods are replaced one at a \
             time\n   |\n15 | strategy: {{type: RollingUpdate, maxUnavailable: 2}}\n   |{}^\n",
            " ".repeat(49)
        )
    );

    let spec = load(&spec).unwrap().spec;
    let known = helm(&["versions"], &serde_json::Value::Null);
    let newest = known.as_array().unwrap().last().unwrap().as_str().unwrap();
    assert_eq!(kube_versions(&spec), ["1.29.0", newest]);
    judge(&[(out, spec)], "kubeVersion range");
}

#[test]
fn a_constraint_helm_cannot_read_is_a_spec_error() {
    let tmp = Project::new().spec(BASE.replacen(
        "name: app\n",
        "name: app\nkubeVersion: \">= 1.29 or so\"\n",
        1,
    ));
    let out = tmp.run(&["generate"]).status(2);
    assert_eq!(
        stderr(&out).lines().next().unwrap(),
        "error: chartgen.yaml:2:14: kubeVersion: \">= 1.29 or so\" is not a Helm kubeVersion \
         constraint: \"or\" is not a version (e.g. 1.29 or 1.29.0-0)"
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing written"
    );
}
