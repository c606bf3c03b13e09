//! Prints changed files and their review for people (unified, stat, markdown) and tools (json):
//! one printer per format, each over the same data (`change::FileChange`, `chart_diff::ChartDiff`).

use std::fmt::Write;

use crate::change::FileChange;
use crate::chart_diff::ChartDiff;
use crate::effect::Effect;

/// How a review is printed (the command line names each one: see `cli`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Unified,
    Stat,
    Json,
    Markdown,
}

/// Terminal colors: on for a terminal unless NO_COLOR, or as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors(pub bool);

impl Colors {
    pub fn paint(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// A chart change's review in `format`, file diffs with `context` lines around each change.
pub fn print(review: &ChartDiff, format: Format, context: usize, colors: Colors) -> String {
    match format {
        Format::Unified => unified(review, context, colors),
        Format::Stat => stat(review),
        Format::Json => serde_json::to_string_pretty(review).unwrap_or_default() + "\n",
        // Text from the compared files, made visible, is all that may hold control characters.
        Format::Markdown => visible(&markdown(review, context)),
    }
}

/// The width that lines up the paths of `files` in their stat lines.
pub fn path_width<'a>(files: impl IntoIterator<Item = &'a FileChange>) -> usize {
    files
        .into_iter()
        .map(|f| visible(&f.path).chars().count())
        .max()
        .unwrap_or(0)
}

/// A file's `git diff --stat` line, its path padded to `width`, with its `counts` (see
/// `FileChange::counts`): `path | +2 -1`.
pub fn stat_line(
    file: &FileChange,
    (additions, deletions): (usize, usize),
    width: usize,
) -> String {
    let path = visible(&file.path);
    format!("{path:<width$} | +{additions} -{deletions}")
}

/// `git diff --stat` style: one line per file, nothing when identical.
fn stat(review: &ChartDiff) -> String {
    let width = path_width(review.files.iter().map(|f| &f.change));
    let mut out = String::new();
    let counted: Vec<_> = review
        .files
        .iter()
        .map(|f| (f, f.change.counts()))
        .collect();
    for (f, counts) in &counted {
        let _ = writeln!(
            out,
            " {} ({})",
            stat_line(&f.change, *counts, width),
            f.effect.label()
        );
    }
    if !review.files.is_empty() {
        let (add, del) = counted
            .iter()
            .fold((0, 0), |(a, d), (_, (add, del))| (a + add, d + del));
        let _ = writeln!(
            out,
            " {} file(s) changed, +{add} -{del}",
            review.files.len()
        );
    }
    out + &advice(review, Colors(false))
}

fn summary_lines(review: &ChartDiff) -> Vec<String> {
    let mut lines = Vec::new();
    for f in &review.files {
        lines.push(format!(
            "{:<8} {} ({})",
            f.change.status.label(),
            f.change.path,
            f.effect.label()
        ));
    }
    for v in &review.values {
        let show = |x: &Option<serde_json::Value>| {
            x.as_ref().map_or("(none)".to_string(), |v| v.to_string())
        };
        lines.push(format!(
            "value    {}: {} → {} ({})",
            v.key,
            show(&v.old),
            show(&v.new),
            v.effect.label()
        ));
    }
    lines
}

/// Hazards with their remedies, warnings, and the version the change deserves: a line (or
/// two) each, hazards in red and the rest in yellow.
pub fn advice(review: &ChartDiff, colors: Colors) -> String {
    let mut out = String::new();
    for h in &review.hazards {
        let (what, problem, remedy) = (visible(&h.change), visible(&h.problem), visible(&h.remedy));
        let _ = writeln!(out, "{}", hazard(&what, &problem, &remedy, colors));
    }
    for w in &review.warnings {
        let _ = writeln!(out, "{}", warning(&visible(w), colors));
    }
    if let Some(version) = version_line(review) {
        let _ = writeln!(out, "{}", colors.paint(YELLOW, &version));
    }
    out
}

const RED: &str = "1;31";
const YELLOW: &str = "33";

/// A hazard as a terminal shows it (`chartgen diff`, `chartgen review`): what changes and why
/// Kubernetes refuses it, then the remedy.
pub fn hazard(what: &str, problem: &str, remedy: &str, colors: Colors) -> String {
    let text = format!("hazard: {what}: {problem}\n  remedy: {remedy}");
    colors.paint(RED, &text)
}

/// A warning as a terminal shows it.
pub fn warning(text: &str, colors: Colors) -> String {
    colors.paint(YELLOW, &format!("warning: {text}"))
}

/// The version the change deserves, when it deserves a new one.
fn version_line(review: &ChartDiff) -> Option<String> {
    let v = &review.version;
    if let (Some(current), Some(proposed)) = (&v.current, &v.proposed)
        && review.version.bump != crate::chart_diff::Bump::None
    {
        // A spec that does not pin its version gets the proposed one.
        let applied = if v.new.as_ref() == Some(proposed) {
            ""
        } else {
            " proposed"
        };
        return Some(format!(
            "version: {current} → {proposed}{applied} ({})",
            review.version.bump.label()
        ));
    }
    None
}

fn unified(review: &ChartDiff, context: usize, colors: Colors) -> String {
    let mut out = String::new();
    if review.is_empty() {
        return out;
    }
    for line in summary_lines(review) {
        let _ = writeln!(out, "{}", visible(&line));
    }
    out.push_str(&advice(review, colors));
    let _ = writeln!(out, "overall: {}", review.effect.label());
    for f in &review.files {
        // A file's header ends at its first hunk: a removed line reading `--x` is not one.
        let mut header = true;
        for line in f.change.unified(context, review.show_secrets).lines() {
            header = header && !line.starts_with("@@");
            let painted = if header {
                colors.paint("1", line)
            } else {
                paint_diff_line(line, colors)
            };
            let _ = writeln!(out, "{painted}");
        }
    }
    out
}

/// A line of a diff's hunk, coloured as git colours it: added, removed, the hunk's head.
pub fn paint_diff_line(line: &str, colors: Colors) -> String {
    match line.as_bytes().first() {
        Some(b'+') => colors.paint("32", line),
        Some(b'-') => colors.paint("31", line),
        Some(b'@') => colors.paint("36", line),
        _ => line.to_string(),
    }
}

/// A Markdown code fence that `text` cannot close: longer than any run of backticks in it.
pub fn code_fence(text: &str) -> String {
    "`".repeat(longest_backticks(text).max(2) + 1)
}

/// The longest run of backticks in `text`: Markdown code delimited by a longer one holds it.
pub fn longest_backticks(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Inline Markdown code that holds any text, in a table cell too: a fence longer than any run
/// of backticks inside it, `|` escaped for the table, a line break shown as `↵`.
pub fn code(text: &str) -> String {
    let fence = "`".repeat(longest_backticks(text) + 1);
    // A space inside each fence keeps a backtick at an end from joining the fence; Markdown
    // takes one space off each side.
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!(
        "{fence}{pad}{}{pad}{fence}",
        text.replace('|', "\\|").replace('\n', "↵")
    )
}

/// Text inside HTML (`<summary><code>`): markup as entities, on one line (a blank line would
/// end the HTML block and let Markdown in).
pub fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "↵")
}

