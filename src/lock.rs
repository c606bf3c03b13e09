//! The lock file: what chartgen wrote last time, as `sha256sum` lines (`<hash>  <path>`), so
//! `sha256sum -c chartgen.lock` checks a chart by hand too. With it, regeneration can tell a
//! file chartgen wrote from one a person edited since, and remove files it no longer generates.
//!
//! Its first line, a comment `sha256sum` skips, is a fingerprint of what produced the chart:
//! this build of chartgen, the spec's text and the lines below it. When the fingerprint is this
//! build's for the spec as it is now, and every file still has its recorded hash, the chart is
//! what rendering would give again: `chartgen diff` and `generate --check` skip rendering, as
//! cargo skips a build whose fingerprints match.

use std::collections::BTreeMap;
use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::chart::Chart;

pub const LOCK_FILE: &str = "chartgen.lock";

/// This build of chartgen: a hash of its version, sources, templates and locked dependencies
/// (see build.rs).
pub const BUILD: &str = env!("CHARTGEN_BUILD");

const FINGERPRINT_HEAD: &str = concat!(
    "# chartgen ",
    env!("CARGO_PKG_VERSION"),
    " build ",
    env!("CHARTGEN_BUILD"),
    ", fingerprint "
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    hashes: BTreeMap<String, String>,
    /// What produced the chart, when this build wrote the lock (see `fingerprint`).
    fingerprint: Option<String>,
}

impl Lock {
    /// The lock of a chart rendered from `spec_text`.
    pub fn of(chart: &Chart, spec_text: &str) -> Self {
        let hashes = chart
            .files()
            .map(|(path, content)| (path.to_string(), hash(content.as_bytes())))
            .collect();
        let mut lock = Lock {
            hashes,
            fingerprint: None,
        };
        lock.fingerprint = Some(lock.fingerprint(spec_text));
        lock
    }

    /// Reads a lock file; lines it cannot read are ignored, as if that file were never generated
    /// (the safe side: such a file is then never removed or overwritten without --force).
    pub fn parse(text: &str) -> Self {
        let fingerprint = text
            .lines()
            .next()
            .and_then(|line| line.strip_prefix(FINGERPRINT_HEAD))
            .map(str::to_string);
        let hashes = text
            .lines()
            .filter_map(|line| line.split_once("  "))
            .filter(|(hash, _)| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|(_, path)| is_inside(path))
            .map(|(hash, path)| (path.to_string(), hash.to_string()))
            .collect();
        Lock {
            hashes,
            fingerprint,
        }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        if let Some(fingerprint) = &self.fingerprint {
            let _ = writeln!(out, "{FINGERPRINT_HEAD}{fingerprint}");
        }
        out + &self.hash_lines()
    }

    fn hash_lines(&self) -> String {
        let mut out = String::new();
        for (path, hash) in &self.hashes {
            let _ = writeln!(out, "{hash}  {path}");
        }
        out
    }

    /// What produced the chart this lock lists: this build, the spec's text, and the files
    /// with their hashes (so that an edit of the lock is seen too).
    fn fingerprint(&self, spec_text: &str) -> String {
        let mut inputs = Sha256::new();
        for part in [BUILD, spec_text, &self.hash_lines()] {
            inputs.update(part.len().to_le_bytes());
            inputs.update(part);
        }
        hex(&inputs.finalize())
    }

    /// Whether this lock, read from `text`, is exactly the one this build writes for a chart
    /// rendered from `spec_text`: then the files it lists are all that chart holds, and,
    /// where their hashes match, hold what rendering would give. Any doubt answers no.
    pub fn vouches_for(&self, text: &str, spec_text: &str) -> bool {
        self.fingerprint.as_deref() == Some(self.fingerprint(spec_text).as_str())
            && self.text() == text
    }

    /// The recorded hash of `path`, if chartgen generated it.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.hashes.get(path).map(String::as_str)
    }

    /// The files and their hashes, the fingerprint apart.
    pub fn paths_and_hashes(&self) -> &BTreeMap<String, String> {
        &self.hashes
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.hashes.keys().map(String::as_str)
    }
}

