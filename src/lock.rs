//! The lock file: what chartgen wrote last time, as `sha256sum` lines (`<hash>  <path>`), so
//! `sha256sum -c chartgen.lock` checks a chart by hand too. With it, regeneration can tell a
//! file chartgen wrote from one a person edited since, and remove files it no longer generates.

use std::collections::BTreeMap;
use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::chart::Chart;

pub const LOCK_FILE: &str = "chartgen.lock";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    hashes: BTreeMap<String, String>,
}

impl Lock {
    /// The lock of a rendered chart.
    pub fn of(chart: &Chart) -> Self {
        let hashes = chart
            .files()
            .map(|(path, content)| (path.to_string(), hash(content.as_bytes())))
            .collect();
        Lock { hashes }
    }

    /// Reads a lock file; lines it cannot read are ignored, as if that file were never generated
    /// (the safe side: such a file is then never removed or overwritten without --force).
    pub fn parse(text: &str) -> Self {
        let hashes = text
            .lines()
            .filter_map(|line| line.split_once("  "))
            .filter(|(hash, _)| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|(_, path)| is_inside(path))
            .map(|(hash, path)| (path.to_string(), hash.to_string()))
            .collect();
        Lock { hashes }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for (path, hash) in &self.hashes {
            let _ = writeln!(out, "{hash}  {path}");
        }
        out
    }

    /// The recorded hash of `path`, if chartgen generated it.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.hashes.get(path).map(String::as_str)
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
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_sha256sum_lines() {
        let mut chart = Chart::default();
        chart.insert("values.yaml", "a: 1\n");
        chart.insert("templates/x.yaml", "");
        let lock = Lock::of(&chart);
        let text = lock.text();
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(
            text.starts_with(&format!("{empty}  templates/x.yaml\n")),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("{}  values.yaml\n", hash(b"a: 1\n"))),
            "{text}"
        );
        assert_eq!(Lock::parse(&text), lock);
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
