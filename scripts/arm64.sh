#!/usr/bin/env bash
# The Linux arm64 lane's fixture: gvx and gvx-shim cross-built for
# aarch64-unknown-linux-gnu (Debian's gcc-aarch64-linux-gnu links them), and
# qemu-user registered with binfmt_misc so that aarch64 programs — gvx, the
# shim, and the Go SDK's own tools that the shim and `go build` start — run on
# this x86_64 host. tests/arm64.rs then runs them against the real
# linux-arm64 SDK (scripts/real-sdks.sh).
#
# The last line of stdout is the directory holding the aarch64 gvx and
# gvx-shim. Registering binfmt needs root (it is the machine's setting, done
# once per boot); without it the script says so and fails. Respects
# CARGO_TARGET_DIR.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

log() { printf 'arm64: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}

target=aarch64-unknown-linux-gnu
qemu=/usr/bin/qemu-aarch64
[ -x "$qemu" ] || die "$qemu is missing (Debian's qemu-user; scripts/deps.sh installs it)"
command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc is missing (Debian's gcc-aarch64-linux-gnu)"

binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/qemu-aarch64" ]; then
    [ "$(id -u)" -eq 0 ] || die "aarch64 programs need qemu-aarch64 in binfmt_misc; run this once as root"
    [ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt" ||
        die "cannot mount binfmt_misc on $binfmt"
    # The ELF header of an aarch64 executable (e_machine 0xb7), as Debian's
    # qemu-user-binfmt registers it; F: the interpreter is opened now, so it
    # also serves programs in other mount namespaces.
    printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$qemu"':F' \
        >"$binfmt/register" || die "cannot register qemu-aarch64 with binfmt_misc"
    log "registered $qemu for aarch64 programs"
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
cargo build --release --target "$target" --workspace --bins >&2

target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
out=$target_dir/$target/release
for exe in gvx gvx-shim; do
    [ -x "$out/$exe" ] || die "$out/$exe was not built"
done
printf '%s\n' "$out"
