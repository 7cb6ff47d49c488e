//! `cargo xtask drift` (the library behind it) on the fixtures in `tests/fixtures/drift`: every
//! class of difference, the spellings that are not differences, the allow-list and its errors.

use std::path::{Path, PathBuf};

use graph_meetings_codegen::drift::allow::{AllowList, Report};
use graph_meetings_codegen::drift::{check, compare, normalize_path, Document, DriftError};
use graph_meetings_tests::workspace_root;

fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/drift").join(name)
}

fn load(name: &str) -> Document {
    Document::load(&fixture(name)).unwrap()
}

/// Every difference between the fixtures, one of each class. What is not here is not a
/// difference: the namespaced `microsoft.graph.act` segment, path parameters on the path item,
/// `2XX` against `200`/`201`/`204`, `default` against `4XX`/`5XX`, bare `$ref` against the
/// anyOf-nullable idiom, `@odata.type` properties and discriminators.
const EXPECTED: &[&str] = &[
    "kind-differs schema ns.shape: upstream enum, ours object",
    "only-ours allof ns.thing ns.base",
    "only-ours enum-member ns.level medium",
    "only-ours method GET /users/{user-id}/things/{thing-id}",
    "only-ours param-enum GET /users/{user-id}/things query $select size",
    "only-ours parameter GET /users/{user-id}/things header ConsistencyLevel",
    "only-ours parameter GET /users/{user-id}/things/{thing-id}/content query $format",
    "only-ours path /me/things",
    "only-ours property (request POST /users/{user-id}/things/act application/json).extra",
    "only-ours property ns.thing.fresh",
    "only-ours request-content POST /users/{user-id}/things text/plain",
    "only-ours response GET /users/{user-id}/things/$count error",
    "only-ours response-content GET /users/{user-id}/things/{thing-id}/content 200 text/vtt",
    "only-ours response-content PATCH /users/{user-id}/things/{thing-id} 200 application/json",
    "only-ours schema ns.base",
    "only-ours schema ns.other",
    "only-upstream allof ns.thing ns.entity",
    "only-upstream param-enum GET /users/{user-id}/things query $select name",
    "only-upstream parameter GET /users/{user-id}/things query $filter",
    "only-upstream path /users/{user-id}/gone",
    "only-upstream property ns.thing.legacy",
    "only-upstream request-body DELETE /users/{user-id}/things/{thing-id}",
    "only-upstream response POST /users/{user-id}/things/act error",
    "only-upstream response-content GET /users/{user-id}/things/{thing-id}/content 200 application/octet-stream",
    "only-upstream schema ns.upstreamOnly",
    "param-differs GET /users/{user-id}/things query $top: upstream optional integer, ours required integer",
    "schema-differs request PATCH /users/{user-id}/things/{thing-id} application/json: upstream ref ns.thing, ours ref ns.other",
    "schema-differs response GET /users/{user-id}/things/$count 200 text/plain: upstream ref count, ours integer/int32",
    "type-differs property ns.thing.size: upstream integer/int32?, ours string?",
    "type-differs property ns.thing.tags: upstream array of string?, ours array of string",
    "type-differs property ns.thing.when: upstream string/date-time?, ours string/date-time",
];

#[test]
fn every_class_of_difference_is_found_and_nothing_else() {
    let found = compare(&load("upstream.yaml"), &load("ours.yaml"));
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, EXPECTED);
}

