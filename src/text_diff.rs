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

/// The sections of the file at `path` whose values are secret, decided once for both sides
/// of a change (`texts`), so that a side is never masked where the other is shown: a values
/// file's `secrets:` (values.yaml, ci/prod-values.yaml, values-production.yaml...), a Secret's
/// `data:`/`stringData:`.
pub fn secret_sections(path: &str, texts: &[&str]) -> &'static [&'static str] {
    let name = path.rsplit('/').next().unwrap_or(path);
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    if yaml && name.contains("values") {
        &["secrets"]
    } else if path.ends_with("secret.yaml")
        || path.ends_with("secrets.yaml")
        || texts
            .iter()
            .any(|t| documents(&yaml_lines(t)).into_iter().any(may_be_secret))
    {
        &["data", "stringData"]
    } else {
        &[]
    }
}

/// `text` with every value of its secret `sections` (see `secret_sections`) replaced by
/// `(hidden)`: chartgen writes no secret values, but a person may (a hand edit, a hand-written
/// chart compared with --against). Keys and template actions without literal text stay; any
/// other line that may belong to a value is hidden. Lines stay lines, one for one, endings
/// kept, so the diff's line numbers and counts are the file's. A text that breaks lines
/// where YAML does and this reading does not (a lone CR, NEL, U+2028/2029) is hidden whole.
pub fn mask_secret_data(sections: &[&str], text: &str) -> String {
    if sections.is_empty() {
        return text.to_string();
    }
    if has_other_line_breaks(text) {
        return hidden(text);
    }
    if sections == ["secrets"] {
        return mask_lines(sections, text);
    }
    // A Secret's sections are masked in the documents that are or may be Secrets only: a
    // ConfigMap beside one keeps its `data:` in sight.
    documents(text)
        .into_iter()
        .map(|document| {
            if !may_be_secret(document) {
                document.to_string()
            } else if is_flow(document) {
                hidden(document)
            } else {
                mask_lines(sections, document)
            }
        })
        .collect()
}

/// Every line of `text` hidden, endings kept.
fn hidden(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let ending = &line[line.trim_end_matches(['\n', '\r']).len()..];
            format!("(hidden){ending}")
        })
        .collect()
}

/// Whether a document is written as a flow object (JSON), whose keys need not start lines.
fn is_flow(document: &str) -> bool {
    document.lines().any(|line| flow_start(line.trim_start()))
}

/// A line that opens a flow mapping, not a template action.
fn flow_start(content: &str) -> bool {
    content.starts_with('{') && !content.starts_with("{{")
}

/// The YAML documents of `text`, each with the `---` line that starts it.
fn documents(text: &str) -> Vec<&str> {
    let mut documents = Vec::new();
    let (mut start, mut at) = (0, 0);
    for line in text.split_inclusive('\n') {
        let separator = line
            .strip_prefix("---")
            .is_some_and(|rest| rest.trim().is_empty() || rest.starts_with([' ', '\t']));
        if separator && at > 0 {
            documents.push(&text[start..at]);
            start = at;
        }
        at += line.len();
    }
    documents.push(&text[start..]);
    documents
}

/// Whether a document is or may be a Secret: a `kind:` that is not plainly another kind's
/// one word (Secret, a template, an alias, an escape, the value on the next line), or a kind
/// this reading cannot see (an explicit `? ` key, a flow object naming a kind).
fn may_be_secret(document: &str) -> bool {
    let plain_other = |kind: &str| {
        !kind.is_empty()
            && kind.chars().all(|c| c.is_ascii_alphanumeric())
            && !kind.contains("Secret")
    };
    let kinds: Vec<&str> = document
        .lines()
        .filter_map(|line| key(line.trim_start()))
        .filter(|(_, k, _)| *k == "kind")
        .map(|(_, _, value)| value.trim().trim_matches(['"', '\'']))
        .collect();
    let unseen = document
        .lines()
        .any(|line| line.trim_start().starts_with('?'))
        || (is_flow(document) && document.contains("kind"));
    unseen || !kinds.iter().all(|kind| plain_other(kind))
}

