//! The public API surface of a generated module as plain text (`api.txt`), one item per line,
//! and the difference between two versions of it: what a maintainer reviews after regenerating.

use std::collections::BTreeMap;

use crate::ir::*;

/// Every option of an operation: query, header, and function arguments.
fn options(op: &Operation) -> impl Iterator<Item = &RequestOption> {
    let args = op
        .function
        .iter()
        .flat_map(|f| f.args.iter().map(|a| &a.param));
    op.query.iter().chain(&op.headers).chain(args)
}

/// The API text: a line per type, field, enum member, union variant and operation, sorted.
pub fn text(api: &Api) -> String {
    let mut lines = Vec::new();
    for t in &api.types {
        match &t.kind {
            TypeKind::Struct(s) => {
                lines.push(format!("struct {} = {}", t.name, t.origin));
                for f in &s.fields {
                    lines.push(format!(
                        "field {}.{}: {} = \"{}\"",
                        t.name,
                        f.name,
                        field_text(f),
                        f.json_name
                    ));
                }
            }
            TypeKind::Enum(e) => {
                lines.push(format!("enum {} = {}", t.name, t.origin));
                for v in &e.variants {
                    lines.push(format!("member {}::{} = \"{}\"", t.name, v.name, v.value));
                }
            }
            TypeKind::Union(u) => {
                lines.push(format!("union {} = {}", t.name, u.base));
                for d in &u.derived {
                    lines.push(format!(
                        "variant {}::{} = \"{}\"",
                        t.name, d.variant, d.odata_type
                    ));
                }
            }
        }
    }
    for op in &api.operations {
        let chain: Vec<String> = op
            .steps
            .iter()
            .map(|s| {
                let args: Vec<&str> = s.params.iter().map(|p| p.name.as_str()).collect();
                format!("{}({})", s.method, args.join(", "))
            })
            .collect();
        let mut args: Vec<String> = op.params.iter().map(|p| p.name.clone()).collect();
        args.extend(options(op).filter(|o| o.required).map(|o| o.name.clone()));
        match &op.body {
            Some(Body::Json { ty, .. }) => args.push(format!("&{}", type_text(ty))),
            Some(Body::Bytes) => args.push("bytes".into()),
            None => {}
        }
        let output = match &op.output {
            Output::Json(ty) => type_text(ty),
            Output::Outcome(name) => name.clone(),
            Output::Page(item) => format!("Page<{}>", type_text(item)),
            Output::Count => "u64".into(),
            Output::Content => "Content".into(),
            Output::Empty => "()".into(),
        };
        let options: Vec<&str> = options(op)
            .filter(|o| !o.required)
            .map(|o| o.name.as_str())
            .collect();
        let output = match &op.options_type {
            Some(name) => format!("{name}[{}] -> {output}", options.join(", ")),
            None => output,
        };
        lines.push(format!(
            "operation {} {} = {}.{}({}) -> {}{}",
            op.method,
            op.path,
            chain.join("."),
            op.name,
            args.join(", "),
            output,
            if op.deprecated.is_some() {
                " (deprecated)"
            } else {
                ""
            }
        ));
    }
    lines.sort();
    let mut out = format!(
        "# Public API of {} ({}), generated from {}.\n",
        api.title, api.version, api.source
    );
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn field_text(f: &Field) -> String {
    let mut t = type_text(&f.ty);
    if f.boxed {
        t = format!("Box<{t}>");
    }
    if f.optional {
        t = format!("Option<{t}>");
    }
    t
}

fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "bool".into(),
        TypeRef::Number(n) => format!("{n:?}").to_lowercase(),
        TypeRef::String => "String".into(),
        TypeRef::DateTime => "DateTimeOffset".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Base64Url => "Base64Url".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::List(t) => format!("Vec<{}>", type_text(t)),
        TypeRef::Nullable(t) => format!("Option<{}>", type_text(t)),
    }
}

/// What changed between two API texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Items only in the new text.
    pub added: Vec<String>,
    /// Items only in the old text.
    pub removed: Vec<String>,
    /// Items in both, described differently: `(old, new)`.
    pub changed: Vec<(String, String)>,
}

impl Change {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "API: {} added, {} removed, {} changed",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        )?;
        let lines = self
            .added
            .iter()
            .map(|a| format!("  + {a}"))
            .chain(self.removed.iter().map(|r| format!("  - {r}")))
            .chain(
                self.changed
                    .iter()
                    .map(|(o, n)| format!("  ~ {o}\n    -> {n}")),
            );
        for (shown, line) in lines.enumerate() {
            if shown == 60 {
                return write!(f, "\n  ... (the rest is in the api.txt diff)");
            }
            write!(f, "\n{line}")?;
        }
        Ok(())
    }
}

/// The difference between two API texts; an item is known by its kind and Rust path (or, for an
/// operation, its method and HTTP path).
pub fn diff(old: &str, new: &str) -> Change {
    fn items(text: &str) -> BTreeMap<String, String> {
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| {
                // `field T.x: type = "json"` is known by `field T.x`; the rest by what precedes
                // ` = ` (`member T::V`, `operation POST /path`).
                let separator = if l.starts_with("field ") { ": " } else { " = " };
                let key = l.split_once(separator).map_or(l, |(k, _)| k);
                (key.to_string(), l.to_string())
            })
            .collect()
    }
    let (old, new) = (items(old), items(new));
    let mut change = Change::default();
    for (k, line) in &new {
        match old.get(k) {
            None => change.added.push(line.clone()),
            Some(before) if before != line => change.changed.push((before.clone(), line.clone())),
            Some(_) => {}
        }
    }
    for (k, line) in &old {
        if !new.contains_key(k) {
            change.removed.push(line.clone());
        }
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_by_item() {
        let old = "# header\nfield A.x: Option<bool> = \"x\"\nfield A.y: String = \"y\"\nmember E::A = \"a\"\nstruct A = a\n";
        let new = "# header\nfield A.x: Option<String> = \"x\"\nfield A.z: bool = \"z\"\nmember E::A = \"a\"\nmember E::B = \"b\"\nstruct A = a\n";
        let c = diff(old, new);
        assert_eq!(c.added, ["field A.z: bool = \"z\"", "member E::B = \"b\""]);
        assert_eq!(c.removed, ["field A.y: String = \"y\""]);
        assert_eq!(c.changed.len(), 1);
        assert!(diff(new, new).is_empty());
    }
}
