//! `chartgen new`: a folder with a spec from a preset, adjusted by command-line flags, and the
//! chart it generates. Flags edit the preset's text in place, so its comments stay to teach
//! the spec.

use std::path::PathBuf;

use crate::app::{Done, compile_file, locked};
use crate::error::Error;
use crate::folder::Folder;
use crate::load::parse;
use crate::locate::positions;
use crate::lock::Lock;
use crate::plan::strangers;
use crate::presets;
use crate::render::SCHEMA_FILE;
use crate::validate::{PINNED, is_dns_label};
use crate::yaml::quote;

/// What `chartgen new` was asked for.
#[derive(Debug, Clone, Default)]
pub struct NewOptions {
    /// The folder to create; its last component is the chart name.
    pub dir: PathBuf,
    pub preset: String,
    /// `REPO[:TAG]`
    pub image: Option<String>,
    pub port: Option<i64>,
    pub replicas: Option<i64>,
    pub storage: Option<String>,
    /// Generate into a folder that is not empty.
    pub force: bool,
}

/// A flag's edit of the spec: which field, what text.
struct Edit {
    flag: &'static str,
    field: &'static str,
    value: String,
}

pub fn new(options: &NewOptions) -> Result<Done, Error> {
    let dir = &options.dir;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if !is_dns_label(name) || name.len() > crate::validate::MAX_NAME {
        return Err(flag_error(
            "NAME",
            format!(
                "{name:?} is not a chart name (at most 53 lowercase letters, digits and '-', \
                 starting and ending with a letter or digit)"
            ),
        ));
    }
    refuse_non_empty(options)?;
    let preset = presets::spec_text(&options.preset, name).ok_or_else(|| {
        let names = presets::names();
        let known = names.join(", ");
        let guess = crate::load::closest(&options.preset, &names)
            .map(|g| format!(" (did you mean {g:?}?)"))
            .unwrap_or_default();
        flag_error(
            "--preset",
            format!("no preset {:?}{guess} (presets: {known})", options.preset),
        )
    })?;
    let edits = edits(options)?;
    let text = apply(&preset, &edits, &options.preset)?;
    let text = if options.image.is_some() {
        for_own_image(&text)
    } else {
        text
    };
    let text = format!("# yaml-language-server: $schema=./{SCHEMA_FILE}\n{text}");
    let spec_path = dir.join(crate::app::SPEC_FILE);
    let compiled =
        compile_file(parse(&spec_path, text)?).map_err(|err| blame_flags(err, &edits))?;
    let mut chart = locked(compiled.chart, &compiled.file.text);
    chart.insert(crate::app::SPEC_FILE, compiled.file.text);
    let folder = Folder::create(dir)?;
    // Again, now that no other run can write there.
    refuse_non_empty(options)?;
    Ok(Done {
        strangers: strangers(dir, &chart, &Lock::default()),
        unbuilt: Vec::new(),
        written: folder.write(&chart, &[])?,
        warnings: compiled.warnings,
        review: None,
    })
}

fn edits(options: &NewOptions) -> Result<Vec<Edit>, Error> {
    let mut edits = Vec::new();
    if let Some(image) = &options.image {
        let (repository, tag) = split_image(image);
        if tag.is_none() {
            return Err(flag_error(
                "--image",
                format!("{image:?} has no tag: give REPO:TAG ({PINNED})"),
            ));
        }
        edits.push(Edit {
            flag: "--image",
            field: "image.repository",
            value: quote(repository),
        });
        if let Some(tag) = tag {
            edits.push(Edit {
                flag: "--image",
                field: "image.tag",
                value: quote(tag),
            });
        }
    }
    if let Some(port) = options.port {
        edits.push(Edit {
            flag: "--port",
            field: "ports[0].port",
            value: port.to_string(),
        });
    }
    if let Some(replicas) = options.replicas {
        edits.push(Edit {
            flag: "--replicas",
            field: "replicas",
            value: replicas.to_string(),
        });
    }
    if let Some(size) = &options.storage {
        edits.push(Edit {
            flag: "--storage",
            field: "storage[0].size",
            value: quote(size),
        });
    }
    Ok(edits)
}

/// The spec for the user's own image: the preset's demo command (top-level `command:` and
/// `args:`) and the comments on the demo image (those opening the `image:` block) belong to
/// the preset's image, not to the user's. A blank line a removed line leaves after another
/// goes too.
fn for_own_image(text: &str) -> String {
    let mut in_image_comments = false;
    let mut after_blank = false;
    text.split_inclusive('\n')
        .filter(|line| {
            in_image_comments = (in_image_comments || line.trim_end() == "image:")
                && (line.starts_with("image:") || line.trim_start().starts_with('#'));
            let image_comment = in_image_comments && !line.starts_with("image:");
            let demo = image_comment || line.starts_with("command:") || line.starts_with("args:");
            let blank = line.trim().is_empty();
            let keep = !(demo || (blank && after_blank));
            if keep {
                after_blank = blank;
            }
            keep
        })
        .collect()
}

