#!/usr/bin/env python3
"""gvx benchmarks: each case runs gvx (A) and its baseline (B) alternately in one run and prints
medians, the ratio A/B and peak RSS. Nothing here is a pass/fail test; targets are printed beside
the figures.

  bench/run.py              # all cases
  bench/run.py install      # install vs curl | tee >(sha256sum) | tar xz, on tmpfs and on disk
  bench/run.py shim         # go version / go build through the shim vs the SDK's go directly

Needs the real SDK archives (scripts/real-sdks.sh prepares them; GVX_TEST_SDKS overrides the
directory) and builds gvx in release mode.
"""

import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSION = "1.22.10"
ARCHIVE = f"go{VERSION}.linux-amd64.tar.gz"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout.strip()


def sdks_dir():
    env = os.environ.get("GVX_TEST_SDKS")
    if env:
        return env
    return sh(["bash", os.path.join(ROOT, "scripts/real-sdks.sh")]).splitlines()[-1]


def build():
    subprocess.run(["cargo", "build", "--release", "--bins", "--quiet"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release")


def serve(directory):
    """A loopback HTTP server for the SDK archives and index.json; returns its base URL."""
    handler = functools.partial(QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def peak_rss_mib(cmd, env=None, cwd=None):
    """Peak RSS of one run of cmd, measured by GNU time (a fork of this Python process would
    count Python's own pages)."""
    if not os.path.exists("/usr/bin/time"):
        return float("nan")
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *cmd], env=env, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(out.read().split()[-1]) / 1024


def timed(cmd, env=None, cwd=None, shell=False):
    """Runs cmd; returns (seconds, ru_maxrss), ru_maxrss being unused: see peak_rss_mib."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, shell=shell, executable="/bin/bash" if shell else None,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {cmd}\n{err}")
    return elapsed, usage.ru_maxrss


def alternate(runs, a, b):
    """Runs a() and b() alternately; returns the lists of (seconds, rss) of each."""
    ra, rb = [], []
    for i in range(runs):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        x = first()
        y = second()
        if first is a:
            ra.append(x)
            rb.append(y)
        else:
            ra.append(y)
            rb.append(x)
    return ra, rb


def row(name, ra, rb, unit=1.0, label="s", rss=None):
    ma = statistics.median(t for t, _ in ra) * unit
    mb = statistics.median(t for t, _ in rb) * unit
    memory = f"   gvx peak RSS {rss:5.1f} MiB" if rss is not None else ""
    print(f"  {name:<34} gvx {ma:8.2f} {label}   baseline {mb:8.2f} {label}   ratio {ma / mb:5.2f}x"
          f"   {ma - mb:+8.2f} {label}{memory}")
    return ma, mb


def bench_install(release, url, runs):
    print(f"install go{VERSION} from a loopback mirror (median of {runs}, alternated; target: <= 0.70x the pipeline, RSS < 20 MB)")
    gvx = os.path.join(release, "gvx")
    for label, base in (("tmpfs (/dev/shm)", "/dev/shm"), ("disk", tempfile.gettempdir())):
        if not os.path.isdir(base):
            continue
        work = tempfile.mkdtemp(prefix="gvx-bench-", dir=base)
        try:
            env = dict(os.environ, GVX_GO_INDEX=f"{url}/index.json", GVX_GO_MIRROR=url, GVX_INDEX_TTL="0")
            counter = iter(range(10**6))

            def a():
                home = os.path.join(work, f"a{next(counter)}")
                result = timed([gvx, "install", "--quiet", VERSION], env=dict(env, GVX_HOME=home))
                shutil.rmtree(home)
                return result

            def b():
                dest = os.path.join(work, f"b{next(counter)}")
                os.makedirs(dest)
                pipeline = f"curl -sSf {url}/{ARCHIVE} | tee >(sha256sum > {dest}.sum) | tar xzf - -C {dest}"
                result = timed(pipeline, shell=True)
                shutil.rmtree(dest)
                os.remove(f"{dest}.sum")
                return result

            ra, rb = alternate(runs, a, b)
            rss_home = os.path.join(work, "rss")
            rss = peak_rss_mib([gvx, "install", "--quiet", VERSION], env=dict(env, GVX_HOME=rss_home))
            shutil.rmtree(rss_home, ignore_errors=True)
            row(f"{label}: gvx install vs pipeline", ra, rb, rss=rss)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def bench_shim(release, url, runs):
    print(f"go through the shim vs the SDK's go, in a project 8 directories deep (median of {runs}, alternated;"
          " target: <= 0.5 ms added, <= 1.25x on go version, <= 1.01x on go build)")
    work = tempfile.mkdtemp(prefix="gvx-bench-shim-")
    try:
        home = os.path.join(work, "gvx")
        env = dict(os.environ, GVX_HOME=home, GVX_GO_INDEX=f"{url}/index.json", GVX_GO_MIRROR=url,
                   GOTOOLCHAIN="local", GOFLAGS="-mod=mod", GOPROXY="off", GOCACHE=os.path.join(work, "cache"))
        for key in ("GOROOT", "GOPATH", "GVX_GO_VERSION"):
            env.pop(key, None)
        os.makedirs(os.path.join(home, "bin"))
        for name in ("gvx", "gvx-shim"):
            shutil.copy2(os.path.join(release, name), os.path.join(home, "bin", name))
        subprocess.run([os.path.join(home, "bin", "gvx"), "install", "--quiet", VERSION], env=env, check=True)
        project = os.path.join(work, *[f"d{i}" for i in range(8)])
        os.makedirs(project)
        with open(os.path.join(project, "go.mod"), "w") as f:
            f.write("module example.com/hello\n\ngo 1.22\n")
        with open(os.path.join(project, "main.go"), "w") as f:
            f.write('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n')
        shim = os.path.join(home, "bin", "go")
        direct = os.path.join(home, "sdk", f"go{VERSION}", "bin", "go")
        ra, rb = alternate(runs, lambda: timed([shim, "version"], env=env, cwd=project),
                           lambda: timed([direct, "version"], env=env, cwd=project))
        ma, mb = row("go version", ra, rb, unit=1000, label="ms")
        timed([direct, "build", "-o", os.devnull, "."], env=env, cwd=project)  # warm the build cache
        ra, rb = alternate(max(5, runs // 6), lambda: timed([shim, "build", "-o", os.devnull, "."], env=env, cwd=project),
                           lambda: timed([direct, "build", "-o", os.devnull, "."], env=env, cwd=project))
        row("go build (cached)", ra, rb, unit=1000, label="ms")
        # With the recursion guard tripped the shim selects nothing and exits: its own footprint.
        alone = peak_rss_mib([shim, "version"], env=dict(env, GVX_SHIM_DEPTH="9"), cwd=project)
        size = os.path.getsize(shim) / 1024
        print(f"  shim binary {size:.0f} KiB; shim alone peak RSS {alone:.1f} MiB;"
              f" go version through it {peak_rss_mib([shim, 'version'], env=env, cwd=project):.1f} MiB,"
              f" directly {peak_rss_mib([direct, 'version'], env=env, cwd=project):.1f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    cases = sys.argv[1:] or ["install", "shim"]
    release = build()
    url = serve(sdks_dir())
    print(f"machine: {os.cpu_count()} cores, {sh(['uname', '-sr'])}; date {time.strftime('%Y-%m-%d')}")
    if "install" in cases:
        bench_install(release, url, int(os.environ.get("BENCH_RUNS", "5")))
    if "shim" in cases:
        bench_shim(release, url, int(os.environ.get("BENCH_SHIM_RUNS", "40")))


if __name__ == "__main__":
    main()
