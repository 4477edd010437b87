//! Projects read as they deploy: `vtl resolvers` on each fixture under
//! `templates/projects/` (made by the real tools, see
//! `scripts/regen-project-fixtures.sh`) and `tests/projects/`, snapshotted;
//! `vtl authz --resolvers` on a project; and the readers on malformed input.

use std::path::Path;
use std::process::Command;

use appsync_vtl::project::{self, ProjectError, ProjectKind, ResolverKind, Runtime, TemplateRef};
use appsync_vtl::{AuthType, Engine};
use proptest::prelude::*;

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

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

#[test]
fn resolvers_of_each_fixture() {
    for (name, dir) in [
        ("amplify_gen1", "templates/projects/amplify-gen1"),
        ("cdk", "templates/projects/cdk"),
        ("sam", "templates/projects/sam"),
        ("serverless", "tests/projects/serverless"),
        ("amplify_resolvers_folder", "templates/resolvers/post"),
    ] {
        let (code, stdout, stderr) = vtl(&["resolvers", dir]);
        assert_eq!(code, 0, "{dir}: {stderr}");
        insta::assert_snapshot!(format!("resolvers_{name}"), stdout);
    }
}

#[test]
fn resolvers_json_for_tools() {
    let (code, stdout, stderr) = vtl(&["resolvers", "templates/projects/cdk", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["kind"], "cdk");
    insta::assert_snapshot!("resolvers_cdk_json", stdout);
}

#[test]
fn not_a_project_and_broken_files_exit_2_with_where() {
    let (code, _, stderr) = vtl(&["resolvers", "src"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a project"), "{stderr}");
    assert!(stderr.contains("AWS CDK"), "{stderr}");
    let (code, _, stderr) = vtl(&["resolvers", "tests/projects/bad-json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad-json/template.json:6: invalid JSON"),
        "{stderr}"
    );
    let (code, _, stderr) = vtl(&["resolvers", "tests/projects/bad-yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad-yaml/template.yaml:6: invalid YAML"),
        "{stderr}"
    );
    let (code, _, stderr) = vtl(&["resolvers", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such/dir: no such file"), "{stderr}");
}

#[test]
fn the_cdk_reader_follows_assets_and_marks_js() {
    let p = project::read(&repo("templates/projects/cdk")).unwrap();
    assert_eq!(p.kind, ProjectKind::Cdk);
    let create = p.resolver("Mutation", "createPost").unwrap();
    assert_eq!(create.kind, ResolverKind::Pipeline);
    let names: Vec<_> = create.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["validate", "save"]);
    assert_eq!(create.functions[1].data_source.as_deref(), Some("posts"));
    let by_author = p.resolver("Query", "postsByAuthor").unwrap();
    for t in [&by_author.request, &by_author.response] {
        let Some(TemplateRef::File(f)) = t else {
            panic!("{t:?}")
        };
        assert!(f.is_file(), "{}", f.display());
    }
    let list = p.resolver("Query", "listPosts").unwrap();
    assert!(matches!(list.runtime, Runtime::AppsyncJs { .. }));
    assert!(!list.runtime.evaluated());
    assert!(matches!(p.schema, Some(TemplateRef::Inline(_))));
}

#[test]
fn the_amplify_reader_follows_nested_stacks() {
    let p = project::read(&repo("templates/projects/amplify-gen1")).unwrap();
    assert_eq!(p.kind, ProjectKind::AmplifyGen1);
    let create = p.resolver("Mutation", "createPost").unwrap();
    // The NONE data source's name comes from the root stack through a parameter.
    assert_eq!(create.functions[0].data_source.as_deref(), Some("NONE_DS"));
    assert_eq!(p.data_source("NONE_DS").unwrap().kind, "NONE");
    let engine = Engine::new();
    let pipeline = create.request_pipeline(&engine).unwrap();
    let names: Vec<_> = pipeline.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Mutation.createPost.before",
            "Mutation.createPost.init.1.req.vtl",
            "Mutation.createPost.auth.1.req.vtl",
            "Query.getPost.postAuth.1.req.vtl",
            "Mutation.createPost.req.vtl"
        ]
    );
    for f in &pipeline.functions {
        assert!(
            f.request.template.is_ok(),
            "{}: {:?}",
            f.name,
            f.request.template
        );
    }
    // The same folder given as build/resolvers reads the stacks beside it.
    let again = project::read(&repo(
        "templates/projects/amplify-gen1/amplify/backend/api/blog/build/resolvers",
    ))
    .unwrap();
    assert_eq!(again.kind, ProjectKind::AmplifyGen1);
    assert_eq!(again.resolvers.len(), p.resolvers.len());
}

#[test]
fn missing_template_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Resources:\n  R:\n    Type: AWS::AppSync::Resolver\n    Properties:\n      TypeName: Query\n      FieldName: a\n      DataSourceName: !GetAtt Nope.Name\n      RequestMappingTemplateS3Location: !Sub s3://${Bucket}/gone.vtl\n",
    )
    .unwrap();
    let p = project::read(dir.path()).unwrap();
    let r = p.resolver("Query", "a").unwrap();
    assert!(
        matches!(&r.request, Some(TemplateRef::Missing(why)) if why.contains("gone.vtl")),
        "{:?}",
        r.request
    );
    assert_eq!(r.data_source.as_deref(), Some("<GetAtt Nope.Name>"));
    assert!(
        p.notes.iter().any(|n| n.at.line == Some(2)),
        "{:?}",
        p.notes
    );
}

