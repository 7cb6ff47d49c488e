//! Load on the emulator over loopback: N concurrent clients create meetings for a fixed time;
//! prints requests/s, p50/p99 latency, errors and the process's peak memory. Bounded in time
//! and to 127.0.0.1.
//!
//! `cargo bench -p graph-meetings --bench emulator_load -- [clients] [seconds]` (default 16, 5).

use std::time::{Duration, Instant};

use graph_meetings::emulator::Emulator;
use graph_meetings::{Client, Cloud, OnlineMeeting, RetryPolicy, StaticToken};

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
        let until = Instant::now() + Duration::from_secs(seconds);
        let tasks: Vec<_> = (0..clients)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    let meeting = OnlineMeeting {
                        subject: Some("load".into()),
                        ..Default::default()
                    };
                    let (mut latencies, mut errors) = (Vec::new(), 0u64);
                    while Instant::now() < until {
                        let started = Instant::now();
                        match client.me().online_meetings().create(&meeting).send().await {
                            Ok(_) => latencies.push(started.elapsed()),
                            Err(_) => errors += 1,
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let (mut latencies, mut errors) = (Vec::new(), 0);
        for task in tasks {
            let (l, e) = task.await.unwrap();
            latencies.extend(l);
            errors += e;
        }
        latencies.sort();
        let pick = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
        println!(
            "emulator load: {clients} clients x {seconds} s: {} creates, {:.0}/s, p50 {:?}, p99 {:?}, errors {errors}, meetings kept {}, peak RSS {} MB",
            latencies.len(),
            latencies.len() as f64 / seconds as f64,
            pick(0.5),
            pick(0.99),
            emulator.meeting_count(),
            peak_rss_mb()
        );
    });
}

/// Peak resident memory from /proc (Linux); 0 elsewhere.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
