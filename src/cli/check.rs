//! `vtl check`: parse errors and lints.

use clap::Args;

/// Arguments of `vtl check`.
#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// Template files.
    #[arg(value_name = "TEMPLATE", required = true)]
    templates: Vec<String>,
}

pub(crate) fn run(args: CheckArgs) -> i32 {
    let _ = args;
    0
}
