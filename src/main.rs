//! The `bindery` command: parses the command line and runs it.

mod cli;
mod progress;
mod streams;
mod watch;

fn main() -> std::process::ExitCode {
    cli::main()
}
