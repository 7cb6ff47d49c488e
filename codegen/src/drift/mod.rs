//! `cargo xtask drift`: a structural comparison of two OpenAPI 3.0 documents, Microsoft's
//! description of a surface ("upstream") and the project's spec ("ours").
//!
//! Every difference is one line with a stable key, so that a checked-in allow-list
//! ([`allow`]) can name the ones that are meant:
//!
//! ```text
//! only-upstream path /users/{user-id}/onlineMeetings/{onlineMeeting-id}/recordings
//! only-ours method GET /me/onlineMeetings
//! only-upstream parameter GET /users/{user-id}/onlineMeetings query $filter
//! param-differs GET /users/{user-id}/onlineMeetings query $top: upstream optional integer, ours required integer
//! only-ours param-enum GET /users/{user-id}/onlineMeetings query $select subject
//! only-upstream request-body PATCH /users/{user-id}/onlineMeetings/{onlineMeeting-id}
//! only-upstream request-content POST /x application/json
//! schema-differs request POST /x application/json: upstream ref a, ours ref b
//! only-upstream response DELETE /x 204
//! only-ours response-content GET /x 200 text/vtt
//! schema-differs response GET /x 200 application/json: upstream ref a, ours ref b
//! only-upstream schema microsoft.graph.callRecording
//! kind-differs schema microsoft.graph.x: upstream enum, ours object
//! only-upstream allof microsoft.graph.onlineMeeting microsoft.graph.onlineMeetingBase
//! only-upstream property microsoft.graph.onlineMeeting.subject
//! type-differs property microsoft.graph.onlineMeeting.subject: upstream string?, ours integer
//! only-ours enum-member microsoft.graph.onlineMeetingRole coorganizer
//! ```
//!
//! Properties of an inline schema (an action's body, a function's result) are compared under
//! the name of the place they are in: `property (request POST /x application/json).attendees`.
//!
//! Types are written `string`, `string/date-time`, `ref microsoft.graph.x`, `array of T`,
//! `anyOf(T | T)`, `object`, `any`; a trailing `?` means nullable (`nullable: true`, or the
//! `anyOf: [$ref, {nullable: true}]` idiom). A bare `$ref` cannot say whether it is nullable in
//! OpenAPI 3.0, so its nullability is not compared.
//!
//! What Graph's two published flavours (`openapi.yaml` and the PowerShell modules) spell
//! differently is not a difference; these rules are the whole list:
//! - a path segment's `microsoft.graph.` prefix is dropped (`.../microsoft.graph.createOrGet` is
//!   `.../createOrGet`), and keys show the path so;
//! - path parameters may be declared on the path item or on each operation;
//! - `default`, `4XX` and `5XX` responses are all the error response (status `error`); a range
//!   (`2XX`) is compared with each status of that range on the other side (`200`, `201`);
//! - `$ref`s to `components/parameters` and `components/responses` are followed; schema `$ref`s
//!   are compared by name;
//! - `@odata.type` properties and discriminators are not compared (the PowerShell flavour has
//!   none; they are the `@odata.type` machinery, not data);
//! - descriptions, examples, tags, operationIds, `x-` extensions and layout are not compared.

pub mod allow;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use schema::{key_str, Ty};

/// What can stop a drift check before it compares anything.
#[derive(Debug, thiserror::Error)]
pub enum DriftError {
    /// A file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A description is not YAML (or JSON).
    #[error("{file}: not valid YAML or JSON: {source}")]
    Yaml {
        /// The file.
        file: PathBuf,
        /// The parser's error, with its line and column.
        source: serde_yaml::Error,
    },
    /// A description is YAML but not shaped as an OpenAPI document where the check needs it.
    #[error("{file}: {pointer}: {problem}")]
    Shape {
        /// The file.
        file: PathBuf,
        /// JSON pointer of the offending node.
        pointer: String,
        /// What is wrong.
        problem: String,
    },
    /// Allow-list entries without a ` # reason`.
    #[error("{file}: allow-list entries need a reason (`KEY # why`); line(s) {lines:?} have none")]
    Unreasoned {
        /// The allow-list.
        file: PathBuf,
        /// 1-based line numbers.
        lines: Vec<usize>,
    },
}

/// Which document a one-sided difference is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Upstream,
    Ours,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Upstream => "only-upstream",
            Side::Ours => "only-ours",
        })
    }
}

/// A loaded description: the document and its file, for error messages.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file.
    pub file: PathBuf,
    /// The YAML data.
    pub root: Value,
}

impl Document {
    /// Reads and parses `file`.
    pub fn load(file: &Path) -> Result<Document, DriftError> {
        let text = std::fs::read_to_string(file).map_err(|source| DriftError::Read {
            file: file.to_owned(),
            source,
        })?;
        Document::parse(file, &text)
    }

