//! `cargo xtask`: the maintainers' commands. See the README's "Regenerating" section.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "graph-meetings maintenance commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the crate's code from specs/ (or one spec into any folder).
    Codegen {
        /// Compare with the checked-in code instead of writing; fail and name stale files.
        #[arg(long)]
        check: bool,
        /// Generate from this spec instead of the crate's own (needs --out).
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// Folder to generate into (with --spec).
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
    },
    /// Cut a trimmed spec out of one or more full Graph descriptions.
    Trim {
        /// An input description (repeat to merge modules; the first definition wins).
        #[arg(long = "input", required = true)]
        inputs: Vec<PathBuf>,
        /// A path to keep exactly (its `microsoft.graph.`-prefixed action is taken if absent).
        #[arg(long = "path")]
        paths: Vec<String>,
        /// A prefix: the path and everything below it.
        #[arg(long = "prefix")]
        prefixes: Vec<String>,
        /// Methods to keep, comma-separated (default: all).
        #[arg(long, value_delimiter = ',')]
        methods: Vec<String>,
        /// Where to write the trimmed spec.
        #[arg(long)]
        out: PathBuf,
        /// Fail unless the result equals this spec (as YAML data, ignoring layout and comments).
        #[arg(long)]
        expect: Option<PathBuf>,
    },
    /// Compare a spec with Microsoft's description structurally; fail on any difference that
    /// the allow-list does not name, or on an allow-list entry that matches nothing.
    Drift {
        /// Microsoft's description (for example a trimmed PowerShell module slice).
        #[arg(long)]
        upstream: PathBuf,
        /// The project's spec.
        #[arg(long)]
        spec: PathBuf,
        /// Allowed differences, one `KEY # reason` a line (`KEY*` matches by prefix).
        #[arg(long)]
        allow: Option<PathBuf>,
    },
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_path_buf()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen { check, spec, out } => {
            let root = workspace_root();
            let targets: Vec<(PathBuf, PathBuf, String)> = match (spec, out) {
                (Some(spec), Some(out)) => {
                    let label = spec.display().to_string();
                    vec![(spec, out, label)]
                }
                _ => graph_meetings_codegen::TARGETS
                    .iter()
                    .map(|t| (root.join(t.spec), root.join(t.out), t.spec.to_string()))
                    .collect(),
            };
            codegen(&targets, check)
        }
        Command::Trim {
            inputs,
            paths,
            prefixes,
            methods,
            out,
            expect,
        } => {
            let selection = graph_meetings_codegen::trim::Selection {
                paths,
                prefixes,
                methods: methods.iter().map(|m| m.to_lowercase()).collect(),
            };
            match graph_meetings_codegen::trim::trim(&inputs, &selection) {
                Ok((text, report)) => {
                    if let Err(e) = std::fs::write(&out, &text) {
                        eprintln!("error: {}: cannot write: {e}", out.display());
                        return ExitCode::FAILURE;
                    }
                    println!("{report}\nwrote {}", out.display());
                    match expect {
                        Some(expected) => same_yaml(&text, &expected),
                        None => ExitCode::SUCCESS,
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Drift {
            upstream,
            spec,
            allow,
        } => drift(&upstream, &spec, allow.as_deref()),
    }
}

/// `cargo xtask drift`: differences no entry allows are printed bare (ready to be copied into
/// the allow-list), allowed ones after `allowed: `, stale entries on stderr.
fn drift(upstream: &Path, spec: &Path, allow: Option<&Path>) -> ExitCode {
    let report = match graph_meetings_codegen::drift::check(upstream, spec, allow) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (key, entry) in &report.differences {
        match entry {
            Some(e) => println!("allowed: {key}  # {}", e.reason),
            None => println!("{key}"),
        }
    }
    for e in &report.stale {
        let star = if e.prefix { "*" } else { "" };
        eprintln!(
            "stale allow entry (line {}): {}{star} matches no difference",
            e.line, e.key
        );
    }
    let unallowed = report.unallowed().count();
    println!(
        "{} differences between {} and {}: {} allowed, {unallowed} not allowed; {} stale allow entries",
        report.differences.len(),
        upstream.display(),
        spec.display(),
        report.differences.len() - unallowed,
        report.stale.len()
    );
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Whether `text` and the file `expected` hold the same YAML data.
fn same_yaml(text: &str, expected: &Path) -> ExitCode {
    let parse = |t: &str| serde_yaml::from_str::<serde_yaml::Value>(t);
    let expected_text = match std::fs::read_to_string(expected) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", expected.display());
            return ExitCode::FAILURE;
        }
    };
    match (parse(text), parse(&expected_text)) {
        (Ok(a), Ok(b)) if a == b => {
            println!("same data as {}", expected.display());
            ExitCode::SUCCESS
        }
        (Ok(_), Ok(_)) => {
            eprintln!(
                "error: the trimmed spec differs from {}",
                expected.display()
            );
            ExitCode::FAILURE
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: cannot compare with {}: {e}", expected.display());
            ExitCode::FAILURE
        }
    }
}

fn codegen(targets: &[(PathBuf, PathBuf, String)], check: bool) -> ExitCode {
    let mut failed = false;
    for (spec, out, label) in targets {
        let files = match graph_meetings_codegen::generate(spec, label) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        if check {
            let stale = graph_meetings_codegen::check(out, &files);
            for s in &stale {
                eprintln!("stale: {s}");
            }
            if stale.is_empty() {
                println!("{label}: up to date ({} files)", files.len());
            } else {
                failed = true;
            }
        } else {
            let old_api = std::fs::read_to_string(out.join("api.txt")).unwrap_or_default();
            match graph_meetings_codegen::write(out, &files) {
                Ok(changed) => {
                    if let Some(new_api) = files.iter().find(|f| f.path.ends_with("api.txt")) {
                        let change = graph_meetings_codegen::api::diff(&old_api, &new_api.contents);
                        println!("{change}");
                    }
                    println!(
                        "{label} -> {}: {} files, {} changed",
                        out.display(),
                        files.len(),
                        changed.len()
                    );
                    for path in changed {
                        println!("  changed {}", path.display());
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    failed = true;
                }
            }
        }
    }
    if failed {
        if check {
            eprintln!("run `cargo xtask codegen` to regenerate");
        }
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
