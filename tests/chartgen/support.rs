//! Shared fixtures: the real binary, the real Helm (through the project's venv), spec files.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::sync::Mutex;

use serde_json::{Value, json};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the chartgen binary built for these tests.
pub fn chartgen(args: &[&str], cwd: &Path) -> Output {
    command(args, cwd)
        .output()
        .expect("the chartgen binary runs")
}

/// The chartgen binary built for these tests, ready to run (or spawn) in `cwd`.
pub fn command(args: &[&str], cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chartgen"));
    command.args(args).current_dir(cwd);
    command
}

/// The spec most tests start from: the smallest that generates, its image pinned by a tag.
pub const BASE: &str = "name: app\nimage:\n  repository: nginx\n  tag: \"1.27\"\nport: 8080\n";

/// What every run on BASE warns first: its image is pinned by tag alone.
pub const PIN_WARNING: &str = "warning: chartgen.yaml:4:8: image.tag: a tag can be pushed again: pin the image it names now with `image.digest: sha256:...`\n  |\n4 |   tag: \"1.27\"\n  |        ^\n";

/// Where chartgen looks for the spec in a chart folder.
pub const SPEC_FILE: &str = "chartgen.yaml";

/// A temporary folder holding what a test starts from, as just's `Test` and cargo-generate's
/// project builder make it: `Project::new().spec(BASE).file(path, text)`, then
/// `.run(&["generate"]).status(2).stderr(exact)`, so a test states only what differs.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// An empty folder.
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// The folder's spec.
    pub fn spec(self, text: impl AsRef<[u8]>) -> Project {
        self.file(SPEC_FILE, text)
    }

    /// A file at `path` below the folder, and the folders it needs.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Project {
        self.write(path, contents);
        self
    }

    /// The folder with its chart generated: `chartgen generate`, which must succeed.
    #[track_caller]
    pub fn generated(self) -> Project {
        self.run(&["generate"]).success();
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` at `path` below the folder, with the folders it needs.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a path below the folder")).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).unwrap()
    }

    /// Replaces the first `from`, which must be there, with `to` in the file at `path`; returns
    /// the text before.
    #[track_caller]
    pub fn edit(&self, path: &str, from: &str, to: &str) -> String {
        let before = self.read(path);
        assert!(before.contains(from), "{path} has no {from:?}");
        self.write(path, before.replacen(from, to, 1));
        before
    }

    /// `edit` of the folder's spec.
    #[track_caller]
    pub fn edit_spec(&self, from: &str, to: &str) -> String {
        self.edit(SPEC_FILE, from, to)
    }

    /// Runs chartgen with `args` in the folder.
    pub fn run(&self, args: &[&str]) -> Run {
        Run(chartgen(args, self.path()))
    }

    /// Every file below the folder, as relative path → content.
    pub fn snapshot(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        snapshot(self.path())
    }
}

/// What a run of chartgen did, with assertions on it that name what it printed when they fail.
/// It reads as the process's `Output` too: `run.status.code()`, `stderr(&run)`.
pub struct Run(Output);

impl std::ops::Deref for Run {
    type Target = Output;

    fn deref(&self) -> &Output {
        &self.0
    }
}

impl Run {
    #[track_caller]
    pub fn status(self, code: i32) -> Run {
        assert_eq!(
            self.0.status.code(),
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            stdout(&self.0),
            stderr(&self.0)
        );
        self
    }

    #[track_caller]
    pub fn success(self) -> Run {
        self.status(0)
    }

    /// Exactly this on stderr.
    #[track_caller]
    pub fn stderr(self, exact: &str) -> Run {
        assert_eq!(stderr(&self.0), exact);
        self
    }

    /// Exactly this on stdout.
    #[track_caller]
    pub fn stdout(self, exact: &str) -> Run {
        assert_eq!(stdout(&self.0), exact);
        self
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A program of the tests' venv: its Python, which has helm-python-sdk and
/// kubernetes-validate, or pre-commit. Missing, it fails the test with the way to get it:
/// never a silent skip.
pub fn venv_program(name: &str) -> PathBuf {
    let python = std::env::var_os("CHARTGEN_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/bin/python"));
    let path = python.with_file_name(name);
    assert!(
        path.exists(),
        "no {name} at {}: run `bash scripts/test.sh`, which creates .venv from \
         tests/requirements.txt (helm-python-sdk, kubernetes-validate, pre-commit), or set \
         CHARTGEN_PYTHON to the python of a venv that has them",
        path.display()
    );
    path
}

fn python() -> PathBuf {
    venv_program("python")
}

/// Runs git in `dir` with a committer identity, as a fresh CI machine has none.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs")
}

/// Runs git in `dir` and fails the test if git does.
pub fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// A tests/helm_check.py process, answering one request a line.
struct Judge {
    /// Held so the process is not reaped; it ends when its stdin closes.
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// What it printed on stderr (Helm's warnings; Python's last words), shown if it stops.
    stderr: std::fs::File,
}

impl Judge {
    fn start() -> Judge {
        let stderr = tempfile::tempfile().expect("a temporary file for the judge's stderr");
        let mut child = Command::new(python())
            .arg(root().join("tests/helm_check.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr.try_clone().expect("the file opens twice"))
            .spawn()
            .expect("python starts");
        Judge {
            stdin: child.stdin.take().expect("stdin is piped"),
            stdout: BufReader::new(child.stdout.take().expect("stdout is piped")),
            stderr,
            _child: child,
        }
    }

    fn ask(&mut self, command: &str, input: &Value) -> Value {
        let request = json!({ "command": command, "input": input });
        writeln!(self.stdin, "{request}").expect("helm_check.py reads its requests");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("helm_check.py answers");
        if line.is_empty() {
            let mut stderr = String::new();
            self.stderr.seek(SeekFrom::Start(0)).unwrap();
            self.stderr.read_to_string(&mut stderr).unwrap();
            panic!("helm_check.py stopped:\n{stderr}");
        }
        let mut reply: Value = serde_json::from_str(&line).expect("helm_check.py answers JSON");
        if let Some(trace) = reply.get("exception") {
            panic!(
                "helm_check.py failed:\n{}",
                trace.as_str().unwrap_or_default()
            );
        }
        reply["answer"].take()
    }
}

/// Judges no test is using. Starting one costs more than judging a chart (Python importing
/// Helm's library and the schemas, seconds more for the ServiceMonitor's models), so each
/// serves test after test: the binary starts as many as tests ask at once, usually one per
/// test thread.
static IDLE_JUDGES: Mutex<Vec<Judge>> = Mutex::new(Vec::new());

/// Asks tests/helm_check.py: `command` is `render`, `render-many` or `parse`, none to check
/// charts (see the script for what each takes and answers).
pub fn helm(command: &[&str], input: &Value) -> Value {
    let command = command.first().copied().unwrap_or("check");
    let idle = IDLE_JUDGES.lock().unwrap().pop();
    let mut judge = idle.unwrap_or_else(Judge::start);
    let answer = judge.ask(command, input);
    IDLE_JUDGES.lock().unwrap().push(judge);
    answer
}

/// What `helm template rel --namespace ns` renders, or Helm's error.
pub fn helm_render(chart: &Path, values: Value) -> Result<Value, String> {
    helm_render_as(chart, values, "rel", "ns")
}

/// What `helm template RELEASE --namespace NAMESPACE` renders, or Helm's error.
pub fn helm_render_as(
    chart: &Path,
    values: Value,
    release: &str,
    namespace: &str,
) -> Result<Value, String> {
    let job = serde_json::json!({
        "chart": chart, "values": values, "release": release, "namespace": namespace
    });
    let answer = helm(&["render"], &job);
    match answer.get("error") {
        Some(err) => Err(err.as_str().unwrap_or_default().to_string()),
        None => Ok(answer["files"].clone()),
    }
}

/// Rendered files as one manifest stream, as `helm template` prints it (NOTES.txt apart).
pub fn manifest(files: &Value) -> String {
    let files = files.as_object().expect("rendered files");
    let mut paths: Vec<&String> = files.keys().collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| !p.ends_with("NOTES.txt"))
        .filter_map(|p| {
            let text = files[p].as_str()?;
            (!text.trim().is_empty()).then(|| format!("---\n# Source: {p}\n{text}\n"))
        })
        .collect()
}

/// Values a render of `spec`'s chart needs: a value for each of its secrets, so install-time
/// ones are given and generated ones are the same in both renders (offline, `lookup` finds
/// nothing and each render would generate anew).
pub fn secret_values(spec: &Value) -> Value {
    let Some(secrets) = spec.get("secrets").and_then(Value::as_array) else {
        return json!({});
    };
    let names: serde_json::Map<String, Value> = secrets
        .iter()
        .filter_map(|s| Some((s.get("name")?.as_str()?.to_string(), json!("crosscheck"))))
        .collect();
    json!({ "secrets": names })
}

/// Every spec the tests judge: the examples and the feature specs under tests/specs.
pub fn all_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path().join("chartgen.yaml"))
        .filter(|p| p.exists())
        .collect();
    specs.extend(
        std::fs::read_dir(root().join("tests/specs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml")),
    );
    specs.sort();
    specs
}

/// Generates `spec` into `out` with the binary, and vendors the example library chart the way
/// `helm dependency build` would, so Helm can load the chart.
pub fn generate(spec: &Path, out: &Path) {
    let result = chartgen(
        &[
            "generate",
            "-f",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &root(),
    );
    assert!(
        result.status.success(),
        "{}: {}",
        spec.display(),
        stderr(&result)
    );
    vendor_dependencies(out);
}

/// Copies the example library chart into `charts/` when the chart depends on it.
pub fn vendor_dependencies(out: &Path) {
    let chart_yaml = std::fs::read_to_string(out.join("Chart.yaml")).unwrap();
    if chart_yaml.contains("common-lib") {
        copy_dir(
            &root().join("examples/lib/common-lib"),
            &out.join("charts/common-lib"),
        );
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file below `dir`, as relative path → content.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}
