//! The emulator's meetings over plain HTTP (reqwest, no generated builders): get, PATCH,
//! DELETE and who may see a meeting, lists with `$filter`, `$select`, `$top`, next links and
//! `$count`, configurable page sizes, beta's key segment, faults on any route, and the parts
//! it does not serve. `emulator_artifacts.rs` covers what hangs off a meeting.

mod emulator_http;

use std::time::Duration;

use emulator_http::{encode, id, ids, Api, ALICE, APP, BOB};
use graph_meetings::emulator::{AttendanceRecords, Emulator, Fault};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn get_patch_and_delete_a_meeting() {
    let api = Api::new().await;
    let made = api
        .create(
            ALICE,
            json!({"subject": "Plan", "isEntryExitAnnounced": true}),
        )
        .await;
    let path = format!("/v1.0/me/onlineMeetings/{}", id(&made));
    let got = api.get(&path, ALICE).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), made);

    let changes = json!({
        "subject": "Plan v2",
        "startDateTime": "2026-03-01T10:00:00Z",
        "endDateTime": "2026-03-01T11:00:00Z",
    });
    let a = api
        .send(Method::PATCH, &path, Some(ALICE), Some(changes), &[])
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let patched = a.json();
    assert_eq!(patched["subject"], "Plan v2");
    assert_eq!(patched["startDateTime"], "2026-03-01T10:00:00Z");
    assert_eq!(
        patched["joinWebUrl"], made["joinWebUrl"],
        "untouched properties stay"
    );
    assert_eq!(patched["isEntryExitAnnounced"], true);

    let cleared = json!({"subject": null});
    let a = api
        .send(Method::PATCH, &path, Some(ALICE), Some(cleared), &[])
        .await;
    assert_eq!(a.status, 200);
    assert!(a.json().get("subject").is_none(), "null clears");
    assert!(api.get(&path, ALICE).await.json().get("subject").is_none());
    assert_eq!(
        api.get(&path, ALICE).await.json()["startDateTime"],
        "2026-03-01T10:00:00Z"
    );

    for bad in [
        json!({"subject": 5}),
        json!({"id": "other"}),
        json!({"endDateTime": "2026-02-01T00:00:00Z"}),
        json!([1]),
    ] {
        let a = api
            .send(Method::PATCH, &path, Some(ALICE), Some(bad.clone()), &[])
            .await;
        assert_eq!((a.status, a.code().as_str()), (400, "BadRequest"), "{bad}");
    }

    // The same meeting through /users/alice with an application token.
    let users_path = format!("/v1.0/users/alice/onlineMeetings/{}", id(&made));
    assert_eq!(api.get(&users_path, APP).await.status, 200);

    let a = api
        .send(Method::DELETE, &path, Some(ALICE), None, &[])
        .await;
    assert_eq!((a.status, a.body.len()), (204, 0));
    let after = api.get(&path, ALICE).await;
    assert_eq!((after.status, after.code().as_str()), (404, "NotFound"));
    let again = api
        .send(Method::DELETE, &path, Some(ALICE), None, &[])
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(api.emulator.meeting_count(), 0);
    let unknown = api.get("/v1.0/me/onlineMeetings/MSpnope", ALICE).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn who_may_see_a_meeting() {
    let api = Api::new().await;
    let made = api.create(ALICE, json!({})).await;
    let m = id(&made);
    let cases = [
        (format!("/v1.0/me/onlineMeetings/{m}"), Some(BOB), 403),
        (
            format!("/v1.0/users/alice/onlineMeetings/{m}"),
            Some(BOB),
            403,
        ),
        (
            format!("/v1.0/me/onlineMeetings/{m}"),
            Some("delegated:fabrikam:alice"),
            404,
        ),
        (
            format!("/v1.0/users/bob/onlineMeetings/{m}"),
            Some(APP),
            404,
        ),
        (
            format!("/v1.0/users/alice/onlineMeetings/{m}"),
            Some("app:fabrikam:svc"),
            404,
        ),
        (
            format!("/v1.0/users/alice/onlineMeetings/{m}"),
            Some(APP),
            200,
        ),
        (format!("/v1.0/me/onlineMeetings/{m}"), Some(APP), 400),
        (format!("/v1.0/me/onlineMeetings/{m}"), None, 401),
        (
            format!("/beta/me/onlineMeetings/{m}/transcripts"),
            Some(BOB),
            403,
        ),
        (
            format!("/v1.0/me/onlineMeetings/{m}/recordings/x/content"),
            Some(BOB),
            403,
        ),
    ];
    for (path, token, status) in cases {
        let a = api.send(Method::GET, &path, token, None, &[]).await;
        assert_eq!(a.status, status, "{path} {token:?}: {}", a.text());
        assert!(a.json()["error"]["message"].is_string() || status == 200);
    }
    // Bob cannot change or delete it either.
    let path = format!("/v1.0/me/onlineMeetings/{m}");
    let a = api
        .send(
            Method::PATCH,
            &path,
            Some(BOB),
            Some(json!({"subject": "x"})),
            &[],
        )
        .await;
    assert_eq!(a.status, 403);
    assert_eq!(
        api.send(Method::DELETE, &path, Some(BOB), None, &[])
            .await
            .status,
        403
    );
    assert_eq!(api.emulator.meeting_count(), 1);
}