/// A lock (or a write's journal) is read from disk and its paths are later removed: only plain
/// relative paths below the chart folder are believed.
pub fn is_inside(path: &str) -> bool {
    let p = std::path::Path::new(path);
    !path.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

pub fn hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file the binary embeds but build.rs does not hash would let a chart written by
    /// another build pass as up to date.
    #[test]
    fn the_build_id_covers_everything_the_binary_embeds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
        let mut embedded = Vec::new();
        for entry in std::fs::read_dir(root.join("src")).unwrap() {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for macro_call in ["include_str!(\"", "include_dir!(\""] {
                for (at, _) in source.match_indices(macro_call) {
                    let path = &source[at + macro_call.len()..];
                    let path = path.trim_start_matches("$CARGO_MANIFEST_DIR/");
                    let path = path.trim_start_matches("../");
                    embedded.push(path.split(['/', '"']).next().unwrap().to_string());
                }
            }
        }
        assert!(embedded.len() >= 3, "{embedded:?}");
        for top in embedded {
            assert!(
                build.contains(&format!("\"{top}\"")),
                "build.rs does not hash {top}"
            );
        }
    }

    #[test]
    fn round_trips_as_sha256sum_lines() {
        let mut chart = Chart::default();
        chart.insert("values.yaml", "a: 1\n");
        chart.insert("templates/x.yaml", "");
        let lock = Lock::of(&chart, "name: x\n");
        let text = lock.text();
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let (fingerprint, hashes) = text.split_once('\n').unwrap();
        assert!(fingerprint.starts_with(FINGERPRINT_HEAD), "{text}");
        assert!(
            hashes.starts_with(&format!("{empty}  templates/x.yaml\n")),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("{}  values.yaml\n", hash(b"a: 1\n"))),
            "{text}"
        );
        assert_eq!(Lock::parse(&text), lock);
    }

    #[test]
    fn a_lock_vouches_only_for_its_build_its_spec_and_its_own_text() {
        let mut chart = Chart::default();
        chart.insert("values.yaml", "a: 1\n");
        chart.insert("Chart.yaml", "name: x\n");
        let spec = "name: x\n";
        let text = Lock::of(&chart, spec).text();
        let vouches = |text: &str, spec: &str| Lock::parse(text).vouches_for(text, spec);
        assert!(vouches(&text, spec));
        assert!(!vouches(&text, "name: y\n"), "another spec");
        let other_build = text.replace(BUILD, "0123456789abcdef");
        assert!(!vouches(&other_build, spec), "another build");
        let (head, hashes) = text.split_once('\n').unwrap();
        assert!(!vouches(hashes, spec), "a lock without a fingerprint");
        let one_line_less = format!("{head}\n{}", hashes.split_once('\n').unwrap().1);
        assert!(!vouches(&one_line_less, spec), "a line removed");
        let edited = text.replace(&hash(b"a: 1\n"), &hash(b"a: 2\n"));
        assert!(!vouches(&edited, spec), "a hash changed");
        assert!(!vouches(&format!("{text}# note\n"), spec), "a line added");
        let mut bigger = chart.clone();
        bigger.insert("extra.yaml", "");
        let fingerprint = |chart: &Chart| Lock::of(chart, spec).fingerprint;
        assert_ne!(fingerprint(&bigger), fingerprint(&chart), "another file");
    }

    #[test]
    fn unreadable_lines_and_paths_outside_the_chart_are_skipped() {
        let h = hash(b"");
        let text = format!(
            "garbage\nabc  short-hash\n{h}  ../../etc/passwd\n{h}  /etc/passwd\n{h}  ok.yaml\n"
        );
        let lock = Lock::parse(&text);
        assert_eq!(lock.paths().collect::<Vec<_>>(), ["ok.yaml"]);
    }
}
