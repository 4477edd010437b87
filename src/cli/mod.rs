//! The `vtl` command line (clap derive). Each subcommand lives in its own file;
//! `run` maps results to exit codes: 0 done, 1 the template (or a test) failed,
//! 2 bad usage or unreadable input.

/// `print!` to standard output through [`write_stdout`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` to standard output through [`write_stdout`].
macro_rules! outln {
    () => {
        $crate::cli::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `err!` through [`write_stderr`]: a closed or full stderr is not a panic.
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::write_stderr(format_args!($($arg)*))
    };
}

/// `errln!` through [`write_stderr`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::write_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod args;
mod authz;
mod check;
mod context;
mod explain;
mod lsp;
mod pretty;
mod render;
mod request;
mod resolvers;
mod test;
mod util_list;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};

/// Exit code: the command did its job.
pub(crate) const EXIT_OK: i32 = 0;
/// Exit code: a template could not be parsed or evaluated, or a test failed.
pub(crate) const EXIT_FAILED: i32 = 1;
/// Exit code: bad usage or unreadable input.
pub(crate) const EXIT_USAGE: i32 = 2;

/// Offline, exact and fast AWS AppSync VTL templates: render, test, explain, check.
#[derive(Parser, Debug)]
#[command(
    name = "vtl",
    version,
    about,
    long_about = "Evaluate AWS AppSync VTL resolver mapping templates offline, with AppSync's \
                  Java semantics and its $util library.\n\n\
                  Examples:\n  \
                  vtl render auth.req.vtl --context ctx.json --now 2024-01-15T10:30:45Z\n  \
                  vtl explain auth.req.vtl --context ctx.json --watch isAuthorized\n  \
                  vtl explain auth.req.vtl --matrix --watch isAuthorized\n  \
                  vtl test templates/\n  \
                  vtl check resolvers/*.vtl\n  \
                  vtl resolvers amplify/backend/api/blog\n  \
                  echo '$util.toJson({\"a\": 7 / 2})' | vtl render - --output text\n  \
                  vtl util list time\n\n\
                  Exit codes: 0 done, 1 a template failed to parse or evaluate (or a test failed), \
                  2 bad usage or unreadable input."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour output: `auto` (on a terminal, unless NO_COLOR or CI is set or TERM is dumb).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// `--color`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The `--color` given (0 auto, 1 always, 2 never).
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate a template and print what `aws appsync evaluate-mapping-template` prints.
    Render(render::RenderArgs),
    /// Run case folders against their snapshots and assertions (see README: `vtl test`).
    Test(test::TestArgs),
    /// Print every `$util` function with its signature and documentation.
    Util(util_list::UtilArgs),
    /// Explain why variables end with their values: assignments, the conditions
    /// that guarded them, and the ones that never ran (or `--matrix`: every caller).
    Explain(explain::ExplainArgs),
    /// Print every evaluation event (#set, #if, loop passes, $util calls) with line:column.
    Trace(explain::TraceArgs),
    /// Report parse errors and lints (`$$` typos, unknown `$util` functions, …) with snippets.
    Check(check::CheckArgs),
    /// Build a replayable context from a JWT, a browser HAR capture or AppSync CloudWatch logs.
    Context(context::ContextArgs),
    /// Diagnose "Unauthorized": AppSync's auth-mode check (schema directives), then the resolvers.
    Authz(authz::AuthzArgs),
    /// List a project's resolvers (Amplify Gen 1, CDK, SAM/CloudFormation, Serverless):
    /// kind, functions in order, data sources, template files.
    Resolvers(resolvers::ResolversArgs),
    /// Run one GraphQL request against a project as AppSync would: the auth
    /// check, each resolver's pipeline with mocked data sources, nested field
    /// resolvers; print the response (and why a template raised).
    Request(request::RequestArgs),
    /// Run the language server on standard input and output (for editors).
    ///
    /// Diagnostics (parse errors and every `vtl check` lint, with quick fixes),
    /// completion of $util, $ctx and variables, hover, go to definition,
    /// references, symbols, and explain in place: with a context (from the case
    /// folder that tests the template, a context.json beside it, or one picked
    /// with the `vtl.useContext` command), the value each #set left and the
    /// branches that did not run. Editors start it themselves: see
    /// editors/README.md (VS Code, Neovim, JetBrains).
    Lsp(lsp::LspArgs),
    /// Print a shell completion script.
    ///
    /// Examples:
    ///   vtl completions bash > ~/.local/share/bash-completion/completions/vtl
    ///   vtl completions zsh > "${fpath[1]}/_vtl"
    ///   vtl completions fish > ~/.config/fish/completions/vtl.fish
    ///   vtl completions powershell >> $PROFILE
    #[command(verbatim_doc_comment)]
    Completions(CompletionsArgs),
}

