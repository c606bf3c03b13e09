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
    // Lines both texts start or end with are never counted; leaving them out of the diff
    // keeps a one-line change in a long file as cheap as in a short one.
    let (old, new) = (old.split_inclusive('\n'), new.split_inclusive('\n'));
    let prefix = old
        .clone()
        .zip(new.clone())
        .take_while(|(a, b)| a == b)
        .count();
    let (old, new): (Vec<&str>, Vec<&str>) =
        (old.skip(prefix).collect(), new.skip(prefix).collect());
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old, new) = (&old[..old.len() - suffix], &new[..new.len() - suffix]);
    let diff = TextDiff::from_slices(old, new);
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
        assert_eq!(counts("a\nb\nz\n", "a\nc\nz\n"), (1, 1));
        assert_eq!(
            counts("a\nb", "a\nb\n"),
            (1, 1),
            "a final newline is a change"
        );
        assert_eq!(counts("same\n", "same\n"), (0, 0));
        assert_eq!(counts("", "x\ny\n"), (2, 0));
    }
}
