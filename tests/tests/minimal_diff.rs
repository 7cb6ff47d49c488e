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

/// Lines added and removed per file between two generations.
fn changes(before: &str, after: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let (a, b) = (generate(before), generate(after));
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(&b)
        .map(|(x, y)| {
            let diff = TextDiff::from_lines(&x.contents, &y.contents);
            let mut added = Vec::new();
            let mut removed = Vec::new();
            for change in diff.iter_all_changes() {
                match change.tag() {
                    ChangeTag::Insert => added.push(change.value().trim_end().to_string()),
                    ChangeTag::Delete => removed.push(change.value().trim_end().to_string()),
                    ChangeTag::Equal => {}
                }
            }
            (x.path.display().to_string(), added, removed)
        })
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
    for (file, added, removed) in changes(&before, &after) {
        assert!(removed.is_empty(), "{file}: removed {removed:#?}");
        match file.as_str() {
            "models.rs" => {
                // The field (doc, JSON name, declaration), its serialize entry, and its three
                // deserialize lines; nothing else.
                let expected = [
                    "    /// When true, links may be posted.",
                    "    ///",
                    "    /// JSON: `allowLinks`.",
                    "    pub allow_links: ::std::option::Option<bool>,",
                    "        if let ::std::option::Option::Some(__value) = &self.allow_links {",
                    "            __map.serialize_entry(\"allowLinks\", __value)?;",
                    "        }",
                    "                let mut allow_links: ::std::option::Option<bool> = ::std::option::Option::None;",
                    "                        \"allowLinks\" => allow_links = __map.next_value()?,",
                    "                    allow_links,",
                ];
                assert_eq!(
                    added, expected,
                    "models.rs added exactly the property's lines"
                );
            }
            "api.txt" => assert_eq!(
                added,
                ["field ChatRestrictions.allow_links: Option<bool> = \"allowLinks\""]
            ),
            other => assert!(added.is_empty(), "{other}: added {added:#?}"),
        }
    }
}

#[test]
fn adding_an_enum_member_adds_only_its_lines() {
    let before = spec_text();
    let anchor = "        - organizationExcludingGuests\n";
    assert_eq!(before.matches(anchor).count(), 1);
    let after = before.replace(anchor, &format!("{anchor}        - invitedAndFederated\n"));
    for (file, added, removed) in changes(&before, &after) {
        assert!(removed.is_empty(), "{file}: removed {removed:#?}");
        let expected: &[&str] = match file.as_str() {
            "models.rs" => &[
                "    /// `invitedAndFederated`",
                "    InvitedAndFederated,",
                "        (\"invitedAndFederated\", Self::InvitedAndFederated),",
                "            Self::InvitedAndFederated => \"invitedAndFederated\",",
            ],
            "api.txt" => {
                &["member LobbyBypassScope::InvitedAndFederated = \"invitedAndFederated\""]
            }
            _ => &[],
        };
        assert_eq!(added, expected, "{file}");
    }
}
