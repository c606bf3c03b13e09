//! Chart.yaml's `kubeVersion`: the Kubernetes versions a chart installs on, as Helm reads it
//! (`chartutil.IsCompatibleRange`, which hands it to Masterminds semver v3): alternatives
//! joined by `||`, each a list of constraints joined by spaces or commas (`>=1.29 <1.34`),
//! `A - B` ranges, `x`, `X` or `*` wildcards, and the operators `=`, `!=`, `>`, `<`, `>=`,
//! `=>`, `<=`, `=<`, `~`, `~>` and `^`.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::apiserver::KubeVersion;

/// A parsed `kubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeRange {
    /// Any one alternative admits a version when all its constraints do.
    alternatives: Vec<Vec<Constraint>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    NotEqual,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Tilde,
    Caret,
}

/// Which part of the constraint's version was left out or a wildcard (`1.x`, `1.29`, `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wild {
    None,
    Patch,
    Minor,
    Major,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Constraint {
    op: Op,
    /// Wildcards count as 0, as Masterminds does.
    version: [u64; 3],
    /// The version carries a pre-release (`1.29.0-0`).
    prerelease: bool,
    wild: Wild,
}

impl FromStr for KubeRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let alternatives = text
            .split("||")
            .map(alternative)
            .collect::<Result<Vec<_>, String>>()?;
        Ok(KubeRange { alternatives })
    }
}

/// One alternative: `>= 1.29, < 1.34`, `1.29 - 1.33`.
fn alternative(text: &str) -> Result<Vec<Constraint>, String> {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return Err("an alternative between `||` is empty".into());
    }
    let mut constraints = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // `A - B` is `>= A, <= B`.
        if tokens.get(i + 1) == Some(&"-") {
            let (from, to) = (
                tokens[i],
                *tokens.get(i + 2).ok_or("a range `A - B` lacks B")?,
            );
            constraints.push(constraint(Op::GreaterOrEqual, from)?);
            constraints.push(constraint(Op::LessOrEqual, to)?);
            i += 3;
            continue;
        }
        let token = tokens[i];
        let op_len = token
            .find(|c: char| !matches!(c, '=' | '!' | '<' | '>' | '~' | '^'))
            .unwrap_or(token.len());
        let op = match &token[..op_len] {
            "" | "=" => Op::Equal,
            "!=" => Op::NotEqual,
            ">" => Op::Greater,
            "<" => Op::Less,
            ">=" | "=>" => Op::GreaterOrEqual,
            "<=" | "=<" => Op::LessOrEqual,
            "~" | "~>" => Op::Tilde,
            "^" => Op::Caret,
            other => return Err(format!("{other:?} is not an operator Helm knows")),
        };
        // The version may follow its operator after spaces: `>= 1.29`.
        let version = if op_len == token.len() {
            i += 1;
            *tokens.get(i).ok_or("an operator lacks its version")?
        } else {
            &token[op_len..]
        };
        constraints.push(constraint(op, version)?);
        i += 1;
    }
    Ok(constraints)
}

fn constraint(op: Op, text: &str) -> Result<Constraint, String> {
    let bad = || format!("{text:?} is not a version (e.g. 1.29 or 1.29.0-0)");
    let plain = text.strip_prefix('v').unwrap_or(text);
    let plain = plain.split_once('+').map_or(plain, |(v, _)| v);
    let (core, prerelease) = match plain.split_once('-') {
        Some((core, pre)) => {
            let ok = pre
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            if !ok {
                return Err(bad());
            }
            (core, true)
        }
        None => (plain, false),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err(bad());
    }
    let mut version = [0; 3];
    let mut wild = Wild::None;
    for (i, slot) in version.iter_mut().enumerate() {
        let part = parts.get(i).copied();
        match part {
            None | Some("x" | "X" | "*") => {
                if wild == Wild::None {
                    wild = [Wild::Major, Wild::Minor, Wild::Patch][i];
                }
            }
            Some(digits) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => {
                *slot = digits.parse().map_err(|_| bad())?;
            }
            Some(_) => return Err(bad()),
        }
    }
    Ok(Constraint {
        op,
        version,
        prerelease,
        wild,
    })
}

impl Constraint {
    /// Whether the release `v` (no pre-release: a cluster Helm can install on) meets it, as
    /// Masterminds' constraint functions decide.
    fn admits(&self, v: [u64; 3]) -> bool {
        let c = self.version;
        // A release sorts after every pre-release of the same version.
        let order = v.cmp(&c).then(if self.prerelease {
            Ordering::Greater
        } else {
            Ordering::Equal
        });
        let wild = self.wild != Wild::None;
        match self.op {
            Op::Equal if wild => self.tilde(v, order),
            Op::Equal => order == Ordering::Equal,
            Op::NotEqual if wild => match self.wild {
                Wild::Minor => c[0] != v[0],
                Wild::Patch => c[0] != v[0] || c[1] != v[1],
                _ => order != Ordering::Equal,
            },
            Op::NotEqual => order != Ordering::Equal,
            Op::Greater => match self.wild {
                Wild::Minor => v[0] > c[0],
                Wild::Patch => v[0] > c[0] || (v[0] == c[0] && v[1] > c[1]),
                _ => order == Ordering::Greater,
            },
            Op::Less => order == Ordering::Less,
            Op::GreaterOrEqual => order != Ordering::Less,
            Op::LessOrEqual => match self.wild {
                Wild::Minor => v[0] <= c[0],
                Wild::Patch => v[0] < c[0] || (v[0] == c[0] && v[1] <= c[1]),
                _ => order != Ordering::Greater,
            },
            Op::Tilde => self.tilde(v, order),
            Op::Caret => {
                order != Ordering::Less
                    && match c {
                        [0, 0, _] if self.wild == Wild::Patch => v[0] == 0 && v[1] == 0,
                        [0, 0, patch] => v == [0, 0, patch],
                        [0, minor, _] => v[0] == 0 && v[1] == minor,
                        [major, _, _] => v[0] == major,
                    }
            }
        }
    }

