//! Prints an upgrade review for people (unified, stat, markdown) and tools (json).

use std::fmt::Write;

use serde_json::Value;

use crate::fields::{FieldChange, label};
use crate::report::{
    Colors, Format, code, code_fence, hazard, html, markdown_head, paint_diff_line, prose, visible,
    warning,
};
use crate::text_diff;
use crate::upgrade::{Hazard, ObjectChange, Upgrade};

/// Longer values are cut in text and markdown (json has them whole).
const SHOWN_CHARS: usize = 160;

/// An upgrade's review in `format`.
pub fn print(review: &Upgrade, format: Format, colors: Colors) -> String {
    match format {
        Format::Unified => unified(review, colors),
        Format::Stat => stat(review, colors),
        Format::Json => serde_json::to_string_pretty(review).unwrap_or_default() + "\n",
        Format::Markdown => visible(&markdown(review)),
    }
}

fn object_line(object: &ObjectChange) -> String {
    let mut line = format!(
        "{:<8} {} ({})",
        object.status.label(),
        object.id(),
        object.effect.label()
    );
    if let Some(source) = &object.source {
        let _ = write!(line, "  # {source}");
    }
    line
}

/// A value as people read it: strings bare, the rest as JSON, absent as `(none)`, cut short.
fn shown(value: &Option<Value>) -> String {
    let text = value.as_ref().map_or_else(|| "(none)".to_string(), label);
    if text.chars().count() <= SHOWN_CHARS {
        return text;
    }
    text.chars().take(SHOWN_CHARS).collect::<String>() + "…"
}

/// A multi-line text (a script or a config file in a ConfigMap) on either side of a change.
fn text_of(change: &FieldChange) -> Option<(&str, &str)> {
    fn text(value: &Option<Value>) -> Option<&str> {
        match value {
            Some(Value::String(s)) => Some(s.as_str()),
            None => Some(""),
            Some(_) => None,
        }
    }
    let (old, new) = (text(&change.old)?, text(&change.new)?);
    (old.contains('\n') || new.contains('\n')).then_some((old, new))
}

fn describe_text(text: &str) -> String {
    match text.lines().count() {
        0 => "(none)".into(),
        n => format!("(text, {n} lines)"),
    }
}

/// One line for a field; a text's line-by-line diff follows it.
fn change_line(change: &FieldChange) -> String {
    match text_of(change) {
        Some((old, new)) => format!(
            "{}: {} → {}",
            change.path,
            describe_text(old),
            describe_text(new)
        ),
        None => format!(
            "{}: {} → {}",
            change.path,
            shown(&change.old),
            shown(&change.new)
        ),
    }
}

/// The diff of a text field. Each line ends in `\n` alone: a `\r` ending a line of the text
/// is left out, as the line-by-line terminal printer leaves it out.
fn field_diff(change: &FieldChange) -> Option<String> {
    let (old, new) = text_of(change)?;
    let diff = text_diff::hunks(old, new, 2);
    Some(diff.lines().map(|l| format!("{l}\n")).collect())
}

fn hazard_subject(hazard: &Hazard) -> String {
    match hazard.namespace.as_str() {
        "" => format!("{} {}", hazard.kind, hazard.name),
        ns => format!("{} {ns}/{}", hazard.kind, hazard.name),
    }
}

fn advice(review: &Upgrade, colors: Colors, out: &mut String) {
    for h in &review.hazards {
        let what = visible(&format!("{} {}", hazard_subject(h), h.field));
        let (problem, remedy) = (visible(&h.problem), visible(&h.remedy));
        let _ = writeln!(out, "{}", hazard(&what, &problem, &remedy, colors));
    }
    for w in &review.warnings {
        let _ = writeln!(out, "{}", warning(&visible(w), colors));
    }
}

fn unified(review: &Upgrade, colors: Colors) -> String {
    let mut out = String::new();
    if review.is_empty() {
        return out;
    }
    for object in &review.objects {
        let _ = writeln!(out, "{}", visible(&object_line(object)));
        if let Some(rollout) = &object.rollout {
            let _ = writeln!(out, "    rollout: {rollout}");
        }
        for change in &object.changes {
            let _ = writeln!(out, "    {}", visible(&change_line(change)));
            for line in field_diff(change).unwrap_or_default().lines() {
                let _ = writeln!(out, "      {}", paint_diff_line(&visible(line), colors));
            }
        }
    }
    advice(review, colors, &mut out);
    let _ = writeln!(out, "overall: {}", review.effect.label());
    out
}

fn stat(review: &Upgrade, colors: Colors) -> String {
    let mut out = String::new();
    if review.is_empty() {
        return out;
    }
    for object in &review.objects {
        let _ = writeln!(
            out,
            "{:<8} {} ({}, {} field(s))",
            object.status.label(),
            visible(&object.id().to_string()),
            object.effect.label(),
            object.changes.len()
        );
    }
    advice(review, colors, &mut out);
    let _ = writeln!(
        out,
        "{} object(s) differ, {} hazard(s); overall: {}",
        review.objects.len(),
        review.hazards.len(),
        review.effect.label()
    );
    out
}

fn markdown(review: &Upgrade) -> String {
    let effect = (!review.is_empty()).then_some(review.effect);
    let mut out = markdown_head("chartgen review", effect);
    if review.is_empty() {
        return out;
    }
    out.push_str("| Object | Status | Effect | Source |\n| --- | --- | --- | --- |\n");
    for o in &review.objects {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            code(&o.id().to_string()),
            o.status.label(),
            o.effect.label(),
            o.source.as_deref().map(code).unwrap_or_default()
        );
    }
    for h in &review.hazards {
        let _ = write!(
            out,
            "\n> ⚠️ **Hazard:** {} {}: {}\n>\n> **Remedy:** {}\n",
            code(&hazard_subject(h)),
            code(&h.field),
            prose(&h.problem),
            prose(&h.remedy)
        );
    }
    for w in &review.warnings {
        let _ = write!(out, "\n> ⚠️ **Warning:** {}\n", prose(w));
    }
    for o in review.objects.iter().filter(|o| !o.changes.is_empty()) {
        let _ = write!(
            out,
            "\n<details><summary><code>{}</code> ({}, {})</summary>\n\n",
            html(&o.id().to_string()),
            o.status.label(),
            o.effect.label()
        );
        if let Some(rollout) = &o.rollout {
            let _ = writeln!(out, "Roll-out: {rollout}\n");
        }
        out.push_str("| Field | Before | After |\n| --- | --- | --- |\n");
        for c in &o.changes {
            let (old, new) = match text_of(c) {
                Some((old, new)) => (describe_text(old), describe_text(new)),
                None => (shown(&c.old), shown(&c.new)),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(&c.path),
                code(&old),
                code(&new)
            );
        }
        for (c, diff) in o.changes.iter().filter_map(|c| Some((c, field_diff(c)?))) {
            let fence = code_fence(&diff);
            let _ = write!(out, "\n{}:\n\n{fence}diff\n{diff}{fence}\n", code(&c.path));
        }
        out.push_str("\n</details>\n");
    }
    out
}
