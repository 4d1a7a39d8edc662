//! The command line: each subcommand is a few lines calling the library.

use crate::progress::Progress;
use bindery::error::{Place, Severity};
use bindery::pdf::Stage;
use bindery::pdf::fonts::{FontFiles, Fonts};
use bindery::{Diagnostic, Error, Manuscript};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Binds a Markdown manuscript into an EPUB, a print-ready PDF and a reading pack.
///
/// Run without a command to build everything from ./manuscript into ./output.
#[derive(Debug, Parser)]
#[command(
    name = "bindery",
    version,
    about,
    after_help = "Examples:\n  \
      bindery                          build everything from ./manuscript into ./output\n  \
      bindery check                    list problems in the manuscript, with file and line\n  \
      bindery dump > book.json         the document model and contents as JSON\n  \
      bindery init my-book             start a new book in ./my-book"
)]
struct Cli {
    /// What to do; `build` when left out.
    #[command(subcommand)]
    command: Option<Command>,
    /// The manuscript folder, holding book.toml and the chapter files.
    #[arg(
        long,
        short,
        global = true,
        value_name = "DIR",
        default_value = "manuscript",
        value_parser = folder
    )]
    manuscript: PathBuf,
    /// Where outputs are written; created when missing.
    #[arg(
        long,
        short,
        global = true,
        value_name = "DIR",
        default_value = "output",
        value_parser = folder
    )]
    out: PathBuf,
    /// Print errors only: no warnings, no progress, no summary.
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build every output: the EPUB, the PDF and the reading pack.
    Build {
        /// Print how long each stage took (wall and CPU time) on stderr.
        #[arg(long)]
        timings: bool,
    },
    /// Build the EPUB only: <out>/<title-slug>.epub.
    Epub,
    /// Build the print-ready PDF only: <out>/<title-slug>.pdf.
    Pdf {
        /// Print the typesetting quality report (lines, hyphens, spacing).
        #[arg(long)]
        stats: bool,
    },
    /// Build the reading pack (EPUB, PDF, cover and manifest in one zip).
    Pack,
    /// Check the manuscript and report every problem with its file and line.
    ///
    /// Exit status: 0 when clean (acknowledged warnings do not count),
    /// 1 when there are errors, 2 when there are warnings only.
    ///
    /// A warning is acknowledged when the manuscript says it is meant: a
    /// paragraph starting "Editor's note:" after an unfinished FAQ answer, or
    /// as a question's only answer. It is listed, but does not count.
    Check {
        /// How to print the findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the document model and the table of contents as JSON.
    Dump,
    /// Create a new manuscript folder with a book.toml, a chapter and a FAQ.
    Init {
        /// The folder to create; it must not exist or be empty.
        #[arg(value_parser = folder)]
        dir: PathBuf,
        /// The new book's title.
        #[arg(long, default_value = "Untitled Book")]
        title: String,
    },
}

/// Output formats of `bindery check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One finding per line, for people.
    Text,
    /// A JSON object for tools: version, counts and findings, each with
    /// severity, code, file (relative to the manuscript), line, column,
    /// message, hint and acknowledged (the README gives the schema).
    Json,
}

/// Reads a folder named on the command line; an empty name is a mistake
/// (a script's unset variable, often), not the current folder.
fn folder(value: &str) -> Result<PathBuf, String> {
    if value.is_empty() {
        Err("the folder name is empty; name a folder, such as `.` for this one".to_string())
    } else {
        Ok(PathBuf::from(value))
    }
}

/// The exit status for a command line that cannot be parsed: `EX_USAGE` of
/// the BSD `sysexits.h`, so that 2 keeps the one meaning `bindery check`
/// gives it (warnings and no error).
const USAGE: u8 = 64;

/// Parses the command line, runs it, and maps the outcome to an exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // `--help` and `--version` reach here too: they print to stdout
            // and succeed; a mistake prints to stderr.
            let status = if err.use_stderr() {
                ExitCode::from(USAGE)
            } else {
                ExitCode::SUCCESS
            };
            // With no terminal left to print to, there is no one to tell.
            err.print().unwrap_or(());
            return status;
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, Error> {
    let builds = matches!(
        cli.command,
        None | Some(Command::Build { .. } | Command::Epub | Command::Pdf { .. } | Command::Pack)
    );
    let progress = Progress::new(builds && !cli.quiet);
    match &cli.command {
        None => build(cli, &progress, false),
        Some(Command::Build { timings }) => build(cli, &progress, *timings),
        Some(Command::Epub) => {
            let manuscript = load(cli, &progress)?;
            write_epub(cli, &manuscript, &progress)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Pdf { stats }) => {
            let manuscript = load(cli, &progress)?;
            pdf(cli, &manuscript, *stats, &progress)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Pack) => {
            let manuscript = load(cli, &progress)?;
            let outputs = outputs(cli, &manuscript, &progress)?;
            progress.finish();
            report_backends(cli, &outputs);
            write(cli, &outputs.pack_path, &outputs.pack)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { format }) => check(cli, *format),
        Some(Command::Dump) => dump(cli),
        Some(Command::Init { dir, title }) => init(dir, title, cli.quiet),
    }
}