/// Prose for Markdown, such as a hazard's remedy, that quotes commands in single backticks and
/// names from the reviewed input (a PR author's text) anywhere. Each quoted part becomes a
/// `code` span and everything between is escaped, so no part is read as Markdown or HTML. A
/// backtick in a name shifts which parts are quoted; each is still escaped or held in code.
pub fn prose(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let (quoted, closed) = (i % 2 == 1, i + 1 < parts.len());
        if quoted && closed && !part.is_empty() {
            out.push_str(&code(part));
        } else if quoted {
            // An empty or an unclosed quote is made of a name's own backticks: text.
            let close = if closed { "`" } else { "" };
            out.push_str(&escaped(&format!("`{part}{close}")));
        } else {
            out.push_str(&escaped(part));
        }
    }
    out
}

/// Text that Markdown and HTML show as it is, on one line, with no web address made a link
/// (GitHub links `https://` and `www.` in text; an escaped character stops it).
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push('↵'),
            c => out.push(c),
        }
    }
    out.replace("://", "\\://").replace("www.", "www\\.")
}

/// Control characters (escape sequences, carriage returns) and invisible format characters
/// from compared files and their names, made visible (`\u{1b}`, `\r`): they must not drive the
/// terminal, break the Markdown they are printed in, or make text read as other text.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\t') || invisible(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Bidi controls, which reorder the text around them on screen (rustc's
/// `text_direction_codepoint_in_literal` list, and the bidi marks), and zero-width characters,
/// which hide between others.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// The head of a Markdown comment: its title, then the overall effect, or "No changes."
/// when there is none.
pub fn markdown_head(title: &str, effect: Option<Effect>) -> String {
    let mut out = format!("### {title}\n\n");
    match effect {
        None => out.push_str("No changes.\n"),
        Some(effect) => {
            let _ = writeln!(out, "**Effect on a running release: {}**\n", effect.label());
        }
    }
    out
}

