//! Stage 2: a parsed spec -> the IR, every `$ref` resolved and every name decided (through
//! [`crate::names`]). One concern per module, data flowing down the list:
//!
//! - [`index`]: the component schemas, with typed ids, kinds, Rust names, `@odata.type`
//!   values and derived types. Immutable once built.
//! - [`inherit`]: `allOf` chains flattened into properties, base first.
//! - [`types`]: the [`TypeSpace`](types::TypeSpace): field, body and response types; inline
//!   structs; unions, kept by the schema they stand for.
//! - [`paths`]: routes (builder steps mirroring the URL) and the builder tree.
//! - [`options`]: query and header parameters, and function arguments given by alias.
//! - [`output`]: what a success answers with: JSON, a page, a count, content, nothing.
//! - [`operations`]: each operation built whole: route, builder, body, responses, outcome,
//!   options.
//! - [`passes`]: IR -> IR passes (boxing the fields that hold a model, `Default`), with no
//!   OpenAPI.

mod index;
mod inherit;
mod operations;
mod options;
mod output;
mod passes;
mod paths;
mod types;

use crate::error::Error;
use crate::ir::Api;
use crate::load::Spec;

/// Lowers `spec`; `source` is how the generated header names the spec.
pub fn lower(spec: &Spec, source: &str) -> Result<Api, Error> {
    let index = index::SchemaIndex::build(&spec.file, &spec.api)?;
    let mut space = types::TypeSpace::new(&index);
    space.lower_components()?;
    let (operations, builders) = operations::lower(&mut space)?;
    let mut types = space.finish();
    passes::box_model_fields(&mut types);
    passes::settle_defaults(&mut types);
    let api = &spec.api;
    Ok(Api {
        source: source.to_string(),
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        base_url: api
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_string()),
        types,
        operations,
        builders,
    })
}
