//! Standard output and standard error, written so that printing never
//! panics and never stops a build: every line the command prints goes
//! through [`note`] (messages, on stderr) or [`data`] (what a command
//! produces, on stdout).

use bindery::Error;
use bindery::error::printable;
use std::fmt::Display;
use std::io::{ErrorKind, Write};
use std::path::Path;

/// Prints a message on stderr, each line made safe for a terminal (see
/// [`printable`]). A message that cannot be shown (a closed pipe, a full
/// disk) is dropped: it must not stop the work it reports on.
pub fn note(message: impl Display) {
    let message = message.to_string();
    let mut text = String::with_capacity(message.len() + 1);
    for line in message.lines() {
        text.push_str(&printable(line));
        text.push('\n');
    }
    let mut stderr = std::io::stderr().lock();
    // Nobody is left to tell of a failure to tell.
    stderr.write_all(text.as_bytes()).unwrap_or(());
    stderr.flush().unwrap_or(());
}

/// Prints what a command produces on stdout. A reader that has gone (a
/// closed pipe, as in `bindery dump | head`) ends the output quietly, as
/// `cat` does; any other failure, such as a full disk, is an error.
pub fn data(text: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(Error::io(
            "write the output",
            Path::new("standard output"),
            &err,
        )),
    }
}
