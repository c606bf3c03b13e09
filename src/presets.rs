//! Starting specs embedded in the binary, for `chartgen new`.

use include_dir::{Dir, include_dir};

static PRESETS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/presets");

/// The preset `chartgen new` uses when none is named.
pub const DEFAULT: &str = "web";

/// Stands for the application's name in preset files.
const NAME_PLACEHOLDER: &str = "__NAME__";

/// The text of preset `preset` for an application called `name` (already a DNS label).
pub fn spec_text(preset: &str, name: &str) -> Option<String> {
    let file = PRESETS.get_file(format!("{preset}.yaml"))?;
    let text = file.contents_utf8()?;
    Some(text.replace(NAME_PLACEHOLDER, name))
}

/// A preset's one-line description: its first comment line.
pub fn summary(preset: &str) -> String {
    spec_text(preset, "NAME")
        .and_then(|text| {
            text.lines()
                .next()
                .map(|l| l.trim_start_matches('#').trim().to_string())
        })
        .unwrap_or_default()
}

/// Every preset name, sorted.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = PRESETS
        .files()
        .filter_map(|f| f.path().file_stem()?.to_str())
        .collect();
    names.sort();
    names
}
