#!/usr/bin/env bash
# Installs what scripts/release.sh needs to build the given Rust target triples, if missing:
#
#   scripts/release-deps.sh TRIPLE...
#
#   rustup targets  each TRIPLE (`rustup target add`)
#   cargo-zigbuild  and zig (PyPI's `cargo-zigbuild` and `ziglang` wheels, pinned, in a venv at
#                   ~/.cache/gvx-release/venv, or GVX_RELEASE_TOOLS) when a triple is built with
#                   it: aarch64-unknown-linux-musl, aarch64-pc-windows-gnullvm, *-apple-darwin
#                   off macOS, x86_64-unknown-linux-musl without musl-gcc
#   minisign        Debian's package (as root with apt-get), else says how to get it
#
# Quick (well under a second) when everything is there. Prints nothing on stdout.
set -euo pipefail

log() { printf 'release-deps: %s\n' "$*" >&2; }

ZIGBUILD_VERSION=0.24.0
ZIGLANG_VERSION=0.17.0
venv=${GVX_RELEASE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/gvx-release/venv}

host=$(rustc -vV | sed -n 's/^host: //p')
installed=$(rustup target list --installed 2>/dev/null || true)
need_zig=0
for t in "$@"; do
    if ! grep -qx "$t" <<<"$installed" && [ "$t" != "$host" ]; then
        log "rustup target add $t"
        rustup target add "$t" >&2
    fi
    case $host/$t in
        *-apple-darwin/*-apple-darwin) ;;
        *-linux-*/aarch64-unknown-linux-musl | *-linux-*/aarch64-pc-windows-gnullvm) need_zig=1 ;;
        *-linux-*/*-apple-darwin) [ -z "${SDKROOT:-}" ] || need_zig=1 ;;
        x86_64-*-linux-*/x86_64-unknown-linux-musl) command -v musl-gcc >/dev/null || need_zig=1 ;;
        *-linux-*/x86_64-unknown-linux-musl) need_zig=1 ;;
    esac
done

if [ "$need_zig" = 1 ]; then
    if [ ! -x "$venv/bin/cargo-zigbuild" ] ||
        ! "$venv/bin/python3" -c "import ziglang" 2>/dev/null ||
        [ "$("$venv/bin/cargo-zigbuild" --version 2>/dev/null)" != "cargo-zigbuild $ZIGBUILD_VERSION" ]; then
        log "installing cargo-zigbuild $ZIGBUILD_VERSION and zig (ziglang $ZIGLANG_VERSION) into $venv"
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "cargo-zigbuild==$ZIGBUILD_VERSION" "ziglang==$ZIGLANG_VERSION" >&2
    fi
fi

if ! command -v minisign >/dev/null; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        log "installing minisign (apt-get)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends minisign >&2 ||
            { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends minisign >&2; }
    elif command -v brew >/dev/null; then
        brew install minisign >&2
    else
        log "minisign is missing: install it (Debian: apt-get install minisign; macOS: brew install minisign; Windows: scoop install minisign)"
    fi
fi
