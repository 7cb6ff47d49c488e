//! OData system query options: which the emulator reads, and how.

use serde_json::{Map, Value};

/// The largest `$top` taken (Graph's own limit on these collections is smaller or equal).
pub(super) const MAX_TOP: usize = 999;

/// The query options of one request.
#[derive(Debug, Default)]
pub(super) struct Query {
    pub filter: Option<String>,
    pub select: Option<Vec<String>>,
    pub top: Option<usize>,
    pub skip: usize,
    pub skiptoken: Option<String>,
    pub deltatoken: Option<String>,
    pub count: bool,
    pub format: Option<String>,
    /// The pairs to carry into next and delta links, as received (paging tokens and `$skip`
    /// left out).
    pub carried: Vec<String>,
}

fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// Reads `uri.query()`. Options the emulator does not implement are a 400, so that a test
/// never passes on an option that was silently ignored.
pub(super) fn parse(raw: Option<&str>) -> Result<Query, String> {
    let mut q = Query::default();
    for pair in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (decode(name), decode(value));
        let lower = name.to_ascii_lowercase();
        let carry = !matches!(lower.as_str(), "$skiptoken" | "$deltatoken" | "$skip");
        if carry {
            q.carried.push(pair.to_string());
        }
        match lower.as_str() {
            "$filter" => q.filter = Some(value),
            "$select" => {
                let fields: Vec<String> = value
                    .split(',')
                    .map(|f| f.trim().to_string())
                    .filter(|f| !f.is_empty())
                    .collect();
                if fields.is_empty() {
                    return Err("$select names no property.".into());
                }
                q.select = Some(fields);
            }
            "$top" => match value.parse::<usize>() {
                Ok(n) if n <= MAX_TOP => q.top = Some(n),
                _ => return Err(format!("$top must be an integer from 0 to {MAX_TOP}.")),
            },
            "$skip" => {
                q.skip = value
                    .parse()
                    .map_err(|_| "$skip must be a non-negative integer.".to_string())?
            }
            "$skiptoken" => q.skiptoken = Some(value),
            "$deltatoken" => q.deltatoken = Some(value),
            "$count" => match value.as_str() {
                "true" => q.count = true,
                "false" => q.count = false,
                _ => return Err("$count must be true or false.".into()),
            },
            "$format" => q.format = Some(value),
            "$expand" | "$orderby" | "$search" => {
                return Err(format!(
                    "The query option {name} is not supported on this resource."
                ))
            }
            other if other.starts_with('$') => {
                return Err(format!("The query option {name} is not supported."))
            }
            // Anything else (an SDK's function parameters sent as query parameters, say) is
            // not an OData option; Graph ignores it, and so does the emulator.
            _ => {}
        }
    }
    Ok(q)
}

/// The join URL of `$filter=JoinWebUrl eq '<url>'` (the property name in any case, the literal
/// with `''` for a quote). Any other filter is an error.
pub(super) fn join_url_filter(filter: &str) -> Result<String, String> {
    let unsupported = || {
        format!("unsupported filter: {filter}; the emulator filters meetings by JoinWebUrl eq '<url>' only.")
    };
    let text = filter.trim();
    let (property, rest) = text
        .split_once(char::is_whitespace)
        .ok_or_else(unsupported)?;
    let rest = rest.trim_start();
    let (op, literal) = rest
        .split_once(char::is_whitespace)
        .ok_or_else(unsupported)?;
    if !property.eq_ignore_ascii_case("joinWebUrl") || !op.eq_ignore_ascii_case("eq") {
        return Err(unsupported());
    }
    let literal = literal.trim();
    let inner = literal
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .ok_or_else(unsupported)?;
    // Every quote inside must be doubled.
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return Err(unsupported());
        }
        out.push(c);
    }
    Ok(out)
}

/// The value with only the properties `$select` names (matched without regard to case), and
/// `id`.
pub(super) fn select(value: &Value, fields: &[String]) -> Value {
    let Some(object) = value.as_object() else {
        return value.clone();
    };
    let keep: Map<String, Value> = object
        .iter()
        .filter(|(k, _)| *k == "id" || fields.iter().any(|f| f.eq_ignore_ascii_case(k)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(keep)
}

/// Where a page starts: `$skiptoken` (the emulator's own, a plain offset) or `$skip`.
pub(super) fn offset(q: &Query) -> Result<usize, String> {
    match &q.skiptoken {
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| "The $skiptoken is not one this emulator issued.".into()),
        None => Ok(q.skip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_url_filters() {
        let url = join_url_filter("JoinWebUrl eq 'https://x/a?b=1'").unwrap();
        assert_eq!(url, "https://x/a?b=1");
        assert_eq!(
            join_url_filter("joinweburl  EQ  'O''Brien'").unwrap(),
            "O'Brien"
        );
        for bad in [
            "subject eq 'x'",
            "JoinWebUrl ne 'x'",
            "JoinWebUrl eq x",
            "JoinWebUrl eq 'a'b'",
            "JoinWebUrl",
        ] {
            assert!(join_url_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn options() {
        let q = parse(Some(
            "$top=3&$select=subject,%20joinWebUrl&$count=true&$skiptoken=4&x=y",
        ));
        let q = q.unwrap();
        assert_eq!(q.top, Some(3));
        assert_eq!(q.select.unwrap(), ["subject", "joinWebUrl"]);
        assert!(q.count);
        assert_eq!(q.skiptoken.as_deref(), Some("4"));
        assert_eq!(q.carried.len(), 4);
        assert!(parse(Some("$expand=attendanceReports")).is_err());
        assert!(parse(Some("$top=-1")).is_err());
        assert!(parse(Some("$count=yes")).is_err());
        assert_eq!(
            parse(Some("$filter=JoinWebUrl+eq+%27a%2Bb%27"))
                .unwrap()
                .filter
                .as_deref(),
            Some("JoinWebUrl eq 'a+b'")
        );
    }
}
