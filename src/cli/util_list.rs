//! `vtl util list`: the `$util` catalogue, printed from the registration tables.

use clap::{Args, Subcommand};

use super::EXIT_OK;
use appsync_vtl::util::{extensions::EXTENSIONS, UTIL};

#[derive(Args, Debug)]
pub(crate) struct UtilArgs {
    #[command(subcommand)]
    command: UtilCommand,
}

#[derive(Subcommand, Debug)]
enum UtilCommand {
    /// List every function (optionally only those whose path contains FILTER).
    List {
        /// Show only functions whose path contains this text (case-insensitive).
        filter: Option<String>,
    },
}

pub(crate) fn run(args: UtilArgs) -> i32 {
    let UtilCommand::List { filter } = args.command;
    let filter = filter.map(|f| f.to_lowercase());
    let mut all = UTIL.walk();
    all.extend(EXTENSIONS.walk());
    let mut shown = 0;
    for (path, f) in &all {
        if filter
            .as_ref()
            .is_some_and(|f| !path.to_lowercase().contains(f))
        {
            continue;
        }
        shown += 1;
        outln!(
            "{path}  ({} args)\n    {}\n    {}",
            f.arity,
            f.signature,
            f.doc
        );
    }
    outln!("\n{shown} functions");
    EXIT_OK
}
