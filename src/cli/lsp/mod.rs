//! `vtl lsp`: a language server over standard input and output. It converts
//! the protocol to and from [`appsync_vtl::ide`], which answers every
//! question; this file only keeps the open documents and the message loop.
//!
//! Edits are applied as they arrive; diagnostics (and the render against the
//! document's context) are computed once the queue of waiting messages is
//! empty, so a burst of keystrokes costs one analysis, for the newest text.

mod convert;
mod text;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

use appsync_vtl::ide::{contexts_for, Document, InPlace};
use appsync_vtl::Engine;
use clap::Args;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as n, request as r, Url};
use serde_json::Value as Json;

use super::{EXIT_FAILED, EXIT_OK};
use text::{Encoding, Text};

/// The command an editor sends to pick the context a document is explained
/// with: arguments `[documentUri, contextPath | null]` (null: back to the
/// contexts found beside the template).
pub(crate) const USE_CONTEXT: &str = "vtl.useContext";

/// `vtl lsp` (its help is the subcommand's doc comment in `cli/mod.rs`).
#[derive(Args, Debug)]
pub(crate) struct LspArgs {
    /// Accepted for clients that pass it (the server always speaks over stdio).
    #[arg(long)]
    stdio: bool,
}

/// One open document.
struct Doc {
    text: Text,
    version: i32,
    /// The analysis of the current text (made when first needed).
    analysis: Option<Document>,
    /// The context the user picked (`None`: the ones found beside the template).
    chosen_context: Option<PathBuf>,
    /// The render against the context, for the current text.
    in_place: Option<Option<InPlace>>,
}

struct Server {
    conn: Connection,
    enc: Encoding,
    docs: HashMap<Url, Doc>,
    /// Documents whose diagnostics are out of date.
    dirty: Vec<Url>,
    engine: Engine,
    inlay_refresh: bool,
}

pub(crate) fn run(_args: LspArgs) -> i32 {
    let (conn, io) = Connection::stdio();
    let code = match serve(conn) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            errln!("vtl lsp: {e}");
            EXIT_FAILED
        }
    };
    if let Err(e) = io.join() {
        errln!("vtl lsp: {e}");
    }
    code
}

