//! Generation speed: the crate's own spec, and a whole Microsoft module description against the
//! time serde_yaml alone takes to parse it.
//!
//! The module description is `GRAPH_MODULE_SPEC`, or `../shared/upstream/modules/
//! beta-Users.Actions.yml` (2.8 MB, 1,129 schemas) when that folder is beside the workspace.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn full_pipeline(file: &Path, text: &str) -> usize {
    let spec = graph_meetings_codegen::parse(file, text).expect("parses");
    let api = graph_meetings_codegen::lower(&spec, "bench").expect("lowers");
    let files = graph_meetings_codegen::files(&api, file).expect("renders");
    files.iter().map(|f| f.contents.len()).sum()
}

fn benches(c: &mut Criterion) {
    let own = workspace().join("specs/graph-v1.0/onlineMeetings.yaml");
    let own_text = std::fs::read_to_string(&own).unwrap();
    c.bench_function("generate specs/graph-v1.0", |b| {
        b.iter(|| full_pipeline(&own, &own_text))
    });

    let module = std::env::var_os("GRAPH_MODULE_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/upstream/modules/beta-Users.Actions.yml"));
    let Ok(text) = std::fs::read_to_string(&module) else {
        eprintln!(
            "NOTE: {} not found; set GRAPH_MODULE_SPEC to benchmark a large description",
            module.display()
        );
        return;
    };
    let mut group = c.benchmark_group("large module");
    group.sample_size(10);
    group.bench_function("serde_yaml parse only", |b| {
        b.iter(|| serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap())
    });
    group.bench_function("load (parse + openapiv3)", |b| {
        b.iter(|| graph_meetings_codegen::parse(&module, &text).unwrap())
    });
    group.bench_function("generate (load + lower + emit + render)", |b| {
        b.iter(|| full_pipeline(&module, &text))
    });
    group.finish();
}

criterion_group!(generate, benches);
criterion_main!(generate);