/// `text`'s lines with the values of its `sections` hidden (see `mask_secret_data`).
fn mask_lines(sections: &[&str], text: &str) -> String {
    let mut section: Option<Section> = None;
    let mut open = Open::default();
    let mut out = String::with_capacity(text.len());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // The comments from here to the line they come before, and whether that line ends the
    // section: known once for a run of comments.
    let mut comments: Option<(usize, bool)> = None;
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let content = body.trim_start();
        let indent = &body[..body.len() - content.len()];
        if open.is_open() {
            // Inside a quoted scalar or flow collection begun above: whatever its indent.
            open = open.after(body);
            let _ = write!(out, "{indent}(hidden)");
        } else if content.is_empty() {
            out.push_str(body);
        } else if let Some(s) = section
            .as_mut()
            .filter(|s| !s.ended_by(indent.len(), content))
        {
            let comment = content.starts_with('#');
            if comment && indent.len() <= s.column && comments.is_none_or(|(end, _)| end <= i) {
                let end = lines[i..]
                    .iter()
                    .position(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
                    .map_or(lines.len(), |n| i + n);
                let ends = lines.get(end).is_some_and(|l| {
                    let content = l.trim_start();
                    s.ended_by(l.len() - content.len(), content.trim_end())
                });
                comments = Some((end, ends));
            }
            if kept_template(content) {
                out.push_str(body);
            } else if comment && indent.len() <= s.column && comments.is_some_and(|(_, ends)| ends)
            {
                // Written above the key that ends the section, at its indent: that key's.
                out.push_str(body);
            } else {
                // A comment keeps its key (`# KEY: old value`), never its text.
                let (shown, value) = match content.split_once(':') {
                    Some((key, value)) if comment || s.is_key_line(indent.len()) => {
                        (format!("{key}: (hidden)"), value)
                    }
                    _ => ("(hidden)".to_string(), content),
                };
                if !comment {
                    open = Open::default().after(value);
                }
                let _ = write!(out, "{indent}{shown}");
            }
        } else {
            section = None;
            match section_key(content, sections) {
                Some((column, _, value)) => {
                    let inline = value.trim();
                    section = Some(Section::new(indent.len() + column, inline));
                    if inline.is_empty() || inline.starts_with('#') {
                        out.push_str(body);
                    } else {
                        // A value on the section's own line: `secrets: {TOKEN: x}`, `data: |`.
                        open = Open::default().after(value);
                        let head = &body[..body.len() - value.len()];
                        let _ = write!(out, "{head} (hidden)");
                    }
                }
                // A manifest written as one flow object (JSON): hidden whole if it may hold one.
                None if content.starts_with('{')
                    && sections.iter().any(|s| content.contains(s)) =>
                {
                    open = Open::default().after(content);
                    let _ = write!(out, "{indent}(hidden)");
                }
                None => out.push_str(body),
            }
        }
        out.push_str(ending);
    }
    out
}

/// `text` with every line break YAML reads written as `\n`.
fn yaml_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !has_other_line_breaks(text) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            c => out.push(c),
        }
    }
    out.into()
}

/// Whether YAML would break a line of `text` where `split_inclusive('\n')` does not.
fn has_other_line_breaks(text: &str) -> bool {
    let lone_cr = text
        .char_indices()
        .any(|(i, c)| c == '\r' && !text[i + 1..].starts_with('\n'));
    lone_cr || text.contains(['\u{85}', '\u{2028}', '\u{2029}'])
}

/// The key a line of a block mapping opens, unquoted, with its column in the line (after any
/// `- ` of a sequence entry) and the text after its colon: `data` for `data:`, `"data": x`,
/// `- data: x`. None for a comment, a template action, a scalar.
fn key(content: &str) -> Option<(usize, &str, &str)> {
    let mut entry = content;
    while let Some(rest) = entry.strip_prefix("- ") {
        entry = rest.trim_start();
    }
    let column = content.len() - entry.len();
    let (key, rest) = match entry.chars().next()? {
        q @ ('"' | '\'') => {
            let end = entry[1..].find(q)? + 1;
            (&entry[1..end], &entry[end + 1..])
        }
        c if "#{}[]&*!|>%@`,?:".contains(c) => return None,
        _ => {
            let end = entry
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| entry[i + 1..].is_empty() || entry[i + 1..].starts_with([' ', '\t']))?;
            let key = entry[..end].trim_end();
            if key.contains(" #") {
                // `text #comment: x` is text and a comment.
                return None;
            }
            (key, &entry[end..])
        }
    };
    let value = rest.trim_start_matches([' ', '\t']).strip_prefix(':')?;
    (value.is_empty() || value.starts_with([' ', '\t'])).then_some((column, key, value))
}

