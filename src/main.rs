use std::error::Error as _;
use std::process::ExitCode;

use clap::Parser;

use chartgen::app::Done;
use chartgen::app::{self, locate};
use chartgen::cli::{Cli, Command};
use chartgen::error::Error;
use chartgen::spec::Spec;

/// Any error: bad input, unreadable files, failed writes.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::New { name, preset } => {
            summary(&app::new(&name, &preset)?);
            println!(
                "created {} — next: helm install {} ./{}",
                name.display(),
                chart_name(&name),
                name.display()
            );
        }
        Command::Generate { dir, file, out } => {
            let (spec, out) = locate(dir.as_deref(), file.as_deref(), out.as_deref());
            summary(&app::generate(&spec, &out)?);
        }
        Command::Validate { dir, file } => {
            let (spec, _) = locate(dir.as_deref(), file.as_deref(), None);
            warn(&app::check(&spec)?);
            println!("{}: ok", spec.display());
        }
        Command::Schema => {
            let schema = schemars::schema_for!(Spec);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn chart_name(dir: &std::path::Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn warn(warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

fn summary(done: &Done) {
    warn(&done.warnings);
    let written = &done.written;
    for path in &written.created {
        println!("created   {path}");
    }
    for path in &written.updated {
        println!("updated   {path}");
    }
    if written.created.is_empty() && written.updated.is_empty() {
        println!("up to date ({} files)", written.unchanged.len());
    }
}

/// Prints the error once, with every cause below it.
fn report(err: &Error) {
    eprintln!("error: {err}");
    let mut cause = err.source();
    while let Some(c) = cause {
        if !matches!(err, Error::Read { .. } | Error::Write { .. }) {
            eprintln!("caused by: {c}");
        }
        cause = c.source();
    }
}
