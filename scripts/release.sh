#!/usr/bin/env bash
# Builds gvx's release assets, one command:
#
#   scripts/release.sh VERSION [--out DIR] [--targets LIST] [--no-sign]
#
# VERSION must be the workspace version in Cargo.toml (a leading `v` is allowed). LIST is a
# comma-separated subset of
#
#   x86_64-linux aarch64-linux x86_64-macos aarch64-macos x86_64-windows aarch64-windows
#
# (default: all six; `none` builds nothing and only (re)signs what DIR holds). A target named
# in --targets that cannot be built on this host is an error; with the default, each such
# target is skipped with one line saying why. For every target built, DIR gets
# gvx-<arch>-<os>.tar.gz (gvx and gvx-shim at the root, mode 755) or, for Windows,
# gvx-<arch>-windows.zip (gvx.exe, gvx-shim.exe), plus install.sh and install.ps1; then
# SHA256SUMS over every release asset in DIR (so archives other runners built and copied into
# DIR are included) and SHA256SUMS.minisig, a minisign signature whose trusted comment is
# `gvx-release VERSION`. The signature is then verified with the public key the binaries were
# built with; if it does not verify, the script fails.
#
#   GVX_RELEASE_KEY     the minisign secret key file (unencrypted, `minisign -G -W`); required
#                       unless --no-sign
#   GVX_RELEASE_PUBKEY  the public key (its base64 `RW...` line) compiled into gvx; default:
#                       keys/release.pub's. Tests set the test key's.
#   CARGO_TARGET_DIR    respected; DIR defaults to <target dir>/dist/v<VERSION>
#
# How each target is built (Linux binaries are static, so they run on any distribution):
#   x86_64-linux    gvx: x86_64-unknown-linux-musl (musl-gcc from Debian's musl-tools, else
#                   cargo-zigbuild); gvx-shim: the same musl build (bench/README.md, `shimlibc`)
#   aarch64-linux   aarch64-unknown-linux-musl with cargo-zigbuild (zig from PyPI's ziglang)
#   x86_64-windows  x86_64-pc-windows-gnu (mingw-w64's gcc, rustc's default linker for it) on
#                   Linux, the same build as scripts/test.sh's; x86_64-pc-windows-msvc on Windows
#   aarch64-windows aarch64-pc-windows-gnullvm with cargo-zigbuild on Linux;
#                   aarch64-pc-windows-msvc on Windows
#   *-macos         on macOS only (x86_64- and aarch64-apple-darwin); elsewhere only with
#                   SDKROOT naming a MacOSX.sdk (cargo-zigbuild), since linking needs Apple's
#                   Security and CoreFoundation frameworks, which zig does not ship
#
# scripts/release-deps.sh installs the rustup targets and cargo-zigbuild + zig this needs; this
# script runs it first. The last line of stdout is DIR.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

log() { printf 'release: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

all_targets=(x86_64-linux aarch64-linux x86_64-macos aarch64-macos x86_64-windows aarch64-windows)

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
}

version=
out=
targets_arg=
sign=1
while [ $# -gt 0 ]; do
    case $1 in
        --out)
            [ $# -ge 2 ] || die "--out needs a directory"
            out=$2
            shift
            ;;
        --out=*) out=${1#--out=} ;;
        --targets)
            [ $# -ge 2 ] || die "--targets needs a list, e.g. --targets x86_64-linux,x86_64-windows"
            targets_arg=$2
            shift
            ;;
        --targets=*) targets_arg=${1#--targets=} ;;
        --no-sign) sign=0 ;;
        -h | --help) usage ;;
        -*) die "unknown option '$1' (see scripts/release.sh --help)" ;;
        *)
            [ -z "$version" ] || die "one VERSION only (got '$version' and '$1')"
            version=$1
            ;;
    esac
    shift
done
[ -n "$version" ] || usage
version=${version#v}

workspace_version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$workspace_version" ] || die "no version in Cargo.toml's [workspace.package]"
[ "$version" = "$workspace_version" ] ||
    die "VERSION $version is not Cargo.toml's workspace version $workspace_version; bump Cargo.toml first (or pass $workspace_version)"

# The public key gvx is built with, and which must verify the signature.
if [ -n "${GVX_RELEASE_PUBKEY:-}" ]; then
    pubkey=$GVX_RELEASE_PUBKEY
    pubkey_from="GVX_RELEASE_PUBKEY"
else
    pubkey=$(sed -n 2p keys/release.pub)
    pubkey_from="keys/release.pub"
fi
case $pubkey in
    RW*) ;;
    *) die "$pubkey_from holds no minisign public key line (RW...): '$pubkey'" ;;
esac
export GVX_RELEASE_PUBKEY=$pubkey

# The host: os and, for the build, its triple.
host_triple=$(rustc -vV | sed -n 's/^host: //p')
case $host_triple in
    *-linux-*) host_os=linux ;;
    *-apple-darwin) host_os=macos ;;
    *-windows-*) host_os=windows ;;
    *) host_os=other ;;
