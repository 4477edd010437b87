//! `vtl resolvers [DIR]`: the resolvers a project deploys, read from its
//! infrastructure files: every `Type.field` with its kind, functions in order,
//! data sources and templates.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{color_stdout, Format, EXIT_OK, EXIT_USAGE};
use appsync_vtl::input::show_path;
use appsync_vtl::project::{
    self, DataSource, Function, Location, Project, ProjectError, Resolver, ResolverKind, Runtime,
    TemplateRef,
};
use appsync_vtl::report::Palette;

/// Arguments of `vtl resolvers`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    vtl resolvers                                   # the project in this folder\n  \
    vtl resolvers amplify/backend/api/blog          # Amplify Gen 1 (reads build/)\n  \
    vtl resolvers infra/cdk.out --format json       # a CDK cloud assembly, for tools\n  \
    vtl resolvers template.yaml                     # one SAM or CloudFormation template\n\n\
    Kinds, looked for in this order: Amplify Gen 1 (amplify/backend/api/<name>/build, a build/ \
    folder, or a build/resolvers folder of <Type>.<field>.*.vtl files), the AWS CDK (cdk.out, with \
    its asset manifest; Amplify Gen 2's .amplify/artifacts/cdk.out), the Serverless Framework's AppSync plugin (serverless.yml), SAM or \
    CloudFormation (.yaml, .yml, .json, .template files with AWS::AppSync resources).\n\n\
    Templates are printed as the file they resolve to (relative to DIR), `inline` when the \
    infrastructure file holds the text, or `missing` with the reason. Intrinsic functions are \
    resolved where they can be offline; the rest is shown as <Ref X> and listed under notes. \
    APPSYNC_JS resolvers are listed and marked as not evaluated.\n\n\
    Exit codes: 0 read, 2 not a project (the kinds looked for are listed) or a file that cannot \
    be read or parsed (with file:line).")]
pub(crate) struct ResolversArgs {
    /// The project folder (or one template file).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: ResolversArgs) -> i32 {
    let project = match project::read(&args.dir) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            if matches!(e, ProjectError::NotAProject { .. }) {
                errln!("(`vtl resolvers --help` says what each kind looks like)");
            }
            return EXIT_USAGE;
        }
    };
    let project = relative(project, &args.dir);
    match args.format {
        Format::Json => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&project).unwrap_or_default()
            );
        }
        Format::Text => out!("{}", text(&project, Palette::new(color_stdout()))),
    }
    EXIT_OK
}

