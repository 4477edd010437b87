//! CloudFormation templates, JSON or YAML (SAM, plain CloudFormation, the
//! stacks Amplify Gen 1 writes, the CDK's `cdk.out`): `AWS::AppSync::Resolver`,
//! `AWS::AppSync::FunctionConfiguration`, `AWS::AppSync::DataSource` and
//! `AWS::AppSync::GraphQLSchema`, with nested stacks (`AWS::CloudFormation::Stack`)
//! read with the parameters their parent passes.
//!
//! Intrinsic functions are resolved offline where they can be: `Ref` to a
//! parameter (its value from the parent stack, else its `Default`),
//! `Fn::GetAtt X.Name` to resource X's `Name`, `Fn::Join`, `Fn::Sub`,
//! `Fn::Select`/`Fn::Split`, `Fn::FindInMap`. What needs a deployment
//! (`AWS::Region`, an API's id, `Fn::ImportValue`) stays as `<Ref AWS::Region>`.
//!
//! `…S3Location` properties lead to local files: CDK's `aws:asset:path`
//! metadata, then the asset manifests (`*.assets.json`, by object key), then
//! the S3 key's trailing path under the template's folder (Amplify's
//! `…/resolvers/<file>` is `build/resolvers/<file>`; SAM's local paths).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

use super::{
    line_of_key, parse_document, DataSource, Function, Location, Project, ProjectError,
    ProjectKind, Resolver, ResolverKind, Runtime, TemplateRef, INFRA_CAP,
};
use crate::input::{read_text, show_path};
use crate::outcome::AuthType;
use crate::replay::authz::ApiAuth;

/// How deep nested stacks go before the reader stops following them.
const MAX_STACK_DEPTH: usize = 8;
/// How deep an intrinsic function's arguments are followed.
const MAX_EVAL_DEPTH: usize = 64;
/// How many values one intrinsic expression may visit.
const EVAL_FUEL: usize = 100_000;

/// A string value, and whether it is exact or has `<…>` placeholders for
/// what only a deployment knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    /// The text.
    pub(crate) text: String,
    /// Whether every part was resolved.
    pub(crate) exact: bool,
}

impl Text {
    fn exact(s: impl Into<String>) -> Text {
        Text {
            text: s.into(),
            exact: true,
        }
    }

    fn unknown(what: impl std::fmt::Display) -> Text {
        Text {
            text: format!("<{what}>"),
            exact: false,
        }
    }
}

/// One template being read: its document and the values of its parameters.
pub(crate) struct Stack<'a> {
    doc: &'a Json,
    params: &'a Map<String, Json>,
    /// Steps left for one [`Stack::eval`]: names defined through each other
    /// must not take exponential time.
    fuel: std::cell::Cell<usize>,
}

