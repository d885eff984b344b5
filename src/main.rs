fn main() -> std::process::ExitCode {
    gvx::cli::main()
}
