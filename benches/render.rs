//! In-process costs, measured with std timers (run: `cargo bench --bench render`):
//! - compiling the reference spec (examples/web-apps): parse + validate, then render with the
//!   template engine already built, as `chartgen generate` pays it per chart;
//! - reviewing a large change (`review`, the core of `chartgen diff`) on two synthetic chart
//!   trees that scripts/bench.sh also hands to `diff -ru` and `git diff --no-index`.
//!
//! With `--write-trees DIR` it only writes those two trees, for the script.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const SPEC: &str = "examples/web-apps/chartgen.yaml";
const ROUNDS: usize = 2000;
/// ~200 template files, ~400 KB, ~5% of lines changed: a large chart's upgrade.
const FILES: usize = 200;
const LINES: usize = 26;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write-trees") {
        write_trees(Path::new(&args[i + 1]));
        return;
    }
    compile();
    review();
}

fn compile() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC);
    let text = std::fs::read_to_string(&path).expect("reference spec");
    let start = Instant::now();
    chartgen::app::compile(&path).expect("reference spec compiles");
    println!(
        "first compile (engine build included): {:?}",
        start.elapsed()
    );
    let mut parse = Vec::with_capacity(ROUNDS);
    let mut render = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let file = chartgen::load::parse(&path, text.clone()).expect("parses");
        chartgen::validate::validate(&file).expect("valid");
        parse.push(start.elapsed());
        let start = Instant::now();
        black_box(chartgen::render::render(&file.spec).expect("renders"));
        render.push(start.elapsed());
    }
    report("parse + validate", &mut parse);
    report("render (in memory)", &mut render);
}

fn review() {
    let (old, new) = trees();
    let (old, new) = (
        chartgen::chart_diff::Side::new(old),
        chartgen::chart_diff::Side::new(new),
    );
    let mut samples = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let review = chartgen::chart_diff::compare(&old, &new, false);
        black_box(chartgen::report::print(
            &review,
            chartgen::report::Format::Unified,
            3,
            chartgen::report::Colors(false),
        ));
        samples.push(start.elapsed());
    }
    let bytes: usize = old.files.values().map(String::len).sum();
    report(
        &format!(
            "review + unified report of {FILES} files, {} KB",
            bytes / 1024
        ),
        &mut samples,
    );
}

/// Two versions of a chart tree: every 20th line of the new one differs.
fn trees() -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut old = BTreeMap::new();
    let mut new = BTreeMap::new();
    for f in 0..FILES {
        let path = format!("templates/part-{f:03}.yaml");
        let (mut a, mut b) = (String::new(), String::new());
        for l in 0..LINES {
            let line = format!(
                "  key-{l:03}: {{{{ .Values.part{f}.value{l} | default \"some default text\" | quote }}}}\n"
            );
            a.push_str(&line);
            if l % 20 == 7 {
                b.push_str(&line.replace("some default", "a changed default"));
            } else {
                b.push_str(&line);
            }
        }
        old.insert(path.clone(), a);
        new.insert(path, b);
    }
    (old, new)
}

fn write_trees(dir: &Path) {
    let (old, new) = trees();
    for (side, files) in [("old", old), ("new", new)] {
        for (path, text) in files {
            let file = dir.join(side).join(path);
            std::fs::create_dir_all(file.parent().expect("has a folder")).expect("creates folders");
            std::fs::write(file, text).expect("writes");
        }
    }
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "{what}: median {:?}, p10 {:?}, p90 {:?} over {} rounds",
        at(0.5),
        at(0.1),
        at(0.9),
        samples.len()
    );
}
