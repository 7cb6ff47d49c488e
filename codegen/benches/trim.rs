//! `trim` on a description of Graph's full size (about 37 MB): time and peak memory.
//!
//! Microsoft's full `openapi.yaml` is not available here, so the bench builds one of that size
//! from a real module description (`GRAPH_MODULE_SPEC`, or
//! `../shared/upstream/modules/beta-Users.Actions.yml`), repeating its paths and schemas under
//! new names, writes it to a temporary file, and trims the onlineMeetings operations out of it.
//!
//! `cargo bench -p graph-meetings-codegen --bench trim -- [megabytes]` (default 37).

use std::path::{Path, PathBuf};
use std::time::Instant;

use graph_meetings_codegen::trim::{trim, Selection};
use serde_yaml::{Mapping, Value};

fn main() {
    // The child: trim one file and report this process's own peak memory.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--trim-file") {
        trim_one(Path::new(&args[i + 1]));
        return;
    }
    let megabytes: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(37);
    let module = std::env::var_os("GRAPH_MODULE_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/upstream/modules/beta-Users.Actions.yml")
        });
    let Ok(text) = std::fs::read_to_string(&module) else {
        eprintln!(
            "NOTE: {} not found; set GRAPH_MODULE_SPEC",
            module.display()
        );
        return;
    };
    let source: Value = serde_yaml::from_str(&text).unwrap();
    let mut doc = source.clone();
    let copies = (megabytes * 1_000_000 / text.len()).max(1);
    for copy in 1..copies {
        for section in ["paths", "components"] {
            let from = source[section].as_mapping().unwrap();
            let into = doc[section].as_mapping_mut().unwrap();
            if section == "paths" {
                for (k, v) in from {
                    let k = format!("/copy{copy}{}", k.as_str().unwrap());
                    into.insert(Value::String(k), v.clone());
                }
            } else {
                let schemas = from["schemas"].as_mapping().unwrap();
                let target = into
                    .get_mut("schemas")
                    .and_then(Value::as_mapping_mut)
                    .unwrap();
                let mut extra = Mapping::new();
                for (k, v) in schemas {
                    extra.insert(
                        Value::String(format!("copy{copy}.{}", k.as_str().unwrap())),
                        v.clone(),
                    );
                }
                target.extend(extra);
            }
        }
    }
    let big = serde_yaml::to_string(&doc).unwrap();
    drop(doc);
    let file = std::env::temp_dir().join(format!("graph-trim-bench-{}.yaml", std::process::id()));
    std::fs::write(&file, &big).unwrap();
    let size = big.len();
    drop(big);
    println!("built a {:.1} MB description", size as f64 / 1e6);
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--trim-file")
        .arg(&file)
        .status()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(status.success());
}

fn trim_one(file: &Path) {
    let selection = Selection {
        paths: [
            "/me/onlineMeetings",
            "/users/{user-id}/onlineMeetings",
            "/me/onlineMeetings/createOrGet",
            "/users/{user-id}/onlineMeetings/createOrGet",
        ]
        .map(String::from)
        .to_vec(),
        prefixes: vec!["/users/{user-id}/onlineMeetings".into()],
        methods: Vec::new(),
    };
    let started = Instant::now();
    let (out, report) = trim(&[file.to_path_buf()], &selection).unwrap();
    println!(
        "trim: {:.2} s, {} paths kept, {} bytes out, peak RSS of the trimming process {} MB",
        started.elapsed().as_secs_f64(),
        report.matched.len(),
        out.len(),
        peak_rss_mb()
    );
}

/// Peak resident memory from /proc (Linux); 0 elsewhere.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
