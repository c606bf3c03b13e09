//! `chartgen new` with every preset and every flag, judged by real Helm.

use serde_json::Value;

use crate::helm::judge_folders;
use crate::support::{chartgen, snapshot, stderr, stdout};
use chartgen::load::load;

const PRESETS: [&str; 7] = ["go", "node", "postgres", "python", "redis", "web", "worker"];

#[test]
fn presets_lists_every_preset_with_a_line_each() {
    let out = chartgen(&["presets"], std::path::Path::new("."));
    let listing = stdout(&out);
    let names: Vec<&str> = listing
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, PRESETS);
}

#[test]
fn every_preset_makes_a_chart_helm_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = PRESETS
        .iter()
        .map(|preset| {
            let name = format!("my-{preset}");
            let out = chartgen(&["new", &name, "--preset", preset], tmp.path());
            assert!(out.status.success(), "{preset}: {}", stderr(&out));
            let dir = tmp.path().join(&name);
            let spec = std::fs::read_to_string(dir.join("chartgen.yaml")).unwrap();
            assert!(spec.starts_with("# yaml-language-server: $schema=./chartgen.schema.json\n"));
            let schema: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join("chartgen.schema.json")).unwrap(),
            )
            .unwrap();
            assert_eq!(schema["title"], "Spec");
            dir
        })
        .collect();
    judge_folders(&dirs, "presets");
}

#[test]
fn every_flag_lands_in_the_spec_with_its_comments_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("charts");
    let args = [
        "new",
        "api",
        "--preset",
        "python",
        "--image",
        "registry.local:5000/team/api:2.0.1",
        "--port",
        "9000",
        "--replicas",
        "4",
        "--storage",
        "5Gi",
        "--dir",
        parent.to_str().unwrap(),
    ];
    let out = chartgen(&args, tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = parent.join("api");
    let text = std::fs::read_to_string(dir.join("chartgen.yaml")).unwrap();
    // The preset's words on its own demo image and command are gone; the rest stay.
    assert!(
        text.contains(
            "\nimage:\n  repository: \"registry.local:5000/team/api\"\n  tag: \"2.0.1\"\n\nports:\n"
        ),
        "{text}"
    );
    assert!(!text.contains("Replace with") && !text.contains("This default serves"));
    assert!(
        text.contains("\n# The chart version is left to chartgen: `chartgen generate` bumps it")
    );
    let spec = load(&dir.join("chartgen.yaml")).unwrap().spec;
    assert_eq!(spec.image.repository, "registry.local:5000/team/api");
    assert_eq!(spec.image.tag.as_deref(), Some("2.0.1"));
    assert_eq!(spec.ports[0].port, 9000);
    assert_eq!(spec.replicas, 4);
    assert_eq!(spec.storage[0].size, "5Gi");
    let values = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
    assert!(values.contains("replicaCount: 4\n") && values.contains("size: \"5Gi\""));
    judge_folders(&[dir], "flags");
}

#[test]
fn bad_flags_get_spec_style_errors_and_nothing_is_created() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--port", "70000"],
            "error: --port: 70000 is not a port number (1 to 65535)\n",
        ),
        (
            &["--storage", "10Gb"],
            "error: --storage: \"10Gb\" is not a Kubernetes quantity (did you mean \"10Gi\"?)\n",
        ),
        (
            &["--replicas", "-2"],
            "error: --replicas: must be 0 or more\n",
        ),
        (
            &["--image", "Bad Image:1"],
            "error: --image: \"Bad Image\" is not an image repository (e.g. \"ghcr.io/acme/app\")\n",
        ),
        (
            &["--preset", "java"],
            "error: --preset: no preset \"java\" (presets: go, node, postgres, python, redis, web, worker)\n",
        ),
        (
            &["--preset", "pyhton"],
            "error: --preset: no preset \"pyhton\" (did you mean \"python\"?) (presets: go, node, postgres, python, redis, web, worker)\n",
        ),
    ];
    for (flags, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let mut args = vec!["new", "demo"];
        args.extend_from_slice(flags);
        let out = chartgen(&args, tmp.path());
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert_eq!(stderr(&out), expected, "{flags:?}");
        assert!(snapshot(tmp.path()).is_empty(), "{flags:?} created files");
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = chartgen(&["new", "Demo_App"], tmp.path());
    assert_eq!(
        stderr(&out),
        "error: NAME: \"Demo_App\" is not a chart name (at most 53 lowercase letters, digits and '-', starting and ending with a letter or digit)\n"
    );
    let out = chartgen(
        &["new", "w", "--preset", "worker", "--port", "80"],
        tmp.path(),
    );
    assert_eq!(
        stderr(&out),
        "error: --port: the worker preset has no `ports[0].port` to set\n"
    );
}

#[test]
fn force_generates_into_a_non_empty_folder_and_keeps_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = chartgen(&["new", "demo", "--force"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(dir.join("templates/statefulset.yaml").exists());
}

#[test]
fn completions_offer_commands_presets_and_formats_in_each_shell() {
    let presets = chartgen::presets::names();
    let formats = ["unified", "stat", "json", "markdown"];
    let shells = [
        ("bash", "--preset)", "--format)"),
        ("zsh", "'--preset=", "'--format="),
        ("fish", "-l preset", "-l format"),
    ];
    for (shell, preset, format) in shells {
        let out = chartgen(&["completions", shell], std::path::Path::new("."));
        assert!(out.status.success(), "{shell}");
        let script = stdout(&out);
        assert!(
            script.contains("chartgen") && script.contains("generate"),
            "{shell}"
        );
        // The words offered for an option: its completion spec, a few lines from its name.
        let offered = |option: &str| -> Vec<String> {
            let at = script
                .find(option)
                .unwrap_or_else(|| panic!("{shell}: {option}"));
            script[at..]
                .lines()
                .take(presets.len() + 2)
                .flat_map(|l| l.split(|c: char| !c.is_ascii_alphanumeric()))
                .map(str::to_string)
                .collect()
        };
        let (for_preset, for_format) = (offered(preset), offered(format));
        for name in &presets {
            assert!(for_preset.contains(&name.to_string()), "{shell}: {name}");
        }
        for name in formats {
            assert!(for_format.contains(&name.to_string()), "{shell}: {name}");
        }
    }
}
