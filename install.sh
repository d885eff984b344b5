#!/bin/sh
# install.sh: install gvx (a Go SDK version manager) and put its go/gofmt shims on PATH.
#
#   curl -fsSL https://github.com/gvx-dev/gvx/releases/latest/download/install.sh | sh
#   sh install.sh [-y] [--no-modify-path] [--version VERSION]
#
# Where gvx comes from (the first that applies):
#   GVX_INSTALL_FROM=DIR  a directory holding already built `gvx` and `gvx-shim`
#   a gvx checkout        this script next to gvx's Cargo.toml: `cargo build --release
#                         --workspace --bins`, then scripts/build-shim.sh for the shim
#                         (static on Linux; respects CARGO_TARGET_DIR)
#   otherwise             a release: gvx-<arch>-<os>.tar.gz, SHA256SUMS and SHA256SUMS.minisig
#                         from <GVX_RELEASE_URL>/latest/download/ (or download/v<VERSION>/ with
#                         --version); GVX_RELEASE_URL defaults to
#                         https://github.com/gvx-dev/gvx/releases (set it for a mirror)
#
# What a release download checks, before anything is installed:
#   - with `minisign` on PATH: SHA256SUMS.minisig is a valid signature of SHA256SUMS by gvx's
#     release key (RELEASE_PUBKEY below, the line of keys/release.pub; GVX_RELEASE_PUBKEY
#     overrides it, for tests), and its trusted comment is `gvx-release <VERSION>` (the version
#     asked for; for the latest, the version the binary must then report). Without minisign
#     the script says so once and checks only the sha256: SHA256SUMS then comes from the same
#     place as the archive, like rustup's and mise's installers.
#   - the archive's sha256 is the one SHA256SUMS lists for its name;
#   - the archive holds `gvx` and `gvx-shim`, and `gvx --version` runs and names that version.
# The Linux builds are static (musl), so one archive serves glibc and musl systems alike.
#
# Both binaries go to <GVX_HOME>/bin (GVX_HOME defaults to ~/.gvx), each copied to a
# temporary name and renamed into place. Then `gvx reshim` creates the go and gofmt shims
# and `gvx setup` puts <GVX_HOME>/bin first on PATH in your shells (not with
# --no-modify-path; `gvx setup --undo` takes it back). Every step is a function and
# `main "$@"` is the last line, so a truncated download runs nothing.

set -u

RELEASES=https://github.com/gvx-dev/gvx/releases
# gvx's release public key (minisign), the second line of keys/release.pub.
RELEASE_PUBKEY=RWSLmmq0l+Y7cnzLG1oncN3ZCVWvcNi/dURnyysCVlIo8wBvqV7wFqIm

say() {
    printf 'gvx-install: %s\n' "$*" >&2
}

err() {
    say "error: $*"
    exit 1
}

need_cmd() {
    command -v "$1" >/dev/null 2>&1 || err "this needs '$1' (command not found)"
}

usage() {
    cat <<'EOF'
install.sh: install gvx and put its go/gofmt shims first on PATH

usage: sh install.sh [-y] [--no-modify-path] [--version VERSION]

  -y, --yes           do not ask before installing
  --no-modify-path    install only; print the lines to add to your shell yourself
  --version VERSION   install this gvx version (checked against the binary)
  -h, --help          this text

environment: GVX_HOME (default ~/.gvx), GVX_RELEASE_URL (a mirror of
https://github.com/gvx-dev/gvx/releases), GVX_INSTALL_FROM (a directory of built binaries),
GVX_RELEASE_PUBKEY (another minisign public key, for tests), CARGO_TARGET_DIR (checkout builds)
EOF
}

parse_args() {
    yes=0
    modify_path=1
    version=
    while [ $# -gt 0 ]; do
        case $1 in
            -y | --yes) yes=1 ;;
            --no-modify-path) modify_path=0 ;;
            --version)
                [ $# -ge 2 ] || err "--version needs a value, e.g. --version 0.1.0"
                version=$2
                shift
                ;;
            --version=*) version=${1#--version=} ;;
            -h | --help)
                usage
                exit 0
                ;;
            *) err "unknown option '$1' (see sh install.sh --help)" ;;
        esac
        shift
    done
    version=${version#v}
}

