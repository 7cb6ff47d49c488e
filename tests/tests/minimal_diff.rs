//! A spec change produces a minimal, readable diff: adding one property (or one enum member)
//! changes only the lines of that property, with stable ordering, no renumbering and no
//! re-wrapping elsewhere. Proven on a copy of the real spec.

use std::path::Path;

use graph_meetings_codegen as codegen;
use graph_meetings_tests::workspace_root;
use similar::{ChangeTag, TextDiff};

const SPEC: &str = "specs/graph-v1.0/onlineMeetings.yaml";

fn generate(text: &str) -> Vec<codegen::GeneratedFile> {
    let file = Path::new(SPEC);
    let spec = codegen::parse(file, text).unwrap();
    let api = codegen::lower(&spec, SPEC).unwrap();
    codegen::files(&api, file).unwrap()
}

/// One run of consecutive added lines, and the type definition (`pub struct X` / `pub enum X`)
/// that encloses it in the new file.
#[derive(Debug)]
struct Hunk {
    lines: Vec<String>,
    inside: Option<String>,
}

/// Per file: the lines removed, and the runs of lines added, between two generations.
fn changes(before: &str, after: &str) -> Vec<(String, Vec<String>, Vec<Hunk>)> {
    let (a, b) = (generate(before), generate(after));
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(&b)
        .map(|(x, y)| {
            let diff = TextDiff::from_lines(&x.contents, &y.contents);
            let mut removed = Vec::new();
            let mut hunks: Vec<Hunk> = Vec::new();
            let mut enclosing: Option<String> = None;
            let mut in_hunk = false;
            for change in diff.iter_all_changes() {
                let line = change.value().trim_end().to_string();
                if change.tag() != ChangeTag::Delete
                    && (line.starts_with("pub struct ") || line.starts_with("pub enum "))
                {
                    enclosing = line.split_whitespace().nth(2).map(str::to_string);
                }
                match change.tag() {
                    ChangeTag::Insert if in_hunk => {
                        hunks.last_mut().expect("open").lines.push(line)
                    }
                    ChangeTag::Insert => {
                        in_hunk = true;
                        hunks.push(Hunk {
                            lines: vec![line],
                            inside: enclosing.clone(),
                        });
                    }
                    ChangeTag::Delete => removed.push(line),
                    ChangeTag::Equal => in_hunk = false,
                }
            }
            (x.path.display().to_string(), removed, hunks)
        })
        .collect()
}

/// Asserts that `hunks` is one run of lines inside `owner`, each of which is about the new item
/// (mentions one of `names`), or is a line of its documentation.
fn assert_local(file: &str, hunks: &[Hunk], owner: &str, names: &[&str], doc: &str) {
    assert_eq!(
        hunks.len(),
        1,
        "{file}: one run of added lines, got {hunks:#?}"
    );
    let hunk = &hunks[0];
    assert_eq!(hunk.inside.as_deref(), Some(owner), "{file}: {hunk:#?}");
    for line in &hunk.lines {
        assert!(
            names.iter().any(|n| line.contains(n)) || line.trim() == format!("/// {doc}"),
            "{file}: a line not about the new item: {line:?}"
        );
    }
}

/// Every added line, in order.
fn added(hunks: &[Hunk]) -> Vec<&str> {
    hunks
        .iter()
        .flat_map(|h| &h.lines)
        .map(String::as_str)
        .collect()
}

fn spec_text() -> String {
    std::fs::read_to_string(workspace_root().join(SPEC)).unwrap()
}

#[test]
fn adding_a_property_adds_only_its_lines() {
    let before = spec_text();
    let anchor = "        allowTextOnly:\n          type: boolean\n          description: When true, only text may be posted.\n          nullable: true\n";
    assert!(
        before.contains(anchor),
        "the spec still has chatRestrictions.allowTextOnly"
    );
    let after = before.replace(
        anchor,
        &format!("{anchor}        allowLinks:\n          type: boolean\n          description: When true, links may be posted.\n          nullable: true\n"),
    );
    for (file, removed, hunks) in changes(&before, &after) {
        assert!(removed.is_empty(), "{file}: removed {removed:#?}");
        match file.as_str() {
            "models.rs" => {
                assert_local(
                    &file,
                    &hunks,
                    "ChatRestrictions",
                    &["allowLinks", "allow_links"],
                    "When true, links may be posted.",
                );
                assert!(hunks[0].lines.len() <= 4, "{hunks:#?}");
            }
            "api.txt" => {
                assert_eq!(
                    added(&hunks),
                    ["field ChatRestrictions.allow_links: Option<bool> = \"allowLinks\""]
                )
            }
            other => assert!(hunks.is_empty(), "{other}: added {hunks:#?}"),
        }
    }
}

#[test]
fn adding_an_enum_member_adds_only_its_lines() {
    let before = spec_text();
    let anchor = "        - organizationExcludingGuests\n";
    assert_eq!(before.matches(anchor).count(), 1);
    let after = before.replace(anchor, &format!("{anchor}        - invitedAndFederated\n"));
    for (file, removed, hunks) in changes(&before, &after) {
        assert!(removed.is_empty(), "{file}: removed {removed:#?}");
        match file.as_str() {
            "models.rs" => {
                assert_local(
                    &file,
                    &hunks,
                    "LobbyBypassScope",
                    &["invitedAndFederated", "InvitedAndFederated"],
                    "`invitedAndFederated`",
                );
                assert!(hunks[0].lines.len() <= 3, "{hunks:#?}");
            }
            "api.txt" => {
                assert_eq!(
                    added(&hunks),
                    ["member LobbyBypassScope::InvitedAndFederated = \"invitedAndFederated\""]
                )
            }
            other => assert!(hunks.is_empty(), "{other}: added {hunks:#?}"),
        }
    }
}
