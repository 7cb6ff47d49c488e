//! Request paths to routes: segments split and decoded, OData key segments and function calls
//! (`onlineMeetings(joinWebUrl='...')`, `getAllTranscripts(meetingOrganizerUserId='...',...)`)
//! read with OData's literal rules.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Transcripts or recordings: the two artifact collections that look alike.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Transcripts,
    Recordings,
}

impl Kind {
    pub(super) fn segment(self) -> &'static str {
        match self {
            Kind::Transcripts => "transcripts",
            Kind::Recordings => "recordings",
        }
    }
}

#[derive(Debug, PartialEq)]
pub(super) enum MeetingKey {
    Id(String),
    /// beta's `onlineMeetings(joinWebUrl='...')`.
    JoinUrl(String),
}

/// What comes after a meeting's key.
#[derive(Debug, PartialEq)]
pub(super) enum Sub {
    Entity,
    VirtualAppointmentUrl,
    Sms,
    Reports,
    ReportsCount,
    Report(String),
    Records(String),
    RecordsCount(String),
    Record(String, String),
    Items(Kind),
    ItemsCount(Kind),
    Item(Kind, String),
    Content(Kind, String),
    Metadata(String),
    Delta(Kind),
    /// In Graph's description, not served by the emulator.
    Unserved,
}

/// The parameters of `getAllTranscripts(...)` / `getAllRecordings(...)`.
#[derive(Debug, PartialEq)]
pub(super) struct GetAll {
    pub organizer: String,
    pub start: Option<OffsetDateTime>,
    pub end: Option<OffsetDateTime>,
}

#[derive(Debug, PartialEq)]
pub(super) enum Route {
    Meetings,
    MeetingsCount,
    CreateOrGet,
    GetAll(Kind, GetAll),
    Meeting(MeetingKey, Sub),
}

#[derive(Debug, PartialEq)]
pub(super) struct Target {
    pub version: String,
    /// `None` for `/me`.
    pub user: Option<String>,
    pub route: Route,
}

#[derive(Debug, PartialEq)]
pub(super) enum RouteError {
    UnknownVersion,
    UnknownPath,
    /// 400 with this message.
    Bad(String),
}

/// The raw path split at `/`, except inside a quoted literal of a key segment or function
/// call (a join URL may arrive with its slashes unencoded), each segment percent-decoded.
/// Quotes count only after a `(` in the segment, so an id with an apostrophe is one segment.
fn segments(path: &str) -> Result<Vec<String>, RouteError> {
    let mut raw = Vec::new();
    let (mut start, mut quoted, mut call) = (0, false, false);
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (quote, open) = (
            rest.starts_with(b"'") || rest.starts_with(b"%27"),
            rest.starts_with(b"(") || rest.starts_with(b"%28"),
        );
        if call && quote {
            quoted = !quoted;
        } else if open && !quoted {
            call = true;
        } else if bytes[i] == b'/' && !quoted {
            raw.push(&bytes[start..i]);
            start = i + 1;
            call = false;
        }
        i += if rest.starts_with(b"%") { 3 } else { 1 };
    }
    raw.push(bytes.get(start..).unwrap_or_default());
    raw.into_iter()
        .skip_while(|s| s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| RouteError::Bad("The path is not UTF-8.".into()))
        })
        .collect()
}

