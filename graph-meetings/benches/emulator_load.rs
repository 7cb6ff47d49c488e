//! Load on the emulator over loopback, two phases in one run: N concurrent clients create
//! meetings for a fixed time, then N concurrent clients GET meetings for the same time. Prints
//! requests/s, p50/p99 latency and errors of each, side by side, and the process's peak memory.
//! Bounded in time and to 127.0.0.1.
//!
//! `cargo bench -p graph-meetings --bench emulator_load -- [clients] [seconds]` (default 16, 5).

mod common;

use common::peak_rss_mb;
use std::future::Future;
use std::time::{Duration, Instant};

use graph_meetings::emulator::Emulator;
use graph_meetings::{Client, Cloud, OnlineMeeting, RetryPolicy, StaticToken};

/// Meetings the GET phase reads, round-robin.
const READ_SET: usize = 100;

struct Stats {
    latencies: Vec<Duration>,
    errors: u64,
}

/// `clients` tasks each run `one` in a loop until `seconds` pass.
async fn phase<F, Fut>(clients: u64, seconds: u64, one: F) -> Stats
where
    F: Fn(u64, u64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let one = one.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors, mut i) = (Vec::new(), 0u64, 0u64);
                while Instant::now() < until {
                    let started = Instant::now();
                    if one(c, i).await {
                        latencies.push(started.elapsed());
                    } else {
                        errors += 1;
                    }
                    i += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut stats = Stats {
        latencies: Vec::new(),
        errors: 0,
    };
    for task in tasks {
        let (l, e) = task.await.unwrap();
        stats.latencies.extend(l);
        stats.errors += e;
    }
    stats.latencies.sort();
    stats
}

fn report(what: &str, clients: u64, seconds: u64, stats: &Stats) {
    let l = &stats.latencies;
    let pick = |q: f64| {
        l.get(((l.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "emulator load: {what:<7} {clients} clients x {seconds} s: {:>7} ok, {:>7.0}/s, p50 {:?}, p99 {:?}, errors {}",
        l.len(),
        l.len() as f64 / seconds as f64,
        pick(0.5),
        pick(0.99),
        stats.errors,
    );
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let clients = args.first().copied().unwrap_or(16).clamp(1, 256);
    let seconds = args.get(1).copied().unwrap_or(5).clamp(1, 60);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emulator = Emulator::start().await.unwrap();
        let client = Client::builder(StaticToken::new("delegated:contoso:load"))
            .cloud(Cloud::Custom(emulator.root()))
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap();

        let creating = client.clone();
        let creates = phase(clients, seconds, move |_, _| {
            let client = creating.clone();
            async move {
                let meeting = OnlineMeeting {
                    subject: Some("load".into()),
                    ..Default::default()
                };
                client
                    .me()
                    .online_meetings()
                    .create(&meeting)
                    .send()
                    .await
                    .is_ok()
            }
        })
        .await;

        // The GET phase reads meetings of another user, so that it does not depend on how
        // many the create phase left.
        let reader = Client::builder(StaticToken::new("delegated:contoso:reader"))
            .cloud(Cloud::Custom(emulator.root()))
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap();
        let mut urls = Vec::with_capacity(READ_SET);
        for _ in 0..READ_SET {
            let made = reader
                .me()
                .online_meetings()
                .create(&OnlineMeeting::default())
                .send();
            let id = made.await.unwrap().into_inner().id.unwrap();
            urls.push(format!("{}/v1.0/me/onlineMeetings/{id}", emulator.root()));
        }
        let urls = std::sync::Arc::new(urls);
        let http = Client::reqwest_builder().build().unwrap();
        let gets = phase(clients, seconds, move |c, i| {
            let (http, urls) = (http.clone(), urls.clone());
            async move {
                let url = &urls[((c * 7919 + i) % READ_SET as u64) as usize];
                let sent = http.get(url).bearer_auth("delegated:contoso:reader").send();
                match sent.await {
                    Ok(r) if r.status().as_u16() == 200 => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
        .await;

        report("creates", clients, seconds, &creates);
        report("GETs", clients, seconds, &gets);
        println!(
            "emulator load: meetings kept {}, requests {}, peak RSS {} MB",
            emulator.meeting_count(),
            emulator.request_count(),
            peak_rss_mb()
        );
    });
}
