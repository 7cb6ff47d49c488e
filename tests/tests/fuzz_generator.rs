//! The generator under mutated specs: no panic, no hang, and every failure an error that names
//! the file and a JSON pointer. Mutations of the project's spec and of a construct spec:
//! removed and retargeted `$ref`s, wrong types, `allOf` cycles, huge and non-ASCII names,
//! duplicate keys, deep nesting. `GRAPH_FUZZ_CASES` sets the number of cases (default 48);
//! `GRAPH_FUZZ_SPECS` adds more specs (paths separated by `:`), such as Microsoft's modules.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use graph_meetings_codegen as codegen;
use graph_meetings_tests::workspace_root;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

/// A generation that takes longer than this on a case is a hang.
const LIMIT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
enum Mutation {
    BreakRef(Index),
    RetargetRef(Index, Index),
    WrongType(Index, u8),
    Cycle(Index, Index),
    HugeName(Index, usize),
    UnicodeName(Index),
    DuplicateKey(Index),
    DeepNesting(Index, usize),
    RenameProperty(Index),
    NewEnumMember(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::BreakRef),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::RetargetRef(a, b)),
        (any::<Index>(), 0u8..5).prop_map(|(a, k)| Mutation::WrongType(a, k)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Cycle(a, b)),
        (any::<Index>(), 1usize..20_000).prop_map(|(a, n)| Mutation::HugeName(a, n)),
        any::<Index>().prop_map(Mutation::UnicodeName),
        any::<Index>().prop_map(Mutation::DuplicateKey),
        (any::<Index>(), 1usize..200).prop_map(|(a, n)| Mutation::DeepNesting(a, n)),
        any::<Index>().prop_map(Mutation::RenameProperty),
        any::<Index>().prop_map(Mutation::NewEnumMember),
    ]
}

/// JSON pointers (as token lists) of every node for which `keep` holds.
fn nodes(v: &Value, keep: &dyn Fn(&[String], &Value) -> bool) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(Vec::<String>::new(), v)];
    while let Some((at, node)) = stack.pop() {
        if keep(&at, node) {
            out.push(at.clone());
        }
        match node {
            Value::Object(m) => {
                for (k, child) in m {
                    let mut p = at.clone();
                    p.push(k.clone());
                    stack.push((p, child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let mut p = at.clone();
                    p.push(i.to_string());
                    stack.push((p, child));
                }
            }
            _ => {}
        }
    }
    out.sort();
    out
}

fn get_mut<'a>(v: &'a mut Value, at: &[String]) -> &'a mut Value {
    at.iter().fold(v, |node, token| match node {
        Value::Object(m) => m.get_mut(token).expect("pointer from nodes()"),
        Value::Array(items) => &mut items[token.parse::<usize>().expect("an index")],
        _ => unreachable!("pointer from nodes()"),
    })
}

