//! One changed file between two sides, as every command that compares charts sees it: the
//! chart on disk against the one a spec generates (`generate`, `generate --check`), or two
//! charts (`chartgen diff`). What a change does to a release is the review's to say.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::report::visible;
use crate::text_diff::{counts, mask_secret_data, secret_sections, unified};

/// What happened to a file, an object (`chartgen review`) or a value between two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Added,
    Removed,
    Changed,
}

impl Status {
    /// From whether the thing is there before and after (it is on one side at least).
    pub fn of(before: bool, after: bool) -> Self {
        match (before, after) {
            (false, _) => Status::Added,
            (_, false) => Status::Removed,
            _ => Status::Changed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }

    /// git's letter for it (`git diff --name-status`).
    pub fn letter(self) -> char {
        match self {
            Status::Added => 'A',
            Status::Removed => 'D',
            Status::Changed => 'M',
        }
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

/// Why regenerating may not take on a file without --force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// chartgen wrote it, a person changed it since.
    Edited,
    /// It is in the way, and chartgen never wrote it.
    NotGenerated,
}

/// One file that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub status: Status,
    /// Set by a regeneration's plan only.
    pub conflict: Option<Conflict>,
    /// The text before (empty when added) and after (empty when removed).
    pub old: String,
    pub new: String,
}

impl FileChange {
    /// `old` is None when the file is absent before, `new` when it is absent after.
    pub fn new(path: &str, old: Option<String>, new: Option<String>) -> Self {
        let status = Status::of(old.is_some(), new.is_some());
        FileChange {
            path: path.to_string(),
            status,
            conflict: None,
            old: old.unwrap_or_default(),
            new: new.unwrap_or_default(),
        }
    }

    /// Lines added and removed, as `git diff --stat` counts them: worked out when printed,
    /// since a run that writes the chart never shows them.
    pub fn counts(&self) -> (usize, usize) {
        counts(&self.old, &self.new)
    }

    /// Its unified diff as people may see it, in reviews and in the refusal to overwrite hand
    /// edits: secret values masked unless `show_secrets`, control and invisible characters of
    /// its texts and path made visible. Escaped before the diff, a carriage return ends no
    /// line: the diff's lines are those `counts` counts.
    pub fn unified(&self, context: usize, show_secrets: bool) -> String {
        let sections = if show_secrets {
            &[][..]
        } else {
            secret_sections(&self.path, &[&self.old, &self.new])
        };
        let shown = |text: &str| visible(&mask_secret_data(sections, text));
        unified(
            &visible(&self.path),
            &shown(&self.old),
            &shown(&self.new),
            context,
        )
    }
}

/// Tools read a change's path, status and counts; its texts stay out (the diff shows them).
impl Serialize for FileChange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (additions, deletions) = self.counts();
        let mut change = serializer.serialize_struct("FileChange", 4)?;
        change.serialize_field("path", &self.path)?;
        change.serialize_field("status", &self.status)?;
        change.serialize_field("additions", &additions)?;
        change.serialize_field("deletions", &deletions)?;
        change.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_knows_its_status_and_counts_from_both_sides() {
        let added = FileChange::new("a", None, Some("x\ny\n".into()));
        assert_eq!((added.status, added.counts()), (Status::Added, (2, 0)));
        let removed = FileChange::new("a", Some("x\n".into()), None);
        assert_eq!(
            (removed.status, removed.counts()),
            (Status::Removed, (0, 1))
        );
        let changed = FileChange::new("a", Some("x\n".into()), Some("y\n".into()));
        assert_eq!(
            (changed.status, changed.counts()),
            (Status::Changed, (1, 1))
        );
        assert_eq!(
            serde_json::to_string(&changed).unwrap(),
            r#"{"path":"a","status":"changed","additions":1,"deletions":1}"#
        );
    }

    #[test]
    fn a_diff_shows_control_characters_and_a_carriage_return_ends_no_line() {
        let change = FileChange::new(
            "t\u{1b}.yaml",
            Some("a\n".into()),
            Some("a\n# \u{1b}[2K\rb: 1\n".into()),
        );
        assert_eq!(change.counts(), (1, 0));
        assert_eq!(
            change.unified(3, true),
            "--- a/t\\u{1b}.yaml\n+++ b/t\\u{1b}.yaml\n@@ -1 +1,2 @@\n a\n+# \\u{1b}[2K\\rb: 1\n"
        );
    }
}