/// The key of a line that opens, or may open, one of `sections`, with its column and the
/// text after its colon: the section's name, or a key this reading cannot spell out (one
/// written by a template action, a quoted key with escapes, an explicit `? ` key).
fn section_key<'a>(content: &'a str, sections: &[&str]) -> Option<(usize, &'a str, &'a str)> {
    if let Some((column, k, value)) = key(content) {
        return (sections.contains(&k) || k.contains('\\')).then_some((column, k, value));
    }
    if let Some(rest) = content.strip_prefix('?') {
        return Some((
            0,
            "?",
            rest.trim_start().split_once(':').map_or("", |(_, v)| v),
        ));
    }
    let action = content.strip_prefix("{{")?;
    let (_, value) = action.split_once("}}:")?;
    Some((0, "{{", value))
}

/// A template action alone on its line that holds no literal (a string, a number, a
/// comment): `{{- if .Values.x }}`, `{{- end }}`. It shows a diff's structure, and cannot be a
/// value.
fn kept_template(content: &str) -> bool {
    // A digit that starts a word is a number; in a name (`.Values.s3`), it follows a letter.
    let number = content.char_indices().any(|(i, c)| {
        c.is_ascii_digit()
            && !content[..i].ends_with(|p: char| p.is_alphanumeric() || "._$".contains(p))
    });
    content.starts_with("{{")
        && content.find("}}") == Some(content.len() - 2)
        && !content.contains(['"', '\'', '`'])
        && !content.contains("/*")
        && !number
}

/// A `data:`/`stringData:`/`secrets:` section: where its key stands, where its own keys do.
struct Section {
    column: usize,
    /// The indent of its keys, from its first line that is neither a comment nor a template;
    /// None while unseen; Some(usize::MAX) when its value is on its own line (it has no keys).
    keys: Option<usize>,
}

impl Section {
    fn new(column: usize, inline: &str) -> Self {
        let keys = (!inline.is_empty() && !inline.starts_with('#')).then_some(usize::MAX);
        Section { column, keys }
    }

    /// A line at no more than the section's own indent ends it only when it opens a key (the
    /// next one of the mapping holding the section), ends a sequence entry holding it, or
    /// ends the document: comments, template actions and stray text do not.
    fn ended_by(&self, indent: usize, content: &str) -> bool {
        // A list may start at its key's own column (`secrets:` then `- name: A`).
        let entry_of_this = indent == self.column && content.starts_with('-');
        indent <= self.column
            && ((key(content).is_some() && !entry_of_this)
                || (indent < self.column && (content.starts_with("- ") || content == "-"))
                || ["---", "..."].contains(&content)
                || content.starts_with("--- "))
    }

    /// Whether a line at `indent` is one of the section's keys (a deeper one continues a value).
    fn is_key_line(&mut self, indent: usize) -> bool {
        let keys = *self.keys.get_or_insert(indent);
        indent == keys
    }
}

/// Where a YAML value left open at the end of a line stands: inside a quoted scalar or a flow
/// collection, both of which go on over the next lines, at any indent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Open {
    depth: usize,
    quote: Option<char>,
}

impl Open {
    fn is_open(self) -> bool {
        self.depth > 0 || self.quote.is_some()
    }