    /// `~1.29`: 1.29.x; `~1`: 1.x.
    fn tilde(&self, v: [u64; 3], order: Ordering) -> bool {
        let c = self.version;
        if order == Ordering::Less {
            return false;
        }
        if self.wild == Wild::Major {
            return true;
        }
        v[0] == c[0] && (self.wild == Wild::Minor || v[1] == c[1])
    }
}

/// Patch releases tried per minor version: Kubernetes has not come near 100 in one minor.
const PATCHES: u64 = 100;
/// Minor versions of Kubernetes 1 tried.
const MINORS: u32 = 100;

impl KubeRange {
    /// Whether Helm installs the chart on a cluster at release `major.minor.patch`.
    pub fn admits(&self, version: [u64; 3]) -> bool {
        self.alternatives
            .iter()
            .any(|all| all.iter().all(|c| c.admits(version)))
    }

    /// Whether Helm installs the chart on some patch release of `version`.
    pub fn admits_minor(&self, version: KubeVersion) -> bool {
        let (major, minor) = (u64::from(version.major), u64::from(version.minor));
        (0..PATCHES).any(|patch| self.admits([major, minor, patch]))
    }

    /// The oldest Kubernetes 1.x the chart installs on, if any.
    pub fn oldest(&self) -> Option<KubeVersion> {
        (0..MINORS)
            .map(|minor| KubeVersion { major: 1, minor })
            .find(|v| self.admits_minor(*v))
    }

    /// Whether it admits pre-releases at all: clusters such as EKS and GKE report versions
    /// like `v1.33.4-eks-1a2b3c4`, which Masterminds counts as pre-releases and refuses unless
    /// the constraint names a pre-release itself (`>=1.29.0-0`).
    pub fn admits_prereleases(&self) -> bool {
        self.alternatives.iter().flatten().any(|c| c.prerelease)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> KubeRange {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn v1(minor: u32) -> KubeVersion {
        KubeVersion { major: 1, minor }
    }

    #[test]
    fn reads_the_forms_charts_use() {
        let cases: [(&str, Option<u32>, Option<u32>); 12] = [
            // text, oldest 1.x admitted, a minor just past the range (None: open).
            (">=1.29", Some(29), None),
            (">= 1.29.0-0", Some(29), None),
            ("=>1.29", Some(29), None),
            (">1.29", Some(30), None),
            (">1.29.0", Some(29), None),
            ("~1.29", Some(29), Some(30)),
            ("^1.29", Some(29), None),
            ("1.29 - 1.33", Some(29), Some(34)),
            (">=1.29 <1.34", Some(29), Some(34)),
            (">=1.29, <=1.33.x", Some(29), Some(34)),
            ("<1.20 || >=1.30", Some(0), None),
            ("1.29.x", Some(29), Some(30)),
        ];
        for (text, oldest, past) in cases {
            let range = range(text);
            assert_eq!(range.oldest(), oldest.map(v1), "{text}");
            if let Some(past) = past {
                assert!(!range.admits_minor(v1(past)), "{text} admits 1.{past}");
                assert!(range.admits_minor(v1(past - 1)), "{text}");
            } else {
                assert!(range.admits_minor(v1(99)), "{text}");
            }
        }
        assert!(!range("<1.20 || >=1.30").admits_minor(v1(25)));
        assert!(!range("!=1.30.2").admits([1, 30, 2]));
        assert!(range("!=1.30.2").admits([1, 30, 3]));
        assert!(!range("!=1.30.x").admits([1, 30, 3]));
    }

    #[test]
    fn pre_releases_need_a_pre_release_in_the_constraint() {
        assert!(!range(">=1.29").admits_prereleases());
        assert!(range(">=1.29.0-0").admits_prereleases());
        assert!(range(">=1.29.0-0").admits([1, 29, 0]));
    }

    #[test]
    fn nothing_else_is_a_range() {
        for text in [
            "", "abc", ">=", "1.29 -", ">>1.29", "1.2.3.4", "1.29.0-", "||>=1.29", "1.x9",
        ] {
            assert!(text.parse::<KubeRange>().is_err(), "{text:?}");
        }
        assert_eq!(range(">=2").oldest(), None);
    }
}
