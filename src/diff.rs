//! Text differences between a file on disk and what chartgen would write.

use similar::TextDiff;

/// A unified diff with git-style headers; empty when the texts are equal.
pub fn unified(path: &str, old: &str, new: &str, context: usize) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Lines added and removed, as `git diff --stat` counts them.
pub fn counts(old: &str, new: &str) -> (usize, usize) {
    let diff = TextDiff::from_lines(old, new);
    diff.iter_all_changes()
        .fold((0, 0), |(add, del), change| match change.tag() {
            similar::ChangeTag::Insert => (add + 1, del),
            similar::ChangeTag::Delete => (add, del + 1),
            similar::ChangeTag::Equal => (add, del),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diffs_name_both_sides() {
        let d = unified("values.yaml", "a: 1\nb: 2\n", "a: 1\nb: 3\n", 3);
        assert_eq!(
            d,
            "--- a/values.yaml\n+++ b/values.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
        );
        assert_eq!(unified("x", "same", "same", 3), "");
    }

    #[test]
    fn counts_added_and_removed_lines() {
        assert_eq!(counts("a\nb\n", "a\nc\nd\n"), (2, 1));
    }
}
