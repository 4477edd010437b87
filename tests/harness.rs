//! The harness behind `vtl test`: the snapshot workflow never loses data,
//! pipelines replay as AppSync runs them, bad input is exit code 2.

use std::fs;
use std::path::Path;
use std::process::Command;

use appsync_vtl::harness::{run_paths, Case, RunOptions, RunSummary, Status};
use serde_json::json;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn run(dir: &Path, accept: bool) -> RunSummary {
    let options = RunOptions {
        accept,
        ..RunOptions::default()
    };
    run_paths(&[dir.to_path_buf()], &options).unwrap()
}

fn snapshot_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("snapshots"))
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn snapshot_workflow_never_loses_data() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("greet");
    write(&case, "template.vtl", r#"{"hello": "$ctx.args.name"}"#);
    write(
        &case,
        "contexts/ann.json",
        r#"{"arguments": {"name": "Ann"}}"#,
    );

    // No snapshot: a pending .snap.new, and a failure.
    let first = run(&case, false);
    assert_eq!(first.summary_line(), "0 passed, 1 failed");
    assert_eq!(snapshot_files(&case), ["greet@ann.snap.new"]);

    // Accepting renames it into place.
    assert_eq!(run(&case, true).summary_line(), "1 passed, 0 failed");
    assert_eq!(snapshot_files(&case), ["greet@ann.snap"]);
    let accepted = fs::read_to_string(case.join("snapshots/greet@ann.snap")).unwrap();
    assert!(accepted.starts_with(
        "---\nsource: vtl test\nexpression: template.vtl\ninput_file: contexts/ann.json\n---\n{"
    ));

    // A change fails with a diff and leaves the accepted snapshot alone.
    write(&case, "template.vtl", r#"{"hello": "$ctx.args.name!"}"#);
    let changed = run(&case, false);
    assert_eq!(changed.exit_code(), 1);
    let diff = changed.results[0].diff.as_deref().unwrap();
    assert!(
        diff.contains("-    \"hello\": \"Ann\"\n+    \"hello\": \"Ann!\""),
        "{diff}"
    );
    assert_eq!(
        fs::read_to_string(case.join("snapshots/greet@ann.snap")).unwrap(),
        accepted
    );
    assert_eq!(
        snapshot_files(&case),
        ["greet@ann.snap", "greet@ann.snap.new"]
    );

    // Accepting reports the update; then all is clean.
    let summary = run(&case, true);
    assert!(
        summary.results[0].notes[0].starts_with("updated "),
        "{:?}",
        summary.results[0].notes
    );
    assert_eq!(snapshot_files(&case), ["greet@ann.snap"]);
    assert_eq!(run(&case, false).exit_code(), 0);
}

#[test]
fn corrupt_snapshot_is_a_clear_failure_and_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("c");
    write(&case, "template.vtl", "{}");
    write(&case, "context.json", "{}");
    let conflict = "<<<<<<< HEAD\n{}\n=======\n[]\n>>>>>>> other\n";
    write(&case, "snapshots/c@context.snap", conflict);
    for accept in [false, true] {
        let summary = run(&case, accept);
        let failure = &summary.results[0].failures[0];
        assert!(
            failure.contains("corrupt snapshot: line 1: expected `---`"),
            "{failure}"
        );
        assert_eq!(
            fs::read_to_string(case.join("snapshots/c@context.snap")).unwrap(),
            conflict
        );
    }
    assert!(case.join("snapshots/c@context.snap.new").is_file());
}