/// Reads a request path (`uri.path()`, still percent-encoded).
pub(super) fn parse(path: &str) -> Result<Target, RouteError> {
    let segs = segments(path)?;
    let mut it = segs.iter().map(String::as_str);
    let version = it.next().unwrap_or_default().to_string();
    let rest: Vec<&str> = it.collect();
    let (user, rest) = match rest.as_slice() {
        ["me", rest @ ..] => (None, rest),
        ["users", user, rest @ ..] if !user.is_empty() => (Some(user.to_string()), rest),
        _ => return Err(unknown(&version)),
    };
    let Some((first, rest)) = rest.split_first() else {
        return Err(unknown(&version));
    };
    if version != "v1.0" && version != "beta" {
        return Err(RouteError::UnknownVersion);
    }
    let route = if *first == "onlineMeetings" {
        match rest {
            [] => Route::Meetings,
            ["$count"] => Route::MeetingsCount,
            ["createOrGet"] => Route::CreateOrGet,
            [call] if function_name(call) == Some("getAllTranscripts") => {
                Route::GetAll(Kind::Transcripts, get_all(call)?)
            }
            [call] if function_name(call) == Some("getAllRecordings") => {
                Route::GetAll(Kind::Recordings, get_all(call)?)
            }
            [id, sub @ ..] if !id.is_empty() => {
                Route::Meeting(MeetingKey::Id(id.to_string()), meeting_sub(sub)?)
            }
            _ => return Err(RouteError::UnknownPath),
        }
    } else if function_name(first) == Some("onlineMeetings") {
        let args = arguments(first)?;
        let url = match args.as_slice() {
            [(name, Literal::Str(url))] if name.eq_ignore_ascii_case("joinWebUrl") => url.clone(),
            _ => {
                return Err(RouteError::Bad(
                    "The key segment takes one argument: joinWebUrl='<url>'.".into(),
                ))
            }
        };
        if version != "beta" {
            return Err(RouteError::Bad(
                "Key segments by joinWebUrl are served on beta only; v1.0 lists with $filter=JoinWebUrl eq '<url>'.".into(),
            ));
        }
        Route::Meeting(MeetingKey::JoinUrl(url), meeting_sub(rest)?)
    } else {
        return Err(RouteError::UnknownPath);
    };
    Ok(Target {
        version,
        user,
        route,
    })
}

fn unknown(version: &str) -> RouteError {
    if version == "v1.0" || version == "beta" {
        RouteError::UnknownPath
    } else {
        RouteError::UnknownVersion
    }
}

fn meeting_sub(rest: &[&str]) -> Result<Sub, RouteError> {
    let owned = |s: &&str| s.to_string();
    let kind = |s: &str| match s {
        "transcripts" => Some(Kind::Transcripts),
        "recordings" => Some(Kind::Recordings),
        _ => None,
    };
    Ok(match rest {
        [] => Sub::Entity,
        ["getVirtualAppointmentJoinWebUrl()"] => Sub::VirtualAppointmentUrl,
        ["sendVirtualAppointmentSms" | "sendVirtualAppointmentReminderSms"] => Sub::Sms,
        ["attendanceReports"] => Sub::Reports,
        ["attendanceReports", "$count"] => Sub::ReportsCount,
        ["attendanceReports", r] => Sub::Report(owned(r)),
        ["attendanceReports", r, "attendanceRecords"] => Sub::Records(owned(r)),
        ["attendanceReports", r, "attendanceRecords", "$count"] => Sub::RecordsCount(owned(r)),
        ["attendanceReports", r, "attendanceRecords", x] => Sub::Record(owned(r), owned(x)),
        [k] if kind(k).is_some() => Sub::Items(kind(k).unwrap_or(Kind::Transcripts)),
        [k, "$count"] if kind(k).is_some() => Sub::ItemsCount(kind(k).unwrap_or(Kind::Transcripts)),
        [k, "delta()"] if kind(k).is_some() => Sub::Delta(kind(k).unwrap_or(Kind::Transcripts)),
        [k, id] if kind(k).is_some() => Sub::Item(kind(k).unwrap_or(Kind::Transcripts), owned(id)),
        [k, id, "content"] if kind(k).is_some() => {
            Sub::Content(kind(k).unwrap_or(Kind::Transcripts), owned(id))
        }
        ["transcripts", id, "metadataContent"] => Sub::Metadata(owned(id)),
        [first, ..]
            if [
                "attendeeReport",
                "aiInsights",
                "alternativeRecording",
                "broadcastRecording",
                "meetingAttendanceReport",
                "recording",
                "registration",
            ]
            .contains(first) =>
        {
            Sub::Unserved
        }
        _ => return Err(RouteError::UnknownPath),
    })
}

