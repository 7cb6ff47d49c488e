//! JSON pointers (RFC 6901) in URI-fragment form, as error messages show them.

/// `base` with one more reference token, escaped (`~` as `~0`, `/` as `~1`).
pub fn push(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// The pointer of a local `$ref` target, if `reference` is one: `#/components/schemas/x`.
pub fn is_local(reference: &str) -> bool {
    reference.starts_with("#/")
}

/// The unescaped tokens of a local pointer (`#/a/b~1c` gives `["a", "b/c"]`).
pub fn tokens(reference: &str) -> Vec<String> {
    reference
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The pointer serde_path_to_error reached.
pub fn from_serde_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("#");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out = push(&out, &index.to_string()),
            Segment::Map { key } => out = push(&out, key),
            Segment::Enum { variant } => out = push(&out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_unescapes() {
        let p = push(&push("#", "paths"), "/users/{user-id}");
        assert_eq!(p, "#/paths/~1users~1{user-id}");
        assert_eq!(tokens(&p), vec!["paths", "/users/{user-id}"]);
        assert_eq!(tokens("#/a~0b"), vec!["a~b"]);
    }
}
