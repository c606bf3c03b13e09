//! Compiles a validated spec into an in-memory chart through the embedded Tera templates.
//!
//! The Tera sources in `templates/` are Helm text. Tera uses `[[ ]]`, `[% %]` and `[# #]`, so
//! Helm's `{{ }}` is written verbatim and reads as Helm. Templates see only `Model`: names that
//! validation has restricted to DNS labels and variable names. Free text from the spec reaches
//! the chart as data in values.yaml and Chart.yaml, so it can never become template code.

use std::sync::OnceLock;

use include_dir::{Dir, include_dir};
use serde::Serialize;
use tera::{Context, Delimiters, Tera};

use crate::chart::Chart;
use crate::entry::Entry;
use crate::error::Error;
use crate::metadata::{chart_description, chart_yaml};
use crate::readme::parameters;
use crate::spec::{Hook, SecretVar, Spec, schema_json};
use crate::values::{ci_values, entries, event_list, given_at_install, values_yaml, wire};
use crate::values_schema::values_schema;
use crate::yaml::quote;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static ENGINE: OnceLock<Tera> = OnceLock::new();

/// The spec's JSON Schema, kept beside the spec so editors complete and check it.
pub const SCHEMA_FILE: &str = "chartgen.schema.json";

/// The template rendered once per hook, to `templates/hook-<name>.yaml`.
const HOOK_TEMPLATE: &str = "templates/hook.yaml";
/// chart-testing reads every `ci/*-values.yaml` and installs the chart once with each.
pub const CI_VALUES: &str = "ci/required-values.yaml";
/// The chart's README: documentation, never read by Helm, so it may quote the spec's text.
const README_TEMPLATE: &str = "README.md";
/// Tera components the templates call; not a file of the chart.
const COMPONENTS: &str = "components.tera";

/// What the templates may read about the spec; the hook template also reads `hook`.
#[derive(Debug, Serialize)]
struct Model<'a> {
    name: &'a str,
    ports: Vec<ModelPort>,
    /// The container port the client Service routes to, when there is a client Service.
    target: Option<ModelPort>,
    claims: Vec<&'a str>,
    secrets: Vec<ModelSecret<'a>>,
    /// The secrets the application reads as environment variables; whether any is a file.
    secret_env: Vec<SecretEnv<'a>>,
    secret_files: bool,
    config_files: bool,
    config_env: bool,
    empty_dirs: Vec<ModelEmptyDir<'a>>,
    ingress: bool,
    pdb: bool,
    service_monitor: bool,
    volume_permissions: bool,
    /// `helm test` speaks HTTP when the target port has an HTTP probe, else opens a TCP connection.
    test_http: bool,
}

#[derive(Debug, Serialize)]
struct ModelPort {
    name: String,
    protocol: serde_json::Value,
}

#[derive(Debug, Serialize)]
struct ModelSecret<'a> {
    name: &'a str,
    /// Its key in the Secret.
    key: &'a str,
    generate: bool,
    /// Neither generated nor given a default: `--set` at install time.
    required: bool,
    /// Where it is mounted as a file; None: it is an environment variable.
    file: Option<&'a str>,
}

/// An environment variable read from a key of the chart's Secret.
#[derive(Debug, Serialize)]
struct SecretEnv<'a> {
    name: &'a str,
    key: &'a str,
}

#[derive(Debug, Serialize)]
struct ModelEmptyDir<'a> {
    path: &'a str,
    /// Its folder in the volume that holds every one.
    sub_path: String,
}

#[derive(Debug, Serialize)]
struct ModelHook<'a> {
    name: &'a str,
    events: String,
    delete_policy: String,
    weight: i64,
    own_image: bool,
    /// The secrets the hook reads, as environment variables.
    secret_env: Vec<SecretEnv<'a>>,
    /// How much of the release's full name fits before `-<hook>` in a 63-character Job name.
    name_budget: usize,
}

