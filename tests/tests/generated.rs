//! The guard that keeps the checked-in crate in step with `specs/`, and snapshots of the
//! construct specs' output and of the crate's public surface (`api.txt`).

use std::path::Path;

use graph_meetings_codegen as codegen;
use graph_meetings_tests::workspace_root;

fn generate(relative: &str) -> Vec<codegen::GeneratedFile> {
    codegen::generate(&workspace_root().join(relative), relative)
        .unwrap_or_else(|e| panic!("{relative} generates: {e}"))
}

/// Fails, naming the files, when the checked-in code is not what `specs/` generates.
#[test]
fn checked_in_code_is_fresh() {
    for target in codegen::TARGETS {
        let files = generate(target.spec);
        let stale = codegen::check(&workspace_root().join(target.out), &files);
        assert!(
            stale.is_empty(),
            "the generated code is stale; run `cargo xtask codegen`:\n{}",
            stale.iter().map(|s| format!("  {s}\n")).collect::<String>()
        );
    }
}

#[test]
fn rendering_in_pieces_gives_the_same_bytes() {
    let specs = codegen::TARGETS.iter().map(|t| t.spec);
    for spec in specs.chain(["tests/specs/recursive.yaml"]) {
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
    for target in codegen::TARGETS {
        assert_eq!(generate(target.spec), generate(target.spec));
    }
}

/// The checked-in code is what reviewers diff (the freshness test above keeps it true); only
/// `api.txt`, the public surface, is also snapshotted, so that a change to it shows as one
/// short diff.
#[test]
fn api_surface_snapshot() {
    for target in codegen::TARGETS {
        let files = generate(target.spec);
        let api = files
            .iter()
            .find(|f| f.path == Path::new("api.txt"))
            .expect("api.txt is generated");
        insta::assert_snapshot!(format!("{}__api.txt", target.name), api.contents);
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
    assert_eq!(specs.len(), 17, "one spec per construct");
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
