//! The `vtl` command line: see `vtl --help`.

fn main() {
    std::process::exit(appsync_vtl::cli::run());
}