impl<'a> Stack<'a> {
    pub(crate) fn new(doc: &'a Json, params: &'a Map<String, Json>) -> Stack<'a> {
        Stack {
            doc,
            params,
            fuel: std::cell::Cell::new(0),
        }
    }

    fn resource(&self, id: &str) -> Option<&'a Json> {
        self.doc.get("Resources")?.get(id)
    }

    /// A value as text, intrinsic functions resolved where they can be.
    pub(crate) fn eval(&self, v: &Json) -> Text {
        self.fuel.set(EVAL_FUEL);
        self.eval_at(v, 0)
    }

    fn eval_at(&self, v: &Json, depth: usize) -> Text {
        if depth > MAX_EVAL_DEPTH || self.fuel.get() == 0 {
            return Text::unknown("nested too deep");
        }
        self.fuel.set(self.fuel.get() - 1);
        let d = depth + 1;
        match v {
            Json::String(s) => Text::exact(s.clone()),
            Json::Number(n) => Text::exact(n.to_string()),
            Json::Bool(b) => Text::exact(b.to_string()),
            Json::Null => Text::exact(""),
            Json::Array(_) => Text::unknown("a list"),
            Json::Object(o) if o.len() == 1 => {
                let Some((name, arg)) = o.iter().next() else {
                    return Text::unknown("an empty object");
                };
                match name.as_str() {
                    "Ref" => match arg.as_str() {
                        Some(r) => self.reference(r, d),
                        None => Text::unknown("Ref"),
                    },
                    "Fn::GetAtt" => match get_att(arg) {
                        Some((id, attr)) => self.get_att(&id, &attr, d),
                        None => Text::unknown("Fn::GetAtt"),
                    },
                    "Fn::Join" => self.join(arg, d),
                    "Fn::Sub" => self.sub(arg, d),
                    "Fn::Select" => self.select(arg, d),
                    "Fn::FindInMap" => self.find_in_map(arg, d),
                    "Fn::If" => self.fn_if(arg, d),
                    other => Text::unknown(other),
                }
            }
            Json::Object(_) => Text::unknown("an object"),
        }
    }

    fn reference(&self, name: &str, d: usize) -> Text {
        if let Some(v) = self.params.get(name) {
            return self.eval_at(v, d);
        }
        if let Some(p) = self.doc.get("Parameters").and_then(|p| p.get(name)) {
            return match p.get("Default") {
                Some(v) => self.eval_at(v, d),
                None => Text::unknown(format!("Ref {name}")),
            };
        }
        Text::unknown(format!("Ref {name}"))
    }

    fn get_att(&self, id: &str, attr: &str, d: usize) -> Text {
        if attr == "Name" {
            if let Some(name) = self
                .resource(id)
                .and_then(|r| r.get("Properties"))
                .and_then(|p| p.get("Name"))
            {
                return self.eval_at(name, d);
            }
        }
        Text::unknown(format!("GetAtt {id}.{attr}"))
    }

    fn list(&self, v: &Json, d: usize) -> Option<Vec<Text>> {
        match v {
            Json::Array(items) => Some(items.iter().map(|i| self.eval_at(i, d)).collect()),
            Json::Object(o) if o.len() == 1 => {
                let arg = o.get("Fn::Split")?.as_array()?;
                let (sep, s) = (self.eval_at(arg.first()?, d), self.eval_at(arg.get(1)?, d));
                if !(sep.exact && s.exact) || sep.text.is_empty() {
                    return None;
                }
                Some(s.text.split(&sep.text).map(Text::exact).collect())
            }
            _ => None,
        }
    }

    fn join(&self, arg: &Json, d: usize) -> Text {
        let (Some(sep), Some(parts)) = (arg.get(0), arg.get(1)) else {
            return Text::unknown("Fn::Join");
        };
        let sep = self.eval_at(sep, d);
        let Some(parts) = self.list(parts, d) else {
            return Text::unknown("Fn::Join");
        };
        Text {
            exact: sep.exact && parts.iter().all(|p| p.exact),
            text: parts
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join(&sep.text),
        }
    }

    fn select(&self, arg: &Json, d: usize) -> Text {
        let index = arg
            .get(0)
            .map(|i| self.eval_at(i, d))
            .and_then(|i| i.text.parse::<usize>().ok());
        match (index, arg.get(1).and_then(|l| self.list(l, d))) {
            (Some(i), Some(items)) => items
                .get(i)
                .cloned()
                .unwrap_or_else(|| Text::unknown("Fn::Select past the list")),
            _ => Text::unknown("Fn::Select"),
        }
    }

    fn find_in_map(&self, arg: &Json, d: usize) -> Text {
        let keys: Vec<Text> = (0..3)
            .filter_map(|i| arg.get(i).map(|k| self.eval_at(k, d)))
            .collect();
        if keys.len() == 3 && keys.iter().all(|k| k.exact) {
            if let Some(v) = self
                .doc
                .get("Mappings")
                .and_then(|m| m.get(&keys[0].text))
                .and_then(|m| m.get(&keys[1].text))
                .and_then(|m| m.get(&keys[2].text))
            {
                return self.eval_at(v, d);
            }
        }
        Text::unknown("Fn::FindInMap")
    }

    fn fn_if(&self, arg: &Json, d: usize) -> Text {
        let cond = arg.get(0).and_then(Json::as_str).unwrap_or("?");
        let decided = self
            .doc
            .get("Conditions")
            .and_then(|c| c.get(cond))
            .and_then(|c| c.get("Fn::Equals"))
            .and_then(|e| {
                let (a, b) = (self.eval_at(e.get(0)?, d), self.eval_at(e.get(1)?, d));
                (a.exact && b.exact).then_some(a.text == b.text)
            });
        match (decided, arg.get(1), arg.get(2)) {
            (Some(true), Some(v), _) => self.eval_at(v, d),
            (Some(false), _, Some(v)) => self.eval_at(v, d),
            _ => Text::unknown(format!("Fn::If {cond}")),
        }
    }

    fn sub(&self, arg: &Json, d: usize) -> Text {
        let (text, vars) = match arg {
            Json::String(s) => (s.as_str(), None),
            Json::Array(a) => match (a.first().and_then(Json::as_str), a.get(1)) {
                (Some(s), vars) => (s, vars.and_then(Json::as_object)),
                _ => return Text::unknown("Fn::Sub"),
            },
            _ => return Text::unknown("Fn::Sub"),
        };
        let mut out = Text::exact("");
        let mut rest = text;
        while let Some(at) = rest.find("${") {
            out.text.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let Some(end) = after.find('}') else {
                out.text.push_str(&rest[at..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            let part = if let Some(literal) = name.strip_prefix('!') {
                Text::exact(format!("${{{literal}}}"))
            } else if let Some(v) = vars.and_then(|v| v.get(name)) {
                self.eval_at(v, d)
            } else if let Some((id, attr)) =
                name.split_once('.').filter(|_| !name.starts_with("AWS::"))
            {
                self.get_att(id, attr, d)
            } else {
                self.reference(name, d)
            };
            out.exact &= part.exact;
            out.text.push_str(&part.text);
            rest = &after[end + 1..];
        }
        out.text.push_str(rest);
        out
    }
}

/// `Fn::GetAtt`'s argument: `[id, attr]` or `"id.attr"`.
fn get_att(arg: &Json) -> Option<(String, String)> {
    match arg {
        Json::Array(a) => Some((
            a.first()?.as_str()?.to_string(),
            a.get(1)?.as_str()?.to_string(),
        )),
        Json::String(s) => s
            .split_once('.')
            .map(|(a, b)| (a.to_string(), b.to_string())),
        _ => None,
    }
}

/// Where S3 keys and asset paths may be found on disk.
#[derive(Debug, Default)]
pub(crate) struct Files {
    /// Folders under which an S3 key's trailing path is looked for.
    pub(crate) bases: Vec<PathBuf>,
    /// CDK asset object keys and their local files.
    pub(crate) assets: Vec<(String, PathBuf)>,
}

impl Files {
    /// The local file of an S3 location (`s3://bucket/key`, an https URL, or
    /// a local path as SAM takes it), if any.
    fn locate(&self, location: &str) -> Option<PathBuf> {
        let path = location
            .strip_prefix("s3://")
            .or_else(|| location.strip_prefix("https://"))
            .or_else(|| location.strip_prefix("http://"))
            .unwrap_or(location);
        let parts: Vec<&str> = path
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if parts.contains(&"..") {
            return None;
        }
        if let Some(last) = parts.last() {
            if let Some((_, file)) = self.assets.iter().find(|(k, _)| k == last) {
                if file.is_file() {
                    return Some(file.clone());
                }
            }
        }
        for start in 0..parts.len() {
            let suffix = &parts[start..];
            if suffix.iter().any(|p| p.contains('<')) {
                continue;
            }
            for base in &self.bases {
                let candidate = suffix.iter().fold(base.clone(), |p, s| p.join(s));
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
        None
    }

    fn describe_bases(&self) -> String {
        self.bases
            .iter()
            .map(|b| show_path(b))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Reads every `*.assets.json` manifest in a `cdk.out` folder.
    pub(crate) fn add_cdk_assets(&mut self, cdk_out: &Path) -> Result<(), ProjectError> {
        for file in sorted_files(cdk_out)? {
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".assets.json") {
                continue;
            }
            let text = read_text(&file, INFRA_CAP)?;
            let doc = parse_document(&file, &text)?;
            let Some(entries) = doc.get("files").and_then(Json::as_object) else {
                continue;
            };
            for entry in entries.values() {
                let Some(source) = entry
                    .get("source")
                    .and_then(|s| s.get("path"))
                    .and_then(Json::as_str)
                else {
                    continue;
                };
                let local = cdk_out.join(source);
                for dest in entry
                    .get("destinations")
                    .and_then(Json::as_object)
                    .into_iter()
                    .flat_map(|d| d.values())
                {
                    if let Some(key) = dest.get("objectKey").and_then(Json::as_str) {
                        self.assets.push((key.to_string(), local.clone()));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The files in a folder, sorted by name (an unreadable folder is an error).
pub(crate) fn sorted_files(dir: &Path) -> Result<Vec<PathBuf>, ProjectError> {
    let entries = std::fs::read_dir(dir).map_err(|e| crate::input::InputError::Unreadable {
        path: show_path(dir),
        reason: e.to_string(),
    })?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Reads templates into one project, following nested stacks.
pub(crate) struct Reader {
    pub(crate) project: Project,
    pub(crate) files: Files,
}

impl Reader {
    pub(crate) fn new(kind: ProjectKind, root: &Path, files: Files) -> Reader {
        Reader {
            project: Project::new(kind, root),
            files,
        }
    }

    /// Reads one stack's template file with the parameters its parent passes.
    pub(crate) fn read_stack(
        &mut self,
        path: &Path,
        params: &Map<String, Json>,
        depth: usize,
    ) -> Result<(), ProjectError> {
        let text = read_text(path, INFRA_CAP)?;
        let doc = parse_document(path, &text)?;
        if !doc.get("Resources").is_some_and(Json::is_object) {
            return Err(ProjectError::Invalid {
                at: Location::new(path, None),
                message: "not a CloudFormation template: no `Resources` mapping".into(),
            });
        }
        self.read_doc(path, &text, &doc, params, depth);
        Ok(())
    }

    fn read_doc(
        &mut self,
        path: &Path,
        text: &str,
        doc: &Json,
        params: &Map<String, Json>,
        depth: usize,
    ) {
        let stack = Stack::new(doc, params);
        let Some(resources) = doc.get("Resources").and_then(Json::as_object) else {
            return;
        };
        let at = |id: &str| Location::new(path, line_of_key(text, id));
        let empty = Map::new();
        // The folder of this template is where its local paths start.
        let mut files = Files {
            bases: self.files.bases.clone(),
            assets: self.files.assets.clone(),
        };
        if let Some(dir) = path.parent() {
            if !files.bases.iter().any(|b| b == dir) {
                files.bases.push(dir.to_path_buf());
            }
        }
        for (id, r) in resources {
            let ty = r.get("Type").and_then(Json::as_str).unwrap_or("");
            let props = r
                .get("Properties")
                .and_then(Json::as_object)
                .unwrap_or(&empty);
            match ty {
                "AWS::AppSync::DataSource" => {
                    let name = self.name(&stack, props.get("Name"), &at(id), id);
                    let kind = stack.eval(props.get("Type").unwrap_or(&Json::Null)).text;
                    self.project.data_sources.push(DataSource {
                        name,
                        kind,
                        at: at(id),
                    });
                }
                "AWS::AppSync::Resolver" => {
                    let resolver =
                        self.resolver(&stack, &files, id, r, props, &at(id), resources, &at);
                    self.project.resolvers.push(resolver);
                }
                "AWS::AppSync::GraphQLSchema" => {
                    let schema = if let Some(def) = props.get("Definition") {
                        Some(TemplateRef::Inline(stack.eval(def).text))
                    } else {
                        props.get("DefinitionS3Location").map(|loc| {
                            self.s3(&stack, &files, loc, r, "DefinitionS3Location", &at(id))
                        })
                    };
                    if self.project.schema.is_none() {
                        self.project.schema = schema;
                    }
                }
                "AWS::AppSync::GraphQLApi" => self.auth_modes(&stack, props),
                "AWS::CloudFormation::Stack" => {
                    self.nested(&stack, &files, id, r, props, &at(id), depth);
                }
                "AWS::Serverless::GraphQLApi" => {
                    self.sam_graphql_api(&stack, &files, props, &at(id));
                }
                _ => {}
            }
        }
    }

    /// The API's auth modes (the first API's, when a project has several).
    fn auth_modes(&mut self, stack: &Stack<'_>, props: &Map<String, Json>) {
        let mode = |v: Option<&Json>| v.and_then(|v| AuthType::parse(&stack.eval(v).text));
        let Some(default) = mode(props.get("AuthenticationType")) else {
            return;
        };
        let additional = props
            .get("AdditionalAuthenticationProviders")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| mode(p.get("AuthenticationType")))
            .collect();
        self.project.auth.get_or_insert(ApiAuth {
            default,
            additional,
        });
    }

    /// SAM's own AppSync resource: data sources, functions and resolvers
    /// (always pipelines; SAM takes APPSYNC_JS code only) in one resource.
    fn sam_graphql_api(
        &mut self,
        stack: &Stack<'_>,
        files: &Files,
        props: &Map<String, Json>,
        at: &Location,
    ) {
        // `Auth: {Type, Additional: [{Type}]}`: the same modes under SAM's names.
        if let Some(auth) = props.get("Auth").and_then(Json::as_object) {
            let mut modes = Map::new();
            if let Some(t) = auth.get("Type") {
                modes.insert("AuthenticationType".into(), t.clone());
            }
            let additional: Vec<Json> = auth
                .get("Additional")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|a| Some(serde_json::json!({"AuthenticationType": a.get("Type")?})))
                .collect();
            modes.insert(
                "AdditionalAuthenticationProviders".into(),
                Json::Array(additional),
            );
            self.auth_modes(stack, &modes);
        }
        let code = |stack: &Stack<'_>, v: &Json| -> Option<TemplateRef> {
            if let Some(inline) = v.get("InlineCode") {
                return Some(TemplateRef::Inline(stack.eval(inline).text));
            }
            let uri = stack.eval(v.get("CodeUri")?).text;
            Some(match files.locate(&uri) {
                Some(p) => TemplateRef::File(p),
                None => TemplateRef::Missing(format!("CodeUri {uri}: no local file for it")),
            })
        };
        let runtime = |stack: &Stack<'_>, v: &Json| Runtime::AppsyncJs {
            version: v
                .get("Runtime")
                .and_then(|r| r.get("Version").or_else(|| r.get("RuntimeVersion")))
                .map_or_else(|| "1.0.0".to_string(), |x| stack.eval(x).text),
        };
        let kinds = [("DynamoDb", "AMAZON_DYNAMODB"), ("Lambda", "AWS_LAMBDA")];
        for (key, kind) in kinds {
            for (id, ds) in props
                .get("DataSources")
                .and_then(|d| d.get(key))
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
            {
                let name = ds
                    .get("Name")
                    .map_or_else(|| id.clone(), |n| stack.eval(n).text);
                self.project.data_sources.push(DataSource {
                    name,
                    kind: kind.to_string(),
                    at: at.clone(),
                });
            }
        }
        let functions = props.get("Functions").and_then(Json::as_object);
        for (ty, fields) in props
            .get("Resolvers")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            for (field, r) in fields.as_object().into_iter().flatten() {
                let mut fns = Vec::new();
                for name in r
                    .get("Pipeline")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                {
                    let f = functions.and_then(|f| f.get(name));
                    fns.push(Function {
                        name: name.to_string(),
                        data_source: f
                            .and_then(|f| f.get("DataSource"))
                            .map(|d| stack.eval(d).text),
                        runtime: f.map_or(
                            Runtime::AppsyncJs {
                                version: "1.0.0".into(),
                            },
                            |f| runtime(stack, f),
                        ),
                        request: None,
                        response: None,
                        code: match f {
                            Some(f) => code(stack, f),
                            None => Some(TemplateRef::Missing(format!(
                                "function {name}: not in Functions"
                            ))),
                        },
                        at: at.clone(),
                    });
                }
                self.project.resolvers.push(Resolver {
                    type_name: ty.clone(),
                    field_name: field.clone(),
                    kind: ResolverKind::Pipeline,
                    runtime: runtime(stack, r),
                    data_source: None,
                    request: None,
                    response: None,
                    code: code(stack, r),
                    functions: fns,
                    at: at.clone(),
                });
            }
        }
        if self.project.schema.is_none() {
            self.project.schema = match (props.get("SchemaInline"), props.get("SchemaUri")) {
                (Some(t), _) => Some(TemplateRef::Inline(stack.eval(t).text)),
                (None, Some(u)) => {
                    let uri = stack.eval(u).text;
                    Some(files.locate(&uri).map_or_else(
                        || TemplateRef::Missing(format!("SchemaUri {uri}: no local file for it")),
                        TemplateRef::File,
                    ))
                }
                _ => None,
            };
        }
    }

    fn name(&mut self, stack: &Stack<'_>, v: Option<&Json>, at: &Location, id: &str) -> String {
        let Some(v) = v else {
            self.project.note(at.clone(), format!("{id}: no Name"));
            return format!("<{id}>");
        };
        let t = stack.eval(v);
        if !t.exact {
            self.project.note(
                at.clone(),
                format!("{id}: the name {} needs a deployment to be known", t.text),
            );
        }
        t.text
    }

    /// A template given inline (`inline`) or as an S3 location (`s3`).
    #[allow(clippy::too_many_arguments)]
    fn template(
        &mut self,
        stack: &Stack<'_>,
        files: &Files,
        resource: &Json,
        props: &Map<String, Json>,
        inline: &str,
        s3: &str,
        at: &Location,
    ) -> Option<TemplateRef> {
        if let Some(v) = props.get(inline) {
            let t = stack.eval(v);
            if !t.exact {
                self.project.note(
                    at.clone(),
                    format!(
                        "{inline}: parts only a deployment knows are left as <…>: {}",
                        placeholders(&t.text)
                    ),
                );
            }
            return Some(TemplateRef::Inline(t.text));
        }
        props
            .get(s3)
            .map(|loc| self.s3(stack, files, loc, resource, s3, at))
    }

    fn s3(
        &mut self,
        stack: &Stack<'_>,
        files: &Files,
        location: &Json,
        resource: &Json,
        property: &str,
        at: &Location,
    ) -> TemplateRef {
        // CDK's own pointer: `aws:asset:path` for `aws:asset:property`.
        let meta = resource.get("Metadata");
        let asset = meta
            .and_then(|m| m.get("aws:asset:path"))
            .and_then(Json::as_str)
            .filter(|_| {
                meta.and_then(|m| m.get("aws:asset:property"))
                    .and_then(Json::as_str)
                    == Some(property)
            });
        if let Some(asset) = asset {
            for base in &files.bases {
                let p = base.join(asset);
                if p.is_file() {
                    return TemplateRef::File(p);
                }
            }
        }
        let t = stack.eval(location);
        match files.locate(&t.text) {
            Some(p) => TemplateRef::File(p),
            None => {
                let why = format!(
                    "{property} {}: no local file for it (looked under {})",
                    t.text,
                    files.describe_bases()
                );
                self.project.note(at.clone(), why.clone());
                TemplateRef::Missing(why)
            }
        }
    }

    fn runtime(stack: &Stack<'_>, props: &Map<String, Json>) -> Runtime {
        match props.get("Runtime") {
            Some(rt) => {
                let name = stack.eval(rt.get("Name").unwrap_or(&Json::Null)).text;
                if name == "APPSYNC_JS" {
                    Runtime::AppsyncJs {
                        version: stack
                            .eval(rt.get("RuntimeVersion").unwrap_or(&Json::Null))
                            .text,
                    }
                } else {
                    Runtime::Vtl
                }
            }
            None => Runtime::Vtl,
        }
    }

    fn code(
        &mut self,
        stack: &Stack<'_>,
        files: &Files,
        resource: &Json,
        props: &Map<String, Json>,
        at: &Location,
    ) -> Option<TemplateRef> {
        self.template(stack, files, resource, props, "Code", "CodeS3Location", at)
    }

    #[allow(clippy::too_many_arguments)]
    fn resolver(
        &mut self,
        stack: &Stack<'_>,
        files: &Files,
        id: &str,
        r: &Json,
        props: &Map<String, Json>,
        at: &Location,
        resources: &Map<String, Json>,
        at_of: &dyn Fn(&str) -> Location,
    ) -> Resolver {
        let field = |key: &str| {
            props
                .get(key)
                .map(|v| stack.eval(v).text)
                .unwrap_or_else(|| format!("<no {key}>"))
        };
        let kind = match props.get("Kind").map(|k| stack.eval(k).text).as_deref() {
            Some("PIPELINE") => ResolverKind::Pipeline,
            _ if props.contains_key("PipelineConfig") => ResolverKind::Pipeline,
            _ => ResolverKind::Unit,
        };
        let runtime = Self::runtime(stack, props);
        let data_source = props
            .get("DataSourceName")
            .map(|v| self.name(stack, Some(v), at, id));
        let request = self.template(
            stack,
            files,
            r,
            props,
            "RequestMappingTemplate",
            "RequestMappingTemplateS3Location",
            at,
        );
        let response = self.template(
            stack,
            files,
            r,
            props,
            "ResponseMappingTemplate",
            "ResponseMappingTemplateS3Location",
            at,
        );
        let code = self.code(stack, files, r, props, at);
        let mut functions = Vec::new();
        let listed = props
            .get("PipelineConfig")
            .and_then(|p| p.get("Functions"))
            .and_then(Json::as_array);
        for f in listed.into_iter().flatten() {
            let target = f
                .get("Fn::GetAtt")
                .and_then(get_att)
                .map(|(id, _)| id)
                .filter(|fid| resources.contains_key(fid));
            match target.and_then(|fid| resources.get(&fid).map(|res| (fid, res))) {
                Some((fid, res)) => {
                    let fprops = res.get("Properties").and_then(Json::as_object);
                    let fat = at_of(&fid);
                    let empty = Map::new();
                    let fprops = fprops.unwrap_or(&empty);
                    let name = self.name(stack, fprops.get("Name"), &fat, &fid);
                    let data_source = fprops
                        .get("DataSourceName")
                        .map(|v| self.name(stack, Some(v), &fat, &fid));
                    let request = self.template(
                        stack,
                        files,
                        res,
                        fprops,
                        "RequestMappingTemplate",
                        "RequestMappingTemplateS3Location",
                        &fat,
                    );
                    let response = self.template(
                        stack,
                        files,
                        res,
                        fprops,
                        "ResponseMappingTemplate",
                        "ResponseMappingTemplateS3Location",
                        &fat,
                    );
                    let code = self.code(stack, files, res, fprops, &fat);
                    functions.push(Function {
                        name,
                        data_source,
                        runtime: Self::runtime(stack, fprops),
                        request,
                        response,
                        code,
                        at: fat,
                    });
                }
                None => {
                    let what = stack.eval(f).text;
                    let why =
                        format!("function {what}: not a FunctionConfiguration of this template");
                    self.project.note(at.clone(), format!("{id}: {why}"));
                    functions.push(Function {
                        name: what,
                        data_source: None,
                        runtime: Runtime::Vtl,
                        request: Some(TemplateRef::Missing(why)),
                        response: None,
                        code: None,
                        at: at.clone(),
                    });
                }
            }
        }
        Resolver {
            type_name: field("TypeName"),
            field_name: field("FieldName"),
            kind,
            runtime,
            // A pipeline resolver has none in AppSync; one given is shown as it is.
            data_source,
            request,
            response,
            code,
            functions,
            at: at.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn nested(
        &mut self,
        stack: &Stack<'_>,
        files: &Files,
        id: &str,
        r: &Json,
        props: &Map<String, Json>,
        at: &Location,
        depth: usize,
    ) {
        if depth >= MAX_STACK_DEPTH {
            self.project.note(
                at.clone(),
                format!("{id}: nested stacks deeper than {MAX_STACK_DEPTH} are not followed"),
            );
            return;
        }
        let file = match self.s3(
            stack,
            files,
            props.get("TemplateURL").unwrap_or(&Json::Null),
            r,
            "TemplateURL",
            at,
        ) {
            TemplateRef::File(p) => p,
            _ => return,
        };
        // The parameters, resolved here: the nested stack sees their values.
        let mut params = Map::new();
        for (k, v) in props
            .get("Parameters")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let t = stack.eval(v);
            params.insert(k.clone(), Json::String(t.text));
        }
        if let Err(e) = self.read_stack(&file, &params, depth + 1) {
            self.project.note(at.clone(), format!("{id}: {e}"));
        }
    }
}

/// The `<…>` placeholders of a text, listed once each.
fn placeholders(text: &str) -> String {
    let mut found: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        let Some(end) = after.find('>') else { break };
        let p = &after[..=end];
        if !found.contains(&p) {
            found.push(p);
        }
        rest = &after[end + 1..];
    }
    found.join(", ")
}

/// Whether a parsed document is a CloudFormation template with AppSync resources.
fn has_appsync(doc: &Json) -> bool {
    doc.get("Resources")
        .and_then(Json::as_object)
        .is_some_and(|r| {
            r.values().any(|v| {
                v.get("Type").and_then(Json::as_str).is_some_and(|t| {
                    t.starts_with("AWS::AppSync::") || t == "AWS::Serverless::GraphQLApi"
                })
            })
        })
}

/// One CloudFormation or SAM template file.
pub fn read_template_file(path: &Path) -> Result<Project, ProjectError> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let files = Files {
        bases: vec![dir.to_path_buf()],
        assets: Vec::new(),
    };
    let mut reader = Reader::new(ProjectKind::Cloudformation, path, files);
    reader.read_stack(path, &Map::new(), 0)?;
    Ok(reader.project.finish())
}

/// The template files at the top of `dir` that hold AppSync resources
/// (`.yaml`, `.yml`, `.json`, `.template`; nested stacks are read through
/// their parents). `None` when there are none.
pub fn read_dir(dir: &Path) -> Result<Option<Project>, ProjectError> {
    let mut found = Vec::new();
    for file in sorted_files(dir)? {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "yaml" | "yml" | "json" | "template") {
            continue;
        }
        // A quick look first: most JSON files in a folder are not templates.
        let Ok(text) = read_text(&file, INFRA_CAP) else {
            continue;
        };
        if !text.contains("AWS::AppSync::") && !text.contains("AWS::Serverless::GraphQLApi") {
            continue;
        }
        let doc = parse_document(&file, &text)?;
        if has_appsync(&doc) {
            found.push((file, text, doc));
        }
    }
    if found.is_empty() {
        return Ok(None);
    }
    let files = Files {
        bases: vec![dir.to_path_buf()],
        assets: Vec::new(),
    };
    let mut reader = Reader::new(ProjectKind::Cloudformation, dir, files);
    for (file, text, doc) in &found {
        reader.read_doc(file, text, doc, &Map::new(), 0);
    }
    Ok(Some(reader.project.finish()))
}

/// A CDK cloud assembly: `dir/cdk.out`, `dir` itself when it is one, or
/// Amplify Gen 2's `dir/.amplify/artifacts/cdk.out`.
/// `None` when there is none.
pub fn read_cdk(dir: &Path) -> Result<Option<Project>, ProjectError> {
    // Amplify Gen 2 synthesizes with the CDK into `.amplify/artifacts/cdk.out`.
    let gen2 = dir.join(".amplify").join("artifacts").join("cdk.out");
    let cdk_out = if dir.join("manifest.json").is_file() && dir.join("cdk.out").is_file() {
        dir.to_path_buf()
    } else if dir.join("cdk.out").join("manifest.json").is_file() {
        dir.join("cdk.out")
    } else if gen2.join("manifest.json").is_file() {
        gen2
    } else {
        return Ok(None);
    };
    let mut files = Files {
        bases: vec![cdk_out.clone()],
        assets: Vec::new(),
    };
    files.add_cdk_assets(&cdk_out)?;
    let mut reader = Reader::new(ProjectKind::Cdk, dir, files);
    let manifest_path = cdk_out.join("manifest.json");
    let text = read_text(&manifest_path, INFRA_CAP)?;
    let manifest = parse_document(&manifest_path, &text)?;
    let mut stacks: Vec<PathBuf> = manifest
        .get("artifacts")
        .and_then(Json::as_object)
        .into_iter()
        .flat_map(|a| a.values())
        .filter(|a| a.get("type").and_then(Json::as_str) == Some("aws:cloudformation:stack"))
        .filter_map(|a| a.get("properties")?.get("templateFile")?.as_str())
        .map(|f| cdk_out.join(f))
        .collect();
    stacks.sort();
    if stacks.is_empty() {
        reader.project.note(
            Location::new(&manifest_path, None),
            "no CloudFormation stacks in the cloud assembly (stages in nested assemblies are not read yet)",
        );
    }
    for stack in stacks {
        reader.read_stack(&stack, &Map::new(), 0)?;
    }
    Ok(Some(reader.project.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(doc: Json, v: Json) -> Text {
        let params = Map::new();
        Stack::new(&doc, &params).eval(&v)
    }

    #[test]
    fn intrinsics_resolve_what_is_static() {
        let doc = json!({
            "Parameters": {"Stage": {"Type": "String", "Default": "dev"}, "Bucket": {"Type": "String"}},
            "Mappings": {"Env": {"dev": {"Table": "posts-dev"}}},
            "Conditions": {"IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]}},
            "Resources": {"Ds": {"Type": "AWS::AppSync::DataSource", "Properties": {"Name": {"Fn::Sub": "posts_${Stage}"}}}}
        });
        let cases = [
            (json!({"Ref": "Stage"}), "dev", true),
            (json!({"Ref": "AWS::Region"}), "<Ref AWS::Region>", false),
            (json!({"Ref": "Bucket"}), "<Ref Bucket>", false),
            (json!({"Fn::GetAtt": ["Ds", "Name"]}), "posts_dev", true),
            (json!({"Fn::GetAtt": "Ds.Name"}), "posts_dev", true),
            (
                json!({"Fn::GetAtt": ["Ds", "DataSourceArn"]}),
                "<GetAtt Ds.DataSourceArn>",
                false,
            ),
            (
                json!({"Fn::Join": ["/", ["s3:/", {"Ref": "Bucket"}, "resolvers", "Q.f.req.vtl"]]}),
                "s3://<Ref Bucket>/resolvers/Q.f.req.vtl",
                false,
            ),
            (
                json!({"Fn::Sub": ["${A}-${Stage}-${!Literal}-${Ds.Name}", {"A": "x"}]}),
                "x-dev-${Literal}-posts_dev",
                true,
            ),
            (
                json!({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}),
                "b",
                true,
            ),
            (
                json!({"Fn::FindInMap": ["Env", {"Ref": "Stage"}, "Table"]}),
                "posts-dev",
                true,
            ),
            (json!({"Fn::If": ["IsDev", "yes", "no"]}), "yes", true),
            (
                json!({"Fn::ImportValue": "Shared"}),
                "<Fn::ImportValue>",
                false,
            ),
            (json!({"Fn::Join": "not a list"}), "<Fn::Join>", false),
            (
                json!({"Fn::Select": [9, ["a"]]}),
                "<Fn::Select past the list>",
                false,
            ),
        ];
        for (v, text, exact) in cases {
            let t = eval(doc.clone(), v.clone());
            assert_eq!((t.text.as_str(), t.exact), (text, exact), "{v}");
        }
    }

    #[test]
    fn self_reference_does_not_loop() {
        let doc =
            json!({"Resources": {"A": {"Properties": {"Name": {"Fn::GetAtt": ["A", "Name"]}}}}});
        let t = eval(doc, json!({"Fn::GetAtt": ["A", "Name"]}));
        assert!(!t.exact);
        let twice = json!({"Fn::Join": ["", [{"Fn::GetAtt": ["A", "Name"]}, {"Fn::GetAtt": ["A", "Name"]}]]});
        let doc = json!({"Resources": {"A": {"Properties": {"Name": twice}}}});
        let t = eval(doc, json!({"Fn::GetAtt": ["A", "Name"]}));
        assert!(!t.exact);
    }

    #[test]
    fn s3_keys_find_local_files_by_their_trailing_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("resolvers")).unwrap();
        std::fs::write(dir.path().join("resolvers/Q.f.req.vtl"), "{}").unwrap();
        let files = Files {
            bases: vec![dir.path().to_path_buf()],
            assets: Vec::new(),
        };
        assert_eq!(
            files.locate("s3://<Ref Bucket>/<Ref Key>/resolvers/Q.f.req.vtl"),
            Some(dir.path().join("resolvers/Q.f.req.vtl"))
        );
        assert_eq!(files.locate("s3://b/resolvers/missing.vtl"), None);
        assert_eq!(files.locate("../resolvers/Q.f.req.vtl"), None);
    }
}
