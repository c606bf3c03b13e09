//! Names this build for chartgen.lock's fingerprint: a hash of everything the binary's output
//! depends on (the version, the Rust sources, what it embeds — templates, presets, the spec's
//! schema —, the manifest and the locked dependency versions), so that a chart recorded by
//! another build is rendered again, never trusted.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

const INPUTS: [&str; 7] = [
    "src",
    "templates",
    "presets",
    "schema",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
];

fn main() {
    let mut hasher = DefaultHasher::new();
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    for input in INPUTS {
        println!("cargo::rerun-if-changed={input}");
        let mut files = Vec::new();
        collect(Path::new(input), &mut files);
        files.sort();
        for file in files {
            let content = std::fs::read(&file).expect("build inputs are readable");
            hasher.write(file.to_string_lossy().as_bytes());
            hasher.write_usize(content.len());
            hasher.write(&content);
        }
    }
    println!("cargo::rustc-env=CHARTGEN_BUILD={:016x}", hasher.finish());
}

/// Every file at or below `path` (none when it does not exist).
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    match std::fs::read_dir(path) {
        Ok(entries) => {
            for entry in entries {
                collect(&entry.expect("build inputs are readable").path(), files);
            }
        }
        Err(_) if path.is_file() => files.push(path.to_path_buf()),
        Err(_) => {}
    }
}
