//! Stage 1: read a file into an [`openapiv3::OpenAPI`] document.
//!
//! YAML (and so JSON, which YAML includes) is read into a `serde_json::Value` first, then into
//! openapiv3's types through `serde_path_to_error`, so a shape error names its JSON pointer.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::pointer;

/// How deep a document may nest before it is refused. openapiv3 reads schemas through untagged
/// enums, whose failed attempts are retried at every level: a deep, broken document would take
/// exponential time. Real Graph descriptions nest fewer than 20 levels.
pub const MAX_DEPTH: usize = 64;

/// A parsed OpenAPI document and the file it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file, for error messages.
    pub file: PathBuf,
    /// The document.
    pub api: openapiv3::OpenAPI,
}

/// Reads and parses `file`.
pub fn load(file: &Path) -> Result<Spec, Error> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        file: file.to_owned(),
        source,
    })?;
    parse(file, &text)
}

/// Parses `text` as the contents of `file` (the name is used for error messages only).
pub fn parse(file: &Path, text: &str) -> Result<Spec, Error> {
    let parse_error = |pointer: String, message: String| Error::Parse {
        file: file.to_owned(),
        pointer,
        message,
    };
    let value: serde_json::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
            .unwrap_or_default();
        parse_error("#".into(), format!("not valid YAML or JSON{at}: {e}"))
    })?;
    if let Some(deep) = too_deep(&value, MAX_DEPTH) {
        return Err(parse_error(
            deep,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    match value.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) => {
            return Err(parse_error(
                "#/openapi".into(),
                format!("OpenAPI version {v} is not supported; this generator reads 3.0.x"),
            ))
        }
        None => {
            return Err(parse_error(
                "#/openapi".into(),
                "missing `openapi: 3.0.x`: this is not an OpenAPI 3.0 document".into(),
            ))
        }
    }
    let api = serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = pointer::from_serde_path(e.path());
        parse_error(pointer, e.into_inner().to_string())
    })?;
    Ok(Spec {
        file: file.to_owned(),
        api,
    })
}

/// The pointer of a node nested deeper than `limit`, if there is one.
fn too_deep(value: &serde_json::Value, limit: usize) -> Option<String> {
    // Iterative, so that the check itself cannot overflow the stack.
    let mut stack = vec![(value, String::from("#"), 0usize)];
    while let Some((v, at, depth)) = stack.pop() {
        if depth > limit {
            return Some(at);
        }
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    stack.push((child, pointer::push(&at, k), depth + 1));
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((child, format!("{at}/{i}"), depth + 1));
                }
            }
            _ => {}
        }
    }
    None
}
