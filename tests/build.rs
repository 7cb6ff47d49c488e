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
}