fn markdown(review: &ChartDiff, context: usize) -> String {
    let effect = (!review.is_empty()).then_some(review.effect);
    let mut out = markdown_head("chartgen diff", effect);
    if review.is_empty() {
        return out;
    }
    out.push_str("| File | Status | +/- | Effect |\n| --- | --- | --- | --- |\n");
    for f in &review.files {
        let (additions, deletions) = f.change.counts();
        let _ = writeln!(
            out,
            "| {} | {} | +{additions} -{deletions} | {} |",
            code(&f.change.path),
            f.change.status.label(),
            f.effect.label()
        );
    }
    if !review.values.is_empty() {
        out.push_str("\n| Value | Before | After | Effect |\n| --- | --- | --- | --- |\n");
        for v in &review.values {
            let show = |x: &Option<serde_json::Value>| {
                x.as_ref().map_or("—".to_string(), |v| code(&v.to_string()))
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&v.key),
                show(&v.old),
                show(&v.new),
                v.effect.label()
            );
        }
    }
    if !review.hazards.is_empty() || !review.warnings.is_empty() {
        out.push('\n');
    }
    for h in &review.hazards {
        let _ = writeln!(
            out,
            "> ⚠️ **Hazard:** {}: {}<br>**Remedy:** {}",
            prose(&h.change),
            prose(&h.problem),
            prose(&h.remedy)
        );
    }
    for w in &review.warnings {
        let _ = writeln!(out, "> ⚠️ **Warning:** {}", prose(w));
    }
    if let Some(version) = version_line(review) {
        let _ = writeln!(out, "\n{}", prose(&version));
    }
    for f in &review.files {
        let diff = f.change.unified(context, review.show_secrets);
        let fence = code_fence(&diff);
        let _ = write!(
            out,
            "\n<details><summary><code>{}</code> ({}, {})</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n",
            html(&f.change.path),
            f.change.status.label(),
            f.effect.label()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart_diff::{Bump, FileReview, Hazard, Version};

    /// A review of one changed file whose hazard and warning each quote the other's label.
    fn review() -> ChartDiff {
        let change = FileChange::new("values.yaml", Some("a: 1\n".into()), Some("a: 2\n".into()));
        ChartDiff {
            files: vec![FileReview {
                change,
                effect: Effect::NeedsRecreate,
            }],
            values: Vec::new(),
            hazards: vec![Hazard {
                change: "values.yaml a".into(),
                problem: "the warning: text".into(),
                remedy: "see hazard: notes".into(),
            }],
            warnings: vec!["a hazard: quoted".into()],
            version: Version {
                current: Some("1.0.0".into()),
                new: Some("1.0.0".into()),
                bump: Bump::Major,
                proposed: Some("2.0.0".into()),
            },
            effect: Effect::NeedsRecreate,
            show_secrets: false,
        }
    }

    #[test]
    fn markdown_cautions_are_written_from_the_review_not_from_terminal_lines() {
        let text = print(&review(), Format::Markdown, 3, Colors(false));
        let cautions = "\n> ⚠️ **Hazard:** values.yaml a: the warning: text<br>**Remedy:** see \
                        hazard: notes\n> ⚠️ **Warning:** a hazard: quoted\n\nversion: 1.0.0 → \
                        2.0.0 proposed (major)\n";
        assert!(text.contains(cautions), "{text}");
    }

    /// Text a PR author controls: markup, links, images, tables, entities, line breaks.
    const HOSTILE: &str = "a<img src=x>**b** [l](y) ~~s~~ &lt; c|d _e_ \\\n# f";

    #[test]
    fn inline_code_holds_any_text() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a``b`"), "``` a``b` ```");
        assert_eq!(code(" x "), "`  x  `");
        assert_eq!(
            code(HOSTILE),
            "`a<img src=x>**b** [l](y) ~~s~~ &lt; c\\|d _e_ \\↵# f`"
        );
    }

    #[test]
    fn html_text_is_inert_and_on_one_line() {
        assert_eq!(
            html(HOSTILE),
            "a&lt;img src=x&gt;**b** [l](y) ~~s~~ &amp;lt; c|d _e_ \\↵# f"
        );
    }

    #[test]
    fn prose_keeps_its_quoted_commands_and_escapes_the_rest() {
        let safe = "the pods of web do not roll (`kubectl rollout restart statefulset web`), \
                    or set 'x' to \"y\": 1.0.0 → 2.0.0";
        assert_eq!(prose(safe), safe);
        assert_eq!(
            prose(&format!("{HOSTILE} (`kubectl delete cm {HOSTILE}`)")),
            "a&lt;img src=x&gt;\\*\\*b\\*\\* \\[l\\](y) \\~\\~s\\~\\~ &amp;lt; c\\|d \\_e\\_ \\\\↵# f \
             (`kubectl delete cm a<img src=x>**b** [l](y) ~~s~~ &lt; c\\|d _e_ \\↵# f`)"
        );
    }

    #[test]
    fn web_addresses_in_prose_are_not_links() {
        assert_eq!(
            prose("db-https://x.example/a www.y.example `https://z.example`"),
            "db-https\\://x.example/a www\\.y.example `https://z.example`"
        );
    }

    #[test]
    fn backticks_in_a_name_leave_no_text_outside_code_unescaped() {
        // The name's backtick closes the quote early: the rest of the command is text, and
        // the closing backtick opens nothing.
        assert_eq!(
            prose("run `kubectl delete sts a`<b>x` now"),
            "run `kubectl delete sts a`&lt;b&gt;x\\` now"
        );
        assert_eq!(prose("x ``<img>`` y `"), "x \\`\\`&lt;img&gt;\\`\\` y \\`");
        assert_eq!(prose("`a``b`"), "`a``b`");
    }

    #[test]
    fn advice_is_painted_by_its_kind() {
        assert_eq!(
            advice(&review(), Colors(true)),
            "\x1b[1;31mhazard: values.yaml a: the warning: text\n  remedy: see hazard: notes\x1b[0m\n\
             \x1b[33mwarning: a hazard: quoted\x1b[0m\n\
             \x1b[33mversion: 1.0.0 → 2.0.0 proposed (major)\x1b[0m\n"
        );
    }

    #[test]
    fn only_a_files_header_is_bold_in_a_unified_diff() {
        let mut review = review();
        let change = FileChange::new("s.sh", Some("--x\n".into()), Some("++y\n".into()));
        review.files[0].change = change;
        let text = print(&review, Format::Unified, 3, Colors(true));
        let diff = &text[text.find("\x1b[1m--- ").expect(&text)..];
        assert_eq!(
            diff,
            "\x1b[1m--- a/s.sh\x1b[0m\n\x1b[1m+++ b/s.sh\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\
             \x1b[31m---x\x1b[0m\n\x1b[32m+++y\x1b[0m\n"
        );
    }

    #[test]
    fn invisible_and_control_characters_are_shown_escaped() {
        assert_eq!(
            visible("a\u{1b}]0;x\u{7}\r\u{202e}b\u{2066}\u{200b}\u{feff}\tc\n"),
            "a\\u{1b}]0;x\\u{7}\\r\\u{202e}b\\u{2066}\\u{200b}\\u{feff}\tc\n"
        );
        assert_eq!(
            visible("v1\u{061c}\u{2028}\u{e0041}"),
            "v1\\u{61c}\\u{2028}\\u{e0041}"
        );
        assert_eq!(visible("é ü → ✓"), "é ü → ✓");
    }

    #[test]
    fn stat_lines_pad_paths_to_the_longest() {
        let mut review = review();
        review.files.insert(
            0,
            FileReview {
                change: FileChange::new("NOTES.txt", None, Some("hi\n".into())),
                effect: Effect::NoOp,
            },
        );
        let text = print(&review, Format::Stat, 3, Colors(false));
        let files = " NOTES.txt   | +1 -0 (no-op)\n values.yaml | +1 -1 (needs recreate)\n 2 file(s) \
                     changed, +2 -1\nhazard: ";
        assert!(text.starts_with(files), "{text}");
    }
}
