//! The `vtl` command line: see `vtl --help`. A front-end over the library: it
//! parses arguments, calls [`appsync_vtl`] and owns only its conventions (exit
//! codes, colour, text and JSON printing).

#[macro_use]
mod cli;

fn main() {
    std::process::exit(cli::run());
}
