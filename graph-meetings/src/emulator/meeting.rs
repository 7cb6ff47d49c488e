//! What Graph adds to a created meeting: ids, links, dial-in, organizer, joining text.

use serde_json::{json, Value};

use crate::types::DateTimeOffset;
use crate::v1::{
    AudioConferencing, BodyType, ChatInfo, Identity, IdentitySet, ItemBody, JoinMeetingIdSettings,
    MeetingParticipantInfo, OnlineMeeting, OnlineMeetingRole,
};

fn digits(n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + fastrand::u8(0..10)))
        .collect()
}

/// Fills in what Graph adds to a created meeting.
pub(super) fn complete(
    mut m: OnlineMeeting,
    tenant: &str,
    user: &str,
    language: &str,
    context: &str,
) -> Value {
    let now = DateTimeOffset::now_utc();
    let thread = format!("19:meeting_{}@thread.v2", uuid::Uuid::new_v4().simple());
    let join_url = format!(
        "https://teams.microsoft.com/l/meetup-join/{}/0?context=%7b%22Tid%22%3a%22{tenant}%22%2c%22Oid%22%3a%22{user}%22%7d",
        thread.replace(':', "%3a").replace('@', "%40")
    );
    let conference_id = digits(9);
    m.id = Some(format!("MSp{}", uuid::Uuid::new_v4().simple()));
    m.creation_date_time = Some(now);
    if m.start_date_time.is_none() {
        m.start_date_time = Some(now);
    }
    if m.end_date_time.is_none() {
        let start = m.start_date_time.unwrap_or(now);
        m.end_date_time = Some(DateTimeOffset::new(
            start.value() + time::Duration::hours(1),
        ));
    }
    m.join_web_url = Some(join_url.clone());
    m.chat_info = ChatInfo {
        thread_id: Some(thread),
        message_id: Some("0".into()),
        reply_chain_message_id: None,
        ..Default::default()
    }
    .into();
    m.audio_conferencing = AudioConferencing {
        conference_id: Some(conference_id.clone()),
        toll_number: Some("+1 555 0100".into()),
        toll_numbers: Some(vec![Some("+1 555 0100".into())]),
        dialin_url: Some(format!(
            "https://dialin.teams.microsoft.com/emulator?id={conference_id}"
        )),
        ..Default::default()
    }
    .into();
    let required = m
        .join_meeting_id_settings
        .as_ref()
        .and_then(|s| s.is_passcode_required)
        .unwrap_or(false);
    m.join_meeting_id_settings = JoinMeetingIdSettings {
        is_passcode_required: Some(required),
        join_meeting_id: Some(digits(12)),
        passcode: required.then(|| digits(6)),
        ..Default::default()
    }
    .into();
    let mut participants = m.participants.take().unwrap_or_default();
    let mut organizer_user = Identity {
        id: Some(user.to_string()),
        ..Default::default()
    };
    organizer_user
        .additional_properties
        .insert("tenantId".into(), Value::String(tenant.to_string()));
    participants.organizer = MeetingParticipantInfo {
        identity: IdentitySet {
            user: organizer_user.into(),
            ..Default::default()
        }
        .into(),
        role: Some(OnlineMeetingRole::Presenter),
        upn: Some(format!("{user}@{tenant}.example")),
        ..Default::default()
    }
    .into();
    m.participants = Some(participants);
    m.join_information = ItemBody {
        content: Some(join_information(language, &join_url)),
        content_type: Some(BodyType::Html),
        ..Default::default()
    }
    .into();
    m.additional_properties
        .insert("@odata.context".into(), Value::String(context.to_string()));
    m.odata_type = Some("#microsoft.graph.onlineMeeting".into());
    serde_json::to_value(&m).unwrap_or_else(|_| json!({}))
}

/// The joining text, in Japanese when asked for, else English, as a `data:` URL the way Graph
/// sends it.
fn join_information(language: &str, join_url: &str) -> String {
    let text = if language.trim().to_ascii_lowercase().starts_with("ja") {
        "Microsoft Teams 会議に参加"
    } else {
        "Join Microsoft Teams Meeting"
    };
    let html = format!("<div><a href=\"{join_url}\">{text}</a></div>");
    let encoded: String =
        percent_encoding::utf8_percent_encode(&html, percent_encoding::NON_ALPHANUMERIC).collect();
    format!("data:text/html,{encoded}")
}
