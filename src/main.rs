use std::error::Error as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use chartgen::app::{self, Done, locate};
use chartgen::cli::{Cli, Command};
use chartgen::diff::counts;
use chartgen::error::Error;
use chartgen::plan::{Action, Change};
use chartgen::presets;
use chartgen::scaffold::{NewOptions, new};
use chartgen::spec::schema_json;

/// The chart on disk differs from what the spec generates (check modes).
const EXIT_DIFFERENT: u8 = 1;
/// Any error: bad input, unreadable files, failed writes.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            report(&err);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(command: Command) -> Result<u8, Error> {
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
            summary(&new(&options)?);
            println!("next: helm install {name} {}", options.dir.display());
        }
        Command::Presets => {
            for name in presets::names() {
                println!("{name:<10} {}", presets::summary(&name));
            }
        }
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "chartgen", &mut std::io::stdout());
        }
        Command::Generate {
            dir,
            file,
            out,
            force,
            check,
        } => {
            let (spec, out) = locate(dir.as_deref(), file.as_deref(), out.as_deref());
            if check {
                let (changes, warnings) = app::pending(&spec, &out)?;
                warn(&warnings);
                stat(&changes);
                return Ok(if changes.is_empty() {
                    0
                } else {
                    EXIT_DIFFERENT
                });
            }
            summary(&app::generate(&spec, &out, force)?);
        }
        Command::Validate { dir, file } => {
            let (spec, _) = locate(dir.as_deref(), file.as_deref(), None);
            warn(&app::check(&spec)?);
            println!("{}: ok", spec.display());
        }
        Command::Schema => print!("{}", schema_json()),
    }
    Ok(0)
}

fn warn(warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

fn summary(done: &Done) {
    warn(&done.warnings);
    let written = &done.written;
    let lines = [
        ("created", &written.created),
        ("updated", &written.updated),
        ("removed", &written.removed),
    ];
    for (verb, paths) in lines {
        for path in paths {
            println!("{verb:<9} {path}");
        }
    }
    if written.created.is_empty() && written.updated.is_empty() && written.removed.is_empty() {
        println!("up to date ({} files)", written.unchanged.len());
    }
}

/// One line per file that would change, like `git diff --stat`; nothing when up to date.
fn stat(changes: &[Change]) {
    let width = changes.iter().map(|c| c.path.len()).max().unwrap_or(0);
    for change in changes {
        let (add, del) = counts(&change.old, &change.new);
        let mark = match change.action {
            Action::Create => 'A',
            Action::Update => 'M',
            Action::Remove => 'D',
        };
        println!("{mark} {:<width$} | +{add} -{del}", change.path);
    }
    if !changes.is_empty() {
        println!(
            "{} file(s) out of date: run `chartgen generate`",
            changes.len()
        );
    }
}

/// Prints the error once, with every cause below it.
fn report(err: &Error) {
    eprintln!("error: {err}");
    if matches!(err, Error::Read { .. } | Error::Write { .. }) {
        return; // their Display already says the io error
    }
    let mut cause = err.source();
    while let Some(c) = cause {
        eprintln!("caused by: {c}");
        cause = c.source();
    }
}
