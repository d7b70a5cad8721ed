"""PDFs as background work: asked for on a page, printed by a task, downloaded by the asker."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from d4sme.reports.models import RenderJob, RenderStatus
from d4sme.reports.pdf import PdfSource, pdf_render, pdf_source_register, render_job_create
from tests.conftest import make_user

# Who may read each note of the source below; a test takes a reader away.
READERS: dict[str, set[str]] = {}


def note_html(object_id: str) -> str:
    if object_id == "torn":
        raise ValueError("The note is torn.")
    return f"<html><body><h1>Field note {object_id}</h1><p>Twelve firms trained.</p></body></html>"


pdf_source_register(
    "tests.note",
    PdfSource(
        html=note_html,
        can_view=lambda user, object_id: user.email in READERS.get(object_id, set()),
        back=lambda object_id: ("/", "Back to the note"),
    ),
)


@pytest.fixture
def reader(db):
    user = make_user("reader@example.org")
    READERS.clear()
    READERS.update({"7": {user.email}, "torn": {user.email}})
    return user


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(user, object_id: str = "7") -> RenderJob:
    return render_job_create(
        user=user, source="tests.note", object_id=object_id, title="Field note", file_name="n.pdf"
    )


def pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_asking_queues_the_print_and_the_page_says_it_waits(
    reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(reader)
    assert job.status == RenderStatus.QUEUED and not job.file
    (queued,) = DBTaskResult.objects.all()
    assert queued.args_kwargs["kwargs"] == {"job_id": job.pk}
    page = client_of(reader).get(reverse("reports:render-detail", args=[job.pk])).content.decode()
    assert "Waiting for a worker" in page
    assert 'hx-trigger="every 1s"' in page  # the page asks for news until the PDF is ready
    download = client_of(reader).get(reverse("reports:render-download", args=[job.pk]))
    assert download.status_code == 302  # nothing to download yet: back to the progress page


def test_the_worker_prints_the_pdf_and_the_asker_downloads_it(reader):
    job = ask(reader)
    assert pdf_render.call(job_id=job.pk) == RenderStatus.DONE
    client = client_of(reader)
    page = client.get(reverse("reports:render-detail", args=[job.pk])).content.decode()
    assert "Ready" in page and "Download n.pdf" in page and "every 1s" not in page
    download = client.get(reverse("reports:render-download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="n.pdf"'
    text = pdf_text(download.content)
    assert "Field note 7" in text and "Twelve firms trained." in text
    # A second run of the same task (a retried delivery) prints nothing again.
    assert pdf_render.call(job_id=job.pk) == RenderStatus.DONE


def test_only_the_asker_who_may_still_read_the_document_sees_the_job(reader):
    job = ask(reader)
    pdf_render.call(job_id=job.pk)
    other = make_user("other@example.org")
    READERS["7"].add(other.email)  # may read the note, but did not ask for this PDF
    admin = make_user("root@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    for name in ("reports:render-detail", "reports:render-download"):
        url = reverse(name, args=[job.pk])
        assert client_of(other).get(url).status_code == 404
        assert client_of(admin).get(url).status_code == 404
        assert Client().get(url).status_code == 302  # to the login page
        assert client_of(reader).get(url).status_code == 200
    READERS["7"].discard(reader.email)  # the asker lost access to the document
    for name in ("reports:render-detail", "reports:render-download"):
        assert client_of(reader).get(reverse(name, args=[job.pk])).status_code == 404


def test_no_one_queues_the_pdf_of_a_document_they_may_not_read(reader):
    stranger = make_user("stranger@example.org")
    with pytest.raises(PermissionDenied):
        ask(stranger)
    assert not RenderJob.objects.exists() and not DBTaskResult.objects.exists()


def test_a_print_that_fails_says_so_and_offers_nothing_to_download(reader):
    job = ask(reader, object_id="torn")
    assert pdf_render.call(job_id=job.pk) == RenderStatus.FAILED
    job.refresh_from_db()
    assert "torn" in job.error and not job.file
    client = client_of(reader)
    page = client.get(reverse("reports:render-detail", args=[job.pk])).content.decode()
    assert "could not be printed" in page and "every 1s" not in page
    assert client.get(reverse("reports:render-download", args=[job.pk])).status_code == 302


def test_a_job_that_waits_too_long_for_a_worker_says_so(reader, settings):
    job = ask(reader)
    page = client_of(reader).get(reverse("reports:render-detail", args=[job.pk])).content.decode()
    assert "for a background worker to start it" not in page
    RenderJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - timedelta(seconds=settings.TASK_WAIT_WARNING_SECONDS + 60)
    )
    page = client_of(reader).get(reverse("reports:render-detail", args=[job.pk])).content.decode()
    assert "for a background worker to start it" in page