/// `vtl completions SHELL`.
#[derive(clap::Args, Debug)]
struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the completion script for a shell.
fn completions(args: CompletionsArgs) -> i32 {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "vtl", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    EXIT_OK
}

/// Output format of `explain`, `trace` and `check`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Format {
    /// For people: coloured on a terminal.
    #[default]
    Text,
    /// For programs.
    Json,
}

fn color_allowed(is_terminal: bool) -> bool {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            std::env::var_os("NO_COLOR").is_none()
                && std::env::var_os("CI").is_none()
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                && is_terminal
        }
    }
}

/// Whether to colour output written to stdout.
pub(crate) fn color_stdout() -> bool {
    color_allowed(std::io::stdout().is_terminal())
}

/// Whether to colour output written to stderr.
pub(crate) fn color_stderr() -> bool {
    color_allowed(std::io::stderr().is_terminal())
}

/// Set when standard output could not take what a command printed: the
/// command then exits with [`EXIT_USAGE`] whatever it found.
static STDOUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes to standard output. A reader that went away (`vtl render … | head -1`)
/// is not an error, where `println!` would panic; any other failure (a full
/// disk, `> /dev/full`) is said once on stderr and makes the exit code 2.
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        stdout_failed(&e);
    }
}

fn stdout_failed(e: &std::io::Error) {
    use std::sync::atomic::Ordering;
    if e.kind() != std::io::ErrorKind::BrokenPipe && !STDOUT_FAILED.swap(true, Ordering::Relaxed) {
        errln!("error: cannot write the output: {e}");
    }
}

/// Writes to standard error, ignoring failures: with stderr closed or full
/// there is nowhere left to say anything, and `errln!` would panic.
pub(crate) fn write_stderr(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// Flushes standard output (what is still buffered is written now, when its
/// failure can still change the exit code) and gives the exit code: `code`,
/// or 2 when standard output failed.
fn finish(code: i32) -> i32 {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().flush() {
        stdout_failed(&e);
    }
    if STDOUT_FAILED.load(std::sync::atomic::Ordering::Relaxed) {
        EXIT_USAGE
    } else {
        code
    }
}

/// Parses the arguments and runs the command; returns the exit code.
pub(crate) fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` print to stdout; usage errors to stderr.
            let (code, to_stdout) = if e.use_stderr() {
                (EXIT_USAGE, false)
            } else {
                (EXIT_OK, true)
            };
            if let (Err(failed), true) = (e.print(), to_stdout) {
                stdout_failed(&failed);
            }
            return finish(code);
        }
    };
    let choice = match cli.color {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR.store(choice, std::sync::atomic::Ordering::Relaxed);
    let code = match cli.command {
        Command::Render(args) => render::run(args),
        Command::Test(args) => test::run(args),
        Command::Util(args) => util_list::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Trace(args) => explain::run_trace(args),
        Command::Check(args) => check::run(args),
        Command::Context(args) => context::run(args),
        Command::Authz(args) => authz::run(args),
        Command::Resolvers(args) => resolvers::run(args),
        Command::Request(args) => request::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Completions(args) => completions(args),
    };
    finish(code)
}
