//! Generates every construct spec in `specs/` into OUT_DIR, so that `tests/constructs.rs`
//! compiles (and clippy checks) exactly what the generator emits for each.

use std::fmt::Write as _;

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let specs = root.join("specs");
    println!("cargo:rerun-if-changed={}", specs.display());
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&specs)
        .expect("tests/specs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    entries.sort();
    let mut modules = String::new();
    for spec in entries {
        let stem = spec
            .file_stem()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let label = format!("tests/specs/{stem}.yaml");
        let files = graph_meetings_codegen::generate(&spec, &label)
            .unwrap_or_else(|e| panic!("construct spec {label} must generate: {e}"));
        let dir = out.join("constructs").join(&stem);
        graph_meetings_codegen::write(&dir, &files).expect("OUT_DIR is writable");
        writeln!(
            modules,
            "#[path = {:?}]\npub mod {stem};",
            dir.join("mod.rs").display().to_string()
        )
        .expect("writing to a String");
    }
    std::fs::write(out.join("constructs.rs"), modules).expect("OUT_DIR is writable");
    surface_calls(&root, &out);
}

/// Writes `surface_calls.rs`: for every operation of the crate's specs, the call that makes its
/// request (every path parameter, function argument and required option given a sample value)
/// and what Graph's URL for it is, computed from the spec's path template on its own.
/// `tests/surface.rs` compares the two.
fn surface_calls(root: &std::path::Path, out: &std::path::Path) {
    use graph_meetings_codegen::ir::{Body, OptionType, Output};
    let mut code = String::new();
    for (spec, module, base) in [
        ("specs/graph-v1.0/onlineMeetings.yaml", "v1", "v1.0"),
        ("specs/graph-beta/onlineMeetings.yaml", "beta", "beta"),
    ] {
        let path = root.parent().expect("workspace").join(spec);
        println!("cargo:rerun-if-changed={}", path.display());
        let loaded = graph_meetings_codegen::load(&path).expect("the crate's spec loads");
        let api = graph_meetings_codegen::lower(&loaded, spec).expect("the crate's spec lowers");
        writeln!(code, "fn {module}_calls() -> Vec<Call> {{").unwrap();
        writeln!(code, "    use graph_meetings::{module}::*;").unwrap();
        writeln!(
            code,
            "    let at = graph_meetings::types::DateTimeOffset::parse(DATE).unwrap();"
        )
        .unwrap();
        writeln!(code, "    let _ = &at;").unwrap();
        writeln!(code, "    vec![").unwrap();
        for op in &api.operations {
            let mut chain = String::from("Requests::detached()");
            for step in &op.steps {
                let args: Vec<String> = step
                    .params
                    .iter()
                    .map(|p| format!("{:?}", sample(&p.json_name)))
                    .collect();
                write!(chain, ".{}({})", step.method, args.join(", ")).unwrap();
            }
            let mut args: Vec<String> = op
                .params
                .iter()
                .map(|p| format!("{:?}", sample(&p.json_name)))
                .collect();
            let value = |ty: &OptionType, name: &str| match ty {
                OptionType::Bool => "true".to_string(),
                OptionType::Integer => "1".to_string(),
                OptionType::String => format!("{:?}", sample(name)),
                OptionType::DateTime => "&at".to_string(),
                OptionType::List => "&[\"id\"]".to_string(),
                OptionType::EnumList(e) => format!("&[{e}::from(\"x\")]"),
                OptionType::Enum(e) => format!("{e}::from(\"x\")"),
            };
            let function_args = op.function.iter().flat_map(|f| &f.args);
            for option in op
                .query
                .iter()
                .chain(&op.headers)
                .chain(function_args.clone().map(|a| &a.param))
            {
                if option.required {
                    args.push(value(&option.ty, &option.json_name));
                }
            }
            match &op.body {
                Some(Body::Json { .. }) => args.push(
                    "&serde_json::from_value(serde_json::json!({\"externalId\": \"x\"})).unwrap()"
                        .into(),
                ),
                Some(Body::Bytes) => args.push("b\"x\".to_vec()".into()),
                None => {}
            }
            write!(chain, ".{}({})", op.name, args.join(", ")).unwrap();
            for arg in function_args.clone().filter(|a| !a.param.required) {
                write!(
                    chain,
                    ".{}({})",
                    arg.param.name,
                    value(&arg.param.ty, &arg.param.json_name)
                )
                .unwrap();
            }
            let accept = match op.output {
                Output::Count => "Some(\"text/plain\")",
                Output::Content => "None",
                _ => "Some(\"application/json\")",
            };
            let content_type = match op.body {
                Some(Body::Json { .. }) => "Some(\"application/json\")",
                Some(Body::Bytes) => "Some(\"application/octet-stream\")",
                None => "None",
            };
            let base_url = format!("https://graph.microsoft.com/{base}");
            let to_http = if op.options_type.is_some() {
                format!("{chain}.into_request().to_http({base_url:?})")
            } else {
                format!("{chain}.to_http({base_url:?})")
            };
            writeln!(
                code,
                "        Call {{ method: {:?}, template: {:?}, version: {base:?}, accept: {accept}, content_type: {content_type}, http: {to_http} }},",
                op.method, op.path
            )
            .unwrap();
        }
        writeln!(code, "    ]\n}}").unwrap();
    }
    std::fs::write(out.join("surface_calls.rs"), code).expect("OUT_DIR is writable");
}

/// The sample value of a path parameter or string argument: its name, so that the expected
/// URL can be written from the template alone.
fn sample(name: &str) -> String {
    format!("p-{name}")
}
