//! `cargo xtask trim`: cut a small spec out of Microsoft's large descriptions.
//!
//! Inputs are merged (Microsoft publishes modules; the first definition of a name wins), paths
//! are selected exactly or by prefix (and by method), and every local `$ref` they reach is kept,
//! through all `components` sections. Discriminator mappings are pruned to what is kept (following
//! them would keep every entity in Graph). Output keeps the source's key order, so it is
//! deterministic and diffs well.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::error::Error;
use crate::pointer;

/// What to cut.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Paths taken exactly (or, if absent, with `microsoft.graph.` before the last segment).
    pub paths: Vec<String>,
    /// Prefixes: the path itself and everything below it (`/…` or `(…)`).
    pub prefixes: Vec<String>,
    /// HTTP methods to keep, lower case; empty keeps all.
    pub methods: Vec<String>,
}

/// What the trim did, for the maintainer to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Paths kept, in output order.
    pub matched: Vec<String>,
    /// `(asked, taken)` where the `microsoft.graph.` spelling was taken.
    pub substituted: Vec<(String, String)>,
    /// Paths and prefixes that matched nothing.
    pub not_found: Vec<String>,
    /// Names defined differently in two inputs (the first was kept).
    pub conflicts: Vec<String>,
    /// Component counts kept, by section.
    pub kept: Vec<(String, usize)>,
    /// Discriminator mapping entries dropped because their target was not kept.
    pub pruned_mappings: usize,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "matched {} path(s)", self.matched.len())?;
        for p in &self.matched {
            writeln!(f, "  {p}")?;
        }
        for (asked, taken) in &self.substituted {
            writeln!(f, "substituted {asked} -> {taken}")?;
        }
        for p in &self.not_found {
            writeln!(f, "not found: {p}")?;
        }
        for c in &self.conflicts {
            writeln!(f, "conflict (first kept): {c}")?;
        }
        let kept: Vec<String> = self.kept.iter().map(|(s, n)| format!("{n} {s}")).collect();
        writeln!(f, "kept {}", kept.join(", "))?;
        write!(
            f,
            "pruned {} discriminator mapping entries",
            self.pruned_mappings
        )
    }
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn parse_error(file: &Path, pointer: &str, message: impl Into<String>) -> Error {
    Error::Parse {
        file: file.to_owned(),
        pointer: pointer.to_string(),
        message: message.into(),
    }
}