fn schema_keys(doc: &Value) -> Vec<String> {
    doc["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Applies `m`; returns the YAML text (duplicate keys can only be made in text).
fn apply(doc: &mut Value, m: &Mutation) -> Option<String> {
    let refs = nodes(doc, &|at, _| at.last().is_some_and(|t| t == "$ref"));
    let keys = schema_keys(doc);
    let pick = |list: &[Vec<String>], i: &Index| (!list.is_empty()).then(|| i.get(list).clone());
    match m {
        Mutation::BreakRef(i) => {
            if let Some(at) = pick(&refs, i) {
                *get_mut(doc, &at) = Value::String("#/components/schemas/missing.schema".into());
            }
        }
        Mutation::RetargetRef(i, j) => {
            if let (Some(at), false) = (pick(&refs, i), keys.is_empty()) {
                let target = j.get(&keys);
                *get_mut(doc, &at) = Value::String(format!("#/components/schemas/{target}"));
            }
        }
        Mutation::WrongType(i, kind) => {
            let all = nodes(doc, &|at, _| !at.is_empty());
            if let Some(at) = pick(&all, i) {
                *get_mut(doc, &at) = match kind {
                    0 => Value::from(42),
                    1 => Value::Bool(true),
                    2 => Value::String("not what belongs here".into()),
                    3 => Value::Array(vec![Value::Null]),
                    _ => Value::Null,
                };
            }
        }
        Mutation::Cycle(i, j) => {
            if keys.len() >= 2 {
                let (a, b) = (i.get(&keys).clone(), j.get(&keys).clone());
                let schemas = &mut doc["components"]["schemas"];
                schemas[&a] =
                    serde_json::json!({"allOf": [{"$ref": format!("#/components/schemas/{b}")}]});
                schemas[&b] =
                    serde_json::json!({"allOf": [{"$ref": format!("#/components/schemas/{a}")}]});
            }
        }
        Mutation::HugeName(i, n) => {
            let props = nodes(doc, &|at, _| {
                at.len() >= 2 && at[at.len() - 2] == "properties"
            });
            if let Some(at) = pick(&props, i) {
                rename(doc, &at, "x".repeat(*n));
            }
        }
        Mutation::UnicodeName(i) => {
            let props = nodes(doc, &|at, _| {
                at.len() >= 2 && at[at.len() - 2] == "properties"
            });
            if let Some(at) = pick(&props, i) {
                rename(doc, &at, "名前-ünïcødé 🚀".into());
            }
        }
        Mutation::DuplicateKey(i) => {
            let text = serde_yaml::to_string(doc).expect("a JSON value is YAML");
            let lines: Vec<&str> = text.lines().collect();
            let candidates: Vec<usize> = (0..lines.len())
                .filter(|&n| {
                    lines[n].trim_end().ends_with(':') && !lines[n].trim_start().starts_with('-')
                })
                .collect();
            if candidates.is_empty() {
                return None;
            }
            let n = *i.get(&candidates);
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let indent = &lines[n][..lines[n].len() - lines[n].trim_start().len()];
            out.insert(n, format!("{indent}{} null", lines[n].trim()));
            return Some(out.join("\n"));
        }
        Mutation::DeepNesting(i, depth) => {
            let props = nodes(doc, &|at, _| {
                at.len() >= 2 && at[at.len() - 2] == "properties"
            });
            if let Some(at) = pick(&props, i) {
                let mut schema = serde_json::json!({"type": "string"});
                for level in 0..*depth {
                    schema = if level % 2 == 0 {
                        serde_json::json!({"type": "array", "items": schema})
                    } else {
                        serde_json::json!({"anyOf": [schema, {"type": "object", "nullable": true}]})
                    };
                }
                *get_mut(doc, &at) = schema;
            }
        }
        Mutation::RenameProperty(i) => {
            let props = nodes(doc, &|at, _| {
                at.len() >= 2 && at[at.len() - 2] == "properties"
            });
            if let Some(at) = pick(&props, i) {
                let new = format!("{}Renamed", at.last().expect("a property name"));
                rename(doc, &at, new);
            }
        }
        Mutation::NewEnumMember(i) => {
            let enums = nodes(doc, &|at, v| {
                at.last().is_some_and(|t| t == "enum") && v.is_array()
            });
            if let Some(at) = pick(&enums, i) {
                if let Value::Array(items) = get_mut(doc, &at) {
                    items.push(Value::String("addedNextYear".into()));
                }
            }
        }
    }
    None
}

fn rename(doc: &mut Value, at: &[String], new: String) {
    let (last, parent) = at.split_last().expect("a property pointer");
    if let Value::Object(m) = get_mut(doc, parent) {
        if let Some(v) = m.remove(last) {
            m.insert(new, v);
        }
    }
}

/// What the generator made of a case.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Generated these files.
    Generated(Vec<codegen::GeneratedFile>),
    /// Refused the spec with an error that names the file and a JSON pointer.
    Refused(String),
}

/// Runs the whole generator on `text` on its own thread, with a time limit. `Err` is a bug: a
/// panic, a hang, a render error or an error without a pointer.
fn generate(name: &str, text: String) -> Result<Outcome, String> {
    let (tx, rx) = mpsc::channel();
    let label = name.to_string();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| {
                let file = Path::new(&label);
                codegen::parse(file, &text)
                    .and_then(|spec| codegen::lower(&spec, &label))
                    .and_then(|api| codegen::files(&api, file))
            }));
            let _ = tx.send(result);
        })
        .expect("a thread");
    match rx.recv_timeout(LIMIT) {
        Err(_) => Err(format!("{name}: no answer within {LIMIT:?} (a hang)")),
        Ok(Err(_)) => Err(format!("{name}: the generator panicked")),
        Ok(Ok(Ok(files))) => Ok(Outcome::Generated(files)),
        Ok(Ok(Err(e))) => {
            let message = e.to_string();
            match e {
                codegen::Error::Render { .. } => Err(format!("generator bug: {message}")),
                _ if message.starts_with(&format!("{name}: #")) => Ok(Outcome::Refused(message)),
                _ => Err(format!("an error without file and pointer: {message}")),
            }
        }
    }
}

