//! Purpose: the binary's entry: parse the command line (its help in the operator's
//! language), read `.env`, run the command, and turn its error into an exit status.
//! Each command lives in its own file under `cli/`.

use std::process::ExitCode;

mod cli;

/// sled copies and frees a tree node on every write; mimalloc makes those allocations
/// cheaper than glibc's malloc (README "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse_in(cli::help_locale());
    escalation_bot::config::load_env_file();
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
