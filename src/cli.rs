//! The command line: each subcommand is a few lines calling the library.

use crate::progress::Progress;
use crate::streams::{data, note};
use bindery::error::{Severity, printable};
use bindery::output::cache::Kept;
use bindery::pdf::Stage;
use bindery::pdf::layout::Jobs;
use bindery::{Diagnostic, Error, Manuscript};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::collections::BTreeMap;
use std::num::NonZeroUsize;
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
        #[command(flatten)]
        threads: Threads,
    },
    /// Build the EPUB only: <out>/<title-slug>.epub.
    Epub {
        #[command(flatten)]
        threads: Threads,
    },
    /// Build the print-ready PDF only: <out>/<title-slug>.pdf.
    Pdf {
        /// Print the typesetting quality report (lines, hyphens, spacing).
        #[arg(long)]
        stats: bool,
        #[command(flatten)]
        threads: Threads,
    },
    /// Build the reading pack (EPUB, PDF, cover and manifest in one zip).
    Pack {
        #[command(flatten)]
        threads: Threads,
    },
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
        /// Check the PDF of this profile instead of book.toml's: `print`
        /// adds the printer's preflight (image resolution, colour images,
        /// page count, live area, fonts, the cover's description).
        #[arg(long, value_enum)]
        profile: Option<CheckProfile>,
    },
    /// Print the document model and the table of contents as JSON.
    Dump,
    /// Build every output, then build again each time a manuscript file
    /// changes, until Ctrl-C.
    ///
    /// Each rebuild prints one line: what changed and how long it took. A
    /// manuscript that fails to build prints its error, keeps the last good
    /// outputs, and is watched on.
    Watch {
        #[command(flatten)]
        threads: Threads,
    },
    /// Print a shell's completion script for bindery.
    ///
    /// For example, for bash: `bindery completions bash >
    /// ~/.local/share/bash-completion/completions/bindery`; for zsh, into a
    /// folder of `$fpath` as `_bindery`; for fish,
    /// `~/.config/fish/completions/bindery.fish`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print bindery's manual page (roff), e.g. `bindery man > bindery.1`.
    Man {
        /// Write every page into this folder instead: bindery.1 and one
        /// page per command (bindery-build.1, …).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
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

/// How the PDF's pages are laid out: on how many threads, and whether
/// the chapter layouts of the last build are reused.
#[derive(Debug, Clone, Copy, Args)]
struct Threads {
    /// Work on at most N threads at once, laying the PDF's chapters out on
    /// N of them (the output is the same, byte for byte, for every N).
    /// Default: as many as the machine runs at once, but chapters laid out
    /// on one for a book of under 200,000 bytes of text.
    #[arg(long, short, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Build everything afresh, neither reading nor writing the cache of
    /// chapter layouts and made bytes in <out>/.bindery-cache (the output
    /// is the same, byte for byte).
    #[arg(long)]
    no_cache: bool,
}

impl Cli {
    /// The threads the command line asks layout to use.
    fn jobs(&self) -> Jobs {
        self.threads()
            .and_then(|t| t.jobs)
            .map_or(Jobs::Auto, Jobs::Exactly)
    }

    /// What the last build kept in the cache, or nothing for `--no-cache`.
    fn kept(&self) -> Kept {
        self.cache()
            .map_or_else(Kept::none, |dir| bindery::output::cache::kept(&dir))
    }

    /// The layout cache's folder, unless the command lays out no pages or
    /// `--no-cache` turns it off.
    fn cache(&self) -> Option<PathBuf> {
        let on = match (&self.command, self.threads()) {
            (None, _) => true,
            (Some(_), threads) => threads.is_some_and(|t| !t.no_cache),
        };
        on.then(|| bindery::output::cache::folder(&self.out))
    }

    /// The command's `Threads`, if it lays out pages.
    fn threads(&self) -> Option<&Threads> {
        match &self.command {
            None
            | Some(
                Command::Check { .. }
                | Command::Dump
                | Command::Completions { .. }
                | Command::Man { .. }
                | Command::Init { .. },
            ) => None,
            Some(
                Command::Build { threads, .. }
                | Command::Epub { threads }
                | Command::Pdf { threads, .. }
                | Command::Pack { threads }
                | Command::Watch { threads },
            ) => Some(threads),
        }
    }
}

/// The PDF profiles `bindery check --profile` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckProfile {
    /// The screen's PDF.
    Screen,
    /// The printer's PDF, with preflight.
    Print,
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
            note(err);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, Error> {
    let builds = matches!(
        cli.command,
        None | Some(
            Command::Build { .. }
                | Command::Epub { .. }
                | Command::Pdf { .. }
                | Command::Pack { .. }
                | Command::Watch { .. }
        )
    );
    let progress = Progress::new(builds && !cli.quiet);
    if let Some(jobs) = cli.threads().and_then(|t| t.jobs) {
        bindery::workers::set_jobs(jobs);
    }
    if !matches!(cli.command, Some(Command::Watch { .. })) {
        bindery::workers::leave_to_exit();
    }
    match &cli.command {
        None => build(cli, &progress, false, true),
        Some(Command::Build { timings, .. }) => build(cli, &progress, *timings, true),
        Some(Command::Watch { .. }) => {
            // The first build says what it read and wrote, as `build` does;
            // a rebuild only its warnings, and the watch its one line.
            let first = std::cell::Cell::new(true);
            crate::watch::watch(&cli.manuscript, &cli.out, cli.quiet, || {
                let chatty = first.replace(false);
                let progress = Progress::new(chatty && !cli.quiet);
                build_all(cli, &progress, false, chatty).map_err(note).ok()
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Epub { .. }) => {
            let manuscript = load(cli, &progress)?;
            write_epub(cli, &manuscript, &progress)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Pdf { stats, .. }) => {
            let manuscript = load(cli, &progress)?;
            pdf(cli, &manuscript, *stats, &progress)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Pack { .. }) => {
            let manuscript = load(cli, &progress)?;
            let outputs = outputs(cli, &manuscript, cli.kept(), &progress)?;
            progress.finish();
            report_backends(cli, &outputs);
            let mut files: Vec<(&Path, &[u8])> = vec![(&outputs.pack_path, &outputs.pack)];
            files.extend(outputs.cover());
            write(!cli.quiet, &files)?;
            keep_layouts(cli, &outputs.pdf, &outputs.kept);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { format, profile }) => check(cli, *format, *profile),
        Some(Command::Dump) => dump(cli),
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "bindery", &mut script);
            data(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { dir: None }) => {
            data(&manual_page(Cli::command())?)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { dir: Some(dir) }) => manual_pages(dir, cli.quiet),
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
        note(diagnostic);
    }
}

/// Builds and writes every output; `timings` prints each stage's wall time,
/// `chatty` what was read and written.
fn build(cli: &Cli, progress: &Progress, timings: bool, chatty: bool) -> Result<ExitCode, Error> {
    build_all(cli, progress, timings, chatty)?;
    Ok(ExitCode::SUCCESS)
}

/// [`build`], saying what it did: "rebuilt every output, laying out 1 of
/// 23 chapters".
fn build_all(cli: &Cli, progress: &Progress, timings: bool, chatty: bool) -> Result<String, Error> {
    // What the last build kept is read beside the manuscript: neither
    // needs the other, and a long book's cache is tens of megabytes.
    let (manuscript, kept) = bindery::workers::join(|| load(cli, progress), || cli.kept());
    let manuscript = manuscript?;
    let chatty = chatty && !cli.quiet;
    if chatty {
        let chapters = manuscript.book.chapters.len();
        progress.suspend(|| {
            note(format_args!(
                "bindery: read “{}”: {chapters} chapters",
                printable(&manuscript.book.metadata.title)
            ));
        });
    }
    let outputs = outputs(cli, &manuscript, kept, progress)?;
    progress.finish();
    report_backends(cli, &outputs);
    // The cache is kept beside the outputs' writing: what it holds is
    // keyed by what it was made from, so it is sound whether or not the
    // outputs are written. Why it was not kept is told only after outputs
    // that were.
    let (saved, cached) = bindery::workers::join(
        || {
            progress.stage("save", || {
                let mut files: Vec<(&Path, &[u8])> = vec![
                    (&outputs.epub_path, &outputs.epub.bytes),
                    (&outputs.pdf_path, &outputs.pdf.bytes),
                    (&outputs.pack_path, &outputs.pack),
                ];
                files.extend(outputs.cover());
                write(chatty, &files)
            })
        },
        || cache_layouts(cli, &outputs.pdf, &outputs.kept),
    );
    saved?;
    if let Err(err) = cached {
        cache_not_kept(cli, &err);
    }
    if timings {
        note(progress.timings());
    }
    let cached = &outputs.pdf.layout_cache;
    let laid = cached.iter().filter(|e| e.bytes.is_some()).count();
    let done = if cached.is_empty() {
        "rebuilt every output".to_string()
    } else {
        if chatty {
            note(format_args!(
                "bindery: laid out {laid} of {} chapters ({} from the layout cache)",
                cached.len(),
                cached.len() - laid
            ));
        }
        format!(
            "rebuilt every output, laying out {laid} of {} chapters",
            cached.len()
        )
    };
    bindery::workers::drop_aside((manuscript, outputs));
    Ok(done)
}

/// Keeps the chapter layouts of `pdf`, and what `kept`'s store holds, in
/// the cache for the next build. A cache that cannot be written is told
/// about, and costs the next build time, not its bytes.
fn keep_layouts(cli: &Cli, pdf: &bindery::pdf::Output, kept: &Kept) {
    if let Err(err) = cache_layouts(cli, pdf, kept) {
        cache_not_kept(cli, &err);
    }
}

/// [`keep_layouts`], saying why the cache could not be written instead of
/// telling it.
fn cache_layouts(cli: &Cli, pdf: &bindery::pdf::Output, kept: &Kept) -> Result<(), Error> {
    match cli.cache() {
        Some(dir) => bindery::output::cache::write(&dir, &pdf.layout_cache, &kept.store),
        None => Ok(()),
    }
}

/// Tells that the cache was not kept, and why.
fn cache_not_kept(cli: &Cli, err: &Error) {
    if !cli.quiet {
        note(format_args!(
            "bindery: note: the layout cache was not kept ({err}); the next build lays out \
             every chapter"
        ));
    }
}

/// Everything `build` and `pack` make, in memory, with the paths they go to.
struct Outputs {
    epub: bindery::epub::Epub,
    epub_path: PathBuf,
    pdf: bindery::pdf::Output,
    pdf_path: PathBuf,
    pack: Vec<u8>,
    pack_path: PathBuf,
    /// The print profile's wrap cover and its path.
    wrap: Option<(bindery::pdf::wrap::Cover, PathBuf)>,
    /// What the last build kept, with what this one adds.
    kept: Kept,
}

impl Outputs {
    /// The wrap cover to write, when the profile is print.
    fn cover(&self) -> Option<(&Path, &[u8])> {
        self.wrap
            .as_ref()
            .map(|(cover, path)| (path.as_path(), cover.bytes.as_slice()))
    }
}

/// Builds the EPUB, the PDF, the cover and the pack with what the last
/// build `kept`; writes nothing, so a failure leaves every earlier output
/// as it was.
fn outputs(
    cli: &Cli,
    manuscript: &Manuscript,
    kept: Kept,
    progress: &Progress,
) -> Result<Outputs, Error> {
    let fonts = &manuscript.fonts;
    let store = &kept.store;
    // The EPUB marks the PDF's pages, so it waits for them to be laid out;
    // then it, the cover and the pack's word count are made beside the
    // PDF's writer.
    let (mut pdf, (side, words)) = typeset(cli, manuscript, &kept, progress, &|print| {
        (
            cover_and_epub(cli, manuscript, Some(print), store, progress),
            bindery::pack::word_count(&manuscript.book),
        )
    })?;
    let (cover, epub) = side?;
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let wrap = progress.stage("wrap cover", || {
        bindery::build_wrap_cover(
            manuscript,
            &cli.manuscript,
            fonts.clone(),
            &pdf,
            epoch.as_deref(),
        )
    })?;
    if let Some(wrap) = &wrap {
        pdf.warnings.extend(wrap.warnings.iter().cloned());
    }
    let pack = progress.stage("pack", || {
        bindery::build_pack(manuscript, words, &epub, &pdf, &cover, store)
    })?;
    let stem = bindery::output_stem(&manuscript.book);
    Ok(Outputs {
        epub,
        epub_path: cli.out.join(format!("{stem}.epub")),
        pdf,
        pdf_path: cli.out.join(format!("{stem}.pdf")),
        pack,
        pack_path: cli.out.join(format!("{stem}-reading-pack.zip")),
        wrap: wrap.map(|cover| (cover, cli.out.join(format!("{stem}-cover.pdf")))),
        kept,
    })
}

/// Prints what the backends noticed.
fn report_backends(cli: &Cli, outputs: &Outputs) {
    if !cli.quiet {
        report(outputs.epub.warnings.iter());
        report(outputs.pdf.warnings.iter());
    }
}

/// Writes a command's outputs, all of them or none (see
/// [`bindery::output::write_all`]), and says so.
fn write(say: bool, files: &[(&Path, &[u8])]) -> Result<(), Error> {
    bindery::output::write_all(files)?;
    if say {
        for (path, _) in files {
            note(format_args!("bindery: wrote {}", path.display()));
        }
    }
    Ok(())
}

/// The cover, and the EPUB showing it with the pages of `print`, the PDF
/// made in the same run, both made through `store`.
fn cover_and_epub(
    cli: &Cli,
    manuscript: &Manuscript,
    print: Option<bindery::Print<'_>>,
    store: &bindery::store::Store,
    progress: &Progress,
) -> Result<(Vec<u8>, bindery::epub::Epub), Error> {
    let fonts = &manuscript.fonts;
    let cover = progress.stage("cover", || bindery::build_cover(manuscript, fonts, store))?;
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let epub = progress.stage("epub", || {
        bindery::build_epub(
            manuscript,
            &cli.manuscript,
            fonts,
            Some(&cover),
            print,
            epoch.as_deref(),
            store,
        )
    })?;
    Ok((cover, epub))
}

/// Typesets the PDF, as the stages `pdf layout` and `pdf write`, with what
/// the last build `kept`, running `beside` with its pages while it is
/// written (see [`bindery::build_pdf_in_stages`]). Its warnings about
/// characters no font has are moved from the start of their paragraph to
/// the character itself.
fn typeset<B: Send>(
    cli: &Cli,
    manuscript: &Manuscript,
    kept: &Kept,
    progress: &Progress,
    beside: &(dyn Fn(bindery::Print<'_>) -> B + Sync),
) -> Result<(bindery::pdf::Output, B), Error> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let output = bindery::build_pdf_in_stages(
        manuscript,
        &cli.manuscript,
        manuscript.fonts.clone(),
        epoch.as_deref(),
        cli.jobs(),
        kept,
        &|stage| match stage {
            Stage::Layout => progress.begin("pdf layout"),
            Stage::Write => {
                progress.end("pdf layout");
                progress.begin("pdf write");
            }
            Stage::Written => progress.end("pdf write"),
        },
        beside,
    );
    let (mut output, side) = output?;
    // Each file is read again once, however many of its characters no
    // font has. One that cannot be read again leaves its warnings at the
    // start of their blocks, which is still true.
    let mut sources: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
    for warning in &mut output.warnings {
        bindery::check::pinpoint_glyph(warning, |file| {
            sources
                .entry(file.to_path_buf())
                .or_insert_with(|| bindery::load::source(file))
                .as_deref()
        });
    }
    Ok((output, side))
}

/// Builds the EPUB and writes it to `<out>/<stem>.epub`. The PDF is laid
/// out too, in memory, when `[epub] page-list = true` asks for its pages.
fn write_epub(cli: &Cli, manuscript: &Manuscript, progress: &Progress) -> Result<(), Error> {
    // The cache is read, and kept, only with the PDF it is mostly for.
    let page_list = manuscript.config.epub.page_list == Some(true);
    let kept = if page_list { cli.kept() } else { Kept::none() };
    let (print, (_, epub)) = if page_list {
        let (print, side) = typeset(cli, manuscript, &kept, progress, &|print| {
            cover_and_epub(cli, manuscript, Some(print), &kept.store, progress)
        })?;
        (Some(print), side?)
    } else {
        (
            None,
            cover_and_epub(cli, manuscript, None, &kept.store, progress)?,
        )
    };
    progress.finish();
    if !cli.quiet {
        report(epub.warnings.iter());
    }
    let stem = bindery::output_stem(&manuscript.book);
    write(
        !cli.quiet,
        &[(&cli.out.join(format!("{stem}.epub")), &epub.bytes)],
    )?;
    if let Some(print) = &print {
        keep_layouts(cli, print, &kept);
    }
    Ok(())
}

/// Typesets the PDF into `<out>/<stem>.pdf`; `stats` prints the quality report.
fn pdf(cli: &Cli, manuscript: &Manuscript, stats: bool, progress: &Progress) -> Result<(), Error> {
    let kept = cli.kept();
    let (output, ()) = typeset(cli, manuscript, &kept, progress, &|_| ())?;
    progress.finish();
    if !cli.quiet {
        report(output.warnings.iter());
    }
    let stem = bindery::output_stem(&manuscript.book);
    write(
        !cli.quiet,
        &[(&cli.out.join(format!("{stem}.pdf")), &output.bytes)],
    )?;
    keep_layouts(cli, &output, &kept);
    if stats {
        data(&format!("{}\n", output.quality))?;
    }
    Ok(())
}

fn check(cli: &Cli, format: Format, profile: Option<CheckProfile>) -> Result<ExitCode, Error> {
    let findings = match bindery::load(&cli.manuscript) {
        Ok(mut manuscript) => {
            if let Some(profile) = profile {
                manuscript.config.pdf.profile = Some(match profile {
                    CheckProfile::Screen => bindery::config::Profile::Screen,
                    CheckProfile::Print => bindery::config::Profile::Print,
                });
            }
            // The backends are run too, in memory, for what only they can
            // see: raw HTML they had to change, characters no font can draw.
            let mut findings = manuscript.warnings.clone();
            match outputs(cli, &manuscript, cli.kept(), &Progress::new(false)) {
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
                note(format_args!(
                    "bindery check: {} errors, {} warnings, {} acknowledged",
                    summary.errors, summary.warnings, summary.acknowledged
                ));
            }
        }
        Format::Json => data(&format!(
            "{}\n",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        ))?,
    }
    Ok(ExitCode::from(summary.status()))
}

fn dump(cli: &Cli) -> Result<ExitCode, Error> {
    let manuscript = load(cli, &Progress::new(false))?;
    data(&bindery::dump(&manuscript.book, &manuscript.toc))?;
    Ok(ExitCode::SUCCESS)
}

/// The manual page of `command`, in roff.
fn manual_page(command: clap::Command) -> Result<String, Error> {
    let mut roff = Vec::new();
    let name = format!("{}.1", command.get_name());
    clap_mangen::Man::new(command)
        .render(&mut roff)
        .map_err(|e| Error::io("write the manual page", Path::new(&name), &e))?;
    Ok(String::from_utf8_lossy(&roff).into_owned())
}

/// Writes the manual's pages into `dir`: `bindery.1`, which lists the
/// commands, and a page for each of them, named as that list names it.
fn manual_pages(dir: &Path, quiet: bool) -> Result<ExitCode, Error> {
    let mut command = Cli::command();
    // Built, the commands carry the global options too.
    command.build();
    let mut pages = vec![(dir.join("bindery.1"), manual_page(command.clone())?)];
    for sub in command
        .get_subcommands()
        .filter(|sub| sub.get_name() != "help")
    {
        let name = format!("bindery-{}", sub.get_name());
        let page = manual_page(sub.clone().name(name.clone()))?;
        pages.push((dir.join(format!("{name}.1")), page));
    }
    let files: Vec<(&Path, &[u8])> = pages
        .iter()
        .map(|(path, page)| (path.as_path(), page.as_bytes()))
        .collect();
    write(!quiet, &files)?;
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
    // The one place bindery reads the clock: a new book is dated the day it
    // is begun, and every build of it then takes that date from book.toml.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let today = &bindery::date::iso8601(now)[..10];
    let files: Vec<(PathBuf, String)> = bindery::init::skeleton(title, today)
        .into_iter()
        .map(|(name, contents)| (dir.join(name), contents))
        .collect();
    let files: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(path, contents)| (path.as_path(), contents.as_bytes()))
        .collect();
    bindery::output::write_all(&files)?;
    if !quiet {
        note(format_args!(
            "bindery: created {}; build it with `bindery --manuscript {}`",
            dir.display(),
            dir.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
