"""Production serving: gunicorn with several workers, static files from WhiteNoise."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # As on a fresh clone, the var folder does not exist yet: migrate must create it.
    var = tmp_path_factory.mktemp("clone") / "var"
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        DJANGO_SETTINGS_MODULE="d4sme.settings.production",
        D4SME_SECRET_KEY="s" * 64,
        D4SME_VAR_DIR=str(var),
        D4SME_SSL_REDIRECT="0",
        D4SME_ALLOWED_HOSTS="127.0.0.1",
    )
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        done = subprocess.run([BIN / "d4sme", *command], env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"d4sme {command[0]} failed:\n{done.stderr}"
    port = free_port()
    log = (var / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [BIN / "gunicorn", "d4sme.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        env=env,
        # A file, not a pipe: nobody reads a pipe while the tests run, and a full one would
        # stop gunicorn at its next log line.
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                output = (var / "gunicorn.log").read_text(errors="replace")
                pytest.fail(f"gunicorn did not serve {base}/ ({error}); it printed:\n{output}")
            time.sleep(0.1)
    yield base, var
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def test_a_fresh_clone_migrates_without_creating_its_var_folder_first(server):
    _base, var = server
    assert (var / "d4sme.sqlite3").stat().st_size > 0


def test_gunicorn_serves_the_home_page(server):
    base, _var = server
    with urllib.request.urlopen(base + "/") as response:
        assert response.status == 200
        assert "d4sme" in response.read().decode()


def test_static_files_are_served_compressed_and_cached_forever(server):
    base, var = server
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["d4sme/site.css"]
    request = urllib.request.Request(f"{base}/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in response.headers["Cache-Control"]
