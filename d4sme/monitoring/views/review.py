"""Review of a report: moving it through the workflow, and its question thread."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import AnswerForm, MoveForm, QuestionForm
from ..models import SubmissionStatus
from ._access import question_for, submission_for, to_thread


def _attempt(request: HttpRequest, write: Callable[[], object], success: str) -> None:
    """Run the service call ``write``; flash ``success``, or each reason it was refused."""
    try:
        write()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def submission_move(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the report."))
        return redirect("monitoring:submission", pk=submission.pk)
    value_notes = {
        int(key.removeprefix("value-note-")): text
        for key, text in request.POST.items()
        if key.startswith("value-note-") and key.removeprefix("value-note-").isdigit()
    }
    try:
        services.submission_move(
            submission=submission,
            user=request.user,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            value_notes=value_notes,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The report is now “%(status)s”.")
            % {"status": SubmissionStatus(form.cleaned_data["to"]).label},
        )
    return redirect("monitoring:submission", pk=submission.pk)


@login_required
@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for(request, pk)
    form = QuestionForm(request.POST, framework=submission.cycle.framework)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, error[0])
        return to_thread(submission.pk)
    _attempt(
        request,
        lambda: services.question_ask(
            submission=submission,
            user=request.user,
            text=form.cleaned_data["text"],
            indicator=form.cleaned_data["indicator"],
        ),
        _("Question asked; the focal point can answer it here."),
    )
    return to_thread(submission.pk)


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write an answer of at most 4,000 characters."))
        return to_thread(question.submission_id)
    _attempt(
        request,
        lambda: services.question_answer(
            question=question, user=request.user, text=form.cleaned_data["text"]
        ),
        _("Answer added to the thread."),
    )
    return to_thread(question.submission_id)


@login_required
@require_POST
def question_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for(request, pk)
    _attempt(
        request,
        lambda: services.question_resolve(question=question, user=request.user),
        _("Question resolved and closed."),
    )
    return to_thread(question.submission_id)
