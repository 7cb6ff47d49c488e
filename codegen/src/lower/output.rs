//! Outputs: what a success response answers with. JSON is a typed value, or a page of a
//! collection (`value` + `@odata.nextLink`/`@odata.deltaLink`) read as
//! `crate::request::Page<Item>`; `text/plain` integers are counts; every other body is content
//! (bytes), never a silent `()`. Only a response without content answers `()`.

use openapiv3::{MediaType, ReferenceOr, Response, Schema, SchemaKind, Type};

use super::index::Kind;
use super::inherit;
use super::types::TypeSpace;
use crate::error::Error;
use crate::ir::TypeRef;
use crate::pointer;

/// What one success response's body is.
pub enum BodyKind {
    None,
    Json(TypeRef),
    Page(TypeRef),
    Count,
    Content,
}

/// The JSON schema of a content map: `application/json` first, then any `+json` or `*/*`.
pub fn json_schema(
    content: &indexmap::IndexMap<String, MediaType>,
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

/// Whether `response` answers with a page of a collection.
pub fn is_page<'a>(
    types: &TypeSpace<'_, 'a>,
    response: &'a Response,
    at: &str,
) -> Result<bool, Error> {
    match json_schema(&response.content) {
        Some((media, schema)) => Ok(page_items(types, schema, &schema_at(at, media))?.is_some()),
        None => Ok(false),
    }
}

fn schema_at(at: &str, media: &str) -> String {
    format!("{}/schema", pointer::push(&format!("{at}/content"), media))
}

/// A page's items schema, and where it is.
type Items<'a> = (&'a ReferenceOr<Box<Schema>>, String);

/// The items schema of a collection page: an object with an array `value` and an
/// `@odata.nextLink` or `@odata.deltaLink`.
fn page_items<'a>(
    types: &TypeSpace<'_, 'a>,
    schema: &'a ReferenceOr<Schema>,
    at: &str,
) -> Result<Option<Items<'a>>, Error> {
    let index = types.index;
    let props = match schema {
        ReferenceOr::Reference { reference } => {
            let id = index.resolve(reference, at)?;
            if index.entry(id).kind != Kind::Object {
                return Ok(None);
            }
            inherit::component_props(index, id, at)?
        }
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => {
                inherit::inline_props(index, s, at, 0)?
            }
            _ => return Ok(None),
        },
    };
    let linked = props
        .iter()
        .any(|p| matches!(p.json_name, "@odata.nextLink" | "@odata.deltaLink"));
    let value = props.iter().find(|p| p.json_name == "value");
    Ok(match value.map(|p| (p.schema, &p.pointer)) {
        Some((ReferenceOr::Item(s), pointer)) if linked => match &s.schema_kind {
            SchemaKind::Type(Type::Array(a)) => {
                a.items.as_ref().map(|i| (i, format!("{pointer}/items")))
            }
            _ => None,
        },
        _ => None,
    })
}

/// What the success `response` at `at` answers with; inline types are named from `hint`.
pub fn body_kind<'a>(
    types: &mut TypeSpace<'_, 'a>,
    response: &'a Response,
    at: &str,
    hint: &str,
) -> Result<BodyKind, Error> {
    if let Some((media, schema)) = json_schema(&response.content) {
        let at = schema_at(at, media);
        if let Some((items, items_at)) = page_items(types, schema, &at)? {
            let (item, nullable) = types.boxed_type(items, &items_at, hint, 0)?;
            let item = if nullable {
                TypeRef::Nullable(Box::new(item))
            } else {
                item
            };
            return Ok(BodyKind::Page(item));
        }
        return Ok(BodyKind::Json(types.any_type(schema, &at, hint, 0)?.0));
    }
    let mut kind = BodyKind::None;
    for (media, content) in &response.content {
        let at = schema_at(at, media);
        let essence = media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence == "application/json" || essence.ends_with("+json") {
            // JSON without a schema: any JSON value.
            return Ok(BodyKind::Json(TypeRef::Json));
        }
        // Other bodies are bytes, whatever their schema says of them; the schema must still
        // be valid, and a plain-text integer is a count.
        let ty = match &content.schema {
            Some(schema) => Some(types.any_type(schema, &at, hint, 0)?.0),
            None => None,
        };
        if essence == "text/plain" && matches!(ty, Some(TypeRef::Number(n)) if n.is_integer()) {
            return Ok(BodyKind::Count);
        }
        kind = BodyKind::Content;
    }
    Ok(kind)
}
