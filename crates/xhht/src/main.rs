//! `xhht`: the command line. Thin: parses arguments and calls the library crates.

mod audit;
mod backup;
mod cli;
mod commands;
mod memory;
mod plans;

use clap::Parser;

fn main() -> std::process::ExitCode {
    // The server's runtime (two workers per core, see there) for every
    // command: `serve` and `demo` are the ones that need it.
    match xhht_web::runtime::build() {
        Ok(rt) => rt.block_on(run()),
        Err(e) => {
            eprintln!("Lỗi: không khởi động được bộ chạy: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_target(false)
        .init();
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
