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

/// Text that is no quantity, and the quantity people usually mean by it, if one is likely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAQuantity {
    pub meant: Option<String>,
}

/// Parses a quantity; what a text that is none meant is guessed in bytes.
pub fn parse(text: &str) -> Result<Quantity, NotAQuantity> {
    parse_as(text, Unit::Bytes)
}

/// Parses a quantity of `unit`, whose guess suits it: `100mi` of CPU meant `100m`.
pub fn parse_as(text: &str, unit: Unit) -> Result<Quantity, NotAQuantity> {
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
/// (`m` is milli), `100Mi` of CPU is 104857600 cores.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    /// What the text is, in the unit's base (bytes, cores).
    pub value: f64,
    /// The quantity most likely meant.
    pub meant: String,
}

/// The doubt about `text` as a quantity of `unit`, if it is likely in another unit.
pub fn doubt(text: &str, unit: Unit) -> Option<Doubt> {
    let (number, suffix) = split(text);
    let Quantity(value) = parse_as(text, unit).ok()?;
    let multiple = SUFFIXES
        .iter()
        .any(|(s, scale)| *s == suffix && *scale >= 1e3);
    let meant = match unit {
        Unit::Bytes if suffix == "m" => format!("{number}Mi"),
        Unit::Cores if multiple => format!("{number}m"),
        _ => return None,
    };
    Some(Doubt { value, meant })
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

/// Guesses the suffix people usually mean: the binary one when they write `10Gb`, `10GB`
/// or `10gib` of bytes, millicores when they write `100mi` of CPU.
fn hint(number: &str, suffix: &str, unit: Unit) -> NotAQuantity {
    let lower = suffix.to_ascii_lowercase();
    let letter = lower.trim_end_matches('b').trim_end_matches('i');
    let meant = match (unit, letter) {
        _ if number.is_empty() => None,
        (Unit::Cores, "m") => Some(format!("{number}m")),
        (Unit::Cores, _) => None,
        (Unit::Bytes, "k" | "m" | "g" | "t" | "p" | "e") => {
            let letter = if letter == "k" {
                "K".into()
            } else {
                letter.to_ascii_uppercase()
            };
            Some(format!("{number}{letter}i"))
        }
        (Unit::Bytes, _) => None,
    };
    NotAQuantity { meant }
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

    /// The quantity a text that is none most likely meant.
    fn meant(text: &str, unit: Unit) -> Option<String> {
        parse_as(text, unit).unwrap_err().meant
    }

    #[test]
    fn suggests_the_binary_suffix() {
        assert_eq!(meant("10Gb", Unit::Bytes).as_deref(), Some("10Gi"));
        assert_eq!(meant("10GB", Unit::Bytes).as_deref(), Some("10Gi"));
        assert_eq!(meant("5kb", Unit::Bytes).as_deref(), Some("5Ki"));
        assert_eq!(meant("lots", Unit::Bytes), None);
        assert_eq!(meant("", Unit::Bytes), None);
        assert_eq!(meant("1.", Unit::Bytes), None);
    }

    #[test]
    fn cpu_suggests_millicores() {
        assert_eq!(meant("100mi", Unit::Cores).as_deref(), Some("100m"));
        assert_eq!(meant("100mi", Unit::Bytes).as_deref(), Some("100Mi"));
        assert_eq!(meant("2gb", Unit::Cores), None);
    }

    #[test]
    fn doubts_a_unit_that_is_most_likely_not_meant() {
        assert_eq!(
            doubt("128m", Unit::Bytes),
            Some(Doubt {
                value: 0.128,
                meant: "128Mi".into()
            })
        );
        assert_eq!(
            doubt("100Mi", Unit::Cores),
            Some(Doubt {
                value: 104857600.0,
                meant: "100m".into()
            })
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
