//! `vtl explain` on every `tests/explain/*.vtl`. Header comments drive each case:
//! `## callers: api-key, cognito-user` (presets), `## watch: a, b`,
//! `## context: {…}` (the base context) and `## matrix` (add the table for every preset).

use appsync_vtl::explain::{explain, matrix};
use appsync_vtl::identity::Caller;
use appsync_vtl::{Engine, RequestContext};

fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix("## ")?.strip_prefix(key))
        .map(|rest| rest.trim_start_matches(':').trim())
}

fn list(text: &str, key: &str) -> Vec<String> {
    header(text, key)
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn explain_cases() {
    insta::glob!("explain/*.vtl", |path| {
        let text = std::fs::read_to_string(path).expect("readable test input");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let engine = Engine::new();
        let template = engine.parse(&name, &text).expect("test templates parse");
        let base = match header(&text, "context") {
            Some(json) => RequestContext::from_json_str(json).expect("valid context header"),
            None => RequestContext::new(),
        };
        let watch = list(&text, "watch");
        let mut report = String::new();
        for caller in list(&text, "callers") {
            let ctx = Caller::preset(&caller)
                .expect("known preset")
                .apply(base.clone());
            let traced = engine.trace(&template, &ctx);
            report.push_str(&format!("===== caller {caller}\n"));
            report.push_str(&explain(&template, &traced, &watch).to_text(false));
            report.push('\n');
        }
        if header(&text, "matrix").is_some() {
            let callers: Vec<(String, RequestContext)> = Caller::all()
                .into_iter()
                .map(|c| (c.name.clone(), c.apply(base.clone())))
                .collect();
            report.push_str("===== matrix\n");
            report.push_str(&matrix(&engine, &template, &callers, &watch).to_text(false));
        }
        insta::with_settings!({ description => text, omit_expression => true }, {
            insta::assert_snapshot!(report);
        });
    });
}