#[test]
fn a_document_does_not_differ_from_itself() {
    for name in ["upstream.yaml", "ours.yaml"] {
        assert_eq!(
            compare(&load(name), &load(name)),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn the_direction_is_in_the_key() {
    let found = compare(&load("ours.yaml"), &load("upstream.yaml"));
    assert!(found.contains(&"only-upstream path /me/things".to_string()));
    assert!(found.contains(&"only-ours path /users/{user-id}/gone".to_string()));
    assert!(found.contains(
        &"type-differs property ns.thing.size: upstream string?, ours integer/int32?".to_string()
    ));
}

#[test]
fn namespaced_segments_are_compared_without_the_namespace() {
    assert_eq!(
        normalize_path("/users/{user-id}/onlineMeetings/microsoft.graph.getAllTranscripts(a=@a)"),
        "/users/{user-id}/onlineMeetings/getAllTranscripts(a=@a)"
    );
    assert_eq!(normalize_path("/me/onlineMeetings"), "/me/onlineMeetings");
}

#[test]
fn the_allow_list_allows_exact_keys_and_prefixes() {
    let report = check(
        &fixture("upstream.yaml"),
        &fixture("ours.yaml"),
        Some(&fixture("allow.txt")),
    )
    .unwrap();
    assert_eq!(report.differences.len(), EXPECTED.len());
    assert_eq!(report.unallowed().collect::<Vec<_>>(), Vec::<&str>::new());
    assert!(report.stale.is_empty(), "{:?}", report.stale);
    assert!(report.passed());
    let reason = |key: &str| {
        report
            .differences
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, e)| e.as_ref())
            .map(|e| e.reason.clone())
    };
    assert_eq!(
        reason("only-ours path /me/things").as_deref(),
        Some("/me twins are ours only")
    );
}

#[test]
fn a_difference_the_list_does_not_name_fails_the_check() {
    let text = std::fs::read_to_string(fixture("allow.txt")).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("only-upstream property ns.thing.legacy"))
        .map(|l| format!("{l}\n"))
        .collect();
    let list = AllowList::parse(Path::new("allow.txt"), &without).unwrap();
    let found = compare(&load("upstream.yaml"), &load("ours.yaml"));
    let report = Report::new(found, &list);
    assert_eq!(
        report.unallowed().collect::<Vec<_>>(),
        ["only-upstream property ns.thing.legacy"]
    );
    assert!(!report.passed());
    // Without a list, everything is unallowed.
    let bare = check(&fixture("upstream.yaml"), &fixture("ours.yaml"), None).unwrap();
    assert_eq!(bare.unallowed().count(), EXPECTED.len());
    assert!(!bare.passed());
}

#[test]
fn an_entry_without_a_reason_is_an_error_naming_its_lines() {
    let text = "# comment\n\nonly-ours path /me/things\nonly-ours schema ns.base #   \nonly-ours schema ns.other # fine\nonly-upstream path /users/{user-id}/gone #no-space\n";
    let err = AllowList::parse(Path::new("specs/x/drift-allow.txt"), text).unwrap_err();
    assert!(matches!(&err, DriftError::Unreasoned { lines, .. } if lines == &[3, 4, 6]));
    assert_eq!(
        err.to_string(),
        "specs/x/drift-allow.txt: allow-list entries need a reason (`KEY # why`); line(s) [3, 4, 6] have none"
    );
}

#[test]
fn an_entry_that_matches_nothing_is_stale_and_fails_the_check() {
    let mut text = std::fs::read_to_string(fixture("allow.txt")).unwrap();
    text.push_str("only-ours path /users/{user-id}/nothing # gone long ago\nonly-upstream schema zz.* # nothing by that prefix\n");
    let list = AllowList::parse(Path::new("allow.txt"), &text).unwrap();
    let report = Report::new(compare(&load("upstream.yaml"), &load("ours.yaml")), &list);
    assert_eq!(report.unallowed().count(), 0);
    let stale: Vec<(String, bool)> = report
        .stale
        .iter()
        .map(|e| (e.key.clone(), e.prefix))
        .collect();
    assert_eq!(
        stale,
        [
            ("only-ours path /users/{user-id}/nothing".to_string(), false),
            ("only-upstream schema zz.".to_string(), true)
        ]
    );
    assert!(!report.passed());
}

#[test]
fn an_exact_entry_does_not_match_by_prefix() {
    let list = AllowList::parse(
        Path::new("a.txt"),
        "only-ours path /me # only the exact key\n",
    )
    .unwrap();
    let report = Report::new(vec!["only-ours path /me/things".into()], &list);
    assert_eq!(report.unallowed().count(), 1);
    assert_eq!(report.stale.len(), 1);
}

#[test]
fn unreadable_and_malformed_files_are_errors_naming_the_file() {
    let missing = fixture("no-such-file.yaml");
    let err = check(&missing, &fixture("ours.yaml"), None).unwrap_err();
    assert!(matches!(err, DriftError::Read { ref file, .. } if file == &missing));
    assert!(err
        .to_string()
        .contains("no-such-file.yaml: cannot read the file"));

    let err = Document::parse(Path::new("bad.yaml"), "paths: [unclosed").unwrap_err();
    assert!(matches!(err, DriftError::Yaml { .. }));
    assert!(
        err.to_string()
            .starts_with("bad.yaml: not valid YAML or JSON: "),
        "{err}"
    );

    let err = Document::parse(Path::new("list.yaml"), "paths: [1, 2]\n").unwrap_err();
    assert_eq!(err.to_string(), "list.yaml: #/paths: expected a mapping");

    let missing_allow = fixture("no-such-allow.txt");
    let err = check(
        &fixture("upstream.yaml"),
        &fixture("ours.yaml"),
        Some(&missing_allow),
    )
    .unwrap_err();
    assert!(matches!(err, DriftError::Read { ref file, .. } if file == &missing_allow));
}