/// Renders every file of the chart. The spec must have passed validation.
pub fn render(spec: &Spec) -> Result<Chart, Error> {
    let tera = engine()?;
    let model = model(spec);
    let mut chart = Chart::default();
    chart.insert("Chart.yaml", chart_yaml(spec));
    let entries = entries(spec);
    chart.insert("values.yaml", values_yaml(spec, &entries));
    chart.insert(SCHEMA_FILE, schema_json());
    let dependencies: Vec<String> = spec
        .dependencies
        .iter()
        .map(|d| d.alias.clone().unwrap_or_else(|| d.name.clone()))
        .collect();
    chart.insert("values.schema.json", values_schema(&entries, &dependencies));
    // One context for every template: building it costs as much as rendering a small one.
    let mut context = Context::from_serialize(&model).map_err(|source| Error::Template {
        template: "(model)".into(),
        source,
    })?;
    for template in all_files(&TEMPLATES) {
        let name = template_name(template);
        if [HOOK_TEMPLATE, README_TEMPLATE, COMPONENTS].contains(&name.as_str())
            || !wanted(&name, &model)
        {
            continue;
        }
        chart.insert(name.clone(), render_one(tera, &name, &context)?);
    }
    chart.insert(README_TEMPLATE, render_readme(tera, spec, model, &entries)?);
    for hook in &spec.hooks {
        context.insert("hook", &model_hook(spec, hook));
        let path = format!("templates/hook-{}.yaml", hook.name);
        chart.insert(path, render_one(tera, HOOK_TEMPLATE, &context)?);
    }
    if let Some(values) = ci_values(spec) {
        chart.insert(CI_VALUES, values);
    }
    Ok(chart)
}

/// Files that exist only when the spec asks for what they hold.
fn wanted(name: &str, model: &Model) -> bool {
    match name {
        "templates/secret.yaml" => !model.secrets.is_empty(),
        "templates/configmap.yaml" => model.config_files || model.config_env,
        "templates/ingress.yaml" => model.ingress,
        "templates/pdb.yaml" => model.pdb,
        "templates/servicemonitor.yaml" => model.service_monitor,
        "templates/service.yaml" | "templates/tests/test-connection.yaml" => model.target.is_some(),
        _ => true,
    }
}

#[derive(Debug, Serialize)]
struct ReadmeModel<'a> {
    #[serde(flatten)]
    model: Model<'a>,
    description: String,
    hooks: Vec<&'a str>,
    /// `` `name` (repository) ``, one per dependency, for the words on `helm dependency build`.
    dependencies: Vec<String>,
    parameters: String,
}

fn render_readme(
    tera: &Tera,
    spec: &Spec,
    model: Model,
    entries: &[Entry],
) -> Result<String, Error> {
    let readme = ReadmeModel {
        model,
        description: chart_description(spec),
        hooks: spec.hooks.iter().map(|h| h.name.as_str()).collect(),
        dependencies: spec
            .dependencies
            .iter()
            .map(|d| format!("`{}` ({})", d.name, d.repository))
            .collect(),
        parameters: parameters(entries),
    };
    let failed = |source| Error::Template {
        template: README_TEMPLATE.to_string(),
        source,
    };
    let context = Context::from_serialize(&readme).map_err(failed)?;
    tera.render(README_TEMPLATE, &context).map_err(failed)
}

fn render_one(tera: &Tera, name: &str, context: &Context) -> Result<String, Error> {
    tera.render(name, context)
        .map_err(|source| Error::Template {
            template: name.to_string(),
            source,
        })
}

/// Every file below `dir`, at any depth.
fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(all_files(sub));
    }
    files
}

fn template_name(file: &include_dir::File) -> String {
    file.path().to_string_lossy().replace('\\', "/")
}

/// The engine, built once per process from the embedded templates.
fn engine() -> Result<&'static Tera, Error> {
    if let Some(tera) = ENGINE.get() {
        return Ok(tera);
    }
    let tera = build_engine()?;
    Ok(ENGINE.get_or_init(|| tera))
}

fn build_engine() -> Result<Tera, Error> {
    let mut tera = bare_engine()?;
    let sources = all_files(&TEMPLATES).into_iter().map(|file| {
        (
            template_name(file),
            file.contents_utf8().unwrap_or_default(),
        )
    });
    // One batch: Tera re-checks every template it holds after each addition.
    tera.add_raw_templates(sources)
        .map_err(|source| Error::Template {
            template: "(embedded templates)".into(),
            source,
        })?;
    Ok(tera)
}

