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

/// Parses a quantity. The error is a hint to append to a message: empty, or a suggestion
/// such as ` (did you mean "10Gi"?)`.
pub fn parse(text: &str) -> Result<Quantity, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let value: f64 = number
        .parse()
        .ok()
        .filter(|_| number.chars().any(|c| c.is_ascii_digit()) && !number.ends_with('.'))
        .ok_or_else(|| hint(number, suffix))?;
    let scale = match suffix {
        "" => 1.0,
        _ => match SUFFIXES.iter().find(|(s, _)| *s == suffix) {
            Some((_, scale)) => *scale,
            None => exponent(suffix).ok_or_else(|| hint(number, suffix))?,
        },
    };
    Ok(Quantity(value * scale))
}

fn exponent(suffix: &str) -> Option<f64> {
    let digits = suffix.strip_prefix(['e', 'E'])?;
    let power: i32 = digits.parse().ok()?;
    Some(10f64.powi(power))
}

/// Suggests the binary suffix people usually mean when they write `10Gb`, `10GB` or `10gib`.
fn hint(number: &str, suffix: &str) -> String {
    let lower = suffix.to_ascii_lowercase();
    let unit = lower.trim_end_matches('b').trim_end_matches('i');
    match unit {
        "k" | "m" | "g" | "t" | "p" | "e" if !number.is_empty() => {
            let unit = if unit == "k" {
                "K".into()
            } else {
                unit.to_ascii_uppercase()
            };
            format!(" (did you mean \"{number}{unit}i\"?)")
        }
        _ => String::new(),
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
}
