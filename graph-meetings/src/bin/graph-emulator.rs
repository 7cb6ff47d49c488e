//! Runs the onlineMeetings emulator until interrupted.
//!
//! ```sh
//! cargo run -p graph-meetings --features emulator --bin graph-emulator -- --port 8080
//! ```

use clap::Parser;
use graph_meetings::emulator::{Emulator, DEFAULT_PAGE_SIZE, DEFAULT_RECORDS_PAGE_SIZE};

/// A local emulator of Microsoft Graph's onlineMeetings API (v1.0 and beta).
#[derive(Parser)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Meetings, attendance reports, recordings and transcripts per page without `$top`.
    #[arg(long, default_value_t = DEFAULT_PAGE_SIZE)]
    page_size: usize,
    /// Attendance records per page without `$top`.
    #[arg(long, default_value_t = DEFAULT_RECORDS_PAGE_SIZE)]
    records_page_size: usize,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let emulator = Emulator::builder()
        .addr(([127, 0, 0, 1], args.port).into())
        .page_size(args.page_size)
        .records_page_size(args.records_page_size)
        .start()
        .await?;
    println!("Graph onlineMeetings emulator at {}", emulator.root());
    println!("tokens: Bearer delegated:<tenant>:<user>  or  Bearer app:<tenant>:<app>");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
