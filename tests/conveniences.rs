//! The small things a user meets on the way: shell completions, `--color`,
//! `TERM=dumb`, `vtl check DIR`, `--field`, JUnit times.

use std::path::Path;
use std::process::{Command, Output};

fn vtl(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vtl"));
    cmd.args(args).env_remove("NO_COLOR").env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("vtl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn completion_scripts_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _vtl"),
        ("zsh", "#compdef vtl"),
        ("fish", "complete -c vtl"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = vtl(&["completions", shell], &[]);
        assert!(out.status.success(), "{shell}");
        let script = text(&out.stdout);
        assert!(
            script.contains(marker),
            "{shell}: {}",
            &script[..200.min(script.len())]
        );
        assert!(
            script.contains("lsp") && script.contains("render"),
            "{shell}: subcommands"
        );
    }
    let out = vtl(&["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn color_is_chosen_by_flag_and_term() {
    let dir = tempfile::tempdir().expect("temp dir");
    let t = dir.path().join("t.vtl");
    std::fs::write(&t, "$util.toJsn(1)").expect("template");
    let t = t.to_string_lossy().to_string();
    let colored = |out: &Output| text(&out.stdout).contains('\u{1b}');
    assert!(colored(&vtl(
        &["check", &t, "--color", "always"],
        &[("TERM", "dumb")]
    )));
    assert!(!colored(&vtl(&["check", &t, "--color", "never"], &[])));
    // Not a terminal (a pipe): auto means no colour, and so does TERM=dumb.
    assert!(!colored(&vtl(&["check", &t], &[])));
    assert!(!colored(&vtl(
        &["--color", "auto", "check", &t],
        &[("TERM", "dumb")]
    )));
}

#[test]
fn check_walks_a_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("resolvers/post");
    std::fs::create_dir_all(&nested).expect("folders");
    std::fs::create_dir_all(dir.path().join("node_modules/x")).expect("folders");
    std::fs::write(nested.join("a.req.vtl"), "$util.toJsn(1)").expect("a");
    std::fs::write(dir.path().join("b.vtl"), "$util.toJson(1)").expect("b");
    std::fs::write(dir.path().join("node_modules/x/c.vtl"), "$$bad").expect("c");
    std::fs::write(dir.path().join("notes.txt"), "$$bad").expect("txt");
    let root = dir.path().to_string_lossy().to_string();
    let out = vtl(&["check", &root, "--color", "never"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let printed = text(&out.stdout);
    assert!(
        printed.contains("a.req.vtl")
            && printed.contains("2 files checked: 1 error(s), 0 warning(s)"),
        "{printed}"
    );
    let empty = tempfile::tempdir().expect("temp dir");
    let out = vtl(&["check", &empty.path().to_string_lossy()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no `.vtl` file under"));
}

#[test]
fn field_sets_the_info_without_a_context_edit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let t = dir.path().join("t.vtl");
    std::fs::write(&t, "$util.unauthorized()").expect("template");
    let t = t.to_string_lossy().to_string();
    let out = vtl(&["render", &t, "--field", "Mutation.createPost"], &[]);
    let printed = text(&out.stdout);
    assert!(
        printed.contains("Not Authorized to access createPost on type Mutation"),
        "{printed}"
    );
    let out = vtl(&["render", &t, "--field", "createPost"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected `Type.field`"));
}

#[test]
fn context_help_says_dash_reads_stdin() {
    let out = vtl(&["render", "--help"], &[]);
    assert!(text(&out.stdout).contains("`-` reads it from standard input"));
}

#[test]
fn junit_reports_carry_times() {
    let dir = tempfile::tempdir().expect("temp dir");
    let case = dir.path().join("c");
    std::fs::create_dir_all(&case).expect("case");
    std::fs::write(case.join("template.vtl"), "{}").expect("template");
    std::fs::write(case.join("context.json"), "{}").expect("context");
    let junit = dir.path().join("junit.xml");
    let out = vtl(
        &[
            "test",
            &case.to_string_lossy(),
            "--accept",
            "--junit",
            &junit.to_string_lossy(),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let xml = std::fs::read_to_string(Path::new(&junit)).expect("junit");
    let times = xml.matches(" time=\"").count();
    assert_eq!(times, 2, "{xml}"); // the suite and its test case
}
