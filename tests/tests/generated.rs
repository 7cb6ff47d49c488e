//! Snapshots of everything the generator writes, and the guard that keeps the checked-in crate
//! in step with `specs/`.

use std::path::Path;

use graph_meetings_codegen as codegen;
use graph_meetings_tests::workspace_root;

/// Every spec the crate is generated from, where its code is checked in, and its snapshot name.
const TARGETS: &[(&str, &str, &str)] = &[
    (
        "specs/graph-v1.0/onlineMeetings.yaml",
        "graph-meetings/src/generated/v1",
        "v1",
    ),
    (
        "specs/graph-beta/onlineMeetings.yaml",
        "graph-meetings/src/generated/beta",
        "beta",
    ),
];

fn generate(relative: &str) -> Vec<codegen::GeneratedFile> {
    codegen::generate(&workspace_root().join(relative), relative)
        .unwrap_or_else(|e| panic!("{relative} generates: {e}"))
}

/// Fails, naming the files, when the checked-in code is not what `specs/` generates.
#[test]
fn checked_in_code_is_fresh() {
    for (spec, out, _) in TARGETS {
        let files = generate(spec);
        let stale = codegen::check(&workspace_root().join(out), &files);
        assert!(
            stale.is_empty(),
            "the generated code is stale; run `cargo xtask codegen`:\n{}",
            stale.iter().map(|s| format!("  {s}\n")).collect::<String>()
        );
    }
}

#[test]
fn rendering_in_pieces_gives_the_same_bytes() {
    for spec in [TARGETS[0].0, TARGETS[1].0, "tests/specs/recursive.yaml"] {
        let file = workspace_root().join(spec);
        let api = codegen::lower(&codegen::load(&file).unwrap(), spec).unwrap();
        let whole = codegen::files_chunked(&api, &file, usize::MAX).unwrap();
        for chunk in [1, 2, 7] {
            assert_eq!(
                codegen::files_chunked(&api, &file, chunk).unwrap(),
                whole,
                "{spec}, {chunk}"
            );
        }
    }
}

#[test]
fn generation_is_byte_identical_when_repeated() {
    for (spec, _, _) in TARGETS {
        assert_eq!(generate(spec), generate(spec));
    }
}

#[test]
fn crate_files_snapshot() {
    for (spec, _, name) in TARGETS {
        for file in generate(spec) {
            let snapshot = format!("{name}__{}", file.path.display());
            insta::assert_snapshot!(snapshot, file.contents);
        }
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