/// `ghcr.io:443/acme/app:1.2` → (`ghcr.io:443/acme/app`, `1.2`): the tag follows the last `:`
/// after the last `/`.
fn split_image(image: &str) -> (&str, Option<&str>) {
    let name_start = image.rfind('/').map_or(0, |i| i + 1);
    match image[name_start..].rfind(':') {
        Some(i) => (&image[..name_start + i], Some(&image[name_start + i + 1..])),
        None => (image, None),
    }
}

/// Replaces each edited field's scalar in the preset text.
fn apply(text: &str, edits: &[Edit], preset: &str) -> Result<String, Error> {
    let mut text = text.to_string();
    for edit in edits {
        let located = positions(&text);
        let Some(pos) = located.exact(edit.field) else {
            let message = format!("the {preset} preset has no `{}` to set", edit.field);
            return Err(flag_error(edit.flag, message));
        };
        text = replace_scalar(&text, pos.line, pos.col, &edit.value);
    }
    Ok(text)
}

/// Replaces the scalar starting at `line`:`col` (1-based, in characters) with `value`.
fn replace_scalar(text: &str, line: usize, col: usize, value: &str) -> String {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let rest = &text[line_start..];
    let start = line_start + rest.char_indices().nth(col - 1).map_or(0, |(i, _)| i);
    let end = start + scalar_len(&text[start..]);
    format!("{}{value}{}", &text[..start], &text[end..])
}

/// The length of the scalar token at the start of `s`: quoted, or plain up to a comment, a
/// flow delimiter or the end of the line.
fn scalar_len(s: &str) -> usize {
    let mut chars = s.char_indices().peekable();
    match chars.next() {
        Some((_, q @ ('"' | '\''))) => {
            while let Some((i, c)) = chars.next() {
                match c {
                    // `\x` escapes in double quotes, `''` in single quotes.
                    '\\' if q == '"' => {
                        chars.next();
                    }
                    '\'' if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                        chars.next();
                    }
                    c if c == q => return i + 1,
                    _ => {}
                }
            }
            s.len()
        }
        _ => {
            let line = s.split('\n').next().unwrap_or_default();
            let end = [" #", ",", "}", "]"]
                .iter()
                .filter_map(|stop| line.find(stop))
                .min()
                .unwrap_or(line.len());
            line[..end].trim_end().len()
        }
    }
}

/// Problems the flags caused are reported against the flags, not the generated spec's lines.
fn blame_flags(err: Error, edits: &[Edit]) -> Error {
    let Error::Spec { problems, .. } = &err else {
        return err;
    };
    let flags: Vec<(String, String)> = problems
        .iter()
        .filter_map(|p| {
            let edit = edits.iter().find(|e| e.field == p.field)?;
            Some((edit.flag.to_string(), p.kind.to_string()))
        })
        .collect();
    if flags.len() == problems.len() {
        Error::Flags { flags }
    } else {
        err
    }
}

fn flag_error(flag: &str, message: String) -> Error {
    Error::Flags {
        flags: vec![(flag.to_string(), message)],
    }
}

fn refuse_non_empty(options: &NewOptions) -> Result<(), Error> {
    let dir = &options.dir;
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if non_empty && !options.force {
        return Err(Error::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_at_the_tag_not_the_registry_port() {
        assert_eq!(split_image("nginx"), ("nginx", None));
        assert_eq!(split_image("nginx:1.27"), ("nginx", Some("1.27")));
        assert_eq!(
            split_image("localhost:5000/app"),
            ("localhost:5000/app", None)
        );
        assert_eq!(
            split_image("localhost:5000/app:2"),
            ("localhost:5000/app", Some("2"))
        );
    }

    #[test]
    fn the_user_s_image_drops_the_demo_image_s_comments_and_command() {
        let preset = "# A demo.\nname: x\nimage:\n  # Replace with yours.\n  # It serves files.\n  \
                      repository: python\n  # the tag\n  tag: \"3\"\n\ncommand: [serve]\nargs: [x]\n\n\
                      hooks:\n  - name: m\n    image:\n      # kept\n      repository: b\n";
        assert_eq!(
            for_own_image(preset),
            "# A demo.\nname: x\nimage:\n  repository: python\n  # the tag\n  tag: \"3\"\n\n\
             hooks:\n  - name: m\n    image:\n      # kept\n      repository: b\n"
        );
    }

    #[test]
    fn scalars_are_replaced_in_place_keeping_comments() {
        let text = "a: 1 # one\nb: {x: \"q\\\"t\", y: 2}\nc: 'it''s'\n";
        assert_eq!(
            replace_scalar(text, 1, 4, "9"),
            "a: 9 # one\nb: {x: \"q\\\"t\", y: 2}\nc: 'it''s'\n"
        );
        assert_eq!(
            replace_scalar(text, 2, 8, "\"z\""),
            "a: 1 # one\nb: {x: \"z\", y: 2}\nc: 'it''s'\n"
        );
        assert_eq!(
            replace_scalar(text, 2, 19, "3"),
            "a: 1 # one\nb: {x: \"q\\\"t\", y: 3}\nc: 'it''s'\n"
        );
        assert_eq!(
            replace_scalar(text, 3, 4, "x"),
            "a: 1 # one\nb: {x: \"q\\\"t\", y: 2}\nc: x\n"
        );
    }
}
