//! The answers of [`appsync_vtl::ide`] as the protocol's types.

use appsync_vtl::ide::{CompletionKind, SymbolKind};
use appsync_vtl::lint::Severity;
use appsync_vtl::source::Span;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionProviderCapability, CompletionItem,
    CompletionItemKind, CompletionOptions, CompletionResponse, CompletionTextEdit, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, DocumentSymbol,
    DocumentSymbolResponse, Documentation, ExecuteCommandOptions, GotoDefinitionResponse, Hover,
    HoverContents, HoverProviderCapability, InlayHint, InlayHintLabel, InlayHintTooltip, Location,
    MarkupContent, MarkupKind, NumberOrString, OneOf, Position, PositionEncodingKind, Range,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Url,
    WorkspaceEdit,
};

use super::text::Encoding;
use super::{Doc, USE_CONTEXT};

pub(super) fn capabilities(utf8: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(if utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["$".into(), ".".into(), "#".into(), "{".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![USE_CONTEXT.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

fn range(doc: &Doc, span: Span, enc: Encoding) -> Range {
    doc.text.range(span.start as usize, span.end as usize, enc)
}

/// Parse errors, lints and the bodies that did not run with the context.
pub(super) fn diagnostics(uri: &Url, doc: &Doc, enc: Encoding) -> Vec<Diagnostic> {
    let Some(analysis) = &doc.analysis else {
        return Vec::new();
    };
    let mut out: Vec<Diagnostic> = analysis
        .diagnostics(&[])
        .into_iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let related: Vec<DiagnosticRelatedInformation> = d
                .note_spans()
                .iter()
                .map(|(span, note)| DiagnosticRelatedInformation {
                    location: Location::new(uri.clone(), range(doc, *span, enc)),
                    message: note.clone(),
                })
                .collect();
            Diagnostic {
                range: range(doc, d.span(), enc),
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(d.lint.to_string())),
                source: Some("vtl".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            }
        })
        .collect();
    if let Some(Some(in_place)) = &doc.in_place {
        for span in &in_place.not_run {
            out.push(Diagnostic {
                range: range(doc, *span, enc),
                severity: Some(DiagnosticSeverity::HINT),
                code: Some(NumberOrString::String("not-run".into())),
                source: Some("vtl".into()),
                message: format!("not run with {}", in_place.context_name()),
                tags: Some(vec![DiagnosticTag::UNNECESSARY]),
                ..Diagnostic::default()
            });
        }
    }
    out
}

/// Quick fixes for the diagnostics that touch `wanted`.
pub(super) fn code_actions(
    uri: &Url,
    doc: &Doc,
    wanted: Range,
    enc: Encoding,
) -> Vec<CodeActionOrCommand> {
    let Some(analysis) = &doc.analysis else {
        return Vec::new();
    };
    let touches = |r: Range| r.start <= wanted.end && wanted.start <= r.end;
    analysis
        .diagnostics(&[])
        .into_iter()
        .filter(|d| touches(range(doc, d.span(), enc)))
        .filter_map(|d| {
            let fix = d.fix.clone()?;
            let edits: Vec<TextEdit> = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(range(doc, e.span, enc), e.text.clone()))
                .collect();
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![Diagnostic {
                    range: range(doc, d.span(), enc),
                    code: Some(NumberOrString::String(d.lint.to_string())),
                    source: Some("vtl".into()),
                    message: d.message.clone(),
                    ..Diagnostic::default()
                }]),
                edit: Some(WorkspaceEdit {
                    changes: Some([(uri.clone(), edits)].into_iter().collect()),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

pub(super) fn completions(doc: &Doc, pos: Position, enc: Encoding) -> CompletionResponse {
    let Some(analysis) = &doc.analysis else {
        return CompletionResponse::Array(Vec::new());
    };
    let offset = doc.text.offset(pos, enc);
    let items = analysis
        .completions(offset)
        .into_iter()
        .map(|c| CompletionItem {
            kind: Some(match c.kind {
                CompletionKind::Function => CompletionItemKind::FUNCTION,
                CompletionKind::Module => CompletionItemKind::MODULE,
                CompletionKind::Field => CompletionItemKind::FIELD,
                CompletionKind::Variable => CompletionItemKind::VARIABLE,
                CompletionKind::Keyword => CompletionItemKind::KEYWORD,
                CompletionKind::Macro => CompletionItemKind::FUNCTION,
            }),
            detail: c.detail,
            documentation: c.doc.map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d,
                })
            }),
            insert_text_format: Some(if c.snippet {
                lsp_types::InsertTextFormat::SNIPPET
            } else {
                lsp_types::InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                doc.text.range(c.replace_from, offset, enc),
                c.insert,
            ))),
            label: c.label,
            ..CompletionItem::default()
        })
        .collect();
    CompletionResponse::Array(items)
}

pub(super) fn hover(doc: &Doc, pos: Position, enc: Encoding) -> Option<Hover> {
    let analysis = doc.analysis.as_ref()?;
    let explained = doc.in_place.as_ref().and_then(Option::as_ref);
    let h = analysis.hover(doc.text.offset(pos, enc), explained)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(range(doc, h.span, enc)),
    })
}

pub(super) fn definition(
    uri: &Url,
    doc: &Doc,
    pos: Position,
    enc: Encoding,
) -> Option<GotoDefinitionResponse> {
    let span = doc
        .analysis
        .as_ref()?
        .definition(doc.text.offset(pos, enc))?;
    Some(GotoDefinitionResponse::Scalar(Location::new(
        uri.clone(),
        range(doc, span, enc),
    )))
}

pub(super) fn references(
    uri: &Url,
    doc: &Doc,
    pos: Position,
    with_definitions: bool,
    enc: Encoding,
) -> Vec<Location> {
    let Some(analysis) = &doc.analysis else {
        return Vec::new();
    };
    analysis
        .references(doc.text.offset(pos, enc), with_definitions)
        .into_iter()
        .map(|span| Location::new(uri.clone(), range(doc, span, enc)))
        .collect()
}

pub(super) fn symbols(doc: &Doc, enc: Encoding) -> DocumentSymbolResponse {
    let Some(analysis) = &doc.analysis else {
        return DocumentSymbolResponse::Nested(Vec::new());
    };
    #[allow(deprecated)] // `deprecated` is a required field of the type
    let symbols = analysis
        .symbols()
        .into_iter()
        .map(|s| DocumentSymbol {
            name: s.name,
            detail: None,
            kind: match s.kind {
                SymbolKind::Variable => lsp_types::SymbolKind::VARIABLE,
                SymbolKind::Macro => lsp_types::SymbolKind::FUNCTION,
            },
            tags: None,
            deprecated: None,
            range: range(doc, s.full.to(s.span), enc),
            selection_range: range(doc, s.span, enc),
            children: None,
        })
        .collect();
    DocumentSymbolResponse::Nested(symbols)
}

pub(super) fn inlay_hints(doc: &Doc, wanted: Range, enc: Encoding) -> Vec<InlayHint> {
    let Some(Some(in_place)) = &doc.in_place else {
        return Vec::new();
    };
    in_place
        .hints
        .iter()
        .map(|h| (doc.text.position(h.offset, enc), h))
        .filter(|(p, _)| wanted.start <= *p && *p <= wanted.end)
        .map(|(position, h)| InlayHint {
            position,
            label: InlayHintLabel::String(h.label.clone()),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(match &h.tooltip {
                Some(full) => format!("{full}\n(with {})", in_place.context_name()),
                None => format!("with {}", in_place.context_name()),
            })),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}