#[test]
fn authz_runs_a_projects_request_templates_and_fails_when_none() {
    let schema = "templates/projects/amplify-gen1/amplify/backend/api/blog/build/schema.graphql";
    let base = [
        "authz",
        "--schema",
        schema,
        "--default-auth",
        "AMAZON_COGNITO_USER_POOLS",
        "--additional-auth",
        "API_KEY",
        "--auth",
        "API_KEY",
        "--now",
        "2024-01-15T10:30:45Z",
    ];
    let run = |op: &str, resolvers: &str| {
        let mut args = base.to_vec();
        args.extend(["--operation", op, "--resolvers", resolvers]);
        vtl(&args)
    };
    // API key may read: layer 1 passes, the request templates run and the auth one allows.
    let (code, stdout, stderr) = run(
        "query { getPost(id: \"1\") { id } }",
        "templates/projects/amplify-gen1",
    );
    assert!(stdout.contains("layer 2"), "{stdout}{stderr}");
    assert!(
        stdout.contains("rendered Query.getPost.auth.1.req.vtl"),
        "{stdout}{stderr}"
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    // A project without the field's resolver: nothing runs, exit 1.
    let (code, stdout, stderr) = run(
        "query { getPost(id: \"1\") { id } }",
        "templates/projects/sam",
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("no resolver for it"), "{stdout}");
    assert!(
        stderr.contains("no request template runs for Query.getPost"),
        "{stderr}"
    );
    // Not a project: exit 2.
    let (code, _, stderr) = run("query { getPost(id: \"1\") { id } }", "src");
    assert_eq!(code, 2);
    assert!(stderr.contains("not a project"), "{stderr}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever bytes the files hold, the readers answer (a project or an
    /// error), never panic.
    #[test]
    fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), pick in 0usize..4) {
        let dir = tempfile::tempdir().unwrap();
        let (name, prefix): (&str, &[u8]) = [
            ("template.yaml", b"Resources:\n  R:\n    Type: AWS::AppSync::Resolver\n    Properties: " as &[u8]),
            ("template.json", b"{\"Resources\": {\"R\": {\"Type\": \"AWS::AppSync::Resolver\", \"Properties\": "),
            ("serverless.yml", b"appSync:\n  resolvers: "),
            ("notes.yaml", b"# AWS::AppSync::\n"),
        ][pick];
        let mut content = prefix.to_vec();
        content.extend(&bytes);
        std::fs::write(dir.path().join(name), &content).unwrap();
        let _ = project::read(dir.path());
    }

    /// YAML and JSON made of CloudFormation-like pieces: parsed or refused with a line.
    #[test]
    fn structured_noise_is_read_or_refused_with_a_line(
        pieces in proptest::collection::vec(prop_oneof![
            Just("!Ref X"), Just("!GetAtt A.Name"), Just("!Sub '${A}'"), Just("!Join ['', [a, !Ref B]]"),
            Just("["), Just("]"), Just("{"), Just("}"), Just(": "), Just("\n  "), Just("\n"), Just("- "),
            Just("&a "), Just("*a"), Just("Fn::If"), Just("'"), Just("\""), Just("AWS::AppSync::Resolver"),
        ], 0..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("Resources:\n  R:\n    Type: AWS::AppSync::Resolver\n    Properties:\n      TypeName: {}\n", pieces.concat());
        std::fs::write(dir.path().join("template.yaml"), text).unwrap();
        match project::read(dir.path()) {
            Ok(_) => {}
            Err(ProjectError::Syntax { line, .. }) => prop_assert!(line >= 1),
            Err(ProjectError::NotAProject { .. } | ProjectError::Invalid { .. }) => {}
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

#[test]
fn a_cdk_pipeline_runs_from_the_project() {
    use appsync_vtl::pipeline::DataSource;
    use appsync_vtl::RequestContext;
    let p = project::read(&repo("templates/projects/cdk")).unwrap();
    let engine = Engine::new().with_now_millis(1_700_000_000_000);
    let mut asked = Vec::new();
    let pipeline = p
        .resolver("Mutation", "createPost")
        .unwrap()
        .pipeline(&engine, &mut |ds| {
            asked.push(ds.map(str::to_string));
            match ds {
                Some("posts") => DataSource::Result(serde_json::json!({"id": "p1", "title": "Hi"})),
                _ => DataSource::None,
            }
        })
        .unwrap();
    assert_eq!(asked, [Some("none".to_string()), Some("posts".to_string())]);
    let ctx = RequestContext::from_json(serde_json::json!({
        "arguments": {"title": "Hi"},
        "identity": {"username": "AROAEXAMPLE:alice", "userArn": "arn:aws:sts::123456789012:assumed-role/app/alice"},
        "info": {"parentTypeName": "Mutation", "fieldName": "createPost"}
    }))
    .unwrap();
    let run = engine.run_pipeline(&pipeline, &ctx);
    assert_eq!(
        run.output,
        Some(serde_json::json!({"id": "p1", "title": "Hi"})),
        "{:?}",
        run.raised
    );
    let put = run.requests.last().expect("a request to the table");
    assert_eq!(put["request"]["operation"], "PutItem", "{put}");
    // The APPSYNC_JS resolver is refused, with where it is defined.
    let e = p
        .resolver("Query", "listPosts")
        .unwrap()
        .pipeline(&engine, &mut |_| DataSource::None)
        .unwrap_err();
    assert!(e.to_string().contains("BlogApi.template.json:"), "{e}");
    assert!(e.to_string().contains("not evaluated"), "{e}");
}

#[test]
fn cdk_nested_stacks_get_their_parameters_and_assets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cdk.out");
    std::fs::create_dir_all(&out).unwrap();
    let write = |name: &str, v: serde_json::Value| {
        std::fs::write(out.join(name), serde_json::to_string_pretty(&v).unwrap()).unwrap()
    };
    std::fs::write(out.join("cdk.out"), r#"{"version":"55.0.0"}"#).unwrap();
    write(
        "manifest.json",
        serde_json::json!({"artifacts": {"Root": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Root.template.json"}}}}),
    );
    write(
        "Root.assets.json",
        serde_json::json!({"files": {
            "abc": {"source": {"path": "RootNested.nested.template.json", "packaging": "file"},
                    "destinations": {"d": {"bucketName": {"Fn::Sub": "cdk-${AWS::AccountId}"}, "objectKey": "abc.json"}}},
            "req": {"source": {"path": "asset.req.vtl", "packaging": "file"},
                    "destinations": {"d": {"objectKey": "req.vtl"}}}
        }}),
    );
    write(
        "Root.template.json",
        serde_json::json!({"Resources": {
            "Ds": {"Type": "AWS::AppSync::DataSource", "Properties": {"Name": "table", "Type": "AMAZON_DYNAMODB"}},
            "Nested": {"Type": "AWS::CloudFormation::Stack", "Properties": {
                "TemplateURL": {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, "/", {"Fn::Sub": "cdk-${AWS::AccountId}"}, "/abc.json"]]},
                "Parameters": {"refDsName": {"Fn::GetAtt": ["Ds", "Name"]}}
            }}
        }}),
    );
    write(
        "RootNested.nested.template.json",
        serde_json::json!({"Parameters": {"refDsName": {"Type": "String"}}, "Resources": {
            "R": {"Type": "AWS::AppSync::Resolver", "Properties": {
                "TypeName": "Query", "FieldName": "a", "DataSourceName": {"Ref": "refDsName"},
                "RequestMappingTemplateS3Location": {"Fn::Sub": "s3://cdk-${AWS::AccountId}/req.vtl"},
                "ResponseMappingTemplate": "$util.toJson($ctx.result)"
            }}
        }}),
    );
    std::fs::write(out.join("asset.req.vtl"), "{}").unwrap();
    let p = project::read(dir.path()).unwrap();
    assert_eq!(p.kind, ProjectKind::Cdk);
    let r = p.resolver("Query", "a").unwrap();
    assert_eq!(r.data_source.as_deref(), Some("table"));
    assert_eq!(
        r.request,
        Some(TemplateRef::File(out.join("asset.req.vtl")))
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn sams_own_graphql_api_is_listed_as_javascript() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    std::fs::write(
        dir.path().join("api/addPost.js"),
        "export function request() {}",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("api/schema.graphql"),
        "type Query { a: String }",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::GraphQLApi\n    Properties:\n      SchemaUri: ./api/schema.graphql\n      Auth:\n        Type: AWS_IAM\n        Additional:\n          - Type: API_KEY\n      DataSources:\n        DynamoDb:\n          Posts:\n            TableName: !Ref Table\n      Functions:\n        addPost:\n          Runtime: {Name: APPSYNC_JS, Version: 1.0.0}\n          DataSource: Posts\n          CodeUri: ./api/addPost.js\n      Resolvers:\n        Mutation:\n          addPost:\n            Runtime: {Name: APPSYNC_JS, Version: 1.0.0}\n            Pipeline: [addPost]\n",
    )
    .unwrap();
    let p = project::read(dir.path()).unwrap();
    let r = p.resolver("Mutation", "addPost").unwrap();
    assert_eq!(r.kind, ResolverKind::Pipeline);
    assert!(!r.runtime.evaluated());
    assert_eq!(r.functions[0].data_source.as_deref(), Some("Posts"));
    assert_eq!(
        r.functions[0].code,
        Some(TemplateRef::File(dir.path().join("api/addPost.js")))
    );
    assert_eq!(p.data_source("Posts").unwrap().kind, "AMAZON_DYNAMODB");
    assert!(matches!(p.schema, Some(TemplateRef::File(_))));
    let auth = p.auth.expect("SAM's Auth");
    assert_eq!(
        (auth.default, auth.additional),
        (AuthType::AwsIam, vec![AuthType::ApiKey])
    );
}

#[test]
fn authz_explains_a_cdk_pipeline_function() {
    let (code, stdout, stderr) = vtl(&[
        "authz",
        "--schema",
        "templates/projects/cdk/schema.graphql",
        "--default-auth",
        "AWS_IAM",
        "--operation",
        "mutation { createPost(title: \"\") { id } }",
        "--auth",
        "AWS_IAM",
        "--resolvers",
        "templates/projects/cdk",
        "--now",
        "2024-01-01T00:00:00Z",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("rendered Mutation.createPost.before"),
        "{stdout}"
    );
    assert!(stdout.contains("raised   validate"), "{stdout}");
    assert!(stdout.contains("A post needs a title"), "{stdout}");
}

#[test]
fn authz_takes_the_schema_and_auth_modes_from_the_project() {
    let (code, stdout, stderr) = vtl(&[
        "authz",
        "--resolvers",
        "templates/projects/amplify-gen1",
        "--operation",
        "query { listPosts { items { id } } }",
        "--auth",
        "API_KEY",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("api: default AMAZON_COGNITO_USER_POOLS, additional API_KEY"),
        "{stdout}"
    );
    assert!(
        stdout.contains("allowed by @aws_api_key on type Post"),
        "{stdout}"
    );
    // Without a project, the schema and modes must be given.
    let (code, _, stderr) = vtl(&["authz", "--operation", "{ x }", "--auth", "API_KEY"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("give --schema SCHEMA.graphql"), "{stderr}");
}
