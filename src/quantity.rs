//! Kubernetes resource quantities (`10Gi`, `500m`, `1.5`, `2e3`), parsed far enough to check
//! them and compare requests with limits.

/// A quantity's value in base units. f64 is exact enough to compare sizes and CPU amounts.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Quantity(f64);

impl Quantity {
    pub const ZERO: Quantity = Quantity(0.0);

    /// The same amount, however written (`1Gi` and `1024Mi`, `0.1` and `100m`), up to the
    /// rounding of f64.
    pub fn same(self, other: Quantity) -> bool {
        (self.0 - other.0).abs() <= 1e-9 * self.0.abs().max(other.0.abs())
    }
}

const SUFFIXES: [(&str, f64); 15] = [
    ("Ki", 1024.0),
    ("Mi", 1048576.0),
    ("Gi", 1073741824.0),
    ("Ti", 1099511627776.0),
    ("Pi", 1125899906842624.0),
    ("Ei", 1152921504606846976.0),
    ("n", 1e-9),
    ("u", 1e-6),
    ("m", 1e-3),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
];

/// What a resource is counted in: its quantities are checked for a suffix of that unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// CPU: `500m` is half a core.
    Cores,
    /// Memory and storage: `128Mi` is 128 MiB.
    Bytes,
}

impl Unit {
    /// The unit of a resource by its name; None for counts (`nvidia.com/gpu`, `pods`).
    pub fn of(resource: &str) -> Option<Unit> {
        match resource {
            "cpu" => Some(Unit::Cores),
            "memory" | "ephemeral-storage" | "storage" => Some(Unit::Bytes),
            _ if resource.starts_with("hugepages-") => Some(Unit::Bytes),
            _ => None,
        }
    }
}

/// Parses a quantity. The error is a hint to append to a message: empty, or a suggestion
/// such as ` (did you mean "10Gi"?)`, in bytes unless `unit` says otherwise.
pub fn parse(text: &str) -> Result<Quantity, String> {
    parse_as(text, Unit::Bytes)
}

/// Parses a quantity of `unit`, whose hint suits it: `100mi` of CPU suggests `100m`.
pub fn parse_as(text: &str, unit: Unit) -> Result<Quantity, String> {
    let (number, suffix) = split(text);
    let value: f64 = number
        .parse()
        .ok()
        .filter(|_| number.chars().any(|c| c.is_ascii_digit()) && !number.ends_with('.'))
        .ok_or_else(|| hint(number, suffix, unit))?;
    let scale = match suffix {
        "" => 1.0,
        _ => match SUFFIXES.iter().find(|(s, _)| *s == suffix) {
            Some((_, scale)) => *scale,
            None => exponent(suffix).ok_or_else(|| hint(number, suffix, unit))?,
        },
    };
    Ok(Quantity(value * scale))
}

/// A valid quantity most likely written in the wrong unit: `128m` of memory is 0.128 bytes
/// (`m` is milli), `100Mi` of CPU is 104857600 cores. Says what it is and what was meant.
pub fn doubt(text: &str, unit: Unit) -> Option<String> {
    let (number, suffix) = split(text);
    let Quantity(value) = parse_as(text, unit).ok()?;
    let multiple = SUFFIXES
        .iter()
        .any(|(s, scale)| *s == suffix && *scale >= 1e3);
    match unit {
        Unit::Bytes if suffix == "m" => Some(format!(
            "{text:?} is {value} bytes ('m' is milli); did you mean \"{number}Mi\"?"
        )),
        Unit::Cores if multiple => Some(format!(
            "{text:?} is {value} CPU cores; did you mean \"{number}m\" (millicores)?"
        )),
        _ => None,
    }
}

/// The number and the suffix of a quantity's text.
fn split(text: &str) -> (&str, &str) {
    let at = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    text.split_at(at)
}

fn exponent(suffix: &str) -> Option<f64> {
    let digits = suffix.strip_prefix(['e', 'E'])?;
    let power: i32 = digits.parse().ok()?;
    Some(10f64.powi(power))
}

/// Suggests the suffix people usually mean: the binary one when they write `10Gb`, `10GB`
/// or `10gib` of bytes, millicores when they write `100mi` of CPU.
fn hint(number: &str, suffix: &str, unit: Unit) -> String {
    let lower = suffix.to_ascii_lowercase();
    let letter = lower.trim_end_matches('b').trim_end_matches('i');
    match (unit, letter) {
        _ if number.is_empty() => String::new(),
        (Unit::Cores, "m") => format!(" (did you mean \"{number}m\"?)"),
        (Unit::Cores, _) => String::new(),
        (Unit::Bytes, "k" | "m" | "g" | "t" | "p" | "e") => {
            let letter = if letter == "k" {
                "K".into()
            } else {
                letter.to_ascii_uppercase()
            };
            format!(" (did you mean \"{number}{letter}i\"?)")
        }
        (Unit::Bytes, _) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_binary_decimal_and_exponent_forms() {
        assert_eq!(parse("1Gi"), Ok(Quantity(1073741824.0)));
        assert_eq!(parse("500m"), Ok(Quantity(0.5)));
        assert_eq!(parse("1.5"), Ok(Quantity(1.5)));
        assert_eq!(parse("2e3"), Ok(Quantity(2000.0)));
        assert!(parse("512Mi").unwrap() < parse("1Gi").unwrap());
    }

    #[test]
    fn suggests_the_binary_suffix() {
        assert_eq!(parse("10Gb"), Err(" (did you mean \"10Gi\"?)".into()));
        assert_eq!(parse("10GB"), Err(" (did you mean \"10Gi\"?)".into()));
        assert_eq!(parse("5kb"), Err(" (did you mean \"5Ki\"?)".into()));
        assert_eq!(parse("lots"), Err(String::new()));
        assert_eq!(parse(""), Err(String::new()));
        assert_eq!(parse("1."), Err(String::new()));
    }

    #[test]
    fn cpu_suggests_millicores() {
        assert_eq!(
            parse_as("100mi", Unit::Cores),
            Err(" (did you mean \"100m\"?)".into())
        );
        assert_eq!(
            parse_as("100mi", Unit::Bytes),
            Err(" (did you mean \"100Mi\"?)".into())
        );
        assert_eq!(parse_as("2gb", Unit::Cores), Err(String::new()));
    }

    #[test]
    fn doubts_a_unit_that_is_most_likely_not_meant() {
        assert_eq!(
            doubt("128m", Unit::Bytes).as_deref(),
            Some("\"128m\" is 0.128 bytes ('m' is milli); did you mean \"128Mi\"?")
        );
        assert_eq!(
            doubt("100Mi", Unit::Cores).as_deref(),
            Some("\"100Mi\" is 104857600 CPU cores; did you mean \"100m\" (millicores)?")
        );
        assert_eq!(doubt("2k", Unit::Cores).map(|_| ()), Some(()));
        for fine in ["100m", "1.5", "2"] {
            assert_eq!(doubt(fine, Unit::Cores), None, "{fine}");
        }
        for fine in ["128Mi", "1G", "1e9"] {
            assert_eq!(doubt(fine, Unit::Bytes), None, "{fine}");
        }
    }
}