/// Compiles generated modules in a scratch crate that depends on `graph-meetings`, as a user's
/// crate would; `Err` holds rustc's messages.
fn compile(modules: &[Vec<codegen::GeneratedFile>]) -> Result<(), String> {
    let root = workspace_root();
    let scratch = root.join("target/fuzz-compile");
    let src = scratch.join("src");
    let _ = std::fs::remove_dir_all(&src);
    let mut lib = String::from("pub use graph_meetings::{request, types};\n");
    for (i, files) in modules.iter().enumerate() {
        let dir = src.join(format!("case{i}"));
        codegen::write(&dir, files).map_err(|e| e.to_string())?;
        lib.push_str(&format!(
            "#[path = {:?}]\npub mod case{i};\n",
            dir.join("mod.rs")
        ));
    }
    std::fs::write(src.join("lib.rs"), lib).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"fuzz-compile\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\
         [dependencies]\ngraph-meetings = {{ path = {:?}, default-features = false }}\n\
         serde = \"1\"\nserde_json = \"1\"\nhttp = \"1\"\n[workspace]\n",
        root.join("graph-meetings")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))
        .map_err(|e| e.to_string())?;
    let out = std::process::Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--manifest-path"])
        .arg(scratch.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// How many accepted mutated outputs are compiled (`GRAPH_FUZZ_COMPILE`, default 3).
fn compiled_cases() -> usize {
    std::env::var("GRAPH_FUZZ_COMPILE")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(3)
}

fn specs() -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = vec![
        workspace_root().join("specs/graph-v1.0/onlineMeetings.yaml"),
        workspace_root().join("tests/specs/allof_chain.yaml"),
    ];
    if let Ok(extra) = std::env::var("GRAPH_FUZZ_SPECS") {
        files.extend(
            extra
                .split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        );
    }
    files
        .into_iter()
        .map(|f| {
            let text =
                std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let mut value: Value = serde_yaml::from_str(&text).expect("the seed specs parse");
            // Bodies marked `x-graph-meetings-validate` need a hand-written `Validate` impl in
            // the crate; the scratch crate that compiles accepted outputs has none.
            strip_key(&mut value, "x-graph-meetings-validate");
            (f.file_name().unwrap().to_string_lossy().into_owned(), value)
        })
        .collect()
}

fn strip_key(v: &mut Value, key: &str) {
    match v {
        Value::Object(m) => {
            m.remove(key);
            m.values_mut().for_each(|v| strip_key(v, key));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| strip_key(v, key)),
        _ => {}
    }
}

fn cases() -> u32 {
    std::env::var("GRAPH_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48)
}

#[test]
fn mutated_specs_never_panic_or_hang_and_errors_carry_pointers() {
    let seeds = specs();
    let accepted = std::sync::Mutex::new(Vec::new());
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(seed in any::<Index>(), mutations in prop::collection::vec(mutation(), 1..4))| {
        let (name, original) = seed.get(&seeds);
        let mut doc = original.clone();
        let mut text = None;
        for m in &mutations {
            text = apply(&mut doc, m).or(text);
        }
        let text = text.unwrap_or_else(|| serde_yaml::to_string(&doc).expect("YAML"));
        let outcome = generate(name, text);
        prop_assert!(outcome.is_ok(), "{:?}: {:?}", mutations, outcome);
        if let Ok(Outcome::Generated(files)) = outcome {
            let mut accepted = accepted.lock().unwrap();
            if accepted.len() < compiled_cases() {
                accepted.push((format!("{mutations:?}"), files));
            }
        }
    });
    // Accepted output must also compile: a spec the generator takes is a crate a user can build.
    let accepted = accepted.into_inner().unwrap();
    let (labels, modules): (Vec<String>, Vec<_>) = accepted.into_iter().unzip();
    if let Err(errors) = compile(&modules) {
        panic!("accepted specs generated code that does not compile ({labels:#?}):\n{errors}");
    }
}

/// Cases the fuzzer found, kept as regressions.
#[test]
fn regressions() {
    // A property nested 200 levels deep in arrays and anyOfs is refused, not overflowed.
    let deep = (0..200).fold(String::from("{type: string}"), |inner, level| {
        if level % 2 == 0 {
            format!("{{type: array, items: {inner}}}")
        } else {
            format!("{{anyOf: [{inner}, {{type: object, nullable: true}}]}}")
        }
    });
    let text = format!("openapi: 3.0.1\ninfo: {{title: t, version: v}}\npaths: {{}}\ncomponents:\n  schemas:\n    a:\n      type: object\n      properties:\n        p: {deep}\n");
    match generate("deep.yaml", text) {
        Ok(Outcome::Refused(message)) => assert!(
            message.starts_with("deep.yaml: #") && message.contains("recursion limit"),
            "{message}"
        ),
        other => panic!("expected a refusal with a pointer, got {other:?}"),
    }
}
