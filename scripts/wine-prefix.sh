#!/usr/bin/env bash
# Prepare the wine prefix for the Windows test lane:
#   ${GVX_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/gvx-test/wine}
#
#  1. `wineboot -i` (64-bit prefix, Mono/Gecko installers disabled);
#  2. build scripts/processprng.c into bcryptprimitives.dll with mingw and put
#     it into drive_c/windows/system32: wine 8.0 has no bcryptprimitives.dll,
#     which Rust >= 1.78 std and Go >= 1.22 need for ProcessPrng;
#  3. check it: a tiny mingw program that imports ProcessPrng runs in the prefix.
#
# No DllOverrides entry is needed: wine 8.0 has no builtin bcryptprimitives,
# so the native DLL in system32 is what loads (WINEDEBUG=+loaddll shows
# "C:\windows\system32\bcryptprimitives.dll ... native").
# The prefix is built beside the old one and swapped in when complete.
#
# Idempotent (a stamp file in the prefix); prints the prefix on the last line
# of stdout. Tests should `cp -a` the prefix for a clean registry per run and
# set WINEPREFIX to the copy, with WINEDEBUG=-all.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/gvx-test
prefix=${GVX_WINEPREFIX:-$cache_root/wine}

log() { printf 'wine-prefix: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}
now_ms() { date +%s%3N; }
timed() { # description command...
    local what=$1 t0
    shift
    t0=$(now_ms)
    "$@"
    log "$what: $(($(now_ms) - t0)) ms"
}

for cmd in wine wineboot wineserver x86_64-w64-mingw32-gcc; do
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (run scripts/deps.sh)"
done

mkdir -p "$(dirname -- "$prefix")"
prefix=$(cd "$(dirname -- "$prefix")" && pwd -P)/$(basename -- "$prefix")

export WINEPREFIX=$prefix WINEDEBUG=-all WINEARCH=win64
stamp=$prefix/.gvx-prefix-ready
marker=$prefix/.gvx-test-prefix
dll=$prefix/drive_c/windows/system32/bcryptprimitives.dll

# Bump when the way the prefix is made changes (invalidates existing ones).
prefix_format=1
fingerprint=$({
    echo "$prefix_format"
    wine --version
    cat "$here/processprng.c"
} | sha256sum | cut -d' ' -f1)

ready() {
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ] &&
        [ -f "$dll" ] && [ -f "$prefix/system.reg" ]
}

if ready; then
    printf '%s\n' "$prefix"
    exit 0
fi

# Serialize concurrent runs on the same prefix.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$prefix.lock"
    flock 9
    if ready; then
        printf '%s\n' "$prefix"
        exit 0
    fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gvx-wine-prefix.XXXXXX")
new_prefix=$prefix.new.$$
cleanup() {
    if [ -d "$new_prefix" ]; then
        WINEPREFIX=$new_prefix wineserver -k 2>/dev/null || true
        rm -rf "$new_prefix"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# Never delete a directory this script did not make.
if [ -e "$prefix" ] && [ ! -f "$marker" ] && [ -n "$(ls -A "$prefix")" ]; then
    die "$prefix exists and was not made by this script; remove it or set GVX_WINEPREFIX elsewhere"
fi

# Build the new prefix beside the old one and swap it in only when complete,
# so that a test run copying the current prefix never sees a half-made one.
# (A wine prefix holds no absolute path of itself: it can be moved/copied.)
log "creating prefix $prefix"
rm -rf "$new_prefix"
mkdir -p "$new_prefix"
: >"$new_prefix/${marker##*/}"

wineboot_init() {
    # mscoree/mshtml disabled: no "install Wine Mono/Gecko" prompts (and no
    # network to fetch them anyway). Its chatter (e.g. about the missing
    # 32-bit syswow64\rundll32.exe) is shown only if it fails.
    WINEPREFIX=$new_prefix WINEDLLOVERRIDES='mscoree,mshtml=' wineboot -i >"$tmp/wineboot.log" 2>&1 || {
        cat "$tmp/wineboot.log" >&2
        return 1
    }
    # Wait until the wineserver has exited, i.e. has written the registry.
    WINEPREFIX=$new_prefix wineserver -w
}
timed "wineboot -i" wineboot_init

timed "build bcryptprimitives.dll" \
    x86_64-w64-mingw32-gcc -shared -O2 -o "$tmp/bcryptprimitives.dll" \
    "$here/processprng.c" -ladvapi32 -Wl,--kill-at
install -m 0644 "$tmp/bcryptprimitives.dll" "$new_prefix/${dll#"$prefix"/}"

if [ -e "$prefix" ]; then
    # An old prefix of ours: stop its wineserver, then swap.
    wineserver -k 2>/dev/null || true
    rm -rf "$prefix.old"
    mv "$prefix" "$prefix.old"
fi
mv "$new_prefix" "$prefix"
rm -rf "$prefix.old"

# Self-check: a program importing ProcessPrng statically (like Rust std and
# the Go runtime) loads the DLL from system32 and gets random bytes.
cat >"$tmp/prngcheck.c" <<'EOF'
#include <windows.h>
#include <stdio.h>
#include <string.h>
__declspec(dllimport) BOOL WINAPI ProcessPrng(PBYTE, SIZE_T);
int main(void)
{
    BYTE a[32] = {0}, b[32] = {0};
    if (!ProcessPrng(a, sizeof a) || !ProcessPrng(b, sizeof b))
        return 2;
    if (memcmp(a, b, sizeof a) == 0)
        return 3;
    printf("ProcessPrng ok\n");
    return 0;
}
EOF
timed "build prngcheck.exe" \
    x86_64-w64-mingw32-gcc -O2 -o "$tmp/prngcheck.exe" "$tmp/prngcheck.c" "$tmp/bcryptprimitives.dll"
rm -f "$tmp/bcryptprimitives.dll" # must come from system32, not next to the exe
t0=$(now_ms)
out=$(wine "$tmp/prngcheck.exe" </dev/null | tr -d '\r') || die "prngcheck.exe failed under wine: '$out'"
[ "$out" = "ProcessPrng ok" ] || die "prngcheck.exe printed '$out'"
log "wine prngcheck.exe: $(($(now_ms) - t0)) ms"
timed "wineserver -w" wineserver -w

printf '%s' "$fingerprint" >"$stamp"
printf '%s\n' "$prefix"
