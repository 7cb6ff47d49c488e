//! The code generated from each construct spec in `tests/specs/` compiles (clippy checks it
//! too: `cargo clippy --all-targets`), and behaves as its construct promises.

use graph_meetings::{request, types};
use serde_json::{json, Value};

include!(concat!(env!("OUT_DIR"), "/constructs.rs"));

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(input: Value) -> (T, Value) {
    let parsed: T = serde_json::from_value(input).expect("input deserializes");
    let written = serde_json::to_value(&parsed).expect("model serializes");
    (parsed, written)
}

#[test]
fn allof_chain_flattens_inheritance_base_fields_first() {
    use allof_chain::{AnyMeetingBase, Calendar, Meeting};
    let meeting = Meeting {
        id: Some("m1".into()),
        subject: Some("s".into()),
        join_url: Some("https://join".into()),
        ..Default::default()
    };
    // Base fields come first in the struct and in the JSON.
    let text = serde_json::to_string(&meeting).unwrap();
    assert_eq!(
        text,
        r#"{"id":"m1","subject":"s","joinUrl":"https://join"}"#
    );
    // In a base-typed position, a derived value must say what it is.
    let holder = Calendar {
        next: meeting.clone().into(), // a derived value converts into the union's box
        ..Default::default()
    };
    let written = serde_json::to_value(&holder).unwrap();
    assert_eq!(written["next"]["@odata.type"], "#microsoft.graph.meeting");
    // OData readers refuse a type annotation after the properties: it is written first.
    let text = serde_json::to_string(&holder).unwrap();
    assert!(text.starts_with(r#"{"next":{"@odata.type":"#), "{text}");
    let mut typed = meeting.clone();
    typed.odata_type = Some("#microsoft.graph.meeting".into());
    assert!(serde_json::to_string(&typed)
        .unwrap()
        .starts_with(r#"{"@odata.type":"#));
    let (back, _) = round_trip::<Calendar>(written);
    match back.next.as_deref() {
        Some(AnyMeetingBase::Meeting(m)) => {
            assert_eq!(m.join_url.as_deref(), Some("https://join"));
            assert_eq!(m.odata_type.as_deref(), Some("#microsoft.graph.meeting"));
        }
        other => panic!("expected the derived type, got {other:?}"),
    }
}

#[test]
fn discriminator_reads_unknown_and_missing_types_as_the_base() {
    use allof_chain::{AnyMeetingBase, Calendar};
    for next in [
        json!({"subject": "no type", "joinUrl": "kept"}),
        json!({"@odata.type": "#microsoft.graph.futureMeeting", "subject": "x", "joinUrl": "kept"}),
    ] {
        let input = json!({ "next": next.clone() });
        let (parsed, written) = round_trip::<Calendar>(input.clone());
        let Some(AnyMeetingBase::MeetingBase(base)) = parsed.next.map(|b| *b) else {
            panic!("expected the base type for {next}");
        };
        assert_eq!(base.additional_properties["joinUrl"], "kept");
        assert_eq!(written, input, "nothing lost");
    }
    // The type name is matched without regard to `#` or ASCII case.
    let parsed: Calendar =
        serde_json::from_value(json!({"next": {"@odata.type": "microsoft.graph.MEETING"}}))
            .unwrap();
    assert!(matches!(
        parsed.next.as_deref(),
        Some(AnyMeetingBase::Meeting(_))
    ));
}

#[test]
fn anyof_nullable_is_option_and_required_is_not() {
    use anyof_nullable::{ChatInfo, Holder, Role};
    let (h, written) = round_trip::<Holder>(json!({
        "chatInfo": null,
        "role": "PRESENTER",
        "mustHave": {"threadId": "t"},
        "mustHaveButNull": null
    }));
    assert_eq!(h.chat_info, None);
    assert_eq!(h.role, Some(Role::Presenter));
    assert_eq!(h.must_have.thread_id.as_deref(), Some("t"));
    // Option cannot tell null from absent: null comes back absent; known casing is normalised.
    assert_eq!(
        written,
        json!({"role": "presenter", "mustHave": {"threadId": "t"}})
    );
    let missing = serde_json::from_value::<Holder>(json!({"chatInfo": {}})).unwrap_err();
    assert!(
        missing.to_string().contains("missing field `mustHave`"),
        "{missing}"
    );
    // `Holder` has a required field without a default, so it cannot derive `Default`: building
    // one names every required field.
    let built = Holder {
        must_have: ChatInfo::default().into(),
        chat_info: None,
        role: None,
        bare: None,
        must_have_but_null: None,
        additional_properties: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(built).unwrap(),
        json!({"mustHave": {}})
    );
}

#[test]
fn enums_keep_unknown_members_exactly() {
    use enum_unknown_future::{LobbyBypassScope, Otherish};
    let (v, written) = round_trip::<Vec<LobbyBypassScope>>(json!([
        "invited",
        "organizationExcludingGuests",
        "unknownFutureValue",
        "EVERYONE"
    ]));
    assert_eq!(
        v,
        [
            LobbyBypassScope::Invited,
            LobbyBypassScope::Other("organizationExcludingGuests".into()),
            LobbyBypassScope::UnknownFutureValue,
            LobbyBypassScope::Everyone,
        ]
    );
    assert_eq!(
        written,
        json!([
            "invited",
            "organizationExcludingGuests",
            "unknownFutureValue",
            "everyone"
        ])
    );
    // Members named like the catch-all, or differing only in case, stay distinct.
    assert_eq!(Otherish::from("other"), Otherish::Other);
    assert_eq!(Otherish::from("Other"), Otherish::Other2);
    assert_eq!(Otherish::from("self"), Otherish::Self_);
    assert_eq!(Otherish::from("x").as_str(), "x");
    assert!(matches!(Otherish::from("x"), Otherish::OtherValue(_)));
}

#[test]
fn dotted_names_lose_only_the_graph_namespace() {
    let s = dotted_names::Session {
        modalities: Some(vec![dotted_names::Modality::Audio]),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(s).unwrap(),
        json!({"modalities": ["audio"]})
    );
    let e: dotted_names::MainError = serde_json::from_value(json!({"code": "x"})).unwrap();
    assert_eq!(e.code, "x");
}

#[test]
fn colliding_names_keep_their_namespace() {
    let h: name_collision::AnyParticipantHolder =
        serde_json::from_value(json!({"a": {"id": "1"}, "b": {"id": "2"}})).unwrap();
    let _: Option<Box<name_collision::Participant>> = h.a;
    let _: Option<Box<name_collision::CallRecordsParticipant>> = h.b;
}

#[test]
fn keywords_and_odd_names_are_renamed_and_round_trip() {
    let input = json!({
        "type": "t", "self": "s", "@odata.type": "#x", "@odata.context": "c",
        "request-id": "r", "2fa": true, "日本語": "j",
        "conferenceId": "lower", "ConferenceId": "upper",
        "additional_properties": "a", "Option": "o", "unknown": [1, 2]
    });
    let (t, written) = round_trip::<keywords::Type>(input.clone());
    assert_eq!(t.type_.as_deref(), Some("t"));
    assert_eq!(t.self_.as_deref(), Some("s"));
    assert_eq!(t.request_id.as_deref(), Some("r"));
    assert_eq!(t.n2fa, Some(true));
    assert_eq!(t.value.as_deref(), Some("j"));
    assert_eq!(t.conference_id.as_deref(), Some("lower"));
    assert_eq!(t.conference_id_2.as_deref(), Some("upper"));
    assert_eq!(t.additional_properties_2.as_deref(), Some("a"));
    assert_eq!(t.additional_properties["unknown"], json!([1, 2]));
    assert_eq!(written, input);
    let o = keywords::Option {
        string: Some("std types are named by full path".into()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(o).unwrap()["String"],
        "std types are named by full path"
    );
}

#[test]
fn arrays_of_nullable_items_keep_their_nulls() {
    let input = json!({"tollNumbers": ["+1", null], "identities": [null, {"id": "x"}], "plain": [{"id": "y"}]});
    let (a, written) = round_trip::<nullable_array_items::AudioConferencing>(input.clone());
    assert_eq!(a.toll_numbers, Some(vec![Some("+1".into()), None]));
    assert_eq!(written, input);
    let err =
        serde_json::from_value::<nullable_array_items::AudioConferencing>(json!({"plain": [null]}))
            .unwrap_err();
    assert!(err.to_string().contains("invalid type: null"), "{err}");
}

#[test]
fn inline_request_body_is_named_once_for_both_paths() {
    use inline_request_body::CreateOrGetRequest;
    let r: CreateOrGetRequest = serde_json::from_value(json!({"externalId": "e"})).unwrap();
    assert_eq!(r.external_id, "e");
    let err = serde_json::from_value::<CreateOrGetRequest>(json!({"subject": "s"})).unwrap_err();
    assert!(
        err.to_string().contains("missing field `externalId`"),
        "{err}"
    );
}

#[test]
fn formats_map_to_sized_and_lossless_types() {
    use formats::Formats;
    let input = json!({
        "count": 2147483647, "big": 9007199254740993i64, "small": -2, "byte": 255,
        "ratio": 0.1, "single": 1.5, "content": "-_8", "when": "2019-07-12T14:30:34.2444915-07:00",
        "day": "2024-02-29", "id": "1c1e2a3b-0000-0000-0000-000000000000",
        "anything": {"x": [1]}, "numberOrString": "NaN"
    });
    let (f, written) = round_trip::<Formats>(input.clone());
    assert_eq!(written, input);
    assert_eq!(f.count, i32::MAX);
    assert_eq!(f.content.unwrap().decode().unwrap(), vec![0xfb, 0xff]);
    let when = f.when.unwrap().value();
    assert_eq!(
        (when.nanosecond(), when.offset().whole_hours()),
        (244_491_500, -7)
    );
    assert_eq!(f.day.unwrap().to_string(), "2024-02-29");
    let overflow = serde_json::from_value::<Formats>(json!({"count": 2147483648i64})).unwrap_err();
    assert!(overflow.to_string().contains("invalid value"), "{overflow}");
    let bad_date =
        serde_json::from_value::<Formats>(json!({"count": 1, "when": "yesterday"})).unwrap_err();
    assert!(
        bad_date
            .to_string()
            .contains("invalid date-time \"yesterday\""),
        "{bad_date}"
    );
}

#[test]
fn recursive_types_are_boxed_only_where_needed() {
    use recursive::{Node, Pair};
    let input = json!({
        "name": "leaf",
        "parent": {"name": "mid", "parent": {"name": "root"}},
        "children": [{"name": "child", "children": []}],
        "other": {"back": {"name": "via pair"}}
    });
    let (n, written) = round_trip::<Node>(input.clone());
    assert_eq!(written, input);
    let grandparent = n.parent.as_ref().and_then(|p| p.parent.as_ref()).unwrap();
    assert_eq!(grandparent.name.as_deref(), Some("root"));
    // The list needs no box; the direct and indirect self-references do.
    let _: Option<Vec<Node>> = n.children;
    let _: Option<Box<Pair>> = n.other;
}

/// Regression: a schema whose Rust name is the one a union would want (`AnyEvent`) used to be
/// taken for the union of `event`, depending on document order. The union now has a name of its
/// own, and each position gets the type it declares.
#[test]
fn union_name_taken_by_a_schema_gets_a_name_of_its_own() {
    use union_name_taken::{AnyEvent, AnyEvent2, CalendarView, MeetingEvent};
    let view: CalendarView = serde_json::from_value(json!({
        "next": {"@odata.type": "#microsoft.graph.meetingEvent", "subject": "s", "joinUrl": "u"},
        "tag": {"label": "plain"}
    }))
    .unwrap();
    match view.next.map(|b| *b) {
        Some(AnyEvent2::MeetingEvent(MeetingEvent { join_url, .. })) => {
            assert_eq!(join_url.as_deref(), Some("u"))
        }
        other => panic!("expected the derived type, got {other:?}"),
    }
    let tag: Option<Box<AnyEvent>> = view.tag;
    assert_eq!(tag.and_then(|t| t.label).as_deref(), Some("plain"));
}

/// Regression: two responses naming the same `x-graph-meetings-variant` used to make two enum
/// variants of one name, which only rustc rejected. They are now told apart, and each status
/// reads into its own variant.
#[test]
fn repeated_variant_names_are_told_apart() {
    use variant_names_repeat::{CreateOutcome, Requests, Thing};
    let request = Requests::detached().things().create(&Thing::default());
    let parse = |status: u16| {
        let response = http::Response::builder()
            .status(status)
            .body(br#"{"id":"t1"}"#.to_vec())
            .unwrap();
        request.parse_response(&response).unwrap()
    };
    let existed = parse(200);
    assert!(existed.is_done() && !existed.is_done2());
    let made = parse(201);
    assert!(matches!(&made, CreateOutcome::Done2(t) if t.id.as_deref() == Some("t1")));
}

/// A derived type whose `@odata.type` is not the first property (Graph writes it first; other
/// writers may not) is still read as the derived type, and writes back the same.
#[test]
fn union_reads_a_late_odata_type_as_the_derived_type() {
    use allof_chain::{AnyMeetingBase, Calendar};
    let input = json!({"next": {"subject": "s", "joinUrl": "u", "@odata.type": "#microsoft.graph.meeting"}});
    let (parsed, written) = round_trip::<Calendar>(input.clone());
    match parsed.next.as_deref() {
        Some(AnyMeetingBase::Meeting(m)) => assert_eq!(m.join_url.as_deref(), Some("u")),
        other => panic!("expected the derived type, got {other:?}"),
    }
    assert_eq!(written, input);
    // Read again as the derived type, its unknown properties keep their order (in text: a
    // `Value` would compare them in any order).
    let text = r##"{"next":{"z":1,"subject":"s","a":2,"@odata.type":"#microsoft.graph.meeting"}}"##;
    let late: Calendar = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_string(&late).unwrap(),
        r##"{"next":{"@odata.type":"#microsoft.graph.meeting","subject":"s","z":1,"a":2}}"##
    );
    let empty: Calendar = serde_json::from_value(json!({"next": {}})).unwrap();
    assert!(matches!(
        empty.next.as_deref(),
        Some(AnyMeetingBase::MeetingBase(_))
    ));
}