/// Reads `inputs`, cuts `selection` out of them, and returns the YAML text and a report.
/// Fails when nothing matched or a kept `$ref` does not resolve.
pub fn trim(inputs: &[PathBuf], selection: &Selection) -> Result<(String, Report), Error> {
    let mut documents = Vec::new();
    for file in inputs {
        let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
            file: file.clone(),
            source,
        })?;
        let value: Value = serde_yaml::from_str(&text)
            .map_err(|e| parse_error(file, "#", format!("not valid YAML: {e}")))?;
        if !value.is_mapping() {
            return Err(parse_error(
                file,
                "#",
                "not an OpenAPI document (not a mapping)",
            ));
        }
        documents.push((file.clone(), value));
    }
    let first_file = inputs.first().cloned().unwrap_or_default();
    let mut report = Report::default();
    let merged = merge(documents, &mut report);
    let empty = Mapping::new();
    let paths = merged
        .get("paths")
        .and_then(Value::as_mapping)
        .unwrap_or(&empty);

    // Select.
    let mut chosen: Vec<String> = Vec::new();
    let take = |p: &str, chosen: &mut Vec<String>| {
        if !chosen.iter().any(|c| c == p) {
            chosen.push(p.to_string());
        }
    };
    for asked in &selection.paths {
        if paths.contains_key(asked.as_str()) {
            take(asked, &mut chosen);
        } else if let Some(alt) = namespaced(asked).filter(|alt| paths.contains_key(alt.as_str())) {
            report.substituted.push((asked.clone(), alt.clone()));
            take(&alt, &mut chosen);
        } else {
            report.not_found.push(asked.clone());
        }
    }
    for prefix in &selection.prefixes {
        let before = chosen.len();
        for (p, _) in paths {
            let Some(p) = p.as_str() else { continue };
            let below = p.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with('/') || rest.starts_with('(')
            });
            if below {
                take(p, &mut chosen);
            }
        }
        if chosen.len() == before {
            report.not_found.push(format!("{prefix} (prefix)"));
        }
    }
    // Output in source order.
    let mut kept_paths = Mapping::new();
    for (p, item) in paths {
        let Some(name) = p.as_str() else { continue };
        if !chosen.iter().any(|c| c == name) {
            continue;
        }
        let mut item = item.clone();
        if !selection.methods.is_empty() {
            if let Some(map) = item.as_mapping_mut() {
                map.retain(|k, _| {
                    let k = k.as_str().unwrap_or_default();
                    !METHODS.contains(&k) || selection.methods.iter().any(|m| m == k)
                });
                if !map
                    .keys()
                    .any(|k| METHODS.contains(&k.as_str().unwrap_or_default()))
                {
                    continue;
                }
            }
        }
        report.matched.push(name.to_string());
        kept_paths.insert(p.clone(), item);
    }
    if report.matched.is_empty() {
        return Err(parse_error(
            &first_file,
            "#/paths",
            "no path matched the selection",
        ));
    }

    // Closure of $refs through components.
    let components = merged
        .get("components")
        .and_then(Value::as_mapping)
        .unwrap_or(&empty);
    let mut kept: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<&Value> = kept_paths.values().collect();
    let mut unresolved = Vec::new();
    while let Some(node) = queue.pop_front() {
        for reference in refs(node) {
            let tokens = pointer::tokens(&reference);
            let [c, section, name] = tokens.as_slice() else {
                unresolved.push(reference);
                continue;
            };
            if c != "components" {
                unresolved.push(reference);
                continue;
            }
            let target = components
                .get(section.as_str())
                .and_then(Value::as_mapping)
                .and_then(|m| m.get(name.as_str()));
            match target {
                Some(found) => {
                    if kept.insert((section.clone(), name.clone())) {
                        queue.push_back(found);
                    }
                }
                None => unresolved.push(reference),
            }
        }
    }
    // Security schemes named by `security` requirements.
    let mut requirements: Vec<Value> = merged.get("security").into_iter().cloned().collect();
    for item in kept_paths.values() {
        for (_, op) in item.as_mapping().into_iter().flatten() {
            if let Some(s) = op.get("security") {
                requirements.push(s.clone());
            }
        }
    }
    for requirement in requirements.iter().filter_map(Value::as_sequence).flatten() {
        for (scheme, _) in requirement.as_mapping().into_iter().flatten() {
            if let Some(scheme) = scheme.as_str() {
                kept.insert(("securitySchemes".into(), scheme.to_string()));
            }
        }
    }
    if !unresolved.is_empty() {
        unresolved.sort();
        unresolved.dedup();
        return Err(parse_error(
            &first_file,
            "#/components",
            format!(
                "unresolved $ref(s) in the trimmed spec: {}",
                unresolved.join(", ")
            ),
        ));
    }

    let mut out_components = Mapping::new();
    for (section, entries) in components {
        let Some(section_name) = section.as_str() else {
            continue;
        };
        let mut out = Mapping::new();
        for (name, value) in entries.as_mapping().into_iter().flatten() {
            let Some(n) = name.as_str() else { continue };
            if kept.contains(&(section_name.to_string(), n.to_string())) {
                let mut value = value.clone();
                if section_name == "schemas" {
                    report.pruned_mappings += prune_mappings(&mut value, &kept);
                }
                out.insert(name.clone(), value);
            }
        }
        if !out.is_empty() {
            report.kept.push((section_name.to_string(), out.len()));
            out_components.insert(section.clone(), Value::Mapping(out));
        }
    }

    let mut doc = Mapping::new();
    for (k, v) in merged.as_mapping().into_iter().flatten() {
        match k.as_str() {
            Some("paths") => {
                doc.insert(k.clone(), Value::Mapping(kept_paths.clone()));
            }
            Some("components") => {
                doc.insert(k.clone(), Value::Mapping(out_components.clone()));
            }
            Some("tags") => {
                let used = used_tags(&kept_paths);
                let tags: Vec<Value> = v
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter(|t| {
                        t.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| used.contains(n))
                    })
                    .cloned()
                    .collect();
                if !tags.is_empty() {
                    doc.insert(k.clone(), Value::Sequence(tags));
                }
            }
            _ => {
                doc.insert(k.clone(), v.clone());
            }
        }
    }
    let text = serde_yaml::to_string(&Value::Mapping(doc))
        .map_err(|e| parse_error(&first_file, "#", format!("cannot write YAML: {e}")))?;
    Ok((text, report))
}

