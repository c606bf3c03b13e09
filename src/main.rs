use std::error::Error as _;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use chartgen::app::{self, Done, spec_and_chart};
use chartgen::batch::{chart_dirs, parallel};
use chartgen::change::FileChange;
use chartgen::chart_diff::ChartDiff;
use chartgen::cli::{Cli, ColorChoice, Command};
use chartgen::error::Error;
use chartgen::plan::Stranger;
use chartgen::presets;
use chartgen::report::{self, Colors};
use chartgen::scaffold::{NewOptions, new};
use chartgen::spec::schema_json;
use chartgen::upgrade::Options;
use chartgen::upgrade_report;

/// Success.
const EXIT_OK: u8 = 0;
/// The chart on disk differs from what the spec generates (check and diff modes).
const EXIT_DIFFERENT: u8 = 1;
/// Any error: bad input, unreadable files, failed writes.
const EXIT_ERROR: u8 = 2;

/// What one command did for one chart, printed once all charts are done.
#[derive(Default)]
struct Outcome {
    out: String,
    err: String,
    code: u8,
}

impl Outcome {
    fn failed(err: &Error) -> Self {
        Outcome {
            err: error_text(err),
            code: EXIT_ERROR,
            ..Outcome::default()
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcomes = run(cli.command);
    let many = outcomes.len() > 1;
    let (mut stdout, mut stderr) = (std::io::stdout().lock(), std::io::stderr().lock());
    for (label, outcome) in &outcomes {
        let heading = if many {
            format!("== {}\n", label.display())
        } else {
            String::new()
        };
        // A reader that stops early (`| head`) is no error of ours: stop writing, keep the code.
        let written = write!(stdout, "{heading}{}", outcome.out)
            .and_then(|()| stdout.flush())
            .and_then(|()| write!(stderr, "{}", outcome.err));
        if written.is_err() {
            break;
        }
    }
    let code = outcomes
        .iter()
        .map(|(_, o)| o.code)
        .max()
        .unwrap_or(EXIT_OK);
    ExitCode::from(code)
}

/// Runs the command: one outcome per chart it touched.
fn run(command: Command) -> Vec<(PathBuf, Outcome)> {
    match command {
        Command::Generate {
            dirs,
            file,
            out,
            force,
            prune,
            check,
            recursive,
        } => for_each_chart(&dirs, file, out, recursive, |spec, out| {
            if check {
                check_chart(spec, out)
            } else {
                app::generate(spec, out, force, prune).map(|done| summary(&done, out))
            }
        }),
        Command::Diff {
            dirs,
            file,
            against,
            format,
            context,
            color,
            show_secrets,
            recursive,
        } => {
            let colors = colors(color);
            for_each_chart(&dirs, file, None, recursive, |spec, out| {
                let (review, warnings) = app::diff(spec, out, against.as_deref(), show_secrets)?;
                let code = if review.is_empty() {
                    EXIT_OK
                } else {
                    EXIT_DIFFERENT
                };
                Ok(Outcome {
                    out: report::print(&review, format, context, colors),
                    err: warnings_text(&warnings),
                    code,
                })
            })
        }
        Command::Review {
            old,
            new,
            format,
            namespace,
            kube_version,
            show_secrets,
            color,
        } => {
            let options = Options {
                namespace,
                kube_version,
                show_secrets,
            };
            let outcome = match app::review_manifests(&old, &new, &options) {
                Ok(review) => Outcome {
                    out: upgrade_report::print(&review, format, colors(color)),
                    code: if review.is_empty() {
                        EXIT_OK
                    } else {
                        EXIT_DIFFERENT
                    },
                    ..Outcome::default()
                },
                Err(e) => Outcome::failed(&e),
            };
            vec![(PathBuf::from("."), outcome)]
        }
        Command::Validate { dirs, file } => for_each_chart(&dirs, file, None, false, |spec, _| {
            let warnings = app::validate_spec(spec)?;
            Ok(Outcome {
                out: format!("{}: ok\n", spec.display()),
                err: warnings_text(&warnings),
                code: EXIT_OK,
            })
        }),
        other => vec![(
            PathBuf::from("."),
            single(other).unwrap_or_else(|e| Outcome::failed(&e)),
        )],
    }
}

/// The commands that work on one thing.
fn single(command: Command) -> Result<Outcome, Error> {
    let mut out = String::new();
    match command {
        Command::New {
            name,
            preset,
            image,
            port,
            replicas,
            storage,
            dir,
            force,
        } => {
            let options = NewOptions {
                dir: dir.map_or_else(|| PathBuf::from(&name), |d| d.join(&name)),
                preset,
                image,
                port,
                replicas,
                storage,
                force,
            };
            let mut outcome = summary(&new(&options)?, &options.dir);
            let _ = writeln!(
                outcome.out,
                "next: helm install {name} {}",
                options.dir.display()
            );
            return Ok(outcome);
        }
        Command::Presets => {
            for name in presets::names() {
                let _ = writeln!(out, "{name:<10} {}", presets::summary(name));
            }
        }
        Command::Schema => out = schema_json().to_string(),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "chartgen", &mut script);
            out = String::from_utf8_lossy(&script).into_owned();
        }
        Command::Man { command } => out = man_page(command.as_deref())?,
        Command::Generate { .. }
        | Command::Diff { .. }
        | Command::Review { .. }
        | Command::Validate { .. } => {
            unreachable!("handled in run")
        }
    }
    Ok(Outcome {
        out,
        ..Outcome::default()
    })
}

