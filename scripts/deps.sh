#!/usr/bin/env bash
# Install what the full test suite needs, if missing. Idempotent and fast
# (well under a second) when everything is already there.
#
#   Debian packages: wine wine64 gcc-mingw-w64-x86-64 shellcheck bash dash zsh
#                    fish busybox hyperfine openssl util-linux (runuser) npm
#                    gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user (the arm64 lane)
#                    musl-tools minisign (release assets, install.sh's signature check)
#                    (+ python3 / python3-pip if missing)
#   rustup targets:  x86_64-pc-windows-gnu aarch64-unknown-linux-gnu
#                    x86_64-unknown-linux-musl (scripts/release.sh)
#   nushell:         the real `nu` from npm (@nushell/linux-x64, pinned and
#                    checked by sha256) in ~/.cache/gvx-test/nu/bin/nu, where
#                    the tests look for it (or set GVX_TEST_NU to a `nu`)
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
# The cross C library (headers, crt files): only recommended by the compiler, and the build of
# aws-lc-sys for aarch64 needs it.
need libc6-dev-arm64-cross /usr/aarch64-linux-gnu/include/stdio.h
need qemu-user qemu-aarch64 /usr/bin/qemu-aarch64
need musl-tools musl-gcc # scripts/release.sh: the static x86_64 Linux build
need minisign minisign # scripts/release.sh signs; install.sh checks signatures
need python3 python3
need npm npm # fetches nushell (below)
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
for target in x86_64-pc-windows-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl; do
    if ! grep -qx "$target" <<<"$installed_targets"; then
        log "adding rust target $target"
        rustup target add "$target" >&2
    fi
done

# nushell has no Debian package: the npm registry serves the real binary as
# @nushell/linux-x64. Pinned, checked by sha256, unpacked into the test cache.
nu_version=0.115.1
nu_sha256=8a02b8874bb1e6cc268a3da72f42735a2f92f92548feb938a771ea02ce859ba4
nu_dir=${XDG_CACHE_HOME:-$HOME/.cache}/gvx-test/nu
if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] &&
    [ "$(cat "$nu_dir/version" 2>/dev/null)" != "$nu_version" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        log "npm not found; it is needed to fetch nushell (@nushell/linux-x64@$nu_version)"
        exit 1
    fi
    log "installing nushell $nu_version into $nu_dir"
    nu_tmp=$(mktemp -d)
    (cd "$nu_tmp" && npm pack --silent "@nushell/linux-x64@$nu_version" >/dev/null)
    nu_tgz=$nu_tmp/nushell-linux-x64-$nu_version.tgz
    if [ "$(sha256sum "$nu_tgz" | cut -d' ' -f1)" != "$nu_sha256" ]; then
        log "$nu_tgz does not have sha256 $nu_sha256; not installing it"
        rm -rf "$nu_tmp"
        exit 1
    fi
    tar -xzf "$nu_tgz" -C "$nu_tmp"
    rm -rf "$nu_dir"
    mkdir -p "$nu_dir/bin"
    install -m 0755 "$nu_tmp/package/bin/nu" "$nu_dir/bin/nu"
    printf '%s\n' "$nu_version" >"$nu_dir/version"
    rm -rf "$nu_tmp"
    "$nu_dir/bin/nu" --version >/dev/null
fi