/// An engine with chartgen's delimiters and no templates yet.
fn bare_engine() -> Result<Tera, Error> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    // `[[ x | quote ]]`, as Helm's `quote`: a name such as `true` or `0755` stays a string.
    tera.register_filter("quote", quote_filter);
    tera.set_delimiters(Delimiters {
        block_start: "[%".into(),
        block_end: "%]".into(),
        variable_start: "[[".into(),
        variable_end: "]]".into(),
        comment_start: "[#".into(),
        comment_end: "#]".into(),
    })
    .map_err(|source| Error::Template {
        template: "(delimiters)".into(),
        source,
    })?;
    Ok(tera)
}

/// Tera's side of Helm's `quote`: a double-quoted YAML scalar of a string.
fn quote_filter(value: &str, _: tera::Kwargs, _: &tera::State) -> String {
    quote(value)
}

fn model(spec: &Spec) -> Model<'_> {
    let target = spec.service_target().filter(|_| spec.service.enabled);
    Model {
        name: &spec.name,
        ports: spec
            .all_ports()
            .into_iter()
            .map(|p| ModelPort {
                name: p.name,
                protocol: wire(p.protocol),
            })
            .collect(),
        test_http: spec.test_http_path().is_some(),
        target: target.map(|t| ModelPort {
            name: t.name,
            protocol: wire(t.protocol),
        }),
        claims: spec.storage.iter().map(|c| c.name.as_str()).collect(),
        secrets: spec
            .secrets
            .iter()
            .map(|s| ModelSecret {
                name: &s.name,
                key: s.key(),
                generate: s.generate,
                required: given_at_install(s),
                file: s.file.as_deref(),
            })
            .collect(),
        secret_env: secret_env(spec.secrets.iter().filter(|s| s.file.is_none())),
        secret_files: spec.secrets.iter().any(|s| s.file.is_some()),
        config_files: spec.config.as_ref().is_some_and(|c| !c.files.is_empty()),
        config_env: spec.config.as_ref().is_some_and(|c| !c.env.is_empty()),
        empty_dirs: spec
            .empty_dirs()
            .into_iter()
            .map(|(path, sub_path)| ModelEmptyDir { path, sub_path })
            .collect(),
        ingress: spec.ingress.is_some(),
        pdb: spec.disruption_budget.is_some(),
        service_monitor: spec.metrics.is_some(),
        volume_permissions: spec.volume_permissions,
    }
}

fn secret_env<'a>(secrets: impl Iterator<Item = &'a SecretVar>) -> Vec<SecretEnv<'a>> {
    secrets
        .map(|s| SecretEnv {
            name: &s.name,
            key: s.key(),
        })
        .collect()
}

