//! Runs the onlineMeetings emulator until interrupted.
//!
//! ```sh
//! cargo run -p graph-meetings --features emulator --bin graph-emulator -- --port 8080
//! ```

use clap::Parser;

/// A local emulator of Microsoft Graph's onlineMeetings endpoints (v1.0 and beta).
#[derive(Parser)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let emulator =
        graph_meetings::emulator::Emulator::bind(([127, 0, 0, 1], args.port).into()).await?;
    println!("Graph onlineMeetings emulator at {}", emulator.root());
    println!("tokens: Bearer delegated:<tenant>:<user>  or  Bearer app:<tenant>:<app>");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
