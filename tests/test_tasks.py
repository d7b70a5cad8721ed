"""Background work: the web request enqueues, a separate `d4sme db_worker` process delivers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db(transaction=True)

D4SME = Path(sys.executable).parent / "d4sme"


def database_url() -> str:
    """The URL of the test database, for a process outside this one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = db.get("PORT") or 5432
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"


def run_worker(mail_dir: Path) -> None:
    skip = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        DJANGO_SETTINGS_MODULE="d4sme.settings.development",
        DATABASE_URL=database_url(),
        D4SME_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        D4SME_EMAIL_FILE_PATH=str(mail_dir),
        # Files the worker writes (printed PDFs) land where the tested server reads them.
        D4SME_MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    subprocess.run(
        [D4SME, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0"],
        env=env,
        check=True,
        timeout=120,
    )


def test_password_reset_mail_is_delivered_by_the_worker_process(client, world, tmp_path):
    response = client.post(reverse("password_reset"), {"email": "owner-a@example.org"})
    assert response.status_code == 302
    assert not mail.outbox  # queued, not sent while the visitor waits
    assert DBTaskResult.objects.get().status == "READY"

    run_worker(tmp_path)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    (message,) = [path.read_text() for path in tmp_path.iterdir()]
    assert "To: owner-a@example.org" in message
    link = next(line for line in message.splitlines() if "/accounts/reset/" in line)
    page = client.get(link.split("testserver", 1)[1], follow=True)
    assert "Choose a new password" in page.content.decode()


def test_no_mail_is_queued_for_an_unknown_address(client, world):
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert not DBTaskResult.objects.exists()
