//! The `gvx` binary; everything is in the library, starting at [`gvx::cli::main`].

fn main() -> std::process::ExitCode {
    gvx::cli::main()
}
