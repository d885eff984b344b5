#!/usr/bin/env bash
# Install what the full test suite needs, if missing. Idempotent and fast
# (well under a second) when everything is already there.
#
#   Debian packages: wine wine64 gcc-mingw-w64-x86-64 shellcheck bash dash zsh
#                    fish busybox hyperfine openssl util-linux (runuser)
#                    gcc-aarch64-linux-gnu qemu-user (the arm64 lane)
#                    (+ python3 / python3-pip if missing)
#   rustup targets:  x86_64-pc-windows-gnu aarch64-unknown-linux-gnu
#
# As root, missing packages are installed with
# `apt-get update && apt-get install -y --no-install-recommends ...` (only when
# something is actually missing). As another user, the script prints what to
# install and exits non-zero.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

log() { printf 'deps: %s\n' "$*" >&2; }

missing=()

# present PROBE... -> true if any probe is a command on PATH or an existing absolute path
present() {
    local p
    for p in "$@"; do
        case $p in
            /*) [ -e "$p" ] && return 0 ;;
            *) command -v "$p" >/dev/null 2>&1 && return 0 ;;
        esac
    done
    return 1
}

# need PACKAGE PROBE...
need() {
    local pkg=$1
    shift
    present "$@" || missing+=("$pkg")
}

need wine wine
need wine64 wine64 /usr/lib/wine/wine64
need gcc-mingw-w64-x86-64 x86_64-w64-mingw32-gcc
need shellcheck shellcheck
need bash bash
need dash dash
need zsh zsh
need fish fish
need busybox busybox
need hyperfine hyperfine
need openssl openssl
need util-linux runuser /usr/sbin/runuser /sbin/runuser
need gcc-aarch64-linux-gnu aarch64-linux-gnu-gcc
need qemu-user qemu-aarch64 /usr/bin/qemu-aarch64
need python3 python3
if ! python3 -c 'import pip' >/dev/null 2>&1; then
    missing+=(python3-pip)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "missing packages: ${missing[*]}"
        log "install them as root with:"
        log "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        log "missing packages: ${missing[*]} (and no apt-get to install them)"
        exit 1
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    for pkg in "${missing[@]}"; do
        if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
            log "package $pkg did not install"
            exit 1
        fi
    done
fi

# Rust cross targets for the Windows and arm64 lanes (for the toolchain that
# rust-toolchain.toml selects, hence the cd to the repo root above).
if ! command -v rustup >/dev/null 2>&1; then
    log "rustup not found; it is needed for the x86_64-pc-windows-gnu and aarch64-unknown-linux-gnu targets"
    exit 1
fi
installed_targets=$(rustup target list --installed 2>/dev/null || true)
for target in x86_64-pc-windows-gnu aarch64-unknown-linux-gnu; do
    if ! grep -qx "$target" <<<"$installed_targets"; then
        log "adding rust target $target"
        rustup target add "$target" >&2
    fi
done