    /// Parses `text` as the contents of `file` (the name is for error messages).
    pub fn parse(file: &Path, text: &str) -> Result<Document, DriftError> {
        let root: Value = serde_yaml::from_str(text).map_err(|source| DriftError::Yaml {
            file: file.to_owned(),
            source,
        })?;
        let doc = Document {
            file: file.to_owned(),
            root,
        };
        for (pointer, node) in [
            ("#", Some(&doc.root)),
            ("#/paths", doc.root.get("paths")),
            (
                "#/components/schemas",
                doc.root.get("components").and_then(|c| c.get("schemas")),
            ),
        ] {
            if node.is_some_and(|n| !n.is_mapping() && !n.is_null()) {
                return Err(DriftError::Shape {
                    file: doc.file.clone(),
                    pointer: pointer.into(),
                    problem: "expected a mapping".into(),
                });
            }
        }
        Ok(doc)
    }

    /// `#/components/<section>/<name>` of a local `$ref`, if it is one and resolves.
    fn resolve<'a>(&'a self, node: &'a Value, section: &str) -> &'a Value {
        let prefix = format!("#/components/{section}/");
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix(&prefix)
                .and_then(|name| self.root.get("components")?.get(section)?.get(name))
                .unwrap_or(node),
            None => node,
        }
    }
}

/// Loads both descriptions and the allow-list (if any), compares, and matches the differences
/// against the list.
pub fn check(
    upstream: &Path,
    spec: &Path,
    allow: Option<&Path>,
) -> Result<allow::Report, DriftError> {
    let list = match allow {
        Some(file) => allow::AllowList::load(file)?,
        None => allow::AllowList::default(),
    };
    let (up, ours) = (Document::load(upstream)?, Document::load(spec)?);
    Ok(allow::Report::new(compare(&up, &ours), &list))
}

/// Drops the `microsoft.graph.` namespace from every segment of a path.
pub fn normalize_path(path: &str) -> String {
    path.split('/')
        .map(|s| s.strip_prefix("microsoft.graph.").unwrap_or(s))
        .collect::<Vec<_>>()
        .join("/")
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every difference between `upstream` and `ours`, as keys, sorted and without repeats.
pub fn compare(upstream: &Document, ours: &Document) -> Vec<String> {
    let mut out = Diffs::default();
    let cx = Cx { up: upstream, ours };
    let (up_paths, our_paths) = (paths(upstream), paths(ours));
    both(
        &up_paths,
        &our_paths,
        &mut out,
        "path",
        |path, u, o, out| {
            let methods = |item: &Value| -> BTreeMap<String, Value> {
                METHODS
                    .iter()
                    .filter_map(|m| {
                        Some((
                            format!("{} {path}", m.to_uppercase()),
                            item.get(*m)?.clone(),
                        ))
                    })
                    .collect()
            };
            let (mu, mo) = (methods(u), methods(o));
            both(&mu, &mo, out, "method", |op, uop, oop, out| {
                operation(&cx, op, (u, uop), (o, oop), out);
            });
        },
    );
    let schemas = |d: &Document| -> BTreeMap<String, Value> {
        d.root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_mapping)
            .map(|m| m.iter().map(|(k, v)| (key_str(k), v.clone())).collect())
            .unwrap_or_default()
    };
    let (su, so) = (schemas(upstream), schemas(ours));
    both(&su, &so, &mut out, "schema", |name, u, o, out| {
        schema::component(name, u, o, out);
    });
    out.0.into_iter().collect()
}

/// Both documents, for resolving `$ref`s on either side.
struct Cx<'a> {
    up: &'a Document,
    ours: &'a Document,
}

/// The differences found so far.
#[derive(Default)]
struct Diffs(BTreeSet<String>);

impl Diffs {
    fn push(&mut self, key: String) {
        self.0.insert(key);
    }
}

/// Reports the keys in one map and not the other as `only-… WHAT KEY`, and calls `f` for the
/// keys in both.
fn both<U, O>(
    up: &BTreeMap<String, U>,
    ours: &BTreeMap<String, O>,
    out: &mut Diffs,
    what: &str,
    mut f: impl FnMut(&str, &U, &O, &mut Diffs),
) {
    for (k, u) in up {
        match ours.get(k) {
            Some(o) => f(k, u, o, out),
            None => out.push(format!("{} {what} {k}", Side::Upstream)),
        }
    }
    for k in ours.keys().filter(|k| !up.contains_key(*k)) {
        out.push(format!("{} {what} {k}", Side::Ours));
    }
}