    /// The state after `text`. A quote or a bracket opens something where a value may begin:
    /// at the start, after a space, a `,` or an opening bracket. Doubtful text is taken as
    /// opening, since a value left open hides the lines after it, never shows them.
    fn after(mut self, text: &str) -> Open {
        let mut at_start = true;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match self.quote {
                Some('"') => match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => self.quote = None,
                    _ => {}
                },
                Some(_) => {
                    if c == '\'' && chars.next_if_eq(&'\'').is_none() {
                        self.quote = None;
                    }
                }
                None => {
                    match c {
                        '#' if at_start => break,
                        '"' | '\'' if at_start => self.quote = Some(c),
                        '[' | '{' if at_start || self.depth > 0 => self.depth += 1,
                        ']' | '}' if self.depth > 0 => self.depth -= 1,
                        _ => {}
                    }
                    at_start = c.is_whitespace() || (self.depth > 0 && "[{,".contains(c));
                    continue;
                }
            }
            at_start = false;
        }
        self
    }
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

    /// `text` masked as the file at `path`, on its own.
    fn masked(path: &str, text: &str) -> String {
        mask_secret_data(secret_sections(path, &[text]), text)
    }

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
            masked("values.yaml", values),
            "replicaCount: 1\nsecrets:\n  A: (hidden)\n\n  B: (hidden)\n    (hidden)\n  # c: (hidden)\nimage: {}\n"
        );
        assert_eq!(
            masked("values.yaml", "secrets: {A: x}\nsecrets: # none\n"),
            "secrets: (hidden)\nsecrets: # none\n"
        );
        let secret = "kind: Secret\ndata:\n  {{- range .x }}\n  k: djE=\n";
        assert_eq!(
            masked("templates/s.yaml", secret),
            "kind: Secret\ndata:\n  {{- range .x }}\n  k: (hidden)\n"
        );
        assert_eq!(masked("Chart.yaml", "data: x\n"), "data: x\n");
    }

    /// Ways of writing a Secret that YAML reads as one, each with the value `SECRET`.
    #[test]
    fn a_secret_written_any_way_yaml_reads_it_is_hidden() {
        let secrets = [
            ("templates/a.yaml", "kind: Secret\rdata:\r  a: SECRET\r"),
            (
                "templates/a.yaml",
                "kind: Secret\u{85}data:\u{85}  a: SECRET\n",
            ),
            ("templates/a.yaml", "kind:\n  Secret\ndata:\n  a: SECRET\n"),
            ("templates/a.yaml", "kind: *k\ndata:\n  a: SECRET\n"),
            ("templates/a.yaml", "? kind\n: Secret\ndata:\n  a: SECRET\n"),
            (
                "templates/a.yaml",
                "kind: Secret\n{{ \"data\" }}:\n  a: SECRET\n",
            ),
            (
                "templates/a.yaml",
                "kind: Secret\n\"d\\x61ta\":\n  a: SECRET\n",
            ),
            (
                "templates/a.yaml",
                "kind: Secret\n? stringData\n: {a: SECRET}\n",
            ),
            (
                "templates/a.yaml",
                "kind: Secret\ndata:\n  a: {{ 42 | b64enc }}SECRET\n",
            ),
            (
                "templates/a.yaml",
                "kind: Secret\ndata:\n  {{ 90210 | b64enc }}\n",
            ),
            (
                "templates/a.json",
                "{\n  \"kind\": \"Secret\", \"data\": {\n    \"a\": \"SECRET\"\n  }\n}\n",
            ),
            ("ci/prod-values.yaml", "secrets:\n  A: SECRET\n"),
            (
                "values.yaml",
                "secrets:\n- name: A\n  value: SECRET\nimage: {}\n",
            ),
        ];
        for (path, text) in secrets {
            let shown = masked(path, text);
            assert!(
                !shown.contains("SECRET") && !shown.contains("90210"),
                "{path}: {text:?} -> {shown:?}"
            );
            assert_eq!(
                shown.lines().count(),
                text.lines().count(),
                "{text:?} -> {shown:?}"
            );
        }
        // Beside a Secret, a ConfigMap's data stays in sight.
        let both = "kind: ConfigMap\ndata:\n  a: shown\n---\nkind: Secret\ndata:\n  b: SECRET\n";
        assert_eq!(
            masked("templates/a.yaml", both),
            "kind: ConfigMap\ndata:\n  a: shown\n---\nkind: Secret\ndata:\n  b: (hidden)\n"
        );
    }

    #[test]
    fn a_section_ends_at_the_next_key_only() {
        // Column-0 template actions and comments are inside the section: its values after
        // them stay hidden.
        let secret = "kind: Secret\ndata:\n{{- if .Values.on }}\n  a: djE=\n{{- end }}\n# b: old\n  c: djI=\ntype: Opaque\n";
        assert_eq!(
            masked("templates/s.yaml", secret),
            "kind: Secret\ndata:\n{{- if .Values.on }}\n  a: (hidden)\n{{- end }}\n# b: (hidden)\n  c: (hidden)\ntype: Opaque\n"
        );
        // A comment is the section's unless it stands above the key that ends it.
        let values =
            "secrets:\n# set by ops\n  KEY: \"v\"\n\n# a: b\n  # c\n\n# The image.\nimage: {}\n";
        assert_eq!(
            masked("values.yaml", values),
            "secrets:\n(hidden)\n  KEY: (hidden)\n\n# a: b\n  (hidden)\n\n# The image.\nimage: {}\n"
        );
        // A template action with literal text may be a value; one without shows structure.
        let literal = "kind: Secret\nstringData:\n  {{- $p := \"pw\" }}\n  {{ $k }}: {{ $v }}\n";
        assert_eq!(
            masked("templates/s.yaml", literal),
            "kind: Secret\nstringData:\n  {{- $p : (hidden)\n  {{ $k }}: (hidden)\n"
        );
    }

    #[test]
    fn a_secret_is_known_by_its_kind_however_written() {
        for kind in [
            "kind: \"Secret\"",
            "kind: 'Secret'",
            "\"kind\": Secret # x",
            "kind: {{ .Values.kind }}",
        ] {
            let text = format!("{kind}\ndata:\n  a: x\n");
            let masked = masked("templates/a.yaml", &text);
            assert!(masked.ends_with("data:\n  a: (hidden)\n"), "{masked}");
        }
        let list = "kind: List\nitems:\n- kind: Secret\n  data:\n    a: x\n- kind: ConfigMap\n";
        assert_eq!(
            masked("templates/a.yaml", list),
            "kind: List\nitems:\n- kind: Secret\n  data:\n    a: (hidden)\n- kind: ConfigMap\n"
        );
        // JSON, pretty or on one line, is YAML too.
        let pretty = "{\n  \"kind\": \"Secret\",\n  \"data\": {\n    \"a\": \"x\"\n  }\n}\n";
        assert_eq!(masked("templates/a.json", pretty), "(hidden)\n".repeat(6));
        let line = "{\"kind\": \"Secret\", \"data\": {\"a\": \"x\",\n\"b\": \"y\"}}\n";
        assert_eq!(masked("templates/a.yaml", line), "(hidden)\n(hidden)\n");
        let config = "kind: ConfigMap\ndata:\n  a: x\n";
        assert_eq!(masked("templates/a.yaml", config), config);
    }

    #[test]
    fn a_value_left_open_hides_the_lines_it_goes_on_over() {
        // YAML reads each as one value: the second line is not a key.
        for open in ["\"abc", "'it''s", "[abc,", "{", "{a: \"}\","] {
            let text = format!("secrets:\n  A: {open}\nB: x\n  C: y\"]}}'\nimage: {{}}\n");
            let masked = masked("values.yaml", &text);
            assert!(
                masked.starts_with("secrets:\n  A: (hidden)\n(hidden)\n"),
                "{open}: {masked}"
            );
        }
        let flow = "secrets: {A: x,\nB: y}\nimage: {}\n";
        assert_eq!(
            masked("values.yaml", flow),
            "secrets: (hidden)\n(hidden)\nimage: {}\n"
        );
        // A value on the section's line has no keys below it: each line is a value's.
        assert_eq!(
            masked("values.yaml", "secrets: |\n  A: x\n"),
            "secrets: (hidden)\n  (hidden)\n"
        );
    }

    #[test]
    fn masking_keeps_every_line_and_its_ending() {
        assert_eq!(
            masked("values.yaml", "secrets:\r\n  A: x\r\n  B: y"),
            "secrets:\r\n  A: (hidden)\r\n  B: (hidden)"
        );
    }

    /// Lines a section may hold, that YAML reads as inside it, each with the secret `S3CR3T`
    /// or none, in any order: a value (quoted, flow, block, left open), a comment, a
    /// template action, at any indent.
    const INSIDE: &[&str] = &[
        "  K: S3CR3T",
        "  K: \"S3CR3T\nS3CR3T: x\"",
        "  K: [S3CR3T,\nS3CR3T: x]",
        "  K: {a: 'S3CR3T''\nS3CR3T: x'}",
        "  K: |\n    S3CR3T: x",
        "  # K: S3CR3T",
        "# note",
        "{{- if .Values.on }}",
        "{{ \"S3CR3T\" }}",
        "  - S3CR3T",
        "- S3CR3T",
        "",
    ];

    proptest::proptest! {
        #[test]
        fn no_secret_shows_and_every_line_stays(
            lines in proptest::collection::vec(proptest::sample::select(INSIDE), 0..12),
            crlf in proptest::bool::ANY,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let text: String = std::iter::once("secrets:")
                .chain(lines)
                .chain(["image: S3CR3T-not"])
                .map(|l| format!("{}{end}", l.replace('\n', end)))
                .collect();
            let masked = masked("values.yaml", &text);
            proptest::prop_assert!(!masked.replace("S3CR3T-not", "").contains("S3CR3T"), "{}", masked);
            // The next key ends the section: hiding is not by hiding everything.
            let next = format!("\nimage: S3CR3T-not{end}");
            proptest::prop_assert!(masked.ends_with(&next), "{}", masked);
            let endings = |t: &str| t.split_inclusive('\n').map(|l| l.ends_with("\r\n")).collect::<Vec<_>>();
            proptest::prop_assert_eq!(endings(&masked), endings(&text));
        }
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
