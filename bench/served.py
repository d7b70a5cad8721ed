"""Benchmark: what users pay for a served request, under production settings and load.

For each database it creates a fresh bench database, migrates it, loads the starting content,
generates N synthetic SMEs and collects the static files. It then starts gunicorn with the
production settings (WhiteNoise, every middleware) on a loopback port, with one extra URL that
exists only here: a bare view behind the same middleware, the ceiling of what the stack can
serve. A small asyncio client keeps C connections busy for S seconds per endpoint (HTTP/1.1,
keep-alive) and reports requests/s, p50/p95/p99 latency and errors, and each endpoint's
throughput as a share of the bare view's, measured in the same run on the same machine. The
client runs on the same cores as the server, as a loopback test must; its cost is in every
figure, the bare view's included.

    python bench/served.py                                   # 1,000,000 SMEs, both databases
    python bench/served.py --smes 100000 --seconds 10 --databases sqlite
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from harness import DATABASES, OUT, ROOT, percentile, prepare_database

ENDPOINTS = [
    ("bare view (same middleware)", "/bench/bare/"),
    ("home page", "/"),
    ("directory page", "/organisations/"),
    ("directory page, filtered", "/organisations/?economy=KR&sector=C&size_class=small"),
    ("directory API", "/api/v1/organisations"),
    ("directory API, filtered", "/api/v1/organisations?economy=KR&sector=C"),
    ("programmes page", "/programmes/"),
    ("programmes API", "/api/v1/programmes"),
    ("cases page", "/cases/"),
    ("cases API", "/api/v1/cases"),
    ("KPI dashboard", "/monitoring/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def d4sme(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "d4sme.cli", *args], env=env, check=True, cwd=ROOT)


async def one_client(port: int, path: str, until: float, latencies: list, errors: list) -> None:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n"
        "Accept-Language: en\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    reader = writer = None
    while time.perf_counter() < until:
        if writer is None:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.perf_counter()
        try:
            writer.write(request)
            status_line = await reader.readline()
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if length:
                await reader.readexactly(length)
            status = int(status_line.split()[1])
        except (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError) as exc:
            errors.append(repr(exc))
            writer.close()
            reader = writer = None
            continue
        latencies.append(time.perf_counter() - started)
        if status != 200:
            errors.append(str(status))
        if headers.get("connection", "").lower() == "close":
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def load(port: int, path: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(one_client(port, path, until, latencies, errors) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.50) if latencies else None,
        "p95_ms": 1000 * percentile(latencies, 0.95) if latencies else None,
        "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else None,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
    }


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode} before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def run(kind: str, args) -> dict:
    url = prepare_database(kind, "bench_served")
    static = OUT / "served-static"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "served_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "D4SME_SECRET_KEY": secrets.token_urlsafe(64),
        "D4SME_ALLOWED_HOSTS": "localhost",
        "D4SME_STATIC_ROOT": str(static),
        "D4SME_VAR_DIR": str(OUT / "served-var"),
    }
    started = time.perf_counter()
    d4sme("migrate", "--no-input", "-v0", env=env)
    d4sme("load-content", env=env)
    d4sme("generate", "--smes", str(args.smes), env=env)
    d4sme("collectstatic", "--no-input", "-v0", env=env)
    prepared = time.perf_counter() - started
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "d4sme.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_until_up(port, server)
        results = {}
        for label, path in ENDPOINTS:
            asyncio.run(load(port, path, args.clients, min(2.0, args.seconds)))  # warm up
            results[label] = asyncio.run(load(port, path, args.clients, args.seconds))
            results[label]["path"] = path
            print(f"  {kind}: {label}: {results[label]['rps']:.1f} req/s", file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    bare = results[ENDPOINTS[0][0]]["rps"] or 1.0
    for result in results.values():
        result["share_of_bare"] = result["rps"] / bare
    return {
        "database": kind,
        "smes": args.smes,
        "workers": args.workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "prepare_s": prepared,
        "load_average_at_start": os.getloadavg(),
        "endpoints": results,
    }


def report(result: dict) -> str:
    lines = [
        f"{result['database']}: {result['smes']:,} SMEs, gunicorn {result['workers']} workers, "
        f"{result['clients']} clients x {result['seconds']:.0f} s per endpoint "
        f"(load average at start {result['load_average_at_start'][0]:.2f})",
        f"{'endpoint':34} {'req/s':>8} {'share':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}",
    ]
    for label, r in result["endpoints"].items():
        lines.append(
            f"{label:34} {r['rps']:8.1f} {r['share_of_bare']:6.2f} {r['p50_ms'] or 0:8.1f} "
            f"{r['p95_ms'] or 0:8.1f} {r['p99_ms'] or 0:8.1f} {r['errors']:6d}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smes", type=int, default=1_000_000)
    parser.add_argument("--databases", default=DATABASES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    for kind in args.databases.split(","):
        result = run(kind, args)
        Path(OUT / f"served-{kind}.json").write_text(json.dumps(result, indent=2))
        print(report(result), flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
