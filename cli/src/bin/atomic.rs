//! `atomic`: the thin client (see `atomic_cli::thin`).

fn main() -> std::process::ExitCode {
    atomic_cli::thin::main()
}
