//! Reading a spec file: bytes → text → typed `Spec`.
//!
//! serde_yaml is deprecated upstream; this is the only place that parses a spec with it, so a
//! maintained fork can replace it here without touching anything else.

use std::path::{Path, PathBuf};

use crate::error::{Error, Problem};
use crate::input;
use crate::locate::Pos;
use crate::problem::Kind;
use crate::shape;
use crate::spec::Spec;
use crate::validate;
use crate::yaml11;

/// Specs are hand-written and small; anything larger is refused before parsing.
pub const MAX_SPEC_BYTES: u64 = 1024 * 1024;

/// A parsed spec together with the text it came from.
#[derive(Debug)]
pub struct SpecFile {
    pub path: PathBuf,
    pub text: String,
    pub spec: Spec,
}

pub fn load(path: &Path) -> Result<SpecFile, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NoSpec {
            path: path.to_path_buf(),
        },
        _ => read_error(e),
    })?;
    if meta.is_dir() {
        return Err(read_error(std::io::Error::other("it is a directory")));
    }
    // A FIFO or a device would block or never end.
    if !meta.is_file() {
        return Err(read_error(std::io::Error::other(
            "it is not a regular file",
        )));
    }
    let file = std::fs::File::open(path).map_err(read_error)?;
    let text = input::text(file, MAX_SPEC_BYTES).map_err(read_error)?;
    parse(path, text)
}

/// No spec needs more; the YAML parser's time grows with the square of the depth.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Parses spec text; `path` is only used to name the file in errors.
pub fn parse(path: &Path, text: String) -> Result<SpecFile, Error> {
    if let Some(pos) = too_deep(&text) {
        let problem = Problem {
            field: String::new(),
            kind: Kind::TooDeep {
                max: MAX_FLOW_DEPTH,
            },
            pos: Some(pos),
        };
        return Err(Error::spec(path, &text, vec![problem]));
    }
    // serde keeps the last of two equal keys in a nested map (env, annotations) without a word.
    let repeated: Vec<Problem> = yaml11::repeated_keys(&text)
        .into_iter()
        .map(|pos| Problem {
            field: String::new(),
            kind: Kind::RepeatedKey,
            pos: Some(pos),
        })
        .collect();
    if !repeated.is_empty() {
        return Err(Error::spec(path, &text, repeated));
    }
    match serde_yaml::from_str::<Spec>(&text) {
        Ok(spec) => Ok(SpecFile {
            path: path.to_path_buf(),
            text,
            spec,
        }),
        Err(err) => Err(misshapen(path, text, &err)),
    }
}

/// The error for a spec serde refuses: every problem of its shape, then the problems of its
/// values, checked on the spec with its shape repaired (those at or under a repaired field, or
/// of a mapping that held an unknown field, are moot and left out).
fn misshapen(path: &Path, text: String, err: &serde_yaml::Error) -> Error {
    let shape = shape_problems(&text);
    if shape.is_empty() {
        return Error::spec(path, &text, vec![serde_problem(err)]);
    }
    let moot: Vec<&str> = shape
        .iter()
        .filter_map(|p| p.fix.as_ref().map(|f| f.field.as_str()))
        .collect();
    // A mapping that lost an unknown field may now lack what that field was meant to be.
    let misspelt: Vec<&str> = shape
        .iter()
        .filter(|p| matches!(p.shape, shape::Shape::Unknown { .. }))
        .map(|p| p.field.as_str())
        .collect();
    let mut problems: Vec<Problem> = shape.iter().map(problem).collect();
    let Some(file) = repaired(path, &text, &shape) else {
        return Error::spec(path, &text, problems);
    };
    let values = validate::value_problems(&file)
        .into_iter()
        .filter(|p| !moot.iter().any(|m| within(&p.field, m)))
        .filter(|p| !misspelt.contains(&p.field.as_str()));
    problems.extend(values);
    problems.sort_by_key(|p| p.pos.map(|pos| (pos.line, pos.col)));
    Error::spec(path, &validate::quotable_text(&file), problems)
}

/// The spec as it would be with its shape problems fixed; the text stays the user's, for
/// positions.
fn repaired(path: &Path, text: &str, shape: &[shape::Located]) -> Option<SpecFile> {
    let mut document = serde_yaml::from_str(text).ok()?;
    shape::repair(&mut document, shape);
    let spec = serde_yaml::from_str(&serde_yaml::to_string(&document).ok()?).ok()?;
    Some(SpecFile {
        path: path.to_path_buf(),
        text: text.to_string(),
        spec,
    })
}

