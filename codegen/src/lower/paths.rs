//! Paths: each operation's route (the builder steps that mirror its URL, and the method that
//! starts it), and the tree of request builders those routes make. Names come from
//! [`crate::names`]; accessors that would clash get a fallback, decided in path order.

use std::collections::BTreeMap;

use crate::ir::{Builder, Child, Param, Segment, Step};
use crate::names::{self, Scope};

/// How a user reaches an operation: `me().online_meetings()` then `create()`.
pub struct Route {
    pub steps: Vec<Step>,
    /// The method that starts the request.
    pub name: String,
    /// The parameters of that method (a function's `(name='{value}')` arguments).
    pub params: Vec<Param>,
    /// The path the method appends after its builder's (an action's `/createOrGet`).
    pub tail: Vec<Segment>,
    /// A function segment whose arguments name parameter aliases, filled in per request.
    pub alias_call: Option<AliasCall>,
}

/// A function segment written with parameter aliases
/// (`getAllTranscripts(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime)`).
pub struct AliasCall {
    /// The function's name.
    pub name: String,
    /// Its arguments, in order.
    pub args: Vec<AliasArg>,
    /// Where the path is, for errors.
    pub pointer: String,
}

/// One argument of an [`AliasCall`].
pub struct AliasArg {
    /// The argument's name (`startDateTime`).
    pub name: String,
    /// The alias, without `@`: the query parameter that gives the value.
    pub alias: String,
    /// Whether the value is written as a quoted string literal.
    pub quoted: bool,
}

/// The aliases of a function segment, if it is written with them; an error for a segment that
/// mixes aliases and other arguments.
fn alias_call(piece: &str, pointer: &str) -> Result<Option<AliasCall>, String> {
    let Some((name, rest)) = piece.split_once('(') else {
        return Ok(None);
    };
    let Some(inner) = rest.strip_suffix(')') else {
        return Ok(None);
    };
    if !inner.contains('@') {
        return Ok(None);
    }
    let mut args = Vec::new();
    for part in inner.split(',') {
        let (arg, value) = part
            .split_once('=')
            .ok_or_else(|| format!("the function argument `{part}` has no `=`"))?;
        let (alias, quoted) = match value.strip_prefix("'@").and_then(|v| v.strip_suffix('\'')) {
            Some(alias) => (alias, true),
            None => match value.strip_prefix('@') {
                Some(alias) => (alias, false),
                None => {
                    return Err(format!(
                        "the function argument `{part}` is neither an alias nor the only kind \
                         of argument in its segment"
                    ))
                }
            },
        };
        args.push(AliasArg {
            name: arg.trim().to_string(),
            alias: alias.to_string(),
            quoted,
        });
    }
    Ok(Some(AliasCall {
        name: name.to_string(),
        args,
        pointer: pointer.to_string(),
    }))
}

/// The accessors handed out so far, per builder, so that two path shapes never get one name
/// (`calendar` and `calendars/{calendar-id}` at the same place).
#[derive(Default)]
pub struct Accessors {
    methods: BTreeMap<(Vec<String>, String), (String, usize)>,
}

impl Accessors {
    /// `wanted` for the step `text` under `node`, or a fallback if another shape has it.
    fn claim(
        &mut self,
        node: Vec<String>,
        wanted: String,
        text: &str,
        arity: usize,
        piece: &str,
    ) -> String {
        let shape = (shape_of(text), arity);
        let mut name = wanted;
        let mut fallback = 1;
        loop {
            match self.methods.get(&(node.clone(), name.clone())) {
                None => {
                    self.methods.insert((node, name.clone()), shape);
                    return name;
                }
                Some(existing) if *existing == shape => return name,
                Some(_) => {
                    name = names::item_fallback(piece, fallback);
                    fallback += 1;
                }
            }
        }
    }
}

