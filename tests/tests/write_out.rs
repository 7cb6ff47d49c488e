//! `cargo xtask codegen --out DIR` (codegen::write) replaces and removes only files the
//! generator wrote, recognised by its `@generated` header; hand-written files stay.

use graph_meetings_codegen as codegen;
use graph_meetings_tests::workspace_root;

#[test]
fn writing_into_a_folder_keeps_hand_written_files() {
    let dir = std::env::temp_dir().join(format!("graph-meetings-write-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let hand_written = "//! A crate root someone wrote.\npub mod v1;\n";
    std::fs::write(dir.join("lib.rs"), hand_written).unwrap();
    let stale = format!(
        "{}an older spec.\n\npub struct Old;\n",
        codegen::render::HEADER_START
    );
    std::fs::write(dir.join("old.rs"), &stale).unwrap();

    let spec = "tests/specs/formats.yaml";
    let files = codegen::generate(&workspace_root().join(spec), spec).unwrap();
    let stale_found = codegen::check(&dir, &files);
    let extra: Vec<String> = stale_found
        .iter()
        .filter_map(|s| match s {
            codegen::Stale::Extra(p) => Some(p.file_name().unwrap().to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(extra, ["old.rs"], "check names only the generated leftover");

    let changed = codegen::write(&dir, &files).unwrap();
    assert!(changed.contains(&dir.join("old.rs")), "{changed:?}");
    assert!(
        !dir.join("old.rs").exists(),
        "the generated leftover is removed"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("lib.rs")).unwrap(),
        hand_written,
        "the hand-written file is kept as it was"
    );
    assert!(dir.join("models.rs").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
