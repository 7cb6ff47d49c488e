//! Every Rust name the generator emits is decided here, and only here.
//!
//! The rules, in one place:
//! - types: the last dotted segment of the schema name (`microsoft.graph.onlineMeeting` ->
//!   `OnlineMeeting`); when two schemas end the same way, each keeps as many namespace
//!   segments as it takes to tell them apart (`callRecords.participant` ->
//!   `CallRecordsParticipant`);
//! - fields and methods: snake case of the JSON name, with anything that is not an ASCII letter or
//!   digit as a word break (`@odata.type` -> `odata_type`, `request-id` -> `request_id`); Rust
//!   keywords get a trailing `_` (`type_`); a leading digit gets a `n` prefix;
//! - enum variants: upper camel case of the value; the catch-all variant is `Other`, or the first
//!   of `OtherValue`, `OtherValue2`, ... that no member took;
//! - duplicates after these rules get `2`, `3`, ... in document order.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The namespace Graph puts on every schema name.
pub const GRAPH_NAMESPACE: &str = "microsoft.graph.";

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Names the generated code itself uses at the top of a module, which no type may take.
const RESERVED_TYPES: &[&str] = &["Self"];

/// The field that keeps properties a schema does not declare.
pub const ADDITIONAL_PROPERTIES: &str = "additional_properties";

/// `text` with every run of characters other than ASCII letters and digits turned into one
/// space, so that heck sees word breaks there.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

fn not_keyword(mut name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) || RESERVED_TYPES.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A snake-case identifier for a JSON name (field, parameter, method).
pub fn snake(json: &str) -> String {
    let mut name = words(json).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    not_keyword(name)
}

/// An upper-camel-case identifier (type, variant).
pub fn camel(json: &str) -> String {
    let mut name = words(json).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    not_keyword(name)
}