/// Runs the protocol on a connection until `exit`.
pub(crate) fn serve(conn: Connection) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (id, params) = conn.initialize_start()?;
    let init: lsp_types::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let utf8 = init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&lsp_types::PositionEncodingKind::UTF8));
    let enc = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let inlay_refresh = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.inlay_hint.as_ref())
        .and_then(|h| h.refresh_support)
        .unwrap_or(false);
    let result = serde_json::json!({
        "capabilities": convert::capabilities(utf8),
        "serverInfo": { "name": "vtl", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)?;
    let mut server = Server {
        conn,
        enc,
        docs: HashMap::new(),
        dirty: Vec::new(),
        engine: Engine::new(),
        inlay_refresh,
    };
    server.main_loop()
}

impl Server {
    fn main_loop(&mut self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        while let Ok(first) = self.conn.receiver.recv() {
            // Everything already waiting is handled before any analysis.
            let mut batch = vec![first];
            batch.extend(self.conn.receiver.try_iter());
            for msg in batch {
                match msg {
                    Message::Request(req) => {
                        if self.conn.handle_shutdown(&req)? {
                            return Ok(());
                        }
                        let id = req.id.clone();
                        let method = req.method.clone();
                        // A bug must not end the user's session: a panic
                        // answers this request with an error, and the server goes on.
                        let answer =
                            std::panic::catch_unwind(AssertUnwindSafe(|| self.request(req)))
                                .unwrap_or_else(|_| {
                                    Err((
                                ErrorCode::InternalError,
                                format!("vtl lsp failed on `{method}` (a bug: please report it)"),
                            ))
                                });
                        let response = match answer {
                            Ok(result) => Response::new_ok(id, result),
                            Err((code, message)) => Response::new_err(id, code as i32, message),
                        };
                        self.conn.sender.send(response.into())?;
                    }
                    Message::Notification(note) => {
                        if note.method == n::Exit::METHOD {
                            return Ok(());
                        }
                        self.notification(note);
                    }
                    Message::Response(_) => {}
                }
            }
            self.publish_dirty()?;
        }
        Ok(())
    }

    fn notification(&mut self, note: Notification) {
        match note.method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(note.params) {
                    let uri = p.text_document.uri;
                    self.docs.insert(
                        uri.clone(),
                        Doc {
                            text: Text::new(p.text_document.text),
                            version: p.text_document.version,
                            analysis: None,
                            chosen_context: None,
                            in_place: None,
                        },
                    );
                    self.mark_dirty(uri);
                }
            }
            n::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(note.params) {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.get_mut(&uri) {
                        for change in p.content_changes {
                            doc.text.apply(change, self.enc);
                        }
                        doc.version = p.text_document.version;
                        doc.analysis = None;
                        doc.in_place = None;
                        self.mark_dirty(uri);
                    }
                }
            }
            n::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(note.params) {
                    self.docs.remove(&p.text_document.uri);
                    self.dirty.retain(|u| *u != p.text_document.uri);
                    let clear = lsp_types::PublishDiagnosticsParams {
                        uri: p.text_document.uri,
                        diagnostics: Vec::new(),
                        version: None,
                    };
                    self.notify::<n::PublishDiagnostics>(clear);
                }
            }
            n::DidSaveTextDocument::METHOD => {
                // A saved context or case file may change what the document is
                // explained with: render the open documents again.
                for doc in self.docs.values_mut() {
                    doc.in_place = None;
                }
                let uris: Vec<Url> = self.docs.keys().cloned().collect();
                for uri in uris {
                    self.mark_dirty(uri);
                }
            }
            _ => {}
        }
    }

    fn mark_dirty(&mut self, uri: Url) {
        if !self.dirty.contains(&uri) {
            self.dirty.push(uri);
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let note = Notification::new(N::METHOD.to_string(), params);
        // A closed connection ends the loop at the next receive.
        let _ = self.conn.sender.send(note.into());
    }

    fn publish_dirty(&mut self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let dirty = std::mem::take(&mut self.dirty);
        let refresh = !dirty.is_empty() && self.inlay_refresh;
        for uri in dirty {
            let enc = self.enc;
            let engine = self.engine.clone();
            let Some(doc) = self.docs.get_mut(&uri) else {
                continue;
            };
            let diagnostics = std::panic::catch_unwind(AssertUnwindSafe(|| {
                analyse(&uri, doc, &engine);
                convert::diagnostics(&uri, doc, enc)
            }))
            .unwrap_or_default();
            let params = lsp_types::PublishDiagnosticsParams {
                diagnostics,
                uri,
                version: Some(doc.version),
            };
            self.notify::<n::PublishDiagnostics>(params);
        }
        if refresh {
            let req = Request::new(
                RequestId::from("vtl-inlay-refresh".to_string()),
                r::InlayHintRefreshRequest::METHOD.to_string(),
                Json::Null,
            );
            self.conn.sender.send(req.into())?;
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Result<Json, (ErrorCode, String)> {
        let enc = self.enc;
        let engine = self.engine.clone();
        macro_rules! doc_for {
            ($uri:expr) => {{
                let uri: &Url = $uri;
                let doc = self.docs.get_mut(uri).ok_or((
                    ErrorCode::InvalidParams,
                    format!("the document {uri} is not open"),
                ))?;
                analyse(uri, doc, &engine);
                doc
            }};
        }
        let json = |v: Result<Json, serde_json::Error>| {
            v.map_err(|e| (ErrorCode::InternalError, e.to_string()))
        };
        match req.method.as_str() {
            r::Completion::METHOD => {
                let p: lsp_types::CompletionParams = parse_req(req.params)?;
                let pos = p.text_document_position;
                let doc = doc_for!(&pos.text_document.uri);
                json(serde_json::to_value(convert::completions(
                    doc,
                    pos.position,
                    enc,
                )))
            }
            r::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse_req(req.params)?;
                let pos = p.text_document_position_params;
                let doc = doc_for!(&pos.text_document.uri);
                json(serde_json::to_value(convert::hover(doc, pos.position, enc)))
            }
            r::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = parse_req(req.params)?;
                let pos = p.text_document_position_params;
                let uri = pos.text_document.uri.clone();
                let doc = doc_for!(&pos.text_document.uri);
                json(serde_json::to_value(convert::definition(
                    &uri,
                    doc,
                    pos.position,
                    enc,
                )))
            }
            r::References::METHOD => {
                let p: lsp_types::ReferenceParams = parse_req(req.params)?;
                let pos = p.text_document_position;
                let uri = pos.text_document.uri.clone();
                let doc = doc_for!(&pos.text_document.uri);
                json(serde_json::to_value(convert::references(
                    &uri,
                    doc,
                    pos.position,
                    p.context.include_declaration,
                    enc,
                )))
            }
            r::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = parse_req(req.params)?;
                let doc = doc_for!(&p.text_document.uri);
                json(serde_json::to_value(convert::symbols(doc, enc)))
            }
            r::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse_req(req.params)?;
                let uri = p.text_document.uri.clone();
                let doc = doc_for!(&p.text_document.uri);
                json(serde_json::to_value(convert::code_actions(
                    &uri, doc, p.range, enc,
                )))
            }
            r::InlayHintRequest::METHOD => {
                let p: lsp_types::InlayHintParams = parse_req(req.params)?;
                let doc = doc_for!(&p.text_document.uri);
                json(serde_json::to_value(convert::inlay_hints(
                    doc, p.range, enc,
                )))
            }
            r::ExecuteCommand::METHOD => {
                let p: lsp_types::ExecuteCommandParams = parse_req(req.params)?;
                self.execute(p)
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("vtl lsp does not answer `{}`", req.method),
            )),
        }
    }

    fn execute(&mut self, p: lsp_types::ExecuteCommandParams) -> Result<Json, (ErrorCode, String)> {
        if p.command != USE_CONTEXT {
            return Err((
                ErrorCode::InvalidParams,
                format!(
                    "unknown command `{}` (vtl lsp knows `{USE_CONTEXT}`)",
                    p.command
                ),
            ));
        }
        let bad = || {
            (
                ErrorCode::InvalidParams,
                format!("`{USE_CONTEXT}` takes [documentUri, contextPath or null]"),
            )
        };
        let uri = p
            .arguments
            .first()
            .and_then(Json::as_str)
            .and_then(|u| Url::parse(u).ok())
            .ok_or_else(bad)?;
        let chosen = match p.arguments.get(1) {
            None | Some(Json::Null) => None,
            Some(Json::String(path)) => Some(PathBuf::from(path)),
            Some(_) => return Err(bad()),
        };
        if let Some(path) = &chosen {
            appsync_vtl::input::read_context(path)
                .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        }
        let doc = self.docs.get_mut(&uri).ok_or((
            ErrorCode::InvalidParams,
            format!("the document {uri} is not open"),
        ))?;
        doc.chosen_context = chosen;
        doc.in_place = None;
        self.mark_dirty(uri);
        Ok(Json::Null)
    }
}

/// Parses and lints the document's text, and renders it against its
/// context, unless that was done for this text already.
fn analyse(uri: &Url, doc: &mut Doc, engine: &Engine) {
    let name = uri
        .to_file_path()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "template.vtl".to_string());
    let analysis = doc
        .analysis
        .get_or_insert_with(|| Document::new(&name, doc.text.as_str()));
    if doc.in_place.is_none() {
        let context = doc.chosen_context.clone().or_else(|| {
            uri.to_file_path()
                .ok()
                .and_then(|p| contexts_for(&p).into_iter().next())
        });
        let rendered = context.and_then(|path| {
            let ctx = appsync_vtl::input::read_context(&path).ok()?;
            let shown = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            InPlace::new(analysis, engine, &ctx, &shown)
        });
        doc.in_place = Some(rendered);
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Json) -> Result<T, serde_json::Error> {
    serde_json::from_value(params)
}

fn parse_req<T: serde::de::DeserializeOwned>(params: Json) -> Result<T, (ErrorCode, String)> {
    parse(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}
