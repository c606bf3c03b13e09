//! Text differences between a file on disk and what chartgen would write.

use std::fmt::Write;

use similar::TextDiff;

/// A unified diff with git-style headers; empty when the texts are equal.
pub fn unified(path: &str, old: &str, new: &str, context: usize) -> String {
    let (a, b) = (format!("a/{path}"), format!("b/{path}"));
    diff(old, new, context, Some((&a, &b)))
}

/// The hunks of a unified diff, without file headers: for a text inside a file (a field of an
/// object). Empty when the texts are equal.
pub fn hunks(old: &str, new: &str, context: usize) -> String {
    diff(old, new, context, None)
}

fn diff(old: &str, new: &str, context: usize, header: Option<(&str, &str)>) -> String {
    if old == new {
        return String::new();
    }
    // Past the deadline the diff is coarser, never wrong: a huge text must not stall a review.
    let lines = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(old, new);
    let mut diff = lines.unified_diff();
    diff.context_radius(context);
    if let Some((a, b)) = header {
        diff.header(a, b);
    }
    diff.to_string()
}

/// `unified`, with secret values masked on both sides: what chartgen shows unless asked
/// (`chartgen diff --show-secrets`), in reviews and in its refusal to overwrite hand edits.
pub fn unified_masked(path: &str, old: &str, new: &str, context: usize) -> String {
    unified(
        path,
        &mask_secret_data(path, old),
        &mask_secret_data(path, new),
        context,
    )
}

/// values.yaml's `secrets:` and a Secret's `data:`/`stringData:` with every value replaced by
/// `(hidden)`: chartgen writes no secret values, but a person may (a hand edit, a hand-written
/// chart compared with --against). Keys and template lines stay.
fn mask_secret_data(path: &str, text: &str) -> String {
    let sections: &[&str] = if path == "values.yaml" {
        &["secrets:"]
    } else if text.contains("kind: Secret")
        || path.ends_with("secret.yaml")
        || path.ends_with("secrets.yaml")
    {
        &["data:", "stringData:"]
    } else {
        return text.to_string();
    };
    let mut in_data = false;
    let mut out = String::new();
    for line in text.lines() {
        let content = line.trim_start();
        let indent = &line[..line.len() - content.len()];
        if content.is_empty() {
            // A blank line ends no section.
            out.push_str(line);
        } else if indent.is_empty() {
            let section = sections.iter().find(|s| line.starts_with(**s));
            in_data = section.is_some();
            // A flow or scalar value on the section's own line: `secrets: {TOKEN: x}`.
            let inline = section.filter(|s| {
                let rest = line[s.len()..].trim();
                !rest.is_empty() && !rest.starts_with('#')
            });
            match inline {
                Some(s) => {
                    let _ = write!(out, "{s} (hidden)");
                }
                None => out.push_str(line),
            }
        } else if !in_data || content.starts_with("{{") {
            out.push_str(line);
        } else if let Some((key, _)) = line.split_once(':') {
            let _ = write!(out, "{key}: (hidden)");
        } else {
            // A line of a multi-line value.
            let _ = write!(out, "{indent}(hidden)");
        }
        out.push('\n');
    }
    out
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
        assert_eq!(hunks("a\nb\n", "a\nc\n", 0), "@@ -2 +2 @@\n-b\n+c\n");
    }

    #[test]
    fn secret_values_are_masked_in_every_form_they_take() {
        let values =
            "replicaCount: 1\nsecrets:\n  A: \"x\"\n\n  B: |\n    line\n  # c: note\nimage: {}\n";
        assert_eq!(
            mask_secret_data("values.yaml", values),
            "replicaCount: 1\nsecrets:\n  A: (hidden)\n\n  B: (hidden)\n    (hidden)\n  # c: (hidden)\nimage: {}\n"
        );
        assert_eq!(
            mask_secret_data("values.yaml", "secrets: {A: x}\nsecrets: # none\n"),
            "secrets: (hidden)\nsecrets: # none\n"
        );
        let secret = "kind: Secret\ndata:\n  {{- range .x }}\n  k: djE=\n";
        assert_eq!(
            mask_secret_data("templates/s.yaml", secret),
            "kind: Secret\ndata:\n  {{- range .x }}\n  k: (hidden)\n"
        );
        assert_eq!(mask_secret_data("Chart.yaml", "data: x\n"), "data: x\n");
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
