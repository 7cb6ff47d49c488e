//! Operations: each path and method becomes an [`Operation`], built whole: its route and
//! builder (from [`super::paths`]), its body and responses (types from the [`TypeSpace`]), its
//! outcome enum, docs and retry class.

use std::collections::BTreeMap;

use openapiv3::ReferenceOr;

use super::options::{self, Options};
use super::output::{self, json_schema, BodyKind};
use super::paths::{self, Accessors, Route};
use super::types::TypeSpace;
use crate::error::{Error, Problem};
use crate::ir::*;
use crate::names::{self, Scope};
use crate::pointer;

/// What an operation sends and answers, before its builder is known.
struct Signature {
    body: Option<Body>,
    responses: Vec<Response>,
    outcome: Option<String>,
    output: Output,
    options: Options,
    options_type: Option<String>,
    doc: String,
    deprecated: Option<String>,
    idempotent: bool,
}

/// Types shared by `/me/...` and `/users/{id}/...` twins: outcome enums and option types, by
/// the name they want and what they hold.
#[derive(Default)]
struct Shared {
    outcomes: BTreeMap<(String, Vec<Response>), String>,
    options: BTreeMap<(String, OptionsKey), String>,
}

type OptionsKey = (
    Vec<RequestOption>,
    Vec<RequestOption>,
    Option<Function>,
    Output,
);

/// Every operation, sorted by path then method, and the request builders they hang on.
pub fn lower(types: &mut TypeSpace) -> Result<(Vec<Operation>, Vec<Builder>), Error> {
    let index = types.index;
    let mut accessors = Accessors::default();
    let mut chains: BTreeMap<String, String> = BTreeMap::new();
    let mut shared = Shared::default();
    let mut drafts: Vec<(String, String, Route, Signature)> = Vec::new();
    // Sorted, so that which of two clashing accessors gets the fallback name is stable.
    let mut paths: Vec<_> = index.api.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in paths {
        let at = pointer::push("#/paths", path);
        let ReferenceOr::Item(item) = item else {
            return Err(index.invalid(at, Problem::Unsupported("`$ref` path items".into())));
        };
        for (method, op) in item.iter() {
            let op_at = pointer::push(&at, method);
            let kind = op
                .extensions
                .get("x-ms-docs-operation-type")
                .and_then(|v| v.as_str());
            let collection = answers_a_page(types, op, &op_at)?;
            let route = paths::route(path, method, kind, collection, &at, &mut accessors)
                .map_err(|problem| index.invalid(at.clone(), Problem::Unsupported(problem)))?;
            let chain = route
                .steps
                .iter()
                .map(|s| format!("{}({})", s.method, s.params.len()))
                .chain([format!("{}({})", route.name, route.params.len())])
                .collect::<Vec<_>>()
                .join(".");
            let label = format!("{} {path}", method.to_uppercase());
            if let Some(first) = chains.insert(chain.clone(), label.clone()) {
                return Err(index.invalid(
                    op_at,
                    Problem::DuplicateOperation {
                        first,
                        second: label,
                        name: chain,
                    },
                ));
            }
            let params: Vec<_> = item
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (p, format!("{at}/parameters/{i}")))
                .chain(
                    op.parameters
                        .iter()
                        .enumerate()
                        .map(|(i, p)| (p, format!("{op_at}/parameters/{i}"))),
                )
                .collect();
            let site = Site {
                path,
                method,
                at: &op_at,
            };
            let signature = signature(types, site, op, params, &route, &mut shared)?;
            drafts.push((path.clone(), method.to_uppercase(), route, signature));
        }
    }
    drafts.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let (builders, placement) = paths::builder_tree(drafts.iter().map(|d| &d.2), &mut types.scope);
    let operations = drafts
        .into_iter()
        .zip(placement)
        .map(|((path, method, route, s), builder)| Operation {
            method,
            path,
            steps: route.steps,
            name: route.name,
            params: route.params,
            tail: route.tail,
            doc: s.doc,
            body: s.body,
            responses: s.responses,
            deprecated: s.deprecated,
            idempotent: s.idempotent,
            outcome: s.outcome,
            output: s.output,
            query: s.options.query,
            headers: s.options.headers,
            function: s.options.function,
            options_type: s.options_type,
            builder,
        })
        .collect();
    Ok((operations, builders))
}

/// Where an operation is.
#[derive(Clone, Copy)]
struct Site<'s> {
    path: &'s str,
    method: &'s str,
    at: &'s str,
}

/// Whether the first success response with a body answers with a page of a collection.
fn answers_a_page<'a>(
    types: &TypeSpace<'_, 'a>,
    op: &'a openapiv3::Operation,
    at: &str,
) -> Result<bool, Error> {
    for (code, response) in &op.responses.responses {
        let code = code.to_string();
        if !code.starts_with('2') {
            continue;
        }
        let r_at = pointer::push(&format!("{at}/responses"), &code);
        let (response, r_at) = types
            .index
            .item_or_component(response, r_at, "responses", |c| &c.responses)?;
        if !response.content.is_empty() {
            return output::is_page(types, response, &r_at);
        }
    }
    Ok(false)
}

