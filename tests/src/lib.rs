//! Helpers shared by the workspace's integration tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_path_buf()
}

/// One documented example: the request or status line and the JSON body.
#[derive(Debug, Clone)]
pub struct Example {
    /// File name, without `.json`.
    pub name: String,
    /// `POST https://...` or `HTTP/1.1 201 Created`.
    pub http: String,
    /// The body.
    pub body: Value,
}

/// Every example in `tests/fixtures/examples` (copied from Microsoft's reference pages).
pub fn examples() -> Vec<Example> {
    let dir = workspace_root().join("tests/fixtures/examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures exist")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable fixture");
            let mut value: Value = serde_json::from_str(&text).expect("fixtures are JSON");
            Example {
                name: path
                    .file_stem()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned(),
                http: value["http"].as_str().expect("an http line").to_string(),
                body: value["body"].take(),
            }
        })
        .collect()
}

/// Every place where `after` differs from `before`, as `pointer: before -> after` lines.
pub fn json_diff(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("", before, after, &mut out);
    out
}

fn diff_at(at: &str, before: &Value, after: &Value, out: &mut Vec<String>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let here = format!("{at}/{k}");
                match b.get(k) {
                    Some(vb) => diff_at(&here, va, vb, out),
                    None => out.push(format!("{here}: {va} -> absent")),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push(format!("{at}/{k}: absent -> {vb}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff_at(&format!("{at}/{i}"), va, vb, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{at}: {a} -> {b}")),
    }
}
