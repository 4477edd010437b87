//! `vtl check` on every `tests/check/*.vtl`: the diagnostics as `vtl check` prints them.

use std::sync::Arc;

use appsync_vtl::{lint, Source};

#[test]
fn check() {
    insta::glob!("check/*.vtl", |path| {
        let text = std::fs::read_to_string(path).expect("readable test input");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = Arc::new(Source::new(name, text.clone()));
        let found = lint::check(source.clone(), &[]);
        let mut report: String = found
            .iter()
            .map(|d| d.render(&source, false) + "\n")
            .collect();
        if report.is_empty() {
            report = "(no diagnostics)\n".into();
        }
        insta::with_settings!({ description => text, omit_expression => true }, {
            insta::assert_snapshot!(report);
        });
    });
}
