#!/usr/bin/env bash
# The project's test command:
#
#   scripts/test.sh [extra `cargo test` args, e.g. a filter or -- --nocapture]
#
# Installs what the suite needs (scripts/deps.sh), prepares the cached
# fixtures and exports them for the tests, builds the Windows binaries, then
# runs the whole workspace's tests:
#
#   GVX_TEST_SDKS         real Go SDK archives + index.json  (scripts/real-sdks.sh)
#   GVX_WINEPREFIX        prepared wine prefix                (scripts/wine-prefix.sh)
#   GVX_TEST_WINDOWS_BIN  <target dir>/x86_64-pc-windows-gnu/release (gvx.exe, gvx-shim.exe)
#   GVX_TEST_ARM64_BIN    <target dir>/aarch64-unknown-linux-gnu/release (scripts/arm64.sh,
#                         which also registers qemu-aarch64 with binfmt_misc)
#   GVX_TEST_RELEASE_DIR  <target dir>/test-release: scripts/release.sh's assets for this host
#                         and x86_64-windows, signed with the test key (tests/fixtures)
#
# The host binaries (gvx, gvx-shim) are built too, before `cargo test`.
#
# A plain `cargo test` skips the lanes whose inputs or tools are missing
# (one line each on stderr, tests/it/support/lanes.rs). This script sets
# them all and exports GVX_TEST_STRICT=1, under which a lane that cannot run
# fails its tests instead. Respects CARGO_TARGET_DIR.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

now_ms() { date +%s%3N; }
step() { # name command...
    local name=$1 t0 rc=0
    shift
    printf '\n=== test.sh: %s\n' "$name" >&2
    t0=$(now_ms)
    "$@" || rc=$?
    local ms=$(($(now_ms) - t0))
    printf '=== test.sh: %s: %s in %d.%03d s\n' "$name" "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED (exit $rc)")" \
        $((ms / 1000)) $((ms % 1000)) >&2
    return "$rc"
}

# Run a fixture script; its last stdout line is the directory it prepared.
fixture_dir() { # var script
    local var=$1 script=$2 out dir
    out=$("$script") || return
    dir=${out##*$'\n'}
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then
        printf 'test.sh: %s printed no directory (got: %s)\n' "$script" "$dir" >&2
        return 1
    fi
    printf -v "$var" '%s' "$dir"
}

step "deps" scripts/deps.sh

# Every binary this run builds (host, Windows, arm64) trusts the test release key instead of the
# project's, so the self-update tests can sign releases (tests/fixtures/release-test.key).
GVX_RELEASE_PUBKEY=$(sed -n 2p tests/fixtures/release-test.pub)
export GVX_RELEASE_PUBKEY

step "real Go SDKs" fixture_dir GVX_TEST_SDKS scripts/real-sdks.sh
export GVX_TEST_SDKS

step "wine prefix" fixture_dir GVX_WINEPREFIX scripts/wine-prefix.sh
export GVX_WINEPREFIX

target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
step "windows binaries" \
    cargo build --release --target x86_64-pc-windows-gnu --workspace --bins
GVX_TEST_WINDOWS_BIN=$target_dir/x86_64-pc-windows-gnu/release
export GVX_TEST_WINDOWS_BIN
[ -f "$GVX_TEST_WINDOWS_BIN/gvx.exe" ] || {
    printf 'test.sh: %s/gvx.exe was not built\n' "$GVX_TEST_WINDOWS_BIN" >&2
    exit 1
}

step "arm64 binaries" fixture_dir GVX_TEST_ARM64_BIN scripts/arm64.sh
export GVX_TEST_ARM64_BIN

# The release assets for this host and Windows, as scripts/release.sh builds them, signed with
# the test key (gvx inside trusts it): tests/it/shells/release.rs installs them with install.sh.
release_assets() {
    local version host out
    version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
    host=$(uname -m)-linux
    rm -rf "$target_dir/test-release"
    out=$(GVX_RELEASE_KEY=tests/fixtures/release-test.key \
        GVX_RELEASE_PUBKEY=$(sed -n 2p tests/fixtures/release-test.pub) \
        scripts/release.sh "$version" --targets "$host,x86_64-windows" --out "$target_dir/test-release") || return
    GVX_TEST_RELEASE_DIR=${out##*$'\n'}
}
step "release assets" release_assets
export GVX_TEST_RELEASE_DIR

printf '\nGVX_TEST_SDKS=%s\nGVX_WINEPREFIX=%s\nGVX_TEST_WINDOWS_BIN=%s\nGVX_TEST_ARM64_BIN=%s\nGVX_TEST_RELEASE_DIR=%s\n' \
    "$GVX_TEST_SDKS" "$GVX_WINEPREFIX" "$GVX_TEST_WINDOWS_BIN" "$GVX_TEST_ARM64_BIN" "$GVX_TEST_RELEASE_DIR" >&2

# The integration tests run target/release/gvx, which expects gvx-shim (another
# package's binary, which `cargo test` alone does not build) beside it.
step "host binaries" cargo build --release --workspace --bins
# The shim as install.sh ships it (static on Linux); the tests build it the same way.
step "shim as shipped" sh scripts/build-shim.sh "$target_dir"

# Everything is installed now: a lane that would skip for want of a tool or an
# input fails instead (tests/it/support/lanes.rs).
export GVX_TEST_STRICT=1
step "cargo test" cargo test --workspace --release --no-fail-fast "$@"