/// `name` of a segment `name(...)`.
fn function_name(segment: &str) -> Option<&str> {
    segment.find('(').map(|open| &segment[..open])
}

/// An OData literal in a function call or key segment.
#[derive(Debug, PartialEq)]
enum Literal {
    /// `'text'`, with `''` read as one quote.
    Str(String),
    /// Anything unquoted: numbers, date-times, GUIDs, booleans.
    Bare(String),
}

/// The `name=value` pairs of `f(name=value,...)`. A parameter alias (`@name`, quoted or not)
/// left unresolved is Graph's "Syntax error".
fn arguments(segment: &str) -> Result<Vec<(String, Literal)>, RouteError> {
    let open = segment.find('(').unwrap_or(0);
    if !segment.ends_with(')') {
        return Err(RouteError::Bad(format!(
            "Syntax error: ')' expected at position {} in '{segment}'.",
            segment.len()
        )));
    }
    let inner = &segment[open + 1..segment.len().saturating_sub(1)];
    let syntax = |at: usize| {
        RouteError::Bad(format!(
            "Syntax error: character '{}' is not valid at position {} in '{segment}'.",
            segment[open + 1 + at..].chars().next().unwrap_or(' '),
            open + 1 + at
        ))
    };
    let mut out: Vec<(String, Literal)> = Vec::new();
    let mut i = 0;
    let bytes = inner.as_bytes();
    while i < bytes.len() {
        let Some(eq) = inner[i..].find('=') else {
            return Err(syntax(i));
        };
        let name = inner[i..i + eq].trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(syntax(i));
        }
        i += eq + 1;
        let value = if bytes.get(i) == Some(&b'\'') {
            let mut text = String::new();
            let mut j = i + 1;
            loop {
                match inner[j..].find('\'') {
                    None => return Err(syntax(i)),
                    Some(q) => {
                        text.push_str(&inner[j..j + q]);
                        j += q + 1;
                        if bytes.get(j) == Some(&b'\'') {
                            text.push('\'');
                            j += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            if text.starts_with('@') {
                return Err(syntax(i + 1));
            }
            i = j;
            Literal::Str(text)
        } else {
            let end = inner[i..].find(',').map_or(inner.len(), |c| i + c);
            let text = inner[i..end].trim();
            if text.starts_with('@') || text.is_empty() || text.contains('\'') {
                return Err(syntax(i));
            }
            let text = text.to_string();
            i = end;
            Literal::Bare(text)
        };
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(RouteError::Bad(format!(
                "The parameter {name} is given twice."
            )));
        }
        out.push((name, value));
        match bytes.get(i) {
            None => break,
            Some(b',') => i += 1,
            Some(_) => return Err(syntax(i)),
        }
    }
    Ok(out)
}

fn get_all(segment: &str) -> Result<GetAll, RouteError> {
    let mut organizer = None;
    let (mut start, mut end) = (None, None);
    for (name, value) in arguments(segment)? {
        match (name.as_str(), value) {
            ("meetingOrganizerUserId", Literal::Str(s)) => organizer = Some(s),
            ("startDateTime", Literal::Bare(t)) => start = Some(date_time(&name, &t)?),
            ("endDateTime", Literal::Bare(t)) => end = Some(date_time(&name, &t)?),
            (name, _) => {
                return Err(RouteError::Bad(format!(
                    "The parameter {name} is unknown or of the wrong type (meetingOrganizerUserId is a quoted string; startDateTime and endDateTime are unquoted date-times)."
                )))
            }
        }
    }
    let Some(organizer) = organizer else {
        return Err(RouteError::Bad(
            "meetingOrganizerUserId is required.".into(),
        ));
    };
    Ok(GetAll {
        organizer,
        start,
        end,
    })
}

fn date_time(name: &str, text: &str) -> Result<OffsetDateTime, RouteError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        RouteError::Bad(format!(
            "{name}: '{text}' is not a date-time (an offset's '+' travels as %2B)."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meetings_and_their_parts() {
        let t = parse("/v1.0/users/bob/onlineMeetings/m1/transcripts/t%201/content").unwrap();
        assert_eq!(t.user.as_deref(), Some("bob"));
        assert_eq!(
            t.route,
            Route::Meeting(
                MeetingKey::Id("m1".into()),
                Sub::Content(Kind::Transcripts, "t 1".into())
            )
        );
        let t = parse("/beta/me/onlineMeetings/m1/attendanceReports/r/attendanceRecords/$count");
        assert_eq!(
            t.unwrap().route,
            Route::Meeting(MeetingKey::Id("m1".into()), Sub::RecordsCount("r".into()))
        );
        assert_eq!(
            parse("/v2/me/onlineMeetings"),
            Err(RouteError::UnknownVersion)
        );
        assert_eq!(parse("/v1.0/me/calendars"), Err(RouteError::UnknownPath));
        let encoded = parse("/v1.0/users/..%2F..%2Fadmin/onlineMeetings").unwrap();
        assert_eq!(encoded.user.as_deref(), Some("../../admin"));
        let apostrophe = parse("/v1.0/users/o'brien/onlineMeetings/m'1").unwrap();
        assert_eq!(apostrophe.user.as_deref(), Some("o'brien"));
        assert_eq!(
            apostrophe.route,
            Route::Meeting(MeetingKey::Id("m'1".into()), Sub::Entity)
        );
    }

    #[test]
    fn key_segments_with_and_without_encoded_slashes() {
        for path in [
            "/beta/me/onlineMeetings(joinWebUrl='https%3A%2F%2Fteams.example%2Fl%2Fx%3Fa%3D1')",
            "/beta/me/onlineMeetings(joinWebUrl='https://teams.example/l/x%3Fa=1')",
            "/beta/me/onlineMeetings(joinWebUrl=%27https:%2F%2Fteams.example%2Fl%2Fx%3Fa%3D1%27)",
        ] {
            let t = parse(path).unwrap();
            assert_eq!(
                t.route,
                Route::Meeting(
                    MeetingKey::JoinUrl("https://teams.example/l/x?a=1".into()),
                    Sub::Entity
                ),
                "{path}"
            );
        }
        let q =
            parse("/beta/me/onlineMeetings(joinWebUrl='it''s')/getVirtualAppointmentJoinWebUrl()");
        assert_eq!(
            q.unwrap().route,
            Route::Meeting(
                MeetingKey::JoinUrl("it's".into()),
                Sub::VirtualAppointmentUrl
            )
        );
        assert!(matches!(
            parse("/v1.0/me/onlineMeetings(joinWebUrl='x')"),
            Err(RouteError::Bad(_))
        ));
    }

    #[test]
    fn functions_read_literals_and_refuse_aliases() {
        let t = parse("/v1.0/users/u/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='O''Brien',startDateTime=2026-01-01T00:00:00%2B01:00)").unwrap();
        let Route::GetAll(Kind::Transcripts, args) = t.route else {
            panic!()
        };
        assert_eq!(args.organizer, "O'Brien");
        assert_eq!(args.start.unwrap().unix_timestamp(), 1_767_222_000);
        assert_eq!(args.end, None);
        for bad in [
            "getAllTranscripts(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime)",
            "getAllRecordings(meetingOrganizerUserId='u',startDateTime=@startDateTime)",
            "getAllRecordings(meetingOrganizerUserId='u",
            "getAllRecordings(startDateTime=2026-01-01T00:00:00Z)",
            "getAllRecordings(meetingOrganizerUserId='u',startDateTime=yesterday)",
            "getAllRecordings(meetingOrganizerUserId=u)",
        ] {
            let r = parse(&format!("/v1.0/me/onlineMeetings/{bad}"));
            assert!(matches!(r, Err(RouteError::Bad(_))), "{bad}: {r:?}");
        }
        let Err(RouteError::Bad(m)) = parse("/v1.0/me/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='@meetingOrganizerUserId')") else {
            panic!()
        };
        assert!(m.starts_with("Syntax error"), "{m}");
    }
}