fn load(cli: &Cli, progress: &Progress) -> Result<Manuscript, Error> {
    let manuscript = progress.stage("load", || bindery::load(&cli.manuscript))?;
    if !cli.quiet {
        progress.suspend(|| report(manuscript.warnings.iter().filter(|w| !w.acknowledged)));
    }
    Ok(manuscript)
}

fn report<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

/// Builds and writes every output; `timings` prints each stage's wall time.
fn build(cli: &Cli, progress: &Progress, timings: bool) -> Result<ExitCode, Error> {
    let manuscript = load(cli, progress)?;
    if !cli.quiet {
        let chapters = manuscript.book.chapters.len();
        progress.suspend(|| {
            eprintln!(
                "bindery: read “{}”: {chapters} chapters",
                manuscript.book.metadata.title
            );
        });
    }
    let outputs = outputs(cli, &manuscript, progress)?;
    progress.finish();
    report_backends(cli, &outputs);
    progress.stage("save", || -> Result<(), Error> {
        write(cli, &outputs.epub_path, &outputs.epub.bytes)?;
        write(cli, &outputs.pdf_path, &outputs.pdf.bytes)?;
        write(cli, &outputs.pack_path, &outputs.pack)
    })?;
    if timings {
        eprint!("{}", progress.timings());
    }
    Ok(ExitCode::SUCCESS)
}

/// Everything `build` and `pack` make, in memory, with the paths they go to.
struct Outputs {
    epub: bindery::epub::Epub,
    epub_path: PathBuf,
    pdf: bindery::pdf::Output,
    pdf_path: PathBuf,
    pack: Vec<u8>,
    pack_path: PathBuf,
}

/// Builds the EPUB, the PDF, the cover and the pack; writes nothing, so a
/// failure leaves every earlier output as it was.
fn outputs(cli: &Cli, manuscript: &Manuscript, progress: &Progress) -> Result<Outputs, Error> {
    let fonts = font_files(cli, manuscript)?;
    // The EPUB marks the PDF's pages, so it waits for the PDF; the cover
    // needs nothing from either and is drawn on the other thread meanwhile.
    let (cover, pdf) = std::thread::scope(|scope| {
        let cover =
            scope.spawn(|| progress.stage("cover", || bindery::build_cover(manuscript, &fonts)));
        let pdf = typeset(cli, manuscript, fonts.clone(), progress);
        (cover.join(), pdf)
    });
    let pdf = pdf?;
    let cover = cover.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let epub = make_epub(cli, manuscript, &fonts, &cover, Some(&pdf), progress)?;
    let pack = progress.stage("pack", || {
        bindery::build_pack(manuscript, &epub, &pdf, &cover)
    })?;
    let stem = bindery::output_stem(&manuscript.book);
    Ok(Outputs {
        epub,
        epub_path: cli.out.join(format!("{stem}.epub")),
        pdf,
        pdf_path: cli.out.join(format!("{stem}.pdf")),
        pack,
        pack_path: cli.out.join(format!("{stem}-reading-pack.zip")),
    })
}

/// Prints what the backends noticed.
fn report_backends(cli: &Cli, outputs: &Outputs) {
    if !cli.quiet {
        report(outputs.epub.warnings.iter());
        report(outputs.pdf.warnings.iter());
    }
}

/// Writes one output safely and says so.
fn write(cli: &Cli, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    bindery::output::write_atomic(path, bytes)?;
    if !cli.quiet {
        eprintln!("bindery: wrote {}", path.display());
    }
    Ok(())
}

/// The EPUB showing `cover`, with the pages of `print`, the PDF made in
/// the same run.
fn make_epub(
    cli: &Cli,
    manuscript: &Manuscript,
    fonts: &FontFiles,
    cover: &[u8],
    print: Option<&bindery::pdf::Output>,
    progress: &Progress,
) -> Result<bindery::epub::Epub, Error> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    progress.stage("epub", || {
        bindery::build_epub(
            manuscript,
            &cli.manuscript,
            fonts,
            Some(cover),
            print,
            epoch.as_deref(),
        )
    })
}

/// Typesets the PDF, as the stages `pdf layout` and `pdf write`. Its
/// warnings about characters no font has are moved from the start of their
/// paragraph to the character itself.
fn typeset(
    cli: &Cli,
    manuscript: &Manuscript,
    fonts: FontFiles,
    progress: &Progress,
) -> Result<bindery::pdf::Output, Error> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let output = bindery::build_pdf_in_stages(
        manuscript,
        &cli.manuscript,
        fonts,
        epoch.as_deref(),
        &|stage| match stage {
            Stage::Layout => progress.begin("pdf layout"),
            Stage::Write => {
                progress.end("pdf layout");
                progress.begin("pdf write");
            }
        },
    );
    progress.end("pdf write");
    let mut output = output?;
    for warning in &mut output.warnings {
        // A file that cannot be read again leaves the warning at the start
        // of its block, which is still true.
        bindery::check::pinpoint_glyph(warning, |file| std::fs::read_to_string(file).ok());
    }
    Ok(output)
}