#[test]
fn assertions_fail_with_their_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("auth");
    write(
        &case,
        "template.vtl",
        r#"#if($util.authType() == "API Key Authorization")$util.unauthorized()#end{"ok": true}"#,
    );
    write(
        &case,
        "case.json",
        r#"{"callers": ["api-key", "cognito-user"], "expect": {"authorized": true, "json": {"/ok": true}}}"#,
    );
    write(
        &case,
        "context.json",
        r#"{"info": {"fieldName": "createThing", "parentTypeName": "Mutation"}}"#,
    );
    let summary = run(&case, true);
    let by_name = |n: &str| {
        summary
            .results
            .iter()
            .find(|r| r.name.ends_with(n))
            .unwrap()
    };
    assert_eq!(by_name("@context__cognito-user").status, Status::Passed);
    let api = by_name("@context__api-key");
    assert_eq!(api.status, Status::Failed);
    assert_eq!(
        api.failures,
        [
            "expect.authorized: expected true, got false (Unauthorized: Not Authorized to access createThing on type Mutation)",
            "expect.json /ok: expected true, but there is no such value",
        ]
    );
}

#[test]
fn bad_input_is_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("bad");
    write(&case, "case.json", "{\"tmplate\": \"x.vtl\"}");
    write(&case, "context.json", "{}");
    let summary = run(tmp.path(), false);
    assert_eq!(summary.results[0].status, Status::Error);
    assert!(summary.results[0].failures[0].contains("case.json:1:10: unknown field `tmplate`"));
    assert_eq!(summary.exit_code(), 2);
    assert!(run_paths(&[tmp.path().join("nowhere")], &RunOptions::default()).is_err());
}

fn pipeline_case(dir: &Path, functions: serde_json::Value) -> Case {
    write(
        dir,
        "before.vtl",
        r#"$util.qr($ctx.stash.put("seen", ["before"]))$util.toJson({"from": "before"})"#,
    );
    write(
        dir,
        "after.vtl",
        r#"$util.qr($ctx.stash.seen.add("after"))$util.toJson($ctx.prev.result)"#,
    );
    write(
        dir,
        "context.json",
        r#"{"arguments": {"input": {"id": "1"}}, "info": {"fieldName": "getThing", "parentTypeName": "Query"}}"#,
    );
    let case =
        json!({"pipeline": {"before": "before.vtl", "functions": functions, "after": "after.vtl"}});
    write(dir, "case.json", &case.to_string());
    Case::load(dir).unwrap()
}

#[test]
fn pipeline_return_skips_the_data_source_and_the_stash_is_shared() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "auth.req.vtl",
        r#"$util.qr($ctx.stash.seen.add("auth"))$util.qr($ctx.args.input.put("owner", "ann"))#return({"prev": $ctx.prev.result})"#,
    );
    write(
        dir,
        "get.req.vtl",
        r#"$util.appendError("soft", "Warn"){"version": "2018-05-29", "owner": "$ctx.args.input.owner", "prev": $util.toJson($ctx.prev.result)}"#,
    );
    write(
        dir,
        "get.res.vtl",
        r#"$util.qr($ctx.stash.seen.add("get"))$util.toJson($ctx.result)"#,
    );
    let case = pipeline_case(
        dir,
        json!([
            {"name": "auth", "request": "auth.req.vtl", "response": "get.res.vtl", "dataSource": {"result": "never"}},
            {"name": "get", "request": "get.req.vtl", "response": "get.res.vtl", "dataSource": {"result": {"id": "1"}}},
        ]),
    );
    let report = case.run(&case.tests[0]);
    assert_eq!(report.output, Some(json!({"id": "1"})));
    assert_eq!(
        report.steps,
        [
            "before",
            "auth.request (#return)",
            "get.request",
            "get.dataSource",
            "get.response",
            "after"
        ]
    );
    assert_eq!(
        report.stash,
        Some(json!({"seen": ["before", "auth", "get", "after"]}))
    );
    assert_eq!(
        report.requests,
        [
            json!({"function": "get", "request": {"version": "2018-05-29", "owner": "ann", "prev": {"prev": {"from": "before"}}}})
        ]
    );
    assert_eq!(
        report.errors,
        [
            json!({"path": ["getThing"], "data": null, "errorType": "Warn", "errorInfo": null, "locations": [], "message": "soft"})
        ]
    );
}

