//! Operations: each path and method becomes an [`Operation`], built whole: its route and
//! builder (from [`super::paths`]), its body and responses (types from the [`TypeSpace`]), its
//! outcome enum, docs and retry class.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema};

use super::index::SchemaIndex;
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
    doc: String,
    deprecated: Option<String>,
    idempotent: bool,
}

/// Every operation, sorted by path then method, and the request builders they hang on.
pub fn lower(types: &mut TypeSpace) -> Result<(Vec<Operation>, Vec<Builder>), Error> {
    let index = types.index;
    let mut accessors = Accessors::default();
    let mut chains: BTreeMap<String, String> = BTreeMap::new();
    // `/me/...` and `/users/{id}/...` with the same responses share one outcome enum.
    let mut outcomes: BTreeMap<(String, Vec<Response>), String> = BTreeMap::new();
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
            let route = paths::route(path, method, kind, &mut accessors);
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
            let signature = signature(types, path, method, op, &op_at, &route, &mut outcomes)?;
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
            builder,
        })
        .collect();
    Ok((operations, builders))
}

fn signature<'a>(
    types: &mut TypeSpace<'_, 'a>,
    path: &str,
    method: &str,
    op: &'a openapiv3::Operation,
    at: &str,
    route: &Route,
    outcomes: &mut BTreeMap<(String, Vec<Response>), String>,
) -> Result<Signature, Error> {
    let index = types.index;
    let body = match &op.request_body {
        None => None,
        Some(body) => {
            let body_at = format!("{at}/requestBody");
            let (body, body_at) = match body {
                ReferenceOr::Item(b) => (b, body_at),
                ReferenceOr::Reference { reference } => (
                    component_body(index, reference, &body_at)?,
                    reference.clone(),
                ),
            };
            match json_schema(&body.content) {
                Some((media, schema)) => {
                    let hint = names::request_body_name(&route.name);
                    let schema_at = format!(
                        "{}/schema",
                        pointer::push(&format!("{body_at}/content"), media)
                    );
                    let (ty, _) = types.any_type(schema, &schema_at, &hint, 0)?;
                    Some(Body {
                        ty,
                        validate: body.extensions.get("x-graph-meetings-validate")
                            == Some(&serde_json::Value::Bool(true)),
                    })
                }
                None => None,
            }
        }
    };
    let mut responses = Vec::new();
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
    for (code, response) in codes {
        let r_at = pointer::push(&format!("{at}/responses"), &code);
        let (response, r_at) = match response {
            ReferenceOr::Item(r) => (r, r_at),
            ReferenceOr::Reference { reference } => (
                component_response(index, reference, &r_at)?,
                reference.clone(),
            ),
        };
        let ty = match json_schema(&response.content) {
            Some((media, schema)) => {
                let schema_at = format!(
                    "{}/schema",
                    pointer::push(&format!("{r_at}/content"), media)
                );
                let hint = names::response_type(&route.name);
                Some(types.any_type(schema, &schema_at, &hint, 0)?.0)
            }
            None => None,
        };
        let (status, range) = match code.as_bytes() {
            [d @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => (u16::from(d - b'0') * 100, true),
            _ => match code.parse::<u16>() {
                Ok(n) => (n, false),
                Err(_) => (0, true),
            },
        };
        if (200..300).contains(&status) {
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
    }
    let typed = responses.iter().filter(|r| r.ty.is_some()).count();
    let outcome = (typed > 1).then(|| {
        let wanted = names::outcome_name(&route.name);
        outcomes
            .entry((wanted.clone(), responses.clone()))
            .or_insert_with(|| types.scope.claim(wanted))
            .clone()
    });
    Ok(Signature {
        body,
        responses,
        outcome,
        doc: operation_doc(op, method, path),
        deprecated: deprecation(op),
        idempotent: matches!(method, "get" | "put" | "delete" | "head" | "options")
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

/// The request body a `$ref` names in `#/components/requestBodies`.
fn component_body<'a>(
    index: &SchemaIndex<'a>,
    reference: &str,
    at: &str,
) -> Result<&'a openapiv3::RequestBody, Error> {
    let found = match (pointer::tokens(reference).as_slice(), &index.api.components) {
        ([c, r, key], Some(components)) if c == "components" && r == "requestBodies" => {
            match components.request_bodies.get(key) {
                Some(ReferenceOr::Item(b)) => Some(b),
                _ => None,
            }
        }
        _ => None,
    };
    found.ok_or_else(|| index.invalid(at.into(), Problem::UnresolvedRef(reference.into())))
}

/// The response a `$ref` names in `#/components/responses`.
fn component_response<'a>(
    index: &SchemaIndex<'a>,
    reference: &str,
    at: &str,
) -> Result<&'a openapiv3::Response, Error> {
    let found = match (pointer::tokens(reference).as_slice(), &index.api.components) {
        ([c, r, key], Some(components)) if c == "components" && r == "responses" => {
            match components.responses.get(key) {
                Some(ReferenceOr::Item(b)) => Some(b),
                _ => None,
            }
        }
        _ => None,
    };
    found.ok_or_else(|| index.invalid(at.into(), Problem::UnresolvedRef(reference.into())))
}

/// The JSON schema of a content map: `application/json` first, then any `+json` or `*/*`.
fn json_schema(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, &ReferenceOr<Schema>)> {
    let pick = |pred: &dyn Fn(&str) -> bool| {
        content
            .iter()
            .find(|(m, t)| pred(m) && t.schema.is_some())
            .map(|(m, t)| (m.as_str(), t.schema.as_ref().expect("checked above")))
    };
    pick(&|m| m.starts_with("application/json"))
        .or_else(|| pick(&|m| m.ends_with("+json")))
        .or_else(|| pick(&|m| m == "*/*"))
}