fn paths(d: &Document) -> BTreeMap<String, Value> {
    d.root
        .get("paths")
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (normalize_path(&key_str(k)), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Parameters of an operation by `in name`: the path item's, overridden by the operation's.
fn parameters(d: &Document, item: &Value, op: &Value) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for list in [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
    {
        for p in list.as_sequence().into_iter().flatten() {
            let p = d.resolve(p, "parameters");
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            let place = p.get("in").and_then(Value::as_str).unwrap_or("?");
            all.insert(format!("{place} {name}"), p.clone());
        }
    }
    all
}

fn operation(
    cx: &Cx,
    op: &str,
    (ui, u): (&Value, &Value),
    (oi, o): (&Value, &Value),
    out: &mut Diffs,
) {
    let (pu, po) = (parameters(cx.up, ui, u), parameters(cx.ours, oi, o));
    both(
        &pu,
        &po,
        out,
        &format!("parameter {op}"),
        |name, u, o, out| {
            let show = |p: &Value| {
                let required = p.get("required").and_then(Value::as_bool) == Some(true);
                let ty = p.get("schema").map(Ty::of).unwrap_or_else(Ty::any);
                let word = if required { "required" } else { "optional" };
                (format!("{word} {}", ty.base), ty)
            };
            let ((su, tu), (so, to)) = (show(u), show(o));
            if su != so {
                out.push(format!(
                    "param-differs {op} {name}: upstream {su}, ours {so}"
                ));
            }
            if !tu.members.is_empty() {
                let set = |t: &Ty| t.members.iter().map(|m| (m.clone(), ())).collect();
                let (mu, mo): (BTreeMap<_, _>, BTreeMap<_, _>) = (set(&tu), set(&to));
                both(
                    &mu,
                    &mo,
                    out,
                    &format!("param-enum {op} {name}"),
                    |_, _, _, _| {},
                );
            }
        },
    );
    let body = |d: &Document, o: &Value| -> BTreeMap<String, Value> {
        o.get("requestBody")
            .map(|b| (op.to_string(), d.resolve(b, "requestBodies").clone()))
            .into_iter()
            .collect()
    };
    both(
        &body(cx.up, u),
        &body(cx.ours, o),
        out,
        "request-body",
        |_, u, o, out| {
            contents(
                &format!("request {op}"),
                &format!("request-content {op}"),
                u,
                o,
                out,
            );
        },
    );
    let (ru, ro) = (responses(cx.up, u), responses(cx.ours, o));
    let mut matched_ours = BTreeSet::new();
    for (status, ur) in &ru {
        let counterparts: Vec<&String> = ro
            .keys()
            .filter(|s| *s == status || in_range(status, s) || in_range(s, status))
            .collect();
        if counterparts.is_empty() {
            out.push(format!("only-upstream response {op} {status}"));
        }
        for s in counterparts {
            matched_ours.insert(s.clone());
            let place = format!("{op} {s}");
            contents(
                &format!("response {place}"),
                &format!("response-content {place}"),
                ur,
                &ro[s],
                out,
            );
        }
    }
    for s in ro.keys().filter(|s| !matched_ours.contains(*s)) {
        out.push(format!("only-ours response {op} {s}"));
    }
}

/// Whether `range` is a range status (`2XX`) that holds the status `code` (`201`).
fn in_range(range: &str, code: &str) -> bool {
    range.len() == 3
        && range.ends_with("XX")
        && code.len() == 3
        && code.as_bytes()[0] == range.as_bytes()[0]
        && code[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Responses by status, `default`/`4XX`/`5XX` merged into `error`.
fn responses(d: &Document, op: &Value) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for (k, v) in op
        .get("responses")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let status = match key_str(k) {
            s if s == "default" || s == "4XX" || s == "5XX" => "error".to_string(),
            s => s,
        };
        let v = d.resolve(v, "responses").clone();
        // Two error responses merge their content (the first of each type wins).
        let entry = all
            .entry(status)
            .or_insert_with(|| Value::Mapping(Default::default()));
        let (Some(target), Some(content)) = (
            entry.as_mapping_mut().map(|m| {
                m.entry("content".into())
                    .or_insert_with(|| Value::Mapping(Default::default()))
            }),
            v.get("content").and_then(Value::as_mapping),
        ) else {
            continue;
        };
        if let Some(target) = target.as_mapping_mut() {
            for (t, c) in content {
                target.entry(t.clone()).or_insert_with(|| c.clone());
            }
        }
    }
    all
}

/// Compares the `content` of two request bodies or responses: media types, then schemas.
fn contents(place: &str, what: &str, u: &Value, o: &Value, out: &mut Diffs) {
    let media = |v: &Value| -> BTreeMap<String, Value> {
        v.get("content")
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (key_str(k), v.get("schema").cloned().unwrap_or(Value::Null)))
                    .collect()
            })
            .unwrap_or_default()
    };
    both(
        &media(u),
        &media(o),
        out,
        what,
        |media_type, su, so, out| {
            let at = format!("{place} {media_type}");
            let (tu, to) = (Ty::of(su), Ty::of(so));
            if !tu.same(&to) {
                out.push(format!("schema-differs {at}: upstream {tu}, ours {to}"));
            } else if tu.base == "object" {
                schema::properties(&format!("({at})"), su, so, out);
            }
        },
    );
}
