//! The `go` / `gofmt` / `go1.X.Y` shim. All logic lives in the library's `shim` module.

fn main() -> std::process::ExitCode {
    gvx_shims::shim::main()
}
