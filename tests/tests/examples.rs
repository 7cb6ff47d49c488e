//! Every documented request and response body (Microsoft's reference pages, copied into
//! `tests/fixtures/examples`) reads into the generated models and writes back to equal JSON.
//!
//! Two differences are expected, and listed per example below rather than ignored:
//! - `null` on a declared property comes back absent: an `Option` field cannot tell the two
//!   apart, and Graph treats them alike;
//! - a known enum member sent in another casing (`Html`) comes back in the spec's casing
//!   (`html`): the member is recognised, and written as the spec spells it.
//!
//! v1.0 bodies are read with `graph_meetings::v1`, beta bodies with `graph_meetings::beta`; and
//! beta bodies once more with the v1.0 models, where beta-only properties land in
//! `additional_properties` and must survive too.

use graph_meetings::{CreateOrGetRequest, OnlineMeeting};
use graph_meetings_tests::{examples, json_diff};
use serde_json::Value;

fn expected_differences(name: &str) -> &'static [&'static str] {
    match name {
        "beta-create-01-user-token.response" => {
            &["/joinMeetingIdSettings/passcode: null -> absent"]
        }
        "beta-create-02-passcode.response" => &["/chatInfo/replyChainMessageId: null -> absent"],
        "beta-create-03-no-passcode.response" => &[
            "/chatInfo/replyChainMessageId: null -> absent",
            "/joinMeetingIdSettings/passcode: null -> absent",
        ],
        "beta-create-04-template.response" => &["/chatInfo/replyChainMessageId: null -> absent"],
        "beta-create-05-e2e-encrypted.response" => {
            &["/participants/organizer/identity/user/displayName: null -> absent"]
        }
        "beta-create-01-accept-language-ja.fragment" => {
            &["/joinInformation/contentType: \"Html\" -> \"html\""]
        }
        _ => &[],
    }
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(body: &Value) -> Value {
    let model: T = serde_json::from_value(body.clone()).expect("the body reads");
    serde_json::to_value(&model).expect("the model writes")
}

#[test]
fn every_documented_body_round_trips() {
    let all = examples();
    assert_eq!(
        all.len(),
        17,
        "every example in ../shared/examples is a fixture"
    );
    let mut report = Vec::new();
    for example in &all {
        let create_or_get =
            example.name.contains("createOrGet") && example.name.ends_with(".request");
        let mut written = vec![if create_or_get {
            round_trip::<CreateOrGetRequest>(&example.body)
        } else {
            round_trip::<OnlineMeeting>(&example.body)
        }];
        if example.name.starts_with("beta-") {
            written.push(round_trip::<graph_meetings::beta::OnlineMeeting>(
                &example.body,
            ));
        }
        for written in written {
            let diff = json_diff(&example.body, &written);
            let expected = expected_differences(&example.name);
            if diff != expected {
                let name = &example.name;
                report.push(format!("{name}: got {diff:#?}, expected {expected:#?}"));
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn documented_response_reads_into_typed_fields() {
    let example = examples()
        .into_iter()
        .find(|e| e.name == "beta-create-01-user-token.response")
        .unwrap();
    let meeting: OnlineMeeting = serde_json::from_value(example.body).unwrap();
    assert_eq!(meeting.subject.as_deref(), Some("User Token Meeting"));
    let start = meeting.start_date_time.unwrap();
    assert_eq!(start.to_string(), "2019-07-11T02:17:17.6491364Z");
    let organizer = meeting.participants.unwrap().organizer.unwrap();
    assert_eq!(
        organizer.role,
        Some(graph_meetings::OnlineMeetingRole::Presenter)
    );
    let user = organizer.identity.unwrap().user.unwrap();
    // Properties the spec does not declare (`tenantId`) are kept.
    assert_eq!(
        user.additional_properties["tenantId"],
        "72f988bf-86f1-41af-91ab-2d1db47"
    );
    // So are annotations and misspelled properties Graph really sends.
    assert!(meeting.additional_properties.contains_key("@odata.context"));
    let audio = meeting.audio_conferencing.unwrap();
    assert_eq!(audio.conference_id, None);
    assert_eq!(audio.additional_properties["ConferenceId"], "24299");
}
