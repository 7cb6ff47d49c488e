//! Snapshots of everything the generator writes, and the guard that keeps the checked-in crate
//! in step with `specs/`.

use std::path::Path;

use graph_meetings_codegen as codegen;
use graph_meetings_tests::workspace_root;

const V1_SPEC: &str = "specs/graph-v1.0/onlineMeetings.yaml";
const V1_OUT: &str = "graph-meetings/src/generated/v1";

fn generate(relative: &str) -> Vec<codegen::GeneratedFile> {
    codegen::generate(&workspace_root().join(relative), relative)
        .unwrap_or_else(|e| panic!("{relative} generates: {e}"))
}

/// Fails, naming the files, when the checked-in code is not what `specs/` generates.
#[test]
fn checked_in_code_is_fresh() {
    let files = generate(V1_SPEC);
    let stale = codegen::check(&workspace_root().join(V1_OUT), &files);
    assert!(
        stale.is_empty(),
        "the generated code is stale; run `cargo xtask codegen`:\n{}",
        stale.iter().map(|s| format!("  {s}\n")).collect::<String>()
    );
}

#[test]
fn generation_is_byte_identical_when_repeated() {
    assert_eq!(generate(V1_SPEC), generate(V1_SPEC));
}

#[test]
fn v1_files_snapshot() {
    for file in generate(V1_SPEC) {
        let name = format!("v1__{}", file.path.display());
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn construct_specs_snapshot() {
    let dir = workspace_root().join("tests/specs");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    assert_eq!(specs.len(), 10, "one spec per construct");
    for spec in specs {
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let relative = format!("tests/specs/{stem}.yaml");
        for file in generate(&relative) {
            if file.path == Path::new("models.rs") {
                insta::assert_snapshot!(format!("construct__{stem}"), file.contents);
            } else if file.path != Path::new("mod.rs") {
                let name = format!("construct__{stem}__{}", file.path.display());
                insta::assert_snapshot!(name, file.contents);
            }
        }
    }
}
