#!/bin/sh
# Builds gvx-shim the way it is shipped and prints its path (the last line of stdout).
#
#   sh scripts/build-shim.sh TARGET_DIR
#
# TARGET_DIR is cargo's target directory (CARGO_TARGET_DIR or `cargo metadata`'s
# target_directory). The shim runs on every `go` call, so on Linux with glibc it is
# linked statically (glibc static-pie): no dynamic loader, no shared libraries to map,
# which is most of what a shim costs (bench/README.md). It is built for the host triple
# named explicitly, so the flag reaches the shim alone and its output lands in
# TARGET_DIR/<triple>/release, apart from the workspace's own build. Other hosts
# (macOS, musl, Windows) get the ordinary release build.
set -eu

[ $# -eq 1 ] || {
    printf 'usage: sh scripts/build-shim.sh TARGET_DIR\n' >&2
    exit 2
}
target_dir=$1
cd -- "$(dirname -- "$0")/.."

host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p') || host=
case $host in
    *-linux-gnu*)
        RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" CARGO_TARGET_DIR=$target_dir \
            cargo build --release -p gvx-shims --bin gvx-shim --target "$host" >&2
        printf '%s\n' "$target_dir/$host/release/gvx-shim"
        ;;
    *)
        CARGO_TARGET_DIR=$target_dir cargo build --release -p gvx-shims --bin gvx-shim >&2
        printf '%s\n' "$target_dir/release/gvx-shim"
        ;;
esac