/// The route of `method` on `path`; `kind` is the spec's `x-ms-docs-operation-type`;
/// `collection` tells whether it answers with a page of a collection; `pointer` is where the
/// path is, for errors.
pub fn route(
    path: &str,
    method: &str,
    kind: Option<&str>,
    collection: bool,
    pointer: &str,
    accessors: &mut Accessors,
) -> Result<Route, String> {
    let pieces: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let last_is_action = pieces.last().is_some_and(|last| {
        !is_param(last)
            && (matches!(kind, Some("action" | "function"))
                || last.starts_with(names::GRAPH_NAMESPACE))
    });
    let navigation_end = pieces.len() - usize::from(last_is_action);
    let mut steps: Vec<Step> = Vec::new();
    let mut i = 0;
    while i < navigation_end {
        let piece = pieces[i];
        let (wanted, text, params) = if is_param(piece) {
            // A parameter with no collection before it.
            (
                names::ITEM_ACCESSOR.to_string(),
                piece.to_string(),
                params_of(piece),
            )
        } else if i + 1 < navigation_end && is_param(pieces[i + 1]) {
            let text = format!("{piece}/{}", pieces[i + 1]);
            i += 1;
            (names::item_accessor(piece), text, params_of(pieces[i]))
        } else {
            let (name, params) = piece_method(piece);
            (name, piece.to_string(), params)
        };
        i += 1;
        let node: Vec<String> = steps.iter().map(|s| s.method.clone()).collect();
        let name = accessors.claim(node, wanted, &text, params.len(), piece);
        steps.push(Step {
            method: name,
            segment: text,
            params,
        });
    }
    let last = pieces.last().copied().unwrap_or_default();
    if !last_is_action {
        return Ok(Route {
            steps,
            name: names::operation_method(method, collection),
            params: Vec::new(),
            tail: Vec::new(),
            alias_call: None,
        });
    }
    Ok(match alias_call(last, pointer)? {
        Some(call) => Route {
            steps,
            name: names::action_method(&call.name),
            params: Vec::new(),
            tail: Vec::new(),
            alias_call: Some(call),
        },
        None => {
            let (name, params) = piece_method(last);
            Route {
                steps,
                name,
                params,
                tail: parse_template(last),
                alias_call: None,
            }
        }
    })
}

/// The request builders the routes make, root first, then sorted by name; and for each route,
/// in order, the builder it hangs on.
pub fn builder_tree<'r>(
    routes: impl IntoIterator<Item = &'r Route>,
    scope: &mut Scope,
) -> (Vec<Builder>, Vec<String>) {
    struct Draft {
        path: String,
        /// Children: the step, and the node it leads to.
        children: Vec<(Step, Vec<String>)>,
        operations: Vec<usize>,
    }
    let root = Draft {
        path: String::new(),
        children: Vec::new(),
        operations: Vec::new(),
    };
    let mut drafts: BTreeMap<Vec<String>, Draft> = BTreeMap::from([(Vec::new(), root)]);
    let mut placed: Vec<Vec<String>> = Vec::new();
    for (index, route) in routes.into_iter().enumerate() {
        let mut node: Vec<String> = Vec::new();
        let mut path = String::new();
        for step in &route.steps {
            let parent = node.clone();
            node.push(step.method.clone());
            path = format!("{path}/{}", step.segment);
            drafts.entry(node.clone()).or_insert_with(|| Draft {
                path: path.clone(),
                children: Vec::new(),
                operations: Vec::new(),
            });
            let children = &mut drafts.get_mut(&parent).expect("drafted above").children;
            if !children.iter().any(|(c, _)| c.method == step.method) {
                children.push((step.clone(), node.clone()));
            }
        }
        drafts
            .get_mut(&node)
            .expect("drafted above")
            .operations
            .push(index);
        placed.push(node);
    }
    let names: BTreeMap<&Vec<String>, String> = drafts
        .keys()
        .map(|node| {
            let name = if node.is_empty() {
                names::ROOT_BUILDER.to_string()
            } else {
                names::builder_name(node)
            };
            (node, scope.claim(name))
        })
        .collect();
    let placement = placed.iter().map(|node| names[node].clone()).collect();
    let mut builders: Vec<Builder> = drafts
        .iter()
        .map(|(node, d)| Builder {
            name: names[node].clone(),
            path: d.path.clone(),
            children: d
                .children
                .iter()
                .map(|(step, child)| Child {
                    method: step.method.clone(),
                    pieces: parse_template(&step.segment),
                    params: step.params.clone(),
                    builder: names[child].clone(),
                })
                .collect(),
            operations: d.operations.clone(),
        })
        .collect();
    builders.sort_by(|a, b| {
        (a.name != names::ROOT_BUILDER, &a.name).cmp(&(b.name != names::ROOT_BUILDER, &b.name))
    });
    (builders, placement)
}