/// Merges documents, moving their contents: the first's top-level keys, and `paths` and every
/// components section from all, the first definition of a name winning.
fn merge(documents: Vec<(PathBuf, Value)>, report: &mut Report) -> Value {
    let mut merged = Mapping::new();
    for (file, doc) in documents {
        let Value::Mapping(doc) = doc else { continue };
        for (k, v) in doc {
            match k.as_str() {
                Some("paths") => merge_named(&mut merged, k, v, &file, "paths", report),
                Some("components") => {
                    let entry = merged
                        .entry(k)
                        .or_insert_with(|| Value::Mapping(Mapping::new()));
                    let Value::Mapping(sections) = v else {
                        continue;
                    };
                    for (section, entries) in sections {
                        if let Some(target) = entry.as_mapping_mut() {
                            let at = format!("components/{}", section.as_str().unwrap_or("?"));
                            merge_named(target, section, entries, &file, &at, report);
                        }
                    }
                }
                _ => {
                    merged.entry(k).or_insert(v);
                }
            }
        }
    }
    Value::Mapping(merged)
}

fn merge_named(
    into: &mut Mapping,
    key_: Value,
    entries: Value,
    file: &Path,
    at: &str,
    report: &mut Report,
) {
    let target = into
        .entry(key_)
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let (Some(target), Value::Mapping(entries)) = (target.as_mapping_mut(), entries) else {
        return;
    };
    for (name, value) in entries {
        match target.get(&name) {
            None => {
                target.insert(name, value);
            }
            Some(existing) if *existing == value => {}
            Some(_) => report.conflicts.push(format!(
                "{at}/{} (again in {})",
                name.as_str().unwrap_or("?"),
                file.display()
            )),
        }
    }
}

/// Every `$ref` string under `node`.
fn refs(node: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(v) = stack.pop() {
        match v {
            Value::Mapping(m) => {
                for (k, child) in m {
                    if k.as_str() == Some("$ref") {
                        if let Some(r) = child.as_str() {
                            out.push(r.to_string());
                        }
                    } else {
                        stack.push(child);
                    }
                }
            }
            Value::Sequence(items) => stack.extend(items),
            Value::Tagged(t) => stack.push(&t.value),
            _ => {}
        }
    }
    out
}

/// Drops mapping entries whose target schema is not kept; returns how many.
fn prune_mappings(node: &mut Value, kept: &BTreeSet<(String, String)>) -> usize {
    let mut pruned = 0;
    match node {
        Value::Mapping(m) => {
            for (k, child) in m.iter_mut() {
                if k.as_str() == Some("discriminator") {
                    if let Some(mapping) = child.get_mut("mapping").and_then(Value::as_mapping_mut)
                    {
                        let before = mapping.len();
                        mapping.retain(|_, target| {
                            let tokens = target.as_str().map(pointer::tokens).unwrap_or_default();
                            matches!(tokens.as_slice(), [c, s, n] if c == "components"
                                && kept.contains(&(s.clone(), n.clone())))
                        });
                        pruned += before - mapping.len();
                    }
                } else {
                    pruned += prune_mappings(child, kept);
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                pruned += prune_mappings(item, kept);
            }
        }
        _ => {}
    }
    pruned
}

fn used_tags(paths: &Mapping) -> BTreeSet<String> {
    paths
        .values()
        .filter_map(Value::as_mapping)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("tags").and_then(Value::as_sequence))
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

/// `/a/b/createOrGet` -> `/a/b/microsoft.graph.createOrGet`.
fn namespaced(path: &str) -> Option<String> {
    let (head, last) = path.rsplit_once('/')?;
    (!last.is_empty() && !last.starts_with('{') && !last.starts_with(crate::names::GRAPH_NAMESPACE))
        .then(|| format!("{head}/{}{last}", crate::names::GRAPH_NAMESPACE))
}
