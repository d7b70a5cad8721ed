"""Reads of the shared layer."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ImportJob


def import_jobs_visible(*, user) -> QuerySet[ImportJob]:
    """Return the import jobs the user may see: their own, or every job for an administrator.

    A job holds a file someone uploaded and the problems found in it, so nobody else sees it,
    whatever they may see of the objects it is about.
    """
    jobs = ImportJob.objects.all()
    if not user.is_authenticated:
        return jobs.none()
    return jobs if user.is_superuser else jobs.filter(created_by=user)


def import_job_list(*, user, kind: str, limit: int = 10) -> list[ImportJob]:
    """Return the user's own latest jobs of one kind, newest first, without their files."""
    if not user.is_authenticated:
        return []
    return list(ImportJob.objects.filter(created_by=user, kind=kind).defer("content")[:limit])