#[tokio::test]
async fn lists_filter_select_page_and_count() {
    let api = Api::new().await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(api.create(ALICE, json!({"subject": format!("m{i}")})).await);
    }
    api.create(BOB, json!({})).await;
    let list = "/v1.0/me/onlineMeetings";

    let (items, sizes, _) = api.all(list, ALICE).await;
    assert_eq!(ids(&items), ids(&made), "every meeting once, oldest first");
    assert_eq!(sizes, [2, 2, 1], "small pages by default");
    assert!(items.iter().all(|i| i.get("@odata.context").is_none()));

    let (items, sizes, _) = api.all(&format!("{list}?$top=3"), ALICE).await;
    assert_eq!((items.len(), sizes), (5, vec![3, 2]));

    let first = api
        .get(&format!("{list}?$count=true&$select=subject"), ALICE)
        .await;
    let page = first.json();
    assert_eq!(page["@odata.count"], 5);
    let next = page["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.contains("$count=true") && next.contains("$select=subject"),
        "{next}"
    );
    for item in page["value"].as_array().unwrap() {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "subject"], "{item}");
    }
    let (items, _, last) = api
        .all(&format!("{list}?$count=true&$select=subject"), ALICE)
        .await;
    assert_eq!(items.len(), 5);
    assert_eq!(last["@odata.count"], 5, "on every page");

    let count = api.get(&format!("{list}/$count"), ALICE).await;
    assert_eq!((count.status, count.text().as_str()), (200, "5"));
    assert!(count.header("content-type").starts_with("text/plain"));
    assert_eq!(api.get(&format!("{list}/$count"), BOB).await.text(), "1");

    // Find by join URL, the value encoded, the property name in any case.
    let url = made[3]["joinWebUrl"].as_str().unwrap();
    for property in ["JoinWebUrl", "joinWebUrl", "JOINWEBURL"] {
        let filter = encode(&format!("{property} eq '{url}'"));
        let a = api.get(&format!("{list}?$filter={filter}"), ALICE).await;
        assert_eq!(a.status, 200, "{}", a.text());
        assert_eq!(ids(a.json()["value"].as_array().unwrap()), [id(&made[3])]);
        let c = api
            .get(&format!("{list}/$count?$filter={filter}"), ALICE)
            .await;
        assert_eq!(c.text(), "1");
    }
    let quoted = encode("JoinWebUrl eq 'https://teams.microsoft.com/l/O''Brien'");
    let a = api.get(&format!("{list}?$filter={quoted}"), ALICE).await;
    assert_eq!(
        (a.status, a.json()["value"].as_array().unwrap().len()),
        (200, 0)
    );
    let bob_sees = api
        .get(
            &format!(
                "{list}?$filter={}",
                encode(&format!("JoinWebUrl eq '{url}'"))
            ),
            BOB,
        )
        .await;
    assert_eq!(
        bob_sees.json()["value"],
        json!([]),
        "only the acting user's"
    );

    for bad in [
        format!("{list}?$filter={}", encode("subject eq 'm1'")),
        format!("{list}?$expand=attendanceReports"),
        format!("{list}?$top=x"),
        format!("{list}?$skiptoken=garbage"),
    ] {
        let a = api.get(&bad, ALICE).await;
        assert_eq!((a.status, a.code().as_str()), (400, "BadRequest"), "{bad}");
    }
    let unsupported = api
        .get(
            &format!("{list}?$filter={}", encode("subject eq 'm1'")),
            ALICE,
        )
        .await;
    assert!(unsupported.text().contains("unsupported filter"));

    let one = api
        .get(
            &format!("{list}/{}?$select=subject,joinWebUrl", id(&made[0])),
            ALICE,
        )
        .await
        .json();
    let mut keys: Vec<&String> = one.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["@odata.context", "id", "joinWebUrl", "subject"]);
}