/// The roff man page chartgen(1), or chartgen-COMMAND(1), which the first one lists.
fn man_page(command: Option<&str>) -> Result<String, Error> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => cli.find_subcommand(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
            let message = format!("no command {name:?} (commands: {})", known.join(", "));
            Error::Flags {
                flags: vec![("COMMAND".to_string(), message)],
            }
        })?,
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .expect("writing into memory cannot fail");
    Ok(String::from_utf8_lossy(&roff).into_owned())
}

/// Runs `work` for every chart the command names, in parallel, each with its spec and folder.
fn for_each_chart(
    dirs: &[PathBuf],
    file: Option<PathBuf>,
    out: Option<PathBuf>,
    recursive: bool,
    work: impl Fn(&Path, &Path) -> Result<Outcome, Error> + Sync,
) -> Vec<(PathBuf, Outcome)> {
    let charts = chart_dirs(dirs, recursive);
    if (file.is_some() || out.is_some()) && (charts.len() > 1 || recursive) {
        let err = "-f and -o name one chart: give at most one folder, without --recursive\n";
        return vec![(PathBuf::from("."), usage(err))];
    }
    if charts.is_empty() {
        return vec![(
            PathBuf::from("."),
            usage("no chartgen.yaml found below the given folders\n"),
        )];
    }
    let explicit = !dirs.is_empty() || recursive;
    let results = parallel(&charts, |dir| {
        let (spec, out) = spec_and_chart(
            explicit.then_some(dir.as_path()),
            file.as_deref(),
            out.as_deref(),
        );
        work(&spec, &out).unwrap_or_else(|e| Outcome::failed(&e))
    });
    charts.into_iter().zip(results).collect()
}

fn usage(message: &str) -> Outcome {
    Outcome {
        err: format!("error: {message}"),
        code: EXIT_ERROR,
        ..Outcome::default()
    }
}

fn colors(choice: ColorChoice) -> Colors {
    Colors(match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color(
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR"),
        ),
    })
}

/// Colour on a terminal, unless NO_COLOR is set and not empty (no-color.org).
fn auto_color(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

fn check_chart(spec: &Path, out: &Path) -> Result<Outcome, Error> {
    let dry_run = app::dry_run(spec, out)?;
    let changes = dry_run.changes;
    Ok(Outcome {
        out: stat(&changes, spec, out),
        err: warnings_text(&dry_run.warnings)
            + &strangers_text(&dry_run.strangers)
            + &advice_text(dry_run.review.as_ref()),
        code: if changes.is_empty() {
            EXIT_OK
        } else {
            EXIT_DIFFERENT
        },
    })
}

fn warnings_text(warnings: &[String]) -> String {
    warnings.iter().map(|w| format!("warning: {w}\n")).collect()
}

/// Templates chartgen did not generate: Helm renders them too, so success is never reported
/// without them.
fn strangers_text(strangers: &[Stranger]) -> String {
    if strangers.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "warning: {} file(s) below templates/ were not generated by chartgen, and Helm renders \
         them with the chart (they may call helpers chartgen's _helpers.tpl lacks): keep them \
         if you wrote them for this chart; `chartgen generate --prune` removes them\n",
        strangers.len()
    );
    for Stranger { path, link } in strangers {
        let note = if *link {
            " (a symbolic link: --prune never removes a link, remove it by hand)"
        } else {
            ""
        };
        let _ = writeln!(text, "  {}{note}", report::visible(path));
    }
    text
}

