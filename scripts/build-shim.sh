#!/bin/sh
# Builds gvx-shim the way it is shipped and prints its path (the last line of stdout).
#
#   sh scripts/build-shim.sh TARGET_DIR
#
# TARGET_DIR is cargo's target directory (CARGO_TARGET_DIR or `cargo metadata`'s
# target_directory). The shim runs on every `go` call, so on Linux it is linked statically: no
# dynamic loader, no shared libraries to map, which is most of what a shim costs. With musl
# (`<arch>-unknown-linux-musl`, the build the release archives ship) it adds about 0.4 ms less
# to each call than static glibc (bench/README.md, `shimlibc`), so that is used when rustup has
# the musl target; otherwise the host's glibc, linked statically (static-pie). Either way it is
# built for a triple named explicitly, so the flags reach the shim alone and its output lands in
# TARGET_DIR/<triple>/release, apart from the workspace's own build. Other hosts (macOS,
# Windows) get the ordinary release build.
set -eu

[ $# -eq 1 ] || {
    printf 'usage: sh scripts/build-shim.sh TARGET_DIR\n' >&2
    exit 2
}
target_dir=$1
cd -- "$(dirname -- "$0")/.."

host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p') || host=
musl=${host%%-*}-unknown-linux-musl
case $host in
    *-linux-gnu*)
        if rustup target list --installed 2>/dev/null | grep -qx "$musl"; then
            CARGO_TARGET_DIR=$target_dir \
                cargo build --release -p gvx-shims --bin gvx-shim --target "$musl" >&2
            printf '%s\n' "$target_dir/$musl/release/gvx-shim"
        else
            printf 'build-shim: the Rust target %s is not installed: linking the shim statically with glibc instead (rustup target add %s makes every go call about 0.4 ms faster)\n' \
                "$musl" "$musl" >&2
            RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" CARGO_TARGET_DIR=$target_dir \
                cargo build --release -p gvx-shims --bin gvx-shim --target "$host" >&2
            printf '%s\n' "$target_dir/$host/release/gvx-shim"
        fi
        ;;
    *)
        CARGO_TARGET_DIR=$target_dir cargo build --release -p gvx-shims --bin gvx-shim >&2
        printf '%s\n' "$target_dir/release/gvx-shim"
        ;;
esac
