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
pub mod drift;
pub mod error;
pub mod ir;
pub mod names;

mod emit;
mod load;
mod lower;
mod pointer;
pub mod render;
pub mod trim;

use std::path::{Path, PathBuf};

pub use error::{Error, Problem};
pub use load::{load, parse, Spec};
pub use lower::lower;

/// A spec the `graph-meetings` crate is generated from, and where its code is checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The spec, relative to the workspace root.
    pub spec: &'static str,
    /// The output folder, relative to the workspace root.
    pub out: &'static str,
    /// A short name (the module), for snapshots and messages.
    pub name: &'static str,
}

/// Every spec the crate is generated from: the one list `cargo xtask codegen` and the
/// freshness test both read.
pub const TARGETS: &[Target] = &[
    Target {
        spec: "specs/graph-v1.0/onlineMeetings.yaml",
        out: "graph-meetings/src/generated/v1",
        name: "v1",
    },
    Target {
        spec: "specs/graph-beta/onlineMeetings.yaml",
        out: "graph-meetings/src/generated/beta",
        name: "beta",
    },
];

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

/// Types per piece of `models.rs` emitted and rendered at once. Fixed, so that the output does
/// not depend on the number of cores.
const CHUNK: usize = 32;

/// Emits and renders every file of a lowered API.
pub fn files(api: &ir::Api, spec_file: &Path) -> Result<Vec<GeneratedFile>, Error> {
    files_chunked(api, spec_file, CHUNK)
}

/// [`files`], with `models.rs` emitted and rendered in pieces of `chunk` types spread over the
/// machine's cores. Any `chunk` gives the same bytes; tests compare them.
#[doc(hidden)]
pub fn files_chunked(
    api: &ir::Api,
    spec_file: &Path,
    chunk: usize,
) -> Result<Vec<GeneratedFile>, Error> {
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
    let models = GeneratedFile {
        path: PathBuf::from("models.rs"),
        contents: render::with_header(&models_in_parallel(api, spec_file, chunk)?, &api.source),
    };
    let mut files = vec![render("mod.rs", emit::module(api))?, models];
    if !api.operations.is_empty() {
        files.push(render("requests.rs", emit::requests(api))?);
    }
    files.push(GeneratedFile {
        path: PathBuf::from("api.txt"),
        contents: api::text(api),
    });
    Ok(files)
}

/// `models.rs` without its header: pieces of `chunk` types, emitted and formatted on as many
/// threads as there are cores, joined in order.
fn models_in_parallel(api: &ir::Api, spec_file: &Path, chunk: usize) -> Result<String, Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let chunk = chunk.max(1);
    let mut ranges: Vec<std::ops::Range<usize>> = (0..api.types.len())
        .step_by(chunk)
        .map(|start| start..(start + chunk).min(api.types.len()))
        .collect();
    if ranges.is_empty() {
        ranges.push(0..0);
    }
    let results: Vec<Mutex<Option<Result<String, String>>>> =
        ranges.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(ranges.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(range) = ranges.get(i) else { break };
                let text = render::format(emit::models(api, range.clone()));
                *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
            });
        }
    });
    let mut out = String::new();
    for (i, slot) in results.into_iter().enumerate() {
        let text = slot
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_else(|| Err("a rendering thread did not finish".into()));
        out.push_str(&text.map_err(|message| Error::Render {
            file: spec_file.to_owned(),
            item: format!("models.rs, types {:?}", ranges[i]),
            message,
        })?);
    }
    Ok(out)
}

/// What [`check`] found different on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file on disk differs from what the spec generates.
    Differs(PathBuf),
    /// The spec generates a file that is not on disk.
    Missing(PathBuf),
    /// A generated `.rs` file on disk (one with the generator's header) that the spec no
    /// longer generates. Files without the header are never touched.
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

/// Writes `files` into `out_dir` (creating it), removes the generated `.rs` files (those with
/// the generator's `@generated` header) that the spec no longer generates, and returns the
/// paths whose contents changed. Hand-written files in `out_dir` are left alone.
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
        .filter(|p| render::is_generated(p))
        .collect();
    extra.sort();
    extra
}