fn model_hook<'a>(spec: &'a Spec, hook: &'a Hook) -> ModelHook<'a> {
    let policies: Vec<String> = hook
        .delete_policy
        .iter()
        .filter_map(|p| wire(p).as_str().map(str::to_string))
        .collect();
    ModelHook {
        name: &hook.name,
        events: event_list(&hook.events),
        delete_policy: policies.join(","),
        weight: hook.weight,
        own_image: hook.image.is_some(),
        secret_env: secret_env(
            spec.secrets
                .iter()
                .filter(|s| hook.secrets.contains(&s.name)),
        ),
        name_budget: 62usize.saturating_sub(hook.name.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_failing_template_is_named_with_its_cause() {
        let mut tera = bare_engine().unwrap();
        tera.add_raw_template("templates/broken.yaml", "x: {{ .Values.x }} [[ missing ]]")
            .unwrap();
        let spec = crate::spec::Spec {
            name: "app".into(),
            port: Some(80),
            ..Default::default()
        };
        let context = Context::from_serialize(&model(&spec)).unwrap();
        let err = render_one(&tera, "templates/broken.yaml", &context).unwrap_err();
        assert_eq!(
            err.to_string(),
            "internal error: template `templates/broken.yaml` failed to render (please report this bug)"
        );
        let cause = err.source().unwrap().to_string();
        assert!(cause.contains("`missing` is not defined"), "{cause}");
    }

    /// A Tera block being read: its keyword, and the Helm blocks its current branch has
    /// opened and not closed.
    struct Branch<'a> {
        tera: &'a str,
        helm_open: i32,
    }

    impl Branch<'_> {
        fn ends(&self, line: usize, problems: &mut Vec<String>) {
            if self.helm_open != 0 {
                problems.push(format!(
                    "line {line}: a Tera `{}` branch leaves {} Helm block(s) open",
                    self.tera, self.helm_open
                ));
            }
        }
    }

    /// Where `source` lets a Tera tag cut a Helm block in two: a Tera branch that closes a
    /// Helm `if`/`with`/`range`/`define` it did not open, leaves one open, or holds the `else`
    /// of a Helm block opened outside it. Tera must decide whole Helm blocks or single
    /// expressions, so that each branch reads as the chart it produces.
    fn cut_helm_blocks(source: &str) -> Vec<String> {
        let mut problems = Vec::new();
        // The Tera blocks open where the reading is; the first stands for the whole file.
        let mut branches = vec![Branch {
            tera: "file",
            helm_open: 0,
        }];
        let mut rest = source;
        while let Some(at) = ["{{", "[%", "[#"].iter().filter_map(|d| rest.find(d)).min() {
            let line = source[..source.len() - rest.len() + at]
                .matches('\n')
                .count()
                + 1;
            let tag = &rest[at..];
            rest = &tag[2..];
            if tag.starts_with("[#") {
                rest = rest.split_once("#]").map_or("", |(_, after)| after);
                continue;
            }
            let word = rest
                .trim_start_matches('-')
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_end_matches(['-', '%', '}', ']']);
            let branch = branches.last_mut().expect("the file's branch stays");
            if tag.starts_with("{{") {
                match word {
                    "if" | "with" | "range" | "define" | "block" => branch.helm_open += 1,
                    "else" | "end" if branch.helm_open == 0 => problems.push(format!(
                        "line {line}: Helm `{word}` of a block opened outside this Tera branch"
                    )),
                    "end" => branch.helm_open -= 1,
                    _ => {}
                }
                continue;
            }
            match word {
                "if" | "for" | "component" | "macro" | "filter" => branches.push(Branch {
                    tera: word,
                    helm_open: 0,
                }),
                "elif" | "else" => {
                    branch.ends(line, &mut problems);
                    branch.helm_open = 0;
                }
                _ if word.starts_with("end") => {
                    let ended = branches.pop().expect("the file's branch stays");
                    assert_eq!(ended.tera, &word[3..], "line {line}: Tera `{word}`");
                    ended.ends(line, &mut problems);
                }
                _ => {}
            }
        }
        let file = branches.pop().expect("the file's branch stays");
        assert!(
            branches.is_empty(),
            "a Tera `{}` is never closed",
            file.tera
        );
        if file.helm_open != 0 {
            problems.push(format!("{} Helm block(s) never closed", file.helm_open));
        }
        problems
    }

    #[test]
    fn every_tera_branch_holds_whole_helm_blocks() {
        let problems: Vec<String> = all_files(&TEMPLATES)
            .into_iter()
            .flat_map(|file| {
                let name = template_name(file);
                cut_helm_blocks(file.contents_utf8().unwrap_or_default())
                    .into_iter()
                    .map(move |problem| format!("{name}: {problem}"))
            })
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_tera_branch_that_cuts_a_helm_block_is_found() {
        let opens_either =
            "[% if a %]\n{{- if x }}\n[% else %]\n{{- if y }}\n[% endif %]\nz\n{{- end }}\n";
        assert_eq!(
            cut_helm_blocks(opens_either),
            [
                "line 3: a Tera `if` branch leaves 1 Helm block(s) open",
                "line 5: a Tera `if` branch leaves 1 Helm block(s) open",
                "line 7: Helm `end` of a block opened outside this Tera branch",
            ]
        );
        let decides_the_else = "{{ if x }}a[% if b %]{{ else }}c[% endif %]{{ end }}";
        assert_eq!(
            cut_helm_blocks(decides_the_else),
            ["line 1: Helm `else` of a block opened outside this Tera branch"]
        );
        let decides_the_condition =
            "{{- if [% if a %]or .x .y[% else %].x[% endif %] }}\n[# {{ if #]z\n{{- end }}";
        assert_eq!(cut_helm_blocks(decides_the_condition), Vec::<String>::new());
    }

    #[test]
    fn the_embedded_templates_parse_with_helm_syntax_left_alone() {
        let tera = build_engine().unwrap();
        assert!(
            tera.get_template_names()
                .any(|n| n == "templates/statefulset.yaml")
        );
    }
}
