//! All or nothing even when killed, and one run at a time in a folder: generate stopped at
//! every point of a large regeneration, or killed at random moments, leaves a folder that the
//! next run reads as exactly the old chart or exactly the new one; concurrent runs on one
//! folder leave exactly one of their charts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{chartgen, command, copy_dir, snapshot, stderr};

type Files = BTreeMap<String, Vec<u8>>;

/// The test hook of src/write.rs: abort right after the Nth change on disk.
const ABORT_AFTER: &str = "CHARTGEN_TEST_ABORT_AFTER";

/// A spec with hooks `first..=last`, as scripts/bench.sh section 7 builds a large chart.
fn hooks_spec(first: usize, last: usize, weight: impl Fn(usize) -> u32) -> String {
    let mut spec = "name: big\nversion: 0.1.0\nimage: {repository: ghcr.io/acme/api, tag: \"1.0\"}\nport: 8000\nhooks:\n".to_string();
    for i in first..=last {
        spec.push_str(&format!(
            "  - name: job-{i:03}\n    events: [pre-install]\n    command: [/app/task]\n    weight: {}\n",
            weight(i)
        ));
    }
    spec
}

/// A regeneration that creates, removes and changes hooks, with both charts as snapshots.
struct Regeneration {
    tmp: tempfile::TempDir,
    old: Files,
    new: Files,
}

impl Regeneration {
    /// `hooks` hooks (one file each); the new spec drops the first `hooks / 20`, adds as many
    /// and changes every 19th.
    fn new(hooks: usize) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let shift = hooks / 20;
        let old_spec = hooks_spec(1, hooks, |_| 1);
        let new_spec = hooks_spec(1 + shift, hooks + shift, |i| {
            1 + u32::from(i.is_multiple_of(19))
        });
        std::fs::write(tmp.path().join("old.yaml"), old_spec).unwrap();
        std::fs::write(tmp.path().join("new.yaml"), new_spec).unwrap();
        Regeneration {
            old: generated(tmp.path(), "old.yaml", "old"),
            new: generated(tmp.path(), "new.yaml", "new"),
            tmp,
        }
    }

    /// The folder `name`, holding the old chart (copied unless it does already).
    fn old_folder(&self, name: &str) -> PathBuf {
        let dir = self.tmp.path().join(name);
        if !dir.exists() || snapshot(&dir) != self.old {
            let _ = std::fs::remove_dir_all(&dir);
            copy_dir(&self.tmp.path().join("old"), &dir);
        }
        dir
    }

    fn generate(&self, dir: &Path, extra: &[&str]) -> std::process::Command {
        let mut args = vec!["generate", "-f", "new.yaml", "-o", dir.to_str().unwrap()];
        args.extend(extra);
        let mut run = command(&args, self.tmp.path());
        run.stdout(Stdio::null()).stderr(Stdio::piped());
        run
    }

    /// Runs `generate --check`, which undoes what the killed run left and reads the folder,
    /// and asserts the folder is exactly the old chart or exactly the new one; true if new.
    fn assert_old_or_new(&self, dir: &Path, what: &str) -> bool {
        let check = self.generate(dir, &["--check"]).output().unwrap();
        let now = snapshot(dir);
        let new = now == self.new;
        assert!(
            new || now == self.old,
            "{what}: mixed: {}",
            mixed(&now, &self.old, &self.new)
        );
        let expected = if new { 0 } else { 1 };
        assert_eq!(
            check.status.code(),
            Some(expected),
            "{what}: {}",
            stderr(&check)
        );
        new
    }

    /// Runs `generate`, which must take the folder to the new chart: never a refusal.
    fn assert_regenerates(&self, dir: &Path, what: &str) {
        let out = self.generate(dir, &[]).output().unwrap();
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        assert!(snapshot(dir) == self.new, "{what}: not the new chart");
    }
}

fn generated(tmp: &Path, spec: &str, out: &str) -> Files {
    let run = chartgen(&["generate", "-f", spec, "-o", out], tmp);
    assert!(run.status.success(), "{}", stderr(&run));
    snapshot(&tmp.join(out))
}

/// Which files differ from both charts, to say what a mixed folder is.
fn mixed(now: &Files, old: &Files, new: &Files) -> String {
    let paths: std::collections::BTreeSet<&String> =
        now.keys().chain(old.keys()).chain(new.keys()).collect();
    let odd: Vec<&str> = paths
        .into_iter()
        .filter(|p| now.get(*p) != old.get(*p) && now.get(*p) != new.get(*p))
        .map(String::as_str)
        .collect();
    format!("{} file(s) neither old nor new: {odd:?}", odd.len())
}

fn killed(status: std::process::ExitStatus) -> bool {
    status.code().is_none()
}

