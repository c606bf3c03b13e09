//! Prints a review for people (unified, stat, markdown) and tools (json).

use std::fmt::Write;

use crate::effect::Effect;
use crate::review::{Review, Status};
use crate::text_diff::{unified, unified_masked};

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

pub fn print(review: &Review, format: Format, context: usize, colors: Colors) -> String {
    match format {
        Format::Unified => unified_report(review, context, colors),
        Format::Stat => stat(review),
        Format::Json => serde_json::to_string_pretty(review).unwrap_or_default() + "\n",
        Format::Markdown => markdown(review, context),
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Added => "added",
        Status::Removed => "removed",
        Status::Changed => "changed",
    }
}

/// `git diff --stat` style: one line per file, nothing when identical.
pub fn stat(review: &Review) -> String {
    let width = review.files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    let mut out = String::new();
    for f in &review.files {
        let _ = writeln!(
            out,
            " {:<width$} | +{} -{} ({})",
            f.path,
            f.additions,
            f.deletions,
            f.effect.label()
        );
    }
    if !review.files.is_empty() {
        let (add, del) = review
            .files
            .iter()
            .fold((0, 0), |(a, d), f| (a + f.additions, d + f.deletions));
        let _ = writeln!(
            out,
            " {} file(s) changed, +{add} -{del}",
            review.files.len()
        );
    }
    for line in advice_lines(review) {
        let _ = writeln!(out, "{line}");
    }
    out
}

fn summary_lines(review: &Review) -> Vec<String> {
    let mut lines = Vec::new();
    for f in &review.files {
        lines.push(format!(
            "{:<8} {} ({})",
            status_word(f.status),
            f.path,
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

/// Hazards with their remedies, warnings, and the version the change deserves.
pub fn advice_lines(review: &Review) -> Vec<String> {
    let mut lines = caution_lines(review);
    lines.extend(version_line(review));
    lines
}

/// Hazards with their remedies, and warnings.
fn caution_lines(review: &Review) -> Vec<String> {
    let mut lines = Vec::new();
    for h in &review.hazards {
        lines.push(format!(
            "hazard: {}: {}\n  remedy: {}",
            h.change, h.problem, h.remedy
        ));
    }
    for w in &review.warnings {
        lines.push(format!("warning: {w}"));
    }
    lines
}

/// The version the change deserves, when it deserves a new one.
fn version_line(review: &Review) -> Option<String> {
    let v = &review.version;
    if let (Some(current), Some(proposed)) = (&v.current, &v.proposed)
        && review.version.bump != crate::review::Bump::None
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

fn unified_report(review: &Review, context: usize, colors: Colors) -> String {
    let mut out = String::new();
    if review.is_empty() {
        return out;
    }
    for line in summary_lines(review) {
        let _ = writeln!(out, "{line}");
    }
    for line in advice_lines(review) {
        let code = if line.starts_with("hazard") {
            "1;31"
        } else {
            "33"
        };
        let _ = writeln!(out, "{}", colors.paint(code, &line));
    }
    let _ = writeln!(out, "overall: {}", review.effect.label());
    for f in &review.files {
        for line in file_diff(f, context, review.show_secrets).lines() {
            let code = match line.as_bytes().first() {
                _ if line.starts_with("+++") || line.starts_with("---") => "1",
                Some(b'+') => "32",
                Some(b'-') => "31",
                Some(b'@') => "36",
                _ => "",
            };
            let _ = writeln!(
                out,
                "{}",
                if code.is_empty() {
                    line.to_string()
                } else {
                    colors.paint(code, line)
                }
            );
        }
    }
    out
}

/// A file's diff as the review may show it: a Secret's data values masked.
fn file_diff(f: &crate::review::FileChange, context: usize, show_secrets: bool) -> String {
    if show_secrets {
        unified(&f.path, &f.old, &f.new, context)
    } else {
        unified_masked(&f.path, &f.old, &f.new, context)
    }
}

/// A Markdown code fence that `text` cannot close: longer than any run of backticks in it.
pub fn code_fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Control characters (escape sequences, carriage returns) from the reviewed input, made
/// visible: they must not drive the terminal or break the Markdown they are printed in.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
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

fn markdown(review: &Review, context: usize) -> String {
    let effect = (!review.is_empty()).then_some(review.effect);
    let mut out = markdown_head("chartgen diff", effect);
    if review.is_empty() {
        return out;
    }
    out.push_str("| File | Status | +/- | Effect |\n| --- | --- | --- | --- |\n");
    for f in &review.files {
        let _ = writeln!(
            out,
            "| `{}` | {} | +{} -{} | {} |",
            f.path,
            status_word(f.status),
            f.additions,
            f.deletions,
            f.effect.label()
        );
    }
    if !review.values.is_empty() {
        out.push_str("\n| Value | Before | After | Effect |\n| --- | --- | --- | --- |\n");
        for v in &review.values {
            let show = |x: &Option<serde_json::Value>| {
                x.as_ref().map_or("—".to_string(), |v| {
                    format!("`{}`", v.to_string().replace('|', "\\|"))
                })
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                v.key,
                show(&v.old),
                show(&v.new),
                v.effect.label()
            );
        }
    }
    let cautions = caution_lines(review);
    if !cautions.is_empty() {
        out.push('\n');
        for line in cautions {
            let line = line.replace("\n  remedy:", "<br>**Remedy:**");
            let _ = writeln!(
                out,
                "> {}",
                line.replacen("hazard:", "⚠️ **Hazard:**", 1).replacen(
                    "warning:",
                    "⚠️ **Warning:**",
                    1
                )
            );
        }
    }
    if let Some(version) = version_line(review) {
        let _ = writeln!(out, "\n{version}");
    }
    for f in &review.files {
        let diff = file_diff(f, context, review.show_secrets);
        let fence = code_fence(&diff);
        let _ = write!(
            out,
            "\n<details><summary><code>{}</code> ({}, {})</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n",
            f.path,
            status_word(f.status),
            f.effect.label()
        );
    }
    out
}
