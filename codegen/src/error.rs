//! Every way generation can fail. Nothing here panics: a bad spec is an [`Error`] naming the
//! file, the JSON pointer of the offending node and what is wrong with it.

use std::path::PathBuf;

/// What went wrong while generating, and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not YAML or JSON, or it is not the shape of an OpenAPI 3.0 document.
    #[error("{file}: {pointer}: {message}")]
    Parse {
        /// The file.
        file: PathBuf,
        /// JSON pointer of the node the parser stopped at (`#` is the whole document).
        pointer: String,
        /// The parser's own message.
        message: String,
    },
    /// The document parses, but the generator cannot turn it into Rust.
    #[error("{file}: {pointer}: {problem}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// JSON pointer of the offending node.
        pointer: String,
        /// What is wrong.
        problem: Box<Problem>,
    },
    /// Generated code did not parse as Rust: a bug in the generator, never in the spec.
    #[error("{file}: generated code for `{item}` is not valid Rust (a generator bug): {message}")]
    Render {
        /// The spec being generated.
        file: PathBuf,
        /// The generated file or item.
        item: String,
        /// syn's message.
        message: String,
    },
    /// An output file could not be written.
    #[error("{file}: cannot write: {source}")]
    Write {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What is wrong with a node of an otherwise well-formed OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A `$ref` names something the document does not have.
    #[error("`$ref` '{0}' does not resolve to anything in this document")]
    UnresolvedRef(String),
    /// A `$ref` points outside the document or outside `#/components/...`.
    #[error("`$ref` '{0}' is not supported: only local references (`#/components/...`) are")]
    ExternalRef(String),
    /// A chain of `$ref`s or `allOf`s that leads back to where it started.
    #[error("cycle: {0} refers back to itself through `$ref`/`allOf` alone")]
    Cycle(String),
    /// Two schemas would become the same Rust type name.
    #[error("duplicate name: schemas '{first}' and '{second}' both become the Rust type `{name}`")]
    DuplicateTypeName {
        /// The first schema.
        first: String,
        /// The second schema.
        second: String,
        /// The Rust name both map to.
        name: String,
    },
    /// Two operations would become the same Rust method.
    #[error("duplicate operation: '{first}' and '{second}' both become `{name}`")]
    DuplicateOperation {
        /// The first operation.
        first: String,
        /// The second operation.
        second: String,
        /// The Rust method both map to.
        name: String,
    },
    /// A construct this generator does not turn into Rust.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A node of the wrong kind for where it stands.
    #[error("wrong type: {0}")]
    WrongType(String),
    /// Nesting beyond what any real description needs.
    #[error("schema nesting deeper than {0} levels")]
    TooDeep(usize),
}
