//! YAML as CloudFormation reads it, into JSON: the short-form tags of
//! intrinsic functions (`!Ref X`, `!GetAtt A.B`, `!Sub`, `!Join`, …) become
//! their long form (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, …), plain
//! scalars follow YAML 1.2's core schema, anchors and aliases are expanded
//! (up to a budget, so an alias bomb is an error and not an exhausted
//! machine). Built on `yaml-rust2`'s event parser, which keeps line numbers.

use serde_json::{Map, Number, Value as Json};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The most values one document may expand to (aliases included).
const NODE_BUDGET: usize = 1_000_000;
/// How deep lists and mappings may nest (JSON's parser stops at 128 too).
const MAX_DEPTH: usize = 256;

/// What is wrong with a YAML text, and on which line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    /// 1-based line.
    pub(crate) line: usize,
    /// What is wrong.
    pub(crate) message: String,
}

/// A container being built: a sequence, or a mapping with the key waiting
/// for its value.
enum Open {
    Seq(Vec<Json>, Option<Tag>, usize),
    Map(Map<String, Json>, Option<String>, Option<Tag>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    docs: Vec<Json>,
    anchors: Vec<(usize, Json)>,
    nodes: usize,
    error: Option<YamlError>,
}

impl Builder {
    fn fail(&mut self, line: usize, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                line,
                message: message.into(),
            });
        }
    }

    fn count(&mut self, v: &Json, line: usize) {
        self.nodes = self.nodes.saturating_add(size(v));
        if self.nodes > NODE_BUDGET {
            self.fail(
                line,
                format!("expands to more than {NODE_BUDGET} values (aliases of aliases?)"),
            );
        }
    }

    /// A finished value goes into its parent (or is a document).
    fn push(&mut self, v: Json, anchor: usize, line: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, v.clone()));
        }
        match self.stack.last_mut() {
            None => self.docs.push(v),
            Some(Open::Seq(items, ..)) => items.push(v),
            Some(Open::Map(map, key, ..)) => match key.take() {
                Some(k) => {
                    map.insert(k, v);
                }
                None => match v {
                    Json::String(s) => *key = Some(s),
                    Json::Number(n) => *key = Some(n.to_string()),
                    Json::Bool(b) => *key = Some(b.to_string()),
                    Json::Null => *key = Some(String::new()),
                    _ => self.fail(line, "a mapping key that is a list or a mapping"),
                },
            },
        }
    }
}

/// The number of values in `v` (itself included).
fn size(v: &Json) -> usize {
    match v {
        Json::Array(a) => 1 + a.iter().map(size).sum::<usize>(),
        Json::Object(o) => 1 + o.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

/// A plain scalar under YAML 1.2's core schema.
fn plain(text: &str) -> Json {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Json::Null,
        "true" | "True" | "TRUE" => Json::Bool(true),
        "false" | "False" | "FALSE" => Json::Bool(false),
        _ => {
            let looks_numeric = text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
                && text.bytes().any(|b| b.is_ascii_digit());
            if looks_numeric {
                if let Ok(i) = text.parse::<i64>() {
                    return Json::Number(i.into());
                }
                if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
                    return Json::Number(n);
                }
            }
            Json::String(text.to_string())
        }
    }
}

/// A value under a tag: CloudFormation's short forms become long forms;
/// `!!str` and the other standard tags keep the value.
fn tagged(tag: Option<Tag>, v: Json) -> Json {
    let Some(tag) = tag else { return v };
    if tag.handle != "!" {
        return v;
    }
    let name = tag.suffix.as_str();
    let mut m = Map::new();
    match name {
        "Ref" | "Condition" => {
            m.insert(name.to_string(), v);
        }
        "GetAtt" => {
            let v = match v {
                Json::String(s) => match s.split_once('.') {
                    Some((id, attr)) => Json::Array(vec![id.into(), attr.into()]),
                    None => Json::Array(vec![s.into()]),
                },
                other => other,
            };
            m.insert("Fn::GetAtt".into(), v);
        }
        "" => return v,
        _ => {
            m.insert(format!("Fn::{name}"), v);
        }
    }
    Json::Object(m)
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let line = mark.line();
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let v = if style == TScalarStyle::Plain && tag.is_none() {
                    plain(&text)
                } else {
                    Json::String(text)
                };
                let v = tagged(tag, v);
                self.count(&v, line);
                self.push(v, anchor, line);
            }
            Event::Alias(id) => match self.anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, v)) => {
                    let v = v.clone();
                    self.count(&v, line);
                    self.push(v, 0, line);
                }
                None => self.fail(line, "an alias to an unknown anchor"),
            },
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.fail(
                    line,
                    format!("lists and mappings nested deeper than {MAX_DEPTH}"),
                );
            }
            Event::SequenceStart(anchor, tag) => {
                self.stack.push(Open::Seq(Vec::new(), tag, anchor));
            }
            Event::MappingStart(anchor, tag) => {
                self.stack.push(Open::Map(Map::new(), None, tag, anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (v, anchor) = match self.stack.pop() {
                    Some(Open::Seq(items, tag, anchor)) => {
                        (tagged(tag, Json::Array(items)), anchor)
                    }
                    Some(Open::Map(map, _, tag, anchor)) => {
                        (tagged(tag, Json::Object(map)), anchor)
                    }
                    None => return self.fail(line, "a container that ends before it starts"),
                };
                self.nodes = self.nodes.saturating_add(1);
                self.push(v, anchor, line);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// The first document of a YAML text, as JSON (`null` for an empty text).
pub(crate) fn parse(text: &str) -> Result<Json, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        return Err(YamlError {
            line: e.marker().line(),
            message: e.info().to_string(),
        });
    }
    if let Some(e) = builder.error {
        return Err(e);
    }
    Ok(builder.docs.into_iter().next().unwrap_or(Json::Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_form_tags_become_long_forms() {
        let v = parse(
            "A: !Ref Stage\nB: !GetAtt Api.ApiId\nC: !Sub 'x-${Stage}'\nD: !Join ['_', [a, !Ref S]]\nE: !Select [0, !GetAZs '']\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({
                "A": {"Ref": "Stage"},
                "B": {"Fn::GetAtt": ["Api", "ApiId"]},
                "C": {"Fn::Sub": "x-${Stage}"},
                "D": {"Fn::Join": ["_", ["a", {"Ref": "S"}]]},
                "E": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
            })
        );
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let v = parse("a: 1\nb: '1'\nc: true\nd: ~\ne: 2018-05-29\nf: \"2018-05-29\"\ng: 1.5\n")
            .unwrap();
        assert_eq!(
            v,
            json!({"a": 1, "b": "1", "c": true, "d": null, "e": "2018-05-29", "f": "2018-05-29", "g": 1.5})
        );
    }

    #[test]
    fn anchors_expand_and_bombs_do_not() {
        assert_eq!(
            parse("a: &x {k: v}\nb: *x\n").unwrap(),
            json!({"a": {"k": "v"}, "b": {"k": "v"}})
        );
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&bomb).unwrap_err();
        assert!(e.message.contains("more than"), "{e:?}");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let e = parse("? [a]\n: 1\n").unwrap_err();
        assert_eq!(e.line, 1, "{e:?}");
        let deep = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&deep).unwrap_err();
        assert!(
            e.message.contains("deeper") || e.message.contains("recursion"),
            "{e:?}"
        );
    }
}