#[tokio::test]
async fn page_sizes_are_configurable() {
    let emulator = Emulator::builder()
        .page_size(3)
        .records_page_size(4)
        .start()
        .await
        .unwrap();
    let api = Api::with(emulator);
    let mut last = Value::Null;
    for _ in 0..7 {
        last = api.create(ALICE, json!({})).await;
    }
    let (_, sizes, _) = api.all("/v1.0/me/onlineMeetings", ALICE).await;
    assert_eq!(sizes, [3, 3, 1]);
    let report = api
        .emulator
        .add_attendance(&id(&last), &json!({}), AttendanceRecords::generated(9))
        .unwrap();
    let path = format!(
        "/v1.0/me/onlineMeetings/{}/attendanceReports/{report}/attendanceRecords",
        id(&last)
    );
    let (items, sizes, _) = api.all(&path, ALICE).await;
    assert_eq!((items.len(), sizes), (9, vec![4, 4, 1]));
}

#[tokio::test]
async fn beta_finds_a_meeting_by_its_join_url() {
    let api = Api::new().await;
    let made = api.create(ALICE, json!({"subject": "Key"})).await;
    let url = made["joinWebUrl"].as_str().unwrap();
    let key = format!("onlineMeetings(joinWebUrl='{}')", encode(url));
    let a = api.get(&format!("/beta/me/{key}"), ALICE).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(id(&a.json()), id(&made));
    assert_eq!(a.json()["subject"], "Key");
    assert_eq!(
        api.get(&format!("/beta/users/alice/{key}"), APP)
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&format!("/beta/users/alice/{key}"), BOB)
            .await
            .status,
        403
    );
    let a = api.get(&format!("/v1.0/me/{key}"), ALICE).await;
    assert_eq!(a.status, 400, "v1.0 has no such key");
    let other = encode("https://teams.microsoft.com/l/meetup-join/none");
    let a = api
        .get(
            &format!("/beta/me/onlineMeetings(joinWebUrl='{other}')"),
            ALICE,
        )
        .await;
    assert_eq!(a.status, 404);

    for path in [
        format!("/beta/me/{key}/getVirtualAppointmentJoinWebUrl()"),
        format!(
            "/v1.0/me/onlineMeetings/{}/getVirtualAppointmentJoinWebUrl()",
            id(&made)
        ),
    ] {
        let a = api.get(&path, ALICE).await;
        assert_eq!(a.status, 200, "{path}: {}", a.text());
        assert!(a.json()["value"].as_str().unwrap().starts_with("https://"));
    }
    let patched = api
        .send(
            Method::PATCH,
            &format!("/beta/me/{key}"),
            Some(ALICE),
            Some(json!({"subject": null})),
            &[],
        )
        .await;
    assert_eq!(patched.status, 200);
    assert!(patched.json().get("subject").is_none());
    let sms = json!({"attendees": [{"phoneNumber": "+15550100", "timeZone": "Pacific Standard Time"}], "messageType": "confirmation"});
    let a = api
        .send(
            Method::POST,
            &format!("/beta/me/{key}/sendVirtualAppointmentSms"),
            Some(ALICE),
            Some(sms),
            &[],
        )
        .await;
    assert_eq!(a.status, 202);
    let a = api
        .send(
            Method::DELETE,
            &format!("/beta/me/{key}"),
            Some(ALICE),
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, 204);
    assert_eq!(
        api.get(&format!("/v1.0/me/onlineMeetings/{}", id(&made)), ALICE)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn faults_apply_to_every_route() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let path = format!("/v1.0/me/onlineMeetings/{m}");
    api.emulator
        .inject(Fault::Throttle(Duration::from_secs(2)), 1);
    api.emulator.inject(Fault::Unavailable, 1);
    api.emulator.inject(Fault::GatewayTimeoutAfterWork, 1);
    let a = api.get(&path, ALICE).await;
    assert_eq!((a.status, a.header("retry-after")), (429, "2"));
    assert_eq!(api.get("/v1.0/me/onlineMeetings", ALICE).await.status, 503);
    assert_eq!(
        api.get(&format!("{path}/transcripts"), ALICE).await.status,
        504
    );
    assert_eq!(api.get(&path, ALICE).await.status, 200, "then normal again");

    // A GET whose connection drops after the work: the client sees a transport error.
    api.emulator.inject(Fault::DropAfterWork, 1);
    let err = api.http.get(api.url(&path)).bearer_auth(ALICE).send().await;
    let failed = match err {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed);
    // A cut JSON body.
    api.emulator.inject(Fault::DropMidBody(10), 1);
    let r = api
        .http
        .get(api.url(&path))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "the headers arrive");
    assert!(r.bytes().await.is_err(), "the body does not");
    // A delay, and a claims challenge on a GET.
    api.emulator
        .inject(Fault::Delay(Duration::from_millis(50)), 1);
    let started = std::time::Instant::now();
    assert_eq!(api.get(&path, ALICE).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(50));
    api.emulator.inject(Fault::ClaimsChallenge, 1);
    let a = api.get(&path, "delegated:contoso:alice;old").await;
    assert_eq!(a.status, 401);
    assert!(a.header("www-authenticate").contains("insufficient_claims"));
    assert_eq!(
        api.get(&path, ALICE).await.status,
        200,
        "another token is fine"
    );
}