/// What a regeneration does to a running release: hazards first, so a change that breaks
/// `helm upgrade` is never written silently.
fn advice_text(review: Option<&ChartDiff>) -> String {
    review
        .map(|review| report::advice(review, Colors(false)))
        .unwrap_or_default()
}

/// What a run wrote into the chart folder `dir`, and what it still needs.
fn summary(done: &Done, dir: &Path) -> Outcome {
    let mut out = String::new();
    let written = &done.written;
    let lines = [
        ("created", &written.created),
        ("updated", &written.updated),
        ("removed", &written.removed),
    ];
    for (verb, paths) in lines {
        for path in paths {
            // --prune removes templates chartgen did not generate: their names are anyone's.
            let _ = writeln!(out, "{verb:<9} {}", report::visible(path));
        }
    }
    if written.created.is_empty() && written.updated.is_empty() && written.removed.is_empty() {
        let _ = writeln!(out, "up to date ({} files)", written.unchanged.len());
    }
    if !done.unbuilt.is_empty() {
        let _ = writeln!(
            out,
            "next: helm dependency build {}  (puts {} into charts/: Helm lints, renders and \
             installs the chart only with them)",
            dir.display(),
            done.unbuilt.join(", ")
        );
    }
    Outcome {
        out,
        err: warnings_text(&done.warnings)
            + &strangers_text(&done.strangers)
            + &advice_text(done.review.as_ref()),
        code: EXIT_OK,
    }
}

/// One line per file that would change, like `git diff --stat`, then which chart and the
/// command that updates it; nothing when up to date.
fn stat(changes: &[FileChange], spec: &Path, chart: &Path) -> String {
    let width = report::path_width(changes);
    let mut text = String::new();
    for change in changes {
        let line = report::stat_line(change, change.counts(), width);
        let _ = writeln!(text, "{} {line}", change.status.letter());
    }
    if !changes.is_empty() {
        let edited = changes.iter().filter(|c| c.conflict.is_some()).count();
        let _ = writeln!(
            text,
            "{} file(s) out of date{}",
            changes.len(),
            regenerate_advice(spec, chart, edited)
        );
    }
    text
}

/// Where a stale chart is, unless it is the current folder, and the command that updates it:
/// with `--force` when `edited` files (changed by hand, or not chartgen's) stand in the way,
/// since `chartgen generate` alone refuses them.
fn regenerate_advice(spec: &Path, chart: &Path, edited: usize) -> String {
    let here = chart == Path::new(".");
    let beside = spec == chart.join(app::SPEC_FILE) || (here && spec == Path::new(app::SPEC_FILE));
    let (force, overwrites) = match edited {
        0 => ("", String::new()),
        n => (
            " --force",
            format!(" ({n} of them changed by hand or not chartgen's: --force overwrites them)"),
        ),
    };
    let command = match (beside, here) {
        (true, true) => format!(": run `chartgen generate{force}`"),
        (true, false) => format!(
            " in {0}: run `chartgen generate{force} {0}`",
            chart.display()
        ),
        (false, _) => format!(
            " in {}: run `chartgen generate{force} -f {} -o {}`",
            chart.display(),
            spec.display(),
            chart.display()
        ),
    };
    command + &overwrites
}

/// The error once, with every cause below it.
fn error_text(err: &Error) -> String {
    let mut text = format!("error: {err}\n");
    if matches!(
        err,
        Error::Read { .. } | Error::Write { .. } | Error::Interrupted { .. }
    ) {
        return text; // their Display already says the io error
    }
    let mut cause = err.source();
    while let Some(c) = cause {
        let _ = writeln!(text, "caused by: {c}");
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_non_empty_no_color_turns_colour_off() {
        assert!(auto_color(true, None));
        assert!(auto_color(true, Some("".into())));
        assert!(!auto_color(true, Some("1".into())));
        assert!(!auto_color(false, None));
    }
}