/// Whether `field` is `parent` or lies under it.
fn within(field: &str, parent: &str) -> bool {
    field
        .strip_prefix(parent)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

fn problem(located: &shape::Located) -> Problem {
    Problem {
        field: located.field.clone(),
        kind: Kind::Shape(located.shape.clone()),
        pos: located.pos,
    }
}

/// Where flow collections (`[`, `{`) first nest deeper than the limit, outside quoted strings
/// and comments. A quote opens a string only where a scalar starts (after `: `, `- `, `[`, `{`,
/// `,` or at a line's start), so `name: it's` does not hide the brackets after it.
fn too_deep(text: &str) -> Option<Pos> {
    let (mut depth, mut line, mut col) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut scalar_start = true;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        if c == '\n' {
            (line, col, scalar_start) = (line + 1, 0, true);
            previous = c;
            continue;
        }
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
                col += 1;
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if scalar_start => quote = Some(c),
            (None, '#') if previous.is_whitespace() => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(Pos { line, col });
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        if !c.is_whitespace() {
            scalar_start = matches!(c, ':' | '-' | '[' | '{' | ',' | '?');
        }
        previous = c;
    }
    None
}

/// Every unknown field, missing field and wrongly typed value at once; serde names only the
/// first, in Rust's words.
fn shape_problems(text: &str) -> Vec<shape::Located> {
    match serde_json::from_str(crate::spec::schema_json()) {
        Ok(schema) => shape::problems(text, &schema),
        Err(_) => Vec::new(),
    }
}

/// What serde says when the shape walk finds nothing (a syntax error, or a rule the schema
/// cannot express).
fn serde_problem(err: &serde_yaml::Error) -> Problem {
    let full = err.to_string();
    // serde_yaml appends " at line L column C"; the position is reported separately.
    let message = match full.rfind(" at line ") {
        Some(cut) if err.location().is_some() => &full[..cut],
        _ => full.as_str(),
    };
    let (field, message) = split_field(message);
    Problem {
        field: field.to_string(),
        kind: Kind::Parser(message.to_string()),
        pos: err.location().map(|l| Pos {
            line: l.line(),
            col: l.column(),
        }),
    }
}

/// serde_yaml prefixes nested errors with the field path: `storage[0]: missing field ...`.
fn split_field(message: &str) -> (&str, &str) {
    match message.split_once(": ") {
        Some((field, rest)) if !field.contains(' ') => (field, rest),
        _ => ("", message),
    }
}

/// The candidate a mistyped word most likely meant, if one is close enough.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Problem> {
        match parse(Path::new("chartgen.yaml"), text.to_string()) {
            Err(Error::Spec { problems, .. }) => problems,
            other => panic!("expected a spec error, got {other:?}"),
        }
    }

    const BASE: &str = "name: demo\nimage:\n  repository: nginx\n  tag: \"1\"\nport: 80\n";

    fn messages(text: &str) -> Vec<String> {
        problems(&format!("{BASE}{text}"))
            .iter()
            .map(|p| format!("{}: {}", p.field, p.kind))
            .collect()
    }

    #[test]
    fn unknown_fields_suggest_the_nearest_known_one() {
        let p = problems(&format!("{BASE}replcas: 3\n"));
        assert_eq!(
            p[0].kind.to_string(),
            "unknown field `replcas` (did you mean `replicas`?)"
        );
        assert_eq!(p[0].pos, Some(Pos { line: 6, col: 1 }));
    }

    #[test]
    fn the_values_of_a_misshapen_spec_are_checked_but_not_its_repairs() {
        assert_eq!(
            messages("replicas: -1\nstorage:\n  - name: Data\n"),
            [
                "replicas: must be 0 or more",
                "storage[0]: missing field `size`",
                "storage[0]: missing field `mountPath`",
                "storage[0].name: \"Data\" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
            ]
        );
    }

    #[test]
    fn a_field_lies_within_itself_and_its_children_only() {
        assert!(within("storage[0]", "storage[0]"));
        assert!(within("storage[0].size", "storage[0]"));
        assert!(within("storage[0][1]", "storage[0]"));
        assert!(!within("storage[01]", "storage[0"));
        assert!(!within("ports", "port"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!("a: {}", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert_eq!(too_deep(&deep), Some(Pos { line: 1, col: 68 }));
        let quoted = format!(
            "a: \"{}\" # {}\nb: '{}'\n",
            "[".repeat(99),
            "{".repeat(99),
            "[".repeat(99)
        );
        assert_eq!(too_deep(&quoted), None);
        let apostrophe = format!("name: it's\nb: {}", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert_eq!(too_deep(&apostrophe), Some(Pos { line: 2, col: 68 }));
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
