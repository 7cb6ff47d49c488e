//! The project README's Rust snippets are the crate README's, whose snippets are doc tests
//! (`ReadmeDoctests` in lib.rs): so every snippet in either compiles as written.

use std::path::Path;

fn rust_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.starts_with("```rust") => current = Some(String::new()),
            Some(block) if line.starts_with("```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "an unclosed code block");
    blocks
}

#[test]
fn project_readme_snippets_are_doc_tested_ones() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = std::fs::read_to_string(dir.join("../README.md")).unwrap();
    let tested = rust_blocks(&std::fs::read_to_string(dir.join("README.md")).unwrap());
    assert!(tested.len() >= 5, "the crate README has its snippets");
    let shown = rust_blocks(&project);
    assert!(!shown.is_empty());
    for block in shown {
        assert!(
            tested.contains(&block),
            "this README.md snippet is not in graph-meetings/README.md, so no doc test compiles it:\n{block}"
        );
    }
}