/// A step's text with parameter names blanked, so `users/{user-id}` and `users/{id}` match.
fn shape_of(text: &str) -> String {
    parse_template(text)
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.as_str(),
            Segment::Param { .. } => "{}",
        })
        .collect()
}

/// The parameters written inside a piece (`{user-id}`, `f(a='{a}')`).
fn params_of(piece: &str) -> Vec<Param> {
    parse_template(piece)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Param { json_name, name } => Some(Param { json_name, name }),
            Segment::Literal(_) => None,
        })
        .collect()
}

/// The method for a literal piece: `onlineMeetings` -> `online_meetings`,
/// `microsoft.graph.delta()` -> `delta`, `onlineMeetings(joinWebUrl='{joinWebUrl}')` ->
/// `online_meetings_with_join_web_url` taking `join_web_url`.
fn piece_method(piece: &str) -> (String, Vec<Param>) {
    let params = params_of(piece);
    let base = names::action_method(piece.split('(').next().unwrap_or(piece));
    let with: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    (names::with_params(&base, &with), params)
}

pub fn is_param(piece: &str) -> bool {
    piece.starts_with('{')
        && piece.ends_with('}')
        && piece[1..piece.len() - 1]
            .chars()
            .all(|c| c != '{' && c != '}')
}

/// Splits a path template into literal text and `{parameters}`.
pub fn parse_template(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push(Segment::Literal(rest[..open].to_string()));
        }
        let name = &rest[open + 1..open + close];
        out.push(Segment::Param {
            json_name: name.to_string(),
            name: names::snake(name),
        });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Segment::Literal(rest.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_mirror_the_url() {
        let mut accessors = Accessors::default();
        let r = route(
            "/users/{user-id}/onlineMeetings/{onlineMeeting-id}",
            "get",
            None,
            false,
            "#",
            &mut accessors,
        )
        .unwrap();
        let steps: Vec<&str> = r.steps.iter().map(|s| s.method.as_str()).collect();
        assert_eq!(steps, ["user", "online_meeting"]);
        assert_eq!(r.name, "get");
        let r = route(
            "/me/onlineMeetings/createOrGet",
            "post",
            Some("action"),
            false,
            "#",
            &mut accessors,
        )
        .unwrap();
        let f = route(
            "/me/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime)",
            "get",
            Some("function"),
            true,
            "#",
            &mut accessors,
        )
        .unwrap();
        assert_eq!(f.name, "get_all_transcripts");
        assert!(f.tail.is_empty());
        let call = f.alias_call.unwrap();
        assert_eq!(call.name, "getAllTranscripts");
        let args: Vec<(&str, &str, bool)> = call
            .args
            .iter()
            .map(|a| (a.name.as_str(), a.alias.as_str(), a.quoted))
            .collect();
        assert_eq!(
            args,
            [
                ("meetingOrganizerUserId", "meetingOrganizerUserId", true),
                ("startDateTime", "startDateTime", false)
            ]
        );
        assert_eq!(r.name, "create_or_get");
        assert_eq!(r.tail, [Segment::Literal("createOrGet".into())]);
        let (builders, placement) = builder_tree([&r], &mut Scope::default());
        assert_eq!(placement, ["MeOnlineMeetingsBuilder"]);
        assert_eq!(builders[0].name, names::ROOT_BUILDER);
        assert_eq!(builders[0].children[0].builder, "MeBuilder");
    }
}