/// Builds the EPUB and writes it to `<out>/<stem>.epub`. The PDF is laid
/// out too, in memory, when `[epub] page-list = true` asks for its pages.
fn write_epub(cli: &Cli, manuscript: &Manuscript, progress: &Progress) -> Result<(), Error> {
    let fonts = font_files(cli, manuscript)?;
    let print = if manuscript.config.epub.page_list == Some(true) {
        Some(typeset(cli, manuscript, fonts.clone(), progress)?)
    } else {
        None
    };
    let cover = progress.stage("cover", || bindery::build_cover(manuscript, &fonts))?;
    let epub = make_epub(cli, manuscript, &fonts, &cover, print.as_ref(), progress)?;
    progress.finish();
    if !cli.quiet {
        report(epub.warnings.iter());
    }
    let stem = bindery::output_stem(&manuscript.book);
    write(cli, &cli.out.join(format!("{stem}.epub")), &epub.bytes)
}

/// The book's fonts: the built-in faces, replaced by the files book.toml
/// names. A file that is not a font is refused here, where its name is
/// known, before any backend runs.
fn font_files(cli: &Cli, manuscript: &Manuscript) -> Result<FontFiles, Error> {
    let mut fonts = FontFiles::default();
    let paths = manuscript.config.pdf.fonts.in_order();
    for (slot, path) in fonts.faces.iter_mut().zip(paths) {
        if let Some(path) = path {
            let path = cli.manuscript.join(path);
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read the font", &path, &e))?;
            *slot = bytes.into();
        }
    }
    if let Err(bad) = Fonts::new(&fonts) {
        let path = paths[usize::from(bad.face.0)].map(|path| cli.manuscript.join(path));
        return Err(Error::new(
            "bad-font",
            path.as_deref().map(Place::file),
            "this is not an OpenType or TrueType font",
        )
        .with_hint("check the files named in book.toml [pdf] fonts"));
    }
    Ok(fonts)
}

/// Typesets the PDF into `<out>/<stem>.pdf`; `stats` prints the quality report.
fn pdf(cli: &Cli, manuscript: &Manuscript, stats: bool, progress: &Progress) -> Result<(), Error> {
    let fonts = font_files(cli, manuscript)?;
    let output = typeset(cli, manuscript, fonts, progress)?;
    progress.finish();
    if !cli.quiet {
        report(output.warnings.iter());
    }
    let stem = bindery::output_stem(&manuscript.book);
    write(cli, &cli.out.join(format!("{stem}.pdf")), &output.bytes)?;
    if stats {
        println!("{}", output.quality);
    }
    Ok(())
}

fn check(cli: &Cli, format: Format) -> Result<ExitCode, Error> {
    let findings = match bindery::load(&cli.manuscript) {
        Ok(manuscript) => {
            // The backends are run too, in memory, for what only they can
            // see: raw HTML they had to change, characters no font can draw.
            let mut findings = manuscript.warnings.clone();
            match outputs(cli, &manuscript, &Progress::new(false)) {
                Ok(outputs) => {
                    findings.extend(outputs.epub.warnings);
                    findings.extend(outputs.pdf.warnings);
                }
                Err(err) => findings.push(err.diagnostic().clone()),
            }
            findings.sort_by(|a, b| a.place.cmp(&b.place));
            findings.dedup();
            findings
        }
        Err(err) => vec![err.diagnostic().clone()],
    };
    let summary = bindery::check::Report::new(&cli.manuscript, &findings);
    match format {
        Format::Text => {
            // --quiet keeps the errors only, as for every command.
            report(
                findings
                    .iter()
                    .filter(|f| !cli.quiet || f.severity == Severity::Error),
            );
            if !cli.quiet {
                eprintln!(
                    "bindery check: {} errors, {} warnings, {} acknowledged",
                    summary.errors, summary.warnings, summary.acknowledged
                );
            }
        }
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        ),
    }
    Ok(ExitCode::from(summary.status()))
}

fn dump(cli: &Cli) -> Result<ExitCode, Error> {
    let manuscript = load(cli, &Progress::new(false))?;
    print!("{}", bindery::dump(&manuscript.book, &manuscript.toc));
    Ok(ExitCode::SUCCESS)
}

fn init(dir: &Path, title: &str, quiet: bool) -> Result<ExitCode, Error> {
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(Error::new(
            "init-not-empty",
            Some(bindery::error::Place::file(dir)),
            "the folder already exists and is not empty",
        )
        .with_hint("choose a new folder name; bindery init never overwrites files"));
    }
    for (name, contents) in bindery::init::skeleton(title) {
        bindery::output::write_atomic(&dir.join(name), contents.as_bytes())?;
    }
    if !quiet {
        eprintln!(
            "bindery: created {}; build it with `bindery --manuscript {}`",
            dir.display(),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