/// Hands out names that are unique within one scope, in the order asked.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// `wanted`, or `wanted2`, `wanted3`, ... if taken (snake-case names get `_2`).
    pub fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let sep = if wanted.contains('_') || wanted.chars().all(|c| !c.is_ascii_uppercase()) {
            "_"
        } else {
            ""
        };
        let wanted = wanted.trim_end_matches('_');
        (2..)
            .map(|n| format!("{wanted}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// Rust type names for every schema key, or the two keys that cannot be told apart.
///
/// Keys are taken in sorted order, so the result does not depend on document order.
pub fn type_names<'a>(
    keys: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, String>, (String, String, String)> {
    let keys: BTreeSet<&str> = keys.into_iter().collect();
    let segments = |key: &str| -> Vec<String> {
        key.strip_prefix(GRAPH_NAMESPACE)
            .unwrap_or(key)
            .split('.')
            .map(str::to_string)
            .collect()
    };
    // Start every key with its last segment; lengthen the ones that collide until none do.
    let mut take: BTreeMap<&str, usize> = keys.iter().map(|k| (*k, 1)).collect();
    loop {
        let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for key in &keys {
            let segs = segments(key);
            let n = take[key].min(segs.len());
            by_name
                .entry(camel(&segs[segs.len() - n..].join(".")))
                .or_default()
                .push(key);
        }
        let mut grew = false;
        for (name, group) in &by_name {
            if group.len() < 2 {
                continue;
            }
            for key in group {
                if take[key] < segments(key).len() {
                    *take.get_mut(key).expect("every key has an entry") += 1;
                    grew = true;
                }
            }
            if !grew {
                return Err((group[0].to_string(), group[1].to_string(), name.clone()));
            }
        }
        if !grew {
            return Ok(by_name
                .into_iter()
                .map(|(name, group)| (group[0].to_string(), name))
                .collect());
        }
    }
}

/// The name of the enum that holds a base type or any type derived from it.
pub fn union_name(base: &str) -> String {
    format!("Any{base}")
}

/// The name of an inline request body of an operation.
pub fn request_body_name(method: &str) -> String {
    format!("{}Request", camel(method))
}

/// The name of an enum's catch-all variant, given its members' variant names.
pub fn other_variant(scope: &Scope) -> String {
    let mut candidate = "Other".to_string();
    let mut n = 1;
    while scope.contains(&candidate) {
        candidate = if n == 1 {
            "OtherValue".into()
        } else {
            format!("OtherValue{n}")
        };
        n += 1;
    }
    candidate
}

/// The accessor for one item of a collection segment (`users` -> `user`).
pub fn item_accessor(collection: &str) -> String {
    let snake = snake(collection);
    let singular = snake
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| snake.strip_suffix('s').map(str::to_string))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{snake}_item"));
    not_keyword(singular)
}

/// The name of the root request builder.
pub const ROOT_BUILDER: &str = "Requests";

/// The name of the builder reached through `methods` (`["me", "online_meetings"]` ->
/// `MeOnlineMeetingsBuilder`).
pub fn builder_name(methods: &[String]) -> String {
    format!("{}Builder", camel(&methods.join(" ")))
}

/// The name of the enum of an operation's outcomes (`create_or_get` -> `CreateOrGetOutcome`).
pub fn outcome_name(operation: &str) -> String {
    format!("{}Outcome", camel(operation))
}

/// An outcome variant's name from a success status, unless the spec names it.
pub fn status_variant(status: u16, range: bool) -> String {
    if range {
        return format!("Status{}xx", status / 100);
    }
    match status {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        203 => "NonAuthoritative".into(),
        204 => "NoContent".into(),
        206 => "PartialContent".into(),
        n => format!("Status{n}"),
    }
}

/// The fallback for an item accessor whose wanted name another path shape took
/// (`calendars/{id}` where `calendar` exists): `calendars_item`, then `calendars_item2`, ...
pub fn item_fallback(piece: &str, attempt: usize) -> String {
    let base = snake(piece.split('(').next().unwrap_or(piece));
    match attempt {
        1 => format!("{base}_item"),
        n => format!("{base}_item{n}"),
    }
}

/// The type of an inline object inside a property: the owner's name and the property's
/// (`OnlineMeeting` + `chatInfo` -> `OnlineMeetingChatInfo`).
pub fn inline_type(owner: &str, property: &str) -> String {
    format!("{owner}{}", camel(property))
}

/// The type of an inline response body of an operation (`create` -> `CreateResponse`).
pub fn response_type(operation: &str) -> String {
    format!("{}Response", camel(operation))
}

/// The accessor for a parameter segment with no collection before it.
pub const ITEM_ACCESSOR: &str = "item";

/// The method of an operation on a builder's own path, by HTTP method and whether it answers
/// with a page of a collection: `list` for a collection, `get` for anything else (an item, a
/// count, content), `create`, `update`, `replace`, `delete`.
pub fn operation_method(http_method: &str, collection: bool) -> String {
    match (http_method, collection) {
        ("post", _) => "create".into(),
        ("get", true) => "list".into(),
        ("get", false) => "get".into(),
        ("patch", _) => "update".into(),
        ("put", _) => "replace".into(),
        ("delete", _) => "delete".into(),
        (other, _) => snake(other),
    }
}

/// The method that hands over a request's options' inner request; no option may take it.
pub const INTO_REQUEST: &str = "into_request";

/// The method of a query or header option, or of a function argument (`$top` -> `top`,
/// `If-Match` -> `if_match`, `startDateTime` -> `start_date_time`).
pub fn option_method(json: &str) -> String {
    snake(json.trim_start_matches('$'))
}

/// The type of a request with options, from its route: the steps after the first (which
/// `/me` and `/users/{id}` differ in) and the operation (`["me", "online_meetings"]` + `list`
/// -> `OnlineMeetingsListRequest`).
pub fn options_type(steps: &[String], operation: &str) -> String {
    let tail = if steps.len() > 1 { &steps[1..] } else { steps };
    format!("{}{}Request", camel(&tail.join(" ")), camel(operation))
}

/// An enum of an option's enumerated values (`...ContentGetRequest` + `$format` ->
/// `...ContentGetFormat`).
pub fn option_enum(options_type: &str, option: &str) -> String {
    let base = options_type.strip_suffix("Request").unwrap_or(options_type);
    format!("{base}{}", camel(option.trim_start_matches('$')))
}

/// The PATCH body of a type: its properties, each unchanged, cleared or set
/// (`OnlineMeeting` -> `OnlineMeetingUpdate`).
pub fn update_type(base: &str) -> String {
    format!("{base}Update")
}

/// The method of a segment with parameters in it (`onlineMeetings(joinWebUrl='{joinWebUrl}')`
/// -> `online_meetings_with_join_web_url`), from its base method and its parameters' names.
pub fn with_params(base: &str, params: &[&str]) -> String {
    if params.is_empty() {
        return base.to_string();
    }
    format!("{base}_with_{}", params.join("_and_"))
}

/// The predicate of an outcome variant (`Created` -> `is_created`).
pub fn predicate(variant: &str) -> String {
    format!("is_{}", snake(variant))
}

/// The method name of an action segment (`microsoft.graph.createOrGet` -> `create_or_get`).
pub fn action_method(segment: &str) -> String {
    snake(segment.strip_prefix(GRAPH_NAMESPACE).unwrap_or(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(snake("@odata.type"), "odata_type");
        assert_eq!(snake("request-id"), "request_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("joinWebUrl"), "join_web_url");
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(snake("日本"), "value");
    }

    #[test]
    fn types_keep_namespaces_only_to_disambiguate() {
        let names = type_names([
            "microsoft.graph.participant",
            "microsoft.graph.callRecords.participant",
            "microsoft.graph.onlineMeeting",
            "microsoft.graph.ODataErrors.ODataError",
        ])
        .unwrap();
        assert_eq!(names["microsoft.graph.onlineMeeting"], "OnlineMeeting");
        assert_eq!(
            names["microsoft.graph.ODataErrors.ODataError"],
            "ODataError"
        );
        assert_eq!(
            names["microsoft.graph.callRecords.participant"],
            "CallRecordsParticipant"
        );
        assert_eq!(names["microsoft.graph.participant"], "Participant");
        let clash = type_names(["a_b", "a-b"]).unwrap_err();
        assert_eq!(clash.2, "AB");
    }

    #[test]
    fn scopes_number_duplicates() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("conference_id".into()), "conference_id");
        assert_eq!(scope.claim("conference_id".into()), "conference_id_2");
        assert_eq!(scope.claim("Everyone".into()), "Everyone");
        assert_eq!(scope.claim("Everyone".into()), "Everyone2");
        assert_eq!(other_variant(&scope), "Other");
        assert_eq!(item_accessor("users"), "user");
        assert_eq!(
            action_method("microsoft.graph.createOrGet"),
            "create_or_get"
        );
    }
}
