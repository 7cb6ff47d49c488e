//! `cargo xtask trim` (the library behind it) on specs the project writes.

use std::path::PathBuf;

use graph_meetings_codegen::trim::{trim, Selection};
use graph_meetings_tests::workspace_root;
use serde_yaml::Value;

fn inputs() -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/fixtures/trim");
    vec![dir.join("module-a.yaml"), dir.join("module-b.yaml")]
}

fn keys(v: &Value, section: &[&str]) -> Vec<String> {
    let mut node = v;
    for s in section {
        node = &node[*s];
    }
    node.as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn paths_by_name_with_the_namespaced_spelling_and_their_closure() {
    let selection = Selection {
        paths: vec![
            "/users/{user-id}/onlineMeetings".into(),
            "/users/{user-id}/onlineMeetings/createOrGet".into(),
            "/me/onlineMeetings".into(),
        ],
        methods: vec!["post".into()],
        ..Selection::default()
    };
    let (text, report) = trim(&inputs(), &selection).unwrap();
    let out: Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(
        keys(&out, &["paths"]),
        [
            "/users/{user-id}/onlineMeetings",
            "/users/{user-id}/onlineMeetings/microsoft.graph.createOrGet"
        ]
    );
    // Only the selected method; path-level keys would stay.
    assert_eq!(
        keys(&out, &["paths", "/users/{user-id}/onlineMeetings"]),
        ["post"]
    );
    assert_eq!(
        report.substituted,
        [(
            "/users/{user-id}/onlineMeetings/createOrGet".to_string(),
            "/users/{user-id}/onlineMeetings/microsoft.graph.createOrGet".to_string()
        )]
    );
    assert_eq!(report.not_found, ["/me/onlineMeetings"]);
    // The closure, in source order, from both modules; calendar is not reached.
    assert_eq!(
        keys(&out, &["components", "schemas"]),
        [
            "microsoft.graph.entity",
            "microsoft.graph.onlineMeeting",
            "microsoft.graph.chatInfo"
        ]
    );
    assert_eq!(keys(&out, &["components", "responses"]), ["meeting"]);
    // Security schemes named by `security`; an operation's own ones only when kept.
    assert_eq!(
        keys(&out, &["components", "securitySchemes"]),
        ["azureaadv2"]
    );
    // Mappings pruned to what is kept.
    let mapping = keys(
        &out,
        &[
            "components",
            "schemas",
            "microsoft.graph.entity",
            "discriminator",
            "mapping",
        ],
    );
    assert_eq!(mapping, ["#microsoft.graph.onlineMeeting"]);
    assert_eq!(report.pruned_mappings, 1);
    // Tags in use only; the first module's info wins.
    assert_eq!(
        out["tags"],
        serde_yaml::from_str::<Value>("[{name: meetings}]").unwrap()
    );
    assert_eq!(out["info"]["title"], "module A");
    assert_eq!(
        report.conflicts,
        [
            "components/schemas/microsoft.graph.calendar (again in ".to_string()
                + &inputs()[1].display().to_string()
                + ")"
        ]
    );
    // Deterministic, and a valid document for the generator.
    assert_eq!(trim(&inputs(), &selection).unwrap().0, text);
    let spec = graph_meetings_codegen::parse(std::path::Path::new("trimmed.yaml"), &text).unwrap();
    graph_meetings_codegen::lower(&spec, "trimmed.yaml").unwrap();
}

#[test]
fn prefixes_take_the_path_and_what_is_below_it_only() {
    let selection = Selection {
        prefixes: vec!["/users/{user-id}/onlineMeetings".into(), "/nothing".into()],
        ..Selection::default()
    };
    let (text, report) = trim(&inputs(), &selection).unwrap();
    let out: Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(
        keys(&out, &["paths"]),
        [
            "/users/{user-id}/onlineMeetings",
            "/users/{user-id}/onlineMeetings/{onlineMeeting-id}",
            "/users/{user-id}/onlineMeetings/microsoft.graph.createOrGet",
        ]
    );
    assert_eq!(
        keys(&out, &["paths", "/users/{user-id}/onlineMeetings"]),
        ["post", "get"]
    );
    assert_eq!(report.not_found, ["/nothing (prefix)"]);
}

#[test]
fn nothing_matched_is_an_error() {
    let selection = Selection {
        paths: vec!["/me/events".into()],
        ..Selection::default()
    };
    let e = trim(&inputs(), &selection).unwrap_err().to_string();
    assert!(e.ends_with("#/paths: no path matched the selection"), "{e}");
}

#[test]
fn unresolved_refs_are_an_error() {
    let dir = std::env::temp_dir().join(format!("trim-unresolved-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.yaml");
    std::fs::write(
        &file,
        "openapi: 3.0.1\ninfo: {title: t, version: v}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/gone'\n",
    )
    .unwrap();
    let selection = Selection {
        paths: vec!["/a".into()],
        ..Selection::default()
    };
    let e = trim(&[file], &selection).unwrap_err().to_string();
    assert!(
        e.contains("unresolved $ref(s) in the trimmed spec: #/components/responses/gone"),
        "{e}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