# Sets gvx_home and bin_dir.
find_home() {
    if [ -n "${GVX_HOME:-}" ]; then
        gvx_home=$GVX_HOME
    else
        [ -n "${HOME:-}" ] || err "neither GVX_HOME nor HOME is set"
        gvx_home=$HOME/.gvx
    fi
    case $gvx_home in
        /*) ;;
        *) err "GVX_HOME must be an absolute path, not '$gvx_home'" ;;
    esac
    bin_dir=$gvx_home/bin
}

# Prints the checkout this script sits in, if it does.
find_checkout() {
    # Piped into sh (curl ... | sh), $0 is the shell, not a file beside a checkout.
    [ -f "$script_path" ] || return 1
    dir=$(dirname -- "$script_path")
    dir=$(cd -- "$dir" 2>/dev/null && pwd -P) || return 1
    [ -f "$dir/Cargo.toml" ] && [ -f "$dir/shims/Cargo.toml" ] || return 1
    grep -q '^name = "gvx"' "$dir/Cargo.toml" || return 1
    printf '%s\n' "$dir"
}

confirm() {
    [ "$yes" = 1 ] && return 0
    if ! (: </dev/tty) 2>/dev/null; then
        say "no terminal to ask on; going ahead (pass -y to say so)"
        return 0
    fi
    if [ "$modify_path" = 1 ]; then
        what="and put it first on PATH in your shells' start-up files (gvx setup --undo reverts)"
    else
        what="without changing PATH"
    fi
    printf 'gvx-install: install gvx into %s %s? [Y/n] ' "$bin_dir" "$what" >/dev/tty
    answer=
    read -r answer </dev/tty || answer=n
    case $answer in
        '' | y | Y | yes | Yes | YES) ;;
        *) err "cancelled; nothing was installed" ;;
    esac
}

# Builds the checkout and sets from_dir to the directory holding the binaries.
build_checkout() {
    need_cmd cargo
    say "building gvx in $checkout (cargo build --release --workspace --bins)"
    (cd -- "$checkout" && cargo build --release --workspace --bins) ||
        err "cargo build failed (see above); nothing was installed"
    if [ -n "${CARGO_TARGET_DIR:-}" ]; then
        case $CARGO_TARGET_DIR in
            /*) target_dir=$CARGO_TARGET_DIR ;;
            *) target_dir=$checkout/$CARGO_TARGET_DIR ;;
        esac
    else
        target_dir=$( (cd -- "$checkout" && cargo metadata --format-version 1 --no-deps) 2>/dev/null |
            sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
        [ -n "$target_dir" ] || target_dir=$checkout/target
    fi
    from_dir=$target_dir/release
    say "building the go shim as shipped (sh scripts/build-shim.sh)"
    built=$(sh "$checkout/scripts/build-shim.sh" "$target_dir") ||
        err "building gvx-shim failed (see above); nothing was installed"
    shim_path=$(printf '%s\n' "$built" | tail -n 1)
    [ -f "$shim_path" ] || err "scripts/build-shim.sh built no shim at '$shim_path'; nothing was installed"
}

# The release asset name for this machine: gvx-<arch>-<os>.tar.gz. The Linux builds are
# static, so the C library (glibc or musl) does not matter.
release_asset() {
    case $(uname -s) in
        Linux) os=linux ;;
        Darwin) os=macos ;;
        MINGW* | MSYS* | CYGWIN*) err "on Windows, use install.ps1" ;;
        *) err "no gvx release for $(uname -s); build it from a checkout instead" ;;
    esac
    case $(uname -m) in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) err "no gvx release for $(uname -m); build it from a checkout instead" ;;
    esac
    # A shell running under Rosetta 2 says x86_64 on an arm64 Mac: take the native build.
    if [ "$os" = macos ] && [ "$arch" = x86_64 ] &&
        [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then
        arch=aarch64
    fi
    printf 'gvx-%s-%s.tar.gz\n' "$arch" "$os"
}

download() { # url file
    case $1 in
        http://*) say "warning: $1 is plain http" ;;
    esac
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        say "error: need curl or wget to download $1"
        return 1
    fi
}

sha256_of() { # file
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    elif command -v openssl >/dev/null 2>&1; then
        openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
    else
        say "error: need sha256sum, shasum or openssl to check the download"
        return 1
    fi
}

verify_sha256() { # file expected
    expected=$(printf '%s' "$2" | tr 'A-F' 'a-f')
    case $expected in
        *[!0-9a-f]* | '') err "'$2' is not a sha256 (64 hex digits)" ;;
    esac
    [ ${#expected} -eq 64 ] || err "'$2' is not a sha256 (64 hex digits)"
    actual=$(sha256_of "$1") || exit 1
    [ "$actual" = "$expected" ] ||
        err "the download does not match its sha256 (expected $expected, got $actual); nothing was installed"
}

# The sha256 that SHA256SUMS-format file $1 lists for asset $2 (exactly one line).
sha256_for() { # sums asset
    lines=$(awk -v name="$2" '$2 == name || $2 == "*" name { print $1 }' "$1") || return 1
    case $lines in
        '') return 1 ;;
        *"
"*) return 1 ;;
    esac
    printf '%s\n' "$lines"
}

# Verifies the minisign signature $2 of file $1 with public key $3 and prints its trusted
# comment. Fails (saying why) if minisign rejects it.
verify_signature() { # file sig pubkey
    if ! out=$(minisign -V -P "$3" -m "$1" -x "$2" 2>&1); then
        say "minisign: $out"
        return 1
    fi
    printf '%s\n' "$out" | sed -n 's/^Trusted comment: //p'
}

# Downloads SHA256SUMS (+ its signature) and the archive, verifies them; sets from_dir and,
# from the signature, signed_version.
fetch_release() {
    asset=$(release_asset) || exit 1
    base=${GVX_RELEASE_URL:-$RELEASES}
    base=${base%/}
    if [ -n "$version" ]; then
        dir=$base/download/v$version
    else
        dir=$base/latest/download
    fi
    sums=$work/SHA256SUMS
    say "downloading $dir/$asset"
    download "$dir/SHA256SUMS" "$sums" || err "could not download $dir/SHA256SUMS; nothing was installed"
    pubkey=${GVX_RELEASE_PUBKEY:-$RELEASE_PUBKEY}
    signed_version=
    if command -v minisign >/dev/null 2>&1; then
        download "$dir/SHA256SUMS.minisig" "$sums.minisig" ||
            err "could not download $dir/SHA256SUMS.minisig; nothing was installed"
        comment=$(verify_signature "$sums" "$sums.minisig" "$pubkey") ||
            err "$dir/SHA256SUMS is not signed by gvx's release key ($pubkey); nothing was installed"
        case $comment in
            "gvx-release "?*) signed_version=${comment#gvx-release } ;;
            *) err "$dir/SHA256SUMS.minisig's trusted comment is '$comment', not 'gvx-release <version>'; nothing was installed" ;;
        esac
        if [ -n "$version" ] && [ "$signed_version" != "$version" ]; then
            err "$dir/SHA256SUMS is signed for gvx $signed_version, not $version (trusted comment '$comment'); nothing was installed"
        fi
        say "SHA256SUMS: signature by $pubkey verified (gvx-release $signed_version)"
    else
        say "minisign not found: checking only the sha256 listed in SHA256SUMS, which comes from the same place as the archive; install minisign (apt install minisign, brew install minisign, ...) and run this again to have gvx's release signature checked"
    fi
    expected=$(sha256_for "$sums" "$asset") ||
        err "$dir/SHA256SUMS has no single line for $asset; nothing was installed"
    archive=$work/$asset
    download "$dir/$asset" "$archive" || err "could not download $dir/$asset; nothing was installed"
    verify_sha256 "$archive" "$expected"
    from_dir=$work/unpacked
    mkdir -p "$from_dir" || err "cannot create $from_dir"
    tar -xzf "$archive" -C "$from_dir" gvx gvx-shim 2>/dev/null ||
        tar -xzf "$archive" -C "$from_dir" ./gvx ./gvx-shim 2>/dev/null ||
        err "$dir/$asset is not a gvx release archive (a .tar.gz with gvx and gvx-shim at its root)"
}

# Checks the binaries in from_dir run here and, with --version, are that version.
check_binaries() {
    for name in gvx gvx-shim; do
        [ -f "$from_dir/$name" ] || err "$from_dir/$name is missing"
    done
    found=$("$from_dir/gvx" --version 2>/dev/null) ||
        err "$from_dir/gvx does not run on this machine"
    found=${found#gvx }
    if [ -n "$version" ] && [ "$found" != "$version" ]; then
        err "asked for gvx $version, but $from_dir/gvx is $found; nothing was installed"
    fi
    if [ -n "${signed_version:-}" ] && [ "$found" != "$signed_version" ]; then
        err "the release is signed for gvx $signed_version, but its gvx is $found; nothing was installed"
    fi
    say "installing gvx $found"
}

# Copies gvx-shim, then gvx, into bin_dir: a temporary name, then a rename.
install_binaries() {
    mkdir -p "$bin_dir" || err "cannot create $bin_dir"
    for name in gvx-shim gvx; do
        temp=$bin_dir/.$name.install-$$
        source=$from_dir/$name
        [ "$name" = gvx-shim ] && [ -n "$shim_path" ] && source=$shim_path
        if ! { cp "$source" "$temp" && chmod 755 "$temp" && mv -f "$temp" "$bin_dir/$name"; }; then
            rm -f "$temp"
            err "could not install $bin_dir/$name"
        fi
    done
    say "installed gvx and gvx-shim in $bin_dir"
}

make_shims() {
    GVX_HOME=$gvx_home "$bin_dir/gvx" reshim || err "gvx reshim failed"
}

set_up_shells() {
    if [ "$modify_path" = 0 ]; then
        say "PATH not changed (--no-modify-path). Add this line to your shell's start-up file:"
        say "  eval \"\$('$bin_dir/gvx' env --shell bash)\"   (or --shell zsh, sh; fish: '$bin_dir/gvx' env --shell fish | source)"
        return 0
    fi
    GVX_HOME=$gvx_home "$bin_dir/gvx" setup || err "gvx setup failed; run '$bin_dir/gvx setup' again once fixed"
}

cleanup() {
    [ -n "${work:-}" ] && rm -rf "$work"
}

main() {
    parse_args "$@"
    shim_path=
    find_home
    confirm
    need_cmd mktemp
    work=$(mktemp -d 2>/dev/null || mktemp -d -t gvx-install) || err "cannot create a temporary directory"
    trap cleanup EXIT
    trap 'cleanup; exit 130' INT TERM
    signed_version=
    if [ -n "${GVX_INSTALL_FROM:-}" ]; then
        from_dir=$GVX_INSTALL_FROM
    elif checkout=$(find_checkout); then
        build_checkout
    else
        need_cmd tar
        need_cmd awk
        fetch_release
    fi
    check_binaries
    install_binaries
    make_shims
    set_up_shells
    say "done. Open a new terminal, then run: gvx use latest"
}

script_path=$0
# Tests source this file with GVX_INSTALL_SOURCED=1 to call single functions.
if [ "${GVX_INSTALL_SOURCED:-}" = 1 ]; then return 0; fi
main "$@"