#[tokio::test]
async fn the_rest_of_the_surface_is_refused_plainly() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let base = format!("/v1.0/me/onlineMeetings/{m}");
    for (method, path, status, code) in [
        (
            Method::GET,
            format!("{base}/attendeeReport"),
            501,
            "NotImplemented",
        ),
        (
            Method::GET,
            format!("/beta/me/onlineMeetings/{m}/registration/registrants"),
            501,
            "NotImplemented",
        ),
        (
            Method::POST,
            format!("{base}/transcripts"),
            405,
            "MethodNotAllowed",
        ),
        (
            Method::PUT,
            format!("{base}/recordings/x/content"),
            405,
            "MethodNotAllowed",
        ),
        (Method::PUT, base.clone(), 405, "MethodNotAllowed"),
        (Method::GET, format!("{base}/nothing"), 404, "UnknownPath"),
        (
            Method::GET,
            format!("{base}/transcripts/x"),
            404,
            "NotFound",
        ),
    ] {
        let a = api
            .send(method.clone(), &path, Some(ALICE), None, &[])
            .await;
        assert_eq!(
            (a.status, a.code()),
            (status, code.to_string()),
            "{method} {path}"
        );
    }
    let a = api
        .send(
            Method::POST,
            &format!("{base}/sendVirtualAppointmentReminderSms"),
            Some(ALICE),
            Some(json!({})),
            &[],
        )
        .await;
    assert_eq!(a.status, 400, "attendees are required");
}