fn signature<'a>(
    types: &mut TypeSpace<'_, 'a>,
    site: Site,
    op: &'a openapiv3::Operation,
    params: Vec<(&'a ReferenceOr<openapiv3::Parameter>, String)>,
    route: &Route,
    shared: &mut Shared,
) -> Result<Signature, Error> {
    let index = types.index;
    let at = site.at;
    let body = match &op.request_body {
        None => None,
        Some(body) => {
            let body_at = format!("{at}/requestBody");
            let (body, body_at) =
                index.item_or_component(body, body_at, "requestBodies", |c| &c.request_bodies)?;
            match json_schema(&body.content) {
                Some((media, schema)) => {
                    let hint = names::request_body_name(&route.name);
                    let schema_at = format!(
                        "{}/schema",
                        pointer::push(&format!("{body_at}/content"), media)
                    );
                    let (mut ty, _) = types.any_type(schema, &schema_at, &hint, 0)?;
                    if site.method == "patch" {
                        if let TypeRef::Named(name) = &ty {
                            if let Some(update) = types.update_type(name) {
                                ty = TypeRef::Named(update);
                            }
                        }
                    }
                    Some(Body::Json {
                        ty,
                        validate: body.extensions.get("x-graph-meetings-validate")
                            == Some(&serde_json::Value::Bool(true)),
                    })
                }
                None if body.content.is_empty() => None,
                None => Some(Body::Bytes),
            }
        }
    };
    let mut responses = Vec::new();
    let mut output: Option<Output> = None;
    let mut variants = Scope::default();
    let codes = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| (code.to_string(), r))
        .chain(
            op.responses
                .default
                .iter()
                .map(|r| ("default".to_string(), r)),
        );
    let hint = names::response_type(&route.name);
    for (code, response) in codes {
        let r_at = pointer::push(&format!("{at}/responses"), &code);
        let (response, r_at) =
            index.item_or_component(response, r_at, "responses", |c| &c.responses)?;
        let kind = output::body_kind(types, response, &r_at, &hint)?;
        let (status, range) = match code.as_bytes() {
            [d @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => (u16::from(d - b'0') * 100, true),
            _ => match code.parse::<u16>() {
                Ok(n) => (n, false),
                Err(_) => (0, true),
            },
        };
        if !(200..300).contains(&status) {
            continue;
        }
        let ty = match &kind {
            BodyKind::Json(ty) => Some(ty.clone()),
            _ => None,
        };
        let this = match kind {
            BodyKind::None => None,
            BodyKind::Json(ty) => Some(Output::Json(ty)),
            BodyKind::Page(item) => Some(Output::Page(item)),
            BodyKind::Count => Some(Output::Count),
            BodyKind::Content => Some(Output::Content),
        };
        output = output.or(this);
        let wanted = response
            .extensions
            .get("x-graph-meetings-variant")
            .and_then(|v| v.as_str())
            .map(names::camel)
            .unwrap_or_else(|| names::status_variant(status, range));
        let variant = variants.claim(wanted);
        responses.push(Response {
            status,
            range,
            doc: response.description.clone(),
            ty,
            predicate: names::predicate(&variant),
            variant,
        });
    }
    let typed = responses.iter().filter(|r| r.ty.is_some()).count();
    let outcome = (typed > 1).then(|| {
        let wanted = names::outcome_name(&route.name);
        shared
            .outcomes
            .entry((wanted.clone(), responses.clone()))
            .or_insert_with(|| types.scope.claim(wanted))
            .clone()
    });
    let output = match &outcome {
        Some(name) => Output::Outcome(name.clone()),
        None => output.unwrap_or(Output::Empty),
    };
    let step_names: Vec<String> = route.steps.iter().map(|s| s.method.clone()).collect();
    let wanted = names::options_type(&step_names, &route.name);
    let mut taken: Vec<&str> = route.params.iter().map(|p| p.name.as_str()).collect();
    taken.extend(
        route
            .steps
            .iter()
            .flat_map(|s| s.params.iter().map(|p| p.name.as_str())),
    );
    taken.push("body");
    let options = options::lower(types, params, route.alias_call.as_ref(), &wanted, &taken)?;
    let has_options =
        !options.query.is_empty() || !options.headers.is_empty() || options.function.is_some();
    let options_type = has_options.then(|| {
        let key = (
            options.query.clone(),
            options.headers.clone(),
            options.function.clone(),
            output.clone(),
        );
        shared
            .options
            .entry((wanted.clone(), key))
            .or_insert_with(|| types.scope.claim(wanted))
            .clone()
    });
    Ok(Signature {
        body,
        responses,
        outcome,
        output,
        options,
        options_type,
        doc: operation_doc(op, site.method, site.path),
        deprecated: deprecation(op),
        idempotent: matches!(site.method, "get" | "put" | "delete" | "head" | "options")
            || op.extensions.get("x-graph-meetings-idempotent")
                == Some(&serde_json::Value::Bool(true)),
    })
}

fn operation_doc(op: &openapiv3::Operation, method: &str, path: &str) -> String {
    let mut doc = String::new();
    for part in [&op.summary, &op.description].into_iter().flatten() {
        if !part.trim().is_empty() {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(part.trim());
        }
    }
    if doc.is_empty() {
        doc = format!("`{} {}`", method.to_uppercase(), path);
    }
    doc
}

fn deprecation(op: &openapiv3::Operation) -> Option<String> {
    op.deprecated.then(|| {
        op.extensions
            .get("x-ms-deprecation")
            .map(|d| {
                let field = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("?").to_string();
                format!(
                    "Deprecated since {}; Graph removes it on {}. {}",
                    field("date"),
                    field("removalDate"),
                    field("description")
                )
            })
            .unwrap_or_else(|| "Deprecated.".into())
    })
}