esac
host_arch=${host_triple%%-*}

target_dir=${CARGO_TARGET_DIR:-}
if [ -z "$target_dir" ]; then
    target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
fi
[ -n "$out" ] || out=$target_dir/dist/v$version

# why_not TARGET: prints why TARGET cannot be built on this host (nothing if it can).
why_not() {
    local target=$1
    case $host_os/$target in
        linux/x86_64-linux)
            [ "$host_arch" = x86_64 ] && command -v musl-gcc >/dev/null && return
            have_zigbuild || echo "neither musl-gcc (Debian's musl-tools) nor cargo-zigbuild + zig is installed (scripts/release-deps.sh)"
            ;;
        linux/aarch64-linux | linux/aarch64-windows)
            have_zigbuild || echo "cargo-zigbuild + zig are not installed (scripts/release-deps.sh)"
            ;;
        linux/x86_64-windows)
            command -v x86_64-w64-mingw32-gcc >/dev/null ||
                echo "x86_64-w64-mingw32-gcc is missing (Debian's gcc-mingw-w64-x86-64)"
            ;;
        linux/*-macos)
            if [ -z "${SDKROOT:-}" ]; then
                echo "linking for macOS needs Apple's Security and CoreFoundation frameworks, which zig does not ship; set SDKROOT to a MacOSX.sdk, or build on macOS (the release workflow does)"
            else
                have_zigbuild || echo "cargo-zigbuild + zig are not installed (scripts/release-deps.sh)"
            fi
            ;;
        macos/*-macos | windows/*-windows) ;;
        macos/*-linux | macos/*-windows) echo "built on Linux (the release workflow's linux job)" ;;
        windows/*) echo "built on Linux or macOS (the release workflow's other jobs)" ;;
        *) echo "no release build is set up for a $host_triple host" ;;
    esac
}

have_zigbuild() {
    command -v cargo-zigbuild >/dev/null && { command -v zig >/dev/null || python3 -c 'import ziglang' 2>/dev/null; }
}

# triple TARGET: the Rust target triple TARGET is built for on this host.
triple() {
    case $host_os/$1 in
        */x86_64-linux) echo x86_64-unknown-linux-musl ;;
        */aarch64-linux) echo aarch64-unknown-linux-musl ;;
        */x86_64-macos) echo x86_64-apple-darwin ;;
        */aarch64-macos) echo aarch64-apple-darwin ;;
        windows/x86_64-windows) echo x86_64-pc-windows-msvc ;;
        windows/aarch64-windows) echo aarch64-pc-windows-msvc ;;
        */x86_64-windows) echo x86_64-pc-windows-gnu ;;
        */aarch64-windows) echo aarch64-pc-windows-gnullvm ;;
    esac
}

now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }

# build TARGET: builds gvx and gvx-shim for TARGET; prints the directory holding them.
build() {
    local target=$1 t
    t=$(triple "$target")
    local -a cargo=(cargo build)
    case $host_os/$target in
        linux/x86_64-linux)
            if [ "$host_arch" = x86_64 ] && command -v musl-gcc >/dev/null; then
                export CC_x86_64_unknown_linux_musl=musl-gcc
            else
                cargo=(cargo zigbuild)
            fi
            ;;
        linux/x86_64-windows) ;; # mingw-w64's gcc, rustc's default linker for the target
        linux/*) cargo=(cargo zigbuild) ;;
    esac
    "${cargo[@]}" --release --locked --target "$t" --workspace --bins >&2 ||
        return 1
    printf '%s\n' "$target_dir/$t/release"
}

# pack TARGET BINDIR: writes TARGET's archive into $out.
pack() {
    local target=$1 bin=$2 ext=
    case $target in *-windows) ext=.exe ;; esac
    local name
    case $target in
        *-windows) name=gvx-$target.zip ;;
        *) name=gvx-$target.tar.gz ;;
    esac
    for exe in gvx gvx-shim; do
        [ -f "$bin/$exe$ext" ] || die "$bin/$exe$ext was not built"
    done
    python3 - "$out/$name" "$bin/gvx$ext" "$bin/gvx-shim$ext" <<'EOF'
# Deterministic archives: fixed order, mtime (SOURCE_DATE_EPOCH or 0), owner, mode 755.
import gzip, io, os, sys, tarfile, time, zipfile
dest, files = sys.argv[1], sys.argv[2:]
mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
tmp = dest + ".tmp"
if dest.endswith(".zip"):
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for f in files:
            info = zipfile.ZipInfo(os.path.basename(f), time.gmtime(mtime)[:6])
            info.external_attr = (0o100755 << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(f, "rb") as src:
                z.writestr(info, src.read())
else:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for f in files:
            info = t.gettarinfo(f, arcname=os.path.basename(f))
            info.mode, info.mtime = 0o755, mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(f, "rb") as src:
                t.addfile(info, src)
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=mtime, filename="") as gz:
            gz.write(buf.getvalue())
os.replace(tmp, dest)
EOF
    log "packed $out/$name"
}

sha256_line() { # file: prints "<hex>  <basename>"
    python3 - "$1" <<'EOF'
import hashlib, os, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print(f"{h.hexdigest()}  {os.path.basename(sys.argv[1])}")
EOF
}

# Which targets, and whether each was asked for by name.
explicit=0
if [ -z "$targets_arg" ]; then
    targets=("${all_targets[@]}")
elif [ "$targets_arg" = none ]; then
    targets=()
else
    explicit=1
    IFS=, read -r -a targets <<<"$targets_arg"
    for t in "${targets[@]}"; do
        case " ${all_targets[*]} " in
            *" $t "*) ;;
            *) die "unknown target '$t' in --targets (one of: ${all_targets[*]}, or none)" ;;
        esac
    done
fi

if [ "$sign" = 1 ]; then
    [ -n "${GVX_RELEASE_KEY:-}" ] || die "GVX_RELEASE_KEY is not set: name the minisign secret key file (or pass --no-sign)"
    [ -f "$GVX_RELEASE_KEY" ] || die "GVX_RELEASE_KEY=$GVX_RELEASE_KEY is not a file"
    GVX_RELEASE_KEY=$(cd -- "$(dirname -- "$GVX_RELEASE_KEY")" && pwd)/$(basename -- "$GVX_RELEASE_KEY")
    command -v minisign >/dev/null || die "minisign is not on PATH (scripts/release-deps.sh installs it)"
fi

# Tools first (rustup targets, cargo-zigbuild, zig), only for what is asked.
if [ "${#targets[@]}" -gt 0 ]; then
    needs=()
    for t in "${targets[@]}"; do needs+=("$(triple "$t")"); done
    scripts/release-deps.sh "${needs[@]}" >&2 || die "scripts/release-deps.sh failed (see above)"
fi
venv=${GVX_RELEASE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/gvx-release/venv}
[ -d "$venv/bin" ] && export PATH="$venv/bin:$PATH"

buildable=()
for t in ${targets[@]+"${targets[@]}"}; do
    why=$(why_not "$t")
    if [ -n "$why" ]; then
        [ "$explicit" = 0 ] || die "cannot build $t on this host: $why"
        log "not building $t here: $why"
    else
        buildable+=("$t")
    fi
done

# A signing key that does not match the public key fails now, not after the builds.
if [ "$sign" = 1 ]; then
    probe=$(mktemp -d)
    trap 'rm -rf "$probe"' EXIT
    printf 'probe\n' >"$probe/m"
    minisign -S -s "$GVX_RELEASE_KEY" -m "$probe/m" -t probe </dev/null >/dev/null ||
        die "minisign cannot sign with GVX_RELEASE_KEY=$GVX_RELEASE_KEY (it must be unencrypted: minisign -C -W)"
    minisign -V -q -P "$pubkey" -m "$probe/m" >/dev/null 2>&1 ||
        die "GVX_RELEASE_KEY=$GVX_RELEASE_KEY is not the secret key of the public key from $pubkey_from ($pubkey)"
fi

mkdir -p "$out"
out=$(cd -- "$out" && pwd)
log "gvx $version, public key $pubkey (from $pubkey_from), into $out"
for t in ${buildable[@]+"${buildable[@]}"}; do
    t0=$(now_ms)
    bin=$(build "$t") || die "building $t ($(triple "$t")) failed (see above)"
    pack "$t" "$bin"
    ms=$(($(now_ms) - t0))
    log "built $t ($(triple "$t")) in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
done
cp install.sh install.ps1 "$out/"

if [ "$sign" = 1 ]; then
    (
        cd "$out"
        shopt -s nullglob
        assets=(gvx-*.tar.gz gvx-*.zip install.sh install.ps1)
        rm -f SHA256SUMS SHA256SUMS.minisig
        for a in $(printf '%s\n' "${assets[@]}" | LC_ALL=C sort); do
            sha256_line "$a"
        done >SHA256SUMS.tmp
        mv SHA256SUMS.tmp SHA256SUMS
        minisign -S -s "$GVX_RELEASE_KEY" -m SHA256SUMS -x SHA256SUMS.minisig \
            -t "gvx-release $version" </dev/null >/dev/null || die "minisign could not sign $out/SHA256SUMS"
        comment=$(minisign -V -Q -P "$pubkey" -m SHA256SUMS -x SHA256SUMS.minisig) || {
            rm -f SHA256SUMS.minisig
            die "the signature of $out/SHA256SUMS does not verify with the public key gvx is built with ($pubkey, from $pubkey_from)"
        }
        [ "$comment" = "gvx-release $version" ] || {
            rm -f SHA256SUMS.minisig
            die "the signature's trusted comment is '$comment', not 'gvx-release $version'"
        }
        log "SHA256SUMS ($(wc -l <SHA256SUMS | tr -d " ") assets) signed and verified with $pubkey"
    ) || exit 1
else
    log "not signed (--no-sign): copy the archives next to the others and run with --targets none to sign"
fi
printf '%s\n' "$out"