/// Stops generate after each change it makes on disk, from the first to past the last, and
/// at some of those points also stops the recovery itself, twice. A 40-hook chart (a debug
/// build renders 200 in a third of a second) with 2 hooks created, 2 removed and 2 changed,
/// each step kind several times: about 35 steps.
#[test]
fn generate_stopped_at_every_step_leaves_the_old_chart_or_the_new() {
    let case = Regeneration::new(40);
    let next = AtomicUsize::new(1);
    let completed_at = AtomicUsize::new(usize::MAX);
    let news = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for worker in 0..3 {
            let (case, next, completed_at, news) = (&case, &next, &completed_at, &news);
            scope.spawn(move || {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n > completed_at.load(Ordering::SeqCst) {
                        break;
                    }
                    match case.stopped_at(n, &format!("worker-{worker}")) {
                        Stopped::Completed => {
                            completed_at.fetch_min(n, Ordering::SeqCst);
                        }
                        Stopped::New => {
                            news.fetch_add(1, Ordering::SeqCst);
                        }
                        Stopped::Old => {}
                    }
                }
            });
        }
    });
    let steps = completed_at.into_inner() - 1;
    assert!(steps > 30, "only {steps} steps");
    // New only once the journal is gone: stopped right after deleting it, or the work folder.
    assert_eq!(news.into_inner(), 2);
}

enum Stopped {
    Old,
    New,
    /// The run had fewer steps than asked: it completed.
    Completed,
}

impl Regeneration {
    /// Stops generate right after its `n`th change on disk in the folder `name`, and checks
    /// what the next runs see.
    fn stopped_at(&self, n: usize, name: &str) -> Stopped {
        let dir = self.old_folder(name);
        let run = self
            .generate(&dir, &[])
            .env(ABORT_AFTER, n.to_string())
            .output()
            .unwrap();
        if run.status.success() {
            assert!(
                snapshot(&dir) == self.new,
                "completed at {n}: not the new chart"
            );
            return Stopped::Completed;
        }
        assert!(killed(run.status), "step {n}: {}", stderr(&run));
        if n.is_multiple_of(4) {
            // The recovery, stopped too: it must be undone as well.
            for m in 1..=2 {
                let again = self
                    .generate(&dir, &["--check"])
                    .env(ABORT_AFTER, m.to_string())
                    .output()
                    .unwrap();
                assert!(
                    killed(again.status) || matches!(again.status.code(), Some(0 | 1)),
                    "step {n}, recovery step {m}: {}",
                    stderr(&again)
                );
            }
        }
        let new = self.assert_old_or_new(&dir, &format!("step {n}"));
        if n.is_multiple_of(5) {
            self.assert_regenerates(&dir, &format!("step {n}"));
        }
        if new { Stopped::New } else { Stopped::Old }
    }
}

/// Real SIGKILLs at moments spread over the second half of a run (the first renders) of a
/// 200-hook regeneration: 10 created, 10 removed, 10 changed.
#[test]
fn generate_killed_at_random_moments_leaves_the_old_chart_or_the_new() {
    let case = Regeneration::new(200);
    let dir = case.old_folder("timed");
    let start = Instant::now();
    case.assert_regenerates(&dir, "timing run");
    let whole = start.elapsed();
    let kills: u32 = 12;
    for i in 0..kills {
        let dir = case.old_folder("killed");
        let mut child = case.generate(&dir, &[]).spawn().unwrap();
        std::thread::sleep(whole.mul_f64(0.5 + f64::from(i) / f64::from(2 * kills)));
        let _ = child.kill();
        child.wait().unwrap();
        case.assert_old_or_new(&dir, &format!("kill {i} of {kills}"));
        if i.is_multiple_of(4) {
            case.assert_regenerates(&dir, &format!("kill {i} of {kills}"));
        }
    }
}

/// Runs of generate on one folder at once, `rounds` times: each run exits 0 (the others
/// wait their turn), and the folder ends as exactly one of the charts.
fn concurrent_runs(specs: &[&str], runs: usize, rounds: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let mut charts = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        std::fs::write(tmp.path().join(format!("{i}.yaml")), spec).unwrap();
        charts.push(generated(
            tmp.path(),
            &format!("{i}.yaml"),
            &format!("ref-{i}"),
        ));
    }
    for round in 0..rounds {
        let out = format!("round-{round}");
        let children: Vec<_> = (0..runs)
            .map(|i| {
                let spec = format!("{}.yaml", i % specs.len());
                command(&["generate", "-f", &spec, "-o", &out], tmp.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let done = child.wait_with_output().unwrap();
            let err = stderr(&done);
            assert!(
                done.status.success() || err.contains("is in use by another chartgen run (pid "),
                "round {round}: {err}"
            );
        }
        let now = snapshot(&tmp.path().join(&out));
        assert!(charts.contains(&now), "round {round}: not one whole chart");
    }
}

const SMALL: &str =
    "name: app\nversion: 1.0.0\nimage: {repository: nginx, tag: \"1.27\"}\nport: 8080\n";

#[test]
fn concurrent_generates_of_one_spec_never_mix() {
    concurrent_runs(&[SMALL], 8, 6);
}

#[test]
fn concurrent_generates_of_two_specs_leave_one_whole_chart() {
    let other = format!(
        "{SMALL}replicas: 3\nconfig:\n  env: {{REGION: eu}}\nhooks:\n  - name: migrate\n    events: [pre-upgrade]\n    command: [/migrate]\n"
    );
    concurrent_runs(&[SMALL, &other], 8, 6);
}

/// A run that finds the folder in use waits for it, however long the other takes.
#[test]
fn a_second_run_waits_for_the_first() {
    let case = Regeneration::new(200);
    let dir = case.old_folder("waits");
    let first = case.generate(&dir, &[]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let second = case.generate(&dir, &[]).output().unwrap();
    assert!(first.wait_with_output().unwrap().status.success());
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(snapshot(&dir) == case.new);
}
