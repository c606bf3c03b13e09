//! In-process cost of compiling the reference spec (examples/web-apps): load + validate +
//! render, with the template engine already built, as `chartgen generate` pays it per chart.
//! Run with `cargo bench --bench render`; scripts/bench.sh adds whole-process timings.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const SPEC: &str = "examples/web-apps/chartgen.yaml";
const ROUNDS: usize = 2000;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC);
    let text = std::fs::read_to_string(&path).expect("reference spec");
    // The first render builds the engine (parses the embedded templates once per process).
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
