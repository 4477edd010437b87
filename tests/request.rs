//! `vtl request`: whole GraphQL requests run against the project fixtures
//! under `templates/projects/` (their own request cases run in
//! `tests/templates.rs` through `vtl test`); here the command's output, exit
//! codes and the parts of execution a case folder does not show.

use std::io::Write;
use std::process::Command;

use serde_json::{json, Value as Json};

/// Runs `vtl` in the repository: (exit code, stdout, stderr).
fn vtl(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vtl"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env("CI", "1")
        .output()
        .expect("vtl runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A mocks file in the temporary folder.
fn mocks(name: &str, v: Json) -> String {
    let path = std::env::temp_dir().join(format!("vtl-request-{}-{name}.json", std::process::id()));
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(v.to_string().as_bytes()).unwrap();
    path.to_string_lossy().into_owned()
}

/// `--format json`'s response.
fn response(stdout: &str) -> Json {
    let v: Json = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    v["response"].clone()
}

const CDK: &str = "templates/projects/cdk";

#[test]
fn a_request_runs_to_the_graphql_response_and_exits_0() {
    let m = mocks(
        "ok",
        json!({"posts": {"result": {"id": "1", "title": "Hi", "content": "x"}}}),
    );
    let (code, stdout, stderr) = vtl(&[
        "request",
        CDK,
        "--operation",
        "query { getPost(id: \"1\") { id title } }",
        "--caller",
        "iam-auth",
        "--mocks",
        &m,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("ok getPost (Query.getPost)"), "{stdout}");
    assert!(stdout.contains("\"title\": \"Hi\""), "{stdout}");
    assert!(
        !stdout.contains("content"),
        "only selected fields: {stdout}"
    );
}

#[test]
fn a_raised_error_is_in_errors_with_its_path_and_explained() {
    let (code, stdout, _) = vtl(&[
        "request",
        CDK,
        "--operation",
        "mutation { createPost(title: \"\") { id } }",
        "--caller",
        "iam-auth",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("why createPost raised"), "{stdout}");
    assert!(
        stdout.contains("$util.isNullOrBlank($ctx.args.title)"),
        "{stdout}"
    );
    let (_, stdout, _) = vtl(&[
        "request",
        CDK,
        "--operation",
        "mutation { createPost(title: \"\") { id } }",
        "--caller",
        "iam-auth",
        "--format",
        "json",
    ]);
    let r = response(&stdout);
    assert_eq!(r["data"], json!({"createPost": null}));
    assert_eq!(r["errors"][0]["path"], json!(["createPost"]));
    assert_eq!(r["errors"][0]["errorType"], "ValidationError");
    assert_eq!(r["errors"][0]["locations"][0]["column"], 12);
    let v: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        v["resolvers"][0]["explanation"]["outcome"]["kind"], "error",
        "{stdout}"
    );
}

#[test]
fn a_request_no_mock_answers_exits_2_naming_the_data_source_and_showing_it() {
    let (code, _, stderr) = vtl(&[
        "request",
        CDK,
        "--operation",
        "query { getPost(id: \"42\") { id } }",
        "--caller",
        "iam-auth",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no mock for data source `posts`"),
        "{stderr}"
    );
    assert!(stderr.contains("\"GetItem\""), "{stderr}");
    // Served in order, each once: the second request finds none left.
    let m = mocks(
        "once",
        json!({"posts": [{"result": {"id": "1", "title": "a"}}]}),
    );
    let (code, stdout, stderr) = vtl(&[
        "request",
        CDK,
        "--operation",
        "{ a: getPost(id: \"1\") { id } b: getPost(id: \"2\") { id } }",
        "--caller",
        "iam-auth",
        "--mocks",
        &m,
    ]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("b: Query.getPost, function Query.getPost: no mock answers")
            && stderr.contains("served already"),
        "{stderr}"
    );
}

#[test]
fn null_in_a_non_null_field_nulls_its_parent_with_graphqls_error() {
    let m = mocks("nonnull", json!({"posts": {"result": {"id": "1"}}}));
    let (code, stdout, _) = vtl(&[
        "request",
        CDK,
        "--operation",
        "query { getPost(id: \"1\") { id title } }",
        "--caller",
        "iam-auth",
        "--mocks",
        &m,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let r = response(&stdout);
    assert_eq!(r["data"], json!({"getPost": null}));
    assert_eq!(
        r["errors"][0]["message"],
        "Cannot return null for non-nullable type: 'String' within parent 'Post' (/getPost/title)"
    );
    assert_eq!(r["errors"][0]["path"], json!(["getPost", "title"]));
}

#[test]
fn the_auth_check_answers_401_before_any_resolver() {
    let (code, stdout, _) = vtl(&[
        "request",
        CDK,
        "--operation",
        "query { getPost(id: \"1\") { id } }",
        "--caller",
        "api-key",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["resolvers"], json!([]));
    assert_eq!(
        v["response"],
        json!({"errors": [{"errorType": "UnauthorizedException", "message": "Valid authorization header not provided."}]})
    );
}

#[test]
fn nested_fields_run_their_own_resolvers_with_the_parent_as_source() {
    let m = mocks(
        "nested",
        json!({"PostTable": {"result": {"items": [
            {"id": "p1", "title": "a", "owner": "alice-sub::alice", "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"},
            {"id": "p2", "title": "b", "owner": "bob-sub::bob", "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"}
        ], "nextToken": null}}}),
    );
    let (code, stdout, stderr) = vtl(&[
        "request",
        "templates/projects/amplify-gen1",
        "--operation",
        "query { listPosts { items { id owner __typename } } }",
        "--caller",
        "api-key",
        "--mocks",
        &m,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        v["response"]["data"]["listPosts"]["items"],
        json!([{"id": "p1", "owner": "alice", "__typename": "Post"}, {"id": "p2", "owner": "bob", "__typename": "Post"}])
    );
    let paths: Vec<&Json> = v["resolvers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["path"])
        .collect();
    assert_eq!(
        paths,
        [
            &json!(["listPosts"]),
            &json!(["listPosts", "items", 0, "owner"]),
            &json!(["listPosts", "items", 1, "owner"])
        ]
    );
}

#[test]
fn usage_errors_exit_2_and_say_what_to_give() {
    let (code, _, stderr) = vtl(&["request", CDK, "--operation", "{ getPost(id: 1) { id } }"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--caller PRESET, --jwt TOKEN or --auth-type MODE"),
        "{stderr}"
    );
    let (code, _, stderr) = vtl(&[
        "request",
        "src",
        "--operation",
        "{ x }",
        "--caller",
        "api-key",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("src"), "{stderr}");
    let m = mocks("bad", json!({"posts": [{"result": 1, "whenever": {}}]}));
    let (code, _, stderr) = vtl(&[
        "request",
        CDK,
        "--operation",
        "{ ping }",
        "--caller",
        "iam-auth",
        "--mocks",
        &m,
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("posts[0]: unknown key `whenever`"),
        "{stderr}"
    );
}

mod never_panics {
    use appsync_vtl::execute::{execute, Api, Call};
    use appsync_vtl::identity::Caller;
    use appsync_vtl::pipeline::mocks::Mocks;
    use appsync_vtl::project;
    use appsync_vtl::replay::graphql;
    use appsync_vtl::Engine;
    use proptest::prelude::*;
    use serde_json::{json, Value as Json};

    fn any_json() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::from),
            any::<i64>().prop_map(Json::from),
            "[a-z:]{0,6}".prop_map(Json::from),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                prop::collection::btree_map(
                    "(id|title|owner|items|nextToken|scannedCount|__typename)",
                    inner,
                    0..5
                )
                .prop_map(|m| Json::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the data sources answer and whichever fields are
        /// selected, a request ends in a response (no panic), whose `data`
        /// holds only the selected root fields.
        #[test]
        fn any_answer_any_selection(
            answer in any_json(),
            fields in prop::collection::vec("(id|title|owner|content|__typename|nope)", 0..5),
            root in "(getPost\\(id: \"p1\"\\)|listPosts)",
            caller in "(api-key|cognito-user|cognito-other|iam-auth)",
        ) {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/projects/amplify-gen1");
            let project = project::read(std::path::Path::new(dir)).unwrap();
            let schema = project.parsed_schema().unwrap();
            let api = Api::new(&project, &schema, None).unwrap();
            let selection = if fields.is_empty() { "id".to_string() } else { fields.join(" ") };
            let body = if root == "listPosts" {
                format!("{{ items {{ {selection} }} }}")
            } else {
                format!("{{ {selection} }}")
            };
            let text = format!("query {{ {root} {body} }}");
            let op = graphql::parse(&text, None, &json!({})).unwrap();
            let call = Call::preset(&Caller::preset(&caller).unwrap());
            let mut mocks = Mocks::from_json(json!({"PostTable": {"result": answer}})).unwrap();
            let ex = execute(&Engine::new(), &api, &op, &call, &mut mocks, &[]);
            if let Some(data) = ex.response.get("data").and_then(Json::as_object) {
                prop_assert!(data.len() <= 1);
            }
        }
    }
}

#[test]
fn a_resolver_that_cannot_run_here_exits_2_and_leaves_the_response_alone() {
    let (code, stdout, stderr) = vtl(&[
        "request",
        CDK,
        "--operation",
        "{ listPosts { id } }",
        "--caller",
        "iam-auth",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("listPosts: ") && stderr.contains("APPSYNC_JS"),
        "{stderr}"
    );
    assert_eq!(response(&stdout), json!({"data": {"listPosts": null}}));
}

#[test]
fn a_captured_request_is_replayed_with_its_credentials_and_its_response_shown() {
    let body = json!({
        "query": "mutation { createPost(input: {title: \"Hi\"}) { id } }",
        "variables": {}
    });
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [{
        "request": {
            "method": "POST",
            "url": "https://abc.appsync-api.us-east-1.amazonaws.com/graphql",
            "headers": [{"name": "x-api-key", "value": "da2-fake"}, {"name": "content-type", "value": "application/json"}],
            "postData": {"mimeType": "application/json", "text": body.to_string()}
        },
        "response": {
            "status": 200,
            "headers": [],
            "content": {"mimeType": "application/json", "text": json!({
                "data": {"createPost": null},
                "errors": [{"path": ["createPost"], "errorType": "Unauthorized", "message": "Not Authorized to access createPost on type Mutation"}]
            }).to_string()}
        }
    }]}});
    let path = mocks("capture", har);
    let (code, stdout, stderr) =
        vtl(&["request", "templates/projects/amplify-gen1", "--har", &path]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("caller: API_KEY"), "{stdout}");
    assert!(
        stdout.contains("denied createPost by AppSync's auth check"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "captured response: Unauthorized: Not Authorized to access createPost on type Mutation"
        ),
        "{stdout}"
    );
}