#[test]
fn pipeline_errors_stop_the_resolver() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "bad.req.vtl", r#"{"version": "2018-05-29", }"#);
    write(dir, "ok.req.vtl", r#"{"version": "2018-05-29"}"#);
    write(
        dir,
        "res.vtl",
        r#"#if($ctx.error)$util.error($ctx.error.message, $ctx.error.type)#end$util.toJson($ctx.result)"#,
    );
    let not_json = pipeline_case(
        dir,
        json!([{"request": "bad.req.vtl", "response": "res.vtl", "dataSource": {"result": 1}}]),
    );
    let report = not_json.run(&not_json.tests[0]);
    assert_eq!(report.output, Some(json!(null)));
    assert_eq!(report.errors[0]["errorType"], "MappingTemplate");
    assert!(report.errors[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Unable to parse the JSON document: "));
    assert_eq!(report.steps, ["before", "function1.request (error)"]);

    let ds_error = pipeline_case(
        dir,
        json!([{"request": "ok.req.vtl", "response": "res.vtl", "dataSource": {"error": {"message": "throttled", "type": "DynamoDB:ProvisionedThroughputExceededException"}}}]),
    );
    let report = ds_error.run(&ds_error.tests[0]);
    assert_eq!(report.errors[0]["message"], "throttled");
    assert_eq!(
        report.errors[0]["errorType"],
        "DynamoDB:ProvisionedThroughputExceededException"
    );
    assert_eq!(report.steps.last().unwrap(), "function1.response (error)");
}

fn vtl(args: &[&str], cwd: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vtl"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn cli_exit_codes_and_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("cases/a"),
        "template.vtl",
        r#"$util.toJson({"a": 1})"#,
    );
    write(&dir.join("cases/a"), "context.json", "{}");
    write(
        &dir.join("cases/b"),
        "template.vtl",
        r#"$util.toJson({"b": 2})"#,
    );
    write(
        &dir.join("cases/b"),
        "case.json",
        r#"{"callers": ["oidc"], "skip": "not yet"}"#,
    );
    let (code, out) = vtl(&["test", "cases"], dir);
    assert_eq!(code, 1);
    assert!(out.ends_with("0 passed, 1 failed, 1 skipped\n"), "{out}");
    let (code, out) = vtl(&["test", "cases", "--accept", "--junit", "junit.xml"], dir);
    assert_eq!(
        (code, out.lines().last()),
        (0, Some("1 passed, 0 failed, 1 skipped"))
    );
    let junit = fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(
        junit.contains("<testcase name=\"context\" classname=\"cases/a\" time=\""),
        "{junit}"
    );
    let (code, out) = vtl(&["test", "cases/a", "--format", "json"], dir);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (code, &doc["passed"], &doc["tests"][0]["report"]["output"]),
        (0, &json!(1), &json!({"a": 1}))
    );
    let (code, _) = vtl(&["test", "missing"], dir);
    assert_eq!(code, 2);
    let (code, out) = vtl(
        &["test", "cases/a", "--coverage", "--lcov", "cov.info"],
        dir,
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("template.vtl") && out.contains("1/1 100%"),
        "{out}"
    );
    assert!(fs::read_to_string(dir.join("cov.info"))
        .unwrap()
        .contains("DA:1,1\nLF:1\nLH:1\nend_of_record"));
}

#[test]
fn a_pipelines_response_headers_are_those_of_every_step() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "a.req.vtl",
        r#"$util.http.addResponseHeader("x-step", "a")$util.http.addResponseHeader("x-first", 1){}"#,
    );
    write(
        dir,
        "b.req.vtl",
        r#"$util.http.addResponseHeader("X-Step", "b"){}"#,
    );
    let case = pipeline_case(
        dir,
        json!([{"request": "a.req.vtl"}, {"request": "b.req.vtl"}]),
    );
    let report = case.run(&case.tests[0]);
    assert_eq!(
        report.response_headers,
        Some(json!({"x-first": 1, "X-Step": "b"}))
    );
}
