//! Bad specs get an error that names the file, the JSON pointer and what is wrong; never a
//! panic, and nothing is written (generation happens in memory before any write).

use std::path::Path;

use graph_meetings_codegen as codegen;

fn error_for(text: &str) -> String {
    let file = Path::new("bad.yaml");
    let result = codegen::parse(file, text)
        .and_then(|spec| codegen::lower(&spec, "bad.yaml"))
        .and_then(|api| codegen::files(&api, file));
    match result {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn spec(schemas: &str) -> String {
    format!("openapi: 3.0.1\ninfo: {{title: t, version: v1.0}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
}

#[test]
fn unresolved_ref() {
    let text = spec(
        "    microsoft.graph.a:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/microsoft.graph.missing'\n",
    );
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/microsoft.graph.a/properties/b: `$ref` '#/components/schemas/microsoft.graph.missing' does not resolve to anything in this document"
    );
}

#[test]
fn external_ref() {
    let text = spec(
        "    a:\n      type: object\n      properties:\n        b:\n          $ref: 'other.yaml#/components/schemas/b'\n",
    );
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/a/properties/b: `$ref` 'other.yaml#/components/schemas/b' is not supported: only local references (`#/components/...`) are"
    );
}

#[test]
fn wrong_types() {
    let text =
        spec("    a:\n      type: object\n      properties:\n        b:\n          type: 5\n");
    let e = error_for(&text);
    assert!(e.starts_with("bad.yaml: #/components/schemas/a"), "{e}");
    let text = spec(
        "    a:\n      allOf:\n        - $ref: '#/components/schemas/s'\n    s:\n      type: string\n",
    );
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/s: wrong type: expected an object schema, found a string"
    );
    let text = spec(
        "    a:\n      allOf:\n        - $ref: '#/components/schemas/e'\n    e:\n      type: string\n      enum: [x]\n",
    );
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/a/allOf/0: wrong type: `allOf` part '#/components/schemas/e' is an enum, not an object"
    );
}

#[test]
fn unsupported_constructs() {
    let text = spec("    a:\n      type: object\n      properties:\n        b:\n          not:\n            type: string\n");
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/a/properties/b: unsupported: `not` schemas have no Rust type"
    );
    let text = "swagger: '2.0'\ninfo: {title: t, version: v}\npaths: {}\n";
    assert_eq!(
        error_for(text),
        "bad.yaml: #/openapi: missing `openapi: 3.0.x`: this is not an OpenAPI 3.0 document"
    );
    let text = "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {}\n";
    assert_eq!(
        error_for(text),
        "bad.yaml: #/openapi: OpenAPI version 3.1.0 is not supported; this generator reads 3.0.x"
    );
}

#[test]
fn cycles() {
    let text = spec(
        "    a:\n      allOf:\n        - $ref: '#/components/schemas/b'\n    b:\n      allOf:\n        - $ref: '#/components/schemas/a'\n",
    );
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/b/allOf/0: cycle: a -> b -> a refers back to itself through `$ref`/`allOf` alone"
    );
    let text = spec(
        "    a:\n      $ref: '#/components/schemas/b'\n    b:\n      $ref: '#/components/schemas/a'\n",
    );
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/b: cycle: a -> b -> a refers back to itself through `$ref`/`allOf` alone"
    );
}

#[test]
fn duplicate_names() {
    let text = spec("    a_b:\n      type: object\n    a-b:\n      type: object\n");
    assert_eq!(
        error_for(&text),
        "bad.yaml: #/components/schemas/a_b: duplicate name: schemas 'a-b' and 'a_b' both become the Rust type `AB`"
    );
    let text = "openapi: 3.0.1\ninfo: {title: t, version: v}\npaths:\n  /users/{id}/x:\n    get:\n      responses: {}\n  /users/{user-id}/x:\n    get:\n      responses: {}\n";
    assert_eq!(
        error_for(text),
        "bad.yaml: #/paths/~1users~1{user-id}~1x/get: duplicate operation: 'GET /users/{id}/x' and 'GET /users/{user-id}/x' both become `user(1).x(0).get(0)`"
    );
}

#[test]
fn not_yaml_and_too_deep() {
    let e = error_for("openapi: [unclosed");
    assert!(
        e.starts_with("bad.yaml: #: not valid YAML or JSON (line 2, column 1)"),
        "{e}"
    );
    let deep = format!(
        "openapi: 3.0.1\nx: {}1{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    let e = error_for(&deep);
    assert!(e.starts_with("bad.yaml: #/x/0/0/0/"), "{e}");
    assert!(e.ends_with("nesting deeper than 64 levels"), "{e}");
}

#[test]
fn unreadable_file_and_nothing_written() {
    let dir = std::env::temp_dir().join(format!("graph-meetings-bad-{}", std::process::id()));
    let e = codegen::generate(&dir.join("missing.yaml"), "missing.yaml").unwrap_err();
    assert!(
        e.to_string().contains("missing.yaml: cannot read the file"),
        "{e}"
    );
    assert!(!dir.exists(), "a failed generation writes nothing");
}
