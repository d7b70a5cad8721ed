"""Finding the object a monitoring page is about, or refusing it as its permission says."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from ..models import Framework, Question, Review, Submission


def framework_for(request: HttpRequest, code: str) -> Framework:
    """The framework of a code, if the user may view it; 403 to visitors, 404 to others."""
    framework = get_object_or_404(Framework.objects.select_related("economies", "owner"), code=code)
    if not request.user.has_perm("monitoring.view_framework", framework):
        if not request.user.is_authenticated:
            raise PermissionDenied
        raise Http404
    return framework


def submission_for(request: HttpRequest, pk: int) -> Submission:
    """The report of a pk, if the user may open it; 404 otherwise."""
    submission = get_object_or_404(
        Submission.objects.select_related("cycle__framework", "economy"), pk=pk
    )
    if not request.user.has_perm("monitoring.view_submission", submission):
        raise Http404
    return submission


def question_for(request: HttpRequest, pk: int) -> Question:
    """The question of a pk, if the user may open its report; 404 otherwise."""
    question = get_object_or_404(
        Question.objects.select_related("submission__cycle__framework", "submission__economy"),
        pk=pk,
    )
    submission_for(request, question.submission_id)
    return question


def review_for(request: HttpRequest, pk: int) -> Review:
    """The review of a pk, if the user may view its framework."""
    review = get_object_or_404(Review.objects.select_related("framework"), pk=pk)
    framework_for(request, review.framework.code)
    return review


def int_or_none(text: str | None) -> int | None:
    """The integer a query parameter holds, or None when it is absent or not a number."""
    try:
        return int(text) if text else None
    except ValueError:
        return None


def to_thread(submission_pk: int) -> HttpResponse:
    """A redirect to the question thread of a report."""
    return redirect(reverse("monitoring:submission", args=[submission_pk]) + "#thread")