/// `path` relative to `root` (the folder given, or the file's folder).
fn rel(path: &Path, root: &Path) -> PathBuf {
    let base = if root.is_file() {
        root.parent().unwrap_or(Path::new(""))
    } else {
        root
    };
    match path.strip_prefix(base) {
        Ok(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// The project with every path relative to `root`, so output does not
/// depend on where it was read from.
fn relative(mut p: Project, root: &Path) -> Project {
    let t = |t: &mut Option<TemplateRef>| {
        if let Some(TemplateRef::File(f)) = t {
            *f = rel(f, root);
        }
    };
    let l = |l: &mut Location| l.file = rel(&l.file, root);
    for r in &mut p.resolvers {
        t(&mut r.request);
        t(&mut r.response);
        t(&mut r.code);
        l(&mut r.at);
        for f in &mut r.functions {
            t(&mut f.request);
            t(&mut f.response);
            t(&mut f.code);
            l(&mut f.at);
        }
    }
    for d in &mut p.data_sources {
        l(&mut d.at);
    }
    t(&mut p.schema);
    for n in &mut p.notes {
        l(&mut n.at);
    }
    p
}

fn template(t: &Option<TemplateRef>) -> String {
    match t {
        None => "none".into(),
        Some(TemplateRef::File(f)) => show_path(f),
        Some(TemplateRef::Inline(_)) => "inline".into(),
        Some(TemplateRef::Missing(why)) => format!("missing: {why}"),
    }
}

fn data_source(name: &Option<String>, sources: &[DataSource]) -> String {
    match name {
        None => String::new(),
        Some(n) => match sources.iter().find(|d| &d.name == n) {
            Some(d) => format!("  data source {n} ({})", d.kind),
            None => format!("  data source {n} (not defined here)"),
        },
    }
}

fn runtime(r: &Runtime, p: Palette) -> String {
    match r {
        Runtime::Vtl => String::new(),
        Runtime::AppsyncJs { version } => format!(
            "  {}APPSYNC_JS {version} (not evaluated){}",
            p.yellow, p.reset
        ),
    }
}

fn templates(
    out: &mut String,
    indent: &str,
    names: [&str; 2],
    req: &Option<TemplateRef>,
    res: &Option<TemplateRef>,
    code: &Option<TemplateRef>,
) {
    if let Some(c) = code {
        out.push_str(&format!(
            "{indent}code      {}\n",
            template(&Some(c.clone()))
        ));
    }
    if req.is_some() || code.is_none() {
        out.push_str(&format!("{indent}{:<9} {}\n", names[0], template(req)));
    }
    if res.is_some() || code.is_none() {
        out.push_str(&format!("{indent}{:<9} {}\n", names[1], template(res)));
    }
}

fn function(out: &mut String, i: usize, f: &Function, sources: &[DataSource], p: Palette) {
    out.push_str(&format!(
        "  {}. {}{}{}{}{}\n",
        i + 1,
        p.bold,
        f.name,
        p.reset,
        data_source(&f.data_source, sources),
        runtime(&f.runtime, p)
    ));
    templates(
        out,
        "       ",
        ["request", "response"],
        &f.request,
        &f.response,
        &f.code,
    );
}

fn resolver(out: &mut String, r: &Resolver, sources: &[DataSource], p: Palette) {
    let kind = match r.kind {
        ResolverKind::Unit => "unit",
        ResolverKind::Pipeline => "pipeline",
    };
    out.push_str(&format!(
        "{}{}{}  {kind}{}{}  ({})\n",
        p.bold,
        r.key(),
        p.reset,
        data_source(&r.data_source, sources),
        runtime(&r.runtime, p),
        r.at
    ));
    match r.kind {
        ResolverKind::Unit => templates(
            out,
            "  ",
            ["request", "response"],
            &r.request,
            &r.response,
            &r.code,
        ),
        ResolverKind::Pipeline => {
            if r.code.is_some() {
                templates(out, "  ", ["before", "after"], &None, &None, &r.code);
            } else {
                out.push_str(&format!("  before    {}\n", template(&r.request)));
            }
            for (i, f) in r.functions.iter().enumerate() {
                function(out, i, f, sources, p);
            }
            if r.code.is_none() {
                out.push_str(&format!("  after     {}\n", template(&r.response)));
            }
        }
    }
}

fn text(project: &Project, p: Palette) -> String {
    let mut out = format!(
        "{}{}{} project: {}\n",
        p.bold,
        project.kind.label(),
        p.reset,
        show_path(&project.root)
    );
    out.push_str(&format!("schema: {}\n", template(&project.schema)));
    if let Some(auth) = &project.auth {
        let additional: Vec<&str> = auth.additional.iter().map(|a| a.api_name()).collect();
        out.push_str(&format!(
            "auth: {}{}\n",
            auth.default.api_name(),
            if additional.is_empty() {
                String::new()
            } else {
                format!(" (additional: {})", additional.join(", "))
            }
        ));
    }
    out.push_str(&format!(
        "{} resolvers, {} data sources\n\n",
        project.resolvers.len(),
        project.data_sources.len()
    ));
    for r in &project.resolvers {
        resolver(&mut out, r, &project.data_sources, p);
    }
    if !project.data_sources.is_empty() {
        out.push_str(&format!("\n{}data sources{}\n", p.bold, p.reset));
        let width = project
            .data_sources
            .iter()
            .map(|d| d.name.len())
            .max()
            .unwrap_or(0);
        for d in &project.data_sources {
            out.push_str(&format!("  {:width$}  {}  ({})\n", d.name, d.kind, d.at));
        }
    }
    if !project.notes.is_empty() {
        out.push_str(&format!("\n{}notes{}\n", p.bold, p.reset));
        for n in &project.notes {
            out.push_str(&format!("  {}: {}\n", n.at, n.message));
        }
    }
    out
}
