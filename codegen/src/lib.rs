//! The graph-meetings code generator: an OpenAPI 3.0 description in Microsoft Graph's style in,
//! typed Rust models out.
//!
//! ```text
//! load    file -> openapiv3::OpenAPI            (errors name the file and JSON pointer)
//! lower   OpenAPI -> ir::Api                    (every $ref resolved, every name decided)
//! emit    ir::Api -> TokenStream per file       (small quote! templates)
//! render  TokenStream -> formatted text         (prettyplease, with a generated-file header)
//! ```
//!
//! [`generate`] runs all four in memory; [`write()`] and [`check()`] put the result on disk or
//! compare it with what is there. A failure anywhere means nothing is written.

pub mod api;
pub mod error;
pub mod ir;
pub mod names;

mod emit;
mod load;
mod lower;
mod pointer;
mod render;
pub mod trim;

use std::path::{Path, PathBuf};

pub use error::{Error, Problem};
pub use load::{load, parse, Spec};
pub use lower::lower;

/// One generated file, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output folder (`models.rs`).
    pub path: PathBuf,
    /// The formatted contents.
    pub contents: String,
}

/// Loads `spec_file` and generates every file; `source` is how headers name the spec (a
/// workspace-relative path keeps output identical across checkouts).
pub fn generate(spec_file: &Path, source: &str) -> Result<Vec<GeneratedFile>, Error> {
    let spec = load(spec_file)?;
    let api = lower(&spec, source)?;
    files(&api, spec_file)
}

/// Emits and renders every file of a lowered API.
pub fn files(api: &ir::Api, spec_file: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let render = |name: &str, tokens| {
        render::render(tokens, &api.source)
            .map(|contents| GeneratedFile {
                path: PathBuf::from(name),
                contents,
            })
            .map_err(|message| Error::Render {
                file: spec_file.to_owned(),
                item: name.to_string(),
                message,
            })
    };
    let mut files = vec![
        render("mod.rs", emit::module(api))?,
        render("models.rs", emit::models(api))?,
    ];
    if !api.operations.is_empty() {
        files.push(render("requests.rs", emit::requests(api))?);
    }
    files.push(GeneratedFile {
        path: PathBuf::from("api.txt"),
        contents: api::text(api),
    });
    Ok(files)
}

/// What [`check`] found different on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file on disk differs from what the spec generates.
    Differs(PathBuf),
    /// The spec generates a file that is not on disk.
    Missing(PathBuf),
    /// A `.rs` file on disk that the spec no longer generates.
    Extra(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Differs(p) => write!(f, "{} differs from what the spec generates", p.display()),
            Stale::Missing(p) => write!(f, "{} is missing", p.display()),
            Stale::Extra(p) => write!(f, "{} is no longer generated", p.display()),
        }
    }
}

/// Compares `files` with the contents of `out_dir`.
pub fn check(out_dir: &Path, files: &[GeneratedFile]) -> Vec<Stale> {
    let mut stale = Vec::new();
    for file in files {
        let path = out_dir.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == file.contents => {}
            Ok(_) => stale.push(Stale::Differs(path)),
            Err(_) => stale.push(Stale::Missing(path)),
        }
    }
    stale.extend(extra_files(out_dir, files).into_iter().map(Stale::Extra));
    stale
}

/// Writes `files` into `out_dir` (creating it), removes `.rs` files the spec no longer
/// generates, and returns the paths whose contents changed.
pub fn write(out_dir: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    let io = |file: &Path| {
        let file = file.to_owned();
        move |source| Error::Write { file, source }
    };
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let mut changed = Vec::new();
    for file in files {
        let path = out_dir.join(&file.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            std::fs::write(&path, &file.contents).map_err(io(&path))?;
            changed.push(path);
        }
    }
    for extra in extra_files(out_dir, files) {
        std::fs::remove_file(&extra).map_err(io(&extra))?;
        changed.push(extra);
    }
    Ok(changed)
}

fn extra_files(out_dir: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return Vec::new();
    };
    let mut extra: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| !files.iter().any(|f| out_dir.join(&f.path) == *p))
        .collect();
    extra.sort();
    extra
}
