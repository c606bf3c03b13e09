//! A chart in memory: relative path → file content. Rendering produces one whole; only then
//! is anything written.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chart {
    files: BTreeMap<String, String>,
}

impl Chart {
    pub fn insert(&mut self, path: impl Into<String>, content: impl Into<String>) {
        self.files.insert(path.into(), content.into());
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Files in path order, so everything derived from a chart is deterministic.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    pub fn into_files(self) -> BTreeMap<String, String> {
        self.files
    }
}

impl<P: Into<String>, C: Into<String>> FromIterator<(P, C)> for Chart {
    fn from_iter<I: IntoIterator<Item = (P, C)>>(files: I) -> Self {
        let mut chart = Chart::default();
        for (path, content) in files {
            chart.insert(path, content);
        }
        chart
    }
}
